//! Aggregates per department: e-mails, meetings, after-hours share and
//! external contacts per department and period, and the department ×
//! department collaboration matrix.

use rustc_hash::{FxHashMap, FxHashSet};

use super::periods::CalendarPeriod;
use super::suppression::{distinct, suppression, Cuts, Groups, Members, PartPeople};
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
/// group-major) the figures, per department and part (`active`) the people,
/// and per pair of departments and part (`links`) the matrix's.
struct Tallies {
    cells: Vec<Tally>,
    active: Vec<FxHashSet<PersonKey>>,
    links: FxHashMap<(usize, usize, usize), Link>,
}

fn tally(view: &View, cuts: &Cuts, groups: &Groups, hours: &WorkingHours) -> Tallies {
    let (n, member) = (groups.names.len(), &groups.of);
    let (periods, parts) = (cuts.runs.len(), cuts.parts());
    let mut cells: Vec<Tally> = (0..n * periods).map(|_| Tally::default()).collect();
    let mut active: Vec<FxHashSet<PersonKey>> = (0..n * parts).map(|_| FxHashSet::default()).collect();
    let mut present: Vec<(usize, PersonKey)> = Vec::new();
    // `present` is sorted through keys group · 2^32 + person: the same order,
    // by the i64 sort that the response delays (kpis.rs) compile anyway
    // rather than one more sort for pairs (4 KB gzipped).
    let mut keys: Vec<i64> = Vec::new();
    // Reused from row to row: a list allocated a row was a fifth of the time.
    let mut externals: Vec<PersonKey> = Vec::new();
    let mut links = Links::default();
    let flags = view.person_flags();
    for r in view.rows() {
        let at = view.at(r);
        let kind = view.kind(r);
        if kind == Kind::Call {
            continue;
        }
        let Some((part, pi)) = cuts.of(at) else { continue };
        let from = view.from(r);
        let everyone = || std::iter::once(from).chain(view.participants(r).iter().copied());
        keys.clear();
        keys.extend(everyone().filter_map(|p| member.get(&p).map(|g| (g as i64) << 32 | i64::from(p.raw()))));
        keys.sort_unstable();
        present.clear();
        present.extend(keys.iter().map(|&k| ((k >> 32) as usize, PersonKey::new(k as u32))));
        externals.clear();
        externals.extend(everyone().filter(|&p| !flags.internal(p)));
        let from_group = member.get(&from);
        let mut seen_group = usize::MAX;
        for (i, &(g, p)) in present.iter().enumerate() {
            active[g * parts + part].insert(p);
            if g == seen_group {
                continue;
            }
            seen_group = g;
            let cell = &mut cells[g * periods + pi];
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
        link(view, r, kind, member, &present, part, &mut links);
    }
    Tallies { cells, active, links: links.by_pair }
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
    let Tallies { cells, active, links } = tally(view, cuts, groups, hours);
    let n = groups.names.len();
    let parts = cuts.parts();
    let mut rows = Vec::with_capacity(cells.len());
    for (i, cell) in cells.into_iter().enumerate() {
        let (g, pi) = (i / periods.len().max(1), i % periods.len().max(1));
        let people = distinct(cuts.runs[pi].clone().map(|f| &active[g * parts + f]));
        let reason = suppression(people, min_group_size, ROW_WHY);
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
            for (period, run) in periods.iter().zip(&cuts.runs) {
                // The period's link: its parts' together.
                let mut link = Link::default();
                for l in run.clone().filter_map(|f| links.get(&(a, b, f))) {
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
        rows: active.iter().map(FxHashSet::len).collect(),
        matrix: links.iter().map(|(&(a, b, f), link)| ((a, b, f), fewest(link, a == b))).collect(),
    };
    (table(view, "department", periods, min_group_size, groups.names.clone(), rows, matrix), people)
}

/// The matrix's links per pair of departments and part, and the lists
/// `link` reuses from row to row.
#[derive(Default)]
struct Links {
    by_pair: FxHashMap<(usize, usize, usize), Link>,
    /// Where each group's run of `present` ends.
    ends: Vec<usize>,
    /// The links an e-mail counted already.
    counted: Vec<(usize, usize, usize)>,
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
        let (ends, links) = (&mut links.ends, &mut links.by_pair);
        ends.clear();
        ends.extend((1..=present.len()).filter(|&i| i == present.len() || present[i].0 != present[i - 1].0));
        let run = |k: usize| &present[if k == 0 { 0 } else { ends[k - 1] }..ends[k]];
        for i in 0..ends.len() {
            let xs = run(i);
            let ga = xs[0].0;
            if xs.len() >= 2 {
                // Within a group only the union of both ends counts.
                let l = links.entry((ga, ga, part)).or_default();
                l.active[0].extend(people(xs));
                l.interactions += 1;
            }
            for k in i + 1..ends.len() {
                let ys = run(k);
                let l = links.entry((ga, ys[0].0, part)).or_default();
                l.active[0].extend(people(xs));
                l.active[1].extend(people(ys));
                l.interactions += 1;
            }
        }
        return;
    }
    let from = view.from(r);
    let Some(gs) = member.get(&from) else { return };
    let (counted, links) = (&mut links.counted, &mut links.by_pair);
    counted.clear();
    for &q in view.participants(r) {
        let Some(gq) = member.get(&q) else { continue };
        let (key, sides) = if gs <= gq { ((gs, gq, part), [from, q]) } else { ((gq, gs, part), [q, from]) };
        let l = links.entry(key).or_default();
        l.active[0].insert(sides[0]);
        l.active[1].insert(sides[1]);
        if !counted.contains(&key) {
            counted.push(key);
            l.interactions += 1;
        }
    }
}

/// The people of a run of `present`.
fn people(run: &[(usize, PersonKey)]) -> impl Iterator<Item = PersonKey> + '_ {
    run.iter().map(|&(_, p)| p)
}
