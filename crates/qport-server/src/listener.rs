//! The listening sockets of one port, as kdb+ opens them for `-p PORT`: TCP, and a Unix
//! socket under the abstract name `\0DIR/kx.PORT` and as the file `DIR/kx.PORT`.
//! Each accept loop spawns a connection task per socket and, at shutdown, stops
//! accepting and waits for its connections to finish.

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::linux::net::SocketAddrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::task::JoinSet;

use crate::conn::{Family, Peer};
use crate::connection::{serve, ServerContext};
use crate::handler::Handler;

/// Binds TCP on `host:port` (0 picks a free port).
pub(crate) async fn bind_tcp(host: IpAddr, port: u16) -> io::Result<TcpListener> {
    TcpListener::bind(SocketAddr::new(host, port)).await
}

/// The abstract Unix socket `\0DIR/kx.PORT` (Linux; what kdb+ 3.5+ and its C clients use).
pub(crate) fn bind_abstract(dir: &Path, port: u16) -> io::Result<UnixListener> {
    let name = kx_path(dir, port);
    let address =
        std::os::unix::net::SocketAddr::from_abstract_name(name.as_os_str().as_encoded_bytes())?;
    let listener = std::os::unix::net::UnixListener::bind_addr(&address)?;
    listener.set_nonblocking(true)?;
    UnixListener::from_std(listener)
}

/// The file Unix socket `DIR/kx.PORT` (what node-q and Java reach). A file left behind by
/// a process that is gone is replaced; one that still answers is not.
pub(crate) fn bind_file(dir: &Path, port: u16) -> io::Result<(UnixListener, PathBuf)> {
    let path = kx_path(dir, port);
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(&path).is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("{} is in use", path.display()),
            ));
        }
        std::fs::remove_file(&path)?;
    }
    Ok((UnixListener::bind(&path)?, path))
}

pub(crate) fn kx_path(dir: &Path, port: u16) -> PathBuf {
    dir.join(format!("kx.{port}"))
}

/// A listening socket: TCP or Unix.
pub(crate) trait Listening: Send + 'static {
    type Accepted: Send + 'static;
    fn accept_one(&self) -> impl Future<Output = io::Result<Self::Accepted>> + Send;
}

impl Listening for TcpListener {
    type Accepted = (TcpStream, SocketAddr);
    fn accept_one(&self) -> impl Future<Output = io::Result<Self::Accepted>> + Send {
        self.accept()
    }
}

impl Listening for UnixListener {
    type Accepted = (UnixStream, tokio::net::unix::SocketAddr);
    fn accept_one(&self) -> impl Future<Output = io::Result<Self::Accepted>> + Send {
        self.accept()
    }
}

/// Accepts until shutdown, a task per connection running `serve`; then waits for the
/// connections to finish (each drains and closes on the same shutdown signal).
pub(crate) async fn accept_loop<L, H, F>(
    listener: L,
    context: Arc<ServerContext<H>>,
    serve: fn(L::Accepted, Arc<ServerContext<H>>) -> F,
) where
    L: Listening,
    H: Handler,
    F: Future<Output = ()> + Send + 'static,
{
    let mut connections = JoinSet::new();
    let mut shutdown = context.shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept_one() => match accepted {
                Ok(accepted) => {
                    connections.spawn(serve(accepted, Arc::clone(&context)));
                }
                Err(error) => accept_failed(&error).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

pub(crate) async fn serve_tcp<H: Handler>(
    (mut stream, address): (TcpStream, SocketAddr),
    context: Arc<ServerContext<H>>,
) {
    // Replies are whole messages written at once: nothing is gained by waiting to
    // coalesce, and a sync round trip must not wait on Nagle.
    let _ = stream.set_nodelay(true);
    let local = address.ip().is_loopback()
        || stream
            .local_addr()
            .is_ok_and(|own| own.ip() == address.ip());
    let peer = Peer {
        address: Some(address),
        local,
    };
    let (reader, writer) = stream.split();
    serve(reader, writer, peer, Family::Tcp, context).await;
}

pub(crate) async fn serve_unix<H: Handler>(
    (mut stream, _): (UnixStream, tokio::net::unix::SocketAddr),
    context: Arc<ServerContext<H>>,
) {
    let peer = Peer {
        address: None,
        local: true,
    };
    let (reader, writer) = stream.split();
    serve(reader, writer, peer, Family::Unix, context).await;
}

/// Out of file descriptors and the like: logged, and a pause so the loop does not spin.
async fn accept_failed(error: &io::Error) {
    tracing::warn!(%error, "accept failed");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
}
