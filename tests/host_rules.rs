//! What the core tells a host instead of the host recomputing it (issue 13):
//! who is internal, whether consent keeps others' data and whether some of it
//! was withheld, and what a load read per kind. Each rule once lived in the
//! dashboard too, and drifted there.

mod common;

use common::*;
use rapport::{Consent, Engine, LoadOptions};
use serde_json::json;

const NOW: &str = "2026-01-10T00:00:00Z";
const TEAM: Consent = Consent { aggregated: false, identifiable: true };

fn mixed() -> serde_json::Value {
    json!([
        email("a1", ADA, &[CLEO], "2026-01-05T10:00:00Z"),
        email("b1", BOB, &[CLEO], "2026-01-06T10:00:00Z"),
        meeting("b2", BOB, &[CLEO, DAN], "2026-01-07T10:00:00Z", 30.0),
        call("b3", CLEO, BOB, "2026-01-08T10:00:00Z", 5.0),
    ])
}

fn load_mixed(e: &mut Engine) -> rapport::LoadReport {
    e.load_interactions(mixed().to_string().as_bytes(), LoadOptions::default()).expect("load")
}

#[test]
fn internal_is_the_cores_rule_subdomains_and_directory_included() {
    let mut e = engine(ADA, Consent::default(), NOW);
    // A look-alike domain is not ours; a subdomain is; the directory's flag wins over the domain.
    let people = json!([
        { "id": "partner@eu.northwind.example", "name": "EU colleague" },
        { "id": "contractor@fabrikam.example", "internal": true },
        { "id": "spoof@evilnorthwind.example" },
    ]);
    e.load_people(people.to_string().as_bytes(), LoadOptions::default()).expect("people");
    assert!(e.is_internal("partner@eu.northwind.example"));
    assert!(e.is_internal(" Contractor@Fabrikam.example "), "the directory says internal, ids normalised");
    assert!(!e.is_internal("spoof@evilnorthwind.example"));
    assert!(!e.is_internal("someone@evilnorthwind.example"), "not held: the domain rule alone");
    assert!(e.is_internal("new.hire@sales.northwind.example"));
    assert!(!e.is_internal(CLEO));
    assert!(!e.is_internal(""));
}

#[test]
fn others_withheld_follows_every_drop_for_consent_until_a_load_under_consent() {
    let mut e = engine(ADA, Consent::default(), NOW);
    assert!(!e.keeps_others() && !e.others_withheld());
    let report = load_mixed(&mut e);
    assert_eq!(report.dropped_no_consent, 3);
    assert!(e.others_withheld(), "a load without consent dropped others' interactions");

    e.set_consent(TEAM);
    assert!(e.keeps_others());
    assert!(e.others_withheld(), "granting consent brings nothing back by itself");
    let again = load_mixed(&mut e);
    assert_eq!((again.accepted, again.duplicates), (3, 1));
    assert!(!e.others_withheld(), "loaded again while consent keeps them");

    e.set_consent(Consent::default());
    assert!(!e.keeps_others() && e.others_withheld(), "withdrawal purged them");
}

#[test]
fn a_withdrawal_with_nothing_of_others_held_withholds_nothing() {
    let mut e = engine(ADA, TEAM, NOW);
    let own = json!([email("a1", ADA, &[CLEO], "2026-01-05T10:00:00Z")]);
    e.load_interactions(own.to_string().as_bytes(), LoadOptions::default()).expect("load");
    e.set_consent(Consent::default());
    assert!(!e.others_withheld());
}

#[test]
fn a_snapshot_says_whether_others_were_withheld() {
    // Exported under consent with everything: complete when reopened under consent.
    let mut full = engine(ADA, TEAM, NOW);
    load_mixed(&mut full);
    let reopened = Engine::from_snapshot(&full.export_snapshot(), full.options().clone()).expect("open");
    assert!(!reopened.others_withheld());

    // Exported without consent: others were left out, so a reopen under consent lacks them.
    let mut own = engine(ADA, Consent::default(), NOW);
    load_mixed(&mut own);
    let mut options = own.options().clone();
    options.consent = TEAM;
    let reopened = Engine::from_snapshot(&own.export_snapshot(), options).expect("open");
    assert!(reopened.keeps_others() && reopened.others_withheld());

    // Consent granted again after a withdrawal, without a reload: still incomplete.
    full.set_consent(Consent::default());
    full.set_consent(TEAM);
    let reopened = Engine::from_snapshot(&full.export_snapshot(), full.options().clone()).expect("open");
    assert!(reopened.others_withheld());

    // A complete snapshot reopened without consent: its others are purged on opening.
    let mut complete = engine(ADA, TEAM, NOW);
    load_mixed(&mut complete);
    let mut options = complete.options().clone();
    options.consent = Consent::default();
    let reopened = Engine::from_snapshot(&complete.export_snapshot(), options).expect("open");
    assert!(reopened.others_withheld());
}

#[test]
fn a_load_report_counts_what_it_read_per_kind_whatever_became_of_it() {
    let mut e = engine(ADA, Consent::default(), NOW);
    let mut records = mixed().as_array().expect("records").clone();
    records.push(
        json!({ "id": "c1", "kind": "meeting", "from": BOB, "to": [CLEO], "at": "2026-01-09T10:00:00Z",
                         "durationMinutes": 30, "cancelled": true }),
    );
    records.push(email("a1", ADA, &[DAN], "2026-01-05T11:00:00Z")); // a duplicate id
    let report =
        e.load_interactions(json!(records).to_string().as_bytes(), LoadOptions::default()).expect("load");
    assert_eq!((report.emails, report.meetings, report.calls), (3, 2, 1));
    let (stored, unchanged) = (report.accepted + report.updated, report.duplicates);
    assert_eq!(stored + unchanged + report.cancelled + report.dropped_no_consent, 6);

    // Graph: drafts and solo items are read too, as the kind the core decides.
    let page = json!({ "value": [
        { "id": "m1", "sentDateTime": "2026-01-05T10:00:00Z", "from": { "emailAddress": { "address": ADA } },
          "toRecipients": [{ "emailAddress": { "address": CLEO } }] },
        { "id": "m2", "isDraft": true, "from": { "emailAddress": { "address": ADA } } },
        { "id": "e1", "organizer": { "emailAddress": { "address": ADA } }, "attendees": [],
          "start": { "dateTime": "2026-01-06T10:00:00", "timeZone": "UTC" },
          "end": { "dateTime": "2026-01-06T11:00:00", "timeZone": "UTC" } },
    ]});
    let report = e.load_interactions(page.to_string().as_bytes(), LoadOptions::default()).expect("page");
    assert_eq!((report.emails, report.meetings, report.calls), (2, 1, 0));
    assert_eq!((report.accepted, report.skipped_drafts, report.skipped_solo), (1, 1, 1));
}
