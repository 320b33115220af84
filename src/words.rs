//! Reading bytes eight at a time, as one 64-bit word: the scans that run over
//! every byte of a load (a record's end, a string's end, an id's case), and
//! the interners' string compares (`same`). Core's
//! `memchr` reads a machine word, four bytes in wasm32, and a table lookup a
//! byte is slower still.

pub const ONES: u64 = 0x0101_0101_0101_0101;
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// Eight bytes of `b` from `at` (which must leave eight), as one word.
fn word(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default())
}

/// `a == b`, eight bytes a step: in wasm32 slice equality calls a `memcmp`
/// that compares one byte a step, and an interner compares a string at
/// every lookup.
#[inline(never)]
pub fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut at = 0;
    while at + 8 <= a.len() {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    a[at..].iter().zip(&b[at..]).all(|(x, y)| x == y)
}

/// The offset of the first byte of `b` that `flags` flags in the high bit of
/// its byte of a word (only the lowest flag of a word is read, so flags above
/// it may be borrows), eight bytes a step; the last few bytes one at a time,
/// by `byte`, which must say the same of a byte alone.
pub fn first(b: &[u8], flags: impl Fn(u64) -> u64, byte: impl Fn(u8) -> bool) -> Option<usize> {
    let mut at = 0;
    while at + 8 <= b.len() {
        let found = flags(word(b, at));
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    b[at..].iter().position(|&c| byte(c)).map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_is_equality_whatever_the_length_and_the_place_of_a_difference() {
        let text: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        let copy = text.clone();
        for len in 0..=text.len() {
            let a = &text[..len];
            assert!(same(a, &copy[..len]));
            assert!(len == 0 || !same(a, &text[..len - 1]), "a prefix");
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 0x20;
                assert!(!same(a, &b), "length {len}, differing at {at}");
            }
        }
    }
}
