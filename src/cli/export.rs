//! `thematic export`: the project as a REFI-QDA project or codebook, for NVivo, ATLAS.ti,
//! MAXQDA, QualCoder, qc and others, and the codebook as the CSV Taguette imports.

use super::{emit, Global, OnErrors, Outcome};
use crate::fsutil::write_atomic;
use crate::refi::{self, export};
use anyhow::Result;
use std::path::PathBuf;

/// Export to REFI-QDA (.qdpx, .qdc) for NVivo, ATLAS.ti, MAXQDA..., or Taguette (CSV)
///
/// The same project always gives the same
/// bytes. A project with errors (`thematic check`) is not exported.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// The whole project (.qdpx): transcripts, codebook, coded segments per coder,
    /// participants as cases, memos as notes
    Qdpx(OutArgs),
    /// The codebook alone (.qdc)
    Qdc(OutArgs),
    /// The codebook as .qdc, or with --csv as the CSV Taguette imports (tag,description)
    Codebook(CodebookArgs),
}

#[derive(Debug, clap::Args)]
struct CodebookArgs {
    /// Write `tag,description` CSV, one row per code, for Taguette's codebook import
    #[arg(long)]
    csv: bool,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(Debug, clap::Args)]
struct OutArgs {
    /// The file to write [default: the project folder's name with .qdpx or .qdc, in the
    /// current folder]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    on_errors: OnErrors,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let on_errors = match &args.what {
        What::Qdpx(a) | What::Qdc(a) | What::Codebook(CodebookArgs { out: a, .. }) => &a.on_errors,
    };
    // Settings that did not parse stand in as defaults: never exported, even with
    // --allow-errors.
    let (project, diags) = global.load_with_problems()?;
    crate::edit::refuse_if_broken(&diags, |_| false)?;
    on_errors.check(&diags)?;
    let default_name = |ext: &str| {
        let root = std::fs::canonicalize(&project.root).unwrap_or_else(|_| project.root.clone());
        let stem = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".into());
        PathBuf::from(format!("{stem}.{ext}"))
    };
    match args.what {
        What::Qdpx(a) => {
            let out = a.out.unwrap_or_else(|| default_name("qdpx"));
            let (bytes, c) = export::qdpx(&project)?;
            write_atomic(&out, &bytes)?;
            emit(&format!(
                "exported {} document{}, {} code{}, {} coded segment{} by {} coder{}, {} participant{} as cases and {} note{} to {}\n",
                c.documents,
                plural(c.documents),
                c.codes,
                plural(c.codes),
                c.selections,
                plural(c.selections),
                c.users,
                plural(c.users),
                c.cases,
                plural(c.cases),
                c.notes,
                plural(c.notes),
                out.display()
            ))?;
        }
        What::Codebook(a) if a.csv => {
            let out = a.out.out.unwrap_or_else(|| default_name("csv"));
            write_atomic(&out, &refi::taguette::codebook_csv(&project.codebook))?;
            emit(&format!(
                "exported {} code{} as Taguette tags to {}\n",
                project.codebook.codes.len(),
                plural(project.codebook.codes.len()),
                out.display()
            ))?;
        }
        What::Qdc(a) | What::Codebook(CodebookArgs { out: a, .. }) => {
            let out = a.out.unwrap_or_else(|| default_name("qdc"));
            let bytes = export::qdc(&project)?;
            write_atomic(&out, &bytes)?;
            emit(&format!(
                "exported {} code{} ({} themes, {} categories) to {}\n",
                project.codebook.codes.len(),
                plural(project.codebook.codes.len()),
                project.codebook.themes.len(),
                project.codebook.categories.len(),
                out.display()
            ))?;
        }
    }
    Ok(Outcome::Done)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
