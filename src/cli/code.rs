//! `thematic code`: append a checked row to a coding sheet, atomically.

use super::{emit, Global, Outcome};
use crate::coding::{locate, split_codes, REQUIRED};
use crate::diagnostics::did_you_mean;
use crate::edit::{append_row, Appended};
use crate::text::{excerpt, is_code_id};
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
    let project = global.load()?;
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
    if coder.is_empty() || coder.contains(['/', '\\']) || coder.starts_with('.') {
        bail!("invalid coder name `{coder}`: it becomes the file name coding/<coder>.csv");
    }
    if project.coder(&coder).is_none() && !project.coders.is_empty() && !args.new_coder {
        bail!(
            "there is no sheet for coder `{coder}` (sheets: {}){}; nothing was written (--new-coder starts coding/{coder}.csv)",
            project.coders.join(", "),
            did_you_mean(&coder, project.coders.iter().map(String::as_str))
        );
    }
    let doc_idx = project.document_named(&args.document)?;
    let doc = &project.documents[doc_idx];
    let codes = split_codes(&args.codes);
    if codes.is_empty() {
        bail!("no codes given");
    }
    for c in &codes {
        if !is_code_id(c) {
            bail!("invalid code id `{c}`: use letters, digits, `-`, `_` and `/` only");
        }
        if project
            .codebook
            .code(c)
            .is_none_or(|i| project.codebook.codes[i].unsorted)
        {
            let ids = project.codebook.sorted_codes().map(|(_, c)| c.id.as_str());
            let hint = did_you_mean(c, ids);
            if !args.new_code {
                bail!(
                    "code `{c}` is not in the codebook{hint}; nothing was written (--new-code codes with it anyway, listed as unsorted until the codebook has it)"
                );
            }
            eprintln!("warning: code `{c}` is not in the codebook: it will be listed as unsorted{hint}");
        }
    }
    let occurrence = args.occurrence.map(|n| n as usize);
    let bytes = locate(doc, &args.quote, occurrence).map_err(anyhow::Error::msg)?;
    if let Some(same) = project.coder(&coder).and_then(|c| {
        project
            .segments
            .iter()
            .find(|s| s.coder == c && s.document == doc_idx && s.bytes == bytes)
    }) {
        let ids: Vec<&str> = same
            .codes
            .iter()
            .map(|&i| project.codebook.codes[i].id.as_str())
            .collect();
        bail!(
            "{}/{coder}.csv:{} already codes this passage of {} (codes: {}); nothing was written (add the codes to that row instead)",
            project.config.coding.sheets,
            same.line,
            doc.id,
            ids.join(";")
        );
    }

    let mut wanted: Vec<&str> = REQUIRED.to_vec();
    wanted.push("memo");
    if occurrence.is_some() {
        wanted.push("occurrence");
    }
    if args.exemplar {
        wanted.push("exemplar");
    }
    let value = |h: &str| -> String {
        match h {
            "document" => args.document.clone(),
            "quote" => args.quote.clone(),
            "codes" => codes.join(";"),
            "memo" => args.memo.clone().unwrap_or_default(),
            "occurrence" => occurrence.map(|n| n.to_string()).unwrap_or_default(),
            "exemplar" if args.exemplar => "yes".into(),
            _ => String::new(),
        }
    };
    let Appended { file, line } = append_row(&project, &coder, &wanted, value)?;

    let turns = doc.turns_overlapping(&bytes);
    let speakers: Vec<&str> = doc.turns[turns]
        .iter()
        .map(|t| t.label.as_str())
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
