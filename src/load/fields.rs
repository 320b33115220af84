//! Reading one field of a record, with the limits that keep a hostile input
//! from costing more than its size: each error names the field and says what
//! was expected.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::model::normalize_person_id;

/// A record's problem: the field at fault, a short kind for the report's
/// tally, and the reason in full.
pub struct Fault {
    pub field: &'static str,
    pub kind: &'static str,
    pub reason: String,
}

impl Fault {
    pub fn new(field: &'static str, kind: &'static str, reason: impl Into<String>) -> Fault {
        Fault { field, kind, reason: reason.into() }
    }
}

pub fn normalized(id: Cow<'_, str>) -> Cow<'_, str> {
    match id {
        Cow::Borrowed(s) => normalize_person_id(s),
        Cow::Owned(s) => Cow::Owned(normalize_person_id(&s).into_owned()),
    }
}

pub fn trimmed(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
    }
}

pub fn record_shape<'a, T: Deserialize<'a>>(raw: &'a RawValue) -> Result<T, Fault> {
    if !raw.get().starts_with('{') {
        return Err(Fault::new("", "not an object", "expected a JSON object"));
    }
    serde_json::from_str(raw.get()).map_err(|e| Fault::new("", "malformed", e.to_string()))
}

/// Longest text accepted in any field, in bytes.
pub const MAX_TEXT_BYTES: usize = 1024;
/// Most person ids in one list field (`to`, `cc`, `aliases`). Exchange caps
/// recipients at 500 and Graph meeting attendees likewise.
pub const MAX_LIST_ITEMS: usize = 1000;

/// Deepest nesting of arrays and objects accepted in any JSON input (the
/// batch's own array or page object counts as one level).
pub const MAX_DEPTH: usize = 128;

const TOO_MANY: &str = "\u{0}too-many";

/// The byte offset where `text` first nests deeper than [`MAX_DEPTH`], if it
/// does. One pass over the bytes, no allocation: records are split out with
/// serde's `RawValue`, which skips nested values without a depth limit (and
/// without recursion), so the limit is checked here before any parsing. A
/// line break ends any string (JSON strings hold none), so an unterminated
/// string on one NDJSON line cannot hide the next line's brackets.
pub fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if in_string {
            match b {
                b'\n' => (in_string, escaped) = (false, false),
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

fn describe(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn wrong_type(field: &'static str, expected: &str, raw: &RawValue) -> Fault {
    Fault::new(field, "wrong type", format!("expected {expected}, found {}", describe(raw)))
}

fn check_len<'a>(field: &'static str, s: Cow<'a, str>) -> Result<Cow<'a, str>, Fault> {
    if s.len() > MAX_TEXT_BYTES {
        return Err(Fault::new(
            field,
            "too long",
            format!("text of {} bytes is longer than the limit of {MAX_TEXT_BYTES}", s.len()),
        ));
    }
    Ok(s)
}

pub fn text<'a>(raw: &'a RawValue, field: &'static str) -> Result<Cow<'a, str>, Fault> {
    // An escaped character takes at most six bytes: anything longer than this
    // is too long whatever it holds, and is refused without decoding it.
    if raw.get().len() > MAX_TEXT_BYTES * 6 + 2 {
        return Err(Fault::new(
            field,
            "too long",
            format!("text longer than the limit of {MAX_TEXT_BYTES} bytes"),
        ));
    }
    let Text(s) = serde_json::from_str(raw.get()).map_err(|_| wrong_type(field, "a string", raw))?;
    check_len(field, s)
}

/// A text that must hold something other than white space.
pub fn required_text<'a>(raw: Option<&'a RawValue>, field: &'static str) -> Result<Cow<'a, str>, Fault> {
    let raw = raw.ok_or_else(|| Fault::new(field, "missing", "required field is missing"))?;
    let s = text(raw, field)?;
    if s.trim().is_empty() {
        return Err(Fault::new(field, "missing", "must not be empty"));
    }
    Ok(s)
}

pub fn optional_text<'a>(
    raw: Option<&'a RawValue>,
    field: &'static str,
) -> Result<Option<Cow<'a, str>>, Fault> {
    raw.map(|r| text(r, field)).transpose()
}

pub fn flag(raw: Option<&RawValue>, field: &'static str) -> Result<Option<bool>, Fault> {
    raw.map(|r| serde_json::from_str::<bool>(r.get()).map_err(|_| wrong_type(field, "true or false", r)))
        .transpose()
}

pub fn number(raw: &RawValue, field: &'static str) -> Result<f64, Fault> {
    serde_json::from_str::<f64>(raw.get()).map_err(|_| wrong_type(field, "a number", raw))
}

struct ListVisitor;

impl<'de> Visitor<'de> for ListVisitor {
    type Value = Vec<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of strings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Text(s)) = seq.next_element::<Text<'de>>()? {
            if items.len() == MAX_LIST_ITEMS {
                return Err(de::Error::custom(TOO_MANY));
            }
            items.push(s);
        }
        Ok(items)
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(vec![Cow::Borrowed(s)])
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(vec![Cow::Owned(s.to_string())])
    }
}

struct RawListVisitor;

impl<'de> Visitor<'de> for RawListVisitor {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<&'de RawValue>()? {
            if items.len() == MAX_LIST_ITEMS {
                return Err(de::Error::custom(TOO_MANY));
            }
            items.push(item);
        }
        Ok(items)
    }
}

/// The entries of a list, unparsed, at most [`MAX_LIST_ITEMS`] of them;
/// missing or `null` is an empty list.
pub fn raw_list<'a>(raw: Option<&'a RawValue>, field: &'static str) -> Result<Vec<&'a RawValue>, Fault> {
    let Some(raw) = raw.filter(|r| r.get() != "null") else { return Ok(Vec::new()) };
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.deserialize_seq(RawListVisitor).map_err(|e| {
        if e.to_string().starts_with(TOO_MANY) {
            Fault::new(field, "too many", format!("more than {MAX_LIST_ITEMS} entries"))
        } else {
            wrong_type(field, "a list", raw)
        }
    })
}

/// Reads the members named in `.0` of a JSON object.
struct MembersVisitor<'n>(&'n [&'n str]);

impl<'de> Visitor<'de> for MembersVisitor<'_> {
    type Value = Vec<Option<&'de RawValue>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values = vec![None; self.0.len()];
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            let value = map.next_value::<&'de RawValue>()?;
            if let Some(i) = self.0.iter().position(|&n| n == key) {
                values[i] = Some(value);
            }
        }
        Ok(values)
    }
}

/// The members `names` of the JSON object `json`, each unparsed (`null`
/// included), in the order of `names`; other members are skipped. An error
/// when `json` is not one object. One reader for every shape of object, so
/// that a new shape costs no code of its own.
pub fn members<'a>(json: &'a str, names: &[&str]) -> Result<Vec<Option<&'a RawValue>>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let values = de.deserialize_map(MembersVisitor(names))?;
    de.end()?;
    Ok(values)
}

/// A list of strings (a lone string counts as a list of one), at most
/// [`MAX_LIST_ITEMS`] long.
pub fn text_list<'a>(raw: Option<&'a RawValue>, field: &'static str) -> Result<Vec<Cow<'a, str>>, Fault> {
    let Some(raw) = raw else { return Ok(Vec::new()) };
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let items = de.deserialize_any(ListVisitor).map_err(|e| {
        if e.to_string().starts_with(TOO_MANY) {
            Fault::new(field, "too many", format!("more than {MAX_LIST_ITEMS} entries"))
        } else {
            wrong_type(field, "a list of strings", raw)
        }
    })?;
    items.into_iter().map(|s| check_len(field, s)).collect()
}
