//! `Conn`: a cloneable handle to one WebSocket connection, for sending from any task:
//! text, binary, frames made once for many connections, close. Sends are framed (and
//! compressed) at once under a short lock and queued; the connection's task writes them.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use std::task::Waker;

use bytes::Bytes;

use crate::close::close_payload;
use crate::frame::{encode_frame, Opcode};
use crate::protocol::{Encoder, Message};

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

struct Shared {
    id: u64,
    peer: Option<SocketAddr>,
    outgoing: Mutex<Outgoing>,
    /// Bytes queued and not yet written, wherever they wait (the shared queue or the
    /// task's write list).
    queued: AtomicUsize,
    /// Something was queued from outside the task's callbacks and the task has not yet
    /// looked: the task waits on this flag, and the first send that sets it wakes the task
    /// through the waker kept in `Outgoing`. (A channel or a `Notify` would touch memory
    /// of its own on every pass of the task; with a thousand busy connections those cache
    /// misses cost more than the rest of the loop.)
    wake_pending: AtomicBool,
    /// A Close frame has been queued: nothing more may be sent. Set under the outgoing
    /// lock, so a send that holds it sees it; read without the lock by the task.
    close_sent: AtomicBool,
    /// The task is running a callback: it writes what the callback queued on its own
    /// afterwards, so sends need not wake it.
    in_callback: AtomicBool,
    max_queued: usize,
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
                in_callback: AtomicBool::new(false),
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
        let mut out = self.lock();
        if self.close_sent() || out.dead {
            return Err(SendError::Closed);
        }
        self.push(&mut out, frame)
    }

    /// Starts the closing handshake: sends Close with `code` and `reason` (cut to fit);
    /// the connection ends when the peer answers, or after a timeout.
    pub fn close(&self, code: u16, reason: &str) {
        let mut out = self.lock();
        if self.close_sent() || out.dead {
            return;
        }
        let mut frame = Vec::new();
        out.encoder
            .encode_control(Opcode::Close, &close_payload(code, reason), &mut frame);
        self.shared.close_sent.store(true, Ordering::Release);
        let _ = self.push(&mut out, Bytes::from(frame));
    }

    pub(crate) fn pong(&self, payload: &[u8]) {
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
        let mut frame = Vec::new();
        out.encoder
            .encode_control(Opcode::Close, payload, &mut frame);
        self.shared.close_sent.store(true, Ordering::Release);
        let _ = self.push(&mut out, Bytes::from(frame));
    }

    fn send_message(&self, text: bool, payload: &[u8]) -> Result<(), SendError> {
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
            out.dead = true;
            tracing::warn!(id = shared.id, queued, "slow consumer: closing");
            self.wake(out);
            return Err(SendError::SlowConsumer {
                queued,
                max: shared.max_queued,
            });
        }
        shared.queued.fetch_add(frame.len(), Ordering::AcqRel);
        out.queue.push_back(frame);
        if !shared.in_callback.load(Ordering::Acquire) {
            self.wake(out);
        }
        Ok(())
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

    /// Marks the stretch in which the task runs callbacks (see `in_callback`).
    pub(crate) fn set_in_callback(&self, running: bool) {
        self.shared.in_callback.store(running, Ordering::Release);
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

/// A text message framed once (server side: unmasked, uncompressed), for `send_frame`.
pub fn frame_text(text: &str) -> Bytes {
    let mut frame = Vec::new();
    encode_frame(&mut frame, true, false, Opcode::Text, text.as_bytes(), None);
    Bytes::from(frame)
}

/// A binary message framed once (server side), for `send_frame`.
pub fn frame_binary(bytes: &[u8]) -> Bytes {
    let mut frame = Vec::new();
    encode_frame(&mut frame, true, false, Opcode::Binary, bytes, None);
    Bytes::from(frame)
}
