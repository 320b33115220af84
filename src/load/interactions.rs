//! Interaction records (SPEC 2.2): parsing each record, then staging the
//! batch against the store (opt-outs, duplicates, consent to keep others'
//! data) before anything is stored, so that a refused batch changes nothing.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::fields::{flag, number, optional_text, required_text, text_list};
use super::{graph, parse_batch, reject_late, Fault, Format, LoadOptions, LoadReport};
use crate::consent::Retention;
use crate::error::Result;
use crate::model::{normalize_person_id, Kind, PersonKey};
use crate::store::{NewRow, Store};
use crate::time::{from_epoch_ms, parse_rfc3339};

/// Longest meeting or call accepted: 31 days, in minutes.
const MAX_DURATION_MINUTES: f64 = (crate::time::MAX_DURATION_MS / crate::time::MINUTE_MS) as f64;

#[derive(Deserialize)]
struct RawInteraction<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    kind: Option<&'a RawValue>,
    #[serde(borrow)]
    from: Option<&'a RawValue>,
    #[serde(borrow)]
    to: Option<&'a RawValue>,
    #[serde(borrow)]
    cc: Option<&'a RawValue>,
    #[serde(borrow)]
    at: Option<&'a RawValue>,
    #[serde(borrow, rename = "durationMinutes")]
    duration_minutes: Option<&'a RawValue>,
    #[serde(borrow, rename = "threadId")]
    thread_id: Option<&'a RawValue>,
    #[serde(borrow, rename = "inReplyTo")]
    in_reply_to: Option<&'a RawValue>,
    #[serde(borrow)]
    cancelled: Option<&'a RawValue>,
}

/// One well-formed record, person ids normalised, not yet checked against the store.
pub(super) struct Parsed<'a> {
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
}

pub(super) fn normalized(id: Cow<'_, str>) -> Cow<'_, str> {
    match id {
        Cow::Borrowed(s) => normalize_person_id(s),
        Cow::Owned(s) => Cow::Owned(normalize_person_id(&s).into_owned()),
    }
}

pub(super) fn trimmed(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
    }
}

pub(super) fn record_shape<'a, T: Deserialize<'a>>(raw: &'a RawValue) -> Result<T, Fault> {
    if !raw.get().starts_with('{') {
        return Err(Fault::new("", "not an object", "expected a JSON object"));
    }
    serde_json::from_str(raw.get()).map_err(|e| Fault::new("", "malformed", e.to_string()))
}

fn parse(raw: &RawValue) -> Result<Parsed<'_>, Fault> {
    let r: RawInteraction = record_shape(raw)?;
    let id = required_text(r.id, "id")?;
    let kind_text = required_text(r.kind, "kind")?;
    let kind = Kind::parse(&kind_text)
        .ok_or_else(|| Fault::new("kind", "invalid value", "expected \"email\", \"meeting\" or \"call\""))?;
    let from = normalized(required_text(r.from, "from")?);
    let at_raw = r.at.ok_or_else(|| Fault::new("at", "missing", "required field is missing"))?;
    let at = if at_raw.get().starts_with('"') {
        parse_rfc3339(&required_text(Some(at_raw), "at")?)
    } else {
        from_epoch_ms(number(at_raw, "at")?)
    }
    .map_err(|reason| Fault::new("at", "invalid value", reason))?;

    let duration_s = match (kind, r.duration_minutes) {
        (Kind::Email, _) | (_, None) => 0,
        (_, Some(raw)) => {
            let minutes = number(raw, "durationMinutes")?;
            if !(0.0..=MAX_DURATION_MINUTES).contains(&minutes) {
                return Err(Fault::new(
                    "durationMinutes",
                    "invalid value",
                    format!("expected a number from 0 to {MAX_DURATION_MINUTES}"),
                ));
            }
            (minutes * 60.0).round() as u32
        }
    };

    let mut parts: Vec<Cow<str>> = Vec::new();
    for (field, list) in [("to", r.to), ("cc", r.cc)] {
        for p in text_list(list, field)? {
            let p = normalized(p);
            if p.is_empty() {
                return Err(Fault::new(field, "invalid value", "a person id is empty"));
            }
            if p != from && !parts.contains(&p) {
                parts.push(p);
            }
        }
    }
    if parts.is_empty() {
        return Err(Fault::new("to", "missing", "needs a recipient or attendee other than the sender"));
    }

    Ok(Parsed {
        id: trimmed(id),
        kind,
        from,
        parts,
        at,
        duration_s,
        thread: optional_text(r.thread_id, "threadId")?,
        reply_to: optional_text(r.in_reply_to, "inReplyTo")?,
        cancelled: flag(r.cancelled, "cancelled")?.unwrap_or(false),
    })
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

/// Loads a batch of interactions: all of it or (strict) nothing.
pub fn load(store: &mut Store, text: &str, opts: LoadOptions, retention: &Retention) -> Result<LoadReport> {
    match opts.format {
        Format::Graph => return graph::load(store, graph::page_items(text)?, opts, retention),
        Format::Auto => {
            if let Some(items) = graph::detect_page(text) {
                return graph::load(store, items, opts, retention);
            }
        }
        Format::Json | Format::Ndjson => {}
    }
    let mut report = LoadReport::default();
    let parsed = parse_batch(text, opts, &mut report, parse)?;
    let staged = stage(store, &parsed, opts, &mut report, retention, Alone::Refuse)?;
    commit(store, &staged, false);
    report.accepted = staged.len();
    Ok(report)
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
    opts: LoadOptions,
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
