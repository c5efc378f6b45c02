//! The raw-TCP baselines: an echo server and a sink, on the same kind of tokio runtime as
//! the qport server, doing the least a server can do with the same bytes.
//!
//! Both take the kdb+ handshake (read to the NUL, answer one byte) so that one client
//! serves for every server; that happens once per connection, before anything is timed.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::child::announce_and_watch_parent;

const READ_CHUNK: usize = 64 * 1024;

#[derive(Clone, Copy)]
pub enum Baseline {
    /// Writes back whatever arrives, as it arrives.
    Echo,
    /// Reads and discards; at end of stream writes one byte and closes.
    Sink,
}

/// Runs the server on `port` (0: any) until the bench closes stdin.
pub fn serve(baseline: Baseline, port: u16) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        announce_and_watch_parent(listener.local_addr()?.port())?;
        loop {
            let (stream, _) = listener.accept().await?;
            tokio::spawn(async move {
                // A connection that fails ends alone; the bench notices on its side.
                let _ = serve_connection(baseline, stream).await;
            });
        }
    })
}

async fn serve_connection(baseline: Baseline, mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = vec![0u8; READ_CHUNK];
    let leftover = handshake(&mut stream, &mut buf).await?;
    match baseline {
        Baseline::Echo => {
            stream.write_all(&buf[leftover]).await?;
            loop {
                let n = stream.read(&mut buf).await?;
                if n == 0 {
                    return Ok(());
                }
                stream.write_all(&buf[..n]).await?;
            }
        }
        Baseline::Sink => {
            while stream.read(&mut buf).await? != 0 {}
            stream.write_all(&[1]).await
        }
    }
}

/// Reads up to the handshake's NUL and answers capability 3. Returns the range of `buf`
/// holding bytes that came after the NUL (the start of the first message).
async fn handshake(stream: &mut TcpStream, buf: &mut [u8]) -> io::Result<std::ops::Range<usize>> {
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "handshake too long",
            ));
        }
        let n = stream.read(&mut buf[filled..]).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        if let Some(nul) = buf[filled..filled + n].iter().position(|&b| b == 0) {
            stream.write_all(&[3]).await?;
            return Ok(filled + nul + 1..filled + n);
        }
        filled += n;
    }
}
