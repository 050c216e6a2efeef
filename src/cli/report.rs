//! `thematic report`: the quoted-evidence report.
//!
//! Privacy fails closed: the report is not written when the redactions cannot be applied, and
//! not from a project with errors unless the analyst says so (`--allow-errors`).

use super::{emit, Filters, Findings, Global, OnErrors, Outcome};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// Write the quoted-evidence report
///
/// Writes report.md, report.html (one self-contained file), report.docx,
/// tables/*.csv, tables.xlsx (every table, a worksheet each) and figures/*.svg, from the
/// built-in template or the analyst's ([report] template). Two runs give byte-identical
/// files. Nothing is written when the redactions cannot be applied, when the template has an
/// error or a hand-typed quote that is not verbatim, or when the project has errors (see
/// --allow-errors).
#[derive(Debug, clap::Args)]
#[command(mut_arg("allow_errors", |a| a.help(
    "Write the report even though the project has errors (its warnings say so); never past an error in redactions.csv or thematic.toml"
)))]
pub struct Args {
    /// The folder to write to [default: [report] out in thematic.toml, under the project]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write nothing; exit 1 when the files in the folder differ from what would be written
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    on_errors: OnErrors,
    #[command(flatten)]
    filters: Filters,
    #[command(flatten)]
    findings: Findings,
}

impl Args {
    /// Whether the command writes the report (not with --check).
    pub(super) fn writes(&self) -> bool {
        !self.check
    }
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let (mut project, diags) = global.load_with_problems()?;
    args.findings.apply(&mut project)?;
    let redactions_file = &project.config.report.redactions;
    let redaction_errors: Vec<String> = diags
        .sorted()
        .into_iter()
        .filter(|p| p.is_error() && (&p.file == redactions_file || p.file == crate::config::CONFIG_FILE))
        .map(|p| p.to_string())
        .collect();
    if !redaction_errors.is_empty() {
        bail!(
            "nothing was written: the report cannot be made safe until these are fixed (names could leak):\n{}",
            redaction_errors.join("\n")
        );
    }
    let errors = diags.errors();
    if errors > 0 && !args.on_errors.allow_errors {
        bail!(
            "nothing was written: the project has {} (run `thematic check` for all of them; --allow-errors writes the report anyway and says so in it):\n{}",
            crate::diagnostics::count(errors, "error"),
            diags.first_errors(5)
        );
    }
    if errors > 0 {
        eprintln!(
            "warning: the project has {errors} error{}: the report is written anyway (--allow-errors) and its warnings say so",
            if errors == 1 { "" } else { "s" }
        );
    }
    let out = match args.out {
        Some(out) => out,
        None => {
            let out = &project.config.report.out;
            if let Some(real) = crate::fsutil::link_outside(&project.root, out) {
                bail!(
                    "nothing was written: {out} is a symbolic link that leads outside the project folder (to {}); give that folder on the command line (--out) to write there",
                    real.display()
                );
            }
            project.root.join(out)
        }
    };
    let bar = crate::progress::Bar::new("writing the report: build, write");
    bar.start(2);
    let options = crate::report::Options {
        filters: args.filters.resolve(&project)?,
    };
    // The report's objects share the loaded project; it is not copied.
    let project = std::sync::Arc::new(project);
    let report = crate::report::build_with(project.clone(), errors, &options)?;
    bar.inc();
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
    crate::guard::write_all(&project.root, "report", &files)?;
    bar.inc();
    bar.finish();
    emit(&format!("wrote {} files to {}\n", report.files.len(), shown("")))?;
    Ok(Outcome::Done)
}
