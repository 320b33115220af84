#![no_main]
//! See `rapport_fuzz::consent_token` for what an input means and what is checked.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = rapport_fuzz::consent_token(data);
});
