//! Suppression in exact tables: the reason a cell of too few people is
//! hidden, the groups a table counts people in, the parts its periods are
//! runs of, the check that hides every cell with a small part (a month minus
//! the weeks inside it must not give a few days away), and the bound on a
//! table's size.

use std::cell::Cell;
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

use super::periods::{period_of, CalendarPeriod};
use super::question::GroupBy;
use super::table::AggregateTable;
use crate::error::{Error, Result};
use crate::model::PersonKey;

/// The reason a cell of `people` people is suppressed, if it is.
pub(crate) fn suppression(people: usize, min: u32, what: &str) -> Option<String> {
    (people < min as usize).then(|| format!("fewer than {min} people active {what}"))
}

/// The groups of a table in name order, and each member's group.
pub(super) struct Groups {
    pub names: Vec<String>,
    pub of: Members,
    /// Display names of `names` (an account's `accountName`), in their order.
    pub display: Vec<Option<String>>,
}

/// Each member's group, by person key: looked up for every participant of
/// every record, so a list as long as the people rather than a hash table.
#[derive(Default)]
pub(super) struct Members(Vec<u32>);

impl Members {
    pub fn insert(&mut self, p: PersonKey, group: usize) {
        if self.0.len() <= p.index() {
            self.0.resize(p.index() + 1, u32::MAX);
        }
        self.0[p.index()] = group as u32;
    }

    pub fn get(&self, p: &PersonKey) -> Option<usize> {
        self.0.get(p.index()).filter(|&&g| g != u32::MAX).map(|&g| g as usize)
    }

    /// One more than the highest key of a member.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// The people a table over parts would count in each cell: per group and
/// part (group-major), and per pair of groups and part (absent: nobody).
pub(super) struct PartPeople {
    pub rows: Vec<usize>,
    pub matrix: FxHashMap<(usize, usize, usize), usize>,
}

/// The parts a table's periods are runs of. A table is tallied once, by
/// part: each part's people are what the check of small parts reads, and a
/// period's are the union of its parts' (a record lies in one part, and
/// that part in one period), so the records are not read twice.
pub(super) struct Cuts<'p> {
    parts: &'p [CalendarPeriod],
    /// The period each part lies in.
    period_of: Vec<usize>,
    /// The parts of each period.
    pub runs: Vec<Range<usize>>,
    /// The part `of` found last: records come mostly in time order, so
    /// the next one is most often in the same part.
    last: Cell<usize>,
}

impl<'p> Cuts<'p> {
    pub fn new(periods: &[CalendarPeriod], parts: &'p [CalendarPeriod]) -> Cuts<'p> {
        let runs: Vec<Range<usize>> = periods
            .iter()
            .map(|p| parts.partition_point(|f| f.start < p.start)..parts.partition_point(|f| f.start < p.end))
            .collect();
        let mut period_of = vec![0; parts.len()];
        for (pi, run) in runs.iter().enumerate() {
            period_of[run.clone()].fill(pi);
        }
        Cuts { parts, period_of, runs, last: Cell::new(0) }
    }

    pub fn parts(&self) -> usize {
        self.parts.len()
    }

    /// The part and the period a time lies in, if the table spans it.
    pub fn of(&self, at: i64) -> Option<(usize, usize)> {
        let (first, last) = (self.parts.first()?, self.parts.last()?);
        if at < first.start || at >= last.end {
            return None;
        }
        let last = self.last.get();
        let part = match self.parts.get(last) {
            Some(f) if f.start <= at && at < f.end => last,
            _ => period_of(self.parts, at),
        };
        self.last.set(part);
        Some((part, self.period_of[part]))
    }

    /// The period part `f` lies in.
    pub fn period_of(&self, f: usize) -> usize {
        self.period_of[f]
    }
}

/// How many distinct people `sets` (a period's parts' people) hold together.
pub(super) fn distinct<'a>(sets: impl Iterator<Item = &'a FxHashSet<PersonKey>>) -> usize {
    let mut sets = sets.filter(|s| !s.is_empty());
    let Some(first) = sets.next() else { return 0 };
    let mut all: Option<FxHashSet<PersonKey>> = None;
    for s in sets {
        all.get_or_insert_with(|| first.iter().copied().collect()).extend(s.iter().copied());
    }
    all.map_or(first.len(), |all| all.len())
}

/// Suppresses every shown cell with a part that some, but fewer than
/// `min`, people were active in: otherwise cells of other tables that share
/// the rest of its days (a month minus the weeks inside it, a week minus the
/// month after it) would give that part away. A part nobody was active in
/// adds nothing to any figure, so it hides nothing.
pub(super) fn hide_cells_with_small_parts(
    table: &mut AggregateTable,
    cuts: &Cuts,
    people: &PartPeople,
    min: u32,
    why: (&str, &str),
) {
    let small = |n: usize| n > 0 && n < min as usize;
    let runs = &cuts.runs;
    let np = runs.len().max(1);
    for (i, row) in table.rows.iter_mut().enumerate() {
        let base = (i / np) * cuts.parts();
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
            for run in runs {
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
pub(super) fn check_size(by: GroupBy, groups: usize, periods: usize, parts: usize) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
