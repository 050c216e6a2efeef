//! What an import did, for the user: counts in, counts out, and everything that could not be
//! imported with the reason, grouped so a long list stays readable.

use std::fmt::Write;

#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// The file imported and the tool that wrote it.
    pub file: String,
    pub origin: String,
    /// How the tool counts positions.
    pub unit: String,
    pub sources_total: usize,
    pub sources: usize,
    pub codes_total: usize,
    pub themes: usize,
    pub categories: usize,
    pub codes: usize,
    pub codings_total: usize,
    pub codings: usize,
    pub codings_merged: usize,
    pub rows: usize,
    pub sheets: Vec<String>,
    pub users: usize,
    pub cases: usize,
    pub participants: usize,
    pub participants_from_cases: bool,
    pub memos: usize,
    /// Row memos kept in coding sheets.
    pub row_memos: usize,
    /// (reason, how many, examples): what was not imported.
    pub not_imported: Vec<(String, usize, Vec<String>)>,
    /// Things worth knowing that are not losses.
    pub notes: Vec<String>,
}

impl Summary {
    /// Records something not imported; items with the same reason are listed together.
    pub fn skip(&mut self, reason: impl Into<String>, item: impl Into<String>) {
        self.skip_some(reason, item, 1);
    }

    /// Records `n` things not imported under one example, such as `3 in `Mabel.txt``, so the
    /// count says how many codings were lost, not in how many sources.
    pub fn skip_some(&mut self, reason: impl Into<String>, item: impl Into<String>, n: usize) {
        let reason = reason.into();
        let item = item.into();
        match self.not_imported.iter_mut().find(|(r, _, _)| *r == reason) {
            Some((_, count, items)) => {
                *count += n;
                items.push(item);
            }
            None => self.not_imported.push((reason, n, vec![item])),
        }
    }

    /// Records `n` things not imported that have no names to list.
    pub fn skip_many(&mut self, reason: impl Into<String>, n: usize) {
        let reason = reason.into();
        for _ in 0..n {
            self.skip(reason.clone(), "");
        }
    }

    /// The summary of a project import, one fact per line.
    pub fn render_project(&self, into: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "imported {} ({}; positions in {}) into {into}",
            self.file,
            if self.origin.is_empty() {
                "origin not given"
            } else {
                &self.origin
            },
            self.unit
        );
        let _ = writeln!(
            s,
            "  sources:  {} of {} -> transcripts/",
            self.sources, self.sources_total
        );
        self.codes_line(&mut s);
        let _ = writeln!(
            s,
            "  codings:  {} of {} -> {} row{} in {}{}",
            self.codings,
            self.codings_total,
            self.rows,
            plural(self.rows),
            if self.sheets.is_empty() {
                "no coding sheet".to_string()
            } else {
                self.sheets.join(", ")
            },
            if self.codings_merged > 0 {
                format!(
                    " ({} duplicate coding{} merged)",
                    self.codings_merged,
                    plural(self.codings_merged)
                )
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            s,
            "  users:    {} -> {} coder{} with codings",
            self.users,
            self.sheets.len(),
            plural(self.sheets.len())
        );
        let _ = writeln!(
            s,
            "  cases:    {} -> {} participant{} in participants.csv{}",
            self.cases,
            self.participants,
            plural(self.participants),
            if self.participants_from_cases {
                ""
            } else {
                " (one per source, group `source`)"
            }
        );
        let _ = writeln!(
            s,
            "  memos:    {} in memos/, {} in coding sheets",
            self.memos, self.row_memos
        );
        for n in &self.notes {
            let _ = writeln!(s, "note: {n}");
        }
        self.not_imported_lines(&mut s);
        s
    }

    /// The summary of a codebook import.
    pub fn render_codebook(&self, into: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "imported {} ({}) into {into}",
            self.file,
            if self.origin.is_empty() {
                "origin not given"
            } else {
                &self.origin
            }
        );
        self.codes_line(&mut s);
        self.not_imported_lines(&mut s);
        s
    }

    fn codes_line(&self, s: &mut String) {
        let _ = writeln!(
            s,
            "  codes:    {} of {} -> codebook.md: {} theme{}, {} categor{}, {} code{}",
            self.codes_total,
            self.codes_total,
            self.themes,
            plural(self.themes),
            self.categories,
            if self.categories == 1 { "y" } else { "ies" },
            self.codes,
            plural(self.codes)
        );
    }

    fn not_imported_lines(&self, s: &mut String) {
        if self.not_imported.is_empty() {
            return;
        }
        let _ = writeln!(s, "not imported:");
        for (reason, count, items) in &self.not_imported {
            let named: Vec<&str> = items
                .iter()
                .map(String::as_str)
                .filter(|i| !i.is_empty())
                .collect();
            if named.is_empty() {
                let _ = writeln!(s, "  - {count} × {reason}");
                continue;
            }
            let shown = &named[..named.len().min(5)];
            let more = if named.len() > shown.len() {
                format!(", and {} more", named.len() - shown.len())
            } else {
                String::new()
            };
            let _ = writeln!(s, "  - {count} × {reason}: {}{more}", shown.join(", "));
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
