//! `thematic merge-sheet`: git's merge driver for coding sheets, `participants.csv` and
//! `documents.csv` (registered by `thematic init` and `thematic git-setup`).

use super::{Global, Outcome};
use crate::fsutil::write_atomic;
use crate::merge::merge;
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::Command;

/// Merge two versions of a coding sheet row by row (git's merge driver)
///
/// Git runs it as `thematic merge-sheet %O %A %B %P` for the files `.gitattributes` marks
/// `merge=thematic`. Rows are matched by (document, quote, occurrence) in a coding sheet and by
/// `id` in participants.csv and documents.csv: rows added on both sides are kept, a row removed
/// on one side and untouched on the other is removed, and a field changed differently on both
/// sides is a conflict, written between `<<<<<<<` and `>>>>>>>` lines that `thematic check`
/// reports. The result is written over OURS; exit 1 when there are conflicts.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The common ancestor's version (git's %O)
    base: PathBuf,
    /// Our version, where the result is written (git's %A)
    ours: PathBuf,
    /// Their version (git's %B)
    theirs: PathBuf,
    /// The file's path in the repository, for messages (git's %P)
    path: Option<String>,
}

pub fn run(_global: &Global, args: Args) -> Result<Outcome> {
    let name = args
        .path
        .clone()
        .unwrap_or_else(|| args.ours.display().to_string());
    let read = |p: &PathBuf| std::fs::read(p).with_context(|| format!("cannot read {}", p.display()));
    let (base, ours, theirs) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    match merge(&base, &ours, &theirs, &name) {
        Ok(merged) => {
            write_atomic(&args.ours, &merged.bytes)?;
            if merged.conflicts.is_empty() {
                return Ok(Outcome::Done);
            }
            for (line, row) in &merged.conflicts {
                eprintln!("{name}:{line}: merge conflict: both sides changed the row {row}");
            }
            Ok(Outcome::Problems)
        }
        Err(why) => {
            // Not a table thematic can merge by rows: git's own line merge, with its markers.
            eprintln!("{why}: merged line by line instead");
            let status = Command::new("git")
                .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
                .arg(&args.ours)
                .arg(&args.base)
                .arg(&args.theirs)
                .status()
                .context("cannot run `git merge-file`")?;
            Ok(if status.success() {
                Outcome::Done
            } else {
                Outcome::Problems
            })
        }
    }
}
