//! The evidence a report template calls for: each function gives a piece of the report as
//! Markdown (escaped: nothing from the project's files becomes markup) and keeps what it
//! placed (quotes, figures, tables) for the files written beside `report.md`.
//!
//! The built-in template (`report.md.j2`) and the analyst's own call the same functions, so the
//! same rules hold in both: no passage quoted twice, no one past `max_quote_share`, every
//! quote verbatim and attributed.

use super::markdown as md;
use super::{plural, quotes, redact_table, svg, Placed};
use crate::analysis::breakdown::{self, Breakdown, By, Key, Where};
use crate::analysis::counts::count_where;
use crate::analysis::nodes::Level;
use crate::analysis::triangulation::{triangulate_where, Thresholds, Triangulation};
use crate::codebook::CodeIdx;
use crate::output::{Cell, Table};
use crate::project::Project;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};

/// The project and what the template's calls have placed so far.
pub(crate) struct Evidence {
    pub project: std::sync::Arc<Project>,
    pub load_errors: usize,
    /// `--where` and `[report] where`: only this evidence counts and is quoted.
    pub filters: Vec<Where>,
    /// The stakeholder groups compared per theme, the report's first triangulation.
    pub tri: Triangulation,
    pub group_labels: Vec<String>,
    placing: Mutex<Placing>,
}

/// What has been placed in the report so far.
pub(crate) struct Placing {
    pub ledger: quotes::Ledger,
    pub placed: Vec<Placed>,
    /// Figures by path (`figures/map.svg`), as SVG.
    pub figures: BTreeMap<String, String>,
    /// Tables by name (`tables/over.csv`), redacted, in the order first placed.
    pub tables: Vec<(String, Table)>,
}

impl Placing {
    pub fn table(&mut self, name: &str, table: Table) {
        if !self.tables.iter().any(|(n, _)| n == name) {
            self.tables.push((name.to_string(), table));
        }
    }
}

/// A node of the code tree the template names: a theme or category by name (any case), a code
/// by id.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub level: Level,
    /// The node's name as the level's [`Nodes`] names it.
    pub name: String,
    pub codes: Vec<CodeIdx>,
}

impl Evidence {
    pub fn new(project: std::sync::Arc<Project>, load_errors: usize, filters: Vec<Where>) -> Evidence {
        let tri = triangulate_where(
            &project,
            Level::Theme,
            &By::group(),
            &filters,
            thresholds(&project),
        );
        let group_labels = tri
            .groups
            .iter()
            .map(|g| project.config.group_label(g).to_string())
            .collect();
        let book = &project.codebook;
        // The share cap in quotes: of as many quotes as the built-in report could hold.
        let slots = book.categories.iter().filter(|c| c.theme.is_some()).count()
            + (0..book.themes.len())
                .filter(|&t| {
                    book.codes
                        .iter()
                        .any(|c| c.theme == Some(t) && c.category.is_none())
                })
                .count();
        let planned = slots * project.config.report.quotes_per_subtheme;
        let cap = (planned as f64 * project.config.report.max_quote_share).ceil() as usize;
        Evidence {
            placing: Mutex::new(Placing {
                ledger: quotes::Ledger::new(cap),
                placed: Vec::new(),
                figures: BTreeMap::new(),
                tables: Vec::new(),
            }),
            project,
            load_errors,
            filters,
            tri,
            group_labels,
        }
    }

    pub fn placing(&self) -> MutexGuard<'_, Placing> {
        // A poisoned lock only means a call panicked; what it placed is still consistent.
        self.placing.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn redact(&self, s: &str) -> String {
        self.project.redactions.apply(s)
    }

    pub fn title(&self) -> String {
        let title = self
            .project
            .config
            .project
            .title
            .clone()
            .unwrap_or_else(|| "Thematic analysis".to_string());
        self.redact(&title)
    }

    /// The title block: the title, then the authors and the date from `[project]` (settings,
    /// so two runs give the same bytes).
    pub fn title_block(&self) -> String {
        let mut out = format!("# {}", md::text(&self.title()));
        let settings = &self.project.config.project;
        let mut lines = Vec::new();
        if !settings.authors.is_empty() {
            lines.push(md::text(&self.redact(&settings.authors.join(", "))));
        }
        if let Some(date) = &settings.date {
            lines.push(md::text(date));
        }
        if !lines.is_empty() {
            out.push_str("\n\n");
            // A hard line break between the authors and the date.
            out.push_str(&lines.join("  \n"));
        }
        out
    }

    /// The attribute of the change-over-time section (`[report] over`), when it is one.
    pub fn over_key(&self) -> Option<Key> {
        let attribute = self.project.config.report.over.as_ref()?;
        Key::parse(attribute, &self.project).ok()
    }

    /// The node a template names, or an error listing the nearest.
    pub fn node(&self, name: &str) -> Result<Node, String> {
        let book = &self.project.codebook;
        if let Some(c) = book.code(name) {
            return Ok(Node {
                level: Level::Code,
                name: book.codes[c].id.clone(),
                codes: vec![c],
            });
        }
        if let Some(t) = book.themes.iter().position(|t| t.name.eq_ignore_ascii_case(name)) {
            return Ok(Node {
                level: Level::Theme,
                name: book.themes[t].name.clone(),
                codes: (0..book.codes.len())
                    .filter(|&c| book.codes[c].theme == Some(t))
                    .collect(),
            });
        }
        if let Some(k) = book
            .categories
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
        {
            return Ok(Node {
                level: Level::Category,
                name: book.categories[k].name.clone(),
                codes: (0..book.codes.len())
                    .filter(|&c| book.codes[c].category == Some(k))
                    .collect(),
            });
        }
        let known = book
            .themes
            .iter()
            .map(|t| t.name.as_str())
            .chain(book.categories.iter().map(|c| c.name.as_str()))
            .chain(book.codes.iter().map(|c| c.id.as_str()));
        Err(format!(
            "`{name}` is no theme, category or code of the codebook{}",
            crate::diagnostics::did_you_mean(name, known)
        ))
    }

    /// The summary paragraph: participants per group, documents, coders, the code tree.
    pub fn summary(&self) -> String {
        super::summary(&self.project, &self.group_labels)
    }

    /// Each theme (redacted), its subthemes (categories, redacted, `; `-separated) and its
    /// number of codes.
    fn theme_rows(&self) -> Vec<(String, String, usize)> {
        let book = &self.project.codebook;
        book.themes
            .iter()
            .enumerate()
            .map(|(t, theme)| {
                let cats: Vec<&str> = book
                    .categories
                    .iter()
                    .filter(|c| c.theme == Some(t))
                    .map(|c| c.name.as_str())
                    .collect();
                let n_codes = book.codes.iter().filter(|c| c.theme == Some(t)).count();
                (self.redact(&theme.name), self.redact(&cats.join("; ")), n_codes)
            })
            .collect()
    }

    /// The themes and their subthemes (categories), with their number of codes.
    pub fn themes_table(&self) -> String {
        let mut out = String::from("| Theme | Subthemes | Codes |\n|---|---|---:|");
        for (theme, cats, n_codes) in self.theme_rows() {
            let _ = write!(
                out,
                "\n| {} | {} | {n_codes} |",
                md::text(&theme),
                md::text(&cats)
            );
        }
        out
    }

    /// The themes table as data, for `tables/themes.csv`.
    pub fn themes_data(&self) -> Table {
        let mut table = Table::new(&["theme", "subthemes", "codes"]);
        for (theme, cats, n_codes) in self.theme_rows() {
            table.push(vec![theme.into(), cats.into(), n_codes.into()]);
        }
        table
    }

    /// The triangulation matrix of a comparison (`group`, `site`, `site,wave`) at a level.
    pub fn triangulation(&self, by: &str, level: Level) -> Result<String, String> {
        let by = By::parse(by, &self.project).map_err(|e| format!("{e:#}"))?;
        let tri = if by == By::group() && level == Level::Theme {
            self.tri.clone()
        } else {
            triangulate_where(
                &self.project,
                level,
                &by,
                &self.filters,
                thresholds(&self.project),
            )
        };
        let labels: Vec<String> = tri
            .groups
            .iter()
            .map(|v| breakdown::label(&self.project, &by, v))
            .collect();
        let mut data = tri.table();
        redact_table(&mut data, &|s| self.redact(s));
        let name = if by == By::group() && level == Level::Theme {
            "tables/triangulation.csv".to_string()
        } else {
            format!(
                "tables/triangulation-{}-{}.csv",
                file_part(&by.name()),
                level.as_str()
            )
        };
        self.placing().table(&name, data);
        let heading = match level {
            Level::Theme => "Theme",
            Level::Category => "Subtheme",
            Level::Code => "Code",
        };
        Ok(
            super::triangulation_table(&tri, &labels, heading, &|s| self.redact(s))
                .trim_end()
                .to_string(),
        )
    }

    /// The comparisons of `[report] compare` besides `group`: each one's `--by` name and its
    /// heading.
    pub fn comparisons(&self) -> Vec<(String, String)> {
        self.project
            .config
            .report
            .compare
            .iter()
            .filter(|c| c.as_str() != "group")
            .filter_map(|name| By::parse(name, &self.project).ok().map(|by| (name, by)))
            .map(|(name, by)| (name.clone(), md::text(&by.name().replace(',', " and "))))
            .collect()
    }

    /// The change-over-time section's body (`[report] over`): the text, the table and the
    /// figure; empty without `over`.
    pub fn change_over_time(&self) -> String {
        let project = &self.project;
        let Some(key) = self.over_key() else {
            return String::new();
        };
        let over = crate::analysis::over::over(project, Level::Theme, &key, &self.filters);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Each theme's participants coded out of the participants at each {} (n/N), the coded passages in brackets and the share; *emerged*: absent at the first {} and present later; *faded*: present, then absent at the last. The panel is the {} people present at every {}, with how many of them were coded at the theme at each.\n",
            md::text(&over.attribute),
            md::text(&over.attribute),
            over.panel,
            md::text(&over.attribute)
        );
        // Values as people read them (`[labels.wave]`), as `stats --over` shows them.
        let mut table = over.wide();
        redact_table(&mut table, &|s| self.redact(s));
        out.push_str(&table.render(crate::output::Format::Md));
        out.push('\n');
        if let Some(note) = over.note() {
            let _ = writeln!(out, "Note: {}\n", md::text(&self.redact(&note)));
        }
        out.push_str("![Participants coded per theme over time](figures/over.svg)");
        let svg = svg::over::small_multiples(
            &format!("Participants coded per {}, by theme", over.attribute),
            &over.rows.iter().map(|r| self.redact(&r.node)).collect::<Vec<_>>(),
            &over.labels,
            &over
                .rows
                .iter()
                .map(|r| r.cells.iter().map(|&(n, of, _)| (n, of)).collect())
                .collect::<Vec<_>>(),
        );
        let mut tidy = over.tidy();
        redact_table(&mut tidy, &|s| self.redact(s));
        let mut placing = self.placing();
        placing.figures.insert("figures/over.svg".into(), svg);
        placing.table("tables/over.csv", tidy);
        out
    }

    /// Up to `n` quotes for the codes `in_node`, as block quotes, placed in the report under
    /// `theme` and `category` (for `tables/quotes.csv`).
    fn quote_block(
        &self,
        in_node: &dyn Fn(CodeIdx) -> bool,
        n: usize,
        theme: &str,
        category: &str,
    ) -> (String, usize) {
        let project = &self.project;
        let settings = &project.config.report;
        let mut placing = self.placing();
        let qs = quotes::choose(
            project,
            in_node,
            &self.filters,
            n,
            settings.quote_max_chars,
            &mut placing.ledger,
        );
        let mut out = String::new();
        for q in &qs {
            let _ = writeln!(
                out,
                "> {} {}\n",
                md::text(&project.redact_quote(&q.text)),
                md::text(&self.redact(&self.attribution(q)))
            );
        }
        let count = qs.len();
        placing.placed.extend(qs.into_iter().map(|quote| Placed {
            theme: theme.to_string(),
            category: category.to_string(),
            quote,
        }));
        (out, count)
    }

    /// How a quote is attributed: `[report] attribution` for a participant,
    /// `attribution_document` for a document nobody speaks in.
    pub fn attribution(&self, q: &quotes::Quote) -> String {
        let project = &self.project;
        let document = |a: &str| {
            project
                .document_attributes
                .get(q.document, a)
                .unwrap_or("")
                .to_string()
        };
        match q.participant {
            Some(p) => project.attribute(p, q.document),
            None => project
                .document_attribution
                .render(&project.documents[q.document].id, &document),
        }
    }

    /// `quotes(node, n)`: up to `n` quotes for a theme, category or code.
    pub fn quotes(&self, node: &Node, n: usize) -> String {
        let book = &self.project.codebook;
        let (theme, category) = match node.level {
            Level::Theme => (node.name.clone(), String::new()),
            Level::Category => {
                let k = book.categories.iter().find(|c| c.name == node.name);
                (
                    k.and_then(|k| k.theme)
                        .map_or(String::new(), |t| book.themes[t].name.clone()),
                    node.name.clone(),
                )
            }
            Level::Code => {
                let c = &book.codes[node.codes[0]];
                (
                    c.theme.map_or(String::new(), |t| book.themes[t].name.clone()),
                    c.category
                        .map_or(String::new(), |k| book.categories[k].name.clone()),
                )
            }
        };
        let (out, _) = self.quote_block(&|c| node.codes.contains(&c), n, &theme, &category);
        out.trim_end().to_string()
    }

    /// The findings: per theme its description and per subtheme its description and quotes.
    pub fn findings(&self) -> String {
        let book = &self.project.codebook;
        let per = self.project.config.report.quotes_per_subtheme;
        let mut out = String::new();
        for (t, theme) in book.themes.iter().enumerate() {
            let _ = writeln!(out, "### {}. {}\n", t + 1, md::text(&self.redact(&theme.name)));
            if !theme.description.is_empty() {
                let _ = writeln!(out, "{}\n", md::prose(&self.redact(&theme.description)));
            }
            let direct = |c: CodeIdx| book.codes[c].theme == Some(t) && book.codes[c].category.is_none();
            if book.codes.iter().enumerate().any(|(i, _)| direct(i)) {
                out.push_str(&self.quote_block(&direct, per, &theme.name, "").0);
            }
            for (ci, cat) in book
                .categories
                .iter()
                .enumerate()
                .filter(|(_, c)| c.theme == Some(t))
            {
                let _ = writeln!(
                    out,
                    "#### {}.{} {}\n",
                    t + 1,
                    super::subtheme_number(book, t, ci),
                    md::text(&self.redact(&cat.name))
                );
                if !cat.description.is_empty() {
                    let _ = writeln!(out, "{}\n", md::prose(&self.redact(&cat.description)));
                }
                let in_cat = |c: CodeIdx| book.codes[c].category == Some(ci);
                let (block, n) = self.quote_block(&in_cat, per, &theme.name, &cat.name);
                if n == 0 {
                    let _ = writeln!(out, "*No coded passages yet.*\n");
                }
                out.push_str(&block);
            }
        }
        out.trim_end().to_string()
    }

    /// `count(node, KEY=VALUE...)`: "7 of 16", the participants coded at the node out of those
    /// the conditions select (every participant without conditions).
    pub fn count(&self, node: &Node, conditions: &[Where]) -> String {
        let mut filters = self.filters.clone();
        filters.extend(conditions.iter().cloned());
        let stats = count_where(&self.project, node.level, &By::all(), &filters);
        let n = stats
            .nodes
            .names
            .iter()
            .position(|x| *x == node.name)
            .map_or(0, |i| stats.total(i).participants);
        let of = Breakdown::new(&self.project, &By::all(), &filters)
            .population
            .first()
            .map_or(0, |p| p.len());
        format!("{n} of {of}")
    }

    /// The framework matrix as a Markdown table.
    pub fn matrix(
        &self,
        rows: &str,
        cols: Level,
        cell: crate::analysis::matrix::CellKind,
    ) -> Result<String, String> {
        use crate::analysis::matrix::{matrix, wide};
        let project = &self.project;
        let key = Key::parse(rows, project).map_err(|e| format!("{e:#}"))?;
        let file = "summaries.csv";
        let summaries = std::fs::read_to_string(project.root.join(file)).ok();
        let m = matrix(
            project,
            &key,
            cols,
            &self.filters,
            summaries.as_deref().map(|t| (t, file)),
        )
        .map_err(|e| format!("{e:#}"))?;
        let mut t = wide(project, &m, cell, " · ");
        redact_table(&mut t, &|s| self.redact(s));
        let name = format!("tables/matrix-{}-{}.csv", file_part(key.name()), cols.as_str());
        let out = markdown_table(&t);
        self.placing().table(&name, t);
        Ok(out)
    }

    /// The pairs of nodes that co-occur, as a Markdown table, and the note on units.
    pub fn cooccur(&self, level: Level, unit: crate::analysis::cooccur::Unit) -> String {
        let co = crate::analysis::cooccur::cooccurrence(&self.project, level, unit, &self.filters);
        let mut t = co.table(false);
        redact_table(&mut t, &|s| self.redact(s));
        let out = format!("{}\n\n{}", markdown_table(&t), md::prose(&co.note()));
        let mut names = co.clone();
        for n in &mut names.nodes.names {
            *n = self.redact(n);
        }
        let figure = svg::cooccur::figure(&names, &co.note());
        let mut placing = self.placing();
        placing.table(
            &format!("tables/cooccur-{}-{}.csv", level.as_str(), unit.as_str()),
            t,
        );
        placing.figures.insert("figures/cooccur.svg".into(), figure);
        out
    }

    /// Saturation (Guest, Namey & Chen 2020): the statement and the table of runs.
    pub fn saturation(
        &self,
        order: &str,
        params: crate::analysis::saturation::Params,
    ) -> Result<String, String> {
        use crate::analysis::saturation::{assess, interview_order};
        params.check()?;
        let project = &self.project;
        let order = interview_order(project, order, &self.filters).map_err(|e| format!("{e:#}"))?;
        let codes = crate::analysis::saturation::codes_in_order(project, &self.filters, &order);
        let names: Vec<String> = order
            .iter()
            .map(|&(d, _)| project.documents[d].id.to_string())
            .collect();
        let values: Vec<String> = order.iter().map(|(_, v)| v.clone()).collect();
        let a = assess(&codes, params);
        let statement = a.statement("document");
        let mut t = a.table(&names, &values);
        redact_table(&mut t, &|s| self.redact(s));
        let figure = svg::saturation::of_assessment(&a, &names, params, &statement);
        let out = format!("{}\n\n{}", md::text(&statement), markdown_table(&t));
        let mut placing = self.placing();
        placing.table("tables/saturation.csv", t);
        placing.figures.insert("figures/saturation.svg".into(), figure);
        Ok(out)
    }

    /// The ratings (case × dimension × wave, and the change), as a Markdown table.
    pub fn ratings(&self) -> String {
        if self.project.ratings.is_empty() {
            return "*No ratings.*".to_string();
        }
        let mut t = crate::ratings::wide(&self.project);
        redact_table(&mut t, &|s| self.redact(s));
        let out = markdown_table(&t);
        self.placing().table("tables/ratings.csv", t);
        out
    }

    /// The methods appendix.
    pub fn methods(&self) -> String {
        let mut out = super::methods(&self.project, &self.group_labels);
        if !self.filters.is_empty() {
            let conditions: Vec<String> = self
                .filters
                .iter()
                .map(|w| format!("`{}`", self.redact(&w.text()).replace('`', "'")))
                .collect();
            let _ = writeln!(
                out,
                "- Evidence filtered: only people and documents where {} (`[report] where` and `--where`). The triangulation, the counts by group, the change over time and the quotes rest on that evidence; the summary, the methods' counts and agreement describe the whole project.",
                conditions.join(" and ")
            );
        }
        if let Some((text, mut table)) = super::agreement_summary(&self.project) {
            let _ = writeln!(out, "{text}");
            redact_table(&mut table, &|s| self.redact(s));
            self.placing().table("tables/agreement.csv", table);
        }
        out.trim_end().to_string()
    }

    /// The warnings, as a Markdown list (or "None."), from what is placed so far.
    pub fn warnings(&self) -> String {
        let placing = self.placing();
        let mut warnings = super::warnings(&self.project, &placing.placed, &self.tri, &|s| self.redact(s));
        if self.load_errors > 0 {
            warnings.insert(
                0,
                format!(
                    "Written with --allow-errors from a project with {} (run `thematic check`): what could not be read is left out of every count and quote.",
                    plural(self.load_errors, "error", "errors")
                ),
            );
        }
        if warnings.is_empty() {
            "None.".to_string()
        } else {
            warnings
                .iter()
                .map(|w| format!("- {w}"))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }

    /// `figure(name)`: a figure of the report as a Markdown image; its SVG is written to
    /// `figures/` and inlined in the HTML.
    pub fn figure(&self, name: &str) -> Result<String, String> {
        let (alt, path) = match name {
            "heatmap" => (
                "Heat map: share of each group's participants coded at each theme",
                "figures/heatmap.svg",
            ),
            "references" => ("Coded passages per theme by group", "figures/references.svg"),
            "over" => {
                if self.project.config.report.over.is_none() {
                    return Err(
                        "figure(\"over\") needs [report] over in thematic.toml (such as over = \"wave\")"
                            .into(),
                    );
                }
                if !self.placing().figures.contains_key("figures/over.svg") {
                    self.change_over_time();
                }
                ("Participants coded per theme over time", "figures/over.svg")
            }
            "cooccur" => {
                if !self.placing().figures.contains_key("figures/cooccur.svg") {
                    return Err("figure(\"cooccur\") comes after a call of cooccur(), which draws it".into());
                }
                ("Co-occurrence of codes", "figures/cooccur.svg")
            }
            "saturation" => {
                if !self.placing().figures.contains_key("figures/saturation.svg") {
                    return Err(
                        "figure(\"saturation\") comes after a call of saturation(), which draws it".into(),
                    );
                }
                ("Saturation: new codes per document", "figures/saturation.svg")
            }
            "map" => {
                self.map();
                ("Thematic map: themes, subthemes and codes", "figures/map.svg")
            }
            "ratings" => {
                if self.project.ratings.is_empty() {
                    return Err(format!(
                        "figure(\"ratings\") needs ratings: {} has none",
                        self.project.config.ratings.path
                    ));
                }
                return Ok(self.ratings_figures());
            }
            other => {
                let known = [
                    "heatmap",
                    "references",
                    "map",
                    "ratings",
                    "over",
                    "cooccur",
                    "saturation",
                ];
                return Err(format!(
                    "no figure `{other}`: the figures are {}{}",
                    known.join(", "),
                    crate::diagnostics::did_you_mean(other, known.iter().copied())
                ));
            }
        };
        Ok(format!("![{alt}]({path})"))
    }
}

impl Evidence {
    /// The thematic map (sized by references, coloured by lean, codes linked at c ≥ 0.3, as
    /// `thematic map` draws it), names redacted.
    fn map(&self) {
        use crate::analysis::map::{thematic_map, Colour, MapNode, Size};
        if self.placing().figures.contains_key("figures/map.svg") {
            return;
        }
        let project = &self.project;
        let mut map = thematic_map(project, Size::References, Colour::Lean, 0.3, &self.filters);
        fn redact_node(node: &mut MapNode, redact: &dyn Fn(&str) -> String) {
            node.name = redact(&node.name);
            for child in &mut node.children {
                redact_node(child, redact);
            }
        }
        for theme in &mut map.themes {
            redact_node(theme, &|s| self.redact(s));
        }
        for code in &mut map.codes {
            *code = self.redact(code);
        }
        let title = format!("Thematic map: {}", self.title());
        let svg = svg::map::svg(&map, &title, &|g| project.config.group_label(g).to_string());
        self.placing().figures.insert("figures/map.svg".into(), svg);
    }

    /// A chart per case of its ratings over the waves, each dimension a line: the Markdown
    /// images, one per case.
    fn ratings_figures(&self) -> String {
        let project = &self.project;
        let g = crate::ratings::grid(project);
        let scale = match project.config.ratings.scale.as_slice() {
            [lo, hi] => (*lo, *hi),
            _ => (1.0, 5.0),
        };
        let labels: Vec<String> = g.dimensions.iter().map(|(_, l)| self.redact(l)).collect();
        let mut images = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        for (c, case) in g.cases.iter().enumerate() {
            let case = self.redact(case);
            let path = format!("figures/ratings-{}.svg", file_slug(&case, &mut taken));
            let svg = svg::ratings::case_chart(
                &format!("Ratings over time: {case}"),
                &labels,
                &g.waves,
                &g.scores[c],
                scale,
            );
            images.push(format!("![Ratings over time: {}]({path})", md::text(&case)));
            self.placing().figures.insert(path, svg);
        }
        images.join("\n\n")
    }
}

/// A file name part for a name: letters and digits kept (lowercase), runs of anything else one
/// `-` (an attribute named `site/area` makes no folder).
fn file_part(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// [`file_part`] for a value, unique among `taken`.
fn file_slug(value: &str, taken: &mut Vec<String>) -> String {
    let mut slug = file_part(value);
    if slug.is_empty() {
        slug = "case".into();
    }
    let base = slug.clone();
    let mut k = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{k}");
        k += 1;
    }
    taken.push(slug.clone());
    slug
}

fn thresholds(project: &Project) -> Thresholds {
    Thresholds {
        prominence_ratio: project.config.triangulation.prominence_ratio,
    }
}

/// A table as Markdown with every cell escaped as text, so no cell becomes markup.
pub(crate) fn markdown_table(t: &Table) -> String {
    let numeric: Vec<bool> = (0..t.columns.len())
        .map(|i| !t.rows.is_empty() && t.rows.iter().all(|r| r[i].is_number() || r[i] == Cell::Null))
        .collect();
    let mut out = format!(
        "| {} |\n|{}|",
        t.columns
            .iter()
            .map(|c| md::text(c))
            .collect::<Vec<_>>()
            .join(" | "),
        numeric
            .iter()
            .map(|&n| if n { "---:" } else { "---" })
            .collect::<Vec<_>>()
            .join("|")
    );
    for r in &t.rows {
        let _ = write!(
            out,
            "\n| {} |",
            r.iter()
                .map(|c| md::inline(&c.display()))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    out
}
