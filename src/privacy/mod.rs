//! Privacy mechanisms beyond consent (SPEC 4.4): the discrete noise of the
//! optional differentially private aggregates, and the epsilon budget that
//! each noisy answer spends.

pub mod budget;
pub mod noise;
