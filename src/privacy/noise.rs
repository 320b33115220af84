//! Discrete noise (SPEC 4.4): exact samples of the discrete Laplace
//! distribution from prio's vetted sampler, which works in rational and
//! integer arithmetic only (floating-point noise leaks, Mironov 2012). The
//! randomness is a ChaCha generator seeded from the platform's CSPRNG (the
//! browser's `crypto.getRandomValues` in wasm), or from a fixed seed in tests.

use prio::dp::distributions::DiscreteLaplace;
use prio::dp::Rational;
use rand::distr::Distribution;
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::error::{Error, Result};

pub struct NoiseSource {
    rng: StdRng,
}

impl NoiseSource {
    /// A source seeded from the platform's cryptographic randomness.
    pub fn from_platform() -> Result<NoiseSource> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| Error::InvalidInput(format!("no cryptographic randomness available: {e}")))?;
        Ok(NoiseSource { rng: StdRng::from_seed(seed) })
    }

    /// A reproducible source, for tests only: never for released figures.
    pub fn seeded(seed: u64) -> NoiseSource {
        NoiseSource { rng: StdRng::seed_from_u64(seed) }
    }

    /// One draw of integer noise with P(x) ∝ exp(−|x| · den / num), that is
    /// a discrete Laplace of scale `num / den`.
    pub fn discrete_laplace(&mut self, num: u32, den: u32) -> Result<i64> {
        let scale = Rational::from_unsigned(num, den)
            .map_err(|e| Error::options("noise", format!("scale {num}/{den}: {e}")))?;
        let laplace = DiscreteLaplace::new(scale).map_err(|e| Error::options("noise", e.to_string()))?;
        let draw = laplace.sample(&mut self.rng);
        i64::try_from(draw).map_err(|_| Error::options("noise", "a draw outside the 64-bit range"))
    }
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

    #[test]
    fn a_seed_repeats_and_the_platform_source_varies() {
        let draws =
            |mut s: NoiseSource| -> Vec<i64> { (0..20).map(|_| s.discrete_laplace(5, 1).unwrap()).collect() };
        assert_eq!(draws(NoiseSource::seeded(1)), draws(NoiseSource::seeded(1)));
        let a = draws(NoiseSource::from_platform().unwrap());
        let b = draws(NoiseSource::from_platform().unwrap());
        assert_ne!(a, b, "two platform-seeded sources agree on 20 draws");
        assert!(NoiseSource::seeded(1).discrete_laplace(0, 1).is_err(), "a zero scale is refused");
    }
}
