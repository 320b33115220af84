//! Data freshness (issue 15, point 6): every result states the `now` it was
//! computed at and `dataAsOf`, the time of the latest interaction it read,
//! so a page can say "data as of March 6, 9 months old".
//!
//! "Read" means the rows of the consent view the result was computed from,
//! at or before `now`: the viewer's own rows under `own`, every held row
//! under `identifiable`. Not only the rows that counted: a quiet
//! relationship is not stale data, and `lastInteractionAt` already says
//! when it was last active. Rows after `now` (meetings planned) are left
//! out: they say nothing of how recent the loaded data is.
//!
//! An aggregate table states less, since the exact time of the latest row
//! could be a suppressed cell's (the only department with data in the last
//! days): its `dataAsOf` is the start of the latest period in which a shown
//! cell has any activity, read from the published table alone, so it tells
//! nothing the table does not (and, with noise, is post-processing).

use super::aggregates::{AggregateTable, CalendarPeriod, Metrics};
use crate::consent::View;
use crate::time::format_rfc3339;

/// The latest interaction the view holds at or before `now`, as RFC 3339.
pub fn data_as_of(view: &View, now: i64) -> Option<String> {
    view.latest_at_or_before(now).map(format_rfc3339)
}

/// Whether a shown row or matrix cell has any activity.
fn active(m: &Metrics) -> bool {
    match m {
        Metrics::Department(d) => d.emails_sent + d.emails_received + d.meetings > 0,
        Metrics::Account(a) => a.emails_to + a.emails_from + a.meetings > 0,
    }
}

/// The start of the latest of `periods` (the table's, in its order) in
/// which a shown cell of `table` has activity.
pub fn table_data_as_of(table: &AggregateTable, periods: &[CalendarPeriod]) -> Option<String> {
    let shown_rows = table
        .rows
        .iter()
        .filter(|r| !r.suppressed && r.metrics.as_ref().is_some_and(active))
        .map(|r| r.period.as_str());
    let shown_cells = table
        .matrix
        .iter()
        .filter(|c| !c.suppressed && c.interactions.is_some_and(|n| n > 0))
        .map(|c| c.period.as_str());
    let latest = shown_rows
        .chain(shown_cells)
        .filter_map(|label| periods.iter().find(|p| p.label == label))
        .map(|p| p.start)
        .max();
    latest.map(format_rfc3339)
}
