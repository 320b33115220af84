//! Interning a row's strings (its id, the id it answers, its conversation)
//! into the store's handles (`Interned`): one row at a time or, for a large
//! batch, all at once.

use std::vec::IntoIter;

use super::columns::Interned;
use super::Store;
use crate::ids::NONE;

/// The handles [`Store::intern_rows`] gave a batch's rows, taken row by row.
pub struct Handles {
    ids: IntoIter<u32>,
    threads: IntoIter<u32>,
}

impl Handles {
    /// The next row's, which answers an id or not and has a conversation or not.
    pub fn next(&mut self, reply_to: bool, thread: bool) -> Interned {
        let take = |handles: &mut IntoIter<u32>, given: bool| match given {
            true => handles.next().unwrap_or(NONE),
            false => NONE,
        };
        Interned {
            id: take(&mut self.ids, true),
            reply_to: take(&mut self.ids, reply_to),
            thread: take(&mut self.threads, thread),
        }
    }
}

impl Store {
    /// A row's id, the id it answers and its conversation as handles.
    pub fn intern_row(&mut self, id: &str, reply_to: Option<&str>, thread: Option<&str>) -> Interned {
        let ids = &mut self.interaction_ids;
        Interned {
            id: ids.intern(id),
            reply_to: reply_to.map_or(NONE, |r| ids.intern(r)),
            thread: thread.map_or(NONE, |t| self.threads.intern(t)),
        }
    }

    /// What [`Store::intern_row`] gives each of `rows` (id, the id it
    /// answers, conversation), one row after another, found or added in
    /// sweeps of each table instead (see [`Interner::intern_all`]): for a
    /// large batch, about a cache miss less a string.
    pub fn intern_rows<'r, R>(&mut self, rows: R) -> Handles
    where
        R: Iterator<Item = (&'r str, Option<&'r str>, Option<&'r str>)> + Clone,
    {
        // One list of strings at a time: at a million rows, a list is 8 to 12 MB.
        let ids = {
            let ids: Vec<&str> =
                rows.clone().flat_map(|(id, reply_to, _)| std::iter::once(id).chain(reply_to)).collect();
            self.interaction_ids.intern_all(&ids)
        };
        let threads = {
            let threads: Vec<&str> = rows.filter_map(|(_, _, thread)| thread).collect();
            self.threads.intern_all(&threads)
        };
        Handles { ids: ids.into_iter(), threads: threads.into_iter() }
    }
}
