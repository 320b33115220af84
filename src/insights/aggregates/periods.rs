//! The calendar periods of a table: every whole week (from Monday, UTC) or
//! calendar month overlapping a window, and the parts that weeks and months
//! cut time into (the days a week shares with a month), on which exact
//! tables check their cells.

use crate::time::{format_date, month_bounds, week_start, Window, WEEK_MS};

/// A calendar period `[start, end)` and its label (`2026-08-03` for the week
/// starting that Monday, `2026-08` for a month).
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarPeriod {
    pub start: i64,
    pub end: i64,
    pub label: String,
    /// "week" or "month".
    pub kind: &'static str,
}

/// Every whole week, or calendar month, that overlaps the window.
pub fn periods(window: Window, monthly: bool) -> Vec<CalendarPeriod> {
    let mut out = Vec::new();
    let mut at = window.start + 1;
    while at <= window.end {
        let (start, end, label) = if monthly {
            let (start, end) = month_bounds(at);
            let date = format_date(start);
            (start, end, date.get(..7).unwrap_or(&date).to_string())
        } else {
            let start = week_start(at);
            (start, start + WEEK_MS, format_date(start))
        };
        out.push(CalendarPeriod { start, end, label, kind: if monthly { "month" } else { "week" } });
        at = end;
    }
    out
}

/// The place in `periods` (periods or parts: in time order, consecutive)
/// of the one holding the instant `at`, which must lie in their span.
#[inline]
pub fn period_of(periods: &[CalendarPeriod], at: i64) -> usize {
    periods.partition_point(|p| p.end <= at)
}

/// The parts that weeks and calendar months cut the span of `periods` into:
/// each is the days one week shares with one month. Every week and every
/// month is a run of whole parts.
pub fn parts(periods: &[CalendarPeriod]) -> Vec<CalendarPeriod> {
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else { return Vec::new() };
    let mut out = Vec::new();
    let mut at = first.start;
    while at < last.end {
        let end = (week_start(at) + WEEK_MS).min(month_bounds(at).1).min(last.end);
        if end <= at {
            break;
        }
        out.push(CalendarPeriod { start: at, end, label: format_date(at), kind: "part" });
        at = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_rfc3339;

    fn at(s: &str) -> i64 {
        parse_rfc3339(&format!("{s}T00:00:00Z")).unwrap()
    }

    /// Known answer: July 2026 starts on a Wednesday and ends on a Friday.
    /// The month has five parts; its first week (from Monday 29 June) two.
    #[test]
    fn weeks_and_months_cut_time_into_the_days_they_share() {
        let july = periods(Window { start: at("2026-07-01"), end: at("2026-07-02") }, true);
        let labels = |ps: &[CalendarPeriod]| ps.iter().map(|p| p.label.clone()).collect::<Vec<_>>();
        assert_eq!(
            labels(&parts(&july)),
            ["2026-07-01", "2026-07-06", "2026-07-13", "2026-07-20", "2026-07-27"]
        );
        assert_eq!(parts(&july).last().map(|p| p.end), Some(at("2026-08-01")));
        let week = periods(Window { start: at("2026-06-30"), end: at("2026-07-01") }, false);
        assert_eq!(labels(&week), ["2026-06-29"]);
        assert_eq!(labels(&parts(&week)), ["2026-06-29", "2026-07-01"]);
        assert!(parts(&[]).is_empty());
    }
}
