//! Demo data for the unit tests, under the path they read it from: the
//! generator is its own crate (`rapport-demo`, demo/), a dev-dependency here.

pub use rapport_demo::*;
