//! Sorting with the `.wasm` size in mind: every sort the standard library
//! compiles is a new copy of its code for each element type and comparator
//! (3–12 KB each). So the cold paths (ranking a result list, ordering groups)
//! call this module's one sort, which orders a list of positions through the
//! same compiled code whatever the comparator; and the hot loops, which keep
//! `slice::sort_unstable` because it inlines the compare, sort plain integers
//! or tuples of them (`u32`, `usize`, `(i64, Row)`, …) by their natural order,
//! types whose sort is already compiled, instead of sorting by a closure.
//! `scripts/build.sh` fails when the `.wasm` outgrows the budget in
//! `scripts/wasm-size-budget`.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal items in their order: the same
/// result as `items.sort_by(compare)`.
pub fn by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = positions(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `items` by the key `key` gives, keeping equal items in their order:
/// the same result as `items.sort_by_key(key)`.
pub fn by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    by(items, |a, b| key(a).cmp(&key(b)));
}

/// 0..len ordered by `compare`, stably; never inlined, so that it is compiled once.
#[inline(never)]
fn positions(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_stable_sort() {
        let mut state = 7u32;
        let items: Vec<(u8, u32)> = (0..2000)
            .map(|i| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                ((state >> 28) as u8, i)
            })
            .collect();
        let (mut ours, mut expected) = (items.clone(), items);
        by(&mut ours, |a, b| b.0.cmp(&a.0));
        expected.sort_by_key(|x| std::cmp::Reverse(x.0));
        assert_eq!(ours, expected, "equal keys keep their order");
        by_key(&mut ours, |x| x.1);
        expected.sort_by_key(|x| x.1);
        assert_eq!(ours, expected);
        let mut empty: Vec<String> = Vec::new();
        by_key(&mut empty, |s| s.len());
        assert!(empty.is_empty());
    }
}
