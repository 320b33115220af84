//! Microsoft Graph payloads (SPEC 2.3): what `GET /users/{id}/messages` and
//! `/events` (or `/calendarView`) return, a page object with a `value` array
//! or the array itself, mapped item by item onto interactions, then staged and
//! stored like any batch. `zones` turns event times into UTC; `replies` works
//! out who answers whom from each conversation's order.
//!
//! Rules beyond the field mapping:
//! - a message is a draft when `isDraft` is true or `sentDateTime` is null:
//!   skipped and counted (`skippedDrafts`);
//! - an item with nobody but its sender or organizer (a note to self, a
//!   personal appointment, a meeting every attendee declined) is skipped and
//!   counted (`skippedSolo`), not refused: a calendar is full of them;
//! - attendees who declined, and resources (rooms, equipment), do not take
//!   part; recipients or attendees without an address are left out;
//! - an all-day event counts as a meeting on its first day (local midnight)
//!   with no minutes: a day blocked for an offsite is not eight hours of
//!   meeting, and would swamp every minutes figure;
//! - `/events` lists a recurring series once (its master); `/calendarView`
//!   lists each occurrence, which is what meeting counts want;
//! - delta pages (`/messages/delta`, `/events/delta`, `/calendarView/delta`)
//!   are pages like any other: `lastModifiedDateTime` orders the versions of
//!   an item, and `@removed` entries delete (see `removal`).

mod replies;

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::batch::{parse_records, LoadOptions, LoadReport};
use super::fields::{
    flag, members, normalized, optional_text, raw_list, required_text, text, trimmed, Fault,
};
use super::headers;
use super::staging::{commit, stage, Alone, Parsed};
use crate::consent::Retention;
use crate::error::{Error, Result};
use crate::model::Kind;
use crate::store::{Store, NO_VERSION};
use crate::time::{check_range, format_rfc3339, parse_local, parse_rfc3339, zones, MAX_DURATION_MS};

/// The `value` array of a page object.
fn page_value(text: &str) -> Result<&RawValue, String> {
    let value = members(text, &["value"]).map_err(|e| e.to_string())?[0];
    value.filter(|v| v.get().starts_with('[')).ok_or_else(|| "no \"value\" array".to_string())
}

/// The items of a Graph page: its `value` array, or the text's own array.
pub fn page_items(text: &str) -> Result<Vec<&RawValue>> {
    let array = if text.trim_start().starts_with('[') {
        text
    } else {
        page_value(text)
            .map_err(|why| {
                Error::InvalidInput(format!(
                    "not a Microsoft Graph page (an object with a \"value\" array): {why}"
                ))
            })?
            .get()
    };
    serde_json::from_str(array)
        .map_err(|e| Error::InvalidInput(format!("not a JSON array of Graph items: {e}")))
}

/// The items of `text` when it is one JSON object with a `value` array: how
/// the default format tells a Graph page from NDJSON, whose first record
/// ends at its line (the read stops there).
pub fn detect_page(text: &str) -> Option<Vec<&RawValue>> {
    serde_json::from_str(page_value(text).ok()?.get()).ok()
}

/// Loads the items of one Graph page: all of them or (strict) none. Indexes
/// in errors are positions in the page's `value` array.
pub fn load(
    store: &mut Store,
    items: Vec<&RawValue>,
    opts: LoadOptions,
    retention: &Retention,
) -> Result<LoadReport> {
    let mut report = LoadReport::default();
    let records = items.into_iter().enumerate().map(|(i, r)| (i, Ok(r))).collect();
    let parsed = parse_records(records, opts, &mut report, parse)?;
    let mut interactions = Vec::with_capacity(parsed.len());
    for (index, item) in parsed {
        match item {
            Mapped::Interaction(record) => {
                if !record.deleted {
                    report.read(record.kind);
                }
                interactions.push((index, record));
            }
            Mapped::Draft => {
                report.read(Kind::Email);
                report.skipped_drafts += 1;
            }
            Mapped::Solo(kind) => {
                report.read(kind);
                report.skipped_solo += 1;
            }
        }
    }
    let plan = stage(store, &interactions, opts, &mut report, retention, Alone::Skip)?;
    commit(store, &plan, true);
    replies::thread(store, plan.staged());
    Ok(report)
}

/// What an item maps to.
// Items are mapped one at a time and the records moved into the batch's
// list as they are: a box would add an allocation a record for nothing.
#[allow(clippy::large_enum_variant)]
enum Mapped<'a> {
    Interaction(Parsed<'a>),
    Draft,
    /// Nobody but the sender or organizer, of this kind.
    Solo(Kind),
}

/// The members of a message or an event that the mapping reads, in the
/// order of [`ITEM_MEMBERS`].
#[derive(Clone, Copy)]
enum Member {
    ODataType,
    Id,
    IsDraft,
    SentDateTime,
    From,
    Sender,
    ToRecipients,
    CcRecipients,
    ConversationId,
    Organizer,
    Attendees,
    Start,
    End,
    IsAllDay,
    IsCancelled,
    InternetMessageId,
    InternetMessageHeaders,
    ConversationIndex,
    // sync: versions and delta removals.
    LastModifiedDateTime,
    Removed,
}

/// The members of a Graph item the mapping reads (the fuzz seeds keep only these).
pub const ITEM_MEMBERS: [&str; 20] = [
    "@odata.type",
    "id",
    "isDraft",
    "sentDateTime",
    "from",
    "sender",
    "toRecipients",
    "ccRecipients",
    "conversationId",
    "organizer",
    "attendees",
    "start",
    "end",
    "isAllDay",
    "isCancelled",
    "internetMessageId",
    "internetMessageHeaders",
    "conversationIndex",
    // sync: versions and delta removals.
    "lastModifiedDateTime",
    "@removed",
];

struct Item<'a>(Vec<Option<&'a RawValue>>);

impl<'a> Item<'a> {
    /// A member's value; `null` reads as missing.
    fn get(&self, m: Member) -> Option<&'a RawValue> {
        non_null(self.raw(m))
    }

    /// A member's value, `null` included.
    fn raw(&self, m: Member) -> Option<&'a RawValue> {
        self.0.get(m as usize).copied().flatten()
    }
}

/// `null` read as missing, as Graph writes absent values.
fn non_null(value: Option<&RawValue>) -> Option<&RawValue> {
    value.filter(|v| v.get() != "null")
}

const PARTY: &str = "{ \"emailAddress\": { \"address\": \"…\" } }";

fn parse(raw: &RawValue) -> Result<Mapped<'_>, Fault> {
    if !raw.get().starts_with('{') {
        return Err(Fault::new("", "not an object", "expected a JSON object"));
    }
    let item = members(raw.get(), &ITEM_MEMBERS)
        .map(Item)
        .map_err(|e| Fault::new("", "malformed", e.to_string()))?;
    if let Some(removed) = item.raw(Member::Removed) {
        return removal(&item, removed);
    }
    if is_event(&item)? {
        event(&item)
    } else {
        message(&item)
    }
}

/// A delta page's `{ "id", "@removed": { "reason" } }`: a deletion, whatever
/// the reason. `deleted` is gone for good; `changed` (OData: "removed from
/// membership in the result") is an item that left what the delta tracks
/// (moved to another folder, out of a calendar view's window, a soft
/// delete): no longer in the synced collection, so no longer counted. If it
/// comes back, a later delta lists it again and it loads again.
fn removal<'a>(item: &Item<'a>, removed: &'a RawValue) -> Result<Mapped<'a>, Fault> {
    if !removed.get().starts_with('{') {
        return Err(Fault::new(
            "@removed",
            "wrong type",
            "expected { \"reason\": \"deleted\" | \"changed\" }",
        ));
    }
    let id = required_text(item.get(Member::Id), "id")?;
    Ok(Mapped::Interaction(Parsed::deletion(trimmed(id), version(item)?)))
}

/// `lastModifiedDateTime`, the version of an item, if it has one.
fn version(item: &Item) -> Result<i64, Fault> {
    let Some(raw) = item.get(Member::LastModifiedDateTime) else { return Ok(NO_VERSION) };
    parse_rfc3339(&text(raw, "lastModifiedDateTime")?)
        .map_err(|reason| Fault::new("lastModifiedDateTime", "invalid value", reason))
}

/// Whether an item is an event (else a message): by `@odata.type` when it
/// is there, else by the members only one of the two has.
fn is_event(item: &Item) -> Result<bool, Fault> {
    use Member::*;
    if let Some(t) = item.get(ODataType) {
        let t = text(t, "@odata.type")?;
        return match t.strip_prefix("#microsoft.graph.") {
            Some("event") => Ok(true),
            Some(m) if m == "message" || m.contains("Message") => Ok(false),
            _ => Err(Fault::new(
                "@odata.type",
                "unsupported",
                format!("expected a message or an event, found \"{}\"", clip(&t)),
            )),
        };
    }
    let has = |members: &[Member]| members.iter().any(|&m| item.raw(m).is_some());
    if has(&[Start, Organizer, Attendees]) {
        return Ok(true);
    }
    if has(&[SentDateTime, From, IsDraft, ToRecipients]) {
        return Ok(false);
    }
    Err(Fault::new(
        "",
        "not a Graph item",
        "neither a message (sentDateTime, from, toRecipients) nor an event (start, organizer, attendees)",
    ))
}

fn message<'a>(item: &Item<'a>) -> Result<Mapped<'a>, Fault> {
    use Member::*;
    let draft = flag(item.get(IsDraft), "isDraft")?.unwrap_or(false);
    if draft || item.raw(SentDateTime).is_some_and(|s| s.get() == "null") {
        return Ok(Mapped::Draft);
    }
    let id = required_text(item.get(Id), "id")?;
    let from = match address(item.get(From), "from.emailAddress.address")? {
        Some(from) => from,
        None => address(item.get(Sender), "sender.emailAddress.address")?.ok_or_else(|| {
            Fault::new("from.emailAddress.address", "missing", "the message has no sender address")
        })?,
    };
    let mut parts = Vec::new();
    add_parties(&mut parts, &from, item.get(ToRecipients), "toRecipients")?;
    add_parties(&mut parts, &from, item.get(CcRecipients), "ccRecipients")?;
    if parts.is_empty() {
        return Ok(Mapped::Solo(Kind::Email));
    }
    let sent = required_text(item.get(SentDateTime), "sentDateTime")?;
    let at = parse_rfc3339(&sent).map_err(|reason| Fault::new("sentDateTime", "invalid value", reason))?;
    let thread = optional_text(item.get(ConversationId), "conversationId")?.filter(|t| !t.trim().is_empty());
    let message_id = match optional_text(item.get(InternetMessageId), "internetMessageId")? {
        Some(m) => Some(
            headers::message_id(&m)
                .map_err(|reason| Fault::new("internetMessageId", "invalid value", reason))?,
        ),
        None => None,
    };
    // An index that is not 22 + 5k bytes of base64 (samples and test data
    // carry placeholders) is no index: order decides, as without one.
    let conv_index = optional_text(item.get(ConversationIndex), "conversationIndex")?
        .and_then(|b64| headers::conversation_index(&b64).ok());
    let (reply_headers, reply_message) = reply_headers(item.get(InternetMessageHeaders))?;
    Ok(Mapped::Interaction(Parsed {
        id: trimmed(id),
        kind: Kind::Email,
        from,
        parts,
        at,
        duration_s: 0,
        thread,
        reply_to: None,
        cancelled: false,
        message_id,
        reply_message,
        conv_index,
        reply_headers,
        version: version(item)?,
        deleted: false,
    }))
}

/// Reads `internetMessageHeaders` (`[{ "name", "value" }]`, names compared
/// without regard to case): whether the item has any, and the Message-ID its
/// `In-Reply-To` or `References` names. Graph sends headers only when they
/// are selected and only on received copies; an item with headers but no
/// such field starts its thread.
fn reply_headers(raw: Option<&RawValue>) -> Result<(bool, Option<String>), Fault> {
    const FIELD: &str = "internetMessageHeaders";
    let entries = raw_list(raw, FIELD)?;
    let (mut in_reply_to, mut references) = (None, None);
    for entry in &entries {
        let header = members(entry.get(), &["name", "value"]).map_err(|_| {
            Fault::new(FIELD, "wrong type", "expected every entry to be { \"name\", \"value\" }")
        })?;
        let (Some(name), Some(value)) = (non_null(header[0]), non_null(header[1])) else { continue };
        let name = text(name, FIELD)?;
        if name.eq_ignore_ascii_case("in-reply-to") {
            in_reply_to.get_or_insert(text(value, FIELD)?);
        } else if name.eq_ignore_ascii_case("references") {
            references.get_or_insert(text(value, FIELD)?);
        }
    }
    Ok((!entries.is_empty(), headers::answered(in_reply_to.as_deref(), references.as_deref())))
}

fn event<'a>(item: &Item<'a>) -> Result<Mapped<'a>, Fault> {
    use Member::*;
    let id = required_text(item.get(Id), "id")?;
    let from = address(item.get(Organizer), "organizer.emailAddress.address")?.ok_or_else(|| {
        Fault::new("organizer.emailAddress.address", "missing", "the event has no organizer address")
    })?;
    let mut parts = Vec::new();
    add_parties(&mut parts, &from, item.get(Attendees), "attendees")?;
    if parts.is_empty() {
        return Ok(Mapped::Solo(Kind::Meeting));
    }
    let start = instant(item.get(Start), &STARTS)?;
    let end = instant(item.get(End), &ENDS)?;
    if end < start {
        return Err(Fault::new(
            "end.dateTime",
            "invalid value",
            format!("the event ends ({}) before it starts ({})", format_rfc3339(end), format_rfc3339(start)),
        ));
    }
    if end - start > MAX_DURATION_MS {
        return Err(Fault::new("end.dateTime", "invalid value", "the event lasts longer than 31 days"));
    }
    let all_day = flag(item.get(IsAllDay), "isAllDay")?.unwrap_or(false);
    let duration_s = if all_day { 0 } else { ((end - start + 500) / 1000) as u32 };
    Ok(Mapped::Interaction(Parsed {
        id: trimmed(id),
        kind: Kind::Meeting,
        from,
        parts,
        at: start,
        duration_s,
        thread: None,
        reply_to: None,
        cancelled: flag(item.get(IsCancelled), "isCancelled")?.unwrap_or(false),
        message_id: None,
        reply_message: None,
        conv_index: None,
        reply_headers: false,
        version: version(item)?,
        deleted: false,
    }))
}

/// The normalised address of a `{ "emailAddress": { "address" } }` object;
/// `None` when it is missing, `null` or blank.
fn address<'a>(raw: Option<&'a RawValue>, field: &'static str) -> Result<Option<Cow<'a, str>>, Fault> {
    let Some(raw) = raw else { return Ok(None) };
    let party = members(raw.get(), &["emailAddress"])
        .map_err(|_| Fault::new(field, "wrong type", format!("expected {PARTY}")))?;
    mailbox(party[0], field)
}

/// The normalised `address` of an `emailAddress` object, if it has one.
fn mailbox<'a>(raw: Option<&'a RawValue>, field: &'static str) -> Result<Option<Cow<'a, str>>, Fault> {
    let Some(raw) = non_null(raw) else { return Ok(None) };
    let mailbox = members(raw.get(), &["address"])
        .map_err(|_| Fault::new(field, "wrong type", format!("expected {PARTY}")))?;
    let Some(address) = non_null(mailbox[0]) else { return Ok(None) };
    let id = normalized(text(address, field)?);
    Ok((!id.is_empty()).then_some(id))
}

/// Adds the people of a recipients or attendees list to `parts`: without
/// the sender, repeats, declined attendees or resources (rooms, equipment).
fn add_parties<'a>(
    parts: &mut Vec<Cow<'a, str>>,
    from: &str,
    raw: Option<&'a RawValue>,
    field: &'static str,
) -> Result<(), Fault> {
    let wrong = || Fault::new(field, "wrong type", format!("expected every entry to be {PARTY}"));
    for entry in raw_list(raw, field)? {
        let party = members(entry.get(), &["emailAddress", "type", "status"]).map_err(|_| wrong())?;
        let is = |value: Option<&RawValue>, expected: &str| value.is_some_and(|v| v.get() == expected);
        let response = party[2].and_then(|s| members(s.get(), &["response"]).ok()).and_then(|r| r[0]);
        if is(party[1], "\"resource\"") || is(response, "\"declined\"") {
            continue;
        }
        if let Some(id) = mailbox(party[0], field)? {
            if id != from && !parts.contains(&id) {
                parts.push(id);
            }
        }
    }
    Ok(())
}

/// The member names of an event's `start` or `end`, for error messages.
struct Side {
    whole: &'static str,
    date_time: &'static str,
    time_zone: &'static str,
}

const STARTS: Side = Side { whole: "start", date_time: "start.dateTime", time_zone: "start.timeZone" };
const ENDS: Side = Side { whole: "end", date_time: "end.dateTime", time_zone: "end.timeZone" };

/// The UTC instant of a `{ "dateTime", "timeZone" }` object.
fn instant(raw: Option<&RawValue>, side: &Side) -> Result<i64, Fault> {
    let raw = raw.ok_or_else(|| Fault::new(side.whole, "missing", "required field is missing"))?;
    let value = members(raw.get(), &["dateTime", "timeZone"]).map_err(|_| {
        Fault::new(side.whole, "wrong type", "expected { \"dateTime\": \"…\", \"timeZone\": \"…\" }")
    })?;
    let local = parse_local(&required_text(non_null(value[0]), side.date_time)?)
        .map_err(|reason| Fault::new(side.date_time, "invalid value", reason))?;
    let zone = required_text(non_null(value[1]), side.time_zone)?;
    let rule = zones::find(&zone).ok_or_else(|| {
        Fault::new(
            side.time_zone,
            "unknown time zone",
            format!("\"{}\" is not a Windows or IANA time zone name", clip(&zone)),
        )
    })?;
    check_range(zones::to_utc(rule, local))
        .map_err(|reason| Fault::new(side.date_time, "invalid value", reason))
}

/// At most 40 characters of a value quoted in an error message.
fn clip(s: &str) -> &str {
    s.char_indices().nth(40).map_or(s, |(i, _)| &s[..i])
}

#[cfg(test)]
mod tests {
    use super::{load, page_items};
    use crate::consent::Retention;
    use crate::load::batch::{Format, LoadOptions};
    use crate::store::threads::reply_work;
    use crate::store::Store;

    /// Issue 12 (class 12, Graph part): a 20,000-message sync in pages of 10,
    /// each page continuing stored conversations, looks at each stored row a
    /// bounded number of times in all, not at the whole store per page.
    #[test]
    fn class_12_a_page_that_continues_stored_conversations_costs_its_own_conversations() {
        let party = |a: &str| format!(r#"{{"emailAddress":{{"address":"{a}"}}}}"#);
        let n = 20_000;
        let mut store = Store::new(vec!["northwind.example".into()]);
        let opts = LoadOptions { format: Format::Graph, lenient: false };
        let retention = Retention { viewer: None, others: true };
        reply_work::ROWS.with(|c| c.set(0));
        for page in 0..n / 10 {
            let items: Vec<String> = (0..10)
                .map(|i| {
                    let m = page * 10 + i;
                    // 500 conversations, each continued by every 50th page.
                    let (from, to) = if m % 2 == 0 { ("ada", "cleo") } else { ("cleo", "ada") };
                    format!(
                        r#"{{"id":"m{m}","conversationId":"conv-{}","sentDateTime":"2026-01-01T{:02}:{:02}:{:02}Z","from":{},"toRecipients":[{}]}}"#,
                        m % 500,
                        (m / 3600) % 24,
                        (m / 60) % 60,
                        m % 60,
                        party(&format!("{from}@northwind.example")),
                        party(&format!("{to}@contoso.example")),
                    )
                })
                .collect();
            let text = format!(r#"{{"value":[{}]}}"#, items.join(","));
            load(&mut store, page_items(&text).unwrap(), opts, &retention).unwrap();
        }
        assert_eq!(store.rows().len(), n);
        let rows = reply_work::ROWS.with(|c| c.get());
        // Each page reads its conversations' stored e-mails: 10 conversations
        // of up to n / 500 e-mails each, so n / 10 pages · 10 · n / 500 in all.
        let bound = (n / 10) * 10 * (n / 500);
        assert!(rows <= bound, "{rows} stored rows visited for {n} messages (bound {bound})");
    }
}
