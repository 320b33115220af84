//! Consent (SPEC 4.1–4.3): refusals, withdrawal and its purge, and opt-out
//! at load time and after it.

mod common;

use common::*;
use rapport::{Consent, DataScope, Error, LoadOptions, Scope, Target};
use serde_json::json;

/// After every interaction of these tests.
const NOW: &str = "2026-01-10T00:00:00Z";

fn mixed() -> serde_json::Value {
    json!([
        email("a1", ADA, &[CLEO], "2026-01-05T10:00:00Z"),
        email("b1", BOB, &[CLEO], "2026-01-06T10:00:00Z"),
        meeting("b2", BOB, &[CLEO, ADA], "2026-01-07T10:00:00Z", 30.0),
        call("b3", CLEO, BOB, "2026-01-08T10:00:00Z", 5.0),
    ])
}

#[test]
fn refusals_name_the_missing_scope_and_no_person() {
    let mut e = engine(ADA, Consent::default(), NOW);
    load(&mut e, &json!([]), &mixed());
    let err = e
        .relationship(&Target::Contact(CLEO.into()), DataScope::Team, None, &Default::default())
        .unwrap_err();
    assert_eq!(err, Error::ConsentRequired { scope: Scope::Identifiable });
    assert_eq!(err.code(), "CONSENT_REQUIRED");
    assert!(err.to_string().contains("identifiable") && !err.to_string().contains("cleo"));
    assert_eq!(
        e.aggregates(&departments(rapport::insights::aggregates::Period::Week)).unwrap_err(),
        Error::ConsentRequired { scope: Scope::Aggregated }
    );
    // identifiable alone does not grant aggregated, nor the reverse.
    e.set_consent(Consent { aggregated: false, identifiable: true });
    assert_eq!(
        e.aggregates(&departments(rapport::insights::aggregates::Period::Week)).unwrap_err(),
        Error::ConsentRequired { scope: Scope::Aggregated }
    );
    e.set_consent(Consent { aggregated: true, identifiable: false });
    assert!(matches!(
        e.who_knows_whom(&Target::Contact(CLEO.into()), None),
        Err(Error::ConsentRequired { .. })
    ));
}

#[test]
fn withdrawing_both_scopes_deletes_others_interactions_and_keeps_them_out() {
    let mut e = engine(ADA, Consent { aggregated: true, identifiable: true }, NOW);
    load(&mut e, &json!([]), &mixed());
    assert_eq!(e.stats().0, 4);
    let own_before = e.own_insights(None).unwrap();

    // Withdrawing one scope deletes nothing.
    e.set_consent(Consent { aggregated: true, identifiable: false });
    assert_eq!(e.stats().0, 4);

    e.set_consent(Consent::default());
    assert_eq!(e.stats().0, 2, "only a1 and b2, which Ada took part in, remain");
    let own_after = e.own_insights(None).unwrap();
    assert_eq!(own_after.kpis, own_before.kpis);

    // While withdrawn, a load keeps only the viewer's own interactions.
    let more = json!([
        email("a2", CLEO, &[ADA], "2026-01-09T10:00:00Z"),
        email("b4", CLEO, &[BOB], "2026-01-09T11:00:00Z"),
    ]);
    let r = e.load_interactions(more.to_string().as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!((r.accepted, r.dropped_no_consent), (1, 1));

    // Granted again, others' data may be loaded again.
    e.set_consent(Consent { aggregated: false, identifiable: true });
    let r = e.load_interactions(mixed().to_string().as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!((r.accepted, r.duplicates), (2, 2));
    assert_eq!(e.stats().0, 5);
}

#[test]
fn opted_out_people_are_dropped_at_load_and_purged_after() {
    let people = json!([{ "id": CLEO, "optedOut": true }]);
    let mut e = engine(ADA, Consent { aggregated: true, identifiable: true }, NOW);
    e.load_people(people.to_string().as_bytes(), LoadOptions::default()).unwrap();
    let r = e.load_interactions(mixed().to_string().as_bytes(), LoadOptions::default()).unwrap();
    // a1 and b1 had only Cleo besides the sender; b3 was sent by her; b2 keeps Bob and Ada.
    assert_eq!((r.accepted, r.dropped_opted_out), (1, 3));

    let mut later = engine(ADA, Consent { aggregated: true, identifiable: true }, NOW);
    load(&mut later, &json!([]), &mixed());
    later.opt_out("  CLEO@Contoso.example").unwrap();
    assert_eq!(later.stats().0, 1);
    let ids = [CLEO.to_string(), BOB.to_string()];
    assert_eq!(outputs(&later, &ids), outputs(&e, &ids));

    // Someone opted out before they ever appear is dropped when they do.
    let mut early = engine(ADA, Consent { aggregated: true, identifiable: true }, NOW);
    early.opt_out(CLEO).unwrap();
    let r = early.load_interactions(mixed().to_string().as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!(r.dropped_opted_out, 3);
    let own = early.own_insights(None).unwrap();
    assert!(own.top_contacted.iter().chain(&own.top_contacted_by).all(|c| c.id != CLEO));
}

#[test]
fn opting_out_through_an_alias_reaches_the_person() {
    let people = json!([{ "id": CLEO, "aliases": ["cleo.private@home.example"] }]);
    let mut e = engine(ADA, Consent::default(), NOW);
    load(&mut e, &people, &mixed());
    e.opt_out("Cleo.Private@home.example").unwrap();
    assert_eq!(e.stats().0, 1, "only b2 (Bob with Ada) is left");
}
