//! The people directory (SPEC 2.1): parsing entries, checking aliases against
//! the store and the batch, then folding them in. A person marked opted out
//! here is purged at once, like `optOut()`.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::batch::{parse_batch, reject_late, LoadOptions, LoadReport};
use super::fields::{flag, optional_text, required_text, text_list, Fault};
use super::record::flat_record;
use crate::error::Result;
use crate::model::{domain_of, is_internal_domain, normalize_person_id, PersonKind};
use crate::store::Store;

flat_record! {
    /// Each member's JSON text of a directory entry.
    RawPerson {
        id: "id",
        name: "name",
        internal: "internal",
        department: "department",
        account_id: "accountId",
        opted_out: "optedOut",
        aliases: "aliases",
        kind: "kind",
        account_name: "accountName",
    }
}

struct Entry {
    id: String,
    name: Option<String>,
    internal: Option<bool>,
    department: Option<String>,
    account: Option<String>,
    opted_out: bool,
    aliases: Vec<String>,
    kind: Option<PersonKind>,
    account_name: Option<String>,
}

fn owned_id(s: Cow<'_, str>) -> String {
    normalize_person_id(&s).into_owned()
}

fn parse(raw: &str) -> Result<Entry, Fault> {
    let r = RawPerson::read(raw)?;
    let id = owned_id(required_text(r.id, "id")?);
    let mut aliases = Vec::new();
    for a in text_list(r.aliases, "aliases")? {
        let a = owned_id(a);
        if a.is_empty() {
            return Err(Fault::new("aliases", "invalid value", "an alias is empty"));
        }
        if a != id && !aliases.contains(&a) {
            aliases.push(a);
        }
    }
    let kind = optional_text(r.kind, "kind")?
        .map(|k| {
            PersonKind::parse(&k).ok_or_else(|| {
                Fault::new(
                    "kind",
                    "invalid value",
                    "expected \"person\", \"group\", \"shared\" or \"resource\"",
                )
            })
        })
        .transpose()?;
    let some_text = |v: Option<Cow<str>>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(Entry {
        name: some_text(optional_text(r.name, "name")?),
        internal: flag(r.internal, "internal")?,
        department: some_text(optional_text(r.department, "department")?),
        account: some_text(optional_text(r.account_id, "accountId")?),
        account_name: some_text(optional_text(r.account_name, "accountName")?),
        opted_out: flag(r.opted_out, "optedOut")?.unwrap_or(false),
        aliases,
        kind,
        id,
    })
}

/// Loads a batch of directory entries: all of it or (strict) nothing.
/// Returns the report and whether stored rows must be rewritten (aliases
/// folded in, or people newly opted out).
pub fn load(
    store: &mut Store,
    text: &str,
    opts: LoadOptions,
    internal_domains: &[String],
) -> Result<(LoadReport, bool)> {
    let mut report = LoadReport::default();
    let parsed = parse_batch(text, &opts, &mut report, parse)?;

    // Every id and alias of the batch names one person only: name → whether
    // it is an entry's own id (a repeated id is a duplicate entry).
    let mut claimed: FxHashMap<&str, bool> = FxHashMap::default();
    let mut staged: Vec<&Entry> = Vec::with_capacity(parsed.len());
    for (index, entry) in &parsed {
        let known = store.lookup(&entry.id);
        let conflict = match claimed.get(entry.id.as_str()) {
            Some(true) => {
                report.duplicates += 1;
                continue;
            }
            Some(false) => Some(("id", "this id is also another person's alias")),
            None if known.is_some_and(|k| store.person_id(k) != entry.id) => {
                Some(("id", "this id is already an alias of another person"))
            }
            None if entry
                .aliases
                .iter()
                .any(|a| claimed.contains_key(a.as_str()) || store.alias_conflict(a, known)) =>
            {
                Some(("aliases", "an alias that belongs to another person"))
            }
            None => None,
        };
        if let Some((field, reason)) = conflict {
            reject_late(&opts, &mut report, *index, Fault::new(field, "conflict", reason))?;
            continue;
        }
        claimed.insert(&entry.id, true);
        for alias in &entry.aliases {
            claimed.insert(alias, false);
        }
        staged.push(entry);
    }

    let mut rewrite = false;
    for entry in &staged {
        // Opting out any address of a person opts out the person: an id or
        // alias remembered as opted out, or (folded in below) an alias held
        // for someone flagged opted out.
        let opted_out = entry.opted_out
            || store.is_opted_out_id(&entry.id)
            || entry.aliases.iter().any(|a| store.is_opted_out_id(a));
        let p = store.person_key(&entry.id);
        for alias in &entry.aliases {
            rewrite |= store.lookup(alias).is_some_and(|a| a != p && !store.rows_of(a).is_empty());
            store.add_alias(alias, p);
        }
        let domain = domain_of(&entry.id);
        let person = store.person_mut(p);
        person.in_directory = true;
        if entry.name.is_some() {
            // The directory's name wins over one learned from items.
            person.name.clone_from(&entry.name);
            person.name_from_data = false;
            person.name_own = false;
        }
        if entry.account_name.is_some() {
            person.account_name.clone_from(&entry.account_name);
        }
        if let Some(internal) = entry.internal {
            person.internal = internal;
        } else if let Some(d) = domain {
            person.internal = person.internal || is_internal_domain(d, internal_domains);
        }
        if entry.department.is_some() {
            person.department.clone_from(&entry.department);
        }
        if let Some(kind) = entry.kind {
            person.kind = kind;
        }
        person.account = match (&entry.account, person.internal) {
            (Some(a), _) => Some(a.clone()),
            (None, true) => None,
            (None, false) => person.account.take().or_else(|| domain.map(str::to_string)),
        };
        if opted_out || person.opted_out {
            // Purged, and compacted into digests, by the rewrite.
            person.opted_out = true;
            rewrite = true;
        }
    }
    report.accepted = staged.len();
    Ok((report, rewrite))
}
