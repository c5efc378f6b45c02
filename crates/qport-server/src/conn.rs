//! `Conn`: a cloneable reference to one open connection, what a handler uses to push
//! messages (`neg[h] x`), ask the client (`h x` from the server), answer later (`-30!`),
//! flush and close; plus what `.z.W`, `.z.H` and `-38!` report about it.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use qport_value::Value;
use qport_wire::{compress_message, encode_message, Capability, MessageKind};
use tokio::sync::{mpsc, oneshot};

use crate::config::SlowConsumerPolicy;
use crate::error::SendError;
use crate::registry::Registry;

/// A connection's number, as `.z.w` shows it.
pub type Handle = i32;

/// Where a connection comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// The TCP peer address; `None` for a Unix socket (kdb+'s `.z.a` is 0 there).
    pub address: Option<SocketAddr>,
    /// The peer is on this host (loopback, the host's own address, or a Unix socket):
    /// kdb+ never compresses to such a peer.
    pub local: bool,
}

/// `-38!`'s `p` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Ipc,
    WebSocket,
}

impl Protocol {
    pub fn letter(self) -> char {
        match self {
            Protocol::Ipc => 'q',
            Protocol::WebSocket => 'w',
        }
    }
}

/// `-38!`'s `f` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Tcp,
    Unix,
}

impl Family {
    pub fn letter(self) -> char {
        match self {
            Family::Tcp => 't',
            Family::Unix => 'u',
        }
    }
}

/// A snapshot of one connection: a row of `-38!`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnInfo {
    pub handle: Handle,
    pub peer: Peer,
    pub user: String,
    pub protocol: Protocol,
    pub family: Family,
    pub capability: Capability,
    /// Replies and pushes are compressed where it pays (`-38!`'s `z`).
    pub compression: bool,
    /// Unsent messages and bytes (`n`, `m`; `.z.W`).
    pub queued_messages: u64,
    pub queued_bytes: u64,
}

/// What the connection's task is asked to do.
pub(crate) enum Outbound {
    Message(Bytes),
    Flush(oneshot::Sender<()>),
    Close,
    /// The server is stopping: write what is queued, then close.
    Shutdown,
}

#[derive(Clone)]
pub struct Conn {
    shared: Arc<ConnShared>,
}

/// What is fixed about a connection once its handshake is accepted.
pub(crate) struct ConnSetup {
    pub(crate) handle: Handle,
    pub(crate) peer: Peer,
    pub(crate) user: String,
    pub(crate) family: Family,
    pub(crate) capability: Capability,
    pub(crate) compression: bool,
    pub(crate) max_queued_bytes: u64,
    pub(crate) slow_consumer: SlowConsumerPolicy,
}

struct ConnShared {
    setup: ConnSetup,
    outbound: mpsc::UnboundedSender<Outbound>,
    registry: Arc<Registry>,
    queued_messages: AtomicU64,
    queued_bytes: AtomicU64,
    /// Sync requests answered `Reply::Deferred` and not yet answered.
    deferred: AtomicU64,
    /// Our own sync requests to the peer, oldest first: responses arrive in order.
    requests: Mutex<VecDeque<oneshot::Sender<Result<Value, String>>>>,
    closed: AtomicBool,
}

impl Conn {
    pub(crate) fn new(
        setup: ConnSetup,
        outbound: mpsc::UnboundedSender<Outbound>,
        registry: Arc<Registry>,
    ) -> Conn {
        let shared = ConnShared {
            setup,
            outbound,
            registry,
            queued_messages: AtomicU64::new(0),
            queued_bytes: AtomicU64::new(0),
            deferred: AtomicU64::new(0),
            requests: Mutex::new(VecDeque::new()),
            closed: AtomicBool::new(false),
        };
        Conn {
            shared: Arc::new(shared),
        }
    }

    pub fn handle(&self) -> Handle {
        self.shared.setup.handle
    }

    pub fn peer(&self) -> &Peer {
        &self.shared.setup.peer
    }

    pub fn user(&self) -> &str {
        &self.shared.setup.user
    }

    pub fn capability(&self) -> Capability {
        self.shared.setup.capability
    }

    /// Whether messages to this peer are compressed where it pays (`-38!`'s `z`).
    pub fn compression(&self) -> bool {
        self.shared.setup.compression
    }

    pub fn info(&self) -> ConnInfo {
        let s = &self.shared;
        ConnInfo {
            handle: s.setup.handle,
            peer: s.setup.peer.clone(),
            user: s.setup.user.clone(),
            protocol: Protocol::Ipc,
            family: s.setup.family,
            capability: s.setup.capability,
            compression: s.setup.compression,
            queued_messages: s.queued_messages.load(Ordering::Relaxed),
            queued_bytes: s.queued_bytes.load(Ordering::Relaxed),
        }
    }

    /// All open connections of this server (for `.z.H`, broadcasts, other handles).
    pub fn registry(&self) -> &Arc<Registry> {
        &self.shared.registry
    }

    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }

    /// `neg[h] x`: queues `value` as an async message.
    pub fn send_async(&self, value: &Value) -> Result<(), SendError> {
        let message = self.encode(value, MessageKind::Async)?;
        self.send_message(message)
    }

    /// Queues a message already serialized for this connection's capability (a
    /// broadcast serializes once and queues the same bytes on many connections).
    pub fn send_message(&self, message: Bytes) -> Result<(), SendError> {
        let s = &self.shared;
        if self.is_closed() {
            return Err(SendError::Closed(s.setup.handle));
        }
        let len = message.len() as u64;
        let before = s.queued_bytes.fetch_add(len, Ordering::AcqRel);
        // One message alone always fits (its size is bounded elsewhere); the cap is on
        // what piles up behind a peer that does not read.
        if before > 0 && before + len > s.setup.max_queued_bytes {
            s.queued_bytes.fetch_sub(len, Ordering::AcqRel);
            let error = SendError::SlowConsumer {
                handle: s.setup.handle,
                queued: before,
                max: s.setup.max_queued_bytes,
            };
            if s.setup.slow_consumer == SlowConsumerPolicy::Close {
                tracing::warn!(
                    handle = s.setup.handle,
                    queued = before,
                    "slow consumer: closing"
                );
                self.close();
            }
            return Err(error);
        }
        s.queued_messages.fetch_add(1, Ordering::AcqRel);
        s.outbound
            .send(Outbound::Message(message))
            .map_err(|_| SendError::Closed(s.setup.handle))
    }

    /// A sync request to the peer (the server calling `h x`): the peer answers while it
    /// waits, as q's client does.
    pub async fn request(&self, value: &Value) -> Result<Value, SendError> {
        let message = self.encode(value, MessageKind::Sync)?;
        let (answer, answered) = oneshot::channel();
        self.lock_requests().push_back(answer);
        self.send_message(message)?;
        match answered.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(text)) => Err(SendError::Remote(text)),
            Err(_) => Err(SendError::Closed(self.shared.setup.handle)),
        }
    }

    /// `-30!(h;0b;x)` / `-30!(h;1b;text)`: answers a sync request this handler deferred.
    pub fn reply(&self, result: Result<Value, String>) -> Result<(), SendError> {
        let s = &self.shared;
        let taken = s
            .deferred
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        if taken.is_err() {
            return Err(SendError::NotExpectingResponse(s.setup.handle));
        }
        let message = self.encode_response(result);
        self.send_message(message)
    }

    /// `neg[h][]`: waits until everything queued before this call has been written.
    pub async fn flush(&self) -> Result<(), SendError> {
        let (done, written) = oneshot::channel();
        self.shared
            .outbound
            .send(Outbound::Flush(done))
            .map_err(|_| SendError::Closed(self.shared.setup.handle))?;
        written
            .await
            .map_err(|_| SendError::Closed(self.shared.setup.handle))
    }

    /// `hclose h`: closes the connection; unsent messages are dropped.
    pub fn close(&self) {
        if !self.shared.closed.swap(true, Ordering::AcqRel) {
            let _ = self.shared.outbound.send(Outbound::Close);
        }
    }

    /// `value` as a message of `kind` for this peer, compressed where the policy says.
    pub(crate) fn encode(&self, value: &Value, kind: MessageKind) -> Result<Bytes, SendError> {
        let message =
            encode_message(value, kind, self.shared.setup.capability).map_err(|error| {
                SendError::Serialize {
                    handle: self.shared.setup.handle,
                    error,
                }
            })?;
        Ok(self.maybe_compress(message))
    }

    pub(crate) fn maybe_compress(&self, message: Vec<u8>) -> Bytes {
        if self.shared.setup.compression {
            if let Some(compressed) = compress_message(&message) {
                return Bytes::from(compressed);
            }
        }
        Bytes::from(message)
    }

    /// A response message; a value that cannot travel to this peer becomes the error
    /// kdb+ would send (`'type`, `'limit`).
    pub(crate) fn encode_response(&self, result: Result<Value, String>) -> Bytes {
        let value = match result {
            Ok(value) => value,
            Err(text) => Value::error(&text),
        };
        match encode_message(&value, MessageKind::Response, self.shared.setup.capability) {
            Ok(message) => self.maybe_compress(message),
            Err(error) => {
                let error = Value::error(error.q_text());
                let message = encode_message(&error, MessageKind::Response, Capability::V2_5)
                    .expect("an error response always encodes");
                Bytes::from(message)
            }
        }
    }

    pub(crate) fn begin_deferred(&self) {
        self.shared.deferred.fetch_add(1, Ordering::AcqRel);
    }

    /// Counts a message the connection's task queued itself (a reply), so `.z.W` sees it.
    pub(crate) fn note_queued(&self, bytes: u64) {
        self.shared.queued_messages.fetch_add(1, Ordering::AcqRel);
        self.shared.queued_bytes.fetch_add(bytes, Ordering::AcqRel);
    }

    pub(crate) fn note_written(&self, messages: u64, bytes: u64) {
        self.shared
            .queued_messages
            .fetch_sub(messages, Ordering::AcqRel);
        self.shared.queued_bytes.fetch_sub(bytes, Ordering::AcqRel);
    }

    /// The oldest of our requests still waiting, to hand it the response that arrived.
    pub(crate) fn take_request(&self) -> Option<oneshot::Sender<Result<Value, String>>> {
        self.lock_requests().pop_front()
    }

    /// Asks the connection's task to write what is queued and close (server shutdown).
    pub(crate) fn shut_down(&self) {
        let _ = self.shared.outbound.send(Outbound::Shutdown);
    }

    /// Marks the connection closed and fails every request still waiting.
    pub(crate) fn mark_closed(&self) {
        self.shared.closed.store(true, Ordering::Release);
        self.lock_requests().clear();
    }

    fn lock_requests(
        &self,
    ) -> std::sync::MutexGuard<'_, VecDeque<oneshot::Sender<Result<Value, String>>>> {
        // A panic elsewhere while holding this lock leaves a plain queue behind: still usable.
        self.shared
            .requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
