//! Time in the simulated year, in seconds: its bounds (`END`), the weekdays it
//! moves meetings to, the working hours its mail follows (the engine's default
//! `WorkingHours`, so that the demo's after-hours mail is what the after-hours
//! share counts), and writing times and zero-padded numbers into the output
//! text. Day arithmetic is `time::civil`'s.

use rapport::time::civil::{
    civil_from_days, days_from_civil, weekday, DAY_MS, HOUR_MS, SATURDAY, SECOND_MS, SUNDAY,
};
use rapport::time::WorkingHours;

pub(super) const DAY: i64 = DAY_MS / SECOND_MS;
pub(super) const HOUR: i64 = HOUR_MS / SECOND_MS;
pub(super) const WEEK: i64 = 7 * DAY;
pub(super) const SPAN_DAYS: i64 = 365;
/// Day of the last e-mail: Friday 2026-10-30.
pub(super) const END_DAY: i64 = days_from_civil(2026, 10, 30);
/// The last e-mail, 2026-10-30T17:00:00Z; also the dataset's `now`.
pub(super) const END: i64 = END_DAY * DAY + 17 * HOUR;
pub(super) const START_DAY: i64 = END_DAY - (SPAN_DAYS - 1);

/// The working hours of the demo's people, on the demo's clock (seconds).
pub(super) struct Work {
    hours: WorkingHours,
    /// Seconds after midnight when work starts and ends.
    pub start: i64,
    pub end: i64,
}

impl Work {
    pub fn new() -> Work {
        let hours = WorkingHours::default();
        let seconds = |hour: f64| (hour * HOUR as f64) as i64;
        Work { start: seconds(hours.start), end: seconds(hours.end), hours }
    }

    pub fn contains(&self, t: i64) -> bool {
        self.hours.contains(t * SECOND_MS)
    }

    /// Start of the next working period after `t` (`t` itself, were there none).
    pub fn next_start(&self, t: i64) -> i64 {
        self.hours.next_start(t * SECOND_MS).map_or(t, |ms| ms.div_euclid(SECOND_MS))
    }

    /// End of the latest working period at or before `t` (`t` itself, were there none).
    pub fn prev_end(&self, t: i64) -> i64 {
        self.hours.prev_end(t * SECOND_MS).map_or(t, |ms| ms.div_euclid(SECOND_MS))
    }
}

/// Whether a day number falls on a weekend.
pub(super) fn is_weekend(day: i64) -> bool {
    matches!(weekday(day), SATURDAY | SUNDAY)
}

/// Moves a weekend day to the nearest weekday, staying at or before END_DAY.
pub(super) fn to_weekday(day: i64) -> i64 {
    match weekday(day) {
        SATURDAY => day - 1,
        SUNDAY if day < END_DAY => day + 1,
        SUNDAY => day - 2,
        _ => day,
    }
}

/// The Monday after a weekend day; any other day unchanged.
pub(super) fn after_weekend(day: i64) -> i64 {
    match weekday(day) {
        SATURDAY => day + 2,
        SUNDAY => day + 1,
        _ => day,
    }
}

pub(super) fn push_time(out: &mut String, t: i64) {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    let s = t.rem_euclid(DAY);
    push_padded(out, y.max(0) as u64, 4);
    out.push('-');
    push_padded(out, m as u64, 2);
    out.push('-');
    push_padded(out, d as u64, 2);
    out.push('T');
    push_padded(out, (s / HOUR) as u64, 2);
    out.push(':');
    push_padded(out, (s % HOUR / 60) as u64, 2);
    out.push(':');
    push_padded(out, (s % 60) as u64, 2);
    out.push('Z');
}

pub(super) fn push_padded(out: &mut String, v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    for &b in &buf[start..] {
        out.push(b as char);
    }
}
