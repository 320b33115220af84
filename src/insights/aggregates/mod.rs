//! Anonymized aggregates (SPEC 3.4): weekly or monthly figures per
//! department or per external account, with every cell that fewer than
//! `minGroupSize` distinct internal people make up suppressed.
//!
//! Rules the table keeps, whatever the data:
//! - the keys are fixed: every group of the directory × every whole period
//!   overlapping the window; a suppressed cell is present, flagged,
//!   with its reason, and carries no figure;
//! - a cell always covers a whole calendar period (weeks start on Monday,
//!   UTC), never a window edge, so two calls with different `days` cannot be
//!   differenced into a few hours of someone's activity;
//! - weeks and months cut time into parts (the days a week shares with a
//!   month); every cell is a union of whole parts, so every sum and
//!   difference of cells, of any tables, is a sum and difference of parts.
//!   A cell is shown only if each of its parts had no activity at all or at
//!   least `minGroupSize` people (counted as the cell counts them): no
//!   combination of shown cells isolates fewer people than that;
//! - no totals, margins or counts of the data beside the cells, so no
//!   suppressed cell can be computed from what surrounds it;
//! - a table has at most `MAX_CELLS` cells, refused before any is built.

mod accounts;
mod departments;
pub mod noisy;

use std::ops::Range;

use rustc_hash::FxHashMap;
use serde::Serialize;

use accounts::{account_groups, account_people, accounts, score_engagement};
use departments::{department_groups, department_people, departments};

pub use accounts::AccountMetrics;
pub use departments::DepartmentMetrics;

use super::WindowOut;
use crate::consent::{ConsentBasis, Scope, View};
use crate::error::{Error, Result};
use crate::model::PersonKey;
use crate::privacy::budget::Epsilon;
use crate::privacy::noise::NoiseSource;
use crate::requests::GroupBy;
use crate::time::{
    format_date, format_rfc3339, month_bounds, week_start, Window, WorkingHours, DAY_MS, WEEK_MS,
};

/// A calendar period `[start, end)` and its label (`2026-08-03` for the week
/// starting that Monday, `2026-08` for a month).
#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    pub start: i64,
    pub end: i64,
    pub label: String,
    /// "week" or "month".
    pub kind: &'static str,
}

/// Every whole week, or calendar month, that overlaps the window.
pub fn periods(window: Window, monthly: bool) -> Vec<Period> {
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
        out.push(Period { start, end, label, kind: if monthly { "month" } else { "week" } });
        at = end;
    }
    out
}

/// The figures of one shown cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Metrics {
    Department(DepartmentMetrics),
    Account(AccountMetrics),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregateRow {
    pub group: String,
    pub period: String,
    pub suppressed: bool,
    pub reason: Option<String>,
    pub metrics: Option<Metrics>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatrixCell {
    pub from: String,
    pub to: String,
    pub period: String,
    pub suppressed: bool,
    pub reason: Option<String>,
    /// E-mails and meetings linking a member of each side in the period.
    pub interactions: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregateTable {
    pub scope: Scope,
    pub group_by: &'static str,
    pub period: &'static str,
    pub min_group_size: u32,
    /// The span of the periods, `[start, end)`.
    pub window: WindowOut,
    pub groups: Vec<String>,
    pub periods: Vec<String>,
    /// One row per group and period, groups in name order, periods oldest first.
    pub rows: Vec<AggregateRow>,
    /// One cell per unordered pair of groups (a group with itself included).
    pub matrix: Vec<MatrixCell>,
    /// With noise: the epsilon this answer cost (0 when it came from cache)
    /// and what the engine has left.
    pub epsilon_spent: Option<f64>,
    pub epsilon_remaining: Option<f64>,
    /// With noise: its epsilon, caps and scales.
    pub noise: Option<noisy::NoiseReport>,
    /// Provenance: the consent that allowed the table. (No count of the
    /// records used: a total minus the shown cells would give the hidden ones.)
    pub consent_basis: ConsentBasis,
}

/// The reason a cell of `people` people is suppressed, if it is.
pub(crate) fn suppression(people: usize, min: u32, what: &str) -> Option<String> {
    (people < min as usize).then(|| format!("fewer than {min} people active {what}"))
}

/// The groups of a table in name order, and each member's group.
pub(super) struct Groups {
    pub names: Vec<String>,
    pub of: FxHashMap<PersonKey, usize>,
}

/// The people a table over parts would count in each cell: per group and
/// part (group-major), and per pair of groups and part (absent: nobody).
pub(super) struct PartPeople {
    pub rows: Vec<usize>,
    pub matrix: FxHashMap<(usize, usize, usize), usize>,
}

/// The parts that weeks and calendar months cut the span of `periods` into:
/// each is the days one week shares with one month. Every week and every
/// month is a run of whole parts.
pub fn parts(periods: &[Period]) -> Vec<Period> {
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else { return Vec::new() };
    let mut out = Vec::new();
    let mut at = first.start;
    while at < last.end {
        let end = (week_start(at) + WEEK_MS).min(month_bounds(at).1).min(last.end);
        if end <= at {
            break;
        }
        out.push(Period { start: at, end, label: format_date(at), kind: "part" });
        at = end;
    }
    out
}

/// Suppresses every shown cell with a part that some, but fewer than
/// `min`, people were active in: otherwise cells of other tables that share
/// the rest of its days (a month minus the weeks inside it, a week minus the
/// month after it) would give that part away. A part nobody was active in
/// adds nothing to any figure, so it hides nothing.
fn hide_cells_with_small_parts(
    table: &mut AggregateTable,
    periods: &[Period],
    parts: &[Period],
    people: &PartPeople,
    min: u32,
    why: (&str, &str),
) {
    let small = |n: usize| n > 0 && n < min as usize;
    let runs: Vec<Range<usize>> = periods
        .iter()
        .map(|p| parts.partition_point(|f| f.start < p.start)..parts.partition_point(|f| f.start < p.end))
        .collect();
    let np = periods.len().max(1);
    for (i, row) in table.rows.iter_mut().enumerate() {
        let base = (i / np) * parts.len();
        if !row.suppressed && runs[i % np].clone().any(|f| small(people.rows[base + f])) {
            row.suppressed = true;
            row.metrics = None;
            row.reason = suppression(0, min, why.0);
        }
    }
    let n = table.groups.len();
    let mut cells = table.matrix.iter_mut();
    for a in 0..n {
        for b in a..n {
            for run in &runs {
                let Some(cell) = cells.next() else { return };
                let part = |f: usize| people.matrix.get(&(a, b, f)).copied().unwrap_or(0);
                if !cell.suppressed && run.clone().any(|f| small(part(f))) {
                    cell.suppressed = true;
                    cell.interactions = None;
                    cell.reason = suppression(0, min, why.1);
                }
            }
        }
    }
}

/// The most cells a table may hold: its rows and matrix cells, plus the
/// rows it tallies over the parts of its periods (the days each week shares
/// with a month) to check them. Measured natively, a cell costs about 650
/// bytes at the peak of building and serializing a table (the JSON alone is
/// 200 to 240), so the largest table stays near 160 MB; a dashboard's year of
/// weeks for 300 accounts (35,000), or for 60 departments and their pairs
/// (104,000), stays well under.
pub const MAX_CELLS: usize = 250_000;

/// Refuses a table of `groups` over `periods` periods and `parts` parts
/// (none for a noisy table) that would hold more than `MAX_CELLS` cells:
/// before anything its size is allocated.
fn check_size(by: GroupBy, groups: usize, periods: usize, parts: usize) -> Result<()> {
    let series = match by {
        GroupBy::Department => groups.saturating_add(groups.saturating_mul(groups.saturating_add(1)) / 2),
        GroupBy::Account => groups,
    };
    let size = |periods: usize, parts: usize| {
        series.saturating_mul(periods).saturating_add(groups.saturating_mul(parts))
    };
    let cells = size(periods, parts);
    if cells <= MAX_CELLS {
        return Ok(());
    }
    let (option, ask) = if size(1, usize::from(parts > 0)) > MAX_CELLS {
        ("groupBy", "group by account, or by fewer departments")
    } else {
        ("days", "ask for fewer days")
    };
    let what = match by {
        GroupBy::Department => format!("{groups} departments and their pairs"),
        GroupBy::Account => format!("{groups} accounts"),
    };
    Err(Error::options(
        option,
        format!(
            "this table would hold {cells} cells ({what} × {periods} periods and {parts} parts of them), \
             more than the {MAX_CELLS} a table may hold: {ask}"
        ),
    ))
}

/// What a table is asked for.
pub struct Question<'h> {
    pub by: GroupBy,
    pub monthly: bool,
    /// None when there is no data and no `now`: a table without periods.
    pub window: Option<Window>,
    pub min_group_size: u32,
    pub hours: &'h WorkingHours,
}

impl Question<'_> {
    fn periods(&self) -> Vec<Period> {
        self.window.map_or_else(Vec::new, |w| periods(w, self.monthly))
    }

    fn groups(&self, view: &View) -> Groups {
        match self.by {
            GroupBy::Department => department_groups(view),
            GroupBy::Account => account_groups(view),
        }
    }
}

/// The table of SPEC 3.4 for every whole week or month overlapping the
/// window: built, then every cell with a small part hidden, then (by
/// account) engagement scored among the shown cells.
pub fn aggregate(view: &View, q: &Question) -> Result<AggregateTable> {
    let chosen = q.periods();
    let parts = parts(&chosen);
    let groups = q.groups(view);
    check_size(q.by, groups.names.len(), chosen.len(), parts.len())?;
    let (mut table, people, why) = match q.by {
        GroupBy::Department => (
            departments(view, &chosen, &groups, q.min_group_size, q.hours),
            department_people(view, &parts, &groups, q.hours),
            (departments::ROW_WHY, departments::MATRIX_WHY),
        ),
        GroupBy::Account => (
            accounts(view, &chosen, &groups, q.min_group_size),
            account_people(view, &parts, &groups),
            (accounts::ROW_WHY, ""),
        ),
    };
    hide_cells_with_small_parts(&mut table, &chosen, &parts, &people, q.min_group_size, why);
    if q.by == GroupBy::Account {
        score_engagement(&mut table);
    }
    Ok(table)
}

/// The table of `aggregate` with noise instead of suppression by exact
/// counts: every figure, and whether a cell is shown, comes from noisy
/// capped sums (`noisy` says how).
pub fn noisy_aggregate(
    view: &View,
    q: &Question,
    epsilon: Epsilon,
    caps: &noisy::Caps,
    noise: &mut NoiseSource,
) -> Result<AggregateTable> {
    let chosen = q.periods();
    let groups = q.groups(view);
    check_size(q.by, groups.names.len(), chosen.len(), 0)?;
    noisy::noisy_table(view, q, &chosen, &groups, epsilon, caps, noise)
}

/// A table of `rows` and `matrix` over `periods`, for `view`.
pub(crate) fn table(
    view: &View,
    group_by: &'static str,
    periods: &[Period],
    min_group_size: u32,
    groups: Vec<String>,
    rows: Vec<AggregateRow>,
    matrix: Vec<MatrixCell>,
) -> AggregateTable {
    let first = periods.first().map_or(0, |p| p.start);
    let last = periods.last().map_or(0, |p| p.end);
    AggregateTable {
        scope: view.scope(),
        group_by,
        period: periods.first().map_or("week", |p| p.kind),
        min_group_size,
        window: WindowOut {
            start: format_rfc3339(first),
            end: format_rfc3339(last),
            days: ((last - first) / DAY_MS) as u32,
        },
        periods: periods.iter().map(|p| p.label.clone()).collect(),
        groups,
        rows,
        matrix,
        epsilon_spent: None,
        epsilon_remaining: None,
        noise: None,
        consent_basis: view.basis(),
    }
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
        let labels = |ps: &[Period]| ps.iter().map(|p| p.label.clone()).collect::<Vec<_>>();
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

    #[test]
    fn too_many_cells_are_refused_naming_what_to_change() {
        let option = |r: Result<()>| match r {
            Err(Error::InvalidOptions { option, .. }) => option,
            other => format!("{other:?}"),
        };
        assert!(check_size(GroupBy::Account, 300, 53, 65).is_ok());
        assert_eq!(option(check_size(GroupBy::Account, 8000, 523, 625)), "days");
        assert_eq!(option(check_size(GroupBy::Department, 1000, 1, 2)), "groupBy");
        assert_eq!(option(check_size(GroupBy::Account, usize::MAX, usize::MAX, 0)), "groupBy");
    }
}
