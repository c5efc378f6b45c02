//! Arbitrary bytes as a compressed kdb+ IPC message, and as the payload of an
//! uncompressed one to compress.
//!
//! Decompression must never panic and what it gives must be a well-formed uncompressed
//! message that compresses back losslessly. Compression of any payload (framed in either
//! byte order) must decompress to exactly the original message, and when it compresses it
//! must fit in half the original. Decoding a compressed message (which decompresses a
//! message that is one big simple vector straight into the vector) must give what
//! decompressing it first and decoding that gives.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qport_wire::{
    compress_message, decode_message, decompress_message, Compression, DecodeLimits, Header,
    MessageKind, HEADER_LEN,
};

const MAX_MESSAGE_BYTES: u64 = 1 << 24;

fuzz_target!(|data: &[u8]| {
    let decompressed = decompress_message(data, MAX_MESSAGE_BYTES);
    if let Ok(plain) = &decompressed {
        check_decompressed(data, plain);
    }
    check_decoded_as_decompressed(data, decompressed);
    for big_endian in [false, true] {
        check_compress_roundtrip(&frame(data, big_endian));
    }
});

/// `data` decompressed to `plain`: its header must describe it, and it must round-trip.
fn check_decompressed(data: &[u8], plain: &[u8]) {
    let header = parse(plain).expect("decompressed message has a valid header");
    let original = parse(data).expect("a decompressed message had a valid header");
    assert_eq!(header.compression, Compression::None);
    assert_eq!(header.length, plain.len() as u64);
    assert_eq!(header.big_endian, original.big_endian);
    assert_eq!(header.kind, original.kind);
    assert!(plain.len() as u64 <= MAX_MESSAGE_BYTES);
    if let Some(packed) = compress_message(plain) {
        let back = decompress_message(&packed, plain.len() as u64)
            .expect("recompressed message decompresses");
        assert!(back == plain, "recompression lost data");
    }
}

/// Decoding `data` agrees with decoding what decompressing it gave: the same value, or an
/// error for both.
fn check_decoded_as_decompressed(
    data: &[u8],
    decompressed: Result<Vec<u8>, qport_wire::WireError>,
) {
    let limits = DecodeLimits::DEFAULT.with_max_message_bytes(MAX_MESSAGE_BYTES);
    let direct = decode_message(data, &limits);
    match decompressed {
        Ok(plain) => {
            let via_plain = decode_message(&plain, &limits);
            match (&direct, &via_plain) {
                (Ok(a), Ok(b)) => assert!(a == b, "decoded {a:?}, via decompression {b:?}"),
                (Err(_), Err(_)) => {}
                _ => panic!("decoded {direct:?}, via decompression {via_plain:?}"),
            }
        }
        Err(_) => assert!(
            direct.is_err() || parse(data).is_some_and(|h| h.compression == Compression::None),
            "a compressed message that does not decompress decoded: {direct:?}"
        ),
    }
}

/// A valid uncompressed async message carrying `payload`.
fn frame(payload: &[u8], big_endian: bool) -> Vec<u8> {
    let length = (HEADER_LEN + payload.len()) as u32;
    let mut message = Vec::with_capacity(HEADER_LEN + payload.len());
    if big_endian {
        message.extend_from_slice(&[0, MessageKind::Async as u8, 0, 0]);
        message.extend_from_slice(&length.to_be_bytes());
    } else {
        message.extend_from_slice(&[1, MessageKind::Async as u8, 0, 0]);
        message.extend_from_slice(&length.to_le_bytes());
    }
    message.extend_from_slice(payload);
    message
}

fn check_compress_roundtrip(message: &[u8]) {
    let Some(packed) = compress_message(message) else {
        return;
    };
    assert!(
        packed.len() <= message.len() / 2,
        "compressed {} bytes to {}, not within half",
        message.len(),
        packed.len()
    );
    let header = parse(&packed).expect("compressed message has a valid header");
    let original = parse(message).expect("framed message has a valid header");
    assert_eq!(header.compression, Compression::Compressed32);
    assert_eq!(header.length, packed.len() as u64);
    assert_eq!(header.big_endian, original.big_endian);
    assert_eq!(header.kind, original.kind);
    let back = decompress_message(&packed, message.len() as u64)
        .unwrap_or_else(|e| panic!("compressed message does not decompress: {e}"));
    assert!(
        back == message,
        "compression round trip changed the message"
    );
}

fn parse(message: &[u8]) -> Option<Header> {
    Header::parse(message.get(..HEADER_LEN)?.try_into().ok()?).ok()
}
