//! The binding layer where it runs: in Node, and (with WASM_BINDGEN_USE_BROWSER=1)
//! in headless Chromium. Run by scripts/test.sh, which checks that every test
//! below actually ran in both.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect, Uint8Array, JSON};
use rapport::wasm::Engine;
use rapport_demo::wasm::demo_dataset;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON")
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |v, key| Reflect::get(&v, &key.into()).expect("property"))
}

fn num(v: &JsValue, path: &str) -> f64 {
    get(v, path).as_f64().unwrap_or_else(|| panic!("{path} is not a number"))
}

fn code(e: &JsValue) -> String {
    assert!(e.is_instance_of::<js_sys::Error>(), "errors are JavaScript Error objects");
    get(e, "code").as_string().expect("error.code")
}

/// Consent to others' data, which an engine needs to keep any of it.
const TEAM: &str = r#"{"identifiable":true}"#;

/// Ada's engine at the time of `INTERACTIONS`' latest e-mail, x1.
fn engine(consent: &str) -> Engine {
    Engine::new(js(&format!(
        r#"{{"viewer":"Ada@Northwind.example","internalDomains":["northwind.example"],"consent":{consent},"now":"2026-03-04T10:00:00Z"}}"#
    )))
    .expect("engine")
}

const PEOPLE: &str = r#"[
  {"id":"ada@northwind.example","name":"Ada","department":"Sales"},
  {"id":"bob@northwind.example","name":"Bob","department":"Sales"},
  {"id":"cleo@contoso.example","name":"Cleo","accountId":"contoso"}
]"#;

const INTERACTIONS: &str = r#"[
  {"id":"m1","kind":"email","from":"cleo@contoso.example","to":["ada@northwind.example"],"at":"2026-03-02T09:00:00Z","threadId":"t1"},
  {"id":"m2","kind":"email","from":"ADA@northwind.example","to":["cleo@contoso.example"],"at":"2026-03-02T11:00:00Z","threadId":"t1","inReplyTo":"m1"},
  {"id":"v1","kind":"meeting","from":"ada@northwind.example","to":["cleo@contoso.example","bob@northwind.example"],"at":"2026-03-03T15:00:00+01:00","durationMinutes":45},
  {"id":"x1","kind":"email","from":"bob@northwind.example","to":["cleo@contoso.example"],"at":"2026-03-04T10:00:00Z"}
]"#;

#[wasm_bindgen_test]
fn loads_an_array_a_string_and_bytes_alike() {
    // Consent to others' data: without it only Ada's three would be kept.
    let mut e = engine(TEAM);
    let report = e.load_people(js(PEOPLE), None).expect("people");
    assert_eq!(num(&report, "accepted"), 3.0);

    let as_array = e.load_interactions(js(INTERACTIONS), None).expect("array");
    assert_eq!(num(&as_array, "accepted"), 4.0);

    let mut s = engine(TEAM);
    let as_string = s.load_interactions(JsValue::from_str(INTERACTIONS), None).expect("string");
    let mut b = engine(TEAM);
    let bytes = Uint8Array::from(INTERACTIONS.as_bytes());
    let as_bytes = b.load_interactions(bytes.into(), None).expect("bytes");
    assert_eq!(JSON::stringify(&as_string).unwrap(), JSON::stringify(&as_bytes).unwrap());

    // Incremental: a second batch adds, and a repeated id is a duplicate.
    let again = e.load_interactions(JsValue::from_str(INTERACTIONS), None).expect("again");
    assert_eq!(num(&again, "accepted"), 0.0);
    assert_eq!(num(&again, "duplicates"), 4.0);
}

#[wasm_bindgen_test]
fn own_insights_cross_the_boundary_with_their_figures() {
    let mut e = engine("{}");
    e.load_people(js(PEOPLE), None).unwrap();
    e.load_interactions(js(INTERACTIONS), None).unwrap();
    let own = e.own_insights(Some(js(r#"{"days":30}"#))).expect("own insights");
    assert_eq!(get(&own, "scope").as_string().unwrap(), "own");
    assert_eq!(get(&own, "viewer").as_string().unwrap(), "ada@northwind.example");
    // Ada sent m2, received m1, organised v1 (45 min); x1 is Bob's alone.
    assert_eq!(num(&own, "kpis.emailsSent"), 1.0);
    assert_eq!(num(&own, "kpis.emailsReceived"), 1.0);
    assert_eq!(num(&own, "kpis.replies"), 1.0);
    assert_eq!(num(&own, "kpis.meetings"), 1.0);
    assert_eq!(num(&own, "kpis.meetingMinutes"), 45.0);
    assert_eq!(num(&own, "kpis.medianResponseMinutes"), 120.0);
    assert_eq!(num(&own, "interactionsUsed"), 3.0);
    // The window ends at the `now` given, as a string or as epoch ms alike.
    assert_eq!(get(&own, "window.end").as_string().unwrap(), "2026-03-04T10:00:00Z");
    assert_eq!(get(&own, "now"), get(&own, "window.end"));
    let mut ms = Engine::new(js(r#"{"viewer":"ada@northwind.example","now":1772618400000}"#)).unwrap();
    ms.load_interactions(js(INTERACTIONS), None).unwrap();
    let days_30 = Some(js(r#"{"days":30}"#));
    assert_eq!(get(&ms.own_insights(days_30).unwrap(), "window.end"), get(&own, "window.end"));
    assert_eq!(get(&own, "lastInteractionAt").as_string().unwrap(), "2026-03-03T14:00:00Z");
}

#[wasm_bindgen_test]
fn identifiable_and_aggregated_methods_refuse_without_consent() {
    let mut e = engine("{}");
    e.load_interactions(js(INTERACTIONS), None).unwrap();
    let contact = js(r#"{"contact":"cleo@contoso.example"}"#);
    let refusals = [
        e.relationship(contact.clone(), Some(js(r#"{"scope":"team"}"#))).unwrap_err(),
        e.who_knows_whom(contact.clone(), None).unwrap_err(),
        e.introduction_paths(contact.clone(), None).unwrap_err(),
    ];
    for err in &refusals {
        assert_eq!(code(err), "CONSENT_REQUIRED");
        assert_eq!(get(err, "scope").as_string().unwrap(), "identifiable");
        let message = get(err, "message").as_string().unwrap();
        assert!(!message.contains("cleo"), "a refusal names no person: {message}");
    }
    let agg = e.aggregates(js(r#"{"groupBy":"department","period":"week"}"#)).unwrap_err();
    assert_eq!(code(&agg), "CONSENT_REQUIRED");
    assert_eq!(get(&agg, "scope").as_string().unwrap(), "aggregated");

    // identifiable alone does not grant aggregated.
    e.set_consent(js(r#"{"identifiable":true}"#), None).unwrap();
    let agg = e.aggregates(js(r#"{"groupBy":"department","period":"week"}"#)).unwrap_err();
    assert_eq!(code(&agg), "CONSENT_REQUIRED");
    // Granted, the table comes back with every cell, suppressed ones included:
    // two departments with one or two people each never reach five.
    e.set_consent(js(r#"{"aggregated":true}"#), None).unwrap();
    e.load_people(js(PEOPLE), None).unwrap();
    let table = e.aggregates(js(r#"{"groupBy":"department","period":"week"}"#)).unwrap();
    assert_eq!(get(&table, "scope").as_string().unwrap(), "aggregated");
    let rows: Array = get(&table, "rows").dyn_into().unwrap();
    assert!(rows.length() > 0);
    assert!(rows
        .iter()
        .all(|r| get(&r, "suppressed").as_bool() == Some(true) && get(&r, "metrics").is_null()));
}

#[wasm_bindgen_test]
fn withdrawing_consent_deletes_others_interactions() {
    let mut e = engine(r#"{"identifiable":true}"#);
    e.load_interactions(js(INTERACTIONS), None).unwrap();
    assert_eq!(num(&e.stats().unwrap(), "interactions"), 4.0);
    e.set_consent(js(r#"{"identifiable":false,"aggregated":false}"#), None).unwrap();
    // x1 (Bob to Cleo) is gone; Ada's three remain.
    assert_eq!(num(&e.stats().unwrap(), "interactions"), 3.0);
}

#[wasm_bindgen_test]
fn a_bad_record_fails_the_batch_with_its_index_and_field() {
    let mut e = engine(TEAM);
    let bad = r#"[{"id":"a","kind":"email","from":"x@y.example","to":["z@y.example"],"at":"2026-01-01T00:00:00Z"},
                 {"id":"b","kind":"email","from":"x@y.example","to":["z@y.example"],"at":"2026-02-30T10:00:00Z"}]"#;
    let err = e.load_interactions(JsValue::from_str(bad), None).unwrap_err();
    assert_eq!(code(&err), "INVALID_INPUT");
    assert_eq!(num(&err, "index"), 1.0);
    assert_eq!(get(&err, "field").as_string().unwrap(), "at");
    assert_eq!(num(&e.stats().unwrap(), "interactions"), 0.0, "nothing of the batch is kept");

    let report = e.load_interactions(JsValue::from_str(bad), Some(js(r#"{"lenient":true}"#))).unwrap();
    assert_eq!((num(&report, "accepted"), num(&report, "rejected")), (1.0, 1.0));
    assert_eq!(num(&get(&report, "rejectedByReason"), "at: invalid value"), 1.0);
}

#[wasm_bindgen_test]
fn hostile_inputs_give_coded_errors_and_leave_the_engine_usable() {
    let mut e = engine(TEAM);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let huge_field = format!(
        r#"[{{"id":"{}","kind":"email","from":"a@b.example","to":["c@d.example"],"at":0}}]"#,
        "x".repeat(10 * 1024 * 1024)
    );
    let many_to = format!(
        r#"[{{"id":"m","kind":"email","from":"a@b.example","to":[{}],"at":0}}]"#,
        vec!["\"c@d.example\""; 1_000_000].join(",")
    );
    let cases: Vec<(JsValue, &str)> = vec![
        (JsValue::from_str("this is not JSON"), "INVALID_INPUT"),
        (JsValue::from_str(&deep), "INVALID_INPUT"),
        (JsValue::from_str(&huge_field), "INVALID_INPUT"),
        (JsValue::from_str(&many_to), "INVALID_INPUT"),
        (
            js(r#"[{"id":7,"kind":"email","from":"a@b.example","to":["c@d.example"],"at":0}]"#),
            "INVALID_INPUT",
        ),
        (Uint8Array::from(&[0xff_u8, 0xfe, 0x00][..]).into(), "INVALID_INPUT"),
        (JsValue::UNDEFINED, "INVALID_INPUT"),
    ];
    for (input, want) in cases {
        let err = e.load_interactions(input, None).unwrap_err();
        assert_eq!(code(&err), want);
    }
    // A JavaScript array nested 10,000 deep goes through JSON.stringify first.
    let nested: JsValue = (0..10_000).fold(Array::new(), |inner, _| Array::of1(&inner)).into();
    assert_eq!(code(&e.load_interactions(nested, None).unwrap_err()), "INVALID_INPUT");

    let mut small = Engine::new(js(r#"{"viewer":"a@b.example","maxInputBytes":100}"#)).unwrap();
    let err = small.load_interactions(JsValue::from_str(&"x".repeat(101)), None).unwrap_err();
    assert_eq!(code(&err), "INPUT_TOO_LARGE");

    assert_eq!(num(&e.load_interactions(js(INTERACTIONS), None).unwrap(), "accepted"), 4.0);
}

#[wasm_bindgen_test]
fn bad_options_are_refused_with_a_code() {
    for options in [
        r#"{}"#,
        r#"{"viewer":""}"#,
        r#"{"viewer":"a@b.example","minGroupSize":2}"#,
        r#"{"viewer":"a@b.example","colour":"red"}"#,
    ] {
        let err = Engine::new(js(options)).err().expect("refused");
        assert_eq!(code(&err), "INVALID_OPTIONS", "{options}");
    }
    let mut e = engine("{}");
    assert_eq!(code(&e.own_insights(Some(js(r#"{"days":0}"#))).unwrap_err()), "INVALID_OPTIONS");
}

#[wasm_bindgen_test]
fn the_demo_dataset_loads_whole_and_is_deterministic() {
    let d = demo_dataset(Some(js(r#"{"seed":7,"interactions":2000}"#))).unwrap();
    let again = demo_dataset(Some(js(r#"{"seed":7,"interactions":2000}"#))).unwrap();
    assert_eq!(get(&d, "interactions"), get(&again, "interactions"));
    let options = Object::new();
    Reflect::set(&options, &"viewer".into(), &get(&d, "viewer")).unwrap();
    Reflect::set(&options, &"internalDomains".into(), &get(&d, "internalDomains")).unwrap();
    Reflect::set(&options, &"now".into(), &get(&d, "now")).unwrap();
    // Consent to others' data: the whole demo is kept, not only the viewer's part.
    Reflect::set(&options, &"consent".into(), &js(TEAM)).unwrap();
    let mut e = Engine::new(options.into()).unwrap();
    e.load_people(get(&d, "people"), None).unwrap();
    let report = e.load_interactions(get(&d, "interactions"), None).unwrap();
    let stored = num(&report, "accepted");
    let skipped = num(&report, "droppedOptedOut") + num(&report, "cancelled");
    assert_eq!(stored + skipped, 2000.0);
    let own = e.own_insights(None).unwrap();
    assert!(num(&own, "kpis.emailsSent") > 0.0);
    assert_eq!(get(&own, "window.end"), get(&d, "now"));
}

#[wasm_bindgen_test]
fn errors_are_catchable_javascript_errors() {
    // Thrown through a JavaScript function, the error keeps its class and code.
    let thrower = Function::new_with_args(
        "f",
        "try { f(); return 'no error'; } catch (e) { return (e instanceof Error) + ':' + e.code; }",
    );
    let call = Closure::<dyn Fn() -> Result<(), JsValue>>::new(|| engine("{}").opt_out("  ").map(|_| ()));
    let out = thrower.call1(&JsValue::NULL, call.as_ref()).unwrap();
    assert_eq!(out.as_string().unwrap(), "true:INVALID_OPTIONS");
}

#[wasm_bindgen_test]
fn relationship_who_knows_whom_and_paths_cross_the_boundary() {
    let mut e = engine(r#"{"identifiable":true}"#);
    e.load_people(js(PEOPLE), None).unwrap();
    e.load_interactions(js(INTERACTIONS), None).unwrap();
    let cleo = js(r#"{"contact":"Cleo@Contoso.example"}"#);
    let team = e.relationship(cleo.clone(), Some(js(r#"{"scope":"team"}"#))).unwrap();
    assert_eq!(get(&team, "scope").as_string().unwrap(), "identifiable");
    // By us: m2 (Ada) and x1 (Bob); by Cleo: m1; the meeting v1.
    assert_eq!(num(&team, "kpis.emailsSent"), 2.0);
    assert_eq!(num(&team, "kpis.emailsReceived"), 1.0);
    assert_eq!(num(&team, "kpis.meetings"), 1.0);
    assert_eq!(get(&team, "health.state").as_string().unwrap(), "scored");
    let own = e.relationship(cleo.clone(), None).unwrap();
    assert_eq!(get(&own, "scope").as_string().unwrap(), "own");
    assert_eq!(num(&own, "kpis.emailsSent"), 1.0, "Bob's x1 is not the viewer's");

    let who = e.who_knows_whom(cleo.clone(), None).unwrap();
    let colleagues: Array = get(&who, "colleagues").dyn_into().unwrap();
    // Ada is the viewer: her tie is `viewerTie`, never a colleague.
    assert_eq!(colleagues.length(), 1);
    assert_eq!(get(&colleagues.get(0), "id").as_string().unwrap(), "bob@northwind.example");
    assert!(num(&who, "viewerTie.strength") > num(&colleagues.get(0), "strength"));
    assert_eq!(num(&who, "viewerTie.evidence.emails"), 2.0);

    let paths: Array = e.introduction_paths(cleo.clone(), None).unwrap().dyn_into().unwrap();
    assert_eq!(paths.length(), 2, "direct, and through Bob");
    let first: Array = get(&paths.get(0), "people").dyn_into().unwrap();
    assert_eq!(first.length(), 2);
    assert_eq!(get(&paths.get(0), "direct").as_bool(), Some(true));
    assert!(get(&paths.get(0), "introduction").is_null());
    assert_eq!(get(&paths.get(1), "introduction.ask").as_string().unwrap(), "bob@northwind.example");
    let message = get(&paths.get(1), "introduction.message").as_string().unwrap();
    assert!(message.starts_with("Hi Bob,") && message.ends_with("Ada"), "{message}");
    let score = num(&paths.get(1), "score");
    assert!((score - num(&paths.get(1), "strength") * 0.5).abs() < 1e-4);
    let bad = e.introduction_paths(cleo, Some(js(r#"{"hopPenalty":0}"#))).unwrap_err();
    assert_eq!(code(&bad), "INVALID_OPTIONS");

    let account = e.relationship(js(r#"{"account":"Contoso"}"#), Some(js(r#"{"scope":"team"}"#))).unwrap();
    assert_eq!(num(&account, "kpis.emailsSent"), 2.0);
    let list = e.relationship_summaries(js(r#"{"level":"account","scope":"team"}"#)).unwrap();
    assert_eq!(Array::from(&list).length(), 1);
    let unknown = e.relationship(js(r#"{"contact":"nobody@nowhere.example"}"#), None).unwrap_err();
    assert_eq!(code(&unknown), "UNKNOWN_TARGET");
}

#[wasm_bindgen_test]
fn discrete_noise_draws_inside_wasm_from_the_platform_crypto() {
    use rapport::privacy::noise::NoiseSource;
    let mut noise = NoiseSource::from_platform().expect("crypto.getRandomValues");
    let draws: Vec<i64> = (0..2000).map(|_| noise.discrete_laplace(3, 1).unwrap()).collect();
    let mean = draws.iter().sum::<i64>() as f64 / draws.len() as f64;
    // Scale 3: variance 2q/(1−q)² ≈ 17.5, so the mean of 2,000 draws is within 0.5 of 0 with near certainty.
    assert!(mean.abs() < 0.5, "mean {mean}");
    assert!(draws.iter().any(|&x| x > 2) && draws.iter().any(|&x| x < -2), "both tails appear");
    let seeded = |s| {
        let mut source = NoiseSource::seeded(s);
        (0..10).map(|_| source.discrete_laplace(3, 1).unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(seeded(9), seeded(9));
    assert_ne!(seeded(9), seeded(10));
}

/// Noisy aggregates end to end in wasm: noise from the platform's crypto, a
/// repeat from cache at no cost, and the budget refusal as a coded Error.
#[wasm_bindgen_test]
fn noisy_aggregates_spend_the_budget_and_refuse_when_it_is_spent() {
    let demo = demo_dataset(Some(js(r#"{"seed":5,"interactions":3000}"#))).unwrap();
    let options = format!(
        r#"{{"viewer":{},"internalDomains":{},"consent":{{"aggregated":true}},"epsilonBudget":1,"now":{}}}"#,
        JSON::stringify(&get(&demo, "viewer")).unwrap(),
        JSON::stringify(&get(&demo, "internalDomains")).unwrap(),
        JSON::stringify(&get(&demo, "now")).unwrap()
    );
    let mut e = Engine::new(js(&options)).unwrap();
    e.load_people(get(&demo, "people"), None).unwrap();
    e.load_interactions(get(&demo, "interactions"), None).unwrap();
    let ask = |e: &mut Engine, eps: &str| {
        e.aggregates(js(&format!(
            r#"{{"groupBy":"department","period":"month","noise":{{"epsilon":{eps}}}}}"#
        )))
    };
    let first = ask(&mut e, "0.75").unwrap();
    assert_eq!((num(&first, "epsilonSpent"), num(&first, "epsilonRemaining")), (0.75, 0.25));
    assert_eq!(get(&first, "noise.fromCache"), JsValue::FALSE);
    let again = ask(&mut e, "0.75").unwrap();
    assert_eq!(get(&again, "noise.fromCache"), JsValue::TRUE);
    assert_eq!(
        JSON::stringify(&get(&again, "rows")).unwrap(),
        JSON::stringify(&get(&first, "rows")).unwrap()
    );
    assert_eq!(num(&again, "epsilonSpent"), 0.75);
    assert_eq!(code(&ask(&mut e, "0.5").unwrap_err()), "PRIVACY_BUDGET_EXHAUSTED");
    assert_eq!(num(&ask(&mut e, "0.25").unwrap(), "epsilonRemaining"), 0.0);
}

/// Signed consent through the binding (SPEC 4.5): with a consentKey, flags
/// are refused, a valid token grants its scopes, and a tampered or expired
/// one is refused with its code and leaves only "own".
#[wasm_bindgen_test]
fn a_signed_token_grants_and_a_tampered_one_does_not() {
    use ed25519_dalek::{Signer, SigningKey};
    let b64 = |bytes: &[u8]| -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            out.extend((0..=chunk.len()).map(|i| ABC[(n >> (18 - 6 * i) & 63) as usize] as char));
        }
        out
    };
    let key = SigningKey::from_bytes(&[7; 32]);
    let sign = |claims: &str| {
        let input = format!("{}.{}", b64(br#"{"alg":"EdDSA","typ":"JWT"}"#), b64(claims.as_bytes()));
        format!("{input}.{}", b64(&key.sign(input.as_bytes()).to_bytes()))
    };
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let claims = |scopes: &str, iat: i64, exp: i64| {
        format!(
            r#"{{"aud":"rapport","tid":"northwind","sub":"ada@northwind.example","scp":{scopes},"iat":{iat},"exp":{exp},"jti":"wasm-1"}}"#
        )
    };
    let token = sign(&claims(r#"["identifiable"]"#, now - 60, now + 3600));
    let options = format!(
        r#"{{"viewer":"Ada@Northwind.example","internalDomains":["northwind.example"],"consentKey":"{}","tenant":"northwind","now":"2026-03-04T10:00:00Z"}}"#,
        b64(key.verifying_key().as_bytes())
    );
    let mut e = Engine::new(js(&options)).unwrap();
    let flags = e.set_consent(js(r#"{"identifiable":true}"#), None).unwrap_err();
    assert_eq!(code(&flags), "INVALID_OPTIONS");

    e.set_consent(JsValue::from_str(&token), None).unwrap();
    e.load_people(js(PEOPLE), None).unwrap();
    e.load_interactions(js(INTERACTIONS), None).unwrap();
    let cleo = js(r#"{"contact":"cleo@contoso.example"}"#);
    assert!(e.who_knows_whom(cleo.clone(), None).is_ok());
    let agg = e.aggregates(js(r#"{"groupBy":"department","period":"week"}"#)).unwrap_err();
    assert_eq!(code(&agg), "CONSENT_REQUIRED", "the token grants identifiable only");
    let basis = e.consent_basis().unwrap();
    assert_eq!(get(&basis, "kind").as_string().unwrap(), "token");
    assert_eq!(get(&basis, "jti").as_string().unwrap(), "wasm-1");

    // The payload widened to both scopes, under the original signature.
    let (header, rest) = token.split_once('.').unwrap();
    let signature = rest.split_once('.').unwrap().1;
    let widened = b64(claims(r#"["aggregated","identifiable"]"#, now - 60, now + 3600).as_bytes());
    let err = e.set_consent(JsValue::from_str(&format!("{header}.{widened}.{signature}")), None).unwrap_err();
    assert_eq!(code(&err), "INVALID_CONSENT_TOKEN");
    assert!(get(&err, "reason").as_string().unwrap().contains("signature"));
    assert_eq!(code(&e.who_knows_whom(cleo.clone(), None).unwrap_err()), "CONSENT_REQUIRED");
    assert!(e.own_insights(None).is_ok());
    assert_eq!(num(&e.stats().unwrap(), "interactions"), 3.0, "Bob's x1 is purged");
    assert_eq!(get(&e.consent_basis().unwrap(), "kind").as_string().unwrap(), "none");

    // `at` is the time a token is checked at: past its exp, refused.
    let late = js(&format!(r#"{{"at":{}}}"#, (now + 7200) * 1000));
    assert_eq!(
        code(&e.set_consent(JsValue::from_str(&token), Some(late)).unwrap_err()),
        "INVALID_CONSENT_TOKEN"
    );
    // Valid at `at` but expired by the clock: the next call ends it (Date.now()).
    let expired = sign(&claims(r#"["identifiable"]"#, now - 120, now - 1));
    let then = js(&format!(r#"{{"at":{}}}"#, (now - 60) * 1000));
    e.set_consent(JsValue::from_str(&expired), Some(then)).unwrap();
    assert_eq!(code(&e.who_knows_whom(cleo, None).unwrap_err()), "CONSENT_REQUIRED");
    assert_eq!(get(&e.consent_basis().unwrap(), "kind").as_string().unwrap(), "none");
}

/// Issue 12, class 7: an engine made without `now` takes the host's clock
/// (`Date.now()` when it is made, or reopened) as its reference time, never
/// the latest e-mail loaded: someone else's later e-mail, kept under consent,
/// leaves the viewer's own results byte-identical.
#[wasm_bindgen_test]
fn class_07_an_engine_without_now_uses_the_host_clock() {
    const DAY: f64 = 86_400_000.0;
    let options = r#"{"viewer":"ada@northwind.example","internalDomains":["northwind.example"],"consent":{"identifiable":true}}"#;
    let made = js_sys::Date::now();
    let mut e = Engine::new(js(options)).unwrap();
    let ready = js_sys::Date::now();
    let email = |id: &str, from: &str, to: &str, at: f64| {
        format!(r#"[{{"id":"{id}","kind":"email","from":"{from}","to":["{to}"],"at":{}}}]"#, at as i64)
    };
    let ada = "ada@northwind.example";
    for (id, from, to, at) in [
        ("o1", "cleo@contoso.example", ada, made - 10.0 * DAY),
        ("o2", ada, "cleo@contoso.example", made - 5.0 * DAY),
    ] {
        e.load_interactions(JsValue::from_str(&email(id, from, to, at)), None).unwrap();
    }
    let window_end = |own: &JsValue| js_sys::Date::parse(&get(own, "window.end").as_string().unwrap());
    let own = e.own_insights(None).unwrap();
    let end = window_end(&own);
    assert!(made <= end && end <= ready, "the window ends at the clock ({made}..{ready}), not at {end}");
    assert_eq!(get(&own, "now"), get(&own, "window.end"), "the result states its now");
    assert_eq!(num(&own, "kpis.emailsSent"), 1.0);
    let text = JSON::stringify(&own).unwrap();

    // Bob's e-mail to Dan, a day before the clock and a month after it.
    for (id, at) in [("x1", made - DAY), ("x2", made + 30.0 * DAY)] {
        let report = e
            .load_interactions(
                JsValue::from_str(&email(id, "bob@northwind.example", "dan@contoso.example", at)),
                None,
            )
            .unwrap();
        assert_eq!(num(&report, "accepted"), 1.0, "kept: identifiable consent covers it");
        assert_eq!(
            JSON::stringify(&e.own_insights(None).unwrap()).unwrap(),
            text,
            "own results moved with {id}"
        );
    }

    // Reopened without `now`: the clock at reopening, not x2's time.
    let bytes = e.export_snapshot();
    let opened = js_sys::Date::now();
    let mut reopened = Engine::from_snapshot(&bytes, js(options), None, None).unwrap();
    let end = window_end(&reopened.own_insights(None).unwrap());
    assert!(opened <= end && end <= js_sys::Date::now(), "reopened at the clock, not at {end}");
}

#[wasm_bindgen_test]
fn remove_interactions_takes_an_array_of_ids_and_reports_what_it_removed() {
    let mut e = engine(TEAM);
    e.load_people(js(PEOPLE), None).expect("people");
    e.load_interactions(js(INTERACTIONS), None).expect("interactions");
    let report = e.remove_interactions(js(r#"["v1","x1","never"]"#)).expect("remove");
    assert_eq!((num(&report, "deleted"), num(&report, "notFound")), (2.0, 1.0));
    assert_eq!(num(&e.stats().expect("stats"), "interactions"), 2.0);
    // Not an array, or an empty id: INVALID_OPTIONS, nothing removed.
    assert_eq!(code(&e.remove_interactions(JsValue::from_str("m1")).unwrap_err()), "INVALID_OPTIONS");
    assert_eq!(code(&e.remove_interactions(js(r#"["m1",""]"#)).unwrap_err()), "INVALID_OPTIONS");
    assert_eq!(code(&e.remove_interactions(js(r#"["m1",7]"#)).unwrap_err()), "INVALID_OPTIONS");
    assert_eq!(num(&e.stats().expect("stats"), "interactions"), 2.0);
    // A later version replaces; a deletion record deletes.
    let update = js(
        r#"[{"id":"m2","kind":"email","from":"ada@northwind.example","to":["cleo@contoso.example","bob@northwind.example"],"at":"2026-03-02T11:00:00Z","modifiedAt":"2026-03-02T12:00:00Z"},{"id":"m1","deleted":true}]"#,
    );
    let report = e.load_interactions(update, None).expect("update");
    assert_eq!((num(&report, "updated"), num(&report, "deleted")), (1.0, 1.0));
}

#[wasm_bindgen_test]
fn a_graph_page_names_its_mailbox_which_must_be_the_viewers() {
    // Cleo wrote to a list; the copy in Ada's mailbox names the list, not Ada.
    let page = r#"{"value":[{"id":"g1","sentDateTime":"2026-03-02T09:00:00Z","from":{"emailAddress":{"address":"cleo@contoso.example","name":"Cleo C."}},"toRecipients":[{"emailAddress":{"address":"sales@northwind.example"}}]}]}"#;
    let mut e = engine("{}");
    let err = e
        .load_interactions(js(page), Some(js(r#"{"format":"graph","mailbox":"bob@northwind.example"}"#)))
        .unwrap_err();
    assert_eq!(code(&err), "INVALID_OPTIONS");
    assert_eq!(get(&err, "option").as_string().as_deref(), Some("mailbox"));
    let report = e
        .load_interactions(js(page), Some(js(r#"{"format":"graph","mailbox":"ADA@northwind.example"}"#)))
        .unwrap();
    assert_eq!(num(&report, "accepted"), 1.0);
    let own = e.own_insights(None).unwrap();
    assert_eq!(num(&own, "kpis.emailsReceived"), 1.0);
    assert_eq!(get(&get(&own, "topContactedBy"), "0.name").as_string().as_deref(), Some("Cleo C."));
}

/// A batch of more than 2^17 rows has its ids and conversations interned
/// in one sweep of each table, which in wasm32 keeps each string's whole
/// hash in its sort key (the hasher's words are 32 bits here): the store
/// must come out as from the same records in pieces, interned one by one,
/// byte for byte. Replies to the e-mail before, to one far back, to one
/// further on and to none loaded; conversations of neighbours and far apart.
#[wasm_bindgen_test]
fn a_large_batch_stores_what_its_records_in_pieces_do() {
    const N: usize = 140_000;
    let line = |i: usize| {
        let (from, to) = if i % 3 == 0 { ("ada", "cleo@contoso") } else { ("cleo@contoso", "ada@northwind") };
        let from = if from == "ada" { "ada@northwind" } else { from };
        let thread = if i % 5 == 0 { format!("far{}", i % 3000) } else { format!("t{}", i / 4) };
        let answers = match i % 8 {
            1 | 5 => format!(r#","inReplyTo":"r{}""#, i - 1),
            2 => format!(r#","inReplyTo":"r{}""#, i / 2),
            3 if i + 50 < N => format!(r#","inReplyTo":"r{}""#, i + 50),
            4 => format!(r#","inReplyTo":"unknown{i}""#),
            _ => String::new(),
        };
        format!(
            r#"{{"id":"r{i}","kind":"email","from":"{from}.example","to":["{to}.example"],"at":"2026-02-{:02}T{:02}:{:02}:00Z","threadId":"{thread}"{answers}}}"#,
            1 + i % 28,
            i / 60 % 24,
            i % 60
        ) + "\n"
    };
    let lines: Vec<String> = (0..N).map(line).collect();
    let ndjson = || Some(js(r#"{"format":"ndjson"}"#));
    let mut whole = engine(TEAM);
    whole.load_people(js(PEOPLE), None).expect("people");
    whole.load_interactions(JsValue::from_str(&lines.concat()), ndjson()).expect("whole");
    let mut pieces = engine(TEAM);
    pieces.load_people(js(PEOPLE), None).expect("people");
    for piece in lines.chunks(10_000) {
        pieces.load_interactions(JsValue::from_str(&piece.concat()), ndjson()).expect("piece");
    }
    assert_eq!(num(&whole.stats().expect("stats"), "interactions"), N as f64);
    assert!(whole.export_snapshot().to_vec() == pieces.export_snapshot().to_vec(), "the same snapshot");
    // The tables find what the sweep put in them: deletions, and a reply
    // in a stored conversation to a stored e-mail.
    let later = [
        r#"{"id":"r0","deleted":true}"#,
        r#"{"id":"r70001","deleted":true}"#,
        r#"{"id":"r139999","deleted":true}"#,
        r#"{"id":"unknown4","deleted":true}"#,
        r#"{"id":"z1","kind":"email","from":"cleo@contoso.example","to":["ada@northwind.example"],"at":"2026-03-01T00:00:00Z","threadId":"t7","inReplyTo":"r29"}"#,
    ]
    .join("\n");
    for e in [&mut whole, &mut pieces] {
        let report = e.load_interactions(JsValue::from_str(&later), ndjson()).expect("later");
        assert_eq!((num(&report, "deleted"), num(&report, "notFound")), (3.0, 1.0));
    }
    assert_eq!(num(&whole.stats().expect("stats"), "interactions"), (N - 2) as f64);
    assert!(whole.export_snapshot().to_vec() == pieces.export_snapshot().to_vec(), "the same snapshot after");
}
