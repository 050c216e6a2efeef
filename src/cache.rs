//! `.thematic/`: what `thematic` keeps between runs (the search index). Never required, never
//! committed (it holds a `.gitignore` of its own), safe to delete. This module is the only one
//! that knows the folder: it stamps the project's input files, hashes contents, and holds the
//! lock that keeps two commands from writing at once.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

pub const DIR: &str = ".thematic";

/// The cache folder of a project, made (with its `.gitignore`) when missing.
pub fn dir(root: &Path) -> Result<PathBuf> {
    let dir = root.join(DIR);
    if !dir.is_dir() {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        // Best effort: a read-only checkout still searches.
        let _ = std::fs::write(
            &ignore,
            "# thematic's cache: safe to delete, never committed\n*\n",
        );
    }
    Ok(dir)
}

/// A file's size and modification time: a cheap sign that it may have changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    /// Nanoseconds since the Unix epoch (0 where the file system has no times).
    pub modified: u128,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        Some(Stamp::from_metadata(&std::fs::metadata(path).ok()?))
    }

    fn from_metadata(meta: &std::fs::Metadata) -> Stamp {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Stamp {
            size: meta.len(),
            modified,
        }
    }
}

/// The stamps of the files under `root/dir` (recursively; hidden files left out), keyed by
/// their path relative to `root` with `/` separators.
pub fn stamps_under(root: &Path, dir: &str, out: &mut BTreeMap<String, Stamp>) {
    use rayon::prelude::*;
    let mut files: Vec<std::fs::DirEntry> = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(t) if t.is_file() => files.push(entry),
                _ => {}
            }
        }
    }
    // One system call per file, looked up relative to its folder: spread over the cores.
    let stamped: Vec<(String, Stamp)> = files
        .par_iter()
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            Some((
                crate::corpus::rel(root, &entry.path()),
                Stamp::from_metadata(&meta),
            ))
        })
        .collect();
    out.extend(stamped);
}

/// FNV-1a, 64 bits: a content hash that is the same on every machine and every release.
#[derive(Debug, Clone, Copy)]
pub struct Hasher(u64);

impl Default for Hasher {
    fn default() -> Self {
        Hasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher {
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    /// A string, with its length first so that ("ab", "c") and ("a", "bc") differ.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.number(s.len() as u64).bytes(s.as_bytes())
    }

    pub fn number(&mut self, n: u64) -> &mut Self {
        self.bytes(&n.to_le_bytes())
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// The cache's lock: shared while reading, exclusive while writing, released on drop. Two
/// commands at once wait for each other rather than read a half-written cache.
pub struct Lock {
    _file: File,
}

impl Lock {
    pub fn shared(dir: &Path) -> Result<Lock> {
        let file = lock_file(dir)?;
        file.lock_shared()
            .context("cannot lock the cache (.thematic/lock)")?;
        Ok(Lock { _file: file })
    }

    pub fn exclusive(dir: &Path) -> Result<Lock> {
        let file = lock_file(dir)?;
        file.lock().context("cannot lock the cache (.thematic/lock)")?;
        Ok(Lock { _file: file })
    }
}

fn lock_file(dir: &Path) -> Result<File> {
    let path = dir.join("lock");
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_1a_matches_the_published_test_vectors() {
        // From the FNV reference (Fowler, Noll, Vo): FNV-1a 64 of "" and "a" and "foobar".
        assert_eq!(Hasher::default().bytes(b"").finish(), 0xcbf29ce484222325);
        assert_eq!(Hasher::default().bytes(b"a").finish(), 0xaf63dc4c8601ec8c);
        assert_eq!(Hasher::default().bytes(b"foobar").finish(), 0x85944171f73967e8);
        assert_ne!(
            Hasher::default().str("ab").str("c").finish(),
            Hasher::default().str("a").str("bc").finish()
        );
    }
}
