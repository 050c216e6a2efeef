//! `thematic autocode` on the hand-counted fixture with three rules, worked out by hand:
//! `shared-values` (search: "share values" OR ethos), `trust` (search: trust AND NOT low) and
//! `communication` (regex: \bCommunicat\w+). Suggestions, precision and recall at each unit,
//! idempotence, atomicity, and that no other sheet is ever touched.

use crate::util::*;

const CODEBOOK: &str = "# Relationships\nAbout relationships.\n\n## Values\nWhat people value.\n\n- `shared-values` — values that fit.\n  - polarity: positive\n  - search: \"share values\" OR ethos\n- `trust` — trust between partners.\n  - search: trust AND NOT low\n\n## Talk\n- `communication` — keeping in touch.\n  - regex: \\bCommunicat\\w+\n\n# Resources\n- `funding` — money.\n  - polarity: negative\n";

fn fixture() -> Dir {
    let d = Dir::project();
    d.write("codebook.md", CODEBOOK);
    d
}

const HEADER: &str = "document,quote,codes,memo,occurrence,rule\n";

#[test]
fn suggestions_at_the_sentence_unit_are_quote_rows_in_their_own_sheet() {
    let d = fixture();
    let out = d.run(&["autocode", "--format", "csv"]).ok();
    assert_eq!(
        d.read("coding/autocode.csv"),
        format!(
            "{HEADER}\
S1,We share values.,shared-values,,,\"shared-values: search: \"\"share values\"\" OR ethos\"\n\
S1,Communication is good.,communication,,,communication: regex: \\bCommunicat\\w+\n\
S1,Trust takes time.,trust,,,trust: search: trust AND NOT low\n\
S2,We share values too.,shared-values,,,\"shared-values: search: \"\"share values\"\" OR ethos\"\n\
U1,Trust takes time.,trust,,,trust: search: trust AND NOT low\n\
focus,We share values with them.,shared-values,,,\"shared-values: search: \"\"share values\"\" OR ethos\"\n"
        )
    );
    assert_eq!(out.stderr, "wrote 6 rows of suggestions to coding/autocode.csv\n");
    // Precision and recall against amira's and ben's coding, worked by hand (see the module).
    assert_eq!(
        out.stdout,
        "code,rule,unit,suggested,human,agreed,precision,recall\n\
shared-values,\"search: \"\"share values\"\" OR ethos\",sentences,3,3,3,1,1\n\
trust,search: trust AND NOT low,sentences,2,4,2,1,0.5\n\
communication,regex: \\bCommunicat\\w+,sentences,1,2,1,1,0.5\n"
    );
    // The sheet checks clean and its rows anchor.
    let check = d.run(&["check"]);
    assert_eq!(check.code, 0, "{check:#?}");
    assert!(
        check.stdout.contains("for agreement only: autocode"),
        "{check:#?}"
    );
}

#[test]
fn turn_and_match_units() {
    let d = fixture();
    let out = d
        .run(&["autocode", "--unit", "turn", "--dry-run", "--format", "csv"])
        .ok();
    assert_eq!(
        out.stdout,
        "code,rule,unit,suggested,human,agreed,precision,recall\n\
shared-values,\"search: \"\"share values\"\" OR ethos\",turns,3,3,3,1,1\n\
trust,search: trust AND NOT low,turns,2,4,2,1,0.5\n\
communication,regex: \\bCommunicat\\w+,turns,1,2,1,1,0.5\n"
    );
    assert!(
        !d.join("coding/autocode.csv").exists(),
        "--dry-run writes nothing"
    );
    d.run(&["autocode", "--unit", "match", "--codes", "shared-values"])
        .ok();
    assert_eq!(
        d.read("coding/autocode.csv"),
        format!(
            "{HEADER}\
S1,share values,shared-values,,,\"shared-values: search: \"\"share values\"\" OR ethos\"\n\
S2,share values,shared-values,,,\"shared-values: search: \"\"share values\"\" OR ethos\"\n\
focus,share values,shared-values,,,\"shared-values: search: \"\"share values\"\" OR ethos\"\n"
        )
    );
}

#[test]
fn an_ad_hoc_query_is_scored_like_a_rule() {
    let d = fixture();
    let out = d
        .run(&[
            "autocode",
            "--query",
            "funding",
            "--code",
            "funding",
            "--dry-run",
            "--format",
            "csv",
        ])
        .ok();
    // "Funding is short." (S2) and "Funding is short, and trust is low." (focus): both coded
    // funding by amira.
    assert_eq!(
        out.stdout,
        "code,rule,unit,suggested,human,agreed,precision,recall\nfunding,query: funding,sentences,2,2,2,1,1\n"
    );
}

#[test]
fn rerunning_replaces_only_the_rows_of_the_codes_it_ran() {
    let d = fixture();
    d.run(&["autocode"]).ok();
    let first = d.read("coding/autocode.csv");
    d.run(&["autocode"]).ok();
    assert_eq!(
        d.read("coding/autocode.csv"),
        first,
        "the same run gives the same bytes"
    );
    // A row the analyst added by hand for a code whose rule does not run stays as it is.
    let by_hand = "S2,Funding is short.,funding,my note,,\n";
    d.write("coding/autocode.csv", format!("{first}{by_hand}"));
    d.write("codebook.md", CODEBOOK.replace("trust AND NOT low", "trust"));
    d.run(&["autocode", "--codes", "trust"]).ok();
    let after = d.read("coding/autocode.csv");
    assert!(after.contains(by_hand), "{after}");
    assert!(
        after.contains("focus,\"Funding is short, and trust is low.\",trust,,,trust: search: trust\n"),
        "{after}"
    );
    // shared-values and communication rows are untouched.
    for line in first.lines().filter(|l| !l.contains(",trust,")) {
        assert!(after.contains(line), "{line} was lost:\n{after}");
    }
}

#[test]
fn autocode_never_touches_another_sheet_nor_the_findings() {
    let d = fixture();
    let stats = |d: &Dir| {
        d.run(&["stats", "--by", "participant", "--format", "csv"])
            .ok()
            .stdout
    };
    let before_stats = stats(&d);
    let amira = d.read("coding/amira.csv");
    let ben = d.read("coding/ben.csv");
    d.run(&["autocode"]).ok();
    assert_eq!(
        (d.read("coding/amira.csv"), d.read("coding/ben.csv")),
        (amira.clone(), ben)
    );
    assert_eq!(stats(&d), before_stats, "suggestions are not findings");
    // Refused: a coder's own sheet.
    let files = d.files();
    let out = d.run(&["autocode", "--coder", "amira"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("coding/amira.csv is a coder's sheet, not one autocode wrote"),
        "{out:#?}"
    );
    assert_eq!(d.files(), files);
    assert_eq!(d.read("coding/amira.csv"), amira);
    // Named in [coding] analysis, the suggestions count.
    d.write(
        "thematic.toml",
        format!("{FIXTURE_TOML}\n[coding]\nanalysis = [\"amira\", \"autocode\"]\n"),
    );
    assert_ne!(stats(&d), before_stats);
}

#[test]
fn a_broken_suggestion_sheet_is_not_rewritten() {
    let d = fixture();
    d.run(&["autocode"]).ok();
    let broken = format!("{}S1,\"unclosed\n", d.read("coding/autocode.csv"));
    d.write("coding/autocode.csv", &broken);
    let files = d.files();
    let out = d.run(&["autocode"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr
            .contains("coding/autocode.csv has problems to fix first, nothing was written"),
        "{out:#?}"
    );
    assert_eq!(d.read("coding/autocode.csv"), broken);
    assert_eq!(d.files(), files, "nothing written, no temporary file left behind");
}

#[test]
fn an_invalid_rule_is_a_check_error_with_its_line() {
    let d = fixture();
    d.write("codebook.md", CODEBOOK.replace("trust AND NOT low", "(trust OR"));
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    assert!(
        out.problems().contains(
            &"error: codebook.md:11: invalid `search:` for `trust`: the query ends where a word was expected"
        ),
        "{out:#?}"
    );
    let out = d.run(&["autocode", "--codes", "communication", "--dry-run"]);
    assert_eq!(out.code, 0, "the other rules still run: {out:#?}");
    let out = d.run(&["autocode", "--codes", "funding"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no code of --codes has a `search:` or `regex:` rule"),
        "{out:#?}"
    );
}
