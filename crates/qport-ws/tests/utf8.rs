//! UTF-8 validation of text fed in pieces: valid text passes however it is split, and invalid
//! text fails at the first piece that makes it certainly invalid (Autobahn 6.*).

use proptest::prelude::*;
use qport_ws::error::ProtocolError;
use qport_ws::utf8::Utf8Validator;

/// "κόσμε", the Greek word Autobahn's UTF-8 cases start from.
const KOSME: &[u8] = b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";

const VALID_TEXTS: &[&str] = &[
    "",
    "Hello, world",
    "κόσμε",
    "Hello-µ@ßöäüàá-UTF-8!!",
    "hello\u{24}world hello\u{A2}world hello\u{20AC}world hello\u{24B62}world",
    "\u{0}\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}",
    "\u{D7FF}\u{E000}\u{FFFD}\u{FFFE}\u{FFFF}\u{10FFFE}",
    "日本語のテキストと🎉絵文字🚀, mixed with ASCII.",
];

/// The outcome of feeding `pieces` then finishing: `Ok(())`, or the index of the piece whose
/// feed failed (`pieces.len()` when only `finish` failed).
fn run(pieces: &[&[u8]]) -> Result<(), usize> {
    let mut validator = Utf8Validator::new();
    for (i, piece) in pieces.iter().enumerate() {
        if let Err(error) = validator.feed(piece) {
            assert_eq!(error, ProtocolError::InvalidUtf8);
            return Err(i);
        }
    }
    match validator.finish() {
        Ok(()) => Ok(()),
        Err(error) => {
            assert_eq!(error, ProtocolError::InvalidUtf8);
            Err(pieces.len())
        }
    }
}

/// How many bytes of `bytes` must be seen before it is certain they are not UTF-8: the
/// length of the shortest prefix that is neither valid nor the start of something valid.
/// `None` when every prefix could still be (or is) valid.
fn certain_after(bytes: &[u8]) -> Option<usize> {
    (1..=bytes.len()).find(|&n| match std::str::from_utf8(&bytes[..n]) {
        Ok(_) => false,
        Err(error) => error.error_len().is_some(),
    })
}

/// Feeds `bytes` one byte at a time and checks the failure comes exactly when it becomes
/// certain (or at `finish` for an unfinished character, or never for valid text).
fn check_byte_by_byte(bytes: &[u8]) {
    let pieces: Vec<&[u8]> = bytes.chunks(1).collect();
    let expected = match certain_after(bytes) {
        Some(n) => Err(n - 1),
        None if std::str::from_utf8(bytes).is_ok() => Ok(()),
        None => Err(bytes.len()),
    };
    assert_eq!(run(&pieces), expected, "bytes {bytes:02x?}");
}

#[test]
fn valid_text_passes_split_at_every_byte() {
    for text in VALID_TEXTS {
        let bytes = text.as_bytes();
        for at in 0..=bytes.len() {
            let (a, b) = bytes.split_at(at);
            assert_eq!(run(&[a, b]), Ok(()), "{text:?} split at {at}");
        }
    }
}

#[test]
fn valid_text_passes_split_at_every_pair_of_bytes() {
    for text in VALID_TEXTS {
        let bytes = text.as_bytes();
        for i in 0..=bytes.len() {
            for j in i..=bytes.len() {
                let pieces = [&bytes[..i], &bytes[i..j], &bytes[j..]];
                assert_eq!(run(&pieces), Ok(()), "{text:?} split at {i} and {j}");
            }
        }
    }
}

#[test]
fn valid_text_passes_byte_by_byte_and_with_empty_pieces() {
    for text in VALID_TEXTS {
        let mut pieces: Vec<&[u8]> = Vec::new();
        for byte in text.as_bytes().chunks(1) {
            pieces.push(b"");
            pieces.push(byte);
        }
        assert_eq!(run(&pieces), Ok(()), "{text:?}");
    }
}

#[test]
fn every_scalar_value_passes_in_every_split() {
    let mut buf = [0u8; 4];
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        for at in 0..=bytes.len() {
            let (a, b) = bytes.split_at(at);
            assert_eq!(run(&[b"x", a, b, b"y"]), Ok(()), "U+{:04X}", c as u32);
        }
    }
}

#[test]
fn fails_fast_on_code_point_past_u10ffff_in_the_second_fragment() {
    // Autobahn 6.4.1: κόσμε | F4 90 80 80 | "edited": the second piece is refused.
    let pieces: [&[u8]; 3] = [KOSME, b"\xf4\x90\x80\x80", b"edited"];
    assert_eq!(run(&pieces), Err(1));
}

#[test]
fn fails_fast_on_the_byte_that_goes_past_u10ffff() {
    // Autobahn 6.4.2: κόσμε F4 | 90 | 80 80 "edited": F4 alone could still be valid, F4 90
    // cannot.
    let mut first = KOSME.to_vec();
    first.push(0xF4);
    let pieces: [&[u8]; 3] = [&first, b"\x90", b"\x80\x80edited"];
    assert_eq!(run(&pieces), Err(1));
}

#[test]
fn fails_fast_in_the_middle_of_a_piece() {
    // The bad byte sits mid-piece and more (valid-looking) bytes follow it in that piece.
    let mut piece = KOSME.to_vec();
    piece.extend_from_slice(b"\xed\xa0\x80edited");
    assert_eq!(run(&[b"ok", &piece, b"more"]), Err(1));
}

#[test]
fn incomplete_prefixes_that_cannot_become_valid_fail_on_arrival() {
    let hopeless: &[&[u8]] = &[
        b"\xf4\x90",     // past U+10FFFF
        b"\xf4\x90\x80", // past U+10FFFF
        b"\xed\xa0",     // a UTF-16 surrogate
        b"\xed\xbf\xbf", // a UTF-16 surrogate (complete)
        b"\xe0\x80",     // overlong 3-byte form
        b"\xe0\x9f",     // overlong 3-byte form
        b"\xf0\x80",     // overlong 4-byte form
        b"\xf0\x8f",     // overlong 4-byte form
        b"\xc0",         // overlong 2-byte lead
        b"\xc1",         // overlong 2-byte lead
        b"\xf5",         // lead of code points past U+10FFFF
        b"\xff",         // never in UTF-8
    ];
    for bytes in hopeless {
        let mut validator = Utf8Validator::new();
        assert_eq!(validator.feed(KOSME), Ok(()));
        assert_eq!(
            validator.feed(bytes),
            Err(ProtocolError::InvalidUtf8),
            "{bytes:02x?}"
        );
    }
}

#[test]
fn incomplete_prefixes_that_can_still_become_valid_wait() {
    let hopeful: &[&[u8]] = &[
        b"\xc2",
        b"\xdf",
        b"\xe0\xa0",
        b"\xed\x9f",
        b"\xef\xbf",
        b"\xf0\x90",
        b"\xf0\x90\x80",
        b"\xf4\x8f\xbf",
    ];
    for bytes in hopeful {
        let mut validator = Utf8Validator::new();
        assert_eq!(validator.feed(bytes), Ok(()), "{bytes:02x?}");
        // Truncated at the end of the message: invalid then.
        assert_eq!(
            validator.finish(),
            Err(ProtocolError::InvalidUtf8),
            "{bytes:02x?}"
        );
    }
}

#[test]
fn classic_invalid_sequences_fail_at_their_first_certain_byte() {
    let invalid: &[&[u8]] = &[
        // κόσμε with a surrogate, and with a code point past U+10FFFF
        b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64",
        b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80\x65\x64\x69\x74\x65\x64",
        // 5- and 6-byte forms, and the 4-byte form past U+10FFFF
        b"\xf8\x88\x80\x80\x80",
        b"\xfc\x84\x80\x80\x80\x80",
        b"\xf7\xbf\xbf\xbf",
        b"\xf4\x90\x80\x80",
        // unexpected continuation bytes
        b"\x80",
        b"\xbf",
        b"\x80\xbf\x80\xbf",
        // lonely start bytes followed by a space
        b"\xc0 ",
        b"\xdf ",
        b"\xe0 ",
        b"\xef ",
        b"\xf0 ",
        b"\xf4 ",
        // sequences missing their last byte, then more text
        b"\xdf!",
        b"\xef\xbf!",
        b"\xf4\x8f\xbf!",
        // impossible bytes
        b"\xfe",
        b"\xff",
        b"\xfe\xfe\xff\xff",
        // overlong slashes, maximum overlongs, overlong NULs
        b"\xc0\xaf",
        b"\xe0\x80\xaf",
        b"\xf0\x80\x80\xaf",
        b"\xc1\xbf",
        b"\xe0\x9f\xbf",
        b"\xf0\x8f\xbf\xbf",
        b"\xc0\x80",
        b"\xe0\x80\x80",
        b"\xf0\x80\x80\x80",
        // single and paired surrogates
        b"\xed\xa0\x80",
        b"\xed\xad\xbf",
        b"\xed\xae\x80",
        b"\xed\xaf\xbf",
        b"\xed\xb0\x80",
        b"\xed\xbe\x80",
        b"\xed\xbf\xbf",
        b"\xed\xa0\x80\xed\xb0\x80",
        b"\xed\xaf\xbf\xed\xbf\xbf",
    ];
    for bytes in invalid {
        assert!(certain_after(bytes).is_some(), "{bytes:02x?} is invalid");
        check_byte_by_byte(bytes);
        // Whole, as one piece: refused by the feed itself, not only at the end.
        assert_eq!(run(&[bytes]), Err(0), "{bytes:02x?} in one piece");
    }
}

#[test]
fn truncated_sequences_fail_at_the_end_of_the_message() {
    let truncated: &[&[u8]] = &[
        b"\xdf",
        b"\xef\xbf",
        b"\xf4\x8f\xbf",
        b"hello \xe2\x82",
        b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce",
    ];
    for bytes in truncated {
        assert_eq!(certain_after(bytes), None);
        check_byte_by_byte(bytes);
        assert_eq!(run(&[bytes]), Err(1), "{bytes:02x?} in one piece");
    }
}

#[test]
fn finish_resets_for_the_next_message() {
    let mut validator = Utf8Validator::new();
    assert_eq!(validator.feed(b"\xe2\x82"), Ok(()));
    assert_eq!(validator.finish(), Err(ProtocolError::InvalidUtf8));
    // The dangling E2 82 is gone: a message starting with a continuation byte is invalid.
    assert_eq!(validator.feed(b"\xac"), Err(ProtocolError::InvalidUtf8));
    validator.reset();
    assert_eq!(validator.feed("κόσμε".as_bytes()), Ok(()));
    assert_eq!(validator.finish(), Ok(()));
    assert_eq!(validator.feed(b"abc"), Ok(()));
    assert_eq!(validator.finish(), Ok(()));
}

/// Bytes at the edges of UTF-8's ranges: ASCII, continuation bounds, every lead-byte class
/// boundary and the bytes that never occur.
const EDGE_BYTES: [u8; 24] = [
    0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
    0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF,
];

#[test]
fn every_sequence_of_up_to_four_edge_bytes_fails_exactly_when_certain() {
    let mut bytes = Vec::with_capacity(4);
    for len in 1..=4u32 {
        for n in 0..EDGE_BYTES.len().pow(len) {
            bytes.clear();
            let mut rest = n;
            for _ in 0..len {
                bytes.push(EDGE_BYTES[rest % EDGE_BYTES.len()]);
                rest /= EDGE_BYTES.len();
            }
            check_byte_by_byte(&bytes);
        }
    }
}

/// Mostly-UTF-8 bytes: pieces of valid text with a few arbitrary bytes mixed in.
fn text_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => any::<char>().prop_map(|c| c.to_string().into_bytes()),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #[test]
    fn pieces_fail_at_the_piece_holding_the_first_certain_byte(
        bytes in text_like_bytes(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut pieces = Vec::new();
        let mut start = 0;
        for &cut in &cuts {
            pieces.push(&bytes[start..cut]);
            start = cut;
        }
        pieces.push(&bytes[start..]);
        let expected = match certain_after(&bytes) {
            // The piece holding byte n - 1 (empty pieces before it do not count).
            Some(n) => Err(pieces
                .iter()
                .scan(0, |end, piece| { *end += piece.len(); Some(*end) })
                .position(|end| end >= n)
                .unwrap_or(pieces.len())),
            None if std::str::from_utf8(&bytes).is_ok() => Ok(()),
            None => Err(pieces.len()),
        };
        prop_assert_eq!(run(&pieces), expected);
    }
}
