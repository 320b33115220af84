//! E-mails by Message-ID: the rows that claim each one (the copies of one
//! e-mail in several mailboxes or folders are one row; a hostile reuse of
//! someone else's Message-ID is a row of its own), and the reply links that
//! name a Message-ID rather than an interaction id.

use super::Store;
use crate::ids::NONE;
use crate::model::{Kind, PersonKey};

impl Store {
    /// The signed-in user, when one is pinned.
    pub fn viewer(&self) -> Option<PersonKey> {
        self.pinned
    }

    /// Adds `row` to the rows claiming Message-ID handle `message`.
    pub(super) fn chain_message(&mut self, row: u32, message: u32) {
        self.message_next[row as usize] = std::mem::replace(&mut self.message_first[message as usize], row);
    }

    /// The stored e-mail rows claiming Message-ID `message` (normalised).
    pub fn message_rows(&self, message: &str) -> impl Iterator<Item = usize> + '_ {
        let first = self.messages.get(message).map_or(NONE, |m| self.message_first[m as usize]);
        let mut next = first;
        std::iter::from_fn(move || {
            let row = (next != NONE).then_some(next as usize)?;
            next = self.message_next[row];
            Some(row)
        })
    }

    /// The stored copy of an e-mail: a row with the same Message-ID, the same
    /// sender and the same sent time. Anything less is another e-mail that
    /// reuses the id (a resend, a forgery), never merged with this one.
    pub fn copy_of(&self, message: &str, from: PersonKey, at: i64) -> Option<usize> {
        let c = &self.rows;
        self.message_rows(message).find(|&r| c.kind[r] == Kind::Email && c.from[r] == from && c.at[r] == at)
    }

    /// The row that `row` answers by Message-ID: among the e-mails claiming
    /// the Message-ID it names, those it could be answering (its sender was
    /// on that e-mail, that e-mail's sender is on it, or both went to someone
    /// in common, as list mail does), those whose sender it is addressed to
    /// first, then the earliest (ties by interaction id).
    /// Resolved when read, so a reply loaded before its original links once
    /// the original is stored, whatever the order of pages.
    pub(super) fn message_parent(&self, row: usize) -> Option<usize> {
        let c = &self.rows;
        let m = c.reply_message[row];
        if m == NONE {
            return None;
        }
        let mut next = self.message_first.get(m as usize).copied().unwrap_or(NONE);
        let mut best: Option<usize> = None;
        while next != NONE {
            let p = next as usize;
            next = self.message_next[p];
            if p == row || c.kind[p] != Kind::Email || !self.could_answer(row, p) {
                continue;
            }
            // Whom the reply is addressed to first: a reused Message-ID
            // cannot draw a reply to its original's sender away from it.
            let key = |r: usize| (!c.involves(row, c.from[r]), c.at[r], self.interaction_id(r));
            if best.is_none_or(|b| key(p) < key(b)) {
                best = Some(p);
            }
        }
        best
    }

    /// Whether e-mail `reply` could be an answer to e-mail `parent`: a
    /// header names the e-mail it answers, but anyone can write any header.
    fn could_answer(&self, reply: usize, parent: usize) -> bool {
        let c = &self.rows;
        let (reply_parts, parent_parts) = (c.participants(reply), c.participants(parent));
        c.involves(parent, c.from[reply])
            || c.involves(reply, c.from[parent])
            || reply_parts.iter().any(|p| parent_parts.contains(p))
    }
}
