//! The calendar: the lengths of a second, minute, hour, day and week in
//! milliseconds, and the proleptic Gregorian calendar on day numbers (days
//! since 1970-01-01, UTC): a date's day number, a day number's date, its
//! weekday. The one implementation of day counting, for instants (`time`),
//! time zones (`zones`), working hours (`hours`) and the demo generator; const,
//! so that the demo can fix its dates at compile time.

pub const SECOND_MS: i64 = 1000;
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;
pub const WEEK_MS: i64 = 7 * DAY_MS;

/// Weekdays as [`weekday`] numbers them (as JavaScript's `getDay`).
pub const SUNDAY: i64 = 0;
pub const SATURDAY: i64 = 6;

/// Day number of a proleptic Gregorian date; `month` 1–12, `day` 1–31
/// (H. Hinnant's `days_from_civil`).
pub const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Years start on 1 March here, so that the leap day ends them.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month 1–12, day 1–31) of a day number (H. Hinnant's `civil_from_days`).
pub const fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + (month <= 2) as i64, month, day)
}

/// The weekday of a day number, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
pub const fn weekday(days: i64) -> i64 {
    (days + 4).rem_euclid(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip_and_match_chrono() {
        use chrono::{Datelike, NaiveDate};
        for days in (-800_000..3_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            let date = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new(0);
            let date = date.checked_add_signed(chrono::TimeDelta::days(days)).unwrap();
            assert_eq!((y, m, d), (i64::from(date.year()), i64::from(date.month()), i64::from(date.day())));
            assert_eq!(weekday(days), i64::from(date.weekday().num_days_from_sunday()));
        }
    }
}
