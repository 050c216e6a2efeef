//! An analysis folder in git: the merge driver's registration (`.gitattributes` and the
//! repository's config), `.gitignore`, and CI out of the box (a GitHub Actions workflow, a
//! GitLab CI file and a pre-commit configuration), for `thematic init` and `thematic git-setup`.
//!
//! Files that exist already are left as they are, except `.gitattributes` and `.gitignore`,
//! which get the lines they lack appended.

use crate::fsutil::write_atomic;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The merge driver's name in `.gitattributes` and the git config.
pub const DRIVER: &str = "thematic";

/// The command git runs for a merge.
pub const DRIVER_COMMAND: &str = "thematic merge-sheet %O %A %B %P";

/// The GitHub Actions workflow, at `.github/workflows/thematic.yml`.
pub const GITHUB_WORKFLOW: &str = include_str!("../ci/github-workflow.yml");
/// The GitLab CI file, `.gitlab-ci.yml`.
pub const GITLAB_CI: &str = include_str!("../ci/gitlab-ci.yml");
/// The pre-commit configuration, `.pre-commit-config.yaml`.
pub const PRE_COMMIT: &str = include_str!("../ci/pre-commit-config.yaml");

/// The files CI needs, by their path in the analysis folder.
pub const CI_FILES: [(&str, &str); 3] = [
    (".github/workflows/thematic.yml", GITHUB_WORKFLOW),
    (".gitlab-ci.yml", GITLAB_CI),
    (".pre-commit-config.yaml", PRE_COMMIT),
];

/// Lines `.gitignore` should have: the cache, and spreadsheet lock files.
const IGNORED: [&str; 4] = [".thematic/", "~$*", ".~lock.*#", ".DS_Store"];

/// What a set-up did, for the command's summary.
#[derive(Debug, Default)]
pub struct Done {
    /// Files created or extended, relative to the analysis folder.
    pub files: Vec<String>,
    /// Whether the driver was registered in the repository's config.
    pub registered: bool,
    /// Where the repository's top is, when it is not the analysis folder.
    pub toplevel_elsewhere: Option<PathBuf>,
}

/// The top of the git work tree holding `dir`, if any.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Makes `dir` a git repository (`git init`) when it is in none; `false` when git is missing.
pub fn ensure_repository(dir: &Path) -> Result<bool> {
    if toplevel(dir).is_some() {
        return Ok(true);
    }
    match Command::new("git").arg("init").arg("-q").arg(dir).status() {
        Ok(s) if s.success() => Ok(true),
        Ok(s) => bail!("`git init` in {} failed ({s})", dir.display()),
        Err(_) => Ok(false),
    }
}

/// Writes the git files into the analysis folder `root` and registers the merge driver in the
/// repository's config (when `root` is in a repository). `sheets` and `participants` are the
/// folder's settings.
pub fn setup(root: &Path, sheets: &str, participants: &str) -> Result<Done> {
    let mut done = Done::default();
    let sheets = sheets.trim_end_matches('/');
    let attributes = [
        "# thematic: coding sheets, participants and documents merge row by row (thematic merge-sheet)"
            .to_string(),
        format!("{sheets}/*.csv merge={DRIVER}"),
        format!("{participants} merge={DRIVER}"),
        format!("documents.csv merge={DRIVER}"),
    ];
    if append_missing(&root.join(".gitattributes"), &attributes)? {
        done.files.push(".gitattributes".into());
    }
    let ignored: Vec<String> =
        std::iter::once("# thematic's cache, and spreadsheets' lock files".to_string())
            .chain(IGNORED.iter().map(|s| s.to_string()))
            .collect();
    if append_missing(&root.join(".gitignore"), &ignored)? {
        done.files.push(".gitignore".into());
    }
    for (rel, text) in CI_FILES {
        let path = root.join(rel);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        write_atomic(&path, text.as_bytes())?;
        done.files.push(rel.into());
    }
    if let Some(top) = toplevel(root) {
        register(root)?;
        done.registered = true;
        let same = top.canonicalize().ok() == root.canonicalize().ok();
        if !same {
            done.toplevel_elsewhere = Some(top);
        }
    }
    Ok(done)
}

/// `merge.thematic.name` and `merge.thematic.driver` in the repository's config.
fn register(root: &Path) -> Result<()> {
    for (key, value) in [
        ("merge.thematic.name", "thematic: coding sheets row by row"),
        ("merge.thematic.driver", DRIVER_COMMAND),
    ] {
        let status = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["config", key, value])
            .status()
            .context("cannot run git")?;
        if !status.success() {
            bail!("`git config {key}` failed in {}", root.display());
        }
    }
    Ok(())
}

/// Appends the lines `path` lacks (the first, a comment, only when any other is missing);
/// `true` when the file changed.
fn append_missing(path: &Path, lines: &[String]) -> Result<bool> {
    let existing = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let has = |l: &str| existing.lines().any(|e| e.trim() == l);
    let missing: Vec<&String> = lines[1..].iter().filter(|l| !has(l)).collect();
    if missing.is_empty() {
        return Ok(false);
    }
    let mut text = existing.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !has(&lines[0]) {
        text.push_str(&lines[0]);
        text.push('\n');
    }
    for l in missing {
        text.push_str(l);
        text.push('\n');
    }
    write_atomic(path, text.as_bytes())?;
    Ok(true)
}
