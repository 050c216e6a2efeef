//! The search query language.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(e) = thematic::search::query::parse(text) {
        let _ = e.positive_leaves();
        let _ = e.required_codes();
    }
});
