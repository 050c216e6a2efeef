//! How text is cut into words for the index and for keyword-in-context: split at anything that
//! is not a letter or digit (so typographic and straight apostrophes split alike), lower-cased,
//! and, for the stemmed form, reduced to its stem in the project's language (`referrals` →
//! `referr`, like `referral`).

use super::query::Expr;
use rust_stemmers::Algorithm;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, TokenStream,
};

/// The tokenizer names registered on the index.
pub const STEMMED: &str = "thematic_stemmed";
pub const RAW: &str = "thematic_raw";

/// The stemming languages `[search] language` accepts.
pub const LANGUAGES: &[&str] = &[
    "arabic",
    "danish",
    "dutch",
    "english",
    "finnish",
    "french",
    "german",
    "greek",
    "hungarian",
    "italian",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "spanish",
    "swedish",
    "tamil",
    "turkish",
    "none",
];

/// The stemmer of a language, for the index (tantivy's filter) and for single words (the
/// same Snowball algorithm, called directly).
fn language(name: &str) -> Option<(Language, Algorithm)> {
    use Language as L;
    Some(match name {
        "arabic" => (L::Arabic, Algorithm::Arabic),
        "danish" => (L::Danish, Algorithm::Danish),
        "dutch" => (L::Dutch, Algorithm::Dutch),
        "finnish" => (L::Finnish, Algorithm::Finnish),
        "french" => (L::French, Algorithm::French),
        "german" => (L::German, Algorithm::German),
        "greek" => (L::Greek, Algorithm::Greek),
        "hungarian" => (L::Hungarian, Algorithm::Hungarian),
        "italian" => (L::Italian, Algorithm::Italian),
        "norwegian" => (L::Norwegian, Algorithm::Norwegian),
        "portuguese" => (L::Portuguese, Algorithm::Portuguese),
        "romanian" => (L::Romanian, Algorithm::Romanian),
        "russian" => (L::Russian, Algorithm::Russian),
        "spanish" => (L::Spanish, Algorithm::Spanish),
        "swedish" => (L::Swedish, Algorithm::Swedish),
        "tamil" => (L::Tamil, Algorithm::Tamil),
        "turkish" => (L::Turkish, Algorithm::Turkish),
        "english" => (L::English, Algorithm::English),
        _ => return None,
    })
}

/// The word analysers of one language.
#[derive(Clone)]
pub struct Analyzers {
    pub stemmed: TextAnalyzer,
    pub raw: TextAnalyzer,
    /// Stems single words as `stemmed` does (`None`: no stemming).
    stemmer: Option<Arc<rust_stemmers::Stemmer>>,
    /// Words stemmed so far: a corpus repeats its words, and stemming is the costly part.
    stems: HashMap<String, Arc<str>>,
}

impl Analyzers {
    /// `language` is one of [`LANGUAGES`] (anything else stems as English; `none` does not
    /// stem).
    pub fn new(language_name: &str) -> Analyzers {
        let raw = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(60))
            .filter(LowerCaser)
            .build();
        let (stemmed, stemmer) = match (language_name, language(language_name)) {
            ("none", _) => (raw.clone(), None),
            (_, lang) => {
                let (lang, algorithm) = lang.unwrap_or((Language::English, Algorithm::English));
                let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
                    .filter(RemoveLongFilter::limit(60))
                    .filter(LowerCaser)
                    .filter(Stemmer::new(lang))
                    .build();
                (
                    analyzer,
                    Some(Arc::new(rust_stemmers::Stemmer::create(algorithm))),
                )
            }
        };
        Analyzers {
            stemmed,
            raw,
            stemmer,
            stems: HashMap::new(),
        }
    }

    /// The stems of a text, in order.
    pub fn stems(&mut self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stream = self.stemmed.token_stream(text);
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    /// The lower-cased words of a text, in order.
    pub fn words(&mut self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stream = self.raw.token_stream(text);
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    /// The words of a text with their stems, lower-cased forms and byte ranges.
    pub fn tokens(&mut self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut raw = self.raw.token_stream(text);
        while raw.advance() {
            let t = raw.token();
            let stem = match self.stems.get(t.text.as_str()) {
                Some(s) => s.clone(),
                None => {
                    let s: Arc<str> = match &self.stemmer {
                        None => t.text.as_str().into(),
                        Some(stemmer) => stemmer.stem(&t.text).as_ref().into(),
                    };
                    self.stems.insert(t.text.clone(), s.clone());
                    s
                }
            };
            out.push(Token {
                stem,
                bytes: t.offset_from..t.offset_to,
            });
        }
        out
    }
}

/// A word of a text: its stem and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub stem: Arc<str>,
    pub bytes: Range<usize>,
}

/// A query leaf made ready to match: a sequence of stems (a word or phrase) or a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    Stems(Vec<String>),
    Prefix(String),
}

impl Pattern {
    /// The pattern of a leaf; `None` for a leaf with no word in it (such as `"..."`).
    pub fn of(leaf: &Expr, analyzers: &mut Analyzers) -> Option<Pattern> {
        match leaf {
            Expr::Word(w) | Expr::Phrase(w) => {
                let stems = analyzers.stems(w);
                (!stems.is_empty()).then_some(Pattern::Stems(stems))
            }
            Expr::Prefix(p) => analyzers.words(p).into_iter().next().map(Pattern::Prefix),
            _ => None,
        }
    }

    /// The byte ranges where the pattern matches the tokens of `text`.
    pub fn find(&self, text: &str, tokens: &[Token], out: &mut Vec<Range<usize>>) {
        match self {
            Pattern::Stems(stems) if stems.len() <= tokens.len() => {
                for i in 0..=tokens.len() - stems.len() {
                    if tokens[i..i + stems.len()]
                        .iter()
                        .zip(stems)
                        .all(|(t, s)| *t.stem == **s)
                    {
                        out.push(tokens[i].bytes.start..tokens[i + stems.len() - 1].bytes.end);
                    }
                }
            }
            Pattern::Stems(_) => {}
            Pattern::Prefix(p) => out.extend(
                tokens
                    .iter()
                    .filter(|t| text[t.bytes.clone()].to_lowercase().starts_with(p.as_str()))
                    .map(|t| t.bytes.clone()),
            ),
        }
    }
}

/// Where any of `patterns` match, sorted, overlapping matches merged.
pub fn matches(patterns: &[Pattern], text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for p in patterns {
        p.find(text, tokens, &mut found);
    }
    found.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for r in found {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_apostrophes_and_case() {
        let mut a = Analyzers::new("english");
        assert_eq!(
            a.stems("Referrals referral REFERRED"),
            ["referr", "referr", "refer"]
        );
        assert_eq!(a.stems("don’t don't"), ["don", "t", "don", "t"]);
        let tokens = a.tokens("Our referrals, don’t");
        assert_eq!(tokens[1].bytes, 4..13);
        assert_eq!(&*tokens[1].stem, "referr");
        assert_eq!(Analyzers::new("none").stems("Referrals"), ["referrals"]);
    }

    #[test]
    fn single_words_stem_as_the_index_does() {
        let text = "Referrals happily organisations didn’t waiting communities Ethos";
        for lang in ["english", "french", "german", "none"] {
            let mut a = Analyzers::new(lang);
            let index: Vec<String> = a.stems(text);
            let words: Vec<String> = a.tokens(text).into_iter().map(|t| t.stem.to_string()).collect();
            assert_eq!(index, words, "{lang}");
        }
    }

    #[test]
    fn patterns_find_words_phrases_and_prefixes() {
        let mut a = Analyzers::new("english");
        let text = "Shared values matter; we share VALUES and refer people to referrals.";
        let tokens = a.tokens(text);
        let phrase = Pattern::of(&Expr::Phrase("shared values".into()), &mut a).unwrap();
        let prefix = Pattern::of(&Expr::Prefix("refer".into()), &mut a).unwrap();
        let found: Vec<&str> = matches(&[phrase, prefix], text, &tokens)
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(found, ["Shared values", "share VALUES", "refer", "referrals"]);
        assert_eq!(Pattern::of(&Expr::Word("...".into()), &mut a), None);
    }
}
