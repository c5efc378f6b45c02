//! kdb+ IPC bytes, sans-io: values to messages and back, and kdb+'s compression.
//!
//! Modules, in the order a received message passes through them:
//! - [`handshake`]: the `user:password` line and capability byte a client sends before any
//!   message.
//! - [`header`]: the 8-byte header (byte order, message kind, compression, length with the
//!   byte-3 extension); a server reads it first to know how many bytes to wait for.
//! - [`mod@compress`]: kdb+'s LZ-style compression, byte-exact, with the sender's policy and a
//!   decompressor that checks every reference; `compress::chunks` runs the compressor of a
//!   big message on several threads, to the same bytes.
//! - `decode`: body bytes → `Value`, strictly bounded ([`limits`] sets the bounds).
//! - [`encode`]: `Value` → message bytes for a peer's [`capability`].
//! - [`receive`]: a big simple vector read from a socket straight into its storage.
//! - [`message`]: whole messages and the q mirrors [`serialize`] (-8!), [`deserialize`]
//!   (-9!) and [`compress()`] (-18!).
//! - [`error`]: `WireError`, each with q's text (`badmsg`, `type`, `limit`).
//!
//! Nothing here touches a socket; `qport-server` feeds bytes in and takes bytes out.

pub mod capability;
pub mod compress;
mod decode;
pub mod encode;
pub mod error;
pub mod handshake;
pub mod header;
pub mod limits;
pub mod message;
mod primitive;
pub mod receive;

pub use capability::Capability;
pub use compress::{
    compress_for_peer, compress_message, compress_message_on_threads, decompress_message,
};
pub use encode::{encode_message, encoded_len};
pub use error::WireError;
pub use handshake::{Handshake, MAX_HANDSHAKE_LEN};
pub use header::{Compression, Header, MessageKind, HEADER_LEN, MAX_MESSAGE_LEN};
pub use limits::DecodeLimits;
pub use message::{compress, decode_message, deserialize, serialize, Message};
