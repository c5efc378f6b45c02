//! One client connection of the load generator: raw TCP (the bytes alone) or a WebSocket
//! (qport-ws's sans-io `Encoder` and `Decoder`: a fresh mask per frame, permessage-deflate
//! when asked for). A round trip sends one message, reads its echo whole and checks it.

use std::io;
use std::net::SocketAddr;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use qport_ws::deflate::{accept_response, client_offer, DeflateConfig, Role};
use qport_ws::handshake::{new_client_key, parse_response, request_bytes, MAX_HANDSHAKE_LEN};
use qport_ws::protocol::{connection, Compression, Decoder, Encoder, Event, Limits, Message};

/// How a connection talks to its server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// The message's bytes, echoed as they are.
    RawTcp,
    /// Binary WebSocket messages, uncompressed.
    WebSocket,
    /// Text WebSocket messages with permessage-deflate: offered, and required.
    WebSocketDeflate,
}

impl Protocol {
    /// Whether messages go as text (the deflate cases, JSON) rather than binary.
    pub fn text(self) -> bool {
        self == Protocol::WebSocketDeflate
    }
}

pub struct Connection {
    stream: TcpStream,
    /// Received bytes not yet consumed.
    buf: BytesMut,
    /// The frame being sent.
    out: Vec<u8>,
    websocket: Option<(Decoder, Encoder)>,
}

impl Connection {
    /// Connects and, for a WebSocket, completes the upgrade.
    pub async fn open(addr: SocketAddr, protocol: Protocol) -> io::Result<Connection> {
        let mut stream = TcpStream::connect(addr).await?;
        // A message is one write; Nagle's algorithm must not hold it back.
        stream.set_nodelay(true)?;
        let mut buf = BytesMut::with_capacity(4096);
        let websocket = match protocol {
            Protocol::RawTcp => None,
            Protocol::WebSocket => Some(upgrade(&mut stream, &mut buf, addr, false).await?),
            Protocol::WebSocketDeflate => Some(upgrade(&mut stream, &mut buf, addr, true).await?),
        };
        Ok(Connection {
            stream,
            buf,
            out: Vec::new(),
            websocket,
        })
    }

    /// Sends `message` and waits for its echo, which must be the same bytes (and, for a
    /// WebSocket, of the same kind).
    pub async fn round_trip(&mut self, message: &[u8], text: bool) -> io::Result<()> {
        match self.websocket.as_mut() {
            None => {
                self.stream.write_all(message).await?;
                self.raw_echo(message).await
            }
            Some((_, encoder)) => {
                self.out.clear();
                encoder.encode_message(text, message, &mut self.out);
                self.stream.write_all(&self.out).await?;
                self.websocket_echo(message, text).await
            }
        }
    }

    async fn raw_echo(&mut self, message: &[u8]) -> io::Result<()> {
        self.buf.clear();
        while self.buf.len() < message.len() {
            self.buf.reserve(message.len() - self.buf.len());
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        if self.buf[..] == *message {
            Ok(())
        } else {
            Err(invalid("the echo differs from the message sent"))
        }
    }

    async fn websocket_echo(&mut self, message: &[u8], text: bool) -> io::Result<()> {
        let Some((decoder, _)) = self.websocket.as_mut() else {
            return Err(invalid("not a WebSocket"));
        };
        loop {
            match decoder.read(&mut self.buf).map_err(io::Error::other)? {
                Some(Event::Message(echo)) => {
                    let same_kind = matches!(echo, Message::Text(_)) == text;
                    return if same_kind && echo.payload()[..] == *message {
                        Ok(())
                    } else {
                        Err(invalid("the echo differs from the message sent"))
                    };
                }
                Some(Event::Close(frame)) => {
                    return Err(invalid(&format!("the server closed: {frame:?}")));
                }
                // The echo servers send neither; nothing to answer.
                Some(Event::Ping(_) | Event::Pong(_)) => {}
                None => {
                    // Room for the whole echo, so a big one arrives in few reads and is
                    // decoded without being copied into a message being assembled.
                    let want = message.len() + 16;
                    if self.buf.capacity() - self.buf.len() < want {
                        self.buf.reserve(want.max(4096));
                    }
                    if self.stream.read_buf(&mut self.buf).await? == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                }
            }
        }
    }
}

/// The client's side of the upgrade; with `deflate`, permessage-deflate is offered at its
/// defaults (zlib level 1, context takeover) and must be agreed.
async fn upgrade(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    addr: SocketAddr,
    deflate: bool,
) -> io::Result<(Decoder, Encoder)> {
    let config = DeflateConfig {
        enabled: deflate,
        // Every message compressed, as a browser does; the server keeps its own threshold.
        threshold: 0,
        ..DeflateConfig::default()
    };
    let key = new_client_key();
    let offer = deflate.then(|| client_offer(&config));
    let request = request_bytes(&addr.to_string(), "/", &key, &[], offer.as_deref(), &[]);
    stream.write_all(&request).await?;
    let response = loop {
        if let Some((response, used)) =
            parse_response(buf, &key, &[], MAX_HANDSHAKE_LEN).map_err(io::Error::other)?
        {
            let _ = buf.split_to(used);
            break response;
        }
        if stream.read_buf(buf).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    };
    let compression = match (deflate, &response.extensions) {
        (true, Some(answer)) => Some(Compression {
            params: accept_response(answer, &config).map_err(io::Error::other)?,
            level: config.level,
            threshold: config.threshold,
        }),
        (true, None) => return Err(invalid("the server did not agree to permessage-deflate")),
        (false, Some(answer)) => return Err(invalid(&format!("unasked-for extension {answer}"))),
        (false, None) => None,
    };
    let limits = Limits {
        max_frame: 1 << 30,
        max_message: 1 << 30,
    };
    Ok(connection(Role::Client, limits, compression))
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}
