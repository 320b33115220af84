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
//! A noisy table is partitioned by sender instead: its unit of privacy is
//! one person's own records in one period, capped per sender, so each part
//! holds every record of its senders (`sender_part`), its engine computes
//! their capped sums (`Engine::partial_sums`), and the driver adds the parts
//! up and draws the noise once (`noisy_merge`, `Engine::aggregates_from_sums`):
//! the same draws, on the same sums, as the module's.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::engine::{Engine, EngineOptions, DEFAULT_DAYS};
use crate::error::Error;
use crate::error::Result;
use crate::insights::aggregates::{
    periods, score_engagement, AggregateRow, AggregateTable, AggregatesRequest, CappedSums, GroupBy,
    MatrixCell, Period,
};
use crate::insights::freshness::table_data_as_of;
use crate::load::{self, LoadOptions};
use crate::model::normalize_person_id;
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

/// Where a record goes: for an exact table, to the groups it names, by the
/// directory's rules for a table's groups (a department's internal people
/// listed in the directory, an account's external ones; opted-out people
/// name no group: their records are routed by the others on them, and each
/// partition's engine drops them as the module does); for a noisy table, to
/// its sender's part, by the sender's canonical id (an alias goes where its
/// person goes).
pub struct Partitioner {
    store: Store,
    by: GroupBy,
    by_sender: bool,
}

#[derive(Deserialize)]
struct Participants {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<Vec<String>>,
    #[serde(default)]
    cc: Option<Vec<String>>,
}

impl Partitioner {
    /// The directory (JSON or NDJSON, as `loadPeople` takes it) read with
    /// `options`' internal domains, for the table `request` asks for.
    pub fn new(people: &[u8], options: &EngineOptions, request: &AggregatesRequest) -> Result<Partitioner> {
        let mut store = Store::new(options.internal_domains.clone());
        store.pin_viewer(&options.viewer);
        let text = load::batch_text(people, options.max_input_bytes)?;
        let (_, rewrite) =
            load::people::load(&mut store, text, LoadOptions::default(), &options.internal_domains)?;
        if rewrite {
            store.reindex_people();
        }
        Ok(Partitioner { store, by: request.group_by, by_sender: request.noise.is_some() })
    }

    /// The keys of the groups a record (one SPEC 2.2 object, as JSON) names,
    /// sorted, without repeats, or its sender's part; none for a record that
    /// is not an object with text ids (the engine then reports it, in
    /// whichever partition it is routed to by its id or a reply, or in none).
    pub fn keys(&self, record: &str) -> Vec<String> {
        let Ok(p) = serde_json::from_str::<Participants>(record) else { return Vec::new() };
        if self.by_sender {
            let Some(from) = p.from else { return Vec::new() };
            let id = normalize_person_id(&from);
            let canonical = self.store.lookup(&id).map_or(&*id, |k| self.store.person_id(k));
            return vec![sender_part(canonical)];
        }
        let ids = p.from.iter().chain(p.to.iter().flatten()).chain(p.cc.iter().flatten());
        let mut keys: Vec<String> = ids.filter_map(|id| self.group_of(id)).collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    fn group_of(&self, id: &str) -> Option<String> {
        let person = self.store.person(self.store.lookup(&normalize_person_id(id))?);
        if person.opted_out || !person.in_directory {
            return None;
        }
        let name = match self.by {
            GroupBy::Department => {
                person.department.as_ref().filter(|_| person.internal && person.is_person())
            }
            GroupBy::Account => person.account.as_ref().filter(|_| !person.internal),
        }?;
        Some(group_key(self.by, name))
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
