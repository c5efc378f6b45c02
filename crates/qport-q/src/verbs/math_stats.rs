//! Statistics: `med var dev svar sdev` of one list, and the weighted and paired
//! aggregates `wsum wavg cov scov cor` of two.
//!
//! All give floats. Nulls are left out (`var`, `dev`), or left out with their pair
//! (`wavg`, `cov`, `cor`); `med` sorts the items as q does (nulls first) and averages the
//! middle one or two. A general list of equal-length vectors is taken column by column; a
//! table gives a dictionary of one result per column.

use qport_value::{Table, Value, Vector};

use super::super::arith::atomic::{aggregate1, make_dict};
use super::super::arith::native::{is_simple, kind};
use super::super::arith::types::{GUID, SYMBOL};
use super::super::arith::{divide, multiply};
use super::super::compare::compare_values;
use super::{avg, floats_of, sum};
use crate::error::{QError, QResult};
use crate::items::{count, from_items, item};

/// The non-null values.
fn present(xs: &[f64]) -> Vec<f64> {
    xs.iter().copied().filter(|v| !v.is_nan()).collect()
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// The population variance of the non-null values (null for none).
fn variance(xs: &[f64]) -> f64 {
    let xs = present(xs);
    if xs.is_empty() {
        return f64::NAN;
    }
    let m = mean(&xs);
    xs.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / xs.len() as f64
}

/// The sample variance: the variance scaled by n/(n-1).
fn sample_variance(xs: &[f64]) -> f64 {
    let n = present(xs).len() as f64;
    variance(xs) * n / (n - 1.0)
}

/// A statistic of one list: a simple list's (or a list of atoms') values, or column by
/// column over a general list of equal-length vectors.
fn statistic(x: Value, f: fn(&[f64]) -> f64) -> QResult {
    if let Value::List(items) = &x {
        if !items.is_empty() && items.iter().all(|i| !i.is_atom()) {
            let n = count(&items[0]);
            if items.iter().any(|i| count(i) != n) {
                return Err(QError::length());
            }
            let columns = (0..n)
                .map(|j| {
                    let column: Vec<Value> = items.iter().map(|i| item(i, j)).collect();
                    Ok(f(&floats_of(&from_items(column))?))
                })
                .collect::<QResult<Vec<f64>>>()?;
            return Ok(Value::from(columns));
        }
    }
    if is_simple(&x) && matches!(kind(&x), GUID | SYMBOL) {
        return Err(QError::type_());
    }
    Ok(Value::Float(f(&floats_of(&x)?)))
}

/// `var x`: the variance, nulls left out.
pub fn var(x: Value) -> QResult {
    aggregate1(x, &|x| statistic(x, variance))
}

/// `dev x`: the standard deviation (square root of the variance).
pub fn dev(x: Value) -> QResult {
    aggregate1(x, &|x| statistic(x, |xs| variance(xs).sqrt()))
}

/// `svar x`: the sample variance, `var x` times n%n-1.
pub fn svar(x: Value) -> QResult {
    aggregate1(x, &|x| statistic(x, sample_variance))
}

/// `sdev x`: the sample standard deviation.
pub fn sdev(x: Value) -> QResult {
    aggregate1(x, &|x| statistic(x, |xs| sample_variance(xs).sqrt()))
}

/// `med x`: the median, as q defines it: the mean of the middle one or two items of `x`
/// sorted (nulls sort first). A table's items are its rows, so its median is the middle
/// row(s) of the table sorted, not the median of each column.
pub fn med(x: Value) -> QResult {
    match &x {
        Value::Table(t) => return median_row(t),
        Value::KeyedTable(kt) => return median_row(&kt.value),
        _ => {}
    }
    aggregate1(x, &|x| match &x {
        Value::List(items) => {
            let mut sorted: Vec<Value> = items.to_vec();
            sorted.sort_by(compare_values);
            let n = sorted.len();
            if n == 0 {
                return avg(x.clone());
            }
            let (i, j) = ((n - 1) / 2, n / 2);
            avg(Value::List(Vector::from(vec![
                sorted[i].clone(),
                sorted[j].clone(),
            ])))
        }
        x if is_simple(x) && !matches!(kind(x), GUID | SYMBOL) => {
            let mut xs = floats_of(x)?;
            // Nulls first, as q's sort puts them.
            xs.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Less,
                (false, true) => std::cmp::Ordering::Greater,
                _ => a.total_cmp(b),
            });
            let n = xs.len();
            if n == 0 {
                return Ok(Value::Float(f64::NAN));
            }
            let middle = present(&[xs[(n - 1) / 2], xs[n / 2]]);
            Ok(Value::Float(if middle.is_empty() {
                f64::NAN
            } else {
                mean(&middle)
            }))
        }
        _ => Err(QError::type_()),
    })
}

/// The median of a table's rows: the rows sorted (column by column), the mean of the
/// middle one or two, as a dictionary of column names.
fn median_row(t: &Table) -> QResult {
    let n = t.row_count();
    let names = Value::SymbolVector(t.names().clone());
    if n == 0 {
        let means = t
            .columns()
            .iter()
            .map(|c| avg(c.clone()))
            .collect::<QResult<Vec<_>>>()?;
        return make_dict(names, from_items(means));
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| {
        t.columns()
            .iter()
            .map(|c| compare_values(&item(c, i), &item(c, j)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let (i, j) = (order[(n - 1) / 2], order[n / 2]);
    let means = t
        .columns()
        .iter()
        .map(|c| avg(Value::List(Vector::from(vec![item(c, i), item(c, j)]))))
        .collect::<QResult<Vec<_>>>()?;
    make_dict(names, from_items(means))
}

/// A dictionary's values; anything else as it is.
fn values_of(x: Value) -> Value {
    match x {
        Value::Dict(d) => d.values.clone(),
        other => other,
    }
}

/// Whether both are simple vectors of numbers (the float fast paths).
fn numeric_vectors(x: &Value, y: &Value) -> bool {
    let ok = |v: &Value| is_simple(v) && !v.is_atom() && !matches!(kind(v), GUID | SYMBOL);
    ok(x) && ok(y)
}

/// The sum of `w*v` and of `w` over the pairs where neither is null, in four running
/// sums each so the loop is not one long chain of dependent additions.
#[inline]
pub(crate) fn weighted_sums(w: &[f64], v: &[f64]) -> (f64, f64) {
    let mut num = [0.0f64; 4];
    let mut den = [0.0f64; 4];
    let (wc, vc) = (w.chunks_exact(4), v.chunks_exact(4));
    let (wr, vr) = (wc.remainder(), vc.remainder());
    for (a, b) in wc.zip(vc) {
        for i in 0..4 {
            let ok = !(a[i].is_nan() || b[i].is_nan());
            num[i] += if ok { a[i] * b[i] } else { 0.0 };
            den[i] += if ok { a[i] } else { 0.0 };
        }
    }
    for (i, (a, b)) in wr.iter().zip(vr).enumerate() {
        let ok = !(a.is_nan() || b.is_nan());
        num[i] += if ok { a * b } else { 0.0 };
        den[i] += if ok { *a } else { 0.0 };
    }
    (
        (num[0] + num[1]) + (num[2] + num[3]),
        (den[0] + den[1]) + (den[2] + den[3]),
    )
}

/// Two lists' values as floats, checked to have the same count.
fn float_pair(x: &Value, y: &Value) -> QResult<(Vec<f64>, Vec<f64>)> {
    let (a, b) = (floats_of(x)?, floats_of(y)?);
    if a.len() != b.len() {
        return Err(QError::length());
    }
    Ok((a, b))
}

/// `x wsum y`: the sum of `x*y`; two numeric vectors give a float.
pub fn wsum(x: Value, y: Value) -> QResult {
    let (x, y) = (values_of(x), values_of(y));
    if numeric_vectors(&x, &y) {
        let (a, b) = float_pair(&x, &y)?;
        return Ok(Value::Float(weighted_sums(&a, &b).0));
    }
    sum(multiply(x, y)?)
}

/// `x wavg y`: the average of `y` weighted by `x`, `(sum x*y)%sum x`, as floats; pairs with
/// a null on either side are left out.
pub fn wavg(x: Value, y: Value) -> QResult {
    let (x, y) = (values_of(x), values_of(y));
    if let (Value::FloatVector(a), Value::FloatVector(b)) = (&x, &y) {
        if a.len() != b.len() {
            return Err(QError::length());
        }
        let (num, den) = weighted_sums(a, b);
        return Ok(Value::Float(num / den));
    }
    if numeric_vectors(&x, &y) {
        let (a, b) = float_pair(&x, &y)?;
        let (num, den) = weighted_sums(&a, &b);
        return Ok(Value::Float(num / den));
    }
    let total = sum(multiply(x.clone(), y)?)?;
    let weight = sum(x)?;
    divide(total, weight)
}

/// The pairs where neither value is null.
fn pairs(x: &Value, y: &Value) -> QResult<(Vec<f64>, Vec<f64>)> {
    let (a, b) = float_pair(x, y)?;
    Ok(a.iter()
        .zip(b.iter())
        .filter(|(p, q)| !p.is_nan() && !q.is_nan())
        .map(|(p, q)| (*p, *q))
        .unzip())
}

/// The covariance of paired values: the mean product of their deviations.
fn covariance(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    a.iter()
        .zip(b)
        .map(|(p, q)| (p - ma) * (q - mb))
        .sum::<f64>()
        / a.len() as f64
}

/// `x cov y`: the covariance, pairs with a null left out.
pub fn cov(x: Value, y: Value) -> QResult {
    let (a, b) = pairs(&values_of(x), &values_of(y))?;
    Ok(Value::Float(covariance(&a, &b)))
}

/// `x scov y`: the sample covariance, `cov` scaled by n%n-1.
pub fn scov(x: Value, y: Value) -> QResult {
    let (a, b) = pairs(&values_of(x), &values_of(y))?;
    let n = a.len() as f64;
    Ok(Value::Float(covariance(&a, &b) * n / (n - 1.0)))
}

/// `x cor y`: the Pearson correlation, pairs with a null left out.
pub fn cor(x: Value, y: Value) -> QResult {
    let (a, b) = pairs(&values_of(x), &values_of(y))?;
    let (ma, mb) = (mean(&a), mean(&b));
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (p, q) in a.iter().zip(&b) {
        sab += (p - ma) * (q - mb);
        saa += (p - ma) * (p - ma);
        sbb += (q - mb) * (q - mb);
    }
    Ok(Value::Float(sab / (saa * sbb).sqrt()))
}

#[cfg(test)]
mod tests {
    use super::super::super::arith::testing::{check, close, q, q_err};

    #[test]
    fn variance_and_deviation() {
        check("var 2 3 5 7", "3.6875");
        check("var 2 3 5 0n 7", "3.6875");
        check("svar 2 3 5 7", "4.916667");
        check("dev 10 343 232 55", "134.3484");
        check("sdev 10 343 232 55", "155.1322");
        check("dev 0 1 2 3 4", "1.414214");
        check("var (2 3;4 0N;1 7)", "1.555556 4");
        check("svar (2 3;4 0N;1 7)", "2.333333 8");
        check("dev flip `a`b!(2 4 1;3 0N 7)", "`a`b!1.247219 2");
        check("var 1i", "0f");
        check("var 0#0", "0n");
        assert_eq!(q_err("var `a`b"), "type");
    }

    #[test]
    fn medians() {
        check("med 10 34 23 123 5 56", "28.5");
        check("med 3 1 2", "2f");
        check("med `a`b!(10 -21 3;4 5 -6)", "7 -8 -1.5");
        check("med flip `a`b!(10 -21 3;4 5 -6)", "`a`b!3 -6f");
        check("med 0#0", "0n");
        check("med 5", "5f");
    }

    #[test]
    fn weighted() {
        check("2 3 4 wsum 1 2 4", "24f");
        check("2 wsum 1 2 4", "14");
        check("(1 2;3 4) wsum (500 400;300 200)", "1400 1600");
        check("1 2 wsum `a`b!(10 21 3;4 5 6)", "18 31 15");
        check("1 2 3 wsum 1 2 3", "14f");
        check("2 3 4 wavg 1 2 4", "2.666667");
        check("2 0N 4 5 wavg 1 2 0N 8", "6f");
        check("0 wavg 2 3", "0n");
        check("0 wavg (1 2;3 4)", "0n 0n");
        check("(1 2;3 4) wavg (500 400; 300 200)", "350 266.6667");
        check("1 2 wavg `a`b!(10 21 3;4 5 6)", "6 10.33333 5");
        check("1 2 3 4 5 6 7 8 9f wavg 9 8 7 6 5 4 3 2 1f", "3.666667");
        assert_eq!(q_err("1 2 wavg 1 2 3"), "length");
    }

    #[test]
    fn covariance_and_correlation() {
        check("2 3 5 7 cov 3 3 5 9", "4.5");
        check("2 3 5 7 cov 4 3 0 2", "-1.8125");
        let scov = |x: &str, y: &str| super::scov(q(x).unwrap(), q(y).unwrap()).unwrap();
        assert!(close(&scov("2 3 5 7", "3 3 5 9"), &q("6f").unwrap()));
        assert!(close(&scov("2 3 5 7", "4 3 0 2"), &q("-2.416667").unwrap()));
        check("29 10 54 cor 1 3 9", "0.7727746");
        check("10 29 54 cor 1 3 9", "0.9795734");
        check("1 3 9 cor 1 3 9", "1f");
        check("1 3 9 cor neg 1 3 9", "-1f");
        check("1 3 1 3 cor 1 1 3 3", "0f");
        check("1 1 1 cor 1 3 9", "0n");
        check("1 3 0N cor 1 3 9", "1f");
        check("1000101000b cor 0010011001b", "-0.08908708");
        assert_eq!(q_err("1 2 cov 1 2 3"), "length");
    }
}
