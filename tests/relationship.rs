//! Known-answer tests of relationship analytics, who knows whom and
//! introduction paths (SPEC 3.1, 3.2) on a hand-built dataset; every expected
//! figure is worked out in the comments.

mod common;

use common::*;
use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Engine, EngineOptions, Error, LoadOptions, Target};
use serde_json::{json, Value};

fn dataset() -> (Value, Value) {
    let people = directory();
    let mut r1 = email("r1", CLEO, &[ADA], "2026-03-02T09:00:00Z");
    r1["cc"] = json!([BOB]);
    let interactions = json!([
        r1,
        reply("r2", BOB, &[CLEO], "2026-03-02T10:00:00Z", "r1"), // our first answer: 60 min
        reply("r3", ADA, &[CLEO], "2026-03-02T12:00:00Z", "r1"), // a reply, not the first
        reply("r4", CLEO, &[BOB], "2026-03-03T09:00:00Z", "r2"), // Cleo answers after 23 h = 1380 min
        email("r5", ADA, &[CLEO, DAN], "2026-03-10T09:00:00Z"),
        reply("r6", DAN, &[ADA], "2026-03-10T15:00:00Z", "r5"), // Dan, not Cleo: 360 min for the account
        meeting("r7", BOB, &[CLEO, ADA], "2026-03-12T14:00:00Z", 60.0),
        call("r8", CLEO, ADA, "2026-03-20T16:00:00Z", 20.0),
        meeting("r9", ADA, &[DAN], "2026-03-25T10:00:00Z", 30.0),
        email("r10", EVE, &[CLEO, ADA], "2026-03-15T09:00:00Z"), // neither side sent it: not counted
        email("r11", ADA, &[CLEO], "2026-01-15T10:00:00Z"),      // before the window
        meeting("r12", CLEO, &[ADA], "2026-04-05T10:00:00Z", 45.0), // after now: next
        email("r13", BOB, &[ADA], "2026-03-05T09:00:00Z"),       // internal only
        call("r14", BOB, CLEO, "2026-03-18T10:00:00Z", 5.0),
    ]);
    (people, interactions)
}

fn loaded(consent: Consent) -> Engine {
    let (people, interactions) = dataset();
    let mut o = EngineOptions::new(ADA, 1_774_915_200_000); // 2026-03-31T00:00:00Z
    o.internal_domains = vec![ORG.into()];
    o.consent = consent;
    let mut e = Engine::new(o).unwrap();
    e.load_people(people.to_string().as_bytes(), LoadOptions::default()).unwrap();
    e.load_interactions(interactions.to_string().as_bytes(), LoadOptions::default()).unwrap();
    e
}

fn team() -> Consent {
    Consent { aggregated: false, identifiable: true }
}

fn relationship(e: &Engine, target: Target, reach: DataScope) -> Value {
    serde_json::to_value(e.relationship(&target, reach, Some(30), &HealthOptions::default()).unwrap())
        .unwrap()
}

fn ranking(list: &Value, key: &str) -> Vec<(String, u64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), c[key].as_u64().unwrap()))
        .collect()
}

#[test]
fn a_contact_in_team_scope() {
    let e = loaded(team());
    let r = relationship(&e, Target::Contact("Cleo@Contoso.Example".into()), DataScope::Team);
    assert_eq!(r["scope"], "identifiable");
    assert_eq!(r["target"]["account"], "contoso");
    assert_eq!(r["window"]["start"], "2026-03-01T00:00:00Z");
    let k = &r["kpis"];
    // By us with Cleo as recipient: r2 r3 r5. By Cleo: r1 r4.
    assert_eq!((k["emailsSent"].clone(), k["emailsReceived"].clone()), (json!(3), json!(2)));
    // Our replies to Cleo's mail: r2 r3; hers to ours: r4.
    assert_eq!((k["replies"].clone(), k["repliesReceived"].clone()), (json!(2), json!(1)));
    assert_eq!((k["meetings"].clone(), k["meetingMinutes"].clone()), (json!(1), json!(60.0)));
    assert_eq!((k["calls"].clone(), k["callMinutes"].clone()), (json!(2), json!(25.0)));
    assert_eq!(k["timeSpentMinutes"], 85.0);
    // We answered r1 (first answer r2, 60 min), not r4.
    assert_eq!((k["responseRate"].clone(), k["medianResponseMinutes"].clone()), (json!(0.5), json!(60.0)));
    assert_eq!(k["p90ResponseMinutes"], 60.0);
    // Cleo answered r2 (1380 min), not r3 nor r5.
    assert_eq!(k["theirResponseRate"], 0.3333);
    assert_eq!(
        (k["theirMedianResponseMinutes"].clone(), k["theirP90ResponseMinutes"].clone()),
        (json!(1380.0), json!(1380.0))
    );
    assert_eq!(r["lastInteractionAt"], "2026-03-20T16:00:00Z");
    assert_eq!(r["nextInteractionAt"], "2026-04-05T10:00:00Z");
    // r1 r2 r3 r4 r5 r7 r8 r14.
    assert_eq!(r["interactionsUsed"], 8);
    let weeks: Vec<&str> =
        r["weekly"].as_array().unwrap().iter().map(|w| w["week"].as_str().unwrap()).collect();
    assert_eq!(weeks, ["2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]);
    assert_eq!(r["weekly"][1]["emailsSent"], 2);
    assert_eq!(r["weekly"][1]["emailsReceived"], 2);
    assert_eq!(r["weekly"][3]["calls"], 2);

    // Ada: r1 r3 r5 r7 r8 (started r3 r5; Cleo started r1 r8 with her).
    // Bob: r2 r4 r7 r14 (started r2 r7 r14; Cleo started r4): only copied on r1,
    // so it does not rank him (a copy is not taking part).
    assert_eq!(ranking(&r["topColleagues"], "interactions"), [(ADA.into(), 5), (BOB.into(), 4)]);
    assert_eq!(ranking(&r["mostContacting"], "initiated"), [(BOB.into(), 3), (ADA.into(), 2)]);
    assert_eq!(ranking(&r["mostContacted"], "received"), [(ADA.into(), 2), (BOB.into(), 1)]);
}

#[test]
fn the_health_score_is_explained_factor_by_factor() {
    let e = loaded(team());
    let h = &relationship(&e, Target::Contact(CLEO.into()), DataScope::Team)["health"];
    assert_eq!(h["state"], "scored");
    // frequency: Cleo's 8 interactions in the window outnumber those of the
    // other scored contact (Dan 3: r5 r6 r9; Eve's 1, r10, is too few to be
    // scored, so not a peer): percentile 1. recency: 10 d 8 h at a
    // 14-day half-life: 0.5995. reciprocity: we started 5 (r2 r3 r5 r7 r14),
    // Cleo 3 (r1 r4 r8): 0.6. responsiveness: 0.3333 * 2^(-23/48) = 0.2391.
    // breadth: 2 colleagues / 3. 100 * (0.3 + 0.25*0.5995 + 0.2*0.6 +
    // 0.15*0.2391 + 0.1*0.6667) = 67.24.
    assert_eq!(h["score"], 67);
    assert_eq!(h["band"], "good");
    let values: Vec<f64> =
        h["factors"].as_array().unwrap().iter().map(|f| f["value"].as_f64().unwrap()).collect();
    assert_eq!(values, [1.0, 0.5995, 0.6, 0.2391, 0.6667]);
    let points: Vec<f64> =
        h["factors"].as_array().unwrap().iter().map(|f| f["points"].as_f64().unwrap()).collect();
    assert_eq!(points, [30.0, 15.0, 12.0, 3.6, 6.7]);
    assert_eq!(h["factors"][2]["explanation"], "we started 5 and they started 3");
    assert_eq!(
        h["factors"][0]["explanation"],
        "8 interactions in 30 days: more than the other active relationship"
    );
    // Nothing in the 30 days before: no score then, so the trend is "new",
    // not "improving +67".
    assert_eq!(h["trend"], json!({ "direction": "new", "previousScore": null, "change": null }));
    // A host expectation brings back the fixed rule: 8 a month against 4.
    let fixed = HealthOptions { expected_per_month: Some(4.0), ..HealthOptions::default() };
    let r = e.relationship(&Target::Contact(CLEO.into()), DataScope::Team, Some(30), &fixed).unwrap();
    assert_eq!(r.health.factors[0].explanation, "8 interactions in 30 days: 8.0 a month against 4 expected");
    assert_eq!(r.health.score, Some(67));
    // Dan's 3 are below Cleo's 8, his one peer: percentile 0.
    let dan =
        e.relationship(&Target::Contact(DAN.into()), DataScope::Team, Some(30), &HealthOptions::default());
    assert_eq!(dan.unwrap().health.factors[0].value, Some(0.0));

    let strict = HealthOptions { min_interactions: 9, ..HealthOptions::default() };
    let thin = e.relationship(&Target::Contact(CLEO.into()), DataScope::Team, Some(30), &strict).unwrap();
    assert_eq!((thin.health.state, thin.health.score), ("insufficient-data", None));
}

#[test]
fn own_scope_uses_only_the_viewers_interactions() {
    let e = loaded(Consent::default());
    let r = relationship(&e, Target::Contact(CLEO.into()), DataScope::Own);
    assert_eq!(r["scope"], "own");
    // Ada took part in r1 r3 r5 r7 r8 (and r10, which counts for nobody).
    assert_eq!(r["kpis"]["emailsSent"], 2);
    assert_eq!(r["kpis"]["emailsReceived"], 1);
    assert_eq!(r["kpis"]["meetings"], 1);
    assert_eq!(r["kpis"]["calls"], 1);
    // r2, Bob's answer to r1, is not Ada's: r1 was answered by Ada's r3 after 180 min.
    assert_eq!(r["kpis"]["medianResponseMinutes"], 180.0);
    assert_eq!(r["interactionsUsed"], 5);
    let team_refused =
        e.relationship(&Target::Contact(CLEO.into()), DataScope::Team, None, &HealthOptions::default());
    assert!(matches!(team_refused, Err(Error::ConsentRequired { .. })));
}

#[test]
fn an_account_counts_each_interaction_once() {
    let e = loaded(team());
    let r = relationship(&e, Target::Account("CONTOSO".into()), DataScope::Team);
    assert_eq!(r["target"]["contacts"], json!([CLEO, DAN]));
    let k = &r["kpis"];
    // r5 went to both Cleo and Dan: one e-mail.
    assert_eq!((k["emailsSent"].clone(), k["emailsReceived"].clone()), (json!(3), json!(3)));
    assert_eq!((k["meetings"].clone(), k["meetingMinutes"].clone()), (json!(2), json!(90.0)));
    assert_eq!((k["calls"].clone(), k["callMinutes"].clone()), (json!(2), json!(25.0)));
    // They answered r2 (1380) and r5 (360, Dan): median 870, p90 1380.
    assert_eq!(k["theirResponseRate"], 0.6667);
    assert_eq!(
        (k["theirMedianResponseMinutes"].clone(), k["theirP90ResponseMinutes"].clone()),
        (json!(870.0), json!(1380.0))
    );
    assert_eq!(r["interactionsUsed"], 10);

    let list = e.relationship_summaries(true, DataScope::Team, Some(30), &HealthOptions::default()).unwrap();
    let ids: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["contoso", "fabrikam"]);
    assert_eq!(serde_json::to_value(&list[0].kpis).unwrap(), r["kpis"]);
    let contacts =
        e.relationship_summaries(false, DataScope::Team, Some(30), &HealthOptions::default()).unwrap();
    let ids: Vec<&str> = contacts.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [CLEO, DAN, EVE]);
}

#[test]
fn who_knows_whom_ranks_colleagues_by_strength() {
    let e = loaded(team());
    let w = serde_json::to_value(e.who_knows_whom(&Target::Contact(CLEO.into()), None).unwrap()).unwrap();
    // Ada: e-mails r1 r3 r5 r11, meeting r7, call r8; started 3 to Cleo's 2.
    // Decayed activity (half-life 90 days) 6.6038: (1 - 2^(-6.6038/4)) * (0.6 + 0.4*2/3) = 0.5907.
    // Bob: e-mails r1 r2 r4, meeting r7, call r14; 3 to 2; activity 5.9637: 0.5583.
    let got: Vec<(String, f64)> = w["colleagues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), c["strength"].as_f64().unwrap()))
        .collect();
    // Ada is the viewer: her tie is reported apart, never as a colleague.
    assert_eq!(got, [(BOB.to_string(), 0.5583)]);
    assert_eq!(w["viewerTie"]["strength"], 0.5907);
    assert_eq!(
        w["viewerTie"]["evidence"],
        json!({ "emails": 4, "meetings": 1, "calls": 1, "lastInteractionAt": "2026-03-20T16:00:00Z" })
    );
    assert_eq!(w["asOf"], "2026-03-31T00:00:00Z");
    let top1 = e.who_knows_whom(&Target::Contact(CLEO.into()), Some(1)).unwrap();
    assert_eq!(top1.colleagues.len(), 1);
}

#[test]
fn introduction_paths_go_through_colleagues_only() {
    let e = loaded(team());
    let paths = e.introduction_paths(&Target::Contact(CLEO.into()), None, None, None).unwrap();
    let people: Vec<Vec<&str>> =
        paths.iter().map(|p| p.people.iter().map(String::as_str).collect()).collect();
    // Eve links Ada and Cleo too (r10), but she is external: no path through her.
    assert_eq!(people, [vec![ADA, CLEO], vec![ADA, BOB, CLEO]]);
    assert_eq!(paths[0].strength, 0.5907);
    // Ada–Bob: r13 and r7, both started by Bob: activity 2.5564, one-way: 0.2147.
    // Through Bob: 0.2147 * 0.5583 = 0.1199.
    assert_eq!(paths[1].strength, 0.1199);
    assert_eq!(paths[1].explanation, "Ada → Bob (0.21) → Cleo (0.56): strength 0.12");
    // The direct tie first, marked; the chain scored 0.2147 × 0.5583 × 0.5 (one hop beyond the first) = 0.0599.
    assert!(paths[0].direct && !paths[1].direct);
    assert_eq!((paths[0].score, paths[1].score), (0.5907, 0.0599));
    let direct_only = e.introduction_paths(&Target::Contact(CLEO.into()), None, Some(1), None).unwrap();
    assert_eq!(direct_only.len(), 1);

    let mut without_bob = loaded(team());
    without_bob.opt_out(BOB).unwrap();
    let paths = without_bob.introduction_paths(&Target::Contact(CLEO.into()), None, None, None).unwrap();
    assert_eq!(paths.len(), 1, "no path passes through an opted-out person");
    let err = e.introduction_paths(&Target::Account("contoso".into()), None, None, None).unwrap_err();
    assert_eq!(err.code(), "INVALID_OPTIONS");
}

#[test]
fn targets_the_view_may_not_name_are_unknown() {
    let mut e = loaded(team());
    let h = HealthOptions::default();
    for target in [
        Target::Contact("nobody@contoso.example".into()),
        Target::Contact(BOB.into()),
        Target::Account("initech".into()),
    ] {
        assert_eq!(e.relationship(&target, DataScope::Team, None, &h).unwrap_err().code(), "UNKNOWN_TARGET");
    }
    e.opt_out(DAN).unwrap();
    assert_eq!(e.who_knows_whom(&Target::Contact(DAN.into()), None).unwrap_err().code(), "UNKNOWN_TARGET");
    // Consent is checked first: a refusal does not tell whether a target exists.
    e.set_consent(Consent::default());
    let err = e.who_knows_whom(&Target::Contact("nobody@contoso.example".into()), None).unwrap_err();
    assert_eq!(err.code(), "CONSENT_REQUIRED");
}

#[test]
fn same_input_same_options_byte_identical_json() {
    let run = || {
        let e = loaded(team());
        let h = HealthOptions::default();
        serde_json::to_string(&(
            e.relationship(&Target::Account("contoso".into()), DataScope::Team, None, &h).unwrap(),
            e.relationship_summaries(false, DataScope::Team, None, &h).unwrap(),
            e.who_knows_whom(&Target::Account("contoso".into()), None).unwrap(),
            e.introduction_paths(&Target::Contact(CLEO.into()), None, None, None).unwrap(),
        ))
        .unwrap()
    };
    assert_eq!(run(), run());
}

/// The contact index the list views build answers as each contact's own
/// rows do, and goes with any change of data (no stale figures).
#[test]
fn the_contact_index_answers_alike_and_goes_with_new_data() {
    let mut e = loaded(team());
    let cleo = || Target::Contact(CLEO.into());
    let h = HealthOptions::default();
    // With the host's expectation, a single relationship needs nobody else's figures.
    let fixed = HealthOptions { expected_per_month: Some(4.0), ..HealthOptions::default() };
    e.relationship(&cleo(), DataScope::Team, Some(30), &fixed).unwrap();
    assert_eq!(e.index_bytes(), 0, "a single relationship call with expectedPerMonth builds no index");
    let direct = relationship(&e, cleo(), DataScope::Team);
    let listed = e.relationship_summaries(false, DataScope::Team, Some(30), &h).unwrap();
    assert!(e.index_bytes() > 0, "the list view builds the index");
    assert_eq!(relationship(&e, cleo(), DataScope::Team), direct);
    let summary = listed.iter().find(|s| s.id == CLEO).unwrap();
    assert_eq!(serde_json::to_value(&summary.kpis).unwrap(), direct["kpis"]);

    let more = json!([email("r15", CLEO, &[ADA], "2026-03-28T09:00:00Z")]);
    e.load_interactions(more.to_string().as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!(e.index_bytes(), 0, "new data drops the index");
    let after = relationship(&e, cleo(), DataScope::Team);
    let received = |v: &Value| v["kpis"]["emailsReceived"].as_u64().unwrap();
    assert_eq!(received(&after), received(&direct) + 1);
    e.relationship_summaries(false, DataScope::Team, Some(30), &h).unwrap();
    assert_eq!(relationship(&e, cleo(), DataScope::Team), after);
}

/// `prepare` builds ahead what the first relationship of the widest view
/// the consent opens reads: that relationship then builds nothing more and
/// answers as without it; a view consent does not open is not built.
#[test]
fn prepare_builds_ahead_what_the_widest_open_view_reads() {
    let cleo = || Target::Contact(CLEO.into());
    let cold = loaded(team());
    let (team_answer, own_answer) =
        (relationship(&cold, cleo(), DataScope::Team), relationship(&cold, cleo(), DataScope::Own));

    let e = loaded(team());
    assert_eq!(e.index_bytes(), 0);
    e.prepare();
    let built = e.index_bytes();
    assert!(built > 0, "prepare built the index");
    assert_eq!(relationship(&e, cleo(), DataScope::Team), team_answer);
    assert_eq!(e.index_bytes(), built, "the team view was built ahead: its relationship built nothing more");
    e.prepare();
    assert_eq!(e.index_bytes(), built, "built once");
    assert_eq!(relationship(&e, cleo(), DataScope::Own), own_answer);
    assert!(e.index_bytes() > built, "the own view is left to its first use");

    // Without consent to others' data: the viewer's own view, and the team
    // view still refused.
    let own_cold = relationship(&loaded(Consent::default()), cleo(), DataScope::Own);
    let own = loaded(Consent::default());
    own.prepare();
    let own_built = own.index_bytes();
    assert!(own_built > 0, "the own view was built");
    let err = own.relationship(&cleo(), DataScope::Team, Some(30), &HealthOptions::default()).unwrap_err();
    assert_eq!(err.code(), "CONSENT_REQUIRED");
    assert_eq!(relationship(&own, cleo(), DataScope::Own), own_cold);
    assert_eq!(own.index_bytes(), own_built, "its relationship built nothing more");
}
