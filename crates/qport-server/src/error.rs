//! Errors of the server and the client, each with the text a q process would show.

use std::io;

use qport_wire::WireError;
use thiserror::Error;

use crate::conn::Handle;

/// Sending to a connection, answering it, or waiting for its answer failed.
#[derive(Debug, Error)]
pub enum SendError {
    #[error("handle {0} is closed")]
    Closed(Handle),
    #[error("handle {handle} has {queued} bytes queued, over the limit {max}")]
    SlowConsumer {
        handle: Handle,
        queued: u64,
        max: u64,
    },
    #[error("{0} is not an ipc handle")]
    NotIpcHandle(Handle),
    #[error("Handle {0} was not expecting a response msg")]
    NotExpectingResponse(Handle),
    #[error("type error serializing for handle {handle}: {error}")]
    Serialize { handle: Handle, error: WireError },
    /// The peer answered a request with an error; the text is q's.
    #[error("{0}")]
    Remote(String),
}

/// The Rust client's errors.
#[derive(Debug, Error)]
pub enum ClientError {
    /// The server closed during the handshake: kdb+'s way of refusing credentials.
    #[error("access")]
    Access,
    #[error("timeout")]
    Timeout,
    #[error("bad address {0:?} (expected host:port, :port or unix://port)")]
    Address(String),
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A message that could not be encoded or decoded.
    #[error("{0}")]
    Wire(#[from] WireError),
    /// The server answered with an error; the text is q's (`type`, `length`, ...).
    #[error("{0}")]
    Remote(String),
    #[error("the connection closed")]
    Closed,
}

impl ClientError {
    /// The text q would signal for this error.
    pub fn q_text(&self) -> String {
        match self {
            ClientError::Access => "access".into(),
            ClientError::Timeout => "timeout".into(),
            ClientError::Remote(text) => text.clone(),
            ClientError::Wire(error) => error.q_text().into(),
            other => other.to_string(),
        }
    }
}
