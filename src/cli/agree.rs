//! `thematic agree`: inter-coder agreement per code and pooled, and the disagreements.

use super::{emit, Global, OnErrors, Outcome};
use crate::analysis::agreement::{compare, Agreement, Options, UnitKind};
use crate::config::Approach;
use crate::output::{Cell, Format, Table};
use crate::project::Project;
use anyhow::{bail, Result};
use std::fmt::Write as _;

/// Inter-coder agreement per code and pooled, and the disagreements
///
/// Per code and pooled over codes: percent agreement, Cohen's kappa (two
/// coders), Krippendorff's alpha (nominal), and ATLAS.ti's alpha-binary, cu-alpha and Cu-alpha
/// with categories as semantic domains. By default only the documents that every compared
/// coder coded are compared.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The coders to compare, comma-separated [default: every coder; an autocode sheet only
    /// when named]
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    coders: Vec<String>,
    /// What a unit is: a character (NVivo), a sentence, a turn, or a coded segment (MAXQDA)
    #[arg(long, value_enum, default_value_t = UnitKind::Char)]
    unit: UnitKind,
    /// For --unit segment: the share of the longer segment two segments must overlap by
    #[arg(long, default_value_t = 0.9, value_name = "SHARE")]
    overlap: f64,
    /// Compare only these documents, comma-separated
    #[arg(long, value_name = "DOC,...", value_delimiter = ',')]
    documents: Vec<String>,
    /// Compare only these codes, comma-separated
    #[arg(long, value_name = "CODE,...", value_delimiter = ',')]
    codes: Vec<String>,
    /// List each disagreement (document, passage, coders, code) for the coders' meeting
    #[arg(long)]
    disagreements: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    on_errors: OnErrors,
}

/// Why reflexive TA leaves agreement out.
pub const REFLEXIVE_NOTE: &str = "note: this project's approach is reflexive thematic analysis; Braun and Clarke's reflexive TA does not use agreement statistics (coding is the researcher's interpretation, not a measurement to be made reliable), so the report leaves them out";

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    let project = global.load(&args.on_errors)?;
    let opts = options(&project, &args)?;
    if project.config.project.approach == Approach::Reflexive {
        eprintln!("{REFLEXIVE_NOTE}");
    }
    let agreement = compare(&project, &opts);
    let names: Vec<&str> = opts.coders.iter().map(|&c| project.coders[c].as_str()).collect();
    if agreement.documents.is_empty() {
        bail!(
            "no document was coded by all of {}: nothing to compare",
            names.join(", ")
        );
    }
    let about = format!(
        "compared {} document{} coded by {}: {}",
        agreement.documents.len(),
        if agreement.documents.len() == 1 { "" } else { "s" },
        names.join(", "),
        {
            let ids: Vec<&str> = agreement
                .documents
                .iter()
                .map(|&d| project.documents[d].id.as_str())
                .collect();
            match ids.len() {
                n if n > 12 => format!("{}, and {} more", ids[..10].join(", "), n - 10),
                _ => ids.join(", "),
            }
        }
    );
    let text = if args.disagreements {
        disagreements(&project, &agreement, args.format)
    } else {
        let table = agreement.table(&project);
        match args.format {
            Format::Table | Format::Md => {
                let mut out = format!("{about} (unit: {})\n\n", agreement.unit.as_str());
                out.push_str(&readable(&table).render(args.format));
                for n in &agreement.notes {
                    let _ = writeln!(out, "\nnote: {n}");
                }
                out.push_str("\nkappa: Landis & Koch (poor < 0 ≤ slight ≤ .20 < fair ≤ .40 < moderate ≤ .60 < substantial ≤ .80 < almost perfect); alpha: Krippendorff (reliable ≥ .800, tentative ≥ .667, else unacceptable); empty: undefined (no variation)\n");
                out
            }
            _ => {
                eprintln!("{about}");
                for n in &agreement.notes {
                    eprintln!("note: {n}");
                }
                table.render(args.format)
            }
        }
    };
    emit(&text)?;
    Ok(Outcome::Done)
}

fn options(project: &Project, args: &Args) -> Result<Options> {
    let coders: Vec<usize> = if args.coders.is_empty() {
        // Suggestion sheets (autocode) are compared only when named.
        (0..project.coders.len())
            .filter(|&c| !project.sheets[c].suggestions)
            .collect()
    } else {
        args.coders
            .iter()
            .map(|c| project.coder_named(c))
            .collect::<Result<_>>()?
    };
    if let Some((k, _)) = coders.iter().enumerate().find(|(k, c)| coders[..*k].contains(c)) {
        bail!(
            "--coders: `{}` is named twice: agreement compares different coders",
            args.coders[k]
        );
    }
    if coders.len() < 2 {
        bail!(
            "agreement needs at least two coders; this project has {}",
            if project.coders.is_empty() {
                "none".to_string()
            } else {
                project.coders.join(", ")
            }
        );
    }
    if args.unit == UnitKind::Segment && coders.len() != 2 {
        bail!("--unit segment compares exactly two coders: pick them with --coders A,B");
    }
    if !(args.overlap > 0.0 && args.overlap <= 1.0) {
        bail!("--overlap must be a share above 0 and at most 1, such as 0.9");
    }
    let documents = if args.documents.is_empty() {
        None
    } else {
        let mut docs = args
            .documents
            .iter()
            .map(|d| project.document_named(d))
            .collect::<Result<Vec<_>>>()?;
        docs.sort_unstable();
        docs.dedup();
        Some(docs)
    };
    let codes = if args.codes.is_empty() {
        None
    } else {
        Some(
            args.codes
                .iter()
                .map(|c| project.code_named(c))
                .collect::<Result<Vec<_>>>()?,
        )
    };
    Ok(Options {
        coders,
        documents,
        codes,
        unit: args.unit,
        overlap: args.overlap,
    })
}

/// The figures for people: fewer columns, bands beside the numbers, rounded to 3 places.
fn readable(t: &Table) -> Table {
    let col = |name: &str| t.columns.iter().position(|c| c == name).expect("known column");
    let fixed = |c: &Cell| match c {
        Cell::Float(x) => format!("{x:.3}"),
        _ => String::new(),
    };
    let with_band = |v: &Cell, band: &Cell| match (v, band) {
        (Cell::Float(x), Cell::Text(b)) => format!("{x:.3} {b}"),
        _ => String::new(),
    };
    let mut out = Table::new(&[
        "code",
        "units",
        "agreement",
        "kappa",
        "alpha",
        "alpha-binary",
        "cu-alpha",
        "Cu-alpha",
    ]);
    for r in &t.rows {
        let units = match &r[col("units")] {
            Cell::Float(x) if *x > 0.0 => format!("{x:.0}"),
            _ => String::new(),
        };
        out.push(vec![
            r[col("code")].clone(),
            units.into(),
            fixed(&r[col("percent_agreement")]).into(),
            with_band(&r[col("cohen_kappa")], &r[col("kappa_band")]).into(),
            with_band(&r[col("krippendorff_alpha")], &r[col("alpha_band")]).into(),
            fixed(&r[col("alpha_binary")]).into(),
            fixed(&r[col("cu_alpha")]).into(),
            fixed(&r[col("cu_alpha_global")]).into(),
        ]);
    }
    out
}

fn disagreements(project: &Project, a: &Agreement, format: Format) -> String {
    let name = |k: &[usize]| {
        k.iter()
            .map(|&i| project.coders[a.coders[i]].as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let passage = |d: &crate::analysis::agreement::Disagreement| {
        let doc = &project.documents[d.document];
        let text: String = doc.text.chars().skip(d.chars.start).take(d.chars.len()).collect();
        project.redactions.apply(&crate::text::excerpt(&text, 300))
    };
    match format {
        Format::Csv | Format::Json => {
            let mut t = Table::new(&[
                "unit", "code", "document", "start", "end", "coded_by", "not_by", "passage",
            ]);
            for d in &a.disagreements {
                t.push(vec![
                    a.unit.as_str().into(),
                    project.codebook.codes[d.code].id.as_str().into(),
                    project.documents[d.document].id.as_str().into(),
                    d.chars.start.into(),
                    d.chars.end.into(),
                    name(&d.coded_by).into(),
                    name(&d.not_by).into(),
                    passage(d).into(),
                ]);
            }
            t.render(format)
        }
        _ => {
            let mut out = format!("# Disagreements ({} units)\n", a.unit.as_str());
            let mut current = None;
            for d in &a.disagreements {
                if current != Some(d.code) {
                    current = Some(d.code);
                    let n = a.disagreements.iter().filter(|x| x.code == d.code).count();
                    let _ = write!(out, "\n## `{}` ({n})\n\n", project.codebook.codes[d.code].id);
                }
                let _ = writeln!(
                    out,
                    "- {} {}..{}: \"{}\" (coded by {}; not by {})",
                    project.documents[d.document].id,
                    d.chars.start,
                    d.chars.end,
                    crate::report::markdown::text(&passage(d)),
                    name(&d.coded_by),
                    name(&d.not_by)
                );
            }
            if a.disagreements.is_empty() {
                out.push_str("\nNone: the coders agree on every unit.\n");
            }
            out
        }
    }
}
