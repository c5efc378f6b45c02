//! The capability byte of the connect handshake: what the two ends can carry.
//!
//! 0: kdb+ 2.5 (no timestamp, timespan or guid, no compression); 1–2: compression,
//! timestamp, timespan; 3: guid; 4: reserved (treated as 3); 5: messages over 2 GB;
//! 6: also vectors of more than 2^31−1 items.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Capability(u8);

impl Capability {
    pub const V2_5: Capability = Capability(0);
    pub const V2_6: Capability = Capability(1);
    pub const V3_0: Capability = Capability(3);
    pub const LARGE_MESSAGES: Capability = Capability(5);
    pub const LONG_VECTORS: Capability = Capability(6);
    /// The highest capability qport speaks.
    pub const MAX: Capability = Capability::LONG_VECTORS;

    /// The capability for a handshake byte; bytes above 6 mean "the most you have".
    pub fn new(byte: u8) -> Capability {
        Capability(byte.min(Capability::MAX.0))
    }

    pub fn byte(self) -> u8 {
        self.0
    }

    /// The capability both ends share, which the server sends back.
    pub fn common(self, other: Capability) -> Capability {
        self.min(other)
    }

    pub fn carries_compression(self) -> bool {
        self.0 >= 1
    }

    /// Timestamp (12) and timespan (16).
    pub fn carries_nanosecond_types(self) -> bool {
        self.0 >= 1
    }

    pub fn carries_guid(self) -> bool {
        self.0 >= 3
    }

    /// Messages over 2^31 − 1 bytes (up to 1 TB): an unsigned length, extended by byte 3.
    pub fn carries_large_messages(self) -> bool {
        self.0 >= 5
    }

    /// Vectors of more than 2^31−1 items.
    pub fn carries_long_vectors(self) -> bool {
        self.0 >= 6
    }
}

impl Default for Capability {
    fn default() -> Capability {
        Capability::MAX
    }
}
