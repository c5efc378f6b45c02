//! Tok: text interpreted as an atom of a type (`"I"$"42"`, `"D"$"2024.01.15"`), the text
//! parsers behind an upper-case letter or negative short left of `$`.
//!
//! Text that does not parse gives the type's null, never an error. Blanks around the
//! text are ignored. Beyond the forms of q's own literals, tok reads what data files
//! hold: dates as `yyyy-mm-dd`, `yyyymmdd`, `mm/dd/yyyy`, `ddMMMyyyy`; times as
//! `hhmmssfff`; timestamps with `-`, ` ` or `T` between date and time, or as Unix
//! seconds (9 to 11 digits); ints and guids as IP addresses; booleans by their first
//! character (`1tTyY` are true).

use qport_value::null::*;
use qport_value::temporal::{
    date_from_ymd, month_from_ym, NANOS_PER_DAY, NANOS_PER_SECOND, UNIX_NANOS_AT_2000,
};
use qport_value::{Guid, Symbol, Value};

/// `text` read as an atom of vector type `target` (1–19, not 3).
pub(crate) fn tok(target: i8, text: &[u8]) -> Value {
    let t = trim(text);
    match target {
        1 => Value::Bool(t.first().is_some_and(|c| b"1tTyY".contains(c))),
        2 => Value::Guid(guid(t).unwrap_or(NULL_GUID)),
        4 => Value::Byte(byte(t).unwrap_or(0)),
        5 => Value::Short(integer(t, i128::from(INF_SHORT)).map_or(NULL_SHORT, |n| n as i16)),
        6 => Value::Int(
            integer(t, i128::from(INF_INT))
                .map(|n| n as i32)
                .or_else(|| ipv4(t).map(|ip| ip as i32))
                .unwrap_or(NULL_INT),
        ),
        7 => Value::Long(integer(t, i128::from(INF_LONG)).map_or(NULL_LONG, |n| n as i64)),
        8 => Value::Real(float(t).map_or(NULL_REAL, |f| f as f32)),
        9 => Value::Float(float(t).unwrap_or(NULL_FLOAT)),
        10 => Value::Char(text.first().copied().unwrap_or(NULL_CHAR)),
        11 => Value::Symbol(Symbol::new(trim_blanks(text))),
        12 => Value::Timestamp(
            point(t)
                .filter(|n| n.abs() < i128::from(INF_LONG))
                .map_or(NULL_LONG, |n| n as i64),
        ),
        13 => Value::Month(month(t).unwrap_or(NULL_INT)),
        14 => Value::Date(date(t).unwrap_or(NULL_INT)),
        15 => Value::Datetime(point(t).map_or(NULL_FLOAT, super::temporal::datetime_of)),
        16 => Value::Timespan(
            span(t)
                .filter(|n| n.abs() < i128::from(INF_LONG))
                .map_or(NULL_LONG, |n| n as i64),
        ),
        17 => Value::Minute(span_in(t, 60 * NANOS)),
        18 => Value::Second(span_in(t, NANOS)),
        _ => Value::Time(span_in(t, 1_000_000)),
    }
}

const NANOS: i128 = NANOS_PER_SECOND as i128;
const DAY: i128 = NANOS_PER_DAY as i128;

fn trim(text: &[u8]) -> &[u8] {
    text.trim_ascii()
}

/// A symbol drops leading and trailing blanks only.
fn trim_blanks(text: &[u8]) -> &[u8] {
    let start = text.iter().position(|&c| c != b' ').unwrap_or(text.len());
    let end = text
        .iter()
        .rposition(|&c| c != b' ')
        .map_or(start, |i| i + 1);
    &text[start..end]
}

/// Unsigned decimal digits as a number; `None` past what an `i128` holds.
fn digits(text: &[u8]) -> Option<i128> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    text.iter().try_fold(0i128, |n, &c| {
        n.checked_mul(10)?.checked_add(i128::from(c - b'0'))
    })
}

/// An integer within ±`inf` (`0N`, `0W`, `-0W` read as null and infinities); `None` for
/// anything else, which is null.
fn integer(text: &[u8], inf: i128) -> Option<i128> {
    match text {
        b"0W" => return Some(inf),
        b"-0W" => return Some(-inf),
        _ => {}
    }
    let (negative, body) = match text.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let n = digits(body)?;
    (n <= inf).then_some(if negative { -n } else { n })
}

/// A float, written as q or C writes one (`1.5`, `-2e3`, `.5`, `0w`).
fn float(text: &[u8]) -> Option<f64> {
    match text {
        b"0n" | b"0N" => return Some(f64::NAN),
        b"0w" | b"0W" => return Some(f64::INFINITY),
        b"-0w" | b"-0W" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    // Only a sign, digits, one point and an exponent: Rust would also take "inf", "NaN".
    let mut mantissa_digits = 0;
    let mut seen_point = false;
    let mut i = usize::from(matches!(text.first(), Some(b'-' | b'+')));
    while i < text.len() {
        match text[i] {
            b'0'..=b'9' => mantissa_digits += 1,
            b'.' if !seen_point => seen_point = true,
            b'e' | b'E' => break,
            _ => return None,
        }
        i += 1;
    }
    if mantissa_digits == 0 {
        return None;
    }
    if i < text.len() {
        let exponent = &text[i + 1..];
        let exponent = exponent
            .strip_prefix(b"-")
            .or_else(|| exponent.strip_prefix(b"+"))
            .unwrap_or(exponent);
        if exponent.is_empty() || !exponent.iter().all(u8::is_ascii_digit) {
            return None;
        }
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

fn hex_digit(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// One or two hex digits.
fn byte(text: &[u8]) -> Option<u8> {
    match text {
        [d] => hex_digit(*d),
        [hi, lo] => Some(hex_digit(*hi)? << 4 | hex_digit(*lo)?),
        _ => None,
    }
}

/// A dotted IPv4 address as its 32 bits.
fn ipv4(text: &[u8]) -> Option<u32> {
    let parts: Vec<&[u8]> = text.split(|&c| c == b'.').collect();
    if parts.len() != 4 {
        return None;
    }
    parts.iter().try_fold(0u32, |ip, part| {
        let n = digits(part).filter(|&n| n <= 255 && part.len() <= 3)?;
        Some(ip << 8 | n as u32)
    })
}

/// A guid: `8-4-4-4-12` hex, 32 hex digits, or an IPv4 or IPv6 address (IPv4 mapped
/// into IPv6 as `::ffff:a.b.c.d`).
fn guid(text: &[u8]) -> Option<Guid> {
    let s = std::str::from_utf8(text).ok()?;
    if let Some(g) = Guid::parse(s) {
        return Some(g);
    }
    if text.len() == 32 {
        let mut bytes = [0u8; 16];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = hex_digit(text[2 * i])? << 4 | hex_digit(text[2 * i + 1])?;
        }
        return Some(Guid(bytes));
    }
    if let Some(ip) = ipv4(text) {
        let mut bytes = [0u8; 16];
        bytes[10] = 0xff;
        bytes[11] = 0xff;
        bytes[12..].copy_from_slice(&ip.to_be_bytes());
        return Some(Guid(bytes));
    }
    ipv6(text).map(Guid)
}

/// An IPv6 address: up to eight groups of hex, one `::` standing for zero groups, and
/// perhaps a dotted IPv4 address as the last two.
fn ipv6(text: &[u8]) -> Option<[u8; 16]> {
    fn groups(part: &[u8]) -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        let pieces: Vec<&[u8]> = part.split(|&c| c == b':').collect();
        for (i, piece) in pieces.iter().enumerate() {
            if i == pieces.len() - 1 && piece.contains(&b'.') {
                let ip = ipv4(piece)?;
                out.push((ip >> 16) as u16);
                out.push(ip as u16);
            } else {
                if piece.is_empty() || piece.len() > 4 {
                    return None;
                }
                let n = piece
                    .iter()
                    .try_fold(0u16, |n, &c| Some(n << 4 | u16::from(hex_digit(c)?)))?;
                out.push(n);
            }
        }
        Some(out)
    }
    let gap = text.windows(2).position(|w| w == b"::");
    let words = match gap {
        Some(at) => {
            let head = groups(&text[..at])?;
            let tail = groups(&text[at + 2..])?;
            if head.len() + tail.len() > 7 {
                return None;
            }
            let mut words = head;
            words.resize(8 - tail.len(), 0);
            words.extend(tail);
            words
        }
        None => groups(text).filter(|w| w.len() == 8)?,
    };
    let mut bytes = [0u8; 16];
    for (i, w) in words.iter().enumerate() {
        bytes[2 * i..2 * i + 2].copy_from_slice(&w.to_be_bytes());
    }
    Some(bytes)
}

/// A month name's number (`jan` 1 … `dec` 12), any case.
fn month_name(text: &[u8]) -> Option<u32> {
    const NAMES: [&[u8]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let lower = text.to_ascii_lowercase();
    NAMES
        .iter()
        .position(|n| *n == lower.as_slice())
        .map(|i| i as u32 + 1)
}

/// A month as digits (1 or 2) or a name.
fn month_part(text: &[u8]) -> Option<u32> {
    if text.len() <= 2 {
        digits(text).map(|n| n as u32)
    } else {
        month_name(text)
    }
}

/// A year of 4 digits, or of 2 (00–49 in 2000s, 50–99 in 1900s).
fn year_part(text: &[u8]) -> Option<i32> {
    let n = digits(text)? as i32;
    match text.len() {
        4 => Some(n),
        2 if n < 50 => Some(2000 + n),
        2 => Some(1900 + n),
        _ => None,
    }
}

/// The date of a valid calendar day in years 1–9999.
fn valid_date(year: i32, month: u32, day: u32) -> Option<i32> {
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let first = date_from_ymd(year, month, 1);
    let next = if month == 12 {
        date_from_ymd(year + 1, 1, 1)
    } else {
        date_from_ymd(year, month + 1, 1)
    };
    (i64::from(day) <= i64::from(next - first)).then(|| first + day as i32 - 1)
}

/// A date: `yyyy.mm.dd` (or with `-` or `/`), `yyyy/MMM/dd`, `mm/dd/yyyy`,
/// `MMM/dd/yy`, `yyyymmdd`, `yymmdd`, `ddMMMyyyy`, `ddMMMyy`.
fn date(text: &[u8]) -> Option<i32> {
    if let Some(&sep) = text.iter().find(|c| matches!(c, b'.' | b'-' | b'/')) {
        let parts: Vec<&[u8]> = text.split(|&c| c == sep).collect();
        let [a, b, c] = parts.as_slice() else {
            return None;
        };
        if a.len() == 4 {
            let day = digits(c).filter(|_| c.len() <= 2)? as u32;
            return valid_date(year_part(a)?, month_part(b)?, day);
        }
        let day = digits(b).filter(|_| b.len() <= 2)? as u32;
        return valid_date(year_part(c)?, month_part(a)?, day);
    }
    if text.iter().all(u8::is_ascii_digit) {
        return match text.len() {
            8 => valid_date(
                year_part(&text[..4])?,
                month_part(&text[4..6])?,
                digits(&text[6..])? as u32,
            ),
            6 => valid_date(
                year_part(&text[..2])?,
                month_part(&text[2..4])?,
                digits(&text[4..])? as u32,
            ),
            _ => None,
        };
    }
    // ddMMMyy[yy]
    let letters = text.iter().position(u8::is_ascii_alphabetic)?;
    let day = digits(&text[..letters]).filter(|_| letters <= 2)? as u32;
    let month = month_name(text.get(letters..letters + 3)?)?;
    valid_date(year_part(&text[letters + 3..])?, month, day)
}

/// A month: the year in the first four characters, the month in the last two
/// (`yyyy.mm`, `yyyy-mm`, `yyyymm`); kdb+ reads `"2007.08.01"` so as 2007.01m.
fn month(text: &[u8]) -> Option<i32> {
    if text.len() < 6 {
        return None;
    }
    let year = digits(&text[..4])? as i32;
    let month = digits(&text[text.len() - 2..])? as u32;
    (1..=12)
        .contains(&month)
        .then(|| month_from_ym(year, month))
}

/// Nanoseconds of a fraction of a second: its first 9 digits.
fn fraction(text: &[u8]) -> Option<i128> {
    if !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let kept = &text[..text.len().min(9)];
    let n = if kept.is_empty() { 0 } else { digits(kept)? };
    Some(n * 10i128.pow(9 - kept.len() as u32))
}

/// A clock time as nanoseconds: `h:mm`, `hh:mm:ss`, `hh:mm:ss.fff…`, or digits: `h`,
/// `hmm`, `hhmmss` (hours take what the minutes and seconds leave), perhaps `.fff…`,
/// and beyond six digits the fraction without a point (`hhmmssfff…`). Within a
/// timestamp (`two_digit_hours`) the hours of `hh:mm` take two digits.
fn clock(text: &[u8], two_digit_hours: bool) -> Option<i128> {
    let (whole, frac) = match text.iter().position(|&c| c == b'.') {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    if whole.contains(&b':') {
        let parts: Vec<&[u8]> = whole.split(|&c| c == b':').collect();
        let two = |p: &[u8]| digits(p).filter(|_| p.len() == 2);
        let hours = |p: &[u8]| digits(p).filter(|_| !two_digit_hours || p.len() == 2);
        return match parts.as_slice() {
            [h, m] if frac.is_none() => hms(hours(h)?, two(m)?, 0, 0),
            [h, m, s] => hms(hours(h)?, two(m)?, two(s)?, fraction(frac.unwrap_or(b""))?),
            _ => None,
        };
    }
    let (clock, frac) = match frac {
        Some(f) if whole.len() <= 6 => (whole, f),
        None => whole.split_at(whole.len().min(6)),
        Some(_) => return None,
    };
    if clock.is_empty() {
        return None;
    }
    // Minutes and seconds are the last pairs; the hours what is left.
    let pairs = (clock.len() - 1) / 2;
    let (h, rest) = clock.split_at(clock.len() - 2 * pairs);
    let pair = |i: usize| rest.get(2 * i..2 * i + 2).map_or(Some(0), digits);
    hms(digits(h)?, pair(0)?, pair(1)?, fraction(frac)?)
}

fn hms(h: i128, m: i128, s: i128, frac: i128) -> Option<i128> {
    (m < 60 && s < 60).then_some(((h * 60 + m) * 60 + s) * NANOS + frac)
}

/// A span as nanoseconds: `[-][dD]clock`, or `dD` alone.
fn span(text: &[u8]) -> Option<i128> {
    let (negative, body) = match text.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let n = match body.iter().position(|&c| c == b'D') {
        Some(at) => {
            let days = digits(&body[..at])?;
            let rest = &body[at + 1..];
            days * DAY
                + if rest.is_empty() {
                    0
                } else {
                    clock(rest, false)?
                }
        }
        None => clock(body, false)?,
    };
    Some(if negative { -n } else { n })
}

/// A span in units of `unit` nanoseconds (minute, second, time), truncated; null when
/// it does not parse or fit.
fn span_in(text: &[u8], unit: i128) -> i32 {
    span(text)
        .map(|n| n / unit)
        .filter(|n| n.abs() < i128::from(INF_INT))
        .map_or(NULL_INT, |n| n as i32)
}

/// A point in time as nanoseconds since 2000.01.01: a date, a date and a time joined
/// by `D`, `T`, a blank or `-`, or Unix seconds (9–11 digits, perhaps a fraction).
fn point(text: &[u8]) -> Option<i128> {
    let (whole, frac) = match text.iter().position(|&c| c == b'.') {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => (text, &b""[..]),
    };
    if (9..=11).contains(&whole.len()) && whole.iter().all(u8::is_ascii_digit) {
        let seconds = digits(whole)?;
        return Some(seconds * NANOS + fraction(frac)? - i128::from(UNIX_NANOS_AT_2000));
    }
    for (at, &c) in text.iter().enumerate() {
        if matches!(c, b'D' | b'T' | b' ' | b'-') {
            if let Some(d) = date(&text[..at]) {
                let rest = &text[at + 1..];
                if rest.is_empty() {
                    return Some(i128::from(d) * DAY);
                }
                if let Some(n) = clock(rest, true) {
                    return Some(i128::from(d) * DAY + n);
                }
            }
        }
    }
    date(text).map(|d| i128::from(d) * DAY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use qport_value::temporal::NANOS_PER_DAY;

    fn t(target: i8, text: &str) -> Value {
        tok(target, text.as_bytes())
    }

    fn ymd(y: i32, m: u32, d: u32) -> i32 {
        date_from_ymd(y, m, d)
    }

    #[test]
    fn booleans_by_first_character() {
        assert_eq!(t(1, "   Y  "), Value::Bool(true));
        assert_eq!(t(1, "    N "), Value::Bool(false));
        assert_eq!(t(1, "42"), Value::Bool(false));
        assert_eq!(t(1, "true"), Value::Bool(true));
        assert_eq!(t(1, "1"), Value::Bool(true));
        assert_eq!(t(1, ""), Value::Bool(false));
        let truthy: String = " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"
            .chars()
            .filter(|c| t(1, &c.to_string()) == Value::Bool(true))
            .collect();
        assert_eq!(truthy, "tyTY1");
    }

    #[test]
    fn integers() {
        assert_eq!(t(5, "42"), Value::Short(42));
        assert_eq!(t(5, "32768"), Value::Short(NULL_SHORT));
        assert_eq!(t(5, "32767"), Value::Short(INF_SHORT));
        assert_eq!(t(6, "2147483648"), Value::Int(NULL_INT));
        assert_eq!(t(6, " -17 "), Value::Int(-17));
        assert_eq!(t(7, "9223372036854775807"), Value::Long(INF_LONG));
        assert_eq!(t(7, "9223372036854775808"), Value::Long(NULL_LONG));
        assert_eq!(t(7, "12x"), Value::Long(NULL_LONG));
        assert_eq!(
            t(7, "0000000000000000000000000000000000000042"),
            Value::Long(42)
        );
        assert_eq!(t(7, &"9".repeat(60)), Value::Long(NULL_LONG));
        assert_eq!(t(7, ""), Value::Long(NULL_LONG));
        assert_eq!(t(7, "0W"), Value::Long(INF_LONG));
        assert_eq!(t(7, "-0W"), Value::Long(-INF_LONG));
        assert_eq!(t(7, "0N"), Value::Long(NULL_LONG));
        assert_eq!(t(4, "42"), Value::Byte(0x42));
        assert_eq!(t(4, "zz"), Value::Byte(0));
    }

    #[test]
    fn ip_addresses() {
        assert_eq!(t(6, "192.168.1.34"), Value::Int(-1_062_731_486));
        assert_eq!(t(6, "104.130.139.23"), Value::Int(1_753_385_751));
        assert_eq!(t(6, "256.1.1.1"), Value::Int(NULL_INT));
        let g = |s: &str| match t(2, s) {
            Value::Guid(g) => g.to_string(),
            other => panic!("{other:?}"),
        };
        let mapped = "00000000-0000-0000-0000-ffffc0000201";
        assert_eq!(g("192.0.2.1"), mapped);
        assert_eq!(g("::FFFF:192.0.2.1"), mapped);
        assert_eq!(g("::FFFF:c000:201"), mapped);
        let v6 = "20010db8-85a3-0000-0000-8a2e03707334";
        assert_eq!(g("2001:0DB8:85A3:0000:0000:8A2E:0370:7334"), v6);
        assert_eq!(g("2001:0DB8:85A3::8A2E:0370:7334"), v6);
        assert_eq!(
            g("::8A2E:0370:7334"),
            "00000000-0000-0000-0000-8a2e03707334"
        );
        let id = "8c680a01-5a49-5aab-5a65-d4bfddb6a661";
        assert_eq!(g(id), id);
        assert_eq!(g("8c680a015a495aab5a65d4bfddb6a661"), id);
        assert_eq!(g("nonsense"), "00000000-0000-0000-0000-000000000000");
    }

    #[test]
    fn floats() {
        assert_eq!(t(8, "2.75"), Value::Real(2.75));
        assert_eq!(t(9, "1.5"), Value::Float(1.5));
        assert_eq!(t(9, "-2e3"), Value::Float(-2000.0));
        assert_eq!(t(9, ".5"), Value::Float(0.5));
        assert_eq!(t(9, "1e-05"), Value::Float(1e-5));
        assert_eq!(t(9, "0w"), Value::Float(f64::INFINITY));
        assert_eq!(t(9, "inf"), Value::Float(NULL_FLOAT));
        assert_eq!(t(9, "abc"), Value::Float(NULL_FLOAT));
        assert_eq!(t(9, "1e"), Value::Float(NULL_FLOAT));
        assert_eq!(t(9, ""), Value::Float(NULL_FLOAT));
    }

    #[test]
    fn symbols_and_chars() {
        assert_eq!(t(11, "   IBM   "), Value::symbol("IBM"));
        assert_eq!(t(11, ""), Value::symbol(""));
        assert_eq!(t(11, "hello world"), Value::symbol("hello world"));
        assert_eq!(t(10, "abc"), Value::Char(b'a'));
    }

    #[test]
    fn dates() {
        let d = |s: &str| t(14, s);
        assert_eq!(d("2000-12-12"), Value::Date(ymd(2000, 12, 12)));
        assert_eq!(d("2024.01.15"), Value::Date(ymd(2024, 1, 15)));
        assert_eq!(d("3001.01.01"), Value::Date(ymd(3001, 1, 1)));
        assert_eq!(d("06/01/2010"), Value::Date(ymd(2010, 6, 1)));
        assert_eq!(d("20100601"), Value::Date(ymd(2010, 6, 1)));
        assert_eq!(d("100601"), Value::Date(ymd(2010, 6, 1)));
        assert_eq!(d("01Jun2010"), Value::Date(ymd(2010, 6, 1)));
        assert_eq!(d("1jun10"), Value::Date(ymd(2010, 6, 1)));
        assert_eq!(d("2010/JUN/01"), Value::Date(ymd(2010, 6, 1)));
        assert_eq!(d("2147483648"), Value::Date(NULL_INT));
        assert_eq!(d("2001.02.29"), Value::Date(NULL_INT));
        assert_eq!(d("2000.02.29"), Value::Date(ymd(2000, 2, 29)));
        assert_eq!(d(""), Value::Date(NULL_INT));
        assert_eq!(t(13, "2015.10"), Value::Month(189));
        assert_eq!(t(13, "2015-10"), Value::Month(189));
        assert_eq!(t(13, "2007.08.01"), Value::Month(84));
        assert_eq!(t(13, "201510"), Value::Month(189));
        assert_eq!(t(13, "2015.13"), Value::Month(NULL_INT));
    }

    #[test]
    fn times_and_spans() {
        assert_eq!(t(17, "12:13:14"), Value::Minute(12 * 60 + 13));
        assert_eq!(t(17, "1213"), Value::Minute(12 * 60 + 13));
        assert_eq!(t(18, "12:13:14"), Value::Second((12 * 60 + 13) * 60 + 14));
        assert_eq!(t(18, "12:13"), Value::Second((12 * 60 + 13) * 60));
        assert_eq!(t(19, "123456789"), Value::Time(45_296_789));
        assert_eq!(t(19, "123456123987654"), Value::Time(45_296_123));
        assert_eq!(t(19, "12:34:56.789"), Value::Time(45_296_789));
        assert_eq!(t(19, "12:34:56.7"), Value::Time(45_296_700));
        assert_eq!(t(19, "12:60:00"), Value::Time(NULL_INT));
        assert_eq!(t(19, "abc"), Value::Time(NULL_INT));
        assert_eq!(t(19, "07"), Value::Time(7 * 3_600_000));
        assert_eq!(t(19, "7:08:09"), Value::Time(25_689_000));
        assert_eq!(t(19, "07:08"), Value::Time(25_680_000));
        assert_eq!(t(19, "0708"), Value::Time(25_680_000));
        assert_eq!(t(19, "07:08:09.010"), Value::Time(25_689_010));
        assert_eq!(t(18, "07:08:09.010"), Value::Second(25_689));
        assert_eq!(t(16, "0.123456789"), Value::Timespan(123_456_789));
        assert_eq!(
            t(16, "1.123456789"),
            Value::Timespan(3_600_000_000_000 + 123_456_789)
        );
        assert_eq!(
            t(16, "12D07:08:09.123456789"),
            Value::Timespan(12 * NANOS_PER_DAY + 25_689_123_456_789)
        );
        assert_eq!(
            t(16, "123456123987654"),
            Value::Timespan(45_296_123_987_654)
        );
        assert_eq!(
            t(16, "1D02:00:00"),
            Value::Timespan(NANOS_PER_DAY + 7_200_000_000_000)
        );
        assert_eq!(t(16, "-00:00:01"), Value::Timespan(-1_000_000_000));
        assert_eq!(t(16, "0D"), Value::Timespan(0));
    }

    #[test]
    fn timestamps() {
        let p = |s: &str| match t(12, s) {
            Value::Timestamp(n) => n,
            other => panic!("{other:?}"),
        };
        let at = |y, m, d, nanos: i64| i64::from(ymd(y, m, d)) * NANOS_PER_DAY + nanos;
        let hms = ((3 * 60 + 55) * 60 + 58) * 1_000_000_000;
        assert_eq!(
            p("2015-10-28D03:55:58.6542"),
            at(2015, 10, 28, hms + 654_200_000)
        );
        assert_eq!(
            p("2015.10.28D03:55:58.6542"),
            at(2015, 10, 28, hms + 654_200_000)
        );
        assert_eq!(p("2015.10.28T03:55:58"), at(2015, 10, 28, hms));
        assert_eq!(p("2015.10.28 03:55:58"), at(2015, 10, 28, hms));
        assert_eq!(p("2015.10.28"), at(2015, 10, 28, 0));
        assert_eq!(
            p("20191122-11:11:11.123"),
            at(2019, 11, 22, 40_271_123_000_000)
        );
        assert_eq!(p("01Dec2010D12:00"), at(2010, 12, 1, 43_200_000_000_000));
        assert_eq!(p("10129708800"), at(2290, 12, 31, 0));
        assert_eq!(p("00000000000"), at(1970, 1, 1, 0));
        assert_eq!(p("10129708800.123456789"), at(2290, 12, 31, 123_456_789));
        assert_eq!(p("00000000000.123456789"), at(1970, 1, 1, 123_456_789));
        assert_eq!(p("nonsense"), NULL_LONG);
        assert_eq!(
            p("2007-08-09T07:08:09.123456789"),
            at(2007, 8, 9, 25_689_123_456_789)
        );
        assert_eq!(p("20070809T7:08:09"), NULL_LONG);
        assert_eq!(t(15, "2007"), Value::Datetime(NULL_FLOAT));
        assert_eq!(
            t(15, "20070809"),
            Value::Datetime(f64::from(ymd(2007, 8, 9)))
        );
        assert_eq!(p("2300.01.01"), NULL_LONG);
        assert_eq!(
            t(15, "20191122-11:11:11.123"),
            Value::Datetime(
                f64::from(ymd(2019, 11, 22)) + 40_271_123_000_000.0 / NANOS_PER_DAY as f64
            )
        );
    }
}
