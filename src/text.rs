//! Small text helpers shared by the loaders: CSV tables with line numbers, speaker-label keys,
//! and short excerpts for messages.

use crate::diagnostics::Diagnostics;

/// A CSV file read into memory: the header and each record with its 1-based line.
#[derive(Debug, Default)]
pub struct CsvTable {
    pub headers: Vec<String>,
    pub rows: Vec<CsvRow>,
}

#[derive(Debug)]
pub struct CsvRow {
    pub line: usize,
    pub fields: Vec<String>,
    /// Byte range of the record in the file, for rewriting one row in place.
    pub bytes: std::ops::Range<usize>,
}

/// A reader of CSV records as thematic reads them: no header row of the crate's, records of
/// any length (checked here).
fn csv_reader(delimiter: u8) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder.has_headers(false).flexible(true).delimiter(delimiter);
    builder
}

/// What reading records needs of the bytes besides the records: where lines end.
trait Marks {
    /// Whether byte `i` is `\r` or `\n`.
    fn is_line_end(&self, i: usize) -> bool;
    /// How many `\n` bytes are in `from..to`.
    fn newlines(&self, from: usize, to: usize) -> usize;
    /// How many bytes there are (read so far, for a reader).
    fn len(&self) -> usize;
}

/// The marks of text held whole.
struct TextMarks<'a>(&'a [u8]);

impl Marks for TextMarks<'_> {
    fn is_line_end(&self, i: usize) -> bool {
        self.0.get(i).is_some_and(|b| matches!(b, b'\r' | b'\n'))
    }

    fn newlines(&self, from: usize, to: usize) -> usize {
        memchr::memchr_iter(b'\n', &self.0[from..to]).count()
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// A reader that notes where each `\n` and `\r` it passes on is: the marks of text read a
/// piece at a time (8 bytes a line).
struct Marked<R> {
    inner: R,
    read: usize,
    newlines: Vec<usize>,
    returns: Vec<usize>,
}

impl<R> Marked<R> {
    fn new(inner: R) -> Marked<R> {
        Marked {
            inner,
            read: 0,
            newlines: Vec::new(),
            returns: Vec::new(),
        }
    }
}

impl<R: std::io::Read> std::io::Read for Marked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            let list = if buf[i] == b'\n' {
                &mut self.newlines
            } else {
                &mut self.returns
            };
            list.push(self.read + i);
        }
        self.read += n;
        Ok(n)
    }
}

impl<R> Marks for Marked<R> {
    fn is_line_end(&self, i: usize) -> bool {
        self.newlines.binary_search(&i).is_ok() || self.returns.binary_search(&i).is_ok()
    }

    fn newlines(&self, from: usize, to: usize) -> usize {
        self.newlines.partition_point(|&p| p < to) - self.newlines.partition_point(|&p| p < from)
    }

    fn len(&self) -> usize {
        self.read
    }
}

/// Reads the header and the records (see [`CsvTable::read_rows`]); `marks` gives the marks of
/// the reader's bytes.
#[allow(clippy::too_many_arguments)]
fn read_records<R: std::io::Read, H>(
    mut reader: csv::Reader<R>,
    marks: impl for<'r> Fn(&'r R) -> &'r dyn Marks,
    file: &str,
    required: &[&str],
    delimiter: u8,
    diags: &mut Diagnostics,
    header: impl FnOnce(&[String], &mut Diagnostics) -> H,
    mut each: impl FnMut(&H, CsvRow, &mut Diagnostics),
) -> Option<(Vec<String>, H)> {
    let mut record = csv::StringRecord::new();
    let headers: Vec<String> = match reader.read_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => {
            diags.error(
                file,
                Some(1),
                format!("the header row cannot be read: {}", csv_reason(&e)),
            );
            return None;
        }
        Ok(false) => {
            diags.error(file, None, "empty file: expected a header row");
            return None;
        }
    };
    let table = CsvTable::with_header(headers, file, required, diags)?;
    let made = header(&table.headers, diags);
    let mut pending: Option<(usize, Vec<String>, usize)> = None;
    // Lines are counted here from each record's start: the csv crate counts a record that
    // follows a CRLF as starting on the line before.
    let (mut counted_to, mut line) = (0, 1);
    let mut conflict: Option<usize> = None;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                diags.error(file, line, format!("this row cannot be read: {}", csv_reason(&e)));
                continue;
            }
        }
        let marks = marks(reader.get_ref());
        let pos = record
            .position()
            .expect("records read from a reader have positions");
        // The csv crate may place a record's start inside the previous CRLF.
        let mut start = pos.byte() as usize;
        while marks.is_line_end(start) {
            start += 1;
        }
        if let Some((line, fields, s)) = pending.take() {
            let row = CsvRow {
                line,
                fields,
                bytes: s..start,
            };
            each(&made, row, diags);
        }
        line += marks.newlines(counted_to, start);
        counted_to = start;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        // A merge conflict left in the file: one error at its first line; the rows inside
        // are not read until someone chooses.
        if let Some(marker) = conflict_marker(&record) {
            match marker {
                b'<' if conflict.is_none() => conflict = Some(line),
                b'>' => {
                    if let Some(from) = conflict.take() {
                        diags.error(file, Some(from), conflict_message(from, line));
                    }
                }
                _ => {}
            }
            continue;
        }
        if conflict.is_some() {
            continue;
        }
        if record.len() != table.headers.len() {
            diags.error(
                file,
                Some(line),
                field_count_message(record.len(), table.headers.len(), delimiter),
            );
            continue;
        }
        pending = Some((line, record.iter().map(str::to_string).collect(), start));
    }
    if let Some(from) = conflict {
        diags.error(file, Some(from), conflict_message(from, line));
    }
    if let Some((line, fields, s)) = pending {
        let row = CsvRow {
            line,
            fields,
            bytes: s..marks(reader.get_ref()).len(),
        };
        each(&made, row, diags);
    }
    Some((table.headers, made))
}

impl CsvTable {
    /// Reads comma-separated text. Malformed records are reported and skipped; `None` when the
    /// header is missing or lacks one of `required` (also reported).
    pub fn parse(text: &str, file: &str, required: &[&str], diags: &mut Diagnostics) -> Option<CsvTable> {
        CsvTable::parse_with(text, file, required, b',', diags)
    }

    /// [`CsvTable::parse`] with another delimiter (`;` or tab, as some spreadsheets save).
    pub fn parse_with(
        text: &str,
        file: &str,
        required: &[&str],
        delimiter: u8,
        diags: &mut Diagnostics,
    ) -> Option<CsvTable> {
        let mut rows = Vec::new();
        let (headers, ()) = CsvTable::read_rows(
            text,
            file,
            required,
            delimiter,
            diags,
            |_, _| (),
            |_, row, _| rows.push(row),
        )?;
        Some(CsvTable { headers, rows })
    }

    /// [`CsvTable::parse_with`] a record at a time, so a table of a million rows is never held
    /// whole: `header` makes what the rows are read with from the checked header, then `each`
    /// is given every well-formed record in order (with `diags`, for the problems it finds).
    /// Returns the header and what `header` made; `None` when the header is missing or lacks
    /// a `required` column (reported, and no record is read).
    pub fn read_rows<H>(
        text: &str,
        file: &str,
        required: &[&str],
        delimiter: u8,
        diags: &mut Diagnostics,
        header: impl FnOnce(&[String], &mut Diagnostics) -> H,
        each: impl FnMut(&H, CsvRow, &mut Diagnostics),
    ) -> Option<(Vec<String>, H)> {
        let marks = TextMarks(text.as_bytes());
        let reader = csv_reader(delimiter).from_reader(text.as_bytes());
        read_records(reader, |_| &marks, file, required, delimiter, diags, header, each)
    }

    /// [`CsvTable::read_rows`] of UTF-8 text read from `source` a piece at a time (a file too
    /// big to hold): the same rows, lines and problems as from the text whole. A row's `bytes`
    /// are its place in the source.
    pub fn read_rows_from<R: std::io::Read, H>(
        source: R,
        file: &str,
        required: &[&str],
        delimiter: u8,
        diags: &mut Diagnostics,
        header: impl FnOnce(&[String], &mut Diagnostics) -> H,
        each: impl FnMut(&H, CsvRow, &mut Diagnostics),
    ) -> Option<(Vec<String>, H)> {
        let reader = csv_reader(delimiter).from_reader(Marked::new(source));
        read_records(
            reader,
            |m: &Marked<R>| m as &dyn Marks,
            file,
            required,
            delimiter,
            diags,
            header,
            each,
        )
    }

    /// An empty table with a checked header (every `required` column, none twice), or `None`
    /// when a required column is missing (reported). For tables read from other formats too.
    pub fn with_header(
        headers: Vec<String>,
        file: &str,
        required: &[&str],
        diags: &mut Diagnostics,
    ) -> Option<CsvTable> {
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !headers.iter().any(|h| h == r))
            .collect();
        if !missing.is_empty() {
            diags.error(
                file,
                Some(1),
                format!(
                    "header lacks column{} {} (found: {})",
                    if missing.len() > 1 { "s" } else { "" },
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    headers.join(",")
                ),
            );
            return None;
        }
        for (i, h) in headers.iter().enumerate() {
            if headers[..i].contains(h) {
                diags.error(file, Some(1), format!("column `{h}` appears twice in the header"));
            }
        }
        Some(CsvTable {
            headers,
            rows: Vec::new(),
        })
    }

    /// Index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

/// `<`, `=` or `>` when a record is one of git's conflict lines (`<<<<<<< ours`, `=======`,
/// `>>>>>>> theirs`).
fn conflict_marker(record: &csv::StringRecord) -> Option<u8> {
    if record.len() != 1 {
        return None;
    }
    let f = record.get(0)?.as_bytes();
    let c = *f.first()?;
    let run = f.iter().take_while(|&&b| b == c).count();
    (matches!(c, b'<' | b'=' | b'>') && run == 7 && (f.len() == 7 || f[7] == b' ' || f[7] == b':'))
        .then_some(c)
}

fn conflict_message(from: usize, to: usize) -> String {
    format!(
        "merge conflict (lines {from}-{to}): the two sides changed this row differently; keep the row as it should be and delete the `<<<<<<<`, `=======` and `>>>>>>>` lines"
    )
}

/// What a row with the wrong number of fields means, in a spreadsheet user's words.
fn field_count_message(found: usize, expected: usize, delimiter: u8) -> String {
    let sep = match delimiter {
        b',' => "a comma".to_string(),
        b'\t' => "a tab".to_string(),
        d => format!("a `{}`", d as char),
    };
    let why = if found > expected {
        format!("a field with {sep} in it must be in double quotes")
    } else {
        "every column needs a field, even an empty one; a field with a line break in it must be in double quotes".to_string()
    };
    format!(
        "this row has {found} field{} but the header has {expected} ({why})",
        if found == 1 { "" } else { "s" }
    )
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "text is not UTF-8".to_string(),
        _ => {
            let s = e.to_string();
            // The csv crate prefixes positions we already print ourselves.
            match s.find("): ") {
                Some(i) if s.starts_with("CSV") => s[i + 3..].to_string(),
                _ => s,
            }
        }
    }
}

/// The key under which a speaker label or participant name is looked up: case and runs of
/// white space do not matter.
pub fn label_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A passage shortened for a message: at most `max` characters, with "…" where cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// The last line of a regex error (the reason), without its `error: ` prefix.
pub fn regex_reason(e: &regex::Error) -> String {
    e.to_string()
        .lines()
        .last()
        .unwrap_or("")
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

/// Whether `id` is a valid code id: letters, digits, `-`, `_`, `/`.
/// A yes/no cell as spreadsheets write it: `yes`, `y`, `true`, `1`, `x` or `no`, `n`, `false`,
/// `0`, empty meaning `default`. `None` for anything else.
pub fn yes_no_or(value: &str, default: bool) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "" => Some(default),
        "no" | "n" | "false" | "0" => Some(false),
        "yes" | "y" | "true" | "1" | "x" => Some(true),
        _ => None,
    }
}

/// [`yes_no_or`] where an empty cell means yes.
pub fn yes_no(value: &str) -> Option<bool> {
    yes_no_or(value, true)
}

pub fn is_code_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out its bytes a few at a time, as a file read in pieces does at their edges.
    struct Trickle<'a>(&'a [u8], usize);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 = self.1 % 3 + 1;
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    type Read = (
        Option<Vec<String>>,
        Vec<(usize, Vec<String>, std::ops::Range<usize>)>,
        Vec<String>,
    );

    fn rows_of(text: &str, from_reader: bool) -> Read {
        let mut diags = Diagnostics::default();
        let mut rows = Vec::new();
        let each = |_: &(), r: CsvRow, _: &mut Diagnostics| rows.push((r.line, r.fields, r.bytes));
        let header = |_: &[String], _: &mut Diagnostics| ();
        let headers = if from_reader {
            CsvTable::read_rows_from(
                Trickle(text.as_bytes(), 0),
                "f.csv",
                &["a"],
                b',',
                &mut diags,
                header,
                each,
            )
        } else {
            CsvTable::read_rows(text, "f.csv", &["a"], b',', &mut diags, header, each)
        };
        let problems = diags.sorted().iter().map(|p| p.to_string()).collect();
        (headers.map(|(h, _)| h), rows, problems)
    }

    #[test]
    fn rows_read_from_a_reader_are_those_read_from_the_text() {
        for text in [
            "a,b\n1,2\n3,4\n",
            "\u{feff}a,b\r\n1,2\r\n\r\n3,\"four\r\nlines\"\r\n5,6",
            "a,b\n1\n2,3,4\n,\n\"x\ny\nz\",w\n<<<<<<< ours\n7,8\n=======\n9,10\n>>>>>>> theirs\n11,12\n",
            "a,b\n<<<<<<< ours\n1,2\n",
            "a,b\r1,2\r3,4\r",
            "b\n1\n",
            "",
            "a\n\"unclosed\n",
        ] {
            assert_eq!(rows_of(text, true), rows_of(text, false), "{text:?}");
        }
        let (_, rows, _) = rows_of("a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n", true);
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 4]);
    }

    #[test]
    fn csv_rows_keep_lines_and_report_bad_records() {
        let text = "id,group\nA,staff\n\"B\nB\",partner\nC\nD,staff\n";
        let mut d = Diagnostics::default();
        let t = CsvTable::parse(text, "p.csv", &["id", "group"], &mut d).unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 6]);
        assert_eq!(t.rows[1].fields[0], "B\nB");
        let problems: Vec<String> = d.sorted().iter().map(|p| p.to_string()).collect();
        assert_eq!(
            problems,
            ["error: p.csv:5: this row has 1 field but the header has 2 (every column needs a field, even an empty one; a field with a line break in it must be in double quotes)"]
        );
        assert_eq!(&text[t.rows[0].bytes.clone()], "A,staff\n");
        assert_eq!(&text[t.rows[2].bytes.clone()], "D,staff\n");
    }

    #[test]
    fn csv_lines_are_right_after_crlf() {
        let text = "id,group\r\nA,staff\r\n\"B\r\nB\",partner\r\n\r\nC,x\r\n";
        let mut d = Diagnostics::default();
        let t = CsvTable::parse(text, "p.csv", &["id", "group"], &mut d).unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 6]);
        assert_eq!(&text[t.rows[1].bytes.clone()], "\"B\r\nB\",partner\r\n\r\n");
    }

    #[test]
    fn csv_missing_columns_are_named() {
        let mut d = Diagnostics::default();
        assert!(CsvTable::parse("id,grp\n", "p.csv", &["id", "group"], &mut d).is_none());
        assert_eq!(
            d.sorted()[0].to_string(),
            "error: p.csv:1: header lacks column `group` (found: id,grp)"
        );
        let mut d = Diagnostics::default();
        assert!(CsvTable::parse("", "p.csv", &["id"], &mut d).is_none());
        assert_eq!(d.errors(), 1);
    }

    #[test]
    fn code_ids_and_label_keys() {
        assert!(is_code_id("shared-values"));
        assert!(is_code_id("parent/child_2"));
        assert!(!is_code_id("shared values"));
        assert!(!is_code_id(""));
        assert_eq!(label_key("  Partner   7i "), "partner 7i");
        assert_eq!(excerpt("a  b\nc", 10), "a b c");
        assert_eq!(excerpt("abcdefghij", 5), "abcd…");
    }
}
