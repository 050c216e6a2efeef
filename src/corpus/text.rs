//! A document's text, in memory or kept in the cache (`.thematic/texts.bin`) and read the first
//! time something looks at it. Counting and triangulating never read the words of a
//! transcript, only where its turns and coded passages lie: with the cache warm they run
//! without loading the texts at all.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// Gives the texts of a project's documents, all at once, the first time one is wanted.
pub trait TextSource: Send + Sync {
    fn texts(&self) -> Vec<String>;
}

/// The texts behind the documents of one load, shared by them.
pub struct TextStore {
    source: Box<dyn TextSource>,
    texts: OnceLock<Vec<String>>,
}

impl TextStore {
    pub fn new(source: Box<dyn TextSource>) -> Arc<TextStore> {
        Arc::new(TextStore {
            source,
            texts: OnceLock::new(),
        })
    }

    fn text(&self, i: usize) -> &str {
        self.texts
            .get_or_init(|| self.source.texts())
            .get(i)
            .map_or("", String::as_str)
    }
}

/// A document's text. It reads as a `str` (`&doc.text[range]`, `doc.text.len()`).
#[derive(Default)]
pub struct Text {
    value: OnceLock<String>,
    stored: Option<(Arc<TextStore>, usize)>,
}

impl Text {
    /// The text of document `i` of a store, read when first used.
    pub fn stored(store: Arc<TextStore>, i: usize) -> Text {
        Text {
            value: OnceLock::new(),
            stored: Some((store, i)),
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text {
            value: OnceLock::from(s),
            stored: None,
        }
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        if let Some(v) = self.value.get() {
            return v;
        }
        match &self.stored {
            Some((store, i)) => store.text(*i),
            None => "",
        }
    }
}

impl Clone for Text {
    fn clone(&self) -> Text {
        match (self.value.get(), &self.stored) {
            (Some(v), _) => Text::from(v.clone()),
            (None, Some((store, i))) => Text::stored(store.clone(), *i),
            (None, None) => Text::default(),
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
        fn texts(&self) -> Vec<String> {
            self.0.fetch_add(1, Ordering::SeqCst);
            vec!["one".into(), "two".into()]
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
}
