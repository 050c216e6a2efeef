//! `codebook.md`: themes (level-1 headings) > categories (level-2 headings) > codes (list
//! items that start with an inline code span), with definitions and rules.
//!
//! ```markdown
//! # Quality of partnerships
//! What the theme is about.
//!
//! ## Shared values
//! What the category covers.
//!
//! - `shared-values` — staff and partners describe values that fit each other.
//!   - include: values, ethos
//!   - search: "shared values" OR ethos
//!   - polarity: positive
//! ```

use crate::diagnostics::Diagnostics;
use crate::text::is_code_id;
use comrak::nodes::{AstNode, NodeValue};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Polarity {
    Positive,
    Negative,
    Neutral,
}

impl Polarity {
    pub fn parse(s: &str) -> Option<Polarity> {
        match s.trim().to_lowercase().as_str() {
            "positive" | "+" => Some(Polarity::Positive),
            "negative" | "-" => Some(Polarity::Negative),
            "neutral" | "0" => Some(Polarity::Neutral),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Negative => "negative",
            Polarity::Neutral => "neutral",
        }
    }
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Theme {
    pub name: String,
    /// The Markdown under the heading, before its first category or code.
    pub description: String,
    pub line: usize,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Category {
    pub name: String,
    pub description: String,
    pub theme: Option<usize>,
    pub line: usize,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Code {
    pub id: String,
    pub definition: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub examples: Vec<String>,
    /// A full-text query used by `autocode`.
    pub search: Option<String>,
    pub regex: Option<String>,
    pub polarity: Option<Polarity>,
    pub theme: Option<usize>,
    pub category: Option<usize>,
    /// Line in codebook.md where the code's item starts; 0 for an unsorted code.
    pub line: usize,
    /// Last line of the item, nested rules included.
    pub end_line: usize,
    /// Used in coding sheets but missing from the codebook.
    pub unsorted: bool,
}

/// Index of a code in [`Codebook::codes`].
pub type CodeIdx = usize;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(into = "Stored", from = "Stored")]
pub struct Codebook {
    pub themes: Vec<Theme>,
    pub categories: Vec<Category>,
    pub codes: Vec<Code>,
    index: HashMap<String, CodeIdx>,
}

/// A codebook as the cache keeps it: without its index, which is made again on reading (a
/// hash map's order would make the cache's bytes differ from run to run).
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    themes: Vec<Theme>,
    categories: Vec<Category>,
    codes: Vec<Code>,
}

impl From<Codebook> for Stored {
    fn from(b: Codebook) -> Stored {
        Stored {
            themes: b.themes,
            categories: b.categories,
            codes: b.codes,
        }
    }
}

impl From<Stored> for Codebook {
    fn from(s: Stored) -> Codebook {
        let index = s
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        Codebook {
            themes: s.themes,
            categories: s.categories,
            codes: s.codes,
            index,
        }
    }
}

/// The attributes a code's nested items may set.
const ATTRIBUTES: [&str; 6] = ["include", "exclude", "example", "search", "regex", "polarity"];

impl Codebook {
    /// Parses the Markdown of a codebook; problems go to `diags` under `file`.
    pub fn parse(markdown: &str, file: &str, diags: &mut Diagnostics) -> Codebook {
        let arena = comrak::Arena::new();
        let mut options = comrak::Options::default();
        options.extension.front_matter_delimiter = Some("---".into());
        let root = comrak::parse_document(&arena, markdown, &options);
        let lines: Vec<&str> = source_lines(markdown).map(|(line, _)| line).collect();
        let mut book = Codebook::default();
        let mut parser = Parser {
            book: &mut book,
            lines: &lines,
            file,
            diags,
            theme: None,
            category: None,
        };
        for node in root.children() {
            parser.block(node);
        }
        // A warning, not an error: codes may come before the codebook (they are listed as
        // unsorted), so a team can start coding with nothing written here yet; but an empty
        // file may also be a save gone wrong, and should not pass without a word.
        if markdown.trim().is_empty() {
            diags.warning(
                file,
                None,
                "empty: no themes, categories or codes (every code the coding sheets use is listed as unsorted)",
            );
        }
        book
    }

    pub fn code(&self, id: &str) -> Option<CodeIdx> {
        self.index.get(id).copied()
    }

    /// Adds a code that coding sheets use but the codebook lacks.
    pub fn add_unsorted(&mut self, id: &str) -> CodeIdx {
        if let Some(i) = self.code(id) {
            return i;
        }
        self.codes.push(Code {
            id: id.to_string(),
            unsorted: true,
            ..Code::default()
        });
        self.index.insert(id.to_string(), self.codes.len() - 1);
        self.codes.len() - 1
    }

    /// The codes that sit in the codebook (not unsorted).
    pub fn sorted_codes(&self) -> impl Iterator<Item = (CodeIdx, &Code)> {
        self.codes.iter().enumerate().filter(|(_, c)| !c.unsorted)
    }

    pub fn unsorted_codes(&self) -> impl Iterator<Item = (CodeIdx, &Code)> {
        self.codes.iter().enumerate().filter(|(_, c)| c.unsorted)
    }
}

struct Parser<'b, 'l, 'd> {
    book: &'b mut Codebook,
    lines: &'l [&'l str],
    file: &'d str,
    diags: &'d mut Diagnostics,
    theme: Option<usize>,
    category: Option<usize>,
}

impl Parser<'_, '_, '_> {
    fn block<'a>(&mut self, node: &'a AstNode<'a>) {
        let (value, start, end) = {
            let data = node.data();
            (data.value.clone(), data.sourcepos.start, data.sourcepos.end)
        };
        match value {
            NodeValue::FrontMatter(_) => {}
            NodeValue::Heading(h) if h.level == 1 => {
                self.book.themes.push(Theme {
                    name: inline_text(node),
                    description: String::new(),
                    line: start.line,
                });
                self.theme = Some(self.book.themes.len() - 1);
                self.category = None;
            }
            NodeValue::Heading(h) if h.level == 2 => {
                if self.theme.is_none() {
                    self.diags.warning(
                        self.file,
                        Some(start.line),
                        "category before any theme (level-1 heading)",
                    );
                }
                self.book.categories.push(Category {
                    name: inline_text(node),
                    description: String::new(),
                    theme: self.theme,
                    line: start.line,
                });
                self.category = Some(self.book.categories.len() - 1);
            }
            NodeValue::List(_) => {
                for item in node.children() {
                    self.item(item);
                }
            }
            _ => {
                let source = self.source(start.line, end.line);
                let description = match (self.category, self.theme) {
                    (Some(c), _) => &mut self.book.categories[c].description,
                    (None, Some(t)) => &mut self.book.themes[t].description,
                    (None, None) => return,
                };
                if !description.is_empty() {
                    description.push_str("\n\n");
                }
                description.push_str(source.trim());
            }
        }
    }

    fn item<'a>(&mut self, item: &'a AstNode<'a>) {
        let Some(para) = item
            .first_child()
            .filter(|c| matches!(c.data().value, NodeValue::Paragraph))
        else {
            return;
        };
        let line = para.data().sourcepos.start.line;
        let first_inline = para.first_child().map(|c| c.data().value.clone());
        let Some(NodeValue::Code(code)) = first_inline else {
            let source = self.paragraph_source(para);
            if source.starts_with('`') {
                // A code span is the only thing an item can open with a backtick: this one is
                // never closed (a line cut short, a backtick deleted).
                self.diags.error(
                    self.file,
                    Some(line),
                    format!(
                        "the backtick that opens `{}` is never closed, so the item is not read as a code (write it as - `code-id` — definition)",
                        crate::text::excerpt(
                            &source.trim_start_matches('`').chars().take(80).collect::<String>(),
                            40
                        )
                    ),
                );
                return;
            }
            let text = inline_text(para);
            let first = text.split_whitespace().next().unwrap_or("");
            let rest = text[first.len()..].trim_start();
            if is_code_id(first) && first.contains(['-', '_']) && rest.starts_with(['—', '–', '-', ':']) {
                self.diags.warning(
                    self.file,
                    Some(line),
                    format!("`{first}` looks like a code but is not in backticks, so it is not read as one"),
                );
            }
            return;
        };
        let id = code.literal.trim().to_string();
        if !is_code_id(&id) {
            self.diags.error(
                self.file,
                Some(line),
                format!("invalid code id `{id}`: use letters, digits, `-`, `_` and `/` only"),
            );
            return;
        }
        if let Some(&first) = self.book.index.get(&id) {
            self.diags.error(
                self.file,
                Some(line),
                format!(
                    "duplicate code id `{id}` (first on line {})",
                    self.book.codes[first].line
                ),
            );
            return;
        }
        let mut code = Code {
            definition: definition_after_code_span(&self.paragraph_source(para)),
            id: id.clone(),
            theme: self.theme,
            category: self.category,
            line,
            end_line: self.last_text_line(line, item.data().sourcepos.end.line),
            ..Code::default()
        };
        for sub in item
            .children()
            .filter(|c| matches!(c.data().value, NodeValue::List(_)))
        {
            for attr in sub.children() {
                if let Some(p) = attr.first_child() {
                    self.attribute(
                        &mut code,
                        &self.paragraph_source(p),
                        p.data().sourcepos.start.line,
                    );
                }
            }
        }
        if code.theme.is_none() {
            self.diags
                .warning(self.file, Some(line), format!("code `{id}` sits under no theme"));
        }
        self.book.index.insert(id, self.book.codes.len());
        self.book.codes.push(code);
    }

    fn attribute(&mut self, code: &mut Code, source: &str, line: usize) {
        let (key, value) = match source.split_once(':') {
            Some((k, v)) if ATTRIBUTES.contains(&k.trim().to_lowercase().as_str()) => {
                (k.trim().to_lowercase(), v.trim())
            }
            _ => {
                self.diags.warning(
                    self.file,
                    Some(line),
                    format!(
                        "nested item under `{}` is not one of {}: ignored",
                        code.id,
                        ATTRIBUTES
                            .iter()
                            .map(|a| format!("`{a}:`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                return;
            }
        };
        let value = value.to_string();
        match key.as_str() {
            "include" => code.include.push(value),
            "exclude" => code.exclude.push(value),
            "example" => code.examples.push(value),
            "search" | "regex" => {
                let slot = if key == "search" {
                    &mut code.search
                } else {
                    &mut code.regex
                };
                if slot.is_some() {
                    self.diags.error(
                        self.file,
                        Some(line),
                        format!("code `{}` has a second `{key}:` rule", code.id),
                    );
                } else if value.is_empty() {
                    self.diags.error(
                        self.file,
                        Some(line),
                        format!("empty `{key}:` rule for `{}`", code.id),
                    );
                } else if let Some(e) = (key == "regex")
                    .then(|| regex::Regex::new(&value).err())
                    .flatten()
                {
                    let reason = crate::text::regex_reason(&e);
                    self.diags.error(
                        self.file,
                        Some(line),
                        format!("invalid `regex:` for `{}`: {reason}", code.id),
                    );
                } else if let Some(e) = (key == "search")
                    .then(|| crate::search::query::parse(&value).err())
                    .flatten()
                {
                    self.diags.error(
                        self.file,
                        Some(line),
                        format!("invalid `search:` for `{}`: {e}", code.id),
                    );
                } else {
                    *slot = Some(value);
                }
            }
            _ => match Polarity::parse(&value) {
                Some(p) => code.polarity = Some(p),
                None => self.diags.error(
                    self.file,
                    Some(line),
                    format!(
                        "polarity `{value}` for `{}` is not positive, negative or neutral",
                        code.id
                    ),
                ),
            },
        }
    }

    /// The last line in `first..=last` (1-based) that is not blank.
    fn last_text_line(&self, first: usize, last: usize) -> usize {
        let mut end = last.min(self.lines.len());
        while end > first && self.lines[end - 1].trim().is_empty() {
            end -= 1;
        }
        end
    }

    /// The Markdown source of lines `start..=end` (1-based).
    fn source(&self, start: usize, end: usize) -> String {
        let end = end.min(self.lines.len());
        self.lines[start.saturating_sub(1)..end].join("\n")
    }

    /// A paragraph's source from its first column, lines joined by spaces.
    fn paragraph_source<'a>(&self, para: &'a AstNode<'a>) -> String {
        let pos = para.data().sourcepos;
        let first = self.lines.get(pos.start.line - 1).copied().unwrap_or("");
        let from = first.get(pos.start.column.saturating_sub(1)..).unwrap_or(first);
        let mut out = from.trim().to_string();
        for l in pos.start.line..pos.end.line.min(self.lines.len()) {
            out.push(' ');
            out.push_str(self.lines[l].trim());
        }
        out
    }
}

/// The lines of a codebook's text as comrak counts them: `\r\n`, a lone `\r` and `\n` each
/// end a line. Each line comes with its line end (empty for a last line without one), so
/// joining them gives the text back byte for byte. The one line table for parsing and for
/// changing the codebook, whatever its line ends.
pub fn source_lines(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = text;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match rest.find(['\r', '\n']) {
            Some(i) => {
                let end = if rest[i..].starts_with("\r\n") {
                    i + 2
                } else {
                    i + 1
                };
                let item = (&rest[..i], &rest[i..end]);
                rest = &rest[end..];
                Some(item)
            }
            None => {
                done = true;
                Some((rest, ""))
            }
        }
    })
}

/// The text after the leading `` `id` `` of a code's item, without the dash or colon.
fn definition_after_code_span(source: &str) -> String {
    let ticks = source.len() - source.trim_start_matches('`').len();
    let fence = &source[..ticks];
    let rest = &source[ticks..];
    let after = rest.find(fence).map(|i| &rest[i + ticks..]).unwrap_or("");
    after
        .trim_start()
        .trim_start_matches(['—', '–', '-', ':'])
        .trim()
        .to_string()
}

/// The plain text of a node's inlines.
fn inline_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = "# Quality of partnerships\nWhat the theme is about.\n\nMore *about* it.\n\n## Shared values\nWhat the category covers.\n\n- `shared-values` — staff and partners describe values\n  that fit each other.\n  - include: values, ethos\n  - exclude: practical agreements (use `formal-agreement`)\n  - search: \"shared values\" OR ethos\n  - polarity: positive\n- `co-production` — services designed with the people who use them.\n\n# Barriers\n\n- `funding` - money worries\n  - polarity: negative\n";

    fn parse(md: &str) -> (Codebook, Vec<String>) {
        let mut d = Diagnostics::default();
        let b = Codebook::parse(md, "codebook.md", &mut d);
        (b, d.sorted().iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn themes_categories_codes_and_rules() {
        let (b, problems) = parse(BOOK);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(b.themes.len(), 2);
        assert_eq!(
            b.themes[0].description,
            "What the theme is about.\n\nMore *about* it."
        );
        assert_eq!(b.categories[0].name, "Shared values");
        assert_eq!(b.categories[0].description, "What the category covers.");
        let sv = &b.codes[b.code("shared-values").unwrap()];
        assert_eq!(
            sv.definition,
            "staff and partners describe values that fit each other."
        );
        assert_eq!(sv.include, ["values, ethos"]);
        assert_eq!(sv.exclude, ["practical agreements (use `formal-agreement`)"]);
        assert_eq!(sv.search.as_deref(), Some("\"shared values\" OR ethos"));
        assert_eq!(sv.polarity, Some(Polarity::Positive));
        assert_eq!((sv.theme, sv.category, sv.line), (Some(0), Some(0), 9));
        let funding = &b.codes[b.code("funding").unwrap()];
        assert_eq!((funding.theme, funding.category), (Some(1), None));
        assert_eq!(funding.definition, "money worries");
        assert_eq!(funding.polarity, Some(Polarity::Negative));
    }

    #[test]
    fn duplicate_and_invalid_ids_and_bad_rules() {
        let (b, problems) = parse(
            "# T\n- `a` — one\n- `a` — again\n- `not valid` — x\n- `b` — y\n  - polarity: sideways\n  - colour: red\n- looks-like-code — but no backticks\n- `c` — z\n  - regex: (unclosed\n",
        );
        assert_eq!(b.codes.len(), 3);
        assert_eq!(
            problems,
            [
                "error: codebook.md:3: duplicate code id `a` (first on line 2)",
                "error: codebook.md:4: invalid code id `not valid`: use letters, digits, `-`, `_` and `/` only",
                "error: codebook.md:6: polarity `sideways` for `b` is not positive, negative or neutral",
                "warning: codebook.md:7: nested item under `b` is not one of `include:`, `exclude:`, `example:`, `search:`, `regex:`, `polarity:`: ignored",
                "warning: codebook.md:8: `looks-like-code` looks like a code but is not in backticks, so it is not read as one",
                "error: codebook.md:10: invalid `regex:` for `c`: unclosed group",
            ]
        );
    }

    #[test]
    fn a_code_cut_inside_its_backticks_is_an_error_on_its_line() {
        let (b, problems) = parse("# T\n- `a` — one\n- `trus");
        assert_eq!(b.codes.len(), 1);
        assert_eq!(
            problems,
            ["error: codebook.md:3: the backtick that opens `trus` is never closed, so the item is not read as a code (write it as - `code-id` — definition)"]
        );
        let (_, problems) = parse("# T\n- ``b — two\n");
        assert!(problems[0].starts_with("error: codebook.md:2: "), "{problems:?}");
    }

    #[test]
    fn an_empty_codebook_is_a_warning() {
        let (b, problems) = parse(" \n\n");
        assert!(b.codes.is_empty());
        assert_eq!(
            problems,
            ["warning: codebook.md: empty: no themes, categories or codes (every code the coding sheets use is listed as unsorted)"]
        );
        let (_, problems) = parse("# A theme to fill in\n");
        assert!(problems.is_empty(), "themes without codes yet: {problems:?}");
    }

    #[test]
    fn lone_cr_line_ends_count_as_comrak_counts_them() {
        let (b, problems) = parse(&BOOK.replace('\n', "\r"));
        assert!(problems.is_empty(), "{problems:?}");
        let sv = &b.codes[b.code("shared-values").unwrap()];
        assert_eq!((sv.line, sv.end_line), (9, 14));
        assert_eq!(
            b.themes[0].description,
            "What the theme is about.\n\nMore *about* it."
        );
        let lines: Vec<(&str, &str)> = source_lines("a\r\nb\rc\n\nd").collect();
        assert_eq!(
            lines,
            [("a", "\r\n"), ("b", "\r"), ("c", "\n"), ("", "\n"), ("d", "")]
        );
        assert_eq!(source_lines("x\n").count(), 2);
    }

    #[test]
    fn unsorted_codes_are_added_once() {
        let (mut b, _) = parse(BOOK);
        let n = b.codes.len();
        let i = b.add_unsorted("new-code");
        assert_eq!(b.add_unsorted("new-code"), i);
        assert_eq!(b.add_unsorted("funding"), b.code("funding").unwrap());
        assert_eq!(b.codes.len(), n + 1);
        assert_eq!(b.unsorted_codes().count(), 1);
    }
}
