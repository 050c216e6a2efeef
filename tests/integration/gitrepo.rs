//! Git repositories made in a test: an analysis folder committed on branches, with `thematic`
//! on the PATH so git can run the merge driver.

use crate::util::{run_in, Dir, Output};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder holding the binary under test, first on the PATH of every git command.
pub fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_thematic"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The PATH with the binary under test first.
pub fn path_with_bin() -> std::ffi::OsString {
    let mut paths = vec![bin_dir()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

/// Runs git in `dir`, untouched by the user's own git settings.
pub fn git(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("PATH", path_with_bin())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .env_remove("THEMATIC_CODER")
        .output()
        .expect("git runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Makes `d` a repository on branch `main` with the thematic git set-up, everything committed.
pub fn init_repo(d: &Dir) {
    git(d.path(), &["init", "-q", "-b", "main"]).ok();
    run_in(d.path(), &["git-setup"]).ok();
    commit_all(d, "base");
}

/// Commits every change in `d`.
pub fn commit_all(d: &Dir, message: &str) {
    git(d.path(), &["add", "-A"]).ok();
    git(d.path(), &["commit", "-q", "--allow-empty", "-m", message]).ok();
}
