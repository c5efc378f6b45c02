//! qport as a kdb+ IPC endpoint: sockets, connections, the handler API, and a client.
//!
//! Modules, in the order a connection passes through them:
//! - [`config`]: what to listen on and the limits (message size, handshake time, queued
//!   bytes, compression policy).
//! - `listener`: the TCP socket and the two Unix socket names of one port; an accept loop
//!   each, a task per connection.
//! - `connection`: one connection's task — handshake (checked with [`auth`] and
//!   [`Handler::authenticate`]), then incoming bytes cut into messages by `inbound`,
//!   handed to the [`handler`], replies and pushes written back.
//! - [`conn`]: [`Conn`], a handler's reference to a connection (push, ask, answer later,
//!   flush, close) and what `-38!` shows of it; [`registry`]: all of them by handle,
//!   and broadcast.
//! - [`server`]: [`Server`] ties it together: start, port, shutdown.
//! - [`client`]: [`Client`], the other end (`hopen`): sync, async, deferred sync,
//!   one-shot.
//! - [`echo`]: [`EchoHandler`], kdb+'s echo, as an example handler and a test peer.
//! - [`error`]: errors with q's texts.

pub mod auth;
pub mod client;
pub mod config;
pub mod conn;
mod connection;
pub mod echo;
pub mod error;
pub mod handler;
mod inbound;
mod listener;
pub mod registry;
pub mod server;

pub use auth::{FileAccess, PasswordFile};
pub use client::Client;
pub use config::{CompressionPolicy, ServerConfig, SlowConsumerPolicy};
pub use conn::{Conn, ConnInfo, Family, Handle, Peer, Protocol};
pub use echo::EchoHandler;
pub use error::{ClientError, SendError};
pub use handler::{Handler, Reply};
pub use registry::Registry;
pub use server::Server;
