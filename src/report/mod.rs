//! The quoted-evidence report: `report.md`, `report.html` (one self-contained file),
//! `tables/*.csv` and `figures/*.svg`, built in memory from a loaded project. The same
//! project always gives the same bytes: no dates, no absolute paths, stable order.
//!
//! `report.md` is rendered from a template ([`template`]): the built-in one, or the analyst's
//! own (`[report] template`), whose functions ([`evidence`]) place the evidence.

pub mod docx;
pub mod evidence;
pub mod html;
pub mod markdown;
pub mod quotes;
pub mod svg;
pub mod template;
pub mod typed_quotes;

use crate::analysis::breakdown::Where;
use crate::analysis::counts::{count, By};
use crate::analysis::nodes::Level;
use crate::analysis::triangulation::Triangulation;
use crate::diagnostics::Diagnostics;
use crate::output::Table;
use crate::project::Project;
use evidence::Evidence;
use markdown as md;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// The files of a report, paths relative to the report folder, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub files: Vec<(String, Vec<u8>)>,
}

/// A quote placed in the report, for the quotes table and the checks.
pub(crate) struct Placed {
    theme: String,
    category: String,
    quote: quotes::Quote,
}

/// What the report is made from besides the project: the evidence filters (`--where` and
/// `[report] where`).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub filters: Vec<Where>,
}

/// The template a project's report is rendered from: its name in errors and its text. The
/// analyst's (`[report] template`, a path inside the project) or the built-in one.
pub fn template_source(project: &Project) -> Result<(String, String), String> {
    let Some(path) = &project.config.report.template else {
        return Ok(("report.md.j2 (built in)".into(), template::BUILTIN.to_string()));
    };
    let inside = std::path::Path::new(path)
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir));
    if !inside {
        return Err(format!(
            "{}: [report] template = \"{path}\" should be a path inside the project, such as \"report.md.j2\"",
            crate::config::CONFIG_FILE
        ));
    }
    std::fs::read_to_string(project.root.join(path))
        .map(|text| (path.clone(), text))
        .map_err(|e| {
            format!(
                "{}: [report] template = \"{path}\" cannot be read: {e}",
                crate::config::CONFIG_FILE
            )
        })
}

/// The problems of the analyst's template, for `check`: it cannot be read, its syntax, its
/// functions and their arguments, and every quote typed in it that is not verbatim.
pub fn check_template(project: &Project, diags: &mut Diagnostics) {
    if let Err(e) = report_filters(project, &[]) {
        let line = std::fs::read_to_string(project.root.join(crate::config::CONFIG_FILE))
            .ok()
            .and_then(|text| crate::config::find_line(&text, Some("report"), "where"));
        diags.error(crate::config::CONFIG_FILE, line, e);
        return;
    }
    if project.config.report.template.is_none() {
        return;
    }
    let (name, source) = match template_source(project) {
        Ok(s) => s,
        Err(message) => {
            let message = message
                .strip_prefix(&format!("{}: ", crate::config::CONFIG_FILE))
                .unwrap_or(&message)
                .to_string();
            diags.error(crate::config::CONFIG_FILE, None, message);
            return;
        }
    };
    for p in typed_quotes::check(project, &source) {
        diags.error(&name, p.line, p.message);
    }
    let filters = match report_filters(project, &[]) {
        Ok(f) => f,
        Err(e) => {
            diags.error(crate::config::CONFIG_FILE, None, e);
            return;
        }
    };
    // Only an analyst's template is checked: the project is copied for it.
    let evidence = Arc::new(Evidence::new(Arc::new(project.clone()), 0, filters));
    let source = template::redact_literal(&source, &|s| project.redact_quote(s));
    if let Err(p) = template::render(&evidence, &name, &source) {
        diags.error(&name, p.line, p.message);
    }
}

/// The evidence filters: `[report] where`, then the command line's `--where`.
pub fn report_filters(project: &Project, extra: &[Where]) -> Result<Vec<Where>, String> {
    let mut filters = Vec::new();
    for c in &project.config.report.r#where {
        filters.push(Where::parse(c, project).map_err(|e| format!("[report] where: {e:#}"))?);
    }
    filters.extend(extra.iter().cloned());
    Ok(filters)
}

/// Builds the whole report with the built-in template or the analyst's. `load_errors` is the
/// number of errors the project had when the analyst chose to write the report anyway
/// (`--allow-errors`): the warnings say so. An error names the template's file and line.
pub fn build(project: Arc<Project>, load_errors: usize) -> anyhow::Result<Report> {
    build_with(project, load_errors, &Options::default())
}

/// [`build`] with options: the `--where` filters on top of `[report] where`.
pub fn build_with(project: Arc<Project>, load_errors: usize, options: &Options) -> anyhow::Result<Report> {
    let (name, source) = template_source(&project).map_err(anyhow::Error::msg)?;
    let filters = report_filters(&project, &options.filters).map_err(anyhow::Error::msg)?;
    if project.config.report.template.is_some() {
        let problems: Vec<String> = typed_quotes::check(&project, &source)
            .into_iter()
            .map(|p| at(&name, &p))
            .collect();
        if !problems.is_empty() {
            anyhow::bail!(
                "nothing was written: the template quotes words that are not verbatim:\n{}",
                problems.join("\n")
            );
        }
    }
    let evidence = Arc::new(Evidence::new(project.clone(), load_errors, filters));
    let source = if project.config.report.template.is_some() {
        template::redact_literal(&source, &|s| project.redact_quote(s))
    } else {
        source
    };
    let out = template::render(&evidence, &name, &source)
        .map_err(|p| anyhow::anyhow!("nothing was written: {}", at(&name, &p)))?;
    finish(&evidence, out)
}

/// `file:line: message`.
fn at(name: &str, p: &template::Problem) -> String {
    match p.line {
        Some(line) => format!("{name}:{line}: {}", p.message),
        None => format!("{name}: {}", p.message),
    }
}

/// The files beside `report.md`: the page, the standard tables and figures, and whatever the
/// template's functions placed.
fn finish(evidence: &Evidence, out: String) -> anyhow::Result<Report> {
    let project = &evidence.project;
    let redact = |s: &str| project.redactions.apply(s);
    let tri = &evidence.tri;
    let group_labels = &evidence.group_labels;
    // What the built-in report always has, whether the template called for it or not.
    if evidence.over_key().is_some() && !evidence.placing().figures.contains_key("figures/over.svg") {
        evidence.change_over_time();
    }
    if !evidence
        .placing()
        .tables
        .iter()
        .any(|(n, _)| n == "tables/triangulation.csv")
    {
        let _ = evidence.triangulation("group", Level::Theme);
    }
    if !evidence
        .placing()
        .tables
        .iter()
        .any(|(n, _)| n == "tables/agreement.csv")
    {
        evidence.methods();
    }
    let theme_names: Vec<String> = tri.rows.iter().map(|r| redact(&r.node)).collect();
    let cells: Vec<Vec<(usize, usize)>> = tri
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| (c.participants, c.of)).collect())
        .collect();
    let refs: Vec<Vec<usize>> = tri
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.references).collect())
        .collect();
    let heatmap = svg::heatmap(
        "Share of each group's participants coded, by theme",
        &theme_names,
        group_labels,
        &cells,
    );
    let bars = svg::grouped_bars(
        "Coded passages per theme, by group",
        &theme_names,
        group_labels,
        &refs,
    );
    let placing = evidence.placing();
    let mut quotes_table = Table::new(&[
        "theme",
        "subtheme",
        "document",
        "participant",
        "group",
        "exemplar",
        "quote",
    ]);
    for p in &placing.placed {
        let (label, group) = match p.quote.participant {
            Some(who) => {
                let who = project.participants.get(who);
                (who.label.to_string(), who.group.to_string())
            }
            None => (String::new(), String::new()),
        };
        quotes_table.push(vec![
            redact(&p.theme).into(),
            redact(&p.category).into(),
            project.documents[p.quote.document].id.as_str().into(),
            redact(&label).into(),
            group.into(),
            (if p.quote.exemplar { "yes" } else { "no" }).into(),
            project.redact_quote(&p.quote.text).into(),
        ]);
    }
    let mut stats_table =
        crate::analysis::counts::count_where(project, Level::Theme, &By::group(), &evidence.filters).table();
    redact_table(&mut stats_table, &redact);
    let mut figures: BTreeMap<String, String> = placing.figures.clone();
    figures.insert("figures/heatmap.svg".into(), heatmap);
    figures.insert("figures/references.svg".into(), bars);
    let inline: Vec<(&str, &str)> = figures.iter().map(|(p, s)| (p.as_str(), s.as_str())).collect();
    let html = html::page(&evidence.title(), &out, &inline);
    let authors: Vec<String> = project.config.project.authors.iter().map(|a| redact(a)).collect();
    let docx = docx::document(
        &docx::Meta {
            title: &evidence.title(),
            authors: &authors,
            created: workbook_date(project),
        },
        &out,
        &figures,
    )
    .map_err(|e| anyhow::anyhow!("cannot make report.docx: {e}"))?;
    // In the report's order: the themes, what the template placed, then the counts and the
    // quotes.
    let mut tables: Vec<(String, Table)> = vec![("tables/themes.csv".to_string(), evidence.themes_data())];
    tables.extend(placing.tables.iter().cloned());
    tables.push(("tables/references-by-group.csv".to_string(), stats_table));
    tables.push(("tables/quotes.csv".to_string(), quotes_table));
    let sheets: Vec<(String, &Table)> = tables
        .iter()
        .map(|(n, t)| {
            let stem = n.trim_start_matches("tables/").trim_end_matches(".csv");
            (stem.to_string(), t)
        })
        .collect();
    let xlsx = crate::output::workbook(&sheets, workbook_date(project))
        .map_err(|e| anyhow::anyhow!("cannot make tables.xlsx: {e}"))?;
    let files: BTreeMap<String, Vec<u8>> = [
        ("report.md".to_string(), out.into_bytes()),
        ("report.html".to_string(), html.into_bytes()),
        ("report.docx".to_string(), docx),
        ("tables.xlsx".to_string(), xlsx),
    ]
    .into_iter()
    .chain(figures.into_iter().map(|(p, s)| (p, s.into_bytes())))
    .chain(
        tables
            .iter()
            .map(|(n, t)| (n.clone(), t.spreadsheet_csv().into_bytes())),
    )
    .collect();
    Ok(Report {
        files: files.into_iter().collect(),
    })
}

/// The date written into the report's workbook and document as their creation date:
/// `[project] date` when it is `YYYY-MM-DD`, else 1 January 2000, never the clock, so two
/// runs give the same bytes.
pub fn workbook_date(project: &Project) -> (u16, u8, u8) {
    let parsed = project.config.project.date.as_deref().and_then(|d| {
        let mut parts = d.trim().splitn(3, '-');
        let y: u16 = parts.next()?.parse().ok()?;
        let m: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, day)
            .is_ok()
            .then_some((y, m, day))
    });
    parsed.unwrap_or((2000, 1, 1))
}

fn redact_table(t: &mut Table, redact: &dyn Fn(&str) -> String) {
    for row in &mut t.rows {
        for c in row.iter_mut() {
            if let crate::output::Cell::Text(s) = c {
                *s = redact(s);
            }
        }
    }
}

/// The number of a category within its theme (1-based).
fn subtheme_number(book: &crate::codebook::Codebook, theme: usize, category: usize) -> usize {
    book.categories[..category]
        .iter()
        .filter(|c| c.theme == Some(theme))
        .count()
        + 1
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn summary(project: &Project, group_labels: &[String]) -> String {
    let people = &project.participants;
    let per_group: Vec<String> = people
        .groups
        .iter()
        .zip(group_labels)
        .map(|(g, label)| {
            format!(
                "{} n = {}",
                label,
                people.list.iter().filter(|p| p.group == *g).count()
            )
        })
        .collect();
    let book = &project.codebook;
    let unsorted = book.unsorted_codes().count();
    format!(
        "{} ({} in all). {}, {} ({}). {}, {}, {}{}; {} coded by {}.",
        md::text(&per_group.join(", ")),
        people.len(),
        plural(project.documents.len(), "document", "documents"),
        plural(project.coders.len(), "coder", "coders"),
        md::text(&project.coders.join(", ")),
        plural(book.themes.len(), "theme", "themes"),
        plural(book.categories.len(), "subtheme", "subthemes"),
        plural(book.sorted_codes().count(), "code", "codes"),
        if unsorted > 0 {
            format!(" (and {unsorted} unsorted)")
        } else {
            String::new()
        },
        plural(distinct_passages(project), "passage", "passages"),
        plural(project.analysis.len(), "coder", "coders"),
    )
}

fn distinct_passages(project: &Project) -> usize {
    let mut keys: Vec<(usize, usize, usize)> = project
        .findings()
        .map(|s| (s.document as usize, s.chars.start(), s.chars.end()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}

fn triangulation_table(
    tri: &Triangulation,
    group_labels: &[String],
    heading: &str,
    redact: &dyn Fn(&str) -> String,
) -> String {
    let mut out = format!("| {heading} |");
    for g in group_labels {
        let _ = write!(out, " {} |", md::text(g));
    }
    out.push_str(" Verdict |\n|---|");
    for _ in group_labels {
        out.push_str("---:|");
    }
    out.push_str("---|\n");
    let mut notes = Vec::new();
    for row in &tri.rows {
        let _ = write!(out, "| {} |", md::text(&redact(&row.node)));
        for c in &row.cells {
            let _ = write!(out, " {}/{} ({}) |", c.participants, c.of, c.references);
        }
        match &row.override_ {
            Some((v, note)) => {
                let _ = writeln!(out, " {}\\* |", v.as_str());
                notes.push(format!(
                    "\\* {}: the analyst's verdict (computed: {}){}",
                    md::text(&redact(&row.node)),
                    row.computed.as_str(),
                    if note.is_empty() {
                        String::new()
                    } else {
                        format!(". {}", md::text(&redact(note)))
                    }
                ));
            }
            None => {
                let _ = writeln!(out, " {} |", row.verdict().as_str());
            }
        }
    }
    for n in notes {
        let _ = write!(out, "\n{n}\n");
    }
    out
}

fn methods(project: &Project, group_labels: &[String]) -> String {
    let mut out = String::new();
    let approach = match project.config.project.approach {
        crate::config::Approach::Reflexive => "reflexive thematic analysis (Braun and Clarke)",
        crate::config::Approach::Codebook => "codebook thematic analysis (in Braun and Clarke's typology): codes defined in a shared codebook, grouped into subthemes and themes",
        crate::config::Approach::CodingReliability => "coding-reliability thematic analysis: a structured codebook applied by independent coders whose agreement is measured",
    };
    let _ = writeln!(out, "- Approach: {approach}.");
    let people = &project.participants;
    for (g, label) in people.groups.iter().zip(group_labels) {
        let n = people.list.iter().filter(|p| p.group == *g).count();
        let _ = writeln!(out, "- Participants, {}: {n}.", md::text(label));
    }
    let mut formats: BTreeMap<String, usize> = BTreeMap::new();
    let mut survey_files = std::collections::BTreeSet::new();
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    for (i, d) in project.documents.iter().enumerate() {
        let mut source = project
            .document_attributes
            .get(i, "source")
            .unwrap_or("")
            .to_lowercase();
        if d.format == crate::corpus::Format::Survey {
            // Answers are counted as answers, their files as survey files.
            survey_files.insert(d.path.as_str());
            if source == crate::corpus::survey::SOURCE {
                source = "survey answer".into();
            }
        } else {
            *formats.entry(format!(".{}", d.format.name())).or_default() += 1;
        }
        *types.entry(source).or_default() += 1;
    }
    if !survey_files.is_empty() {
        formats.insert("survey file".into(), survey_files.len());
    }
    let list = |m: &mut dyn Iterator<Item = (String, usize)>| {
        m.map(|(k, n)| {
            if n == 1 || k.starts_with('.') {
                format!("{n} {k}")
            } else {
                format!("{n} {k}s")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
    };
    let _ = writeln!(
        out,
        "- Documents: {} ({}; files: {}).",
        project.documents.len(),
        md::text(&list(&mut types.into_iter())),
        list(&mut formats.into_iter())
    );
    if let Some(key) = project
        .config
        .report
        .over
        .as_deref()
        .and_then(|a| crate::analysis::breakdown::Key::parse(a, project).ok())
    {
        // People, not interviews: a person interviewed in two waves is one in each.
        let by = By { keys: vec![key] };
        let b = crate::analysis::breakdown::Breakdown::new(project, &by, &[]);
        let per: Vec<String> = b
            .values
            .iter()
            .zip(&b.population)
            .filter(|(v, _)| v.as_str() != crate::analysis::breakdown::NONE)
            .map(|(v, p)| {
                format!(
                    "{} {}",
                    crate::analysis::breakdown::label(project, &by, v),
                    p.len()
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "- Participants per {} (people, not interviews): {}.",
            md::text(&by.name()),
            md::text(&per.join(", "))
        );
    }
    let mut coders = Vec::new();
    for (c, name) in project.coders.iter().enumerate() {
        let mut docs: Vec<usize> = project
            .segments
            .iter()
            .filter(|s| (s.coder as usize) == c)
            .map(|s| s.document as usize)
            .collect();
        docs.sort_unstable();
        docs.dedup();
        coders.push(format!(
            "{} ({})",
            md::text(name),
            plural(docs.len(), "document", "documents")
        ));
    }
    let _ = writeln!(
        out,
        "- Coders: {}.",
        if coders.is_empty() {
            "none".into()
        } else {
            coders.join(", ")
        }
    );
    if !project.coders.is_empty() {
        let analysis = project.analysis_coders();
        let others = project.agreement_only();
        let _ = writeln!(
            out,
            "- Whose coding the findings rest on: {}{}.",
            md::text(&analysis.join(" and ")),
            if others.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} double-coded for agreement only, and {} coding is not counted in the findings or quoted",
                    md::text(&others.join(" and ")),
                    if others.len() == 1 { "that" } else { "their" }
                )
            }
        );
    }
    let book = &project.codebook;
    let _ = writeln!(
        out,
        "- Codebook: {}, {}, {}; {} unsorted.",
        plural(book.themes.len(), "theme", "themes"),
        plural(book.categories.len(), "subtheme", "subthemes"),
        plural(book.sorted_codes().count(), "code", "codes"),
        book.unsorted_codes().count()
    );
    let _ = writeln!(
        out,
        "- Coded passages: {} from {} coding-sheet rows.",
        distinct_passages(project),
        project.findings().count()
    );
    let _ = writeln!(
        out,
        "- Triangulation: stakeholder groups compared per theme; prominence differs strongly when one group's share of participants is under {} of another's.",
        project.config.triangulation.prominence_ratio
    );
    let _ = writeln!(
        out,
        "- Quotes: up to {} per subtheme, exemplars first, then spread across groups and participants; passages over {} characters are cut at a sentence boundary and marked \"…\"; identifying terms are replaced ({} redaction terms){}.",
        project.config.report.quotes_per_subtheme,
        project.config.report.quote_max_chars,
        project.redactions.terms.len(),
        match (project.config.report.redact_names, project.names.terms.len()) {
            (_, 0) => String::new(),
            (true, n) => format!(
                ", and so are the {} participants are known by besides their label",
                plural(n, "name", "names")
            ),
            (false, _) => ", but not the names participants are known by ([report] redact_names = false)".to_string(),
        }
    );
    let withheld = project.participants.list.iter().filter(|p| !p.quotable).count();
    let rows = project.findings().filter(|s| !s.quotable).count();
    if withheld + rows > 0 {
        let _ = writeln!(
            out,
            "- Not quoted by consent: {} and {} marked `quotable = no` are counted but never quoted.",
            plural(withheld, "participant", "participants"),
            plural(rows, "coded passage", "coded passages")
        );
    }
    out
}

/// The warnings as Markdown lines: names from the project's files (themes, participants'
/// labels, codes) are redacted and escaped as text, so none can become a link or an image.
fn warnings(
    project: &Project,
    placed: &[Placed],
    tri: &Triangulation,
    redact: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let name = |s: &str| md::text(&redact(s));
    let mut out = Vec::new();
    let book = &project.codebook;
    let code_stats = count(project, Level::Code, &By::all());
    let unsorted: Vec<String> = book
        .unsorted_codes()
        .map(|(i, c)| {
            format!(
                "{} ({})",
                code_span(&redact(&c.id)),
                plural(
                    code_stats.total(code_stats.nodes.of_code[i]).references,
                    "passage",
                    "passages"
                )
            )
        })
        .collect();
    if !unsorted.is_empty() {
        out.push(format!(
            "Unsorted codes, used in coding sheets but not in the codebook: {}.",
            unsorted.join(", ")
        ));
    }
    // Themes are the first nodes of the theme level, in codebook order.
    let theme_stats = count(project, Level::Theme, &By::all());
    for (t, theme) in book.themes.iter().enumerate() {
        let n = theme_stats.total(t).participants;
        let row = &tri.rows[t];
        let groups_present = row.cells.iter().filter(|c| c.participants > 0).count();
        if n == 1 {
            out.push(format!(
                "The theme \"{}\" rests on one participant.",
                name(&theme.name)
            ));
        } else if groups_present == 1 && tri.groups.len() > 1 {
            out.push(format!("The theme \"{}\" rests on one group.", name(&theme.name)));
        } else if n == 0 {
            out.push(format!(
                "The theme \"{}\" has no coded passages.",
                name(&theme.name)
            ));
        }
    }
    let total = placed.len();
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for p in placed {
        if let Some(who) = p.quote.participant {
            *per.entry(project.participants.get(who).label.as_str())
                .or_default() += 1;
        }
    }
    for (label, n) in per {
        if total > 0 && n * 4 > total {
            out.push(format!(
                "{} supplies {n} of the report's {total} quotes (more than a quarter).",
                name(label)
            ));
        }
    }
    out
}

/// A code id as a code span; anything but a valid id (letters, digits, `-`, `_`, `/`) as
/// escaped text.
fn code_span(id: &str) -> String {
    if crate::text::is_code_id(id) {
        format!("`{id}`")
    } else {
        md::text(id)
    }
}

/// Inter-coder agreement for the methods appendix: when the approach is codebook or
/// coding-reliability and at least two coders coded a shared document. Character units, all
/// coders, the documents they all coded.
fn agreement_summary(project: &Project) -> Option<(String, Table)> {
    use crate::analysis::agreement::{compare, stats, Options, Scope, UnitKind};
    let coders: Vec<usize> = (0..project.coders.len())
        .filter(|&c| !project.sheets[c].suggestions)
        .collect();
    if project.config.project.approach == crate::config::Approach::Reflexive || coders.len() < 2 {
        return None;
    }
    let names: Vec<&str> = coders.iter().map(|&c| project.coders[c].as_str()).collect();
    let opts = Options {
        coders: coders.clone(),
        documents: None,
        codes: None,
        unit: UnitKind::Char,
        overlap: 0.9,
    };
    let a = compare(project, &opts);
    if a.documents.is_empty() {
        return None;
    }
    let pooled = a.rows.iter().find(|r| r.scope == Scope::All)?;
    let figure = |x: Option<f64>, band: &dyn Fn(f64) -> &'static str| match x {
        Some(v) => format!("{v:.3} ({})", band(v)),
        None => "undefined".to_string(),
    };
    let codes = a
        .rows
        .iter()
        .filter(|r| matches!(r.scope, Scope::Code(_)))
        .count();
    let reliable = a
        .rows
        .iter()
        .filter(|r| matches!(r.scope, Scope::Code(_)))
        .filter(|r| r.krippendorff_alpha.is_some_and(|x| x >= 0.8))
        .count();
    let text = format!(
        "- Inter-coder agreement: {} coded {} in common; over every character of {} and {}, percent agreement {}, Cohen's kappa {}, Krippendorff's alpha {}; {} of the {} codes {} alpha ≥ .800. Figures per code are in `tables/agreement.csv` (`thematic agree` for other units and the disagreements).",
        md::text(&names.join(" and ")),
        plural(a.documents.len(), "document", "documents"),
        if a.documents.len() == 1 { "it" } else { "them" },
        plural(codes, "code", "codes"),
        pooled.percent_agreement.map_or("undefined".into(), |x| format!("{x:.3}")),
        figure(pooled.cohen_kappa, &|k| stats::kappa_band(k).label()),
        figure(pooled.krippendorff_alpha, &|x| stats::alpha_band(x).label()),
        reliable,
        codes,
        if reliable == 1 { "reaches" } else { "reach" },
    );
    Some((text, a.table(project)))
}
