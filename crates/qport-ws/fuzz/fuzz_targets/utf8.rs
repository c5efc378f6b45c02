//! Arbitrary bytes as a text message fed in pieces: the first byte picks the cuts, the rest
//! is the text.
//!
//! The validator must agree with the standard library on the whole text, and fail exactly at
//! the piece holding the first byte after which no continuation could make the text valid
//! (or at `finish` when the text only ends mid-character). After `finish` it starts afresh.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qport_ws::utf8::Utf8Validator;

fuzz_target!(|data: &[u8]| {
    let Some((&seed, text)) = data.split_first() else {
        return;
    };
    let pieces = cut(text, seed);
    let expected = expected_failure(text, &pieces);
    let mut validator = Utf8Validator::new();
    let mut outcome = Ok(());
    for (i, piece) in pieces.iter().enumerate() {
        if validator.feed(piece).is_err() {
            outcome = Err(i);
            break;
        }
    }
    if outcome.is_ok() && validator.finish().is_err() {
        outcome = Err(pieces.len());
    }
    assert_eq!(outcome, expected, "pieces {pieces:02x?}");

    // Whatever happened, a reset validator takes a fresh valid message.
    validator.reset();
    assert!(validator.feed("κόσμε".as_bytes()).is_ok());
    assert!(validator.finish().is_ok());
});

/// Cuts `text` into pieces whose lengths cycle through 1 + (seed's bit pairs).
fn cut(text: &[u8], seed: u8) -> Vec<&[u8]> {
    let mut pieces = Vec::new();
    let mut rest = text;
    let mut shift = 0;
    while !rest.is_empty() {
        let len = if seed == 0 {
            rest.len()
        } else {
            usize::from(1 + ((seed >> shift) & 3)).min(rest.len())
        };
        shift = (shift + 2) % 8;
        let (piece, tail) = rest.split_at(len);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// `Ok(())` for valid text; otherwise the index of the piece whose feed must fail, or
/// `pieces.len()` when only `finish` may fail.
fn expected_failure(text: &[u8], pieces: &[&[u8]]) -> Result<(), usize> {
    match first_certain(text) {
        Some(n) => {
            let mut end = 0;
            for (i, piece) in pieces.iter().enumerate() {
                end += piece.len();
                if end >= n {
                    return Err(i);
                }
            }
            unreachable!("the pieces hold all of the text");
        }
        None if std::str::from_utf8(text).is_ok() => Ok(()),
        None => Err(pieces.len()),
    }
}

/// How many bytes of `text` must be seen before no continuation can make them valid: the
/// shortest prefix that the standard library refuses outright (not for ending early).
fn first_certain(text: &[u8]) -> Option<usize> {
    let refused =
        |n: usize| std::str::from_utf8(&text[..n]).is_err_and(|error| error.error_len().is_some());
    let error = std::str::from_utf8(text).err()?;
    error.error_len()?;
    // Every prefix up to the error's start is valid or ends mid-character; the character
    // starting there breaks within its 4 bytes.
    let start = error.valid_up_to();
    let found = (start + 1..=(start + 4).min(text.len())).find(|&n| refused(n));
    assert!(found.is_some(), "refused text with no refused prefix");
    found
}
