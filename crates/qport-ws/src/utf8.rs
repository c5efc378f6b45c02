//! UTF-8 validation of text that arrives in pieces (frames of a fragmented message, or reads
//! of one frame), failing at the first piece that makes the text certainly invalid.
//!
//! A piece may end inside a multi-byte character. Those (at most 3) bytes are kept until the
//! next piece completes them; they are checked at once for whether any continuation could
//! make them valid, so `F4 90` (past U+10FFFF), `ED A0` (a surrogate) or `E0 80` (overlong)
//! fail on arrival rather than at the end of the message (Autobahn 6.* "fail fast").

use crate::error::ProtocolError;

/// Checks one text message fed in pieces; [`finish`](Self::finish) ends the message.
#[derive(Default, Clone, Debug)]
pub struct Utf8Validator {
    /// The start of a character whose remaining bytes have not arrived yet.
    pending: [u8; 4],
    pending_len: u8,
}

impl Utf8Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Validates the next piece of the message. Fails as soon as the bytes seen so far cannot
    /// be the start of valid UTF-8.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), ProtocolError> {
        let mut rest = bytes;
        if self.pending_len > 0 {
            rest = self.complete_pending(rest)?;
            if self.pending_len > 0 {
                // Still incomplete: the whole piece went into the pending character.
                return Ok(());
            }
        }
        let (whole, tail) = split_incomplete_tail(rest);
        // `whole` ends before a lead byte or at the end of a complete character, so any error
        // in it is final; the common case is ASCII or complete text, checked by SIMD.
        if simdutf8::basic::from_utf8(whole).is_err() {
            return Err(ProtocolError::InvalidUtf8);
        }
        if !tail.is_empty() {
            check_prefix(tail)?;
            self.pending[..tail.len()].copy_from_slice(tail);
            self.pending_len = tail.len() as u8;
        }
        Ok(())
    }

    /// Ends the message: a character still waiting for bytes is invalid. Resets the validator
    /// for the next message either way.
    pub fn finish(&mut self) -> Result<(), ProtocolError> {
        let incomplete = self.pending_len > 0;
        self.reset();
        if incomplete {
            return Err(ProtocolError::InvalidUtf8);
        }
        Ok(())
    }

    /// Forgets any pending bytes (e.g. after an error, before the next message).
    pub fn reset(&mut self) {
        self.pending_len = 0;
    }

    /// Moves bytes from the start of `bytes` into the pending character, up to its full
    /// length, and returns what is left of `bytes`. Clears the pending character once it is
    /// complete and valid.
    fn complete_pending<'a>(&mut self, bytes: &'a [u8]) -> Result<&'a [u8], ProtocolError> {
        let have = usize::from(self.pending_len);
        let want = sequence_len(self.pending[0]);
        let take = (want - have).min(bytes.len());
        self.pending[have..have + take].copy_from_slice(&bytes[..take]);
        let len = have + take;
        check_prefix(&self.pending[..len])?;
        self.pending_len = if len == want { 0 } else { len as u8 };
        Ok(&bytes[take..])
    }
}

/// Splits off a trailing incomplete character: the last lead byte within the final 3 bytes,
/// if the bytes after it are fewer than its sequence needs. Everything before it is whole.
fn split_incomplete_tail(bytes: &[u8]) -> (&[u8], &[u8]) {
    let start = bytes.len().saturating_sub(3);
    for i in (start..bytes.len()).rev() {
        let byte = bytes[i];
        if !is_continuation(byte) {
            if bytes.len() - i < sequence_len(byte) {
                return bytes.split_at(i);
            }
            break;
        }
    }
    (bytes, &[])
}

/// Fails unless `bytes` is valid UTF-8 or a prefix that some continuation makes valid.
fn check_prefix(bytes: &[u8]) -> Result<(), ProtocolError> {
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(()),
        // The standard library reports no error length exactly when the input ends inside a
        // character whose bytes so far are allowed (RFC 3629's table, second-byte ranges
        // included).
        Err(error) if error.error_len().is_none() => Ok(()),
        Err(_) => Err(ProtocolError::InvalidUtf8),
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

/// How many bytes the character led by `byte` takes; 1 for ASCII and for bytes that cannot
/// lead (those fail validation on their own).
fn sequence_len(byte: u8) -> usize {
    match byte {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}
