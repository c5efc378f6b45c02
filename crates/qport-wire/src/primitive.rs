//! `Primitive`: fixed-width items that travel as raw little-endian bytes.
//!
//! On a little-endian host a vector of these is one memory copy each way; on a big-endian
//! host, or for a big-endian message, each item is byte-swapped.

use bytemuck::Pod;
use qport_value::{type_number as t, Guid};

pub(crate) trait Primitive: Pod {
    fn swap_bytes(self) -> Self;
}

macro_rules! primitive_int {
    ($($t:ty),*) => {$(
        impl Primitive for $t {
            fn swap_bytes(self) -> Self {
                <$t>::swap_bytes(self)
            }
        }
    )*};
}

primitive_int!(u8, i16, i32, i64);

impl Primitive for f32 {
    fn swap_bytes(self) -> Self {
        f32::from_bits(self.to_bits().swap_bytes())
    }
}

impl Primitive for f64 {
    fn swap_bytes(self) -> Self {
        f64::from_bits(self.to_bits().swap_bytes())
    }
}

/// Guids are 16 raw bytes in canonical order: byte order never applies to them.
impl Primitive for Guid {
    fn swap_bytes(self) -> Self {
        self
    }
}

/// Whether items in a message of this byte order must be swapped on this host.
pub(crate) fn needs_swap(message_big_endian: bool) -> bool {
    message_big_endian != cfg!(target_endian = "big")
}

/// Bytes per item of a typed vector of this type (1..19) on the wire; for symbols, the
/// least an item can take (its NUL). `None` for anything that is not a typed vector.
pub(crate) fn item_width(type_number: i8) -> Option<usize> {
    Some(match type_number {
        t::BOOLEAN | t::BYTE | t::CHAR | t::SYMBOL => 1,
        t::GUID => 16,
        t::SHORT => 2,
        t::INT | t::REAL | t::MONTH | t::DATE | t::MINUTE | t::SECOND | t::TIME => 4,
        t::LONG | t::FLOAT | t::TIMESTAMP | t::DATETIME | t::TIMESPAN => 8,
        _ => return None,
    })
}
