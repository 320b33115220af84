//! A deliberately naive reading of the SPEC 2 inputs, for cross-checks: the
//! JSON parsed as `serde_json::Value` and the loading rules applied literally
//! (ids normalised, aliases folded, opt-outs removed, cancelled meetings and
//! repeated ids skipped), sharing no code with the engine.

use std::collections::{BTreeSet, HashMap};

use chrono::DateTime;
use serde_json::Value;

pub fn norm(id: &str) -> String {
    let t = id.trim();
    if t.contains('@') {
        t.to_lowercase()
    } else {
        t.to_string()
    }
}

#[derive(Default)]
pub struct Directory {
    pub internal: BTreeSet<String>,
    /// Departments of opted-in internal people listed in the directory.
    pub department: HashMap<String, String>,
    /// Accounts of external people: listed, or their e-mail domain.
    pub account: HashMap<String, String>,
    /// Accounts of opted-in external people listed in the directory.
    pub listed_account: HashMap<String, String>,
}

pub struct Record {
    pub kind: String,
    pub from: String,
    /// `to` and `cc`, canonical, without the sender, repeats or opted-out people.
    pub parts: Vec<String>,
    pub at: i64,
    pub minutes: f64,
    pub reply_to: Option<String>,
}

impl Record {
    pub fn everyone(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.from).chain(&self.parts)
    }
}

/// The directory and the records that a correct load keeps, by id, in input order.
pub fn read(people: &str, interactions: &str, org: &str) -> (Directory, Vec<(String, Record)>) {
    let mut canon: HashMap<String, String> = HashMap::new();
    let mut opted_out = BTreeSet::new();
    let mut d = Directory::default();
    for p in serde_json::from_str::<Vec<Value>>(people).unwrap() {
        let id = norm(p["id"].as_str().unwrap());
        for a in p["aliases"].as_array().into_iter().flatten() {
            canon.insert(norm(a.as_str().unwrap()), id.clone());
        }
        if p["optedOut"] == true {
            opted_out.insert(id.clone());
            continue;
        }
        if p["internal"] == true {
            d.internal.insert(id.clone());
            if let Some(dept) = p["department"].as_str() {
                d.department.insert(id.clone(), dept.to_string());
            }
        } else if let Some(a) = p["accountId"].as_str() {
            d.account.insert(id.clone(), a.to_string());
            d.listed_account.insert(id.clone(), a.to_string());
        }
    }
    let canonical = |raw: &str| {
        let n = norm(raw);
        canon.get(&n).cloned().unwrap_or(n)
    };
    let mut seen = BTreeSet::new();
    let mut records = Vec::new();
    for r in serde_json::from_str::<Vec<Value>>(interactions).unwrap() {
        let from = canonical(r["from"].as_str().unwrap());
        if r["cancelled"] == true || opted_out.contains(&from) {
            continue;
        }
        let mut parts: Vec<String> = Vec::new();
        for p in ["to", "cc"].iter().flat_map(|l| r[*l].as_array().into_iter().flatten()) {
            let p = canonical(p.as_str().unwrap());
            if p != from && !opted_out.contains(&p) && !parts.contains(&p) {
                parts.push(p);
            }
        }
        let id = r["id"].as_str().unwrap().to_string();
        if parts.is_empty() || !seen.insert(id.clone()) {
            continue;
        }
        let kind = r["kind"].as_str().unwrap().to_string();
        let record = Record {
            minutes: if kind == "email" { 0.0 } else { r["durationMinutes"].as_f64().unwrap_or(0.0) },
            at: DateTime::parse_from_rfc3339(r["at"].as_str().unwrap()).unwrap().timestamp_millis(),
            reply_to: r["inReplyTo"].as_str().map(str::to_string),
            kind,
            from,
            parts,
        };
        for p in record.everyone() {
            let domain = p.rsplit_once('@').map_or("", |(_, d)| d);
            if domain == org {
                d.internal.insert(p.clone());
            } else if !d.account.contains_key(p) {
                d.account.insert(p.clone(), domain.to_string());
            }
        }
        records.push((id, record));
    }
    (d, records)
}
