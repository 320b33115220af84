//! Real Microsoft Graph payloads (tests/data/graph-real, from Microsoft's
//! Graph reference; sources in its README) loaded as they are, checked
//! against an independent reading of the README's mapping rules written
//! here with serde_json: who sent, who took part, when (UTC), how long, and
//! the names people get. The shapes are those demo data never has: one item
//! as the whole body, 7-digit fractional seconds, a series master, a
//! `$select` that leaves the recipients out.

use rapport::consent::Retention;
use rapport::load::load_interactions;
use rapport::model::Kind;
use rapport::store::Store;
use rapport::{Error, Format, LoadOptions};
use serde_json::Value;

const MESSAGE_GET: &str = include_str!("data/graph-real/message-get.json");
const EVENT_GET: &str = include_str!("data/graph-real/event-get.json");
const EVENTS_LIST: &str = include_str!("data/graph-real/events-list.json");
const SERIES_MASTER: &str = include_str!("data/graph-real/event-series-master.json");
const SELECT_SENDER: &str = include_str!("data/graph-real/messages-select-sender.json");

fn opts(format: Format, lenient: bool) -> LoadOptions {
    LoadOptions { format, lenient, ..LoadOptions::default() }
}

fn load(store: &mut Store, text: &str, format: Format) -> rapport::Result<rapport::LoadReport> {
    load_interactions(store, text, opts(format, false), &Retention { viewer: None, others: true })
}

/// An interaction as the README's rules read it.
#[derive(Debug, PartialEq)]
struct Expected {
    id: String,
    kind: Kind,
    from: String,
    parts: Vec<String>,
    at_ms: i64,
    duration_s: u32,
}

fn address(party: &Value) -> Option<String> {
    party["emailAddress"]["address"].as_str().map(|a| a.trim().to_lowercase())
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]` as milliseconds, read as UTC.
fn civil_ms(s: &str) -> i64 {
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
    let whole = days(n(0, 4), n(5, 7), n(8, 10)) * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19);
    let fraction = s.get(20..).map(|f| f.trim_end_matches('Z')).unwrap_or("");
    let ms = if fraction.is_empty() { 0 } else { format!("{fraction:0<3}")[..3].parse::<i64>().unwrap() };
    whole * 1000 + ms
}

/// The UTC offset, in hours, of Pacific time at a local time: daylight
/// saving from the second Sunday of March to the first Sunday of November
/// (US rule since 2007), at 2:00 local.
fn pacific_offset(local_ms: i64, year: i64) -> i64 {
    let sunday_on_or_after = |m: i64, d: i64| {
        let day = days(year, m, d);
        day + (3 - day).rem_euclid(7) // 1970-01-04 was a Sunday (day 3).
    };
    let start = sunday_on_or_after(3, 8) * 86_400_000 + 2 * 3_600_000;
    let end = sunday_on_or_after(11, 1) * 86_400_000 + 2 * 3_600_000;
    if (start..end).contains(&local_ms) {
        -7
    } else {
        -8
    }
}

fn event_time(side: &Value) -> i64 {
    let local = side["dateTime"].as_str().unwrap();
    let ms = civil_ms(local);
    match side["timeZone"].as_str().unwrap() {
        "UTC" => ms,
        "Pacific Standard Time" => ms - pacific_offset(ms, local[0..4].parse().unwrap()) * 3_600_000,
        other => panic!("the test reads no zone {other}"),
    }
}

/// The README's rules, applied to one item.
fn expected(item: &Value) -> Expected {
    let id = item["id"].as_str().unwrap().to_string();
    if item.get("start").is_some() {
        let from = address(&item["organizer"]).unwrap();
        let mut parts: Vec<String> = item["attendees"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["type"] != "resource" && a["status"]["response"] != "declined")
            .filter_map(address)
            .filter(|a| *a != from)
            .collect();
        parts.sort();
        parts.dedup();
        let (start, end) = (event_time(&item["start"]), event_time(&item["end"]));
        return Expected {
            id,
            kind: Kind::Meeting,
            from,
            parts,
            at_ms: start,
            duration_s: ((end - start) / 1000) as u32,
        };
    }
    let from = address(&item["from"]).or_else(|| address(&item["sender"])).unwrap();
    let mut parts: Vec<String> = ["toRecipients", "ccRecipients"]
        .iter()
        .flat_map(|f| item[*f].as_array().cloned().unwrap_or_default())
        .filter_map(|p| address(&p))
        .filter(|a| *a != from)
        .collect();
    parts.sort();
    parts.dedup();
    let at_ms = civil_ms(item["sentDateTime"].as_str().unwrap());
    Expected { id, kind: Kind::Email, from, parts, at_ms, duration_s: 0 }
}

/// The items of a body: its `value`, or the body itself.
fn items(text: &str) -> Vec<Value> {
    let body: Value = serde_json::from_str(text).unwrap();
    match body.get("value") {
        Some(Value::Array(items)) => items.clone(),
        _ => vec![body],
    }
}

/// What the store holds, in the same shape.
fn stored(store: &Store) -> Vec<Expected> {
    let c = store.rows();
    (0..c.len())
        .map(|r| {
            let mut parts: Vec<String> =
                c.participants(r).iter().map(|&p| store.person_id(p).to_string()).collect();
            parts.sort();
            Expected {
                id: store.interaction_id(r).to_string(),
                kind: c.kind[r],
                from: store.person_id(c.from[r]).to_string(),
                parts,
                at_ms: c.at[r],
                duration_s: c.duration_s[r],
            }
        })
        .collect()
}

fn name_of(store: &Store, id: &str) -> Option<String> {
    store.lookup(id).and_then(|p| store.person(p).name.clone())
}

#[test]
fn real_single_items_and_pages_load_as_an_independent_reading_says() {
    for (file, text) in [("message-get", MESSAGE_GET), ("event-get", EVENT_GET), ("events-list", EVENTS_LIST)]
    {
        for format in [Format::Graph, Format::Auto] {
            let mut store = Store::new(vec!["contoso.onmicrosoft.com".into()]);
            let report =
                load(&mut store, text, format).unwrap_or_else(|e| panic!("{file} ({format:?}): {e}"));
            let want: Vec<Expected> = items(text).iter().map(expected).collect();
            assert_eq!(report.accepted, want.len(), "{file}");
            assert_eq!(stored(&store), want, "{file} ({format:?})");
        }
    }
}

#[test]
fn real_items_give_the_figures_worked_out_by_hand() {
    // The README's hand-worked figures, so that the reading above is itself checked.
    let mut store = Store::new(Vec::new());
    load(&mut store, MESSAGE_GET, Format::Graph).unwrap();
    load(&mut store, EVENT_GET, Format::Graph).unwrap();
    load(&mut store, EVENTS_LIST, Format::Graph).unwrap();
    let rows = stored(&store);
    let at = |s: &str| rapport::time::parse_rfc3339(s).unwrap();
    assert_eq!(rows[0].at_ms, at("2018-09-09T03:15:06Z"));
    assert_eq!(
        (rows[0].from.as_str(), rows[0].parts.clone()),
        ("adelev@contoso.onmicrosoft.com", vec!["alexw@contoso.onmicrosoft.com".to_string()])
    );
    assert_eq!((rows[1].at_ms, rows[1].duration_s), (at("2014-11-03T17:00:00Z"), 30 * 60));
    assert_eq!(rows[1].parts, vec!["irvins@m365x214355.onmicrosoft.com".to_string()]);
    assert_eq!((rows[2].at_ms, rows[2].duration_s), (at("2017-04-21T17:00:00Z"), 120 * 60));
    assert_eq!(rows[2].parts, vec!["danas@a830edad905084922e17020313.onmicrosoft.com".to_string()]);
}

#[test]
fn real_display_names_name_people_the_directory_does_not() {
    let mut store = Store::new(Vec::new());
    for text in [MESSAGE_GET, EVENT_GET, EVENTS_LIST] {
        load(&mut store, text, Format::Graph).unwrap();
    }
    // Every address named on a stored item, with the first name the rule keeps.
    for text in [MESSAGE_GET, EVENT_GET, EVENTS_LIST] {
        for item in items(text) {
            for party in ["from", "organizer"] {
                if let (Some(a), Some(n)) =
                    (address(&item[party]), item[party]["emailAddress"]["name"].as_str())
                {
                    assert_eq!(name_of(&store, &a).as_deref(), Some(n), "{a}");
                }
            }
        }
    }
    assert_eq!(name_of(&store, "alexw@contoso.onmicrosoft.com").as_deref(), Some("Alex Wilber"));
    assert_eq!(name_of(&store, "irvins@m365x214355.onmicrosoft.com").as_deref(), Some("Irvin Sayers"));
    assert_eq!(
        name_of(&store, "danas@a830edad905084922e17020313.onmicrosoft.com").as_deref(),
        Some("Dana Swope")
    );
}

#[test]
fn a_real_series_master_is_refused_with_a_reason_naming_calendar_view() {
    let mut store = Store::new(Vec::new());
    for format in [Format::Graph, Format::Auto] {
        let Err(Error::InvalidRecord(e)) = load(&mut store, SERIES_MASTER, format) else {
            panic!("a series master must be refused ({format:?})")
        };
        assert_eq!((e.index, e.field.as_str()), (0, "type"));
        assert!(e.reason.contains("/calendarView"), "{}", e.reason);
    }
    let lenient = load_interactions(
        &mut store,
        SERIES_MASTER,
        opts(Format::Graph, true),
        &Retention { viewer: None, others: true },
    )
    .unwrap();
    assert_eq!((lenient.accepted, lenient.rejected), (0, 1));
    assert_eq!(lenient.rejected_by_reason.get("type: series master"), Some(&1));
    assert_eq!(store.rows().len(), 0);
}

#[test]
fn real_messages_whose_recipients_were_not_selected_are_refused_naming_select() {
    let mut store = Store::new(Vec::new());
    let Err(Error::InvalidRecord(e)) = load(&mut store, SELECT_SENDER, Format::Graph) else {
        panic!("a page without toRecipients must be refused")
    };
    assert_eq!((e.index, e.field.as_str()), (0, "toRecipients"));
    assert!(e.reason.contains("$select"), "{}", e.reason);
    let lenient = load_interactions(
        &mut store,
        SELECT_SENDER,
        opts(Format::Graph, true),
        &Retention { viewer: None, others: true },
    )
    .unwrap();
    assert_eq!((lenient.skipped_solo, lenient.rejected), (0, 1), "not a silent skippedSolo");
    assert_eq!(lenient.rejected_by_reason.get("toRecipients: not selected"), Some(&1));

    // An empty array still means no recipients: skipped as solo, not refused.
    let mut item = items(MESSAGE_GET).remove(0);
    item["toRecipients"] = Value::Array(Vec::new());
    let r = load(&mut store, &format!("{{\"value\":[{item}]}}"), Format::Graph).unwrap();
    assert_eq!((r.accepted, r.skipped_solo), (0, 1));
}

#[test]
fn a_one_line_ndjson_record_is_not_taken_for_a_single_graph_item() {
    // Only a body whose @odata.context ends in /$entity is read as one item
    // by the default format; a SPEC record on one line stays a record.
    let mut store = Store::new(Vec::new());
    let record =
        r#"{"id":"x","kind":"email","from":"a@b.example","to":["c@d.example"],"at":"2026-01-01T00:00:00Z"}"#;
    assert_eq!(load(&mut store, record, Format::Auto).unwrap().accepted, 1);
    assert_eq!(stored(&store)[0].id, "x");
}
