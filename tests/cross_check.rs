//! Cross-check: on the demo dataset (10,000 interactions), every count and
//! minute figure of team-scope `relationship` equals a deliberately naive
//! recomputation from the raw records, for every contact and every account.
//! The naive side shares no code with the engine: it reads the JSON itself
//! and applies SPEC 2 and 3.1 literally.

use std::collections::{BTreeMap, BTreeSet, HashMap};

mod common;

use chrono::DateTime;
use common::naive::{read, Record};
use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Target};

const DAY: i64 = 86_400_000;

struct Naive {
    internal: BTreeSet<String>,
    account: HashMap<String, String>,
    records: BTreeMap<String, Record>,
    now: i64,
}

fn naive(people: &str, interactions: &str, org: &str, now: &str) -> Naive {
    let (d, list) = read(people, interactions, org);
    let now = DateTime::parse_from_rfc3339(now).unwrap().timestamp_millis();
    Naive { internal: d.internal, account: d.account, records: list.into_iter().collect(), now }
}

/// The counts and minutes of SPEC 3.1 for the people in `them`, as
/// `[sent, received, replies, repliesReceived, meetings, calls]`, minutes,
/// and the last and next interaction.
fn figures(n: &Naive, them: &BTreeSet<String>) -> ([u32; 6], [f64; 2], Option<i64>, Option<i64>) {
    let (start, end) = (n.now - 90 * DAY, n.now);
    let us = |p: &String| n.internal.contains(p);
    let has = |r: &Record, f: &dyn Fn(&String) -> bool| f(&r.from) || r.parts.iter().any(f);
    let mut c = [0u32; 6];
    let mut minutes = [0.0f64; 2];
    let (mut last, mut next) = (None::<i64>, None::<i64>);
    for r in n.records.values() {
        let is_them = |p: &String| them.contains(p);
        let counts = match r.kind.as_str() {
            "email" => (us(&r.from) && r.parts.iter().any(is_them)) || is_them(&r.from),
            _ => has(r, &is_them) && has(r, &|p| us(p)),
        };
        if !counts {
            continue;
        }
        if r.at <= end {
            last = last.max(Some(r.at));
        } else if next.is_none_or(|x| r.at < x) {
            next = Some(r.at);
        }
        if !(start < r.at && r.at <= end) {
            continue;
        }
        let parent = r
            .reply_to
            .as_ref()
            .and_then(|id| n.records.get(id))
            .filter(|p| p.kind == "email" && p.at <= r.at);
        match r.kind.as_str() {
            "email" if us(&r.from) => {
                c[0] += 1;
                c[2] += u32::from(parent.is_some_and(|p| is_them(&p.from)));
            }
            "email" => {
                c[1] += 1;
                c[3] += u32::from(parent.is_some_and(|p| us(&p.from)));
            }
            "meeting" => {
                c[4] += 1;
                minutes[0] += r.minutes;
            }
            _ => {
                c[5] += 1;
                minutes[1] += r.minutes;
            }
        }
    }
    (c, minutes, last, next)
}

#[test]
fn team_relationship_figures_equal_a_naive_recomputation() {
    let (demo, e) = common::demo_engine(42, 10_000, Consent { aggregated: false, identifiable: true });
    let org = demo.internal_domains[0].clone();
    let n = naive(&demo.people, &demo.interactions, &org, &demo.now);
    assert_eq!(e.stats().0, n.records.len());

    let mut contacts: BTreeSet<String> = BTreeSet::new();
    for r in n.records.values() {
        for p in std::iter::once(&r.from).chain(&r.parts) {
            if !n.internal.contains(p) {
                contacts.insert(p.clone());
            }
        }
    }
    let mut accounts: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in &contacts {
        accounts.entry(n.account[c].to_lowercase()).or_default().insert(c.clone());
    }
    assert!(
        contacts.len() > 150 && accounts.len() > 40,
        "{} contacts, {} accounts",
        contacts.len(),
        accounts.len()
    );

    let h = HealthOptions::default();
    // Lists leave out relationships with no interaction with us in the window.
    let active = |them: &BTreeSet<String>| {
        let c = figures(&n, them).0;
        c[0] + c[1] + c[4] + c[5] > 0
    };
    let listed = e.relationship_summaries(false, DataScope::Team, None, &h).unwrap();
    let want: BTreeSet<String> =
        contacts.iter().filter(|c| active(&BTreeSet::from([(*c).clone()]))).cloned().collect();
    assert!(want.len() < contacts.len(), "the demo has contacts with nothing in the window");
    assert_eq!(listed.iter().map(|s| s.id.clone()).collect::<BTreeSet<_>>(), want);
    let listed = e.relationship_summaries(true, DataScope::Team, None, &h).unwrap();
    assert_eq!(
        listed.iter().map(|s| s.id.to_lowercase()).collect::<BTreeSet<_>>(),
        accounts.iter().filter(|(_, m)| active(m)).map(|(a, _)| a.clone()).collect()
    );

    let mut checked = 0;
    let targets = contacts
        .iter()
        .map(|c| (Target::Contact(c.clone()), BTreeSet::from([c.clone()])))
        .chain(accounts.iter().map(|(a, members)| (Target::Account(a.clone()), members.clone())));
    for (target, them) in targets {
        let r = e.relationship(&target, DataScope::Team, None, &h).unwrap();
        let k = &r.kpis;
        let (c, minutes, last, next) = figures(&n, &them);
        let got = [k.emails_sent, k.emails_received, k.replies, k.replies_received, k.meetings, k.calls];
        assert_eq!(got, c, "{target:?}: sent, received, replies, replies received, meetings, calls");
        assert_eq!([k.meeting_minutes, k.call_minutes], minutes, "{target:?}: minutes");
        assert_eq!(k.time_spent_minutes, minutes[0] + minutes[1]);
        assert_eq!(r.interactions_used as u32, c[0] + c[1] + c[4] + c[5]);
        let at = |s: &Option<String>| {
            s.as_ref().map(|s| DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis())
        };
        assert_eq!((at(&r.last_interaction_at), at(&r.next_interaction_at)), (last, next), "{target:?}");
        checked += 1;
    }
    assert_eq!(checked, contacts.len() + accounts.len());
}
