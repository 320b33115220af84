//! The interaction columns: one entry per row in each, the participants of
//! every row in one flat list, and one interaction as a load hands it over.
//! Plain data: the store keeps the indexes over it, consent decides who reads it.

use crate::model::{Kind, PersonKey};

/// Interactions, one entry per row in each column.
#[derive(Clone, Default)]
pub struct Columns {
    pub id: Vec<u32>,
    pub kind: Vec<Kind>,
    pub from: Vec<PersonKey>,
    pub at: Vec<i64>,
    pub duration_s: Vec<u32>,
    pub thread: Vec<u32>,
    /// Interned id of the interaction this one answers, or `NONE`.
    pub reply_to: Vec<u32>,
    /// Whether `reply_to` is worked out from the conversation's order
    /// (Microsoft Graph) rather than given: such links are worked out again
    /// whenever the conversation's rows change (see [`Store::derive_replies`]).
    pub inferred: Vec<bool>,
    /// For inferred rows the viewer takes part in: the id the row answers
    /// among the viewer's own rows of the conversation (what the `own` view
    /// may read), or `NONE`.
    pub own_reply_to: Vec<u32>,
    /// The row's RFC 5322 Message-ID (normalised, see `load::headers`), a
    /// handle in `Store::messages`, or `NONE`: copies of one e-mail share it.
    pub message: Vec<u32>,
    /// The Message-ID this e-mail answers (`In-Reply-To`, else the last of
    /// `References`; or a SPEC `inReplyTo` shaped like one), or `NONE`.
    pub reply_message: Vec<u32>,
    /// A Graph `conversationIndex` (hex of its bytes), also a handle in
    /// `Store::messages` (no `@`, so never a Message-ID), or `NONE`.
    pub conv_index: Vec<u32>,
    /// The version of each row (`modifiedAt`, Graph's `lastModifiedDateTime`,
    /// epoch ms), or [`NO_VERSION`]: what a later copy of its id is compared
    /// with (see `load::staging`).
    pub version: Vec<i64>,
    /// End offset in `parts` of each row's participants (the start is the previous end).
    pub part_end: Vec<u32>,
    /// Participants other than the sender, canonical, without repeats.
    pub parts: Vec<PersonKey>,
    /// Aligned with `parts`: whether the participant was only copied on an
    /// e-mail (`cc`, Graph `ccRecipients`, a mailbox owner no recipient list
    /// names) rather than addressed or invited. They are on the row (it
    /// counts for them, consent reads it) but took no part in it: breadth and
    /// the rankings of people leave them out (see [`Columns::took_part`]).
    pub copied: Vec<bool>,
}

impl Columns {
    pub fn len(&self) -> usize {
        self.id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    pub fn participants(&self, row: usize) -> &[PersonKey] {
        &self.parts[self.part_range(row)]
    }

    pub fn involves(&self, row: usize, person: PersonKey) -> bool {
        self.from[row] == person || self.participants(row).contains(&person)
    }

    fn part_range(&self, row: usize) -> std::ops::Range<usize> {
        let start = if row == 0 { 0 } else { self.part_end[row - 1] as usize };
        start..self.part_end[row] as usize
    }

    /// The row's participants with whether each was only copied.
    pub fn participants_copied(&self, row: usize) -> impl Iterator<Item = (PersonKey, bool)> + '_ {
        let range = self.part_range(row);
        self.parts[range.clone()].iter().copied().zip(self.copied[range].iter().copied())
    }

    /// The people who took part in the row: its sender, then the
    /// participants who were addressed (`to`) or invited, not those only copied.
    pub fn took_part(&self, row: usize) -> impl Iterator<Item = PersonKey> + '_ {
        let addressed = self.participants_copied(row).filter(|&(_, copied)| !copied).map(|(p, _)| p);
        std::iter::once(self.from[row]).chain(addressed)
    }
}

/// The version of a row that was given none.
pub const NO_VERSION: i64 = i64::MIN;

/// A row's strings as handles: its id, the id it answers and its
/// conversation (`NONE`: not given).
#[derive(Clone, Copy)]
pub struct Interned {
    pub id: u32,
    pub reply_to: u32,
    pub thread: u32,
}

/// One interaction ready to be stored: persons already canonical.
pub struct NewRow<'a> {
    pub id: &'a str,
    pub kind: Kind,
    pub from: PersonKey,
    pub at: i64,
    pub duration_s: u32,
    pub thread: Option<&'a str>,
    pub reply_to: Option<&'a str>,
    pub parts: &'a [PersonKey],
    /// Aligned with `parts`: see [`Columns::copied`].
    pub copied: &'a [bool],
    pub message: Option<&'a str>,
    pub reply_message: Option<&'a str>,
    pub conv_index: Option<&'a str>,
    /// See [`Columns::version`].
    pub version: i64,
}
