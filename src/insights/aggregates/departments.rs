//! Aggregates per department: e-mails, meetings, after-hours share and
//! external contacts per department and period, and the department ×
//! department collaboration matrix.

use rustc_hash::FxHashSet;

use super::periods::CalendarPeriod;
use super::person_bits::{PeoplePerCell, PersonBits};
use super::suppression::{suppression, Cuts, Groups, Members, PartPeople};
use super::table::{table, AggregateRow, AggregateTable, DepartmentMetrics, MatrixCell, Metrics};
use crate::consent::{Row, View};
use crate::model::{Kind, PersonKey};
use crate::sort;
use crate::time::WorkingHours;

#[derive(Default)]
struct Tally {
    metrics: DepartmentMetrics,
    after_hours: u32,
    minutes_s: u64,
}

/// Why a cell is suppressed: too few people in it, or in a part of it (the
/// one text for both, so that the reason tells no more than the flag).
pub(super) const ROW_WHY: &str =
    "in this department in this period, or in the days it shares with another week or month";
pub(super) const MATRIX_WHY: &str =
    "on a side of this pair in this period, or in the days it shares with another week or month";

#[derive(Default)]
struct Link {
    interactions: u32,
    /// People of the first and of the second group involved.
    active: [FxHashSet<PersonKey>; 2],
}

/// The partition: each opted-in internal person listed with a department,
/// and the departments in name order.
pub(super) fn department_groups(view: &View) -> Groups {
    let mut groups: Vec<String> = Vec::new();
    let mut member = Members::default();
    let mut listed: Vec<(PersonKey, String)> = view
        .people()
        .filter_map(|p| {
            let person = view.person(p);
            // Only people are members: a list or mailbox is never counted as one.
            let dept = person
                .department
                .as_ref()
                .filter(|_| person.internal && person.in_directory && person.is_person())?;
            Some((p, dept.clone()))
        })
        .collect();
    sort::by(&mut listed, |a, b| a.1.cmp(&b.1));
    for (p, dept) in listed {
        if groups.last() != Some(&dept) {
            groups.push(dept);
        }
        member.insert(p, groups.len() - 1);
    }
    let display = vec![None; groups.len()];
    Groups { names: groups, of: member, display }
}

/// What the records add up to: per department and period (`cells`,
/// group-major) the figures, the parts each member was active in
/// (`active`), and per pair of departments and part (`links`) the matrix's.
struct Tallies {
    cells: Vec<Tally>,
    active: PersonBits,
    external: PeoplePerCell,
    links: Links,
}

/// The people per group and part, and per group and period (a period's
/// parts together), each group-major, from the parts each member was active
/// in (`active`: a member belongs to one department, so a bit a member and
/// part holds every department's people per part).
fn count_active(
    active: &PersonBits,
    member: &Members,
    cuts: &Cuts,
    groups: usize,
) -> (Vec<usize>, Vec<usize>) {
    let (parts, periods) = (cuts.parts(), cuts.runs.len());
    let (mut by_part, mut by_period) = (vec![0; groups * parts], vec![0; groups * periods]);
    let mut last = (PersonKey::new(crate::ids::NONE), usize::MAX);
    active.each_one(|p, f| {
        let Some(g) = member.get(&p) else { return };
        by_part[g * parts + f] += 1;
        // A person's parts come in time order, a period's together.
        let pi = cuts.period_of(f);
        if last != (p, pi) {
            by_period[g * periods + pi] += 1;
            last = (p, pi);
        }
    });
    (by_part, by_period)
}

fn tally(view: &View, cuts: &Cuts, groups: &Groups, hours: &WorkingHours) -> Tallies {
    let (n, member) = (groups.names.len(), &groups.of);
    let (periods, parts) = (cuts.runs.len(), cuts.parts());
    let mut cells: Vec<Tally> = (0..n * periods).map(|_| Tally::default()).collect();
    let mut active = PersonBits::new(member.len(), parts);
    let mut present: Vec<(usize, PersonKey)> = Vec::new();
    // `present` is sorted through keys group · 2^32 + person: the same order,
    // by the i64 sort that the response delays (kpis.rs) compile anyway
    // rather than one more sort for pairs (4 KB gzipped).
    let mut keys: Vec<i64> = Vec::new();
    // Reused from row to row: a list allocated a row was a fifth of the time.
    let mut externals: Vec<PersonKey> = Vec::new();
    let flags = view.person_flags();
    let mut links = Links::new(n, parts, flags.len());
    // The cell each external person was last added to: a person's records
    // mostly follow one another into the same cell, so this look spares a
    // large table's list (`PeoplePerCell`) most of its entries.
    let mut last_cell = vec![u32::MAX; flags.len()];
    let mut external = PeoplePerCell::new(flags.len(), n * periods);
    for r in view.rows() {
        let at = view.at(r);
        let kind = view.kind(r);
        if kind == Kind::Call {
            continue;
        }
        let Some((part, pi)) = cuts.of(at) else { continue };
        let from = view.from(r);
        // One pass over the row's people: members by group, and externals.
        keys.clear();
        externals.clear();
        for p in std::iter::once(from).chain(view.participants(r).iter().copied()) {
            if !flags.internal(p) {
                externals.push(p);
            } else if let Some(g) = member.get(&p) {
                keys.push((g as i64) << 32 | i64::from(p.raw()));
            }
        }
        keys.sort_unstable();
        present.clear();
        present.extend(keys.iter().map(|&k| ((k >> 32) as usize, PersonKey::new(k as u32))));
        let from_group = member.get(&from);
        let mut seen_group = usize::MAX;
        for (i, &(g, p)) in present.iter().enumerate() {
            active.set(p, part);
            if g == seen_group {
                continue;
            }
            seen_group = g;
            let at_cell = g * periods + pi;
            let cell = &mut cells[at_cell];
            for &x in &externals {
                if std::mem::replace(&mut last_cell[x.index()], at_cell as u32) != at_cell as u32 {
                    external.add(at_cell, x);
                }
            }
            match kind {
                Kind::Meeting => {
                    cell.metrics.meetings += 1;
                    cell.minutes_s += u64::from(view.duration_s(r));
                }
                _ => {
                    if from_group == Some(g) {
                        cell.metrics.emails_sent += 1;
                        if !hours.contains(at) {
                            cell.after_hours += 1;
                        }
                    }
                    // A recipient in the group: its people are together in
                    // `present` (sorted by group), the sender among them or not.
                    if present[i..].iter().take_while(|&&(h, _)| h == g).any(|&(_, q)| q != from) {
                        cell.metrics.emails_received += 1;
                    }
                }
            }
        }
        link(view, r, kind, member, &present, part, &mut links);
    }
    Tallies { cells, active, external, links }
}

/// A link's people as its matrix cell counts them: a department with
/// itself, its people on either end; two departments, the fewer of the two sides.
fn fewest(link: &Link, same: bool) -> usize {
    if same {
        link.active[0].union(&link.active[1]).count()
    } else {
        link.active[0].len().min(link.active[1].len())
    }
}

/// The department table over the periods of `cuts` (oldest first), and the
/// people of each of its parts (for `hide_cells_with_small_parts`).
pub fn departments(
    view: &View,
    periods: &[CalendarPeriod],
    cuts: &Cuts,
    groups: &Groups,
    min_group_size: u32,
    hours: &WorkingHours,
) -> (AggregateTable, PartPeople) {
    let Tallies { cells, active, external, links } = tally(view, cuts, groups, hours);
    let external = external.counts(cells.len());
    let n = groups.names.len();
    let (by_part, by_period) = count_active(&active, &groups.of, cuts, n);
    let mut rows = Vec::with_capacity(cells.len());
    for (i, cell) in cells.into_iter().enumerate() {
        let (g, pi) = (i / periods.len().max(1), i % periods.len().max(1));
        let people = by_period[g * periods.len() + pi];
        let reason = suppression(people, min_group_size, ROW_WHY);
        let metrics = reason.is_none().then(|| {
            let mut m = cell.metrics;
            m.meeting_minutes = crate::insights::minutes(cell.minutes_s as f64 * 1000.0);
            m.after_hours_share = (m.emails_sent > 0).then(|| {
                ((f64::from(cell.after_hours) / f64::from(m.emails_sent)) * 10_000.0).round() / 10_000.0
            });
            m.external_contacts = Some(external[i]);
            m
        });
        rows.push(AggregateRow {
            group: groups.names[g].clone(),
            period: periods[pi].label.clone(),
            suppressed: reason.is_some(),
            reason,
            metrics: metrics.map(Metrics::Department),
        });
    }

    let mut matrix = Vec::new();
    for a in 0..n {
        for b in a..n {
            for (period, run) in periods.iter().zip(&cuts.runs) {
                // The period's link: its parts' together.
                let mut link = Link::default();
                for l in run.clone().filter_map(|f| links.get(a, b, f)) {
                    link.interactions += l.interactions;
                    for side in 0..2 {
                        link.active[side].extend(l.active[side].iter().copied());
                    }
                }
                let reason = suppression(fewest(&link, a == b), min_group_size, MATRIX_WHY);
                matrix.push(MatrixCell {
                    from: groups.names[a].clone(),
                    to: groups.names[b].clone(),
                    period: period.label.clone(),
                    suppressed: reason.is_some(),
                    interactions: reason.is_none().then_some(link.interactions),
                    reason,
                });
            }
        }
    }

    let people = PartPeople {
        rows: by_part,
        matrix: links.list.iter().map(|&(key, ref link)| (key, fewest(link, key.0 == key.1))).collect(),
    };
    (table(view, "department", periods, min_group_size, groups.names.clone(), rows, matrix), people)
}

/// The matrix's links per pair of departments and part, and the lists
/// `link` reuses from row to row.
struct Links {
    n: usize,
    parts: usize,
    /// Per pair of departments `a ≤ b` and part, one more than where its
    /// link is in `list` (0: none yet). A table's size bounds the pairs and
    /// parts, so a list rather than a hash table keyed by three numbers.
    slot: Vec<u32>,
    list: Vec<((usize, usize, usize), Link)>,
    /// Per person, the link and side they were last added to (`at · 2 +
    /// side`): a person's records mostly follow one another into the same
    /// link, and adding to a set costs more than this look.
    last: Vec<u32>,
    /// Where each group's run of `present` ends.
    ends: Vec<usize>,
    /// The links an e-mail counted already.
    counted: Vec<usize>,
}

impl Links {
    fn new(n: usize, parts: usize, people: usize) -> Links {
        let (slot, last) = (vec![0; n * n * parts], vec![u32::MAX; people]);
        Links { n, parts, slot, list: Vec::new(), last, ends: Vec::new(), counted: Vec::new() }
    }

    fn index(&self, a: usize, b: usize, part: usize) -> usize {
        (a * self.n + b) * self.parts + part
    }

    fn get(&self, a: usize, b: usize, part: usize) -> Option<&Link> {
        let at = self.slot[self.index(a, b, part)];
        (at > 0).then(|| &self.list[at as usize - 1].1)
    }

    /// Where the link of `a ≤ b` in `part` is, made when it is the first.
    fn entry(&mut self, a: usize, b: usize, part: usize) -> usize {
        let i = self.index(a, b, part);
        if self.slot[i] == 0 {
            self.list.push(((a, b, part), Link::default()));
            self.slot[i] = self.list.len() as u32;
        }
        self.slot[i] as usize - 1
    }

    /// Counts an interaction on link `at`.
    fn count(&mut self, at: usize) {
        self.list[at].1.interactions += 1;
    }

    /// Adds `people` to a side of link `at`.
    fn add(&mut self, at: usize, side: usize, people: impl Iterator<Item = PersonKey>) {
        let key = (at * 2 + side) as u32;
        let set = &mut self.list[at].1.active[side];
        for p in people {
            if std::mem::replace(&mut self.last[p.index()], key) != key {
                set.insert(p);
            }
        }
    }
}

/// Adds a row to the collaboration matrix: an e-mail links its sender's
/// group with each recipient's; a meeting links every pair of groups in it
/// (a group with itself when two of its members are there), each group's
/// members present counting on its side. A meeting is read group by group,
/// never attendee pair by attendee pair: a meeting of 2,000 would otherwise
/// make two million pairs.
fn link(
    view: &View,
    r: Row,
    kind: Kind,
    member: &Members,
    present: &[(usize, PersonKey)],
    part: usize,
    links: &mut Links,
) {
    if kind == Kind::Meeting {
        // `present` is sorted by group: one run of members a group.
        let mut ends = std::mem::take(&mut links.ends);
        ends.clear();
        ends.extend((1..=present.len()).filter(|&i| i == present.len() || present[i].0 != present[i - 1].0));
        let run = |k: usize| &present[if k == 0 { 0 } else { ends[k - 1] }..ends[k]];
        for i in 0..ends.len() {
            let xs = run(i);
            let ga = xs[0].0;
            if xs.len() >= 2 {
                // Within a group only the union of both ends counts.
                let at = links.entry(ga, ga, part);
                links.add(at, 0, people(xs));
                links.count(at);
            }
            for k in i + 1..ends.len() {
                let ys = run(k);
                let at = links.entry(ga, ys[0].0, part);
                links.add(at, 0, people(xs));
                links.add(at, 1, people(ys));
                links.count(at);
            }
        }
        links.ends = ends;
        return;
    }
    let from = view.from(r);
    let Some(gs) = member.get(&from) else { return };
    let mut counted = std::mem::take(&mut links.counted);
    counted.clear();
    for &q in view.participants(r) {
        let Some(gq) = member.get(&q) else { continue };
        // The sender's side: the first unless theirs is the later group;
        // within a group one side holds both ends (only their union counts).
        let (a, b, ours, theirs) = match gs.cmp(&gq) {
            std::cmp::Ordering::Less => (gs, gq, 0, 1),
            std::cmp::Ordering::Equal => (gs, gq, 0, 0),
            std::cmp::Ordering::Greater => (gq, gs, 1, 0),
        };
        let at = links.entry(a, b, part);
        links.add(at, theirs, std::iter::once(q));
        // The sender and the e-mail count once a link, however many of
        // its recipients the other side has.
        if !counted.contains(&at) {
            counted.push(at);
            links.add(at, ours, std::iter::once(from));
            links.count(at);
        }
    }
    links.counted = counted;
}

/// The people of a run of `present`.
fn people(run: &[(usize, PersonKey)]) -> impl Iterator<Item = PersonKey> + '_ {
    run.iter().map(|&(_, p)| p)
}
