//! The relationship figures of SPEC 3.1, for two sides of a relationship,
//! "us" and "them": the viewer and everyone else (own insights), or the
//! organization and a contact or account (relationship analytics).
//!
//! Rules: an e-mail is *sent* when someone of ours sends it with one of them
//! among the recipients, *received* when one of them sends it. A meeting or
//! call counts when both sides take part; its minutes count once. A *reply*
//! is an e-mail whose `inReplyTo` is an e-mail from the other side; a
//! response time is the time to the first such reply, at or before the
//! window's end. Time spent is meeting plus call minutes: e-mail time is not
//! estimated, because a fixed per-e-mail guess is a figure nobody measured.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::hits::{Hit, Hits};
use super::minutes;
use super::sides::Class;
use crate::time::{format_date, format_rfc3339, week_start, Window, WEEK_MS};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kpis {
    pub emails_sent: u32,
    pub emails_received: u32,
    /// Our replies to their e-mails.
    pub replies: u32,
    /// Their replies to our e-mails.
    pub replies_received: u32,
    pub meetings: u32,
    pub meeting_minutes: f64,
    pub calls: u32,
    pub call_minutes: f64,
    pub time_spent_minutes: f64,
    /// Share of their e-mails in the window that we replied to.
    pub response_rate: Option<f64>,
    pub median_response_minutes: Option<f64>,
    pub p90_response_minutes: Option<f64>,
    /// Share of our e-mails in the window that they replied to.
    pub their_response_rate: Option<f64>,
    pub their_median_response_minutes: Option<f64>,
    pub their_p90_response_minutes: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Week {
    /// The Monday (UTC) the week starts on.
    pub week: String,
    pub emails_sent: u32,
    pub emails_received: u32,
    pub meetings: u32,
    pub meeting_minutes: f64,
    pub calls: u32,
    pub call_minutes: f64,
}

pub struct Tally<'h> {
    pub kpis: Kpis,
    /// Empty unless asked for.
    pub weekly: Vec<Week>,
    pub last_at: Option<i64>,
    pub next_at: Option<i64>,
    /// The hits in the window.
    pub counted: &'h [Hit],
    /// All of the relationship's hits, for the people on each.
    pub hits: &'h Hits,
}

impl Tally<'_> {
    pub fn last_interaction_at(&self) -> Option<String> {
        self.last_at.map(format_rfc3339)
    }

    pub fn next_interaction_at(&self) -> Option<String> {
        self.next_at.map(format_rfc3339)
    }

    /// Rows that counted in the window.
    pub fn interactions_used(&self) -> usize {
        self.counted.len()
    }
}

/// The median of sorted values (the mean of the middle two when even).
pub fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0),
    }
}

/// The 90th percentile of sorted values, nearest-rank: the smallest value
/// with at least 90% of the values at or below it.
pub fn p90(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    (n > 0).then(|| sorted[(n * 9).div_ceil(10) - 1] as f64)
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 10_000.0).round() / 10_000.0)
}

/// Response delays (ms) of one direction: for each e-mail `asked` in the
/// window (row index, time), the delay to the first answer in `first_answer`.
fn responses(asked: &[(u32, i64)], first_answer: &FxHashMap<u32, i64>) -> (Option<f64>, Vec<i64>) {
    let mut delays: Vec<i64> =
        asked.iter().filter_map(|(e, at)| first_answer.get(e).map(|t| t - at)).collect();
    delays.sort_unstable();
    (ratio(delays.len(), asked.len()), delays)
}

/// Every figure of a relationship from its hits, for the window, with the
/// weekly timeline when `weeks` is set.
pub fn tally(hits: &Hits, window: Window, weeks: bool) -> Tally<'_> {
    // The window is a slice of the time-ordered hits; the last interaction
    // is the last hit up to its end, the next one the first hit after it.
    let list = &hits.list;
    let start = list.partition_point(|h| h.at <= window.start);
    let end = start + list[start..].partition_point(|h| h.at <= window.end);
    let counted = &list[start..end];
    let last = list[..end].last().map(|h| h.at);
    let next = list.get(end).map(|h| h.at);

    // First answers, in each direction, to e-mails from the other side.
    let mut ours: FxHashMap<u32, i64> = FxHashMap::default();
    let mut theirs: FxHashMap<u32, i64> = FxHashMap::default();
    let (mut replies, mut replies_received) = (0, 0);
    for h in counted {
        let Some(parent) = h.answers() else { continue };
        let first = if h.class == Class::Sent {
            replies += 1;
            &mut ours
        } else {
            replies_received += 1;
            &mut theirs
        };
        let t = first.entry(parent).or_insert(i64::MAX);
        *t = (*t).min(h.at);
    }

    let first_week = week_start(window.start + 1);
    let mut weekly: Vec<Week> = if weeks {
        window.weeks().map(|w| Week { week: format_date(w), ..Week::default() }).collect()
    } else {
        Vec::new()
    };
    let mut k = Kpis::default();
    let (mut meeting_ms, mut call_ms) = (0i64, 0i64);
    let mut week_ms: Vec<(i64, i64)> = vec![(0, 0); weekly.len()];
    // E-mails (row index, time) each side was sent and may answer.
    let mut asked_us: Vec<(u32, i64)> = Vec::new();
    let mut asked_them: Vec<(u32, i64)> = Vec::new();
    let mut scratch = Week::default();
    for h in counted {
        let w = ((week_start(h.at) - first_week) / WEEK_MS) as usize;
        let week = weekly.get_mut(w).unwrap_or(&mut scratch);
        let ms = i64::from(h.duration_s()) * 1000;
        let asked = (h.row.index() as u32, h.at);
        match h.class {
            Class::Sent => {
                k.emails_sent += 1;
                week.emails_sent += 1;
                asked_them.push(asked);
            }
            Class::Received => {
                k.emails_received += 1;
                week.emails_received += 1;
                asked_us.push(asked);
            }
            Class::Meeting => {
                k.meetings += 1;
                week.meetings += 1;
                meeting_ms += ms;
                if let Some(m) = week_ms.get_mut(w) {
                    m.0 += ms;
                }
            }
            Class::Call => {
                k.calls += 1;
                week.calls += 1;
                call_ms += ms;
                if let Some(m) = week_ms.get_mut(w) {
                    m.1 += ms;
                }
            }
        }
    }
    k.replies = replies;
    k.replies_received = replies_received;
    for (week, (m, c)) in weekly.iter_mut().zip(week_ms) {
        week.meeting_minutes = minutes(m as f64);
        week.call_minutes = minutes(c as f64);
    }
    k.meeting_minutes = minutes(meeting_ms as f64);
    k.call_minutes = minutes(call_ms as f64);
    k.time_spent_minutes = minutes((meeting_ms + call_ms) as f64);

    let (rate, delays) = responses(&asked_us, &ours);
    k.response_rate = rate;
    k.median_response_minutes = median(&delays).map(minutes);
    k.p90_response_minutes = p90(&delays).map(minutes);
    let (rate, delays) = responses(&asked_them, &theirs);
    k.their_response_rate = rate;
    k.their_median_response_minutes = median(&delays).map(minutes);
    k.their_p90_response_minutes = p90(&delays).map(minutes);

    Tally { kpis: k, weekly, last_at: last, next_at: next, counted, hits }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_nearest_rank_p90() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5]), Some(5.0));
        assert_eq!(median(&[1, 2, 10, 20]), Some(6.0));
        assert_eq!(p90(&[7]), Some(7.0));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(p90(&ten), Some(9.0));
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(p90(&eleven), Some(10.0));
    }
}
