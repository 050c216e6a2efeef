//! A document's text, in memory or kept in the cache (`.thematic/texts.bin`) and read the first
//! time something looks at it. Counting and triangulating never read the words of a
//! transcript, only where its turns and coded passages lie: with the cache warm they run
//! without loading the texts at all.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::{Arc, OnceLock};

/// Where a project's texts come from when they are kept apart: a texts file of the cache, read
/// a run at a time, or else (the file gone or damaged) every text at once, read again.
pub trait TextSource: Send + Sync {
    /// The cache's texts file, when it is there and whole.
    fn file(&self) -> Option<crate::cache::TextsFile>;
    /// Every text, read again.
    fn texts(&self) -> Texts;
}

/// Many documents' texts in one buffer (the texts read again when the cache's are gone): a
/// million survey answers are one allocation, not a million.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Texts {
    all: String,
    /// Where each text ends in `all`.
    ends: Vec<usize>,
}

impl Texts {
    /// Texts in order.
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Texts {
        let mut out = Texts::default();
        for t in texts {
            out.push(t);
        }
        out
    }

    pub fn push(&mut self, text: &str) {
        self.all.push_str(text);
        self.ends.push(self.all.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Text `i`; empty past the last.
    pub fn get(&self, i: usize) -> &str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.all[start..end]
    }

    /// Makes the count `n`, with empty texts at the end or the last ones left out.
    pub fn resize(&mut self, n: usize) {
        self.ends.truncate(n);
        self.all.truncate(self.ends.last().copied().unwrap_or(0));
        while self.ends.len() < n {
            self.ends.push(self.all.len());
        }
    }
}

/// The texts behind the documents of one load, shared by them. A text is read the first time
/// something looks at it, with the few stored beside it: a report quoting a thousand answers of
/// a million reads a little of the cache, not all of it.
pub struct TextStore {
    source: Box<dyn TextSource>,
    file: OnceLock<Option<crate::cache::TextsFile>>,
    /// Each run of texts of the file, once read (`None`: it could not be).
    chunks: Vec<OnceLock<Option<String>>>,
    /// Every text, read again when the file failed.
    all: OnceLock<Texts>,
}

impl TextStore {
    /// A store of `count` texts.
    pub fn new(source: Box<dyn TextSource>, count: usize) -> Arc<TextStore> {
        Arc::new(TextStore {
            source,
            file: OnceLock::new(),
            chunks: (0..count.div_ceil(crate::cache::TEXTS_CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
            all: OnceLock::new(),
        })
    }

    fn text(&self, i: usize) -> &str {
        if let Some(all) = self.all.get() {
            return all.get(i);
        }
        if let Some(text) = self.in_file(i) {
            return text;
        }
        self.all.get_or_init(|| self.source.texts()).get(i)
    }

    fn in_file(&self, i: usize) -> Option<&str> {
        let (file, c, within) = self.place(i)?;
        let chunk = self.chunks.get(c)?.get_or_init(|| file.chunk(c)).as_deref()?;
        chunk.get(within)
    }

    /// The file, the run text `i` is in and where it lies in that run; `None` when the file is
    /// not there or not this store's.
    fn place(&self, i: usize) -> Option<(&crate::cache::TextsFile, usize, Range<usize>)> {
        let file = self.file.get_or_init(|| self.source.file()).as_ref()?;
        if file.len().div_ceil(crate::cache::TEXTS_CHUNK) != self.chunks.len() || i >= file.len() {
            return None;
        }
        let c = i / crate::cache::TEXTS_CHUNK;
        let base = file.chunk_start(c);
        let from = if i == 0 { 0 } else { file.end(i - 1) } - base;
        let to = file.end(i) - base;
        Some((file, c, usize::try_from(from).ok()?..usize::try_from(to).ok()?))
    }

    /// Text `i` when it is in memory already (its run read, or every text).
    fn held(&self, i: usize) -> Option<&str> {
        if let Some(all) = self.all.get() {
            return Some(all.get(i));
        }
        let c = i / crate::cache::TEXTS_CHUNK;
        let chunk = self.chunks.get(c)?.get()?.as_deref()?;
        let (_, _, within) = self.place(i)?;
        chunk.get(within)
    }
}

/// Reads stored texts one run at a time and keeps only the last run, for a pass over every
/// text in order (indexing, anchoring, autocoding): read through the documents instead, a
/// million answers would all stay in memory until the command ends.
#[derive(Default)]
pub struct Reader {
    run: Option<(Arc<TextStore>, usize, String)>,
}

/// A document's text. It reads as a `str` (`&doc.text[range]`, `doc.text.len()`).
pub struct Text(Inner);

enum Inner {
    Owned(Box<str>),
    /// Document `.1` of a store, read when first used.
    Stored(Arc<TextStore>, usize),
}

impl Default for Text {
    fn default() -> Text {
        Text(Inner::Owned(Box::default()))
    }
}

impl Text {
    /// The text of document `i` of a store, read when first used.
    pub fn stored(store: Arc<TextStore>, i: usize) -> Text {
        Text(Inner::Stored(store, i))
    }

    /// The text, read through `reader`: a stored text not yet in memory is read with its run
    /// into the reader, which lets go of the run before when it reads the next.
    pub fn read<'a>(&'a self, reader: &'a mut Reader) -> &'a str {
        let (store, i) = match &self.0 {
            Inner::Owned(s) => return s,
            Inner::Stored(store, i) => (store, *i),
        };
        if let Some(text) = store.held(i) {
            return text;
        }
        let Some((file, c, within)) = store.place(i) else {
            return store.text(i);
        };
        let have = matches!(&reader.run, Some((s, rc, _)) if Arc::ptr_eq(s, store) && *rc == c);
        if !have {
            reader.run = file.chunk(c).map(|run| (store.clone(), c, run));
        }
        match &reader.run {
            Some((_, _, run)) => run.get(within).unwrap_or_else(|| store.text(i)),
            None => store.text(i),
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Inner::Owned(s.into_boxed_str()))
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            Inner::Owned(s) => s,
            Inner::Stored(store, i) => store.text(*i),
        }
    }
}

impl Clone for Text {
    fn clone(&self) -> Text {
        match &self.0 {
            Inner::Owned(s) => Text(Inner::Owned(s.clone())),
            Inner::Stored(store, i) => Text::stored(store.clone(), *i),
        }
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        &**self == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        &**self == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting(Arc<AtomicUsize>);

    impl TextSource for Counting {
        fn file(&self) -> Option<crate::cache::TextsFile> {
            None
        }

        fn texts(&self) -> Texts {
            self.0.fetch_add(1, Ordering::SeqCst);
            Texts::of(["one", "two"])
        }
    }

    #[test]
    fn stored_texts_are_read_once_and_only_when_used() {
        let reads = Arc::new(AtomicUsize::new(0));
        let store = TextStore::new(Box::new(Counting(reads.clone())), 2);
        let (a, b) = (Text::stored(store.clone(), 0), Text::stored(store, 1));
        let c = b.clone();
        assert_eq!(reads.load(Ordering::SeqCst), 0);
        assert_eq!((&a[..], &b[1..], c.len()), ("one", "wo", 3));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        assert_eq!(Text::from("x".to_string()), "x");
    }

    #[test]
    fn texts_are_one_buffer_and_their_ends() {
        let mut t = Texts::of(["ab", "", "çd"]);
        assert_eq!(
            (t.len(), t.get(0), t.get(1), t.get(2), t.get(3)),
            (3, "ab", "", "çd", "")
        );
        t.resize(2);
        assert_eq!((t.len(), t.get(0), t.get(1)), (2, "ab", ""));
        t.resize(4);
        assert_eq!((t.len(), t.get(3)), (4, ""));
    }

    struct FromFile(std::path::PathBuf);

    impl TextSource for FromFile {
        fn file(&self) -> Option<crate::cache::TextsFile> {
            crate::cache::TextsFile::open(&self.0, "t.bin", 7, 40)
        }

        fn texts(&self) -> Texts {
            Texts::of(std::iter::repeat_n("again", 40))
        }
    }

    #[test]
    fn stored_texts_are_read_a_run_at_a_time_and_read_again_when_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let texts: Vec<String> = (0..40).map(|i| format!("text {i} é")).collect();
        crate::cache::write_texts(dir.path(), "t.bin", 7, texts.iter().map(String::as_str));
        let store = TextStore::new(Box::new(FromFile(dir.path().to_path_buf())), 40);
        let read: Vec<Text> = (0..40).map(|i| Text::stored(store.clone(), i)).collect();
        assert_eq!(&*read[17], "text 17 é");
        let loaded = |s: &TextStore| s.chunks.iter().filter(|c| c.get().is_some()).count();
        assert_eq!(loaded(&store), 1, "only the run of text 17 is read");
        assert!(read.iter().enumerate().all(|(i, t)| **t == texts[i]));
        assert_eq!(loaded(&store), 3);
        // Read through a reader, the texts are the same and the store keeps none of them.
        let store = TextStore::new(Box::new(FromFile(dir.path().to_path_buf())), 40);
        let read: Vec<Text> = (0..40).map(|i| Text::stored(store.clone(), i)).collect();
        let mut reader = Reader::default();
        assert!(read
            .iter()
            .enumerate()
            .all(|(i, t)| t.read(&mut reader) == texts[i]));
        assert_eq!(loaded(&store), 0);
        assert_eq!(Text::from("owned".to_string()).read(&mut reader), "owned");
        // A flipped byte in the texts: that run fails its checksum and every text is read again.
        let path = dir.path().join(crate::cache::DIR).join("t.bin");
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() - 3;
        bytes[at] ^= 0x20;
        std::fs::write(&path, &bytes).unwrap();
        let store = TextStore::new(Box::new(FromFile(dir.path().to_path_buf())), 40);
        assert_eq!(&*Text::stored(store.clone(), 0), "text 0 é");
        assert_eq!(&*Text::stored(store, 39), "again");
        let store = TextStore::new(Box::new(FromFile(dir.path().to_path_buf())), 40);
        let mut reader = Reader::default();
        assert_eq!(Text::stored(store.clone(), 0).read(&mut reader), "text 0 é");
        assert_eq!(Text::stored(store, 39).read(&mut reader), "again");
        // Another key, or another number of texts, is not read at all.
        assert!(crate::cache::TextsFile::open(dir.path(), "t.bin", 8, 40).is_none());
        assert!(crate::cache::TextsFile::open(dir.path(), "t.bin", 7, 39).is_none());
    }
}
