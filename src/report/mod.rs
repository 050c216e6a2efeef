//! The quoted-evidence report: `report.md`, `report.html` (one self-contained file),
//! `tables/*.csv` and `figures/*.svg`, built in memory from a loaded project. The same
//! project always gives the same bytes: no dates, no absolute paths, stable order.

pub mod html;
pub mod markdown;
pub mod quotes;
pub mod svg;

use crate::analysis::counts::{count, By};
use crate::analysis::nodes::Level;
use crate::analysis::triangulation::{triangulate, Thresholds, Triangulation};
use crate::codebook::CodeIdx;
use crate::output::Table;
use crate::project::Project;
use markdown as md;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The files of a report, paths relative to the report folder, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub files: Vec<(String, Vec<u8>)>,
}

/// A quote placed in the report, for the quotes table and the checks.
struct Placed {
    theme: String,
    category: String,
    quote: quotes::Quote,
}

/// Builds the whole report. `load_errors` is the number of errors the project had when the
/// analyst chose to write the report anyway (`--allow-errors`): the warnings say so.
pub fn build(project: &Project, load_errors: usize) -> Report {
    let redact = |s: &str| project.redactions.apply(s);
    let book = &project.codebook;
    let settings = &project.config.report;
    let tri = triangulate(
        project,
        Level::Theme,
        &By::group(),
        Thresholds {
            prominence_ratio: project.config.triangulation.prominence_ratio,
        },
    );
    let group_labels: Vec<String> = tri
        .groups
        .iter()
        .map(|g| project.config.group_label(g).to_string())
        .collect();
    let mut out = String::new();
    let title = project
        .config
        .project
        .title
        .clone()
        .unwrap_or_else(|| "Thematic analysis".to_string());
    let _ = writeln!(out, "# {}\n", md::text(&redact(&title)));

    // 1. Summary.
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(out, "{}\n", summary(project, &group_labels));

    // 2. Themes and subthemes.
    let _ = writeln!(out, "## Themes and subthemes\n");
    let mut themes_table = Table::new(&["theme", "subthemes", "codes"]);
    let _ = writeln!(out, "| Theme | Subthemes | Codes |\n|---|---|---:|");
    for (t, theme) in book.themes.iter().enumerate() {
        let cats: Vec<&str> = book
            .categories
            .iter()
            .filter(|c| c.theme == Some(t))
            .map(|c| c.name.as_str())
            .collect();
        let n_codes = book.codes.iter().filter(|c| c.theme == Some(t)).count();
        let _ = writeln!(
            out,
            "| {} | {} | {n_codes} |",
            md::text(&redact(&theme.name)),
            md::text(&redact(&cats.join("; ")))
        );
        themes_table.push(vec![
            redact(&theme.name).into(),
            redact(&cats.join("; ")).into(),
            n_codes.into(),
        ]);
    }
    out.push('\n');

    // 3. Triangulation matrix and figures.
    let _ = writeln!(out, "## Triangulation\n");
    let _ = writeln!(
        out,
        "Each cell gives the participants of the group coded at the theme out of all the group's participants (n/N), and the number of coded passages in brackets. Verdicts follow Farmer et al.'s triangulation protocol: *agreement* (every group present, similar prominence, the same lean), *partial* (every group present, but prominence differs strongly or one group leans where another does not), *silence* (a group has no participant coded) and *dissonance* (groups lean opposite ways).\n"
    );
    out.push_str(&triangulation_table(&tri, &group_labels, &redact));
    out.push('\n');
    out.push_str(
        "![Heat map: share of each group's participants coded at each theme](figures/heatmap.svg)\n\n",
    );
    out.push_str("![Coded passages per theme by group](figures/references.svg)\n\n");
    // The other comparisons the design asks for (`[report] compare`).
    for name in settings.compare.iter().filter(|c| c.as_str() != "group") {
        let Ok(by) = By::parse(name, project) else {
            continue;
        };
        let other = triangulate(
            project,
            Level::Theme,
            &by,
            Thresholds {
                prominence_ratio: project.config.triangulation.prominence_ratio,
            },
        );
        let labels: Vec<String> = other
            .groups
            .iter()
            .map(|v| crate::analysis::breakdown::label(project, &by, v))
            .collect();
        let _ = writeln!(out, "### By {}\n", md::text(&by.name().replace(',', " and ")));
        out.push_str(&triangulation_table(&other, &labels, &redact));
        out.push('\n');
    }
    let mut over_files: Vec<(String, Vec<u8>)> = Vec::new();
    if let Some(attribute) = &settings.over {
        if let Ok(key) = crate::analysis::breakdown::Key::parse(attribute, project) {
            let over = crate::analysis::over::over(project, Level::Theme, &key, &[]);
            let _ = writeln!(out, "## Change over time\n");
            let _ = writeln!(
                out,
                "Each theme's participants coded out of the participants at each {} (n/N), the coded passages in brackets and the share; *emerged*: absent at the first {} and present later; *faded*: present, then absent at the last. The panel is the {} people present at every {}, with how many of them were coded at the theme at each.\n",
                md::text(&over.attribute),
                md::text(&over.attribute),
                over.panel,
                md::text(&over.attribute)
            );
            let mut table = over.wide();
            redact_table(&mut table, &redact);
            out.push_str(&table.render(crate::output::Format::Md));
            out.push('\n');
            let svg = svg::over::small_multiples(
                &format!("Participants coded per {}, by theme", over.attribute),
                &over.rows.iter().map(|r| redact(&r.node)).collect::<Vec<_>>(),
                &over.values,
                &over
                    .rows
                    .iter()
                    .map(|r| r.cells.iter().map(|&(n, of, _)| (n, of)).collect())
                    .collect::<Vec<_>>(),
            );
            out.push_str("![Participants coded per theme over time](figures/over.svg)\n\n");
            let mut tidy = over.tidy();
            redact_table(&mut tidy, &redact);
            over_files.push(("figures/over.svg".into(), svg.into_bytes()));
            over_files.push(("tables/over.csv".into(), tidy.spreadsheet_csv().into_bytes()));
        }
    }

    // 4. Findings: per theme and subtheme, with quotes.
    let _ = writeln!(out, "## Findings\n");
    // The share cap in quotes: of as many quotes as the report could hold.
    let slots = book.categories.iter().filter(|c| c.theme.is_some()).count()
        + (0..book.themes.len())
            .filter(|&t| {
                book.codes
                    .iter()
                    .any(|c| c.theme == Some(t) && c.category.is_none())
            })
            .count();
    let planned = slots * settings.quotes_per_subtheme;
    let mut ledger = quotes::Ledger::new((planned as f64 * settings.max_quote_share).ceil() as usize);
    let mut placed: Vec<Placed> = Vec::new();
    let quote_block = |out: &mut String, qs: &[quotes::Quote]| {
        for q in qs {
            let document = |a: &str| {
                project
                    .document_attributes
                    .get(q.document, a)
                    .unwrap_or("")
                    .to_string()
            };
            let attribution = match q.participant {
                Some(p) => project.attribute(p, q.document),
                None => project
                    .document_attribution
                    .render(&project.documents[q.document].id, &document),
            };
            let _ = writeln!(
                out,
                "> {} {}\n",
                md::text(&project.redact_quote(&q.text)),
                md::text(&redact(&attribution))
            );
        }
    };
    for (t, theme) in book.themes.iter().enumerate() {
        let _ = writeln!(out, "### {}. {}\n", t + 1, md::text(&redact(&theme.name)));
        if !theme.description.is_empty() {
            let _ = writeln!(out, "{}\n", md::prose(&redact(&theme.description)));
        }
        let direct = |c: CodeIdx| book.codes[c].theme == Some(t) && book.codes[c].category.is_none();
        if book.codes.iter().enumerate().any(|(i, _)| direct(i)) {
            let qs = quotes::choose(
                project,
                &direct,
                settings.quotes_per_subtheme,
                settings.quote_max_chars,
                &mut ledger,
            );
            quote_block(&mut out, &qs);
            placed.extend(qs.into_iter().map(|quote| Placed {
                theme: theme.name.clone(),
                category: String::new(),
                quote,
            }));
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
                subtheme_number(book, t, ci),
                md::text(&redact(&cat.name))
            );
            if !cat.description.is_empty() {
                let _ = writeln!(out, "{}\n", md::prose(&redact(&cat.description)));
            }
            let in_cat = |c: CodeIdx| book.codes[c].category == Some(ci);
            let qs = quotes::choose(
                project,
                &in_cat,
                settings.quotes_per_subtheme,
                settings.quote_max_chars,
                &mut ledger,
            );
            if qs.is_empty() {
                let _ = writeln!(out, "*No coded passages yet.*\n");
            }
            quote_block(&mut out, &qs);
            placed.extend(qs.into_iter().map(|quote| Placed {
                theme: theme.name.clone(),
                category: cat.name.clone(),
                quote,
            }));
        }
    }

    // 5. Methods appendix, with agreement where the approach uses it.
    let _ = writeln!(out, "## Methods\n");
    out.push_str(&methods(project, &group_labels));
    let agreement = agreement_summary(project);
    if let Some((text, _)) = &agreement {
        let _ = writeln!(out, "{text}");
    }
    out.push('\n');

    // 6. Warnings.
    let mut warnings = warnings(project, &placed, &tri, &redact);
    if load_errors > 0 {
        warnings.insert(
            0,
            format!(
                "Written with --allow-errors from a project with {} (run `thematic check`): what could not be read is left out of every count and quote.",
                plural(load_errors, "error", "errors")
            ),
        );
    }
    let _ = writeln!(out, "## Warnings\n");
    if warnings.is_empty() {
        out.push_str("None.\n");
    } else {
        for w in &warnings {
            // Markdown already: what came from the project's files is escaped in it.
            let _ = writeln!(out, "- {w}");
        }
    }

    // Tables and figures.
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
        &group_labels,
        &cells,
    );
    let bars = svg::grouped_bars(
        "Coded passages per theme, by group",
        &theme_names,
        &group_labels,
        &refs,
    );
    let mut quotes_table = Table::new(&[
        "theme",
        "subtheme",
        "document",
        "participant",
        "group",
        "exemplar",
        "quote",
    ]);
    for p in &placed {
        let (label, group) = match p.quote.participant {
            Some(who) => {
                let who = project.participants.get(who);
                (who.label.clone(), who.group.clone())
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
    let mut tri_table = tri.table();
    redact_table(&mut tri_table, &redact);
    let mut stats_table = count(project, Level::Theme, &By::group()).table();
    redact_table(&mut stats_table, &redact);
    let html = html::page(
        &redact(&title),
        &out,
        &[
            ("figures/heatmap.svg", &heatmap),
            ("figures/references.svg", &bars),
        ],
    );
    let mut extra = over_files;
    if let Some((_, mut table)) = agreement {
        redact_table(&mut table, &redact);
        extra.push((
            "tables/agreement.csv".to_string(),
            table.spreadsheet_csv().into_bytes(),
        ));
    }
    let files: BTreeMap<String, Vec<u8>> = [
        ("report.md".to_string(), out.into_bytes()),
        ("report.html".to_string(), html.into_bytes()),
        ("figures/heatmap.svg".to_string(), heatmap.into_bytes()),
        ("figures/references.svg".to_string(), bars.into_bytes()),
        (
            "tables/themes.csv".to_string(),
            themes_table.spreadsheet_csv().into_bytes(),
        ),
        (
            "tables/triangulation.csv".to_string(),
            tri_table.spreadsheet_csv().into_bytes(),
        ),
        (
            "tables/references-by-group.csv".to_string(),
            stats_table.spreadsheet_csv().into_bytes(),
        ),
        (
            "tables/quotes.csv".to_string(),
            quotes_table.spreadsheet_csv().into_bytes(),
        ),
    ]
    .into_iter()
    .chain(extra)
    .collect();
    Report {
        files: files.into_iter().collect(),
    }
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
                people.list.iter().filter(|p| &p.group == g).count()
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
        .map(|s| (s.document, s.chars.start, s.chars.end))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}

fn triangulation_table(
    tri: &Triangulation,
    group_labels: &[String],
    redact: &dyn Fn(&str) -> String,
) -> String {
    let mut out = String::from("| Theme |");
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
        let n = people.list.iter().filter(|p| &p.group == g).count();
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
            .filter(|s| s.coder == c)
            .map(|s| s.document)
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
