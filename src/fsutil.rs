//! Writing files safely: every file `thematic` changes is written to a temporary file in the
//! same folder and renamed into place, so an interrupted run never leaves half a file.

use anyhow::{Context, Result};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `contents` to `path` atomically.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(contents))
}

/// [`write_atomic`] of what `write` writes, in pieces (through a buffer).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let staged = stage_with(path, write)?;
    staged
        .persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    sync_dir(parent_of(path));
    Ok(())
}

/// The folder a path is in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Makes a rename in `dir` durable (the folder's entry, not only the file's bytes). Best effort:
/// not every system can sync a folder.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Writes `contents` to a temporary file beside `path`, to be renamed over it later.
pub fn stage(path: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile> {
    stage_with(path, |w| w.write_all(contents))
}

/// [`stage`] of what `write` writes.
fn stage_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<tempfile::NamedTempFile> {
    let dir = parent_of(path);
    let tmp = tempfile::Builder::new()
        .prefix(".thematic-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let mut out = std::io::BufWriter::new(tmp);
    write(&mut out)
        .and_then(|_| out.flush())
        .with_context(|| format!("cannot write a temporary file for {}", path.display()))?;
    let tmp = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write a temporary file for {}", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write a temporary file for {}", path.display()))?;
    // A temporary file is private (0600); the file it replaces keeps its permissions, and a
    // new file gets the usual ones.
    let permissions = match std::fs::metadata(path) {
        Ok(m) => m.permissions(),
        Err(_) => default_permissions(tmp.as_file())?,
    };
    tmp.as_file()
        .set_permissions(permissions)
        .with_context(|| format!("cannot set the permissions of {}", path.display()))?;
    Ok(tmp)
}

/// The files under a folder of the analysis folder, and what was left out and why.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<PathBuf>,
    /// A link that leaves the analysis folder, goes round in a loop or leads nowhere, or a
    /// folder that cannot be read: (its path, the problem in the user's words).
    pub left_out: Vec<(PathBuf, String)>,
}

/// Lists the files under `dir` (recursively, hidden files and Office's `~$` lock files left
/// out). A link is followed only when it leads to a file or folder inside `root`, and a folder
/// is read once however many links lead to it, so a link out of the folder is never read and
/// a loop never repeats or hangs. Every command lists folders this way, so the cache's stamps
/// and the corpus see the same files.
pub fn list_files(root: &Path, dir: &Path) -> Listing {
    let mut out = Listing::default();
    let inside = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let start = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut seen: HashSet<PathBuf> = HashSet::from([start.clone()]);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(e) => e,
            Err(e) => {
                out.left_out.push((folder, format!("cannot read folder: {e}")));
                continue;
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name.starts_with("~$") {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_symlink() {
                let real = match std::fs::canonicalize(&path) {
                    Ok(r) => r,
                    Err(_) => {
                        out.left_out
                            .push((path, "a link that leads nowhere: left out".to_string()));
                        continue;
                    }
                };
                if !real.starts_with(&inside) {
                    out.left_out.push((
                        path,
                        "a link that leads out of the analysis folder: not followed (copy the file in instead)"
                            .to_string(),
                    ));
                    continue;
                }
                if real.is_dir() {
                    // A link up to a folder that holds this one is a loop too.
                    if !start.starts_with(&real) && seen.insert(real) {
                        stack.push(path);
                    } else {
                        out.left_out.push((
                            path,
                            "a link to a folder that is read already (a loop, or a second way in): not followed"
                                .to_string(),
                        ));
                    }
                } else if real.is_file() {
                    out.files.push(path);
                }
            } else if kind.is_dir() {
                let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if seen.insert(real) {
                    stack.push(path);
                }
            } else if kind.is_file() {
                out.files.push(path);
            }
        }
    }
    out.files.sort();
    out.left_out.sort();
    out
}

/// Whether a path written in the project's settings leads outside the folder that holds them,
/// as written: an absolute path, or more `..` than folders before them (`../x`, `a/../../x`).
pub fn escapes(rel: &str) -> bool {
    use std::path::Component;
    let mut depth: usize = 0;
    for c in Path::new(rel).components() {
        match c {
            Component::Prefix(_) | Component::RootDir => return true,
            Component::ParentDir => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return true,
            },
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
        }
    }
    false
}

/// Where `rel` under `root` really leads when a symbolic link on the way takes it outside
/// `root`: the resolved place of the deepest part that exists. `None` when it stays inside,
/// when nothing of it exists yet, or when `rel` [`escapes`] as written (that is said apart).
pub fn link_outside(root: &Path, rel: &str) -> Option<std::path::PathBuf> {
    if escapes(rel) {
        return None;
    }
    let real_root = std::fs::canonicalize(root).ok()?;
    let full = root.join(rel);
    let existing = full
        .ancestors()
        .take_while(|a| a.starts_with(root) && *a != root)
        .find(|a| std::fs::symlink_metadata(a).is_ok())?;
    // A link that leads nowhere is not followed by anyone: it resolves to nothing.
    let real = std::fs::canonicalize(existing).ok()?;
    (!real.starts_with(&real_root)).then_some(real)
}

/// Whether `file` (a file or folder of the project) is a symbolic link leading outside the
/// folder, reported as an error under its own name: a link to elsewhere is not followed.
pub fn reported_outside(root: &Path, file: &str, diags: &mut crate::diagnostics::Diagnostics) -> bool {
    let Some(real) = crate::fsutil::link_outside(root, file) else {
        return false;
    };
    diags.error(
        file,
        None,
        format!(
            "a symbolic link that leads outside the project folder (to {}): not followed",
            real.display()
        ),
    );
    true
}

#[cfg(unix)]
fn default_permissions(_: &std::fs::File) -> Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(file: &std::fs::File) -> Result<std::fs::Permissions> {
    Ok(file.metadata()?.permissions())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_folder_and_loops_are_not_followed() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let t = root.join("transcripts");
        std::fs::create_dir_all(t.join("wave1")).unwrap();
        std::fs::write(t.join("wave1/a.txt"), "a").unwrap();
        std::fs::write(root.join("shared.txt"), "s").unwrap();
        symlink("..", t.join("wave1/up")).unwrap();
        symlink("../..", t.join("wave1/up2")).unwrap();
        symlink(outside.path(), t.join("out")).unwrap();
        symlink(outside.path().join("secret.txt"), t.join("secret.txt")).unwrap();
        symlink("../shared.txt", t.join("shared.txt")).unwrap();
        symlink("missing.txt", t.join("gone.txt")).unwrap();
        let listing = list_files(root, &t);
        let files: Vec<String> = listing
            .files
            .iter()
            .map(|p| p.strip_prefix(&t).unwrap().display().to_string())
            .collect();
        assert_eq!(files, ["shared.txt", "wave1/a.txt"]);
        let left: Vec<(String, &str)> = listing
            .left_out
            .iter()
            .map(|(p, why)| (p.strip_prefix(&t).unwrap().display().to_string(), &why[..12]))
            .collect();
        assert_eq!(
            left,
            [
                ("gone.txt".to_string(), "a link that "),
                ("out".to_string(), "a link that "),
                ("secret.txt".to_string(), "a link that "),
                ("wave1/up".to_string(), "a link to a "),
                ("wave1/up2".to_string(), "a link to a "),
            ],
            "{:?}",
            listing.left_out
        );
    }

    #[test]
    fn paths_that_lead_outside_are_told_apart() {
        for inside in ["report", "a/../b", "./coding", "a/b/../../c", ""] {
            assert!(!escapes(inside), "{inside}");
        }
        for outside in ["../x", "/etc/passwd", "a/../../x", "../../elsewhere"] {
            assert!(escapes(outside), "{outside}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_of_the_folder_is_found() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("project");
        std::fs::create_dir_all(root.join("coding")).unwrap();
        std::fs::write(outer.path().join("secret.csv"), "x").unwrap();
        std::os::unix::fs::symlink(outer.path().join("secret.csv"), root.join("r.csv")).unwrap();
        std::os::unix::fs::symlink(outer.path(), root.join("out")).unwrap();
        std::os::unix::fs::symlink(root.join("coding"), root.join("sheets")).unwrap();
        assert!(link_outside(&root, "r.csv").is_some());
        assert!(
            link_outside(&root, "out/report/new").is_some(),
            "the part that exists"
        );
        assert_eq!(link_outside(&root, "sheets"), None, "a link inside stays inside");
        assert_eq!(link_outside(&root, "coding/x.csv"), None);
        assert_eq!(link_outside(&root, "not/yet"), None);
    }

    #[test]
    fn replaced_files_keep_their_permissions_and_new_ones_are_readable() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.csv");
        write_atomic(&new, b"a\n").unwrap();
        assert_eq!(std::fs::read(&new).unwrap(), b"a\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&new).unwrap().permissions().mode() & 0o777,
                0o644
            );
            std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o664)).unwrap();
            write_atomic(&new, b"b\n").unwrap();
            assert_eq!(
                std::fs::metadata(&new).unwrap().permissions().mode() & 0o777,
                0o664
            );
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left");
    }
}
