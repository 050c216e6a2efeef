//! Triangulation across stakeholder groups, following Farmer et al.'s protocol: for each row
//! (theme, category or code), each group's prominence (participants coded out of the group,
//! references) and meaning (the net polarity of its coded passages), and a verdict:
//!
//! - silence: at least one group has no participant coded;
//! - dissonance: groups lean opposite ways (one net positive, another net negative);
//! - partial agreement: every group is present but prominence differs strongly (one group's
//!   share of participants is under `prominence_ratio` of another's) or meaning differs short
//!   of opposition (one group leans, another does not);
//! - agreement: every group is present, with similar prominence and the same lean.
//!
//! An analyst's own verdict for a row overrides the computed one and is marked as such.

use super::breakdown::{Breakdown, By, Where};
use super::nodes::{Level, Nodes};
use crate::codebook::Polarity;
use crate::coding::CodedSegment;
use crate::output::{Cell as TableCell, Table};
use crate::project::Project;
use std::collections::{HashMap, HashSet};

pub use crate::project::Verdict;

/// One group's part in a row.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    /// Participants of the group coded at the row.
    pub participants: usize,
    /// Participants in the group.
    pub of: usize,
    pub references: usize,
    /// Passages with a positive code minus passages with a negative code.
    pub net_polarity: i64,
    /// Passages leaning each way (a passage coded both ways counts for neither).
    pub positive: usize,
    pub negative: usize,
    /// Whether any passage carried a code with a polarity.
    pub has_polarity: bool,
}

impl Cell {
    pub fn share(&self) -> f64 {
        if self.of == 0 {
            0.0
        } else {
            self.participants as f64 / self.of as f64
        }
    }

    /// The lean as the matrix shows it: ` +5 -1` (passages leaning each way), or nothing when
    /// no passage carries a polarity.
    pub fn lean_text(&self) -> String {
        if self.has_polarity {
            format!(" +{} -{}", self.positive, self.negative)
        } else {
            String::new()
        }
    }

    /// +1, -1 or 0: which way the group leans.
    pub fn lean(&self) -> i64 {
        self.net_polarity.signum()
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub node: String,
    pub cells: Vec<Cell>,
    pub computed: Verdict,
    /// The analyst's verdict and note, from `triangulation.csv`.
    pub override_: Option<(Verdict, String)>,
}

impl Row {
    pub fn verdict(&self) -> Verdict {
        self.override_.as_ref().map_or(self.computed, |(v, _)| *v)
    }
}

#[derive(Debug, Clone)]
pub struct Triangulation {
    pub level: Level,
    pub by: By,
    /// The groups (or attribute values), in report order.
    pub groups: Vec<String>,
    pub rows: Vec<Row>,
}

/// Thresholds of the verdicts.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// Prominence differs strongly when a group's share is under this fraction of another's.
    pub prominence_ratio: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            prominence_ratio: 0.5,
        }
    }
}

/// A distinct passage: document and character range.
type Passage = (usize, usize, usize);

#[derive(Default)]
struct Acc {
    participants: HashSet<usize>,
    refs: HashSet<Passage>,
    polarity: HashMap<Passage, i64>,
}

/// A coded passage's lean at `node`: +1 if any of the node's codes on it is positive, −1 if
/// negative, 0 when coded both ways; `None` when none has a polarity. The row's own polarity
/// overrides its codes' (one code can hold enablers and barriers).
pub fn passage_lean(project: &Project, nodes: &Nodes, seg: &CodedSegment, node: usize) -> Option<i64> {
    let (mut positive, mut negative) = (false, false);
    for &c in seg.codes.iter().filter(|&&c| nodes.of_code[c] == node) {
        match seg.polarity.or(project.codebook.codes[c].polarity) {
            Some(Polarity::Positive) => positive = true,
            Some(Polarity::Negative) => negative = true,
            _ => {}
        }
    }
    (positive || negative).then(|| positive as i64 - negative as i64)
}

/// Triangulates every node of `level` across the values of `by` (groups, or any attribute).
pub fn triangulate(project: &Project, level: Level, by: &By, thresholds: Thresholds) -> Triangulation {
    triangulate_where(project, level, by, &[], thresholds)
}

/// [`triangulate`] on the evidence that passes `filters` (`--where`).
pub fn triangulate_where(
    project: &Project,
    level: Level,
    by: &By,
    filters: &[Where],
    thresholds: Thresholds,
) -> Triangulation {
    let nodes = Nodes::new(&project.codebook, level);
    let breakdown = Breakdown::new(project, by, filters);
    let n_values = breakdown.values.len();
    let n_nodes = nodes.names.len();
    let mut acc: Vec<Vec<Acc>> = (0..n_nodes)
        .map(|_| (0..n_values).map(|_| Acc::default()).collect())
        .collect();
    for seg in project.findings() {
        let key = (seg.document as usize, seg.chars.start(), seg.chars.end());
        let values: Vec<(Option<usize>, usize)> = Breakdown::units(&seg.participants)
            .into_iter()
            .filter_map(|p| breakdown.value(project, p, seg.document as usize).map(|v| (p, v)))
            .collect();
        for node in nodes.of_codes(&seg.codes) {
            let lean = passage_lean(project, &nodes, seg, node);
            for &(p, v) in &values {
                let a = &mut acc[node][v];
                if let Some(p) = p {
                    a.participants.insert(p);
                }
                a.refs.insert(key);
                if let Some(lean) = lean {
                    a.polarity.insert(key, lean);
                }
            }
        }
    }
    let rows = (0..n_nodes)
        .map(|n| {
            let cells: Vec<Cell> = (0..n_values)
                .map(|g| {
                    let a = &acc[n][g];
                    Cell {
                        participants: a.participants.len(),
                        of: breakdown.population[g].len(),
                        references: a.refs.len(),
                        net_polarity: a.polarity.values().sum(),
                        positive: a.polarity.values().filter(|&&x| x > 0).count(),
                        negative: a.polarity.values().filter(|&&x| x < 0).count(),
                        has_polarity: !a.polarity.is_empty(),
                    }
                })
                .collect();
            let node = nodes.names[n].clone();
            // An analyst's verdict belongs to the comparison it was made in (`by`).
            let analyst = project
                .verdicts
                .iter()
                .find(|v| v.row == node && v.by == by.name())
                .map(|v| (v.verdict, v.note.clone()));
            Row {
                computed: verdict(&cells, thresholds),
                node,
                cells,
                override_: analyst,
            }
        })
        .collect();
    Triangulation {
        level,
        by: by.clone(),
        groups: breakdown.values,
        rows,
    }
}

impl Triangulation {
    /// Tidy records: `level,node,group,participants,of,references,verdict`, then `computed`
    /// (the protocol's verdict) and the analyst's `note` where a verdict was overridden.
    pub fn table(&self) -> Table {
        let mut t = Table::new(&[
            "level",
            "node",
            "group",
            "participants",
            "of",
            "references",
            "verdict",
            "computed",
            "note",
            "positive",
            "negative",
            "lean",
        ]);
        for row in &self.rows {
            for (g, cell) in self.groups.iter().zip(&row.cells) {
                t.push(vec![
                    self.level.as_str().into(),
                    row.node.as_str().into(),
                    g.as_str().into(),
                    cell.participants.into(),
                    cell.of.into(),
                    cell.references.into(),
                    row.verdict().as_str().into(),
                    row.computed.as_str().into(),
                    row.override_
                        .as_ref()
                        .map_or("", |(_, note)| note.as_str())
                        .into(),
                    cell.positive.into(),
                    cell.negative.into(),
                    TableCell::Int(cell.net_polarity),
                ]);
            }
        }
        t
    }

    /// The matrix as people read it: a row per node, `n/N (refs)` per group, the verdict
    /// (`*` where the analyst's verdict replaces the computed one).
    pub fn matrix(&self, group_label: impl Fn(&str) -> String) -> Table {
        let mut columns: Vec<String> = vec![self.level.as_str().to_string()];
        columns.extend(self.groups.iter().map(|g| group_label(g)));
        columns.push("verdict".into());
        let mut t = Table {
            columns,
            rows: Vec::new(),
        };
        for row in &self.rows {
            let mut cells: Vec<TableCell> = vec![row.node.as_str().into()];
            cells.extend(
                row.cells.iter().map(|c| {
                    format!("{}/{} ({}){}", c.participants, c.of, c.references, c.lean_text()).into()
                }),
            );
            let mark = if row.override_.is_some() { "*" } else { "" };
            cells.push(format!("{}{mark}", row.verdict().as_str()).into());
            t.rows.push(cells);
        }
        t
    }
}

/// The protocol's verdict for one row.
pub fn verdict(cells: &[Cell], t: Thresholds) -> Verdict {
    // A value with no participants at all (observations, documents) is present when it has
    // coded passages, and has no share of participants to compare.
    let silent = |c: &Cell| {
        if c.of == 0 {
            c.references == 0
        } else {
            c.participants == 0
        }
    };
    if cells.is_empty() || cells.iter().any(silent) {
        return Verdict::Silence;
    }
    let people: Vec<&Cell> = cells.iter().filter(|c| c.of > 0).collect();
    let leans: Vec<i64> = cells.iter().filter(|c| c.has_polarity).map(Cell::lean).collect();
    if leans.contains(&1) && leans.contains(&-1) {
        return Verdict::Dissonance;
    }
    let shares: Vec<f64> = people.iter().map(|c| c.share()).collect();
    let max = shares.iter().copied().fold(0.0, f64::max);
    let min = shares.iter().copied().fold(f64::INFINITY, f64::min);
    let prominence_differs = !shares.is_empty() && min < t.prominence_ratio * max;
    // Meaning differs short of opposition: some groups lean one way and others not at all.
    let all_leans: Vec<i64> = cells.iter().map(Cell::lean).collect();
    let meaning_differs = all_leans.iter().any(|&l| l != 0) && all_leans.contains(&0);
    if prominence_differs || meaning_differs {
        Verdict::Partial
    } else {
        Verdict::Agreement
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(participants: usize, of: usize, net: i64) -> Cell {
        Cell {
            participants,
            of,
            references: participants,
            net_polarity: net,
            positive: net.max(0) as usize,
            negative: (-net).max(0) as usize,
            has_polarity: net != 0,
        }
    }

    #[test]
    fn verdicts() {
        let t = Thresholds::default();
        assert_eq!(verdict(&[cell(2, 4, 0), cell(0, 3, 0)], t), Verdict::Silence);
        assert_eq!(verdict(&[cell(2, 4, 3), cell(1, 3, -1)], t), Verdict::Dissonance);
        assert_eq!(verdict(&[cell(4, 4, 0), cell(1, 3, 0)], t), Verdict::Partial);
        assert_eq!(verdict(&[cell(2, 4, 2), cell(2, 3, 0)], t), Verdict::Partial);
        assert_eq!(verdict(&[cell(2, 4, 2), cell(2, 3, 1)], t), Verdict::Agreement);
        assert_eq!(verdict(&[cell(2, 4, 0), cell(1, 3, 0)], t), Verdict::Agreement);
        assert_eq!(verdict(&[], t), Verdict::Silence);
        // Observations have no participants: present when they have coded passages, and not
        // part of the comparison of shares.
        let observation = |refs: usize| Cell {
            references: refs,
            ..Cell::default()
        };
        assert_eq!(verdict(&[cell(2, 4, 0), observation(3)], t), Verdict::Agreement);
        assert_eq!(verdict(&[cell(2, 4, 0), observation(0)], t), Verdict::Silence);
    }

    #[test]
    fn verdict_names_round_trip() {
        for v in [
            Verdict::Agreement,
            Verdict::Partial,
            Verdict::Silence,
            Verdict::Dissonance,
        ] {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
        }
        assert_eq!(Verdict::parse("Partial agreement"), Some(Verdict::Partial));
        assert_eq!(Verdict::parse("maybe"), None);
    }
}
