//! Snapshots whose bytes check out but whose contents a load would never
//! have written: what `Engine::from_snapshot` must refuse. Here rather than
//! beside the snapshot format, because it needs an engine to make one.

use super::{Engine, EngineOptions};
use crate::load::{Format, LoadOptions};
use crate::store::snapshot::{export, import};
use crate::store::Store;

/// A change made to a store before it is exported again.
type Edit<'a> = &'a dyn Fn(&mut Store);

/// A snapshot whose bytes check out but whose rows a load would never
/// have stored (written by a hostile page with access to the storage, or
/// a bug) is refused: the engine's rules on a row's people hold for
/// whatever it reopens.
#[test]
fn rows_whose_people_a_load_would_not_store_are_refused() {
    let now = crate::time::parse_rfc3339("2026-02-01T00:00:00Z").unwrap();
    let mut e = Engine::new(EngineOptions::new("v@northwind.example", now)).unwrap();
    let mail = |id: &str, to: &str| {
        format!(
            r#"{{"id":"{id}","kind":"email","from":"v@northwind.example","to":[{to}],"at":"2026-01-05T10:00:00Z"}}"#
        )
    };
    let rows =
        [mail("m1", r#""a@contoso.example","b@contoso.example""#), mail("m2", r#""a@contoso.example""#)];
    e.load_interactions(
        rows.join("\n").as_bytes(),
        LoadOptions { format: Format::Ndjson, ..LoadOptions::default() },
    )
    .unwrap();
    let snap = import(&e.export_snapshot()).unwrap();
    let altered = |edit: Edit| {
        let mut store = snap.store.clone();
        edit(&mut store);
        import(&export(&snap.viewer, snap.complete, snap.spent_milli, &store)).map(|_| ())
    };
    assert!(altered(&|_| {}).is_ok(), "the snapshot as exported");
    let sender = snap.store.rows().from[0];
    let cases: [(&str, Edit); 4] = [
        ("the sender among the participants", &|s| s.rows_mut().parts[1] = sender),
        ("someone twice in a row", &|s| s.rows_mut().parts[1] = s.rows_mut().parts[0]),
        ("no one but the sender", &|s| {
            s.rows_mut().parts.pop();
            s.rows_mut().copied.pop();
            s.rows_mut().part_end[1] = 2;
        }),
        ("an opted-out participant", &|s| {
            let p = s.rows().parts[0];
            s.person_mut(p).opted_out = true;
        }),
    ];
    for (what, edit) in cases {
        assert_eq!(altered(edit).unwrap_err().code(), "INVALID_SNAPSHOT", "{what}");
    }
}
