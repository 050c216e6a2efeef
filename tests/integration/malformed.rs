//! The malformed-input corpus (issue 12): one table of named cases, each a small analysis
//! folder (the fixture of `util.rs`, or an empty folder) with one file given hostile bytes,
//! run through the real binary. Expected of every case: the exit code in the table (2 for a
//! refusal, 1 for `check` finding an error), a message naming the file (and line where the
//! input has one), no panic (the runner fails on "panicked"), and nothing written (every
//! file's bytes are compared before and after, the cache aside).
//!
//! A case the binary fails today is kept with `known` set to why: it is printed, not failed,
//! so the table is the list of what is left for issue 12. Clearing a known failure makes the
//! test fail until its flag is removed, so a fix is noticed.
//!
//! Crashing inputs found by fuzzing (`fuzz/`) are saved in tests/malformed/fuzz-crashes/,
//! named `TARGET-…`, and replayed here through `thematic check` in a folder where the input
//! takes the file the target parses: no panic, whatever the verdict.

use crate::util::{docx, Dir, Output, FIXTURE_CODEBOOK, FIXTURE_PARTICIPANTS, FIXTURE_TOML};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// One case of the corpus.
struct Case {
    name: &'static str,
    /// Starts from the fixture project (true) or an empty folder.
    project: bool,
    /// Files written (over the fixture's) before the run: path, bytes.
    files: Vec<(&'static str, Vec<u8>)>,
    /// Files of the fixture removed before the run.
    remove: Vec<&'static str>,
    args: Vec<&'static str>,
    code: i32,
    /// What the output (stdout and stderr) must contain: the file, and `FILE:LINE` where the
    /// input has a line.
    message: &'static str,
    /// A known failure of the binary today: why. Printed instead of failing.
    known: Option<&'static str>,
}

/// A case on the fixture with `file` given `bytes`, run as `thematic check` (exit 1).
fn check(name: &'static str, file: &'static str, bytes: impl Into<Vec<u8>>, message: &'static str) -> Case {
    Case {
        name,
        project: true,
        files: vec![(file, bytes.into())],
        remove: Vec::new(),
        args: vec!["check"],
        code: 1,
        message,
        known: None,
    }
}

impl Case {
    /// The same input under another command and exit code.
    fn run(mut self, args: &[&'static str], code: i32) -> Case {
        self.args = args.to_vec();
        self.code = code;
        self
    }

    // No case is a known failure today; kept for the next input found to fail.
    #[allow(dead_code)]
    fn known(mut self, why: &'static str) -> Case {
        self.known = Some(why);
        self
    }

    fn without(mut self, file: &'static str) -> Case {
        self.remove.push(file);
        self
    }

    fn empty_folder(mut self) -> Case {
        self.project = false;
        self
    }
}

/// An import of `file` (dropped into the folder as `bytes`) that must be refused.
fn import(
    name: &'static str,
    kind: &'static str,
    file: &'static str,
    bytes: impl Into<Vec<u8>>,
    message: &'static str,
) -> Case {
    let args = match kind {
        "qdpx" => vec!["import", "qdpx", file, "--into", "out"],
        _ => vec!["import", "qdc", file, "--replace"],
    };
    Case {
        name,
        project: true,
        files: vec![(file, bytes.into())],
        remove: Vec::new(),
        args,
        code: 2,
        message,
        known: None,
    }
}

/// A search whose query must be refused.
fn query(name: &'static str, q: &'static str, message: &'static str) -> Case {
    Case {
        name,
        project: true,
        files: Vec::new(),
        remove: Vec::new(),
        args: vec!["search", q],
        code: 2,
        message,
        known: None,
    }
}

fn binary() -> Vec<u8> {
    let mut b: Vec<u8> = (0..=255u8).collect();
    b.extend_from_slice(b"\x00\x00\xff\xfe\x89PNG\r\n\x1a\n\x00");
    b
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

fn utf16le_no_bom(text: &str) -> Vec<u8> {
    utf16le(text)[2..].to_vec()
}

/// `text` cut after `n` bytes.
fn cut(text: &str, n: usize) -> Vec<u8> {
    text.as_bytes()[..n].to_vec()
}

fn huge_line(prefix: &str, suffix: &str) -> Vec<u8> {
    let mut s = prefix.to_string();
    s.push_str(&"x".repeat(4 << 20));
    s.push_str(suffix);
    s.into_bytes()
}

/// A zip of `entries`.
fn zip<B: AsRef<[u8]>>(entries: &[(&str, B)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes.as_ref()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

const SHEET_HEADER: &str = "document,quote,codes,memo\n";
const QDE_OK: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\" origin=\"t\"><CodeBook><Codes><Code guid=\"11111111-1111-1111-1111-111111111111\" name=\"trust\" isCodable=\"true\"/></Codes></CodeBook></Project>";
const QDC_OK: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?><CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"t\"><Codes><Code guid=\"11111111-1111-1111-1111-111111111111\" name=\"trust\" isCodable=\"true\"/></Codes></CodeBook>";

fn cases() -> Vec<Case> {
    let toml = |extra: &str| format!("{FIXTURE_TOML}{extra}");
    let sheet = |rows: &str| format!("{SHEET_HEADER}{rows}");
    let people = |rows: &str| format!("{FIXTURE_PARTICIPANTS}{rows}");
    vec![
        // thematic.toml: syntax, encodings, and a bad value of every type.
        check("toml_truncated", "thematic.toml", cut(FIXTURE_TOML, 30), "thematic.toml:4"),
        check("toml_binary", "thematic.toml", binary(), "thematic.toml"),
        check("toml_utf16", "thematic.toml", utf16le(FIXTURE_TOML), "thematic.toml"),
        check("toml_latin1", "thematic.toml", b"[project]\ntitle = \"Caf\xe9\"\n".to_vec(), "thematic.toml"),
        check("toml_unbalanced_quote", "thematic.toml", "[project]\ntitle = \"Fixture\n", "thematic.toml:2"),
        check("toml_duplicate_key", "thematic.toml", "[project]\ntitle = \"a\"\ntitle = \"b\"\n", "thematic.toml:3"),
        check("toml_duplicate_table", "thematic.toml", toml("\n[groups]\nother = \"Other\"\n"), "thematic.toml:9"),
        check("toml_huge_line_unterminated", "thematic.toml", huge_line("[project]\ntitle = \"", "\n"), "thematic.toml:2"),
        check("toml_string_given_number", "thematic.toml", "[project]\ntitle = 3\n", "thematic.toml:2"),
        check("toml_enum_unknown", "thematic.toml", "[project]\napproach = \"vibes\"\n", "thematic.toml:2"),
        check("toml_integer_given_string", "thematic.toml", toml("[report]\nquotes_per_subtheme = \"three\"\n"), "thematic.toml:9"),
        check("toml_integer_negative", "thematic.toml", toml("[report]\nquotes_per_subtheme = -1\n"), "thematic.toml:9"),
        check("toml_integer_out_of_range", "thematic.toml", toml("[report]\nquote_max_chars = 99999999999999999999\n"), "thematic.toml:9"),
        check("toml_bool_given_string", "thematic.toml", toml("[report]\nredact_names = \"yes\"\n"), "thematic.toml:9"),
        check("toml_float_given_string", "thematic.toml", toml("[triangulation]\nprominence_ratio = \"half\"\n"), "thematic.toml:9"),
        check("toml_float_out_of_range", "thematic.toml", toml("[triangulation]\nprominence_ratio = 7.5\n"), "thematic.toml:9"),
        check("toml_array_given_string", "thematic.toml", toml("[coding]\nanalysis = \"amira\"\n"), "thematic.toml:9"),
        check("toml_array_of_numbers", "thematic.toml", toml("[corpus]\ninterviewer = [1, 2]\n"), "thematic.toml:9"),
        check("toml_table_given_string", "thematic.toml", "groups = \"staff\"\n", "thematic.toml:1"),
        check("toml_group_label_not_string", "thematic.toml", "[groups]\nstaff = 1\n", "thematic.toml"),
        check("toml_unknown_triangulation_by", "thematic.toml", toml("[triangulation]\nby = \"sitee\"\n"), "thematic.toml:9"),
        check("toml_unknown_placeholder", "thematic.toml", toml("[report]\nattribution = \"({nmae})\"\n"), "thematic.toml:9"),
        check("toml_codebook_path_missing", "thematic.toml", toml("[codebook]\npath = \"nowhere.md\"\n"), "nowhere.md"),
        check("toml_out_escapes_folder", "thematic.toml", toml("[report]\nout = \"../../elsewhere\"\n"), "thematic.toml:9"),
        check("toml_redactions_outside", "thematic.toml", toml("[report]\nredactions = \"/etc/passwd\"\n"), "thematic.toml:9"),
        // participants.csv
        check("participants_empty", "participants.csv", "", "participants.csv"),
        check("participants_binary", "participants.csv", binary(), "participants.csv"),
        check("participants_truncated_row", "participants.csv", people("U2,service_user"), "participants.csv:7"),
        check("participants_semicolons", "participants.csv", FIXTURE_PARTICIPANTS.replace(',', ";"), "participants.csv:1"),
        check("participants_unbalanced_quote", "participants.csv", people("U2,service_user,\"Service user 2,,north\n"), "participants.csv:7"),
        check("participants_duplicate_id", "participants.csv", people("S1,staff,Staff 1 again,,north\n"), "participants.csv:7"),
        check("participants_duplicate_label", "participants.csv", people("S3,staff,Staff 1,,north\n"), "participants.csv:7"),
        check("participants_unknown_group", "participants.csv", people("X1,aliens,Alien 1,,north\n"), "participants.csv:7"),
        check("participants_no_id_column", "participants.csv", "who,group\nS1,staff\n", "participants.csv:1"),
        check("participants_huge_line", "participants.csv", huge_line("id,group,label\nS1,staff,\"", "\n"), "participants.csv"),
        check("participants_utf16_no_bom", "participants.csv", utf16le_no_bom(FIXTURE_PARTICIPANTS), "participants.csv"),
        // codebook.md
        check("codebook_binary", "codebook.md", binary(), "codebook.md"),
        // A warning, not an error (exit 0): codes may come before the codebook (they are
        // listed as unsorted), so a new project can start with nothing written there; but an
        // empty file may be a save gone wrong, so it is named (and fails `check --strict`).
        check("codebook_empty", "codebook.md", "", "warning: codebook.md: empty").run(&["check"], 0),
        check("codebook_duplicate_code", "codebook.md", format!("{FIXTURE_CODEBOOK}- `trust` — trust again.\n"), "codebook.md:17"),
        check("codebook_truncated_code", "codebook.md", format!("{FIXTURE_CODEBOOK}- `trus"), "codebook.md:17"),
        check("codebook_bad_polarity", "codebook.md", FIXTURE_CODEBOOK.replace("polarity: negative", "polarity: sideways"), "codebook.md:16"),
        check("codebook_latin1", "codebook.md", b"# Th\xe8me\n- `trust` \x97 trust.\n".to_vec(), "codebook.md"),
        check("codebook_huge_line_duplicate", "codebook.md", [FIXTURE_CODEBOOK.as_bytes(), &huge_line("- `trust` — ", "\n")].concat(), "codebook.md:17"),

        check("codebook_code_with_spaces", "codebook.md", format!("{FIXTURE_CODEBOOK}- `not a code id` — spaces.\n"), "codebook.md:17"),
        // coding sheets and anchoring
        check("sheet_binary", "coding/amira.csv", binary(), "coding/amira.csv"),
        check("sheet_empty", "coding/amira.csv", "", "coding/amira.csv"),
        check("sheet_truncated_row", "coding/amira.csv", sheet("S1,We share"), "coding/amira.csv:2"),
        check("sheet_unbalanced_quote", "coding/amira.csv", sheet("S1,\"We share values.,trust,\nS1,Trust takes time.,trust,\n"), "coding/amira.csv:2"),
        check("sheet_pipe_delimited", "coding/amira.csv", sheet("").replace(',', "|") + "S1|We share values.|trust|\n", "coding/amira.csv:1"),
        check("sheet_unknown_document", "coding/amira.csv", sheet("S9,We share values.,trust,\n"), "coding/amira.csv:2"),
        check("sheet_quote_not_found", "coding/amira.csv", sheet("S1,Nobody said this.,trust,\n"), "coding/amira.csv:2"),
        check("sheet_quote_empty", "coding/amira.csv", sheet("S1,,trust,\n"), "coding/amira.csv:2"),
                check("sheet_huge_quote", "coding/amira.csv", format!("{SHEET_HEADER}S1,{},trust,\n", "x".repeat(4 << 20)), "coding/amira.csv:2"),
        check("sheet_no_quote_column", "coding/amira.csv", "document,codes\nS1,trust\n", "coding/amira.csv:1"),
        check("sheet_utf16_no_bom", "coding/amira.csv", utf16le_no_bom(&sheet("S1,We share values.,shared-values,\nS1,Nobody said this.,trust,\n")), "coding/amira.csv:3"),
        check("sheet_latin1_quote_not_found", "coding/amira.csv", b"document,quote,codes,memo\nS1,Caf\xe9 au lait.,trust,\n".to_vec(), "coding/amira.csv:2"),
        check("sheet_abbreviation_end_missing", "coding/amira.csv", sheet("S1,We share … never said.,trust,\n"), "coding/amira.csv:2"),
        check("sheet_xlsx_not_a_zip", "coding/ben.xlsx", binary(), "coding/ben.xlsx").without("coding/ben.csv"),
        // transcripts of each format
        check("transcript_txt_binary", "transcripts/S1.txt", binary(), "transcripts/S1.txt"),
        check("transcript_txt_empty", "transcripts/S1.txt", "", "transcripts/S1.txt"),
        check("transcript_md_unterminated_front_matter", "transcripts/S2.md", "---\nparticipant: S2\n\n**Staff 2:** Funding is short.\n", "transcripts/S2.md:1"),
        check("transcript_vtt_truncated", "transcripts/U1.vtt", "WEBVTT\n\n00:00:01.000 --> 00:0", "transcripts/U1.vtt"),
        check("transcript_vtt_out_of_range_time", "transcripts/U1.vtt", "WEBVTT\n\n00:99:01.000 --> 00:00:02.000\n<v Service user 1>Trust takes time.</v>\n", "transcripts/U1.vtt:3"),
        check("transcript_vtt_unbalanced_voice", "transcripts/U1.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Service user 1 Trust takes time.\n", "transcripts/U1.vtt:4"),
        check("transcript_srt_bad_timestamps", "transcripts/U1.srt", "1\nnot a time\nService user 1: Trust takes time.\n", "transcripts/U1.srt").without("transcripts/U1.vtt"),
        check("transcript_srt_binary", "transcripts/U1.srt", binary(), "transcripts/U1.srt").without("transcripts/U1.vtt"),
        // The sheet's quotes are not in a transcript of one 4 MB line: reported, no hang.
        check("transcript_huge_line", "transcripts/S1.txt", huge_line("R: ", "\n"), "coding/amira.csv:2"),

        check("transcript_utf16_no_bom", "transcripts/S1.txt", utf16le_no_bom("Interviewer: What works?\nR: Nothing.\n"), "transcripts/S1.txt"),
        check("transcript_docx_not_a_zip", "transcripts/S1.docx", binary(), "transcripts/S1.docx").without("transcripts/S1.txt"),
        check("transcript_docx_truncated", "transcripts/S1.docx", { let d = docx(&["R: We share values."]); d[..d.len() / 2].to_vec() }, "transcripts/S1.docx").without("transcripts/S1.txt"),
        check("transcript_docx_without_document_xml", "transcripts/S1.docx", zip(&[("word/other.xml", b"<x/>")]), "transcripts/S1.docx").without("transcripts/S1.txt"),
        check("transcript_docx_xml_not_well_formed", "transcripts/S1.docx", zip(&[("word/document.xml", b"<w:document><w:body><w:p>")]), "transcripts/S1.docx").without("transcripts/S1.txt"),
        // redactions.csv
        check("redactions_binary", "redactions.csv", binary(), "redactions.csv"),
        check("redactions_bad_regex", "redactions.csv", "term,replacement\n/(unclosed/,[x]\n", "redactions.csv:2"),
        check("redactions_empty_term", "redactions.csv", "term,replacement\n,[x]\n", "redactions.csv:2"),
        check("redactions_unbalanced_quote", "redactions.csv", "term,replacement\n\"Jo Bloggs,[name]\nAlex,[name]\n", "redactions.csv:2"),
        check("redactions_duplicate_term", "redactions.csv", "term,replacement\nJo Bloggs,[a]\nJo Bloggs,[b]\n", "redactions.csv:3"),
        // the search query language
        query("query_unbalanced_paren", "(trust OR funding", "no matching `)`"),
        query("query_unbalanced_quote", "\"share values", "no closing quote"),
        query("query_empty", "", "query"),
        query("query_dangling_operator", "trust AND", "query"),
        query("query_control_bytes", "\u{1}\u{7f}\u{1b}[2J", "control character (U+0001)"),
        // REFI-QDA projects
        import("qdpx_not_a_zip", "qdpx", "in.qdpx", binary(), "in.qdpx"),
        import("qdpx_empty", "qdpx", "in.qdpx", "", "in.qdpx"),
        import("qdpx_truncated_zip", "qdpx", "in.qdpx", { let z = zip(&[("project.qde", QDE_OK.as_bytes())]); z[..z.len() / 2].to_vec() }, "in.qdpx"),
        import("qdpx_without_project_qde", "qdpx", "in.qdpx", zip(&[("sources/a.txt", b"hello")]), "in.qdpx"),
        import("qdpx_xml_not_well_formed", "qdpx", "in.qdpx", zip(&[("project.qde", b"<?xml version=\"1.0\"?>\n<Project>\n<CodeBook>\n</Project>\n")]), "in.qdpx: project.qde:"),
        import("qdpx_xml_binary", "qdpx", "in.qdpx", zip(&[("project.qde", &binary())]), "project.qde"),
        import("qdpx_wrong_root", "qdpx", "in.qdpx", zip(&[("project.qde", QDC_OK.as_bytes())]), "project.qde"),
        import("qdpx_doctype_entity", "qdpx", "in.qdpx", zip(&[("project.qde", b"<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY a \"aaaa\">]>\n<Project>&a;</Project>\n")]), "project.qde"),
        import("qde_bare_xml_truncated", "qdpx", "in.qde", cut(QDE_OK, 120), "in.qde"),
        // REFI-QDA codebooks
        import("qdc_not_xml", "qdc", "in.qdc", binary(), "in.qdc"),
        import("qdc_empty", "qdc", "in.qdc", "", "in.qdc"),
        import("qdc_truncated", "qdc", "in.qdc", cut(QDC_OK, 100), "in.qdc:1"),
        import("qdc_is_a_zip", "qdc", "in.qdc", zip(&[("project.qde", QDE_OK.as_bytes())]), "in.qdc"),
        import("qdc_is_a_project", "qdc", "in.qdc", QDE_OK, "in.qdc"),
        import("qdc_unclosed_tag_line", "qdc", "in.qdc", "<?xml version=\"1.0\"?>\n<CodeBook>\n<Codes>\n<Code name=\"a\">\n</CodeBook>\n", "in.qdc:"),
        import("qdc_duplicate_guid", "qdc", "in.qdc", QDC_OK.replace("</Codes>", "<Code guid=\"11111111-1111-1111-1111-111111111111\" name=\"other\" isCodable=\"true\"/></Codes>"), "in.qdc:1: Code `other` has the GUID of Code `trust` (line 1), 11111111-1111-1111-1111-111111111111"),
        import("qdc_utf16_no_bom", "qdc", "in.qdc", utf16le_no_bom(QDC_OK), "in.qdc"),
        // Commands that write, on a broken folder: refused, nothing written.
        check("report_on_broken_codebook", "codebook.md", binary(), "codebook.md").run(&["report"], 2),
        check("code_on_broken_sheet", "coding/amira.csv", sheet("S1,\"unbalanced,trust,\n"), "coding/amira.csv:2")
            .run(&["code", "S1", "Trust takes time.", "trust", "--coder", "amira"], 2),
        check("rename_on_broken_toml", "thematic.toml", "[project\n", "thematic.toml:1").run(&["codebook", "rename", "trust", "trusting"], 2),
        check("stats_on_broken_participants", "participants.csv", people("S1,staff,Dup,,north\n"), "participants.csv:7").run(&["stats"], 2),
        check("check_in_a_folder_that_is_not_one", "notes.txt", "nothing here", "is not an analysis folder")
            .run(&["check"], 2)
            .empty_folder(),
    ]
}

/// Every file under `dir` with its bytes, the cache aside.
fn snapshot(dir: &Dir) -> BTreeMap<String, Vec<u8>> {
    dir.files()
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

/// Why `case` fails its expectations, if it does.
fn verdict(
    case: &Case,
    out: &Output,
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let all = format!("{}{}", out.stdout, out.stderr);
    let mut wrong = Vec::new();
    if out.code != case.code {
        wrong.push(format!("exit {} (expected {})", out.code, case.code));
    }
    if !all.contains(case.message) {
        wrong.push(format!("no {:?} in the output", case.message));
    }
    if before != after {
        let changed: Vec<&String> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        wrong.push(format!("files written or changed: {changed:?}"));
    }
    if wrong.is_empty() {
        None
    } else {
        let shown: String = all.chars().take(600).collect();
        Some(format!("{}; output: {shown}", wrong.join(", ")))
    }
}

#[test]
fn malformed_inputs_are_refused_naming_the_file_and_nothing_is_written() {
    let cases = cases();
    assert!(cases.len() >= 60, "the corpus has {} cases", cases.len());
    let mut names = std::collections::HashSet::new();
    let mut failures = Vec::new();
    let mut cleared = Vec::new();
    for case in &cases {
        assert!(names.insert(case.name), "two cases named {}", case.name);
        let dir = if case.project {
            Dir::project()
        } else {
            Dir::empty()
        };
        for f in &case.remove {
            dir.remove(f);
        }
        for (f, bytes) in &case.files {
            dir.write(f, bytes);
        }
        let before = snapshot(&dir);
        let out = dir.run(&case.args);
        let after = snapshot(&dir);
        match (verdict(case, &out, &before, &after), case.known) {
            (None, None) => {}
            (None, Some(why)) => {
                cleared.push(format!("{}: no longer fails ({why}): remove `known`", case.name))
            }
            (Some(wrong), None) => failures.push(format!("{}: {wrong}", case.name)),
            (Some(wrong), Some(why)) => eprintln!("known failure: {}: {why}: {wrong}", case.name),
        }
    }
    let all: Vec<String> = failures.into_iter().chain(cleared).collect();
    assert!(
        all.is_empty(),
        "{} of {} cases:\n{}",
        all.len(),
        cases.len(),
        all.join("\n")
    );
}

/// The file a fuzz target's input is dropped in as, to replay a saved crash through `check`.
fn file_for_target(target: &str) -> Option<&'static str> {
    Some(match target {
        "transcript" | "docx" => "transcripts/S1.docx",
        "codebook" | "refi_qdc" => "codebook.md",
        "sheet_anchor" => "coding/amira.csv",
        "config" => "thematic.toml",
        "participants" => "participants.csv",
        "redactions" => "redactions.csv",
        _ => return None,
    })
}

/// Saved crashes the binary still panics on (file name, why): printed, not failed, until
/// src/ is fixed; then the test fails until the entry is removed.
const KNOWN_CRASHES: &[(&str, &str)] = &[];

/// Runs the binary on `d` for the replay of `name`, noting a panic instead of failing.
fn run_replay(d: &Dir, name: &str, panics: &mut Vec<String>, args: &[&str]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thematic"))
        .args(args)
        .arg("-p")
        .arg(d.path())
        .current_dir(d.path())
        .env_remove("THEMATIC_CODER")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if let Some(at) = stderr.find("panicked") {
        let what: String = stderr[at..].chars().take(300).collect();
        panics.push(format!("{name}: {args:?} {what}"));
    }
}

#[test]
fn saved_fuzz_crashes_replay_without_a_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed/fuzz-crashes");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut replayed = 0;
    let mut panics: Vec<String> = Vec::new();
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with(".md") {
            continue;
        }
        let target = name.split('-').next().unwrap_or_default();
        let bytes = std::fs::read(&path).unwrap();
        let d = Dir::project();
        replayed += 1;
        match target {
            // The input is what the target read: replay it as the binary would meet it.
            "query" => {
                let q = String::from_utf8_lossy(&bytes).into_owned();
                run_replay(&d, &name, &mut panics, &["search", &q]);
            }
            "refi_qdpx" | "refi_qde" => {
                let file = if target == "refi_qdpx" {
                    "in.qdpx"
                } else {
                    "in.qde"
                };
                d.write(file, &bytes);
                run_replay(&d, &name, &mut panics, &["import", "qdpx", file, "--into", "out"]);
            }
            _ => {
                let file = file_for_target(target).unwrap_or_else(|| panic!("{name}: no target `{target}`"));
                let bytes = if target == "transcript" {
                    // The target's first byte picked the format.
                    let formats = ["txt", "md", "vtt", "srt", "docx"];
                    let (pick, rest) = bytes
                        .split_first()
                        .map(|(p, r)| (*p, r.to_vec()))
                        .unwrap_or((0, Vec::new()));
                    let f = format!("transcripts/S1.{}", formats[pick as usize % 5]);
                    d.remove("transcripts/S1.txt");
                    d.write(&f, &rest);
                    run_replay(&d, &name, &mut panics, &["check"]);
                    continue;
                } else if target == "sheet_anchor" {
                    let nul = bytes.iter().position(|&b| b == 0).unwrap_or(0);
                    d.write("transcripts/S1.txt", &bytes[..nul]);
                    bytes[(nul + 1).min(bytes.len())..].to_vec()
                } else {
                    bytes
                };
                if target == "refi_qdc" {
                    d.write("in.qdc", &bytes);
                    run_replay(&d, &name, &mut panics, &["import", "qdc", "in.qdc", "--replace"]);
                }
                d.write(file, &bytes);
                run_replay(&d, &name, &mut panics, &["check"]);
            }
        }
    }
    eprintln!("replayed {replayed} saved fuzz crashes");
    let mut wrong = Vec::new();
    for (name, why) in KNOWN_CRASHES {
        if !panics.iter().any(|p| p.starts_with(name)) {
            wrong.push(format!(
                "{name}: no longer panics ({why}): take it off KNOWN_CRASHES"
            ));
        }
    }
    for p in &panics {
        match KNOWN_CRASHES.iter().find(|(n, _)| p.starts_with(n)) {
            Some((_, why)) => eprintln!("known crash: {why}: {}", p.lines().next().unwrap_or_default()),
            None => wrong.push(p.clone()),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every fuzz target's crashes can be replayed: a new target in fuzz/Cargo.toml needs a way
/// in here, or its saved crashes would fail the replay.
#[test]
fn every_fuzz_target_has_a_replay() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml")).unwrap();
    let targets: Vec<&str> = manifest
        .split("[[bin]]")
        .skip(1)
        .filter_map(|bin| {
            bin.lines()
                .find_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"'))
        })
        .collect();
    assert!(targets.len() >= 11, "{targets:?}");
    for t in targets {
        assert!(
            matches!(t, "query" | "refi_qdpx" | "refi_qde") || file_for_target(t).is_some(),
            "fuzz target `{t}` has no replay in saved_fuzz_crashes_replay_without_a_panic"
        );
    }
}
