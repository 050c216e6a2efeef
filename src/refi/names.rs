//! Names: code ids from code names, file-safe ids for documents, participants and coders,
//! and the conventions that let a code's name and rules travel through its description.
//!
//! A REFI-QDA code has a free-text name; a thematic code an id of letters, digits, `-`, `_`
//! and `/`. On import the id is the name made into a slug (`Big Pharma` → `big-pharma`, with
//! `-2`, `-3` where two codes would share one) and, when the slug loses something, the
//! definition starts with the name: `` `big-pharma` — Big Pharma — companies that... ``. On
//! export that leading name becomes the code's name again, so a project can go to NVivo and
//! back without its codes being renamed.

use crate::codebook::Polarity;
use std::collections::{HashMap, HashSet};

/// The separator between a code's name and its description in a definition.
pub const NAME_SEP: &str = " — ";

/// A code id segment from a name: lower case, letters, digits and `_`, other runs as `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("code");
    }
    out
}

/// A name that is safe as a file stem (documents, participants, coders): letters, digits,
/// `-`, `_`, `.`; other runs as `-`; no leading dot; case kept unless `lower`.
pub fn file_safe(name: &str, lower: bool, fallback: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '.') || (c == '-' && !out.ends_with('-')) {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out
        .trim_start_matches(['.', '-'])
        .trim_end_matches(['-', '.'])
        .to_string();
    if lower {
        out = out.to_lowercase();
    }
    if out.chars().count() > 80 {
        out = out
            .chars()
            .take(80)
            .collect::<String>()
            .trim_end_matches(['-', '.'])
            .to_string();
    }
    const RESERVED: [&str; 22] = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    if RESERVED.contains(&out.to_lowercase().as_str()) {
        out.push_str("-1");
    }
    if out.is_empty() {
        out = fallback.to_string();
    }
    out
}

/// Hands out unique names: `x`, then `x-2`, `x-3`... Case-insensitive when asked, for names
/// that become files.
#[derive(Debug, Default)]
pub struct Unique {
    taken: HashSet<String>,
    /// Per base name, the suffix to try next: every earlier one is taken, so twenty thousand
    /// sources of one name cost twenty thousand probes, not two hundred million.
    next: HashMap<String, usize>,
    fold_case: bool,
}

impl Unique {
    pub fn files() -> Unique {
        Unique {
            fold_case: true,
            ..Unique::default()
        }
    }

    fn key(&self, s: &str) -> String {
        if self.fold_case {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    }

    pub fn take(&mut self, base: &str) -> String {
        let base_key = self.key(base);
        let mut n = self.next.get(&base_key).copied().unwrap_or(1);
        let name = |n: usize| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}-{n}")
            }
        };
        let mut candidate = name(n);
        while self.taken.contains(&self.key(&candidate)) {
            n += 1;
            candidate = name(n);
        }
        self.taken.insert(self.key(&candidate));
        self.next.insert(base_key, n + 1);
        candidate
    }
}

/// The last segment of a code id (`a/b/c` → `c`).
pub fn last_segment(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// Whether `name` gives this id segment, allowing for a `-N` added to make it unique.
pub fn names_segment(name: &str, segment: &str) -> bool {
    let s = slug(name);
    if s == segment {
        return true;
    }
    segment
        .rsplit_once('-')
        .is_some_and(|(base, n)| base == s && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Collapses every run of white space into one space and trims.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The keys a code's rules have in codebook.md, in the order they are written.
pub const RULE_KEYS: [&str; 6] = ["include", "exclude", "example", "search", "regex", "polarity"];

/// A description split into its text and its rule lines (`include: ...`, `polarity: ...`),
/// rules in [`RULE_KEYS`] order. A rule that could not stand in codebook.md (an invalid
/// regex or polarity, a second `search:`) stays in the text.
pub fn split_rules(description: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut text = Vec::new();
    let mut rules: Vec<(String, String)> = Vec::new();
    for (line, _) in crate::codebook::source_lines(description) {
        let rule = line.split_once(':').and_then(|(k, v)| {
            let key = k.trim().to_lowercase();
            let value = one_line(v);
            let ok = RULE_KEYS.contains(&key.as_str())
                && !value.is_empty()
                && match key.as_str() {
                    "polarity" => Polarity::parse(&value).is_some(),
                    "regex" => regex::Regex::new(&value).is_ok(),
                    _ => true,
                }
                && !(matches!(key.as_str(), "search" | "regex" | "polarity")
                    && rules.iter().any(|(k, _)| *k == key));
            ok.then_some((key, value))
        });
        match rule {
            Some(r) => rules.push(r),
            None => text.push(line.to_string()),
        }
    }
    rules.sort_by_key(|(k, _)| RULE_KEYS.iter().position(|r| r == k));
    (text, rules)
}

/// A code's definition for codebook.md: one line, its name first when the id does not show
/// it, and escaped so that the codebook reads it back unchanged.
pub fn definition(id: &str, name: &str, text: &[String]) -> String {
    let name = one_line(name);
    let text = one_line(&text.join(" "));
    let def = if name.is_empty() || name == last_segment(id) {
        text
    } else if text.is_empty() {
        name
    } else {
        format!("{name}{NAME_SEP}{text}")
    };
    // codebook.md drops dashes and colons between the code span and the definition.
    if def.starts_with(['—', '–', '-', ':']) {
        format!("\\{def}")
    } else {
        def
    }
}

/// The name and description a code's definition stands for (the reverse of
/// [`definition`]): a leading name that gives the id (and is not the id itself) is the name,
/// else the id's last segment is. Either way, importing the result gives this definition
/// back.
pub fn name_and_description(id: &str, definition: &str) -> (String, String) {
    let segment = last_segment(id);
    if let Some((head, rest)) = definition.split_once(NAME_SEP) {
        if head != segment && names_segment(head, segment) {
            return (head.to_string(), rest.to_string());
        }
    }
    if definition != segment && names_segment(definition, segment) {
        return (definition.to_string(), String::new());
    }
    (segment.to_string(), definition.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_code_ids_and_stable() {
        for name in [
            "Big Pharma",
            "+Government",
            "1. Perceived Susceptibility – Észlelt fogékonyság",
            "a/b",
            "",
            "İstanbul",
            "code:3.1",
        ] {
            let s = slug(name);
            assert!(crate::text::is_code_id(&s), "{name} → {s}");
            assert!(!s.contains('/'));
            assert_eq!(slug(&s), s, "{name}");
        }
        assert_eq!(slug("Big Pharma"), "big-pharma");
        assert_eq!(slug("relativizálás, analógiák"), "relativizálás-analógiák");
        assert_eq!(slug("computer_graphics"), "computer_graphics");
    }

    #[test]
    fn file_safe_names() {
        assert_eq!(file_safe("Interview 15mins", false, "x"), "Interview-15mins");
        assert_eq!(file_safe("../../etc/passwd", false, "x"), "etc-passwd");
        assert_eq!(file_safe(".hidden", false, "x"), "hidden");
        assert_eq!(file_safe("CON", false, "x"), "CON-1");
        assert_eq!(file_safe("???", true, "coder"), "coder");
        assert_eq!(file_safe("Gergo", true, "x"), "gergo");
    }

    #[test]
    fn unique_names() {
        let mut u = Unique::files();
        assert_eq!(u.take("P1"), "P1");
        assert_eq!(u.take("p1"), "p1-2");
        assert_eq!(u.take("P1"), "P1-3");
        // A literal name in the way of the numbering is stepped over, as before.
        assert_eq!(u.take("x-2"), "x-2");
        assert_eq!(u.take("x"), "x");
        assert_eq!(u.take("x"), "x-3");
        assert_eq!(u.take("X"), "X-4");
        let mut u = Unique::default();
        assert_eq!(u.take("a"), "a");
        assert_eq!(u.take("A"), "A", "case kept apart unless for files");
        for n in 2..=20_000 {
            assert_eq!(u.take("a"), format!("a-{n}"));
        }
    }

    #[test]
    fn names_travel_through_definitions() {
        let d = definition("big-pharma", "Big Pharma", &["Companies  that\nprofit.".into()]);
        assert_eq!(d, "Big Pharma — Companies that profit.");
        assert_eq!(
            name_and_description("big-pharma", &d),
            ("Big Pharma".into(), "Companies that profit.".into())
        );
        assert_eq!(
            definition("trust", "trust", &["Means trust.".into()]),
            "Means trust."
        );
        assert_eq!(
            name_and_description("trust", "Means trust."),
            ("trust".into(), "Means trust.".into())
        );
        let d = definition("x/méreg-2", "méreg", &[]);
        assert_eq!(d, "méreg");
        assert_eq!(
            name_and_description("x/méreg-2", "méreg"),
            ("méreg".into(), String::new())
        );
        let d = definition("b", "B", &["-40° ±1%".into()]);
        assert_eq!(d, "B — -40° ±1%");
        assert_eq!(definition("b", "b", &["-40°".into()]), "\\-40°");
    }

    #[test]
    fn rules_are_split_from_descriptions() {
        let (text, rules) =
            split_rules("Values.\npolarity: positive\ninclude: ethos\nregex: (\nsearch: a\nsearch: b");
        assert_eq!(text, ["Values.", "regex: (", "search: b"]);
        assert_eq!(
            rules,
            [
                ("include".to_string(), "ethos".to_string()),
                ("search".into(), "a".into()),
                ("polarity".into(), "positive".into())
            ]
        );
    }
}
