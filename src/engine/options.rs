//! The engine's options, typed and checked: who the viewer is, the
//! reference time, internal domains, group size, working hours, input
//! limits, the epsilon budget and noise policy, and the key that signs
//! consent. The JavaScript constructor's JSON reaches here through `json`.

use crate::consent::Consent;
use crate::error::{Error, Result};
use crate::model::normalize_person_id;
use crate::privacy::budget::Epsilon;
use crate::time::{check_range, WorkingHours};
use crate::token::ConsentKey;

/// Default limit on one input, before it is parsed.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 512 * 1024 * 1024;
/// Ten answers at epsilon 1 (README: what one epsilon buys).
pub const DEFAULT_EPSILON_BUDGET: f64 = 10.0;
/// The lowest group size SPEC 3.4 allows.
pub const MIN_GROUP_SIZE: u32 = 5;

#[derive(Clone, Debug, PartialEq)]
pub struct EngineOptions {
    /// The signed-in user's person id.
    pub viewer: String,
    pub consent: Consent,
    pub internal_domains: Vec<String>,
    pub min_group_size: u32,
    /// The reference time (epoch ms): windows end at it, and the last and
    /// next interactions are before and after it (SPEC 3.1). The core never
    /// defaults it, least of all from the data: a default taken from the
    /// latest e-mail would move the viewer's own results with other people's
    /// mail. Hosts pass their clock (the JavaScript binding, `Date.now()`).
    pub now: i64,
    pub working_hours: Option<WorkingHours>,
    pub max_input_bytes: usize,
    /// The epsilon all noisy aggregates of this engine may spend together.
    pub epsilon_budget: Epsilon,
    /// Refuse aggregates asked for without noise.
    pub require_noise: bool,
    /// A fixed seed for the noise: reproducible figures, for tests only;
    /// refused with `require_noise` or a `consent_key`, and stated on every
    /// table it draws (`noise.seeded`).
    pub noise_seed: Option<u64>,
    /// The key that signs consent tokens (SPEC 4.5). With it, consent comes
    /// only as a token naming `tenant`; flags can only withdraw.
    pub consent_key: Option<ConsentKey>,
    /// The tenant (`tid`) consent tokens must name; required with the key.
    pub tenant: Option<String>,
}

impl EngineOptions {
    /// The options of `viewer`'s engine at the reference time `now` (epoch ms).
    pub fn new(viewer: &str, now: i64) -> EngineOptions {
        EngineOptions {
            viewer: viewer.to_string(),
            consent: Consent::default(),
            internal_domains: Vec::new(),
            min_group_size: MIN_GROUP_SIZE,
            now,
            working_hours: None,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            epsilon_budget: Epsilon::new("epsilonBudget", DEFAULT_EPSILON_BUDGET).expect("a valid default"),
            require_noise: false,
            noise_seed: None,
            consent_key: None,
            tenant: None,
        }
    }

    pub(super) fn validate(&mut self) -> Result<()> {
        let viewer = normalize_person_id(&self.viewer).into_owned();
        if viewer.is_empty() {
            return Err(Error::options("viewer", "must be a non-empty person id"));
        }
        self.viewer = viewer;
        for d in &mut self.internal_domains {
            *d = d.trim().trim_start_matches('@').to_lowercase();
            if d.is_empty() {
                return Err(Error::options("internalDomains", "a domain is empty"));
            }
        }
        if self.min_group_size < MIN_GROUP_SIZE {
            return Err(Error::options("minGroupSize", format!("must be at least {MIN_GROUP_SIZE}")));
        }
        if let Some(w) = &self.working_hours {
            w.check().map_err(|e| Error::options(e.option, e.reason))?;
        }
        check_range(self.now).map_err(|reason| Error::options("now", reason))?;
        if self.max_input_bytes == 0 {
            return Err(Error::options("maxInputBytes", "must be positive"));
        }
        if self.require_noise && self.noise_seed.is_some() {
            return Err(Error::options(
                "noiseSeed",
                "an engine that requires noise never uses fixed noise: anyone with the seed can take the noise off",
            ));
        }
        self.validate_signed_consent()
    }

    /// With a `consentKey` (SPEC 4.5) the engine is a deployment: a tenant
    /// to check tokens against, no consent granted by flags, no fixed noise.
    fn validate_signed_consent(&self) -> Result<()> {
        match (&self.consent_key, self.tenant.as_deref()) {
            (None, None) => return Ok(()),
            (None, Some(_)) => {
                return Err(Error::options(
                    "consentKey",
                    "a tenant only applies to signed consent: give consentKey too",
                ))
            }
            (Some(_), None) => {
                return Err(Error::options(
                    "tenant",
                    "a consentKey needs the tenant its tokens name (\"tid\")",
                ))
            }
            (Some(_), Some(t)) if t.trim().is_empty() => {
                return Err(Error::options("tenant", "must be a non-empty tenant id"))
            }
            (Some(_), Some(_)) => {}
        }
        if self.consent.covers_others() {
            return Err(Error::options(
                "consent",
                "with a consentKey, consent is granted only by a signed token (setConsent(token))",
            ));
        }
        if self.noise_seed.is_some() {
            return Err(Error::options("noiseSeed", "an engine with a consentKey never uses fixed noise"));
        }
        Ok(())
    }
}
