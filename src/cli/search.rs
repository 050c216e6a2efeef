//! `thematic search`: full-text search of the turns, with keyword-in-context.

use super::{emit, Global, Outcome, Who};
use crate::config::{Config, CONFIG_FILE};
use crate::diagnostics::Diagnostics;
use crate::output::{Format, Table};
use crate::redact::Redactions;
use crate::search::{self, Hit, Request};
use anyhow::Result;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Search the transcripts, with keyword-in-context
///
/// QUERY: words (stemmed: `referral` finds `referrals`), "exact phrases", AND, OR, NOT or
/// -word, (parentheses), prefix*, and the fields group:, participant:, document: and code:.
/// Case and apostrophe style do not matter. Each hit is one line: document:line, who said it
/// (the interviewer's words are marked [..]), and the words around it. The index lives in
/// .thematic/ and follows the files: it is built on first use and brought up to date when
/// transcripts or coding sheets change.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to look for (put it in quotes in the shell)
    query: String,
    #[command(flatten)]
    who: Who,
    /// Only text coded with this code (repeatable: every one of them)
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    code: Vec<String>,
    /// Only text nobody has coded: what did we miss?
    #[arg(long, conflicts_with = "code")]
    uncoded: bool,
    /// Words of context each side
    #[arg(long, value_name = "N", default_value_t = 6)]
    context: usize,
    /// Count hits per document and per group instead of listing them
    #[arg(long)]
    count: bool,
    /// Show at most N hits
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Show the words as written, without redactions (for the analyst's eyes only)
    #[arg(long)]
    unredacted: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let root = global.root()?;
    // Settings and redactions only: the index answers the rest without loading the project.
    let mut diags = Diagnostics::default();
    let config_text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
    let mut config = Config::parse(&config_text, CONFIG_FILE, &mut diags);
    config.check_links(&root, &config_text, CONFIG_FILE, &mut diags);
    let request = Request {
        query: args.query.clone(),
        groups: args.who.group.clone(),
        participants: args.who.participant.clone(),
        documents: args.who.document.clone(),
        codes: args.code.clone(),
        uncoded: args.uncoded,
        context: args.context,
    };
    let bar = crate::progress::Bar::new("indexing documents");
    let results = search::search(&root, &config, &request, &bar)?;
    bar.finish();
    let mut hits = results.hits;
    if !args.unredacted {
        let file = &config.report.redactions;
        let redactions = if crate::fsutil::reported_outside(&root, file, &mut diags) {
            Redactions::default()
        } else {
            match std::fs::read_to_string(root.join(file)) {
                Ok(text) => Redactions::parse(&text, file, &mut diags),
                Err(_) => Redactions::default(),
            }
        };
        if diags.errors() > 0 {
            let first = diags
                .sorted()
                .into_iter()
                .find(|p| p.is_error())
                .map(|p| p.to_string());
            anyhow::bail!(
                "nothing was shown: the redactions cannot be applied until this is fixed (or use --unredacted): {}",
                first.unwrap_or_default()
            );
        }
        let names = if config.report.redact_names {
            Redactions::names(&results.names, &config.report.name_replacement)
        } else {
            Redactions::default()
        };
        for h in &mut hits {
            h.redact(&[&redactions, &names]);
        }
    }
    if args.count {
        emit(&counts(&hits, &config).render(args.format))?;
        return Ok(Outcome::Done);
    }
    let total = hits.len();
    if let Some(n) = args.limit {
        hits.truncate(n);
    }
    let text = match args.format {
        Format::Table => terminal(&hits, &config),
        Format::Md => markdown(&hits),
        f => table(&hits).render(f),
    };
    emit(&text)?;
    if hits.len() < total {
        eprintln!("showing {} of {total} hits (--limit)", hits.len());
    }
    Ok(Outcome::Done)
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `…left [match] right…`, white space runs as single spaces, none added where the text has
/// none (`[trust]’s`).
fn kwic(h: &Hit, open: &str, close: &str) -> (String, String) {
    let (more_left, more_right) = h.cut();
    let dots = |more: bool| if more { "…" } else { "" };
    let left = if h.left.trim().is_empty() {
        dots(more_left).to_string()
    } else {
        let gap = if h.left.ends_with(char::is_whitespace) {
            " "
        } else {
            ""
        };
        format!("{}{}{gap}", dots(more_left), flat(&h.left))
    };
    let right = if h.right.trim().is_empty() {
        dots(more_right).to_string()
    } else {
        let gap = if h.right.starts_with(char::is_whitespace) {
            " "
        } else {
            ""
        };
        format!("{gap}{}{}", flat(&h.right), dots(more_right))
    };
    (left, format!("{open}{}{close}{right}", flat(&h.matched)))
}

/// The label as shown: `(Staff 1)` for a participant, `[Interviewer]` for anyone else.
fn who(h: &Hit) -> String {
    if h.speaker == "participant" || !h.participant.is_empty() {
        format!("({})", h.label)
    } else if h.label.is_empty() {
        "[no speaker]".to_string()
    } else {
        format!("[{}]", h.label)
    }
}

fn terminal(hits: &[Hit], config: &Config) -> String {
    if hits.is_empty() {
        return "no hits\n".to_string();
    }
    let place: Vec<String> = hits
        .iter()
        .map(|h| format!("{}:{}", h.document, h.line))
        .collect();
    let whos: Vec<String> = hits.iter().map(who).collect();
    let kwics: Vec<(String, String)> = hits.iter().map(|h| kwic(h, "[", "]")).collect();
    let lefts: Vec<String> = kwics.iter().map(|k| k.0.clone()).collect();
    let width = |xs: &[String]| xs.iter().map(|x| x.chars().count()).max().unwrap_or(0);
    let (wp, ww, wl) = (width(&place), width(&whos), width(&lefts));
    let mut out = String::new();
    for i in 0..hits.len() {
        let _ = writeln!(
            out,
            "{:<wp$}  {:<ww$}  {:>wl$}{}",
            place[i], whos[i], lefts[i], kwics[i].1
        );
    }
    let interviewer = hits.iter().any(|h| h.participant.is_empty());
    let documents: std::collections::BTreeSet<&str> = hits.iter().map(|h| h.document.as_str()).collect();
    let mut groups: Vec<&str> = hits
        .iter()
        .map(|h| h.group.as_str())
        .filter(|g| !g.is_empty())
        .collect();
    groups.sort_by_key(|g| {
        (
            config
                .groups
                .iter()
                .position(|(id, _)| id == g)
                .unwrap_or(usize::MAX),
            *g,
        )
    });
    groups.dedup();
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "\n{} in {}{}{}",
        plural(hits.len(), "hit"),
        plural(documents.len(), "document"),
        if groups.is_empty() {
            String::new()
        } else {
            format!(
                "; groups: {}",
                groups
                    .iter()
                    .map(|g| config.group_label(g))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        if interviewer {
            "; [..] marks words no participant said (the interviewer, unidentified voices)"
        } else {
            ""
        }
    );
    out
}

fn markdown(hits: &[Hit]) -> String {
    let mut t = Table::new(&["where", "who", "hit"]);
    for h in hits {
        let (left, rest) = kwic(h, "**", "**");
        t.push(vec![
            format!("{}:{}", h.document, h.line).into(),
            who(h).into(),
            format!("{left}{rest}").into(),
        ]);
    }
    t.render(Format::Md)
}

/// Tidy records: `document,line,start,end,participant,label,group,left,match,right,codes`.
fn table(hits: &[Hit]) -> Table {
    let mut t = Table::new(&[
        "document",
        "line",
        "start",
        "end",
        "participant",
        "label",
        "group",
        "left",
        "match",
        "right",
        "codes",
    ]);
    for h in hits {
        t.push(vec![
            h.document.as_str().into(),
            h.line.into(),
            h.start.into(),
            h.end.into(),
            h.participant.as_str().into(),
            h.label.as_str().into(),
            h.group.as_str().into(),
            h.left.as_str().into(),
            h.matched.as_str().into(),
            h.right.as_str().into(),
            h.codes.join(";").into(),
        ]);
    }
    t
}

/// Hits per document and per group: `by,value,hits`.
fn counts(hits: &[Hit], config: &Config) -> Table {
    let mut per_doc: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_group: BTreeMap<&str, usize> = BTreeMap::new();
    for h in hits {
        *per_doc.entry(&h.document).or_default() += 1;
        *per_group
            .entry(if h.group.is_empty() {
                "(no participant)"
            } else {
                &h.group
            })
            .or_default() += 1;
    }
    let mut t = Table::new(&["by", "value", "hits"]);
    for (d, n) in per_doc {
        t.push(vec!["document".into(), d.into(), n.into()]);
    }
    let mut groups: Vec<(&str, usize)> = per_group.into_iter().collect();
    // Groups in report order, then any others.
    groups.sort_by_key(|(g, _)| {
        (
            config
                .groups
                .iter()
                .position(|(id, _)| id == g)
                .unwrap_or(usize::MAX),
            g.to_string(),
        )
    });
    for (g, n) in groups {
        t.push(vec!["group".into(), g.into(), n.into()]);
    }
    t
}
