//! `thematic stats`: references, participants and documents per node.

use super::{emit, Filters, Findings, Global, OnErrors, Outcome};
use crate::analysis::breakdown::{label, Key};
use crate::analysis::counts::{count_where, By};
use crate::analysis::nodes::Level;
use crate::output::FigureFormat;
use anyhow::Result;

/// References, participants and documents per node
///
/// Per code, category or theme, overall or broken
/// down by group, participant, document or any participant attribute.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The level of the code tree to count
    #[arg(long, value_enum, default_value_t = Level::Code)]
    level: Level,
    /// Break the counts down by `group`, `participant`, `document`, a participants.csv column
    /// such as `site`, or a document attribute such as `source` or `wave`; two crossed:
    /// `site,wave`
    #[arg(long, value_name = "BY", default_value = "all")]
    by: String,
    /// Output format (`svg`: with --over, a small chart per node)
    #[arg(long, value_enum, default_value_t = FigureFormat::Table)]
    format: FigureFormat,
    /// Change over time: each node's prominence at each value of an ordered attribute (such
    /// as `wave`), the nodes that emerged and faded, and the panel of people present at every
    /// value (`--format svg`: a small chart per node)
    #[arg(long, value_name = "ATTR", conflicts_with = "by")]
    over: Option<String>,
    #[command(flatten)]
    filters: Filters,
    #[command(flatten)]
    findings: Findings,
    #[command(flatten)]
    on_errors: OnErrors,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let project = global.load_findings(&args.findings, &args.on_errors)?;
    let filters = args.filters.resolve(&project)?;
    if let Some(attribute) = &args.over {
        let key = Key::parse(attribute, &project)?;
        emit(&change_over_time(
            &project,
            args.level,
            &key,
            &filters,
            args.format,
        ))?;
        return Ok(Outcome::Done);
    }
    let by = By::parse(&args.by, &project)?;
    let stats = count_where(&project, args.level, &by, &filters);
    let Some(format) = args.format.table() else {
        anyhow::bail!("--format svg draws change over time: add --over ATTR (such as --over wave), or use csv for the table");
    };
    let mut table = stats.table();
    if matches!(format, crate::output::Format::Table | crate::output::Format::Md) {
        // For people, values read with their labels; csv and json keep the values as they are.
        for row in &mut table.rows {
            if let crate::output::Cell::Text(v) = &row[3] {
                row[3] = label(&project, &by, v).into();
            }
        }
    }
    let mut text = table.render(format);
    if matches!(format, crate::output::Format::Table | crate::output::Format::Md) && !by.is(&Key::All) {
        text.push('\n');
        text.push_str(&population_note(
            &project,
            &stats,
            format == crate::output::Format::Md,
        ));
    }
    emit(&text)?;
    Ok(Outcome::Done)
}

/// `--over`: each node's prominence per value of `key`, as a table, tidy records or a chart;
/// what has no value is left out with a note.
fn change_over_time(
    project: &crate::project::Project,
    level: Level,
    key: &Key,
    filters: &[crate::analysis::breakdown::Where],
    format: FigureFormat,
) -> String {
    let over = crate::analysis::over::over(project, level, key, filters);
    // For people, values read with their labels; csv and json keep the values as they are.
    let text = match format {
        FigureFormat::Csv | FigureFormat::Json => over.tidy().render(format.table().expect("a table format")),
        FigureFormat::Svg => crate::report::svg::over::small_multiples(
            &format!("Participants coded per {} ({})", over.attribute, level.as_str()),
            &over.rows.iter().map(|r| r.node.clone()).collect::<Vec<_>>(),
            &over.labels,
            &over
                .rows
                .iter()
                .map(|r| r.cells.iter().map(|&(n, of, _)| (n, of)).collect())
                .collect::<Vec<_>>(),
        ),
        f => {
            let mut text = over.wide().render(f.table().expect("a table format"));
            if let Some(note) = over.note() {
                let lead = if f == FigureFormat::Md { "Note: " } else { "note: " };
                text.push_str(&format!("\n{lead}{note}\n"));
            }
            return text;
        }
    };
    if let Some(note) = over.note() {
        eprintln!("note: {note}");
    }
    text
}

/// Each value's N, which the participants column counts out of, and what N is.
fn population_note(
    project: &crate::project::Project,
    stats: &crate::analysis::counts::Stats,
    md: bool,
) -> String {
    let whose = if stats.by.of_participants() {
        "the participants with each value"
    } else {
        "the participants who speak in documents with each value"
    };
    let values: Vec<String> = stats
        .values
        .iter()
        .zip(&stats.population)
        .map(|(v, n)| format!("{} = {n}", label(project, &stats.by, v)))
        .collect();
    format!(
        "{}N per {} ({whose}): {}\n",
        if md { "Note: " } else { "note: " },
        stats.by.name(),
        values.join(", ")
    )
}
