//! Attack tests of issue 12 class 2 at rest: a host keeps a person's opt-out
//! across engines (a demo generated again, files loaded afresh) without
//! keeping their address. `export_opt_outs` hands out only the engine's
//! one-way digests, `import_opt_outs` applies them to another engine exactly
//! as `opt_out` would (aliases folded in before or after included), damaged
//! bytes change nothing, and `is_opted_out` lets the host filter its own
//! lists by asking the core instead of keeping ids.

mod common;

use common::*;
use rapport::{Consent, DataScope, Engine, Target};
use serde_json::{json, Value};

const ALL: Consent = Consent { aggregated: true, identifiable: true };
const NOW: &str = "2026-03-01T00:00:00Z";
/// A client known by two addresses: the directory folds the short one into the full one.
const SHORT: &str = "c@client.example";
const FULL: &str = "c.full@client.example";

fn contacts() -> Vec<String> {
    [CLEO, DAN, EVE, FULL, SHORT].iter().map(|s| s.to_string()).collect()
}

/// Mail between the viewer, colleagues and clients, the short address among them.
fn mail() -> Value {
    json!([
        email("m1", ADA, &[CLEO], "2026-02-02T10:00:00Z"),
        email("m2", CLEO, &[ADA, BOB], "2026-02-03T10:00:00Z"),
        email("m3", BOB, &[DAN], "2026-02-04T10:00:00Z"),
        email("m4", SHORT, &[ADA], "2026-02-05T10:00:00Z"),
        email("m5", ADA, &[FULL, EVE], "2026-02-06T10:00:00Z"),
        email("m6", BOB, &[SHORT], "2026-02-07T10:00:00Z"),
    ])
}

/// The directory, with the client's short address as an alias of the full one.
fn directory_with_alias() -> Value {
    let mut d = directory();
    d.as_array_mut()
        .expect("an array")
        .push(json!({ "id": FULL, "name": "Client Full", "accountId": "client", "aliases": [SHORT] }));
    d
}

fn loaded(people: &Value) -> Engine {
    let mut e = engine(ADA, ALL, NOW);
    load(&mut e, people, &mail());
    e
}

/// Whether `needle` appears in `bytes`, ASCII case ignored.
fn holds(bytes: &[u8], needle: &str) -> bool {
    let needle = needle.to_ascii_lowercase();
    bytes.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn known(e: &Engine, id: &str) -> bool {
    e.relationship(&Target::Contact(id.into()), DataScope::Team, None, &Default::default()).is_ok()
}

#[test]
fn class_02_opt_outs_cross_engines_as_digests_and_never_as_addresses() {
    let mut a = loaded(&directory());
    a.opt_out(CLEO).unwrap();
    a.opt_out("never.seen@elsewhere.example").unwrap();
    let bytes = a.export_opt_outs();
    for secret in [CLEO, "cleo", "never.seen", "elsewhere.example"] {
        assert!(!holds(&bytes, secret), "the exported opt-outs hold {secret}");
    }

    // Another engine with the same data, given only the bytes: as if opt_out had been called there.
    let mut b = loaded(&directory());
    assert!(known(&b, CLEO));
    let before = b.stats().1;
    b.import_opt_outs(&bytes).unwrap();
    assert!(!known(&b, CLEO), "imported opt-outs purge the person held");
    assert!(b.stats().1 < before, "and what held them shrinks");
    assert!(!holds(&b.export_snapshot(), CLEO));
    let mut expected = loaded(&directory());
    expected.opt_out(CLEO).unwrap();
    expected.opt_out("never.seen@elsewhere.example").unwrap();
    assert_eq!(outputs(&b, &contacts()), outputs(&expected, &contacts()));

    // A third engine, given the bytes before any data: the load drops them.
    let mut c = engine(ADA, ALL, NOW);
    c.import_opt_outs(&bytes).unwrap();
    load(&mut c, &directory(), &mail());
    assert_eq!(outputs(&c, &contacts()), outputs(&expected, &contacts()));
    // And it hands the same opt-outs on: a chain of engines keeps them all.
    let mut d = engine(ADA, ALL, NOW);
    d.import_opt_outs(&c.export_opt_outs()).unwrap();
    assert!(d.is_opted_out(CLEO) && d.is_opted_out("never.seen@elsewhere.example"));
    assert_eq!(c.export_opt_outs(), bytes, "digests, sorted: the same opt-outs are the same bytes");
}

#[test]
fn class_02_imported_opt_out_purges_a_held_person_by_alias_in_either_order() {
    let mut source = engine(ADA, ALL, NOW);
    source.opt_out(SHORT).unwrap();
    let bytes = source.export_opt_outs();

    let mut expected = loaded(&directory_with_alias());
    expected.opt_out(SHORT).unwrap();
    assert!(!known(&expected, FULL), "opting out an alias opts out the person");

    // The person is held under the full address, with the short one folded in: imported after.
    let mut after = loaded(&directory_with_alias());
    assert!(known(&after, FULL));
    after.import_opt_outs(&bytes).unwrap();
    assert!(!known(&after, FULL), "the alias's digest reaches the person");
    assert!(after.is_opted_out(FULL) && after.is_opted_out(SHORT));
    for secret in [FULL, SHORT, "Client Full"] {
        assert!(!holds(&after.export_snapshot(), secret), "the snapshot holds {secret}");
        assert!(!holds(&after.export_opt_outs(), secret));
    }
    assert_eq!(outputs(&after, &contacts()), outputs(&expected, &contacts()));

    // Imported first, the alias declared by the directory later.
    let mut first = engine(ADA, ALL, NOW);
    first.import_opt_outs(&bytes).unwrap();
    load(&mut first, &directory_with_alias(), &mail());
    assert!(!known(&first, FULL));
    assert_eq!(outputs(&first, &contacts()), outputs(&expected, &contacts()));

    // The short address's mail loaded before the directory folds it in, then the import.
    let mut seen = engine(ADA, ALL, NOW);
    seen.load_interactions(mail().to_string().as_bytes(), Default::default()).unwrap();
    seen.import_opt_outs(&bytes).unwrap();
    seen.load_people(directory_with_alias().to_string().as_bytes(), Default::default()).unwrap();
    assert!(!known(&seen, FULL) && !known(&seen, SHORT));
    assert!(!holds(&seen.export_snapshot(), FULL));
}

#[test]
fn class_02_damaged_or_foreign_opt_out_bytes_are_refused_and_change_nothing() {
    let mut source = engine(ADA, ALL, NOW);
    source.opt_out(CLEO).unwrap();
    let good = source.export_opt_outs();

    let mut e = loaded(&directory());
    let snapshot = e.export_snapshot();
    let results = outputs(&e, &contacts());
    let refused = |e: &mut Engine, bytes: &[u8], what: &str| {
        let err = e.import_opt_outs(bytes).expect_err(what);
        assert_eq!(err.code(), "INVALID_SNAPSHOT", "{what}");
    };
    for cut in 0..good.len() {
        refused(&mut e, &good[..cut], &format!("cut at {cut}"));
    }
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        refused(&mut e, &bad, &format!("byte {i} flipped"));
    }
    let mut longer = good.clone();
    longer.push(0);
    refused(&mut e, &longer, "a byte added");
    // A snapshot is not a list of opt-outs, nor the other way round.
    refused(&mut e, &snapshot, "a snapshot");
    let err = Engine::from_snapshot(&good, e.options().clone()).err().expect("opt-outs are not a snapshot");
    assert_eq!(err.code(), "INVALID_SNAPSHOT");

    assert!(!e.is_opted_out(CLEO));
    assert_eq!(e.export_snapshot(), snapshot, "nothing changed");
    assert_eq!(outputs(&e, &contacts()), results);
    // The good bytes still work on the same engine afterwards.
    e.import_opt_outs(&good).unwrap();
    assert!(e.is_opted_out(CLEO) && !known(&e, CLEO));
}

#[test]
fn class_02_is_opted_out_normalises_ids_like_every_person_id() {
    let mut e = loaded(&directory());
    assert!(!e.is_opted_out(CLEO));
    e.opt_out(CLEO).unwrap();
    for asked in [CLEO, "  Cleo@Contoso.Example ", "CLEO@CONTOSO.EXAMPLE"] {
        assert!(e.is_opted_out(asked), "{asked:?}");
    }
    for other in [DAN, ADA, "", "   ", "cleo", "contoso.example"] {
        assert!(!e.is_opted_out(other), "{other:?}");
    }
    // An engine with no opt-outs exports an empty, valid list that another imports.
    let empty = loaded(&directory()).export_opt_outs();
    let mut f = loaded(&directory());
    let results = outputs(&f, &contacts());
    f.import_opt_outs(&empty).unwrap();
    assert_eq!(outputs(&f, &contacts()), results);
}
