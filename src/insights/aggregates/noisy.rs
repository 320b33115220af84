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
use super::question::{Caps, GroupBy, Question, MAX_GROUPS_PER_RECORD};
use super::suppression::{Groups, Members};
use super::table::{
    table, AccountMetrics, AggregateRow, AggregateTable, DepartmentMetrics, MatrixCell, Metrics, NoiseReport,
};
use crate::consent::{Row, View};
use crate::error::{Error, Result};
use crate::model::{Kind, PersonKey};
use crate::privacy::budget::Epsilon;
use crate::privacy::noise::NoiseSource;
use crate::time::WorkingHours;

/// A figure family: its name, and how much one person's records in one
/// period can move it over a whole table (as a function of the caps).
struct Family {
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
const DEPARTMENT_PEOPLE: usize = 5;
const ACCOUNT_PEOPLE: usize = 4;

fn families(by: GroupBy) -> &'static [Family] {
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
    fn add(&mut self, group: usize, period: usize, family: usize, amount: u64) {
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

/// Each counted record of the senders `senders` keeps (all, but in a part of
/// a partitioned run) with its period, in time order: at most
/// `records_per_period` per sender (or organizer) and period, the earliest.
fn counted_records(
    view: &View,
    periods: &[CalendarPeriod],
    caps: &Caps,
    senders: impl Fn(PersonKey) -> bool,
) -> Vec<(Row, usize)> {
    let (first, last) = (periods.first().map_or(0, |p| p.start), periods.last().map_or(0, |p| p.end));
    let mut rows: Vec<(i64, Row)> = view
        .rows()
        .filter(|&r| view.kind(r) != Kind::Call && senders(view.from(r)))
        .map(|r| (view.at(r), r))
        .filter(|&(at, _)| first <= at && at < last)
        .collect();
    rows.sort_unstable();
    // Per sender, by key: the period of their last record (plus one, 0 for
    // none yet) and how many of theirs it counted. Records come in time
    // order, so a sender's period only moves on.
    let mut used: Vec<(u32, u32)> = Vec::new();
    rows.into_iter()
        .filter_map(|(at, r)| {
            let pi = periods.partition_point(|p| p.end <= at);
            let sender = view.from(r).index();
            if used.len() <= sender {
                used.resize(sender + 1, (0, 0));
            }
            let (period, n) = &mut used[sender];
            if *period != pi as u32 + 1 {
                (*period, *n) = (pi as u32 + 1, 0);
            }
            *n += 1;
            (*n <= caps.records_per_period).then_some((r, pi))
        })
        .collect()
}

/// The groups a record counts for: the sender's own group first (when it has
/// one), then the others in table order, at most `groups_per_record`. Kept
/// in place, not in a list of its own: a table reads a million records.
fn record_groups(view: &View, r: Row, group_of: &Members, include_sender: bool, caps: &Caps) -> RecordGroups {
    let own = group_of.get(&view.from(r)).filter(|_| include_sender);
    let mut out = RecordGroups { list: [0; MAX_GROUPS_PER_RECORD], len: 0 };
    let cap = (caps.groups_per_record as usize).min(MAX_GROUPS_PER_RECORD);
    if let Some(own) = own.filter(|_| cap > 0) {
        out.list[0] = own;
        out.len = 1;
    }
    // The smallest other groups, in order, without repeats.
    let first = out.len;
    for g in view.participants(r).iter().filter_map(|p| group_of.get(p)).filter(|&g| Some(g) != own) {
        let kept = &out.list[first..out.len];
        let at = first + kept.partition_point(|&x| x < g);
        if at >= cap || kept.get(at - first) == Some(&g) {
            continue;
        }
        out.len = (out.len + 1).min(cap);
        out.list.copy_within(at..out.len - 1, at + 1);
        out.list[at] = g;
    }
    out
}

/// The groups of a record (see `record_groups`).
struct RecordGroups {
    list: [usize; MAX_GROUPS_PER_RECORD],
    len: usize,
}

impl std::ops::Deref for RecordGroups {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        &self.list[..self.len]
    }
}

fn capped_minutes(view: &View, r: Row, caps: &Caps) -> u64 {
    (u64::from(view.duration_s(r)) / 60).min(u64::from(caps.minutes_per_meeting))
}

/// Where a person counts among a cell's people: a row, or their side of a pair.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Seat {
    Row(usize),
    Side(usize, usize, usize),
}

/// The seats each person has taken in their current period, so that each
/// counts once per cell and in at most `groupsPerRecord` rows and as many
/// sides; and the matrix's sums (`Pairs`).
struct People<'c> {
    /// By person key: their period (plus one, 0 for none yet) and its
    /// seats. Records come in time order, so a person's period only moves
    /// on, and a list by key replaces a hash map keyed by person and period.
    seats: Vec<(u32, Vec<Seat>)>,
    pairs: Pairs,
    caps: &'c Caps,
    family: usize,
}

impl People<'_> {
    fn seat(&mut self, sums: &mut CappedSums, person: PersonKey, pi: usize, seat: Seat) {
        if self.seats.len() <= person.index() {
            self.seats.resize_with(person.index() + 1, Default::default);
        }
        let (period, taken) = &mut self.seats[person.index()];
        if *period != pi as u32 + 1 {
            *period = pi as u32 + 1;
            taken.clear();
        }
        let same_kind = taken.iter().filter(|s| matches!(s, Seat::Row(_)) == matches!(seat, Seat::Row(_)));
        if taken.contains(&seat) || same_kind.count() >= self.caps.groups_per_record as usize {
            return;
        }
        taken.push(seat);
        match seat {
            Seat::Row(g) => sums.add(g, pi, self.family, 1),
            Seat::Side(a, b, side) => {
                let i = self.pairs.index(a, b, pi);
                self.pairs.people[i][side] += 1;
            }
        }
    }

    /// `person` of group `own` on their side of the pair `a`, `b` (a ≤ b).
    fn side(
        &mut self,
        sums: &mut CappedSums,
        person: PersonKey,
        pi: usize,
        own: usize,
        (a, b): (usize, usize),
    ) {
        if own == a || own == b {
            self.seat(sums, person, pi, Seat::Side(a, b, usize::from(own != a)));
        }
    }
}

/// The matrix's sums while records are read: per pair of groups `a ≤ b`
/// and period, the interactions and the people of either side, in lists
/// indexed by pair and period (a table's size bounds them; a tree map
/// looked up a record was a fifth of the table's time). Empty by account.
#[derive(Default)]
struct Pairs {
    n: usize,
    periods: usize,
    interactions: Vec<u64>,
    people: Vec<[u64; 2]>,
}

impl Pairs {
    fn new(n: usize, periods: usize) -> Pairs {
        Pairs { n, periods, interactions: vec![0; n * n * periods], people: vec![[0; 2]; n * n * periods] }
    }

    fn index(&self, a: usize, b: usize, pi: usize) -> usize {
        (a * self.n + b) * self.periods + pi
    }

    fn count(&mut self, a: usize, b: usize, pi: usize) {
        let i = self.index(a, b, pi);
        self.interactions[i] += 1;
    }

    /// Into `sums`: the pairs and periods with something to count.
    fn into_sums(self, sums: &mut CappedSums) {
        for (i, (&n, &people)) in self.interactions.iter().zip(&self.people).enumerate() {
            let key = (i / self.periods / self.n, i / self.periods % self.n, i % self.periods);
            if n > 0 {
                sums.matrix.insert(key, n);
            }
            if people != [0; 2] {
                sums.matrix_people.insert(key, people);
            }
        }
    }
}

/// The capped sums for a department or account table of `groups` over
/// `periods`, of the records sent or organized by the people `senders`
/// keeps (everyone, but in a part of a partitioned run).
pub(super) fn sums_of(
    view: &View,
    by: GroupBy,
    periods: &[CalendarPeriod],
    groups: &Groups,
    hours: &WorkingHours,
    caps: &Caps,
    senders: impl Fn(PersonKey) -> bool,
) -> CappedSums {
    let k = families(by).len();
    let mut sums = CappedSums {
        periods: periods.len(),
        cells: vec![vec![0; k]; groups.names.len() * periods.len()],
        matrix: BTreeMap::new(),
        matrix_people: BTreeMap::new(),
    };
    let family = match by {
        GroupBy::Department => DEPARTMENT_PEOPLE,
        GroupBy::Account => ACCOUNT_PEOPLE,
    };
    let pairs = match by {
        GroupBy::Department => Pairs::new(groups.names.len(), periods.len()),
        GroupBy::Account => Pairs::default(),
    };
    let mut people = People { seats: Vec::new(), pairs, caps, family };
    for (r, pi) in counted_records(view, periods, caps, senders) {
        match by {
            GroupBy::Department => {
                department_record(view, r, pi, &groups.of, hours, caps, &mut sums, &mut people)
            }
            GroupBy::Account => account_record(view, r, pi, &groups.of, caps, &mut sums, &mut people),
        }
    }
    people.pairs.into_sums(&mut sums);
    sums
}

#[allow(clippy::too_many_arguments)]
fn department_record(
    view: &View,
    r: Row,
    pi: usize,
    member: &Members,
    hours: &WorkingHours,
    caps: &Caps,
    sums: &mut CappedSums,
    people: &mut People,
) {
    let from = view.from(r);
    let own = member.get(&from);
    if let Some(o) = own {
        people.seat(sums, from, pi, Seat::Row(o));
    }
    if view.kind(r) == Kind::Meeting {
        let groups = record_groups(view, r, member, true, caps);
        for &g in groups.iter() {
            sums.add(g, pi, 3, 1);
            sums.add(g, pi, 4, capped_minutes(view, r, caps));
        }
        for (i, &a) in groups.iter().enumerate() {
            let everyone = std::iter::once(from).chain(view.participants(r).iter().copied());
            if everyone.filter(|p| member.get(p) == Some(a)).nth(1).is_some() {
                people.pairs.count(a, a, pi);
                if let Some(o) = own {
                    people.side(sums, from, pi, o, (a, a));
                }
            }
            for &b in &groups[i + 1..] {
                let pair = (a.min(b), a.max(b));
                people.pairs.count(pair.0, pair.1, pi);
                if let Some(o) = own {
                    people.side(sums, from, pi, o, pair);
                }
            }
        }
        return;
    }
    if let Some(g) = own {
        sums.add(g, pi, 0, 1);
        if !hours.contains(view.at(r)) {
            sums.add(g, pi, 1, 1);
        }
    }
    for &g in record_groups(view, r, member, false, caps).iter() {
        sums.add(g, pi, 2, 1);
        if let Some(s) = own {
            let pair = (s.min(g), s.max(g));
            people.pairs.count(pair.0, pair.1, pi);
            people.side(sums, from, pi, s, pair);
        }
    }
}

fn account_record(
    view: &View,
    r: Row,
    pi: usize,
    account_of: &Members,
    caps: &Caps,
    sums: &mut CappedSums,
    people: &mut People,
) {
    let from = view.from(r);
    let internal_from = view.person(from).internal;
    if !internal_from && !view.participants(r).iter().any(|&p| view.person(p).internal) {
        return;
    }
    // Only people count toward a cell's size (a shared mailbox sends, but is nobody).
    let sender_counts = internal_from && view.person(from).is_person();
    let mut counted = |sums: &mut CappedSums, g: usize| {
        if sender_counts {
            people.seat(sums, from, pi, Seat::Row(g));
        }
    };
    match view.kind(r) {
        Kind::Meeting => {
            for &g in record_groups(view, r, account_of, true, caps).iter() {
                sums.add(g, pi, 2, 1);
                sums.add(g, pi, 3, capped_minutes(view, r, caps));
                counted(sums, g);
            }
        }
        _ => {
            if let Some(g) = account_of.get(&from) {
                sums.add(g, pi, 1, 1);
            } else if internal_from {
                for &g in record_groups(view, r, account_of, false, caps).iter() {
                    sums.add(g, pi, 0, 1);
                    counted(sums, g);
                }
            }
        }
    }
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
