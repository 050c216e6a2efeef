//! REFI-QDA with real peers, each tool's behaviour copied exactly: QualCoder's import stops at
//! a note without `creationDateTime` or with a name another note has, reads a selection's
//! `<Description>` as the coding's memo, and its coding view stores positions in UTF-16 code
//! units while its import and the standard count code points; Taguette imports codebooks as
//! CSV (`tag,description`) and exports a flat `.qdc`. Every project here is written in the
//! test; where a fixture copies a tool's output, the comment above it says which code wrote
//! it.

use crate::refi::{assert_round_trip, assert_valid, folder, import, thematic, unzip_qde, zip_of};
use crate::util::{Dir, FIXTURE_CODEBOOK, FIXTURE_PARTICIPANTS};
use std::collections::HashSet;
use std::path::Path;
use thematic::config::{Approach, Config};
use thematic::diagnostics::Diagnostics;

/// A small project with everything that broke QualCoder's import: memos on coded passages
/// (two in one document), project memos (one named like the settings note, two whose names
/// differ only in case), an emoji before a coded passage, and settings in thematic.toml.
fn project_with_memos() -> Dir {
    let d = Dir::empty();
    d.write(
        "thematic.toml",
        "[project]\ntitle = \"Life Rooms evaluation\"\napproach = \"reflexive\"\n\n[groups]\nstaff = \"Harbour staff\"\npartner = \"Partner organisations\"\nservice_user = \"Service users\"\n",
    );
    d.write("participants.csv", FIXTURE_PARTICIPANTS);
    d.write("codebook.md", FIXTURE_CODEBOOK);
    d.write(
        "transcripts/S1.txt",
        "Interviewer: What works?\nR: We share values 😀. Keeping the cost down matters. Communication is good.\n\nInterviewer: And trust?\nR: Trust takes time.\n",
    );
    d.write(
        "transcripts/S2.txt",
        "Interviewer: What works?\nR: Funding is short 💸. We share values too.\n",
    );
    d.write(
        "coding/amira.csv",
        "document,quote,codes,memo\nS1,We share values 😀.,shared-values,Said with a smile.\nS1,Keeping the cost down matters.,funding,\"Ask how often they meet.\n\nSecond paragraph.\"\nS1,Trust takes time.,trust,\nS2,We share values too.,shared-values,Same words as S1.\n",
    );
    d.write("memos/journal.md", "Reflexive journal: trust came up early.\n");
    d.write("memos/Journal.md", "Team journal.\n");
    d.write(
        "memos/thematic.toml.md",
        "Not the settings: a memo that happens to have this name.\n",
    );
    d
}

fn export(d: &Dir) -> std::path::PathBuf {
    let qdpx = d.join("out.qdpx");
    let out = d.run(&["export", "qdpx", "--out", qdpx.to_str().unwrap()]).ok();
    assert!(out.stdout.contains("3 notes"), "{}", out.stdout);
    qdpx
}

/// An element: its local name, attributes and text.
type Element = (String, Vec<(String, String)>, String);

/// (element, attributes, text) of every element of a project file, read with quick-xml directly
/// rather than thematic's reader.
fn elements(xml: &str) -> Vec<Element> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            event @ (Event::Start(_) | Event::Empty(_)) => {
                let (Event::Start(e) | Event::Empty(e)) = &event else {
                    unreachable!()
                };
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        (
                            a.key.local_name().as_ref().to_string(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                let name = e.local_name().as_ref().to_string();
                out.push((name, attrs, String::new()));
                if matches!(event, Event::Start(_)) {
                    open.push(out.len() - 1);
                }
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].2.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(&i) = open.last() {
                    let c = r
                        .resolve_char_ref()
                        .unwrap()
                        .map(String::from)
                        .or_else(|| quick_xml::escape::resolve_predefined_entity(&r).map(String::from))
                        .unwrap();
                    out[i].2.push_str(&c);
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[test]
fn exported_notes_have_dates_and_unique_names() {
    // QualCoder's parse_notes calls `.replace` on the missing creationDateTime
    // (AttributeError), then stops on two notes named `Memo on LRs03`: the export had dated
    // no note and named every row memo `Memo on <document>`.
    let d = project_with_memos();
    let qdpx = export(&d);
    let tmp = Dir::empty();
    let qde = unzip_qde(&qdpx, tmp.path());
    assert_valid(&qde, "Project.xsd");
    let xml = std::fs::read_to_string(&qde).unwrap();
    let all = elements(&xml);
    let notes: Vec<&Element> = all.iter().filter(|(n, _, _)| n == "Note").collect();
    assert_eq!(notes.len(), 4, "three memos and the settings: {xml}");
    let mut names = HashSet::new();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&qdpx).unwrap()).unwrap();
    for (_, attrs, _) in &notes {
        let date = attr(attrs, "creationDateTime").expect("every note has a date");
        let shape: String = date
            .chars()
            .map(|c| if c.is_ascii_digit() { '0' } else { c })
            .collect();
        assert_eq!(shape, "0000-00-00T00:00:00Z", "{date}");
        let name = attr(attrs, "name").expect("every note has a name");
        assert!(!name.is_empty());
        assert!(names.insert(name.to_lowercase()), "note name {name} twice: {xml}");
        let path = attr(attrs, "plainTextPath").unwrap();
        let entry = format!("sources/{}", path.strip_prefix("internal://").unwrap());
        assert!(zip.by_name(&entry).is_ok(), "{entry} is in the archive");
    }
    assert!(
        names.contains("thematic.toml") && names.contains("thematic.toml-2"),
        "{names:?}"
    );
    assert!(!xml.contains("Memo on"), "row memos are not notes: {xml}");
    // The emoji's passage is exported in code points.
    let text = std::fs::read_to_string(d.join("transcripts/S1.txt")).unwrap();
    let cut = |s: &str, e: &str| -> String {
        let (s, e): (usize, usize) = (s.parse().unwrap(), e.parse().unwrap());
        text.chars().skip(s).take(e - s).collect()
    };
    let passages: Vec<String> = all
        .iter()
        .filter(|(n, _, _)| n == "PlainTextSelection")
        .map(|(_, a, _)| cut(attr(a, "startPosition").unwrap(), attr(a, "endPosition").unwrap()))
        .collect();
    assert!(
        passages.contains(&"Keeping the cost down matters.".to_string()),
        "{passages:?}"
    );
    // Byte-identical run to run.
    let again = d.join("again.qdpx");
    d.run(&["export", "qdpx", "--out", again.to_str().unwrap()]).ok();
    assert!(std::fs::read(&qdpx).unwrap() == std::fs::read(&again).unwrap());
}

#[test]
fn memos_on_coded_passages_travel_as_coding_descriptions() {
    // QualCoder reads a PlainTextSelection's <Description> as the coding memo; as notes the
    // memos arrived as free-standing journals.
    let d = project_with_memos();
    let qdpx = export(&d);
    let tmp = Dir::empty();
    let xml = std::fs::read_to_string(unzip_qde(&qdpx, tmp.path())).unwrap();
    let all = elements(&xml);
    let mut descriptions = Vec::new();
    for (i, (name, _, _)) in all.iter().enumerate() {
        if name == "PlainTextSelection" {
            if let Some((child, _, text)) = all.get(i + 1) {
                if child == "Description" {
                    descriptions.push(text.clone());
                }
            }
        }
    }
    assert_eq!(
        descriptions,
        [
            "Said with a smile.",
            "Ask how often they meet.\n\nSecond paragraph.",
            "Same words as S1."
        ]
    );
    let notes_on_selections = all
        .windows(2)
        .filter(|w| w[0].0 == "PlainTextSelection" && w[1].0 == "NoteRef")
        .count();
    assert_eq!(notes_on_selections, 0, "{xml}");
    let back = tmp.join("back");
    let out = import(&qdpx, &back).ok();
    assert!(
        out.stdout.contains("memos:    3 in memos/, 3 in coding sheets"),
        "{}",
        out.stdout
    );
    assert_eq!(
        std::fs::read_to_string(back.join("coding/amira.csv")).unwrap(),
        d.read("coding/amira.csv")
    );
    let memos = folder(&back.join("memos"));
    let names: Vec<&str> = memos.keys().map(String::as_str).collect();
    // Export gave the memo named like the settings note a name of its own.
    assert_eq!(names, ["Journal.md", "journal-2.md", "thematic.toml-2.md"]);
    assert_eq!(
        memos["thematic.toml-2.md"],
        b"Not the settings: a memo that happens to have this name.\n"
    );
    assert_eq!(thematic(&back, &["check"]).code, 0);
}

#[test]
fn thematic_toml_survives_a_round_trip() {
    // Group labels, `approach` and the title were lost in every round trip, even thematic →
    // thematic.
    let d = project_with_memos();
    let qdpx = export(&d);
    let tmp = Dir::empty();
    let back = tmp.join("back");
    import(&qdpx, &back).ok();
    let read = |p: &Path| {
        let mut diags = Diagnostics::default();
        let c = Config::parse(
            &std::fs::read_to_string(p.join("thematic.toml")).unwrap(),
            "thematic.toml",
            &mut diags,
        );
        assert_eq!(diags.errors(), 0);
        c
    };
    let (before, after) = (read(d.path()), read(&back));
    assert_eq!(after.project.title.as_deref(), Some("Life Rooms evaluation"));
    assert_eq!(after.project.approach, Approach::Reflexive);
    assert_eq!(after.groups, before.groups);
    // A project with no settings gets none back: no title made up from the folder's name.
    let bare = project_with_memos();
    bare.write("thematic.toml", "");
    let qdpx = export(&bare);
    let back = tmp.join("bare");
    import(&qdpx, &back).ok();
    let toml = std::fs::read_to_string(back.join("thematic.toml")).unwrap();
    assert!(!toml.contains("title") && !toml.contains("approach"), "{toml}");
    assert!(toml.contains("[groups]\nstaff = \"staff\"\n"), "{toml}");
    // And the whole folder comes back the same through a second export.
    assert_round_trip(&qdpx);
}

/// QualCoder 3.x writes notes like this (refi.py `create_note_xml` for journals): a date, a
/// user, a name and a text file. Other tools leave the date out (this one has none), and
/// QualCoder itself gives two journals the same name when a project was merged.
const NOTES_AS_TOOLS_WRITE_THEM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Notes" origin="QualCoder 3.6">
  <Users><User guid="00000000-0000-0000-0000-0000000000a1" name="colin"/></Users>
  <Sources>
    <TextSource guid="00000000-0000-0000-0000-0000000000d1" name="Anna.txt" plainTextPath="internal://d1.txt"/>
  </Sources>
  <Notes>
    <Note guid="00000000-0000-0000-0000-0000000000e1" creatingUser="00000000-0000-0000-0000-0000000000a1" creationDateTime="2021-05-04T10:11:12Z" name="Memo" plainTextPath="internal://e1.txt"><Description /></Note>
    <Note guid="00000000-0000-0000-0000-0000000000e2" name="Memo" plainTextPath="internal://e2.txt"/>
    <Note guid="00000000-0000-0000-0000-0000000000e3" name="memo"><PlainTextContent>Third.</PlainTextContent></Note>
  </Notes>
</Project>"#;

#[test]
fn notes_without_a_date_or_with_the_same_name_import() {
    let tmp = Dir::empty();
    let file = tmp.join("notes.qdpx");
    std::fs::write(
        &file,
        zip_of(&[
            ("project.qde", NOTES_AS_TOOLS_WRITE_THEM.as_bytes()),
            ("sources/d1.txt", b"Anna: I liked it."),
            ("sources/e1.txt", b"First."),
            ("sources/e2.txt", b"Second."),
        ]),
    )
    .unwrap();
    let into = tmp.join("n");
    let out = import(&file, &into).ok();
    assert!(out.stdout.contains("memos:    3 in memos/"), "{}", out.stdout);
    let memos = folder(&into.join("memos"));
    assert_eq!(memos["Memo.md"], b"First.\n");
    assert_eq!(memos["Memo-2.md"], b"Second.\n");
    assert_eq!(memos["memo-3.md"], b"Third.\n");
}

/// A QualCoder interview: an emoji early on, passages after it, one across a line break.
const ANNA: &str = "Interviewer: How is the service?\nAnna: I love it 😀 honestly. Keeping the cost down is hard.\nWe share values 🤝🏽 and\ntrust each other.\nAnna: It was better last year.\n";

/// UTF-16 code units before `find` in `text`, as QualCoder's coding view (a Qt text edit)
/// counts them.
fn utf16_at(text: &str, find: &str) -> (usize, usize) {
    let at = text.find(find).unwrap();
    let start = text[..at].encode_utf16().count();
    (start, start + find.encode_utf16().count())
}

/// A project as QualCoder's `RefiExport` writes it (refi.py: `text_selection_xml` and
/// `create_note_xml`): one PlainTextSelection per coding with the coded text in `name`
/// (html-escaped, line breaks as they are, which XML reads as spaces), the coding memo as its
/// Description before the Coding, positions as the coding view stored them.
fn qualcoder_project() -> String {
    let sel = |guid: u32, at: &str, name: &str, code: u32, memo: &str| -> String {
        let (s, e) = utf16_at(ANNA, at);
        let memo = if memo.is_empty() {
            String::new()
        } else {
            format!("<Description>{memo}</Description>\n")
        };
        format!(
            "<PlainTextSelection guid=\"00000000-0000-0000-0000-0000000001{guid:02}\" startPosition=\"{s}\" endPosition=\"{e}\" name=\"{name}\" creatingUser=\"00000000-0000-0000-0000-0000000000a1\" creationDateTime=\"2024-03-01T10:00:00Z\">\n{memo}<Coding guid=\"00000000-0000-0000-0000-0000000002{guid:02}\" creatingUser=\"00000000-0000-0000-0000-0000000000a1\" >\n<CodeRef targetGUID=\"00000000-0000-0000-0000-0000000000c{code}\" />\n</Coding>\n</PlainTextSelection>\n"
        )
    };
    let mut selections = String::new();
    selections += &sel(1, "How is the service?", "How is the service?", 1, "");
    selections += &sel(
        2,
        "Keeping the cost down is hard.",
        "Keeping the cost down is hard.",
        2,
        "Cost &amp; access",
    );
    selections += &sel(
        3,
        "We share values 🤝🏽 and\ntrust each other.",
        "We share values 🤝🏽 and\ntrust each other.",
        1,
        "",
    );
    // Coded before six characters went in ahead of it: its text is no longer at its
    // positions in any unit.
    selections += &sel(4, "Anna: It was better last", "It was better last year.", 2, "");
    format!(
        r##"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Harbour" origin="QualCoder 3.6" creatingUserGUID="00000000-0000-0000-0000-0000000000ff" creationDateTime="2024-03-01T09:00:00Z" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="00000000-0000-0000-0000-0000000000a1" name="colin" />
</Users>
<CodeBook>
<Codes>
<Code guid="00000000-0000-0000-0000-0000000000c1" name="values" isCodable="true" color="#F28E2B">
<Description />
</Code>
<Code guid="00000000-0000-0000-0000-0000000000c2" name="cost" isCodable="true" color="#4E79A7">
<Description />
</Code>
</Codes>
</CodeBook>
<Sources>
<TextSource plainTextPath="internal://00000000-0000-0000-0000-0000000000d1.txt" creatingUser="00000000-0000-0000-0000-0000000000a1" creationDateTime="2024-03-01T09:30:00Z" guid="00000000-0000-0000-0000-0000000000d1" name="Anna.txt">
{selections}</TextSource>
</Sources>
</Project>"##
    )
}

#[test]
fn qualcoder_utf16_positions_after_an_emoji_import_onto_the_right_text() {
    // QualCoder's coding view stores positions in UTF-16 code units and its export writes
    // them as they are: `thematic import` counted code points and took "Keeping the cost…"
    // as "eeping the cost…", and `check` passed on the shifted quote.
    let tmp = Dir::empty();
    let file = tmp.join("harbour.qdpx");
    std::fs::write(
        &file,
        zip_of(&[
            ("project.qde", qualcoder_project().as_bytes()),
            (
                "sources/00000000-0000-0000-0000-0000000000d1.txt",
                ANNA.as_bytes(),
            ),
        ]),
    )
    .unwrap();
    let into = tmp.join("h");
    let out = import(&file, &into).ok();
    assert_eq!(
        std::fs::read_to_string(into.join("coding/colin.csv")).unwrap(),
        "document,quote,codes,memo\nAnna.txt,How is the service?,values,\nAnna.txt,Keeping the cost down is hard.,cost,Cost & access\nAnna.txt,\"We share values 🤝🏽 and\ntrust each other.\",values,\n"
    );
    for line in [
        "note: 2 selections in `Anna.txt` count UTF-16 code units, not code points as the origin implies: their own text (`name`) is there\n",
        "  codings:  3 of 4 -> 3 rows in coding/colin.csv\n",
        "  - 1 × selections whose own text (their `name`) is at none of their positions, in any unit (their codings are left out, not imported shifted): `Anna.txt` ",
    ] {
        assert!(out.stdout.contains(line), "{line}\n{}", out.stdout);
    }
    assert_eq!(thematic(&into, &["check"]).code, 0);
}

/// Taguette 1.5's `list_tags_csv` (taguette/import_codebook.py), step by step: the header
/// read as UTF-8 with no byte-order mark handling, exactly one of `tag`, `name`, `path`, an
/// optional `description`, every row as long as those columns and with a tag name.
fn taguette_reads(csv_bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = std::str::from_utf8(csv_bytes).map_err(|_| "Invalid file: CSV expected")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = reader.records();
    let header = rows.next().ok_or("Invalid file: CSV expected")?.unwrap();
    let header: Vec<&str> = header.iter().collect();
    let found: Vec<usize> = ["tag", "name", "path"]
        .iter()
        .filter_map(|c| header.iter().position(|h| h == c))
        .collect();
    let path = match found.as_slice() {
        [one] => *one,
        [] => return Err("No 'tag', 'name', or 'path' column".into()),
        _ => return Err("Not sure which column to use for tag name".into()),
    };
    let description = header.iter().position(|h| *h == "description");
    let needed = path.max(description.unwrap_or(0)) + 1;
    let mut tags = Vec::new();
    for (nb, row) in rows.enumerate() {
        let row = row.unwrap();
        if row.len() < needed {
            return Err(format!("Not enough columns (row {})", nb + 2));
        }
        if row.iter().all(str::is_empty) {
            continue;
        }
        let tag = row[path].trim().to_string();
        if tag.is_empty() {
            return Err(format!("Empty tag name (row {})", nb + 2));
        }
        tags.push((tag, description.map_or("", |d| row[d].trim()).to_string()));
    }
    Ok(tags)
}

#[test]
fn taguette_imports_the_codebook_csv() {
    // Taguette refused thematic's codebook: its import reads CSV only ("No 'tag', 'name', or
    // 'path' column" for anything else).
    let d = Dir::project();
    let out = d.join("book.csv");
    let said = d
        .run(&["export", "codebook", "--csv", "--out", out.to_str().unwrap()])
        .ok();
    assert!(
        said.stdout.contains("exported 5 codes as Taguette tags"),
        "{}",
        said.stdout
    );
    let bytes = std::fs::read(&out).unwrap();
    let tags = taguette_reads(&bytes).unwrap();
    let names: Vec<&str> = tags.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        names,
        ["shared-values", "trust", "communication", "funding", "kindness"]
    );
    assert_eq!(tags[0].1, "values that fit.");
    // Without --csv it is the .qdc, as `export qdc` writes it.
    let qdc = d.join("book.qdc");
    d.run(&["export", "codebook", "--out", qdc.to_str().unwrap()])
        .ok();
    let same = d.join("same.qdc");
    d.run(&["export", "qdc", "--out", same.to_str().unwrap()]).ok();
    assert!(std::fs::read(&qdc).unwrap() == std::fs::read(&same).unwrap());
}

/// Taguette 1.5.2's `.qdc` export: flat codes, dotted names for its tag paths, no
/// descriptions and an empty (schema-invalid) `<Sets/>`, all on one line.
const TAGUETTE_QDC: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.5.2"><Codes><Code guid="B88598DC-A7F4-5B20-B898-C3961A3D2021" name="housing" isCodable="true"/><Code guid="69664B19-CBB7-5BE6-9BD0-E2B947242DB6" name="emotion.positive" isCodable="true"/><Code guid="15A98100-F0CE-5B9D-A6E1-644CE2A139CF" name="shared-values" isCodable="true"/></Codes><Sets/></CodeBook>"#;

#[test]
fn taguettes_flat_qdc_imports_as_codes_under_no_theme() {
    let d = Dir::project();
    d.write("taguette.qdc", TAGUETTE_QDC);
    let out = d
        .run(&[
            "import",
            "qdc",
            d.join("taguette.qdc").to_str().unwrap(),
            "--replace",
        ])
        .ok();
    assert!(
        out.stdout
            .contains("3 of 3 -> codebook.md: 0 themes, 0 categories, 3 codes"),
        "{}",
        out.stdout
    );
    assert_eq!(
        d.read("codebook.md"),
        "- `housing`\n- `emotion-positive` — emotion.positive\n- `shared-values`\n"
    );
}
