//! Coding sheets (`coding/<coder>.csv` or `.xlsx`) and the coded segments they resolve to.
//!
//! Each row names a document, an exact quote and one or more codes. Loading reads the sheet
//! in whatever form a spreadsheet saved it (see [`sheet`]), anchors the quote in the
//! document's text (see [`anchor`]) and records the coded segment: document, character range,
//! the turns and speakers it falls in, codes, coder and memo. One coder's two rows on the same
//! passage are a warning.

pub mod anchor;
pub mod sheet;

use crate::codebook::{CodeIdx, Codebook};
use crate::corpus::{Document, Span};
use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::participants::ParticipantIdx;
use crate::text::{excerpt, is_code_id};
use anchor::{Normalized, Pattern};
use rayon::prelude::*;
pub use sheet::{parse_sheet, read_sheets, SheetFiles, SheetFormat};
use smallvec::SmallVec;
use std::ops::Range;

/// The columns a coding sheet must have, and those it may have.
pub const REQUIRED: [&str; 3] = ["document", "quote", "codes"];
pub const OPTIONAL: [&str; 6] = ["memo", "occurrence", "exemplar", "quotable", "polarity", RULE];

/// The column `autocode` writes: the rule that suggested the row. A sheet with it holds
/// suggestions, not a coder's coding.
pub const RULE: &str = "rule";

/// One row of a coding sheet, read but not yet anchored.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
    /// `polarity` (`+`, `-`, `0`): this passage's lean, whatever its codes' polarity.
    pub polarity: Option<crate::codebook::Polarity>,
}

/// A coder's sheet.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Sheet {
    /// The file stem.
    pub coder: String,
    /// Path relative to the project folder.
    pub path: String,
    /// How the file is stored, so that a rewrite keeps it so.
    pub format: SheetFormat,
    /// Written by `autocode` (it has a `rule` column): suggestions, not part of the findings
    /// or of agreement unless named.
    pub suggestions: bool,
}

/// Index of a coder in [`crate::project::Project::coders`].
pub type CoderIdx = usize;

/// A passage coded by one coder with one or more codes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CodedSegment {
    pub document: u32,
    pub bytes: Span,
    /// Unicode scalar values of the document's text.
    pub chars: Span,
    /// Indices of the turns the segment overlaps.
    pub turns: Span,
    /// The participants who speak in those turns (the interviewer counts for no one).
    pub participants: SmallVec<[ParticipantIdx; 2]>,
    pub codes: SmallVec<[CodeIdx; 2]>,
    /// The segment's [`CoderIdx`] (in 32 bits, as `document` and `line`: a million passages
    /// take less room).
    pub coder: u32,
    /// The row's memo and quote, where it has either (most rows of a big sheet have neither:
    /// a million passages take 8 bytes each for them, not 32). See [`CodedSegment::memo`] and
    /// [`CodedSegment::quote`].
    pub notes: Option<Box<Notes>>,
    pub exemplar: bool,
    /// `quotable = no` on the row: counted, never quoted.
    pub quotable: bool,
    /// The row's `polarity`, which overrides its codes' polarity for this passage.
    pub polarity: Option<crate::codebook::Polarity>,
    /// The row's line in its sheet.
    pub line: u32,
    /// The row's `occurrence`.
    pub occurrence: Option<u32>,
}

/// What a coded passage's row says beside its codes, kept apart (see [`CodedSegment::notes`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Notes {
    pub memo: Box<str>,
    /// The row's quote where it is not the text it anchors to, as written (an empty quote:
    /// the whole answer); `None` where it is that text. See
    /// [`crate::project::Project::quote_of`].
    pub quote: Option<Box<str>>,
}

impl Notes {
    /// Notes for a row's memo and quote; `None` when it has neither.
    pub fn of(memo: &str, quote: Option<Box<str>>) -> Option<Box<Notes>> {
        (!memo.is_empty() || quote.is_some()).then(|| {
            Box::new(Notes {
                memo: memo.into(),
                quote,
            })
        })
    }
}

impl CodedSegment {
    /// The row's memo (empty when it has none).
    pub fn memo(&self) -> &str {
        self.notes.as_ref().map_or("", |n| &n.memo)
    }

    /// The row's quote where it is not the text it anchors to (see [`Notes::quote`]).
    pub fn quote(&self) -> Option<&str> {
        self.notes.as_ref().and_then(|n| n.quote.as_deref())
    }
}

/// The sheet `thematic suggest` writes (`coding/suggested.csv`). Like `autocode`'s, it has a
/// `rule` column, so it is checked but counts for nothing until the analyst accepts its rows.
pub const SUGGESTED_SHEET: &str = "suggested";

/// `a; b;c` → `[a, b, c]`.
pub fn split_codes(field: &str) -> Vec<String> {
    field
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Anchors the rows of every sheet as they are read (see [`SheetFiles::parse_each`]), a
/// batch at a time, in parallel by document: a sheet of a million rows is never held whole,
/// only its segments. Codes missing from the codebook are added to it as unsorted.
pub struct Anchoring<'a> {
    documents: &'a [Document],
    unreadable: &'a [String],
    /// Each sheet's path, by its index.
    files: Vec<String>,
    /// Rows read and not yet anchored: document, sheet, row, checked codes.
    pending: Vec<(usize, CoderIdx, SheetRow, SmallVec<[CodeIdx; 2]>)>,
    segments: Vec<CodedSegment>,
}

/// Rows anchored together: enough to keep both cores busy, few enough to hold.
const BATCH: usize = 1 << 16;

impl<'a> Anchoring<'a> {
    /// `rows`: about how many rows there are (room is made for their segments at once).
    pub fn new(documents: &'a [Document], unreadable: &'a [String], rows: usize) -> Anchoring<'a> {
        Anchoring {
            documents,
            unreadable,
            files: Vec::new(),
            pending: Vec::new(),
            segments: Vec::with_capacity(rows),
        }
    }

    /// Takes in one row of sheet `sheet` (its path `file`).
    pub fn row(
        &mut self,
        sheet: usize,
        file: &str,
        row: SheetRow,
        codebook: &mut Codebook,
        diags: &mut Diagnostics,
    ) {
        if self.files.len() <= sheet {
            self.files.resize(sheet + 1, String::new());
            self.files[sheet] = file.to_string();
        }
        let Some(doc) = crate::corpus::position(self.documents, &row.document) else {
            let why = if self.unreadable.contains(&row.document) {
                " (its transcript could not be read)".to_string()
            } else {
                did_you_mean(&row.document, self.documents.iter().map(|d| d.id.as_str()))
            };
            diags.error(
                file,
                Some(row.line),
                format!("unknown document `{}`{why}", row.document),
            );
            return;
        };
        let mut codes = SmallVec::with_capacity(row.codes.len());
        for id in &row.codes {
            if !is_code_id(id) {
                diags.error(
                    file,
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
                        file,
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
            self.pending.push((doc, sheet, row, codes));
            if self.pending.len() >= BATCH {
                self.anchor_pending(diags);
            }
        }
    }

    fn anchor_pending(&mut self, diags: &mut Diagnostics) {
        let mut pending = std::mem::take(&mut self.pending);
        // By document, each document's rows in the order read.
        pending.sort_by_key(|p| p.0);
        let (documents, files) = (self.documents, &self.files);
        // Each thread reads the texts through its own reader, in order: the texts anchored
        // against are not kept (a million answers would stay in memory).
        let results: Vec<(Vec<CodedSegment>, Diagnostics)> = pending
            .par_chunk_by(|a, b| a.0 == b.0)
            .map_init(crate::corpus::text::Reader::default, |reader, rows| {
                let doc = &documents[rows[0].0];
                anchor_document(rows[0].0, doc, doc.text.read(reader), rows, files)
            })
            .collect();
        for (s, d) in results {
            self.segments.extend(s);
            diags.extend(d);
        }
    }

    /// The segments, sorted by document, position and coder.
    pub fn finish(mut self, diags: &mut Diagnostics) -> Vec<CodedSegment> {
        self.anchor_pending(diags);
        let mut segments = self.segments;
        // (document, range, coder, line) is unique: a row is one segment.
        segments.par_sort_unstable_by(|a, b| {
            (a.document, a.chars.start(), a.chars.end(), a.coder, a.line).cmp(&(
                b.document,
                b.chars.start(),
                b.chars.end(),
                b.coder,
                b.line,
            ))
        });
        segments.shrink_to_fit();
        passages_coded_twice(&segments, &self.files, diags);
        segments
    }
}

/// Warns where one coder's sheet has two rows for the same passage (segments sorted by
/// document, range, coder and line): each row after the first names the first.
fn passages_coded_twice(segments: &[CodedSegment], files: &[String], diags: &mut Diagnostics) {
    let same = |a: &CodedSegment, b: &CodedSegment| {
        (a.document, &a.bytes, a.coder) == (b.document, &b.bytes, b.coder)
    };
    for run in segments.chunk_by(|a, b| same(a, b)).filter(|r| r.len() > 1) {
        let first = &run[0];
        for seg in &run[1..] {
            let mut mine = seg.codes.clone();
            let mut theirs = first.codes.clone();
            mine.sort_unstable();
            theirs.sort_unstable();
            let message = if mine == theirs {
                format!("same passage and codes as line {}: a duplicate row", first.line)
            } else {
                format!(
                    "same passage as line {}: one row with all the passage's codes says it once",
                    first.line
                )
            };
            diags.warning(&files[seg.coder as usize], Some(seg.line as usize), message);
        }
    }
}

fn anchor_document(
    doc_idx: usize,
    doc: &Document,
    text: &str,
    rows: &[(usize, CoderIdx, SheetRow, SmallVec<[CodeIdx; 2]>)],
    files: &[String],
) -> (Vec<CodedSegment>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut out = Vec::with_capacity(rows.len());
    let nfc = anchor::is_nfc(text);
    for (_, coder, row, codes) in rows {
        match locate_in(doc, text, nfc, &row.quote, row.occurrence) {
            Ok(bytes) => out.push(segment(doc_idx, doc, text, bytes, codes.clone(), *coder, row)),
            Err(message) => diags.error(&files[*coder], Some(row.line), message),
        }
    }
    (out, diags)
}

/// Finds a quote in a document: the byte range it covers, or a message saying why not.
pub fn locate(doc: &Document, quote: &str, occurrence: Option<usize>) -> Result<Range<usize>, String> {
    locate_in(doc, &doc.text, anchor::is_nfc(&doc.text), quote, occurrence)
}

/// [`locate`] where whether the document's text is in NFC is known already.
fn locate_in(
    doc: &Document,
    text: &str,
    text_is_nfc: bool,
    quote: &str,
    occurrence: Option<usize>,
) -> Result<Range<usize>, String> {
    // A sheet written for spreadsheets keeps a quote that starts like a formula (`-Yes`) as
    // text with a `'` in front: the quote is what follows it.
    let quote = crate::output::without_formula_guard(quote).unwrap_or(quote);
    if quote.trim().is_empty() {
        return whole_answer(doc, occurrence);
    }
    let pattern = Pattern::new(quote)?;
    let found = pattern.find_in(text, text_is_nfc);
    let pick = match (occurrence, found.len()) {
        (_, 0) => return Err(not_found(doc, text, &pattern, quote)),
        (None, 1) => 0,
        (None, n) => {
            return Err(format!(
                "quote occurs {n} times in {}: {}; add an `occurrence` column (1 to {n}) to pick one",
                doc.id,
                places(doc, text, &found)
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

/// An empty quote: the whole of a survey answer (its words), and for any other document an
/// error saying what to write.
fn whole_answer(doc: &Document, occurrence: Option<usize>) -> Result<Range<usize>, String> {
    if doc.format != crate::corpus::Format::Survey {
        return Err(format!(
            "empty quote: only a survey answer is coded whole, and {} is a transcript; put the passage in the quote",
            doc.id
        ));
    }
    if occurrence.is_some_and(|k| k != 1) {
        return Err(format!(
            "an empty quote codes the whole answer {}: it has no other occurrence",
            doc.id
        ));
    }
    doc.turns
        .first()
        .map(|t| t.bytes.range())
        .ok_or_else(|| format!("the answer {} is empty", doc.id))
}

fn not_found(doc: &Document, text: &str, pattern: &Pattern, quote: &str) -> String {
    // The rare path: normalize the whole text to find what comes closest.
    let normalized = Normalized::new(text);
    let mut message = format!("quote not found in {}: \"{}\"", doc.id, excerpt(quote, 80));
    match anchor::closest(pattern, &normalized.text) {
        Some(r) => {
            let bytes = normalized.original(text, r);
            message.push_str(&format!(" (closest: \"{}\")", excerpt(&text[bytes], 80)));
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
fn places(doc: &Document, text: &str, found: &[Range<usize>]) -> String {
    found
        .iter()
        .take(10)
        .map(|bytes| {
            let turns = doc.turns_overlapping(bytes);
            match doc.turns.get(turns.start) {
                Some(t) if !t.label.is_empty() => format!("line {} ({})", t.line, t.label),
                Some(t) => format!("line {}", t.line),
                None => format!("line {}", crate::config::line_of(text, bytes.start)),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
        + if found.len() > 10 { ", …" } else { "" }
}

fn segment(
    document: usize,
    doc: &Document,
    text: &str,
    bytes: Range<usize>,
    codes: SmallVec<[CodeIdx; 2]>,
    coder: CoderIdx,
    row: &SheetRow,
) -> CodedSegment {
    let turns = doc.turns_overlapping(&bytes);
    let quote = (row.quote != text[bytes.clone()]).then(|| row.quote.as_str().into());
    let mut participants: SmallVec<[ParticipantIdx; 2]> = doc.turns[turns.clone()]
        .iter()
        .filter_map(|t| t.participant())
        .collect();
    participants.sort_unstable();
    participants.dedup();
    let start = doc.char_at_in(text, bytes.start);
    let end = start + text[bytes.clone()].chars().count();
    CodedSegment {
        document: crate::corpus::to_u32(document),
        chars: (start..end).into(),
        bytes: bytes.into(),
        turns: turns.into(),
        participants,
        codes,
        coder: crate::corpus::to_u32(coder),
        notes: Notes::of(&row.memo, quote),
        exemplar: row.exemplar,
        quotable: row.quotable,
        polarity: row.polarity,
        line: crate::corpus::to_u32(row.line),
        occurrence: row.occurrence.and_then(|n| u32::try_from(n).ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> (Vec<SheetRow>, Vec<String>) {
        let mut d = Diagnostics::default();
        let (_, rows) = parse_sheet(text, "coding/jw.csv", "jw".into(), &mut d);
        (rows, d.sorted().iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn rows_with_optional_columns() {
        let (s, problems) = sheet("document,quote,codes,memo,occurrence,exemplar\nLRs04,We look,shared-values; trust ;,note,2,yes\n");
        assert!(problems.is_empty(), "{problems:?}");
        let r = &s[0];
        assert_eq!(r.codes, ["shared-values", "trust"]);
        assert_eq!(
            (r.occurrence, r.exemplar, r.memo.as_str()),
            (Some(2), true, "note")
        );
    }

    #[test]
    fn bad_rows_are_reported() {
        let (s, problems) = sheet("document,quote,codes,colour\n,q,a,\nD,,a,\nD,q,,\nD,q,a,red\n");
        // An empty quote may code a survey answer whole: it is checked when anchored.
        assert_eq!(s.len(), 2);
        assert_eq!(
            problems,
            [
                "warning: coding/jw.csv:1: unknown column `colour` is ignored",
                "error: coding/jw.csv:2: no document",
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
