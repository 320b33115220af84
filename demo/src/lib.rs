//! Deterministic synthetic demo data (`demoDataset`): a people directory (SPEC 2.1) and
//! e-mail, meeting and call records (SPEC 2.2) for one organization and its customer
//! accounts; the dashboard's default dataset and the benchmark input. A crate of its
//! own, built into its own .wasm (`wasm`), so that the analytics module does not carry it.

// The model: "northwind.example" with eight departments; customer accounts
// ("contoso-7", domain "contoso-7.example") of 2-8 contacts with Zipf-like sizes
// and a trend each (steady, growing, declining, churned, new); each account has a
// team (a salesperson, a customer success manager, optional roles) that does most
// of its traffic. Activity weights are Pareto. One year ending at the last e-mail,
// 2026-10-30T17:00:00Z (`END`), 70 % e-mail in threads of 1-6 alternating messages
// with log-normal reply delays, 20 % meetings (2 % in the 30 days after `END`, 3 %
// cancelled), 10 % calls. The viewer, alex.morgan@northwind.example (Sales), owns
// the largest account and a fixed set of others.
//
// Everything comes from the seed through a private xoshiro256** generator, with
// integer and IEEE basic arithmetic only (own `ln`/`exp`, no platform libm, no wall
// clock, no hash-map iteration), so the text is byte-identical for the same options
// on every target, wasm32 included.

mod calendar;
mod options;
mod random;
mod records;
#[cfg(test)]
mod tests;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
mod world;

use calendar::{push_time, END};
use random::Rng;
use records::Gen;
use world::{World, INTERNAL_DOMAIN};

pub use options::{demo_options, MAX_DEMO_INTERACTIONS};

/// Text format of the interactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoFormat {
    /// One JSON array.
    Json,
    /// One JSON object a line.
    Ndjson,
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Seed of the generator: the same options give byte-identical text.
    pub seed: u64,
    /// Exact number of interaction records (each e-mail of a thread counts).
    pub interactions: usize,
    /// Format of [`DemoDataset::interactions`].
    pub format: DemoFormat,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { seed: 42, interactions: 10_000, format: DemoFormat::Json }
    }
}

/// A generated dataset, ready for `loadPeople` / `loadInteractions`.
#[derive(Clone, Debug)]
pub struct DemoDataset {
    /// JSON array text of the people directory (SPEC 2.1).
    pub people: String,
    /// JSON array text or NDJSON text of the interactions (SPEC 2.2).
    pub interactions: String,
    /// Id of the signed-in user to use with this dataset (an active salesperson).
    pub viewer: String,
    /// The organization's e-mail domain(s).
    pub internal_domains: Vec<String>,
    /// RFC 3339 UTC time the data was made for (its latest e-mail): the
    /// `now` to give engines that load it, since their default is the clock.
    pub now: String,
}

/// Generates the dataset described by `opts`.
pub fn demo_dataset(opts: &DemoOptions) -> DemoDataset {
    let stream = DemoStream::with_format(opts, opts.format);
    let internal_domains = stream.internal_domains();
    let DemoStream { people, viewer, now, records } = stream;
    let interactions = records.whole_text();
    DemoDataset { people, interactions, viewer, internal_domains, now }
}

/// The dataset of `opts` made piece by piece: the people directory, the
/// viewer and the time at once, then the interactions in NDJSON, a chunk of
/// whole lines at a time, so that a caller can load each chunk while the
/// next is made. Together the chunks are `demo_dataset`'s NDJSON text, byte
/// for byte (`opts.format` is not read).
pub struct DemoStream {
    /// JSON array text of the people directory (SPEC 2.1).
    pub people: String,
    /// Id of the signed-in user to use with this dataset.
    pub viewer: String,
    /// RFC 3339 UTC time the data was made for (see [`DemoDataset::now`]).
    pub now: String,
    records: Gen,
}

impl DemoStream {
    /// Builds the world (people, accounts, teams); no interaction yet.
    pub fn new(opts: &DemoOptions) -> DemoStream {
        DemoStream::with_format(opts, DemoFormat::Ndjson)
    }

    fn with_format(opts: &DemoOptions, format: DemoFormat) -> DemoStream {
        let mut rng = Rng::new(opts.seed);
        let world = World::build(&mut rng, opts.interactions);
        let people = world.people_json();
        let viewer = world.people[0].id.clone();
        let mut now = String::with_capacity(20);
        push_time(&mut now, END);
        let records = Gen::new(world, rng, opts.interactions, format == DemoFormat::Ndjson);
        DemoStream { people, viewer, now, records }
    }

    /// The organization's e-mail domain(s).
    pub fn internal_domains(&self) -> Vec<String> {
        vec![INTERNAL_DOMAIN.to_string()]
    }

    /// The next chunk of interactions: whole records, at least `min_bytes`
    /// of text unless the records end first; `None` once all were given. The
    /// text is borrowed until the next call.
    pub fn next_chunk(&mut self, min_bytes: usize) -> Option<&str> {
        self.records.next_chunk(min_bytes)
    }
}
