//! Aggregates per department: e-mails, meetings, after-hours share and
//! external contacts per department and period, and the department ×
//! department collaboration matrix.

use rustc_hash::{FxHashMap, FxHashSet};

use super::periods::CalendarPeriod;
use super::suppression::{suppression, Groups, PartPeople};
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
    active: FxHashSet<PersonKey>,
    external: FxHashSet<PersonKey>,
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
    let mut member: FxHashMap<PersonKey, usize> = FxHashMap::default();
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

/// What the records of `periods` add up to, per department and period
/// (`cells`, group-major) and per pair of departments and period (`links`).
struct Tallies {
    cells: Vec<Tally>,
    links: FxHashMap<(usize, usize, usize), Link>,
}

fn tally(view: &View, periods: &[CalendarPeriod], groups: &Groups, hours: &WorkingHours) -> Tallies {
    let (n, member) = (groups.names.len(), &groups.of);
    let mut cells: Vec<Tally> = (0..n * periods.len()).map(|_| Tally::default()).collect();
    let mut links: FxHashMap<(usize, usize, usize), Link> = FxHashMap::default();
    let first = periods.first().map_or(0, |p| p.start);
    let last = periods.last().map_or(0, |p| p.end);
    let mut present: Vec<(usize, PersonKey)> = Vec::new();
    // `present` is sorted through keys group · 2^32 + person: the same order,
    // by the i64 sort that the response delays (kpis.rs) compile anyway
    // rather than one more sort for pairs (4 KB gzipped).
    let mut keys: Vec<i64> = Vec::new();
    // Reused from row to row: a list allocated a row was a fifth of the time.
    let mut externals: Vec<PersonKey> = Vec::new();
    for r in view.rows() {
        let at = view.at(r);
        if at < first || at >= last {
            continue;
        }
        let kind = view.kind(r);
        if kind == Kind::Call {
            continue;
        }
        let pi = periods.partition_point(|p| p.end <= at);
        let from = view.from(r);
        let everyone = || std::iter::once(from).chain(view.participants(r).iter().copied());
        keys.clear();
        keys.extend(
            everyone().filter_map(|p| member.get(&p).map(|&g| (g as i64) << 32 | i64::from(p.raw()))),
        );
        keys.sort_unstable();
        present.clear();
        present.extend(keys.iter().map(|&k| ((k >> 32) as usize, PersonKey::new(k as u32))));
        externals.clear();
        externals.extend(everyone().filter(|&p| !view.person(p).internal));
        let from_group = member.get(&from).copied();
        let mut seen_group = usize::MAX;
        for (i, &(g, p)) in present.iter().enumerate() {
            let cell = &mut cells[g * periods.len() + pi];
            cell.active.insert(p);
            if g == seen_group {
                continue;
            }
            seen_group = g;
            cell.external.extend(externals.iter().copied());
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
        link(view, r, kind, member, &present, pi, &mut links);
    }
    Tallies { cells, links }
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

/// The people each cell of a table over `parts` would count: per department
/// and part (group-major), and per pair of departments and part.
pub(super) fn department_people(
    view: &View,
    parts: &[CalendarPeriod],
    groups: &Groups,
    hours: &WorkingHours,
) -> PartPeople {
    let t = tally(view, parts, groups, hours);
    PartPeople {
        rows: t.cells.iter().map(|c| c.active.len()).collect(),
        matrix: t.links.iter().map(|(&(a, b, pi), link)| ((a, b, pi), fewest(link, a == b))).collect(),
    }
}

/// The department table over `periods` (oldest first).
pub fn departments(
    view: &View,
    periods: &[CalendarPeriod],
    groups: &Groups,
    min_group_size: u32,
    hours: &WorkingHours,
) -> AggregateTable {
    let Tallies { cells, mut links } = tally(view, periods, groups, hours);
    let n = groups.names.len();
    let mut rows = Vec::with_capacity(cells.len());
    for (i, cell) in cells.into_iter().enumerate() {
        let (g, pi) = (i / periods.len().max(1), i % periods.len().max(1));
        let reason = suppression(cell.active.len(), min_group_size, ROW_WHY);
        let metrics = reason.is_none().then(|| {
            let mut m = cell.metrics;
            m.meeting_minutes = crate::insights::minutes(cell.minutes_s as f64 * 1000.0);
            m.after_hours_share = (m.emails_sent > 0).then(|| {
                ((f64::from(cell.after_hours) / f64::from(m.emails_sent)) * 10_000.0).round() / 10_000.0
            });
            m.external_contacts = Some(cell.external.len() as u32);
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
            for (pi, period) in periods.iter().enumerate() {
                let link = links.remove(&(a, b, pi)).unwrap_or_default();
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

    table(view, "department", periods, min_group_size, groups.names.clone(), rows, matrix)
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
    member: &FxHashMap<PersonKey, usize>,
    present: &[(usize, PersonKey)],
    period: usize,
    links: &mut FxHashMap<(usize, usize, usize), Link>,
) {
    if kind == Kind::Meeting {
        // `present` is sorted by group: one run of members a group.
        let runs: Vec<&[(usize, PersonKey)]> = present.chunk_by(|x, y| x.0 == y.0).collect();
        let people = |run: &[(usize, PersonKey)]| run.iter().map(|&(_, p)| p).collect::<Vec<_>>();
        for (i, xs) in runs.iter().enumerate() {
            let ga = xs[0].0;
            if xs.len() >= 2 {
                // Within a group only the union of both ends counts.
                let l = links.entry((ga, ga, period)).or_default();
                l.active[0].extend(people(xs));
                l.interactions += 1;
            }
            for ys in &runs[i + 1..] {
                let l = links.entry((ga, ys[0].0, period)).or_default();
                l.active[0].extend(people(xs));
                l.active[1].extend(people(ys));
                l.interactions += 1;
            }
        }
        return;
    }
    let mut pairs: Vec<((usize, PersonKey), (usize, PersonKey))> = Vec::new();
    if let Some(&gs) = member.get(&view.from(r)) {
        for &q in view.participants(r) {
            if let Some(&gq) = member.get(&q) {
                pairs.push(((gs, view.from(r)), (gq, q)));
            }
        }
    }
    let mut counted: Vec<(usize, usize, usize)> = Vec::new();
    for ((ga, pa), (gb, pb)) in pairs {
        let (key, sides) = if ga <= gb { ((ga, gb, period), [pa, pb]) } else { ((gb, ga, period), [pb, pa]) };
        let l = links.entry(key).or_default();
        l.active[0].insert(sides[0]);
        l.active[1].insert(sides[1]);
        if !counted.contains(&key) {
            counted.push(key);
            l.interactions += 1;
        }
    }
}
