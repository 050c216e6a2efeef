//! Reading a `.qdpx` (a zip of `project.qde` and `sources/`) or a bare `.qde`, safely, and
//! writing a `.qdpx` that is the same bytes every time.
//!
//! A `.qdpx` is untrusted input. Before anything is read, every entry name is checked: one
//! that is absolute or climbs out of the archive with `..` refuses the whole file. Only the
//! entries the project needs are decompressed, each checked against its declared size, a cap
//! on the compression ratio and a budget for everything read together, so a zip bomb stops
//! early. Paths inside `project.qde` are resolved only within the archive (or, for a bare
//! `.qde`, within the `sources/` folder beside it); nothing is fetched.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub use crate::unzip::Limits;

/// Where a project's files come from.
pub struct Container {
    /// The file named on the command line, for messages.
    pub file: String,
    /// The project file's name inside the container (`project.qde`).
    pub qde_name: String,
    kind: Kind,
    limits: Limits,
    read_so_far: u64,
}

enum Kind {
    Zip {
        archive: zip::ZipArchive<std::fs::File>,
        /// Lower-cased normalised entry path → entry index.
        index: HashMap<String, usize>,
        /// The folder of the `.qde` inside the archive, lower-cased, with a trailing `/`.
        base: String,
    },
    /// A bare `.qde`: sources may sit in `sources/` beside it.
    Folder { dir: PathBuf },
}

impl Container {
    /// Opens a `.qdpx` archive and checks every entry name.
    pub fn open_zip(path: &Path, limits: Limits) -> Result<Container> {
        let file = path.display().to_string();
        let handle = std::fs::File::open(path).with_context(|| format!("cannot open {file}"))?;
        let archive = zip::ZipArchive::new(handle)
            .with_context(|| format!("{file} is not a readable zip archive (a .qdpx is a zip)"))?;
        if archive.len() > limits.max_entries {
            bail!(
                "{file}: the archive lists {} entries, more than the {} allowed",
                archive.len(),
                limits.max_entries
            );
        }
        let mut index = HashMap::new();
        let mut qdes = Vec::new();
        for i in 0..archive.len() {
            let entry = archive
                .by_index_data(i)
                .with_context(|| format!("{file}: cannot read entry {i} of the archive"))?;
            let raw = String::from_utf8_lossy(entry.name_raw()).into_owned();
            let name = safe_entry_name(&raw)
                .map_err(|why| anyhow::anyhow!("{file}: refusing entry `{}`: {why}", raw.escape_debug()))?;
            if entry.is_dir() || name.is_empty() {
                continue;
            }
            limits
                .check_ratio(&name, entry.size(), entry.compressed_size())
                .map_err(|why| anyhow::anyhow!("{file}: {why}"))?;
            if entry.encrypted() {
                bail!(
                    "{file}: entry `{name}` is encrypted: thematic cannot read password-protected archives"
                );
            }
            let lower = name.to_lowercase();
            if lower.ends_with(".qde") && !lower.starts_with("__macosx/") {
                qdes.push(name.clone());
            }
            index.insert(lower, i);
        }
        let qde_name = match qdes.as_slice() {
            [one] => one.clone(),
            [] => bail!("{file}: no .qde project file in the archive (is it a REFI-QDA .qdpx?)"),
            many => bail!(
                "{file}: {} .qde project files in the archive ({}): expected one",
                many.len(),
                many.join(", ")
            ),
        };
        let base = match qde_name.rfind('/') {
            Some(i) => qde_name[..=i].to_lowercase(),
            None => String::new(),
        };
        Ok(Container {
            file,
            qde_name,
            kind: Kind::Zip { archive, index, base },
            limits,
            read_so_far: 0,
        })
    }

    /// A bare `.qde`: the project file itself, with `sources/` beside it if there is one.
    pub fn open_folder(path: &Path, limits: Limits) -> Container {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        Container {
            file: path.display().to_string(),
            qde_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            kind: Kind::Folder { dir },
            limits,
            read_so_far: 0,
        }
    }

    /// The limits this container reads within.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Whether the project came in a `.qdpx` archive (else it is a bare `.qde`).
    pub fn is_archive(&self) -> bool {
        matches!(self.kind, Kind::Zip { .. })
    }

    /// Reads the project file.
    pub fn read_qde(&mut self) -> Result<Vec<u8>> {
        match &self.kind {
            Kind::Zip { index, .. } => {
                let i = index[&self.qde_name.to_lowercase()];
                let name = self.qde_name.clone();
                // The elements are counted as the entry is decompressed: one that could never
                // fit the XML tree's budget stops before the rest is expanded.
                let mut count = crate::refi::xml::ElementCount::new(self.limits.max_xml_tree);
                self.read_entry_with(i, &name, |piece| {
                    count.feed(piece).map_err(|e| match e.line {
                        Some(line) => format!("{name}:{line}: {}", e.message),
                        None => format!("{name}: {}", e.message),
                    })
                })
            }
            Kind::Folder { dir } => {
                let path = dir.join(&self.qde_name);
                self.read_file(&path)
            }
        }
    }

    /// Reads a file a `plainTextPath` names: `internal://NAME` (or a relative `NAME`) is looked
    /// up in `sources/` of the archive. `Ok(None)` when it is not there; an error when the path
    /// tries to leave the archive or the entry is unsafe to decompress.
    pub fn read_source(&mut self, path: &str) -> Result<Option<Vec<u8>>> {
        let rel = match source_path(path)? {
            Some(rel) => rel,
            None => return Ok(None),
        };
        match &self.kind {
            Kind::Zip { index, base, .. } => {
                let lower = rel.to_lowercase();
                let found = [format!("{base}sources/{lower}"), format!("{base}{lower}")]
                    .iter()
                    .find_map(|k| index.get(k).copied());
                match found {
                    Some(i) => self.read_entry(i, &rel).map(Some),
                    None => Ok(None),
                }
            }
            Kind::Folder { dir } => {
                let dir = dir.clone();
                for sub in ["sources", "Sources"] {
                    let candidate = dir.join(sub).join(&rel);
                    if let Ok(meta) = std::fs::symlink_metadata(&candidate) {
                        if meta.file_type().is_symlink() {
                            bail!(
                                "{}: refusing to follow the symbolic link {}",
                                self.file,
                                candidate.display()
                            );
                        }
                        // A link further up (a linked folder under sources/) must not lead
                        // out of the project's folder either.
                        if crate::fsutil::link_outside(&dir.join(sub), &rel).is_some() {
                            bail!(
                                "{}: refusing to follow a symbolic link out of {}: {}",
                                self.file,
                                dir.join(sub).display(),
                                candidate.display()
                            );
                        }
                        if meta.is_file() {
                            return self.read_file(&candidate).map(Some);
                        }
                    }
                }
                Ok(None)
            }
        }
    }

    fn read_entry(&mut self, i: usize, name: &str) -> Result<Vec<u8>> {
        self.read_entry_with(i, name, |_| Ok(()))
    }

    /// [`Container::read_entry`], showing `inspect` each piece as it is decompressed.
    fn read_entry_with(
        &mut self,
        i: usize,
        name: &str,
        inspect: impl FnMut(&[u8]) -> std::result::Result<(), String>,
    ) -> Result<Vec<u8>> {
        let Kind::Zip { archive, .. } = &mut self.kind else {
            unreachable!("read_entry is only called on archives")
        };
        let file = &self.file;
        let entry = archive
            .by_index(i)
            .with_context(|| format!("{file}: cannot read entry `{name}`"))?;
        let sizes = (entry.size(), entry.compressed_size());
        let bytes =
            crate::unzip::read_entry_with(entry, name, sizes, self.read_so_far, &self.limits, inspect)
                .map_err(|why| anyhow::anyhow!("{file}: {why}"))?;
        self.read_so_far += bytes.len() as u64;
        Ok(bytes)
    }

    fn read_file(&mut self, path: &Path) -> Result<Vec<u8>> {
        let budget = self.limits.max_total.saturating_sub(self.read_so_far);
        let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut bytes = Vec::new();
        f.take(budget + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if bytes.len() as u64 > budget {
            bail!(
                "{}: reading it would pass the {}-byte limit on what one import reads",
                path.display(),
                self.limits.max_total
            );
        }
        self.read_so_far += bytes.len() as u64;
        Ok(bytes)
    }
}

/// Checks an entry name and returns it normalised (`/` separators, no `.` parts). Absolute
/// names and names that climb out with `..` are refused.
pub fn safe_entry_name(raw: &str) -> Result<String, &'static str> {
    if raw.contains('\0') {
        return Err("its name holds a NUL byte");
    }
    let name = raw.replace('\\', "/");
    if name.starts_with('/') {
        return Err("it is an absolute path");
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err("it is an absolute path (a drive letter)");
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("it climbs out of the archive with `..`"),
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

/// The file a `plainTextPath` names inside the archive: `internal://x.txt` → `x.txt`, a
/// relative `x.txt` likewise. `None` for paths outside the project (absolute, `file://`,
/// `http://`), which are never read; an error for an internal path that climbs out.
fn source_path(path: &str) -> Result<Option<String>> {
    let (internal, rest) = match path.strip_prefix("internal://") {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    if !internal && (rest.contains("://") || rest.starts_with(['/', '\\']) || rest.get(1..2) == Some(":")) {
        return Ok(None);
    }
    match safe_entry_name(rest) {
        Ok(name) if !name.is_empty() => Ok(Some(name)),
        Ok(_) => Ok(None),
        Err(why) => bail!("path `{path}` in the project file is refused: {why}"),
    }
}

/// Whether a `plainTextPath` points outside the project (and so is never read).
pub fn is_external(path: &str) -> bool {
    matches!(source_path(path), Ok(None)) && !path.trim().is_empty()
}

/// A `.qdpx`: the entries in the order given, deflated, with a fixed timestamp and
/// permissions, so the same entries always give the same bytes.
pub fn write_zip(entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
        .system(zip::System::Unix);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_that_escape_are_refused() {
        assert_eq!(safe_entry_name("sources/a.txt"), Ok("sources/a.txt".into()));
        assert_eq!(safe_entry_name("./sources//a.txt"), Ok("sources/a.txt".into()));
        assert_eq!(safe_entry_name("Sources\\a.txt"), Ok("Sources/a.txt".into()));
        assert!(safe_entry_name("../evil.txt").is_err());
        assert!(safe_entry_name("sources/../../evil.txt").is_err());
        assert!(safe_entry_name("/etc/passwd").is_err());
        assert!(safe_entry_name("C:/Windows/x").is_err());
        assert!(safe_entry_name("a\0b").is_err());
    }

    #[test]
    fn source_paths() {
        assert_eq!(source_path("internal://a.txt").unwrap(), Some("a.txt".into()));
        assert_eq!(source_path("admin-1.txt").unwrap(), Some("admin-1.txt".into()));
        assert_eq!(source_path("file:///home/x/a.txt").unwrap(), None);
        assert_eq!(source_path("C:\\data\\a.txt").unwrap(), None);
        assert!(is_external("/home/x/a.txt"));
        assert!(source_path("internal://../../etc/passwd").is_err());
    }

    #[test]
    fn reading_stops_at_the_total_limit() {
        let text: Vec<u8> = (0..1000u32).map(|i| b'a' + (i * 7 % 26) as u8).collect();
        let zip = write_zip(&[
            ("project.qde".to_string(), b"<Project name=\"p\"/>".to_vec()),
            ("sources/a.txt".to_string(), text.clone()),
            ("sources/b.txt".to_string(), text),
        ])
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.qdpx");
        std::fs::write(&path, zip).unwrap();
        let limits = Limits {
            max_total: 1500,
            ..Limits::default()
        };
        let mut c = Container::open_zip(&path, limits).unwrap();
        assert_eq!(c.qde_name, "project.qde");
        c.read_qde().unwrap();
        assert!(c.read_source("internal://a.txt").unwrap().is_some());
        let e = c.read_source("internal://b.txt").unwrap_err();
        assert!(e.to_string().contains("1500-byte limit"), "{e}");
        assert!(c.read_source("internal://missing.txt").unwrap().is_none());
    }

    #[test]
    fn zips_are_deterministic() {
        let entries = vec![
            ("project.qde".to_string(), b"<Project/>".to_vec()),
            ("sources/a.txt".to_string(), b"text".to_vec()),
        ];
        assert_eq!(write_zip(&entries).unwrap(), write_zip(&entries).unwrap());
    }
}
