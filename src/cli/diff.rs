//! `thematic diff`: what changed in the analysis between two git revisions.

use super::{emit, Global, Outcome};
use crate::diff::render::{document, json, Sides, WORKING_TREE};
use crate::project::Project;
use crate::revision::{checkout, ensure_repository};
use anyhow::Result;

/// What changed in the analysis between two revisions
///
/// Compares the analysis folder at FROM (default: HEAD, the last commit) with TO (default: the
/// working tree): codings added and removed per code and coder; codes added, removed, renamed
/// (as `codebook rename` does), merged and moved between categories; counts per node and group
/// that changed; triangulation verdicts that changed; quotes that entered or left the report.
/// Revisions are read through git into a temporary folder; the working tree is only read.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The revision to compare from (a commit, branch or tag)
    #[arg(value_name = "FROM", default_value = "HEAD")]
    from: String,
    /// The revision to compare to [default: the working tree]
    #[arg(value_name = "TO")]
    to: Option<String>,
    /// How to write the changes: text for a terminal, md for a pull-request comment, json
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Md,
    Json,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let root = global.root()?;
    ensure_repository(&root)?;
    let before = checkout(&root, &args.from)?;
    let after = args.to.as_deref().map(|rev| checkout(&root, rev)).transpose()?;
    let after_root = after.as_ref().map_or(root.clone(), |r| r.root.clone());
    let (old, new) = rayon::join(|| Project::load(&before.root), || Project::load(&after_root));
    let (old, new) = (old?.0, new?.0);
    let diff = crate::diff::diff(&old, &new);
    let sides = Sides {
        from: &args.from,
        to: args.to.as_deref().unwrap_or(WORKING_TREE),
    };
    emit(&match args.format {
        DiffFormat::Text => document(&diff, &sides, false),
        DiffFormat::Md => document(&diff, &sides, true),
        DiffFormat::Json => json(&diff, &sides),
    })?;
    Ok(Outcome::Done)
}
