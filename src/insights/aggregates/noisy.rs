//! Differentially private aggregate tables (SPEC 4.4).
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
//! epsilon and discrete Laplace noise of scale sensitivity ÷ share.
//!
//! Nothing in a noisy table is exact: whether a cell is shown is decided on
//! a noisy count of its people too (the `people` family), never on the exact
//! one, which one person's week could flip. A cell's people are those of
//! its group (by account: internal people) who sent or organized a counted
//! record of it; a person counts in their own department's row and in at
//! most `groupsPerRecord` other cells (accounts, or sides of pairs) a period.
//! The noise is drawn for every cell and family, shown or not, so that even
//! the number of draws is the same on any data. Weeks and months are not
//! checked against each other as exact tables are: each noisy answer spends
//! its own epsilon, and differences of noisy answers are noisy.

use std::collections::BTreeMap;

use super::accounts::score_engagement;
use super::periods::CalendarPeriod;
use super::question::{Caps, GroupBy, Question};
use super::suppression::Groups;
use super::table::{
    table, AccountMetrics, AggregateRow, AggregateTable, DepartmentMetrics, MatrixCell, Metrics, NoiseReport,
};
use crate::consent::View;
use crate::error::{Error, Result};
use crate::privacy::budget::Epsilon;
use crate::privacy::noise::NoiseSource;

/// A figure family: its name, and how much one person's records in one
/// period can move it over a whole table (as a function of the caps).
pub(super) struct Family {
    name: &'static str,
    sensitivity: fn(&Caps) -> u64,
}

fn records(c: &Caps) -> u64 {
    u64::from(c.records_per_period)
}
fn records_per_group(c: &Caps) -> u64 {
    records(c) * u64::from(c.groups_per_record)
}
fn minutes_per_group(c: &Caps) -> u64 {
    records_per_group(c) * u64::from(c.minutes_per_meeting)
}
/// Pairs of groups, a group with itself included, among the groups a record counts for.
fn pairs_of_groups(c: &Caps) -> u64 {
    let g = u64::from(c.groups_per_record);
    records(c) * g * (g + 1) / 2
}
/// A person counts once in their department's row, and on their side of at
/// most `groupsPerRecord` pairs.
fn department_people(c: &Caps) -> u64 {
    1 + u64::from(c.groups_per_record)
}
/// A person counts in at most `groupsPerRecord` accounts' cells.
fn account_people(c: &Caps) -> u64 {
    u64::from(c.groups_per_record)
}

const DEPARTMENT: [Family; 7] = [
    Family { name: "emailsSent", sensitivity: records },
    Family { name: "afterHoursEmails", sensitivity: records },
    Family { name: "emailsReceived", sensitivity: records_per_group },
    Family { name: "meetings", sensitivity: records_per_group },
    Family { name: "meetingMinutes", sensitivity: minutes_per_group },
    Family { name: "people", sensitivity: department_people },
    Family { name: "matrixInteractions", sensitivity: pairs_of_groups },
];
const ACCOUNT: [Family; 5] = [
    Family { name: "emailsTo", sensitivity: records_per_group },
    Family { name: "emailsFrom", sensitivity: records },
    Family { name: "meetings", sensitivity: records_per_group },
    Family { name: "meetingMinutes", sensitivity: minutes_per_group },
    Family { name: "people", sensitivity: account_people },
];
/// Where the people count sits among each table's families.
pub(super) const DEPARTMENT_PEOPLE: usize = 5;
pub(super) const ACCOUNT_PEOPLE: usize = 4;

pub(super) fn families(by: GroupBy) -> &'static [Family] {
    match by {
        GroupBy::Department => &DEPARTMENT,
        GroupBy::Account => &ACCOUNT,
    }
}

/// The exact capped sums that noise is added to: per cell (group × period)
/// one figure per family (the matrix family stays 0 there), per matrix cell
/// (group pair × period) its interactions, and the people of each side.
#[derive(Clone, Debug, Default, PartialEq, Hash)]
pub struct CappedSums {
    pub periods: usize,
    pub cells: Vec<Vec<u64>>,
    pub matrix: BTreeMap<(usize, usize, usize), u64>,
    /// Per pair and period: the people of the first and of the second group
    /// who sent or organized a record linking them (a group with itself: first).
    pub matrix_people: BTreeMap<(usize, usize, usize), [u64; 2]>,
}

impl CappedSums {
    pub(super) fn add(&mut self, group: usize, period: usize, family: usize, amount: u64) {
        self.cells[group * self.periods + period][family] += amount;
    }

    /// Adds `other`'s sums, made over the same groups and periods from
    /// other senders' records: the caps bound each sender's records, so the
    /// sums of disjoint sets of senders add up to the sums of all of them.
    /// `None` when the two were not made over the same table.
    pub fn plus(mut self, other: &CappedSums) -> Option<CappedSums> {
        let same_shape = self.periods == other.periods
            && self.cells.len() == other.cells.len()
            && self.cells.iter().zip(&other.cells).all(|(a, b)| a.len() == b.len());
        if !same_shape {
            return None;
        }
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            for (x, y) in a.iter_mut().zip(b) {
                *x = x.checked_add(*y)?;
            }
        }
        for (key, n) in &other.matrix {
            let x = self.matrix.entry(*key).or_default();
            *x = x.checked_add(*n)?;
        }
        for (key, sides) in &other.matrix_people {
            let x = self.matrix_people.entry(*key).or_default();
            for (a, b) in x.iter_mut().zip(sides) {
                *a = a.checked_add(*b)?;
            }
        }
        Some(self)
    }

    /// Whether these sums fit a table of `groups` × `periods` of `by`: every
    /// cell with one figure per family, every pair of groups in range.
    fn fits(&self, by: GroupBy, groups: usize, periods: usize) -> bool {
        let k = families(by).len();
        let pair_fits = |&(a, b, p): &(usize, usize, usize)| a <= b && b < groups && p < periods;
        self.periods == periods
            && self.cells.len() == groups * periods
            && self.cells.iter().all(|c| c.len() == k)
            && self.matrix.keys().all(pair_fits)
            && self.matrix_people.keys().all(pair_fits)
    }
}

/// The most one person's records in one period can move each family, summed
/// over every cell of the table: the sensitivity the noise is scaled to.
pub fn sensitivities(by: GroupBy, caps: &Caps) -> Vec<u64> {
    families(by).iter().map(|f| (f.sensitivity)(caps)).collect()
}

/// A noisy table over `periods` from the capped `sums` of its records:
/// every figure and every people count drawn with noise, and a cell shown
/// when its noisy people count (of each side, in the matrix) reaches
/// `minGroupSize`. `INVALID_INPUT` for sums made over another table.
#[allow(clippy::too_many_arguments)]
pub(super) fn noisy_table(
    view: &View,
    q: &Question,
    periods: &[CalendarPeriod],
    groups: &Groups,
    epsilon: Epsilon,
    caps: &Caps,
    noise: &mut NoiseSource,
    sums: &CappedSums,
) -> Result<AggregateTable> {
    let by = q.by;
    if !sums.fits(by, groups.names.len(), periods.len()) {
        return Err(Error::InvalidInput("capped sums made over another table's groups or periods".into()));
    }
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
    let k = q.min_group_size;
    let np = periods.len().max(1);
    let hidden = || Some(format!("fewer than {k} people sent or organized something here, by a noisy count"));
    let mut rows = Vec::with_capacity(sums.cells.len());
    for (i, exact) in sums.cells.iter().enumerate() {
        let metrics = match by {
            GroupBy::Department => {
                let shown = draw(DEPARTMENT_PEOPLE, exact[DEPARTMENT_PEOPLE])? >= k;
                let sent = draw(0, exact[0])?;
                let after = draw(1, exact[1])?;
                let m = DepartmentMetrics {
                    emails_sent: sent,
                    after_hours_share: (sent > 0).then(|| {
                        (f64::from(after.min(sent)) / f64::from(sent) * 10_000.0).round() / 10_000.0
                    }),
                    emails_received: draw(2, exact[2])?,
                    meetings: draw(3, exact[3])?,
                    meeting_minutes: f64::from(draw(4, exact[4])?),
                    // Distinct people have no bounded sensitivity under this unit.
                    external_contacts: None,
                };
                shown.then_some(Metrics::Department(m))
            }
            GroupBy::Account => {
                let shown = draw(ACCOUNT_PEOPLE, exact[ACCOUNT_PEOPLE])? >= k;
                let meetings = draw(2, exact[2])?;
                let minutes = draw(3, exact[3])?;
                // Distinct people and times of day are not sums of one person's
                // records: they have no bounded sensitivity, so they are left out.
                let m = AccountMetrics {
                    emails_to: draw(0, exact[0])?,
                    emails_from: draw(1, exact[1])?,
                    meetings,
                    average_meeting_minutes: (meetings > 0)
                        .then(|| (f64::from(minutes) / f64::from(meetings) * 100.0).round() / 100.0),
                    ..AccountMetrics::default()
                };
                shown.then_some(Metrics::Account(m))
            }
        };
        rows.push(AggregateRow {
            group: groups.names[i / np].clone(),
            period: periods[i % np].label.clone(),
            suppressed: metrics.is_none(),
            reason: if metrics.is_none() { hidden() } else { None },
            metrics,
        });
    }
    let mut matrix = Vec::new();
    if by == GroupBy::Department {
        let n = groups.names.len();
        for a in 0..n {
            for b in a..n {
                for (pi, period) in periods.iter().enumerate() {
                    let key = (a, b, pi);
                    let sides = sums.matrix_people.get(&key).copied().unwrap_or_default();
                    let first = draw(DEPARTMENT_PEOPLE, sides[0])?;
                    let second = draw(DEPARTMENT_PEOPLE, sides[1])?;
                    let interactions = draw(6, sums.matrix.get(&key).copied().unwrap_or(0))?;
                    let shown = first >= k && (a == b || second >= k);
                    matrix.push(MatrixCell {
                        from: groups.names[a].clone(),
                        to: groups.names[b].clone(),
                        period: period.label.clone(),
                        suppressed: !shown,
                        reason: if shown { None } else { hidden() },
                        interactions: shown.then_some(interactions),
                    });
                }
            }
        }
    }
    let group_by = match by {
        GroupBy::Department => "department",
        GroupBy::Account => "account",
    };
    let mut t = table(view, group_by, periods, k, groups.names.clone(), rows, matrix);
    t.group_names.clone_from(&groups.display);
    t.noise = Some(NoiseReport {
        epsilon: epsilon.as_f64(),
        unit: "one person's records in one period",
        caps: *caps,
        from_cache: false,
        seeded: noise.is_seeded(),
        scales: fams.iter().zip(&scales).map(|(f, &(n, d))| (f.name, f64::from(n) / f64::from(d))).collect(),
    });
    if by == GroupBy::Account {
        // Post-processing of the noisy figures: it spends nothing more.
        score_engagement(&mut t);
    }
    Ok(t)
}
