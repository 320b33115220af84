//! Relationship analytics (SPEC 3.1) for one external contact or account:
//! the two-sided figures of `kpis`, the weekly timeline, the colleagues most
//! engaged on each side, and the health score; and the same, without the
//! weekly detail, for every contact or account in one call.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::freshness::data_as_of;
use super::health::{health, score, Health, HealthInputs, HealthOptions};
use super::hits::{ContactHits, Hits};
use super::kpis::{tally, Kpis, Tally, Week};
use super::next_step::{next_step, NextStep, MEETING_DAYS};
use super::peers::{account_key, Peers};
use super::sides::{rows, Started, Them};
use super::WindowOut;
use crate::consent::{ConsentBasis, View};
use crate::model::PersonKey;
use crate::model::Scope;
use crate::sort;
use crate::time::{format_date, format_rfc3339, Window, DAY_MS, WEEK_MS};

/// How many colleagues each ranking lists.
const TOP: usize = 3;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetOut {
    /// "contact" or "account".
    pub kind: &'static str,
    pub id: String,
    pub name: Option<String>,
    /// The contact's account, or `null` for an account.
    pub account: Option<String>,
    /// The display name of `account` (`accountName` in the directory).
    pub account_name: Option<String>,
    /// The account's contacts (ids), empty for a contact.
    pub contacts: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Colleague {
    pub id: String,
    pub name: Option<String>,
    /// Interactions in the window the colleague started with the other side.
    pub initiated: u32,
    /// Interactions in the window the other side started with the colleague.
    pub received: u32,
    /// Interactions in the window the colleague took part in.
    pub interactions: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    pub scope: Scope,
    pub target: TargetOut,
    /// The engine's reference time: the window ends at it.
    pub now: String,
    pub window: WindowOut,
    pub kpis: Kpis,
    pub last_interaction_at: Option<String>,
    pub next_interaction_at: Option<String>,
    pub weekly: Vec<Week>,
    /// The colleagues with the most interactions with the other side, most first.
    pub top_colleagues: Vec<Colleague>,
    /// The colleagues who reached out to the other side most.
    pub most_contacting: Vec<Colleague>,
    /// The colleagues the other side reached out to most.
    pub most_contacted: Vec<Colleague>,
    pub health: Health,
    /// Provenance, as in `OwnInsights`.
    pub interactions_used: usize,
    pub consent_basis: ConsentBasis,
    /// The latest interaction read, at or before `now` (`freshness`).
    pub data_as_of: Option<String>,
    /// The health score at the end of each week of the window (the last
    /// point at the window's end: it is `health.score`), oldest first.
    pub health_history: Vec<HealthPoint>,
    /// At most one suggestion from the figures (see `next_step`).
    pub next_step: Option<NextStep>,
}

/// The health score as it stood at the end of one week.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthPoint {
    /// The Monday (UTC) the week starts on, as in `weekly`.
    pub week: String,
    /// The score for the `days` ending with the week's last millisecond (or
    /// at the window's end for the last week); `null` when too little data.
    pub score: Option<u32>,
}

/// One line of a list view: the figures without the weekly detail.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipSummary {
    pub id: String,
    pub name: Option<String>,
    pub account: Option<String>,
    /// The display name of `account` (`accountName` in the directory).
    pub account_name: Option<String>,
    pub kpis: Kpis,
    pub health: Health,
    pub last_interaction_at: Option<String>,
    pub next_interaction_at: Option<String>,
    pub interactions_used: usize,
    pub consent_basis: ConsentBasis,
    /// The reference time the result was computed at, and the latest
    /// interaction it read (`freshness`).
    pub now: String,
    pub data_as_of: Option<String>,
    /// As in `Relationship`.
    pub next_step: Option<NextStep>,
}

/// For each colleague on a counted row: rows they started with the other
/// side, rows the other side started with them, and all rows they were on.
fn colleagues(view: &View, t: &Tally) -> Vec<Colleague> {
    let mut by: FxHashMap<PersonKey, Colleague> = FxHashMap::default();
    for h in t.counted {
        for &p in t.hits.us(h) {
            let c = by.entry(p).or_insert_with(|| Colleague {
                id: view.person_id(p).to_string(),
                name: view.person(p).name.clone(),
                initiated: 0,
                received: 0,
                interactions: 0,
            });
            c.interactions += 1;
            // Ours on a row we started: the sender.
            if h.started == Started::Us && p == view.from(h.row) {
                c.initiated += 1;
            } else if h.started == Started::Them {
                c.received += 1;
            }
        }
    }
    let mut list: Vec<Colleague> = by.into_values().collect();
    sort::by(&mut list, |a, b| a.id.cmp(&b.id));
    list
}

fn top_by(list: &[Colleague], key: impl Fn(&Colleague) -> u32) -> Vec<Colleague> {
    let mut ranked: Vec<&Colleague> = list.iter().filter(|c| key(c) > 0).collect();
    sort::by(&mut ranked, |a, b| key(b).cmp(&key(a)).then_with(|| a.id.cmp(&b.id)));
    ranked.into_iter().take(TOP).cloned().collect()
}

fn health_inputs(them: &Them, t: &Tally, window: Window, days: u32, s: Scoring) -> HealthInputs {
    let (mut ours, mut theirs) = (0, 0);
    for h in t.counted {
        match h.started {
            Started::Us => ours += 1,
            Started::Them => theirs += 1,
            Started::Neither => {}
        }
    }
    let colleagues = distinct(t.counted.iter().map(|h| t.hits.us(h)));
    let contacts =
        matches!(them, Them::Account(..)).then(|| distinct(t.counted.iter().map(|h| t.hits.them(h))));
    HealthInputs {
        interactions: t.counted.len(),
        days,
        now: window.end,
        last_at: t.last_at,
        ours,
        theirs,
        their_response_rate: t.kpis.their_response_rate,
        their_median_response_minutes: t.kpis.their_median_response_minutes,
        colleagues,
        contacts,
        standing: s.peers.map(|p| p.standing(window, t.counted.len(), s.options.min_interactions)),
    }
}

/// How many different people the lists name: a bit a person, not a
/// sorted copy of every list (a relationship's hits name the same few
/// people over and over, a hundred thousand times for the viewer's busiest).
fn distinct<'p>(lists: impl Iterator<Item = &'p [PersonKey]>) -> usize {
    let mut seen: Vec<u64> = Vec::new();
    let mut count = 0;
    for &p in lists.flatten() {
        let (word, bit) = (p.index() / 64, 1u64 << (p.index() % 64));
        if word >= seen.len() {
            seen.resize(word + 1, 0);
        }
        count += usize::from(seen[word] & bit == 0);
        seen[word] |= bit;
    }
    count
}

/// The hits of one relationship: a contact's from the index when there is
/// one, otherwise (and an account's) built from its rows into `built`; an
/// account's from the index only around `span` when one is given.
fn hits_of<'a>(
    view: &View,
    them: &Them,
    index: Option<&'a ContactHits>,
    span: Option<Window>,
    built: &'a mut Hits,
) -> &'a Hits {
    if let (Them::Contact(c), Some(index)) = (them, index) {
        return index.of(*c);
    }
    *built = match index.and_then(|index| index.account(view, them, span)) {
        Some(hits) => hits,
        None => Hits::of(view, rows(view, them).into_iter(), &(view, them)),
    };
    built
}

/// How the health score is computed: the options and, unless the host set
/// `expectedPerMonth`, the organization's relationships of the same level.
#[derive(Clone, Copy)]
pub struct Scoring<'a> {
    pub options: &'a HealthOptions,
    pub peers: Option<&'a Peers>,
}

/// The window a trend compares with: the same days, `trend_days` earlier.
fn trend_window(window: Window, o: &HealthOptions) -> Window {
    let back = i64::from(o.trend_days) * DAY_MS;
    Window { start: window.start - back, end: window.end - back }
}

/// The figures of one relationship, for the window and, for its trend,
/// the same window `trend_days` earlier.
fn assess<'h>(
    them: &Them,
    hits: &'h Hits,
    window: Window,
    days: u32,
    s: Scoring,
    weeks: bool,
) -> (Tally<'h>, Health) {
    let o = s.options;
    let now = tally(hits, window, weeks);
    let earlier = trend_window(window, o);
    let before = tally(hits, earlier, false);
    let h = health(
        &health_inputs(them, &now, window, days, s),
        &health_inputs(them, &before, earlier, days, s),
        o,
    );
    (now, h)
}

/// The score at the end of each week of the window: for week `w`, the
/// `days` ending at the last millisecond of `w` (at the window's end for the
/// last week), scored as `health` scores the window itself.
fn history(them: &Them, hits: &Hits, window: Window, days: u32, s: Scoring) -> Vec<HealthPoint> {
    window
        .weeks()
        .map(|monday| {
            let end = (monday + WEEK_MS - 1).min(window.end);
            let w = Window { start: end - i64::from(days) * DAY_MS, end };
            let t = tally(hits, w, false);
            let score = score(&health_inputs(them, &t, w, days, s), s.options).map(|(s, _)| s);
            HealthPoint { week: format_date(monday), score }
        })
        .collect()
}

/// The `accountName` of the first of `contacts`, by id, that gives one.
fn account_name(view: &View, contacts: &[PersonKey]) -> Option<String> {
    let mut named: Vec<PersonKey> =
        contacts.iter().copied().filter(|&c| view.person(c).account_name.is_some()).collect();
    sort::by(&mut named, |&a, &b| view.person_id(a).cmp(view.person_id(b)));
    named.first().and_then(|&c| view.person(c).account_name.clone())
}

pub(crate) fn target_out(view: &View, them: &Them) -> TargetOut {
    match them {
        Them::Contact(c) => TargetOut {
            kind: "contact",
            id: view.person_id(*c).to_string(),
            name: view.person(*c).name.clone(),
            account: view.person(*c).account.clone(),
            account_name: view.person(*c).account_name.clone(),
            contacts: Vec::new(),
        },
        Them::Account(name, contacts) => TargetOut {
            kind: "account",
            id: name.clone(),
            // Its `accountName`, from the first contact by id that gives one;
            // else the account's id, as before there were account names.
            name: Some(account_name(view, contacts).unwrap_or_else(|| name.clone())),
            account: None,
            account_name: None,
            contacts: {
                let mut ids: Vec<String> = contacts
                    .iter()
                    .filter(|&&c| view.person(c).is_person())
                    .map(|&c| view.person_id(c).to_string())
                    .collect();
                ids.sort_unstable();
                ids
            },
        },
    }
}

/// One relationship's figures; a contact's from `index` when given (the
/// list view builds it), otherwise from the contact's own rows.
pub fn relationship(
    view: &View,
    them: &Them,
    index: Option<&ContactHits>,
    window: Window,
    days: u32,
    s: Scoring,
) -> Relationship {
    let mut built = Hits::default();
    let hits = hits_of(view, them, index, None, &mut built);
    let (t, health) = assess(them, hits, window, days, s, true);
    let health_history = history(them, hits, window, days, s);
    let next = next_step(view, &t, window.end, &health);
    let list = colleagues(view, &t);
    Relationship {
        scope: view.scope(),
        target: target_out(view, them),
        now: format_rfc3339(window.end),
        window: WindowOut::new(window, days),
        last_interaction_at: t.last_interaction_at(),
        next_interaction_at: t.next_interaction_at(),
        interactions_used: t.interactions_used(),
        consent_basis: view.basis(),
        top_colleagues: top_by(&list, |c| c.interactions),
        most_contacting: top_by(&list, |c| c.initiated),
        most_contacted: top_by(&list, |c| c.received),
        kpis: t.kpis,
        weekly: t.weekly,
        health,
        data_as_of: data_as_of(view, window.end),
        health_history,
        next_step: next,
    }
}

/// Every external contact, or every account, with at least one interaction
/// with us in the window the view allows, with its figures; ordered by id.
/// (A contact only ever copied on other outsiders' mail has none.) Only
/// the contacts `keep` keeps (all, but in a part of a partitioned run), and
/// their accounts; each line states `as_of` as the data's age.
#[allow(clippy::too_many_arguments)]
pub fn summaries(
    view: &View,
    accounts: bool,
    index: &ContactHits,
    window: Window,
    days: u32,
    s: Scoring,
    keep: impl Fn(&View, PersonKey) -> bool,
    as_of: Option<String>,
) -> Vec<RelationshipSummary> {
    let mut contacts: Vec<PersonKey> = view
        .people()
        .filter(|&p| !view.person(p).internal && view.rows_of(p).next().is_some() && keep(view, p))
        .collect();
    // In id order: an account is named as its contact with the first id spells it.
    sort::by(&mut contacts, |&a, &b| view.person_id(a).cmp(view.person_id(b)));
    let targets: Vec<Them> = if accounts {
        let mut by_account: FxHashMap<String, (String, Vec<PersonKey>)> = FxHashMap::default();
        for &c in &contacts {
            if let Some(a) = &view.person(c).account {
                by_account.entry(account_key(a)).or_insert_with(|| (a.clone(), Vec::new())).1.push(c);
            }
        }
        let mut list: Vec<(String, (String, Vec<PersonKey>))> = by_account.into_iter().collect();
        sort::by(&mut list, |a, b| a.0.cmp(&b.0));
        list.into_iter()
            .map(|(_, (name, mut members))| {
                members.sort_unstable(); // key order: `Them::Account` searches it
                Them::Account(name, members)
            })
            .collect()
    } else {
        let mut list = contacts;
        list.retain(|&c| view.person(c).is_person());
        sort::by(&mut list, |&a, &b| view.person_id(a).cmp(view.person_id(b)));
        list.into_iter().map(Them::Contact).collect()
    };
    // What a line reads: the window, the trend's, and `next_step`'s last
    // `MEETING_DAYS` (an account's hits are merged only there).
    let start = trend_window(window, s.options).start.min(window.end - MEETING_DAYS * DAY_MS);
    let span = Window { start, end: window.end };
    let now = format_rfc3339(window.end);
    targets
        .iter()
        .filter_map(|them| {
            let mut built = Hits::default();
            let hits = hits_of(view, them, Some(index), Some(span), &mut built);
            let (t, health) = assess(them, hits, window, days, s, false);
            if t.counted.is_empty() {
                return None;
            }
            let target = target_out(view, them);
            let next = next_step(view, &t, window.end, &health);
            Some(RelationshipSummary {
                id: target.id,
                name: target.name,
                account: target.account,
                account_name: target.account_name,
                last_interaction_at: t.last_interaction_at(),
                next_interaction_at: t.next_interaction_at(),
                interactions_used: t.interactions_used(),
                consent_basis: view.basis(),
                kpis: t.kpis,
                health,
                now: now.clone(),
                data_as_of: as_of.clone(),
                next_step: next,
            })
        })
        .collect()
}
