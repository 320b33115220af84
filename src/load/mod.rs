//! Loading (SPEC 2): a batch of people or interactions in, a load report
//! out, all or nothing unless lenient. `batch` reads the text and its
//! records, `fields` one field of a record, `people` the directory,
//! `interactions` SPEC 2.2 records, `graph` Microsoft Graph pages (SPEC 2.3),
//! `headers` Message-IDs and reply headers, and `staging` checks interaction
//! records of either format (read into `parsed` records) against the store
//! before anything is stored (`repeats`: which of a batch's ids it must
//! follow through the batch). Nothing here imports this facade.

mod batch;
mod fields;
pub mod graph;
pub mod headers;
pub mod interactions;
mod parsed;
pub mod people;
mod record;
mod repeats;
mod scan;
mod staging;

pub use batch::{batch_text, Format, LoadOptions, LoadReport};

use std::borrow::Cow;

use crate::consent::Retention;
use crate::error::{Error, Result};
use crate::store::{Store, NO_VERSION};

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
        Format::Graph => {
            batch::check_depth(text)?;
            return graph::load(store, graph::page_items(text)?, opts, retention);
        }
        Format::Auto => {
            if let Some(items) = graph::detect_page(text) {
                batch::check_depth(text)?;
                return graph::load(store, items, opts, retention);
            }
        }
        Format::Json | Format::Ndjson => {}
    }
    interactions::load(store, text, opts, retention)
}

/// Deletes the interactions of `ids` (`removeInteractions`): as a batch of
/// deletions, whatever the consent (it only removes). An id not held counts
/// in `not_found`; an empty or too long id refuses the call, which then
/// changes nothing.
pub fn remove_interactions<S: AsRef<str>>(store: &mut Store, ids: &[S]) -> Result<LoadReport> {
    let mut parsed = Vec::with_capacity(ids.len());
    for (index, id) in ids.iter().enumerate() {
        let id = id.as_ref().trim();
        if id.is_empty() || id.len() > fields::MAX_TEXT_BYTES {
            return Err(Error::options(
                "ids",
                format!("entry {index}: expected a non-empty id of at most {} bytes", fields::MAX_TEXT_BYTES),
            ));
        }
        parsed.push((index, parsed::Parsed::deletion(Cow::Borrowed(id), NO_VERSION)));
    }
    let mut report = LoadReport::default();
    // Deletions reach neither the consent nor the opt-out checks.
    let retention = Retention { viewer: None, others: false };
    let records = parsed::Records { list: parsed, people: Vec::new() };
    let plan = staging::stage(
        store,
        &records,
        &LoadOptions::default(),
        &mut report,
        &retention,
        staging::Alone::Refuse,
    )?;
    staging::commit(store, &plan, false);
    Ok(report)
}
