//! Every `check` message, each as `FILE:LINE: message`, all listed at once.

use crate::util::{Dir, FIXTURE_AMIRA};

#[test]
fn a_clean_project_passes_and_summarises() {
    let out = Dir::project().run(&["check"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.problems(),
        ["warning: coding/amira.csv:10: code `kindness` is not in the codebook: listed as unsorted"]
    );
    assert!(
        out.stdout.ends_with("5 participants, 4 documents, 5 codes (1 unsorted), 2 coders, 11 coded segments: 0 errors, 1 warning\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn strict_fails_on_warnings() {
    assert_eq!(Dir::project().run(&["check", "--strict"]).code, 1);
}

#[test]
fn every_problem_is_listed_at_once() {
    let d = Dir::project();
    d.write(
        "thematic.toml",
        format!(
            "{}\n[report]\nquotes_per_subtheem = 2\n",
            crate::util::FIXTURE_TOML
        ),
    );
    d.write(
        "participants.csv",
        "id,group,label,aliases,site\nS1,staff,Staff 1,,north\nS1,staff,Again,,north\nS2,staff,Staff 2,,south\nP1,partners,Partner 1,Jo Bloggs,north\nP2,partner,Partner 2,,south\nU1,service_user\nU1,service_user,Service user 1,,north\n",
    );
    d.write(
        "codebook.md",
        format!(
            "{}- `trust` — again.\n- `bad id` — spaces.\n",
            crate::util::FIXTURE_CODEBOOK
        ),
    );
    d.write("transcripts/S1.txt", "Interviewer: What works?\nR: We share values. Communication is good.\nStranger Danger: Who am I?\n\nInterviewer: And trust?\nR: Trust takes time. Time heals. Time heals.\n");
    d.write("transcripts/empty.txt", "\n\n");
    d.write(
        "coding/amira.csv",
        format!(
            "{FIXTURE_AMIRA}S1,We share valued.,trust,\nS1,Time heals.,trust,\nS1,Trust takes time.,trust,,\nS2,We share values too.,Bad Code,\nnowhere,Hello,trust,\nS1,\"unclosed,trust\n"
        ),
    );
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1, "{out:#?}");
    let problems = out.problems();
    let expected = [
        "error: codebook.md:17: duplicate code id `trust` (first on line 9)",
        "error: codebook.md:18: invalid code id `bad id`: use letters, digits, `-`, `_` and `/` only",
        "warning: coding/amira.csv:10: code `kindness` is not in the codebook: listed as unsorted",
        "error: coding/amira.csv:11: quote not found in S1: \"We share valued.\" (closest: \"We share values.\")",
        "error: coding/amira.csv:12: quote occurs 2 times in S1: line 6 (R), line 6 (R); add an `occurrence` column (1 to 2) to pick one",
        "error: coding/amira.csv:13: this row has 5 fields but the header has 4 (a field with a comma in it must be in double quotes)",
        "error: coding/amira.csv:14: invalid code id `Bad Code`: use letters, digits, `-`, `_` and `/` only",
        "error: coding/amira.csv:15: unknown document `nowhere`",
        "error: coding/amira.csv:16: this row has 2 fields but the header has 4 (every column needs a field, even an empty one; a field with a line break in it must be in double quotes)",
        "error: participants.csv:3: duplicate participant id `S1` (first on line 2)",
        "error: participants.csv:5: unknown group `partners` for `P1`: thematic.toml [groups] has staff, partner, service_user (did you mean `partner`?)",
        "error: participants.csv:7: this row has 2 fields but the header has 5 (every column needs a field, even an empty one; a field with a line break in it must be in double quotes)",
        "error: thematic.toml:10: unknown key `report.quotes_per_subtheem` (did you mean `quotes_per_subtheme`?)",
        "error: transcripts/S1.txt:3: speaker `Stranger Danger` maps to no participant (add it to participants.csv as an id, label or alias, or to [corpus] interviewer in thematic.toml)",
        "error: transcripts/empty.txt: empty transcript: no text to code",
    ];
    for e in expected {
        assert!(problems.contains(&e), "missing {e:?} in\n{}", problems.join("\n"));
    }
    assert_eq!(problems.len(), expected.len(), "{}", problems.join("\n"));
}

#[test]
fn occurrence_picks_one_and_out_of_range_is_an_error() {
    let d = Dir::project();
    d.write(
        "transcripts/S1.txt",
        "Interviewer: Why?\nR: Trust takes time. Time heals. Time heals.\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes,occurrence\nS1,Time heals.,trust,2\nS1,Time heals.,trust,3\n",
    );
    d.remove("coding/ben.csv");
    let out = d.run(&["check"]);
    assert_eq!(
        out.problems(),
        ["error: coding/amira.csv:3: occurrence 3 is out of range: the quote occurs 2 times in S1"]
    );
}

#[test]
fn missing_files_and_folders_are_named() {
    let d = Dir::project();
    d.remove("participants.csv");
    d.remove("codebook.md");
    d.remove("transcripts");
    d.remove("coding");
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.problems(),
        [
            "error: codebook.md: file not found",
            "error: coding: coding folder not found",
            "error: participants.csv: file not found",
            "error: transcripts: transcripts folder not found",
        ]
    );
}

#[test]
fn a_missing_project_folder_is_a_usage_error() {
    let d = Dir::empty();
    let out = crate::util::run_in(d.path(), &["check", "-p", "does/not/exist"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: project folder does/not/exist does not exist\n"
    );
}

#[test]
fn undecodable_transcripts_are_errors_and_windows_1252_a_warning() {
    let d = Dir::project();
    d.write("transcripts/bin.txt", [0u8, 159, 146, 150, 0, 1]);
    d.write(
        "transcripts/S1.txt",
        b"Interviewer: Caf\xe9?\nR: We share values. Communication is good. Trust takes time.\n",
    );
    let out = d.run(&["check"]);
    let problems = out.problems();
    assert!(problems.contains(&"error: transcripts/bin.txt: undecodable transcript: not text: it holds NUL bytes (a binary file, or UTF-16 without a byte-order mark)"), "{problems:?}");
    assert!(
        problems.contains(
            &"warning: transcripts/S1.txt: not UTF-8: read as Windows-1252 (save it as UTF-8 to be sure)"
        ),
        "{problems:?}"
    );
}

#[test]
fn generic_labels_need_a_document_participant() {
    let d = Dir::project();
    d.write("transcripts/group/visit.txt", "Interviewer: Hello\nR: Hi there\n");
    let out = d.run(&["check"]);
    assert!(
        out.problems()
            .iter()
            .any(|p| p.starts_with("error: transcripts/group/visit.txt:2: speaker `R` is a generic label")),
        "{out:#?}"
    );
}

#[test]
fn no_input_makes_it_panic() {
    // Garbage of many shapes in every file: the binary must answer with problems, not panic
    // (run_in asserts no panic message).
    let garbage: [&[u8]; 8] = [
        b"",
        b"\xff\xfe\x00",
        b"\xfe\xff\xd8\x00",
        b"\"\"\"\n,,,\n\"",
        b"---\n---\n:::\n**:**\n[00:00]:\n",
        b"# \n## \n- `` \n  - polarity:\n- ``x``\n",
        b"WEBVTT\n\n-->\n<v\n\n1\n-->-->\n<v >\n",
        b"PK\x03\x04garbage",
    ];
    for (i, g) in garbage.iter().enumerate() {
        let d = Dir::project();
        for f in [
            "thematic.toml",
            "participants.csv",
            "codebook.md",
            "transcripts/S1.txt",
            "transcripts/U1.vtt",
            "transcripts/x.docx",
            "transcripts/y.srt",
            "coding/amira.csv",
        ] {
            d.write(f, g);
        }
        let out = d.run(&["check"]);
        assert!(matches!(out.code, 0 | 1), "garbage {i}: {out:#?}");
        let out = d.run(&["stats", "--level", "theme", "--by", "group"]);
        assert!(matches!(out.code, 0 | 2), "garbage {i}: {out:#?}");
    }
}
