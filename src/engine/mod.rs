//! The engine: the public Rust API that the bindings wrap. It holds the
//! store, the consent in force (`consent_state`), what it derives from the
//! data (`derived`) and the noisy answers paid for (`answers`); options are
//! typed in `options`, and the snapshot format lives in `store::snapshot`.
//! Data flows one way: load (opt-outs applied) → store → consent gate →
//! insight → result tagged with its scope.

mod aggregates;
mod answers;
mod consent_state;
mod derived;
mod lists;
mod options;
#[cfg(test)]
mod snapshot_tests;

pub use options::{EngineOptions, DEFAULT_MAX_INPUT_BYTES, MIN_GROUP_SIZE};

use std::cell::RefCell;

use answers::Answers;
use consent_state::ConsentState;
use derived::Derived;

use crate::consent::{purge_others, Consent, ConsentBasis, Gate, Retention, View};
use crate::error::{Error, Result};
use crate::insights::activity::{activity, Activity, Cursor, DEFAULT_LIMIT, MAX_LIMIT};
use crate::insights::freshness::data_as_of;
use crate::insights::health::HealthOptions;
use crate::insights::own::{own_insights, OwnInsights};
use crate::insights::paths::{introduction_paths, IntroductionPath, DEFAULT_HOP_PENALTY};
use crate::insights::relationship::{relationship, target_out, Relationship, Scoring};
use crate::insights::sides::{resolve, Them};
use crate::insights::who_knows_whom::{who_knows_whom, WhoKnowsWhom};
use crate::load::{self, LoadOptions, LoadReport};
use crate::model::{domain_of, is_internal_domain, normalize_person_id, DataScope, PersonKey, Scope, Target};
use crate::store::{snapshot, Store};
use crate::time::{format_rfc3339, Window};
use crate::token::{self, Expected};

/// The `days` of a call that gives none (the batch dates its tables with it too).
pub(crate) const DEFAULT_DAYS: u32 = 90;
const MAX_DAYS: u32 = 3660;

/// An optional count option within bounds, or its default.
fn bounded(option: &str, value: Option<u32>, default: u32, min: u32, max: u32) -> Result<usize> {
    let v = value.unwrap_or(default);
    if !(min..=max).contains(&v) {
        return Err(Error::options(option, format!("must be {min} to {max}")));
    }
    Ok(v as usize)
}

pub struct Engine {
    options: EngineOptions,
    consent: ConsentState,
    store: Store,
    /// Dropped on every change of data or consent.
    derived: Derived,
    answers: RefCell<Answers>,
    /// Others' interactions were dropped for lack of consent since the last
    /// load made while consent kept them (see `others_withheld`).
    withheld: bool,
}

impl Engine {
    pub fn new(mut options: EngineOptions) -> Result<Engine> {
        options.validate()?;
        let mut store = Store::new(options.internal_domains.clone());
        store.pin_viewer(&options.viewer);
        Ok(Engine {
            consent: ConsentState::new(options.consent, options.consent_key.is_some()),
            store,
            answers: RefCell::new(Answers::new(options.epsilon_budget)),
            options,
            derived: Derived::default(),
            withheld: false,
        })
    }

    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    pub fn consent(&self) -> Consent {
        self.consent.in_force()
    }

    fn viewer(&self) -> Option<PersonKey> {
        self.store.lookup(&self.options.viewer)
    }

    pub fn load_people(&mut self, input: &[u8], opts: LoadOptions) -> Result<LoadReport> {
        if opts.mailbox.is_some() {
            return Err(Error::options("mailbox", "is for loadInteractions, not the directory"));
        }
        let text = load::batch_text(input, self.options.max_input_bytes)?;
        let (report, rewrite) =
            load::people::load(&mut self.store, text, opts, &self.options.internal_domains)?;
        if rewrite {
            self.store.reindex_people();
        }
        self.invalidate();
        Ok(report)
    }

    pub fn load_interactions(&mut self, input: &[u8], mut opts: LoadOptions) -> Result<LoadReport> {
        let text = load::batch_text(input, self.options.max_input_bytes)?;
        if let Some(mailbox) = opts.mailbox.take() {
            opts.mailbox = Some(self.mailbox_owner(&mailbox)?);
        }
        // Others' interactions are kept only while consent covers them (SPEC 7):
        // an engine given none yet keeps only the viewer's own.
        let retention = Retention { viewer: self.viewer(), others: self.keeps_others() };
        let report = load::load_interactions(&mut self.store, text, opts, &retention)?;
        self.withheld = if retention.others { false } else { self.withheld || report.dropped_no_consent > 0 };
        self.invalidate();
        Ok(report)
    }

    /// Deletes interactions by id (SPEC 7, `removeInteractions`), whatever
    /// the consent: every row and every string only they carried go, as in a
    /// purge, and replies inferred from a conversation's order are worked out
    /// again. The report counts `deleted` and `not_found` (ids not held:
    /// never loaded, already removed, or not kept); nothing is remembered of
    /// either, so a later load of the id stores it again.
    pub fn remove_interactions<S: AsRef<str>>(&mut self, ids: &[S]) -> Result<LoadReport> {
        let report = load::remove_interactions(&mut self.store, ids)?;
        if report.deleted > 0 {
            self.invalidate();
        }
        Ok(report)
    }

    /// The owner of the mailbox a batch names: only the viewer's own. Adding
    /// the owner to every item is the host's statement about its own data;
    /// naming anyone else would let a page put that person on mail they
    /// never saw (and, for a colleague, change their team figures), so it
    /// is refused, and a colleague's mailbox loads without `mailbox`.
    fn mailbox_owner(&self, mailbox: &str) -> Result<String> {
        let id = normalize_person_id(mailbox);
        let viewer = normalize_person_id(&self.options.viewer);
        let same = id == viewer || self.store.lookup(&id).is_some_and(|k| Some(k) == self.viewer());
        if !same {
            return Err(Error::options(
                "mailbox",
                "must be the viewer's own address (or an alias of it): only the signed-in user's mailbox is loaded as theirs",
            ));
        }
        Ok(viewer.into_owned())
    }

    /// Grants or withdraws consent as flags, with effect on the next call.
    /// On an engine with a `consentKey`, flags only withdraw: flags that
    /// grant anything leave nothing beyond `own` (`set_consent_flags` says so
    /// with an error), and withdrawing ends the token in force too.
    pub fn set_consent(&mut self, consent: Consent) {
        let allowed = self.consent.flags(consent);
        self.apply_consent(allowed);
    }

    /// `set_consent`, refusing (`INVALID_OPTIONS`) flags that grant anything
    /// on an engine with a `consentKey`: there consent comes only as a signed
    /// token, and the refused call leaves nothing beyond `own`.
    pub fn set_consent_flags(&mut self, consent: Consent) -> Result<()> {
        self.set_consent(consent);
        if self.consent() != consent {
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
        match verified {
            Ok(grant) => {
                let total = grant.epsilon.unwrap_or(self.options.epsilon_budget);
                self.answers.get_mut().ledger.set_total(total);
                let granted = self.consent.token(grant);
                self.apply_consent(granted);
                Ok(())
            }
            Err(e) => {
                let none = self.consent.refused();
                self.apply_consent(none);
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
        let ended = self.consent.expire(now_ms);
        if ended {
            self.apply_consent(Consent::default());
        }
        ended
    }

    /// Where the consent in force comes from: flags, a token's `jti` and
    /// expiry, or (an engine with a key and no valid token) nothing.
    pub fn consent_basis(&self) -> ConsentBasis {
        self.consent.basis()
    }

    /// Puts `consent` in force. Leaving neither `aggregated` nor
    /// `identifiable` granted deletes every stored interaction the viewer did
    /// not take part in (SPEC 4.2).
    fn apply_consent(&mut self, consent: Consent) {
        self.invalidate();
        self.consent.set(consent);
        if !consent.covers_others() {
            self.purge_others();
        }
    }

    /// Deletes every interaction the viewer did not take part in (SPEC 4.2),
    /// remembering that some were withheld if there were any.
    fn purge_others(&mut self) {
        let held = self.store.rows().len();
        let viewer = self.viewer();
        purge_others(&mut self.store, viewer);
        self.withheld |= self.store.rows().len() < held;
    }

    /// Whether the consent in force keeps others' interactions (`aggregated`
    /// or `identifiable`): without it, an engine holds only the viewer's own.
    pub fn keeps_others(&self) -> bool {
        self.consent().covers_others()
    }

    /// Whether others' interactions were dropped for lack of consent (a purge
    /// on withdrawal, a load that kept only the viewer's, a snapshot exported
    /// or reopened without consent) since the last load made while consent
    /// kept them. A host that wants them back, once consent keeps them, loads
    /// its data again: what the engine still holds comes back as duplicates.
    pub fn others_withheld(&self) -> bool {
        self.withheld
    }

    /// Whether `person_id` is a member of the organization by the engine's
    /// rule: the directory's `internal` flag or kind, else the internal
    /// domains (subdomains included). Hosts ask this rather than repeat it.
    pub fn is_internal(&self, person_id: &str) -> bool {
        let id = normalize_person_id(person_id);
        match self.store.lookup(&id) {
            Some(p) => self.store.person(p).internal,
            None => domain_of(&id).is_some_and(|d| is_internal_domain(d, &self.options.internal_domains)),
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
        snapshot::export_opt_outs(&self.store)
    }

    /// Applies another engine's `export_opt_outs`: every person held under
    /// an id or alias among them is opted out and purged as `opt_out` does,
    /// and later loads drop them. Damaged or foreign bytes are
    /// `INVALID_SNAPSHOT` and change nothing.
    pub fn import_opt_outs(&mut self, bytes: &[u8]) -> Result<()> {
        let digests = snapshot::import_opt_outs(bytes)?;
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

    /// The consent view of `scope` every result is computed from.
    fn open(&self, scope: Scope) -> Result<View<'_>> {
        Ok(self.derived.with_latest(self.gate().open(scope)?, self.now()))
    }

    fn gate(&self) -> Gate<'_> {
        Gate::new(&self.store, self.consent(), self.viewer()).with_basis(self.consent_basis())
    }

    /// The viewer's own figures (SPEC 3.3); scope `own`, needs no consent.
    pub fn own_insights(&self, days: Option<u32>) -> Result<OwnInsights> {
        let window = self.window(days)?;
        let view = self.open(Scope::Own)?;
        Ok(own_insights(&view, &self.options.viewer, window))
    }

    /// Relationship analytics (SPEC 3.1) for a contact or an account.
    /// `DataScope::Own` uses only the viewer's interactions; `DataScope::Team` needs
    /// `identifiable`. Consent is checked before the target is looked up, so
    /// a refusal does not tell whether the target exists.
    pub fn relationship(
        &self,
        target: &Target,
        scope: DataScope,
        days: Option<u32>,
        health: &HealthOptions,
    ) -> Result<Relationship> {
        health.validate()?;
        let (window, days) = self.window(days)?;
        let view = self.open(scope.needs())?;
        let them = resolve(&view, target)?;
        // Frequency as a percentile needs everyone's figures: the index then.
        let accounts = matches!(them, Them::Account(..));
        let peers = health.expected_per_month.is_none().then(|| self.derived.peers(&view, accounts));
        let index = self.derived.built_contact_hits(&view);
        let scoring = Scoring { options: health, peers: peers.as_deref() };
        Ok(relationship(&view, &them, index.as_deref(), window, days, scoring))
    }

    /// Builds ahead what relationships and list views start from (every
    /// contact's hits, and the frequencies a percentile compares with) for
    /// the widest view the consent opens (`identifiable`, else the viewer's
    /// own), so that a host can build it while it has nothing else to do
    /// (after a load, while its page draws the answer) instead of in the
    /// first view asked for. Kept until the data or the consent changes;
    /// nothing is computed twice. The narrower own view, when consent opens
    /// more, is left to its first use: building it too made a reopened
    /// dashboard's first card 20 ms later.
    pub fn prepare(&self) {
        if let Some(view) =
            [Scope::Identifiable, Scope::Own].into_iter().find_map(|scope| self.open(scope).ok())
        {
            self.derived.peers(&view, false);
        }
    }

    /// Who knows whom (SPEC 3.2); needs `identifiable`. Default top 5.
    pub fn who_knows_whom(&self, target: &Target, top: Option<u32>) -> Result<WhoKnowsWhom> {
        let top = bounded("top", top, 5, 1, 100)?;
        let view = self.open(Scope::Identifiable)?;
        let them = resolve(&view, target)?;
        Ok(who_knows_whom(&view, &them, target_out(&view, &them), self.viewer(), self.now(), top))
    }

    /// Introduction paths (SPEC 3.2) from the viewer to a contact; needs
    /// `identifiable`. Default top 3 (the direct tie, listed first, takes
    /// one), at most `maxHops` (default 3, up to 4) ties; chains rank by
    /// strength × `hopPenalty`^(hops − 1), `hopPenalty` in (0, 1] (default
    /// 0.5; 1 ranks by strength alone).
    pub fn introduction_paths(
        &self,
        target: &Target,
        top: Option<u32>,
        max_hops: Option<u32>,
        hop_penalty: Option<f64>,
    ) -> Result<Vec<IntroductionPath>> {
        let top = bounded("top", top, 3, 1, 20)?;
        let max_hops = bounded("maxHops", max_hops, 3, 1, 4)?;
        let hop_penalty = hop_penalty.unwrap_or(DEFAULT_HOP_PENALTY);
        // Written so that NaN fails too.
        if !(hop_penalty > 0.0 && hop_penalty <= 1.0) {
            return Err(Error::options("hopPenalty", "must be above 0 and at most 1"));
        }
        let view = self.open(Scope::Identifiable)?;
        let Them::Contact(contact) = resolve(&view, target)? else {
            return Err(Error::options("target", "introduction paths lead to a contact, not an account"));
        };
        let Some(viewer) = self.viewer() else { return Ok(Vec::new()) };
        let network = self.derived.network(&view, self.now());
        let mut paths = introduction_paths(&view, &network, viewer, contact, top, max_hops, hop_penalty);
        let (now, as_of) = (format_rfc3339(self.now()), data_as_of(&view, self.now()));
        for p in &mut paths {
            (p.now, p.data_as_of) = (now.clone(), as_of.clone());
        }
        Ok(paths)
    }

    /// The interactions behind a relationship's figures (`insights::activity`),
    /// newest first: `limit` a page (default 50, at most 500), from after
    /// the cursor `before` (a page's `next`, or an RFC 3339 time). Consent is
    /// checked, as for `relationship`, before the target is looked up.
    pub fn activity(
        &self,
        target: &Target,
        scope: DataScope,
        days: Option<u32>,
        limit: Option<u32>,
        before: Option<&str>,
    ) -> Result<Activity> {
        let limit = bounded("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT)?;
        let window = self.window(days)?;
        let before = before.map(Cursor::parse).transpose()?;
        let view = self.open(scope.needs())?;
        let them = resolve(&view, target)?;
        Ok(activity(&view, &them, window, limit, before.as_ref()))
    }

    /// Drops every cached result: after any change of data or consent.
    fn invalidate(&mut self) {
        self.derived.clear();
        self.answers.get_mut().ledger.forget_answers();
    }

    /// Interactions held, and approximate heap bytes of the store.
    pub fn stats(&self) -> (usize, usize) {
        (self.store.rows().len(), self.store.heap_bytes())
    }

    /// Approximate heap bytes of the contact index the list views built
    /// (none until one runs; dropped on every change of data or consent).
    pub fn index_bytes(&self) -> usize {
        self.derived.index_bytes()
    }

    /// People and ties of the cached relationship network (none until
    /// `introduction_paths` builds it): what a test reads to check that the
    /// network stays linear in the input (a large meeting ties its attendees
    /// to its organizer only; `network::SMALL_MEETING_PEOPLE`).
    #[doc(hidden)]
    pub fn network_size(&self) -> Option<(usize, usize)> {
        self.derived.network_size()
    }

    /// What the consent in force covers, as bytes for `from_snapshot`: the
    /// store (only the viewer's own interactions unless `aggregated` or
    /// `identifiable` is granted, so that nothing reaches storage without
    /// consent) and the epsilon spent so far (layout in `store::snapshot`).
    pub fn export_snapshot(&self) -> Vec<u8> {
        let complete = self.keeps_others() && !self.withheld;
        let spent = self.answers.borrow().ledger.spent().milli();
        if self.keeps_others() {
            return snapshot::export(&self.options.viewer, complete, spent, &self.store);
        }
        let mut own = self.store.clone();
        purge_others(&mut own, self.viewer());
        snapshot::export(&self.options.viewer, complete, spent, &own)
    }

    /// An engine with `options` and the data of a snapshot, or
    /// `INVALID_SNAPSHOT` (damaged, truncated, another format version) and
    /// `INVALID_OPTIONS` (another viewer or other internal domains): nothing
    /// is half-loaded. Consent is the one in `options`: without `aggregated`
    /// or `identifiable`, the others' data a snapshot holds is not restored.
    pub fn from_snapshot(bytes: &[u8], options: EngineOptions) -> Result<Engine> {
        Self::from_snapshot_with_token(bytes, options, None)
    }

    /// `from_snapshot` under a consent token (checked at the time given)
    /// put in force before the data is installed: with a `consentKey` flags
    /// cannot grant, so a plain reopen purges what the token still covers.
    pub fn from_snapshot_with_token(
        bytes: &[u8],
        options: EngineOptions,
        token: Option<(&str, i64)>,
    ) -> Result<Engine> {
        let mut engine = Engine::new(options)?;
        if let Some((token, now_ms)) = token {
            engine.set_consent_token(token, now_ms)?; // refused: INVALID_CONSENT_TOKEN, no engine
        }
        let snapshot = snapshot::import(bytes)?;
        if snapshot.viewer != engine.options.viewer {
            return Err(Error::options("viewer", "the snapshot was taken for another viewer"));
        }
        let store = snapshot.store;
        if store.internal_domains() != engine.options.internal_domains {
            return Err(Error::options("internalDomains", "differ from the snapshot's"));
        }
        engine.store = store;
        engine.store.pin_viewer(&engine.options.viewer);
        // Whatever the snapshot's flag says (its bytes are input too), an
        // engine without consent to others' data holds none of it.
        engine.withheld = !snapshot.complete;
        if !engine.keeps_others() {
            engine.purge_others();
        }
        engine.answers.get_mut().ledger.restore_spent(snapshot.spent_milli);
        Ok(engine)
    }
}
