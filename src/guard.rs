//! Writing into an analysis folder without losing work.
//!
//! - **One writer at a time.** Every command that changes the folder holds
//!   `.thematic/write.lock` (an advisory lock the system releases when the process ends, however
//!   it ends). A second writer waits a little (`THEMATIC_LOCK_WAIT` seconds, 10 by default), then
//!   stops with exit 2 naming the command that holds the folder.
//! - **Several files change together or not at all.** A change of several files (`codebook
//!   rename`, `codebook merge`, `report`, an import into an existing empty folder) stages every
//!   file first, then writes `.thematic/journal.json` listing the moves still to make, then makes
//!   them. A command killed between two moves leaves the journal behind; the next command finishes
//!   the moves before it reads anything, and `check` reports an unfinished change.
//! - **No litter.** Temporary files (`.thematic-*.tmp`) a killed command left are removed by the
//!   next writer.

use crate::fsutil::{stage, sync_dir};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Where `thematic` keeps its own state in an analysis folder.
pub const STATE_DIR: &str = ".thematic";
const LOCK_FILE: &str = "write.lock";
const JOURNAL_FILE: &str = "journal.json";
/// How long a writer waits for another to finish, unless `THEMATIC_LOCK_WAIT` says otherwise.
const DEFAULT_WAIT: Duration = Duration::from_secs(10);
/// Temporary files in `.thematic/` are also written by commands that only read the folder (the
/// cache), without the write lock: only those older than this are taken to be left over.
const STATE_TEMP_AGE: Duration = Duration::from_secs(3600);

/// The folder's write lock, held until dropped.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Takes the write lock of the analysis folder `root` for `command` (as the user typed it,
    /// for the message another writer sees), waiting for another writer to finish; then
    /// finishes a change a killed command left and removes its temporary files.
    pub fn acquire(root: &Path, command: &str) -> Result<WriteLock> {
        Self::acquire_waiting(root, command, wait_from_env())
    }

    fn acquire_waiting(root: &Path, command: &str, wait: Duration) -> Result<WriteLock> {
        let dir = root.join(STATE_DIR);
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join(LOCK_FILE);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    bail!(
                        "the analysis folder is busy: {} is writing to it; try again when it has finished (nothing was changed)",
                        holder(&mut file)
                    );
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
        }
        // Who holds the folder, for the message a second writer prints.
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let who = format!(
            "{}\t{}\t{}\n",
            std::process::id(),
            since,
            command.replace(['\n', '\t'], " ")
        );
        let _ = file
            .set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| file.write_all(who.as_bytes()));
        let lock = WriteLock { _file: file };
        if let Some(done) = finish_locked(root)? {
            eprintln!("{done}");
        }
        // Leftovers come only from processes that died, so once per folder per process is
        // enough: `serve` takes the lock for every change and need not walk the folder each time.
        static SWEPT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
        let mut swept = SWEPT.lock().unwrap_or_else(|e| e.into_inner());
        if !swept.iter().any(|r| r == root) {
            swept.push(root.to_path_buf());
            sweep(root);
        }
        Ok(lock)
    }
}

fn wait_from_env() -> Duration {
    std::env::var("THEMATIC_LOCK_WAIT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_WAIT)
}

/// Who holds the lock, from what the holder wrote into the lock file.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file
        .rewind()
        .and_then(|_| file.take(4096).read_to_string(&mut text));
    let mut parts = text.trim_end().splitn(3, '\t');
    let (Some(pid), Some(since), Some(command)) = (parts.next(), parts.next(), parts.next()) else {
        return "another thematic command".to_string();
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let ago = since.parse::<u64>().map(|s| now.saturating_sub(s)).unwrap_or(0);
    format!("`thematic {command}` (process {pid}, for {ago} s)")
}

/// A change of several files in progress: the moves still to make, each a staged temporary
/// file (or folder) and the place it goes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Journal {
    /// What the change is, in the user's words (`codebook rename `a` to `b``).
    pub what: String,
    pub moves: Vec<Move>,
}

impl Journal {
    /// How many moves are still to make.
    pub fn remaining(&self, root: &Path) -> usize {
        self.moves
            .iter()
            .filter(|m| root.join(&m.from).symlink_metadata().is_ok())
            .count()
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Move {
    pub from: PathBuf,
    pub to: PathBuf,
}

/// Replaces several files together. Every file is staged (written and synced beside its
/// target) before any is moved into place; the moves are listed in the journal first, so a
/// command killed halfway is finished by the next one. `root` is the analysis folder; files may
/// lie outside it (a report written with `--out`).
pub fn write_all(root: &Path, what: &str, files: &[(&Path, Vec<u8>)]) -> Result<()> {
    if let [(path, contents)] = files {
        return crate::fsutil::write_atomic(path, contents);
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, contents) in files {
        let tmp = stage(path, contents)?;
        // Kept on disk: from here the journal, not the handle, says what becomes of it.
        let (_, from) = tmp
            .keep()
            .with_context(|| format!("cannot keep a temporary file for {}", path.display()))?;
        staged.push(Move {
            from,
            to: path.to_path_buf(),
        });
    }
    run_journal(root, what, staged)
}

/// Moves staged folders or files (paths inside `root/.thematic/`) into place together, through
/// the journal: an import into an existing empty folder.
pub fn move_all(root: &Path, what: &str, moves: Vec<Move>) -> Result<()> {
    run_journal(root, what, moves)
}

fn run_journal(root: &Path, what: &str, moves: Vec<Move>) -> Result<()> {
    let journal = Journal {
        what: what.to_string(),
        moves: moves
            .into_iter()
            .map(|m| Move {
                from: relative_to(root, &m.from),
                to: relative_to(root, &m.to),
            })
            .collect(),
    };
    let dir = root.join(STATE_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(JOURNAL_FILE);
    crate::fsutil::write_atomic(&path, serde_json::to_string_pretty(&journal)?.as_bytes())?;
    apply(root, &journal)?;
    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    sync_dir(&dir);
    Ok(())
}

/// A path relative to `root` when it is inside it (the journal then survives the folder being
/// moved), else as it is.
fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Makes the journal's moves that are not made yet. A move whose staged file is gone was made
/// before the command stopped.
fn apply(root: &Path, journal: &Journal) -> Result<()> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (i, m) in journal.moves.iter().enumerate() {
        let from = root.join(&m.from);
        let to = root.join(&m.to);
        if from.symlink_metadata().is_err() {
            continue;
        }
        std::fs::rename(&from, &to).with_context(|| format!("cannot move {} into place", to.display()))?;
        if let Some(parent) = to.parent() {
            if !dirs.iter().any(|d| d == parent) {
                dirs.push(parent.to_path_buf());
            }
        }
        crash_point(i + 1);
    }
    for dir in &dirs {
        sync_dir(dir);
    }
    Ok(())
}

/// Tests only (debug builds): `THEMATIC_CRASH_AFTER_MOVES=N` aborts the process after N moves,
/// as a kill at that moment would.
fn crash_point(done: usize) {
    #[cfg(debug_assertions)]
    if std::env::var("THEMATIC_CRASH_AFTER_MOVES")
        .ok()
        .and_then(|s| s.parse().ok())
        == Some(done)
    {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = done;
}

/// The unfinished change in `root`, if a command was stopped in the middle of one.
pub fn pending(root: &Path) -> Result<Option<Journal>> {
    let path = root.join(STATE_DIR).join(JOURNAL_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let shown = format!("{STATE_DIR}/{JOURNAL_FILE}");
    let journal: Journal = serde_json::from_str(&text).with_context(|| {
        format!("{shown} is not a journal thematic wrote; remove it once you have checked the folder")
    })?;
    for m in &journal.moves {
        if !safe_move(root, m) {
            bail!(
                "{shown} lists a move thematic would never make ({} to {}); remove it once you have checked the folder",
                m.from.display(),
                m.to.display()
            );
        }
    }
    Ok(Some(journal))
}

/// A move the journal may hold: a staged temporary file beside its target, or something staged
/// in `.thematic/` going into the folder; never a path that climbs out with `..`.
fn safe_move(root: &Path, m: &Move) -> bool {
    let climbs = |p: &Path| p.components().any(|c| matches!(c, Component::ParentDir));
    if climbs(&m.from) || climbs(&m.to) {
        return false;
    }
    let staged_beside = m.from.parent() == m.to.parent()
        && m.from
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(".thematic-") && n.ends_with(".tmp"));
    let staged_inside = m.from.is_relative()
        && m.to.is_relative()
        && m.from.starts_with(STATE_DIR)
        && !m.to.starts_with(STATE_DIR)
        && root.join(STATE_DIR).is_dir();
    staged_beside || staged_inside
}

/// Finishes a change a stopped command left, if there is one, taking the write lock to do so
/// (and saying so on standard error).
pub fn finish(root: &Path, command: &str) -> Result<()> {
    if root.join(STATE_DIR).join(JOURNAL_FILE).exists() {
        drop(WriteLock::acquire(root, command)?);
    }
    Ok(())
}

fn finish_locked(root: &Path) -> Result<Option<String>> {
    let Some(journal) = pending(root)? else {
        return Ok(None);
    };
    apply(root, &journal)?;
    let path = root.join(STATE_DIR).join(JOURNAL_FILE);
    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    sync_dir(&root.join(STATE_DIR));
    Ok(Some(format!(
        "note: finished an interrupted change first ({}: {} file{})",
        journal.what,
        journal.moves.len(),
        if journal.moves.len() == 1 { "" } else { "s" }
    )))
}

/// Removes the temporary files killed commands left: `.thematic-*.tmp` in the folder and its
/// subfolders (not following links, not into `.git`), and in `.thematic/` those older than an
/// hour. Called with the write lock held, when no other writer can have a file in flight.
fn sweep(root: &Path) {
    // (folder, depth, whether it is in `.thematic/`)
    let mut stack = vec![(root.to_path_buf(), 0usize, false)];
    while let Some((dir, depth, in_state)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && in_state && depth == 1 && name.starts_with("import-") {
                // What an import into an empty folder staged: empty once moved in, a whole
                // copy when the import stopped before the journal was written.
                if std::fs::remove_dir(entry.path()).is_err() && older_than(&entry, STATE_TEMP_AGE) {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
                continue;
            }
            if kind.is_dir() {
                if depth < 4 && name != ".git" {
                    let state = in_state || (depth == 0 && name == STATE_DIR);
                    stack.push((entry.path(), depth + 1, state));
                }
                continue;
            }
            if !(kind.is_file() && name.starts_with(".thematic-") && name.ends_with(".tmp")) {
                continue;
            }
            if in_state && !older_than(&entry, STATE_TEMP_AGE) {
                continue;
            }
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn older_than(entry: &std::fs::DirEntry, age: Duration) -> bool {
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|a| a > age)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_then_names_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first =
            WriteLock::acquire_waiting(dir.path(), "code HS01 \"quote\" trust", Duration::ZERO).unwrap();
        let err = WriteLock::acquire_waiting(dir.path(), "report", Duration::from_millis(60))
            .expect_err("the folder is held");
        let msg = format!("{err:#}");
        assert!(msg.contains("`thematic code HS01 \"quote\" trust`"), "{msg}");
        assert!(msg.contains(&format!("process {}", std::process::id())), "{msg}");
        assert!(msg.contains("nothing was changed"), "{msg}");
        drop(first);
        WriteLock::acquire_waiting(dir.path(), "report", Duration::ZERO).expect("free again");
    }

    #[test]
    fn several_files_change_together_and_a_stopped_change_is_finished() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("coding")).unwrap();
        let a = root.join("codebook.md");
        let b = root.join("coding/amira.csv");
        std::fs::write(&a, "old a").unwrap();
        std::fs::write(&b, "old b").unwrap();
        write_all(root, "test", &[(&a, b"new a".to_vec()), (&b, b"new b".to_vec())]).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "new b");
        assert!(pending(root).unwrap().is_none());

        // As a command killed after the first move would leave it.
        let ta = stage(&a, b"newer a").unwrap().keep().unwrap().1;
        let tb = stage(&b, b"newer b").unwrap().keep().unwrap().1;
        let journal = Journal {
            what: "codebook rename `x` to `y`".into(),
            moves: vec![
                Move {
                    from: relative_to(root, &ta),
                    to: "codebook.md".into(),
                },
                Move {
                    from: relative_to(root, &tb),
                    to: "coding/amira.csv".into(),
                },
            ],
        };
        std::fs::rename(&ta, &a).unwrap();
        std::fs::write(
            root.join(STATE_DIR).join(JOURNAL_FILE),
            serde_json::to_string(&journal).unwrap(),
        )
        .unwrap();
        assert_eq!(pending(root).unwrap().unwrap().moves.len(), 2);
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "new b", "half done");
        drop(WriteLock::acquire_waiting(root, "check", Duration::ZERO).unwrap());
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "newer a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "newer b");
        assert!(pending(root).unwrap().is_none());
    }

    #[test]
    fn a_journal_that_leaves_the_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join(STATE_DIR)).unwrap();
        for (from, to) in [
            ("../.thematic-x.tmp", "../victim"),
            ("notes.txt", "codebook.md"),
            ("/tmp/.thematic-x.tmp", "/etc/.thematic-y"),
        ] {
            let journal = Journal {
                what: "x".into(),
                moves: vec![Move {
                    from: from.into(),
                    to: to.into(),
                }],
            };
            std::fs::write(
                root.join(STATE_DIR).join(JOURNAL_FILE),
                serde_json::to_string(&journal).unwrap(),
            )
            .unwrap();
            let err = pending(root).expect_err(from);
            assert!(format!("{err:#}").contains("would never make"), "{err:#}");
        }
    }

    #[test]
    fn leftover_temporary_files_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("coding")).unwrap();
        std::fs::create_dir_all(root.join(STATE_DIR)).unwrap();
        std::fs::write(root.join("coding/.thematic-abc.tmp"), "x").unwrap();
        std::fs::write(root.join(".thematic-def.tmp"), "x").unwrap();
        std::fs::write(root.join(STATE_DIR).join(".thematic-cache.tmp"), "x").unwrap();
        std::fs::write(root.join("coding/amira.csv"), "x").unwrap();
        drop(WriteLock::acquire_waiting(root, "code", Duration::ZERO).unwrap());
        assert!(!root.join("coding/.thematic-abc.tmp").exists());
        assert!(!root.join(".thematic-def.tmp").exists());
        assert!(root.join("coding/amira.csv").exists());
        assert!(
            root.join(STATE_DIR).join(".thematic-cache.tmp").exists(),
            "a fresh cache temporary may belong to a reader"
        );
    }
}
