//! Signed consent tokens for the tests (SPEC 4.5): a fixed Ed25519 key, the
//! claims a valid token carries at `NOW`, and compact JWS signing.

use ed25519_dalek::{Signer, SigningKey};
use rapport::token::ConsentKey;
use rapport::EngineOptions;
use serde_json::{json, Value};

use super::{ADA, ORG};

pub const TENANT: &str = "northwind-tenant";
/// 2026-03-01T00:00:00Z, the host's clock in these tests.
pub const NOW_MS: i64 = 1_772_323_200_000;
pub const NOW: i64 = NOW_MS / 1000;
/// `NOW_MS`: the engines' reference time as well as the tokens' clock.
pub const NOW_TEXT: &str = "2026-03-01T00:00:00Z";
pub const HOUR: i64 = 3600;

pub fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

pub fn b64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

pub fn public_key() -> String {
    b64(signing_key().verifying_key().as_bytes())
}

/// Claims a valid token carries at `NOW`.
pub fn claims() -> Value {
    json!({
        "aud": "rapport",
        "tid": TENANT,
        "sub": ADA,
        "scp": ["aggregated", "identifiable"],
        "iat": NOW - 60,
        "exp": NOW + HOUR,
        "jti": "grant-0001",
    })
}

pub fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

pub fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().unwrap().remove(key);
    claims
}

pub fn header() -> Value {
    json!({ "alg": "EdDSA", "typ": "JWT" })
}

pub fn sign_with(header: &Value, claims: &Value) -> String {
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    let signature = signing_key().sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

pub fn sign(claims: &Value) -> String {
    sign_with(&header(), claims)
}

pub fn keyed_options(viewer: &str) -> EngineOptions {
    let mut o = EngineOptions::new(viewer, NOW_MS);
    o.internal_domains = vec![ORG.to_string()];
    o.consent_key = Some(ConsentKey::from_base64url(&public_key()).unwrap());
    o.tenant = Some(TENANT.to_string());
    o
}
