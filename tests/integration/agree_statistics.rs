// Cross-check of thematic's agreement statistics against reference implementations:
// scikit-learn's `cohen_kappa_score` and the `krippendorff` package's nominal alpha, through
// tests/reference/agreement_reference.py.
//
// About 50 generated cases (2 to 4 coders, 5 to 200 units, 2 to 4 categories, some missing values,
// a deterministic seed) plus a few edge cases are written to JSON, the Python script computes the
// reference values, and every statistic must agree to 1e-9, both on the units one by one and on
// identical units grouped into weighted rows; a statistic undefined on one side must be undefined
// (None / null) on the other.
//
// Needs Python 3 with scikit-learn and krippendorff (`pip install scikit-learn krippendorff`).
// The interpreter is $THEMATIC_PYTHON, else `python3`. When it or the packages are missing the
// test says so on stderr and passes, unless THEMATIC_REQUIRE_REFERENCE is set, when it fails.
//
// To be put in the integration tests (e.g. tests/agreement_crosscheck.rs); self-contained (std and
// serde_json, a dependency of thematic).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use crate::util::Lcg;
use thematic::analysis::agreement::stats::{
    cohen_kappa, krippendorff_alpha_nominal, percent_agreement, Unit,
};

const TOLERANCE: f64 = 1e-9;

/// One case: `data[coder][unit]`, `None` for a missing value.
struct Case {
    id: String,
    data: Vec<Vec<Option<u32>>>,
}

fn generate() -> Vec<Case> {
    let mut rng = Lcg(0x7468_656d_6174_6963); // "thematic"
    let mut cases = Vec::new();
    for n in 0..50 {
        // Half the cases with two coders, so that kappa is exercised as much as alpha.
        let coders = if n % 2 == 0 { 2 } else { rng.range(3, 4) as usize };
        let units = rng.range(5, 200) as usize;
        let categories = rng.range(2, 4) as u32;
        let missing = [0, 5, 20, 40][rng.range(0, 3) as usize];
        let agreement = rng.range(0, 95);
        // Sparse category ids now and then, to check nothing assumes 0..k.
        let ids: Vec<u32> = if n % 7 == 3 {
            (0..categories).map(|c| 1000 * c + 7).collect()
        } else {
            (0..categories).collect()
        };
        let mut data = vec![Vec::with_capacity(units); coders];
        for _ in 0..units {
            let truth = ids[rng.range(0, u64::from(categories) - 1) as usize];
            for column in data.iter_mut() {
                let value = if rng.chance(missing) {
                    None
                } else if rng.chance(agreement) {
                    Some(truth)
                } else {
                    Some(ids[rng.range(0, u64::from(categories) - 1) as usize])
                };
                column.push(value);
            }
        }
        cases.push(Case {
            id: format!("random-{n}"),
            data,
        });
    }
    let n = None;
    let s = Some;
    let edge = [
        ("constant", vec![vec![s(1); 12], vec![s(1); 12]]),
        ("opposite-constants", vec![vec![s(1); 9], vec![s(2); 9]]),
        (
            "nothing-pairable",
            vec![vec![s(1), n, s(2), n], vec![n, s(2), n, n], vec![n, n, n, s(1)]],
        ),
        ("single-coder", vec![vec![s(1), s(2), s(1), s(3)]]),
        (
            "one-value-pairable",
            vec![vec![s(1), s(1), s(2)], vec![s(1), s(1), n]],
        ),
        (
            "atlas-manual",
            vec![
                [1, 1, 0, 0, 0, 0, 0, 0, 0, 0].map(s).to_vec(),
                [0, 1, 1, 0, 0, 1, 0, 1, 0, 0].map(s).to_vec(),
            ],
        ),
    ];
    for (id, data) in edge {
        cases.push(Case {
            id: id.to_string(),
            data,
        });
    }
    cases
}

fn to_json(cases: &[Case]) -> String {
    let cases: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| serde_json::json!({ "id": c.id, "data": c.data }))
        .collect();
    serde_json::json!({ "cases": cases }).to_string()
}

/// Unit rows, one per unit.
fn rows(data: &[Vec<Option<u32>>]) -> Vec<Unit> {
    let units = data.first().map_or(0, Vec::len);
    (0..units)
        .map(|u| Unit::new(data.iter().map(|coder| coder[u]).collect()))
        .collect()
}

/// Identical units grouped into weighted rows.
fn weighted_rows(data: &[Vec<Option<u32>>]) -> Vec<Unit> {
    let mut groups: BTreeMap<Vec<Option<u32>>, u64> = BTreeMap::new();
    for unit in rows(data) {
        *groups.entry(unit.values).or_default() += 1;
    }
    groups
        .into_iter()
        .map(|(values, n)| Unit::weighted(values, n as f64))
        .collect()
}

fn reference_number(value: &serde_json::Value) -> Option<f64> {
    if value.is_null() {
        None
    } else {
        Some(value.as_f64().expect("a number or null"))
    }
}

fn agrees(ours: Option<f64>, reference: Option<f64>) -> bool {
    match (ours, reference) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= TOLERANCE,
        _ => false,
    }
}

#[test]
fn agreement_statistics_match_reference_implementations() {
    let required =
        std::env::var_os("THEMATIC_REQUIRE_REFERENCE").is_some() || std::env::var_os("CI").is_some();
    let python = std::env::var("THEMATIC_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let script: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "reference",
        "agreement_reference.py",
    ]
    .iter()
    .collect();

    let cases = generate();
    assert!(cases.len() >= 50);
    let input = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("agreement-crosscheck-{}.json", std::process::id()));
    std::fs::write(&input, to_json(&cases)).expect("write the cases");

    let output = Command::new(&python).arg(&script).arg(&input).output();
    let _ = std::fs::remove_file(&input);
    let output = match output {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            let why = format!(
                "{} {} failed ({}): {}",
                python,
                script.display(),
                o.status,
                String::from_utf8_lossy(&o.stderr).trim()
            );
            if required {
                panic!("{why}");
            }
            eprintln!("skipped: {why} (needs `pip install scikit-learn krippendorff`)");
            return;
        }
        Err(e) => {
            if required {
                panic!("cannot run {python}: {e}");
            }
            eprintln!("skipped: cannot run {python}: {e}");
            return;
        }
    };

    let reference: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    let results = reference["results"].as_array().expect("results");
    assert_eq!(results.len(), cases.len());

    let mut failures = Vec::new();
    let mut compared = 0;
    let mut defined = [0usize; 3];
    for (case, expected) in cases.iter().zip(results) {
        assert_eq!(expected["id"].as_str(), Some(case.id.as_str()));
        let reference = [
            reference_number(&expected["percent_agreement"]),
            reference_number(&expected["cohen_kappa"]),
            reference_number(&expected["krippendorff_alpha"]),
        ];
        for (form, units) in [
            ("units", rows(&case.data)),
            ("weighted rows", weighted_rows(&case.data)),
        ] {
            let ours = [
                percent_agreement(&units),
                cohen_kappa(&units),
                krippendorff_alpha_nominal(&units),
            ];
            for (i, name) in ["percent agreement", "Cohen's kappa", "Krippendorff's alpha"]
                .iter()
                .enumerate()
            {
                compared += 1;
                if !agrees(ours[i], reference[i]) {
                    failures.push(format!(
                        "{} ({} coders, {}): {name}: ours {:?}, reference {:?}",
                        case.id,
                        case.data.len(),
                        form,
                        ours[i],
                        reference[i]
                    ));
                }
            }
        }
        for (count, value) in defined.iter_mut().zip(reference) {
            *count += usize::from(value.is_some());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} comparisons differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The generated cases must exercise every statistic.
    assert!(
        defined.iter().all(|&n| n >= 15),
        "too few defined reference values: {defined:?}"
    );
}
