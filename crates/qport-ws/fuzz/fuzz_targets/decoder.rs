//! Arbitrary bytes as what a peer sends after the handshake, fed to the connection's
//! `Decoder` in pieces: the whole receive path (frame headers, unmasking, fragmentation,
//! inflation, UTF-8, close payloads, limits) never panics, never yields a message over
//! its limit, gives only valid UTF-8 as text, and reads nothing after a Close or an error.

#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use qport_ws::deflate::{DeflateParams, Role};
use qport_ws::protocol::{connection, Compression, Event, Limits, Message};

const LIMITS: Limits = Limits {
    max_frame: 1 << 16,
    max_message: 1 << 17,
};

fuzz_target!(|data: &[u8]| {
    let Some((&control, bytes)) = data.split_first() else {
        return;
    };
    // The first byte picks the role, deflate and its windows, and the piece size.
    let role = if control & 1 == 0 { Role::Server } else { Role::Client };
    let compression = (control & 2 != 0).then(|| Compression {
        params: DeflateParams {
            server_no_context_takeover: control & 4 != 0,
            client_no_context_takeover: control & 8 != 0,
            server_max_window_bits: 8 + (control >> 5),
            client_max_window_bits: 15 - (control >> 5),
        },
        level: 1,
        threshold: 0,
    });
    let piece = usize::from(control >> 4).max(1);
    let (mut decoder, _) = connection(role, LIMITS, compression);
    let mut buf = BytesMut::new();
    let mut ended = false;
    for chunk in bytes.chunks(piece) {
        buf.extend_from_slice(chunk);
        loop {
            match decoder.read(&mut buf) {
                Ok(Some(event)) => {
                    assert!(!ended, "an event after a Close or an error");
                    match event {
                        Event::Message(Message::Text(text)) => {
                            assert!(text.len() <= LIMITS.max_message);
                            assert!(std::str::from_utf8(&text).is_ok(), "text is UTF-8");
                        }
                        Event::Message(Message::Binary(bytes)) => {
                            assert!(bytes.len() <= LIMITS.max_message);
                        }
                        Event::Ping(payload) | Event::Pong(payload) => assert!(payload.len() <= 125),
                        Event::Close(_) => ended = true,
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    ended = true;
                    break;
                }
            }
        }
    }
});
