//! What the engine holds: people keyed by interned ids (with aliases folded
//! into one canonical person), interactions in compact columns, and the
//! indexes built as rows arrive. Nothing here decides who may read what: that
//! is `consent`'s job. Deleting rows (a purge, an opt-out) compacts the store:
//! no string or row derived only from deleted data stays behind, and
//! opted-out people are remembered only as one-way digests of their ids.

mod columns;
mod compact;
mod conversation_index;
mod crc32;
mod digest;
pub mod interned;
mod messages;
mod opt_outs;
pub mod snapshot;
pub(crate) mod threads;

pub use columns::{Columns, Interned, NewRow, NO_VERSION};
pub use conversation_index::{parent_index, INDEX_CHILD, INDEX_HEADER};
pub use digest::OptOutDigest;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::ids::{Interner, NONE};
use crate::model::{domain_of, is_internal_domain, Kind, Person, PersonKey};

#[derive(Clone, Default)]
pub struct Store {
    internal_domains: Vec<String>,
    keys: Interner,
    /// Key → canonical person key (itself unless the key is an alias).
    canon: Vec<PersonKey>,
    /// Canonical person → the other keys folded into them, so that folding a
    /// person into another rewrites only their keys, not every key.
    folded: FxHashMap<PersonKey, Vec<PersonKey>>,
    /// Indexed by key; meaningful where the key is canonical.
    people: Vec<Person>,
    interaction_ids: Interner,
    threads: Interner,
    rows: Columns,
    /// Interned interaction id → row, or `NONE` when not stored.
    row_of_id: Vec<u32>,
    /// Canonical person → rows they send or take part in, oldest first
    /// (ties in row order), so that a time window is a slice of it.
    by_person: Vec<Vec<u32>>,
    /// People whose list got a row out of time order since it was last
    /// sorted; each listed once (see `sorted_len`).
    unsorted: Vec<PersonKey>,
    /// By person: how long their list's time-ordered start is, if they are
    /// in `unsorted` (`IN_ORDER` otherwise): only the rest is sorted, then
    /// merged in.
    sorted_len: Vec<u32>,
    /// Conversation handle → its last stored e-mail row; with `thread_prev`
    /// (row → the e-mail before it in its conversation, or `NONE`) a chain
    /// through each conversation, so that a Graph page reads only its own.
    thread_last: Vec<u32>,
    thread_prev: Vec<u32>,
    /// Message-IDs and conversation indexes of rows (see [`Columns::message`]).
    messages: Interner,
    /// Message-ID handle → its first stored row; with `message_next` (row →
    /// the next row of the same Message-ID, or `NONE`) every row claiming it.
    message_first: Vec<u32>,
    message_next: Vec<u32>,
    /// Every id and alias of every opted-out person, as digests only.
    opted_out_ids: FxHashSet<OptOutDigest>,
    /// The signed-in user: kept through compaction even with no row.
    pinned: Option<PersonKey>,
}

impl Store {
    pub fn new(internal_domains: Vec<String>) -> Store {
        Store { internal_domains, ..Store::default() }
    }

    /// The columns to alter, for tests of what reading a snapshot refuses.
    #[cfg(test)]
    pub(crate) fn rows_mut(&mut self) -> &mut Columns {
        &mut self.rows
    }

    pub fn rows(&self) -> &Columns {
        &self.rows
    }

    /// The canonical person for a normalised id, if the engine has seen it.
    pub fn lookup(&self, id: &str) -> Option<PersonKey> {
        self.keys.get(id).map(|k| self.canon[k as usize])
    }

    /// The canonical person for a normalised id, created (with facts inferred
    /// from the id's domain) when it is new.
    pub fn person_key(&mut self, id: &str) -> PersonKey {
        let k = self.keys.intern(id);
        if k as usize == self.canon.len() {
            let domain = domain_of(id);
            let internal = domain.is_some_and(|d| is_internal_domain(d, &self.internal_domains));
            self.canon.push(PersonKey::new(k));
            self.people.push(Person {
                internal,
                account: if internal { None } else { domain.map(str::to_string) },
                ..Person::default()
            });
            self.by_person.push(Vec::new());
            self.sorted_len.push(IN_ORDER);
        }
        self.canon[k as usize]
    }

    /// Makes `id` the signed-in user, a member of the organization by
    /// definition, kept even while no row names them; unless they opted out.
    pub fn pin_viewer(&mut self, id: &str) {
        self.pinned = None;
        if self.is_opted_out_id(id) {
            return;
        }
        let known = self.lookup(id).is_some();
        let p = self.person_key(id);
        if !known {
            self.people[p.index()].internal = true;
            self.people[p.index()].account = None;
        }
        self.pinned = Some(p);
    }

    /// How many person keys there are, canonical or not.
    pub fn person_slots(&self) -> usize {
        self.people.len()
    }

    pub fn person(&self, p: PersonKey) -> &Person {
        &self.people[p.index()]
    }

    pub fn person_mut(&mut self, p: PersonKey) -> &mut Person {
        &mut self.people[p.index()]
    }

    /// The id a person is known by (their canonical, normalised id).
    pub fn person_id(&self, p: PersonKey) -> &str {
        self.keys.resolve(p.raw())
    }

    pub fn is_canonical(&self, k: PersonKey) -> bool {
        self.canon[k.index()] == k
    }

    /// Whether `alias` may be folded into `person`: new, already theirs, or a
    /// person seen only in interactions (never listed in the directory).
    pub fn alias_conflict(&self, alias: &str, person: Option<PersonKey>) -> bool {
        match self.lookup(alias) {
            None => false,
            Some(a) if Some(a) == person => false,
            Some(a) => self.people[a.index()].in_directory,
        }
    }

    /// Makes `alias` another key of `person`. Rows are not rewritten here:
    /// call [`Store::reindex_people`] once a batch of aliases is in.
    pub fn add_alias(&mut self, alias: &str, person: PersonKey) {
        let a = self.keys.intern(alias);
        if a as usize == self.canon.len() {
            self.canon.push(person);
            self.people.push(Person::default());
            self.by_person.push(Vec::new());
            self.sorted_len.push(IN_ORDER);
            self.folded.entry(person).or_default().push(PersonKey::new(a));
            return;
        }
        let old = self.canon[a as usize];
        if old != person {
            // Opting out any address of a person opts out the person.
            if self.people[old.index()].opted_out {
                self.people[person.index()].opted_out = true;
            }
            let mut moved = self.folded.remove(&old).unwrap_or_default();
            moved.push(old);
            for &k in &moved {
                self.canon[k.index()] = person;
            }
            self.folded.entry(person).or_default().extend(moved);
        }
    }

    /// Makes room for `n` more interactions with about `parts` participants
    /// and `id_bytes` bytes of ids in all.
    pub fn reserve(&mut self, n: usize, parts: usize, id_bytes: usize) {
        self.interaction_ids.reserve(n, id_bytes);
        self.row_of_id.reserve(n);
        let c = &mut self.rows;
        c.id.reserve(n);
        c.kind.reserve(n);
        c.from.reserve(n);
        c.at.reserve(n);
        c.duration_s.reserve(n);
        c.thread.reserve(n);
        c.reply_to.reserve(n);
        c.inferred.reserve(n);
        c.own_reply_to.reserve(n);
        c.version.reserve(n);
        c.part_end.reserve(n);
        c.message.reserve(n);
        c.reply_message.reserve(n);
        c.conv_index.reserve(n);
        self.thread_prev.reserve(n);
        self.message_next.reserve(n);
        c.parts.reserve(parts);
        c.copied.reserve(parts);
    }

    pub fn contains_interaction(&self, id: &str) -> bool {
        self.row_of(id).is_some()
    }

    /// The stored row of an interaction id.
    pub fn row_of(&self, id: &str) -> Option<usize> {
        let i = self.interaction_ids.get(id)?;
        let row = *self.row_of_id.get(i as usize)?;
        (row != NONE).then_some(row as usize)
    }

    /// The id a row's `reply_to` names as given (not inferred), if any.
    pub fn given_reply_to(&self, row: usize) -> Option<&str> {
        let r = self.rows.reply_to[row];
        (!self.rows.inferred[row] && r != NONE).then(|| self.interaction_ids.resolve(r))
    }

    /// Raises the version of a stored row (an identical copy of a later version).
    pub fn set_version(&mut self, row: usize, version: i64) {
        self.rows.version[row] = version;
    }

    pub fn interaction_id(&self, row: usize) -> &str {
        self.interaction_ids.resolve(self.rows.id[row])
    }

    /// The stored row of the interaction `row` answers, if it is stored.
    pub fn reply_parent(&self, row: usize) -> Option<usize> {
        self.reply_parent_in(row, false)
    }

    /// [`Store::reply_parent`]; `own`: as read among the viewer's own rows
    /// (an inferred reply answers the viewer's previous row of the
    /// conversation there, see [`Columns::own_reply_to`]).
    pub fn reply_parent_in(&self, row: usize, own: bool) -> Option<usize> {
        let c = &self.rows;
        let r = if own && c.inferred[row] { c.own_reply_to[row] } else { c.reply_to[row] };
        if r == NONE {
            return self.message_parent(row);
        }
        let parent = self.row_of_id.get(r as usize).copied().unwrap_or(NONE);
        if parent != NONE {
            return Some(parent as usize);
        }
        self.message_parent(row)
    }

    pub fn thread_id(&self, row: usize) -> Option<&str> {
        let t = self.rows.thread[row];
        (t != NONE).then(|| self.threads.resolve(t))
    }

    /// The handle of a conversation id in the `thread` column, if it is stored.
    pub fn thread_key(&self, thread: &str) -> Option<u32> {
        self.threads.get(thread)
    }

    /// Stores a row whose reply is given, not inferred.
    pub fn push(&mut self, new: NewRow<'_>) {
        let interned = self.intern_row(new.id, new.reply_to, new.thread);
        self.push_interned(new, false, interned);
    }

    /// Stores a row, its strings interned already (by [`Store::intern_row`]
    /// or [`Store::intern_rows`]); `inferred_reply`: its `reply_to` was
    /// worked out from its conversation's order (see [`Columns::inferred`]).
    pub fn push_interned(&mut self, new: NewRow<'_>, inferred_reply: bool, interned: Interned) {
        let Interned { id, reply_to, thread } = interned;
        let row = self.rows.len() as u32;
        self.row_of_id.resize(self.interaction_ids.len(), NONE);
        self.row_of_id[id as usize] = row;
        self.thread_last.resize(self.threads.len(), NONE);
        let prev = match thread {
            NONE => NONE,
            _ if new.kind != Kind::Email => NONE,
            t => std::mem::replace(&mut self.thread_last[t as usize], row),
        };
        self.thread_prev.push(prev);
        let c = &mut self.rows;
        c.id.push(id);
        c.kind.push(new.kind);
        c.from.push(new.from);
        c.at.push(new.at);
        c.duration_s.push(new.duration_s);
        c.thread.push(thread);
        c.reply_to.push(reply_to);
        c.inferred.push(inferred_reply);
        c.own_reply_to.push(NONE);
        let mut handle = |m: Option<&str>| m.map_or(NONE, |m| self.messages.intern(m));
        let (message, reply_message, conv_index) =
            (handle(new.message), handle(new.reply_message), handle(new.conv_index));
        c.message.push(message);
        c.reply_message.push(reply_message);
        c.conv_index.push(conv_index);
        self.message_first.resize(self.messages.len(), NONE);
        self.message_next.push(NONE);
        if message != NONE {
            self.chain_message(row, message);
        }
        let c = &mut self.rows;
        c.version.push(new.version);
        c.parts.extend_from_slice(new.parts);
        c.copied.extend((0..new.parts.len()).map(|i| new.copied.get(i) == Some(&true)));
        c.part_end.push(c.parts.len() as u32);
        for p in std::iter::once(new.from).chain(new.parts.iter().copied()) {
            let list = &mut self.by_person[p.index()];
            let sorted = &mut self.sorted_len[p.index()];
            if *sorted == IN_ORDER && list.last().is_some_and(|&last| self.rows.at[last as usize] > new.at) {
                *sorted = list.len() as u32;
                self.unsorted.push(p);
            }
            list.push(row);
        }
    }

    /// Puts back in time order the lists that rows arrived in out of order:
    /// once after each load, so that queries find a window by binary search.
    pub fn sort_people_rows(&mut self) {
        let at = &self.rows.at;
        for p in self.unsorted.drain(..) {
            let sorted = std::mem::replace(&mut self.sorted_len[p.index()], IN_ORDER);
            by_time(&mut self.by_person[p.index()], at, sorted as usize);
        }
    }

    /// Rows a (canonical) person sends or takes part in, oldest first.
    pub fn rows_of(&self, p: PersonKey) -> &[u32] {
        &self.by_person[p.index()]
    }

    /// Every canonical person, in key order (which is load history: results
    /// order people by id or figures, never by this).
    pub fn people(&self) -> impl Iterator<Item = PersonKey> + '_ {
        (0..self.canon.len() as u32).map(PersonKey::new).filter(|&k| self.canon[k.index()] == k)
    }

    /// Rewrites every row after aliases were folded in or people opted out:
    /// persons become canonical, opted-out people disappear (rows they sent
    /// are dropped, they leave the participants of the others), and a row left
    /// with no participant is dropped (SPEC 4.3). Then compacts: see [`Store::compact`].
    pub fn reindex_people(&mut self) {
        let target: Vec<Option<PersonKey>> =
            self.canon.iter().map(|&c| (!self.people[c.index()].opted_out).then_some(c)).collect();
        self.rebuild(|_, _| true, |k| target[k.index()], &FxHashMap::default());
    }

    /// Keeps only the rows for which `keep(columns, row)` holds, then compacts.
    pub fn retain_rows(&mut self, keep: impl FnMut(&Columns, usize) -> bool) {
        self.rebuild(keep, Some, &FxHashMap::default());
    }

    /// Gives rows new participants (canonical, opted-in, without the sender
    /// or repeats, not empty; each with whether they were only copied), then
    /// compacts: a person only the old lists named leaves no trace.
    pub fn rewrite_participants(&mut self, lists: &FxHashMap<u32, Vec<(PersonKey, bool)>>) {
        if !lists.is_empty() {
            self.rebuild(|_, _| true, Some, lists);
        }
    }

    fn rebuild(
        &mut self,
        mut keep: impl FnMut(&Columns, usize) -> bool,
        map: impl Fn(PersonKey) -> Option<PersonKey>,
        lists: &FxHashMap<u32, Vec<(PersonKey, bool)>>,
    ) {
        let old = std::mem::take(&mut self.rows);
        let mut new = Columns::default();
        let mut parts: Vec<(PersonKey, bool)> = Vec::new();
        // People on a deleted row: a name learned from items may have come
        // from that row, so it goes with it (strings derived from deleted
        // data do not stay; the next item that names them names them again).
        let mut lost_a_row = vec![false; self.canon.len()];
        for row in 0..old.len() {
            let from = if keep(&old, row) { map(old.from[row]) } else { None };
            parts.clear();
            if let Some(from) = from {
                let listed: Box<dyn Iterator<Item = (PersonKey, bool)>> = match lists.get(&(row as u32)) {
                    Some(list) => Box::new(list.iter().copied()),
                    None => Box::new(old.participants_copied(row)),
                };
                for (p, copied) in listed {
                    let Some(p) = map(p).filter(|&p| p != from) else { continue };
                    // Aliases folded into one: addressed under either name is addressed.
                    match parts.iter_mut().find(|(q, _)| *q == p) {
                        Some((_, was_copied)) => *was_copied &= copied,
                        None => parts.push((p, copied)),
                    }
                }
            }
            let Some(from) = from.filter(|_| !parts.is_empty()) else {
                for &p in std::iter::once(&old.from[row]).chain(old.participants(row)) {
                    lost_a_row[p.index()] = true;
                }
                continue;
            };
            new.id.push(old.id[row]);
            new.kind.push(old.kind[row]);
            new.from.push(from);
            new.at.push(old.at[row]);
            new.duration_s.push(old.duration_s[row]);
            new.thread.push(old.thread[row]);
            // An inferred link is worked out again below among the rows left:
            // cleared here, so compaction keeps no id only a stale link named.
            let inferred = old.inferred[row];
            new.reply_to.push(if inferred { NONE } else { old.reply_to[row] });
            new.inferred.push(inferred);
            new.own_reply_to.push(if inferred { NONE } else { old.own_reply_to[row] });
            new.message.push(old.message[row]);
            new.reply_message.push(old.reply_message[row]);
            new.conv_index.push(old.conv_index[row]);
            new.version.push(old.version[row]);
            new.parts.extend(parts.iter().map(|&(p, _)| p));
            new.copied.extend(parts.iter().map(|&(_, copied)| copied));
            new.part_end.push(new.parts.len() as u32);
        }
        self.rows = new;
        for (k, lost) in lost_a_row.into_iter().enumerate() {
            if lost {
                let c = self.canon[k].index();
                self.people[c].forget_learned_name();
            }
        }
        self.compact();
        self.rederive_replies();
    }

    fn reindex_rows(&mut self) {
        let people_n = self.canon.len();
        self.row_of_id = vec![NONE; self.interaction_ids.len()];
        self.sorted_len = vec![IN_ORDER; people_n];
        self.unsorted = Vec::new();
        self.thread_last = vec![NONE; self.threads.len()];
        self.thread_prev = Vec::with_capacity(self.rows.len());
        self.message_first = vec![NONE; self.messages.len()];
        self.message_next = vec![NONE; self.rows.len()];
        for row in 0..self.rows.len() {
            if self.rows.message[row] != NONE {
                self.chain_message(row as u32, self.rows.message[row]);
            }
            self.row_of_id[self.rows.id[row] as usize] = row as u32;
            let thread = self.rows.thread[row];
            let prev = if thread != NONE && self.rows.kind[row] == Kind::Email {
                std::mem::replace(&mut self.thread_last[thread as usize], row as u32)
            } else {
                NONE
            };
            self.thread_prev.push(prev);
        }
        // Every person's rows in time order: the rows sorted once, then dealt
        // out to their people, each list sized first. Sorting each person's
        // list instead sorts every row once per person on it (3.5 times at
        // 200,000 interactions of the demo), half of reopening a snapshot.
        let c = &self.rows;
        let people_of = |row: usize| std::iter::once(c.from[row]).chain(c.participants(row).iter().copied());
        let mut counts = vec![0u32; people_n];
        for row in 0..c.len() {
            people_of(row).for_each(|p| counts[p.index()] += 1);
        }
        self.by_person = counts.iter().map(|&n| Vec::with_capacity(n as usize)).collect();
        let mut in_time: Vec<(i64, u32)> = (0..c.len()).map(|row| (c.at[row], row as u32)).collect();
        in_time.sort_unstable();
        for &(_, row) in &in_time {
            people_of(row as usize).for_each(|p| self.by_person[p.index()].push(row));
        }
    }

    /// Approximate heap bytes held by the interaction columns, the people
    /// and the indexes.
    pub fn heap_bytes(&self) -> usize {
        let c = &self.rows;
        let text = |s: &Option<String>| s.as_ref().map_or(0, String::capacity);
        let people: usize = self
            .people
            .iter()
            .map(|p| text(&p.name) + text(&p.department) + text(&p.account) + text(&p.account_name))
            .sum();
        let folded: usize = self.folded.values().map(|v| v.capacity() * 4 + 32).sum();
        c.id.capacity() * 4
            + c.kind.capacity()
            + c.inferred.capacity()
            + c.own_reply_to.capacity() * 4
            + c.version.capacity() * 8
            + self.canon.capacity() * 4
            + self.people.capacity() * std::mem::size_of::<Person>()
            + people
            + folded
            + self.sorted_len.capacity() * 4
            + self.thread_last.capacity() * 4
            + self.thread_prev.capacity() * 4
            + (c.message.capacity() + c.reply_message.capacity() + c.conv_index.capacity()) * 4
            + (self.message_first.capacity() + self.message_next.capacity()) * 4
            + self.messages.heap_bytes()
            + self.opted_out_ids.capacity() * 17
            + c.from.capacity() * 4
            + c.at.capacity() * 8
            + c.duration_s.capacity() * 4
            + c.thread.capacity() * 4
            + c.reply_to.capacity() * 4
            + c.part_end.capacity() * 4
            + c.parts.capacity() * 4
            + c.copied.capacity()
            + self.row_of_id.capacity() * 4
            + self.by_person.iter().map(|v| v.capacity() * 4 + 24).sum::<usize>()
            + self.interaction_ids.heap_bytes()
            + self.threads.heap_bytes()
            + self.keys.heap_bytes()
    }
}

/// A person's list while its time-ordered start (see `Store::sorted_len`) is known.
const IN_ORDER: u32 = u32::MAX;

/// Puts a person's rows in time order, rows of the same instant in row
/// order, given that `rows[..sorted]` already is: the rest is sorted as
/// (time, row) pairs (a sort of rows that compares through `at` reads the
/// column at random, a million times for a large load) and merged in from
/// the back, so a load in chunks sorts each chunk's rows, not the whole
/// list again. One function, so one copy of the sort in the `.wasm`.
fn by_time(rows: &mut [u32], at: &[i64], sorted: usize) {
    let key = |r: u32| (at[r as usize], r);
    let mut tail: Vec<(i64, u32)> = rows[sorted..].iter().map(|&r| key(r)).collect();
    tail.sort_unstable();
    let (mut i, mut j) = (sorted, tail.len());
    while j > 0 {
        // The place of the larger of the two last unplaced rows: i + j - 1.
        if i > 0 && key(rows[i - 1]) > tail[j - 1] {
            rows[i + j - 1] = rows[i - 1];
            i -= 1;
        } else {
            rows[i + j - 1] = tail[j - 1].1;
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::by_time;

    #[test]
    fn by_time_merges_the_rest_into_the_ordered_start() {
        // Times with ties, rows in any order after the ordered start.
        let at: Vec<i64> = (0..40).map(|r| (r * 7919 % 13) as i64).collect();
        for seed in 0..60u32 {
            let mut rows: Vec<u32> = (0..40).filter(|r| (r * 31 + seed) % 3 != 0).collect();
            let mut expected = rows.clone();
            expected.sort_by_key(|&r| (at[r as usize], r));
            let sorted = (seed as usize * 7) % (rows.len() + 1);
            rows[..sorted].sort_by_key(|&r| (at[r as usize], r));
            rows[sorted..].reverse();
            by_time(&mut rows, &at, sorted);
            assert_eq!(rows, expected, "ordered start of {sorted}");
        }
    }
}
