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
        let h = hash(s);
        let Interner { text, ends, table } = self;
        if let Some(&i) = table.find(h, |&i| same(slice(text, ends, i).as_bytes(), s.as_bytes())) {
            return i;
        }
        let i = ends.len() as u32;
        text.push_str(s);
        ends.push(text.len() as u32);
        table.insert_unique(h, i, |&j| hash(slice(text, ends, j)));
        i
    }

    /// Makes room for `n` more strings of about `bytes` bytes in all, so that
    /// a large batch does not grow the table step by step.
    pub fn reserve(&mut self, n: usize, bytes: usize) {
        let Interner { text, ends, table } = self;
        text.reserve(bytes);
        ends.reserve(n);
        table.reserve(n, |&j| hash(slice(text, ends, j)));
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
}
