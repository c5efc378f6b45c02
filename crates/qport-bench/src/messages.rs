//! The bytes the load generators send, built once with qport-wire before anything is timed.
//!
//! - handshake: `bench:` with capability 3, then NUL; the server answers one byte.
//! - sync request: the char vector `"2+2"` (what a q client sends to evaluate `2+2`):
//!   8 header + 6 vector header + 3 = 17 bytes.
//! - async message: a 2-item long vector, 16 bytes of payload: 8 header + 6 vector header
//!   + 16 = 30 bytes.

use qport_value::{Value, Vector};
use qport_wire::{encode_message, Capability, MessageKind, WireError};

pub const HANDSHAKE: &[u8] = b"bench:\x03\x00";

/// One message's bytes, little-endian, uncompressed.
pub fn sync_request() -> Result<Vec<u8>, WireError> {
    encode_message(&Value::from("2+2"), MessageKind::Sync, Capability::V3_0)
}

pub fn async_message() -> Result<Vec<u8>, WireError> {
    let payload = Value::LongVector(Vector::new(vec![1_i64, 2]));
    encode_message(&payload, MessageKind::Async, Capability::V3_0)
}

/// `count` copies of `message` back to back: one write puts many messages on the wire.
pub fn batch(message: &[u8], count: usize) -> Vec<u8> {
    message.repeat(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_request_is_the_17_bytes_of_a_q_client_sending_2_plus_2() {
        assert_eq!(
            sync_request().unwrap(),
            b"\x01\x01\x00\x00\x11\x00\x00\x00\x0a\x00\x03\x00\x00\x002+2"
        );
    }

    #[test]
    fn async_message_is_30_bytes_with_16_of_payload() {
        let message = async_message().unwrap();
        assert_eq!(message.len(), 30);
        assert_eq!(&message[..8], b"\x01\x00\x00\x00\x1e\x00\x00\x00");
        assert_eq!(&message[8..14], b"\x07\x00\x02\x00\x00\x00");
    }
}
