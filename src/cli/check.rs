//! `thematic check`: validates every file and lists every problem at once.

use super::{emit, Global, Outcome};
use anyhow::Result;

/// Validate every file and list every problem at once
///
/// Each problem is printed as
/// `FILE:LINE: message`. Exits 1 when there is an error (or, with --strict, a warning).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Warnings (unsorted codes, a Windows-1252 fallback...) fail the check too
    #[arg(long)]
    strict: bool,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let (project, mut diags) = global.load_with_problems()?;
    project.check_written_report(&mut diags);
    let journal = format!("{}/journal.json", crate::guard::STATE_DIR);
    match crate::guard::pending(&project.root) {
        Ok(None) => {}
        Ok(Some(j)) => diags.error(
            &journal,
            None,
            format!(
                "a change was interrupted ({}): {} of {} files are not in place yet, so the folder is half changed; any thematic command other than check finishes it",
                j.what,
                j.remaining(&project.root),
                j.moves.len()
            ),
        ),
        Err(e) => diags.error(&journal, None, format!("{e:#}")),
    }
    crate::report::check_template(&project, &mut diags);
    let mut out = String::new();
    for p in diags.sorted() {
        out.push_str(&p.to_string());
        out.push('\n');
    }
    if project.coders.len() > 1 {
        let analysis = project.analysis_coders();
        let others = project.agreement_only();
        out.push_str(&format!(
            "findings rest on the coding of {}{}\n",
            analysis.join(", "),
            if others.is_empty() {
                " (every sheet: set [coding] analysis to keep a reliability coder's sheet out of them)"
                    .to_string()
            } else {
                format!("; for agreement only: {}", others.join(", "))
            }
        ));
    }
    out.push_str(&format!(
        "attributes for --by and --where: {}\n",
        crate::analysis::breakdown::known(&project).join(", ")
    ));
    let unsorted = project.codebook.unsorted_codes().count();
    out.push_str(&format!(
        "{} participants, {} documents, {} codes ({} unsorted), {} coders, {} coded segments: {} error{}, {} warning{}\n",
        project.participants.len(),
        project.documents.len(),
        project.codebook.codes.len(),
        unsorted,
        project.coders.len(),
        project.segments.len(),
        diags.errors(),
        if diags.errors() == 1 { "" } else { "s" },
        diags.warnings(),
        if diags.warnings() == 1 { "" } else { "s" },
    ));
    emit(&out)?;
    let failed = diags.errors() > 0 || (args.strict && diags.warnings() > 0);
    Ok(if failed { Outcome::Problems } else { Outcome::Done })
}
