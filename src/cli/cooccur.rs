//! `thematic cooccur`: which codes (categories, themes) travel together.

use super::{emit, Filters, Findings, Global, OnErrors, Outcome};
use crate::analysis::cooccur::{cooccurrence, Unit};
use crate::analysis::nodes::Level;
use crate::output::FigureFormat;
use crate::report::svg::cooccur::figure;
use anyhow::Result;

/// Co-occurrence of codes: units coded with both, and the c-coefficient
///
/// For each pair of nodes: the units (passages, turns or documents) coded with both (n_ab),
/// each one's units (n_a, n_b) and ATLAS.ti's c-coefficient n_ab / (n_a + n_b − n_ab).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The level of the code tree
    #[arg(long, value_enum, default_value_t = Level::Code)]
    level: Level,
    /// The unit: a stretch of coded text (overlapping passages join), a speaker turn, or a
    /// document
    #[arg(long, value_enum, default_value_t = Unit::Passage)]
    unit: Unit,
    /// Output format: the table and md list the pairs that co-occur; csv and json every pair
    #[arg(long, value_enum, default_value_t = FigureFormat::Table)]
    format: FigureFormat,
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
    let co = cooccurrence(&project, args.level, args.unit, &filters);
    let note = co.note();
    let text = match args.format {
        FigureFormat::Svg => figure(&co, &note),
        FigureFormat::Csv | FigureFormat::Json => co
            .table(true)
            .render(args.format.table().expect("a table format")),
        FigureFormat::Table | FigureFormat::Md => {
            let t = co.table(false);
            let never = co.pairs.len() - t.rows.len();
            let mut out = t.render(args.format.table().expect("a table format"));
            out.push('\n');
            if args.format == FigureFormat::Md {
                out.push_str("Note: ");
            } else {
                out.push_str("note: ");
            }
            out.push_str(&format!(
                "{never} pair{} never co-occur (--format csv lists every pair). {note}\n",
                if never == 1 { "" } else { "s" }
            ));
            out
        }
    };
    emit(&text)?;
    Ok(Outcome::Done)
}
