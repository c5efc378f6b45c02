//! Memory per idle connection: a freshly started server's resident memory before and after
//! many connections are opened and left idle (handshake done, no messages).

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::connection::Protocol;
use super::measure::open;
use super::resources::{open_descriptors, resident_bytes};
use super::servers::{ServerChild, ServerKind};

/// Connections opened, used once and closed first, so that what a server sets up once (the
/// runtime's slabs, buffers kept by the allocator) is not counted per idle connection.
const PRIMING_CONNECTIONS: usize = 64;
/// How long the server may take to accept every connection.
const ACCEPT_TIMEOUT: Duration = Duration::from_secs(60);
/// Time for the server to finish with the last handshakes before memory is read.
const SETTLE: Duration = Duration::from_millis(500);

#[derive(Clone, Debug)]
pub struct IdleMemory {
    pub server: ServerKind,
    pub connections: usize,
    pub rss_before: u64,
    pub rss_after: u64,
}

impl IdleMemory {
    pub fn bytes_per_connection(&self) -> f64 {
        (self.rss_after as f64 - self.rss_before as f64) / self.connections as f64
    }
}

/// The server's open descriptors once two readings 100 ms apart agree (at most a few
/// seconds).
async fn settled_descriptors(pid: u32) -> io::Result<usize> {
    let mut last = open_descriptors(pid)?;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = open_descriptors(pid)?;
        if now == last {
            return Ok(now);
        }
        last = now;
    }
    Ok(last)
}

pub async fn idle_connections(server: &ServerChild, count: usize) -> io::Result<IdleMemory> {
    let protocol = match server.kind {
        ServerKind::RawTcp => Protocol::RawTcp,
        _ => Protocol::WebSocket,
    };
    let primers = open(server.addr, PRIMING_CONNECTIONS, protocol).await?;
    let messages: Arc<[u8]> = Arc::from(&b"prime"[..]);
    for mut connection in primers {
        connection.round_trip(&messages, false).await?;
    }
    tokio::time::sleep(SETTLE).await;
    // The baseline must not count primers the server has yet to close: a close that came
    // after it would leave the count short of `before + count` for ever.
    let descriptors_before = settled_descriptors(server.pid()).await?;
    let rss_before = resident_bytes(server.pid())?;
    let idle = open(server.addr, count, protocol).await?;
    // A WebSocket's 101 shows the server has it; a raw connection only shows once the
    // server has accepted it, as a descriptor.
    let deadline = Instant::now() + ACCEPT_TIMEOUT;
    while open_descriptors(server.pid())? < descriptors_before + count {
        if Instant::now() > deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("{} did not accept {count} connections", server.kind.label()),
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(SETTLE).await;
    let rss_after = resident_bytes(server.pid())?;
    drop(idle);
    Ok(IdleMemory {
        server: server.kind,
        connections: count,
        rss_before,
        rss_after,
    })
}
