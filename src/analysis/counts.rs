//! References, participants and documents per node of the code tree, overall or broken down
//! by group, participant, document or any participant attribute.
//!
//! A reference is a distinct coded passage (document and character range): when two coders
//! code the same passage with the same node it counts once.

use super::nodes::{Level, Nodes};
use crate::output::Table;
use crate::project::Project;
use anyhow::{bail, Result};
use std::collections::{HashMap, HashSet};

/// What the counts are broken down by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    All,
    Group,
    Participant,
    Document,
    /// A participant attribute column, such as `site`.
    Attribute(String),
}

impl By {
    /// Reads `--by`; an unknown attribute is an error naming those there are.
    pub fn parse(s: &str, project: &Project) -> Result<By> {
        Ok(match s {
            "all" => By::All,
            "group" => By::Group,
            "participant" => By::Participant,
            "document" => By::Document,
            attr if project.participants.attributes.iter().any(|a| a == attr) => {
                By::Attribute(attr.to_string())
            }
            other => {
                let mut known = vec!["group", "participant", "document"];
                known.extend(project.participants.attributes.iter().map(String::as_str));
                bail!(
                    "cannot break down by `{other}`: use one of {}{}",
                    known.join(", "),
                    crate::diagnostics::did_you_mean(other, known.iter().copied())
                )
            }
        })
    }

    pub fn name(&self) -> &str {
        match self {
            By::All => "all",
            By::Group => "group",
            By::Participant => "participant",
            By::Document => "document",
            By::Attribute(a) => a,
        }
    }
}

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
    let nodes = Nodes::new(&project.codebook, level);
    let people = &project.participants;
    // The value of each participant under the breakdown, and the list of values.
    // A participant whose group is not one of the groups (an error `check` reports) is in no
    // group's counts, as in `triangulate`.
    let (values, value_of_participant): (Vec<String>, Vec<Option<usize>>) = match by {
        By::All => (vec!["all".into()], vec![Some(0); people.len()]),
        By::Document => (
            project.documents.iter().map(|d| d.id.clone()).collect(),
            Vec::new(),
        ),
        By::Participant => (
            people.list.iter().map(|p| p.id.clone()).collect(),
            (0..people.len()).map(Some).collect(),
        ),
        By::Group => {
            let groups = people.groups.clone();
            let of = people
                .list
                .iter()
                .map(|p| groups.iter().position(|g| *g == p.group))
                .collect();
            (groups, of)
        }
        By::Attribute(name) => {
            let raw: Vec<String> = (0..people.len())
                .map(|i| match people.attribute(i, name) {
                    Some(v) if !v.is_empty() => v.to_string(),
                    _ => "(none)".to_string(),
                })
                .collect();
            let mut values = raw.clone();
            values.sort();
            values.dedup();
            let of = raw.iter().map(|v| values.binary_search(v).ok()).collect();
            (values, of)
        }
    };
    let mut acc: HashMap<(usize, usize), Acc> = HashMap::new();
    for seg in project.findings() {
        let key = (seg.document, seg.chars.start, seg.chars.end);
        for node in nodes.of_codes(&seg.codes) {
            if let By::Document | By::All = by {
                let value = if *by == By::All { 0 } else { seg.document };
                let a = acc.entry((node, value)).or_default();
                a.refs.insert(key);
                a.participants.extend(&seg.participants);
                a.documents.insert(seg.document);
                continue;
            }
            let mut seen_values: Vec<usize> = Vec::new();
            for &p in &seg.participants {
                let Some(value) = value_of_participant[p] else {
                    continue;
                };
                let a = acc.entry((node, value)).or_default();
                a.participants.insert(p);
                if !seen_values.contains(&value) {
                    seen_values.push(value);
                    a.refs.insert(key);
                    a.documents.insert(seg.document);
                }
            }
        }
    }
    let counts = (0..nodes.names.len())
        .map(|n| {
            (0..values.len())
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
        values,
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
