//! kdb+'s temporal encodings: everything counts from 2000.01.01.
//!
//! timestamp: ns since 2000.01.01D00:00 (i64); month: months since 2000.01 (i32);
//! date: days since 2000.01.01 (i32); datetime: days as a float (f64); timespan: ns (i64);
//! minute, second, time: minutes, seconds, milliseconds (i32).

/// 2000.01.01 as a count of days since 1970.01.01.
pub const UNIX_DAYS_AT_2000: i64 = 10_957;
pub const NANOS_PER_SECOND: i64 = 1_000_000_000;
pub const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SECOND;
/// 2000.01.01D00:00 as nanoseconds since the Unix epoch.
pub const UNIX_NANOS_AT_2000: i64 = UNIX_DAYS_AT_2000 * NANOS_PER_DAY;

/// The date (days since 2000.01.01) of a proleptic Gregorian calendar day.
pub fn date_from_ymd(year: i32, month: u32, day: u32) -> i32 {
    // Days-from-civil over 400-year eras, shifted so that years start in March.
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let m = i64::from(month);
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let unix_days = era * 146_097 + day_of_era - 719_468;
    (unix_days - UNIX_DAYS_AT_2000) as i32
}

/// The calendar year, month and day of a date (days since 2000.01.01).
pub fn ymd_from_date(date: i32) -> (i32, u32, u32) {
    let z = i64::from(date) + UNIX_DAYS_AT_2000 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// The month value (months since 2000.01) of a year and month.
pub fn month_from_ym(year: i32, month: u32) -> i32 {
    (year - 2000) * 12 + month as i32 - 1
}

/// A timestamp from nanoseconds since the Unix epoch.
pub fn timestamp_from_unix_nanos(nanos: i64) -> i64 {
    nanos - UNIX_NANOS_AT_2000
}

/// Nanoseconds since the Unix epoch of a timestamp.
pub fn unix_nanos_from_timestamp(timestamp: i64) -> i64 {
    timestamp + UNIX_NANOS_AT_2000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_documented_examples() {
        assert_eq!(date_from_ymd(2000, 1, 1), 0);
        assert_eq!(date_from_ymd(1995, 1, 1), -1826);
        assert_eq!(date_from_ymd(2014, 1, 1), 5114);
        assert_eq!(date_from_ymd(1970, 1, 1), -10_957);
        assert_eq!(month_from_ym(2014, 1), 168);
        assert_eq!(month_from_ym(1995, 1), -60);
    }

    #[test]
    fn date_round_trips_through_the_calendar() {
        for date in (-800_000..800_000).step_by(97) {
            let (y, m, d) = ymd_from_date(date);
            assert_eq!(date_from_ymd(y, m, d), date, "{y}.{m}.{d}");
        }
        assert_eq!(ymd_from_date(5114), (2014, 1, 1));
        assert_eq!(ymd_from_date(59), (2000, 2, 29));
    }
}
