//! Running (uniform) functions: `sums prds mins maxs avgs deltas ratios`, one result item
//! per argument item.
//!
//! On a typed vector nulls are skipped as the aggregates skip them (`sums 2 3 0N 7` is
//! `2 5 5 12`; leading nulls of `mins`/`maxs` give the infinities); on a general list the
//! atomic primitive is applied item to item. A dictionary keeps its keys, a table its
//! columns.

use std::borrow::Cow;

use qport_value::null::*;
use qport_value::Value;

use super::super::arith::atomic::uniform1;
use super::super::arith::native::{
    emit1_float, emit1_long, float_lanes, is_simple, kind, long_lanes, nat, Nat, Native, Src,
};
use super::super::arith::types::{
    is_floating, Conv, BOOL, BYTE, CHAR, DATE, DATETIME, FLOAT, GUID, INT, MONTH, SHORT, SYMBOL,
    TIMESPAN, TIMESTAMP,
};
use super::super::arith::{add, divide, max2, min2, multiply, subtract};
use super::{is_null_atom, summed_type};
use crate::error::{QError, QResult};
use crate::items::from_items;

/// The running results of `f` over a general list's items (null atoms skipped where
/// `skip_nulls`, carrying the previous result).
fn scan_items(items: &[Value], f: fn(Value, Value) -> QResult, skip_nulls: bool) -> QResult {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        let next = match out.last() {
            None => v.clone(),
            Some(prev) if skip_nulls && is_null_atom(v) => prev.clone(),
            Some(prev) if skip_nulls && is_null_atom(prev) => v.clone(),
            Some(prev) => f(prev.clone(), v.clone())?,
        };
        out.push(next);
    }
    Ok(from_items(out))
}

/// A number or temporal atom, returned as it is by the running functions.
fn numeric_atom(x: &Value) -> QResult {
    match kind(x) {
        GUID | SYMBOL | CHAR => Err(QError::type_()),
        _ => Ok(x.clone()),
    }
}

/// Running values of a simple vector computed in long lanes (`step(acc, item)`), in type
/// `rt`.
fn running_long(x: &Value, rt: i8, init: i64, step: impl Fn(i64, i64) -> i64) -> QResult {
    let a = long_lanes(x, Conv::Raw)?;
    let Src::Many(items) = a else {
        return Err(QError::type_());
    };
    let mut acc = init;
    let out: Vec<i64> = items
        .iter()
        .map(|&v| {
            acc = step(acc, v);
            acc
        })
        .collect();
    Ok(emit1_long(rt, &Src::Many(Cow::Owned(out)), |v| v))
}

/// Running values of a simple vector computed in float lanes, in type `rt`.
fn running_float(x: &Value, rt: i8, init: f64, step: impl Fn(f64, f64) -> f64) -> QResult {
    let a = float_lanes(x, Conv::Raw)?;
    let Src::Many(items) = a else {
        return Err(QError::type_());
    };
    let mut acc = init;
    let out: Vec<f64> = items
        .iter()
        .map(|&v| {
            acc = step(acc, v);
            acc
        })
        .collect();
    Ok(emit1_float(rt, &Src::Many(Cow::Owned(out)), |v| v))
}

/// `sums x`: running totals, nulls counted as zero (booleans to ints as `sum`).
pub fn sums(x: Value) -> QResult {
    uniform1(x, &|x| match &x {
        Value::List(items) => scan_items(items, add, true),
        x if x.is_atom() => numeric_atom(x),
        x => {
            let t = kind(x);
            let rt = summed_type(t)?;
            if is_floating(t) {
                running_float(x, rt, 0.0, |a, v| if v.is_nan() { a } else { a + v })
            } else {
                running_long(
                    x,
                    rt,
                    0,
                    |a, v| {
                        if v == NULL_LONG {
                            a
                        } else {
                            a.wrapping_add(v)
                        }
                    },
                )
            }
        }
    })
}

/// `prds x`: running products, nulls counted as one (booleans as flags).
pub fn prds(x: Value) -> QResult {
    uniform1(x, &|x| match &x {
        Value::List(items) => scan_items(items, multiply, true),
        x if x.is_atom() => numeric_atom(x),
        Value::BoolVector(_) => running_long(&x, BOOL, 1, |a, v| a & v),
        x => {
            let t = kind(x);
            let rt = summed_type(t)?;
            if is_floating(t) {
                running_float(x, rt, 1.0, |a, v| if v.is_nan() { a } else { a * v })
            } else {
                running_long(
                    x,
                    rt,
                    1,
                    |a, v| {
                        if v == NULL_LONG {
                            a
                        } else {
                            a.wrapping_mul(v)
                        }
                    },
                )
            }
        }
    })
}

/// Running extremes of a whole-number slice, nulls skipped, starting from `start` (the
/// infinity opposite to the direction).
fn whole_running<T: Native + Ord>(x: &Value, null: T, start: T, greater: bool) -> QResult {
    let t = kind(x);
    let s = T::slice(x).ok_or_else(QError::type_)?;
    let out = T::build(s.len(), |out| {
        let mut acc = start;
        for (o, &v) in out.iter_mut().zip(s) {
            if v != null {
                acc = if greater { acc.max(v) } else { acc.min(v) };
            }
            *o = acc;
        }
    });
    Ok(T::vector_value(out, t))
}

/// Running extremes of a float slice, nulls skipped, starting from an infinity.
fn float_running<T: Native + PartialOrd + Into<f64>>(
    x: &Value,
    start: T,
    greater: bool,
) -> QResult {
    let t = kind(x);
    let s = T::slice(x).ok_or_else(QError::type_)?;
    let out = T::build(s.len(), |out| {
        let mut acc = start;
        for (o, &v) in out.iter_mut().zip(s) {
            if (greater && v > acc) || (!greater && v < acc) {
                acc = v;
            }
            *o = acc;
        }
    });
    Ok(T::vector_value(out, t))
}

/// `mins`/`maxs` of one list.
fn running_extreme(x: Value, greater: bool) -> QResult {
    match &x {
        Value::List(items) => scan_items(items, if greater { max2 } else { min2 }, false),
        x if x.is_atom() => match kind(x) {
            GUID | SYMBOL => Err(QError::type_()),
            _ => Ok(x.clone()),
        },
        Value::BoolVector(_) => running_long(&x, BOOL, i64::from(!greater), move |a, v| {
            if greater {
                a | v
            } else {
                a & v
            }
        }),
        Value::ByteVector(_) | Value::CharVector(_) => {
            whole_running::<u8>(&x, 0, if greater { 0 } else { u8::MAX }, greater)
        }
        Value::ShortVector(_) => {
            let start = if greater { -INF_SHORT } else { INF_SHORT };
            whole_running::<i16>(&x, NULL_SHORT, start, greater)
        }
        Value::RealVector(_) => {
            let start = if greater {
                f32::NEG_INFINITY
            } else {
                f32::INFINITY
            };
            float_running::<f32>(&x, start, greater)
        }
        x => match nat(kind(x)) {
            Nat::Int => {
                let start = if greater { -INF_INT } else { INF_INT };
                whole_running::<i32>(x, NULL_INT, start, greater)
            }
            Nat::Long => {
                let start = if greater { -INF_LONG } else { INF_LONG };
                whole_running::<i64>(x, NULL_LONG, start, greater)
            }
            Nat::Float => {
                let start = if greater {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                };
                float_running::<f64>(x, start, greater)
            }
            _ => Err(QError::type_()),
        },
    }
}

/// `mins x`: running minimums; nulls ignored, leading nulls give infinity.
pub fn mins(x: Value) -> QResult {
    uniform1(x, &|x| running_extreme(x, false))
}

/// `maxs x`: running maximums; nulls ignored, leading nulls give negative infinity.
pub fn maxs(x: Value) -> QResult {
    uniform1(x, &|x| running_extreme(x, true))
}

/// `avgs x`: running means, as floats; nulls are left out of both total and count.
pub fn avgs(x: Value) -> QResult {
    uniform1(x, &|x| match &x {
        Value::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut total: Option<Value> = None;
            for (i, v) in items.iter().enumerate() {
                if !is_null_atom(v) || total.is_none() {
                    total = Some(match total {
                        None => v.clone(),
                        Some(t) if is_null_atom(&t) => v.clone(),
                        Some(t) => add(t, v.clone())?,
                    });
                }
                let t = total.clone().unwrap_or(Value::Long(0));
                out.push(divide(t, Value::Long(i as i64 + 1))?);
            }
            Ok(from_items(out))
        }
        x if x.is_atom() => match kind(x) {
            GUID | SYMBOL | CHAR => Err(QError::type_()),
            _ => divide(x.clone(), Value::Long(1)),
        },
        Value::CharVector(_) | Value::SymbolVector(_) | Value::GuidVector(_) => {
            Err(QError::type_())
        }
        x => {
            let a = float_lanes(x, Conv::Raw)?;
            let Src::Many(items) = a else {
                return Err(QError::type_());
            };
            let (mut total, mut n) = (0.0f64, 0usize);
            let out: Vec<f64> = items
                .iter()
                .map(|&v| {
                    if !v.is_nan() {
                        total += v;
                        n += 1;
                    }
                    total / n as f64
                })
                .collect();
            Ok(Value::from(out))
        }
    })
}

/// The type `deltas` gives for type `t`: whole numbers below long as int, a timestamp's
/// differences as timespans, months and dates as ints, datetimes as floats.
fn delta_type(t: i8) -> QResult<i8> {
    match t {
        BOOL | BYTE | SHORT | INT | MONTH | DATE => Ok(INT),
        TIMESTAMP => Ok(TIMESPAN),
        DATETIME => Ok(FLOAT),
        GUID | SYMBOL | CHAR => Err(QError::type_()),
        other => Ok(other),
    }
}

/// `deltas x`: differences of consecutive items, the first item kept (its predecessor
/// is zero).
pub fn deltas(x: Value) -> QResult {
    uniform1(x, &|x| match &x {
        Value::List(items) => pairwise(items, subtract),
        x if x.is_atom() => numeric_atom(x),
        x => {
            let t = kind(x);
            let rt = delta_type(t)?;
            if is_floating(t) {
                let a = float_lanes(x, Conv::Raw)?;
                let Src::Many(items) = a else {
                    return Err(QError::type_());
                };
                let out: Vec<f64> = (0..items.len())
                    .map(|i| {
                        if i == 0 {
                            items[0]
                        } else {
                            items[i] - items[i - 1]
                        }
                    })
                    .collect();
                Ok(emit1_float(rt, &Src::Many(Cow::Owned(out)), |v| v))
            } else {
                let a = long_lanes(x, Conv::Raw)?;
                let Src::Many(items) = a else {
                    return Err(QError::type_());
                };
                let out: Vec<i64> = (0..items.len())
                    .map(|i| {
                        let (v, p) = (items[i], if i == 0 { 0 } else { items[i - 1] });
                        if v == NULL_LONG || p == NULL_LONG {
                            NULL_LONG
                        } else {
                            v.wrapping_sub(p)
                        }
                    })
                    .collect();
                Ok(emit1_long(rt, &Src::Many(Cow::Owned(out)), |v| v))
            }
        }
    })
}

/// `ratios x`: ratios of consecutive items as floats, the first item kept (its
/// predecessor is one).
pub fn ratios(x: Value) -> QResult {
    uniform1(x, &|x| match &x {
        Value::List(items) => pairwise(items, divide),
        x if x.is_atom() => numeric_atom(x),
        x if is_simple(x) && !matches!(kind(x), GUID | SYMBOL) => {
            let a = float_lanes(x, Conv::Raw)?;
            let Src::Many(items) = a else {
                return Err(QError::type_());
            };
            let out: Vec<f64> = (0..items.len())
                .map(|i| {
                    if i == 0 {
                        items[0]
                    } else {
                        items[i] / items[i - 1]
                    }
                })
                .collect();
            Ok(Value::from(out))
        }
        _ => Err(QError::type_()),
    })
}

/// `f` of each item and the one before it, the first item as it is.
fn pairwise(items: &[Value], f: fn(Value, Value) -> QResult) -> QResult {
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        out.push(if i == 0 {
            v.clone()
        } else {
            f(v.clone(), items[i - 1].clone())?
        });
    }
    Ok(from_items(out))
}

#[cfg(test)]
mod tests {
    use super::super::super::arith::testing::{check, q, q_err};

    #[test]
    fn running_sums_and_products() {
        check("sums 7", "7");
        check("sums 2 3 5 7", "2 5 10 17");
        check("sums 2 3 0N 7", "2 5 5 12");
        check("sums (1 2 3;2 3 5)", "(1 2 3;3 5 8)");
        check("sums 101b", "1 1 2i");
        check("sums 1.5 0n 2", "1.5 1.5 3.5");
        check("sums 10 20 30 40 50", "10 30 60 100 150");
        check("sums `a`b!(10 21 3;4 5 6)", "`a`b!(10 21 3;14 26 9)");
        check("sums 3 4 5 6 7", "3 7 12 18 25");
        check("prds 7", "7");
        check("prds 2 3 5 7", "2 6 30 210");
        check("prds 2 3 0N 7", "2 6 6 42");
        check("prds (1 2 3;2 3 5)", "(1 2 3;2 6 15)");
        check("prds 1+0 1 2 3 4", "1 2 6 24 120");
        check("prds `a`b!(10 21 3;4 5 6)", "`a`b!(10 21 3;40 105 18)");
        check(
            "prds flip `a`b!(10 21 3;4 5 6)",
            "flip `a`b!(10 210 630;4 20 120)",
        );
        assert_eq!(q_err("sums \"abc\""), "type");
        assert_eq!(q_err("prds \"abc\""), "type");
    }

    #[test]
    fn running_extremes() {
        check("maxs 2 5 7 1 3", "2 5 7 7 7");
        check("maxs \"genie\"", "\"ggnnn\"");
        check("maxs 0N 5 0N 1 3", "-0W 5 5 5 5");
        check("mins 2 5 7 1 3", "2 2 2 1 1");
        check("mins \"genie\"", "\"geeee\"");
        check("mins 0N 5 0N 1 3", "0W 5 5 1 1");
        check("maxs`a`b!(10 21 3;4 5 6)", "`a`b!(10 21 3;10 21 6)");
        check(
            "maxs flip`a`b!(10 21 3;4 5 6)",
            "flip `a`b!(10 21 21;4 5 6)",
        );
        check("mins flip`a`b!(10 21 3;4 5 6)", "flip `a`b!(10 10 3;4 4 4)");
        check("maxs 0n 1 0n 0.5", "-0w 1 1 1");
        check("mins 101b", "100b");
        check("maxs 2000.01.01 1999.01.01", "2000.01.01 2000.01.01");
    }

    #[test]
    fn running_averages() {
        check("avgs 1 2 3 0n 4 -0w 0w", "1 1.5 2 2 2.5 -0w 0n");
        check(
            "avgs flip `a`b!(10 21 3;4 5 6)",
            "flip `a`b!(10 15.5 11.33333;4 4.5 5)",
        );
        check("avgs 0N 2 4", "0n 2 3");
    }

    #[test]
    fn differences_and_ratios() {
        check("deltas 1 4 9 16", "1 3 5 7");
        check("deltas 2000 2005 2007 2012 2020", "2000 5 2 5 8");
        check("deltas 1 5 0 9 5 2", "1 4 -5 9 -4 -3");
        check("deltas 15 27 93", "15 12 66");
        check("deltas 1 2 3i", "1 1 1i");
        check("deltas 1 0N 3", "1 0N 0N");
        check(
            "deltas 2000.01.01D00:00 2000.01.01D00:01",
            "0D00:00 0D00:01",
        );
        assert_eq!(
            q("deltas 96.100000000000009 96.099999999999994").unwrap(),
            qport_value::Value::from(vec![
                96.100_000_000_000_01_f64,
                96.1 - 96.100_000_000_000_01
            ])
        );
        check("deltas (1 2;3 5)", "(1 2;2 3)");
        check("ratios 2 3 4 5", "2 1.5 1.333333 1.25");
        check(
            "ratios 2000 2005 2007 2012 2020",
            "2000 1.0025 1.000998 1.002491 1.003976",
        );
        check(
            "ratios `a`b!(10 21 3;4 5 6)",
            "`a`b!(10 21 3;0.4 0.2380952 2)",
        );
        check(
            "ratios flip `a`b!(10 21 3;4 5 6)",
            "flip `a`b!(10 2.1 0.1428571;4 1.25 1.2)",
        );
        assert_eq!(q_err("deltas `a`b"), "type");
    }
}
