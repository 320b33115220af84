//! The epsilon budget of one engine (SPEC 4.4) and the noisy answers already
//! paid for. Epsilon is kept in thousandths, so that a hundred small spends
//! add up exactly and the budget can never be overdrawn by rounding.

use crate::error::{Error, Result};

/// An epsilon, in thousandths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Epsilon(u32);

impl Epsilon {
    /// The largest epsilon one answer, or one engine's budget, may have.
    pub const MAX: f64 = 100.0;

    /// `value` rounded to the nearest thousandth; refused unless it is
    /// 0.001 to `MAX`.
    pub fn new(option: &str, value: f64) -> Result<Epsilon> {
        if !(value.is_finite() && (0.0005..=Self::MAX).contains(&value)) {
            return Err(Error::options(option, format!("epsilon must be 0.001 to {}", Self::MAX)));
        }
        Ok(Epsilon((value * 1000.0).round() as u32))
    }

    pub fn milli(self) -> u32 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 1000.0
    }
}

/// Answers kept at most: past this the oldest is dropped, and asking for it
/// again spends again (never the other way round).
const KEPT_ANSWERS: usize = 256;

/// What the engine has spent, and the answers it paid for, each under the
/// key of its request and data version.
pub struct Ledger<K, T> {
    total: u32,
    spent: u32,
    answers: Vec<(K, T)>,
}

impl<K: PartialEq, T: Clone> Ledger<K, T> {
    pub fn new(total: Epsilon) -> Ledger<K, T> {
        Ledger { total: total.0, spent: 0, answers: Vec::new() }
    }

    pub fn spent(&self) -> Epsilon {
        Epsilon(self.spent)
    }

    pub fn remaining(&self) -> Epsilon {
        Epsilon(self.total - self.spent)
    }

    /// Carries over what an earlier engine spent (from its snapshot), so that
    /// exporting and importing never refills a budget.
    pub fn restore_spent(&mut self, spent: u32) {
        self.spent = self.spent.max(spent.min(self.total));
    }

    /// Sets the total (a consent token's `eps`). What was spent stays spent:
    /// a total below it leaves nothing to spend, and no total refunds.
    pub fn set_total(&mut self, total: Epsilon) {
        self.total = total.0.max(self.spent);
    }

    /// The answer paid for under `key`, if any.
    pub fn answer(&self, key: &K) -> Option<T> {
        self.answers.iter().find(|(k, _)| k == key).map(|(_, t)| t.clone())
    }

    /// Checks that `epsilon` can be spent; refuses without spending if not.
    pub fn can_spend(&self, epsilon: Epsilon) -> Result<()> {
        if epsilon.0 > self.total - self.spent {
            return Err(Error::PrivacyBudgetExhausted { asked: epsilon.0, left: self.total - self.spent });
        }
        Ok(())
    }

    /// Spends `epsilon` on `answer`, kept under `key`. Call `can_spend` first.
    pub fn spend(&mut self, epsilon: Epsilon, key: K, answer: T) {
        self.spent = (self.spent + epsilon.0).min(self.total);
        if self.answers.len() == KEPT_ANSWERS {
            self.answers.remove(0);
        }
        self.answers.push((key, answer));
    }

    /// Drops every kept answer (data or consent changed); the spending stays.
    pub fn forget_answers(&mut self) {
        self.answers.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_adds_up_exactly_and_refuses_past_the_total() {
        let mut ledger: Ledger<String, u8> = Ledger::new(Epsilon::new("b", 1.0).unwrap());
        let tenth = Epsilon::new("e", 0.1).unwrap();
        for i in 0..10 {
            ledger.can_spend(tenth).unwrap();
            ledger.spend(tenth, i.to_string(), i);
        }
        assert_eq!(ledger.remaining().milli(), 0);
        let refused = ledger.can_spend(Epsilon::new("e", 0.001).unwrap()).unwrap_err();
        assert_eq!(refused.code(), "PRIVACY_BUDGET_EXHAUSTED");
        assert_eq!(ledger.answer(&"3".to_string()), Some(3));
        ledger.forget_answers();
        assert_eq!((ledger.answer(&"3".to_string()), ledger.spent().milli()), (None, 1000));
    }

    #[test]
    fn a_new_total_never_refunds_what_was_spent() {
        let mut ledger: Ledger<String, u8> = Ledger::new(Epsilon::new("b", 10.0).unwrap());
        let three = Epsilon::new("e", 3.0).unwrap();
        ledger.spend(three, "a".into(), 1);
        ledger.set_total(Epsilon::new("eps", 2.0).unwrap());
        assert_eq!((ledger.spent().milli(), ledger.remaining().milli()), (3000, 0));
        ledger.set_total(Epsilon::new("eps", 5.0).unwrap());
        assert_eq!((ledger.spent().milli(), ledger.remaining().milli()), (3000, 2000));
    }

    #[test]
    fn an_epsilon_out_of_range_is_refused() {
        for bad in [0.0, -1.0, 0.0004, 100.01, f64::NAN, f64::INFINITY] {
            assert_eq!(Epsilon::new("noise.epsilon", bad).unwrap_err().code(), "INVALID_OPTIONS", "{bad}");
        }
        assert_eq!(Epsilon::new("e", 0.0006).unwrap().milli(), 1);
    }
}
