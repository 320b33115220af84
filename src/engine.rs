//! The engine: options, the store, the consent in force, and the public Rust
//! API that the bindings wrap. Data flows one way: load (opt-outs applied) →
//! store → consent gate → insight → result tagged with its scope.

use serde::Deserialize;

use std::cell::RefCell;
use std::rc::Rc;

use crate::consent::{purge_others, Consent, ConsentBasis, Gate, Retention, Scope, View};
use crate::error::{Error, Result};
use crate::graph::RelationshipGraph;
use crate::insights::aggregates::{aggregate, noisy_aggregate, AggregateTable, Question};
use crate::insights::health::HealthOptions;
use crate::insights::hits::ContactHits;
use crate::insights::own::{own_insights, OwnInsights};
use crate::insights::paths::{introduction_paths, IntroductionPath};
use crate::insights::relationship::{
    relationship, resolve, summaries, target_out, Relationship, RelationshipSummary, Them,
};
use crate::insights::who_knows_whom::{who_knows_whom, WhoKnowsWhom};
use crate::load::{self, LoadOptions, LoadReport};
use crate::model::{normalize_person_id, PersonKey};
use crate::privacy::budget::{Epsilon, Ledger};
use crate::privacy::noise::NoiseSource;
use crate::requests::{AggregatesRequest, Period};
use crate::store::snapshot::{open, open_opt_outs, seal, seal_opt_outs, Reader, Writer};
use crate::store::Store;
use crate::time::{check_range, format_rfc3339, from_epoch_ms, parse_rfc3339, Window};
use crate::token::{self, ConsentKey, Expected};

/// Default limit on one input, before it is parsed.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 512 * 1024 * 1024;
const DEFAULT_DAYS: u32 = 90;
/// Ten answers at epsilon 1 (README: what one epsilon buys).
const DEFAULT_EPSILON_BUDGET: f64 = 10.0;
const MAX_DAYS: u32 = 3660;
/// The lowest group size SPEC 3.4 allows.
pub const MIN_GROUP_SIZE: u32 = 5;

pub use crate::time::WorkingHours;

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
        o.consent = raw.consent.map(RawConsent::into_consent).unwrap_or_default();
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
                days: w.days.unwrap_or_else(|| vec![1, 2, 3, 4, 5]),
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

    fn validate(&mut self) -> Result<()> {
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

/// An optional count option within bounds, or its default.
fn bounded(option: &str, value: Option<u32>, default: u32, min: u32, max: u32) -> Result<usize> {
    let v = value.unwrap_or(default);
    if !(min..=max).contains(&v) {
        return Err(Error::options(option, format!("must be {min} to {max}")));
    }
    Ok(v as usize)
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
    consent: Option<RawConsent>,
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
pub struct RawConsent {
    #[serde(default)]
    aggregated: bool,
    #[serde(default)]
    identifiable: bool,
}

impl RawConsent {
    pub fn into_consent(self) -> Consent {
        Consent { aggregated: self.aggregated, identifiable: self.identifiable }
    }

    pub fn from_json(text: &str) -> Result<Consent> {
        serde_json::from_str::<RawConsent>(text)
            .map(RawConsent::into_consent)
            .map_err(|e| Error::options("consent", e.to_string()))
    }
}

/// The options of `setConsent(token, { at })`: the current time, epoch ms.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConsentAt {
    at: Option<f64>,
}

impl ConsentAt {
    /// The `at` given, if any (the binding's default is `Date.now()`).
    pub fn from_json(text: &str) -> Result<Option<i64>> {
        let raw: ConsentAt =
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

/// A contact or an account (SPEC 6).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Target {
    Contact(String),
    Account(String),
}

/// Which data a relationship uses: the viewer's own, or the whole team's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reach {
    #[default]
    Own,
    Team,
}

pub struct Engine {
    options: EngineOptions,
    consent: Consent,
    store: Store,
    /// Derived from `identifiable` data: dropped on every change of data or consent.
    graph: RefCell<Option<Rc<RelationshipGraph>>>,
    /// Every contact's hits, for the `own` and the `identifiable` view:
    /// dropped with the graph.
    contact_hits: RefCell<[Option<Rc<ContactHits>>; 2]>,
    /// Counts changes of data or consent: part of every cached answer's key.
    version: u64,
    privacy: RefCell<Privacy>,
    /// The signed consent in force (SPEC 4.5), until its expiry.
    token: Option<ActiveToken>,
}

struct ActiveToken {
    jti: String,
    expires_at_ms: i64,
    not_before_ms: Option<i64>,
}

impl ActiveToken {
    /// Whether the token grants at `now_ms`: not expired, and not before
    /// its `nbf` (with the verification's leeway).
    fn grants_at(&self, now_ms: i64) -> bool {
        now_ms < self.expires_at_ms && self.not_before_ms.is_none_or(|nbf| token::valid_after(nbf, now_ms))
    }
}

/// The noisy answers' budget and cache, and the noise source (made on first use).
struct Privacy {
    ledger: Ledger<AggregateTable>,
    noise: Option<NoiseSource>,
}

impl Engine {
    pub fn new(mut options: EngineOptions) -> Result<Engine> {
        options.validate()?;
        let mut store = Store::new(options.internal_domains.clone());
        store.pin_viewer(&options.viewer);
        Ok(Engine {
            consent: options.consent,
            store,
            privacy: RefCell::new(Privacy { ledger: Ledger::new(options.epsilon_budget), noise: None }),
            options,
            graph: RefCell::new(None),
            contact_hits: RefCell::new([None, None]),
            version: 0,
            token: None,
        })
    }

    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    pub fn consent(&self) -> Consent {
        self.consent
    }

    fn viewer(&self) -> Option<PersonKey> {
        self.store.lookup(&self.options.viewer)
    }

    pub fn load_people(&mut self, input: &[u8], opts: LoadOptions) -> Result<LoadReport> {
        let text = load::batch_text(input, self.options.max_input_bytes)?;
        let (report, rewrite) =
            load::people::load(&mut self.store, text, opts, &self.options.internal_domains)?;
        if rewrite {
            self.store.reindex_people();
        }
        self.invalidate();
        Ok(report)
    }

    pub fn load_interactions(&mut self, input: &[u8], opts: LoadOptions) -> Result<LoadReport> {
        let text = load::batch_text(input, self.options.max_input_bytes)?;
        // Others' interactions are kept only while consent covers them (SPEC 7):
        // an engine given none yet keeps only the viewer's own.
        let retention = Retention { viewer: self.viewer(), others: self.consent.covers_others() };
        let report = load::interactions::load(&mut self.store, text, opts, &retention)?;
        self.invalidate();
        Ok(report)
    }

    /// Grants or withdraws consent as flags, with effect on the next call.
    /// On an engine with a `consentKey`, flags only withdraw: flags that
    /// grant anything leave nothing beyond `own` (`set_consent_flags` says so
    /// with an error), and withdrawing ends the token in force too.
    pub fn set_consent(&mut self, consent: Consent) {
        let keyed = self.options.consent_key.is_some();
        self.token = None;
        self.apply_consent(if keyed { Consent::default() } else { consent });
    }

    /// `set_consent`, refusing (`INVALID_OPTIONS`) flags that grant anything
    /// on an engine with a `consentKey`: there consent comes only as a signed
    /// token, and the refused call leaves nothing beyond `own`.
    pub fn set_consent_flags(&mut self, consent: Consent) -> Result<()> {
        self.set_consent(consent);
        if self.consent != consent {
            return Err(Error::options(
                "consent",
                "this engine has a consentKey: consent is granted only by a signed token \
                 (setConsent(token)); flags can only withdraw, and nothing beyond \"own\" is granted now",
            ));
        }
        Ok(())
    }

    /// Verifies a signed consent token (SPEC 4.5) at `now_ms` (epoch ms, from
    /// the host) and grants its scopes until its `exp`; its `eps`, if any,
    /// becomes the epsilon budget's total (else the `epsilon_budget` option),
    /// never refunding what was spent. Fails closed: a refused token leaves
    /// nothing beyond `own` (withdrawal and its purge, SPEC 4.2) and returns
    /// `INVALID_CONSENT_TOKEN`. An engine without a key refuses any token
    /// (`INVALID_OPTIONS`) and keeps its flags: tokens are not its consent.
    pub fn set_consent_token(&mut self, token: &str, now_ms: i64) -> Result<()> {
        let (Some(key), Some(tenant)) = (&self.options.consent_key, &self.options.tenant) else {
            return Err(Error::options(
                "consentKey",
                "this engine has no consentKey to check a consent token with",
            ));
        };
        let expected = Expected { key, tenant, viewer: &self.options.viewer };
        let verified =
            token::verify(token, &expected, now_ms).map_err(|reason| Error::InvalidConsentToken { reason });
        self.token = None;
        match verified {
            Ok(grant) => {
                let total = grant.epsilon.unwrap_or(self.options.epsilon_budget);
                self.privacy.get_mut().ledger.set_total(total);
                self.token = Some(ActiveToken {
                    jti: grant.jti,
                    expires_at_ms: grant.expires_at_ms,
                    not_before_ms: grant.not_before_ms,
                });
                self.apply_consent(grant.consent);
                Ok(())
            }
            Err(e) => {
                self.apply_consent(Consent::default());
                Err(e)
            }
        }
    }

    /// Ends the token in force once its `exp` has passed, or when the time
    /// observed is before its `nbf`, as withdrawing consent does (SPEC 4.2):
    /// a host that once passed a later time to `set_consent_token` gains
    /// nothing. A clock before `nbf` withdraws rather than suspends (fail
    /// closed: others' data is purged; the host sets the token again once it
    /// is valid). The core does not read a clock: the host calls this with the
    /// current time before every call that reads data (the JavaScript binding
    /// does, with `Date.now()`). Returns whether it ended one.
    pub fn observe_clock(&mut self, now_ms: i64) -> bool {
        match &self.token {
            Some(t) if !t.grants_at(now_ms) => {
                self.token = None;
                self.apply_consent(Consent::default());
                true
            }
            _ => false,
        }
    }

    /// Where the consent in force comes from: flags, a token's `jti` and
    /// expiry, or (an engine with a key and no valid token) nothing.
    pub fn consent_basis(&self) -> ConsentBasis {
        match (&self.options.consent_key, &self.token) {
            (None, _) => ConsentBasis::Flags {
                aggregated: self.consent.aggregated,
                identifiable: self.consent.identifiable,
            },
            (Some(_), Some(t)) => {
                ConsentBasis::Token { jti: t.jti.clone(), expires_at: format_rfc3339(t.expires_at_ms) }
            }
            (Some(_), None) => ConsentBasis::None,
        }
    }

    /// Puts `consent` in force. Leaving neither `aggregated` nor
    /// `identifiable` granted deletes every stored interaction the viewer did
    /// not take part in (SPEC 4.2).
    fn apply_consent(&mut self, consent: Consent) {
        self.invalidate();
        self.consent = consent;
        if !consent.covers_others() {
            let viewer = self.viewer();
            purge_others(&mut self.store, viewer);
        }
    }

    /// Marks a person opted out, with every id and alias of theirs, and
    /// purges their data (SPEC 4.3). A person the engine has not seen yet is
    /// remembered (as a digest of the id), so later loads drop them.
    pub fn opt_out(&mut self, person_id: &str) -> Result<()> {
        let id = normalize_person_id(person_id);
        if id.is_empty() {
            return Err(Error::options("personId", "must be a non-empty person id"));
        }
        self.invalidate();
        match self.store.lookup(&id) {
            Some(p) => {
                self.store.person_mut(p).opted_out = true;
                self.store.reindex_people();
            }
            None => self.store.remember_opt_out(&id),
        }
        Ok(())
    }

    /// Whether `person_id` (normalised like every person id) is opted out
    /// here: an id or alias of someone opted out, held or not. Hosts filter
    /// their own lists with this instead of keeping the ids.
    pub fn is_opted_out(&self, person_id: &str) -> bool {
        let id = normalize_person_id(person_id);
        !id.is_empty()
            && (self.store.is_opted_out_id(&id)
                || self.store.lookup(&id).is_some_and(|p| self.store.person(p).opted_out))
    }

    /// The opt-outs of this engine as bytes to keep (a browser's storage)
    /// and give to another engine with `import_opt_outs`: only the one-way
    /// digests the store remembers, never an id, framed like a snapshot
    /// (another magic; layout in `store::snapshot`).
    pub fn export_opt_outs(&self) -> Vec<u8> {
        let mut w = Writer::default();
        self.store.write_opt_outs(&mut w);
        seal_opt_outs(w.out)
    }

    /// Applies another engine's `export_opt_outs`: every person held under
    /// an id or alias among them is opted out and purged as `opt_out` does,
    /// and later loads drop them. Damaged or foreign bytes are
    /// `INVALID_SNAPSHOT` and change nothing.
    pub fn import_opt_outs(&mut self, bytes: &[u8]) -> Result<()> {
        let mut r = Reader::new(open_opt_outs(bytes)?);
        let digests = Store::read_opt_outs(&mut r)?;
        r.finish()?;
        if self.store.import_opt_outs(digests) {
            self.invalidate();
        }
        Ok(())
    }

    /// The reference time (SPEC 3.1): the `now` option, whatever is loaded.
    pub fn now(&self) -> i64 {
        self.options.now
    }

    /// The `days` up to `now`: (now − days, now].
    fn window(&self, days: Option<u32>) -> Result<(Window, u32)> {
        let days = days.unwrap_or(DEFAULT_DAYS);
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(Error::options("days", format!("must be 1 to {MAX_DAYS}")));
        }
        Ok((Window::ending_at(self.now(), days), days))
    }

    fn gate(&self) -> Gate<'_> {
        Gate::new(&self.store, self.consent, self.viewer()).with_basis(self.consent_basis())
    }

    /// The viewer's own figures (SPEC 3.3); scope `own`, needs no consent.
    pub fn own_insights(&self, days: Option<u32>) -> Result<OwnInsights> {
        let window = self.window(days)?;
        let view = self.gate().open(Scope::Own)?;
        Ok(own_insights(&view, &self.options.viewer, window))
    }

    fn reach_scope(reach: Reach) -> Scope {
        match reach {
            Reach::Own => Scope::Own,
            Reach::Team => Scope::Identifiable,
        }
    }

    /// Relationship analytics (SPEC 3.1) for a contact or an account.
    /// `Reach::Own` uses only the viewer's interactions; `Reach::Team` needs
    /// `identifiable`. Consent is checked before the target is looked up, so
    /// a refusal does not tell whether the target exists.
    pub fn relationship(
        &self,
        target: &Target,
        reach: Reach,
        days: Option<u32>,
        health: &HealthOptions,
    ) -> Result<Relationship> {
        health.validate()?;
        let (window, days) = self.window(days)?;
        let view = self.gate().open(Self::reach_scope(reach))?;
        let them = resolve(&view, target)?;
        let index = self.contact_hits.borrow()[Self::hits_slot(&view)].clone();
        Ok(relationship(&view, &them, index.as_deref(), window, days, health))
    }

    /// The figures of every contact or every account (`accounts`), without
    /// weekly detail, in one call (SPEC 3.1 list views).
    pub fn relationship_summaries(
        &self,
        accounts: bool,
        reach: Reach,
        days: Option<u32>,
        health: &HealthOptions,
    ) -> Result<Vec<RelationshipSummary>> {
        health.validate()?;
        let (window, days) = self.window(days)?;
        let view = self.gate().open(Self::reach_scope(reach))?;
        Ok(summaries(&view, accounts, &self.contact_hits(&view), window, days, health))
    }

    /// Who knows whom (SPEC 3.2); needs `identifiable`. Default top 5.
    pub fn who_knows_whom(&self, target: &Target, top: Option<u32>) -> Result<WhoKnowsWhom> {
        let top = bounded("top", top, 5, 1, 100)?;
        let view = self.gate().open(Scope::Identifiable)?;
        let them = resolve(&view, target)?;
        Ok(who_knows_whom(&view, &them, target_out(&view, &them), self.now(), top))
    }

    /// Introduction paths (SPEC 3.2) from the viewer to a contact; needs
    /// `identifiable`. Default top 3, at most `maxHops` (default 3, up to 4) ties.
    pub fn introduction_paths(
        &self,
        target: &Target,
        top: Option<u32>,
        max_hops: Option<u32>,
    ) -> Result<Vec<IntroductionPath>> {
        let top = bounded("top", top, 3, 1, 20)?;
        let max_hops = bounded("maxHops", max_hops, 3, 1, 4)?;
        let view = self.gate().open(Scope::Identifiable)?;
        let Them::Contact(contact) = resolve(&view, target)? else {
            return Err(Error::options("target", "introduction paths lead to a contact, not an account"));
        };
        let Some(viewer) = self.viewer() else { return Ok(Vec::new()) };
        let graph = self.graph(&view, self.now());
        Ok(introduction_paths(&view, &graph, viewer, contact, top, max_hops))
    }

    /// The relationship graph, built once and kept until the data or the
    /// consent changes.
    fn graph(&self, view: &View, now: i64) -> Rc<RelationshipGraph> {
        let mut cache = self.graph.borrow_mut();
        cache.get_or_insert_with(|| Rc::new(RelationshipGraph::build(view, now))).clone()
    }

    /// Every contact's hits in the view, built by the first list view and
    /// kept until the data or the consent changes. (A single relationship
    /// uses it when it is there, and otherwise reads its own rows: one
    /// contact does not pay for indexing them all.)
    fn contact_hits(&self, view: &View) -> Rc<ContactHits> {
        let mut cache = self.contact_hits.borrow_mut();
        let slot = &mut cache[Self::hits_slot(view)];
        slot.get_or_insert_with(|| Rc::new(ContactHits::build(view))).clone()
    }

    fn hits_slot(view: &View) -> usize {
        usize::from(view.scope() != Scope::Own)
    }

    /// Drops every cached result: after any change of data or consent.
    fn invalidate(&mut self) {
        *self.graph.get_mut() = None;
        *self.contact_hits.get_mut() = [None, None];
        self.version += 1;
        self.privacy.get_mut().ledger.forget_answers();
    }

    /// Anonymized aggregates (SPEC 3.4) per department or account; needs
    /// `aggregated`. With `noise`, the figures are differentially private
    /// (SPEC 4.4): a new answer spends its epsilon from the engine's budget,
    /// and the same question on the same data is answered from cache.
    pub fn aggregates(&self, request: &AggregatesRequest) -> Result<AggregateTable> {
        let window = Some(self.window(request.days)?.0);
        let view = self.gate().open(Scope::Aggregated)?;
        let hours = self.options.working_hours.clone().unwrap_or_default();
        let monthly = request.period == Period::Month;
        let by = request.group_by;
        let q = Question { by, monthly, window, min_group_size: self.options.min_group_size, hours: &hours };
        let Some(noise) = &request.noise else {
            if self.options.require_noise {
                return Err(Error::options(
                    "noise",
                    "this engine gives aggregates only with noise: { epsilon }",
                ));
            }
            return aggregate(&view, &q);
        };
        let (epsilon, caps) = (noise.epsilon()?, noise.caps(monthly)?);
        let key = format!(
            "{}|{by:?}|{monthly}|{:?}|{epsilon:?}|{caps:?}",
            self.version,
            window.map(|w| (w.start, w.end))
        );
        let mut privacy = self.privacy.borrow_mut();
        let Privacy { ledger, noise } = &mut *privacy;
        let (mut table, from_cache) = match ledger.answer(&key) {
            Some(table) => (table, true),
            None => {
                ledger.can_spend(epsilon)?;
                let source = match noise {
                    Some(source) => source,
                    None => noise.insert(match self.options.noise_seed {
                        Some(seed) => NoiseSource::seeded(seed),
                        None => NoiseSource::from_platform()?,
                    }),
                };
                let table = noisy_aggregate(&view, &q, epsilon, &caps, source)?;
                ledger.spend(epsilon, key, table.clone());
                (table, false)
            }
        };
        table.epsilon_spent = Some(ledger.spent().as_f64());
        table.epsilon_remaining = Some(ledger.remaining().as_f64());
        if let Some(report) = &mut table.noise {
            report.from_cache = from_cache;
        }
        Ok(table)
    }

    /// Interactions held, and approximate heap bytes of the store.
    pub fn stats(&self) -> (usize, usize) {
        (self.store.rows().len(), self.store.heap_bytes())
    }

    /// Approximate heap bytes of the contact index the list views built
    /// (none until one runs; dropped on every change of data or consent).
    pub fn index_bytes(&self) -> usize {
        self.contact_hits.borrow().iter().flatten().map(|hits| hits.heap_bytes()).sum()
    }

    /// People and ties of the cached relationship graph (none until
    /// `introduction_paths` builds it): what a test reads to check that the
    /// graph stays linear in the input (a large meeting ties its attendees
    /// to its organizer only; `graph::SMALL_MEETING_PEOPLE`).
    #[doc(hidden)]
    pub fn graph_size(&self) -> Option<(usize, usize)> {
        self.graph.borrow().as_ref().map(|g| (g.graph.node_count(), g.graph.edge_count()))
    }

    /// What the consent in force covers, as bytes for `from_snapshot`: the
    /// store (only the viewer's own interactions unless `aggregated` or
    /// `identifiable` is granted, so that nothing reaches storage without
    /// consent) and the epsilon spent so far (layout in `store::snapshot`).
    pub fn export_snapshot(&self) -> Vec<u8> {
        let covered = self.consent.covers_others();
        let mut w = Writer::default();
        w.str(&self.options.viewer);
        // Kept for the format: whether others' data is kept follows consent alone.
        w.u8(u8::from(covered));
        w.u32(self.privacy.borrow().ledger.spent().milli());
        if covered {
            self.store.write(&mut w);
        } else {
            let mut own = self.store.clone();
            purge_others(&mut own, self.viewer());
            own.write(&mut w);
        }
        seal(w.out)
    }

    /// An engine with `options` and the data of a snapshot, or
    /// `INVALID_SNAPSHOT` (damaged, truncated, another format version) and
    /// `INVALID_OPTIONS` (another viewer or other internal domains): nothing
    /// is half-loaded. Consent is the one in `options`: without `aggregated`
    /// or `identifiable`, the others' data a snapshot holds is not restored.
    pub fn from_snapshot(bytes: &[u8], options: EngineOptions) -> Result<Engine> {
        let mut engine = Engine::new(options)?;
        let mut r = Reader::new(open(bytes)?);
        if r.str()? != engine.options.viewer {
            return Err(Error::options("viewer", "the snapshot was taken for another viewer"));
        }
        let _covered_at_export = r.bool()?;
        let spent = r.u32()?;
        let store = Store::read(&mut r)?;
        r.finish()?;
        if store.internal_domains() != engine.options.internal_domains {
            return Err(Error::options("internalDomains", "differ from the snapshot's"));
        }
        engine.store = store;
        engine.store.pin_viewer(&engine.options.viewer);
        // Whatever the snapshot's flag says (its bytes are input too), an
        // engine without consent to others' data holds none of it.
        if !engine.consent.covers_others() {
            let viewer = engine.viewer();
            purge_others(&mut engine.store, viewer);
        }
        engine.privacy.get_mut().ledger.restore_spent(spent);
        Ok(engine)
    }
}
