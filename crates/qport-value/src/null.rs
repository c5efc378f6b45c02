//! kdb+'s null and infinity sentinels.
//!
//! kdb+ has no separate null flag: the null of an integral type is its minimum value,
//! positive infinity its maximum and negative infinity minimum + 1; floating nulls are NaN.
//! Temporal types share the sentinels of the integer they are stored in.

use crate::guid::Guid;

pub const NULL_SHORT: i16 = i16::MIN;
pub const INF_SHORT: i16 = i16::MAX;
pub const NULL_INT: i32 = i32::MIN;
pub const INF_INT: i32 = i32::MAX;
pub const NULL_LONG: i64 = i64::MIN;
pub const INF_LONG: i64 = i64::MAX;
pub const NULL_REAL: f32 = f32::NAN;
pub const INF_REAL: f32 = f32::INFINITY;
pub const NULL_FLOAT: f64 = f64::NAN;
pub const INF_FLOAT: f64 = f64::INFINITY;
/// The null char is a blank.
pub const NULL_CHAR: u8 = b' ';
pub const NULL_GUID: Guid = Guid([0; 16]);

/// The bit pattern kdb+ (x86) writes for a float null; every NaN is emitted as this.
pub const NULL_FLOAT_BITS: u64 = 0xFFF8_0000_0000_0000;
/// The bit pattern kdb+ (x86) writes for a real null.
pub const NULL_REAL_BITS: u32 = 0xFFC0_0000;

/// Whether an item is its type's null, as q's `null` answers it.
pub trait Nullable {
    fn is_null(&self) -> bool;
}

impl Nullable for i16 {
    fn is_null(&self) -> bool {
        *self == NULL_SHORT
    }
}
impl Nullable for i32 {
    fn is_null(&self) -> bool {
        *self == NULL_INT
    }
}
impl Nullable for i64 {
    fn is_null(&self) -> bool {
        *self == NULL_LONG
    }
}
impl Nullable for f32 {
    fn is_null(&self) -> bool {
        self.is_nan()
    }
}
impl Nullable for f64 {
    fn is_null(&self) -> bool {
        self.is_nan()
    }
}
impl Nullable for Guid {
    fn is_null(&self) -> bool {
        *self == NULL_GUID
    }
}
