//! `Transport`: the socket a connection runs on (TCP or Unix), used by readiness so an
//! idle connection holds no read buffer, and so reading and writing can wait together
//! on one shared reference.

use std::future::Future;
use std::io::{self, IoSlice};
use std::task::{Context, Poll};

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncWrite, Interest};
use tokio::net::{TcpStream, UnixStream};

pub trait Transport: AsyncRead + AsyncWrite + Unpin + Send + Sync + 'static {
    fn readable(&self) -> impl Future<Output = io::Result<()>> + Send;
    fn writable(&self) -> impl Future<Output = io::Result<()>> + Send;
    /// Ready when a read may find bytes (the waker of the last call is the one woken).
    fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    /// Ready when a write may be taken.
    fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    /// Reads what is there without waiting (`WouldBlock` if nothing).
    fn try_read_buf(&self, buf: &mut BytesMut) -> io::Result<usize>;
    /// Writes what the socket takes without waiting (`WouldBlock` if nothing).
    fn try_write(&self, buf: &[u8]) -> io::Result<usize>;
    /// The same for several buffers in one call.
    fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize>;
}

macro_rules! transport {
    ($stream:ty) => {
        impl Transport for $stream {
            fn readable(&self) -> impl Future<Output = io::Result<()>> + Send {
                <$stream>::readable(self)
            }
            fn writable(&self) -> impl Future<Output = io::Result<()>> + Send {
                <$stream>::writable(self)
            }
            fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                <$stream>::poll_read_ready(self, cx)
            }
            fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                <$stream>::poll_write_ready(self, cx)
            }
            fn try_read_buf(&self, buf: &mut BytesMut) -> io::Result<usize> {
                // A read that leaves room in the buffer has drained the socket (epoll is
                // edge-triggered), so its readiness is cleared at once, as tokio's own
                // `poll_read` does: otherwise the next pass would spend a `read` syscall
                // just to learn `EAGAIN`. The closure reports `WouldBlock` to make
                // `try_io` clear the readiness it saw *before* the read, so bytes that
                // arrive meanwhile still wake the task.
                let room = buf.capacity() - buf.len();
                let mut read = None;
                let outcome = self.try_io(Interest::READABLE, || {
                    let n = <$stream>::try_read_buf(self, buf)?;
                    read = Some(n);
                    if n > 0 && n < room {
                        Err(io::ErrorKind::WouldBlock.into())
                    } else {
                        Ok(n)
                    }
                });
                match (outcome, read) {
                    (_, Some(n)) => Ok(n),
                    (outcome, None) => outcome,
                }
            }
            fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
                <$stream>::try_write(self, buf)
            }
            fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                <$stream>::try_write_vectored(self, bufs)
            }
        }
    };
}

transport!(TcpStream);
transport!(UnixStream);
