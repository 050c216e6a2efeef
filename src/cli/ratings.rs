//! `thematic ratings`: ratings per case, dimension and wave (a maturity matrix), and how they
//! changed.

use super::{emit, Global, OnErrors, Outcome};
use crate::output::{Cell, Format, Table};
use anyhow::{bail, Result};

/// Ratings per case, dimension and wave, and the change between waves
///
/// Reads ratings.csv (`case,dimension,wave,score`, optional `rater,note`) on the scale and
/// dimensions of [ratings] in thematic.toml. With several raters, a cell is their mean.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format: the table (a row per case and dimension, a column per wave, then the
    /// change from the first wave to the last), or tidy records
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    on_errors: OnErrors,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let project = global.load(&args.on_errors)?;
    let ratings = &project.ratings;
    if ratings.is_empty() {
        bail!(
            "no ratings: write {} with `case,dimension,wave,score` rows",
            project.config.ratings.path
        );
    }
    if matches!(args.format, Format::Csv | Format::Json) {
        let mut t = Table::new(&["case", "dimension", "wave", "score", "rater", "note"]);
        for r in ratings {
            t.push(vec![
                r.case.as_str().into(),
                r.dimension.as_str().into(),
                r.wave.as_str().into(),
                Cell::Float(r.score),
                r.rater.as_str().into(),
                r.note.as_str().into(),
            ]);
        }
        emit(&t.render(args.format))?;
        return Ok(Outcome::Done);
    }
    let waves = crate::analysis::over::ordered(
        ratings
            .iter()
            .map(|r| r.wave.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    );
    let mut cases: Vec<&str> = ratings.iter().map(|r| r.case.as_str()).collect();
    cases.sort_unstable();
    cases.dedup();
    // Dimensions in the order [ratings.dimensions] gives, else as they come.
    let mut dimensions: Vec<String> = project
        .config
        .ratings
        .dimensions
        .iter()
        .map(|(d, _)| d.clone())
        .collect();
    for r in ratings {
        if !dimensions.contains(&r.dimension) {
            dimensions.push(r.dimension.clone());
        }
    }
    let label = |d: &str| {
        project
            .config
            .ratings
            .dimensions
            .iter()
            .find(|(id, _)| id == d)
            .map_or(d.to_string(), |(_, l)| l.clone())
    };
    let mut columns = vec!["case".to_string(), "dimension".to_string()];
    columns.extend(waves.iter().map(|w| format!("wave {w}")));
    columns.push("change".into());
    let mut t = Table {
        columns,
        rows: Vec::new(),
    };
    for case in &cases {
        for d in &dimensions {
            let mean = |w: &str| {
                let xs: Vec<f64> = ratings
                    .iter()
                    .filter(|r| r.case == *case && r.dimension == *d && r.wave == w)
                    .map(|r| r.score)
                    .collect();
                (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
            };
            let scores: Vec<Option<f64>> = waves.iter().map(|w| mean(w)).collect();
            if scores.iter().all(Option::is_none) {
                continue;
            }
            let mut row: Vec<Cell> = vec![(*case).into(), label(d).into()];
            row.extend(scores.iter().map(|s| s.map_or(Cell::Null, Cell::Float)));
            let present: Vec<f64> = scores.iter().flatten().copied().collect();
            row.push(match (present.first(), present.last()) {
                (Some(a), Some(b)) if present.len() > 1 => format!("{:+}", b - a).into(),
                _ => Cell::Null,
            });
            t.rows.push(row);
        }
    }
    emit(&t.render(args.format))?;
    Ok(Outcome::Done)
}
