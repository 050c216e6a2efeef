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

/// How long after a change a file's stamp is trusted. File systems keep modification times in
/// coarse ticks, so a file changed twice within one tick, to the same size, keeps its stamp;
/// a stamp taken within this margin of now is therefore not trusted (git calls such entries
/// "racily clean") and the file is looked at again next time.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

impl Stamp {
    /// Whether the stamp is old enough to stand for the file's contents.
    pub fn settled(&self) -> bool {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        self.modified + SETTLE.as_nanos() <= now
    }

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
    let files = crate::fsutil::list_files(root, &root.join(dir)).files;
    // One system call per file: spread over the cores.
    let stamped: Vec<(String, Stamp)> = files
        .par_iter()
        .filter_map(|path| {
            let meta = std::fs::metadata(path).ok()?;
            Some((crate::corpus::rel(root, path), Stamp::from_metadata(&meta)))
        })
        .collect();
    out.extend(stamped);
}

/// A file of the cache holding one value: a header (what it is, which version of `thematic`
/// wrote it, the key of the inputs it was made from, a CRC-32 and the length of the payload),
/// then the value in postcard's compact binary form. A file whose header, key or checksum does
/// not match is not used.
const MAGIC: &[u8; 8] = b"THEMATIC";

/// Which build wrote a cache file: the version and the commit it was built from. A cache from
/// any other build is not read (see also each cached value's own format number).
fn header_version() -> u64 {
    // The binary's own size and time too: a build from uncommitted changes is another build.
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| Stamp::of(&p))
        .unwrap_or(Stamp { size: 0, modified: 0 });
    Hasher::default()
        .str(env!("CARGO_PKG_VERSION"))
        .str(env!("THEMATIC_COMMIT"))
        .number(exe.size)
        .bytes(&exe.modified.to_le_bytes())
        .finish()
}

/// How long a cache file's header is: magic, build, key, CRC-32, length.
const HEAD: usize = 8 + 8 + 8 + 4 + 8;

/// The header of a cache file for inputs with this `key`, whose checked part (`len` bytes
/// after the header) has this `crc`.
fn header(key: u64, crc: u32, len: u64) -> [u8; HEAD] {
    let mut head = [0u8; HEAD];
    head[..8].copy_from_slice(MAGIC);
    head[8..16].copy_from_slice(&header_version().to_le_bytes());
    head[16..24].copy_from_slice(&key.to_le_bytes());
    head[24..28].copy_from_slice(&crc.to_le_bytes());
    head[28..].copy_from_slice(&len.to_le_bytes());
    head
}

/// The CRC-32 and length a header written by this build for `key` gives; `None` for another
/// file, build or key.
fn read_header(head: &[u8; HEAD], key: u64) -> Option<(u32, u64)> {
    let field = |at: usize| u64::from_le_bytes(head[at..at + 8].try_into().expect("8 bytes"));
    let crc = u32::from_le_bytes(head[24..28].try_into().expect("4 bytes"));
    (&head[..8] == MAGIC && field(8) == header_version() && field(16) == key).then(|| (crc, field(28)))
}

/// The value kept under `name` for inputs with this `key`, when there is one, intact.
pub fn read_value<T: serde::de::DeserializeOwned>(root: &Path, name: &str, key: u64) -> Option<T> {
    let bytes = std::fs::read(root.join(DIR).join(name)).ok()?;
    let (head, payload) = bytes.split_first_chunk::<HEAD>()?;
    let (crc, len) = read_header(head, key)?;
    if len != payload.len() as u64 || crc32fast::hash(payload) != crc {
        return None;
    }
    postcard::from_bytes(payload).ok()
}

/// Keeps `value` under `name` for inputs with this `key`: written aside and renamed into
/// place, so a reader sees the old file or the new one, never half of one. Best effort: a
/// cache that cannot be written is no error.
pub fn write_value<T: serde::Serialize>(root: &Path, name: &str, key: u64, value: &T) {
    let Ok(dir) = dir(root) else { return };
    // The value is serialized twice as it is written, never held: once to learn the checksum
    // and length the header gives, then into the file after the header. (A corpus of a
    // million answers is 90 MB serialized.)
    let Some((crc, len)) = Summing::of(value, std::io::sink()) else {
        return;
    };
    let _ = crate::fsutil::write_atomic_with(&dir.join(name), |out| {
        out.write_all(&header(key, crc, len))?;
        match Summing::of(value, out) {
            Some(written) if written == (crc, len) => Ok(()),
            _ => Err(std::io::Error::other("the value changed as it was written")),
        }
    });
}

/// A writer that passes bytes on and keeps their checksum and count.
struct Summing<W> {
    inner: W,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<W: std::io::Write> Summing<W> {
    /// Writes `value` serialized to `inner` (in blocks of 64 KB); its checksum and length.
    fn of<T: serde::Serialize>(value: &T, inner: W) -> Option<(u32, u64)> {
        use std::io::Write;
        let sum = Summing {
            inner,
            crc: crc32fast::Hasher::new(),
            len: 0,
        };
        let mut out = std::io::BufWriter::with_capacity(1 << 16, sum);
        postcard::to_io(value, &mut out).ok()?;
        out.flush().ok()?;
        let sum = out.into_inner().ok()?;
        Some((sum.crc.finalize(), sum.len))
    }
}

impl<W: std::io::Write> std::io::Write for Summing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// How many texts share a checksum in a texts file: a text is read with its 15 neighbours,
/// not with every other.
pub const TEXTS_CHUNK: usize = 16;

/// Writes many texts (the documents' words) under `key`: the header of [`write_value`], whose
/// checksum covers what follows it up to the texts (their number, where each ends, and a
/// checksum of each run of [`TEXTS_CHUNK`] texts), then the texts one after another. Read
/// back with [`TextsFile::open`], a run at a time.
pub fn write_texts<'a>(root: &Path, name: &str, key: u64, texts: impl Iterator<Item = &'a str> + Clone) {
    let Ok(dir) = dir(root) else { return };
    let mut ends = Vec::new();
    let mut crcs = Vec::new();
    let mut end = 0u64;
    let mut crc = crc32fast::Hasher::new();
    for (i, t) in texts.clone().enumerate() {
        end += t.len() as u64;
        ends.push(end);
        crc.update(t.as_bytes());
        if (i + 1) % TEXTS_CHUNK == 0 {
            crcs.push(std::mem::take(&mut crc).finalize());
        }
    }
    if ends.len() % TEXTS_CHUNK != 0 {
        crcs.push(crc.finalize());
    }
    let mut head = Vec::with_capacity(8 * (ends.len() + 1) + 4 * crcs.len());
    head.extend_from_slice(&(ends.len() as u64).to_le_bytes());
    for e in &ends {
        head.extend_from_slice(&e.to_le_bytes());
    }
    for c in &crcs {
        head.extend_from_slice(&c.to_le_bytes());
    }
    let _ = crate::fsutil::write_atomic_with(&dir.join(name), |w| {
        w.write_all(&header(key, crc32fast::hash(&head), head.len() as u64))?;
        w.write_all(&head)?;
        for t in texts {
            w.write_all(t.as_bytes())?;
        }
        Ok(())
    });
}

/// A texts file [`write_texts`] wrote, open: where each text lies, read a run of
/// [`TEXTS_CHUNK`] texts at a time and checked against its checksum. The file stays open, so
/// a cache written again meanwhile (a new file put in its place) is not mixed in.
pub struct TextsFile {
    file: std::sync::Mutex<File>,
    /// Where the texts start in the file.
    start: u64,
    ends: Vec<u64>,
    crcs: Vec<u32>,
}

impl TextsFile {
    /// The texts under `key`, `count` of them; `None` when there are none, or another key's or
    /// number, or the file's head is damaged.
    pub fn open(root: &Path, name: &str, key: u64, count: usize) -> Option<TextsFile> {
        use std::io::Read;
        let mut file = File::open(root.join(DIR).join(name)).ok()?;
        let mut header = [0u8; HEAD];
        file.read_exact(&mut header).ok()?;
        let chunks = count.div_ceil(TEXTS_CHUNK);
        let len = 8 + 8 * count + 4 * chunks;
        let (crc, written) = read_header(&header, key)?;
        if written != len as u64 {
            return None;
        }
        let mut head = vec![0u8; len];
        file.read_exact(&mut head).ok()?;
        if crc32fast::hash(&head) != crc || u64::from_le_bytes(head[..8].try_into().ok()?) != count as u64 {
            return None;
        }
        let number = |at: usize| u64::from_le_bytes(head[at..at + 8].try_into().expect("8 bytes"));
        let ends: Vec<u64> = (0..count).map(|i| number(8 + 8 * i)).collect();
        let at = 8 + 8 * count;
        let crcs = (0..chunks)
            .map(|c| u32::from_le_bytes(head[at + 4 * c..at + 4 * c + 4].try_into().expect("4 bytes")))
            .collect();
        if ends.windows(2).any(|w| w[1] < w[0]) {
            return None;
        }
        Some(TextsFile {
            file: std::sync::Mutex::new(file),
            start: (HEAD + len) as u64,
            ends,
            crcs,
        })
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Where text `i` ends in the texts (the start of text `i + 1`).
    pub fn end(&self, i: usize) -> u64 {
        self.ends[i]
    }

    /// Where run `c`'s texts start in the texts.
    pub fn chunk_start(&self, c: usize) -> u64 {
        if c == 0 {
            0
        } else {
            self.ends[c * TEXTS_CHUNK - 1]
        }
    }

    /// Run `c` of [`TEXTS_CHUNK`] texts, one after another; `None` when it cannot be read, is
    /// damaged or is not UTF-8.
    pub fn chunk(&self, c: usize) -> Option<String> {
        use std::io::{Read, Seek, SeekFrom};
        let from = self.chunk_start(c);
        let to = *self
            .ends
            .get(((c + 1) * TEXTS_CHUNK).min(self.ends.len()).checked_sub(1)?)?;
        let mut bytes = vec![0u8; usize::try_from(to.checked_sub(from)?).ok()?];
        {
            let mut file = self.file.lock().ok()?;
            file.seek(SeekFrom::Start(self.start + from)).ok()?;
            file.read_exact(&mut bytes).ok()?;
        }
        if crc32fast::hash(&bytes) != *self.crcs.get(c)? {
            return None;
        }
        String::from_utf8(bytes).ok()
    }
}

/// Whether the cache is to be used: not when `THEMATIC_CACHE=off` (or `0`, `no`).
pub fn enabled() -> bool {
    !matches!(
        std::env::var("THEMATIC_CACHE")
            .ok()
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("off" | "0" | "no" | "false")
    )
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

/// Deserializes a list with room for all its items made at once, for the cache's big lists
/// (`#[serde(deserialize_with = "crate::cache::exact_vec")]`). Serde's own makes a cautious
/// start and doubles, so a million documents briefly take room for two million; a cache entry
/// is checked (length and checksum) before it is read, so its count can be trusted, within
/// reason.
pub fn exact_vec<'de, D, T>(deserializer: D) -> std::result::Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Exact<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Exact<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Vec<T>, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 26));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }
    deserializer.deserialize_seq(Exact(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_reads_back_only_with_its_key_and_intact() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_value(root, "v.bin", 7, &vec!["a".to_string(), "b".into()]);
        assert_eq!(
            read_value::<Vec<String>>(root, "v.bin", 7),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(read_value::<Vec<String>>(root, "v.bin", 8), None, "another key");
        let path = root.join(DIR).join("v.bin");
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_value::<Vec<String>>(root, "v.bin", 7), None, "a flipped bit");
        std::fs::write(&path, &bytes[..20]).unwrap();
        assert_eq!(read_value::<Vec<String>>(root, "v.bin", 7), None, "cut short");
    }

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
