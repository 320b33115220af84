//! Discrete noise (SPEC 4.4): exact samples of the discrete Laplace
//! distribution, drawn with the algorithms of Canonne, Kamath and Steinke,
//! "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020,
//! arXiv:2004.00010): Algorithm 2 for the discrete Laplace, Algorithm 1 for
//! its Bernoulli(exp(−γ)) coins. They are exact because every step compares
//! a uniform integer with an integer bound (checked u64 arithmetic, never a
//! float: floating-point noise leaks, Mironov 2012), and the uniform integers
//! come from Lemire's multiply-and-reject method, which has no modulo bias.
//! The randomness is a ChaCha generator seeded from the platform's CSPRNG
//! (the browser's `crypto.getRandomValues` in wasm), or from a fixed seed in
//! tests.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::{Error, Result};

pub struct NoiseSource {
    rng: StdRng,
    /// From a fixed seed: reproducible, so it protects nothing (tests only).
    seeded: bool,
}

impl NoiseSource {
    /// A source seeded from the platform's cryptographic randomness.
    pub fn from_platform() -> Result<NoiseSource> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| Error::InvalidInput(format!("no cryptographic randomness available: {e}")))?;
        Ok(NoiseSource { rng: StdRng::from_seed(seed), seeded: false })
    }

    /// A reproducible source, for tests only: never for released figures.
    pub fn seeded(seed: u64) -> NoiseSource {
        NoiseSource { rng: StdRng::seed_from_u64(seed), seeded: true }
    }

    /// Whether the draws come from a fixed seed (what a table must say).
    pub fn is_seeded(&self) -> bool {
        self.seeded
    }

    /// One draw of integer noise with P(x) ∝ exp(−|x| · den / num), that is
    /// a discrete Laplace of scale `num / den` (Algorithm 2 of the paper,
    /// with t = num and s = den).
    pub fn discrete_laplace(&mut self, num: u32, den: u32) -> Result<i64> {
        if num == 0 || den == 0 {
            return Err(Error::options("noise", format!("scale {num}/{den}: must be a positive fraction")));
        }
        let (t, s) = (u64::from(num), u64::from(den));
        loop {
            // X = U + t·V is geometric on {0, 1, …} with ratio exp(−1/t):
            // U uniform below t, kept with probability exp(−U/t), and V
            // geometric with ratio exp(−1).
            let u = self.below(t);
            if !self.bernoulli_exp(u, t)? {
                continue;
            }
            let mut v = 0u64;
            while self.bernoulli_exp(1, 1)? {
                v = v.checked_add(1).ok_or_else(too_far)?;
            }
            let x = t.checked_mul(v).and_then(|tv| tv.checked_add(u)).ok_or_else(too_far)?;
            // ⌊X / s⌋ is geometric with ratio exp(−s/t); a random sign, with
            // "−0" rejected, makes it the two-sided distribution.
            let y = i64::try_from(x / s).map_err(|_| too_far())?;
            let negative = self.below(2) == 1;
            if negative && y == 0 {
                continue;
            }
            return Ok(if negative { -y } else { y });
        }
    }

    /// A uniform integer in 0..m (m ≥ 1), by Lemire's method ("Fast random
    /// integer generation in an interval", 2019): the high word of a 64×64
    /// product, rejecting the 2^64 mod m low words that would bias it.
    fn below(&mut self, m: u64) -> u64 {
        let mut product = u128::from(self.rng.next_u64()) * u128::from(m);
        if (product as u64) < m {
            let rejected = m.wrapping_neg() % m;
            while (product as u64) < rejected {
                product = u128::from(self.rng.next_u64()) * u128::from(m);
            }
        }
        (product >> 64) as u64
    }

    /// A coin that is true with probability exp(−n/d), for 0 ≤ n/d ≤ 1
    /// (Algorithm 1 of the paper): the number K of successive heads of coins
    /// Bernoulli(n / (d·k)), k = 1, 2, …, plus one, is odd with exactly that
    /// probability.
    fn bernoulli_exp(&mut self, n: u64, d: u64) -> Result<bool> {
        debug_assert!(n <= d, "γ = {n}/{d} is above 1");
        let mut k = 1u64;
        loop {
            let dk = d.checked_mul(k).ok_or_else(too_far)?;
            if self.below(dk) >= n {
                return Ok(k % 2 == 1);
            }
            k += 1;
        }
    }
}

/// Reached only after a run of coins with probability far below 2^−64.
fn too_far() -> Error {
    Error::options("noise", "a draw outside the 64-bit range")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sampler fits the exact discrete Laplace distribution: a χ² test
    /// over 50,000 seeded draws of scale 2, buckets −8…8 and two tails.
    #[test]
    fn draws_fit_the_exact_distribution() {
        let mut noise = NoiseSource::seeded(2026);
        let t: f64 = 2.0;
        let n = 50_000;
        let mut counts = [0u32; 19];
        for _ in 0..n {
            let x = noise.discrete_laplace(2, 1).unwrap();
            counts[(x.clamp(-9, 9) + 9) as usize] += 1;
        }
        // P(x) = (1 − q) / (1 + q) · q^|x| with q = e^(−1/t); tails: P(|x| ≥ 9) each side.
        let q = (-1.0 / t).exp();
        let p = |x: i64| (1.0 - q) / (1.0 + q) * q.powi(x.unsigned_abs() as i32);
        let tail = q.powi(9) / (1.0 + q);
        let chi2: f64 = (0..19)
            .map(|i| {
                let x = i as i64 - 9;
                let expected = n as f64 * if x.abs() == 9 { tail } else { p(x) };
                (f64::from(counts[i]) - expected).powi(2) / expected
            })
            .sum();
        // 18 degrees of freedom: the 0.1% critical value is 42.31.
        assert!(chi2 < 42.31, "χ² = {chi2}, counts {counts:?}");
        let mean =
            counts.iter().enumerate().map(|(i, c)| (i as f64 - 9.0) * f64::from(*c)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.05, "mean {mean}");
    }

    /// P(lo ≤ x ≤ hi) under the exact discrete Laplace of scale `t`, where
    /// P(x) = (1 − q) / (1 + q) · q^|x| with q = e^(−1/t); `None` is ±∞.
    fn exact_mass(t: f64, lo: Option<i64>, hi: Option<i64>) -> f64 {
        let q = (-1.0 / t).exp();
        // P(x ≥ a) = q^a / (1 + q) for a ≥ 1, and 1 − P(x ≥ 1 − a) by symmetry otherwise.
        let tail = |a: i64| q.powi(a as i32) / (1.0 + q);
        let at_least = |a: i64| if a >= 1 { tail(a) } else { 1.0 - tail(1 - a) };
        lo.map_or(1.0, at_least) - hi.map_or(0.0, |h| at_least(h + 1))
    }

    /// The χ² statistic of `n` seeded draws of scale `num / den` against the
    /// exact distribution, over bins of `width` from −`reach` to `reach` and
    /// the two tails beyond; also the sample variance and the exact one.
    fn fit(num: u32, den: u32, n: u32, reach: i64, width: i64) -> (f64, usize, f64, f64) {
        let mut noise = NoiseSource::seeded(u64::from(num) << 32 | u64::from(den));
        let edges: Vec<i64> = (0..=2 * reach / width).map(|i| -reach + i * width).collect();
        let mut counts = vec![0u32; edges.len() + 1];
        let (mut sum, mut squares) = (0.0, 0.0);
        for _ in 0..n {
            let x = noise.discrete_laplace(num, den).unwrap();
            counts[edges.partition_point(|&e| e <= x)] += 1;
            sum += x as f64;
            squares += (x as f64).powi(2);
        }
        let t = f64::from(num) / f64::from(den);
        let chi2 = (0..counts.len())
            .map(|i| {
                let lo = i.checked_sub(1).map(|j| edges[j]);
                let hi = edges.get(i).map(|e| e - 1);
                let expected = f64::from(n) * exact_mass(t, lo, hi);
                (f64::from(counts[i]) - expected).powi(2) / expected
            })
            .sum();
        let q = (-1.0 / t).exp();
        let mean = sum / f64::from(n);
        (chi2, counts.len() - 1, squares / f64::from(n) - mean * mean, 2.0 * q / (1.0 - q).powi(2))
    }

    /// Asserts that draws of scale `num / den` fit the exact distribution:
    /// χ² with `df` degrees of freedom under its 0.1% critical value, and the
    /// variance within 5%.
    fn assert_fits(num: u32, den: u32, reach: i64, width: i64, df: usize, critical: f64) {
        let (chi2, bins, variance, exact) = fit(num, den, 50_000, reach, width);
        assert_eq!(bins, df);
        assert!(chi2 < critical, "scale {num}/{den}: χ² = {chi2}");
        assert!(
            (variance / exact - 1.0).abs() < 0.05,
            "scale {num}/{den}: variance {variance}, exactly {exact}"
        );
    }

    /// A scale that is not a whole number: 7/3, bins of one from −12 to 11,
    /// and the tails (25 degrees of freedom: the 0.1% critical value is 52.62).
    #[test]
    fn a_fractional_scale_fits_the_exact_distribution() {
        assert_fits(7, 3, 12, 1, 25, 52.62);
    }

    /// A large scale, as the aggregates use (340 = 17 000 / 50, written as
    /// such): bins of 100 from −1000 to 1000, and the tails (21 degrees of
    /// freedom: the 0.1% critical value is 46.80).
    #[test]
    fn a_large_scale_fits_the_exact_distribution() {
        assert_fits(17_000, 50, 1000, 100, 21, 46.80);
    }

    #[test]
    fn the_uniform_integers_are_in_range_and_cover_it() {
        let mut noise = NoiseSource::seeded(9);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            seen[noise.below(7) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| (850..1150).contains(&c)), "{seen:?}");
        assert_eq!(noise.below(1), 0);
        assert!(noise.below(u64::MAX) < u64::MAX);
    }

    #[test]
    fn a_seed_repeats_and_the_platform_source_varies() {
        let draws =
            |mut s: NoiseSource| -> Vec<i64> { (0..20).map(|_| s.discrete_laplace(5, 1).unwrap()).collect() };
        assert_eq!(draws(NoiseSource::seeded(1)), draws(NoiseSource::seeded(1)));
        let a = draws(NoiseSource::from_platform().unwrap());
        let b = draws(NoiseSource::from_platform().unwrap());
        assert_ne!(a, b, "two platform-seeded sources agree on 20 draws");
        assert!(NoiseSource::seeded(1).discrete_laplace(0, 1).is_err(), "a zero scale is refused");
        assert!(NoiseSource::seeded(1).discrete_laplace(1, 0).is_err(), "a zero denominator is refused");
    }
}
