//! A job: what every partition of a run needs to build the same engine as
//! the driver (the engine options as the JavaScript constructor takes them,
//! the directory's path, the consent token, the request, and for a list
//! view's second pass what the first gathered), carried inside the
//! DataFusion plan as one JSON literal so that Ballista's executors get it
//! with the plan. Each process builds the engine and checks the token with
//! the core's own code; nothing here decides what is allowed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use rapport::insights::aggregates::AggregatesRequest;
use rapport::insights::peers::Gathered;
use rapport::json::{Level, SummariesRequest};
use rapport::partition::{self, Partitioner, Route};
use rapport::{Engine, EngineOptions, Error, Format, LoadOptions};
use serde::{Deserialize, Serialize};

/// The engine's largest load in one call: a partition's records go in as
/// several loads of at most this many bytes (well under `maxInputBytes`).
const CHUNK_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// The engine options as JSON (SPEC 6), read by `EngineOptions::from_json`.
    pub options: serde_json::Value,
    /// The people directory (JSON or NDJSON), as a path every process can read.
    pub people: String,
    pub consent_token: String,
    /// The `aggregates` or `relationshipSummaries` options as JSON, read by the core.
    pub request: serde_json::Value,
    /// A list view's second pass: every part's peers and the latest
    /// interaction of them all (`rapport::partition::gather`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gathered: Option<(Vec<Vec<i64>>, Option<i64>)>,
}

/// The host's clock, epoch ms: what a consent token is checked against.
pub fn clock_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

impl Job {
    pub fn request(&self) -> Result<AggregatesRequest, Error> {
        rapport::json::parse(&self.request.to_string(), "options")
    }

    /// A list view's options, when the job is one (its request names a level).
    pub fn lists(&self) -> Result<Option<SummariesRequest>, Error> {
        if self.request.get("level").is_none() {
            return Ok(None);
        }
        rapport::json::parse(&self.request.to_string(), "options").map(Some)
    }

    /// How the job's records are partitioned.
    pub fn route(&self) -> Result<Route, Error> {
        Ok(match self.lists()? {
            Some(_) => Route::Contacts,
            None => Route::of(&self.request()?),
        })
    }

    /// What part `key` of the job gives, as JSON, from `engine` (holding the
    /// records routed to it): a table's cells or capped sums
    /// (`partition::Partial`), a list view's peers (`partition::PeersPart`),
    /// or, with `gathered`, its lines (`(order, JSON)` pairs).
    pub fn part(&self, engine: &Engine, key: &str) -> Result<String, Error> {
        let json = |r: Result<String, serde_json::Error>| r.map_err(|e| Error::InvalidInput(e.to_string()));
        let Some(req) = self.lists()? else {
            return json(serde_json::to_string(&partition::partition_rows(engine, &self.request()?, key)?));
        };
        let lists = partition::Lists {
            accounts: req.level == Level::Account,
            scope: req.scope,
            days: req.days,
            health: &req.health,
        };
        match &self.gathered {
            None => json(serde_json::to_string(&partition::summary_peers(engine, &lists, key)?)),
            Some((times, latest)) => {
                let gathered = Gathered { times: times.clone(), latest: *latest };
                json(serde_json::to_string(&partition::summary_lines(engine, &lists, key, gathered)?))
            }
        }
    }

    pub fn engine_options(&self) -> Result<EngineOptions, Error> {
        EngineOptions::from_json(&self.options.to_string(), clock_ms())
    }

    fn people_bytes(&self) -> Result<Vec<u8>, Error> {
        std::fs::read(&self.people).map_err(|e| Error::InvalidOptions {
            option: "people".to_string(),
            reason: format!("{}: {e}", self.people),
        })
    }

    /// An engine with the job's options, the directory, and the consent of
    /// the token, checked now (fails closed: a refused token is the core's
    /// `INVALID_CONSENT_TOKEN`, and a token without the scope a call needs
    /// is refused by the call).
    pub fn engine(&self) -> Result<Engine, Error> {
        let mut engine = Engine::new(self.engine_options()?)?;
        engine.set_consent_token(&self.consent_token, clock_ms())?;
        engine.load_people(&self.people_bytes()?, LoadOptions::default())?;
        Ok(engine)
    }

    /// `engine` with `records` (one SPEC 2.2 object per line) loaded.
    pub fn engine_with<'a>(&self, records: impl Iterator<Item = &'a str>) -> Result<Engine, Error> {
        let mut engine = self.engine()?;
        load_lines(&mut engine, records)?;
        Ok(engine)
    }

    /// Refuses records the module would refuse (a strict load's
    /// `INVALID_INPUT`), wherever they would be routed: an engine without
    /// consent reads them all and keeps only the viewer's own.
    pub fn check<'a>(&self, records: impl Iterator<Item = &'a str>) -> Result<(), Error> {
        load_lines(&mut Engine::new(self.engine_options()?)?, records)
    }

    /// The job's partitioner, built once per process and job.
    pub fn partitioner(&self) -> Result<Arc<Partitioner>, Error> {
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<Partitioner>>>> = OnceLock::new();
        let key = serde_json::to_string(self).unwrap_or_default();
        let cache = CACHE.get_or_init(Default::default);
        if let Some(p) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(p);
        }
        let p = Arc::new(Partitioner::new(&self.people_bytes()?, &self.engine_options()?, self.route()?)?);
        if let Ok(mut c) = cache.lock() {
            c.insert(key, p.clone());
        }
        Ok(p)
    }
}

/// Loads `records` (one SPEC 2.2 object per line) as NDJSON, in loads of at
/// most `CHUNK_BYTES`, strictly: one bad record refuses the run.
pub fn load_lines<'a>(engine: &mut Engine, records: impl Iterator<Item = &'a str>) -> Result<(), Error> {
    let mut chunk = String::new();
    let ndjson = || LoadOptions { format: Format::Ndjson, ..LoadOptions::default() };
    for line in records {
        if !chunk.is_empty() && chunk.len() + line.len() >= CHUNK_BYTES {
            engine.load_interactions(chunk.as_bytes(), ndjson())?;
            chunk.clear();
        }
        chunk.push_str(line);
        chunk.push('\n');
    }
    if !chunk.is_empty() {
        engine.load_interactions(chunk.as_bytes(), ndjson())?;
    }
    Ok(())
}
