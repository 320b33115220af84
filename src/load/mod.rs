//! Loading (SPEC 2): a batch of people or interactions in, a load report
//! out, all or nothing unless lenient. `batch` reads the text and its
//! records, `fields` one field of a record, `people` the directory,
//! `interactions` SPEC 2.2 records, `graph` Microsoft Graph pages (SPEC 2.3),
//! `headers` Message-IDs and reply headers, and `staging` checks interaction
//! records of either format against the store before anything is stored. Nothing here imports this facade.

mod batch;
mod fields;
pub mod graph;
pub mod headers;
pub mod interactions;
pub mod people;
mod staging;

pub use batch::{batch_text, Format, LoadOptions, LoadReport};

use crate::consent::Retention;
use crate::error::Result;
use crate::store::Store;

/// Loads a batch of interactions in its format: a Microsoft Graph page (the
/// `graph` format, or `auto` on one object with a `value` array) or SPEC 2.2
/// records.
pub fn load_interactions(
    store: &mut Store,
    text: &str,
    opts: LoadOptions,
    retention: &Retention,
) -> Result<LoadReport> {
    match opts.format {
        Format::Graph => return graph::load(store, graph::page_items(text)?, opts, retention),
        Format::Auto => {
            if let Some(items) = graph::detect_page(text) {
                return graph::load(store, items, opts, retention);
            }
        }
        Format::Json | Format::Ndjson => {}
    }
    interactions::load(store, text, opts, retention)
}
