//! Surveys as sources: respondents as participants, answers as documents, coded whole or in
//! part, counted, reported and exported like transcripts; malformed survey files named by
//! file and row.

use crate::util::Dir;

const TOML: &str = r#"[groups]
staff = "Staff"
partner = "Partners"

[surveys.pulse]
path = "surveys/pulse.csv"
id = "respondent"
group = "role"
questions = ["worked", "change"]
attribution = "(Respondent {respondent}, {region})"

[surveys.pulse.labels]
worked = "What has worked well?"
change = "What would you change?"
"#;

const CODEBOOK: &str = "# Partnership\n## Relationships\n- `trust` — trust between organisations.\n  - search: trust\n- `communication` — how people keep each other informed.\n  - search: communication\n## Resources\n- `funding` — money for the work.\n  - search: funding\n";

const SURVEY: &str = "respondent,role,region,worked,change
1043,staff,North,Trust between teams has grown.,More funding for outreach.
1044,staff,South,Regular communication.,
1045,partner,North,We trust the staff. Communication is open.,Funding is short.
1046,partner,South,,Less paperwork.
";

/// Empty quotes code whole answers; quotes code spans inside them.
const CODING: &str = "document,quote,codes
pulse/1043/worked,,trust
pulse/1043/change,More funding,funding
pulse/1044/worked,,communication
pulse/1045/worked,We trust the staff.,trust
pulse/1045/worked,Communication is open.,communication
pulse/1045/change,,funding
";

/// A folder with the survey `pulse` (four respondents, six answers) coded by amira; also the
/// survey grid's fixture in serve.rs and serve_browser.rs.
pub fn survey_project() -> Dir {
    let d = Dir::empty();
    d.write("thematic.toml", TOML);
    d.write("codebook.md", CODEBOOK);
    d.write("surveys/pulse.csv", SURVEY);
    d.write("coding/amira.csv", CODING);
    d
}

/// `stats --format csv` records as (node, value, references, participants, documents).
fn records(out: &str) -> Vec<(String, String, u32, u32, u32)> {
    out.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[1].to_string(),
                f[3].to_string(),
                f[4].parse().unwrap(),
                f[5].parse().unwrap(),
                f[6].parse().unwrap(),
            )
        })
        .collect()
}

fn rec(node: &str, value: &str, r: u32, p: u32, d: u32) -> (String, String, u32, u32, u32) {
    (node.into(), value.into(), r, p, d)
}

#[test]
fn surveys_respondents_are_participants_and_answers_documents() {
    let d = survey_project();
    let out = d.run(&["check"]).ok();
    // Four respondents; six non-empty answers (1044 and 1046 left one question empty).
    assert!(
        out.stdout
            .contains("4 participants, 6 documents, 3 codes (0 unsorted), 1 coders, 6 coded segments: 0 errors, 0 warnings"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("respondent, region, source, question, survey"),
        "{}",
        out.stdout
    );
}

#[test]
fn surveys_counts_per_attribute_are_the_hand_worked_ones() {
    let d = survey_project();
    // Region: North = 1043, 1045; South = 1044, 1046.
    // trust: 1043 (whole answer) and 1045 (a span); communication: 1044 (South, whole) and 1045
    // (North, a span); funding: 1043 (a span) and 1045 (whole), both North.
    let out = d.run(&["stats", "--by", "region", "--format", "csv"]).ok();
    assert_eq!(
        records(&out.stdout),
        [
            rec("trust", "North", 2, 2, 2),
            rec("trust", "South", 0, 0, 0),
            rec("communication", "North", 1, 1, 1),
            rec("communication", "South", 1, 1, 1),
            rec("funding", "North", 2, 2, 2),
            rec("funding", "South", 0, 0, 0),
        ]
    );
    // Group (from the `role` column): staff = 1043, 1044; partner = 1045, 1046.
    let out = d.run(&["stats", "--by", "group", "--format", "csv"]).ok();
    assert_eq!(
        records(&out.stdout),
        [
            rec("trust", "staff", 1, 1, 1),
            rec("trust", "partner", 1, 1, 1),
            rec("communication", "staff", 1, 1, 1),
            rec("communication", "partner", 1, 1, 1),
            rec("funding", "staff", 1, 1, 1),
            rec("funding", "partner", 1, 1, 1),
        ]
    );
    // The question, a document attribute, by its label.
    let out = d.run(&["stats", "--by", "question"]).ok();
    assert!(out.stdout.contains("What has worked well?"), "{}", out.stdout);
    let out = d.run(&["stats", "--by", "question", "--format", "csv"]).ok();
    let by_question = records(&out.stdout);
    assert!(
        by_question.contains(&rec("funding", "change", 2, 2, 2)),
        "{by_question:?}"
    );
    assert!(
        by_question.contains(&rec("trust", "worked", 2, 2, 2)),
        "{by_question:?}"
    );
    let out = d
        .run(&["stats", "--where", "source=survey", "--format", "csv"])
        .ok();
    assert!(out.stdout.contains("code,trust,all,all,2,2,2"), "{}", out.stdout);
    // Triangulation: staff have all three codes (2 of 2 people), partners one person (1045).
    let out = d
        .run(&["triangulate", "--format", "csv", "--level", "theme"])
        .ok();
    assert!(
        out.stdout.contains("theme,Partnership,staff,2,2,3,"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("theme,Partnership,partner,1,2,3,"),
        "{}",
        out.stdout
    );
}

#[test]
fn surveys_empty_quote_codes_the_whole_answer_and_a_quote_a_span() {
    let d = survey_project();
    let out = d.run(&["extracts", "--code", "trust"]).ok();
    assert!(
        out.stdout.contains("\"Trust between teams has grown.\""),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\"We trust the staff.\""), "{}", out.stdout);
    assert!(!out.stdout.contains("Communication is open"), "{}", out.stdout);
    // `code` takes an empty quote on an answer, and a span.
    let out = d
        .run(&["code", "pulse/1046/change", "", "funding", "--coder", "amira"])
        .ok();
    assert!(
        out.stdout
            .contains("coded pulse/1046/change 0..15 with funding: \"Less paperwork.\""),
        "{}",
        out.stdout
    );
    let out = d
        .run(&[
            "code",
            "pulse/1044/worked",
            "communication",
            "trust",
            "--coder",
            "amira",
        ])
        .ok();
    assert!(out.stdout.contains("pulse/1044/worked 8..21"), "{}", out.stdout);
    assert!(d
        .read("coding/amira.csv")
        .ends_with("pulse/1046/change,,funding,\npulse/1044/worked,communication,trust,\n"));
}

#[test]
fn surveys_an_empty_quote_on_a_transcript_is_an_error() {
    let d = survey_project();
    d.write("transcripts/memo.txt", "Minutes of the meeting.\n");
    d.write("coding/amira.csv", format!("{CODING}memo,,trust\n"));
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    assert!(
        out.problems().contains(
            &"error: coding/amira.csv:8: empty quote: only a survey answer is coded whole, and memo is a transcript; put the passage in the quote"
        ),
        "{:?}",
        out.problems()
    );
}

#[test]
fn surveys_search_autocode_agree_report_and_export_see_answers() {
    let d = survey_project();
    let out = d.run(&["search", "trust"]).ok();
    assert!(out.stdout.contains("2 hits in 2 documents"), "{}", out.stdout);
    let out = d.run(&["autocode"]).ok();
    assert!(out.stdout.contains("trust"), "{}", out.stdout);
    assert!(d
        .read("coding/autocode.csv")
        .contains("pulse/1045/worked,We trust the staff.,trust"));
    // A second coder who codes 1045's answer whole: as units, the answers still agree.
    d.write(
        "coding/ben.csv",
        CODING.replace(
            "pulse/1045/worked,We trust the staff.,trust",
            "pulse/1045/worked,,trust",
        ),
    );
    let out = d
        .run(&[
            "agree",
            "--coders",
            "amira,ben",
            "--unit",
            "turn",
            "--format",
            "csv",
        ])
        .ok();
    assert!(
        out.stdout.contains("turn,trust,amira;ben,1,1,1"),
        "{}",
        out.stdout
    );
    let out = d.run(&["report", "--coders", "amira"]).ok();
    assert!(out.stdout.contains("wrote"), "{}", out.stdout);
    let report = d.read("report/report.md");
    assert!(
        report.contains("> Trust between teams has grown. (Respondent 1043, North)"),
        "{report}"
    );
    assert!(
        report.contains("> Regular communication. (Respondent 1044, South)"),
        "{report}"
    );
    assert!(
        report.contains("- Documents: 6 (6 survey answers; files: 1 survey file)."),
        "{report}"
    );
    let out = d.run(&["export", "qdpx", "--out", "x.qdpx"]).ok();
    assert!(out.stdout.contains("exported 6 documents"), "{}", out.stdout);
}

#[test]
fn surveys_respondents_in_participants_csv_are_those_people() {
    let d = survey_project();
    d.write("participants.csv", "id,group,label\n1043,staff,Staff 1043\n");
    let out = d.run(&["check"]).ok();
    assert!(
        out.stdout.contains("4 participants, 6 documents"),
        "{}",
        out.stdout
    );
    let out = d.run(&["extracts", "--code", "trust"]).ok();
    assert!(
        out.stdout.contains("(1043)") || out.stdout.contains("Staff 1043"),
        "{}",
        out.stdout
    );
    // A blank answer, or a respondent the survey does not have, said as such.
    let blank = d.run(&["code", "pulse/1046/worked", "", "trust", "--coder", "amira"]);
    assert_eq!(blank.code, 2, "{blank:#?}");
    assert!(
        blank
            .stderr
            .contains("the answer `pulse/1046/worked` is blank in surveys/pulse.csv"),
        "{}",
        blank.stderr
    );
    let nobody = d.run(&["code", "pulse/9999/worked", "", "trust", "--coder", "amira"]);
    assert!(
        nobody
            .stderr
            .contains("there is no respondent `9999` in surveys/pulse.csv"),
        "{}",
        nobody.stderr
    );
    // The survey and participants.csv disagree on the person's group: said, with the row.
    d.write("participants.csv", "id,group,label\n1043,partner,Partner 1043\n");
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stdout
            .contains("error: surveys/pulse.csv:2: the group of `1043` is `staff` here but `partner` in participants.csv: keep one"),
        "{}",
        out.stdout
    );
}

#[test]
fn surveys_a_column_named_as_a_respondents_own_field_is_warned_of() {
    let d = survey_project();
    d.write(
        "surveys/pulse.csv",
        "respondent,role,region,group,label,worked,change\n1043,staff,North,team A,Nurse,Trust grew.,More.\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\npulse/1043/worked,,trust\n",
    );
    let out = d.run(&["check"]);
    let problems = out.problems();
    for expected in [
        "warning: surveys/pulse.csv:1: column `group` is read as an attribute, but `group` means the respondent's stakeholder group in counts, filters and attributions, so its values are never used: rename the column; if it is their group, write `group = \"group\"` under [surveys.pulse]",
        "warning: surveys/pulse.csv:1: column `label` is read as an attribute, but `label` means how the respondent's quotes are attributed in counts, filters and attributions, so its values are never used: rename the column",
    ] {
        assert!(problems.contains(&expected), "{expected}\n{problems:#?}");
    }
    // The group counted is still the `role` column's, as configured.
    let stats = d.run(&["stats", "--by", "group", "--format", "csv"]).ok();
    assert!(stats.stdout.contains(",staff,"), "{}", stats.stdout);
    assert!(!stats.stdout.contains("team A"), "{}", stats.stdout);
}

#[test]
fn surveys_ragged_rows_duplicate_ids_and_missing_columns_name_file_and_row() {
    let d = survey_project();
    d.write(
        "surveys/pulse.csv",
        "respondent,role,region,worked\n1043,staff,North,Trust grew.,extra\n1044,staff,North,Again\n1044,staff,South,Twice\n,staff,North,No id\n1050,stafff,North,Typo\n",
    );
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    let problems = out.problems();
    for expected in [
        "error: surveys/pulse.csv:1: question column `change` ([surveys.pulse] questions) is not in the header (found: respondent,role,region,worked)",
        "error: surveys/pulse.csv:2: this row has 5 fields but the header has 4 (a field with a comma in it must be in double quotes)",
        "error: surveys/pulse.csv:4: duplicate respondent `1044` (first on row 3): this row is not read",
        "error: surveys/pulse.csv:5: no respondent id in column `respondent`: this row is not read",
        "error: surveys/pulse.csv:6: unknown group `stafff` for respondent `1050`: thematic.toml [groups] has staff, partner (did you mean `staff`?)",
    ] {
        assert!(problems.contains(&expected), "{expected}\n{problems:#?}");
    }
    // The id column missing: the header is named, nothing is read.
    d.write(
        "surveys/pulse.csv",
        "who,role,region,worked,change\n1,staff,North,a,b\n",
    );
    let out = d.run(&["check"]);
    assert!(
        out.problems()
            .iter()
            .any(|p| p.starts_with("error: surveys/pulse.csv:1: header lacks column `respondent`")),
        "{:?}",
        out.problems()
    );
}

#[test]
fn surveys_windows_1252_is_read_with_a_warning() {
    let d = survey_project();
    d.write(
        "surveys/pulse.csv",
        b"respondent,role,region,worked,change\n1043,staff,North,Caf\xe9 staff were kind.,\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\npulse/1043/worked,Café staff,trust\n",
    );
    let out = d.run(&["check"]).ok();
    assert!(
        out.problems().contains(
            &"warning: surveys/pulse.csv: not UTF-8: read as Windows-1252 (save it as CSV UTF-8 to be sure)"
        ),
        "{:?}",
        out.problems()
    );
    assert_eq!(d.run(&["check", "--strict"]).code, 1);
    let out = d.run(&["extracts"]).ok();
    assert!(out.stdout.contains("\"Café staff\""), "{}", out.stdout);
}

#[test]
fn surveys_xlsx_merged_cells_and_formulas_are_errors_naming_cells_and_rows() {
    use rust_xlsxwriter::{Format, Workbook};
    let d = survey_project();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["respondent", "role", "region", "worked", "change"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_number(1, 0, 1043.0).unwrap();
    sheet.write_number(2, 0, 1044.0).unwrap();
    sheet.write_number(3, 0, 1045.0).unwrap();
    // `role` merged over the three respondents' rows.
    sheet.merge_range(1, 1, 3, 1, "staff", &Format::new()).unwrap();
    for r in 1..4 {
        sheet.write_string(r, 2, "North").unwrap();
        sheet
            .write_string(r, 3, "Trust between teams has grown.")
            .unwrap();
    }
    sheet.write_formula(2, 4, "=D3&\" again\"").unwrap();
    d.write("surveys/pulse.xlsx", book.save_to_buffer().unwrap());
    d.write("thematic.toml", TOML.replace("pulse.csv", "pulse.xlsx"));
    d.write(
        "coding/amira.csv",
        "document,quote,codes\npulse/1043/worked,,trust\n",
    );
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    let problems = out.problems();
    for expected in [
        "error: surveys/pulse.xlsx:2: cells B2:B4 are merged across rows 2 to 4: the value belongs to row 2 only; unmerge them and fill each row",
        "error: surveys/pulse.xlsx:3: respondent `1044` has no group (column `role` is empty)",
        "error: surveys/pulse.xlsx:3: cell E3 holds a formula (=D3&\" again\"), not what a respondent wrote: paste the values (Paste Special > Values)",
    ] {
        assert!(problems.contains(&expected), "{expected}\n{problems:#?}");
    }
    // The rows themselves are read: respondents are numbers as Excel shows them.
    assert!(out.stdout.contains("3 participants"), "{}", out.stdout);
    let out = d.run(&["extracts", "--allow-errors"]);
    assert!(out.stdout.contains("pulse/1043/worked"), "{out:?}");
}

#[test]
fn surveys_settings_are_checked_and_paths_stay_inside_the_folder() {
    let d = survey_project();
    d.write(
        "thematic.toml",
        "[surveys.a]\npath = \"../outside.csv\"\nid = \"r\"\nquestions = [\"q\"]\n\n[surveys.b]\npath = \"b.csv\"\nid = \"r\"\nquestion = [\"q\"]\n",
    );
    let out = d.run(&["check"]);
    let problems = out.problems();
    assert!(
        problems.contains(&"error: thematic.toml:2: [surveys.a] path = \"../outside.csv\" leads outside the project folder: paths in thematic.toml stay inside the folder that holds it"),
        "{problems:#?}"
    );
    assert!(
        problems.contains(
            &"error: thematic.toml:9: unknown key `surveys.b.question` (did you mean `questions`?)"
        ),
        "{problems:#?}"
    );
}

#[test]
fn surveys_the_cache_sees_a_changed_survey() {
    let d = survey_project();
    d.settle(60);
    d.run(&["stats"]).ok();
    d.run(&["stats"]).ok();
    d.write(
        "surveys/pulse.csv",
        format!("{SURVEY}1047,staff,South,Trust is slow to build.,\n"),
    );
    d.write("coding/amira.csv", format!("{CODING}pulse/1047/worked,,trust\n"));
    d.settle(60);
    let out = d.run(&["stats", "--format", "csv"]).ok();
    assert!(out.stdout.contains("code,trust,all,all,3,3,3"), "{}", out.stdout);
    // Cached, the texts are the survey's; with the cached texts gone, read from it again.
    let out = d.run(&["extracts", "--code", "trust"]).ok();
    assert!(
        out.stdout.contains("\"Trust is slow to build.\""),
        "{}",
        out.stdout
    );
    d.remove(".thematic/texts.bin");
    let out = d.run(&["extracts", "--code", "trust"]).ok();
    assert!(
        out.stdout.contains("\"Trust is slow to build.\""),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\"We trust the staff.\""), "{}", out.stdout);
}

/// A survey too big to hold is read from its file as it is parsed (`THEMATIC_STREAM_OVER`
/// bytes; 16 MiB unless set), its line ends made LF as they pass: the same respondents,
/// answers, rows and problems as the file decoded whole.
#[test]
fn surveys_a_survey_read_from_its_file_as_it_is_parsed_reads_as_the_file_whole() {
    let d = Dir::empty();
    d.write("thematic.toml", TOML);
    d.write("codebook.md", CODEBOOK);
    // A byte-order mark, CRLF and lone CR line ends, an answer across lines, a blank line, a
    // ragged row, a duplicate respondent, no final line end.
    d.write(
        "surveys/pulse.csv",
        "\u{feff}respondent,role,region,worked,change\r\n1043,staff,North,\"Trust between teams\r\nhas grown.\",More funding.\r1044,staff,South,Regular communication.,\r\n\r\n1045,partner,North,x\r\n1045,partner,South,Funding is short.,Less paperwork.\r\n1046,partner,South,,Trust is low.",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes\npulse/1043/worked,\"Trust between teams\nhas grown.\",trust\npulse/1046/change,,trust\n",
    );
    for args in [
        &["check"][..],
        &["extracts", "--code", "trust"],
        &["stats", "--by", "region"],
    ] {
        let whole = d.run_streamed("1000000000", args);
        let said = format!("{}{}", whole.1, whole.2);
        assert!(
            said.contains("surveys/pulse.csv:") || args[0] != "check",
            "{said}"
        );
        assert_eq!(d.run_streamed("0", args), whole, "{args:?}");
    }
}
