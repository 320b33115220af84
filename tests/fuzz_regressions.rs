//! Every input a fuzzer found crashing (kept in tests/data/fuzz/<target>/)
//! and the seed corpus (fuzz/corpus/<target>/), replayed through the fuzz
//! harness itself (fuzz/src/harness.rs): each must end in `Ok` or a coded
//! error, never a panic, with the harness's invariants holding (a refused
//! load changes nothing; what is accepted exports and imports back).
//! `scripts/fuzz.sh` runs the fuzzers; a new crash goes into tests/data/fuzz/.

#[path = "../fuzz/src/harness.rs"]
mod harness;

use std::fs;
use std::path::{Path, PathBuf};

use harness::Outcome;

/// The codes each target may end in.
fn allowed(target: &str) -> &'static [&'static str] {
    match target {
        "load_people" | "load_interactions" | "load_graph" => &["INVALID_INPUT", "INVALID_OPTIONS"],
        "snapshot" => &["INVALID_SNAPSHOT", "INVALID_OPTIONS"],
        "consent_token" => &["INVALID_CONSENT_TOKEN"],
        _ => unreachable!("unknown target {target}"),
    }
}

fn run(target: &str, data: &[u8]) -> Outcome {
    match target {
        "load_people" => harness::load_people(data),
        "load_interactions" => harness::load_interactions(data),
        "load_graph" => harness::load_graph(data),
        "snapshot" => harness::snapshot(data),
        "consent_token" => harness::consent_token(data),
        _ => unreachable!("unknown target {target}"),
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(entries) => {
            entries.map(|e| e.expect("a directory entry").path()).filter(|p| p.is_file()).collect()
        }
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn check(target: &str, path: &Path) -> Outcome {
    let data = fs::read(path).expect("readable input");
    let outcome = run(target, &data);
    if let Err(code) = outcome {
        assert!(allowed(target).contains(&code), "{}: unexpected error code {code}", path.display());
    }
    outcome
}

/// Replays every kept crash and every seed of `target`; returns how many ran.
fn replay(target: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ran = 0;
    for dir in [root.join("tests/data/fuzz").join(target), root.join("fuzz/corpus").join(target)] {
        for path in files(&dir) {
            // Ok or an allowed code: `check` asserts which.
            let _outcome = check(target, &path);
            ran += 1;
        }
    }
    assert!(ran > 0, "no input for {target}: the seed corpus is missing");
    ran
}

#[test]
fn every_people_input_replays_without_panic() {
    replay("load_people");
}

#[test]
fn every_interactions_input_replays_without_panic() {
    replay("load_interactions");
}

#[test]
fn every_graph_input_replays_without_panic() {
    replay("load_graph");
}

#[test]
fn every_snapshot_input_replays_without_panic() {
    replay("snapshot");
}

#[test]
fn every_consent_token_input_replays_without_panic() {
    replay("consent_token");
}

#[test]
fn the_seeds_reach_both_sides_of_the_checks() {
    // A seed corpus of refusals only (or acceptances only) would fuzz half the code.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for target in ["load_people", "load_interactions", "load_graph", "snapshot", "consent_token"] {
        let outcomes: Vec<Outcome> = files(&root.join(target)).iter().map(|p| check(target, p)).collect();
        assert!(outcomes.iter().any(Result::is_ok), "{target}: no seed is accepted");
        assert!(outcomes.iter().any(Result::is_err), "{target}: no seed is refused");
    }
}
