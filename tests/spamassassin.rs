//! Real e-mail: 300 messages of the SpamAssassin public corpus's ham (real
//! Message-ID and In-Reply-To headers; `tests/data/spamassassin/README.md`),
//! converted by `scripts/convert-spamassassin.mjs`. Reply counts and response
//! times of every contact are checked against a naive reading of the README's
//! reply rules written here, and loading the corpus again under other item ids
//! (as an Inbox and a Sent Items copy would come) changes no figure.

use std::collections::{BTreeMap, BTreeSet};

use chrono::DateTime;
use rapport::insights::health::HealthOptions;
use rapport::{Consent, DataScope, Engine, EngineOptions, LoadOptions, Target};
use serde_json::{json, Value};

const NOW: &str = "2003-01-01T00:00:00Z";
const DAYS: u32 = 3650;
const CORPUS: &str = include_str!("data/spamassassin/threads.ndjson");

/// The senders taken as "our" organization: the corpus has no organization,
/// so four of its most active writers stand in for one.
const OURS: [&str; 4] =
    ["tomwhore@slack.net", "beberg@mithral.com", "garym@canada.com", "cdale@techmonkeys.net"];

struct Mail {
    id: String,
    from: String,
    parts: Vec<String>,
    /// How many of `parts`, from the first, came from `to`: the rest were copied.
    addressed: usize,
    at: i64,
    message_id: String,
    in_reply_to: Option<String>,
}

/// A Message-ID as the README compares it: brackets off, domain lower case.
fn msg_id(s: &str) -> String {
    let s = s.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, domain) = s.rsplit_once('@').unwrap();
    format!("{local}@{}", domain.to_lowercase())
}

fn read() -> Vec<Mail> {
    CORPUS
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let list = |f: &str| -> Vec<String> {
                v[f].as_array().into_iter().flatten().map(|p| p.as_str().unwrap().to_lowercase()).collect()
            };
            let from = v["from"].as_str().unwrap().to_lowercase();
            let mut parts: Vec<String> = Vec::new();
            let mut addressed = 0;
            for (field, copied) in [("to", false), ("cc", true)] {
                for p in list(field) {
                    if p != from && !parts.contains(&p) {
                        parts.push(p);
                    }
                }
                if !copied {
                    addressed = parts.len();
                }
            }
            Mail {
                id: v["id"].as_str().unwrap().to_string(),
                from,
                parts,
                addressed,
                at: DateTime::parse_from_rfc3339(v["at"].as_str().unwrap()).unwrap().timestamp_millis(),
                message_id: msg_id(v["messageId"].as_str().unwrap()),
                in_reply_to: v["inReplyTo"].as_str().map(msg_id),
            }
        })
        .collect()
}

/// The README's rule: the e-mail a reply's Message-ID names that it could be
/// answering (its sender was on it, its sender is on the reply, or they share
/// a recipient), one whose sender the reply is addressed to first, then the
/// earliest; a reply dated before it answers nothing.
fn parent<'m>(mails: &'m [Mail], r: &Mail) -> Option<&'m Mail> {
    let wanted = r.in_reply_to.as_ref()?;
    let on = |m: &Mail, p: &String| &m.from == p || m.parts.contains(p);
    mails
        .iter()
        .filter(|p| &p.message_id == wanted && p.id != r.id)
        .filter(|p| on(p, &r.from) || on(r, &p.from) || r.parts.iter().any(|x| p.parts.contains(x)))
        .min_by_key(|p| (!on(r, &p.from), p.at, p.id.clone()))
        .filter(|p| p.at <= r.at)
}

/// `[sent, received, replies, replies received]`, then our and their median
/// and p90 response minutes, of contact `c`.
/// Counted: in the window (NOW − DAYS, NOW]; one e-mail of the corpus is
/// dated 2028 by its sender's clock and is left out.
fn naive(mails: &[Mail], c: &str) -> ([u32; 4], [Option<f64>; 4]) {
    let now = DateTime::parse_from_rfc3339(NOW).unwrap().timestamp_millis();
    let within = |m: &Mail| now - i64::from(DAYS) * 86_400_000 < m.at && m.at <= now;
    let us = |p: &str| OURS.contains(&p);
    let sent = |m: &Mail| within(m) && us(&m.from) && m.parts.iter().any(|p| p == c);
    let received = |m: &Mail| within(m) && m.from == c;
    let mut k = [0u32; 4];
    for m in mails {
        let p = parent(mails, m);
        if sent(m) {
            k[0] += 1;
            k[2] += u32::from(p.is_some_and(|p| p.from == c));
        } else if received(m) {
            k[1] += 1;
            k[3] += u32::from(p.is_some_and(|p| us(&p.from)));
        }
    }
    // Delays from each e-mail of one side to the first answer of the other.
    let delays = |asked: &dyn Fn(&Mail) -> bool, answers: &dyn Fn(&Mail) -> bool| {
        let mut d: Vec<i64> = mails
            .iter()
            .filter(|e| asked(e))
            .filter_map(|e| {
                mails
                    .iter()
                    .filter(|r| answers(r) && parent(mails, r).is_some_and(|p| p.id == e.id))
                    .map(|r| r.at - e.at)
                    .min()
            })
            .collect();
        d.sort_unstable();
        d
    };
    let minutes = |ms: f64| (ms / 600.0).round() / 100.0;
    let median = |d: &[i64]| match d.len() {
        0 => None,
        n if n % 2 == 1 => Some(minutes(d[n / 2] as f64)),
        n => Some(minutes((d[n / 2 - 1] + d[n / 2]) as f64 / 2.0)),
    };
    let p90 = |d: &[i64]| (!d.is_empty()).then(|| minutes(d[(d.len() * 9).div_ceil(10) - 1] as f64));
    let (ours, theirs) = (delays(&received, &sent), delays(&sent, &received));
    (k, [median(&ours), p90(&ours), median(&theirs), p90(&theirs)])
}

fn engine() -> Engine {
    let mut o = EngineOptions::new(OURS[0], rapport::time::parse_rfc3339(NOW).unwrap());
    o.internal_domains = vec!["example.invalid".into()];
    o.consent = Consent { aggregated: false, identifiable: true };
    let mut e = Engine::new(o).unwrap();
    let people: Vec<Value> = OURS.iter().map(|p| json!({ "id": p, "internal": true })).collect();
    e.load_people(Value::from(people).to_string().as_bytes(), LoadOptions::default()).unwrap();
    e
}

fn figures(e: &Engine, c: &str) -> ([u32; 4], [Option<f64>; 4]) {
    let r = e
        .relationship(&Target::Contact(c.into()), DataScope::Team, Some(DAYS), &HealthOptions::default())
        .unwrap();
    let k = &r.kpis;
    (
        [k.emails_sent, k.emails_received, k.replies, k.replies_received],
        [
            k.median_response_minutes,
            k.p90_response_minutes,
            k.their_median_response_minutes,
            k.their_p90_response_minutes,
        ],
    )
}

/// Every external sender or recipient of the corpus.
fn contacts(mails: &[Mail]) -> BTreeSet<String> {
    mails
        .iter()
        .flat_map(|m| std::iter::once(&m.from).chain(&m.parts))
        .filter(|p| !OURS.contains(&p.as_str()))
        .cloned()
        .collect()
}

#[test]
fn replies_by_message_id_on_real_mail_equal_a_naive_reading() {
    let mails = read();
    let mut e = engine();
    let report = e.load_interactions(CORPUS.as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!(report.accepted, mails.len());
    let linked = mails.iter().filter(|m| parent(&mails, m).is_some()).count();
    assert!(linked > 100, "only {linked} replies find what they answer");
    let mut with_replies = 0;
    for c in contacts(&mails) {
        let want = naive(&mails, &c);
        assert_eq!(
            figures(&e, &c),
            want,
            "{c}: [sent, received, replies, replies received], response minutes"
        );
        with_replies += usize::from(want.0[2] + want.0[3] > 0);
    }
    assert!(with_replies >= 10, "only {with_replies} contacts with replies either way");
}

#[test]
fn the_same_mail_loaded_again_under_other_ids_counts_once() {
    let mails = read();
    let mut once = engine();
    once.load_interactions(CORPUS.as_bytes(), LoadOptions::default()).unwrap();
    let mut twice = engine();
    // The copies first, then the originals: the other mailbox's copies, in
    // another order; each line under another item id.
    let copies: String = CORPUS
        .lines()
        .rev()
        .map(|line| {
            let mut v: Value = serde_json::from_str(line).unwrap();
            v["id"] = json!(format!("copy/{}", v["id"].as_str().unwrap()));
            v.to_string() + "\n"
        })
        .collect();
    let first = twice.load_interactions(copies.as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!(first.accepted, mails.len());
    let again = twice.load_interactions(CORPUS.as_bytes(), LoadOptions::default()).unwrap();
    assert_eq!((again.accepted, again.same_message, again.duplicates), (0, mails.len(), 0));
    assert_eq!(twice.stats().0, mails.len());
    let all: BTreeMap<String, _> =
        contacts(&mails).into_iter().map(|c| (c.clone(), figures(&once, &c))).collect();
    for (c, want) in &all {
        assert_eq!(&figures(&twice, c), want, "{c}");
    }
}

/// One activity item as a naive reading sees it: id, direction, our and
/// their people, whether it is a reply, and when the other side first
/// answered it (e-mails).
type Item = (String, String, Vec<String>, Vec<String>, Vec<String>, bool, Option<i64>);

/// The activity of contact `c`, newest first (then by id, descending), read
/// from the records with the README's rules: an e-mail is "sent" when one of
/// ours sends it to `c`, "received" when `c` sends it; a reply answers an
/// e-mail of the other side; an e-mail is answered by the first counted
/// e-mail of the other side that answers it.
fn naive_activity(mails: &[Mail], c: &str) -> Vec<Item> {
    let now = DateTime::parse_from_rfc3339(NOW).unwrap().timestamp_millis();
    let within = |m: &Mail| now - i64::from(DAYS) * 86_400_000 < m.at && m.at <= now;
    let us = |p: &str| OURS.contains(&p);
    let sent = |m: &Mail| within(m) && us(&m.from) && m.parts.iter().any(|p| p == c);
    let received = |m: &Mail| within(m) && m.from == c;
    let mut list: Vec<(i64, Item)> = Vec::new();
    for m in mails.iter().filter(|m| sent(m) || received(m)) {
        let ours = sent(m);
        let p = parent(mails, m);
        let reply = p.is_some_and(|p| if ours { p.from == c } else { us(&p.from) });
        let answers = |r: &Mail| if ours { received(r) } else { sent(r) };
        let answered = mails
            .iter()
            .filter(|r| answers(r) && parent(mails, r).is_some_and(|p| p.id == m.id))
            .map(|r| r.at)
            .min();
        // Who took part: the sender and those in `to`; those only in `cc` are listed as copied.
        let (to, cc) = m.parts.split_at(m.addressed);
        let our_people: Vec<String> = std::iter::once(&m.from).chain(to).filter(|p| us(p)).cloned().collect();
        let theirs = if m.from == c || to.iter().any(|p| p == c) { vec![c.to_string()] } else { vec![] };
        let copied: Vec<String> = cc.iter().filter(|p| us(p) || *p == c).cloned().collect();
        let direction = if ours { "sent" } else { "received" };
        list.push((m.at, (m.id.clone(), direction.into(), our_people, theirs, copied, reply, answered)));
    }
    list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1 .0.cmp(&a.1 .0)));
    list.into_iter().map(|(_, item)| item).collect()
}

/// Every page of a contact's activity, `limit` at a time, as naive items.
fn activity_pages(e: &Engine, c: &str, limit: u32) -> (Vec<Item>, usize, usize) {
    let (mut items, mut before, mut pages) = (Vec::new(), None::<String>, 0);
    let target = Target::Contact(c.into());
    loop {
        let page = e.activity(&target, DataScope::Team, Some(DAYS), Some(limit), before.as_deref()).unwrap();
        pages += 1;
        assert!(page.items.len() <= limit as usize);
        let ids = |l: &[rapport::insights::activity::PersonOut]| l.iter().map(|p| p.id.clone()).collect();
        for i in &page.items {
            let at = |t: &Option<String>| {
                t.as_deref().map(|t| DateTime::parse_from_rfc3339(t).unwrap().timestamp_millis())
            };
            assert_eq!(i.answered, Some(i.answered_at.is_some()), "{}", i.id);
            items.push((
                i.id.clone(),
                i.direction.to_string(),
                ids(&i.us),
                ids(&i.them),
                ids(&i.copied),
                i.reply,
                at(&i.answered_at),
            ));
        }
        match page.next {
            Some(n) => before = Some(n),
            None => return (items, page.total, pages),
        }
    }
}

#[test]
fn the_activity_list_on_real_mail_equals_a_naive_reading_page_by_page() {
    let mails = read();
    let mut e = engine();
    e.load_interactions(CORPUS.as_bytes(), LoadOptions::default()).unwrap();
    let (mut answered, mut paged) = (0, 0);
    for c in contacts(&mails) {
        let want = naive_activity(&mails, &c);
        let (got, total, pages) = activity_pages(&e, &c, 3);
        assert_eq!(got, want, "{c}: the activity list");
        assert_eq!(total, want.len(), "{c}: total");
        let used = e
            .relationship(&Target::Contact(c.clone()), DataScope::Team, Some(DAYS), &HealthOptions::default())
            .unwrap()
            .interactions_used;
        assert_eq!(total, used, "{c}: the list is the rows the figures count");
        let ids: BTreeSet<&String> = got.iter().map(|i| &i.0).collect();
        assert_eq!(ids.len(), got.len(), "{c}: no item twice across pages");
        // One page of everything is the same list.
        assert_eq!(activity_pages(&e, &c, 500).0, want, "{c}: one page");
        answered += want.iter().filter(|i| i.6.is_some()).count();
        paged += usize::from(pages > 2);
    }
    assert!(answered >= 10 && paged >= 5, "answered {answered}, contacts over 2 pages {paged}");
}
