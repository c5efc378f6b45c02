//! Test support for arithmetic, comparison and math: q text evaluated by the
//! interpreter, compared with room for the console's float rounding.

use qport_value::Value;

use crate::error::QResult;

/// The value of q expression `text`.
pub(crate) fn q(text: &str) -> QResult {
    crate::testing::eval(text)
}

/// The error text q expression `text` signals (panics if it does not).
pub(crate) fn q_err(text: &str) -> String {
    match q(text) {
        Ok(v) => panic!("{text} gave {v:?}, not an error"),
        Err(e) => e.text().to_string(),
    }
}

/// Asserts that `text` evaluates to the value of `expected`, of the same type, floats
/// equal to the seven significant digits the console shows.
pub(crate) fn check(text: &str, expected: &str) {
    let got = q(text).unwrap_or_else(|e| panic!("{text}: '{}", e.text()));
    let want = q(expected).unwrap_or_else(|e| panic!("expected {expected}: '{}", e.text()));
    assert!(close(&got, &want), "{text}\n got {got:?}\nwant {want:?}");
}

fn close_float(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= 5e-7 * a.abs().max(b.abs())
}

/// Equality with room for the console's float rounding.
pub(crate) fn close(a: &Value, b: &Value) -> bool {
    if a.type_number() != b.type_number() {
        return false;
    }
    fn floats(v: &Value) -> Option<Vec<f64>> {
        match v {
            Value::Float(x) | Value::Datetime(x) => Some(vec![*x]),
            Value::Real(x) => Some(vec![f64::from(*x)]),
            Value::FloatVector(x) | Value::DatetimeVector(x) => Some(x.to_vec()),
            Value::RealVector(x) => Some(x.iter().map(|&e| f64::from(e)).collect()),
            _ => None,
        }
    }
    if let (Some(x), Some(y)) = (floats(a), floats(b)) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| close_float(*p, *q));
    }
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| close(p, q))
        }
        (Value::Dict(x), Value::Dict(y)) => close(&x.keys, &y.keys) && close(&x.values, &y.values),
        (Value::Table(x), Value::Table(y)) => {
            x.names() == y.names()
                && x.columns().len() == y.columns().len()
                && x.columns()
                    .iter()
                    .zip(y.columns())
                    .all(|(p, q)| close(p, q))
        }
        (Value::KeyedTable(x), Value::KeyedTable(y)) => {
            close(&Value::table(x.key.clone()), &Value::table(y.key.clone()))
                && close(
                    &Value::table(x.value.clone()),
                    &Value::table(y.value.clone()),
                )
        }
        _ => strip(a) == strip(b),
    }
}

/// A vector without its attribute, for comparing items only.
fn strip(v: &Value) -> Value {
    let mut v = v.clone();
    qport_value::with_vector!(&mut v, items => items.set_attribute(qport_value::Attribute::None), _ => ());
    v
}
