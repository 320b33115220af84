//! Microsoft Graph payloads (SPEC 2.3): the sample pages and the figures
//! their README lists, paging, time zones with daylight saving, and bad items.
//! The samples are copied from shared/samples into tests/data/graph.

mod common;

use common::outputs;
use rapport::consent::Retention;
use rapport::insights::health::HealthOptions;
use rapport::json::{parse, LoadRequest};
use rapport::load::load_interactions;
use rapport::store::Store;
use rapport::time::{format_rfc3339, parse_rfc3339};
use rapport::{Consent, DataScope, Engine, EngineOptions, Error, Format, LoadOptions, Target};
use serde_json::{json, Value};

const MESSAGES: &str = include_str!("data/graph/graph-messages.json");
const EVENTS: &str = include_str!("data/graph/graph-events.json");

const MEGAN: &str = "meganb@contoso.com";
const DAN: &str = "dan.jump@fabrikam.com";
const EVA: &str = "eva@fabrikam.com";
const RAY: &str = "ray.ito@tailspintoys.com";

fn graph() -> LoadOptions {
    LoadOptions { format: Format::Graph, ..LoadOptions::default() }
}

fn lenient() -> LoadOptions {
    LoadOptions { format: Format::Graph, lenient: true, ..LoadOptions::default() }
}

fn engine_at(now: &str) -> Engine {
    let mut o = EngineOptions::new(MEGAN, parse_rfc3339(now).unwrap());
    o.internal_domains = vec!["contoso.com".into()];
    o.consent = Consent { aggregated: true, identifiable: true };
    Engine::new(o).unwrap()
}

fn engine() -> Engine {
    engine_at("2026-04-30T00:00:00Z")
}

fn store() -> Store {
    Store::new(vec!["contoso.com".into()])
}

fn load_store(store: &mut Store, text: &str, opts: LoadOptions) -> rapport::Result<rapport::LoadReport> {
    load_interactions(store, text, opts, &Retention { viewer: None, others: true })
}

/// The stored row of an interaction id.
fn row_of(store: &Store, id: &str) -> usize {
    (0..store.rows().len())
        .find(|&r| store.interaction_id(r) == id)
        .unwrap_or_else(|| panic!("{id} not stored"))
}

fn page(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn items(text: &str) -> Vec<Value> {
    page(text)["value"].as_array().unwrap().clone()
}

fn page_of(items: &[Value]) -> String {
    json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('x')/messages", "value": items })
        .to_string()
}

/// Every contact of the samples, for comparing whole outputs.
fn contacts() -> Vec<String> {
    [DAN, EVA, RAY].iter().map(|s| s.to_string()).collect()
}

fn message_id(n: usize) -> String {
    items(MESSAGES)[n]["id"].as_str().unwrap().to_string()
}

fn event(id: &str, start: (&str, &str), end: (&str, &str)) -> Value {
    json!({
        "id": id,
        "subject": id,
        "isAllDay": false,
        "isCancelled": false,
        "start": { "dateTime": start.0, "timeZone": start.1 },
        "end": { "dateTime": end.0, "timeZone": end.1 },
        "attendees": [{ "type": "required", "status": { "response": "accepted" }, "emailAddress": { "address": DAN } }],
        "organizer": { "emailAddress": { "name": "Megan Bowen", "address": "MeganB@contoso.com" } },
    })
}

fn message(id: &str, from: &str, to: &[&str], sent: &str, conversation: &str) -> Value {
    let to: Vec<Value> = to.iter().map(|a| json!({ "emailAddress": { "address": a } })).collect();
    json!({
        "id": id,
        "sentDateTime": sent,
        "isDraft": false,
        "conversationId": conversation,
        "from": { "emailAddress": { "address": from } },
        "toRecipients": to,
        "ccRecipients": [],
    })
}

fn invalid_record(r: rapport::Result<rapport::LoadReport>) -> rapport::RecordError {
    match r {
        Err(Error::InvalidRecord(e)) => e,
        other => panic!("expected a refused batch, got {other:?}"),
    }
}

#[test]
fn format_graph_is_an_option_of_load_interactions() {
    let opts = parse::<LoadRequest>(r#"{ "format": "graph" }"#, "options").unwrap().into_options().unwrap();
    assert_eq!(opts.format, Format::Graph);
    let err = parse::<LoadRequest>(r#"{ "format": "xml" }"#, "options").unwrap().into_options().unwrap_err();
    assert!(err.to_string().contains("\"graph\""), "{err}");
    let mut e = engine();
    let err = e.load_people(br#"[{ "id": "a@b.example" }]"#, graph()).unwrap_err();
    assert_eq!(err.code(), "INVALID_OPTIONS");
}

#[test]
fn the_samples_load_as_their_readme_says() {
    let mut e = engine();
    let m = e.load_interactions(MESSAGES.as_bytes(), graph()).unwrap();
    assert_eq!((m.accepted, m.skipped_drafts, m.rejected, m.duplicates), (6, 1, 0, 0));
    let ev = e.load_interactions(EVENTS.as_bytes(), graph()).unwrap();
    assert_eq!((ev.accepted, ev.cancelled, ev.rejected), (3, 1, 0));
    assert_eq!(e.stats().0, 9, "6 e-mails and 3 meetings stored; the cancelled one is not");
    let report = serde_json::to_value(&m).unwrap();
    assert_eq!(report["skippedDrafts"], 1);

    let h = HealthOptions::default();
    let fabrikam =
        e.relationship(&Target::Account("fabrikam.com".into()), DataScope::Team, None, &h).unwrap();
    let k = &fabrikam.kpis;
    assert_eq!((k.emails_sent, k.emails_received), (3, 2));
    assert_eq!((k.meetings, k.meeting_minutes), (3, 45.0 + 60.0 + 90.0));
    // Tailspin Toys: Lee's e-mail counts; the cancelled sync is kept out of every figure.
    let tailspin = e.relationship(&Target::Contact(RAY.into()), DataScope::Team, None, &h).unwrap();
    assert_eq!(
        (tailspin.kpis.emails_sent, tailspin.kpis.meetings, tailspin.kpis.meeting_minutes),
        (1, 0, 0.0)
    );
    assert_eq!(tailspin.last_interaction_at.as_deref(), Some("2026-03-05T11:00:00Z"));
    assert_eq!(tailspin.next_interaction_at, None);
}

#[test]
fn sample_meetings_start_in_utc_across_daylight_saving() {
    let mut s = store();
    load_store(&mut s, EVENTS, graph()).unwrap();
    let at = |id: &str| format_rfc3339(s.rows().at[row_of(&s, id)]);
    let minutes = |id: &str| s.rows().duration_s[row_of(&s, id)] / 60;
    // Renewal review (UTC), Pilot kickoff (Pacific, PDT since 8 March), QBR (Berlin, CEST since 29 March).
    assert_eq!(
        (at("AAMkAGIAAAoZDOFAAA001="), minutes("AAMkAGIAAAoZDOFAAA001=")),
        ("2026-03-09T16:00:00Z".into(), 45)
    );
    assert_eq!(
        (at("AAMkAGIAAAoZDOFAAA002="), minutes("AAMkAGIAAAoZDOFAAA002=")),
        ("2026-03-10T16:00:00Z".into(), 60)
    );
    assert_eq!(
        (at("AAMkAGIAAAoZDOFAAA004="), minutes("AAMkAGIAAAoZDOFAAA004=")),
        ("2026-04-02T12:00:00Z".into(), 90)
    );

    // The same through the engine: Eva's next interaction, seen just before each meeting.
    let h = HealthOptions::default();
    let eva = Target::Contact(EVA.into());
    for (now, next, week, minutes) in [
        ("2026-03-10T15:59:59Z", "2026-03-10T16:00:00Z", "2026-03-09", 60.0),
        ("2026-04-02T11:59:59Z", "2026-04-02T12:00:00Z", "2026-03-30", 90.0),
    ] {
        let mut e = engine_at(now);
        e.load_interactions(EVENTS.as_bytes(), graph()).unwrap();
        let r = e.relationship(&eva, DataScope::Team, Some(7), &h).unwrap();
        assert_eq!(r.next_interaction_at.as_deref(), Some(next));
        let mut later = engine_at(next);
        later.load_interactions(EVENTS.as_bytes(), graph()).unwrap();
        let r = later.relationship(&eva, DataScope::Team, Some(7), &h).unwrap();
        let w = r.weekly.iter().find(|w| w.week == week).unwrap();
        assert_eq!((w.meetings, w.meeting_minutes), (1, minutes));
    }
}

#[test]
fn sample_replies_follow_the_conversation_order() {
    let mut s = store();
    load_store(&mut s, MESSAGES, graph()).unwrap();
    let (first, dan, second) =
        (row_of(&s, &message_id(0)), row_of(&s, &message_id(1)), row_of(&s, &message_id(2)));
    assert_eq!(s.reply_parent(first), None);
    assert_eq!(s.reply_parent(dan), Some(first));
    assert_eq!(s.reply_parent(second), Some(dan));
    let delay = |row: usize, parent: usize| (s.rows().at[row] - s.rows().at[parent]) / 1000;
    assert_eq!(delay(dan, first), 3 * 3600 + 25 * 60 + 55);
    assert_eq!(delay(second, dan), 14 * 3600 + 42 * 60 + 44);
    // Conversation 2 is listed newest first in the page: Eva still answers Alex.
    assert_eq!(s.reply_parent(row_of(&s, &message_id(4))), Some(row_of(&s, &message_id(3))));

    // Through the engine: 3 h 25 min 55 s = 205.92 min, 14 h 42 min 44 s = 882.73 min.
    let mut e = engine();
    e.load_interactions(MESSAGES.as_bytes(), graph()).unwrap();
    let own = e.own_insights(None).unwrap().kpis;
    assert_eq!(own.their_median_response_minutes, Some(205.92));
    assert_eq!(own.median_response_minutes, Some(882.73));
    assert_eq!((own.replies, own.replies_received), (1, 1));
    let h = HealthOptions::default();
    let k = e.relationship(&Target::Contact(DAN.into()), DataScope::Team, None, &h).unwrap().kpis;
    assert_eq!((k.their_median_response_minutes, k.median_response_minutes), (Some(205.92), Some(882.73)));
    assert_eq!((k.response_rate, k.their_response_rate), (Some(1.0), Some(0.3333)));
}

#[test]
fn a_page_split_in_two_calls_gives_the_same_figures_in_any_order() {
    let mut whole = engine();
    whole.load_interactions(MESSAGES.as_bytes(), graph()).unwrap();
    whole.load_interactions(EVENTS.as_bytes(), graph()).unwrap();
    let expected = outputs(&whole, &contacts());

    let all = items(MESSAGES);
    // Split after Megan's first message, so that Dan's reply on the second
    // page answers it; then the same pages newest first, as Graph lists them.
    for split in [1, 2, 4] {
        let (a, b) = (page_of(&all[..split]), page_of(&all[split..]));
        for pages in [[&a, &b], [&b, &a]] {
            let mut e = engine();
            let mut accepted = 0;
            for p in pages {
                accepted += e.load_interactions(p.as_bytes(), graph()).unwrap().accepted;
            }
            e.load_interactions(EVENTS.as_bytes(), graph()).unwrap();
            assert_eq!(accepted, 6);
            assert_eq!(outputs(&e, &contacts()), expected, "split at {split}");
        }
    }

    // The store agrees: Dan's reply, stored first, is re-pointed at Megan's message.
    let mut s = store();
    load_store(&mut s, &page_of(&all[1..]), graph()).unwrap();
    let dan = row_of(&s, &message_id(1));
    assert_eq!(s.reply_parent(dan), None);
    load_store(&mut s, &page_of(&all[..1]), graph()).unwrap();
    assert_eq!(s.reply_parent(dan), Some(row_of(&s, &message_id(0))));
}

#[test]
fn a_message_on_two_pages_counts_once() {
    let all = items(MESSAGES);
    let mut e = engine();
    let first = e.load_interactions(page_of(&all[..3]).as_bytes(), graph()).unwrap();
    let second = e.load_interactions(page_of(&all[2..]).as_bytes(), graph()).unwrap();
    assert_eq!((first.accepted, second.accepted, second.duplicates, second.skipped_drafts), (3, 3, 1, 1));
    assert_eq!(e.stats().0, 6);
    let mut once = engine();
    once.load_interactions(MESSAGES.as_bytes(), graph()).unwrap();
    assert_eq!(outputs(&e, &contacts()), outputs(&once, &contacts()));
}

#[test]
fn the_bare_value_array_and_the_default_format_load_the_same() {
    let mut expected = engine();
    expected.load_interactions(MESSAGES.as_bytes(), graph()).unwrap();
    expected.load_interactions(EVENTS.as_bytes(), graph()).unwrap();

    let mut bare = engine();
    for text in [MESSAGES, EVENTS] {
        let array = page(text)["value"].to_string();
        bare.load_interactions(array.as_bytes(), graph()).unwrap();
    }
    assert_eq!(outputs(&bare, &contacts()), outputs(&expected, &contacts()));

    // Without a format, a page object is recognised; NDJSON still loads.
    let mut auto = engine();
    for text in [MESSAGES, EVENTS] {
        auto.load_interactions(text.as_bytes(), LoadOptions::default()).unwrap();
    }
    assert_eq!(outputs(&auto, &contacts()), outputs(&expected, &contacts()));
    let ndjson = r#"{"id":"n1","kind":"email","from":"meganb@contoso.com","to":["x@fabrikam.com"],"at":0}"#;
    assert_eq!(auto.load_interactions(ndjson.as_bytes(), LoadOptions::default()).unwrap().accepted, 1);

    // "json" means interaction records: a page is refused whole.
    let json = LoadOptions { format: Format::Json, lenient: true, ..LoadOptions::default() };
    assert_eq!(engine().load_interactions(MESSAGES.as_bytes(), json).unwrap_err().code(), "INVALID_INPUT");
}

#[test]
fn windows_zones_follow_daylight_saving() {
    let events = [
        // Central Europe moves to summer time on 29 March 2026.
        event(
            "berlin-before",
            ("2026-03-28T14:00:00.0000000", "W. Europe Standard Time"),
            ("2026-03-28T15:00:00.0000000", "W. Europe Standard Time"),
        ),
        event(
            "berlin-after",
            ("2026-03-30T14:00:00.0000000", "W. Europe Standard Time"),
            ("2026-03-30T15:00:00.0000000", "W. Europe Standard Time"),
        ),
        // US Pacific: daylight time from 8 March to 1 November 2026.
        event(
            "pacific-mar-7",
            ("2026-03-07T09:00:00", "Pacific Standard Time"),
            ("2026-03-07T10:00:00", "Pacific Standard Time"),
        ),
        event(
            "pacific-mar-9",
            ("2026-03-09T09:00:00", "Pacific Standard Time"),
            ("2026-03-09T10:00:00", "Pacific Standard Time"),
        ),
        event(
            "pacific-oct-31",
            ("2026-10-31T09:00:00", "Pacific Standard Time"),
            ("2026-10-31T10:00:00", "Pacific Standard Time"),
        ),
        event(
            "pacific-nov-2",
            ("2026-11-02T09:00:00", "Pacific Standard Time"),
            ("2026-11-02T10:00:00", "Pacific Standard Time"),
        ),
        // Over the night clocks go back: 00:30 PDT to 01:30 PST is two hours.
        event(
            "pacific-fall-back",
            ("2026-11-01T00:30:00", "Pacific Standard Time"),
            ("2026-11-01T02:30:00", "Pacific Standard Time"),
        ),
        // 02:30 does not exist on 8 March: read as 03:30 PDT, an hour after 01:30 PST.
        event(
            "pacific-gap",
            ("2026-03-08T01:30:00", "Pacific Standard Time"),
            ("2026-03-08T02:30:00", "Pacific Standard Time"),
        ),
        // IANA names, the southern hemisphere, and a start and end in two zones (a flight).
        event(
            "new-york",
            ("2026-07-01T09:00:00", "America/New_York"),
            ("2026-07-01T09:30:00", "America/New_York"),
        ),
        event(
            "sydney",
            ("2026-01-15T10:00:00", "Australia/Sydney"),
            ("2026-01-15T11:00:00", "AUS Eastern Standard Time"),
        ),
        event(
            "flight",
            ("2026-07-01T09:00:00", "Pacific Standard Time"),
            ("2026-07-01T17:00:00", "Eastern Standard Time"),
        ),
        event("utc", ("2026-07-01T09:00:00", "UTC"), ("2026-07-01T09:05:00", "tzone://Microsoft/Utc")),
    ];
    let mut s = store();
    let r = load_store(&mut s, &page_of(&events), graph()).unwrap();
    assert_eq!(r.accepted, events.len());
    let got = |id: &str| {
        let row = row_of(&s, id);
        (format_rfc3339(s.rows().at[row]), s.rows().duration_s[row] / 60)
    };
    assert_eq!(got("berlin-before"), ("2026-03-28T13:00:00Z".into(), 60));
    assert_eq!(got("berlin-after"), ("2026-03-30T12:00:00Z".into(), 60));
    assert_eq!(got("pacific-mar-7"), ("2026-03-07T17:00:00Z".into(), 60));
    assert_eq!(got("pacific-mar-9"), ("2026-03-09T16:00:00Z".into(), 60));
    assert_eq!(got("pacific-oct-31"), ("2026-10-31T16:00:00Z".into(), 60));
    assert_eq!(got("pacific-nov-2"), ("2026-11-02T17:00:00Z".into(), 60));
    assert_eq!(got("pacific-fall-back"), ("2026-11-01T07:30:00Z".into(), 180));
    assert_eq!(got("pacific-gap"), ("2026-03-08T09:30:00Z".into(), 60));
    assert_eq!(got("new-york"), ("2026-07-01T13:00:00Z".into(), 30));
    assert_eq!(got("sydney"), ("2026-01-14T23:00:00Z".into(), 60));
    assert_eq!(got("flight"), ("2026-07-01T16:00:00Z".into(), 300));
    assert_eq!(got("utc"), ("2026-07-01T09:00:00Z".into(), 5));
}

#[test]
fn bad_items_refuse_a_strict_page_naming_index_field_and_reason() {
    let good = event("ok", ("2026-03-09T10:00:00", "UTC"), ("2026-03-09T11:00:00", "UTC"));
    let mut unknown_zone =
        event("mars", ("2026-03-09T10:00:00", "Mars Standard Time"), ("2026-03-09T11:00:00", "UTC"));
    unknown_zone["subject"] = json!("Mars");
    let mut e = engine();
    let err = invalid_record(e.load_interactions(page_of(&[good.clone(), unknown_zone]).as_bytes(), graph()));
    assert_eq!((err.index, err.field.as_str()), (1, "start.timeZone"));
    assert!(err.reason.contains("Mars Standard Time"), "{}", err.reason);
    assert_eq!(e.stats().0, 0, "nothing of a refused page is stored");

    let cases = [
        (
            event("x", ("2026-02-30T10:00:00", "UTC"), ("2026-03-09T11:00:00", "UTC")),
            "start.dateTime",
            "not a local date",
        ),
        (
            event("x", ("2026-03-09T10:00:00+02:00", "UTC"), ("2026-03-09T11:00:00", "UTC")),
            "start.dateTime",
            "has an offset",
        ),
        (
            event("x", ("2026-03-09T10:00:00", "UTC"), ("2026-03-09T09:00:00", "UTC")),
            "end.dateTime",
            "ends (2026-03-09T09:00:00Z) before it starts",
        ),
        (
            event("x", ("2026-03-09T10:00:00", "UTC"), ("2026-03-09T11:00:00", "")),
            "end.timeZone",
            "must not be empty",
        ),
        (
            event("x", ("2026-01-01T10:00:00", "UTC"), ("2026-03-09T11:00:00", "UTC")),
            "end.dateTime",
            "longer than 31 days",
        ),
        (
            json!({ "id": "x", "start": { "dateTime": "2026-03-09T10:00:00", "timeZone": "UTC" }, "attendees": [{ "emailAddress": { "address": DAN } }] }),
            "organizer.emailAddress.address",
            "no organizer",
        ),
        (
            json!({ "id": "x", "sentDateTime": "2026-03-09T10:00:00Z", "toRecipients": [{ "emailAddress": { "address": DAN } }] }),
            "from.emailAddress.address",
            "no sender",
        ),
        (
            json!({ "id": "x", "from": { "emailAddress": { "address": MEGAN } }, "toRecipients": [{ "emailAddress": { "address": DAN } }] }),
            "sentDateTime",
            "missing",
        ),
        (
            json!({ "id": "x", "sentDateTime": "yesterday", "from": { "emailAddress": { "address": MEGAN } }, "toRecipients": [{ "emailAddress": { "address": DAN } }] }),
            "sentDateTime",
            "RFC 3339",
        ),
        (
            json!({ "id": "x", "sentDateTime": "2026-03-09T10:00:00Z", "from": "megan", "toRecipients": [] }),
            "from.emailAddress.address",
            "emailAddress",
        ),
        (
            json!({ "id": "x", "sentDateTime": "2026-03-09T10:00:00Z", "from": { "emailAddress": { "address": MEGAN } }, "toRecipients": [DAN] }),
            "toRecipients",
            "every entry",
        ),
        (
            json!({ "@odata.type": "#microsoft.graph.contact", "id": "x" }),
            "@odata.type",
            "message or an event",
        ),
        (json!({ "subject": "neither" }), "", "neither a message"),
        (json!("a string"), "", "JSON object"),
    ];
    for (bad, field, says) in cases {
        let err = invalid_record(e.load_interactions(page_of(&[good.clone(), bad]).as_bytes(), graph()));
        assert_eq!((err.index, err.field.as_str()), (1, field), "{}", err.reason);
        assert!(err.reason.contains(says), "{field}: {} should say {says}", err.reason);
    }
    assert_eq!(e.stats().0, 0);
}

#[test]
fn lenient_pages_skip_bad_items_and_count_them_by_reason() {
    let mut e = engine();
    let page = page_of(&[
        event("ok", ("2026-03-09T10:00:00", "UTC"), ("2026-03-09T11:00:00", "UTC")),
        event("mars", ("2026-03-09T10:00:00", "Mars Standard Time"), ("2026-03-09T11:00:00", "UTC")),
        event("venus", ("2026-03-09T10:00:00", "UTC"), ("2026-03-09T11:00:00", "Venus/Maxwell")),
        event("late", ("2026-03-09T10:00:00", "UTC"), ("2026-03-09T09:00:00", "UTC")),
        message("m1", MEGAN, &[DAN], "2026-03-09T10:00:00Z", "c1"),
        message("m2", MEGAN, &[DAN], "not a time", "c1"),
    ]);
    let r = e.load_interactions(page.as_bytes(), lenient()).unwrap();
    assert_eq!((r.accepted, r.rejected), (2, 4));
    assert_eq!(r.rejected_by_reason.get("start.timeZone: unknown time zone"), Some(&1));
    assert_eq!(r.rejected_by_reason.get("end.timeZone: unknown time zone"), Some(&1));
    assert_eq!(r.rejected_by_reason.get("end.dateTime: invalid value"), Some(&1));
    assert_eq!(r.rejected_by_reason.get("sentDateTime: invalid value"), Some(&1));
    let listed: Vec<(usize, &str)> = r.errors.iter().map(|e| (e.index, e.field.as_str())).collect();
    assert_eq!(
        listed,
        [(1, "start.timeZone"), (2, "end.timeZone"), (3, "end.dateTime"), (5, "sentDateTime")]
    );
    assert_eq!(e.stats().0, 2);
}

#[test]
fn drafts_notes_to_self_declines_rooms_and_all_day_events() {
    let mut draft = message("d1", MEGAN, &[DAN], "2026-03-09T10:00:00Z", "c1");
    draft["isDraft"] = json!(true);
    let mut unsent = message("d2", MEGAN, &[DAN], "2026-03-09T10:00:00Z", "c1");
    unsent["sentDateTime"] = Value::Null;
    unsent["from"] = Value::Null;
    let note_to_self = message("n1", MEGAN, &["MeganB@Contoso.com"], "2026-03-09T10:00:00Z", "c2");
    let mut appointment = event("a1", ("2026-03-09T10:00:00", "UTC"), ("2026-03-09T11:00:00", "UTC"));
    appointment["attendees"] = json!([]);
    let mut meeting = event("m1", ("2026-03-10T10:00:00", "UTC"), ("2026-03-10T11:00:00", "UTC"));
    meeting["attendees"] = json!([
        { "type": "required", "status": { "response": "declined" }, "emailAddress": { "address": "dan.jump@fabrikam.com" } },
        { "type": "resource", "status": { "response": "accepted" }, "emailAddress": { "address": "room-7@contoso.com" } },
        { "type": "optional", "status": { "response": "accepted" }, "emailAddress": { "address": EVA } },
        { "type": "optional", "emailAddress": { "name": "No address" } },
    ]);
    let mut all_declined = event("m2", ("2026-03-11T10:00:00", "UTC"), ("2026-03-11T11:00:00", "UTC"));
    all_declined["attendees"][0]["status"]["response"] = json!("declined");
    let mut offsite = event(
        "o1",
        ("2026-03-12T00:00:00.0000000", "W. Europe Standard Time"),
        ("2026-03-14T00:00:00.0000000", "W. Europe Standard Time"),
    );
    offsite["isAllDay"] = json!(true);

    let mut s = store();
    let items = [draft, unsent, note_to_self, appointment, meeting, all_declined, offsite];
    let r = load_store(&mut s, &page_of(&items), graph()).unwrap();
    assert_eq!((r.accepted, r.skipped_drafts, r.skipped_solo, r.rejected), (2, 2, 3, 0));
    let m1 = row_of(&s, "m1");
    let parts: Vec<&str> = s.rows().participants(m1).iter().map(|&p| s.person_id(p)).collect();
    assert_eq!(parts, [EVA]);
    let o1 = row_of(&s, "o1");
    assert_eq!(
        (format_rfc3339(s.rows().at[o1]), s.rows().duration_s[o1]),
        ("2026-03-11T23:00:00Z".into(), 0)
    );
}

#[test]
fn a_second_message_in_a_row_from_one_sender_answers_nobody() {
    let mut s = store();
    let page = page_of(&[
        message("a", MEGAN, &[DAN], "2026-03-02T09:00:00Z", "c"),
        message("b", MEGAN, &[DAN], "2026-03-03T09:00:00Z", "c"),
        message("c", DAN, &[MEGAN], "2026-03-03T10:00:00Z", "c"),
        message("d", DAN, &[MEGAN], "2026-03-03T11:00:00Z", "c"),
        message("e", "MeganB@Contoso.com", &[DAN], "2026-03-04T09:00:00Z", "c"),
        message("other", DAN, &[MEGAN], "2026-03-03T09:30:00Z", "another conversation"),
    ]);
    load_store(&mut s, &page, graph()).unwrap();
    let parent = |id: &str| s.reply_parent(row_of(&s, id)).map(|r| s.interaction_id(r).to_string());
    assert_eq!(parent("a"), None);
    assert_eq!(parent("b"), None, "a nudge answers nobody");
    assert_eq!(parent("c").as_deref(), Some("b"), "Dan answers the latest message");
    assert_eq!(parent("d"), None, "an afterthought answers nobody");
    assert_eq!(parent("e").as_deref(), Some("d"));
    assert_eq!(parent("other"), None);
}

#[test]
fn an_opted_out_senders_message_leaves_the_conversation_as_if_never_sent() {
    let directory = json!([{ "id": "x@fabrikam.com", "optedOut": true }]).to_string();
    let with = page_of(&[
        message("a", MEGAN, &[DAN], "2026-03-02T09:00:00Z", "c"),
        message("b", "x@fabrikam.com", &[MEGAN, DAN], "2026-03-02T10:00:00Z", "c"),
        message("c", DAN, &[MEGAN], "2026-03-02T11:00:00Z", "c"),
    ]);
    let without = page_of(&[
        message("a", MEGAN, &[DAN], "2026-03-02T09:00:00Z", "c"),
        message("c", DAN, &[MEGAN], "2026-03-02T11:00:00Z", "c"),
    ]);
    let mut a = engine();
    a.load_people(directory.as_bytes(), LoadOptions::default()).unwrap();
    let r = a.load_interactions(with.as_bytes(), graph()).unwrap();
    assert_eq!((r.accepted, r.dropped_opted_out), (2, 1));
    let mut b = engine();
    b.load_people(directory.as_bytes(), LoadOptions::default()).unwrap();
    b.load_interactions(without.as_bytes(), graph()).unwrap();
    assert_eq!(outputs(&a, &contacts()), outputs(&b, &contacts()));
    assert_eq!(a.own_insights(None).unwrap().kpis.replies_received, 1);
}

#[test]
fn hostile_pages_are_refused_and_the_engine_stays_usable() {
    let mut e = engine();
    let many: Vec<Value> =
        (0..1001).map(|i| json!({ "emailAddress": { "address": format!("p{i}@x.example") } })).collect();
    let mut crowded = message("m", MEGAN, &[DAN], "2026-03-02T09:00:00Z", "c");
    crowded["toRecipients"] = Value::Array(many);
    let mut long_zone = event("z", ("2026-03-09T10:00:00", "UTC"), ("2026-03-09T11:00:00", "UTC"));
    long_zone["start"]["timeZone"] = json!("Z".repeat(5000));
    let deep = format!("{{\"value\": [{}1{}]}}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let cases: Vec<(String, &str)> = vec![
        (page_of(&[crowded]), "more than 1000 entries"),
        (page_of(&[long_zone]), "longer than the limit"),
        ("{ \"value\": \"nope\" }".into(), "Graph page"),
        ("{ \"@odata.context\": \"x\" }".into(), "no \"value\" array"),
        ("[1, 2".into(), "Graph items"),
        (deep, "nested more than 128 levels"),
        ("".into(), "Graph page"),
    ];
    for (input, says) in &cases {
        let err = e.load_interactions(input.as_bytes(), graph()).unwrap_err();
        assert_eq!(err.code(), "INVALID_INPUT");
        assert!(err.to_string().contains(says), "{err} should say {says}");
    }
    assert_eq!(e.stats().0, 0);
    assert_eq!(e.load_interactions(MESSAGES.as_bytes(), graph()).unwrap().accepted, 6);
}
