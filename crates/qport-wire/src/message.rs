//! Whole messages, and the functions that mirror q: `serialize` (-8!), `deserialize`
//! (-9!) and `compress` (-18!).

use qport_value::Value;

use crate::capability::Capability;
use crate::compress::{compress_message, decompress_message};
use crate::decode::decode_body;
use crate::encode::encode_message;
use crate::error::WireError;
use crate::header::{Compression, Header, MessageKind, HEADER_LEN, MAX_MESSAGE_LEN};
use crate::limits::DecodeLimits;
use crate::receive::decompress_vector;

/// A decoded message: its kind and the value it carried.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub kind: MessageKind,
    pub value: Value,
}

/// q's `-8!x`: `x` as an async message, at the highest capability.
pub fn serialize(value: &Value) -> Result<Vec<u8>, WireError> {
    encode_message(value, MessageKind::Async, Capability::MAX)
}

/// q's `-9!x`: the value a message (compressed or not, either byte order) carries.
pub fn deserialize(message: &[u8]) -> Result<Value, WireError> {
    let limits = DecodeLimits::DEFAULT.with_max_message_bytes(MAX_MESSAGE_LEN);
    decode_message(message, &limits).map(|m| m.value)
}

/// q's `-18!x`: `x` serialized and compressed, or left uncompressed where kdb+ would
/// leave it (2000 bytes or less, or not compressible to under half).
pub fn compress(value: &Value) -> Result<Vec<u8>, WireError> {
    let message = serialize(value)?;
    Ok(compress_message(&message).unwrap_or(message))
}

/// Decodes a complete message within `limits`. An error value (-128) is accepted only as
/// the whole payload of a response.
pub fn decode_message(message: &[u8], limits: &DecodeLimits) -> Result<Message, WireError> {
    let header = Header::of_message(message, limits.max_message_bytes)?;
    let value = if header.compression == Compression::None {
        decode_body(
            &message[HEADER_LEN..],
            header.big_endian,
            limits.max_depth,
            header.kind == MessageKind::Response,
        )?
    } else if let Some(direct) = decompress_vector(message, limits.max_message_bytes)? {
        return Ok(direct);
    } else {
        let plain = decompress_message(message, limits.max_message_bytes)?;
        decode_body(
            &plain[HEADER_LEN..],
            header.big_endian,
            limits.max_depth,
            header.kind == MessageKind::Response,
        )?
    };
    Ok(Message {
        kind: header.kind,
        value,
    })
}
