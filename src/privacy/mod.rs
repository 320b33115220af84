//! Privacy mechanisms beyond consent: the discrete noise that the optional
//! differentially private aggregates will add (SPEC 4.4).

pub mod noise;
