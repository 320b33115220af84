//! Rough timing of the demo generator and a load, for development (`cargo run --release --example load_timing -- 1000000`).
use std::time::Instant;

use rapport::demo::{demo_dataset, DemoFormat, DemoOptions};
use rapport::{Engine, EngineOptions, LoadOptions};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let t = Instant::now();
    let d = demo_dataset(&DemoOptions { seed: 42, interactions: n, format: DemoFormat::Ndjson });
    println!("generate {n}: {:?} ({} MB)", t.elapsed(), d.interactions.len() >> 20);
    let mut o = EngineOptions::new(&d.viewer);
    o.internal_domains = d.internal_domains.clone();
    let mut e = Engine::new(o).unwrap();
    e.load_people(d.people.as_bytes(), LoadOptions::default()).unwrap();
    let t = Instant::now();
    let r = e.load_interactions(d.interactions.as_bytes(), LoadOptions::default()).unwrap();
    println!("load: {:?} accepted {} store {} MB", t.elapsed(), r.accepted, e.stats().1 >> 20);
    let t = Instant::now();
    let own = e.own_insights(None).unwrap();
    println!("own insights: {:?} used {}", t.elapsed(), own.interactions_used);
}
