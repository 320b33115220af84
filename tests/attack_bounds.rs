//! Attack tests for issue 12, classes 5, 10, 12 (JSON depth) and 13: what a
//! hostile host page or data source would send to make the engine use
//! unbounded memory, keep a grant it should not have, or count non-people
//! as people. Each builds the attacker's data and asserts nothing leaks and
//! nothing breaks.

mod common;

use common::tokens::*;
use common::*;
use rapport::consent::ConsentBasis;
use rapport::{Consent, Engine, Error, Scope, Target};
use serde_json::json;

fn cleo() -> Target {
    Target::Contact(CLEO.into())
}

/// Class 10: a host that once passes a time past `nbf` (its own clock is
/// earlier) must not keep a grant the token does not give yet: every
/// observed time before `nbf` ends the token and purges others' data, as
/// expiry does.
#[test]
fn class_10_a_not_yet_valid_token_grants_nothing_before_nbf() {
    let nbf = NOW + 2 * HOUR;
    let token = sign(&with(with(claims(), "nbf", json!(nbf)), "exp", json!(nbf + HOUR)));
    let mut e = Engine::new(keyed_options(ADA)).unwrap();
    // The hostile host claims a time after nbf once...
    e.set_consent_token(&token, nbf * 1000).unwrap();
    let interactions = json!([
        email("a1", ADA, &[CLEO], "2026-02-05T10:00:00Z"),
        email("b1", BOB, &[CLEO], "2026-02-06T10:00:00Z"),
    ]);
    load(&mut e, &directory(), &interactions);
    assert!(e.who_knows_whom(&cleo(), None).is_ok());
    // ...then the binding observes the real clock, still before nbf.
    let ended = e.observe_clock(NOW_MS);
    assert!(ended, "a token observed before its nbf must end");
    assert_eq!(e.consent(), Consent::default());
    assert_eq!(e.consent_basis(), ConsentBasis::None);
    assert_eq!(
        e.who_knows_whom(&cleo(), None).unwrap_err(),
        Error::ConsentRequired { scope: Scope::Identifiable }
    );
    assert_eq!(e.stats().0, 1, "others' interactions are purged, as on expiry");
    // The same leeway as at verification: 60 s before nbf still grants.
    let mut e = Engine::new(keyed_options(ADA)).unwrap();
    e.set_consent_token(&token, nbf * 1000).unwrap();
    assert!(!e.observe_clock(nbf * 1000 - 60_000));
    assert!(e.consent().identifiable);
    assert!(e.observe_clock(nbf * 1000 - 60_001));
    assert!(!e.consent().identifiable);
}

/// 2026-03-01T00:00:00Z: the reference time of the hand-built datasets here.
const NOW_2026_03: i64 = 1_772_323_200_000;

fn options(viewer: &str, consent: Consent) -> rapport::EngineOptions {
    let mut o = rapport::EngineOptions::new(viewer, NOW_2026_03);
    o.internal_domains = vec![ORG.to_string()];
    o.consent = consent;
    o
}

const EVERYTHING: Consent = Consent { aggregated: true, identifiable: true };

/// Class 5: 20 meetings of 2,000 people each (1,000 `to`, 999 `cc`: within
/// the documented limits, about 1 MB of input). Before, every pair of
/// attendees was a tie (two million), and every contact's index copied every
/// colleague of every meeting: memory grew with the square of a meeting.
/// Now the graph and the contact index stay within a linear bound of the
/// participants loaded, paths and who-knows-whom still answer, and the
/// engine keeps working.
#[test]
fn class_05_huge_meetings_keep_memory_linear_in_the_input() {
    let internal: Vec<String> =
        std::iter::once(ADA.to_string()).chain((1..1000).map(|i| format!("i{i}@{ORG}"))).collect();
    let external: Vec<String> = (0..1000).map(|i| format!("x{i}@client.example")).collect();
    let mut directory: Vec<serde_json::Value> =
        internal.iter().map(|id| json!({ "id": id, "department": "Sales" })).collect();
    directory.extend(external.iter().map(|id| json!({ "id": id, "accountId": "client" })));
    let everyone: Vec<&str> = internal.iter().chain(&external).map(String::as_str).collect();
    let mut meetings = Vec::new();
    let mut participants = 0;
    for k in 0..20 {
        let organizer = internal[1 + k].as_str();
        let attendees: Vec<&str> = everyone.iter().copied().filter(|&p| p != organizer).collect();
        participants += attendees.len();
        let (to, cc) = attendees.split_at(1000);
        meetings.push(json!({
            "id": format!("all-hands-{k}"), "kind": "meeting", "from": organizer, "to": to, "cc": cc,
            "at": format!("2026-02-{:02}T10:00:00Z", k + 1), "durationMinutes": 60,
        }));
    }
    let input = serde_json::Value::Array(meetings).to_string();
    assert!(input.len() < 1_200_000, "the attack is small: {} bytes", input.len());

    let mut e = Engine::new(options(ADA, EVERYTHING)).unwrap();
    load(&mut e, &serde_json::Value::Array(directory), &json!([]));
    e.load_interactions(input.as_bytes(), Default::default()).unwrap();

    let target = Target::Contact(external[5].clone());
    let paths = e.introduction_paths(&target, Some(3), Some(3), None).unwrap();
    let (_, ties) = e.network_size().expect("the graph was built");
    // Each large meeting ties each attendee to its organizer: at most one
    // tie per participant loaded (SMALL_MEETING_PEOPLE in src/insights/network.rs).
    assert!(ties <= participants, "{ties} ties from {participants} participants");
    assert!(!paths.is_empty(), "Ada reaches the contact through an organizer");
    assert!(paths.iter().all(|p| p.people.len() == 3 && internal[1..21].contains(&p.people[1])));

    let known = e.who_knows_whom(&target, Some(100)).unwrap();
    let organizers: Vec<&String> = internal[1..21].iter().collect();
    assert_eq!(known.colleagues.len(), 20, "the organizers, each tied to every attendee");
    assert!(known.colleagues.iter().all(|c| organizers.contains(&&c.id)));

    e.relationship_summaries(false, rapport::DataScope::Team, Some(90), &Default::default()).unwrap();
    let index = e.index_bytes();
    assert!(index <= 64 * participants, "contact index of {index} bytes for {participants} participants");

    // Still usable: another load, and the same questions answer again.
    let more = json!([email("after", ADA, &[&external[5]], "2026-02-25T10:00:00Z")]);
    e.load_interactions(more.to_string().as_bytes(), Default::default()).unwrap();
    assert!(!e.introduction_paths(&target, None, None, None).unwrap().is_empty());
    assert!(e.who_knows_whom(&target, None).is_ok());
}

const SALES_TEAM: &str = "sales-team@northwind.example";
const SUPPORT: &str = "support@northwind.example";
const CLIENT: &str = "c1@client.example";
const CLIENT_INFO: &str = "info@client.example";

/// Four people of Sales, their distribution list (declared a group, with
/// the department too, as a directory export would list it), a shared
/// support mailbox, a client and the client's shared mailbox.
fn directory_with_kinds() -> serde_json::Value {
    let mut people: Vec<serde_json::Value> = (1..=4)
        .map(|i| json!({ "id": format!("s{i}@{ORG}"), "name": format!("Seller {i}"), "department": "Sales" }))
        .collect();
    people.extend([
        json!({ "id": ADA, "name": "Ada", "department": "Management" }),
        json!({ "id": SALES_TEAM, "name": "Sales team", "department": "Sales", "kind": "group" }),
        json!({ "id": SUPPORT, "name": "Support", "kind": "shared" }),
        json!({ "id": CLIENT, "name": "Client One", "accountId": "client" }),
        json!({ "id": CLIENT_INFO, "name": "Client info desk", "accountId": "client", "kind": "shared" }),
    ]);
    serde_json::Value::Array(people)
}

/// Class 13: a cell backed by four people and a distribution list is a cell
/// of four people: suppressed, by account and by department, and in a
/// snapshot's engine as well (the kind is kept).
#[test]
fn class_13_a_distribution_list_does_not_count_toward_group_size() {
    let mut records: Vec<serde_json::Value> = (1..=4)
        .map(|i| {
            email(
                &format!("s{i}"),
                &format!("s{i}@{ORG}"),
                &[CLIENT],
                &format!("2026-02-1{}T10:00:00Z", 5 + i),
            )
        })
        .collect();
    records.push(email("dl", SALES_TEAM, &[CLIENT], "2026-02-18T11:00:00Z"));
    let mut e = Engine::new(options(ADA, EVERYTHING)).unwrap();
    load(&mut e, &directory_with_kinds(), &serde_json::Value::Array(records));
    let check = |e: &Engine| {
        use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Period};
        let by_account = AggregatesRequest { group_by: GroupBy::Account, ..departments(Period::Week) };
        for (request, group) in [(by_account, "client"), (departments(Period::Week), "Sales")] {
            let table = e.aggregates(&request).unwrap();
            let rows: Vec<_> = table.rows.iter().filter(|r| r.group == group).collect();
            assert!(!rows.is_empty(), "{group} is a group of the table");
            for row in rows {
                assert!(row.suppressed, "{group} {}: 4 people and a list released", row.period);
            }
        }
    };
    check(&e);
    let snapshot = e.export_snapshot();
    let reopened = Engine::from_snapshot(&snapshot, options(ADA, EVERYTHING)).unwrap();
    check(&reopened);
}

/// Class 13: a shared mailbox (ours or the client's) is never a colleague,
/// a contact or a step of a path, though its e-mails still count as
/// interactions of its side.
#[test]
fn class_13_a_shared_mailbox_is_never_a_person_in_any_list() {
    let mut records = vec![
        email("a1", ADA, &[SUPPORT], "2026-02-10T09:00:00Z"),
        email("a2", SUPPORT, &[ADA], "2026-02-10T09:30:00Z"),
        email("a3", ADA, &[CLIENT_INFO], "2026-02-11T09:00:00Z"),
        email("b1", "s1@northwind.example", &[CLIENT], "2026-02-12T09:00:00Z"),
    ];
    for i in 0..6 {
        records.push(email(&format!("sup{i}"), SUPPORT, &[CLIENT], &format!("2026-02-2{i}T10:00:00Z")));
        records.push(email(&format!("cli{i}"), CLIENT, &[SUPPORT], &format!("2026-02-2{i}T11:00:00Z")));
    }
    let mut e = Engine::new(options(ADA, EVERYTHING)).unwrap();
    load(&mut e, &directory_with_kinds(), &serde_json::Value::Array(records));
    let client = Target::Contact(CLIENT.into());
    let everything = serde_json::to_string(&(
        e.who_knows_whom(&client, Some(100)).unwrap(),
        e.introduction_paths(&client, Some(20), Some(4), None).unwrap(),
        e.relationship(&client, rapport::DataScope::Team, None, &Default::default()).unwrap(),
        e.relationship(
            &Target::Account("client".into()),
            rapport::DataScope::Team,
            None,
            &Default::default(),
        )
        .unwrap(),
        e.relationship_summaries(false, rapport::DataScope::Team, None, &Default::default()).unwrap(),
        e.relationship_summaries(true, rapport::DataScope::Team, None, &Default::default()).unwrap(),
        e.own_insights(None).unwrap(),
    ))
    .unwrap();
    for mailbox in [SUPPORT, CLIENT_INFO] {
        assert!(!everything.contains(mailbox), "{mailbox} is listed as a person: {everything}");
    }
    assert_eq!(
        e.relationship(
            &Target::Contact(CLIENT_INFO.into()),
            rapport::DataScope::Team,
            None,
            &Default::default()
        )
        .unwrap_err()
        .code(),
        "UNKNOWN_TARGET",
        "a shared mailbox is not a contact"
    );
    // Its e-mails still count as e-mails of our side.
    let r = e.relationship(&client, rapport::DataScope::Team, None, &Default::default()).unwrap();
    assert_eq!((r.kpis.emails_sent, r.kpis.emails_received), (7, 6));
    let known = e.who_knows_whom(&client, Some(100)).unwrap();
    assert_eq!(known.colleagues.len(), 1, "s1 only");
}

/// Class 13: an unknown `kind` is a record error naming the field; a
/// lenient load counts it.
#[test]
fn class_13_an_unknown_kind_is_a_record_error() {
    let mut e = Engine::new(options(ADA, EVERYTHING)).unwrap();
    let people = json!([{ "id": CLIENT }, { "id": SUPPORT, "kind": "mailbox" }]);
    match e.load_people(people.to_string().as_bytes(), Default::default()).unwrap_err() {
        Error::InvalidRecord(r) => assert_eq!((r.index, r.field.as_str()), (1, "kind")),
        other => panic!("{other:?}"),
    }
    let wrong_type = json!([{ "id": SUPPORT, "kind": 3 }]);
    assert!(e.load_people(wrong_type.to_string().as_bytes(), Default::default()).is_err());
    let lenient = rapport::LoadOptions { lenient: true, ..Default::default() };
    let report = e.load_people(people.to_string().as_bytes(), lenient).unwrap();
    assert_eq!((report.accepted, report.rejected), (1, 1));
    assert_eq!(report.rejected_by_reason.get("kind: invalid value"), Some(&1));
}

/// A JSON value nested `depth` arrays deep.
fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// Class 12 (depth): JSON nested a million levels deep, in every JSON
/// entry point, is refused with a coded error naming the limit (128, as
/// documented), without overflowing the stack; the engine works after.
#[test]
fn class_12_json_nested_a_million_deep_is_refused_everywhere() {
    let deep = nested(1_000_000);
    let mut e = Engine::new(options(ADA, EVERYTHING)).unwrap();
    let people = format!(r#"[{{"id":"{CLEO}","notes":{deep}}}]"#);
    let records =
        format!(r#"[{{"id":"a","kind":"email","from":"{ADA}","to":["{CLEO}"],"at":0,"x":{deep}}}]"#);
    let ndjson = format!(
        "{{\"id\":\"a\",\"kind\":\"email\",\"from\":\"{ADA}\",\"to\":[\"{CLEO}\"],\"at\":0,\"x\":{deep}}}\n"
    );
    let graph = format!(r#"{{"value":[],"@odata.context":{deep}}}"#);
    let graph_item = format!(
        r#"{{"value":[{{"id":"m","sentDateTime":"2026-02-01T10:00:00Z","from":{{"emailAddress":{{"address":"{CLEO}"}}}},"toRecipients":[{{"emailAddress":{{"address":"{ADA}"}}}}],"body":{deep}}}]}}"#
    );
    use rapport::{Format, LoadOptions};
    let strict = |format| LoadOptions { format, ..LoadOptions::default() };
    let lenient = |format| LoadOptions { format, lenient: true, ..LoadOptions::default() };
    let loads: Vec<(&str, &String, LoadOptions)> = vec![
        ("people", &people, strict(Format::Auto)),
        ("people lenient", &people, lenient(Format::Json)),
        ("interactions", &records, strict(Format::Auto)),
        ("interactions lenient", &records, lenient(Format::Json)),
        ("ndjson", &ndjson, strict(Format::Ndjson)),
        ("ndjson lenient", &ndjson, lenient(Format::Auto)),
        ("graph page", &graph, strict(Format::Auto)),
        ("graph item", &graph_item, lenient(Format::Graph)),
        ("bare array", &deep, strict(Format::Auto)),
    ];
    for (what, text, opts) in loads {
        let result = if what.starts_with("people") {
            e.load_people(text.as_bytes(), opts)
        } else {
            e.load_interactions(text.as_bytes(), opts)
        };
        let err = result.expect_err(what);
        assert_eq!(err.code(), "INVALID_INPUT", "{what}: {err}");
        assert!(err.to_string().contains("128"), "{what}: the error names the limit: {err}");
    }
    assert_eq!(e.stats().0, 0, "nothing was loaded");
    // Options and consent flags (JSON texts in the binding) refuse it too.
    let options_json = format!(r#"{{"viewer":"{ADA}","now":{deep}}}"#);
    assert_eq!(
        rapport::EngineOptions::from_json(&options_json, NOW_2026_03).unwrap_err().code(),
        "INVALID_OPTIONS"
    );
    let consent_json = format!(r#"{{"aggregated":{deep}}}"#);
    assert_eq!(rapport::json::ConsentFlags::from_json(&consent_json).unwrap_err().code(), "INVALID_OPTIONS");
    // 128 levels (the array, the entry, 126 more) are fine; 129 are not.
    let at = |depth: usize| format!(r#"[{{"id":"{CLEO}","notes":{}}}]"#, nested(depth - 2));
    assert_eq!(e.load_people(at(129).as_bytes(), Default::default()).unwrap_err().code(), "INVALID_INPUT");
    // A string left open on one NDJSON line does not hide the next line's nesting.
    let hidden = format!(
        "{{\"id\":\"open
{{\"id\":\"b\",\"x\":{deep}}}
"
    );
    let err = e.load_interactions(hidden.as_bytes(), lenient(Format::Ndjson)).unwrap_err();
    assert!(err.to_string().contains("128"), "{err}");
    e.load_people(at(128).as_bytes(), Default::default()).expect("128 levels are within the limit");
    let records = json!([email("a", ADA, &[CLEO], "2026-02-01T10:00:00Z")]);
    e.load_interactions(records.to_string().as_bytes(), Default::default()).unwrap();
    assert!(e.relationship(&cleo(), rapport::DataScope::Own, None, &Default::default()).is_ok());
}
