//! `Inbound`: bytes read from a socket, cut into whole messages. A message may arrive
//! split at any byte, or several in one read; the header is checked against the maximum
//! before any room is made for the body. A big message that is one simple vector is read
//! straight into the vector's storage (`DirectVector`), not buffered and then copied.

use std::io;
use std::pin::Pin;
use std::task::Poll;

use bytes::{Buf, BytesMut};
use qport_wire::receive::{DirectVector, DIRECT_HEAD_LEN, DIRECT_MIN_LEN};
use qport_wire::{Header, Message, WireError, HEADER_LEN};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

/// Room kept free for a read: enough to take many small messages in one system call.
const READ_CHUNK: usize = 64 * 1024;
/// A buffer grown past this for a big message is given back once it is empty again, so
/// an idle connection does not keep a big message's memory.
const KEEP_CAPACITY: usize = 1 << 20;

pub(crate) struct Inbound {
    buf: BytesMut,
    max_message_bytes: u64,
    /// A big vector being read in place; `buf` then holds nothing of it.
    direct: Option<DirectVector>,
}

/// A whole message that has arrived.
pub(crate) enum Complete {
    /// Its bytes, the first `usize` of the buffer (see `front`), still to decode.
    Buffered(usize),
    /// Already a value, read in place.
    Direct(Message),
}

impl Inbound {
    pub(crate) fn new(max_message_bytes: u64) -> Inbound {
        Inbound {
            buf: BytesMut::with_capacity(READ_CHUNK),
            max_message_bytes,
            direct: None,
        }
    }

    /// Starts from bytes already read (those that followed a handshake).
    pub(crate) fn with_bytes(max_message_bytes: u64, bytes: &[u8]) -> Inbound {
        let mut inbound = Inbound::new(max_message_bytes);
        inbound.buf.extend_from_slice(bytes);
        inbound
    }

    /// The whole message at the front, once all of it is here. A header over the maximum
    /// or malformed is an error at once, before the body is awaited.
    pub(crate) fn complete(&mut self) -> Result<Option<Complete>, WireError> {
        if let Some(direct) = &self.direct {
            if !direct.is_complete() {
                return Ok(None);
            }
            let message = self.direct.take().and_then(DirectVector::finish);
            return Ok(message.map(Complete::Direct));
        }
        let Some(head) = self.buf.get(..HEADER_LEN) else {
            return Ok(None);
        };
        let head: &[u8; HEADER_LEN] = head.try_into().expect("8 bytes");
        let header = Header::parse(head)?;
        if header.length > self.max_message_bytes {
            return Err(WireError::Limit {
                what: "message length",
                size: header.length,
                max: self.max_message_bytes,
            });
        }
        // Within the maximum, so it fits a usize on every target we build for.
        let length = header.length as usize;
        if self.buf.len() >= length {
            return Ok(Some(Complete::Buffered(length)));
        }
        if header.length >= DIRECT_MIN_LEN {
            // Six more bytes tell whether it can be read in place; no room for the whole
            // message is made before then.
            let Some(head) = self.buf.get(..DIRECT_HEAD_LEN) else {
                return Ok(None);
            };
            let head: &[u8; DIRECT_HEAD_LEN] = head.try_into().expect("14 bytes");
            if let Some(mut direct) = DirectVector::for_message(head, self.max_message_bytes) {
                // All of the buffer belongs to this message (it is not complete).
                let taken = direct.fill_from(&self.buf[DIRECT_HEAD_LEN..]);
                self.consume(DIRECT_HEAD_LEN + taken);
                self.direct = Some(direct);
                return self.complete();
            }
        }
        self.buf.reserve(length - self.buf.len());
        Ok(None)
    }

    /// The first `len` bytes (a message `complete` reported).
    pub(crate) fn front(&self, len: usize) -> &[u8] {
        &self.buf[..len]
    }

    /// Drops the first `len` bytes.
    pub(crate) fn consume(&mut self, len: usize) {
        self.buf.advance(len);
        if self.buf.is_empty() && self.buf.capacity() > KEEP_CAPACITY {
            self.buf = BytesMut::with_capacity(READ_CHUNK);
        }
    }

    /// Bytes received and not yet consumed.
    pub(crate) fn pending(&self) -> &[u8] {
        &self.buf
    }

    /// Reads once from `reader`; 0 means the peer closed.
    pub(crate) async fn fill<R: AsyncRead + Unpin>(&mut self, reader: &mut R) -> io::Result<usize> {
        if let Some(direct) = &mut self.direct {
            let unfilled = direct.unfilled();
            // Read straight into the items' uninitialized room: `ReadBuf` tracks what the
            // reader wrote, so nothing is zeroed first.
            let read = std::future::poll_fn(|cx| {
                let mut room = ReadBuf::uninit(&mut *unfilled);
                std::task::ready!(Pin::new(&mut *reader).poll_read(cx, &mut room))?;
                Poll::Ready(Ok::<_, io::Error>(room.filled().len()))
            })
            .await?;
            direct.advance(read);
            return Ok(read);
        }
        if self.buf.capacity() - self.buf.len() < READ_CHUNK / 4 {
            self.buf.reserve(READ_CHUNK);
        }
        reader.read_buf(&mut self.buf).await
    }
}
