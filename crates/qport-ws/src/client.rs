//! `WsClient`: the client side — connect to `ws://[user:password@]host[:port]/path`
//! (the credentials become a Basic `Authorization` header), offer permessage-deflate,
//! then send (masked) and read (the server's unmasked frames), pings answered on the way.

use std::time::Duration;

use base64::Engine;
use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::close::{close_payload, CloseFrame};
use crate::deflate::{accept_response, client_offer, DeflateConfig, Role};
use crate::error::ProtocolError;
use crate::frame::Opcode;
use crate::handshake::{
    new_client_key, parse_response, request_bytes, HandshakeError, MAX_HANDSHAKE_LEN,
};
use crate::protocol::{connection, Compression, Decoder, Encoder, Event, Limits, Message};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("bad url {0:?} (expected ws://[user:password@]host[:port]/path)")]
    Url(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("handshake: {0}")]
    Handshake(#[from] HandshakeError),
    #[error("protocol: {0}")]
    Protocol(#[from] ProtocolError),
    #[error("timeout")]
    Timeout,
    #[error("the connection is closed")]
    Closed,
}

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub limits: Limits,
    /// Offered when `enabled`.
    pub deflate: DeflateConfig,
    pub protocols: Vec<String>,
    /// For connecting and the handshake.
    pub timeout: Option<Duration>,
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            limits: Limits::default(),
            deflate: DeflateConfig::default(),
            protocols: Vec::new(),
            timeout: Some(Duration::from_secs(10)),
        }
    }
}

/// What `read` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    Message(Message),
    Pong(bytes::Bytes),
    /// The closing handshake is over (the peer's Close, if it sent one).
    Closed(Option<CloseFrame>),
}

pub struct WsClient {
    stream: TcpStream,
    decoder: Decoder,
    encoder: Encoder,
    buf: BytesMut,
    out: Vec<u8>,
    protocol: Option<String>,
    close_sent: bool,
    closed: bool,
}

/// A parsed `ws://` URL.
struct Url {
    host: String,
    port: u16,
    path: String,
    credentials: Option<String>,
}

fn parse_url(url: &str) -> Result<Url, ClientError> {
    let bad = || ClientError::Url(url.to_string());
    let rest = url.strip_prefix("ws://").ok_or_else(bad)?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_string()
    };
    let (credentials, host_port) = match authority.rsplit_once('@') {
        Some((credentials, host_port)) => (Some(credentials.to_string()), host_port),
        None => (None, authority),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
            (host, port.parse().map_err(|_| bad())?)
        }
        _ => (host_port, 80),
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok(Url {
        host: host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
        port,
        path,
        credentials,
    })
}

impl WsClient {
    pub async fn connect(url: &str, headers: &[(String, String)]) -> Result<WsClient, ClientError> {
        WsClient::connect_with(url, headers, ClientConfig::default()).await
    }

    pub async fn connect_with(
        url: &str,
        headers: &[(String, String)],
        config: ClientConfig,
    ) -> Result<WsClient, ClientError> {
        let connecting = WsClient::open(url, headers, config.clone());
        match config.timeout {
            Some(limit) => tokio::time::timeout(limit, connecting)
                .await
                .map_err(|_| ClientError::Timeout)?,
            None => connecting.await,
        }
    }

    async fn open(
        url: &str,
        headers: &[(String, String)],
        config: ClientConfig,
    ) -> Result<WsClient, ClientError> {
        let url = parse_url(url)?;
        let mut stream = TcpStream::connect((url.host.as_str(), url.port)).await?;
        stream.set_nodelay(true)?;
        let key = new_client_key();
        let mut extra: Vec<(String, String)> = headers.to_vec();
        if let Some(credentials) = &url.credentials {
            let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
            extra.push(("Authorization".into(), format!("Basic {encoded}")));
        }
        let offer = config
            .deflate
            .enabled
            .then(|| client_offer(&config.deflate));
        let host = if url.port == 80 {
            url.host.clone()
        } else {
            format!("{}:{}", url.host, url.port)
        };
        let request = request_bytes(
            &host,
            &url.path,
            &key,
            &config.protocols,
            offer.as_deref(),
            &extra,
        );
        stream.write_all(&request).await?;
        let mut buf = BytesMut::with_capacity(4096);
        let response = loop {
            if let Some((response, used)) =
                parse_response(&buf, &key, &config.protocols, MAX_HANDSHAKE_LEN)?
            {
                let _ = buf.split_to(used);
                break response;
            }
            if stream.read_buf(&mut buf).await? == 0 {
                return Err(ClientError::Closed);
            }
        };
        let compression = match (&response.extensions, config.deflate.enabled) {
            (Some(answer), true) => Some(Compression {
                params: accept_response(answer, &config.deflate)?,
                level: config.deflate.level,
                threshold: config.deflate.threshold,
            }),
            // An extension we did not offer fails the connection (RFC 6455 §4.1).
            (Some(answer), false) => {
                return Err(HandshakeError::UnexpectedExtension(answer.clone()).into());
            }
            (None, _) => None,
        };
        let (decoder, encoder) = connection(Role::Client, config.limits, compression);
        Ok(WsClient {
            stream,
            decoder,
            encoder,
            buf,
            out: Vec::new(),
            protocol: response.protocol,
            close_sent: false,
            closed: false,
        })
    }

    /// The subprotocol the server chose.
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_deref()
    }

    /// Whether permessage-deflate was agreed.
    pub fn compresses(&self) -> bool {
        self.encoder.compresses()
    }

    pub async fn send_text(&mut self, text: &str) -> Result<(), ClientError> {
        self.send(true, text.as_bytes()).await
    }

    pub async fn send_binary(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        self.send(false, bytes).await
    }

    pub async fn send(&mut self, text: bool, payload: &[u8]) -> Result<(), ClientError> {
        if self.close_sent {
            return Err(ClientError::Closed);
        }
        self.out.clear();
        self.encoder.encode_message(text, payload, &mut self.out);
        self.stream.write_all(&self.out).await?;
        Ok(())
    }

    pub async fn ping(&mut self, payload: &[u8]) -> Result<(), ClientError> {
        self.control(Opcode::Ping, payload).await
    }

    /// Sends Close; `read` then returns `Received::Closed` once the server answers.
    pub async fn close(&mut self, code: u16, reason: &str) -> Result<(), ClientError> {
        if !self.close_sent {
            self.control(Opcode::Close, &close_payload(code, reason))
                .await?;
            self.close_sent = true;
        }
        Ok(())
    }

    async fn control(&mut self, opcode: Opcode, payload: &[u8]) -> Result<(), ClientError> {
        self.out.clear();
        self.encoder.encode_control(opcode, payload, &mut self.out);
        self.stream.write_all(&self.out).await?;
        Ok(())
    }

    /// The next message or pong; pings are answered here. A protocol error sends the
    /// Close it calls for and is returned.
    pub async fn read(&mut self) -> Result<Received, ClientError> {
        loop {
            if self.closed {
                return Err(ClientError::Closed);
            }
            match self.decoder.read(&mut self.buf) {
                Ok(Some(Event::Message(message))) => return Ok(Received::Message(message)),
                Ok(Some(Event::Pong(payload))) => return Ok(Received::Pong(payload)),
                Ok(Some(Event::Ping(payload))) => {
                    if !self.close_sent {
                        self.control(Opcode::Pong, &payload).await?;
                    }
                }
                Ok(Some(Event::Close(frame))) => {
                    if !self.close_sent {
                        let payload = frame
                            .as_ref()
                            .map_or_else(Vec::new, |f| close_payload(f.code, ""));
                        self.control(Opcode::Close, &payload).await?;
                        self.close_sent = true;
                    }
                    self.closed = true;
                    // The server closes the TCP connection first; wait for it briefly,
                    // then close ours.
                    let mut sink = [0u8; 1024];
                    let _ = tokio::time::timeout(Duration::from_secs(2), async {
                        while matches!(self.stream.read(&mut sink).await, Ok(n) if n > 0) {}
                    })
                    .await;
                    let _ = self.stream.shutdown().await;
                    return Ok(Received::Closed(frame));
                }
                Ok(None) => {
                    let wanted = self.decoder.wanted().max(self.buf.len() + 1024);
                    if self.buf.capacity() < wanted {
                        self.buf.reserve(wanted.max(4096) - self.buf.len());
                    }
                    if self.stream.read_buf(&mut self.buf).await? == 0 {
                        self.closed = true;
                        return Err(ClientError::Closed);
                    }
                }
                Err(error) => {
                    if !self.close_sent {
                        let _ = self
                            .control(Opcode::Close, &close_payload(error.close_code(), ""))
                            .await;
                        self.close_sent = true;
                    }
                    self.closed = true;
                    return Err(error.into());
                }
            }
        }
    }

    /// Reads until the connection closes, handing each message to `on_message`; a
    /// message it returns is sent back. Returns the server's Close frame, if any.
    pub async fn read_loop<F>(
        &mut self,
        mut on_message: F,
    ) -> Result<Option<CloseFrame>, ClientError>
    where
        F: FnMut(Message) -> Option<Message>,
    {
        loop {
            match self.read().await? {
                Received::Message(message) => {
                    if let Some(reply) = on_message(message) {
                        match reply {
                            Message::Text(text) => self.send(true, &text).await?,
                            Message::Binary(bytes) => self.send(false, &bytes).await?,
                        }
                    }
                }
                Received::Pong(_) => {}
                Received::Closed(frame) => return Ok(frame),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ws_urls() {
        let url = parse_url("ws://ann:pw@example.com:5000/kdb?x=1").unwrap();
        assert_eq!(
            (url.host.as_str(), url.port, url.path.as_str()),
            ("example.com", 5000, "/kdb?x=1")
        );
        assert_eq!(url.credentials.as_deref(), Some("ann:pw"));
        let url = parse_url("ws://localhost").unwrap();
        assert_eq!((url.port, url.path.as_str()), (80, "/"));
        let url = parse_url("ws://[::1]:9001?q").unwrap();
        assert_eq!(
            (url.host.as_str(), url.port, url.path.as_str()),
            ("::1", 9001, "/?q")
        );
        assert!(parse_url("http://x").is_err());
        assert!(parse_url("ws://:80/").is_err());
    }
}
