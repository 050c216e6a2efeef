//! Block quotes the analyst types by hand in a report template (`> words (Partner 7i)`): each
//! must be verbatim in a turn of the person it is attributed to (or, for a document nobody
//! speaks in, in such a document attributed so). Matching is the coding sheets' own: white
//! space runs, typographic and straight quotes and dashes are equal, ` … ` joins a start and
//! an end; a leading "… " or trailing " …" marks a cut, and the words may be typed redacted.

use super::template::Problem;
use crate::coding::anchor::{is_nfc, Pattern};
use crate::project::Project;

/// A block quote typed in a template: the line it starts on, its words and its attribution
/// (with the brackets, as the report prints it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed {
    pub line: usize,
    pub words: String,
    pub attribution: String,
}

/// The block quotes with an attribution in a template's source. Lines with template code in
/// them (`{{`, `{%`) are the functions' output, not typed.
pub fn typed(source: &str) -> Vec<Typed> {
    let mut out = Vec::new();
    let mut block: Option<(usize, Vec<String>)> = None;
    let mut finish = |block: &mut Option<(usize, Vec<String>)>| {
        if let Some((line, parts)) = block.take() {
            let text = unescape(parts.join(" ").trim());
            if let Some(open) = text.rfind(" (").filter(|_| text.ends_with(')')) {
                out.push(Typed {
                    line,
                    words: text[..open].trim().to_string(),
                    attribution: text[open + 1..].to_string(),
                });
            }
        }
    };
    for (i, line) in source.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent <= 3 && trimmed.starts_with('>') && !line.contains("{{") && !line.contains("{%") {
            let rest = trimmed[1..].strip_prefix(' ').unwrap_or(&trimmed[1..]);
            match &mut block {
                Some((_, parts)) => parts.push(rest.trim().to_string()),
                None => block = Some((i + 1, vec![rest.trim().to_string()])),
            }
        } else {
            finish(&mut block);
        }
    }
    finish(&mut block);
    out
}

/// Undoes Markdown's backslash escapes (`\*` is `*`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The words as quoted: without enclosing quotation marks or emphasis, and without the "…"
/// that marks a cut at either end.
fn words_quoted(words: &str) -> &str {
    let mut w = words.trim();
    for (open, close) in [
        ("\"", "\""),
        ("“", "”"),
        ("'", "'"),
        ("‘", "’"),
        ("*", "*"),
        ("_", "_"),
    ] {
        if w.len() > open.len() + close.len() && w.starts_with(open) && w.ends_with(close) {
            w = w[open.len()..w.len() - close.len()].trim();
        }
    }
    for cut in ["…", "..."] {
        w = w.strip_prefix(cut).map_or(w, str::trim_start);
        w = w.strip_suffix(cut).map_or(w, str::trim_end);
    }
    w
}

/// Every typed quote that is not verbatim from the person (or document) it is attributed to.
pub fn check(project: &Project, source: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for t in typed(source) {
        if let Some(message) = check_one(project, &t) {
            problems.push(Problem {
                line: Some(t.line),
                message,
            });
        }
    }
    problems
}

fn check_one(project: &Project, t: &Typed) -> Option<String> {
    let words = words_quoted(&t.words);
    let pattern = match Pattern::new(words) {
        Ok(p) => p,
        Err(e) => return Some(format!("the quote attributed {}: {e}", t.attribution)),
    };
    let redact = |s: &str| project.redactions.apply(s);
    let matches = |text: &str| {
        !pattern.find_in(text, is_nfc(text)).is_empty()
            || !pattern.find_in(&project.redact_quote(text), false).is_empty()
    };
    let mut attributed = false;
    for (d, doc) in project.documents.iter().enumerate() {
        let value = |a: &str| project.document_attributes.get(d, a).unwrap_or("").to_string();
        let people = doc.participants();
        if people.is_empty() {
            let as_document = project.document_attribution.render(&doc.id, &value);
            if as_document == t.attribution || redact(&as_document) == t.attribution {
                attributed = true;
                if matches(&doc.text) {
                    return None;
                }
            }
            continue;
        }
        for p in people {
            let who = project.participants.get(p);
            let rendered = project.attribute(p, d);
            let plain = format!("({})", who.label);
            if ![rendered.clone(), redact(&rendered), plain.clone(), redact(&plain)].contains(&t.attribution)
            {
                continue;
            }
            attributed = true;
            let said = doc
                .turns
                .iter()
                .filter(|turn| turn.participant() == Some(p))
                .any(|turn| matches(&doc.text[turn.bytes.range()]));
            if said {
                return None;
            }
        }
    }
    let shown = crate::text::excerpt(words, 80);
    Some(if attributed {
        format!(
            "the quote \"{shown}\" is not verbatim in any turn of {}: copy it from the transcript (`thematic search` finds it), or mark a gap with ` … `",
            t.attribution
        )
    } else {
        format!(
            "the quote \"{shown}\" is attributed to {}, which is no participant's attribution nor a document's ([report] attribution is `{}`)",
            t.attribution, project.config.report.attribution
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_quotes_are_found_with_their_lines_and_attributions() {
        let source = "# Findings\n\nPartners said:\n\n> \"We \\*share\\* values\n> with them.\" (Partner 7i)\n\n{{ quotes(\"Trust\") }}\n> Not attributed.\n";
        let found = typed(source);
        assert_eq!(
            found,
            vec![Typed {
                line: 5,
                words: "\"We *share* values with them.\"".into(),
                attribution: "(Partner 7i)".into(),
            }]
        );
        assert_eq!(words_quoted(&found[0].words), "We *share* values with them.");
        assert_eq!(words_quoted("… and then it worked …"), "and then it worked");
    }
}
