//! A compressed message whose body is one simple vector is decompressed straight into the
//! vector's storage: the value, its attribute, the message kind and every error must be
//! those of decompressing the message first.

use qport_value::{Attribute, Guid, Value, Vector};
use qport_wire::{
    compress_message, decode_message, decompress_message, deserialize, encode_message, Capability,
    DecodeLimits, MessageKind, WireError,
};

/// Items that compress (a short cycle) and fill more than the 1 MiB below which the
/// ordinary path is taken.
fn cycle<T: Copy>(items: &[T], count: usize) -> Vec<T> {
    items.iter().copied().cycle().take(count).collect()
}

fn big_vectors() -> Vec<Value> {
    const N: usize = 300_000;
    let sorted: Vec<i64> = (0..N as i64).map(|i| i / 64).collect();
    vec![
        Value::ByteVector(Vector::from(cycle(&[0u8, 1, 255], 4 * N))),
        Value::CharVector(Vector::from(cycle(b"hello world ", 4 * N))),
        Value::ShortVector(Vector::from(cycle(&[1i16, -2, i16::MIN], 2 * N))),
        Value::IntVector(Vector::from(cycle(&[1i32, -2, i32::MIN], N))),
        Value::LongVector(Vector::from(cycle(&[1i64, -2, i64::MIN], N))),
        Value::LongVector(Vector::with_attribute(sorted, Attribute::Sorted)),
        Value::RealVector(Vector::from(cycle(&[1.5f32, -0.0], N))),
        Value::FloatVector(Vector::from(cycle(&[1.5f64, -2.25, f64::INFINITY], N))),
        Value::GuidVector(Vector::from(cycle(&[Guid([3; 16]), Guid([9; 16])], N))),
        Value::TimestampVector(Vector::from(cycle(&[1i64, 2], N))),
        Value::MonthVector(Vector::from(cycle(&[1i32, 2], N))),
        Value::DateVector(Vector::from(cycle(&[-1i32, 2], N))),
        Value::DatetimeVector(Vector::from(cycle(&[1.5f64, 2.5], N))),
        Value::TimespanVector(Vector::from(cycle(&[1i64, 2], N))),
        Value::MinuteVector(Vector::from(cycle(&[1i32, 2], N))),
        Value::SecondVector(Vector::from(cycle(&[1i32, 2], N))),
        Value::TimeVector(Vector::from(cycle(&[1i32, 2], N))),
    ]
}

fn compressed(value: &Value, kind: MessageKind) -> Vec<u8> {
    let message = encode_message(value, kind, Capability::MAX).unwrap();
    assert!(message.len() > 1 << 20);
    compress_message(&message).expect("compressible")
}

/// The value the ordinary path gives: decompress to bytes, then decode them.
fn decompressed_first(message: &[u8]) -> Value {
    deserialize(&decompress_message(message, u64::MAX).unwrap()).unwrap()
}

#[test]
fn every_fixed_width_vector_decompresses_in_place_as_decompressing_first_gives() {
    for value in big_vectors() {
        let message = compressed(&value, MessageKind::Response);
        let decoded = decode_message(&message, &DecodeLimits::DEFAULT).unwrap();
        assert_eq!(decoded.kind, MessageKind::Response);
        assert_eq!(decoded.value, value);
        assert_eq!(decoded.value, decompressed_first(&message));
        assert_eq!(decoded.value.attribute(), value.attribute());
    }
}

#[test]
fn a_big_endian_vector_is_put_in_native_order() {
    let value = Value::LongVector(Vector::from(cycle(&[1i64, -2, 3 << 40], 300_000)));
    let little = encode_message(&value, MessageKind::Async, Capability::MAX).unwrap();
    let mut big = little.clone();
    big[0] = 0;
    big[4..8].reverse();
    big[10..14].reverse();
    for item in big[14..].chunks_mut(8) {
        item.reverse();
    }
    let message = compress_message(&big).expect("compressible");
    assert_eq!(message[0], 0, "the compressed message stays big-endian");
    assert_eq!(deserialize(&message).unwrap(), value);
}

#[test]
fn a_reference_inside_the_vector_prefix_is_followed() {
    // A byte vector of 0x0010_0004 items: its prefix 04 00 04 00 10 00 repeats its first
    // pair, which the compressor sends as a reference to position 8.
    let value = Value::ByteVector(Vector::from(cycle(&[7u8, 7, 8], 0x0010_0004)));
    let message = compressed(&value, MessageKind::Sync);
    // message[12] is the first control byte: items 1 and 2 literals, item 3 a reference.
    assert_eq!(message[12] & 0b111, 0b100);
    assert_eq!(deserialize(&message).unwrap(), value);
}

#[test]
fn corrupt_streams_give_the_errors_decompressing_gives() {
    let value = Value::FloatVector(Vector::from(cycle(&[1.5f64, -2.25, 8.0], 300_000)));
    let message = compressed(&value, MessageKind::Sync);
    let mut cases = Vec::new();
    // The stream stops early (the header's length follows the cut).
    let mut short = message[..message.len() - 100].to_vec();
    let len = short.len() as u32;
    short[4..8].copy_from_slice(&len.to_le_bytes());
    cases.push(short);
    // A group whose control byte marks every item a reference, one to an empty slot.
    let mut bad_reference = message.clone();
    bad_reference[12] = 0xFF;
    cases.push(bad_reference);
    // An uncompressed length the items do not fill: no longer one vector, and too long
    // for the stream.
    let mut long = message.clone();
    let total = u32::from_le_bytes(long[8..12].try_into().unwrap());
    long[8..12].copy_from_slice(&(total + 8).to_le_bytes());
    cases.push(long);
    for case in cases {
        let in_place = deserialize(&case).expect_err("corrupt");
        let first = decompress_message(&case, u64::MAX).expect_err("corrupt");
        assert!(
            matches!(in_place, WireError::CorruptCompression(_)),
            "{in_place:?}"
        );
        assert_eq!(in_place.to_string(), first.to_string());
    }
}

#[test]
fn the_limit_is_checked_before_anything_is_allocated() {
    let value = Value::LongVector(Vector::from(cycle(&[1i64, 2], 300_000)));
    let message = compressed(&value, MessageKind::Sync);
    let limits = DecodeLimits::DEFAULT.with_max_message_bytes(1 << 20);
    assert!(matches!(
        decode_message(&message, &limits),
        Err(WireError::Limit { .. })
    ));
}
