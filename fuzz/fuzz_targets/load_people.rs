#![no_main]
//! See `rapport_fuzz::load_people` for what an input means and what is checked.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = rapport_fuzz::load_people(data);
});
