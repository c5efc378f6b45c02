//! Arbitrary bytes as compressed messages, in pieces, to permessage-deflate's inflater.
//!
//! The first byte picks the parameters; the rest is a run of pieces, each a length byte and
//! that many bytes, a zero length ending the message. Inflating must never panic, never give
//! a message over the 1 MiB cap, and give the same result whether a message comes in pieces
//! or whole. Where the chosen window inflates a message, a 15-bit one gives the same bytes (a
//! larger window reads anything a smaller one does). The raw bytes also round-trip through
//! the compressor with the same parameters.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qport_ws::deflate::{DeflateParams, Deflater, Inflater, Role};
use qport_ws::error::ProtocolError;

const CAP: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let bits = 8 + (selector & 7);
    let takeover_off = selector & 0x08 != 0;
    let role = if selector & 0x10 != 0 {
        Role::Server
    } else {
        Role::Client
    };
    let level = u32::from(selector >> 5);
    let params = DeflateParams {
        server_no_context_takeover: takeover_off,
        client_no_context_takeover: takeover_off,
        server_max_window_bits: bits,
        client_max_window_bits: bits,
    };
    let wide = DeflateParams {
        server_max_window_bits: 15,
        client_max_window_bits: 15,
        ..params
    };

    let mut pieced = Inflater::new(&params, role);
    let mut whole = Inflater::new(&params, role);
    let mut wider = Inflater::new(&wide, role);
    for message in messages(rest) {
        let by_pieces = inflate_pieces(&mut pieced, &message);
        let joined: Vec<u8> = message.concat();
        let at_once = inflate_pieces(&mut whole, &[joined.as_slice()]);
        assert_eq!(by_pieces, at_once, "pieces and whole disagree");
        let wide_result = inflate_pieces(&mut wider, &[joined.as_slice()]);
        match (&at_once, &wide_result) {
            (Ok(narrow), Ok(wide)) => assert_eq!(narrow, wide, "windows disagree"),
            (Ok(_), Err(e)) => panic!("a wider window refused what a narrower one read: {e}"),
            // The connection fails here; nothing after it is read.
            (Err(_), _) => break,
        }
    }

    let mut deflater = Deflater::new(&params, role_of_peer(role), level);
    let mut inflater = Inflater::new(&params, role);
    for message in rest.chunks(4096) {
        let mut packed = Vec::new();
        deflater.compress(message, &mut packed);
        let back = inflate_pieces(&mut inflater, &[packed.as_slice()]);
        assert_eq!(back.as_deref(), Ok(message), "compress round trip");
    }
});

/// Splits the input into messages of pieces: a length byte, that many bytes; 0 ends a message.
fn messages(mut rest: &[u8]) -> Vec<Vec<&[u8]>> {
    let mut all = Vec::new();
    let mut current: Vec<&[u8]> = Vec::new();
    while let Some((&len, tail)) = rest.split_first() {
        if len == 0 {
            all.push(std::mem::take(&mut current));
            rest = tail;
            continue;
        }
        let take = usize::from(len).min(tail.len());
        current.push(&tail[..take]);
        rest = &tail[take..];
    }
    if !current.is_empty() {
        all.push(current);
    }
    all
}

fn inflate_pieces(inflater: &mut Inflater, pieces: &[&[u8]]) -> Result<Vec<u8>, ProtocolError> {
    let mut out = Vec::new();
    for piece in pieces {
        let result = inflater.decompress(piece, &mut out, CAP);
        assert!(out.len() <= CAP, "inflated past the cap");
        result?;
    }
    let result = inflater.finish(&mut out, CAP);
    assert!(out.len() <= CAP, "inflated past the cap");
    result.map(|()| out)
}

fn role_of_peer(role: Role) -> Role {
    match role {
        Role::Server => Role::Client,
        Role::Client => Role::Server,
    }
}
