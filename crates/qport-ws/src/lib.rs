//! WebSockets (RFC 6455) with permessage-deflate (RFC 7692).
//!
//! - [`frame`]: opcodes, the frame header parsed and written, whole frames encoded.
//! - [`mask`]: XOR masking of payloads, in place and in pieces.
//! - [`utf8`]: UTF-8 validation of text arriving in pieces, failing at the first bad byte.
//! - [`close`]: close codes and the Close frame's payload, received and sent.
//! - [`error`]: `ProtocolError`, every protocol violation with its close code.
//! - [`handshake`]: the HTTP upgrade (RFC 6455 §4), request and response, both sides.
//! - [`deflate`]: permessage-deflate (RFC 7692): negotiation, compressor and decompressor.

pub mod close;
pub mod deflate;
pub mod error;
pub mod frame;
pub mod handshake;
pub mod mask;
pub mod utf8;
