//! The frame (RFC 6455 §5.2): opcodes, the header parsed from and written to bytes, and whole
//! frames encoded for sending.
//!
//! ```text
//!  0               1               2               3
//!  0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
//! +-+-+-+-+-------+-+-------------+-------------------------------+
//! |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//! |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//! |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//! | |1|2|3|       |K|             |                               |
//! +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//! |     Extended payload length continued, if payload len == 127  |
//! + - - - - - - - - - - - - - - - +-------------------------------+
//! |                               | Masking-key, if MASK set to 1 |
//! +-------------------------------+-------------------------------+
//! | Masking-key (continued)       |          Payload Data         |
//! +-------------------------------- - - - - - - - - - - - - - - - +
//! ```

use crate::error::ProtocolError;
use crate::mask::apply_mask;

/// What a frame carries. Opcodes 3–7 and 11–15 are reserved and refused by
/// [`FrameHeader::parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Opcode {
    Continuation = 0,
    Text = 1,
    Binary = 2,
    Close = 8,
    Ping = 9,
    Pong = 10,
}

impl Opcode {
    /// The opcode for the low 4 bits of a frame's first byte; `None` for reserved values and
    /// anything above 15.
    pub fn from_u8(b: u8) -> Option<Opcode> {
        match b {
            0 => Some(Opcode::Continuation),
            1 => Some(Opcode::Text),
            2 => Some(Opcode::Binary),
            8 => Some(Opcode::Close),
            9 => Some(Opcode::Ping),
            10 => Some(Opcode::Pong),
            _ => None,
        }
    }

    /// Close, Ping and Pong: never fragmented, at most 125 bytes, allowed between the
    /// fragments of a message.
    pub fn is_control(self) -> bool {
        self as u8 & 0x8 != 0
    }
}

/// The most a control frame's payload may hold.
pub const MAX_CONTROL_PAYLOAD: u64 = 125;

/// The longest header: 2 bytes, a 64-bit length, a masking key.
pub const MAX_HEADER_LEN: usize = 14;

/// A frame header: everything before the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    pub fin: bool,
    pub rsv1: bool,
    pub rsv2: bool,
    pub rsv3: bool,
    pub opcode: Opcode,
    pub mask: Option<[u8; 4]>,
    pub payload_len: u64,
}

impl FrameHeader {
    /// Parses a frame header at the start of `buf`. `Ok(None)`: not enough bytes yet.
    /// `Ok(Some((header, header_len)))`: the header and how many bytes of `buf` it took.
    ///
    /// Refuses what is wrong whatever was negotiated: a reserved opcode, a control frame that
    /// is fragmented or longer than 125 bytes, a 64-bit length with its top bit set. Each is
    /// reported as soon as the bytes that show it are there. Reserved bits and the masking
    /// direction depend on the extensions and the role; see
    /// [`check_reserved_bits`](Self::check_reserved_bits),
    /// [`check_from_client`](Self::check_from_client) and
    /// [`check_from_server`](Self::check_from_server).
    ///
    /// Longer length encodings than needed are accepted (RFC 6455 asks senders for the
    /// shortest, but refusing the others buys nothing).
    pub fn parse(buf: &[u8]) -> Result<Option<(FrameHeader, usize)>, ProtocolError> {
        let Some(&first) = buf.first() else {
            return Ok(None);
        };
        let opcode =
            Opcode::from_u8(first & 0x0F).ok_or(ProtocolError::ReservedOpcode(first & 0x0F))?;
        let fin = first & 0x80 != 0;
        if opcode.is_control() && !fin {
            return Err(ProtocolError::FragmentedControl);
        }
        let Some(&second) = buf.get(1) else {
            return Ok(None);
        };
        let masked = second & 0x80 != 0;
        let (payload_len, mut header_len) = match second & 0x7F {
            126 => match buf.get(2..4) {
                Some(&[hi, lo]) => (u64::from(u16::from_be_bytes([hi, lo])), 4),
                _ => return Ok(None),
            },
            127 => match buf.get(2..10) {
                Some(bytes) => {
                    let mut be = [0u8; 8];
                    be.copy_from_slice(bytes);
                    (u64::from_be_bytes(be), 10)
                }
                None => return Ok(None),
            },
            len => (u64::from(len), 2),
        };
        if payload_len >> 63 != 0 {
            return Err(ProtocolError::LengthMsbSet);
        }
        if opcode.is_control() && payload_len > MAX_CONTROL_PAYLOAD {
            return Err(ProtocolError::ControlTooLong(payload_len));
        }
        let mask = if masked {
            match buf.get(header_len..header_len + 4) {
                Some(&[a, b, c, d]) => {
                    header_len += 4;
                    Some([a, b, c, d])
                }
                _ => return Ok(None),
            }
        } else {
            None
        };
        let header = FrameHeader {
            fin,
            rsv1: first & 0x40 != 0,
            rsv2: first & 0x20 != 0,
            rsv3: first & 0x10 != 0,
            opcode,
            mask,
            payload_len,
        };
        Ok(Some((header, header_len)))
    }

    /// The encoded header's length: 2, 4 or 10 bytes, plus 4 with a mask. Always the
    /// shortest length encoding.
    #[allow(
        clippy::len_without_is_empty,
        reason = "a header is never empty; this is its encoded size"
    )]
    pub fn len(&self) -> usize {
        let length_bytes = match self.payload_len {
            0..=125 => 0,
            126..=0xFFFF => 2,
            _ => 8,
        };
        let mask_bytes = if self.mask.is_some() { 4 } else { 0 };
        2 + length_bytes + mask_bytes
    }

    /// Writes the header with the shortest length encoding; returns its length.
    pub fn write(&self, out: &mut [u8; MAX_HEADER_LEN]) -> usize {
        out[0] = u8::from(self.fin) << 7
            | u8::from(self.rsv1) << 6
            | u8::from(self.rsv2) << 5
            | u8::from(self.rsv3) << 4
            | self.opcode as u8;
        let mask_bit = if self.mask.is_some() { 0x80 } else { 0 };
        let mut len = match self.payload_len {
            // The match arm bounds the value, so the narrowing casts are exact.
            n @ 0..=125 => {
                out[1] = mask_bit | n as u8;
                2
            }
            n @ 126..=0xFFFF => {
                out[1] = mask_bit | 126;
                out[2..4].copy_from_slice(&(n as u16).to_be_bytes());
                4
            }
            n => {
                out[1] = mask_bit | 127;
                out[2..10].copy_from_slice(&n.to_be_bytes());
                10
            }
        };
        if let Some(key) = self.mask {
            out[len..len + 4].copy_from_slice(&key);
            len += 4;
        }
        len
    }

    /// Fails on a reserved bit that no extension allows here. `compression` says whether
    /// permessage-deflate was negotiated; its bit (RSV1) may only mark the first frame of a
    /// data message (RFC 7692 §6.1). RSV2 and RSV3 have no use.
    pub fn check_reserved_bits(&self, compression: bool) -> Result<(), ProtocolError> {
        let rsv1_allowed = compression && matches!(self.opcode, Opcode::Text | Opcode::Binary);
        if self.rsv2 || self.rsv3 || (self.rsv1 && !rsv1_allowed) {
            return Err(ProtocolError::ReservedBits);
        }
        Ok(())
    }

    /// A server's check of a received frame: clients must mask every frame (RFC 6455 §5.1).
    pub fn check_from_client(&self) -> Result<(), ProtocolError> {
        match self.mask {
            Some(_) => Ok(()),
            None => Err(ProtocolError::UnmaskedFromClient),
        }
    }

    /// A client's check of a received frame: servers must not mask (RFC 6455 §5.1).
    pub fn check_from_server(&self) -> Result<(), ProtocolError> {
        match self.mask {
            Some(_) => Err(ProtocolError::MaskedFromServer),
            None => Ok(()),
        }
    }
}

/// Appends the header alone of an unmasked, unfragmented, uncompressed data frame (a
/// server's) for a payload of `len` bytes that is sent behind it without a copy. The
/// header is reserved exactly, so that a `Vec` holding only it becomes a `Bytes` without a
/// second allocation.
pub fn encode_data_header(out: &mut Vec<u8>, text: bool, len: usize) {
    let header = FrameHeader {
        fin: true,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        opcode: if text { Opcode::Text } else { Opcode::Binary },
        mask: None,
        payload_len: len as u64,
    };
    let mut bytes = [0u8; MAX_HEADER_LEN];
    let len = header.write(&mut bytes);
    out.reserve_exact(len);
    out.extend_from_slice(&bytes[..len]);
}

/// Appends one whole frame (header + payload, masked in the copy when `mask` is Some) to
/// `out`.
pub fn encode_frame(
    out: &mut Vec<u8>,
    fin: bool,
    rsv1: bool,
    opcode: Opcode,
    payload: &[u8],
    mask: Option<[u8; 4]>,
) {
    let header = FrameHeader {
        fin,
        rsv1,
        rsv2: false,
        rsv3: false,
        opcode,
        mask,
        payload_len: payload.len() as u64,
    };
    let mut header_bytes = [0u8; MAX_HEADER_LEN];
    let header_len = header.write(&mut header_bytes);
    // A frame made into an empty `Vec` fills it exactly (a `Bytes` made from it then
    // needs no allocation of its own); appended to other frames, the usual growth.
    if out.is_empty() {
        out.reserve_exact(header_len + payload.len());
    } else {
        out.reserve(header_len + payload.len());
    }
    out.extend_from_slice(&header_bytes[..header_len]);
    let start = out.len();
    out.extend_from_slice(payload);
    if let Some(key) = mask {
        apply_mask(&mut out[start..], key, 0);
    }
}
