//! `ProtocolError`: every way a peer can break RFC 6455 or RFC 7692, each with the close code
//! the connection is failed with.

use thiserror::Error;

use crate::close;

/// A violation of the protocol by the peer (or by bytes we were asked to parse).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ProtocolError {
    #[error("reserved opcode {0:#x}")]
    ReservedOpcode(u8),
    #[error("reserved bit set that no negotiated extension defines")]
    ReservedBits,
    #[error("fragmented control frame")]
    FragmentedControl,
    #[error("control frame payload of {0} bytes (at most 125)")]
    ControlTooLong(u64),
    #[error("64-bit payload length with the most significant bit set")]
    LengthMsbSet,
    #[error("unmasked frame from a client")]
    UnmaskedFromClient,
    #[error("masked frame from a server")]
    MaskedFromServer,
    #[error("close frame payload of 1 byte (a code takes 2)")]
    BadCloseLength,
    #[error("close code {0} may not be sent")]
    InvalidCloseCode(u16),
    #[error("text is not valid UTF-8")]
    InvalidUtf8,
    #[error("message of {size} bytes exceeds the maximum {max}")]
    MessageTooBig { size: u64, max: u64 },
    #[error("frame of {size} bytes exceeds the maximum {max}")]
    FrameTooBig { size: u64, max: u64 },
    #[error("continuation frame with no message to continue")]
    UnexpectedContinuation,
    #[error("new data frame while a fragmented message is unfinished")]
    ExpectedContinuation,
    #[error("compressed message does not inflate")]
    BadCompressedData,
}

impl ProtocolError {
    /// The code to put in the Close frame that fails the connection (RFC 6455 §7.4.1).
    pub fn close_code(&self) -> u16 {
        match self {
            ProtocolError::InvalidUtf8 => close::INVALID_PAYLOAD,
            ProtocolError::MessageTooBig { .. } | ProtocolError::FrameTooBig { .. } => {
                close::MESSAGE_TOO_BIG
            }
            // Everything else is a framing or sequencing fault. RFC 7692 names no code for
            // data that does not inflate: the extension's framing failed, not the text.
            _ => close::PROTOCOL_ERROR,
        }
    }
}
