//! Own insights (SPEC 3.3): the signed-in user's own figures, from the
//! interactions they took part in, and the people they deal with most.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::freshness::data_as_of;
use super::hits::Hits;
use super::kpis::{tally, Kpis, Week};
use super::sides::{Started, ViewerSides};
use super::WindowOut;
use crate::consent::{ConsentBasis, Row, View};
use crate::model::PersonKey;
use crate::model::Scope;
use crate::sort;
use crate::time::{format_rfc3339, Window};

/// How many people each ranking lists.
const TOP: usize = 3;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counterpart {
    pub id: String,
    pub name: Option<String>,
    pub internal: bool,
    pub interactions: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnInsights {
    pub scope: Scope,
    pub viewer: String,
    /// The engine's reference time: the window ends at it.
    pub now: String,
    pub window: WindowOut,
    pub kpis: Kpis,
    pub last_interaction_at: Option<String>,
    pub next_interaction_at: Option<String>,
    pub weekly: Vec<Week>,
    /// People the viewer reached out to most (e-mails sent, meetings
    /// organized, calls made), most first.
    pub top_contacted: Vec<Counterpart>,
    /// People who reached out to the viewer most.
    pub top_contacted_by: Vec<Counterpart>,
    /// Provenance: the interactions the figures were computed from, and the
    /// consent that allowed them.
    pub interactions_used: usize,
    pub consent_basis: ConsentBasis,
    /// The latest interaction read, at or before `now` (`freshness`).
    pub data_as_of: Option<String>,
}

fn ranking(view: &View, counts: FxHashMap<PersonKey, u32>) -> Vec<Counterpart> {
    let mut ranked: Vec<(PersonKey, u32)> = counts.into_iter().collect();
    sort::by(&mut ranked, |a, b| b.1.cmp(&a.1).then_with(|| view.person_id(a.0).cmp(view.person_id(b.0))));
    ranked
        .into_iter()
        .take(TOP)
        .map(|(p, n)| Counterpart {
            id: view.person_id(p).to_string(),
            name: view.person(p).name.clone(),
            internal: view.person(p).internal,
            interactions: n,
        })
        .collect()
}

pub fn own_insights(view: &View, viewer_id: &str, (w, days): (Window, u32)) -> OwnInsights {
    let empty = || OwnInsights {
        scope: view.scope(),
        viewer: viewer_id.to_string(),
        now: format_rfc3339(w.end),
        window: WindowOut::new(w, days),
        kpis: Kpis::default(),
        last_interaction_at: None,
        next_interaction_at: None,
        weekly: Vec::new(),
        top_contacted: Vec::new(),
        top_contacted_by: Vec::new(),
        interactions_used: 0,
        consent_basis: view.basis(),
        data_as_of: data_as_of(view, w.end),
    };
    let Some(viewer) = view.viewer() else { return empty() };

    let rows: Vec<Row> = view.rows().collect();
    let hits = Hits::around(view, &rows, w, &ViewerSides(viewer));
    let t = tally(&hits, w, true);
    let mut contacted: FxHashMap<PersonKey, u32> = FxHashMap::default();
    let mut contacted_by: FxHashMap<PersonKey, u32> = FxHashMap::default();
    for h in t.counted {
        // Everyone but the viewer is on their side, the sender first.
        let them = hits.them(h);
        if h.started == Started::Us {
            for &p in them {
                *contacted.entry(p).or_default() += 1;
            }
        } else if let Some(&sender) = them.first().filter(|&&p| p == view.from(h.row)) {
            // (A list or shared mailbox that sent it is not listed.)
            *contacted_by.entry(sender).or_default() += 1;
        }
    }
    OwnInsights {
        last_interaction_at: t.last_interaction_at(),
        next_interaction_at: t.next_interaction_at(),
        interactions_used: t.interactions_used(),
        kpis: t.kpis,
        weekly: t.weekly,
        top_contacted: ranking(view, contacted),
        top_contacted_by: ranking(view, contacted_by),
        ..empty()
    }
}
