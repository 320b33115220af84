//! Introduction paths (SPEC 3.2): the strongest chains from the viewer to a
//! contact through colleagues, on the petgraph relationship graph. Only
//! internal people stand between the two ends (opted-out people are not in
//! the graph at all), and a path is at most `maxHops` ties long. A path's
//! strength is the product of its ties' strengths: each weak link weakens
//! the whole introduction.
//!
//! The search meets in the middle: chains are grown from the contact's few
//! colleagues back towards the viewer's neighbours, so a query costs the
//! contact's ties times a colleague's, not every chain leaving the viewer;
//! and it reads every list of ties strongest first, leaving a list as soon
//! as no chain through the rest of it could reach the top (exact: the
//! result is the exhaustive search's).

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::consent::{ConsentBasis, View};
use crate::insights::network::{Evidence, Network};
use crate::model::PersonKey;
use crate::sort;

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
    /// Provenance: the interactions behind the steps (one behind two steps
    /// counts for each), and the consent that allowed them.
    pub interactions_used: usize,
    pub consent_basis: ConsentBasis,
    /// The reference time and the latest interaction read (`freshness`):
    /// set by the engine, which knows `now`.
    pub now: String,
    pub data_as_of: Option<String>,
}

fn label(view: &View, p: PersonKey) -> String {
    view.person(p).name.clone().unwrap_or_else(|| view.person_id(p).to_string())
}

pub fn introduction_paths(
    view: &View,
    graph: &Network,
    viewer: PersonKey,
    target: PersonKey,
    top: usize,
    max_hops: usize,
) -> Vec<IntroductionPath> {
    let (Some(from), Some(to)) = (graph.node(viewer), graph.node(target)) else { return Vec::new() };
    let g = &graph.graph;
    let colleagues =
        |n: NodeIndex| graph.colleagues_of(n).iter().copied().filter(move |&(m, _)| m != from && m != to);
    // Strength of the viewer's tie to each node (0: none), by node index.
    let mut near_viewer = vec![0.0f64; g.node_count()];
    let mut strongest = 0.0f64;
    for (m, s) in colleagues(from) {
        near_viewer[m.index()] = s;
        strongest = strongest.max(s);
    }
    let near = |n: NodeIndex| Some(near_viewer[n.index()]).filter(|&s| s > 0.0);
    // Chains grown back from the contact's colleagues c, strongest ties first:
    // a chain is at most as strong as the viewer's strongest tie times the
    // ties already chosen, so once that bound falls below the `top`-th chain
    // found, the rest of a list cannot matter.
    let mut found = Found::new(top);
    if let Some(e) = graph.edge(from, to) {
        found.offer(graph.strength(e), &[from, to]);
    }
    for (c, s_ct) in colleagues(to).take_while(|_| max_hops >= 2) {
        if found.beyond(strongest * s_ct) {
            break;
        }
        if let Some(s_vc) = near(c) {
            found.offer(s_vc * s_ct, &[from, c, to]);
        }
        for (b, s_bc) in colleagues(c).take_while(|_| max_hops >= 3) {
            if found.beyond(strongest * (s_bc * s_ct)) {
                break;
            }
            if let Some(s_vb) = near(b) {
                found.offer(s_vb * s_bc * s_ct, &[from, b, c, to]);
            }
            for (a, s_ab) in colleagues(b).filter(|&(a, _)| a != c).take_while(|_| max_hops >= 4) {
                if found.beyond(strongest * (s_ab * (s_bc * s_ct))) {
                    break;
                }
                if let Some(s_va) = near(a) {
                    found.offer(s_va * s_ab * s_bc * s_ct, &[from, a, b, c, to]);
                }
            }
        }
    }
    // The strongest first; ties (only those that reach the top) by the people's ids.
    // (Only chains that match the cut were kept, so the list is short.)
    let mut found = found.chains;
    let id = |n: &NodeIndex| view.person_id(g[*n]);
    sort::by(&mut found, |a, b| {
        b.strength.total_cmp(&a.strength).then_with(|| a.nodes().iter().map(id).cmp(b.nodes().iter().map(id)))
    });
    found.truncate(top);
    found.iter().map(|chain| describe(view, graph, chain.nodes())).collect()
}

/// The chains found so far that may still reach the top, and the strength
/// of the `top`-th strongest of them: what a chain must at least match.
struct Found {
    chains: Vec<Chain>,
    /// The `top` strongest strengths so far, strongest first.
    best: Vec<f64>,
    top: usize,
}

impl Found {
    fn new(top: usize) -> Found {
        Found { chains: Vec::new(), best: Vec::with_capacity(top + 1), top }
    }

    fn cut(&self) -> f64 {
        if self.best.len() < self.top {
            f64::NEG_INFINITY
        } else {
            self.best[self.top - 1]
        }
    }

    /// Whether chains at most `bound` strong are out of the top for good.
    /// The margin covers rounding: a bound multiplies in another order than
    /// the chain it stands for.
    fn beyond(&self, bound: f64) -> bool {
        bound * (1.0 + 1e-9) < self.cut()
    }

    /// Keeps a chain that matches the cut (equals stay, for the tie-break).
    fn offer(&mut self, strength: f64, path: &[NodeIndex]) {
        if strength < self.cut() {
            return;
        }
        self.chains.push(Chain::new(strength, path));
        let at = self.best.partition_point(|&s| s >= strength);
        self.best.insert(at, strength);
        self.best.truncate(self.top);
    }
}

/// A candidate chain, kept without allocating: at most five people.
struct Chain {
    strength: f64,
    nodes: [NodeIndex; 5],
    len: usize,
}

impl Chain {
    fn new(strength: f64, path: &[NodeIndex]) -> Chain {
        let mut nodes = [NodeIndex::end(); 5];
        nodes[..path.len()].copy_from_slice(path);
        Chain { strength, nodes, len: path.len() }
    }

    fn nodes(&self) -> &[NodeIndex] {
        &self.nodes[..self.len]
    }
}

/// A chain as results show it: its people, each step's strength and evidence.
fn describe(view: &View, graph: &Network, nodes: &[NodeIndex]) -> IntroductionPath {
    let g = &graph.graph;
    let steps: Vec<Step> = nodes
        .windows(2)
        .filter_map(|w| {
            let e = graph.edge(w[0], w[1])?;
            Some(Step {
                from: view.person_id(g[w[0]]).to_string(),
                to: view.person_id(g[w[1]]).to_string(),
                strength: graph.strength(e),
                evidence: g[e].evidence(),
            })
        })
        .collect();
    let strength = steps.iter().map(|s| s.strength).product::<f64>();
    let mut explanation = label(view, g[nodes[0]]);
    for (w, s) in nodes.windows(2).zip(&steps) {
        explanation += &format!(" → {} ({:.2})", label(view, g[w[1]]), s.strength);
    }
    explanation += &format!(": strength {strength:.2}");
    IntroductionPath {
        people: nodes.iter().map(|&n| view.person_id(g[n]).to_string()).collect(),
        names: nodes.iter().map(|&n| view.person(g[n]).name.clone()).collect(),
        strength: (strength * 10_000.0).round() / 10_000.0,
        hops: steps.len(),
        interactions_used: steps
            .iter()
            .map(|s| (s.evidence.emails + s.evidence.meetings + s.evidence.calls) as usize)
            .sum(),
        consent_basis: view.basis(),
        steps,
        explanation,
        now: String::new(),
        data_as_of: None,
    }
}

#[cfg(test)]
mod tests {
    use petgraph::algo::all_simple_paths;
    use petgraph::visit::{EdgeFiltered, EdgeRef};
    use rustc_hash::FxBuildHasher;

    use super::*;
    use crate::consent::{Consent, Gate};
    use crate::model::Kind;
    use crate::model::Scope;
    use crate::store::{NewRow, Store};

    /// The meet-in-the-middle search finds exactly the chains petgraph's
    /// exhaustive `all_simple_paths` finds, on random graphs, and its pruned
    /// top few are the head of the whole ranking.
    #[test]
    fn finds_the_same_chains_as_an_exhaustive_search() {
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut compared = 0;
        for round in 0..40 {
            let mut store = Store::new(vec!["in.example".into()]);
            let people: Vec<PersonKey> = (0..9)
                .map(|i| store.person_key(&format!("p{i}@{}.example", if i < 6 { "in" } else { "out" })))
                .collect();
            for r in 0..(10 + next(25)) {
                let a = people[next(9) as usize];
                let b = people[next(9) as usize];
                if a == b {
                    continue;
                }
                let kind = [Kind::Email, Kind::Meeting, Kind::Call][next(3) as usize];
                let id = format!("r{round}-{r}");
                store.push(NewRow {
                    id: &id,
                    kind,
                    from: a,
                    at: 0,
                    duration_s: 60,
                    thread: None,
                    reply_to: None,
                    parts: &[b],
                    message: None,
                    reply_message: None,
                    conv_index: None,
                    version: crate::store::NO_VERSION,
                });
            }
            let consent = Consent { aggregated: false, identifiable: true };
            let view = Gate::new(&store, consent, Some(people[0])).open(Scope::Identifiable).unwrap();
            let graph = Network::build(&view, 1);
            for target in &people[6..] {
                for hops in 1..=4 {
                    let fast = introduction_paths(&view, &graph, people[0], *target, 10_000, hops);
                    // A short list is the head of the whole one: pruning loses no chain of the top.
                    for top in [1, 2, 3] {
                        let head = introduction_paths(&view, &graph, people[0], *target, top, hops);
                        assert_eq!(
                            head[..],
                            fast[..fast.len().min(top)],
                            "top {top}, round {round}, {hops} hops"
                        );
                    }
                    let mut fast: Vec<Vec<String>> = fast.into_iter().map(|p| p.people).collect();
                    fast.sort();
                    let (Some(from), Some(to)) = (graph.node(people[0]), graph.node(*target)) else {
                        assert!(fast.is_empty());
                        continue;
                    };
                    let g = &graph.graph;
                    let ok = |n: NodeIndex| n == from || n == to || view.person(g[n]).internal;
                    let allowed = EdgeFiltered::from_fn(g, |e| ok(e.source()) && ok(e.target()));
                    let mut slow: Vec<Vec<String>> = all_simple_paths::<Vec<NodeIndex>, _, FxBuildHasher>(
                        &allowed,
                        from,
                        to,
                        0,
                        Some(hops - 1),
                    )
                    .map(|p| p.iter().map(|&n| view.person_id(g[n]).to_string()).collect())
                    .collect();
                    slow.sort();
                    compared += slow.len();
                    assert_eq!(fast, slow, "round {round}, {hops} hops");
                }
            }
        }
        assert!(compared > 500, "only {compared} chains compared");
    }
}
