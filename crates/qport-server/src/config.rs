//! `ServerConfig`: what a server listens on and the limits it enforces, with kdb+'s
//! defaults where kdb+ has one.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use crate::auth::PasswordFile;

/// When replies and pushes are compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CompressionPolicy {
    /// kdb+'s rule: over 2000 bytes, under half when compressed, and never to a peer on
    /// this host (loopback, the host's own address, or a Unix socket).
    #[default]
    Auto,
    /// Compress wherever the peer's capability allows and it pays, even on loopback
    /// (tests of compressed replies).
    Always,
    Never,
}

/// What happens to a connection whose unsent bytes pass `ServerConfig::max_queued_bytes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SlowConsumerPolicy {
    /// Close it and log: one stuck client never grows the server's memory without bound.
    #[default]
    Close,
    /// Refuse the message that would pass the cap (the sender gets an error); the
    /// connection stays open.
    Refuse,
}

#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The TCP address; loopback unless a wider bind is asked for explicitly.
    pub host: IpAddr,
    /// 0 picks a free port; `Server::port` reports it.
    pub port: u16,
    /// Directory of the Unix socket `kx.PORT`, listened on both as the abstract name
    /// `\0DIR/kx.PORT` (what kdb+ 3.5+ on Linux uses) and as a file (what node-q and Java
    /// reach). `None` turns Unix sockets off, as `QUDSPATH=""` does for kdb+.
    pub uds_dir: Option<PathBuf>,
    /// `-u FILE` / `-U FILE`.
    pub password_file: Option<PasswordFile>,
    /// Incoming messages longer than this close the connection with a logged `'limit`.
    pub max_message_bytes: u64,
    /// A handshake not finished within this time is dropped.
    pub handshake_timeout: Duration,
    /// Unsent bytes one connection may hold before `slow_consumer` applies.
    pub max_queued_bytes: u64,
    pub slow_consumer: SlowConsumerPolicy,
    pub compression: CompressionPolicy,
    /// How long shutdown waits for queued messages to be written.
    pub shutdown_grace: Duration,
}

impl ServerConfig {
    /// kdb+'s directory for Unix sockets: `$QUDSPATH`, `/tmp` when unset, none when empty.
    pub fn uds_dir_from_env() -> Option<PathBuf> {
        match std::env::var_os("QUDSPATH") {
            None => Some(PathBuf::from("/tmp")),
            Some(dir) if dir.is_empty() => None,
            Some(dir) => Some(PathBuf::from(dir)),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            uds_dir: ServerConfig::uds_dir_from_env(),
            password_file: None,
            max_message_bytes: 1 << 30,
            handshake_timeout: Duration::from_secs(10),
            max_queued_bytes: 256 << 20,
            slow_consumer: SlowConsumerPolicy::Close,
            compression: CompressionPolicy::Auto,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}
