//! Tables and how they are written: aligned for a terminal, or CSV, JSON and Markdown for
//! files and scripts. Machine-readable formats are tidy: one record per row, stable column
//! names, numbers as numbers.

use clap::ValueEnum;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned columns for a terminal.
    #[default]
    Table,
    Csv,
    Json,
    /// A Markdown (GFM) table.
    Md,
}

/// A table format, or an SVG figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FigureFormat {
    #[default]
    Table,
    Csv,
    Json,
    Md,
    Svg,
}

impl FigureFormat {
    pub fn table(self) -> Option<Format> {
        match self {
            FigureFormat::Table => Some(Format::Table),
            FigureFormat::Csv => Some(Format::Csv),
            FigureFormat::Json => Some(Format::Json),
            FigureFormat::Md => Some(Format::Md),
            FigureFormat::Svg => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
    /// A value that does not exist (empty in CSV, `null` in JSON).
    Null,
}

impl Cell {
    /// For people: floats rounded to 6 places.
    pub fn display(&self) -> String {
        match self {
            Cell::Float(x) => format_float(*x),
            other => other.exact(),
        }
    }

    /// For files and scripts: floats in full (the shortest text that reads back the same).
    fn exact(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Float(x) if *x == 0.0 => "0".into(),
            Cell::Float(x) => x.to_string(),
            Cell::Null => String::new(),
        }
    }

    fn json(&self) -> String {
        match self {
            Cell::Text(s) => serde_json::to_string(s).expect("strings serialise"),
            Cell::Float(x) if !x.is_finite() => "null".into(),
            Cell::Null => "null".into(),
            other => other.exact(),
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Float(_))
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Int(n as i64)
    }
}

/// Floats print with up to 6 decimals, trailing zeros dropped, so output is stable.
fn format_float(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP's list).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell for a spreadsheet: one that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a `'` in front (OWASP's rule against CSV injection), so Excel or
/// LibreOffice shows it as text instead of running it as a formula.
pub fn spreadsheet_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(FORMULA_START) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// A cell's text without the `'` that [`spreadsheet_text`] puts in front of a formula
/// character: `None` when it has none.
pub fn without_formula_guard(s: &str) -> Option<&str> {
    s.strip_prefix('\'')
        .filter(|rest| rest.starts_with(FORMULA_START))
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(columns: &[&str]) -> Table {
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Table => self.aligned(),
            Format::Csv => self.csv(),
            Format::Json => self.json(),
            Format::Md => self.markdown(),
        }
    }

    fn aligned(&self) -> String {
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::display).collect())
            .collect();
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain(std::iter::once(self.columns[i].chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let numeric: Vec<bool> = (0..self.columns.len())
            .map(|i| {
                !self.rows.is_empty() && self.rows.iter().all(|r| r[i].is_number() || r[i] == Cell::Null)
            })
            .collect();
        let mut out = String::new();
        let line = |out: &mut String, values: &[String]| {
            let mut l = String::new();
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    l.push_str("  ");
                }
                let pad = widths[i] - v.chars().count();
                if numeric[i] {
                    l.push_str(&" ".repeat(pad));
                    l.push_str(v);
                } else {
                    l.push_str(v);
                    l.push_str(&" ".repeat(pad));
                }
            }
            out.push_str(l.trim_end());
            out.push('\n');
        };
        line(&mut out, &self.columns);
        line(
            &mut out,
            &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
        );
        for r in &cells {
            line(&mut out, r);
        }
        out
    }

    fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.columns).expect("writing to memory");
        for r in &self.rows {
            w.write_record(r.iter().map(Cell::display))
                .expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of strings is UTF-8")
    }

    /// CSV for people, who open it in a spreadsheet: like [`Format::Csv`], with every text
    /// cell made safe by [`spreadsheet_text`]. `--format csv` (for scripts) stays raw.
    pub fn spreadsheet_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.columns).expect("writing to memory");
        for r in &self.rows {
            w.write_record(r.iter().map(|c| match c {
                Cell::Text(s) => spreadsheet_text(s).into_owned(),
                other => other.display(),
            }))
            .expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of strings is UTF-8")
    }

    fn json(&self) -> String {
        if self.rows.is_empty() {
            return "[]\n".into();
        }
        let mut out = String::from("[\n");
        for (n, r) in self.rows.iter().enumerate() {
            out.push_str("  {");
            for (i, c) in r.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let key = serde_json::to_string(&self.columns[i]).expect("strings serialise");
                let _ = write!(out, "{key}: {}", c.json());
            }
            out.push('}');
            if n + 1 < self.rows.len() {
                out.push(',');
            }
            out.push('\n');
        }
        out.push_str("]\n");
        out
    }

    fn markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| {} |",
            self.columns
                .iter()
                .map(|c| esc(c))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let aligns: Vec<&str> = (0..self.columns.len())
            .map(|i| {
                if !self.rows.is_empty() && self.rows.iter().all(|r| r[i].is_number() || r[i] == Cell::Null) {
                    "---:"
                } else {
                    "---"
                }
            })
            .collect();
        let _ = writeln!(out, "|{}|", aligns.join("|"));
        for r in &self.rows {
            let _ = writeln!(
                out,
                "| {} |",
                r.iter()
                    .map(|c| esc(&c.display()))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
        }
        out
    }
}

/// A worksheet name for `name`: at most 31 characters (28 kept, room for a number), none of
/// `[]:*?/\\`, unique among `taken` (which it joins).
pub fn worksheet_name(name: &str, taken: &mut Vec<String>) -> String {
    let mut sheet: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(28)
        .collect();
    if sheet.trim().is_empty() {
        sheet = "Sheet".into();
    }
    let base = sheet.clone();
    let mut k = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&sheet)) {
        sheet = format!("{base} {k}");
        k += 1;
    }
    taken.push(sheet.clone());
    sheet
}

/// A workbook of tables, one worksheet each (named by the table's name), the header row bold
/// and frozen, numbers as numbers, text through [`spreadsheet_text`]. `created` is the
/// workbook's creation date (year, month, day): a fixed one, so two runs give the same bytes.
pub fn workbook(
    tables: &[(String, &Table)],
    created: (u16, u8, u8),
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format as XFormat, FormatAlign, Workbook};
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(created.0, created.1, created.2)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let header = XFormat::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let wrap = XFormat::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut taken = Vec::new();
    for (name, table) in tables {
        let ws = wb.add_worksheet();
        ws.set_name(worksheet_name(name, &mut taken))?;
        for (c, column) in table.columns.iter().enumerate() {
            let col = c as u16;
            ws.write_string_with_format(0, col, spreadsheet_text(column), &header)?;
            let longest = table
                .rows
                .iter()
                .map(|r| r[c].display().chars().count())
                .chain(std::iter::once(column.chars().count()))
                .max()
                .unwrap_or(8);
            ws.set_column_width(col, (longest.clamp(8, 60) + 2) as f64)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let at = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                match cell {
                    Cell::Int(n) => {
                        ws.write_number(at, col, *n as f64)?;
                    }
                    Cell::Float(x) if x.is_finite() => {
                        ws.write_number(at, col, *x)?;
                    }
                    Cell::Float(_) | Cell::Null => {}
                    Cell::Text(t) => {
                        ws.write_string_with_format(at, col, spreadsheet_text(t), &wrap)?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(&["node", "refs", "share"]);
        t.push(vec!["a|b".into(), 12usize.into(), Cell::Float(0.5)]);
        t.push(vec!["c\"d".into(), 3usize.into(), Cell::Null]);
        t
    }

    #[test]
    fn every_format() {
        let t = table();
        assert_eq!(
            t.render(Format::Table),
            "node  refs  share\n----  ----  -----\na|b     12    0.5\nc\"d      3\n"
        );
        assert_eq!(
            t.render(Format::Csv),
            "node,refs,share\na|b,12,0.5\n\"c\"\"d\",3,\n"
        );
        assert_eq!(
            t.render(Format::Json),
            "[\n  {\"node\": \"a|b\", \"refs\": 12, \"share\": 0.5},\n  {\"node\": \"c\\\"d\", \"refs\": 3, \"share\": null}\n]\n"
        );
        assert_eq!(
            t.render(Format::Md),
            "| node | refs | share |\n|---|---:|---:|\n| a\\|b | 12 | 0.5 |\n| c\"d | 3 |  |\n"
        );
        assert_eq!(Table::new(&["x"]).render(Format::Json), "[]\n");
    }

    #[test]
    fn floats_are_stable() {
        assert_eq!(format_float(1.0 / 3.0), "0.333333");
        assert_eq!(format_float(2.0), "2");
        assert_eq!(format_float(-0.0000001), "0");
        assert_eq!(Cell::Float(1.0 / 3.0).exact(), "0.3333333333333333");
        assert_eq!(Cell::Float(2.0).exact(), "2");
    }
}
