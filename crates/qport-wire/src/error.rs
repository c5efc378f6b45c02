//! `WireError`: everything that can go wrong turning values into IPC bytes and back.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WireError {
    #[error("badmsg: message ends early: {needed} more bytes needed at offset {offset}")]
    Truncated { offset: usize, needed: u64 },
    #[error("badmsg: header says {header} bytes but the message has {actual}")]
    LengthMismatch { header: u64, actual: u64 },
    #[error("badmsg: {0} bytes left over after the message's value")]
    TrailingBytes(usize),
    #[error("badmsg: endianness byte {0} (expected 0 or 1)")]
    BadEndianness(u8),
    #[error("badmsg: message type byte {0} (expected 0 async, 1 sync, 2 response)")]
    BadMessageKind(u8),
    #[error("badmsg: compression byte {0} (expected 0, 1 or 2)")]
    BadCompressionFlag(u8),
    #[error("limit: {what} of {size} exceeds the maximum {max}")]
    Limit {
        what: &'static str,
        size: u64,
        max: u64,
    },
    #[error("limit: values nested deeper than {0}")]
    TooDeep(usize),
    #[error("badmsg: unknown type {0}")]
    UnknownType(i8),
    #[error("badmsg: enumeration (type {0}) cannot travel over IPC")]
    Enumeration(i8),
    #[error("badmsg: foreign object (type 112) cannot travel over IPC")]
    Foreign,
    #[error("badmsg: boolean byte {0} (expected 0 or 1)")]
    BadBoolean(u8),
    #[error("badmsg: attribute byte {0:#04x}")]
    BadAttribute(u8),
    #[error("badmsg: {0}")]
    Malformed(&'static str),
    #[error("badmsg: corrupt compressed data: {0}")]
    CorruptCompression(&'static str),
    #[error("type: capability {capability} cannot carry type {type_number}")]
    CapabilityType { type_number: i8, capability: u8 },
    #[error("limit: capability {capability} cannot carry {what}")]
    CapabilityLimit { what: &'static str, capability: u8 },
    #[error("type: {0}")]
    NotSerializable(&'static str),
    #[error("access: handshake longer than {0} bytes")]
    HandshakeTooLong(usize),
}

impl WireError {
    /// q's own text for this error, as a client would see it signalled.
    pub fn q_text(&self) -> &'static str {
        match self {
            WireError::Limit { .. } | WireError::TooDeep(_) | WireError::CapabilityLimit { .. } => {
                "limit"
            }
            WireError::CapabilityType { .. } | WireError::NotSerializable(_) => "type",
            WireError::HandshakeTooLong(_) => "access",
            _ => "badmsg",
        }
    }
}
