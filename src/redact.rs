//! Redactions: identifying terms and what replaces them (`redactions.csv`, `term,replacement`).
//! Every quote and table that leaves `thematic` passes through them.
//!
//! A plain term matches as a whole word, case-sensitively, with white space, quote marks,
//! apostrophes and dashes matching their typographic variants (so `St Luke's` also catches
//! `St Luke’s`). A term written `/.../` is a regular expression.

use crate::diagnostics::Diagnostics;
use crate::text::CsvTable;
use regex::Regex;

#[derive(Debug, Clone, Default)]
pub struct Redactions {
    rules: Vec<(Regex, String)>,
    /// The terms as written, for messages.
    pub terms: Vec<String>,
}

impl Redactions {
    pub fn parse(text: &str, file: &str, diags: &mut Diagnostics) -> Redactions {
        let mut out = Redactions::default();
        let Some(table) = CsvTable::parse(text, file, &["term", "replacement"], diags) else {
            return out;
        };
        let (t, r) = (
            table.column("term").unwrap_or(0),
            table.column("replacement").unwrap_or(1),
        );
        // Each term's first line and replacement: a term listed again is an error when the
        // replacement differs (which one would the report use?) and a warning when it is the same.
        let mut seen: std::collections::HashMap<&str, (usize, &str)> = std::collections::HashMap::new();
        for row in &table.rows {
            let term = row.fields[t].trim();
            if term.is_empty() {
                diags.error(file, Some(row.line), "empty term");
                continue;
            }
            let replacement = row.fields[r].trim();
            if let Some(&(line, first)) = seen.get(term) {
                if first == replacement {
                    diags.warning(
                        file,
                        Some(row.line),
                        format!("`{term}` is listed again (first on line {line})"),
                    );
                } else {
                    diags.error(
                        file,
                        Some(row.line),
                        format!("`{term}` is listed again with another replacement (`{replacement}`; line {line} has `{first}`): keep one"),
                    );
                }
                continue;
            }
            seen.insert(term, (row.line, replacement));
            let pattern = match term.strip_prefix('/').and_then(|s| s.strip_suffix('/')) {
                Some(re) if !re.is_empty() => re.to_string(),
                _ => literal_pattern(term),
            };
            match Regex::new(&pattern) {
                Ok(re) => {
                    out.rules.push((re, row.fields[r].trim().to_string()));
                    out.terms.push(term.to_string());
                }
                Err(e) => {
                    let reason = crate::text::regex_reason(&e);
                    diags.error(
                        file,
                        Some(row.line),
                        format!("invalid regular expression {term}: {reason}"),
                    );
                }
            }
        }
        // Longer terms first, so `Nadia Rahman` is replaced before `Nadia`.
        let mut order: Vec<usize> = (0..out.rules.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(out.terms[i].chars().count()));
        out.rules = order.iter().map(|&i| out.rules[i].clone()).collect();
        out.terms = order.iter().map(|&i| out.terms[i].clone()).collect();
        out
    }

    /// Rules that replace each of `names` (the names people are known by) with `replacement`,
    /// matched as plain terms are. Longer names first.
    pub fn names(names: &[String], replacement: &str) -> Redactions {
        let mut sorted: Vec<&String> = names.iter().collect();
        sorted.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        sorted.dedup();
        let mut out = Redactions::default();
        for name in sorted {
            if let Ok(re) = Regex::new(&literal_pattern(name)) {
                out.rules.push((re, replacement.to_string()));
                out.terms.push(name.clone());
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The text with every term replaced.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (re, replacement) in &self.rules {
            if re.is_match(&out) {
                out = re.replace_all(&out, regex::NoExpand(replacement)).into_owned();
            }
        }
        out
    }

    /// The text with every term replaced, keeping track of a passage inside it (`passage`, a
    /// byte range): a term that straddles the passage's edge is replaced whole and the passage
    /// grows to take in the replacement, so no part of a name is left on either side.
    pub fn apply_around(
        &self,
        text: &str,
        passage: std::ops::Range<usize>,
    ) -> (String, std::ops::Range<usize>) {
        let (mut out, mut start, mut end) = (text.to_string(), passage.start, passage.end);
        for (re, replacement) in &self.rules {
            if !re.is_match(&out) {
                continue;
            }
            let mut next = String::with_capacity(out.len());
            let (mut last, mut new_start, mut new_end) = (0, start, end);
            for m in re.find_iter(&out) {
                next.push_str(&out[last..m.start()]);
                let at = next.len();
                next.push_str(replacement);
                let shift = |pos: usize, toward_end: bool| -> Option<usize> {
                    if pos <= m.start() || pos >= m.end() {
                        return None;
                    }
                    Some(if toward_end { next.len() } else { at })
                };
                let delta = |pos: usize| pos as isize + next.len() as isize - m.end() as isize;
                if let Some(p) = shift(start, false) {
                    new_start = p;
                } else if start >= m.end() {
                    new_start = delta(start) as usize;
                }
                if let Some(p) = shift(end, true) {
                    new_end = p;
                } else if end >= m.end() {
                    new_end = delta(end) as usize;
                }
                last = m.end();
            }
            next.push_str(&out[last..]);
            out = next;
            start = new_start;
            end = new_end;
        }
        (out, start..end)
    }

    /// The terms found in a text, with the 1-based line of each first finding.
    pub fn found_in(&self, text: &str) -> Vec<(String, usize)> {
        self.rules
            .iter()
            .zip(&self.terms)
            .filter_map(|((re, _), term)| {
                re.find(text)
                    .map(|m| (term.clone(), crate::config::line_of(text, m.start())))
            })
            .collect()
    }
}

/// Several sets of rules in turn (redaction terms, then names), on a passage with context:
/// see [`Redactions::apply_around`].
pub fn apply_all_around(
    sets: &[&Redactions],
    text: &str,
    passage: std::ops::Range<usize>,
) -> (String, std::ops::Range<usize>) {
    let mut out = (text.to_string(), passage);
    for set in sets {
        out = set.apply_around(&out.0, out.1);
    }
    out
}

/// A literal term as a pattern: whole words, flexible white space, quote marks and dashes.
fn literal_pattern(term: &str) -> String {
    let mut p = String::new();
    let first = term.chars().next().is_some_and(|c| c.is_alphanumeric());
    let last = term.chars().last().is_some_and(|c| c.is_alphanumeric());
    if first {
        p.push_str(r"\b");
    }
    let mut in_space = false;
    for c in term.chars() {
        if c.is_whitespace() {
            if !in_space {
                p.push_str(r"\s+");
            }
            in_space = true;
            continue;
        }
        in_space = false;
        match c {
            '\'' | '\u{2018}' | '\u{2019}' | '`' => p.push_str("['\u{2018}\u{2019}`]"),
            '"' | '\u{201C}' | '\u{201D}' => p.push_str("[\"\u{201C}\u{201D}]"),
            '-' | '\u{2013}' | '\u{2014}' => p.push_str("[-\u{2013}\u{2014}]"),
            c => p.push_str(&regex::escape(&c.to_string())),
        }
    }
    if last {
        p.push_str(r"\b");
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactions(csv: &str) -> (Redactions, Vec<String>) {
        let mut d = Diagnostics::default();
        let r = Redactions::parse(csv, "redactions.csv", &mut d);
        (r, d.sorted().iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn words_apostrophes_and_regexes() {
        let (r, problems) = redactions(
            "term,replacement\nDev,[name]\nSt Luke's,[venue]\nNadia,[name]\nNadia Rahman,[GP]\n/\\b07\\d{9}\\b/,[phone]\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            r.apply("Dev met Dr Nadia Rahman at St Luke\u{2019}s; ring 07123456789. Development, Nadia."),
            "[name] met Dr [GP] at [venue]; ring [phone]. Development, [name]."
        );
        assert_eq!(r.found_in("ok\nDev here"), [("Dev".to_string(), 2)]);
        assert_eq!(r.apply("$1 and \\0"), "$1 and \\0");
    }

    #[test]
    fn names_are_replaced_as_whole_words_longest_first() {
        let r = Redactions::names(&["Jo".into(), "Jo Bloggs".into()], "[name]");
        assert_eq!(
            r.apply("Jo Bloggs said Jo\u{2019}s idea; Joanne agreed."),
            "[name] said [name]\u{2019}s idea; Joanne agreed."
        );
    }

    #[test]
    fn a_term_across_a_passage_edge_is_replaced_whole() {
        let r = Redactions::names(&["Jo Bloggs".into()], "[name]");
        let text = "said Jo Bloggs then Jo Bloggs and Jo Bloggs left";
        // The passage starts inside the second name ("Bloggs and Jo").
        let start = text.find("Bloggs and").unwrap();
        let end = start + "Bloggs and Jo".len();
        let (out, p) = r.apply_around(text, start..end);
        assert_eq!(out, "said [name] then [name] and [name] left");
        assert_eq!(&out[p], "[name] and [name]");
        let (out, p) = r.apply_around("x Jo Bloggs y", 0..1);
        assert_eq!((&out[..], &out[p]), ("x [name] y", "x"));
        let (out, p) = r.apply_around("x Jo Bloggs y", 12..13);
        assert_eq!(&out[p], "y");
    }

    #[test]
    fn bad_rows_are_reported() {
        let (r, problems) = redactions("term,replacement\n,[x]\n/(open/,[y]\n");
        assert!(r.is_empty());
        assert_eq!(
            problems,
            [
                "error: redactions.csv:2: empty term",
                "error: redactions.csv:3: invalid regular expression /(open/: unclosed group"
            ]
        );
    }
}
