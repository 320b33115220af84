//! Breadth and the rankings of people count who took part (issue 15, point
//! 5): the sender, the people addressed in `to`, the attendees; not everyone
//! copied. First the data that broke it (one mass mail copying 64 colleagues
//! gave full breadth), then the ways a copy could sneak back in: Graph's
//! `ccRecipients`, two copies of one e-mail that disagree, aliases, a new
//! version, a snapshot round trip, and the account's own side.

mod common;

use common::*;
use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Engine, Format, LoadOptions, Target};
use serde_json::{json, Value};

const NOW: &str = "2026-03-31T00:00:00Z";
const TEAM: Consent = Consent { aggregated: true, identifiable: true };

fn colleague(i: usize) -> String {
    format!("colleague{i}@northwind.example")
}

/// The directory with 64 more colleagues.
fn people() -> Value {
    let mut list = directory().as_array().unwrap().clone();
    list.extend((0..64).map(|i| json!({ "id": colleague(i), "department": "Marketing" })));
    Value::Array(list)
}

/// Ada and Cleo write back and forth for a month; then Ada sends one
/// announcement to Cleo copying all 64 colleagues.
fn mass_mail() -> Value {
    let mut out: Vec<Value> = (0..8)
        .map(|d| {
            let (from, to) = if d % 2 == 0 { (ADA, CLEO) } else { (CLEO, ADA) };
            email(&format!("e{d}"), from, &[to], &format!("2026-03-{:02}T09:00:00Z", d + 2))
        })
        .collect();
    let cc: Vec<String> = (0..64).map(colleague).collect();
    out.push(json!({ "id": "mass", "kind": "email", "from": ADA, "to": [CLEO], "cc": cc,
                     "at": "2026-03-20T09:00:00Z" }));
    Value::Array(out)
}

fn loaded(records: &Value) -> Engine {
    let mut e = engine(ADA, TEAM, NOW);
    load(&mut e, &people(), records);
    e
}

fn relationship(e: &Engine, target: Target) -> Value {
    // Every factor shown, however few the interactions.
    let health = HealthOptions { min_interactions: 1, ..HealthOptions::default() };
    let r = e.relationship(&target, DataScope::Team, Some(30), &health).unwrap();
    serde_json::to_value(r).unwrap()
}

fn breadth(r: &Value) -> (f64, String) {
    let f = r["health"]["factors"].as_array().unwrap().iter().find(|f| f["factor"] == "breadth").unwrap();
    (f["value"].as_f64().unwrap(), f["explanation"].as_str().unwrap().to_string())
}

fn ranked(r: &Value) -> Vec<String> {
    r["topColleagues"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_mass_mail_copying_64_colleagues_does_not_give_full_breadth() {
    let e = loaded(&mass_mail());
    let r = relationship(&e, Target::Contact(CLEO.into()));
    // Only Ada took part: 1 colleague of the 3 that make full breadth.
    let (value, text) = breadth(&r);
    assert!((value - 1.0 / 3.0).abs() < 1e-4, "breadth {value}: {text}");
    assert!(text.starts_with("1 colleague"), "{text}");
    assert_eq!(ranked(&r), [ADA], "a copied colleague is not ranked");
    // The mail still counts for the relationship, and its evidence names
    // the copied people as copied.
    assert_eq!(r["interactionsUsed"], 9);
    let page = e.activity(&Target::Contact(CLEO.into()), DataScope::Team, Some(30), Some(1), None).unwrap();
    let item = serde_json::to_value(&page.items[0]).unwrap();
    assert_eq!(item["id"], "mass");
    assert_eq!(item["us"], json!([{ "id": ADA, "name": "Ada" }]));
    assert_eq!(item["copied"].as_array().unwrap().len(), 64);
}

#[test]
fn colleagues_addressed_in_to_do_count() {
    let mut records = mass_mail();
    let to: Vec<String> = std::iter::once(CLEO.to_string()).chain((0..2).map(colleague)).collect();
    records.as_array_mut().unwrap().push(json!({ "id": "addressed", "kind": "email", "from": ADA,
        "to": to, "at": "2026-03-21T09:00:00Z" }));
    let r = relationship(&loaded(&records), Target::Contact(CLEO.into()));
    assert_eq!(breadth(&r).0, 1.0, "Ada and two colleagues addressed: three took part");
    assert_eq!(ranked(&r).len(), 3);
}

#[test]
fn graph_cc_recipients_are_copies_too() {
    let addr = |a: &str| json!({ "emailAddress": { "address": a } });
    let cc: Vec<Value> = (0..64).map(|i| addr(&colleague(i))).collect();
    let page = json!({ "value": [
        { "id": "g1", "sentDateTime": "2026-03-20T09:00:00Z", "from": addr(ADA),
          "toRecipients": [addr(CLEO)], "ccRecipients": cc },
        { "id": "g2", "sentDateTime": "2026-03-21T09:00:00Z", "from": addr(CLEO),
          "toRecipients": [addr(ADA)], "ccRecipients": [] },
    ]});
    let mut e = engine(ADA, TEAM, NOW);
    e.load_people(people().to_string().as_bytes(), LoadOptions::default()).unwrap();
    let opts = LoadOptions { format: Format::Graph, ..LoadOptions::default() };
    e.load_interactions(page.to_string().as_bytes(), opts).unwrap();
    let r = relationship(&e, Target::Contact(CLEO.into()));
    assert!(breadth(&r).1.starts_with("1 colleague"), "{:?}", breadth(&r));
}

#[test]
fn a_copy_that_says_addressed_cannot_outvote_one_that_says_copied() {
    // Two copies of one e-mail (same Message-ID, sender and time): the
    // sender's lists Bob in cc, a second copy claims he was in `to`.
    let copy = |id: &str, to: &[&str], cc: &[&str]| {
        json!({ "id": id, "kind": "email", "from": ADA, "to": to, "cc": cc,
                "at": "2026-03-20T09:00:00Z", "messageId": "<one@northwind.example>" })
    };
    for batches in [
        vec![json!([copy("c1", &[CLEO], &[BOB]), copy("c2", &[CLEO, BOB], &[])])],
        vec![json!([copy("c2", &[CLEO, BOB], &[])]), json!([copy("c1", &[CLEO], &[BOB])])],
    ] {
        let mut e = engine(ADA, TEAM, NOW);
        e.load_people(directory().to_string().as_bytes(), LoadOptions::default()).unwrap();
        for b in &batches {
            let report = e.load_interactions(b.to_string().as_bytes(), LoadOptions::default()).unwrap();
            assert!(report.same_message + report.accepted >= 1);
        }
        let r = relationship(&e, Target::Contact(CLEO.into()));
        assert_eq!(r["interactionsUsed"], 1, "one e-mail");
        assert_eq!(ranked(&r), [ADA], "Bob was copied in one copy: copied");
    }
}

#[test]
fn aliases_addressed_under_either_name_are_addressed() {
    let people = json!([
        { "id": ADA, "name": "Ada", "department": "Sales" },
        { "id": BOB, "name": "Bob", "department": "Support", "aliases": ["robert@northwind.example"] },
        { "id": CLEO, "name": "Cleo", "accountId": "contoso" },
    ]);
    let records = json!([{ "id": "x", "kind": "email", "from": ADA, "to": [CLEO, "robert@northwind.example"],
                           "cc": [BOB], "at": "2026-03-20T09:00:00Z" }]);
    let mut e = engine(ADA, TEAM, NOW);
    load(&mut e, &people, &records);
    let r = relationship(&e, Target::Contact(CLEO.into()));
    assert_eq!(ranked(&r), [ADA, BOB]);
}

#[test]
fn a_new_version_moving_someone_to_cc_is_an_update_and_survives_a_snapshot() {
    let v = |to: &[&str], cc: &[&str], modified: &str| {
        json!([{ "id": "x", "kind": "email", "from": ADA, "to": to, "cc": cc,
                 "at": "2026-03-20T09:00:00Z", "modifiedAt": modified }])
    };
    let mut e = engine(ADA, TEAM, NOW);
    load(&mut e, &directory(), &v(&[CLEO, BOB], &[], "2026-03-20T09:00:00Z"));
    assert_eq!(ranked(&relationship(&e, Target::Contact(CLEO.into()))), [ADA, BOB]);
    let report = e
        .load_interactions(
            v(&[CLEO], &[BOB], "2026-03-20T10:00:00Z").to_string().as_bytes(),
            LoadOptions::default(),
        )
        .unwrap();
    assert_eq!((report.updated, report.duplicates), (1, 0), "not the same record");
    assert_eq!(ranked(&relationship(&e, Target::Contact(CLEO.into()))), [ADA]);
    let back = Engine::from_snapshot(&e.export_snapshot(), e.options().clone()).unwrap();
    assert_eq!(
        relationship(&back, Target::Contact(CLEO.into())),
        relationship(&e, Target::Contact(CLEO.into()))
    );
    assert_eq!(ranked(&relationship(&back, Target::Contact(CLEO.into()))), [ADA]);
}

#[test]
fn an_account_counts_only_its_contacts_who_took_part() {
    // Ada writes to Cleo and copies Dan (both of contoso): one contact took part.
    let records = json!([
        { "id": "a", "kind": "email", "from": ADA, "to": [CLEO], "cc": [DAN], "at": "2026-03-20T09:00:00Z" },
        { "id": "b", "kind": "email", "from": CLEO, "to": [ADA], "cc": [DAN], "at": "2026-03-21T09:00:00Z" },
    ]);
    let r = relationship(&loaded(&records), Target::Account("contoso".into()));
    let (_, text) = breadth(&r);
    assert!(text.contains("1 contact"), "{text}");
}
