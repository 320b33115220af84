//! The engine's aggregate tables (SPEC 3.4, 4.4), and the two halves of a
//! noisy table for a partitioned run (`rapport-batch`): each part's capped
//! sums, of the records its senders sent or organized, and the noisy table
//! of their total, drawn once by one engine as `aggregates` draws it.
//!
//! The parts' sums are exact and unsuppressed: they are the batch's own
//! traffic between its processes, never an answer. Both halves check the
//! consent and the noise options as `aggregates` does.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use super::answers::AnswerKey;
use super::Engine;
use crate::consent::View;
use crate::error::{Error, Result};
use crate::insights::aggregates::{
    aggregate, noisy_aggregate, partial_sums, AggregateTable, AggregatesRequest, CappedSums, Period, Question,
};
use crate::insights::freshness::table_data_as_of;
use crate::model::Scope;
use crate::time::format_rfc3339;

/// Which given sums an answer was drawn from (answers from different sums
/// are different answers).
fn digest(sums: &CappedSums) -> u64 {
    let mut h = FxHasher::default();
    sums.hash(&mut h);
    h.finish()
}

impl Engine {
    /// Anonymized aggregates (SPEC 3.4) per department or account; needs
    /// `aggregated`. With `noise`, the figures are differentially private
    /// (SPEC 4.4): a new answer spends its epsilon from the engine's budget,
    /// and the same question on the same data is answered from cache.
    pub fn aggregates(&self, request: &AggregatesRequest) -> Result<AggregateTable> {
        self.table(request, None)
    }

    /// The noisy table of `request` drawn from `sums` (the parts' capped sums
    /// added up) instead of this engine's records, as `aggregates` draws it
    /// from its own: same budget, same checks, same table.
    pub fn aggregates_from_sums(
        &self,
        request: &AggregatesRequest,
        sums: &CappedSums,
    ) -> Result<AggregateTable> {
        if request.noise.is_none() {
            return Err(Error::options(
                "noise",
                "a table from capped sums is a noisy table: give { epsilon }",
            ));
        }
        self.table(request, Some((sums, digest(sums))))
    }

    /// The capped sums a noisy `request` adds noise to, of the records sent
    /// or organized by the people whose id `senders` keeps, with the table's
    /// groups: one part of a partitioned run. Needs `aggregated` and a
    /// request with `noise`, as the noisy table does.
    pub fn partial_sums(
        &self,
        request: &AggregatesRequest,
        senders: &dyn Fn(&str) -> bool,
    ) -> Result<(Vec<String>, CappedSums)> {
        self.asked(request, |view, q| {
            let Some(noise) = &request.noise else {
                return Err(Error::options(
                    "noise",
                    "capped sums are the first half of a noisy table: give { epsilon }",
                ));
            };
            let caps = noise.caps(q.monthly)?;
            noise.epsilon()?;
            partial_sums(view, q, &caps, &|p| senders(view.person_id(p)))
        })
    }

    /// `request` asked of the view its consent opens: the window, the
    /// question, and what `answer` makes of them.
    fn asked<R>(
        &self,
        request: &AggregatesRequest,
        answer: impl FnOnce(&View, &Question) -> Result<R>,
    ) -> Result<R> {
        let window = Some(self.window(request.days)?.0);
        let view = self.open(Scope::Aggregated)?;
        let hours = self.options.working_hours.clone().unwrap_or_default();
        let monthly = request.period == Period::Month;
        let by = request.group_by;
        let q = Question { by, monthly, window, min_group_size: self.options.min_group_size, hours: &hours };
        answer(&view, &q)
    }

    /// The table of `request`, from the engine's records or from `given`
    /// capped sums, with its freshness stated.
    fn table(
        &self,
        request: &AggregatesRequest,
        given: Option<(&CappedSums, u64)>,
    ) -> Result<AggregateTable> {
        self.asked(request, |view, q| {
            let mut t = self.aggregate_table(view, q, request, given)?;
            t.now = format_rfc3339(self.now());
            t.data_as_of = table_data_as_of(&t, &q.periods());
            Ok(t)
        })
    }

    /// The table of `request` before its freshness is stated.
    fn aggregate_table(
        &self,
        view: &View,
        q: &Question,
        request: &AggregatesRequest,
        given: Option<(&CappedSums, u64)>,
    ) -> Result<AggregateTable> {
        let (by, monthly, window) = (q.by, q.monthly, q.window);
        let Some(noise) = &request.noise else {
            if self.options.require_noise {
                return Err(Error::options(
                    "noise",
                    "this engine gives aggregates only with noise: { epsilon }",
                ));
            }
            return aggregate(view, q);
        };
        let (epsilon, caps) = (noise.epsilon()?, noise.caps(monthly)?);
        let key = AnswerKey {
            version: self.derived.version(),
            by,
            monthly,
            window: window.map(|w| (w.start, w.end)),
            epsilon,
            caps,
            parts: given.map(|(_, digest)| digest),
        };
        self.answers.borrow_mut().answer(key, self.options.noise_seed, |source| {
            noisy_aggregate(view, q, epsilon, &caps, source, given.map(|(sums, _)| sums))
        })
    }
}
