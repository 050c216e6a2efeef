//! Problems found while loading an analysis folder, each tied to a file and line.
//!
//! Loading never stops at the first problem: every loader records what it finds here and goes
//! on with what it can, so `thematic check` lists everything at once.

use std::fmt;

/// How bad a problem is. Errors make `check` exit 1; warnings only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem: `error: coding/jw.csv:14: quote not found in LRs04: "..."`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub severity: Severity,
    /// Path relative to the project folder, with `/` separators.
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.line {
            Some(line) => write!(f, "{severity}: {}:{line}: {}", self.file, self.message),
            None => write!(f, "{severity}: {}: {}", self.file, self.message),
        }
    }
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The problems collected while loading.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Diagnostics {
    problems: Vec<Problem>,
}

impl Diagnostics {
    pub fn error(&mut self, file: &str, line: Option<usize>, message: impl Into<String>) {
        self.push(Severity::Error, file, line, message.into());
    }

    pub fn warning(&mut self, file: &str, line: Option<usize>, message: impl Into<String>) {
        self.push(Severity::Warning, file, line, message.into());
    }

    fn push(&mut self, severity: Severity, file: &str, line: Option<usize>, message: String) {
        self.problems.push(Problem {
            severity,
            file: file.to_string(),
            line,
            message,
        });
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.problems.extend(other.problems);
    }

    /// Problems in a stable order: by file, then line, then message.
    pub fn sorted(&self) -> Vec<&Problem> {
        let mut all: Vec<&Problem> = self.problems.iter().collect();
        all.sort_by(|a, b| {
            (&a.file, a.line, a.severity, &a.message).cmp(&(&b.file, b.line, b.severity, &b.message))
        });
        all
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.problems.iter().filter(|p| p.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// The first `at_most` errors in order, one a line, and how many more there are.
    pub fn first_errors(&self, at_most: usize) -> String {
        let errors: Vec<&Problem> = self.sorted().into_iter().filter(|p| p.is_error()).collect();
        let mut out: Vec<String> = errors.iter().take(at_most).map(|p| p.to_string()).collect();
        if errors.len() > at_most {
            out.push(format!("... and {} more", errors.len() - at_most));
        }
        out.join("\n")
    }
}

/// `1 error`, `2 errors`.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The closest of `candidates` to `word`, if it is close enough to be a useful suggestion.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The bytes of `path`, or `None` with a `cannot read` error under `file`.
pub fn read_bytes(path: &std::path::Path, file: &str, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| diags.error(file, None, format!("cannot read: {e}")))
        .ok()
}

/// Whether CSV text is a workbook (a zip file) instead; if so, says so under `file`.
pub fn workbook_not_csv(bytes: &[u8], file: &str, diags: &mut Diagnostics) -> bool {
    let zip = bytes.starts_with(b"PK\x03\x04");
    if zip {
        diags.error(
            file,
            None,
            "is a workbook (a zip file), not CSV text: name it .xlsx, or save it as CSV UTF-8",
        );
    }
    zip
}

/// ` (did you mean `x`?)` or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match nearest(word, candidates) {
        Some(c) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_print_file_line_and_message() {
        let mut d = Diagnostics::default();
        d.error("coding/jw.csv", Some(14), "quote not found");
        d.warning("codebook.md", None, "unsorted code `x`");
        let lines: Vec<String> = d.sorted().iter().map(|p| p.to_string()).collect();
        assert_eq!(
            lines,
            [
                "warning: codebook.md: unsorted code `x`",
                "error: coding/jw.csv:14: quote not found"
            ]
        );
        assert_eq!((d.errors(), d.warnings()), (1, 1));
    }

    #[test]
    fn nearest_suggests_only_close_words() {
        let keys = ["quotes_per_subtheme", "attribution", "out"];
        assert_eq!(nearest("quotes_per_subtheem", keys), Some("quotes_per_subtheme"));
        assert_eq!(nearest("zzz", keys), None);
    }
}
