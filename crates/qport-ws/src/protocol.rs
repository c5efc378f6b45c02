//! One WebSocket connection after the handshake, sans-io: a `Decoder` turns bytes into
//! events (messages, pings, pongs, close), an `Encoder` turns messages into frames. They
//! are apart because they live apart: the reading task owns the decoder, while the
//! encoder is shared by everything that sends.
//!
//! Incoming payloads are handled as they arrive, not when a frame is complete: they are
//! unmasked into the message being assembled (or inflated into it) and text is validated
//! on the way, so invalid UTF-8 fails the connection at the first byte that proves it,
//! whatever the fragmentation. A message that arrives as one whole frame in one read is
//! unmasked in place and handed over without a copy.

use bytes::{Buf, Bytes, BytesMut};

use crate::close::{parse_close_payload, CloseFrame};
use crate::deflate::{DeflateParams, Deflater, Inflater, Role};
use crate::error::ProtocolError;
use crate::frame::{encode_data_header, encode_frame, FrameHeader, Opcode};
use crate::mask::apply_mask;
use crate::utf8::Utf8Validator;

/// Payloads up to this size are copied into their reply frame (see
/// `Encoder::encode_message_shared`).
pub(crate) const COPY_PAYLOAD_MAX: usize = 8 * 1024;

/// Sizes a peer may make us hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// One frame's payload.
    pub max_frame: u64,
    /// One message, after inflation.
    pub max_message: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        // Autobahn's largest messages are 16 MiB; kdb+ result sets can be larger.
        Limits {
            max_frame: 64 << 20,
            max_message: 64 << 20,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Valid UTF-8.
    Text(Bytes),
    Binary(Bytes),
}

impl Message {
    pub fn payload(&self) -> &Bytes {
        match self {
            Message::Text(bytes) | Message::Binary(bytes) => bytes,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Message(Message),
    Ping(Bytes),
    Pong(Bytes),
    /// The peer's Close frame (its code and reason, if it sent one).
    Close(Option<CloseFrame>),
}

/// A message being assembled from fragments.
struct Partial {
    text: bool,
    compressed: bool,
    payload: Vec<u8>,
}

/// The frame whose payload is arriving.
struct Incoming {
    header: FrameHeader,
    /// Payload bytes consumed so far.
    seen: u64,
    /// Control frame payloads are collected here (at most 125 bytes).
    control: Vec<u8>,
}

/// A binary frame up to this size is read whole before it is decoded, so it is taken
/// without a copy; text is always taken as it arrives, to fail fast on bad UTF-8.
const WHOLE_FRAME_MAX: u64 = 1 << 20;

/// The receiving half. `repr(C)`, with what every frame reads first: a server with a
/// thousand busy connections misses the cache on each further line a message touches.
#[repr(C)]
pub struct Decoder {
    closed: bool,
    role: Role,
    utf8: Utf8Validator,
    /// Bytes a whole frame needs, when the decoder waits for one (see `wanted`).
    wanted: usize,
    limits: Limits,
    message: Option<Partial>,
    frame: Option<Incoming>,
    inflater: Option<Inflater>,
}

/// The sending half.
pub struct Encoder {
    role: Role,
    deflater: Option<Deflater>,
    /// Messages shorter than this are sent uncompressed.
    deflate_threshold: usize,
    /// For client masks: a fast generator, seeded once.
    mask_state: u64,
    scratch: Vec<u8>,
}

/// What permessage-deflate needs once negotiated.
#[derive(Clone, Copy, Debug)]
pub struct Compression {
    pub params: DeflateParams,
    /// zlib level for what we send.
    pub level: u32,
    /// Messages shorter than this are sent uncompressed.
    pub threshold: usize,
}

/// The two halves of a connection for `role`, with permessage-deflate if negotiated.
pub fn connection(
    role: Role,
    limits: Limits,
    compression: Option<Compression>,
) -> (Decoder, Encoder) {
    let decoder = Decoder {
        role,
        limits,
        wanted: 0,
        inflater: compression.map(|c| Inflater::new(&c.params, role)),
        frame: None,
        message: None,
        utf8: Utf8Validator::new(),
        closed: false,
    };
    let encoder = Encoder {
        role,
        deflater: compression.map(|c| Deflater::new(&c.params, role, c.level)),
        deflate_threshold: compression.map_or(usize::MAX, |c| c.threshold),
        mask_state: seed(),
        scratch: Vec::new(),
    };
    (decoder, encoder)
}

impl Decoder {
    /// The next event from the bytes in `buf`, consuming what it used. `Ok(None)`: more
    /// bytes are needed (everything useful in `buf` has been taken). After a Close event
    /// or an error, nothing more is read.
    pub fn read(&mut self, buf: &mut BytesMut) -> Result<Option<Event>, ProtocolError> {
        let read = self.read_event(buf);
        if read.is_err() {
            // The connection is failed: nothing after the error means anything.
            self.closed = true;
        }
        read
    }

    fn read_event(&mut self, buf: &mut BytesMut) -> Result<Option<Event>, ProtocolError> {
        while !self.closed {
            if self.frame.is_none() {
                // The fast path: a whole unfragmented, uncompressed data frame.
                let Some((header, header_len)) = FrameHeader::parse(buf)? else {
                    return Ok(None);
                };
                self.check(&header)?;
                if let Some(event) = self.whole_frame(&header, header_len, buf)? {
                    self.wanted = 0;
                    return Ok(Some(event));
                }
                let total = header_len as u64 + header.payload_len;
                let whole_binary = header.fin && !header.rsv1 && header.opcode == Opcode::Binary;
                if whole_binary && total <= WHOLE_FRAME_MAX {
                    self.wanted = total as usize;
                    return Ok(None);
                }
                self.wanted = 0;
                self.begin(header, header_len, buf);
            }
            let Some(event) = self.payload(buf)? else {
                if buf.is_empty() || self.frame.is_some() {
                    return Ok(None);
                }
                continue;
            };
            return Ok(Some(event));
        }
        Ok(None)
    }

    /// How many bytes the buffer should hold for the next read: the size of a whole
    /// frame the decoder is waiting for, or 0.
    pub fn wanted(&self) -> usize {
        self.wanted
    }

    /// Checks a frame header against the connection's role, extensions and state.
    fn check(&self, header: &FrameHeader) -> Result<(), ProtocolError> {
        if header.rsv2 || header.rsv3 {
            return Err(ProtocolError::ReservedBits);
        }
        match (self.role, header.mask.is_some()) {
            (Role::Server, false) => return Err(ProtocolError::UnmaskedFromClient),
            (Role::Client, true) => return Err(ProtocolError::MaskedFromServer),
            _ => {}
        }
        let starts_message = matches!(header.opcode, Opcode::Text | Opcode::Binary);
        // RSV1 is permessage-deflate's "compressed" bit: only on a message's first frame.
        if header.rsv1 && (self.inflater.is_none() || !starts_message) {
            return Err(ProtocolError::ReservedBits);
        }
        match header.opcode {
            Opcode::Continuation if self.message.is_none() => {
                Err(ProtocolError::UnexpectedContinuation)
            }
            Opcode::Text | Opcode::Binary if self.message.is_some() => {
                Err(ProtocolError::ExpectedContinuation)
            }
            _ if header.payload_len > self.limits.max_frame => Err(ProtocolError::FrameTooBig {
                size: header.payload_len,
                max: self.limits.max_frame,
            }),
            _ => Ok(()),
        }
    }

    /// A whole single-frame binary or text message already in `buf`: unmasked in place
    /// and split off, no copy.
    fn whole_frame(
        &mut self,
        header: &FrameHeader,
        header_len: usize,
        buf: &mut BytesMut,
    ) -> Result<Option<Event>, ProtocolError> {
        let single =
            header.fin && !header.rsv1 && matches!(header.opcode, Opcode::Text | Opcode::Binary);
        let total = header_len as u64 + header.payload_len;
        if !single || (buf.len() as u64) < total {
            return Ok(None);
        }
        let len = header.payload_len as usize;
        if len > self.limits.max_message {
            return Err(ProtocolError::MessageTooBig {
                size: len as u64,
                max: self.limits.max_message as u64,
            });
        }
        buf.advance(header_len);
        let mut payload = buf.split_to(len);
        if let Some(mask) = header.mask {
            apply_mask(&mut payload, mask, 0);
        }
        let payload = payload.freeze();
        if header.opcode == Opcode::Text {
            self.utf8.feed(&payload)?;
            self.utf8.finish()?;
            return Ok(Some(Event::Message(Message::Text(payload))));
        }
        Ok(Some(Event::Message(Message::Binary(payload))))
    }

    /// Starts receiving a frame whose payload arrives later.
    fn begin(&mut self, header: FrameHeader, header_len: usize, buf: &mut BytesMut) {
        buf.advance(header_len);
        if matches!(header.opcode, Opcode::Text | Opcode::Binary) {
            self.message = Some(Partial {
                text: header.opcode == Opcode::Text,
                compressed: header.rsv1,
                payload: Vec::new(),
            });
        }
        self.frame = Some(Incoming {
            header,
            seen: 0,
            control: Vec::new(),
        });
    }

    /// Takes what has arrived of the current frame's payload; an event when that
    /// completes a control frame or a message.
    fn payload(&mut self, buf: &mut BytesMut) -> Result<Option<Event>, ProtocolError> {
        let Some(frame) = self.frame.as_mut() else {
            return Ok(None);
        };
        let left = frame.header.payload_len - frame.seen;
        let take = (buf.len() as u64).min(left) as usize;
        let mut chunk = buf.split_to(take);
        if let Some(mask) = frame.header.mask {
            apply_mask(&mut chunk, mask, (frame.seen % 4) as usize);
        }
        frame.seen += take as u64;
        let done = frame.seen == frame.header.payload_len;
        let header = frame.header;
        if header.opcode.is_control() {
            frame.control.extend_from_slice(&chunk);
            if !done {
                return Ok(None);
            }
            let payload = Bytes::from(std::mem::take(&mut frame.control));
            self.frame = None;
            return self.control(header.opcode, payload).map(Some);
        }
        self.message_bytes(&chunk)?;
        if !done {
            return Ok(None);
        }
        self.frame = None;
        if !header.fin {
            return Ok(None);
        }
        self.end_message().map(Some)
    }

    /// Adds payload bytes to the message being assembled (inflating them if it is
    /// compressed) and validates text as it grows.
    fn message_bytes(&mut self, chunk: &[u8]) -> Result<(), ProtocolError> {
        let max = self.limits.max_message;
        let Some(message) = self.message.as_mut() else {
            return Ok(());
        };
        let before = message.payload.len();
        if message.compressed {
            let inflater = self.inflater.as_mut().ok_or(ProtocolError::ReservedBits)?;
            inflater.decompress(chunk, &mut message.payload, max)?;
        } else {
            if before + chunk.len() > max {
                return Err(ProtocolError::MessageTooBig {
                    size: (before + chunk.len()) as u64,
                    max: max as u64,
                });
            }
            message.payload.extend_from_slice(chunk);
        }
        if message.text {
            self.utf8.feed(&message.payload[before..])?;
        }
        Ok(())
    }

    fn end_message(&mut self) -> Result<Event, ProtocolError> {
        let Some(mut message) = self.message.take() else {
            return Err(ProtocolError::UnexpectedContinuation);
        };
        if message.compressed {
            let before = message.payload.len();
            let inflater = self.inflater.as_mut().ok_or(ProtocolError::ReservedBits)?;
            inflater.finish(&mut message.payload, self.limits.max_message)?;
            if message.text {
                self.utf8.feed(&message.payload[before..])?;
            }
        }
        let payload = Bytes::from(message.payload);
        if message.text {
            self.utf8.finish()?;
            Ok(Event::Message(Message::Text(payload)))
        } else {
            Ok(Event::Message(Message::Binary(payload)))
        }
    }

    fn control(&mut self, opcode: Opcode, payload: Bytes) -> Result<Event, ProtocolError> {
        match opcode {
            Opcode::Ping => Ok(Event::Ping(payload)),
            Opcode::Pong => Ok(Event::Pong(payload)),
            _ => {
                self.closed = true;
                Ok(Event::Close(parse_close_payload(&payload)?))
            }
        }
    }
}

impl Encoder {
    /// Whether permessage-deflate is on.
    pub fn compresses(&self) -> bool {
        self.deflater.is_some()
    }

    /// Appends `message` as one frame: compressed when negotiated and long enough,
    /// masked when we are the client.
    pub fn encode_message(&mut self, text: bool, payload: &[u8], out: &mut Vec<u8>) {
        let opcode = if text { Opcode::Text } else { Opcode::Binary };
        let mask = self.next_mask();
        match self.deflater.as_mut() {
            Some(deflater) if payload.len() >= self.deflate_threshold => {
                self.scratch.clear();
                deflater.compress(payload, &mut self.scratch);
                encode_frame(out, true, true, opcode, &self.scratch, mask);
            }
            _ => encode_frame(out, true, false, opcode, payload, mask),
        }
    }

    /// Frames a message whose payload is already in a `Bytes`: when it goes out as it is
    /// (a server's uncompressed frame), only the header is made and the payload is sent
    /// behind it without a copy; otherwise the whole frame is made in `out`. Returns the
    /// payload to send after `out`, if any.
    pub fn encode_message_shared(
        &mut self,
        text: bool,
        payload: &Bytes,
        out: &mut Vec<u8>,
    ) -> Option<Bytes> {
        let compressing = self.deflater.is_some() && payload.len() >= self.deflate_threshold;
        // Payloads up to a few KiB are cheaper copied into one frame, sent with one plain
        // `send`, than sent as a second buffer of a `writev`.
        if compressing || self.role == Role::Client || payload.len() <= COPY_PAYLOAD_MAX {
            self.encode_message(text, payload, out);
            return None;
        }
        encode_data_header(out, text, payload.len());
        Some(payload.clone())
    }

    /// Appends a control frame (ping, pong, close); payloads over 125 bytes are cut.
    pub fn encode_control(&mut self, opcode: Opcode, payload: &[u8], out: &mut Vec<u8>) {
        let payload = &payload[..payload.len().min(125)];
        let mask = self.next_mask();
        encode_frame(out, true, false, opcode, payload, mask);
    }

    /// A new mask for each client frame (RFC 6455 §5.3: unpredictable to scripts on the
    /// page; a fast generator seeded from the OS's hash keys does that here).
    fn next_mask(&mut self) -> Option<[u8; 4]> {
        if self.role == Role::Server {
            return None;
        }
        // xorshift64*
        let mut x = self.mask_state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.mask_state = x;
        Some(((x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as u32).to_le_bytes())
    }
}

/// A seed from std's per-process random hash keys and the time.
fn seed() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = RandomState::new().build_hasher();
    if let Ok(elapsed) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(elapsed.as_nanos());
    }
    hasher.finish() | 1
}
