//! `thematic triangulate`: the convergence matrix across stakeholder groups.

use super::{emit, Filters, Findings, Global, OnErrors, Outcome};
use crate::analysis::breakdown::{By, Key};
use crate::analysis::nodes::Level;
use crate::analysis::triangulation::{triangulate_where, Thresholds};
use crate::output::Format;
use anyhow::{bail, Result};

/// The convergence matrix across stakeholder groups
///
/// Compares the groups per theme, category or code: participants coded out of each
/// group (n/N), references, and a verdict per row (agreement, partial, silence, dissonance)
/// after Farmer et al.'s triangulation protocol. An analyst's verdict in triangulation.csv
/// (`row,verdict,note`) replaces the computed one and is marked `*`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Compare by `group`, a participants.csv column such as `site`, a document attribute
    /// such as `source` (methods triangulation) or `case`, `participant` or `document` (case
    /// by case), or two crossed (`site,wave`) [default: [triangulation] by, else group]
    #[arg(long, value_name = "BY")]
    by: Option<String>,
    /// The level of the code tree [default: [triangulation] level, else theme]
    #[arg(long, value_enum)]
    level: Option<Level>,
    /// Output format: table and md print the matrix, csv and json tidy records
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Change over time: cross the comparison with an ordered attribute such as `wave`
    /// (`--by group --over wave` is `--by group,wave`)
    #[arg(long, value_name = "ATTR")]
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
    let settings = &project.config.triangulation;
    let mut spec = args.by.clone().unwrap_or_else(|| settings.by.clone());
    if let Some(over) = &args.over {
        if spec.contains(',') {
            bail!("--over crosses one comparison with time: give --by one attribute (such as --by group --over wave)");
        }
        spec = format!("{spec},{over}");
    }
    let by = By::parse(&spec, &project)?;
    if by.keys.contains(&Key::All) {
        bail!("triangulate compares groups: use --by group, or any attribute (such as --by site, --by source, --by site,wave)");
    }
    let level = match args.level {
        Some(l) => l,
        None => <Level as clap::ValueEnum>::from_str(&settings.level, true).map_err(|_| {
            anyhow::anyhow!(
                "thematic.toml: [triangulation] level `{}` is not theme, category or code",
                settings.level
            )
        })?,
    };
    let thresholds = Thresholds {
        prominence_ratio: settings.prominence_ratio,
    };
    let filters = args.filters.resolve(&project)?;
    let tri = triangulate_where(&project, level, &by, &filters, thresholds);
    let text = match args.format {
        Format::Csv | Format::Json => tri.table().render(args.format),
        f => {
            let label = |g: &str| crate::analysis::breakdown::label(&project, &by, g);
            let mut out = tri.matrix(label).render(f);
            let notes: Vec<String> = tri
                .rows
                .iter()
                .filter_map(|r| {
                    r.override_.as_ref().map(|(v, note)| {
                        format!(
                            "* {}: {} by the analyst (computed: {}){}",
                            r.node,
                            v.as_str(),
                            r.computed.as_str(),
                            if note.is_empty() {
                                String::new()
                            } else {
                                format!(": {note}")
                            }
                        )
                    })
                })
                .collect();
            if !notes.is_empty() {
                out.push('\n');
                out.push_str(&notes.join("\n"));
                out.push('\n');
            }
            out
        }
    };
    emit(&text)?;
    Ok(Outcome::Done)
}
