//! `thematic codebook`: the code tree, and changing a code everywhere.

use super::{emit, Filters, Findings, Global, OnErrors, Outcome};
use crate::analysis::counts::{count_where, By};
use crate::analysis::nodes::Level;
use crate::edit::{self, Plan};
use crate::output::{Cell, Format, Table};
use crate::project::Project;
use anyhow::Result;
use clap::Subcommand;

/// The code tree, with counts; rename or merge a code everywhere
///
/// Themes > categories > codes, with references and participants per node
/// when asked; or change a code everywhere.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(mut_arg("allow_errors", |a| a.help(
    "With --counts: go on although the project has errors (what could not be read is left out) [default: stop, listing the errors (exit 2); the tree alone shows what could be read]"
)))]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Show references and participants per node
    #[arg(long)]
    counts: bool,
    /// Output format (table prints the tree)
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    filters: Filters,
    #[command(flatten)]
    findings: Findings,
    #[command(flatten)]
    on_errors: OnErrors,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Rename a code in the codebook and every coding sheet, atomically
    Rename {
        /// The code's id now
        old: String,
        /// Its new id
        new: String,
    },
    /// Merge one code into another in the codebook and every coding sheet, atomically
    Merge {
        /// The code that goes away
        from: String,
        /// The code that takes its passages
        into: String,
    },
}

impl Args {
    /// Whether the command changes files (a rename or a merge).
    pub(super) fn writes(&self) -> bool {
        self.action.is_some()
    }
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    match args.action {
        Some(Action::Rename { old, new }) => {
            let project = load_clean(global)?;
            let plan = edit::rename(&project, &old, &new)?;
            apply(&project.root, &plan, &format!("renamed `{old}` to `{new}`"))
        }
        Some(Action::Merge { from, into }) => {
            let project = load_clean(global)?;
            let plan = edit::merge(&project, &from, &into)?;
            apply(&project.root, &plan, &format!("merged `{from}` into `{into}`"))
        }
        None => {
            // The tree alone shows what was read; counts from a project with errors stop.
            let on_errors = OnErrors {
                allow_errors: args.on_errors.allow_errors || !args.counts,
            };
            let project = global.load_findings(&args.findings, &on_errors)?;
            let filters = args.filters.resolve(&project)?;
            emit(&tree(&project, args.counts, &filters, args.format))?;
            Ok(Outcome::Done)
        }
    }
}

/// Changes go only into a project whose settings, sheets and codebook load without errors,
/// so that a half-understood file is never rewritten.
fn load_clean(global: &Global) -> Result<Project> {
    global.load_for_change(|project, file| {
        let sheets = &project.config.coding.sheets;
        file == sheets
            || file
                .strip_prefix(sheets.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
            || file == project.config.codebook.path
    })
}

fn apply(root: &std::path::Path, plan: &Plan, what: &str) -> Result<Outcome> {
    let files: Vec<(&std::path::Path, Vec<u8>)> =
        plan.files.iter().map(|(p, c)| (p.as_path(), c.clone())).collect();
    crate::guard::write_all(root, &format!("codebook: {what}"), &files)?;
    let mut out = format!(
        "{what}: {} row{} in {} sheet{}",
        plan.rows_changed(),
        if plan.rows_changed() == 1 { "" } else { "s" },
        plan.rows.len(),
        if plan.rows.len() == 1 { "" } else { "s" }
    );
    if plan.codebook_changed {
        out.push_str(" and the codebook");
    }
    out.push('\n');
    for (sheet, n) in &plan.rows {
        out.push_str(&format!("  {sheet}: {n}\n"));
    }
    emit(&out)?;
    Ok(Outcome::Done)
}

/// The code tree as an indented outline (terminal) or as records.
fn tree(
    project: &Project,
    counts: bool,
    filters: &[crate::analysis::breakdown::Where],
    format: Format,
) -> String {
    let book = &project.codebook;
    let code_stats = count_where(project, Level::Code, &By::all(), filters);
    let cat_stats = count_where(project, Level::Category, &By::all(), filters);
    let theme_stats = count_where(project, Level::Theme, &By::all(), filters);
    let mut t = Table::new(&[
        "level",
        "theme",
        "category",
        "code",
        "definition",
        "references",
        "participants",
        "polarity",
        "search",
        "regex",
    ]);
    let mut row = |level: &str,
                   theme: &str,
                   category: &str,
                   code: Option<&crate::codebook::Code>,
                   c: crate::analysis::counts::Count| {
        let rule = |r: Option<&String>| r.map_or("", |s| s.as_str()).into();
        t.push(vec![
            level.into(),
            theme.into(),
            category.into(),
            code.map_or("", |c| c.id.as_str()).into(),
            code.map_or("", |c| c.definition.as_str()).into(),
            c.references.into(),
            c.participants.into(),
            code.and_then(|c| c.polarity).map_or("", |p| p.as_str()).into(),
            rule(code.and_then(|c| c.search.as_ref())),
            rule(code.and_then(|c| c.regex.as_ref())),
        ]);
    };
    let find = |stats: &crate::analysis::counts::Stats, name: &str| {
        stats
            .nodes
            .names
            .iter()
            .position(|n| n == name)
            .map(|i| stats.total(i))
            .unwrap_or_default()
    };
    let codes_in = |theme: Option<usize>, category: Option<usize>| {
        book.codes
            .iter()
            .enumerate()
            .filter(move |(_, c)| !c.unsorted && c.theme == theme && c.category == category)
    };
    let mut theme_ids: Vec<Option<usize>> = (0..book.themes.len()).map(Some).collect();
    if book.codes.iter().any(|c| !c.unsorted && c.theme.is_none()) {
        theme_ids.push(None);
    }
    for theme in theme_ids {
        let theme_name = theme.map_or(crate::analysis::nodes::NO_THEME, |t| book.themes[t].name.as_str());
        row("theme", theme_name, "", None, find(&theme_stats, theme_name));
        for (i, c) in codes_in(theme, None) {
            row(
                "code",
                theme_name,
                "",
                Some(c),
                code_stats.total(code_stats.nodes.of_code[i]),
            );
        }
        for (ci, cat) in book
            .categories
            .iter()
            .enumerate()
            .filter(|(_, c)| c.theme == theme)
        {
            row("category", theme_name, &cat.name, None, cat_stats.total(ci));
            for (i, c) in codes_in(theme, Some(ci)) {
                row(
                    "code",
                    theme_name,
                    &cat.name,
                    Some(c),
                    code_stats.total(code_stats.nodes.of_code[i]),
                );
            }
        }
    }
    let unsorted: Vec<_> = book.unsorted_codes().collect();
    if !unsorted.is_empty() {
        let name = crate::analysis::nodes::UNSORTED;
        row("theme", name, "", None, find(&theme_stats, name));
        for (i, c) in unsorted {
            row(
                "code",
                name,
                "",
                Some(c),
                code_stats.total(code_stats.nodes.of_code[i]),
            );
        }
    }
    if format != Format::Table {
        if !counts {
            // Without --counts: the tree, the definitions and the rules.
            t.columns.drain(5..7);
            for r in &mut t.rows {
                r.drain(5..7);
            }
        }
        return t.render(format);
    }
    outline(&t, counts)
}

fn outline(t: &Table, counts: bool) -> String {
    let text = |c: &Cell| match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        _ => String::new(),
    };
    let mut lines: Vec<(String, String)> = Vec::new();
    for r in &t.rows {
        let label = match text(&r[0]).as_str() {
            "theme" => text(&r[1]),
            "category" => format!("  {}", text(&r[2])),
            _ => {
                let indent = if text(&r[2]).is_empty() { "  " } else { "    " };
                let def = text(&r[4]);
                if def.is_empty() || counts {
                    format!("{indent}{}", text(&r[3]))
                } else {
                    format!("{indent}{} — {}", text(&r[3]), crate::text::excerpt(&def, 70))
                }
            }
        };
        let c = if counts {
            format!("{:>5} refs  {:>3} participants", text(&r[5]), text(&r[6]))
        } else {
            String::new()
        };
        lines.push((label, c));
    }
    let width = lines.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (label, c) in lines {
        if counts {
            out.push_str(&format!("{label:<width$}  {c}\n"));
        } else {
            out.push_str(&label);
            out.push('\n');
        }
    }
    out
}
