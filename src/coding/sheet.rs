//! Reading coding sheets as spreadsheets save them: CSV in UTF-8, UTF-16 (with a byte-order
//! mark) or Windows-1252, separated by `,`, `;` (European Excel) or tabs, and `.xlsx`
//! workbooks (the first worksheet). Every form becomes the same rows with the same checks;
//! lines are the file's lines, or the rows as Excel numbers them (the header is row 1).

use super::{Sheet, SheetRow, OPTIONAL, REQUIRED};
use crate::corpus::decode::{decode_raw, Encoding};
use crate::corpus::rel;
use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::text::{CsvRow, CsvTable};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How a sheet is stored, so that a rewrite keeps it as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SheetFormat {
    Csv {
        encoding: Encoding,
        delimiter: u8,
    },
    /// An Excel workbook: read, never rewritten.
    Xlsx,
}

/// A CSV sheet's text as it is on disk (line ends kept, so rows can be rewritten in place),
/// with its encoding and delimiter.
#[derive(Debug)]
pub struct SheetText {
    pub text: String,
    pub encoding: Encoding,
    pub delimiter: u8,
}

impl SheetText {
    pub fn decode(bytes: Vec<u8>) -> Result<SheetText, String> {
        let (text, encoding) = decode_raw(bytes)?;
        let delimiter = delimiter_of(&text);
        Ok(SheetText {
            text,
            encoding,
            delimiter,
        })
    }

    /// `text` encoded as this sheet was, or why it cannot be (a Windows-1252 sheet cannot hold
    /// every character). Text read from the sheet encodes back to the same bytes.
    pub fn encode(&self, text: &str, file: &str) -> Result<Vec<u8>, String> {
        Ok(match self.encoding {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf8Bom => [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
            Encoding::Utf16Le => [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
            Encoding::Utf16Be => [0xFE, 0xFF]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
                .collect(),
            Encoding::Utf16LeNoBom => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            Encoding::Utf16BeNoBom => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            Encoding::Windows1252 => {
                if let Some(c) = text.chars().find(|&c| !in_windows_1252(c)) {
                    return Err(format!(
                        "{file} is saved as Windows-1252, which cannot hold `{c}`: save it as CSV UTF-8 \
                         (File > Save As > CSV UTF-8), then run this again"
                    ));
                }
                let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
                bytes.into_owned()
            }
        })
    }

    /// The line end the sheet uses: CRLF when its first line ends so (Excel on Windows).
    pub fn line_end(&self) -> &'static str {
        match self.text.find('\n') {
            Some(i) if i > 0 && self.text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }
}

fn in_windows_1252(c: char) -> bool {
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    !encoding_rs::WINDOWS_1252.encode(s).2
}

/// The delimiter a sheet's header line uses: `;` or tab when the header has it and no comma
/// (as European Excel and "Unicode Text" save), else `,`.
pub fn delimiter_of(text: &str) -> u8 {
    let header = text.split('\n').next().unwrap_or("");
    if header.contains(',') {
        b','
    } else if header.contains(';') {
        b';'
    } else if header.contains('\t') {
        b'\t'
    } else {
        b','
    }
}

/// Why thematic will not rewrite an `.xlsx` sheet, and how to convert it.
pub fn xlsx_not_rewritten(file: &str) -> String {
    let csv = Path::new(file).with_extension("csv");
    format!(
        "{file} is a spreadsheet: thematic does not rewrite .xlsx sheets; save it as CSV UTF-8 \
         (File > Save As > CSV UTF-8) as {} and remove the .xlsx, then run this again \
         (nothing was changed)",
        csv.to_string_lossy().replace('\\', "/")
    )
}

/// Reads every sheet (`*.csv`, `*.xlsx`) in the sheets folder, sorted by coder, with its rows:
/// for the rare change that needs every row as the files hold them now (the loaded project
/// keeps the anchored segments, not the rows).
pub fn read_sheets(root: &Path, dir: &str, diags: &mut Diagnostics) -> Vec<(Sheet, Vec<SheetRow>)> {
    SheetFiles::read(root, dir, diags).parse(diags)
}

/// The sheets folder's files as bytes, one per coder, sorted by coder: what the sheets are
/// parsed from, and what the cache's key is made of (the very bytes parsed, so a sheet written
/// while it is read cannot be kept under the key of what it was before).
pub struct SheetFiles {
    files: Vec<SheetFile>,
}

struct SheetFile {
    coder: String,
    /// The path relative to the analysis folder.
    file: String,
    path: PathBuf,
    xlsx: bool,
    bytes: Vec<u8>,
    /// A CSV sheet too big to hold, found to be plain UTF-8: it is read from the file as it is
    /// parsed, and `bytes` stays empty.
    streamed: Option<crate::corpus::decode::Plain>,
}

/// A reader that feeds what it reads to the cache's key, and counts it.
struct Hashing<'h, R> {
    inner: R,
    key: &'h mut crate::cache::Hasher,
    read: u64,
}

impl<R: std::io::Read> std::io::Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.key.bytes(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

impl SheetFiles {
    /// Lists and reads the sheets; problems with the folder and its files (two sheets for one
    /// coder, a spreadsheet format that is not read, a file that cannot be read) go to `diags`.
    pub fn read(root: &Path, dir: &str, diags: &mut Diagnostics) -> SheetFiles {
        SheetFiles::list(root, dir, diags).load(diags)
    }

    /// Lists the sheets without reading them (problems with the folder go to `diags`).
    pub fn list(root: &Path, dir: &str, diags: &mut Diagnostics) -> SheetFiles {
        let files = list_sheets(root, dir, diags)
            .into_iter()
            .map(|(coder, path, xlsx)| SheetFile {
                coder,
                file: rel(root, &path),
                path,
                xlsx,
                bytes: Vec::new(),
                streamed: None,
            })
            .collect();
        SheetFiles { files }
    }

    /// Reads the listed sheets; one that cannot be read is reported and left out. A CSV sheet
    /// over [`crate::corpus::decode::stream_over`] bytes that is plain UTF-8 is only looked through: it is read as it
    /// is parsed.
    pub fn load(self, diags: &mut Diagnostics) -> SheetFiles {
        let over = crate::corpus::decode::stream_over();
        let files = self
            .files
            .into_iter()
            .filter_map(|f| {
                let big = !f.xlsx && std::fs::metadata(&f.path).is_ok_and(|m| m.len() > over);
                if let Some(plain) = big.then(|| crate::corpus::decode::plain_utf8(&f.path)).flatten() {
                    return Some(SheetFile {
                        streamed: Some(plain),
                        ..f
                    });
                }
                let bytes = crate::diagnostics::read_bytes(&f.path, &f.file, diags)?;
                Some(SheetFile { bytes, ..f })
            })
            .collect();
        SheetFiles { files }
    }

    /// [`SheetFiles::feed`] of listed sheets, their bytes read from disk a piece at a time
    /// rather than held: what a load that finds its coding in the cache needs. `None` when a
    /// file cannot be read, or changes size while it is.
    pub fn feed_from_disk(&self, h: &mut crate::cache::Hasher) -> Option<()> {
        for f in &self.files {
            let file = std::fs::File::open(&f.path).ok()?;
            let len = file.metadata().ok()?.len();
            h.str(&f.file).number(u64::from(f.xlsx)).str(&f.coder);
            h.number(len);
            let mut source = Hashing {
                inner: std::io::BufReader::with_capacity(1 << 20, file),
                key: h,
                read: 0,
            };
            std::io::copy(&mut source, &mut std::io::sink()).ok()?;
            if source.read != len {
                return None;
            }
        }
        Some(())
    }

    /// Parses every sheet with its rows; problems in their rows go to `diags`.
    pub fn parse(self, diags: &mut Diagnostics) -> Vec<(Sheet, Vec<SheetRow>)> {
        let mut rows: Vec<Vec<SheetRow>> = Vec::new();
        let mut key = crate::cache::Hasher::default();
        let (sheets, _) = self.parse_each(diags, &mut key, |sheet, _, row, _| {
            rows.resize_with(rows.len().max(sheet + 1), Vec::new);
            rows[sheet].push(row);
        });
        rows.resize_with(sheets.len(), Vec::new);
        sheets.into_iter().zip(rows).collect()
    }

    /// Parses every sheet, giving each checked row to `each` with its sheet's index among
    /// those returned and the sheet's path, as it is read: a sheet of a million rows is never
    /// held as a table. Each file's path and bytes are fed to `key` as they are parsed (the
    /// cache's key of what was read, as [`SheetFiles::feed_from_disk`] makes it). Returns the
    /// sheets read, and whether `key` stands for them (not when a file streamed from disk
    /// changed while it was read).
    pub fn parse_each(
        self,
        diags: &mut Diagnostics,
        key: &mut crate::cache::Hasher,
        mut each: impl FnMut(usize, &str, SheetRow, &mut Diagnostics),
    ) -> (Vec<Sheet>, bool) {
        let mut sheets = Vec::with_capacity(self.files.len());
        let mut whole = true;
        for f in self.files {
            let index = sheets.len();
            let file = f.file.clone();
            let mut row = |r: SheetRow, diags: &mut Diagnostics| each(index, &file, r, diags);
            key.str(&f.file).number(u64::from(f.xlsx)).str(&f.coder);
            let sheet = if let Some(plain) = &f.streamed {
                key.number(plain.len);
                let (sheet, read) = streamed_sheet(&f, plain, key, diags, &mut row);
                whole &= read == Some(plain.len);
                sheet
            } else {
                key.number(f.bytes.len() as u64).bytes(&f.bytes);
                if f.xlsx {
                    let table = xlsx_table(f.bytes, &f.file, &REQUIRED, diags);
                    Some(sheet_of_table(table, &f.file, f.coder, diags, &mut row))
                } else {
                    csv_sheet(f.bytes, &f.file, f.coder, diags, &mut row)
                }
            };
            sheets.extend(sheet);
        }
        (sheets, whole)
    }

    /// How many rows the sheets can hold at most (their lines; rows of a workbook are not
    /// counted): room to make for their segments at once.
    pub fn most_rows(&self) -> usize {
        self.files
            .iter()
            .filter(|f| !f.xlsx)
            .map(|f| match &f.streamed {
                Some(plain) => plain.lines + 1,
                None => memchr::memchr_iter(b'\n', &f.bytes).count() + 1,
            })
            .sum()
    }
}

/// The sheet files of the sheets folder: coder, path, and whether it is a workbook.
fn list_sheets(root: &Path, dir: &str, diags: &mut Diagnostics) -> Vec<(String, PathBuf, bool)> {
    let folder = root.join(dir);
    if crate::fsutil::reported_outside(root, dir, diags) {
        return Vec::new();
    }
    if !folder.is_dir() {
        diags.error(dir, None, "coding folder not found");
        return Vec::new();
    }
    let entries: Vec<PathBuf> = match std::fs::read_dir(&folder) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(e) => {
            diags.error(dir, None, format!("cannot read folder: {e}"));
            return Vec::new();
        }
    };
    // Coder → (csv, xlsx).
    let mut by_coder: BTreeMap<String, (Option<PathBuf>, Option<PathBuf>)> = BTreeMap::new();
    for path in entries {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        // Excel's lock file while a workbook is open.
        if name.starts_with("~$") || !path.is_file() {
            continue;
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let coder = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match ext.as_str() {
            "csv" => by_coder.entry(coder).or_default().0 = Some(path),
            "xlsx" => by_coder.entry(coder).or_default().1 = Some(path),
            "xls" | "xlsm" | "xlsb" | "ods" | "numbers" => diags.warning(
                &rel(root, &path),
                None,
                "not read: coding sheets are read as .csv or .xlsx; save it as Excel Workbook (.xlsx) or CSV UTF-8",
            ),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (coder, paths) in by_coder {
        match paths {
            (Some(csv), xlsx) => {
                if let Some(xlsx) = xlsx {
                    diags.error(
                        &rel(root, &xlsx),
                        None,
                        format!(
                            "coder `{coder}` has two sheets, {} and this one: keep one (this one is not read)",
                            rel(root, &csv)
                        ),
                    );
                }
                out.push((coder, csv, false));
            }
            (None, Some(xlsx)) => out.push((coder, xlsx, true)),
            (None, None) => {}
        }
    }
    out
}

/// A row of a sheet as it is read.
type EachRow<'a> = &'a mut dyn FnMut(SheetRow, &mut Diagnostics);

/// A plain UTF-8 CSV sheet read from its file as it is parsed, its bytes fed to `key`: the same
/// rows and problems as [`csv_sheet`] gives from the bytes whole. Also how many bytes were
/// read (`None`: the file could not be opened, reported).
fn streamed_sheet(
    f: &SheetFile,
    plain: &crate::corpus::decode::Plain,
    key: &mut crate::cache::Hasher,
    diags: &mut Diagnostics,
    each: EachRow,
) -> (Option<Sheet>, Option<u64>) {
    // The delimiter is the header line's, as for a sheet read whole.
    let delimiter = delimiter_of(&plain.head);
    let file = match std::fs::File::open(&f.path) {
        Ok(file) => file,
        Err(e) => {
            diags.error(&f.file, None, format!("cannot read: {e}"));
            return (None, None);
        }
    };
    let mut source = Hashing {
        inner: std::io::BufReader::with_capacity(1 << 20, file),
        key,
        read: 0,
    };
    let encoding = if plain.bom {
        Encoding::Utf8Bom
    } else {
        Encoding::Utf8
    };
    let sheet = parse_csv_with(
        &f.file,
        f.coder.clone(),
        encoding,
        delimiter,
        diags,
        each,
        |header, row, diags| {
            CsvTable::read_rows_from(&mut source, &f.file, &REQUIRED, delimiter, diags, header, row)
        },
    );
    // What the parser left unread (nothing, unless the file grew) is part of the bytes too.
    let _ = std::io::copy(&mut source, &mut std::io::sink());
    (Some(sheet), Some(source.read))
}

fn csv_sheet(
    bytes: Vec<u8>,
    file: &str,
    coder: String,
    diags: &mut Diagnostics,
    each: EachRow,
) -> Option<Sheet> {
    if crate::diagnostics::workbook_not_csv(&bytes, file, diags) {
        return None;
    }
    let sheet = match SheetText::decode(bytes) {
        Ok(s) => s,
        Err(e) => {
            diags.error(file, None, format!("{e}: save the sheet as CSV UTF-8"));
            return None;
        }
    };
    match sheet.encoding {
        Encoding::Windows1252 => diags.warning(
            file,
            None,
            "not UTF-8: read as Windows-1252 (save it as UTF-8 to be sure)",
        ),
        Encoding::Utf16LeNoBom | Encoding::Utf16BeNoBom => diags.warning(
            file,
            None,
            "UTF-16 without a byte-order mark: read as UTF-16 (save it as CSV UTF-8 to be sure)",
        ),
        _ => {}
    }
    Some(parse_csv(&sheet.text, file, coder, sheet.encoding, diags, each))
}

/// Parses one CSV sheet's text (UTF-8, any delimiter), as read from a file, with its rows.
pub fn parse_sheet(text: &str, file: &str, coder: String, diags: &mut Diagnostics) -> (Sheet, Vec<SheetRow>) {
    let mut rows = Vec::new();
    let sheet = parse_csv(text, file, coder, Encoding::Utf8, diags, &mut |r, _| rows.push(r));
    (sheet, rows)
}

fn parse_csv(
    text: &str,
    file: &str,
    coder: String,
    encoding: Encoding,
    diags: &mut Diagnostics,
    each: EachRow,
) -> Sheet {
    let delimiter = delimiter_of(text);
    parse_csv_with(
        file,
        coder,
        encoding,
        delimiter,
        diags,
        each,
        |header, row, diags| CsvTable::read_rows(text, file, &REQUIRED, delimiter, diags, header, row),
    )
}

/// A CSV sheet whose records `read` reads, each checked row given to `each`.
fn parse_csv_with(
    file: &str,
    coder: String,
    encoding: Encoding,
    delimiter: u8,
    diags: &mut Diagnostics,
    each: EachRow,
    read: impl FnOnce(
        &dyn Fn(&[String], &mut Diagnostics) -> Columns,
        &mut dyn FnMut(&Columns, CsvRow, &mut Diagnostics),
        &mut Diagnostics,
    ) -> Option<(Vec<String>, Columns)>,
) -> Sheet {
    if delimiter != b',' {
        diags.warning(
            file,
            Some(1),
            format!(
                "read as {}-delimited (the header has no commas), as some spreadsheets save CSV",
                if delimiter == b'\t' { "tab" } else { "`;`" }
            ),
        );
    }
    let mut sheet = Sheet {
        coder,
        path: file.to_string(),
        format: SheetFormat::Csv { encoding, delimiter },
        suggestions: false,
    };
    let read = read(
        &|headers, diags| Columns::of(headers, file, diags),
        &mut |columns, row, diags| {
            if let Some(r) = columns.row(&row, file, diags) {
                each(r, diags);
            }
        },
        diags,
    );
    sheet.suggestions = read.is_some_and(|(_, c)| c.suggestions);
    sheet
}

/// The first worksheet of a workbook as a table: each row with its number as Excel shows it.
pub(crate) fn xlsx_table(
    bytes: Vec<u8>,
    file: &str,
    required: &[&str],
    diags: &mut Diagnostics,
) -> Option<CsvTable> {
    use calamine::{Reader, Xlsx, XlsxError};
    let mut book = match Xlsx::new(std::io::Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => {
            let why = match e {
                XlsxError::Zip(_) => {
                    "is not an .xlsx file (not a zip archive): save it again from Excel as Excel Workbook (.xlsx)"
                        .to_string()
                }
                XlsxError::Password => "the workbook is password-protected: remove the password in Excel".into(),
                e => format!("cannot read the workbook ({e}): save it again from Excel, or as CSV UTF-8"),
            };
            diags.error(file, None, why);
            return None;
        }
    };
    let range = match book.worksheet_range_at(0) {
        None => {
            diags.error(file, None, "the workbook has no worksheet");
            return None;
        }
        Some(Err(e)) => {
            diags.error(
                file,
                None,
                format!("cannot read the first worksheet ({e}): save it again from Excel, or as CSV UTF-8"),
            );
            return None;
        }
        Some(Ok(r)) => r,
    };
    let Some((first_row, first_col)) = range.start() else {
        diags.error(file, None, "the first worksheet is empty: expected a header row");
        return None;
    };
    let mut rows = range.rows();
    let header = rows.next().unwrap_or(&[]);
    let mut headers: Vec<String> = header.iter().map(|c| cell_text(c).trim().to_string()).collect();
    // Columns without a heading and without data are the worksheet's margin.
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    let header_row = first_row as usize + 1;
    let mut tdiags = Diagnostics::default();
    let table = CsvTable::with_header(headers, file, required, &mut tdiags);
    for p in tdiags.sorted() {
        // The header is on `header_row`, which is row 1 unless the worksheet starts lower.
        let line = p.line.map(|_| header_row);
        match p.severity {
            crate::diagnostics::Severity::Error => diags.error(file, line, p.message.clone()),
            crate::diagnostics::Severity::Warning => diags.warning(file, line, p.message.clone()),
        }
    }
    let mut table = table?;
    let width = table.headers.len();
    for (k, cells) in rows.enumerate() {
        let line = header_row + 1 + k;
        if cells.iter().all(|c| cell_text(c).trim().is_empty()) {
            continue;
        }
        if let Some((col, e)) = cells.iter().enumerate().find_map(|(i, c)| match c {
            calamine::Data::Error(e) => Some((i, e)),
            _ => None,
        }) {
            diags.error(
                file,
                Some(line),
                format!(
                    "cell {}{line} holds the Excel error {e}: put text there",
                    column_letters(first_col as usize + col)
                ),
            );
            continue;
        }
        let mut fields: Vec<String> = cells.iter().take(width).map(cell_text).collect();
        fields.resize(width, String::new());
        table.rows.push(CsvRow {
            line,
            fields,
            bytes: 0..0,
        });
    }
    Some(table)
}

/// A cell as the text a CSV export would hold: whole numbers without a decimal point, dates
/// as `YYYY-MM-DD`.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(true) => "TRUE".into(),
        Data::Bool(false) => "FALSE".into(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::Error(e) => e.to_string(),
    }
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`, with `HH:MM` when it has a
/// time of day.
fn excel_date(serial: f64) -> String {
    let days = serial.floor() as i64;
    let minutes = ((serial - serial.floor()) * 1440.0).round() as i64;
    // Days since 1970-01-01, then the civil date (Howard Hinnant's algorithm).
    let z = days - 25569 + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if minutes == 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// `A`, `B`, ..., `Z`, `AA`, ...: a column as Excel names it (0-based index).
pub(crate) fn column_letters(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

/// A sheet's columns, found once in its header: what each of its rows is read with.
pub struct Columns {
    document: usize,
    quote: usize,
    codes: usize,
    memo: Option<usize>,
    occurrence: Option<usize>,
    exemplar: Option<usize>,
    quotable: Option<usize>,
    polarity: Option<usize>,
    /// The sheet has a `rule` column: `autocode`'s or `suggest`'s suggestions.
    pub suggestions: bool,
}

impl Columns {
    /// The columns of a checked header (the required ones are there); a column thematic does
    /// not know is a warning.
    pub fn of(headers: &[String], file: &str, diags: &mut Diagnostics) -> Columns {
        for h in headers {
            if !h.is_empty() && !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()) {
                let known = REQUIRED.iter().chain(OPTIONAL.iter()).copied();
                diags.warning(
                    file,
                    Some(1),
                    format!("unknown column `{h}` is ignored{}", did_you_mean(h, known)),
                );
            }
        }
        let col = |name: &str| headers.iter().position(|h| h == name);
        Columns {
            document: col("document").unwrap_or(0),
            quote: col("quote").unwrap_or(1),
            codes: col("codes").unwrap_or(2),
            memo: col("memo"),
            occurrence: col("occurrence"),
            exemplar: col("exemplar"),
            quotable: col("quotable"),
            polarity: col("polarity"),
            suggestions: col(super::RULE).is_some(),
        }
    }

    /// A record as a sheet row, checked; `None` (the problem reported) when it cannot be one.
    pub fn row(&self, row: &CsvRow, file: &str, diags: &mut Diagnostics) -> Option<SheetRow> {
        let get = |c: Option<usize>| c.map(|c| row.fields[c].trim()).unwrap_or("");
        let document = get(Some(self.document)).to_string();
        let codes: Vec<String> = super::split_codes(get(Some(self.codes)));
        if document.is_empty() {
            diags.error(file, Some(row.line), "no document");
            return None;
        }
        // An empty quote codes a whole survey answer: whether the document is one is known when
        // the row is anchored.
        if codes.is_empty() {
            diags.error(file, Some(row.line), "no codes");
            return None;
        }
        let occurrence = match get(self.occurrence) {
            "" => None,
            s => match s.parse::<usize>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    diags.error(
                        file,
                        Some(row.line),
                        format!("occurrence `{s}` is not a whole number from 1"),
                    );
                    return None;
                }
            },
        };
        let exemplar = match crate::text::yes_no_or(get(self.exemplar), false) {
            Some(b) => b,
            None => {
                diags.warning(
                    file,
                    Some(row.line),
                    format!("exemplar `{}` is not yes or no: read as no", get(self.exemplar)),
                );
                false
            }
        };
        let quotable = match crate::text::yes_no(get(self.quotable)) {
            Some(b) => b,
            None => {
                // Fail closed: a passage whose consent is unclear is not quoted.
                diags.error(
                    file,
                    Some(row.line),
                    format!(
                        "quotable `{}` is not yes or no (empty means yes)",
                        get(self.quotable)
                    ),
                );
                false
            }
        };
        let polarity = match get(self.polarity) {
            "" => None,
            p => match crate::codebook::Polarity::parse(p) {
                Some(p) => Some(p),
                None => {
                    diags.error(
                        file,
                        Some(row.line),
                        format!("polarity `{p}` is not +, - or 0 (positive, negative, neutral; empty: the code's own)"),
                    );
                    return None;
                }
            },
        };
        Some(SheetRow {
            line: row.line,
            document,
            quote: row.fields[self.quote].clone(),
            codes,
            memo: get(self.memo).to_string(),
            occurrence,
            exemplar,
            quotable,
            polarity,
        })
    }
}

/// A workbook's sheet read from its table, each checked row given to `each`.
fn sheet_of_table(
    table: Option<CsvTable>,
    file: &str,
    coder: String,
    diags: &mut Diagnostics,
    each: EachRow,
) -> Sheet {
    let mut sheet = Sheet {
        coder,
        path: file.to_string(),
        format: SheetFormat::Xlsx,
        suggestions: false,
    };
    let Some(table) = table else {
        return sheet;
    };
    let columns = Columns::of(&table.headers, file, diags);
    sheet.suggestions = columns.suggestions;
    for row in &table.rows {
        if let Some(r) = columns.row(row, file, diags) {
            each(r, diags);
        }
    }
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_windows_1252_byte_encodes_back_to_itself() {
        let bytes: Vec<u8> = (0x80..=0xFF).chain(b"a,b\r\n".iter().copied()).collect();
        let s = SheetText::decode(bytes.clone()).unwrap();
        assert_eq!(s.encoding, Encoding::Windows1252);
        assert_eq!(s.encode(&s.text, "x.csv").unwrap(), bytes);
        let err = s.encode("caf\u{151}", "coding/x.csv").unwrap_err();
        assert!(
            err.starts_with("coding/x.csv is saved as Windows-1252, which cannot hold `\u{151}`"),
            "{err}"
        );
    }

    #[test]
    fn utf16_and_bom_sheets_encode_back_to_themselves() {
        for bytes in [
            [0xFF, 0xFE]
                .into_iter()
                .chain("document\tquote\r\n".encode_utf16().flat_map(u16::to_le_bytes))
                .collect::<Vec<u8>>(),
            b"\xEF\xBB\xBFdocument;quote\n".to_vec(),
        ] {
            let s = SheetText::decode(bytes.clone()).unwrap();
            assert_eq!(s.encode(&s.text, "x.csv").unwrap(), bytes);
        }
    }

    #[test]
    fn delimiters_from_the_header() {
        assert_eq!(delimiter_of("document,quote;x\nD;q"), b',');
        assert_eq!(delimiter_of("document;quote;codes\r\nD,q"), b';');
        assert_eq!(delimiter_of("document\tquote\tcodes\n"), b'\t');
        assert_eq!(delimiter_of("document"), b',');
    }

    #[test]
    fn cells_read_as_a_csv_export_holds_them() {
        use calamine::Data;
        assert_eq!(cell_text(&Data::Float(2.0)), "2");
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
        assert_eq!(cell_text(&Data::Int(3)), "3");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
        assert_eq!(excel_date(45352.0), "2024-03-01");
        assert_eq!(excel_date(45352.5), "2024-03-01 12:00");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(27), "AB");
    }
}
