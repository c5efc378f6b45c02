//! Arbitrary bytes as a kdb+ IPC message.
//!
//! Decoding must never panic, and whatever it accepts must travel again: re-encoding the
//! value at the highest capability and decoding that gives an equal value (NaNs are equal
//! under `Value`'s `PartialEq`), and the encoding is a fixed point (encoding the value
//! decoded from an encoding gives the same bytes). `deserialize` (q's -9!, 1 TB limit) must
//! agree with `decode_message` under a 16 MiB limit wherever the limit is not what failed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qport_value::Value;
use qport_wire::{
    decode_message, deserialize, encode_message, serialize, Capability, DecodeLimits, Message,
    WireError, MAX_MESSAGE_LEN,
};

const MAX_MESSAGE_BYTES: u64 = 1 << 24;

fuzz_target!(|data: &[u8]| {
    let limits = DecodeLimits::DEFAULT.with_max_message_bytes(MAX_MESSAGE_BYTES);
    let limited = decode_message(data, &limits);
    if let Ok(message) = &limited {
        check_message_roundtrip(message);
    }

    let unlimited = deserialize(data);
    match (&limited, &unlimited) {
        (Ok(message), Ok(value)) => assert!(
            message.value == *value,
            "decode_message and deserialize disagree: {:?} vs {:?}",
            message.value,
            value
        ),
        (Ok(message), Err(e)) => panic!(
            "accepted under a 16 MiB limit ({:?}) but refused by deserialize: {e}",
            message.value
        ),
        (Err(WireError::Limit { .. }), _) | (Err(_), Err(_)) => {}
        (Err(e), Ok(value)) => {
            panic!("refused under a 16 MiB limit ({e}) but accepted by deserialize: {value:?}")
        }
    }
    if let Ok(value) = &unlimited {
        check_serialize_roundtrip(value);
    }
});

/// Re-encode a decoded message (same kind, capability 6), decode it again, compare.
fn check_message_roundtrip(message: &Message) {
    let bytes = encode_message(&message.value, message.kind, Capability::MAX)
        .unwrap_or_else(|e| panic!("decoded value does not re-encode: {e}: {:?}", message.value));
    // Re-encoding may grow a message (lossy UTF-8 in error text, say): decode it again
    // under the widest length limit, at the same depth limit.
    let wide = DecodeLimits::DEFAULT.with_max_message_bytes(MAX_MESSAGE_LEN);
    let again = decode_message(&bytes, &wide).unwrap_or_else(|e| {
        panic!(
            "re-encoded value does not decode: {e}: {:?} as {bytes:02x?}",
            message.value
        )
    });
    assert_eq!(again.kind, message.kind);
    assert!(
        again.value == message.value,
        "value changed in a round trip: {:?} became {:?}",
        message.value,
        again.value
    );
    let bytes_again = encode_message(&again.value, again.kind, Capability::MAX)
        .expect("a value that encoded once encodes again");
    assert_eq!(bytes_again, bytes, "encoding is not a fixed point");
}

/// q's -8! then -9! on a value -9! gave.
fn check_serialize_roundtrip(value: &Value) {
    match serialize(value) {
        Ok(bytes) => {
            let again = deserialize(&bytes)
                .unwrap_or_else(|e| panic!("-8! output does not -9!: {e}: {value:?}"));
            assert!(
                again == *value,
                "-8!/-9! changed a value: {value:?} became {again:?}"
            );
        }
        // An error value travels only as a response; -8! writes async messages.
        Err(e) => assert!(
            matches!(value, Value::Error(_)),
            "deserialized value does not serialize: {e}: {value:?}"
        ),
    }
}
