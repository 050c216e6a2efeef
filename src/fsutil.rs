//! Writing files safely: every file `thematic` changes is written to a temporary file in the
//! same folder and renamed into place, so an interrupted run never leaves half a file.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let staged = stage(path, contents)?;
    staged
        .persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Writes `contents` to a temporary file beside `path`, to be renamed over it later.
pub fn stage(path: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".thematic-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(contents)
        .and_then(|_| tmp.as_file().sync_all())
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

/// Replaces several files together: all are staged first, so nothing is renamed unless every
/// file could be written.
pub fn write_all_atomic(files: &[(&Path, Vec<u8>)]) -> Result<()> {
    let staged: Vec<_> = files
        .iter()
        .map(|(path, contents)| stage(path, contents).map(|t| (t, *path)))
        .collect::<Result<_>>()?;
    for (tmp, path) in staged {
        tmp.persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot replace {}", path.display()))?;
    }
    Ok(())
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
