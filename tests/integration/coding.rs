//! Quote anchoring and the `code` command: abbreviation, ambiguity, occurrence, typographic
//! quotes, and appending rows atomically.

use crate::util::{Dir, FIXTURE_AMIRA};

#[test]
fn typographic_quotes_dashes_and_white_space_match() {
    let d = Dir::project();
    d.write(
        "transcripts/S1.txt",
        "Interviewer: Why?\nR: It\u{2019}s \u{201C}our   values\u{201D} \u{2013}\nreally.\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\nS1,\"It's \"\"our values\"\" - really.\",shared-values\n",
    );
    d.remove("coding/ben.csv");
    let out = d.run(&["check"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let out = d.run(&["code", "S1", "it's", "trust", "--coder", "amira"]);
    assert_eq!(out.code, 2, "case-sensitive: {out:#?}");
    assert!(
        out.stderr.contains("it matches if letter case is ignored"),
        "{}",
        out.stderr
    );
}

#[test]
fn abbreviated_quotes_span_from_start_to_end() {
    let d = Dir::project();
    d.write(
        "transcripts/S1.txt",
        "Interviewer: Why?\nR: Regular communication is absolutely critical. We meet weekly. We are honest with each other.\n",
    );
    d.remove("coding/amira.csv");
    d.remove("coding/ben.csv");
    let out = d
        .run(&[
            "code",
            "S1",
            "Regular communication … honest with each other",
            "communication",
            "--coder",
            "amira",
        ])
        .ok();
    assert!(out.stdout.contains("S1 21..112 (R)"), "{}", out.stdout);
    let out = d
        .run(&[
            "code",
            "S1",
            "We meet ... other.",
            "communication",
            "--coder",
            "amira",
        ])
        .ok();
    assert!(out.stdout.contains("S1 67..113 (R)"), "{}", out.stdout);
    assert_eq!(d.run(&["check"]).code, 0);
}

#[test]
fn ambiguous_quotes_list_their_places_and_occurrence_picks_one() {
    let d = Dir::project();
    d.write(
        "transcripts/S1.txt",
        "Interviewer: Why?\nR: We share values. Communication is good. Trust takes time. Time heals.\n\nInterviewer: Really?\nR: Yes. Time heals.\n",
    );
    let out = d.run(&["code", "S1", "Time heals.", "trust", "--coder", "amira"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: quote occurs 2 times in S1: line 2 (R), line 5 (R); add an `occurrence` column (1 to 2) to pick one\n"
    );
    let out = d
        .run(&[
            "code",
            "S1",
            "Time heals.",
            "trust",
            "--coder",
            "amira",
            "--occurrence",
            "2",
        ])
        .ok();
    assert!(out.stdout.contains("S1 121..132 (R)"), "{}", out.stdout);
    // The sheet gained an occurrence column, existing rows left empty in it.
    let sheet = d.read("coding/amira.csv");
    assert!(
        sheet.starts_with("document,quote,codes,memo,occurrence\n"),
        "{sheet}"
    );
    assert!(sheet.ends_with("S1,Time heals.,trust,,2\n"), "{sheet}");
    assert!(
        sheet.contains("\nS1,We share values.,shared-values,,\n"),
        "{sheet}"
    );
    d.write("coding/ben.csv", "document,quote,codes\nS1,Time heals.,trust\n");
    let out = d.run(&["check"]);
    assert!(
        out.problems().contains(&"error: coding/ben.csv:2: quote occurs 2 times in S1: line 2 (R), line 5 (R); add an `occurrence` column (1 to 2) to pick one"),
        "{out:#?}"
    );
}

#[test]
fn code_appends_a_checked_row_and_keeps_the_rest() {
    let d = Dir::project();
    let before = d.read("coding/amira.csv");
    let out = d
        .run(&[
            "code",
            "S2",
            "Funding is short",
            "funding;trust",
            "--coder",
            "amira",
            "--memo",
            "money, again",
        ])
        .ok();
    assert_eq!(
        out.stdout,
        "coding/amira.csv:11: coded S2 68..84 (Staff 2) with funding;trust: \"Funding is short\"\n"
    );
    let after = d.read("coding/amira.csv");
    assert_eq!(
        after,
        format!("{before}S2,Funding is short,funding;trust,\"money, again\"\n")
    );
    assert_eq!(d.run(&["check"]).code, 0);
}

#[test]
fn code_creates_a_new_sheet_and_takes_the_coder_from_the_environment() {
    let d = Dir::project();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thematic"))
        .args([
            "code",
            "S1",
            "We share values.",
            "shared-values",
            "--exemplar",
            "--new-coder",
            "-p",
        ])
        .arg(d.path())
        .env("THEMATIC_CODER", "chloe")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        d.read("coding/chloe.csv"),
        "document,quote,codes,memo,exemplar\nS1,We share values.,shared-values,,yes\n"
    );
}

#[test]
fn code_refuses_bad_rows_and_changes_nothing() {
    let d = Dir::project();
    let before = d.files();
    let sheet = d.read("coding/amira.csv");
    for (args, message) in [
        (
            vec!["code", "S22", "x", "trust", "--coder", "amira"],
            "error: unknown document `S22` (did you mean `S2`?)\n",
        ),
        (
            vec!["code", "S1", "Nothing like this", "trust", "--coder", "amira"],
            "error: quote not found in S1: \"Nothing like this\" (nothing close)\n",
        ),
        (
            vec!["code", "S1", "We share values.", "bad code", "--coder", "amira"],
            "error: invalid code id `bad code`: use letters, digits, `-`, `_` and `/` only\n",
        ),
        (
            vec!["code", "S1", "We share values.", "trust"],
            "error: which coder? give --coder NAME (or set THEMATIC_CODER); sheets: amira, ben\n",
        ),
        (
            vec!["code", "S1", "We share values.", "trust", "--coder", "../x"],
            "error: invalid coder name `../x`: it becomes the file name coding/<coder>.csv\n",
        ),
    ] {
        let out = d.run(&args);
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stderr, message, "{args:?}");
    }
    assert_eq!(d.files(), before, "no file added, no temporary file left");
    assert_eq!(d.read("coding/amira.csv"), sheet);
}

#[test]
fn code_refuses_to_append_to_a_malformed_sheet() {
    let d = Dir::project();
    let broken = format!("{FIXTURE_AMIRA}S1,\"unclosed\n");
    d.write("coding/amira.csv", &broken);
    let out = d.run(&["code", "S1", "We share values", "trust", "--coder", "amira"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("coding/amira.csv has problems to fix first, nothing was written"),
        "{}",
        out.stderr
    );
    assert_eq!(d.read("coding/amira.csv"), broken);
}

#[test]
fn code_with_a_typoed_code_id_is_refused_with_did_you_mean() {
    let d = Dir::project();
    let sheet = d.read("coding/amira.csv");
    let out = d.run(&[
        "code",
        "S1",
        "We share values",
        "shared-valeus",
        "--coder",
        "amira",
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(
        out.stderr,
        "error: code `shared-valeus` is not in the codebook (did you mean `shared-values`?); nothing was written (--new-code codes with it anyway, listed as unsorted until the codebook has it)\n"
    );
    assert_eq!(d.read("coding/amira.csv"), sheet);
    // --new-code allows it, and says it will be unsorted.
    let out = d
        .run(&[
            "code",
            "S1",
            "We share values",
            "value",
            "--coder",
            "amira",
            "--new-code",
        ])
        .ok();
    assert_eq!(
        out.stderr,
        "warning: code `value` is not in the codebook: it will be listed as unsorted\n"
    );
    assert!(d
        .read("coding/amira.csv")
        .ends_with("S1,We share values,value,\n"));
}

#[test]
fn code_with_a_typoed_coder_does_not_start_a_new_sheet() {
    let d = Dir::project();
    let before = d.files();
    let out = d.run(&["code", "S1", "We share values", "trust", "--coder", "amria"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(
        out.stderr,
        "error: there is no sheet for coder `amria` (sheets: amira, ben) (did you mean `amira`?); nothing was written (--new-coder starts coding/amria.csv)\n"
    );
    assert_eq!(d.files(), before);
}

#[test]
fn code_refuses_a_passage_the_coder_already_coded() {
    let d = Dir::project();
    let sheet = d.read("coding/amira.csv");
    // amira's line 5 codes "Funding is short." in S2; white space and quote style aside, the
    // same passage again is a duplicate row.
    let out = d.run(&["code", "S2", "Funding  is short.", "trust", "--coder", "amira"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(
        out.stderr,
        "error: coding/amira.csv:5 already codes this passage of S2 (codes: funding); nothing was written (add the codes to that row instead)\n"
    );
    assert_eq!(d.read("coding/amira.csv"), sheet);
    // Another coder may code the same passage.
    d.run(&["code", "S2", "Funding is short.", "funding", "--coder", "ben"])
        .ok();
}
