//! Arbitrary bytes as the first bytes a client sends: the connect handshake.
//!
//! Parsing must never panic under any limit. A parsed handshake consumes bytes up to and
//! including the first NUL, which lies within the limit; "read more" means no NUL yet and
//! fewer bytes than the limit; "too long" means the limit was reached without a NUL.
//! Every limit that admits the NUL gives the same handshake, and writing a parsed handshake
//! back and parsing that gives it again (byte for byte unless the capability was clamped).

#![no_main]

use libfuzzer_sys::fuzz_target;
use qport_wire::{Handshake, WireError, MAX_HANDSHAKE_LEN};

const MAX_LENS: [usize; 7] = [0, 1, 2, 16, 255, MAX_HANDSHAKE_LEN, usize::MAX];

fuzz_target!(|data: &[u8]| {
    let first_nul = data.iter().position(|&b| b == 0);
    let mut agreed: Option<(Handshake, usize)> = None;
    for max_len in MAX_LENS {
        match Handshake::parse(data, max_len) {
            Ok(Some((handshake, consumed))) => {
                assert!(consumed <= data.len() && consumed <= max_len);
                assert_eq!(
                    Some(consumed - 1),
                    first_nul,
                    "consumed through the first NUL"
                );
                check_round_trip(&handshake, &data[..consumed]);
                if let Some(earlier) = &agreed {
                    assert_eq!(earlier, &(handshake, consumed), "limits disagree");
                } else {
                    agreed = Some((handshake, consumed));
                }
            }
            Ok(None) => {
                assert!(data.len() < max_len);
                assert_eq!(first_nul, None);
            }
            Err(error) => {
                assert_eq!(error, WireError::HandshakeTooLong(max_len));
                assert!(data.len() >= max_len);
                assert!(first_nul.is_none_or(|nul| nul >= max_len));
            }
        }
    }
});

/// `handshake` was parsed from `line` (NUL included).
fn check_round_trip(handshake: &Handshake, line: &[u8]) {
    let bytes = handshake.to_bytes();
    let again = Handshake::parse(&bytes, usize::MAX).expect("written handshake is not refused");
    assert_eq!(again, Some((handshake.clone(), bytes.len())));
    let clamped = line.len() >= 2 && (7..0x20).contains(&line[line.len() - 2]);
    if !clamped {
        assert!(bytes == line, "writing back changed the bytes");
    }
}
