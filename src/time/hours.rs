//! Working hours (UTC): the hours of the day and the days of the week people
//! work, as the engine option `workingHours` gives them, with its default
//! (8–18, Monday to Friday) and its checks; whether an instant falls in them
//! (after-hours shares, SPEC 3.4), and where the working periods around an
//! instant begin and end (the demo generator's mail follows them).

use super::civil::{weekday, DAY_MS, HOUR_MS};

/// Working hours, for after-hours shares and response times.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkingHours {
    /// Hours of the day, 0–24, start before end.
    pub start: f64,
    pub end: f64,
    /// Days of the week, 0 = Sunday … 6 = Saturday (as JavaScript's `getDay`).
    pub days: Vec<u8>,
}

impl Default for WorkingHours {
    /// 8–18, Monday to Friday.
    fn default() -> Self {
        WorkingHours { start: 8.0, end: 18.0, days: vec![1, 2, 3, 4, 5] }
    }
}

/// Why working hours are refused: the option at fault, and what it expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidHours {
    pub option: &'static str,
    pub reason: &'static str,
}

impl WorkingHours {
    pub fn check(&self) -> Result<(), InvalidHours> {
        if !((0.0..24.0).contains(&self.start) && self.start < self.end && self.end <= 24.0) {
            return Err(InvalidHours {
                option: "workingHours",
                reason: "start and end are hours 0–24, start before end",
            });
        }
        if self.days.iter().any(|&d| d > 6) {
            return Err(InvalidHours {
                option: "workingHours.days",
                reason: "days are 0 (Sunday) to 6 (Saturday)",
            });
        }
        Ok(())
    }

    /// Whether instant `ms` falls in working hours: on one of the days,
    /// from `start` up to but not including `end`.
    pub fn contains(&self, ms: i64) -> bool {
        let hour = ms.rem_euclid(DAY_MS) as f64 / HOUR_MS as f64;
        self.works_on(ms.div_euclid(DAY_MS)) && self.start <= hour && hour < self.end
    }

    /// The first start of working hours after `ms`; `None` with no working day.
    pub fn next_start(&self, ms: i64) -> Option<i64> {
        let start = of_day(self.start);
        let mut day = ms.div_euclid(DAY_MS);
        if ms.rem_euclid(DAY_MS) >= start {
            day += 1;
        }
        let day = (day..day + 7).find(|&d| self.works_on(d))?;
        day.checked_mul(DAY_MS)?.checked_add(start)
    }

    /// The last end of working hours at or before `ms`; `None` with no working day.
    pub fn prev_end(&self, ms: i64) -> Option<i64> {
        let end = of_day(self.end);
        let mut day = ms.div_euclid(DAY_MS);
        if ms.rem_euclid(DAY_MS) < end {
            day -= 1;
        }
        let day = (day - 6..=day).rev().find(|&d| self.works_on(d))?;
        day.checked_mul(DAY_MS)?.checked_add(end)
    }

    /// Whether day number `day` (days since 1970-01-01) is a working day.
    fn works_on(&self, day: i64) -> bool {
        let weekday = weekday(day) as u8;
        self.days.contains(&weekday)
    }
}

/// Milliseconds after midnight of an hour of the day.
fn of_day(hour: f64) -> i64 {
    (hour * HOUR_MS as f64).round() as i64
}
