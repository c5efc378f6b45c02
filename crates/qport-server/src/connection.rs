//! One IPC connection's task: the handshake, then a loop that cuts incoming bytes into
//! messages for the handler and writes replies and queued pushes, until either end closes
//! or the server shuts down.
//!
//! Everything of one connection happens on its task: replies are queued without a channel
//! hop and written with the pushes from other tasks, many per system call.

use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use qport_value::Value;
use qport_wire::handshake::{Handshake, MAX_HANDSHAKE_LEN};
use qport_wire::{decode_message, Capability, DecodeLimits, MessageKind, WireError};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::timeout;

use crate::config::{CompressionPolicy, ServerConfig};
use crate::conn::{Conn, ConnSetup, Family, Outbound, Peer};
use crate::handler::{Handler, Reply};
use crate::inbound::{Complete, Inbound};
use crate::registry::Registry;

/// Replies waiting to be written past which the connection stops reading: a peer that
/// sends requests without reading the answers is held back, not buffered without bound.
const HIGH_WATER: u64 = 4 << 20;
/// Most buffers handed to one vectored write.
const MAX_WRITE_SLICES: usize = 64;

/// What every connection of one server shares.
pub(crate) struct ServerContext<H> {
    pub(crate) handler: Arc<H>,
    pub(crate) config: ServerConfig,
    pub(crate) registry: Arc<Registry>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

/// Serves one accepted socket until it closes.
pub(crate) async fn serve<R, W, H>(
    mut reader: R,
    mut writer: W,
    peer: Peer,
    family: Family,
    context: Arc<ServerContext<H>>,
) where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
    H: Handler,
{
    let config = &context.config;
    let mut shutdown = context.shutdown.clone();
    let opened = tokio::select! {
        opened = timeout(config.handshake_timeout, handshake(&mut reader, &peer, &context)) => opened,
        _ = shutdown.changed() => return,
    };
    let (handshake, leftover) = match opened {
        Ok(Ok(Some(opened))) => opened,
        Ok(Ok(None)) => return,
        Ok(Err(error)) => {
            tracing::debug!(?peer, %error, "handshake failed");
            return;
        }
        Err(_) => {
            tracing::info!(?peer, "handshake timed out");
            return;
        }
    };
    let capability = handshake.common_capability(Capability::MAX);
    let compression = capability.carries_compression()
        && match config.compression {
            CompressionPolicy::Auto => !peer.local,
            CompressionPolicy::Always => true,
            CompressionPolicy::Never => false,
        };
    let (outbound, commands) = mpsc::unbounded_channel();
    let registry = &context.registry;
    let setup = ConnSetup {
        handle: registry.next_handle(),
        peer,
        user: handshake.user_text().into_owned(),
        family,
        capability,
        compression,
        max_queued_bytes: config.max_queued_bytes,
        slow_consumer: config.slow_consumer,
    };
    let conn = Conn::new(setup, outbound, Arc::clone(registry));
    // Registered before the client hears it is accepted, so whatever it does next (ask
    // another connection for `.z.H`, say) sees it.
    registry.insert(conn.clone());
    // Alone in its own write: node-q expects the byte as a whole first read.
    let accepted = async {
        writer.write_all(&[capability.byte()]).await?;
        writer.flush().await
    };
    if let Err(error) = accepted.await {
        registry.remove(conn.handle());
        tracing::debug!(handle = conn.handle(), %error, "closed before the handshake reply");
        return;
    }
    let _closing = Closing {
        conn: &conn,
        handler: &*context.handler,
    };
    context.handler.on_open(&conn);
    let mut session = Session {
        conn: &conn,
        handler: &*context.handler,
        limits: DecodeLimits::DEFAULT.with_max_message_bytes(config.max_message_bytes),
        inbound: Inbound::with_bytes(config.max_message_bytes, &leftover),
        outbound: Outgoing::default(),
        commands,
    };
    // Shutdown reaches a registered connection as a command; one registered after the
    // server's sweep sees the flag here.
    let ended = if *context.shutdown.borrow() {
        Ok(End::Shutdown)
    } else {
        session.run(&mut reader, &mut writer).await
    };
    match ended {
        Ok(End::Shutdown) => {
            let grace = context.config.shutdown_grace;
            if timeout(grace, session.drain(&mut writer)).await.is_err() {
                tracing::warn!(
                    handle = conn.handle(),
                    "unsent messages dropped at shutdown"
                );
            }
        }
        Ok(End::Closed) => {}
        Err(error) => tracing::debug!(handle = conn.handle(), %error, "connection ended"),
    }
    let _ = writer.shutdown().await;
}

/// Reads the handshake and checks the credentials. `None`: refused, to be closed without
/// a byte (the client reports `'access`). Returns the bytes read after the handshake.
async fn handshake<R, H>(
    reader: &mut R,
    peer: &Peer,
    context: &ServerContext<H>,
) -> io::Result<Option<(Handshake, Vec<u8>)>>
where
    R: AsyncRead + Unpin,
    H: Handler,
{
    let mut buf = Vec::with_capacity(64);
    let (handshake, used) = loop {
        let mut chunk = [0u8; 256];
        let n = reader.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        match Handshake::parse(&buf, MAX_HANDSHAKE_LEN) {
            Ok(Some(parsed)) => break parsed,
            Ok(None) => continue,
            Err(error) => {
                tracing::warn!(?peer, %error, "handshake refused");
                return Ok(None);
            }
        }
    };
    let user = handshake.user_text().into_owned();
    let password = handshake.password_text().into_owned();
    if let Some(file) = &context.config.password_file {
        // Hashing (argon2id especially) takes milliseconds: off the I/O threads.
        let file = file.clone();
        let (u, p) = (
            handshake.user.clone(),
            handshake.password.clone().unwrap_or_default(),
        );
        let accepted = tokio::task::spawn_blocking(move || file.verify(&u, &p))
            .await
            .unwrap_or(false);
        if !accepted {
            tracing::warn!(?peer, user, "access denied: password file");
            return Ok(None);
        }
    }
    if !context.handler.authenticate(&user, &password, peer) {
        tracing::warn!(?peer, user, "access denied by the handler");
        return Ok(None);
    }
    Ok(Some((handshake, buf[used..].to_vec())))
}

/// Calls `on_close` and forgets the handle however the task ends (a panicking handler
/// included).
struct Closing<'a, H: Handler> {
    conn: &'a Conn,
    handler: &'a H,
}

impl<H: Handler> Drop for Closing<'_, H> {
    fn drop(&mut self) {
        self.conn.mark_closed();
        self.conn.registry().remove(self.conn.handle());
        self.handler.on_close(self.conn);
    }
}

enum End {
    /// Either end closed the connection, or it broke.
    Closed,
    Shutdown,
}

/// Messages waiting to be written, and the flushes waiting on them.
#[derive(Default)]
struct Outgoing {
    queue: VecDeque<Bytes>,
    queued_bytes: u64,
    /// Bytes ever queued and ever written: a flush waits until `written` reaches the
    /// `queued` it saw.
    queued_total: u64,
    written_total: u64,
    flushes: Vec<(u64, oneshot::Sender<()>)>,
}

struct Session<'a, H> {
    conn: &'a Conn,
    handler: &'a H,
    limits: DecodeLimits,
    inbound: Inbound,
    outbound: Outgoing,
    commands: mpsc::UnboundedReceiver<Outbound>,
}

impl<H: Handler> Session<'_, H> {
    async fn run<R, W>(&mut self, reader: &mut R, writer: &mut W) -> io::Result<End>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        loop {
            if !self.handle_messages() {
                return Ok(End::Closed);
            }
            // Replies go out at once where the socket takes them, without a pass through
            // `select!` (most sync round trips end here).
            if !self.outbound.queue.is_empty() {
                if let Some(written) = poll_once(write_some(writer, &self.outbound.queue)) {
                    self.wrote(written?);
                }
            }
            let reading = self.outbound.queued_bytes <= HIGH_WATER;
            let writing = !self.outbound.queue.is_empty();
            tokio::select! {
                biased;
                command = self.commands.recv() => match command {
                    Some(Outbound::Message(message)) => self.outbound.push(message),
                    Some(Outbound::Flush(done)) => self.outbound.add_flush(done),
                    Some(Outbound::Close) | None => return Ok(End::Closed),
                    Some(Outbound::Shutdown) => return Ok(End::Shutdown),
                },
                written = write_some(writer, &self.outbound.queue), if writing => {
                    let written = written?;
                    self.wrote(written);
                }
                read = self.inbound.fill(reader), if reading => {
                    if read? == 0 {
                        return Ok(End::Closed);
                    }
                }
            }
        }
    }

    /// Hands every whole message received to the handler. `false`: the connection must
    /// close (a malformed or oversized message).
    fn handle_messages(&mut self) -> bool {
        while self.outbound.queued_bytes <= HIGH_WATER {
            let message = match self.inbound.complete() {
                Ok(Some(Complete::Direct(message))) => message,
                Ok(Some(Complete::Buffered(length))) => {
                    match decode_message(self.inbound.front(length), &self.limits) {
                        Ok(message) => {
                            self.inbound.consume(length);
                            message
                        }
                        Err(error) => {
                            self.bad_message(&error);
                            return false;
                        }
                    }
                }
                Ok(None) => return true,
                Err(error) => {
                    self.bad_message(&error);
                    return false;
                }
            };
            match message.kind {
                MessageKind::Sync => self.answer(message.value),
                MessageKind::Async => self.handler.on_async(self.conn, message.value),
                MessageKind::Response => self.response(message.value),
            }
        }
        true
    }

    fn answer(&mut self, request: Value) {
        let result = match self.handler.on_sync(self.conn, request) {
            Reply::Value(value) => Ok(value),
            Reply::Error(text) => Err(text),
            Reply::Deferred => {
                self.conn.begin_deferred();
                return;
            }
        };
        let message = self.conn.encode_response(result);
        self.conn.note_queued(message.len() as u64);
        self.outbound.push(message);
    }

    /// A response to one of our own requests, delivered to the oldest waiting.
    fn response(&mut self, value: Value) {
        let Some(waiting) = self.conn.take_request() else {
            tracing::debug!(
                handle = self.conn.handle(),
                "response with no request waiting"
            );
            return;
        };
        let result = match value {
            Value::Error(text) => Err(text.to_string()),
            value => Ok(value),
        };
        let _ = waiting.send(result);
    }

    fn bad_message(&mut self, error: &WireError) {
        let pending = self.inbound.pending();
        tracing::warn!(
            handle = self.conn.handle(),
            %error,
            "bad message: closing the connection ('{})",
            error.q_text()
        );
        self.handler.on_bad_message(self.conn, pending, error);
    }

    fn wrote(&mut self, mut written: usize) {
        let outbound = &mut self.outbound;
        outbound.written_total += written as u64;
        let mut messages = 0;
        let bytes = written as u64;
        while written > 0 {
            let front = &mut outbound.queue[0];
            if written >= front.len() {
                written -= front.len();
                outbound.queue.pop_front();
                messages += 1;
            } else {
                let _ = front.split_to(written);
                written = 0;
            }
        }
        outbound.queued_bytes -= bytes;
        self.conn.note_written(messages, bytes);
        let done = outbound.written_total;
        let mut i = 0;
        while i < outbound.flushes.len() {
            if outbound.flushes[i].0 <= done {
                let (_, flushed) = outbound.flushes.swap_remove(i);
                let _ = flushed.send(());
            } else {
                i += 1;
            }
        }
    }

    /// At shutdown: writes what is queued, including pushes still in the channel.
    async fn drain<W: AsyncWrite + Unpin>(&mut self, writer: &mut W) -> io::Result<()> {
        while let Ok(command) = self.commands.try_recv() {
            match command {
                Outbound::Message(message) => self.outbound.push(message),
                Outbound::Flush(done) => self.outbound.add_flush(done),
                Outbound::Close => break,
                Outbound::Shutdown => {}
            }
        }
        while !self.outbound.queue.is_empty() {
            let written = write_some(writer, &self.outbound.queue).await?;
            self.wrote(written);
        }
        writer.flush().await
    }
}

impl Outgoing {
    fn push(&mut self, message: Bytes) {
        let len = message.len() as u64;
        self.queued_bytes += len;
        self.queued_total += len;
        self.queue.push_back(message);
    }

    fn add_flush(&mut self, done: oneshot::Sender<()>) {
        if self.written_total >= self.queued_total {
            let _ = done.send(());
        } else {
            self.flushes.push((self.queued_total, done));
        }
    }
}

/// Polls `future` once: its output if it is ready now. (A socket's write registers no
/// wake-up this way; the next `select!` pass registers one if it is still needed.)
fn poll_once<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// One vectored write of the front of the queue.
async fn write_some<W: AsyncWrite + Unpin>(
    writer: &mut W,
    queue: &VecDeque<Bytes>,
) -> io::Result<usize> {
    let mut slices = [IoSlice::new(&[]); MAX_WRITE_SLICES];
    let mut count = 0;
    for (slot, message) in slices.iter_mut().zip(queue) {
        *slot = IoSlice::new(message);
        count += 1;
    }
    let written = writer.write_vectored(&slices[..count]).await?;
    if written == 0 {
        return Err(io::ErrorKind::WriteZero.into());
    }
    Ok(written)
}
