//! A coding sheet anchored against a transcript. The input is the transcript (plain text),
//! a NUL byte, then the sheet; the document takes the name of the sheet's first row, so rows
//! reach the anchoring.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use thematic::codebook::Codebook;
use thematic::coding::{anchor_sheets, sheet::parse_sheet};
use thematic::corpus::{read_document, Format, Speakers};
use thematic::diagnostics::Diagnostics;

fuzz_target!(|data: &[u8]| {
    let Some(nul) = data.iter().position(|&b| b == 0) else {
        return;
    };
    let (doc_bytes, sheet_bytes) = (&data[..nul], &data[nul + 1..]);
    let Ok(sheet_text) = std::str::from_utf8(sheet_bytes) else {
        return;
    };
    let mut diags = Diagnostics::default();
    let sheet = parse_sheet(sheet_text, "coding/fuzz.csv", "fuzz".into(), &mut diags);
    let id = sheet
        .rows
        .first()
        .map(|r| r.document.clone())
        .unwrap_or_else(|| "D".into());
    let participants = common::participants();
    let settings = common::corpus_settings();
    let speakers = Speakers::new(&participants, &settings);
    let Some(doc) = read_document(
        id.clone(),
        format!("transcripts/{id}.txt"),
        Format::Text,
        doc_bytes.to_vec(),
        &speakers,
        &mut diags,
    ) else {
        return;
    };
    let mut codebook = Codebook::parse(
        "# Theme\n- `shared-values` — values.\n- `trust` — trust.\n",
        "codebook.md",
        &mut diags,
    );
    let _ = anchor_sheets(&[sheet], &[doc], &[], &mut codebook, &mut diags);
});
