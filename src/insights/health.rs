//! The health score of a relationship (SPEC 3.1): five factors, each 0–1,
//! weighted into a score 0–100, with a band, a trend and a plain-English line
//! per factor. Too little data gives `insufficient-data`, never a silent 0.
//!
//! - frequency: where the relationship's interactions in the window stand
//!   among the organization's own: the share of the *other* active
//!   relationships of the same level (contacts, or accounts) in the same
//!   scope and window that it outnumbers, ties counting half (see
//!   [`Standing`]). Active means scored: at least `minInteractions` (and at
//!   least one) counted interactions in the window; the many relationships
//!   of one or two e-mails would otherwise put every scored one near the
//!   top. With no other active relationship it gets 0.5: nothing to
//!   compare with is neither good nor bad news. When the host sets
//!   `expectedPerMonth`, the fixed rule instead: interactions per 30 days
//!   against it, full marks at or above it.
//! - recency: 2^(−days since the last interaction / half-life), half-life 14 days.
//! - reciprocity: how evenly both sides start things: min(ours, theirs) / max.
//! - responsiveness: the share of our e-mails they answer, times
//!   2^(−median answer hours / 48); left out when we sent no e-mail.
//! - breadth: colleagues involved / 3 (and, for an account, the average with
//!   its contacts involved / 3), capped at 1: a relationship held by one
//!   person on each side is fragile.
//!
//! A factor that does not apply is left out and the other weights are scaled
//! up, so the score never punishes missing data as if it were bad news.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::time::DAY_MS;

#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Weights {
    pub frequency: f64,
    pub recency: f64,
    pub reciprocity: f64,
    pub responsiveness: f64,
    pub breadth: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { frequency: 0.30, recency: 0.25, reciprocity: 0.20, responsiveness: 0.15, breadth: 0.10 }
    }
}

/// Lowest scores of the Good and Fair bands; below Fair is Poor.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Bands {
    pub good: u32,
    pub fair: u32,
}

impl Default for Bands {
    fn default() -> Self {
        Bands { good: 60, fair: 40 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct HealthOptions {
    pub weights: Weights,
    pub bands: Bands,
    /// `None` (the default): frequency is a percentile among the
    /// organization's relationships; a number: the fixed expectation.
    pub expected_per_month: Option<f64>,
    pub recency_half_life_days: f64,
    /// Fewer counted interactions than this in the window: `insufficient-data`.
    pub min_interactions: usize,
    /// How far back the trend compares, in days.
    pub trend_days: u32,
}

impl Default for HealthOptions {
    fn default() -> Self {
        HealthOptions {
            weights: Weights::default(),
            bands: Bands::default(),
            expected_per_month: None,
            recency_half_life_days: 14.0,
            min_interactions: 3,
            trend_days: 30,
        }
    }
}

impl HealthOptions {
    pub fn validate(&self) -> Result<()> {
        let w = self.weights;
        let all = [w.frequency, w.recency, w.reciprocity, w.responsiveness, w.breadth];
        if all.iter().any(|x| !x.is_finite() || *x < 0.0) || all.iter().sum::<f64>() <= 0.0 {
            return Err(Error::options("health.weights", "weights are numbers ≥ 0, not all 0"));
        }
        if !(self.bands.fair < self.bands.good && self.bands.good <= 100) {
            return Err(Error::options("health.bands", "expected 0 ≤ fair < good ≤ 100"));
        }
        if self.expected_per_month.is_some_and(|e| !(e > 0.0 && e.is_finite())) {
            return Err(Error::options("health.expectedPerMonth", "must be a positive number"));
        }
        if !(self.recency_half_life_days > 0.0 && self.recency_half_life_days.is_finite()) {
            return Err(Error::options("health.recencyHalfLifeDays", "must be a positive number"));
        }
        if !(1..=365).contains(&self.trend_days) {
            return Err(Error::options("health.trendDays", "must be 1 to 365"));
        }
        Ok(())
    }
}

/// What the score is computed from: figures of one window.
#[derive(Clone, Debug, Default)]
pub struct HealthInputs {
    pub interactions: usize,
    pub days: u32,
    pub now: i64,
    pub last_at: Option<i64>,
    /// Interactions each side started (e-mails sent, meetings organized, calls made).
    pub ours: u32,
    pub theirs: u32,
    pub their_response_rate: Option<f64>,
    pub their_median_response_minutes: Option<f64>,
    pub colleagues: usize,
    /// Contacts involved; `None` for a single contact.
    pub contacts: Option<usize>,
    /// Where `interactions` stands among the other active relationships;
    /// `None` when no population was given (frequency then falls back to
    /// [`FALLBACK_EXPECTED_PER_MONTH`]).
    pub standing: Option<Standing>,
}

/// The expectation used when neither the host nor a population gives one.
pub const FALLBACK_EXPECTED_PER_MONTH: f64 = 4.0;

/// Where one relationship's count of interactions stands among the *other*
/// active relationships (at least one interaction in the same window).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// Others with fewer interactions.
    pub below: usize,
    /// Others with exactly as many.
    pub tied: usize,
    /// All other active relationships.
    pub others: usize,
}

impl Standing {
    /// From the sorted counts of every active relationship (those with at
    /// least `floor` interactions), the relationship itself among them when
    /// its `count` reaches the floor.
    pub fn among(sorted: &[u32], count: usize, floor: u32) -> Standing {
        let x = u32::try_from(count).unwrap_or(u32::MAX);
        let below = sorted.partition_point(|&n| n < x);
        let mut tied = sorted.partition_point(|&n| n <= x) - below;
        let mut others = sorted.len();
        // Itself is in the population when it is active: not its own peer.
        if x >= floor && tied > 0 {
            tied -= 1;
            others -= 1;
        }
        Standing { below, tied, others }
    }

    /// Where the count stands, as a reader takes it in at once: "more than
    /// 40 and as many as 3 of the 82 other active relationships", "more than
    /// all 82 …", "fewer than the other active relationship"; never "as many
    /// as 0", which read as a wrong figure. Needs `others` ≥ 1.
    pub fn in_words(&self) -> String {
        let n = self.others;
        let all = match n {
            1 => "the other active relationship".to_string(),
            _ => format!("all {n} other active relationships"),
        };
        match (self.below, self.tied) {
            (0, 0) => format!("fewer than {all}"),
            (below, _) if below == n => format!("more than {all}"),
            (_, tied) if tied == n => format!("as many as {all}"),
            (below, 0) => format!("more than {below} of the {n} other active relationships"),
            (0, tied) => format!("as many as {tied} of the {n} other active relationships"),
            (below, tied) => {
                format!("more than {below} and as many as {tied} of the {n} other active relationships")
            }
        }
    }

    /// The percentile rank, 0–1: the share of the others it outnumbers,
    /// ties counting half; 0.5 when there is nobody to compare with.
    pub fn percentile(&self) -> f64 {
        if self.others == 0 {
            0.5
        } else {
            (self.below as f64 + self.tied as f64 / 2.0) / self.others as f64
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Factor {
    pub factor: &'static str,
    /// 0–1, or `null` when the factor does not apply.
    pub value: Option<f64>,
    pub weight: f64,
    /// Points of the score this factor contributes.
    pub points: f64,
    /// The points it would contribute at full marks: its weight's share of
    /// 100 among the factors that apply (0 when it does not apply).
    pub max_points: f64,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trend {
    /// "improving", "steady" or "declining"; "new" when there was no score
    /// `trendDays` earlier (too little data then).
    pub direction: &'static str,
    /// The score `trendDays` earlier (`null` when that was too little data to score).
    pub previous_score: Option<u32>,
    /// Points since then; `null` when "new".
    pub change: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// "scored" or "insufficient-data".
    pub state: &'static str,
    pub score: Option<u32>,
    pub band: Option<&'static str>,
    pub trend: Option<Trend>,
    pub factors: Vec<Factor>,
    pub summary: String,
}

fn round(x: f64, places: i32) -> f64 {
    let p = 10f64.powi(places);
    (x * p).round() / p
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn factors(i: &HealthInputs, o: &HealthOptions) -> Vec<(&'static str, Option<f64>, f64, String)> {
    let w = o.weights;
    let per_month = i.interactions as f64 * 30.0 / f64::from(i.days.max(1));
    let counted = plural(i.interactions, "interaction", "interactions");
    let (frequency, frequency_text) = match (o.expected_per_month, i.standing) {
        (None, Some(s)) => (
            s.percentile(),
            if s.others == 0 {
                format!("{counted} in {} days; no other active relationship to compare with", i.days)
            } else {
                format!("{counted} in {} days: {}", i.days, s.in_words())
            },
        ),
        (expected, _) => {
            let expected = expected.unwrap_or(FALLBACK_EXPECTED_PER_MONTH);
            (
                (per_month / expected).min(1.0),
                format!("{counted} in {} days: {per_month:.1} a month against {expected} expected", i.days),
            )
        }
    };

    let (recency, recency_text) = match i.last_at {
        Some(last) => {
            let days = (i.now - last).max(0) as f64 / DAY_MS as f64;
            (
                0.5f64.powf(days / o.recency_half_life_days),
                format!(
                    "last interaction {} (the factor halves every {} days)",
                    if days < 1.0 {
                        "less than a day ago".to_string()
                    } else {
                        format!("{days:.1} days ago")
                    },
                    o.recency_half_life_days
                ),
            )
        }
        None => (0.0, "no interaction yet".to_string()),
    };

    let started = i.ours + i.theirs;
    let reciprocity =
        if started == 0 { 0.0 } else { f64::from(i.ours.min(i.theirs)) / f64::from(i.ours.max(i.theirs)) };
    let reciprocity_text = format!("we started {} and they started {}", i.ours, i.theirs);

    let (responsiveness, responsiveness_text) = match (i.their_response_rate, i.their_median_response_minutes)
    {
        (Some(rate), median) => {
            let hours = median.unwrap_or(0.0) / 60.0;
            let speed = if median.is_some() { 0.5f64.powf(hours / 48.0) } else { 1.0 };
            let text = match median {
                Some(_) => format!(
                    "they answered {:.0}% of our e-mails, half within {:.1} hours",
                    rate * 100.0,
                    hours
                ),
                None => "they answered none of our e-mails".to_string(),
            };
            (Some(rate * speed), text)
        }
        (None, _) => (None, "not counted: we sent no e-mail in the window".to_string()),
    };

    let ours_breadth = (i.colleagues as f64 / 3.0).min(1.0);
    let (breadth, breadth_text) = match i.contacts {
        None => (ours_breadth, format!("{} involved", plural(i.colleagues, "colleague", "colleagues"))),
        Some(c) => (
            (ours_breadth + (c as f64 / 3.0).min(1.0)) / 2.0,
            format!(
                "{} and {} involved",
                plural(i.colleagues, "colleague", "colleagues"),
                plural(c, "contact", "contacts")
            ),
        ),
    };

    vec![
        ("frequency", Some(frequency), w.frequency, frequency_text),
        ("recency", Some(recency), w.recency, recency_text),
        ("reciprocity", Some(reciprocity), w.reciprocity, reciprocity_text),
        ("responsiveness", responsiveness, w.responsiveness, responsiveness_text),
        ("breadth", Some(breadth), w.breadth, breadth_text),
    ]
}

/// The score 0–100 and its factors, or `None` when there is too little data.
pub fn score(i: &HealthInputs, o: &HealthOptions) -> Option<(u32, Vec<Factor>)> {
    if i.interactions < o.min_interactions {
        return None;
    }
    let parts = factors(i, o);
    let total_weight: f64 = parts.iter().filter(|p| p.1.is_some()).map(|p| p.2).sum();
    let scale = if total_weight > 0.0 { 100.0 / total_weight } else { 0.0 };
    let factors: Vec<Factor> = parts
        .into_iter()
        .map(|(factor, value, weight, explanation)| Factor {
            factor,
            value: value.map(|v| round(v, 4)),
            weight,
            points: round(value.unwrap_or(0.0) * weight * scale, 1),
            max_points: if value.is_some() { round(weight * scale, 1) } else { 0.0 },
            explanation,
        })
        .collect();
    let raw: f64 = factors.iter().map(|f| f.value.unwrap_or(0.0) * f.weight * scale).sum();
    Some((raw.round().clamp(0.0, 100.0) as u32, factors))
}

fn band(score: u32, bands: Bands) -> &'static str {
    if score >= bands.good {
        "good"
    } else if score >= bands.fair {
        "fair"
    } else {
        "poor"
    }
}

/// The health now, with its trend against the same window `trendDays` earlier
/// (a relationship too little known to score then is "new").
pub fn health(now: &HealthInputs, before: &HealthInputs, o: &HealthOptions) -> Health {
    let Some((score_now, factors)) = score(now, o) else {
        return Health {
            state: "insufficient-data",
            score: None,
            band: None,
            trend: None,
            factors: Vec::new(),
            summary: format!(
                "Not scored: {} in the window, and at least {} are needed.",
                plural(now.interactions, "interaction", "interactions"),
                o.min_interactions
            ),
        };
    };
    let previous = score(before, o).map(|(s, _)| s);
    let change = previous.map(|p| i64::from(score_now) - i64::from(p));
    let direction = match change {
        None => "new",
        Some(c) if c >= 5 => "improving",
        Some(c) if c <= -5 => "declining",
        Some(_) => "steady",
    };
    let since = match change {
        None => format!("new (no score {} days ago)", o.trend_days),
        Some(c) => format!("{direction} ({c:+} in {} days)", o.trend_days),
    };
    let strongest = factors.iter().max_by(|a, b| a.points.total_cmp(&b.points)).map(|f| f.factor);
    let weakest = factors
        .iter()
        .filter(|f| f.value.is_some())
        .min_by(|a, b| (a.value.unwrap_or(0.0)).total_cmp(&b.value.unwrap_or(0.0)))
        .map(|f| f.factor);
    let b = band(score_now, o.bands);
    Health {
        state: "scored",
        score: Some(score_now),
        band: Some(b),
        summary: format!(
            "{score_now}/100 ({b}), {since}; strongest: {}, weakest: {}.",
            strongest.unwrap_or("-"),
            weakest.unwrap_or("-")
        ),
        trend: Some(Trend { direction, previous_score: previous, change }),
        factors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> HealthInputs {
        HealthInputs {
            interactions: 12,
            days: 90,
            now: 100 * DAY_MS,
            last_at: Some(93 * DAY_MS),
            ours: 6,
            theirs: 3,
            their_response_rate: Some(0.5),
            their_median_response_minutes: Some(48.0 * 60.0),
            colleagues: 2,
            contacts: None,
            standing: None,
        }
    }

    /// The frequency line a salesperson reads: no "as many as 0", no "more
    /// than 82 … of the 82" for the top relationship.
    #[test]
    fn a_standing_reads_as_words_without_a_zero_or_a_repeated_total() {
        let words = |below, tied, others| Standing { below, tied, others }.in_words();
        assert_eq!(words(40, 3, 82), "more than 40 and as many as 3 of the 82 other active relationships");
        assert_eq!(words(40, 0, 82), "more than 40 of the 82 other active relationships");
        assert_eq!(words(0, 3, 82), "as many as 3 of the 82 other active relationships");
        assert_eq!(words(82, 0, 82), "more than all 82 other active relationships");
        assert_eq!(words(0, 82, 82), "as many as all 82 other active relationships");
        assert_eq!(words(0, 0, 82), "fewer than all 82 other active relationships");
        assert_eq!(words(1, 0, 1), "more than the other active relationship");
        assert_eq!(words(0, 1, 1), "as many as the other active relationship");
        assert_eq!(words(0, 0, 1), "fewer than the other active relationship");
        assert_eq!(words(1, 1, 2), "more than 1 and as many as 1 of the 2 other active relationships");
    }

    #[test]
    fn factors_follow_their_formulas() {
        let (s, f) = score(&inputs(), &HealthOptions::default()).unwrap();
        // frequency 12*30/90 = 4/month against 4: 1.0; recency 7 days at a
        // 14-day half-life: 0.7071; reciprocity 3/6 = 0.5; responsiveness
        // 0.5 * 2^(-48/48) = 0.25; breadth 2/3.
        let values: Vec<f64> = f.iter().map(|f| f.value.unwrap()).collect();
        let half_a_half_life = (0.5f64.sqrt() * 10_000.0).round() / 10_000.0;
        assert_eq!(values, [1.0, half_a_half_life, 0.5, 0.25, 0.6667]);
        assert_eq!(f[1].explanation, "last interaction 7.0 days ago (the factor halves every 14 days)");
        let today = HealthInputs { last_at: Some(100 * DAY_MS - 3_600_000), ..inputs() };
        let (_, recent) = score(&today, &HealthOptions::default()).unwrap();
        assert!(recent[1].explanation.starts_with("last interaction less than a day ago"));
        // 100 * (0.3 + 0.25*0.70711 + 0.2*0.5 + 0.15*0.25 + 0.1*0.66667) = 68.09
        assert_eq!(s, 68);
        let points: f64 = f.iter().map(|f| f.points).sum();
        assert!((points - 68.1).abs() < 0.11, "{points}");
    }

    #[test]
    fn percentile_ties_count_half_and_alone_is_the_middle() {
        // Active (at least 3): 3, 5, 5, 9; the relationship has 5.
        let s = Standing::among(&[3, 5, 5, 9], 5, 3);
        assert_eq!(s, Standing { below: 1, tied: 1, others: 3 });
        assert_eq!(s.percentile(), 0.5); // (1 + 1/2) / 3
        assert_eq!(Standing::among(&[4], 4, 3).percentile(), 0.5);
        assert_eq!(Standing::among(&[3, 9], 9, 3).percentile(), 1.0);
        // Below the floor it is not among them: all others count.
        assert_eq!(Standing::among(&[3, 9], 2, 3), Standing { below: 0, tied: 0, others: 2 });
    }

    #[test]
    fn a_factor_that_does_not_apply_is_left_out_not_zeroed() {
        let mut i = inputs();
        i.their_response_rate = None;
        i.their_median_response_minutes = None;
        let (s, f) = score(&i, &HealthOptions::default()).unwrap();
        // (0.3 + 0.176777 + 0.1 + 0.066667) / 0.85 = 0.75709
        assert_eq!(s, 76);
        assert_eq!(f[3].value, None);
        assert_eq!((f[3].points, f[3].max_points), (0.0, 0.0));
        // The other weights (0.85 in all) share the 100 points: 0.3 / 0.85.
        assert_eq!(f[0].max_points, 35.3);
    }

    #[test]
    fn too_little_data_is_not_scored_and_trends_compare_windows() {
        let o = HealthOptions::default();
        let mut thin = inputs();
        thin.interactions = 2;
        let h = health(&thin, &thin, &o);
        assert_eq!((h.state, h.score, h.band), ("insufficient-data", None, None));
        assert!(h.summary.contains("at least 3"));

        let h = health(&inputs(), &thin, &o);
        assert_eq!(h.band, Some("good"));
        let t = h.trend.unwrap();
        assert_eq!((t.direction, t.previous_score, t.change), ("new", None, None));
        assert!(h.summary.contains("new (no score 30 days ago)"), "{}", h.summary);

        let mut fair = HealthOptions::default();
        fair.bands = Bands { good: 80, fair: 50 };
        assert_eq!(health(&inputs(), &inputs(), &fair).band, Some("fair"));
        assert_eq!(health(&inputs(), &inputs(), &fair).trend.unwrap().direction, "steady");
    }
}
