//! Loading is a sync (issue 14, point 1), under random attack: random
//! records, each with up to three versions (rescheduled, re-addressed,
//! cancelled, the viewer taken off), loaded in random batches that overlap
//! (copies of a version in several batches) and arrive in any order, with
//! deletions (SPEC `deleted` records and `removeInteractions`) of loaded ids
//! and of ids never loaded. Every public result, also after a snapshot round
//! trip, is byte-identical to an engine given only the final state in one
//! load.
//!
//! The one order the sequence keeps is the documented one: a removal (a
//! deletion, or a final version that is not kept: cancelled, or without the
//! viewer when consent does not keep others' data) comes after the versions
//! it removes, because nothing of removed data is remembered. Versions that
//! are kept may come in any order: `modifiedAt` orders them.

mod common;

use common::*;
use proptest::prelude::*;
use rapport::{Consent, Engine, EngineOptions, LoadOptions};
use serde_json::{json, Value};

const BASE_MS: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const SLOTS: usize = 6;

/// One version of a record: who it goes to, when, how long, cancelled.
#[derive(Clone, Debug)]
struct Version {
    to: Vec<usize>,
    minute: i64,
    duration: u32,
    cancelled: bool,
}

/// A record's history: its versions (the last is the final one), the batch
/// (slot) of each copy of each version, and whether and how it is deleted.
#[derive(Clone, Debug)]
struct History {
    extra: Vec<Version>,
    /// Per older version, the slots of its copies.
    older_slots: Vec<Vec<usize>>,
    /// Slots after the last older copy: where the final version's copies go.
    final_after: Vec<usize>,
    /// Deleted after its final version: `Some(by_call)`.
    deleted: Option<bool>,
}

#[derive(Clone, Debug)]
struct Scenario {
    w: World,
    histories: Vec<History>,
    consent: Consent,
    /// Ids never loaded that are deleted, at these slots.
    unknown_deletions: Vec<usize>,
}

fn version(people: usize) -> impl Strategy<Value = Version> {
    (prop::collection::vec(0..people, 1..4), 0i64..(200 * 24 * 60), 0u32..120, prop::bool::weighted(0.15))
        .prop_map(|(to, minute, duration, cancelled)| Version { to, minute, duration, cancelled })
}

fn history(people: usize) -> impl Strategy<Value = History> {
    (
        prop::collection::vec(version(people), 0..3),
        prop::collection::vec(prop::collection::vec(0..SLOTS, 1..3), 3),
        prop::collection::vec(0..3usize, 1..3),
        prop::option::weighted(0.15, any::<bool>()),
    )
        .prop_map(|(extra, older_slots, final_after, deleted)| History {
            extra,
            older_slots,
            final_after,
            deleted,
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    world().prop_flat_map(|w| {
        let (people, n) = (w.people, w.records.len());
        (
            Just(w),
            prop::collection::vec(history(people), n),
            any::<bool>(),
            prop::collection::vec(0..SLOTS + 6, 0..3),
        )
            .prop_map(|(w, histories, all, unknown_deletions)| {
                let consent = Consent { aggregated: all, identifiable: all };
                Scenario { w, histories, consent, unknown_deletions }
            })
    })
}

impl Scenario {
    /// Every version of record `n`, oldest first: the world's record, then the extra ones.
    fn versions(&self, n: usize) -> Vec<Version> {
        let r = &self.w.records[n];
        let mut all = vec![Version {
            to: r.to.clone(),
            minute: r.minute,
            duration: r.duration,
            cancelled: r.cancelled,
        }];
        all.extend(self.histories[n].extra.iter().cloned());
        all
    }

    /// Version `j` of record `n` as a SPEC record, with `modifiedAt` ordering them.
    fn record(&self, n: usize, j: usize, v: &Version) -> Value {
        let r = &self.w.records[n];
        let mut to: Vec<String> =
            v.to.iter().filter(|&&p| p != r.from).map(|&p| person_id(&self.w, p)).collect();
        if to.is_empty() {
            to.push(person_id(&self.w, (r.from + 1) % self.w.people));
        }
        let kind = ["email", "meeting", "call"][r.kind as usize];
        let mut out = json!({
            "id": format!("i{n}"),
            "kind": kind,
            "from": person_id(&self.w, r.from),
            "to": to,
            "at": BASE_MS + v.minute * 60_000,
            "modifiedAt": BASE_MS + (n as i64) * 10 + j as i64,
        });
        if r.kind != 0 {
            out["durationMinutes"] = json!(v.duration);
        }
        if let Some(parent) = r.reply_to {
            out["inReplyTo"] = json!(format!("i{parent}"));
        }
        if v.cancelled {
            out["cancelled"] = json!(true);
        }
        out
    }

    /// Whether the final version `v` of record `n` is stored: not cancelled,
    /// and the viewer (p0) on it unless consent keeps others' data.
    fn kept(&self, n: usize, v: &Version) -> bool {
        let r = &self.w.records[n];
        let to_viewer = v.to.iter().any(|&p| p == 0 && r.from != 0)
            || (r.from + 1) % self.w.people == 0 && v.to.iter().all(|&p| p == r.from);
        !v.cancelled && (self.consent.aggregated || r.from == 0 || to_viewer)
    }

    /// The batches in order: records and SPEC deletions, then the ids
    /// `removeInteractions` deletes after the batch.
    fn batches(&self) -> Vec<(Vec<Value>, Vec<String>)> {
        let last_slot = 2 * SLOTS + 8;
        let mut batches: Vec<(Vec<Value>, Vec<String>)> = vec![(Vec::new(), Vec::new()); last_slot + 1];
        for (n, h) in self.histories.iter().enumerate() {
            let versions = self.versions(n);
            let last = versions.len() - 1;
            // A final version that is kept may come anywhere: `modifiedAt`
            // orders it. One that is not kept removes what is held when it
            // comes, so it comes after the older ones.
            let kept = self.kept(n, &versions[last]);
            let mut latest_older = 0;
            for (j, v) in versions[..last].iter().enumerate() {
                for &slot in &h.older_slots[j] {
                    batches[slot].0.push(self.record(n, j, v));
                    latest_older = latest_older.max(slot + 1);
                }
            }
            let mut latest = latest_older;
            for (k, &after) in h.final_after.iter().enumerate() {
                let slot = if kept {
                    h.older_slots[2][k % h.older_slots[2].len()] + after
                } else {
                    latest_older + after
                };
                batches[slot].0.push(self.record(n, last, &versions[last]));
                latest = latest.max(slot + 1);
            }
            match h.deleted {
                Some(false) => batches[latest].0.push(json!({ "id": format!("i{n}"), "deleted": true })),
                Some(true) => batches[latest].1.push(format!("i{n}")),
                None => {}
            }
        }
        for (k, &slot) in self.unknown_deletions.iter().enumerate() {
            batches[slot].0.push(json!({ "id": format!("never-{k}"), "deleted": true }));
            batches[slot].1.push(format!("gone-{k}"));
        }
        batches
    }

    /// The final state: each record's last version, unless it was deleted.
    fn final_records(&self) -> Value {
        let mut out = Vec::new();
        for (n, h) in self.histories.iter().enumerate() {
            if h.deleted.is_none() {
                let versions = self.versions(n);
                let last = versions.len() - 1;
                out.push(self.record(n, last, &versions[last]));
            }
        }
        Value::Array(out)
    }

    fn engine(&self) -> Engine {
        let mut o = EngineOptions::new(&person_id(&self.w, 0), ms(WORLD_NOW));
        o.internal_domains = vec![ORG.to_string()];
        o.consent = self.consent;
        let mut e = Engine::new(o).expect("engine");
        let people = self.w.people_json(None, None).to_string();
        e.load_people(people.as_bytes(), LoadOptions::default()).expect("people");
        e
    }
}

fn load(e: &mut Engine, records: &Value) {
    e.load_interactions(records.to_string().as_bytes(), LoadOptions::default()).expect("interactions");
}

fn check(s: &Scenario) -> Result<(), TestCaseError> {
    let contacts = s.w.ids();
    let mut synced = s.engine();
    for (records, removals) in s.batches() {
        load(&mut synced, &Value::Array(records));
        synced.remove_interactions(&removals).expect("remove");
    }
    let mut once = s.engine();
    load(&mut once, &s.final_records());
    let expected = outputs(&once, &contacts);
    prop_assert_eq!(&outputs(&synced, &contacts), &expected);
    let reopened =
        Engine::from_snapshot(&synced.export_snapshot(), synced.options().clone()).expect("snapshot");
    prop_assert_eq!(&outputs(&reopened, &contacts), &expected);
    prop_assert_eq!(synced.stats().0, once.stats().0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_of_loads_updates_and_deletions_gives_the_final_state(s in scenario()) {
        check(&s)?;
    }
}
