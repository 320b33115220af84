//! The shape of an aggregate table (SPEC 3.4), exact or noisy: its rows and
//! matrix cells, the figures a shown cell carries per department or per
//! account, and what a noisy table states about its noise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::periods::CalendarPeriod;
use super::question::Caps;
use crate::consent::{ConsentBasis, View};
use crate::insights::WindowOut;
use crate::model::Scope;
use crate::time::{format_rfc3339, DAY_MS};

/// The figures of one shown cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Metrics {
    Department(DepartmentMetrics),
    Account(AccountMetrics),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregateRow {
    pub group: String,
    pub period: String,
    pub suppressed: bool,
    pub reason: Option<String>,
    pub metrics: Option<Metrics>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// Display names of `groups`, in their order: an account's `accountName`
    /// from the directory, else `null` (a department is its own name).
    pub group_names: Vec<Option<String>>,
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
    pub noise: Option<NoiseReport>,
    /// Provenance: the consent that allowed the table. (No count of the
    /// records used: a total minus the shown cells would give the hidden ones.)
    pub consent_basis: ConsentBasis,
    /// The reference time, and the start of the latest period in which a
    /// shown cell has activity (`freshness`): set by the engine once cells
    /// are hidden, never the exact time of a row.
    pub now: String,
    pub data_as_of: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentMetrics {
    pub emails_sent: u32,
    /// E-mails with at least one recipient in the department (each once).
    pub emails_received: u32,
    /// Meetings with at least one member attending or organizing (each once).
    pub meetings: u32,
    pub meeting_minutes: f64,
    /// Share of the e-mails sent outside working hours; `null` when none were sent.
    pub after_hours_share: Option<f64>,
    /// Distinct external people the department exchanged e-mail or met with
    /// (left out with noise: a count of distinct people has no bounded sensitivity).
    pub external_contacts: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountMetrics {
    /// E-mails from an internal person to the account's contacts.
    pub emails_to: u32,
    /// E-mails from the account's contacts.
    pub emails_from: u32,
    /// Meetings with internal people and the account's contacts, each once.
    pub meetings: u32,
    /// Distinct people of ours, and of the account, involved (left out with noise).
    pub internal_people: Option<u32>,
    pub account_people: Option<u32>,
    /// Whole days from the last e-mail (meeting) of the period to the period's end.
    pub days_since_last_email: Option<u32>,
    pub days_since_last_meeting: Option<u32>,
    pub average_meeting_minutes: Option<f64>,
    /// The mean delay of our replies in the period to the account's e-mails of the same period.
    pub average_reply_minutes: Option<f64>,
    /// 0–100: the cell's activity (e-mails + 2 × meetings) against the most
    /// active account shown for the same period.
    pub engagement_score: Option<u32>,
}

/// What a noisy table states about its noise: everything here is public.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoiseReport {
    pub epsilon: f64,
    /// Whose data one epsilon protects: "one person's records in one period".
    pub unit: &'static str,
    pub caps: Caps,
    /// True when this is an earlier answer repeated, at no cost.
    pub from_cache: bool,
    /// True when the noise came from a fixed seed (`noiseSeed`, tests only):
    /// anyone with the seed can subtract it, so the figures protect nothing.
    pub seeded: bool,
    /// Per figure: the scale b of its noise, P(x) ∝ exp(−|x| / b); its
    /// standard deviation is about b·√2. `people` is the count that decides
    /// which cells are shown.
    pub scales: BTreeMap<&'static str, f64>,
}

/// A table of `rows` and `matrix` over `periods`, for `view`.
pub(crate) fn table(
    view: &View,
    group_by: &'static str,
    periods: &[CalendarPeriod],
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
        group_names: vec![None; groups.len()],
        groups,
        rows,
        matrix,
        epsilon_spent: None,
        epsilon_remaining: None,
        noise: None,
        consent_basis: view.basis(),
        now: String::new(),
        data_as_of: None,
    }
}
