//! `thematic stats`: references, participants and documents per node.

use super::{emit, Filters, Findings, Global, Outcome};
use crate::analysis::counts::{count_where, By};
use crate::analysis::nodes::Level;
use crate::output::Format;
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
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    filters: Filters,
    #[command(flatten)]
    findings: Findings,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let project = global.load_findings(&args.findings)?;
    let by = By::parse(&args.by, &project)?;
    let filters = args.filters.resolve(&project)?;
    let stats = count_where(&project, args.level, &by, &filters);
    emit(&stats.table().render(args.format))?;
    Ok(Outcome::Done)
}
