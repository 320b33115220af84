//! Tests of the demo generator: determinism, exact record counts, well-formed
//! records, and the dataset's promised shape.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

use super::calendar::{push_time, DAY, END, END_DAY, SPAN_DAYS};
use super::random::{exp, ln};
use super::records::push_cased;
use super::{demo_dataset, DemoDataset, DemoFormat, DemoOptions, DemoStream};
use rapport::time::civil::{civil_from_days, days_from_civil, weekday};
use rapport::time::{parse_rfc3339, WorkingHours};

fn gen(seed: u64, n: usize, format: DemoFormat) -> DemoDataset {
    demo_dataset(&DemoOptions { seed, interactions: n, format })
}

fn records(d: &DemoDataset) -> Vec<Value> {
    if d.interactions.trim_start().starts_with('[') {
        match serde_json::from_str::<Value>(&d.interactions) {
            Ok(Value::Array(v)) => v,
            other => panic!("interactions are not a JSON array: {other:?}"),
        }
    } else {
        d.interactions
            .lines()
            .map(|l| match serde_json::from_str::<Value>(l) {
                Ok(v) => v,
                Err(e) => panic!("bad NDJSON line {l}: {e}"),
            })
            .collect()
    }
}

fn people(d: &DemoDataset) -> Vec<Value> {
    match serde_json::from_str::<Value>(&d.people) {
        Ok(Value::Array(v)) => v,
        other => panic!("people are not a JSON array: {other:?}"),
    }
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn addrs(v: &Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

/// Lower-case address (or alias) -> canonical directory id.
fn directory(p: &[Value]) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for x in p {
        let id = s(x, "id").to_string();
        m.insert(id.clone(), id.clone());
        for a in addrs(x, "aliases") {
            assert!(m.insert(a.to_lowercase(), id.clone()).is_none(), "alias clash {a}");
        }
    }
    m
}

fn time_text(t: i64) -> String {
    let mut o = String::new();
    push_time(&mut o, t);
    o
}

fn is_rfc3339_utc(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
        && b.iter().enumerate().all(|(i, c)| [4, 7, 10, 13, 16, 19].contains(&i) || c.is_ascii_digit())
}

#[test]
fn calendar_and_math() {
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(END, 1_793_379_600);
    assert_eq!(weekday(END_DAY), 5, "2026-10-30 is a Friday");
    for z in [-800_000i64, -1, 0, 59, 10_957, 11_016, 20_000, 2_932_896] {
        let (y, m, d) = civil_from_days(z);
        assert_eq!(days_from_civil(y, m, d), z);
    }
    assert_eq!(time_text(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(time_text(END), "2026-10-30T17:00:00Z");
    assert_eq!(time_text(END + 59 * 60 + 7), "2026-10-30T17:59:07Z");
    for &x in &[1e-300, 1e-9, 0.001, 0.5, 0.999, 1.0, 1.5, 2.0, 10.0, 1e6, 1e300] {
        let r = (ln(x) - x.ln()).abs() / x.ln().abs().max(1.0);
        assert!(r < 1e-13, "ln({x})");
    }
    for &x in &[-700.0, -20.0, -1.0, -1e-9, 0.0, 0.3, 1.0, 5.5, 40.0, 700.0] {
        let r = (exp(x) - x.exp()).abs() / x.exp();
        assert!(r < 1e-13, "exp({x})");
    }
    let mut o = String::new();
    push_cased(&mut o, "ada.lovelace@northwind.example", 1);
    assert_eq!(o, "Ada.Lovelace@Northwind.example");
    o.clear();
    push_cased(&mut o, "ada.lovelace@northwind.example", 2);
    assert_eq!(o, "ADA.LOVELACE@NORTHWIND.EXAMPLE");
    o.clear();
    push_cased(&mut o, "ada.lovelace@contoso-7.example", 3);
    assert_eq!(o, "Ada.Lovelace@contoso-7.example");
}

#[test]
fn deterministic() {
    for format in [DemoFormat::Json, DemoFormat::Ndjson] {
        let a = gen(7, 3_000, format);
        let b = gen(7, 3_000, format);
        assert_eq!(a.people, b.people);
        assert_eq!(a.interactions, b.interactions);
        assert_eq!((a.viewer, a.now, a.internal_domains), (b.viewer, b.now, b.internal_domains));
        let c = gen(8, 3_000, format);
        assert_ne!(a.interactions, c.interactions);
        assert_ne!(a.people, c.people);
    }
    let d = DemoOptions::default();
    assert_eq!((d.seed, d.interactions, d.format), (42, 10_000, DemoFormat::Json));
}

#[test]
fn exact_counts() {
    for n in [0usize, 1, 2, 3, 7, 100, 1_001, 50_000] {
        for format in [DemoFormat::Json, DemoFormat::Ndjson] {
            let d = gen(42, n, format);
            assert_eq!(records(&d).len(), n, "n = {n} {format:?}");
            if format == DemoFormat::Ndjson {
                assert_eq!(d.interactions.lines().count(), n);
                assert!(d.interactions.lines().all(|l| l.starts_with('{')));
            }
            assert!(people(&d).len() >= 8);
        }
    }
}

#[test]
fn json_and_ndjson_carry_the_same_records() {
    for n in [1usize, 100, 5_000] {
        let a = gen(3, n, DemoFormat::Json);
        let b = gen(3, n, DemoFormat::Ndjson);
        assert_eq!(a.people, b.people);
        assert_eq!(records(&a), records(&b));
    }
}

/// Checks every record of a dataset; returns it for further checks.
fn check_records(d: &DemoDataset) -> Vec<Value> {
    let recs = records(d);
    let dir = directory(&people(d));
    let canon = |a: &str| -> String {
        match dir.get(&a.to_lowercase()) {
            Some(id) => id.clone(),
            None => panic!("address {a} is not in the directory"),
        }
    };
    let mut by_id: HashMap<String, &Value> = HashMap::new();
    for r in &recs {
        let id = s(r, "id");
        assert!(!id.is_empty());
        assert!(by_id.insert(id.to_string(), r).is_none(), "duplicate id {id}");
    }
    let start = time_text(END - SPAN_DAYS * DAY);
    let latest_future = time_text(END + 30 * DAY);
    let mut max_email = String::new();
    for r in &recs {
        let kind = s(r, "kind");
        let id = s(r, "id");
        let at = s(r, "at");
        assert!(is_rfc3339_utc(at), "{id}: at {at}");
        let from = s(r, "from");
        assert!(!from.is_empty(), "{id}: from");
        let from_c = canon(from);
        let to = addrs(r, "to");
        assert!(!to.is_empty(), "{id}: empty to");
        let cc = addrs(r, "cc");
        let mut seen = vec![from_c.clone()];
        for a in to.iter().chain(cc.iter()) {
            let c = canon(a);
            assert!(!seen.contains(&c), "{id}: {a} repeated or equal to from");
            seen.push(c);
        }
        assert!(to.len() <= 7);
        match kind {
            "email" => {
                assert!(to.len() <= 4, "{id}: {} recipients", to.len());
                assert!(id.starts_with('e'));
                assert!(!s(r, "threadId").is_empty(), "{id}: threadId");
                assert!(r.get("durationMinutes").is_none());
                assert!(at >= start.as_str() && at <= time_text(END).as_str(), "{id}: {at}");
                if at > max_email.as_str() {
                    max_email = at.to_string();
                }
                if let Some(parent) = r.get("inReplyTo") {
                    let pid = parent.as_str().unwrap_or("");
                    let p = match by_id.get(pid) {
                        Some(p) => *p,
                        None => panic!("{id}: inReplyTo {pid} does not exist"),
                    };
                    assert_eq!(s(p, "kind"), "email");
                    assert_eq!(s(p, "threadId"), s(r, "threadId"), "{id}: thread");
                    assert!(s(p, "at") <= at, "{id}: reply before its parent");
                    // The reply comes from one of the parent's recipients.
                    let p_to: Vec<String> = addrs(p, "to").iter().map(|a| canon(a)).collect();
                    assert!(p_to.contains(&from_c), "{id}: reply from a non-recipient");
                }
            }
            "meeting" => {
                assert!(id.starts_with('m'));
                let m = r.get("durationMinutes").and_then(Value::as_u64);
                assert!(matches!(m, Some(15 | 30 | 45 | 60 | 90)), "{id}: {m:?}");
                assert!(to.len() + 1 >= 2 && to.len() < 8);
                assert!(at >= start.as_str() && at <= latest_future.as_str(), "{id}: {at}");
            }
            "call" => {
                assert!(id.starts_with('c'));
                assert_eq!(to.len(), 1);
                let m = r.get("durationMinutes").and_then(Value::as_u64);
                assert!(matches!(m, Some(2..=60)), "{id}: {m:?}");
                assert!(at >= start.as_str() && at <= time_text(END).as_str(), "{id}: {at}");
            }
            other => panic!("{id}: kind {other}"),
        }
    }
    if !max_email.is_empty() {
        assert_eq!(max_email, d.now, "now is the latest e-mail");
    }
    recs
}

#[test]
fn records_are_well_formed_at_several_sizes() {
    for (seed, n) in [(1u64, 1usize), (2, 2), (5, 100), (42, 10_000), (9, 50_000)] {
        let d = gen(seed, n, DemoFormat::Json);
        check_records(&d);
        assert_eq!(d.now, "2026-10-30T17:00:00Z");
    }
}

/// A salesperson knows an account by its name, not its id: every contact
/// carries its account's name, the same for all of one account's contacts,
/// and no two accounts share one (a company's later accounts are its
/// divisions), up to the largest demo's 1,500 accounts.
#[test]
fn every_account_has_a_name_its_contacts_share_and_no_other_account_has() {
    for n in [40, 10_000, 1_000_000] {
        let d = gen(42, n, DemoFormat::Ndjson);
        let mut names: HashMap<String, String> = HashMap::new();
        for person in people(&d).iter().filter(|p| p["internal"] == Value::Bool(false)) {
            let (account, name) = (s(person, "accountId"), s(person, "accountName"));
            assert!(!name.is_empty() && name != account, "{person}");
            let first = names.entry(account.to_string()).or_insert_with(|| name.to_string());
            assert_eq!(first, name, "two names for {account}");
        }
        let distinct: std::collections::HashSet<&String> = names.values().collect();
        assert_eq!(distinct.len(), names.len(), "two accounts share a name at {n}");
        assert!(names.values().any(|v| v == "Woodgrove Bank") || n < 10_000, "{names:?}");
    }
}

#[test]
fn shape_at_ten_thousand() {
    let d = gen(42, 10_000, DemoFormat::Ndjson);
    let recs = check_records(&d);
    let ppl = people(&d);
    assert_eq!(d.internal_domains, vec!["northwind.example".to_string()]);
    let suffix = format!("@{}", d.internal_domains[0]);

    // Directory.
    let mut ids = std::collections::HashSet::new();
    let mut depts = BTreeMap::new();
    let mut accounts = std::collections::BTreeSet::new();
    let (mut internal, mut opted_int, mut opted_ext, mut aliases) = (0, 0, 0, Vec::new());
    for p in &ppl {
        let id = s(p, "id");
        assert_eq!(id, id.to_lowercase());
        assert!(ids.insert(id.to_string()));
        assert!(!s(p, "name").is_empty());
        let is_int = p.get("internal").and_then(Value::as_bool);
        assert_eq!(is_int, Some(id.ends_with(&suffix)));
        if is_int == Some(true) {
            internal += 1;
            *depts.entry(s(p, "department").to_string()).or_insert(0) += 1;
        } else {
            let acc = s(p, "accountId");
            assert!(id.ends_with(&format!("@{acc}.example")));
            accounts.insert(acc.to_string());
        }
        if p.get("optedOut").and_then(Value::as_bool) == Some(true) {
            assert_ne!(id, d.viewer);
            if is_int == Some(true) {
                opted_int += 1;
            } else {
                opted_ext += 1;
            }
        }
        aliases.extend(addrs(p, "aliases"));
    }
    assert!((30..=60).contains(&internal), "{internal} internal people");
    assert_eq!(depts.len(), 8, "{depts:?}");
    assert!((40..=80).contains(&accounts.len()), "{} accounts", accounts.len());
    assert!(opted_int >= 1 && opted_ext >= 1, "{opted_int} + {opted_ext} opted out");
    assert!(aliases.len() >= 3);

    // The viewer: internal, in Sales, the most active internal person.
    let viewer = ppl.iter().find(|p| s(p, "id") == d.viewer);
    assert!(matches!(viewer, Some(v) if s(v, "department") == "Sales"));
    let mut activity: HashMap<String, usize> = HashMap::new();
    let dir = directory(&ppl);
    let (mut mixed, mut occurrences, mut alias_used) = (0, 0, false);
    let (mut future, mut cancelled, mut after_hours, mut emails) = (0, 0, 0, 0);
    let hours = WorkingHours::default();
    let mut kinds = BTreeMap::new();
    for r in &recs {
        *kinds.entry(s(r, "kind").to_string()).or_insert(0) += 1;
        let mut all = vec![s(r, "from").to_string()];
        all.extend(addrs(r, "to"));
        all.extend(addrs(r, "cc"));
        for a in &all {
            occurrences += 1;
            if *a != a.to_lowercase() {
                mixed += 1;
            }
            if aliases.contains(&a.to_lowercase()) {
                alias_used = true;
            }
            let c = dir.get(&a.to_lowercase()).cloned().unwrap_or_default();
            *activity.entry(c).or_insert(0) += 1;
        }
        let at = s(r, "at");
        if s(r, "kind") == "meeting" {
            if at > d.now.as_str() {
                future += 1;
            }
            if r.get("cancelled").and_then(Value::as_bool) == Some(true) {
                cancelled += 1;
            }
        }
        if s(r, "kind") == "email" {
            emails += 1;
            // As the after-hours share counts it: outside the default working hours.
            if !hours.contains(parse_rfc3339(at).expect("an RFC 3339 time")) {
                after_hours += 1;
            }
        }
    }
    assert_eq!(kinds.get("email"), Some(&7_000));
    assert_eq!(kinds.get("meeting"), Some(&2_000));
    assert_eq!(kinds.get("call"), Some(&1_000));
    assert!((1..=100).contains(&future), "{future} future meetings");
    assert!((1..=150).contains(&cancelled), "{cancelled} cancelled meetings");
    assert!(alias_used, "no alias used in interactions");
    let share = mixed as f64 / occurrences as f64;
    assert!((0.03..0.08).contains(&share), "mixed-case share {share}");
    let ah = after_hours as f64 / emails as f64;
    assert!((0.04..0.2).contains(&ah), "after-hours share {ah}");
    let top =
        activity.iter().filter(|(k, _)| k.ends_with(&suffix)).max_by_key(|(_, &v)| v).map(|(k, _)| k.clone());
    assert_eq!(top.as_deref(), Some(d.viewer.as_str()));
}

#[test]
fn small_datasets_still_have_the_features() {
    let d = gen(11, 100, DemoFormat::Json);
    let ppl = people(&d);
    assert!(ppl.len() < 150, "{} people for 100 interactions", ppl.len());
    let opted = ppl.iter().filter(|p| p.get("optedOut").and_then(Value::as_bool) == Some(true)).count();
    assert!(opted >= 2);
    let recs = records(&d);
    assert!(recs.iter().any(|r| s(r, "kind") == "meeting" && s(r, "at") > d.now.as_str()));
    // The first thread's first e-mail uses an alias.
    let aliases: Vec<String> = ppl.iter().flat_map(|p| addrs(p, "aliases")).collect();
    assert!(recs.iter().any(|r| addrs(r, "to").iter().any(|a| aliases.contains(&a.to_lowercase()))));
}

#[test]
fn a_stream_gives_the_whole_ndjson_text_in_chunks_of_whole_lines() {
    for (seed, n) in [(42, 0), (42, 1), (7, 2), (42, 3_000), (5, 12_345)] {
        let whole = gen(seed, n, DemoFormat::Ndjson);
        for min_bytes in [0, 1, 300, 4_096, 1 << 20, usize::MAX] {
            // The format asked for is not read: a stream is NDJSON.
            let mut stream =
                DemoStream::new(&DemoOptions { seed, interactions: n, format: DemoFormat::Json });
            assert_eq!(
                (&stream.people, &stream.viewer, &stream.now),
                (&whole.people, &whole.viewer, &whole.now)
            );
            assert_eq!(stream.internal_domains(), whole.internal_domains);
            let mut text = String::new();
            let mut chunks = 0;
            while let Some(chunk) = stream.next_chunk(min_bytes) {
                assert!(
                    chunk.ends_with('\n'),
                    "seed {seed}, {n}, chunk {chunks} of {min_bytes}+ bytes cuts a line"
                );
                assert!(chunk.len() >= min_bytes.min(1) && chunks < n.max(1), "an empty or extra chunk");
                text.push_str(chunk);
                chunks += 1;
            }
            assert!(stream.next_chunk(min_bytes).is_none(), "a chunk after the end");
            assert_eq!(
                text, whole.interactions,
                "seed {seed}, {n} interactions, chunks of {min_bytes}+ bytes"
            );
            if min_bytes == 300 && n > 100 {
                assert!(chunks > n / 10, "{chunks} chunks of 300+ bytes for {n} records");
            }
        }
    }
}
