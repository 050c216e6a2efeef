//! Co-occurrence of nodes: for each pair of codes (categories, themes), the units coded with
//! both, each one's units, and ATLAS.ti's c-coefficient `n12 / (n1 + n2 − n12)`.
//!
//! Units, counted over the coding that makes the findings:
//!
//! - `passage`: a stretch of coded text. Coded passages (document and character range) that
//!   overlap, sharing at least one character, are joined into one unit, across coders and
//!   transitively; most units are a single passage, or two coders' versions of one passage. A
//!   node is in the unit when any of its passages is. A pair co-occurs in the unit when one
//!   passage carries both, or a passage of one overlaps a passage of the other (what
//!   `extracts --all-of A,B` shows); two nodes that merely sit in one unit through a third
//!   passage that overlaps both do not.
//! - `turn`: a speaker turn; a node is in every turn its passages overlap.
//! - `document`: a document.
//!
//! So `n12 ≤ min(n1, n2)` and `c` lies in [0, 1]; it is undefined (`None`) when neither node
//! is in any unit.

use super::breakdown::Where;
use super::nodes::{Level, Nodes};
use crate::output::{Cell, Table};
use crate::project::Project;
use clap::ValueEnum;
use std::collections::{BTreeMap, BTreeSet};

/// What counts as one unit of co-occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Unit {
    #[default]
    Passage,
    Turn,
    Document,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Passage => "passage",
            Unit::Turn => "turn",
            Unit::Document => "document",
        }
    }
}

/// One pair of nodes, `a` before `b` in codebook order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    pub n_a: usize,
    pub n_b: usize,
    pub n_ab: usize,
}

impl Pair {
    /// ATLAS.ti's c-coefficient; `None` when neither node is in any unit.
    pub fn c(&self) -> Option<f64> {
        c_coefficient(self.n_a, self.n_b, self.n_ab)
    }
}

/// `n12 / (n1 + n2 − n12)`, `None` when the denominator is 0.
pub fn c_coefficient(n1: usize, n2: usize, n12: usize) -> Option<f64> {
    let denominator = (n1 + n2).checked_sub(n12)?;
    (denominator > 0).then(|| n12 as f64 / denominator as f64)
}

#[derive(Debug, Clone)]
pub struct Cooccurrence {
    pub nodes: Nodes,
    pub unit: Unit,
    /// Units each node is in.
    pub counts: Vec<usize>,
    /// Every pair of nodes, in codebook order.
    pub pairs: Vec<Pair>,
}

/// What one unit holds: its nodes, and the pairs that co-occur in it.
#[derive(Default)]
struct UnitNodes {
    nodes: BTreeSet<usize>,
    pairs: BTreeSet<(usize, usize)>,
}

impl UnitNodes {
    /// Adds nodes that co-occur with each other (one passage, turn or document).
    fn add_together(&mut self, nodes: &[usize]) {
        self.add_across(nodes, nodes);
    }

    /// Adds two sets of nodes that co-occur across (two overlapping passages).
    fn add_across(&mut self, first: &[usize], second: &[usize]) {
        self.nodes.extend(first.iter().chain(second));
        for &x in first {
            for &y in second {
                if x != y {
                    self.pairs.insert((x.min(y), x.max(y)));
                }
            }
        }
    }
}

/// Counts co-occurrence of the nodes of `level` in units of `unit`, over the coded passages
/// that pass `filters` (`--where`: a passage counts when one of its speakers, or its document
/// when nobody speaks, passes every condition).
pub fn cooccurrence(project: &Project, level: Level, unit: Unit, filters: &[Where]) -> Cooccurrence {
    let nodes = Nodes::new(&project.codebook, level);
    let units: Vec<UnitNodes> = match unit {
        Unit::Passage => passage_units(project, &nodes, filters),
        Unit::Turn | Unit::Document => {
            let mut by_key: BTreeMap<(usize, usize), UnitNodes> = BTreeMap::new();
            for seg in super::breakdown::findings(project, filters) {
                let of = nodes.of_codes(&seg.codes);
                if unit == Unit::Document {
                    by_key
                        .entry((seg.document as usize, 0))
                        .or_default()
                        .add_together(&of);
                } else {
                    for turn in seg.turns.range() {
                        by_key
                            .entry((seg.document as usize, turn))
                            .or_default()
                            .add_together(&of);
                    }
                }
            }
            // Within a turn or document every node co-occurs with every other.
            by_key
                .into_values()
                .map(|u| {
                    let all: Vec<usize> = u.nodes.iter().copied().collect();
                    let mut whole = UnitNodes::default();
                    whole.add_together(&all);
                    whole
                })
                .collect()
        }
    };
    let n = nodes.names.len();
    let mut counts = vec![0; n];
    let mut together: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for u in &units {
        for &node in &u.nodes {
            counts[node] += 1;
        }
        for &pair in &u.pairs {
            *together.entry(pair).or_default() += 1;
        }
    }
    let mut pairs = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            pairs.push(Pair {
                a,
                b,
                n_a: counts[a],
                n_b: counts[b],
                n_ab: together.get(&(a, b)).copied().unwrap_or(0),
            });
        }
    }
    Cooccurrence {
        nodes,
        unit,
        counts,
        pairs,
    }
}

/// Passage units: the distinct coded passages of each document (same range: one passage, its
/// nodes joined), grouped where they overlap.
fn passage_units(project: &Project, nodes: &Nodes, filters: &[Where]) -> Vec<UnitNodes> {
    let mut passages: BTreeMap<(usize, usize, usize), BTreeSet<usize>> = BTreeMap::new();
    for seg in super::breakdown::findings(project, filters) {
        passages
            .entry((seg.document as usize, seg.chars.start(), seg.chars.end()))
            .or_default()
            .extend(nodes.of_codes(&seg.codes));
    }
    let passages: Vec<CodedPassage> = passages
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect();
    let mut units = Vec::new();
    let mut i = 0;
    while i < passages.len() {
        // Passages are sorted by document and start: a group runs while the next passage
        // starts before the group's end.
        let ((doc, _, mut end), _) = passages[i];
        let mut j = i + 1;
        while j < passages.len() && passages[j].0 .0 == doc && passages[j].0 .1 < end {
            end = end.max(passages[j].0 .2);
            j += 1;
        }
        units.push(group_unit(&passages[i..j]));
        i = j;
    }
    units
}

/// A distinct passage: (document, start, end) and its nodes.
type CodedPassage = ((usize, usize, usize), Vec<usize>);

/// One passage unit from its overlapping passages: a pair co-occurs where one passage carries
/// both or two passages that overlap carry one each.
fn group_unit(group: &[CodedPassage]) -> UnitNodes {
    let mut unit = UnitNodes::default();
    for (p, (key_p, nodes_p)) in group.iter().enumerate() {
        unit.add_together(nodes_p);
        for (key_q, nodes_q) in &group[p + 1..] {
            if key_q.1 < key_p.2 && key_p.1 < key_q.2 {
                unit.add_across(nodes_p, nodes_q);
            }
        }
    }
    unit
}

impl Cooccurrence {
    /// Tidy records, one per pair: `level,unit,a,b,n_a,n_b,n_ab,c`. With `all` false, only
    /// the pairs that co-occur at least once.
    pub fn table(&self, all: bool) -> Table {
        let mut t = Table::new(&["level", "unit", "a", "b", "n_a", "n_b", "n_ab", "c"]);
        for p in self.pairs.iter().filter(|p| all || p.n_ab > 0) {
            t.push(vec![
                self.nodes.level.as_str().into(),
                self.unit.as_str().into(),
                self.nodes.names[p.a].as_str().into(),
                self.nodes.names[p.b].as_str().into(),
                p.n_a.into(),
                p.n_b.into(),
                p.n_ab.into(),
                p.c().map_or(Cell::Null, Cell::Float),
            ]);
        }
        t
    }

    /// The pair of two nodes, in either order.
    pub fn pair(&self, x: usize, y: usize) -> Option<&Pair> {
        let (a, b) = (x.min(y), x.max(y));
        self.pairs.iter().find(|p| p.a == a && p.b == b)
    }
}

impl Cooccurrence {
    /// Where to read the passages behind a cell.
    pub fn note(&self) -> String {
        let co = self;
        let how = match co.nodes.level {
            Level::Code => "`thematic extracts --all-of A,B` shows the passages behind a cell".to_string(),
            level => format!(
                "`thematic extracts --{} A` lists a node's passages; `--all-of A,B` takes codes",
                level.as_str()
            ),
        };
        format!(
            "Units: {}; c = n_ab / (n_a + n_b - n_ab). {how}.",
            co.unit.as_str()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_coefficient_as_atlas_ti_defines_it() {
        assert_eq!(c_coefficient(2, 3, 1), Some(0.25));
        assert_eq!(c_coefficient(4, 4, 4), Some(1.0));
        assert_eq!(c_coefficient(3, 5, 0), Some(0.0));
        assert_eq!(c_coefficient(0, 0, 0), None);
    }

    #[test]
    fn overlapping_passages_co_occur_and_a_third_does_not_bridge() {
        // Passages x [0,10) {0}, y [5,15) {1}, z [12,20) {2, 3}: one unit; 0–1 and 1–2 overlap,
        // 0–2 do not.
        let unit = group_unit(&[
            ((0, 0, 10), vec![0]),
            ((0, 5, 15), vec![1]),
            ((0, 12, 20), vec![2, 3]),
        ]);
        assert_eq!(unit.nodes.len(), 4);
        assert_eq!(
            unit.pairs.iter().copied().collect::<Vec<_>>(),
            vec![(0, 1), (1, 2), (1, 3), (2, 3)]
        );
    }
}
