//! `Client`: the client end of kdb+ IPC, as q's `hopen` gives it — connect by
//! `host:port` or `unix://port` with `user:password`, then sync requests, async messages,
//! deferred sync (`neg[h] x; h[]`) and one-shot requests with a timeout.
//!
//! While it waits for a sync response, messages the server sends first are handled as q
//! handles them: a sync request is answered through the callback, an async message goes
//! to the callback or, without one, is kept for `receive`.

use std::collections::VecDeque;
use std::io;
use std::os::linux::net::SocketAddrExt;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use qport_value::Value;
use qport_wire::handshake::Handshake;
use qport_wire::message::Message;
use qport_wire::{
    compress_message, decode_message, encode_message, Capability, DecodeLimits, MessageKind,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpStream, UnixStream};

use crate::config::{CompressionPolicy, ServerConfig};
use crate::error::ClientError;
use crate::inbound::{Complete, Inbound};

/// Async messages are written once this many bytes are buffered (and at `flush`,
/// before a sync request, and at close).
const ASYNC_BUFFER: usize = 64 * 1024;

/// Answers a message the server sent while the client waits: the result of a sync
/// request is sent back as the response; for an async message it is ignored.
pub type MessageCallback = Box<dyn FnMut(MessageKind, Value) -> Result<Value, String> + Send>;

/// How to connect.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub user: String,
    pub password: Option<String>,
    /// The capability offered; the server answers with the common one.
    pub capability: Capability,
    /// For connecting and the handshake.
    pub timeout: Option<Duration>,
    /// Incoming messages longer than this are refused (`'limit`).
    pub max_message_bytes: u64,
    /// `Auto` compresses to a peer on another host, as q does.
    pub compression: CompressionPolicy,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            user: String::new(),
            password: None,
            capability: Capability::MAX,
            timeout: None,
            max_message_bytes: qport_wire::MAX_MESSAGE_LEN,
            compression: CompressionPolicy::Auto,
        }
    }
}

/// Where to connect, parsed from q's forms: `host:port`, `:port`, `unix://port`, each
/// optionally followed by `:user:password` (a leading `` ` `` or `:` is allowed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub target: Target,
    pub user: Option<String>,
    pub password: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Tcp {
        host: String,
        port: u16,
    },
    /// kdb+'s abstract Unix socket `\0DIR/kx.PORT` (DIR from `$QUDSPATH`, else /tmp).
    Unix {
        port: u16,
    },
}

impl Address {
    pub fn parse(text: &str) -> Result<Address, ClientError> {
        let bad = || ClientError::Address(text.to_string());
        let trimmed = text.trim_start_matches('`');
        let trimmed = trimmed.strip_prefix(':').unwrap_or(trimmed);
        let (target, rest) = if let Some(unix) = trimmed.strip_prefix("unix://") {
            let (port, rest) = unix
                .split_once(':')
                .map_or((unix, None), |(p, r)| (p, Some(r)));
            let port = port.parse().map_err(|_| bad())?;
            (Target::Unix { port }, rest)
        } else {
            let is_port = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            let mut parts = trimmed.splitn(2, ':');
            let first = parts.next().unwrap_or_default();
            let after = parts.next();
            // `port[:user...]` (no host) or `host:port[:user...]` (host may be empty).
            let (host, port, rest) = match after {
                Some(after) if !is_port(first) || after.split(':').next().is_some_and(is_port) => {
                    let (port, rest) = after
                        .split_once(':')
                        .map_or((after, None), |(p, r)| (p, Some(r)));
                    (first, port, rest)
                }
                _ => ("", first, after),
            };
            let host = if host.is_empty() { "localhost" } else { host };
            let port = port.parse().map_err(|_| bad())?;
            let target = Target::Tcp {
                host: host.to_string(),
                port,
            };
            (target, rest)
        };
        let (user, password) = match rest {
            None => (None, None),
            Some(rest) => match rest.split_once(':') {
                Some((user, password)) => (Some(user.to_string()), Some(password.to_string())),
                None => (Some(rest.to_string()), None),
            },
        };
        Ok(Address {
            target,
            user,
            password,
        })
    }
}

pub struct Client {
    stream: Stream,
    inbound: Inbound,
    limits: DecodeLimits,
    capability: Capability,
    compress: bool,
    /// Async messages not yet written.
    unsent: Vec<u8>,
    callback: Option<MessageCallback>,
    /// Async messages that arrived while waiting for a response, with no callback set.
    received: VecDeque<Message>,
}

impl Client {
    /// Connects with the credentials in the address, if any.
    pub async fn connect(address: &str) -> Result<Client, ClientError> {
        Client::connect_with(address, ClientOptions::default()).await
    }

    pub async fn connect_with(
        address: &str,
        mut options: ClientOptions,
    ) -> Result<Client, ClientError> {
        let address = Address::parse(address)?;
        if let Some(user) = address.user {
            options.user = user;
            options.password = address.password;
        }
        let connecting = Client::open(address.target, options.clone());
        match options.timeout {
            Some(limit) => tokio::time::timeout(limit, connecting)
                .await
                .map_err(|_| ClientError::Timeout)?,
            None => connecting.await,
        }
    }

    async fn open(target: Target, options: ClientOptions) -> Result<Client, ClientError> {
        let (mut stream, local) = match target {
            Target::Tcp { host, port } => {
                let stream = TcpStream::connect((host.as_str(), port)).await?;
                stream.set_nodelay(true)?;
                let peer = stream.peer_addr()?;
                let local = peer.ip().is_loopback() || stream.local_addr()?.ip() == peer.ip();
                (Stream::Tcp(stream), local)
            }
            Target::Unix { port } => (Stream::Unix(connect_abstract(port)?), true),
        };
        let handshake = Handshake {
            user: options.user.into_bytes(),
            password: options.password.map(String::into_bytes),
            capability: options.capability,
            legacy: false,
        };
        stream.write_all(&handshake.to_bytes()).await?;
        let mut answer = [0u8; 1];
        // A refusal is a close without a byte.
        if stream.read(&mut answer).await? == 0 {
            return Err(ClientError::Access);
        }
        let capability = Capability::new(answer[0]).common(options.capability);
        let compress = capability.carries_compression()
            && match options.compression {
                CompressionPolicy::Auto => !local,
                CompressionPolicy::Always => true,
                CompressionPolicy::Never => false,
            };
        Ok(Client {
            stream,
            inbound: Inbound::new(options.max_message_bytes),
            limits: DecodeLimits::DEFAULT.with_max_message_bytes(options.max_message_bytes),
            capability,
            compress,
            unsent: Vec::new(),
            callback: None,
            received: VecDeque::new(),
        })
    }

    /// The capability the server agreed to.
    pub fn capability(&self) -> Capability {
        self.capability
    }

    /// Handles messages the server sends unasked (see the module documentation).
    pub fn on_message(&mut self, callback: MessageCallback) {
        self.callback = Some(callback);
    }

    /// `h x`: sends a sync request and waits for its response. An error response is
    /// `Err(ClientError::Remote(text))` with q's text.
    pub async fn sync(&mut self, value: &Value) -> Result<Value, ClientError> {
        let message = self.encode(value, MessageKind::Sync)?;
        self.unsent.extend_from_slice(&message);
        self.flush().await?;
        loop {
            let message = self.read_message().await?;
            match message.kind {
                MessageKind::Response => return response_result(message.value),
                _ => self.unasked(message).await?,
            }
        }
    }

    /// `neg[h] x`: queues an async message; it is written with others, at the latest by
    /// `flush`, the next `sync`, or `close`.
    pub async fn async_send(&mut self, value: &Value) -> Result<(), ClientError> {
        let message = self.encode(value, MessageKind::Async)?;
        self.unsent.extend_from_slice(&message);
        if self.unsent.len() >= ASYNC_BUFFER {
            self.flush().await?;
        }
        Ok(())
    }

    /// `neg[h][]`: writes every queued async message.
    pub async fn flush(&mut self) -> Result<(), ClientError> {
        if !self.unsent.is_empty() {
            self.stream.write_all(&self.unsent).await?;
            self.unsent.clear();
            if self.unsent.capacity() > 4 * ASYNC_BUFFER {
                self.unsent = Vec::new();
            }
        }
        Ok(())
    }

    /// `h[]`: waits for the next message from the server (a deferred sync's answer, a
    /// push), writing queued async messages first. Messages kept while waiting for a
    /// sync response come first.
    pub async fn receive(&mut self) -> Result<Message, ClientError> {
        if let Some(message) = self.received.pop_front() {
            return Ok(message);
        }
        self.flush().await?;
        self.read_message().await
    }

    /// Writes queued async messages and closes (`hclose`).
    pub async fn close(mut self) -> Result<(), ClientError> {
        self.flush().await?;
        self.stream.shutdown().await?;
        Ok(())
    }

    /// A sync request or async message the server sent while we waited for a response.
    async fn unasked(&mut self, message: Message) -> Result<(), ClientError> {
        match (message.kind, self.callback.as_mut()) {
            (MessageKind::Sync, callback) => {
                let result = match callback {
                    Some(callback) => callback(MessageKind::Sync, message.value),
                    None => Err("nyi".to_string()),
                };
                let value = result.unwrap_or_else(|text| Value::error(&text));
                let response = self.encode(&value, MessageKind::Response)?;
                self.stream.write_all(&response).await?;
            }
            (kind, Some(callback)) => {
                let _ = callback(kind, message.value);
            }
            (_, None) => self.received.push_back(message),
        }
        Ok(())
    }

    async fn read_message(&mut self) -> Result<Message, ClientError> {
        loop {
            match self.inbound.complete()? {
                Some(Complete::Direct(message)) => return Ok(message),
                Some(Complete::Buffered(length)) => {
                    let message = decode_message(self.inbound.front(length), &self.limits);
                    self.inbound.consume(length);
                    return Ok(message?);
                }
                None => {}
            }
            if self.inbound.fill(&mut self.stream).await? == 0 {
                return Err(ClientError::Closed);
            }
        }
    }

    fn encode(&self, value: &Value, kind: MessageKind) -> Result<Vec<u8>, ClientError> {
        let message = encode_message(value, kind, self.capability)?;
        if self.compress {
            if let Some(compressed) = compress_message(&message) {
                return Ok(compressed);
            }
        }
        Ok(message)
    }
}

/// `` `::[(":host:port";timeout);x] ``: connects, sends one sync request, reads the
/// response and closes, all within `timeout`.
pub async fn one_shot(
    address: &str,
    value: &Value,
    timeout: Duration,
) -> Result<Value, ClientError> {
    let exchange = async {
        let mut client = Client::connect(address).await?;
        let result = client.sync(value).await;
        let _ = client.close().await;
        result
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| ClientError::Timeout)?
}

fn response_result(value: Value) -> Result<Value, ClientError> {
    match value {
        Value::Error(text) => Err(ClientError::Remote(text.to_string())),
        value => Ok(value),
    }
}

fn connect_abstract(port: u16) -> io::Result<UnixStream> {
    let dir = ServerConfig::uds_dir_from_env().unwrap_or_else(|| PathBuf::from("/tmp"));
    let name = dir.join(format!("kx.{port}"));
    let address =
        std::os::unix::net::SocketAddr::from_abstract_name(name.as_os_str().as_encoded_bytes())?;
    let stream = std::os::unix::net::UnixStream::connect_addr(&address)?;
    stream.set_nonblocking(true)?;
    UnixStream::from_std(stream)
}

/// A TCP or Unix stream.
enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Unix(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Unix(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_flush(cx),
            Stream::Unix(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Unix(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(host: &str, port: u16, user: Option<&str>, password: Option<&str>) -> Address {
        Address {
            target: Target::Tcp {
                host: host.into(),
                port,
            },
            user: user.map(Into::into),
            password: password.map(Into::into),
        }
    }

    #[test]
    fn parses_q_address_forms() {
        let cases = [
            ("localhost:5000", tcp("localhost", 5000, None, None)),
            (":5000", tcp("localhost", 5000, None, None)),
            ("5000", tcp("localhost", 5000, None, None)),
            ("::5000", tcp("localhost", 5000, None, None)),
            ("`:host:5000", tcp("host", 5000, None, None)),
            (":host:5000:ann", tcp("host", 5000, Some("ann"), None)),
            (
                ":5000:ann:pw",
                tcp("localhost", 5000, Some("ann"), Some("pw")),
            ),
            (
                "::5000:ann:p:w",
                tcp("localhost", 5000, Some("ann"), Some("p:w")),
            ),
            (
                "10.0.0.1:5000:ann:pw",
                tcp("10.0.0.1", 5000, Some("ann"), Some("pw")),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(Address::parse(text).unwrap(), expected, "{text}");
        }
        let unix = Address::parse(":unix://5000:ann:pw").unwrap();
        assert_eq!(unix.target, Target::Unix { port: 5000 });
        assert_eq!(
            (unix.user.as_deref(), unix.password.as_deref()),
            (Some("ann"), Some("pw"))
        );
    }
}
