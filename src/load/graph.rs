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
//! - `/events` lists a recurring series once (its master): a master
//!   (`type: "seriesMaster"`, or a `recurrence`) is refused, its reason
//!   saying to use `/calendarView`, which lists each occurrence (expanding
//!   the pattern here would need the series' exceptions, which `/events`
//!   does not give);
//! - a message without a `toRecipients` member was fetched with a `$select`
//!   that left it out: refused, naming `$select`, rather than read as mail
//!   to nobody (an empty array is a message to nobody);
//! - a body that is one item (`GET /messages/{id}`, `/events/{id}`) loads
//!   as a page of one;
//! - an event `dateTime` ending in `Z` is that UTC instant;
//! - `emailAddress.name` names a person the directory does not name;
//! - with a `mailbox`, every item involves its owner (see `LoadOptions`),
//!   except an event the owner declined.
//! - delta pages (`/messages/delta`, `/events/delta`, `/calendarView/delta`)
//!   are pages like any other: `lastModifiedDateTime` orders the versions of
//!   an item, and `@removed` entries delete (see `removal`).

mod replies;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::batch::{parse_records, LoadOptions, LoadReport};
use super::fields::{
    flag, members, normalized, optional_text, raw_list, required_text, text, trimmed, Fault,
};
use super::headers;
use super::interactions::involve_owner;
use super::parsed::{span, Mail, Named, Parsed, Records};
use super::staging::{commit, stage, Alone, Staged};
use crate::consent::Retention;
use crate::error::{Error, Result};
use crate::model::Kind;
use crate::store::{Store, NO_VERSION};
use crate::time::{check_range, format_rfc3339, parse_local, parse_rfc3339, zones, MAX_DURATION_MS};

/// The `value` array of a page object.
fn page_value(text: &str) -> Result<&str, String> {
    let value = members(text, &["value"]).map_err(|e| e.to_string())?[0];
    value.filter(|v| v.starts_with('[')).ok_or_else(|| "no \"value\" array".to_string())
}

/// The items of a Graph page: its `value` array, the text's own array, or
/// the one item a `GET /messages/{id}` or `/events/{id}` body is.
pub fn page_items(text: &str) -> Result<Vec<&RawValue>> {
    let array = if text.trim_start().starts_with('[') {
        text
    } else {
        match page_value(text) {
            Ok(value) => value,
            Err(why) => {
                return single_item(text).ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "not a Microsoft Graph page (an object with a \"value\" array) or item: {why}"
                    ))
                })
            }
        }
    };
    serde_json::from_str(array)
        .map_err(|e| Error::InvalidInput(format!("not a JSON array of Graph items: {e}")))
}

/// The items of `text` when it is one JSON object with a `value` array: how
/// the default format tells a Graph page from NDJSON, whose first record
/// ends at its line (the read stops there). A single item is recognised by
/// its `@odata.context` ending in `/$entity`, as Graph writes it, so that a
/// one-line NDJSON batch is never taken for one.
pub fn detect_page(text: &str) -> Option<Vec<&RawValue>> {
    if let Ok(value) = page_value(text) {
        return serde_json::from_str(value).ok();
    }
    let context = members(text, &["@odata.context"]).ok()?[0]?;
    let context: Cow<str> = serde_json::from_str::<Cow<str>>(context).ok()?;
    if context.ends_with("/$entity") {
        single_item(text)
    } else {
        None
    }
}

/// `text` as a page of one, when it is one JSON object with an `id` and no
/// `value` (an object with a `value` that is not an array is a bad page).
fn single_item(text: &str) -> Option<Vec<&RawValue>> {
    let item: &RawValue = serde_json::from_str(text).ok()?;
    let [value, id] = members(item.get(), &["value", "id"]).ok()?[..] else { return None };
    (value.is_none() && id.is_some()).then(|| vec![item])
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
    let records = items.into_iter().map(RawValue::get).enumerate();
    let owner = opts.mailbox.as_deref();
    let parsed = parse_records(records, &opts, &mut report, |raw| parse(raw, owner))?;
    let mut interactions = Vec::with_capacity(parsed.len());
    let mut people = Vec::new();
    for (index, item) in parsed {
        match item {
            Mapped::Interaction(mut record, parts) => {
                if !record.deleted {
                    report.read(record.kind);
                }
                let start = people.len();
                people.extend(parts);
                record.parts = span(&people, start);
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
    let records = Records { list: interactions, people };
    let plan = stage(store, &records, &opts, &mut report, retention, Alone::Skip)?;
    commit(store, &plan, true);
    learn_names(store, plan.staged());
    replies::thread(store, plan.staged());
    Ok(report)
}

/// Names the people of stored items as their items do, where the directory
/// does not (see [`crate::model::Person::learn_name`]). Only stored items
/// teach names, and never of someone who opted out.
fn learn_names<'a, 't: 'a>(store: &mut Store, staged: impl Iterator<Item = &'a Staged<'t>>) {
    for s in staged {
        for named in &s.record.mail().names {
            let Some(p) = store.lookup(&named.id) else { continue };
            let person = store.person_mut(p);
            if !person.opted_out {
                person.learn_name(&named.name, named.own);
            }
        }
    }
}

/// What an item maps to.
// Items are mapped one at a time and the records moved into the batch's
// list as they are: a box would add an allocation a record for nothing.
#[allow(clippy::large_enum_variant)]
enum Mapped<'a> {
    /// A record, and its participants (placed in the batch's list once read).
    Interaction(Parsed<'a>, Vec<Cow<'a, str>>),
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
    // graph: series masters.
    Type,
    Recurrence,
}

/// The members of a Graph item the mapping reads (the fuzz seeds keep only these).
pub const ITEM_MEMBERS: [&str; 22] = [
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
    // graph: series masters.
    "type",
    "recurrence",
];

struct Item<'a>(Vec<Option<&'a str>>);

impl<'a> Item<'a> {
    /// A member's value; `null` reads as missing.
    fn get(&self, m: Member) -> Option<&'a str> {
        non_null(self.raw(m))
    }

    /// A member's value, `null` included.
    fn raw(&self, m: Member) -> Option<&'a str> {
        self.0.get(m as usize).copied().flatten()
    }
}

/// `null` read as missing, as Graph writes absent values.
fn non_null(value: Option<&str>) -> Option<&str> {
    value.filter(|&v| v != "null")
}

const PARTY: &str = "{ \"emailAddress\": { \"address\": \"…\" } }";

fn parse<'a>(raw: &'a str, owner: Option<&str>) -> Result<Mapped<'a>, Fault> {
    if !raw.starts_with('{') {
        return Err(Fault::new("", "not an object", "expected a JSON object"));
    }
    let item =
        members(raw, &ITEM_MEMBERS).map(Item).map_err(|e| Fault::new("", "malformed", e.to_string()))?;
    if let Some(removed) = item.raw(Member::Removed) {
        return removal(&item, removed);
    }
    if is_event(&item)? {
        event(&item, owner)
    } else {
        message(&item, owner)
    }
}

/// A delta page's `{ "id", "@removed": { "reason" } }`: a deletion, whatever
/// the reason. `deleted` is gone for good; `changed` (OData: "removed from
/// membership in the result") is an item that left what the delta tracks
/// (moved to another folder, out of a calendar view's window, a soft
/// delete): no longer in the synced collection, so no longer counted. If it
/// comes back, a later delta lists it again and it loads again.
fn removal<'a>(item: &Item<'a>, removed: &'a str) -> Result<Mapped<'a>, Fault> {
    if !removed.starts_with('{') {
        return Err(Fault::new(
            "@removed",
            "wrong type",
            "expected { \"reason\": \"deleted\" | \"changed\" }",
        ));
    }
    let id = required_text(item.get(Member::Id), "id")?;
    Ok(Mapped::Interaction(Parsed::deletion(trimmed(id), version(item)?), Vec::new()))
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
    // Members only a message has count too: a body fetched with
    // `$select=internetMessageHeaders` is a message whose recipients were
    // not selected, and must say so.
    let message_only = [InternetMessageId, InternetMessageHeaders, ConversationIndex];
    if has(&[SentDateTime, From, Sender, IsDraft, ToRecipients]) || has(&message_only) {
        return Ok(false);
    }
    Err(Fault::new(
        "",
        "not a Graph item",
        "neither a message (sentDateTime, from, sender, toRecipients) nor an event (start, organizer, attendees)",
    ))
}

fn message<'a>(item: &Item<'a>, owner: Option<&str>) -> Result<Mapped<'a>, Fault> {
    use Member::*;
    let draft = flag(item.get(IsDraft), "isDraft")?.unwrap_or(false);
    if draft || item.raw(SentDateTime).is_some_and(|s| s == "null") {
        return Ok(Mapped::Draft);
    }
    let id = required_text(item.get(Id), "id")?;
    if item.raw(ToRecipients).is_none() {
        return Err(Fault::new(
            "toRecipients",
            "not selected",
            "the message has no toRecipients member: fetch it with a $select that includes \
             toRecipients and ccRecipients (an empty array means no recipients)",
        ));
    }
    let mut names = Vec::new();
    let from = match party(item.get(From), "from.emailAddress.address")? {
        Some(from) => from,
        None => party(item.get(Sender), "sender.emailAddress.address")?.ok_or_else(|| {
            Fault::new("from.emailAddress.address", "missing", "the message has no sender address")
        })?,
    };
    let from = named(&mut names, from, true);
    let mut parts = Vec::new();
    add_parties(&mut parts, &mut names, &from, item.get(ToRecipients), "toRecipients")?;
    let mut addressed = parts.len();
    add_parties(&mut parts, &mut names, &from, item.get(CcRecipients), "ccRecipients")?;
    if let Some(owner) = owner {
        involve_owner(Kind::Email, &from, &mut parts, 0, &mut addressed, owner);
    }
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
    let record = Parsed {
        id: trimmed(id),
        kind: Kind::Email,
        from,
        parts: (0, 0),
        at,
        duration_s: 0,
        thread,
        reply_to: None,
        cancelled: false,
        version: version(item)?,
        deleted: false,
        addressed,
        mail: Mail { message_id, reply_message, conv_index, reply_headers, names }.boxed(),
    };
    Ok(Mapped::Interaction(record, parts))
}

/// Reads `internetMessageHeaders` (`[{ "name", "value" }]`, names compared
/// without regard to case): whether the item has any, and the Message-ID its
/// `In-Reply-To` or `References` names. Graph sends headers only when they
/// are selected and only on received copies; an item with headers but no
/// such field starts its thread.
fn reply_headers(raw: Option<&str>) -> Result<(bool, Option<String>), Fault> {
    const FIELD: &str = "internetMessageHeaders";
    let entries = raw_list(raw, FIELD)?;
    let (mut in_reply_to, mut references) = (None, None);
    for entry in &entries {
        let header = members(entry, &["name", "value"]).map_err(|_| {
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

fn event<'a>(item: &Item<'a>, owner: Option<&str>) -> Result<Mapped<'a>, Fault> {
    use Member::*;
    let id = required_text(item.get(Id), "id")?;
    let master = item.get(Type) == Some("\"seriesMaster\"");
    if master || item.get(Recurrence).is_some() {
        return Err(Fault::new(
            "type",
            "series master",
            "a recurring series' master stands for all its occurrences: load /calendarView \
             (startDateTime, endDateTime), which lists each occurrence, instead of /events",
        ));
    }
    // As for a message's recipients: a member a `$select` left out is no
    // empty list, so the event is refused, not counted as solo.
    for (member, field) in [(Organizer, "organizer.emailAddress.address"), (Attendees, "attendees")] {
        if item.raw(member).is_none() {
            return Err(Fault::new(
                field,
                "not selected",
                "the event has no organizer or attendees member: fetch it with a $select that \
                 includes organizer and attendees (an empty array means no attendees)",
            ));
        }
    }
    let mut names = Vec::new();
    let from = party(item.get(Organizer), "organizer.emailAddress.address")?.ok_or_else(|| {
        Fault::new("organizer.emailAddress.address", "missing", "the event has no organizer address")
    })?;
    let from = named(&mut names, from, true);
    let mut parts = Vec::new();
    let skipped = add_parties(&mut parts, &mut names, &from, item.get(Attendees), "attendees")?;
    let mut addressed = parts.len();
    if let Some(owner) = owner.filter(|o| !skipped.iter().any(|s| s == o)) {
        // An owner who declined stays out, as any attendee who declined.
        involve_owner(Kind::Meeting, &from, &mut parts, 0, &mut addressed, owner);
    }
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
    let record = Parsed {
        id: trimmed(id),
        kind: Kind::Meeting,
        from,
        parts: (0, 0),
        at: start,
        duration_s,
        thread: None,
        reply_to: None,
        cancelled: flag(item.get(IsCancelled), "isCancelled")?.unwrap_or(false),
        version: version(item)?,
        deleted: false,
        addressed,
        mail: Mail { names, ..Mail::default() }.boxed(),
    };
    Ok(Mapped::Interaction(record, parts))
}

/// A person as an item writes them: normalised address, display name.
type Party<'a> = (Cow<'a, str>, Option<Cow<'a, str>>);

/// The normalised address (and name) of a `{ "emailAddress": { "address" } }`
/// object; `None` when the address is missing, `null` or blank.
fn party<'a>(raw: Option<&'a str>, field: &'static str) -> Result<Option<Party<'a>>, Fault> {
    let Some(raw) = raw else { return Ok(None) };
    let party = members(raw, &["emailAddress"])
        .map_err(|_| Fault::new(field, "wrong type", format!("expected {PARTY}")))?;
    mailbox(party[0], field)
}

/// The normalised `address` of an `emailAddress` object, if it has one,
/// with its `name` when that is a non-blank string (a name of another
/// type is ignored, not refused: it is never needed to count).
fn mailbox<'a>(raw: Option<&'a str>, field: &'static str) -> Result<Option<Party<'a>>, Fault> {
    let Some(raw) = non_null(raw) else { return Ok(None) };
    let mailbox = members(raw, &["address", "name"])
        .map_err(|_| Fault::new(field, "wrong type", format!("expected {PARTY}")))?;
    let Some(address) = non_null(mailbox[0]) else { return Ok(None) };
    let id = normalized(text(address, field)?);
    let name = non_null(mailbox[1]).and_then(|n| text(n, field).ok()).map(trimmed).filter(|n| !n.is_empty());
    Ok((!id.is_empty()).then_some((id, name)))
}

/// The address of a party, its name noted in `names`.
fn named<'a>(names: &mut Vec<Named<'a>>, (id, name): Party<'a>, own: bool) -> Cow<'a, str> {
    if let Some(name) = name {
        names.push(Named { id: id.clone(), name, own });
    }
    id
}

/// Adds the people of a recipients or attendees list to `parts` (their
/// names to `names`): without the sender, repeats, declined attendees or
/// resources (rooms, equipment). Returns the addresses of those left out
/// for declining or being resources.
fn add_parties<'a>(
    parts: &mut Vec<Cow<'a, str>>,
    names: &mut Vec<Named<'a>>,
    from: &str,
    raw: Option<&'a str>,
    field: &'static str,
) -> Result<Vec<Cow<'a, str>>, Fault> {
    let wrong = || Fault::new(field, "wrong type", format!("expected every entry to be {PARTY}"));
    let mut skipped = Vec::new();
    for entry in raw_list(raw, field)? {
        let party = members(entry, &["emailAddress", "type", "status"]).map_err(|_| wrong())?;
        let is = |value: Option<&str>, expected: &str| value == Some(expected);
        let response = party[2].and_then(|s| members(s, &["response"]).ok()).and_then(|r| r[0]);
        let Some(found) = mailbox(party[0], field)? else { continue };
        if is(party[1], "\"resource\"") || is(response, "\"declined\"") {
            skipped.push(found.0);
            continue;
        }
        if found.0 != from && !parts.contains(&found.0) {
            let id = named(names, found, false);
            parts.push(id);
        }
    }
    Ok(skipped)
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
fn instant(raw: Option<&str>, side: &Side) -> Result<i64, Fault> {
    let raw = raw.ok_or_else(|| Fault::new(side.whole, "missing", "required field is missing"))?;
    let value = members(raw, &["dateTime", "timeZone"]).map_err(|_| {
        Fault::new(side.whole, "wrong type", "expected { \"dateTime\": \"…\", \"timeZone\": \"…\" }")
    })?;
    let date_time = required_text(non_null(value[0]), side.date_time)?;
    if let Some(utc) = date_time.trim().strip_suffix(['Z', 'z']) {
        // Graph's own UTC form: the instant itself, whatever `timeZone` says.
        return parse_local(utc).map_err(|reason| Fault::new(side.date_time, "invalid value", reason));
    }
    let local =
        parse_local(&date_time).map_err(|reason| Fault::new(side.date_time, "invalid value", reason))?;
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
