//! What each fuzz target does with one input, and the invariants it checks:
//! never a panic; a refused load leaves the engine byte-for-byte as it was
//! (all or nothing); whatever a load or an import accepts can be exported,
//! imported again and queried. Used by the cargo-fuzz targets (fuzz/) and,
//! through `#[path]`, by `tests/fuzz_regressions.rs`, which replays every
//! kept input through these same checks in the normal `cargo test`.
//!
//! The first byte of every input is a selector (format, strict or lenient,
//! consent, mode); the rest is the input proper. Each function returns the
//! code of the error the call ended in, if any.

use std::sync::OnceLock;

use ed25519_dalek::{Signer, SigningKey};
use rapport::consent::ConsentBasis;
use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Noise, Period};
use rapport::insights::health::HealthOptions;
use rapport::store::snapshot::seal;
use rapport::token::ConsentKey;
use rapport::{Consent, DataScope, Engine, EngineOptions, Error, Format, LoadOptions, Target};

/// The demo dataset's viewer and domain, so that demo snapshots import here.
pub const VIEWER: &str = "alex.morgan@northwind.example";
pub const ORG: &str = "northwind.example";
pub const TENANT: &str = "northwind";
/// 2026-03-01T00:00:00Z: the host's clock, for consent tokens and as the
/// engines' reference time (after every base interaction).
pub const NOW_MS: i64 = 1_772_323_200_000;

/// The outcome of one input: `Ok`, or the code of the error it ended in.
pub type Outcome = Result<(), &'static str>;

const ALL: Consent = Consent { aggregated: true, identifiable: true };

/// The engine every load lands on: a directory with an alias and an
/// opted-out person, and interactions the viewer takes part in or not.
pub const BASE_PEOPLE: &str = r#"[
{"id":"alex.morgan@northwind.example","name":"Alex","department":"Sales","aliases":["alex@northwind.example"]},
{"id":"bo@northwind.example","name":"Bo","department":"Support"},
{"id":"cleo@contoso.example","name":"Cleo","accountId":"contoso"},
{"id":"dan@contoso.example","accountId":"contoso"},
{"id":"eve@fabrikam.example","optedOut":true}
]"#;

pub const BASE_INTERACTIONS: &str = r#"[
{"id":"m1","kind":"email","from":"alex@northwind.example","to":["cleo@contoso.example"],"cc":"bo@northwind.example","at":"2026-01-05T09:00:00Z","threadId":"t1"},
{"id":"m2","kind":"email","from":"cleo@contoso.example","to":"alex.morgan@northwind.example","at":"2026-01-05T11:30:00+01:00","threadId":"t1","inReplyTo":"m1"},
{"id":"m3","kind":"meeting","from":"bo@northwind.example","to":["dan@contoso.example","cleo@contoso.example"],"at":1767776400000,"durationMinutes":45},
{"id":"m4","kind":"call","from":"dan@contoso.example","to":["bo@northwind.example"],"at":"2026-01-09T15:00:00Z","durationMinutes":12.5},
{"id":"m5","kind":"email","from":"eve@fabrikam.example","to":["alex@northwind.example"],"at":"2026-01-10T08:00:00Z"},
{"id":"m6","kind":"meeting","from":"alex.morgan@northwind.example","to":["dan@contoso.example"],"at":"2026-02-02T10:00:00Z","durationMinutes":30,"cancelled":true}
]"#;

pub fn options(consent: Consent) -> EngineOptions {
    let mut o = EngineOptions::new(VIEWER, NOW_MS);
    o.internal_domains = vec![ORG.to_string()];
    o.consent = consent;
    o
}

/// The base engine, with all consent, or with consent withdrawn after
/// loading (others' data purged, and later loads keep only the viewer's).
pub fn base_engine(withdrawn: bool) -> Engine {
    let mut e = Engine::new(options(ALL)).expect("valid options");
    e.load_people(BASE_PEOPLE.as_bytes(), LoadOptions::default()).expect("base people");
    e.load_interactions(BASE_INTERACTIONS.as_bytes(), LoadOptions::default()).expect("base interactions");
    if withdrawn {
        e.set_consent(Consent::default());
    }
    e
}

fn load_options(selector: u8, formats: [Format; 4]) -> LoadOptions {
    LoadOptions {
        format: formats[usize::from(selector & 3)],
        lenient: selector & 4 != 0,
        ..LoadOptions::default()
    }
}

/// A load on the base engine. Refused: the engine exports the same bytes
/// and the same stats as before. Accepted: the interactions grew by what
/// the report accepted, and the engine survives every check in [`accepted`].
fn checked_load(data: &[u8], formats: [Format; 4], people: bool) -> Outcome {
    let Some((&selector, input)) = data.split_first() else { return Ok(()) };
    let opts = load_options(selector, formats);
    let withdrawn = selector & 8 != 0;
    let mut e = base_engine(withdrawn);
    let (before, stats) = (e.export_snapshot(), e.stats());
    let result =
        if people { e.load_people(input, opts.clone()) } else { e.load_interactions(input, opts.clone()) };
    match result {
        Err(err) => {
            assert_eq!(e.stats(), stats, "a refused load changed the stats ({err})");
            assert!(e.export_snapshot() == before, "a refused load changed the engine ({err})");
            Err(err.code())
        }
        Ok(report) => {
            assert!(report.errors.len() <= report.rejected && report.errors.len() <= 10);
            let counted = report.accepted
                + report.duplicates
                + report.dropped_opted_out
                + report.dropped_no_consent
                + report.cancelled
                + report.skipped_drafts
                + report.skipped_solo
                + report.rejected;
            if let Some(records) = records(input, opts.format, people) {
                assert_eq!(counted, records, "the report does not account for every record once: {report:?}");
            }
            if !opts.lenient {
                assert_eq!(report.rejected, 0, "a strict load reported rejected records");
            }
            if !people {
                assert_eq!(e.stats().0, stats.0 + report.accepted, "rows stored differ from `accepted`");
            }
            accepted(e, if withdrawn { Consent::default() } else { ALL });
            Ok(())
        }
    }
}

/// How many records a batch holds, as the loaders split it (`None` when the
/// text is not valid UTF-8): array entries, non-blank NDJSON lines, or the
/// items of a Graph page; without a format, an array is JSON and, for
/// interactions, one object with a `value` array a Graph page.
fn records(input: &[u8], format: Format, people: bool) -> Option<usize> {
    use serde_json::value::RawValue;
    let text = std::str::from_utf8(input).ok()?;
    let array = |t: &str| serde_json::from_str::<Vec<&RawValue>>(t).ok().map(|v| v.len());
    let page = |t: &str| match serde_json::from_str::<serde_json::Value>(t) {
        Ok(serde_json::Value::Object(page)) => page.get("value").and_then(|v| v.as_array()).map(Vec::len),
        _ => None,
    };
    let lines = |t: &str| t.split('\n').filter(|l| !l.trim().is_empty()).count();
    let is_array = text.trim_start().starts_with('[');
    match format {
        Format::Json => array(text),
        Format::Ndjson => Some(lines(text)),
        Format::Graph if is_array => array(text),
        Format::Graph => page(text),
        Format::Auto if is_array => array(text),
        Format::Auto if people => Some(lines(text)),
        Format::Auto => page(text).or_else(|| Some(lines(text))),
    }
}

/// `load_people`: selector bits 0–1 the format (auto, JSON, NDJSON, auto),
/// bit 2 lenient, bit 3 consent withdrawn before the load.
pub fn load_people(data: &[u8]) -> Outcome {
    checked_load(data, [Format::Auto, Format::Json, Format::Ndjson, Format::Auto], true)
}

/// `load_interactions` as JSON or NDJSON: selector as for [`load_people`].
pub fn load_interactions(data: &[u8]) -> Outcome {
    checked_load(data, [Format::Auto, Format::Json, Format::Ndjson, Format::Auto], false)
}

/// `load_interactions` of Microsoft Graph pages: selector bits 0–1 the format
/// (graph, graph, auto, graph), bit 2 lenient, bit 3 consent withdrawn.
pub fn load_graph(data: &[u8]) -> Outcome {
    checked_load(data, [Format::Graph, Format::Graph, Format::Auto, Format::Graph], false)
}

/// What every accepted load or import must allow: an export that imports
/// back to the same bytes, every query, and further loads and opt-outs.
fn accepted(e: Engine, consent: Consent) {
    let bytes = e.export_snapshot();
    let back = Engine::from_snapshot(&bytes, options(consent))
        .unwrap_or_else(|err| panic!("an engine's own snapshot is refused: {err}"));
    assert!(back.export_snapshot() == bytes, "export → import → export is not byte-identical");
    assert_eq!(back.stats().0, e.stats().0);
    exercise(&e);
}

/// A query's result, Ok or a coded error: only a panic is a finding.
/// (Not serialized: serde's cost would halve the executions per second.)
fn show<T>(r: rapport::Result<T>) {
    drop(r);
}

/// Every query once, over the default and the widest window, on whatever
/// the engine holds.
pub fn exercise(e: &Engine) {
    let h = HealthOptions::default();
    show(e.own_insights(None));
    show(e.own_insights(Some(3660)));
    let mut targets = vec![Target::Account("contoso".into()), Target::Contact("cleo@contoso.example".into())];
    for accounts in [false, true] {
        if let Ok(list) = e.relationship_summaries(accounts, DataScope::Team, Some(3660), &h) {
            let first = list.into_iter().next().map(|s| s.id);
            targets.extend(first.map(|id| if accounts { Target::Account(id) } else { Target::Contact(id) }));
        }
    }
    for target in &targets {
        show(e.relationship(target, DataScope::Own, Some(3660), &h));
        show(e.relationship(target, DataScope::Team, None, &h));
        show(e.who_knows_whom(target, Some(10)));
        show(e.introduction_paths(target, Some(3), Some(4), Some(0.5)));
    }
    for (group_by, period, days) in
        [(GroupBy::Department, Period::Week, 400), (GroupBy::Account, Period::Month, 3660)]
    {
        show(e.aggregates(&AggregatesRequest { group_by, period, noise: None, days: Some(days) }));
    }
}

/// A batch that goes on top of an imported store: new people, an alias of
/// someone already there (rows are rewritten), a reply into a thread.
const LATER_PEOPLE: &str = r#"{"id":"cleo@contoso.example","aliases":["cleo.b@contoso.example"]}
{"id":"fay@contoso.example","accountId":"contoso"}"#;
const LATER_INTERACTIONS: &str = r#"{"id":"later-1","kind":"email","from":"cleo.b@contoso.example","to":"alex.morgan@northwind.example","at":"2026-10-31T09:00:00Z","threadId":"t1","inReplyTo":"m1"}
{"id":"later-2","kind":"meeting","from":"alex.morgan@northwind.example","to":["fay@contoso.example","bo@northwind.example"],"at":"2026-11-02T10:00:00Z","durationMinutes":60}"#;

/// `Engine::from_snapshot`: selector bit 0 set, the rest is a payload that is
/// framed (length and CRC) here, so that mutations reach the payload reader;
/// clear, the rest is the snapshot as is. Bit 1: import with all consent
/// (else none). Refused: `INVALID_SNAPSHOT` or `INVALID_OPTIONS` only.
/// Accepted: export → import is stable, every query runs, and so do later
/// loads, an opt-out and a withdrawal.
pub fn snapshot(data: &[u8]) -> Outcome {
    let Some((&selector, rest)) = data.split_first() else { return Ok(()) };
    let bytes = if selector & 1 != 0 { seal(rest.to_vec()) } else { rest.to_vec() };
    let consent = if selector & 2 != 0 { ALL } else { Consent::default() };
    let mut e = match Engine::from_snapshot(&bytes, options(consent)) {
        Ok(e) => e,
        Err(err) => {
            assert!(matches!(err.code(), "INVALID_SNAPSHOT" | "INVALID_OPTIONS"), "{err}");
            return Err(err.code());
        }
    };
    let again = e.export_snapshot();
    let back = Engine::from_snapshot(&again, options(consent))
        .unwrap_or_else(|err| panic!("the export of an imported snapshot is refused: {err}"));
    assert!(back.export_snapshot() == again, "export → import → export is not byte-identical");
    exercise(&e);
    let ndjson = LoadOptions { format: Format::Ndjson, lenient: true, ..LoadOptions::default() };
    e.load_people(LATER_PEOPLE.as_bytes(), ndjson.clone()).map_err(|err| err.code())?;
    e.load_interactions(LATER_INTERACTIONS.as_bytes(), ndjson).map_err(|err| err.code())?;
    e.opt_out("bo@northwind.example").map_err(|err| err.code())?;
    exercise(&e);
    e.set_consent(Consent::default());
    accepted(e, Consent::default());
    Ok(())
}

fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

/// Base64url without padding (RFC 7515).
pub fn b64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// A compact JWS of `header` and `claims` (any bytes), signed with the key
/// the consent target's engine trusts.
pub fn sign(header: &[u8], claims: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let signature = signing_key().sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

/// An engine with a `consentKey`, holding the base data (others' included:
/// no consent was withdrawn yet).
pub fn keyed_engine() -> Engine {
    let mut o = options(Consent::default());
    let key = b64(signing_key().verifying_key().as_bytes());
    o.consent_key = Some(ConsentKey::from_base64url(&key).expect("a valid key"));
    o.tenant = Some(TENANT.to_string());
    let mut e = Engine::new(o).expect("valid options");
    e.load_people(BASE_PEOPLE.as_bytes(), LoadOptions::default()).expect("base people");
    e.load_interactions(BASE_INTERACTIONS.as_bytes(), LoadOptions::default()).expect("base interactions");
    e
}

/// How many interactions the keyed engine keeps once only `own` is left.
fn own_rows() -> usize {
    static OWN: OnceLock<usize> = OnceLock::new();
    *OWN.get_or_init(|| {
        let mut e = keyed_engine();
        e.set_consent(Consent::default());
        e.stats().0
    })
}

/// `set_consent_token`: selector bit 0 clear, the rest is the token as is
/// (lossy UTF-8); set, the rest is a header's JSON, a newline and the
/// claims' JSON, encoded and signed here with the trusted key, so that
/// mutations reach the claim checks. Bits 2–3 the host's clock: 2026-03-01,
/// the epoch, and the two ends of `i64`. Refused: `INVALID_CONSENT_TOKEN`,
/// nothing beyond `own` left, others' interactions purged. Accepted: the
/// basis is the token, which ends at its expiry like a withdrawal.
pub fn consent_token(data: &[u8]) -> Outcome {
    let Some((&selector, rest)) = data.split_first() else { return Ok(()) };
    let token = if selector & 1 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let split = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        sign(&rest[..split], rest.get(split + 1..).unwrap_or(&[]))
    };
    let now = [NOW_MS, 0, i64::MIN, i64::MAX][usize::from(selector >> 2 & 3)];
    let mut e = keyed_engine();
    match e.set_consent_token(&token, now) {
        Err(err) => {
            assert!(matches!(err, Error::InvalidConsentToken { .. }), "{err}");
            assert_eq!(e.consent(), Consent::default(), "a refused token left consent");
            assert_eq!(e.consent_basis(), ConsentBasis::None);
            assert_eq!(e.stats().0, own_rows(), "a refused token left others' interactions");
            Err(err.code())
        }
        Ok(()) => {
            assert!(matches!(e.consent_basis(), ConsentBasis::Token { .. }));
            assert!(!e.observe_clock(now), "a token accepted at `now` has already expired");
            if e.consent().aggregated {
                let noisy = AggregatesRequest {
                    group_by: GroupBy::Department,
                    period: Period::Month,
                    noise: Some(Noise::with_epsilon(0.5)),
                    days: None,
                };
                show(e.aggregates(&noisy));
            }
            assert!(e.observe_clock(i64::MAX), "the token never expires");
            assert_eq!(e.consent_basis(), ConsentBasis::None);
            assert_eq!(e.stats().0, own_rows(), "an expired token left others' interactions");
            Ok(())
        }
    }
}
