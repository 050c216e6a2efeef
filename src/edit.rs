//! Changing coding sheets and the codebook: `codebook rename` and `codebook merge` change a
//! code everywhere, `code` appends a row to a sheet.
//!
//! Every change is planned in memory first (the new text of each file), checked, and only
//! then written, all files staged before any is renamed into place. Rows the change does not
//! touch keep their exact bytes, and a sheet keeps its encoding, delimiter and line ends; an
//! `.xlsx` sheet is never rewritten.

use crate::codebook::Codebook;
use crate::coding::sheet::{xlsx_not_rewritten, SheetText};
use crate::coding::{split_codes, SheetFormat, REQUIRED};
use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::fsutil::write_atomic;
use crate::project::Project;
use crate::text::{is_code_id, CsvTable};
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;

/// The files a change rewrites, with their new contents, and what it did.
#[derive(Debug)]
pub struct Plan {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Rows changed per sheet, for the summary.
    pub rows: Vec<(String, usize)>,
    pub codebook_changed: bool,
}

impl Plan {
    pub fn rows_changed(&self) -> usize {
        self.rows.iter().map(|(_, n)| n).sum()
    }
}

/// Refuses a change when `thematic.toml`, or a file the change rewrites (`rewrites` says
/// which), has errors: settings that did not parse stand in as defaults and could send the
/// change to the wrong files, and a file half understood is never rewritten.
pub fn refuse_if_broken(diags: &Diagnostics, rewrites: impl Fn(&str) -> bool) -> Result<()> {
    let blocking: Vec<&crate::diagnostics::Problem> = diags
        .sorted()
        .into_iter()
        .filter(|p| p.is_error() && (p.file == crate::config::CONFIG_FILE || rewrites(&p.file)))
        .collect();
    if blocking.is_empty() {
        return Ok(());
    }
    let mut files: Vec<&str> = blocking.iter().map(|p| p.file.as_str()).collect();
    files.dedup();
    bail!(
        "{} {} problems to fix first, nothing was written:\n{}",
        files.join(" and "),
        if files.len() == 1 { "has" } else { "have" },
        blocking
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// Renames code `old` to `new` in the codebook and every coding sheet.
pub fn rename(project: &Project, old: &str, new: &str) -> Result<Plan> {
    if !is_code_id(new) {
        bail!("invalid code id `{new}`: use letters, digits, `-`, `_` and `/` only");
    }
    known_code(project, old)?;
    if project.codebook.code(new).is_some() {
        bail!("code `{new}` exists already: use `thematic codebook merge {old} {new}` to combine them");
    }
    let mut plan = sheets_plan(project, |codes| {
        codes.iter().any(|c| c == old).then(|| {
            codes
                .iter()
                .map(|c| if c == old { new.to_string() } else { c.clone() })
                .collect()
        })
    })?;
    let (path, text) = codebook_text(project)?;
    let changed = text.replace(&format!("`{old}`"), &format!("`{new}`"));
    if changed != text {
        plan.files.push((path, changed.into_bytes()));
        plan.codebook_changed = true;
    }
    Ok(plan)
}

/// Merges code `from` into `into`: every sheet row with `from` gets `into` instead, and the
/// codebook loses `from`'s item, whose definition is kept under `into` as an `include:` line.
pub fn merge(project: &Project, from: &str, into: &str) -> Result<Plan> {
    if from == into {
        bail!("cannot merge `{from}` into itself");
    }
    known_code(project, from)?;
    known_code(project, into)?;
    let mut plan = sheets_plan(project, |codes| {
        if !codes.iter().any(|c| c == from) {
            return None;
        }
        let mut out: Vec<String> = Vec::with_capacity(codes.len());
        for c in codes {
            let c = if c == from { into } else { c.as_str() };
            if !out.iter().any(|o| o == c) {
                out.push(c.to_string());
            }
        }
        Some(out)
    })?;
    let book = &project.codebook;
    let (path, text) = codebook_text(project)?;
    // Lines with their line ends, counted as the codebook's parser counts them (a lone CR
    // ends a line too), so the item lines are the ones it reported and every byte is kept.
    let mut lines = lines_of(&text);
    let from_code = book.code(from).map(|i| &book.codes[i]).filter(|c| !c.unsorted);
    let into_code = book.code(into).map(|i| &book.codes[i]).filter(|c| !c.unsorted);
    let mut edits: Vec<(usize, Option<usize>, Vec<String>)> = Vec::new(); // (first line, last line to remove, insert)
    if let Some(f) = from_code {
        edits.push((f.line - 1, Some(f.end_line), Vec::new()));
        if let Some(i) = into_code.filter(|i| i.line >= 1 && i.end_line <= lines.len()) {
            let item = &lines[i.line - 1];
            let indent: String = item
                .chars()
                .take_while(|c| c.is_whitespace() && !matches!(c, '\r' | '\n'))
                .collect();
            let ending = line_end(&lines[i.end_line - 1]).unwrap_or_else(|| line_end_of(&text));
            let mut note = format!("{indent}  - include: merged from {from}");
            if !f.definition.is_empty() {
                note.push_str(&format!(
                    " ({})",
                    f.definition.replace(&format!("`{from}`"), from)
                ));
            }
            note.push_str(ending);
            edits.push((i.end_line, None, vec![note]));
        }
    }
    // Apply from the bottom up so earlier line numbers stay right.
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (at, remove_to, insert) in edits {
        let at = at.min(lines.len());
        if let Some(end) = remove_to {
            lines.drain(at..end.clamp(at, lines.len()));
        }
        if !insert.is_empty() && at > 0 && line_end(&lines[at - 1]).is_none() {
            // The item was the last line, without a line end: give it one.
            let ending = line_end_of(&text);
            lines[at - 1].push_str(ending);
        }
        for (k, l) in insert.into_iter().enumerate() {
            lines.insert(at + k, l);
        }
    }
    let changed = lines.concat().replace(&format!("`{from}`"), &format!("`{into}`"));
    if changed != text {
        plan.files.push((path, changed.into_bytes()));
        plan.codebook_changed = true;
    }
    Ok(plan)
}

/// The line end a line (with its end) finishes with, if any.
fn line_end(line: &str) -> Option<&'static str> {
    ["\r\n", "\n", "\r"].into_iter().find(|e| line.ends_with(e))
}

/// The text's first line end, for a line that has none: `\n` when it has none either.
fn line_end_of(text: &str) -> &'static str {
    match text.find(['\r', '\n']) {
        Some(i) if text[i..].starts_with("\r\n") => "\r\n",
        Some(i) if text[i..].starts_with('\r') => "\r",
        _ => "\n",
    }
}

fn known_code(project: &Project, id: &str) -> Result<()> {
    if project.codebook.code(id).is_none() {
        let ids = project.codebook.codes.iter().map(|c| c.id.as_str());
        bail!(
            "no code `{id}` in the codebook or any coding sheet{}",
            did_you_mean(id, ids)
        );
    }
    Ok(())
}

/// The codebook's lines with their line ends, counted as its parser counts them (a lone CR
/// ends a line too): what the edits of `codebook.md` change line by line, keeping every byte.
fn lines_of(text: &str) -> Vec<String> {
    crate::codebook::source_lines(text)
        .map(|(l, end)| format!("{l}{end}"))
        .collect()
}

fn codebook_text(project: &Project) -> Result<(PathBuf, String)> {
    let path = project.root.join(&project.config.codebook.path);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    Ok((path, text))
}

/// Plans new text for every sheet where `change` alters a row's codes. A sheet with any
/// problem stops the whole change.
fn sheets_plan(project: &Project, change: impl Fn(&[String]) -> Option<Vec<String>>) -> Result<Plan> {
    let mut plan = Plan {
        files: Vec::new(),
        rows: Vec::new(),
        codebook_changed: false,
    };
    // An .xlsx sheet the change would touch stops it before anything is planned.
    if project.sheets.iter().any(|s| s.format == SheetFormat::Xlsx) {
        let mut diags = Diagnostics::default();
        for (sheet, rows) in
            crate::coding::read_sheets(&project.root, &project.config.coding.sheets, &mut diags)
        {
            if sheet.format == SheetFormat::Xlsx && rows.iter().any(|r| change(&r.codes).is_some()) {
                bail!("{}", xlsx_not_rewritten(&sheet.path));
            }
        }
    }
    for sheet in &project.sheets {
        if sheet.format == SheetFormat::Xlsx {
            continue;
        }
        let path = project.root.join(&sheet.path);
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", sheet.path))?;
        let file = SheetText::decode(bytes).map_err(|e| anyhow!("{}: {e}", sheet.path))?;
        let text = &file.text;
        let mut diags = Diagnostics::default();
        let Some(table) = CsvTable::parse_with(text, &sheet.path, &REQUIRED, file.delimiter, &mut diags)
            .filter(|_| diags.errors() == 0)
        else {
            let first = diags.sorted().first().map(|p| p.to_string()).unwrap_or_default();
            bail!(
                "{} has problems to fix first, nothing was changed: {first}",
                sheet.path
            );
        };
        let codes_col = table.column("codes").expect("required column");
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        let mut changed = 0;
        for row in &table.rows {
            let codes = split_codes(&row.fields[codes_col]);
            let Some(new_codes) = change(&codes) else {
                continue;
            };
            let mut fields = row.fields.clone();
            let sep = if row.fields[codes_col].contains("; ") {
                "; "
            } else {
                ";"
            };
            fields[codes_col] = new_codes.join(sep);
            out.push_str(&text[done..row.bytes.start]);
            out.push_str(&write_record_with(
                &fields,
                &text[row.bytes.clone()],
                file.delimiter,
            ));
            done = row.bytes.end;
            changed += 1;
        }
        if changed > 0 {
            out.push_str(&text[done..]);
            let bytes = file
                .encode(&out, &sheet.path)
                .map_err(|e| anyhow!("{e} (nothing was changed)"))?;
            plan.files.push((path, bytes));
            plan.rows.push((sheet.path.clone(), changed));
        }
    }
    Ok(plan)
}

/// A row appended to a coding sheet by [`append_row`].
#[derive(Debug)]
pub struct Appended {
    /// The sheet, relative to the project folder.
    pub file: String,
    /// The row's line.
    pub line: usize,
}

/// Appends a row to `coder`'s sheet (created when there is none), adding any of `wanted`'s
/// columns the sheet lacks; `value` gives each column's field. The sheet keeps its encoding,
/// delimiter and line ends; an `.xlsx` sheet is refused.
pub fn append_row(
    project: &Project,
    coder: &str,
    wanted: &[&str],
    value: impl Fn(&str) -> String,
) -> Result<Appended> {
    let dir = &project.config.coding.sheets;
    let xlsx = format!("{dir}/{coder}.xlsx");
    if project.root.join(&xlsx).exists() {
        bail!("{}", xlsx_not_rewritten(&xlsx));
    }
    let sheets_dir = project.root.join(dir);
    std::fs::create_dir_all(&sheets_dir)
        .with_context(|| format!("cannot create {}", sheets_dir.display()))?;
    let file = format!("{dir}/{coder}.csv");
    let path = project.root.join(&file);
    let existing = match std::fs::read(&path) {
        Ok(b) => SheetText::decode(b).map_err(|e| anyhow!("{file}: {e}: save it as CSV UTF-8"))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            SheetText::decode(Vec::new()).expect("empty text")
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {file}")),
    };
    let ending = existing.line_end();
    let (mut text, headers) = with_columns(&existing, &file, wanted)?;
    let fields: Vec<String> = headers.iter().map(|h| value(h)).collect();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push_str(ending);
    }
    let line = text.matches('\n').count() + 1;
    text.push_str(&write_record_with(&fields, ending, existing.delimiter));
    let bytes = existing
        .encode(&text, &file)
        .map_err(|e| anyhow!("{e} (nothing was written)"))?;
    write_atomic(&path, &bytes)?;
    Ok(Appended { file, line })
}

/// The sheet's text with every wanted column present (new columns are appended to the header
/// and left empty in existing rows), and the header.
fn with_columns(existing: &SheetText, file: &str, wanted: &[&str]) -> Result<(String, Vec<String>)> {
    let (text, delimiter) = (&existing.text, existing.delimiter);
    if text.trim().is_empty() {
        let headers: Vec<String> = wanted.iter().map(|s| s.to_string()).collect();
        return Ok((write_record_with(&headers, "\n", delimiter), headers));
    }
    let mut diags = Diagnostics::default();
    let table = CsvTable::parse_with(text, file, &REQUIRED, delimiter, &mut diags);
    let table = match table {
        Some(t) if diags.errors() == 0 => t,
        _ => bail!(
            "{file} has problems to fix first, nothing was written: {}",
            diags.sorted().first().map(|p| p.to_string()).unwrap_or_default()
        ),
    };
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| !table.headers.iter().any(|h| h == w))
        .collect();
    if missing.is_empty() {
        return Ok((text.clone(), table.headers));
    }
    // Rewrite the header and every row with the new (empty) columns.
    let mut headers = table.headers.clone();
    headers.extend(missing.iter().map(|s| s.to_string()));
    let header_end = table.rows.first().map_or(text.len(), |r| r.bytes.start);
    let mut out = write_record_with(&headers, &text[..header_end], delimiter);
    for row in &table.rows {
        let mut fields = row.fields.clone();
        fields.resize(headers.len(), String::new());
        out.push_str(&write_record_with(&fields, &text[row.bytes.clone()], delimiter));
    }
    Ok((out, headers))
}

/// One CSV record, ending as the record it replaces ended (LF, CRLF or nothing).
pub fn write_record(fields: &[String], replaced: &str) -> String {
    write_record_with(fields, replaced, b',')
}

/// [`write_record`] with another delimiter.
pub fn write_record_with(fields: &[String], replaced: &str, delimiter: u8) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(fields).expect("writing to memory");
    let mut s = String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 fields");
    s.pop();
    let ending = &replaced[replaced.trim_end_matches(['\r', '\n']).len()..];
    s.push_str(ending);
    s
}

/// A passage to code, as `thematic code` and the browser workspace give it.
#[derive(Debug, Clone, Default)]
pub struct NewCoding {
    pub document: String,
    pub quote: String,
    pub codes: Vec<String>,
    pub memo: Option<String>,
    pub coder: String,
    /// Which occurrence of the quote (1-based), where it occurs more than once.
    pub occurrence: Option<usize>,
    pub exemplar: bool,
    /// `quotable = no`: counted, never quoted.
    pub not_quotable: bool,
    /// Allow codes the codebook does not have yet (listed as unsorted).
    pub new_code: bool,
    /// Start a sheet for a coder who has none yet, when other coders' sheets exist.
    pub new_coder: bool,
}

/// What [`add_coding`] wrote.
#[derive(Debug)]
pub struct Coded {
    pub appended: Appended,
    /// The document's index and the passage's byte range in its text.
    pub document: usize,
    pub bytes: std::ops::Range<usize>,
    /// Codes not in the codebook, each with its message (only with `new_code`).
    pub warnings: Vec<String>,
}

/// Checks a coding (the coder's name, the document, the codes, the quote found exactly once or
/// at its occurrence, no row coding the same passage already) and appends its row to
/// `coding/<coder>.csv`. Nothing is written when a check fails.
pub fn add_coding(project: &Project, new: &NewCoding) -> Result<Coded> {
    let coder = new.coder.as_str();
    if coder.is_empty() || coder.contains(['/', '\\']) || coder.starts_with('.') {
        bail!("invalid coder name `{coder}`: it becomes the file name coding/<coder>.csv");
    }
    if project.coder(coder).is_none() && !project.coders.is_empty() && !new.new_coder {
        bail!(
            "there is no sheet for coder `{coder}` (sheets: {}){}; nothing was written (--new-coder starts coding/{coder}.csv)",
            project.coders.join(", "),
            did_you_mean(coder, project.coders.iter().map(String::as_str))
        );
    }
    let doc_idx = project.document_named(&new.document)?;
    let doc = &project.documents[doc_idx];
    let codes = &new.codes;
    let warnings = check_codes(project, codes, new.new_code)?;
    let occurrence = new.occurrence;
    let bytes = crate::coding::locate(doc, &new.quote, occurrence).map_err(anyhow::Error::msg)?;
    if let Some(same) = project.coder(coder).and_then(|c| {
        project
            .segments_of(doc_idx)
            .iter()
            .find(|s| (s.coder as usize) == c && s.bytes == crate::corpus::Span::from(bytes.clone()))
    }) {
        let ids: Vec<&str> = same
            .codes
            .iter()
            .map(|&i| project.codebook.codes[i].id.as_str())
            .collect();
        bail!(
            "{}/{coder}.csv:{} already codes this passage of {} (codes: {}); nothing was written (add the codes to that row instead)",
            project.config.coding.sheets,
            same.line,
            doc.id,
            ids.join(";")
        );
    }

    let mut wanted: Vec<&str> = REQUIRED.to_vec();
    wanted.push("memo");
    if occurrence.is_some() {
        wanted.push("occurrence");
    }
    if new.exemplar {
        wanted.push("exemplar");
    }
    if new.not_quotable {
        wanted.push("quotable");
    }
    let value = |h: &str| -> String {
        match h {
            "document" => new.document.clone(),
            "quote" => new.quote.clone(),
            "codes" => codes.join(";"),
            "memo" => new.memo.clone().unwrap_or_default(),
            "occurrence" => occurrence.map(|n| n.to_string()).unwrap_or_default(),
            "exemplar" if new.exemplar => "yes".into(),
            "quotable" if new.not_quotable => "no".into(),
            _ => String::new(),
        }
    };
    let appended = append_row(project, coder, &wanted, value)?;
    Ok(Coded {
        appended,
        document: doc_idx,
        bytes,
        warnings,
    })
}

/// Checks codes for a row: valid ids, each in the codebook unless `new_code` (then each one
/// missing gets a warning: it will be listed as unsorted).
fn check_codes(project: &Project, codes: &[String], new_code: bool) -> Result<Vec<String>> {
    if codes.is_empty() {
        bail!("no codes given");
    }
    let mut warnings = Vec::new();
    for c in codes {
        if !is_code_id(c) {
            bail!("invalid code id `{c}`: use letters, digits, `-`, `_` and `/` only");
        }
        if project
            .codebook
            .code(c)
            .is_none_or(|i| project.codebook.codes[i].unsorted)
        {
            let ids = project.codebook.sorted_codes().map(|(_, c)| c.id.as_str());
            let hint = did_you_mean(c, ids);
            if !new_code {
                bail!(
                    "code `{c}` is not in the codebook{hint}; nothing was written (--new-code codes with it anyway, listed as unsorted until the codebook has it)"
                );
            }
            warnings.push(format!(
                "code `{c}` is not in the codebook: it will be listed as unsorted{hint}"
            ));
        }
    }
    Ok(warnings)
}

/// Why [`remove_row`] (or [`remove_added_code`]) refused.
#[derive(Debug)]
pub enum RemoveError {
    /// The row (or code) on disk is not as the caller saw it, or is in use: nothing was changed.
    Changed(String),
    Other(anyhow::Error),
}

impl From<anyhow::Error> for RemoveError {
    fn from(e: anyhow::Error) -> Self {
        RemoveError::Other(e)
    }
}

/// A row as the caller saw it: where it was and what it held.
#[derive(Debug, Clone)]
pub struct SeenRow {
    pub coder: String,
    pub line: usize,
    pub document: String,
    pub quote: String,
    pub codes: Vec<String>,
}

/// The sheet holding a row the caller saw, read and checked: the row is still there as seen.
struct RowOnDisk {
    file: String,
    path: PathBuf,
    sheet: SheetText,
    bytes: std::ops::Range<usize>,
    /// The row as loaded, for its marks.
    row: crate::coding::SheetRow,
}

fn row_on_disk(project: &Project, seen: &SeenRow, verb: &str) -> std::result::Result<RowOnDisk, RemoveError> {
    let coder = &seen.coder;
    let line = seen.line;
    let Some(c) = project.coder(coder) else {
        return Err(anyhow!("there is no sheet for coder `{coder}`").into());
    };
    let sheet = project
        .sheets
        .iter()
        .find(|s| s.coder == project.coders[c])
        .ok_or_else(|| anyhow!("there is no sheet for coder `{coder}`"))?;
    if sheet.format == SheetFormat::Xlsx {
        return Err(anyhow!("{}", xlsx_not_rewritten(&sheet.path)).into());
    }
    let path = project.root.join(&sheet.path);
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", sheet.path))?;
    let file = SheetText::decode(bytes).map_err(|e| anyhow!("{}: {e}", sheet.path))?;
    let mut diags = Diagnostics::default();
    let table = CsvTable::parse_with(&file.text, &sheet.path, &REQUIRED, file.delimiter, &mut diags)
        .filter(|_| diags.errors() == 0)
        .ok_or_else(|| anyhow!("{} has problems to fix first, nothing was changed", sheet.path))?;
    let col = |name: &str| table.column(name).expect("required column");
    let (d, q, k) = (col("document"), col("quote"), col("codes"));
    let row = table.rows.iter().find(|r| r.line == line);
    let same = row.is_some_and(|r| {
        r.fields[d] == seen.document && r.fields[q] == seen.quote && split_codes(&r.fields[k]) == seen.codes
    });
    let columns = crate::coding::sheet::Columns::of(&table.headers, &sheet.path, &mut diags);
    let loaded = row.and_then(|r| columns.row(r, &sheet.path, &mut diags));
    let (Some(row), Some(loaded)) = (row.filter(|_| same), loaded) else {
        return Err(RemoveError::Changed(format!(
            "{}:{line} has changed since the page loaded it; nothing was {verb} (reload to see the sheet as it is now)",
            sheet.path
        )));
    };
    Ok(RowOnDisk {
        file: sheet.path.clone(),
        path,
        bytes: row.bytes.clone(),
        sheet: file,
        row: loaded,
    })
}

/// Removes the row at `line` of `coder`'s sheet, if it still holds `document`, `quote` and
/// `codes` as the caller saw them; any other row keeps its exact bytes.
pub fn remove_row(project: &Project, seen: &SeenRow) -> std::result::Result<String, RemoveError> {
    let on_disk = row_on_disk(project, seen, "removed")?;
    let mut text = on_disk.sheet.text.clone();
    text.replace_range(on_disk.bytes.clone(), "");
    let out = on_disk
        .sheet
        .encode(&text, &on_disk.file)
        .map_err(|e| anyhow!("{e} (nothing was changed)"))?;
    write_atomic(&on_disk.path, &out)?;
    Ok(on_disk.file)
}

/// What a row becomes: its codes, memo and marks (its document and quote stay).
#[derive(Debug, Clone, Default)]
pub struct RowChange {
    pub codes: Vec<String>,
    pub memo: String,
    pub exemplar: bool,
    pub quotable: bool,
    /// Allow codes the codebook does not have yet (listed as unsorted).
    pub new_code: bool,
}

/// Changes the codes, memo, `exemplar` and `quotable` of the row the caller saw, if it is
/// still as seen; columns the sheet lacks are added. A mark that keeps its meaning keeps its
/// spelling (`Y` stays `Y`), and every other row keeps its bytes unless a column is added.
pub fn change_row(
    project: &Project,
    seen: &SeenRow,
    change: &RowChange,
) -> std::result::Result<String, RemoveError> {
    check_codes(project, &change.codes, change.new_code)?;
    let on_disk = row_on_disk(project, seen, "changed")?;
    let old = &on_disk.row;
    let mut wanted: Vec<&str> = REQUIRED.to_vec();
    wanted.push("memo");
    if change.exemplar != old.exemplar {
        wanted.push("exemplar");
    }
    if change.quotable != old.quotable {
        wanted.push("quotable");
    }
    let file = &on_disk.file;
    let (text, headers) = with_columns(&on_disk.sheet, file, &wanted)?;
    let mut diags = Diagnostics::default();
    let table = CsvTable::parse_with(&text, file, &REQUIRED, on_disk.sheet.delimiter, &mut diags)
        .ok_or_else(|| anyhow!("{file} has problems to fix first, nothing was changed"))?;
    let row = table.rows.iter().find(|r| r.line == seen.line).ok_or_else(|| {
        anyhow!(
            "{file}:{}: the row moved while adding columns; nothing was changed",
            seen.line
        )
    })?;
    let mut fields = row.fields.clone();
    fields.resize(headers.len(), String::new());
    for (i, h) in headers.iter().enumerate() {
        match h.as_str() {
            "codes" if split_codes(&fields[i]) != change.codes => {
                let sep = if fields[i].contains("; ") { "; " } else { ";" };
                fields[i] = change.codes.join(sep);
            }
            "memo" if fields[i] != change.memo => fields[i] = change.memo.clone(),
            "exemplar" if change.exemplar != old.exemplar => {
                fields[i] = if change.exemplar { "yes" } else { "" }.into();
            }
            "quotable" if change.quotable != old.quotable => {
                fields[i] = if change.quotable { "" } else { "no" }.into();
            }
            _ => {}
        }
    }
    let mut out = text.clone();
    let record = write_record_with(&fields, &text[row.bytes.clone()], on_disk.sheet.delimiter);
    out.replace_range(row.bytes.clone(), &record);
    let bytes = on_disk
        .sheet
        .encode(&out, file)
        .map_err(|e| anyhow!("{e} (nothing was changed)"))?;
    write_atomic(&on_disk.path, &bytes)?;
    Ok(file.clone())
}

/// A code to write into `codebook.md`.
#[derive(Debug, Clone, Default)]
pub struct NewCode {
    pub id: String,
    pub definition: String,
    /// The category's name; none puts the code before the first heading, under no theme.
    pub category: Option<String>,
}

/// Where [`add_code`] put a code: the lines it inserted, from line index `at` (0-based), and
/// whether it ended the line before them (a file without a final line end). What undoes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AddedCode {
    pub at: usize,
    pub lines: usize,
    pub ended: bool,
}

/// Writes a new code's item into `codebook.md`: after the last code of its category (or of
/// the codes under no heading), else at the end of the category's text. The new text is parsed
/// again before it is written: the code must be read back where it was meant to go, with no
/// new problem; every other line keeps its bytes.
pub fn add_code(project: &Project, new: &NewCode) -> Result<(PathBuf, AddedCode)> {
    let id = new.id.trim();
    if !is_code_id(id) {
        bail!("invalid code id `{id}`: use letters, digits, `-`, `_` and `/` only");
    }
    let book = &project.codebook;
    if let Some(c) = book.code(id).map(|i| &book.codes[i]).filter(|c| !c.unsorted) {
        bail!(
            "code `{id}` is in the codebook already (line {}); nothing was written",
            c.line
        );
    }
    let definition = new.definition.split_whitespace().collect::<Vec<_>>().join(" ");
    let category = match &new.category {
        Some(name) => Some(
            book.categories
                .iter()
                .position(|k| &k.name == name)
                .ok_or_else(|| {
                    anyhow!(
                        "no category `{name}` in the codebook{}; nothing was written",
                        did_you_mean(name, book.categories.iter().map(|k| k.name.as_str()))
                    )
                })?,
        ),
        None => None,
    };
    let (path, text) = codebook_text(project)?;
    let mut lines = lines_of(&text);
    let ending = line_end_of(&text);
    let item = if definition.is_empty() {
        format!("- `{id}`{ending}")
    } else {
        format!("- `{id}` — {definition}{ending}")
    };
    // The section: from its heading (0 for the text before any heading) to the next heading.
    let heading = category.map_or(0, |k| book.categories[k].line);
    let headings = book
        .themes
        .iter()
        .map(|t| t.line)
        .chain(book.categories.iter().map(|k| k.line));
    let next = headings.filter(|&l| l > heading).min().unwrap_or(lines.len() + 1);
    let last_code = book
        .sorted_codes()
        .filter(|(_, c)| c.category == category && (category.is_some() || c.theme.is_none()))
        .map(|(_, c)| c.end_line)
        .max();
    let mut insert = Vec::new();
    let at = match last_code {
        Some(end) => end.min(lines.len()),
        None => {
            let mut at = (next - 1).min(lines.len());
            while at > heading && lines[at - 1].trim().is_empty() {
                at -= 1;
            }
            if at > 0 {
                insert.push(ending.to_string());
            }
            at
        }
    };
    let ended = at > 0 && line_end(&lines[at - 1]).is_none();
    if ended {
        lines[at - 1].push_str(ending);
    }
    insert.push(item);
    if lines.get(at).is_some_and(|l| !l.trim().is_empty()) && last_code.is_none() {
        insert.push(ending.to_string());
    }
    let added = AddedCode {
        at,
        lines: insert.len(),
        ended,
    };
    for (k, l) in insert.into_iter().enumerate() {
        lines.insert(at + k, l);
    }
    let changed = lines.concat();
    let file = &project.config.codebook.path;
    let mut before = Diagnostics::default();
    Codebook::parse(&text, file, &mut before);
    let mut after = Diagnostics::default();
    let parsed = Codebook::parse(&changed, file, &mut after);
    let placed = parsed
        .code(id)
        .map(|i| &parsed.codes[i])
        .is_some_and(|c| c.category == category && c.definition == definition);
    if !placed || after.errors() > before.errors() {
        bail!(
            "{file}: the new code could not be placed so that it reads back as written; nothing was written"
        );
    }
    write_atomic(&path, changed.as_bytes())?;
    Ok((path, added))
}

/// Undoes [`add_code`]: takes out the lines it inserted (`added`), giving back the codebook's
/// bytes as they were. The caller makes sure `codebook.md` has not changed since; this refuses
/// a code a sheet uses, and lines that are not the code's item and the blank lines around it.
pub fn remove_added_code(project: &Project, id: &str, added: &AddedCode) -> Result<PathBuf, RemoveError> {
    let file = &project.config.codebook.path;
    let sheets = crate::coding::read_sheets(
        &project.root,
        &project.config.coding.sheets,
        &mut Diagnostics::default(),
    );
    if let Some((sheet, row)) = sheets.iter().find_map(|(s, rows)| {
        rows.iter()
            .find(|r| r.codes.iter().any(|c| c == id))
            .map(|r| (s, r))
    }) {
        return Err(RemoveError::Changed(format!(
            "code `{id}` is used in {}:{}: it stays in {file}; nothing was changed",
            sheet.path, row.line
        )));
    }
    let (path, text) = codebook_text(project)?;
    let mut lines = lines_of(&text);
    let end = added.at + added.lines;
    let item = format!("- `{id}`");
    let theirs = end <= lines.len()
        && lines[added.at..end]
            .iter()
            .all(|l| l.trim().is_empty() || l.starts_with(&item))
        && lines[added.at..end]
            .iter()
            .filter(|l| l.starts_with(&item))
            .count()
            == 1;
    if !theirs {
        return Err(RemoveError::Changed(format!(
            "{file}: the code `{id}` is not where it was added; nothing was changed"
        )));
    }
    lines.drain(added.at..end);
    if added.ended {
        if let Some(last) = added.at.checked_sub(1).and_then(|i| lines.get_mut(i)) {
            let kept = last.trim_end_matches(['\r', '\n']).len();
            last.truncate(kept);
        }
    }
    let changed = lines.concat();
    let mut ignored = Diagnostics::default();
    if Codebook::parse(&changed, file, &mut ignored).code(id).is_some() {
        return Err(anyhow!("{file}: the code `{id}` could not be taken out; nothing was changed").into());
    }
    write_atomic(&path, changed.as_bytes())?;
    Ok(path)
}
