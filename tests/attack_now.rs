//! Attack tests of issue 12, class 7: the viewer's own results must not depend
//! on other people's data through the reference time `now`. The attacker is a
//! colleague (or anyone whose mail reaches the engine) who sends a later
//! e-mail that the viewer is not part of; the host passes no `now`.

mod common;

use common::*;
use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Engine, EngineOptions, LoadOptions, Target};
use serde_json::{json, Value};

/// The host's clock when the engine is made: 1 April 2026, 12:00 UTC.
const CLOCK_MS: i64 = 1_775_044_800_000;

/// The viewer's own mail, meetings and calls, all in March 2026.
fn own_mail() -> Value {
    json!([
        email("o1", CLEO, &[ADA], "2026-03-02T09:00:00Z"),
        reply("o2", ADA, &[CLEO], "2026-03-02T11:00:00Z", "o1"),
        meeting("o3", ADA, &[CLEO, DAN], "2026-03-10T15:00:00Z", 45.0),
        call("o4", DAN, ADA, "2026-03-12T10:00:00Z", 20.0),
        email("o5", ADA, &[EVE], "2026-03-20T08:00:00Z"),
        meeting("o6", CLEO, &[ADA], "2026-04-20T10:00:00Z", 30.0),
    ])
}

/// An engine as a host makes it when it passes no `now`: through the
/// options JavaScript gives, with the host's clock read by the binding.
fn host_engine(consent: Consent) -> Engine {
    let options = json!({
        "viewer": ADA,
        "internalDomains": [ORG],
        "consent": { "aggregated": consent.aggregated, "identifiable": consent.identifiable },
    });
    let options = EngineOptions::from_json(&options.to_string(), CLOCK_MS).expect("options");
    Engine::new(options).expect("engine")
}

/// Every result computed from the viewer's own data only, as JSON text.
fn own_results(e: &Engine) -> String {
    let h = HealthOptions::default();
    let mut out = Vec::new();
    for days in [None, Some(7), Some(30), Some(365)] {
        out.push(serde_json::to_string(&e.own_insights(days).expect("own insights")).expect("json"));
    }
    for target in
        [Target::Contact(CLEO.into()), Target::Contact(DAN.into()), Target::Account("contoso".into())]
    {
        let r = e.relationship(&target, DataScope::Own, None, &h).expect("own relationship");
        out.push(serde_json::to_string(&r).expect("json"));
    }
    for accounts in [false, true] {
        let list = e.relationship_summaries(accounts, DataScope::Own, None, &h).expect("own summaries");
        out.push(serde_json::to_string(&list).expect("json"));
    }
    out.join("\n")
}

/// Fails on the first result line that differs (the texts are long).
fn assert_same(after: &str, before: &str, what: &str) {
    for (n, (a, b)) in after.lines().zip(before.lines()).enumerate() {
        assert_eq!(a, b, "result {n} moved with {what}");
    }
    assert_eq!(after.lines().count(), before.lines().count(), "{what}");
}

/// Someone else's e-mail, later than all of the viewer's data (before and
/// after the host's clock), kept because the engine holds consent to it.
fn others_later_mail(at: &str, id: &str) -> Value {
    json!([email(id, BOB, &[DAN], at)])
}

#[test]
fn class_07_others_later_mail_leaves_own_results_unchanged() {
    for consent in
        [Consent { aggregated: false, identifiable: true }, Consent { aggregated: true, identifiable: false }]
    {
        let mut e = host_engine(consent);
        load(&mut e, &directory(), &own_mail());
        let before = own_results(&e);

        // Before the clock, and long after it (a mis-dated or hostile record).
        for (id, at) in [("x1", "2026-03-31T23:00:00Z"), ("x2", "2027-01-15T09:00:00Z")] {
            let report = e
                .load_interactions(others_later_mail(at, id).to_string().as_bytes(), LoadOptions::default())
                .expect("load");
            assert_eq!(report.accepted, 1, "the other people's e-mail is kept under {consent:?}");
            assert_same(&own_results(&e), &before, &format!("{id} under {consent:?}"));
        }
    }
}

#[test]
fn class_07_default_now_is_the_host_clock() {
    let mut e = host_engine(Consent::default());
    load(&mut e, &directory(), &own_mail());
    assert_eq!(e.now(), CLOCK_MS);
    let own = serde_json::to_value(e.own_insights(Some(30)).expect("own")).expect("json");
    assert_eq!(own["window"]["end"], "2026-04-01T12:00:00Z");
    assert_eq!(own["window"]["start"], "2026-03-02T12:00:00Z");
    assert_eq!(own["now"], "2026-04-01T12:00:00Z", "the result states its now");
    let r = e.relationship(&Target::Contact(CLEO.into()), DataScope::Own, None, &HealthOptions::default());
    assert_eq!(serde_json::to_value(r.expect("relationship")).expect("json")["now"], own["now"]);
    // o6 is after the clock: the next interaction, not counted in the window.
    assert_eq!(own["nextInteractionAt"], "2026-04-20T10:00:00Z");
    assert_eq!(own["lastInteractionAt"], "2026-03-20T08:00:00Z");
}

#[test]
fn class_07_a_clock_or_now_outside_the_calendar_is_refused() {
    let options = json!({ "viewer": ADA }).to_string();
    let err = EngineOptions::from_json(&options, i64::MAX).expect_err("a clock past 9999");
    assert!(matches!(&err, rapport::Error::InvalidOptions { option, .. } if option == "now"), "{err}");
    let err = Engine::new(EngineOptions::new(ADA, i64::MIN)).err().expect("a now before year 1");
    assert_eq!(err.code(), "INVALID_OPTIONS");
}

#[test]
fn class_07_explicit_now_wins_over_the_clock_and_over_the_data() {
    let options = json!({ "viewer": ADA, "internalDomains": [ORG], "now": "2026-03-15T00:00:00Z" });
    let mut o = EngineOptions::from_json(&options.to_string(), CLOCK_MS).expect("options");
    assert_eq!(o.now, 1_773_532_800_000);
    o.consent = Consent { aggregated: false, identifiable: true };
    let mut e = Engine::new(o).expect("engine");
    load(&mut e, &directory(), &own_mail());
    let own = serde_json::to_value(e.own_insights(None).expect("own")).expect("json");
    assert_eq!(own["window"]["end"], "2026-03-15T00:00:00Z");
}

#[test]
fn class_07_a_snapshot_reopens_at_the_reference_time_it_is_given() {
    let mut e = host_engine(Consent { aggregated: false, identifiable: true });
    load(&mut e, &directory(), &own_mail());
    e.load_interactions(
        others_later_mail("2027-01-15T09:00:00Z", "x2").to_string().as_bytes(),
        LoadOptions::default(),
    )
    .expect("load");
    let bytes = e.export_snapshot();

    // The snapshot holds a later e-mail than the clock: reopened without a
    // `now`, the reference time is still the host's clock, not that e-mail.
    let options = json!({ "viewer": ADA, "internalDomains": [ORG], "consent": { "identifiable": true } });
    let reopened = Engine::from_snapshot(
        &bytes,
        EngineOptions::from_json(&options.to_string(), CLOCK_MS).expect("options"),
    )
    .expect("snapshot");
    assert_eq!(reopened.now(), CLOCK_MS);
    assert_same(&own_results(&reopened), &own_results(&e), "the reopened snapshot");
}
