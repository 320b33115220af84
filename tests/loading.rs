//! Loading (SPEC 2.1, 2.2, 2.4): formats, normalisation, aliases, duplicates,
//! strict and lenient batches, and hostile inputs.

mod common;

use common::*;
use rapport::{Consent, Engine, Error, Format, LoadOptions};
use serde_json::json;

/// After every interaction of these tests.
const NOW: &str = "2026-01-10T00:00:00Z";

fn lenient() -> LoadOptions {
    LoadOptions { lenient: true, ..LoadOptions::default() }
}

#[test]
fn json_array_and_ndjson_load_the_same_records() {
    let records = vec![
        email("a", ADA, &["x@contoso.example"], "2026-01-05T10:00:00Z"),
        meeting("b", "x@contoso.example", &[ADA], "2026-01-06T10:00:00Z", 30.0),
    ];
    let ndjson: String = records.iter().map(|r| format!("{r}\n\n")).collect();
    let mut a = engine(ADA, Consent::default(), NOW);
    let mut b = engine(ADA, Consent::default(), NOW);
    a.load_interactions(serde_json::Value::Array(records).to_string().as_bytes(), LoadOptions::default())
        .unwrap();
    let nd = LoadOptions { format: Format::Ndjson, ..LoadOptions::default() };
    assert_eq!(b.load_interactions(ndjson.as_bytes(), nd).unwrap().accepted, 2);
    let ids = ["x@contoso.example".to_string()];
    assert_eq!(outputs(&a, &ids), outputs(&b, &ids));
}

#[test]
fn a_record_refused_after_its_recipients_were_read_leaves_nothing_to_the_next() {
    // Each bad record fails once its `to` (and for some its `cc`) is read:
    // the batch's list of participants must not keep any of them.
    let good = [
        email("a", ADA, &["x@contoso.example"], "2026-01-05T10:00:00Z"),
        meeting("d", "w@contoso.example", &[ADA, "x@contoso.example"], "2026-01-07T10:00:00Z", 30.0),
    ];
    let mut bad_id = email("b", ADA, &["y@contoso.example", "z@contoso.example"], "2026-01-06T10:00:00Z");
    bad_id["messageId"] = json!("no-at-sign");
    let mut bad_cc = email("c", ADA, &["y@contoso.example"], "2026-01-06T11:00:00Z");
    bad_cc["cc"] = json!(["z@contoso.example", 1]);
    let mut empty_cc = email("c2", ADA, &["y@contoso.example"], "2026-01-06T12:00:00Z");
    empty_cc["cc"] = json!(["z@contoso.example", " "]);
    let mixed = json!([good[0], bad_id, bad_cc, empty_cc, good[1]]);
    let mut a = engine(ADA, Consent::default(), NOW);
    let report = a.load_interactions(mixed.to_string().as_bytes(), lenient()).unwrap();
    assert_eq!((report.accepted, report.rejected), (2, 3));
    let mut b = engine(ADA, Consent::default(), NOW);
    b.load_interactions(json!(good).to_string().as_bytes(), LoadOptions::default()).unwrap();
    let ids: Vec<String> = ["x", "w", "y", "z"].iter().map(|p| format!("{p}@contoso.example")).collect();
    assert_eq!(outputs(&a, &ids), outputs(&b, &ids));
    assert_eq!(a.stats(), b.stats());
}

#[test]
fn loading_is_incremental_identical_copies_are_duplicates_and_a_later_copy_replaces() {
    let mut e = engine(ADA, Consent::default(), NOW);
    let first = json!([email("a", ADA, &["x@contoso.example"], "2026-01-05T10:00:00Z")]);
    let second = json!([
        email("a", ADA, &["x@contoso.example"], "2026-01-05T10:00:00Z"),
        email("b", ADA, &["x@contoso.example"], "2026-01-06T10:00:00Z"),
        email("b", ADA, &["y@contoso.example"], "2026-01-07T10:00:00Z"),
    ]);
    assert_eq!(
        e.load_interactions(first.to_string().as_bytes(), LoadOptions::default()).unwrap().accepted,
        1
    );
    let r = e.load_interactions(second.to_string().as_bytes(), LoadOptions::default()).unwrap();
    // "a" again is a duplicate; the second "b" is a later version of the first.
    assert_eq!((r.accepted, r.duplicates, r.updated), (1, 1, 1));
    assert_eq!(e.stats().0, 2);
    assert_eq!(e.own_insights(None).unwrap().kpis.emails_sent, 2);
    let tops = |e: &Engine, who: &str| {
        let target = rapport::Target::Contact(who.into());
        let h = rapport::insights::health::HealthOptions::default();
        e.relationship(&target, rapport::DataScope::Own, None, &h).map(|r| r.kpis.emails_sent).unwrap_or(0)
    };
    assert_eq!((tops(&e, "x@contoso.example"), tops(&e, "y@contoso.example")), (1, 1));
}

#[test]
fn ids_are_normalised_and_aliases_fold_into_one_person() {
    let mut e = engine(ADA, Consent::default(), NOW);
    // Interactions first: the alias is a person of its own until the directory says otherwise.
    let interactions = json!([
        email("a", "  Cleo@Contoso.Example ", &[ADA], "2026-01-05T10:00:00Z"),
        email("b", "c.old@contoso.example", &[ADA], "2026-01-06T10:00:00Z"),
        email("c", ADA, &["CLEO@contoso.example", "c.old@CONTOSO.example"], "2026-01-07T10:00:00Z"),
    ]);
    e.load_interactions(interactions.to_string().as_bytes(), LoadOptions::default()).unwrap();
    let before = e.own_insights(None).unwrap();
    assert_eq!(before.top_contacted_by.len(), 2);

    let people =
        json!([{ "id": "cleo@contoso.example", "name": "Cleo", "aliases": ["C.Old@contoso.example"] }]);
    e.load_people(people.to_string().as_bytes(), LoadOptions::default()).unwrap();
    let after = e.own_insights(None).unwrap();
    assert_eq!(after.top_contacted_by.len(), 1);
    assert_eq!(after.top_contacted_by[0].id, "cleo@contoso.example");
    assert_eq!(after.top_contacted_by[0].name.as_deref(), Some("Cleo"));
    assert_eq!(after.top_contacted_by[0].interactions, 2);
    // e-mail c went to both addresses of one person: one recipient now.
    assert_eq!(after.top_contacted[0].interactions, 1);
    assert_eq!(after.kpis.emails_received, 2);
}

#[test]
fn people_missing_from_the_directory_are_classified_by_domain() {
    let mut e = engine(ADA, Consent::default(), NOW);
    let interactions = json!([email(
        "a",
        ADA,
        &["bob@northwind.example", "x@contoso.example", "y@eu.northwind.example"],
        "2026-01-05T10:00:00Z"
    ),]);
    e.load_interactions(interactions.to_string().as_bytes(), LoadOptions::default()).unwrap();
    let own = e.own_insights(None).unwrap();
    let internal: Vec<(String, bool)> =
        own.top_contacted.iter().map(|c| (c.id.clone(), c.internal)).collect();
    assert_eq!(
        internal,
        [
            ("bob@northwind.example".to_string(), true),
            ("x@contoso.example".to_string(), false),
            ("y@eu.northwind.example".to_string(), true),
        ]
    );
}

#[test]
fn alias_conflicts_are_refused_whole() {
    let mut e = engine(ADA, Consent::default(), NOW);
    let people = json!([
        { "id": "a@contoso.example", "aliases": ["shared@contoso.example"] },
        { "id": "b@contoso.example", "aliases": ["shared@contoso.example"] },
    ]);
    match e.load_people(people.to_string().as_bytes(), LoadOptions::default()) {
        Err(Error::InvalidRecord(r)) => assert_eq!((r.index, r.field.as_str()), (1, "aliases")),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let r = e.load_people(people.to_string().as_bytes(), lenient()).unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 1));
    assert_eq!(r.rejected_by_reason.get("aliases: conflict"), Some(&1));
}

#[test]
fn lenient_loads_skip_and_count_by_reason() {
    let mut e = engine(ADA, Consent::default(), NOW);
    let text = [
        email("ok1", ADA, &["x@contoso.example"], "2026-01-05T10:00:00Z").to_string(),
        "{not json".to_string(),
        json!({ "id": "t", "kind": "email", "from": ADA, "to": ["x@contoso.example"], "at": "yesterday" }).to_string(),
        json!({ "id": "u", "kind": "email", "from": ADA, "to": ["x@contoso.example"], "at": "2026-13-01T00:00:00Z" }).to_string(),
        json!({ "kind": "email", "from": ADA, "to": ["x@contoso.example"], "at": 0 }).to_string(),
        json!(["an", "array"]).to_string(),
        email("ok2", ADA, &["x@contoso.example"], "2026-01-06T10:00:00Z").to_string(),
    ]
    .join("\n");
    let r = e.load_interactions(text.as_bytes(), lenient()).unwrap();
    assert_eq!((r.accepted, r.rejected), (2, 5));
    assert_eq!(r.rejected_by_reason.get("at: invalid value"), Some(&2));
    assert_eq!(r.rejected_by_reason.get("id: missing"), Some(&1));
    assert_eq!(r.rejected_by_reason.get("not JSON"), Some(&1));
    assert_eq!(r.rejected_by_reason.get("not an object"), Some(&1));
    assert_eq!(r.errors[0].index, 1, "NDJSON records are numbered by line");
    assert_eq!(r.errors[1].field, "at");
}

#[test]
fn strict_errors_name_the_record_the_field_and_the_reason() {
    let mut e = engine(ADA, Consent::default(), NOW);
    let batch = json!([
        email("a", ADA, &["x@contoso.example"], "2026-01-05T10:00:00Z"),
        { "id": "b", "kind": "email", "from": ADA, "to": "x@contoso.example", "at": true },
    ]);
    let err = e.load_interactions(batch.to_string().as_bytes(), LoadOptions::default()).unwrap_err();
    assert_eq!(err.code(), "INVALID_INPUT");
    assert_eq!(err.to_string(), "record 1, field \"at\": expected a number, found a boolean");
    assert_eq!(e.stats().0, 0);
}

#[test]
fn hostile_inputs_are_refused_with_codes_and_the_engine_stays_usable() {
    let mut e = engine(ADA, Consent::default(), NOW);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("[{}1{}]", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let big_field =
        json!([{ "id": "x".repeat(10 << 20), "kind": "email", "from": ADA, "to": ["b@c.example"], "at": 0 }]);
    let big_name = json!([{ "id": "p@c.example", "name": "n".repeat(10 << 20) }]);
    let many_to: Vec<String> = (0..1_000_000).map(|i| format!("p{i}@c.example")).collect();
    let many = json!([{ "id": "m", "kind": "email", "from": ADA, "to": many_to, "at": 0 }]);
    let cases: Vec<(String, &str)> = vec![
        ("not json at all".into(), "line 1 is not JSON"),
        ("[1, 2".into(), "not a JSON array"),
        (deep, "nested more than 128 levels"),
        (deep_object, "nested more than 128 levels"),
        (big_field.to_string(), "longer than the limit"),
        (many.to_string(), "more than 1000 entries"),
        (json!([{ "id": "x", "kind": "email", "from": ADA, "to": ["b@c.example"], "at": "2026-02-29T00:00:00Z" }]).to_string(), "RFC 3339"),
        (json!([{ "id": "x", "kind": "email", "from": ADA, "to": ["b@c.example"], "at": 1e300 }]).to_string(), "years"),
        (json!([{ "id": "x", "kind": "meeting", "from": ADA, "to": ["b@c.example"], "at": 0, "durationMinutes": "long" }]).to_string(), "expected a number"),
    ];
    for (input, says) in &cases {
        let err = e.load_interactions(input.as_bytes(), LoadOptions::default()).unwrap_err();
        assert_eq!(err.code(), "INVALID_INPUT");
        assert!(err.to_string().contains(says), "{err} should say {says}");
    }
    let err = e.load_people(big_name.to_string().as_bytes(), LoadOptions::default()).unwrap_err();
    assert_eq!(err.code(), "INVALID_INPUT");
    let err = e.load_interactions(&[0xc3, 0x28], LoadOptions::default()).unwrap_err();
    assert_eq!(err.code(), "INVALID_INPUT");

    let mut o = rapport::EngineOptions::new(ADA, ms(NOW));
    o.max_input_bytes = 1000;
    let mut small = rapport::Engine::new(o).unwrap();
    let err = small.load_interactions(&[b' '; 1001], LoadOptions::default()).unwrap_err();
    assert_eq!(err.code(), "INPUT_TOO_LARGE");

    let fine = json!([email("ok", ADA, &["b@c.example"], "2026-01-05T10:00:00Z")]);
    assert_eq!(e.load_interactions(fine.to_string().as_bytes(), LoadOptions::default()).unwrap().accepted, 1);
    assert_eq!(e.stats().0, 1);
}

/// An optional member given as `null` is an absent one (SPEC 2.2), whichever
/// reader reads the record: the one-pass reader takes plain records, serde's
/// reader takes the rest (here: an escape in the id). A host that writes
/// `null` for what it does not know loses nothing.
#[test]
fn null_optional_members_are_absent_ones_whichever_reader_reads_the_record() {
    let optional =
        ["threadId", "inReplyTo", "cc", "durationMinutes", "cancelled", "messageId", "modifiedAt", "deleted"];
    for field in optional {
        let mut reports = Vec::new();
        for id in ["m1", "m\\u0031"] {
            let record = format!(
                r#"{{"id":"{id}","kind":"email","from":"{ADA}","to":["x@contoso.example"],"at":"2026-01-05T10:00:00Z","{field}":null}}"#
            );
            let mut e = engine(ADA, Consent::default(), NOW);
            let r = e.load_interactions(record.as_bytes(), lenient()).unwrap();
            reports.push((r.accepted, r.rejected, outputs(&e, &["x@contoso.example".to_string()])));
        }
        assert_eq!(reports[0].0, 1, "{field}: null refused");
        assert_eq!(reports[0], reports[1], "{field}: the two readers differ");
    }
    // People too: a null name, department or flag is an absent one.
    for member in
        ["name", "department", "accountId", "accountName", "internal", "optedOut", "aliases", "kind"]
    {
        let mut e = engine(ADA, Consent::default(), NOW);
        let text = format!(
            r#"[{{"id":"y@contoso.example","{member}":null}},{{"id":"z\u0040contoso.example","{member}":null}}]"#
        );
        let r = e.load_people(text.as_bytes(), lenient()).unwrap();
        assert_eq!((r.accepted, r.rejected), (2, 0), "{member}: {:?}", r.errors);
    }
}
