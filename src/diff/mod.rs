//! What changed in an analysis between two loaded versions of its folder, for `thematic diff`:
//! codings added and removed per code and coder, codes added, removed, renamed, merged and
//! moved, counts per node and group, triangulation verdicts, and the report's quotes.
//!
//! Both versions are loaded by the same loader and analysed by the same functions as every
//! other command ([`count`], [`triangulate`], [`report::build`]); this module only compares
//! their results. A code renamed or merged (as `codebook rename` and `codebook merge` do) is
//! followed: its codings are not reported as removed and added.

pub mod render;

use crate::analysis::counts::{count, By};
use crate::analysis::nodes::{Level, UNSORTED};
use crate::analysis::triangulation::{triangulate, Thresholds};
use crate::codebook::Codebook;
use crate::project::Project;
use crate::report;
use clap::ValueEnum;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Everything that changed, each list in a fixed order.
#[derive(Debug, Default, Serialize)]
pub struct Diff {
    pub codes: Vec<CodeChange>,
    pub codings: Vec<CodingChange>,
    pub counts: Vec<CountChange>,
    pub verdicts: Vec<VerdictChange>,
    pub quotes: Vec<QuoteChange>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
            && self.codings.is_empty()
            && self.counts.is_empty()
            && self.verdicts.is_empty()
            && self.quotes.is_empty()
    }
}

/// A change to the codebook's codes.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum CodeChange {
    Added { code: String, place: String },
    Removed { code: String, place: String },
    Renamed { from: String, to: String },
    Merged { from: String, into: String },
    Moved { code: String, from: String, to: String },
}

/// Codings of one code by one coder that were added or removed.
#[derive(Debug, Serialize)]
pub struct CodingChange {
    pub code: String,
    pub coder: String,
    pub added: usize,
    pub removed: usize,
}

/// A node's counts in one group, before and after.
#[derive(Debug, Serialize)]
pub struct CountChange {
    pub level: &'static str,
    pub node: String,
    pub group: String,
    pub references: (usize, usize),
    pub participants: (usize, usize),
}

/// A triangulation row whose verdict changed (`None`: the row was not there).
#[derive(Debug, Serialize)]
pub struct VerdictChange {
    pub node: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A quote that entered or left the report.
#[derive(Debug, Serialize)]
pub struct QuoteChange {
    pub entered: bool,
    pub theme: String,
    pub subtheme: String,
    pub document: String,
    pub participant: String,
    pub quote: String,
}

/// Compares two versions of an analysis.
pub fn diff(before: &Project, after: &Project) -> Diff {
    let codes = code_changes(before, after);
    // What each old code is called now.
    let mut now: HashMap<&str, &str> = HashMap::new();
    for c in &codes {
        match c {
            CodeChange::Renamed { from, to } => now.insert(from, to),
            CodeChange::Merged { from, into } => now.insert(from, into),
            _ => None,
        };
    }
    let followed = |c: &str| -> String { now.get(c).copied().unwrap_or(c).to_string() };
    // The old version's counts under the new names: a merged code's node is the one it was
    // merged into (nodes of one name count a passage once).
    let renamed_before;
    let counted = if now.is_empty() {
        before
    } else {
        let mut p = before.clone();
        for code in &mut p.codebook.codes {
            code.id = followed(&code.id);
        }
        renamed_before = p;
        &renamed_before
    };
    let (counts, (verdicts, quotes)) = rayon::join(
        || count_changes(counted, after),
        || rayon::join(|| verdict_changes(before, after), || quote_changes(before, after)),
    );
    Diff {
        codings: coding_changes(before, after, &followed),
        codes,
        counts,
        verdicts,
        quotes,
    }
}

/// A coding: coder, document, quote, occurrence and code.
type Coding = (String, String, String, usize, String);

fn codings(project: &Project, rename: &dyn Fn(&str) -> String) -> HashSet<Coding> {
    let mut out = HashSet::new();
    for s in &project.segments {
        for &code in &s.codes {
            out.insert((
                project.coders[s.coder as usize].clone(),
                project.documents[s.document as usize].id.to_string(),
                project.quote_of(s).to_string(),
                s.occurrence.map_or(1, |n| n as usize),
                rename(&project.codebook.codes[code].id),
            ));
        }
    }
    out
}

fn coding_changes(before: &Project, after: &Project, followed: &dyn Fn(&str) -> String) -> Vec<CodingChange> {
    let old = codings(before, followed);
    let new = codings(after, &|c| c.to_string());
    let mut per: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for c in new.difference(&old) {
        per.entry((c.4.clone(), c.0.clone())).or_default().0 += 1;
    }
    for c in old.difference(&new) {
        per.entry((c.4.clone(), c.0.clone())).or_default().1 += 1;
    }
    per.into_iter()
        .map(|((code, coder), (added, removed))| CodingChange {
            code,
            coder,
            added,
            removed,
        })
        .collect()
}

/// Where a code sits: `Theme > Category`, `Theme`, or `(unsorted)`.
fn place(book: &Codebook, id: &str) -> String {
    let Some(c) = book.code(id).map(|i| &book.codes[i]) else {
        return String::new();
    };
    if c.unsorted {
        return UNSORTED.to_string();
    }
    let theme = c.theme.map(|t| book.themes[t].name.as_str());
    let cat = c.category.map(|k| book.categories[k].name.as_str());
    match (theme, cat) {
        (Some(t), Some(k)) => format!("{t} > {k}"),
        (Some(t), None) => t.to_string(),
        (None, Some(k)) => k.to_string(),
        (None, None) => "(no theme)".to_string(),
    }
}

/// The passages (coder, document, quote, occurrence) coded with each code.
fn passages_by_code(project: &Project) -> HashMap<String, BTreeSet<(String, String, String, usize)>> {
    let mut out: HashMap<String, BTreeSet<_>> = HashMap::new();
    for s in &project.segments {
        for &code in &s.codes {
            out.entry(project.codebook.codes[code].id.clone())
                .or_default()
                .insert((
                    project.coders[s.coder as usize].clone(),
                    project.documents[s.document as usize].id.to_string(),
                    project.quote_of(s).to_string(),
                    s.occurrence.map_or(1, |n| n as usize),
                ));
        }
    }
    out
}

fn code_changes(before: &Project, after: &Project) -> Vec<CodeChange> {
    let (ob, nb) = (&before.codebook, &after.codebook);
    let ids = |b: &Codebook| -> Vec<String> { b.codes.iter().map(|c| c.id.clone()).collect() };
    let (old_ids, new_ids) = (ids(ob), ids(nb));
    let mut removed: Vec<&String> = old_ids.iter().filter(|c| nb.code(c).is_none()).collect();
    let mut added: Vec<&String> = new_ids.iter().filter(|c| ob.code(c).is_none()).collect();
    let (old_passages, new_passages) = (passages_by_code(before), passages_by_code(after));
    let definition = |b: &Codebook, id: &str| -> String {
        b.code(id)
            .map(|i| b.codes[i].definition.replace(&format!("`{id}`"), ""))
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    // Renamed: a removed and an added code with the same definition, or the same passages.
    removed.retain(|&r| {
        let (def, passages) = (definition(ob, r), old_passages.get(r.as_str()));
        let found = added.iter().position(|&a| {
            let same_def = !def.trim().is_empty() && definition(nb, a) == def;
            let same_passages = passages.is_some() && new_passages.get(a.as_str()) == passages;
            same_def || same_passages
        });
        match found {
            Some(i) => {
                let a = added.remove(i);
                out.push(CodeChange::Renamed {
                    from: r.clone(),
                    to: a.clone(),
                });
                false
            }
            None => true,
        }
    });
    // Merged: a removed code whose passages all carry a code both versions have now, or that
    // one's `include: merged from` line names.
    // Codes both versions have, under their new names.
    let renamed_to: HashSet<String> = out
        .iter()
        .filter_map(|c| match c {
            CodeChange::Renamed { to, .. } => Some(to.clone()),
            _ => None,
        })
        .collect();
    let kept = |id: &str| ob.code(id).is_some() || renamed_to.contains(id);
    removed.retain(|&r| {
        let marker = format!("merged from {r}");
        let noted = nb
            .codes
            .iter()
            .find(|c| kept(&c.id) && c.include.iter().any(|i| i.starts_with(&marker)));
        let into = noted.map(|c| c.id.clone()).or_else(|| {
            let passages = old_passages.get(r.as_str())?;
            nb.codes
                .iter()
                .filter(|c| kept(&c.id) && c.id != *r)
                .find(|c| {
                    new_passages
                        .get(c.id.as_str())
                        .is_some_and(|p| passages.iter().all(|x| p.contains(x)))
                })
                .map(|c| c.id.clone())
        });
        match into {
            Some(into) => {
                out.push(CodeChange::Merged {
                    from: r.clone(),
                    into,
                });
                false
            }
            None => true,
        }
    });
    for r in removed {
        out.push(CodeChange::Removed {
            code: r.clone(),
            place: place(ob, r),
        });
    }
    for a in added {
        out.push(CodeChange::Added {
            code: a.clone(),
            place: place(nb, a),
        });
    }
    // Moved: the same code (or a renamed one) in another place.
    let renamed: HashMap<&str, &str> = out
        .iter()
        .filter_map(|c| match c {
            CodeChange::Renamed { from, to } => Some((from.as_str(), to.as_str())),
            _ => None,
        })
        .collect();
    let mut moved = Vec::new();
    for id in &old_ids {
        let new_id = renamed.get(id.as_str()).copied().unwrap_or(id);
        if nb.code(new_id).is_none() {
            continue;
        }
        let (from, to) = (place(ob, id), place(nb, new_id));
        if from != to {
            moved.push(CodeChange::Moved {
                code: new_id.to_string(),
                from,
                to,
            });
        }
    }
    out.extend(moved);
    out
}

/// References and participants, each before and after.
type BeforeAfter = ((usize, usize), (usize, usize));

fn count_changes(before: &Project, after: &Project) -> Vec<CountChange> {
    let mut out = Vec::new();
    for level in [Level::Theme, Level::Category, Level::Code] {
        let (old, new) = (
            count(before, level, &By::group()),
            count(after, level, &By::group()),
        );
        let mut table: BTreeMap<(usize, String, String), BeforeAfter> = BTreeMap::new();
        // Nodes in the after version's order, then those only the before version had.
        let order = |name: &str| {
            new.nodes
                .names
                .iter()
                .position(|n| n == name)
                .unwrap_or(usize::MAX)
        };
        for (stats, is_new) in [(&old, false), (&new, true)] {
            for (n, name) in stats.nodes.names.iter().enumerate() {
                let name = name.clone();
                for (v, group) in stats.values.iter().enumerate() {
                    let c = &stats.counts[n][v];
                    let e = table
                        .entry((order(&name), name.clone(), group.clone()))
                        .or_default();
                    if is_new {
                        e.0 .1 += c.references;
                        e.1 .1 += c.participants;
                    } else {
                        e.0 .0 += c.references;
                        e.1 .0 += c.participants;
                    }
                }
            }
        }
        let group_order = |g: &str| new.values.iter().position(|v| v == g).unwrap_or(usize::MAX);
        let mut rows: Vec<_> = table
            .into_iter()
            .filter(|(_, (r, p))| r.0 != r.1 || p.0 != p.1)
            .collect();
        rows.sort_by(|a, b| {
            (a.0 .0, &a.0 .1, group_order(&a.0 .2)).cmp(&(b.0 .0, &b.0 .1, group_order(&b.0 .2)))
        });
        out.extend(
            rows.into_iter()
                .map(|((_, node, group), (references, participants))| CountChange {
                    level: level.as_str(),
                    node,
                    group,
                    references,
                    participants,
                }),
        );
    }
    out
}

/// The triangulation as the folder's settings ask for it (`[triangulation] level` and `by`).
fn verdicts(project: &Project) -> Vec<(String, String)> {
    let settings = &project.config.triangulation;
    let level = Level::from_str(&settings.level, true).unwrap_or(Level::Theme);
    let by = By::parse(&settings.by, project).unwrap_or_else(|_| By::group());
    let tri = triangulate(
        project,
        level,
        &by,
        Thresholds {
            prominence_ratio: settings.prominence_ratio,
        },
    );
    tri.rows
        .iter()
        .map(|r| (r.node.clone(), r.verdict().as_str().to_string()))
        .collect()
}

fn verdict_changes(before: &Project, after: &Project) -> Vec<VerdictChange> {
    let (old, new) = (verdicts(before), verdicts(after));
    let old_map: HashMap<&str, &str> = old.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let new_map: HashMap<&str, &str> = new.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let mut out: Vec<VerdictChange> = new
        .iter()
        .filter(|(n, v)| old_map.get(n.as_str()) != Some(&v.as_str()))
        .map(|(n, v)| VerdictChange {
            node: n.clone(),
            before: old_map.get(n.as_str()).map(|s| s.to_string()),
            after: Some(v.clone()),
        })
        .collect();
    out.extend(
        old.iter()
            .filter(|(n, _)| !new_map.contains_key(n.as_str()))
            .map(|(n, v)| VerdictChange {
                node: n.clone(),
                before: Some(v.clone()),
                after: None,
            }),
    );
    out
}

/// The report's quotes (its `tables/quotes.csv`): theme, subtheme, document, participant,
/// quote.
fn report_quotes(project: &Project) -> Vec<[String; 5]> {
    let Ok(built) = report::build(std::sync::Arc::new(project.clone()), 0) else {
        return Vec::new();
    };
    let Some((_, csv)) = built.files.iter().find(|(name, _)| name == "tables/quotes.csv") else {
        return Vec::new();
    };
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    reader
        .records()
        .flatten()
        .map(|r| {
            let f = |i: usize| r.get(i).unwrap_or("").to_string();
            [f(0), f(1), f(2), f(3), f(6)]
        })
        .collect()
}

fn quote_changes(before: &Project, after: &Project) -> Vec<QuoteChange> {
    let (old, new) = rayon::join(|| report_quotes(before), || report_quotes(after));
    let key = |q: &[String; 5]| (q[2].clone(), q[3].clone(), q[4].clone());
    let old_keys: HashSet<_> = old.iter().map(key).collect();
    let new_keys: HashSet<_> = new.iter().map(key).collect();
    let change = |q: &[String; 5], entered: bool| QuoteChange {
        entered,
        theme: q[0].clone(),
        subtheme: q[1].clone(),
        document: q[2].clone(),
        participant: q[3].clone(),
        quote: q[4].clone(),
    };
    let mut out: Vec<QuoteChange> = new
        .iter()
        .filter(|q| !old_keys.contains(&key(q)))
        .map(|q| change(q, true))
        .collect();
    out.extend(
        old.iter()
            .filter(|q| !new_keys.contains(&key(q)))
            .map(|q| change(q, false)),
    );
    out
}
