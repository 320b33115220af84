//! Known-answer test of `ownInsights` (SPEC 3.3) on a hand-built dataset;
//! every expected figure is worked out in the comments.

mod common;

use common::*;
use rapport::{Consent, LoadOptions};
use serde_json::{json, Value};

/// The latest e-mail of the dataset (e10).
const NOW: &str = "2026-03-20T17:00:00Z";

fn dataset() -> (Value, Value) {
    let people = directory();
    let mut e6 = email("e6", ADA, &[DAN], "2026-03-11T09:00:00Z");
    e6["cc"] = json!([EVE]);
    let mut m4 = meeting("m4", ADA, &[BOB], "2026-03-05T10:00:00Z", 30.0);
    m4["cancelled"] = json!(true);
    let interactions = json!([
        email("e0", ADA, &[CLEO], "2025-10-01T10:00:00Z"),                 // before the window
        email("e1", CLEO, &[ADA], "2026-03-02T09:00:00Z"),
        reply("e2", "Ada@Northwind.Example", &[CLEO], "2026-03-02T11:30:00Z", "e1"), // Ada answers after 150 min
        reply("e3", CLEO, &[ADA], "2026-03-03T08:00:00+00:00", "e2"),     // Cleo answers after 20 h 30 = 1230 min
        { "id": "e4", "kind": "email", "from": DAN, "to": [ADA], "cc": [BOB], "at": "2026-03-10T10:00:00Z" },
        reply("e5", BOB, &[DAN], "2026-03-10T12:00:00Z", "e4"),            // Bob's, not Ada's
        e6,
        reply("e7", EVE, &[ADA], "2026-03-12T10:00:00+01:00", "e6"),       // 09:00Z: after 24 h = 1440 min
        reply("e8", EVE, &[ADA], "2026-03-12T10:00:00Z", "e6"),            // a second answer: not the first
        reply("e9", ADA, &[EVE, DAN], "2026-03-16T09:00:00Z", "e8"),       // after 95 h = 5700 min
        email("e10", BOB, &[EVE], "2026-03-20T17:00:00Z"),                 // the latest e-mail: now
        email("e11", ADA, &[BOB], "2026-03-19T08:00:00Z"),
        meeting("m1", ADA, &[CLEO], "2026-03-04T15:00:00Z", 60.0),
        meeting("m2", BOB, &[ADA, DAN], "2026-03-17T14:00:00Z", 30.0),
        meeting("m3", CLEO, &[ADA], "2026-04-20T10:00:00Z", 45.0),         // after now: the next one
        m4,                                                                // cancelled: in no figure
        call("c1", ADA, DAN, "2026-03-18T16:00:00Z", 12.5),
    ]);
    (people, interactions)
}

#[test]
fn own_insights_known_answers() {
    let (people, interactions) = dataset();
    // Consent to others' data, so that their interactions (e5, e10) are held
    // and the own view must leave them out.
    let mut e = engine(ADA, Consent { aggregated: true, identifiable: true }, NOW);
    e.load_people(people.to_string().as_bytes(), LoadOptions::default()).unwrap();
    let report = e.load_interactions(interactions.to_string().as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!((report.accepted, report.cancelled), (16, 1));

    let own = serde_json::to_value(e.own_insights(None).unwrap()).unwrap();
    assert_eq!(own["scope"], "own");
    // now = 17:00 on 20 March (e10); 90 days back is 17:00 on 20 December.
    assert_eq!(
        own["window"],
        json!({ "start": "2025-12-20T17:00:00Z", "end": "2026-03-20T17:00:00Z", "days": 90 })
    );
    let k = &own["kpis"];
    // Sent by Ada: e2 e6 e9 e11. Received: e1 e3 e4 e7 e8.
    assert_eq!(k["emailsSent"], 4);
    assert_eq!(k["emailsReceived"], 5);
    // Ada's replies to others: e2 (to e1), e9 (to e8). Others' replies to Ada: e3, e7, e8.
    assert_eq!(k["replies"], 2);
    assert_eq!(k["repliesReceived"], 3);
    // m1 60 + m2 30; c1 12.5; time spent is their sum.
    assert_eq!((k["meetings"].clone(), k["meetingMinutes"].clone()), (json!(2), json!(90.0)));
    assert_eq!((k["calls"].clone(), k["callMinutes"].clone()), (json!(1), json!(12.5)));
    assert_eq!(k["timeSpentMinutes"], 102.5);
    // Ada answered 2 of the 5 she received: 150 and 5700 minutes.
    assert_eq!(k["responseRate"], 0.4);
    assert_eq!(k["medianResponseMinutes"], 2925.0);
    assert_eq!(k["p90ResponseMinutes"], 5700.0);
    // Others answered 2 of Ada's 4: e2 after 1230, e6 after 1440 (e8 is not the first).
    assert_eq!(k["theirResponseRate"], 0.5);
    assert_eq!(k["theirMedianResponseMinutes"], 1335.0);
    assert_eq!(k["theirP90ResponseMinutes"], 1440.0);

    assert_eq!(own["lastInteractionAt"], "2026-03-19T08:00:00Z");
    assert_eq!(own["nextInteractionAt"], "2026-04-20T10:00:00Z");
    // 9 e-mails, 2 meetings and 1 call in the window.
    assert_eq!(own["interactionsUsed"], 12);

    let weekly = own["weekly"].as_array().unwrap();
    // Mondays from 15 December 2025 to 16 March 2026: 14 weeks.
    assert_eq!(weekly.len(), 14);
    assert_eq!(weekly[0]["week"], "2025-12-15");
    let week = |date: &str| weekly.iter().find(|w| w["week"] == date).unwrap().clone();
    assert_eq!(
        week("2026-03-02"),
        json!({ "week": "2026-03-02", "emailsSent": 1, "emailsReceived": 2, "meetings": 1,
                "meetingMinutes": 60.0, "calls": 0, "callMinutes": 0.0 })
    );
    assert_eq!(week("2026-03-09")["emailsReceived"], 3);
    assert_eq!(
        week("2026-03-16"),
        json!({ "week": "2026-03-16", "emailsSent": 2, "emailsReceived": 0, "meetings": 1,
                "meetingMinutes": 30.0, "calls": 1, "callMinutes": 12.5 })
    );
    let total: u64 = weekly.iter().map(|w| w["emailsSent"].as_u64().unwrap()).sum();
    assert_eq!(total, 4);

    // Reached out to by Ada: Dan 3 (e6 e9 c1), Cleo 2 (e2 m1), Bob 1 (e11), Eve 1 (e9: she was
    // only copied on e6, and a copy is not taking part); ties by id.
    let ids = |list: &Value| -> Vec<(String, u64)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].as_str().unwrap().to_string(), c["interactions"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(ids(&own["topContacted"]), [(DAN.into(), 3), (CLEO.into(), 2), (BOB.into(), 1)]);
    // Reaching out to Ada: Cleo 2 (e1 e3), Eve 2 (e7 e8), Bob 1 (m2), Dan 1 (e4); ties by id.
    assert_eq!(ids(&own["topContactedBy"]), [(CLEO.into(), 2), (EVE.into(), 2), (BOB.into(), 1)]);
    assert_eq!(own["topContacted"][0]["name"], "Dan");
}

#[test]
fn a_shorter_window_and_an_explicit_now() {
    let (people, interactions) = dataset();
    let mut o = rapport::EngineOptions::new(ADA, 1_773_964_800_000); // 2026-03-20T00:00:00Z
    o.internal_domains = vec![ORG.into()];
    let mut e = rapport::Engine::new(o).unwrap();
    load(&mut e, &people, &interactions);
    let own = serde_json::to_value(e.own_insights(Some(7)).unwrap()).unwrap();
    // (13 March, 20 March]: e9 and e11 sent; m2; c1. Nothing received.
    assert_eq!(own["window"]["start"], "2026-03-13T00:00:00Z");
    assert_eq!(own["kpis"]["emailsSent"], 2);
    assert_eq!(own["kpis"]["emailsReceived"], 0);
    assert_eq!(own["kpis"]["responseRate"], Value::Null);
    assert_eq!(own["kpis"]["meetings"], 1);
    assert_eq!(own["kpis"]["calls"], 1);
    assert_eq!(own["interactionsUsed"], 4);
}

#[test]
fn same_input_same_options_byte_identical_json() {
    let (people, interactions) = dataset();
    let run = || {
        let mut e = engine(ADA, Consent::default(), NOW);
        load(&mut e, &people, &interactions);
        serde_json::to_string(&e.own_insights(Some(120)).unwrap()).unwrap()
    };
    assert_eq!(run(), run());
}
