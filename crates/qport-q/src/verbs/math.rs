//! The numeric library: the aggregates `sum prd min max avg all any` here; the running
//! (uniform) `sums prds mins maxs avgs deltas ratios` in [`running`]; the statistics
//! `med var dev sdev svar wsum wavg cor cov` in [`stats`]; the moving windows `mavg msum
//! mmin mmax mcount mdev` and `ema` in [`moving`].
//!
//! On a typed vector an aggregate ignores nulls (as SQL does) and runs one loop over the
//! slice; on a general list it folds the atomic primitive over the items, so nulls inside
//! vector items are kept (`sum (1 2;0N 4)` is `0N 6`). A dictionary aggregates its values,
//! a table each column (giving a dictionary).

#[path = "math_moving.rs"]
pub mod moving;
#[path = "math_running.rs"]
pub mod running;
#[path = "math_stats.rs"]
pub mod stats;

pub use moving::{ema, mavg, mcount, mdev, mmax, mmin, msum};
pub use running::{avgs, deltas, maxs, mins, prds, ratios, sums};
pub use stats::{cor, cov, dev, med, scov, sdev, svar, var, wavg, wsum};

use qport_value::null::*;
use qport_value::Value;

use super::arith::atomic::aggregate1;
use super::arith::native::{is_simple, kind, nat, Elem, Nat, Native};
use super::arith::types::{long_to_int, BOOL, BYTE, CHAR, GUID, INT, SHORT, SYMBOL};
use super::arith::{add, divide, max2, min2, multiply};
use crate::error::{QError, QResult};

/// The sum of longs, nulls counted as zero: one pass the compiler vectorises.
#[inline]
pub(crate) fn sum_longs(s: &[i64]) -> i64 {
    let mut acc = 0i64;
    for &v in s {
        acc = acc.wrapping_add(if v == NULL_LONG { 0 } else { v });
    }
    acc
}

/// The sum of floats, nulls counted as zero, as kdb+'s vector code adds them: eight
/// running sums (item `i` into sum `i mod 8`), then those eight in order.
#[inline]
pub(crate) fn sum_floats(s: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = s.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for i in 0..8 {
            acc[i] += if c[i].is_nan() { 0.0 } else { c[i] };
        }
    }
    for (a, &v) in acc.iter_mut().zip(rest) {
        *a += if v.is_nan() { 0.0 } else { v };
    }
    acc[1..].iter().fold(acc[0], |a, &b| a + b)
}

/// The sum and count of the non-null items, as floats.
fn float_sum_count<T: Elem>(s: &[T]) -> (f64, usize) {
    let mut acc = [0.0f64; 8];
    let mut n = [0usize; 8];
    let chunks = s.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for i in 0..8 {
            let v = c[i].float();
            let ok = !v.is_nan();
            acc[i] += if ok { v } else { 0.0 };
            n[i] += usize::from(ok);
        }
    }
    for (i, e) in rest.iter().enumerate() {
        let v = e.float();
        let ok = !v.is_nan();
        acc[i] += if ok { v } else { 0.0 };
        n[i] += usize::from(ok);
    }
    (acc[1..].iter().fold(acc[0], |a, &b| a + b), n.iter().sum())
}

/// The sum and count of the non-null items of a whole-number slice.
fn long_sum_count<T: Elem>(s: &[T]) -> (i64, usize) {
    let mut acc = 0i64;
    let mut n = 0usize;
    for &e in s {
        let null = e.is_null();
        acc = acc.wrapping_add(if null { 0 } else { e.long() });
        n += usize::from(!null);
    }
    (acc, n)
}

/// Whether `v` is an atom that is its type's null.
pub(crate) fn is_null_atom(v: &Value) -> bool {
    v.is_atom() && matches!(super::arith::null(v.clone()), Ok(Value::Bool(true)))
}

/// The items of a general list folded with `f`; null atoms are skipped where `skip_nulls`
/// (as `sum` skips them). None for no items.
pub(crate) fn fold_items(
    items: &[Value],
    f: fn(Value, Value) -> QResult,
    skip_nulls: bool,
) -> QResult<Option<Value>> {
    let mut acc: Option<Value> = None;
    for v in items {
        if skip_nulls && is_null_atom(v) {
            continue;
        }
        acc = Some(match acc {
            None => v.clone(),
            Some(a) => f(a, v.clone())?,
        });
    }
    if acc.is_none() && skip_nulls {
        return Ok(items.first().cloned());
    }
    Ok(acc)
}

/// Whether an atom is something an aggregate returns as it is (a number or temporal).
fn is_numeric_atom(x: &Value) -> bool {
    x.is_atom() && !matches!(kind(x), GUID | SYMBOL | CHAR)
}

/// `sum x`: the total. Booleans, bytes, shorts and ints sum to an int, other numbers and
/// temporals to their own type; nulls count as zero. An atom is its own sum.
pub fn sum(x: Value) -> QResult {
    aggregate1(x, &sum_one)
}

fn sum_one(x: Value) -> QResult {
    match &x {
        Value::List(items) => Ok(fold_items(items, add, true)?.unwrap_or(Value::Long(0))),
        x if is_numeric_atom(x) => Ok(x.clone()),
        Value::BoolVector(v) => Ok(Value::Int(v.iter().filter(|&&b| b).count() as i32)),
        Value::ByteVector(v) => Ok(Value::Int(
            v.iter().fold(0i32, |a, &b| a.wrapping_add(i32::from(b))),
        )),
        Value::ShortVector(v) => Ok(Value::Int(long_to_int(long_sum_count(v).0))),
        Value::RealVector(v) => Ok(Value::Real(float_sum_count(v).0 as f32)),
        _ => {
            let t = kind(&x);
            if let Some(s) = i64::slice(&x) {
                return Ok(i64::atom_value(sum_longs(s), t));
            }
            if let Some(s) = i32::slice(&x) {
                return Ok(i32::atom_value(long_to_int(long_sum_count(s).0), t));
            }
            if let Some(s) = f64::slice(&x) {
                return Ok(f64::atom_value(sum_floats(s), t));
            }
            Err(QError::type_())
        }
    }
}

/// `prd x`: the product; nulls count as one. Booleans multiply as flags (`prd 101b` is
/// `0b`), bytes, shorts and ints to an int.
pub fn prd(x: Value) -> QResult {
    aggregate1(x, &prd_one)
}

fn prd_one(x: Value) -> QResult {
    fn long_product<T: Elem>(s: &[T]) -> i64 {
        s.iter().fold(1i64, |a, &e| {
            if e.is_null() {
                a
            } else {
                a.wrapping_mul(e.long())
            }
        })
    }
    fn float_product<T: Elem>(s: &[T]) -> f64 {
        s.iter().fold(1.0, |a, &e| {
            let v = e.float();
            if v.is_nan() {
                a
            } else {
                a * v
            }
        })
    }
    match &x {
        Value::List(items) => Ok(fold_items(items, multiply, true)?.unwrap_or(Value::Long(1))),
        x if is_numeric_atom(x) => Ok(x.clone()),
        Value::BoolVector(v) => Ok(Value::Bool(v.iter().all(|&b| b))),
        Value::ByteVector(v) => Ok(Value::Int(long_product(v) as i32)),
        Value::ShortVector(v) => Ok(Value::Int(long_to_int(long_product(v)))),
        Value::RealVector(v) => Ok(Value::Real(float_product(v) as f32)),
        _ => {
            let t = kind(&x);
            if let Some(s) = i64::slice(&x) {
                return Ok(i64::atom_value(long_product(s), t));
            }
            if let Some(s) = i32::slice(&x) {
                return Ok(i32::atom_value(long_to_int(long_product(s)), t));
            }
            if let Some(s) = f64::slice(&x) {
                return Ok(f64::atom_value(float_product(s), t));
            }
            Err(QError::type_())
        }
    }
}

/// The least (or greatest) item of a whole-number slice, nulls ignored; `inf` (or
/// `-inf`) when there is none. The null is the type's least value, so the greatest
/// already ignores it.
fn whole_extreme<T: Copy + Ord>(s: &[T], null: T, inf: T, neg_inf: T, greater: bool) -> T {
    if greater {
        s.iter().fold(neg_inf, |a, &v| a.max(v))
    } else {
        s.iter()
            .fold(inf, |a, &v| if v == null { a } else { a.min(v) })
    }
}

/// The least (or greatest) float, nulls ignored; an infinity when there is none.
fn float_extreme(s: &[f64], greater: bool) -> f64 {
    if greater {
        s.iter()
            .fold(f64::NEG_INFINITY, |a, &v| if v > a { v } else { a })
    } else {
        s.iter()
            .fold(f64::INFINITY, |a, &v| if v < a { v } else { a })
    }
}

/// `min`/`max` of a simple list, in its own type.
fn extreme_one(x: Value, greater: bool) -> QResult {
    let t = kind(&x);
    if x.is_atom() {
        return match t {
            GUID | SYMBOL => Err(QError::type_()),
            _ => Ok(x),
        };
    }
    Ok(match &x {
        Value::List(items) => {
            let f = if greater { max2 } else { min2 };
            return Ok(fold_items(items, f, false)?
                .unwrap_or_else(|| Value::Long(if greater { -INF_LONG } else { INF_LONG })));
        }
        Value::BoolVector(v) => Value::Bool(if greater {
            v.iter().any(|&b| b)
        } else {
            v.iter().all(|&b| b)
        }),
        Value::ByteVector(_) | Value::CharVector(_) => {
            let s = u8::slice(&x).unwrap_or(&[]);
            let v = if greater {
                s.iter().copied().max().unwrap_or(0)
            } else {
                s.iter().copied().min().unwrap_or(u8::MAX)
            };
            u8::atom_value(v, t)
        }
        Value::ShortVector(v) => {
            Value::Short(whole_extreme(v, NULL_SHORT, INF_SHORT, -INF_SHORT, greater))
        }
        Value::RealVector(v) => {
            let wide: Vec<f64> = v.iter().map(|&e| f64::from(e)).collect();
            Value::Real(float_extreme(&wide, greater) as f32)
        }
        _ => match nat(t) {
            Nat::Int => i32::atom_value(
                whole_extreme(
                    i32::slice(&x).unwrap_or(&[]),
                    NULL_INT,
                    INF_INT,
                    -INF_INT,
                    greater,
                ),
                t,
            ),
            Nat::Long => i64::atom_value(
                whole_extreme(
                    i64::slice(&x).unwrap_or(&[]),
                    NULL_LONG,
                    INF_LONG,
                    -INF_LONG,
                    greater,
                ),
                t,
            ),
            Nat::Float => f64::atom_value(float_extreme(f64::slice(&x).unwrap_or(&[]), greater), t),
            _ => return Err(QError::type_()),
        },
    })
}

/// `min x`: the least item, nulls ignored (infinity if there is none).
pub fn min(x: Value) -> QResult {
    aggregate1(x, &|x| extreme_one(x, false))
}

/// `max x`: the greatest item, nulls ignored (negative infinity if there is none).
pub fn max(x: Value) -> QResult {
    aggregate1(x, &|x| extreme_one(x, true))
}

/// The mean of a simple vector's non-null items (null for none).
pub(crate) fn mean_of(x: &Value) -> QResult<f64> {
    fn whole<T: Elem>(s: &[T]) -> f64 {
        let (total, n) = long_sum_count(s);
        total as f64 / n as f64
    }
    fn float<T: Elem>(s: &[T]) -> f64 {
        let (total, n) = float_sum_count(s);
        total / n as f64
    }
    Ok(match x {
        Value::BoolVector(v) => v.iter().filter(|&&b| b).count() as f64 / v.len() as f64,
        Value::ByteVector(v) => whole(v),
        Value::ShortVector(v) => whole(v),
        Value::RealVector(v) => float(v),
        _ => match nat(kind(x)) {
            Nat::Int => whole(i32::slice(x).unwrap_or(&[])),
            Nat::Long => whole(i64::slice(x).unwrap_or(&[])),
            Nat::Float => float(f64::slice(x).unwrap_or(&[])),
            _ => return Err(QError::type_()),
        },
    })
}

/// `avg x`: the mean, as a float; nulls in a vector are left out, an empty list's mean is
/// null. A general list's is its sum divided by its count (nulls in items kept).
pub fn avg(x: Value) -> QResult {
    aggregate1(x, &avg_one)
}

fn avg_one(x: Value) -> QResult {
    match &x {
        Value::List(items) => {
            let total = fold_items(items, add, true)?.unwrap_or(Value::Long(0));
            divide(total, Value::Long(items.len() as i64))
        }
        x if x.is_atom() => match kind(x) {
            GUID | SYMBOL | CHAR => Err(QError::type_()),
            _ => divide(x.clone(), Value::Long(1)),
        },
        Value::CharVector(_) => Err(QError::type_()),
        x => Ok(Value::Float(mean_of(x)?)),
    }
}

/// Whether each item of a simple value is non-zero (nulls and infinities are).
fn nonzero(x: &Value) -> QResult<Vec<bool>> {
    fn go<T: Elem>(x: &Value) -> QResult<Vec<bool>> {
        if let Some(a) = T::atom(x) {
            return Ok(vec![a.is_null() || a.float() != 0.0]);
        }
        let s = T::slice(x).ok_or_else(QError::type_)?;
        Ok(s.iter().map(|&e| e.is_null() || e.float() != 0.0).collect())
    }
    super::arith::native::with_elem!(x, go(), Err(QError::type_()))
}

/// `all x`: whether every item is non-zero (true for an empty list).
pub fn all(x: Value) -> QResult {
    aggregate1(x, &|x| match &x {
        Value::BoolVector(v) => Ok(Value::Bool(v.iter().all(|&b| b))),
        Value::List(items) if items.is_empty() => Ok(Value::Bool(true)),
        // A list of flag vectors: `&/`, item by item.
        Value::List(items) => Ok(fold_items(items, min2, false)?.unwrap_or(Value::Bool(true))),
        x if is_simple(x) => Ok(Value::Bool(nonzero(x)?.iter().all(|&b| b))),
        _ => Err(QError::type_()),
    })
}

/// `any x`: whether some item is non-zero (false for an empty list).
pub fn any(x: Value) -> QResult {
    aggregate1(x, &|x| match &x {
        Value::BoolVector(v) => Ok(Value::Bool(v.iter().any(|&b| b))),
        Value::List(items) if items.is_empty() => Ok(Value::Bool(false)),
        // A list of flag vectors: `|/`, item by item.
        Value::List(items) => Ok(fold_items(items, max2, false)?.unwrap_or(Value::Bool(false))),
        x if is_simple(x) => Ok(Value::Bool(nonzero(x)?.iter().any(|&b| b))),
        _ => Err(QError::type_()),
    })
}

/// A simple value's items as floats (nulls as NaN), for the statistics.
pub(crate) fn floats_of(x: &Value) -> QResult<Vec<f64>> {
    fn go<T: Elem>(x: &Value) -> QResult<Vec<f64>> {
        if let Some(a) = T::atom(x) {
            return Ok(vec![a.float()]);
        }
        let s = T::slice(x).ok_or_else(QError::type_)?;
        Ok(s.iter().map(|&e| e.float()).collect())
    }
    match x {
        Value::List(items) => items
            .iter()
            .map(|v| {
                if v.is_atom() {
                    floats_of(v).map(|f| f[0])
                } else {
                    Err(QError::type_())
                }
            })
            .collect(),
        _ => super::arith::native::with_elem!(x, go(), Err(QError::type_())),
    }
}

/// The type a running sum or moving sum of type `t` gives (booleans to shorts as ints).
pub(crate) fn summed_type(t: i8) -> QResult<i8> {
    match t {
        BOOL | BYTE | SHORT | INT => Ok(INT),
        GUID | SYMBOL | CHAR => Err(QError::type_()),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::super::arith::testing::{check, q_err};

    #[test]
    fn sums_of_vectors() {
        check("sum 7", "7");
        check("sum 2 3 5 7", "17");
        check("sum 2 3 0N 7", "12");
        check("sum (1 2 3 4;2 3 5 7)", "3 5 8 11");
        check("sum `a`b`c!1 2 3", "6");
        check("sum (0n 8;8 0n)", "0n 0n");
        check("sum 0n 8", "8f");
        check("sum (1 2;0N 4)", "0N 6");
        check("sum 8 6 8 10 8 20 10 8 8 = 8", "5i");
        check("sum 101b", "2i");
        check("sum 1 2 3i", "6i");
        check("sum 1 2 3h", "6i");
        check("sum 1.5 2.5e", "4e");
        check("sum 2000.01.02 2000.01.03", "2000.01.04");
        check("sum 0D01 0D02", "0D03");
        check("sum 0#0", "0");
        check("sum 0#0.0", "0f");
        check("sum ()", "0");
        check("sum 1 5 3 xexp 3", "153f");
        check("sum (1;2.5)", "3.5");
        check("sum flip `a`b!(10 21 3;4 5 6)", "`a`b!34 15");
        check("sum `a`b!(10 21 3;4 5 6)", "14 26 9");
        check("sum 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1.0", "5.5");
        assert_eq!(q_err("sum \"abc\""), "type");
        assert_eq!(q_err("sum `a`b"), "type");
    }

    #[test]
    fn products() {
        check("prd 7", "7");
        check("prd 2 3 5 7", "210");
        check("prd 2 3 0N 7", "42");
        check("prd (1 2 3 4;2 3 5 7)", "2 6 15 28");
        check("prd 101b", "0b");
        check("prd 1+0 1 2 3 4", "120");
        check("prd `a`b!(10 21 3;4 5 6)", "40 105 18");
        check("prd flip `a`b!(10 21 3;4 5 6)", "`a`b!630 120");
        check("(prd 100 10 5 25 35 14) mod 11", "9");
        assert_eq!(q_err("prd \"abc\""), "type");
    }

    #[test]
    fn extremes() {
        check("max 2 5 7 1 3", "7");
        check("max \"genie\"", "\"n\"");
        check("max 0N 5 0N 1 3", "5");
        check("max 0N 0N", "-0W");
        check("min 2 5 7 1 3", "1");
        check("min \"genie\"", "\"e\"");
        check("min 0N 5 0N 1 3", "1");
        check("min 0N 0N", "0W");
        check("min 0#0", "0W");
        check("max 0#0.0", "-0w");
        check("max 1 0n 3", "3f");
        check("min 1 0n 3", "1f");
        check("max (1 2;0N 4)", "1 4");
        check("min (1 2;0N 4)", "0N 2");
        check("max`a`b!(10 21 3;4 5 6)", "10 21 6");
        check("max flip`a`b!(10 21 3;4 5 6)", "`a`b!21 6");
        check("min flip`a`b!(10 21 3;4 5 6)", "`a`b!3 4");
        check("min `a`b!(10 21 3;4 5 6)", "4 5 3");
        check("max 2000.01.01 2001.01.01", "2001.01.01");
        check("max 101b", "1b");
        check("min 101b", "0b");
        check("max 0x0102", "0x02");
        check("max 1 2 3h", "3h");
        check("max 10 20 4i", "20i");
        check("max 7", "7");
        assert_eq!(q_err("max `a`b"), "type");
    }

    #[test]
    fn averages() {
        check("avg 1 2 3", "2f");
        check("avg 1 0w", "0w");
        check("avg -0w 0w", "0n");
        check("avg 1 0n 2 3", "2f");
        check("avg (1;0n;2;3)", "1.5");
        check("avg (1 2;0N 4)", "0n 3");
        check("avg 101b", "0.6666667");
        check("avg 1b", "1f");
        check("avg flip `a`b!(3 5;6 8f)", "`a`b!4 7f");
        check("avg `a`b!(10 21 3;4 5 6)", "7 13 4.5");
        check("avg flip `a`b!(10 21 3;4 5 6)", "`a`b!11.33333 5");
        check("avg 0#0", "0n");
        check("avg 1 2 0N 3", "2f");
        check("avg 2000.01.03 2000.01.05", "3f");
        assert_eq!(q_err("avg `a`b"), "type");
    }

    #[test]
    fn keyed_tables() {
        let kt = "((flip enlist[`k]!enlist `abc`def`ghi)!flip `a`b!(10 21 3;4 5 6))";
        check(&format!("sum {kt}"), "`a`b!34 15");
        check(&format!("avg {kt}"), "`a`b!11.33333 5");
        check(&format!("max {kt}"), "`a`b!21 6");
        check(&format!("min {kt}"), "`a`b!3 4");
        check(&format!("prd {kt}"), "`a`b!630 120");
        check(
            &format!("sums {kt}"),
            "(flip enlist[`k]!enlist `abc`def`ghi)!flip `a`b!(10 31 34;4 9 15)",
        );
        check(&format!("med {kt}"), "`a`b!10 4f");
    }

    #[test]
    fn all_any() {
        check("all 1 2 3 = 1 2 4", "0b");
        check("all 1 2 3 = 1 2 3", "1b");
        check("all ()", "1b");
        check("all 2000.01.01", "0b");
        check("all 2000.01.02 2010.01.02", "1b");
        check("all \" \\000\"", "0b");
        check("all null \" \\000\"", "0b");
        check(
            "all flip `c1`c2`c3!(1 2 3;0n 0w -0w;0 1 2f)",
            "`c1`c2`c3!110b",
        );
        check("any 1 2 3 = 10 20 4", "0b");
        check("any 1 2 3 = 1 20 30", "1b");
        check("any ()", "0b");
        check("any \" \\000\"", "1b");
        check("any null \" \\000\"", "1b");
        check("any 2000.01.01", "0b");
        check("any 2000.01.01 2000.01.02", "1b");
        check(
            "any flip `c1`c2`c3!(1 2 3;0n 0w -0w;000b)",
            "`c1`c2`c3!110b",
        );
        assert_eq!(q_err("all `a`b"), "type");
    }
}
