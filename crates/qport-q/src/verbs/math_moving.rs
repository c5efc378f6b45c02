//! Moving-window functions `msum mcount mavg mdev mmin mmax` (`x` items ending at each
//! item of `y`; the first `x-1` results cover the items so far) and `ema`, the
//! exponential moving average.
//!
//! They follow kdb+'s definitions: `msum` is the difference of running sums with nulls
//! as zero, `mavg` is `msum` of the values over `mcount` of the non-nulls, `mdev` the
//! square root of `mavg` of squares less the squared `mavg`. `mmin` counts a null as the
//! least value; `mmax` ignores nulls and gives negative infinity where a window has none.
//! A dictionary's values are windowed as a list, a table column by column.

use std::collections::VecDeque;

use qport_value::null::*;
use qport_value::Value;

use super::super::arith::atomic::uniform2;
use super::super::arith::native::{emit1_long, is_simple, kind, nat, Nat, Native, Src};
use super::super::arith::types::{
    is_floating, BOOL, BYTE, CHAR, DATE, DATETIME, FLOAT, GUID, INT, MONTH, REAL, SHORT, SYMBOL,
    TIMESPAN, TIMESTAMP,
};
use super::super::arith::{add, divide, fill, max2, min2, multiply, not, null, sqrt, subtract};
use super::{floats_of, is_null_atom};
use crate::error::{QError, QResult};
use crate::items::{from_items, to_items};

/// The window length: a whole-number atom.
fn window(x: &Value) -> QResult<i64> {
    match x {
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Byte(b) => Ok(i64::from(*b)),
        Value::Short(v) => Ok(i64::from(*v)),
        Value::Int(v) => Ok(i64::from(*v)),
        Value::Long(v) => Ok(*v),
        _ => Err(QError::type_()),
    }
}

/// Each running value less the one `n` items before it (none before the first `n`).
fn window_diff<T: Copy>(running: &[T], n: i64, minus: impl Fn(T, T) -> T) -> Vec<T> {
    (0..running.len())
        .map(|i| {
            if n <= 0 {
                minus(running[i], running[i])
            } else if (i as i64) < n {
                running[i]
            } else {
                minus(running[i], running[i - n as usize])
            }
        })
        .collect()
}

/// Running sums of floats with nulls as zero.
fn running_float_sums(xs: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    xs.iter()
        .map(|&v| {
            acc += if v.is_nan() { 0.0 } else { v };
            acc
        })
        .collect()
}

/// Running counts of the non-nulls.
fn running_counts(xs: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    xs.iter()
        .map(|&v| {
            acc += if v.is_nan() { 0.0 } else { 1.0 };
            acc
        })
        .collect()
}

/// Running sums of a general list's items (null atoms as nothing), by the atomic `+`.
fn running_items(items: &[Value]) -> QResult<Vec<Value>> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        let next = match out.last() {
            None => v.clone(),
            Some(p) if is_null_atom(v) => p.clone(),
            Some(p) => add(p.clone(), v.clone())?,
        };
        out.push(next);
    }
    Ok(out)
}

/// `msum` of a general list, by the atomic `+` and `-`.
fn msum_items(n: i64, items: &[Value]) -> QResult {
    let running = running_items(items)?;
    let mut out = Vec::with_capacity(running.len());
    for i in 0..running.len() {
        out.push(if n <= 0 {
            subtract(running[i].clone(), running[i].clone())?
        } else if (i as i64) < n {
            running[i].clone()
        } else {
            subtract(running[i].clone(), running[i - n as usize].clone())?
        });
    }
    Ok(from_items(out))
}

/// The type of a moving sum of type `t`.
fn msum_type(t: i8) -> QResult<i8> {
    match t {
        BOOL | BYTE | SHORT | INT | MONTH | DATE => Ok(INT),
        TIMESTAMP => Ok(TIMESPAN),
        DATETIME => Ok(FLOAT),
        GUID | SYMBOL | CHAR => Err(QError::type_()),
        other => Ok(other),
    }
}

fn msum_one(n: i64, y: Value) -> QResult {
    match &y {
        Value::List(items) => msum_items(n, items),
        y if y.is_atom() => Ok(y.clone()),
        y => {
            let t = kind(y);
            let rt = msum_type(t)?;
            if is_floating(t) {
                let sums = running_float_sums(&floats_of(y)?);
                let out = window_diff(&sums, n, |a, b| a - b);
                return Ok(if rt == REAL {
                    Value::from(out.iter().map(|&v| v as f32).collect::<Vec<f32>>())
                } else {
                    Value::from(out)
                });
            }
            let longs =
                super::super::arith::native::long_lanes(y, super::super::arith::types::Conv::Raw)?;
            let Src::Many(items) = longs else {
                return Err(QError::type_());
            };
            let mut acc = 0i64;
            let sums: Vec<i64> = items
                .iter()
                .map(|&v| {
                    acc = acc.wrapping_add(if v == NULL_LONG { 0 } else { v });
                    acc
                })
                .collect();
            let out = window_diff(&sums, n, i64::wrapping_sub);
            Ok(emit1_long(rt, &Src::Many(out.into()), |v| v))
        }
    }
}

/// `x msum y`: moving sums over `x` items, nulls as zero.
pub fn msum(x: Value, y: Value) -> QResult {
    let n = window(&x)?;
    uniform2(x, y, &|_, y| msum_one(n, y))
}

fn mcount_one(n: i64, y: Value) -> QResult {
    match &y {
        Value::List(items) => msum_items(n, &to_items(&not(null(Value::List(items.clone()))?)?)),
        y if is_simple(y) && !y.is_atom() => {
            let Value::BoolVector(nulls) = null(y.clone())? else {
                return Err(QError::type_());
            };
            let mut acc = 0i64;
            let counts: Vec<i64> = nulls
                .iter()
                .map(|&is_null| {
                    acc += i64::from(!is_null);
                    acc
                })
                .collect();
            Ok(Value::from(window_diff(&counts, n, |a, b| a - b)))
        }
        _ => Err(QError::type_()),
    }
}

/// `x mcount y`: how many of the `x` items so far are not null.
pub fn mcount(x: Value, y: Value) -> QResult {
    let n = window(&x)?;
    uniform2(x, y, &|_, y| mcount_one(n, y))
}

/// Moving averages of floats: moving sums (nulls as zero) over moving counts.
fn mavg_floats(n: i64, xs: &[f64]) -> Vec<f64> {
    let sums = window_diff(&running_float_sums(xs), n, |a, b| a - b);
    let counts = window_diff(&running_counts(xs), n, |a, b| a - b);
    sums.iter().zip(counts).map(|(s, c)| s / c).collect()
}

fn mavg_one(n: i64, y: Value) -> QResult {
    match &y {
        Value::List(items) => {
            let filled = fill(Value::Float(0.0), y.clone())?;
            let sums = msum_items(n, &to_items(&filled))?;
            divide(sums, mcount_one(n, Value::List(items.clone()))?)
        }
        y if is_simple(y) && !y.is_atom() && !matches!(kind(y), GUID | SYMBOL) => {
            Ok(Value::from(mavg_floats(n, &floats_of(y)?)))
        }
        _ => Err(QError::type_()),
    }
}

/// `x mavg y`: moving averages, as floats (nulls are left out of each window; a window of
/// only nulls gives null).
pub fn mavg(x: Value, y: Value) -> QResult {
    let n = window(&x)?;
    uniform2(x, y, &|_, y| mavg_one(n, y))
}

fn mdev_one(n: i64, y: Value) -> QResult {
    match &y {
        Value::List(_) => {
            let m = mavg_one(n, y.clone())?;
            let m2 = mavg_one(n, multiply(y.clone(), y.clone())?)?;
            sqrt(subtract(m2, multiply(m.clone(), m)?)?)
        }
        y if is_simple(y) && !y.is_atom() && !matches!(kind(y), GUID | SYMBOL) => {
            let xs = floats_of(y)?;
            let squares: Vec<f64> = xs.iter().map(|v| v * v).collect();
            let (m, m2) = (mavg_floats(n, &xs), mavg_floats(n, &squares));
            Ok(Value::from(
                m.iter()
                    .zip(m2)
                    .map(|(a, b)| (b - a * a).sqrt())
                    .collect::<Vec<f64>>(),
            ))
        }
        _ => Err(QError::type_()),
    }
}

/// `x mdev y`: moving standard deviations, as floats.
pub fn mdev(x: Value, y: Value) -> QResult {
    let n = window(&x)?;
    uniform2(x, y, &|_, y| mdev_one(n, y))
}

/// The extreme of each window of `w` items, in one pass: a queue of the items that can
/// still be a window's extreme. `ahead(a, b)`: `a` wins over (or ties with) `b`.
fn sliding<T: Copy>(s: &[T], w: usize, ahead: impl Fn(T, T) -> bool) -> Vec<T> {
    let mut queue: VecDeque<usize> = VecDeque::new();
    let mut out = Vec::with_capacity(s.len());
    for (i, &v) in s.iter().enumerate() {
        while queue.back().is_some_and(|&j| !ahead(s[j], v)) {
            queue.pop_back();
        }
        queue.push_back(i);
        if queue.front().is_some_and(|&j| j + w <= i) {
            queue.pop_front();
        }
        out.push(queue.front().map_or(v, |&j| s[j]));
    }
    out
}

/// Floats in q's order: a null below everything.
fn float_ge(a: f64, b: f64) -> bool {
    b.is_nan() || a >= b
}

/// Moving extremes of a typed vector.
fn moving_extreme(n: i64, y: &Value, greater: bool) -> QResult {
    let t = kind(y);
    let w = n as usize;
    fn whole<T: Native + Ord>(y: &Value, w: usize, greater: bool, null: T, neg_inf: T) -> QResult {
        let s = T::slice(y).ok_or_else(QError::type_)?;
        let out = if greater {
            sliding(s, w, |a, b| a >= b)
                .into_iter()
                .map(|v| if v == null { neg_inf } else { v })
                .collect::<Vec<T>>()
        } else {
            sliding(s, w, |a, b| a <= b)
        };
        Ok(T::vector_value(
            T::build(out.len(), |o| o.copy_from_slice(&out)),
            kind(y),
        ))
    }
    match nat(t) {
        Nat::Bool => whole::<bool>(y, w, greater, false, false),
        Nat::Byte => whole::<u8>(y, w, greater, 0, 0),
        Nat::Short => whole::<i16>(y, w, greater, NULL_SHORT, -INF_SHORT),
        Nat::Int => whole::<i32>(y, w, greater, NULL_INT, -INF_INT),
        Nat::Long => whole::<i64>(y, w, greater, NULL_LONG, -INF_LONG),
        Nat::Real | Nat::Float => {
            let s = floats_of(y)?;
            let out: Vec<f64> = if greater {
                sliding(&s, w, float_ge)
                    .into_iter()
                    .map(|v| if v.is_nan() { f64::NEG_INFINITY } else { v })
                    .collect()
            } else {
                sliding(&s, w, |a, b| float_ge(b, a))
            };
            Ok(match t {
                REAL => Value::from(out.iter().map(|&v| v as f32).collect::<Vec<f32>>()),
                DATETIME => Value::DatetimeVector(out.into()),
                _ => Value::from(out),
            })
        }
        _ => Err(QError::type_()),
    }
}

/// Moving extremes of a general list, by the atomic `&` or `|`, window by window.
fn moving_items(n: i64, items: &[Value], greater: bool) -> QResult {
    let w = n as usize;
    let f = if greater { max2 } else { min2 };
    let mut out = Vec::with_capacity(items.len());
    for i in 0..items.len() {
        let start = (i + 1).saturating_sub(w);
        let mut acc = items[start].clone();
        for v in &items[start + 1..=i] {
            acc = f(acc, v.clone())?;
        }
        out.push(acc);
    }
    Ok(from_items(out))
}

fn mextreme_one(n: i64, y: Value, greater: bool) -> QResult {
    if n <= 0 || y.is_atom() {
        return Ok(y);
    }
    match &y {
        Value::List(items) => moving_items(n, items, greater),
        y if is_simple(y) => moving_extreme(n, y, greater),
        _ => Err(QError::type_()),
    }
}

/// `x mmin y`: moving minimums (a null is the least value); `y` itself for `x` below 1.
pub fn mmin(x: Value, y: Value) -> QResult {
    let n = window(&x)?;
    uniform2(x, y, &|_, y| mextreme_one(n, y, false))
}

/// `x mmax y`: moving maximums, nulls ignored (negative infinity for a window of nulls).
pub fn mmax(x: Value, y: Value) -> QResult {
    let n = window(&x)?;
    uniform2(x, y, &|_, y| mextreme_one(n, y, true))
}

/// `x ema y`: exponential moving averages with smoothing `x` (an atom, or one per item):
/// the first is `y`'s first item, each next `(1-x)` times the previous plus `x` times
/// the item.
pub fn ema(x: Value, y: Value) -> QResult {
    let alpha = floats_of(&x)?;
    uniform2(x.clone(), y, &|x, y| {
        if !is_simple(&y) || matches!(kind(&y), GUID | SYMBOL) {
            return Err(QError::type_());
        }
        let ys = floats_of(&y)?;
        if !x.is_atom() && alpha.len() != ys.len() {
            return Err(QError::length());
        }
        let a = |i: usize| if x.is_atom() { alpha[0] } else { alpha[i] };
        let mut prev = ys.first().copied().unwrap_or(f64::NAN);
        let out: Vec<f64> = ys
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                prev = (1.0 - a(i)) * prev + a(i) * v;
                prev
            })
            .collect();
        Ok(if y.is_atom() {
            Value::Float(out[0])
        } else {
            Value::from(out)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::super::arith::testing::{check, q_err};

    #[test]
    fn moving_sums_and_counts() {
        check("3 msum 1 2 3 5 7 11", "1 3 6 10 15 23");
        check("3 msum 0N 2 3 5 0N 11", "0 2 5 10 8 16");
        check(
            "3 msum 1 5 0 9 5 2 2 4 0 5 3 0",
            "1 6 6 14 14 16 9 8 6 9 8 8",
        );
        check(
            "2 msum flip `a`b!(10 21 3;4 5 6)",
            "flip `a`b!(10 31 24;4 9 11)",
        );
        check("2 msum 101b", "1 1 1i");
        check("2 msum 1.5 2.5 3.5", "1.5 4 6");
        check("0 msum 1 2 3", "0 0 0");
        check("3 mcount 0 1 2 3 4 5", "1 2 3 3 3 3");
        check("3 mcount 0N 1 2 3 0N 5", "0 1 2 3 2 2");
        assert_eq!(q_err("1.5 msum 1 2 3"), "type");
        assert_eq!(q_err("2 msum `a`b"), "type");
    }

    #[test]
    fn moving_averages_and_deviations() {
        check("2 mavg 1 2 3 5 7 10", "1 1.5 2.5 4 6 8.5");
        check("5 mavg 1 2 3 5 7 10", "1 1.5 2 2.75 3.6 5.4");
        check("5 mavg 0N 2 0N 5 7 0N", "0n 2 2 3.5 4.666667 4.666667");
        check("0 mavg 2 3", "0n 0n");
        check(
            "2 mavg ((flip enlist[`k]!enlist `abc`def`ghi)!flip `a`b!(10 21 3;4 5 6))",
            "(flip enlist[`k]!enlist `abc`def`ghi)!flip `a`b!(10 15.5 12;4 4.5 5.5)",
        );
        check("2 mdev 1 2 3 5 7 10", "0 0.5 0.5 1 1 1.5");
        check(
            "5 mdev 1 2 3 5 7 10",
            "0 0.5 0.8164966 1.47902 2.154066 2.87054",
        );
        check("5 mdev 0N 2 0N 5 7 0N", "0n 0 0 1.5 2.054805 2.054805");
        check("2 mdev `a`b!(10 21 3;4 5 6)", "`a`b!(0 0 0f;3 8 1.5)");
        check(
            "2 mdev flip `a`b!(10 21 3;4 5 6)",
            "flip `a`b!(0 5.5 9;0 0.5 0.5)",
        );
    }

    #[test]
    fn moving_extremes() {
        check("3 mmax 2 7 1 3 5 2 8", "2 7 7 7 5 5 8");
        check("3 mmax 0N -3 -2 0N 1 0", "-0W -3 -2 -2 1 1");
        check("3 mmin 0N -3 -2 1 -0W 0", "0N 0N 0N -3 -0W -0W");
        check("3 mmin 0N -3 -2 1 0N -0W", "0N 0N 0N -3 0N 0N");
        check(
            "2 mmax flip`a`b!(10 21 3;4 5 6)",
            "flip `a`b!(10 21 21;4 5 6)",
        );
        check("2 mmax`a`b!(10 21 3;4 5 6)", "`a`b!(10 21 3;10 21 6)");
        check("2 mmin `a`b!(10 21 3;4 5 6)", "`a`b!(10 21 3;4 5 3)");
        check("2 mmax 1.5 0n 0n 2", "1.5 1.5 -0w 2");
        check("2 mmin 1.5 0n 2 3", "1.5 0n 0n 2");
        check("0 mmin 3 1 2", "3 1 2");
        check("2 mmin \"cab\"", "\"caa\"");
    }

    #[test]
    fn exponential_moving_average() {
        check(
            "ema[1%3;1 0 0 0 0 0 0 0 0 0 0]",
            "1 0.6666667 0.4444444 0.2962963 0.1975309 0.1316872 0.0877915 0.05852766 0.03901844 0.02601229 0.01734153",
        );
        check(
            "(2%1+10)ema 22.27 22.19 22.08 22.17 22.18 22.13 22.23 22.43 22.24 22.29 22.15",
            "22.27 22.25545 22.22355 22.21382 22.20767 22.19355 22.20017 22.24196 22.2416 22.2504 22.23215",
        );
        check("0.5 ema 1 2 3i", "1 1.5 2.25");
        assert_eq!(q_err("0.5 0.5 ema 1 2 3"), "length");
    }
}
