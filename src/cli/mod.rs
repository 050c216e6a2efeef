//! The command line: one file per subcommand, each an args struct and a `run`.
//! Exit codes are decided here: 0 fine, 1 `check` found problems, 2 the input or the command
//! line is wrong (or the command could not do its work).

mod agree;
mod autocode;
mod check;
mod code;
mod codebook;
mod cooccur;
mod diff;
mod export;
mod extracts;
mod git_setup;
mod import;
mod init;
mod map;
mod matrix;
mod merge_sheet;
mod ratings;
mod report;
mod saturation;
mod search;
mod serve;
mod shell;
mod stats;
mod suggest;
mod triangulate;

use crate::diagnostics::Diagnostics;
use crate::project::{find_root, Project};
use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// Qualitative thematic analysis for evaluations: transcripts, participants, codebook and
/// coding sheets as plain files, checked, searched, counted and reported.
#[derive(Debug, Parser)]
#[command(name = "thematic", version = VERSION, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// The version and the commit it was built from (`build.rs`; "unknown" without git).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("THEMATIC_COMMIT"),
    ")"
);

/// Flags every command takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// The analysis folder [default: the nearest folder upwards holding thematic.toml, else
    /// the current folder]
    #[arg(short = 'p', long = "project", global = true, value_name = "DIR")]
    project: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(init::Args),
    Check(check::Args),
    Code(code::Args),
    Codebook(codebook::Args),
    Extracts(extracts::Args),
    Search(search::Args),
    Serve(serve::Args),
    Autocode(autocode::Args),
    Suggest(suggest::Args),
    Stats(stats::Args),
    Triangulate(triangulate::Args),
    Matrix(matrix::Args),
    Ratings(ratings::Args),
    Cooccur(cooccur::Args),
    Saturation(saturation::Args),
    Map(map::Args),
    Agree(agree::Args),
    Report(report::Args),
    Diff(diff::Args),
    Import(import::Args),
    MergeSheet(merge_sheet::Args),
    GitSetup(git_setup::Args),
    Export(export::Args),
    Completions(shell::CompletionsArgs),
    Man(shell::ManArgs),
}

/// How a command ended.
pub enum Outcome {
    Done,
    /// `check` found problems.
    Problems,
}

/// Runs the command line and returns the process's exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    // Writers hold the folder's write lock for the whole command (load, change, write); any
    // other command first finishes a change a killed command left, so no one reads a folder
    // half changed. `check` only reports one.
    let _lock = match guard_folder(&cli) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("error: {e:#}");
            return 2;
        }
    };
    let result = match cli.command {
        Command::Init(a) => init::run(&cli.global, a),
        Command::Check(a) => check::run(&cli.global, a),
        Command::Code(a) => code::run(&cli.global, a),
        Command::Agree(a) => agree::run(&cli.global, a),
        Command::Autocode(a) => autocode::run(&cli.global, a),
        Command::Suggest(a) => suggest::run(&cli.global, a),
        Command::Codebook(a) => codebook::run(&cli.global, a),
        Command::Export(a) => export::run(&cli.global, a),
        Command::Extracts(a) => extracts::run(&cli.global, a),
        Command::Import(a) => import::run(&cli.global, a),
        Command::MergeSheet(a) => merge_sheet::run(&cli.global, a),
        Command::GitSetup(a) => git_setup::run(&cli.global, a),
        Command::Report(a) => report::run(&cli.global, a),
        Command::Diff(a) => diff::run(&cli.global, a),
        Command::Search(a) => search::run(&cli.global, a),
        Command::Serve(a) => serve::run(&cli.global, a),
        Command::Completions(a) => shell::completions(a),
        Command::Man(a) => shell::man(a),
        Command::Stats(a) => stats::run(&cli.global, a),
        Command::Triangulate(a) => triangulate::run(&cli.global, a),
        Command::Matrix(a) => matrix::run(&cli.global, a),
        Command::Ratings(a) => ratings::run(&cli.global, a),
        Command::Cooccur(a) => cooccur::run(&cli.global, a),
        Command::Saturation(a) => saturation::run(&cli.global, a),
        Command::Map(a) => map::run(&cli.global, a),
    };
    crate::progress::trace("end");
    match result {
        Ok(Outcome::Done) => 0,
        Ok(Outcome::Problems) => 1,
        Err(e) if is_broken_pipe(&e) => 0,
        Err(e) => {
            eprintln!("error: {e:#}");
            2
        }
    }
}

/// Takes the write lock for a command that changes the analysis folder, or finishes an
/// interrupted change before one that reads it.
fn guard_folder(cli: &Cli) -> Result<Option<crate::guard::WriteLock>> {
    let writes = match &cli.command {
        Command::Code(_) | Command::GitSetup(_) => true,
        Command::Codebook(a) => a.writes(),
        Command::Autocode(a) => a.writes(),
        Command::Suggest(a) => a.writes(),
        Command::Report(a) => a.writes(),
        Command::Import(a) => a.writes_into_project(),
        // `check` reports an unfinished change; these do not work in an analysis folder (or,
        // `serve`, lock for each change they make).
        Command::Check(_)
        | Command::Init(_)
        | Command::Serve(_)
        | Command::MergeSheet(_)
        | Command::Completions(_)
        | Command::Man(_) => return Ok(None),
        _ => false,
    };
    let Ok(root) = find_root(cli.global.project.as_deref()) else {
        // The command says what is wrong with the folder.
        return Ok(None);
    };
    let command = command_line();
    if writes {
        crate::guard::WriteLock::acquire(&root, &command).map(Some)
    } else {
        crate::guard::finish(&root, &command).map(|_| None)
    }
}

/// The command as typed, without the program's name, for the message another writer sees.
fn command_line() -> String {
    let words: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let line = words.join(" ");
    match line.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes text to standard output; a closed pipe ends the command quietly.
///
/// Once a command has loaded the project, everything it prints here passes through the
/// project's redactions: one place for every command and format (`stats --by participant`,
/// `codebook` examples, `triangulate` labels...), not each command's own care. Only an explicit
/// `--unredacted` ([`show_unredacted`]) lets the words through as written.
fn emit(text: &str) -> Result<()> {
    let redacted;
    let text = match OUTPUT_REDACTIONS.get() {
        Some(r) if !UNREDACTED.load(std::sync::atomic::Ordering::Relaxed) => {
            redacted = r.apply(text);
            redacted.as_str()
        }
        _ => text,
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The loaded project's redactions, applied by [`emit`].
static OUTPUT_REDACTIONS: std::sync::OnceLock<crate::redact::Redactions> = std::sync::OnceLock::new();
static UNREDACTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on [`emit`] redacts with the project's redactions.
fn redact_output(project: &Project) {
    let _ = OUTPUT_REDACTIONS.set(project.redactions.clone());
}

/// `--unredacted`: the analyst asked to see the words as written.
fn show_unredacted() {
    UNREDACTED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Who and where, for the commands that list passages (`extracts`, `search`).
#[derive(Debug, Args, Clone, Default)]
pub struct Who {
    /// Only where someone of this group speaks (group id or label; repeatable)
    #[arg(long, value_name = "GROUP", value_delimiter = ',')]
    group: Vec<String>,
    /// Only where this participant speaks (id, label or alias; repeatable)
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    participant: Vec<String>,
    /// Only this document (repeatable)
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    document: Vec<String>,
}

/// Which evidence counts: `--where KEY=VALUE` (or `KEY!=VALUE`), repeatable.
#[derive(Debug, Args, Clone, Default)]
pub struct Filters {
    /// Only evidence where KEY=VALUE (or KEY!=VALUE): any participant or document attribute,
    /// such as --where level=strategic --where wave!=1 (repeatable: all must hold)
    #[arg(long = "where", value_name = "KEY=VALUE")]
    conditions: Vec<String>,
}

impl Filters {
    fn resolve(&self, project: &Project) -> Result<Vec<crate::analysis::breakdown::Where>> {
        self.conditions
            .iter()
            .map(|c| crate::analysis::breakdown::Where::parse(c, project))
            .collect()
    }
}

/// Whose coding counts, for the commands that count and quote.
#[derive(Debug, Args, Clone, Default)]
pub struct Findings {
    /// The coders whose coding makes the findings, comma-separated [default: [coding] analysis
    /// in thematic.toml, else every coder]
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    coders: Vec<String>,
}

impl Findings {
    /// Applies `--coders` to a loaded project.
    fn apply(&self, project: &mut Project) -> Result<()> {
        if !self.coders.is_empty() {
            project.set_analysis(&self.coders)?;
        }
        Ok(())
    }
}

/// Whether a command that counts, quotes or exports goes on when the project has errors.
#[derive(Debug, Args, Clone, Default)]
pub struct OnErrors {
    /// Go on although the project has errors: what could not be read is left out of the
    /// results [default: stop, listing the errors with their files and lines (exit 2)]
    #[arg(long)]
    allow_errors: bool,
}

impl OnErrors {
    /// Stops on errors, listing them, unless `--allow-errors`; then says on standard error
    /// that what could not be read is left out. Warnings never stop a command.
    fn check(&self, diags: &Diagnostics) -> Result<()> {
        let errors = diags.errors();
        if errors > 0 && !self.allow_errors {
            anyhow::bail!(
                "the project has {} (run `thematic check` for every problem; --allow-errors goes on, leaving out what could not be read):\n{}",
                crate::diagnostics::count(errors, "error"),
                diags.first_errors(10)
            );
        }
        warn_errors(diags);
        Ok(())
    }
}

/// Says on standard error that the project has errors and what could not be read is left out.
fn warn_errors(diags: &Diagnostics) {
    if diags.errors() > 0 {
        eprintln!(
            "warning: the project has {} (run `thematic check`); what could not be read is left out",
            crate::diagnostics::count(diags.errors(), "error")
        );
    }
}

impl Global {
    /// Loads the project for a command that counts or quotes, with `--coders` applied;
    /// errors stop it unless `on_errors` allows them (a mistake in `--coders` is said first).
    fn load_findings(&self, findings: &Findings, on_errors: &OnErrors) -> Result<Project> {
        let (mut project, diags) = self.load_with_problems()?;
        findings.apply(&mut project)?;
        on_errors.check(&diags)?;
        redact_output(&project);
        Ok(project)
    }

    /// Loads the project for a command that counts, quotes or exports it: errors stop it
    /// (listed, exit 2) unless `on_errors` allows them.
    fn load(&self, on_errors: &OnErrors) -> Result<Project> {
        let (project, diags) = self.load_with_problems()?;
        on_errors.check(&diags)?;
        redact_output(&project);
        Ok(project)
    }

    /// Loads the project for a command that writes into it: errors in `thematic.toml`, or in
    /// a file `rewrites` says the command rewrites, stop it with nothing written; other errors
    /// are summed up on standard error.
    fn load_for_change(&self, rewrites: impl Fn(&Project, &str) -> bool) -> Result<Project> {
        let (project, diags) = self.load_with_problems()?;
        crate::edit::refuse_if_broken(&diags, |file| rewrites(&project, file))?;
        warn_errors(&diags);
        Ok(project)
    }

    fn load_with_problems(&self) -> Result<(Project, Diagnostics)> {
        Project::load_cached(&self.root()?)
    }

    /// The analysis folder the command works on.
    fn root(&self) -> Result<std::path::PathBuf> {
        let root = find_root(self.project.as_deref())?;
        if !crate::project::is_analysis_folder(&root) {
            anyhow::bail!(
                "{} is not an analysis folder: it has no thematic.toml, participants.csv, transcripts or coding folder (run `thematic init` to make one, or give -p DIR)",
                root.display()
            );
        }
        Ok(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
