//! Coding sheets (`coding/<coder>.csv`) and the coded segments they resolve to.
//!
//! Each row names a document, an exact quote and one or more codes. Loading anchors the quote
//! in the document's text (see [`anchor`]) and records the coded segment: document, character
//! range, the turns and speakers it falls in, codes, coder and memo.

pub mod anchor;

use crate::codebook::{CodeIdx, Codebook};
use crate::corpus::{rel, Document};
use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::participants::ParticipantIdx;
use crate::text::{excerpt, is_code_id, CsvTable};
use anchor::{Normalized, Pattern};
use rayon::prelude::*;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// The columns a coding sheet must have, and those it may have.
pub const REQUIRED: [&str; 3] = ["document", "quote", "codes"];
pub const OPTIONAL: [&str; 4] = ["memo", "occurrence", "exemplar", "quotable"];

/// One row of a coding sheet, read but not yet anchored.
#[derive(Debug, Clone)]
pub struct SheetRow {
    pub line: usize,
    pub document: String,
    pub quote: String,
    pub codes: Vec<String>,
    pub memo: String,
    pub occurrence: Option<usize>,
    pub exemplar: bool,
    /// `quotable = no`: the passage counts but is never quoted.
    pub quotable: bool,
}

/// A coder's sheet.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The file stem.
    pub coder: String,
    /// Path relative to the project folder.
    pub path: String,
    pub rows: Vec<SheetRow>,
}

/// Index of a coder in [`crate::project::Project::coders`].
pub type CoderIdx = usize;

/// A passage coded by one coder with one or more codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodedSegment {
    pub document: usize,
    pub bytes: Range<usize>,
    /// Unicode scalar values of the document's text.
    pub chars: Range<usize>,
    /// Indices of the turns the segment overlaps.
    pub turns: Range<usize>,
    /// The participants who speak in those turns (the interviewer counts for no one).
    pub participants: Vec<ParticipantIdx>,
    pub codes: Vec<CodeIdx>,
    pub coder: CoderIdx,
    pub memo: String,
    pub exemplar: bool,
    /// `quotable = no` on the row: counted, never quoted.
    pub quotable: bool,
    /// The row's line in its sheet.
    pub line: usize,
}

/// Reads every `*.csv` in the sheets folder, sorted by coder.
pub fn read_sheets(root: &Path, dir: &str, diags: &mut Diagnostics) -> Vec<Sheet> {
    let folder = root.join(dir);
    if !folder.is_dir() {
        diags.error(dir, None, "coding folder not found");
        return Vec::new();
    }
    let mut paths: Vec<_> = match std::fs::read_dir(&folder) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
            .collect(),
        Err(e) => {
            diags.error(dir, None, format!("cannot read folder: {e}"));
            return Vec::new();
        }
    };
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let file = rel(root, &path);
            let coder = path.file_stem()?.to_string_lossy().into_owned();
            let text = match std::fs::read(&path).map(String::from_utf8) {
                Ok(Ok(t)) => t,
                Ok(Err(_)) => {
                    diags.error(&file, None, "not UTF-8: save the sheet as UTF-8 CSV");
                    return None;
                }
                Err(e) => {
                    diags.error(&file, None, format!("cannot read: {e}"));
                    return None;
                }
            };
            Some(parse_sheet(&text, &file, coder, diags))
        })
        .collect()
}

/// Parses one sheet's text.
pub fn parse_sheet(text: &str, file: &str, coder: String, diags: &mut Diagnostics) -> Sheet {
    let mut sheet = Sheet {
        coder,
        path: file.to_string(),
        rows: Vec::new(),
    };
    let Some(table) = CsvTable::parse(text, file, &REQUIRED, diags) else {
        return sheet;
    };
    for h in &table.headers {
        if !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()) {
            let known = REQUIRED.iter().chain(OPTIONAL.iter()).copied();
            diags.warning(
                file,
                Some(1),
                format!("unknown column `{h}` is ignored{}", did_you_mean(h, known)),
            );
        }
    }
    let col = |name: &str| table.column(name);
    let (doc_col, quote_col, codes_col) = (
        col("document").unwrap_or(0),
        col("quote").unwrap_or(1),
        col("codes").unwrap_or(2),
    );
    let (memo_col, occ_col, ex_col) = (col("memo"), col("occurrence"), col("exemplar"));
    let quotable_col = col("quotable");
    for row in &table.rows {
        let get = |c: Option<usize>| c.map(|c| row.fields[c].trim()).unwrap_or("");
        let document = get(Some(doc_col)).to_string();
        let quote = row.fields[quote_col].clone();
        let codes: Vec<String> = split_codes(get(Some(codes_col)));
        if document.is_empty() {
            diags.error(file, Some(row.line), "no document");
            continue;
        }
        if quote.trim().is_empty() {
            diags.error(file, Some(row.line), "empty quote");
            continue;
        }
        if codes.is_empty() {
            diags.error(file, Some(row.line), "no codes");
            continue;
        }
        let occurrence = match get(occ_col) {
            "" => None,
            s => match s.parse::<usize>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    diags.error(
                        file,
                        Some(row.line),
                        format!("occurrence `{s}` is not a whole number from 1"),
                    );
                    continue;
                }
            },
        };
        let exemplar = match crate::text::yes_no_or(get(ex_col), false) {
            Some(b) => b,
            None => {
                diags.warning(
                    file,
                    Some(row.line),
                    format!("exemplar `{}` is not yes or no: read as no", get(ex_col)),
                );
                false
            }
        };
        let quotable = match crate::text::yes_no(get(quotable_col)) {
            Some(b) => b,
            None => {
                // Fail closed: a passage whose consent is unclear is not quoted.
                diags.error(
                    file,
                    Some(row.line),
                    format!(
                        "quotable `{}` is not yes or no (empty means yes)",
                        get(quotable_col)
                    ),
                );
                false
            }
        };
        sheet.rows.push(SheetRow {
            line: row.line,
            document,
            quote,
            codes,
            memo: get(memo_col).to_string(),
            occurrence,
            exemplar,
            quotable,
        });
    }
    sheet
}

/// `a; b;c` → `[a, b, c]`.
pub fn split_codes(field: &str) -> Vec<String> {
    field
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Anchors every row of every sheet, in parallel by document. Codes missing from the codebook
/// are added to it as unsorted. Returns the segments sorted by document, position and coder.
pub fn anchor_sheets(
    sheets: &[Sheet],
    documents: &[Document],
    unreadable: &[String],
    codebook: &mut Codebook,
    diags: &mut Diagnostics,
) -> Vec<CodedSegment> {
    let doc_index: HashMap<&str, usize> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    // Rows with checked codes, grouped by document.
    let mut by_doc: Vec<Vec<(CoderIdx, &SheetRow, Vec<CodeIdx>)>> = vec![Vec::new(); documents.len()];
    for (coder, sheet) in sheets.iter().enumerate() {
        for row in &sheet.rows {
            let Some(&doc) = doc_index.get(row.document.as_str()) else {
                let why = if unreadable.contains(&row.document) {
                    " (its transcript could not be read)".to_string()
                } else {
                    did_you_mean(&row.document, documents.iter().map(|d| d.id.as_str()))
                };
                diags.error(
                    &sheet.path,
                    Some(row.line),
                    format!("unknown document `{}`{why}", row.document),
                );
                continue;
            };
            let mut codes = Vec::with_capacity(row.codes.len());
            for id in &row.codes {
                if !is_code_id(id) {
                    diags.error(
                        &sheet.path,
                        Some(row.line),
                        format!("invalid code id `{id}`: use letters, digits, `-`, `_` and `/` only"),
                    );
                    continue;
                }
                let idx = match codebook.code(id) {
                    Some(i) => i,
                    None => {
                        let sorted = codebook.sorted_codes().map(|(_, c)| c.id.as_str());
                        let hint = did_you_mean(id, sorted);
                        diags.warning(
                            &sheet.path,
                            Some(row.line),
                            format!("code `{id}` is not in the codebook: listed as unsorted{hint}"),
                        );
                        codebook.add_unsorted(id)
                    }
                };
                if !codes.contains(&idx) {
                    codes.push(idx);
                }
            }
            if !codes.is_empty() {
                by_doc[doc].push((coder, row, codes));
            }
        }
    }
    let results: Vec<(Vec<CodedSegment>, Diagnostics)> = by_doc
        .par_iter()
        .enumerate()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(doc, rows)| anchor_document(doc, &documents[doc], rows, sheets))
        .collect();
    let mut segments = Vec::new();
    for (s, d) in results {
        segments.extend(s);
        diags.extend(d);
    }
    segments.sort_by(|a, b| {
        (a.document, a.chars.start, a.chars.end, a.coder, a.line).cmp(&(
            b.document,
            b.chars.start,
            b.chars.end,
            b.coder,
            b.line,
        ))
    });
    segments
}

fn anchor_document(
    doc_idx: usize,
    doc: &Document,
    rows: &[(CoderIdx, &SheetRow, Vec<CodeIdx>)],
    sheets: &[Sheet],
) -> (Vec<CodedSegment>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut out = Vec::with_capacity(rows.len());
    for (coder, row, codes) in rows {
        let file = &sheets[*coder].path;
        match locate(doc, &row.quote, row.occurrence) {
            Ok(bytes) => out.push(segment(doc_idx, doc, bytes, codes.clone(), *coder, row)),
            Err(message) => diags.error(file, Some(row.line), message),
        }
    }
    (out, diags)
}

/// Finds a quote in a document: the byte range it covers, or a message saying why not.
pub fn locate(doc: &Document, quote: &str, occurrence: Option<usize>) -> Result<Range<usize>, String> {
    let pattern = Pattern::new(quote)?;
    let found = pattern.find_in(&doc.text);
    let pick = match (occurrence, found.len()) {
        (_, 0) => return Err(not_found(doc, &pattern, quote)),
        (None, 1) => 0,
        (None, n) => {
            return Err(format!(
                "quote occurs {n} times in {}: {}; add an `occurrence` column (1 to {n}) to pick one",
                doc.id,
                places(doc, &found)
            ))
        }
        (Some(k), n) if k > n => {
            return Err(format!(
                "occurrence {k} is out of range: the quote occurs {n} time{} in {}",
                if n == 1 { "" } else { "s" },
                doc.id
            ))
        }
        (Some(k), _) => k - 1,
    };
    Ok(found[pick].clone())
}

fn not_found(doc: &Document, pattern: &Pattern, quote: &str) -> String {
    // The rare path: normalize the whole text to find what comes closest.
    let normalized = Normalized::new(&doc.text);
    let mut message = format!("quote not found in {}: \"{}\"", doc.id, excerpt(quote, 80));
    match anchor::closest(pattern, &normalized.text) {
        Some(r) => {
            let bytes = normalized.original(&doc.text, r);
            message.push_str(&format!(" (closest: \"{}\")", excerpt(&doc.text[bytes], 80)));
        }
        None => message.push_str(" (nothing close)"),
    }
    let lower = Pattern::new(&quote.to_lowercase());
    if lower.is_ok_and(|p| !p.find_all(&normalized.text.to_lowercase()).is_empty()) {
        message.push_str("; it matches if letter case is ignored");
    }
    message
}

/// `line 12 (Partner 7i), line 40 (R)`: where each match lies.
fn places(doc: &Document, found: &[Range<usize>]) -> String {
    found
        .iter()
        .take(10)
        .map(|bytes| {
            let turns = doc.turns_overlapping(bytes);
            match doc.turns.get(turns.start) {
                Some(t) if !t.label.is_empty() => format!("line {} ({})", t.line, t.label),
                Some(t) => format!("line {}", t.line),
                None => format!("line {}", crate::config::line_of(&doc.text, bytes.start)),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
        + if found.len() > 10 { ", …" } else { "" }
}

fn segment(
    document: usize,
    doc: &Document,
    bytes: Range<usize>,
    codes: Vec<CodeIdx>,
    coder: CoderIdx,
    row: &SheetRow,
) -> CodedSegment {
    let turns = doc.turns_overlapping(&bytes);
    let mut participants: Vec<ParticipantIdx> = doc.turns[turns.clone()]
        .iter()
        .filter_map(|t| t.participant())
        .collect();
    participants.sort_unstable();
    participants.dedup();
    let start = doc.char_at(bytes.start);
    let end = start + doc.text[bytes.clone()].chars().count();
    CodedSegment {
        document,
        chars: start..end,
        bytes,
        turns,
        participants,
        codes,
        coder,
        memo: row.memo.clone(),
        exemplar: row.exemplar,
        quotable: row.quotable,
        line: row.line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> (Sheet, Vec<String>) {
        let mut d = Diagnostics::default();
        let s = parse_sheet(text, "coding/jw.csv", "jw".into(), &mut d);
        (s, d.sorted().iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn rows_with_optional_columns() {
        let (s, problems) = sheet("document,quote,codes,memo,occurrence,exemplar\nLRs04,We look,shared-values; trust ;,note,2,yes\n");
        assert!(problems.is_empty(), "{problems:?}");
        let r = &s.rows[0];
        assert_eq!(r.codes, ["shared-values", "trust"]);
        assert_eq!(
            (r.occurrence, r.exemplar, r.memo.as_str()),
            (Some(2), true, "note")
        );
    }

    #[test]
    fn bad_rows_are_reported() {
        let (s, problems) = sheet("document,quote,codes,colour\n,q,a,\nD,,a,\nD,q,,\nD,q,a,red\n");
        assert_eq!(s.rows.len(), 1);
        assert_eq!(
            problems,
            [
                "warning: coding/jw.csv:1: unknown column `colour` is ignored",
                "error: coding/jw.csv:2: no document",
                "error: coding/jw.csv:3: empty quote",
                "error: coding/jw.csv:4: no codes",
            ]
        );
        let (_, problems) = sheet("document,quote,codes,occurrence\nD,q,a,0\n");
        assert_eq!(
            problems,
            ["error: coding/jw.csv:2: occurrence `0` is not a whole number from 1"]
        );
    }
}
