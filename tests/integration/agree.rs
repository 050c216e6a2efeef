//! `agree`: published worked examples through the real binary, every unit against reference
//! implementations on generated codings, disagreements, and the errors.

use crate::util::{Dir, Lcg};
use serde_json::Value;

/// A one-participant project: `R` says `body` in `d0`; coders code it with `x`.
fn project(body: &str, sheets: &[(&str, &[&str])]) -> Dir {
    let d = Dir::empty();
    d.write("participants.csv", "id,group\nd0,staff\nd1,staff\n");
    d.write("codebook.md", "# T\n## C\n- `x` — x.\n- `y` — y.\n");
    d.write("transcripts/d0.txt", format!("R: {body}\n"));
    d.write("transcripts/d1.txt", "R: Another document nobody double-coded.\n");
    for (coder, quotes) in sheets {
        let mut sheet = String::from("document,quote,codes\n");
        for q in *quotes {
            sheet.push_str(&format!("d0,{q},x\n"));
        }
        d.write(&format!("coding/{coder}.csv"), sheet);
    }
    d
}

fn json(d: &Dir, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["agree", "--format", "json"];
    all.extend_from_slice(args);
    let out = d.run(&all).ok();
    serde_json::from_str(&out.stdout).unwrap()
}

fn row<'a>(rows: &'a [Value], code: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no row for {code}"))
}

fn close(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - expected).abs() < 1e-12)
}

const SENTENCES: [&str; 10] = [
    "Apples are red.",
    "Bananas are yellow.",
    "Cherries are dark.",
    "Dates are sweet.",
    "Elderberries are small.",
    "Figs are soft.",
    "Grapes are round.",
    "Honeydew is pale.",
    "Ice is cold.",
    "Jam is sticky.",
];

#[test]
fn atlas_ti_manual_example_on_sentences() {
    // Coder 1 `1100000000`, coder 2 `0110010100`: percent agreement 0.60, kappa 0.091 (1/11),
    // alpha 0.095 (2/21).
    let c1 = [SENTENCES[0], SENTENCES[1]];
    let c2 = [SENTENCES[1], SENTENCES[2], SENTENCES[5], SENTENCES[7]];
    let d = project(&SENTENCES.join(" "), &[("c1", &c1), ("c2", &c2)]);
    let rows = json(&d, &["--unit", "sentence"]);
    let x = row(&rows, "x");
    assert!(close(&x["percent_agreement"], 0.6), "{x}");
    assert!(close(&x["cohen_kappa"], 1.0 / 11.0), "{x}");
    assert!(close(&x["krippendorff_alpha"], 2.0 / 21.0), "{x}");
    assert_eq!(x["kappa_band"], "slight");
    assert_eq!(x["alpha_band"], "unacceptable");
    assert_eq!(x["units"], 10.0);
}

#[test]
fn nvivo_coding_comparison_on_characters() {
    // 1,000 characters: 50 coded by both coders, 100 by the first only, 50 by the second only:
    // agreement 0.85, kappa 0.318 (7/22).
    let tokens: String = (0..166).map(|i| format!("[{i:04}]")).collect();
    let text = format!("R: {tokens}\n");
    assert_eq!(text.chars().count(), 1000);
    let first = &text[3..153];
    let second = &text[103..203];
    let d = project(&tokens, &[("first", &[first]), ("second", &[second])]);
    let rows = json(&d, &[]);
    let x = row(&rows, "x");
    assert!(close(&x["percent_agreement"], 0.85), "{x}");
    assert!(close(&x["cohen_kappa"], 7.0 / 22.0), "{x}");
    assert_eq!(x["units"], 1000.0);
    assert_eq!(x["unit"], "char");
}

#[test]
fn segment_units_match_by_overlap() {
    // Coder a: sentences 1-2 as one segment, and 4. Coder b: sentences 1-2 and the first word
    // of 5. At overlap 0.9, a's first segment matches; a's second and b's second do not.
    let a = ["Apples are red. Bananas are yellow.", "Dates are sweet."];
    let b = ["Apples are red. Bananas are yellow.", "Elderberries"];
    let d = project(&SENTENCES.join(" "), &[("a", &a), ("b", &b)]);
    let rows = json(&d, &["--unit", "segment"]);
    let x = row(&rows, "x");
    assert_eq!(x["units"], 3.0);
    assert!(close(&x["percent_agreement"], 1.0 / 3.0), "{x}");
    let out = d
        .run(&["agree", "--unit", "segment", "--disagreements", "--format", "md"])
        .ok();
    assert_eq!(
        out.stdout,
        "# Disagreements (segment units)\n\n## `x` (2)\n\n- d0 58..74: \"Dates are sweet.\" (coded by a; not by b)\n- d0 75..87: \"Elderberries\" (coded by b; not by a)\n"
    );
}

#[test]
fn only_documents_both_coders_coded_are_compared() {
    let d = project(
        &SENTENCES.join(" "),
        &[("c1", &[SENTENCES[0]]), ("c2", &[SENTENCES[0]])],
    );
    d.write(
        "coding/c1.csv",
        "document,quote,codes\nd0,Apples are red.,x\nd1,Another document,x\n",
    );
    let out = d.run(&["agree", "--unit", "turn"]).ok();
    assert!(
        out.stdout
            .starts_with("compared 1 document coded by c1, c2: d0 (unit: turn)\n"),
        "{}",
        out.stdout
    );
    // Naming d1 too compares it, where c2 coded nothing.
    let rows = json(&d, &["--unit", "turn", "--documents", "d0,d1"]);
    assert!(close(&row(&rows, "x")["percent_agreement"], 0.5));
}

#[test]
fn undefined_statistics_are_empty_not_zero() {
    let d = project(
        &SENTENCES.join(" "),
        &[("c1", &[SENTENCES[0]]), ("c2", &[SENTENCES[0]])],
    );
    let rows = json(&d, &["--unit", "turn"]);
    // One turn, coded by both: no variation.
    let x = row(&rows, "x");
    assert_eq!(x["percent_agreement"], 1.0);
    assert!(
        x["cohen_kappa"].is_null() && x["krippendorff_alpha"].is_null(),
        "{x}"
    );
    let out = d.run(&["agree", "--unit", "turn", "--format", "csv"]).ok();
    assert!(out.stdout.contains("\nturn,x,c1;c2,1,,,"), "{}", out.stdout);
}

#[test]
fn errors_and_the_reflexive_note() {
    let d = project("Hello there.", &[("c1", &["Hello there."])]);
    let out = d.run(&["agree"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: agreement needs at least two coders; this project has c1\n"
    );
    let d = project(
        "Hello there.",
        &[("c1", &["Hello there."]), ("c2", &["Hello there."])],
    );
    let out = d.run(&["agree", "--coders", "c1,c3"]);
    assert_eq!(
        out.stderr,
        "error: no coding sheet for coder `c3` (sheets: c1, c2)\n"
    );
    let out = d.run(&["agree", "--unit", "segment", "--overlap", "1.5"]);
    assert_eq!(
        out.stderr,
        "error: --overlap must be a share above 0 and at most 1, such as 0.9\n"
    );
    d.write("thematic.toml", "[project]\napproach = \"reflexive\"\n");
    let out = d.run(&["agree"]).ok();
    assert!(
        out.stderr
            .contains("reflexive thematic analysis does not use agreement statistics")
            || out
                .stderr
                .contains("reflexive TA does not use agreement statistics"),
        "{}",
        out.stderr
    );
}

/// Generates documents with known turns and sentences and random codings by `coders` coders,
/// writes the folder and returns the spec the Python reference reads.
fn generated(coders: usize, seed: u64) -> (Dir, Value) {
    let mut rng = Lcg(seed);
    let d = Dir::empty();
    let mut participants = String::from("id,group\n");
    let mut sheets = vec![String::from("document,quote,codes\n"); coders];
    let mut docs = Vec::new();
    let mut segments = Vec::new();
    let codes = ["a", "b", "c"];
    for doc in 0..3 {
        participants.push_str(&format!("p{doc},staff\n"));
        let mut text = String::new();
        let (mut turns, mut sentences) = (Vec::new(), Vec::new());
        for t in 0..5 {
            let label = if t % 2 == 0 { "Interviewer: " } else { "R: " };
            text.push_str(label);
            let start = text.len();
            let n = 2 + rng.below(4) as usize;
            let mut spans = Vec::new();
            for s in 0..n {
                if s > 0 {
                    text.push(' ');
                }
                let from = text.len();
                text.push_str(&format!("Item p{doc}t{t}s{s} is noted here."));
                spans.push((from, text.len()));
            }
            turns.push(vec![start, text.len()]);
            sentences.extend(spans.iter().map(|&(a, b)| vec![a, b]));
            if t % 2 == 1 {
                // Each coder may code a run of this turn's sentences.
                let mut previous: Option<(usize, usize, Vec<&str>)> = None;
                for (k, sheet) in sheets.iter_mut().enumerate() {
                    let choice = match &previous {
                        Some(p) if rng.below(100) < 60 => Some(p.clone()),
                        _ if rng.below(100) < 55 => {
                            let i = rng.below(n as u64) as usize;
                            let j = i + rng.below((n - i) as u64) as usize;
                            let mut cs = vec![codes[rng.below(3) as usize]];
                            if rng.below(100) < 30 {
                                let extra = codes[rng.below(3) as usize];
                                if !cs.contains(&extra) {
                                    cs.push(extra);
                                }
                            }
                            Some((i, j, cs))
                        }
                        _ => None,
                    };
                    if let Some((i, j, cs)) = &choice {
                        let (a, b) = (spans[*i].0, spans[*j].1);
                        sheet.push_str(&format!("p{doc},{},{}\n", &text[a..b], cs.join(";")));
                        segments.push(
                            serde_json::json!({"coder": k, "doc": doc, "start": a, "end": b, "codes": cs}),
                        );
                    }
                    if previous.is_none() {
                        previous = choice;
                    }
                }
            }
            text.push('\n');
        }
        d.write(&format!("transcripts/p{doc}.txt"), &text);
        docs.push(serde_json::json!({"chars": text.chars().count(), "turns": turns, "sentences": sentences}));
    }
    d.write("participants.csv", participants);
    d.write(
        "codebook.md",
        "# T\n## C\n- `a` — a.\n- `b` — b.\n## D\n- `c` — c.\n",
    );
    for (k, sheet) in sheets.iter().enumerate() {
        // Every coder codes every document (an anchor row), so all documents are compared.
        let mut sheet = sheet.clone();
        for doc in 0..3 {
            sheet.push_str(&format!("p{doc},Interviewer: Item p{doc}t0s0,c\n"));
            segments.push(serde_json::json!({"coder": k, "doc": doc, "start": 0, "end": 24, "codes": ["c"]}));
        }
        d.write(&format!("coding/coder{k}.csv"), sheet);
    }
    let spec = serde_json::json!({"coders": coders, "documents": docs, "segments": segments, "codes": codes, "overlap": 0.9});
    (d, spec)
}

/// Runs the Python reference; `None` (test skipped) where Python or its packages are missing,
/// except in CI.
fn reference(spec: &Value) -> Option<Value> {
    use std::io::Write;
    let python = std::env::var("THEMATIC_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/agree_units.py");
    let child = std::process::Command::new(&python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let required =
        std::env::var_os("CI").is_some() || std::env::var_os("THEMATIC_REQUIRE_REFERENCE").is_some();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(!required, "cannot run {python}: {e}");
            eprintln!("skipped: cannot run {python}: {e}");
            return None;
        }
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(spec.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        assert!(!required, "the reference failed: {why}");
        eprintln!("skipped: the reference needs scikit-learn and krippendorff: {why}");
        return None;
    }
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn same(ours: &Value, theirs: &Value) -> bool {
    match (ours.as_f64(), theirs.as_f64()) {
        (None, None) => ours.is_null() && theirs.is_null(),
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9,
        _ => false,
    }
}

#[test]
fn every_unit_matches_scikit_learn_and_krippendorff() {
    let mut compared = 0;
    for (coders, seed) in [(2, 1), (2, 2), (2, 3), (3, 4), (3, 5)] {
        let (d, spec) = generated(coders, seed);
        assert_eq!(d.run(&["check"]).code, 0, "{:#?}", d.run(&["check"]));
        let Some(expected) = reference(&spec) else { return };
        for (unit, per_code) in expected.as_object().unwrap() {
            let rows = json(&d, &["--unit", unit]);
            for (code, figures) in per_code.as_object().unwrap() {
                let r = row(&rows, code);
                for (i, name) in ["percent_agreement", "cohen_kappa", "krippendorff_alpha"]
                    .iter()
                    .enumerate()
                {
                    assert!(
                        same(&r[name], &figures[i]),
                        "coders {coders}, seed {seed}, unit {unit}, code {code}, {name}: ours {} reference {}",
                        r[name],
                        figures[i]
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared >= 150, "{compared}");
}
