//! Insights: each reads rows only through a consent [`View`](crate::consent::View)
//! and returns a result tagged with that view's scope. `sides` says how a
//! row counts between the two sides of a relationship; `hits` lists the rows
//! that count; `kpis` tallies them; `relationship`, `own`, `who_knows_whom`
//! and `paths` (over the `network`) are the results; `health` scores a
//! relationship; `aggregates` are the anonymized tables; `activity` lists
//! the rows behind a relationship's figures; `freshness` says how recent
//! the data each result read is.

pub mod activity;
pub mod aggregates;
pub mod freshness;
pub mod health;
pub mod hits;
pub mod kpis;
pub mod network;
pub mod next_step;
pub mod own;
pub mod paths;
pub mod peers;
pub mod relationship;
pub mod sides;
pub mod who_knows_whom;

#[cfg(test)]
mod index_tests;

use serde::Serialize;

use crate::time::{format_rfc3339, Window};

/// The window a result covers, as RFC 3339 UTC times: `(start, end]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WindowOut {
    pub start: String,
    pub end: String,
    pub days: u32,
}

impl WindowOut {
    pub fn new(w: Window, days: u32) -> WindowOut {
        WindowOut { start: format_rfc3339(w.start), end: format_rfc3339(w.end), days }
    }
}

/// Minutes from milliseconds, to the hundredth: figures are shown, not summed further.
pub fn minutes(ms: f64) -> f64 {
    (ms / 600.0).round() / 100.0
}
