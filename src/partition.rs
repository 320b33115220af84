//! Partitioned runs: what the batch (`rapport-batch`, on Apache DataFusion
//! and Ballista) needs to compute an aggregate table one group at a time
//! with this crate's own functions, and to put the table together again.
//!
//! Every figure of a department's or an account's cells (rows, and matrix
//! cells the group is the `from` side of) depends only on the interactions
//! that name one of the group's people, every version of their ids, and for
//! reply times the interactions their `inReplyTo` names (SPEC 2.2 records
//! give replies by header only, never by a conversation's order). So the
//! batch routes each record to the groups it names (`Partitioner::keys`;
//! the batch adds those others), runs `Engine::aggregates` on
//! each group's records alone (`partition_rows` keeps that group's cells),
//! and `merge` writes the parts into the table an engine holding only the
//! directory answers (every group × period, suppressed and in order), then
//! takes the steps that need every group at once: engagement is scored
//! against the busiest shown account of each period, and `dataAsOf` is the
//! latest shown period. Nothing here computes a figure: the engine does.
//!
//! List views (relationship summaries) are partitioned by account: a part
//! holds every record naming one of its accounts' contacts (and, for reply
//! times, what a reply names), so each contact's and account's figures are
//! whole there; only health's peers (every relationship's activity) and
//! the data's age need every part, and are gathered first (`summary_peers`,
//! `gather`, then `summary_lines`, `merge_lines`).
//!
//! A noisy table is partitioned by sender instead: its unit of privacy is
//! one person's own records in one period, capped per sender, so each part
//! holds every record of its senders (`sender_part`), its engine computes
//! their capped sums (`Engine::partial_sums`), and the driver adds the parts
//! up and draws the noise once (`noisy_merge`, `Engine::aggregates_from_sums`):
//! the same draws, on the same sums, as the module's.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::engine::{Engine, EngineOptions, DEFAULT_DAYS};
use crate::error::{Error, Result};
use crate::insights::aggregates::{
    periods, score_engagement, AggregateRow, AggregateTable, AggregatesRequest, CappedSums, GroupBy,
    MatrixCell, Period,
};
use crate::insights::freshness::table_data_as_of;
use crate::insights::health::HealthOptions;
use crate::insights::peers::{account_key, Gathered};
use crate::load::{self, LoadOptions};
use crate::model::{domain_of, is_internal_domain, normalize_person_id, DataScope};
use crate::store::Store;
use crate::time::Window;

/// The key a group is routed by: a department's name as it is, an
/// account's in ASCII lower case (accounts differing only so are one group,
/// as `account_groups` makes them).
pub fn group_key(by: GroupBy, name: &str) -> String {
    match by {
        GroupBy::Department => name.to_string(),
        GroupBy::Account => name.to_ascii_lowercase(),
    }
}

/// How many parts a noisy run's records are hashed into by sender.
pub const SENDER_PARTS: u64 = 32;

/// The part of a noisy run that holds the records sent or organized by the
/// person whose canonical id is `id` (FNV-1a, the same in every process).
pub fn sender_part(id: &str) -> String {
    let hash =
        id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("sender-{:02}", hash % SENDER_PARTS)
}

/// How a run's records are partitioned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// An exact table: to the groups a record names, by the directory's
    /// rules for a table's groups (a department's internal people listed in
    /// the directory, an account's external ones; opted-out people name no
    /// group: their records are routed by the others on them, and each
    /// partition's engine drops them as the module does).
    Groups(GroupBy),
    /// A noisy table: to its sender's part, by the sender's canonical id (an
    /// alias goes where its person goes).
    Senders,
    /// A list view: to the part (`peers::part_key`) of every external contact
    /// on it, in the directory or not; a record naming none to one of
    /// `SENDER_PARTS` parts by its id, where it only dates the data.
    Contacts,
}

impl Route {
    /// How an aggregates `request` is partitioned.
    pub fn of(request: &AggregatesRequest) -> Route {
        if request.noise.is_some() {
            Route::Senders
        } else {
            Route::Groups(request.group_by)
        }
    }
}

/// Where each record goes, by `Route`, read from the directory.
pub struct Partitioner {
    store: Store,
    route: Route,
    internal_domains: Vec<String>,
}

#[derive(Deserialize)]
struct Participants {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<Vec<String>>,
    #[serde(default)]
    cc: Option<Vec<String>>,
}

impl Partitioner {
    /// The directory (JSON or NDJSON, as `loadPeople` takes it) read with
    /// `options`' internal domains, to route records by `route`.
    pub fn new(people: &[u8], options: &EngineOptions, route: Route) -> Result<Partitioner> {
        let mut store = Store::new(options.internal_domains.clone());
        store.pin_viewer(&options.viewer);
        let text = load::batch_text(people, options.max_input_bytes)?;
        let (_, rewrite) =
            load::people::load(&mut store, text, LoadOptions::default(), &options.internal_domains)?;
        if rewrite {
            store.reindex_people();
        }
        Ok(Partitioner { store, route, internal_domains: options.internal_domains.clone() })
    }

    /// The keys of the groups a record (one SPEC 2.2 object, as JSON) names,
    /// sorted, without repeats, or its sender's part; none for a record that
    /// is not an object with text ids (the engine then reports it, in
    /// whichever partition it is routed to by its id or a reply, or in none).
    pub fn keys(&self, record: &str) -> Vec<String> {
        let Ok(p) = serde_json::from_str::<Participants>(record) else { return Vec::new() };
        let ids = p.from.iter().chain(p.to.iter().flatten()).chain(p.cc.iter().flatten());
        let mut keys: Vec<String> = match self.route {
            Route::Groups(by) => ids.filter_map(|id| self.group_of(by, id)).collect(),
            Route::Contacts => ids.filter_map(|id| self.contact_part(id)).collect(),
            Route::Senders => {
                let Some(from) = &p.from else { return Vec::new() };
                let id = normalize_person_id(from);
                let canonical = self.store.lookup(&id).map_or(&*id, |k| self.store.person_id(k));
                return vec![sender_part(canonical)];
            }
        };
        keys.sort_unstable();
        keys.dedup();
        if keys.is_empty() && self.route == Route::Contacts {
            keys.extend(p.id.as_deref().map(sender_part));
        }
        keys
    }

    /// The part of an external contact, as `peers::part_key` names it in an
    /// engine: the directory's account, else the id's domain (how an engine
    /// reads an id it has not seen), else the id.
    fn contact_part(&self, id: &str) -> Option<String> {
        let id = normalize_person_id(id);
        if let Some(k) = self.store.lookup(&id) {
            let person = self.store.person(k);
            if person.opted_out || person.internal {
                return None;
            }
            return Some(
                person.account.as_deref().map_or_else(|| self.store.person_id(k).to_string(), account_key),
            );
        }
        let domain = domain_of(&id);
        if self.store.is_opted_out_id(&id)
            || domain.is_some_and(|d| is_internal_domain(d, &self.internal_domains))
        {
            return None;
        }
        Some(domain.map_or_else(|| id.to_string(), account_key))
    }

    fn group_of(&self, by: GroupBy, id: &str) -> Option<String> {
        let person = self.store.person(self.store.lookup(&normalize_person_id(id))?);
        if person.opted_out || !person.in_directory {
            return None;
        }
        let name = match by {
            GroupBy::Department => {
                person.department.as_ref().filter(|_| person.internal && person.is_person())
            }
            GroupBy::Account => person.account.as_ref().filter(|_| !person.internal),
        }?;
        Some(group_key(by, name))
    }
}

/// One group's cells: its rows, and the matrix cells it is the `from` side
/// of; or, for a noisy table, one sender part's capped sums.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    pub key: String,
    pub rows: Vec<AggregateRow>,
    pub matrix: Vec<MatrixCell>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sums: Option<PartSums>,
}

/// A part's capped sums as they travel between processes (JSON has no
/// tuple keys): the table's groups, and every non-zero figure.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PartSums {
    pub groups: Vec<String>,
    pub periods: usize,
    pub cells: Vec<Vec<u64>>,
    pub matrix: Vec<(usize, usize, usize, u64)>,
    pub matrix_people: Vec<(usize, usize, usize, [u64; 2])>,
}

impl PartSums {
    fn new(groups: Vec<String>, s: CappedSums) -> PartSums {
        PartSums {
            groups,
            periods: s.periods,
            cells: s.cells,
            matrix: s.matrix.into_iter().map(|((a, b, p), n)| (a, b, p, n)).collect(),
            matrix_people: s.matrix_people.into_iter().map(|((a, b, p), n)| (a, b, p, n)).collect(),
        }
    }

    fn sums(self) -> CappedSums {
        CappedSums {
            periods: self.periods,
            cells: self.cells,
            matrix: self.matrix.into_iter().map(|(a, b, p, n)| ((a, b, p), n)).collect(),
            matrix_people: self.matrix_people.into_iter().map(|(a, b, p, n)| ((a, b, p), n)).collect(),
        }
    }
}

/// The cells of the group keyed `key` in what `engine` (holding the records
/// routed to that group) answers to `request`; for a noisy request, the
/// capped sums of the records of the senders of part `key`.
pub fn partition_rows(engine: &Engine, request: &AggregatesRequest, key: &str) -> Result<Partial> {
    if request.noise.is_some() {
        let (groups, sums) = engine.partial_sums(request, &|id| sender_part(id) == key)?;
        return Ok(Partial {
            key: key.to_string(),
            sums: Some(PartSums::new(groups, sums)),
            ..Partial::default()
        });
    }
    let by = request.group_by;
    let table = engine.aggregates(request)?;
    Ok(Partial {
        key: key.to_string(),
        rows: table.rows.into_iter().filter(|r| group_key(by, &r.group) == key).collect(),
        matrix: table.matrix.into_iter().filter(|c| group_key(by, &c.from) == key).collect(),
        sums: None,
    })
}

/// The noisy table of `request` over every part: `driver` (an engine with
/// the directory alone, the same options and consent) adds the parts' sums
/// up and draws the noise once. `INVALID_INPUT` when a part has no sums or
/// was made over other groups than the driver's (another directory).
pub fn noisy_merge(
    driver: &Engine,
    parts: Vec<Partial>,
    request: &AggregatesRequest,
) -> Result<AggregateTable> {
    let (groups, mut total) = driver.partial_sums(request, &|_| false)?;
    for part in parts {
        let sums = part.sums.filter(|s| s.groups == groups).ok_or_else(|| {
            Error::InvalidInput(format!("part {} has no capped sums over this directory's groups", part.key))
        })?;
        total = total
            .plus(&sums.sums())
            .ok_or_else(|| Error::InvalidInput(format!("part {}: capped sums of another table", part.key)))?;
    }
    driver.aggregates_from_sums(request, &total)
}

/// The table of the whole organization: `skeleton` (what an engine with the
/// directory alone, the same options and consent answers to `request`) with
/// every group's cells taken from its part, engagement scored across all
/// accounts, and `dataAsOf` dated from every shown cell. A part names only
/// its own group's cells; a group without a part keeps the skeleton's (it
/// had no interaction).
pub fn merge(
    mut skeleton: AggregateTable,
    parts: Vec<Partial>,
    request: &AggregatesRequest,
    now: i64,
) -> AggregateTable {
    let mut rows: FxHashMap<(String, String), AggregateRow> = FxHashMap::default();
    let mut cells: FxHashMap<(String, String, String), MatrixCell> = FxHashMap::default();
    for part in parts {
        for r in part.rows {
            rows.insert((r.group.clone(), r.period.clone()), r);
        }
        for c in part.matrix {
            cells.insert((c.from.clone(), c.to.clone(), c.period.clone()), c);
        }
    }
    for row in &mut skeleton.rows {
        if let Some(r) = rows.remove(&(row.group.clone(), row.period.clone())) {
            *row = r;
        }
    }
    for cell in &mut skeleton.matrix {
        if let Some(c) = cells.remove(&(cell.from.clone(), cell.to.clone(), cell.period.clone())) {
            *cell = c;
        }
    }
    if request.group_by == GroupBy::Account {
        score_engagement(&mut skeleton);
    }
    let window = Window::ending_at(now, request.days.unwrap_or(DEFAULT_DAYS));
    let chosen = periods(window, request.period == Period::Month);
    skeleton.data_as_of = table_data_as_of(&skeleton, &chosen);
    skeleton
}

/// What a list view's run asks: the level, and the options of
/// `relationshipSummaries` (scope, window, health).
pub struct Lists<'a> {
    pub accounts: bool,
    pub scope: DataScope,
    pub days: Option<u32>,
    pub health: &'a HealthOptions,
}

/// One part's peers and latest interaction (`Engine::summary_peers`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PeersPart {
    pub key: String,
    pub times: Vec<Vec<i64>>,
    pub latest: Option<i64>,
}

/// The peers and latest interaction of part `key`'s own contacts and
/// accounts in `engine` (holding the records routed to that part).
pub fn summary_peers(engine: &Engine, lists: &Lists, key: &str) -> Result<PeersPart> {
    let g = engine.summary_peers(lists.accounts, lists.scope, lists.days, &|k| k == key)?;
    Ok(PeersPart { key: key.to_string(), times: g.times, latest: g.latest })
}

/// Every part's peers together, and the latest interaction of them all.
pub fn gather(parts: Vec<PeersPart>) -> Gathered {
    let latest = parts.iter().filter_map(|p| p.latest).max();
    Gathered { times: parts.into_iter().flat_map(|p| p.times).collect(), latest }
}

/// Part `key`'s lines, scored against every part's peers (`gathered`), each
/// with the key the module orders its list by (a contact's id, an
/// account's key) and its JSON text.
pub fn summary_lines(
    engine: &Engine,
    lists: &Lists,
    key: &str,
    gathered: Gathered,
) -> Result<Vec<(String, String)>> {
    let lines =
        engine.summaries_among(lists.accounts, lists.scope, lists.days, lists.health, gathered, &|k| {
            k == key
        })?;
    lines
        .iter()
        .map(|s| {
            let order = if lists.accounts { account_key(&s.id) } else { s.id.clone() };
            let text = serde_json::to_string(s).map_err(|e| Error::InvalidInput(e.to_string()))?;
            Ok((order, text))
        })
        .collect()
}

/// The JSON `relationshipSummaries` returns: every part's lines in the
/// module's order.
pub fn merge_lines(parts: Vec<Vec<(String, String)>>) -> String {
    let mut lines: Vec<(String, String)> = parts.into_iter().flatten().collect();
    lines.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    format!("[{}]", lines.into_iter().map(|(_, text)| text).collect::<Vec<_>>().join(","))
}
