//! REFI-QDA exchange: projects (`.qdpx`, or a bare `.qde`) and codebooks (`.qdc`) as NVivo,
//! ATLAS.ti, MAXQDA, QualCoder, qc and others write and read them.
//!
//! - [`archive`] reads a `.qdpx` safely and writes one deterministically;
//! - [`xml`] reads XML by local names (refusing DTDs and unknown entities) and writes it;
//! - [`qde`] turns the XML into plain structs;
//! - [`import`] builds an analysis folder in memory from them ([`offsets`] converts each
//!   tool's positions, `placing` checks them against a selection's own text, `tree` maps the code tree onto themes, categories and codes, `people`
//!   makes participants, `quotes` writes coding-sheet rows that anchor, `memos` keeps notes,
//!   [`settings`] carries what thematic.toml holds that REFI-QDA has no element for);
//! - [`export`] writes a loaded [`crate::project::Project`] back out, and [`taguette`] its
//!   codebook as the CSV Taguette imports.
//!
//! An import writes nothing until the whole folder is built and checked, and then writes it
//! beside its destination and moves it into place ([`write_folder`]).

pub mod archive;
pub mod export;
pub mod import;
pub mod memos;
pub mod names;
pub mod offsets;
mod people;
mod placing;
pub mod qde;
mod quotes;
pub mod settings;
mod sheets;
mod sources;
pub mod summary;
pub mod taguette;
mod tree;
pub mod xml;

use anyhow::{bail, Context, Result};
use archive::{Container, Limits};
use import::Folder;
use std::path::Path;

/// Opens a project file: a zip (`.qdpx`) by its content, anything else as a bare `.qde`.
pub fn open(path: &Path, limits: Limits) -> Result<Container> {
    let mut magic = [0u8; 4];
    let n = {
        use std::io::Read;
        let mut f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        f.read(&mut magic)
            .with_context(|| format!("cannot read {}", path.display()))?
    };
    if n == 4 && &magic == b"PK\x03\x04" || &magic == b"PK\x05\x06" {
        Container::open_zip(path, limits)
    } else {
        Ok(Container::open_folder(path, limits))
    }
}

/// Refuses a destination that holds anything already.
pub fn check_target(target: &Path) -> Result<()> {
    if target.exists() {
        if !target.is_dir() {
            bail!("{} exists and is not a folder", target.display());
        }
        let mut entries =
            std::fs::read_dir(target).with_context(|| format!("cannot read {}", target.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty: import into a new or empty folder (nothing was written)",
                target.display()
            );
        }
    }
    Ok(())
}

/// Writes a folder built in memory to `target` (new, or empty): every file is written to a
/// temporary folder beside it first, which is then moved into place, so a failure leaves
/// nothing behind.
pub fn write_folder(target: &Path, folder: &Folder) -> Result<()> {
    check_target(target)?;
    if !target.exists() {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let staging = tempfile::Builder::new()
            .prefix(".thematic-import-")
            .tempdir_in(&parent)
            .with_context(|| format!("cannot create a temporary folder in {}", parent.display()))?;
        fill(staging.path(), folder)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // A temporary folder is private; the analysis folder is an ordinary one.
            let _ = std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755));
        }
        // One rename: the whole project appears at once, or nothing does.
        let staged = staging.keep();
        if let Err(e) = std::fs::rename(&staged, target) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e)
                .with_context(|| format!("cannot move the imported folder to {}", target.display()));
        }
        crate::fsutil::sync_dir(&parent);
        return Ok(());
    }
    // An existing empty folder (perhaps the current one): the project is staged in its
    // `.thematic/` and moved in through the journal, so an import killed halfway is finished by
    // the next command rather than leaving half a project.
    let state = target.join(crate::guard::STATE_DIR);
    std::fs::create_dir_all(&state).with_context(|| format!("cannot create {}", state.display()))?;
    let staging = tempfile::Builder::new()
        .prefix("import-")
        .tempdir_in(&state)
        .with_context(|| format!("cannot create a temporary folder in {}", state.display()))?;
    fill(staging.path(), folder)?;
    let mut moves = Vec::new();
    for entry in std::fs::read_dir(staging.path())? {
        let entry = entry?;
        moves.push(crate::guard::Move {
            from: entry.path(),
            to: target.join(entry.file_name()),
        });
    }
    moves.sort_by(|a, b| a.to.cmp(&b.to));
    crate::guard::move_all(target, "import", moves)?;
    Ok(())
}

/// Writes the folder's files under `dir`.
fn fill(dir: &Path, folder: &Folder) -> Result<()> {
    for d in &folder.dirs {
        let path = dir.join(d);
        std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
    }
    for (rel, bytes) in &folder.files {
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
