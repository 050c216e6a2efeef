//! The framework matrix (Gale et al. 2013): cases (participants, documents or the values of an
//! attribute) × nodes (codes, categories or themes), each cell holding the coded passages with
//! who said them, and the analyst's own summary of the cell from `summaries.csv`.

use super::breakdown::{Breakdown, By, Key, Where};
use super::nodes::{Level, Nodes};
use crate::output::Table;
use crate::participants::ParticipantIdx;
use crate::project::Project;
use crate::text::CsvTable;
use anyhow::{bail, Result};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// One passage in a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extract {
    pub document: usize,
    pub bytes: Range<usize>,
    pub participant: Option<ParticipantIdx>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub extracts: Vec<Extract>,
    pub participants: usize,
    pub summary: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Matrix {
    pub rows_by: By,
    /// Row values (participant ids, document ids, attribute values), in order.
    pub rows: Vec<String>,
    pub nodes: Nodes,
    /// `cells[row][node]`.
    pub cells: Vec<Vec<Cell>>,
}

/// The matrix of `rows` (`participant`, `document` or any attribute) × the nodes of `level`,
/// over the evidence that passes `filters` (`--where`, as `stats` counts), with the summaries
/// of `summaries.csv` (`row,column,summary`) when there is one: a row or column that is not in
/// the matrix is an error naming its line.
pub fn matrix(
    project: &Project,
    rows: &Key,
    level: Level,
    filters: &[Where],
    summaries: Option<(&str, &str)>,
) -> Result<Matrix> {
    let by = By {
        keys: vec![rows.clone()],
    };
    let breakdown = Breakdown::new(project, &by, filters);
    let nodes = Nodes::new(&project.codebook, level);
    let (n_rows, n_nodes) = (breakdown.values.len(), nodes.names.len());
    let mut cells = vec![vec![Cell::default(); n_nodes]; n_rows];
    let mut seen: HashSet<(usize, usize, usize, usize, usize)> = HashSet::new();
    let mut people: HashMap<(usize, usize), HashSet<ParticipantIdx>> = HashMap::new();
    for seg in project.findings() {
        for p in Breakdown::units(&seg.participants) {
            let Some(r) = breakdown.value(project, p, seg.document as usize) else {
                continue;
            };
            for node in nodes.of_codes(&seg.codes) {
                if let Some(p) = p {
                    people.entry((r, node)).or_default().insert(p);
                }
                // A passage once per cell, whichever coders and codes put it there.
                if seen.insert((
                    r,
                    node,
                    (seg.document as usize),
                    seg.bytes.start(),
                    seg.bytes.end(),
                )) {
                    cells[r][node].extracts.push(Extract {
                        document: seg.document as usize,
                        bytes: seg.bytes.range(),
                        participant: p,
                    });
                }
            }
        }
    }
    for ((r, node), ps) in people {
        cells[r][node].participants = ps.len();
    }
    for row in &mut cells {
        for cell in row {
            cell.extracts.sort_by(|a, b| {
                (&project.documents[a.document].id, a.bytes.start)
                    .cmp(&(&project.documents[b.document].id, b.bytes.start))
            });
        }
    }
    if let Some((text, file)) = summaries {
        let mut diags = crate::diagnostics::Diagnostics::default();
        let Some(table) = CsvTable::parse(text, file, &["row", "column", "summary"], &mut diags) else {
            bail!(
                "{}",
                diags.sorted().first().map(|p| p.to_string()).unwrap_or_default()
            );
        };
        let (rc, cc, sc) = (
            table.column("row").unwrap_or(0),
            table.column("column").unwrap_or(1),
            table.column("summary").unwrap_or(2),
        );
        // The rows there are without `--where`: a summary of a row the filters leave out is
        // not wrong, only not shown.
        let unfiltered = (!filters.is_empty()).then(|| Breakdown::new(project, &by, &[]).values);
        for row in &table.rows {
            let (r, c) = (row.fields[rc].trim(), row.fields[cc].trim());
            let Some(ri) = breakdown.values.iter().position(|v| v == r) else {
                if unfiltered.as_ref().is_some_and(|all| all.iter().any(|v| v == r)) {
                    continue;
                }
                bail!(
                    "{file}:{}: `{r}` is no row of this matrix (rows: {}){}",
                    row.line,
                    by.name(),
                    crate::diagnostics::did_you_mean(r, breakdown.values.iter().map(String::as_str))
                );
            };
            let Some(ci) = nodes.names.iter().position(|n| n == c) else {
                bail!(
                    "{file}:{}: `{c}` is no {} of the codebook{}",
                    row.line,
                    level.as_str(),
                    crate::diagnostics::did_you_mean(c, nodes.names.iter().map(String::as_str))
                );
            };
            cells[ri][ci].summary = Some(row.fields[sc].trim().to_string());
        }
    }
    Ok(Matrix {
        rows_by: by,
        rows: breakdown.values,
        nodes,
        cells,
    })
}

/// What a matrix cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CellKind {
    Count,
    Extracts,
    Summary,
}

/// An extract as it leaves the tool: its words, redacted, and who said it.
pub fn extract_text(project: &Project, e: &Extract) -> (String, String) {
    let doc = &project.documents[e.document];
    let words = doc.text[e.bytes.clone()]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let who = match e.participant {
        Some(p) => project.redactions.apply(&project.participants.get(p).label),
        None => project.document_attribution.render(&doc.id, &|a| {
            project
                .document_attributes
                .get(e.document, a)
                .unwrap_or("")
                .to_string()
        }),
    };
    (project.redact_quote(&words), who)
}

pub fn cell_text(project: &Project, cell: &Cell, kind: CellKind, join: &str) -> String {
    match kind {
        CellKind::Count if cell.extracts.is_empty() => String::new(),
        CellKind::Count => format!(
            "{} ({} {})",
            cell.extracts.len(),
            cell.participants,
            if cell.participants == 1 {
                "person"
            } else {
                "people"
            }
        ),
        CellKind::Summary => cell.summary.clone().unwrap_or_default(),
        CellKind::Extracts => cell
            .extracts
            .iter()
            .map(|e| {
                let (words, who) = extract_text(project, e);
                format!("{words} ({who})")
            })
            .collect::<Vec<_>>()
            .join(join),
    }
}

pub fn row_label(project: &Project, m: &Matrix, r: usize) -> String {
    project.redactions.apply(&crate::analysis::breakdown::label(
        project, &m.rows_by, &m.rows[r],
    ))
}

/// Rows × nodes, for reading.
pub fn wide(project: &Project, m: &Matrix, kind: CellKind, join: &str) -> Table {
    let mut columns = vec![m.rows_by.name()];
    columns.extend(m.nodes.names.iter().cloned());
    let mut t = Table {
        columns,
        rows: Vec::new(),
    };
    for (r, cells) in m.cells.iter().enumerate() {
        let mut row = vec![row_label(project, m, r).into()];
        row.extend(cells.iter().map(|c| cell_text(project, c, kind, join).into()));
        t.rows.push(row);
    }
    t
}
