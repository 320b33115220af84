//! Interning of strings (person keys, interaction ids, thread ids) to dense
//! `u32` handles. All strings live in one buffer with an offset table, so a
//! million ids cost their bytes plus about nine bytes each, not a heap
//! allocation each.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::words::same;

/// A handle that stands for "no value" in `u32` columns.
pub const NONE: u32 = u32::MAX;

#[derive(Clone, Default)]
pub struct Interner {
    text: String,
    /// End offset in `text` of each string; the start is the previous end.
    ends: Vec<u32>,
    table: HashTable<u32>,
}

fn hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

/// Adds a string to the text; returns its handle.
fn push(text: &mut String, ends: &mut Vec<u32>, s: &str) -> u32 {
    text.push_str(s);
    ends.push(text.len() as u32);
    ends.len() as u32 - 1
}

/// The hash of a table entry, for the table to move it when it grows: one
/// function for every call, so that the table's growing is compiled once.
fn rehasher<'a>(text: &'a str, ends: &'a [u32]) -> impl Fn(&u32) -> u64 + 'a {
    move |&e| hash(slice(text, ends, e))
}

/// `Interner::intern`, on its parts.
fn find_or_add(table: &mut HashTable<u32>, text: &mut String, ends: &mut Vec<u32>, s: &str) -> u32 {
    let h = hash(s);
    if let Some(&i) = table.find(h, |&i| same(slice(text, ends, i).as_bytes(), s.as_bytes())) {
        return i;
    }
    let i = push(text, ends, s);
    table.insert_unique(h, i, rehasher(text, ends));
    i
}

fn slice<'t>(text: &'t str, ends: &[u32], i: u32) -> &'t str {
    let i = i as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    &text[start..ends[i] as usize]
}

impl Interner {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, s: &str) -> Option<u32> {
        self.table
            .find(hash(s), |&i| same(slice(&self.text, &self.ends, i).as_bytes(), s.as_bytes()))
            .copied()
    }

    pub fn intern(&mut self, s: &str) -> u32 {
        let Interner { text, ends, table } = self;
        find_or_add(table, text, ends, s)
    }

    /// The handles that `intern` gives `strs` one after another, the same
    /// handles, but the table read and written in the order of the strings'
    /// places in it, in two sweeps. At a million strings, `intern` finds
    /// each new string's place with a cache miss (its control bytes). Costs
    /// a sort of the strings' hashes and 16 bytes a string while it runs,
    /// so it is for large batches.
    // Compiled once for both of the store's tables that call it.
    #[inline(never)]
    pub fn intern_all(&mut self, strs: &[&str]) -> Vec<u32> {
        let n = strs.len();
        let Interner { text, ends, table } = self;
        table.reserve(n, rehasher(text, ends));
        // A hash's place is its low bits (`bits` of them): keys hold the
        // hash turned so that those come first, then the string's number.
        let bits = (table.capacity() / 7 * 8).max(1).next_power_of_two().trailing_zeros();
        // In wasm32 the hasher's words are 32 bits: a key then holds the whole hash.
        let mut wide = false;
        let mut keys: Vec<i64> = (strs.iter().enumerate())
            .map(|(i, s)| {
                let h = hash(s);
                wide |= h >> 32 != 0;
                (u64::from((h as u32).rotate_right(bits)) << 32 | i as u64) as i64
            })
            .collect();
        // An `i64` sort: one the module already holds.
        keys.sort_unstable();
        let at = |k: i64| k as u32 as usize;
        let hash_of = |k: i64| match wide {
            true => hash(strs[at(k)]),
            false => u64::from(((k >> 32) as u32).rotate_left(bits)),
        };
        // `first[i]`: the first of `strs` with the hash of `strs[i]` (keys
        // with one hash are a run), the one looked up here; `handle[i]`,
        // once known.
        let mut first: Vec<u32> = (0..n as u32).collect();
        let mut handle = vec![NONE; n];
        let (mut run, mut j) = (None, 0);
        for &k in &keys {
            if run.replace(k >> 32) == Some(k >> 32) {
                first[at(k)] = j as u32;
                continue;
            }
            j = at(k);
            let found =
                table.find(hash_of(k), |&e| same(slice(text, ends, e).as_bytes(), strs[j].as_bytes()));
            handle[j] = found.copied().unwrap_or(NONE);
        }
        // In the order of `strs`: each string is its run's first (stored
        // already, or new: added to the table below), or equal to it
        // (compared now: a reply follows what it answers closely, so both
        // are still in cache), or (rarely) another string with the same
        // hash, looked up and added now (a string of the batch equal to it
        // would be its run's first).
        let old = ends.len() as u32;
        for i in 0..n {
            let j = first[i] as usize;
            handle[i] = if j == i {
                match handle[i] {
                    NONE => push(text, ends, strs[i]),
                    stored => stored,
                }
            } else if same(strs[i].as_bytes(), strs[j].as_bytes()) {
                handle[j]
            } else {
                find_or_add(table, text, ends, strs[i])
            };
        }
        drop(first);
        // The new strings that were their run's first into the table, in place order.
        let mut run = None;
        for &k in &keys {
            if run.replace(k >> 32) == Some(k >> 32) {
                continue;
            }
            let h = handle[at(k)];
            if h >= old {
                table.insert_unique(hash_of(k), h, rehasher(text, ends));
            }
        }
        handle
    }

    /// Makes room for `n` more strings of about `bytes` bytes in all, so that
    /// a large batch does not grow the table step by step.
    pub fn reserve(&mut self, n: usize, bytes: usize) {
        let Interner { text, ends, table } = self;
        text.reserve(bytes);
        ends.reserve(n);
        table.reserve(n, rehasher(text, ends));
    }

    /// The string behind a handle this interner returned.
    pub fn resolve(&self, i: u32) -> &str {
        slice(&self.text, &self.ends, i)
    }

    /// Heap bytes held, for memory reports.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4 + self.table.capacity() * 5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_each_string_once_and_resolves_it_back() {
        let mut interner = Interner::default();
        let words: Vec<String> = (0..5000).map(|i| format!("id-{}", i % 1700)).collect();
        let handles: Vec<u32> = words.iter().map(|w| interner.intern(w)).collect();
        assert_eq!(interner.len(), 1700);
        for (w, h) in words.iter().zip(&handles) {
            assert_eq!(interner.resolve(*h), w);
            assert_eq!(interner.get(w), Some(*h));
        }
        assert_eq!(interner.get("absent"), None);
        assert_eq!(interner.intern(""), 1700);
        assert_eq!(interner.resolve(1700), "");
    }

    /// Two strings, each `prefix` and a number, with the same 32-bit hash:
    /// a birthday search, about a hundred thousand strings.
    fn colliding(prefix: &str) -> (String, String) {
        let mut seen = std::collections::HashMap::new();
        for i in 0u32.. {
            let s = format!("{prefix}{i}");
            if let Some(other) = seen.insert(hash(&s) as u32, s.clone()) {
                return (other, s);
            }
        }
        unreachable!()
    }

    #[test]
    fn interning_a_batch_gives_the_handles_of_interning_one_by_one() {
        let (a, b) = colliding("new-");
        let (c, stored) = colliding("old-");
        let mut before = Interner::default();
        for i in 0..3000 {
            before.intern(&format!("old-{i}"));
        }
        before.intern(&stored);
        let mut batch: Vec<String> = Vec::new();
        for i in 0..150_000 {
            batch.push(format!("id-{i}"));
            match i % 7 {
                // A reply to the record before, and to a record far back.
                0 | 1 if i > 0 => batch.push(format!("id-{}", i - 1)),
                2 => batch.push(format!("id-{}", i / 3)),
                // Ahead of the record it names, and to nothing in the batch.
                3 => batch.push(format!("id-{}", i + 40)),
                4 => batch.push(format!("gone-{i}")),
                5 => batch.push(format!("old-{}", i % 3500)),
                _ => {}
            }
        }
        // Strings that share a hash with a new one or a stored one, and repeat.
        for (at, s) in [(5, &a), (9, &b), (10, &a), (70_000, &b), (80_000, &c), (90_000, &c), (3, &stored)] {
            batch.insert(at, s.clone());
        }
        batch.insert(100, String::new());
        batch.push(String::new());
        let strs: Vec<&str> = batch.iter().map(String::as_str).collect();
        let (mut one_by_one, mut at_once) = (before.clone(), before);
        let expected: Vec<u32> = strs.iter().map(|s| one_by_one.intern(s)).collect();
        assert_eq!(at_once.intern_all(&strs), expected);
        assert_eq!(at_once.len(), one_by_one.len());
        assert!(at_once.len() > 3001 + 150_000, "new strings were added");
        for h in 0..at_once.len() as u32 {
            assert_eq!(at_once.resolve(h), one_by_one.resolve(h));
            assert_eq!(at_once.get(at_once.resolve(h)), Some(h), "{h} is found again");
        }
        // And again: now every string is stored.
        assert_eq!(at_once.intern_all(&strs), expected);
        assert_eq!(at_once.len(), one_by_one.len());
        assert!(at_once.intern_all(&[]).is_empty());
    }
}
