//! The `Handler` trait: what a program plugs into the server to answer kdb+ clients (the
//! q engine is one such handler). The shape follows kdb+'s callbacks: `.z.pw`, `.z.po`,
//! `.z.pg`, `.z.ps`, `.z.pc`, `.z.bm`.

use qport_value::Value;
use qport_wire::WireError;

use crate::conn::{Conn, Peer};

/// The answer to a sync request.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// Sent back now.
    Value(Value),
    /// Sent back now as an error response carrying q's text (`type`, `length`, ...).
    Error(String),
    /// Nothing now; the handler answers later with `Conn::reply` (kdb+'s `-30!`).
    Deferred,
}

impl From<Value> for Reply {
    fn from(value: Value) -> Reply {
        Reply::Value(value)
    }
}

/// Callbacks for one server. Messages of one connection reach the handler one at a time
/// and in order; different connections may call it concurrently, from several threads.
/// Callbacks run on the connection's task, so they should not block: long work belongs
/// on a task of its own, answered with `Reply::Deferred` and `Conn::reply`.
pub trait Handler: Send + Sync + 'static {
    /// `.z.pw`: after the password file (if any) accepted `user`, may refuse the
    /// connection; the client sees `'access`.
    fn authenticate(&self, _user: &str, _password: &str, _peer: &Peer) -> bool {
        true
    }

    /// `.z.po`: the connection is open and its handle registered.
    fn on_open(&self, _conn: &Conn) {}

    /// `.z.pg`: a sync request.
    fn on_sync(&self, conn: &Conn, value: Value) -> Reply;

    /// `.z.ps`: an async message.
    fn on_async(&self, _conn: &Conn, _value: Value) {}

    /// `.z.pc`: the connection has closed (called once, whatever the reason).
    fn on_close(&self, _conn: &Conn) {}

    /// `.z.bm`: a message that could not be decoded; the connection is closed after.
    fn on_bad_message(&self, _conn: &Conn, _message: &[u8], _error: &WireError) {}
}
