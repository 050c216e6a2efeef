//! `thematic matrix` on the hand-counted fixture: groups × themes (counted by hand from
//! FIXTURE_AMIRA and FIXTURE_BEN in util.rs; the same passage coded by both counts once),
//! extracts in the cells, summaries checked against the rows and columns, and the workbook.

use crate::util::*;
use calamine::Reader;

#[test]
fn cells_count_passages_and_people_per_case_and_theme() {
    let d = Dir::project();
    let out = d.run(&["matrix", "--rows", "group", "--format", "csv"]).ok();
    assert_eq!(
        out.stdout,
        "row,column,level,references,participants,summary\n\
staff,Relationships,theme,4,2,\nstaff,Resources,theme,1,1,\nstaff,(unsorted),theme,0,0,\n\
partner,Relationships,theme,2,2,\npartner,Resources,theme,1,1,\npartner,(unsorted),theme,0,0,\n\
service_user,Relationships,theme,1,1,\nservice_user,Resources,theme,0,0,\nservice_user,(unsorted),theme,1,1,\n"
    );
    let table = d.run(&["matrix", "--rows", "group"]).ok().stdout;
    assert!(
        table.contains("Staff ") && table.contains("4 (2 people)") && table.contains("1 (1 person)"),
        "{table}"
    );
}

#[test]
fn cells_hold_the_extracts_with_who_said_them() {
    let d = Dir::project();
    let out = d
        .run(&[
            "matrix",
            "--rows",
            "participant",
            "--cols",
            "code",
            "--cell",
            "extracts",
            "--format",
            "csv",
        ])
        .ok();
    assert!(
        out.stdout
            .contains("S1,trust,code,S1,2,S1,Staff 1,Communication is good.\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("P2,funding,code,focus,3,P2,Partner 2,\"Funding is short, and trust is low.\"\n"),
        "{}",
        out.stdout
    );
    // S1's "Trust takes time." is coded by amira and ben: one extract.
    assert_eq!(
        out.stdout.matches("S1,trust,code,S1,5,").count(),
        1,
        "{}",
        out.stdout
    );
    let md = d
        .run(&[
            "matrix",
            "--rows",
            "participant",
            "--cols",
            "code",
            "--cell",
            "extracts",
            "--format",
            "md",
        ])
        .ok()
        .stdout;
    assert!(md.contains("Trust takes time. (Staff 1)"), "{md}");
}

#[test]
fn summaries_fill_the_cells_and_unknown_rows_are_errors() {
    let d = Dir::project();
    d.write(
        "summaries.csv",
        "row,column,summary\nstaff,Relationships,Values shared; trust slow to build.\n",
    );
    let out = d
        .run(&[
            "matrix", "--rows", "group", "--cell", "summary", "--format", "csv",
        ])
        .ok();
    assert!(
        out.stdout
            .contains("staff,Relationships,theme,4,2,Values shared; trust slow to build.\n"),
        "{}",
        out.stdout
    );
    d.write("summaries.csv", "row,column,summary\nstaf,Relationships,x\n");
    let out = d.run(&["matrix", "--rows", "group"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("summaries.csv:2: `staf` is no row of this matrix")
            && out.stderr.contains("did you mean `staff`?"),
        "{out:#?}"
    );
}

#[test]
fn the_workbook_has_a_worksheet_per_theme() {
    let d = Dir::project();
    let out = d
        .run(&[
            "matrix",
            "--rows",
            "participant",
            "--cols",
            "code",
            "--cell",
            "extracts",
            "--format",
            "xlsx",
            "--out",
            "m.xlsx",
        ])
        .ok();
    assert!(out.stdout.starts_with("wrote "), "{out:#?}");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(d.join("m.xlsx")).expect("an xlsx that opens");
    assert_eq!(book.sheet_names(), ["Relationships", "Resources", "(no theme)"]);
    let range = book.worksheet_range("Relationships").unwrap();
    assert_eq!(
        range.get_value((0, 1)).map(|v| v.to_string()),
        Some("shared-values".into())
    );
    assert_eq!(range.get_value((1, 0)).map(|v| v.to_string()), Some("S1".into()));
    assert_eq!(
        range.get_value((1, 1)).map(|v| v.to_string()),
        Some("We share values. (Staff 1)".into())
    );
    let out = d.run(&["matrix", "--format", "xlsx"]);
    assert_eq!(out.code, 2);
    // The same bytes every run (a fixed creation date, not the clock).
    let first = std::fs::read(d.join("m.xlsx")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    d.run(&[
        "matrix",
        "--rows",
        "participant",
        "--cols",
        "code",
        "--cell",
        "extracts",
        "--format",
        "xlsx",
        "--out",
        "m.xlsx",
    ])
    .ok();
    assert_eq!(std::fs::read(d.join("m.xlsx")).unwrap(), first);
}

#[test]
fn the_html_matrix_is_one_page_whose_cells_are_text() {
    let d = Dir::project();
    d.write(
        "summaries.csv",
        "row,column,summary\nS1,shared-values,\"Values fit; [Verify your account](https://evil.example) <script>alert(1)</script>\"\n",
    );
    let page = d
        .run(&[
            "matrix",
            "--rows",
            "participant",
            "--cols",
            "code",
            "--cell",
            "summary",
            "--format",
            "html",
        ])
        .ok()
        .stdout;
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("<table>") && page.contains("Values fit;"), "{page}");
    assert!(
        !page.contains("href=\"http") && !page.contains("<script>"),
        "{page}"
    );
    assert!(
        page.contains("[Verify your account](https://evil.example)"),
        "{page}"
    );
}
