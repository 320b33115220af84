//! Staging: checking parsed interaction records against the store
//! (duplicates, consent to keep others' data, opt-outs) without changing
//! it, then storing what passed in one step that cannot fail, so that a
//! refused batch changes nothing. Both formats (SPEC records, Graph items)
//! stage alike.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use super::batch::{reject_late, LoadOptions, LoadReport};
use super::fields::Fault;
use crate::consent::Retention;
use crate::error::Result;
use crate::model::{Kind, PersonKey};
use crate::store::{NewRow, Store};

/// One well-formed record, person ids normalised, not yet checked against the store.
pub struct Parsed<'a> {
    pub id: Cow<'a, str>,
    pub kind: Kind,
    pub from: Cow<'a, str>,
    /// `to` and `cc` together, without repeats and without the sender.
    pub parts: Vec<Cow<'a, str>>,
    pub at: i64,
    pub duration_s: u32,
    pub thread: Option<Cow<'a, str>>,
    pub reply_to: Option<Cow<'a, str>>,
    pub cancelled: bool,
    /// Display names the item gives its people (Graph `emailAddress.name`).
    pub names: Vec<Named<'a>>,
}

/// A display name an item gives one of its people.
pub struct Named<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
    /// Given by the person's own entry (`from`, `organizer`) rather than
    /// written by someone else for a recipient or attendee.
    pub own: bool,
}

/// A person as staging sees them: known to the store, or new in this batch.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Who<'t> {
    Known(PersonKey),
    New(&'t str),
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
            Some(k) => (!self.store.person(k).opted_out).then_some(Who::Known(k)),
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
    fn key(&self, store: &mut Store) -> PersonKey {
        match self {
            Who::Known(k) => *k,
            Who::New(id) => store.person_key(id),
        }
    }
}

/// A record that passed staging: what will be stored.
pub(super) struct Staged<'t> {
    pub record: &'t Parsed<'t>,
    pub from: Who<'t>,
    pub parts: Vec<Who<'t>>,
    /// The interaction it answers: the record's own `inReplyTo`, or what the
    /// Graph loader works out from its conversation.
    pub reply_to: Option<Cow<'t, str>>,
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

/// Checks parsed records against the store (duplicates, consent to keep
/// others' data, opt-outs) without changing it: what is left is what
/// [`commit`] stores. Fails, strict, on a record that only the whole batch
/// shows to be bad. The reasons that do not depend on opt-out come first,
/// so that a report never tells an opted-out person apart from anyone else
/// where consent does not let the viewer see that person's data at all.
pub(super) fn stage<'t>(
    store: &Store,
    parsed: &'t [(usize, Parsed<'t>)],
    opts: &LoadOptions,
    report: &mut LoadReport,
    retention: &Retention,
    alone: Alone,
) -> Result<Vec<Staged<'t>>> {
    let mut staged: Vec<Staged> = Vec::with_capacity(parsed.len());
    let mut seen: FxHashSet<&str> = FxHashSet::with_capacity_and_hasher(parsed.len(), Default::default());
    let mut people = People { store, new_ids: FxHashMap::default() };
    for (index, record) in parsed {
        if record.cancelled {
            report.cancelled += 1;
            continue;
        }
        if store.contains_interaction(&record.id) || !seen.insert(&record.id) {
            report.duplicates += 1;
            continue;
        }
        if !retention.others {
            let viewer_on = |v: PersonKey| {
                let is = |id: &Cow<str>| store.lookup(id) == Some(v);
                is(&record.from) || record.parts.iter().any(is)
            };
            if !retention.viewer.is_some_and(viewer_on) {
                report.dropped_no_consent += 1;
                continue;
            }
        }
        let Some(from) = people.who(&record.from) else {
            report.dropped_opted_out += 1;
            continue;
        };
        let mut parts: Vec<Who> = Vec::with_capacity(record.parts.len());
        let mut removed_opted_out = false;
        for p in &record.parts {
            match people.who(p) {
                None => removed_opted_out = true,
                Some(who) if who != from && !parts.contains(&who) => parts.push(who),
                Some(_) => {}
            }
        }
        if parts.is_empty() {
            if removed_opted_out {
                report.dropped_opted_out += 1;
            } else if alone == Alone::Skip {
                report.skipped_solo += 1;
            } else {
                let fault =
                    Fault::new("to", "invalid value", "every recipient is the sender under another address");
                reject_late(opts, report, *index, fault)?;
            }
            continue;
        }
        staged.push(Staged { record, from, parts, reply_to: record.reply_to.clone() });
    }
    Ok(staged)
}

/// Stores staged records: nothing here can fail. `inferred_replies`: the
/// replies of e-mails in a conversation were worked out from its order
/// (Graph), not given.
pub(super) fn commit(store: &mut Store, staged: &[Staged], inferred_replies: bool) {
    let parts: usize = staged.iter().map(|s| s.parts.len()).sum();
    let id_bytes: usize = staged.iter().map(|s| s.record.id.len()).sum();
    store.reserve(staged.len(), parts, id_bytes);
    let mut keys: Vec<PersonKey> = Vec::new();
    for s in staged {
        let from = s.from.key(store);
        keys.clear();
        keys.extend(s.parts.iter().map(|p| p.key(store)));
        let inferred = inferred_replies && s.record.kind == Kind::Email && s.record.thread.is_some();
        let row = NewRow {
            id: &s.record.id,
            kind: s.record.kind,
            from,
            at: s.record.at,
            duration_s: s.record.duration_s,
            thread: s.record.thread.as_deref(),
            reply_to: s.reply_to.as_deref(),
            parts: &keys,
        };
        store.push_row(row, inferred);
    }
    store.sort_people_rows();
}
