//! `thematic saturation`: new codes per document in interview order, and where they fall to
//! the new-information threshold (Guest, Namey & Chen 2020).

use super::{emit, Findings, Global, OnErrors, Outcome};
use crate::analysis::saturation::{assess, percent, Params};
use crate::output::FigureFormat;
use crate::project::Project;
use crate::report::svg::saturation::{curve, Curve};
use anyhow::{bail, Result};
use std::collections::BTreeSet;

/// Thematic saturation: new codes per document, base, runs and threshold
///
/// Guest, Namey & Chen (2020): the unique codes of the first BASE documents, then runs of RUN
/// documents rolling forward one at a time; a run's new-information ratio is the codes first
/// seen in it over the base's. Saturation is reached at the first run at or below THRESHOLD.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Interview order: `document` (by id) or a participants.csv column or document header
    /// such as `interview_date`
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
    let order = interview_order(&project, &args.order)?;
    let codes: Vec<BTreeSet<usize>> = order
        .iter()
        .map(|&(doc, _)| {
            project
                .findings()
                .filter(|s| s.document == doc)
                .flat_map(|s| s.codes.iter().copied())
                .collect()
        })
        .collect();
    let uncoded: Vec<&str> = (0..project.documents.len())
        .filter(|d| !order.iter().any(|(o, _)| o == d))
        .map(|d| project.documents[d].id.as_str())
        .collect();
    let names: Vec<String> = order
        .iter()
        .map(|&(d, _)| project.documents[d].id.clone())
        .collect();
    let values: Vec<String> = order.iter().map(|(_, v)| v.clone()).collect();
    let a = assess(&codes, params);
    let statement = a.statement("document");
    let left_out = if uncoded.is_empty() {
        String::new()
    } else {
        format!(
            "left out, no coding that makes the findings: {}",
            uncoded.join(", ")
        )
    };
    let text = match args.format {
        FigureFormat::Svg => {
            let runs: Vec<(usize, Option<f64>)> = a.runs.iter().map(|r| (r.last, r.ratio)).collect();
            curve(&Curve {
                title: &format!(
                    "Saturation: base {}, runs of {}, threshold {}",
                    params.base,
                    params.run,
                    percent(params.threshold)
                ),
                documents: &names,
                new_per_document: &a.new_per_document,
                cumulative: &a.cumulative,
                base: params.base,
                runs: &runs,
                threshold: params.threshold,
                saturation: a.saturation,
                statement: &statement,
            })
        }
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

/// The coded documents in interview order, each with the value it is ordered by. Ties keep
/// document id order.
fn interview_order(project: &Project, by: &str) -> Result<Vec<(usize, String)>> {
    let coded: BTreeSet<usize> = project.findings().map(|s| s.document).collect();
    if by == "document" {
        return Ok(coded
            .into_iter()
            .map(|d| (d, project.documents[d].id.clone()))
            .collect());
    }
    let known = project.participants.attributes.iter().any(|a| a == by)
        || project.documents.iter().any(|d| d.meta(by).is_some());
    if !known {
        let mut names: Vec<&str> = vec!["document"];
        names.extend(project.participants.attributes.iter().map(String::as_str));
        bail!(
            "cannot order by `{by}`: it is neither a participants.csv column nor a document header; use one of {}{}",
            names.join(", "),
            crate::diagnostics::did_you_mean(by, names.iter().copied())
        );
    }
    let mut ordered = Vec::new();
    let mut missing = Vec::new();
    for d in coded {
        let doc = &project.documents[d];
        // The document's own value (front matter or a header line), else the smallest value
        // among its participants.
        let value = doc.meta(by).map(str::to_string).or_else(|| {
            doc.participants()
                .into_iter()
                .filter_map(|p| project.participants.attribute(p, by))
                .filter(|v| !v.is_empty())
                .min()
                .map(str::to_string)
        });
        match value {
            Some(v) if !v.trim().is_empty() => ordered.push((d, v.trim().to_string())),
            _ => missing.push(format!("{} ({})", doc.id, doc.path)),
        }
    }
    if !missing.is_empty() {
        bail!(
            "cannot order by `{by}`: {} {} no value (give it in participants.csv or the document's front matter): {}",
            missing.len(),
            if missing.len() == 1 { "document has" } else { "documents have" },
            missing.join(", ")
        );
    }
    // Numbers sort as numbers when every value is one; otherwise as text (ISO dates sort right).
    let numbers: Option<Vec<f64>> = ordered.iter().map(|(_, v)| v.parse::<f64>().ok()).collect();
    match numbers {
        Some(n) => {
            let mut keyed: Vec<(f64, (usize, String))> = n.into_iter().zip(ordered).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1 .0.cmp(&b.1 .0)));
            Ok(keyed.into_iter().map(|(_, x)| x).collect())
        }
        None => {
            ordered.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            Ok(ordered)
        }
    }
}
