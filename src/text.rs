//! Numbers as text without core's float formatting (`{:.1}` or `{}` of an
//! f64), which costs the `.wasm` about 14 KB of code and its tables. Each
//! function gives exactly the text of the `format!` it stands for: fixed
//! decimals by integer arithmetic on the binary value, shortest digits from
//! zmij, which serde_json links anyway.

/// `format!("{x:.decimals$}")` for `decimals` ≤ 3 (more are taken as 3): the
/// binary value rounded exactly, ties to even, as core rounds it.
pub fn fixed(x: f64, decimals: u32) -> String {
    if !x.is_finite() {
        return shortest(x);
    }
    let decimals = decimals.min(3);
    let (m, e) = binary(x);
    let digits = if e >= 0 {
        integer(m, e.unsigned_abs()) + &"0".repeat(decimals as usize)
    } else {
        // |x| · 10^decimals = scaled / 2^shift, and scaled < 2^53 · 10^3 < 2^63.
        let scaled = m * 10u64.pow(decimals);
        let shift = e.unsigned_abs();
        let units = if shift >= 64 {
            0
        } else {
            let (whole, rest, half) = (scaled >> shift, scaled & ((1 << shift) - 1), 1 << (shift - 1));
            whole + u64::from(rest > half || (rest == half && whole & 1 == 1))
        };
        units.to_string()
    };
    with_point(x.is_sign_negative(), digits, decimals as usize)
}

/// `format!("{x}")`: the shortest digits that read back as `x`, written out
/// in full. zmij finds the digits; core differs from it in writing no
/// exponent (zmij uses one past 1e16 or below 1e-5), no `.0`, and in
/// rounding a tie between two shortest candidates up where zmij picks the
/// even one.
pub fn shortest(x: f64) -> String {
    let mut buffer = zmij::Buffer::new();
    if !x.is_finite() {
        return buffer.format(x).to_string();
    }
    let text = buffer.format_finite(x.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, ""));
    let magnitude = exponent.bytes().filter(u8::is_ascii_digit).fold(0, |e, b| e * 10 + i32::from(b - b'0'));
    let exponent = if exponent.starts_with('-') { -magnitude } else { magnitude };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // |x| ≈ n · 10^exp10, with at most 17 significant digits in n.
    let mut n = int.bytes().chain(frac.bytes()).fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    let mut exp10 = exponent - frac.len() as i32;
    if n == 0 {
        exp10 = 0;
    } else if is_tie_below(x, n, exp10) {
        n += 1;
    }
    while n != 0 && n % 10 == 0 {
        n /= 10;
        exp10 += 1;
    }
    let digits = n.to_string() + &"0".repeat(exp10.max(0).unsigned_abs() as usize);
    with_point(x.is_sign_negative(), digits, exp10.min(0).unsigned_abs() as usize)
}

/// `digits` with a decimal point before its last `fraction` digits (and a
/// zero before the point when nothing else is), and the sign.
fn with_point(negative: bool, mut digits: String, fraction: usize) -> String {
    if digits.len() <= fraction {
        digits.insert_str(0, &"0".repeat(fraction + 1 - digits.len()));
    }
    if fraction > 0 {
        digits.insert(digits.len() - fraction, '.');
    }
    if negative {
        digits.insert(0, '-');
    }
    digits
}

/// |x| = m · 2^e exactly, for a finite x (m = 0 for zero).
fn binary(x: f64) -> (u64, i32) {
    let bits = x.abs().to_bits();
    let (biased, fraction) = ((bits >> 52) as i32, bits & ((1 << 52) - 1));
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased - 1075)
    }
}

/// `m · 2^e` in decimal digits, through limbs of nine digits.
fn integer(m: u64, e: u32) -> String {
    const LIMB: u64 = 1_000_000_000;
    let mut limbs = vec![m % LIMB, m / LIMB % LIMB, m / LIMB / LIMB];
    for _ in 0..e {
        let mut carry = 0;
        for limb in &mut limbs {
            let doubled = *limb * 2 + carry;
            (*limb, carry) = (doubled % LIMB, doubled / LIMB);
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut text = String::new();
    for limb in limbs.iter().rev() {
        let digits = limb.to_string();
        if !text.is_empty() {
            text += &"0".repeat(9 - digits.len());
        }
        text += &digits;
    }
    text
}

/// Whether |x| is exactly (n + ½) · 10^exp10, that is (2n + 1) · 5^exp10 ·
/// 2^(exp10 − 1), compared as integers: |x| = odd · 2^power.
fn is_tie_below(x: f64, n: u64, exp10: i32) -> bool {
    let (m, e) = binary(x);
    let (odd, power) = (m >> m.trailing_zeros(), e + m.trailing_zeros() as i32);
    // Either side past 2^64 is larger than the other can be.
    let five = |k: i32| 5u64.checked_pow(k.max(0).unsigned_abs());
    let left = five(-exp10).and_then(|f| f.checked_mul(odd));
    let right = five(exp10).and_then(|f| f.checked_mul(2 * n + 1));
    power == exp10 - 1 && left.is_some() && left == right
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values around every rounding edge: halves, ties that binary makes
    /// inexact, subnormals, powers of two, the largest finite values.
    fn edges() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -0.5,
            0.25,
            0.125,
            0.35,
            0.05,
            -0.01,
            1e-7,
            1e16,
            1e17,
            1e21,
            1e22,
            123_456_789.123_456_79,
            9.995,
            99.95,
            0.1 + 0.2,
            4.0,
            14.0,
            68.1,
            f64::MIN_POSITIVE,
            f64::MIN_POSITIVE / 3.0,
            5e-324,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            2f64.powi(52),
            2f64.powi(53) + 2.0,
            2f64.powi(64),
            u64::MAX as f64,
            // Ties between two 16-digit candidates: core rounds them up.
            2f64.powi(50) + 1000.25,
            -(1_052_730_259_603_333.0 + 0.25),
            72057594037927944.0,
        ];
        for i in 0..=2000 {
            v.push(f64::from(i) / 8.0);
            v.push(f64::from(i) / 1000.0);
            v.push(f64::from(i) * 0.05);
        }
        v
    }

    /// A reproducible spread of f64s: random bit patterns (every exponent),
    /// random values in the ranges the insights print, and wide ones.
    fn spread() -> impl Iterator<Item = f64> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        std::iter::from_fn(move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            Some(state)
        })
        .take(400_000)
        .map(|r| match r % 3 {
            0 => f64::from_bits(r),
            1 => (r >> 11) as f64 / (1u64 << 53) as f64 * 1e4,
            // Wide integers and quarters, where two shortest candidates tie.
            _ => (r >> 11) as f64 * 2f64.powi((r >> 4 & 15) as i32 - 4),
        })
    }

    #[test]
    fn fixed_is_core_fixed_formatting() {
        for x in edges().into_iter().chain(spread()).filter(|x| !x.is_nan()) {
            for d in 0..=3 {
                assert_eq!(fixed(x, d), format!("{x:.0$}", d as usize), "{x:e} to {d} decimals");
            }
        }
        assert_eq!(fixed(0.12345, 9), "0.123", "more than 3 decimals are taken as 3");
    }

    #[test]
    fn shortest_is_core_display() {
        for x in edges().into_iter().chain(spread()).filter(|x| !x.is_nan()) {
            assert_eq!(shortest(x), format!("{x}"), "{x:e}");
        }
    }

    #[test]
    fn non_finite_values_read_as_core_writes_them() {
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(shortest(x), format!("{x}"));
            assert_eq!(fixed(x, 2), format!("{x:.2}"));
        }
        assert_eq!(
            (fixed(2.5, 0), fixed(-0.04, 1), fixed(1e20, 1)),
            ("2".into(), "-0.0".into(), "100000000000000000000.0".into())
        );
        assert_eq!(
            (shortest(4.0), shortest(-0.0), shortest(1e-7)),
            ("4".into(), "-0".into(), "0.0000001".into())
        );
    }
}
