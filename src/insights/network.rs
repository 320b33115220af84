//! The relationship network (SPEC 3.2: "the relationship graph"; called the
//! network here, since "graph" in this crate means Microsoft Graph): a tie
//! between two people who dealt with each other, and its connection strength. Built with petgraph from the rows
//! of an `identifiable` view, as of the reference time.
//!
//! Connection strength, 0–1: `(1 − 2^(−activity / 4)) × (0.6 + 0.4 × reciprocity)`.
//! Activity adds 1 per e-mail and 2 per meeting or call (they take both
//! people's time), each decayed by 2^(−age / 90 days), so frequency and
//! recency both count and a tie fades over a quarter without contact;
//! 4 units of fresh activity give half the scale. Reciprocity is
//! min / max of the interactions each side started (1 when only shared
//! meetings link them): a one-way tie keeps 60% of its strength.

use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::consent::{Row, View};
use crate::model::{Kind, PersonKey};
use crate::sort;
use crate::time::{format_rfc3339, DAY_MS};

const HALF_LIFE_MS: f64 = 90.0 * DAY_MS as f64;
const SATURATION: f64 = 4.0;

/// What links two people (or a colleague and an account), as of `now`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tie {
    pub emails: u32,
    pub meetings: u32,
    pub calls: u32,
    /// Interactions the first and the second person started.
    pub started: [u32; 2],
    /// Decayed, weighted activity.
    pub activity: f64,
    pub last_at: i64,
}

impl Default for Tie {
    fn default() -> Self {
        Tie { emails: 0, meetings: 0, calls: 0, started: [0, 0], activity: 0.0, last_at: i64::MIN }
    }
}

impl Tie {
    /// Counts one interaction; `started` says which side started it, if either.
    pub fn add(&mut self, kind: Kind, at: i64, now: i64, started: Option<usize>) {
        let weight = match kind {
            Kind::Email => {
                self.emails += 1;
                1.0
            }
            Kind::Meeting => {
                self.meetings += 1;
                2.0
            }
            Kind::Call => {
                self.calls += 1;
                2.0
            }
        };
        if let Some(side) = started {
            self.started[side] += 1;
        }
        self.activity += weight * 0.5f64.powf((now - at) as f64 / HALF_LIFE_MS);
        self.last_at = self.last_at.max(at);
    }

    pub fn reciprocity(&self) -> f64 {
        let [a, b] = self.started;
        if a + b == 0 {
            1.0
        } else {
            f64::from(a.min(b)) / f64::from(a.max(b))
        }
    }

    /// Connection strength 0–1, to four decimals.
    pub fn strength(&self) -> f64 {
        let s = (1.0 - 0.5f64.powf(self.activity / SATURATION)) * (0.6 + 0.4 * self.reciprocity());
        (s * 10_000.0).round() / 10_000.0
    }

    pub fn evidence(&self) -> Evidence {
        Evidence {
            emails: self.emails,
            meetings: self.meetings,
            calls: self.calls,
            last_interaction_at: (self.last_at != i64::MIN).then(|| format_rfc3339(self.last_at)),
        }
    }
}

/// The interactions behind a tie, as results show them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub emails: u32,
    pub meetings: u32,
    pub calls: u32,
    pub last_interaction_at: Option<String>,
}

/// Most people (the organizer included) a meeting may have for each pair of
/// them to be tied. Up to this size (a team, a workshop) people in the room
/// deal with each other; in a larger one (an all-hands, a webinar) sitting
/// in the same audience is no evidence of knowing each other, and tying
/// every pair would cost the square of the meeting (two million ties for one
/// meeting of 2,000). A larger meeting ties each attendee to its organizer
/// only, like an e-mail to many: at most one tie per participant.
pub const SMALL_MEETING_PEOPLE: usize = 15;

/// Calls `f(a, b, a_started)` for each pair of people a row links: the sender
/// with each recipient (the sender started it), and, in a meeting of at most
/// [`SMALL_MEETING_PEOPLE`], each pair of attendees (nobody started it
/// between them). Co-recipients of an e-mail are not linked: being copied
/// together is no evidence of knowing each other. So a row links at most
/// its participants plus 91 pairs: linear in the input.
pub fn pairs(view: &View, r: Row, mut f: impl FnMut(PersonKey, PersonKey, bool)) {
    let from = view.from(r);
    let parts = view.participants(r);
    for &p in parts {
        f(from, p, true);
    }
    // The organizer and its attendees: at most `SMALL_MEETING_PEOPLE`.
    if view.kind(r) == Kind::Meeting && parts.len() < SMALL_MEETING_PEOPLE {
        for (i, &p) in parts.iter().enumerate() {
            for &q in &parts[i + 1..] {
                f(p, q, false);
            }
        }
    }
}

pub struct Network {
    pub graph: UnGraph<PersonKey, Tie>,
    /// Each edge's connection strength, by edge index.
    strengths: Vec<f64>,
    nodes: FxHashMap<PersonKey, NodeIndex>,
    /// Each node's ties to members of the organization, strongest first, as
    /// one list cut at `colleague_ends[n]`: the introduction search stops
    /// reading a list once its ties are too weak to matter.
    colleagues: Vec<(NodeIndex, f64)>,
    colleague_ends: Vec<usize>,
    /// The tie between two nodes (the lower index first): petgraph's own
    /// lookup walks a node's every edge, and the viewer has thousands.
    edges: FxHashMap<(NodeIndex, NodeIndex), EdgeIndex>,
}

impl Network {
    /// Every tie among the people of the view, from the rows at or before `now`.
    pub fn build(view: &View, now: i64) -> Network {
        let mut ties: FxHashMap<(PersonKey, PersonKey), Tie> = FxHashMap::default();
        for r in view.rows() {
            let at = view.at(r);
            if at > now {
                continue;
            }
            let kind = view.kind(r);
            pairs(view, r, |a, b, a_started| {
                // Paths run between people only: a list is no introduction.
                if !view.person(a).is_person() || !view.person(b).is_person() {
                    return;
                }
                let (key, side) = if a < b { ((a, b), 0) } else { ((b, a), 1) };
                ties.entry(key).or_default().add(kind, at, now, a_started.then_some(side));
            });
        }
        let mut ordered: Vec<((PersonKey, PersonKey), Tie)> = ties.into_iter().collect();
        ordered.sort_unstable_by_key(|(k, _)| *k);
        let mut people: Vec<PersonKey> = ordered.iter().flat_map(|((a, b), _)| [*a, *b]).collect();
        people.sort_unstable();
        people.dedup();
        let mut graph = UnGraph::with_capacity(people.len(), ordered.len());
        let nodes: FxHashMap<PersonKey, NodeIndex> = people.iter().map(|&p| (p, graph.add_node(p))).collect();
        let strengths: Vec<f64> = ordered.iter().map(|(_, tie)| tie.strength()).collect();
        let mut edges = FxHashMap::with_capacity_and_hasher(ordered.len(), Default::default());
        for ((a, b), tie) in ordered {
            let (a, b) = (nodes[&a], nodes[&b]);
            edges.insert((a.min(b), a.max(b)), graph.add_edge(a, b, tie));
        }
        let internal: Vec<bool> = people.iter().map(|&p| view.person(p).internal).collect();
        let (mut colleagues, mut colleague_ends) = (Vec::new(), Vec::with_capacity(people.len()));
        let mut list: Vec<(NodeIndex, f64)> = Vec::new();
        for n in graph.node_indices() {
            list.clear();
            list.extend(
                graph
                    .edges(n)
                    .filter(|e| internal[e.target().index()])
                    .map(|e| (e.target(), strengths[e.id().index()])),
            );
            sort::by(&mut list, |a, b| b.1.total_cmp(&a.1));
            colleagues.extend_from_slice(&list);
            colleague_ends.push(colleagues.len());
        }
        Network { graph, strengths, nodes, colleagues, colleague_ends, edges }
    }

    /// A node's ties to members of the organization, strongest first.
    pub fn colleagues_of(&self, n: NodeIndex) -> &[(NodeIndex, f64)] {
        let start = if n.index() == 0 { 0 } else { self.colleague_ends[n.index() - 1] };
        &self.colleagues[start..self.colleague_ends[n.index()]]
    }

    /// The tie between two people, if they have one.
    pub fn edge(&self, a: NodeIndex, b: NodeIndex) -> Option<EdgeIndex> {
        self.edges.get(&(a.min(b), a.max(b))).copied()
    }

    pub fn node(&self, p: PersonKey) -> Option<NodeIndex> {
        self.nodes.get(&p).copied()
    }

    pub fn strength(&self, e: EdgeIndex) -> f64 {
        self.strengths[e.index()]
    }
}
