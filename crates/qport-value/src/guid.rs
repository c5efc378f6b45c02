//! The 16-byte guid (type 2), kept in canonical UUID byte order as kdb+ does.

use std::fmt;

#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, bytemuck::Pod, bytemuck::Zeroable,
)]
#[repr(transparent)]
pub struct Guid(pub [u8; 16]);

impl Guid {
    /// Parses the canonical `8-4-4-4-12` hex form, as q's `"G"$` does.
    pub fn parse(text: &str) -> Option<Guid> {
        let chars = text.as_bytes();
        if chars.len() != 36 || [8, 13, 18, 23].iter().any(|&i| chars[i] != b'-') {
            return None;
        }
        let mut digits = chars.iter().filter(|&&c| c != b'-');
        let mut bytes = [0u8; 16];
        for byte in bytes.iter_mut() {
            let hi = hex_value(*digits.next()?)?;
            let lo = hex_value(*digits.next()?)?;
            *byte = (hi << 4) | lo;
        }
        Some(Guid(bytes))
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Guid({self})")
    }
}
