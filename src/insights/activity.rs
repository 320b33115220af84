//! The activity list of a relationship (issue 15, point 4): the interactions
//! behind its figures, newest first, paged. It lists exactly the hits that
//! `kpis` counts for the window (same `sides` classification, same `hits`,
//! same reply rule), so every figure can be checked against its rows: the
//! list is the evidence, not a second reading of the data.
//!
//! Paging is by a cursor of the last item returned, its time and its
//! interaction id (`"<RFC 3339> <id>"`): ids are stable across loads,
//! purges and compaction, where row numbers are not. Items are ordered by
//! time, newest first, then by interaction id (descending) among items of
//! the same instant, so a cursor names one place in the order.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::freshness::data_as_of;
use super::hits::{Hit, Hits};
use super::relationship::{target_out, TargetOut};
use super::sides::{rows, Class, Sides, Started, Them};
use super::{minutes, WindowOut};
use crate::consent::{ConsentBasis, View};
use crate::error::{Error, Result};
use crate::model::{Kind, PersonKey, Scope};
use crate::time::{format_rfc3339, parse_rfc3339, Window};

/// Items a page holds unless `limit` says otherwise, and at most.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonOut {
    pub id: String,
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityItem {
    /// The interaction's id as loaded.
    pub id: String,
    /// "email", "meeting" or "call".
    pub kind: &'static str,
    pub at: String,
    /// From our side's view: "sent" (an e-mail of ours with one of them
    /// among its recipients), "received" (an e-mail one of them sent),
    /// "meeting" or "call" (both sides took part).
    pub direction: &'static str,
    /// Which side sent it or set it up: "us", "them" or "neither".
    pub started_by: &'static str,
    /// A meeting's or call's minutes; `null` for an e-mail.
    pub duration_minutes: Option<f64>,
    /// Our people who took part in it (the sender first when ours) and
    /// theirs: sent it, were addressed (`to`) or attended.
    pub us: Vec<PersonOut>,
    pub them: Vec<PersonOut>,
    /// An e-mail that answers one of the other side's: it counts in
    /// `replies` (ours) or `repliesReceived` (theirs).
    pub reply: bool,
    /// For an e-mail: whether the other side answered it within the window
    /// (what `responseRate` and `theirResponseRate` count); `null` for a
    /// meeting or call.
    pub answered: Option<bool>,
    /// When the first such answer came, if any.
    pub answered_at: Option<String>,
    /// People of either side only copied on it (`cc`): on the e-mail, so it
    /// counts for them, but not taking part (breadth leaves them out).
    pub copied: Vec<PersonOut>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub scope: Scope,
    pub target: TargetOut,
    pub window: WindowOut,
    /// Interactions in the window, all pages together: the relationship's
    /// `interactionsUsed` for the same scope and days.
    pub total: usize,
    pub items: Vec<ActivityItem>,
    /// Pass as `before` for the next page; `null` on the last one.
    pub next: Option<String>,
    pub consent_basis: ConsentBasis,
    /// The engine's reference time, and the latest interaction the view
    /// holds at or before it (see `freshness`).
    pub now: String,
    pub data_as_of: Option<String>,
}

/// Where a page starts: strictly after this place in the newest-first order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    /// `None`: every item at `at` is on an earlier page (a bare time).
    pub id: Option<String>,
}

impl Cursor {
    /// `"<RFC 3339 time>"` or `"<RFC 3339 time> <interaction id>"`, as `next` gives it.
    pub fn parse(s: &str) -> Result<Cursor> {
        let bad = |why: String| Error::options("before", why);
        let (time, id) = match s.trim_start().split_once(' ') {
            Some((t, id)) => (t, Some(id.to_string())),
            None => (s, None),
        };
        let at = parse_rfc3339(time).map_err(bad)?;
        Ok(Cursor { at, id })
    }

    /// Whether an item at `at` with `id` comes after the cursor (is older).
    fn passes(&self, at: i64, id: &str) -> bool {
        at < self.at || (at == self.at && self.id.as_deref().is_some_and(|c| id < c))
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Email => "email",
        Kind::Meeting => "meeting",
        Kind::Call => "call",
    }
}

fn direction(c: Class) -> &'static str {
    match c {
        Class::Sent => "sent",
        Class::Received => "received",
        Class::Meeting => "meeting",
        Class::Call => "call",
    }
}

fn started_by(s: Started) -> &'static str {
    match s {
        Started::Us => "us",
        Started::Them => "them",
        Started::Neither => "neither",
    }
}

fn people(view: &View, list: &[PersonKey]) -> Vec<PersonOut> {
    list.iter()
        .map(|&p| PersonOut { id: view.person_id(p).to_string(), name: view.person(p).name.clone() })
        .collect()
}

/// The people of either side on the hit's row who were only copied.
fn copied(view: &View, h: &Hit, sides: &impl Sides) -> Vec<PersonKey> {
    let on_a_side = |p: PersonKey| (sides.is_us(p) || sides.is_them(p)) && view.person(p).is_person();
    view.participants_copied(h.row).filter(|&(p, copied)| copied && on_a_side(p)).map(|(p, _)| p).collect()
}

/// One page of the relationship's activity in `window`.
pub fn activity(
    view: &View,
    them: &Them,
    (window, days): (Window, u32),
    limit: usize,
    before: Option<&Cursor>,
) -> Activity {
    let hits = Hits::of(view, rows(view, them).into_iter(), &(view, them));
    // The hits in the window, as `kpis::tally` slices them.
    let list = &hits.list;
    let start = list.partition_point(|h| h.at <= window.start);
    let end = start + list[start..].partition_point(|h| h.at <= window.end);
    let counted = &list[start..end];
    // First answer to each e-mail, among the counted hits (the reply rule of `kpis`).
    let mut first: FxHashMap<u32, i64> = FxHashMap::default();
    for h in counted {
        if let Some(parent) = h.answers() {
            let t = first.entry(parent).or_insert(i64::MAX);
            *t = (*t).min(h.at);
        }
    }
    let mut order: Vec<(&Hit, &str)> = counted.iter().map(|h| (h, view.interaction_id(h.row))).collect();
    order.sort_unstable_by(|a, b| b.0.at.cmp(&a.0.at).then_with(|| b.1.cmp(a.1)));
    let after: Vec<(&Hit, &str)> =
        order.into_iter().filter(|(h, id)| before.is_none_or(|c| c.passes(h.at, id))).collect();
    let page = &after[..after.len().min(limit)];
    let items: Vec<ActivityItem> = page
        .iter()
        .map(|&(h, id)| {
            let email = matches!(h.class, Class::Sent | Class::Received);
            let answered_at = first.get(&(h.row.index() as u32)).copied();
            ActivityItem {
                id: id.to_string(),
                kind: kind_name(view.kind(h.row)),
                at: format_rfc3339(h.at),
                direction: direction(h.class),
                started_by: started_by(h.started),
                duration_minutes: (!email).then(|| minutes(f64::from(h.duration_s()) * 1000.0)),
                us: people(view, hits.us(h)),
                them: people(view, hits.them(h)),
                reply: h.answers().is_some(),
                answered: email.then_some(answered_at.is_some()),
                answered_at: answered_at.map(format_rfc3339),
                copied: people(view, &copied(view, h, &(view, them))),
            }
        })
        .collect();
    let next = (after.len() > page.len())
        .then(|| page.last().map(|(h, id)| format!("{} {id}", format_rfc3339(h.at))))
        .flatten();
    Activity {
        scope: view.scope(),
        target: target_out(view, them),
        window: WindowOut::new(window, days),
        total: counted.len(),
        items,
        next,
        consent_basis: view.basis(),
        now: format_rfc3339(window.end),
        data_as_of: data_as_of(view, window.end),
    }
}
