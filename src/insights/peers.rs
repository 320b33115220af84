//! The organization's own distribution of activity, against which health
//! scores frequency: for every relationship of one level (each external
//! contact, or each account) the view allows, the times of its counted
//! interactions, so that how many each had in any window is two binary
//! searches. Accounts are grouped as `relationship::summaries` groups them.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::health::Standing;
use super::hits::{merged, ContactHits, Hit};
use crate::consent::View;
use crate::model::PersonKey;
use crate::time::Window;

/// Sorted counts of the active relationships, by window (start, end) and floor.
type CountsByWindow = FxHashMap<(i64, i64, u32), Rc<[u32]>>;

pub struct Peers {
    /// Per relationship, the times of its counted interactions, sorted.
    times: Vec<Vec<i64>>,
    counts: RefCell<CountsByWindow>,
}

/// What every part of a partitioned run contributes to each list line: the
/// peers' times, and the latest interaction of them all.
pub struct Gathered {
    pub times: Vec<Vec<i64>>,
    pub latest: Option<i64>,
}

/// The account key a contact is grouped under: compared case-insensitively.
pub fn account_key(account: &str) -> String {
    account.trim().to_ascii_lowercase()
}

/// The part of a partitioned run that holds external contact `c` and its
/// account: its account key, or its id when it has no account. Every
/// record naming the contact goes there, so its figures are whole there.
pub fn part_key(view: &View, c: PersonKey) -> String {
    view.person(c).account.as_deref().map_or_else(|| view.person_id(c).to_string(), account_key)
}

impl Peers {
    /// Every external contact's (`accounts` false) or every account's
    /// interactions. An account's are the distinct rows counted for any of
    /// its contacts: the rows `sides::classify` counts for the account.
    pub fn build(view: &View, index: &ContactHits, accounts: bool) -> Peers {
        Peers::from_times(Peers::times(view, index, accounts, |_, _| true))
    }

    /// The peers of `times`: per relationship, its counted interactions'
    /// times, sorted (a partitioned run's, gathered from every part).
    pub fn from_times(times: Vec<Vec<i64>>) -> Peers {
        Peers { times, counts: RefCell::default() }
    }

    /// The times `build` reads, of the contacts `keep` keeps (and their
    /// accounts).
    pub fn times(
        view: &View,
        index: &ContactHits,
        accounts: bool,
        keep: impl Fn(&View, PersonKey) -> bool,
    ) -> Vec<Vec<i64>> {
        if accounts {
            let mut by_account: FxHashMap<String, Vec<&[Hit]>> = FxHashMap::default();
            for (c, hits) in index.contacts() {
                if let Some(a) = view.person(c).account.as_ref().filter(|_| keep(view, c)) {
                    by_account.entry(account_key(a)).or_default().push(&hits.list);
                }
            }
            by_account
                .into_values()
                .map(|lists| {
                    // A row several of the account's contacts are on counts once.
                    let mut times = Vec::new();
                    let mut last = None;
                    for (h, _) in merged(&lists) {
                        if last.replace(h.row) != Some(h.row) {
                            times.push(h.at);
                        }
                    }
                    times
                })
                .collect()
        } else {
            let mut keyed: Vec<(PersonKey, Vec<i64>)> = index
                .contacts()
                .filter(|&(c, _)| keep(view, c))
                .map(|(c, hits)| (c, hits.list.iter().map(|h| h.at).collect()))
                .collect();
            keyed.sort_unstable_by_key(|(c, _)| *c);
            keyed.into_iter().map(|(_, t)| t).collect()
        }
    }

    /// The sorted counts of the relationships with at least `floor` interactions in `w`.
    fn active_counts(&self, w: Window, floor: u32) -> Rc<[u32]> {
        if let Some(c) = self.counts.borrow().get(&(w.start, w.end, floor)) {
            return c.clone();
        }
        let mut counts: Vec<u32> = self
            .times
            .iter()
            .map(|t| (t.partition_point(|&at| at <= w.end) - t.partition_point(|&at| at <= w.start)) as u32)
            .filter(|&n| n >= floor)
            .collect();
        counts.sort_unstable();
        let counts: Rc<[u32]> = counts.into();
        self.counts.borrow_mut().insert((w.start, w.end, floor), counts.clone());
        counts
    }

    /// Where a relationship with `count` interactions in `w` stands among
    /// the active ones: those with at least `min_interactions` (and 1).
    pub fn standing(&self, w: Window, count: usize, min_interactions: usize) -> Standing {
        let floor = u32::try_from(min_interactions.max(1)).unwrap_or(u32::MAX);
        Standing::among(&self.active_counts(w, floor), count, floor)
    }
}
