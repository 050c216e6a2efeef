//! Hostile and broken input (issue 12): each test is named after what broke, and runs the
//! real binary where the failure is the user's to see: no panic, no hang, nothing lost,
//! nothing leaked; refusals exit 2 naming the file and write nothing.

use crate::refi::{import, zip_of};
use crate::util::{docx, run_in, Dir, Output, FIXTURE_CODEBOOK};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the binary, killing it after `limit`: `None` when it had to be killed.
fn run_within(dir: &Dir, args: &[&str], limit: Duration) -> Option<Output> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thematic"));
    cmd.args(args)
        .arg("-p")
        .arg(dir.path())
        .current_dir(dir.path())
        .env_remove("THEMATIC_CODER")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let o = Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(!o.stderr.contains("panicked"), "the binary panicked: {o:#?}");
    Some(o)
}

/// Imports `xml` as the `project.qde` of a `.qdpx` (with `sources`); the output, and the
/// folder it would have made.
fn import_qde(xml: &str, sources: &[(&str, &[u8])]) -> (Dir, Output) {
    let tmp = Dir::empty();
    let file = tmp.join("hostile.qdpx");
    let mut entries: Vec<(&str, &[u8])> = vec![("project.qde", xml.as_bytes())];
    entries.extend_from_slice(sources);
    std::fs::write(&file, zip_of(&entries)).unwrap();
    let out = import(&file, &tmp.join("out"));
    (tmp, out)
}

#[track_caller]
fn assert_refused(tmp: &Dir, out: &Output, message: &str) {
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains(message), "expected {message:?}:\n{out:#?}");
    assert!(!tmp.join("out").exists(), "nothing is written");
}

// 1. Crashes.

#[test]
fn codebook_with_lone_cr_line_ends_panicked_every_command_and_codebook_merge() {
    let d = Dir::project();
    d.write("codebook.md", FIXTURE_CODEBOOK.replace('\n', "\r"));
    let check = d.run(&["check"]);
    assert_eq!(check.code, 0, "{check:#?}");
    assert!(
        check.stdout.contains("4 codes") || check.stdout.contains("5 codes"),
        "{check:#?}"
    );
    d.run(&["stats"]).ok();
    d.run(&["codebook"]).ok();
    d.run(&["triangulate"]).ok();
    d.run(&["codebook", "merge", "communication", "trust"]).ok();
    let merged = d.read("codebook.md");
    assert!(!merged.contains("`communication`"), "{merged:?}");
    assert!(
        merged.contains("include: merged from communication"),
        "{merged:?}"
    );
    assert!(!merged.contains('\n'), "lone CR line ends are kept: {merged:?}");
    d.run(&["check"]).ok();
}

#[test]
fn qdc_with_a_carriage_return_in_a_description_imported_into_a_codebook_no_command_could_open() {
    let d = Dir::project();
    d.remove("codebook.md");
    d.write(
        "book.qdc",
        r#"<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test"><Codes>
  <Code guid="t1" name="Theme" isCodable="false"><Description>One&#13;&#13;Two&#13;</Description>
    <Code guid="c1" name="Cat" isCodable="false"><Description>Three&#13;Four</Description>
      <Code guid="k1" name="trust" isCodable="true"/></Code></Code>
</Codes></CodeBook>"#,
    );
    let path = d.join("book.qdc");
    d.run(&["import", "qdc", path.to_str().unwrap()]).ok();
    let book = d.read("codebook.md");
    assert!(!book.contains('\r'), "{book:?}");
    assert!(book.contains("# Theme\n\nOne\n\nTwo\n"), "{book:?}");
    d.run(&["check"]).ok();
    d.run(&["stats"]).ok();
}

/// A `.qdc` and a bare `.qde` whose text starts with two byte-order marks.
#[test]
fn xml_starting_with_two_byte_order_marks_panicked_the_line_counter() {
    let d = Dir::project();
    d.remove("codebook.md");
    let qdc = "\u{feff}\u{feff}<?xml version=\"1.0\"?>\n<CodeBook><Codes><Code guid=\"a\" name=\"A\"/></Codes></CodeBook>";
    d.write("book.qdc", qdc);
    let path = d.join("book.qdc");
    let out = d.run(&["import", "qdc", path.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("book.qdc:1:"), "{out:#?}");
    assert!(!d.join("codebook.md").exists());

    let tmp = Dir::empty();
    tmp.write("p.qde", qdc.replace("CodeBook", "Project"));
    let into = tmp.join("out");
    let out = import(&tmp.join("p.qde"), &into);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("p.qde:1:"), "{out:#?}");
    assert!(!into.exists());
}

fn qdc_with_code_named(name: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<CodeBook><Codes>\n<Code guid=\"ok\" name=\"Fine\"/>\n<Code guid=\"deep\" name=\"{name}\"/>\n</Codes></CodeBook>"
    )
}

#[test]
fn code_named_with_100000_parts_overflowed_the_stack() {
    let d = Dir::project();
    d.remove("codebook.md");
    d.write("deep.qdc", qdc_with_code_named(&vec!["A"; 100_000].join("::")));
    let path = d.join("deep.qdc");
    let out = d.run(&["import", "qdc", path.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("deep.qdc:4:"), "{out:#?}");
    assert!(out.stderr.contains("100000 levels deep"), "{out:#?}");
    assert!(!d.join("codebook.md").exists());
}

#[test]
fn qdpx_of_22_kb_with_a_code_of_10000_parts_wrote_a_290_mb_codebook() {
    let name = vec!["A"; 10_000].join("::");
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<Project name=\"p\"><CodeBook><Codes>\n<Code guid=\"deep\" name=\"{name}\"/>\n</Codes></CodeBook></Project>"
    );
    let (tmp, out) = import_qde(&xml, &[]);
    assert_refused(&tmp, &out, "levels deep");
    assert!(out.stderr.contains("project.qde:3:"), "{out:#?}");
    // A code whose id would be longer than any id a person reads is refused too.
    let long = vec!["word ".repeat(60); 40].join("::");
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<Project name=\"p\"><CodeBook><Codes>\n<Code guid=\"long\" name=\"{long}\"/>\n</Codes></CodeBook></Project>"
    );
    let (tmp, out) = import_qde(&xml, &[]);
    assert_refused(&tmp, &out, "characters long");
}

/// The tree of XML elements costs far more memory than the bytes it is read from: a budget on
/// the tree, lowered here so that a small archive reaches it.
#[test]
fn qdpx_of_tiny_xml_elements_under_the_zip_bomb_ratio_exhausted_memory() {
    use thematic::refi::archive::Limits;
    let tmp = Dir::empty();
    let file = tmp.join("tiny.qdpx");
    let xml = format!("<Project name=\"p\">\n{}</Project>", "<a/>".repeat(50_000));
    std::fs::write(&file, zip_of(&[("project.qde", xml.as_bytes())])).unwrap();
    let limits = Limits {
        max_xml_tree: 1 << 20,
        ..Limits::default()
    };
    let mut container = thematic::refi::open(&file, limits).unwrap();
    let e = thematic::refi::import::project(&mut container).unwrap_err();
    let e = format!("{e:#}");
    assert!(e.contains("tiny.qdpx: project.qde:2:"), "{e}");
    assert!(e.contains("memory"), "{e}");
    // The default budget reads it.
    let mut container = thematic::refi::open(&file, Limits::default()).unwrap();
    thematic::refi::import::project(&mut container).unwrap();
}

// 2. Silent data loss.

const TWO_SOURCES: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Project name="p" origin="test">
  <Users><User guid="u1" name="Ann"/></Users>
  <CodeBook><Codes>
    <Code guid="c1" name="Trust" isCodable="true"/>
    <Code guid="C2" name="Funding" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource SOURCE1 name="One" plainTextPath="internal://a.txt">
      <PlainTextSelection guid="x1" startPosition="0" endPosition="5" creatingUser="u1"><Coding guid="k1"><CodeRef targetGUID="c1"/></Coding></PlainTextSelection>
    </TextSource>
    <TextSource SOURCE2 name="Two" plainTextPath="internal://b.txt">
      <PlainTextSelection guid="x2" startPosition="0" endPosition="5" creatingUser="u1"><Coding guid="k2"><CodeRef targetGUID="C2"/></Coding></PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"#;

#[test]
fn two_text_sources_with_one_guid_imported_as_one_transcript() {
    let sources: [(&str, &[u8]); 2] = [("sources/a.txt", b"Alpha one."), ("sources/b.txt", b"Bravo two.")];
    let same = TWO_SOURCES
        .replace("SOURCE1", "guid=\"s1\"")
        .replace("SOURCE2", "guid=\"{S1}\"");
    let (tmp, out) = import_qde(&same, &sources);
    assert_refused(
        &tmp,
        &out,
        "TextSource `Two` has the GUID of TextSource `One` (line 9)",
    );
    assert!(out.stderr.contains("project.qde:12:"), "{out:#?}");
    let none = TWO_SOURCES.replace("SOURCE1", "").replace("SOURCE2", "");
    let (tmp, out) = import_qde(&none, &sources);
    assert_refused(&tmp, &out, "no GUID");
    // Distinct GUIDs: both transcripts.
    let distinct = TWO_SOURCES
        .replace("SOURCE1", "guid=\"s1\"")
        .replace("SOURCE2", "guid=\"s2\"");
    let (tmp, out) = import_qde(&distinct, &sources);
    out.ok();
    assert!(tmp.join("out/transcripts/One.txt").exists() && tmp.join("out/transcripts/Two.txt").exists());
}

#[test]
fn codings_of_duplicate_code_guids_all_went_to_the_last_code() {
    let sources: [(&str, &[u8]); 2] = [("sources/a.txt", b"Alpha one."), ("sources/b.txt", b"Bravo two.")];
    let xml = TWO_SOURCES
        .replace("SOURCE1", "guid=\"s1\"")
        .replace("SOURCE2", "guid=\"s2\"")
        .replace("guid=\"C2\"", "guid=\"{c1}\"");
    let (tmp, out) = import_qde(&xml, &sources);
    assert_refused(&tmp, &out, "Code `Funding` has the GUID of Code `Trust` (line 5)");
    assert!(out.stderr.contains("project.qde:6:"), "{out:#?}");
}

// 3. Leaks and injection.

#[test]
fn theme_names_and_participant_labels_became_live_links_and_remote_images_in_the_warnings() {
    let d = Dir::project();
    d.write(
        "codebook.md",
        format!("{FIXTURE_CODEBOOK}\n# [Verify your account](https://evil.example/login)\n- `unused` — nobody coded it.\n"),
    );
    d.write(
        "participants.csv",
        "id,group,label,aliases,site\nS1,staff,![](https://evil.example/pixel.png),,north\nS2,staff,Staff 2,,south\nP1,partner,Partner 1,Jo Bloggs,north\nP2,partner,Partner 2,,south\nU1,service_user,Service user 1,,north\n",
    );
    d.run(&["report"]).ok();
    let md = d.read("report/report.md");
    let warnings = &md[md.find("## Warnings").unwrap()..];
    assert!(warnings.contains("Verify your account"), "{warnings}");
    assert!(warnings.contains("pixel.png) supplies"), "{warnings}");
    let html = d.read("report/report.html");
    assert!(!html.contains("href=\"https://evil"), "a live link:\n{html}");
    assert!(!html.contains("src=\"https://evil"), "a remote image:\n{html}");
}

#[test]
fn links_and_images_in_codebook_descriptions_were_live_and_fetched() {
    let d = Dir::project();
    d.write(
        "codebook.md",
        FIXTURE_CODEBOOK.replace(
            "About relationships.",
            "About relationships ![](https://evil.example/pixel.png) and [more](https://evil.example/more) <https://evil.example/auto>.\n\n[ref]: https://evil.example/ref\n\nSee [ref].",
        ),
    );
    d.run(&["report"]).ok();
    let html = d.read("report/report.html");
    assert!(!html.contains("href=\"https://evil"), "a live link:\n{html}");
    assert!(!html.contains("src=\"https://evil"), "a remote image:\n{html}");
    assert!(html.contains("evil.example/pixel.png"), "shown as text:\n{html}");
}

#[test]
fn unbalanced_backtick_turned_off_escaping_in_report_md() {
    let d = Dir::project();
    d.write(
        "codebook.md",
        FIXTURE_CODEBOOK
            .replace(
                "What people value.",
                "What people value (the ` key). <img src=x onerror=alert(1)> &amp; more.",
            )
            .replace("About relationships.", "About relationships: `<b>` stays code."),
    );
    d.run(&["report"]).ok();
    let md = d.read("report/report.md");
    assert!(md.contains("\\<img src=x onerror=alert(1)\\>"), "{md}");
    assert!(md.contains("\\&amp;"), "{md}");
    assert!(md.contains("`<b>`"), "a balanced code span stays code: {md}");
}

#[test]
fn csv_written_for_people_passed_formulas_to_spreadsheets() {
    let d = Dir::project();
    d.write(
        "codebook.md",
        FIXTURE_CODEBOOK.replace("# Resources", "# =HYPERLINK(\"https://evil.example\",\"x\")"),
    );
    d.write(
        "participants.csv",
        "id,group,label,aliases,site\nS1,staff,@Staff 1,,north\nS2,staff,Staff 2,,south\nP1,partner,Partner 1,Jo Bloggs,north\nP2,partner,Partner 2,,south\nU1,service_user,Service user 1,,north\n",
    );
    d.run(&["report"]).ok();
    let themes = d.read("report/tables/themes.csv");
    assert!(themes.contains("\"'=HYPERLINK("), "{themes}");
    let quotes = d.read("report/tables/quotes.csv");
    assert!(quotes.contains(",'@Staff 1,"), "{quotes}");
    assert!(!quotes.contains(",@Staff"), "{quotes}");
    // For scripts, --format csv stays raw.
    let raw = d.run(&["stats", "--level", "theme", "--format", "csv"]).ok();
    assert!(raw.stdout.contains("\"=HYPERLINK("), "{raw:#?}");
}

#[test]
fn sheets_written_by_import_passed_formulas_to_spreadsheets_and_still_anchor() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<Project name="p" origin="test">
  <Users><User guid="u1" name="Ann"/></Users>
  <CodeBook><Codes><Code guid="c1" name="Trust" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="s1" name="One" plainTextPath="internal://a.txt">
      <PlainTextSelection guid="x1" startPosition="0" endPosition="11" creatingUser="u1"><Coding guid="k1"><CodeRef targetGUID="c1"/></Coding><Description>=1+2</Description></PlainTextSelection>
      <PlainTextSelection guid="x2" startPosition="12" endPosition="25" creatingUser="u1"><Coding guid="k2"><CodeRef targetGUID="c1"/></Coding></PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"#;
    let (tmp, out) = import_qde(xml, &[("sources/a.txt", "-Yes, trust\n@them, later.".as_bytes())]);
    out.ok();
    let sheet = std::fs::read_to_string(tmp.join("out/coding/ann.csv")).unwrap();
    assert_eq!(
        sheet,
        "document,quote,codes,memo\nOne,\"'-Yes, trust\",trust,'=1+2\nOne,\"'@them, later.\",trust,\n"
    );
    let check = run_in(&tmp.join("out"), &["check"]);
    assert_eq!(check.code, 0, "{check:#?}");
    assert!(check.stdout.contains("2 coded segments: 0 errors"), "{check:#?}");
}

// 4. Folders.

#[cfg(unix)]
#[test]
fn symlink_loop_in_transcripts_read_each_transcript_41_times() {
    let d = Dir::project();
    let clean = d.run(&["stats", "--format", "csv"]).ok().stdout;
    std::os::unix::fs::symlink("..", d.join("transcripts/loop")).unwrap();
    let out = run_within(&d, &["stats", "--format", "csv"], Duration::from_secs(20)).expect("no hang");
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stdout, clean, "each transcript counted once");
    let check = d.run(&["check"]);
    assert!(
        check
            .stdout
            .contains("warning: transcripts/loop: a link to a folder that is read already (a loop"),
        "{}",
        check.stdout
    );
}

#[cfg(unix)]
#[test]
fn two_symlink_loops_in_transcripts_hung() {
    let d = Dir::project();
    std::os::unix::fs::symlink(".", d.join("transcripts/self")).unwrap();
    std::fs::create_dir(d.join("transcripts/wave")).unwrap();
    std::os::unix::fs::symlink("..", d.join("transcripts/wave/up")).unwrap();
    let out = run_within(&d, &["check"], Duration::from_secs(20)).expect("no hang");
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stdout.matches("(a loop").count(), 2, "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_folder_was_read_as_a_transcript() {
    let d = Dir::project();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "R: Someone else's words.\n").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        d.join("transcripts/secret.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), d.join("transcripts/elsewhere")).unwrap();
    let out = d.run(&["search", "else's"]);
    assert!(!out.stdout.contains("Someone"), "{out:#?}");
    let check = d.run(&["check"]);
    for link in ["transcripts/secret.txt", "transcripts/elsewhere"] {
        assert!(
            check.stdout.contains(&format!(
                "warning: {link}: a link that leads out of the analysis folder: not followed"
            )),
            "{}",
            check.stdout
        );
    }
}

#[cfg(unix)]
#[test]
fn bare_qde_import_followed_a_symlinked_folder_under_sources_out_of_the_folder() {
    let tmp = Dir::empty();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "Not yours.").unwrap();
    let xml = TWO_SOURCES
        .replace("SOURCE1", "guid=\"s1\"")
        .replace("SOURCE2", "guid=\"s2\"")
        .replace("internal://b.txt", "internal://linked/secret.txt");
    tmp.write("proj/project.qde", &xml);
    tmp.write("proj/sources/a.txt", "Alpha one.");
    std::os::unix::fs::symlink(outside.path(), tmp.join("proj/sources/linked")).unwrap();
    let out = import(&tmp.join("proj/project.qde"), &tmp.join("out"));
    assert_refused(&tmp, &out, "refusing to follow a symbolic link out of");
}

// 5. Cost cliffs.

#[test]
fn abbreviated_quote_whose_end_never_occurs_scanned_to_the_end_from_every_start() {
    let d = Dir::project();
    d.write(
        "transcripts/long.txt",
        format!("R: {}\n", "we go on and on. ".repeat(120_000)),
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes,memo\nlong,we go … never said,trust,\n",
    );
    let out = run_within(&d, &["check"], Duration::from_secs(30)).expect("check finishes");
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.contains("quote not found in long"), "{out:#?}");
}

#[test]
fn docx_had_no_compression_ratio_limit() {
    let d = Dir::project();
    let text = format!("R: {}", "a".repeat(3 << 20));
    d.write("transcripts/bomb.docx", docx(&[&text]));
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1, "{out:#?}");
    let problem = out
        .problems()
        .into_iter()
        .find(|p| p.contains("bomb.docx"))
        .unwrap_or_default()
        .to_string();
    assert!(problem.starts_with("error: transcripts/bomb.docx"), "{out:#?}");
    assert!(problem.contains("-fold"), "{out:#?}");
}

// 6. Found by reading the code.

#[test]
fn stats_by_group_counted_a_participant_of_an_undeclared_group_under_the_first_group() {
    let d = Dir::project();
    // U1's group is not declared: an error, and the commands (told to go on past it) leave U1
    // out of every group.
    d.write(
        "participants.csv",
        crate::util::FIXTURE_PARTICIPANTS.replace("U1,service_user", "U1,visitor"),
    );
    let stats = d
        .run(&[
            "stats",
            "--level",
            "theme",
            "--by",
            "group",
            "--format",
            "csv",
            "--allow-errors",
        ])
        .ok();
    let tri = d.run(&["triangulate", "--format", "csv", "--allow-errors"]).ok();
    // Staff: S1 and S2 only, in both.
    assert!(
        stats.stdout.contains("theme,Relationships,group,staff,4,2,2"),
        "{stats:#?}"
    );
    assert!(tri.stdout.contains("theme,Relationships,staff,2,2,4"), "{tri:#?}");
}

#[test]
fn agree_with_one_coder_named_twice_compared_a_phantom_and_printed_kappa_0() {
    let d = Dir::project();
    let out = d.run(&["agree", "--coders", "amira,amira"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("`amira` is named twice"), "{out:#?}");
}

#[test]
fn agreement_of_64_coders_overflowed_the_coder_mask() {
    let d = Dir::project();
    for k in 0..64 {
        let quote = if k % 2 == 0 {
            "We share values."
        } else {
            "Trust takes time."
        };
        d.write(
            &format!("coding/c{k:02}.csv"),
            format!("document,quote,codes,memo\nS1,{quote},trust,\n"),
        );
    }
    d.remove("coding/amira.csv");
    d.remove("coding/ben.csv");
    let out = d.run(&["agree", "--codes", "trust", "--format", "csv"]).ok();
    assert!(out.stdout.contains("trust"), "{out:#?}");
    let out = d
        .run(&[
            "agree", "--codes", "trust", "--unit", "sentence", "--format", "csv",
        ])
        .ok();
    assert!(out.stdout.contains("trust"), "{out:#?}");
}

#[test]
fn init_panicked_on_a_closed_standard_output() {
    let tmp = Dir::empty();
    let dir = tmp.join("new");
    let mut child = Command::new(env!("CARGO_BIN_EXE_thematic"))
        .arg("init")
        .arg(&dir)
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(Path::new(&dir).join("thematic.toml").exists());
}
