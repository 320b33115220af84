//! Aggregates per external account: the organization's engagement with each
//! customer per period. A cell counts the internal people who dealt with the
//! account's contacts in it; fewer than `minGroupSize` suppress it.

use rustc_hash::{FxHashMap, FxHashSet};

use super::periods::CalendarPeriod;
use super::suppression::{distinct, suppression, Cuts, Groups, Members, PartPeople};
use super::table::{table, AccountMetrics, AggregateRow, AggregateTable, Metrics};
use crate::consent::{Row, View};
use crate::model::{Kind, PersonKey};
use crate::sort;
use crate::time::DAY_MS;

/// Why a cell is suppressed: too few colleagues in it, or in a part of it
/// (the one text for both, so that the reason tells no more than the flag).
pub(super) const ROW_WHY: &str =
    "with this account in this period, or in the days it shares with another week or month";

#[derive(Default)]
struct Tally {
    m: AccountMetrics,
    contacts: FxHashSet<PersonKey>,
    last_email: Option<i64>,
    last_meeting: Option<i64>,
    meeting_s: u64,
    replies: Vec<i64>,
}

fn average(total: f64, n: usize) -> Option<f64> {
    (n > 0).then(|| (total / n as f64 * 100.0).round() / 100.0)
}

/// The accounts of the opted-in external people listed in the directory
/// (in name order, case aside), and each such person's account.
pub(super) fn account_groups(view: &View) -> Groups {
    let mut listed: Vec<(PersonKey, String)> = view
        .people()
        .filter_map(|p| {
            let person = view.person(p);
            let account = person.account.as_ref().filter(|_| !person.internal && person.in_directory)?;
            Some((p, account.clone()))
        })
        .collect();
    // Ties by id, not key (load history): the first id's spelling names the group.
    sort::by(&mut listed, |a, b| {
        let ids = || view.person_id(a.0).cmp(view.person_id(b.0));
        a.1.to_lowercase().cmp(&b.1.to_lowercase()).then_with(ids)
    });
    let mut groups: Vec<String> = Vec::new();
    let mut display: Vec<Option<String>> = Vec::new();
    let mut account_of = Members::default();
    for (p, account) in listed {
        if !groups.last().is_some_and(|g| g.eq_ignore_ascii_case(&account)) {
            groups.push(account);
            display.push(None);
        }
        // The first entry, by id, that gives the account a name names it.
        if let Some(slot) = display.last_mut().filter(|d| d.is_none()) {
            slot.clone_from(&view.person(p).account_name);
        }
        account_of.insert(p, groups.len() - 1);
    }
    Groups { names: groups, of: account_of, display }
}

/// What the records add up to: per account and period (group-major) the
/// figures, and per account and part (group-major) the internal people.
fn tally(
    view: &View,
    periods: &[CalendarPeriod],
    cuts: &Cuts,
    groups: &Groups,
) -> (Vec<Tally>, Vec<FxHashSet<PersonKey>>) {
    let account_of = &groups.of;
    let (n, parts) = (groups.names.len(), cuts.parts());
    let mut cells: Vec<Tally> = (0..n * periods.len()).map(|_| Tally::default()).collect();
    let mut internal_by_part: Vec<FxHashSet<PersonKey>> =
        (0..n * parts).map(|_| FxHashSet::default()).collect();
    let mut accounts_here: Vec<usize> = Vec::new();
    let (mut everyone, mut internal): (Vec<PersonKey>, Vec<PersonKey>) = Default::default();
    let flags = view.person_flags();
    for r in view.rows() {
        let at = view.at(r);
        let kind = view.kind(r);
        if kind == Kind::Call {
            continue;
        }
        let Some((part, pi)) = cuts.of(at) else { continue };
        let from = view.from(r);
        everyone.clear();
        everyone.extend(std::iter::once(from).chain(view.participants(r).iter().copied()));
        internal.clear();
        internal.extend(everyone.iter().copied().filter(|&p| flags.internal(p)));
        if internal.is_empty() {
            continue;
        }
        accounts_here.clear();
        accounts_here.extend(everyone.iter().filter_map(|p| account_of.get(p)));
        accounts_here.sort_unstable();
        accounts_here.dedup();
        for &g in &accounts_here {
            let cell = &mut cells[g * periods.len() + pi];
            let contacts = everyone.iter().copied().filter(|p| account_of.get(p) == Some(g));
            match kind {
                Kind::Meeting => {
                    cell.m.meetings += 1;
                    cell.meeting_s += u64::from(view.duration_s(r));
                    cell.last_meeting = cell.last_meeting.max(Some(at));
                }
                _ if account_of.get(&from) == Some(g) => {
                    cell.m.emails_from += 1;
                    cell.last_email = cell.last_email.max(Some(at));
                }
                _ if flags.internal(from) => {
                    cell.m.emails_to += 1;
                    cell.last_email = cell.last_email.max(Some(at));
                    if let Some(delay) = reply_delay(view, r, account_of, g, periods[pi].start) {
                        cell.replies.push(delay);
                    }
                }
                _ => continue,
            }
            // Only people count as people of a cell (and toward its size).
            let person = |p: &PersonKey| flags.person(*p);
            cell.contacts.extend(contacts.filter(person));
            internal_by_part[g * parts + part].extend(internal.iter().copied().filter(person));
        }
    }
    (cells, internal_by_part)
}

/// The account table over `periods` (oldest first), and the internal
/// people of each of its parts (for `hide_cells_with_small_parts`).
pub fn accounts(
    view: &View,
    periods: &[CalendarPeriod],
    cuts: &Cuts,
    groups: &Groups,
    min_group_size: u32,
) -> (AggregateTable, PartPeople) {
    let (cells, internal) = tally(view, periods, cuts, groups);
    let np = periods.len().max(1);
    let mut rows: Vec<AggregateRow> = Vec::with_capacity(cells.len());
    for (i, cell) in cells.into_iter().enumerate() {
        let period = &periods[i % np];
        let people = distinct(cuts.runs[i % np].clone().map(|f| &internal[(i / np) * cuts.parts() + f]));
        let reason = suppression(people, min_group_size, ROW_WHY);
        let metrics = reason.is_none().then(|| {
            let mut m = cell.m;
            m.internal_people = Some(people as u32);
            m.account_people = Some(cell.contacts.len() as u32);
            let days = |t: Option<i64>| t.map(|t| ((period.end - 1 - t) / DAY_MS) as u32);
            m.days_since_last_email = days(cell.last_email);
            m.days_since_last_meeting = days(cell.last_meeting);
            m.average_meeting_minutes = average(cell.meeting_s as f64 / 60.0, m.meetings as usize);
            m.average_reply_minutes =
                average(cell.replies.iter().sum::<i64>() as f64 / 60_000.0, cell.replies.len());
            Metrics::Account(m)
        });
        rows.push(AggregateRow {
            group: groups.names[i / np].clone(),
            period: period.label.clone(),
            suppressed: reason.is_some(),
            reason,
            metrics,
        });
    }
    let mut t = table(view, "account", periods, min_group_size, groups.names.clone(), rows, Vec::new());
    t.group_names.clone_from(&groups.display);
    let people =
        PartPeople { rows: internal.iter().map(FxHashSet::len).collect(), matrix: FxHashMap::default() };
    (t, people)
}

/// Sets each shown cell's engagement score against the most active account
/// shown for the same period. Run once suppression is final: a suppressed
/// cell never sets the scale.
pub fn score_engagement(table: &mut AggregateTable) {
    let mut peak: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for row in &table.rows {
        if let Some(Metrics::Account(m)) = &row.metrics {
            let top = peak.entry(row.period.clone()).or_default();
            *top = (*top).max(activity(m));
        }
    }
    for row in &mut table.rows {
        if let Some(Metrics::Account(m)) = &mut row.metrics {
            let top = peak.get(&row.period).copied().unwrap_or(0);
            m.engagement_score =
                (top > 0).then(|| (100.0 * f64::from(activity(m)) / f64::from(top)).round() as u32);
        }
    }
}

fn activity(m: &AccountMetrics) -> u32 {
    m.emails_to + m.emails_from + 2 * m.meetings
}

/// For an internal e-mail that answers an e-mail of account `g`'s contacts
/// sent in the same period (from `since`): the delay. An answer to an e-mail
/// of an earlier period is left out, so no cell tells of another's timing.
fn reply_delay(view: &View, r: Row, account_of: &Members, g: usize, since: i64) -> Option<i64> {
    let parent = view.reply_parent(r)?;
    let asked = view.at(parent);
    let answers = view.kind(parent) == Kind::Email && account_of.get(&view.from(parent)) == Some(g);
    (answers && since <= asked && asked <= view.at(r)).then(|| view.at(r) - asked)
}
