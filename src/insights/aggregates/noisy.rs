//! Differentially private figures for the aggregate tables (SPEC 4.4).
//!
//! The unit protected is one person's own records in one period: the
//! e-mails they sent and the meetings they organized in that week or month.
//! Each record belongs to exactly one person (its sender or organizer), so
//! leaving one person's records out cannot change which records of anybody
//! else are counted. Three caps bound what those records can move:
//! - at most `recordsPerPeriod` of a person's records count per period (the
//!   earliest ones; the choice depends on that person's records alone);
//! - a record counts towards at most `groupsPerRecord` groups (the sender's
//!   own first, then the others in table order);
//! - a meeting adds at most `minutesPerMeeting` minutes to a cell.
//!
//! Every figure family is then a sum whose total change, over all the cells
//! of a table, is at most its sensitivity; each family gets an equal share of
//! epsilon and discrete Laplace noise of scale sensitivity ÷ share. Which
//! cells are shown is decided as without noise (by the exact group size), so
//! the noise protects the figures, not the fact that a cell had enough people.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::accounts::{account_groups, score_engagement};
use super::departments::department_groups;
use super::{AggregateTable, Hours, Metrics, Period};
use crate::consent::{Row, View};
use crate::error::{Error, Result};
use crate::model::{Kind, PersonKey};
use crate::privacy::budget::Epsilon;
use crate::privacy::noise::NoiseSource;
use crate::requests::GroupBy;
use crate::time::in_working_hours;

/// How much of one person's records a table counts (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Caps {
    pub records_per_period: u32,
    pub groups_per_record: u32,
    pub minutes_per_meeting: u32,
}

impl Caps {
    /// Defaults that keep nine in ten person-weeks of the demo data whole.
    pub fn defaults(monthly: bool) -> Caps {
        Caps {
            records_per_period: if monthly { 80 } else { 20 },
            groups_per_record: 2,
            minutes_per_meeting: 60,
        }
    }
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
    /// Per figure: the scale b of its noise, P(x) ∝ exp(−|x| / b); its
    /// standard deviation is about b·√2.
    pub scales: BTreeMap<&'static str, f64>,
}

/// A figure family: its name, and how many units one record can add to it
/// over a whole table (as a function of the caps).
struct Family {
    name: &'static str,
    per_record: fn(&Caps) -> u64,
}

fn one(_: &Caps) -> u64 {
    1
}
fn per_group(c: &Caps) -> u64 {
    u64::from(c.groups_per_record)
}
fn minutes_per_group(c: &Caps) -> u64 {
    u64::from(c.groups_per_record) * u64::from(c.minutes_per_meeting)
}
/// Pairs of groups, a group with itself included, among the groups a record counts for.
fn pairs_of_groups(c: &Caps) -> u64 {
    let g = u64::from(c.groups_per_record);
    g * (g + 1) / 2
}

const DEPARTMENT: [Family; 6] = [
    Family { name: "emailsSent", per_record: one },
    Family { name: "afterHoursEmails", per_record: one },
    Family { name: "emailsReceived", per_record: per_group },
    Family { name: "meetings", per_record: per_group },
    Family { name: "meetingMinutes", per_record: minutes_per_group },
    Family { name: "matrixInteractions", per_record: pairs_of_groups },
];
const ACCOUNT: [Family; 4] = [
    Family { name: "emailsTo", per_record: per_group },
    Family { name: "emailsFrom", per_record: one },
    Family { name: "meetings", per_record: per_group },
    Family { name: "meetingMinutes", per_record: minutes_per_group },
];

fn families(by: GroupBy) -> &'static [Family] {
    match by {
        GroupBy::Department => &DEPARTMENT,
        GroupBy::Account => &ACCOUNT,
    }
}

/// The exact capped sums that noise is added to: per cell (group × period)
/// one figure per family, and per matrix cell (group pair × period) one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CappedSums {
    pub periods: usize,
    pub cells: Vec<Vec<u64>>,
    pub matrix: BTreeMap<(usize, usize, usize), u64>,
}

impl CappedSums {
    fn add(&mut self, group: usize, period: usize, family: usize, amount: u64) {
        self.cells[group * self.periods + period][family] += amount;
    }
}

/// The most one person's records in one period can move each family, summed
/// over every cell of the table: the sensitivity the noise is scaled to.
pub fn sensitivities(by: GroupBy, caps: &Caps) -> Vec<u64> {
    families(by).iter().map(|f| u64::from(caps.records_per_period) * (f.per_record)(caps)).collect()
}

/// Each counted record with its period, in time order: at most
/// `records_per_period` per sender (or organizer) and period, the earliest.
fn counted_records(view: &View, periods: &[Period], caps: &Caps) -> Vec<(Row, usize)> {
    let (first, last) = (periods.first().map_or(0, |p| p.start), periods.last().map_or(0, |p| p.end));
    let mut rows: Vec<(i64, Row)> = view
        .rows()
        .filter(|&r| view.kind(r) != Kind::Call)
        .map(|r| (view.at(r), r))
        .filter(|&(at, _)| first <= at && at < last)
        .collect();
    rows.sort_unstable();
    let mut used: FxHashMap<(PersonKey, usize), u32> = FxHashMap::default();
    rows.into_iter()
        .filter_map(|(at, r)| {
            let pi = periods.partition_point(|p| p.end <= at);
            let n = used.entry((view.from(r), pi)).or_default();
            *n += 1;
            (*n <= caps.records_per_period).then_some((r, pi))
        })
        .collect()
}

/// The groups a record counts for: the sender's own group first (when it has
/// one), then the others in table order, at most `groups_per_record`.
fn record_groups(
    view: &View,
    r: Row,
    group_of: &FxHashMap<PersonKey, usize>,
    include_sender: bool,
    caps: &Caps,
) -> Vec<usize> {
    let own = group_of.get(&view.from(r)).copied().filter(|_| include_sender);
    let mut others: Vec<usize> =
        view.participants(r).iter().filter_map(|p| group_of.get(p).copied()).collect();
    others.sort_unstable();
    others.dedup();
    own.into_iter()
        .chain(others.into_iter().filter(|&g| Some(g) != own))
        .take(caps.groups_per_record as usize)
        .collect()
}

fn capped_minutes(view: &View, r: Row, caps: &Caps) -> u64 {
    (u64::from(view.duration_s(r)) / 60).min(u64::from(caps.minutes_per_meeting))
}

/// The capped sums for a department or account table over `periods`.
pub fn capped_sums(view: &View, by: GroupBy, periods: &[Period], hours: &Hours, caps: &Caps) -> CappedSums {
    let (groups, group_of) = match by {
        GroupBy::Department => department_groups(view),
        GroupBy::Account => account_groups(view),
    };
    let k = families(by).len();
    let mut sums = CappedSums {
        periods: periods.len(),
        cells: vec![vec![0; k]; groups.len() * periods.len()],
        matrix: BTreeMap::new(),
    };
    for (r, pi) in counted_records(view, periods, caps) {
        match by {
            GroupBy::Department => department_record(view, r, pi, &group_of, hours, caps, &mut sums),
            GroupBy::Account => account_record(view, r, pi, &group_of, caps, &mut sums),
        }
    }
    sums
}

fn department_record(
    view: &View,
    r: Row,
    pi: usize,
    member: &FxHashMap<PersonKey, usize>,
    hours: &Hours,
    caps: &Caps,
    sums: &mut CappedSums,
) {
    let own = member.get(&view.from(r)).copied();
    if view.kind(r) == Kind::Meeting {
        let groups = record_groups(view, r, member, true, caps);
        for &g in &groups {
            sums.add(g, pi, 3, 1);
            sums.add(g, pi, 4, capped_minutes(view, r, caps));
        }
        for (i, &a) in groups.iter().enumerate() {
            let everyone = std::iter::once(view.from(r)).chain(view.participants(r).iter().copied());
            if everyone.filter(|p| member.get(p) == Some(&a)).nth(1).is_some() {
                *sums.matrix.entry((a, a, pi)).or_default() += 1;
            }
            for &b in &groups[i + 1..] {
                *sums.matrix.entry((a.min(b), a.max(b), pi)).or_default() += 1;
            }
        }
        return;
    }
    if let Some(g) = own {
        sums.add(g, pi, 0, 1);
        if !in_working_hours(view.at(r), hours.start, hours.end, &hours.days) {
            sums.add(g, pi, 1, 1);
        }
    }
    for g in record_groups(view, r, member, false, caps) {
        sums.add(g, pi, 2, 1);
        if let Some(s) = own {
            *sums.matrix.entry((s.min(g), s.max(g), pi)).or_default() += 1;
        }
    }
}

fn account_record(
    view: &View,
    r: Row,
    pi: usize,
    account_of: &FxHashMap<PersonKey, usize>,
    caps: &Caps,
    sums: &mut CappedSums,
) {
    let from = view.from(r);
    let internal_from = view.person(from).internal;
    if !internal_from && !view.participants(r).iter().any(|&p| view.person(p).internal) {
        return;
    }
    match view.kind(r) {
        Kind::Meeting => {
            for g in record_groups(view, r, account_of, true, caps) {
                sums.add(g, pi, 2, 1);
                sums.add(g, pi, 3, capped_minutes(view, r, caps));
            }
        }
        _ => {
            if let Some(&g) = account_of.get(&from) {
                sums.add(g, pi, 1, 1);
            } else if internal_from {
                for g in record_groups(view, r, account_of, false, caps) {
                    sums.add(g, pi, 0, 1);
                }
            }
        }
    }
}

/// Replaces the figures of every shown cell of `table` with noisy capped
/// sums, drawing from `noise`, and states the noise in the table.
pub fn add_noise(
    table: &mut AggregateTable,
    sums: &CappedSums,
    by: GroupBy,
    epsilon: Epsilon,
    caps: &Caps,
    noise: &mut NoiseSource,
) -> Result<()> {
    let fams = families(by);
    let share = fams.len() as u32;
    // Scale = sensitivity ÷ (epsilon ÷ families) = sensitivity · families · 1000 ÷ milli-epsilon.
    let scale_of = |sensitivity: u64| -> Result<(u32, u32)> {
        let num = u32::try_from(sensitivity * u64::from(share) * 1000)
            .map_err(|_| Error::options("noise", "these caps make the noise scale too large to draw"))?;
        Ok((num, epsilon.milli()))
    };
    let scales: Vec<(u32, u32)> = sensitivities(by, caps).into_iter().map(scale_of).collect::<Result<_>>()?;
    let mut draw = |family: usize, exact: u64| -> Result<u32> {
        let (num, den) = scales[family];
        let noisy =
            i64::try_from(exact).unwrap_or(i64::MAX).saturating_add(noise.discrete_laplace(num, den)?);
        Ok(noisy.clamp(0, i64::from(u32::MAX)) as u32)
    };
    for (i, row) in table.rows.iter_mut().enumerate() {
        let exact = &sums.cells[i];
        match &mut row.metrics {
            Some(Metrics::Department(m)) => {
                m.emails_sent = draw(0, exact[0])?;
                let after = draw(1, exact[1])?;
                m.after_hours_share = (m.emails_sent > 0).then(|| {
                    (f64::from(after.min(m.emails_sent)) / f64::from(m.emails_sent) * 10_000.0).round()
                        / 10_000.0
                });
                m.emails_received = draw(2, exact[2])?;
                m.meetings = draw(3, exact[3])?;
                m.meeting_minutes = f64::from(draw(4, exact[4])?);
                m.external_contacts = None;
            }
            Some(Metrics::Account(m)) => {
                m.emails_to = draw(0, exact[0])?;
                m.emails_from = draw(1, exact[1])?;
                m.meetings = draw(2, exact[2])?;
                let minutes = draw(3, exact[3])?;
                m.average_meeting_minutes = (m.meetings > 0)
                    .then(|| (f64::from(minutes) / f64::from(m.meetings) * 100.0).round() / 100.0);
                // Distinct people and times of day are not sums of one person's
                // records: they have no bounded sensitivity, so they are left out.
                m.internal_people = None;
                m.account_people = None;
                m.days_since_last_email = None;
                m.days_since_last_meeting = None;
                m.average_reply_minutes = None;
            }
            None => {}
        }
    }
    let index: FxHashMap<&str, usize> =
        table.groups.iter().enumerate().map(|(i, g)| (g.as_str(), i)).collect();
    let period: FxHashMap<&str, usize> =
        table.periods.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
    for cell in table.matrix.iter_mut().filter(|c| !c.suppressed) {
        let key = (index[cell.from.as_str()], index[cell.to.as_str()], period[cell.period.as_str()]);
        cell.interactions = Some(draw(5, sums.matrix.get(&key).copied().unwrap_or(0))?);
    }
    table.noise = Some(NoiseReport {
        epsilon: epsilon.as_f64(),
        unit: "one person's records in one period",
        caps: *caps,
        from_cache: false,
        scales: fams.iter().zip(&scales).map(|(f, &(n, d))| (f.name, f64::from(n) / f64::from(d))).collect(),
    });
    if by == GroupBy::Account {
        // Post-processing of the noisy figures: it spends nothing more.
        score_engagement(table);
    }
    Ok(())
}
