//! `DirectVector`: a simple vector received in place gives the same value as the
//! decoder, whatever pieces its bytes arrive in; messages it must not take are left to
//! the decoder.

use qport_value::{Attribute, Guid, Symbol, Value, Vector};
use qport_wire::receive::{DirectVector, DIRECT_HEAD_LEN};
use qport_wire::{compress_message, deserialize, encode_message, Capability, MessageKind};

const MAX: u64 = 1 << 30;

fn head(message: &[u8]) -> &[u8; DIRECT_HEAD_LEN] {
    message[..DIRECT_HEAD_LEN].try_into().unwrap()
}

/// Receives `message` in place, its bytes arriving `piece` at a time.
fn receive(message: &[u8], piece: usize) -> Option<qport_wire::Message> {
    let mut direct = DirectVector::for_message(head(message), MAX)?;
    for chunk in message[DIRECT_HEAD_LEN..].chunks(piece) {
        let unfilled = direct.unfilled();
        for (byte, value) in unfilled.iter_mut().zip(chunk) {
            byte.write(*value);
        }
        direct.advance(chunk.len());
    }
    direct.finish()
}

fn every_fixed_width_vector() -> Vec<Value> {
    let sorted = Vector::with_attribute(vec![1i64, 2, 3], Attribute::Sorted);
    vec![
        Value::ByteVector(Vector::from(vec![0u8, 1, 255])),
        Value::CharVector(Vector::from(b"hello".to_vec())),
        Value::ShortVector(Vector::from(vec![1i16, -2, i16::MIN])),
        Value::IntVector(Vector::from(vec![1i32, -2, i32::MIN])),
        Value::LongVector(Vector::from(vec![1i64, -2, i64::MIN])),
        Value::LongVector(sorted),
        Value::RealVector(Vector::from(vec![1.5f32, -0.0])),
        Value::FloatVector(Vector::from(vec![1.5f64, -2.25, f64::INFINITY])),
        Value::GuidVector(Vector::from(vec![Guid([3; 16]), Guid([9; 16])])),
        Value::TimestampVector(Vector::from(vec![1i64, 2])),
        Value::MonthVector(Vector::from(vec![1i32, 2])),
        Value::DateVector(Vector::from(vec![-1i32, 2])),
        Value::DatetimeVector(Vector::from(vec![1.5f64, 2.5])),
        Value::TimespanVector(Vector::from(vec![1i64, 2])),
        Value::MinuteVector(Vector::from(vec![1i32, 2])),
        Value::SecondVector(Vector::from(vec![1i32, 2])),
        Value::TimeVector(Vector::from(vec![1i32, 2])),
        Value::FloatVector(Vector::from(Vec::<f64>::new())),
    ]
}

/// The same message with every multi-byte field in big-endian order.
fn big_endian_twin(value: &Value, message: &[u8]) -> Vec<u8> {
    let width = match value {
        Value::ShortVector(_) => 2,
        Value::IntVector(_)
        | Value::RealVector(_)
        | Value::MonthVector(_)
        | Value::DateVector(_) => 4,
        Value::MinuteVector(_) | Value::SecondVector(_) | Value::TimeVector(_) => 4,
        Value::LongVector(_) | Value::FloatVector(_) | Value::TimestampVector(_) => 8,
        Value::DatetimeVector(_) | Value::TimespanVector(_) => 8,
        _ => 1,
    };
    let mut twin = message.to_vec();
    twin[0] = 0;
    twin[4..8].reverse();
    twin[10..14].reverse();
    for item in twin[14..].chunks_mut(width) {
        item.reverse();
    }
    twin
}

#[test]
fn every_fixed_width_vector_arrives_in_place_as_the_decoder_reads_it() {
    for value in every_fixed_width_vector() {
        let message = encode_message(&value, MessageKind::Sync, Capability::MAX).unwrap();
        for piece in [1, 3, 8, 1 << 20] {
            let received = receive(&message, piece).expect("taken in place");
            assert_eq!(received.kind, MessageKind::Sync);
            assert_eq!(received.value, value, "{value:?} in pieces of {piece}");
            assert_eq!(received.value.attribute(), value.attribute());
        }
        let twin = big_endian_twin(&value, &message);
        assert_eq!(
            deserialize(&twin).unwrap(),
            value,
            "the twin is a valid message"
        );
        assert_eq!(
            receive(&twin, 5).unwrap().value,
            value,
            "big-endian {value:?}"
        );
    }
}

#[test]
fn bytes_already_read_are_taken_first() {
    let value = Value::FloatVector(Vector::from((0..1000).map(f64::from).collect::<Vec<_>>()));
    let message = encode_message(&value, MessageKind::Async, Capability::MAX).unwrap();
    let mut direct = DirectVector::for_message(head(&message), MAX).unwrap();
    let already = &message[DIRECT_HEAD_LEN..DIRECT_HEAD_LEN + 100];
    assert_eq!(direct.fill_from(already), 100);
    assert!(!direct.is_complete());
    let rest = &message[DIRECT_HEAD_LEN + 100..];
    // More than is missing: only what the vector lacks is taken.
    let mut extra = rest.to_vec();
    extra.extend_from_slice(b"next message");
    assert_eq!(direct.fill_from(&extra), rest.len());
    assert!(direct.is_complete());
    assert_eq!(direct.finish().unwrap().value, value);
}

#[test]
fn finish_before_the_last_byte_is_none() {
    let message = encode_message(
        &Value::from(vec![1i64, 2]),
        MessageKind::Sync,
        Capability::MAX,
    )
    .unwrap();
    let mut direct = DirectVector::for_message(head(&message), MAX).unwrap();
    direct.fill_from(&message[DIRECT_HEAD_LEN..message.len() - 1]);
    assert!(direct.finish().is_none());
}

#[test]
fn nothing_is_allocated_past_the_maximum() {
    // The header claims 4 GB of longs; only 14 bytes are here.
    let claim: [u8; DIRECT_HEAD_LEN] = [1, 1, 0, 1, 14, 0, 0, 0, 7, 0, 0, 0, 0, 0x20];
    assert!(DirectVector::for_message(&claim, MAX).is_none());
    let message = encode_message(
        &Value::from(vec![1i64; 100]),
        MessageKind::Sync,
        Capability::MAX,
    )
    .unwrap();
    assert!(DirectVector::for_message(head(&message), 800).is_none());
    assert!(DirectVector::for_message(head(&message), 814).is_some());
}

#[test]
fn other_messages_are_left_to_the_decoder() {
    let symbols = Value::SymbolVector(Vector::from(vec![Symbol::new("a"), Symbol::new("bcd")]));
    let bools = Value::from(vec![true, false, true, true, false, true, true]);
    let list = Value::list([Value::Long(1), Value::Long(2)]);
    for value in [symbols, bools, list] {
        let mut message = encode_message(&value, MessageKind::Sync, Capability::MAX).unwrap();
        message.resize(message.len().max(DIRECT_HEAD_LEN), 0);
        assert!(
            DirectVector::for_message(head(&message), MAX).is_none(),
            "{value:?}"
        );
    }
    let long = Value::from((0..10_000i64).collect::<Vec<_>>());
    let message = encode_message(&long, MessageKind::Sync, Capability::MAX).unwrap();
    let compressed = compress_message(&message).unwrap();
    assert!(
        DirectVector::for_message(head(&compressed), MAX).is_none(),
        "compressed"
    );
    // A header whose length is not exactly the vector's.
    let mut longer = message.clone();
    longer[4] = longer[4].wrapping_add(1);
    assert!(
        DirectVector::for_message(head(&longer), MAX).is_none(),
        "length mismatch"
    );
    // A bad attribute byte, and the 8-byte count form.
    for attribute in [5u8, 0x80] {
        let mut bad = message.clone();
        bad[9] = attribute;
        assert!(
            DirectVector::for_message(head(&bad), MAX).is_none(),
            "attribute {attribute:#x}"
        );
    }
}
