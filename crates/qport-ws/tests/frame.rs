//! Frame headers and masking as RFC 6455 §5 writes them: byte vectors from the RFC, every
//! length encoding boundary, headers arriving a byte at a time, and what must be refused.

use proptest::prelude::*;
use qport_ws::error::ProtocolError;
use qport_ws::frame::{encode_frame, FrameHeader, Opcode, MAX_HEADER_LEN};
use qport_ws::mask::apply_mask;

/// The masking key of RFC 6455 §5.7's examples.
const RFC_KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

fn header(opcode: Opcode, payload_len: u64, mask: Option<[u8; 4]>) -> FrameHeader {
    FrameHeader {
        fin: true,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        opcode,
        mask,
        payload_len,
    }
}

fn written(header: &FrameHeader) -> Vec<u8> {
    let mut out = [0u8; MAX_HEADER_LEN];
    let len = header.write(&mut out);
    out[..len].to_vec()
}

fn encoded(fin: bool, opcode: Opcode, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    let mut out = Vec::new();
    encode_frame(&mut out, fin, false, opcode, payload, mask);
    out
}

fn naive_mask(data: &mut [u8], mask: [u8; 4], offset: usize) {
    for (i, byte) in data.iter_mut().enumerate() {
        *byte ^= mask[(offset + i) % 4];
    }
}

// --- RFC 6455 §5.7 examples ---

#[test]
fn rfc_unmasked_text_hello() {
    let frame = encoded(true, Opcode::Text, b"Hello", None);
    assert_eq!(frame, [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    let (parsed, len) = FrameHeader::parse(&frame).unwrap().unwrap();
    assert_eq!((parsed, len), (header(Opcode::Text, 5, None), 2));
}

#[test]
fn rfc_masked_text_hello() {
    let frame = encoded(true, Opcode::Text, b"Hello", Some(RFC_KEY));
    let expected = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    assert_eq!(frame, expected);
    let (parsed, len) = FrameHeader::parse(&frame).unwrap().unwrap();
    assert_eq!((parsed, len), (header(Opcode::Text, 5, Some(RFC_KEY)), 6));
    let mut payload = frame[len..].to_vec();
    apply_mask(&mut payload, RFC_KEY, 0);
    assert_eq!(payload, b"Hello");
}

#[test]
fn rfc_fragmented_unmasked_text() {
    let first = encoded(false, Opcode::Text, b"Hel", None);
    let last = encoded(true, Opcode::Continuation, b"lo", None);
    assert_eq!(first, [0x01, 0x03, 0x48, 0x65, 0x6c]);
    assert_eq!(last, [0x80, 0x02, 0x6c, 0x6f]);
    let (parsed, _) = FrameHeader::parse(&first).unwrap().unwrap();
    assert!(!parsed.fin);
    assert_eq!(parsed.opcode, Opcode::Text);
    let (parsed, _) = FrameHeader::parse(&last).unwrap().unwrap();
    assert!(parsed.fin);
    assert_eq!(parsed.opcode, Opcode::Continuation);
}

#[test]
fn rfc_ping_and_masked_pong() {
    let ping = encoded(true, Opcode::Ping, b"Hello", None);
    assert_eq!(ping, [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    let pong = encoded(true, Opcode::Pong, b"Hello", Some(RFC_KEY));
    let expected = [
        0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    assert_eq!(pong, expected);
}

#[test]
fn rfc_256_and_65536_byte_binary_headers() {
    let frame = encoded(true, Opcode::Binary, &[0u8; 256], None);
    assert_eq!(frame[..4], [0x82, 0x7e, 0x01, 0x00]);
    assert_eq!(frame.len(), 4 + 256);
    let frame = encoded(true, Opcode::Binary, &vec![0u8; 65536], None);
    assert_eq!(
        frame[..10],
        [0x82, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]
    );
    assert_eq!(frame.len(), 10 + 65536);
}

// --- length encodings ---

/// Payload lengths at every encoding boundary, and the largest allowed.
const BOUNDARY_LENGTHS: [u64; 10] = [
    0,
    1,
    125,
    126,
    127,
    65535,
    65536,
    u32::MAX as u64,
    u32::MAX as u64 + 1,
    u64::MAX >> 1,
];

fn expected_length_bytes(len: u64) -> Vec<u8> {
    if len <= 125 {
        vec![len as u8]
    } else if len <= 65535 {
        let mut bytes = vec![126];
        bytes.extend_from_slice(&(len as u16).to_be_bytes());
        bytes
    } else {
        let mut bytes = vec![127];
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes
    }
}

#[test]
fn every_length_boundary_uses_the_shortest_encoding_masked_and_unmasked() {
    for len in BOUNDARY_LENGTHS {
        for mask in [None, Some([1, 2, 3, 4])] {
            let h = header(Opcode::Binary, len, mask);
            let bytes = written(&h);
            let mut expected = vec![0x82];
            expected.extend(expected_length_bytes(len));
            if let Some(key) = mask {
                expected[1] |= 0x80;
                expected.extend_from_slice(&key);
            }
            assert_eq!(bytes, expected, "length {len}, mask {mask:?}");
            assert_eq!(h.len(), bytes.len());
            assert_eq!(FrameHeader::parse(&bytes), Ok(Some((h, bytes.len()))));
        }
    }
}

#[test]
fn header_lengths_are_2_4_10_plus_4_when_masked() {
    let cases = [(125, 2), (126, 4), (65535, 4), (65536, 10)];
    for (payload_len, len) in cases {
        assert_eq!(header(Opcode::Text, payload_len, None).len(), len);
        assert_eq!(
            header(Opcode::Text, payload_len, Some([0; 4])).len(),
            len + 4
        );
    }
    assert_eq!(
        header(Opcode::Text, u64::MAX, Some([0; 4])).len(),
        MAX_HEADER_LEN
    );
}

#[test]
fn longer_than_needed_length_encodings_are_accepted() {
    // 5 in the 16-bit form, and 5 and 300 in the 64-bit form.
    let (h, len) = FrameHeader::parse(&[0x82, 126, 0, 5]).unwrap().unwrap();
    assert_eq!((h.payload_len, len), (5, 4));
    let (h, len) = FrameHeader::parse(&[0x82, 127, 0, 0, 0, 0, 0, 0, 0, 5])
        .unwrap()
        .unwrap();
    assert_eq!((h.payload_len, len), (5, 10));
    let (h, _) = FrameHeader::parse(&[0x82, 127, 0, 0, 0, 0, 0, 0, 1, 44])
        .unwrap()
        .unwrap();
    assert_eq!(h.payload_len, 300);
}

#[test]
fn header_split_at_every_byte_needs_more_until_complete() {
    for len in BOUNDARY_LENGTHS {
        for mask in [None, Some([9, 8, 7, 6])] {
            let h = FrameHeader {
                fin: false,
                rsv1: true,
                ..header(Opcode::Text, len, mask)
            };
            let mut bytes = written(&h);
            for cut in 0..bytes.len() {
                assert_eq!(
                    FrameHeader::parse(&bytes[..cut]),
                    Ok(None),
                    "{h:?} cut {cut}"
                );
            }
            // Payload bytes after the header are not the header's business.
            let header_len = bytes.len();
            bytes.extend_from_slice(b"payload");
            assert_eq!(FrameHeader::parse(&bytes), Ok(Some((h, header_len))));
        }
    }
}

#[test]
fn all_flag_bits_are_read_and_written() {
    for bits in 0..16u8 {
        let h = FrameHeader {
            fin: bits & 8 != 0,
            rsv1: bits & 4 != 0,
            rsv2: bits & 2 != 0,
            rsv3: bits & 1 != 0,
            ..header(Opcode::Binary, 3, None)
        };
        let bytes = written(&h);
        assert_eq!(bytes[0], (bits << 4) | 0x2);
        assert_eq!(FrameHeader::parse(&bytes), Ok(Some((h, 2))));
    }
}

// --- what must be refused ---

#[test]
fn opcode_from_u8_knows_exactly_the_six_defined_opcodes() {
    let defined = [
        (0, Opcode::Continuation),
        (1, Opcode::Text),
        (2, Opcode::Binary),
        (8, Opcode::Close),
        (9, Opcode::Ping),
        (10, Opcode::Pong),
    ];
    for b in 0..=255u8 {
        let expected = defined.iter().find(|(n, _)| *n == b).map(|(_, op)| *op);
        assert_eq!(Opcode::from_u8(b), expected, "opcode {b}");
        if let Some(op) = expected {
            assert_eq!(op as u8, b);
            assert_eq!(op.is_control(), b >= 8);
        }
    }
}

#[test]
fn every_reserved_opcode_is_refused_from_the_first_byte() {
    for op in (3..=7).chain(11..=15) {
        for flags in [0x00, 0x80, 0xF0] {
            let first = flags | op;
            let err = Err(ProtocolError::ReservedOpcode(op));
            assert_eq!(FrameHeader::parse(&[first]), err, "byte {first:#x}");
            assert_eq!(FrameHeader::parse(&[first, 0x00]), err);
            assert_eq!(FrameHeader::parse(&[first, 0x85, 1, 2, 3, 4]), err);
        }
    }
}

#[test]
fn fragmented_control_frames_are_refused_from_the_first_byte() {
    for op in [Opcode::Close, Opcode::Ping, Opcode::Pong] {
        let first = op as u8; // FIN clear
        let err = Err(ProtocolError::FragmentedControl);
        assert_eq!(FrameHeader::parse(&[first]), err);
        assert_eq!(FrameHeader::parse(&[first, 0x00]), err);
        // Data frames may be fragmented.
        assert!(FrameHeader::parse(&[0x01, 0x00]).unwrap().is_some());
    }
}

#[test]
fn control_frames_carry_at_most_125_bytes() {
    for op in [Opcode::Close, Opcode::Ping, Opcode::Pong] {
        let first = 0x80 | op as u8;
        let (h, _) = FrameHeader::parse(&[first, 125]).unwrap().unwrap();
        assert_eq!(h.payload_len, 125);
        // 126 in the 16-bit form: refused once the length is known, before any mask bytes.
        assert_eq!(
            FrameHeader::parse(&[first, 0x80 | 126, 0, 126]),
            Err(ProtocolError::ControlTooLong(126))
        );
        assert_eq!(FrameHeader::parse(&[first, 126, 0]), Ok(None));
        assert_eq!(
            FrameHeader::parse(&[first, 127, 0, 0, 0, 0, 0, 1, 0, 0]),
            Err(ProtocolError::ControlTooLong(65536))
        );
        // A short length in a longer form is still a short payload.
        let (h, len) = FrameHeader::parse(&[first, 126, 0, 125]).unwrap().unwrap();
        assert_eq!((h.payload_len, len), (125, 4));
    }
}

#[test]
fn a_64_bit_length_with_the_top_bit_set_is_refused() {
    let mut bytes = vec![0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(FrameHeader::parse(&bytes), Err(ProtocolError::LengthMsbSet));
    bytes[2] = 0xFF;
    assert_eq!(FrameHeader::parse(&bytes), Err(ProtocolError::LengthMsbSet));
    // One below: the largest length there is.
    bytes[2..].copy_from_slice(&(u64::MAX >> 1).to_be_bytes());
    let (h, _) = FrameHeader::parse(&bytes).unwrap().unwrap();
    assert_eq!(h.payload_len, u64::MAX >> 1);
}

#[test]
fn reserved_bits_are_refused_unless_compression_allows_rsv1_on_a_first_data_frame() {
    let with = |rsv1, rsv2, rsv3, opcode| FrameHeader {
        rsv1,
        rsv2,
        rsv3,
        ..header(opcode, 0, None)
    };
    let refused = Err(ProtocolError::ReservedBits);
    for compression in [false, true] {
        let plain = with(false, false, false, Opcode::Text);
        assert_eq!(plain.check_reserved_bits(compression), Ok(()));
        assert_eq!(
            with(false, true, false, Opcode::Text).check_reserved_bits(compression),
            refused
        );
        assert_eq!(
            with(false, false, true, Opcode::Binary).check_reserved_bits(compression),
            refused
        );
        for op in [
            Opcode::Continuation,
            Opcode::Close,
            Opcode::Ping,
            Opcode::Pong,
        ] {
            assert_eq!(
                with(true, false, false, op).check_reserved_bits(compression),
                refused
            );
        }
    }
    for op in [Opcode::Text, Opcode::Binary] {
        assert_eq!(
            with(true, false, false, op).check_reserved_bits(false),
            refused
        );
        assert_eq!(
            with(true, false, false, op).check_reserved_bits(true),
            Ok(())
        );
    }
}

#[test]
fn clients_must_mask_and_servers_must_not() {
    let masked = header(Opcode::Text, 0, Some([1, 2, 3, 4]));
    let unmasked = header(Opcode::Text, 0, None);
    assert_eq!(masked.check_from_client(), Ok(()));
    assert_eq!(
        unmasked.check_from_client(),
        Err(ProtocolError::UnmaskedFromClient)
    );
    assert_eq!(unmasked.check_from_server(), Ok(()));
    assert_eq!(
        masked.check_from_server(),
        Err(ProtocolError::MaskedFromServer)
    );
}

// --- encoding and masking ---

#[test]
fn encode_frame_appends_after_existing_bytes() {
    let mut out = b"previous".to_vec();
    encode_frame(&mut out, true, false, Opcode::Text, b"Hello", Some(RFC_KEY));
    assert_eq!(&out[..8], b"previous");
    assert_eq!(
        &out[8..],
        [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
    );
}

#[test]
fn masking_matches_the_byte_by_byte_definition_at_every_length_and_offset() {
    let key = [0xA1, 0xB2, 0xC3, 0xD4];
    // Short payloads, the lengths around where wider vector registers take over, and long
    // payloads with every kind of tail.
    let lengths = (0..200)
        .chain(4080..4170)
        .chain((0..40).map(|tail| 65_536 + tail));
    for len in lengths {
        for offset in 0..8 {
            let original: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let mut fast = original.clone();
            let mut slow = original.clone();
            apply_mask(&mut fast, key, offset);
            naive_mask(&mut slow, key, offset);
            assert_eq!(fast, slow, "length {len}, offset {offset}");
            apply_mask(&mut fast, key, offset);
            assert_eq!(fast, original, "masking twice restores");
        }
    }
}

fn data_opcode() -> impl Strategy<Value = Opcode> {
    prop_oneof![
        Just(Opcode::Continuation),
        Just(Opcode::Text),
        Just(Opcode::Binary),
    ]
}

fn control_opcode() -> impl Strategy<Value = Opcode> {
    prop_oneof![Just(Opcode::Close), Just(Opcode::Ping), Just(Opcode::Pong)]
}

/// A frame's opcode, fin and payload, within the rules for its opcode.
fn frame_parts() -> impl Strategy<Value = (Opcode, bool, Vec<u8>)> {
    prop_oneof![
        (
            data_opcode(),
            any::<bool>(),
            prop_oneof![
                prop::collection::vec(any::<u8>(), 0..300),
                prop::collection::vec(any::<u8>(), 65530..65540),
            ],
        ),
        (
            control_opcode(),
            Just(true),
            prop::collection::vec(any::<u8>(), 0..=125),
        ),
    ]
}

proptest! {
    #[test]
    fn encoded_frames_parse_back(
        (opcode, fin, payload) in frame_parts(),
        rsv1 in any::<bool>(),
        mask in any::<Option<[u8; 4]>>(),
    ) {
        let mut out = Vec::new();
        encode_frame(&mut out, fin, rsv1, opcode, &payload, mask);
        let parsed = FrameHeader::parse(&out);
        let Ok(Some((h, header_len))) = parsed else {
            panic!("encoded frame did not parse: {parsed:?}");
        };
        prop_assert_eq!(h, FrameHeader {
            fin, rsv1, rsv2: false, rsv3: false, opcode, mask,
            payload_len: payload.len() as u64,
        });
        prop_assert_eq!(header_len, h.len());
        prop_assert_eq!(out.len(), header_len + payload.len());
        let mut body = out[header_len..].to_vec();
        if let Some(key) = mask {
            apply_mask(&mut body, key, 0);
        }
        prop_assert_eq!(body, payload);
    }

    #[test]
    fn any_data_header_writes_and_parses_back(
        opcode in data_opcode(),
        flags in any::<[bool; 4]>(),
        mask in any::<Option<[u8; 4]>>(),
        payload_len in prop_oneof![0..=70_000u64, 0..=(u64::MAX >> 1)],
    ) {
        let [fin, rsv1, rsv2, rsv3] = flags;
        let h = FrameHeader { fin, rsv1, rsv2, rsv3, opcode, mask, payload_len };
        let bytes = written(&h);
        prop_assert_eq!(bytes.len(), h.len());
        prop_assert_eq!(FrameHeader::parse(&bytes), Ok(Some((h, bytes.len()))));
    }

    #[test]
    fn masking_in_pieces_equals_masking_whole(
        data in prop::collection::vec(any::<u8>(), 0..600),
        key in any::<[u8; 4]>(),
        start in 0usize..1000,
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let mut whole = data.clone();
        apply_mask(&mut whole, key, start);
        let mut expected = data.clone();
        naive_mask(&mut expected, key, start);
        prop_assert_eq!(&whole, &expected);

        let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(data.len() + 1)).collect();
        cuts.push(data.len());
        cuts.sort_unstable();
        let mut pieces = data.clone();
        let mut from = 0;
        for cut in cuts {
            apply_mask(&mut pieces[from..cut], key, start + from);
            from = cut;
        }
        prop_assert_eq!(pieces, whole);
    }
}
