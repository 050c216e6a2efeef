//! `thematic extracts`: every coded extract at a node, attributed, for review.

use super::{emit, Filters, Global, OnErrors, Outcome, Who};
use crate::analysis::extracts::{self, Extract, Node, Query};
use crate::diagnostics::did_you_mean;
use crate::output::{Format, Table};
use crate::project::Project;
use crate::report::markdown as md;
use anyhow::{bail, Result};
use std::fmt::Write as _;

/// Every coded extract at a code, category or theme, for review
///
/// Lists the passages coded at the node in document order, with who said them (the
/// interviewer counts for no one), where (document:line), who coded them and with which
/// codes. Boolean retrieval: --all-of A,B lists the text coded with both, --not C leaves out
/// passages that overlap one coded C. Redactions apply unless --unredacted. Without a node,
/// every code is listed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A code id (repeatable, or comma-separated)
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    code: Vec<String>,
    /// A category (subtheme) by name (repeatable)
    #[arg(long, value_name = "NAME")]
    category: Vec<String>,
    /// A theme by name (repeatable)
    #[arg(long, value_name = "NAME")]
    theme: Vec<String>,
    /// The text coded with every one of these codes (their passages' overlap)
    #[arg(long = "all-of", value_name = "A,B", value_delimiter = ',', conflicts_with_all = ["code", "category", "theme"])]
    all_of: Vec<String>,
    /// Leave out passages that overlap a passage coded with this code (repeatable)
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    not: Vec<String>,
    #[command(flatten)]
    who: Who,
    #[command(flatten)]
    filters: Filters,
    /// Only this coder's coding [default: the coders whose coding makes the findings]
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    coder: Vec<String>,
    /// Add up to N words of the text around each extract
    #[arg(long, value_name = "N", default_value_t = 0)]
    context: usize,
    /// Show the text as written, without redactions (for the analyst's eyes only)
    #[arg(long)]
    unredacted: bool,
    /// Output format: table for reading, md grouped theme > category > code for a review
    /// meeting, csv and json tidy records
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    on_errors: OnErrors,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    if args.unredacted {
        super::show_unredacted();
    }
    let project = global.load(&args.on_errors)?;
    let query = query(&project, &args)?;
    let found = extracts::retrieve(&project, &query);
    let nodes = if query.all_of.is_empty() {
        query.nodes.clone()
    } else {
        vec![extracts::all_of_node(&project, &query.all_of)]
    };
    let shown: Vec<Shown> = found.iter().map(|e| show(&project, e, &args)).collect();
    let text = match args.format {
        Format::Table => terminal(&project, &nodes, &found, &shown),
        Format::Md => markdown(&project, &nodes, &found, &shown),
        f => table(&project, &nodes, &found, &shown).render(f),
    };
    emit(&text)?;
    Ok(Outcome::Done)
}

/// The arguments resolved against the project: unknown names are errors with suggestions.
fn query(project: &Project, args: &Args) -> Result<Query> {
    let book = &project.codebook;
    let code = |id: &str| project.code_named(id);
    let mut nodes: Vec<Node> = Vec::new();
    for id in &args.code {
        nodes.push(extracts::code_node(project, code(id)?));
    }
    for name in &args.category {
        let Some(i) = book
            .categories
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
        else {
            bail!(
                "unknown category `{name}`{}",
                did_you_mean(name, book.categories.iter().map(|c| c.name.as_str()))
            );
        };
        nodes.push(extracts::category_node(project, i));
    }
    for name in &args.theme {
        let Some(i) = book.themes.iter().position(|t| t.name.eq_ignore_ascii_case(name)) else {
            bail!(
                "unknown theme `{name}`{}",
                did_you_mean(name, book.themes.iter().map(|t| t.name.as_str()))
            );
        };
        nodes.push(extracts::theme_node(project, i));
    }
    if nodes.is_empty() && args.all_of.is_empty() {
        nodes = (0..book.codes.len())
            .map(|c| extracts::code_node(project, c))
            .collect();
    }
    if args.all_of.len() == 1 {
        bail!("--all-of needs two or more codes, such as --all-of trust,communication");
    }
    let all_of = args.all_of.iter().map(|c| code(c)).collect::<Result<Vec<_>>>()?;
    let not = args.not.iter().map(|c| code(c)).collect::<Result<Vec<_>>>()?;
    let documents = args
        .who
        .document
        .iter()
        .map(|d| project.document_named(d))
        .collect::<Result<Vec<_>>>()?;
    let people = &project.participants;
    let participants = args
        .who
        .participant
        .iter()
        .map(|p| {
            people.by_speaker(p).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown participant `{p}`{}",
                    did_you_mean(p, people.list.iter().map(|x| x.id.as_str()))
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let groups = args
        .who
        .group
        .iter()
        .map(|g| {
            let by_label = project
                .config
                .groups
                .iter()
                .find(|(_, label)| label.eq_ignore_ascii_case(g))
                .map(|(id, _)| id.clone());
            match by_label {
                Some(id) => Ok(id),
                None if people.groups.iter().any(|x| x == g) => Ok(g.clone()),
                None => bail!(
                    "unknown group `{g}` (groups: {}){}",
                    people.groups.join(", "),
                    did_you_mean(g, people.groups.iter().map(String::as_str))
                ),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let coders = if args.coder.is_empty() {
        None
    } else {
        Some(
            args.coder
                .iter()
                .map(|c| project.coder_named(c))
                .collect::<Result<Vec<_>>>()?,
        )
    };
    Ok(Query {
        conditions: args.filters.resolve(project)?,
        nodes,
        all_of,
        not,
        coders,
        documents,
        participants,
        groups,
    })
}

/// An extract's words and attribution as they leave the tool.
struct Shown {
    before: String,
    text: String,
    after: String,
    /// Labels of the participants who speak in it.
    labels: Vec<String>,
    /// Group ids of those participants.
    groups: Vec<String>,
}

fn show(project: &Project, e: &Extract, args: &Args) -> Shown {
    let doc = &project.documents[e.document];
    let around = extracts::context(&doc.text, &e.bytes, args.context);
    let window = &doc.text[around.clone()];
    let passage = e.bytes.start - around.start..e.bytes.end - around.start;
    let (window, passage) = if args.unredacted {
        (window.to_string(), passage)
    } else {
        project.redact_quote_around(window, passage)
    };
    let redact = |s: &str| {
        if args.unredacted {
            s.to_string()
        } else {
            project.redactions.apply(s)
        }
    };
    let people = &project.participants;
    Shown {
        before: window[..passage.start].to_string(),
        text: window[passage.clone()].to_string(),
        after: window[passage.end..].to_string(),
        labels: e
            .participants
            .iter()
            .map(|&p| redact(&people.get(p).label))
            .collect(),
        groups: e
            .participants
            .iter()
            .map(|&p| people.get(p).group.to_string())
            .collect(),
    }
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn codes_of(project: &Project, e: &Extract) -> String {
    e.codes
        .iter()
        .map(|&c| project.codebook.codes[c].id.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn coders_of(project: &Project, e: &Extract) -> String {
    e.coders
        .iter()
        .map(|&c| project.coders[c].as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `(Staff 1)`, `(Staff 1; Partner 2)`, or `(no participant)` for the interviewer's words.
fn attribution(s: &Shown) -> String {
    if s.labels.is_empty() {
        "(no participant)".to_string()
    } else {
        format!("({})", s.labels.join("; "))
    }
}

/// With context: `… before [text] after …`; without, the text.
fn in_context(s: &Shown, open: &str, close: &str) -> String {
    if s.before.trim().is_empty() && s.after.trim().is_empty() {
        return flat(&s.text);
    }
    let mut out = String::new();
    if !s.before.trim().is_empty() {
        let _ = write!(out, "…{} ", flat(&s.before));
    }
    let _ = write!(out, "{open}{}{close}", flat(&s.text));
    if !s.after.trim().is_empty() {
        let _ = write!(out, " {}…", flat(&s.after));
    }
    out
}

fn place(node: &Node) -> String {
    match (&node.theme, &node.category) {
        (Some(t), Some(c)) => format!("{t} > {c}"),
        (Some(t), None) => t.clone(),
        _ => String::new(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "extract"
    } else {
        "extracts"
    }
}

fn terminal(project: &Project, nodes: &[Node], found: &[Extract], shown: &[Shown]) -> String {
    let mut out = String::new();
    for (n, node) in nodes.iter().enumerate() {
        let mine: Vec<usize> = (0..found.len()).filter(|&i| found[i].node == n).collect();
        if mine.is_empty() && nodes.len() > 1 {
            continue;
        }
        let where_ = place(node);
        let _ = writeln!(
            out,
            "{} ({}{} {})\n",
            node.name,
            if where_.is_empty() {
                String::new()
            } else {
                format!("{where_}; ")
            },
            mine.len(),
            plural(mine.len())
        );
        for i in mine {
            let (e, s) = (&found[i], &shown[i]);
            let _ = writeln!(
                out,
                "  {}:{}  {}  {}  {}",
                project.documents[e.document].id,
                e.line,
                attribution(s),
                coders_of(project, e),
                codes_of(project, e)
            );
            let _ = writeln!(out, "    \"{}\"", in_context(s, "[", "]"));
            if !e.memo.is_empty() {
                let _ = writeln!(out, "    memo: {}", flat(&e.memo));
            }
            out.push('\n');
        }
    }
    if found.is_empty() {
        out.push_str("no extracts\n");
    }
    out
}

/// Grouped theme > category > code, extracts as block quotes with their attribution.
fn markdown(project: &Project, nodes: &[Node], found: &[Extract], shown: &[Shown]) -> String {
    let mut out = String::new();
    let (mut theme, mut category): (Option<String>, Option<String>) = (None, None);
    for (n, node) in nodes.iter().enumerate() {
        let mine: Vec<usize> = (0..found.len()).filter(|&i| found[i].node == n).collect();
        if mine.is_empty() {
            continue;
        }
        let heading = |level: usize, text: &str| format!("{} {}\n\n", "#".repeat(level), md::text(text));
        let (t, c) = match node.level {
            "theme" => (Some(node.name.clone()), None),
            "category" => (node.theme.clone(), Some(node.name.clone())),
            _ => (node.theme.clone(), node.category.clone()),
        };
        if t != theme {
            if let Some(t) = &t {
                out.push_str(&heading(1, t));
            }
            theme = t;
            category = None;
        }
        if c != category {
            if let Some(c) = &c {
                out.push_str(&heading(2, c));
            }
            category = c;
        }
        match node.level {
            "code" => {
                let _ = writeln!(
                    out,
                    "### `{}` ({} {})\n",
                    node.name,
                    mine.len(),
                    plural(mine.len())
                );
            }
            "all-of" => {
                let _ = writeln!(
                    out,
                    "# Coded with {} ({} {})\n",
                    md::text(&node.name.replace(" & ", " and ")),
                    mine.len(),
                    plural(mine.len())
                );
            }
            _ => {
                let _ = writeln!(out, "*{} {}*\n", mine.len(), plural(mine.len()));
            }
        }
        for i in mine {
            let (e, s) = (&found[i], &shown[i]);
            let _ = writeln!(
                out,
                "> {} {}\n>\n> — {}:{}, {}; coded by {}{}\n",
                in_context_md(s),
                md::text(&attribution(s)),
                md::text(&project.documents[e.document].id),
                e.line,
                md::text(&codes_of(project, e)),
                md::text(&coders_of(project, e)),
                if e.memo.is_empty() {
                    String::new()
                } else {
                    format!("; memo: {}", md::text(&flat(&e.memo)))
                }
            );
        }
    }
    if found.is_empty() {
        out.push_str("*No extracts.*\n");
    }
    out
}

fn in_context_md(s: &Shown) -> String {
    if s.before.trim().is_empty() && s.after.trim().is_empty() {
        return md::text(&flat(&s.text));
    }
    let part = |x: &str| md::text(&flat(x));
    let mut out = String::new();
    if !s.before.trim().is_empty() {
        let _ = write!(out, "…{} ", part(&s.before));
    }
    let _ = write!(out, "**{}**", part(&s.text));
    if !s.after.trim().is_empty() {
        let _ = write!(out, " {}…", part(&s.after));
    }
    out
}

/// Tidy records: `node,level,document,line,start,end,participant,label,group,coder,codes,memo,text`,
/// with `before` and `after` when context was asked for.
fn table(project: &Project, nodes: &[Node], found: &[Extract], shown: &[Shown]) -> Table {
    let context = shown.iter().any(|s| !s.before.is_empty() || !s.after.is_empty());
    let mut columns = vec![
        "node",
        "level",
        "document",
        "line",
        "start",
        "end",
        "participant",
        "label",
        "group",
        "coder",
        "codes",
        "memo",
        "text",
    ];
    if context {
        columns.extend(["before", "after"]);
    }
    let mut t = Table::new(&columns);
    for (e, s) in found.iter().zip(shown) {
        let node = &nodes[e.node];
        let ids: Vec<&str> = e
            .participants
            .iter()
            .map(|&p| project.participants.get(p).id.as_str())
            .collect();
        let mut row = vec![
            node.name.as_str().into(),
            node.level.into(),
            project.documents[e.document].id.as_str().into(),
            e.line.into(),
            e.chars.start.into(),
            e.chars.end.into(),
            ids.join(";").into(),
            s.labels.join(";").into(),
            s.groups.join(";").into(),
            coders_of(project, e).replace(", ", ";").into(),
            codes_of(project, e).replace("; ", ";").into(),
            e.memo.as_str().into(),
            s.text.as_str().into(),
        ];
        if context {
            row.push(s.before.as_str().into());
            row.push(s.after.as_str().into());
        }
        t.push(row);
    }
    t
}
