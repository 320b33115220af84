//! Introduction paths and who knows whom as a salesperson reads them (issue
//! 15, points 1 and 2): a direct tie is listed first, a longer chain
//! outranks a shorter one only when it is clearly stronger, and who knows
//! whom never lists the viewer. Expected strengths come from a naive
//! reimplementation of the README's formula written here, not from
//! rapport's own output.

mod common;

use common::*;
use rapport::{Consent, Engine, Target};
use serde_json::{json, Value};

const NOW: &str = "2026-03-31T00:00:00Z";
const GUS: &str = "gus@northwind.example";
const HAL: &str = "hal@northwind.example";

fn people() -> Value {
    json!([
        { "id": ADA, "name": "Ada", "department": "Sales" },
        { "id": BOB, "name": "Bob", "department": "Support" },
        { "id": GUS, "name": "Gus", "department": "Support" },
        { "id": HAL, "name": "Hal", "department": "Sales" },
        { "id": CLEO, "name": "Cleo", "accountId": "contoso" },
    ])
}

/// A tie: `a` wrote `a_sent` e-mails to `b` and `b` wrote `b_sent` back,
/// one a day, the latest `days_ago` days before `NOW`.
struct Tie {
    a: &'static str,
    b: &'static str,
    a_sent: u32,
    b_sent: u32,
    days_ago: i64,
}

fn tie(a: &'static str, b: &'static str, a_sent: u32, b_sent: u32, days_ago: i64) -> Tie {
    Tie { a, b, a_sent, b_sent, days_ago }
}

const DAY_MS: i64 = 86_400_000;

/// Each e-mail of a tie: sender, recipient, time (epoch ms).
fn mails(t: &Tie) -> Vec<(&'static str, &'static str, i64)> {
    let now = ms(NOW);
    let n = t.a_sent + t.b_sent;
    (0..n)
        .map(|i| {
            let at = now - (t.days_ago + i64::from(i)) * DAY_MS;
            if i < t.a_sent {
                (t.a, t.b, at)
            } else {
                (t.b, t.a, at)
            }
        })
        .collect()
}

fn data(ties: &[Tie]) -> Value {
    let mut out = Vec::new();
    for (k, t) in ties.iter().enumerate() {
        for (i, (from, to, at)) in mails(t).into_iter().enumerate() {
            out.push(json!({ "id": format!("t{k}-{i}"), "kind": "email", "from": from, "to": [to], "at": at }));
        }
    }
    Value::Array(out)
}

/// The README's connection strength, read naively: e-mails weigh 1, decay
/// with a 90-day half-life; `(1 − 2^(−activity/4)) × (0.6 + 0.4 × min/max)`.
fn naive_strength(t: &Tie) -> f64 {
    let now = ms(NOW) as f64;
    let activity: f64 = mails(t).iter().map(|&(_, _, at)| 0.5f64.powf((now - at as f64) / (90.0 * 86_400_000.0))).sum();
    let (lo, hi) = (t.a_sent.min(t.b_sent), t.a_sent.max(t.b_sent));
    let reciprocity = if hi == 0 { 1.0 } else { f64::from(lo) / f64::from(hi) };
    let s = (1.0 - 0.5f64.powf(activity / 4.0)) * (0.6 + 0.4 * reciprocity);
    (s * 10_000.0).round() / 10_000.0
}

fn engine_with(ties: &[Tie]) -> Engine {
    let mut e = engine(ADA, Consent { aggregated: false, identifiable: true }, NOW);
    load(&mut e, &people(), &data(ties));
    e
}

fn cleo() -> Target {
    Target::Contact(CLEO.into())
}

fn people_of(e: &Engine, max_hops: u32) -> Vec<Vec<String>> {
    e.introduction_paths(&cleo(), Some(10), Some(max_hops)).unwrap().into_iter().map(|p| p.people).collect()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The case: the viewer's strongest contact (121 e-mails, mostly
/// the viewer's: a one-way tie keeps 60% of its strength) and a three-hop
/// chain of balanced, busy ties whose raw product is higher. The direct
/// tie comes first.
#[test]
fn a_direct_tie_is_listed_first_even_below_a_chain() {
    let ties = [
        tie(ADA, CLEO, 100, 21, 0),
        tie(ADA, BOB, 20, 20, 1),
        tie(BOB, GUS, 20, 20, 1),
        tie(GUS, CLEO, 20, 20, 1),
    ];
    let direct = naive_strength(&ties[0]);
    let chain: f64 = ties[1..].iter().map(naive_strength).product();
    assert!(chain > direct, "the attack needs a chain whose raw product beats the direct tie ({chain} vs {direct})");
    let e = engine_with(&ties);
    let got = people_of(&e, 3);
    assert_eq!(got, [ids(&[ADA, CLEO]), ids(&[ADA, BOB, GUS, CLEO])]);
}

/// Who knows whom lists colleagues: the viewer, Cleo's busiest
/// correspondent, is not among them.
#[test]
fn who_knows_whom_never_lists_the_viewer() {
    let ties = [tie(ADA, CLEO, 60, 60, 0), tie(BOB, CLEO, 2, 1, 3), tie(GUS, CLEO, 1, 0, 10)];
    let e = engine_with(&ties);
    let w = e.who_knows_whom(&cleo(), None).unwrap();
    let listed: Vec<&str> = w.colleagues.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(listed, [BOB, GUS]);
    let account = e.who_knows_whom(&Target::Account("contoso".into()), Some(100)).unwrap();
    assert!(account.colleagues.iter().all(|k| k.id != ADA));
}
