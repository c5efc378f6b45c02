//! Arithmetic: `+ - * %`, `&` (`and`), `|` (`or`), `^` (fill), `div`, `mod`, `xexp`,
//! `xlog`, `xbar`, and (from [`unary`]) `neg abs signum reciprocal floor ceiling sqrt exp
//! log sin cos tan asin acos atan not null`.
//!
//! Every one is atomic (`atomic`); on two atoms or typed vectors the result type comes
//! from kdb+'s promotion tables (`types`) and the loop runs over typed slices
//! (`native`): a long, int or float argument of the result's type is read in place, and
//! a uniquely owned one is overwritten rather than copied.

#[path = "arith_atomic.rs"]
pub(crate) mod atomic;
#[path = "arith_native.rs"]
pub(crate) mod native;
#[cfg(test)]
#[path = "arith_testing.rs"]
pub(crate) mod testing;
#[path = "arith_types.rs"]
pub(crate) mod types;
#[path = "arith_unary.rs"]
pub mod unary;

pub use unary::{
    abs, acos, asin, atan, ceiling, cos, exp, floor, log, neg, not, null, reciprocal, signum, sin,
    sqrt, tan,
};

use qport_value::null::{NULL_INT, NULL_LONG};
use qport_value::{Guid, Symbol, Value};

use atomic::atomic2;
use native::{
    conform, emit2, emit2_float, emit2_float_lazy, emit2_long, float_lanes, float_lanes_lazy, kind,
    long_lanes, nat, same2, Nat, Src,
};
use types::{
    arith_conv, is_floating, is_numeric_like, is_temporal, lookup, order_conv, Conv, Table, ADD,
    BOOL, BYTE, CHAR, FLOAT, GUID, INT, LESSER, LONG, MOD, MULTIPLY, REAL, SHORT, SUBTRACT, SYMBOL,
    TIMESPAN,
};

use crate::error::{QError, QResult};

/// One arithmetic operation in each of the lanes it may run in. Whole numbers wrap (kdb+
/// does not check for overflow) and a null argument gives null.
trait Arith {
    fn long(a: i64, b: i64) -> i64;
    fn int(a: i32, b: i32) -> i32;
    fn float(a: f64, b: f64) -> f64;
    fn real(a: f32, b: f32) -> f32;
}

macro_rules! arith_op {
    ($name:ident, $wrapping:ident, $op:tt) => {
        struct $name;
        impl Arith for $name {
            #[inline(always)]
            fn long(a: i64, b: i64) -> i64 {
                if a == NULL_LONG || b == NULL_LONG {
                    NULL_LONG
                } else {
                    a.$wrapping(b)
                }
            }
            #[inline(always)]
            fn int(a: i32, b: i32) -> i32 {
                if a == NULL_INT || b == NULL_INT {
                    NULL_INT
                } else {
                    a.$wrapping(b)
                }
            }
            #[inline(always)]
            fn float(a: f64, b: f64) -> f64 {
                a $op b
            }
            #[inline(always)]
            fn real(a: f32, b: f32) -> f32 {
                a $op b
            }
        }
    };
}

arith_op!(Plus, wrapping_add, +);
arith_op!(Minus, wrapping_sub, -);
arith_op!(Times, wrapping_mul, *);

/// `+`, `-` or `*` on two simple arguments: the result type from `table`, each argument
/// converted into its units, then the operation in long or float lanes.
fn arith<O: Arith>(table: &Table, x: Value, y: Value) -> QResult {
    let (xt, yt) = (kind(&x), kind(&y));
    let rt = lookup(table, xt, yt).ok_or_else(QError::type_)?;
    conform(&x, &y)?;
    let (cx, cy) = (arith_conv(xt, rt), arith_conv(yt, rt));
    if cx == Conv::Raw && cy == Conv::Raw && nat(xt) == nat(rt) && nat(yt) == nat(rt) {
        match nat(rt) {
            Nat::Long => return same2::<i64>(x, y, rt, O::long),
            Nat::Int => return same2::<i32>(x, y, rt, O::int),
            Nat::Float => return same2::<f64>(x, y, rt, O::float),
            Nat::Real => return same2::<f32>(x, y, rt, O::real),
            _ => {}
        }
    }
    if is_floating(rt) {
        let (a, b) = (float_lanes_lazy(&x, cx)?, float_lanes_lazy(&y, cy)?);
        Ok(emit2_float_lazy(rt, &a, &b, O::float))
    } else {
        let (a, b) = (long_lanes(&x, cx)?, long_lanes(&y, cy)?);
        Ok(emit2_long(rt, &a, &b, O::long))
    }
}

/// `x+y`: add. Booleans, bytes and shorts add as ints; a date plus a time is a timestamp.
pub fn add(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| arith::<Plus>(&ADD, x, y))
}

/// `x-y`: subtract. Timestamp minus timestamp is a timespan, date minus date an int.
pub fn subtract(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| arith::<Minus>(&SUBTRACT, x, y))
}

/// `x*y`: multiply.
pub fn multiply(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| arith::<Times>(&MULTIPLY, x, y))
}

/// `x%y`: divide, always giving floats (of the underlying values, for temporals).
pub fn divide(x: Value, y: Value) -> QResult {
    atomic2(x, y, &divide_simple)
}

fn divide_simple(x: Value, y: Value) -> QResult {
    let (xt, yt) = (kind(&x), kind(&y));
    if !is_numeric_like(xt) || !is_numeric_like(yt) {
        return Err(QError::type_());
    }
    conform(&x, &y)?;
    if nat(xt) == Nat::Float && nat(yt) == Nat::Float {
        return same2::<f64>(x, y, FLOAT, |a, b| a / b);
    }
    let (a, b) = (
        float_lanes_lazy(&x, Conv::Raw)?,
        float_lanes_lazy(&y, Conv::Raw)?,
    );
    Ok(emit2_float_lazy(FLOAT, &a, &b, |p, q| p / q))
}

/// The common type of two arguments of `& | ^` and the comparisons (the higher type; a
/// point in time against a time of day is reduced to its time of day), and how each
/// argument is converted into it.
pub(crate) fn order_plan(xt: i8, yt: i8) -> QResult<(i8, Conv, Conv)> {
    let rt = lookup(&LESSER, xt, yt).ok_or_else(QError::type_)?;
    if is_temporal(xt) && is_temporal(yt) {
        Ok((rt, order_conv(xt, rt), order_conv(yt, rt)))
    } else {
        Ok((rt, Conv::Raw, Conv::Raw))
    }
}

/// The lesser float, a null (NaN) being less than anything.
#[inline(always)]
fn float_min(a: f64, b: f64) -> f64 {
    if b < a || b.is_nan() {
        b
    } else {
        a
    }
}

/// The greater float, a null (NaN) losing to anything.
#[inline(always)]
fn float_max(a: f64, b: f64) -> f64 {
    if b > a || a.is_nan() {
        b
    } else {
        a
    }
}

/// `x&y` (`and`): the lesser, in the higher of the two types; for flags logical and.
pub fn min2(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| extreme(x, y, false))
}

/// `x|y` (`or`): the greater, in the higher of the two types; for flags logical or.
pub fn max2(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| extreme(x, y, true))
}

/// The lesser (or greater) of two simple arguments. Whole-number nulls are their type's
/// minimum, so integer `min`/`max` already treat null as the least value.
fn extreme(x: Value, y: Value, greater: bool) -> QResult {
    let (xt, yt) = (kind(&x), kind(&y));
    let (rt, cx, cy) = order_plan(xt, yt)?;
    conform(&x, &y)?;
    if cx == Conv::Raw && cy == Conv::Raw && nat(xt) == nat(rt) && nat(yt) == nat(rt) {
        macro_rules! pick {
            ($t:ty) => {
                if greater {
                    same2::<$t>(x, y, rt, |a, b| a.max(b))
                } else {
                    same2::<$t>(x, y, rt, |a, b| a.min(b))
                }
            };
        }
        match nat(rt) {
            Nat::Bool => return pick!(bool),
            Nat::Byte => return pick!(u8),
            Nat::Short => return pick!(i16),
            Nat::Int => return pick!(i32),
            Nat::Long => return pick!(i64),
            Nat::Float if greater => return same2::<f64>(x, y, rt, float_max),
            Nat::Float => return same2::<f64>(x, y, rt, float_min),
            _ => {}
        }
    }
    if is_floating(rt) {
        let (a, b) = (float_lanes(&x, cx)?, float_lanes(&y, cy)?);
        Ok(match greater {
            true => emit2_float(rt, &a, &b, float_max),
            false => emit2_float(rt, &a, &b, float_min),
        })
    } else {
        let (a, b) = (long_lanes(&x, cx)?, long_lanes(&y, cy)?);
        Ok(match greater {
            true => emit2_long(rt, &a, &b, i64::max),
            false => emit2_long(rt, &a, &b, i64::min),
        })
    }
}

/// `x^y`: fill, `y` with its nulls replaced by the matching items of `x` (in the higher
/// of the two types). Two dictionaries fill over the union of their keys.
pub fn fill(x: Value, y: Value) -> QResult {
    atomic2(x, y, &fill_simple)
}

fn fill_simple(x: Value, y: Value) -> QResult {
    let (xt, yt) = (kind(&x), kind(&y));
    if xt == SYMBOL || yt == SYMBOL || xt == GUID || yt == GUID {
        if xt != yt {
            return Err(QError::type_());
        }
        conform(&x, &y)?;
        return if xt == SYMBOL {
            same2::<Symbol>(x, y, SYMBOL, |a, b| if b.is_empty() { a } else { b })
        } else {
            same2::<Guid>(x, y, GUID, |a, b| if b == Guid::default() { a } else { b })
        };
    }
    let (rt, cx, cy) = order_plan(xt, yt)?;
    conform(&x, &y)?;
    if cx == Conv::Raw && cy == Conv::Raw && nat(xt) == nat(rt) && nat(yt) == nat(rt) {
        match nat(rt) {
            Nat::Long => return same2::<i64>(x, y, rt, |a, b| if b == NULL_LONG { a } else { b }),
            Nat::Int => return same2::<i32>(x, y, rt, |a, b| if b == NULL_INT { a } else { b }),
            Nat::Float => return same2::<f64>(x, y, rt, |a, b| if b.is_nan() { a } else { b }),
            Nat::Real => return same2::<f32>(x, y, rt, |a, b| if b.is_nan() { a } else { b }),
            _ => {}
        }
    }
    if is_floating(rt) {
        let (a, b) = (float_lanes(&x, cx)?, float_lanes(&y, cy)?);
        return Ok(emit2_float(
            rt,
            &a,
            &b,
            |p, q| if q.is_nan() { p } else { q },
        ));
    }
    let a = long_lanes(&x, cx)?;
    // A blank is the char null; in long lanes it would be the plain code 32.
    let b = match &y {
        Value::Char(c) => Src::Atom(char_lane(*c)),
        Value::CharVector(v) => Src::Many(v.iter().map(|&c| char_lane(c)).collect()),
        _ => long_lanes(&y, cy)?,
    };
    Ok(emit2_long(
        rt,
        &a,
        &b,
        |p, q| if q == NULL_LONG { p } else { q },
    ))
}

#[inline]
fn char_lane(c: u8) -> i64 {
    if c == b' ' {
        NULL_LONG
    } else {
        i64::from(c)
    }
}

/// The result type of `x div y`: the left argument's, except that booleans, bytes,
/// shorts and chars give ints and reals floats.
fn div_type(xt: i8) -> i8 {
    match xt {
        BOOL | BYTE | SHORT | INT | CHAR => INT,
        REAL | FLOAT => FLOAT,
        other => other,
    }
}

/// `x div y`: the greatest whole number not above `x%y`.
pub fn div(x: Value, y: Value) -> QResult {
    atomic2(x, y, &div_simple)
}

fn div_simple(x: Value, y: Value) -> QResult {
    let (xt, yt) = (kind(&x), kind(&y));
    if !is_numeric_like(xt) || !is_numeric_like(yt) {
        return Err(QError::type_());
    }
    conform(&x, &y)?;
    let rt = div_type(xt);
    if is_floating(xt) || is_floating(yt) {
        let (a, b) = (float_lanes(&x, Conv::Raw)?, float_lanes(&y, Conv::Raw)?);
        return Ok(emit2_float(rt, &a, &b, |p, q| (p / q).floor()));
    }
    let (a, b) = (long_lanes(&x, Conv::Raw)?, long_lanes(&y, Conv::Raw)?);
    Ok(emit2_long(rt, &a, &b, floor_div))
}

/// Whole-number division rounding down; null for a null argument or a zero divisor.
#[inline(always)]
fn floor_div(a: i64, b: i64) -> i64 {
    if a == NULL_LONG || b == NULL_LONG || b == 0 {
        return NULL_LONG;
    }
    let q = a.wrapping_div(b);
    if a.wrapping_rem(b) != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

/// `x mod y`: the remainder of `x%y`, with the sign of `y`.
pub fn mod_(x: Value, y: Value) -> QResult {
    atomic2(x, y, &mod_simple)
}

fn mod_simple(x: Value, y: Value) -> QResult {
    let (xt, yt) = (kind(&x), kind(&y));
    let rt = lookup(&MOD, xt, yt).ok_or_else(QError::type_)?;
    conform(&x, &y)?;
    if is_floating(rt) || is_floating(xt) || is_floating(yt) {
        let (a, b) = (float_lanes(&x, Conv::Raw)?, float_lanes(&y, Conv::Raw)?);
        return Ok(emit2_float(rt, &a, &b, |p, q| p - q * (p / q).floor()));
    }
    let (a, b) = (long_lanes(&x, Conv::Raw)?, long_lanes(&y, Conv::Raw)?);
    Ok(emit2_long(rt, &a, &b, floor_mod))
}

/// The remainder after rounding-down division (sign of the divisor); a zero divisor
/// leaves the dividend.
#[inline(always)]
fn floor_mod(a: i64, b: i64) -> i64 {
    if a == NULL_LONG || b == NULL_LONG {
        return NULL_LONG;
    }
    if b == 0 {
        return a;
    }
    let r = a.wrapping_rem(b);
    if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    }
}

/// Whether `t` is a type `xexp` takes: boolean or a number (not a char or temporal).
fn is_plain_number(t: i8) -> bool {
    matches!(t, BOOL | BYTE | SHORT | INT | LONG | REAL | FLOAT)
}

/// `x xexp y`: `x` to the power `y`, as a float, computed as kdb+ does as `exp y*log x`
/// (so a negative or null `x` gives null).
pub fn xexp(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| {
        let (xt, yt) = (kind(&x), kind(&y));
        if !is_plain_number(xt) || !is_plain_number(yt) {
            return Err(QError::type_());
        }
        conform(&x, &y)?;
        let (a, b) = (float_lanes(&x, Conv::Raw)?, float_lanes(&y, Conv::Raw)?);
        Ok(emit2(FLOAT, &a, &b, |p: f64, q: f64| (q * p.ln()).exp()))
    })
}

/// `x xlog y`: the base-`x` logarithm of `y`, as a float.
pub fn xlog(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| {
        let (xt, yt) = (kind(&x), kind(&y));
        let ok = |t: i8| is_numeric_like(t) && t != types::DATETIME;
        if !ok(xt) || !ok(yt) {
            return Err(QError::type_());
        }
        conform(&x, &y)?;
        let (a, b) = (float_lanes(&x, Conv::Raw)?, float_lanes(&y, Conv::Raw)?);
        Ok(emit2(FLOAT, &a, &b, |p: f64, q: f64| q.ln() / p.ln()))
    })
}

/// `x xbar y`: `y` rounded down to a multiple of `x`, as kdb+ defines it: `x*y div x`,
/// with a timespan `x` taken as its count of nanoseconds.
pub fn xbar(x: Value, y: Value) -> QResult {
    let x = span_as_long(x);
    multiply(x.clone(), div(y, x)?)
}

/// A timespan atom or vector as longs (the same nanoseconds); anything else as it is.
fn span_as_long(x: Value) -> Value {
    match x {
        Value::Timespan(n) => Value::Long(n),
        Value::TimespanVector(v) => Value::LongVector(v),
        Value::List(items) if items.iter().any(|i| kind(i) == TIMESPAN) => {
            Value::List(items.iter().cloned().map(span_as_long).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{check, q, q_err};

    #[test]
    fn add_atoms_vectors_and_promotion() {
        check("2+3 4 5", "5 6 7");
        check("1 2 3+4 5 6", "5 7 9");
        check("1b+1b", "2i");
        check("1i+55", "56");
        check("type 1i+55", "-7h");
        check("1h+1h", "2i");
        check("0x01+0x02", "3i");
        // `1.5e+1` would be one float literal (a signed exponent): space the plus.
        check("1.5e +1", "2.5e");
        check("1.5e +1f", "2.5");
        check("1+2.5", "3.5");
        check("3 4 5*2.2", "6.6 8.8 11");
        check("3.3 4.4 5.5*1b", "3.3 4.4 5.5");
        check("2%3", "0.6666667");
        check("1 2 3%2 4 6", "0.5 0.5 0.5");
        check("7 * 2 + 4", "42");
        check("2 3 * 4 5 - 6 7", "-4 -6");
    }

    #[test]
    fn nulls_and_infinities() {
        check("0N+1", "0N");
        // (The literal parser reads -9223372036854775799 as null, so compare directly.)
        assert_eq!(
            q("10+0W+0 1 2").unwrap(),
            qport_value::Value::from(vec![
                -9_223_372_036_854_775_799i64,
                i64::MIN,
                -9_223_372_036_854_775_797
            ])
        );
        check("1+-1+-1+1+ -0W 0N 0W 1 2 3", "0N 0N 0N 1 2 3");
        check("0Wi+5", "2147483652");
        check("0Wi+5i", "-2147483644i");
        check("0Ni+5", "0N");
        check("0n+1", "0n");
        check("0We+5", "0We");
        check("0w+5", "0w");
        check("1b%0b", "0w");
        check("0%0", "0n");
        check("-1%0", "-0w");
    }

    #[test]
    fn type_and_length_errors() {
        assert_eq!(q_err("`a+1"), "type");
        assert_eq!(q_err("2+\"hello\""), "type");
        assert_eq!(q_err("1 2 3+4 5"), "length");
        assert_eq!(q_err("1 2 3 + (4;\"a\";5)"), "type");
        assert_eq!(q_err("10 100 1000 * (1 2 3;4 5 6)"), "length");
        assert_eq!(
            q_err("(1 2 3;(4;5 6 7 8)) + (10;(11 12;13 14 15))"),
            "length"
        );
        assert_eq!(q_err("2000.01.01+2000.01.01D00:00"), "type");
    }

    #[test]
    fn general_lists() {
        check("(10;20 30)+(2;3 4)", "(12;23 34)");
        check(
            "(2; 3 4) + ((5 6; 7 8 9); (10; 11 12))",
            "((7 8;9 10 11);(13;15 16))",
        );
        check(
            "10 100 1000 * (1 2 3;4 5 6;7 8)",
            "(10 20 30;400 500 600;7000 8000)",
        );
        check(
            "(1;2;3 4)+( (10 10 10;20 20); 30; ((40 40; (50 50 50; 60)); 70) )",
            "((11 11 11;21 21);32;((43 43;(53 53 53;63));74))",
        );
        check("(10;20 30)%(2;3 4)", "(5f;6.666667 7.5)");
        check("(10;20 30)*(2;3 4)", "(20;60 120)");
    }

    #[test]
    fn temporal_arithmetic() {
        check("2000.11.22 + 03:44:55.666", "2000.11.22D03:44:55.666");
        check("2000.11.22 - 03:44:55.666", "2000.11.21D20:15:04.334");
        check("2017.12.31+0 1 2", "2017.12.31 2018.01.01 2018.01.02");
        check("2012.05 2012.06m-2", "2012.03 2012.04m");
        check("2017.12m-0 1 2", "2017.12 2017.11 2017.10m");
        check("2017.12m*0 1 2", "2000.01 2017.12 2035.11m");
        check("2017.12m% 1 2 3", "215 107.5 71.66667");
        check("00:10%2", "5f");
        check("00:10:00%2", "300f");
        check("00:10:00.000%2", "300000f");
        check("00:10:00.000000000%2", "300000000000f");
        check("2010.01.01 % 2005.01.01", "1.999453");
        check("00:00:10.000000000 % 00:00:05.000000000", "2f");
        check("2000.01.02-2000.01.01", "1i");
        check("2000.01.02D00:00-2000.01.01D00:00", "1D00:00:00.000000000");
        check("2000.01.01D00:00:00+00:01", "2000.01.01D00:01");
        check("12:00+1", "12:01");
        check("12:00:00+00:01", "12:01:00");
        check("12:00:00.000+00:00:01", "12:00:01.000");
        check("2000.01.01+1.5", "2000.01.02T12:00:00.000");
        check("type 2000.01m+2000.01m", "-6h");
        check("00:01+00:00:01", "00:01:01");
        check("0D00:00:01+00:01", "0D00:01:01");
        check("0Nd+1", "0Nd");
        // The limits of the timestamp type (the literal parser overflows on the second).
        assert_eq!(
            q("-0W 0Wp+1 -1").unwrap(),
            qport_value::Value::TimestampVector(
                vec![-9_223_372_036_854_775_806i64, 9_223_372_036_854_775_806].into()
            )
        );
        check("2000.01.01+`a`b!1 2", "`a`b!2000.01.02 2000.01.03");
    }

    #[test]
    fn dictionaries_and_tables() {
        check("5+`a`b`c!100 200 300", "`a`b`c!105 205 305");
        check("3+`a`b`c!(42;2012.09.15;1b)", "`a`b`c!(45;2012.09.18;4)");
        check("(`a`b!(10 -21 3;4 5 -6))+10", "`a`b!(20 -11 13;14 15 4)");
        check(
            "(`a`b!(10 -21 3;4 5 -6))+`b`c!(10 20 30;1000 2000 3000)",
            "`a`b`c!(10 -21 3;14 25 24;1000 2000 3000)",
        );
        check(
            "(`a`b!(10 -21 3;4 5 -6))-`b`c!(10 20 30;1000 2000 3000)",
            "`a`b`c!(10 -21 3;-6 -15 -36;1000 2000 3000)",
        );
        check(
            "(`a`b!(10 -21 3;4 5 -6))%`b`c!(10 20 30;1000 2000 3000)",
            "`a`b`c!(10 -21 3;0.4 0.25 -0.2;1000 2000 3000)",
        );
        check(
            "(flip `a`b!(10 -21 3;4 5 -6))+100",
            "flip `a`b!(110 79 103;104 105 94)",
        );
        check(
            "3%flip `b`c!(1 2 3;45 46 47)",
            "flip `b`c!(3 1.5 1;0.06666667 0.06521739 0.06382979)",
        );
        check(
            "(flip `a`b!(1 2;3 4))+flip `a`b!(10 20;30 40)",
            "flip `a`b!(11 22;33 44)",
        );
        check(
            "((flip enlist[`k]!enlist `abc`def`ghi)!flip `a`b!(10 -21 3;4 5 -6))+5",
            "(flip enlist[`k]!enlist `abc`def`ghi)!flip `a`b!(15 -16 8;9 10 -1)",
        );
        check(
            "k+k:(flip enlist[`k]!enlist `abc`def`ghi)!flip `a`b!(10 -21 3;4 5 -6)",
            "(flip enlist[`k]!enlist `abc`def`ghi)!flip `a`b!(20 -42 6;8 10 -12)",
        );
    }

    #[test]
    fn lesser_greater() {
        check("2&3", "2");
        check("2|3", "3");
        check("1010b and 1100b", "1000b");
        check("1010b or 1100b", "1110b");
        check("\"sat\"&\"cow\"", "\"cat\"");
        check("\"sat\"|\"cow\"", "\"sow\"");
        check("98&\"c\"", "\"b\"");
        check("98|\"a\"", "\"b\"");
        check("(10;20 30)&(2;3 4)", "(2;3 4)");
        check("(10;20 30)|(2;3 4)", "(10;20 30)");
        check("2|0 1 2 3 4", "2 2 2 3 4");
        check("0N&5", "0N");
        check("0N|5", "5");
        check("0n&5", "0n");
        check("0n|5", "5f");
        check("1i&2", "1");
        check("(`a`b!(10 -21 3;4 5 -6))&5", "`a`b!(5 -21 3;4 5 -6)");
        check("(`a`b!(10 -21 3;4 5 -6))|5", "`a`b!(10 5 5;5 5 5)");
        check("2000.01.01&2000.01.01D12:00", "2000.01.01D00:00");
        check("2000.01.02D01:00|00:30", "01:00");
        let a = "((flip enlist[`sym]!enlist `ibm`msoft`appl`goog)!flip enlist[`t]!enlist 2017.05 2017.09 2015.03 2017.11m)";
        let b = "((flip enlist[`sym]!enlist `msoft`goog`ibm)!flip enlist[`t]!enlist 2017.08 2017.12 2016.12m)";
        check(
            &format!("{a}&{b}"),
            "(flip enlist[`sym]!enlist `ibm`msoft`appl`goog)!flip enlist[`t]!enlist 2016.12 2017.08 2015.03 2017.11m",
        );
        check(
            &format!("{a}|{b}"),
            "(flip enlist[`sym]!enlist `ibm`msoft`appl`goog)!flip enlist[`t]!enlist 2017.05 2017.09 2015.03 2017.12m",
        );
        assert_eq!(q_err("`a&1"), "type");
    }

    #[test]
    fn fill_nulls() {
        check("0^1 2 3 0N", "1 2 3 0");
        check("100^1 2 -5 0N 10 0N", "1 2 -5 100 10 100");
        check("1.0^1.2 -4.5 0n 0n 15", "1.2 -4.5 1 1 15");
        check("`nobody^`tom`dick``harry", "`tom`dick`nobody`harry");
        check("1 2 3 4 5^6 0N 8 9 0N", "6 2 8 9 5");
        check("10^11.0 2.1 3.1 0n 4.5 0n", "11 2.1 3.1 10 4.5 10");
        check("5^0N 2 3i", "5 2 3");
        check("type 5^0N 2 3i", "7h");
        check("(`a`b`c!1 2 3)^`b`c!0N 30", "`a`b`c!1 2 30");
        check("\"x\"^\"a b\"", "\"axb\"");
        check("0^(1;0N)", "1 0");
        assert_eq!(q_err("`a^1"), "type");
    }

    #[test]
    fn div_mod_xbar() {
        check("7 div 3", "2");
        check("7 div 2 3 4", "3 2 1");
        check("-7 div 2", "-4");
        check("7f div 2", "3f");
        check("6i div 4", "1i");
        check("2014.10.13 div 365", "2000.01.15");
        check("7h div 3", "2i");
        check("0x80 div 16", "8i");
        check("\"\\023\" div 8", "2i");
        check("(10;20 30)div(3 4; -5)", "(3 2;-4 -6)");
        check("-7 div -2.5 -2 2 2.5", "2 3 -4 -3");
        check("7 div -2.5 -2 2 2.5", "-3 -4 3 2");
        check("-3 -2 -1 0 1 2 3 4 mod 3", "0 1 2 0 1 2 0 1");
        check("7 mod 2 3 4", "1 1 3");
        check("-7 mod -2.5 -2 2 2.5", "-2 -1 1 0.5");
        check("7 mod -2.5 -2 2 2.5", "-0.5 -1 1 2");
        check("(10;20 30)mod(7 13;-12)", "(3 10;-4 -6)");
        check("5 mod `a`b!(10 -21 3;4 5 -6)", "`a`b!(5 -16 2;1 0 -1)");
        check("2 3 4 5 mod 2", "0 1 0 1");
        check("3 xbar til 16", "0 0 0 3 3 3 6 6 6 9 9 9 12 12 12 15");
        check(
            "2.5 xbar til 16",
            "0 0 0 2.5 2.5 5 5 5 7.5 7.5 10 10 10 12.5 12.5 15",
        );
        check(
            "5 xbar 11:00 + 0 2 3 5 7 11 13",
            "11:00 11:00 11:00 11:05 11:05 11:10 11:10",
        );
        check("3 xbar 2019.11m", "2019.10m");
        check("(3;4 5)xbar(10;20 -30)", "(9;20 -30)");
        check("3 xbar `a`b!(10 -21 3;4 5 -6)", "`a`b!(9 -21 3;3 3 -6)");
        check(
            "2 xbar 00:00:00.000000001 00:00:00.000000002 00:00:00.000000013",
            "0D00:00:00.000000000 0D00:00:00.000000002 0D00:00:00.000000012",
        );
        check(
            "0D00:05 xbar 2000.01.01D00:07 2000.01.01D00:13",
            "2000.01.01D00:05 2000.01.01D00:10",
        );
        assert_eq!(q_err("`a mod 2"), "type");
    }

    #[test]
    fn powers_and_logarithms() {
        check("2 xexp 8", "256f");
        check("-2 2 xexp .5", "0n 1.414214");
        check("1.5 xexp -4.2 0 0.1 0n 0w", "0.1821448 1 1.04138 0n 0w");
        check("3 xexp(1;2 3)", "(3f;9 27f)");
        check("1 5 3 xexp 3", "1 125 27f");
        check("2 xlog 8", "3f");
        check("2 xlog 0.125", "-3f");
        check("1.5 xlog 0 0.125 1 3 0n", "-0w -5.128534 0 2.709511 0n");
        check("65 xlog 67", "1.00726");
        check("\"A\"xlog\"C\"", "1.00726");
        check("(2;3 4)xlog(4;5 6)", "(2f;1.464974 1.292481)");
        check("2 xexp 2 xlog -1 0 0.125 1 42", "0n 0 0.125 1 42");
        assert_eq!(q_err("`a xexp 2"), "type");
        assert_eq!(q_err("2000.01.01 xexp 2"), "type");
    }

    #[test]
    fn chars_and_mixed_lanes() {
        check("\"z\"%\"a\"", "1.257732");
        check("1-\"a\"", "-96");
        check("\"a\"+1.5", "98.5");
        assert_eq!(q_err("\"a\"-1"), "type");
        assert_eq!(q_err("\"a\"+\"b\""), "type");
        check("0 1 2 3*1.5", "0 1.5 3 4.5");
        check("1.5*0 1 0N", "0 1.5 0n");
        check("0 1 2%0 1 0N", "0n 1 0n");
        check("(0#0)+1.5", "0#0f");
        check("(0#0)+1", "0#0");
        check("()+1", "()");
    }

    #[test]
    fn unique_vectors_are_updated_in_place() {
        use qport_value::{Value, Vector};
        let v = Vector::from(vec![1i64, 2, 3]);
        let before = v.as_slice().as_ptr();
        let out = super::add(Value::LongVector(v), Value::Long(10)).unwrap();
        match out {
            Value::LongVector(r) => {
                assert_eq!(r.as_slice(), &[11, 12, 13]);
                assert_eq!(r.as_slice().as_ptr(), before);
            }
            other => panic!("{other:?}"),
        }
        let shared = Value::from(vec![1.5f64, 2.5]);
        let out = super::multiply(Value::Float(2.0), shared.clone()).unwrap();
        assert_eq!(out, Value::from(vec![3.0f64, 5.0]));
        assert_eq!(shared, Value::from(vec![1.5f64, 2.5]));
    }

    #[test]
    fn q_error_is_none_for_valid() {
        assert!(q("1+1").is_ok());
    }
}
