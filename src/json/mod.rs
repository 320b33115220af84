//! What JavaScript passes, read from JSON: the engine constructor's options
//! (`options`) and each method's options (`requests`), checked and turned
//! into the engine's typed values. The binding's input language: the wasm
//! binding converts a JavaScript value to JSON text once and hands it here;
//! nothing in the core imports this module.

mod options;
mod requests;

pub use options::{ConsentFlags, SetConsentOptions};
pub use requests::*;
