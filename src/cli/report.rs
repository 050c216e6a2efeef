//! `thematic report`: the quoted-evidence report.

use super::{emit, Global, Outcome};
use crate::fsutil::write_all_atomic;
use anyhow::{Context, Result};
use std::path::PathBuf;

/// Write the quoted-evidence report
///
/// Writes report.md, report.html (one self-contained file),
/// tables/*.csv and figures/*.svg. Two runs give byte-identical files.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write to [default: [report] out in thematic.toml, under the project]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write nothing; exit 1 when the files in the folder differ from what would be written
    #[arg(long)]
    check: bool,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let project = global.load()?;
    let out = args
        .out
        .unwrap_or_else(|| project.root.join(&project.config.report.out));
    let report = crate::report::build(&project);
    let shown = |rel: &str| {
        let p = out.join(rel);
        p.strip_prefix(&project.root)
            .map(|r| r.display().to_string())
            .unwrap_or(p.display().to_string())
    };
    if args.check {
        let stale: Vec<String> = report
            .files
            .iter()
            .filter(|(rel, bytes)| std::fs::read(out.join(rel)).ok().as_deref() != Some(bytes.as_slice()))
            .map(|(rel, _)| shown(rel))
            .collect();
        if stale.is_empty() {
            emit(&format!("{} is up to date\n", shown("")))?;
            return Ok(Outcome::Done);
        }
        emit(&format!(
            "the report is out of date (run `thematic report`):\n{}\n",
            stale
                .iter()
                .map(|s| format!("  {s}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))?;
        return Ok(Outcome::Problems);
    }
    for dir in ["", "tables", "figures"] {
        std::fs::create_dir_all(out.join(dir))
            .with_context(|| format!("cannot create {}", out.join(dir).display()))?;
    }
    let paths: Vec<PathBuf> = report.files.iter().map(|(rel, _)| out.join(rel)).collect();
    let files: Vec<(&std::path::Path, Vec<u8>)> = paths
        .iter()
        .zip(&report.files)
        .map(|(p, (_, bytes))| (p.as_path(), bytes.clone()))
        .collect();
    write_all_atomic(&files)?;
    emit(&format!("wrote {} files to {}\n", report.files.len(), shown("")))?;
    Ok(Outcome::Done)
}
