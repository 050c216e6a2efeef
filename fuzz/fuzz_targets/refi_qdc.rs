//! A REFI-QDA codebook (.qdc) imported into codebook.md, which is then parsed back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thematic::codebook::Codebook;
use thematic::diagnostics::Diagnostics;

fuzz_target!(|data: &[u8]| {
    if let Ok((markdown, _)) = thematic::refi::import::codebook(data, "fuzz.qdc") {
        // A clean import must give a codebook every command can open.
        let mut diags = Diagnostics::default();
        let _ = Codebook::parse(&markdown, "codebook.md", &mut diags);
    }
});
