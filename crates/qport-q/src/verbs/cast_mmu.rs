//! The matrix product of `$` between floats: `1 2 3.$1 2 3.` (a dot product), a matrix
//! times a vector, a vector times a matrix, a matrix times a matrix (q's `mmu`). A matrix
//! is a general list of float vectors of one length; anything else on the right is
//! `'type`, and lengths that do not conform are `'length`.

use qport_value::{Value, Vector};

use crate::error::{QError, QResult};

/// Whether `x` is a float vector or a matrix (a non-empty list of float vectors): `$`
/// with such a left argument is the matrix product.
pub(crate) fn is_matrix_operand(x: &Value) -> bool {
    match x {
        Value::FloatVector(_) => true,
        Value::List(rows) => {
            !rows.is_empty() && rows.iter().all(|r| matches!(r, Value::FloatVector(_)))
        }
        _ => false,
    }
}

/// The rows of a matrix, all of one length.
fn rows(x: &Value) -> QResult<Vec<&[f64]>> {
    let Value::List(items) = x else {
        return Err(QError::type_());
    };
    let rows: Vec<&[f64]> = items
        .iter()
        .map(|r| match r {
            Value::FloatVector(v) => Ok(v.as_slice()),
            _ => Err(QError::type_()),
        })
        .collect::<QResult<_>>()?;
    if rows.windows(2).any(|w| w[0].len() != w[1].len()) {
        return Err(QError::length());
    }
    Ok(rows)
}

fn dot(a: &[f64], b: &[f64]) -> QResult<f64> {
    if a.len() != b.len() {
        return Err(QError::length());
    }
    Ok(a.iter().zip(b).map(|(x, y)| x * y).sum())
}

/// A vector times a matrix: the sum of the matrix's rows weighted by the vector.
fn vector_matrix(v: &[f64], m: &[&[f64]]) -> QResult<Vec<f64>> {
    if v.len() != m.len() {
        return Err(QError::length());
    }
    let mut out = vec![0.0; m.first().map_or(0, |r| r.len())];
    for (&w, row) in v.iter().zip(m) {
        for (o, &e) in out.iter_mut().zip(row.iter()) {
            *o += w * e;
        }
    }
    Ok(out)
}

/// `x$y` for float vectors and matrices: the dot product, or the matrix product (`mmu`).
pub(crate) fn mmu(x: &Value, y: &Value) -> QResult {
    if !is_matrix_operand(y) {
        return Err(QError::type_());
    }
    match (x, y) {
        (Value::FloatVector(a), Value::FloatVector(b)) => Ok(Value::Float(dot(a, b)?)),
        (Value::FloatVector(a), m) => Ok(Value::from(vector_matrix(a, &rows(m)?)?)),
        (m, Value::FloatVector(b)) => {
            let out = rows(m)?
                .iter()
                .map(|r| dot(r, b))
                .collect::<QResult<Vec<f64>>>()?;
            Ok(Value::from(out))
        }
        (a, b) => {
            let b = rows(b)?;
            let out = rows(a)?
                .iter()
                .map(|r| vector_matrix(r, &b).map(Value::from))
                .collect::<QResult<Vec<Value>>>()?;
            Ok(Value::List(Vector::from(out)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_products() {
        let v = Value::from(vec![1.0f64, 2.0, 3.0]);
        assert_eq!(mmu(&v, &v).unwrap(), Value::Float(14.0));
        let m = Value::list([
            Value::from(vec![1.0f64, 1.0]),
            Value::from(vec![1.0f64, 0.0]),
        ]);
        let squared = Value::list([
            Value::from(vec![2.0f64, 1.0]),
            Value::from(vec![1.0f64, 1.0]),
        ]);
        assert_eq!(mmu(&m, &m).unwrap(), squared);
        let w = Value::from(vec![1.0f64, 2.0]);
        assert_eq!(mmu(&m, &w).unwrap(), Value::from(vec![3.0f64, 1.0]));
        assert_eq!(mmu(&w, &m).unwrap(), Value::from(vec![3.0f64, 1.0]));
        assert_eq!(mmu(&v, &w), Err(QError::length()));
        assert_eq!(
            mmu(&v, &Value::from(vec![1i64, 2, 3])),
            Err(QError::type_())
        );
    }
}
