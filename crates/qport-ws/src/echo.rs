//! `EchoHandler`: kdb+'s documented WebSocket echo (`.z.ws:{neg[.z.w] x}`): every text or
//! binary message goes back as it came. The handler of `examples/ws_echo.rs` and of the
//! benchmarks.

use std::sync::Arc;

use crate::conn::Conn;
use crate::protocol::Message;
use crate::server::{Handler, Handshake, Reject};

#[derive(Clone, Copy, Debug, Default)]
pub struct EchoHandler;

impl Handler for EchoHandler {
    type Context = ();

    fn init(_: &mut Handshake, _: &Conn, _: &Arc<()>) -> Result<EchoHandler, Reject> {
        Ok(EchoHandler)
    }

    fn on_message(&mut self, conn: &Conn, message: Message) {
        let _ = conn.send(&message);
    }
}
