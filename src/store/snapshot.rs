//! The store as bytes, for `exportSnapshot` and `Engine.fromSnapshot`.
//!
//! Layout: the magic `RAPPORT\0`, the format version (u32), the payload's
//! length (u64), the payload, and the CRC-32 of everything before it. All
//! integers are little-endian. The payload holds what cannot be derived
//! (people, interned ids, the interaction columns, and the engine's own
//! fields: the viewer, whether others' data is complete, the epsilon spent);
//! the indexes are rebuilt on import, exactly as a load builds them.
//! Opted-out people are there only as digests of their ids, sorted. The
//! opt-outs alone (`exportOptOuts`) are framed the same way under another
//! magic. Import checks every length against the bytes left before
//! allocating and every handle against what it points into, so a truncated
//! or altered snapshot is refused, never half-loaded. The CRC finds damage,
//! not forgery: whoever can write the stored bytes can write any data.

use rustc_hash::FxHashSet;

pub use super::crc32::crc32;
use super::{Columns, OptOutDigest, Store, IN_ORDER};
use crate::error::{Error, Result};
use crate::ids::{Interner, NONE};
use crate::model::{Kind, Person, PersonKey, PersonKind};
use crate::time::{MAX_MS, MIN_MS};

const MAGIC: &[u8; 8] = b"RAPPORT\0";
/// The frame of `export_opt_outs`: another magic, so that neither is taken for the other.
const OPT_OUTS_MAGIC: &[u8; 8] = b"RAPOPTS\0";
const OPT_OUTS_VERSION: u32 = 1;
/// The longest meeting or call a load accepts, in seconds.
const MAX_DURATION_S: u32 = (crate::time::MAX_DURATION_MS / crate::time::SECOND_MS) as u32;
/// Bumped whenever the payload's layout changes: older snapshots are then refused.
pub const VERSION: u32 = 4;

fn corrupt(why: impl Into<String>) -> Error {
    Error::InvalidSnapshot(why.into())
}

/// What an engine's snapshot holds besides its store.
pub struct EngineSnapshot {
    pub viewer: String,
    /// Others' data is complete: kept under consent, none withheld.
    pub complete: bool,
    /// The epsilon spent, in thousandths.
    pub spent_milli: u32,
    pub store: Store,
}

/// An engine's snapshot as bytes: the viewer, completeness, the epsilon
/// spent and the store, framed and checksummed.
pub fn export(viewer: &str, complete: bool, spent_milli: u32, store: &Store) -> Vec<u8> {
    let mut w = Writer::default();
    w.str(viewer);
    w.u8(u8::from(complete));
    w.u32(spent_milli);
    store.write(&mut w);
    seal(w.out)
}

/// The snapshot `export` wrote, or `INVALID_SNAPSHOT`: nothing half-read.
pub fn import(bytes: &[u8]) -> Result<EngineSnapshot> {
    let mut r = Reader::new(open(bytes)?);
    let viewer = r.str()?;
    let complete = r.bool()?;
    let spent_milli = r.u32()?;
    let store = Store::read(&mut r)?;
    r.finish()?;
    Ok(EngineSnapshot { viewer: viewer.to_string(), complete, spent_milli, store })
}

/// Frames a snapshot's payload: magic, version, length, payload, CRC.
pub fn seal(payload: Vec<u8>) -> Vec<u8> {
    seal_as(MAGIC, VERSION, payload)
}

/// The payload of a sealed snapshot, once its frame and CRC check out.
pub fn open(bytes: &[u8]) -> Result<&[u8]> {
    open_as(MAGIC, VERSION, "a rapport snapshot", bytes)
}

/// The store's opt-outs as bytes: only the one-way digests, never an id.
pub fn export_opt_outs(store: &Store) -> Vec<u8> {
    let mut w = Writer::default();
    store.write_opt_outs(&mut w);
    seal_as(OPT_OUTS_MAGIC, OPT_OUTS_VERSION, w.out)
}

/// The digests `export_opt_outs` wrote, or `INVALID_SNAPSHOT`.
pub fn import_opt_outs(bytes: &[u8]) -> Result<FxHashSet<OptOutDigest>> {
    let mut r = Reader::new(open_as(OPT_OUTS_MAGIC, OPT_OUTS_VERSION, "a list of rapport opt-outs", bytes)?);
    let digests = Store::read_opt_outs(&mut r)?;
    r.finish()?;
    Ok(digests)
}

fn seal_as(magic: &[u8; 8], version: u32, payload: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 24);
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&payload);
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

fn open_as<'b>(magic: &[u8; 8], expected: u32, what: &str, bytes: &'b [u8]) -> Result<&'b [u8]> {
    if bytes.len() < 24 || &bytes[..8] != magic {
        return Err(corrupt(format!("not {what}")));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != expected {
        return Err(corrupt(format!("format version {version}; this module reads version {expected}")));
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    if len != (bytes.len() - 24) as u64 {
        return Err(corrupt("truncated, or with bytes added"));
    }
    let (body, tail) = bytes.split_at(bytes.len() - 4);
    if crc32(body) != u32::from_le_bytes(tail.try_into().expect("4 bytes")) {
        return Err(corrupt("damaged: the checksum does not match"));
    }
    Ok(&body[20..])
}

/// Appends values to a payload.
#[derive(Default)]
pub struct Writer {
    pub out: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    pub fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    pub fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
    }
    pub fn opt_str(&mut self, s: Option<&str>) {
        self.u8(u8::from(s.is_some()));
        if let Some(s) = s {
            self.str(s);
        }
    }
    pub fn u32s(&mut self, v: &[u32]) {
        self.u64(v.len() as u64);
        v.iter().for_each(|&x| self.u32(x));
    }
    /// Person keys, as `u32s` writes handles.
    pub fn keys(&mut self, v: &[PersonKey]) {
        self.u64(v.len() as u64);
        v.iter().for_each(|&p| self.u32(p.raw()));
    }
}

/// Reads values back, refusing anything that runs past the end.
pub struct Reader<'b> {
    bytes: &'b [u8],
}

impl<'b> Reader<'b> {
    pub fn new(bytes: &'b [u8]) -> Reader<'b> {
        Reader { bytes }
    }

    fn take(&mut self, n: usize) -> Result<&'b [u8]> {
        if n > self.bytes.len() {
            return Err(corrupt("a field runs past the end"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    pub fn bool(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(corrupt("a flag is neither 0 nor 1")),
        }
    }
    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }
    /// A count of items of at least `item_bytes` each: never more than the bytes left allow.
    fn count(&mut self, item_bytes: usize) -> Result<usize> {
        let n = self.u64()?;
        if n.saturating_mul(item_bytes.max(1) as u64) > self.bytes.len() as u64 {
            return Err(corrupt("a length is larger than the snapshot"));
        }
        Ok(n as usize)
    }
    pub fn str(&mut self) -> Result<&'b str> {
        let n = self.count(1)?;
        std::str::from_utf8(self.take(n)?).map_err(|_| corrupt("text that is not UTF-8"))
    }
    pub fn opt_str(&mut self) -> Result<Option<String>> {
        Ok(if self.bool()? { Some(self.str()?.to_string()) } else { None })
    }
    pub fn u32s(&mut self) -> Result<Vec<u32>> {
        let n = self.count(4)?;
        let bytes = self.take(n * 4)?;
        Ok(bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
    }
    pub fn finish(self) -> Result<()> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(corrupt("bytes left over after the last field"))
        }
    }
}

fn write_interner(w: &mut Writer, interner: &Interner) {
    w.u64(interner.len() as u64);
    for i in 0..interner.len() as u32 {
        w.str(interner.resolve(i));
    }
}

fn read_interner(r: &mut Reader) -> Result<Interner> {
    let n = r.count(8)?;
    let mut interner = Interner::default();
    // Bounded by the bytes left (each string has an 8-byte length before it).
    interner.reserve(n, 0);
    for i in 0..n {
        if interner.intern(r.str()?) as usize != i {
            return Err(corrupt("an id appears twice"));
        }
    }
    Ok(interner)
}

/// Person keys from their handles (checked by the caller).
fn person_keys(handles: Vec<u32>) -> Vec<PersonKey> {
    handles.into_iter().map(PersonKey::new).collect()
}

/// Every handle in `values` is below `len` (or `NONE` where `none_ok`).
fn check_handles(values: impl IntoIterator<Item = u32>, len: usize, none_ok: bool, what: &str) -> Result<()> {
    match values.into_iter().find(|&v| !((v as usize) < len || (none_ok && v == NONE))) {
        Some(_) => Err(corrupt(format!("{what} points at nothing"))),
        None => Ok(()),
    }
}

impl Store {
    /// Writes what cannot be derived; `read` rebuilds the rest.
    pub fn write(&self, w: &mut Writer) {
        w.u64(self.internal_domains.len() as u64);
        self.internal_domains.iter().for_each(|d| w.str(d));
        write_interner(w, &self.keys);
        w.keys(&self.canon);
        for p in &self.people {
            w.opt_str(p.name.as_deref());
            w.opt_str(p.department.as_deref());
            w.opt_str(p.account.as_deref());
            let kind = p.kind as u8;
            w.u8(u8::from(p.internal)
                | u8::from(p.opted_out) << 1
                | u8::from(p.in_directory) << 2
                | kind << 3
                | u8::from(p.name_from_data) << 5
                | u8::from(p.name_own) << 6
                | u8::from(p.account_name.is_some()) << 7);
            if let Some(account_name) = &p.account_name {
                w.str(account_name);
            }
        }
        write_interner(w, &self.interaction_ids);
        write_interner(w, &self.threads);
        let c = &self.rows;
        w.u32s(&c.id);
        w.u64(c.kind.len() as u64);
        c.kind.iter().for_each(|&k| w.u8(k as u8));
        w.keys(&c.from);
        w.u64(c.at.len() as u64);
        c.at.iter().for_each(|&t| w.u64(t as u64));
        w.u32s(&c.duration_s);
        w.u32s(&c.thread);
        w.u32s(&c.reply_to);
        w.u64(c.inferred.len() as u64);
        c.inferred.iter().for_each(|&i| w.u8(u8::from(i)));
        w.u32s(&c.own_reply_to);
        w.u64(c.version.len() as u64);
        c.version.iter().for_each(|&v| w.u64(v as u64));
        w.u32s(&c.part_end);
        w.keys(&c.parts);
        w.u64(c.copied.len() as u64);
        c.copied.iter().for_each(|&copied| w.u8(u8::from(copied)));
        write_interner(w, &self.messages);
        w.u32s(&c.message);
        w.u32s(&c.reply_message);
        w.u32s(&c.conv_index);
        self.write_opt_outs(w);
    }

    /// The opted-out digests, sorted (the same opt-outs are the same bytes,
    /// whatever order they were made in).
    pub fn write_opt_outs(&self, w: &mut Writer) {
        let mut digests: Vec<&OptOutDigest> = self.opted_out_ids.iter().collect();
        // The one compiled sort (`crate::sort`): a sort of its own for digests is 34 KB of .wasm.
        crate::sort::by(&mut digests, |a, b| a.cmp(b));
        w.u64(digests.len() as u64);
        digests.iter().for_each(|d| w.out.extend_from_slice(&d[..]));
    }

    /// Digests written by `write_opt_outs`.
    pub fn read_opt_outs(r: &mut Reader) -> Result<FxHashSet<OptOutDigest>> {
        let digests = r.count(16)?;
        let mut opted_out_ids = rustc_hash::FxHashSet::default();
        opted_out_ids.reserve(digests);
        for _ in 0..digests {
            let mut digest: OptOutDigest = [0; 16];
            digest.copy_from_slice(r.take(16)?);
            opted_out_ids.insert(digest);
        }
        Ok(opted_out_ids)
    }

    /// A store read back from `write`'s bytes, every handle checked, its
    /// indexes rebuilt.
    pub fn read(r: &mut Reader) -> Result<Store> {
        let n = r.count(8)?;
        let internal_domains = (0..n).map(|_| r.str().map(str::to_string)).collect::<Result<Vec<_>>>()?;
        let keys = read_interner(r)?;
        let canon = r.u32s()?;
        let people_n = keys.len();
        if canon.len() != people_n {
            return Err(corrupt("people and their keys differ in number"));
        }
        check_handles(canon.iter().copied(), people_n, false, "an alias")?;
        if canon.iter().any(|&c| canon[c as usize] != c) {
            return Err(corrupt("an alias of an alias"));
        }
        let canon: Vec<PersonKey> = canon.into_iter().map(PersonKey::new).collect();
        let mut people = Vec::with_capacity(people_n);
        for _ in 0..people_n {
            let (name, department, account) = (r.opt_str()?, r.opt_str()?, r.opt_str()?);
            let flags = r.u8()?;
            // Bits 3–4: the person's kind (0, a person, in older snapshots);
            // 5–6: where the name came from; 7: an account name follows.
            let kind =
                PersonKind::from_code((flags >> 3) & 3).ok_or_else(|| corrupt("unknown person flags"))?;
            let account_name = if flags & 0x80 != 0 { Some(r.str()?.to_string()) } else { None };
            people.push(Person {
                name,
                department,
                account,
                internal: flags & 1 != 0,
                opted_out: flags & 2 != 0,
                in_directory: flags & 4 != 0,
                kind,
                name_from_data: flags & 0x20 != 0,
                name_own: flags & 0x40 != 0,
                account_name,
            });
        }
        let interaction_ids = read_interner(r)?;
        let threads = read_interner(r)?;
        let id = r.u32s()?;
        let rows = id.len();
        let kinds = r.count(1)?;
        let kind = (0..kinds)
            .map(|_| match r.u8()? {
                0 => Ok(Kind::Email),
                1 => Ok(Kind::Meeting),
                2 => Ok(Kind::Call),
                _ => Err(corrupt("an unknown kind of interaction")),
            })
            .collect::<Result<Vec<_>>>()?;
        let from = person_keys(r.u32s()?);
        let times = r.count(8)?;
        let at = (0..times).map(|_| r.u64().map(|t| t as i64)).collect::<Result<Vec<_>>>()?;
        let (duration_s, thread, reply_to) = (r.u32s()?, r.u32s()?, r.u32s()?);
        let flags = r.count(1)?;
        let inferred = (0..flags).map(|_| r.bool()).collect::<Result<Vec<_>>>()?;
        let own_reply_to = r.u32s()?;
        let versions = r.count(8)?;
        let version = (0..versions).map(|_| r.u64().map(|v| v as i64)).collect::<Result<Vec<_>>>()?;
        let c = Columns {
            id,
            kind,
            from,
            at,
            duration_s,
            thread,
            reply_to,
            inferred,
            own_reply_to,
            version,
            part_end: r.u32s()?,
            parts: person_keys(r.u32s()?),
            copied: {
                let n = r.count(1)?;
                (0..n).map(|_| r.bool()).collect::<Result<Vec<_>>>()?
            },
            ..Columns::default()
        };
        let messages = read_interner(r)?;
        let c = Columns { message: r.u32s()?, reply_message: r.u32s()?, conv_index: r.u32s()?, ..c };
        let opted_out_ids = Store::read_opt_outs(r)?;
        let lens = [c.kind.len(), c.from.len(), c.at.len(), c.duration_s.len(), c.thread.len()];
        let more =
            [c.reply_to.len(), c.inferred.len(), c.own_reply_to.len(), c.version.len(), c.part_end.len()];
        let mails = [c.message.len(), c.reply_message.len(), c.conv_index.len()];
        if lens.iter().chain(more.iter()).chain(mails.iter()).any(|&l| l != rows) {
            return Err(corrupt("the interaction columns differ in length"));
        }
        check_handles(c.id.iter().copied(), interaction_ids.len(), false, "an interaction id")?;
        check_handles(c.thread.iter().copied(), threads.len(), true, "a thread")?;
        check_handles(c.reply_to.iter().copied(), interaction_ids.len(), true, "a reply")?;
        check_handles(c.own_reply_to.iter().copied(), interaction_ids.len(), true, "a reply")?;
        for column in [&c.message, &c.reply_message, &c.conv_index] {
            check_handles(column.iter().copied(), messages.len(), true, "a Message-ID")?;
        }
        check_handles(c.from.iter().map(|p| p.raw()), people_n, false, "a sender")?;
        check_handles(c.parts.iter().map(|p| p.raw()), people_n, false, "a participant")?;
        if c.part_end.windows(2).any(|w| w[0] > w[1])
            || c.part_end.last().map_or(0, |&e| e as usize) != c.parts.len()
            || c.copied.len() != c.parts.len()
        {
            return Err(corrupt("participant lists out of order"));
        }
        if c.at.iter().any(|t| !(MIN_MS..=MAX_MS).contains(t)) {
            return Err(corrupt("a time outside the years 1 to 9999"));
        }
        if c.version.iter().any(|v| *v != super::NO_VERSION && !(MIN_MS..=MAX_MS).contains(v)) {
            return Err(corrupt("a version outside the years 1 to 9999"));
        }
        if c.duration_s.iter().any(|&d| d > MAX_DURATION_S) {
            return Err(corrupt("a duration longer than 31 days"));
        }
        // What a load guarantees of every row: canonical, opted-in people, a
        // sender not among the participants, no one twice, someone left.
        let usable: Vec<bool> =
            (0..people_n).map(|k| canon[k].index() == k && !people[k].opted_out).collect();
        // The row that last named each person: someone named twice in a row
        // shows at once, without sorting each row's people.
        let mut named_in = vec![u32::MAX; people_n];
        for row in 0..rows {
            let parts = c.participants(row);
            let mut fine = !parts.is_empty();
            for p in std::iter::once(c.from[row]).chain(parts.iter().copied()) {
                let before = std::mem::replace(&mut named_in[p.index()], row as u32);
                fine &= usable[p.index()] && before != row as u32;
            }
            if !fine {
                return Err(corrupt("an interaction whose people a load would not have stored"));
            }
        }
        let mut seen = vec![false; interaction_ids.len()];
        for &i in &c.id {
            if std::mem::replace(&mut seen[i as usize], true) {
                return Err(corrupt("an interaction appears twice"));
            }
        }
        let mut folded: rustc_hash::FxHashMap<PersonKey, Vec<PersonKey>> = rustc_hash::FxHashMap::default();
        for (k, &c) in canon.iter().enumerate() {
            if c.index() != k {
                folded.entry(c).or_default().push(PersonKey::new(k as u32));
            }
        }
        let mut store = Store {
            internal_domains,
            keys,
            canon,
            folded,
            by_person: vec![Vec::new(); people_n],
            sorted_len: vec![IN_ORDER; people_n],
            people,
            interaction_ids,
            threads,
            messages,
            rows: c,
            opted_out_ids,
            ..Store::default()
        };
        store.reindex_rows();
        Ok(store)
    }

    pub fn internal_domains(&self) -> &[String] {
        &self.internal_domains
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_truncation_and_every_flipped_byte_of_a_sealed_payload_is_refused() {
        let sealed = seal(b"some payload bytes".to_vec());
        assert_eq!(open(&sealed).unwrap(), b"some payload bytes");
        for cut in 0..sealed.len() {
            assert_eq!(open(&sealed[..cut]).unwrap_err().code(), "INVALID_SNAPSHOT", "cut at {cut}");
        }
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x10;
            assert!(open(&bad).is_err(), "byte {i} flipped");
        }
    }
}
