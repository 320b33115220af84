//! rapport: relationship analytics and anonymized aggregates over e-mail,
//! meeting and call records, computed where the data already is (a browser
//! tab, an extension, Node), and refusing to emit anything identifiable about
//! other people without the matching consent.
//!
//! Module map, in the order data flows: `model` and `ids` (people and
//! interned ids) → `load` (input formats, all-or-nothing batches) → `store`
//! (columns and indexes) → `consent` (the gate every result passes; `token`
//! verifies signed consent) → `insights` → `engine` (the public API). `wasm`
//! is the JavaScript binding.

pub mod consent;
pub mod demo;
pub mod engine;
pub mod error;
pub mod ids;
pub mod insights;
pub mod json;
pub mod load;
pub mod model;
pub mod privacy;
mod sort;
pub mod store;
pub mod time;
pub mod token;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use consent::Consent;
pub use engine::{Engine, EngineOptions};
pub use error::{Error, RecordError, Result};
pub use load::{Format, LoadOptions, LoadReport};
pub use model::{DataScope, Scope, Target};
