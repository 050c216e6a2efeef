//! From a REFI-QDA code tree to `codebook.md`.
//!
//! The tree's levels become thematic's: a top-level code with children is a **theme**, a
//! second-level code with children a **category**, and every other code a **code**. Codes
//! deeper than the third level keep their path in their id (`risks/poison`), so no code is
//! lost and the hierarchy can be rebuilt on export. Special cases:
//! - a top-level code without children is a code under no theme (listed first in
//!   codebook.md, where `check` notes it sits under no theme), unless it is not codable and
//!   has no codings, when it is an empty theme;
//! - a second-level code without children is a code directly under its theme, unless it is
//!   not codable and has no codings, when it is an empty category;
//! - a theme or category that was itself coded gets a code of its own (its name as id),
//!   first under it, to carry those codings;
//! - ATLAS.ti's flattened names (`Parent::Child`) are unfolded into the tree first; a code
//!   named `Parent` is that parent, listed before its children or after them.
//!
//! Ids are handed out in the order the codebook lists them, so exporting and importing again
//! gives the same ids.

use super::names::{definition, one_line, slug, split_rules, Unique};
use super::qde;
use std::collections::{HashMap, HashSet};

/// A code of the tree, names unfolded.
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub guid: Option<String>,
    pub name: String,
    pub codable: bool,
    /// Whether any coding refers to it.
    pub coded: bool,
    pub description: String,
    pub children: Vec<Node>,
    /// The line of the code in the XML (of the code whose name made it, for a parent).
    pub line: usize,
}

/// The deepest a code may sit, counting its parents and the parts of an `A::B` name: far
/// beyond any codebook people read (REFI-QDA trees are rarely ten deep), and shallow enough
/// that the ids of nested codes (`a/b/c`) stay short.
pub const MAX_DEPTH: usize = 64;

/// The longest code id an import writes, in bytes: a nested code's id holds its parents'.
pub const MAX_ID_LEN: usize = 1000;

/// Why a code tree is not imported: the message and the line of the code in the XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooBig {
    pub line: usize,
    pub message: String,
}

/// A name as a message shows it: at most 60 characters.
fn shown(name: &str) -> String {
    let flat = one_line(name);
    match flat.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

/// The tree with `A::B` names unfolded into `A` > `B`; refused when a code sits deeper than
/// [`MAX_DEPTH`].
pub fn unfold(codes: &[qde::Code], coded: &HashSet<String>) -> Result<Vec<Node>, TooBig> {
    unfold_at(codes, coded, 0)
}

fn unfold_at(codes: &[qde::Code], coded: &HashSet<String>, depth: usize) -> Result<Vec<Node>, TooBig> {
    let mut out: Vec<Node> = Vec::new();
    for c in codes {
        let parts: Vec<&str> = c
            .name
            .split("::")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let levels = depth + parts.len().max(1);
        if levels > MAX_DEPTH {
            return Err(TooBig {
                line: c.line,
                message: format!(
                    "code `{}` sits {levels} levels deep (its parents and the parts of its `A::B` name): thematic imports code trees at most {MAX_DEPTH} levels deep",
                    shown(&c.name)
                ),
            });
        }
        let node = Node {
            guid: Some(c.guid.clone()),
            name: String::new(),
            codable: c.codable,
            coded: coded.contains(&c.guid),
            description: c.description.clone(),
            children: unfold_at(&c.children, coded, levels)?,
            line: c.line,
        };
        place(&mut out, &parts, node);
    }
    Ok(out)
}

/// Puts `node` at `path` under `siblings`, making the parents the path names that are not
/// there yet. A loop, not recursion: the path is as long as a name has parts.
fn place(siblings: &mut Vec<Node>, path: &[&str], mut node: Node) {
    let (parents, last) = match path {
        [] => (path, None),
        [parents @ .., last] => (parents, Some(*last)),
    };
    let mut level = siblings;
    for first in parents {
        let at = match level.iter().position(|s| s.name == *first) {
            Some(i) => i,
            None => {
                level.push(Node {
                    name: first.to_string(),
                    line: node.line,
                    ..Node::default()
                });
                level.len() - 1
            }
        };
        level = &mut level[at].children;
    }
    node.name = last.map_or_else(|| "(unnamed)".to_string(), one_line);
    // ATLAS.ti may list `Coke::diet Coke` before `Coke` itself: the parent unfolded from the
    // child's name is then a placeholder, and the code is that parent, not a second node of
    // the same name beside it.
    match level.iter_mut().find(|s| s.guid.is_none() && s.name == node.name) {
        Some(placeholder) => {
            let children = std::mem::take(&mut placeholder.children);
            *placeholder = Node {
                children: children.into_iter().chain(node.children).collect(),
                ..node
            };
        }
        None => level.push(node),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeEntry {
    pub id: String,
    pub definition: String,
    pub rules: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct CategoryEntry {
    pub name: String,
    pub description: String,
    pub codes: Vec<CodeEntry>,
}

#[derive(Debug, Clone, Default)]
pub struct ThemeEntry {
    pub name: String,
    pub description: String,
    pub codes: Vec<CodeEntry>,
    pub categories: Vec<CategoryEntry>,
}

/// The codebook to write, and which code id each REFI code became.
#[derive(Debug, Default)]
pub struct Plan {
    pub ungrouped: Vec<CodeEntry>,
    pub themes: Vec<ThemeEntry>,
    /// REFI code GUID → code id (themes and categories that were coded map to their own code).
    pub ids: HashMap<String, String>,
    /// Code id → its place in the codebook, to order a row's codes.
    pub order: HashMap<String, usize>,
}

impl Plan {
    pub fn categories(&self) -> usize {
        self.themes.iter().map(|t| t.categories.len()).sum()
    }

    pub fn codes(&self) -> usize {
        self.order.len()
    }
}

/// Maps the tree onto themes, categories and codes; refused when a code's id would be longer
/// than [`MAX_ID_LEN`].
pub fn plan(nodes: &[Node]) -> Result<Plan, TooBig> {
    let mut p = Planner::default();
    let is_code_leaf = |n: &Node| n.children.is_empty() && (n.codable || n.coded);
    for n in nodes.iter().filter(|n| is_code_leaf(n)) {
        let entry = p.code(&slug(&n.name), n);
        p.plan.ungrouped.push(entry);
    }
    for t in nodes.iter().filter(|n| !is_code_leaf(n)) {
        let mut theme = ThemeEntry {
            name: t.name.clone(),
            description: block_text(&t.description),
            ..ThemeEntry::default()
        };
        if t.coded {
            theme.codes.push(p.own_code(t));
        }
        for n in t.children.iter().filter(|n| is_code_leaf(n)) {
            let entry = p.code(&slug(&n.name), n);
            theme.codes.push(entry);
        }
        for c in t.children.iter().filter(|n| !is_code_leaf(n)) {
            let mut category = CategoryEntry {
                name: c.name.clone(),
                description: block_text(&c.description),
                codes: Vec::new(),
            };
            if c.coded {
                category.codes.push(p.own_code(c));
            }
            for n in &c.children {
                p.subtree(n, None, &mut category.codes);
            }
            theme.categories.push(category);
        }
        p.plan.themes.push(theme);
    }
    match p.too_long {
        Some(e) => Err(e),
        None => Ok(p.plan),
    }
}

#[derive(Default)]
struct Planner {
    plan: Plan,
    unique: Unique,
    /// The first code whose id would be too long.
    too_long: Option<TooBig>,
}

impl Planner {
    fn code(&mut self, base: &str, n: &Node) -> CodeEntry {
        if base.len() > MAX_ID_LEN && self.too_long.is_none() {
            self.too_long = Some(TooBig {
                line: n.line,
                message: format!(
                    "code `{}`: its id (which holds its parents', `a/b/c`) would be {} characters long, more than the {MAX_ID_LEN} an import writes",
                    shown(&n.name),
                    base.len()
                ),
            });
        }
        let id = self.unique.take(base);
        let (text, rules) = split_rules(&n.description);
        if let Some(g) = &n.guid {
            self.plan.ids.insert(g.clone(), id.clone());
        }
        let order = self.plan.order.len();
        self.plan.order.insert(id.clone(), order);
        CodeEntry {
            definition: definition(&id, &n.name, &text),
            id,
            rules,
        }
    }

    /// The code that carries the codings of a theme or category itself.
    fn own_code(&mut self, n: &Node) -> CodeEntry {
        let own = Node {
            description: String::new(),
            children: Vec::new(),
            ..n.clone()
        };
        self.code(&slug(&n.name), &own)
    }

    fn subtree(&mut self, n: &Node, parent: Option<&str>, out: &mut Vec<CodeEntry>) {
        if self.too_long.is_some() {
            return;
        }
        let base = match parent {
            Some(p) => format!("{p}/{}", slug(&n.name)),
            None => slug(&n.name),
        };
        let entry = self.code(&base, n);
        if self.too_long.is_some() {
            return;
        }
        let id = entry.id.clone();
        out.push(entry);
        for c in &n.children {
            self.subtree(c, Some(&id), out);
        }
    }
}

/// A theme's or category's description as Markdown that codebook.md reads back unchanged:
/// lines trimmed, blank lines between paragraphs, and a backslash before anything at the
/// start of a line that Markdown would take for a heading, list or other block.
pub fn block_text(description: &str) -> String {
    let mut paragraphs: Vec<Vec<String>> = vec![Vec::new()];
    // A lone CR ends a line as it does in codebook.md (a `.qdc` may hold `&#13;`).
    for (line, _) in crate::codebook::source_lines(description) {
        let line = line.trim();
        if line.is_empty() {
            if !paragraphs.last().is_some_and(Vec::is_empty) {
                paragraphs.push(Vec::new());
            }
            continue;
        }
        paragraphs
            .last_mut()
            .expect("one paragraph at least")
            .push(escape_line_start(line));
    }
    paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn escape_line_start(line: &str) -> String {
    let starts_block = line.starts_with(['#', '-', '*', '+', '>', '=', '_', '`', '~', '<', '|', '[']) || {
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        (1..=9).contains(&digits) && line[digits..].starts_with(['.', ')'])
    };
    if starts_block {
        format!("\\{line}")
    } else {
        line.to_string()
    }
}

/// A name as heading text: Markdown punctuation escaped so the heading reads back as written.
pub fn heading_text(name: &str) -> String {
    let chars: Vec<char> = one_line(name).chars().collect();
    let mut out = String::with_capacity(chars.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '&' | '#' | '!' | '~' | '|' => true,
            '_' => {
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + 1).copied();
                !(before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric))
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    if out.is_empty() {
        out.push_str("(unnamed)");
    }
    out
}

/// The text of codebook.md for a plan.
pub fn render(plan: &Plan) -> String {
    let mut out = String::new();
    write_codes(&mut out, &plan.ungrouped);
    for t in &plan.themes {
        push_block(&mut out, &format!("# {}", heading_text(&t.name)));
        if !t.description.is_empty() {
            push_block(&mut out, &t.description);
        }
        write_codes(&mut out, &t.codes);
        for c in &t.categories {
            push_block(&mut out, &format!("## {}", heading_text(&c.name)));
            if !c.description.is_empty() {
                push_block(&mut out, &c.description);
            }
            write_codes(&mut out, &c.codes);
        }
    }
    if out.is_empty() {
        out.push_str("# Themes\n");
    }
    out
}

fn push_block(out: &mut String, block: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(block);
    out.push('\n');
}

fn write_codes(out: &mut String, codes: &[CodeEntry]) {
    if codes.is_empty() {
        return;
    }
    let mut list = String::new();
    for c in codes {
        list.push_str(&format!("- `{}`", c.id));
        if !c.definition.is_empty() {
            list.push_str(" — ");
            list.push_str(&c.definition);
        }
        list.push('\n');
        for (k, v) in &c.rules {
            list.push_str(&format!("  - {k}: {v}\n"));
        }
    }
    push_block(out, list.trim_end());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::Codebook;
    use crate::diagnostics::Diagnostics;

    fn code(guid: &str, name: &str, children: Vec<qde::Code>) -> qde::Code {
        qde::Code {
            guid: guid.into(),
            name: name.into(),
            codable: true,
            children,
            ..qde::Code::default()
        }
    }

    #[test]
    fn levels_become_themes_categories_and_codes() {
        let tree = vec![
            code("flat", "Flat code", vec![]),
            code(
                "t",
                "1. Barriers",
                vec![
                    code("leaf", "Leaf", vec![]),
                    code(
                        "cat",
                        "Risks",
                        vec![
                            code("poison", "Poison", vec![code("deep", "Deep one", vec![])]),
                            code("p2", "poison", vec![]),
                        ],
                    ),
                ],
            ),
            code("", "SYS::REQ1", vec![]),
        ];
        let coded: HashSet<String> = ["t".to_string()].into();
        let plan = plan(&unfold(&tree, &coded).unwrap()).unwrap();
        assert_eq!(plan.ungrouped[0].id, "flat-code");
        assert_eq!(plan.ungrouped[0].definition, "Flat code");
        let t = &plan.themes[0];
        assert_eq!(t.name, "1. Barriers");
        assert_eq!(
            t.codes.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["1-barriers", "leaf"]
        );
        let ids: Vec<&str> = t.categories[0].codes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["poison", "poison/deep-one", "poison-2"]);
        assert_eq!(plan.ids["t"], "1-barriers");
        assert_eq!(plan.ids["deep"], "poison/deep-one");
        assert_eq!(plan.themes[1].name, "SYS");
        assert_eq!(plan.themes[1].codes[0].id, "req1");
    }

    #[test]
    fn a_flattened_parent_listed_after_its_children_is_one_theme_not_two_nodes() {
        // ATLAS.ti 8.4's standard project lists `Coke::full-fat Coke` and `Coke::diet Coke`
        // before the code `Coke`; the import made a theme `Coke` and a code `coke` beside it.
        let mut parent = code("coke", "Coke", vec![]);
        parent.description = "the breakfast of champions".into();
        let tree = vec![
            code("full", "Coke::full-fat Coke", vec![]),
            code("diet", "Coke::diet Coke", vec![]),
            parent,
            code("later", "Coke::zero", vec![]),
        ];
        let nodes = unfold(&tree, &HashSet::new()).unwrap();
        assert_eq!(nodes.len(), 1, "{nodes:#?}");
        assert_eq!(nodes[0].guid.as_deref(), Some("coke"));
        let children: Vec<&str> = nodes[0].children.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(children, ["full-fat Coke", "diet Coke", "zero"]);
        let plan = plan(&nodes).unwrap();
        assert!(plan.ungrouped.is_empty());
        assert_eq!(plan.themes[0].description, "the breakfast of champions");
        let ids: Vec<&str> = plan.themes[0].codes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["full-fat-coke", "diet-coke", "zero"]);
        // Coded, it carries its codings in a code of its own, as a nested parent does.
        let coded: HashSet<String> = ["coke".to_string()].into();
        let plan = super::plan(&unfold(&tree, &coded).unwrap()).unwrap();
        assert_eq!(plan.ids["coke"], "coke");
        assert_eq!(plan.themes[0].codes[0].id, "coke");
    }

    #[test]
    fn deep_names_and_long_ids_are_refused_not_recursed() {
        let mut deep = code("d", &vec!["A"; 100_000].join("::"), vec![]);
        deep.line = 7;
        let e = unfold(&[deep], &HashSet::new()).unwrap_err();
        assert_eq!(e.line, 7);
        assert!(e.message.contains("100000 levels deep"), "{e:?}");
        // Nesting and name parts count together.
        let nested = code(
            "n",
            &vec!["A"; 60].join("::"),
            vec![code("m", "B::C::D::E::F", vec![])],
        );
        assert!(unfold(&[nested], &HashSet::new()).is_err());
        let ok = vec!["A"; MAX_DEPTH].join("::");
        let nodes = unfold(&[code("k", &ok, vec![])], &HashSet::new()).unwrap();
        let plan = plan(&nodes).unwrap();
        assert_eq!(plan.codes(), 62);
        let long = vec!["x".repeat(100); 12].join("::");
        let e = plan_of(&long).unwrap_err();
        assert!(e.message.contains("characters long"), "{e:?}");
    }

    fn plan_of(name: &str) -> Result<Plan, TooBig> {
        plan(&unfold(&[code("k", name, vec![])], &HashSet::new()).unwrap())
    }

    #[test]
    fn rendered_codebook_reads_back() {
        let mut tree = vec![code(
            "t",
            "A *theme* #1 [x] rq1_def _x_",
            vec![code("c", "Cat & co", vec![code("k", "Kode", vec![])])],
        )];
        tree[0].description = "# not a heading\n- not a list\n\n\n1. not a list\ntext  \n".into();
        tree[0].children[0].children[0].description =
            "Line one\nline two\ninclude: this\npolarity: negative".into();
        let plan = plan(&unfold(&tree, &HashSet::new()).unwrap()).unwrap();
        let md = render(&plan);
        let mut d = Diagnostics::default();
        let book = Codebook::parse(&md, "codebook.md", &mut d);
        assert!(d.is_empty(), "{md}");
        assert_eq!(book.themes[0].name, "A *theme* #1 [x] rq1_def _x_");
        assert_eq!(book.themes[0].description, plan.themes[0].description);
        assert_eq!(book.categories[0].name, "Cat & co");
        let k = &book.codes[0];
        assert_eq!(k.id, "kode");
        assert_eq!(k.definition, "Kode — Line one line two");
        assert_eq!(k.include, ["this"]);
        assert_eq!(k.polarity, Some(crate::codebook::Polarity::Negative));
    }
}
