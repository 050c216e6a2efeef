//! participants.csv, with and without declared groups.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thematic::diagnostics::Diagnostics;
use thematic::participants::Participants;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let groups = ["staff".to_string(), "partner".to_string()];
    for g in [&groups[..], &[]] {
        let mut diags = Diagnostics::default();
        let p = Participants::parse(text, "participants.csv", g, &mut diags);
        let _ = p.by_speaker("Staff 1");
    }
});
