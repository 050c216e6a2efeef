//! Quote anchoring: finding a coder's quote in its transcript.
//!
//! Matching treats any run of white space as one space, typographic and straight quotes,
//! apostrophes and dashes as equal, and `…` as `...`; text is compared in Unicode NFC (so
//! "café" typed as `e` + U+0301 matches "café"); it is case-sensitive. A quote with ` … ` or
//! ` ... ` in it means: from where the part before occurs to the next place the part after
//! occurs.

use memchr::memmem;
use std::ops::Range;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// A text in NFC with white space collapsed, quote marks folded and `…` written `...`, mapped
/// back to the original.
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

const ELLIPSIS: char = '\u{2026}';

/// Whether a character stands for itself in NFC whatever comes before it: a starter that
/// nothing before it composes with. Latin-1 and most text take the first test.
fn plain_starter(c: char) -> bool {
    c < '\u{300}'
        || (canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes)
}

/// Whether a text is in NFC already, so that quotes can be searched in it as it is.
pub fn is_nfc(text: &str) -> bool {
    text.is_ascii()
        || match is_nfc_quick(text.chars()) {
            IsNormalized::Yes => true,
            IsNormalized::No => false,
            IsNormalized::Maybe => unicode_normalization::is_nfc(text),
        }
}

/// The normalized text being built, with its map.
struct Builder {
    text: Vec<u8>,
    map: Vec<u32>,
}

impl Builder {
    /// Appends `c` folded, every byte mapped to `first` but the character's later bytes, which
    /// map to `rest` (so a range ending in it ends where the original characters end).
    fn push(&mut self, c: char, first: usize, rest: usize) {
        if c == ELLIPSIS {
            self.text.extend_from_slice(b"...");
            self.map.extend([first as u32, rest as u32, rest as u32]);
            return;
        }
        let mut buf = [0u8; 4];
        let folded = fold(c).encode_utf8(&mut buf).as_bytes();
        self.text.extend_from_slice(folded);
        self.map.push(first as u32);
        self.map
            .extend(std::iter::repeat_n(rest as u32, folded.len() - 1));
    }
}

impl Normalized {
    pub fn new(original: &str) -> Normalized {
        let bytes = original.as_bytes();
        let mut out = Builder {
            text: Vec::with_capacity(bytes.len()),
            map: Vec::with_capacity(bytes.len()),
        };
        let mut in_space = false;
        // Where in `out` the last starter (what a combining mark composes with) begins.
        let mut starter: Option<usize> = None;
        let mut last_ccc = 0u8;
        let mut i = 0;
        while i < bytes.len() {
            // A run of plain ASCII (no white space, no backtick) is copied as it is.
            let run = bytes[i..]
                .iter()
                .position(|&b| b >= 0x80 || b.is_ascii_whitespace() || b == 0x0B || b == b'`')
                .unwrap_or(bytes.len() - i);
            if run > 0 {
                out.text.extend_from_slice(&bytes[i..i + run]);
                out.map.extend(i as u32..(i + run) as u32);
                starter = Some(out.text.len() - 1);
                (in_space, last_ccc) = (false, 0);
                i += run;
                continue;
            }
            let c = if bytes[i] < 0x80 {
                bytes[i] as char
            } else {
                original[i..]
                    .chars()
                    .next()
                    .expect("i is on a character boundary")
            };
            if c.is_whitespace() || c == '\u{0B}' {
                if !in_space {
                    out.text.push(b' ');
                    out.map.push(i as u32);
                    in_space = true;
                }
                (starter, last_ccc) = (None, 0);
                i += c.len_utf8();
                continue;
            }
            in_space = false;
            let ccc = if c < '\u{300}' {
                0
            } else {
                canonical_combining_class(c)
            };
            if plain_starter(c)
                || (ccc != 0 && last_ccc <= ccc && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes)
            {
                if ccc == 0 {
                    starter = Some(out.text.len());
                }
                out.push(c, i, i);
                last_ccc = ccc;
                i += c.len_utf8();
                continue;
            }
            // The rare path: recompose from the last starter to the next plain one.
            let (from_out, from) = match starter {
                Some(s) => (s, out.map[s] as usize),
                None => (out.text.len(), i),
            };
            let mut end = i + c.len_utf8();
            for d in original[end..].chars() {
                if d.is_whitespace() || plain_starter(d) {
                    break;
                }
                end += d.len_utf8();
            }
            let last = end - original[..end].chars().next_back().map_or(0, char::len_utf8);
            out.text.truncate(from_out);
            out.map.truncate(from_out);
            starter = None;
            last_ccc = 0;
            for (k, d) in original[from..end].nfc().enumerate() {
                let d_ccc = canonical_combining_class(d);
                if d_ccc == 0 {
                    starter = Some(out.text.len());
                }
                out.push(d, if k == 0 { from } else { last }, last);
                last_ccc = d_ccc;
            }
            i = end;
        }
        Normalized {
            text: String::from_utf8(out.text).expect("whole characters were copied"),
            map: out.map,
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
        // `…` is `...` once normalized.
        let marks: Vec<(usize, &str)> = n.match_indices(" ... ").collect();
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
                let mut next_end = NextEnd::default();
                let mut out: Vec<Range<usize>> = Vec::new();
                for s in occurrences(hay, start) {
                    let from = s + start.len();
                    let found = next_end.at_or_after(from, |from| {
                        ends.find(&hay.as_bytes()[from..])
                            .map(|e| from + e..from + e + end.len())
                    });
                    let Some(e) = found else { continue };
                    let range = s..e.end;
                    if out.last() != Some(&range) {
                        out.push(range);
                    }
                }
                out
            }
        }
    }

    /// Every place the pattern matches in the original text, as byte ranges of it, in order:
    /// the same places as [`Pattern::find_all`] on the normalized text, found without
    /// normalizing the whole text when it is in NFC (`text_is_nfc`, from [`is_nfc`], known
    /// once per document). Each match is searched from the quote's first run of characters
    /// that normalizing leaves alone, and checked from there.
    pub fn find_in(&self, text: &str, text_is_nfc: bool) -> Vec<Range<usize>> {
        let direct = |needle: &str| stable_prefix(needle) > 0;
        let ok = text_is_nfc
            && match self {
                Pattern::Exact(q) => direct(q),
                Pattern::Span { start, end } => direct(start) && direct(end),
            };
        let normalized = || {
            let n = Normalized::new(text);
            self.find_all(&n.text)
                .into_iter()
                .map(|r| n.original(text, r))
                .collect()
        };
        if !ok {
            return normalized();
        }
        let budget = Budget::for_text(text);
        let found: Vec<Range<usize>> = match self {
            Pattern::Exact(q) => matches_from(text, q, 0, &budget).collect(),
            Pattern::Span { start, end } => {
                let mut next_end = NextEnd::default();
                let mut out: Vec<Range<usize>> = Vec::new();
                for s in matches_from(text, start, 0, &budget) {
                    let found =
                        next_end.at_or_after(s.end, |from| matches_from(text, end, from, &budget).next());
                    let Some(e) = found else { continue };
                    let range = s.start..e.end;
                    if out.last() != Some(&range) {
                        out.push(range);
                    }
                }
                out
            }
        };
        if budget.spent() {
            return normalized();
        }
        found
    }

    fn text(&self) -> &str {
        match self {
            Pattern::Exact(q) => q,
            Pattern::Span { start, .. } => start,
        }
    }
}

/// How the passage at `range` of `text` is quoted so that the quote anchors back to it: `None`
/// when its words, quoted, find their way to another place (or none); else the `occurrence` a
/// sheet row needs, `Some(n)` (1-based) when the words occur more than once, `None` when once.
/// `text_is_nfc` is [`is_nfc`] of `text`, known once per document.
pub fn occurrence_of(text: &str, text_is_nfc: bool, range: Range<usize>) -> Option<Option<usize>> {
    let found = Pattern::new(&text[range.clone()])
        .map(|p| p.find_in(text, text_is_nfc))
        .unwrap_or_default();
    let k = found.iter().position(|r| *r == range)?;
    Some((found.len() > 1).then_some(k + 1))
}

/// The first match of a span's end at or after a position, for positions that only grow
/// (each start of the span in turn). The last answer is kept: while the position has not
/// passed the match found, it is still the first; and once no match is found, there is none
/// further on. So the text is searched once, not once from every start (a quote whose end
/// never occurs searched to the end of the text from each of its starts: 13 s on 7.5 MB).
#[derive(Default)]
struct NextEnd {
    /// The position last asked about and its answer.
    last: Option<(usize, Option<Range<usize>>)>,
}

impl NextEnd {
    fn at_or_after(
        &mut self,
        from: usize,
        search: impl FnOnce(usize) -> Option<Range<usize>>,
    ) -> Option<Range<usize>> {
        match &self.last {
            Some((asked, None)) if *asked <= from => return None,
            Some((asked, Some(found))) if *asked <= from && from <= found.start => {
                return Some(found.clone())
            }
            _ => {}
        }
        let found = search(from);
        self.last = Some((from, found.clone()));
        found
    }
}

/// Bytes at the start of a normalized needle that stand for themselves in an NFC original
/// text (no white space, and nothing that folding may have produced from another character,
/// such as `.` from `…`).
fn stable_prefix(needle: &str) -> usize {
    needle.find([' ', '\'', '"', '-', '.']).unwrap_or(needle.len())
}

/// Matches of a normalized needle in the original text at or after byte `from`, overlapping
/// ones included.
/// The search stops early (and [`Budget::spent`] says so) once the checks from each anchor
/// have compared more than the budget allows.
fn matches_from<'a>(
    text: &'a str,
    needle: &'a str,
    from: usize,
    budget: &'a Budget,
) -> impl Iterator<Item = Range<usize>> + 'a {
    let anchor = &needle[..stable_prefix(needle)];
    let finder = memmem::Finder::new(anchor.as_bytes());
    let mut at = from;
    std::iter::from_fn(move || loop {
        let found = at + finder.find(&text.as_bytes()[at..])?;
        at = found + text[found..].chars().next().map_or(1, char::len_utf8);
        let (end, reached) = match_at(text, found, needle);
        if !budget.spend(reached - found + 1) {
            return None;
        }
        if let Some(end) = end {
            return Some(found..end);
        }
    })
}

/// How much checking the search from anchors may do before it gives way to the search in the
/// normalized text, which costs one pass whatever the text. Checking from anchors is quicker
/// on ordinary text, but a long quote in repetitive text (`we we we … never`) almost matches
/// at every anchor: each check went the length of the quote (38 s for one quote by the audit).
struct Budget {
    left: std::cell::Cell<usize>,
    out: std::cell::Cell<bool>,
}

impl Budget {
    fn for_text(text: &str) -> Budget {
        Budget {
            left: std::cell::Cell::new(8 * text.len() + 65_536),
            out: std::cell::Cell::new(false),
        }
    }

    /// Takes `n` from what is left; false once it has run out.
    fn spend(&self, n: usize) -> bool {
        match self.left.get().checked_sub(n) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => {
                self.out.set(true);
                false
            }
        }
    }

    fn spent(&self) -> bool {
        self.out.get()
    }
}

/// Whether the normalized `needle` matches the original (NFC) text at byte `at`; if so,
/// where the match ends. A space in the needle matches a run of white space, and `...` a `…`
/// (of which a needle may end with the first dots only, as in the normalized text).
fn match_at(text: &str, at: usize, needle: &str) -> (Option<usize>, usize) {
    let needle = needle.as_bytes();
    let mut rest = text[at..].chars().peekable();
    let mut end = at;
    let mut j = 0;
    while j < needle.len() {
        if needle[j] == b' ' {
            let mut any = false;
            while let Some(c) = rest.next_if(|c| c.is_whitespace()) {
                any = true;
                end += c.len_utf8();
            }
            if !any {
                return (None, end);
            }
            j += 1;
            continue;
        }
        let Some(c) = rest.next() else {
            return (None, end);
        };
        if c.is_whitespace() {
            return (None, end);
        }
        if c == ELLIPSIS {
            let dots = needle[j..].iter().take(3).take_while(|&&b| b == b'.').count();
            if dots < 3 && !(dots > 0 && j + dots == needle.len()) {
                return (None, end);
            }
            j += dots;
        } else {
            let mut buf = [0u8; 4];
            let folded = fold(c).encode_utf8(&mut buf).as_bytes();
            if !needle[j..].starts_with(folded) {
                return (None, end);
            }
            j += folded.len();
        }
        end += c.len_utf8();
    }
    (Some(end), end)
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
    fn spans_find_the_next_end_from_each_start_with_one_search() {
        let doc = "a x b a y a z b c";
        assert_eq!(find(doc, "a … b"), ["a x b", "a y a z b", "a z b"]);
        assert!(find(doc, "a … never").is_empty());
        let t = Pattern::new("a … b").unwrap();
        assert_eq!(t.find_in(doc, true), [0..5, 6..15, 10..15]);
        assert!(Pattern::new("a … never").unwrap().find_in(doc, true).is_empty());
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
        assert_eq!(Pattern::new("… b").unwrap(), Pattern::Exact("... b".into()));
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
            assert_eq!(p.find_in(doc, is_nfc(doc)), slow, "{q}");
        }
    }

    #[test]
    fn ellipsis_and_three_dots_are_equal() {
        let doc = "Well\u{2026} I don't know... maybe. Fine\u{2026}and then.";
        assert_eq!(find(doc, "Well... I don't"), ["Well\u{2026} I don't"]);
        assert_eq!(find(doc, "know\u{2026} maybe"), ["know... maybe"]);
        assert_eq!(find(doc, "Fine..."), ["Fine\u{2026}"]);
        assert_eq!(find(doc, "Fine."), ["Fine\u{2026}"]);
        // A spaced `…` in a quote is still the abbreviation mark.
        assert_eq!(
            find(doc, "Well \u{2026} maybe."),
            ["Well\u{2026} I don't know... maybe."]
        );
    }

    #[test]
    fn text_is_compared_in_nfc() {
        let nfc = "The caf\u{e9} was \u{212B}ngstr\u{f6}m-ish. Se\u{301}ance.";
        let nfd = "cafe\u{301}";
        assert_eq!(find(nfc, nfd), ["caf\u{e9}"]);
        assert_eq!(find(nfc, "\u{c5}ngstr\u{f6}m"), ["\u{212B}ngstr\u{f6}m"]);
        // NFD text: the match covers whole characters, combining marks included.
        let doc = "The cafe\u{301} was open. Se\u{301}ance.";
        assert_eq!(find(doc, "caf\u{e9} was"), ["cafe\u{301} was"]);
        assert_eq!(find(doc, "caf\u{e9}"), ["cafe\u{301}"]);
        assert_eq!(find(doc, "S\u{e9}ance."), ["Se\u{301}ance."]);
        assert!(!is_nfc(doc) && !is_nfc(nfc) && is_nfc("caf\u{e9}\u{2026}"));
        assert_eq!(Normalized::new(doc).text, "The caf\u{e9} was open. S\u{e9}ance.");
        // Combining marks out of canonical order are reordered.
        assert_eq!(
            Normalized::new("a\u{301}\u{323}").text,
            Normalized::new("a\u{323}\u{301}").text
        );
    }

    #[test]
    fn searching_nfc_text_directly_agrees_with_normalizing_it() {
        let doc = "Caf\u{e9}\u{2026} \u{201C}na\u{ef}ve\u{201D} \u{2014} se\u{f1}or... x.. done\u{2026}";
        let n = Normalized::new(doc);
        for q in [
            "Caf\u{e9}...",
            "Cafe\u{301}\u{2026} \"naive",
            "\"na\u{ef}ve\" - sen\u{303}or",
            "or\u{2026} x",
            "x.",
            ".. done",
            "done.",
            "done...",
            "Caf\u{e9} ... done",
        ] {
            let p = Pattern::new(q).unwrap();
            let slow: Vec<Range<usize>> = p
                .find_all(&n.text)
                .into_iter()
                .map(|r| n.original(doc, r))
                .collect();
            assert_eq!(p.find_in(doc, true), slow, "{q}");
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
    fn a_passage_is_quoted_with_its_occurrence_when_its_words_recur() {
        let text = "We share values. Trust. We share values.";
        assert_eq!(occurrence_of(text, true, 0..16), Some(Some(1)));
        assert_eq!(occurrence_of(text, true, 24..40), Some(Some(2)));
        assert_eq!(occurrence_of(text, true, 17..23), Some(None));
        // Words and the space after them: quoted, they find the words alone, not this range.
        assert_eq!(occurrence_of(text, true, 0..17), None);
    }

    #[test]
    fn a_long_quote_in_repetitive_text_is_found_in_one_pass() {
        // Checked from every anchor, this was quadratic (38 s for one quote by the audit);
        // past the budget the search moves to the normalized text and finds the same places.
        let text = format!("R: {}agreed.\n", "we ".repeat(20_000));
        for quote in [
            format!("{}never", "we ".repeat(3_000)),
            format!("{}agreed.", "we ".repeat(3_000)),
        ] {
            let p = Pattern::new(&quote).unwrap();
            let n = Normalized::new(&text);
            let expected: Vec<Range<usize>> = p
                .find_all(&n.text)
                .into_iter()
                .map(|r| n.original(&text, r))
                .collect();
            assert_eq!(p.find_in(&text, true), expected);
        }
        let p = Pattern::new(&format!("{}agreed.", "we ".repeat(3_000))).unwrap();
        assert_eq!(p.find_in(&text, true).len(), 1);
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
