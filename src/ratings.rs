//! Ratings beside the themes, such as a maturity matrix: `ratings.csv` with `case,dimension,
//! wave,score` (and optional `rater,note`), on the scale and dimensions `[ratings]` declares.

use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::text::CsvTable;

/// One rating.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub case: String,
    pub dimension: String,
    pub wave: String,
    pub score: f64,
    pub rater: String,
    pub note: String,
    pub line: usize,
}

/// Reads `ratings.csv`. `scale` is (lowest, highest); `dimensions` the declared ones (any when
/// empty). Every bad value is an error naming its line; such rows are left out.
pub fn parse(
    text: &str,
    file: &str,
    scale: (f64, f64),
    dimensions: &[String],
    diags: &mut Diagnostics,
) -> Vec<Rating> {
    let Some(table) = CsvTable::parse(text, file, &["case", "dimension", "wave", "score"], diags) else {
        return Vec::new();
    };
    let col = |n: &str| table.column(n);
    let (c, d, w, s) = (
        col("case").unwrap_or(0),
        col("dimension").unwrap_or(1),
        col("wave").unwrap_or(2),
        col("score").unwrap_or(3),
    );
    let (rater, note) = (col("rater"), col("note"));
    let mut out: Vec<Rating> = Vec::new();
    for row in &table.rows {
        let get = |i: usize| row.fields[i].trim().to_string();
        let r = Rating {
            case: get(c),
            dimension: get(d),
            wave: get(w),
            score: 0.0,
            rater: rater.map(get).unwrap_or_default(),
            note: note.map(get).unwrap_or_default(),
            line: row.line,
        };
        if r.case.is_empty() || r.dimension.is_empty() {
            diags.error(file, Some(row.line), "a rating needs a case and a dimension");
            continue;
        }
        if !dimensions.is_empty() && !dimensions.contains(&r.dimension) {
            diags.error(
                file,
                Some(row.line),
                format!(
                    "dimension `{}` is not one of [ratings.dimensions] ({}){}",
                    r.dimension,
                    dimensions.join(", "),
                    did_you_mean(&r.dimension, dimensions.iter().map(String::as_str))
                ),
            );
            continue;
        }
        let raw = get(s);
        let score = match raw.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= scale.0 && x <= scale.1 => x,
            Ok(_) => {
                diags.error(
                    file,
                    Some(row.line),
                    format!("score {raw} is outside the scale {} to {}", scale.0, scale.1),
                );
                continue;
            }
            Err(_) => {
                diags.error(file, Some(row.line), format!("score `{raw}` is not a number"));
                continue;
            }
        };
        if let Some(first) = out.iter().find(|o| {
            o.case == r.case && o.dimension == r.dimension && o.wave == r.wave && o.rater == r.rater
        }) {
            diags.error(
                file,
                Some(row.line),
                format!(
                    "a second rating of `{}` on `{}` in wave {} (first on line {})",
                    r.case, r.dimension, r.wave, first.line
                ),
            );
            continue;
        }
        out.push(Rating { score, ..r });
    }
    out
}

/// The ratings as a grid: waves in order, cases sorted, dimensions in the order
/// `[ratings] dimensions` gives (then as they come), and each cell's mean over the raters.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub waves: Vec<String>,
    pub cases: Vec<String>,
    /// Id and label.
    pub dimensions: Vec<(String, String)>,
    /// `scores[case][dimension][wave]`: the raters' mean.
    pub scores: Vec<Vec<Vec<Option<f64>>>>,
}

pub fn grid(project: &crate::project::Project) -> Grid {
    let ratings = &project.ratings;
    let waves = crate::analysis::over::ordered(
        ratings
            .iter()
            .map(|r| r.wave.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    );
    let mut cases: Vec<String> = ratings.iter().map(|r| r.case.clone()).collect();
    cases.sort_unstable();
    cases.dedup();
    let declared = &project.config.ratings.dimensions;
    let mut ids: Vec<String> = declared.iter().map(|(d, _)| d.clone()).collect();
    for r in ratings {
        if !ids.contains(&r.dimension) {
            ids.push(r.dimension.clone());
        }
    }
    let dimensions: Vec<(String, String)> = ids
        .into_iter()
        .map(|d| {
            let label = declared
                .iter()
                .find(|(id, _)| *id == d)
                .map_or(d.clone(), |(_, l)| l.clone());
            (d, label)
        })
        .collect();
    let scores = cases
        .iter()
        .map(|case| {
            dimensions
                .iter()
                .map(|(d, _)| {
                    waves
                        .iter()
                        .map(|w| {
                            let xs: Vec<f64> = ratings
                                .iter()
                                .filter(|r| r.case == *case && r.dimension == *d && r.wave == *w)
                                .map(|r| r.score)
                                .collect();
                            (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    Grid {
        waves,
        cases,
        dimensions,
        scores,
    }
}

/// The ratings for reading: a row per case and dimension, a column per wave (the mean of the
/// raters), then the change from the first wave rated to the last.
pub fn wide(project: &crate::project::Project) -> crate::output::Table {
    use crate::output::{Cell, Table};
    let g = grid(project);
    let mut columns = vec!["case".to_string(), "dimension".to_string()];
    columns.extend(g.waves.iter().map(|w| format!("wave {w}")));
    columns.push("change".into());
    let mut t = Table {
        columns,
        rows: Vec::new(),
    };
    for (c, case) in g.cases.iter().enumerate() {
        for (d, (_, label)) in g.dimensions.iter().enumerate() {
            let scores = &g.scores[c][d];
            if scores.iter().all(Option::is_none) {
                continue;
            }
            let mut row: Vec<Cell> = vec![case.as_str().into(), label.as_str().into()];
            row.extend(scores.iter().map(|s| s.map_or(Cell::Null, Cell::Float)));
            let present: Vec<f64> = scores.iter().flatten().copied().collect();
            row.push(match (present.first(), present.last()) {
                (Some(a), Some(b)) if present.len() > 1 => format!("{:+}", b - a).into(),
                _ => Cell::Null,
            });
            t.rows.push(row);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_value_is_an_error_with_its_line() {
        let mut d = Diagnostics::default();
        let dims = vec!["leadership".to_string(), "data".to_string()];
        let r = parse(
            "case,dimension,wave,score\nASH,leadership,1,3\nASH,leadrship,1,2\nASH,data,1,9\nASH,data,1,x\nASH,leadership,1,4\nBRK,data,2,2.5\n",
            "ratings.csv",
            (1.0, 5.0),
            &dims,
            &mut d,
        );
        assert_eq!(r.len(), 2);
        assert_eq!((r[1].case.as_str(), r[1].score), ("BRK", 2.5));
        let problems: Vec<String> = d.sorted().iter().map(|p| p.to_string()).collect();
        assert_eq!(
            problems,
            [
                "error: ratings.csv:3: dimension `leadrship` is not one of [ratings.dimensions] (leadership, data) (did you mean `leadership`?)",
                "error: ratings.csv:4: score 9 is outside the scale 1 to 5",
                "error: ratings.csv:5: score `x` is not a number",
                "error: ratings.csv:6: a second rating of `ASH` on `leadership` in wave 1 (first on line 2)",
            ]
        );
    }
}
