//! Typed vectors in their one-line form, which is also how the console shows them:
//! `1 2 3`, `1 2 3i`, `1 2 3f`, `101b`, `0x0102`, `"abc"`, `` `a`b ``, `2000.01 2000.02m`;
//! `,1` for one item; `` `long$() `` and `""` when empty; `` `s#1 2 3 `` with an attribute.
//!
//! The type suffix is written once, at the end, and only where the items alone would not
//! say the type: always for short, int, real and month; for float only when every item
//! reads as an integer; for the other temporal types only when every item is a null or an
//! infinity (`0N 0Nd`).

use qport_value::{Attribute, Value};

use super::atom::{is_marker, type_letter, write_atom, write_item, write_quoted, Form};
use super::float::looks_integral;
use crate::items::{count, item};

/// The names q uses for empty vectors (`` `long$() ``), by type number.
const TYPE_NAMES: [&str; 20] = [
    "",
    "boolean",
    "guid",
    "",
    "byte",
    "short",
    "int",
    "long",
    "real",
    "float",
    "char",
    "symbol",
    "timestamp",
    "month",
    "date",
    "datetime",
    "timespan",
    "minute",
    "second",
    "time",
];

/// Writes a typed vector's one-line form; stops adding items once `out` is longer than
/// `cap` (the console cuts such a line anyway).
pub fn write_vector(x: &Value, precision: usize, out: &mut Vec<u8>, cap: usize) {
    let t = x.type_number();
    if x.attribute() != Attribute::None {
        out.push(b'`');
        out.extend_from_slice(x.attribute().letter().as_bytes());
        out.push(b'#');
    }
    let n = count(x);
    if n == 0 {
        match x {
            Value::CharVector(_) => out.extend_from_slice(b"\"\""),
            _ => {
                out.push(b'`');
                out.extend_from_slice(TYPE_NAMES[t as usize].as_bytes());
                out.extend_from_slice(b"$()");
            }
        }
        return;
    }
    if n == 1 {
        out.push(b',');
        write_atom(&item(x, 0), precision, out);
        return;
    }
    match x {
        Value::BoolVector(v) => {
            for &b in v
                .iter()
                .take(cap.saturating_sub(out.len()).saturating_add(1))
            {
                out.push(if b { b'1' } else { b'0' });
            }
            if out.len() <= cap {
                out.push(b'b');
            }
        }
        Value::ByteVector(v) => {
            out.extend_from_slice(b"0x");
            for &b in v.iter() {
                if out.len() > cap {
                    break;
                }
                write_item(&Value::Byte(b), Form::Item, precision, out);
            }
        }
        Value::CharVector(v) => {
            let shown = cap.saturating_sub(out.len()).saturating_add(1).min(v.len());
            write_quoted(&v[..shown], out);
        }
        Value::SymbolVector(v) => {
            for s in v.iter() {
                if out.len() > cap {
                    break;
                }
                out.push(b'`');
                out.extend_from_slice(s.as_bytes());
            }
        }
        _ => write_spaced(x, t, n, precision, out, cap),
    }
}

/// Items separated by spaces, then the suffix the type needs.
fn write_spaced(x: &Value, t: i8, n: usize, precision: usize, out: &mut Vec<u8>, cap: usize) {
    let mut all_integral = true;
    let mut all_markers = true;
    for i in 0..n {
        if out.len() > cap {
            // Cut here: the suffix would be past the end of the line the console shows.
            return;
        }
        if i > 0 {
            out.push(b' ');
        }
        let atom = item(x, i);
        let start = out.len();
        write_item(&atom, Form::Item, precision, out);
        all_integral &= looks_integral(&out[start..]);
        all_markers &= is_marker(&atom);
    }
    let suffix = match t {
        5 | 6 | 8 | 13 => true,
        7 | 2 => false,
        9 => all_integral,
        _ => all_markers,
    };
    if suffix {
        out.push(type_letter(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qport_value::null::*;
    use qport_value::{Guid, Vector};

    fn k(x: Value) -> String {
        let mut out = Vec::new();
        write_vector(&x, 7, &mut out, usize::MAX);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numeric_vectors_carry_one_suffix() {
        assert_eq!(k(Value::from(vec![1i64, 2, 3])), "1 2 3");
        assert_eq!(k(Value::from(vec![1i32, 2, 3])), "1 2 3i");
        assert_eq!(k(Value::from(vec![1i16, 2, 3])), "1 2 3h");
        assert_eq!(k(Value::from(vec![1.0f64, 2.0, 3.0])), "1 2 3f");
        assert_eq!(k(Value::from(vec![1.0f64, 2.5, 3.0])), "1 2.5 3");
        assert_eq!(k(Value::from(vec![1.0f64, 2.5, 1e10])), "1 2.5 1e+10");
        assert_eq!(k(Value::from(vec![1.0f32, 2.0])), "1 2e");
        assert_eq!(k(Value::from(vec![1i64, NULL_LONG, 3])), "1 0N 3");
        assert_eq!(k(Value::from(vec![NULL_LONG, NULL_LONG])), "0N 0N");
        assert_eq!(k(Value::from(vec![-INF_LONG, 5, 5])), "-0W 5 5");
        assert_eq!(k(Value::from(vec![1i32, NULL_INT])), "1 0Ni");
        assert_eq!(k(Value::from(vec![f64::NAN, 3.0])), "0n 3");
        assert_eq!(k(Value::from(vec![f64::NAN, f64::NAN])), "0n 0n");
        assert_eq!(
            k(Value::from(vec![
                1.0f64,
                1.5,
                2.0,
                2.0,
                2.5,
                f64::NEG_INFINITY,
                f64::NAN
            ])),
            "1 1.5 2 2 2.5 -0w 0n"
        );
        assert_eq!(k(Value::from(vec![1.0f32, f32::NAN])), "1 0Ne");
    }

    #[test]
    fn one_item_and_empty_vectors() {
        assert_eq!(k(Value::from(vec![1i64])), ",1");
        assert_eq!(k(Value::from(vec![1i32])), ",1i");
        assert_eq!(k(Value::from(vec![2.0f64])), ",2f");
        assert_eq!(k(Value::string("a")), ",\"a\"");
        assert_eq!(k(Value::symbols(["a"])), ",`a");
        assert_eq!(k(Value::from(vec![true])), ",1b");
        assert_eq!(k(Value::ByteVector(Vector::from(vec![1u8]))), ",0x01");
        assert_eq!(k(Value::DateVector(Vector::from(vec![0]))), ",2000.01.01");
        assert_eq!(k(Value::from(Vec::<i64>::new())), "`long$()");
        assert_eq!(k(Value::from(Vec::<f64>::new())), "`float$()");
        assert_eq!(k(Value::string("")), "\"\"");
        assert_eq!(k(Value::symbols(Vec::<&str>::new())), "`symbol$()");
        assert_eq!(k(Value::DateVector(Vector::from(vec![]))), "`date$()");
        assert_eq!(k(Value::GuidVector(Vector::from(vec![]))), "`guid$()");
        assert_eq!(k(Value::BoolVector(Vector::from(vec![]))), "`boolean$()");
    }

    #[test]
    fn bits_bytes_chars_symbols() {
        assert_eq!(k(Value::from(vec![true, false, true])), "101b");
        assert_eq!(k(Value::ByteVector(Vector::from(vec![1u8, 2]))), "0x0102");
        assert_eq!(k(Value::string("abc")), "\"abc\"");
        assert_eq!(k(Value::string("a\"b\n")), "\"a\\\"b\\n\"");
        assert_eq!(k(Value::string("Z\u{fc}rich")), "\"Z\\303\\274rich\"");
        assert_eq!(k(Value::symbols(["a", "b", "c"])), "`a`b`c");
        assert_eq!(k(Value::symbols(["", "b"])), "``b");
        let g = Guid::parse("337714f8-3d76-f283-cdc1-33ca89be59e9").unwrap();
        assert_eq!(
            k(Value::GuidVector(Vector::from(vec![g, NULL_GUID]))),
            "337714f8-3d76-f283-cdc1-33ca89be59e9 00000000-0000-0000-0000-000000000000"
        );
    }

    #[test]
    fn temporal_vectors() {
        assert_eq!(
            k(Value::MonthVector(Vector::from(vec![0, 1]))),
            "2000.01 2000.02m"
        );
        assert_eq!(
            k(Value::DateVector(Vector::from(vec![0, 1]))),
            "2000.01.01 2000.01.02"
        );
        assert_eq!(
            k(Value::DateVector(Vector::from(vec![0, NULL_INT]))),
            "2000.01.01 0N"
        );
        assert_eq!(
            k(Value::DateVector(Vector::from(vec![NULL_INT, NULL_INT]))),
            "0N 0Nd"
        );
        assert_eq!(
            k(Value::TimestampVector(Vector::from(vec![
                -INF_LONG + 1,
                INF_LONG - 1
            ]))),
            "1707.09.22D00:12:43.145224194 2292.04.10D23:47:16.854775806"
        );
        assert_eq!(
            k(Value::TimeVector(Vector::from(vec![1000, 2000]))),
            "00:00:01.000 00:00:02.000"
        );
        assert_eq!(
            k(Value::MinuteVector(Vector::from(vec![NULL_INT, NULL_INT]))),
            "0N 0Nu"
        );
    }

    #[test]
    fn attributes_prefix_the_vector() {
        let sorted = Value::LongVector(Vector::with_attribute(vec![1, 2, 3], Attribute::Sorted));
        assert_eq!(k(sorted), "`s#1 2 3");
        let unique = Value::SymbolVector(Vector::with_attribute(
            vec![qport_value::Symbol::new("a")],
            Attribute::Unique,
        ));
        assert_eq!(k(unique), "`u#,`a");
    }

    #[test]
    fn a_capped_vector_stops_early() {
        let mut out = Vec::new();
        let long = Value::from((0..1_000_000i64).collect::<Vec<_>>());
        write_vector(&long, 7, &mut out, 80);
        assert!(out.len() > 80 && out.len() < 100);
        assert!(out.starts_with(b"0 1 2 3"));
    }
}
