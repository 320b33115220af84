//! Interaction records (SPEC 2.2): parsing each record into what staging
//! checks against the store, and loading a batch of them. `modifiedAt`
//! (RFC 3339 or epoch ms) orders the versions of one id; `{ "id": …,
//! "deleted": true }` deletes (only `id`, and `modifiedAt` if given, are read).

use std::borrow::Cow;

use super::batch::{parse_batch, LoadOptions, LoadReport};
use super::fields::{flag, normalized, number, optional_text, required_text, text_list_into, trimmed, Fault};
use super::headers;
use super::parsed::{span, Mail, Parsed, Records};
use super::record::flat_record;
use super::staging::{commit, stage, Alone};
use crate::consent::Retention;
use crate::error::Result;
use crate::model::Kind;
use crate::store::{Store, NO_VERSION};
use crate::time::{from_epoch_ms, parse_rfc3339};

/// Longest meeting or call accepted: 31 days, in minutes.
const MAX_DURATION_MINUTES: f64 = (crate::time::MAX_DURATION_MS / crate::time::MINUTE_MS) as f64;

flat_record! {
    /// Each member's JSON text of a SPEC 2.2 record (the batch reads the
    /// same members: `MEMBERS`).
    RawInteraction, pub const MEMBERS {
        id: "id",
        kind: "kind",
        from: "from",
        to: "to",
        cc: "cc",
        at: "at",
        duration_minutes: "durationMinutes",
        thread_id: "threadId",
        in_reply_to: "inReplyTo",
        cancelled: "cancelled",
        message_id: "messageId",
        modified_at: "modifiedAt",
        deleted: "deleted",
    }
}

/// An RFC 3339 text or epoch milliseconds, as `at` and `modifiedAt` are written.
fn instant(raw: &str, field: &'static str) -> Result<i64, Fault> {
    if raw.starts_with('"') {
        parse_rfc3339(&required_text(Some(raw), field)?)
    } else {
        from_epoch_ms(number(raw, field)?)
    }
    .map_err(|reason| Fault::new(field, "invalid value", reason))
}

/// One record; its participants go to `people` (the batch's list), and
/// come off it again when the record is refused.
fn parse<'a>(raw: &'a str, people: &mut Vec<Cow<'a, str>>, owner: Option<&str>) -> Result<Parsed<'a>, Fault> {
    let start = people.len();
    let parsed = read(raw, people, owner);
    if parsed.is_err() {
        people.truncate(start);
    }
    parsed
}

fn read<'a>(raw: &'a str, people: &mut Vec<Cow<'a, str>>, owner: Option<&str>) -> Result<Parsed<'a>, Fault> {
    let r = RawInteraction::read(raw)?;
    let id = required_text(r.id, "id")?;
    let version = match r.modified_at {
        Some(raw) => instant(raw, "modifiedAt")?,
        None => NO_VERSION,
    };
    if flag(r.deleted, "deleted")?.unwrap_or(false) {
        return Ok(Parsed::deletion(trimmed(id), version));
    }
    let kind_text = required_text(r.kind, "kind")?;
    let kind = Kind::parse(&kind_text)
        .ok_or_else(|| Fault::new("kind", "invalid value", "expected \"email\", \"meeting\" or \"call\""))?;
    let from = normalized(required_text(r.from, "from")?);
    let at_raw = r.at.ok_or_else(|| Fault::new("at", "missing", "required field is missing"))?;
    let at = instant(at_raw, "at")?;

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

    let start = people.len();
    text_list_into(r.to, "to", people)?;
    keep_participants(people, start, start, &from, "to")?;
    let mut addressed = people.len() - start;
    let cc = people.len();
    text_list_into(r.cc, "cc", people)?;
    keep_participants(people, start, cc, &from, "cc")?;
    if people.len() == start {
        return Err(Fault::new("to", "missing", "needs a recipient or attendee other than the sender"));
    }
    if let Some(owner) = owner {
        involve_owner(kind, &from, people, start, &mut addressed, owner);
    }

    let message_id = match optional_text(r.message_id, "messageId")? {
        Some(m) => {
            Some(headers::message_id(&m).map_err(|reason| Fault::new("messageId", "invalid value", reason))?)
        }
        None => None,
    };
    let reply_to = optional_text(r.in_reply_to, "inReplyTo")?;
    // An `inReplyTo` shaped like a Message-ID may name either: the
    // interaction with that id when one is stored, else the e-mail with that
    // Message-ID (resolved when read, see `Store::reply_parent`).
    let reply_message = reply_to.as_deref().and_then(|r| headers::message_id(r).ok());
    Ok(Parsed {
        id: trimmed(id),
        kind,
        from,
        parts: span(people, start),
        at,
        duration_s,
        thread: optional_text(r.thread_id, "threadId")?,
        reply_to,
        cancelled: flag(r.cancelled, "cancelled")?.unwrap_or(false),
        version,
        deleted: false,
        addressed,
        mail: Mail { message_id, reply_message, ..Mail::default() }.boxed(),
    })
}

/// Normalises the participants of `field`, `people[at..]`, and keeps each
/// once (not the sender, nor anyone already in `people[start..at]`), in place.
fn keep_participants<'a>(
    people: &mut Vec<Cow<'a, str>>,
    start: usize,
    at: usize,
    from: &str,
    field: &'static str,
) -> Result<(), Fault> {
    let mut kept = at;
    for i in at..people.len() {
        let p = participant(std::mem::take(&mut people[i]), field)?;
        if p != from && !people[start..kept].contains(&p) {
            people[kept] = p;
            kept += 1;
        }
    }
    people.truncate(kept);
    Ok(())
}

/// A recipient or attendee's id, normalised; refused when empty.
fn participant<'a>(id: Cow<'a, str>, field: &'static str) -> Result<Cow<'a, str>, Fault> {
    let id = normalized(id);
    if id.is_empty() {
        return Err(Fault::new(field, "invalid value", "a person id is empty"));
    }
    Ok(id)
}

/// Every item in a mailbox involves its owner: one that names them nowhere
/// (mail that reached them through a distribution list, or as Bcc) gets
/// them as a participant. Their own mail already has them as the sender.
/// Such an owner was only copied on an e-mail (nobody addressed them), and
/// attends a meeting in their own calendar; `addressed` counts them then.
/// The item's participants are `people[start..]`.
pub(super) fn involve_owner(
    kind: Kind,
    from: &str,
    people: &mut Vec<Cow<'_, str>>,
    start: usize,
    addressed: &mut usize,
    owner: &str,
) {
    if from != owner && !people[start..].iter().any(|p| p == owner) {
        people.push(Cow::Owned(owner.to_string()));
        if kind != Kind::Email {
            *addressed = people.len() - start;
        }
    }
}

/// Loads a batch of SPEC 2.2 records: all of it or (strict) nothing.
pub fn load(store: &mut Store, text: &str, opts: LoadOptions, retention: &Retention) -> Result<LoadReport> {
    let mut report = LoadReport::default();
    let mut people = Vec::new();
    let owner = opts.mailbox.as_deref();
    let list = parse_batch(text, &opts, &mut report, |raw| parse(raw, &mut people, owner))?;
    for (_, record) in list.iter().filter(|(_, r)| !r.deleted) {
        report.read(record.kind);
    }
    let records = Records { list, people };
    let plan = stage(store, &records, &opts, &mut report, retention, Alone::Refuse)?;
    commit(store, &plan, false);
    Ok(report)
}
