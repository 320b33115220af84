//! List views computed in parts, as `rapport-batch summaries` computes
//! them: records routed to the part of every external contact on them
//! (`Route::Contacts`), each part's peers and latest interaction gathered
//! first, then each part's lines scored against all of them, merged in the
//! module's order. Must be the module's `relationshipSummaries` byte for
//! byte: health scores frequency against every relationship of the
//! organization, so a part scoring against its own would move scores, and
//! a contact whose records were split would lose figures.

mod common;

use common::ms;
use rapport::insights::health::HealthOptions;
use rapport::partition::{gather, merge_lines, summary_lines, summary_peers, Lists, Partitioner, Route};
use rapport::{Consent, DataScope, Engine, EngineOptions, LoadOptions};
use rapport_demo::{demo_dataset, DemoDataset, DemoFormat, DemoOptions};

fn options(demo: &DemoDataset) -> EngineOptions {
    let mut o = EngineOptions::new(&demo.viewer, ms(&demo.now));
    o.internal_domains = demo.internal_domains.clone();
    o.consent = Consent { identifiable: true, aggregated: true };
    o
}

fn engine(demo: &DemoDataset, lines: &[&str]) -> Engine {
    let mut e = Engine::new(options(demo)).expect("engine");
    e.load_people(demo.people.as_bytes(), LoadOptions::default()).expect("people");
    let ndjson = LoadOptions { format: rapport::Format::Ndjson, ..LoadOptions::default() };
    e.load_interactions(lines.join("\n").as_bytes(), ndjson).expect("interactions");
    e
}

/// The module's list and the parts' list, as JSON.
fn both(demo: &DemoDataset, lines: &[&str], lists: &Lists) -> (String, String) {
    let whole = engine(demo, lines);
    let module = whole.relationship_summaries(lists.accounts, lists.scope, lists.days, lists.health).unwrap();
    let p = Partitioner::new(demo.people.as_bytes(), &options(demo), Route::Contacts).expect("partitioner");
    let parts: Vec<(String, Engine)> =
        common::route(&p, lines).into_iter().map(|(key, part)| (key, engine(demo, &part))).collect();
    assert!(parts.len() > 20, "{} parts", parts.len());
    let gathered = || gather(parts.iter().map(|(key, e)| summary_peers(e, lists, key).unwrap()).collect());
    let merged = parts.iter().map(|(key, e)| summary_lines(e, lists, key, gathered()).unwrap()).collect();
    (serde_json::to_string(&module).unwrap(), merge_lines(merged))
}

#[test]
fn parts_give_the_module_s_list_views_byte_for_byte() {
    let demo = demo_dataset(&DemoOptions { seed: 23, interactions: 15_000, format: DemoFormat::Ndjson });
    let lines: Vec<&str> = demo.interactions.lines().collect();
    let health = HealthOptions::default();
    for accounts in [false, true] {
        for (scope, days) in
            [(DataScope::Team, None), (DataScope::Team, Some(30)), (DataScope::Own, Some(180))]
        {
            let lists = Lists { accounts, scope, days, health: &health };
            let (module, parts) = both(&demo, &lines, &lists);
            assert!(module.matches("\"state\":\"scored\"").count() > 10, "{module:.300}");
            assert_eq!(parts, module, "accounts {accounts}, {scope:?}, {days:?}");
        }
    }
}

/// A contact outside the directory (no account but its domain) and one the
/// directory files under an account whose name differs from its domain: each
/// part is found as an engine names it.
#[test]
fn contacts_outside_the_directory_and_accounts_unlike_their_domain_are_whole() {
    let demo = demo_dataset(&DemoOptions { seed: 5, interactions: 4_000, format: DemoFormat::Ndjson });
    let mut lines: Vec<String> = demo.interactions.lines().map(str::to_string).collect();
    let at = |d: u32| format!("{}T10:{:02}:00Z", &demo.now[..10], d);
    for i in 0..12 {
        // A stranger writes, we answer; and a stranger is copied alongside a listed contact.
        lines.push(format!(
            r#"{{"id":"s-{i}","kind":"email","from":"Stranger@Newco.example","to":["{}"],"at":"{}"}}"#,
            demo.viewer,
            at(i)
        ));
        lines.push(format!(
            r#"{{"id":"r-{i}","kind":"email","from":"{}","to":["stranger@newco.example"],"cc":["x{i}@newco.example"],"at":"{}","inReplyTo":"s-{i}"}}"#,
            demo.viewer,
            at(i + 20)
        ));
    }
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let health = HealthOptions::default();
    for accounts in [false, true] {
        let lists = Lists { accounts, scope: DataScope::Team, days: None, health: &health };
        let (module, parts) = both(&demo, &lines, &lists);
        assert!(
            module.contains("stranger@newco.example") || module.contains("\"newco.example\""),
            "{module:.200}"
        );
        assert_eq!(parts, module, "accounts {accounts}");
    }
}

#[test]
fn a_part_needs_the_consent_the_list_needs() {
    let demo = demo_dataset(&DemoOptions { seed: 5, interactions: 500, format: DemoFormat::Ndjson });
    let mut o = options(&demo);
    o.consent = Consent::default();
    let e = Engine::new(o).expect("engine");
    let health = HealthOptions::default();
    let lists = Lists { accounts: false, scope: DataScope::Team, days: None, health: &health };
    assert_eq!(summary_peers(&e, &lists, "x").unwrap_err().code(), "CONSENT_REQUIRED");
    let g = gather(Vec::new());
    assert_eq!(summary_lines(&e, &lists, "x", g).unwrap_err().code(), "CONSENT_REQUIRED");
}
