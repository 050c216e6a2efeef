//! thematic.toml.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thematic::config::Config;
use thematic::diagnostics::Diagnostics;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut diags = Diagnostics::default();
    let _ = Config::parse(text, "thematic.toml", &mut diags);
});
