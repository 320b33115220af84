//! Method options as JavaScript passes them (JSON objects), checked and turned
//! into the engine's typed requests. Unknown option names are refused, so a
//! typo is an error rather than a silently ignored setting.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::insights::health::HealthOptions;
use crate::load::{Format, LoadOptions};
use crate::model::{DataScope, Target};

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
    /// The mailbox the batch was read from (the viewer's; loadInteractions only).
    mailbox: Option<String>,
}

impl LoadRequest {
    pub fn into_options(self) -> Result<LoadOptions> {
        let format = self.format.as_deref().map(Format::parse).transpose()?.unwrap_or_default();
        Ok(LoadOptions { format, lenient: self.lenient, mailbox: self.mailbox })
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
    pub scope: DataScope,
    pub days: Option<u32>,
    #[serde(default)]
    pub health: HealthOptions,
}

/// `activity(target, { scope, days, limit, before })`: `before` is a page's
/// `next` (or an RFC 3339 time), checked by the engine.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActivityRequest {
    #[serde(default)]
    pub scope: DataScope,
    pub days: Option<u32>,
    pub limit: Option<u32>,
    pub before: Option<String>,
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
    pub scope: DataScope,
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
    /// Each hop beyond the first multiplies a chain's score by it: (0, 1], default 0.5.
    pub hop_penalty: Option<f64>,
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
        assert_eq!(r.scope, DataScope::Team);
        assert_eq!((r.health.weights.recency, r.health.weights.frequency), (0.5, 0.30));
        assert_eq!((r.health.bands.good, r.health.bands.fair), (70, 40));
        assert!(parse::<RelationshipRequest>(r#"{"health":{"weight":{}}}"#, "options").is_err());
    }
}
