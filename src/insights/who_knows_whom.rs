//! Who knows whom (SPEC 3.2): the colleagues ranked by connection strength
//! with a contact or an account (the formula is in `network`), each with the
//! interactions behind it. The viewer asks whom to turn to, so they are never
//! one of the colleagues listed, however strong their own tie: that tie is
//! reported apart (`viewer_tie`), none when they have none.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::sides::{rows, Sides, Them};
use crate::consent::{ConsentBasis, Row, View};
use crate::insights::network::{pairs, Evidence, Tie};
use crate::model::PersonKey;
use crate::model::Scope;
use crate::sort;
use crate::time::format_rfc3339;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Known {
    pub id: String,
    pub name: Option<String>,
    pub department: Option<String>,
    pub strength: f64,
    pub evidence: Evidence,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhoKnowsWhom {
    pub scope: Scope,
    pub target: super::relationship::TargetOut,
    /// The reference time the strengths are computed at.
    pub as_of: String,
    pub colleagues: Vec<Known>,
    /// Provenance: the interactions behind the ties ranked (before `top`),
    /// and the consent that allowed them.
    pub interactions_used: usize,
    pub consent_basis: ConsentBasis,
    /// The reference time the result was computed at, and the latest
    /// interaction it read (`freshness`).
    pub now: String,
    pub data_as_of: Option<String>,
    /// The viewer's own tie with the contact or account, if any: never
    /// among `colleagues`.
    pub viewer_tie: Option<ViewerTie>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewerTie {
    /// Connection strength 0–1, as a colleague's.
    pub strength: f64,
    pub evidence: Evidence,
}

/// Each colleague's tie with the other side: every interaction at or before
/// `now` that links them with one of its people, counted once however many
/// of its people it links them with.
pub fn ties(view: &View, them: &Them, now: i64) -> (Vec<(PersonKey, Tie)>, usize) {
    let sides = (view, them);
    let mut used = 0;
    let mut ties: FxHashMap<PersonKey, (Tie, Option<Row>)> = FxHashMap::default();
    for r in rows(view, them) {
        let at = view.at(r);
        if at > now {
            continue;
        }
        let kind = view.kind(r);
        let mut last_used = None;
        pairs(view, r, |a, b, a_started| {
            // Side 0 of the tie is the colleague, side 1 the other side.
            let (colleague, started) = if sides.is_us(a) && sides.is_them(b) {
                (a, a_started.then_some(0))
            } else if sides.is_us(b) && sides.is_them(a) {
                (b, a_started.then_some(1))
            } else {
                return;
            };
            // A list or a shared mailbox knows nobody.
            if !view.person(colleague).is_person() {
                return;
            }
            let (tie, last_row) = ties.entry(colleague).or_insert((Tie::default(), None));
            if last_used != Some(r) {
                last_used = Some(r);
                used += 1;
            }
            if *last_row != Some(r) {
                *last_row = Some(r);
                tie.add(kind, at, now, started);
            }
        });
    }
    let mut list: Vec<(PersonKey, Tie)> = ties.into_iter().map(|(p, (t, _))| (p, t)).collect();
    // One entry a person (the keys of a map): any sort gives this order.
    sort::by_key(&mut list, |(p, _)| *p);
    (list, used)
}

pub fn who_knows_whom(
    view: &View,
    them: &Them,
    target: super::relationship::TargetOut,
    viewer: Option<PersonKey>,
    now: i64,
    top: usize,
) -> WhoKnowsWhom {
    let (mut ties, interactions_used) = ties(view, them, now);
    let viewer_tie = ties.iter().position(|(p, _)| Some(*p) == viewer).map(|at| {
        let (_, tie) = ties.remove(at);
        ViewerTie { strength: tie.strength(), evidence: tie.evidence() }
    });
    let mut ranked: Vec<Known> = ties
        .into_iter()
        .map(|(p, tie)| Known {
            id: view.person_id(p).to_string(),
            name: view.person(p).name.clone(),
            department: view.person(p).department.clone(),
            strength: tie.strength(),
            evidence: tie.evidence(),
        })
        .collect();
    sort::by(&mut ranked, |a, b| b.strength.total_cmp(&a.strength).then_with(|| a.id.cmp(&b.id)));
    ranked.truncate(top);
    WhoKnowsWhom {
        scope: view.scope(),
        target,
        as_of: format_rfc3339(now),
        colleagues: ranked,
        interactions_used,
        consent_basis: view.basis(),
        now: format_rfc3339(now),
        data_as_of: super::freshness::data_as_of(view, now),
        viewer_tie,
    }
}
