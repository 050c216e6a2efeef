//! The third bundled example, `examples/staff-survey`: a survey-only folder (forty staff of an
//! integrated health and social care team, three free-text questions, no transcripts). It
//! checks clean, its committed report is up to date, every quote in it is verbatim from an
//! answer of the respondent it is attributed to, and its counts are the hand-worked ones.

use crate::report::unescape;
use crate::util::run_in;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/staff-survey")
}

#[test]
fn the_survey_example_checks_with_no_errors() {
    let out = run_in(&root(), &["check"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    // 40 respondents; 76 non-empty answers of 120 (the rest were skipped); 38 coded.
    let summary = out.stdout.lines().last().unwrap_or_default();
    assert_eq!(
        summary,
        "40 participants, 76 documents, 12 codes (0 unsorted), 1 coders, 38 coded segments: 0 errors, 0 warnings",
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("respondent, region, years_in_post, source, question, survey"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_survey_example_report_is_up_to_date() {
    let out = run_in(&root(), &["report", "--check"]);
    assert_eq!(
        out.code, 0,
        "run `cargo run -- report -p examples/staff-survey`:\n{}",
        out.stdout
    );
}

#[test]
fn every_quote_is_verbatim_from_the_respondent_and_region_it_names() {
    let root = root();
    // respondent -> (region, answers)
    let mut respondents: HashMap<String, (String, Vec<String>)> = HashMap::new();
    let mut survey = csv::Reader::from_path(root.join("surveys/staff.csv")).unwrap();
    for row in survey.records() {
        let row = row.unwrap();
        let answers = [4, 5, 6].iter().map(|&i| row[i].to_string()).collect();
        respondents.insert(row[0].to_string(), (row[2].to_string(), answers));
    }
    let md =
        std::fs::read_to_string(root.join("report/report.md")).expect("the example's report is committed");
    let attribution = regex::Regex::new(r"^(.+) \(Respondent (\d+), (\w+)\)$").unwrap();
    let mut checked = 0;
    for line in md.lines().filter(|l| l.starts_with("> ")) {
        let line = unescape(&line[2..]);
        let c = attribution
            .captures(&line)
            .unwrap_or_else(|| panic!("not attributed to a respondent and region: {line}"));
        let quote = c[1].strip_suffix(" …").unwrap_or(&c[1]);
        let quote = quote.strip_prefix("… ").unwrap_or(quote);
        let (region, answers) = respondents
            .get(&c[2])
            .unwrap_or_else(|| panic!("no respondent {} in surveys/staff.csv", &c[2]));
        assert_eq!(region, &c[3], "{line}");
        assert!(
            answers.iter().any(|a| a.contains(quote)),
            "quote {quote:?} is not verbatim from an answer of respondent {}",
            &c[2]
        );
        checked += 1;
    }
    assert_eq!(checked, 18, "three quotes for each of the six subthemes");
}

#[test]
fn it_systems_in_the_north_is_the_hand_worked_count() {
    // it-systems in coding/analyst.csv: 1001/q2, 1028/q2 and 1033/q2 (North), 1011/q2 and
    // 1027/q2 (East), 1014/q2 (West); none in the South. One passage per answer.
    let out = run_in(&root(), &["stats", "--by", "region", "--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("code,it-systems,"))
        .collect();
    assert_eq!(
        rows,
        [
            "code,it-systems,region,East,2,2,2",
            "code,it-systems,region,North,3,3,3",
            "code,it-systems,region,South,0,0,0",
            "code,it-systems,region,West,1,1,1",
        ],
        "{}",
        out.stdout
    );
}
