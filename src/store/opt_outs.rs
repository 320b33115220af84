//! Opt-outs as the store remembers them once their data is gone: one-way
//! digests of every id and alias of an opted-out person, never the text.

use super::digest::{opt_out_digest, OptOutDigest};
use super::Store;
use rustc_hash::FxHashSet;

impl Store {
    /// Whether `id` (normalised) is an id or alias of someone who opted out
    /// and is no longer held: what a load checks of every id new to the store.
    pub fn is_opted_out_id(&self, id: &str) -> bool {
        !self.opted_out_ids.is_empty() && self.opted_out_ids.contains(&opt_out_digest(id))
    }

    /// Whether any opted-out id is remembered (when none is, a load skips the digests).
    pub fn has_opted_out_ids(&self) -> bool {
        !self.opted_out_ids.is_empty()
    }

    /// Remembers an opted-out id that the store does not hold (yet).
    pub fn remember_opt_out(&mut self, id: &str) {
        self.opted_out_ids.insert(opt_out_digest(id));
    }

    /// Remembers opted-out digests from elsewhere (another engine's
    /// `export_opt_outs`) and opts out every person held under an id or alias
    /// one of them matches, as [`Store::reindex_people`] does for `opt_out`.
    /// Whether anything changed.
    pub fn import_opt_outs(&mut self, digests: FxHashSet<OptOutDigest>) -> bool {
        let fresh: FxHashSet<OptOutDigest> =
            digests.into_iter().filter(|d| !self.opted_out_ids.contains(d)).collect();
        if fresh.is_empty() {
            return false;
        }
        let mut held = false;
        for k in 0..self.canon.len() {
            if fresh.contains(&opt_out_digest(self.keys.resolve(k as u32))) {
                let c = self.canon[k].index();
                self.people[c].opted_out = true;
                held = true;
            }
        }
        self.opted_out_ids.extend(fresh);
        if held {
            self.reindex_people();
        }
        true
    }
}
