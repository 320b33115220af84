//! Attack tests of issue 12 on deletion, classes 8 and 9 (and class 6 on the
//! viewer's own rows): a person seen first and then opted out must change no
//! order or count, a load report must not tell opted-out senders apart, and
//! an engine created without consent keeps and tells nothing of others.
//! (Classes 1, 2 and 6 are in `attack_deletion.rs`.)

mod common;

use common::attack::*;
use common::*;
use rapport::{Engine, LoadOptions};
use rapport_demo::{demo_dataset, DemoFormat, DemoOptions};
use serde_json::{json, Value};

// ---------------------------------------------------------------- class 8

/// Engine A sees `x` first (every record of theirs loaded before anyone
/// else's) and then opts them out; engine B loads the same data with `x`
/// removed beforehand. Every public output and count must be the same.
fn assert_seen_first_leaves_no_trace(
    directory: &Value,
    records: &Value,
    x: &str,
    contacts: &[String],
    now: &str,
    viewer: &str,
) {
    let involves = |r: &Value| {
        let on = |v: &Value| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(x));
        on(&r["from"]) || r["to"].as_array().into_iter().chain(r["cc"].as_array()).flatten().any(on)
    };
    let list = records.as_array().unwrap();
    let mut ordered: Vec<Value> = list.iter().filter(|r| involves(r)).cloned().collect();
    assert!(!ordered.is_empty(), "x takes part in something");
    ordered.extend(list.iter().filter(|r| !involves(r)).cloned());
    let ordered = Value::Array(ordered);

    let mut a = engine_at(viewer, ALL, now);
    mail(&mut a, &ordered);
    people(&mut a, directory);
    a.opt_out(x).unwrap();

    let kept: Vec<Value> = directory
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["id"].as_str().unwrap().eq_ignore_ascii_case(x))
        .cloned()
        .collect();
    let mut b = engine_at(viewer, ALL, now);
    mail(&mut b, &without(&ordered, &[x]));
    people(&mut b, &Value::Array(kept));

    same(&outputs(&a, contacts), &outputs(&b, contacts), &format!("{x} seen first"));
    assert_eq!(a.stats().0, b.stats().0);
}

#[test]
fn class_08_a_person_seen_first_then_opted_out_changes_no_order() {
    // X is the first person every colleague meets: X's mail is loaded first,
    // so X and X's recipients get the first keys. The rest ties everywhere:
    // equal counts, equal times, equal strengths.
    let x = "aaa-first@ext.example";
    let mut v = vec![
        email(
            "x-1",
            x,
            &[BOB, ADA, "zz@ext.example", "yy@ext.example", "ww@ext.example"],
            "2026-02-01T09:00:00Z",
        ),
        meeting("x-2", "zz@ext.example", &[x, ADA, BOB], "2026-02-01T11:00:00Z", 30.0),
        // Two spellings of one account: X's recipient gets a key before the other.
        email("x-3", x, &["cc@contoso.example"], "2026-02-01T12:00:00Z"),
        email("k-1", "cd@contoso.example", &[ADA, BOB], "2026-02-02T09:00:00Z"),
        email("k-2", "cc@contoso.example", &[ADA, BOB], "2026-02-02T09:00:00Z"),
    ];
    let contacts = ["ww@ext.example", "yy@ext.example", "zz@ext.example", "mm@ext.example"];
    let colleagues = [ADA, BOB, "kim@northwind.example", "lee@northwind.example"];
    let mut n = 0;
    for (i, c) in contacts.iter().enumerate() {
        for col in colleagues {
            n += 1;
            v.push(email(&format!("t-{n}"), col, &[c], &format!("2026-02-{:02}T10:00:00Z", 3 + i)));
            v.push(email(&format!("u-{n}"), c, &[col], &format!("2026-02-{:02}T12:00:00Z", 3 + i)));
        }
    }
    let directory = json!([
        { "id": ADA, "name": "Ada", "department": "Sales" },
        { "id": BOB, "name": "Bob", "department": "Sales" },
        { "id": "kim@northwind.example", "name": "Kim", "department": "Sales" },
        { "id": "lee@northwind.example", "name": "Lee", "department": "Sales" },
        { "id": x, "name": "First" },
        { "id": "cd@contoso.example", "name": "Cd", "accountId": "Contoso" },
        { "id": "cc@contoso.example", "name": "Cc", "accountId": "contoso" },
    ]);
    let mut ids: Vec<String> = contacts.iter().map(|s| s.to_string()).collect();
    ids.extend(colleagues.iter().map(|s| s.to_string()));
    ids.extend([x.to_string(), "cc@contoso.example".into(), "cd@contoso.example".into()]);
    assert_seen_first_leaves_no_trace(&directory, &Value::Array(v), x, &ids, NOW, ADA);
}

#[test]
fn class_08_an_opted_out_person_seen_first_in_the_demo_changes_no_order() {
    let demo = demo_dataset(&DemoOptions { seed: 12, interactions: 3_000, format: DemoFormat::Json });
    let records: Value = serde_json::from_str(&demo.interactions).unwrap();
    let directory: Value = serde_json::from_str(&demo.people).unwrap();
    // The external person in the most records, and an internal one.
    let mut count: std::collections::BTreeMap<String, usize> = Default::default();
    for r in records.as_array().unwrap() {
        *count.entry(r["from"].as_str().unwrap().to_string()).or_default() += 1;
    }
    let mut by_count: Vec<(usize, String)> = count.into_iter().map(|(k, v)| (v, k)).collect();
    by_count.sort();
    let external =
        by_count.iter().rev().find(|(_, id)| !id.ends_with(&demo.internal_domains[0])).unwrap().1.clone();
    let internal = by_count
        .iter()
        .rev()
        .find(|(_, id)| id.ends_with(&demo.internal_domains[0]) && **id != demo.viewer)
        .unwrap()
        .1
        .clone();
    let mut contacts: Vec<String> = by_count.iter().rev().take(30).map(|(_, id)| id.clone()).collect();
    contacts.push(external.clone());
    for x in [external, internal] {
        assert_seen_first_leaves_no_trace(&directory, &records, &x, &contacts, &demo.now, &demo.viewer);
    }
}

// ---------------------------------------------------------------- class 9

#[test]
fn class_09_the_load_report_does_not_tell_opted_out_senders_apart() {
    let x = "xo@ext.example";
    let y = "yo@ext.example";
    for consent in [NONE, ALL] {
        for withdraw in [false, true] {
            let mut e = eng(consent);
            mail(
                &mut e,
                &json!([
                    email("s-1", x, &[ADA], "2026-02-01T09:00:00Z"),
                    email("s-2", BOB, &[DAN], "2026-02-01T10:00:00Z"),
                    email("s-3", ADA, &[DAN], "2026-02-01T11:00:00Z"),
                ]),
            );
            e.opt_out(x).unwrap();
            if withdraw {
                e.set_consent(NONE);
            }
            // A record reusing a stored id, from the opted-out person or from
            // anyone else: the same report (issue 14: a version keeps its
            // sender, so both are refused, for the same reason).
            let lenient = LoadOptions { lenient: true, ..LoadOptions::default() };
            let mut reuse = |from: &str| {
                let text = json!([email("s-3", from, &[BOB], "2026-02-02T09:00:00Z")]).to_string();
                e.load_interactions(text.as_bytes(), lenient.clone()).unwrap()
            };
            let (from_x, from_y) = (reuse(x), reuse(y));
            assert_eq!(
                report_text(&from_x),
                report_text(&from_y),
                "reused id, consent {consent:?}, withdrawn {withdraw}"
            );
            assert_eq!((from_x.rejected, from_x.errors[0].field.as_str()), (1, "from"));
            // A record the viewer takes no part in, once others' data is not kept.
            if withdraw {
                let from_x = mail(&mut e, &json!([email("n-1", x, &[BOB], "2026-02-02T09:00:00Z")]));
                let from_y = mail(&mut e, &json!([email("n-2", y, &[BOB], "2026-02-02T09:00:00Z")]));
                assert_eq!(
                    report_text(&from_x),
                    report_text(&from_y),
                    "not the viewer's, consent {consent:?}"
                );
                assert_eq!(from_x.dropped_no_consent, 1);
                // Sent to the opted-out person only, not the viewer's: no consent either way.
                let to_x = mail(&mut e, &json!([email("n-3", BOB, &[x], "2026-02-02T09:00:00Z")]));
                let to_y = mail(&mut e, &json!([email("n-4", BOB, &[y], "2026-02-02T09:00:00Z")]));
                assert_eq!(report_text(&to_x), report_text(&to_y));
            }
            // Within one batch, a repeated id from another sender is refused
            // whether the first was dropped (opted out) or not.
            let mut batch = |first: &str, id: &str| {
                let text = json!([
                    email(id, first, &[BOB], "2026-02-02T09:00:00Z"),
                    email(id, BOB, &[DAN], "2026-02-02T09:00:00Z")
                ])
                .to_string();
                e.load_interactions(text.as_bytes(), lenient.clone()).unwrap()
            };
            let (batch_x, batch_y) = (batch(x, "b-1"), batch(y, "b-2"));
            assert_eq!(batch_x.rejected, batch_y.rejected, "consent {consent:?}, withdrawn {withdraw}");
            assert_eq!((batch_x.rejected, batch_x.errors[0].field.as_str()), (1, "from"));
        }
    }
}

#[test]
fn class_06_own_results_read_inferred_replies_among_the_viewers_own_rows() {
    // Dan writes to Ada, then to Bob only (others' data, kept with consent but
    // not in the own view), then Ada answers Dan: among what the own view may
    // read, Ada's message answers Dan's first one, whatever else is held.
    let page = [
        message("o-1", "conv-3", DAN, &[ADA], "2026-02-02T09:00:00Z"),
        message("o-2", "conv-3", BOB, &[DAN], "2026-02-02T10:00:00Z"),
        message("o-3", "conv-3", ADA, &[DAN], "2026-02-02T13:00:00Z"),
    ];
    let own = |e: &Engine| {
        let h = rapport::insights::health::HealthOptions::default();
        let mut out = serde_json::to_string(&e.own_insights(Some(90)).unwrap()).unwrap();
        let contact = rapport::Target::Contact(DAN.into());
        out += &serde_json::to_string(&e.relationship(&contact, rapport::DataScope::Own, None, &h).unwrap())
            .unwrap();
        out
    };
    let mut mine = eng(ALL);
    people(&mut mine, &directory());
    graph_page(&mut mine, &[page[0].clone(), page[2].clone()]);
    let expected = own(&mine);
    assert!(expected.contains("\"replies\":1"), "Ada's message answers Dan's: {expected}");
    for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
        let mut e = eng(ALL);
        people(&mut e, &directory());
        for i in order {
            graph_page(&mut e, &[page[i].clone()]);
        }
        same(&own(&e), &expected, &format!("pages in order {order:?}"));
    }
}
