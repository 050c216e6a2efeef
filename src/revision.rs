//! An analysis folder as it was at a git revision, read through the `git` command into a
//! temporary folder (`git archive REV:PATH | tar -x`), so that it loads with the same loader
//! as the working tree. The working tree and the index are never touched.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A revision's copy of the analysis folder; removed when dropped.
pub struct Revision {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

/// Runs git in `dir` and returns its trimmed output, or `None` when it fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .trim_end_matches('\n')
            .to_string()
    })
}

/// Whether `root` is inside a git work tree, with the reason in the user's words if not.
pub fn ensure_repository(root: &Path) -> Result<()> {
    if Command::new("git").arg("--version").output().is_err() {
        bail!("git was not found: `thematic diff` reads revisions through the git command; install git");
    }
    if git(root, &["rev-parse", "--is-inside-work-tree"]).as_deref() != Some("true") {
        bail!(
            "{} is not in a git repository: `thematic diff` compares revisions (run `thematic init` or `git init` there, and commit)",
            root.display()
        );
    }
    Ok(())
}

/// The commit `rev` names, or an error saying it names none.
pub fn commit(root: &Path, rev: &str) -> Result<String> {
    git(
        root,
        &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")],
    )
    .ok_or_else(|| {
        anyhow::anyhow!(
            "`{rev}` is not a commit of the repository at {} (a branch, tag or commit such as HEAD~1)",
            root.display()
        )
    })
}

/// Writes the analysis folder `root` as it was at `rev` into a temporary folder.
pub fn checkout(root: &Path, rev: &str) -> Result<Revision> {
    let commit = commit(root, rev)?;
    // The folder's path inside the repository ("" at its top).
    let prefix = git(root, &["rev-parse", "--show-prefix"]).unwrap_or_default();
    let tree = format!("{commit}:{}", prefix.trim_end_matches('/'));
    if git(root, &["cat-file", "-e", &tree]).is_none() {
        bail!(
            "the analysis folder {} did not exist at {rev}",
            display_prefix(&prefix)
        );
    }
    let tmp = tempfile::Builder::new()
        .prefix("thematic-diff-")
        .tempdir()
        .context("cannot make a temporary folder")?;
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["archive", "--format=tar", &tree])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run `git archive`")?;
    let stdout = archive.stdout.take().expect("piped");
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(tmp.path())
        .stdin(stdout)
        .output()
        .context("cannot run `tar`, which unpacks the revision")?;
    let archived = archive.wait_with_output().context("`git archive` failed")?;
    if !archived.status.success() {
        bail!(
            "`git archive {tree}` failed: {}",
            String::from_utf8_lossy(&archived.stderr).trim()
        );
    }
    if !tar.status.success() {
        bail!(
            "cannot unpack {rev} into {}: {}",
            tmp.path().display(),
            String::from_utf8_lossy(&tar.stderr).trim()
        );
    }
    let root = tmp.path().to_path_buf();
    Ok(Revision { _tmp: tmp, root })
}

fn display_prefix(prefix: &str) -> String {
    if prefix.is_empty() {
        "(the repository's top)".into()
    } else {
        prefix.trim_end_matches('/').to_string()
    }
}
