//! codebook.md.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thematic::codebook::Codebook;
use thematic::diagnostics::Diagnostics;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut diags = Diagnostics::default();
    let _ = Codebook::parse(text, "codebook.md", &mut diags);
});
