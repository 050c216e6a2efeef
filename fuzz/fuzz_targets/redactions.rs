//! redactions.csv, then applied to a text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thematic::diagnostics::Diagnostics;
use thematic::redact::Redactions;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut diags = Diagnostics::default();
    let r = Redactions::parse(text, "redactions.csv", &mut diags);
    let _ = r.apply(text);
    let _ = r.found_in(text);
});
