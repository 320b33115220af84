//! Interaction records (SPEC 2.2): parsing each record into what staging
//! checks against the store, and loading a batch of them.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::batch::{parse_batch, LoadOptions, LoadReport};
use super::fields::{
    flag, normalized, number, optional_text, record_shape, required_text, text_list, trimmed, Fault,
};
use super::staging::{commit, stage, Alone, Parsed};
use crate::consent::Retention;
use crate::error::Result;
use crate::model::Kind;
use crate::store::Store;
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
        names: Vec::new(),
    })
}

/// Every item in a mailbox involves its owner: one that names them nowhere
/// (mail that reached them through a distribution list, or as Bcc) gets
/// them as a participant. Their own mail already has them as the sender.
pub(super) fn involve_owner(from: &str, parts: &mut Vec<Cow<'_, str>>, owner: &str) {
    if from != owner && !parts.iter().any(|p| p == owner) {
        parts.push(Cow::Owned(owner.to_string()));
    }
}

/// Loads a batch of SPEC 2.2 records: all of it or (strict) nothing.
pub fn load(store: &mut Store, text: &str, opts: LoadOptions, retention: &Retention) -> Result<LoadReport> {
    let mut report = LoadReport::default();
    let mut parsed = parse_batch(text, &opts, &mut report, parse)?;
    for (_, record) in &mut parsed {
        report.read(record.kind);
        if let Some(owner) = &opts.mailbox {
            involve_owner(&record.from, &mut record.parts, owner);
        }
    }
    let staged = stage(store, &parsed, &opts, &mut report, retention, Alone::Refuse)?;
    commit(store, &staged, false);
    report.accepted = staged.len();
    Ok(report)
}
