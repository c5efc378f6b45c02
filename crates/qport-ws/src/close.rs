//! Close frames: the status codes, the payload a peer sends (code and UTF-8 reason), and the
//! payload we send.

use crate::error::ProtocolError;

/// 1000: the purpose of the connection is fulfilled.
pub const NORMAL: u16 = 1000;
/// 1001: the endpoint is going away (server shutting down, page navigated away).
pub const GOING_AWAY: u16 = 1001;
/// 1002: the peer broke the protocol.
pub const PROTOCOL_ERROR: u16 = 1002;
/// 1003: a data type the endpoint cannot accept (e.g. binary to a text-only endpoint).
pub const UNSUPPORTED_DATA: u16 = 1003;
/// 1005: reported locally when a Close frame had no code; never sent.
pub const NO_STATUS: u16 = 1005;
/// 1006: reported locally when the connection ended without a Close frame; never sent.
pub const ABNORMAL: u16 = 1006;
/// 1007: data inconsistent with the message type (text that is not UTF-8).
pub const INVALID_PAYLOAD: u16 = 1007;
/// 1008: the message violates the endpoint's policy.
pub const POLICY_VIOLATION: u16 = 1008;
/// 1009: a message too big to process.
pub const MESSAGE_TOO_BIG: u16 = 1009;
/// 1010: the client expected an extension the server did not negotiate.
pub const MANDATORY_EXTENSION: u16 = 1010;
/// 1011: the server met an unexpected condition.
pub const INTERNAL_ERROR: u16 = 1011;

/// The most a Close payload may hold: control frames carry at most 125 bytes.
const MAX_PAYLOAD: usize = 125;

/// A received or outgoing Close with a status code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseFrame {
    pub code: u16,
    pub reason: String,
}

/// The payload of a received Close frame: empty → `Ok(None)`; 1 byte → `BadCloseLength`; a
/// code that may not be sent (see [`is_valid_close_code`]) → `InvalidCloseCode`; a reason that
/// is not UTF-8 → `InvalidUtf8`.
pub fn parse_close_payload(payload: &[u8]) -> Result<Option<CloseFrame>, ProtocolError> {
    let (code, reason) = match payload {
        [] => return Ok(None),
        [_] => return Err(ProtocolError::BadCloseLength),
        [hi, lo, reason @ ..] => (u16::from_be_bytes([*hi, *lo]), reason),
    };
    if !is_valid_close_code(code) {
        return Err(ProtocolError::InvalidCloseCode(code));
    }
    let reason = simdutf8::basic::from_utf8(reason).map_err(|_| ProtocolError::InvalidUtf8)?;
    Ok(Some(CloseFrame {
        code,
        reason: reason.to_owned(),
    }))
}

/// Codes an endpoint may put in a Close frame (RFC 6455 §7.4 and the IANA "WebSocket Close
/// Code Number" registry): 1000–1003, 1007–1014, 3000–4999.
///
/// 1004 is reserved, 1005, 1006 and 1015 only report local events, 1016–2999 are reserved
/// for future protocol revisions, 3000–4999 belong to libraries and applications, and
/// anything below 1000 or above 4999 is unused. 1012 (service restart), 1013 (try again
/// later) and 1014 (bad gateway) were registered with IANA after RFC 6455, for servers and
/// gateways to send; Autobahn's lists of valid (7.7.*) and invalid (7.9.*) codes name none of
/// them, so accepting them costs no conformance.
pub fn is_valid_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

/// The payload for sending: `code` big-endian, then `reason` cut at a character boundary so
/// the whole fits in 125 bytes.
pub fn close_payload(code: u16, reason: &str) -> Vec<u8> {
    let mut end = reason.len().min(MAX_PAYLOAD - 2);
    // Back up to the start of the character that straddles the limit.
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    let mut payload = Vec::with_capacity(2 + end);
    payload.extend_from_slice(&code.to_be_bytes());
    payload.extend_from_slice(&reason.as_bytes()[..end]);
    payload
}
