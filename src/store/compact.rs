//! Compaction: after rows are deleted, the store keeps no string or row
//! that only deleted data carried.

use rustc_hash::FxHashMap;

use super::digest::opt_out_digest;
use super::Store;
use crate::ids::{Interner, NONE};
use crate::model::PersonKey;

impl Store {
    /// Drops everything that only deleted data carried, and renumbers what is
    /// left in its old order: people who opted out (every key of theirs is
    /// remembered as a digest instead), people neither in the directory nor
    /// on a row left (third parties known only through deleted rows), the
    /// names and facts of both, interaction ids that are neither a row's own
    /// nor a reply target of one, and conversation ids no row is in. The
    /// directory's other entries stay: they are the host's configuration.
    pub(super) fn compact(&mut self) {
        let people_n = self.canon.len();
        let mut on_rows = vec![false; people_n];
        for &p in self.rows.from.iter().chain(&self.rows.parts) {
            on_rows[p.index()] = true;
        }
        let mut keys = Interner::default();
        let mut new_key = vec![NONE; people_n];
        let (mut kept, mut kept_bytes) = (0, 0);
        for (k, slot) in new_key.iter_mut().enumerate() {
            let c = self.canon[k].index();
            let person = &self.people[c];
            if person.opted_out {
                self.opted_out_ids.insert(opt_out_digest(self.keys.resolve(k as u32)));
            } else if person.in_directory || on_rows[c] || self.pinned == Some(PersonKey::new(c as u32)) {
                *slot = 0;
                kept += 1;
                kept_bytes += self.keys.resolve(k as u32).len();
            }
        }
        keys.reserve(kept, kept_bytes);
        for (k, slot) in new_key.iter_mut().enumerate() {
            if *slot != NONE {
                *slot = keys.intern(self.keys.resolve(k as u32));
            }
        }
        let mut canon = Vec::with_capacity(kept);
        let mut people = Vec::with_capacity(kept);
        for k in 0..people_n {
            if new_key[k] != NONE {
                canon.push(PersonKey::new(new_key[self.canon[k].index()]));
                people.push(std::mem::take(&mut self.people[k]));
            }
        }
        let mut folded: FxHashMap<PersonKey, Vec<PersonKey>> = FxHashMap::default();
        for (k, &c) in canon.iter().enumerate() {
            if c.index() != k {
                folded.entry(c).or_default().push(PersonKey::new(k as u32));
            }
        }
        self.keys = keys;
        self.canon = canon;
        self.people = people;
        self.folded = folded;
        self.pinned = self.pinned.map(|p| new_key[p.index()]).filter(|&p| p != NONE).map(PersonKey::new);
        let rows = &mut self.rows;
        for p in rows.from.iter_mut().chain(rows.parts.iter_mut()) {
            *p = PersonKey::new(new_key[p.index()]);
        }

        // Interaction ids: each row's own, then the ids rows answer.
        let mut ids = Interner::default();
        let mut new_id = vec![NONE; self.interaction_ids.len()];
        let bytes: usize = rows.id.iter().map(|&i| self.interaction_ids.resolve(i).len()).sum();
        ids.reserve(rows.len(), bytes);
        let targets = rows.reply_to.iter_mut().chain(rows.own_reply_to.iter_mut()).filter(|r| **r != NONE);
        for handle in rows.id.iter_mut().chain(targets) {
            let old = *handle as usize;
            if new_id[old] == NONE {
                new_id[old] = ids.intern(self.interaction_ids.resolve(*handle));
            }
            *handle = new_id[old];
        }
        self.interaction_ids = ids;

        let mut threads = Interner::default();
        let mut new_thread = vec![NONE; self.threads.len()];
        for handle in rows.thread.iter_mut().filter(|t| **t != NONE) {
            let old = *handle as usize;
            if new_thread[old] == NONE {
                new_thread[old] = threads.intern(self.threads.resolve(*handle));
            }
            *handle = new_thread[old];
        }
        self.threads = threads;

        // Message-IDs and conversation indexes rows carry or answer.
        let mut messages = Interner::default();
        let mut new_message = vec![NONE; self.messages.len()];
        let named =
            rows.message.iter_mut().chain(rows.reply_message.iter_mut()).chain(rows.conv_index.iter_mut());
        for handle in named.filter(|m| **m != NONE) {
            let old = *handle as usize;
            if new_message[old] == NONE {
                new_message[old] = messages.intern(self.messages.resolve(*handle));
            }
            *handle = new_message[old];
        }
        self.messages = messages;
        rows.message.shrink_to_fit();
        rows.reply_message.shrink_to_fit();
        rows.conv_index.shrink_to_fit();
        let columns = [&mut rows.id, &mut rows.duration_s, &mut rows.thread, &mut rows.reply_to];
        for column in columns.into_iter().chain([&mut rows.own_reply_to]) {
            column.shrink_to_fit();
        }
        rows.from.shrink_to_fit();
        rows.kind.shrink_to_fit();
        rows.at.shrink_to_fit();
        rows.version.shrink_to_fit();
        rows.inferred.shrink_to_fit();
        rows.part_end.shrink_to_fit();
        rows.parts.shrink_to_fit();
        rows.copied.shrink_to_fit();
        self.opted_out_ids.shrink_to_fit();
        self.reindex_rows();
    }
}
