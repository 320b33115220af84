//! The activity list (issue 15, point 4) and data freshness (point 6) on
//! hand-built attack data: what a salesperson would read as wrong, and what
//! an attacker would try (a colleague's mail or its time under "own", a
//! suppressed department's last e-mail behind a table's `dataAsOf`, an
//! opted-out person in the list). The list against a naive reading of real
//! mail is in `tests/spamassassin.rs`.

mod common;

use common::attack::without;
use common::*;
use rapport::insights::aggregates::Period;
use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Engine, Target};
use serde_json::{json, Value};

const NOW: &str = "2026-03-31T00:00:00Z";
const SECRET: &str = "bob-to-cleo-secret";

fn team() -> Consent {
    Consent { aggregated: true, identifiable: true }
}

/// Ada (the viewer) and Cleo; Bob writes to Cleo on his own, later than any
/// of Ada's mail; a meeting is planned after `now`.
fn records() -> Value {
    json!([
        email("a1", ADA, &[CLEO], "2026-03-02T09:00:00Z"),
        reply("c1", CLEO, &[ADA], "2026-03-02T10:00:00Z", "a1"),
        email("a2", ADA, &[CLEO, DAN], "2026-03-10T09:00:00Z"),
        call("k1", CLEO, ADA, "2026-03-12T16:00:00Z", 20.0),
        email(SECRET, BOB, &[CLEO], "2026-03-20T08:00:00Z"),
        meeting("m-future", ADA, &[CLEO], "2026-04-05T10:00:00Z", 45.0),
    ])
}

fn loaded(consent: Consent, records: &Value) -> Engine {
    let mut e = engine(ADA, consent, NOW);
    load(&mut e, &directory(), records);
    e
}

fn cleo() -> Target {
    Target::Contact(CLEO.into())
}

fn page(e: &Engine, scope: DataScope, limit: Option<u32>, before: Option<&str>) -> Value {
    serde_json::to_value(e.activity(&cleo(), scope, Some(30), limit, before).unwrap()).unwrap()
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect()
}

#[test]
fn team_scope_needs_identifiable_before_the_target_is_looked_up() {
    let e = loaded(Consent { aggregated: true, identifiable: false }, &records());
    for target in [cleo(), Target::Contact("nobody@nowhere.example".into()), Target::Account("none".into())] {
        let err = e.activity(&target, DataScope::Team, None, None, None).unwrap_err();
        assert_eq!(err.code(), "CONSENT_REQUIRED", "{target:?}");
    }
    // "own" needs nothing.
    let none = loaded(Consent::default(), &records());
    assert_eq!(ids(&page(&none, DataScope::Own, None, None)), ["k1", "a2", "c1", "a1"]);
    let err = none.activity(&Target::Contact(BOB.into()), DataScope::Own, None, None, None).unwrap_err();
    assert_eq!(err.code(), "UNKNOWN_TARGET", "a colleague is not a contact");
}

#[test]
fn own_scope_shows_no_colleagues_row_nor_its_time() {
    let e = loaded(team(), &records());
    let own = page(&e, DataScope::Own, None, None);
    assert_eq!(ids(&own), ["k1", "a2", "c1", "a1"]);
    assert!(!own.to_string().contains(SECRET) && !own.to_string().contains(BOB), "{own}");
    // The latest row Ada's view reads is her call; Bob's later e-mail would
    // date the data by a row "own" may not read.
    assert_eq!(own["dataAsOf"], "2026-03-12T16:00:00Z");
    assert_eq!(own["now"], NOW);
    let t = page(&e, DataScope::Team, None, None);
    assert_eq!(ids(&t), [SECRET, "k1", "a2", "c1", "a1"]);
    assert_eq!(t["dataAsOf"], "2026-03-20T08:00:00Z", "the planned meeting is after now");
    assert_eq!(t["total"], 5);
}

#[test]
fn items_say_direction_people_duration_and_answers() {
    let e = loaded(team(), &records());
    let all = page(&e, DataScope::Team, None, None);
    let item = |id: &str| all["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap().clone();
    let a1 = item("a1");
    assert_eq!((a1["direction"].as_str(), a1["startedBy"].as_str()), (Some("sent"), Some("us")));
    assert_eq!(
        (a1["answered"].clone(), a1["answeredAt"].clone()),
        (json!(true), json!("2026-03-02T10:00:00Z"))
    );
    assert_eq!(a1["us"], json!([{ "id": ADA, "name": "Ada" }]));
    assert_eq!(a1["them"], json!([{ "id": CLEO, "name": "Cleo" }]));
    let c1 = item("c1");
    assert_eq!((c1["direction"].as_str(), c1["reply"].as_bool()), (Some("received"), Some(true)));
    assert_eq!(c1["answered"], json!(false));
    let k1 = item("k1");
    assert_eq!((k1["kind"].as_str(), k1["direction"].as_str()), (Some("call"), Some("call")));
    assert_eq!((k1["durationMinutes"].as_f64(), k1["answered"].clone()), (Some(20.0), Value::Null));
    assert_eq!(k1["startedBy"], "them");
    // Dan was on a2, but he is not Cleo's side: a contact's list shows only her.
    assert_eq!(item("a2")["them"], json!([{ "id": CLEO, "name": "Cleo" }]));
    // The figures count exactly these rows.
    let r = e.relationship(&cleo(), DataScope::Team, Some(30), &HealthOptions::default()).unwrap();
    assert_eq!(r.interactions_used, 5);
    assert_eq!(r.kpis.their_response_rate, Some(0.3333), "a1 answered; a2 and Bob's not");
}

#[test]
fn pages_cover_the_list_once_even_at_one_instant() {
    let same = "2026-03-15T12:00:00Z";
    let mut recs = records();
    for id in ["t-b", "t-a", "t-c"] {
        recs.as_array_mut().unwrap().push(email(id, ADA, &[CLEO], same));
    }
    let e = loaded(team(), &recs);
    let whole = ids(&page(&e, DataScope::Team, None, None)).into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(whole, [SECRET, "t-c", "t-b", "t-a", "k1", "a2", "c1", "a1"]);
    for limit in 1..=9 {
        let (mut got, mut before) = (Vec::new(), None::<String>);
        loop {
            let p = page(&e, DataScope::Team, Some(limit), before.as_deref());
            got.extend(ids(&p).into_iter().map(String::from));
            match p["next"].as_str() {
                Some(n) => before = Some(n.to_string()),
                None => break,
            }
        }
        assert_eq!(got, whole, "limit {limit}");
    }
    // A bare time: everything strictly before it.
    assert_eq!(ids(&page(&e, DataScope::Team, None, Some(same))), ["k1", "a2", "c1", "a1"]);
    assert_eq!(page(&e, DataScope::Team, Some(3), None)["next"], format!("{same} t-b"));
}

#[test]
fn paging_options_are_checked() {
    let e = loaded(team(), &records());
    for (limit, before) in
        [(Some(0), None), (Some(501), None), (None, Some("yesterday")), (None, Some("2026-03-01 "))]
    {
        let err = e.activity(&cleo(), DataScope::Team, None, limit, before).unwrap_err();
        assert_eq!(err.code(), "INVALID_OPTIONS", "{limit:?} {before:?}");
    }
    let err = e.activity(&cleo(), DataScope::Team, Some(0), None, None).unwrap_err();
    assert_eq!(err.code(), "INVALID_OPTIONS");
}

#[test]
fn an_opted_out_person_appears_in_no_list_as_if_never_loaded() {
    let mut e = loaded(team(), &records());
    e.opt_out(DAN).unwrap();
    // Never loaded: neither his records nor his directory entry.
    let mut never = engine(ADA, team(), NOW);
    let mut people = directory();
    people.as_array_mut().unwrap().retain(|p| p["id"] != DAN);
    load(&mut never, &people, &without(&records(), &[DAN]));
    for target in [cleo(), Target::Account("contoso".into())] {
        for scope in [DataScope::Own, DataScope::Team] {
            let got =
                serde_json::to_string(&e.activity(&target, scope, Some(30), None, None).unwrap()).unwrap();
            let want = serde_json::to_string(&never.activity(&target, scope, Some(30), None, None).unwrap())
                .unwrap();
            assert_eq!(got, want);
            assert!(!got.contains(DAN), "{got}");
        }
    }
    let err = e.activity(&Target::Contact(DAN.into()), DataScope::Team, None, None, None).unwrap_err();
    assert_eq!(err.code(), "UNKNOWN_TARGET");
}

#[test]
fn every_result_states_now_and_the_latest_interaction_it_read() {
    let e = loaded(team(), &records());
    let h = HealthOptions::default();
    let v = |r: Value| (r["now"].clone(), r["dataAsOf"].clone());
    let (own, team_as_of) =
        ((json!(NOW), json!("2026-03-12T16:00:00Z")), (json!(NOW), json!("2026-03-20T08:00:00Z")));
    let j = |r: Result<Value, serde_json::Error>| r.unwrap();
    assert_eq!(v(j(serde_json::to_value(e.own_insights(Some(30)).unwrap()))), own);
    let rel = |s| v(j(serde_json::to_value(e.relationship(&cleo(), s, Some(30), &h).unwrap())));
    assert_eq!((rel(DataScope::Own), rel(DataScope::Team)), (own.clone(), team_as_of.clone()));
    for s in [DataScope::Own, DataScope::Team] {
        let list = j(serde_json::to_value(e.relationship_summaries(false, s, Some(30), &h).unwrap()));
        let want = if s == DataScope::Own { &own } else { &team_as_of };
        assert!(list.as_array().unwrap().iter().all(|r| &v(r.clone()) == want), "{list}");
    }
    assert_eq!(v(j(serde_json::to_value(e.who_knows_whom(&cleo(), None).unwrap()))), team_as_of);
    let paths = j(serde_json::to_value(e.introduction_paths(&cleo(), None, None, None).unwrap()));
    assert!(!paths.as_array().unwrap().is_empty());
    assert!(paths.as_array().unwrap().iter().all(|p| v(p.clone()) == team_as_of), "{paths}");
    // Nothing read: null, not the epoch.
    let empty = engine(ADA, team(), NOW);
    assert_eq!(v(j(serde_json::to_value(empty.own_insights(None).unwrap()))), (json!(NOW), Value::Null));
}

/// Sales: five people writing out until February. Legal: one person, whose
/// cell every table suppresses, writes on March 20. The table's `dataAsOf`
/// must not say March: that would tell that the hidden department was
/// active after everyone shown.
#[test]
fn a_tables_data_as_of_never_dates_a_suppressed_cell() {
    let sales: Vec<String> = (0..5).map(|i| format!("s{i}@{ORG}")).collect();
    let legal = format!("lee@{ORG}");
    let mut people: Vec<Value> = sales.iter().map(|s| json!({ "id": s, "department": "Sales" })).collect();
    people.push(json!({ "id": legal, "department": "Legal" }));
    people.push(json!({ "id": CLEO, "accountId": "contoso" }));
    let mut recs: Vec<Value> = sales
        .iter()
        .enumerate()
        .map(|(i, s)| email(&format!("s-{i}"), s, &[CLEO], "2026-02-10T09:00:00Z"))
        .collect();
    let quiet = Value::Array(recs.clone());
    recs.push(email("legal-1", &legal, &[CLEO], "2026-03-20T09:00:00Z"));
    let table = |recs: &Value, period| {
        let mut e = engine(&sales[0], team(), NOW);
        load(&mut e, &Value::Array(people.clone()), recs);
        let t = serde_json::to_value(e.aggregates(&departments(period)).unwrap()).unwrap();
        (t["now"].clone(), t["dataAsOf"].clone())
    };
    let recs = Value::Array(recs);
    assert_eq!(table(&recs, Period::Month), (json!(NOW), json!("2026-02-01T00:00:00Z")));
    assert_eq!(table(&recs, Period::Week), (json!(NOW), json!("2026-02-09T00:00:00Z")));
    // The same as with the hidden department's e-mail never loaded.
    for period in [Period::Week, Period::Month] {
        assert_eq!(table(&recs, period), table(&quiet, period));
    }
}

/// `dataAsOf` is kept between calls (per view and `now`): it must follow
/// new data and never carry one view's answer to another.
#[test]
fn data_as_of_follows_new_data_and_each_view_keeps_its_own() {
    let mut e = loaded(team(), &records());
    let as_of = |e: &Engine, scope| page(e, scope, None, None)["dataAsOf"].clone();
    assert_eq!(as_of(&e, DataScope::Team), "2026-03-20T08:00:00Z");
    assert_eq!(as_of(&e, DataScope::Own), "2026-03-12T16:00:00Z", "not the team view's answer");
    assert_eq!(as_of(&e, DataScope::Team), "2026-03-20T08:00:00Z");
    let later = json!([email("late", ADA, &[CLEO], "2026-03-25T09:00:00Z")]);
    e.load_interactions(later.to_string().as_bytes(), Default::default()).unwrap();
    assert_eq!(as_of(&e, DataScope::Own), "2026-03-25T09:00:00Z");
    assert_eq!(as_of(&e, DataScope::Team), "2026-03-25T09:00:00Z");
    e.remove_interactions(&["late"]).unwrap();
    assert_eq!(as_of(&e, DataScope::Team), "2026-03-20T08:00:00Z");
}
