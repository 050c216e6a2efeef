//! Export: a loaded project as a REFI-QDA project (`.qdpx`) or codebook (`.qdc`).
//!
//! The XML follows the 1.0 schemas: elements in schema order, no empty containers, `#RRGGBB`
//! colours, positions in code points of the LF text written to `sources/` (front matter
//! left out). GUIDs are UUID v5 derived from what they name (a code's id, a document's id, a
//! segment's place), and the archive's entries have a fixed order and timestamp, so
//! exporting the same project twice gives the same bytes.
//!
//! The mapping is the inverse of the import's: themes and categories become codes that are
//! not codable, each code nests under its theme or category (and under the code its id's
//! path names), a code's rules follow its description as `include: ...` lines,
//! participants become cases with variables `id`, `group`, (`aliases`) and their
//! attributes, coders become users and memos become notes (dated [`NOTE_DATE`], names made
//! unique). A memo on a coded passage is its selection's `<Description>`. What thematic.toml
//! holds that REFI-QDA has no element for travels in one more note, [`settings::NOTE_NAME`].

use super::archive::write_zip;
use super::memos;
use super::names::{name_and_description, Unique};
use super::settings;
use super::xml::Writer;
use crate::codebook::Codebook;
use crate::corpus::{turns, Format};
use crate::project::Project;
use anyhow::{bail, Result};
use uuid::Uuid;

const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

/// Theme colours (Tableau 10), one per theme in turn.
const PALETTE: [&str; 10] = [
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F",
    "#BAB0AC",
];

/// A GUID derived from what it names.
pub fn guid(kind: &str, parts: &[&str]) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://thematic.invalid/refi-qda");
    let mut name = kind.to_string();
    for p in parts {
        name.push('\u{1f}');
        name.push_str(p);
    }
    Uuid::new_v5(&namespace, name.as_bytes()).to_string()
}

/// The date every note carries: REFI-QDA readers such as QualCoder need one, and a fixed
/// date (that of the archive's entries) keeps exports byte-identical.
pub const NOTE_DATE: &str = "1980-01-01T00:00:00Z";

fn origin() -> String {
    format!("thematic {}", env!("CARGO_PKG_VERSION"))
}

/// A code of the exported tree.
#[derive(Debug, Clone)]
struct OutCode {
    guid: String,
    name: String,
    codable: bool,
    color: Option<&'static str>,
    description: String,
    children: Vec<OutCode>,
}

fn code_guid(id: &str) -> String {
    guid("code", &[id])
}

/// The codebook as a REFI-QDA code tree.
fn code_tree(book: &Codebook) -> Vec<OutCode> {
    let leaf = |i: usize, color: Option<&'static str>| -> OutCode {
        let c = &book.codes[i];
        let (name, mut description) = name_and_description(&c.id, &c.definition);
        let mut rules: Vec<String> = Vec::new();
        rules.extend(c.include.iter().map(|v| format!("include: {v}")));
        rules.extend(c.exclude.iter().map(|v| format!("exclude: {v}")));
        rules.extend(c.examples.iter().map(|v| format!("example: {v}")));
        rules.extend(c.search.iter().map(|v| format!("search: {v}")));
        rules.extend(c.regex.iter().map(|v| format!("regex: {v}")));
        rules.extend(c.polarity.iter().map(|p| format!("polarity: {}", p.as_str())));
        if !rules.is_empty() {
            if !description.is_empty() {
                description.push('\n');
            }
            description.push_str(&rules.join("\n"));
        }
        OutCode {
            guid: code_guid(&c.id),
            name: if c.unsorted { c.id.clone() } else { name },
            codable: true,
            color,
            description,
            children: Vec::new(),
        }
    };
    let mut top: Vec<OutCode> = Vec::new();
    for (i, c) in book.codes.iter().enumerate() {
        if !c.unsorted && c.theme.is_none() && c.category.is_none() {
            top.push(leaf(i, None));
        }
    }
    let category = |k: usize, color: Option<&'static str>| -> OutCode {
        let cat = &book.categories[k];
        let codes: Vec<usize> = (0..book.codes.len())
            .filter(|&i| !book.codes[i].unsorted && book.codes[i].category == Some(k))
            .collect();
        let category_guid = guid("category", &[&k.to_string(), &cat.name]);
        OutCode {
            children: nest(book, &codes, &category_guid, color, &leaf),
            guid: category_guid,
            name: cat.name.clone(),
            codable: false,
            color,
            description: cat.description.clone(),
        }
    };
    for (t, theme) in book.themes.iter().enumerate() {
        let color = Some(PALETTE[t % PALETTE.len()]);
        let mut children: Vec<OutCode> = (0..book.codes.len())
            .filter(|&i| {
                let c = &book.codes[i];
                !c.unsorted && c.theme == Some(t) && c.category.is_none()
            })
            .map(|i| leaf(i, color))
            .collect();
        for k in (0..book.categories.len()).filter(|&k| book.categories[k].theme == Some(t)) {
            children.push(category(k, color));
        }
        top.push(OutCode {
            guid: guid("theme", &[&t.to_string(), &theme.name]),
            name: theme.name.clone(),
            codable: false,
            color,
            description: theme.description.clone(),
            children,
        });
    }
    for k in (0..book.categories.len()).filter(|&k| book.categories[k].theme.is_none()) {
        top.push(category(k, None));
    }
    for (i, _) in book.unsorted_codes() {
        top.push(leaf(i, None));
    }
    top
}

/// The codes of one category nested by the paths of their ids: `a/b` under `a` (a code
/// that is not codable stands in for a missing `a`).
fn nest(
    book: &Codebook,
    codes: &[usize],
    salt: &str,
    color: Option<&'static str>,
    leaf: &dyn Fn(usize, Option<&'static str>) -> OutCode,
) -> Vec<OutCode> {
    // (id, node) in codebook order, with stand-ins for missing parents before their children.
    let mut entries: Vec<(String, OutCode)> = Vec::new();
    let ids: Vec<&str> = codes.iter().map(|&i| book.codes[i].id.as_str()).collect();
    for &i in codes {
        let id = &book.codes[i].id;
        let mut prefix = String::new();
        for part in id.split('/').take(id.split('/').count() - 1) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if !ids.contains(&prefix.as_str()) && !entries.iter().any(|(e, _)| *e == prefix) {
                entries.push((
                    prefix.clone(),
                    OutCode {
                        guid: guid("parent", &[salt, &prefix]),
                        name: part.to_string(),
                        codable: false,
                        color,
                        description: String::new(),
                        children: Vec::new(),
                    },
                ));
            }
        }
        entries.push((id.clone(), leaf(i, color)));
    }
    fn children_of(entries: &[(String, OutCode)], parent: Option<&str>) -> Vec<OutCode> {
        entries
            .iter()
            .filter(|(id, _)| id.rsplit_once('/').map(|(p, _)| p) == parent)
            .map(|(id, node)| OutCode {
                children: children_of(entries, Some(id)),
                ..node.clone()
            })
            .collect()
    }
    children_of(&entries, None)
}

fn write_code(w: &mut Writer, c: &OutCode) {
    let codable = if c.codable { "true" } else { "false" };
    let mut attrs: Vec<(&str, &str)> = vec![("guid", &c.guid), ("name", &c.name), ("isCodable", codable)];
    if let Some(color) = c.color {
        attrs.push(("color", color));
    }
    if c.description.is_empty() && c.children.is_empty() {
        w.empty("Code", &attrs);
        return;
    }
    w.start("Code", &attrs);
    if !c.description.is_empty() {
        w.text("Description", &lf(&c.description));
    }
    for child in &c.children {
        write_code(w, child);
    }
    w.end("Code");
}

/// Text with LF line ends only (a file edited on Windows may hold CRLF).
fn lf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// The project's name: its title, else its folder's name.
fn project_name(project: &Project) -> String {
    if let Some(t) = project
        .config
        .project
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        return t.trim().to_string();
    }
    let root = std::fs::canonicalize(&project.root).unwrap_or_else(|_| project.root.clone());
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "thematic project".to_string())
}

/// A `.qdc` codebook.
pub fn qdc(project: &Project) -> Result<Vec<u8>> {
    let tree = code_tree(&project.codebook);
    if tree.is_empty() {
        bail!("the codebook has no codes: a .qdc needs at least one");
    }
    let mut w = Writer::new();
    let origin = origin();
    w.start("CodeBook", &[("xmlns", CODEBOOK_NS), ("origin", &origin)]);
    w.start("Codes", &[]);
    for c in &tree {
        write_code(&mut w, c);
    }
    w.end("Codes");
    w.end("CodeBook");
    Ok(w.finish().into_bytes())
}

/// What an export holds, for the summary.
#[derive(Debug, Default)]
pub struct Counts {
    pub documents: usize,
    pub codes: usize,
    pub selections: usize,
    pub users: usize,
    pub cases: usize,
    pub notes: usize,
}

/// A `.qdpx` archive of the project, and what it holds.
pub fn qdpx(project: &Project) -> Result<(Vec<u8>, Counts)> {
    let memos = memos::read(&project.root)?;
    let (qde, files, counts) = project_xml(project, &memos);
    let mut entries = vec![("project.qde".to_string(), qde.into_bytes())];
    entries.extend(files);
    Ok((write_zip(&entries)?, counts))
}

/// project.qde and the files it refers to (`sources/<guid>.txt`).
pub fn project_xml(
    project: &Project,
    memos: &[(String, String)],
) -> (String, Vec<(String, Vec<u8>)>, Counts) {
    let mut counts = Counts::default();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut w = Writer::new();
    let name = project_name(project);
    let origin = origin();
    w.start(
        "Project",
        &[("xmlns", PROJECT_NS), ("name", &name), ("origin", &origin)],
    );

    let users: Vec<String> = project.coders.iter().map(|c| guid("user", &[c])).collect();
    if !users.is_empty() {
        w.start("Users", &[]);
        for (c, g) in project.coders.iter().zip(&users) {
            w.empty("User", &[("guid", g), ("name", c)]);
        }
        w.end("Users");
        counts.users = users.len();
    }

    let tree = code_tree(&project.codebook);
    if !tree.is_empty() {
        w.start("CodeBook", &[]);
        w.start("Codes", &[]);
        for c in &tree {
            write_code(&mut w, c);
        }
        w.end("Codes");
        w.end("CodeBook");
        counts.codes = project.codebook.codes.len();
    }

    write_cases(&mut w, project, &mut counts);

    if !project.documents.is_empty() {
        w.start("Sources", &[]);
        for (d, doc) in project.documents.iter().enumerate() {
            let source = guid("source", &[&doc.id]);
            let body = match doc.format {
                Format::WebVtt | Format::SubRip | Format::Survey => 0,
                _ => turns::front_matter(&doc.text).1,
            };
            let skipped = doc.text[..body].chars().count();
            let text = &doc.text[body..];
            let path = format!("{source}.txt");
            files.push((format!("sources/{path}"), text.as_bytes().to_vec()));
            let internal = format!("internal://{path}");
            let segments = project.segments_of(d);
            let attrs = [
                ("guid", source.as_str()),
                ("name", doc.id.as_str()),
                ("plainTextPath", internal.as_str()),
            ];
            if segments.is_empty() {
                w.empty("TextSource", &attrs);
            } else {
                w.start("TextSource", &attrs);
                for s in segments {
                    let start = s.chars.start().saturating_sub(skipped);
                    let end = s.chars.end().saturating_sub(skipped);
                    if start >= end {
                        continue;
                    }
                    let coder = &project.coders[s.coder as usize];
                    let (start, end) = (start.to_string(), end.to_string());
                    let selection = guid("selection", &[&doc.id, &start, &end, coder, &s.line.to_string()]);
                    let user = &users[s.coder as usize];
                    w.start(
                        "PlainTextSelection",
                        &[
                            ("guid", &selection),
                            ("startPosition", &start),
                            ("endPosition", &end),
                            ("creatingUser", user),
                        ],
                    );
                    // The memo on a coded passage is the selection's description, which
                    // QualCoder, MAXQDA and ATLAS.ti read as the coding's memo.
                    if !s.memo().trim().is_empty() {
                        w.text("Description", &lf(s.memo().trim()));
                    }
                    for &c in &s.codes {
                        let id = &project.codebook.codes[c].id;
                        w.start(
                            "Coding",
                            &[
                                ("guid", &guid("coding", &[&selection, id])),
                                ("creatingUser", user),
                            ],
                        );
                        w.empty("CodeRef", &[("targetGUID", &code_guid(id))]);
                        w.end("Coding");
                    }
                    w.end("PlainTextSelection");
                    counts.selections += 1;
                }
                w.end("TextSource");
            }
        }
        w.end("Sources");
        counts.documents = project.documents.len();
    }

    // The settings note first, so that it keeps its name; every note has a date and a name
    // of its own (QualCoder's import stops at a note without either).
    let mut names = Unique::files();
    let mut notes: Vec<(String, String, String)> = vec![(
        guid("settings", &[]),
        names.take(settings::NOTE_NAME),
        settings::note_text(&project.config),
    )];
    for (stem, text) in memos {
        notes.push((guid("note", &[stem]), names.take(stem), text.clone()));
    }
    w.start("Notes", &[]);
    for (g, name, text) in &notes {
        let path = format!("{g}.txt");
        w.empty(
            "Note",
            &[
                ("guid", g),
                ("name", name),
                ("creationDateTime", NOTE_DATE),
                ("plainTextPath", &format!("internal://{path}")),
            ],
        );
        files.push((format!("sources/{path}"), text.as_bytes().to_vec()));
    }
    w.end("Notes");
    counts.notes = notes.len() - 1;
    for (g, _, _) in &notes {
        w.empty("NoteRef", &[("targetGUID", g)]);
    }
    w.end("Project");
    (w.finish(), files, counts)
}

/// Participants as cases, with their group, aliases and attributes as variables.
fn write_cases(w: &mut Writer, project: &Project, counts: &mut Counts) {
    let people = &project.participants;
    if people.is_empty() {
        return;
    }
    let with_aliases = people.list.iter().any(|p| !p.aliases.is_empty());
    let mut variables: Vec<String> = vec!["id".into(), "group".into()];
    if with_aliases {
        variables.push("aliases".into());
    }
    variables.extend(people.attributes.iter().cloned());
    let var_guids: Vec<String> = variables.iter().map(|v| guid("variable", &[v])).collect();
    w.start("Variables", &[]);
    for (v, g) in variables.iter().zip(&var_guids) {
        w.empty(
            "Variable",
            &[("guid", g), ("name", v), ("typeOfVariable", "Text")],
        );
    }
    w.end("Variables");
    w.start("Cases", &[]);
    for (i, p) in people.list.iter().enumerate() {
        let mut values: Vec<String> = vec![p.id.to_string(), p.group.to_string()];
        if with_aliases {
            values.push(p.aliases.join("; "));
        }
        values.extend(p.attributes.iter().map(|a| a.to_string()));
        w.start("Case", &[("guid", &guid("case", &[&p.id])), ("name", &p.label)]);
        for (value, g) in values.iter().zip(&var_guids) {
            if value.is_empty() {
                continue;
            }
            w.start("VariableValue", &[]);
            w.empty("VariableRef", &[("targetGUID", g)]);
            w.text("TextValue", value);
            w.end("VariableValue");
        }
        for doc in project.documents.iter().filter(|d| d.participant == Some(i)) {
            w.empty("SourceRef", &[("targetGUID", &guid("source", &[&doc.id]))]);
        }
        w.end("Case");
    }
    w.end("Cases");
    counts.cases = people.len();
}
