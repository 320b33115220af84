//! Attack tests for issue 12, classes 5, 10, 12 (JSON depth) and 13: what a
//! hostile host page or data source would send to make the engine use
//! unbounded memory, keep a grant it should not have, or count non-people
//! as people. Each builds the attacker's data and asserts nothing leaks and
//! nothing breaks.

mod common;

use common::tokens::*;
use common::*;
use rapport::consent::ConsentBasis;
use rapport::{Consent, Engine, Error, Scope, Target};
use serde_json::json;

fn cleo() -> Target {
    Target::Contact(CLEO.into())
}

/// Class 10: a host that once passes a time past `nbf` (its own clock is
/// earlier) must not keep a grant the token does not give yet: every
/// observed time before `nbf` ends the token and purges others' data, as
/// expiry does.
#[test]
fn class_10_a_not_yet_valid_token_grants_nothing_before_nbf() {
    let nbf = NOW + 2 * HOUR;
    let token = sign(&with(with(claims(), "nbf", json!(nbf)), "exp", json!(nbf + HOUR)));
    let mut e = Engine::new(keyed_options(ADA)).unwrap();
    // The hostile host claims a time after nbf once...
    e.set_consent_token(&token, nbf * 1000).unwrap();
    let interactions = json!([
        email("a1", ADA, &[CLEO], "2026-02-05T10:00:00Z"),
        email("b1", BOB, &[CLEO], "2026-02-06T10:00:00Z"),
    ]);
    load(&mut e, &directory(), &interactions);
    assert!(e.who_knows_whom(&cleo(), None).is_ok());
    // ...then the binding observes the real clock, still before nbf.
    let ended = e.observe_clock(NOW_MS);
    assert!(ended, "a token observed before its nbf must end");
    assert_eq!(e.consent(), Consent::default());
    assert_eq!(e.consent_basis(), ConsentBasis::None);
    assert_eq!(
        e.who_knows_whom(&cleo(), None).unwrap_err(),
        Error::ConsentRequired { scope: Scope::Identifiable }
    );
    assert_eq!(e.stats().0, 1, "others' interactions are purged, as on expiry");
    // The same leeway as at verification: 60 s before nbf still grants.
    let mut e = Engine::new(keyed_options(ADA)).unwrap();
    e.set_consent_token(&token, nbf * 1000).unwrap();
    assert!(!e.observe_clock(nbf * 1000 - 60_000));
    assert!(e.consent().identifiable);
    assert!(e.observe_clock(nbf * 1000 - 60_001));
    assert!(!e.consent().identifiable);
}
