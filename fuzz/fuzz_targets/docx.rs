//! A .docx's paragraphs (the zip and its XML).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = thematic::corpus::docx::paragraphs(data);
});
