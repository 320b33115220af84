//! Conversations: each one's stored e-mails chained, and the replies of
//! those without reply headers, from Graph's `conversationIndex` or else
//! inferred from their order.

use rustc_hash::FxHashMap;

use super::{parent_index, Store};
use crate::ids::NONE;

impl Store {
    /// The stored e-mail rows of a conversation, latest stored first.
    pub fn thread_rows(&self, thread: u32) -> impl Iterator<Item = usize> + '_ {
        let mut next = self.thread_last.get(thread as usize).copied().unwrap_or(NONE);
        std::iter::from_fn(move || {
            let row = (next != NONE).then_some(next as usize)?;
            next = self.thread_prev[row];
            Some(row)
        })
    }

    /// Works out the replies of the inferred rows of `threads` from each
    /// conversation's order (Microsoft Graph gives no reply link, SPEC 2.3):
    /// the e-mails of a conversation in time order (ties by id), each
    /// answering the one just before it when that one is from someone else.
    /// A sender's second message in a row (a nudge, an afterthought) answers
    /// nobody: going further back would count one question as answered
    /// twice. The same among the viewer's own rows for `own_reply_to`. Run
    /// after every change of a conversation's rows (a page, a purge), so a
    /// link only ever points at a row that is there, as if the others had
    /// never been loaded; a page costs its own conversations. A row with a
    /// `conversationIndex` answers the row of the conversation whose index
    /// is its own less the last block, and nobody while that row is not
    /// stored: the index says exactly which message it answers, so order is
    /// not consulted (it still counts as the previous row for the others).
    pub fn derive_replies(&mut self, threads: &mut Vec<u32>) {
        threads.sort_unstable();
        threads.dedup();
        let mut order: Vec<u32> = Vec::new();
        for &thread in threads.iter() {
            order.clear();
            order.extend(self.thread_rows(thread).map(|r| r as u32));
            reply_work::note(order.len());
            if !order.iter().any(|&r| self.rows.inferred[r as usize]) {
                continue;
            }
            let (c, ids) = (&self.rows, &self.interaction_ids);
            crate::sort::by(&mut order, |&a, &b| {
                let key = |r: u32| (c.at[r as usize], ids.resolve(c.id[r as usize]));
                key(a).cmp(&key(b))
            });
            let answer = |prev: Option<usize>, row: usize| {
                prev.filter(|&p| c.from[p] != c.from[row]).map_or(NONE, |p| c.id[p])
            };
            let (mut any, mut own) = (None, None);
            let by_index: FxHashMap<u32, usize> = order
                .iter()
                .map(|&r| r as usize)
                .filter(|&r| c.conv_index[r] != NONE)
                .map(|r| (c.conv_index[r], r))
                .collect();
            let messages = &self.messages;
            let indexed = |row: usize| {
                let own = messages.resolve(c.conv_index[row]);
                let parent = parent_index(own).and_then(|p| messages.get(p)).and_then(|h| by_index.get(&h));
                parent.filter(|&&p| p != row).map_or(NONE, |&p| c.id[p])
            };
            let mut links: Vec<(usize, u32, u32)> = Vec::new();
            for &row in &order {
                let row = row as usize;
                let mine = self.pinned.is_some_and(|v| c.involves(row, v));
                if c.inferred[row] && c.conv_index[row] != NONE {
                    let to = indexed(row);
                    links.push((row, to, if mine { to } else { NONE }));
                } else if c.inferred[row] {
                    links.push((row, answer(any, row), if mine { answer(own, row) } else { NONE }));
                }
                any = Some(row);
                if mine {
                    own = Some(row);
                }
            }
            for (row, to, own_to) in links {
                self.rows.reply_to[row] = to;
                self.rows.own_reply_to[row] = own_to;
            }
        }
    }

    /// Works out again, among the rows left, every reply inferred from a
    /// conversation's order (see [`Store::derive_replies`]); the conversation
    /// chains must be current (compaction has just rebuilt them).
    pub(super) fn rederive_replies(&mut self) {
        let c = &self.rows;
        let mut threads: Vec<u32> =
            (0..c.len()).filter(|&r| c.inferred[r] && c.thread[r] != NONE).map(|r| c.thread[r]).collect();
        self.derive_replies(&mut threads);
    }
}

/// Stored rows read while working out replies, counted in unit tests only:
/// a Graph page must cost work in proportion to its own conversations.
pub(crate) mod reply_work {
    #[cfg(test)]
    thread_local!(pub static ROWS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });

    #[inline]
    pub fn note(_rows: usize) {
        #[cfg(test)]
        ROWS.with(|n| n.set(n.get() + _rows));
    }
}
