//! `thematic init`: a new analysis folder with a starter codebook.

use super::{Global, Outcome};
use crate::fsutil::write_atomic;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The codebooks `init` can start from (the files in `codebooks/`).
pub const CODEBOOKS: &[(&str, &str, &str)] = &[
    (
        "starter",
        "a small general codebook for an evaluation: implementation, working together, outcomes",
        include_str!("../../codebooks/starter.md"),
    ),
    (
        "blank",
        "one theme, one category and one code to fill in",
        include_str!("../../codebooks/blank.md"),
    ),
    (
        "cfir",
        "CFIR 2.0 (Damschroder et al. 2022): enablers of and barriers to implementation",
        include_str!("../../codebooks/cfir.md"),
    ),
    (
        "npt",
        "Normalisation Process Theory (May & Finch 2009): how a practice becomes routine",
        include_str!("../../codebooks/npt.md"),
    ),
    (
        "partnership",
        "partnership working: the Partnership Assessment Tool's six principles (Hardy et al. 2003)",
        include_str!("../../codebooks/partnership.md"),
    ),
    (
        "partnership-evaluation",
        "a partnership evaluation modelled on the five themes of the Life Rooms evaluation (2021)",
        include_str!("../../codebooks/partnership-evaluation.md"),
    ),
];

/// Create a new analysis folder
///
/// Writes thematic.toml, participants.csv, transcripts/, codebook.md,
/// coding/ and redactions.csv; makes the folder a git repository (unless it is in one
/// already) with the merge driver for coding sheets registered, a .gitignore, and CI files
/// (GitHub Actions, GitLab CI, pre-commit). Files that exist already are left as they are.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to create [default: the --project folder, else the current folder]
    dir: Option<PathBuf>,
    /// The codebook to start from (`--codebook` alone lists them)
    #[arg(long, value_name = "NAME", default_value = "starter", num_args = 0..=1, default_missing_value = "", value_parser = codebook_names())]
    codebook: String,
}

fn codebook_names() -> clap::builder::PossibleValuesParser {
    let names = CODEBOOKS
        .iter()
        .map(|(name, help, _)| clap::builder::PossibleValue::new(*name).help(*help));
    clap::builder::PossibleValuesParser::new(names.chain([clap::builder::PossibleValue::new("").hide(true)]))
}

/// The codebooks, one a line with what each is for.
fn list_codebooks() -> String {
    let width = CODEBOOKS.iter().map(|(name, _, _)| name.len()).max().unwrap_or(0);
    let mut out = String::from("codebooks to start from (thematic init --codebook NAME):\n");
    for (name, help, _) in CODEBOOKS {
        out.push_str(&format!("  {name:width$}  {help}\n"));
    }
    out
}

const CONFIG: &str = r#"# thematic settings: every key is optional. See the README for all of them.

[project]
title = "My evaluation"
# reflexive | codebook | coding-reliability
approach = "codebook"

# Stakeholder groups, id = label, in report order. Every participant's group must be one of
# these.
[groups]
staff = "Staff"
partner = "Partner organisations"
service_user = "Service users"

[corpus]
transcripts = "transcripts"
participants = "participants.csv"
# Speaker labels that are not participants.
interviewer = ["Interviewer", "I", "Int", "Facilitator", "Moderator"]

[report]
quotes_per_subtheme = 3
attribution = "({label})"
"#;

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    if args.codebook.is_empty() {
        print!("{}", list_codebooks());
        return Ok(Outcome::Done);
    }
    let dir = args
        .dir
        .or_else(|| global.project.clone())
        .unwrap_or_else(|| PathBuf::from("."));
    if dir.join(crate::config::CONFIG_FILE).exists() {
        bail!(
            "{} already holds an analysis folder (thematic.toml exists)",
            dir.display()
        );
    }
    let codebook = CODEBOOKS
        .iter()
        .find(|(name, _, _)| *name == args.codebook)
        .map(|(_, _, text)| *text)
        .expect("clap checks the codebook name");
    for sub in ["transcripts", "coding"] {
        std::fs::create_dir_all(dir.join(sub))
            .with_context(|| format!("cannot create {}", dir.join(sub).display()))?;
    }
    let files: [(&str, &str); 5] = [
        ("participants.csv", "id,group,label,aliases\n"),
        ("codebook.md", codebook),
        ("redactions.csv", "term,replacement\n"),
        ("coding/README.md", "One coding sheet per coder: `coding/<coder>.csv` with the columns\n`document,quote,codes,memo` (optional: `occurrence`, `exemplar`).\n"),
        (crate::config::CONFIG_FILE, CONFIG),
    ];
    let mut created = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        if !path.exists() {
            write_atomic(&path, text.as_bytes())?;
            created.push(name);
        }
    }
    let in_git = crate::gitsetup::ensure_repository(&dir)?;
    let git = crate::gitsetup::setup(&dir, "coding", "participants.csv")?;
    created.extend(git.files.iter().map(String::as_str));
    // Through `emit`: a closed pipe ends the command quietly (println! panicked).
    let mut text = format!("created {} in {}\n", created.join(", "), display(&dir));
    text.push_str(&super::git_setup::explain(&git, in_git));
    text.push_str(
        "next: put transcripts in transcripts/, people in participants.csv, then run `thematic check`\n",
    );
    super::emit(&text)?;
    Ok(Outcome::Done)
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
