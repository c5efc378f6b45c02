//! `DecodeLimits`: the bounds a decoder enforces before it allocates anything.

/// Bounds on what a decoder accepts. Every length and count in a message is checked
/// against the bytes actually present and against these before memory is allocated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeLimits {
    /// The largest message, header included, before or after decompression.
    pub max_message_bytes: u64,
    /// How deeply lists, dictionaries, tables and functions may nest.
    pub max_depth: usize,
}

impl DecodeLimits {
    /// 1 GiB and 128 levels: generous for real data, small enough to survive abuse.
    pub const DEFAULT: DecodeLimits = DecodeLimits {
        max_message_bytes: 1 << 30,
        max_depth: 128,
    };

    pub fn with_max_message_bytes(self, max_message_bytes: u64) -> DecodeLimits {
        DecodeLimits {
            max_message_bytes,
            ..self
        }
    }

    pub fn with_max_depth(self, max_depth: usize) -> DecodeLimits {
        DecodeLimits { max_depth, ..self }
    }
}

impl Default for DecodeLimits {
    fn default() -> DecodeLimits {
        DecodeLimits::DEFAULT
    }
}
