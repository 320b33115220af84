//! Introduction paths (SPEC 3.2): the ways from the viewer to a contact
//! through colleagues, on the petgraph relationship graph. Only internal
//! people stand between the two ends (opted-out people are not in the graph
//! at all), and a path is at most `maxHops` ties long. A path's strength is
//! the product of its ties' strengths: each weak link weakens the whole
//! introduction.
//!
//! A salesperson reads the list top down, so its order is the rule that
//! matters. The viewer's own tie to the contact, when there is one, comes
//! first and is marked `direct` ("you already know them"): strengths
//! saturate near 1, and three strong ties multiplied would otherwise beat
//! the viewer's busiest contact. Chains then rank by their `score`, strength
//! × `hopPenalty`^(hops − 1) (default 0.5): each extra person to go through
//! halves a chain, so a longer one outranks a shorter one only when it is
//! clearly stronger. Each chain carries what asking for an introduction
//! needs (`introduction`): the colleague to ask, the evidence of the
//! viewer's tie to them and of the last colleague's tie to the contact, and
//! a drafted message the host may send (the core sends nothing). The
//! message names only people on the path, all of them in the view.
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

/// The default of `hopPenalty`: each extra colleague on a chain halves it.
pub const DEFAULT_HOP_PENALTY: f64 = 0.5;

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
    /// The viewer's own tie to the contact ("you already know them"):
    /// listed first whatever its strength.
    pub direct: bool,
    /// What chains rank by: `strength` × `hopPenalty`^(hops − 1), to four
    /// decimals (a direct tie's is its strength).
    pub score: f64,
    /// What a request for an introduction needs; none on a direct tie.
    pub introduction: Option<Introduction>,
}

/// A request for an introduction along a chain, ready for the host to send.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Introduction {
    /// The colleague to ask: the first after the viewer.
    pub ask: String,
    pub ask_name: Option<String>,
    /// The viewer's tie to the colleague to ask.
    pub viewer_tie: Step,
    /// The last colleague's tie to the contact (the colleague to ask, on a
    /// two-hop chain): the evidence that someone knows them.
    pub contact_tie: Step,
    /// A drafted message to the colleague to ask, in plain text. It names
    /// the people on the path only (the viewer, the colleague to ask, the
    /// last colleague and the contact).
    pub message: String,
}

fn label(view: &View, p: PersonKey) -> String {
    view.person(p).name.clone().unwrap_or_else(|| view.person_id(p).to_string())
}

/// Hop `k` of a chain multiplies its score by `penalty`^(k − 1) (k ≥ 1).
fn penalties(penalty: f64) -> [f64; 4] {
    [1.0, penalty, penalty * penalty, penalty * penalty * penalty]
}

pub fn introduction_paths(
    view: &View,
    graph: &Network,
    viewer: PersonKey,
    target: PersonKey,
    top: usize,
    max_hops: usize,
    hop_penalty: f64,
) -> Vec<IntroductionPath> {
    let (Some(from), Some(to)) = (graph.node(viewer), graph.node(target)) else { return Vec::new() };
    let g = &graph.graph;
    let pen = penalties(hop_penalty);
    // The direct tie stands apart: it is first whatever the chains' scores,
    // and takes one of the `top` places.
    let direct = graph.edge(from, to).map(|_| [from, to]);
    let chains_wanted = top - usize::from(direct.is_some());
    let mut found = Found::new(chains_wanted);
    if chains_wanted > 0 {
        search(graph, from, to, max_hops, &pen, &mut found);
    }
    // The strongest first; ties (only those that reach the top) by the people's ids.
    // (Only chains that match the cut were kept, so the list is short.)
    let mut found = found.chains;
    let id = |n: &NodeIndex| view.person_id(g[*n]);
    sort::by(&mut found, |a, b| {
        b.score.total_cmp(&a.score).then_with(|| a.nodes().iter().map(id).cmp(b.nodes().iter().map(id)))
    });
    found.truncate(chains_wanted);
    let direct = direct.iter().map(|nodes| describe(view, graph, nodes, hop_penalty));
    direct.chain(found.iter().map(|chain| describe(view, graph, chain.nodes(), hop_penalty))).collect()
}

/// Offers `found` every chain of two to `max_hops` ties from `from` to `to`
/// that may reach the top, by score (`pen[k]`: the factor of a chain of
/// k + 1 ties).
fn search(
    graph: &Network,
    from: NodeIndex,
    to: NodeIndex,
    max_hops: usize,
    pen: &[f64; 4],
    found: &mut Found,
) {
    let colleagues =
        |n: NodeIndex| graph.colleagues_of(n).iter().copied().filter(move |&(m, _)| m != from && m != to);
    // Strength of the viewer's tie to each node (0: none), by node index.
    let mut near_viewer = vec![0.0f64; graph.graph.node_count()];
    let mut strongest = 0.0f64;
    for (m, s) in colleagues(from) {
        near_viewer[m.index()] = s;
        strongest = strongest.max(s);
    }
    let near = |n: NodeIndex| Some(near_viewer[n.index()]).filter(|&s| s > 0.0);
    // Chains grown back from the contact's colleagues c, strongest ties first:
    // a chain is at most as strong as the viewer's strongest tie times the
    // ties already chosen, times the penalty of its fewest hops (the penalty
    // only shrinks a longer one), so once that bound falls below the
    // `top`-th chain found, the rest of a list cannot matter.
    for (c, s_ct) in colleagues(to).take_while(|_| max_hops >= 2) {
        if found.beyond(strongest * s_ct * pen[1]) {
            break;
        }
        if let Some(s_vc) = near(c) {
            found.offer(s_vc * s_ct * pen[1], &[from, c, to]);
        }
        for (b, s_bc) in colleagues(c).take_while(|_| max_hops >= 3) {
            if found.beyond(strongest * (s_bc * s_ct) * pen[2]) {
                break;
            }
            if let Some(s_vb) = near(b) {
                found.offer(s_vb * s_bc * s_ct * pen[2], &[from, b, c, to]);
            }
            for (a, s_ab) in colleagues(b).filter(|&(a, _)| a != c).take_while(|_| max_hops >= 4) {
                if found.beyond(strongest * (s_ab * (s_bc * s_ct)) * pen[3]) {
                    break;
                }
                if let Some(s_va) = near(a) {
                    found.offer(s_va * s_ab * s_bc * s_ct * pen[3], &[from, a, b, c, to]);
                }
            }
        }
    }
}

/// The chains found so far that may still reach the top, and the score of
/// the `top`-th best of them: what a chain must at least match.
struct Found {
    chains: Vec<Chain>,
    /// The `top` best scores so far, best first.
    best: Vec<f64>,
    top: usize,
}

impl Found {
    fn new(top: usize) -> Found {
        Found { chains: Vec::new(), best: Vec::with_capacity(top + 1), top }
    }

    fn cut(&self) -> f64 {
        match self.top.checked_sub(1).and_then(|i| self.best.get(i)) {
            Some(&s) => s,
            None => f64::NEG_INFINITY,
        }
    }

    /// Whether chains scoring at most `bound` are out of the top for good.
    /// The margin covers rounding: a bound multiplies in another order than
    /// the chain it stands for.
    fn beyond(&self, bound: f64) -> bool {
        bound * (1.0 + 1e-9) < self.cut()
    }

    /// Keeps a chain that matches the cut (equals stay, for the tie-break).
    fn offer(&mut self, score: f64, path: &[NodeIndex]) {
        if score < self.cut() {
            return;
        }
        self.chains.push(Chain::new(score, path));
        let at = self.best.partition_point(|&s| s >= score);
        self.best.insert(at, score);
        self.best.truncate(self.top);
    }
}

/// A candidate chain, kept without allocating: at most five people.
struct Chain {
    score: f64,
    nodes: [NodeIndex; 5],
    len: usize,
}

impl Chain {
    fn new(score: f64, path: &[NodeIndex]) -> Chain {
        let mut nodes = [NodeIndex::end(); 5];
        nodes[..path.len()].copy_from_slice(path);
        Chain { score, nodes, len: path.len() }
    }

    fn nodes(&self) -> &[NodeIndex] {
        &self.nodes[..self.len]
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// A chain as results show it: its people, each step's strength and
/// evidence, its score and (beyond the direct tie) the introduction to ask for.
fn describe(view: &View, graph: &Network, nodes: &[NodeIndex], hop_penalty: f64) -> IntroductionPath {
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
    let hops = steps.len();
    let score = strength * penalties(hop_penalty)[hops.saturating_sub(1).min(3)];
    let people: Vec<PersonKey> = nodes.iter().map(|&n| g[n]).collect();
    let introduction = introduction(view, &people, &steps);
    IntroductionPath {
        people: people.iter().map(|&p| view.person_id(p).to_string()).collect(),
        names: people.iter().map(|&p| view.person(p).name.clone()).collect(),
        strength: round4(strength),
        hops,
        interactions_used: steps
            .iter()
            .map(|s| (s.evidence.emails + s.evidence.meetings + s.evidence.calls) as usize)
            .sum(),
        consent_basis: view.basis(),
        direct: hops == 1,
        score: round4(score),
        introduction,
        steps,
        explanation,
        now: String::new(),
        data_as_of: None,
    }
}

/// The introduction a chain of people (viewer first, contact last) offers:
/// none on a direct tie.
fn introduction(view: &View, people: &[PersonKey], steps: &[Step]) -> Option<Introduction> {
    let (&viewer, &contact) = (people.first()?, people.last()?);
    if people.len() < 3 {
        return None;
    }
    let (ask, last) = (people[1], people[people.len() - 2]);
    let (viewer_tie, contact_tie) = (steps.first()?.clone(), steps.last()?.clone());
    let message = draft(
        &label(view, viewer),
        &label(view, ask),
        (ask != last).then(|| label(view, last)),
        &label(view, contact),
        &contact_tie.evidence,
    );
    Some(Introduction {
        ask: view.person_id(ask).to_string(),
        ask_name: view.person(ask).name.clone(),
        viewer_tie,
        contact_tie,
        message,
    })
}

/// "3 e-mails, 1 meeting and 2 calls, most recently on 2026-03-20".
fn describe_evidence(e: &Evidence) -> String {
    let counted = [(e.emails, "e-mail"), (e.meetings, "meeting"), (e.calls, "call")];
    let parts: Vec<String> = counted
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|&(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
        .collect();
    let mut text = match parts.as_slice() {
        [] => "no interaction".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    if let Some(day) = e.last_interaction_at.as_deref().and_then(|t| t.get(..10)) {
        text += &format!(", most recently on {day}");
    }
    text
}

/// The drafted request: plain text, addressed to the colleague to ask,
/// signed by the viewer; on a longer chain it names the last colleague, who
/// knows the contact, and asks the first to pass the request on.
fn draft(viewer: &str, ask: &str, last: Option<String>, contact: &str, evidence: &Evidence) -> String {
    let known = describe_evidence(evidence);
    match last {
        None => format!(
            "Hi {ask},\n\nCould you introduce me to {contact}? You have been in touch with them \
             ({known}).\n\nThanks,\n{viewer}"
        ),
        Some(last) => format!(
            "Hi {ask},\n\nI would like to be introduced to {contact}. {last} has been in touch with \
             them ({known}). Could you put me in touch with {last}, or pass my request on?\n\nThanks,\n{viewer}"
        ),
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
                    copied: &[false],
                    message: None,
                    reply_message: None,
                    conv_index: None,
                    version: crate::store::NO_VERSION,
                });
            }
            let consent = Consent { aggregated: false, identifiable: true };
            let view = Gate::new(&store, consent, Some(people[0])).open(Scope::Identifiable).unwrap();
            let graph = Network::build(&view, 1);
            for (target, hops, penalty) in
                people[6..].iter().flat_map(|t| (1..=4).flat_map(move |h| [1.0, 0.5, 0.2].map(|p| (t, h, p))))
            {
                let fast = introduction_paths(&view, &graph, people[0], *target, 10_000, hops, penalty);
                // A short list is the head of the whole one: pruning loses no chain of the top.
                for top in [1, 2, 3] {
                    let head = introduction_paths(&view, &graph, people[0], *target, top, hops, penalty);
                    assert_eq!(
                        head[..],
                        fast[..fast.len().min(top)],
                        "top {top}, round {round}, {hops} hops, penalty {penalty}"
                    );
                }
                // The direct tie first, then chains by score.
                let direct = fast.iter().filter(|p| p.direct).count();
                assert!(direct <= 1 && fast.iter().skip(direct).all(|p| !p.direct && p.hops > 1));
                assert!(fast
                    .iter()
                    .skip(direct)
                    .zip(fast.iter().skip(direct + 1))
                    .all(|(a, b)| a.score >= b.score));
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
        assert!(compared > 500, "only {compared} chains compared");
    }
}
