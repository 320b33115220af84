//! A one-pass reader for the shape nearly every record has: one flat JSON
//! object whose values are strings without escapes, numbers, `true`,
//! `false`, `null` or lists of such strings. It finds the JSON text of each
//! named member while checking the syntax, so a record is read once instead
//! of being split out, read into members and each member read again.
//!
//! Anything else (an escape, a nested object, a member named twice, any
//! syntax it does not accept) gives `None`, and the record goes to serde's
//! reader, which then gives the same members and every error message: this
//! reader decides nothing a record means, only how fast it is read. The
//! same for the list of strings a member holds (`plain_strings`).

use std::borrow::Cow;

use crate::words::{first, HIGH, ONES};

/// The JSON text of each member `names` lists, in that order (`None` when
/// absent or `null`, as serde reads an optional member), if `json` is one
/// flat object this reader accepts.
pub fn flat_members<'a, const N: usize>(json: &'a str, names: &[&str; N]) -> Option<[Option<&'a str>; N]> {
    let mut r = Reader { b: json.as_bytes(), at: 0 };
    let mut found: [Option<&'a str>; N] = [None; N];
    r.skip_ws();
    r.eat(b'{')?;
    r.skip_ws();
    if r.peek() == Some(b'}') {
        r.at += 1;
    } else {
        loop {
            let key = r.string()?;
            let key = &json[key.0 + 1..key.1 - 1];
            r.skip_ws();
            r.eat(b':')?;
            r.skip_ws();
            let (start, end) = r.value()?;
            if let Some(i) = names.iter().position(|&n| n == key) {
                // A member named twice is serde's to refuse.
                if found[i].replace(&json[start..end]).is_some() {
                    return None;
                }
            }
            r.skip_ws();
            match r.next()? {
                b',' => r.skip_ws(),
                b'}' => break,
                _ => return None,
            }
        }
    }
    r.skip_ws();
    for member in found.iter_mut().filter(|m| **m == Some("null")) {
        *member = None;
    }
    (r.at == r.b.len()).then_some(found)
}

/// A flag in the high bit of each byte of `w` that equals `c`. The lowest
/// flag is exact; flags above it may be borrows, so only the lowest is read.
fn equal(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * u64::from(c));
    x.wrapping_sub(ONES) & !x & HIGH
}

/// The offset of the first `needle` in `hay`.
pub fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    first(hay, |w| equal(w, needle), |c| c == needle)
}

/// The offset of what ends a string this reader takes (its quote), or makes
/// it one serde must read (an escape, a control character).
pub fn string_stop(b: &[u8]) -> Option<usize> {
    // Bytes below 0x20: the lowest flag is exact, as for `equal`.
    let control = |w: u64| w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    first(b, |w| equal(w, b'"') | equal(w, b'\\') | control(w), |c| c == b'"' || c == b'\\' || c < 0x20)
}

/// A list of strings (or one string) as `fields::text_list` reads it, for
/// the list nearly every record has (strings without escapes or control
/// characters, at most `limit` of them), read in one pass and added to
/// `out`: `None` for anything else (`out` as it was), which serde then
/// reads (and refuses with its own message), so both always agree.
pub fn plain_strings<'a>(raw: &'a str, limit: usize, out: &mut Vec<Cow<'a, str>>) -> Option<()> {
    let start = out.len();
    let read = read_strings(raw, limit, out);
    if read.is_none() {
        out.truncate(start);
    }
    read
}

fn read_strings<'a>(raw: &'a str, limit: usize, out: &mut Vec<Cow<'a, str>>) -> Option<()> {
    let mut r = Reader { b: raw.as_bytes(), at: 0 };
    // One string, borrowed without its quotes.
    let string = |r: &mut Reader| r.string().map(|(start, end)| Cow::Borrowed(&raw[start + 1..end - 1]));
    r.skip_ws();
    match r.peek()? {
        b'"' => out.push(string(&mut r)?),
        b'[' => {
            r.at += 1;
            r.skip_ws();
            let first = out.len();
            if r.peek() == Some(b']') {
                r.at += 1;
            } else {
                loop {
                    if out.len() - first == limit {
                        return None;
                    }
                    out.push(string(&mut r)?);
                    r.skip_ws();
                    match r.next()? {
                        b',' => r.skip_ws(),
                        b']' => break,
                        _ => return None,
                    }
                }
            }
        }
        _ => return None,
    }
    r.skip_ws();
    (r.at == r.b.len()).then_some(())
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// A string without escapes or control characters: its span, quotes included.
    fn string(&mut self) -> Option<(usize, usize)> {
        let start = self.at;
        self.eat(b'"')?;
        let rest = self.b.get(self.at..)?;
        let len = string_stop(rest)?;
        self.at += len + 1;
        (rest[len] == b'"').then_some((start, self.at))
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        self.at - start
    }

    /// A JSON number, exactly as the grammar has it.
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            (self.digits() > 0).then_some(())?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            (self.digits() > 0).then_some(())?;
        }
        Some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.b.get(self.at..end)? == word).then(|| self.at = end)
    }

    /// One member's value: its span.
    fn value(&mut self) -> Option<(usize, usize)> {
        let start = self.at;
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'[' => {
                self.at += 1;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.at += 1;
                } else {
                    loop {
                        self.string()?;
                        self.skip_ws();
                        match self.next()? {
                            b',' => self.skip_ws(),
                            b']' => break,
                            _ => return None,
                        }
                    }
                }
            }
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            _ => self.number()?,
        }
        Some((start, self.at))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::flat_members;

    const NAMES: [&str; 3] = ["id", "to", "n"];

    /// What serde reads for the same names, when the text is one object
    /// without repeated names.
    fn serde_members(json: &str) -> Option<[Option<Value>; 3]> {
        let v: serde_json::Map<String, Value> = serde_json::from_str(json).ok()?;
        Some(NAMES.map(|n| v.get(n).cloned()))
    }

    #[test]
    fn what_it_accepts_serde_reads_the_same() {
        let accepted = [
            r#"{"id":"a","to":["b","c"],"n":12}"#,
            r#" { "id" : "a" , "to" : [ ] , "x" : null , "n" : -0.5e+3 } "#,
            r#"{}"#,
            "{\"id\":\"é日\",\"n\":true,\"z\":false}\r",
            r#"{"to":"one","n":0}"#,
        ];
        for json in accepted {
            let fast = flat_members(json, &NAMES).unwrap_or_else(|| panic!("refused {json}"));
            let parsed = fast.map(|m| m.map(|t| serde_json::from_str::<Value>(t).unwrap()));
            assert_eq!(Some(parsed), serde_members(json), "{json}");
        }
    }

    /// serde reads an optional member given as `null` as absent: so must
    /// this reader, or a record would mean one thing or another depending on
    /// whether it has an escape somewhere.
    #[test]
    fn a_null_member_is_an_absent_one_and_still_counts_once() {
        let fast = flat_members(r#"{"id":null,"to":["a"],"n":null}"#, &NAMES);
        assert_eq!(fast, Some([None, Some(r#"["a"]"#), None]));
        assert!(flat_members(r#"{"id":null,"id":"a"}"#, &NAMES).is_none(), "a member twice");
        assert!(flat_members(r#"{"id":"a","id":null}"#, &NAMES).is_none(), "a member twice");
    }

    #[test]
    fn find_byte_finds_the_first_at_any_offset() {
        for len in 0..40 {
            for at in 0..=len {
                let mut hay = vec![b'a'; len];
                // Bytes that differ from the needle by one bit, and a second needle after it.
                hay.iter_mut().enumerate().for_each(|(i, c)| *c = [b'\x0b', b'\x08', 0x8a, b'a'][i % 4]);
                if at < len {
                    hay[at] = b'\n';
                    hay[len - 1] = b'\n';
                }
                let expected = hay.iter().position(|&c| c == b'\n');
                assert_eq!(super::find_byte(&hay, b'\n'), expected, "{hay:?}");
            }
        }
    }

    #[test]
    fn string_stop_finds_the_first_quote_escape_or_control_character() {
        // Bytes either side of each stop (0x1f/0x20, '!'/'"'/'#', '['/'\\'/']'),
        // UTF-8 continuation and lead bytes, at every offset and length.
        let near = [0x1f, 0x20, b'!', b'"', b'#', b'[', b'\\', b']', 0x80, 0xe6, 0x00, b'a'];
        for len in 0..24 {
            for seed in 0..near.len() * 3 {
                let hay: Vec<u8> =
                    (0..len).map(|i| near[(seed * 7 + i * (seed % 5 + 1)) % near.len()]).collect();
                let expected = hay.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
                assert_eq!(super::string_stop(&hay), expected, "{hay:?}");
            }
        }
        let plain = [0x20, b'!', b'#', b'[', b']', 0x80, 0xe6, 0xff, b'a'];
        for len in 1..24 {
            for at in 0..len {
                for stop in [b'"', b'\\', 0x00, 0x1f] {
                    let mut hay: Vec<u8> = (0..len).map(|i| plain[(i * 5 + at) % plain.len()]).collect();
                    hay[at] = stop;
                    assert_eq!(super::string_stop(&hay), Some(at), "{hay:?}");
                }
            }
        }
    }

    #[test]
    fn it_leaves_everything_else_to_serde() {
        let refused = [
            r#"{"id":"a\"b"}"#,       // an escape
            r#"{"id":{"x":1}}"#,      // a nested object
            r#"{"id":"a","id":"b"}"#, // a member twice
            r#"{"to":[1,2]}"#,        // a list of numbers
            r#"{"n":01}"#,            // not a JSON number
            r#"{"n":1.}"#,            //
            r#"{"n":-}"#,             //
            r#"{"id":"a",}"#,         // a trailing comma
            r#"{"id":"a"} x"#,        // trailing text
            r#"{"id":"a""#,           // unterminated
            "{\"id\":\"a\u{1}b\"}",   // a control character
            r#"{"n":tru}"#,           //
            r#"["id"]"#,              // not an object
            r#"{"id" "a"}"#,          // no colon
        ];
        for json in refused {
            assert!(flat_members(json, &NAMES).is_none(), "accepted {json}");
        }
    }
}
