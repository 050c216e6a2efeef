//! The second bundled example, `examples/health-wellbeing-boards`: a longitudinal, multi-site
//! evaluation (five localities, three waves, the same people over time, field notes). It checks
//! clean, its committed report is up to date, and every quote in it is verbatim from a turn of
//! the person it is attributed to.

use crate::report::assert_quotes_verbatim;
use crate::util::run_in;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/health-wellbeing-boards")
}

#[test]
fn the_second_example_checks_with_no_errors() {
    let out = run_in(&root(), &["check"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let summary = out.stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("23 participants, 30 documents, 32 codes") && summary.contains(": 0 errors"),
        "{}",
        out.stdout
    );
    // wave, site and source are attributes to count by.
    assert!(
        out.stdout.contains(
            "attributes for --by and --where: group, participant, document, site, level, source, wave"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn the_second_example_report_is_up_to_date() {
    let out = run_in(&root(), &["report", "--check"]);
    assert_eq!(
        out.code, 0,
        "run `cargo run -- report -p examples/health-wellbeing-boards`:\n{}",
        out.stdout
    );
}

#[test]
fn every_quote_is_verbatim_and_attributed_in_the_second_example() {
    let root = root();
    let md =
        std::fs::read_to_string(root.join("report/report.md")).expect("the example's report is committed");
    assert!(assert_quotes_verbatim(&root, &md) >= 30);
}

#[test]
fn the_same_people_are_counted_once_per_wave() {
    // ASH-01 is interviewed in all three waves: one person, present at every wave.
    let out = run_in(&root(), &["stats", "--over", "wave", "--level", "theme"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("panel (n = 1)"), "{}", out.stdout);
    // N per wave: 8 people in 2015, 17 in 2016 (interviews and focus groups), 8 in 2017.
    let first = out.stdout.lines().nth(2).expect("a row per theme");
    assert!(first.contains("/8 ") && first.contains("/17 "), "{}", out.stdout);
}
