//! Department aggregates (SPEC 3.4, issue 4, without noise so far): every
//! emitted cell counts at least `minGroupSize` people and equals a naive
//! recomputation from the raw records; the key set does not depend on the
//! interactions.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Timelike};
use common::departments;
use common::naive::{norm, read};
use rapport::insights::aggregates::Period;
use rapport::insights::aggregates::{AggregateTable, Metrics};
use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Noise};
use rapport::{Consent, Engine, EngineOptions, LoadOptions};
use rapport_demo::{demo_dataset, DemoFormat, DemoOptions};
use serde_json::Value;

/// Per pair of departments: the people of each side involved, and the interactions.
type Links = BTreeMap<(String, String, String), (BTreeSet<String>, BTreeSet<String>, u32)>;

#[derive(Default, Debug)]
struct Cell {
    active: BTreeSet<String>,
    sent: u32,
    received: u32,
    meetings: u32,
    minutes: f64,
    after_hours: u32,
    external: BTreeSet<String>,
}

/// The week (its Monday) and the month of an instant: the part of time
/// (the days a week shares with a month) it falls in is the pair.
fn week_and_month(ms: i64) -> (String, String) {
    let t = DateTime::from_timestamp_millis(ms).unwrap();
    let monday = t.date_naive() - chrono::Days::new(u64::from(t.weekday().num_days_from_monday()));
    (monday.format("%Y-%m-%d").to_string(), t.format("%Y-%m").to_string())
}

/// The key of a part: "monday|month".
fn part_key(ms: i64) -> String {
    let (week, month) = week_and_month(ms);
    format!("{week}|{month}")
}

/// Whether a part key lies in the period labelled `period` (a week or a month).
fn part_of(part: &str, period: &str) -> bool {
    part.starts_with(&format!("{period}|")) || part.ends_with(&format!("|{period}"))
}

/// The table recomputed from the JSON records, SPEC 3.4 read literally.
fn naive(
    people: &str,
    interactions: &str,
    table: &AggregateTable,
) -> (BTreeMap<(String, String), Cell>, Links) {
    naive_by(people, interactions, table, false)
}

/// `naive`, per cell of the table (`parts` false) or per part of its cells.
fn naive_by(
    people: &str,
    interactions: &str,
    table: &AggregateTable,
    parts: bool,
) -> (BTreeMap<(String, String), Cell>, Links) {
    let (d, records) = read(people, interactions, "northwind.example");
    let dept = &d.department;
    let weekly = table.period == "week";
    let cell_of = |ms: i64| {
        let (week, month) = week_and_month(ms);
        if weekly {
            week
        } else {
            month
        }
    };
    let label = |ms: i64| if parts { part_key(ms) } else { cell_of(ms) };
    let mut cells: BTreeMap<(String, String), Cell> = BTreeMap::new();
    let mut links: Links = BTreeMap::new();
    for (_, r) in &records {
        let kind = r.kind.as_str();
        if kind == "call" {
            continue;
        }
        let (from, parts) = (&r.from, &r.parts);
        let at = DateTime::from_timestamp_millis(r.at).unwrap();
        let period = label(r.at);
        if !table.periods.contains(&cell_of(r.at)) {
            continue;
        }
        let everyone: Vec<&String> = r.everyone().collect();
        let externals: Vec<String> =
            everyone.iter().filter(|p| !p.ends_with("@northwind.example")).map(|p| p.to_string()).collect();
        let groups: BTreeSet<&String> = everyone.iter().filter_map(|p| dept.get(*p)).collect();
        for g in &groups {
            let cell = cells.entry(((*g).clone(), period.clone())).or_default();
            cell.active.extend(everyone.iter().filter(|p| dept.get(**p) == Some(g)).map(|p| p.to_string()));
            cell.external.extend(externals.iter().cloned());
            if kind == "meeting" {
                cell.meetings += 1;
                cell.minutes += r.minutes;
            } else {
                if dept.get(from) == Some(g) {
                    cell.sent += 1;
                    let working = at.weekday().num_days_from_monday() < 5 && (8..18).contains(&at.hour());
                    cell.after_hours += u32::from(!working);
                }
                if parts.iter().any(|p| dept.get(p) == Some(g)) {
                    cell.received += 1;
                }
            }
        }
        // The matrix: sender with each recipient, or every pair in a meeting.
        let pairs: Vec<(&String, &String)> = if kind == "meeting" {
            everyone
                .iter()
                .enumerate()
                .flat_map(|(i, a)| everyone[i + 1..].iter().map(move |b| (*a, *b)))
                .collect()
        } else {
            parts.iter().map(|p| (from, p)).collect()
        };
        let mut counted = BTreeSet::new();
        for (a, b) in pairs {
            let (Some(ga), Some(gb)) = (dept.get(a), dept.get(b)) else { continue };
            let (key, sides) = if ga <= gb {
                ((ga.clone(), gb.clone(), period.clone()), (a, b))
            } else {
                ((gb.clone(), ga.clone(), period.clone()), (b, a))
            };
            let link = links.entry(key.clone()).or_default();
            link.0.insert(sides.0.clone());
            link.1.insert(sides.1.clone());
            if counted.insert(key) {
                link.2 += 1;
            }
        }
    }
    (cells, links)
}

fn engine(demo: &rapport_demo::DemoDataset, min_group_size: u32) -> Engine {
    let mut o = EngineOptions::new(&demo.viewer, common::ms(&demo.now));
    o.internal_domains = demo.internal_domains.clone();
    o.consent = Consent { aggregated: true, identifiable: false };
    o.min_group_size = min_group_size;
    let mut e = Engine::new(o).unwrap();
    e.load_people(demo.people.as_bytes(), LoadOptions::default()).unwrap();
    e.load_interactions(demo.interactions.as_bytes(), LoadOptions::default()).unwrap();
    e
}

#[test]
fn every_emitted_cell_has_enough_people_and_equals_a_naive_recomputation() {
    let demo = demo_dataset(&DemoOptions { seed: 42, interactions: 100_000, format: DemoFormat::Json });
    let (mut shown, mut hidden) = (0, 0);
    // 400 days of weeks: more than 64 parts (the days a week shares with a
    // month), more than a word of the bits the engine keeps per person.
    let cases = [
        (5, Period::Week, None),
        (10, Period::Week, None),
        (5, Period::Month, None),
        (40, Period::Week, None),
    ];
    for (k, period, days) in cases.into_iter().chain([(5, Period::Week, Some(400))]) {
        let e = engine(&demo, k);
        let table = e.aggregates(&AggregatesRequest { days, ..departments(period) }).unwrap();
        assert!(days.is_none() || table.periods.len() > 56, "{} weeks", table.periods.len());
        let (cells, links) = naive(&demo.people, &demo.interactions, &table);
        assert_eq!(table.rows.len(), table.groups.len() * table.periods.len(), "the fixed key set");
        // A cell is also hidden when a part of it (the days it shares with a
        // week or a month) had some, but fewer than k, people active.
        let (part_cells, part_links) = naive_by(&demo.people, &demo.interactions, &table, true);
        let small = |n: usize| n > 0 && n < k as usize;
        let small_part = |group: &str, period: &str, pair: Option<&str>| match pair {
            None => part_cells
                .iter()
                .any(|((g, part), c)| g == group && part_of(part, period) && small(c.active.len())),
            Some(to) => part_links.iter().any(|((a, b, part), l)| {
                let fewest = if a == b { l.0.union(&l.1).count() } else { l.0.len().min(l.1.len()) };
                a == group && b == to && part_of(part, period) && small(fewest)
            }),
        };
        for row in &table.rows {
            let cell = cells.get(&(row.group.clone(), row.period.clone()));
            let people = cell.map_or(0, |c| c.active.len());
            let expect = people < k as usize || small_part(&row.group, &row.period, None);
            assert_eq!(row.suppressed, expect, "{} {}: {people} people", row.group, row.period);
            let Some(Metrics::Department(m)) = &row.metrics else {
                assert!(row.metrics.is_none() && row.reason.is_some());
                hidden += 1;
                continue;
            };
            shown += 1;
            let c = cell.unwrap();
            assert_eq!(
                (m.emails_sent, m.emails_received, m.meetings),
                (c.sent, c.received, c.meetings),
                "{row:?}"
            );
            assert_eq!(m.meeting_minutes, c.minutes);
            assert_eq!(m.external_contacts, Some(c.external.len() as u32));
            let share = (c.sent > 0)
                .then(|| ((f64::from(c.after_hours) / f64::from(c.sent)) * 10_000.0).round() / 10_000.0);
            assert_eq!(m.after_hours_share, share);
        }
        assert_eq!(
            table.matrix.len(),
            table.groups.len() * (table.groups.len() + 1) / 2 * table.periods.len()
        );
        for m in &table.matrix {
            let link = links.get(&(m.from.clone(), m.to.clone(), m.period.clone()));
            let fewest = link.map_or(0, |l| {
                if m.from == m.to {
                    l.0.union(&l.1).count()
                } else {
                    l.0.len().min(l.1.len())
                }
            });
            let expect = fewest < k as usize || small_part(&m.from, &m.period, Some(&m.to));
            assert_eq!(m.suppressed, expect, "{} × {} {}", m.from, m.to, m.period);
            if let Some(n) = m.interactions {
                assert_eq!(n, link.unwrap().2);
            }
        }
    }
    assert!(shown > 100 && hidden > 20, "{shown} cells shown, {hidden} suppressed: both rules exercised");
}

#[test]
fn the_key_set_does_not_depend_on_the_interactions() {
    let demo = demo_dataset(&DemoOptions { seed: 3, interactions: 20_000, format: DemoFormat::Json });
    let full = engine(&demo, 5).aggregates(&departments(Period::Week)).unwrap();
    let mut o = EngineOptions::new(&demo.viewer, common::ms(&demo.now));
    o.internal_domains = demo.internal_domains.clone();
    o.consent = Consent { aggregated: true, identifiable: false };
    let mut empty = Engine::new(o).unwrap();
    empty.load_people(demo.people.as_bytes(), LoadOptions::default()).unwrap();
    let none = empty.aggregates(&departments(Period::Week)).unwrap();
    let keys = |t: &AggregateTable| -> Vec<(String, String)> {
        t.rows.iter().map(|r| (r.group.clone(), r.period.clone())).collect()
    };
    assert_eq!(keys(&full), keys(&none));
    assert!(none.rows.iter().all(|r| r.suppressed && r.metrics.is_none()));
    let pairs = |t: &AggregateTable| -> Vec<(String, String)> {
        t.matrix.iter().map(|m| (m.from.clone(), m.to.clone())).collect()
    };
    assert_eq!(pairs(&full), pairs(&none));
    // No totals or margins: nothing beyond the cells from which a suppressed one could be derived.
    let json = serde_json::to_value(&full).unwrap();
    let fields: BTreeSet<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        BTreeSet::from([
            "scope",
            "groupBy",
            "period",
            "minGroupSize",
            "window",
            "groups",
            // Display names of the groups (an account's accountName): labels, not figures.
            "groupNames",
            "periods",
            "rows",
            "matrix",
            "epsilonSpent",
            "epsilonRemaining",
            "noise",
            "consentBasis",
            // The reference time, and the start of the latest period with a
            // shown active cell: read from the shown cells alone, so no margin.
            "now",
            "dataAsOf"
        ])
    );
}

#[test]
fn account_cells_count_enough_colleagues_and_equal_a_naive_recomputation() {
    let demo = demo_dataset(&DemoOptions { seed: 42, interactions: 100_000, format: DemoFormat::Json });
    let request =
        AggregatesRequest { group_by: GroupBy::Account, period: Period::Month, noise: None, days: None };
    let e = engine(&demo, 5);
    let table = e.aggregates(&request).unwrap();
    assert_eq!(table.rows.len(), table.groups.len() * table.periods.len());

    // Naive: per (account, month) the e-mails each way, the meetings, and the
    // internal and account people on them.
    let (d, records) = read(&demo.people, &demo.interactions, "northwind.example");
    let account = &d.listed_account;
    type Counts = ([u32; 3], BTreeSet<String>, BTreeSet<String>);
    let mut cells: BTreeMap<(String, String), Counts> = BTreeMap::new();
    // The internal people per account and part of a month (the days it shares with a week).
    let mut parts: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (_, r) in &records {
        let kind = r.kind.as_str();
        let month = DateTime::from_timestamp_millis(r.at).unwrap().format("%Y-%m").to_string();
        if kind == "call" || !table.periods.contains(&month) {
            continue;
        }
        let from = &r.from;
        let everyone: Vec<&String> = r.everyone().collect();
        let internal: Vec<&&String> = everyone.iter().filter(|p| p.ends_with("@northwind.example")).collect();
        if internal.is_empty() {
            continue;
        }
        let accounts: BTreeSet<&String> = everyone.iter().filter_map(|p| account.get(*p)).collect();
        for a in accounts {
            let slot = match kind {
                "meeting" => 2,
                _ if account.get(from) == Some(a) => 1,
                _ if from.ends_with("@northwind.example") => 0,
                _ => continue,
            };
            let cell = cells.entry((a.clone(), month.clone())).or_default();
            cell.0[slot] += 1;
            cell.1.extend(internal.iter().map(|p| p.to_string()));
            cell.2.extend(everyone.iter().filter(|p| account.get(**p) == Some(a)).map(|p| p.to_string()));
            parts
                .entry((a.clone(), part_key(r.at)))
                .or_default()
                .extend(internal.iter().map(|p| p.to_string()));
        }
    }
    let (mut shown, mut hidden) = (0, 0);
    for row in &table.rows {
        let cell = cells.get(&(row.group.clone(), row.period.clone()));
        let colleagues = cell.map_or(0, |c| c.1.len());
        let small_part = parts
            .iter()
            .any(|((a, part), p)| *a == row.group && part_of(part, &row.period) && (1..5).contains(&p.len()));
        assert_eq!(row.suppressed, colleagues < 5 || small_part, "{} {}", row.group, row.period);
        let Some(Metrics::Account(m)) = &row.metrics else {
            hidden += 1;
            continue;
        };
        shown += 1;
        let c = cell.unwrap();
        assert_eq!([m.emails_to, m.emails_from, m.meetings], c.0, "{} {}", row.group, row.period);
        assert_eq!((m.internal_people, m.account_people), (Some(c.1.len() as u32), Some(c.2.len() as u32)));
        assert!(m.engagement_score.is_some_and(|s| s <= 100));
    }
    assert!(shown > 10 && hidden > 50, "{shown} shown, {hidden} suppressed");
    for period in &table.periods {
        let top = table
            .rows
            .iter()
            .filter(|r| &r.period == period)
            .filter_map(|r| match &r.metrics {
                Some(Metrics::Account(m)) => m.engagement_score,
                _ => None,
            })
            .max();
        assert!(top.is_none() || top == Some(100), "the most engaged account shown scores 100");
    }
}

#[test]
fn opting_out_is_the_same_as_never_having_been_there_for_every_aggregate() {
    let demo = demo_dataset(&DemoOptions { seed: 11, interactions: 30_000, format: DemoFormat::Json });
    let people: Vec<Value> = serde_json::from_str(&demo.people).unwrap();
    // An active Sales colleague (not the viewer, no aliases), and a contact.
    let pick = |internal: bool| {
        people
            .iter()
            .find(|p| {
                (p["internal"] == true) == internal
                    && p["aliases"].is_null()
                    && p["optedOut"].is_null()
                    && p["id"] != demo.viewer.as_str()
                    && (!internal || p["department"] == "Sales")
            })
            .map(|p| p["id"].as_str().unwrap().to_string())
            .unwrap()
    };
    for x in [pick(true), pick(false)] {
        let flagged: Vec<Value> = people
            .iter()
            .cloned()
            .map(|mut p| {
                if p["id"] == x.as_str() {
                    p["optedOut"] = Value::Bool(true);
                }
                p
            })
            .collect();
        let without: Vec<Value> = people.iter().filter(|p| p["id"] != x.as_str()).cloned().collect();
        let records: Vec<Value> = serde_json::from_str(&demo.interactions).unwrap();
        let is_x = |v: &Value| v.as_str().is_some_and(|s| norm(s) == x);
        let removed: Vec<Value> = records
            .iter()
            .filter(|r| !is_x(&r["from"]))
            .filter_map(|r| {
                let mut r = r.clone();
                for list in ["to", "cc"] {
                    if let Some(a) = r[list].as_array() {
                        r[list] = Value::Array(a.iter().filter(|p| !is_x(p)).cloned().collect());
                    }
                }
                let left = ["to", "cc"].iter().any(|l| r[*l].as_array().is_some_and(|a| !a.is_empty()));
                left.then_some(r)
            })
            .collect();
        let run = |people: &Vec<Value>, records: &Vec<Value>| {
            let mut o = EngineOptions::new(&demo.viewer, common::ms(&demo.now));
            o.internal_domains = demo.internal_domains.clone();
            o.consent = Consent { aggregated: true, identifiable: false };
            o.noise_seed = Some(2026);
            let mut e = Engine::new(o).unwrap();
            e.load_people(serde_json::to_string(people).unwrap().as_bytes(), LoadOptions::default()).unwrap();
            e.load_interactions(serde_json::to_string(records).unwrap().as_bytes(), LoadOptions::default())
                .unwrap();
            let mut out = String::new();
            // Without noise, then with it (the same seed draws the same noise
            // when the data are the same).
            for noisy in [false, true] {
                for group_by in [GroupBy::Department, GroupBy::Account] {
                    for period in [Period::Week, Period::Month] {
                        let noise = noisy.then(|| Noise::with_epsilon(1.0));
                        let request = AggregatesRequest { group_by, period, noise, days: Some(120) };
                        out += &serde_json::to_string(&e.aggregates(&request).unwrap()).unwrap();
                    }
                }
            }
            out
        };
        assert!(removed.len() < records.len(), "{x} is on some interactions");
        let expected = run(&without, &removed);
        assert!(expected.contains("\"suppressed\":false"), "some cells are shown");
        assert_eq!(run(&flagged, &records), expected, "opting out {x}");
    }
}

/// The attack of SPEC 4.4 across windows: the same table over two windows
/// has the same cells in the periods they share (whole periods only), so
/// their difference is no figure. (Weeks against months, with data built
/// for it: `class_03_month_minus_weeks_reveals_nothing` in attack_aggregates.rs.)
#[test]
fn differencing_windows_reveals_no_suppressed_cell() {
    let demo = demo_dataset(&DemoOptions { seed: 7, interactions: 30_000, format: DemoFormat::Json });
    let e = engine(&demo, 5);
    let ask = |group_by, period, days| {
        e.aggregates(&AggregatesRequest { group_by, period, noise: None, days: Some(days) }).unwrap()
    };
    for group_by in [GroupBy::Department, GroupBy::Account] {
        // Two windows: every period they share has the same cells (whole periods only).
        let (long, short) = (ask(group_by, Period::Week, 90), ask(group_by, Period::Week, 83));
        for row in &short.rows {
            let same = long.rows.iter().find(|r| r.group == row.group && r.period == row.period);
            assert_eq!(same, Some(row));
        }
        for cell in &short.matrix {
            let same = long
                .matrix
                .iter()
                .find(|c| c.from == cell.from && c.to == cell.to && c.period == cell.period);
            assert_eq!(same, Some(cell));
        }
    }
}
