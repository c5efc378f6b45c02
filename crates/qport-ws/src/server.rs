//! The server side: the handler API (websocket.zig's shape: a handler per connection,
//! made by `init` from the handshake, then told of messages, pings, pongs and the close,
//! exactly once) and the task that runs one connection.

use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll, Waker};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout, Sleep};

use crate::close::{close_payload, CloseFrame};
use crate::conn::{Conn, Replies, ReplyPiece};
use crate::deflate::{negotiate, DeflateConfig, Role};
use crate::handshake::{reject_bytes, response_bytes, HandshakeError, HandshakeRequest};
use crate::protocol::{connection, Compression, Event, Limits, Message};
use crate::transport::Transport;

/// kdb+'s subprotocol for "no compression, please": honoured and echoed.
pub const KX_NO_DEFLATE: &str = "kxnodeflate";

/// Most buffers handed to one vectored write.
const MAX_WRITE_SLICES: usize = 64;
/// Room made for a read; the buffer grows past it only for a big message, and is given
/// back when empty, so an idle connection holds none.
const READ_CHUNK: usize = 4096;
/// The size of a thread's spare read buffers: a whole frame of 64 KiB (header included)
/// fits, so a message of that size arrives in one read, not a first 4 KiB and the rest
/// after the buffer has grown. Spares are shared by the thread's connections, so their
/// size costs an idle connection nothing.
const SPARE_CAPACITY: usize = 64 * 1024 + 16;

#[derive(Clone, Debug)]
pub struct WsConfig {
    pub limits: Limits,
    pub deflate: DeflateConfig,
    pub handshake_timeout: Duration,
    /// The most bytes a handshake request head may take.
    pub max_handshake_len: usize,
    /// Unsent bytes one connection may hold before it is closed as a slow consumer.
    pub max_queued_bytes: usize,
    /// How long to wait for the peer's Close after ours.
    pub close_timeout: Duration,
}

impl Default for WsConfig {
    fn default() -> WsConfig {
        WsConfig {
            limits: Limits::default(),
            deflate: DeflateConfig::default(),
            handshake_timeout: Duration::from_secs(10),
            max_handshake_len: crate::handshake::MAX_HANDSHAKE_LEN,
            max_queued_bytes: 64 << 20,
            close_timeout: Duration::from_secs(5),
        }
    }
}

/// The upgrade request, as `init` sees it, and what it adds to the response.
pub struct Handshake {
    request: HandshakeRequest,
    peer: Option<SocketAddr>,
    response_headers: Vec<(String, String)>,
    protocol: Option<String>,
}

impl Handshake {
    pub fn path(&self) -> &str {
        &self.request.path
    }

    pub fn query(&self) -> Option<&str> {
        self.request.query.as_deref()
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.request.header(name)
    }

    pub fn headers(&self) -> &[(String, Vec<u8>)] {
        &self.request.headers
    }

    /// The subprotocols the client offered, in its order.
    pub fn protocols(&self) -> &[String] {
        &self.request.protocols
    }

    pub fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// Adds a header to the 101 response.
    pub fn add_header(&mut self, name: &str, value: &str) {
        self.response_headers.push((name.into(), value.into()));
    }

    /// Answers with this subprotocol (one the client offered).
    pub fn select_protocol(&mut self, protocol: &str) {
        self.protocol = Some(protocol.into());
    }
}

/// `init`'s refusal: the HTTP status and any headers to send with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl Reject {
    pub fn status(status: u16) -> Reject {
        Reject {
            status,
            headers: Vec::new(),
        }
    }
}

/// A connection's handler. One is made per connection by `init`; its callbacks run on
/// the connection's task, one at a time, so `&mut self` is the connection's own state.
pub trait Handler: Sized + Send + 'static {
    /// State shared by every connection (the application).
    type Context: Send + Sync + 'static;

    /// Before the 101 response: accept (and make this connection's handler) or refuse
    /// with an HTTP status. `conn` may be kept; sends queue until the upgrade is written.
    fn init(
        handshake: &mut Handshake,
        conn: &Conn,
        context: &Arc<Self::Context>,
    ) -> Result<Self, Reject>;

    /// After the 101 response is queued.
    fn after_init(&mut self, _conn: &Conn) {}

    fn on_message(&mut self, conn: &Conn, message: Message);

    /// By default a ping is answered with a pong carrying the same payload.
    fn on_ping(&mut self, conn: &Conn, payload: Bytes) {
        conn.pong(&payload);
    }

    fn on_pong(&mut self, _conn: &Conn, _payload: Bytes) {}

    /// The peer's Close frame, before it is answered.
    fn on_peer_close(&mut self, _conn: &Conn, _frame: Option<&CloseFrame>) {}

    /// The connection is over, whatever the reason. Called exactly once.
    fn on_close(&mut self, _conn: &Conn) {}
}

/// Serves one accepted connection to its end: handshake (bytes already read from it,
/// e.g. by a protocol sniffer, are passed in `already_read`), then frames, then the
/// handler's `on_close`.
pub fn serve_connection<H: Handler, T: Transport>(
    stream: T,
    peer: Option<SocketAddr>,
    already_read: &[u8],
    config: Arc<WsConfig>,
    context: Arc<H::Context>,
) -> Connection<H, T> {
    let already_read = BytesMut::from(already_read);
    // The handshake runs in a future of its own on the heap, freed once it is done: its
    // state (the request, the timer, the read) would otherwise stay in the connection's
    // future, which an idle connection holds for as long as it lives.
    let accepting = Box::pin(async move {
        let accepted = accept::<H, T>(&stream, peer, already_read, &config, &context).await;
        accepted.map(|accepted| Session::new(stream, accepted, config))
    });
    Connection {
        phase: Phase::Accepting(accepting),
    }
}

/// One connection's task, from the handshake to `on_close`: the future
/// [`serve_connection`] returns.
///
/// Written by hand rather than as an `async fn`: the compiler puts an async function's
/// state at the far end of its future, and nested ones each at their own, so every
/// wake-up began with misses on cache lines holding nothing but those states (measured
/// as the top qport items of a thousand busy connections' profile). Here the phase and
/// the session's per-message fields come first, next to the task's header.
pub struct Connection<H: Handler, T: Transport> {
    phase: Phase<H, T>,
}

type Accepting<H, T> = Pin<Box<dyn Future<Output = Option<Session<H, T>>> + Send>>;

// The session is inline, not boxed: a box would be one more line to miss per message.
#[allow(clippy::large_enum_variant)]
enum Phase<H: Handler, T: Transport> {
    Accepting(Accepting<H, T>),
    Running(Session<H, T>),
    /// After the session: the socket lingers, then the handler hears `on_close`.
    Closing {
        linger: Pin<Box<dyn Future<Output = ()> + Send>>,
        handler: H,
        conn: Conn,
    },
    Done,
}

// Nothing in a connection is pinned in place: the session and the handler are used
// through `&mut`, and the futures it holds are boxed.
impl<H: Handler, T: Transport> Unpin for Connection<H, T> {}

impl<H: Handler, T: Transport> Future for Connection<H, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        loop {
            match &mut this.phase {
                Phase::Running(session) => {
                    let ended = ready!(session.poll_run(cx));
                    if let Err(error) = ended {
                        tracing::debug!(id = session.conn.id(), %error, "connection ended");
                    }
                    let Phase::Running(session) = std::mem::replace(&mut this.phase, Phase::Done)
                    else {
                        unreachable!("the phase was just matched");
                    };
                    this.phase = session.into_closing();
                }
                Phase::Accepting(accepting) => {
                    this.phase = match ready!(accepting.as_mut().poll(cx)) {
                        Some(session) => Phase::Running(session),
                        None => Phase::Done,
                    };
                }
                Phase::Closing {
                    linger,
                    handler,
                    conn,
                } => {
                    ready!(linger.as_mut().poll(cx));
                    handler.on_close(conn);
                    this.phase = Phase::Done;
                }
                Phase::Done => return Poll::Ready(()),
            }
        }
    }
}

impl<H: Handler, T: Transport> Drop for Connection<H, T> {
    /// A connection dropped before its end (its server shutting down) is over too: the
    /// handler hears `on_close` all the same.
    fn drop(&mut self) {
        let phase = std::mem::replace(&mut self.phase, Phase::Done);
        // Not while a callback's panic unwinds through here: the handler may be half way
        // through a change, and a second panic would abort the process.
        if std::thread::panicking() {
            return;
        }
        match phase {
            Phase::Running(session) => {
                // The socket closes after `on_close`, as at a session's normal end.
                let (_stream, conn, mut handler, _config) = session.end();
                handler.on_close(&conn);
            }
            Phase::Closing {
                mut handler, conn, ..
            } => handler.on_close(&conn),
            Phase::Accepting(_) | Phase::Done => {}
        }
    }
}

/// What a completed handshake leaves for the session.
struct Accepted<H> {
    conn: Conn,
    handler: H,
    decoder: crate::protocol::Decoder,
    /// Bytes read after the request (the client's first frames, if it did not wait).
    buf: BytesMut,
}

/// Reads the upgrade request, asks the handler's `init`, and queues the 101; `None` when
/// the connection ends here (refused, timed out, closed).
async fn accept<H: Handler, T: Transport>(
    stream: &T,
    peer: Option<SocketAddr>,
    mut buf: BytesMut,
    config: &WsConfig,
    context: &Arc<H::Context>,
) -> Option<Accepted<H>> {
    let request = match timeout(
        config.handshake_timeout,
        read_request(stream, &mut buf, config),
    )
    .await
    {
        Ok(Ok(Some(request))) => request,
        Ok(Ok(None)) => return None,
        Ok(Err(refusal)) => {
            tracing::debug!(?peer, ?refusal, "handshake refused");
            if let Some(status) = refusal {
                let _ = write_all(stream, &reject_bytes(status, &[])).await;
            }
            return None;
        }
        Err(_) => {
            tracing::debug!(?peer, "handshake timed out");
            return None;
        }
    };
    let mut handshake = Handshake {
        request,
        peer,
        response_headers: Vec::new(),
        protocol: None,
    };
    // kdb+'s `kxnodeflate` turns compression off, and is echoed.
    let no_deflate = handshake.protocols().iter().any(|p| p == KX_NO_DEFLATE);
    if no_deflate {
        handshake.select_protocol(KX_NO_DEFLATE);
    }
    let negotiated = if config.deflate.enabled && !no_deflate {
        negotiate(&handshake.request.extensions, &config.deflate)
    } else {
        None
    };
    let compression = negotiated.as_ref().map(|(params, _)| Compression {
        params: *params,
        level: config.deflate.level,
        threshold: config.deflate.threshold,
    });
    let mut limits = config.limits;
    if compression.is_some() {
        limits.max_message = limits.max_message.min(config.deflate.max_inflated);
    }
    let (decoder, encoder) = connection(Role::Server, limits, compression);
    let conn = Conn::new(peer, encoder, config.max_queued_bytes);
    let mut handler = match H::init(&mut handshake, &conn, context) {
        Ok(handler) => handler,
        Err(reject) => {
            let _ = write_all(stream, &reject_bytes(reject.status, &reject.headers)).await;
            return None;
        }
    };
    let response = response_bytes(
        &handshake.request.key,
        handshake.protocol.as_deref(),
        negotiated.as_ref().map(|(_, answer)| answer.as_str()),
        &handshake.response_headers,
    );
    // The 101 goes out before anything `init` queued.
    conn.push_front(Bytes::from(response));
    handler.after_init(&conn);
    Some(Accepted {
        conn,
        handler,
        decoder,
        buf,
    })
}

/// Ends a connection the way RFC 6455 §7.1.1 asks of a server: half-close, then read and
/// discard until the peer closes too (within `limit`), so unread bytes never turn the
/// close into a reset that could lose our Close frame.
async fn linger<T: Transport>(mut stream: T, limit: Duration) {
    if stream.shutdown().await.is_err() {
        return;
    }
    let drained = async {
        // On the heap: a stack array held across the await would sit in every
        // connection's future for the connection's whole life.
        let mut sink = vec![0u8; 4096];
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    };
    let _ = timeout(limit, drained).await;
}

/// Reads until a whole request head is in `buf`; `Err(Some(status))` refuses with that
/// status, `Err(None)` just closes.
async fn read_request<T: Transport>(
    stream: &T,
    buf: &mut BytesMut,
    config: &WsConfig,
) -> Result<Option<HandshakeRequest>, Option<u16>> {
    loop {
        match HandshakeRequest::parse(buf, config.max_handshake_len) {
            Ok(Some((request, used))) => {
                let _ = buf.split_to(used);
                return Ok(Some(request));
            }
            Ok(None) => {}
            Err(error) => return Err(Some(status_of(&error))),
        }
        buf.reserve(READ_CHUNK);
        match read_some(stream, buf).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
    }
}

fn status_of(error: &HandshakeError) -> u16 {
    error.status()
}

/// Why the connection's task woke.
enum Wakeup {
    Writable,
    Woken,
    Readable,
    CloseTimeout,
}

/// A connection after its handshake. `repr(C)`, with the fields read on every message
/// first, so that they share the connection's first cache lines.
#[repr(C)]
struct Session<H, T> {
    /// The closing handshake is over (or the connection failed): write what is queued,
    /// then end.
    finished: bool,
    /// The 101 (and whatever `init` sent) has been taken for writing.
    started: bool,
    conn: Conn,
    /// The waker last left in the connection for sends made outside the task's own
    /// callbacks (compared here, without the lock, to see whether it needs replacing).
    waker: Option<Waker>,
    /// Frames taken from the shared queue, being written.
    writing: VecDeque<Bytes>,
    stream: T,
    buf: BytesMut,
    /// Started once we have sent Close: the peer has until it ends to answer.
    close_timer: Option<Pin<Box<Sleep>>>,
    decoder: crate::protocol::Decoder,
    handler: H,
    config: Arc<WsConfig>,
}

impl<H: Handler, T: Transport> Session<H, T> {
    fn new(stream: T, accepted: Accepted<H>, config: Arc<WsConfig>) -> Session<H, T> {
        let Accepted {
            conn,
            handler,
            decoder,
            buf,
        } = accepted;
        Session {
            finished: false,
            started: false,
            conn,
            waker: None,
            writing: VecDeque::new(),
            stream,
            buf,
            close_timer: None,
            decoder,
            handler,
            config,
        }
    }

    /// Runs the session until the connection is over: closed by both sides, failed, or
    /// gone.
    fn poll_run(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if !self.started {
            self.started = true;
            // The 101 (and whatever `init` sent) goes out before any reply.
            if self.take_queued() || self.step()? {
                return Poll::Ready(Ok(()));
            }
        }
        loop {
            match ready!(self.poll_wakeup(cx))? {
                Wakeup::Writable => self.write_queued()?,
                Wakeup::Woken => {}
                Wakeup::Readable => {
                    if self.buf.capacity() == 0 {
                        self.buf = spare_buffer();
                    }
                    // A whole frame the decoder waits for is read at once.
                    let wanted = self.decoder.wanted().max(self.buf.len() + READ_CHUNK / 4);
                    if self.buf.capacity() < wanted {
                        self.buf.reserve(wanted.max(READ_CHUNK) - self.buf.len());
                    }
                    match self.stream.try_read_buf(&mut self.buf) {
                        Ok(0) => return Poll::Ready(Ok(())),
                        Ok(_) => {}
                        Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                        Err(error) => return Poll::Ready(Err(error)),
                    }
                }
                Wakeup::CloseTimeout => return Poll::Ready(Ok(())),
            }
            if self.step()? {
                return Poll::Ready(Ok(()));
            }
        }
    }

    /// After a wake-up: hands what was read to the handler and writes what is to go;
    /// `true` when the session is over.
    fn step(&mut self) -> io::Result<bool> {
        self.handle_events()?;
        // Sends from elsewhere (or a slow consumer's end) are looked at only when one
        // says so: no lock on a pass that has none.
        if self.conn.wake_pending() && self.take_queued() {
            return Ok(true);
        }
        if self.close_timer.is_none() && self.conn.close_sent() {
            self.close_timer = Some(Box::pin(sleep(self.config.close_timeout)));
        }
        // Write at once what the socket takes.
        if !self.writing.is_empty() {
            self.write_queued()?;
        }
        Ok(self.finished && self.writing.is_empty())
    }

    /// The session is over: the socket lingers (see [`linger`]) before the handler
    /// hears `on_close`.
    fn into_closing(self) -> Phase<H, T> {
        let (stream, conn, handler, config) = self.end();
        Phase::Closing {
            linger: Box::pin(linger(stream, config.close_timeout)),
            handler,
            conn,
        }
    }

    /// Marks the connection dead (sends from elsewhere now fail) and gives back what
    /// outlives the session.
    fn end(self) -> (T, Conn, H, Arc<WsConfig>) {
        self.conn.lock().dead = true;
        let Session {
            stream,
            conn,
            handler,
            config,
            ..
        } = self;
        (stream, conn, handler, config)
    }

    /// What the task waits for, checked in this order: the socket taking more of what is
    /// queued, a send from elsewhere, bytes to read, the peer's time to answer our Close.
    /// Polled by hand rather than through `select!`, which would make (and drop) a future
    /// per branch on every pass.
    fn poll_wakeup(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Wakeup>> {
        if !self.writing.is_empty() {
            if let Poll::Ready(ready) = self.stream.poll_write_ready(cx) {
                return Poll::Ready(ready.map(|()| Wakeup::Writable));
            }
        }
        // Sends made outside the callbacks wake the task through the waker left in the
        // connection; it is replaced only if the task's changes (never, under tokio).
        if !self.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            self.waker = Some(cx.waker().clone());
            self.conn.lock().waker = Some(cx.waker().clone());
        }
        if self.conn.wake_pending() {
            return Poll::Ready(Ok(Wakeup::Woken));
        }
        if !self.finished {
            if let Poll::Ready(ready) = self.stream.poll_read_ready(cx) {
                return Poll::Ready(ready.map(|()| Wakeup::Readable));
            }
        }
        if let Some(timer) = &mut self.close_timer {
            if timer.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Ok(Wakeup::CloseTimeout));
            }
        }
        Poll::Pending
    }

    /// Hands every complete event in the buffer to the handler, then writes (or queues)
    /// what its callbacks sent.
    fn handle_events(&mut self) -> io::Result<()> {
        Replies::begin(&self.conn);
        while !self.finished {
            match self.decoder.read(&mut self.buf) {
                Ok(Some(event)) => self.dispatch(event),
                Ok(None) => break,
                Err(error) => {
                    tracing::debug!(id = self.conn.id(), %error, "protocol error");
                    self.conn
                        .close_with_payload(&close_payload(error.close_code(), ""));
                    self.finished = true;
                }
            }
        }
        let written = Replies::end(|replies| self.take_replies(replies));
        // An idle connection keeps no read buffer (10,000 quiet browsers must not cost
        // 4 KiB each): an empty one goes back to the thread's spares, and the next read
        // takes one from there without a trip to the allocator.
        if self.buf.is_empty() && self.buf.capacity() > 0 {
            return_buffer(std::mem::take(&mut self.buf));
        }
        written
    }

    /// Writes the callbacks' replies straight to the socket when nothing is waiting
    /// ahead of them (the usual case: one `send`, or one `writev` with big payloads, and
    /// no copy); what the socket does not take joins the write list, in order.
    fn take_replies(&mut self, replies: &mut Replies) -> io::Result<()> {
        if replies.is_empty() {
            return Ok(());
        }
        let mut written = 0;
        if self.writing.is_empty() {
            let result = if replies.premade.is_empty() {
                // The usual case, one stretch of frames: a plain `send` costs the kernel
                // less than a `writev` of one buffer.
                self.stream.try_write(&replies.frames)
            } else {
                try_write_pieces(&self.stream, replies.pieces().map(ReplyPiece::bytes))
            };
            match result {
                Ok(n) => written = n,
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                Err(error) => {
                    replies.clear();
                    return Err(error);
                }
            }
        }
        // The rest, past the `written` bytes the socket took.
        let mut rest = Unwritten {
            skip: written,
            queued: 0,
            writing: &mut self.writing,
        };
        for piece in replies.pieces() {
            match piece {
                ReplyPiece::Framed(bytes) => rest.copy(bytes),
                ReplyPiece::Premade(frame) => rest.keep(frame.clone()),
            }
        }
        let queued = rest.queued;
        replies.clear();
        if queued > 0 {
            self.conn.queued_by_task(queued);
        }
        Ok(())
    }

    fn dispatch(&mut self, event: Event) {
        let closing = self.conn.close_sent();
        let (handler, conn) = (&mut self.handler, &self.conn);
        match event {
            // After our Close, data is read but not delivered (RFC 6455 §5.5.1).
            Event::Message(_) | Event::Ping(_) | Event::Pong(_) if closing => {}
            Event::Message(message) => handler.on_message(conn, message),
            Event::Ping(payload) => handler.on_ping(conn, payload),
            Event::Pong(payload) => handler.on_pong(conn, payload),
            Event::Close(frame) => {
                handler.on_peer_close(conn, frame.as_ref());
                // Echo the code (RFC 6455 §5.5.1); an empty Close gets an empty one.
                let payload = frame.map_or_else(Vec::new, |f| close_payload(f.code, ""));
                self.conn.close_with_payload(&payload);
                self.finished = true;
            }
        }
    }

    /// Moves what was queued into the local write list. `true`: the connection is dead
    /// (a slow consumer), end now.
    fn take_queued(&mut self) -> bool {
        self.conn.take_wake();
        let mut out = self.conn.lock();
        self.writing.extend(out.queue.drain(..));
        out.dead
    }

    /// Writes what the socket takes of the write list; nothing when it takes nothing now.
    fn write_queued(&mut self) -> io::Result<()> {
        let result = if self.writing.len() == 1 {
            // One frame (the usual reply): a plain `send` costs the kernel less than a
            // `writev` of one buffer.
            self.stream.try_write(&self.writing[0])
        } else {
            try_write_pieces(&self.stream, self.writing.iter().map(|frame| &frame[..]))
        };
        let written = match result {
            Ok(written) => written,
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(error) => return Err(error),
        };
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        let mut left = written;
        while left > 0 {
            let front = &mut self.writing[0];
            if left >= front.len() {
                left -= front.len();
                self.writing.pop_front();
            } else {
                let _ = front.split_to(left);
                left = 0;
            }
        }
        self.conn.written(written);
        Ok(())
    }
}

/// One vectored write of the first [`MAX_WRITE_SLICES`] pieces.
fn try_write_pieces<'a, T: Transport>(
    stream: &T,
    pieces: impl Iterator<Item = &'a [u8]>,
) -> io::Result<usize> {
    let mut slices = [IoSlice::new(&[]); MAX_WRITE_SLICES];
    let mut count = 0;
    for (slot, piece) in slices.iter_mut().zip(pieces) {
        *slot = IoSlice::new(piece);
        count += 1;
    }
    stream.try_write_vectored(&slices[..count])
}

thread_local! {
    /// Empty read buffers of this thread's idle connections, for the next one to read.
    static SPARE_BUFFERS: std::cell::RefCell<Vec<BytesMut>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Most spare buffers a thread keeps (only as many as connections read at once matter).
const MAX_SPARE_BUFFERS: usize = 64;

/// Replies the socket did not take, going into the write list: the first `skip` bytes
/// were written.
struct Unwritten<'a> {
    skip: usize,
    /// Bytes added to the write list.
    queued: usize,
    writing: &'a mut VecDeque<Bytes>,
}

impl Unwritten<'_> {
    fn copy(&mut self, stretch: &[u8]) {
        if self.skip >= stretch.len() {
            self.skip -= stretch.len();
            return;
        }
        let piece = Bytes::copy_from_slice(&stretch[self.skip..]);
        self.skip = 0;
        self.keep(piece);
    }

    fn keep(&mut self, frame: Bytes) {
        if self.skip >= frame.len() {
            self.skip -= frame.len();
            return;
        }
        let frame = frame.slice(self.skip..);
        self.skip = 0;
        self.queued += frame.len();
        self.writing.push_back(frame);
    }
}

fn spare_buffer() -> BytesMut {
    SPARE_BUFFERS
        .with(|spares| spares.borrow_mut().pop())
        .unwrap_or_else(|| BytesMut::with_capacity(SPARE_CAPACITY))
}

fn return_buffer(buf: BytesMut) {
    // Only ordinary-sized buffers: a big message's buffer is given back to the allocator.
    if buf.capacity() < READ_CHUNK || buf.capacity() > 2 * SPARE_CAPACITY {
        return;
    }
    SPARE_BUFFERS.with(|spares| {
        let mut spares = spares.borrow_mut();
        if spares.len() < MAX_SPARE_BUFFERS {
            spares.push(buf);
        }
    });
}

async fn read_some<T: Transport>(stream: &T, buf: &mut BytesMut) -> io::Result<usize> {
    loop {
        stream.readable().await?;
        match stream.try_read_buf(buf) {
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => continue,
            other => return other,
        }
    }
}

async fn write_all<T: Transport>(stream: &T, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        stream.writable().await?;
        match stream.try_write_vectored(&[IoSlice::new(bytes)]) {
            Ok(n) => bytes = &bytes[n..],
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// A WebSocket server on one TCP address: accepts until `shutdown`.
pub struct WsServer {
    address: SocketAddr,
    shutdown: watch::Sender<bool>,
    accepting: tokio::task::JoinHandle<()>,
}

impl WsServer {
    pub async fn bind<H: Handler>(
        address: SocketAddr,
        config: WsConfig,
        context: Arc<H::Context>,
    ) -> io::Result<WsServer> {
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let (shutdown, mut stopping) = watch::channel(false);
        let config = Arc::new(config);
        let accepting = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((stream, peer)) => {
                            let _ = stream.set_nodelay(true);
                            connections.spawn(serve_connection::<H, TcpStream>(
                                stream,
                                Some(peer),
                                &[],
                                Arc::clone(&config),
                                Arc::clone(&context),
                            ));
                        }
                        Err(error) => {
                            tracing::warn!(%error, "accept failed");
                            sleep(Duration::from_millis(50)).await;
                        }
                    },
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                    _ = stopping.changed() => break,
                }
            }
            connections.abort_all();
            while connections.join_next().await.is_some() {}
        });
        Ok(WsServer {
            address,
            shutdown,
            accepting,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// Stops accepting and ends every connection.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.accepting.await;
    }
}
