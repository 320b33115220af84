//! A record as a load reads it, before staging checks it against the
//! store: the same for both formats (SPEC records, Graph items), so that
//! staging and storing have one reading of each.

use std::borrow::Cow;

use crate::model::Kind;

/// One well-formed record, person ids normalised, not yet checked against the store.
pub struct Parsed<'a> {
    pub id: Cow<'a, str>,
    pub kind: Kind,
    pub from: Cow<'a, str>,
    /// `to` and `cc` together, without repeats and without the sender:
    /// where they lie in the batch's list of participants (see [`Records`]).
    pub parts: (u32, u32),
    pub at: i64,
    pub duration_s: u32,
    pub thread: Option<Cow<'a, str>>,
    pub reply_to: Option<Cow<'a, str>>,
    pub cancelled: bool,
    /// `modifiedAt` (SPEC) or `lastModifiedDateTime` (Graph), or
    /// [`NO_VERSION`](crate::store::NO_VERSION).
    pub version: i64,
    /// A deletion (`deleted: true`, Graph's `@removed`): only `id` and
    /// `version` mean anything.
    pub deleted: bool,
    /// How many of `parts`, from the first, were addressed (`to`) or invited;
    /// the rest were only copied (see `Columns::copied`).
    pub addressed: usize,
    /// What only some records carry, boxed (see [`Parsed::mail`]).
    pub(super) mail: Option<Box<Mail<'a>>>,
}

/// What only some records carry: Message-IDs, Graph's headers and names.
/// Kept out of line, so that a batch of records without them (a million
/// of them, staged all at once) is not a third larger for nothing.
#[derive(Default)]
pub struct Mail<'a> {
    /// Normalised Message-ID (`messageId`, Graph `internetMessageId`).
    pub message_id: Option<String>,
    /// The Message-ID it answers (headers, or a SPEC `inReplyTo` shaped like one).
    pub reply_message: Option<String>,
    /// Graph `conversationIndex`, as hex.
    pub conv_index: Option<String>,
    /// Graph: the item carries `internetMessageHeaders`, so its reply link
    /// (or the lack of one) is read from them, not inferred from order.
    pub reply_headers: bool,
    /// Display names the item gives its people (Graph `emailAddress.name`).
    pub names: Vec<Named<'a>>,
}

impl<'a> Mail<'a> {
    /// What a record keeps of it: nothing when it holds nothing.
    pub fn boxed(self) -> Option<Box<Mail<'a>>> {
        let empty = self.message_id.is_none()
            && self.reply_message.is_none()
            && self.conv_index.is_none()
            && !self.reply_headers
            && self.names.is_empty();
        (!empty).then(|| Box::new(self))
    }
}

static NO_MAIL: Mail<'static> =
    Mail { message_id: None, reply_message: None, conv_index: None, reply_headers: false, names: Vec::new() };

/// A batch's parsed records, each with its index in the batch, and their
/// participants in one list: a record's are a range of it, so that a
/// million records are not a million small allocations.
pub struct Records<'a> {
    pub list: Vec<(usize, Parsed<'a>)>,
    pub people: Vec<Cow<'a, str>>,
}

impl<'a> Records<'a> {
    /// A record's participants.
    pub fn parts(&self, record: &Parsed<'a>) -> &[Cow<'a, str>] {
        &self.people[record.parts.0 as usize..record.parts.1 as usize]
    }
}

/// Where the participants added to `people` since `start` lie.
pub fn span(people: &[Cow<'_, str>], start: usize) -> (u32, u32) {
    (start as u32, people.len() as u32)
}

/// A display name an item gives one of its people.
pub struct Named<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
    /// Given by the person's own entry (`from`, `organizer`) rather than
    /// written by someone else for a recipient or attendee.
    pub own: bool,
}

impl<'a> Parsed<'a> {
    /// The record's Message-IDs, headers and names (nothing for most records).
    pub fn mail(&self) -> &Mail<'a> {
        self.mail.as_deref().unwrap_or(&NO_MAIL)
    }

    /// A deletion of `id`.
    pub fn deletion(id: Cow<'a, str>, version: i64) -> Parsed<'a> {
        Parsed {
            id,
            kind: Kind::Email,
            from: Cow::Borrowed(""),
            parts: (0, 0),
            at: 0,
            duration_s: 0,
            thread: None,
            reply_to: None,
            cancelled: false,
            version,
            deleted: true,
            addressed: 0,
            mail: None,
        }
    }
}
