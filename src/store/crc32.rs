//! CRC-32 (IEEE), the snapshot's check of its bytes, eight bytes a step.
//!
//! Reopening a stored snapshot checks every byte of it (16.7 MB at 200,000
//! interactions): one table lookup a byte was 40 % of `fromSnapshot`.
//! "Slicing by eight" looks up eight bytes at once, in eight tables where
//! table k holds a byte's effect k bytes further on. The tables are made on
//! first use (a few microseconds) rather than stored: 8 KiB of them would be
//! 8 KiB more .wasm to download.

use std::sync::OnceLock;

const POLY: u32 = 0xEDB8_8320;

fn tables() -> &'static [[u32; 256]; 8] {
    static TABLES: OnceLock<[[u32; 256]; 8]> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = [[0u32; 256]; 8];
        for (i, entry) in t[0].iter_mut().enumerate() {
            *entry = (0..8).fold(i as u32, |c, _| if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 });
        }
        for k in 1..8 {
            for i in 0..256 {
                let prev = t[k - 1][i];
                t[k][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            }
        }
        t
    })
}

/// The CRC-32 of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let t = tables();
    let at = |k: usize, byte: u32| t[k][(byte & 0xFF) as usize];
    let mut c = !0u32;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let lo = c ^ u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        let hi = u32::from_le_bytes([w[4], w[5], w[6], w[7]]);
        c = at(7, lo)
            ^ at(6, lo >> 8)
            ^ at(5, lo >> 16)
            ^ at(4, lo >> 24)
            ^ at(3, hi)
            ^ at(2, hi >> 8)
            ^ at(1, hi >> 16)
            ^ at(0, hi >> 24);
    }
    !words.remainder().iter().fold(c, |c, &b| at(0, c ^ u32::from(b)) ^ (c >> 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook definition: one bit at a time.
    fn bitwise(bytes: &[u8]) -> u32 {
        !bytes.iter().fold(!0u32, |c, &b| {
            (0..8).fold(c ^ u32::from(b), |c, _| if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 })
        })
    }

    #[test]
    fn matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn matches_the_bitwise_definition_at_every_length_and_alignment() {
        // Bytes that reach every table entry: a simple generator, not a pattern.
        let mut x = 0x2545_F491_u32;
        let bytes: Vec<u8> = (0..600)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        for start in 0..9 {
            for end in start..bytes.len() {
                assert_eq!(crc32(&bytes[start..end]), bitwise(&bytes[start..end]), "bytes {start}..{end}");
            }
        }
    }
}
