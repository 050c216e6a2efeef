//! Transcripts of every format: the first byte picks the format, the rest is the file.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use thematic::corpus::{read_document, Format, Speakers};
use thematic::diagnostics::Diagnostics;

const FORMATS: [Format; 5] = [
    Format::Text,
    Format::Markdown,
    Format::WebVtt,
    Format::SubRip,
    Format::Docx,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let format = FORMATS[pick as usize % FORMATS.len()];
    let participants = common::participants();
    let settings = common::corpus_settings();
    let speakers = Speakers::new(&participants, &settings);
    let mut diags = Diagnostics::default();
    let path = format!("transcripts/D.{}", format.name());
    if let Some(doc) = read_document("D".into(), path, format, bytes.to_vec(), &speakers, &mut diags) {
        for t in 0..doc.turns.len() {
            let _ = doc.sentences(t);
        }
    }
});
