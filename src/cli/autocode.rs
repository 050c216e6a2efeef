//! `thematic autocode`: the codebook's rules as suggestions in a sheet of their own.

use super::{emit, Global, Outcome};
use crate::coding::anchor::{is_nfc, occurrence_of};
use crate::diagnostics::Diagnostics;
use crate::edit::write_record;
use crate::fsutil::write_atomic_with;
use crate::output::{Cell, Format, Table};
use crate::project::Project;
use crate::search::autocode::{self, Rule, Score, Suggestion, Unit};
use crate::search::index;
use crate::text::CsvTable;
use anyhow::{bail, Context, Result};
use std::collections::HashMap;

/// Apply the codebook's search: and regex: rules as suggestions
///
/// Each code's `search:` rule (the query language of `thematic search`) and `regex:` rule are
/// applied to the participants' words; every unit a rule matches (a sentence, a turn, or only
/// the matched words) becomes a quote row in coding/autocode.csv, to review like any coding.
/// Running again replaces the rows of the codes it ran and nothing else; no other sheet is
/// touched, and the suggestions are not part of the findings unless [coding] analysis names
/// the sheet. For each code a human coder also used, the rule's precision and recall against
/// that coding are printed, to tune the rules.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only these codes' rules (comma-separated) [default: every code with a rule]
    #[arg(long, value_name = "C,...", value_delimiter = ',')]
    codes: Vec<String>,
    /// What a suggestion codes
    #[arg(long, value_enum, default_value_t = Unit::Sentence)]
    unit: Unit,
    /// The sheet to write: coding/<NAME>.csv (only a sheet autocode writes)
    #[arg(long, value_name = "NAME", default_value = "autocode")]
    coder: String,
    /// Try a query as the rule of --code (instead of the codebook's)
    #[arg(long, value_name = "QUERY", requires = "code")]
    query: Option<String>,
    /// The code --query suggests
    #[arg(long, value_name = "CODE", requires = "query")]
    code: Option<String>,
    /// Print precision and recall only; write nothing
    #[arg(long)]
    dry_run: bool,
    /// Output format of the table of rules
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Args {
    /// Whether the command writes the sheet (not with --dry-run).
    pub(super) fn writes(&self) -> bool {
        !self.dry_run
    }
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    // The suggestions sheet is checked as a table in `sheet_path`; its rows that no longer
    // anchor are what running again replaces.
    let project = global.load_for_change(|_, _| false)?;
    let code = |id: &str| project.code_named(id);
    let rules: Vec<Rule> = match (&args.query, &args.code) {
        (Some(q), Some(c)) => vec![Rule::ad_hoc(code(c)?, q)?],
        _ => {
            let only = if args.codes.is_empty() {
                None
            } else {
                Some(args.codes.iter().map(|c| code(c)).collect::<Result<Vec<_>>>()?)
            };
            let rules = Rule::from_codebook(&project, only.as_deref())?;
            if rules.is_empty() {
                bail!(
                    "no code{} has a `search:` or `regex:` rule: add one under a code in {} (such as `  - search: \"shared values\" OR ethos`)",
                    if only.is_some() { " of --codes" } else { "" },
                    project.config.codebook.path
                );
            }
            rules
        }
    };
    for r in &rules {
        autocode::check_rule(r)?;
    }
    let sheet = sheet_path(&project, &args.coder)?;
    let bar = crate::progress::Bar::new("indexing documents");
    let open = index::open(&project.root, &project.config, Some(&project), &bar)?;
    bar.finish();
    crate::progress::trace("autocode: index open");
    let mut analyzers = open.analyzers.clone();
    let mut candidates = |expr: &Option<crate::search::query::Expr>, each: &mut dyn FnMut(usize, usize)| {
        crate::search::each_turn_matching(&open, expr.as_ref(), |d, t| {
            if let Some(d) = project
                .document(d)
                .filter(|&d| t < project.documents[d].turns.len())
            {
                each(d, t);
            }
        })
    };
    let bar = crate::progress::Bar::new("applying rules");
    let suggestions = autocode::suggest(&project, &rules, args.unit, &mut analyzers, &mut candidates, &bar)?;
    crate::progress::trace("autocode: rules applied");
    let scores = autocode::score(&project, &rules, &suggestions, args.unit);
    let mut note = String::new();
    if !args.dry_run {
        let (written, skipped) = write_sheet(&project, &sheet, &rules, &suggestions)?;
        crate::progress::trace("autocode: sheet written");
        note = format!(
            "wrote {written} row{} of suggestions to {}{}\n",
            if written == 1 { "" } else { "s" },
            sheet.0,
            if skipped > 0 {
                format!(" ({skipped} left out: their words could not be quoted unambiguously)")
            } else {
                String::new()
            }
        );
    }
    let table = scores_table(&project, &rules, &scores, args.unit);
    emit(&table.render(args.format))?;
    if !note.is_empty() {
        eprint!("{note}");
    }
    Ok(Outcome::Done)
}

/// The sheet autocode writes, refusing a coder's own sheet or a spreadsheet.
fn sheet_path(project: &Project, coder: &str) -> Result<(String, std::path::PathBuf)> {
    if coder.is_empty() || coder.contains(['/', '\\']) || coder.starts_with('.') {
        bail!("invalid sheet name `{coder}`: it becomes the file name coding/<name>.csv");
    }
    let dir = &project.config.coding.sheets;
    if project.root.join(format!("{dir}/{coder}.xlsx")).exists() {
        bail!("{dir}/{coder}.xlsx is a spreadsheet: autocode writes only CSV sheets of its own; pick another --coder");
    }
    if let Some(c) = project.coder(coder) {
        if !project.sheets[c].suggestions {
            bail!(
                "{dir}/{coder}.csv is a coder's sheet, not one autocode wrote (it has no `rule` column): nothing was written; pick another --coder"
            );
        }
    }
    // A sheet that does not read cleanly is never rewritten: say so before any work.
    let file = format!("{dir}/{coder}.csv");
    if let Ok(bytes) = std::fs::read(project.root.join(&file)) {
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{file} is not UTF-8: nothing was written"))?;
        let mut diags = Diagnostics::default();
        let read = CsvTable::read_rows(
            &text,
            &file,
            &crate::coding::REQUIRED,
            b',',
            &mut diags,
            |_, _| (),
            |_, _, _| (),
        );
        if read.is_none() || diags.errors() > 0 {
            bail!(
                "{file} has problems to fix first, nothing was written: {}",
                diags.sorted().first().map(|p| p.to_string()).unwrap_or_default()
            );
        }
    }
    Ok((
        format!("{dir}/{coder}.csv"),
        project.root.join(format!("{dir}/{coder}.csv")),
    ))
}

/// A passage: document (its index: documents are in the order of their ids) and byte range.
type Passage = (usize, usize, usize);

/// One row of suggestions: a passage and the codes suggested for it, each with its rule.
struct Row {
    fields: Vec<String>,
    /// (code, rule) pairs, in code order.
    codes: Vec<(String, String)>,
}

const HEADER: [&str; 6] = [
    "document",
    "quote",
    "codes",
    "memo",
    "occurrence",
    crate::coding::RULE,
];

impl Row {
    fn render(&mut self) -> String {
        self.fields[2] = self
            .codes
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<Vec<_>>()
            .join(";");
        self.fields[5] = self
            .codes
            .iter()
            .map(|(c, r)| format!("{c}: {r}"))
            .collect::<Vec<_>>()
            .join(" | ");
        write_record(&self.fields, "\n")
    }
}

/// The (code, rule) pairs of a sheet row: its codes, with the rules its `rule` column names.
fn row_codes(codes: &str, rule: &str) -> Vec<(String, String)> {
    let rules: Vec<(&str, &str)> = rule
        .split(" | ")
        .filter_map(|part| part.split_once(": "))
        .collect();
    crate::coding::split_codes(codes)
        .into_iter()
        .map(|c| {
            let r = rules.iter().find(|(rc, _)| *rc == c).map_or("", |(_, r)| r);
            (c, r.to_string())
        })
        .collect()
}

/// Writes the suggestions, one row per passage with all its codes: the rows of the codes
/// that ran are replaced (a row keeps the codes of rules that did not run), the other rows
/// keep their bytes. Returns (rows written, suggestions left out). The sheet is written as it
/// is made, the old one read a row at a time: a million suggestions are never held as text.
fn write_sheet(
    project: &Project,
    sheet: &(String, std::path::PathBuf),
    rules: &[Rule],
    suggestions: &[Suggestion],
) -> Result<(usize, usize)> {
    let (file, path) = sheet;
    let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    let ran: Vec<&str> = rules
        .iter()
        .map(|r| project.codebook.codes[r.code].id.as_str())
        .collect();
    // The suggestions come sorted by passage, a passage's rules together. An old row that
    // takes a passage's rules marks them taken (by the passage's first suggestion).
    let passage = |s: &Suggestion| (s.document as usize, s.bytes.start(), s.bytes.end());
    debug_assert!(
        suggestions.windows(2).all(|w| passage(&w[0]) <= passage(&w[1])),
        "suggestions sorted by passage"
    );
    let mut taken = vec![false; suggestions.len()];
    let code_and_rule = |s: &Suggestion| {
        let rule = &rules[s.rule as usize];
        (project.codebook.codes[rule.code].id.clone(), rule.text.clone())
    };
    // Where the sheet's rows anchor, as loaded.
    let coder = project.coder(path.file_stem().and_then(|s| s.to_str()).unwrap_or(""));
    let anchored: HashMap<usize, Passage> = project
        .segments
        .iter()
        .filter(|seg| Some(seg.coder as usize) == coder)
        .map(|seg| {
            (
                seg.line as usize,
                (seg.document as usize, seg.bytes.start(), seg.bytes.end()),
            )
        })
        .collect();
    let old = match std::fs::read(path) {
        Ok(bytes) => Some(String::from_utf8(bytes).with_context(|| format!("{file} is not UTF-8"))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {file}")),
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let (mut rows, mut skipped) = (0, 0);
    let mut problem = None;
    write_atomic_with(path, |out| {
        out.write_all(write_record(&header, "\n").as_bytes())?;
        if let Some(text) = &old {
            let mut diags = Diagnostics::default();
            let mut result = Ok(());
            let read = CsvTable::read_rows(
                text,
                file,
                &crate::coding::REQUIRED,
                b',',
                &mut diags,
                |headers, _| headers.to_vec(),
                |headers, row, _| {
                    if result.is_err() {
                        return;
                    }
                    let column = |n: &str| headers.iter().position(|h| h == n);
                    let get = |n: &str| column(n).map(|c| row.fields[c].clone()).unwrap_or_default();
                    let mut kept = Row {
                        fields: header.iter().map(|h| get(h)).collect(),
                        codes: row_codes(&get("codes"), &get(crate::coding::RULE)),
                    };
                    let before = kept.codes.clone();
                    kept.codes.retain(|(c, _)| !ran.contains(&c.as_str()));
                    if let Some(k) = anchored.get(&row.line) {
                        let first = suggestions.partition_point(|s| passage(s) < *k);
                        let run = suggestions[first..].partition_point(|s| passage(s) == *k);
                        let add = if run > 0 && !taken[first] {
                            taken[first] = true;
                            &suggestions[first..first + run]
                        } else {
                            &[]
                        };
                        for (c, r) in add.iter().map(code_and_rule) {
                            if !kept.codes.iter().any(|(k, _)| *k == c) {
                                kept.codes.push((c, r));
                            }
                        }
                    }
                    if kept.codes.is_empty() {
                        return;
                    }
                    kept.codes.sort_by_key(|(c, _)| project.codebook.code(c));
                    rows += 1;
                    result = if *headers == header && kept.codes == before {
                        let bytes = &text[row.bytes.clone()];
                        out.write_all(bytes.as_bytes()).and_then(|_| {
                            if bytes.ends_with('\n') {
                                Ok(())
                            } else {
                                out.write_all(b"\n")
                            }
                        })
                    } else {
                        out.write_all(kept.render().as_bytes())
                    };
                },
            );
            result?;
            if read.is_none() || diags.errors() > 0 {
                problem = Some(diags.sorted().first().map(|p| p.to_string()).unwrap_or_default());
                return Err(std::io::Error::other("the sheet has problems"));
            }
        }
        // Passages come document by document: whether a text is in NFC is worked out once.
        // Texts are read in order through one reader, which keeps only the last few.
        let mut nfc: Option<(usize, bool)> = None;
        let mut reader = crate::corpus::text::Reader::default();
        let mut at = 0;
        for add in suggestions.chunk_by(|a, b| passage(a) == passage(b)) {
            let first = at;
            at += add.len();
            if taken[first] {
                continue;
            }
            let (d, start, end) = passage(&add[0]);
            let doc = &project.documents[d];
            let text = doc.text.read(&mut reader);
            let quote = &text[start..end];
            let text_is_nfc = match nfc {
                Some((n, yes)) if n == d => yes,
                _ => {
                    let yes = is_nfc(text);
                    nfc = Some((d, yes));
                    yes
                }
            };
            // A passage whose words cannot be quoted so that they anchor back here is left out.
            let Some(occurrence) = occurrence_of(text, text_is_nfc, start..end) else {
                skipped += add.len();
                continue;
            };
            let occurrence = occurrence.map(|n| n.to_string()).unwrap_or_default();
            let mut codes: Vec<(String, String)> = add.iter().map(code_and_rule).collect();
            codes.sort_by_key(|(c, _)| project.codebook.code(c));
            let mut row = Row {
                fields: vec![
                    doc.id.to_string(),
                    quote.to_string(),
                    String::new(),
                    String::new(),
                    occurrence,
                    String::new(),
                ],
                codes,
            };
            out.write_all(row.render().as_bytes())?;
            rows += 1;
        }
        Ok(())
    })
    .map_err(|e| match problem.take() {
        Some(p) => anyhow::anyhow!("{file} has problems to fix first, nothing was written: {p}"),
        None => e,
    })?;
    Ok((rows, skipped))
}

fn scores_table(project: &Project, rules: &[Rule], scores: &[Score], unit: Unit) -> Table {
    let what = match unit {
        Unit::Sentence => "sentences",
        Unit::Turn => "turns",
        Unit::Match => "passages",
    };
    let mut t = Table::new(&[
        "code",
        "rule",
        "unit",
        "suggested",
        "human",
        "agreed",
        "precision",
        "recall",
    ]);
    for s in scores {
        let rule = &rules[s.rule];
        let f = |x: Option<f64>| x.map_or(Cell::Null, Cell::Float);
        t.push(vec![
            project.codebook.codes[rule.code].id.as_str().into(),
            rule.text.as_str().into(),
            what.into(),
            s.suggested.into(),
            s.human.into(),
            s.correct.into(),
            if s.human == 0 {
                Cell::Null
            } else {
                f(s.precision())
            },
            f(s.recall()),
        ]);
    }
    t
}
