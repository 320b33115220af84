//! The next step, rule by rule (`src/insights/next_step.rs`), each on the
//! data that makes it apply and no earlier rule; and the naming limit: in
//! scope `own` a suggestion names no colleague but the viewer.

mod common;

use common::*;
use rapport::insights::health::HealthOptions;
use rapport::insights::next_step::NextStep;
use rapport::{Consent, DataScope, Engine, Target};
use serde_json::{json, Value};

const NOW: &str = "2026-03-31T00:00:00Z";

fn team() -> Consent {
    Consent { aggregated: false, identifiable: true }
}

fn step(e: &Engine, scope: DataScope, days: u32) -> Option<NextStep> {
    e.relationship(&Target::Contact(CLEO.into()), scope, Some(days), &HealthOptions::default())
        .unwrap()
        .next_step
}

fn loaded(consent: Consent, interactions: Value) -> Engine {
    let mut e = engine(ADA, consent, NOW);
    load(&mut e, &directory(), &interactions);
    e
}

#[test]
fn their_last_two_emails_unanswered() {
    let e = loaded(
        team(),
        json!([
            meeting("m1", ADA, &[CLEO], "2026-03-05T10:00:00Z", 30.0),
            email("e1", ADA, &[CLEO], "2026-03-10T09:00:00Z"),
            email("e2", CLEO, &[ADA], "2026-03-20T09:00:00Z"),
            email("e3", CLEO, &[ADA], "2026-03-25T09:00:00Z"),
        ]),
    );
    let s = step(&e, DataScope::Team, 30).unwrap();
    assert_eq!(s.rule, "unanswered");
    assert_eq!(s.text, "No reply from us to their last two e-mails (the latest on 2026-03-25).");
    // One answer from us after them: no longer.
    let mut e = e;
    load(&mut e, &directory(), &json!([reply("e4", BOB, &[CLEO], "2026-03-26T09:00:00Z", "e3")]));
    assert_ne!(step(&e, DataScope::Team, 30).map(|s| s.rule), Some("unanswered"));
}

#[test]
fn quiet_for_more_than_30_days() {
    let e = loaded(
        team(),
        json!([
            email("e1", CLEO, &[ADA], "2026-02-10T09:00:00Z"),
            email("e2", ADA, &[CLEO], "2026-02-14T09:00:00Z"),
        ]),
    );
    let s = step(&e, DataScope::Team, 90).unwrap();
    // 44 days and 15 hours since Feb 14, 09:00: whole days, 44.
    assert_eq!((s.rule, s.text.as_str()), ("quiet", "No interaction in 44 days: get back in touch."));
    // 30 days exactly is not yet quiet.
    let e = loaded(team(), json!([email("e1", ADA, &[CLEO], "2026-03-01T00:00:00Z")]));
    assert_ne!(step(&e, DataScope::Team, 90).map(|s| s.rule), Some("quiet"));
}

/// Bob is on every e-mail with Cleo, Ada (the viewer) on two: Bob knows
/// her best, but in scope `own` only Ada may be named.
fn unmet() -> Value {
    json!([
        meeting("m0", ADA, &[CLEO], "2026-01-20T10:00:00Z", 30.0), // 70 days before now
        email("e1", CLEO, &[BOB, ADA], "2026-03-10T09:00:00Z"),
        email("e2", BOB, &[CLEO], "2026-03-12T09:00:00Z"),
        email("e3", CLEO, &[BOB], "2026-03-14T09:00:00Z"),
        email("e4", BOB, &[CLEO, ADA], "2026-03-20T09:00:00Z"),
    ])
}

#[test]
fn nobody_met_them_in_60_days_names_who_knows_them_best() {
    let e = loaded(team(), unmet());
    let s = step(&e, DataScope::Team, 90).unwrap();
    assert_eq!(s.rule, "no-meeting");
    assert_eq!(s.text, "Nobody has met them in 60 days — Bob knows them best.");
    assert_eq!(s.colleague.as_deref(), Some(BOB));
    // A meeting 59 days ago: they were met.
    let mut e = e;
    load(&mut e, &directory(), &json!([call("c1", BOB, CLEO, "2026-02-01T10:00:00Z", 10.0)]));
    assert_ne!(step(&e, DataScope::Team, 90).map(|s| s.rule), Some("no-meeting"));
}

#[test]
fn own_scope_names_no_colleague_but_the_viewer() {
    // Attack: the viewer is Bob, and Ada is on every one of his rows with
    // Cleo: tied with him, first by id, she would be "who knows them best".
    let rows = json!([
        meeting("m0", BOB, &[CLEO, ADA], "2026-01-20T10:00:00Z", 30.0),
        email("e1", CLEO, &[BOB, ADA], "2026-03-10T09:00:00Z"),
        email("e2", BOB, &[CLEO, ADA], "2026-03-20T09:00:00Z"),
    ]);
    for consent in [Consent::default(), team()] {
        let mut e = engine(BOB, consent, NOW);
        load(&mut e, &directory(), &rows);
        let s = e
            .relationship(&Target::Contact(CLEO.into()), DataScope::Own, Some(90), &HealthOptions::default())
            .unwrap()
            .next_step
            .unwrap();
        assert_eq!(s.rule, "no-meeting");
        assert_eq!(s.text, "Nobody has met them in 60 days — you know them best.");
        assert_eq!(s.colleague.as_deref(), Some(BOB));
        let listed =
            e.relationship_summaries(false, DataScope::Own, Some(90), &HealthOptions::default()).unwrap();
        assert_eq!(listed.len(), 1);
        let text = serde_json::to_string(&listed[0].next_step).unwrap().to_lowercase();
        assert!(!text.contains("ada"), "{text}");
    }
    // In scope team, Ada may be named (she is first by id among equals).
    let mut e = engine(BOB, team(), NOW);
    load(&mut e, &directory(), &rows);
    assert_eq!(step(&e, DataScope::Team, 90).unwrap().colleague.as_deref(), Some(ADA));
}

#[test]
fn a_declining_score_says_by_how_much() {
    // Busy and two-sided a month ago; this month one meeting and two e-mails of ours.
    let mut records = Vec::new();
    for d in 0..8 {
        let day = format!("2026-02-{:02}T09:00:00Z", 5 + d * 3);
        let later = format!("2026-02-{:02}T11:00:00Z", 5 + d * 3);
        records.push(email(&format!("t{d}"), CLEO, &[ADA, BOB], &day));
        records.push(reply(&format!("r{d}"), ADA, &[CLEO], &later, &format!("t{d}")));
    }
    records.push(meeting("m1", ADA, &[CLEO], "2026-03-20T10:00:00Z", 30.0));
    records.push(email("o1", ADA, &[CLEO], "2026-03-21T09:00:00Z"));
    records.push(email("o2", ADA, &[CLEO], "2026-03-22T09:00:00Z"));
    let e = loaded(team(), Value::from(records));
    let r = e
        .relationship(&Target::Contact(CLEO.into()), DataScope::Team, Some(30), &HealthOptions::default())
        .unwrap();
    let change = r.health.trend.as_ref().unwrap().change.unwrap();
    assert!(change <= -10, "{:?}", r.health.trend);
    let s = r.next_step.unwrap();
    assert_eq!(s.rule, "declining");
    assert!(s.text.starts_with(&format!("Health fell {} points; weakest: ", -change)), "{}", s.text);
}

#[test]
fn one_colleague_only() {
    let records = json!([
        meeting("m1", BOB, &[CLEO], "2026-03-02T10:00:00Z", 30.0),
        email("e1", CLEO, &[BOB], "2026-03-05T09:00:00Z"),
        email("e2", BOB, &[CLEO], "2026-03-06T09:00:00Z"),
        call("c1", CLEO, BOB, "2026-03-10T09:00:00Z", 15.0),
        email("e3", BOB, &[CLEO], "2026-03-20T09:00:00Z"),
    ]);
    let e = loaded(team(), records.clone());
    let s = step(&e, DataScope::Team, 30).unwrap();
    assert_eq!(
        (s.rule, s.text.as_str()),
        ("single-threaded", "Only Bob deals with them: bring in a colleague.")
    );
    // Four are not enough.
    let mut fewer = records.as_array().unwrap().clone();
    fewer.pop();
    let e = loaded(team(), Value::from(fewer));
    assert_eq!(step(&e, DataScope::Team, 30), None);
}
