//! Property tests of the rules that matter most: opt-out invariance (SPEC
//! 4.3), no result without its consent (SPEC 4.1), and all-or-nothing strict
//! loads (SPEC 2.4).

mod common;

use common::*;
use proptest::prelude::*;
use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Error, LoadOptions, Scope, Target};
use serde_json::{json, Value};

/// Keeps only a consent refusal: any other outcome counts as answered.
fn refusal<T>(r: Result<T, Error>) -> Result<(), Error> {
    match r {
        Err(e @ Error::ConsentRequired { .. }) => Err(e),
        _ => Ok(()),
    }
}

fn consent(aggregated: bool, identifiable: bool) -> Consent {
    Consent { aggregated, identifiable }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every output is identical whether a person opted out in the directory,
    /// was opted out after loading, or was never in the data at all.
    #[test]
    fn opt_out_is_the_same_as_never_having_been_there(
        w in world(), pick in any::<prop::sample::Index>(), viewer in any::<prop::sample::Index>(),
        grant in any::<(bool, bool)>(),
    ) {
        let x = pick.index(w.people);
        let v = viewer.index(w.internal);
        prop_assume!(x != v);
        let viewer_id = person_id(&w, v);
        let c = consent(grant.0, grant.1);

        let mut never = engine(&viewer_id, c, WORLD_NOW);
        load(&mut never, &w.people_json(None, Some(x)), &w.interactions_json(Some(x)));

        let mut flagged = engine(&viewer_id, c, WORLD_NOW);
        load(&mut flagged, &w.people_json(Some(x), None), &w.interactions_json(None));

        let mut later = engine(&viewer_id, c, WORLD_NOW);
        load(&mut later, &w.people_json(None, None), &w.interactions_json(None));
        later.opt_out(&person_id(&w, x).to_uppercase()).unwrap();

        let ids = w.ids();
        let expected = outputs(&never, &ids);
        prop_assert_eq!(&outputs(&flagged, &ids), &expected);
        prop_assert_eq!(&outputs(&later, &ids), &expected);
        prop_assert_eq!(flagged.stats().0, never.stats().0);
        prop_assert_eq!(later.stats().0, never.stats().0);
    }

    /// A method that needs `identifiable` or `aggregated` returns no result
    /// without it, and a refusal names the missing scope.
    #[test]
    fn no_result_without_its_consent(w in world(), grant in any::<(bool, bool)>()) {
        let c = consent(grant.0, grant.1);
        let mut e = engine(&person_id(&w, 0), c, WORLD_NOW);
        load(&mut e, &w.people_json(None, None), &w.interactions_json(None));
        let target = Target::Contact(person_id(&w, w.people - 1));
        let h = HealthOptions::default();
        let needs = |scope: Scope, result: Result<(), Error>| match result {
            Err(Error::ConsentRequired { scope: s }) => {
                assert!(!c.grants(scope), "refused although granted");
                assert_eq!(s, scope);
            }
            _ => assert!(c.grants(scope), "answered without {scope:?}"),
        };
        needs(Scope::Identifiable, refusal(e.relationship(&target, DataScope::Team, None, &h)));
        needs(Scope::Identifiable, refusal(e.relationship_summaries(true, DataScope::Team, None, &h)));
        needs(Scope::Identifiable, refusal(e.who_knows_whom(&target, None)));
        needs(Scope::Identifiable, refusal(e.introduction_paths(&target, None, None, None)));
        needs(Scope::Aggregated, refusal(e.aggregates(&departments(rapport::insights::aggregates::Period::Week))));
        needs(Scope::Own, refusal(e.relationship(&target, DataScope::Own, None, &h)));
        needs(Scope::Own, refusal(e.relationship_summaries(false, DataScope::Own, None, &h)));
        let own = e.own_insights(None).unwrap();
        prop_assert_eq!(own.scope, Scope::Own);
    }

    /// Introductions and who knows whom name nobody the scope may not name:
    /// a drafted message names only people on its path (by name, or by id
    /// without one), never the opted-out person (by id or name, in any
    /// letter case); who knows whom never lists the viewer, and reports
    /// the viewer's own tie apart.
    #[test]
    fn introductions_name_only_people_on_the_path(
        w in world(), pick in any::<prop::sample::Index>(), viewer in any::<prop::sample::Index>(),
        penalty in prop::sample::select(vec![None, Some(1.0), Some(0.5), Some(0.05)]),
    ) {
        let x = pick.index(w.people);
        let v = viewer.index(w.internal);
        prop_assume!(x != v);
        let viewer_id = person_id(&w, v).to_lowercase();
        let mut e = engine(&viewer_id, consent(false, true), WORLD_NOW);
        load(&mut e, &w.people_json(None, None), &w.interactions_json(None));
        e.opt_out(&person_id(&w, x)).unwrap();
        let gone = [person_id(&w, x).to_lowercase(), format!("person {x}")];
        let name_of = |id: &str| (0..w.people).find(|&i| person_id(&w, i).eq_ignore_ascii_case(id)).map(|i| format!("Person {i}"));
        for target in w.ids() {
            let contact = Target::Contact(target);
            if let Ok(paths) = e.introduction_paths(&contact, Some(20), Some(4), penalty) {
                let mut last_direct = true;
                for p in &paths {
                    let text = serde_json::to_string(p).unwrap().to_lowercase();
                    prop_assert!(gone.iter().all(|g| !text.contains(g.as_str())), "{}", text);
                    // The direct tie first, once at most; chains by score.
                    prop_assert!(!p.direct || last_direct);
                    last_direct = p.direct;
                    let Some(intro) = &p.introduction else {
                        prop_assert!(p.direct);
                        continue;
                    };
                    prop_assert_eq!(&intro.ask, &p.people[1]);
                    // Every "Person n" the message names is on the path.
                    let on_path: Vec<String> = p.people.iter().filter_map(|id| name_of(id)).collect();
                    for n in 0..w.people {
                        let named = format!("Person {n}");
                        if intro.message.contains(&named) {
                            prop_assert!(on_path.contains(&named), "{} names {}", intro.message, named);
                        }
                    }
                    prop_assert!(intro.message.contains(&format!("Person {v}")), "signed by the viewer");
                }
                let chains: Vec<f64> = paths.iter().filter(|p| !p.direct).map(|p| p.score).collect();
                prop_assert!(chains.windows(2).all(|s| s[0] >= s[1]));
            }
            if let Ok(who) = e.who_knows_whom(&contact, Some(100)) {
                prop_assert!(who.colleagues.iter().all(|k| !k.id.eq_ignore_ascii_case(&viewer_id)));
                let text = serde_json::to_string(&who).unwrap().to_lowercase();
                prop_assert!(gone.iter().all(|g| !text.contains(g.as_str())), "{}", text);
            }
        }
    }

    /// Own-scope figures use only interactions the viewer took part in: they
    /// are the same when the engine holds nothing else.
    #[test]
    fn own_scope_reads_only_the_viewers_interactions(w in world(), viewer in any::<prop::sample::Index>()) {
        let v = viewer.index(w.internal);
        let viewer_id = person_id(&w, v);
        let all = w.interactions_json(None);
        let takes_part = |r: &Value| {
            let me = viewer_id.to_lowercase();
            let on = |x: &Value| x.as_str().is_some_and(|s| s.to_lowercase() == me);
            on(&r["from"]) || r["to"].as_array().into_iter().chain(r["cc"].as_array()).flatten().any(on)
        };
        let own_only = Value::Array(all.as_array().unwrap().iter().filter(|r| takes_part(r)).cloned().collect());
        let mut everything = engine(&viewer_id, consent(true, true), WORLD_NOW);
        load(&mut everything, &w.people_json(None, None), &all);
        // The same consent, so that the results state the same basis.
        let mut mine = engine(&viewer_id, consent(true, true), WORLD_NOW);
        load(&mut mine, &w.people_json(None, None), &own_only);

        let h = HealthOptions::default();
        let own = |e: &rapport::Engine| {
            let mut out = serde_json::to_string(&e.own_insights(Some(365)).unwrap()).unwrap();
            for id in w.ids() {
                let r = e.relationship(&Target::Contact(id), DataScope::Own, Some(365), &h);
                out += &format!("\n{:?}", r.map(|r| serde_json::to_string(&r).unwrap()).map_err(|e| e.code()));
            }
            for accounts in [false, true] {
                out += &serde_json::to_string(&e.relationship_summaries(accounts, DataScope::Own, Some(365), &h).unwrap()).unwrap();
            }
            out
        };
        prop_assert_eq!(own(&everything), own(&mine));
    }

    /// A strict load refused for one bad record changes no output, and the
    /// same batch without that record then loads.
    #[test]
    fn a_refused_strict_load_changes_nothing(
        w in world(), extra in world(), at in any::<prop::sample::Index>(), flaw in 0usize..6,
    ) {
        let mut e = engine(&person_id(&w, 0), consent(true, true), WORLD_NOW);
        load(&mut e, &w.people_json(None, None), &w.interactions_json(None));
        let ids = w.ids();
        let before = (outputs(&e, &ids), e.stats().0);

        let mut batch: Vec<Value> = extra.interactions_json(None).as_array().cloned().unwrap_or_default();
        for (n, r) in batch.iter_mut().enumerate() {
            r["id"] = json!(format!("new{n}"));
        }
        let good = Value::Array(batch.clone());
        let mut bad = email("bad", "p0@northwind.example", &["p1@ext.example"], "2026-01-05T10:00:00Z");
        let field = match flaw {
            0 => { bad["at"] = json!("2026-02-30T10:00:00Z"); "at" }
            1 => { bad.as_object_mut().unwrap().remove("id"); "id" }
            2 => { bad["to"] = json!(7); "to" }
            3 => { bad["kind"] = json!("fax"); "kind" }
            4 => { bad["durationMinutes"] = json!(-5); bad["kind"] = json!("call"); "durationMinutes" }
            _ => { bad["to"] = json!(["P0@Northwind.example"]); "to" }
        };
        let index = at.index(batch.len() + 1);
        batch.insert(index, bad);
        let err = e.load_interactions(Value::Array(batch).to_string().as_bytes(), LoadOptions::default()).unwrap_err();
        match err {
            Error::InvalidRecord(r) => {
                prop_assert_eq!(r.index, index);
                prop_assert_eq!(r.field.as_str(), field);
            }
            other => prop_assert!(false, "unexpected error {other:?}"),
        }
        prop_assert_eq!(&(outputs(&e, &ids), e.stats().0), &before);
        e.load_interactions(good.to_string().as_bytes(), LoadOptions::default()).unwrap();
    }
}
