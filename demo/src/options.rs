//! `demoDataset`'s options as JavaScript passes them (a JSON object), checked
//! and turned into [`DemoOptions`]; unknown names are refused, as the engine's
//! methods refuse them, with the same error (`INVALID_OPTIONS`).

use rapport::{Error, Result};
use serde::Deserialize;

use super::{DemoFormat, DemoOptions};

/// Largest demo dataset: beyond this the texts alone outgrow a browser tab.
pub const MAX_DEMO_INTERACTIONS: usize = 5_000_000;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoRequest {
    seed: Option<u64>,
    interactions: Option<usize>,
    format: Option<String>,
}

fn invalid(option: &str, reason: impl Into<String>) -> Error {
    Error::InvalidOptions { option: option.to_string(), reason: reason.into() }
}

/// Reads the options object's JSON text (`{}` for every default).
pub fn demo_options(json: &str) -> Result<DemoOptions> {
    let req: DemoRequest = serde_json::from_str(json).map_err(|e| invalid("options", e.to_string()))?;
    let mut opts = DemoOptions::default();
    if let Some(seed) = req.seed {
        opts.seed = seed;
    }
    if let Some(n) = req.interactions {
        if n > MAX_DEMO_INTERACTIONS {
            return Err(invalid("interactions", format!("at most {MAX_DEMO_INTERACTIONS}")));
        }
        opts.interactions = n;
    }
    opts.format = match req.format.as_deref() {
        None | Some("json") => DemoFormat::Json,
        Some("ndjson") => DemoFormat::Ndjson,
        Some(_) => return Err(invalid("format", "expected \"json\" or \"ndjson\"")),
    };
    Ok(opts)
}
