//! `codebook rename` and `codebook merge`: every file changes together, or none does.

use crate::util::{Dir, FIXTURE_AMIRA, FIXTURE_BEN, FIXTURE_CODEBOOK};

#[test]
fn rename_changes_codebook_and_every_sheet() {
    let d = Dir::project();
    let out = d.run(&["codebook", "rename", "trust", "mutual-trust"]).ok();
    assert_eq!(
        out.stdout,
        "renamed `trust` to `mutual-trust`: 5 rows in 2 sheets and the codebook\n  coding/amira.csv: 4\n  coding/ben.csv: 1\n"
    );
    assert_eq!(
        d.read("codebook.md"),
        FIXTURE_CODEBOOK.replace("`trust`", "`mutual-trust`")
    );
    assert_eq!(
        d.read("coding/ben.csv"),
        FIXTURE_BEN.replace("trust;", "mutual-trust;")
    );
    let amira = d.read("coding/amira.csv");
    assert!(
        amira.contains("S1,Communication is good.,communication;mutual-trust,\n"),
        "{amira}"
    );
    assert!(
        amira.contains("\"Funding is short, and trust is low.\",funding;mutual-trust,\n"),
        "{amira}"
    );
    // Rows it did not touch keep their bytes.
    assert!(amira.starts_with("document,quote,codes,memo\nS1,We share values.,shared-values,\n"));
    let out = d.run(&["check"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let stats = d.run(&["stats", "--format", "csv"]).ok();
    assert!(
        stats.stdout.contains("code,mutual-trust,all,all,4,3,3\n"),
        "{}",
        stats.stdout
    );
}

#[test]
fn rename_refuses_existing_ids_unknown_codes_and_broken_sheets() {
    let d = Dir::project();
    let out = d.run(&["codebook", "rename", "trust", "funding"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: code `funding` exists already: use `thematic codebook merge trust funding` to combine them\n"
    );
    let out = d.run(&["codebook", "rename", "trsut", "x"]);
    assert_eq!(
        out.stderr,
        "error: no code `trsut` in the codebook or any coding sheet (did you mean `trust`?)\n"
    );
    d.write("coding/ben.csv", format!("{FIXTURE_BEN}S1,\"unclosed,trust\n"));
    let before = (d.read("codebook.md"), d.read("coding/amira.csv"), d.files());
    let out = d.run(&["codebook", "rename", "trust", "mutual-trust"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "coding/ben.csv has problems to fix first, nothing was written:\nerror: coding/ben.csv:4:"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        (d.read("codebook.md"), d.read("coding/amira.csv"), d.files()),
        before
    );
}

#[test]
fn merge_moves_rows_and_keeps_the_definition() {
    let d = Dir::project();
    let out = d.run(&["codebook", "merge", "communication", "trust"]).ok();
    assert_eq!(
        out.stdout,
        "merged `communication` into `trust`: 2 rows in 2 sheets and the codebook\n  coding/amira.csv: 1\n  coding/ben.csv: 1\n"
    );
    assert_eq!(
        d.read("codebook.md"),
        "# Relationships\nAbout relationships.\n\n## Values\nWhat people value.\n\n- `shared-values` — values that fit.\n  - polarity: positive\n- `trust` — trust between partners.\n  - include: merged from communication (keeping in touch.)\n\n## Talk\n\n# Resources\n- `funding` — money.\n  - polarity: negative\n"
    );
    assert_eq!(
        d.read("coding/ben.csv"),
        FIXTURE_BEN.replace("trust;communication", "trust")
    );
    assert!(d
        .read("coding/amira.csv")
        .contains("S1,Communication is good.,trust,\n"));
    assert_eq!(d.run(&["check"]).code, 0);
    let stats = d.run(&["stats", "--format", "csv"]).ok();
    assert!(
        stats.stdout.contains("code,trust,all,all,4,3,3\n"),
        "{}",
        stats.stdout
    );
    assert!(!stats.stdout.contains("communication"), "{}", stats.stdout);
}

#[test]
fn merge_an_unsorted_code() {
    let d = Dir::project();
    d.run(&["codebook", "merge", "kindness", "trust"]).ok();
    assert_eq!(d.read("codebook.md"), FIXTURE_CODEBOOK);
    assert_eq!(
        d.read("coding/amira.csv"),
        FIXTURE_AMIRA.replace("kindness", "trust")
    );
    assert_eq!(d.run(&["check", "--strict"]).code, 0);
}

#[test]
fn crlf_sheets_keep_their_line_ends() {
    let d = Dir::project();
    d.write("coding/ben.csv", FIXTURE_BEN.replace('\n', "\r\n"));
    d.run(&["codebook", "rename", "communication", "talk"]).ok();
    assert_eq!(
        d.read("coding/ben.csv"),
        FIXTURE_BEN
            .replace('\n', "\r\n")
            .replace("trust;communication", "trust;talk")
    );
}
