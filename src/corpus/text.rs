//! A document's text, in memory or kept in the cache (`.thematic/texts.bin`) and read the first
//! time something looks at it. Counting and triangulating never read the words of a
//! transcript, only where its turns and coded passages lie: with the cache warm they run
//! without loading the texts at all.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// Gives the texts of a project's documents, all at once, the first time one is wanted.
pub trait TextSource: Send + Sync {
    fn texts(&self) -> Texts;
}

/// Many documents' texts in one buffer: a million survey answers are one allocation, not a
/// million.
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

    /// The buffer and each text's end in it, as [`Texts::from_parts`] takes them.
    pub fn parts(&self) -> (&str, &[usize]) {
        (&self.all, &self.ends)
    }

    /// Texts from a buffer and their ends; `None` unless the ends rise within the buffer, on
    /// character boundaries.
    pub fn from_parts(all: String, ends: Vec<usize>) -> Option<Texts> {
        let mut from = 0;
        for &end in &ends {
            if end < from || !all.is_char_boundary(end) {
                return None;
            }
            from = end;
        }
        Some(Texts { all, ends })
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

/// The texts behind the documents of one load, shared by them.
pub struct TextStore {
    source: Box<dyn TextSource>,
    texts: OnceLock<Texts>,
}

impl TextStore {
    pub fn new(source: Box<dyn TextSource>) -> Arc<TextStore> {
        Arc::new(TextStore {
            source,
            texts: OnceLock::new(),
        })
    }

    fn text(&self, i: usize) -> &str {
        self.texts.get_or_init(|| self.source.texts()).get(i)
    }
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
        fn texts(&self) -> Texts {
            self.0.fetch_add(1, Ordering::SeqCst);
            Texts::of(["one", "two"])
        }
    }

    #[test]
    fn stored_texts_are_read_once_and_only_when_used() {
        let reads = Arc::new(AtomicUsize::new(0));
        let store = TextStore::new(Box::new(Counting(reads.clone())));
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
        let (all, ends) = t.parts();
        assert_eq!((all, ends), ("abçd", &[2, 2, 5][..]));
        assert_eq!(Texts::from_parts(all.to_string(), ends.to_vec()), Some(t.clone()));
        // Ends that fall back, leave the buffer or split a character are refused.
        for bad in [vec![2, 1], vec![6], vec![3]] {
            assert_eq!(Texts::from_parts("abçd".into(), bad), None);
        }
        t.resize(2);
        assert_eq!((t.len(), t.get(1), t.parts().0), (2, "", "ab"));
        t.resize(4);
        assert_eq!((t.len(), t.get(3)), (4, ""));
    }
}
