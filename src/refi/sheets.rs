//! Coding sheets on import: one per user, one row per coded passage (NVivo's duplicate
//! selections merged), codes in codebook order, memos from the passage's description and
//! notes.

use super::memos::Passage;
use super::names::{file_safe, Unique};
use super::qde::Qde;
use super::quotes::{quote_for, sheet_csv, trim, Row};
use super::sources::{Doc, Span};
use super::summary::Summary;
use super::tree::Plan;
use crate::coding::anchor::Normalized;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What the sheets are made from.
pub struct Inputs<'a> {
    pub q: &'a Qde,
    pub docs: &'a [Doc],
    /// Each document's id and text as thematic will read it (front matter included).
    pub texts: &'a [(String, String)],
    pub plan: &'a Plan,
    /// Note GUID → (name, text).
    pub notes: &'a HashMap<String, (String, String)>,
    /// Selection or source GUID → notes linked to it.
    pub links: &'a HashMap<String, Vec<String>>,
}

/// The sheets, the memos of passages nobody coded, and the notes used up as row memos.
#[derive(Debug, Default)]
pub struct Sheets {
    /// (coder, CSV bytes), sorted by coder.
    pub files: Vec<(String, Vec<u8>)>,
    pub passages: Vec<Passage>,
    pub consumed: HashSet<String>,
}

/// A row before it is written: (coder, document, start, end) in the document's text.
type Key = (String, usize, usize, usize);

#[derive(Debug, Default)]
struct Pending {
    codes: Vec<String>,
    memos: Vec<String>,
}

pub fn coding_sheets(input: &Inputs, summary: &mut Summary) -> Sheets {
    let coders = Coders::new(input.q);
    let mut out = Sheets::default();
    let mut rows: BTreeMap<Key, Pending> = BTreeMap::new();
    for (d, doc) in input.docs.iter().enumerate() {
        let offset = input.texts[d].1.len() - doc.text.len();
        for span in &doc.spans {
            let trimmed = trim(&doc.text, span.range.clone());
            if trimmed.is_empty() {
                for _ in &span.codings {
                    summary.skip("codings of empty or blank selections", format!("`{}`", doc.name));
                }
                continue;
            }
            let span_memos = memos_of(input, span);
            for coding in &span.codings {
                let Some(id) = input.plan.ids.get(&coding.code) else {
                    summary.skip(
                        "codings that refer to a code not in the codebook",
                        format!("`{}` in `{}`", coding.code, doc.name),
                    );
                    continue;
                };
                let coder = coders.name(coding.user.as_deref().or(span.user.as_deref()));
                let row = rows
                    .entry((coder, d, trimmed.start + offset, trimmed.end + offset))
                    .or_default();
                if row.codes.contains(id) {
                    summary.codings_merged += 1;
                } else {
                    row.codes.push(id.clone());
                    summary.codings += 1;
                }
                let coding_memos = coding.note_refs.iter().filter_map(|n| note(input, n));
                for (guid, text) in span_memos.iter().cloned().chain(coding_memos) {
                    out.consumed.insert(guid);
                    if !row.memos.contains(&text) {
                        row.memos.push(text);
                    }
                }
            }
            if span.codings.is_empty() && !span_memos.is_empty() {
                let mut texts: Vec<String> = Vec::new();
                for (guid, text) in span_memos {
                    out.consumed.insert(guid);
                    if !texts.contains(&text) {
                        texts.push(text);
                    }
                }
                out.passages.push(Passage {
                    document: input.texts[d].0.clone(),
                    excerpt: crate::text::excerpt(&doc.text[trimmed], 60),
                    texts,
                });
            }
        }
    }
    out.files = write_rows(input, rows, summary);
    out
}

/// A note's text, if it has one: (GUID, text).
fn note(input: &Inputs, guid: &str) -> Option<(String, String)> {
    input
        .notes
        .get(guid)
        .filter(|(_, t)| !t.is_empty())
        .map(|(_, t)| (guid.to_string(), t.clone()))
}

/// A selection's memos: its description (GUID "") and the notes it refers or is linked to.
fn memos_of(input: &Inputs, span: &Span) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !span.description.is_empty() {
        out.push((String::new(), span.description.clone()));
    }
    let linked = input.links.get(&span.guid).into_iter().flatten();
    out.extend(span.note_refs.iter().chain(linked).filter_map(|n| note(input, n)));
    out
}

/// Each row's quote and occurrence, then one CSV per coder.
fn write_rows(input: &Inputs, rows: BTreeMap<Key, Pending>, summary: &mut Summary) -> Vec<(String, Vec<u8>)> {
    let mut sheets: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut normalized: HashMap<usize, Normalized> = HashMap::new();
    for ((coder, d, start, end), mut row) in rows {
        row.codes
            .sort_by_key(|c| input.plan.order.get(c).copied().unwrap_or(usize::MAX));
        let (doc_id, text) = &input.texts[d];
        let norm = normalized.entry(d).or_insert_with(|| Normalized::new(text));
        match quote_for(text, norm, start..end) {
            Ok((quote, occurrence)) => {
                summary.rows += 1;
                if !row.memos.is_empty() {
                    summary.row_memos += 1;
                }
                sheets.entry(coder).or_default().push(Row {
                    document: doc_id.clone(),
                    quote,
                    codes: row.codes,
                    memo: row.memos.join("\n\n"),
                    occurrence,
                });
            }
            Err(why) => {
                summary.codings -= row.codes.len();
                summary.skip(
                    format!("selections that {why}"),
                    format!("`{doc_id}` {start}..{end}"),
                );
            }
        }
    }
    sheets
        .into_iter()
        .map(|(coder, mut rows)| {
            // Rows are in document order of the project; sheets list documents by id.
            rows.sort_by(|a, b| a.document.cmp(&b.document));
            (coder, sheet_csv(&rows))
        })
        .collect()
}

/// Coder names for users: the user's name made file-safe, unique, in the project's order.
struct Coders {
    names: HashMap<String, String>,
    only: Option<String>,
}

impl Coders {
    fn new(q: &Qde) -> Coders {
        let mut unique = Unique::files();
        let mut names = HashMap::new();
        for u in &q.users {
            let name = unique.take(&file_safe(&u.name, true, "coder"));
            names.entry(u.guid.clone()).or_insert(name);
        }
        let only = match q.users.as_slice() {
            [one] => names.get(&one.guid).cloned(),
            _ => None,
        };
        Coders { names, only }
    }

    /// A user's coder name: unknown users by their GUID, codings without a user by the
    /// project's only user, else `coder`.
    fn name(&self, user: Option<&str>) -> String {
        match user {
            Some(g) => match self.names.get(g) {
                Some(n) => n.clone(),
                None => format!(
                    "user-{}",
                    g.chars()
                        .filter(char::is_ascii_alphanumeric)
                        .take(8)
                        .collect::<String>()
                ),
            },
            None => self.only.clone().unwrap_or_else(|| "coder".to_string()),
        }
    }
}
