//! Signed consent (SPEC 4.5): a valid token grants exactly its scopes, and
//! every bad one (expired, early, tampered, wrong audience, tenant, subject
//! or algorithm, unknown scope) is refused with INVALID_CONSENT_TOKEN and
//! leaves nothing beyond `own`, with others' interactions purged.

mod common;

use common::tokens::*;
use common::*;
use ed25519_dalek::{Signer, SigningKey};
use hmac::{Hmac, Mac};
use rapport::consent::ConsentBasis;
use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Noise, Period};
use rapport::token::ConsentKey;
use rapport::{Consent, Engine, EngineOptions, Error, Scope, Target};
use rapport_demo::{demo_dataset, DemoFormat, DemoOptions};
use serde_json::{json, Value};

/// Ada's engine with a consent key, four interactions loaded (two of them
/// Ada's), and every scope granted by a valid token.
fn granted() -> Engine {
    granted_at(NOW_MS)
}

/// `granted()` at the reference time `now` (epoch ms); tokens are still
/// checked at the clock `NOW_MS`.
fn granted_at(now: i64) -> Engine {
    let mut o = keyed_options(ADA);
    o.now = now;
    let mut e = Engine::new(o).unwrap();
    e.set_consent_token(&sign(&claims()), NOW_MS).unwrap();
    let interactions = json!([
        email("a1", ADA, &[CLEO], "2026-02-05T10:00:00Z"),
        email("b1", BOB, &[CLEO], "2026-02-06T10:00:00Z"),
        meeting("b2", BOB, &[CLEO, ADA], "2026-02-07T10:00:00Z", 30.0),
        call("b3", CLEO, BOB, "2026-02-08T10:00:00Z", 5.0),
    ]);
    load(&mut e, &directory(), &interactions);
    assert_eq!(e.stats().0, 4);
    e
}

fn cleo() -> Target {
    Target::Contact(CLEO.into())
}

/// Only `own` is granted, and others' interactions are gone (SPEC 4.2).
fn assert_only_own(e: &Engine) {
    assert_eq!(e.consent(), Consent::default());
    assert_eq!(e.consent_basis(), ConsentBasis::None);
    assert_eq!(
        e.aggregates(&departments(Period::Week)).unwrap_err(),
        Error::ConsentRequired { scope: Scope::Aggregated }
    );
    assert_eq!(
        e.who_knows_whom(&cleo(), None).unwrap_err(),
        Error::ConsentRequired { scope: Scope::Identifiable }
    );
    assert_eq!(e.own_insights(None).unwrap().kpis.emails_sent, 1);
    assert_eq!(e.stats().0, 2, "only a1 and b2, which Ada took part in, remain");
}

/// `token` is refused from an engine that had every scope, for a reason
/// containing `why` that names no person, and leaves only `own`.
fn assert_refused(token: &str, why: &str) {
    let mut e = granted();
    let err = e.set_consent_token(token, NOW_MS).unwrap_err();
    assert_eq!(err.code(), "INVALID_CONSENT_TOKEN", "{err}");
    let message = err.to_string();
    assert!(message.contains(why), "{message:?} should say {why:?}");
    for person in ["ada", "bob", "cleo", "northwind.example"] {
        assert!(!message.to_lowercase().contains(person), "{message:?} names {person}");
    }
    assert_only_own(&e);
}

#[test]
fn a_valid_token_grants_exactly_its_scopes_and_reports_its_jti() {
    let mut e = granted();
    assert_eq!(e.consent(), Consent { aggregated: true, identifiable: true });
    assert_eq!(
        e.consent_basis(),
        ConsentBasis::Token { jti: "grant-0001".into(), expires_at: "2026-03-01T01:00:00Z".into() }
    );
    assert!(e.who_knows_whom(&cleo(), None).is_ok());
    assert!(e.aggregates(&departments(Period::Week)).is_ok());

    // The subject is compared like any person id; `own` in `scp` grants nothing more.
    let aggregated =
        with(with(claims(), "scp", json!(["own", "aggregated"])), "sub", json!("  Ada@NORTHWIND.example"));
    e.set_consent_token(&sign(&with(aggregated, "jti", json!("grant-0002"))), NOW_MS).unwrap();
    assert_eq!(e.consent(), Consent { aggregated: true, identifiable: false });
    assert!(e.aggregates(&departments(Period::Week)).is_ok());
    assert_eq!(
        e.who_knows_whom(&cleo(), None).unwrap_err(),
        Error::ConsentRequired { scope: Scope::Identifiable }
    );
    assert!(matches!(e.consent_basis(), ConsentBasis::Token { jti, .. } if jti == "grant-0002"));
    assert_eq!(e.stats().0, 4, "a scope is still granted: nothing is purged");

    e.set_consent_token(&sign(&with(claims(), "scp", json!(["identifiable"]))), NOW_MS).unwrap();
    assert_eq!(e.consent(), Consent { aggregated: false, identifiable: true });
    assert!(e.who_knows_whom(&cleo(), None).is_ok());

    // An empty `scp` is a valid token that grants only `own`.
    e.set_consent_token(&sign(&with(claims(), "scp", json!([]))), NOW_MS).unwrap();
    assert_eq!(e.consent(), Consent::default());
    assert!(matches!(e.consent_basis(), ConsentBasis::Token { .. }));
    assert_eq!(e.stats().0, 2);

    // The basis serialises for results' provenance.
    let basis = serde_json::to_value(e.consent_basis()).unwrap();
    assert_eq!(basis, json!({ "kind": "token", "jti": "grant-0001", "expiresAt": "2026-03-01T01:00:00Z" }));
    let flags = serde_json::to_value(
        engine(ADA, Consent { aggregated: true, identifiable: false }, NOW_TEXT).consent_basis(),
    );
    assert_eq!(flags.unwrap(), json!({ "kind": "flags", "aggregated": true, "identifiable": false }));
}

#[test]
fn an_expired_token_is_refused() {
    assert_refused(&sign(&with(claims(), "exp", json!(NOW - 1))), "expired");
    // `exp` is the first instant the token no longer grants: no leeway.
    assert_refused(&sign(&with(claims(), "exp", json!(NOW))), "expired");
    assert_refused(&sign(&without(claims(), "exp")), "\"exp\"");
    assert_refused(&sign(&with(claims(), "exp", json!("tomorrow"))), "\"exp\"");
}

#[test]
fn a_token_not_yet_valid_is_refused() {
    assert_refused(&sign(&with(claims(), "nbf", json!(NOW + 120))), "not valid yet");
    assert_refused(&sign(&with(claims(), "iat", json!(NOW + 120))), "issued in the future");
    // Within the documented minute of clock skew, it is accepted.
    let mut e = granted();
    e.set_consent_token(&sign(&with(with(claims(), "nbf", json!(NOW + 30)), "iat", json!(NOW + 30))), NOW_MS)
        .unwrap();
    assert!(e.consent().identifiable);
}

#[test]
fn a_tampered_payload_is_refused() {
    let narrow = sign(&with(claims(), "scp", json!(["aggregated"])));
    let parts: Vec<&str> = narrow.split('.').collect();
    let widened = b64(claims().to_string().as_bytes());
    assert_refused(&format!("{}.{widened}.{}", parts[0], parts[2]), "signature does not verify");
    // One character of the payload changed.
    let mut payload = parts[1].to_string();
    let c = if payload.ends_with('Q') { "R" } else { "Q" };
    payload.replace_range(payload.len() - 1.., c);
    assert_refused(&format!("{}.{payload}.{}", parts[0], parts[2]), "signature does not verify");
}

#[test]
fn a_tampered_signature_is_refused() {
    let token = sign(&claims());
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let mut bytes: Vec<u8> = signature.bytes().collect();
    bytes[10] = if bytes[10] == b'A' { b'B' } else { b'A' };
    assert_refused(&format!("{signed}.{}", String::from_utf8(bytes).unwrap()), "signature does not verify");
    // Another key's signature over the same text.
    let other = SigningKey::from_bytes(&[8; 32]).sign(signed.as_bytes());
    assert_refused(&format!("{signed}.{}", b64(&other.to_bytes())), "signature does not verify");
    assert_refused(&format!("{signed}."), "signature");
    assert_refused(signed, "compact JWS");
}

#[test]
fn a_wrong_audience_is_refused() {
    assert_refused(&sign(&with(claims(), "aud", json!("another-app"))), "audience");
    assert_refused(&sign(&without(claims(), "aud")), "audience");
    // RFC 7519 allows an array of audiences; one must be rapport.
    assert_refused(&sign(&with(claims(), "aud", json!(["another-app"]))), "audience");
    let mut e = granted();
    e.set_consent_token(&sign(&with(claims(), "aud", json!(["another-app", "rapport"]))), NOW_MS).unwrap();
    assert!(e.consent().aggregated);
}

#[test]
fn a_wrong_tenant_is_refused() {
    assert_refused(&sign(&with(claims(), "tid", json!("contoso-tenant"))), "tenant");
    assert_refused(&sign(&with(claims(), "tid", json!("NORTHWIND-TENANT"))), "tenant");
    assert_refused(&sign(&without(claims(), "tid")), "\"tid\"");
}

#[test]
fn a_wrong_subject_is_refused() {
    assert_refused(&sign(&with(claims(), "sub", json!(BOB))), "subject");
    assert_refused(&sign(&without(claims(), "sub")), "\"sub\"");
}

#[test]
fn alg_none_is_refused() {
    let none = json!({ "alg": "none", "typ": "JWT" });
    let unsigned = format!("{}.{}.", b64(none.to_string().as_bytes()), b64(claims().to_string().as_bytes()));
    assert_refused(&unsigned, "\"none\" is refused");
    // Even with a real EdDSA signature over the text, the header must say EdDSA.
    assert_refused(&sign_with(&none, &claims()), "\"none\" is refused");
    assert_refused(&sign_with(&json!({ "typ": "JWT" }), &claims()), "\"alg\"");
}

#[test]
fn hs256_with_the_public_key_as_secret_is_refused() {
    let header = b64(json!({ "alg": "HS256", "typ": "JWT" }).to_string().as_bytes());
    let input = format!("{header}.{}", b64(claims().to_string().as_bytes()));
    let key = signing_key().verifying_key().to_bytes();
    // The classic confusion: the verifier's public key, raw or as configured, used as the HMAC secret.
    for secret in [&key[..], public_key().as_bytes()] {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
        mac.update(input.as_bytes());
        let tag = mac.finalize().into_bytes();
        assert_refused(&format!("{input}.{}", b64(&tag)), "\"HS256\" is refused");
    }
}

#[test]
fn a_header_with_other_parameters_is_refused() {
    assert_refused(&sign_with(&json!({ "alg": "EdDSA", "crit": ["exp"] }), &claims()), "\"crit\"");
    assert_refused(&sign_with(&json!({ "alg": "EdDSA", "typ": "JOSE+JSON" }), &claims()), "\"typ\"");
    let mut e = granted();
    e.set_consent_token(&sign_with(&json!({ "alg": "EdDSA", "kid": "2026-key" }), &claims()), NOW_MS)
        .unwrap();
    assert!(e.consent().identifiable);
}

#[test]
fn an_unknown_scope_is_refused() {
    assert_refused(&sign(&with(claims(), "scp", json!(["aggregated", "admin"]))), "\"scp\"");
    assert_refused(&sign(&with(claims(), "scp", json!(["Identifiable"]))), "\"scp\"");
    assert_refused(&sign(&with(claims(), "scp", json!("aggregated identifiable"))), "\"scp\"");
    assert_refused(&sign(&without(claims(), "scp")), "\"scp\"");
}

#[test]
fn other_malformed_tokens_are_refused() {
    assert_refused("", "empty");
    assert_refused("not a token", "compact JWS");
    assert_refused("a.b.c.d", "compact JWS");
    assert_refused(&"x".repeat(9000), "longer than");
    assert_refused(&sign(&without(claims(), "jti")), "\"jti\"");
    assert_refused(&sign(&with(claims(), "jti", json!(""))), "\"jti\"");
    for eps in [json!(0), json!(-1), json!(101), json!("5")] {
        assert_refused(&sign(&with(claims(), "eps", eps)), "\"eps\"");
    }
    // A padded signature spells the same bytes another way: refused.
    let token = sign(&claims());
    assert_refused(&format!("{token}=="), "signature");
}

#[test]
fn a_token_made_by_the_admin_script_verifies() {
    // `node scripts/sign-consent.mjs sign --key k.pem --tenant northwind-tenant
    //  --sub ada@northwind.example --scopes aggregated --days 30 --eps 2.5 --jti script-1
    //  --now 1772323200`, with a key from `keygen`.
    const KEY: &str = "oinQ9bLm4tiwsyfqbu3zf3_jCEANU-0SZ4-wfalCJmA";
    const TOKEN: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJyYXBwb3J0IiwidGlkIjoibm9ydGh3aW5kLXRlbmFudCIsInN1YiI6ImFkYUBub3J0aHdpbmQuZXhhbXBsZSIsInNjcCI6WyJhZ2dyZWdhdGVkIl0sImlhdCI6MTc3MjMyMzIwMCwiZXhwIjoxNzc0OTE1MjAwLCJqdGkiOiJzY3JpcHQtMSIsImVwcyI6Mi41fQ.dLwS41HxNBw0QWnTbYS8xUP7pQ899OwwE36qMvEIrM5hg64SWIPLd3_TMs9O14zCuKQFDJWzd2UaWsAyBz8iAA";
    const ISSUED_MS: i64 = NOW_MS;
    let mut o = keyed_options(ADA);
    o.consent_key = Some(ConsentKey::from_base64url(KEY).unwrap());
    let mut e = Engine::new(o).unwrap();
    e.set_consent_token(TOKEN, ISSUED_MS + 1000).unwrap();
    assert_eq!(e.consent(), Consent { aggregated: true, identifiable: false });
    assert!(matches!(e.consent_basis(), ConsentBasis::Token { jti, .. } if jti == "script-1"));
    let err = e.set_consent_token(TOKEN, ISSUED_MS + 30 * 86_400_000).unwrap_err();
    assert_eq!(err.code(), "INVALID_CONSENT_TOKEN");
}

#[test]
fn a_token_on_an_engine_without_a_key_is_refused_and_changes_nothing() {
    // Tokens are not the consent of an engine without a key: its flags stay.
    let granted = Consent { aggregated: true, identifiable: false };
    let mut e = engine(ADA, granted, NOW_TEXT);
    let err = e.set_consent_token(&sign(&claims()), NOW_MS).unwrap_err();
    assert!(matches!(&err, Error::InvalidOptions { option, .. } if option == "consentKey"), "{err}");
    assert_eq!(e.consent(), granted);
    assert_eq!(e.consent_basis(), ConsentBasis::Flags { aggregated: true, identifiable: false });
}

#[test]
fn flags_are_refused_once_a_key_is_configured() {
    let options = |extra: &str| {
        let json =
            format!(r#"{{"viewer":"{ADA}","consentKey":"{}","tenant":"{TENANT}"{extra}}}"#, public_key());
        EngineOptions::from_json(&json, NOW_MS).and_then(Engine::new).map(|_| ()).map_err(|e| e.to_string())
    };
    assert_eq!(options(""), Ok(()));
    assert_eq!(options(r#","consent":{"aggregated":false}"#), Ok(()));
    assert!(options(r#","consent":{"identifiable":true}"#).unwrap_err().contains("\"consent\""));
    assert!(options(r#","noiseSeed":7"#).unwrap_err().contains("\"noiseSeed\""));

    let refuse = |json: &str, option: &str| {
        let err = EngineOptions::from_json(json, NOW_MS).and_then(Engine::new).map(|_| ()).unwrap_err();
        assert_eq!(err.code(), "INVALID_OPTIONS", "{json}");
        assert!(matches!(&err, Error::InvalidOptions { option: o, .. } if o == option), "{json}: {err}");
    };
    let key = public_key();
    refuse(&format!(r#"{{"viewer":"{ADA}","consentKey":"{key}"}}"#), "tenant");
    refuse(&format!(r#"{{"viewer":"{ADA}","consentKey":"{key}","tenant":" "}}"#), "tenant");
    refuse(&format!(r#"{{"viewer":"{ADA}","tenant":"{TENANT}"}}"#), "consentKey");
    refuse(&format!(r#"{{"viewer":"{ADA}","consentKey":"{key}=","tenant":"{TENANT}"}}"#), "consentKey");
    refuse(
        &format!(r#"{{"viewer":"{ADA}","consentKey":"{}","tenant":"{TENANT}"}}"#, &key[1..]),
        "consentKey",
    );
    refuse(
        &format!(r#"{{"viewer":"{ADA}","consentKey":"{}","tenant":"{TENANT}"}}"#, b64(&[0; 32])),
        "consentKey",
    );

    // setConsent({..}) on a keyed engine: granting flags are refused and leave only `own`;
    // withdrawing by flags is allowed and ends the token.
    let mut e = granted();
    let err = e.set_consent_flags(Consent { aggregated: true, identifiable: false }).unwrap_err();
    assert!(matches!(&err, Error::InvalidOptions { option, .. } if option == "consent"), "{err}");
    assert_only_own(&e);
    let mut e = granted();
    e.set_consent_flags(Consent::default()).unwrap();
    assert_only_own(&e);
    // The infallible Rust call fails closed the same way.
    let mut e = granted();
    e.set_consent(Consent { aggregated: true, identifiable: true });
    assert_only_own(&e);
}

#[test]
fn a_token_stops_granting_when_it_expires_during_a_session() {
    let mut e = granted();
    assert!(!e.observe_clock(NOW_MS + HOUR * 1000 - 1));
    assert!(e.who_knows_whom(&cleo(), None).is_ok());
    assert!(e.observe_clock(NOW_MS + HOUR * 1000), "exp is reached");
    assert_only_own(&e);
    assert!(!e.observe_clock(NOW_MS + 2 * HOUR * 1000), "nothing left to end");
    // While no token grants, a load keeps only Ada's interactions.
    let more = json!([
        email("c1", CLEO, &[BOB], "2026-02-09T10:00:00Z"),
        email("c2", CLEO, &[ADA], "2026-02-09T11:00:00Z")
    ]);
    let r = e.load_interactions(more.to_string().as_bytes(), Default::default()).unwrap();
    assert_eq!((r.accepted, r.dropped_no_consent), (1, 1));
    // Flags engines have no expiry.
    let mut flags = engine(ADA, Consent { aggregated: true, identifiable: true }, NOW_TEXT);
    assert!(!flags.observe_clock(i64::MAX));
    assert!(flags.consent().identifiable);
}

#[test]
fn eps_sets_the_budget_and_never_refunds() {
    let demo = demo_dataset(&DemoOptions { seed: 5, interactions: 3000, format: DemoFormat::Json });
    let mut o = keyed_options(&demo.viewer);
    o.internal_domains = demo.internal_domains.clone();
    let mut e = Engine::new(o).unwrap();
    let token = |eps: Option<f64>, jti: &str| {
        let c = with(
            with(with(claims(), "sub", json!(demo.viewer)), "jti", json!(jti)),
            "scp",
            json!(["aggregated"]),
        );
        sign(&match eps {
            Some(eps) => with(c, "eps", json!(eps)),
            None => c,
        })
    };
    e.set_consent_token(&token(Some(1.5), "t1"), NOW_MS).unwrap();
    e.load_people(demo.people.as_bytes(), Default::default()).unwrap();
    e.load_interactions(demo.interactions.as_bytes(), Default::default()).unwrap();
    let ask = |e: &Engine, epsilon: f64| {
        let request = AggregatesRequest {
            group_by: GroupBy::Department,
            period: Period::Month,
            noise: Some(Noise::with_epsilon(epsilon)),
            days: None,
        };
        e.aggregates(&request).map(|t| (t.epsilon_spent.unwrap(), t.epsilon_remaining.unwrap()))
    };
    assert_eq!(ask(&e, 1.0).unwrap(), (1.0, 0.5));
    assert_eq!(ask(&e, 0.75).unwrap_err().code(), "PRIVACY_BUDGET_EXHAUSTED");

    // A smaller allowance leaves nothing: what was spent stays spent.
    e.set_consent_token(&token(Some(0.5), "t2"), NOW_MS).unwrap();
    assert_eq!(ask(&e, 0.25).unwrap_err().code(), "PRIVACY_BUDGET_EXHAUSTED");
    // A larger one adds to what is left, never refunds.
    e.set_consent_token(&token(Some(3.0), "t3"), NOW_MS).unwrap();
    assert_eq!(ask(&e, 0.5).unwrap(), (1.5, 1.5));
    // Without `eps`, the engine's epsilonBudget option (default 10) is the total.
    e.set_consent_token(&token(None, "t4"), NOW_MS).unwrap();
    assert_eq!(ask(&e, 0.5).unwrap(), (2.0, 8.0));
}

/// Provenance (issue 5): every result states the consent that allowed it
/// (the token's jti, or the flags) and how many interactions it used.
#[test]
fn every_result_states_its_consent_basis_and_the_interactions_it_used() {
    // `now` is b1 (6 February, 10:00): b2 and b3 come after it.
    let e = granted_at(ms("2026-02-06T10:00:00Z"));
    let token = json!({ "kind": "token", "jti": "grant-0001", "expiresAt": "2026-03-01T01:00:00Z" });
    let h = rapport::insights::health::HealthOptions::default();
    let basis_and_used = |v: Value| (v["consentBasis"].clone(), v["interactionsUsed"].as_u64().unwrap());
    let own = basis_and_used(serde_json::to_value(e.own_insights(Some(90)).unwrap()).unwrap());
    assert_eq!(own, (token.clone(), 1), "Ada's own: a1");
    let r = e.relationship(&cleo(), rapport::DataScope::Team, Some(90), &h).unwrap();
    assert_eq!(basis_and_used(serde_json::to_value(r).unwrap()), (token.clone(), 2), "a1 and b1");
    let list = e.relationship_summaries(false, rapport::DataScope::Team, Some(90), &h).unwrap();
    assert_eq!(basis_and_used(serde_json::to_value(&list[0]).unwrap()).0, token);
    let who = serde_json::to_value(e.who_knows_whom(&cleo(), None).unwrap()).unwrap();
    assert_eq!(basis_and_used(who), (token.clone(), 2), "a1 and b1 tie Ada and Bob to Cleo");
    let paths = e.introduction_paths(&cleo(), None, None, None).unwrap();
    let first = serde_json::to_value(&paths[0]).unwrap();
    assert_eq!(first["consentBasis"], token);
    assert!(first["interactionsUsed"].as_u64().unwrap() >= 1);
    let table = serde_json::to_value(e.aggregates(&departments(Period::Week)).unwrap()).unwrap();
    // An aggregate table states no count of the records it used: a total minus
    // the shown cells would give the hidden ones (issue 12, class 4).
    assert_eq!((&table["consentBasis"], table.get("interactionsUsed")), (&token, None));

    // Flags, on an engine without a key.
    let mut plain = common::engine(ADA, Consent { aggregated: true, identifiable: false }, NOW_TEXT);
    load(&mut plain, &directory(), &json!([email("a1", ADA, &[CLEO], "2026-02-05T10:00:00Z")]));
    let own = serde_json::to_value(plain.own_insights(None).unwrap()).unwrap();
    assert_eq!(own["consentBasis"], json!({ "kind": "flags", "aggregated": true, "identifiable": false }));
}

/// Issue 17: a host with a consent key reopens its stored snapshot under the
/// token that covered it. Attacker first: an expired token, one for another
/// viewer, a tampered one, or none at all must not bring others' data back.
#[test]
fn a_snapshot_reopened_under_its_token_keeps_what_the_token_covers_and_nothing_without_it() {
    let e = granted();
    let bytes = e.export_snapshot();
    let token = sign(&claims());
    for (bad, why) in [
        (sign(&with(claims(), "exp", json!(NOW - 1))), "expired"),
        (sign(&with(claims(), "sub", json!(BOB))), "another viewer"),
        (format!("{}x", &token[..token.len() - 1]), "a tampered signature"),
    ] {
        let err = Engine::from_snapshot_with_token(&bytes, keyed_options(ADA), Some((&bad, NOW_MS)))
            .err()
            .unwrap_or_else(|| panic!("{why}: no engine"));
        assert_eq!(err.code(), "INVALID_CONSENT_TOKEN", "{why}");
    }
    // Without a token: only Ada's own interactions survive the reopen.
    let bare = Engine::from_snapshot(&bytes, keyed_options(ADA)).unwrap();
    assert_only_own(&bare);

    // With the token in force: all four interactions, every scope, its jti.
    let reopened =
        Engine::from_snapshot_with_token(&bytes, keyed_options(ADA), Some((&token, NOW_MS))).unwrap();
    assert_eq!(reopened.stats().0, 4, "nothing was purged");
    assert_eq!(reopened.consent(), Consent { aggregated: true, identifiable: true });
    assert!(matches!(reopened.consent_basis(), ConsentBasis::Token { .. }));
    assert!(reopened.who_knows_whom(&cleo(), None).is_ok());
    // A token granting `aggregated` only keeps others' data but names nobody.
    let agg = sign(&with(claims(), "scp", json!(["aggregated"])));
    let partial = Engine::from_snapshot_with_token(&bytes, keyed_options(ADA), Some((&agg, NOW_MS))).unwrap();
    assert_eq!(partial.stats().0, 4);
    assert_eq!(
        partial.who_knows_whom(&cleo(), None).unwrap_err(),
        Error::ConsentRequired { scope: Scope::Identifiable }
    );
}
