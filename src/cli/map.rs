//! `thematic map`: the thematic map of themes, categories and codes, as SVG or Mermaid.

use super::{emit, Filters, Findings, Global, OnErrors, Outcome};
use crate::analysis::map::{thematic_map, Colour, Size};
use crate::report::svg::map::{mermaid, svg};
use anyhow::{bail, Result};
use clap::ValueEnum;

/// The thematic map: themes, categories and codes as a diagram
///
/// Nodes sized by references or participants and coloured by their lean (net polarity) or by
/// the group they are most prominent in; codes whose passages co-occur with a c-coefficient of
/// at least --links are linked.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format: SVG, or a Mermaid flowchart that GitHub renders
    #[arg(long, value_enum, default_value_t = MapFormat::Svg)]
    format: MapFormat,
    /// What a node's size (and the number beside it) shows
    #[arg(long, value_enum, default_value_t = Size::References)]
    size: Size,
    /// What a node's colour shows
    #[arg(long, value_enum, default_value_t = Colour::Lean)]
    colour: Colour,
    /// Link codes whose passage c-coefficient is at least this (0 to 1; above 1: no links)
    #[arg(long, value_name = "C", default_value_t = 0.3)]
    links: f64,
    #[command(flatten)]
    filters: Filters,
    #[command(flatten)]
    findings: Findings,
    #[command(flatten)]
    on_errors: OnErrors,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MapFormat {
    Svg,
    Mermaid,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    if !args.links.is_finite() || args.links < 0.0 {
        bail!(
            "--links {} is not a c-coefficient (a share from 0 to 1, such as 0.3)",
            args.links
        );
    }
    let project = global.load_findings(&args.findings, &args.on_errors)?;
    let filters = args.filters.resolve(&project)?;
    let map = thematic_map(&project, args.size, args.colour, args.links, &filters);
    let text = match args.format {
        MapFormat::Mermaid => mermaid(&map),
        MapFormat::Svg => {
            let title = match &project.config.project.title {
                Some(t) => format!("Thematic map: {t}"),
                None => "Thematic map".to_string(),
            };
            svg(&map, &title, &|g| project.config.group_label(g).to_string())
        }
    };
    emit(&text)?;
    Ok(Outcome::Done)
}
