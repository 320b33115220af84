//! Issue 12, classes 3, 4, 11 and the cell bound of 12: the aggregate tables
//! attacked as a curious reader of the dashboard or a hostile host page
//! would, with data chosen to break the rule, through the public API only
//! (`Engine::aggregates`, its result as JSON).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rapport::insights::aggregates::{AggregatesRequest, GroupBy, Noise, Period};
use rapport::{Consent, Engine, EngineOptions, Error, LoadOptions};
use serde_json::{json, Value};

const ORG: &str = "northwind.example";
const K: u32 = 5;

fn ms(date: NaiveDate, hour: u32) -> i64 {
    date.and_hms_opt(hour, 0, 0).unwrap().and_utc().timestamp_millis()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn engine_with(now: NaiveDate, people: &Value, interactions: &Value, seed: Option<u64>) -> Engine {
    let mut o = EngineOptions::new(&format!("s0@{ORG}"), ms(now, 0));
    o.internal_domains = vec![ORG.to_string()];
    o.consent = Consent { aggregated: true, identifiable: false };
    o.min_group_size = K;
    o.noise_seed = seed;
    let mut e = Engine::new(o).unwrap();
    e.load_people(people.to_string().as_bytes(), LoadOptions::default()).unwrap();
    e.load_interactions(interactions.to_string().as_bytes(), LoadOptions::default()).unwrap();
    e
}

fn ask(e: &Engine, group_by: GroupBy, period: Period, days: u32, noise: Option<Noise>) -> Value {
    let request = AggregatesRequest { group_by, period, noise, days: Some(days) };
    serde_json::to_value(e.aggregates(&request).unwrap()).unwrap()
}

/// Six people in Sales (s0…s5), six in Support (p0…p5), six contacts of the
/// account contoso (c0…c5).
fn boundary_directory() -> Value {
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(json!({ "id": format!("s{i}@{ORG}"), "department": "Sales" }));
        people.push(json!({ "id": format!("p{i}@{ORG}"), "department": "Support" }));
        people.push(json!({ "id": format!("c{i}@contoso.example"), "accountId": "contoso" }));
    }
    Value::Array(people)
}

/// The few people active in the days where a week and a month overlap:
/// every weekday of whole weeks, each s_i writes to p_i, copying c_i (six
/// people on each side); on Mon 29 and Tue 30 June (the last days of June,
/// in the week of 29 June to 5 July) only s0 writes, to p0 and c0; on the
/// weekend of 1–2 August (the last days of the week of 27 July, in August)
/// only s1 writes, to p1 and c1.
fn boundary_interactions() -> Value {
    let mut out = Vec::new();
    let mut d = day(2026, 5, 4);
    let mut n = 0;
    let mut mail = |i: usize, at: i64| {
        n += 1;
        json!({ "id": format!("m{n}"), "kind": "email", "from": format!("s{i}@{ORG}"),
                "to": [format!("p{i}@{ORG}")], "cc": [format!("c{i}@contoso.example")], "at": at })
    };
    while d <= day(2026, 8, 28) {
        let few = [day(2026, 6, 29), day(2026, 6, 30)].contains(&d);
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if few {
            out.push(mail(0, ms(d, 10)));
            out.push(mail(0, ms(d, 15)));
        } else if [day(2026, 8, 1), day(2026, 8, 2)].contains(&d) {
            out.push(mail(1, ms(d, 11)));
        } else if !weekend {
            for i in 0..6 {
                out.push(mail(i, ms(d, 9 + i as u32)));
            }
        }
        d = d + Days::new(1);
    }
    Value::Array(out)
}

/// The days a cell covers: a week from its Monday, or a calendar month.
fn days_of(period: &str) -> Vec<NaiveDate> {
    let (first, end) = match NaiveDate::parse_from_str(period, "%Y-%m-%d") {
        Ok(monday) => (monday, monday + Days::new(7)),
        Err(_) => {
            let first = NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").unwrap();
            (first, first.checked_add_months(chrono::Months::new(1)).unwrap())
        }
    };
    first.iter_days().take_while(|d| *d < end).collect()
}

/// The rank of a 0/1 matrix, by Gaussian elimination (exact enough here:
/// entries are small whole numbers and the pivots stay well away from 0).
fn rank(mut rows: Vec<Vec<f64>>) -> usize {
    let cols = rows.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..rows.len()).find(|&i| rows[i][c].abs() > 1e-9) else { continue };
        rows.swap(r, p);
        let pivot = rows[r].clone();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != r && row[c].abs() > 1e-9 {
                let f = row[c] / pivot[c];
                for (x, y) in row.iter_mut().zip(&pivot).skip(c) {
                    *x -= f * y;
                }
            }
        }
        r += 1;
    }
    r
}

/// Whether some linear combination of the released cells (each the sum of a
/// figure over its days) equals a figure of the `few` days alone: that is,
/// a combination whose coefficients vanish on every day with activity of
/// enough people (`busy`) but not on all of `few`. Days with no activity at
/// all add nothing to any figure, so they are left out. Such a combination
/// exists exactly when the `few` columns raise the rank of the `busy` ones.
fn isolates(released: &[Vec<NaiveDate>], busy: &[NaiveDate], few: &[NaiveDate]) -> bool {
    let matrix = |columns: &[NaiveDate]| -> Vec<Vec<f64>> {
        released
            .iter()
            .map(|cell| columns.iter().map(|d| f64::from(u8::from(cell.contains(d)))).collect())
            .collect()
    };
    let both: Vec<NaiveDate> = busy.iter().chain(few).copied().collect();
    rank(matrix(&both)) > rank(matrix(busy))
}

/// Class 3. Every table an attacker can ask (weeks and months, five windows,
/// by department and by account, rows and matrix) over a world where a week
/// and a month share days on which fewer than K people were active. No
/// combination of released cells, added and subtracted, gives the figures
/// of those days; and the test is not vacuous: whole weeks and whole
/// months around them are released.
#[test]
fn class_03_month_minus_weeks_reveals_nothing() {
    let e = engine_with(day(2026, 9, 1), &boundary_directory(), &boundary_interactions(), None);
    let mut tables = Vec::new();
    for group_by in [GroupBy::Department, GroupBy::Account] {
        for period in [Period::Week, Period::Month] {
            for days in [30, 60, 90, 130, 200] {
                tables.push(ask(&e, group_by, period, days, None));
            }
        }
    }
    // Per series (a row group, or a matrix pair): the periods released.
    let released = |series: &str| -> Vec<Vec<NaiveDate>> {
        let mut cells = Vec::new();
        for t in &tables {
            for row in t["rows"].as_array().unwrap() {
                if row["group"] == series && row["suppressed"] == false {
                    cells.push(days_of(row["period"].as_str().unwrap()));
                }
            }
            for cell in t["matrix"].as_array().unwrap() {
                let pair = format!("{}×{}", cell["from"].as_str().unwrap(), cell["to"].as_str().unwrap());
                if pair == series && cell["suppressed"] == false {
                    cells.push(days_of(cell["period"].as_str().unwrap()));
                }
            }
        }
        cells
    };
    let few = [day(2026, 6, 29), day(2026, 6, 30), day(2026, 8, 1), day(2026, 8, 2)];
    let busy: Vec<NaiveDate> = day(2026, 5, 4)
        .iter_days()
        .take_while(|d| *d <= day(2026, 8, 28))
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !few.contains(d))
        .collect();
    for series in ["Sales", "Support", "contoso", "Sales×Support"] {
        let cells = released(series);
        // Not vacuous: the whole weeks of June, and July, are shown.
        let shown = |days: Vec<NaiveDate>| cells.contains(&days);
        assert!(shown(days_of("2026-06-08")) && shown(days_of("2026-07")), "{series}: too much hidden");
        assert!(
            !isolates(&cells, &busy, &few[..2]),
            "{series}: June minus the weeks inside it gives the activity of s0 alone on 29–30 June"
        );
        assert!(
            !isolates(&cells, &busy, &few[2..]),
            "{series}: the week of 27 July minus July's part gives the activity of s1 alone on 1–2 August"
        );
        assert!(!isolates(&cells, &busy, &few), "{series}: the few days together");
    }
}

/// Every number in a table that is not inside a cell (rows and matrix).
fn numbers_outside_cells(v: &Value, path: &str, out: &mut Vec<(String, f64)>) {
    match v {
        Value::Number(n) => out.push((path.to_string(), n.as_f64().unwrap())),
        Value::Object(o) => {
            for (k, x) in o {
                if !(path.is_empty() && (k == "rows" || k == "matrix")) {
                    numbers_outside_cells(x, &format!("{path}.{k}"), out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| numbers_outside_cells(x, path, out)),
        _ => {}
    }
}

/// Sales (six people) writes 30 e-mails among itself in one week; Legal (two
/// people) writes 13 among itself. Legal's cell is suppressed.
fn sales_and_legal() -> (Value, Value) {
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(json!({ "id": format!("s{i}@{ORG}"), "department": "Sales" }));
    }
    for i in 0..2 {
        people.push(json!({ "id": format!("l{i}@{ORG}"), "department": "Legal" }));
    }
    let mut mail = Vec::new();
    let monday = day(2026, 6, 8);
    for n in 0..30 {
        let (a, b) = (n % 6, (n + 1) % 6);
        mail.push(json!({ "id": format!("s{n}"), "kind": "email", "from": format!("s{a}@{ORG}"),
                          "to": [format!("s{b}@{ORG}")], "at": ms(monday + Days::new(n as u64 % 5), 10) }));
    }
    for n in 0..13 {
        let (a, b) = (n % 2, (n + 1) % 2);
        mail.push(json!({ "id": format!("l{n}"), "kind": "email", "from": format!("l{a}@{ORG}"),
                          "to": [format!("l{b}@{ORG}")], "at": ms(monday + Days::new(n as u64 % 5), 11) }));
    }
    (Value::Array(people), Value::Array(mail))
}

/// Class 4 (a), an exact table. The attacker subtracts the shown cells from
/// every total-like number the table carries: none gives Legal's suppressed
/// figures (13 e-mails sent, 13 received).
#[test]
fn class_04_totals_minus_shown_cells_reveal_no_suppressed_cell() {
    let (people, mail) = sales_and_legal();
    let e = engine_with(day(2026, 6, 20), &people, &mail, None);
    for period in [Period::Week, Period::Month] {
        let t = ask(&e, GroupBy::Department, period, 30, None);
        let rows = t["rows"].as_array().unwrap();
        let legal = rows.iter().filter(|r| r["group"] == "Legal").collect::<Vec<_>>();
        assert!(legal.iter().all(|r| r["suppressed"] == true), "Legal has two people");
        assert!(rows.iter().any(|r| r["group"] == "Sales" && r["suppressed"] == false), "Sales is shown");
        let mut numbers = Vec::new();
        numbers_outside_cells(&t, "", &mut numbers);
        for metric in ["emailsSent", "emailsReceived"] {
            let shown: f64 = rows.iter().filter_map(|r| r["metrics"][metric].as_f64()).sum();
            for (path, n) in &numbers {
                assert_ne!(n - shown, 13.0, "{path} minus the shown {metric} is Legal's suppressed cell");
            }
        }
        let matrix_shown: f64 =
            t["matrix"].as_array().unwrap().iter().filter_map(|c| c["interactions"].as_f64()).sum();
        for (path, n) in &numbers {
            assert_ne!(n - matrix_shown, 13.0, "{path} minus the shown matrix is Legal × Legal");
        }
    }
}

/// Five people of Sales write to each other every weekday of four weeks,
/// and each to contoso's contact; `without` leaves out every e-mail s4 sent
/// in the week of 8 June (one person's one week, the unit noise protects).
fn five_in_sales(without: bool) -> (Value, Value) {
    let mut people: Vec<Value> =
        (0..5).map(|i| json!({ "id": format!("s{i}@{ORG}"), "department": "Sales" })).collect();
    people.push(json!({ "id": "c0@contoso.example", "accountId": "contoso" }));
    let mut mail = Vec::new();
    for d in day(2026, 6, 1).iter_days().take_while(|d| *d < day(2026, 6, 27)) {
        if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        for i in 0..5 {
            if without && i == 4 && (day(2026, 6, 8)..day(2026, 6, 15)).contains(&d) {
                continue;
            }
            mail.push(json!({ "id": format!("{d}-{i}"), "kind": "email", "from": format!("s{i}@{ORG}"),
                              "to": [format!("s{}@{ORG}", (i + 1) % 5)], "cc": ["c0@contoso.example"],
                              "at": ms(d, 10 + i as u32) }));
        }
    }
    (Value::Array(people), Value::Array(mail))
}

/// A noisy table with every figure that noise decides (a cell's flag, reason
/// and figures) taken out: what is left must not depend on the data at all.
fn without_noisy_values(mut t: Value) -> Value {
    for list in ["rows", "matrix"] {
        for cell in t[list].as_array_mut().unwrap() {
            let o = cell.as_object_mut().unwrap();
            o.retain(|k, _| ["group", "period", "from", "to"].contains(&k.as_str()));
        }
    }
    // Read from the shown noisy cells alone (post-processing): a noisy value too.
    t.as_object_mut().unwrap().remove("dataAsOf");
    t
}

/// Class 4 (b), a noisy table. Two datasets that differ by one person's one
/// week: with the same noise seed, everything in the JSON except the noisy
/// cells is identical (no exact total, no exact count of anything), and
/// whether a cell is shown is itself noisy: over seeds, the cell that the
/// removed week changes is sometimes shown and sometimes not, on either
/// dataset, instead of always shown on one and always hidden on the other.
#[test]
fn class_04_noisy_tables_carry_no_exact_figure() {
    let (people, with) = five_in_sales(false);
    let (_, without) = five_in_sales(true);
    let now = day(2026, 6, 30);
    let noise = || Some(Noise::with_epsilon(1.0));
    for group_by in [GroupBy::Department, GroupBy::Account] {
        let (group, week) = (if group_by == GroupBy::Department { "Sales" } else { "contoso" }, "2026-06-08");
        let mut flags = [[false; 2]; 2];
        for seed in 1..=40 {
            let a = ask(&engine_with(now, &people, &with, Some(seed)), group_by, Period::Week, 30, noise());
            let b =
                ask(&engine_with(now, &people, &without, Some(seed)), group_by, Period::Week, 30, noise());
            assert_eq!(without_noisy_values(a.clone()), without_noisy_values(b.clone()), "seed {seed}");
            for (i, t) in [a, b].iter().enumerate() {
                let row =
                    t["rows"].as_array().unwrap().iter().find(|r| r["group"] == group && r["period"] == week);
                flags[i][usize::from(row.unwrap()["suppressed"] == true)] = true;
            }
        }
        assert_eq!(flags, [[true; 2]; 2], "{group_by:?}: whether {group} {week} is shown is an exact fact");
    }
}

/// Class 11: a fixed seed on an engine that promises noise is refused,
/// naming the option; a seeded table says it is seeded, and a table from
/// the platform's randomness says it is not.
#[test]
fn class_11_a_seed_with_required_noise_is_refused_and_seeded_tables_say_so() {
    let options = json!({ "viewer": format!("s0@{ORG}"), "requireNoise": true, "noiseSeed": 7,
                          "consent": { "aggregated": true } });
    let refused = EngineOptions::from_json(&options.to_string(), 0).and_then(Engine::new).err();
    match refused {
        Some(Error::InvalidOptions { option, .. }) => assert_eq!(option, "noiseSeed"),
        other => panic!("requireNoise with noiseSeed: {other:?}"),
    }
    let (people, mail) = five_in_sales(false);
    let noise = || Some(Noise::with_epsilon(1.0));
    let seeded = ask(
        &engine_with(day(2026, 6, 30), &people, &mail, Some(3)),
        GroupBy::Department,
        Period::Week,
        30,
        noise(),
    );
    assert_eq!(seeded["noise"]["seeded"], true);
    let drawn = ask(
        &engine_with(day(2026, 6, 30), &people, &mail, None),
        GroupBy::Department,
        Period::Week,
        30,
        noise(),
    );
    assert_eq!(drawn["noise"]["seeded"], false);
}

/// Class 12 (the cell bound): 8,000 accounts over ten years of weeks would
/// be four million cells. The table is refused with a stable code naming
/// `days`, before anything that size is built, with and without noise, and
/// the engine answers a normal question afterwards.
#[test]
fn class_12_a_table_of_too_many_cells_is_refused_and_the_engine_stays_usable() {
    let mut people: Vec<Value> =
        (0..5).map(|i| json!({ "id": format!("s{i}@{ORG}"), "department": "Sales" })).collect();
    people.extend(
        (0..8000).map(|i| json!({ "id": format!("x{i}@a{i}.example"), "accountId": format!("a{i}") })),
    );
    let (_, mail) = five_in_sales(false);
    let e = engine_with(day(2026, 6, 30), &Value::Array(people), &mail, Some(1));
    for noise in [None, Some(Noise::with_epsilon(1.0))] {
        let request =
            AggregatesRequest { group_by: GroupBy::Account, period: Period::Week, noise, days: Some(3660) };
        match e.aggregates(&request) {
            Err(Error::InvalidOptions { option, reason }) => {
                assert_eq!(option, "days", "{reason}");
            }
            other => panic!("a table of 4 million cells: {:?}", other.map(|t| t.rows.len())),
        }
    }
    let t = ask(&e, GroupBy::Account, Period::Week, 30, None);
    assert_eq!(t["rows"].as_array().unwrap().len(), 8000 * t["periods"].as_array().unwrap().len());
    let t = ask(&e, GroupBy::Department, Period::Month, 3660, Some(Noise::with_epsilon(1.0)));
    assert_eq!(t["periods"].as_array().unwrap().len(), 121, "ten years of months by department are fine");
}
