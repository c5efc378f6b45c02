//! Cast between temporal types, and the parts of a temporal (`` `year`mm`dd`week`hh`uu`ss$``).
//!
//! Points in time (timestamp, month, date, datetime) convert among themselves; spans
//! (timespan, minute, second, time) convert among themselves; a point gives a span as
//! its time of day (timestamp and datetime only: a date or month has none). A span never
//! becomes a point: `'type`. Narrowing floors (`"d"$2017.08.23T23:50` is 2017.08.23, and
//! 1999.12.31D23:00 has time 23:00); nulls stay null and infinities stay infinite. A
//! date outside the timestamp range (1707–2292) becomes ±`0Wp`.
//!
//! Parts: `year`, `mm` (month of year), `dd`, `week` (the Monday starting the week, a
//! date) of a timestamp, date, datetime (and `year`, `mm` of a month); `hh`, `uu` (and
//! `mm`), `ss` of a timestamp or datetime's time of day, or of a span (hours not wrapped
//! at 24). Each is an int, null for a null.
//!
//! Every item is decoded to nanoseconds since 2000.01.01 (a point) or nanoseconds (a
//! span) in an `i128`, then encoded as the target, so each conversion is one loop.

use qport_value::null::*;
use qport_value::temporal::{date_from_ymd, month_from_ym, ymd_from_date, NANOS_PER_DAY};
use qport_value::{Value, Vector};

use crate::error::{QError, QResult};

const NANOS_PER_MS: i128 = 1_000_000;
const NANOS_PER_SECOND: i128 = 1_000_000_000;
const NANOS_PER_MINUTE: i128 = 60 * NANOS_PER_SECOND;
const NANOS_PER_HOUR: i128 = 60 * NANOS_PER_MINUTE;
const DAY: i128 = NANOS_PER_DAY as i128;

/// One temporal item, decoded.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Item {
    Null,
    /// An infinity; `true` for the negative one.
    Inf(bool),
    /// Nanoseconds: since 2000.01.01 for a point, in all for a span.
    At(i128),
}

/// Whether vector type `t` is a point in time (timestamp, month, date, datetime).
fn is_point(t: i8) -> bool {
    matches!(t, 12..=15)
}

fn is_temporal(t: i8) -> bool {
    (12..=19).contains(&t)
}

fn int_item(x: i32, unit: i128) -> Item {
    match x {
        NULL_INT => Item::Null,
        INF_INT => Item::Inf(false),
        x if x == -INF_INT => Item::Inf(true),
        x => Item::At(i128::from(x) * unit),
    }
}

fn long_item(x: i64) -> Item {
    match x {
        NULL_LONG => Item::Null,
        INF_LONG => Item::Inf(false),
        x if x == -INF_LONG => Item::Inf(true),
        x => Item::At(i128::from(x)),
    }
}

fn month_item(x: i32) -> Item {
    match int_item(x, 1) {
        Item::At(m) => {
            let m = m as i32;
            let date = date_from_ymd(2000 + m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1);
            Item::At(i128::from(date) * DAY)
        }
        other => other,
    }
}

fn datetime_item(x: f64) -> Item {
    if x.is_nan() {
        Item::Null
    } else if x.is_infinite() {
        Item::Inf(x < 0.0)
    } else {
        // A datetime holds milliseconds: round to them, so that 12:00:00.001 stays that.
        Item::At((x * 86_400_000.0).round() as i128 * NANOS_PER_MS)
    }
}

/// The decoded items of a temporal vector.
fn decode(y: &Value) -> Option<Vec<Item>> {
    fn map<S: Copy>(items: &[S], f: impl Fn(S) -> Item) -> Vec<Item> {
        items.iter().map(|&x| f(x)).collect()
    }
    Some(match y {
        Value::TimestampVector(v) | Value::TimespanVector(v) => map(v, long_item),
        Value::MonthVector(v) => map(v, month_item),
        Value::DateVector(v) => map(v, |x| int_item(x, DAY)),
        Value::DatetimeVector(v) => map(v, datetime_item),
        Value::MinuteVector(v) => map(v, |x| int_item(x, NANOS_PER_MINUTE)),
        Value::SecondVector(v) => map(v, |x| int_item(x, NANOS_PER_SECOND)),
        Value::TimeVector(v) => map(v, |x| int_item(x, NANOS_PER_MS)),
        _ => return None,
    })
}

fn to_long(item: Item, f: impl Fn(i128) -> i128) -> i64 {
    match item {
        Item::Null => NULL_LONG,
        Item::Inf(false) => INF_LONG,
        Item::Inf(true) => -INF_LONG,
        Item::At(n) => f(n).clamp(-i128::from(INF_LONG), i128::from(INF_LONG)) as i64,
    }
}

fn to_int(item: Item, f: impl Fn(i128) -> i128) -> i32 {
    match item {
        Item::Null => NULL_INT,
        Item::Inf(false) => INF_INT,
        Item::Inf(true) => -INF_INT,
        Item::At(n) => f(n).clamp(-i128::from(INF_INT), i128::from(INF_INT)) as i32,
    }
}

/// Nanoseconds since 2000.01.01 as a datetime: whole days plus the fraction of the day,
/// computed as q's datetime literals are, so that text and literal agree.
pub(crate) fn datetime_of(n: i128) -> f64 {
    n.div_euclid(DAY) as f64 + n.rem_euclid(DAY) as f64 / NANOS_PER_DAY as f64
}

fn date_of(n: i128) -> i128 {
    n.div_euclid(DAY)
}

fn month_of(n: i128) -> i128 {
    let date = date_of(n).clamp(i128::from(i32::MIN) + 1, i128::from(i32::MAX)) as i32;
    let (year, month, _) = ymd_from_date(date);
    i128::from(month_from_ym(year, month))
}

/// A temporal vector cast to temporal vector type `target`. `Ok(None)` when `y` is not a
/// temporal vector; `'type` for a span to a point, or a date or month to a span.
pub(crate) fn between(target: i8, y: &Value) -> QResult<Option<Value>> {
    let source = y.type_number();
    if !is_temporal(source) || !is_temporal(target) {
        return Ok(None);
    }
    if !is_point(source) && is_point(target) {
        return Err(QError::type_());
    }
    if matches!(source, 13 | 14) && !is_point(target) {
        return Err(QError::type_());
    }
    let Some(items) = decode(y) else {
        return Ok(None);
    };
    // A point gives a span as its time of day.
    let of_day = is_point(source) && !is_point(target);
    let span = move |n: i128| if of_day { n.rem_euclid(DAY) } else { n };
    let longs =
        |f: &dyn Fn(i128) -> i128| -> Vec<i64> { items.iter().map(|&i| to_long(i, f)).collect() };
    let ints =
        |f: &dyn Fn(i128) -> i128| -> Vec<i32> { items.iter().map(|&i| to_int(i, f)).collect() };
    Ok(Some(match target {
        12 => Value::TimestampVector(Vector::from(longs(&|n| n))),
        13 => Value::MonthVector(Vector::from(ints(&month_of))),
        14 => Value::DateVector(Vector::from(ints(&date_of))),
        15 => Value::DatetimeVector(
            items
                .iter()
                .map(|&i| match i {
                    Item::Null => NULL_FLOAT,
                    Item::Inf(false) => INF_FLOAT,
                    Item::Inf(true) => -INF_FLOAT,
                    Item::At(n) => datetime_of(n),
                })
                .collect(),
        ),
        16 => Value::TimespanVector(Vector::from(longs(&span))),
        17 => Value::MinuteVector(Vector::from(ints(&|n| {
            span(n).div_euclid(NANOS_PER_MINUTE)
        }))),
        18 => Value::SecondVector(Vector::from(ints(&|n| {
            span(n).div_euclid(NANOS_PER_SECOND)
        }))),
        19 => Value::TimeVector(Vector::from(ints(&|n| span(n).div_euclid(NANOS_PER_MS)))),
        _ => return Ok(None),
    }))
}

/// A part of a temporal, named by the symbol left of `$`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    Year,
    Mm,
    Dd,
    Week,
    Hh,
    Uu,
    Ss,
}

impl Part {
    pub(crate) fn named(name: &[u8]) -> Option<Part> {
        Some(match name {
            b"year" => Part::Year,
            b"mm" => Part::Mm,
            b"dd" => Part::Dd,
            b"week" => Part::Week,
            b"hh" => Part::Hh,
            b"uu" => Part::Uu,
            b"ss" => Part::Ss,
            _ => return None,
        })
    }

    /// Whether this part is of a calendar day (rather than of a clock).
    fn of_date(self) -> bool {
        matches!(self, Part::Year | Part::Mm | Part::Dd | Part::Week)
    }
}

/// A part of each item of a temporal vector: an int vector (a date vector for
/// `` `week``, each item's Monday); `'type` where the source has no such part.
pub(crate) fn part(part: Part, y: &Value) -> QResult {
    let source = y.type_number();
    let allowed = match part {
        Part::Year => is_point(source),
        Part::Mm => is_temporal(source),
        Part::Dd | Part::Week => matches!(source, 12 | 14 | 15),
        Part::Hh | Part::Uu | Part::Ss => is_temporal(source) && !matches!(source, 13 | 14),
    };
    let items = match decode(y) {
        Some(items) if allowed => items,
        _ => return Err(QError::type_()),
    };
    if part == Part::Week {
        let monday = |n: i128| {
            let date = date_of(n);
            // 2000.01.01 was a Saturday: date + 5 counts days from a Monday.
            date - (date + 5).rem_euclid(7)
        };
        let dates = items.iter().map(|&i| to_int(i, monday)).collect();
        return Ok(Value::DateVector(Vector::new(dates)));
    }
    let of_day = is_point(source);
    // Of a time, `mm` is its minutes (as `uu`), not a month.
    let part = if part == Part::Mm && !of_day {
        Part::Uu
    } else {
        part
    };
    let f = |n: i128| -> i128 {
        if part.of_date() {
            let date = date_of(n).clamp(i128::from(i32::MIN) + 1, i128::from(i32::MAX)) as i32;
            let (year, month, day) = ymd_from_date(date);
            return i128::from(match part {
                Part::Year => year,
                Part::Mm => month as i32,
                _ => day as i32,
            });
        }
        let n = if of_day { n.rem_euclid(DAY) } else { n };
        match part {
            Part::Hh => n.div_euclid(NANOS_PER_HOUR),
            Part::Uu => n.div_euclid(NANOS_PER_MINUTE).rem_euclid(60),
            _ => n.div_euclid(NANOS_PER_SECOND).rem_euclid(60),
        }
    };
    let ints = items.iter().map(|&i| to_int(i, f)).collect();
    Ok(Value::IntVector(Vector::new(ints)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(date: i32, nanos: i64) -> i64 {
        i64::from(date) * NANOS_PER_DAY + nanos
    }

    #[test]
    fn points_convert_among_themselves() {
        let p = Value::TimestampVector(vec![ts(5114, 3_600_000_000_000), ts(-1, 0)].into());
        assert_eq!(
            between(14, &p).unwrap(),
            Some(Value::DateVector(vec![5114, -1].into()))
        );
        assert_eq!(
            between(13, &p).unwrap(),
            Some(Value::MonthVector(vec![168, -1].into()))
        );
        let d = Value::DateVector(vec![0, NULL_INT, INF_INT, date_from_ymd(1666, 9, 2)].into());
        assert_eq!(
            between(12, &d).unwrap(),
            Some(Value::TimestampVector(
                vec![0, NULL_LONG, INF_LONG, -INF_LONG].into()
            ))
        );
        let m = Value::MonthVector(vec![1, 238].into());
        assert_eq!(
            between(14, &m).unwrap(),
            Some(Value::DateVector(
                vec![31, date_from_ymd(2019, 11, 1)].into()
            ))
        );
        let z = Value::DatetimeVector(vec![0.5, -0.25].into());
        assert_eq!(
            between(12, &z).unwrap(),
            Some(Value::TimestampVector(
                vec![NANOS_PER_DAY / 2, -NANOS_PER_DAY / 4].into()
            ))
        );
        assert_eq!(
            between(14, &z).unwrap(),
            Some(Value::DateVector(vec![0, -1].into()))
        );
    }

    #[test]
    fn points_give_their_time_of_day() {
        let p = Value::TimestampVector(vec![ts(-1, 23 * 3_600_000_000_000 + 5)].into());
        assert_eq!(
            between(19, &p).unwrap(),
            Some(Value::TimeVector(vec![23 * 3_600_000].into()))
        );
        assert_eq!(
            between(17, &p).unwrap(),
            Some(Value::MinuteVector(vec![23 * 60].into()))
        );
        assert_eq!(
            between(16, &p).unwrap(),
            Some(Value::TimespanVector(
                vec![23 * 3_600_000_000_000 + 5].into()
            ))
        );
        let d = Value::DateVector(vec![0].into());
        assert_eq!(between(19, &d), Err(QError::type_()));
        let t = Value::TimeVector(vec![0].into());
        assert_eq!(between(14, &t), Err(QError::type_()));
    }

    #[test]
    fn spans_floor_to_their_unit() {
        let n = Value::TimespanVector(vec![90_500_000_000, -1, NULL_LONG].into());
        assert_eq!(
            between(18, &n).unwrap(),
            Some(Value::SecondVector(vec![90, -1, NULL_INT].into()))
        );
        assert_eq!(
            between(17, &n).unwrap(),
            Some(Value::MinuteVector(vec![1, -1, NULL_INT].into()))
        );
        let u = Value::MinuteVector(vec![90, -INF_INT].into());
        assert_eq!(
            between(19, &u).unwrap(),
            Some(Value::TimeVector(vec![5_400_000, -INF_INT].into()))
        );
    }

    #[test]
    fn parts() {
        // 2015.10.28D03:55:58
        let p = Value::TimestampVector(
            vec![ts(
                date_from_ymd(2015, 10, 28),
                (3 * 3600 + 55 * 60 + 58) * 1_000_000_000,
            )]
            .into(),
        );
        let one = |part_: Part| part(part_, &p).unwrap();
        assert_eq!(one(Part::Year), Value::IntVector(vec![2015].into()));
        assert_eq!(one(Part::Dd), Value::IntVector(vec![28].into()));
        assert_eq!(one(Part::Mm), Value::IntVector(vec![10].into()));
        assert_eq!(one(Part::Hh), Value::IntVector(vec![3].into()));
        assert_eq!(one(Part::Uu), Value::IntVector(vec![55].into()));
        assert_eq!(one(Part::Ss), Value::IntVector(vec![58].into()));
        assert_eq!(
            one(Part::Week),
            Value::DateVector(vec![date_from_ymd(2015, 10, 26)].into())
        );
        let t = Value::TimeVector(vec![(3 * 3600 + 55 * 60 + 58) * 1000 + 110, NULL_INT].into());
        assert_eq!(
            part(Part::Uu, &t).unwrap(),
            Value::IntVector(vec![55, NULL_INT].into())
        );
        assert_eq!(
            part(Part::Mm, &t).unwrap(),
            Value::IntVector(vec![55, NULL_INT].into())
        );
        let m = Value::MonthVector(vec![0].into());
        assert_eq!(part(Part::Dd, &m), Err(QError::type_()));
        assert_eq!(
            part(Part::Hh, &Value::from(vec![1i64])),
            Err(QError::type_())
        );
        let monday = Value::DateVector(vec![date_from_ymd(2015, 10, 26)].into());
        assert_eq!(part(Part::Week, &monday).unwrap(), monday);
    }
}
