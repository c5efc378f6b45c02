//! kdb+ type numbers and vector attributes.
//!
//! Type numbers are kdb+'s own: an atom of type `t` reports `-t`, a vector `t`, so the
//! numbers here are the ones `type` shows in q and the ones the IPC format writes.

/// kdb+ type numbers (`type x` in q).
pub mod type_number {
    pub const GENERAL_LIST: i8 = 0;
    pub const BOOLEAN: i8 = 1;
    pub const GUID: i8 = 2;
    pub const BYTE: i8 = 4;
    pub const SHORT: i8 = 5;
    pub const INT: i8 = 6;
    pub const LONG: i8 = 7;
    pub const REAL: i8 = 8;
    pub const FLOAT: i8 = 9;
    pub const CHAR: i8 = 10;
    pub const SYMBOL: i8 = 11;
    pub const TIMESTAMP: i8 = 12;
    pub const MONTH: i8 = 13;
    pub const DATE: i8 = 14;
    pub const DATETIME: i8 = 15;
    pub const TIMESPAN: i8 = 16;
    pub const MINUTE: i8 = 17;
    pub const SECOND: i8 = 18;
    pub const TIME: i8 = 19;
    pub const TABLE: i8 = 98;
    pub const DICTIONARY: i8 = 99;
    pub const LAMBDA: i8 = 100;
    pub const UNARY_PRIMITIVE: i8 = 101;
    pub const BINARY_PRIMITIVE: i8 = 102;
    pub const ITERATOR: i8 = 103;
    pub const PROJECTION: i8 = 104;
    pub const COMPOSITION: i8 = 105;
    pub const EACH: i8 = 106;
    pub const OVER: i8 = 107;
    pub const SCAN: i8 = 108;
    pub const EACH_PRIOR: i8 = 109;
    pub const EACH_RIGHT: i8 = 110;
    pub const EACH_LEFT: i8 = 111;
    pub const SORTED_DICTIONARY: i8 = 127;
    pub const ERROR: i8 = -128;
}

/// A vector's attribute: `s#`, `u#`, `p#`, `g#` or none. The discriminants are the
/// attribute byte kdb+ writes after a vector's type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Attribute {
    #[default]
    None = 0,
    Sorted = 1,
    Unique = 2,
    Parted = 3,
    Grouped = 4,
}

impl Attribute {
    /// The attribute for a wire byte (already stripped of the long-count flag).
    pub fn from_byte(byte: u8) -> Option<Attribute> {
        Some(match byte {
            0 => Attribute::None,
            1 => Attribute::Sorted,
            2 => Attribute::Unique,
            3 => Attribute::Parted,
            4 => Attribute::Grouped,
            _ => return None,
        })
    }

    /// The letter q prints before `#` (empty for none).
    pub fn letter(self) -> &'static str {
        match self {
            Attribute::None => "",
            Attribute::Sorted => "s",
            Attribute::Unique => "u",
            Attribute::Parted => "p",
            Attribute::Grouped => "g",
        }
    }
}
