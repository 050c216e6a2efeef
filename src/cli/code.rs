//! `thematic code`: append a checked row to a coding sheet, atomically.

use super::{emit, Global, Outcome};
use crate::coding::split_codes;
use crate::edit::{add_coding, Appended, Coded, NewCoding};
use crate::text::excerpt;
use anyhow::{bail, Result};

/// Append a checked row to a coding sheet
///
/// Checks that the document exists, that the quote is found exactly once (or
/// at --occurrence) and that the codes are valid, then appends the row to
/// coding/<coder>.csv.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document id (its path under transcripts/ without the extension)
    document: String,
    /// The exact passage; `start … end` codes from `start` to the next `end`
    quote: String,
    /// Code ids, `;`-separated
    codes: String,
    /// A memo for the row
    #[arg(long, value_name = "TEXT")]
    memo: Option<String>,
    /// The coder, i.e. the sheet coding/<coder>.csv [default: $THEMATIC_CODER, else the only
    /// sheet there is]
    #[arg(long, value_name = "NAME")]
    coder: Option<String>,
    /// Which occurrence of the quote, where it occurs more than once (1-based)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    occurrence: Option<u64>,
    /// Mark the passage as an exemplar, first in line for the report
    #[arg(long)]
    exemplar: bool,
    /// Allow codes that are not in the codebook yet (they are listed as unsorted)
    #[arg(long)]
    new_code: bool,
    /// Start a sheet for a coder who has none yet, when other coders' sheets exist
    #[arg(long)]
    new_coder: bool,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    // The sheet itself is checked as a table before the row is appended (`edit::append_row`);
    // rows of it that do not anchor are no reason not to add another.
    let project = global.load_for_change(|_, _| false)?;
    let coder = match args
        .coder
        .clone()
        .or_else(|| std::env::var("THEMATIC_CODER").ok().filter(|c| !c.is_empty()))
    {
        Some(c) => c,
        None if project.coders.len() == 1 => project.coders[0].clone(),
        None => bail!(
            "which coder? give --coder NAME (or set THEMATIC_CODER); sheets: {}",
            if project.coders.is_empty() {
                "none yet".to_string()
            } else {
                project.coders.join(", ")
            }
        ),
    };
    let codes = split_codes(&args.codes);
    let coded = add_coding(
        &project,
        &NewCoding {
            document: args.document.clone(),
            quote: args.quote.clone(),
            codes: codes.clone(),
            memo: args.memo.clone(),
            coder,
            occurrence: args.occurrence.map(|n| n as usize),
            exemplar: args.exemplar,
            new_code: args.new_code,
            new_coder: args.new_coder,
            not_quotable: false,
        },
    )?;
    for w in &coded.warnings {
        eprintln!("warning: {w}");
    }
    let Coded {
        appended: Appended { file, line },
        document,
        bytes,
        ..
    } = coded;
    let doc = &project.documents[document];
    let turns = doc.turns_overlapping(&bytes);
    let speakers: Vec<&str> = doc.turns[turns]
        .iter()
        .map(|t| &*t.label)
        .filter(|l| !l.is_empty())
        .collect();
    let start = doc.char_at(bytes.start);
    let end = start + doc.text[bytes.clone()].chars().count();
    emit(&format!(
        "{file}:{line}: coded {} {start}..{end}{} with {}: \"{}\"\n",
        doc.id,
        if speakers.is_empty() {
            String::new()
        } else {
            format!(" ({})", speakers.join(", "))
        },
        codes.join(";"),
        excerpt(&doc.text[bytes], 60)
    ))?;
    Ok(Outcome::Done)
}
