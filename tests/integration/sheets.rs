//! Coding sheets as they come from the field: saved by Excel (Windows-1252, `;`-delimited,
//! `.xlsx`), typed with `…` or in NFD, with a passage coded twice, or malformed.

use crate::util::{Dir, FIXTURE_AMIRA};

/// The fixture's summary line with `segments` coded segments and the given problem counts.
fn summary(segments: usize, errors: usize, warnings: usize) -> String {
    format!(
        "5 participants, 4 documents, 5 codes (1 unsorted), 2 coders, {segments} coded segments: {errors} error{}, {warnings} warning{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    )
}

fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or("")
}

/// The fixture's unsorted-code warning, which every check of it prints.
const KINDNESS: &str =
    "warning: coding/amira.csv:10: code `kindness` is not in the codebook: listed as unsorted";

/// Text as Windows-1252 bytes, as Excel saves "CSV (Comma delimited)" on Windows.
fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!bad);
    bytes.into_owned()
}

/// A cell of a test workbook.
enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    Empty,
}
use Cell::{Empty, Number, Text};

/// An .xlsx workbook whose first worksheet holds `rows` from A1.
fn xlsx(rows: &[&[Cell]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Text(s) => sheet.write_string(r, c, *s).map(|_| ()),
                Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                Empty => Ok(()),
            }
            .unwrap();
        }
    }
    book.add_worksheet()
        .write_string(0, 0, "a second worksheet is not read")
        .unwrap();
    book.save_to_buffer().unwrap()
}

/// Every file of the folder with its bytes, to show that nothing changed.
fn snapshot(d: &Dir) -> Vec<(String, Vec<u8>)> {
    d.files()
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(d.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn excel_windows_1252_sheet_is_read_with_a_warning() {
    let d = Dir::project();
    d.write(
        "transcripts/S1.txt",
        "Interviewer: What works?\nR: We share values. Communication is good. It\u{2019}s a caf\u{e9} culture.\n\nInterviewer: And trust?\nR: Trust takes time.\n",
    );
    let sheet = FIXTURE_AMIRA.replace('\n', "\r\n")
        + "S1,It\u{2019}s a caf\u{e9} culture.,shared-values,\u{a3}5 memo\r\n";
    d.write("coding/amira.csv", windows_1252(&sheet));
    let out = d.run(&["check"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.problems(),
        [
            "warning: coding/amira.csv: not UTF-8: read as Windows-1252 (save it as UTF-8 to be sure)",
            KINDNESS,
        ]
    );
    assert_eq!(last_line(&out.stdout), summary(12, 0, 2));
}

#[test]
fn utf16_sheet_with_a_byte_order_mark_is_read() {
    // Excel's "Unicode Text": UTF-16 with a BOM, tab-delimited.
    let d = Dir::project();
    let text = FIXTURE_AMIRA.replace(',', "\t").replace(
        "\"Funding is short\t and trust is low.\"",
        "Funding is short, and trust is low.",
    );
    let bytes: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    d.write("coding/amira.csv", bytes);
    let out = d.run(&["check"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.problems(),
        [
            "warning: coding/amira.csv:1: read as tab-delimited (the header has no commas), as some spreadsheets save CSV",
            KINDNESS,
        ]
    );
    assert_eq!(last_line(&out.stdout), summary(11, 0, 2));
}

#[test]
fn semicolon_delimited_sheet_is_detected() {
    let d = Dir::project();
    // European Excel: `;` between fields, so a field with `;` (several codes) is quoted.
    let sheet = "document;quote;codes;memo\r\nS1;We share values.;shared-values;\r\nS1;Communication is good.;\"communication;trust\";\r\nS1;Trust takes time.;trust;\r\nS2;Funding is short.;funding;\r\nS2;We share values too.;shared-values;\r\nfocus;We share values with them.;shared-values;\r\nfocus;Funding is short, and trust is low.;\"funding; trust\";\"a memo, with a comma\"\r\nU1;Trust takes time.;trust;\r\nU1;Staff were kind.;kindness;\r\n";
    d.write("coding/amira.csv", sheet);
    let out = d.run(&["check"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.problems(),
        [
            "warning: coding/amira.csv:1: read as `;`-delimited (the header has no commas), as some spreadsheets save CSV",
            KINDNESS,
        ]
    );
    assert_eq!(last_line(&out.stdout), summary(11, 0, 2));

    // A header that is `;`-delimited but misspelt says what it found, column by column.
    d.write(
        "coding/ben.csv",
        "document;quote;code\nS1;We share values.;trust\n",
    );
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    assert!(
        out.problems()
            .contains(&"error: coding/ben.csv:1: header lacks column `codes` (found: document,quote,code)"),
        "{out:#?}"
    );
}

#[test]
fn rewriting_a_sheet_keeps_its_delimiter_encoding_and_line_ends() {
    let d = Dir::project();
    let original = windows_1252(
        "document;quote;codes;memo\r\nS1;We share values.;shared-values;caf\u{e9}\r\nS1;Trust takes time.;\"trust;communication\";\r\n",
    );
    d.write("coding/ben.csv", &original);
    let out = d
        .run(&[
            "code",
            "S1",
            "Communication is good.",
            "communication",
            "--coder",
            "ben",
            "--memo",
            "na\u{ef}ve",
        ])
        .ok();
    assert_eq!(
        out.stdout,
        "coding/ben.csv:4: coded S1 45..67 (R) with communication: \"Communication is good.\"\n"
    );
    let mut expected = original.clone();
    expected.extend(windows_1252(
        "S1;Communication is good.;communication;na\u{ef}ve\r\n",
    ));
    assert_eq!(std::fs::read(d.join("coding/ben.csv")).unwrap(), expected);

    // Renaming rewrites only the rows with the code, in the sheet's own form; the csv writer
    // quotes a field with the delimiter in it.
    d.run(&["codebook", "rename", "communication", "keeping-in-touch"])
        .ok();
    let untouched = original.len() - "S1;Trust takes time.;\"trust;communication\";\r\n".len();
    let mut expected = original[..untouched].to_vec();
    expected.extend(b"S1;Trust takes time.;\"trust;keeping-in-touch\";\r\n");
    expected.extend(windows_1252(
        "S1;Communication is good.;keeping-in-touch;na\u{ef}ve\r\n",
    ));
    assert_eq!(std::fs::read(d.join("coding/ben.csv")).unwrap(), expected);

    // A character Windows-1252 cannot hold is refused, and nothing is written.
    let before = snapshot(&d);
    let out = d.run(&[
        "code",
        "S1",
        "Trust takes time",
        "trust",
        "--coder",
        "ben",
        "--memo",
        "\u{151}r\u{fc}lt",
        "--occurrence",
        "1",
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(
        out.stderr,
        "error: coding/ben.csv is saved as Windows-1252, which cannot hold `\u{151}`: save it as CSV UTF-8 (File > Save As > CSV UTF-8), then run this again (nothing was written)\n"
    );
    assert_eq!(snapshot(&d), before);
}

#[test]
fn xlsx_sheet_is_read_with_row_numbers() {
    let d = Dir::project();
    d.remove("coding/ben.csv");
    d.write(
        "coding/ben.xlsx",
        xlsx(&[
            &[
                Text("document"),
                Text("quote"),
                Text("codes"),
                Text("memo"),
                Text("occurrence"),
            ],
            &[
                Text("S1"),
                Text("We share values."),
                Text("shared-values"),
                Empty,
                Empty,
            ],
            // Excel stores the typed 2 as the number 2.0.
            &[
                Text("focus"),
                Text("values"),
                Text("shared-values;trust"),
                Number(7.0),
                Number(2.0),
            ],
            &[],
            &[
                Text("nowhere"),
                Text("We share values."),
                Text("trust"),
                Empty,
                Empty,
            ],
            &[
                Text("S1"),
                Text("Trust takes time."),
                Text("trust"),
                Empty,
                Text("two"),
            ],
        ]),
    );
    // Excel's lock file while the workbook is open, and an old-format workbook.
    d.write("coding/~$ben.xlsx", "lock");
    d.write("coding/old.xls", "old");
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert_eq!(
        out.problems(),
        [
            KINDNESS,
            "error: coding/ben.xlsx:5: unknown document `nowhere`",
            "error: coding/ben.xlsx:6: occurrence `two` is not a whole number from 1",
            "warning: coding/old.xls: not read: coding sheets are read as .csv or .xlsx; save it as Excel Workbook (.xlsx) or CSV UTF-8",
        ]
    );
    assert_eq!(last_line(&out.stdout), summary(11, 2, 2));

    // The coder is the file stem: one coder with both a .csv and an .xlsx is an error.
    d.write("coding/ben.csv", "document,quote,codes\n");
    let out = d.run(&["check"]);
    assert!(
        out.problems().contains(
            &"error: coding/ben.xlsx: coder `ben` has two sheets, coding/ben.csv and this one: keep one (this one is not read)"
        ),
        "{out:#?}"
    );
}

#[test]
fn xlsx_sheet_is_not_rewritten_by_code_rename_or_merge() {
    let d = Dir::project();
    d.remove("coding/ben.csv");
    d.write(
        "coding/ben.xlsx",
        xlsx(&[
            &[Text("document"), Text("quote"), Text("codes")],
            &[Text("S1"), Text("We share values."), Text("shared-values")],
            &[Text("S1"), Text("Trust takes time."), Text("trust;communication")],
        ]),
    );
    d.run(&["check"]).ok();
    let before = snapshot(&d);
    let refusal = "error: coding/ben.xlsx is a spreadsheet: thematic does not rewrite .xlsx sheets; save it as CSV UTF-8 (File > Save As > CSV UTF-8) as coding/ben.csv and remove the .xlsx, then run this again (nothing was changed)\n";
    for args in [
        &[
            "code",
            "S1",
            "Communication is good.",
            "communication",
            "--coder",
            "ben",
        ][..],
        &["codebook", "rename", "trust", "confidence"],
        &["codebook", "merge", "trust", "communication"],
    ] {
        let out = d.run(args);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert_eq!(out.stderr, refusal, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert_eq!(snapshot(&d), before, "{args:?} changed a file");
    }
    // A code the workbook does not use is renamed everywhere else.
    let out = d.run(&["codebook", "rename", "funding", "money"]).ok();
    assert_eq!(
        out.stdout,
        "renamed `funding` to `money`: 2 rows in 1 sheet and the codebook\n  coding/amira.csv: 2\n"
    );
    assert_eq!(
        std::fs::read(d.join("coding/ben.xlsx")).unwrap(),
        before.iter().find(|(f, _)| f == "coding/ben.xlsx").unwrap().1
    );
}

#[test]
fn ellipsis_character_matches_three_dots() {
    let d = Dir::project();
    d.write(
        "transcripts/S1.txt",
        "Interviewer: What works?\nR: We share values. Communication is good. Well\u{2026} it depends... on trust.\n\nInterviewer: And trust?\nR: Trust takes time.\n",
    );
    d.write(
        "coding/ben.csv",
        "document,quote,codes\nS1,Well... it depends,trust\nS1,depends\u{2026} on trust.,trust\n",
    );
    let out = d.run(&["check"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.problems(), [KINDNESS]);
    assert_eq!(last_line(&out.stdout), summary(11, 0, 1));
    // The quote printed is the transcript's own text.
    let out = d
        .run(&["code", "S1", "Well... it", "trust", "--coder", "amira"])
        .ok();
    assert_eq!(
        out.stdout,
        "coding/amira.csv:11: coded S1 68..76 (R) with trust: \"Well\u{2026} it\"\n"
    );
}

#[test]
fn nfd_quote_matches_nfc_text() {
    let d = Dir::project();
    // The transcript in NFC, the sheet typed with e + U+0301 (and the reverse in U1).
    d.write(
        "transcripts/S1.txt",
        "Interviewer: What works?\nR: We share values. Communication is good. The caf\u{e9} helps.\n\nInterviewer: And trust?\nR: Trust takes time.\n",
    );
    d.write(
        "transcripts/U1.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>How was it?</v>\n\n00:00:02.000 --> 00:00:04.000\n<v Service user 1>Trust takes time.</v>\n\n00:00:04.000 --> 00:00:06.000\n<v Service user 1>Staff were kind.</v>\n\n00:00:06.000 --> 00:00:08.000\n<v Service user 1>We met at the cafe\u{301}.</v>\n",
    );
    d.write(
        "coding/ben.csv",
        "document,quote,codes\nS1,The cafe\u{301} helps.,shared-values\nU1,met at the caf\u{e9}.,trust\n",
    );
    let out = d.run(&["check"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.problems(), [KINDNESS]);
    assert_eq!(last_line(&out.stdout), summary(11, 0, 1));
    // The quote printed is the transcript's own text, in its own form.
    let out = d
        .run(&["code", "U1", "at the caf\u{e9}", "trust", "--coder", "amira"])
        .ok();
    assert_eq!(
        out.stdout,
        "coding/amira.csv:11: coded U1 84..96 (Service user 1) with trust: \"at the cafe\u{301}\"\n"
    );
}

#[test]
fn same_passage_coded_twice_by_one_coder_is_flagged() {
    let d = Dir::project();
    let sheet = format!(
        "{FIXTURE_AMIRA}S1,We share values.,trust,\nS1,\"We  share\nvalues.\",shared-values,\nS1,Trust takes time.,trust,\n"
    );
    d.write("coding/amira.csv", sheet);
    let out = d.run(&["check"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.problems(),
        [
            KINDNESS,
            "warning: coding/amira.csv:11: same passage as line 2: one row with all the passage's codes says it once",
            "warning: coding/amira.csv:12: same passage and codes as line 2: a duplicate row",
            "warning: coding/amira.csv:14: same passage and codes as line 4: a duplicate row",
        ]
    );
    // Ben's rows on the same passages are a second coder's, not duplicates.
    assert_eq!(last_line(&out.stdout), summary(14, 0, 4));
}

#[test]
fn malformed_sheet_row_is_explained_in_plain_words() {
    let d = Dir::project();
    d.write(
        "coding/ben.csv",
        "document,quote,codes,occurrence\nS1,We share values.,shared-values,\nS1,Trust takes time, mostly.,trust,\nS1,Trust takes time.\nS1,Trust takes time.,trust,two\n",
    );
    d.write("coding/carol.xlsx", "PK\u{3}\u{4} not really a workbook");
    d.write("coding/dan.csv", xlsx(&[&[Text("document")]]));
    d.write("transcripts/S9.docx", "not a zip");
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1, "{out:#?}");
    let problems = out.problems();
    for expected in [
        "error: coding/ben.csv:3: this row has 5 fields but the header has 4 (a field with a comma in it must be in double quotes)",
        "error: coding/ben.csv:4: this row has 2 fields but the header has 4 (every column needs a field, even an empty one; a field with a line break in it must be in double quotes)",
        "error: coding/ben.csv:5: occurrence `two` is not a whole number from 1",
        "error: coding/carol.xlsx: is not an .xlsx file (not a zip archive): save it again from Excel as Excel Workbook (.xlsx)",
        "error: coding/dan.csv: is a workbook (a zip file), not CSV text: name it .xlsx, or save it as CSV UTF-8",
        "error: transcripts/S9.docx: not a .docx file (not a Word document / zip archive): save it again from Word as .docx",
    ] {
        assert!(problems.contains(&expected), "missing {expected}\n{out:#?}");
    }
    for jargon in ["CSV error", "expected usize", "EOCD", "record", "byte:"] {
        assert!(!out.stdout.contains(jargon), "{jargon}: {out:#?}");
    }
}

/// A sheet too big to hold is read from its file as it is parsed (`THEMATIC_STREAM_OVER`
/// bytes; 16 MiB unless set): every row, line and problem is the one read from the sheet
/// whole, and the cache's key the same.
#[test]
fn a_sheet_read_from_its_file_as_it_is_parsed_reads_as_the_sheet_held_whole() {
    let d = Dir::project();
    // A byte-order mark, CRLF line ends, a quote across lines, a blank line, a ragged row,
    // an unknown document, a quote not found, a conflict left by a merge, and no final line end.
    d.write(
        "coding/ben.csv",
        "\u{feff}document,quote,codes,memo\r\nS1,We share values.,shared-values,\"one\r\ntwo\"\r\n\r\nS1,Trust takes time.,trust\r\nS9,x,trust,\r\nS1,Not there.,trust,\r\n<<<<<<< ours\r\nS1,Communication is good.,trust,\r\n=======\r\n>>>>>>> theirs\r\nS2,Funding is short.,funding,",
    );
    for args in [
        &["check"][..],
        &["extracts", "--code", "trust"],
        &["stats", "--by", "group"],
    ] {
        let whole = d.run_streamed("1000000000", args);
        let said = format!("{}{}", whole.1, whole.2);
        assert!(said.contains("coding/ben.csv:"), "{said}");
        assert_eq!(d.run_streamed("0", args), whole, "{args:?}");
    }
    // A cache written by a streamed read is found by the next load, which reads the sheet
    // in pieces to make its key: the same outputs.
    d.settle(60);
    let cached = |over: &str| d.run_env(&["check"], &[("THEMATIC_STREAM_OVER", over)]).stdout;
    let first = cached("0");
    assert_eq!(cached("1000000000"), first);
    assert_eq!(cached("0"), first);
}
