//! WebSockets (RFC 6455) with permessage-deflate (RFC 7692): a sans-io core and a tokio
//! driver, server and client.
//!
//! The sans-io core, bottom up:
//! - [`frame`]: opcodes, the frame header parsed and written, whole frames encoded.
//! - [`mask`]: XOR masking of payloads, in place and in pieces.
//! - [`utf8`]: UTF-8 validation of text arriving in pieces, failing at the first bad byte.
//! - [`close`]: close codes and the Close frame's payload, received and sent.
//! - [`error`]: `ProtocolError`, every protocol violation with its close code.
//! - [`handshake`]: the HTTP upgrade (RFC 6455 §4), request and response, both sides.
//! - [`deflate`]: permessage-deflate (RFC 7692): negotiation, compressor and decompressor.
//! - [`protocol`]: a connection after the handshake: `Decoder` (bytes → events, payloads
//!   unmasked, inflated and validated as they arrive) and `Encoder` (messages → frames).
//!
//! The tokio driver:
//! - [`transport`]: the sockets it runs on (TCP, Unix), used by readiness.
//! - [`server`]: the `Handler` trait (websocket.zig's shape), one task per connection
//!   (`serve_connection`, also for a listener that sniffed the protocol first), and
//!   `WsServer` for a port of its own; [`conn`]: `Conn`, sending from any task.
//! - [`client`]: `WsClient`, `ws://` URLs, read/write and a read loop.
//! - [`echo`]: `EchoHandler`, kdb+'s documented echo.
//! - [`testing`]: a handler against an in-process client, with expectations.
//!
//! A connection's bytes go: socket → `server` (handshake via `handshake` and `deflate`)
//! → `protocol::Decoder` (`frame`, `mask`, `deflate`, `utf8`, `close`) → `Handler`; and
//! back: `Conn` → the thread's reply buffer (a callback's own sends, no compression) or
//! `protocol::Encoder` → queue (every other send) → socket.

pub mod client;
pub mod close;
pub mod conn;
pub mod deflate;
pub mod echo;
pub mod error;
pub mod frame;
pub mod handshake;
pub mod mask;
pub mod protocol;
pub mod server;
pub mod testing;
pub mod transport;
pub mod utf8;
