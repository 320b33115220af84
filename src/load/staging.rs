//! Staging: checking parsed interaction records against the store
//! (versions, consent to keep others' data, opt-outs) without changing it,
//! then storing what passed in one step that cannot fail, so that a refused
//! batch changes nothing. Both formats (SPEC records, Graph items) stage
//! alike, and a batch is a sync: its records apply one after the other, as
//! if each were loaded alone.
//!
//! A record whose id is held (stored, or earlier in the batch) is a new
//! version of it: older than the held version (both versioned) it is stale
//! and changes nothing (`duplicates`); a copy identical in everything stored
//! is a duplicate too (its later version is kept); otherwise it replaces the
//! held version (`updated`), and a replacement that a new record would not
//! be stored for (cancelled, consent, opt-out, nobody left) removes the held
//! version. A deletion removes the held version (`deleted`), or counts an id
//! not held (`notFound`). Nothing of a removed record is remembered, so a
//! removal applies to the versions loaded before it.
//!
//! A new id that is another copy of an e-mail (the same Message-ID, sender
//! and time: a Sent Items and an Inbox copy) is merged into it
//! (`sameMessage`), keeping only the recipients every copy shows.

use std::borrow::Cow;
use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};

use super::batch::{reject_late, LoadOptions, LoadReport};
use super::fields::Fault;
use super::parsed::{Parsed, Records};
use super::repeats::{repeats, SORTED_FROM};
use crate::consent::Retention;
use crate::error::Result;
use crate::model::{Kind, PersonKey};
use crate::store::{NewRow, Store, NO_VERSION};
use crate::words::same;

/// A person as staging sees them: known to the store (with the id the
/// record names them by), or new in this batch.
#[derive(Clone, Copy)]
pub(super) enum Who<'t> {
    Known(PersonKey, &'t str),
    New(&'t str),
}

impl PartialEq for Who<'_> {
    /// The same person: aliases of one person are one.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Who::Known(a, _), Who::Known(b, _)) => a == b,
            (Who::New(a), Who::New(b)) => a == b,
            _ => false,
        }
    }
}

/// Tells who a record names, or `None` for someone who opted out: a held
/// person by their flag, an id new to the store by the opted-out digests,
/// checked once per new id and batch (and not at all when no one opted out).
struct People<'s, 't> {
    store: &'s Store,
    new_ids: FxHashMap<&'t str, bool>,
}

impl<'s, 't> People<'s, 't> {
    fn who(&mut self, id: &'t str) -> Option<Who<'t>> {
        match self.store.lookup(id) {
            Some(k) => (!self.store.person(k).opted_out).then_some(Who::Known(k, id)),
            None if self.store.has_opted_out_ids() => {
                let store = self.store;
                let gone = *self.new_ids.entry(id).or_insert_with(|| store.is_opted_out_id(id));
                (!gone).then_some(Who::New(id))
            }
            None => Some(Who::New(id)),
        }
    }
}

impl<'t> Who<'t> {
    /// The person's key; `rekey`: rows were removed since staging, and
    /// compaction renumbered the keys (or dropped someone only they named).
    fn key(&self, store: &mut Store, rekey: bool) -> PersonKey {
        match self {
            Who::Known(k, _) if !rekey => *k,
            Who::Known(_, id) | Who::New(id) => store.person_key(id),
        }
    }
}

/// A record that passed staging: what will be stored.
pub(super) struct Staged<'t> {
    pub record: &'t Parsed<'t>,
    pub from: Who<'t>,
    /// Where its participants (each with whether they were only copied, see
    /// `Columns::copied`) lie in the plan's `people`: one list for the
    /// batch, not two allocations a record.
    people: (u32, u32),
    /// The interaction it answers: the record's own `inReplyTo`, or what the
    /// Graph loader works out from its conversation.
    pub reply_to: Option<Cow<'t, str>>,
    /// The latest version of its id seen: the record's own, or a later one
    /// that an identical copy brought, or the held one it replaced when it
    /// has none (an unversioned copy does not make older versions current).
    pub version: i64,
    /// Another copy of the stored e-mail in this row (same Message-ID,
    /// sender and time): merged into it, not stored again.
    pub copy_of: Option<u32>,
}

/// What staging does with a record whose every recipient turns out to be
/// its sender under another address.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Alone {
    /// A bad record (field `to`).
    Refuse,
    /// Skipped and counted in `skipped_solo` (Graph: a note to oneself).
    Skip,
}

/// What a batch changes: stored rows whose version rises, stored rows
/// removed (replaced or deleted), and the records to store.
#[derive(Default)]
pub(super) struct Plan<'t> {
    bumps: Vec<(usize, i64)>,
    removed: Vec<usize>,
    /// `None`: replaced or removed later in the batch.
    staged: Vec<Option<Staged<'t>>>,
    /// The participants of the staged records (see [`Staged::people`]).
    people: Vec<(Who<'t>, bool)>,
}

impl<'t> Plan<'t> {
    /// The records to store, in batch order.
    pub fn staged(&self) -> impl Iterator<Item = &Staged<'t>> {
        self.staged.iter().flatten()
    }

    /// A staged record's participants, each with whether they were only copied.
    fn pairs(&self, s: &Staged<'t>) -> &[(Who<'t>, bool)] {
        &self.people[s.people.0 as usize..s.people.1 as usize]
    }

    /// Makes `people` the participants of the staged record `i`.
    fn set_people(&mut self, i: usize, people: &[(Who<'t>, bool)]) {
        let start = self.people.len() as u32;
        self.people.extend_from_slice(people);
        if let Some(s) = &mut self.staged[i] {
            s.people = (start, self.people.len() as u32);
        }
    }
}

/// The version of an id held so far in the batch's order.
#[derive(Clone, Copy)]
enum Held {
    Stored(usize),
    Staged(usize),
}

/// Whether `new` is older than the held `held` version: only when both are given.
fn stale(new: i64, held: i64) -> bool {
    new != NO_VERSION && held != NO_VERSION && new < held
}

/// Checks parsed records against the store and against the records before
/// them in the batch (versions, consent to keep others' data, opt-outs)
/// without changing the store: the plan is what [`commit`] applies. Fails,
/// strict, on a record that only the whole batch shows to be bad. The
/// reasons that do not depend on opt-out come first, so that a report never
/// tells an opted-out person apart from anyone else where consent does not
/// let the viewer see that person's data at all.
pub(super) fn stage<'t>(
    store: &Store,
    records: &'t Records<'t>,
    opts: &LoadOptions,
    report: &mut LoadReport,
    retention: &Retention,
    alone: Alone,
) -> Result<Plan<'t>> {
    let parsed = &records.list;
    let mut plan = Plan { staged: Vec::with_capacity(parsed.len()), ..Plan::default() };
    let again = repeats(parsed.iter().map(|(_, r)| FxBuildHasher.hash_one(&*r.id)));
    let followed = again.as_ref().map_or(parsed.len(), |a| a.iter().filter(|&&a| a).count());
    let mut touched = Touched::with_capacity(followed);
    let mut people = People { store, new_ids: FxHashMap::default() };
    // Message-ID → the staged records claiming it, to find copies in the batch.
    let mut claims: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    // Compared only (`common_recipients` keeps the copy's own `Who`, with its id).
    let viewer = retention.viewer.map(|v| Who::Known(v, ""));
    for (n, (index, record)) in parsed.iter().enumerate() {
        let id: &str = &record.id;
        // Only an id that occurs again in the batch is looked up or remembered.
        let hash = again.as_ref().is_none_or(|a| a[n]).then(|| FxBuildHasher.hash_one(id));
        let slot = hash.and_then(|h| touched.slot(h, id));
        let Touch { held, last } = match slot {
            Some(i) => touched.ids[i as usize].1,
            None => Touch { held: store.row_of(id).map(Held::Stored), last: None },
        };
        let held_version = match held {
            Some(Held::Stored(row)) => store.rows().version[row],
            Some(Held::Staged(i)) => plan.staged[i].as_ref().map_or(NO_VERSION, |s| s.version),
            None => NO_VERSION,
        };
        if held.is_some() && stale(record.version, held_version) {
            report.duplicates += 1;
            continue;
        }
        if record.deleted {
            match held {
                Some(h) => {
                    plan.remove(h);
                    report.deleted += 1;
                }
                None => report.not_found += 1,
            }
            touched.set(slot, hash, id, Touch { held: None, last: None });
            continue;
        }
        if let Some(fault) = other_sender(store, held, last, record) {
            reject_late(opts, report, *index, fault)?;
            continue;
        }
        // From here on a record that is not stored removes the held version:
        // the latest version of an id is the one that counts. It is still
        // the id's last record in the batch, whose sender a later one keeps,
        // so that a report does not tell a dropped sender from a stored one.
        let remove_held = |plan: &mut Plan, touched: &mut Touched<'t>| {
            if let Some(h) = held {
                plan.remove(h);
            }
            touched.set(slot, hash, id, Touch { held: None, last: Some(record) });
        };
        if record.cancelled {
            report.cancelled += 1;
            remove_held(&mut plan, &mut touched);
            continue;
        }
        if !retention.others {
            let viewer_on = |v: PersonKey| {
                let is = |id: &Cow<str>| store.lookup(id) == Some(v);
                is(&record.from) || records.parts(record).iter().any(is)
            };
            if !retention.viewer.is_some_and(viewer_on) {
                report.dropped_no_consent += 1;
                remove_held(&mut plan, &mut touched);
                continue;
            }
        }
        let Some(from) = people.who(&record.from) else {
            report.dropped_opted_out += 1;
            remove_held(&mut plan, &mut touched);
            continue;
        };
        // The record's participants go at the end of the plan's list; a
        // record not staged after all takes them off again.
        let start = plan.people.len();
        let mut removed_opted_out = false;
        for (i, p) in records.parts(record).iter().enumerate() {
            match people.who(p) {
                None => removed_opted_out = true,
                Some(who) if who == from => {}
                // Two aliases of one person: addressed under either is addressed.
                Some(who) => match plan.people[start..].iter().position(|&(q, _)| q == who) {
                    Some(at) => plan.people[start + at].1 &= i >= record.addressed,
                    None => plan.people.push((who, i >= record.addressed)),
                },
            }
        }
        let own = (start as u32, plan.people.len() as u32);
        if own.0 == own.1 {
            if removed_opted_out {
                report.dropped_opted_out += 1;
            } else if alone == Alone::Skip {
                report.skipped_solo += 1;
            } else {
                let fault =
                    Fault::new("to", "invalid value", "every recipient is the sender under another address");
                reject_late(opts, report, *index, fault)?;
                continue;
            }
            remove_held(&mut plan, &mut touched);
            continue;
        }
        let version = record.version.max(held_version);
        let mut new =
            Staged { record, from, people: own, reply_to: record.reply_to.clone(), version, copy_of: None };
        // A new id that is another copy of an e-mail (same Message-ID, sender
        // and time) merges into it instead of counting again.
        if let (None, Kind::Email, Some(m)) = (held, record.kind, record.mail().message_id.as_deref()) {
            let same = |s: &Staged| s.from == from && s.record.at == record.at;
            let claimed = claims.entry(m).or_default();
            let in_batch = claimed.iter().copied().find(|&i| plan.staged[i].as_ref().is_some_and(same));
            if let Some((i, Some(first))) = in_batch.map(|i| (i, plan.staged[i].as_ref())) {
                let merged = common_recipients(plan.pairs(first), plan.pairs(&new), viewer);
                plan.people.truncate(start);
                if let Some(merged) = merged {
                    plan.set_people(i, &merged);
                }
                report.same_message += 1;
                touched.set(slot, hash, id, Touch { held: None, last: Some(record) });
                continue;
            }
            new.copy_of = match from {
                Who::Known(k, _) => store.copy_of(m, k, record.at).map(|r| r as u32),
                Who::New(_) => None,
            };
            claimed.push(plan.staged.len());
            if new.copy_of.is_some() {
                report.same_message += 1;
                touched.set(slot, hash, id, Touch { held: None, last: Some(record) });
                plan.staged.push(Some(new));
                continue;
            }
        }
        match held {
            Some(h) if plan.same(store, h, &new, alone) => {
                plan.people.truncate(start);
                report.duplicates += 1;
                plan.bump(h, version);
                touched.set(slot, hash, id, Touch { held, last: Some(record) });
            }
            Some(h) => {
                report.updated += 1;
                plan.remove(h);
                touched.set(
                    slot,
                    hash,
                    id,
                    Touch { held: Some(Held::Staged(plan.staged.len())), last: Some(record) },
                );
                plan.staged.push(Some(new));
            }
            None => {
                report.accepted += 1;
                touched.set(
                    slot,
                    hash,
                    id,
                    Touch { held: Some(Held::Staged(plan.staged.len())), last: Some(record) },
                );
                plan.staged.push(Some(new));
            }
        }
    }
    Ok(plan)
}

/// The recipients of one e-mail given two copies of it, each with whether
/// it was only copied: those both show, plus the viewer when either does.
/// A recipient only one copy shows (a Bcc in the sender's copy, the owner of
/// a mailbox a Bcc reached) stays out: a merged e-mail never shows the
/// viewer someone that the viewer's own copy did not, while the viewer's own
/// copy still counts as theirs. Copied in either copy is copied: no copy can
/// make someone more involved than the others say. `None` when the copies
/// share nobody (nothing to merge safely: the first stays as it is).
fn common_recipients<T: Copy + PartialEq>(
    into: &[(T, bool)],
    other: &[(T, bool)],
    viewer: Option<T>,
) -> Option<Vec<(T, bool)>> {
    let find = |list: &[(T, bool)], p: T| list.iter().find(|(q, _)| *q == p).map(|&(_, copied)| copied);
    let mut merged: Vec<(T, bool)> =
        into.iter().filter_map(|&(p, copied)| Some((p, copied | find(other, p)?))).collect();
    // The viewer as a copy names them (staging's `Who` carries the id the
    // record gave, which storing looks up again after a compaction).
    let viewer = viewer.and_then(|v| into.iter().chain(other).find(|(p, _)| *p == v).map(|&(p, _)| p));
    if let Some(v) = viewer.filter(|&v| find(&merged, v).is_none()) {
        let copied = find(into, v).unwrap_or(true) & find(other, v).unwrap_or(true);
        merged.push((v, copied));
    }
    (!merged.is_empty()).then_some(merged)
}

/// An id the batch touched: its held version (`None` once removed), and
/// its last record that passed the sender check (`None` after a deletion).
#[derive(Clone, Copy)]
struct Touch<'t> {
    held: Option<Held>,
    last: Option<&'t Parsed<'t>>,
}

/// The ids the batch touched so far, of those it names more than once
/// ([`repeats`]). A table of small handles into a list of ids, not a map of
/// ids: a map of 40-byte entries at most 7/8 full (80 MB for a million)
/// spent the staging of a large batch waiting on memory.
struct Touched<'t> {
    table: HashTable<u32>,
    ids: Vec<(&'t str, Touch<'t>)>,
}

impl<'t> Touched<'t> {
    fn with_capacity(n: usize) -> Touched<'t> {
        Touched { table: HashTable::with_capacity(n), ids: Vec::with_capacity(n) }
    }

    /// The slot of `id` (hashed `h`), if the batch touched it.
    fn slot(&self, h: u64, id: &str) -> Option<u32> {
        self.table.find(h, |&i| same(self.ids[i as usize].0.as_bytes(), id.as_bytes())).copied()
    }

    /// Records what became of `id` (hashed `h`, in `slot` if it has one);
    /// `h` is `None` for an id that occurs once in the batch, never asked about.
    fn set(&mut self, slot: Option<u32>, h: Option<u64>, id: &'t str, touch: Touch<'t>) {
        match (slot, h) {
            (Some(i), _) => self.ids[i as usize].1 = touch,
            (None, None) => {}
            (None, Some(h)) => {
                let Touched { table, ids } = self;
                table.insert_unique(h, ids.len() as u32, |&i| FxBuildHasher.hash_one(ids[i as usize].0));
                ids.push((id, touch));
            }
        }
    }
}

/// A version names another sender or kind than the id's earlier record (in
/// the batch, whatever became of it, else the stored row): refused, so that
/// a record reusing another's id (a converter that took ids from headers a
/// sender writes) cannot take over someone else's record or, by naming
/// nobody the viewer is, remove it. Graph keeps an item's sender and kind.
fn other_sender(store: &Store, held: Option<Held>, last: Option<&Parsed>, record: &Parsed) -> Option<Fault> {
    let (kind, same) = match (last, held) {
        (Some(prev), _) => {
            let same = prev.from == record.from
                || store.lookup(&prev.from).is_some_and(|k| store.lookup(&record.from) == Some(k));
            (prev.kind, same)
        }
        (None, Some(Held::Stored(row))) => {
            (store.rows().kind[row], store.lookup(&record.from) == Some(store.rows().from[row]))
        }
        (None, _) => return None,
    };
    if kind != record.kind {
        return Some(Fault::new("kind", "invalid value", "the id is held as another kind of interaction"));
    }
    (!same).then(|| {
        Fault::new(
            "from",
            "invalid value",
            "the id is held as another sender's record: a version keeps the sender of the first",
        )
    })
}

impl<'t> Plan<'t> {
    fn remove(&mut self, held: Held) {
        match held {
            Held::Stored(row) => self.removed.push(row),
            Held::Staged(i) => self.staged[i] = None,
        }
    }

    fn bump(&mut self, held: Held, version: i64) {
        match held {
            Held::Stored(row) => self.bumps.push((row, version)),
            Held::Staged(i) => {
                if let Some(s) = &mut self.staged[i] {
                    s.version = version;
                }
            }
        }
    }

    /// Whether `new` would store exactly what the held version stores.
    fn same(&self, store: &Store, held: Held, new: &Staged, alone: Alone) -> bool {
        let r = new.record;
        match held {
            Held::Stored(row) => {
                let c = store.rows();
                // Graph rows answer what their conversation's order says.
                let inferred = alone == Alone::Skip && r.kind == Kind::Email && r.thread.is_some();
                let given = if inferred { None } else { new.reply_to.as_deref() };
                let new_people = self.pairs(new);
                c.at[row] == r.at
                    && c.duration_s[row] == r.duration_s
                    && store.thread_id(row) == r.thread.as_deref()
                    && c.inferred[row] == inferred
                    && store.given_reply_to(row) == given
                    && c.participants(row).len() == new_people.len()
                    && c.participants_copied(row).zip(new_people).all(|((p, copied), &(w, new_copied))| {
                        matches!(w, Who::Known(k, _) if k == p) && copied == new_copied
                    })
            }
            Held::Staged(i) => self.staged[i].as_ref().is_some_and(|s| {
                let o = s.record;
                o.at == r.at
                    && o.duration_s == r.duration_s
                    && o.thread == r.thread
                    && s.reply_to == new.reply_to
                    && self.pairs(s) == self.pairs(new)
            }),
        }
    }
}

/// Applies a plan: nothing here can fail. Removed rows go the way of a
/// purge (every string only they carried, replies worked out again);
/// `inferred_replies`: the replies of e-mails in a conversation are worked
/// out from its order (Graph), not given.
pub(super) fn commit(store: &mut Store, plan: &Plan, inferred_replies: bool) {
    for &(row, version) in &plan.bumps {
        store.set_version(row, version);
    }
    let rekey = !plan.removed.is_empty();
    // A stored row's place once the removed rows are gone (`None`: removed).
    let mut place: Vec<Option<u32>> = Vec::new();
    if rekey {
        let mut gone = vec![false; store.rows().len()];
        plan.removed.iter().for_each(|&r| gone[r] = true);
        let mut kept = 0u32;
        place = gone
            .iter()
            .map(|&g| {
                kept += u32::from(!g);
                (!g).then(|| kept - 1)
            })
            .collect();
        store.retain_rows(|_, row| !gone[row]);
    }
    let staged: Vec<&Staged> = plan.staged().collect();
    let parts: usize = staged.iter().map(|s| plan.pairs(s).len()).sum();
    let id_bytes: usize = staged.iter().map(|s| s.record.id.len()).sum();
    store.reserve(staged.len(), parts, id_bytes);
    // A large batch's ids and conversations are interned in sweeps of
    // each table, in the order the rows below would intern them. From the
    // size `repeats` sorts from: the bench's 16 MiB chunks (about 80,000
    // records each) loaded no faster with it, their lists in cache.
    let mut interned = (staged.len() >= SORTED_FROM).then(|| {
        let stored = staged.iter().filter(|s| s.copy_of.is_none());
        store.intern_rows(stored.map(|s| (&*s.record.id, s.reply_to.as_deref(), s.record.thread.as_deref())))
    });
    let mut keys: Vec<PersonKey> = Vec::new();
    let mut copied: Vec<bool> = Vec::new();
    let mut merged: FxHashMap<u32, Vec<(PersonKey, bool)>> = FxHashMap::default();
    for s in staged {
        let from = s.from.key(store, rekey);
        keys.clear();
        copied.clear();
        for &(p, only_copied) in plan.pairs(s) {
            keys.push(p.key(store, rekey));
            copied.push(only_copied);
        }
        if let Some(copy_of) = s.copy_of {
            // The stored e-mail this copy merges into, unless the batch removed it.
            let Some(row) = (if rekey { place[copy_of as usize] } else { Some(copy_of) }) else { continue };
            let mut held: Vec<(PersonKey, bool)> = store.rows().participants_copied(row as usize).collect();
            let new: Vec<(PersonKey, bool)> = keys.iter().copied().zip(copied.iter().copied()).collect();
            let Some(mut parts) = common_recipients(&held, &new, store.viewer().filter(|&v| v != from))
            else {
                continue;
            };
            held.sort_unstable();
            let rewritten = parts.clone();
            parts.sort_unstable();
            if parts != held {
                merged.insert(row, rewritten);
            }
            continue;
        }
        let inferred = inferred_replies
            && s.record.kind == Kind::Email
            && s.record.thread.is_some()
            && !s.record.mail().reply_headers;
        let row = NewRow {
            id: &s.record.id,
            kind: s.record.kind,
            from,
            at: s.record.at,
            duration_s: s.record.duration_s,
            thread: s.record.thread.as_deref(),
            reply_to: s.reply_to.as_deref(),
            parts: &keys,
            copied: &copied,
            version: s.version,
            message: s.record.mail().message_id.as_deref(),
            reply_message: s.record.mail().reply_message.as_deref(),
            conv_index: s.record.mail().conv_index.as_deref(),
        };
        let handles = match &mut interned {
            Some(batch) => batch.next(row.reply_to.is_some(), row.thread.is_some()),
            None => store.intern_row(row.id, row.reply_to, row.thread),
        };
        store.push_interned(row, inferred, handles);
    }
    store.sort_people_rows();
    // Rows keep their places: a rewrite drops no row (every list is non-empty).
    store.rewrite_participants(&merged);
}
