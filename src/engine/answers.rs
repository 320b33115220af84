//! Noisy aggregate answers (SPEC 4.4): the epsilon budget they spend, the
//! answers already paid for (the same question on the same data is answered
//! again from the ledger at no cost), and the noise source, made on first
//! use. Keyed by what was asked and the data version, never by text.

use crate::error::Result;
use crate::insights::aggregates::{AggregateTable, Caps, GroupBy};
use crate::privacy::budget::{Epsilon, Ledger};
use crate::privacy::noise::NoiseSource;

/// What makes two noisy answers the same answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct AnswerKey {
    /// The data and consent the answer was computed on (`Derived::version`).
    pub version: u64,
    pub by: GroupBy,
    pub monthly: bool,
    pub window: Option<(i64, i64)>,
    pub epsilon: Epsilon,
    pub caps: Caps,
    /// The digest of the capped sums it was drawn from, when they were given
    /// (a partitioned run's) instead of read from the engine's records.
    pub parts: Option<u64>,
}

pub(super) struct Answers {
    pub ledger: Ledger<AnswerKey, AggregateTable>,
    noise: Option<NoiseSource>,
}

impl Answers {
    pub fn new(total: Epsilon) -> Answers {
        Answers { ledger: Ledger::new(total), noise: None }
    }

    /// The answer kept under `key`, or a new one computed by `compute` with
    /// the engine's noise (`seed`: fixed noise, tests only) once its
    /// `epsilon` is paid for; `PRIVACY_BUDGET_EXHAUSTED` when it cannot be.
    /// The table states what was spent and what is left, and whether it
    /// came from the ledger.
    pub fn answer(
        &mut self,
        key: AnswerKey,
        seed: Option<u64>,
        compute: impl FnOnce(&mut NoiseSource) -> Result<AggregateTable>,
    ) -> Result<AggregateTable> {
        let (mut table, from_cache) = match self.ledger.answer(&key) {
            Some(table) => (table, true),
            None => {
                self.ledger.can_spend(key.epsilon)?;
                let source = match &mut self.noise {
                    Some(source) => source,
                    None => self.noise.insert(match seed {
                        Some(seed) => NoiseSource::seeded(seed),
                        None => NoiseSource::from_platform()?,
                    }),
                };
                let table = compute(source)?;
                self.ledger.spend(key.epsilon, key, table.clone());
                (table, false)
            }
        };
        table.epsilon_spent = Some(self.ledger.spent().as_f64());
        table.epsilon_remaining = Some(self.ledger.remaining().as_f64());
        if let Some(report) = &mut table.noise {
            report.from_cache = from_cache;
        }
        Ok(table)
    }
}
