//! Three-way merge of the analysis folder's tables, for git's merge driver
//! (`thematic merge-sheet %O %A %B`): coding sheets by row identity (document, quote,
//! occurrence), `participants.csv` and `documents.csv` by `id`.
//!
//! A row is a record, not a line: rows added on both sides are both kept, a row removed on one
//! side and untouched on the other is removed, and a row that both sides changed is merged
//! field by field. Only a field changed differently on both sides (or a row changed on one side
//! and removed on the other, or added on both with different fields) is a conflict, written
//! between git's own `<<<<<<<`, `=======` and `>>>>>>>` lines, which `thematic check` reports
//! with their line. Rows the merge does not change keep their exact bytes; new and changed
//! rows are written with the delimiter and line end of "ours", the sheet being merged into.

use crate::coding::sheet::SheetText;
use crate::diagnostics::Diagnostics;
use crate::edit::write_record_with;
use crate::text::CsvTable;
use std::collections::HashMap;

/// The lines around a conflict, as git writes them (and as [`crate::text::CsvTable`] reports
/// them).
pub const MARK_OURS: &str = "<<<<<<< ours";
pub const MARK_SPLIT: &str = "=======";
pub const MARK_THEIRS: &str = ">>>>>>> theirs";

/// The result of a merge: the merged file and where its conflicts are.
#[derive(Debug)]
pub struct Merged {
    pub bytes: Vec<u8>,
    /// The lines of the `<<<<<<<` markers, with the row's identity.
    pub conflicts: Vec<(usize, String)>,
}

/// Why a merge by rows could not be done (the caller falls back to git's line merge).
#[derive(Debug)]
pub struct Unmergeable(pub String);

impl std::fmt::Display for Unmergeable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One side of the merge, read.
struct Side {
    text: SheetText,
    headers: Vec<String>,
    /// Each row: its identity, fields in `headers` order and the byte range of its text.
    rows: Vec<(Key, Vec<String>, std::ops::Range<usize>)>,
    /// Where the header ends (the first row starts).
    header_end: usize,
}

/// A row's identity: the key columns' values, and which of the rows with those values it is
/// (a coder may code one passage twice).
type Key = (Vec<String>, usize);

/// Merges `ours` and `theirs`, both changed from `base`. `file` names the table in messages.
pub fn merge(base: &[u8], ours: &[u8], theirs: &[u8], file: &str) -> Result<Merged, Unmergeable> {
    if ours == theirs || base == theirs {
        return Ok(Merged {
            bytes: ours.to_vec(),
            conflicts: Vec::new(),
        });
    }
    let ours_side = read(ours, file, "ours")?;
    let key_columns = key_columns(&ours_side.headers).ok_or_else(|| {
        Unmergeable(format!(
            "{file}: the header has neither `document` and `quote` nor `id`"
        ))
    })?;
    let ours_side = keyed(ours_side, &key_columns);
    let base_side = keyed(read(base, file, "base")?, &key_columns);
    let theirs_side = keyed(read(theirs, file, "theirs")?, &key_columns);
    if base == ours {
        // Only theirs changed: theirs as it is, unless it could not hold the key.
        if key_columns.iter().all(|k| theirs_side.headers.contains(k)) {
            return Ok(Merged {
                bytes: theirs.to_vec(),
                conflicts: Vec::new(),
            });
        }
    }
    Ok(Merger::new(&base_side, &ours_side, &theirs_side).run(file))
}

/// The columns that identify a row: (document, quote, occurrence) in a coding sheet, `id` in
/// `participants.csv`, `documents.csv` or any other table with one.
fn key_columns(headers: &[String]) -> Option<Vec<String>> {
    let has = |c: &str| headers.iter().any(|h| h == c);
    if has("document") && has("quote") {
        Some(vec!["document".into(), "quote".into(), "occurrence".into()])
    } else if has("id") {
        Some(vec!["id".into()])
    } else {
        None
    }
}

fn read(bytes: &[u8], file: &str, which: &str) -> Result<Side, Unmergeable> {
    let text =
        SheetText::decode(bytes.to_vec()).map_err(|e| Unmergeable(format!("{file} ({which}): {e}")))?;
    if text.text.trim().is_empty() {
        // A table added on both sides has an empty base.
        return Ok(Side {
            text,
            headers: Vec::new(),
            rows: Vec::new(),
            header_end: 0,
        });
    }
    let mut diags = Diagnostics::default();
    let table = CsvTable::parse_with(&text.text, file, &[], text.delimiter, &mut diags);
    let table = match table {
        Some(t) if diags.errors() == 0 => t,
        _ => {
            let first = diags.sorted().first().map(|p| p.to_string()).unwrap_or_default();
            return Err(Unmergeable(format!(
                "{file} ({which}) cannot be read as a table: {first}"
            )));
        }
    };
    let header_end = table.rows.first().map_or(text.text.len(), |r| r.bytes.start);
    Ok(Side {
        headers: table.headers,
        rows: table
            .rows
            .into_iter()
            .map(|r| ((Vec::new(), 0), r.fields, r.bytes))
            .collect(),
        header_end,
        text,
    })
}

/// Fills in each row's identity.
fn keyed(mut side: Side, key_columns: &[String]) -> Side {
    let cols: Vec<Option<usize>> = key_columns
        .iter()
        .map(|k| side.headers.iter().position(|h| h == k))
        .collect();
    let mut seen: HashMap<Vec<String>, usize> = HashMap::with_capacity(side.rows.len());
    for (key, fields, _) in &mut side.rows {
        let values: Vec<String> = cols
            .iter()
            .zip(key_columns)
            .map(|(c, name)| {
                let v = c.map_or("", |c| fields[c].trim());
                // A missing occurrence is the first.
                if name == "occurrence" && v.is_empty() {
                    "1".to_string()
                } else {
                    v.to_string()
                }
            })
            .collect();
        let n = seen.entry(values.clone()).or_insert(0);
        *key = (values, *n);
        *n += 1;
    }
    side
}

/// What becomes of one row.
enum Outcome<'a> {
    /// A side's row as it is.
    Ours(usize),
    Theirs(usize),
    /// Fields merged from both sides.
    Fields(Vec<String>),
    /// Both versions, between conflict markers (`None`: removed on that side).
    Conflict(Option<usize>, Option<usize>, &'a Key),
    Dropped,
}

struct Merger<'a> {
    base: &'a Side,
    ours: &'a Side,
    theirs: &'a Side,
    headers: Vec<String>,
    /// Each side's column for each merged column.
    map: [Vec<Option<usize>>; 3],
    index: [HashMap<&'a Key, usize>; 3],
    line_end: &'static str,
}

impl<'a> Merger<'a> {
    fn new(base: &'a Side, ours: &'a Side, theirs: &'a Side) -> Merger<'a> {
        let mut headers = ours.headers.clone();
        for h in &theirs.headers {
            if !headers.contains(h) {
                headers.push(h.clone());
            }
        }
        let map_of = |side: &Side| -> Vec<Option<usize>> {
            headers
                .iter()
                .map(|h| side.headers.iter().position(|s| s == h))
                .collect()
        };
        let index_of = |side: &'a Side| -> HashMap<&'a Key, usize> {
            side.rows
                .iter()
                .enumerate()
                .map(|(i, (k, _, _))| (k, i))
                .collect()
        };
        Merger {
            map: [map_of(base), map_of(ours), map_of(theirs)],
            index: [index_of(base), index_of(ours), index_of(theirs)],
            headers,
            base,
            ours,
            theirs,
            line_end: ours.text.line_end(),
        }
    }

    /// Row `i` of side `s` (0 base, 1 ours, 2 theirs) in the merged columns.
    fn fields(&self, s: usize, i: usize) -> Vec<&'a str> {
        let side = [self.base, self.ours, self.theirs][s];
        self.map[s]
            .iter()
            .map(|c| c.map_or("", |c| side.rows[i].1[c].as_str()))
            .collect()
    }

    fn decide(&self, key: &'a Key) -> Outcome<'a> {
        let b = self.index[0].get(key).copied();
        let o = self.index[1].get(key).copied();
        let t = self.index[2].get(key).copied();
        match (o, t) {
            (Some(o), Some(t)) => {
                let (of, tf) = (self.fields(1, o), self.fields(2, t));
                if of == tf {
                    return Outcome::Ours(o);
                }
                let Some(b) = b else {
                    return Outcome::Conflict(Some(o), Some(t), key);
                };
                let bf = self.fields(0, b);
                if of == bf {
                    return Outcome::Theirs(t);
                }
                if tf == bf {
                    return Outcome::Ours(o);
                }
                let mut merged = Vec::with_capacity(of.len());
                for ((bv, ov), tv) in bf.iter().zip(&of).zip(&tf) {
                    merged.push(if ov == tv || tv == bv {
                        ov.to_string()
                    } else if ov == bv {
                        tv.to_string()
                    } else {
                        return Outcome::Conflict(Some(o), Some(t), key);
                    });
                }
                Outcome::Fields(merged)
            }
            (Some(o), None) => match b {
                None => Outcome::Ours(o),
                Some(b) if self.fields(1, o) == self.fields(0, b) => Outcome::Dropped,
                Some(_) => Outcome::Conflict(Some(o), None, key),
            },
            (None, Some(t)) => match b {
                None => Outcome::Theirs(t),
                Some(b) if self.fields(2, t) == self.fields(0, b) => Outcome::Dropped,
                Some(_) => Outcome::Conflict(None, Some(t), key),
            },
            (None, None) => Outcome::Dropped,
        }
    }

    fn run(&self, file: &str) -> Merged {
        // Rows only theirs has go after the row theirs has before them that ours has too.
        let mut after: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
        let mut anchor: Option<usize> = None;
        for (ti, (key, _, _)) in self.theirs.rows.iter().enumerate() {
            match self.index[1].get(key) {
                Some(&o) => anchor = Some(o),
                None => after.entry(anchor).or_default().push(ti),
            }
        }
        let mut out = Writer {
            text: String::with_capacity(self.ours.text.text.len() + self.theirs.text.text.len() / 8),
            line: 1,
            conflicts: Vec::new(),
        };
        out.push(&self.header());
        // Theirs' new rows wait for the next row both sides have, so that rows ours added at
        // the same place come first.
        let mut pending: Vec<usize> = after.remove(&None).unwrap_or_default();
        for (oi, (key, _, _)) in self.ours.rows.iter().enumerate() {
            if self.index[2].contains_key(key) {
                for ti in pending.drain(..) {
                    self.emit(&mut out, self.decide(&self.theirs.rows[ti].0));
                }
            }
            self.emit(&mut out, self.decide(key));
            pending.extend(after.remove(&Some(oi)).unwrap_or_default());
        }
        for ti in pending {
            self.emit(&mut out, self.decide(&self.theirs.rows[ti].0));
        }
        if !self.ours.text.text.ends_with('\n') && !self.ours.text.text.is_empty() {
            let trimmed = out.text.trim_end_matches(['\r', '\n']).len();
            out.text.truncate(trimmed);
        }
        let bytes = self
            .ours
            .text
            .encode(&out.text, file)
            .unwrap_or_else(|_| out.text.clone().into_bytes());
        Merged {
            bytes,
            conflicts: out.conflicts,
        }
    }

    fn header(&self) -> String {
        let ours = &self.ours.text.text;
        if self.headers == self.ours.headers && !self.ours.headers.is_empty() {
            let raw = &ours[..self.ours.header_end];
            format!("{}{}", raw.trim_end_matches(['\r', '\n']), self.line_end)
        } else {
            write_record_with(&self.headers, self.line_end, self.ours.text.delimiter)
        }
    }

    /// Row `i` of side `s` as text with the merged file's line end: its own bytes when its
    /// table has the merged columns, delimiter and line end; else written anew.
    fn row_text(&self, s: usize, i: usize) -> String {
        let side = [self.base, self.ours, self.theirs][s];
        let same = side.headers == self.headers
            && side.text.delimiter == self.ours.text.delimiter
            && side.text.line_end() == self.line_end;
        if same {
            let raw = &side.text.text[side.rows[i].2.clone()];
            format!("{}{}", raw.trim_end_matches(['\r', '\n']), self.line_end)
        } else {
            let fields: Vec<String> = self.fields(s, i).into_iter().map(str::to_string).collect();
            self.record(&fields)
        }
    }

    fn record(&self, fields: &[String]) -> String {
        write_record_with(fields, self.line_end, self.ours.text.delimiter)
    }

    fn emit(&self, out: &mut Writer, outcome: Outcome) {
        match outcome {
            Outcome::Ours(i) => {
                out.push(&self.row_text(1, i));
            }
            Outcome::Theirs(i) => {
                out.push(&self.row_text(2, i));
            }
            Outcome::Fields(f) => {
                out.push(&self.record(&f));
            }
            Outcome::Dropped => {}
            Outcome::Conflict(o, t, key) => {
                let identity = key
                    .0
                    .iter()
                    .filter(|v| !v.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                out.conflicts.push((out.line, identity));
                let nl = self.line_end;
                match o {
                    Some(o) => out.push(&format!("{MARK_OURS}{nl}")).push(&self.row_text(1, o)),
                    None => out.push(&format!("{MARK_OURS}: removed{nl}")),
                };
                out.push(&format!("{MARK_SPLIT}{nl}"));
                if let Some(t) = t {
                    out.push(&self.row_text(2, t));
                }
                out.push(&format!(
                    "{MARK_THEIRS}{}{nl}",
                    if t.is_none() { ": removed" } else { "" }
                ));
            }
        }
    }
}

struct Writer {
    text: String,
    line: usize,
    conflicts: Vec<(usize, String)>,
}

impl Writer {
    fn push(&mut self, s: &str) -> &mut Writer {
        self.line += memchr::memchr_iter(b'\n', s.as_bytes()).count();
        self.text.push_str(s);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(base: &str, ours: &str, theirs: &str) -> (String, usize) {
        let r = merge(base.as_bytes(), ours.as_bytes(), theirs.as_bytes(), "s.csv").unwrap();
        (String::from_utf8(r.bytes).unwrap(), r.conflicts.len())
    }

    #[test]
    fn rows_added_on_both_sides_are_kept_in_place() {
        let base = "document,quote,codes\nA,one,x\nA,two,y\n";
        let ours = "document,quote,codes\nA,one,x\nA,ours,z\nA,two,y\n";
        let theirs = "document,quote,codes\nA,one,x\nA,two,y\nA,theirs,w\n";
        assert_eq!(
            m(base, ours, theirs),
            (
                "document,quote,codes\nA,one,x\nA,ours,z\nA,two,y\nA,theirs,w\n".into(),
                0
            )
        );
        let ours = "document,quote,codes\nA,one,x\nA,two,y\nA,ours,z\n";
        assert_eq!(
            m(base, ours, theirs),
            (
                "document,quote,codes\nA,one,x\nA,two,y\nA,ours,z\nA,theirs,w\n".into(),
                0
            )
        );
    }

    #[test]
    fn different_fields_changed_on_both_sides_merge() {
        let base = "id,group,label\nP1,staff,Staff 1\n";
        let ours = "id,group,label\nP1,partner,Staff 1\n";
        let theirs = "id,group,label\nP1,staff,Partner 1\n";
        assert_eq!(
            m(base, ours, theirs),
            ("id,group,label\nP1,partner,Partner 1\n".into(), 0)
        );
    }

    #[test]
    fn removed_against_changed_is_a_conflict() {
        let base = "id,group\nP1,staff\nP2,staff\n";
        let ours = "id,group\nP2,staff\n";
        let theirs = "id,group\nP1,partner\nP2,staff\n";
        let (text, n) = m(base, ours, theirs);
        assert_eq!(n, 1);
        assert_eq!(
            text,
            "id,group\n<<<<<<< ours: removed\n=======\nP1,partner\n>>>>>>> theirs\nP2,staff\n"
        );
    }
}
