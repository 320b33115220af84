//! Method options as JavaScript passes them (JSON objects), checked and turned
//! into core values. Unknown option names are refused, so a typo is an error
//! rather than a silently ignored setting.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::demo::{DemoFormat, DemoOptions};
use crate::engine::{Reach, Target};
use crate::error::{Error, Result};
use crate::insights::aggregates::noisy::Caps;
use crate::insights::health::HealthOptions;
use crate::load::{Format, LoadOptions};
use crate::privacy::budget::Epsilon;

/// Parses the options object `what` of a method call.
pub fn parse<T: DeserializeOwned>(json: &str, what: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| Error::options(what, e.to_string()))
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadRequest {
    format: Option<String>,
    #[serde(default)]
    lenient: bool,
}

impl LoadRequest {
    pub fn into_options(self) -> Result<LoadOptions> {
        let format = self.format.as_deref().map(Format::parse).transpose()?.unwrap_or_default();
        Ok(LoadOptions { format, lenient: self.lenient })
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WindowRequest {
    pub days: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelationshipRequest {
    #[serde(default)]
    pub scope: Reach,
    pub days: Option<u32>,
    #[serde(default)]
    pub health: HealthOptions,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Contact,
    Account,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SummariesRequest {
    pub level: Level,
    #[serde(default)]
    pub scope: Reach,
    pub days: Option<u32>,
    #[serde(default)]
    pub health: HealthOptions,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TopRequest {
    pub top: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PathsRequest {
    pub top: Option<u32>,
    pub max_hops: Option<u32>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Department,
    Account,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Week,
    Month,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Noise {
    pub epsilon: f64,
    /// Contribution caps (see `insights::aggregates::noisy`); defaults by period.
    pub records_per_period: Option<u32>,
    pub groups_per_record: Option<u32>,
    pub minutes_per_meeting: Option<u32>,
}

impl Noise {
    /// Noise of `epsilon` with the default caps.
    pub fn with_epsilon(epsilon: f64) -> Noise {
        Noise { epsilon, records_per_period: None, groups_per_record: None, minutes_per_meeting: None }
    }

    pub fn epsilon(&self) -> Result<Epsilon> {
        Epsilon::new("noise.epsilon", self.epsilon)
    }

    /// The caps asked for, or the defaults for the period.
    pub fn caps(&self, monthly: bool) -> Result<Caps> {
        let d = Caps::defaults(monthly);
        let pick = |name: &str, v: Option<u32>, default: u32, max: u32| -> Result<u32> {
            let v = v.unwrap_or(default);
            if !(1..=max).contains(&v) {
                return Err(Error::options(name, format!("must be 1 to {max}")));
            }
            Ok(v)
        };
        Ok(Caps {
            records_per_period: pick(
                "noise.recordsPerPeriod",
                self.records_per_period,
                d.records_per_period,
                1000,
            )?,
            groups_per_record: pick("noise.groupsPerRecord", self.groups_per_record, d.groups_per_record, 5)?,
            minutes_per_meeting: pick(
                "noise.minutesPerMeeting",
                self.minutes_per_meeting,
                d.minutes_per_meeting,
                480,
            )?,
        })
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AggregatesRequest {
    pub group_by: GroupBy,
    pub period: Period,
    pub noise: Option<Noise>,
    /// The window whose periods are shown (default 90 days up to `now`).
    pub days: Option<u32>,
}

/// Largest demo dataset: beyond this the texts alone outgrow a browser tab.
pub const MAX_DEMO_INTERACTIONS: usize = 5_000_000;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoRequest {
    seed: Option<u64>,
    interactions: Option<usize>,
    format: Option<String>,
}

pub fn demo_options(json: &str) -> Result<DemoOptions> {
    let req: DemoRequest = parse(json, "options")?;
    let mut opts = DemoOptions::default();
    if let Some(seed) = req.seed {
        opts.seed = seed;
    }
    if let Some(n) = req.interactions {
        if n > MAX_DEMO_INTERACTIONS {
            return Err(Error::options("interactions", format!("at most {MAX_DEMO_INTERACTIONS}")));
        }
        opts.interactions = n;
    }
    opts.format = match req.format.as_deref() {
        None | Some("json") => DemoFormat::Json,
        Some("ndjson") => DemoFormat::Ndjson,
        Some(_) => return Err(Error::options("format", "expected \"json\" or \"ndjson\"")),
    };
    Ok(opts)
}

/// `{ contact: "…" }` or `{ account: "…" }`.
pub fn target(json: &str) -> Result<Target> {
    parse(json, "target")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_unknown_options_and_reads_known_ones() {
        let l: LoadRequest = parse(r#"{"format":"ndjson","lenient":true}"#, "options").unwrap();
        let o = l.into_options().unwrap();
        assert_eq!((o.format, o.lenient), (Format::Ndjson, true));
        let e = parse::<LoadRequest>(r#"{"lenent":true}"#, "options").unwrap_err();
        assert_eq!(e.code(), "INVALID_OPTIONS");
        assert_eq!(target(r#"{"account":"contoso"}"#).unwrap(), Target::Account("contoso".into()));
        assert!(target(r#"{"contact":"a","account":"b"}"#).is_err());
        let r: RelationshipRequest =
            parse(r#"{"scope":"team","health":{"weights":{"recency":0.5},"bands":{"good":70}}}"#, "options")
                .unwrap();
        assert_eq!(r.scope, Reach::Team);
        assert_eq!((r.health.weights.recency, r.health.weights.frequency), (0.5, 0.30));
        assert_eq!((r.health.bands.good, r.health.bands.fair), (70, 40));
        assert!(parse::<RelationshipRequest>(r#"{"health":{"weight":{}}}"#, "options").is_err());
    }
}
