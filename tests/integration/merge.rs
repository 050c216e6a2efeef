//! `thematic merge-sheet` as git's merge driver: two branches of a repository made in the
//! test change the same sheet, and `git merge` joins them. Every expected sheet is worked out by
//! hand from the rules: rows added on both sides are kept, a row removed on one side and
//! untouched on the other is removed, only a field changed differently on both sides is a
//! conflict, and rows the merge does not change keep their bytes.

use crate::gitrepo::{commit_all, git, init_repo};
use crate::util::{Dir, Output};

const HEADER: &str = "document,quote,codes,memo\n";
const R1: &str = "S1,We share values.,shared-values,\n";
const R2: &str = "S1,Communication is good.,communication;trust,\n";
const R3: &str = "S1,Trust takes time.,trust,\n";
const R4: &str = "S2,Funding is short.,funding,\n";

/// Commits `base` as `file`, then `theirs` on branch `theirs` and `ours` on `main`, and merges
/// `theirs` into `main`.
fn scenario(file: &str, base: &str, ours: &str, theirs: &str) -> (Dir, Output) {
    let d = Dir::project();
    d.write(file, base);
    init_repo(&d);
    git(d.path(), &["checkout", "-q", "-b", "theirs"]).ok();
    d.write(file, theirs);
    commit_all(&d, "theirs");
    git(d.path(), &["checkout", "-q", "main"]).ok();
    d.write(file, ours);
    commit_all(&d, "ours");
    let out = git(d.path(), &["merge", "--no-edit", "theirs"]);
    (d, out)
}

fn base() -> String {
    [HEADER, R1, R2, R3, R4].concat()
}

#[track_caller]
fn clean(d: &Dir, out: &Output) {
    assert_eq!(out.code, 0, "the merge should be clean: {out:#?}");
    let check = d.run(&["check"]);
    assert_eq!(check.code, 0, "{check:#?}");
}

#[test]
fn rows_added_on_both_sides_are_both_kept() {
    let ours_row = "S2,We share values too.,shared-values,\n";
    let theirs_row = "focus,We share values with them.,shared-values,\n";
    let (d, out) = scenario(
        "coding/amira.csv",
        &base(),
        &[base().as_str(), ours_row].concat(),
        &[base().as_str(), theirs_row].concat(),
    );
    clean(&d, &out);
    assert_eq!(
        d.read("coding/amira.csv"),
        [base().as_str(), ours_row, theirs_row].concat()
    );
}

#[test]
fn a_row_removed_on_one_side_and_untouched_on_the_other_is_removed() {
    let theirs_row = "focus,We share values with them.,shared-values,\n";
    let (d, out) = scenario(
        "coding/amira.csv",
        &base(),
        &[HEADER, R1, R2, R4].concat(),
        &[base().as_str(), theirs_row].concat(),
    );
    clean(&d, &out);
    assert_eq!(
        d.read("coding/amira.csv"),
        [HEADER, R1, R2, R4, theirs_row].concat()
    );
}

#[test]
fn a_field_changed_differently_on_both_sides_is_a_conflict_check_reports() {
    let (d, out) = scenario(
        "coding/amira.csv",
        &base(),
        &[HEADER, R1, "S1,Communication is good.,communication,\n", R3, R4].concat(),
        &[
            HEADER,
            R1,
            "S1,Communication is good.,communication;trust;shared-values,\n",
            R3,
            R4,
        ]
        .concat(),
    );
    assert_ne!(out.code, 0, "git reports the conflict: {out:#?}");
    assert!(out.stdout.contains("CONFLICT"), "{out:#?}");
    assert_eq!(
        d.read("coding/amira.csv"),
        [
            HEADER,
            R1,
            "<<<<<<< ours\nS1,Communication is good.,communication,\n=======\nS1,Communication is good.,communication;trust;shared-values,\n>>>>>>> theirs\n",
            R3,
            R4
        ]
        .concat()
    );
    let check = d.run(&["check"]);
    assert_eq!(check.code, 1, "{check:#?}");
    assert!(
        check
            .stdout
            .contains("error: coding/amira.csv:3: merge conflict (lines 3-7)"),
        "{}",
        check.stdout
    );
}

#[test]
fn different_fields_changed_on_both_sides_merge() {
    let (d, out) = scenario(
        "coding/amira.csv",
        &base(),
        &[HEADER, R1, "S1,Communication is good.,communication,\n", R3, R4].concat(),
        &[
            HEADER,
            R1,
            "S1,Communication is good.,communication;trust,\"weekly, by phone\"\n",
            R3,
            R4,
        ]
        .concat(),
    );
    clean(&d, &out);
    assert_eq!(
        d.read("coding/amira.csv"),
        [
            HEADER,
            R1,
            "S1,Communication is good.,communication,\"weekly, by phone\"\n",
            R3,
            R4
        ]
        .concat()
    );
}

#[test]
fn a_changed_row_removed_on_the_other_side_is_a_conflict() {
    let (d, out) = scenario(
        "coding/amira.csv",
        &base(),
        &[HEADER, R1, R3, R4].concat(),
        &[HEADER, R1, "S1,Communication is good.,communication,\n", R3, R4].concat(),
    );
    assert_ne!(out.code, 0, "{out:#?}");
    assert_eq!(
        d.read("coding/amira.csv"),
        [
            HEADER,
            R1,
            "<<<<<<< ours: removed\n=======\nS1,Communication is good.,communication,\n>>>>>>> theirs\n",
            R3,
            R4
        ]
        .concat()
    );
    assert!(d
        .run(&["check"])
        .stdout
        .contains("coding/amira.csv:3: merge conflict"));
}

#[test]
fn rows_reordered_on_one_side_are_not_changes() {
    // Theirs sorted the sheet and recoded one row; ours added a row: ours' order, theirs' code.
    let added = "S2,We share values too.,shared-values,\n";
    let (d, out) = scenario(
        "coding/amira.csv",
        &base(),
        &[base().as_str(), added].concat(),
        &[HEADER, R4, "S1,Trust takes time.,trust;communication,\n", R2, R1].concat(),
    );
    clean(&d, &out);
    assert_eq!(
        d.read("coding/amira.csv"),
        [
            HEADER,
            R1,
            R2,
            "S1,Trust takes time.,trust;communication,\n",
            R4,
            added
        ]
        .concat()
    );
}

#[test]
fn crlf_sheets_and_quoted_line_breaks_keep_their_bytes() {
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let memo_row = "S1,We share values.,shared-values,\"said twice,\r\nonce in the hall\"\r\n";
    let base = [crlf(HEADER), memo_row.to_string(), crlf(R2), crlf(R3)].concat();
    let ours_row = "S2,Funding is short.,funding,\"a long\r\nmemo\"\r\n";
    let theirs_row = "focus,\"Funding is short, and trust is low.\",funding;trust,\r\n";
    let (d, out) = scenario(
        "coding/amira.csv",
        &base,
        &[base.as_str(), ours_row].concat(),
        &[base.as_str(), theirs_row].concat(),
    );
    clean(&d, &out);
    let merged = std::fs::read(d.join("coding/amira.csv")).unwrap();
    assert_eq!(
        String::from_utf8(merged).unwrap(),
        [base.as_str(), ours_row, theirs_row].concat()
    );
}

#[test]
fn a_theirs_row_in_another_line_end_is_written_in_ours() {
    // One coder's spreadsheet saved the sheet with CRLF: the merged sheet keeps ours' LF.
    let d = Dir::empty();
    let ours_row = "S2,We share values too.,shared-values,\n";
    let theirs_row = "focus,\"We share values\r\nwith them.\",shared-values,\r\n";
    d.write("o.csv", base());
    d.write("a.csv", [base().as_str(), ours_row].concat());
    d.write(
        "b.csv",
        [base().replace('\n', "\r\n").as_str(), theirs_row].concat(),
    );
    crate::util::run_in(d.path(), &["merge-sheet", "o.csv", "a.csv", "b.csv"]).ok();
    assert_eq!(
        d.read("a.csv"),
        [
            base().as_str(),
            ours_row,
            "focus,\"We share values\r\nwith them.\",shared-values,\n"
        ]
        .concat()
    );
}

#[test]
fn participants_merge_by_id() {
    let base = "id,group,label,aliases,site\nS1,staff,Staff 1,,north\nS2,staff,Staff 2,,south\nP1,partner,Partner 1,Jo Bloggs,north\nP2,partner,Partner 2,,south\nU1,service_user,Service user 1,,north\n";
    let ours = base.replace("S2,staff,Staff 2,,south", "S2,staff,Staff 2,,east");
    let theirs = format!(
        "{}U2,service_user,Service user 2,,south\n",
        base.replace("P2,partner,Partner 2,,", "P2,partner,Partner 2,Sam,")
    );
    let (d, out) = scenario("participants.csv", base, &ours, &theirs);
    clean(&d, &out);
    assert_eq!(
        d.read("participants.csv"),
        "id,group,label,aliases,site\nS1,staff,Staff 1,,north\nS2,staff,Staff 2,,east\nP1,partner,Partner 1,Jo Bloggs,north\nP2,partner,Partner 2,Sam,south\nU1,service_user,Service user 1,,north\nU2,service_user,Service user 2,,south\n"
    );
}

#[test]
fn a_column_added_on_one_side_is_kept() {
    let (d, out) = scenario(
        "coding/amira.csv",
        &base(),
        &[base().as_str(), "S2,We share values too.,shared-values,\n"].concat(),
        &[
            "document,quote,codes,memo,exemplar\n",
            "S1,We share values.,shared-values,,yes\n",
            &R2.replace('\n', ",\n"),
            &R3.replace('\n', ",\n"),
            &R4.replace('\n', ",\n"),
        ]
        .concat(),
    );
    clean(&d, &out);
    assert_eq!(
        d.read("coding/amira.csv"),
        "document,quote,codes,memo,exemplar\nS1,We share values.,shared-values,,yes\nS1,Communication is good.,communication;trust,,\nS1,Trust takes time.,trust,,\nS2,Funding is short.,funding,,\nS2,We share values too.,shared-values,,\n"
    );
}

#[test]
fn the_driver_on_files_it_cannot_read_as_tables_merges_lines() {
    // Row 2 has one field: not a table; git's line merge joins the two changes.
    let d = Dir::empty();
    d.write("o.csv", "id,x\n1\n2,b\n3,c\n4,d\n");
    d.write("a.csv", "id,x\n1\n2,b\n3,c\n4,D\n");
    d.write("b.csv", "id,x\n1\n2,B\n3,c\n4,d\n");
    let out = crate::util::run_in(d.path(), &["merge-sheet", "o.csv", "a.csv", "b.csv", "x.csv"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stderr.contains("merged line by line instead"), "{out:#?}");
    assert_eq!(d.read("a.csv"), "id,x\n1\n2,B\n3,c\n4,D\n");
}
