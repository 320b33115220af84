//! Signed consent (SPEC 4.5): the deployment's Ed25519 key, and the checks
//! that turn a compact JWS (`EdDSA`) into consent. Pure Rust: the host passes
//! the current time in, and every refusal says why without naming a person.

use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::{Map, Value};

use crate::consent::Consent;
use crate::model::normalize_person_id;
use crate::privacy::budget::Epsilon;

/// The `aud` every consent token must carry.
pub const AUDIENCE: &str = "rapport";
/// Clock skew tolerated on `nbf` and `iat` only, between the issuer and the
/// host: a token just issued by a server a little ahead is not refused.
/// `exp` gets none.
pub const LEEWAY_MS: i64 = 60_000;
/// Longer texts are refused before decoding.
const MAX_TOKEN_BYTES: usize = 8 * 1024;
const MAX_JTI_CHARS: usize = 256;
/// 9999-12-31T23:59:59Z, the last second the engine's times can hold.
const MAX_SECONDS: f64 = 253_402_300_799.0;

/// The Ed25519 public key that signs consent tokens (option `consentKey`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentKey(VerifyingKey);

impl ConsentKey {
    /// The 32-byte key as base64url without padding. A weak (small-order)
    /// key is refused: a signature could verify under it without the secret.
    pub fn from_base64url(text: &str) -> Result<ConsentKey, String> {
        const WHAT: &str = "expected a 32-byte Ed25519 public key as base64url without padding";
        let bytes: [u8; 32] =
            base64url(text.trim()).and_then(|b| b.try_into().ok()).ok_or_else(|| WHAT.to_string())?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| format!("not an Ed25519 point ({WHAT})"))?;
        if key.is_weak() {
            return Err("a weak (small-order) Ed25519 key is refused".to_string());
        }
        Ok(ConsentKey(key))
    }
}

/// What a token checks against: the key, the tenant and the viewer.
pub struct Expected<'a> {
    pub key: &'a ConsentKey,
    pub tenant: &'a str,
    /// The engine's viewer, already normalised.
    pub viewer: &'a str,
}

/// What a verified token grants, from `not_before_ms` until `expires_at_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    pub consent: Consent,
    /// The token's id: the consent basis reported with results.
    pub jti: String,
    pub expires_at_ms: i64,
    /// The token's `nbf`, if any: checked again at every observed time, as
    /// `exp` is, so a host that once passed a later time gains nothing.
    pub not_before_ms: Option<i64>,
    /// The epsilon allowance for noisy aggregates, when the token sets one.
    pub epsilon: Option<Epsilon>,
}

/// Checks a compact JWS at `now_ms` (epoch ms) and returns what it grants,
/// or why it grants nothing. The signature is checked before any claim is
/// read, and with `verify_strict` (no malleable or small-order signatures).
pub fn verify(token: &str, expected: &Expected, now_ms: i64) -> Result<Grant, String> {
    let token = token.trim();
    if token.is_empty() {
        return Err("the token is empty".into());
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err(format!("the token is longer than {MAX_TOKEN_BYTES} bytes"));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a compact JWS (expected header.payload.signature)".into());
    };
    check_header(&json_object(header, "header")?)?;
    let signature: [u8; 64] = base64url(signature)
        .and_then(|b| b.try_into().ok())
        .ok_or("the signature is not 64 bytes of base64url")?;
    let signed = &token[..header.len() + 1 + payload.len()];
    expected
        .key
        .0
        .verify_strict(signed.as_bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| "the signature does not verify with the configured consentKey")?;
    check_claims(&json_object(payload, "payload")?, expected, now_ms)
}

/// The header must say `EdDSA`; anything else (`none`, `HS256`, `RS256`…)
/// is refused, as is any parameter besides `alg`, `typ` and `kid` (a `crit`
/// or `b64` the checks below would not honour).
fn check_header(header: &Map<String, Value>) -> Result<(), String> {
    match header.get("alg") {
        Some(Value::String(alg)) if alg == "EdDSA" => {}
        Some(Value::String(alg)) if alg.len() <= 16 && alg.chars().all(|c| c.is_ascii_alphanumeric()) => {
            return Err(format!("algorithm \"{alg}\" is refused; only \"EdDSA\" is accepted"));
        }
        _ => return Err("the header's \"alg\" must be \"EdDSA\"".into()),
    }
    match header.get("typ") {
        None => {}
        Some(Value::String(t)) if t.eq_ignore_ascii_case("JWT") => {}
        Some(_) => return Err("the header's \"typ\" must be \"JWT\" when present".into()),
    }
    if !matches!(header.get("kid"), None | Some(Value::String(_))) {
        return Err("the header's \"kid\" must be a string".into());
    }
    if let Some(other) = header.keys().find(|k| !matches!(k.as_str(), "alg" | "typ" | "kid")) {
        let name = if other.len() <= 16 { other.as_str() } else { "(long name)" };
        return Err(format!("header parameter \"{name}\" is not supported"));
    }
    Ok(())
}

fn check_claims(claims: &Map<String, Value>, expected: &Expected, now_ms: i64) -> Result<Grant, String> {
    // RFC 7519: `aud` is one string or an array of them.
    let audience_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == AUDIENCE,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(AUDIENCE)),
        _ => false,
    };
    if !audience_ok {
        return Err(format!("the audience (\"aud\") is not \"{AUDIENCE}\""));
    }
    if string_claim(claims, "tid")? != expected.tenant {
        return Err("the tenant (\"tid\") is not this engine's tenant".into());
    }
    if normalize_person_id(string_claim(claims, "sub")?) != expected.viewer {
        return Err("the subject (\"sub\") is not this engine's viewer".into());
    }

    let exp = time_claim(claims, "exp")?.ok_or("the expiry (\"exp\") is missing")?;
    if now_ms >= exp {
        return Err("the token has expired".into());
    }
    let not_before_ms = time_claim(claims, "nbf")?;
    if not_before_ms.is_some_and(|nbf| !valid_after(nbf, now_ms)) {
        return Err("the token is not valid yet (\"nbf\" is in the future)".into());
    }
    if let Some(iat) = time_claim(claims, "iat")? {
        if iat > now_ms + LEEWAY_MS {
            return Err("the token claims to be issued in the future (\"iat\")".into());
        }
    }

    let jti = string_claim(claims, "jti")?;
    if jti.is_empty() || jti.chars().count() > MAX_JTI_CHARS || jti.chars().any(char::is_control) {
        return Err(format!("the token id (\"jti\") must be 1 to {MAX_JTI_CHARS} printable characters"));
    }

    let Some(Value::Array(scopes)) = claims.get("scp") else {
        return Err("the scopes (\"scp\") must be an array".into());
    };
    let mut consent = Consent::default();
    for scope in scopes {
        match scope.as_str() {
            // `own` needs no consent; naming it grants nothing more.
            Some("own") => {}
            Some("aggregated") => consent.aggregated = true,
            Some("identifiable") => consent.identifiable = true,
            _ => {
                return Err(
                    "the scopes (\"scp\") hold a value other than \"aggregated\" or \"identifiable\"".into()
                )
            }
        }
    }

    let epsilon = match claims.get("eps") {
        None => None,
        Some(Value::Number(n)) => Some(
            n.as_f64()
                .and_then(|e| Epsilon::new("eps", e).ok())
                .ok_or(format!("the epsilon allowance (\"eps\") must be 0.001 to {}", Epsilon::MAX))?,
        ),
        Some(_) => return Err("the epsilon allowance (\"eps\") must be a number".into()),
    };
    Ok(Grant { consent, jti: jti.to_string(), expires_at_ms: exp, not_before_ms, epsilon })
}

/// Whether `now_ms` is at or after `nbf_ms`, with the clock skew allowed:
/// the one rule for `nbf`, at verification and at every later observed time.
pub fn valid_after(nbf_ms: i64, now_ms: i64) -> bool {
    nbf_ms <= now_ms.saturating_add(LEEWAY_MS)
}

fn json_object(part: &str, what: &str) -> Result<Map<String, Value>, String> {
    let bytes = base64url(part).ok_or_else(|| format!("the {what} is not base64url"))?;
    // From a `str`, as every other input is parsed: one copy of the parser in the wasm.
    let text = String::from_utf8(bytes).map_err(|_| format!("the {what} is not UTF-8"))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(format!("the {what} is not a JSON object")),
    }
}

fn string_claim<'c>(claims: &'c Map<String, Value>, name: &str) -> Result<&'c str, String> {
    claims
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the claim \"{name}\" is missing or not a string"))
}

/// A NumericDate claim (seconds since the epoch, RFC 7519) in milliseconds.
fn time_claim(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, String> {
    let Some(v) = claims.get(name) else { return Ok(None) };
    match v.as_f64() {
        Some(s) if (0.0..=MAX_SECONDS).contains(&s) => Ok(Some((s * 1000.0).floor() as i64)),
        _ => Err(format!("the claim \"{name}\" must be seconds since the epoch")),
    }
}

/// Decodes base64url without padding (RFC 7515), refusing any other
/// alphabet, padding, and non-zero trailing bits, so that one token has
/// exactly one spelling.
fn base64url(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_is_strict() {
        assert_eq!(base64url("").unwrap(), b"");
        assert_eq!(base64url("TWFu").unwrap(), b"Man");
        assert_eq!(base64url("TWE").unwrap(), b"Ma");
        assert_eq!(base64url("TQ").unwrap(), b"M");
        assert_eq!(base64url("-_8").unwrap(), [0xfb, 0xff]);
        for bad in ["TQ==", "T", "TR", "TWF+", "TWF/", "TW u", "TWFu\n"] {
            assert_eq!(base64url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_malformed_or_weak_key_is_refused() {
        assert!(ConsentKey::from_base64url("").is_err());
        assert!(ConsentKey::from_base64url(&"A".repeat(42)).is_err(), "31 bytes");
        assert!(ConsentKey::from_base64url(&"A".repeat(44)).is_err(), "33 bytes");
        // The identity point (y = 1) has small order.
        let identity = "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert!(ConsentKey::from_base64url(identity).unwrap_err().contains("weak"));
    }
}
