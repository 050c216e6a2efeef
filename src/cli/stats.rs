//! `thematic stats`: references, participants and documents per node.

use super::{emit, Filters, Findings, Global, OnErrors, Outcome};
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
        let key = crate::analysis::breakdown::Key::parse(attribute, &project)?;
        let over = crate::analysis::over::over(&project, args.level, &key, &filters);
        let text = match args.format {
            FigureFormat::Csv | FigureFormat::Json => {
                over.tidy().render(args.format.table().expect("a table format"))
            }
            FigureFormat::Svg => crate::report::svg::over::small_multiples(
                &format!(
                    "Participants coded per {} ({})",
                    over.attribute,
                    args.level.as_str()
                ),
                &over.rows.iter().map(|r| r.node.clone()).collect::<Vec<_>>(),
                &over.values,
                &over
                    .rows
                    .iter()
                    .map(|r| r.cells.iter().map(|&(n, of, _)| (n, of)).collect())
                    .collect::<Vec<_>>(),
            ),
            f => over.wide().render(f.table().expect("a table format")),
        };
        emit(&text)?;
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
                row[3] = crate::analysis::breakdown::label(&project, &by, v).into();
            }
        }
    }
    emit(&table.render(format))?;
    Ok(Outcome::Done)
}
