//! What the attack tests of deletion share (issue 12): engines at an
//! explicit time, loads, snapshot round trips, the strings an output must not
//! hold, and byte-for-byte comparison with the data never loaded.

use rapport::time::parse_rfc3339;
use rapport::{Consent, Engine, EngineOptions, Format, LoadOptions, LoadReport};
use serde_json::{json, Value};

use super::*;

pub const ALL: Consent = Consent { aggregated: true, identifiable: true };
pub const NONE: Consent = Consent { aggregated: false, identifiable: false };
pub const NOW: &str = "2026-03-01T00:00:00Z";

/// An engine for `viewer` with an explicit reference time (issue 12 class 7).
pub fn engine_at(viewer: &str, consent: Consent, now: &str) -> Engine {
    let mut o = EngineOptions::new(viewer, parse_rfc3339(now).unwrap());
    o.internal_domains = vec![ORG.to_string()];
    o.consent = consent;
    Engine::new(o).unwrap()
}

pub fn eng(consent: Consent) -> Engine {
    engine_at(ADA, consent, NOW)
}

pub fn people(e: &mut Engine, directory: &Value) {
    e.load_people(directory.to_string().as_bytes(), LoadOptions::default()).unwrap();
}

pub fn mail(e: &mut Engine, records: &Value) -> LoadReport {
    e.load_interactions(records.to_string().as_bytes(), LoadOptions::default()).unwrap()
}

pub fn graph_page(e: &mut Engine, items: &[Value]) -> LoadReport {
    let page = json!({ "value": items }).to_string();
    let opts = LoadOptions { format: Format::Graph, ..LoadOptions::default() };
    e.load_interactions(page.as_bytes(), opts).unwrap()
}

pub fn roundtrip(e: &Engine, consent: Consent) -> Engine {
    let mut o = e.options().clone();
    o.consent = consent;
    Engine::from_snapshot(&e.export_snapshot(), o).unwrap()
}

/// The strings of `secrets` found in the engine's snapshot (what the
/// dashboard writes to IndexedDB), as raw bytes.
pub fn leaked<'a>(e: &Engine, secrets: &[&'a str]) -> Vec<&'a str> {
    let bytes = e.export_snapshot();
    secrets.iter().copied().filter(|s| bytes.windows(s.len()).any(|w| w == s.as_bytes())).collect()
}

/// SPEC 4.3 applied to the records beforehand: what `person` sent goes, they
/// leave every list, and a record left with nobody else goes.
pub fn without(records: &Value, person: &[&str]) -> Value {
    let gone = |v: &Value| v.as_str().is_some_and(|s| person.iter().any(|p| p.eq_ignore_ascii_case(s)));
    let mut out = Vec::new();
    for r in records.as_array().unwrap() {
        if gone(&r["from"]) {
            continue;
        }
        let mut r = r.clone();
        let mut left = 0;
        for field in ["to", "cc"] {
            if let Some(list) = r[field].as_array() {
                let kept: Vec<Value> = list.iter().filter(|v| !gone(v)).cloned().collect();
                left += kept
                    .iter()
                    .filter(|v| !v.as_str().unwrap().eq_ignore_ascii_case(r["from"].as_str().unwrap()))
                    .count();
                r[field] = Value::Array(kept);
            }
        }
        if left > 0 {
            out.push(r);
        }
    }
    Value::Array(out)
}

/// Fails naming the first line (one output each) where `got` and `expected` differ.
pub fn same(got: &str, expected: &str, what: &str) {
    if got == expected {
        return;
    }
    let line = got.lines().zip(expected.lines()).position(|(g, e)| g != e);
    let show = |text: &str| line.and_then(|i| text.lines().nth(i)).unwrap_or("(missing)").to_string();
    panic!(
        "{what}: outputs differ at line {line:?}:\n got:      {:.900}\n expected: {:.900}",
        show(got),
        show(expected)
    );
}

// ---------------------------------------------------------------- class 1
pub fn message(id: &str, conversation: &str, from: &str, to: &[&str], sent: &str) -> Value {
    let party = |a: &str| json!({ "emailAddress": { "address": a } });
    json!({
        "@odata.type": "#microsoft.graph.message",
        "id": id,
        "conversationId": conversation,
        "sentDateTime": sent,
        "from": party(from),
        "toRecipients": to.iter().map(|a| party(a)).collect::<Vec<_>>(),
    })
}

pub fn report_text(r: &LoadReport) -> String {
    serde_json::to_string(r).unwrap()
}
