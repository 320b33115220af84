//! Differentially private aggregates (SPEC 4.4, issue 4): the guarantee one
//! person's records get, the cache, the budget, and the options around them.

mod common;

use std::collections::BTreeMap;

use chrono::DateTime;
use common::naive::norm;
use rapport::consent::{Gate, Retention};
use rapport::insights::aggregates::noisy::{sensitivities, CappedSums};
use rapport::insights::aggregates::{capped_sums, Caps};
use rapport::insights::aggregates::{periods, AggregateTable, Metrics};
use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Noise, Period};
use rapport::store::Store;
use rapport::time::{Window, WorkingHours, DAY_MS};
use rapport::{Consent, Engine, EngineOptions, LoadOptions};
use rapport_demo::{demo_dataset, DemoDataset, DemoFormat, DemoOptions};
use serde_json::Value;

fn demo(interactions: usize) -> DemoDataset {
    demo_dataset(&DemoOptions { seed: 3, interactions, format: DemoFormat::Json })
}

fn options(demo: &DemoDataset, seed: Option<u64>, budget: f64) -> EngineOptions {
    let mut o = EngineOptions::new(&demo.viewer, common::ms(&demo.now));
    o.internal_domains = demo.internal_domains.clone();
    o.consent = Consent { aggregated: true, identifiable: false };
    o.noise_seed = seed;
    o.epsilon_budget = rapport::privacy::budget::Epsilon::new("epsilonBudget", budget).unwrap();
    o
}

fn engine(demo: &DemoDataset, interactions: &str, seed: Option<u64>, budget: f64) -> Engine {
    let mut e = Engine::new(options(demo, seed, budget)).unwrap();
    e.load_people(demo.people.as_bytes(), LoadOptions::default()).unwrap();
    e.load_interactions(interactions.as_bytes(), LoadOptions::default()).unwrap();
    e
}

fn request(group_by: GroupBy, period: Period, noise: Option<Noise>) -> AggregatesRequest {
    AggregatesRequest { group_by, period, noise, days: None }
}

/// Every key of a table, rows then matrix cells, as text.
fn keys(t: &AggregateTable) -> Vec<String> {
    let rows = t.rows.iter().map(|r| format!("{} {}", r.group, r.period));
    rows.chain(t.matrix.iter().map(|m| format!("{} × {} {}", m.from, m.to, m.period))).collect()
}

/// The exact capped sums of a table over the default 90 days, computed on
/// the core's store directly: what the noise is added to.
fn sums(demo: &DemoDataset, interactions: &str, by: GroupBy, caps: &Caps) -> CappedSums {
    let mut store = Store::new(demo.internal_domains.clone());
    rapport::load::people::load(&mut store, &demo.people, LoadOptions::default(), &demo.internal_domains)
        .unwrap();
    let retention = Retention { viewer: None, others: true };
    rapport::load::load_interactions(&mut store, interactions, LoadOptions::default(), &retention).unwrap();
    let gate = Gate::new(&store, Consent { aggregated: true, identifiable: false }, None);
    let view = gate.open(rapport::Scope::Aggregated).unwrap();
    let now = DateTime::parse_from_rfc3339(&demo.now).unwrap().timestamp_millis();
    let weeks = periods(Window { start: now - 90 * DAY_MS, end: now }, false);
    let hours = WorkingHours::default();
    capped_sums(&view, by, &weeks, &hours, caps)
}

/// Test 3 of issue 4. The guarantee: for two datasets that differ by every
/// e-mail one person sent and every meeting they organized in one week, the
/// noisy tables have the same keys, and the figures' privacy loss, the sum
/// over figure families of (how far the exact capped figures move, over all
/// cells) ÷ (the family's noise scale), is at most epsilon. With discrete
/// Laplace noise that bounds the ratio of the probabilities of any answer
/// on the two datasets by e^epsilon, so the difference of the answers says
/// no more about that person's week than epsilon allows. Checked for the
/// busiest senders, whose weeks exceed the caps, and by department and account.
#[test]
fn one_persons_week_moves_the_figures_by_at_most_epsilon_worth_of_noise() {
    let demo = demo(20_000);
    let records: Vec<Value> = serde_json::from_str(&demo.interactions).unwrap();
    let now = DateTime::parse_from_rfc3339(&demo.now).unwrap().timestamp_millis();
    let week_of = |r: &Value| {
        let at = DateTime::parse_from_rfc3339(r["at"].as_str().unwrap()).unwrap().timestamp_millis();
        (at < now && at >= now - 90 * DAY_MS).then(|| rapport::time::week_start(at))
    };
    // The busiest sender-weeks, of e-mail and meetings and of meetings alone.
    let busiest = |kinds: &[&str]| {
        let mut busy: BTreeMap<(String, i64), usize> = BTreeMap::new();
        for r in records.iter().filter(|r| kinds.iter().any(|k| r["kind"] == *k)) {
            if let Some(w) = week_of(r) {
                *busy.entry((norm(r["from"].as_str().unwrap()), w)).or_default() += 1;
            }
        }
        let mut busiest: Vec<((String, i64), usize)> = busy.into_iter().collect();
        busiest.sort_by_key(|b| std::cmp::Reverse(b.1));
        busiest.truncate(8);
        busiest
    };
    let busiest: Vec<((String, i64), usize)> =
        busiest(&["email", "meeting"]).into_iter().chain(busiest(&["meeting"])).collect();
    // Tight caps, so that the busiest weeks and the widest records exceed them.
    let caps = Caps { records_per_period: 6, groups_per_record: 1, minutes_per_meeting: 30 };
    assert!(
        busiest[0].1 > 2 * caps.records_per_period as usize,
        "some weeks exceed the cap: {:?}",
        busiest[0]
    );

    let epsilon = 1.0;
    let asked = Noise {
        records_per_period: Some(6),
        groups_per_record: Some(1),
        minutes_per_meeting: Some(30),
        ..Noise::with_epsilon(epsilon)
    };
    for by in [GroupBy::Department, GroupBy::Account] {
        let full = sums(&demo, &demo.interactions, by, &caps);
        let table = engine(&demo, &demo.interactions, Some(1), 10.0)
            .aggregates(&request(by, Period::Week, Some(asked.clone())))
            .unwrap();
        let scales: Vec<f64> = table.noise.as_ref().unwrap().scales.values().copied().collect();
        let names: Vec<&str> = table.noise.as_ref().unwrap().scales.keys().copied().collect();
        let bound = sensitivities(by, &caps);
        let (mut moved_any, mut people_moved) = (false, false);
        for ((x, week), n) in &busiest {
            let without: Vec<Value> = records
                .iter()
                .filter(|r| !(norm(r["from"].as_str().unwrap()) == *x && week_of(r) == Some(*week)))
                .cloned()
                .collect();
            assert!(records.len() - without.len() >= *n, "calls are removed too");
            let text = serde_json::to_string(&without).unwrap();
            let other = engine(&demo, &text, Some(1), 10.0)
                .aggregates(&request(by, Period::Week, Some(asked.clone())))
                .unwrap();
            assert_eq!(keys(&table), keys(&other), "the same keys without {x}'s week");
            let less = sums(&demo, &text, by, &caps);
            // Per family: total movement over every cell (and every matrix cell).
            let mut moved = vec![0u64; bound.len()];
            for (a, b) in full.cells.iter().zip(&less.cells) {
                for (k, (p, q)) in a.iter().zip(b).enumerate() {
                    moved[k] += p.abs_diff(*q);
                }
            }
            if by == GroupBy::Department {
                let all: std::collections::BTreeSet<_> =
                    full.matrix.keys().chain(less.matrix.keys()).collect();
                let m = bound.len() - 1;
                moved[m] = all
                    .into_iter()
                    .map(|k| full.matrix.get(k).unwrap_or(&0).abs_diff(*less.matrix.get(k).unwrap_or(&0)))
                    .sum();
                // The people count that decides which cells are shown: rows and both sides of pairs.
                let people = table_families(by).iter().position(|f| *f == "people").unwrap();
                let all: std::collections::BTreeSet<_> =
                    full.matrix_people.keys().chain(less.matrix_people.keys()).collect();
                for k in all {
                    let (p, q) = (
                        full.matrix_people.get(k).unwrap_or(&[0, 0]),
                        less.matrix_people.get(k).unwrap_or(&[0, 0]),
                    );
                    moved[people] += p[0].abs_diff(q[0]) + p[1].abs_diff(q[1]);
                }
            }
            for (k, &m) in moved.iter().enumerate() {
                assert!(
                    m <= bound[k],
                    "{x}'s week moves {} by {m}, more than its sensitivity {}",
                    names[k],
                    bound[k]
                );
            }
            moved_any |= moved.iter().any(|&m| m > 0);
            let people = table_families(by).iter().position(|f| *f == "people").unwrap();
            people_moved |= moved[people] > 0;
            // Family order in `scales` is by name; sensitivities follow the families' order.
            let by_name: BTreeMap<&str, f64> = names.iter().copied().zip(scales.iter().copied()).collect();
            let loss: f64 =
                table_families(by).iter().zip(&moved).map(|(name, &m)| m as f64 / by_name[name]).sum();
            assert!(loss <= epsilon + 1e-9, "privacy loss {loss} for {x}'s week");
        }
        assert!(moved_any, "the removed weeks changed some figure ({by:?})");
        assert!(people_moved, "the removed weeks changed some noisy people count ({by:?})");
    }
}

/// The family names in the order `sensitivities` gives them.
fn table_families(by: GroupBy) -> Vec<&'static str> {
    match by {
        GroupBy::Department => {
            vec![
                "emailsSent",
                "afterHoursEmails",
                "emailsReceived",
                "meetings",
                "meetingMinutes",
                "people",
                "matrixInteractions",
            ]
        }
        GroupBy::Account => vec!["emailsTo", "emailsFrom", "meetings", "meetingMinutes", "people"],
    }
}

/// Test 4 of issue 4, with the platform's randomness (no seed): only a cached
/// answer can repeat every figure exactly.
#[test]
fn a_repeated_identical_query_returns_the_cached_answer_and_spends_nothing() {
    let demo = demo(10_000);
    let mut e = engine(&demo, &demo.interactions, None, 5.0);
    let ask = |e: &Engine, period| {
        e.aggregates(&request(GroupBy::Department, period, Some(Noise::with_epsilon(1.0)))).unwrap()
    };
    let first = ask(&e, Period::Week);
    assert_eq!((first.epsilon_spent, first.epsilon_remaining), (Some(1.0), Some(4.0)));
    assert!(!first.noise.as_ref().unwrap().from_cache);
    let again = ask(&e, Period::Week);
    assert_eq!((again.epsilon_spent, again.epsilon_remaining), (Some(1.0), Some(4.0)), "nothing spent");
    assert!(again.noise.as_ref().unwrap().from_cache);
    assert_eq!(again.rows, first.rows);
    assert_eq!(again.matrix, first.matrix);
    assert!(first.rows.iter().any(|r| !r.suppressed), "some figures are shown");

    // Another question spends; the first is still answered from cache.
    assert_eq!(ask(&e, Period::Month).epsilon_spent, Some(2.0));
    assert_eq!(ask(&e, Period::Week).rows, first.rows);
    // A different epsilon is a different question.
    let half =
        e.aggregates(&request(GroupBy::Department, Period::Week, Some(Noise::with_epsilon(0.5)))).unwrap();
    assert_eq!(half.epsilon_spent, Some(2.5));

    // New data: the same question is a new answer, and spends again.
    let at = rapport::time::format_rfc3339(
        DateTime::parse_from_rfc3339(&demo.now).unwrap().timestamp_millis() - DAY_MS,
    );
    let extra = serde_json::json!([{ "id": "extra-1", "kind": "email", "from": demo.viewer, "to": ["someone@ext.example"], "at": at }]);
    e.load_interactions(extra.to_string().as_bytes(), LoadOptions::default()).unwrap();
    let after = ask(&e, Period::Week);
    assert_eq!(after.epsilon_spent, Some(3.5));
    assert!(!after.noise.as_ref().unwrap().from_cache);
    assert_ne!(after.rows, first.rows, "a fresh draw");
}

/// Test 5 of issue 4: once the budget is spent, a new noisy answer is refused
/// with PRIVACY_BUDGET_EXHAUSTED, nothing more is spent, and neither
/// withdrawing and granting consent again nor a cache miss refills it.
#[test]
fn an_exhausted_budget_refuses() {
    let demo = demo(10_000);
    let mut e = engine(&demo, &demo.interactions, Some(7), 2.0);
    let ask = |e: &Engine, by, eps| e.aggregates(&request(by, Period::Week, Some(Noise::with_epsilon(eps))));
    ask(&e, GroupBy::Department, 1.5).unwrap();
    let refused = ask(&e, GroupBy::Account, 1.0).unwrap_err();
    assert_eq!(refused.code(), "PRIVACY_BUDGET_EXHAUSTED");
    assert!(refused.to_string().contains("0.5 left"), "{refused}");
    let last = ask(&e, GroupBy::Account, 0.5).unwrap();
    assert_eq!((last.epsilon_spent, last.epsilon_remaining), (Some(2.0), Some(0.0)));
    // Cached answers are still given; new ones are not.
    assert!(ask(&e, GroupBy::Department, 1.5).unwrap().noise.unwrap().from_cache);
    assert_eq!(ask(&e, GroupBy::Department, 0.001).unwrap_err().code(), "PRIVACY_BUDGET_EXHAUSTED");
    e.set_consent(Consent { aggregated: false, identifiable: false });
    assert_eq!(ask(&e, GroupBy::Department, 1.5).unwrap_err().code(), "CONSENT_REQUIRED");
    e.set_consent(Consent { aggregated: true, identifiable: false });
    let err = ask(&e, GroupBy::Department, 1.5).unwrap_err();
    assert_eq!(
        err.code(),
        "PRIVACY_BUDGET_EXHAUSTED",
        "withdrawing consent dropped the cache, not the spending"
    );
    // Figures without noise are not paid for: the deployment decides (requireNoise).
    assert!(e.aggregates(&request(GroupBy::Department, Period::Week, None)).is_ok());
}

#[test]
fn an_engine_that_requires_noise_refuses_figures_without_it() {
    let demo = demo(2_000);
    let mut o = options(&demo, None, 3.0);
    o.require_noise = true;
    let e = Engine::new(o).unwrap();
    let err = e.aggregates(&request(GroupBy::Account, Period::Month, None)).unwrap_err();
    assert_eq!(err.code(), "INVALID_OPTIONS");
    assert!(e.aggregates(&request(GroupBy::Account, Period::Month, Some(Noise::with_epsilon(1.0)))).is_ok());
}

/// Noisy figures: the same seed repeats, another seed differs; every figure is
/// a whole number no lower than 0 and lies within a few noise scales of the
/// exact capped sum; what has no bounded sensitivity is left out.
#[test]
fn noisy_figures_are_whole_and_near_the_capped_sums() {
    let demo = demo(20_000);
    let caps = Caps::defaults(false);
    for by in [GroupBy::Department, GroupBy::Account] {
        let ask = |seed| {
            engine(&demo, &demo.interactions, Some(seed), 10.0)
                .aggregates(&request(by, Period::Week, Some(Noise::with_epsilon(5.0))))
                .unwrap()
        };
        let (a, b, c) = (ask(11), ask(11), ask(12));
        assert_eq!(a.rows, b.rows);
        assert_ne!(a.rows, c.rows);
        let exact = sums(&demo, &demo.interactions, by, &caps);
        let report = a.noise.as_ref().unwrap();
        let scale = |name: &str| report.scales[name];
        let mut shown = 0;
        for (row, sum) in a.rows.iter().zip(&exact.cells) {
            let near = |got: u32, exact: u64, name: &str| {
                assert!(
                    (f64::from(got) - exact as f64).abs() <= 30.0 * scale(name),
                    "{name} {got} vs {exact}"
                );
            };
            match &row.metrics {
                Some(Metrics::Department(m)) => {
                    shown += 1;
                    near(m.emails_sent, sum[0], "emailsSent");
                    near(m.emails_received, sum[2], "emailsReceived");
                    near(m.meetings, sum[3], "meetings");
                    assert_eq!(m.external_contacts, None);
                    assert!(m.after_hours_share.is_none_or(|s| (0.0..=1.0).contains(&s)));
                }
                Some(Metrics::Account(m)) => {
                    shown += 1;
                    near(m.emails_to, sum[0], "emailsTo");
                    near(m.emails_from, sum[1], "emailsFrom");
                    assert_eq!(
                        (m.internal_people, m.days_since_last_email, m.average_reply_minutes),
                        (None, None, None)
                    );
                    assert!(m.engagement_score.is_none_or(|s| s <= 100));
                }
                None => assert!(row.suppressed),
            }
        }
        assert!(shown > 10, "{shown} cells shown");
        // The scales follow from the caps: sensitivity × families ÷ epsilon.
        let families = if by == GroupBy::Department { 7.0 } else { 5.0 };
        let first = table_families(by)[0];
        assert_eq!(scale(first), sensitivities(by, &caps)[0] as f64 * families / 5.0);
    }
}

#[test]
fn bad_noise_options_are_refused_and_spend_nothing() {
    let demo = demo(2_000);
    let e = engine(&demo, &demo.interactions, Some(1), 1.0);
    for bad in [
        Noise::with_epsilon(0.0),
        Noise::with_epsilon(-1.0),
        Noise::with_epsilon(101.0),
        Noise { records_per_period: Some(0), ..Noise::with_epsilon(1.0) },
        Noise { groups_per_record: Some(6), ..Noise::with_epsilon(1.0) },
        Noise { minutes_per_meeting: Some(10_000), ..Noise::with_epsilon(1.0) },
        Noise {
            records_per_period: Some(1000),
            groups_per_record: Some(5),
            minutes_per_meeting: Some(480),
            ..Noise::with_epsilon(1.0)
        },
    ] {
        let err = e.aggregates(&request(GroupBy::Department, Period::Week, Some(bad))).unwrap_err();
        assert_eq!(err.code(), "INVALID_OPTIONS", "{err}");
    }
    let ok =
        e.aggregates(&request(GroupBy::Department, Period::Week, Some(Noise::with_epsilon(1.0)))).unwrap();
    assert_eq!(ok.epsilon_spent, Some(1.0), "the refused requests spent nothing");
}
