//! Time, in one home. This module owns instants as epoch milliseconds (UTC):
//! parsing the two input forms of SPEC 2.2, checking epoch-ms values,
//! formatting results as RFC 3339 UTC, windows (SPEC 3.1), calendar weeks and
//! months, and the longest duration an interaction may have. Beneath it:
//! `civil` (the calendar's day arithmetic and the lengths of time), `hours`
//! (working hours), `zones` (Graph's time-zone names to UTC, with the rules in
//! `zone_rules` and the generated `zone_table`).

pub mod civil;
mod hours;
mod zone_rules;
mod zone_table;
pub(crate) mod zones;

use chrono::{DateTime, SecondsFormat, Utc};

use civil::{civil_from_days, days_from_civil};
pub use civil::{DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, WEEK_MS};
pub use hours::{InvalidHours, WorkingHours};

/// Longest meeting or call accepted: 31 days.
pub const MAX_DURATION_MS: i64 = 31 * DAY_MS;

/// The range of instants accepted: years 0001 to 9999.
pub const MIN_MS: i64 = -62_135_596_800_000;
pub const MAX_MS: i64 = 253_402_300_799_999;

/// Parses an RFC 3339 time that carries an offset (`Z` or `±hh:mm`).
pub fn parse_rfc3339(s: &str) -> Result<i64, String> {
    if let Some(ms) = utc_seconds(s.as_bytes()) {
        return check_range(ms);
    }
    let t = DateTime::parse_from_rfc3339(s.trim())
        .map_err(|e| format!("\"{}\" is not an RFC 3339 time with an offset ({e})", clip(s, 40)))?;
    check_range(t.timestamp_millis())
}

/// `YYYY-MM-DDTHH:MM:SSZ` exactly, as nearly every record writes it, in
/// epoch milliseconds: read here in a tenth of chrono's time. `None` for any
/// other text (a fraction, an offset, a leap second, an impossible date),
/// which chrono then reads, so the two never disagree.
fn utc_seconds(s: &[u8]) -> Option<i64> {
    let shape =
        s.len() == 20 && (s[4], s[7], s[10], s[13], s[16], s[19]) == (b'-', b'-', b'T', b':', b':', b'Z');
    if !shape {
        return None;
    }
    if ![0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18].iter().all(|&i| s[i].is_ascii_digit()) {
        return None;
    }
    let two = |at: usize| i64::from(s[at] - b'0') * 10 + i64::from(s[at + 1] - b'0');
    let (year, month, day) = (two(0) * 100 + two(2), two(5), two(8));
    let (hour, minute, second) = (two(11), two(14), two(17));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let real = year >= 1 && (1..=12).contains(&month) && (1..=month_days).contains(&day);
    (real && hour < 24 && minute < 60 && second < 60).then(|| {
        days_from_civil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * SECOND_MS
    })
}

/// Parses a wall-clock date and time without an offset, as Microsoft Graph
/// writes event times (`2026-03-10T09:00:00.0000000`), into epoch
/// milliseconds as if the time were UTC: the caller applies the time zone.
pub fn parse_local(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let has_offset = s.ends_with(['Z', 'z']) || s.get(10..).is_some_and(|t| t.contains(['+', '-']));
    if has_offset {
        return Err(format!("\"{}\" has an offset; expected a local date and time", clip(s, 40)));
    }
    DateTime::parse_from_rfc3339(&format!("{s}Z"))
        .map(|t| t.timestamp_millis())
        .map_err(|_| {
            format!("\"{}\" is not a local date and time such as 2026-03-10T09:00:00.0000000", clip(s, 40))
        })
        .and_then(check_range)
}

/// Checks an epoch-milliseconds value given as a JSON number.
pub fn from_epoch_ms(v: f64) -> Result<i64, String> {
    if !v.is_finite() || v.fract() != 0.0 {
        return Err("epoch milliseconds must be a whole number".into());
    }
    if v < MIN_MS as f64 || v > MAX_MS as f64 {
        return Err("epoch milliseconds outside the years 0001 to 9999".into());
    }
    check_range(v as i64)
}

/// Checks that an instant lies in the years 0001 to 9999.
pub fn check_range(ms: i64) -> Result<i64, String> {
    if (MIN_MS..=MAX_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err("time outside the years 0001 to 9999".into())
    }
}

/// RFC 3339 in UTC, with milliseconds only when they are not zero.
pub fn format_rfc3339(ms: i64) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(t) if ms % 1000 == 0 => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => String::new(),
    }
}

/// Start (Monday 00:00 UTC) of the ISO week holding `ms`.
pub fn week_start(ms: i64) -> i64 {
    // 1970-01-01 was a Thursday: shift so that weeks start on Mondays.
    let monday_offset = 3 * DAY_MS;
    (ms + monday_offset).div_euclid(WEEK_MS) * WEEK_MS - monday_offset
}

/// Start (the 1st, 00:00 UTC) of the calendar month holding `ms`, and of the next one.
pub fn month_bounds(ms: i64) -> (i64, i64) {
    let (y, m, _) = civil_from_days(ms.div_euclid(DAY_MS));
    let start = |y: i64, m: i64| days_from_civil(y, m, 1).saturating_mul(DAY_MS);
    let next = if m == 12 { start(y + 1, 1) } else { start(y, m + 1) };
    (start(y, m), next)
}

/// The calendar date (`YYYY-MM-DD`) of an instant, in UTC.
pub fn format_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

/// A half-open window `(start, end]` of instants, as SPEC 3.1 defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: i64,
    pub end: i64,
}

impl Window {
    pub fn ending_at(end: i64, days: u32) -> Window {
        Window { start: end - i64::from(days) * DAY_MS, end }
    }

    pub fn contains(&self, ms: i64) -> bool {
        self.start < ms && ms <= self.end
    }

    /// Starts of the weeks that overlap the window, oldest first.
    pub fn weeks(&self) -> impl Iterator<Item = i64> {
        let first = week_start(self.start + 1);
        let last = week_start(self.end);
        (0..).map(move |i| first + i * WEEK_MS).take_while(move |w| *w <= last)
    }
}

fn clip(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_utc_reader_agrees_with_chrono() {
        let chrono = |s: &str| DateTime::parse_from_rfc3339(s).ok().map(|t| t.timestamp_millis());
        let mut texts = Vec::new();
        for year in ["0000", "0001", "1900", "1970", "2000", "2024", "2025", "9999"] {
            for month in ["00", "01", "02", "04", "12", "13"] {
                for day in ["00", "01", "28", "29", "30", "31", "32"] {
                    for time in ["00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "1a:00:00"] {
                        texts.push(format!("{year}-{month}-{day}T{time}Z"));
                    }
                }
            }
        }
        for s in &texts {
            match utc_seconds(s.as_bytes()) {
                Some(ms) => assert_eq!(Some(ms), chrono(s), "{s}"),
                // Left to chrono: only what it refuses, a leap second or year 0.
                None => assert!(chrono(s).is_none() || s.contains(":60Z") || s.starts_with("0000"), "{s}"),
            }
        }
        assert!(texts.iter().filter(|s| utc_seconds(s.as_bytes()).is_some()).count() > 150);
        for other in [
            "2026-03-10T09:00:00.5Z",
            "2026-03-10T09:00:00+01:00",
            "2026-03-10t09:00:00z",
            " 2026-03-10T09:00:00Z",
        ] {
            assert_eq!(utc_seconds(other.as_bytes()), None, "{other}");
        }
    }

    #[test]
    fn parses_offsets_and_rejects_impossible_times() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_rfc3339("1970-01-01T02:00:00+02:00"), Ok(0));
        assert_eq!(parse_rfc3339("2026-03-10T09:00:00.250-07:00"), Ok(1_773_158_400_250));
        assert!(parse_rfc3339("2026-02-30T10:00:00Z").is_err());
        assert!(parse_rfc3339("2026-01-01T25:00:00Z").is_err());
        assert!(parse_rfc3339("2026-01-01T10:00:00").is_err(), "no offset");
        assert!(from_epoch_ms(1.5).is_err());
        assert!(from_epoch_ms(f64::NAN).is_err());
        assert!(from_epoch_ms(1e300).is_err());
        assert_eq!(from_epoch_ms(1_773_158_400_000.0), Ok(1_773_158_400_000));
    }

    #[test]
    fn parses_local_times_as_graph_writes_them() {
        assert_eq!(parse_local("2026-03-10T16:00:00.0000000"), Ok(1_773_158_400_000));
        assert_eq!(parse_local("2026-03-10T16:00:00"), Ok(1_773_158_400_000));
        assert_eq!(parse_local("2026-03-10T16:00:00.2500000"), Ok(1_773_158_400_250));
        for bad in
            ["2026-03-10T16:00:00Z", "2026-03-10T16:00:00+02:00", "2026-03-10", "2026-02-30T10:00:00", ""]
        {
            assert!(parse_local(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_utc_and_finds_monday_weeks() {
        assert_eq!(format_rfc3339(1_773_158_400_000), "2026-03-10T16:00:00Z");
        assert_eq!(format_rfc3339(1_773_158_400_250), "2026-03-10T16:00:00.250Z");
        // 2026-03-10 is a Tuesday; its week starts on Monday 2026-03-09.
        assert_eq!(format_date(week_start(1_773_158_400_000)), "2026-03-09");
        assert_eq!(format_date(week_start(0)), "1969-12-29");
        let w = Window::ending_at(1_773_158_400_000, 14);
        let weeks: Vec<String> = w.weeks().map(format_date).collect();
        assert_eq!(weeks, ["2026-02-23", "2026-03-02", "2026-03-09"]);
        assert!(!w.contains(w.start) && w.contains(w.end));
        let (start, next) = month_bounds(1_773_158_400_000);
        assert_eq!((format_date(start), format_date(next)), ("2026-03-01".into(), "2026-04-01".into()));
        let (start, next) = month_bounds(parse_rfc3339("2026-12-31T23:59:59Z").unwrap());
        assert_eq!((format_date(start), format_date(next)), ("2026-12-01".into(), "2027-01-01".into()));
        // Tuesday 16:00 UTC is within Monday–Friday 8–18; Sunday is not.
        let hours = WorkingHours::default();
        assert!(hours.contains(1_773_158_400_000));
        assert!(!WorkingHours { end: 16.0, ..hours.clone() }.contains(1_773_158_400_000));
        assert!(!hours.contains(parse_rfc3339("2026-03-08T12:00:00Z").unwrap()));
        // The working periods around Sunday noon: Friday 18:00 and Monday 08:00.
        let sunday = parse_rfc3339("2026-03-08T12:00:00Z").unwrap();
        assert_eq!(hours.prev_end(sunday).map(format_rfc3339).as_deref(), Some("2026-03-06T18:00:00Z"));
        assert_eq!(hours.next_start(sunday).map(format_rfc3339).as_deref(), Some("2026-03-09T08:00:00Z"));
        assert_eq!(WorkingHours { days: vec![], ..hours.clone() }.next_start(sunday), None);
        assert_eq!(hours.check(), Ok(()));
        assert_eq!(
            WorkingHours { days: vec![7], ..hours }.check().map_err(|e| e.option),
            Err("workingHours.days")
        );
    }
}
