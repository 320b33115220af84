//! Writes the seed corpus, fuzz/corpus/<target>/, a few KB per target:
//! `cargo run --manifest-path fuzz/Cargo.toml --example seeds` (scripts/fuzz.sh
//! --seeds). Each seed starts with the selector byte its target reads (see
//! fuzz/src/harness.rs); the seeds are valid inputs of every kind, plus a
//! few bad ones, so that mutations start from both sides of each check.

use std::fs;
use std::path::{Path, PathBuf};

use rapport_demo::{demo_dataset, DemoFormat, DemoOptions};
use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Noise, Period};
use rapport::store::snapshot::open;
use rapport::{Consent, Engine, Format, LoadOptions};
use rapport_fuzz::{base_engine, options, sign, BASE_INTERACTIONS, BASE_PEOPLE, NOW_MS, TENANT, VIEWER};
use serde_json::{json, Value};

const JSON: u8 = 1;
const NDJSON: u8 = 2;
const LENIENT: u8 = 4;
const WITHDRAWN: u8 = 8;

fn write(dir: &Path, name: &str, selector: u8, body: &[u8]) {
    let mut bytes = vec![selector];
    bytes.extend_from_slice(body);
    fs::write(dir.join(name), bytes).expect("write seed");
}

fn to_ndjson(array: &str) -> String {
    let v: Vec<Value> = serde_json::from_str(array).expect("a JSON array");
    v.iter().map(Value::to_string).collect::<Vec<_>>().join("\n")
}

fn people(dir: &Path) {
    write(dir, "base.json", JSON, BASE_PEOPLE.as_bytes());
    write(dir, "base.ndjson", NDJSON, to_ndjson(BASE_PEOPLE).as_bytes());
    let conflicts = r#"[{"id":"bo@northwind.example","aliases":["alex@northwind.example"]},
{"id":"x@ext.example","name":"  ","internal":true,"department":"R&D","aliases":"x2@ext.example"},
{"id":"x2@ext.example"},{"id":"x@ext.example"},{"id":"gil","optedOut":"yes"},{"id":""},7]"#;
    write(dir, "conflicts.json", JSON | LENIENT, conflicts.as_bytes());
    write(dir, "conflicts-strict.json", 0, conflicts.as_bytes());
    let fold = "{\"id\":\"dan@contoso.example\",\"aliases\":[\"DAN.J@Contoso.example\",\"cleo@contoso.example\"]}\n\n\
                {\"id\":\"cleo@contoso.example\",\"optedOut\":true}\nnot json\n";
    write(dir, "fold.ndjson", NDJSON | LENIENT | WITHDRAWN, fold.as_bytes());
}

fn interactions(dir: &Path) {
    write(dir, "base.json", JSON, BASE_INTERACTIONS.as_bytes());
    write(dir, "base.ndjson", NDJSON | WITHDRAWN, to_ndjson(BASE_INTERACTIONS).as_bytes());
    let mixed = r#"{"id":"n1","kind":"email","from":"Cleo@Contoso.example ","to":["alex@northwind.example","cleo@contoso.example"],"at":"2026-01-06T09:00:00.123-05:00","threadId":"t1","inReplyTo":"m2"}

{"id":"n2","kind":"call","from":"dan@contoso.example","to":"alex.morgan@northwind.example","at":-62135596800000,"durationMinutes":44640}
{"id":"n3","kind":"meeting","from":"zed@new.example","to":["eve@fabrikam.example"],"cc":["bo@northwind.example"],"at":253402300799999}
{"id":"m1","kind":"email","from":"bo@northwind.example","to":["dan@contoso.example"],"at":"2026-01-06T09:00:00Z"}
{"id":"n4","kind":"fax","from":"a@b.example","to":["c@d.example"],"at":"yesterday"}
[1,2]
{"id":"n5","kind":"email","from":"a@b.example","to":[],"cc":null,"at":1.5}"#;
    write(dir, "mixed.ndjson", NDJSON | LENIENT, mixed.as_bytes());
    write(dir, "mixed-strict.ndjson", NDJSON, mixed.as_bytes());
    let demo = demo_dataset(&DemoOptions { seed: 5, interactions: 12, format: DemoFormat::Json });
    write(dir, "demo.json", 0, demo.interactions.as_bytes());
    let demo = demo_dataset(&DemoOptions { seed: 6, interactions: 8, format: DemoFormat::Ndjson });
    write(dir, "demo.ndjson", 0, demo.interactions.as_bytes());
}

/// The members of a Graph item that the mapping reads; the rest is noise
/// the fuzzer need not carry.
fn compact(page: &Value) -> Value {
    use rapport::load::graph::ITEM_MEMBERS;
    let items = page["value"].as_array().expect("a page").iter().map(|item| {
        let kept = item.as_object().expect("an item").iter().filter(|(k, _)| ITEM_MEMBERS.contains(&k.as_str()));
        Value::Object(kept.map(|(k, v)| (k.clone(), v.clone())).collect())
    });
    json!({ "value": items.collect::<Vec<_>>(), "@odata.nextLink": "https://example.invalid/next" })
}

fn graph(dir: &Path, samples: &Path) {
    // The samples as strict Graph pages, and without a format (auto).
    for (file, name, selector) in
        [("graph-messages.json", "messages.json", 0), ("graph-events.json", "events.json", 2)]
    {
        let text = fs::read_to_string(samples.join(file)).expect("a Graph sample");
        let page = compact(&serde_json::from_str(&text).expect("JSON"));
        write(dir, name, selector, page.to_string().as_bytes());
    }
    let party = |a: &str| json!({ "emailAddress": { "name": "N", "address": a } });
    let mixed = json!([
        { "@odata.type": "#microsoft.graph.eventMessage", "id": "g1", "sentDateTime": "2026-01-06T10:00:00Z",
          "from": party("cleo@contoso.example"), "toRecipients": [party("alex@northwind.example")],
          "ccRecipients": [party("cleo@contoso.example"), { "emailAddress": null }], "conversationId": "t1" },
        { "id": "g2", "isDraft": false, "sentDateTime": "2026-01-04T10:00:00+02:00", "sender": party("bo@northwind.example"),
          "toRecipients": [party("alex.morgan@northwind.example")], "conversationId": "t1" },
        { "id": "g3", "sentDateTime": null, "from": party("alex@northwind.example"), "toRecipients": [] },
        { "@odata.type": "#microsoft.graph.event", "id": "g4", "isAllDay": true, "isCancelled": false,
          "start": { "dateTime": "2026-03-08T02:30:00.0000000", "timeZone": "Pacific Standard Time" },
          "end": { "dateTime": "2026-03-09T02:30:00", "timeZone": "America/Los_Angeles" },
          "organizer": party("alex.morgan@northwind.example"),
          "attendees": [
            { "type": "resource", "emailAddress": { "address": "room@northwind.example" } },
            { "type": "required", "status": { "response": "declined" }, "emailAddress": { "address": "dan@contoso.example" } },
            { "type": "optional", "status": { "response": "tentativelyAccepted" }, "emailAddress": { "address": "fay@contoso.example" } }
          ] },
        { "id": "g5", "start": { "dateTime": "2026-10-25T01:30:00", "timeZone": "W. Europe Standard Time" },
          "end": { "dateTime": "2026-10-25T02:30:00", "timeZone": "tzone://Microsoft/Utc" },
          "organizer": party("dan@contoso.example"), "attendees": [party("bo@northwind.example")] },
        { "id": "g6", "start": { "dateTime": "9999-12-31T23:00:00", "timeZone": "Lord Howe Standard Time" },
          "end": { "dateTime": "2026-01-01T00:00:00Z", "timeZone": "UTC" }, "organizer": party("x@y.example") }
    ]);
    write(dir, "mixed-lenient.json", LENIENT | WITHDRAWN, mixed.to_string().as_bytes());
    let bad_zone = json!({ "value": [{ "id": "g7", "organizer": party("bo@northwind.example"),
        "attendees": [party("dan@contoso.example")], "start": { "dateTime": "2026-01-01T09:00:00", "timeZone": "Mars/Olympus" },
        "end": { "dateTime": "2026-01-01T10:00:00", "timeZone": "UTC" } }] });
    write(dir, "bad-zone.json", 0, bad_zone.to_string().as_bytes());
}

fn snapshots(dir: &Path) {
    // Payloads (selector bit 0: framed by the harness) and whole snapshots.
    let all = Consent { aggregated: true, identifiable: true };
    let payload = |e: &Engine| open(&e.export_snapshot()).expect("a sealed snapshot").to_vec();
    let demo = demo_dataset(&DemoOptions { seed: 3, interactions: 10, format: DemoFormat::Json });
    assert_eq!(demo.viewer, VIEWER, "the demo's viewer");
    let mut e = Engine::new(options(all)).expect("options");
    e.load_people(demo.people.as_bytes(), LoadOptions::default()).expect("people");
    e.load_interactions(demo.interactions.as_bytes(), LoadOptions::default()).expect("interactions");
    write(dir, "demo.payload", 1 | 2, &payload(&e));
    write(dir, "demo.snapshot", 2, &e.export_snapshot());

    let mut e = base_engine(false);
    let graph = r#"[{"id":"g1","sentDateTime":"2026-01-04T10:00:00Z","from":{"emailAddress":{"address":"dan@contoso.example"}},
"toRecipients":[{"emailAddress":{"address":"alex@northwind.example"}}],"conversationId":"t1"}]"#;
    e.load_interactions(graph.as_bytes(), LoadOptions { format: Format::Graph, ..LoadOptions::default() })
        .expect("graph");
    e.opt_out("dan@contoso.example").expect("opt out");
    e.opt_out("later@ext.example").expect("opt out");
    let noisy = AggregatesRequest {
        group_by: GroupBy::Account,
        period: Period::Week,
        noise: Some(Noise::with_epsilon(1.5)),
        days: None,
    };
    e.aggregates(&noisy).expect("noisy aggregates");
    write(dir, "base.payload", 1 | 2, &payload(&e));
    e.set_consent(Consent::default());
    write(dir, "withdrawn.payload", 1, &payload(&e));
    let empty = Engine::new(options(all)).expect("options").export_snapshot();
    write(dir, "empty.payload", 1, open(&empty).expect("sealed"));
    let mut damaged = empty;
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    write(dir, "damaged.snapshot", 0, &damaged);
}

fn tokens(dir: &Path) {
    let now = NOW_MS / 1000;
    let header = json!({ "alg": "EdDSA", "typ": "JWT" });
    let claims = json!({
        "aud": "rapport", "tid": TENANT, "sub": VIEWER, "scp": ["aggregated", "identifiable"],
        "iat": now - 60, "exp": now + 3600, "jti": "grant-0001",
    });
    let token = |h: &Value, c: &Value| sign(h.to_string().as_bytes(), c.to_string().as_bytes());
    write(dir, "valid.jwt", 0, token(&header, &claims).as_bytes());
    let rich = json!({
        "aud": ["other", "rapport"], "tid": TENANT, "sub": " Alex.Morgan@Northwind.example", "scp": ["own", "aggregated"],
        "nbf": now + 30, "exp": now as f64 + 0.5, "jti": "g-2", "eps": 2.5,
    });
    let kid = json!({ "alg": "EdDSA", "kid": "key-1", "typ": "jwt" });
    write(dir, "rich.jwt", 0, token(&kid, &rich).as_bytes());
    write(dir, "none-alg.jwt", 0, token(&json!({ "alg": "none" }), &claims).as_bytes());
    // Signed here from their JSON texts: the claim checks see the mutations.
    let texts = |h: &Value, c: &Value| format!("{h}\n{c}");
    write(dir, "valid.claims", 1, texts(&header, &claims).as_bytes());
    write(dir, "rich.claims", 1, texts(&kid, &rich).as_bytes());
    let odd = json!({ "aud": "rapport", "tid": TENANT, "sub": VIEWER, "scp": ["identifiable"],
        "exp": 253402300799u64, "iat": 0, "jti": "é\u{1F600}", "eps": 100 });
    write(
        dir,
        "far-future.claims",
        1 | 4,
        texts(&json!({ "alg": "EdDSA", "crit": ["b64"] }), &odd).as_bytes(),
    );
    write(dir, "max-clock.claims", 1 | 12, texts(&header, &claims).as_bytes());
}

/// Writes one target's seeds into its folder.
type Seeder<'a> = &'a dyn Fn(&Path);

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("corpus");
    let samples = root.join("../tests/data/graph");
    let targets: [(&str, Seeder); 5] = [
        ("load_people", &people),
        ("load_interactions", &interactions),
        ("load_graph", &|d| graph(d, &samples)),
        ("snapshot", &snapshots),
        ("consent_token", &tokens),
    ];
    for (target, seed) in targets {
        let dir = corpus.join(target);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("corpus folder");
        seed(&dir);
        let bytes: u64 = fs::read_dir(&dir)
            .expect("list")
            .map(|f| f.expect("entry").metadata().expect("size").len())
            .sum();
        println!("{target}: {bytes} bytes");
    }
}
