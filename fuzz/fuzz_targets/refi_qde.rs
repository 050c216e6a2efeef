//! A REFI-QDA project, as a bare .qde (XML), imported in memory (nothing is written).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;
use thematic::refi::archive::Limits;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("project.qde");
    std::fs::File::create(&path).unwrap().write_all(data).unwrap();
    if let Ok(mut container) = thematic::refi::open(&path, Limits::default()) {
        let _ = thematic::refi::import::project(&mut container);
    }
});
