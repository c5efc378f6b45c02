//! The 8-byte message header.
//!
//! ```text
//! byte 0    byte order of everything after: 1 little-endian, 0 big-endian
//! byte 1    message kind: 0 async, 1 sync, 2 response
//! byte 2    compression: 0 none, 1 (4-byte uncompressed size), 2 (8-byte size)
//! byte 3    bits 32..39 of the total length (capability 5 and 6), else 0
//! bytes 4-7 total length, header included, unsigned 32-bit in the message's byte order
//! ```

use crate::error::WireError;

pub const HEADER_LEN: usize = 8;
/// The largest total length the header can express: 2^40 − 1 bytes (kdb+'s "1 TB").
pub const MAX_MESSAGE_LEN: u64 = (1 << 40) - 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MessageKind {
    Async = 0,
    Sync = 1,
    Response = 2,
}

/// How a message body is compressed (header byte 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Compression {
    None = 0,
    /// The uncompressed length follows the header in 4 bytes.
    Compressed32 = 1,
    /// The uncompressed length follows the header in 8 bytes (messages of 4 GB or more).
    Compressed64 = 2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub big_endian: bool,
    pub kind: MessageKind,
    pub compression: Compression,
    /// Total length in bytes, these 8 included.
    pub length: u64,
}

impl Header {
    /// Reads a header in either byte order. The length is checked only for being long
    /// enough to hold a value; the caller checks it against its own maximum.
    pub fn parse(bytes: &[u8; HEADER_LEN]) -> Result<Header, WireError> {
        let big_endian = match bytes[0] {
            0 => true,
            1 => false,
            other => return Err(WireError::BadEndianness(other)),
        };
        let kind = match bytes[1] {
            0 => MessageKind::Async,
            1 => MessageKind::Sync,
            2 => MessageKind::Response,
            other => return Err(WireError::BadMessageKind(other)),
        };
        let compression = match bytes[2] {
            0 => Compression::None,
            1 => Compression::Compressed32,
            2 => Compression::Compressed64,
            other => return Err(WireError::BadCompressionFlag(other)),
        };
        let low = [bytes[4], bytes[5], bytes[6], bytes[7]];
        let low = if big_endian {
            u32::from_be_bytes(low)
        } else {
            u32::from_le_bytes(low)
        };
        let length = (u64::from(bytes[3]) << 32) | u64::from(low);
        let header = Header {
            big_endian,
            kind,
            compression,
            length,
        };
        if length < header.min_length() {
            return Err(WireError::Malformed(
                "message length too small to hold a value",
            ));
        }
        Ok(header)
    }

    /// The header of a whole message, checked first against `max_len` (as a reader of a
    /// stream checks it before waiting for the body), then against the bytes present.
    pub fn of_message(message: &[u8], max_len: u64) -> Result<Header, WireError> {
        let bytes: &[u8; HEADER_LEN] = message
            .get(..HEADER_LEN)
            .and_then(|head| head.try_into().ok())
            .ok_or(WireError::Truncated {
                offset: message.len(),
                needed: (HEADER_LEN - message.len().min(HEADER_LEN)) as u64,
            })?;
        let header = Header::parse(bytes)?;
        if header.length > max_len {
            return Err(WireError::Limit {
                what: "message length",
                size: header.length,
                max: max_len,
            });
        }
        if header.length != message.len() as u64 {
            return Err(WireError::LengthMismatch {
                header: header.length,
                actual: message.len() as u64,
            });
        }
        Ok(header)
    }

    /// The smallest total length a message with this header can have: a type byte; a
    /// compressed body needs its size field and one control byte.
    fn min_length(&self) -> u64 {
        match self.compression {
            Compression::None => HEADER_LEN as u64 + 1,
            Compression::Compressed32 => HEADER_LEN as u64 + 4 + 1,
            Compression::Compressed64 => HEADER_LEN as u64 + 8 + 1,
        }
    }

    /// The header bytes, in the header's byte order (qport itself sends little-endian;
    /// compression keeps the order of the message it compresses).
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let low = self.length as u32;
        let [a, b, c, d] = if self.big_endian {
            low.to_be_bytes()
        } else {
            low.to_le_bytes()
        };
        [
            u8::from(!self.big_endian),
            self.kind as u8,
            self.compression as u8,
            (self.length >> 32) as u8,
            a,
            b,
            c,
            d,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_byte_orders() {
        let little = Header::parse(&[1, 1, 0, 0, 0x11, 0, 0, 0]).unwrap();
        let big = Header::parse(&[0, 1, 0, 0, 0, 0, 0, 0x11]).unwrap();
        assert_eq!(little.length, 17);
        assert_eq!(big.length, 17);
        assert!(big.big_endian && !little.big_endian);
        assert_eq!(little.kind, MessageKind::Sync);
    }

    #[test]
    fn length_is_unsigned_with_byte_3_extension() {
        // Observed from KX's serializer (capability 6): 2,147,483,667 and 2^32 + 0x17.
        let h = Header::parse(&[1, 0, 0, 0, 0x13, 0, 0, 0x80]).unwrap();
        assert_eq!(h.length, 2_147_483_667);
        let h = Header::parse(&[1, 0, 0, 1, 0x17, 0, 0, 0]).unwrap();
        assert_eq!(h.length, (1 << 32) + 0x17);
        assert_eq!(h.to_bytes(), [1, 0, 0, 1, 0x17, 0, 0, 0]);
        let big = Header::parse(&[0, 2, 0, 0, 0, 0, 1, 2]).unwrap();
        assert_eq!(big.to_bytes(), [0, 2, 0, 0, 0, 0, 1, 2]);
    }

    #[test]
    fn rejects_bad_header_bytes() {
        assert_eq!(
            Header::parse(&[2, 0, 0, 0, 10, 0, 0, 0]),
            Err(WireError::BadEndianness(2))
        );
        assert_eq!(
            Header::parse(&[1, 3, 0, 0, 10, 0, 0, 0]),
            Err(WireError::BadMessageKind(3))
        );
        assert_eq!(
            Header::parse(&[1, 0, 3, 0, 10, 0, 0, 0]),
            Err(WireError::BadCompressionFlag(3))
        );
        assert!(Header::parse(&[1, 0, 0, 0, 8, 0, 0, 0]).is_err());
    }
}
