//! Quote anchoring: finding a coder's quote in its transcript.
//!
//! Matching treats any run of white space as one space and typographic and straight quotes,
//! apostrophes and dashes as equal; it is case-sensitive. A quote with ` … ` or ` ... ` in
//! it means: from where the part before occurs to the next place the part after occurs.

use memchr::memmem;
use std::ops::Range;

/// A text with white space collapsed and quote marks folded, mapped back to the original.
pub struct Normalized {
    pub text: String,
    /// For each byte of `text`, the byte offset in the original of the character it came from.
    map: Vec<u32>,
    original_len: usize,
}

fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
        c => c,
    }
}

impl Normalized {
    pub fn new(original: &str) -> Normalized {
        let bytes = original.as_bytes();
        let mut text: Vec<u8> = Vec::with_capacity(bytes.len());
        let mut map: Vec<u32> = Vec::with_capacity(bytes.len());
        let mut in_space = false;
        let mut i = 0;
        while i < bytes.len() {
            // A run of plain ASCII (no white space, no backtick) is copied as it is.
            let run = bytes[i..]
                .iter()
                .position(|&b| b >= 0x80 || b.is_ascii_whitespace() || b == 0x0B || b == b'`')
                .unwrap_or(bytes.len() - i);
            if run > 0 {
                text.extend_from_slice(&bytes[i..i + run]);
                map.extend(i as u32..(i + run) as u32);
                in_space = false;
                i += run;
                continue;
            }
            let b = bytes[i];
            // ASCII, most of any transcript, without decoding.
            let (space, len) = if b < 0x80 {
                (b.is_ascii_whitespace() || b == 0x0B, 1)
            } else {
                let c = original[i..]
                    .chars()
                    .next()
                    .expect("i is on a character boundary");
                (c.is_whitespace(), c.len_utf8())
            };
            if space {
                if !in_space {
                    text.push(b' ');
                    map.push(i as u32);
                    in_space = true;
                }
            } else {
                in_space = false;
                if b < 0x80 {
                    text.push(if b == b'`' { b'\'' } else { b });
                    map.push(i as u32);
                } else {
                    let c = original[i..]
                        .chars()
                        .next()
                        .expect("i is on a character boundary");
                    let mut buf = [0u8; 4];
                    let folded = fold(c).encode_utf8(&mut buf).as_bytes();
                    text.extend_from_slice(folded);
                    map.extend(std::iter::repeat_n(i as u32, folded.len()));
                }
            }
            i += len;
        }
        Normalized {
            text: String::from_utf8(text).expect("whole characters were copied"),
            map,
            original_len: original.len(),
        }
    }

    /// The original byte range of a range of the normalized text.
    pub fn original(&self, original: &str, range: Range<usize>) -> Range<usize> {
        let start = self.map[range.start] as usize;
        let last = self.map[range.end - 1] as usize;
        let end = last + original[last..].chars().next().map_or(0, char::len_utf8);
        start..end.min(self.original_len)
    }
}

/// A quote made ready for matching: its normalized text, split at the abbreviation mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    Exact(String),
    Span { start: String, end: String },
}

impl Pattern {
    pub fn new(quote: &str) -> Result<Pattern, String> {
        let n = Normalized::new(quote).text;
        let n = n.trim();
        if n.is_empty() {
            return Err("empty quote".into());
        }
        let marks: Vec<(usize, &str)> = n
            .match_indices(" \u{2026} ")
            .chain(n.match_indices(" ... "))
            .collect();
        match marks.as_slice() {
            [] => Ok(Pattern::Exact(n.to_string())),
            [(at, mark)] => {
                let (start, end) = (&n[..*at], &n[at + mark.len()..]);
                if start.trim().is_empty() || end.trim().is_empty() {
                    return Err("` … ` needs words on both sides".into());
                }
                Ok(Pattern::Span {
                    start: start.to_string(),
                    end: end.to_string(),
                })
            }
            _ => Err("more than one ` … ` in the quote: give only the start and the end".into()),
        }
    }

    /// Every place the pattern matches, as ranges of the normalized text, in order.
    pub fn find_all(&self, hay: &str) -> Vec<Range<usize>> {
        match self {
            Pattern::Exact(q) => occurrences(hay, q).map(|s| s..s + q.len()).collect(),
            Pattern::Span { start, end } => {
                let ends = memmem::Finder::new(end.as_bytes());
                let mut out: Vec<Range<usize>> = Vec::new();
                for s in occurrences(hay, start) {
                    let from = s + start.len();
                    if let Some(e) = ends.find(&hay.as_bytes()[from..]) {
                        let range = s..from + e + end.len();
                        if out.last() != Some(&range) {
                            out.push(range);
                        }
                    }
                }
                out
            }
        }
    }

    /// Every place the pattern matches in the original text, as byte ranges of it, in order:
    /// the same places as [`Pattern::find_all`] on the normalized text, found without
    /// normalizing the whole text. Each match is searched from the quote's first run of
    /// characters that normalizing leaves alone, and checked from there.
    pub fn find_in(&self, text: &str) -> Vec<Range<usize>> {
        let direct = |needle: &str| stable_prefix(needle) > 0;
        let ok = match self {
            Pattern::Exact(q) => direct(q),
            Pattern::Span { start, end } => direct(start) && direct(end),
        };
        if !ok {
            let n = Normalized::new(text);
            return self
                .find_all(&n.text)
                .into_iter()
                .map(|r| n.original(text, r))
                .collect();
        }
        match self {
            Pattern::Exact(q) => matches_from(text, q, 0).collect(),
            Pattern::Span { start, end } => {
                let mut out: Vec<Range<usize>> = Vec::new();
                for s in matches_from(text, start, 0) {
                    if let Some(e) = matches_from(text, end, s.end).next() {
                        let range = s.start..e.end;
                        if out.last() != Some(&range) {
                            out.push(range);
                        }
                    }
                }
                out
            }
        }
    }

    fn text(&self) -> &str {
        match self {
            Pattern::Exact(q) => q,
            Pattern::Span { start, .. } => start,
        }
    }
}

/// Bytes at the start of a normalized needle that stand for themselves in the original text
/// (no white space, and nothing that folding may have produced from another character).
fn stable_prefix(needle: &str) -> usize {
    needle.find([' ', '\'', '"', '-']).unwrap_or(needle.len())
}

/// Matches of a normalized needle in the original text at or after byte `from`, overlapping
/// ones included.
fn matches_from<'a>(text: &'a str, needle: &'a str, from: usize) -> impl Iterator<Item = Range<usize>> + 'a {
    let anchor = &needle[..stable_prefix(needle)];
    let finder = memmem::Finder::new(anchor.as_bytes());
    let mut at = from;
    std::iter::from_fn(move || loop {
        let found = at + finder.find(&text.as_bytes()[at..])?;
        at = found + text[found..].chars().next().map_or(1, char::len_utf8);
        if let Some(end) = match_at(text, found, needle) {
            return Some(found..end);
        }
    })
}

/// Whether the normalized `needle` matches the original text at byte `at`; if so, where the
/// match ends. A space in the needle matches a run of white space.
fn match_at(text: &str, at: usize, needle: &str) -> Option<usize> {
    let mut rest = text[at..].chars();
    let mut end = at;
    let mut pending: Option<char> = None;
    for n in needle.chars() {
        if n == ' ' {
            let mut any = false;
            loop {
                let c = match pending.take() {
                    Some(c) => c,
                    None => match rest.next() {
                        Some(c) => c,
                        None => break,
                    },
                };
                if c.is_whitespace() {
                    any = true;
                    end += c.len_utf8();
                } else {
                    pending = Some(c);
                    break;
                }
            }
            if !any {
                return None;
            }
            continue;
        }
        let c = pending.take().or_else(|| rest.next())?;
        if c.is_whitespace() || fold(c) != n {
            return None;
        }
        end += c.len_utf8();
    }
    Some(end)
}

/// Start offsets of every occurrence of `needle`, overlapping ones included.
fn occurrences<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let finder = memmem::Finder::new(needle.as_bytes());
    let mut from = 0;
    std::iter::from_fn(move || {
        let found = from + finder.find(&hay.as_bytes()[from..])?;
        from = found + hay[found..].chars().next().map_or(1, char::len_utf8);
        Some(found)
    })
}

/// For a quote that is not found: the passage of the document that comes closest, found
/// from the longest run of the quote's first words (or last words) that does occur.
pub fn closest(pattern: &Pattern, hay: &str) -> Option<Range<usize>> {
    let words: Vec<&str> = pattern.text().split(' ').collect();
    let quote_len = pattern.text().len();
    let longest = |make: &dyn Fn(usize) -> String| -> Option<(usize, usize)> {
        // The longest k such that the k-word piece occurs; occurring is monotone in k.
        let (mut lo, mut hi) = (0, words.len());
        let mut best = None;
        while lo < hi {
            let k = (lo + hi).div_ceil(2);
            match memmem::find(hay.as_bytes(), make(k).as_bytes()) {
                Some(at) => {
                    best = Some((k, at));
                    lo = k;
                }
                None => hi = k - 1,
            }
        }
        best
    };
    let prefix = longest(&|k| words[..k].join(" "));
    let suffix = longest(&|k| words[words.len() - k..].join(" "));
    let range = match (prefix, suffix) {
        (Some((kp, at)), s) if s.is_none_or(|(ks, _)| kp >= ks) => at..(at + quote_len).min(hay.len()),
        (_, Some((ks, at))) => {
            let end = at + words[words.len() - ks..].join(" ").len();
            end.saturating_sub(quote_len)..end
        }
        _ => return None,
    };
    let start = floor_boundary(hay, range.start);
    let end = floor_boundary(hay, range.end);
    (start < end).then_some(start..end)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(doc: &str, quote: &str) -> Vec<String> {
        let n = Normalized::new(doc);
        Pattern::new(quote)
            .unwrap()
            .find_all(&n.text)
            .into_iter()
            .map(|r| doc[n.original(doc, r)].to_string())
            .collect()
    }

    #[test]
    fn white_space_quotes_and_dashes_are_equal() {
        let doc = "We said \u{201C}it\u{2019}s  our\nvalues\u{201D} \u{2014} really.";
        assert_eq!(
            find(doc, "\"it's our values\" - really"),
            ["\u{201C}it\u{2019}s  our\nvalues\u{201D} \u{2014} really"]
        );
        assert_eq!(find(doc, "  it's our values  "), ["it\u{2019}s  our\nvalues"]);
    }

    #[test]
    fn matching_is_case_sensitive() {
        assert!(find("Trust matters", "trust matters").is_empty());
    }

    #[test]
    fn abbreviation_spans_from_start_to_next_end() {
        let doc = "Regular communication is absolutely critical. We meet weekly. We are honest with each other. And honest again.";
        assert_eq!(
            find(
                doc,
                "Regular communication is absolutely critical … honest with each other"
            ),
            ["Regular communication is absolutely critical. We meet weekly. We are honest with each other"]
        );
        assert_eq!(
            find(doc, "Regular communication ... weekly."),
            ["Regular communication is absolutely critical. We meet weekly."]
        );
        assert!(Pattern::new("a … b … c").is_err());
        assert_eq!(Pattern::new("… b").unwrap(), Pattern::Exact("… b".into()));
        assert!(Pattern::new("  ").is_err());
    }

    #[test]
    fn searching_the_original_finds_what_the_normalized_search_finds() {
        let doc = "We said \u{201C}it\u{2019}s  our\nvalues\u{201D} \u{2014} really. ha ha ha. “Quoted” start. \u{a0}Trust\u{a0}\u{a0}me. Trust me.";
        let n = Normalized::new(doc);
        for q in [
            "it's our values\" - really",
            "\"it's our values\"",
            "ha ha",
            "Trust me.",
            "\"Quoted\" start.",
            "said … really.",
            "values … me.",
            "nothing here",
        ] {
            let p = Pattern::new(q).unwrap();
            let slow: Vec<Range<usize>> = p
                .find_all(&n.text)
                .into_iter()
                .map(|r| n.original(doc, r))
                .collect();
            assert_eq!(p.find_in(doc), slow, "{q}");
        }
    }

    #[test]
    fn every_occurrence_is_found_including_overlaps() {
        assert_eq!(find("ha ha ha", "ha ha").len(), 2);
        assert_eq!(find("trust. trust. trust.", "trust.").len(), 3);
    }

    #[test]
    fn multibyte_text_maps_back_to_character_boundaries() {
        let doc = "😀 Café — naïve “quote”";
        assert_eq!(find(doc, "Café - naïve \"quote\""), ["Café — naïve “quote”"]);
    }

    #[test]
    fn closest_passage_from_prefix_or_suffix() {
        let doc = "We look at the organisations and their values before anything else.";
        let n = Normalized::new(doc);
        let p = Pattern::new("We look at the organisations and their ethos").unwrap();
        let r = closest(&p, &n.text).unwrap();
        assert!(n.text[r].starts_with("We look at the organisations and their"));
        let p = Pattern::new("Truly their values before anything else.").unwrap();
        let r = closest(&p, &n.text).unwrap();
        assert!(n.text[r].ends_with("their values before anything else."));
        assert!(closest(&Pattern::new("zebra").unwrap(), &n.text).is_none());
    }
}
