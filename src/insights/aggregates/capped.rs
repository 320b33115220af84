//! What a noisy table's records add to its capped sums (`CappedSums`, see
//! `noisy` for the caps and why): which records count (a sender's earliest
//! in each period), the groups each counts for, and the seats each person
//! takes among a cell's people, read in time order.

use std::collections::BTreeMap;

use super::noisy::{families, CappedSums, ACCOUNT_PEOPLE, DEPARTMENT_PEOPLE};
use super::periods::{period_of, CalendarPeriod};
use super::question::{Caps, GroupBy, MAX_GROUPS_PER_RECORD};
use super::suppression::{Groups, Members};
use crate::consent::{Row, View};
use crate::model::{Kind, PersonFlags, PersonKey};
use crate::time::WorkingHours;

/// The most records a table copies out at once (see `counted_records`):
/// about 24 MB, where a year of a million interactions copied at once took
/// a hundred megabytes of wasm memory, which never shrinks.
pub(super) const BLOCK: usize = 1 << 18;

/// Whether a table counts the row `r` between `span.0` and `span.1`: no
/// calls, only what the senders `senders` keeps send or organize.
fn counts(view: &View, r: Row, span: (i64, i64), senders: &impl Fn(PersonKey) -> bool) -> bool {
    let at = view.at(r);
    view.kind(r) != Kind::Call && span.0 <= at && at < span.1 && senders(view.from(r))
}

/// The periods in blocks of consecutive periods of at most `limit` records
/// that count (a period with more is a block alone): each block's range.
fn blocks(
    view: &View,
    periods: &[CalendarPeriod],
    senders: &impl Fn(PersonKey) -> bool,
    limit: usize,
) -> Vec<(usize, usize)> {
    let (first, last) = (periods.first().map_or(0, |p| p.start), periods.last().map_or(0, |p| p.end));
    let mut sizes = vec![0usize; periods.len()];
    for r in view.rows().filter(|&r| counts(view, r, (first, last), senders)) {
        sizes[period_of(periods, view.at(r))] += 1;
    }
    let mut blocks = Vec::new();
    let mut start = 0;
    while start < periods.len() {
        let (mut end, mut n) = (start + 1, sizes[start]);
        while end < periods.len() && n + sizes[end] <= limit {
            n += sizes[end];
            end += 1;
        }
        blocks.push((start, end));
        start = end;
    }
    blocks
}

/// Each counted record of the periods `periods[block.0..block.1]`, of the
/// senders `senders` keeps (all, but in a part of a partitioned run), with
/// its period, in time order: at most `records_per_period` per sender (or
/// organizer) and period, the earliest. `used` carries, by sender key, the
/// period of their last record (plus one, 0 for none yet) and how many of
/// theirs it counted, from one block to the next.
fn counted_records(
    view: &View,
    periods: &[CalendarPeriod],
    block: (usize, usize),
    caps: &Caps,
    senders: &impl Fn(PersonKey) -> bool,
    used: &mut Vec<(u32, u32)>,
) -> Counted {
    let (first, last) = (periods[block.0].start, periods[block.1 - 1].end);
    // The block's records, copied out of the columns as they lie (so the
    // columns are read in order), then put in time order by their place in
    // that copy: rows of one instant keep their order, as the rows do.
    let mut window: Vec<Record> = Vec::new();
    let mut parts: Vec<PersonKey> = Vec::new();
    let mut order: Vec<(i64, u32)> = Vec::new();
    for r in view.rows().filter(|&r| counts(view, r, (first, last), senders)) {
        let (kind, from, at) = (view.kind(r), view.from(r), view.at(r));
        order.push((at, window.len() as u32));
        let start = parts.len() as u32;
        parts.extend_from_slice(view.participants(r));
        let (duration_s, parts) = (view.duration_s(r), (start, parts.len() as u32));
        window.push(Record { from, kind, at, duration_s, pi: 0, parts });
    }
    order.sort_unstable();
    // Records come in time order, so a sender's period only moves on.
    let mut records = Vec::new();
    for (at, i) in order {
        let pi = period_of(periods, at);
        let rec = window[i as usize];
        if used.len() <= rec.from.index() {
            used.resize(rec.from.index() + 1, (0, 0));
        }
        let (period, n) = &mut used[rec.from.index()];
        if *period != pi as u32 + 1 {
            (*period, *n) = (pi as u32 + 1, 0);
        }
        *n += 1;
        if *n <= caps.records_per_period {
            records.push(Record { pi: pi as u32, ..rec });
        }
    }
    Counted { records, parts }
}

/// A counted record's fields, copied out of the store's columns: the loop
/// that sums the records reads them in time order, and read from the
/// columns, where records in time order lie scattered, each one waited on
/// memory (its participants were two thirds of `record_groups`' time).
#[derive(Clone, Copy)]
struct Record {
    from: PersonKey,
    kind: Kind,
    at: i64,
    duration_s: u32,
    /// Its period's index in the table.
    pi: u32,
    /// Where its participants lie in `Counted::parts`.
    parts: (u32, u32),
}

/// A block's counted records (see `counted_records`), in time order, and the participants of its records.
struct Counted {
    records: Vec<Record>,
    parts: Vec<PersonKey>,
}

impl Counted {
    /// Each record with its participants.
    fn iter(&self) -> impl Iterator<Item = (&Record, &[PersonKey])> {
        self.records.iter().map(|rec| (rec, &self.parts[rec.parts.0 as usize..rec.parts.1 as usize]))
    }
}

/// The groups a record counts for: the sender's own group first (when it has
/// one), then the others in table order, at most `groups_per_record`. Kept
/// in place, not in a list of its own: a table reads a million records.
fn record_groups(
    rec: &Record,
    parts: &[PersonKey],
    group_of: &Members,
    include_sender: bool,
    caps: &Caps,
) -> RecordGroups {
    let own = group_of.get(&rec.from).filter(|_| include_sender);
    let mut out = RecordGroups { list: [0; MAX_GROUPS_PER_RECORD], len: 0 };
    let cap = (caps.groups_per_record as usize).min(MAX_GROUPS_PER_RECORD);
    if let Some(own) = own.filter(|_| cap > 0) {
        out.list[0] = own;
        out.len = 1;
    }
    // The smallest other groups, in order, without repeats.
    let first = out.len;
    for g in parts.iter().filter_map(|p| group_of.get(p)).filter(|&g| Some(g) != own) {
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

fn capped_minutes(rec: &Record, caps: &Caps) -> u64 {
    (u64::from(rec.duration_s) / 60).min(u64::from(caps.minutes_per_meeting))
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
/// keeps (everyone, but in a part of a partitioned run), copying at most
/// `limit` records at once (see `blocks`; `BLOCK` but in tests).
#[allow(clippy::too_many_arguments)]
pub(super) fn sums_of(
    view: &View,
    by: GroupBy,
    periods: &[CalendarPeriod],
    groups: &Groups,
    hours: &WorkingHours,
    caps: &Caps,
    senders: impl Fn(PersonKey) -> bool,
    limit: usize,
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
    // A byte a person: each record's people are read, and their records lie scattered.
    let flags = view.person_flags();
    let mut used = Vec::new();
    for block in blocks(view, periods, &senders, limit) {
        let counted = counted_records(view, periods, block, caps, &senders, &mut used);
        for (rec, parts) in counted.iter() {
            match by {
                GroupBy::Department => {
                    department_record(rec, parts, &groups.of, hours, caps, &mut sums, &mut people)
                }
                GroupBy::Account => {
                    account_record(rec, parts, &groups.of, &flags, caps, &mut sums, &mut people)
                }
            }
        }
    }
    people.pairs.into_sums(&mut sums);
    sums
}

#[allow(clippy::too_many_arguments)]
fn department_record(
    rec: &Record,
    parts: &[PersonKey],
    member: &Members,
    hours: &WorkingHours,
    caps: &Caps,
    sums: &mut CappedSums,
    people: &mut People,
) {
    let (from, pi) = (rec.from, rec.pi as usize);
    let own = member.get(&from);
    if let Some(o) = own {
        people.seat(sums, from, pi, Seat::Row(o));
    }
    if rec.kind == Kind::Meeting {
        let groups = record_groups(rec, parts, member, true, caps);
        for &g in groups.iter() {
            sums.add(g, pi, 3, 1);
            sums.add(g, pi, 4, capped_minutes(rec, caps));
        }
        for (i, &a) in groups.iter().enumerate() {
            let everyone = std::iter::once(from).chain(parts.iter().copied());
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
        if !hours.contains(rec.at) {
            sums.add(g, pi, 1, 1);
        }
    }
    for &g in record_groups(rec, parts, member, false, caps).iter() {
        sums.add(g, pi, 2, 1);
        if let Some(s) = own {
            let pair = (s.min(g), s.max(g));
            people.pairs.count(pair.0, pair.1, pi);
            people.side(sums, from, pi, s, pair);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn account_record(
    rec: &Record,
    parts: &[PersonKey],
    account_of: &Members,
    flags: &PersonFlags,
    caps: &Caps,
    sums: &mut CappedSums,
    people: &mut People,
) {
    let (from, pi) = (rec.from, rec.pi as usize);
    let internal_from = flags.internal(from);
    if !internal_from && !parts.iter().any(|&p| flags.internal(p)) {
        return;
    }
    // Only people count toward a cell's size (a shared mailbox sends, but is nobody).
    let sender_counts = internal_from && flags.person(from);
    let mut counted = |sums: &mut CappedSums, g: usize| {
        if sender_counts {
            people.seat(sums, from, pi, Seat::Row(g));
        }
    };
    match rec.kind {
        Kind::Meeting => {
            for &g in record_groups(rec, parts, account_of, true, caps).iter() {
                sums.add(g, pi, 2, 1);
                sums.add(g, pi, 3, capped_minutes(rec, caps));
                counted(sums, g);
            }
        }
        _ => {
            if let Some(g) = account_of.get(&from) {
                sums.add(g, pi, 1, 1);
            } else if internal_from {
                for &g in record_groups(rec, parts, account_of, false, caps).iter() {
                    sums.add(g, pi, 0, 1);
                    counted(sums, g);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::accounts::account_groups;
    use super::super::departments::department_groups;
    use super::super::periods::periods;
    use super::*;
    use crate::consent::{Consent, Gate, Retention};
    use crate::demo::{demo_dataset, DemoFormat, DemoOptions};
    use crate::load::{self, LoadOptions};
    use crate::model::Scope;
    use crate::store::Store;
    use crate::time::{Window, DAY_MS};

    #[test]
    fn sums_copied_in_blocks_equal_sums_copied_at_once() {
        // Blocks of one period (a limit of 1) to several: each period's
        // records must reach the sums once, in time order, whatever block
        // holds them.
        let demo = demo_dataset(&DemoOptions { seed: 11, interactions: 6_000, format: DemoFormat::Json });
        let mut store = Store::new(demo.internal_domains.clone());
        load::people::load(&mut store, &demo.people, LoadOptions::default(), &demo.internal_domains).unwrap();
        let retention = Retention { viewer: None, others: true };
        load::load_interactions(&mut store, &demo.interactions, LoadOptions::default(), &retention).unwrap();
        let gate = Gate::new(&store, Consent { aggregated: true, identifiable: false }, None);
        let view = gate.open(Scope::Aggregated).unwrap();
        let now = crate::time::parse_rfc3339(&demo.now).unwrap();
        let hours = WorkingHours::default();
        for monthly in [false, true] {
            let chosen = periods(Window { start: now - 365 * DAY_MS, end: now }, monthly);
            for by in [GroupBy::Department, GroupBy::Account] {
                let groups =
                    if by == GroupBy::Department { department_groups(&view) } else { account_groups(&view) };
                for caps in [
                    Caps::defaults(monthly),
                    Caps { records_per_period: 2, groups_per_record: 1, minutes_per_meeting: 30 },
                ] {
                    let whole = sums_of(&view, by, &chosen, &groups, &hours, &caps, |_| true, usize::MAX);
                    assert!(whole.cells.iter().flatten().sum::<u64>() > 1000, "the demo fills the table");
                    for limit in [1, 37, 400] {
                        let blocks = sums_of(&view, by, &chosen, &groups, &hours, &caps, |_| true, limit);
                        assert_eq!(blocks, whole, "{by:?}, monthly {monthly}, blocks of {limit}");
                    }
                }
            }
        }
    }
}
