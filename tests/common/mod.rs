//! Helpers shared by the native integration tests: engines, JSON records, and
//! random datasets for the property tests.
#![allow(dead_code)]

pub mod attack;
pub mod naive;
pub mod tokens;

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Period};
use rapport::partition::Partitioner;
use rapport::{Consent, Engine, EngineOptions, LoadOptions};
use serde_json::{json, Value};

pub const ORG: &str = "northwind.example";

/// The people of the hand-built datasets.
pub const ADA: &str = "ada@northwind.example";
pub const BOB: &str = "bob@northwind.example";
pub const CLEO: &str = "cleo@contoso.example";
pub const DAN: &str = "dan@contoso.example";
pub const EVE: &str = "eve@fabrikam.example";

/// The directory of the hand-built datasets.
pub fn directory() -> Value {
    json!([
        { "id": ADA, "name": "Ada", "department": "Sales" },
        { "id": BOB, "name": "Bob", "department": "Support" },
        { "id": CLEO, "name": "Cleo", "accountId": "contoso" },
        { "id": DAN, "name": "Dan", "accountId": "contoso" },
        { "id": EVE, "name": "Eve", "accountId": "fabrikam" },
    ])
}

/// Epoch milliseconds of an RFC 3339 time written in a test.
pub fn ms(rfc3339: &str) -> i64 {
    rapport::time::parse_rfc3339(rfc3339).expect("a test time")
}

/// An engine of `viewer` at the reference time `now` (RFC 3339): tests
/// always state it, as hosts do (SPEC 3.1).
pub fn engine(viewer: &str, consent: Consent, now: &str) -> Engine {
    let mut o = EngineOptions::new(viewer, ms(now));
    o.internal_domains = vec![ORG.to_string()];
    o.consent = consent;
    Engine::new(o).expect("engine")
}

pub fn load(e: &mut Engine, people: &Value, interactions: &Value) {
    e.load_people(people.to_string().as_bytes(), LoadOptions::default()).expect("people");
    e.load_interactions(interactions.to_string().as_bytes(), LoadOptions::default()).expect("interactions");
}

pub fn email(id: &str, from: &str, to: &[&str], at: &str) -> Value {
    json!({ "id": id, "kind": "email", "from": from, "to": to, "at": at })
}

pub fn reply(id: &str, from: &str, to: &[&str], at: &str, in_reply_to: &str) -> Value {
    json!({ "id": id, "kind": "email", "from": from, "to": to, "at": at, "inReplyTo": in_reply_to })
}

pub fn meeting(id: &str, from: &str, to: &[&str], at: &str, minutes: f64) -> Value {
    json!({ "id": id, "kind": "meeting", "from": from, "to": to, "at": at, "durationMinutes": minutes })
}

pub fn call(id: &str, from: &str, to: &str, at: &str, minutes: f64) -> Value {
    json!({ "id": id, "kind": "call", "from": from, "to": [to], "at": at, "durationMinutes": minutes })
}

/// An aggregates request per department, without noise.
pub fn departments(period: Period) -> AggregatesRequest {
    AggregatesRequest { group_by: GroupBy::Department, period, noise: None, days: None }
}

fn show<T: serde::Serialize>(r: Result<T, rapport::Error>) -> String {
    match r {
        Ok(v) => serde_json::to_string(&v).expect("json"),
        Err(e) => format!("error {}", e.code()),
    }
}

/// Every output the engine gives, for its viewer and for each of `contacts`
/// (and the accounts `ext.example` and `contoso`), as one text: what
/// invariance tests compare byte for byte.
pub fn outputs(e: &Engine, contacts: &[String]) -> String {
    use rapport::insights::health::HealthOptions;
    use rapport::{DataScope, Target};
    let h = HealthOptions::default();
    let mut out = String::new();
    for days in [7, 30, 90, 365] {
        out += &show(e.own_insights(Some(days)));
        out.push('\n');
    }
    let mut targets: Vec<Target> = contacts.iter().map(|c| Target::Contact(c.clone())).collect();
    targets.push(Target::Account("ext.example".into()));
    targets.push(Target::Account("contoso".into()));
    for target in &targets {
        for reach in [DataScope::Own, DataScope::Team] {
            out += &show(e.relationship(target, reach, None, &h));
            out.push('\n');
        }
        for reach in [DataScope::Own, DataScope::Team] {
            // The whole list, and a second page (a cursor names no purged row).
            out += &show(e.activity(target, reach, Some(365), Some(500), None));
            let first = e.activity(target, reach, Some(365), Some(2), None);
            let next = first.as_ref().ok().and_then(|p| p.next.clone());
            out += &show(e.activity(target, reach, Some(365), Some(2), next.as_deref()));
            out.push('\n');
        }
        out += &show(e.who_knows_whom(target, Some(100)));
        out += &show(e.introduction_paths(target, Some(20), Some(4), None));
        out.push('\n');
    }
    for accounts in [false, true] {
        for reach in [DataScope::Own, DataScope::Team] {
            out += &show(e.relationship_summaries(accounts, reach, Some(120), &h));
            out.push('\n');
        }
    }
    for period in [Period::Week, Period::Month] {
        out += &show(e.aggregates(&departments(period)));
        let by_account = AggregatesRequest { group_by: GroupBy::Account, ..departments(period) };
        out += &show(e.aggregates(&by_account));
        out.push('\n');
    }
    out
}

/// A small random world: people `p0…` (the first few internal), and
/// interactions among them.
#[derive(Clone, Debug)]
pub struct World {
    pub people: usize,
    pub internal: usize,
    pub records: Vec<Record>,
    /// Letter case flipped on some ids, to exercise normalisation.
    pub shout: Vec<bool>,
}

#[derive(Clone, Debug)]
pub struct Record {
    pub kind: u8,
    pub from: usize,
    pub to: Vec<usize>,
    pub cc: Vec<usize>,
    pub minute: i64,
    pub duration: u32,
    pub reply_to: Option<usize>,
    pub cancelled: bool,
}

pub fn person_id(world: &World, i: usize) -> String {
    let domain = if i < world.internal { ORG } else { "ext.example" };
    let id = format!("p{i}@{domain}");
    if world.shout.get(i).copied().unwrap_or(false) {
        id.to_uppercase()
    } else {
        id
    }
}

pub fn world() -> impl Strategy<Value = World> {
    (3usize..9, 1usize..4).prop_flat_map(|(people, internal)| {
        let internal = internal.min(people - 1);
        let record = (
            0u8..3,
            0..people,
            prop::collection::vec(0..people, 1..4),
            prop::collection::vec(0..people, 0..2),
            0i64..(200 * 24 * 60),
            0u32..120,
            prop::option::of(0usize..40),
            prop::bool::weighted(0.05),
        )
            .prop_map(|(kind, from, to, cc, minute, duration, reply_to, cancelled)| Record {
                kind,
                from,
                to,
                cc,
                minute,
                duration,
                reply_to,
                cancelled,
            });
        (prop::collection::vec(record, 0..40), prop::collection::vec(prop::bool::weighted(0.2), people))
            .prop_map(move |(records, shout)| World { people, internal, records, shout })
    })
}

const BASE_MS: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/// The reference time of the random worlds: day 120 of their 200 days, so
/// that some of their interactions are still to come.
pub const WORLD_NOW: &str = "2026-05-01T00:00:00Z";

impl World {
    /// Every person's id, as the data spells it.
    pub fn ids(&self) -> Vec<String> {
        (0..self.people).map(|i| person_id(self, i)).collect()
    }

    /// The directory, with `opted_out` marked, and without `removed`.
    pub fn people_json(&self, opted_out: Option<usize>, removed: Option<usize>) -> Value {
        let entries: Vec<Value> = (0..self.people)
            .filter(|&i| Some(i) != removed)
            .map(|i| {
                let mut p = json!({ "id": person_id(self, i).to_lowercase(), "name": format!("Person {i}") });
                if i < self.internal {
                    p["department"] = json!(if i % 2 == 0 { "Sales" } else { "Support" });
                }
                if Some(i) == opted_out {
                    p["optedOut"] = json!(true);
                }
                p
            })
            .collect();
        Value::Array(entries)
    }

    /// The interactions; with `removed`, as if that person had never been in
    /// the data (SPEC 4.3): what they sent is gone, they leave every list,
    /// and what is left with nobody else is gone.
    pub fn interactions_json(&self, removed: Option<usize>) -> Value {
        let mut out = Vec::new();
        for (n, r) in self.records.iter().enumerate() {
            if Some(r.from) == removed {
                continue;
            }
            let keep = |list: &[usize]| -> Vec<String> {
                list.iter().filter(|&&p| Some(p) != removed).map(|&p| person_id(self, p)).collect()
            };
            let (to, cc) = (keep(&r.to), keep(&r.cc));
            let others = r.to.iter().chain(&r.cc).any(|&p| p != r.from && Some(p) != removed);
            let had_others = r.to.iter().chain(&r.cc).any(|&p| p != r.from);
            if !had_others || !others {
                continue;
            }
            let kind = ["email", "meeting", "call"][r.kind as usize];
            let mut v = json!({
                "id": format!("i{n}"),
                "kind": kind,
                "from": person_id(self, r.from),
                "to": to,
                "at": BASE_MS + r.minute * 60_000,
            });
            if !cc.is_empty() {
                v["cc"] = json!(cc);
            }
            if r.kind != 0 {
                v["durationMinutes"] = json!(r.duration);
            }
            if let Some(parent) = r.reply_to {
                v["inReplyTo"] = json!(format!("i{parent}"));
            }
            if r.cancelled {
                v["cancelled"] = json!(true);
            }
            out.push(v);
        }
        Value::Array(out)
    }
}

/// The demo dataset of `seed` and `interactions` records, and an engine of
/// its viewer at its `now` with `consent`, people and interactions loaded.
pub fn demo_engine(seed: u64, interactions: usize, consent: Consent) -> (rapport_demo::DemoDataset, Engine) {
    use rapport_demo::{demo_dataset, DemoFormat, DemoOptions};
    let demo = demo_dataset(&DemoOptions { seed, interactions, format: DemoFormat::Json });
    let mut o = EngineOptions::new(&demo.viewer, ms(&demo.now));
    o.internal_domains = demo.internal_domains.clone();
    o.consent = consent;
    let mut e = Engine::new(o).expect("engine");
    e.load_people(demo.people.as_bytes(), LoadOptions::default()).expect("people");
    e.load_interactions(demo.interactions.as_bytes(), LoadOptions::default()).expect("interactions");
    (demo, e)
}

/// The parts as the batch's plan makes them: every version of an id goes to
/// every part any version of it is routed to.
pub fn route<'a>(p: &Partitioner, lines: &[&'a str]) -> BTreeMap<String, Vec<&'a str>> {
    let id = |l: &str| serde_json::from_str::<serde_json::Value>(l).expect("json")["id"].to_string();
    let mut keys: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for l in lines {
        keys.entry(id(l)).or_default().extend(p.keys(l));
    }
    let mut out: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for l in lines {
        for k in &keys[&id(l)] {
            out.entry(k.clone()).or_default().push(l);
        }
    }
    out
}
