//! rapport: relationship analytics and anonymized aggregates over e-mail,
//! meeting and call records, computed where the data already is (a browser
//! tab, an extension, Node), and refusing to emit anything identifiable about
//! other people without the matching consent.
//!
//! Module map, bottom to top; a module imports only from modules above it in
//! this list (`scripts/check-layout.mjs` checks it in `npm test`):
//! `words` (bytes read eight at a time) → `model` (people, kinds of
//! interaction, scopes, targets), `ids`, `sort`, `time` (instants, civil
//! dates, working hours, Graph time zones) → `error` → `privacy` (noise, the
//! epsilon budget) → `store` (columns, indexes, compaction, the snapshot
//! format) → `consent` (the gate every result passes) and `token` (signed
//! consent) → `load` (input formats, all-or-nothing batches) → `insights`
//! → `engine` (the public Rust API) → `json` (what JavaScript passes, read
//! from JSON) → `wasm` (the binding, wasm32 only). `partition` (beside
//! `json`, above `engine`) cuts an aggregate table into groups for the batch
//! (`batch/`) and joins it again. The demo generator is its own crate,
//! `rapport-demo` (demo/).

pub mod consent;
pub mod engine;
pub mod error;
pub mod ids;
pub mod insights;
pub mod json;
pub mod load;
pub mod model;
pub mod partition;
pub mod privacy;
mod sort;
pub mod store;
pub mod time;
pub mod token;
mod words;

#[cfg(all(target_arch = "wasm32", feature = "bindings"))]
pub mod wasm;

#[cfg(test)]
mod demo;

pub use consent::Consent;
pub use engine::{Engine, EngineOptions};
pub use error::{Error, RecordError, Result};
pub use load::{Format, LoadOptions, LoadReport};
pub use model::{DataScope, Scope, Target};
