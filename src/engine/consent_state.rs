//! The consent in force and where it comes from: flags the host passed, or a
//! signed token (SPEC 4.5) until its `exp` (and not before its `nbf`). This
//! module decides which consent a call leaves in force; the engine then puts
//! it in force, purging others' data when it covers none (SPEC 4.2).

use crate::consent::{Consent, ConsentBasis};
use crate::time::format_rfc3339;
use crate::token::{self, Grant};

/// The consent in force, and the token that granted it, if any.
pub(super) struct ConsentState {
    consent: Consent,
    token: Option<ActiveToken>,
    /// Whether the engine has a `consentKey`: then only a token grants.
    keyed: bool,
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

impl ConsentState {
    pub fn new(consent: Consent, keyed: bool) -> ConsentState {
        ConsentState { consent, token: None, keyed }
    }

    pub fn in_force(&self) -> Consent {
        self.consent
    }

    /// Records `consent` as in force (the engine purges as it requires).
    pub fn set(&mut self, consent: Consent) {
        self.consent = consent;
    }

    /// The consent that flags leave in force: on an engine with a key, nothing
    /// beyond `own` (flags only withdraw), and the token in force ends.
    pub fn flags(&mut self, consent: Consent) -> Consent {
        self.token = None;
        if self.keyed {
            Consent::default()
        } else {
            consent
        }
    }

    /// The consent a verified token grants, held until its `exp`.
    pub fn token(&mut self, grant: Grant) -> Consent {
        self.token = Some(ActiveToken {
            jti: grant.jti,
            expires_at_ms: grant.expires_at_ms,
            not_before_ms: grant.not_before_ms,
        });
        grant.consent
    }

    /// A refused token: nothing beyond `own` (fail closed).
    pub fn refused(&mut self) -> Consent {
        self.token = None;
        Consent::default()
    }

    /// Ends the token in force when it no longer grants at `now_ms` (past its
    /// `exp`, or before its `nbf`); returns whether it ended one.
    pub fn expire(&mut self, now_ms: i64) -> bool {
        if self.token.as_ref().is_some_and(|t| !t.grants_at(now_ms)) {
            self.token = None;
            return true;
        }
        false
    }

    /// Where the consent in force comes from: flags, a token's `jti` and
    /// expiry, or (an engine with a key and no valid token) nothing.
    pub fn basis(&self) -> ConsentBasis {
        match (self.keyed, &self.token) {
            (false, _) => ConsentBasis::Flags {
                aggregated: self.consent.aggregated,
                identifiable: self.consent.identifiable,
            },
            (true, Some(t)) => {
                ConsentBasis::Token { jti: t.jti.clone(), expires_at: format_rfc3339(t.expires_at_ms) }
            }
            (true, None) => ConsentBasis::None,
        }
    }
}
