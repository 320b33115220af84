//! Which records of a batch name an id that another of its records names.
//!
//! Staging follows what becomes of each id through a batch in a table of
//! the ids it touched. At a million records that table is a cache miss or
//! two a record (its control bytes, then its slot), yet nearly every id of
//! a large batch occurs once, and the table is only ever asked about an id
//! that occurs again. So a large batch sorts its ids' hashes first (a sort
//! reads and writes memory in runs, not at random), and only the records
//! whose hash another shares go through the table.

/// Batches of fewer records follow every id: their table stays in cache,
/// and the sort would cost about what it saves (the bench's 16 MiB NDJSON
/// chunks, about 80,000 records each, loaded no faster with it).
pub(super) const SORTED_FROM: usize = 1 << 17;

/// Which records staging must follow through the batch, or `None` for
/// every one (a batch of fewer than [`SORTED_FROM`] records).
pub(super) fn repeats(hashes: impl ExactSizeIterator<Item = u64>) -> Option<Vec<bool>> {
    // A record's place is kept in 32 bits (see `shared`).
    (SORTED_FROM..=u32::MAX as usize).contains(&hashes.len()).then(|| shared(hashes))
}

/// `shared(hashes)[i]`: another record's hash folds to the same 32 bits as
/// record `i`'s. Every record whose id occurs again in the batch is marked;
/// a record whose id only shares those bits with another's is marked too,
/// which costs it a lookup, nothing more.
fn shared(hashes: impl ExactSizeIterator<Item = u64>) -> Vec<bool> {
    let n = hashes.len();
    let mut keys: Vec<i64> =
        hashes.enumerate().map(|(i, h)| (u64::from(fold(h)) << 32 | i as u64) as i64).collect();
    // An `i64` sort: one the module already holds.
    keys.sort_unstable();
    let mut repeated = vec![false; n];
    for pair in keys.windows(2).filter(|pair| pair[0] >> 32 == pair[1] >> 32) {
        repeated[pair[0] as u32 as usize] = true;
        repeated[pair[1] as u32 as usize] = true;
    }
    repeated
}

/// A hash's 64 bits folded to 32. In wasm32 the hasher's words are 32 bits:
/// its hashes have nothing in their top half.
fn fold(h: u64) -> u32 {
    (h ^ h >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_every_hash_another_record_shares_and_no_other() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut hashes: Vec<u64> = (0..5000).map(|_| next()).collect();
        // Repeats at either end, side by side, and far apart; one hash three times.
        for (from, to) in [(0, 4999), (10, 11), (20, 3000), (30, 31), (30, 4000)] {
            hashes[to] = hashes[from];
        }
        // Another hash folding to the same 32 bits: marked (it costs a lookup only).
        hashes[40] = hashes[41] ^ 0x0101_0101_0101_0101;
        // 32-bit hashes (wasm32's): the top half empty, repeats still found.
        for h in &mut hashes[100..200] {
            *h &= 0xFFFF_FFFF;
        }
        hashes[150] = hashes[120];
        let marked = shared(hashes.iter().copied());
        let same = |a: u64, b: u64| (a ^ a >> 32) as u32 == (b ^ b >> 32) as u32;
        let expected: Vec<bool> =
            (0..hashes.len()).map(|i| hashes.iter().filter(|&&h| same(h, hashes[i])).count() > 1).collect();
        assert_eq!(marked, expected);
        let count = marked.iter().filter(|&&m| m).count();
        assert_eq!(count, 13, "0, 4999, 10, 11, 20, 3000, 30, 31, 4000, 40, 41, 120, 150");
        assert!(shared([].into_iter()).is_empty());
        assert_eq!(shared([7].into_iter()), [false]);
        assert_eq!(repeats(hashes.iter().copied()), None, "a small batch follows every record");
    }
}
