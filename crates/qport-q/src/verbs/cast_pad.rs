//! Pad: `9$"foo"` and `-9$"foo"`.
//!
//! Pad takes an int or long on the left: a string comes back that many characters wide,
//! blank-filled on the right (a negative count: on the left), cut when it is longer. It is
//! string-atomic: general lists, dictionaries and tables are padded string by string.

use qport_value::{Value, Vector};

use crate::error::{QError, QResult};
use crate::items::from_items;

/// `n$y`: every string in `y` padded or cut to `|n|` characters.
pub(crate) fn pad(n: i64, y: Value) -> QResult {
    // No string is wider than an int counts (the nulls included): no memory for one.
    if n.unsigned_abs() > i32::MAX as u64 {
        return Err(QError::new("wsfull"));
    }
    match y {
        Value::CharVector(s) => Ok(Value::CharVector(padded(n, &s))),
        Value::Char(c) => Ok(Value::CharVector(padded(n, &[c]))),
        Value::List(items) => {
            let out = items
                .iter()
                .map(|item| pad(n, item.clone()))
                .collect::<QResult<Vec<_>>>()?;
            Ok(from_items(out))
        }
        y @ (Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_)) => {
            super::over_values(y, &|v| pad(n, v))
        }
        _ => Err(QError::type_()),
    }
}

fn padded(n: i64, s: &[u8]) -> Vector<u8> {
    let width = n.unsigned_abs() as usize;
    let mut out = Vec::with_capacity(width);
    if n >= 0 {
        out.extend_from_slice(&s[..s.len().min(width)]);
        out.resize(width, b' ');
    } else {
        out.resize(width.saturating_sub(s.len()), b' ');
        out.extend_from_slice(&s[s.len().saturating_sub(width)..]);
    }
    Vector::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    #[test]
    fn pads_and_cuts() {
        assert_eq!(pad(9, s("foo")).unwrap(), s("foo      "));
        assert_eq!(pad(-9, s("foo")).unwrap(), s("      foo"));
        assert_eq!(pad(2, s("foo")).unwrap(), s("fo"));
        assert_eq!(pad(-2, s("foo")).unwrap(), s("oo"));
        assert_eq!(pad(0, s("foo")).unwrap(), s(""));
        assert_eq!(pad(3, Value::Char(b'a')).unwrap(), s("a  "));
        assert_eq!(pad(3, Value::Long(1)), Err(QError::type_()));
        assert_eq!(pad(3, Value::symbol("a")), Err(QError::type_()));
        assert_eq!(pad(i64::MIN, s("a")), Err(QError::new("wsfull")));
    }

    #[test]
    fn pad_is_string_atomic() {
        let nested = Value::list([
            s("The"),
            Value::list([s("fox"), Value::list([s("jumps"), s("over")])]),
        ]);
        let expected = Value::list([
            s("The      "),
            Value::list([
                s("fox      "),
                Value::list([s("jumps    "), s("over     ")]),
            ]),
        ]);
        assert_eq!(pad(9, nested).unwrap(), expected);
        assert_eq!(pad(9, Value::list([])).unwrap(), Value::list([]));
    }
}
