//! Introduction paths (SPEC 3.2): the strongest chains from the viewer to a
//! contact through colleagues, on the relationship graph with petgraph. Only
//! internal people stand between the two ends (opted-out people are not in
//! the graph at all), and a path is at most `maxHops` ties long. A path's
//! strength is the product of its ties' strengths: each weak link weakens
//! the whole introduction.

use petgraph::algo::all_simple_paths;
use petgraph::graph::NodeIndex;
use petgraph::visit::{EdgeFiltered, EdgeRef};
use rustc_hash::FxBuildHasher;
use serde::Serialize;

use crate::consent::View;
use crate::graph::{Evidence, RelationshipGraph};
use crate::model::PersonKey;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub from: String,
    pub to: String,
    pub strength: f64,
    pub evidence: Evidence,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntroductionPath {
    /// From the viewer to the target.
    pub people: Vec<String>,
    pub names: Vec<Option<String>>,
    /// The product of the steps' strengths, to four decimals.
    pub strength: f64,
    pub hops: usize,
    pub steps: Vec<Step>,
    /// The path in words, with each step's strength.
    pub explanation: String,
}

fn label(view: &View, p: PersonKey) -> String {
    view.person(p).name.clone().unwrap_or_else(|| view.person_id(p).to_string())
}

pub fn introduction_paths(
    view: &View,
    graph: &RelationshipGraph,
    viewer: PersonKey,
    target: PersonKey,
    top: usize,
    max_hops: usize,
) -> Vec<IntroductionPath> {
    let (Some(from), Some(to)) = (graph.node(viewer), graph.node(target)) else { return Vec::new() };
    let g = &graph.graph;
    let between = |n: NodeIndex| n == from || n == to || view.person(g[n]).internal;
    let allowed = EdgeFiltered::from_fn(g, |e| between(e.source()) && between(e.target()));
    let found = all_simple_paths::<Vec<NodeIndex>, _, FxBuildHasher>(
        &allowed,
        from,
        to,
        0,
        Some(max_hops.saturating_sub(1)),
    );
    let mut paths: Vec<IntroductionPath> = found
        .map(|nodes| {
            let steps: Vec<Step> = nodes
                .windows(2)
                .filter_map(|w| {
                    let tie = graph.tie(w[0], w[1])?;
                    Some(Step {
                        from: view.person_id(g[w[0]]).to_string(),
                        to: view.person_id(g[w[1]]).to_string(),
                        strength: tie.strength(),
                        evidence: tie.evidence(),
                    })
                })
                .collect();
            let strength = steps.iter().map(|s| s.strength).product::<f64>();
            let mut explanation = label(view, g[nodes[0]]);
            for (w, s) in nodes.windows(2).zip(&steps) {
                explanation += &format!(" → {} ({:.2})", label(view, g[w[1]]), s.strength);
            }
            explanation += &format!(": strength {:.2}", strength);
            IntroductionPath {
                people: nodes.iter().map(|&n| view.person_id(g[n]).to_string()).collect(),
                names: nodes.iter().map(|&n| view.person(g[n]).name.clone()).collect(),
                strength: (strength * 10_000.0).round() / 10_000.0,
                hops: steps.len(),
                steps,
                explanation,
            }
        })
        .collect();
    paths.sort_by(|a, b| b.strength.total_cmp(&a.strength).then_with(|| a.people.cmp(&b.people)));
    paths.truncate(top);
    paths
}
