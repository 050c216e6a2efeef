//! `thematic suggest`: code suggestions learnt from the analyst's coding, judged by
//! cross-validation, checked against scikit-learn's `MultinomialNB` on the same folds.

use crate::util::{Dir, Lcg};
use std::process::Command;

/// Eighty one-turn interviews on three topics with noise; the analyst coded most turns of each
/// topic (a few left uncoded, for suggestions to find).
fn project() -> Dir {
    let d = Dir::empty();
    d.write(
        "thematic.toml",
        "[project]\ntitle = \"Suggest\"\n\n[groups]\nstaff = \"Staff\"\n",
    );
    let topics: [(&str, &[&str]); 3] = [
        (
            "transport",
            &[
                "bus", "train", "travel", "journey", "fares", "miles", "car", "lift",
            ],
        ),
        (
            "funding",
            &[
                "money", "grant", "budget", "funding", "cuts", "pay", "cost", "bid",
            ],
        ),
        (
            "stigma",
            &[
                "ashamed",
                "judged",
                "embarrassed",
                "stigma",
                "labelled",
                "looked",
                "down",
                "shame",
            ],
        ),
    ];
    let filler = [
        "we", "the", "they", "it", "really", "was", "and", "then", "people", "here", "that", "about",
    ];
    let mut rng = Lcg(7);
    let mut participants = String::from("id,group,label\n");
    let mut sheet = String::from("document,quote,codes,memo\n");
    for i in 0..80 {
        let (code, words) = topics[i % 3];
        let mut text = Vec::new();
        for _ in 0..14 {
            let pick = rng.next() as usize;
            if pick.is_multiple_of(3) {
                text.push(words[pick % words.len()]);
            } else {
                text.push(filler[pick % filler.len()]);
            }
        }
        let turn = format!("{}.", text.join(" "));
        let id = format!("R{i:02}");
        participants.push_str(&format!("{id},staff,Respondent {i}\n"));
        d.write(&format!("transcripts/{id}.txt"), format!("R: {turn}\n"));
        // Every seventh turn is left for the model to find.
        if i % 7 != 3 {
            sheet.push_str(&format!("{id},{turn},{code},\n"));
        }
    }
    d.write("participants.csv", participants);
    d.write(
        "codebook.md",
        "# Access\n- `transport` — getting there.\n- `funding` — money.\n- `stigma` — being judged.\n",
    );
    d.write("coding/amira.csv", sheet);
    d
}

#[test]
fn cross_validated_scores_match_scikit_learn() {
    let d = project();
    let scores = d.join("scores.csv");
    let out = d
        .run(&[
            "suggest",
            "--min-precision",
            "0.5",
            "--format",
            "json",
            "--scores",
            scores.to_str().unwrap(),
        ])
        .ok();
    let figures: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let figures = figures.as_array().unwrap();
    assert_eq!(figures.len(), 3, "{figures:?}");
    let require =
        std::env::var_os("THEMATIC_REQUIRE_REFERENCE").is_some() || std::env::var_os("CI").is_some();
    let python = std::env::var("THEMATIC_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/suggest_reference.py"
    );
    let reference = Command::new(&python)
        .args([script, scores.to_str().unwrap(), "0.5"])
        .output();
    let reference = match reference {
        Ok(o) if o.status.success() => o,
        other => {
            let why = match other {
                Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            assert!(!require, "the scikit-learn reference could not run: {why}");
            eprintln!("skipped: the scikit-learn reference could not run ({python}): {why}");
            return;
        }
    };
    let reference: serde_json::Value = serde_json::from_slice(&reference.stdout).unwrap();
    for row in figures {
        let code = row["code"].as_str().unwrap();
        let r = &reference[code];
        let diff = r["max_diff"].as_f64().unwrap();
        assert!(diff < 1e-9, "{code}: scores differ from scikit-learn's by {diff}");
        for (ours, theirs) in [
            ("true_positives", "tp"),
            ("false_positives", "fp"),
            ("false_negatives", "fn"),
        ] {
            assert_eq!(row[ours], r[theirs], "{code} {ours}");
        }
        let (tp, fp, fneg) = (
            r["tp"].as_f64().unwrap(),
            r["fp"].as_f64().unwrap(),
            r["fn"].as_f64().unwrap(),
        );
        assert!(
            (row["precision"].as_f64().unwrap() - tp / (tp + fp)).abs() < 1e-12,
            "{code}"
        );
        assert!(
            (row["recall"].as_f64().unwrap() - tp / (tp + fneg)).abs() < 1e-12,
            "{code}"
        );
    }
    // The scores span the range: the comparison is not of numbers near zero.
    let text = std::fs::read_to_string(&scores).unwrap();
    // Only the units of coded documents are examples: 69 of the 80 (eleven left uncoded).
    assert_eq!(text.lines().count(), 1 + 3 * 69, "three codes × 69 examples");
    let high = text
        .lines()
        .skip(1)
        .filter(|l| {
            l.split(',')
                .nth(5)
                .and_then(|s| s.parse::<f64>().ok())
                .is_some_and(|p| p > 0.9)
        })
        .count();
    assert!(high > 40, "{high} scores above 0.9");
}

#[test]
fn suggestions_are_verbatim_turns_in_a_sheet_that_counts_for_nothing() {
    let d = project();
    let before = d.run(&["stats", "--format", "csv"]).ok().stdout;
    let out = d.run(&["suggest", "--min-precision", "0.5"]).ok();
    assert!(out.stdout.contains("to coding/suggested.csv"), "{}", out.stdout);
    let sheet = d.read("coding/suggested.csv");
    let mut rows = csv::Reader::from_reader(sheet.as_bytes());
    let mut found = 0;
    for row in rows.records() {
        let row = row.unwrap();
        let (doc, quote, code) = (&row[0], &row[1], &row[2]);
        let text = d.read(&format!("transcripts/{doc}.txt"));
        assert!(text.contains(quote), "{quote} is verbatim from {doc}");
        // Only turns the analyst left uncoded are suggested, and the right topic wins.
        let i: usize = doc[1..].parse().unwrap();
        assert_eq!(i % 7, 3, "{doc} was coded already");
        assert_eq!(code, ["transport", "funding", "stigma"][i % 3], "{doc}");
        found += 1;
    }
    assert!(found >= 8, "{found} of the 12 uncoded turns suggested:\n{sheet}");
    // The sheet counts for nothing: the same counts, the same check.
    assert_eq!(d.run(&["stats", "--format", "csv"]).ok().stdout, before);
    assert_eq!(d.run(&["check"]).code, 0);
    // The same bytes every run.
    d.run(&["suggest", "--min-precision", "0.5"]).ok();
    assert_eq!(d.read("coding/suggested.csv"), sheet);
}

#[test]
fn codes_with_too_few_examples_or_too_low_precision_are_not_suggested() {
    let d = project();
    let out = d.run(&["suggest", "--min-examples", "30", "--dry-run"]).ok();
    assert!(
        out.stdout.contains("fewer than 30 examples: not learnt"),
        "{}",
        out.stdout
    );
    assert!(
        !d.join("coding/suggested.csv").exists(),
        "--dry-run writes nothing"
    );
    let out = d
        .run(&[
            "suggest",
            "--min-precision",
            "1",
            "--threshold",
            "0.01",
            "--dry-run",
        ])
        .ok();
    assert!(
        out.stdout.contains("precision below 1: not suggested"),
        "{}",
        out.stdout
    );
    let row = format!(
        "document,quote,codes,memo\nR00,{},transport,\n",
        d.read("transcripts/R00.txt")[3..].trim()
    );
    d.write("coding/suggested.csv", &row);
    let mine = d.run(&["suggest"]);
    assert_eq!(mine.code, 2);
    assert!(mine.stderr.contains("is a coder's sheet"), "{}", mine.stderr);
    assert_eq!(d.read("coding/suggested.csv"), row);
    let bad = d.run(&["suggest", "--folds", "1"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("at least 2 folds"), "{}", bad.stderr);
}
