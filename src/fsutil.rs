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
