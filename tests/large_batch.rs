//! A batch large enough that staging sorts its ids' hashes first and
//! follows only the ids that occur again (more than 2^17 records), against
//! the same records loaded in pieces of a thousand (each followed whole).
//! A batch is a sync: its records apply one after the other, so both must
//! count the same and hold the same. Among 150,000 records of single ids,
//! the ids that repeat are placed side by side and far apart: a later
//! version, an older one, an identical copy, a deletion, a cancellation, a
//! re-addition after a deletion, and an attacker's record reusing another
//! sender's id to take it over. An id the sort missed would be stored twice,
//! or let the takeover through.

mod common;

use common::*;
use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Engine, Format, LoadOptions, LoadReport};
use serde_json::{json, Value};

const SINGLES: usize = 150_000;
const EACH: usize = 120;

fn at(i: usize) -> String {
    let s = (i % (200 * 24 * 60)) * 60;
    format!(
        "2026-0{}-{:02}T{:02}:{:02}:00Z",
        1 + s / (31 * 86_400) % 6,
        1 + s / 86_400 % 28,
        s / 3600 % 24,
        s / 60 % 60
    )
}

fn contact(i: usize) -> String {
    format!("c{}@contoso.example", i % 40)
}

/// The batch's lines: the singles, with each repeated id's records put in
/// among them (one near the start and one near the end, side by side, or
/// anywhere), and deletions of ids never loaded.
fn lines() -> Vec<Value> {
    let lines: Vec<Value> = (0..SINGLES)
        .map(|i| {
            let from = if i % 3 == 0 { ADA.to_string() } else { contact(i) };
            let to = if i % 3 == 0 { contact(i) } else { ADA.to_string() };
            json!({ "id": format!("m{i}"), "kind": "email", "from": from, "to": [to], "at": at(i) })
        })
        .collect();
    let v = |id: &str, from: &str, when: usize, modified: &str| json!({ "id": id, "kind": "email", "from": from, "to": [contact(when)], "at": at(when), "modifiedAt": modified });
    let mut pairs: Vec<(Value, Value)> = Vec::new();
    for i in 0..EACH {
        let later = "2026-03-01T00:00:00Z";
        let earlier = "2026-02-01T00:00:00Z";
        pairs.push((v(&format!("u{i}"), ADA, i, earlier), v(&format!("u{i}"), ADA, i + 7, later)));
        pairs.push((v(&format!("s{i}"), ADA, i, later), v(&format!("s{i}"), ADA, i + 7, earlier)));
        pairs.push((v(&format!("c{i}"), ADA, i, later), v(&format!("c{i}"), ADA, i, later)));
        pairs.push((v(&format!("d{i}"), ADA, i, later), json!({ "id": format!("d{i}"), "deleted": true })));
        let m = |cancelled: bool| {
            json!({ "id": format!("x{i}"), "kind": "meeting", "from": ADA, "to": [contact(i)], "at": at(i),
                    "durationMinutes": 30, "cancelled": cancelled })
        };
        pairs.push((m(false), m(true)));
        pairs.push((v(&format!("t{i}"), CLEO, i, earlier), v(&format!("t{i}"), EVE, i, later)));
    }
    // Deleted, then stored again: the deletion is remembered by nothing.
    for i in 0..EACH {
        let again = json!({ "id": format!("m{i}"), "kind": "email", "from": ADA, "to": [contact(i)], "at": at(i + 3) });
        pairs.push((json!({ "id": format!("m{i}"), "deleted": true }), again));
    }
    let mut placed: Vec<(usize, Value)> = Vec::new();
    for (k, (first, second)) in pairs.into_iter().enumerate() {
        let (a, b) = match k % 3 {
            0 => (k, SINGLES - k),
            1 => (SINGLES / 2 + k, SINGLES / 2 + k),
            _ => (k * 97 % SINGLES, (k * 97 % SINGLES).max(SINGLES - 1 - k)),
        };
        placed.push((a, first));
        placed.push((b, second));
    }
    placed.extend((0..EACH).map(|i| (i * 1000, json!({ "id": format!("nf{i}"), "deleted": true }))));
    // A stable sort: a pair's two records at one place stay in order.
    placed.sort_by_key(|&(place, _)| place);
    let mut placed = placed.into_iter().peekable();
    let mut batch = Vec::with_capacity(lines.len() + placed.len());
    for (i, single) in lines.into_iter().enumerate() {
        while let Some((_, line)) = placed.next_if(|&(place, _)| place <= i) {
            batch.push(line);
        }
        batch.push(single);
    }
    batch.extend(placed.map(|(_, line)| line));
    batch
}

fn text(lines: &[Value]) -> String {
    lines.iter().map(|l| l.to_string() + "\n").collect()
}

fn fresh() -> Engine {
    let mut e = engine(ADA, Consent { aggregated: true, identifiable: true }, "2026-07-01T00:00:00Z");
    e.load_people(directory().to_string().as_bytes(), LoadOptions::default()).expect("people");
    e
}

fn counts(r: &LoadReport) -> [usize; 8] {
    [r.accepted, r.duplicates, r.updated, r.deleted, r.not_found, r.cancelled, r.rejected, r.emails]
}

#[test]
fn a_large_batch_counts_and_holds_what_its_records_in_pieces_do() {
    let lines = lines();
    assert!(lines.len() > 1 << 17, "{} lines: a batch large enough to sort", lines.len());
    let lenient = LoadOptions { format: Format::Ndjson, lenient: true, ..LoadOptions::default() };

    let mut whole = fresh();
    let report = whole.load_interactions(text(&lines).as_bytes(), lenient.clone()).expect("whole");
    let mut pieces = fresh();
    let mut summed = [0usize; 8];
    for piece in lines.chunks(1000) {
        let r = pieces.load_interactions(text(piece).as_bytes(), lenient.clone()).expect("piece");
        summed.iter_mut().zip(counts(&r)).for_each(|(s, c)| *s += c);
    }
    assert_eq!(
        counts(&report),
        summed,
        "accepted, duplicates, updated, deleted, notFound, cancelled, rejected, emails"
    );

    // What each repeated id comes to, counted by hand.
    let e = EACH;
    assert_eq!(report.rejected, e, "every takeover refused: {:?}", report.errors.first());
    assert_eq!(report.updated, e, "later versions");
    assert_eq!(report.duplicates, 2 * e, "older versions and identical copies");
    assert_eq!(report.deleted, 2 * e, "deletions of ids earlier in the batch");
    assert_eq!(report.not_found, e, "deletions of ids never loaded");
    assert_eq!(report.cancelled, e, "cancelled meetings");
    assert_eq!(report.accepted, SINGLES + 7 * e, "singles, then u, s, c, d, x and t once each, and m again");
    let held = SINGLES + 4 * e; // the singles (m deleted, then added again), u, s, c, t
    assert_eq!(whole.stats().0, held);
    assert_eq!(pieces.stats().0, held);

    let h = HealthOptions::default();
    let list = |e: &Engine| {
        serde_json::to_string(&e.relationship_summaries(false, DataScope::Team, None, &h).expect("summaries"))
            .expect("json")
    };
    assert_eq!(list(&whole), list(&pieces), "every contact's summary");
}

/// A large batch's ids, the ids its e-mails answer and their conversations
/// are interned in one sweep of each table, not one string after another:
/// the store must come out the same, byte for byte, as from the same
/// records in pieces (interned one by one). Replies to the e-mail before,
/// to one far back, to one further on, and to none loaded; conversations
/// of neighbours and of records far apart.
#[test]
fn a_large_batch_stores_what_its_records_in_pieces_do_byte_for_byte() {
    const N: usize = 140_000;
    let lines: Vec<Value> = (0..N)
        .map(|i| {
            let (from, to) =
                if i % 3 == 0 { (ADA.to_string(), contact(i)) } else { (contact(i), ADA.to_string()) };
            let thread = if i % 5 == 0 { format!("far{}", i % 3000) } else { format!("t{}", i / 4) };
            let mut line = json!({ "id": format!("r{i}"), "kind": "email", "from": from, "to": [to],
                                   "at": at(i), "threadId": thread });
            let answers = match i % 8 {
                1 | 5 => Some(format!("r{}", i - 1)),
                2 => Some(format!("r{}", i / 2)),
                3 if i + 50 < N => Some(format!("r{}", i + 50)),
                4 => Some(format!("unknown{i}")),
                _ => None,
            };
            if let Some(a) = answers {
                line["inReplyTo"] = json!(a);
            }
            line
        })
        .collect();
    assert!(lines.len() > 1 << 17, "a batch large enough to sort");
    let ndjson = LoadOptions { format: Format::Ndjson, ..LoadOptions::default() };
    let mut whole = fresh();
    whole.load_interactions(text(&lines).as_bytes(), ndjson.clone()).expect("whole");
    let mut pieces = fresh();
    for piece in lines.chunks(1000) {
        pieces.load_interactions(text(piece).as_bytes(), ndjson.clone()).expect("piece");
    }
    assert_eq!(whole.stats().0, N);
    assert!(whole.export_snapshot() == pieces.export_snapshot(), "the same snapshot");
}
