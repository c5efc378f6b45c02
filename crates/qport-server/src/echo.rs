//! `EchoHandler`: answers each sync request with the value it received (the error
//! `'type` for the symbol `` `fail ``) and echoes each async message back as async —
//! kdb+'s documented echo, and the peer the client tests talk to.

use qport_value::Value;

use crate::conn::Conn;
use crate::handler::{Handler, Reply};

#[derive(Clone, Copy, Debug, Default)]
pub struct EchoHandler;

impl Handler for EchoHandler {
    fn on_sync(&self, _conn: &Conn, value: Value) -> Reply {
        if value == Value::symbol("fail") {
            Reply::Error("type".into())
        } else {
            Reply::Value(value)
        }
    }

    fn on_async(&self, conn: &Conn, value: Value) {
        if let Err(error) = conn.send_async(&value) {
            tracing::debug!(handle = conn.handle(), %error, "echo not sent");
        }
    }
}
