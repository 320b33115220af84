//! Reading one field of a record, with the limits that keep a hostile input
//! from costing more than its size: each error names the field and says what
//! was expected.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::scan::{find_byte, plain_strings};
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

/// `s.trim()`, without its two scans of characters when `s` starts and
/// ends in a visible ASCII character (no white space is ASCII above a space).
pub fn trim(s: &str) -> &str {
    let visible = |c: Option<&u8>| c.is_some_and(|&c| c > b' ' && c < 0x80);
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

pub fn trimmed(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(s) => Cow::Borrowed(trim(s)),
        Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
    }
}

/// The kind of fault of a record that is not JSON at all (an NDJSON line).
pub const NOT_JSON: &str = "not JSON";

/// The kind of fault of a record nested too deep: the whole batch is refused.
pub const TOO_DEEP: &str = "too deep";

/// Reads a record's JSON text (an array's element, already known to be JSON,
/// or an NDJSON line, read here for the first time) into its shape, after
/// checking how deep it nests: at most [`MAX_DEPTH`] levels with the batch's
/// array or line, so the record itself one fewer. (serde skips what it does
/// not read without a depth limit; the records `scan` reads are flat.)
pub fn record_shape<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T, Fault> {
    if let Some(offset) = too_deep(json, MAX_DEPTH - 1) {
        return Err(Fault::new("", TOO_DEEP, format!("at byte offset {offset} of the record")));
    }
    let syntax = |e: &serde_json::Error| e.is_syntax() || e.is_eof();
    if !json.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<de::IgnoredAny>(json) {
            Err(e) if syntax(&e) => Fault::new("", NOT_JSON, e.to_string()),
            _ => Fault::new("", "not an object", "expected a JSON object"),
        });
    }
    serde_json::from_str(json).map_err(|e| {
        let kind = if syntax(&e) { NOT_JSON } else { "malformed" };
        Fault::new("", kind, e.to_string())
    })
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
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // Most of a batch is inside strings: a tight loop to what can end one.
                i += 1;
                loop {
                    while i < bytes.len() && !ENDS_STRING[usize::from(bytes[i])] {
                        i += 1;
                    }
                    match (bytes.get(i), bytes.get(i + 1)) {
                        (None, _) | (Some(b'\\'), None) => return None,
                        // An escape covers the next byte, unless it is a line break.
                        (Some(b'\\'), Some(b'\n')) => {
                            i += 2;
                            break;
                        }
                        (Some(b'\\'), Some(_)) => i += 2,
                        _ => {
                            i += 1;
                            break;
                        }
                    }
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The bytes that end a string or need a look inside one: `"`, `\\` and a line break.
const ENDS_STRING: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

fn describe(raw: &str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn wrong_type(field: &'static str, expected: &str, raw: &str) -> Fault {
    Fault::new(field, "wrong type", format!("expected {expected}, found {}", describe(raw)))
}

fn check_len<'a>(field: &'static str, s: Cow<'a, str>) -> Result<Cow<'a, str>, Fault> {
    too_long(field, &s).map_or(Ok(s), Err)
}

fn too_long(field: &'static str, s: &str) -> Option<Fault> {
    (s.len() > MAX_TEXT_BYTES).then(|| {
        Fault::new(
            field,
            "too long",
            format!("text of {} bytes is longer than the limit of {MAX_TEXT_BYTES}", s.len()),
        )
    })
}

/// The member values below are JSON texts as a parser found them (serde's
/// `RawValue`, or `scan`): valid JSON, each one value.
pub fn text<'a>(raw: &'a str, field: &'static str) -> Result<Cow<'a, str>, Fault> {
    // An escaped character takes at most six bytes: anything longer than this
    // is too long whatever it holds, and is refused without decoding it.
    if raw.len() > MAX_TEXT_BYTES * 6 + 2 {
        return Err(Fault::new(
            field,
            "too long",
            format!("text longer than the limit of {MAX_TEXT_BYTES} bytes"),
        ));
    }
    // A string without escapes is its own bytes between the quotes: the
    // parse that produced `raw` has checked it already (no control
    // characters, valid UTF-8), so it is borrowed without reading it again.
    let json = raw;
    if json.len() >= 2 && json.starts_with('"') && find_byte(json.as_bytes(), b'\\').is_none() {
        return check_len(field, Cow::Borrowed(&json[1..json.len() - 1]));
    }
    let s = match decode(json) {
        Some(s) => s,
        // A valid JSON string that does not decode holds an escaped lone
        // surrogate (half of an emoji cut by a mail client): it reads as
        // U+FFFD, as JavaScript's own TextEncoder writes it, rather than
        // refusing the record (or a strict batch) over one character.
        None if json.starts_with('"') => decode(&lone_surrogates_replaced(json))
            .map(|s| Cow::Owned(s.into_owned()))
            .ok_or_else(|| wrong_type(field, "a string", raw))?,
        None => return Err(wrong_type(field, "a string", raw)),
    };
    check_len(field, s)
}

/// A JSON string's text, decoded (compiled once for both calls of `text`).
#[inline(never)]
fn decode(json: &str) -> Option<Cow<'_, str>> {
    serde_json::from_str(json).ok().map(|Text(s)| s)
}

/// A JSON text with each escaped surrogate that is not half of a pair
/// (`\ud83d` alone) written as `\ufffd` (escapes stand only in strings, so
/// any JSON text: a string, a list of them).
fn lone_surrogates_replaced(json: &str) -> String {
    let bytes = json.as_bytes();
    let hex = |at: usize| {
        let digits = bytes.get(at..at + 4)?;
        digits.iter().try_fold(0u32, |n, &b| Some(n << 4 | char::from(b).to_digit(16)?))
    };
    // The code unit escaped at `at` (`\uXXXX`), if one is.
    let unit = |at: usize| hex(at + 2).filter(|_| bytes.get(at..at + 2) == Some(b"\\u"));
    let (mut out, mut at, mut copied) = (String::with_capacity(json.len()), 0, 0);
    while let Some(found) = bytes[at..].iter().position(|&b| b == b'\\') {
        let i = at + found;
        at = i + 2;
        let Some(u) = unit(i) else { continue };
        at = i + 6;
        if (0xd800..0xdc00).contains(&u) && unit(at).is_some_and(|low| (0xdc00..0xe000).contains(&low)) {
            at += 6;
        } else if (0xd800..0xe000).contains(&u) {
            out.push_str(&json[copied..i]);
            out.push_str("\\ufffd");
            copied = at;
        }
    }
    out.push_str(&json[copied..]);
    out
}

/// A text that must hold something other than white space.
pub fn required_text<'a>(raw: Option<&'a str>, field: &'static str) -> Result<Cow<'a, str>, Fault> {
    let raw = raw.ok_or_else(|| Fault::new(field, "missing", "required field is missing"))?;
    let s = text(raw, field)?;
    if trim(&s).is_empty() {
        return Err(Fault::new(field, "missing", "must not be empty"));
    }
    Ok(s)
}

pub fn optional_text<'a>(raw: Option<&'a str>, field: &'static str) -> Result<Option<Cow<'a, str>>, Fault> {
    raw.map(|r| text(r, field)).transpose()
}

pub fn flag(raw: Option<&str>, field: &'static str) -> Result<Option<bool>, Fault> {
    raw.map(|r| serde_json::from_str::<bool>(r).map_err(|_| wrong_type(field, "true or false", r)))
        .transpose()
}

pub fn number(raw: &str, field: &'static str) -> Result<f64, Fault> {
    serde_json::from_str::<f64>(raw).map_err(|_| wrong_type(field, "a number", raw))
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
pub fn raw_list<'a>(raw: Option<&'a str>, field: &'static str) -> Result<Vec<&'a str>, Fault> {
    let Some(raw) = raw.filter(|&r| r != "null") else { return Ok(Vec::new()) };
    let mut de = serde_json::Deserializer::from_str(raw);
    let items = de.deserialize_seq(RawListVisitor).map_err(|e| {
        if e.to_string().starts_with(TOO_MANY) {
            Fault::new(field, "too many", format!("more than {MAX_LIST_ITEMS} entries"))
        } else {
            wrong_type(field, "a list", raw)
        }
    })?;
    Ok(items.into_iter().map(RawValue::get).collect())
}

/// Reads the members named in `.0` of a JSON object.
struct MembersVisitor<'n>(&'n [&'n str]);

impl<'de> Visitor<'de> for MembersVisitor<'_> {
    type Value = Vec<Option<&'de str>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values = vec![None; self.0.len()];
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            let value = map.next_value::<&'de RawValue>()?;
            if let Some(i) = self.0.iter().position(|&n| n == key) {
                values[i] = Some(value.get());
            }
        }
        Ok(values)
    }
}

/// The members `names` of the JSON object `json`, each unparsed (`null`
/// included), in the order of `names`; other members are skipped. An error
/// when `json` is not one object. One reader for every shape of object, so
/// that a new shape costs no code of its own.
pub fn members<'a>(json: &'a str, names: &[&str]) -> Result<Vec<Option<&'a str>>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let values = de.deserialize_map(MembersVisitor(names))?;
    de.end()?;
    Ok(values)
}

/// A list of strings (a lone string counts as a list of one), at most
/// [`MAX_LIST_ITEMS`] long.
pub fn text_list<'a>(raw: Option<&'a str>, field: &'static str) -> Result<Vec<Cow<'a, str>>, Fault> {
    let mut items = Vec::new();
    text_list_into(raw, field, &mut items)?;
    Ok(items)
}

/// [`text_list`], its entries added to `out` (a batch's one list of
/// participants: no allocation a record); on an error `out` is as it was.
pub fn text_list_into<'a>(
    raw: Option<&'a str>,
    field: &'static str,
    out: &mut Vec<Cow<'a, str>>,
) -> Result<(), Fault> {
    let Some(raw) = raw else { return Ok(()) };
    let start = out.len();
    if plain_strings(raw, MAX_LIST_ITEMS, out).is_none() {
        out.extend(serde_list(raw, field)?);
    }
    match out[start..].iter().find_map(|s| too_long(field, s)) {
        Some(fault) => {
            out.truncate(start);
            Err(fault)
        }
        None => Ok(()),
    }
}

/// The entries of a list that `plain_strings` leaves to serde.
fn serde_list<'a>(raw: &'a str, field: &'static str) -> Result<Vec<Cow<'a, str>>, Fault> {
    let fault = |e: serde_json::Error| {
        if e.to_string().starts_with(TOO_MANY) {
            Fault::new(field, "too many", format!("more than {MAX_LIST_ITEMS} entries"))
        } else {
            wrong_type(field, "a list of strings", raw)
        }
    };
    match strings(raw) {
        Ok(items) => Ok(items),
        // An entry with a lone surrogate reads as `text` reads it.
        Err(e) => {
            let replaced = lone_surrogates_replaced(raw);
            if replaced == raw {
                return Err(fault(e));
            }
            Ok(strings(&replaced).map_err(fault)?.into_iter().map(|s| Cow::Owned(s.into_owned())).collect())
        }
    }
}

/// A list of strings (or one string) as JSON text, decoded.
fn strings(raw: &str) -> Result<Vec<Cow<'_, str>>, serde_json::Error> {
    serde_json::Deserializer::from_str(raw).deserialize_any(ListVisitor)
}

#[cfg(test)]
mod tests {
    use super::{too_deep, MAX_DEPTH};

    /// The rule read one byte at a time, as the README states it: brackets
    /// outside strings nest; a line break ends any string.
    fn naive(text: &str) -> Option<usize> {
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
            } else if b == b'"' {
                in_string = true;
            } else if b == b'[' || b == b'{' {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            } else if b == b']' || b == b'}' {
                depth = depth.saturating_sub(1);
            }
        }
        None
    }

    #[test]
    fn the_string_skipping_scan_agrees_with_a_byte_by_byte_one() {
        // Texts of the bytes that matter, escapes and line breaks at every
        // place (the end of the text included), deep enough to cross the limit.
        let alphabet = [b'"', b'\\', b'\n', b'[', b'{', b']', b'a'];
        let mut state = 0x2545_f491_u64;
        let mut checked_deep = 0;
        for round in 0..20_000 {
            let len = 1 + round % 600;
            let text: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    // Open brackets more often, so some texts nest past the limit.
                    let k = (state % 40) as usize;
                    if k >= alphabet.len() {
                        b'['
                    } else {
                        alphabet[k]
                    }
                })
                .collect();
            let text = String::from_utf8(text).expect("ASCII");
            let want = naive(&text);
            checked_deep += usize::from(want.is_some());
            assert_eq!(too_deep(&text, MAX_DEPTH), want, "{text:?}");
        }
        assert!(checked_deep > 100, "only {checked_deep} texts crossed the limit");
    }
}

#[cfg(test)]
mod text_tests {
    use serde_json::value::RawValue;

    use super::{text, text_list};

    #[test]
    fn a_string_read_without_escapes_is_what_serde_would_read() {
        // What the fast path borrows must be what serde decodes, and what serde
        // refuses (a raw control character) must never become a RawValue to borrow.
        assert!(serde_json::from_str::<&RawValue>("\"a\u{1}b\"").is_err());
        assert!(serde_json::from_str::<&RawValue>("{\"id\":\"a\u{1f}b\"}").is_err());
        for json in ["\"plain\"", "\"é ü 日本\"", "\"\"", "\"  spaced  \"", "\"a\\\"b\"", "\"\\u00e9\""] {
            let raw: &RawValue = serde_json::from_str(json).unwrap();
            let want: String = serde_json::from_str(json).unwrap();
            assert_eq!(text(raw.get(), "id").ok().as_deref(), Some(want.as_str()), "{json}");
        }
        let number: &RawValue = serde_json::from_str("12").unwrap();
        assert_eq!(text(number.get(), "id").err().map(|f| f.kind), Some("wrong type"));
    }

    /// An escaped half of a surrogate pair, alone, reads as U+FFFD (what
    /// JavaScript's TextEncoder makes of it), wherever it stands; a whole
    /// pair, an escaped backslash before `u` and other escapes read as serde
    /// reads them.
    #[test]
    fn a_lone_surrogate_reads_as_the_replacement_character() {
        let cases = [
            (r#""a\ud83d""#, "a\u{fffd}"),
            (r#""\ude00b""#, "\u{fffd}b"),
            (r#""\ud83d\ud83d\ude00""#, "\u{fffd}\u{1f600}"),
            (r#""\ud83d\u0041\n""#, "\u{fffd}A\n"),
            (r#""\ud83d\ude00 \\ud83d""#, "\u{1f600} \\ud83d"),
            (r#""x\udbff""#, "x\u{fffd}"),
        ];
        for (json, want) in cases {
            let raw: &RawValue = serde_json::from_str(json).expect("valid JSON");
            assert!(serde_json::from_str::<String>(json).is_err() || !want.contains('\u{fffd}'), "{json}");
            assert_eq!(text(raw.get(), "name").ok().as_deref(), Some(want), "{json}");
        }
    }

    /// A list's entries read as `text` reads them; the limit on entries and
    /// the type still refuse.
    #[test]
    fn a_lone_surrogate_in_a_list_reads_as_the_replacement_character() {
        let read = |json: &str| text_list(Some(json), "to").map(|l| l.join("|")).map_err(|f| f.kind);
        assert_eq!(
            read(r#"["a\ud800b@x.example","\ud83d\ude00"]"#),
            Ok("a\u{fffd}b@x.example|\u{1f600}".into())
        );
        assert_eq!(read(r#""one\udfff""#), Ok("one\u{fffd}".into()));
        assert_eq!(read(r#"[1,"\ud800"]"#), Err("wrong type"));
        let many = format!("[{}\"\\ud800\"]", "\"a\",".repeat(super::MAX_LIST_ITEMS));
        assert_eq!(read(&many), Err("too many"));
    }

    #[test]
    fn the_one_pass_list_reader_agrees_with_serde() {
        use super::{strings, Cow, MAX_LIST_ITEMS};
        use crate::load::scan::plain_strings;
        // What it reads into an empty list, or `None` (leaving the list empty).
        let plain_strings_vec = |raw: &'static str| {
            let mut out = Vec::new();
            let read = plain_strings(raw, MAX_LIST_ITEMS, &mut out).map(|()| out.clone());
            assert!(read.is_some() || out.is_empty(), "{raw}: left entries behind");
            read
        };
        let fast = [
            r#"["a@x.example","b@y.example"]"#,
            r#" [ "a" , "b" ] "#,
            "[]",
            "[ ]",
            r#""alone""#,
            r#"["é日","😀",""]"#,
        ];
        for raw in fast {
            let read = plain_strings_vec(raw).unwrap_or_else(|| panic!("left to serde: {raw}"));
            assert_eq!(read, strings(raw).unwrap(), "{raw}");
        }
        // Left to serde, which reads them or refuses them with its message.
        let many = format!("[{}\"a\"]", "\"a\",".repeat(MAX_LIST_ITEMS));
        let slow = [
            r#"["a\"b"]"#,
            r#"["a\u0041"]"#,
            r#"["a",1]"#,
            r#"[1]"#,
            r#"["a",]"#,
            r#"["a""b"]"#,
            r#"["a"] x"#,
            r#"["a""#,
            "[\"a\u{1}\"]",
            "null",
            "{}",
            r#"[["a"]]"#,
            many.as_str(),
        ];
        for raw in slow {
            let mut out = vec![Cow::Borrowed("kept")];
            assert_eq!(plain_strings(raw, MAX_LIST_ITEMS, &mut out), None, "{raw}");
            assert_eq!(out, [Cow::Borrowed("kept")], "{raw}: left entries behind");
        }
        let at_limit = format!("[{}\"a\"]", "\"a\",".repeat(MAX_LIST_ITEMS - 1));
        let mut out = Vec::new();
        assert_eq!(plain_strings(&at_limit, MAX_LIST_ITEMS, &mut out), Some(()));
        assert_eq!(out.len(), MAX_LIST_ITEMS);
    }
}
