//! A batch as the engine receives it: its text (UTF-8, within the size
//! limit, not nested too deep), its layout (`Format`), its records split out
//! and parsed with the all-or-nothing rule of strict loads, and the load
//! report that tallies what became of each record.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::value::RawValue;

use super::fields::{self, Fault};
use super::scan::find_byte;
use crate::error::{Error, RecordError, Result};
use crate::model::Kind;

/// How the text of a batch is laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// A JSON array when the text starts with `[`; for interactions, a
    /// Microsoft Graph page when it is one object with a `value` array;
    /// NDJSON otherwise.
    #[default]
    Auto,
    Json,
    Ndjson,
    /// Microsoft Graph messages and events (SPEC 2.3): a page object with a
    /// `value` array, or that array. Interactions only.
    Graph,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format> {
        match s {
            "json" => Ok(Format::Json),
            "ndjson" => Ok(Format::Ndjson),
            "graph" => Ok(Format::Graph),
            _ => Err(Error::options("format", "expected \"json\", \"ndjson\" or \"graph\"")),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    pub format: Format,
    /// Skip bad records (and count them) instead of refusing the batch.
    pub lenient: bool,
    /// The mailbox the batch was read from (normalised; the engine accepts
    /// only the viewer's): every item in it involves its owner, who is added
    /// as a participant where the item names them nowhere (mail that reached
    /// them through a distribution list, or as Bcc).
    pub mailbox: Option<String>,
}

/// At most this many record errors are listed in a report.
const LISTED_ERRORS: usize = 10;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadReport {
    pub accepted: usize,
    /// Records whose id is held (stored, or earlier in the batch) that change
    /// nothing: an identical copy, or a version older than the held one.
    pub duplicates: usize,
    /// Records dropped because an opted-out person sent them, or because
    /// nobody else was left once opted-out people were removed (SPEC 4.3).
    pub dropped_opted_out: usize,
    /// Interactions the viewer took no part in, not kept because consent to
    /// others' data was withdrawn (SPEC 4.2).
    pub dropped_no_consent: usize,
    /// Cancelled meetings, kept out of every figure and not stored (a held
    /// version of a cancelled meeting is removed).
    pub cancelled: usize,
    /// Graph drafts (`isDraft`, or a null `sentDateTime`): never sent, not stored.
    pub skipped_drafts: usize,
    /// Graph items with nobody but their sender or organizer (a note to self,
    /// a personal appointment, a meeting every other attendee declined): not stored.
    pub skipped_solo: usize,
    /// Bad records skipped by a lenient load.
    pub rejected: usize,
    /// The first few bad records.
    pub errors: Vec<RecordError>,
    /// Bad records counted by `"field: reason kind"`.
    pub rejected_by_reason: BTreeMap<String, usize>,
    /// Valid interaction records read, per kind, whatever became of them
    /// (stored, duplicate, cancelled, dropped, or a skipped Graph draft or
    /// solo item): what a host reports as read, by the core's reading.
    pub emails: usize,
    pub meetings: usize,
    pub calls: usize,
    /// E-mails that were another copy of one already stored or earlier in the
    /// batch (same Message-ID, sender and sent time: a Sent Items and an Inbox
    /// copy, folder copies): merged into it, counted once.
    pub same_message: usize,
    /// Records that replaced the held version of their id (a rescheduled
    /// meeting, an edited record); a copy identical in everything stored, or
    /// older than the held version, is a duplicate instead.
    pub updated: usize,
    /// Deletions (`deleted: true`, Graph `@removed`, `removeInteractions`)
    /// that removed a held interaction.
    pub deleted: usize,
    /// Deletions of ids not held (never loaded, already removed, or not
    /// kept): counted, not an error, and not remembered.
    pub not_found: usize,
}

impl LoadReport {
    pub(super) fn read(&mut self, kind: Kind) {
        match kind {
            Kind::Email => self.emails += 1,
            Kind::Meeting => self.meetings += 1,
            Kind::Call => self.calls += 1,
        }
    }

    fn reject(&mut self, e: RecordError, kind: &str) {
        self.rejected += 1;
        let key = if e.field.is_empty() { kind.to_string() } else { format!("{}: {kind}", e.field) };
        *self.rejected_by_reason.entry(key).or_default() += 1;
        if self.errors.len() < LISTED_ERRORS {
            self.errors.push(e);
        }
    }
}

/// The text of a batch: valid UTF-8, within the size limit. How deep it
/// nests is checked where it is read: a Graph page whole ([`check_depth`]),
/// a SPEC record by itself when it is not of the flat shape `scan` reads
/// (see [`fields::record_shape`]).
pub fn batch_text(bytes: &[u8], limit: usize) -> Result<&str> {
    if bytes.len() > limit {
        return Err(Error::InputTooLarge { bytes: bytes.len(), limit });
    }
    std::str::from_utf8(bytes)
        .map_err(|e| Error::InvalidInput(format!("not UTF-8 text (bad byte at offset {})", e.valid_up_to())))
}

/// Refuses a text nested more than [`fields::MAX_DEPTH`] levels deep, whole,
/// even in a lenient load: it is an attack on the parser, not a bad record.
pub fn check_depth(text: &str) -> Result<()> {
    match fields::too_deep(text, fields::MAX_DEPTH) {
        Some(offset) => Err(too_deep_error(format!("at byte offset {offset}"))),
        None => Ok(()),
    }
}

fn too_deep_error(place: String) -> Error {
    Error::InvalidInput(format!("JSON nested more than {} levels deep ({place})", fields::MAX_DEPTH))
}

/// Splits a batch into its records' JSON texts. An array that is not JSON
/// fails the whole batch; an NDJSON line is handed on as it is, read once by
/// the record's own parse (a line that is not JSON is then a record error,
/// see [`fields::record_shape`]). Each with its index (its line in NDJSON).
fn split_records(text: &str, format: Format) -> Result<Vec<(usize, &str)>> {
    let format = match format {
        Format::Auto if text.trim_start().starts_with('[') => Format::Json,
        Format::Auto => Format::Ndjson,
        Format::Graph => {
            return Err(Error::options("format", "\"graph\" is for loadInteractions, not the directory"))
        }
        f => f,
    };
    if format == Format::Json {
        let records: Vec<&RawValue> = serde_json::from_str(text)
            .map_err(|e| Error::InvalidInput(format!("not a JSON array of records: {e}")))?;
        return Ok(records.into_iter().map(RawValue::get).enumerate().collect());
    }
    let mut records = Vec::new();
    let (mut start, mut line) = (0, 0);
    while start <= text.len() {
        let end = find_byte(&text.as_bytes()[start..], b'\n').map_or(text.len(), |n| start + n);
        let record = &text[start..end];
        if !fields::trim(record).is_empty() {
            records.push((line, record));
        }
        (start, line) = (end + 1, line + 1);
    }
    Ok(records)
}

/// Parses every record of a batch with `parse`. Strict: the first bad
/// record fails the batch, naming its index, field and reason. Lenient: bad
/// records are skipped and tallied in `report`.
pub(crate) fn parse_batch<'a, T>(
    text: &'a str,
    opts: &LoadOptions,
    report: &mut LoadReport,
    parse: impl FnMut(&'a str) -> Result<T, Fault>,
) -> Result<Vec<(usize, T)>> {
    let records = split_records(text, opts.format)?;
    parse_records(records.into_iter(), opts, report, parse)
}

/// [`parse_batch`] over records already split out of the batch.
pub(crate) fn parse_records<'a, T>(
    records: impl ExactSizeIterator<Item = (usize, &'a str)>,
    opts: &LoadOptions,
    report: &mut LoadReport,
    mut parse: impl FnMut(&'a str) -> Result<T, Fault>,
) -> Result<Vec<(usize, T)>> {
    let mut parsed = Vec::with_capacity(records.len());
    for (index, record) in records {
        match parse(record) {
            Ok(t) => parsed.push((index, t)),
            Err(mut fault) => {
                if fault.kind == fields::TOO_DEEP {
                    return Err(too_deep_error(format!("record {index}, {}", fault.reason)));
                }
                if fault.kind == fields::NOT_JSON {
                    // Only an NDJSON line can be other than JSON: its index is its line.
                    fault.reason = format!("line {} is not JSON: {}", index + 1, fault.reason);
                }
                let e = RecordError { index, field: fault.field.to_string(), reason: fault.reason };
                if !opts.lenient {
                    return Err(Error::InvalidRecord(e));
                }
                report.reject(e, fault.kind);
            }
        }
    }
    Ok(parsed)
}

/// A check that needs the whole batch (a repeated alias, say) failed on a
/// record: refuse the batch when strict, skip the record when lenient.
pub(crate) fn reject_late(
    opts: &LoadOptions,
    report: &mut LoadReport,
    index: usize,
    fault: Fault,
) -> Result<()> {
    let e = RecordError { index, field: fault.field.to_string(), reason: fault.reason };
    if !opts.lenient {
        return Err(Error::InvalidRecord(e));
    }
    report.reject(e, fault.kind);
    Ok(())
}
