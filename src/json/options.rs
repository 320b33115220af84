//! The engine constructor's options and the consent arguments of
//! `setConsent` as JavaScript passes them (SPEC 6), read from JSON into the
//! engine's typed options. Unknown names are refused.

use serde::Deserialize;

use crate::consent::Consent;
use crate::engine::EngineOptions;
use crate::error::{Error, Result};
use crate::privacy::budget::Epsilon;
use crate::time::{check_range, from_epoch_ms, parse_rfc3339, WorkingHours};
use crate::token::ConsentKey;

impl EngineOptions {
    /// Options as the JavaScript constructor takes them (SPEC 6), as JSON.
    /// `clock_ms` is the host's clock (epoch ms): the reference time when the
    /// options give no `now`.
    pub fn from_json(text: &str, clock_ms: i64) -> Result<EngineOptions> {
        let raw: RawOptions =
            serde_json::from_str(text).map_err(|e| Error::options("options", e.to_string()))?;
        let now = match raw.now {
            Some(v) => parse_time_option(&v)?,
            None => check_range(clock_ms).map_err(|reason| Error::options("now", reason))?,
        };
        let mut o = EngineOptions::new(&raw.viewer, now);
        o.consent_key = raw
            .consent_key
            .map(|k| ConsentKey::from_base64url(&k).map_err(|reason| Error::options("consentKey", reason)))
            .transpose()?;
        o.tenant = raw.tenant;
        o.consent = raw.consent.map(ConsentFlags::into_consent).unwrap_or_default();
        o.internal_domains = raw.internal_domains;
        if let Some(n) = raw.min_group_size {
            o.min_group_size = n;
        }
        if let Some(w) = raw.working_hours {
            if w.time_zone.as_deref().is_some_and(|z| z != "UTC") {
                return Err(Error::options("workingHours.timeZone", "only \"UTC\" is supported so far"));
            }
            o.working_hours = Some(WorkingHours {
                start: w.start,
                end: w.end,
                days: w.days.unwrap_or_else(|| WorkingHours::default().days),
            });
        }
        if let Some(max) = raw.max_input_bytes {
            o.max_input_bytes = max;
        }
        if let Some(budget) = raw.epsilon_budget {
            o.epsilon_budget = Epsilon::new("epsilonBudget", budget)?;
        }
        o.require_noise = raw.require_noise;
        o.noise_seed = raw.noise_seed;
        Ok(o)
    }
}

fn parse_time_option(v: &serde_json::Value) -> Result<i64> {
    match v {
        serde_json::Value::String(s) => parse_rfc3339(s),
        serde_json::Value::Number(n) => from_epoch_ms(n.as_f64().unwrap_or(f64::NAN)),
        _ => Err("expected an RFC 3339 time or epoch milliseconds".to_string()),
    }
    .map_err(|reason| Error::options("now", reason))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawOptions {
    viewer: String,
    consent: Option<ConsentFlags>,
    #[serde(default)]
    internal_domains: Vec<String>,
    min_group_size: Option<u32>,
    now: Option<serde_json::Value>,
    working_hours: Option<RawWorkingHours>,
    consent_key: Option<String>,
    tenant: Option<String>,
    max_input_bytes: Option<usize>,
    epsilon_budget: Option<f64>,
    #[serde(default)]
    require_noise: bool,
    noise_seed: Option<u64>,
}

/// Consent flags as JavaScript passes them.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConsentFlags {
    #[serde(default)]
    aggregated: bool,
    #[serde(default)]
    identifiable: bool,
}

impl ConsentFlags {
    pub fn into_consent(self) -> Consent {
        Consent { aggregated: self.aggregated, identifiable: self.identifiable }
    }

    pub fn from_json(text: &str) -> Result<Consent> {
        serde_json::from_str::<ConsentFlags>(text)
            .map(ConsentFlags::into_consent)
            .map_err(|e| Error::options("consent", e.to_string()))
    }
}

/// The options of `setConsent(token, { at })`: the current time, epoch ms.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SetConsentOptions {
    at: Option<f64>,
}

impl SetConsentOptions {
    /// The `at` given, if any (the binding's default is `Date.now()`).
    pub fn from_json(text: &str) -> Result<Option<i64>> {
        let raw: SetConsentOptions =
            serde_json::from_str(text).map_err(|e| Error::options("options", e.to_string()))?;
        raw.at.map(|at| from_epoch_ms(at).map_err(|reason| Error::options("at", reason))).transpose()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawWorkingHours {
    start: f64,
    end: f64,
    time_zone: Option<String>,
    days: Option<Vec<u8>>,
}
