//! The native half of `npm run bench`: times the same operations as
//! bench/wasm.mjs and bench/browser.mjs on the same demo data and prints one
//! JSON line per measurement (`{"op","size","ms"}`, the median of the runs),
//! plus one `{"op":"memory",…}` line per size (the store after loading the
//! NDJSON in chunks of at most 16 MiB) and one `{"op":"info",…}` line.
//! Usage: cargo run --release --example bench -- 100000 1000000

use std::time::Instant;

use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Noise, Period};
use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Engine, EngineOptions, Format, LoadOptions, Target};
use rapport_demo::{demo_dataset, DemoFormat, DemoOptions};

/// Sample contacts for the per-contact operations.
const SAMPLE: usize = 1000;
/// The largest NDJSON chunk handed to one load, as a page reading a file would.
const CHUNK: usize = 16 << 20;

mod erased {
    /// Serialises any result, so one closure can time them all alike.
    pub trait Json {
        fn text(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn text(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

/// One untimed run first, as on the wasm side (where it lets V8 tier up).
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn report(op: &str, size: usize, ms: f64) {
    println!("{{\"op\":\"{op}\",\"size\":{size},\"ms\":{ms:.3}}}");
}

/// NDJSON split at line ends into pieces of at most `CHUNK` bytes.
fn chunks(text: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = text.len();
        if end - start > CHUNK {
            let window = &text[start..start + CHUNK];
            let newline = window.iter().rposition(|&b| b == b'\n').expect("a line longer than a chunk");
            end = start + newline + 1;
        }
        out.push(&text[start..end]);
        start = end;
    }
    out
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    for size in if sizes.is_empty() { vec![100_000] } else { sizes } {
        let runs = if size >= 1_000_000 { 3 } else { 5 };
        let demo = demo_dataset(&DemoOptions { seed: 42, interactions: size, format: DemoFormat::Json });
        let ndjson = demo_dataset(&DemoOptions { seed: 42, interactions: size, format: DemoFormat::Ndjson })
            .interactions;
        let pieces = chunks(ndjson.as_bytes());
        // The reference time the demo data was made for (SPEC 3.1).
        let now = rapport::time::parse_rfc3339(&demo.now).expect("the demo's now");
        let fresh = || {
            let mut o = EngineOptions::new(&demo.viewer, now);
            o.internal_domains = demo.internal_domains.clone();
            o.consent = Consent { aggregated: true, identifiable: true };
            let mut e = Engine::new(o).expect("engine");
            e.load_people(demo.people.as_bytes(), LoadOptions::default()).expect("people");
            e
        };
        let json_format = LoadOptions { format: Format::Json, ..LoadOptions::default() };
        let ndjson_format = LoadOptions { format: Format::Ndjson, ..LoadOptions::default() };

        // NDJSON first, whole and in chunks; the engine the JSON load leaves is the one queried.
        report(
            "load(ndjson bytes)",
            size,
            median_ms(runs, || {
                fresh().load_interactions(ndjson.as_bytes(), ndjson_format.clone()).expect("ndjson");
            }),
        );
        let mut chunked = None;
        report(
            "load(ndjson chunks)",
            size,
            median_ms(runs, || {
                chunked = None;
                let mut e = fresh();
                for piece in &pieces {
                    e.load_interactions(piece, ndjson_format.clone()).expect("chunk");
                }
                chunked = Some(e);
            }),
        );
        let (interactions, store_bytes) = chunked.take().expect("chunked engine").stats();
        println!(
            "{{\"op\":\"memory\",\"size\":{size},\"interactions\":{interactions},\"storeBytes\":{store_bytes},\"chunks\":{}}}",
            pieces.len()
        );
        let mut engine = None;
        report(
            "load(json bytes)",
            size,
            median_ms(runs, || {
                engine = None;
                let mut e = fresh();
                e.load_interactions(demo.interactions.as_bytes(), json_format.clone()).expect("load");
                engine = Some(e);
            }),
        );
        let Some(e) = engine else { return };
        let h = HealthOptions::default();
        // Every result is serialised to JSON, as the binding does before JavaScript parses it.
        let json = |v: &dyn erased::Json| v.text();
        // The first list view builds the contact index the later ones (and
        // every relationship call) read: timed once, on the engine fresh from its load.
        let first = Instant::now();
        drop(json(&e.relationship_summaries(false, DataScope::Team, None, &h).expect("summaries")));
        report("relationshipSummaries(first call)", size, first.elapsed().as_secs_f64() * 1000.0);
        report("ownInsights", size, median_ms(runs, || drop(json(&e.own_insights(None).expect("own")))));
        let mut contacts: Vec<String> = Vec::new();
        report(
            "relationshipSummaries(contacts)",
            size,
            median_ms(runs, || {
                let list = e.relationship_summaries(false, DataScope::Team, None, &h).expect("summaries");
                drop(json(&list));
                contacts = list.into_iter().map(|s| s.id).collect();
            }),
        );
        report(
            "relationship(every contact)",
            size,
            median_ms(runs, || {
                for c in &contacts {
                    let r =
                        e.relationship(&Target::Contact(c.clone()), DataScope::Team, None, &h).expect("r");
                    drop(serde_json::to_string(&r));
                }
            }),
        );
        let sample: Vec<Target> = contacts.iter().take(SAMPLE).map(|c| Target::Contact(c.clone())).collect();
        report(
            "whoKnowsWhom(1000 contacts)",
            size,
            median_ms(runs, || {
                for t in &sample {
                    drop(serde_json::to_string(&e.who_knows_whom(t, None).expect("w")));
                }
            }),
        );
        report(
            "introductionPaths(1000 contacts)",
            size,
            median_ms(runs, || {
                for t in &sample {
                    drop(serde_json::to_string(&e.introduction_paths(t, None, None, None).expect("p")));
                }
            }),
        );
        let weekly = AggregatesRequest {
            group_by: GroupBy::Department,
            period: Period::Week,
            noise: None,
            days: None,
        };
        report(
            "aggregates(department, week)",
            size,
            median_ms(runs, || drop(json(&e.aggregates(&weekly).expect("aggregates")))),
        );
        // Each run a new question (another epsilon), so none is answered from cache.
        let mut epsilon = 0.5;
        report(
            "aggregates(department, week, noise)",
            size,
            median_ms(runs, || {
                epsilon += 0.001;
                let noisy = AggregatesRequest { noise: Some(Noise::with_epsilon(epsilon)), ..weekly.clone() };
                drop(json(&e.aggregates(&noisy).expect("noisy aggregates")));
            }),
        );
        println!(
            "{{\"op\":\"info\",\"size\":{size},\"contacts\":{},\"interactions\":{},\"storeBytes\":{},\"indexBytes\":{},\"jsonBytes\":{},\"ndjsonBytes\":{}}}",
            contacts.len(),
            e.stats().0,
            e.stats().1,
            e.index_bytes(),
            demo.interactions.len(),
            ndjson.len()
        );
        eprintln!("native {size}: {} contacts, store {} MB", contacts.len(), e.stats().1 >> 20);
    }
}
