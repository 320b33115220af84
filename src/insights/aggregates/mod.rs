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
//! - weeks and months cut time into parts (the days a week shares with a
//!   month); every cell is a union of whole parts, so every sum and
//!   difference of cells, of any tables, is a sum and difference of parts.
//!   A cell is shown only if each of its parts had no activity at all or at
//!   least `minGroupSize` people (counted as the cell counts them): no
//!   combination of shown cells isolates fewer people than that;
//! - no totals, margins or counts of the data beside the cells, so no
//!   suppressed cell can be computed from what surrounds it;
//! - a table has at most `MAX_CELLS` cells, refused before any is built.

mod accounts;
mod capped;
mod departments;
pub mod noisy;
pub use noisy::CappedSums;
mod periods;
mod person_bits;
mod question;
mod suppression;
mod table;

use accounts::account_groups;
use accounts::accounts;
/// Scores engagement across a whole table: `partition::merge` runs it once
/// every account's cells are in.
pub use accounts::score_engagement;
use departments::{department_groups, departments};
use suppression::{check_size, hide_cells_with_small_parts, Cuts, Groups};

pub use periods::{parts, periods, CalendarPeriod};
pub use question::{AggregatesRequest, Caps, GroupBy, Noise, Period, Question};
pub use suppression::MAX_CELLS;
pub use table::{
    AccountMetrics, AggregateRow, AggregateTable, DepartmentMetrics, MatrixCell, Metrics, NoiseReport,
};

use crate::consent::View;
use crate::error::Result;
use crate::model::PersonKey;
use crate::privacy::budget::Epsilon;
use crate::privacy::noise::NoiseSource;
use crate::time::WorkingHours;

/// The table of SPEC 3.4 for every whole week or month overlapping the
/// window: built, then every cell with a small part hidden, then (by
/// account) engagement scored among the shown cells.
pub fn aggregate(view: &View, q: &Question) -> Result<AggregateTable> {
    let chosen = q.periods();
    let parts = parts(&chosen);
    let groups = groups(view, q.by);
    check_size(q.by, groups.names.len(), chosen.len(), parts.len())?;
    let cuts = Cuts::new(&chosen, &parts);
    let ((mut table, people), why) = match q.by {
        GroupBy::Department => (
            departments(view, &chosen, &cuts, &groups, q.min_group_size, q.hours),
            (departments::ROW_WHY, departments::MATRIX_WHY),
        ),
        GroupBy::Account => {
            (accounts(view, &chosen, &cuts, &groups, q.min_group_size), (accounts::ROW_WHY, ""))
        }
    };
    hide_cells_with_small_parts(&mut table, &cuts, &people, q.min_group_size, why);
    if q.by == GroupBy::Account {
        score_engagement(&mut table);
    }
    Ok(table)
}

/// The table of `aggregate` with noise instead of suppression by exact
/// counts: every figure, and whether a cell is shown, comes from noisy
/// capped sums (`noisy` says how): those of `view`'s records, or `given`
/// (a partitioned run's, added up from its parts).
pub fn noisy_aggregate(
    view: &View,
    q: &Question,
    epsilon: Epsilon,
    caps: &Caps,
    noise: &mut NoiseSource,
    given: Option<&CappedSums>,
) -> Result<AggregateTable> {
    let chosen = q.periods();
    let groups = groups(view, q.by);
    check_size(q.by, groups.names.len(), chosen.len(), 0)?;
    let own;
    let sums = match given {
        Some(sums) => sums,
        None => {
            own = capped::sums_of(view, q.by, &chosen, &groups, q.hours, caps, |_| true, capped::BLOCK);
            &own
        }
    };
    noisy::noisy_table(view, q, &chosen, &groups, epsilon, caps, noise, sums)
}

/// The capped sums a noisy table of `q` adds noise to, of the records sent
/// or organized by the people `senders` keeps, with the table's groups
/// (which the parts of a partitioned run must agree on).
pub fn partial_sums(
    view: &View,
    q: &Question,
    caps: &Caps,
    senders: &dyn Fn(PersonKey) -> bool,
) -> Result<(Vec<String>, CappedSums)> {
    let chosen = q.periods();
    let groups = groups(view, q.by);
    check_size(q.by, groups.names.len(), chosen.len(), 0)?;
    let sums = capped::sums_of(view, q.by, &chosen, &groups, q.hours, caps, senders, capped::BLOCK);
    Ok((groups.names, sums))
}

/// The capped sums of a noisy table of `by` over `periods`, before noise:
/// what the noise tests check the caps against.
pub fn capped_sums(
    view: &View,
    by: GroupBy,
    periods: &[CalendarPeriod],
    hours: &WorkingHours,
    caps: &Caps,
) -> CappedSums {
    capped::sums_of(view, by, periods, &groups(view, by), hours, caps, |_| true, capped::BLOCK)
}

/// The groups of a table: the directory's departments, or its accounts.
fn groups(view: &View, by: GroupBy) -> Groups {
    match by {
        GroupBy::Department => department_groups(view),
        GroupBy::Account => account_groups(view),
    }
}
