//! `thematic saturation`: new codes per document in interview order, and where they fall to
//! the new-information threshold (Guest, Namey & Chen 2020).

use super::{emit, Filters, Findings, Global, OnErrors, Outcome};
use crate::analysis::breakdown;
use crate::analysis::saturation::{assess, codes_in_order, interview_order, Params};
use crate::output::FigureFormat;
use anyhow::{bail, Result};

/// Thematic saturation: new codes per document, base, runs and threshold
///
/// Guest, Namey & Chen (2020): the unique codes of the first BASE documents, then runs of RUN
/// documents rolling forward one at a time; a run's new-information ratio is the codes first
/// seen in it over the base's. Saturation is reached at the first run at or below THRESHOLD.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Interview order: `document` (by id), a document attribute (documents.csv, front matter
    /// or a header line) such as `wave` or `date`, or a participants.csv column such as
    /// `interview_date`
    #[arg(long, value_name = "ATTR", default_value = "document")]
    order: String,
    /// Documents in the base
    #[arg(long, default_value_t = 4)]
    base: usize,
    /// Documents in each run
    #[arg(long, default_value_t = 2)]
    run: usize,
    /// The new-information threshold, a share (0.05 is 5%)
    #[arg(long, default_value_t = 0.05)]
    threshold: f64,
    /// Output format
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
    let params = Params {
        base: args.base,
        run: args.run,
        threshold: args.threshold,
    };
    if let Err(e) = params.check() {
        bail!("{e}");
    }
    let project = global.load_findings(&args.findings, &args.on_errors)?;
    let filters = args.filters.resolve(&project)?;
    let order = interview_order(&project, &args.order, &filters)?;
    let codes = codes_in_order(&project, &filters, &order);
    // Documents --where leaves out are not "uncoded": they are not in this assessment.
    let (kept, filtered): (Vec<usize>, Vec<usize>) = (0..project.documents.len())
        .partition(|&d| breakdown::passes(&project, &filters, &project.documents[d].participants(), d));
    let uncoded: Vec<&str> = kept
        .into_iter()
        .filter(|d| !order.iter().any(|(o, _)| o == d))
        .map(|d| project.documents[d].id.as_str())
        .collect();
    let names: Vec<String> = order
        .iter()
        .map(|&(d, _)| project.documents[d].id.to_string())
        .collect();
    let values: Vec<String> = order.iter().map(|(_, v)| v.clone()).collect();
    let a = assess(&codes, params);
    let statement = a.statement("document");
    let mut left_out = Vec::new();
    if !uncoded.is_empty() {
        left_out.push(format!(
            "left out, no coding that makes the findings: {}",
            uncoded.join(", ")
        ));
    }
    if !filtered.is_empty() {
        left_out.push(format!(
            "--where leaves out {} document{}",
            filtered.len(),
            if filtered.len() == 1 { "" } else { "s" }
        ));
    }
    let left_out = left_out.join("; ");
    let text = match args.format {
        FigureFormat::Svg => crate::report::svg::saturation::of_assessment(&a, &names, params, &statement),
        format => {
            let table = a.table(&names, &values);
            let mut out = table.render(format.table().expect("a table format"));
            if matches!(format, FigureFormat::Table | FigureFormat::Md) {
                out.push('\n');
                out.push_str(&statement);
                out.push('\n');
                if !left_out.is_empty() {
                    out.push_str(&format!("\nnote: {left_out}\n"));
                }
            } else if !left_out.is_empty() {
                eprintln!("note: {left_out}");
            }
            out
        }
    };
    emit(&text)?;
    Ok(Outcome::Done)
}
