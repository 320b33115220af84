//! People per cell as bits: a bit a person and position (a part, a cell),
//! for the exact tables' counts of distinct people. Adding a person to a
//! hash set a cell, a participant at a time, was a fifth of a department
//! table's time; setting a bit is a load and a store.

use crate::model::PersonKey;

/// A bit per person and position, person-major.
pub(super) struct PersonBits {
    words: usize,
    bits: Vec<u64>,
}

impl PersonBits {
    pub fn new(people: usize, width: usize) -> PersonBits {
        let words = width.div_ceil(64);
        PersonBits { words, bits: vec![0; people * words] }
    }

    pub fn set(&mut self, p: PersonKey, i: usize) {
        self.bits[p.index() * self.words + i / 64] |= 1 << (i % 64);
    }

    /// Calls `f` with each bit set, as (person, position): by person, a
    /// person's in ascending order.
    pub fn each_one(&self, mut f: impl FnMut(PersonKey, usize)) {
        let words = self.words.max(1);
        for (at, &word) in self.bits.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                f(PersonKey::new((at / words) as u32), at % words * 64 + word.trailing_zeros() as usize);
                word &= word - 1;
            }
        }
    }
}

/// The most bits `PeoplePerCell` keeps (8 MiB): past it, a list.
const MAX_BITS: usize = 1 << 26;

/// The distinct people of each cell: bits while people × cells stays
/// under `MAX_BITS`, else every (cell, person) added, in a list sorted
/// once at the end (a table of many cells over many people would
/// otherwise allocate a bit for every pair).
pub(super) enum PeoplePerCell {
    Bits(PersonBits),
    /// `cell · 2^32 + person`: the i64 sort the tables compile anyway.
    Added(Vec<i64>),
}

impl PeoplePerCell {
    /// For people with keys below `people`, in `cells` cells.
    pub fn new(people: usize, cells: usize) -> PeoplePerCell {
        Self::within(people, cells, MAX_BITS)
    }

    fn within(people: usize, cells: usize, max_bits: usize) -> PeoplePerCell {
        if people.saturating_mul(cells) <= max_bits {
            PeoplePerCell::Bits(PersonBits::new(people, cells))
        } else {
            PeoplePerCell::Added(Vec::new())
        }
    }

    pub fn add(&mut self, cell: usize, p: PersonKey) {
        match self {
            PeoplePerCell::Bits(bits) => bits.set(p, cell),
            PeoplePerCell::Added(added) => added.push((cell as i64) << 32 | i64::from(p.raw())),
        }
    }

    /// How many people each of the `cells` cells has.
    pub fn counts(self, cells: usize) -> Vec<u32> {
        let mut n = vec![0; cells];
        match self {
            PeoplePerCell::Bits(bits) => bits.each_one(|_, c| n[c] += 1),
            PeoplePerCell::Added(mut added) => {
                added.sort_unstable();
                added.dedup();
                added.iter().for_each(|&k| n[(k >> 32) as usize] += 1);
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_and_a_list_count_the_same_people() {
        let (people, cells) = (300, 130);
        let (mut bits, mut list) =
            (PeoplePerCell::within(people, cells, usize::MAX), PeoplePerCell::within(people, cells, 0));
        assert!(matches!(bits, PeoplePerCell::Bits(_)) && matches!(list, PeoplePerCell::Added(_)));
        // Repeats, both ends of each word and of the table, every cell some.
        let mut model = vec![std::collections::BTreeSet::new(); cells];
        for k in 0..20_000usize {
            let (p, c) = ((k * 7919) % people, (k * 104_729) % cells);
            for (p, c) in [(p, c), (0, 0), (people - 1, cells - 1), (p, 63), (p, 64)] {
                bits.add(c, PersonKey::new(p as u32));
                list.add(c, PersonKey::new(p as u32));
                model[c].insert(p);
            }
        }
        let expected: Vec<u32> = model.iter().map(|m| m.len() as u32).collect();
        assert_eq!(bits.counts(cells), expected);
        assert_eq!(list.counts(cells), expected);
    }

    #[test]
    fn each_one_gives_each_persons_positions_in_order() {
        let mut bits = PersonBits::new(3, 200);
        for (p, i) in [(2, 199), (0, 5), (2, 64), (0, 63), (2, 0), (0, 5)] {
            bits.set(PersonKey::new(p), i);
        }
        let mut ones: Vec<(u32, usize)> = Vec::new();
        bits.each_one(|p, i| ones.push((p.raw(), i)));
        assert_eq!(ones, [(0, 5), (0, 63), (2, 0), (2, 64), (2, 199)]);
    }
}
