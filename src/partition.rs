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

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::engine::{Engine, EngineOptions, DEFAULT_DAYS};
use crate::error::Result;
use crate::insights::aggregates::{
    periods, score_engagement, AggregateRow, AggregateTable, AggregatesRequest, GroupBy, MatrixCell, Period,
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

/// Which groups a record names, by the directory's rules for a table's
/// groups (a department's internal people listed in the directory, an
/// account's external ones). Opted-out people name no group: their records
/// are routed by the others on them, and each partition's engine drops them
/// as the module does.
pub struct Partitioner {
    store: Store,
    by: GroupBy,
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
    /// `options`' internal domains.
    pub fn new(people: &[u8], options: &EngineOptions, by: GroupBy) -> Result<Partitioner> {
        let mut store = Store::new(options.internal_domains.clone());
        store.pin_viewer(&options.viewer);
        let text = load::batch_text(people, options.max_input_bytes)?;
        let (_, rewrite) =
            load::people::load(&mut store, text, LoadOptions::default(), &options.internal_domains)?;
        if rewrite {
            store.reindex_people();
        }
        Ok(Partitioner { store, by })
    }

    /// The keys of the groups a record (one SPEC 2.2 object, as JSON) names,
    /// sorted, without repeats; none for a record that is not an object with
    /// text ids (the engine then reports it, in whichever partition it is
    /// routed to by its id or a reply, or in none).
    pub fn keys(&self, record: &str) -> Vec<String> {
        let Ok(p) = serde_json::from_str::<Participants>(record) else { return Vec::new() };
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

/// One group's cells: its rows, and the matrix cells it is the `from` side of.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    pub key: String,
    pub rows: Vec<AggregateRow>,
    pub matrix: Vec<MatrixCell>,
}

/// The cells of the group keyed `key` in what `engine` (holding the records
/// routed to that group) answers to `request`.
pub fn partition_rows(engine: &Engine, request: &AggregatesRequest, key: &str) -> Result<Partial> {
    let by = request.group_by;
    let table = engine.aggregates(request)?;
    Ok(Partial {
        key: key.to_string(),
        rows: table.rows.into_iter().filter(|r| group_key(by, &r.group) == key).collect(),
        matrix: table.matrix.into_iter().filter(|c| group_key(by, &c.from) == key).collect(),
    })
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
