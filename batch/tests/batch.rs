//! `rapport-batch` against the module's own engine (`rapport::Engine`, whose
//! JSON the wasm module returns as is) on 100,000 demo interactions: the
//! same bytes in process from NDJSON and from Parquet and on a Ballista
//! cluster of one scheduler and two executors started here on loopback;
//! consent refused as the module refuses it (exit status 2, the code on
//! standard error, no output written); an opted-out person's records change
//! nothing, however many a hostile sender adds. Noisy tables, whose noise is
//! fresh on every run, are checked for everything but the draws
//! (`noisy_like_the_module`); `tests/partitioned_noise.rs` in the core checks
//! the same parts byte for byte with a seed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ed25519_dalek::{Signer, SigningKey};
use rapport::insights::aggregates::AggregatesRequest;
use rapport::insights::health::HealthOptions;
use rapport::token::ConsentKey;
use rapport::{DataScope, Engine, EngineOptions, LoadOptions};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_rapport-batch");
const INTERACTIONS: usize = 100_000;
const TENANT: &str = "batch-tenant";

struct Demo {
    dir: PathBuf,
    viewer: String,
    now: String,
    domains: Vec<String>,
}

impl Demo {
    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }
}

/// The demo dataset written by `rapport-batch demo` (the core's generator),
/// once for every test.
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        // Under Cargo's scratch folder for tests, made again on every run.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rapport-batch-demo");
        let _ = std::fs::remove_dir_all(&dir);
        let out = Command::new(BIN)
            .args(["demo", "--interactions", &INTERACTIONS.to_string(), "--seed", "7", "--parquet", "yes"])
            .arg("--out-dir")
            .arg(&dir)
            .output()
            .expect("run demo");
        assert!(out.status.success(), "demo: {}", String::from_utf8_lossy(&out.stderr));
        let meta: Value = serde_json::from_slice(&std::fs::read(dir.join("meta.json")).unwrap()).unwrap();
        Demo {
            viewer: meta["viewer"].as_str().unwrap().to_string(),
            now: meta["now"].as_str().unwrap().to_string(),
            domains: meta["internalDomains"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap().to_string())
                .collect(),
            dir,
        }
    })
}

fn b64(bytes: &[u8]) -> String {
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

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn public_key() -> String {
    b64(key(7).verifying_key().as_bytes())
}

fn clock() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn claims(viewer: &str) -> Value {
    json!({
        "aud": "rapport", "tid": TENANT, "sub": viewer, "scp": ["aggregated"],
        "iat": clock() - 60, "exp": clock() + 3600, "jti": "batch-0001",
    })
}

fn sign_with(signer: &SigningKey, claims: &Value) -> String {
    let header = json!({ "alg": "EdDSA", "typ": "JWT" });
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    format!("{input}.{}", b64(&signer.sign(input.as_bytes()).to_bytes()))
}

/// The demo viewer's token, signed once: the table names its expiry.
fn token(viewer: &str) -> String {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| sign_with(&key(7), &claims(viewer))).clone()
}

/// The demo viewer's token for list views (`identifiable` too).
fn lists_token(viewer: &str) -> String {
    static TOKEN: OnceLock<String> = OnceLock::new();
    let mut c = claims(viewer);
    c["scp"] = json!(["identifiable", "aggregated"]);
    TOKEN.get_or_init(|| sign_with(&key(7), &c)).clone()
}

/// The module's engine: the same options, the token, the directory and
/// every interaction loaded in one call, as a page does.
fn module_engine(people: &str, interactions: &str) -> Engine {
    module_engine_with(people, interactions, &token(&demo().viewer))
}

/// What the module's `relationshipSummaries` gives the team's list view.
fn module_lists(level: &str) -> String {
    let d = demo();
    let e =
        module_engine_with(&d.path("people.json"), &d.path("interactions.ndjson"), &lists_token(&d.viewer));
    let lists =
        e.relationship_summaries(level == "account", DataScope::Team, None, &HealthOptions::default());
    serde_json::to_string(&lists.unwrap()).unwrap()
}

fn module_engine_with(people: &str, interactions: &str, token: &str) -> Engine {
    let d = demo();
    let mut o = EngineOptions::new(&d.viewer, rapport::time::parse_rfc3339(&d.now).unwrap());
    o.internal_domains = d.domains.clone();
    o.consent_key = Some(ConsentKey::from_base64url(&public_key()).unwrap());
    o.tenant = Some(TENANT.to_string());
    let mut e = Engine::new(o).unwrap();
    e.set_consent_token(token, clock() * 1000).unwrap();
    e.load_people(&std::fs::read(people).unwrap(), LoadOptions::default()).unwrap();
    e.load_interactions(&std::fs::read(interactions).unwrap(), LoadOptions::default()).unwrap();
    e
}

fn request(group_by: &str, period: &str, epsilon: Option<&str>) -> AggregatesRequest {
    let mut r = json!({ "groupBy": group_by, "period": period });
    if let Some(e) = epsilon {
        r["noise"] = json!({ "epsilon": e.parse::<f64>().unwrap() });
    }
    rapport::json::parse(&r.to_string(), "options").unwrap()
}

/// What the module answers.
fn module_json(people: &str, interactions: &str, group_by: &str, period: &str) -> String {
    let e = module_engine(people, interactions);
    serde_json::to_string(&e.aggregates(&request(group_by, period, None)).unwrap()).unwrap()
}

/// A noisy table of the batch against the module's on the same data. The
/// noise is fresh on every run (a deployment's engine refuses a fixed seed),
/// so the figures cannot be the same bytes; everything else must be: the
/// cells, the matrix, the noise report and the privacy budget. And the
/// figures must sit around the module's own capped sums: per figure, the
/// deviations summed over the shown cells within six standard deviations
/// of that much noise (measured: under two), for the figures at least nine
/// deviations large, so that a batch that counted every part twice, or lost
/// two thirds of them, fails. (`tests/partitioned_noise.rs` checks the parts
/// themselves byte for byte.)
fn noisy_like_the_module(batch: &str, group_by: &str, period: &str, epsilon: &str) {
    let d = demo();
    let e = module_engine(&d.path("people.json"), &d.path("interactions.ndjson"));
    let req = request(group_by, period, Some(epsilon));
    let module: Value = serde_json::to_value(e.aggregates(&req).unwrap()).unwrap();
    let batch: Value = serde_json::from_str(batch).unwrap();
    let keys = |t: &Value, list: &str, a: &str| -> Vec<(String, String)> {
        let cells = t[list].as_array().unwrap().iter();
        cells.map(|r| (r[a].to_string(), r["period"].to_string())).collect()
    };
    assert_eq!(keys(&batch, "rows", "group"), keys(&module, "rows", "group"), "{group_by}/{period}: cells");
    assert_eq!(
        keys(&batch, "matrix", "from"),
        keys(&module, "matrix", "from"),
        "{group_by}/{period}: matrix"
    );
    for field in ["noise", "epsilonSpent", "epsilonRemaining", "groupBy", "period", "minGroupSize", "scope"] {
        assert_eq!(batch[field], module[field], "{group_by}/{period}: {field}");
    }
    assert_eq!(batch["noise"]["seeded"], false);
    let (_, exact) = e.partial_sums(&req, &|_| true).unwrap();
    let figures: &[(&str, usize, &str)] = if group_by == "department" {
        &[
            ("emailsSent", 0, "emailsSent"),
            ("emailsReceived", 2, "emailsReceived"),
            ("meetings", 3, "meetings"),
        ]
    } else {
        &[("emailsTo", 0, "emailsTo"), ("emailsFrom", 1, "emailsFrom"), ("meetings", 2, "meetings")]
    };
    let rows = batch["rows"].as_array().unwrap();
    let shown: Vec<usize> = (0..rows.len()).filter(|&i| rows[i]["suppressed"] == false).collect();
    let mut tested = 0;
    assert!(shown.len() > 10, "{group_by}/{period}: {} cells shown", shown.len());
    for &(field, family, scale_of) in figures {
        let scale = batch["noise"]["scales"][scale_of].as_f64().unwrap();
        let bound = 6.0 * scale * (2.0 * shown.len() as f64).sqrt();
        let total: u64 = shown.iter().map(|&i| exact.cells[i][family]).sum();
        // Too small to tell (and clamping at zero lifts small figures).
        if (total as f64) < 1.5 * bound {
            continue;
        }
        let deviation: f64 = shown
            .iter()
            .map(|&i| rows[i]["metrics"][field].as_f64().unwrap() - exact.cells[i][family] as f64)
            .sum();
        assert!(deviation.abs() <= bound, "{group_by}/{period} {field}: off by {deviation} (bound {bound})");
        tested += 1;
    }
    assert!(tested > 0, "{group_by}/{period}: no figure large enough to tell");
}

struct Run<'a> {
    people: String,
    interactions: String,
    group_by: &'a str,
    period: &'a str,
    token: String,
    cluster: Option<String>,
    /// More arguments (`--noise-epsilon E`).
    more: Vec<&'a str>,
    /// A list view of this level (`summaries`) instead of a table.
    level: Option<&'a str>,
}

impl<'a> Run<'a> {
    fn new(group_by: &'a str, period: &'a str) -> Run<'a> {
        let d = demo();
        Run {
            people: d.path("people.json"),
            interactions: d.path("interactions.ndjson"),
            group_by,
            period,
            token: token(&d.viewer),
            cluster: None,
            more: Vec::new(),
            level: None,
        }
    }

    /// The batch's exit, and its output file's text when it wrote one.
    fn run(&self) -> (Output, Option<String>) {
        let d = demo();
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let out = d.dir.join(format!("out-{n}.json"));
        let mut c = Command::new(BIN);
        c.arg(if self.level.is_some() { "summaries" } else { "aggregates" });
        c.args(["--people", &self.people, "--interactions", &self.interactions]);
        c.args(["--viewer", &d.viewer, "--internal-domains", &d.domains.join(","), "--now", &d.now]);
        match self.level {
            Some(level) => c.args(["--level", level]),
            None => c.args(["--group-by", self.group_by, "--period", self.period]),
        };
        c.args(["--consent-key", &public_key(), "--tenant", TENANT, "--consent-token", &self.token]);
        if let Some(url) = &self.cluster {
            c.args(["--cluster", url]);
        }
        c.args(&self.more);
        c.arg("--out").arg(&out);
        let output = c.output().expect("run rapport-batch");
        (output, std::fs::read_to_string(&out).ok())
    }

    fn json(&self) -> String {
        let (output, text) = self.run();
        assert!(output.status.success(), "rapport-batch: {}", String::from_utf8_lossy(&output.stderr));
        text.expect("an output file")
    }
}

/// Byte equality, and where the texts part when they do.
#[track_caller]
fn same(actual: &str, expected: &str, what: &str) {
    if actual != expected {
        let at = actual.bytes().zip(expected.bytes()).take_while(|(a, b)| a == b).count();
        let from = at.saturating_sub(200);
        let near = |t: &str| t.get(from..(at + 200).min(t.len())).unwrap_or("").to_string();
        panic!(
            "{what}: {} bytes vs the module's {}; they part at byte {at}:\n batch:  …{}\n module: …{}",
            actual.len(),
            expected.len(),
            near(actual),
            near(expected)
        );
    }
}

const CASES: [(&str, &str); 4] =
    [("department", "week"), ("department", "month"), ("account", "week"), ("account", "month")];

/// Shown cells with figures in them: a comparison of tables of suppressed
/// cells alone would prove little.
fn shown(table: &str) -> usize {
    let t: Value = serde_json::from_str(table).unwrap();
    t["rows"].as_array().unwrap().iter().filter(|r| r["suppressed"] == false).count()
}

#[test]
fn in_process_from_ndjson_and_parquet_the_module_s_bytes() {
    let d = demo();
    for (group_by, period) in CASES {
        let expected = module_json(&d.path("people.json"), &d.path("interactions.ndjson"), group_by, period);
        assert!(shown(&expected) > 0, "{group_by}/{period}: the demo shows some cells");
        let ndjson = Run::new(group_by, period).json();
        same(&ndjson, &expected, &format!("{group_by}/{period} from NDJSON"));
        let parquet =
            Run { interactions: d.path("interactions.parquet"), ..Run::new(group_by, period) }.json();
        same(&parquet, &expected, &format!("{group_by}/{period} from Parquet"));
    }
}

/// A child process stopped when dropped, test failed or not.
struct Stop(Child);
impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port free on loopback with the next one free too (an executor takes both).
fn free_ports() -> u16 {
    loop {
        let a = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = a.local_addr().unwrap().port();
        if port < 65535 && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

fn wait_for(port: u16) {
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing listens on {port}");
}

#[test]
fn on_a_ballista_cluster_of_two_executors_the_module_s_bytes() {
    let d = demo();
    let sched_port = free_ports();
    let scheduler = format!("127.0.0.1:{sched_port}");
    let quiet = |c: &mut Command| {
        c.stdout(Stdio::null()).stderr(Stdio::null());
    };
    let mut c = Command::new(BIN);
    c.args(["scheduler", "--bind", &scheduler]);
    quiet(&mut c);
    let _scheduler = Stop(c.spawn().unwrap());
    wait_for(sched_port);
    let mut executors = Vec::new();
    for i in 0..2 {
        let port = free_ports();
        let work = d.dir.join(format!("executor-{i}"));
        std::fs::create_dir_all(&work).unwrap();
        let mut c = Command::new(BIN);
        c.args(["executor", "--scheduler", &scheduler, "--bind", &format!("127.0.0.1:{port}")]);
        c.arg("--work-dir").arg(&work);
        quiet(&mut c);
        executors.push((Stop(c.spawn().unwrap()), port));
    }
    for (_, port) in &executors {
        wait_for(*port);
    }
    for (group_by, period) in CASES {
        let expected = module_json(&d.path("people.json"), &d.path("interactions.ndjson"), group_by, period);
        let run = Run { cluster: Some(format!("df://{scheduler}")), ..Run::new(group_by, period) };
        same(&run.json(), &expected, &format!("{group_by}/{period} on the cluster"));
    }
    for (group_by, period) in [("department", "month"), ("account", "week")] {
        let more = vec!["--noise-epsilon", "10"];
        let run = Run { cluster: Some(format!("df://{scheduler}")), more, ..Run::new(group_by, period) };
        noisy_like_the_module(&run.json(), group_by, period, "10");
    }
    for level in ["contact", "account"] {
        let run = Run {
            cluster: Some(format!("df://{scheduler}")),
            level: Some(level),
            token: lists_token(&d.viewer),
            ..Run::new("department", "week")
        };
        same(&run.json(), &module_lists(level), &format!("{level} list on the cluster"));
    }
}

/// The team's list views, each line scored against every relationship of
/// the organization as the module scores it; refused without `identifiable`.
#[test]
fn list_views_in_process_the_module_s_bytes() {
    let d = demo();
    for level in ["contact", "account"] {
        let expected = module_lists(level);
        assert!(expected.matches("\"state\":\"scored\"").count() > 20, "{level}: scored lines");
        let run = Run { level: Some(level), token: lists_token(&d.viewer), ..Run::new("department", "week") };
        same(&run.json(), &expected, &format!("{level} list"));
    }
    let (output, written) = Run { level: Some("contact"), ..Run::new("department", "week") }.run();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("CONSENT_REQUIRED: "), "{stderr}");
    assert!(written.is_none());
}

#[test]
fn noisy_tables_in_process_as_the_module_draws_them() {
    for (group_by, period) in [("department", "week"), ("account", "week")] {
        let run = Run { more: vec!["--noise-epsilon", "10"], ..Run::new(group_by, period) };
        noisy_like_the_module(&run.json(), group_by, period, "10");
    }
    // A fixed seed would let anyone who knows it take the noise off: a
    // deployment's engine refuses it, and so does the batch, before reading.
    let run =
        Run { more: vec!["--noise-epsilon", "10", "--noise-seed", "7"], ..Run::new("department", "week") };
    let (output, written) = run.run();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("INVALID_OPTIONS: ") && stderr.contains("noiseSeed"), "{stderr}");
    assert!(written.is_none());
}

/// Tokens a page or a colleague could hand the batch: each refused with the
/// module's code, exit status 2, and nothing written.
#[test]
fn consent_refused_as_the_module_refuses_it() {
    let d = demo();
    let c = claims(&d.viewer);
    let with = |k: &str, v: Value| {
        let mut c = c.clone();
        c[k] = v;
        c
    };
    let cases = [
        ("signed by another key", sign_with(&key(9), &c), "INVALID_CONSENT_TOKEN"),
        ("another tenant", sign_with(&key(7), &with("tid", json!("other-tenant"))), "INVALID_CONSENT_TOKEN"),
        (
            "another viewer",
            sign_with(&key(7), &with("sub", json!("someone@else.example"))),
            "INVALID_CONSENT_TOKEN",
        ),
        ("expired", sign_with(&key(7), &with("exp", json!(clock() - 10))), "INVALID_CONSENT_TOKEN"),
        ("not a token", "not.a.token".to_string(), "INVALID_CONSENT_TOKEN"),
        ("identifiable only", sign_with(&key(7), &with("scp", json!(["identifiable"]))), "CONSENT_REQUIRED"),
    ];
    for (what, token, code) in cases {
        let (output, written) = Run { token, ..Run::new("department", "week") }.run();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{what}: {stderr}");
        assert!(stderr.starts_with(&format!("{code}: ")), "{what}: {stderr}");
        assert!(written.is_none(), "{what}: nothing written");
        assert!(output.stdout.is_empty(), "{what}: nothing printed");
    }
}

/// The directory with `person` opted out.
fn opted_out_directory(people: &str, person: &str, out: &Path) {
    let mut list: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(people).unwrap()).unwrap();
    let p = list.iter_mut().find(|p| p["id"] == person).expect("person listed");
    p["optedOut"] = json!(true);
    std::fs::write(out, serde_json::to_string(&list).unwrap()).unwrap();
}

/// A hostile sender adds mail from and to an opted-out colleague (mail at
/// night, to their whole department, and mail to them alone): the table
/// must not move, in process or against the module.
#[test]
fn an_opted_out_person_changes_nothing_whatever_is_added() {
    let d = demo();
    let people: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(d.path("people.json")).unwrap()).unwrap();
    let internal = |p: &&Value| p["department"].is_string() && p["id"] != d.viewer.as_str();
    let target = people.iter().find(internal).expect("an internal person");
    let (id, dept) = (target["id"].as_str().unwrap(), target["department"].as_str().unwrap());
    let colleagues: Vec<&str> = people
        .iter()
        .filter(|p| p["department"] == dept && p["id"] != id)
        .filter_map(|p| p["id"].as_str())
        .take(6)
        .collect();
    assert!(colleagues.len() >= 2, "colleagues to write to");
    let now = rapport::time::parse_rfc3339(&d.now).unwrap();
    let mut added = std::fs::read_to_string(d.path("interactions.ndjson")).unwrap();
    for i in 0..400 {
        let at = rapport::time::format_rfc3339(now - (i as i64 % 60) * 86_400_000 - 3 * 3_600_000);
        added.push_str(
            &json!({ "id": format!("hostile-{i}"), "kind": "email", "from": id, "to": colleagues, "at": at })
                .to_string(),
        );
        added.push('\n');
        added.push_str(&json!({ "id": format!("hostile-to-{i}"), "kind": "email", "from": colleagues[i % colleagues.len()], "to": [id], "at": at }).to_string());
        added.push('\n');
    }
    let with_added = d.dir.join("with-added.ndjson");
    std::fs::write(&with_added, added).unwrap();
    let opted = d.dir.join("people-opted-out.json");
    opted_out_directory(&d.path("people.json"), id, &opted);
    let opted = opted.to_string_lossy().into_owned();
    let with_added = with_added.to_string_lossy().into_owned();

    let base = Run { people: opted.clone(), ..Run::new("department", "week") }.json();
    let attacked =
        Run { people: opted.clone(), interactions: with_added.clone(), ..Run::new("department", "week") }
            .json();
    same(&attacked, &base, "records of an opted-out person change nothing");
    same(&attacked, &module_json(&opted, &with_added, "department", "week"), "and the module agrees");
    // The same records do move the table of someone not opted out: the
    // comparison above could have failed.
    let plain = Run { interactions: with_added, ..Run::new("department", "week") }.json();
    assert!(plain != Run::new("department", "week").json(), "the added records count when nobody opted out");
}

/// A reply whose `inReplyTo` is both the id of an internal e-mail and the
/// Message-ID of the account contact's e-mail: the engine reads it as the
/// id (the internal e-mail, so no reply to the account is counted). A batch
/// that routed to the account only the e-mails naming it would resolve the
/// Message-ID instead and count a reply the module does not.
#[test]
fn a_reply_naming_an_e_mail_outside_the_account_is_read_as_the_module_reads_it() {
    let d = demo();
    let base = module_json(&d.path("people.json"), &d.path("interactions.ndjson"), "account", "week");
    let t: Value = serde_json::from_str(&base).unwrap();
    let row = t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|r| r["suppressed"] == false && r["metrics"]["averageReplyMinutes"].is_number())
        .expect("a shown account week with replies");
    let (account, week) = (row["group"].as_str().unwrap(), row["period"].as_str().unwrap());
    let people: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(d.path("people.json")).unwrap()).unwrap();
    let contact =
        people.iter().find(|p| p["accountId"] == account && p["internal"] != true).expect("a contact");
    let inside: Vec<&str> =
        people.iter().filter(|p| p["internal"] == true).filter_map(|p| p["id"].as_str()).take(2).collect();
    let (x, a, b) = (contact["id"].as_str().unwrap(), inside[0], inside[1]);
    let start = rapport::time::parse_rfc3339(&format!("{week}T00:00:00Z")).unwrap() + 2 * 86_400_000;
    let at = |i: usize, h: i64| rapport::time::format_rfc3339(start + i as i64 * 600_000 + h * 3_600_000);
    let mut text = std::fs::read_to_string(d.path("interactions.ndjson")).unwrap();
    for i in 0..10 {
        let named = format!("<collide-{i}@attack.example>");
        let records = [
            json!({ "id": named, "kind": "email", "from": a, "to": [b], "at": at(i, 1) }),
            json!({ "id": format!("asked-{i}"), "kind": "email", "from": x, "to": [a], "at": at(i, 0), "messageId": named }),
            json!({ "id": format!("answer-{i}"), "kind": "email", "from": a, "to": [x], "at": at(i, 3), "inReplyTo": named }),
        ];
        for r in records {
            text.push_str(&r.to_string());
            text.push('\n');
        }
    }
    let path = d.dir.join("through.ndjson");
    std::fs::write(&path, text).unwrap();
    let path = path.to_string_lossy().into_owned();
    let expected = module_json(&d.path("people.json"), &path, "account", "week");
    assert!(expected != base, "the added e-mails move the module's table");
    same(&Run { interactions: path, ..Run::new("account", "week") }.json(), &expected, "account/week");
}
