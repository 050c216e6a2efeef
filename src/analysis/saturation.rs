//! Thematic saturation as Guest, Namey & Chen (2020) assess it: new codes per document in
//! interview order, a base, runs and a new-information threshold.
//!
//! Guest, G., Namey, E. & Chen, M. (2020). A simple method to assess and report thematic
//! saturation in qualitative research. *PLOS ONE* 15(5), e0232076.
//! <https://doi.org/10.1371/journal.pone.0232076>
//!
//! Their three elements, as computed here:
//!
//! - **base size**: the number of unique codes in the first `base` documents (4 by default);
//! - **run length**: the number of documents after the base in which new information is
//!   looked for (2 by default). Runs roll forward one document at a time: the first covers
//!   documents `base + 1 ..= base + run`, the next `base + 2 ..= base + run + 1`, and so on.
//!   A run's *new codes* are the codes first seen in it: in none of the documents before it;
//! - **new-information threshold**: the ratio of a run's new codes to the base size
//!   (5% by default). Saturation is reached at the first run whose ratio is at or below the
//!   threshold; it is reported as the number of documents before that run, the run being the
//!   evidence that more documents added little. With no such run it is "not reached".

use crate::analysis::breakdown::{self, Where};
use crate::output::{Cell, Table};
use crate::project::Project;
use anyhow::{bail, Result};
use std::collections::BTreeSet;

/// The three parameters of the assessment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub base: usize,
    pub run: usize,
    /// A share: 0.05 is 5%.
    pub threshold: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            base: 4,
            run: 2,
            threshold: 0.05,
        }
    }
}

impl Params {
    /// Why the parameters cannot be used, in the user's words.
    pub fn check(&self) -> Result<(), String> {
        if self.base == 0 {
            return Err("--base must be 1 or more documents".into());
        }
        if self.run == 0 {
            return Err("--run must be 1 or more documents".into());
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(format!(
                "--threshold {} is not a share between 0 and 1 (5% is 0.05)",
                self.threshold
            ));
        }
        Ok(())
    }
}

/// One run: documents `first ..= last` (0-based positions in interview order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    pub first: usize,
    pub last: usize,
    /// Codes first seen in the run.
    pub new_codes: usize,
    /// `new_codes / base size`; `None` when the base has no codes.
    pub ratio: Option<f64>,
}

impl Run {
    pub fn at_or_below(&self, threshold: f64) -> bool {
        // A tolerance so that 1/20 is at 5% despite binary fractions.
        self.ratio.is_some_and(|r| r <= threshold + 1e-12)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub params: Params,
    /// Codes each document adds that no document before it had.
    pub new_per_document: Vec<usize>,
    /// Unique codes in documents `0 ..= i`.
    pub cumulative: Vec<usize>,
    /// Unique codes in the base.
    pub base_size: usize,
    pub runs: Vec<Run>,
    /// The index in `runs` of the first run at or below the threshold.
    pub saturation: Option<usize>,
}

impl Assessment {
    /// The number of documents at which saturation was reached.
    pub fn saturation_at(&self) -> Option<usize> {
        self.saturation.map(|i| self.runs[i].first)
    }
}

/// Assesses saturation over the codes of each document, in interview order.
pub fn assess<T: Ord + Clone>(documents: &[BTreeSet<T>], params: Params) -> Assessment {
    let mut seen: BTreeSet<T> = BTreeSet::new();
    let mut new_per_document = Vec::with_capacity(documents.len());
    let mut cumulative = Vec::with_capacity(documents.len());
    for codes in documents {
        let before = seen.len();
        seen.extend(codes.iter().cloned());
        new_per_document.push(seen.len() - before);
        cumulative.push(seen.len());
    }
    let n = documents.len();
    let base_size = if n == 0 {
        0
    } else {
        cumulative[params.base.min(n) - 1]
    };
    let mut runs = Vec::new();
    let mut first = params.base;
    while first + params.run <= n {
        let last = first + params.run - 1;
        let before = if first == 0 { 0 } else { cumulative[first - 1] };
        let new_codes = cumulative[last] - before;
        let ratio = (base_size > 0).then(|| new_codes as f64 / base_size as f64);
        runs.push(Run {
            first,
            last,
            new_codes,
            ratio,
        });
        first += 1;
    }
    let saturation = runs.iter().position(|r| r.at_or_below(params.threshold));
    Assessment {
        params,
        new_per_document,
        cumulative,
        base_size,
        runs,
        saturation,
    }
}

/// A percentage as people write it: `5%`, `2.5%`.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    let s = format!("{p:.1}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

fn documents_span(first: usize, last: usize) -> String {
    if first == last {
        format!("document {}", first + 1)
    } else {
        format!("documents {}–{}", first + 1, last + 1)
    }
}

impl Assessment {
    /// One sentence for a methods section.
    pub fn statement(&self, unit: &str) -> String {
        let p = self.params;
        let n = self.new_per_document.len();
        let head = format!(
            "Following Guest, Namey and Chen (2020), with a base of {} {unit}s ({} unique codes), runs of {} and a new-information threshold of {}",
            p.base,
            self.base_size,
            p.run,
            percent(p.threshold)
        );
        let plural = |k: usize| if k == 1 { "" } else { "s" };
        match self.saturation {
            Some(i) => {
                let r = self.runs[i];
                format!(
                    "{head}, saturation was reached at {} {unit}s: {} added {} new code{} ({} of the base).",
                    r.first,
                    documents_span(r.first, r.last).replace("document", unit),
                    r.new_codes,
                    plural(r.new_codes),
                    percent(r.ratio.unwrap_or(0.0))
                )
            }
            None if self.runs.is_empty() => format!(
                "{head}, saturation could not be assessed: it needs at least {} {unit}s and there {} {n}.",
                p.base + p.run,
                if n == 1 { "is" } else { "are" }
            ),
            None if self.base_size == 0 => {
                format!("{head}, saturation could not be assessed: the base has no codes.")
            }
            None => {
                let r = self.runs[self.runs.len() - 1];
                format!(
                    "{head}, saturation was not reached within {n} {unit}s: the last run ({}) added {} new code{} ({} of the base).",
                    documents_span(r.first, r.last).replace("document", unit),
                    r.new_codes,
                    plural(r.new_codes),
                    percent(r.ratio.unwrap_or(0.0))
                )
            }
        }
    }

    /// Tidy records, one per document in order, with the run that ends at it:
    /// `position,document,order,new_codes,cumulative_codes,part,run,run_new_codes,base_codes,ratio,at_or_below`.
    pub fn table(&self, documents: &[String], order: &[String]) -> Table {
        let mut t = Table::new(&[
            "position",
            "document",
            "order",
            "new_codes",
            "cumulative_codes",
            "part",
            "run",
            "run_new_codes",
            "base_codes",
            "ratio",
            "at_or_below",
        ]);
        for (i, doc) in documents.iter().enumerate() {
            let run = self.runs.iter().find(|r| r.last == i);
            let part = if i < self.params.base { "base" } else { "run" };
            let (span, new, base, ratio, below) = match run {
                Some(r) => (
                    Cell::from(format!("{}-{}", r.first + 1, r.last + 1)),
                    Cell::from(r.new_codes),
                    Cell::from(self.base_size),
                    r.ratio.map_or(Cell::Null, Cell::Float),
                    Cell::from(if r.at_or_below(self.params.threshold) {
                        "yes"
                    } else {
                        "no"
                    }),
                ),
                None => (Cell::Null, Cell::Null, Cell::Null, Cell::Null, Cell::Null),
            };
            t.push(vec![
                (i + 1).into(),
                doc.as_str().into(),
                order.get(i).map_or(Cell::Null, |o| o.as_str().into()),
                self.new_per_document[i].into(),
                self.cumulative[i].into(),
                part.into(),
                span,
                new,
                base,
                ratio,
                below,
            ]);
        }
        t
    }
}

/// The coded documents in interview order, each with the value it is ordered by. Ties keep
/// document id order.
/// The codes the findings (that pass `filters`) give each document of `order`.
pub fn codes_in_order(
    project: &Project,
    filters: &[Where],
    order: &[(usize, String)],
) -> Vec<BTreeSet<usize>> {
    order
        .iter()
        .map(|&(doc, _)| {
            project
                .segments_of(doc)
                .iter()
                .filter(|s| project.analysis.binary_search(&(s.coder as usize)).is_ok())
                .filter(|s| breakdown::passes(project, filters, &s.participants, s.document as usize))
                .flat_map(|s| s.codes.iter().copied())
                .collect()
        })
        .collect()
}

pub fn interview_order(project: &Project, by: &str, filters: &[Where]) -> Result<Vec<(usize, String)>> {
    let coded: BTreeSet<usize> = breakdown::findings(project, filters)
        .map(|s| s.document as usize)
        .collect();
    if by == "document" {
        return Ok(coded
            .into_iter()
            .map(|d| (d, project.documents[d].id.to_string()))
            .collect());
    }
    let known = project.participants.attributes.iter().any(|a| a == by)
        || project.document_attributes.has(by)
        || project.documents.iter().any(|d| d.meta(by).is_some());
    if !known {
        let mut names: Vec<&str> = vec!["document"];
        for n in project
            .document_attributes
            .names
            .iter()
            .chain(&project.participants.attributes)
        {
            if !names.contains(&n.as_str()) {
                names.push(n);
            }
        }
        bail!(
            "cannot order by `{by}`: it is no document attribute, header or participants.csv column; use one of {}{}",
            names.join(", "),
            crate::diagnostics::did_you_mean(by, names.iter().copied())
        );
    }
    let mut ordered = Vec::new();
    let mut missing = Vec::new();
    for d in coded {
        let doc = &project.documents[d];
        // The document's own value (documents.csv, front matter or a header line), else the
        // smallest value among its participants.
        let own = project
            .document_attributes
            .get(d, by)
            .filter(|v| !v.trim().is_empty())
            .or_else(|| doc.meta(by));
        let value = own.map(str::to_string).or_else(|| {
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
            "cannot order by `{by}`: {} {} no value (give it in documents.csv, the document's front matter or participants.csv): {}",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(codes: &[&str]) -> Vec<BTreeSet<char>> {
        codes.iter().map(|s| s.chars().collect()).collect()
    }

    /// A hand-worked example following the paper's definitions (base 4, run 2, ≤5%):
    /// twelve interviews, codes as letters.
    ///
    /// ```text
    /// interview  1     2    3    4    5   6   7   8   9   10  11  12
    /// new codes  8     6    4    2    2   1   1   0   0   1   0   0
    /// ```
    ///
    /// The base (interviews 1–4) holds 20 unique codes. Runs of two, rolling by one:
    /// 5–6: 3 new (15%); 6–7: 2 (10%); 7–8: 1 (5%, at the threshold): saturation at 6
    /// interviews, interviews 7–8 confirming it. Later runs: 8–9: 0; 9–10: 1 (5%);
    /// 10–11: 1 (5%); 11–12: 0.
    fn worked() -> Vec<BTreeSet<char>> {
        docs(&[
            "abcdefgh", "abijklmn", "aciopqr", "bst", "auv", "bw", "ax", "abc", "x", "y", "ay", "b",
        ])
    }

    #[test]
    fn the_worked_example() {
        let a = assess(&worked(), Params::default());
        assert_eq!(a.new_per_document, vec![8, 6, 4, 2, 2, 1, 1, 0, 0, 1, 0, 0]);
        assert_eq!(a.base_size, 20);
        let runs: Vec<(usize, usize, usize)> = a
            .runs
            .iter()
            .map(|r| (r.first + 1, r.last + 1, r.new_codes))
            .collect();
        assert_eq!(
            runs,
            vec![
                (5, 6, 3),
                (6, 7, 2),
                (7, 8, 1),
                (8, 9, 0),
                (9, 10, 1),
                (10, 11, 1),
                (11, 12, 0)
            ]
        );
        assert_eq!(a.runs[0].ratio, Some(0.15));
        assert_eq!(a.runs[2].ratio, Some(0.05));
        assert_eq!(a.saturation, Some(2));
        assert_eq!(a.saturation_at(), Some(6));
        assert_eq!(
            a.statement("interview"),
            "Following Guest, Namey and Chen (2020), with a base of 4 interviews (20 unique codes), runs of 2 and a new-information threshold of 5%, saturation was reached at 6 interviews: interviews 7–8 added 1 new code (5% of the base)."
        );
    }

    #[test]
    fn a_stricter_threshold_or_longer_run_moves_the_point() {
        // 0%: the first run with no new code is 8–9.
        let a = assess(
            &worked(),
            Params {
                threshold: 0.0,
                ..Params::default()
            },
        );
        assert_eq!(a.saturation_at(), Some(7));
        // Runs of three: 5–7: 4 (20%), 6–8: 2, 7–9: 1 (5%).
        let a = assess(
            &worked(),
            Params {
                run: 3,
                ..Params::default()
            },
        );
        assert_eq!(a.runs[0].new_codes, 4);
        assert_eq!(a.saturation_at(), Some(6));
        // A base of 6: 23 codes; 7–8: 1 (4.3%).
        let a = assess(
            &worked(),
            Params {
                base: 6,
                ..Params::default()
            },
        );
        assert_eq!(a.base_size, 23);
        assert_eq!(a.saturation_at(), Some(6));
    }

    #[test]
    fn not_reached_and_not_assessable() {
        let a = assess(&docs(&["ab", "cd", "ef", "gh", "ij", "kl"]), Params::default());
        assert_eq!(a.runs.len(), 1);
        assert_eq!(a.runs[0].ratio, Some(0.5));
        assert_eq!(a.saturation, None);
        assert!(a.statement("document").ends_with(
            "saturation was not reached within 6 documents: the last run (documents 5–6) added 4 new codes (50% of the base)."
        ));
        let a = assess(&docs(&["ab", "cd", "ef"]), Params::default());
        assert!(a.runs.is_empty());
        assert_eq!(a.base_size, 6);
        assert!(a
            .statement("document")
            .ends_with("saturation could not be assessed: it needs at least 6 documents and there are 3."));
        let a = assess(&docs(&["", "", "", "", "", ""]), Params::default());
        assert_eq!(a.runs[0].ratio, None);
        assert!(a.statement("document").ends_with("the base has no codes."));
    }

    #[test]
    fn parameters_are_checked() {
        assert!(Params::default().check().is_ok());
        assert!(Params {
            base: 0,
            ..Params::default()
        }
        .check()
        .unwrap_err()
        .contains("--base"));
        assert!(Params {
            run: 0,
            ..Params::default()
        }
        .check()
        .unwrap_err()
        .contains("--run"));
        assert!(Params {
            threshold: 5.0,
            ..Params::default()
        }
        .check()
        .unwrap_err()
        .contains("0.05"));
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(1.0 / 24.0), "4.2%");
    }
}
