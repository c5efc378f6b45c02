//! The password file of kdb+'s `-u FILE` / `-U FILE`: one `user:password` per line.
//!
//! A password entry is one of:
//! - plain text;
//! - kdb+'s MD5 form: 32 hex digits of the MD5 of the password;
//! - kdb+'s SHA-1 form: 40 hex digits of the SHA-1 of the password;
//! - an argon2 PHC string (`$argon2id$v=19$m=...`), which qport adds.
//!
//! kdb+ does not document how it tells the first three apart, so a password is accepted if
//! it equals the entry, or its MD5 or SHA-1 digest equals a 32- or 40-hex entry (hex in
//! either case). A PHC entry is only ever checked with argon2: it is our own form, and
//! accepting the hash itself as a password would make a leaked file as good as the passwords.

use std::collections::HashMap;
use std::fmt;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use md5::{Digest, Md5};
use sha1::Sha1;
use subtle::{Choice, ConstantTimeEq};

/// What a client may do beyond the handshake once the file has let it in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileAccess {
    /// `-U FILE`: passwords only.
    Unrestricted,
    /// `-u FILE`: also confines remote clients: no system commands, no files outside the
    /// current directory, no `exit` or `hdel`.
    Restricted,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("password file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("password file line {line}: no ':' between user and password")]
    MissingColon { line: usize },
    #[error("password file line {line}: user {user:?} already appears on line {first_line}")]
    DuplicateUser {
        line: usize,
        first_line: usize,
        user: String,
    },
    #[error("password file line {line}: not a usable argon2 PHC string: {reason}")]
    BadPhc { line: usize, reason: String },
}

/// The users of a password file and how each one's password is checked.
///
/// Cloning is cheap (the entries are shared), so a connection can take its own copy to a
/// blocking thread for the hashing.
#[derive(Clone)]
pub struct PasswordFile {
    entries: Arc<HashMap<Vec<u8>, Entry>>,
    pub access: FileAccess,
}

struct Entry {
    secret: Secret,
    line: usize,
}

enum Secret {
    /// A kdb+ entry: plain text, and its reading as a digest when it has a digest's shape.
    Text {
        plain: Vec<u8>,
        md5: Option<[u8; 16]>,
        sha1: Option<[u8; 20]>,
    },
    /// A PHC string, checked to parse with usable argon2 parameters when the file loaded.
    Argon2(String),
}

const ARGON2_PREFIX: &[u8] = b"$argon2";

impl PasswordFile {
    /// Reads the file at `path`. Its bytes are taken as they are (not required to be
    /// UTF-8), as the handshake's credentials are.
    pub fn load(path: &Path, access: FileAccess) -> Result<PasswordFile, AuthError> {
        let bytes = std::fs::read(path).map_err(|source| AuthError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        PasswordFile::parse_bytes(&bytes, access)
    }

    pub fn parse(text: &str, access: FileAccess) -> Result<PasswordFile, AuthError> {
        PasswordFile::parse_bytes(text.as_bytes(), access)
    }

    fn parse_bytes(bytes: &[u8], access: FileAccess) -> Result<PasswordFile, AuthError> {
        let mut entries: HashMap<Vec<u8>, Entry> = HashMap::new();
        for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            let line = index + 1;
            // Files written on Windows end lines with "\r\n".
            let text = raw.strip_suffix(b"\r").unwrap_or(raw);
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let colon = text
                .iter()
                .position(|&b| b == b':')
                .ok_or(AuthError::MissingColon { line })?;
            // The first ':' ends the user, so a password may contain ':'.
            let (user, password) = (&text[..colon], &text[colon + 1..]);
            if let Some(first) = entries.get(user) {
                return Err(AuthError::DuplicateUser {
                    line,
                    first_line: first.line,
                    user: String::from_utf8_lossy(user).into_owned(),
                });
            }
            let secret = Secret::from_entry(password, line)?;
            entries.insert(user.to_vec(), Entry { secret, line });
        }
        Ok(PasswordFile {
            entries: Arc::new(entries),
            access,
        })
    }

    /// Whether `password` is `user`'s password. An unknown user is refused.
    pub fn verify(&self, user: &[u8], password: &[u8]) -> bool {
        match self.entries.get(user) {
            Some(entry) => entry.secret.matches(password),
            None => {
                // Hash the password all the same, so that an unknown user is not answered
                // visibly faster than a known one with a kdb+ entry.
                black_box(UNKNOWN_USER.matches(password));
                false
            }
        }
    }

    pub fn access(&self) -> FileAccess {
        self.access
    }

    /// The number of users in the file.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains_user(&self, user: &[u8]) -> bool {
        self.entries.contains_key(user)
    }
}

/// Users only; never the secrets.
impl fmt::Debug for PasswordFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut users: Vec<_> = self
            .entries
            .keys()
            .map(|user| String::from_utf8_lossy(user))
            .collect();
        users.sort();
        f.debug_struct("PasswordFile")
            .field("users", &users)
            .field("access", &self.access)
            .finish()
    }
}

/// Checked in place of a missing user's entry; nothing matches it.
const UNKNOWN_USER: Secret = Secret::Text {
    plain: Vec::new(),
    md5: Some([0; 16]),
    sha1: Some([0; 20]),
};

impl Secret {
    fn from_entry(entry: &[u8], line: usize) -> Result<Secret, AuthError> {
        if entry.starts_with(ARGON2_PREFIX) {
            return check_phc(entry)
                .map(Secret::Argon2)
                .map_err(|reason| AuthError::BadPhc { line, reason });
        }
        Ok(Secret::Text {
            plain: entry.to_vec(),
            md5: decode_hex(entry),
            sha1: decode_hex(entry),
        })
    }

    fn matches(&self, password: &[u8]) -> bool {
        match self {
            Secret::Text { plain, md5, sha1 } => {
                // Every check runs whatever the entry's form; only the result depends on it.
                let md5_digest: [u8; 16] = Md5::digest(password).into();
                let sha1_digest: [u8; 20] = Sha1::digest(password).into();
                let as_plain = plain.as_slice().ct_eq(password);
                let as_md5 = digest_matches(md5.as_ref(), &md5_digest);
                let as_sha1 = digest_matches(sha1.as_ref(), &sha1_digest);
                (as_plain | as_md5 | as_sha1).into()
            }
            // The PHC string parsed when the file loaded; argon2 compares in constant time.
            Secret::Argon2(phc) => PasswordHash::new(phc)
                .is_ok_and(|hash| Argon2::default().verify_password(password, &hash).is_ok()),
        }
    }
}

fn digest_matches<const N: usize>(entry: Option<&[u8; N]>, digest: &[u8; N]) -> Choice {
    match entry {
        Some(entry) => entry.ct_eq(digest),
        None => Choice::from(0),
    }
}

/// The PHC string, if argon2 can verify passwords against it; else why not.
fn check_phc(entry: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(entry).map_err(|_| "not ASCII".to_string())?;
    let hash = PasswordHash::new(text).map_err(|e| e.to_string())?;
    argon2::Algorithm::try_from(hash.algorithm).map_err(|e| e.to_string())?;
    if let Some(version) = hash.version {
        argon2::Version::try_from(version).map_err(|e| e.to_string())?;
    }
    argon2::Params::try_from(&hash).map_err(|e| e.to_string())?;
    if hash.salt.is_none() || hash.hash.is_none() {
        return Err("no salt or no hash".to_string());
    }
    Ok(text.to_string())
}

/// `N` bytes from exactly `2 * N` hex digits of either case.
fn decode_hex<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    if text.len() != 2 * N {
        return None;
    }
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
        *byte = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
    }
    Some(bytes)
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_of_the_wrong_length_is_not_a_digest() {
        assert_eq!(decode_hex::<2>(b"abc"), None);
        assert_eq!(decode_hex::<2>(b"abcd"), Some([0xab, 0xcd]));
        assert_eq!(decode_hex::<2>(b"ABCD"), Some([0xab, 0xcd]));
        assert_eq!(decode_hex::<2>(b"abcg"), None);
    }

    #[test]
    fn debug_shows_no_secret() {
        let file = PasswordFile::parse("alice:hunter2\n", FileAccess::Restricted).unwrap();
        let text = format!("{file:?}");
        assert!(text.contains("alice") && !text.contains("hunter2"));
    }
}
