//! Close frames (RFC 6455 §5.5.1, §7.4): which codes may be sent, how a received payload is
//! read, how ours is written, and the code each protocol error closes with.

use qport_ws::close::{self, close_payload, is_valid_close_code, parse_close_payload, CloseFrame};
use qport_ws::error::ProtocolError;

#[test]
fn valid_close_codes_are_1000_to_1003_1007_to_1014_and_3000_to_4999() {
    for code in 0..=u16::MAX {
        let expected = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
        assert_eq!(is_valid_close_code(code), expected, "code {code}");
    }
}

#[test]
fn autobahn_valid_and_invalid_close_code_lists_agree() {
    // Autobahn 7.7.* sends these and expects a clean close.
    for code in [
        1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999,
    ] {
        assert!(is_valid_close_code(code), "{code}");
    }
    // Autobahn 7.9.* sends these and expects a protocol error.
    for code in [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999] {
        assert!(!is_valid_close_code(code), "{code}");
    }
    // Never sent: they report local events.
    for code in [close::NO_STATUS, close::ABNORMAL, 1015, 5000, u16::MAX] {
        assert!(!is_valid_close_code(code), "{code}");
    }
}

#[test]
fn empty_close_payload_has_no_code() {
    assert_eq!(parse_close_payload(b""), Ok(None));
}

#[test]
fn one_byte_close_payload_is_refused() {
    assert_eq!(
        parse_close_payload(&[0x03]),
        Err(ProtocolError::BadCloseLength)
    );
}

#[test]
fn close_payload_with_code_and_reason_is_read() {
    assert_eq!(
        parse_close_payload(&[0x03, 0xE8]),
        Ok(Some(CloseFrame {
            code: 1000,
            reason: String::new()
        }))
    );
    let mut payload = vec![0x0F, 0xA0]; // 4000
    payload.extend_from_slice("bye, κόσμε".as_bytes());
    assert_eq!(
        parse_close_payload(&payload),
        Ok(Some(CloseFrame {
            code: 4000,
            reason: "bye, κόσμε".into()
        }))
    );
}

#[test]
fn close_payload_with_a_code_that_may_not_be_sent_is_refused() {
    for code in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] {
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(b"reason");
        assert_eq!(
            parse_close_payload(&payload),
            Err(ProtocolError::InvalidCloseCode(code)),
            "{code}"
        );
    }
}

#[test]
fn close_reason_that_is_not_utf8_is_refused() {
    for reason in [
        &b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited"[..],
        b"\xff",
        b"truncated \xe2\x82",
    ] {
        let mut payload = vec![0x03, 0xE8];
        payload.extend_from_slice(reason);
        assert_eq!(
            parse_close_payload(&payload),
            Err(ProtocolError::InvalidUtf8)
        );
    }
}

#[test]
fn sent_close_payload_is_the_code_big_endian_then_the_reason() {
    assert_eq!(close_payload(1000, ""), [0x03, 0xE8]);
    assert_eq!(close_payload(1001, "going"), b"\x03\xE9going");
    let payload = close_payload(4999, "κόσμε");
    assert_eq!(
        parse_close_payload(&payload),
        Ok(Some(CloseFrame {
            code: 4999,
            reason: "κόσμε".into()
        }))
    );
}

#[test]
fn long_reasons_are_cut_to_fit_125_bytes_at_a_character_boundary() {
    let ascii = "a".repeat(200);
    let payload = close_payload(1000, &ascii);
    assert_eq!(payload.len(), 125);
    assert_eq!(&payload[2..], &ascii.as_bytes()[..123]);

    // Exactly 123 bytes of reason fit untouched.
    assert_eq!(close_payload(1000, &ascii[..123]).len(), 125);

    // 2-, 3- and 4-byte characters straddling the limit are dropped whole.
    for c in ['é', '€', '🎉'] {
        for prefix_len in 115..123 {
            let reason = format!("{}{}", "a".repeat(prefix_len), c.to_string().repeat(4));
            let payload = close_payload(1000, &reason);
            assert!(payload.len() <= 125);
            let Ok(Some(frame)) = parse_close_payload(&payload) else {
                panic!("cut reason is not a valid close payload: {payload:02x?}");
            };
            assert!(reason.starts_with(&frame.reason));
            // Nothing droppable was dropped: one more character would not fit.
            let next = reason[frame.reason.len()..].chars().next();
            if let Some(next) = next {
                assert!(payload.len() + next.len_utf8() > 125);
            }
        }
    }
}

#[test]
fn each_protocol_error_closes_with_its_code() {
    let cases = [
        (ProtocolError::ReservedOpcode(3), 1002),
        (ProtocolError::ReservedBits, 1002),
        (ProtocolError::FragmentedControl, 1002),
        (ProtocolError::ControlTooLong(126), 1002),
        (ProtocolError::LengthMsbSet, 1002),
        (ProtocolError::UnmaskedFromClient, 1002),
        (ProtocolError::MaskedFromServer, 1002),
        (ProtocolError::BadCloseLength, 1002),
        (ProtocolError::InvalidCloseCode(1005), 1002),
        (ProtocolError::InvalidUtf8, 1007),
        (ProtocolError::MessageTooBig { size: 2, max: 1 }, 1009),
        (ProtocolError::FrameTooBig { size: 2, max: 1 }, 1009),
        (ProtocolError::UnexpectedContinuation, 1002),
        (ProtocolError::ExpectedContinuation, 1002),
        (ProtocolError::BadCompressedData, 1002),
    ];
    for (error, code) in cases {
        assert_eq!(error.close_code(), code, "{error}");
        assert!(is_valid_close_code(error.close_code()));
    }
}
