//! `thematic suggest`: codes suggested for uncoded turns and answers, learnt from the analysis
//! coders' coding, with each code's cross-validated precision, recall and F1 first.

use super::{emit, Findings, Global, OnErrors, Outcome};
use crate::analysis::suggest::{suggest, unit_text, Params, Suggestions};
use crate::coding::anchor::{is_nfc, occurrence_of};
use crate::output::{Cell, Format as TableFormat, Table};
use crate::project::Project;
use anyhow::{bail, Result};
use std::path::PathBuf;

use crate::coding::SUGGESTED_SHEET as SUGGESTED;

/// Suggest codes for uncoded turns and answers, learnt from the coding so far
///
/// Per code with at least --min-examples coded units (turns people speak; a survey answer is
/// one), a naive Bayes classifier over words and word pairs learns from the analysis coders'
/// coding. Each code is first judged by k-fold cross-validation on that coding (seeded, the same
/// every run): precision, recall and F1 of its out-of-fold suggestions. Only codes whose
/// precision reaches --min-precision are suggested, in coding/suggested.csv: a sheet of
/// suggestions (it has a `rule` column, as autocode's), checked but counted for nothing until
/// rows are accepted: copy a row into your own sheet (or name the sheet in [coding] analysis).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Codes with fewer coded units are not learnt
    #[arg(long, value_name = "N", default_value_t = 10)]
    min_examples: usize,
    /// Codes whose cross-validated precision is lower are not suggested
    #[arg(long, value_name = "P", default_value_t = 0.8)]
    min_precision: f64,
    /// A unit is suggested when its score (the probability the code applies) reaches this
    #[arg(long, value_name = "P", default_value_t = 0.5)]
    threshold: f64,
    /// Folds of the cross-validation
    #[arg(long, value_name = "K", default_value_t = 5)]
    folds: usize,
    /// Seed of the folds' shuffle
    #[arg(long, value_name = "N", default_value_t = 12)]
    seed: u64,
    /// Print the figures only; write nothing
    #[arg(long)]
    dry_run: bool,
    /// Also write every unit's out-of-fold score per code to FILE (csv: code, document, turn,
    /// fold, coded, score, text), to check the model elsewhere
    #[arg(long, value_name = "FILE")]
    scores: Option<PathBuf>,
    /// Output format of the figures
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
    #[command(flatten)]
    findings: Findings,
    #[command(flatten)]
    on_errors: OnErrors,
}

impl Args {
    /// Whether the command writes the suggestions' sheet.
    pub(super) fn writes(&self) -> bool {
        !self.dry_run
    }
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    if args.folds < 2 {
        bail!("--folds {}: cross-validation needs at least 2 folds", args.folds);
    }
    for (name, v) in [
        ("--min-precision", args.min_precision),
        ("--threshold", args.threshold),
    ] {
        if !(0.0..=1.0).contains(&v) {
            bail!("{name} {v}: give a share between 0 and 1");
        }
    }
    let project = global.load_findings(&args.findings, &args.on_errors)?;
    if let Some(c) = project.coder(SUGGESTED) {
        if !project.sheets[c].suggestions && !args.dry_run {
            bail!(
                "{}/{SUGGESTED}.csv is a coder's sheet, not one of suggestions (it has no `rule` column): rename it first; nothing was written",
                project.config.coding.sheets
            );
        }
    }
    let params = Params {
        folds: args.folds,
        seed: args.seed,
        min_examples: args.min_examples,
        min_precision: args.min_precision,
        threshold: args.threshold,
    };
    let bar = crate::progress::Bar::new("learning from the coding");
    bar.start(1);
    let learnt = suggest(&project, &params);
    bar.inc();
    bar.finish();
    if let Some(file) = &args.scores {
        crate::fsutil::write_atomic(file, scores_csv(&project, &learnt).as_bytes())?;
    }
    let mut out = figures(&project, &learnt, &params).render(args.format);
    if args.format == TableFormat::Table {
        out.push_str(&format!(
            "{} units (turns people speak); {}-fold cross-validation, seed {}, threshold {}\n",
            learnt.units.len(),
            params.folds,
            params.seed,
            params.threshold
        ));
    }
    if !args.dry_run {
        let (rows, skipped) = write_sheet(&project, &learnt)?;
        if args.format == TableFormat::Table {
            out.push_str(&format!(
                "wrote {rows} suggestion{} to {}/{SUGGESTED}.csv (they count for nothing until accepted)\n",
                if rows == 1 { "" } else { "s" },
                project.config.coding.sheets
            ));
            if skipped > 0 {
                out.push_str(&format!(
                    "left out {skipped}: the turn's words, quoted, would anchor somewhere else\n"
                ));
            }
        }
    }
    emit(&out)?;
    Ok(Outcome::Done)
}

/// Per code: examples, cross-validated figures, and what became of it.
fn figures(project: &Project, learnt: &Suggestions, params: &Params) -> Table {
    let mut t = Table::new(&[
        "code",
        "examples",
        "precision",
        "recall",
        "f1",
        "true_positives",
        "false_positives",
        "false_negatives",
        "suggested",
        "note",
    ]);
    for r in &learnt.codes {
        let id = project.codebook.codes[r.code].id.clone();
        let row: Vec<Cell> = match &r.cv {
            None => vec![
                id.into(),
                r.positives.into(),
                Cell::Null,
                Cell::Null,
                Cell::Null,
                Cell::Null,
                Cell::Null,
                Cell::Null,
                0usize.into(),
                format!("fewer than {} examples: not learnt", params.min_examples).into(),
            ],
            Some(cv) => vec![
                id.into(),
                r.positives.into(),
                cv.precision().map_or(Cell::Null, Cell::Float),
                cv.recall().map_or(Cell::Null, Cell::Float),
                cv.f1().map_or(Cell::Null, Cell::Float),
                cv.true_positives.into(),
                cv.false_positives.into(),
                cv.false_negatives.into(),
                r.suggestions.len().into(),
                if cv.passes(params.min_precision) {
                    String::new().into()
                } else if cv.precision().is_none() {
                    "no unit reached the threshold: not suggested".to_string().into()
                } else {
                    format!("precision below {}: not suggested", params.min_precision).into()
                },
            ],
        };
        t.push(row);
    }
    t
}

/// The suggestions' sheet: one row per suggested unit and code, best score first per code.
/// Returns the rows written and the suggestions left out because the turn's words, quoted,
/// would anchor somewhere else (as autocode leaves such passages out).
fn write_sheet(project: &Project, learnt: &Suggestions) -> Result<(usize, usize)> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record([
        "document",
        "quote",
        "codes",
        "memo",
        "occurrence",
        crate::coding::RULE,
        "score",
    ])?;
    let (mut rows, mut skipped) = (0, 0);
    let mut nfc: std::collections::HashMap<usize, bool> = std::collections::HashMap::new();
    for r in &learnt.codes {
        let code = &project.codebook.codes[r.code].id;
        for &(u, score) in &r.suggestions {
            let unit = learnt.units[u];
            let doc = &project.documents[unit.document];
            let bytes = doc.turns[unit.turn].bytes.range();
            let quote = unit_text(project, unit);
            let text_is_nfc = *nfc.entry(unit.document).or_insert_with(|| is_nfc(&doc.text));
            // Where the quote occurs more than once, which occurrence this turn is; a turn
            // whose words would anchor elsewhere is left out rather than written wrong.
            let Some(occurrence) = occurrence_of(&doc.text, text_is_nfc, bytes) else {
                skipped += 1;
                continue;
            };
            let occurrence = occurrence.map(|n| n.to_string()).unwrap_or_default();
            w.write_record([
                doc.id.as_str(),
                &crate::output::spreadsheet_text(quote),
                code,
                "",
                &occurrence,
                "suggest",
                &format!("{score:.4}"),
            ])?;
            rows += 1;
        }
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    let dir = project.root.join(&project.config.coding.sheets);
    std::fs::create_dir_all(&dir)?;
    crate::fsutil::write_atomic(&dir.join(format!("{SUGGESTED}.csv")), &bytes)?;
    Ok((rows, skipped))
}

/// Every unit's out-of-fold score per learnt code, with its words, for checking the model with
/// another implementation.
fn scores_csv(project: &Project, learnt: &Suggestions) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record(["code", "document", "turn", "fold", "coded", "score", "text"]);
    for r in &learnt.codes {
        let Some(cv) = &r.cv else { continue };
        let code = &project.codebook.codes[r.code].id;
        for (u, unit) in learnt.units.iter().enumerate() {
            let Some(fold) = learnt.fold[u] else {
                continue;
            };
            let coded = learnt.labels[u].binary_search(&r.code).is_ok();
            let _ = w.write_record([
                code.as_str(),
                &project.documents[unit.document].id,
                &unit.turn.to_string(),
                &fold.to_string(),
                if coded { "1" } else { "0" },
                &format!("{:e}", cv.scores[u]),
                unit_text(project, *unit),
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
