//! Tests of the contact index (`hits::ContactHits`) against each contact's
//! own rows, and of `Hits::around` against a tally of all hits: kept apart
//! from `hits` because they read `kpis`, which reads `hits`.

use super::hits::{merged, ContactHits, Hit, Hits};
use super::kpis::tally;
use super::sides::{Class, Started, Them, ViewerSides};
use crate::consent::Row;
use crate::consent::{Consent, Gate, Retention};
use crate::demo::{demo_dataset, DemoFormat, DemoOptions};
use crate::load::{self, LoadOptions};
use crate::model::PersonKey;
use crate::model::Scope;
use crate::store::Store;
use crate::time::Window;
use crate::time::DAY_MS;

fn demo_store() -> (Store, PersonKey) {
    let demo = demo_dataset(&DemoOptions { seed: 3, interactions: 4_000, format: DemoFormat::Json });
    let mut store = Store::new(demo.internal_domains.clone());
    let viewer = store.person_key(&demo.viewer);
    load::people::load(&mut store, &demo.people, LoadOptions::default(), &demo.internal_domains).unwrap();
    let retention = Retention { viewer: Some(viewer), others: true };
    load::load_interactions(&mut store, &demo.interactions, LoadOptions::default(), &retention).unwrap();
    (store, viewer)
}

/// The demo and five meetings and an e-mail, each with twelve colleagues
/// and three contacts of one account: more colleagues than a contact's
/// own people list copies, so the index lists them in its shared list. The
/// e-mail, from one of the contacts to the others, counts for its account
/// and its sender only: the others took part, with no hit to say so.
fn demo_store_with_large_rows() -> (Store, PersonKey) {
    let (mut store, viewer) = demo_store();
    let person = |p: PersonKey| store.person(p).is_person() && store.rows_of(p).len() > 3;
    let ids =
        |ps: Vec<PersonKey>| ps.iter().map(|&p| format!("{:?}", store.person_id(p))).collect::<Vec<_>>();
    let colleagues =
        ids(store.people().filter(|&p| store.person(p).internal && person(p)).take(13).collect());
    let mut accounts: std::collections::BTreeMap<&str, Vec<PersonKey>> = Default::default();
    for p in store.people().filter(|&p| !store.person(p).internal && person(p)) {
        if let Some(a) = store.person(p).account.as_deref() {
            accounts.entry(a).or_default().push(p);
        }
    }
    let contacts = ids(accounts.into_values().find(|c| c.len() >= 3).unwrap()[..3].to_vec());
    assert_eq!(colleagues.len(), 13);
    let last = store.rows().at.iter().copied().max().unwrap();
    let record = |i: i64, kind: &str, from: &str, to: &[String]| {
        let at = crate::time::format_rfc3339(last - i * 9 * DAY_MS);
        format!(
            r#"{{"id":"large-{i}","kind":"{kind}","from":{from},"to":[{}],"at":"{at}","durationMinutes":45}}"#,
            to.join(",")
        )
    };
    let mut records: Vec<String> = (0..5)
        .map(|i| record(i, "meeting", &colleagues[0], &[&colleagues[1..], &contacts[..]].concat()))
        .collect();
    records.push(
        record(5, "email", &contacts[0], &[&colleagues[..12], &contacts[1..]].concat())
            .replace(r#","durationMinutes":45"#, ""),
    );
    // And an e-mail from one of them to more contacts of theirs than its hit lists.
    let (account, domain) = {
        let first = store.lookup(contacts[0].trim_matches('"')).unwrap();
        let id = store.person_id(first);
        (store.person(first).account.clone().unwrap(), id[id.find('@').unwrap() + 1..].to_string())
    };
    let extra: Vec<String> = (0..300).map(|i| format!(r#""extra-{i}@{domain}""#)).collect();
    let directory: Vec<String> =
        extra.iter().map(|id| format!(r#"{{"id":{id},"accountId":"{account}"}}"#)).collect();
    let directory = format!("[{}]", directory.join(","));
    load::people::load(&mut store, &directory, LoadOptions::default(), &[]).unwrap();
    let to = [&colleagues[..1], &extra[..]].concat();
    records.push(record(6, "email", &contacts[0], &to).replace(r#","durationMinutes":45"#, ""));
    let retention = Retention { viewer: Some(viewer), others: true };
    let json = format!("[{}]", records.join(","));
    load::load_interactions(&mut store, &json, LoadOptions::default(), &retention).unwrap();
    (store, viewer)
}

/// How many hits of the index list more than eight of our people.
fn large(index: &ContactHits) -> usize {
    index.contacts().map(|(_, hits)| hits.list.iter().filter(|h| hits.us(h).len() > 8).count()).sum()
}

/// Every account's contacts, in key order (as `Them::Account` holds them).
fn accounts(store: &Store) -> std::collections::BTreeMap<String, Vec<PersonKey>> {
    let mut by_account: std::collections::BTreeMap<String, Vec<PersonKey>> = Default::default();
    for c in store.people().filter(|&p| !store.person(p).internal) {
        if let Some(a) = &store.person(c).account {
            by_account.entry(super::peers::account_key(a)).or_default().push(c);
        }
    }
    by_account.values_mut().for_each(|contacts| contacts.sort_unstable());
    by_account
}

/// What a tally can read of each hit (people by value, not by offset).
type Seen = (i64, Row, Class, Started, u32, Option<u32>, Vec<PersonKey>, Vec<PersonKey>);
fn seen(hits: &Hits) -> Vec<Seen> {
    seen_of(hits, &hits.list)
}
fn seen_of(hits: &Hits, list: &[Hit]) -> Vec<Seen> {
    let fields = |h: &Hit| (h.at, h.row, h.class, h.started, h.duration_s(), h.answers());
    list.iter()
        .map(|h| {
            let (at, row, class, started, duration, answers) = fields(h);
            (at, row, class, started, duration, answers, hits.us(h).to_vec(), hits.them(h).to_vec())
        })
        .collect()
}

/// The one-pass index holds, for every contact and either view, exactly
/// the hits built from that contact's own rows.
#[test]
fn the_index_matches_each_contacts_own_rows() {
    let (store, viewer) = demo_store_with_large_rows();
    let consent = Consent { aggregated: false, identifiable: true };
    for scope in [Scope::Own, Scope::Identifiable] {
        let view = Gate::new(&store, consent, Some(viewer)).open(scope).unwrap();
        let index = ContactHits::build(&view);
        let mut compared = 0;
        for c in store.people().filter(|&p| !store.person(p).internal) {
            let them = Them::Contact(c);
            let own = Hits::of(&view, view.rows_of(c), &(&view, &them));
            assert_eq!(seen(index.of(c)), seen(&own), "contact {}", view.person_id(c));
            compared += own.list.len();
        }
        assert!(compared > 500, "{scope:?}: only {compared} hits compared");
        // Each contact's five meetings, and the e-mail for its sender only.
        assert_eq!(large(&index), 16, "{scope:?}: the large rows' hits");
    }
}

/// An account's hits merged from its contacts' are the hits of its rows.
#[test]
fn account_hits_from_the_index_match_the_accounts_own_rows() {
    let (store, viewer) = demo_store_with_large_rows();
    let consent = Consent { aggregated: false, identifiable: true };
    for scope in [Scope::Own, Scope::Identifiable] {
        let view = Gate::new(&store, consent, Some(viewer)).open(scope).unwrap();
        let index = ContactHits::build(&view);
        let (mut compared, mut merged) = (0, 0);
        for (name, contacts) in accounts(&store) {
            let them = Them::Account(name.clone(), contacts);
            let own = Hits::of(&view, super::sides::rows(&view, &them).into_iter(), &(&view, &them));
            if let Some(hits) = index.account(&view, &them, None) {
                // Their people after the sender are in key order, not the row's.
                let key_order = |hits: &Hits| {
                    let mut seen = seen(hits);
                    seen.iter_mut().for_each(|s| s.7[usize::from(s.3 == Started::Them)..].sort_unstable());
                    seen
                };
                assert_eq!(key_order(&hits), key_order(&own), "account {name}");
                merged += 1;
            }
            compared += own.list.len();
        }
        assert!(compared > 300 && merged > 10, "{scope:?}: {compared} hits, {merged} accounts");
    }
}

/// An account's hits merged only around a span tally every window in the
/// span (its last and next interaction included) as all of its hits do.
#[test]
fn account_hits_around_a_span_tally_it_like_all_of_them() {
    let (store, viewer) = demo_store_with_large_rows();
    let consent = Consent { aggregated: false, identifiable: true };
    let view = Gate::new(&store, consent, Some(viewer)).open(Scope::Identifiable).unwrap();
    let index = ContactHits::build(&view);
    let last = store.rows().at.iter().copied().max().unwrap();
    let mut tallied = 0;
    for (name, contacts) in accounts(&store) {
        let them = Them::Account(name, contacts);
        let Some(all) = index.account(&view, &them, None) else { continue };
        for (back, days) in [(0, 60), (45, 20), (200, 90)] {
            let span = Window { start: last - (back + days) * DAY_MS, end: last - back * DAY_MS };
            let near = index.account(&view, &them, Some(span)).unwrap();
            for w in [span, Window { start: span.start + 5 * DAY_MS, end: span.end - 5 * DAY_MS }] {
                let (a, b) = (tally(&all, w, true), tally(&near, w, true));
                assert_eq!(
                    (a.kpis, a.weekly, a.last_at, a.next_at),
                    (b.kpis, b.weekly, b.last_at, b.next_at)
                );
                assert_eq!(seen_of(&all, a.counted), seen_of(&near, b.counted));
                tallied += a.counted.len();
            }
        }
    }
    assert!(tallied > 300, "only {tallied} hits tallied");
}

/// Merging time-ordered lists gives what a stable sort of them one after
/// another gives, for one list, two, and odd and even numbers of them, with
/// rows that several lists share (contacts on one meeting).
#[test]
fn merged_lists_come_out_as_a_stable_sort_of_them() {
    let (store, viewer) = demo_store();
    let consent = Consent { aggregated: false, identifiable: true };
    let view = Gate::new(&store, consent, Some(viewer)).open(Scope::Identifiable).unwrap();
    let index = ContactHits::build(&view);
    let mut contacts: Vec<PersonKey> = index.contacts().map(|(c, _)| c).collect();
    contacts.sort_unstable();
    let mut shared = 0;
    for n in [1, 2, 3, 5, 8, 40] {
        for chunk in contacts.chunks(n).take(30) {
            let lists: Vec<&[Hit]> = chunk.iter().map(|&c| &index.of(c).list[..]).collect();
            let mut expected: Vec<(usize, &Hit)> =
                lists.iter().enumerate().flat_map(|(l, list)| list.iter().map(move |h| (l, h))).collect();
            expected.sort_by_key(|(_, h)| (h.at, h.row.index()));
            let got: Vec<(usize, &Hit)> = merged(&lists).into_iter().map(|(h, l)| (l, h)).collect();
            assert_eq!(got, expected, "{n} lists");
            shared += got.windows(2).filter(|w| w[0].1.row == w[1].1.row).count();
        }
    }
    assert!(shared > 20, "only {shared} rows shared by two lists");
}

/// Hits around a window tally that window as all of the hits do.
#[test]
fn hits_around_a_window_tally_it_like_all_hits() {
    let (store, viewer) = demo_store();
    let view = Gate::new(&store, Consent::default(), Some(viewer)).open(Scope::Own).unwrap();
    let rows: Vec<Row> = view.rows().collect();
    let all = Hits::of(&view, rows.iter().copied(), &ViewerSides(viewer));
    let end = all.list.last().unwrap().at;
    for (back, days) in [(0, 90), (40, 7), (200, 30), (-30, 14)] {
        let w = Window { start: end - (back + days) * DAY_MS, end: end - back * DAY_MS };
        let near = Hits::around(&view, &rows, w, &ViewerSides(viewer));
        assert!(near.list.len() < all.list.len());
        let (a, b) = (tally(&all, w, true), tally(&near, w, true));
        assert_eq!((a.kpis, a.weekly, a.last_at, a.next_at), (b.kpis, b.weekly, b.last_at, b.next_at));
        assert_eq!(seen_of(&all, a.counted), seen_of(&near, b.counted));
    }
}

/// The view's latest row at or before a time, found per person by binary
/// search, is the latest of every row the view allows, in either view.
#[test]
fn the_latest_row_of_a_view_is_the_latest_of_its_rows() {
    let (store, viewer) = demo_store();
    let consent = Consent { aggregated: false, identifiable: true };
    let at = &store.rows().at;
    let (first, last) = (at.iter().copied().min().unwrap(), at.iter().copied().max().unwrap());
    for scope in [Scope::Own, Scope::Identifiable] {
        let view = Gate::new(&store, consent, Some(viewer)).open(scope).unwrap();
        let rows: Vec<Row> = view.rows().collect();
        for now in [first - 1, first, (first + last) / 2, last - DAY_MS, last, last + 1] {
            let naive = rows.iter().map(|r| at[r.index()]).filter(|&t| t <= now).max();
            assert_eq!(view.latest_at_or_before(now), naive, "{scope:?} at {now}");
        }
    }
}
