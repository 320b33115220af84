//! Introduction paths and who knows whom as a salesperson reads them (issue
//! 15, points 1 and 2): a direct tie is listed first, a longer chain
//! outranks a shorter one only when it is clearly stronger, and who knows
//! whom never lists the viewer. Expected strengths come from a naive
//! reimplementation of the README's formula written here, not from
//! rapport's own output.

mod common;

use common::*;
use rapport::insights::paths::IntroductionPath;
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
            out.push(
                json!({ "id": format!("t{k}-{i}"), "kind": "email", "from": from, "to": [to], "at": at }),
            );
        }
    }
    Value::Array(out)
}

/// The README's connection strength, read naively: e-mails weigh 1, decay
/// with a 90-day half-life; `(1 − 2^(−activity/4)) × (0.6 + 0.4 × min/max)`.
fn naive_strength(t: &Tie) -> f64 {
    let now = ms(NOW) as f64;
    let activity: f64 =
        mails(t).iter().map(|&(_, _, at)| 0.5f64.powf((now - at as f64) / (90.0 * 86_400_000.0))).sum();
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

fn paths(e: &Engine, hop_penalty: Option<f64>) -> Vec<IntroductionPath> {
    e.introduction_paths(&cleo(), Some(10), Some(3), hop_penalty).unwrap()
}

fn people_of(list: &[IntroductionPath]) -> Vec<Vec<String>> {
    list.iter().map(|p| p.people.clone()).collect()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The naive strength of a chain of ties: the product of its ties'.
fn chain(ties: &[Tie]) -> f64 {
    ties.iter().map(naive_strength).product()
}

/// The case: the viewer's strongest contact (121 e-mails, mostly
/// the viewer's: a one-way tie keeps 60% of its strength) and a three-hop
/// chain of balanced, busy ties whose raw product is higher. The direct
/// tie comes first, marked direct, whatever the hop penalty.
#[test]
fn a_direct_tie_is_listed_first_even_below_a_chain() {
    let ties = [
        tie(ADA, CLEO, 100, 21, 0),
        tie(ADA, BOB, 20, 20, 1),
        tie(BOB, GUS, 20, 20, 1),
        tie(GUS, CLEO, 20, 20, 1),
    ];
    let direct = naive_strength(&ties[0]);
    let three = chain(&ties[1..]);
    assert!(
        three > direct,
        "the attack needs a chain whose raw product beats the direct tie ({three} vs {direct})"
    );
    let e = engine_with(&ties);
    for penalty in [None, Some(1.0)] {
        let got = paths(&e, penalty);
        assert_eq!(people_of(&got), [ids(&[ADA, CLEO]), ids(&[ADA, BOB, GUS, CLEO])], "penalty {penalty:?}");
        assert!(got[0].direct && got[0].introduction.is_none());
        assert_eq!((got[0].strength, got[0].score), (direct, direct));
        assert!(!got[1].direct);
        assert_eq!(got[1].strength, round4(three));
        assert_eq!(got[1].score, round4(three * penalty.unwrap_or(0.5).powi(2)));
    }
    // `top` 1: the direct tie alone.
    let one = e.introduction_paths(&cleo(), Some(1), None, None).unwrap();
    assert_eq!(people_of(&one), [ids(&[ADA, CLEO])]);

    // What asking for the introduction needs: Bob to ask, the evidence of
    // Ada–Bob and of Gus–Cleo, and a message naming the people on the path.
    let intro = paths(&e, None)[1].introduction.clone().expect("a chain offers an introduction");
    assert_eq!((intro.ask.as_str(), intro.ask_name.as_deref()), (BOB, Some("Bob")));
    assert_eq!((intro.viewer_tie.from.as_str(), intro.viewer_tie.to.as_str()), (ADA, BOB));
    assert_eq!((intro.contact_tie.from.as_str(), intro.contact_tie.to.as_str()), (GUS, CLEO));
    assert_eq!(intro.viewer_tie.strength, naive_strength(&ties[1]));
    assert_eq!(intro.contact_tie.strength, naive_strength(&ties[3]));
    let last = rapport::time::format_rfc3339(ms(NOW) - DAY_MS);
    for t in [&intro.viewer_tie, &intro.contact_tie] {
        let ev = &t.evidence;
        assert_eq!((ev.emails, ev.meetings, ev.calls), (40, 0, 0));
        assert_eq!(ev.last_interaction_at.as_deref(), Some(last.as_str()));
    }
    assert_eq!(
        intro.message,
        "Hi Bob,\n\nI would like to be introduced to Cleo. Gus has been in touch with them (40 e-mails, \
         most recently on 2026-03-30). Could you put me in touch with Gus, or pass my request on?\n\nThanks,\nAda"
    );
}

/// A weak direct tie (one e-mail of Ada's, 80 days old) is still listed
/// first, but a chain clearly stronger scores above it and above a weaker
/// shorter chain: a three-hop chain of busy ties (0.99 raw, 0.25 × that
/// scored) before a two-hop one of two e-mails a tie (0.09 raw).
#[test]
fn a_chain_clearly_stronger_outranks_a_shorter_one() {
    let ties = [
        tie(ADA, CLEO, 1, 0, 80),
        tie(ADA, BOB, 20, 20, 1),
        tie(BOB, GUS, 20, 20, 1),
        tie(GUS, CLEO, 20, 20, 1),
        tie(ADA, HAL, 1, 1, 2),
        tie(HAL, CLEO, 1, 1, 2),
    ];
    let (direct, three, two) = (naive_strength(&ties[0]), chain(&ties[1..4]), chain(&ties[4..]));
    assert!(three * 0.25 > two * 0.5 && three * 0.25 > direct);
    let e = engine_with(&ties);
    let got = paths(&e, None);
    assert_eq!(people_of(&got), [ids(&[ADA, CLEO]), ids(&[ADA, BOB, GUS, CLEO]), ids(&[ADA, HAL, CLEO])]);
    assert!(got[1].score > got[0].score, "the host can see the chain is the better way in");
    assert_eq!(got[2].score, round4(two * 0.5));
    let intro = got[2].introduction.as_ref().unwrap();
    assert_eq!(
        intro.message,
        "Hi Hal,\n\nCould you introduce me to Cleo? You have been in touch with them (2 e-mails, most \
         recently on 2026-03-29).\n\nThanks,\nAda"
    );
}

/// A longer chain only a little stronger than a shorter one (raw 0.99
/// against 0.54: under twice) ranks below it; `hopPenalty` 1 ranks by raw
/// strength; out-of-range penalties are refused.
#[test]
fn the_hop_penalty_decides_between_chains() {
    let ties = [
        tie(ADA, BOB, 20, 20, 1),
        tie(BOB, GUS, 20, 20, 1),
        tie(GUS, CLEO, 20, 20, 1),
        tie(ADA, HAL, 4, 4, 2),
        tie(HAL, CLEO, 4, 4, 2),
    ];
    let (three, two) = (chain(&ties[..3]), chain(&ties[3..]));
    assert!(three > two && three * 0.25 < two * 0.5, "{three} {two}");
    let e = engine_with(&ties);
    let (long, short) = (ids(&[ADA, BOB, GUS, CLEO]), ids(&[ADA, HAL, CLEO]));
    assert_eq!(people_of(&paths(&e, None)), [short.clone(), long.clone()]);
    assert_eq!(people_of(&paths(&e, Some(0.5))), [short.clone(), long.clone()]);
    assert_eq!(people_of(&paths(&e, Some(1.0))), [long.clone(), short.clone()]);
    // Penalised hard enough, the short chain wins by far.
    let got = paths(&e, Some(0.1));
    assert_eq!((got[0].score, got[1].score), (round4(two * 0.1), round4(three * 0.01)));
    for bad in [0.0, -0.5, 1.0001, 2.0, f64::NAN, f64::INFINITY] {
        let err = e.introduction_paths(&cleo(), None, None, Some(bad)).unwrap_err();
        assert_eq!(err.code(), "INVALID_OPTIONS", "{bad}");
        assert!(err.to_string().contains("hopPenalty"), "{err}");
    }
}

/// Who knows whom lists colleagues: the viewer, Cleo's busiest
/// correspondent, is not among them; their tie is reported apart.
#[test]
fn who_knows_whom_never_lists_the_viewer() {
    let ties = [tie(ADA, CLEO, 60, 60, 0), tie(BOB, CLEO, 2, 1, 3), tie(GUS, CLEO, 1, 0, 10)];
    let e = engine_with(&ties);
    let w = e.who_knows_whom(&cleo(), None).unwrap();
    let listed: Vec<(&str, f64)> = w.colleagues.iter().map(|k| (k.id.as_str(), k.strength)).collect();
    assert_eq!(listed, [(BOB, naive_strength(&ties[1])), (GUS, naive_strength(&ties[2]))]);
    let mine = w.viewer_tie.as_ref().expect("Ada deals with Cleo");
    assert_eq!(mine.strength, naive_strength(&ties[0]));
    assert_eq!((mine.evidence.emails, mine.evidence.meetings, mine.evidence.calls), (120, 0, 0));
    assert_eq!(mine.evidence.last_interaction_at.as_deref(), Some("2026-03-31T00:00:00Z"));
    // `top` counts colleagues only.
    let top1 = e.who_knows_whom(&cleo(), Some(1)).unwrap();
    assert_eq!(top1.colleagues.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(), [BOB]);
    let account = e.who_knows_whom(&Target::Account("contoso".into()), Some(100)).unwrap();
    assert!(account.colleagues.iter().all(|k| k.id != ADA) && account.viewer_tie.is_some());
    let json = serde_json::to_value(&w).unwrap();
    assert_eq!(json["viewerTie"]["evidence"]["emails"], 120);

    // Without a tie of the viewer's: null.
    let e = engine_with(&ties[1..]);
    let w = serde_json::to_value(e.who_knows_whom(&cleo(), None).unwrap()).unwrap();
    assert_eq!(w["viewerTie"], Value::Null);
    assert_eq!(w["colleagues"].as_array().unwrap().len(), 2);
}
