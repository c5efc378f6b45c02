//! kdb+'s type promotion for the arithmetic and comparison primitives: the result type of
//! each pair of argument types (the domain-and-range tables of the kdb+ reference), and how
//! a temporal value is re-expressed in another temporal type's units before the operation.
//!
//! Types are named by their positive kdb+ type number (1 boolean .. 19 time); a table row
//! is the left argument's type, a column the right's, in the reference's order
//! `b g x h i j e f c s p m d z n u v t`; `.` marks a pair q rejects with `'type`.

use qport_value::null::{INF_LONG, NULL_INT, NULL_LONG};
use qport_value::temporal::{date_from_ymd, NANOS_PER_DAY, NANOS_PER_SECOND};

pub(crate) const BOOL: i8 = 1;
pub(crate) const GUID: i8 = 2;
pub(crate) const BYTE: i8 = 4;
pub(crate) const SHORT: i8 = 5;
pub(crate) const INT: i8 = 6;
pub(crate) const LONG: i8 = 7;
pub(crate) const REAL: i8 = 8;
pub(crate) const FLOAT: i8 = 9;
pub(crate) const CHAR: i8 = 10;
pub(crate) const SYMBOL: i8 = 11;
pub(crate) const TIMESTAMP: i8 = 12;
pub(crate) const MONTH: i8 = 13;
pub(crate) const DATE: i8 = 14;
pub(crate) const DATETIME: i8 = 15;
pub(crate) const TIMESPAN: i8 = 16;
pub(crate) const MINUTE: i8 = 17;
pub(crate) const SECOND: i8 = 18;
pub(crate) const TIME: i8 = 19;

/// A promotion table: 18 rows of 18 type letters.
pub(crate) type Table = [&'static [u8; 18]; 18];

/// The reference's row and column order.
const ORDER: &[u8; 18] = b"bgxhijefcspmdznuvt";

/// `+`: the result type of `x+y`.
pub(crate) const ADD: Table = [
    b"i.iiijef..pmdznuvt",
    b"..................",
    b"i.iiijef..pmdznuvt",
    b"i.iiijef..pmdznuvt",
    b"i.iiijef..pmdznuvt",
    b"j.jjjjef..pmdznuvt",
    b"e.eeeeef..pmdznuvt",
    b"f.fffffff.ffzzffff",
    b".......f..pmdznuvt",
    b"..................",
    b"p.pppppfp.n...pppp",
    b"m.mmmmmfm..i..pppp",
    b"d.dddddzd...i.pppp",
    b"z.zzzzzzz....fpzzz",
    b"n.nnnnnfn.ppppnnnn",
    b"u.uuuuufu.pppznuvt",
    b"v.vvvvvfv.pppznvvt",
    b"t.tttttft.pppznttt",
];

/// `-`: as `+`, except that a char may be subtracted from a number.
pub(crate) const SUBTRACT: Table = [
    b"i.iiijefi.pmdznuvt",
    b"..................",
    b"i.iiijefi.pmdznuvt",
    b"i.iiijefi.pmdznuvt",
    b"i.iiijefi.pmdznuvt",
    b"j.jjjjefj.pmdznuvt",
    b"e.eeeeefe.pmdznuvt",
    b"f.fffffff.ffzzffff",
    b".......f..pmdznuvt",
    b"..................",
    b"p.pppppfp.n...pppp",
    b"m.mmmmmfm..i..pppp",
    b"d.dddddzd...i.pppp",
    b"z.zzzzzzz....fpzzz",
    b"n.nnnnnfn.ppppnnnn",
    b"u.uuuuufu.pppznuvt",
    b"v.vvvvvfv.pppznvvt",
    b"t.tttttft.pppznttt",
];

/// `*`: two temporals never multiply.
pub(crate) const MULTIPLY: Table = [
    b"i.iiijef..pmdznuvt",
    b"..................",
    b"i.iiijef..pmdznuvt",
    b"i.iiijef..pmdznuvt",
    b"i.iiijef..pmdznuvt",
    b"j.jjjjef..pmdznuvt",
    b"e.eeeeef..pmdznuvt",
    b"f.fffffff.ffzzffff",
    b".......f..pmdznuvt",
    b"..................",
    b"p.pppppfp.........",
    b"m.mmmmmfm.........",
    b"d.dddddzd.........",
    b"z.zzzzzzz.........",
    b"n.nnnnnfn.........",
    b"u.uuuuufu.........",
    b"v.vvvvvfv.........",
    b"t.tttttft.........",
];

/// `&` and `|` (the higher of the two types), and the common type of a comparison.
pub(crate) const LESSER: Table = [
    b"b.xhijefc.pmdznuvt",
    b"..................",
    b"x.xhijefc.pmdznuvt",
    b"h.hhijefc.pmdznuvt",
    b"i.iiijefc.pmdznuvt",
    b"j.jjjjefc.pmdznuvt",
    b"e.eeeeefc.pmdznuvt",
    b"f.ffffffc.pmdznuvt",
    b"c.ccccccc.pmdznuvt",
    b"..................",
    b"p.ppppppp.ppppnuvt",
    b"m.mmmmmmm.pmd.....",
    b"d.ddddddd.pddz....",
    b"z.zzzzzzz.p.zznuvt",
    b"n.nnnnnnn.n..nnnnn",
    b"u.uuuuuuu.u..unuvt",
    b"v.vvvvvvv.v..vnvvt",
    b"t.ttttttt.t..tnttt",
];

/// `mod`: the result type of `x mod y`.
pub(crate) const MOD: Table = [
    b"i.iiijef..pmdznuvt",
    b"..................",
    b"i.iiijef..pmdznuvt",
    b"i.iiijef..pmdznuvt",
    b"i.iiijef..pmdznuvt",
    b"j.jjjjef..pmdznuvt",
    b"f.fffffff.ffzzffff",
    b"f.fffffff.ffzzffff",
    b".......f..pmdznuvt",
    b"..................",
    b"n.nnnnnfn.........",
    b"i.iiiiifi.........",
    b"i.iiiii.i.........",
    b"f.fffffff.........",
    b"n.nnnnnfn.........",
    b"u.uuuuufu.........",
    b"v.vvvvvfv.........",
    b"t.tttttft.........",
];

/// The kdb+ type letter of a positive type number.
pub(crate) fn letter(t: i8) -> u8 {
    b" bg xhijefcspmdznuvt"
        .get(t as usize)
        .copied()
        .unwrap_or(b' ')
}

fn position(t: i8) -> Option<usize> {
    ORDER.iter().position(|&c| c == letter(t) && c != b' ')
}

/// The type number of a type letter (`.` and unknown letters: none).
pub(crate) fn type_of_letter(c: u8) -> Option<i8> {
    b" bg xhijefcspmdznuvt"
        .iter()
        .position(|&l| l == c && c != b' ')
        .map(|t| t as i8)
}

/// The result type `table` gives for arguments of types `x` and `y` (positive type
/// numbers), or none where q signals `'type`.
pub(crate) fn lookup(table: &Table, x: i8, y: i8) -> Option<i8> {
    let row = table[position(x)?];
    type_of_letter(row[position(y)?])
}

/// Whether type `t` is one of the eight temporal types (timestamp .. time).
pub(crate) fn is_temporal(t: i8) -> bool {
    (TIMESTAMP..=TIME).contains(&t)
}

/// Whether type `t` holds floating-point values (real, float, datetime).
pub(crate) fn is_floating(t: i8) -> bool {
    matches!(t, REAL | FLOAT | DATETIME)
}

/// Whether type `t` is a number, char or temporal: a type arithmetic reads the underlying
/// value of (not guid or symbol).
pub(crate) fn is_numeric_like(t: i8) -> bool {
    (1..=19).contains(&t) && !matches!(t, GUID | 3 | SYMBOL)
}

/// How a value is re-expressed in the units of the operation's type. Everything not
/// listed is its underlying number, unchanged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Conv {
    /// The underlying number as it is.
    Raw,
    /// Multiplied, from a coarser unit to a finer one (days to nanoseconds, ...).
    Scale(i64),
    /// Months since 2000.01 to days since 2000.01.01 (the first of the month).
    MonthToDays,
    /// Months since 2000.01 to nanoseconds since 2000.01.01.
    MonthToNanos,
    /// Datetime (days as a float) to nanoseconds, at the datetime's millisecond precision.
    FloatDaysToNanos,
    /// A time of day (minutes, seconds, milliseconds) to days as a float: divided.
    ToFloatDays(f64),
    /// A timestamp to its time of day, in units of this many nanoseconds.
    TimeOfDay(i64),
    /// A datetime to its time of day, in units of this many milliseconds (a timespan, at
    /// millisecond precision, is given as 0 and scaled to nanoseconds).
    FloatTimeOfDay(i64),
}

const MINUTE_NANOS: i64 = 60 * NANOS_PER_SECOND;
const MILLI_NANOS: i64 = 1_000_000;

/// Nanoseconds in one unit of a time-of-day or span type.
fn unit_nanos(t: i8) -> i64 {
    match t {
        MINUTE => MINUTE_NANOS,
        SECOND => NANOS_PER_SECOND,
        TIME => MILLI_NANOS,
        _ => 1,
    }
}

/// The conversion of a `from` value into `to`'s units for arithmetic (`+ - * %` ...):
/// dates and times combine into timestamps, finer time units absorb coarser ones; a
/// timestamp's value is kept whole (timestamp−timestamp is a timespan).
pub(crate) fn arith_conv(from: i8, to: i8) -> Conv {
    if from == to || !is_temporal(from) || !is_temporal(to) {
        return Conv::Raw;
    }
    match (from, to) {
        (DATE, TIMESTAMP) => Conv::Scale(NANOS_PER_DAY),
        (MONTH, TIMESTAMP) => Conv::MonthToNanos,
        (DATETIME, TIMESTAMP) => Conv::FloatDaysToNanos,
        (MINUTE | SECOND | TIME, TIMESTAMP | TIMESPAN) => Conv::Scale(unit_nanos(from)),
        (MINUTE, SECOND) => Conv::Scale(60),
        (MINUTE, TIME) => Conv::Scale(60_000),
        (SECOND, TIME) => Conv::Scale(1_000),
        (MINUTE, DATETIME) => Conv::ToFloatDays(1_440.0),
        (SECOND, DATETIME) => Conv::ToFloatDays(86_400.0),
        (TIME, DATETIME) => Conv::ToFloatDays(86_400_000.0),
        (MONTH, DATE) => Conv::MonthToDays,
        _ => Conv::Raw,
    }
}

/// The conversion for comparisons and `& | ^`: as for arithmetic, except that a point in
/// time (timestamp, datetime) compared with a duration or time of day is reduced to its
/// time of day ("ordinal to cardinal").
pub(crate) fn order_conv(from: i8, to: i8) -> Conv {
    match (from, to) {
        (TIMESTAMP, TIMESPAN | MINUTE | SECOND | TIME) => Conv::TimeOfDay(unit_nanos(to)),
        (DATETIME, TIMESPAN) => Conv::FloatTimeOfDay(0),
        (DATETIME, MINUTE) => Conv::FloatTimeOfDay(60_000),
        (DATETIME, SECOND) => Conv::FloatTimeOfDay(1_000),
        (DATETIME, TIME) => Conv::FloatTimeOfDay(1),
        _ => arith_conv(from, to),
    }
}

/// A whole number past the long range saturates to an infinity, as kdb+ casts do.
fn saturate(v: i128) -> i64 {
    if v >= i128::from(INF_LONG) {
        INF_LONG
    } else if v <= -i128::from(INF_LONG) {
        -INF_LONG
    } else {
        v as i64
    }
}

/// The first day of month `m` (months since 2000.01), as days since 2000.01.01.
pub(crate) fn month_to_days(m: i64) -> i64 {
    let year = 2000 + m.div_euclid(12);
    let month = m.rem_euclid(12) as u32 + 1;
    i64::from(date_from_ymd(
        year.clamp(-1_000_000, 1_000_000) as i32,
        month,
        1,
    ))
}

/// Applies an integer conversion to a non-null, finite underlying value.
pub(crate) fn convert_int(conv: Conv, v: i64) -> i64 {
    match conv {
        Conv::Raw | Conv::ToFloatDays(_) | Conv::FloatDaysToNanos | Conv::FloatTimeOfDay(_) => v,
        Conv::Scale(k) => saturate(i128::from(v) * i128::from(k)),
        Conv::MonthToDays => month_to_days(v),
        Conv::MonthToNanos => saturate(i128::from(month_to_days(v)) * i128::from(NANOS_PER_DAY)),
        Conv::TimeOfDay(unit) => v.rem_euclid(NANOS_PER_DAY) / unit,
    }
}

/// Applies a conversion to a non-null float underlying value, giving a whole number
/// (for conversions into an integer type).
pub(crate) fn convert_float_to_int(conv: Conv, v: f64) -> i64 {
    match conv {
        Conv::FloatDaysToNanos => {
            let millis = (v * 86_400_000.0).round();
            float_to_long(millis * MILLI_NANOS as f64)
        }
        Conv::FloatTimeOfDay(unit) => {
            let millis = float_to_long((v * 86_400_000.0).round());
            let of_day = millis.rem_euclid(86_400_000);
            if unit == 0 {
                of_day * MILLI_NANOS
            } else {
                of_day / unit
            }
        }
        other => convert_int(other, float_to_long(v)),
    }
}

/// Applies a conversion to a float (the underlying value as a float; NaN for null).
pub(crate) fn convert_float(conv: Conv, v: f64) -> f64 {
    match conv {
        Conv::Raw => v,
        Conv::ToFloatDays(per_day) => v / per_day,
        _ if !v.is_finite() => v,
        other => convert_int(other, float_to_long(v)) as f64,
    }
}

/// A float as a long, rounded to nearest as q's casts do: NaN is the long null, values
/// past the range the long infinities.
pub(crate) fn float_to_long(v: f64) -> i64 {
    if v.is_nan() {
        NULL_LONG
    } else if v >= 9.223_372_036_854_775e18 {
        INF_LONG
    } else if v <= -9.223_372_036_854_775e18 {
        -INF_LONG
    } else {
        v.round() as i64
    }
}

/// A long as an int: the null stays null, anything else keeps its low 32 bits (kdb+'s
/// integer arithmetic wraps).
#[inline]
pub(crate) fn long_to_int(v: i64) -> i32 {
    if v == NULL_LONG {
        NULL_INT
    } else {
        v as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_lookups() {
        assert_eq!(letter(LONG), b'j');
        assert_eq!(type_of_letter(b't'), Some(TIME));
        assert_eq!(type_of_letter(b'.'), None);
        assert_eq!(lookup(&ADD, BOOL, BOOL), Some(INT));
        assert_eq!(lookup(&ADD, INT, LONG), Some(LONG));
        assert_eq!(lookup(&ADD, REAL, LONG), Some(REAL));
        assert_eq!(lookup(&ADD, DATE, TIME), Some(TIMESTAMP));
        assert_eq!(lookup(&ADD, LONG, CHAR), None);
        assert_eq!(lookup(&SUBTRACT, TIMESTAMP, TIMESTAMP), Some(TIMESPAN));
        assert_eq!(lookup(&SUBTRACT, DATE, DATE), Some(INT));
        assert_eq!(lookup(&MULTIPLY, MONTH, LONG), Some(MONTH));
        assert_eq!(lookup(&LESSER, LONG, CHAR), Some(CHAR));
        assert_eq!(lookup(&LESSER, MONTH, DATETIME), None);
        assert_eq!(lookup(&MOD, REAL, LONG), Some(FLOAT));
        assert_eq!(lookup(&ADD, SYMBOL, LONG), None);
    }

    #[test]
    fn conversions() {
        assert_eq!(convert_int(arith_conv(DATE, TIMESTAMP), 1), NANOS_PER_DAY);
        assert_eq!(convert_int(arith_conv(MINUTE, SECOND), 2), 120);
        assert_eq!(convert_int(Conv::MonthToDays, 1), 31);
        assert_eq!(convert_int(Conv::MonthToDays, -1), -31);
        assert_eq!(
            convert_int(
                order_conv(TIMESTAMP, MINUTE),
                NANOS_PER_DAY + 90 * 60_000_000_000
            ),
            90
        );
        assert_eq!(
            convert_int(order_conv(TIMESTAMP, MINUTE), -60_000_000_000),
            1439
        );
        assert_eq!(
            convert_float_to_int(order_conv(DATETIME, SECOND), 1.5),
            43_200
        );
        assert_eq!(
            convert_float_to_int(Conv::FloatDaysToNanos, 0.5),
            NANOS_PER_DAY / 2
        );
        assert_eq!(
            convert_int(Conv::Scale(NANOS_PER_DAY), i64::MAX / 2),
            INF_LONG
        );
        assert_eq!(float_to_long(2.5), 3);
        assert_eq!(float_to_long(f64::NAN), NULL_LONG);
        assert_eq!(long_to_int(2_147_483_652), -2_147_483_644);
    }
}
