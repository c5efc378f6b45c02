//! Arbitrary bytes as a stream of frames: headers parsed one after another, payloads skipped.
//!
//! Parsing must never panic. A parsed header lies within the bytes it was given, obeys the
//! rules `parse` enforces, and writes back to the same bytes when the input used the shortest
//! length encoding (to an equal header otherwise). Every shorter prefix of a header asks for
//! more bytes, and a refusal, once made, is the same for every longer prefix (a prefix never
//! gets a different answer than the whole). A masked payload unmasks as RFC 6455 defines it,
//! and the same in two pieces as whole; a Close payload that parses writes back to the same
//! bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qport_ws::close::{close_payload, parse_close_payload};
use qport_ws::frame::{encode_frame, FrameHeader, Opcode, MAX_HEADER_LEN};
use qport_ws::mask::apply_mask;

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    while !rest.is_empty() {
        check_prefixes(rest);
        match FrameHeader::parse(rest) {
            Ok(Some((header, header_len))) => {
                assert!(header_len <= rest.len());
                check_header(&header, &rest[..header_len]);
                let payload_len = usize::try_from(header.payload_len).unwrap_or(usize::MAX);
                let available = rest.len() - header_len;
                let payload = &rest[header_len..header_len + payload_len.min(available)];
                check_payload(&header, payload, payload_len <= available);
                if payload_len > available {
                    break;
                }
                rest = &rest[header_len + payload_len..];
            }
            Ok(None) => {
                assert!(
                    rest.len() < MAX_HEADER_LEN,
                    "a header never needs more than 14 bytes"
                );
                break;
            }
            Err(_) => break,
        }
    }
});

/// The answers for growing prefixes of `buf` go "need more" until one answer, a header or a
/// refusal, and then stay that answer.
fn check_prefixes(buf: &[u8]) {
    let mut settled = None;
    for end in 1..=buf.len().min(MAX_HEADER_LEN) {
        let answer = FrameHeader::parse(&buf[..end]);
        match (&settled, answer) {
            (None, Ok(None)) => {}
            (None, answer) => settled = Some(answer),
            (Some(earlier), answer) => assert_eq!(earlier, &answer, "prefix of {end} bytes"),
        }
    }
}

/// `header` was parsed from exactly `bytes`.
fn check_header(header: &FrameHeader, bytes: &[u8]) {
    assert!(header.payload_len < 1 << 63);
    if header.opcode.is_control() {
        assert!(header.fin && header.payload_len <= 125);
    }
    assert_eq!(header.mask.is_some(), bytes[1] & 0x80 != 0);

    let mut written = [0u8; MAX_HEADER_LEN];
    let len = header.write(&mut written);
    assert_eq!(len, header.len());
    let minimal = match bytes[1] & 0x7F {
        126 => header.payload_len >= 126,
        127 => header.payload_len > 0xFFFF,
        _ => true,
    };
    if minimal {
        assert_eq!(&written[..len], bytes, "header writes back to other bytes");
    } else {
        assert!(len < bytes.len());
        assert_eq!(
            FrameHeader::parse(&written[..len]),
            Ok(Some((*header, len))),
            "shortened header parses to another"
        );
    }
}

/// `payload` is the start of `header`'s payload, all of it when `whole`.
fn check_payload(header: &FrameHeader, payload: &[u8], whole: bool) {
    let mut unmasked = payload.to_vec();
    if let Some(key) = header.mask {
        apply_mask(&mut unmasked, key, 0);
        // As RFC 6455 defines it, whichever registers did the work.
        for (i, (byte, masked)) in unmasked.iter().zip(payload).enumerate() {
            assert_eq!(*byte, masked ^ key[i % 4], "unmasked byte {i}");
        }
        // In two pieces, cut where the payload's first byte says.
        let mut pieces = payload.to_vec();
        let cut = usize::from(payload.first().copied().unwrap_or(0)).min(pieces.len());
        let (a, b) = pieces.split_at_mut(cut);
        apply_mask(a, key, 0);
        apply_mask(b, key, cut);
        assert_eq!(pieces, unmasked, "masking in pieces differs");
    }
    if !whole {
        return;
    }
    if !header.rsv2 && !header.rsv3 {
        let mut frame = Vec::new();
        encode_frame(
            &mut frame,
            header.fin,
            header.rsv1,
            header.opcode,
            &unmasked,
            header.mask,
        );
        let parsed = FrameHeader::parse(&frame);
        assert_eq!(parsed, Ok(Some((*header, header.len()))));
        assert_eq!(&frame[header.len()..], payload, "encoded payload differs");
    }
    if header.opcode == Opcode::Close {
        if let Ok(Some(close)) = parse_close_payload(&unmasked) {
            assert_eq!(close_payload(close.code, &close.reason), unmasked);
        }
    }
}
