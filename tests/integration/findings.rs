//! Whose coding counts: `[coding] analysis` and `--coders`. A reliability coder's sheet, kept
//! for agreement, must not change the findings (issue: "a reliability coder's sheet changes
//! the findings").

use crate::util::*;

/// The counts a project gives, as tidy records, from every command that counts.
fn counts(d: &Dir, extra: &[&str]) -> Vec<String> {
    let runs: [&[&str]; 4] = [
        &[
            "stats",
            "--level",
            "code",
            "--by",
            "participant",
            "--format",
            "csv",
        ],
        &["stats", "--level", "theme", "--by", "group", "--format", "csv"],
        &["triangulate", "--level", "code", "--format", "csv"],
        &["codebook", "--counts", "--format", "csv"],
    ];
    runs.iter()
        .map(|args| {
            let mut all = args.to_vec();
            all.extend_from_slice(extra);
            d.run(&all).ok().stdout
        })
        .collect()
}

fn with_analysis(d: &Dir, coders: &str) {
    d.write(
        "thematic.toml",
        format!("{FIXTURE_TOML}\n[coding]\nanalysis = [{coders}]\n"),
    );
}

#[test]
fn reliability_coders_sheet_changes_the_findings_no_more() {
    let both = Dir::project();
    let amira_alone = Dir::project();
    amira_alone.remove("coding/ben.csv");
    let with_setting = Dir::project();
    with_analysis(&with_setting, "\"amira\"");
    // ben's sheet does change the union (the test could fail)...
    assert_ne!(counts(&both, &[]), counts(&amira_alone, &[]));
    // ...and with `[coding] analysis` the counts are those of amira's sheet alone.
    assert_eq!(counts(&with_setting, &[]), counts(&amira_alone, &[]));
    // --coders does the same for one run, and overrides the setting.
    assert_eq!(counts(&both, &["--coders", "amira"]), counts(&amira_alone, &[]));
    // With ben alone, the code tree still lists the unsorted code amira used (`kindness`),
    // with nothing counted; every other record is that of ben's sheet alone.
    let ben_alone = Dir::project();
    ben_alone.remove("coding/amira.csv");
    let unsorted = |outputs: Vec<String>| -> (Vec<String>, Vec<String>) {
        let lines = outputs.iter().flat_map(|o| o.lines().map(str::to_string));
        lines.partition(|l| !l.contains("kindness") && !l.contains("(unsorted)"))
    };
    let (rest, extra) = unsorted(counts(&with_setting, &["--coders", "ben"]));
    assert_eq!(rest, unsorted(counts(&ben_alone, &[])).0);
    assert!(
        extra
            .iter()
            .all(|l| l.ends_with(",0,0,0") || l.ends_with(",0,0,,,") || l.contains(",0,silence")),
        "{extra:?}"
    );
    assert_eq!(counts(&both, &["--coders", "amira,ben"]), counts(&both, &[]));
    // The framework matrix too.
    let matrix = |d: &Dir, extra: &[&str]| {
        let mut all = vec!["matrix", "--cols", "code", "--format", "csv"];
        all.extend_from_slice(extra);
        d.run(&all).ok().stdout
    };
    assert_ne!(matrix(&both, &[]), matrix(&amira_alone, &[]));
    assert_eq!(matrix(&with_setting, &[]), matrix(&amira_alone, &[]));
    assert_eq!(matrix(&both, &["--coders", "amira"]), matrix(&amira_alone, &[]));
}

#[test]
fn a_passage_only_the_second_coder_coded_is_never_quoted() {
    let d = Dir::project();
    // ben alone codes "trust is low" in the focus group, as an exemplar.
    d.write(
        "coding/ben.csv",
        "document,quote,codes,memo,exemplar\nS1,We share values.,shared-values,,\nfocus,trust is low,trust,,yes\n",
    );
    d.run(&["report"]).ok();
    let quotes = d.read("report/tables/quotes.csv");
    assert!(
        quotes.contains(",yes,… trust is low\n"),
        "ben's exemplar is quoted while ben counts:\n{quotes}"
    );
    with_analysis(&d, "\"amira\"");
    d.run(&["report"]).ok();
    let quotes = d.read("report/tables/quotes.csv");
    assert!(!quotes.contains("trust is low\n"), "{quotes}");
    let md = d.read("report/report.md");
    assert!(
        md.contains("- Whose coding the findings rest on: amira; ben double-coded for agreement only, and that coding is not counted in the findings or quoted.\n"),
        "{md}"
    );
    assert!(md.contains("coded by 1 coder."), "{md}");
}

#[test]
fn check_says_which_sheets_count() {
    let d = Dir::project();
    let out = d.run(&["check"]);
    assert!(
        out.stdout.contains("findings rest on the coding of amira, ben (every sheet: set [coding] analysis to keep a reliability coder's sheet out of them)\n"),
        "{out:#?}"
    );
    with_analysis(&d, "\"amira\"");
    let out = d.run(&["check"]).ok();
    assert!(
        out.stdout
            .contains("findings rest on the coding of amira; for agreement only: ben\n"),
        "{out:#?}"
    );
}

#[test]
fn an_unknown_analysis_coder_is_an_error_with_its_line() {
    let d = Dir::project();
    with_analysis(&d, "\"amria\"");
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    let line = FIXTURE_TOML.lines().count() + 3;
    let errors: Vec<&str> = out
        .problems()
        .into_iter()
        .filter(|p| p.starts_with("error"))
        .collect();
    assert_eq!(
        errors,
        [format!("error: thematic.toml:{line}: [coding] analysis: no coding sheet for coder `amria` (sheets: amira, ben) (did you mean `amira`?)").as_str()]
    );
    let out = d.run(&["stats", "--coders", "benn"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "error: --coders: no coding sheet for coder `benn` (sheets: amira, ben) (did you mean `ben`?)"
        ),
        "{out:#?}"
    );
}
