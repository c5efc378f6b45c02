//! Cast between the numeric types (boolean, byte, short, int, long, real, float, char),
//! and between numbers and temporals by their underlying number.
//!
//! kdb+'s rules, item by item:
//! - a null stays null (int, long and float nulls; a byte or boolean has none);
//! - widening keeps the value, so an infinity becomes an ordinary number (`` `float$0Wh``
//!   is `32767f`);
//! - narrowing an integer saturates at the target's infinities (so `"x"$` of a long
//!   above `0Wi` is `0xff`, as kdb+ documents);
//! - float to an integer rounds to nearest, halves away from zero; the float's
//!   infinities become the target's;
//! - to boolean: anything non-zero is true;
//! - to byte or char: the low 8 bits of the (int-saturated) integer.
//!
//! A temporal is taken as its underlying number: a timestamp or timespan as a long, a
//! datetime as a float, the others as an int. Every conversion is one `map` over a
//! slice, monomorphised per source and target type.

use qport_value::null::*;
use qport_value::{Value, Vector};

/// A target item type, built from any numeric source item.
pub(crate) trait Num: Copy {
    fn from_bool(x: bool) -> Self;
    fn from_u8(x: u8) -> Self;
    fn from_i16(x: i16) -> Self;
    fn from_i32(x: i32) -> Self;
    fn from_i64(x: i64) -> Self;
    fn from_f32(x: f32) -> Self {
        Self::from_f64(f64::from(x))
    }
    fn from_f64(x: f64) -> Self;
}

impl Num for bool {
    fn from_bool(x: bool) -> bool {
        x
    }
    fn from_u8(x: u8) -> bool {
        x != 0
    }
    fn from_i16(x: i16) -> bool {
        x != 0
    }
    fn from_i32(x: i32) -> bool {
        x != 0
    }
    fn from_i64(x: i64) -> bool {
        x != 0
    }
    fn from_f64(x: f64) -> bool {
        // A NaN is not zero: `"b"$0n` is 1b.
        x != 0.0
    }
}

impl Num for u8 {
    fn from_bool(x: bool) -> u8 {
        u8::from(x)
    }
    fn from_u8(x: u8) -> u8 {
        x
    }
    fn from_i16(x: i16) -> u8 {
        x as u8
    }
    fn from_i32(x: i32) -> u8 {
        x as u8
    }
    fn from_i64(x: i64) -> u8 {
        // kdb+ goes through int, saturating: longs above 0Wi give 0xff.
        i32_of_i64(x) as u8
    }
    fn from_f64(x: f64) -> u8 {
        u8::from_i64(i64::from_f64(x))
    }
}

impl Num for i16 {
    fn from_bool(x: bool) -> i16 {
        i16::from(x)
    }
    fn from_u8(x: u8) -> i16 {
        i16::from(x)
    }
    fn from_i16(x: i16) -> i16 {
        x
    }
    fn from_i32(x: i32) -> i16 {
        if x == NULL_INT {
            NULL_SHORT
        } else {
            x.clamp(-i32::from(INF_SHORT), i32::from(INF_SHORT)) as i16
        }
    }
    fn from_i64(x: i64) -> i16 {
        if x == NULL_LONG {
            NULL_SHORT
        } else {
            x.clamp(-i64::from(INF_SHORT), i64::from(INF_SHORT)) as i16
        }
    }
    fn from_f64(x: f64) -> i16 {
        if x.is_nan() {
            NULL_SHORT
        } else {
            // `as` saturates; the low end is the null, so stop one above it.
            (x.round() as i16).max(-INF_SHORT)
        }
    }
}

impl Num for i32 {
    fn from_bool(x: bool) -> i32 {
        i32::from(x)
    }
    fn from_u8(x: u8) -> i32 {
        i32::from(x)
    }
    fn from_i16(x: i16) -> i32 {
        if x == NULL_SHORT {
            NULL_INT
        } else {
            i32::from(x)
        }
    }
    fn from_i32(x: i32) -> i32 {
        x
    }
    fn from_i64(x: i64) -> i32 {
        i32_of_i64(x)
    }
    fn from_f64(x: f64) -> i32 {
        if x.is_nan() {
            NULL_INT
        } else {
            (x.round() as i32).max(-INF_INT)
        }
    }
}

impl Num for i64 {
    fn from_bool(x: bool) -> i64 {
        i64::from(x)
    }
    fn from_u8(x: u8) -> i64 {
        i64::from(x)
    }
    fn from_i16(x: i16) -> i64 {
        if x == NULL_SHORT {
            NULL_LONG
        } else {
            i64::from(x)
        }
    }
    fn from_i32(x: i32) -> i64 {
        if x == NULL_INT {
            NULL_LONG
        } else {
            i64::from(x)
        }
    }
    fn from_i64(x: i64) -> i64 {
        x
    }
    fn from_f64(x: f64) -> i64 {
        if x.is_nan() {
            NULL_LONG
        } else {
            (x.round() as i64).max(-INF_LONG)
        }
    }
}

impl Num for f32 {
    fn from_bool(x: bool) -> f32 {
        f32::from(u8::from(x))
    }
    fn from_u8(x: u8) -> f32 {
        f32::from(x)
    }
    fn from_i16(x: i16) -> f32 {
        if x == NULL_SHORT {
            NULL_REAL
        } else {
            f32::from(x)
        }
    }
    fn from_i32(x: i32) -> f32 {
        if x == NULL_INT {
            NULL_REAL
        } else {
            x as f32
        }
    }
    fn from_i64(x: i64) -> f32 {
        if x == NULL_LONG {
            NULL_REAL
        } else {
            x as f32
        }
    }
    fn from_f32(x: f32) -> f32 {
        x
    }
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
}

impl Num for f64 {
    fn from_bool(x: bool) -> f64 {
        f64::from(u8::from(x))
    }
    fn from_u8(x: u8) -> f64 {
        f64::from(x)
    }
    fn from_i16(x: i16) -> f64 {
        if x == NULL_SHORT {
            NULL_FLOAT
        } else {
            f64::from(x)
        }
    }
    fn from_i32(x: i32) -> f64 {
        if x == NULL_INT {
            NULL_FLOAT
        } else {
            f64::from(x)
        }
    }
    fn from_i64(x: i64) -> f64 {
        if x == NULL_LONG {
            NULL_FLOAT
        } else {
            x as f64
        }
    }
    fn from_f64(x: f64) -> f64 {
        x
    }
}

/// A long as an int: null to null, saturating at the int infinities.
fn i32_of_i64(x: i64) -> i32 {
    if x == NULL_LONG {
        NULL_INT
    } else {
        x.clamp(-i64::from(INF_INT), i64::from(INF_INT)) as i32
    }
}

fn map<S: Copy, T>(items: &[S], f: impl Fn(S) -> T) -> Vec<T> {
    items.iter().map(|&x| f(x)).collect()
}

/// The items of a numeric, char or temporal vector as `T`s; `None` for a vector of
/// another type (symbol, guid, general list).
pub(crate) fn items_as<T: Num>(y: &Value) -> Option<Vec<T>> {
    Some(match y {
        Value::BoolVector(v) => map(v, T::from_bool),
        Value::ByteVector(v) | Value::CharVector(v) => map(v, T::from_u8),
        Value::ShortVector(v) => map(v, T::from_i16),
        Value::IntVector(v)
        | Value::MonthVector(v)
        | Value::DateVector(v)
        | Value::MinuteVector(v)
        | Value::SecondVector(v)
        | Value::TimeVector(v) => map(v, T::from_i32),
        Value::LongVector(v) | Value::TimestampVector(v) | Value::TimespanVector(v) => {
            map(v, T::from_i64)
        }
        Value::RealVector(v) => map(v, T::from_f32),
        Value::FloatVector(v) | Value::DatetimeVector(v) => map(v, T::from_f64),
        _ => return None,
    })
}

/// A numeric, char or temporal vector cast by number to vector type `target` (a
/// numeric, char or temporal type); `None` when `y` holds no numbers.
pub(crate) fn by_number(target: i8, y: &Value) -> Option<Value> {
    fn v<T>(items: Vec<T>) -> Vector<T> {
        Vector::from(items)
    }
    Some(match target {
        1 => Value::BoolVector(v(items_as(y)?)),
        4 => Value::ByteVector(v(items_as(y)?)),
        5 => Value::ShortVector(v(items_as(y)?)),
        6 => Value::IntVector(v(items_as(y)?)),
        7 => Value::LongVector(v(items_as(y)?)),
        8 => Value::RealVector(v(items_as(y)?)),
        9 => Value::FloatVector(v(items_as(y)?)),
        10 => Value::CharVector(v(items_as(y)?)),
        12 => Value::TimestampVector(v(items_as(y)?)),
        13 => Value::MonthVector(v(items_as(y)?)),
        14 => Value::DateVector(v(items_as(y)?)),
        15 => Value::DatetimeVector(v(items_as(y)?)),
        16 => Value::TimespanVector(v(items_as(y)?)),
        17 => Value::MinuteVector(v(items_as(y)?)),
        18 => Value::SecondVector(v(items_as(y)?)),
        19 => Value::TimeVector(v(items_as(y)?)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_keeps_nulls_but_not_infinities() {
        assert_eq!(i64::from_i32(NULL_INT), NULL_LONG);
        assert_eq!(i64::from_i32(INF_INT), 2_147_483_647);
        assert_eq!(f64::from_i16(INF_SHORT), 32767.0);
        assert!(f64::from_i64(NULL_LONG).is_nan());
        assert!(f32::from_i16(NULL_SHORT).is_nan());
    }

    #[test]
    fn narrowing_saturates_at_infinities() {
        assert_eq!(i32::from_i64(INF_LONG), INF_INT);
        assert_eq!(i32::from_i64(-INF_LONG), -INF_INT);
        assert_eq!(i32::from_i64(NULL_LONG), NULL_INT);
        assert_eq!(i16::from_i32(40_000), INF_SHORT);
        assert_eq!(i16::from_i64(NULL_LONG), NULL_SHORT);
        assert_eq!(i32::from_i64(-5), -5);
    }

    #[test]
    fn floats_round_to_nearest() {
        assert_eq!(i64::from_f64(6.6), 7);
        assert_eq!(i64::from_f64(-6.6), -7);
        assert_eq!(i64::from_f64(6.1), 6);
        assert_eq!(i64::from_f64(2.5), 3);
        assert_eq!(i64::from_f64(-2.5), -3);
        assert_eq!(i64::from_f64(f64::NAN), NULL_LONG);
        assert_eq!(i64::from_f64(f64::INFINITY), INF_LONG);
        assert_eq!(i64::from_f64(f64::NEG_INFINITY), -INF_LONG);
        assert_eq!(i32::from_f64(f64::NEG_INFINITY), -INF_INT);
        assert_eq!(i16::from_f64(f64::NAN), NULL_SHORT);
        assert_eq!(i32::from_f32(2.5), 3);
    }

    #[test]
    fn booleans_and_bytes() {
        assert!(bool::from_u8(b' '));
        assert!(!bool::from_u8(0));
        assert!(bool::from_f64(f64::NAN));
        assert!(!bool::from_f64(0.0));
        assert_eq!(u8::from_i32(INF_INT - 2), 0xfd);
        assert_eq!(u8::from_i64(i64::from(INF_INT) + 1), 0xff);
        assert_eq!(u8::from_i64(i64::from(INF_INT) + 2), 0xff);
        assert_eq!(u8::from_i64(258), 2);
        assert_eq!(u8::from_i16(-1), 0xff);
    }

    #[test]
    fn vectors_by_number() {
        let chars = Value::string("AC");
        assert_eq!(
            by_number(9, &chars),
            Some(Value::FloatVector(vec![65.0, 67.0].into()))
        );
        let dates = Value::DateVector(vec![-365, 365].into());
        assert_eq!(by_number(7, &dates), Some(Value::from(vec![-365i64, 365])));
        assert_eq!(
            by_number(14, &Value::from(vec![42i64])),
            Some(Value::DateVector(vec![42].into()))
        );
        assert_eq!(by_number(7, &Value::symbols(["a"])), None);
    }
}
