//! The connect handshake as clients send it: one test per form and per refusal, then
//! properties over arbitrary bytes.

use proptest::prelude::*;
use qport_wire::{Capability, Handshake, WireError, MAX_HANDSHAKE_LEN};

/// Parses a complete handshake, failing the test if it is incomplete or refused.
fn parse(bytes: &[u8]) -> (Handshake, usize) {
    match Handshake::parse(bytes, MAX_HANDSHAKE_LEN) {
        Ok(Some(parsed)) => parsed,
        other => panic!("{bytes:?} did not parse: {other:?}"),
    }
}

fn handshake(user: &[u8], password: Option<&[u8]>, capability: u8, legacy: bool) -> Handshake {
    Handshake {
        user: user.to_vec(),
        password: password.map(<[u8]>::to_vec),
        capability: Capability::new(capability),
        legacy,
    }
}

#[test]
fn user_password_and_capability() {
    assert_eq!(
        parse(b"alice:secret\x06\x00"),
        (handshake(b"alice", Some(b"secret"), 6, false), 14)
    );
}

#[test]
fn capability_three_as_qpython_and_javakdb_send() {
    let (parsed, _) = parse(b"bob:pw\x03\x00");
    assert_eq!(parsed.capability, Capability::V3_0);
    assert!(!parsed.legacy);
}

#[test]
fn capability_one_is_read() {
    let (parsed, _) = parse(b"u:p\x01\x00");
    assert_eq!(parsed.capability, Capability::V2_6);
}

#[test]
fn legacy_without_capability_byte_is_all_credentials() {
    assert_eq!(
        parse(b"user:pass\x00"),
        (handshake(b"user", Some(b"pass"), 0, true), 10)
    );
}

#[test]
fn legacy_retry_as_qpython_sends_it() {
    let (parsed, _) = parse(b"bad:x\x00");
    assert_eq!(parsed, handshake(b"bad", Some(b"x"), 0, true));
}

#[test]
fn empty_handshake_is_legacy_with_empty_user() {
    assert_eq!(parse(b"\x00"), (handshake(b"", None, 0, true), 1));
}

#[test]
fn capability_only_has_empty_user_and_no_password() {
    assert_eq!(parse(b"\x06\x00"), (handshake(b"", None, 6, false), 2));
}

#[test]
fn empty_user_and_empty_password_as_qpython_sends_without_credentials() {
    let (parsed, _) = parse(b":\x03\x00");
    assert_eq!(parsed, handshake(b"", Some(b""), 3, false));
    assert_eq!(parsed.password_text(), "");
}

#[test]
fn empty_user_with_password() {
    let (parsed, _) = parse(b":secret\x03\x00");
    assert_eq!(parsed, handshake(b"", Some(b"secret"), 3, false));
}

#[test]
fn user_without_colon_has_no_password() {
    let (parsed, _) = parse(b"alice\x03\x00");
    assert_eq!(parsed, handshake(b"alice", None, 3, false));
    assert_eq!(parsed.password, None);
}

#[test]
fn trailing_colon_is_an_empty_password() {
    let (parsed, _) = parse(b"alice:\x03\x00");
    assert_eq!(parsed.password, Some(Vec::new()));
}

#[test]
fn only_the_first_colon_splits_user_from_password() {
    let (parsed, _) = parse(b"alice:a:b::c\x06\x00");
    assert_eq!(parsed.user, b"alice");
    assert_eq!(parsed.password.as_deref(), Some(&b"a:b::c"[..]));
}

#[test]
fn utf8_user_and_password_as_text() {
    let (parsed, _) = parse("zoë:pässword\x06\x00".as_bytes());
    assert_eq!(parsed.user_text(), "zoë");
    assert_eq!(parsed.password_text(), "pässword");
}

#[test]
fn invalid_utf8_is_replaced_in_text_and_kept_in_bytes() {
    let (parsed, _) = parse(b"\xffu:p\xfe\x03\x00");
    assert_eq!(parsed.user, b"\xffu");
    assert_eq!(parsed.user_text(), "\u{fffd}u");
    assert_eq!(parsed.password_text(), "p\u{fffd}");
}

#[test]
fn high_byte_before_nul_is_a_credential_not_a_capability() {
    let (parsed, _) = parse("u:pé\x00".as_bytes());
    assert!(parsed.legacy);
    assert_eq!(parsed.password_text(), "pé");
}

#[test]
fn capability_byte_seven_clamps_to_six() {
    let (parsed, _) = parse(b"u:p\x07\x00");
    assert_eq!(parsed.capability, Capability::LONG_VECTORS);
    assert!(!parsed.legacy);
}

#[test]
fn capability_byte_0x1f_clamps_to_six() {
    let (parsed, _) = parse(b"u:p\x1f\x00");
    assert_eq!(parsed.capability, Capability::LONG_VECTORS);
    assert_eq!(parsed.user, b"u");
    assert_eq!(parsed.password.as_deref(), Some(&b"p"[..]));
}

#[test]
fn space_before_nul_is_a_credential() {
    let (parsed, _) = parse(b"u:p \x00");
    assert!(parsed.legacy);
    assert_eq!(parsed.password.as_deref(), Some(&b"p "[..]));
}

#[test]
fn no_nul_yet_asks_for_more() {
    assert_eq!(Handshake::parse(b"", MAX_HANDSHAKE_LEN), Ok(None));
    assert_eq!(
        Handshake::parse(b"alice:secret\x06", MAX_HANDSHAKE_LEN),
        Ok(None)
    );
}

#[test]
fn one_byte_short_of_the_limit_asks_for_more() {
    let bytes = vec![b'a'; MAX_HANDSHAKE_LEN - 1];
    assert_eq!(Handshake::parse(&bytes, MAX_HANDSHAKE_LEN), Ok(None));
}

#[test]
fn nul_as_the_last_allowed_byte_is_accepted() {
    let mut bytes = vec![b'a'; MAX_HANDSHAKE_LEN - 1];
    bytes.push(0);
    let (parsed, consumed) = parse(&bytes);
    assert_eq!(consumed, MAX_HANDSHAKE_LEN);
    assert_eq!(parsed.user.len(), MAX_HANDSHAKE_LEN - 1);
}

#[test]
fn limit_reached_without_nul_is_too_long() {
    let bytes = vec![b'a'; MAX_HANDSHAKE_LEN];
    let error = Handshake::parse(&bytes, MAX_HANDSHAKE_LEN).unwrap_err();
    assert_eq!(error, WireError::HandshakeTooLong(MAX_HANDSHAKE_LEN));
    assert_eq!(error.q_text(), "access");
}

#[test]
fn nul_beyond_the_limit_is_too_long() {
    let mut bytes = vec![b'a'; MAX_HANDSHAKE_LEN];
    bytes.push(0);
    assert_eq!(
        Handshake::parse(&bytes, MAX_HANDSHAKE_LEN),
        Err(WireError::HandshakeTooLong(MAX_HANDSHAKE_LEN))
    );
}

#[test]
fn smaller_limit_is_honoured() {
    assert_eq!(
        Handshake::parse(b"alice:secret\x06\x00", 8),
        Err(WireError::HandshakeTooLong(8))
    );
    assert!(matches!(
        Handshake::parse(b"a:b\x06\x00", 5),
        Ok(Some((_, 5)))
    ));
}

#[test]
fn bytes_after_the_nul_are_not_consumed() {
    // A client may send its first message right behind the handshake.
    let bytes = b"alice:secret\x06\x00\x01\x01\x00\x00\x0a\x00\x00\x00";
    let (parsed, consumed) = parse(bytes);
    assert_eq!(consumed, 14);
    assert_eq!(&bytes[consumed..], b"\x01\x01\x00\x00\x0a\x00\x00\x00");
    assert_eq!(parsed.password.as_deref(), Some(&b"secret"[..]));
}

#[test]
fn reply_is_the_lower_capability() {
    let (parsed, _) = parse(b"u:p\x06\x00");
    assert_eq!(parsed.common_capability(Capability::V3_0), Capability::V3_0);
    let (parsed, _) = parse(b"u:p\x03\x00");
    assert_eq!(
        parsed.common_capability(Capability::LONG_VECTORS),
        Capability::V3_0
    );
    let (legacy, _) = parse(b"u:p\x00");
    assert_eq!(legacy.common_capability(Capability::MAX).byte(), 0);
}

#[test]
fn to_bytes_writes_what_a_client_sends() {
    assert_eq!(
        handshake(b"alice", Some(b"secret"), 6, false).to_bytes(),
        b"alice:secret\x06\x00"
    );
    assert_eq!(
        handshake(b"alice", None, 3, false).to_bytes(),
        b"alice\x03\x00"
    );
    assert_eq!(handshake(b"", Some(b""), 3, false).to_bytes(), b":\x03\x00");
    assert_eq!(
        handshake(b"user", Some(b"pass"), 0, true).to_bytes(),
        b"user:pass\x00"
    );
    assert_eq!(handshake(b"", None, 0, true).to_bytes(), b"\x00");
}

#[test]
fn round_trip_to_bytes_then_parse() {
    for original in [
        handshake(b"alice", Some(b"secret"), 6, false),
        handshake(b"alice", Some(b"a:b"), 5, false),
        handshake(b"", Some(b""), 3, false),
        handshake(b"javauser", None, 3, false),
        handshake(b"user", Some(b"pass"), 0, true),
        handshake(b"", None, 0, true),
    ] {
        let bytes = original.to_bytes();
        assert_eq!(parse(&bytes), (original, bytes.len()));
    }
}

/// Credential bytes: no NUL, and (for the user) no colon.
fn credential_bytes(allow_colon: bool) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(1u8..=255, 0..64).prop_map(move |bytes| {
        bytes
            .into_iter()
            .filter(|&b| allow_colon || b != b':')
            .collect()
    })
}

proptest! {
    #[test]
    fn parse_never_panics_and_consumes_through_a_nul(
        // Half the inputs hold no NUL at all, so the "read more" and "too long" paths run.
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2048),
            prop::collection::vec(1u8..=255, 0..2048),
        ],
        max_len in 0usize..1100,
    ) {
        match Handshake::parse(&bytes, max_len) {
            Ok(Some((_, consumed))) => {
                prop_assert!(consumed >= 1 && consumed <= bytes.len() && consumed <= max_len);
                prop_assert_eq!(bytes[consumed - 1], 0);
                prop_assert!(!bytes[..consumed - 1].contains(&0));
            }
            Ok(None) => {
                prop_assert!(bytes.len() < max_len);
                prop_assert!(!bytes.contains(&0));
            }
            Err(error) => {
                prop_assert_eq!(error, WireError::HandshakeTooLong(max_len));
                prop_assert!(bytes.len() >= max_len);
                prop_assert!(!bytes[..max_len].contains(&0));
            }
        }
    }

    #[test]
    fn to_bytes_then_parse_is_identity(
        user in credential_bytes(false),
        password in prop::option::of(credential_bytes(true)),
        capability in 1u8..=6,
    ) {
        let original = Handshake {
            user,
            password,
            capability: Capability::new(capability),
            legacy: false,
        };
        let bytes = original.to_bytes();
        prop_assert_eq!(
            Handshake::parse(&bytes, MAX_HANDSHAKE_LEN),
            Ok(Some((original, bytes.len())))
        );
    }

    #[test]
    fn legacy_to_bytes_then_parse_is_identity_when_the_last_byte_is_printable(
        user in credential_bytes(false),
        password in prop::option::of(credential_bytes(true)),
    ) {
        let original = Handshake { user, password, capability: Capability::V2_5, legacy: true };
        let bytes = original.to_bytes();
        // A legacy line whose last byte is a control byte would read as a capability.
        prop_assume!(bytes.len() < 2 || bytes[bytes.len() - 2] >= 0x20);
        prop_assert_eq!(
            Handshake::parse(&bytes, MAX_HANDSHAKE_LEN),
            Ok(Some((original, bytes.len())))
        );
    }

    #[test]
    fn any_prefix_before_the_nul_asks_for_more(
        user in credential_bytes(false),
        password in prop::option::of(credential_bytes(true)),
        capability in 1u8..=6,
        split in any::<prop::sample::Index>(),
    ) {
        let bytes = Handshake {
            user,
            password,
            capability: Capability::new(capability),
            legacy: false,
        }
        .to_bytes();
        let cut = split.index(bytes.len());
        prop_assert_eq!(Handshake::parse(&bytes[..cut], MAX_HANDSHAKE_LEN), Ok(None));
        prop_assert!(matches!(Handshake::parse(&bytes, MAX_HANDSHAKE_LEN), Ok(Some(_))));
    }
}
