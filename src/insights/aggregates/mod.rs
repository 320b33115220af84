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
//! - no totals or margins are emitted, so no suppressed cell can be computed
//!   from the cells around it.

mod accounts;
mod departments;
pub mod noisy;

use serde::Serialize;

use accounts::{accounts, score_engagement};
use departments::departments;

pub use accounts::AccountMetrics;
pub use departments::{DepartmentMetrics, Hours};

use super::WindowOut;
use crate::consent::{ConsentBasis, Scope, View};
use crate::error::Result;
use crate::model::Kind;
use crate::privacy::budget::Epsilon;
use crate::privacy::noise::NoiseSource;
use crate::requests::GroupBy;
use crate::sort;
use crate::time::{format_date, format_rfc3339, month_bounds, week_start, Window, DAY_MS, WEEK_MS};

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
    /// Provenance: the e-mails and meetings in the table's periods, and the
    /// consent that allowed them.
    pub interactions_used: usize,
    pub consent_basis: ConsentBasis,
}

pub(crate) fn suppression(people: usize, min: u32, what: &str) -> Option<String> {
    (people < min as usize).then(|| format!("fewer than {min} people active {what}"))
}

/// Suppresses every month cell that a suppressed week overlaps, in the rows
/// and in the matrix: otherwise a month minus the weeks shown beside it
/// would give the hidden week (weeks and months are two groupings of the
/// same interactions). `weeks` must cover every week the months overlap.
fn hide_months_with_hidden_weeks(
    months: &mut AggregateTable,
    month_periods: &[Period],
    weeks: &AggregateTable,
    week_periods: &[Period],
) {
    let overlapping = |m: &Period| -> Vec<&str> {
        week_periods.iter().filter(|w| w.start < m.end && m.start < w.end).map(|w| w.label.as_str()).collect()
    };
    // Sorted lists searched by halves: sets without a sort compiled for them.
    let mut hidden_rows: Vec<(&str, &str)> =
        weeks.rows.iter().filter(|r| r.suppressed).map(|r| (r.group.as_str(), r.period.as_str())).collect();
    sort::by(&mut hidden_rows, Ord::cmp);
    let mut hidden_links: Vec<(&str, &str, &str)> = weeks
        .matrix
        .iter()
        .filter(|c| c.suppressed)
        .map(|c| (c.from.as_str(), c.to.as_str(), c.period.as_str()))
        .collect();
    sort::by(&mut hidden_links, Ord::cmp);
    const WHY: &str = "a week of this month is suppressed, and the month would give it away";
    for m in month_periods {
        let weeks_of = overlapping(m);
        for row in months.rows.iter_mut().filter(|r| r.period == m.label && !r.suppressed) {
            if weeks_of.iter().any(|w| hidden_rows.binary_search(&(row.group.as_str(), *w)).is_ok()) {
                row.suppressed = true;
                row.metrics = None;
                row.reason = Some(WHY.to_string());
            }
        }
        for cell in months.matrix.iter_mut().filter(|c| c.period == m.label && !c.suppressed) {
            if weeks_of
                .iter()
                .any(|w| hidden_links.binary_search(&(cell.from.as_str(), cell.to.as_str(), *w)).is_ok())
            {
                cell.suppressed = true;
                cell.interactions = None;
                cell.reason = Some(WHY.to_string());
            }
        }
    }
}

/// What a table is asked for.
pub struct Question<'h> {
    pub by: GroupBy,
    pub monthly: bool,
    /// None when there is no data and no `now`: a table without periods.
    pub window: Option<Window>,
    pub min_group_size: u32,
    pub hours: &'h Hours,
}

impl Question<'_> {
    fn periods(&self) -> Vec<Period> {
        self.window.map_or_else(Vec::new, |w| periods(w, self.monthly))
    }
}

/// The table of SPEC 3.4 for every whole week or month overlapping the
/// window: built, then months hidden over hidden weeks, then (by account)
/// engagement scored among the shown cells.
pub fn aggregate(view: &View, q: &Question) -> AggregateTable {
    let chosen = q.periods();
    let build = |periods: &[Period]| match q.by {
        GroupBy::Department => departments(view, periods, q.min_group_size, q.hours),
        GroupBy::Account => accounts(view, periods, q.min_group_size),
    };
    let mut table = build(&chosen);
    if let (true, Some(first), Some(last)) = (q.monthly, chosen.first(), chosen.last()) {
        let weeks = periods(Window { start: first.start - 1, end: last.end - 1 }, false);
        hide_months_with_hidden_weeks(&mut table, &chosen, &build(&weeks), &weeks);
    }
    if q.by == GroupBy::Account {
        score_engagement(&mut table);
    }
    // Counted once, for the table returned (not for the weeks built to hide months).
    let (first, last) = (chosen.first().map_or(0, |p| p.start), chosen.last().map_or(0, |p| p.end));
    table.interactions_used =
        view.rows().filter(|&r| view.kind(r) != Kind::Call && (first..last).contains(&view.at(r))).count();
    table
}

/// The table of `aggregate`, its shown figures replaced by noisy ones
/// (`noisy` says how).
pub fn noisy_aggregate(
    view: &View,
    q: &Question,
    epsilon: Epsilon,
    caps: &noisy::Caps,
    noise: &mut NoiseSource,
) -> Result<AggregateTable> {
    let mut table = aggregate(view, q);
    let sums = noisy::capped_sums(view, q.by, &q.periods(), q.hours, caps);
    noisy::add_noise(&mut table, &sums, q.by, epsilon, caps, noise)?;
    Ok(table)
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
        interactions_used: 0,
        consent_basis: view.basis(),
    }
}
