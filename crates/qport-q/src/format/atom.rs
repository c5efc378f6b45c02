//! Atoms as text, in q's three forms:
//! - the k form the console and `-3!` write for an atom alone: `42i`, `2f`, `0x2a`, `"a"`,
//!   `` `abc ``, `0Nd`, `2000.01m`;
//! - an item of a vector, before the vector's one type suffix: `42`, `0N`, `0w`;
//! - a cell of a table, dictionary or matrix, which is also what `string` gives: `abc`
//!   for a symbol, `a` for a char, nothing for a null.

use std::io::Write;

use qport_value::null::*;
use qport_value::Value;

use super::float::{looks_integral, write_float};
use super::temporal;

/// How an atom's text is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// An item of a vector: no type suffix; nulls and infinities as `0N`, `0n`, `0W`, `0w`.
    Item,
    /// A cell (and `string`): symbols and chars bare, nulls empty.
    Cell,
}

/// The letter of an atom or vector type, as casts and null literals spell it (`j`, `d`).
pub fn type_letter(type_number: i8) -> u8 {
    b" bg xhijefcspmdznuvt"
        .get(type_number.unsigned_abs() as usize)
        .copied()
        .unwrap_or(b' ')
}

/// Whether an atom is its type's null or an infinity, which q writes as a marker (`0N`,
/// `0W`, `0w`) rather than as a value of its type.
pub fn is_marker(x: &Value) -> bool {
    match x {
        Value::Short(v) => *v == NULL_SHORT,
        Value::Int(v) | Value::Month(v) | Value::Date(v) => special_i32(*v),
        Value::Minute(v) | Value::Second(v) | Value::Time(v) => special_i32(*v),
        Value::Long(v) | Value::Timestamp(v) | Value::Timespan(v) => special_i64(*v),
        Value::Real(v) => !v.is_finite(),
        Value::Float(v) | Value::Datetime(v) => !v.is_finite(),
        _ => false,
    }
}

fn special_i32(v: i32) -> bool {
    v == NULL_INT || v == INF_INT || v == -INF_INT
}

fn special_i64(v: i64) -> bool {
    v == NULL_LONG || v == INF_LONG || v == -INF_LONG
}

/// An atom alone, as the console and `-3!` write it.
pub fn write_atom(x: &Value, precision: usize, out: &mut Vec<u8>) {
    match x {
        Value::Bool(_) => {
            write_item(x, Form::Item, precision, out);
            out.push(b'b');
        }
        Value::Byte(_) => {
            out.extend_from_slice(b"0x");
            write_item(x, Form::Item, precision, out);
        }
        Value::Char(c) => write_quoted(&[*c], out),
        Value::Symbol(s) => {
            out.push(b'`');
            out.extend_from_slice(s.as_bytes());
        }
        Value::Float(_) => {
            let start = out.len();
            write_item(x, Form::Item, precision, out);
            if looks_integral(&out[start..]) {
                out.push(b'f');
            }
        }
        Value::Long(_) | Value::Guid(_) => write_item(x, Form::Item, precision, out),
        Value::Short(_) | Value::Int(_) | Value::Real(_) | Value::Month(_) => {
            write_item(x, Form::Item, precision, out);
            out.push(type_letter(x.type_number()));
        }
        x if x.is_atom() => {
            write_item(x, Form::Item, precision, out);
            if is_marker(x) {
                out.push(type_letter(x.type_number()));
            }
        }
        _ => {}
    }
}

/// An atom as a vector item or as a cell (see [`Form`]).
pub fn write_item(x: &Value, form: Form, precision: usize, out: &mut Vec<u8>) {
    let blank = form == Form::Cell;
    if is_temporal(x) && is_marker(x) {
        temporal_marker(x, blank, precision, out);
        return;
    }
    match x {
        Value::Bool(b) => out.push(if *b { b'1' } else { b'0' }),
        Value::Guid(g) => {
            let _ = write!(out, "{g}");
        }
        Value::Byte(b) => {
            let _ = write!(out, "{b:02x}");
        }
        // q has no display for a short infinity: 0Wh shows as 32767h.
        Value::Short(v) if *v == NULL_SHORT => null(blank, b"0N", out),
        Value::Short(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Int(v) => integer(i64::from(*v), *v == NULL_INT, special_i32(*v), blank, out),
        Value::Long(v) => integer(*v, *v == NULL_LONG, special_i64(*v), blank, out),
        Value::Real(v) if v.is_nan() => null(blank, b"0N", out),
        Value::Real(v) => write_float(f64::from(*v), precision, out),
        Value::Float(v) if v.is_nan() => null(blank, b"0n", out),
        Value::Float(v) => write_float(*v, precision, out),
        Value::Char(c) => out.push(*c),
        Value::Symbol(s) => out.extend_from_slice(s.as_bytes()),
        Value::Timestamp(v) => temporal::timestamp(*v, out),
        Value::Timespan(v) => temporal::timespan(*v, out),
        Value::Month(v) => temporal::month(*v, out),
        Value::Date(v) => temporal::date(i64::from(*v), out),
        Value::Minute(v) => temporal::minute(*v, out),
        Value::Second(v) => temporal::second(*v, out),
        Value::Time(v) => temporal::time(*v, out),
        Value::Datetime(v) => temporal::datetime(*v, out),
        _ => {}
    }
}

fn null(blank: bool, marker: &[u8], out: &mut Vec<u8>) {
    if !blank {
        out.extend_from_slice(marker);
    }
}

fn integer(v: i64, is_null: bool, special: bool, blank: bool, out: &mut Vec<u8>) {
    if is_null {
        null(blank, b"0N", out);
    } else if special {
        out.extend_from_slice(if v > 0 { b"0W" } else { b"-0W" });
    } else {
        let _ = write!(out, "{v}");
    }
}

fn is_temporal(x: &Value) -> bool {
    (12..=19).contains(&x.type_number().unsigned_abs())
}

/// The null or infinity of a temporal type: `0N`, `0W`, `-0W` (`0w` for the float-based
/// datetime), before any type letter.
fn temporal_marker(x: &Value, blank: bool, precision: usize, out: &mut Vec<u8>) {
    match x {
        Value::Datetime(v) if v.is_nan() => null(blank, b"0N", out),
        Value::Datetime(v) => write_float(*v, precision, out),
        Value::Timestamp(v) | Value::Timespan(v) => integer(*v, *v == NULL_LONG, true, blank, out),
        Value::Month(v) | Value::Date(v) | Value::Minute(v) | Value::Second(v) | Value::Time(v) => {
            integer(i64::from(*v), *v == NULL_INT, true, blank, out)
        }
        _ => {}
    }
}

/// Chars in double quotes, with q's escapes: `\"`, `\\`, `\n`, `\r`, `\t`, and octal
/// `\ooo` for other control bytes and bytes past ASCII.
pub fn write_quoted(chars: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &c in chars {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c if !(0x20..0x7f).contains(&c) => {
                let _ = write!(out, "\\{c:03o}");
            }
            c => out.push(c),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use qport_value::{Guid, Symbol};

    fn k(x: Value) -> String {
        let mut out = Vec::new();
        write_atom(&x, 7, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn cell(x: Value) -> String {
        let mut out = Vec::new();
        write_item(&x, Form::Cell, 7, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers() {
        assert_eq!(k(Value::Long(42)), "42");
        assert_eq!(k(Value::Long(-7)), "-7");
        assert_eq!(k(Value::Long(NULL_LONG)), "0N");
        assert_eq!(k(Value::Long(INF_LONG)), "0W");
        assert_eq!(k(Value::Long(-INF_LONG)), "-0W");
        assert_eq!(k(Value::Int(42)), "42i");
        assert_eq!(k(Value::Int(NULL_INT)), "0Ni");
        assert_eq!(k(Value::Int(INF_INT)), "0Wi");
        assert_eq!(k(Value::Int(-INF_INT)), "-0Wi");
        assert_eq!(k(Value::Short(42)), "42h");
        assert_eq!(k(Value::Short(NULL_SHORT)), "0Nh");
        assert_eq!(k(Value::Short(INF_SHORT)), "32767h");
        assert_eq!(k(Value::Short(-INF_SHORT)), "-32767h");
        assert_eq!(k(Value::Byte(0x2a)), "0x2a");
        assert_eq!(k(Value::Byte(0)), "0x00");
        assert_eq!(k(Value::Bool(true)), "1b");
        assert_eq!(k(Value::Bool(false)), "0b");
    }

    #[test]
    fn floats_and_reals() {
        assert_eq!(k(Value::Float(2.0)), "2f");
        assert_eq!(k(Value::Float(2.5)), "2.5");
        assert_eq!(k(Value::Float(100000.0)), "100000f");
        assert_eq!(k(Value::Float(1e7)), "1e+07");
        assert_eq!(k(Value::Float(1e10)), "1e+10");
        assert_eq!(k(Value::Float(1e-5)), "1e-05");
        assert_eq!(k(Value::Float(0.1)), "0.1");
        assert_eq!(k(Value::Float(0.0)), "0f");
        assert_eq!(k(Value::Float(-3.0)), "-3f");
        assert_eq!(k(Value::Float(f64::NAN)), "0n");
        assert_eq!(k(Value::Float(f64::INFINITY)), "0w");
        assert_eq!(k(Value::Float(f64::NEG_INFINITY)), "-0w");
        assert_eq!(k(Value::Float(i64::MAX as f64)), "9.223372e+18");
        assert_eq!(k(Value::Real(3.25)), "3.25e");
        assert_eq!(k(Value::Real(2.0)), "2e");
        assert_eq!(k(Value::Real(f32::NAN)), "0Ne");
        assert_eq!(k(Value::Real(f32::INFINITY)), "0we");
    }

    #[test]
    fn chars_symbols_guids() {
        assert_eq!(k(Value::Char(b'a')), "\"a\"");
        assert_eq!(k(Value::Char(b'\n')), "\"\\n\"");
        assert_eq!(k(Value::Char(b'"')), "\"\\\"\"");
        assert_eq!(k(Value::Char(b'\\')), "\"\\\\\"");
        assert_eq!(k(Value::Char(1)), "\"\\001\"");
        assert_eq!(k(Value::Char(b' ')), "\" \"");
        assert_eq!(k(Value::symbol("abc")), "`abc");
        assert_eq!(k(Value::Symbol(Symbol::empty())), "`");
        assert_eq!(
            k(Value::Guid(NULL_GUID)),
            "00000000-0000-0000-0000-000000000000"
        );
        let g = Guid::parse("8c680a01-5a49-5aab-5a65-d4bfddb6a661").unwrap();
        assert_eq!(k(Value::Guid(g)), "8c680a01-5a49-5aab-5a65-d4bfddb6a661");
    }

    #[test]
    fn temporals_and_their_nulls() {
        assert_eq!(k(Value::Date(0)), "2000.01.01");
        assert_eq!(k(Value::Month(0)), "2000.01m");
        assert_eq!(k(Value::Minute(720)), "12:00");
        assert_eq!(k(Value::Second(43_200)), "12:00:00");
        assert_eq!(k(Value::Time(43_200_000)), "12:00:00.000");
        assert_eq!(
            k(Value::Timespan(43_200_000_000_000)),
            "0D12:00:00.000000000"
        );
        assert_eq!(
            k(Value::Timestamp(43_200_000_000_000)),
            "2000.01.01D12:00:00.000000000"
        );
        assert_eq!(k(Value::Datetime(0.5)), "2000.01.01T12:00:00.000");
        assert_eq!(k(Value::Date(NULL_INT)), "0Nd");
        assert_eq!(k(Value::Date(INF_INT)), "0Wd");
        assert_eq!(k(Value::Date(-INF_INT)), "-0Wd");
        assert_eq!(k(Value::Month(NULL_INT)), "0Nm");
        assert_eq!(k(Value::Minute(NULL_INT)), "0Nu");
        assert_eq!(k(Value::Second(NULL_INT)), "0Nv");
        assert_eq!(k(Value::Time(NULL_INT)), "0Nt");
        assert_eq!(k(Value::Time(INF_INT)), "0Wt");
        assert_eq!(k(Value::Timespan(NULL_LONG)), "0Nn");
        assert_eq!(k(Value::Timestamp(NULL_LONG)), "0Np");
        assert_eq!(k(Value::Timestamp(INF_LONG)), "0Wp");
        assert_eq!(k(Value::Timestamp(-INF_LONG)), "-0Wp");
        assert_eq!(k(Value::Datetime(f64::NAN)), "0Nz");
        assert_eq!(k(Value::Datetime(f64::INFINITY)), "0wz");
    }

    #[test]
    fn cells_are_bare_and_nulls_blank() {
        assert_eq!(cell(Value::symbol("abc")), "abc");
        assert_eq!(cell(Value::Char(b'x')), "x");
        assert_eq!(cell(Value::Long(NULL_LONG)), "");
        assert_eq!(cell(Value::Long(INF_LONG)), "0W");
        assert_eq!(cell(Value::Float(f64::NAN)), "");
        assert_eq!(cell(Value::Float(30.0)), "30");
        assert_eq!(cell(Value::Real(1.5)), "1.5");
        assert_eq!(cell(Value::Date(NULL_INT)), "");
        assert_eq!(cell(Value::Month(208)), "2017.05");
        assert_eq!(cell(Value::Bool(true)), "1");
        assert_eq!(cell(Value::Byte(0x2a)), "2a");
        assert_eq!(cell(Value::Int(NULL_INT)), "");
    }
}
