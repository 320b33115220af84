//! E-mail identity and reply headers: RFC 5322 Message-IDs as compared
//! (`messageId`, Graph `internetMessageId`, `In-Reply-To`, `References`) and
//! Graph's `conversationIndex`, read into the keys the store indexes.

use crate::store::{INDEX_CHILD, INDEX_HEADER};

/// A Message-ID as compared: trimmed, one pair of angle brackets removed,
/// the domain (after the last `@`) in lower case and the local part as it is
/// (RFC 5322 leaves its case to the sender; mail systems copy the id byte for
/// byte, so `A@x` and `a@x` are two e-mails). Needs `local@domain` without
/// spaces; the reason otherwise.
pub fn message_id(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    let s = s.strip_prefix('<').and_then(|s| s.strip_suffix('>')).unwrap_or(s);
    let (local, domain) = s.rsplit_once('@').ok_or("expected a Message-ID of the form <local@domain>")?;
    if local.is_empty() || domain.is_empty() || s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>') {
        return Err("expected a Message-ID of the form <local@domain>");
    }
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// The Message-IDs (`<…>`) of a header value, in order; a value with no
/// brackets is read as one bare id. Ids that do not parse are skipped.
fn ids_in(value: &str) -> Vec<String> {
    let bracketed: Vec<String> = value
        .split('<')
        .skip(1)
        .filter_map(|rest| rest.split_once('>'))
        .filter_map(|(id, _)| message_id(id).ok())
        .collect();
    if bracketed.is_empty() && !value.contains('<') {
        return message_id(value).into_iter().collect();
    }
    bracketed
}

/// The e-mail a message answers, from its `In-Reply-To` (the first id) or,
/// when that names none, its `References` (the last id: the message's
/// direct parent, RFC 5322 3.6.4).
pub fn answered(in_reply_to: Option<&str>, references: Option<&str>) -> Option<String> {
    in_reply_to
        .and_then(|v| ids_in(v).into_iter().next())
        .or_else(|| references.and_then(|v| ids_in(v).pop()))
}

/// A Graph `conversationIndex` (base64: a 22-byte header block, then 5 bytes
/// per reply level, each reply's index its parent's plus one block) as
/// lower-case hex, the key the store compares.
pub fn conversation_index(b64: &str) -> Result<String, &'static str> {
    let bytes = base64(b64.trim()).ok_or("not base64")?;
    if bytes.len() < INDEX_HEADER || (bytes.len() - INDEX_HEADER) % INDEX_CHILD != 0 {
        return Err("expected 22 bytes and then 5 bytes a reply level");
    }
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Standard base64 (padding optional); `None` on any other character.
fn base64(s: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        acc = (acc << 6) | u32::from(value(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::parent_index;

    #[test]
    fn message_ids_compare_by_domain_case_not_local_case() {
        assert_eq!(message_id(" <Ab.C@Example.COM> ").unwrap(), "Ab.C@example.com");
        assert_ne!(message_id("<ab.c@example.com>").unwrap(), message_id("<Ab.C@example.com>").unwrap());
        assert!(message_id("no-at-sign").is_err());
        assert!(message_id("<@x>").is_err());
    }

    #[test]
    fn in_reply_to_first_then_references_last() {
        assert_eq!(answered(Some("<a@x> <b@x>"), Some("<r@x>")).unwrap(), "a@x");
        assert_eq!(answered(None, Some("<r1@x>\r\n <r2@X>")).unwrap(), "r2@x");
        assert_eq!(answered(Some("garbage (comment)"), Some("<r@x>")).unwrap(), "r@x");
        assert!(answered(None, None).is_none());
    }

    #[test]
    fn conversation_index_children_extend_their_parent() {
        // 22 bytes of zero, then one child block of 5 bytes.
        let root = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
        let child = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAECAwQF";
        let root_hex = conversation_index(root).unwrap();
        let child_hex = conversation_index(child).unwrap();
        assert_eq!(parent_index(&child_hex), Some(root_hex.as_str()));
        assert_eq!(parent_index(&root_hex), None);
        assert!(conversation_index("AAAA").is_err());
        assert!(conversation_index("!!").is_err());
    }
}
