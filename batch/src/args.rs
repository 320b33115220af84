//! The command line: `--name value` options, each named once, read into
//! what the JavaScript API takes (engine options and a request, as JSON for
//! the core to read with its own parsers).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::error::{usage, Failure};
use crate::job::Job;

pub struct Args {
    values: BTreeMap<String, String>,
}

impl Args {
    /// `--name value` pairs; every name in `known`, none twice.
    pub fn parse(raw: &[String], known: &[&str]) -> Result<Args, Failure> {
        let mut values = BTreeMap::new();
        let mut it = raw.iter();
        while let Some(name) = it.next() {
            let key = name
                .strip_prefix("--")
                .filter(|k| known.contains(k))
                .ok_or_else(|| usage(format!("unknown option {name} (options: --{})", known.join(", --"))))?;
            let value = it.next().ok_or_else(|| usage(format!("{name} needs a value")))?;
            if values.insert(key.to_string(), value.clone()).is_some() {
                return Err(usage(format!("{name} is given twice")));
            }
        }
        Ok(Args { values })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn required(&self, name: &str) -> Result<&str, Failure> {
        self.get(name).ok_or_else(|| usage(format!("--{name} is required")))
    }

    fn number(&self, name: &str) -> Result<Option<Value>, Failure> {
        self.get(name)
            .map(|v| {
                serde_json::from_str::<serde_json::Number>(v)
                    .map(Value::Number)
                    .map_err(|_| usage(format!("--{name} must be a number")))
            })
            .transpose()
    }
}

/// Options every data command takes.
pub const DATA: [&str; 10] = [
    "people",
    "interactions",
    "viewer",
    "internal-domains",
    "now",
    "days",
    "consent-key",
    "tenant",
    "consent-token",
    "cluster",
];

/// The engine options (SPEC 6) from the command line, as JSON.
fn engine_options(a: &Args) -> Result<Value, Failure> {
    let now = a.required("now")?;
    // A number is epoch ms, as in JavaScript; anything else RFC 3339 text.
    let now = now.parse::<i64>().map_or_else(|_| Value::from(now), Value::from);
    let domains: Vec<&str> = a.required("internal-domains")?.split(',').map(str::trim).collect();
    let mut o = Map::new();
    o.insert("viewer".into(), a.required("viewer")?.into());
    o.insert("now".into(), now);
    o.insert("internalDomains".into(), json!(domains));
    o.insert("consentKey".into(), a.required("consent-key")?.into());
    o.insert("tenant".into(), a.required("tenant")?.into());
    if let Some(n) = a.number("min-group-size")? {
        o.insert("minGroupSize".into(), n);
    }
    if let Some(s) = a.number("noise-seed")? {
        o.insert("noiseSeed".into(), s);
    }
    Ok(Value::Object(o))
}

/// `aggregates`' options: the data options and the request's.
pub const AGGREGATES: [&str; 7] =
    ["group-by", "period", "min-group-size", "noise-epsilon", "noise-seed", "out", "memory-limit"];

pub fn aggregates_job(a: &Args) -> Result<Job, Failure> {
    if a.get("noise-seed").is_some() && a.get("noise-epsilon").is_none() {
        return Err(usage("--noise-seed goes with --noise-epsilon"));
    }
    let mut r = Map::new();
    r.insert("groupBy".into(), a.required("group-by")?.into());
    r.insert("period".into(), a.required("period")?.into());
    if let Some(d) = a.number("days")? {
        r.insert("days".into(), d);
    }
    if let Some(e) = a.number("noise-epsilon")? {
        r.insert("noise".into(), json!({ "epsilon": e }));
    }
    job(a, r)
}

/// `summaries`' options: the data options, the level and the output.
pub const SUMMARIES: [&str; 3] = ["level", "out", "memory-limit"];

/// A list view of the whole team (`relationshipSummaries` with scope "team").
pub fn summaries_job(a: &Args) -> Result<Job, Failure> {
    let mut r = Map::new();
    r.insert("level".into(), a.required("level")?.into());
    r.insert("scope".into(), "team".into());
    if let Some(d) = a.number("days")? {
        r.insert("days".into(), d);
    }
    job(a, r)
}

fn job(a: &Args, request: Map<String, Value>) -> Result<Job, Failure> {
    Ok(Job {
        options: engine_options(a)?,
        people: a.required("people")?.to_string(),
        consent_token: a.required("consent-token")?.to_string(),
        request: Value::Object(request),
        gathered: None,
    })
}
