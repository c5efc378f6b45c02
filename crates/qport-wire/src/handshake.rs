//! The connect handshake: the credentials and capability byte a client sends first.
//!
//! ```text
//! user[:password] capability NUL     e.g. "alice:secret\x06\x00"
//! user[:password] NUL                legacy clients: no capability byte, capability 0
//! ```
//!
//! The user may be empty and the password absent (no colon). Only the first `:` splits, so
//! a password may itself contain colons. A byte before the NUL below 0x20 is the capability
//! (bytes above 6 clamp to 6); a printable one means a legacy client sent only credentials.
//! The server answers with one byte, the common capability ([`Handshake::common_capability`]),
//! or closes the connection to refuse.

use std::borrow::Cow;

use crate::capability::Capability;
use crate::error::WireError;

/// The most bytes a handshake may take, NUL included.
///
/// kdb+ documents no limit. `user:password` lines are short (even an argon2 or SHA-1 line
/// is under 200 bytes), and a peer that has not authenticated yet must not be able to make
/// the server buffer an unbounded amount while it waits for a NUL.
pub const MAX_HANDSHAKE_LEN: usize = 1024;

/// The first byte that is a credential character rather than a capability.
const FIRST_PRINTABLE: u8 = 0x20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handshake {
    pub user: Vec<u8>,
    /// `None` when the client sent no colon; `Some(empty)` for `"user:"`.
    pub password: Option<Vec<u8>>,
    pub capability: Capability,
    /// The client sent no capability byte (capability is then 0).
    pub legacy: bool,
}

impl Handshake {
    /// Parses the handshake at the start of `buf`.
    ///
    /// `Ok(None)`: no NUL yet, read more. `Ok(Some((handshake, consumed)))`: `consumed`
    /// counts the bytes up to and including the NUL; anything after it is the peer's first
    /// message and is left alone. `Err(HandshakeTooLong)` once `max_len` bytes have arrived
    /// without a NUL among them.
    pub fn parse(buf: &[u8], max_len: usize) -> Result<Option<(Handshake, usize)>, WireError> {
        let window = &buf[..buf.len().min(max_len)];
        let Some(nul) = memchr::memchr(0, window) else {
            if buf.len() >= max_len {
                return Err(WireError::HandshakeTooLong(max_len));
            }
            return Ok(None);
        };
        Ok(Some((Handshake::from_line(&buf[..nul]), nul + 1)))
    }

    /// The handshake from the bytes before the NUL.
    fn from_line(line: &[u8]) -> Handshake {
        let (credentials, capability, legacy) = match line.split_last() {
            Some((&last, rest)) if last < FIRST_PRINTABLE => (rest, Capability::new(last), false),
            _ => (line, Capability::V2_5, true),
        };
        let (user, password) = match memchr::memchr(b':', credentials) {
            Some(colon) => (
                credentials[..colon].to_vec(),
                Some(credentials[colon + 1..].to_vec()),
            ),
            None => (credentials.to_vec(), None),
        };
        Handshake {
            user,
            password,
            capability,
            legacy,
        }
    }

    /// The bytes a client sends: `user[:password]`, the capability byte, NUL.
    ///
    /// A legacy handshake, or one with capability 0 (whose byte would be the NUL itself),
    /// is written without a capability byte.
    pub fn to_bytes(&self) -> Vec<u8> {
        let password_len = self.password.as_ref().map_or(0, |p| p.len() + 1);
        let mut bytes = Vec::with_capacity(self.user.len() + password_len + 2);
        bytes.extend_from_slice(&self.user);
        if let Some(password) = &self.password {
            bytes.push(b':');
            bytes.extend_from_slice(password);
        }
        if !self.legacy && self.capability.byte() != 0 {
            bytes.push(self.capability.byte());
        }
        bytes.push(0);
        bytes
    }

    /// The user name as text (invalid UTF-8 replaced), e.g. for `.z.u` and logs.
    pub fn user_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.user)
    }

    /// The password as text (invalid UTF-8 replaced); empty when none was sent.
    pub fn password_text(&self) -> Cow<'_, str> {
        match &self.password {
            Some(password) => String::from_utf8_lossy(password),
            None => Cow::Borrowed(""),
        }
    }

    /// The capability the server replies with: the lower of the client's and its own.
    pub fn common_capability(&self, server: Capability) -> Capability {
        self.capability.common(server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_max_len_refuses_at_once() {
        assert_eq!(
            Handshake::parse(b"", 0),
            Err(WireError::HandshakeTooLong(0))
        );
    }

    #[test]
    fn capability_zero_is_written_without_a_byte() {
        let handshake = Handshake {
            user: b"u".to_vec(),
            password: None,
            capability: Capability::V2_5,
            legacy: false,
        };
        assert_eq!(handshake.to_bytes(), b"u\0");
    }
}
