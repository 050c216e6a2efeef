//! `thematic matrix`: the framework matrix, cases × codes, with the extracts in the cells.

use super::{emit, Filters, Findings, Global, OnErrors, Outcome};
use crate::analysis::breakdown::Key;
use crate::analysis::matrix::{cell_text, extract_text, matrix, row_label, wide, CellKind, Matrix};
use crate::analysis::nodes::Level;
use crate::output::{Format, Table};
use crate::project::Project;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// The framework matrix: cases × codes, the extracts in the cells
///
/// Rows are participants, documents or the values of any attribute (`site`, `wave`, `case`);
/// columns are the codes, categories or themes. A cell holds the coded passages with who said
/// them (--cell extracts), their number (count), or the analyst's summary of the cell from
/// summaries.csv (`row,column,summary`), the core of charting in the framework method.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rows: `participant`, `document` or any attribute
    #[arg(long, value_name = "ROWS", default_value = "participant")]
    rows: String,
    /// The columns
    #[arg(long, value_enum, default_value_t = Level::Theme)]
    cols: Level,
    /// What a cell holds
    #[arg(long, value_enum, default_value_t = CellKind::Count)]
    cell: CellKind,
    /// Output format: table and md for reading, csv and json tidy records, xlsx a workbook
    /// with a worksheet per theme (needs --out)
    #[arg(long, value_enum, default_value_t = MatrixFormat::Table)]
    format: MatrixFormat,
    /// The file to write (for xlsx)
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    filters: Filters,
    #[command(flatten)]
    findings: Findings,
    #[command(flatten)]
    on_errors: OnErrors,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MatrixFormat {
    Table,
    Csv,
    Json,
    Md,
    /// One self-contained page (the md table rendered, nothing fetched)
    Html,
    Xlsx,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let project = global.load_findings(&args.findings, &args.on_errors)?;
    let rows = Key::parse(&args.rows, &project)?;
    let filters = args.filters.resolve(&project)?;
    let file = "summaries.csv";
    let summaries = std::fs::read_to_string(project.root.join(file)).ok();
    let m = matrix(
        &project,
        &rows,
        args.cols,
        &filters,
        summaries.as_deref().map(|t| (t, file)),
    )?;
    match args.format {
        MatrixFormat::Xlsx => {
            let Some(out) = &args.out else {
                bail!("--format xlsx writes a workbook: give --out FILE, such as --out matrix.xlsx");
            };
            let bytes = workbook(&project, &m, args.cell)?;
            crate::fsutil::write_atomic(out, &bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            emit(&format!("wrote {}\n", out.display()))?;
        }
        MatrixFormat::Csv | MatrixFormat::Json => {
            let f = if args.format == MatrixFormat::Csv {
                Format::Csv
            } else {
                Format::Json
            };
            emit(&tidy(&project, &m, args.cell).render(f))?;
        }
        MatrixFormat::Html => {
            let title = format!(
                "Framework matrix: {} × {}",
                m.rows_by.name(),
                m.nodes.level.as_str()
            );
            let md = format!(
                "# {}\n\n{}",
                crate::report::markdown::text(&title),
                crate::report::evidence::markdown_table(&wide(&project, &m, args.cell, " · "))
            );
            emit(&crate::report::html::page(&title, &md, &[]))?;
        }
        MatrixFormat::Table | MatrixFormat::Md => {
            let f = if args.format == MatrixFormat::Md {
                Format::Md
            } else {
                Format::Table
            };
            emit(&wide(&project, &m, args.cell, " · ").render(f))?;
        }
    }
    Ok(Outcome::Done)
}

/// Tidy records: a record per cell (`row,column,level,references,participants,summary`), or
/// with --cell extracts a record per extract (`row,column,level,document,line,participant,label,text`).
fn tidy(project: &Project, m: &Matrix, kind: CellKind) -> Table {
    let level = m.nodes.level.as_str();
    if kind == CellKind::Extracts {
        let mut t = Table::new(&[
            "row",
            "column",
            "level",
            "document",
            "line",
            "participant",
            "label",
            "text",
        ]);
        for (r, cells) in m.cells.iter().enumerate() {
            for (n, cell) in cells.iter().enumerate() {
                for e in &cell.extracts {
                    let doc = &project.documents[e.document];
                    let (words, who) = extract_text(project, e);
                    t.push(vec![
                        m.rows[r].as_str().into(),
                        m.nodes.names[n].as_str().into(),
                        level.into(),
                        doc.id.as_str().into(),
                        crate::config::line_of(&doc.text, e.bytes.start).into(),
                        e.participant
                            .map_or("", |p| project.participants.get(p).id.as_str())
                            .into(),
                        who.into(),
                        words.into(),
                    ]);
                }
            }
        }
        return t;
    }
    let mut t = Table::new(&["row", "column", "level", "references", "participants", "summary"]);
    for (r, cells) in m.cells.iter().enumerate() {
        for (n, cell) in cells.iter().enumerate() {
            t.push(vec![
                m.rows[r].as_str().into(),
                m.nodes.names[n].as_str().into(),
                level.into(),
                cell.extracts.len().into(),
                cell.participants.into(),
                cell.summary.clone().unwrap_or_default().into(),
            ]);
        }
    }
    t
}

/// A workbook: a worksheet per theme (its codes or categories as columns; one worksheet for
/// themes), the header row and the row labels frozen, text wrapped.
fn workbook(project: &Project, m: &Matrix, kind: CellKind) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format as XFormat, FormatAlign, Workbook};
    let book = &project.codebook;
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    match m.nodes.level {
        Level::Theme => groups.push(("Themes".into(), (0..m.nodes.names.len()).collect())),
        level => {
            for (n, name) in m.nodes.names.iter().enumerate() {
                let theme = match level {
                    Level::Code => book.code(name).and_then(|c| book.codes[c].theme),
                    _ => book
                        .categories
                        .iter()
                        .find(|c| c.name == *name)
                        .and_then(|c| c.theme),
                };
                let sheet = theme.map_or(crate::analysis::nodes::NO_THEME.to_string(), |t| {
                    book.themes[t].name.clone()
                });
                match groups.iter_mut().find(|(s, _)| *s == sheet) {
                    Some((_, ns)) => ns.push(n),
                    None => groups.push((sheet, vec![n])),
                }
            }
        }
    }
    let mut wb = Workbook::new();
    // A fixed creation date (`[project] date`, else 2000-01-01): the same bytes every run.
    let (y, mo, d) = crate::report::workbook_date(project);
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(y, mo, d)?),
    );
    let header = XFormat::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let wrap = XFormat::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut names: Vec<String> = Vec::new();
    for (sheet, nodes) in &groups {
        let ws = wb.add_worksheet();
        let name = crate::output::worksheet_name(sheet, &mut names);
        ws.set_name(&name)?;
        ws.write_string_with_format(0, 0, m.rows_by.name(), &header)?;
        ws.set_column_width(0, 24)?;
        for (j, &n) in nodes.iter().enumerate() {
            let col = (j + 1) as u16;
            ws.write_string_with_format(0, col, &m.nodes.names[n], &header)?;
            ws.set_column_width(col, if kind == CellKind::Extracts { 60 } else { 20 })?;
        }
        for (r, cells) in m.cells.iter().enumerate() {
            let row = (r + 1) as u32;
            ws.write_string_with_format(row, 0, row_label(project, m, r), &wrap)?;
            for (j, &n) in nodes.iter().enumerate() {
                let text = cell_text(project, &cells[n], kind, "\n\n");
                ws.write_string_with_format(
                    row,
                    (j + 1) as u16,
                    crate::output::spreadsheet_text(&text),
                    &wrap,
                )?;
            }
        }
        ws.set_freeze_panes(1, 1)?;
    }
    Ok(wb.save_to_buffer()?)
}
