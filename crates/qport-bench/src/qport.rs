//! The qport servers under test: the library's echo handler for sync round trips, and an
//! ingest handler that only counts async messages.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

use qport_server::{Conn, EchoHandler, Handler, Reply, Server, ServerConfig};
use qport_value::Value;

use crate::child::announce_and_watch_parent;

/// Counts async messages and answers any sync request with the count so far; the bench
/// checks the count against what it sent.
#[derive(Default)]
pub struct IngestHandler {
    received: AtomicU64,
}

impl Handler for IngestHandler {
    fn on_sync(&self, _conn: &Conn, _value: Value) -> Reply {
        Reply::Value(Value::Long(self.received.load(Ordering::Relaxed) as i64))
    }

    fn on_async(&self, _conn: &Conn, _value: Value) {
        self.received.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs a qport server with `handler` on `port` (0: any) until the bench closes stdin.
pub fn serve(handler: impl Handler, port: u16) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let config = ServerConfig {
            port,
            uds_dir: None,
            ..ServerConfig::default()
        };
        let server = Server::start(config, handler).await?;
        announce_and_watch_parent(server.port())?;
        std::future::pending::<()>().await;
        Ok(())
    })
}

pub fn serve_echo(port: u16) -> io::Result<()> {
    serve(EchoHandler, port)
}

pub fn serve_ingest(port: u16) -> io::Result<()> {
    serve(IngestHandler::default(), port)
}
