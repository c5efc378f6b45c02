//! `Conn`: a cloneable handle to one WebSocket connection, for sending from any task:
//! text, binary, frames made once for many connections, close.
//!
//! A send made by the connection's own callbacks, on a connection without compression, is
//! framed straight into its thread's reply buffer (`Replies`), which the task writes
//! once the callbacks are done: no lock, no allocation, no atomic read-modify-write, the
//! cost of a reply that with a thousand busy connections made up most of what separated
//! the echo from a raw TCP one. Every other send is framed (and compressed) at once under
//! a short lock and queued, and the task is woken to write it.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use std::task::Waker;

use bytes::Bytes;

use crate::close::close_payload;
use crate::frame::{encode_data_header, encode_frame, Opcode};
use crate::protocol::{Encoder, Message, COPY_PAYLOAD_MAX};

/// Why a send was not queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("the connection is closing or closed")]
    Closed,
    #[error("the peer is not reading: {queued} bytes queued, limit {max}")]
    SlowConsumer { queued: usize, max: usize },
}

#[derive(Clone)]
pub struct Conn {
    shared: Arc<Shared>,
}

/// `repr(C)` and aligned, with the fields read on every message together in one cache
/// line: with a thousand busy connections, each other line touched is a miss.
#[repr(C, align(64))]
struct Shared {
    /// Something was queued and the task has not yet looked: the task checks this flag,
    /// and the send that sets it wakes the task through the waker kept in `Outgoing`. (A
    /// channel or a `Notify` would touch memory of its own on every pass of the task;
    /// with a thousand busy connections those cache misses cost more than the rest of the
    /// loop.)
    wake_pending: AtomicBool,
    /// A Close frame has been queued: nothing more may be sent. Set under the outgoing
    /// lock, so a send that holds it sees it; read without the lock by the task.
    close_sent: AtomicBool,
    /// Frames are made without state (no compression), so the connection's own callbacks
    /// may frame their sends into [`Replies`].
    plain: bool,
    /// Bytes queued and not yet written, wherever they wait (the shared queue or the
    /// task's write list).
    queued: AtomicUsize,
    max_queued: usize,
    id: u64,
    peer: Option<SocketAddr>,
    outgoing: Mutex<Outgoing>,
}

/// The frames sent by the callbacks of the connection now running on this thread (see
/// the module's doc), in order. Kept per thread and reused, so that an idle connection
/// holds none of it.
pub(crate) struct Replies {
    /// Whose callbacks are running (0: none).
    conn: u64,
    /// The frames, in order, except big premade ones.
    pub(crate) frames: Vec<u8>,
    /// Premade frames too big to copy, each with the length `frames` had when it was
    /// sent: it goes out after those bytes.
    pub(crate) premade: Vec<(usize, Bytes)>,
}

/// A piece of [`Replies`]: bytes framed into its buffer, or a premade frame.
#[derive(Clone, Copy)]
pub(crate) enum ReplyPiece<'a> {
    Framed(&'a [u8]),
    Premade(&'a Bytes),
}

impl<'a> ReplyPiece<'a> {
    pub(crate) fn bytes(self) -> &'a [u8] {
        match self {
            ReplyPiece::Framed(bytes) => bytes,
            ReplyPiece::Premade(frame) => frame,
        }
    }
}

/// Premade frames up to this size are copied into `Replies::frames`.
const COPY_PREMADE_MAX: usize = 64 * 1024;

thread_local! {
    static REPLIES: RefCell<Replies> = const {
        RefCell::new(Replies { conn: 0, frames: Vec::new(), premade: Vec::new() })
    };
}

impl Replies {
    /// From now on, `conn`'s callbacks are running on this thread: their sends go into its
    /// replies (when its frames need no state), or are queued without waking the task,
    /// which looks at its queue after them. Until [`Replies::end`].
    pub(crate) fn begin(conn: &Conn) {
        REPLIES.with(|replies| {
            let mut replies = replies.borrow_mut();
            replies.conn = conn.shared.id;
            // Left by callbacks that panicked, and not theirs to send.
            replies.clear();
        });
    }

    /// Whether `id`'s callbacks are running on this thread.
    fn running(id: u64) -> bool {
        REPLIES.with(|replies| replies.try_borrow().is_ok_and(|replies| replies.conn == id))
    }

    /// Ends what `begin` started and hands the replies to `take`, which must leave them
    /// empty.
    pub(crate) fn end<R>(take: impl FnOnce(&mut Replies) -> R) -> R {
        REPLIES.with(|replies| {
            let mut replies = replies.borrow_mut();
            replies.conn = 0;
            let result = take(&mut replies);
            debug_assert!(replies.is_empty());
            // A big reply's buffer is not kept for the thread's next connection.
            if replies.frames.capacity() > 4 * COPY_PREMADE_MAX {
                replies.frames = Vec::new();
            }
            result
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.frames.is_empty() && self.premade.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.frames.clear();
        self.premade.clear();
    }

    /// The replies in the order they go out: stretches of `frames`, with the premade
    /// frames between them.
    pub(crate) fn pieces(&self) -> impl Iterator<Item = ReplyPiece<'_>> {
        let mut at = 0;
        let premade = self.premade.iter().flat_map(move |(offset, frame)| {
            let stretch = (*offset > at).then(|| ReplyPiece::Framed(&self.frames[at..*offset]));
            at = at.max(*offset);
            stretch.into_iter().chain([ReplyPiece::Premade(frame)])
        });
        let last = self.premade.last().map_or(0, |(offset, _)| *offset);
        let tail = (last < self.frames.len()).then(|| ReplyPiece::Framed(&self.frames[last..]));
        premade.chain(tail)
    }

    /// Bytes held.
    fn len(&self) -> usize {
        let premade: usize = self.premade.iter().map(|(_, frame)| frame.len()).sum();
        self.frames.len() + premade
    }
}

/// What is waiting to be written, and the encoder that framed it.
pub(crate) struct Outgoing {
    pub(crate) encoder: Encoder,
    pub(crate) queue: VecDeque<Bytes>,
    /// Set by the task when the connection is gone.
    pub(crate) dead: bool,
    /// Wakes the connection's task (set by the task before it first waits).
    pub(crate) waker: Option<Waker>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Conn {
    /// The connection, for its task.
    pub(crate) fn new(peer: Option<SocketAddr>, encoder: Encoder, max_queued: usize) -> Conn {
        let plain = !encoder.compresses();
        let outgoing = Outgoing {
            encoder,
            queue: VecDeque::new(),
            dead: false,
            waker: None,
        };
        Conn {
            shared: Arc::new(Shared {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                peer,
                outgoing: Mutex::new(outgoing),
                queued: AtomicUsize::new(0),
                wake_pending: AtomicBool::new(false),
                close_sent: AtomicBool::new(false),
                plain,
                max_queued,
            }),
        }
    }

    /// A number unique to this connection within the process.
    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// The TCP peer; `None` for other transports.
    pub fn peer(&self) -> Option<SocketAddr> {
        self.shared.peer
    }

    /// Sends a message as it is (text stays text): an echo's reply.
    pub fn send(&self, message: &Message) -> Result<(), SendError> {
        let (text, payload) = match message {
            Message::Text(text) => (true, text),
            Message::Binary(bytes) => (false, bytes),
        };
        // A big payload goes out behind its header without being copied.
        let replied = if payload.len() > COPY_PAYLOAD_MAX {
            self.to_replies(|replies| {
                encode_data_header(&mut replies.frames, text, payload.len());
                replies
                    .premade
                    .push((replies.frames.len(), payload.clone()));
            })
        } else {
            self.reply(|frames| encode_data(frames, text, payload))
        };
        if let Some(sent) = replied {
            return sent;
        }
        let mut out = self.lock();
        if self.close_sent() || out.dead {
            return Err(SendError::Closed);
        }
        // Left for the encoder to size exactly: a `Vec` whose length is its capacity
        // becomes a `Bytes` without a second allocation.
        let mut frame = Vec::new();
        // A big payload goes out behind its header without being copied.
        match out.encoder.encode_message_shared(text, payload, &mut frame) {
            Some(payload) => {
                self.push(&mut out, Bytes::from(frame))?;
                self.push(&mut out, payload)
            }
            None => self.push(&mut out, Bytes::from(frame)),
        }
    }

    pub fn send_text(&self, text: &str) -> Result<(), SendError> {
        self.send_message(true, text.as_bytes())
    }

    pub fn send_binary(&self, bytes: &[u8]) -> Result<(), SendError> {
        self.send_message(false, bytes)
    }

    /// Queues a frame made beforehand with [`frame_text`] or [`frame_binary`], so a
    /// message sent to many connections is framed once.
    pub fn send_frame(&self, frame: Bytes) -> Result<(), SendError> {
        if frame.len() <= COPY_PREMADE_MAX {
            if let Some(sent) = self.reply(|frames| frames.extend_from_slice(&frame)) {
                return sent;
            }
        } else if let Some(sent) = self.reply_premade(&frame) {
            return sent;
        }
        let mut out = self.lock();
        if self.close_sent() || out.dead {
            return Err(SendError::Closed);
        }
        self.push(&mut out, frame)
    }

    /// Starts the closing handshake: sends Close with `code` and `reason` (cut to fit);
    /// the connection ends when the peer answers, or after a timeout.
    pub fn close(&self, code: u16, reason: &str) {
        self.close_with_payload(&close_payload(code, reason));
    }

    pub(crate) fn pong(&self, payload: &[u8]) {
        let pong = |frames: &mut Vec<u8>| encode_control(frames, Opcode::Pong, payload);
        if self.reply(pong).is_some() {
            return;
        }
        let mut out = self.lock();
        if self.close_sent() || out.dead {
            return;
        }
        let mut frame = Vec::new();
        out.encoder
            .encode_control(Opcode::Pong, payload, &mut frame);
        let _ = self.push(&mut out, Bytes::from(frame));
    }

    /// Sends a Close frame with the given payload unless one was sent (the reply to the
    /// peer's Close, or the close for a protocol error).
    pub(crate) fn close_with_payload(&self, payload: &[u8]) {
        let mut out = self.lock();
        if self.close_sent() || out.dead {
            return;
        }
        // Under the lock, like `close_sent`: a send from elsewhere, which takes the lock,
        // then sees that Close went first. A Close always fits.
        let close = |replies: &mut Replies| {
            encode_control(&mut replies.frames, Opcode::Close, payload);
        };
        if self.own_replies(close) {
            self.shared.close_sent.store(true, Ordering::Release);
            return;
        }
        let mut frame = Vec::new();
        out.encoder
            .encode_control(Opcode::Close, payload, &mut frame);
        self.shared.close_sent.store(true, Ordering::Release);
        let _ = self.push(&mut out, Bytes::from(frame));
    }

    fn send_message(&self, text: bool, payload: &[u8]) -> Result<(), SendError> {
        if let Some(sent) = self.reply(|frames| encode_data(frames, text, payload)) {
            return sent;
        }
        let mut out = self.lock();
        if self.close_sent() || out.dead {
            return Err(SendError::Closed);
        }
        let mut frame = Vec::new();
        out.encoder.encode_message(text, payload, &mut frame);
        self.push(&mut out, Bytes::from(frame))
    }

    fn push(&self, out: &mut Outgoing, frame: Bytes) -> Result<(), SendError> {
        let shared = &self.shared;
        let queued = shared.queued.load(Ordering::Acquire);
        // The cap is on what piles up behind a peer that does not read; one message
        // alone always fits.
        if queued > 0 && queued + frame.len() > shared.max_queued {
            self.slow_consumer(out, queued);
            return Err(SendError::SlowConsumer {
                queued,
                max: shared.max_queued,
            });
        }
        shared.queued.fetch_add(frame.len(), Ordering::AcqRel);
        out.queue.push_back(frame);
        if Replies::running(shared.id) {
            // Its own callbacks (compressing): the task looks once they are done, and a
            // wake now would only make it run again for nothing.
            shared.wake_pending.store(true, Ordering::Release);
        } else {
            self.wake(out);
        }
        Ok(())
    }

    /// Frames a send of this connection's own callbacks into [`Replies`] (`make` appends
    /// the frame); `None` when this is not such a send.
    fn reply(&self, make: impl FnOnce(&mut Vec<u8>)) -> Option<Result<(), SendError>> {
        self.to_replies(|replies| make(&mut replies.frames))
    }

    /// The same for a premade frame too big to copy.
    fn reply_premade(&self, frame: &Bytes) -> Option<Result<(), SendError>> {
        self.to_replies(|replies| {
            let at = replies.frames.len();
            replies.premade.push((at, frame.clone()));
        })
    }

    fn to_replies(&self, add: impl FnOnce(&mut Replies)) -> Option<Result<(), SendError>> {
        let shared = &self.shared;
        let mut refused = None;
        let replied = self.own_replies(|replies| {
            if self.close_sent() {
                refused = Some(SendError::Closed);
                return;
            }
            // The cap on what piles up behind a peer that does not read, as in `push`:
            // what is queued and what the callbacks sent so far count together.
            let queued = shared.queued.load(Ordering::Acquire);
            let before = (replies.frames.len(), replies.premade.len());
            let waiting = queued + replies.len();
            add(replies);
            if waiting > 0 && queued + replies.len() > shared.max_queued {
                replies.frames.truncate(before.0);
                replies.premade.truncate(before.1);
                refused = Some(SendError::SlowConsumer {
                    queued: waiting,
                    max: shared.max_queued,
                });
            }
        });
        if !replied {
            return None;
        }
        if let Some(SendError::SlowConsumer { queued, .. }) = refused {
            self.slow_consumer(&mut self.lock(), queued);
        }
        Some(refused.map_or(Ok(()), Err))
    }

    /// Ends the connection whose peer does not read.
    fn slow_consumer(&self, out: &mut Outgoing, queued: usize) {
        out.dead = true;
        tracing::warn!(id = self.shared.id, queued, "slow consumer: closing");
        self.wake(out);
    }

    /// Runs `add` on this thread's [`Replies`] if they are this connection's (its own
    /// callbacks are running here, and its frames need no state); whether they were.
    fn own_replies(&self, add: impl FnOnce(&mut Replies)) -> bool {
        let shared = &self.shared;
        shared.plain
            && REPLIES.with(|replies| match replies.try_borrow_mut() {
                Ok(mut replies) if replies.conn == shared.id => {
                    add(&mut replies);
                    true
                }
                _ => false,
            })
    }

    /// Queues `frame` ahead of everything (the 101 response, before what `init` sent).
    pub(crate) fn push_front(&self, frame: Bytes) {
        let mut out = self.lock();
        self.shared.queued.fetch_add(frame.len(), Ordering::AcqRel);
        out.queue.push_front(frame);
    }

    /// Counts bytes the task has written.
    pub(crate) fn written(&self, bytes: usize) {
        self.shared.queued.fetch_sub(bytes, Ordering::AcqRel);
    }

    /// Counts bytes the task queued itself (replies it could not write at once).
    pub(crate) fn queued_by_task(&self, bytes: usize) {
        self.shared.queued.fetch_add(bytes, Ordering::AcqRel);
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Outgoing> {
        // A panic while holding the lock leaves a consistent queue: keep using it.
        self.shared
            .outgoing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a Close frame has been queued.
    pub(crate) fn close_sent(&self) -> bool {
        self.shared.close_sent.load(Ordering::Acquire)
    }

    /// Wakes the task unless a wake-up is already on its way.
    fn wake(&self, out: &Outgoing) {
        if !self.shared.wake_pending.swap(true, Ordering::AcqRel) {
            if let Some(waker) = &out.waker {
                waker.wake_by_ref();
            }
        }
    }

    /// Whether a send asked the task to look at the queue since it last did; the task
    /// then looks, and later sends must wake it again.
    pub(crate) fn take_wake(&self) -> bool {
        self.shared.wake_pending.swap(false, Ordering::AcqRel)
    }

    /// Whether a wake-up is waiting, without taking it.
    pub(crate) fn wake_pending(&self) -> bool {
        self.shared.wake_pending.load(Ordering::Acquire)
    }
}

/// A server's data frame without compression: unmasked, one fragment.
fn encode_data(frames: &mut Vec<u8>, text: bool, payload: &[u8]) {
    let opcode = if text { Opcode::Text } else { Opcode::Binary };
    encode_frame(frames, true, false, opcode, payload, None);
}

/// A server's control frame; payloads over 125 bytes are cut.
fn encode_control(frames: &mut Vec<u8>, opcode: Opcode, payload: &[u8]) {
    let payload = &payload[..payload.len().min(125)];
    encode_frame(frames, true, false, opcode, payload, None);
}

/// A text message framed once (server side: unmasked, uncompressed), for `send_frame`.
pub fn frame_text(text: &str) -> Bytes {
    let mut frame = Vec::new();
    encode_data(&mut frame, true, text.as_bytes());
    Bytes::from(frame)
}

/// A binary message framed once (server side), for `send_frame`.
pub fn frame_binary(bytes: &[u8]) -> Bytes {
    let mut frame = Vec::new();
    encode_data(&mut frame, false, bytes);
    Bytes::from(frame)
}
