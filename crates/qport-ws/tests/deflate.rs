//! permessage-deflate against RFC 7692: the negotiation table (and the offers Autobahn's
//! sections 12 and 13 make), the RFC's example bytes, round trips over every window and
//! context-takeover combination, the inflate cap and corrupt data.

use proptest::prelude::*;
use qport_ws::deflate::{
    accept_response, client_offer, negotiate, DeflateConfig, DeflateParams, Deflater, Inflater,
    Role,
};
use qport_ws::error::ProtocolError;
use qport_ws::handshake::HandshakeError;

const MAX: usize = 1 << 20;

fn params(snct: bool, cnct: bool, server_bits: u8, client_bits: u8) -> DeflateParams {
    DeflateParams {
        server_no_context_takeover: snct,
        client_no_context_takeover: cnct,
        server_max_window_bits: server_bits,
        client_max_window_bits: client_bits,
    }
}

fn answer(offers: &str) -> Option<(DeflateParams, String)> {
    negotiate(offers, &DeflateConfig::default())
}

/// Inflates one whole message.
fn inflate(inflater: &mut Inflater, compressed: &[u8]) -> Result<Vec<u8>, ProtocolError> {
    let mut out = Vec::new();
    inflater.decompress(compressed, &mut out, MAX)?;
    inflater.finish(&mut out, MAX)?;
    Ok(out)
}

fn compress(deflater: &mut Deflater, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    deflater.compress(payload, &mut out);
    out
}

// ---------------------------------------------------------------------------------------
// Negotiation, server side.

#[test]
fn negotiation_table_with_the_default_policy() {
    let d = params(false, false, 15, 15);
    let table: &[(&str, Option<(DeflateParams, &str)>)] = &[
        ("permessage-deflate", Some((d, "permessage-deflate"))),
        ("Permessage-Deflate", Some((d, "permessage-deflate"))),
        // Chrome, Firefox-less browsers, websockets, ws: the bare "I support it" form.
        (
            "permessage-deflate; client_max_window_bits",
            Some((d, "permessage-deflate")),
        ),
        // A hint from the client: it will use at most 10; we say so.
        (
            "permessage-deflate; client_max_window_bits=10",
            Some((
                params(false, false, 15, 10),
                "permessage-deflate; client_max_window_bits=10",
            )),
        ),
        (
            "permessage-deflate; client_max_window_bits=\"12\"",
            Some((
                params(false, false, 15, 12),
                "permessage-deflate; client_max_window_bits=12",
            )),
        ),
        (
            "permessage-deflate; server_no_context_takeover",
            Some((
                params(true, false, 15, 15),
                "permessage-deflate; server_no_context_takeover",
            )),
        ),
        // The client's own no-context-takeover is a hint: kept out of the answer.
        (
            "permessage-deflate; client_no_context_takeover",
            Some((d, "permessage-deflate")),
        ),
        (
            "permessage-deflate; server_max_window_bits=8",
            Some((
                params(false, false, 8, 15),
                "permessage-deflate; server_max_window_bits=8",
            )),
        ),
        (
            "permessage-deflate; server_max_window_bits=15",
            Some((d, "permessage-deflate; server_max_window_bits=15")),
        ),
        (
            "permessage-deflate;server_max_window_bits=9;server_no_context_takeover",
            Some((
                params(true, false, 9, 15),
                "permessage-deflate; server_no_context_takeover; server_max_window_bits=9",
            )),
        ),
        // Refused offers.
        ("permessage-deflate; server_max_window_bits", None),
        ("permessage-deflate; server_max_window_bits=7", None),
        ("permessage-deflate; server_max_window_bits=16", None),
        ("permessage-deflate; server_max_window_bits=010", None),
        ("permessage-deflate; server_max_window_bits=1a", None),
        ("permessage-deflate; server_max_window_bits=\"10", None),
        ("permessage-deflate; client_max_window_bits=0", None),
        ("permessage-deflate; client_max_window_bits=", None),
        ("permessage-deflate; server_no_context_takeover=1", None),
        ("permessage-deflate; client_no_context_takeover=true", None),
        (
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            None,
        ),
        (
            "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
            None,
        ),
        (
            "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
            None,
        ),
        ("permessage-deflate; mem_level=8", None),
        ("permessage-deflate;", None),
        ("x-webkit-deflate-frame", None),
        ("", None),
    ];
    for (offer, expected) in table {
        let got = answer(offer);
        let expected = expected.map(|(p, s)| (p, s.to_owned()));
        assert_eq!(got, expected, "offer {offer:?}");
    }
}

#[test]
fn takes_the_first_acceptable_of_several_offers() {
    let offers = "x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=99, \
                  permessage-deflate; server_max_window_bits=10; client_max_window_bits, \
                  permessage-deflate";
    assert_eq!(
        answer(offers),
        Some((
            params(false, false, 10, 15),
            "permessage-deflate; server_max_window_bits=10".to_owned()
        ))
    );
    // A quoted value may hold what would otherwise separate offers.
    let quoted = "foo; bar=\"a,b;c\", permessage-deflate";
    assert_eq!(
        answer(quoted).map(|(p, _)| p),
        Some(params(false, false, 15, 15))
    );
}

#[test]
fn applies_the_servers_policy() {
    let config = DeflateConfig {
        server_no_context_takeover: true,
        server_max_window_bits: 11,
        client_max_window_bits: 10,
        ..DeflateConfig::default()
    };
    let table: &[(&str, DeflateParams, &str)] = &[
        (
            "permessage-deflate",
            params(true, false, 11, 15),
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=11",
        ),
        (
            "permessage-deflate; client_max_window_bits",
            params(true, false, 11, 10),
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=11; \
             client_max_window_bits=10",
        ),
        (
            "permessage-deflate; client_max_window_bits=9; server_max_window_bits=13",
            params(true, false, 11, 9),
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=11; \
             client_max_window_bits=9",
        ),
        (
            "permessage-deflate; server_max_window_bits=8",
            params(true, false, 8, 15),
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=8",
        ),
    ];
    for (offer, expected_params, expected_answer) in table {
        let (got_params, got_answer) = negotiate(offer, &config).expect("accepted");
        assert_eq!(got_params, *expected_params, "offer {offer:?}");
        assert_eq!(got_answer, *expected_answer, "offer {offer:?}");
    }
    // A client is never asked for 8 bits it did not offer: zlib clients cannot deflate so.
    let eight = DeflateConfig {
        client_max_window_bits: 8,
        ..DeflateConfig::default()
    };
    let table: &[(&str, u8, &str)] = &[
        (
            "permessage-deflate; client_max_window_bits",
            9,
            "permessage-deflate; client_max_window_bits=9",
        ),
        (
            "permessage-deflate; client_max_window_bits=8",
            8,
            "permessage-deflate; client_max_window_bits=8",
        ),
    ];
    for (offer, bits, expected_answer) in table {
        let (got_params, got_answer) = negotiate(offer, &eight).expect("accepted");
        assert_eq!(got_params.client_max_window_bits, *bits, "offer {offer:?}");
        assert_eq!(got_answer, *expected_answer, "offer {offer:?}");
    }
    let off = DeflateConfig {
        enabled: false,
        ..DeflateConfig::default()
    };
    assert_eq!(negotiate("permessage-deflate", &off), None);
}

/// What Autobahn|Testsuite's client (autobahn 0.10.9) offers in sections 12 and 13, and what
/// we answer. Its offers always carry `client_no_context_takeover; client_max_window_bits`
/// ("the client accepts them"); its response parser takes any answer with values 8..=15.
#[test]
fn accepts_every_autobahn_12_and_13_offer() {
    let base = "permessage-deflate; client_no_context_takeover; client_max_window_bits";
    let cases: &[(&str, String, DeflateParams, &str)] = &[
        (
            "12.* and 13.1",
            base.to_owned(),
            params(false, false, 15, 15),
            "permessage-deflate",
        ),
        (
            "13.2",
            format!("{base}; server_no_context_takeover"),
            params(true, false, 15, 15),
            "permessage-deflate; server_no_context_takeover",
        ),
        (
            "13.3",
            format!("{base}; server_max_window_bits=8"),
            params(false, false, 8, 15),
            "permessage-deflate; server_max_window_bits=8",
        ),
        (
            "13.4",
            format!("{base}; server_max_window_bits=15"),
            params(false, false, 15, 15),
            "permessage-deflate; server_max_window_bits=15",
        ),
        (
            "13.5",
            format!("{base}; server_no_context_takeover; server_max_window_bits=8"),
            params(true, false, 8, 15),
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=8",
        ),
        (
            "13.6",
            format!("{base}; server_no_context_takeover; server_max_window_bits=15"),
            params(true, false, 15, 15),
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=15",
        ),
        (
            "13.7",
            format!(
                "{base}; server_no_context_takeover; server_max_window_bits=8, \
                 {base}; server_no_context_takeover, {base}"
            ),
            params(true, false, 8, 15),
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=8",
        ),
    ];
    for (case, offer, expected_params, expected_answer) in cases {
        let (got_params, got_answer) = answer(offer).unwrap_or_else(|| panic!("{case} refused"));
        assert_eq!(got_params, *expected_params, "{case}");
        assert_eq!(got_answer, *expected_answer, "{case}");
        // The answer, read back by a client that offered the same, gives the same params.
        let echoed = accept_response(&got_answer, &client_config_for(&got_params));
        assert_eq!(echoed, Ok(got_params), "{case}");
    }
}

/// A client policy whose offer a server would answer with `params`.
fn client_config_for(params: &DeflateParams) -> DeflateConfig {
    DeflateConfig {
        server_no_context_takeover: params.server_no_context_takeover,
        server_max_window_bits: params.server_max_window_bits,
        ..DeflateConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Negotiation, client side.

#[test]
fn client_offers_what_its_policy_says() {
    assert_eq!(
        client_offer(&DeflateConfig::default()),
        "permessage-deflate; client_max_window_bits"
    );
    let config = DeflateConfig {
        server_no_context_takeover: true,
        server_max_window_bits: 10,
        client_max_window_bits: 12,
        ..DeflateConfig::default()
    };
    assert_eq!(
        client_offer(&config),
        "permessage-deflate; client_max_window_bits=12; server_no_context_takeover; \
         server_max_window_bits=10"
    );
    let off = DeflateConfig {
        enabled: false,
        ..DeflateConfig::default()
    };
    assert_eq!(client_offer(&off), "");
}

#[test]
fn client_accepts_valid_answers() {
    let config = DeflateConfig::default();
    let table: &[(&str, DeflateParams)] = &[
        ("permessage-deflate", params(false, false, 15, 15)),
        (
            "permessage-deflate; client_max_window_bits=8",
            params(false, false, 15, 8),
        ),
        (
            "permessage-deflate; client_no_context_takeover; server_no_context_takeover",
            params(true, true, 15, 15),
        ),
        (
            "permessage-deflate; server_max_window_bits=9",
            params(false, false, 9, 15),
        ),
    ];
    for (response, expected) in table {
        assert_eq!(
            accept_response(response, &config),
            Ok(*expected),
            "{response:?}"
        );
    }
    // What we offered must come back, at or under what we offered.
    let strict = DeflateConfig {
        server_no_context_takeover: true,
        server_max_window_bits: 10,
        client_max_window_bits: 12,
        ..DeflateConfig::default()
    };
    assert_eq!(
        accept_response(
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=9",
            &strict
        ),
        Ok(params(true, false, 9, 12))
    );
}

#[test]
fn client_refuses_invalid_answers() {
    let config = DeflateConfig::default();
    let strict = DeflateConfig {
        server_no_context_takeover: true,
        server_max_window_bits: 10,
        client_max_window_bits: 12,
        ..DeflateConfig::default()
    };
    let bad: &[(&str, &DeflateConfig)] = &[
        ("", &config),
        ("permessage-deflate, permessage-deflate", &config),
        ("permessage-deflate; client_max_window_bits", &config),
        ("permessage-deflate; client_max_window_bits=16", &config),
        ("permessage-deflate; server_max_window_bits=7", &config),
        ("permessage-deflate; server_max_window_bits", &config),
        ("permessage-deflate; mem_level=8", &config),
        (
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            &config,
        ),
        // Asked for and not granted, or granted above what was offered.
        ("permessage-deflate; server_max_window_bits=10", &strict),
        (
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=11",
            &strict,
        ),
        (
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; \
             client_max_window_bits=13",
            &strict,
        ),
    ];
    for (response, config) in bad {
        assert!(
            matches!(
                accept_response(response, config),
                Err(HandshakeError::BadDeflateResponse(_))
            ),
            "{response:?}"
        );
    }
    assert_eq!(
        accept_response("x-webkit-deflate-frame", &config),
        Err(HandshakeError::UnexpectedExtension(
            "x-webkit-deflate-frame".to_owned()
        ))
    );
}

#[test]
fn client_offer_and_server_answer_agree() {
    for snct in [false, true] {
        for server_bits in 8..=15 {
            for client_bits in 8..=15 {
                let config = DeflateConfig {
                    server_no_context_takeover: snct,
                    server_max_window_bits: server_bits,
                    client_max_window_bits: client_bits,
                    ..DeflateConfig::default()
                };
                let offer = client_offer(&config);
                let (server_params, answer) =
                    negotiate(&offer, &DeflateConfig::default()).expect("accepted");
                let client_params = accept_response(&answer, &config).expect("valid answer");
                assert_eq!(
                    server_params, client_params,
                    "offer {offer:?}, answer {answer:?}"
                );
                assert_eq!(client_params, params(snct, false, server_bits, client_bits));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// RFC 7692 §7.2.3's examples.

#[test]
fn compresses_hello_as_rfc_7692_shows() {
    let p = DeflateParams::default();
    let mut deflater = Deflater::new(&p, Role::Server, 1);
    assert_eq!(
        compress(&mut deflater, b"Hello"),
        [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]
    );
    // §7.2.3.2: the same again, with the window shared, is a single back-reference. zlib
    // codes it in 4 bytes where the RFC shows 5; both inflate to "Hello".
    let again = compress(&mut deflater, b"Hello");
    assert_eq!(again, [0x02, 0x13, 0x00, 0x00]);
    let mut inflater = Inflater::new(&p, Role::Client);
    assert_eq!(
        inflate(&mut inflater, &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]).expect("first"),
        b"Hello"
    );
    assert_eq!(inflate(&mut inflater, &again).expect("second"), b"Hello");
}

#[test]
fn inflates_rfc_7692_examples() {
    let p = DeflateParams::default();
    let hello: &[u8] = &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    let mut inflater = Inflater::new(&p, Role::Client);
    assert_eq!(inflate(&mut inflater, hello).expect("7.2.3.1"), b"Hello");
    // 7.2.3.2: the second message refers back into the first.
    let again: &[u8] = &[0xf2, 0x00, 0x11, 0x00, 0x00];
    assert_eq!(inflate(&mut inflater, again).expect("7.2.3.2"), b"Hello");

    // 7.2.3.1, fragmented: pieces of one message.
    let mut inflater = Inflater::new(&p, Role::Client);
    let mut out = Vec::new();
    inflater
        .decompress(&hello[..3], &mut out, MAX)
        .expect("first piece");
    inflater
        .decompress(&hello[3..], &mut out, MAX)
        .expect("second piece");
    inflater.finish(&mut out, MAX).expect("end");
    assert_eq!(out, b"Hello");

    // 7.2.3.3: a stored (uncompressed) block.
    let stored: &[u8] = &[
        0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
    ];
    let mut inflater = Inflater::new(&p, Role::Client);
    assert_eq!(inflate(&mut inflater, stored).expect("7.2.3.3"), b"Hello");

    // 7.2.3.4: a final (BFINAL) block; the next message starts a new stream.
    let last: &[u8] = &[0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    let mut inflater = Inflater::new(&p, Role::Client);
    assert_eq!(inflate(&mut inflater, last).expect("7.2.3.4"), b"Hello");
    assert_eq!(
        inflate(&mut inflater, hello).expect("after BFINAL"),
        b"Hello"
    );

    // 7.2.3.5: two blocks in one message.
    let two: &[u8] = &[
        0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00,
    ];
    let mut inflater = Inflater::new(&p, Role::Client);
    assert_eq!(inflate(&mut inflater, two).expect("7.2.3.5"), b"Hello");
}

#[test]
fn empty_messages_compress_to_one_byte_and_back() {
    let p = DeflateParams::default();
    let mut deflater = Deflater::new(&p, Role::Client, 1);
    let mut inflater = Inflater::new(&p, Role::Server);
    // Twice in a row: zlib writes nothing for the second flush, the byte is still there.
    for _ in 0..2 {
        let empty = compress(&mut deflater, b"");
        assert_eq!(empty, [0x00]);
        assert_eq!(inflate(&mut inflater, &empty).expect("empty"), b"");
    }
    // A compressed message with no payload at all is an empty message too.
    assert_eq!(inflate(&mut inflater, &[]).expect("no payload"), b"");
    let next = compress(&mut deflater, b"after");
    assert_eq!(inflate(&mut inflater, &next).expect("next"), b"after");
}

// ---------------------------------------------------------------------------------------
// Context takeover.

#[test]
fn no_context_takeover_makes_each_message_stand_alone() {
    let text = b"{\"sym\":\"AAPL\",\"price\":189.25,\"size\":100}".repeat(3);
    let shared = DeflateParams::default();
    let mut deflater = Deflater::new(&shared, Role::Server, 1);
    let first = compress(&mut deflater, &text);
    let second = compress(&mut deflater, &text);
    assert!(second.len() < first.len() / 2, "the window carried over");

    let alone = params(true, false, 15, 15);
    let mut deflater = Deflater::new(&alone, Role::Server, 1);
    let first = compress(&mut deflater, &text);
    assert_eq!(compress(&mut deflater, &text), first);
    // The client's side of the same params still shares its window.
    let mut deflater = Deflater::new(&alone, Role::Client, 1);
    let first = compress(&mut deflater, &text);
    assert_ne!(compress(&mut deflater, &text), first);
}

#[test]
fn refuses_a_back_reference_into_a_window_that_was_reset() {
    let again: &[u8] = &[0xf2, 0x00, 0x11, 0x00, 0x00];
    // Nothing before it at all.
    let mut inflater = Inflater::new(&DeflateParams::default(), Role::Client);
    assert_eq!(
        inflate(&mut inflater, again),
        Err(ProtocolError::BadCompressedData)
    );
    // The server agreed not to take over context, so the window starts empty each time.
    let hello: &[u8] = &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    let mut inflater = Inflater::new(&params(true, false, 15, 15), Role::Client);
    assert_eq!(inflate(&mut inflater, hello).expect("first"), b"Hello");
    assert_eq!(
        inflate(&mut inflater, again),
        Err(ProtocolError::BadCompressedData)
    );
}

// ---------------------------------------------------------------------------------------
// Round trips.

/// Text-like bytes (so the window has something to match) or arbitrary ones.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(prop::sample::select(b"ab c,{}\"0123".to_vec()), 0..3000),
        1 => prop::collection::vec(any::<u8>(), 0..3000),
        1 => (prop::collection::vec(any::<u8>(), 1..400), 1usize..40)
            .prop_map(|(unit, times)| unit.repeat(times)),
    ]
}

fn send(
    deflater: &mut Deflater,
    inflater: &mut Inflater,
    message: &[u8],
    piece: usize,
) -> Result<(), TestCaseError> {
    let compressed = compress(deflater, message);
    let mut out = Vec::new();
    for chunk in compressed.chunks(piece) {
        inflater
            .decompress(chunk, &mut out, MAX)
            .map_err(|e| TestCaseError::fail(format!("decompress: {e}")))?;
    }
    inflater
        .finish(&mut out, MAX)
        .map_err(|e| TestCaseError::fail(format!("finish: {e}")))?;
    prop_assert!(
        out == message,
        "round trip changed a {}-byte message",
        message.len()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn round_trips_for_every_window_and_takeover(
        server_bits in 8u8..=15,
        client_bits in 8u8..=15,
        snct in any::<bool>(),
        cnct in any::<bool>(),
        level in 0u32..=9,
        messages in prop::collection::vec((payload(), any::<bool>()), 1..6),
        piece in 1usize..600,
    ) {
        let p = params(snct, cnct, server_bits, client_bits);
        let mut server_out = Deflater::new(&p, Role::Server, level);
        let mut client_in = Inflater::new(&p, Role::Client);
        let mut client_out = Deflater::new(&p, Role::Client, level);
        let mut server_in = Inflater::new(&p, Role::Server);
        let mut previous: Vec<u8> = Vec::new();
        for (message, repeat) in messages {
            // Repeating the last message invites references across messages.
            let message = if repeat { [previous.as_slice(), &message].concat() } else { message };
            send(&mut server_out, &mut client_in, &message, piece)?;
            send(&mut client_out, &mut server_in, &message, piece)?;
            previous = message;
        }
    }
}

// ---------------------------------------------------------------------------------------
// The inflate cap and corrupt data.

/// 16 MiB of zeros, compressed (about 16 KiB).
fn zero_bomb() -> Vec<u8> {
    let mut deflater = Deflater::new(&DeflateParams::default(), Role::Client, 9);
    compress(&mut deflater, &vec![0u8; 16 << 20])
}

#[test]
fn refuses_a_small_frame_that_inflates_past_the_cap_early() {
    let bomb = zero_bomb();
    let frame = &bomb[..1024];
    let max = 64 * 1024;
    let mut inflater = Inflater::new(&DeflateParams::default(), Role::Server);
    let mut out = Vec::new();
    let error = inflater
        .decompress(frame, &mut out, max)
        .expect_err("too big");
    assert_eq!(
        error,
        ProtocolError::MessageTooBig {
            size: max as u64 + 1,
            max: max as u64
        }
    );
    assert!(out.len() <= max);
    // It stopped near the cap: nothing like the megabyte the frame holds was allocated.
    assert!(out.capacity() < 4 * max, "capacity {}", out.capacity());
}

#[test]
fn the_cap_counts_the_whole_message_across_pieces() {
    let message = vec![7u8; 10_000];
    let mut deflater = Deflater::new(&DeflateParams::default(), Role::Client, 1);
    let compressed = compress(&mut deflater, &message);

    // Exactly the cap: accepted.
    let mut inflater = Inflater::new(&DeflateParams::default(), Role::Server);
    let mut out = Vec::new();
    for piece in compressed.chunks(3) {
        inflater
            .decompress(piece, &mut out, 10_000)
            .expect("within");
    }
    inflater.finish(&mut out, 10_000).expect("within");
    assert_eq!(out, message);

    // One byte under: refused, wherever in the pieces it tips over.
    let mut deflater = Deflater::new(&DeflateParams::default(), Role::Client, 1);
    let compressed = compress(&mut deflater, &message);
    let mut inflater = Inflater::new(&DeflateParams::default(), Role::Server);
    let mut out = Vec::new();
    let mut result = Ok(());
    for piece in compressed.chunks(3) {
        result = inflater.decompress(piece, &mut out, 9_999);
        if result.is_err() {
            break;
        }
    }
    if result.is_ok() {
        result = inflater.finish(&mut out, 9_999);
    }
    assert_eq!(
        result,
        Err(ProtocolError::MessageTooBig {
            size: 10_000,
            max: 9_999
        })
    );
    assert!(out.len() <= 9_999);
}

#[test]
fn refuses_corrupt_data() {
    let corrupt: &[&[u8]] = &[
        // Block type 3 is reserved.
        &[0x06],
        &[0xff; 16],
        // A stored block whose length and its complement disagree.
        &[0x00, 0x05, 0x00, 0x00, 0x00, b'H'],
        // A fixed-Huffman back-reference with nothing behind it.
        &[0xf2, 0x00, 0x11, 0x00, 0x00],
    ];
    for data in corrupt {
        let mut inflater = Inflater::new(&DeflateParams::default(), Role::Server);
        assert_eq!(
            inflate(&mut inflater, data),
            Err(ProtocolError::BadCompressedData),
            "{data:02x?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Window bits 8: a 9-bit deflater never reaches back more than 256 bytes.

#[test]
fn nine_bit_deflate_output_fits_an_eight_bit_window() {
    // Text with repeats at distances from 1 to well past 256 bytes.
    let mut text = Vec::new();
    let words = [
        "alpha ", "beta ", "gamma ", "delta ", "epsilon ", "zeta ", "eta ",
    ];
    let mut seed = 12345u32;
    while text.len() < 200_000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        text.extend_from_slice(words[(seed >> 16) as usize % words.len()].as_bytes());
        if seed % 7 == 0 {
            let back = 300.min(text.len());
            let copy = text[text.len() - back..text.len() - back + 40.min(back)].to_vec();
            text.extend_from_slice(&copy);
        }
    }
    for level in [1, 6, 9] {
        let p = params(false, false, 8, 8);
        let mut deflater = Deflater::new(&p, Role::Server, level);
        let mut stream = Vec::new();
        for message in text.chunks(7_000) {
            stream.extend_from_slice(&compress(&mut deflater, message));
            stream.extend_from_slice(&[0x00, 0x00, 0xff, 0xff]);
        }
        let (plain, longest) = puff::inflate(&stream).expect("valid deflate");
        assert_eq!(plain, text);
        assert!(longest <= 256, "level {level}: distance {longest}");
        assert!(
            longest > 200,
            "level {level}: the text never reached far back"
        );
    }
    // The checker does see longer distances when the window allows them.
    let mut deflater = Deflater::new(&params(false, false, 10, 10), Role::Server, 6);
    let mut stream = compress(&mut deflater, &text);
    stream.extend_from_slice(&[0x00, 0x00, 0xff, 0xff]);
    let (_, longest) = puff::inflate(&stream).expect("valid deflate");
    assert!(longest > 256, "10-bit window, distance {longest}");
}

/// A small raw-deflate (RFC 1951) decoder that reports the longest back-reference distance;
/// zlib's own inflaters do not say, and flate2 cannot inflate with an 8-bit window.
mod puff {
    struct Bits<'a> {
        data: &'a [u8],
        pos: usize,
        buf: u32,
        count: u32,
    }

    impl Bits<'_> {
        fn need(&mut self, n: u32) -> Option<u32> {
            while self.count < n {
                let byte = *self.data.get(self.pos)?;
                self.pos += 1;
                self.buf |= u32::from(byte) << self.count;
                self.count += 8;
            }
            let value = self.buf & ((1u32 << n) - 1);
            self.buf >>= n;
            self.count -= n;
            Some(value)
        }
    }

    /// Canonical Huffman code: how many codes of each length, and symbols in code order.
    struct Huffman {
        counts: [u16; 16],
        symbols: Vec<u16>,
    }

    impl Huffman {
        fn new(lengths: &[u8]) -> Huffman {
            let mut counts = [0u16; 16];
            for &len in lengths {
                counts[len as usize] += 1;
            }
            counts[0] = 0;
            let mut offsets = [0u16; 16];
            for len in 1..15 {
                offsets[len + 1] = offsets[len] + counts[len];
            }
            let mut symbols = vec![0u16; lengths.len()];
            for (symbol, &len) in lengths.iter().enumerate() {
                if len != 0 {
                    symbols[offsets[len as usize] as usize] = symbol as u16;
                    offsets[len as usize] += 1;
                }
            }
            Huffman { counts, symbols }
        }

        fn decode(&self, bits: &mut Bits<'_>) -> Option<u16> {
            let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
            for len in 1..16 {
                code |= bits.need(1)? as i32;
                let count = i32::from(self.counts[len]);
                if code - count < first {
                    return self.symbols.get((index + code - first) as usize).copied();
                }
                index += count;
                first = (first + count) << 1;
                code <<= 1;
            }
            None
        }
    }

    const LENGTH_BASE: [u16; 29] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
        131, 163, 195, 227, 258,
    ];
    const LENGTH_EXTRA: [u8; 29] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ];
    const DIST_BASE: [u16; 30] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
        2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ];
    const DIST_EXTRA: [u8; 30] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12,
        13, 13,
    ];
    const ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];

    /// The inflated bytes and the longest distance used; `None` if the data is not deflate.
    pub fn inflate(data: &[u8]) -> Option<(Vec<u8>, usize)> {
        let mut bits = Bits {
            data,
            pos: 0,
            buf: 0,
            count: 0,
        };
        let mut out = Vec::new();
        let mut longest = 0;
        // Blocks until the input runs out at a byte boundary (sync-flushed messages).
        while bits.pos < data.len() {
            let last = bits.need(1)?;
            match bits.need(2)? {
                0 => {
                    bits.buf = 0;
                    bits.count = 0;
                    let len = bits.need(16)? as usize;
                    let nlen = bits.need(16)? as usize;
                    if len != !nlen & 0xffff {
                        return None;
                    }
                    let bytes = data.get(bits.pos..bits.pos + len)?;
                    out.extend_from_slice(bytes);
                    bits.pos += len;
                }
                1 => {
                    let mut lengths = [8u8; 288];
                    lengths[144..256].fill(9);
                    lengths[256..280].fill(7);
                    let codes = Huffman::new(&lengths);
                    let dists = Huffman::new(&[5u8; 30]);
                    codes_block(&mut bits, &codes, &dists, &mut out, &mut longest)?;
                }
                2 => {
                    let nlen = bits.need(5)? as usize + 257;
                    let ndist = bits.need(5)? as usize + 1;
                    let ncode = bits.need(4)? as usize + 4;
                    let mut lengths = [0u8; 320];
                    for &at in ORDER.iter().take(ncode) {
                        lengths[at] = bits.need(3)? as u8;
                    }
                    let lencode = Huffman::new(&lengths[..19]);
                    let mut index = 0;
                    while index < nlen + ndist {
                        let symbol = lencode.decode(&mut bits)?;
                        let (value, times) = match symbol {
                            0..=15 => (symbol as u8, 1),
                            16 => (*lengths.get(index.checked_sub(1)?)?, 3 + bits.need(2)?),
                            17 => (0, 3 + bits.need(3)?),
                            _ => (0, 11 + bits.need(7)?),
                        };
                        for _ in 0..times {
                            *lengths.get_mut(index)? = value;
                            index += 1;
                        }
                    }
                    let codes = Huffman::new(&lengths[..nlen]);
                    let dists = Huffman::new(&lengths[nlen..nlen + ndist]);
                    codes_block(&mut bits, &codes, &dists, &mut out, &mut longest)?;
                }
                _ => return None,
            }
            if last == 1 {
                break;
            }
        }
        Some((out, longest))
    }

    fn codes_block(
        bits: &mut Bits<'_>,
        codes: &Huffman,
        dists: &Huffman,
        out: &mut Vec<u8>,
        longest: &mut usize,
    ) -> Option<()> {
        loop {
            let symbol = codes.decode(bits)? as usize;
            match symbol {
                0..=255 => out.push(symbol as u8),
                256 => return Some(()),
                _ => {
                    let at = symbol - 257;
                    let len = *LENGTH_BASE.get(at)? as usize
                        + bits.need(u32::from(*LENGTH_EXTRA.get(at)?))? as usize;
                    let d = dists.decode(bits)? as usize;
                    let dist = *DIST_BASE.get(d)? as usize
                        + bits.need(u32::from(*DIST_EXTRA.get(d)?))? as usize;
                    if dist > out.len() {
                        return None;
                    }
                    *longest = (*longest).max(dist);
                    for _ in 0..len {
                        out.push(out[out.len() - dist]);
                    }
                }
            }
        }
    }
}
