//! Reading bytes eight at a time, as one 64-bit word: the scans that run over
//! every byte of a load (a record's end, a string's end, an id's case). Core's
//! `memchr` reads a machine word, four bytes in wasm32, and a table lookup a
//! byte is slower still.

pub const ONES: u64 = 0x0101_0101_0101_0101;
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// Eight bytes of `b` from `at` (which must leave eight), as one word.
fn word(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default())
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
