//! A noisy table computed in parts, as `rapport-batch` computes it: records
//! routed to their sender's part (`Partitioner`), each part's capped sums
//! from an engine holding only that part (`partition_rows`), and the noise
//! drawn once over their total by an engine holding the directory alone
//! (`noisy_merge`). With the same seed it must be the module's table byte for
//! byte: the caps count a sender's records together, so a sender split
//! across parts (an alias read as written, a version routed by one id only)
//! would count more than the module does.

mod common;

use common::ms;
use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Noise, Period};
use rapport::partition::{noisy_merge, partition_rows, sender_part, Partial, Partitioner, Route};
use rapport::{Consent, Engine, EngineOptions, Format, LoadOptions};
use rapport_demo::{demo_dataset, DemoDataset, DemoFormat, DemoOptions};

const SEED: u64 = 2026;

fn options(demo: &DemoDataset) -> EngineOptions {
    let mut o = EngineOptions::new(&demo.viewer, ms(&demo.now));
    o.internal_domains = demo.internal_domains.clone();
    o.consent = Consent { aggregated: true, ..Consent::default() };
    o.noise_seed = Some(SEED);
    o
}

fn engine(demo: &DemoDataset, people: &str, lines: &[&str]) -> Engine {
    let mut e = Engine::new(options(demo)).expect("engine");
    e.load_people(people.as_bytes(), LoadOptions::default()).expect("people");
    if !lines.is_empty() {
        let text = lines.join("\n");
        let ndjson = LoadOptions { format: Format::Ndjson, ..LoadOptions::default() };
        e.load_interactions(text.as_bytes(), ndjson).expect("interactions");
    }
    e
}

fn noisy(group_by: GroupBy, period: Period) -> AggregatesRequest {
    AggregatesRequest { group_by, period, noise: Some(Noise::with_epsilon(1.0)), days: Some(120) }
}

/// The module's table and the parts' table, as JSON.
fn both(demo: &DemoDataset, people: &str, lines: &[&str], request: &AggregatesRequest) -> (String, String) {
    let whole = engine(demo, people, lines).aggregates(request).expect("module");
    let p = Partitioner::new(people.as_bytes(), &options(demo), Route::of(request)).expect("partitioner");
    let computed: Vec<Partial> = common::route(&p, lines)
        .iter()
        .map(|(key, part)| partition_rows(&engine(demo, people, part), request, key).expect("part"))
        .collect();
    assert!(computed.len() > 4, "{} parts", computed.len());
    let merged = noisy_merge(&engine(demo, people, &[]), computed, request).expect("merge");
    (serde_json::to_string(&whole).unwrap(), serde_json::to_string(&merged).unwrap())
}

fn demo() -> DemoDataset {
    demo_dataset(&DemoOptions { seed: 11, interactions: 20_000, format: DemoFormat::Ndjson })
}

#[test]
fn parts_give_the_module_s_noisy_tables_byte_for_byte() {
    let demo = demo();
    let lines: Vec<&str> = demo.interactions.lines().collect();
    for by in [GroupBy::Department, GroupBy::Account] {
        for period in [Period::Week, Period::Month] {
            let (module, batch) = both(&demo, &demo.people, &lines, &noisy(by, period));
            assert!(
                module.contains("\"seeded\":true") && module.contains("\"suppressed\":false"),
                "{module:.300}"
            );
            assert_eq!(batch, module, "{by:?} × {period:?}");
        }
    }
}

/// A sender over the cap, writing as two ids of one person: the module
/// counts `recordsPerPeriod` of their records; so must the parts, which
/// only the routing by canonical id can give (the alias hashes elsewhere).
#[test]
fn a_sender_writing_under_an_alias_is_capped_once() {
    let demo = demo();
    let mut people: serde_json::Value = serde_json::from_str(&demo.people).expect("people");
    let list = people.as_array_mut().expect("a JSON array");
    let sender = list
        .iter()
        .find(|p| {
            p["internal"] == true
                && p["department"].is_string()
                && p["optedOut"] != true
                && p["id"] != demo.viewer.as_str()
        })
        .expect("an internal person")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let alias =
        (0..).map(|i| format!("alias{i}.{sender}")).find(|a| sender_part(a) != sender_part(&sender)).unwrap();
    for p in list.iter_mut().filter(|p| p["id"] == sender.as_str()) {
        p["aliases"] = serde_json::json!([alias]);
    }
    let people = people.to_string();
    let at = &demo.now[..10];
    let extra: Vec<String> = (0..60)
        .map(|i| {
            let from = if i % 2 == 0 { &sender } else { &alias };
            format!(
                r#"{{"id":"burst-{i}","kind":"email","from":"{from}","to":["{}"],"at":"{at}T09:{:02}:00Z"}}"#,
                demo.viewer,
                i % 60
            )
        })
        .collect();
    let mut lines: Vec<&str> = demo.interactions.lines().collect();
    lines.extend(extra.iter().map(String::as_str));
    let (module, batch) = both(&demo, &people, &lines, &noisy(GroupBy::Department, Period::Week));
    assert_eq!(batch, module);
}

#[test]
fn sums_of_another_directory_or_without_noise_are_refused() {
    let demo = demo();
    let lines: Vec<&str> = demo.interactions.lines().take(2000).collect();
    let request = noisy(GroupBy::Department, Period::Week);
    let part =
        partition_rows(&engine(&demo, &demo.people, &lines), &request, &sender_part("x")).expect("part");
    let driver = engine(&demo, &demo.people, &[]);

    let mut renamed = part.clone();
    renamed.sums.as_mut().unwrap().groups[0].push_str(" (another directory)");
    assert_eq!(noisy_merge(&driver, vec![renamed], &request).unwrap_err().code(), "INVALID_INPUT");

    let mut short = part.clone();
    short.sums.as_mut().unwrap().cells.pop();
    assert_eq!(noisy_merge(&driver, vec![short], &request).unwrap_err().code(), "INVALID_INPUT");

    let mut stray = part.clone();
    stray.sums.as_mut().unwrap().matrix.push((0, 10_000, 0, 1));
    assert_eq!(noisy_merge(&driver, vec![stray], &request).unwrap_err().code(), "INVALID_INPUT");

    let exact_part = Partial { sums: None, ..part };
    assert_eq!(noisy_merge(&driver, vec![exact_part], &request).unwrap_err().code(), "INVALID_INPUT");

    let exact = AggregatesRequest { noise: None, ..request };
    assert_eq!(driver.partial_sums(&exact, &|_| true).unwrap_err().code(), "INVALID_OPTIONS");
}

#[test]
fn capped_sums_need_the_consent_a_table_needs() {
    let demo = demo();
    let mut o = options(&demo);
    o.consent = Consent::default();
    let e = Engine::new(o).expect("engine");
    let request = noisy(GroupBy::Account, Period::Month);
    assert_eq!(e.partial_sums(&request, &|_| true).unwrap_err().code(), "CONSENT_REQUIRED");
    assert_eq!(noisy_merge(&e, Vec::new(), &request).unwrap_err().code(), "CONSENT_REQUIRED");
}
