//! Change over time (`--over wave`, or any ordered attribute): each node's prominence per value
//! (participants coded out of the participants at that value, n/N), the nodes that emerged
//! (absent at the first values, present later) and faded (present, then absent at the last),
//! and the panel: the people present at every value, and how many of them were coded at the
//! node at each.

use super::breakdown::{Breakdown, By, Key, Where, NONE};
use super::counts::count_where;
use super::nodes::Level;
use crate::output::{Cell, Table};
use crate::project::Project;
use std::collections::HashSet;

/// How a node changed over the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// Present at every value.
    Steady,
    /// Absent at the first value, present later.
    Emerged,
    /// Present, then absent at the last value.
    Faded,
    /// Present at some values only, neither of the above.
    Intermittent,
    Absent,
}

impl Trend {
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Steady => "steady",
            Trend::Emerged => "emerged",
            Trend::Faded => "faded",
            Trend::Intermittent => "intermittent",
            Trend::Absent => "absent",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OverRow {
    pub node: String,
    /// Per value: participants coded, participants at the value, references.
    pub cells: Vec<(usize, usize, usize)>,
    /// Per value: panel members coded at the node.
    pub panel: Vec<usize>,
    pub trend: Trend,
}

#[derive(Debug, Clone)]
pub struct Over {
    pub level: Level,
    pub attribute: String,
    /// The values in order (numbers by value, else text), `(none)` left out.
    pub values: Vec<String>,
    /// The same values as people read them (`[labels.wave]`), for tables and charts.
    pub labels: Vec<String>,
    /// The participants present at every value.
    pub panel: usize,
    pub rows: Vec<OverRow>,
    /// The documents whose evidence has no value (`(none)`): it cannot be placed in the order,
    /// so it is left out, with a note.
    pub left_out: Vec<String>,
}

/// The order of an attribute's values: as numbers when they all are, else as text.
pub fn ordered(mut values: Vec<String>) -> Vec<String> {
    values.retain(|v| v != NONE);
    let numeric: Option<Vec<f64>> = values.iter().map(|v| v.trim().parse::<f64>().ok()).collect();
    match numeric {
        Some(_) => values.sort_by(|a, b| {
            let (x, y) = (
                a.trim().parse::<f64>().unwrap_or(0.0),
                b.trim().parse::<f64>().unwrap_or(0.0),
            );
            x.total_cmp(&y)
        }),
        None => values.sort(),
    }
    values
}

/// Each node of `level` over the values of `attribute`.
pub fn over(project: &Project, level: Level, attribute: &Key, filters: &[Where]) -> Over {
    let by = By {
        keys: vec![attribute.clone()],
    };
    let stats = count_where(project, level, &by, filters);
    let breakdown = Breakdown::new(project, &by, filters);
    let values = ordered(breakdown.values.clone());
    let index = |v: &str| breakdown.values.iter().position(|x| x == v);
    // The panel: people present at every value.
    let mut panel: Option<HashSet<usize>> = None;
    for v in &values {
        let at = index(v)
            .map(|i| breakdown.population[i].clone())
            .unwrap_or_default();
        panel = Some(match panel {
            None => at,
            Some(p) => p.intersection(&at).copied().collect(),
        });
    }
    let panel = panel.unwrap_or_default();
    // Panel members coded at each node and value.
    let nodes = &stats.nodes;
    let mut coded: Vec<Vec<HashSet<usize>>> = vec![vec![HashSet::new(); values.len()]; nodes.names.len()];
    for seg in project.findings() {
        for p in seg.participants.iter().filter(|p| panel.contains(p)) {
            let Some(v) = breakdown.value(project, Some(*p), seg.document as usize) else {
                continue;
            };
            let Some(at) = values.iter().position(|x| *x == breakdown.values[v]) else {
                continue;
            };
            for node in nodes.of_codes(&seg.codes) {
                coded[node][at].insert(*p);
            }
        }
    }
    let rows = nodes
        .names
        .iter()
        .enumerate()
        .map(|(n, name)| {
            let cells: Vec<(usize, usize, usize)> = values
                .iter()
                .map(|v| match index(v) {
                    Some(i) => {
                        let c = stats.counts[n][i];
                        (c.participants, breakdown.population[i].len(), c.references)
                    }
                    None => (0, 0, 0),
                })
                .collect();
            let present: Vec<bool> = cells.iter().map(|c| c.2 > 0).collect();
            let trend = match (present.first(), present.last()) {
                _ if present.iter().all(|&p| !p) => Trend::Absent,
                _ if present.iter().all(|&p| p) => Trend::Steady,
                (Some(false), _) => Trend::Emerged,
                (Some(true), Some(false)) => Trend::Faded,
                _ => Trend::Intermittent,
            };
            OverRow {
                node: name.clone(),
                panel: coded[n].iter().map(HashSet::len).collect(),
                cells,
                trend,
            }
        })
        .collect();
    let mut left_out: Vec<String> = Vec::new();
    if let Some(blank) = index(NONE) {
        for seg in project.findings() {
            let here = Breakdown::units(&seg.participants)
                .into_iter()
                .any(|p| breakdown.value(project, p, seg.document as usize) == Some(blank));
            if here {
                left_out.push(project.documents[seg.document as usize].id.to_string());
            }
        }
        left_out.sort();
        left_out.dedup();
    }
    let labels = values
        .iter()
        .map(|v| super::breakdown::label(project, &by, v))
        .collect();
    Over {
        level,
        attribute: attribute.name().to_string(),
        values,
        labels,
        panel: panel.len(),
        rows,
        left_out,
    }
}

fn percent(n: usize, of: usize) -> String {
    if of == 0 {
        "-".into()
    } else {
        format!("{:.0}%", 100.0 * n as f64 / of as f64)
    }
}

impl Over {
    /// What is left out and why, for a note; `None` when nothing is.
    pub fn note(&self) -> Option<String> {
        (!self.left_out.is_empty())
            .then(|| format!("left out, no {}: {}", self.attribute, self.left_out.join(", ")))
    }

    /// The wide table people read: `n/N (p%)` per value (named by its label), the trend, the
    /// panel's coding.
    pub fn wide(&self) -> Table {
        let mut columns: Vec<String> = vec![self.level.as_str().to_string()];
        columns.extend(self.labels.iter().map(|v| format!("{} {v}", self.attribute)));
        columns.push("trend".into());
        columns.push(format!("panel (n = {})", self.panel));
        let mut t = Table {
            columns,
            rows: Vec::new(),
        };
        for r in &self.rows {
            let mut row: Vec<Cell> = vec![r.node.as_str().into()];
            row.extend(
                r.cells
                    .iter()
                    .map(|&(n, of, refs)| format!("{n}/{of} ({refs}) {}", percent(n, of)).into()),
            );
            row.push(r.trend.as_str().into());
            row.push(
                r.panel
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(" → ")
                    .into(),
            );
            t.rows.push(row);
        }
        t
    }

    /// Tidy records: `level,node,over,value,participants,of,references,panel,panel_of,trend`.
    pub fn tidy(&self) -> Table {
        let mut t = Table::new(&[
            "level",
            "node",
            "over",
            "value",
            "participants",
            "of",
            "references",
            "panel",
            "panel_of",
            "trend",
        ]);
        for r in &self.rows {
            for (i, v) in self.values.iter().enumerate() {
                let (n, of, refs) = r.cells[i];
                t.push(vec![
                    self.level.as_str().into(),
                    r.node.as_str().into(),
                    self.attribute.as_str().into(),
                    v.as_str().into(),
                    n.into(),
                    of.into(),
                    refs.into(),
                    r.panel[i].into(),
                    self.panel.into(),
                    r.trend.as_str().into(),
                ]);
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_ordered_as_numbers_when_they_are() {
        let v = |xs: &[&str]| ordered(xs.iter().map(|s| s.to_string()).collect());
        assert_eq!(v(&["10", "2", "1", NONE]), ["1", "2", "10"]);
        assert_eq!(v(&["2017", "2015", "2016"]), ["2015", "2016", "2017"]);
        assert_eq!(v(&["b", "a", "10"]), ["10", "a", "b"]);
    }
}
