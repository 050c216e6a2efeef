//! A [`Diff`] as text for a terminal, as Markdown for a pull-request comment or a CI job
//! summary, and as JSON.

use super::{CodeChange, Diff};
use crate::output::{Format, Table};
use crate::report::markdown::text as md;

/// How the working tree is named as a side.
pub const WORKING_TREE: &str = "working tree";

/// What the two sides were, for the heading: revisions or "the working tree".
pub struct Sides<'a> {
    pub from: &'a str,
    pub to: &'a str,
}

/// The diff as JSON: `{"from", "to", "codes", "codings", "counts", "verdicts", "quotes"}`.
pub fn json(diff: &Diff, sides: &Sides) -> String {
    let mut value = serde_json::to_value(diff).expect("the diff serialises");
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("from".into(), sides.from.into());
        map.insert("to".into(), sides.to.into());
    }
    let mut s = serde_json::to_string_pretty(&value).expect("the diff serialises");
    s.push('\n');
    s
}

/// The diff in Markdown (`md = true`) or as text for a terminal.
pub fn document(diff: &Diff, sides: &Sides, markdown: bool) -> String {
    let esc = |s: &str| if markdown { md(s) } else { s.to_string() };
    let code = |s: &str| if markdown { format!("`{s}`") } else { s.to_string() };
    let heading = |out: &mut String, title: &str| {
        if markdown {
            out.push_str(&format!("### {title}\n\n"));
        } else {
            out.push_str(&format!("{title}\n\n"));
        }
    };
    let table = |t: &Table| {
        if markdown {
            t.render(Format::Md)
        } else {
            t.render(Format::Table)
                .lines()
                .map(|l| format!("  {l}\n"))
                .collect()
        }
    };
    let mut out = String::new();
    let title = format!("What changed in the analysis: {} → {}", sides.from, sides.to);
    if markdown {
        let side = |s: &str| {
            if s == WORKING_TREE {
                s.to_string()
            } else {
                format!("`{s}`")
            }
        };
        out.push_str(&format!(
            "## What changed in the analysis: {} → {}\n\n",
            side(sides.from),
            side(sides.to)
        ));
    } else {
        out.push_str(&format!("{title}\n\n"));
    }
    if diff.is_empty() {
        out.push_str("No change in codes, codings, counts, verdicts or quotes.\n");
        return out;
    }
    let bullet = if markdown { "- " } else { "  " };
    if !diff.codes.is_empty() {
        heading(&mut out, "Codes");
        for c in &diff.codes {
            let line = match c {
                CodeChange::Added { code: c, place } => format!("added {} ({})", code(c), esc(place)),
                CodeChange::Removed { code: c, place } => format!("removed {} ({})", code(c), esc(place)),
                CodeChange::Renamed { from, to } => format!("renamed {} → {}", code(from), code(to)),
                CodeChange::Merged { from, into } => format!("merged {} into {}", code(from), code(into)),
                CodeChange::Moved { code: c, from, to } => {
                    format!("moved {}: {} → {}", code(c), esc(from), esc(to))
                }
            };
            out.push_str(&format!("{bullet}{line}\n"));
        }
        out.push('\n');
    }
    if !diff.codings.is_empty() {
        heading(&mut out, "Codings added and removed");
        let mut t = Table::new(&["code", "coder", "added", "removed"]);
        for c in &diff.codings {
            t.push(vec![
                c.code.as_str().into(),
                c.coder.as_str().into(),
                c.added.into(),
                c.removed.into(),
            ]);
        }
        out.push_str(&table(&t));
        out.push('\n');
    }
    if !diff.counts.is_empty() {
        heading(
            &mut out,
            "Counts that changed (references and participants per group)",
        );
        let mut t = Table::new(&["level", "node", "group", "references", "participants"]);
        for c in &diff.counts {
            t.push(vec![
                c.level.into(),
                c.node.as_str().into(),
                c.group.as_str().into(),
                arrow(c.references).into(),
                arrow(c.participants).into(),
            ]);
        }
        out.push_str(&table(&t));
        out.push('\n');
    }
    if !diff.verdicts.is_empty() {
        heading(&mut out, "Triangulation verdicts that changed");
        let mut t = Table::new(&["row", "before", "after"]);
        for v in &diff.verdicts {
            let or_none = |s: &Option<String>| s.clone().unwrap_or_else(|| "(no row)".into());
            t.push(vec![
                v.node.as_str().into(),
                or_none(&v.before).into(),
                or_none(&v.after).into(),
            ]);
        }
        out.push_str(&table(&t));
        out.push('\n');
    }
    if !diff.quotes.is_empty() {
        heading(&mut out, "Quotes that entered or left the report");
        for q in &diff.quotes {
            let sign = if q.entered { "+" } else { "−" };
            let place = if q.subtheme.is_empty() {
                q.theme.clone()
            } else {
                format!("{} > {}", q.theme, q.subtheme)
            };
            let who = format!("{}, {}", q.participant, q.document);
            if markdown {
                out.push_str(&format!(
                    "- {} {}: “{}” ({})\n",
                    if q.entered { "entered" } else { "left" },
                    md(&place),
                    md(&q.quote),
                    md(&who)
                ));
            } else {
                out.push_str(&format!("  {sign} {place}: “{}” ({who})\n", q.quote));
            }
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn arrow((before, after): (usize, usize)) -> String {
    if before == after {
        before.to_string()
    } else {
        format!("{before} → {after}")
    }
}
