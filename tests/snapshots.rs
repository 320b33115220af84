//! Snapshots (issue 5): every output is identical after export and import,
//! and a damaged, truncated or foreign snapshot is refused whole.

mod common;

use common::outputs;
use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Noise, Period};
use rapport::store::snapshot::{crc32, open, seal, VERSION};
use rapport::{Consent, Engine, EngineOptions, LoadOptions};
use rapport_demo::{demo_dataset, DemoDataset, DemoFormat, DemoOptions};

fn options(demo: &DemoDataset, consent: Consent) -> EngineOptions {
    let mut o = EngineOptions::new(&demo.viewer, common::ms(&demo.now));
    o.internal_domains = demo.internal_domains.clone();
    o.consent = consent;
    o
}

const ALL: Consent = Consent { aggregated: true, identifiable: true };

fn loaded(demo: &DemoDataset) -> Engine {
    let mut e = Engine::new(options(demo, ALL)).unwrap();
    e.load_people(demo.people.as_bytes(), LoadOptions::default()).unwrap();
    e.load_interactions(demo.interactions.as_bytes(), LoadOptions::default()).unwrap();
    e
}

fn contacts(e: &Engine) -> Vec<String> {
    let list = e.relationship_summaries(false, rapport::DataScope::Team, None, &Default::default()).unwrap();
    list.into_iter().map(|s| s.id).take(40).collect()
}

fn noisy() -> AggregatesRequest {
    AggregatesRequest {
        group_by: GroupBy::Department,
        period: Period::Month,
        noise: Some(Noise::with_epsilon(1.0)),
        days: None,
    }
}

#[test]
fn every_output_is_identical_after_export_and_import() {
    let demo = demo_dataset(&DemoOptions { seed: 8, interactions: 10_000, format: DemoFormat::Json });
    let mut e = loaded(&demo);
    let who = contacts(&e);
    e.opt_out(&who[3]).unwrap();
    e.opt_out("not-loaded-yet@contoso.example").unwrap();
    e.aggregates(&noisy()).unwrap();
    let before = outputs(&e, &who);
    let bytes = e.export_snapshot();
    let back = Engine::from_snapshot(&bytes, options(&demo, ALL)).unwrap();
    assert_eq!(outputs(&back, &who), before);
    assert_eq!(back.stats().0, e.stats().0);
    assert_eq!(back.export_snapshot(), bytes, "a second export is byte-identical");
    // What was spent stays spent, and remembered opt-outs still drop later loads.
    assert_eq!(back.aggregates(&noisy()).unwrap().epsilon_spent, Some(2.0));
    let mut back = back;
    let late = r#"[{"id":"late-1","kind":"email","from":"not-loaded-yet@contoso.example","to":["x@northwind.example"],"at":"2026-01-05T10:00:00Z"}]"#;
    let report = back.load_interactions(late.as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!((report.accepted, report.dropped_opted_out), (0, 1));
}

#[test]
fn a_snapshot_taken_after_consent_was_withdrawn_holds_only_the_viewers_interactions() {
    let demo = demo_dataset(&DemoOptions { seed: 8, interactions: 5_000, format: DemoFormat::Json });
    let mut e = loaded(&demo);
    let all = e.stats().0;
    e.set_consent(Consent::default());
    let own = e.stats().0;
    assert!(own < all, "{own} of {all} interactions are the viewer's");
    let bytes = e.export_snapshot();
    // Without consent to others' data, none of it is exported, withdrawn or not.
    let mut never = Engine::new(options(&demo, Consent::default())).unwrap();
    never.load_people(demo.people.as_bytes(), LoadOptions::default()).unwrap();
    never.load_interactions(demo.interactions.as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!(never.stats().0, own, "held in memory: only the viewer's, no consent to the rest");
    assert_eq!(Engine::from_snapshot(&never.export_snapshot(), options(&demo, ALL)).unwrap().stats().0, own);
    // Importing with consent granted does not bring anything back.
    let back = Engine::from_snapshot(&bytes, options(&demo, ALL)).unwrap();
    assert_eq!(back.stats().0, own);
    assert_eq!(outputs(&back, &contacts(&back)), outputs(&e_with(&demo, &bytes), &contacts(&back)));
}

fn e_with(demo: &DemoDataset, bytes: &[u8]) -> Engine {
    Engine::from_snapshot(bytes, options(demo, ALL)).unwrap()
}

#[test]
fn damaged_truncated_and_foreign_snapshots_are_refused() {
    let demo = demo_dataset(&DemoOptions { seed: 8, interactions: 2_000, format: DemoFormat::Json });
    let bytes = loaded(&demo).export_snapshot();
    let import = |b: &[u8]| Engine::from_snapshot(b, options(&demo, ALL)).map(|_| ()).map_err(|e| e.code());
    assert_eq!(import(&bytes), Ok(()));
    let step = (bytes.len() / 300).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        assert_eq!(import(&bytes[..cut]), Err("INVALID_SNAPSHOT"), "truncated at {cut}");
    }
    for i in (0..bytes.len()).step_by(step) {
        let mut bad = bytes.clone();
        bad[i] ^= 0x01;
        assert_eq!(import(&bad), Err("INVALID_SNAPSHOT"), "byte {i} flipped");
    }
    // Another format version, with a valid checksum: refused for its version.
    let mut other = bytes[..bytes.len() - 4].to_vec();
    other[8..12].copy_from_slice(&(VERSION + 1).to_le_bytes());
    let crc = crc32(&other);
    let resealed = [other, crc.to_le_bytes().to_vec()].concat();
    let err = Engine::from_snapshot(&resealed, options(&demo, ALL)).map(|_| ()).unwrap_err();
    assert_eq!(err.code(), "INVALID_SNAPSHOT");
    assert!(err.to_string().contains("version"), "{err}");
    // Another viewer's snapshot.
    let mut o = options(&demo, ALL);
    o.viewer = "someone.else@northwind.example".into();
    assert_eq!(Engine::from_snapshot(&bytes, o).map(|_| ()).unwrap_err().code(), "INVALID_OPTIONS");
}

/// Payloads altered behind a valid checksum (as a bug or an attacker with
/// write access could make them) are refused or read, never a panic, and
/// whatever is read is a usable engine.
#[test]
fn altered_payloads_with_valid_checksums_never_panic() {
    let demo = demo_dataset(&DemoOptions { seed: 8, interactions: 300, format: DemoFormat::Json });
    let bytes = loaded(&demo).export_snapshot();
    let payload = open(&bytes).unwrap().to_vec();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut refused, mut read) = (0, 0);
    for _ in 0..3000 {
        let mut p = payload.clone();
        for _ in 0..1 + next() % 3 {
            let i = (next() % p.len() as u64) as usize;
            p[i] = next() as u8;
        }
        match Engine::from_snapshot(&seal(p), options(&demo, ALL)) {
            Ok(e) => {
                read += 1;
                let _ = outputs(&e, &["x@contoso.example".to_string()]);
            }
            Err(err) => {
                refused += 1;
                assert!(["INVALID_SNAPSHOT", "INVALID_OPTIONS"].contains(&err.code()), "{err}");
            }
        }
    }
    assert!(refused > 1000, "{refused} refused, {read} read");
}
