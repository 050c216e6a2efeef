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
    let t = crate::ratings::wide(&project);
    emit(&t.render(args.format))?;
    Ok(Outcome::Done)
}
