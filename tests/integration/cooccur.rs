//! `cooccur` on the fixture, its counts and coefficients worked out here by hand.
//!
//! The findings rest on both sheets (no `[coding] analysis`). Distinct passages (codes):
//!   S1 "We share values." {shared-values}; "Communication is good." {communication, trust};
//!      "Trust takes time." {trust} by amira and {trust, communication} by ben: one passage,
//!      {trust, communication}. The first two are in turn 1 (R), the third in turn 3 (R).
//!   S2 "Funding is short." {funding}; "We share values too." {shared-values}: one turn.
//!   focus "We share values with them." {shared-values} (Jo Bloggs's turn);
//!      "Funding is short, and trust is low." {funding, trust} (Partner 2's turn).
//!   U1 "Trust takes time." {trust}; "Staff were kind." {kindness}: one turn (two cues of one
//!      speaker).
//! No passages overlap, so passage units are the passages:
//!   shared-values 3, trust 4, communication 2, funding 2, kindness 1;
//!   trust & communication 2 (S1 ×2): c = 2 / (4 + 2 − 2) = 0.5;
//!   trust & funding 1 (focus): c = 1 / (4 + 2 − 1) = 0.2; every other pair 0.

use crate::util::Dir;

fn row(out: &str, a: &str, b: &str) -> String {
    let prefix = format!(",{a},{b},");
    out.lines()
        .find(|l| l.contains(&prefix))
        .unwrap_or_else(|| panic!("no row {a},{b} in\n{out}"))
        .to_string()
}

#[test]
fn passage_units_by_hand() {
    let out = Dir::project().run(&["cooccur", "--format", "csv"]).ok().stdout;
    assert_eq!(out.lines().next(), Some("level,unit,a,b,n_a,n_b,n_ab,c"));
    // Five codes: every one of the 10 pairs is a record.
    assert_eq!(out.lines().count(), 11);
    assert_eq!(
        row(&out, "trust", "communication"),
        "code,passage,trust,communication,4,2,2,0.5"
    );
    assert_eq!(
        row(&out, "trust", "funding"),
        "code,passage,trust,funding,4,2,1,0.2"
    );
    assert_eq!(
        row(&out, "shared-values", "trust"),
        "code,passage,shared-values,trust,3,4,0,0"
    );
    assert_eq!(
        row(&out, "trust", "kindness"),
        "code,passage,trust,kindness,4,1,0,0"
    );
}

#[test]
fn turn_units_by_hand() {
    // Turns: S1 t1 {shared-values, communication, trust}, S1 t3 {trust, communication},
    // S2 {funding, shared-values}, focus Jo {shared-values}, focus Partner 2 {funding, trust},
    // U1 {trust, kindness}.
    let out = Dir::project()
        .run(&["cooccur", "--unit", "turn", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(
        row(&out, "shared-values", "trust"),
        "code,turn,shared-values,trust,3,4,1,0.166667"
    );
    assert_eq!(
        row(&out, "shared-values", "funding"),
        "code,turn,shared-values,funding,3,2,1,0.25"
    );
    assert_eq!(
        row(&out, "trust", "communication"),
        "code,turn,trust,communication,4,2,2,0.5"
    );
    assert_eq!(
        row(&out, "trust", "kindness"),
        "code,turn,trust,kindness,4,1,1,0.25"
    );
    assert_eq!(
        row(&out, "communication", "funding"),
        "code,turn,communication,funding,2,2,0,0"
    );
}

#[test]
fn document_units_and_themes_by_hand() {
    let d = Dir::project();
    // CSV and the table round to 6 decimals, as everywhere.
    // Documents: S1 {shared-values, communication, trust}, S2 {funding, shared-values},
    // focus {shared-values, funding, trust}, U1 {trust, kindness}.
    let out = d
        .run(&["cooccur", "--unit", "document", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(
        row(&out, "shared-values", "trust"),
        "code,document,shared-values,trust,3,3,2,0.5"
    );
    assert_eq!(
        row(&out, "shared-values", "funding"),
        "code,document,shared-values,funding,3,2,2,0.666667"
    );
    assert_eq!(
        row(&out, "trust", "funding"),
        "code,document,trust,funding,3,2,1,0.25"
    );
    // Themes: Relationships in all 4 documents, Resources in S2 and focus, (unsorted) in U1.
    let out = d
        .run(&[
            "cooccur", "--level", "theme", "--unit", "document", "--format", "csv",
        ])
        .ok()
        .stdout;
    assert_eq!(
        out,
        "level,unit,a,b,n_a,n_b,n_ab,c\n\
         theme,document,Relationships,Resources,4,2,2,0.5\n\
         theme,document,Relationships,(unsorted),4,1,1,0.25\n\
         theme,document,Resources,(unsorted),2,1,0,0\n"
    );
}

#[test]
fn overlapping_passages_co_occur_without_bridging() {
    let d = Dir::project();
    // ben codes "values. Communication" as funding: it overlaps amira's "We share values."
    // {shared-values} and "Communication is good." {communication, trust}, joining them into
    // one unit. funding co-occurs with all three there; shared-values and communication only
    // sit in the same unit through ben's passage, so they do not co-occur.
    // Units now: funding 3 (S1, S2, focus); shared-values 3; communication 2; trust 4.
    d.write(
        "coding/ben.csv",
        "document,quote,codes,memo\nS1,We share values.,shared-values,\nS1,Trust takes time.,trust;communication,\nS1,values. Communication,funding,\n",
    );
    let out = d.run(&["cooccur", "--format", "csv"]).ok().stdout;
    assert_eq!(
        row(&out, "shared-values", "funding"),
        "code,passage,shared-values,funding,3,3,1,0.2"
    );
    assert_eq!(
        row(&out, "communication", "funding"),
        "code,passage,communication,funding,2,3,1,0.25"
    );
    assert_eq!(
        row(&out, "trust", "funding"),
        "code,passage,trust,funding,4,3,2,0.4"
    );
    assert_eq!(
        row(&out, "shared-values", "communication"),
        "code,passage,shared-values,communication,3,2,0,0"
    );
}

#[test]
fn only_the_findings_coders_count() {
    // Without ben, S1 "Trust takes time." is {trust} only: trust & communication 1 of 4 + 1.
    let out = Dir::project()
        .run(&["cooccur", "--coders", "amira", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(
        row(&out, "trust", "communication"),
        "code,passage,trust,communication,4,1,1,0.25"
    );
}

#[test]
fn undefined_coefficients_are_empty_and_null() {
    let d = Dir::project();
    let codebook = d.read("codebook.md") + "- `unused-a` — never coded.\n- `unused-b` — never coded.\n";
    d.write("codebook.md", codebook);
    let csv = d.run(&["cooccur", "--format", "csv"]).ok().stdout;
    assert_eq!(
        row(&csv, "unused-a", "unused-b"),
        "code,passage,unused-a,unused-b,0,0,0,"
    );
    assert_eq!(
        row(&csv, "funding", "unused-a"),
        "code,passage,funding,unused-a,2,0,0,0"
    );
    let json = d.run(&["cooccur", "--format", "json"]).ok().stdout;
    assert!(
        json.contains(r#"{"level": "code", "unit": "passage", "a": "unused-a", "b": "unused-b", "n_a": 0, "n_b": 0, "n_ab": 0, "c": null}"#),
        "{json}"
    );
    assert!(json.contains(r#""a": "trust", "b": "communication", "n_a": 4, "n_b": 2, "n_ab": 2, "c": 0.5}"#));
}

#[test]
fn table_lists_pairs_that_co_occur_with_the_note() {
    let out = Dir::project().run(&["cooccur"]).ok().stdout;
    assert_eq!(
        out,
        "level  unit     a      b              n_a  n_b  n_ab    c\n\
         -----  -------  -----  -------------  ---  ---  ----  ---\n\
         code   passage  trust  communication    4    2     2  0.5\n\
         code   passage  trust  funding          4    2     1  0.2\n\
         \n\
         note: 8 pairs never co-occur (--format csv lists every pair). Units: passage; c = n_ab / (n_a + n_b - n_ab). `thematic extracts --all-of A,B` shows the passages behind a cell.\n"
    );
    let md = Dir::project().run(&["cooccur", "--format", "md"]).ok().stdout;
    assert!(md.starts_with("| level | unit | a | b | n_a | n_b | n_ab | c |\n"));
    assert!(md.contains("| code | passage | trust | funding | 4 | 2 | 1 | 0.2 |\n"));
}

#[test]
fn heat_map_prints_every_value_the_same_way_twice() {
    let d = Dir::project();
    let svg = d.run(&["cooccur", "--format", "svg"]).ok().stdout;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // Five codes in units: 10 cells below the diagonal, each printing c and n_ab.
    assert_eq!(svg.matches("<rect").count() - 1 - 10 - 5, 10, "{svg}");
    assert!(svg.contains(">0.50 (2)</text>"));
    assert!(svg.contains(">0.20 (1)</text>"));
    assert!(svg.contains(">0.00 (0)</text>"));
    assert!(svg.contains(">n=4</text>"));
    assert!(svg.contains("extracts --all-of A,B"));
    assert_eq!(svg, d.run(&["cooccur", "--format", "svg"]).ok().stdout);
}

#[test]
fn a_wrong_level_is_a_usage_error() {
    let out = Dir::project().run(&["cooccur", "--level", "subtheme"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("invalid value 'subtheme'"), "{}", out.stderr);
}
