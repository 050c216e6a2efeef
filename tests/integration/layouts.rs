//! Transcripts as they come from the field: the layouts of Teams, Otter and Zoom exports,
//! header lines, unidentified and unknown speakers, per-document speaker maps, odd encodings
//! and broken files. Each test is named after what used to go wrong.

use crate::util::{Dir, FIXTURE_TOML};
use std::io::Write;
use thematic::corpus::Speaker;
use thematic::project::Project;

/// The fixture's folder without coding or transcripts; the interviewer of the exports below
/// is Amira Haddad, named in `[corpus] interviewer`.
fn fresh() -> Dir {
    let d = Dir::project();
    d.remove("coding/amira.csv");
    d.remove("coding/ben.csv");
    d.remove("transcripts");
    d.write(
        "thematic.toml",
        format!(
            "{FIXTURE_TOML}\n[corpus]\ninterviewer = [\"Interviewer\", \"Facilitator\", \"Amira Haddad\"]\n"
        ),
    );
    d
}

/// Codes `quote` in `doc` with `trust` and returns what `code` printed after "coded ".
fn coded(d: &Dir, doc: &str, quote: &str) -> String {
    let out = d.run(&["code", doc, quote, "trust", "--coder", "amira"]).ok();
    let line = out.stdout.trim_end();
    line[line.find(" coded ").expect("a coded line") + 7..].to_string()
}

/// The `trust` rows of `stats --by participant`: who the coded quotes count for.
fn credited(d: &Dir) -> String {
    let out = d.run(&["stats", "--by", "participant", "--format", "csv"]).ok();
    out.stdout
        .lines()
        .filter(|l| l.starts_with("code,trust,") && !l.ends_with(",0,0,0"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The character range of `quote` in `text`, as `code` prints it.
fn range(text: &str, quote: &str) -> String {
    let at = text.find(quote).expect("the quote is in the text");
    let start = text[..at].chars().count();
    format!("{start}..{}", start + quote.chars().count())
}

/// Each turn of a document: label, speaker kind and time.
fn turns(d: &Dir, doc: &str) -> Vec<(String, String, Option<String>)> {
    let (project, _) = Project::load(d.path()).unwrap();
    let doc = &project.documents[project.document(doc).expect("the document")];
    doc.turns
        .iter()
        .map(|t| {
            let who = match t.speaker {
                Speaker::Participant(p) => project.participants.get(p as usize).id.to_string(),
                Speaker::Interviewer => "interviewer".into(),
                Speaker::Unidentified => "unidentified".into(),
                Speaker::Unknown => "unknown".into(),
            };
            (t.label.to_string(), who, t.time.as_deref().map(str::to_string))
        })
        .collect()
}

fn turn(label: &str, who: &str, time: Option<&str>) -> (String, String, Option<String>) {
    (label.into(), who.into(), time.map(str::to_string))
}

fn errors(d: &Dir) -> Vec<String> {
    let out = d.run(&["check"]);
    out.problems()
        .into_iter()
        .filter(|p| p.starts_with("error: "))
        .map(str::to_string)
        .collect()
}

/// A `.docx` as Microsoft Teams writes a meeting transcript: the title, date, duration and
/// "started transcription" paragraphs, then for each entry a paragraph with the speaker's
/// name and the time (`Name   0:03`, in two runs) and a paragraph with the words, and a
/// closing "stopped transcription" paragraph. With `separate`, name and time are paragraphs
/// of their own (as some Teams versions write them).
fn teams_docx(entries: &[(&str, &str, &str)], separate: bool) -> Vec<u8> {
    let p = |runs: &str| format!("<w:p><w:pPr><w:spacing w:after=\"0\"/></w:pPr>{runs}</w:p>");
    let r = |t: &str| {
        let esc = t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        format!("<w:r><w:t xml:space=\"preserve\">{esc}</w:t></w:r>")
    };
    let mut body = String::new();
    body.push_str(&p(&r("Interview-20250521_101502-Meeting Transcript")));
    body.push_str(&p(&r("21 May 2025, 10:15am")));
    body.push_str(&p(&r("32m 10s")));
    body.push_str(&p(&r("Amira Haddad started transcription")));
    for (name, time, words) in entries {
        if separate {
            body.push_str(&p(&r(name)));
            body.push_str(&p(&r(time)));
        } else {
            body.push_str(&p(&format!("{}{}", r(name), r(&format!("   {time}")))));
        }
        body.push_str(&p(&r(words)));
    }
    body.push_str(&p(&r("Amira Haddad stopped transcription")));
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(doc.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

const TEAMS: &[(&str, &str, &str)] = &[
    (
        "Amira Haddad",
        "0:03",
        "Thanks for talking to me. Do you trust the hub staff?",
    ),
    ("Jo Bloggs", "0:11", "I trust them, yes."),
    ("Jo Bloggs", "1:02:03", "It took a while."),
];

#[test]
fn teams_docx_speaker_and_time_lines_are_turns() {
    for separate in [false, true] {
        let d = fresh();
        d.write("transcripts/P1.docx", teams_docx(TEAMS, separate));
        assert_eq!(errors(&d), Vec::<String>::new());
        assert_eq!(
            turns(&d, "P1"),
            [
                turn("Amira Haddad", "interviewer", Some("0:03")),
                turn("Jo Bloggs", "P1", Some("0:11")),
                turn("Jo Bloggs", "P1", Some("1:02:03")),
            ]
        );
        let (project, _) = Project::load(d.path()).unwrap();
        let text = project.documents[0].text.clone();
        let q = "Do you trust the hub staff?";
        assert_eq!(
            coded(&d, "P1", q),
            format!("P1 {} (Amira Haddad) with trust: \"{q}\"", range(&text, q))
        );
        // The interviewer's question counts for no one.
        assert_eq!(credited(&d), "");
        let q = "I trust them, yes.";
        assert_eq!(
            coded(&d, "P1", q),
            format!("P1 {} (Jo Bloggs) with trust: \"{q}\"", range(&text, q))
        );
        assert_eq!(credited(&d), "code,trust,participant,P1,1,1,1");
    }
}

/// Otter.ai's .txt export: `Name  0:03` (two spaces), the words, a blank line; at the end
/// `Transcribed by https://otter.ai`.
const OTTER: &str = "Amira Haddad  0:03\nThanks for coming in. Do you trust the staff at the hub?\n\nService user 1  0:09\nI trust them now. I didn't at first.\n\nAmira Haddad  1:02:03\nWhy not?\n\nTranscribed by https://otter.ai\n";

#[test]
fn otter_txt_speaker_and_time_lines_are_turns() {
    let d = fresh();
    d.write("transcripts/U1.txt", OTTER);
    assert_eq!(errors(&d), Vec::<String>::new());
    assert_eq!(
        turns(&d, "U1"),
        [
            turn("Amira Haddad", "interviewer", Some("0:03")),
            turn("Service user 1", "U1", Some("0:09")),
            turn("Amira Haddad", "interviewer", Some("1:02:03")),
        ]
    );
    let q = "Do you trust the staff at the hub?";
    assert_eq!(
        coded(&d, "U1", q),
        format!("U1 {} (Amira Haddad) with trust: \"{q}\"", range(OTTER, q))
    );
    assert_eq!(credited(&d), "");
    // The turn's words start below the speaker-and-time line.
    let q = "I trust them now. I didn't at first.";
    assert_eq!(
        coded(&d, "U1", q),
        format!("U1 {} (Service user 1) with trust: \"{q}\"", range(OTTER, q))
    );
    assert_eq!(credited(&d), "code,trust,participant,U1,1,1,1");
    // Otter's closing line is nobody's words.
    let (project, _) = Project::load(d.path()).unwrap();
    let doc = &project.documents[0];
    assert_eq!(&doc.text[doc.turns[2].bytes.range()], "Why not?");
}

#[test]
fn teams_txt_bracket_time_name_lines_are_turns() {
    let d = fresh();
    let text = "[00:00:03] Amira Haddad\nDo you trust the hub?\n\n[00:00:09] Jo Bloggs\nI trust them.\n";
    d.write("transcripts/P1.txt", text);
    let other =
        "Amira Haddad  00:00:03.120\nDo you trust the hub?\n\nPartner 2  00:01:12.340\nTrust is low.\n";
    d.write("transcripts/P2.txt", other);
    assert_eq!(errors(&d), Vec::<String>::new());
    assert_eq!(
        turns(&d, "P1"),
        [
            turn("Amira Haddad", "interviewer", Some("00:00:03")),
            turn("Jo Bloggs", "P1", Some("00:00:09")),
        ]
    );
    assert_eq!(
        turns(&d, "P2"),
        [
            turn("Amira Haddad", "interviewer", Some("00:00:03.120")),
            turn("Partner 2", "P2", Some("00:01:12.340")),
        ]
    );
    coded(&d, "P1", "Do you trust the hub?");
    assert_eq!(credited(&d), "");
    assert_eq!(
        coded(&d, "P1", "I trust them."),
        format!(
            "P1 {} (Jo Bloggs) with trust: \"I trust them.\"",
            range(text, "I trust them.")
        )
    );
    coded(&d, "P2", "Trust is low.");
    assert_eq!(
        credited(&d),
        "code,trust,participant,P1,1,1,1\ncode,trust,participant,P2,1,1,1"
    );
}

#[test]
fn zoom_txt_bracket_name_time_lines_are_turns() {
    let d = fresh();
    d.write(
        "transcripts/P1.txt",
        "[Amira Haddad] 10:02:15\nDo you trust the hub?\n\n[Jo Bloggs] 10:02:21\nI trust them.\n",
    );
    assert_eq!(errors(&d), Vec::<String>::new());
    assert_eq!(
        turns(&d, "P1"),
        [
            turn("Amira Haddad", "interviewer", Some("10:02:15")),
            turn("Jo Bloggs", "P1", Some("10:02:21")),
        ]
    );
}

#[test]
fn unknown_speaker_is_not_glued_to_previous_speaker() {
    let d = fresh();
    let text = "Interviewer: Do you trust them?\nR: I trust them.\nUnknown speaker: Trust is a big word.\nMale voice: I trust nobody.\nUnidentified participant 2: Trust who?\nR: So the thing is: trust grows.\n";
    d.write("transcripts/S1.txt", text);
    assert_eq!(errors(&d), Vec::<String>::new());
    assert_eq!(
        turns(&d, "S1"),
        [
            turn("Interviewer", "interviewer", None),
            turn("R", "S1", None),
            turn("Unknown speaker", "unidentified", None),
            turn("Male voice", "unidentified", None),
            turn("Unidentified participant 2", "unidentified", None),
            turn("R", "S1", None),
        ]
    );
    assert_eq!(
        coded(&d, "S1", "Trust is a big word."),
        format!(
            "S1 {} (Unknown speaker) with trust: \"Trust is a big word.\"",
            range(text, "Trust is a big word.")
        )
    );
    coded(&d, "S1", "I trust nobody.");
    assert_eq!(credited(&d), "");

    // Numbered labels nobody mapped are errors that say how to map them, and never join the
    // turn before.
    d.write(
        "transcripts/S2.txt",
        "Interviewer: Hello.\nR: Hi.\nSpeaker 4: I trust them.\nP4: Me too.\n",
    );
    let errors = errors(&d);
    assert_eq!(
        errors,
        [
            "error: transcripts/S2.txt:3: speaker `Speaker 4` maps to no participant (say who it is for this document in its front matter: `speakers: Speaker 4 = ID`; or add it to [corpus] unidentified in thematic.toml if nobody knows)",
            "error: transcripts/S2.txt:4: speaker `P4` maps to no participant (say who it is for this document in its front matter: `speakers: P4 = ID`; or add it to [corpus] unidentified in thematic.toml if nobody knows)",
        ]
    );
    assert_eq!(
        turns(&d, "S2")[2..],
        [turn("Speaker 4", "unknown", None), turn("P4", "unknown", None)]
    );
}

#[test]
fn header_lines_are_metadata_not_speakers() {
    let d = fresh();
    d.write(
        "transcripts/S1.txt",
        "Date: 3 May 2025\nLocation: Eastgate hub\nInterview with: Staff 1\nNote: recorded on a phone\n\nInterviewer: Do you trust them?\nR: I trust them.\n",
    );
    assert_eq!(errors(&d), Vec::<String>::new());
    assert_eq!(
        turns(&d, "S1"),
        [turn("Interviewer", "interviewer", None), turn("R", "S1", None)]
    );
    let (project, _) = Project::load(d.path()).unwrap();
    let doc = &project.documents[0];
    assert_eq!(doc.meta("location"), Some("Eastgate hub"));
    assert_eq!(doc.meta("interview with"), Some("Staff 1"));
    // A header value is nobody's words.
    let text = d.read("transcripts/S1.txt");
    assert_eq!(
        coded(&d, "S1", "Eastgate hub"),
        format!("S1 {} with trust: \"Eastgate hub\"", range(&text, "Eastgate hub"))
    );
    assert_eq!(credited(&d), "");

    // A header key the settings do not know gets a hint that fits.
    d.write(
        "transcripts/S2.txt",
        "---\nparticipant: S2\n---\nBorough: Northvale\n\nInterviewer: Hello.\nR: Hi.\n",
    );
    assert_eq!(
        errors(&d),
        ["error: transcripts/S2.txt:4: speaker `Borough` maps to no participant (add it to participants.csv as an id, label or alias, or to [corpus] interviewer in thematic.toml); if it is a header line, not speech, add `Borough` to [corpus] headers in thematic.toml"]
    );
    d.write(
        "thematic.toml",
        format!("{FIXTURE_TOML}\n[corpus]\nheaders = [\"Borough\", \"Date\", \"Location\", \"Interview with\", \"Note\"]\n"),
    );
    assert_eq!(errors(&d), Vec::<String>::new());
}

#[test]
fn speaker_map_in_front_matter_lets_two_groups_have_a_sue() {
    let d = fresh();
    d.write(
        "transcripts/group-a.md",
        "---\ntype: focus group\nspeakers: Sue = P1; Tom  Baker = P2\n---\nFacilitator: Trust?\nSue: I trust the hub.\ntom baker: Trust is low.\n",
    );
    d.write(
        "transcripts/group-b.md",
        "---\nspeakers: Sue = S2\n---\nFacilitator: Trust?\nSue: Trust takes time.\n",
    );
    assert_eq!(errors(&d), Vec::<String>::new());
    assert_eq!(
        turns(&d, "group-a")[1..],
        [turn("Sue", "P1", None), turn("tom baker", "P2", None)]
    );
    coded(&d, "group-a", "I trust the hub.");
    coded(&d, "group-b", "Trust takes time.");
    assert_eq!(
        credited(&d),
        "code,trust,participant,S2,1,1,1\ncode,trust,participant,P1,1,1,1"
    );
    d.write(
        "transcripts/group-b.md",
        "---\nspeakers: Sue = S22\n---\nFacilitator: Trust?\nSue: Trust takes time.\n",
    );
    let errors = errors(&d);
    assert!(
        errors.contains(&"error: transcripts/group-b.md:2: front matter `speakers:` maps `Sue` to `S22`, who is not in participants.csv (did you mean `S2`?)".to_string()),
        "{errors:?}"
    );
}

#[test]
fn speaker_n_labels_map_per_document() {
    let d = fresh();
    let otter = "Speaker 1  0:03\nDo you trust the staff?\n\nSpeaker 2  0:07\nI trust them.\n";
    d.write("transcripts/U1.txt", otter);
    let errors_before = errors(&d);
    assert_eq!(errors_before.len(), 2, "{errors_before:?}");
    assert!(
        errors_before[0].contains("`speakers: Speaker 1 = ID`"),
        "{errors_before:?}"
    );
    let mapped = format!("---\nspeakers: Speaker 1 = Interviewer; Speaker 2 = U1\n---\n{otter}");
    d.write("transcripts/U1.txt", &mapped);
    assert_eq!(errors(&d), Vec::<String>::new());
    assert_eq!(
        turns(&d, "U1"),
        [
            turn("Speaker 1", "interviewer", Some("0:03")),
            turn("Speaker 2", "U1", Some("0:07")),
        ]
    );
    coded(&d, "U1", "Do you trust the staff?");
    assert_eq!(credited(&d), "");
    assert_eq!(
        coded(&d, "U1", "I trust them."),
        format!(
            "U1 {} (Speaker 2) with trust: \"I trust them.\"",
            range(&mapped, "I trust them.")
        )
    );
    assert_eq!(credited(&d), "code,trust,participant,U1,1,1,1");
}

#[test]
fn one_turn_document_in_a_labelled_project_is_warned() {
    let d = fresh();
    d.write(
        "transcripts/S1.txt",
        "Interviewer: Trust?\nR: Trust takes time.\n",
    );
    d.write(
        "transcripts/U1.txt",
        "AMIRA HADDAD (0:03) Do you trust the staff?\n\nSERVICE USER (0:09) I trust them.\n",
    );
    let out = d.run(&["check"]);
    assert!(
        out.problems().contains(&"warning: transcripts/U1.txt:1: no speaker labels found: the whole text (2 paragraphs) counts as U1's words; if it is a Teams/Otter export or uses other labels, give each turn a label (`Name:` at the start of a line, or `Name  0:03` on a line above the words); if it is one person's text, add front matter `turns: false`"),
        "{out:#?}"
    );
    d.write(
        "transcripts/U1.txt",
        "---\nturns: false\n---\nMy diary. I trust them.\n\nNote: more.\n",
    );
    assert!(d.run(&["check"]).problems().is_empty());
}

#[test]
fn utf16_without_bom_is_decoded() {
    let d = fresh();
    let text = "Interviewer: Ça va?\r\nR: J’ai confiance.\r\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    d.write("transcripts/S1.txt", bytes);
    let out = d.run(&["check"]);
    assert_eq!(
        out.problems(),
        ["warning: transcripts/S1.txt: UTF-16LE without a byte-order mark: read as UTF-16 from its NUL bytes (save it as UTF-8 to be sure)"]
    );
    assert_eq!(
        coded(&d, "S1", "J'ai confiance."),
        "S1 23..38 (R) with trust: \"J’ai confiance.\""
    );
    assert_eq!(credited(&d), "code,trust,participant,S1,1,1,1");
}

#[test]
fn malformed_srt_cue_is_reported() {
    let d = fresh();
    d.write(
        "transcripts/P2.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Trust?\n\n2\n00:00:02,000 -> 00:00:04,000\nPartner 2: I trust them.\n\n3\n00:00:04,000 --> 00:00:05,000\nPartner 2: Mostly.\n",
    );
    let out = d.run(&["check"]);
    assert_eq!(
        out.problems(),
        ["warning: transcripts/P2.srt:5: a cue without a timing line (`00:00:01,000 --> 00:00:04,000`): its text is left out: \"2 00:00:02,000 -> 00:00:04,000 Partner 2: I trust them.\""]
    );
}

#[test]
fn docx_that_is_not_a_zip_says_so() {
    let d = fresh();
    d.write(
        "transcripts/S1.docx",
        "Interviewer: saved as text with the wrong extension\n",
    );
    assert_eq!(
        errors(&d),
        ["error: transcripts/S1.docx: not a .docx file (not a Word document / zip archive): save it again from Word as .docx"]
    );
}

#[test]
fn vtt_note_block_is_front_matter_with_a_speaker_map() {
    let d = fresh();
    d.write(
        "transcripts/zoom-call.vtt",
        "WEBVTT\n\nNOTE\nparticipant: U1\nspeakers: Speaker 2 = U1; Speaker 1 = Interviewer\n\n1\n00:00:01.000 --> 00:00:03.000\nSpeaker 1: Do you trust the staff?\n\n2\n00:00:03.500 --> 00:00:06.000\nSpeaker 2: I trust them.\n",
    );
    assert_eq!(errors(&d), Vec::<String>::new());
    assert_eq!(
        turns(&d, "zoom-call"),
        [
            turn("Speaker 1", "interviewer", Some("00:00:01.000")),
            turn("Speaker 2", "U1", Some("00:00:03.500")),
        ]
    );
    coded(&d, "zoom-call", "Do you trust the staff?");
    assert_eq!(credited(&d), "");
    coded(&d, "zoom-call", "I trust them.");
    assert_eq!(credited(&d), "code,trust,participant,U1,1,1,1");
}
