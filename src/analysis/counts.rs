//! References, participants and documents per node of the code tree, overall or broken down
//! by any participant or document attribute, or two crossed (see [`super::breakdown`]).
//!
//! A reference is a distinct coded passage (document and character range): when two coders
//! code the same passage with the same node it counts once.

use super::nodes::{Level, Nodes};
use crate::output::Table;
use crate::project::Project;
use std::collections::{HashMap, HashSet};

pub use super::breakdown::By;
use super::breakdown::{Breakdown, Where};

/// The counts for one node and one value of the breakdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub references: usize,
    pub participants: usize,
    pub documents: usize,
}

#[derive(Debug, Clone)]
pub struct Stats {
    pub nodes: Nodes,
    pub by: By,
    /// The values of the breakdown, in report order.
    pub values: Vec<String>,
    /// Each value's N: the participants it counts out of (see [`super::breakdown`]).
    pub population: Vec<usize>,
    /// `counts[node][value]`.
    pub counts: Vec<Vec<Count>>,
}

#[derive(Default)]
struct Acc {
    refs: HashSet<(usize, usize, usize)>,
    participants: HashSet<usize>,
    documents: HashSet<usize>,
}

/// Counts every node of `level`, broken down `by`.
pub fn count(project: &Project, level: Level, by: &By) -> Stats {
    count_where(project, level, by, &[])
}

/// [`count`] of the evidence that passes `filters` (`--where`).
pub fn count_where(project: &Project, level: Level, by: &By, filters: &[Where]) -> Stats {
    let nodes = Nodes::new(&project.codebook, level);
    let breakdown = Breakdown::new(project, by, filters);
    let mut acc: HashMap<(usize, usize), Acc> = HashMap::new();
    for seg in project.findings() {
        let key = (seg.document as usize, seg.chars.start(), seg.chars.end());
        let values: Vec<(Option<usize>, usize)> = Breakdown::units(&seg.participants)
            .into_iter()
            .filter_map(|p| breakdown.value(project, p, seg.document as usize).map(|v| (p, v)))
            .collect();
        for node in nodes.of_codes(&seg.codes) {
            for &(p, value) in &values {
                let a = acc.entry((node, value)).or_default();
                if let Some(p) = p {
                    a.participants.insert(p);
                }
                a.refs.insert(key);
                a.documents.insert(seg.document as usize);
            }
        }
    }
    let counts = (0..nodes.names.len())
        .map(|n| {
            (0..breakdown.values.len())
                .map(|v| match acc.get(&(n, v)) {
                    Some(a) => Count {
                        references: a.refs.len(),
                        participants: a.participants.len(),
                        documents: a.documents.len(),
                    },
                    None => Count::default(),
                })
                .collect()
        })
        .collect();
    Stats {
        nodes,
        by: by.clone(),
        population: breakdown.population.iter().map(HashSet::len).collect(),
        values: breakdown.values,
        counts,
    }
}

impl Stats {
    /// Tidy records: `level,node,by,value,references,participants,documents`.
    pub fn table(&self) -> Table {
        let mut t = Table::new(&[
            "level",
            "node",
            "by",
            "value",
            "references",
            "participants",
            "documents",
        ]);
        for (n, name) in self.nodes.names.iter().enumerate() {
            for (v, value) in self.values.iter().enumerate() {
                let c = self.counts[n][v];
                t.push(vec![
                    self.nodes.level.as_str().into(),
                    name.as_str().into(),
                    self.by.name().into(),
                    value.as_str().into(),
                    c.references.into(),
                    c.participants.into(),
                    c.documents.into(),
                ]);
            }
        }
        t
    }

    /// The overall counts of a node (meaningful when broken down by `All`).
    pub fn total(&self, node: usize) -> Count {
        self.counts[node].first().copied().unwrap_or_default()
    }
}
