//! Who answers whom in a Graph conversation. Graph gives no reply link, only
//! `conversationId` and `sentDateTime`, so the e-mails of a conversation are
//! put in time order (ties by id) and each answers the one just before it
//! when that one is from someone else. A sender's second message in a row (a
//! nudge, an afterthought) answers nobody: going further back to the other
//! side's message would count one question as answered twice.
//!
//! The order takes in the conversation's e-mails already stored, so pages may
//! come in any order (Graph lists messages newest first by default): a page
//! that brings an earlier message re-points the stored e-mail after it.

use std::borrow::Cow;

use super::super::interactions::{Staged, Who};
use crate::ids::NONE;
use crate::model::Kind;
use crate::store::Store;

#[derive(Clone, Copy, PartialEq)]
enum Slot {
    /// Index in the staged batch.
    New(usize),
    /// Row in the store.
    Stored(usize),
}

struct Message<'a> {
    thread: &'a str,
    at: i64,
    id: &'a str,
    from: Who<'a>,
    slot: Slot,
}

/// Sets `reply_to` on the staged e-mails of every conversation the batch
/// touches, and returns the stored rows whose reply must change (row, the
/// id it now answers), to apply once the batch is stored.
pub(super) fn thread<'t>(store: &Store, staged: &mut [Staged<'t>]) -> Vec<(usize, Option<String>)> {
    let mut messages: Vec<Message> = Vec::new();
    for (i, s) in staged.iter().enumerate() {
        let record = s.record;
        let Some(thread) = record.thread.as_deref() else { continue };
        if record.kind == Kind::Email {
            messages.push(Message {
                thread,
                at: record.at,
                id: &record.id,
                from: s.from,
                slot: Slot::New(i),
            });
        }
    }
    if messages.is_empty() {
        return Vec::new();
    }

    // The stored e-mails of the conversations the batch touches, each
    // conversation once, through the store's chain of its rows: a page costs
    // its own conversations, not the whole store.
    let mut touched: Vec<(u32, &str)> =
        messages.iter().filter_map(|m| store.thread_key(m.thread).map(|k| (k, m.thread))).collect();
    touched.sort_unstable_by_key(|&(k, _)| k);
    touched.dedup_by_key(|&mut (k, _)| k);
    let rows = store.rows();
    for (k, thread) in touched {
        for row in store.thread_rows(k) {
            visited::note();
            let (at, id, from) = (rows.at[row], store.interaction_id(row), Who::Known(rows.from[row]));
            messages.push(Message { thread, at, id, from, slot: Slot::Stored(row) });
        }
    }

    // Ids are unique, so this order is total and the same whatever the pages.
    heapsort(&mut messages, |a, b| (a.thread, a.at, a.id) < (b.thread, b.at, b.id));
    let mut rethreaded = Vec::new();
    for k in 0..messages.len() {
        let m = &messages[k];
        let answered =
            k.checked_sub(1).map(|p| &messages[p]).filter(|p| p.thread == m.thread && p.from != m.from);
        match m.slot {
            Slot::New(i) => {
                staged[i].reply_to = answered.map(|p| match p.slot {
                    Slot::New(j) => {
                        let record = staged[j].record;
                        Cow::Borrowed(record.id.as_ref())
                    }
                    Slot::Stored(_) => Cow::Owned(p.id.to_string()),
                });
            }
            Slot::Stored(row) => {
                let unchanged = match answered.map(|p| p.slot) {
                    None => store.rows().reply_to[row] == NONE,
                    Some(Slot::Stored(parent)) => store.reply_parent(row) == Some(parent),
                    Some(Slot::New(_)) => false,
                };
                if !unchanged {
                    rethreaded.push((row, answered.map(|p| p.id.to_string())));
                }
            }
        }
    }
    rethreaded
}

/// Stored rows looked at while threading, counted in unit tests only: a
/// page must cost work in proportion to its own conversations.
mod visited {
    #[cfg(test)]
    thread_local!(pub static ROWS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });

    #[inline]
    pub fn note() {
        #[cfg(test)]
        ROWS.with(|n| n.set(n.get() + 1));
    }
}

/// Sorts `v` in place by `less`, in O(n log n). Not the standard library's
/// sort: its code for one more element type costs about 10 KB of wasm.
fn heapsort<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let sift_down = |v: &mut [T], mut node: usize, end: usize| loop {
        let mut child = 2 * node + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[node], &v[child]) {
            break;
        }
        v.swap(node, child);
        node = child;
    };
    for node in (0..v.len() / 2).rev() {
        sift_down(v, node, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::{heapsort, visited};
    use crate::consent::Retention;
    use crate::load::{interactions, Format, LoadOptions};
    use crate::store::Store;

    /// Issue 12 (class 12, Graph part): a 20,000-message sync in pages of 10,
    /// each page continuing stored conversations, looks at each stored row a
    /// bounded number of times in all, not at the whole store per page.
    #[test]
    fn class_12_a_page_that_continues_stored_conversations_costs_its_own_conversations() {
        let party = |a: &str| format!(r#"{{"emailAddress":{{"address":"{a}"}}}}"#);
        let n = 20_000;
        let mut store = Store::new(vec!["northwind.example".into()]);
        let opts = LoadOptions { format: Format::Graph, lenient: false };
        let retention = Retention { viewer: None, others: true };
        visited::ROWS.with(|c| c.set(0));
        for page in 0..n / 10 {
            let items: Vec<String> = (0..10)
                .map(|i| {
                    let m = page * 10 + i;
                    // 500 conversations, each continued by every 50th page.
                    let (from, to) = if m % 2 == 0 { ("ada", "cleo") } else { ("cleo", "ada") };
                    format!(
                        r#"{{"id":"m{m}","conversationId":"conv-{}","sentDateTime":"2026-01-01T{:02}:{:02}:{:02}Z","from":{},"toRecipients":[{}]}}"#,
                        m % 500,
                        (m / 3600) % 24,
                        (m / 60) % 60,
                        m % 60,
                        party(&format!("{from}@northwind.example")),
                        party(&format!("{to}@contoso.example")),
                    )
                })
                .collect();
            let text = format!(r#"{{"value":[{}]}}"#, items.join(","));
            interactions::load(&mut store, &text, opts, &retention).unwrap();
        }
        assert_eq!(store.rows().len(), n);
        let rows = visited::ROWS.with(|c| c.get());
        // Each page reads its conversations' stored e-mails: 10 conversations
        // of up to n / 500 e-mails each, so n / 10 pages · 10 · n / 500 in all.
        let bound = (n / 10) * 10 * (n / 500);
        assert!(rows <= bound, "{rows} stored rows visited for {n} messages (bound {bound})");
    }

    #[test]
    fn heapsort_sorts() {
        for n in 0..40u64 {
            let mut v: Vec<u64> = (0..n).map(|i| (i * 7919 + 13) % 31).collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            heapsort(&mut v, |a, b| a < b);
            assert_eq!(v, expected);
        }
    }
}
