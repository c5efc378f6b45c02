//! Real messages of more than 2 GB, against the bytes KX's serializer wrote for the same
//! values (kdb-ipc.md §3 and §5.2). These allocate several GB each, so they run one at a
//! time, keep at most one copy of each thing alive, and use byte vectors, whose encoding
//! and decoding are single memory copies even in a debug build.

use std::sync::Mutex;
use std::time::Instant;

use qport_value::{Value, Vector};
use qport_wire::{
    decode_message, encode_message, encoded_len, Capability, DecodeLimits, Header, MessageKind,
    HEADER_LEN, MAX_MESSAGE_LEN,
};

/// The tests in this file each need several GB; they take turns.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The item at `index` of [`pattern`]: 1, 2, ..., 251, 1, 2, ... (a period prime to every
/// power of two, so an item copied to the wrong place shows).
fn pattern_item(index: usize) -> u8 {
    (index % 251) as u8 + 1
}

/// `len` bytes of the pattern, built by doubling copies rather than a per-byte loop.
fn pattern(len: usize) -> Vec<u8> {
    let period: Vec<u8> = (0..251).map(pattern_item).collect();
    let mut bytes = period.repeat(len / period.len() + 1);
    bytes.truncate(len);
    bytes
}

fn unlimited() -> DecodeLimits {
    DecodeLimits::DEFAULT.with_max_message_bytes(MAX_MESSAGE_LEN)
}

fn header_of(message: &[u8]) -> Header {
    Header::parse(message[..HEADER_LEN].try_into().unwrap()).unwrap()
}

fn spot_check(items: &[u8], indexes: &[usize]) {
    for &i in indexes {
        assert_eq!(items[i], pattern_item(i), "item {i}");
    }
}

#[test]
fn byte_vector_of_2_pow_31_plus_5_items_needs_capability_6_and_matches_kx() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    const COUNT: usize = (1 << 31) + 5;
    let value = Value::ByteVector(Vector::new(pattern(COUNT)));

    // More than 2^31 − 1 items: only capability 6 carries them (KX: `'limit` in 3 and 5).
    for c in 0..=5 {
        let err = encode_message(&value, MessageKind::Async, Capability::new(c))
            .expect_err("needs capability 6");
        assert_eq!(err.q_text(), "limit", "capability {c}");
        let err = encoded_len(&value, Capability::new(c), MessageKind::Async).unwrap_err();
        assert_eq!(err.q_text(), "limit", "capability {c}");
    }

    let message = encode_message(&value, MessageKind::Async, Capability::new(6)).unwrap();
    assert_eq!(message.len(), COUNT + 14);
    assert_eq!(message.len(), 2_147_483_667);
    // KX's bytes: the length read unsigned in bytes 4..7 (byte 3 stays 0), and the count
    // in the 4-byte form, also unsigned.
    assert_eq!(
        &message[..18],
        &[
            0x01, 0x00, 0x00, 0x00, 0x13, 0x00, 0x00, 0x80, // header
            0x04, 0x00, 0x05, 0x00, 0x00, 0x80, // byte vector, 2^31 + 5 items
            0x01, 0x02, 0x03, 0x04, // the first items
        ]
    );
    assert_eq!(header_of(&message).length, message.len() as u64);
    let Value::ByteVector(items) = &value else {
        unreachable!()
    };
    assert!(message[14..] == items[..], "payload is the items");
    drop(value);

    // The default 1 GiB limit refuses it; a raised limit decodes it.
    let err = decode_message(&message, &DecodeLimits::DEFAULT).unwrap_err();
    assert_eq!(err.q_text(), "limit");
    let decoded = decode_message(&message, &unlimited()).unwrap();
    assert_eq!(decoded.kind, MessageKind::Async);
    let Value::ByteVector(items) = decoded.value else {
        panic!("decoded as type {}", decoded.value.type_number())
    };
    assert_eq!(items.len(), COUNT);
    spot_check(&items, &[0, 1, 250, 251, (1 << 31) - 1, 1 << 31, COUNT - 1]);
    assert!(items[..] == message[14..], "decoded items are the payload");
    drop(message);
    drop(items);
    eprintln!("2^31+5 byte vector: {:.1?}", started.elapsed());
}

#[test]
fn byte_vector_of_2_pow_32_plus_5_items_uses_the_long_count_form_as_kx_does() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    const COUNT: usize = (1 << 32) + 5;
    let value = Value::ByteVector(Vector::new(pattern(COUNT)));
    let message = encode_message(&value, MessageKind::Async, Capability::new(6)).unwrap();
    assert_eq!(message.len(), COUNT + 18);
    // KX's bytes: byte 3 carries bit 32 of the length; the attribute byte gets 0x80 and
    // the count takes 8 bytes.
    assert_eq!(
        &message[..22],
        &[
            0x01, 0x00, 0x00, 0x01, 0x17, 0x00, 0x00, 0x00, // header: 2^32 + 0x17
            0x04, 0x80, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // 2^32 + 5 items
            0x01, 0x02, 0x03, 0x04, // the first items
        ]
    );
    assert_eq!(header_of(&message).length, (1 << 32) + 0x17);
    let Value::ByteVector(items) = &value else {
        unreachable!()
    };
    assert!(message[18..] == items[..], "payload is the items");
    drop(value);

    let decoded = decode_message(&message, &unlimited()).unwrap().value;
    let Value::ByteVector(items) = decoded else {
        panic!("decoded as type {}", decoded.type_number())
    };
    assert_eq!(items.len(), COUNT);
    spot_check(
        &items,
        &[0, (1 << 31) + 4, (1 << 32) - 1, 1 << 32, COUNT - 1],
    );
    assert!(items[..] == message[18..], "decoded items are the payload");
    eprintln!("2^32+5 byte vector: {:.1?}", started.elapsed());
}

#[test]
fn general_list_of_three_1_5e9_byte_vectors_needs_capability_5_and_matches_kx() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    const ITEM: usize = 1_500_000_000;
    // One buffer shared three times: the list costs 1.5 GB, its message 4.5 GB.
    let vector = Value::ByteVector(Vector::new(pattern(ITEM)));
    let list = Value::list([vector.clone(), vector.clone(), vector.clone()]);

    // 4.5 GB needs the byte-3 length extension of capability 5; each vector alone is
    // short enough for any capability.
    for c in 0..=4 {
        let err = encode_message(&list, MessageKind::Async, Capability::new(c))
            .expect_err("needs capability 5");
        assert_eq!(err.q_text(), "limit", "capability {c}");
    }
    assert_eq!(
        encoded_len(&list, Capability::new(6), MessageKind::Async).unwrap(),
        encoded_len(&list, Capability::new(5), MessageKind::Async).unwrap(),
    );

    let message = encode_message(&list, MessageKind::Async, Capability::new(5)).unwrap();
    assert_eq!(message.len(), 4_500_000_032);
    assert_eq!(
        &message[..20],
        &[
            0x01, 0x00, 0x00, 0x01, 0x20, 0x8d, 0x38, 0x0c, // header: 4,500,000,032 bytes
            0x00, 0x00, 0x03, 0x00, 0x00, 0x00, // general list of 3
            0x04, 0x00, 0x00, 0x2f, 0x68, 0x59, // byte vector of 1.5e9
        ]
    );
    assert_eq!(header_of(&message).length, 4_500_000_032);
    let Value::ByteVector(items) = &vector else {
        unreachable!()
    };
    let mut at = 14;
    for k in 0..3 {
        assert_eq!(
            &message[at..at + 6],
            &[0x04, 0x00, 0x00, 0x2f, 0x68, 0x59],
            "vector {k}"
        );
        at += 6;
        assert!(message[at..at + ITEM] == items[..], "vector {k} items");
        at += ITEM;
    }
    assert_eq!(at, message.len());

    let decoded = decode_message(&message, &unlimited()).unwrap().value;
    drop(message);
    assert_eq!(decoded.count(), 3);
    assert_eq!(decoded, list);
    let Value::List(decoded_items) = &decoded else {
        panic!("decoded as type {}", decoded.type_number())
    };
    for item in decoded_items.iter() {
        let Value::ByteVector(bytes) = item else {
            panic!("item of type {}", item.type_number())
        };
        spot_check(bytes, &[0, ITEM / 2, ITEM - 1]);
    }
    eprintln!("3 x 1.5e9 general list: {:.1?}", started.elapsed());
}

#[test]
fn message_over_2_gb_needs_capability_5_even_without_long_vectors() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    // Three references to one 800 MB vector: a 2.4 GB message from 800 MB of memory.
    let shared = Value::ByteVector(Vector::new(vec![7u8; 800_000_000]));
    let list = Value::list([shared.clone(), shared.clone(), shared]);
    let payload = encoded_len(&list, Capability::new(5), MessageKind::Async).unwrap();
    assert!(payload + 8 > i32::MAX as u64 && payload + 8 < u64::from(u32::MAX));
    for capability in 0..=4 {
        let err = encode_message(&list, MessageKind::Async, Capability::new(capability))
            .expect_err("a 2.4 GB message is refused below capability 5");
        assert_eq!(err.q_text(), "limit", "capability {capability}");
    }
}

#[test]
fn message_of_4_gb_or_more_compresses_with_the_8_byte_size_layout() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    // 2^32 + 100 zero bytes: the uncompressed length needs more than 4 bytes (flag 2).
    let count = (1usize << 32) + 100;
    let value = Value::ByteVector(Vector::from_native_bytes(&vec![0u8; count]));
    let message = encode_message(&value, MessageKind::Async, Capability::new(6)).unwrap();
    drop(value);
    let compressed = qport_wire::compress_message(&message).expect("zeros compress");
    let header = header_of(&compressed);
    assert_eq!(header.compression, qport_wire::Compression::Compressed64);
    assert_eq!(header.length, compressed.len() as u64);
    let size_field: [u8; 8] = compressed[8..16].try_into().unwrap();
    assert_eq!(u64::from_le_bytes(size_field), message.len() as u64);
    let original_len = message.len();
    drop(message);
    let restored = qport_wire::decompress_message(&compressed, MAX_MESSAGE_LEN).unwrap();
    assert_eq!(restored.len(), original_len);
    assert_eq!(
        header_of(&restored).compression,
        qport_wire::Compression::None
    );
    assert!(restored[HEADER_LEN + 10..].iter().all(|&b| b == 0));
}
