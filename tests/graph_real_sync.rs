//! Real Microsoft Graph delta rounds, drafts, instances and header-only
//! bodies (tests/data/graph-real, from Microsoft's Graph reference; sources
//! in its README) loaded as a sync, checked against an independent reading
//! of the README's loading rules written here with serde_json: which items
//! are stored, skipped (solo, draft) or refused and on which field, which
//! `@removed` entries delete and which find nothing, and how versions
//! (`lastModifiedDateTime`) and copies (`internetMessageId`) of a real
//! message count.

use std::collections::{BTreeMap, BTreeSet};

use rapport::consent::Retention;
use rapport::load::load_interactions;
use rapport::store::Store;
use rapport::{Error, Format, LoadOptions, LoadReport};
use serde_json::{json, Value};

fn read(file: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/graph-real/{file}.json", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
}

fn load(store: &mut Store, text: &str, lenient: bool) -> rapport::Result<LoadReport> {
    let opts = LoadOptions { format: Format::Graph, lenient, ..LoadOptions::default() };
    load_interactions(store, text, opts, &Retention { viewer: None, others: true })
}

/// What the README's rules make of one item.
#[derive(Debug, PartialEq)]
enum Fate {
    Stored(String),
    Removed(String),
    Draft,
    Solo,
    /// Refused on this field, the reason naming `$select`.
    NotSelected(&'static str),
}

fn address(party: &Value) -> Option<String> {
    party["emailAddress"]["address"].as_str().map(|a| a.trim().to_lowercase())
}

/// The rules, read literally: `@removed` deletes; an item with `start`,
/// `organizer` or `attendees` is an event, anything else a message; a
/// member a `$select` left out is refused, naming `$select`; drafts and
/// items with nobody but their sender are skipped.
fn fate(item: &Value) -> Fate {
    let id = item["id"].as_str().unwrap().to_string();
    if item.get("@removed").is_some() {
        return Fate::Removed(id);
    }
    let event = ["start", "organizer", "attendees"].iter().any(|m| item.get(*m).is_some());
    let (from, lists): (Option<String>, &[&str]) = if event {
        if item.get("organizer").is_none() {
            return Fate::NotSelected("organizer.emailAddress.address");
        }
        if item.get("attendees").is_none() {
            return Fate::NotSelected("attendees");
        }
        (address(&item["organizer"]), &["attendees"])
    } else {
        if item["isDraft"] == true {
            return Fate::Draft;
        }
        if item.get("toRecipients").is_none() {
            return Fate::NotSelected("toRecipients");
        }
        (address(&item["from"]).or_else(|| address(&item["sender"])), &["toRecipients", "ccRecipients"])
    };
    let from = from.unwrap();
    let others = lists
        .iter()
        .flat_map(|l| item[*l].as_array().cloned().unwrap_or_default())
        .filter(|p| p["type"] != "resource" && p["status"]["response"] != "declined")
        .filter_map(|p| address(&p))
        .any(|a| a != from);
    if others {
        Fate::Stored(id)
    } else {
        Fate::Solo
    }
}

fn items(text: &str) -> Vec<Value> {
    let body: Value = serde_json::from_str(text).unwrap();
    match body.get("value") {
        Some(Value::Array(items)) => items.clone(),
        _ => vec![body],
    }
}

/// The report a lenient load of `text` gives by the rules, given the ids
/// held before; updates `held`.
fn expected(
    text: &str,
    held: &mut BTreeSet<String>,
) -> (usize, usize, usize, usize, usize, BTreeMap<String, usize>) {
    let (mut accepted, mut solo, mut drafts, mut deleted, mut not_found) = (0, 0, 0, 0, 0);
    let mut refused = BTreeMap::new();
    for item in items(text) {
        match fate(&item) {
            Fate::Stored(id) => accepted += usize::from(held.insert(id)),
            Fate::Removed(id) if held.remove(&id) => deleted += 1,
            Fate::Removed(_) => not_found += 1,
            Fate::Draft => drafts += 1,
            Fate::Solo => solo += 1,
            Fate::NotSelected(field) => *refused.entry(format!("{field}: not selected")).or_insert(0) += 1,
        }
    }
    (accepted, solo, drafts, deleted, not_found, refused)
}

const ROUNDS: &[&[&str]] = &[
    &["messages-delta-page1", "messages-delta-next-round"],
    &[
        "calendarview-delta-page1",
        "calendarview-delta-page2",
        "calendarview-delta-page3",
        "calendarview-delta-next-round",
    ],
    &["mailfolder-list-messages", "message-createreply-draft", "message-get-headers", "event-instances"],
];

#[test]
fn real_delta_rounds_load_as_an_independent_reading_says() {
    for round in ROUNDS {
        let mut store = Store::new(Vec::new());
        let mut held = BTreeSet::new();
        for file in *round {
            let text = read(file);
            let want = expected(&text, &mut held);
            let r = load(&mut store, &text, true).unwrap_or_else(|e| panic!("{file}: {e}"));
            let got =
                (r.accepted, r.skipped_solo, r.skipped_drafts, r.deleted, r.not_found, r.rejected_by_reason);
            assert_eq!(got, want, "{file}");
            let stored: BTreeSet<String> =
                (0..store.rows().len()).map(|row| store.interaction_id(row).to_string()).collect();
            assert_eq!(stored, held, "{file}");
        }
    }
}

#[test]
fn real_bodies_whose_members_were_not_selected_are_refused_naming_select() {
    // A strict load refuses the whole page on the first such item, naming
    // the member the `$select` left out.
    for file in
        ["messages-delta-page1", "messages-delta-next-round", "message-get-headers", "event-instances"]
    {
        let text = read(file);
        let (index, field) = items(&text)
            .iter()
            .map(fate)
            .enumerate()
            .find_map(|(i, f)| match f {
                Fate::NotSelected(field) => Some((i, field)),
                _ => None,
            })
            .unwrap();
        let mut store = Store::new(Vec::new());
        let Err(Error::InvalidRecord(e)) = load(&mut store, &text, false) else {
            panic!("{file} must be refused")
        };
        assert_eq!((e.index, e.field.as_str()), (index, field), "{file}");
        assert!(e.reason.contains("$select"), "{file}: {}", e.reason);
        assert_eq!(store.rows().len(), 0, "{file}: all or nothing");
    }
}

/// The real message of `mailfolder-list-messages.json`.
fn real_message() -> Value {
    items(&read("mailfolder-list-messages")).remove(0)
}

fn page(items: &[Value]) -> String {
    json!({ "value": items }).to_string()
}

#[test]
fn a_real_removed_entry_deletes_the_real_message_it_names() {
    // The docs' delta round removes an id it never listed; the entry is
    // kept byte for byte but for its id, which names the real message
    // loaded first, as a later round of the same folder would.
    let mut store = Store::new(Vec::new());
    let message = real_message();
    assert_eq!(load(&mut store, &page(std::slice::from_ref(&message)), false).unwrap().accepted, 1);
    let mut removed = items(&read("messages-delta-next-round")).remove(0);
    assert!(removed.get("@removed").is_some());
    removed["id"] = message["id"].clone();
    let r = load(&mut store, &page(&[removed.clone()]), false).unwrap();
    assert_eq!((r.deleted, r.not_found, r.accepted), (1, 0, 0));
    assert_eq!(store.rows().len(), 0);
    assert!(store.lookup("meganb@contoso.com").is_none(), "the purge takes the names only it carried");
    let again = load(&mut store, &page(&[removed]), false).unwrap();
    assert_eq!((again.deleted, again.not_found), (0, 1));
}

#[test]
fn versions_of_a_real_message_follow_last_modified_date_time() {
    let message = real_message();
    let mut later = message.clone();
    later["lastModifiedDateTime"] = json!("2018-02-14T09:00:00Z");
    later["ccRecipients"] =
        json!([{ "emailAddress": { "name": "Alex Wilber", "address": "AlexW@contoso.com" } }]);
    let mut store = Store::new(Vec::new());
    // The later version first, then the real one, older: it changes nothing.
    assert_eq!(load(&mut store, &page(&[later.clone()]), false).unwrap().accepted, 1);
    let stale = load(&mut store, &page(std::slice::from_ref(&message)), false).unwrap();
    assert_eq!((stale.accepted, stale.updated, stale.duplicates), (0, 0, 1));
    let parts = |s: &Store| {
        let mut p: Vec<String> =
            s.rows().participants(0).iter().map(|&p| s.person_id(p).to_string()).collect();
        p.sort();
        p
    };
    assert_eq!(parts(&store), ["alexw@contoso.com", "meganb@contoso.com"]);
    // In order, the later version replaces the real one.
    let mut store = Store::new(Vec::new());
    load(&mut store, &page(std::slice::from_ref(&message)), false).unwrap();
    let r = load(&mut store, &page(&[later.clone()]), false).unwrap();
    assert_eq!((r.accepted, r.updated, r.duplicates), (0, 1, 0));
    assert_eq!(parts(&store), ["alexw@contoso.com", "meganb@contoso.com"]);
    // The same version again is a duplicate.
    let same = load(&mut store, &page(&[later]), false).unwrap();
    assert_eq!((same.updated, same.duplicates), (0, 1));
}

#[test]
fn a_real_message_seen_in_two_folders_counts_once() {
    // The recipient's Inbox copy of `message-get.json` has its own item id
    // and the same internetMessageId, sender and sentDateTime.
    let sent = items(&read("message-get")).remove(0);
    let mut inbox = sent.clone();
    inbox["id"] = json!("AAMkADhMGAAA-inbox-copy=");
    let mut store = Store::new(Vec::new());
    let r = load(&mut store, &page(&[sent.clone(), inbox]), false).unwrap();
    assert_eq!((r.accepted, r.same_message), (1, 1));
    assert_eq!(store.rows().len(), 1);
    assert_eq!(store.interaction_id(0), sent["id"].as_str().unwrap());
    // Another e-mail reusing the Message-ID at another time is not merged.
    let mut other = sent.clone();
    other["id"] = json!("AAMkADhMGAAA-other=");
    other["sentDateTime"] = json!("2018-09-10T03:15:06Z");
    let r = load(&mut store, &page(&[other]), false).unwrap();
    assert_eq!((r.accepted, r.same_message), (1, 0));
}
