//! How text is cut into words for the index and for keyword-in-context: split at anything that
//! is not a letter or digit (so typographic and straight apostrophes split alike), lower-cased,
//! and, for the stemmed form, reduced to its stem in the project's language (`referrals` →
//! `referr`, like `referral`).

use super::query::Expr;
use std::ops::Range;
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

fn language(name: &str) -> Option<Language> {
    use Language::*;
    Some(match name {
        "arabic" => Arabic,
        "danish" => Danish,
        "dutch" => Dutch,
        "finnish" => Finnish,
        "french" => French,
        "german" => German,
        "greek" => Greek,
        "hungarian" => Hungarian,
        "italian" => Italian,
        "norwegian" => Norwegian,
        "portuguese" => Portuguese,
        "romanian" => Romanian,
        "russian" => Russian,
        "spanish" => Spanish,
        "swedish" => Swedish,
        "tamil" => Tamil,
        "turkish" => Turkish,
        "english" => English,
        _ => return None,
    })
}

/// The word analysers of one language.
#[derive(Clone)]
pub struct Analyzers {
    pub stemmed: TextAnalyzer,
    pub raw: TextAnalyzer,
}

impl Analyzers {
    /// `language` is one of [`LANGUAGES`] (anything else stems as English; `none` does not
    /// stem).
    pub fn new(language_name: &str) -> Analyzers {
        let raw = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(60))
            .filter(LowerCaser)
            .build();
        let stemmed = match (language_name, language(language_name)) {
            ("none", _) => raw.clone(),
            (_, lang) => TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(60))
                .filter(LowerCaser)
                .filter(Stemmer::new(lang.unwrap_or(Language::English)))
                .build(),
        };
        Analyzers { stemmed, raw }
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
            out.push(Token {
                stem: String::new(),
                word: t.text.clone(),
                bytes: t.offset_from..t.offset_to,
            });
        }
        // The same tokenizer and length filter cut the same words: the stems line up.
        let mut stemmed = self.stemmed.token_stream(text);
        let mut i = 0;
        while stemmed.advance() {
            if let Some(t) = out.get_mut(i) {
                t.stem = stemmed.token().text.clone();
            }
            i += 1;
        }
        out
    }
}

/// A word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub stem: String,
    /// Lower-cased, not stemmed.
    pub word: String,
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

    /// The byte ranges where the pattern matches a text's tokens.
    pub fn find(&self, tokens: &[Token], out: &mut Vec<Range<usize>>) {
        match self {
            Pattern::Stems(stems) if stems.len() <= tokens.len() => {
                for i in 0..=tokens.len() - stems.len() {
                    if tokens[i..i + stems.len()]
                        .iter()
                        .zip(stems)
                        .all(|(t, s)| &t.stem == s)
                    {
                        out.push(tokens[i].bytes.start..tokens[i + stems.len() - 1].bytes.end);
                    }
                }
            }
            Pattern::Stems(_) => {}
            Pattern::Prefix(p) => out.extend(
                tokens
                    .iter()
                    .filter(|t| t.word.starts_with(p.as_str()))
                    .map(|t| t.bytes.clone()),
            ),
        }
    }
}

/// Where any of `patterns` match, sorted, overlapping matches merged.
pub fn matches(patterns: &[Pattern], tokens: &[Token]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for p in patterns {
        p.find(tokens, &mut found);
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
        assert_eq!(tokens[1].word, "referrals");
        assert_eq!(tokens[1].stem, "referr");
        assert_eq!(Analyzers::new("none").stems("Referrals"), ["referrals"]);
    }

    #[test]
    fn patterns_find_words_phrases_and_prefixes() {
        let mut a = Analyzers::new("english");
        let text = "Shared values matter; we share VALUES and refer people to referrals.";
        let tokens = a.tokens(text);
        let phrase = Pattern::of(&Expr::Phrase("shared values".into()), &mut a).unwrap();
        let prefix = Pattern::of(&Expr::Prefix("refer".into()), &mut a).unwrap();
        let found: Vec<&str> = matches(&[phrase, prefix], &tokens)
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(found, ["Shared values", "share VALUES", "refer", "referrals"]);
        assert_eq!(Pattern::of(&Expr::Word("...".into()), &mut a), None);
    }
}
