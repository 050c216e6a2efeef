//! The thematic map as data: themes, their categories (subthemes) and codes as a tree, each
//! node with its references and participants, its lean (net polarity, as triangulation counts
//! it) and the group it is most prominent in, and the co-occurrence links between codes whose
//! c-coefficient reaches a threshold.

use super::breakdown::Where;
use super::cooccur::{cooccurrence, Unit};
use super::counts::{count_where, By};
use super::nodes::{Level, Nodes};
use super::triangulation::{passage_lean, triangulate_where, Thresholds};
use crate::project::Project;
use clap::ValueEnum;
use std::collections::HashMap;

/// What a node's size shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Size {
    #[default]
    References,
    Participants,
}

/// What a node's colour shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Colour {
    /// Net polarity: positive, negative, balanced, or no polarity.
    #[default]
    Lean,
    /// The group with the largest share of its participants coded.
    Group,
}

/// The colour class of one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Positive,
    Negative,
    /// Coded with polarity, net zero.
    Balanced,
    /// No polarity (or, by group, nobody coded).
    None,
    /// Most prominent in this group (index into [`ThematicMap::groups`]).
    Group(usize),
    /// Two or more groups share the largest share.
    Shared,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapNode {
    pub name: String,
    pub level: Level,
    /// References or participants, as `--size` says.
    pub value: usize,
    pub tone: Tone,
    /// For codes, the index of the code in [`ThematicMap::codes`]; for others their children.
    pub children: Vec<MapNode>,
    pub code: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Indices into [`ThematicMap::codes`].
    pub a: usize,
    pub b: usize,
    pub c: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThematicMap {
    pub size: Size,
    pub colour: Colour,
    pub groups: Vec<String>,
    /// Themes, each holding its categories and codes.
    pub themes: Vec<MapNode>,
    /// Code ids, in codebook order (the codes' node order).
    pub codes: Vec<String>,
    pub links: Vec<Link>,
    pub threshold: f64,
}

/// Per node of one level: its value and tone.
fn level_values(
    project: &Project,
    level: Level,
    size: Size,
    colour: Colour,
    filters: &[Where],
) -> (Nodes, Vec<usize>, Vec<Tone>) {
    let stats = count_where(project, level, &By::all(), filters);
    let values = (0..stats.nodes.names.len())
        .map(|n| {
            let t = stats.total(n);
            match size {
                Size::References => t.references,
                Size::Participants => t.participants,
            }
        })
        .collect();
    let tones = match colour {
        Colour::Lean => leans(project, &stats.nodes, filters),
        Colour::Group => {
            let tri = triangulate_where(project, level, &By::group(), filters, Thresholds::default());
            tri.rows
                .iter()
                .map(|row| {
                    let best = row.cells.iter().map(|c| c.share()).fold(0.0, f64::max);
                    let top: Vec<usize> = (0..row.cells.len())
                        .filter(|&g| best > 0.0 && row.cells[g].share() == best)
                        .collect();
                    match top.as_slice() {
                        [] => Tone::None,
                        [g] => Tone::Group(*g),
                        _ => Tone::Shared,
                    }
                })
                .collect()
        }
    };
    (stats.nodes, values, tones)
}

/// Net polarity per node over the findings' passages that pass `filters`, as triangulation
/// counts it (a passage's own polarity included).
fn leans(project: &Project, nodes: &Nodes, filters: &[Where]) -> Vec<Tone> {
    let mut polarity: Vec<HashMap<(usize, usize, usize), i64>> = vec![HashMap::new(); nodes.names.len()];
    for seg in super::breakdown::findings(project, filters) {
        let key = (seg.document as usize, seg.chars.start(), seg.chars.end());
        for node in nodes.of_codes(&seg.codes) {
            if let Some(lean) = passage_lean(project, nodes, seg, node) {
                polarity[node].insert(key, lean);
            }
        }
    }
    polarity
        .iter()
        .map(|p| match p.values().sum::<i64>() {
            _ if p.is_empty() => Tone::None,
            n if n > 0 => Tone::Positive,
            n if n < 0 => Tone::Negative,
            _ => Tone::Balanced,
        })
        .collect()
}

/// Builds the map: every theme, category and code of the codebook (codes outside a theme
/// under "(no theme)", unsorted ones under "(unsorted)"), and the links at or above
/// `threshold` on the passage c-coefficient; counted on the evidence that passes `filters`
/// (`--where`).
pub fn thematic_map(
    project: &Project,
    size: Size,
    colour: Colour,
    threshold: f64,
    filters: &[Where],
) -> ThematicMap {
    let (codes, code_value, code_tone) = level_values(project, Level::Code, size, colour, filters);
    let (cats, cat_value, cat_tone) = level_values(project, Level::Category, size, colour, filters);
    let (themes, theme_value, theme_tone) = level_values(project, Level::Theme, size, colour, filters);
    let book = &project.codebook;
    let code_node = |ci: usize| {
        let n = codes.of_code[ci];
        MapNode {
            name: codes.names[n].clone(),
            level: Level::Code,
            value: code_value[n],
            tone: code_tone[n],
            children: Vec::new(),
            code: Some(n),
        }
    };
    let mut out: Vec<MapNode> = Vec::new();
    for t in 0..themes.names.len() {
        // The theme's categories in codebook order, then its codes outside any category.
        let in_theme = |ci: usize| themes.of_code[ci] == t;
        let mut children = Vec::new();
        for k in 0..cats.names.len() {
            let mine: Vec<usize> = (0..book.codes.len())
                .filter(|&ci| in_theme(ci) && cats.of_code[ci] == k && book.codes[ci].category.is_some())
                .collect();
            let declared = book.categories.get(k).is_some_and(|c| c.theme == Some(t));
            if mine.is_empty() && !declared {
                continue;
            }
            children.push(MapNode {
                name: cats.names[k].clone(),
                level: Level::Category,
                value: cat_value[k],
                tone: cat_tone[k],
                children: mine.into_iter().map(code_node).collect(),
                code: None,
            });
        }
        children.extend(
            (0..book.codes.len())
                .filter(|&ci| in_theme(ci) && book.codes[ci].category.is_none())
                .map(code_node),
        );
        out.push(MapNode {
            name: themes.names[t].clone(),
            level: Level::Theme,
            value: theme_value[t],
            tone: theme_tone[t],
            children,
            code: None,
        });
    }
    let co = cooccurrence(project, Level::Code, Unit::Passage, filters);
    let links = co
        .pairs
        .iter()
        .filter_map(|p| {
            let c = p.c()?;
            (p.n_ab > 0 && c >= threshold).then_some(Link { a: p.a, b: p.b, c })
        })
        .collect();
    ThematicMap {
        size,
        colour,
        groups: project.participants.groups.clone(),
        themes: out,
        codes: codes.names,
        links,
        threshold,
    }
}
