//! `1:` with a format on the left: fixed-width binary records read from bytes (or a file,
//! `` `:path ``), one column per field.
//!
//! `(types;widths)1:bytes` reads little-endian fields, `(widths;types)1:bytes` big-endian
//! ones. A type is a lower-case type char (`b x h i j e f c`), or a blank to skip the field.

use qport_value::{Value, Vector};

use crate::error::{QError, QResult};
use crate::items::{count, item};

/// `x 1: y`: the columns of the records in `y`.
pub fn read_binary(x: Value, y: Value) -> QResult {
    let (types, widths, big_endian) = format(&x)?;
    let bytes: Vec<u8> = match &y {
        Value::ByteVector(b) => b.to_vec(),
        Value::Symbol(path) => {
            let text = path.to_str_lossy();
            let path = text.strip_prefix(':').unwrap_or(&text);
            std::fs::read(path).map_err(|_| QError::new(path))?
        }
        _ => return Err(QError::type_()),
    };
    let record: usize = widths.iter().sum();
    if record == 0 || bytes.len() % record != 0 {
        return Err(QError::length());
    }
    let rows = bytes.len() / record;
    let mut columns = Vec::new();
    let mut offset = 0;
    for (&t, &w) in types.iter().zip(&widths) {
        let field = |r: usize| -> Vec<u8> {
            let at = r * record + offset;
            let mut f = bytes[at..at + w].to_vec();
            if big_endian {
                f.reverse();
            }
            f
        };
        let expect = |size: usize| {
            if w == size {
                Ok(())
            } else {
                Err(QError::length())
            }
        };
        let column = match t {
            b' ' => None,
            b'b' => {
                expect(1)?;
                Some(Value::from(
                    (0..rows).map(|r| field(r)[0] != 0).collect::<Vec<bool>>(),
                ))
            }
            b'x' => {
                expect(1)?;
                Some(Value::ByteVector(Vector::from(
                    (0..rows).map(|r| field(r)[0]).collect::<Vec<u8>>(),
                )))
            }
            b'c' => {
                expect(1)?;
                Some(Value::CharVector(Vector::from(
                    (0..rows).map(|r| field(r)[0]).collect::<Vec<u8>>(),
                )))
            }
            b'h' => {
                expect(2)?;
                Some(Value::ShortVector(Vector::from(
                    (0..rows)
                        .map(|r| i16::from_le_bytes([field(r)[0], field(r)[1]]))
                        .collect::<Vec<i16>>(),
                )))
            }
            b'i' => {
                expect(4)?;
                Some(Value::IntVector(Vector::from(
                    (0..rows)
                        .map(|r| i32::from_le_bytes(array(&field(r))))
                        .collect::<Vec<i32>>(),
                )))
            }
            b'j' => {
                expect(8)?;
                Some(Value::LongVector(Vector::from(
                    (0..rows)
                        .map(|r| i64::from_le_bytes(array(&field(r))))
                        .collect::<Vec<i64>>(),
                )))
            }
            b'e' => {
                expect(4)?;
                Some(Value::RealVector(Vector::from(
                    (0..rows)
                        .map(|r| f32::from_le_bytes(array(&field(r))))
                        .collect::<Vec<f32>>(),
                )))
            }
            b'f' => {
                expect(8)?;
                Some(Value::FloatVector(Vector::from(
                    (0..rows)
                        .map(|r| f64::from_le_bytes(array(&field(r))))
                        .collect::<Vec<f64>>(),
                )))
            }
            _ => return Err(QError::nyi()),
        };
        columns.extend(column);
        offset += w;
    }
    Ok(Value::List(Vector::from(columns)))
}

/// The field types, widths, and whether the fields are big-endian (widths given first).
fn format(x: &Value) -> QResult<(Vec<u8>, Vec<usize>, bool)> {
    if count(x) != 2 || x.type_number() != 0 {
        return Err(QError::type_());
    }
    let (first, second) = (item(x, 0), item(x, 1));
    let (types, widths, big_endian) = match (&first, &second) {
        (Value::CharVector(_) | Value::Char(_), _) => (first, second, false),
        (_, Value::CharVector(_) | Value::Char(_)) => (second, first, true),
        _ => return Err(QError::type_()),
    };
    let types: Vec<u8> = match types {
        Value::CharVector(t) => t.to_vec(),
        Value::Char(c) => vec![c],
        _ => return Err(QError::type_()),
    };
    let widths: Vec<usize> = (0..count(&widths))
        .map(|i| match item(&widths, i) {
            Value::Long(w) if w >= 0 => Ok(w as usize),
            Value::Int(w) if w >= 0 => Ok(w as usize),
            _ => Err(QError::type_()),
        })
        .collect::<QResult<_>>()?;
    if types.len() != widths.len() {
        return Err(QError::length());
    }
    Ok((types, widths, big_endian))
}

/// The first N bytes of a field as an array (fields are checked to be N wide).
fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[..N]);
    out
}
