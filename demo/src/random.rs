//! Randomness for the demo generator: the seeded xoshiro256** generator and its
//! distributions, weighted sampling, and own `ln`/`exp` so that draws do not
//! depend on the platform's libm.

/// xoshiro256** seeded through SplitMix64.
#[derive(Clone)]
pub(super) struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut s = [0u64; 4];
        for v in s.iter_mut() {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *v = z ^ (z >> 31);
        }
        Rng { s }
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub(super) fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); 0 when n is 0.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Standard normal (Marsaglia's polar method: only ln and sqrt).
    pub(super) fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.f64() - 1.0;
            let v = 2.0 * self.f64() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * ln(s) / s).sqrt();
            }
        }
    }

    /// Pareto(alpha) on [1, cap].
    pub(super) fn pareto(&mut self, alpha: f64, cap: f64) -> f64 {
        let u = 1.0 - self.f64(); // (0, 1]
        exp(-ln(u) / alpha).min(cap)
    }

    /// Index drawn from small unnormalized weights.
    pub(super) fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

const LN2: f64 = std::f64::consts::LN_2;

/// Natural logarithm from IEEE basic operations only (identical on every
/// target, unlike the platform's libm). Accurate to a few ulps for x > 0.
pub(super) fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return -745.0;
    }
    if x.is_infinite() {
        return 710.0;
    }
    let mut x = x;
    let mut e: i64 = 0;
    if x < f64::MIN_POSITIVE {
        x *= (1u64 << 54) as f64;
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln(m) = 2 atanh(s), |s| <= 0.1716
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut k = 1.0;
    while k < 30.0 {
        sum += term / k;
        term *= s2;
        k += 2.0;
    }
    2.0 * sum + e as f64 * LN2
}

/// Exponential from IEEE basic operations only.
pub(super) fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return 0.0;
    }
    let x = x.clamp(-700.0, 700.0);
    let k = (x / LN2 + 0.5).floor();
    let r = x - k * LN2; // |r| <= ln2/2 (plus rounding)
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut i = 1.0;
    while i < 18.0 {
        term *= r / i;
        sum += term;
        i += 1.0;
    }
    let k = k as i64;
    sum * f64::from_bits(((k + 1023) as u64) << 52)
}

/// Cumulative weights for O(log n) weighted sampling.
pub(super) struct Cdf {
    cum: Vec<f64>,
}

impl Cdf {
    pub(super) fn new(weights: impl Iterator<Item = f64>) -> Cdf {
        let mut total = 0.0;
        let cum = weights
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Cdf { cum }
    }

    pub(super) fn sample(&self, rng: &mut Rng) -> usize {
        let total = match self.cum.last() {
            Some(&t) => t,
            None => return 0,
        };
        let x = rng.f64() * total;
        self.cum.partition_point(|&c| c <= x).min(self.cum.len() - 1)
    }
}
