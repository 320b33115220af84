//! The data model: people (with their directory facts), the kinds of
//! interaction, and the words every layer shares about them: the consent
//! scopes (SPEC 4.1), a target (a contact or an account) and the data scope
//! of a relationship (the viewer's own data, or the team's). Person keys are
//! normalised here, so every part of the engine compares ids the same way
//! (SPEC 2.1).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::words::{first, HIGH, ONES};

/// Dense handle of a person key (an id or an alias) in the store's interner;
/// a type of its own, as `consent::Row` is, so that a person is never
/// confused with a row or an interned id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PersonKey(u32);

impl PersonKey {
    /// The key of the interner's `index`th string.
    pub fn new(index: u32) -> PersonKey {
        PersonKey(index)
    }

    /// A dense index, for tables indexed by person.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The interner's handle.
    pub fn raw(self) -> u32 {
        self.0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Kind {
    Email = 0,
    Meeting = 1,
    Call = 2,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "email" => Some(Kind::Email),
            "meeting" => Some(Kind::Meeting),
            "call" => Some(Kind::Call),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Interactions the signed-in user took part in; needs nothing.
    Own,
    /// Everyone's interactions, shown only as anonymized group figures.
    Aggregated,
    /// Everyone's interactions, shown per person.
    Identifiable,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Own => "own",
            Scope::Aggregated => "aggregated",
            Scope::Identifiable => "identifiable",
        }
    }
}

/// A contact or an account (SPEC 6).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Target {
    Contact(String),
    Account(String),
}

/// Whose interactions a relationship reads (the `scope` option of the
/// relationship methods): the viewer's own, which needs no consent, or the
/// whole team's, which needs [`Scope::Identifiable`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataScope {
    #[default]
    Own,
    Team,
}

impl DataScope {
    /// The consent scope that reading this data needs.
    pub fn needs(self) -> Scope {
        match self {
            DataScope::Own => Scope::Own,
            DataScope::Team => Scope::Identifiable,
        }
    }
}

/// What a directory entry stands for (SPEC 7). Only people count toward
/// group sizes, colleagues, contacts and paths; the others still carry
/// interactions (an e-mail to a distribution list is an e-mail sent).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum PersonKind {
    /// A person; also every address the directory does not describe.
    #[default]
    Person = 0,
    /// A distribution list or Microsoft 365 group.
    Group = 1,
    /// A shared mailbox.
    Shared = 2,
    /// A room or equipment.
    Resource = 3,
}

impl PersonKind {
    pub fn parse(s: &str) -> Option<PersonKind> {
        match s {
            "person" => Some(PersonKind::Person),
            "group" => Some(PersonKind::Group),
            "shared" => Some(PersonKind::Shared),
            "resource" => Some(PersonKind::Resource),
            _ => None,
        }
    }

    /// The kind stored as `code` (`kind as u8`), if it is one.
    pub fn from_code(code: u8) -> Option<PersonKind> {
        [PersonKind::Person, PersonKind::Group, PersonKind::Shared, PersonKind::Resource]
            .get(usize::from(code))
            .copied()
    }
}

/// What the engine knows of one person, from the directory or inferred.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Person {
    pub name: Option<String>,
    pub internal: bool,
    pub department: Option<String>,
    pub account: Option<String>,
    pub opted_out: bool,
    /// Listed in the directory (as opposed to only seen in interactions).
    pub in_directory: bool,
    pub kind: PersonKind,
    /// `name` was learned from items (Graph `emailAddress.name`), not given
    /// by the directory: a directory name replaces it, and it is forgotten
    /// when an item the person is on is deleted (see `Store::rebuild`).
    pub name_from_data: bool,
    /// A learned `name` came from the person's own entry (`from`, `organizer`).
    pub name_own: bool,
    /// The display name of the person's account (`accountName` in the
    /// directory), for results that name an account.
    pub account_name: Option<String>,
}

impl Person {
    /// Learns a display name an item gives this person. The directory's
    /// name wins; among names from items, the one a person's own entry gives
    /// (`from`, `organizer`: their own mail system writes it) beats one that
    /// a sender wrote for a recipient, and otherwise the first one stays, so
    /// a later sender cannot rename someone already named.
    pub fn learn_name(&mut self, name: &str, own: bool) {
        let learn = match &self.name {
            None => true,
            Some(_) => self.name_from_data && own && !self.name_own,
        };
        if learn && !name.trim().is_empty() {
            self.name = Some(name.trim().to_string());
            self.name_from_data = true;
            self.name_own = own;
        }
    }

    /// Forgets a name learned from items (kept: the directory's).
    pub fn forget_learned_name(&mut self) {
        if self.name_from_data {
            self.name = None;
            self.name_from_data = false;
            self.name_own = false;
        }
    }

    /// Whether this is a person (not a list, a shared mailbox or a room):
    /// the only kind that is counted, ranked or named as a person.
    pub fn is_person(&self) -> bool {
        self.kind == PersonKind::Person
    }
}

/// Each person key's side in a byte: internal or not, a person or not (a
/// list, a shared mailbox). A pass over every row reads these instead of the
/// people's records: rows name the same few thousand people a million
/// times, and a record is a hundred bytes.
pub struct PersonFlags(Vec<u8>);

impl PersonFlags {
    const INTERNAL: u8 = 1;
    const PERSON: u8 = 2;

    /// The flags of `people`, in key order.
    pub fn of<'p>(people: impl Iterator<Item = &'p Person>) -> PersonFlags {
        let flag = |p: &Person| {
            let (internal, person) = (u8::from(p.internal), u8::from(p.is_person()));
            (internal * Self::INTERNAL) | (person * Self::PERSON)
        };
        PersonFlags(people.map(flag).collect())
    }

    /// One more than the highest key.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn internal(&self, p: PersonKey) -> bool {
        self.0[p.index()] & Self::INTERNAL != 0
    }

    pub fn person(&self, p: PersonKey) -> bool {
        self.0[p.index()] & Self::PERSON != 0
    }

    /// An internal person.
    pub fn colleague(&self, p: PersonKey) -> bool {
        self.0[p.index()] == Self::INTERNAL | Self::PERSON
    }

    /// An external person.
    pub fn contact(&self, p: PersonKey) -> bool {
        self.0[p.index()] == Self::PERSON
    }
}

/// Whether every byte is ASCII and none an upper-case letter: eight bytes
/// a step (every id of every record is checked).
fn lower_ascii(b: &[u8]) -> bool {
    // In a byte below 0x80 (any other is flagged by its own high bit), the
    // first sum sets the high bit from 'A' up and the second from past 'Z';
    // neither carries into the next byte.
    let upper = |w: u64| w.wrapping_add(ONES * 0x3f) & !w.wrapping_add(ONES * 0x25);
    first(b, |w| (w | upper(w)) & HIGH, |c| c >= 0x80 || c.is_ascii_uppercase()).is_none()
}

/// The canonical form of a person id: trimmed, and lower-cased when it looks
/// like an e-mail address, which compares case-insensitively (SPEC 2.1), or
/// is an X.500 address (Exchange's legacyExchangeDN, `/o=ExchangeLabs/ou=…/cn=…`,
/// which Graph gives as the address of some senders and Exchange compares
/// without regard to case).
pub fn normalize_person_id(raw: &str) -> Cow<'_, str> {
    // Most ids are already normal: ASCII, lower case, nothing to trim. One
    // pass says so, where the rules below take four.
    let b = raw.as_bytes();
    let edges = b.first().zip(b.last()).is_some_and(|(&f, &l)| f > b' ' && l > b' ');
    if edges && lower_ascii(b) {
        return Cow::Borrowed(raw);
    }
    let trimmed = raw.trim();
    let x500 = trimmed.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("/o="));
    if !trimmed.contains('@') && !x500 {
        return Cow::Borrowed(trimmed);
    }
    if trimmed.is_ascii() {
        if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(trimmed.to_ascii_lowercase())
        } else {
            Cow::Borrowed(trimmed)
        }
    } else {
        Cow::Owned(trimmed.to_lowercase())
    }
}

/// The domain of an e-mail-like id (already normalised), if any.
pub fn domain_of(id: &str) -> Option<&str> {
    let (_, domain) = id.rsplit_once('@')?;
    (!domain.is_empty()).then_some(domain)
}

/// Whether `domain` is one of `internal` or a subdomain of one.
pub fn is_internal_domain(domain: &str, internal: &[String]) -> bool {
    internal.iter().any(|d| {
        domain == d
            || (domain.len() > d.len()
                && domain.ends_with(d.as_str())
                && domain.as_bytes()[domain.len() - d.len() - 1] == b'.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_ascii_is_the_byte_by_byte_rule() {
        // Either side of each bound ('@'/'A', 'Z'/'[', 0x7f/0x80), at every offset.
        let near = [b'@', b'A', b'M', b'Z', b'[', b'a', b'z', 0x7f, 0x80, 0xc3, 0xff, b'.'];
        for len in 0..20 {
            for seed in 0..near.len() * 4 {
                let b: Vec<u8> =
                    (0..len).map(|i| near[(seed * 5 + i * (seed % 7 + 1)) % near.len()]).collect();
                let expected = b.iter().all(|&c| c < 0x80 && !c.is_ascii_uppercase());
                assert_eq!(lower_ascii(&b), expected, "{b:?}");
            }
            for at in 0..len {
                for odd in [b'A', b'Z', 0x80, 0xff] {
                    let mut b = vec![b'a'; len];
                    b[at] = odd;
                    assert!(!lower_ascii(&b), "{b:?}");
                }
            }
        }
    }

    #[test]
    fn email_ids_compare_case_insensitively_after_trimming() {
        assert_eq!(normalize_person_id("  Ada.Lovelace@Example.COM "), "ada.lovelace@example.com");
        assert_eq!(normalize_person_id("ÉVA@Exämple.org"), "éva@exämple.org");
        assert_eq!(normalize_person_id(" CRM-Contact-17 "), "CRM-Contact-17");
        assert_eq!(normalize_person_id("/O=ExchangeLabs/OU=X/CN=Ada"), "/o=exchangelabs/ou=x/cn=ada");
    }

    #[test]
    fn internal_domains_match_whole_labels_only() {
        let internal = vec!["northwind.example".to_string()];
        assert!(is_internal_domain("northwind.example", &internal));
        assert!(is_internal_domain("eu.northwind.example", &internal));
        assert!(!is_internal_domain("evilnorthwind.example", &internal));
        assert_eq!(domain_of("a@b.example"), Some("b.example"));
        assert_eq!(domain_of("nobody"), None);
    }
}
