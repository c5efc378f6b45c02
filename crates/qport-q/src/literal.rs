//! Number, boolean, byte and temporal literals: the words of one strand → an atom or a
//! vector.
//!
//! A strand takes one type for all its items: the type suffix of its last item (`1 2 3i`,
//! `1 2 3f`), else float if any item is a float (`1 2.5`), else the type of its items
//! (`2024.01.15 2024.01.16`, `1 2 0N`). Nulls and infinities (`0N`, `0W`, `0n`, `0w`) take
//! the strand's type.

use qport_value::null::*;
use qport_value::temporal::{date_from_ymd, month_from_ym, NANOS_PER_DAY};
use qport_value::{Guid, Value};

use crate::error::{QError, QResult};
use crate::items::{empty_of, from_items};

/// One word before the strand's type is settled.
#[derive(Clone, Debug, PartialEq)]
enum Word {
    /// A plain integer with no suffix; `None` for `0N`, `Some(±inf)` marked by `inf`.
    Integer(i64),
    /// A plain number with a `.` or exponent and no suffix.
    Float(f64),
    /// `0N`, `0W` or `-0W` with no suffix.
    Special(Special),
    /// `0n`, `0w`, `-0w`: float null and infinities.
    FloatSpecial(Special),
    /// A word whose type is fixed by its suffix or form: an atom.
    Typed(Value),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Special {
    Null,
    Inf,
    NegInf,
}

/// The value a strand of literal words denotes.
pub fn strand(words: &[String]) -> QResult<Value> {
    if let [word] = words {
        // Boolean and byte vectors are single words: `101b`, `0x0102`.
        if let Some(v) = bool_or_byte_vector(word) {
            return Ok(v);
        }
    }
    let parsed: Vec<Word> = words.iter().map(|w| word(w)).collect::<QResult<_>>()?;
    let target = strand_type(&parsed);
    let atoms: Vec<Value> = parsed
        .into_iter()
        .map(|w| settle(w, &target))
        .collect::<QResult<_>>()?;
    Ok(if atoms.len() == 1 {
        atoms.into_iter().next().unwrap_or(Value::IDENTITY)
    } else {
        let t = atoms[0].type_number();
        let v = from_items(atoms);
        if v.type_number() == 0 {
            return Err(QError::new("type"));
        }
        if v.count() == 0 {
            empty_of(-t)
        } else {
            v
        }
    })
}

/// The type every item of a strand takes, as an example atom.
fn strand_type(words: &[Word]) -> Value {
    if let Some(Word::Typed(atom)) = words.last() {
        return atom.clone();
    }
    if let Some(Word::Typed(atom)) = words.iter().find(|w| matches!(w, Word::Typed(_))) {
        return atom.clone();
    }
    if words
        .iter()
        .any(|w| matches!(w, Word::Float(_) | Word::FloatSpecial(_)))
    {
        Value::Float(0.0)
    } else {
        Value::Long(0)
    }
}

/// A word as an item of a strand of type `target`.
fn settle(word: Word, target: &Value) -> QResult<Value> {
    match word {
        Word::Typed(atom) if std::mem::discriminant(&atom) != std::mem::discriminant(target) => {
            convert_number(atom, target)
        }
        Word::Typed(atom) => Ok(atom),
        Word::Integer(n) => convert_number(Value::Long(n), target),
        Word::Float(f) => convert_number(Value::Float(f), target),
        Word::Special(s) | Word::FloatSpecial(s) => Ok(special(s, target)),
    }
}

/// A number in a strand of another numeric type (`1 2.5`: the 1 becomes a float).
fn convert_number(atom: Value, target: &Value) -> QResult<Value> {
    // Integers into integer types directly: a long past 2^53 would lose digits as a float.
    if let Value::Long(n) = atom {
        match target {
            Value::Long(_) => return Ok(Value::Long(n)),
            Value::Int(_) => return Ok(Value::Int(n as i32)),
            Value::Short(_) => return Ok(Value::Short(n as i16)),
            _ => {}
        }
    }
    let f = match atom {
        Value::Long(n) => n as f64,
        Value::Float(f) => f,
        Value::Int(n) => n as f64,
        Value::Short(n) => n as f64,
        Value::Real(r) => r as f64,
        _ => return Err(QError::type_()),
    };
    let integral = f.fract() == 0.0;
    Ok(match target {
        Value::Float(_) => Value::Float(f),
        Value::Real(_) => Value::Real(f as f32),
        Value::Long(_) if integral => Value::Long(f as i64),
        Value::Int(_) if integral => Value::Int(f as i32),
        Value::Short(_) if integral => Value::Short(f as i16),
        _ => return Err(QError::type_()),
    })
}

/// A null or infinity of the target's type.
fn special(s: Special, target: &Value) -> Value {
    macro_rules! pick {
        ($null:expr, $inf:expr) => {
            match s {
                Special::Null => $null,
                Special::Inf => $inf,
                Special::NegInf => -$inf,
            }
        };
    }
    match target {
        Value::Short(_) => Value::Short(pick!(NULL_SHORT, INF_SHORT)),
        Value::Int(_) => Value::Int(pick!(NULL_INT, INF_INT)),
        Value::Real(_) => Value::Real(pick!(NULL_REAL, INF_REAL)),
        Value::Float(_) => Value::Float(pick!(NULL_FLOAT, INF_FLOAT)),
        Value::Timestamp(_) => Value::Timestamp(pick!(NULL_LONG, INF_LONG)),
        Value::Month(_) => Value::Month(pick!(NULL_INT, INF_INT)),
        Value::Date(_) => Value::Date(pick!(NULL_INT, INF_INT)),
        Value::Datetime(_) => Value::Datetime(pick!(NULL_FLOAT, INF_FLOAT)),
        Value::Timespan(_) => Value::Timespan(pick!(NULL_LONG, INF_LONG)),
        Value::Minute(_) => Value::Minute(pick!(NULL_INT, INF_INT)),
        Value::Second(_) => Value::Second(pick!(NULL_INT, INF_INT)),
        Value::Time(_) => Value::Time(pick!(NULL_INT, INF_INT)),
        Value::Guid(_) => Value::Guid(Guid([0; 16])),
        _ => Value::Long(pick!(NULL_LONG, INF_LONG)),
    }
}

/// `101b` and `0x0102` as vectors (several digits), or `None`.
fn bool_or_byte_vector(word: &str) -> Option<Value> {
    if let Some(digits) = word.strip_suffix('b') {
        if digits.len() > 1 && digits.bytes().all(|c| c == b'0' || c == b'1') {
            return Some(Value::from(
                digits.bytes().map(|c| c == b'1').collect::<Vec<bool>>(),
            ));
        }
    }
    if let Some(hex) = word.strip_prefix("0x") {
        if hex.len() > 2 && hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            let padded = if hex.len() % 2 == 1 {
                format!("0{hex}")
            } else {
                hex.to_string()
            };
            let bytes: Vec<u8> = (0..padded.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&padded[i..i + 2], 16).unwrap_or(0))
                .collect();
            return Some(Value::ByteVector(bytes.into()));
        }
    }
    None
}

/// One word of a strand.
fn word(text: &str) -> QResult<Word> {
    let bad = || QError::new(text);
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    // Nulls and infinities, possibly typed: 0N 0W 0n 0w 0Ni 0Wd ...
    if let Some(rest) = body.strip_prefix("0N").or_else(|| body.strip_prefix("0W")) {
        let s = match (body.as_bytes()[1], negative) {
            (b'N', _) => Special::Null,
            (_, false) => Special::Inf,
            (_, true) => Special::NegInf,
        };
        return Ok(match rest {
            "" => Word::Special(s),
            suffix => Word::Typed(special(s, &suffix_type(suffix).ok_or_else(bad)?)),
        });
    }
    if let Some(rest) = body.strip_prefix("0n").or_else(|| body.strip_prefix("0w")) {
        let s = match (body.as_bytes()[1], negative) {
            (b'n', _) => Special::Null,
            (_, false) => Special::Inf,
            _ => Special::NegInf,
        };
        return Ok(match rest {
            "" => Word::FloatSpecial(s),
            suffix => Word::Typed(special(s, &suffix_type(suffix).ok_or_else(bad)?)),
        });
    }
    let sign = if negative { -1 } else { 1 };
    if let Some(hex) = body.strip_prefix("0x") {
        let n = u8::from_str_radix(hex, 16).map_err(|_| bad())?;
        return Ok(Word::Typed(Value::Byte(n)));
    }
    if let Some(t) = temporal(body).map_err(|_| bad())? {
        return Ok(Word::Typed(negate_temporal(t, negative)));
    }
    // A suffix letter fixes the type.
    let last = body.as_bytes().last().copied().unwrap_or(0);
    if last.is_ascii_alphabetic() && !(body.contains('e') && last.is_ascii_digit()) {
        let digits = &body[..body.len() - 1];
        let atom = match last {
            b'b' => match digits {
                "0" => Value::Bool(false),
                "1" => Value::Bool(true),
                _ => return Err(bad()),
            },
            b'h' => Value::Short((sign * digits.parse::<i64>().map_err(|_| bad())?) as i16),
            b'i' => Value::Int((sign * digits.parse::<i64>().map_err(|_| bad())?) as i32),
            b'j' => Value::Long(sign * digits.parse::<i64>().map_err(|_| bad())?),
            b'e' => Value::Real(sign as f32 * digits.parse::<f32>().map_err(|_| bad())?),
            b'f' => Value::Float(sign as f64 * digits.parse::<f64>().map_err(|_| bad())?),
            _ => {
                // A temporal suffix on a plain number: 2000.01m, 12:00u ...
                return Err(bad());
            }
        };
        return Ok(Word::Typed(atom));
    }
    if body.bytes().all(|c| c.is_ascii_digit()) {
        let n: i64 = body.parse().map_err(|_| bad())?;
        return Ok(Word::Integer(sign * n));
    }
    let f: f64 = body.parse().map_err(|_| bad())?;
    Ok(Word::Float(sign as f64 * f))
}

fn negate_temporal(atom: Value, negative: bool) -> Value {
    if !negative {
        return atom;
    }
    match atom {
        Value::Timespan(n) => Value::Timespan(-n),
        Value::Minute(n) => Value::Minute(-n),
        Value::Second(n) => Value::Second(-n),
        Value::Time(n) => Value::Time(-n),
        other => other,
    }
}

/// The type a suffix letter names, as an example atom.
fn suffix_type(suffix: &str) -> Option<Value> {
    Some(match suffix {
        "b" => Value::Bool(false),
        "x" => Value::Byte(0),
        "h" => Value::Short(0),
        "i" => Value::Int(0),
        "j" => Value::Long(0),
        "e" => Value::Real(0.0),
        "f" => Value::Float(0.0),
        "p" => Value::Timestamp(0),
        "m" => Value::Month(0),
        "d" => Value::Date(0),
        "z" => Value::Datetime(0.0),
        "n" => Value::Timespan(0),
        "u" => Value::Minute(0),
        "v" => Value::Second(0),
        "t" => Value::Time(0),
        "g" => Value::Guid(Guid([0; 16])),
        _ => return None,
    })
}

/// A temporal literal, `Ok(None)` if `text` is not written as one.
fn temporal(text: &str) -> Result<Option<Value>, ()> {
    let b = text.as_bytes();
    // Date-based: yyyy.mm.dd, yyyy.mm(m), yyyy.mm.ddDhh:mm..., yyyy.mm.ddThh:mm...
    if b.len() >= 7 && b[4] == b'.' && b[..4].iter().all(u8::is_ascii_digit) {
        let year: i32 = text[..4].parse().map_err(|_| ())?;
        let month: u32 = text.get(5..7).ok_or(())?.parse().map_err(|_| ())?;
        if !(1..=12).contains(&month) {
            return Err(());
        }
        let rest = &text[7..];
        if rest.is_empty() || rest == "m" {
            return Ok(Some(Value::Month(month_from_ym(year, month))));
        }
        let rest = rest.strip_prefix('.').ok_or(())?;
        let day: u32 = rest.get(..2).ok_or(())?.parse().map_err(|_| ())?;
        let date = date_from_ymd(year, month, day);
        let rest = &rest[2..];
        return Ok(Some(match rest.as_bytes().first() {
            None => Value::Date(date),
            Some(b'd') if rest.len() == 1 => Value::Date(date),
            Some(b'p') if rest.len() == 1 => Value::Timestamp(day_nanos(date, 0)?),
            Some(b'z') if rest.len() == 1 => Value::Datetime(f64::from(date)),
            Some(b'D') => {
                let nanos = if rest.len() > 1 {
                    time_nanos(&rest[1..])?
                } else {
                    0
                };
                Value::Timestamp(day_nanos(date, nanos)?)
            }
            Some(b'T') => {
                let nanos = if rest.len() > 1 {
                    time_nanos(&rest[1..])?
                } else {
                    0
                };
                Value::Datetime(f64::from(date) + nanos as f64 / NANOS_PER_DAY as f64)
            }
            _ => return Err(()),
        }));
    }
    // Timespan: nDhh:mm:ss.nnnnnnnnn
    if let Some(d) = text.find('D') {
        let days: i64 = text[..d].parse().map_err(|_| ())?;
        let nanos = if d + 1 < text.len() {
            time_nanos(&text[d + 1..])?
        } else {
            0
        };
        let span = days
            .checked_mul(NANOS_PER_DAY)
            .and_then(|n| n.checked_add(nanos))
            .ok_or(())?;
        return Ok(Some(Value::Timespan(span)));
    }
    // Times: hh:mm (minute), hh:mm:ss (second), hh:mm:ss.mmm (time), more digits: timespan.
    if b.len() >= 4 && b.get(2) == Some(&b':') || b.get(1) == Some(&b':') {
        let (body, suffix) = match b.last() {
            Some(c) if c.is_ascii_alphabetic() => (&text[..text.len() - 1], Some(*c)),
            _ => (text, None),
        };
        let parts: Vec<&str> = body.split(':').collect();
        let num = |s: &str| s.parse::<i64>().map_err(|_| ());
        let atom = match (parts.as_slice(), suffix) {
            ([h, m], None | Some(b'u')) => Value::Minute(clock(&[num(h)?, num(m)?], 60)?),
            ([h, m, s], None | Some(b'v')) if !s.contains('.') => {
                Value::Second(clock(&[num(h)?, num(m)?, num(s)?], 60)?)
            }
            ([_, _, s], None | Some(b't')) if s.len() <= 6 => {
                Value::Time((time_nanos(body)? / 1_000_000) as i32)
            }
            ([_, _, _], None | Some(b'n')) => Value::Timespan(time_nanos(body)?),
            ([_, _], Some(b'v')) => Value::Second((time_nanos(body)? / 1_000_000_000) as i32),
            _ => return Err(()),
        };
        return Ok(Some(atom));
    }
    Ok(None)
}

/// Nanoseconds of `hh:mm`, `hh:mm:ss` or `hh:mm:ss.fffffffff`.
fn time_nanos(text: &str) -> Result<i64, ()> {
    let parts: Vec<&str> = text.split(':').collect();
    let num = |s: &str| s.parse::<i64>().map_err(|_| ());
    let (h, m, s) = match parts.as_slice() {
        [h] => (num(h)?, 0, "0"),
        [h, m] => (num(h)?, num(m)?, "0"),
        [h, m, s] => (num(h)?, num(m)?, *s),
        _ => return Err(()),
    };
    let (whole, fraction) = match s.split_once('.') {
        Some((w, f)) => (num(w)?, f),
        None => (num(s)?, ""),
    };
    if fraction.len() > 9 || !fraction.bytes().all(|c| c.is_ascii_digit()) {
        return Err(());
    }
    let frac_nanos = if fraction.is_empty() {
        0
    } else {
        num(fraction)? * 10i64.pow(9 - fraction.len() as u32)
    };
    let seconds = i64::from(clock(&[h, m, whole], 60)?);
    seconds
        .checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(frac_nanos))
        .ok_or(())
}

/// Clock fields (hours, minutes, ...) combined in base `base`, refused past an int.
fn clock(fields: &[i64], base: i64) -> Result<i32, ()> {
    let mut total: i64 = 0;
    for &field in fields {
        total = total
            .checked_mul(base)
            .and_then(|t| t.checked_add(field))
            .ok_or(())?;
    }
    i32::try_from(total).map_err(|_| ())
}

/// A timestamp: a date's midnight plus `nanos`, refused past a long.
fn day_nanos(date: i32, nanos: i64) -> Result<i64, ()> {
    i64::from(date)
        .checked_mul(NANOS_PER_DAY)
        .and_then(|n| n.checked_add(nanos))
        .ok_or(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str) -> Value {
        let words: Vec<String> = text.split(' ').map(String::from).collect();
        strand(&words).unwrap()
    }

    #[test]
    fn numbers_and_strands() {
        assert_eq!(lit("42"), Value::Long(42));
        assert_eq!(lit("-7"), Value::Long(-7));
        assert_eq!(lit("1 2 3"), Value::from(vec![1i64, 2, 3]));
        assert_eq!(lit("1 2.5"), Value::from(vec![1.0f64, 2.5]));
        assert_eq!(lit("1 2 3i"), Value::IntVector(vec![1, 2, 3].into()));
        assert_eq!(lit("1 0N 3"), Value::from(vec![1i64, NULL_LONG, 3]));
        assert_eq!(lit("0w"), Value::Float(f64::INFINITY));
        assert_eq!(lit("-0W"), Value::Long(-INF_LONG));
        assert_eq!(lit("1e-05"), Value::Float(1e-5));
        assert_eq!(lit("2.5e"), Value::Real(2.5));
        assert_eq!(lit("3h"), Value::Short(3));
        assert_eq!(lit("101b"), Value::from(vec![true, false, true]));
        assert_eq!(lit("1b"), Value::Bool(true));
        assert_eq!(lit("0x0a"), Value::Byte(10));
        assert_eq!(lit("0x0102"), Value::ByteVector(vec![1, 2].into()));
        assert_eq!(lit("0Ni"), Value::Int(NULL_INT));
        assert_eq!(lit("2f"), Value::Float(2.0));
        assert_eq!(lit("1e-13"), Value::Float(1e-13));
        assert_eq!(lit("0we"), Value::Real(f32::INFINITY));
        assert_eq!(
            lit("-9223372036854775799"),
            Value::Long(-9223372036854775799)
        );
    }

    #[test]
    fn out_of_range_fields_are_errors_not_overflows() {
        for text in [
            "27:12:12.849442-0010.12.16D17:12:12.849442-00",
            "9999999999999:00",
            "2000.01.01D99999999999999:00",
            "99999999999D00:00",
        ] {
            assert!(strand(&[text.to_string()]).is_err(), "{text}");
        }
    }

    #[test]
    fn temporal_literals() {
        assert_eq!(lit("2000.01.02"), Value::Date(1));
        assert_eq!(lit("2000.02m"), Value::Month(1));
        assert_eq!(lit("2000.02"), Value::Month(1));
        assert_eq!(lit("12:30"), Value::Minute(750));
        assert_eq!(lit("00:00:01"), Value::Second(1));
        assert_eq!(lit("00:00:01.500"), Value::Time(1500));
        assert_eq!(lit("0D00:00:01"), Value::Timespan(1_000_000_000));
        assert_eq!(
            lit("2000.01.02D00:00:00.000000001"),
            Value::Timestamp(NANOS_PER_DAY + 1)
        );
        assert_eq!(lit("0Nd"), Value::Date(NULL_INT));
        assert_eq!(
            lit("2000.01.01 2000.01.03"),
            Value::DateVector(vec![0, 2].into())
        );
    }
}
