//! One client connection of a load generator: connect, handshake, send bytes, receive whole
//! messages.
//!
//! Received bytes go into one buffer that is reused, so a response costs one `read` when it
//! arrives whole, as small responses do.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use qport_wire::{Header, HEADER_LEN};

use crate::messages::HANDSHAKE;

const READ_CHUNK: usize = 64 * 1024;

pub struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Bytes of `buf` that hold received data.
    filled: usize,
    /// Bytes at the start of `buf` already handed out by `recv`.
    consumed: usize,
}

impl Client {
    /// Connects and performs the kdb+ handshake; both kinds of server answer one byte.
    pub async fn connect(addr: SocketAddr) -> io::Result<Client> {
        let mut stream = TcpStream::connect(addr).await?;
        // Each request is one write; without this, Nagle's algorithm could hold it back.
        stream.set_nodelay(true)?;
        stream.write_all(HANDSHAKE).await?;
        let mut capability = [0u8; 1];
        stream.read_exact(&mut capability).await?;
        Ok(Client {
            stream,
            buf: vec![0; READ_CHUNK],
            filled: 0,
            consumed: 0,
        })
    }

    pub async fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes).await
    }

    /// The next whole message (header included), framed by its header's length.
    pub async fn recv(&mut self) -> io::Result<&[u8]> {
        if self.consumed == self.filled {
            self.consumed = 0;
            self.filled = 0;
        }
        loop {
            let available = &self.buf[self.consumed..self.filled];
            if let Some(len) = whole_message_len(available)? {
                let start = self.consumed;
                self.consumed += len;
                return Ok(&self.buf[start..start + len]);
            }
            self.make_room();
            let n = self.stream.read(&mut self.buf[self.filled..]).await?;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            self.filled += n;
        }
    }

    /// Tells the server no more bytes are coming and waits for its last byte: how a client
    /// knows a raw sink has read everything, as a final sync message does for qport.
    pub async fn finish_raw(mut self) -> io::Result<()> {
        self.stream.shutdown().await?;
        let mut done = [0u8; 1];
        self.stream.read_exact(&mut done).await?;
        Ok(())
    }

    /// Moves unread bytes to the front, growing the buffer only for a message larger than it.
    fn make_room(&mut self) {
        if self.consumed > 0 {
            self.buf.copy_within(self.consumed..self.filled, 0);
            self.filled -= self.consumed;
            self.consumed = 0;
        }
        if self.filled == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
    }
}

/// The length of the message at the start of `bytes` if all of it is there.
fn whole_message_len(bytes: &[u8]) -> io::Result<Option<usize>> {
    let Some(header) = bytes.first_chunk::<HEADER_LEN>() else {
        return Ok(None);
    };
    let header =
        Header::parse(header).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let len = usize::try_from(header.length).map_err(|_| io::ErrorKind::InvalidData)?;
    Ok((bytes.len() >= len).then_some(len))
}
