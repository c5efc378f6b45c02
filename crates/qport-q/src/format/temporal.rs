//! The text of temporal items (not nulls or infinities, which the caller writes):
//! `2000.01.01`, `2000.01`, `2000.01.01D12:00:00.000000000`, `2000.01.01T12:00:00.000`,
//! `0D12:00:00.000000000`, `12:00`, `12:00:00`, `12:00:00.000`.

use std::io::Write;

use qport_value::temporal::{ymd_from_date, NANOS_PER_DAY};

const MILLIS_PER_DAY: i64 = 86_400_000;

/// A date (days since 2000.01.01); q shows dates outside years 1–9999 as `0000.00.00`.
pub fn date(days: i64, out: &mut Vec<u8>) {
    let Ok(days) = i32::try_from(days) else {
        out.extend_from_slice(b"0000.00.00");
        return;
    };
    let (year, month, day) = ymd_from_date(days);
    if !(1..=9999).contains(&year) {
        out.extend_from_slice(b"0000.00.00");
        return;
    }
    let _ = write!(out, "{year:04}.{month:02}.{day:02}");
}

/// A month (months since 2000.01).
pub fn month(months: i32, out: &mut Vec<u8>) {
    let months = i64::from(months);
    let year = 2000 + months.div_euclid(12);
    let month = months.rem_euclid(12) + 1;
    let _ = write!(out, "{year:04}.{month:02}");
}

/// A timestamp (ns since 2000.01.01D00:00).
pub fn timestamp(nanos: i64, out: &mut Vec<u8>) {
    date(nanos.div_euclid(NANOS_PER_DAY), out);
    out.push(b'D');
    clock_nanos(nanos.rem_euclid(NANOS_PER_DAY), out);
}

/// A datetime (days as a float), to the millisecond.
pub fn datetime(days: f64, out: &mut Vec<u8>) {
    let millis = (days * MILLIS_PER_DAY as f64).round() as i64;
    date(millis.div_euclid(MILLIS_PER_DAY), out);
    out.push(b'T');
    clock_millis(millis.rem_euclid(MILLIS_PER_DAY), out);
}

/// A timespan (ns): days, `D`, then the time of day; a sign before a negative one.
pub fn timespan(nanos: i64, out: &mut Vec<u8>) {
    if nanos < 0 {
        out.push(b'-');
    }
    let nanos = nanos.unsigned_abs();
    let day = NANOS_PER_DAY as u64;
    let _ = write!(out, "{}D", nanos / day);
    clock_nanos((nanos % day) as i64, out);
}

/// A minute: hours and minutes.
pub fn minute(minutes: i32, out: &mut Vec<u8>) {
    if minutes < 0 {
        out.push(b'-');
    }
    let m = minutes.unsigned_abs();
    let _ = write!(out, "{:02}:{:02}", m / 60, m % 60);
}

/// A second: hours, minutes and seconds.
pub fn second(seconds: i32, out: &mut Vec<u8>) {
    if seconds < 0 {
        out.push(b'-');
    }
    let s = seconds.unsigned_abs();
    let _ = write!(out, "{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

/// A time: hours to milliseconds.
pub fn time(millis: i32, out: &mut Vec<u8>) {
    if millis < 0 {
        out.push(b'-');
    }
    clock_millis(i64::from(millis.unsigned_abs()), out);
}

fn clock_nanos(nanos: i64, out: &mut Vec<u8>) {
    clock(nanos, 1_000_000_000, 9, out);
}

fn clock_millis(millis: i64, out: &mut Vec<u8>) {
    clock(millis, 1000, 3, out);
}

/// `hh:mm:ss.fff...` of a non-negative count of `per_second` units, with `digits` of
/// fraction.
fn clock(units: i64, per_second: i64, digits: usize, out: &mut Vec<u8>) {
    let seconds = units / per_second;
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}.{:0digits$}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        units % per_second
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn dates_and_months() {
        assert_eq!(text(|o| date(0, o)), "2000.01.01");
        assert_eq!(text(|o| date(5114, o)), "2014.01.01");
        assert_eq!(text(|o| date(-1826, o)), "1995.01.01");
        assert_eq!(text(|o| date(-730_119, o)), "0001.01.01");
        assert_eq!(text(|o| date(-730_120, o)), "0000.00.00");
        assert_eq!(text(|o| month(0, o)), "2000.01");
        assert_eq!(text(|o| month(208, o)), "2017.05");
        assert_eq!(text(|o| month(-1, o)), "1999.12");
    }

    #[test]
    fn timestamps_and_datetimes() {
        assert_eq!(text(|o| timestamp(0, o)), "2000.01.01D00:00:00.000000000");
        assert_eq!(text(|o| timestamp(-1, o)), "1999.12.31D23:59:59.999999999");
        assert_eq!(
            text(|o| timestamp(i64::MAX - 1, o)),
            "2292.04.10D23:47:16.854775806"
        );
        assert_eq!(
            text(|o| timestamp(i64::MIN + 2, o)),
            "1707.09.22D00:12:43.145224194"
        );
        assert_eq!(text(|o| datetime(0.5, o)), "2000.01.01T12:00:00.000");
        assert_eq!(text(|o| datetime(-0.25, o)), "1999.12.31T18:00:00.000");
    }

    #[test]
    fn spans_and_times() {
        assert_eq!(
            text(|o| timespan(43_200_000_000_000, o)),
            "0D12:00:00.000000000"
        );
        assert_eq!(
            text(|o| timespan(-(i64::MAX - 1), o)),
            "-106751D23:47:16.854775806"
        );
        assert_eq!(text(|o| minute(720, o)), "12:00");
        assert_eq!(text(|o| minute(-1, o)), "-00:01");
        assert_eq!(text(|o| second(43_200, o)), "12:00:00");
        assert_eq!(text(|o| time(34_986_000, o)), "09:43:06.000");
        assert_eq!(text(|o| time(-1000, o)), "-00:00:01.000");
    }
}
