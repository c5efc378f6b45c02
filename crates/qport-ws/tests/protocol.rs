//! The sans-io connection (`protocol::connection`): frames in any split, fragmentation
//! with control frames between fragments, the rules on reserved bits, masking and
//! continuation, UTF-8 failing at the first bad byte, limits, and deflate both ways.

use bytes::BytesMut;
use proptest::prelude::*;
use qport_ws::deflate::{DeflateParams, Role};
use qport_ws::error::ProtocolError;
use qport_ws::frame::{encode_frame, Opcode};
use qport_ws::protocol::{connection, Compression, Decoder, Encoder, Event, Limits, Message};

const MASK: Option<[u8; 4]> = Some([0x12, 0x34, 0x56, 0x78]);

fn server() -> (Decoder, Encoder) {
    connection(Role::Server, Limits::default(), None)
}

fn frame(fin: bool, opcode: Opcode, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_frame(&mut out, fin, false, opcode, payload, MASK);
    out
}

/// Every event from `bytes` fed in pieces of `piece` bytes.
fn events(decoder: &mut Decoder, bytes: &[u8], piece: usize) -> Result<Vec<Event>, ProtocolError> {
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for chunk in bytes.chunks(piece.max(1)) {
        buf.extend_from_slice(chunk);
        while let Some(event) = decoder.read(&mut buf)? {
            out.push(event);
        }
    }
    Ok(out)
}

fn text(s: &str) -> Event {
    Event::Message(Message::Text(bytes::Bytes::copy_from_slice(s.as_bytes())))
}

#[test]
fn a_fragmented_message_with_pings_between_arrives_whole_in_any_split() {
    let mut bytes = frame(false, Opcode::Text, b"Hello, ");
    bytes.extend(frame(true, Opcode::Ping, b"p1"));
    bytes.extend(frame(false, Opcode::Continuation, "wö".as_bytes()));
    bytes.extend(frame(true, Opcode::Pong, b""));
    bytes.extend(frame(true, Opcode::Continuation, "rld".as_bytes()));
    bytes.extend(frame(true, Opcode::Binary, &[1, 2, 3]));
    for piece in 1..=bytes.len() {
        let (mut decoder, _) = server();
        let got = events(&mut decoder, &bytes, piece).unwrap();
        assert_eq!(
            got,
            vec![
                Event::Ping(bytes::Bytes::from_static(b"p1")),
                Event::Pong(bytes::Bytes::new()),
                text("Hello, wörld"),
                Event::Message(Message::Binary(bytes::Bytes::from_static(&[1, 2, 3]))),
            ],
            "pieces of {piece}"
        );
    }
}

#[test]
fn a_fragmented_control_frame_is_refused() {
    let (mut decoder, _) = server();
    let error = events(&mut decoder, &frame(false, Opcode::Ping, b"x"), 64).unwrap_err();
    assert_eq!(error.close_code(), 1002);
}

#[test]
fn continuation_rules() {
    let (mut decoder, _) = server();
    let error = events(&mut decoder, &frame(true, Opcode::Continuation, b"x"), 64).unwrap_err();
    assert_eq!(error, ProtocolError::UnexpectedContinuation);
    let (mut decoder, _) = server();
    let mut bytes = frame(false, Opcode::Text, b"a");
    bytes.extend(frame(true, Opcode::Text, b"b"));
    let error = events(&mut decoder, &bytes, 64).unwrap_err();
    assert_eq!(error, ProtocolError::ExpectedContinuation);
}

#[test]
fn masking_direction_is_enforced() {
    let mut unmasked = Vec::new();
    encode_frame(&mut unmasked, true, false, Opcode::Text, b"hi", None);
    let (mut decoder, _) = server();
    assert_eq!(
        events(&mut decoder, &unmasked, 64).unwrap_err(),
        ProtocolError::UnmaskedFromClient
    );
    let (mut decoder, _) = connection(Role::Client, Limits::default(), None);
    assert_eq!(
        events(&mut decoder, &frame(true, Opcode::Text, b"hi"), 64).unwrap_err(),
        ProtocolError::MaskedFromServer
    );
    assert_eq!(
        events(&mut decoder, &unmasked, 64).unwrap(),
        vec![],
        "nothing is read after an error"
    );
}

#[test]
fn rsv1_without_deflate_is_refused() {
    let mut bytes = Vec::new();
    encode_frame(&mut bytes, true, true, Opcode::Text, b"hi", MASK);
    let (mut decoder, _) = server();
    assert_eq!(
        events(&mut decoder, &bytes, 64).unwrap_err().close_code(),
        1002
    );
}

#[test]
fn invalid_utf8_fails_at_the_first_bad_byte_before_the_frame_ends() {
    // "κόσμε" then an invalid byte, in a frame that claims 100 more bytes than arrive.
    let mut payload = "κόσμε".as_bytes().to_vec();
    payload.push(0xFF);
    payload.extend(vec![b'a'; 100]);
    let bytes = frame(true, Opcode::Text, &payload);
    let cut = bytes.len() - 100;
    let (mut decoder, _) = server();
    let error = events(&mut decoder, &bytes[..cut], 3).unwrap_err();
    assert_eq!(error.close_code(), 1007);
}

#[test]
fn a_text_message_split_inside_a_character_is_valid() {
    let mut bytes = frame(false, Opcode::Text, &"€".as_bytes()[..1]);
    bytes.extend(frame(true, Opcode::Continuation, &"€".as_bytes()[1..]));
    let (mut decoder, _) = server();
    assert_eq!(events(&mut decoder, &bytes, 1).unwrap(), vec![text("€")]);
}

#[test]
fn a_text_message_ending_inside_a_character_is_invalid() {
    let (mut decoder, _) = server();
    let error = events(
        &mut decoder,
        &frame(true, Opcode::Text, &"€".as_bytes()[..2]),
        64,
    )
    .unwrap_err();
    assert_eq!(error.close_code(), 1007);
}

#[test]
fn close_frames_are_read_and_nothing_after() {
    let mut bytes = frame(true, Opcode::Close, &[0x03, 0xE8, b'o', b'k']);
    bytes.extend(frame(true, Opcode::Text, b"late"));
    let (mut decoder, _) = server();
    let got = events(&mut decoder, &bytes, 64).unwrap();
    assert_eq!(got.len(), 1);
    let Event::Close(Some(close)) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!((close.code, close.reason.as_str()), (1000, "ok"));
    // A bad code is a protocol error.
    let (mut decoder, _) = server();
    assert_eq!(
        events(&mut decoder, &frame(true, Opcode::Close, &[0x03, 0xED]), 64)
            .unwrap_err()
            .close_code(),
        1002
    );
}

#[test]
fn limits_close_with_1009() {
    let limits = Limits {
        max_frame: 100,
        max_message: 150,
    };
    let (mut decoder, _) = connection(Role::Server, limits, None);
    assert_eq!(
        events(&mut decoder, &frame(true, Opcode::Binary, &[0; 101]), 64)
            .unwrap_err()
            .close_code(),
        1009
    );
    let (mut decoder, _) = connection(Role::Server, limits, None);
    let mut bytes = frame(false, Opcode::Binary, &[0; 100]);
    bytes.extend(frame(true, Opcode::Continuation, &[0; 100]));
    assert_eq!(
        events(&mut decoder, &bytes, 7).unwrap_err().close_code(),
        1009
    );
}

fn deflate_pair(params: DeflateParams) -> ((Decoder, Encoder), (Decoder, Encoder)) {
    let compression = Some(Compression {
        params,
        level: 1,
        threshold: 0,
    });
    (
        connection(Role::Server, Limits::default(), compression),
        connection(Role::Client, Limits::default(), compression),
    )
}

proptest! {
    #[test]
    fn messages_cross_in_both_directions_with_every_deflate_setting(
        texts in proptest::collection::vec("[a-zé€ ]{0,300}", 1..8),
        server_bits in 8u8..=15,
        client_bits in 8u8..=15,
        server_reset in any::<bool>(),
        client_reset in any::<bool>(),
        piece in 1usize..64,
    ) {
        let params = DeflateParams {
            server_no_context_takeover: server_reset,
            client_no_context_takeover: client_reset,
            server_max_window_bits: server_bits,
            client_max_window_bits: client_bits,
        };
        let ((mut server_in, mut server_out), (mut client_in, mut client_out)) = deflate_pair(params);
        let mut to_server = Vec::new();
        let mut to_client = Vec::new();
        for text in &texts {
            client_out.encode_message(true, text.as_bytes(), &mut to_server);
            server_out.encode_message(false, text.as_bytes(), &mut to_client);
        }
        let expected: Vec<Event> = texts.iter().map(|t| text(t)).collect();
        prop_assert_eq!(events(&mut server_in, &to_server, piece).unwrap(), expected);
        let got = events(&mut client_in, &to_client, piece).unwrap();
        let want: Vec<Event> = texts.iter().map(|t| Event::Message(Message::Binary(bytes::Bytes::copy_from_slice(t.as_bytes())))).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), piece in 1usize..32) {
        let (mut decoder, _) = server();
        let _ = events(&mut decoder, &bytes, piece);
        let (mut decoder, _) = deflate_pair(DeflateParams::default()).0;
        let _ = events(&mut decoder, &bytes, piece);
    }
}
