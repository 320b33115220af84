//! The next step of a relationship: at most one plain-language suggestion,
//! from the first of these rules that applies, in this order (thresholds are
//! fixed; "now" is the window's end):
//!
//! 1. `unanswered`: the two latest e-mails of the relationship in the window
//!    are both theirs (we have not written since the first of them).
//! 2. `quiet`: the last interaction is more than [`QUIET_DAYS`] days before now.
//! 3. `no-meeting`: no meeting or call in the [`MEETING_DAYS`] days up to now,
//!    and at least one interaction in them; names the colleague who knows
//!    them best (most interactions with them in the window) when the view
//!    may name them.
//! 4. `declining`: the score fell [`DECLINE_POINTS`] points or more over the trend.
//! 5. `single-threaded`: one colleague only took part, in at least
//!    [`SINGLE_THREAD_MIN`] interactions in the window.
//!
//! A suggestion names no one but the viewer ("you") and, in scope
//! `identifiable`, a colleague (`View::may_suggest`): never a contact other
//! than the relationship's own, never in scope `own` another colleague.

use serde::Serialize;

use super::health::Health;
use super::kpis::Tally;
use super::sides::Class;
use crate::consent::View;
use crate::model::PersonKey;
use crate::time::{format_date, DAY_MS};

pub const QUIET_DAYS: i64 = 30;
pub const MEETING_DAYS: i64 = 60;
pub const DECLINE_POINTS: i64 = 10;
pub const SINGLE_THREAD_MIN: usize = 5;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NextStep {
    /// "unanswered", "quiet", "no-meeting", "declining" or "single-threaded".
    pub rule: &'static str,
    pub text: String,
    /// The colleague the text names (id), if any.
    pub colleague: Option<String>,
}

/// How the text names colleague `p`: "you" for the viewer, else their name or id.
fn called(view: &View, p: PersonKey) -> String {
    if view.viewer() == Some(p) {
        "you".to_string()
    } else {
        view.person(p).name.clone().unwrap_or_else(|| view.person_id(p).to_string())
    }
}

/// Colleagues on the window's interactions, most interactions first (ties by id).
fn colleagues_by_interactions(view: &View, t: &Tally) -> Vec<(PersonKey, usize)> {
    let mut counts: Vec<(PersonKey, usize)> = Vec::new();
    for h in t.counted {
        for &p in t.hits.us(h) {
            match counts.iter_mut().find(|(q, _)| *q == p) {
                Some((_, n)) => *n += 1,
                None => counts.push((p, 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| view.person_id(a.0).cmp(view.person_id(b.0))));
    counts
}

pub fn next_step(view: &View, t: &Tally, now: i64, health: &Health) -> Option<NextStep> {
    let step = |rule, text: String, colleague: Option<PersonKey>| {
        Some(NextStep { rule, text, colleague: colleague.map(|p| view.person_id(p).to_string()) })
    };
    let emails: Vec<_> =
        t.counted.iter().filter(|h| matches!(h.class, Class::Sent | Class::Received)).collect();
    if let [.., a, b] = emails.as_slice() {
        if a.class == Class::Received && b.class == Class::Received {
            return step(
                "unanswered",
                format!("No reply from us to their last two e-mails (the latest on {}).", format_date(b.at)),
                None,
            );
        }
    }
    let last = t.last_at?;
    let idle_days = (now - last) / DAY_MS;
    if idle_days > QUIET_DAYS {
        return step("quiet", format!("No interaction in {idle_days} days: get back in touch."), None);
    }
    // The hits are in time order: only those of the last `MEETING_DAYS` are read.
    let list = &t.hits.list;
    let since = list.partition_point(|h| h.at <= now - MEETING_DAYS * DAY_MS);
    let met = list[since..]
        .iter()
        .take_while(|h| h.at <= now)
        .any(|h| matches!(h.class, Class::Meeting | Class::Call));
    if !met {
        let ranked = colleagues_by_interactions(view, t);
        let best = ranked.iter().map(|&(p, _)| p).find(|&p| view.may_suggest(p));
        let text = match best {
            Some(p) if view.viewer() == Some(p) => {
                format!("Nobody has met them in {MEETING_DAYS} days — you know them best.")
            }
            Some(p) => {
                format!("Nobody has met them in {MEETING_DAYS} days — {} knows them best.", called(view, p))
            }
            None => format!("Nobody has met them in {MEETING_DAYS} days."),
        };
        return step("no-meeting", text, best);
    }
    if let Some(change) = health.trend.as_ref().and_then(|t| t.change).filter(|&c| c <= -DECLINE_POINTS) {
        let weakest = health
            .factors
            .iter()
            .filter(|f| f.value.is_some())
            .min_by(|a, b| a.value.unwrap_or(0.0).total_cmp(&b.value.unwrap_or(0.0)))
            .map_or("-", |f| f.factor);
        return step("declining", format!("Health fell {} points; weakest: {weakest}.", -change), None);
    }
    if let [(only, n)] = colleagues_by_interactions(view, t).as_slice() {
        if *n >= SINGLE_THREAD_MIN {
            let named = view.may_suggest(*only).then_some(*only);
            let text = match named {
                Some(p) if view.viewer() == Some(p) => {
                    "Only you deal with them: bring in a colleague.".to_string()
                }
                Some(p) => format!("Only {} deals with them: bring in a colleague.", called(view, p)),
                None => "Only one colleague deals with them: bring in another.".to_string(),
            };
            return step("single-threaded", text, named);
        }
    }
    None
}
