//! Each transcript format and encoding, checked through where `code` anchors a quote (character
//! positions and speakers) and whom `stats` credits.

use crate::util::{docx, Dir};

/// Codes `quote` in `doc` and returns what `code` printed after the sheet's name.
fn coded(d: &Dir, doc: &str, quote: &str) -> String {
    let out = d.run(&["code", doc, quote, "trust", "--coder", "amira"]).ok();
    let line = out.stdout.trim_end();
    line[line.find(" coded ").expect("a coded line") + 7..].to_string()
}

fn credited(d: &Dir) -> String {
    let out = d.run(&["stats", "--by", "participant", "--format", "csv"]).ok();
    out.stdout
        .lines()
        .filter(|l| l.starts_with("code,trust,") && !l.ends_with(",0,0,0"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn fresh() -> Dir {
    let d = Dir::project();
    d.remove("coding/amira.csv");
    d.remove("coding/ben.csv");
    d.remove("transcripts");
    d
}

#[test]
fn txt_with_timestamps_and_generic_label() {
    let d = fresh();
    d.write(
        "transcripts/S1.txt",
        "[00:00:01] Interviewer: Hi.\n[00:00:04] R: I trust them.\nReally I do.\n",
    );
    // "[00:00:01] Interviewer: Hi.\n" is 28 characters; "[00:00:04] R: " 14 more.
    assert_eq!(
        coded(&d, "S1", "I trust them. Really"),
        "S1 42..62 (R) with trust: \"I trust them. Really\""
    );
    assert_eq!(credited(&d), "code,trust,participant,S1,1,1,1");
}

#[test]
fn markdown_with_front_matter_and_bold_labels() {
    let d = fresh();
    d.write(
        "transcripts/notes/s2-interview.md",
        "---\nparticipant: S2\n---\n**Interviewer:** Hi.\n\n**R:** We trust them.\n",
    );
    assert_eq!(
        coded(&d, "notes/s2-interview", "We trust them."),
        "notes/s2-interview 53..67 (R) with trust: \"We trust them.\""
    );
    assert_eq!(credited(&d), "code,trust,participant,S2,1,1,1");
}

#[test]
fn focus_group_labels_map_through_ids_labels_and_aliases() {
    let d = fresh();
    d.write("transcripts/fg.txt", "Facilitator: Go on.\nJo Bloggs: Trust matters.\nP2: Trust is low.\nService user 1: Trust is earned.\n");
    coded(&d, "fg", "Trust matters.");
    coded(&d, "fg", "Trust is low. Service user 1: Trust is earned.");
    assert_eq!(
        credited(&d),
        "code,trust,participant,P1,1,1,1\ncode,trust,participant,P2,1,1,1\ncode,trust,participant,U1,1,1,1"
    );
}

#[test]
fn webvtt_voices_merge_and_are_written_out() {
    let d = fresh();
    d.write(
        "transcripts/U1.vtt",
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>Hi.</v>\n\n2\n00:00:02.000 --> 00:00:03.000\n<v Service user 1>I trust</v>\n\n3\n00:00:03.000 --> 00:00:04.000\n<v Service user 1>the staff.</v>\n",
    );
    // Text: "Interviewer: Hi.\n\nService user 1: I trust the staff.\n"
    assert_eq!(
        coded(&d, "U1", "I trust the staff."),
        "U1 34..52 (Service user 1) with trust: \"I trust the staff.\""
    );
    assert_eq!(credited(&d), "code,trust,participant,U1,1,1,1");
}

#[test]
fn webvtt_with_name_prefixes_and_srt() {
    let d = fresh();
    d.write(
        "transcripts/P1.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nInterviewer: Hi.\n\n00:00:02.000 --> 00:00:03.000\nJo Bloggs: Trust grows.\n",
    );
    d.write(
        "transcripts/P2.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Hi.\n\n2\n00:00:02,000 --> 00:00:03,000\nPartner 2: Trust fades.\n",
    );
    assert_eq!(
        coded(&d, "P1", "Trust grows."),
        "P1 29..41 (Jo Bloggs) with trust: \"Trust grows.\""
    );
    assert_eq!(
        coded(&d, "P2", "Trust fades."),
        "P2 29..41 (Partner 2) with trust: \"Trust fades.\""
    );
    assert_eq!(
        credited(&d),
        "code,trust,participant,P1,1,1,1\ncode,trust,participant,P2,1,1,1"
    );
}

#[test]
fn docx_paragraphs_are_read_as_text() {
    let d = fresh();
    d.write(
        "transcripts/S1.docx",
        docx(&["Interviewer: Fish & chips?", "R: I trust the chippy."]),
    );
    // Text: "Interviewer: Fish & chips?\n\nR: I trust the chippy.\n"
    assert_eq!(
        coded(&d, "S1", "I trust the chippy."),
        "S1 31..50 (R) with trust: \"I trust the chippy.\""
    );
    assert_eq!(credited(&d), "code,trust,participant,S1,1,1,1");
}

#[test]
fn a_broken_docx_is_an_error_naming_the_file() {
    let d = fresh();
    d.write("transcripts/S1.docx", b"PK\x03\x04 not really a zip");
    let out = d.run(&["check"]);
    assert_eq!(out.code, 1);
    assert!(
        out.problems().iter().any(|p| p.starts_with(
            "error: transcripts/S1.docx: not a readable .docx: the zip archive is damaged or cut short"
        )),
        "{out:#?}"
    );
}

#[test]
fn encodings_and_line_ends() {
    let text = "Interviewer: Ça va?\r\nR: J’ai confiance — oui.\r\n";
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let bom: Vec<u8> = b"\xEF\xBB\xBF".iter().copied().chain(text.bytes()).collect();
    let cp1252 = windows_1252(text);
    for (name, bytes) in [
        ("utf8", text.as_bytes().to_vec()),
        ("bom", bom),
        ("le", utf16le),
        ("be", utf16be),
        ("cp1252", cp1252),
    ] {
        let d = fresh();
        d.write("transcripts/S1.txt", &bytes);
        // CRLF counts as one character and the BOM as none: "Interviewer: Ça va?\n" is 20.
        assert_eq!(
            coded(&d, "S1", "J'ai confiance - oui."),
            "S1 23..44 (R) with trust: \"J’ai confiance — oui.\"",
            "{name}"
        );
    }
}

/// Windows-1252 bytes of a text that has only characters that encoding has.
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{2019}' => 0x92,
            '\u{2014}' => 0x97,
            c if (c as u32) < 0x100 => c as u32 as u8,
            c => panic!("{c} is not in the test's table"),
        })
        .collect()
}

#[test]
fn positions_count_unicode_scalar_values() {
    let d = fresh();
    d.write(
        "transcripts/S1.txt",
        "Interviewer: 😀 Emoji?\nR: 👍🏽 I trust it.\n",
    );
    // "Interviewer: 😀 Emoji?\n" is 22 scalar values; "R: " 3; "👍🏽 " 3.
    assert_eq!(
        coded(&d, "S1", "I trust it."),
        "S1 28..39 (R) with trust: \"I trust it.\""
    );
}

#[test]
fn a_document_without_labels_is_its_participants() {
    let d = fresh();
    d.write(
        "transcripts/U1.txt",
        "I wrote this down myself. I trust the hub.\n",
    );
    assert_eq!(
        coded(&d, "U1", "I trust the hub."),
        "U1 26..42 with trust: \"I trust the hub.\""
    );
    assert_eq!(credited(&d), "code,trust,participant,U1,1,1,1");
}
