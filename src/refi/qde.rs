//! The REFI-QDA project and codebook, read from the XML tree into plain structs.
//!
//! Only what `thematic` can use is kept: users, the code tree, variables and cases, text
//! sources with their selections and codings, notes and links. Everything else (pictures,
//! PDFs, audio, video, sets, graphs) is counted so the import summary can say what was left
//! out. GUIDs are compared lower-cased and without braces.

use super::xml::Element;
use std::collections::HashSet;

#[derive(Debug, Clone, Default)]
pub struct Qde {
    pub name: String,
    pub origin: String,
    pub users: Vec<User>,
    pub codes: Vec<Code>,
    pub variables: Vec<Variable>,
    pub cases: Vec<Case>,
    pub sources: Vec<Source>,
    pub notes: Vec<Note>,
    pub links: Vec<Link>,
    pub description: String,
    pub note_refs: Vec<String>,
    /// Parts of the project thematic does not read, as (what, how many).
    pub unread: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Default)]
pub struct User {
    pub guid: String,
    pub name: String,
}

#[derive(Debug, Clone, Default)]
pub struct Code {
    pub guid: String,
    pub name: String,
    pub codable: bool,
    pub description: String,
    pub note_refs: Vec<String>,
    pub children: Vec<Code>,
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Variable {
    pub guid: String,
    pub name: String,
}

#[derive(Debug, Clone, Default)]
pub struct Case {
    pub guid: String,
    pub name: String,
    /// (variable GUID, value as text).
    pub values: Vec<(String, String)>,
    pub sources: Vec<String>,
    pub line: usize,
}

/// Where a source's or note's text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextRef {
    Path(String),
    Content(String),
    None,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub guid: String,
    pub name: String,
    pub text: TextRef,
    pub description: String,
    pub selections: Vec<Selection>,
    /// Codings of the whole source.
    pub codings: Vec<Coding>,
    pub note_refs: Vec<String>,
    /// Document variables, which thematic does not keep.
    pub variable_values: usize,
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub guid: String,
    pub start: i128,
    pub end: i128,
    /// The selection's name: QualCoder and ATLAS.ti write the selected text there (ATLAS.ti
    /// cut to 100 characters and `…`), NVivo leaves it empty, qc writes a label.
    pub name: String,
    pub user: Option<String>,
    pub description: String,
    pub codings: Vec<Coding>,
    pub note_refs: Vec<String>,
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Coding {
    pub code: String,
    pub user: Option<String>,
    pub note_refs: Vec<String>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub guid: String,
    pub name: String,
    pub text: TextRef,
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Link {
    pub origin: String,
    pub target: String,
    pub note_refs: Vec<String>,
}

/// A GUID as compared: lower-cased, without braces.
pub fn guid(s: &str) -> String {
    s.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_lowercase()
}

fn attr_guid(e: &Element, name: &str) -> String {
    e.attr(name).map(guid).unwrap_or_default()
}

fn note_refs(e: &Element) -> Vec<String> {
    e.children("NoteRef")
        .map(|n| attr_guid(n, "targetGUID"))
        .collect()
}

/// A problem that makes the project unreadable, at a line of the project file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub line: usize,
    pub message: String,
}

/// Reads `<Project>`.
pub fn read_project(root: &Element) -> Result<Qde, Invalid> {
    let mut q = Qde {
        name: root.attr("name").unwrap_or("").trim().to_string(),
        origin: root.attr("origin").unwrap_or("").trim().to_string(),
        description: root.child_text("Description").to_string(),
        note_refs: note_refs(root),
        ..Qde::default()
    };
    let mut unread = Unread::default();
    for part in &root.children {
        match part.name.as_str() {
            "Users" => {
                q.users = part
                    .children("User")
                    .map(|u| User {
                        guid: attr_guid(u, "guid"),
                        name: u.attr("name").or(u.attr("id")).unwrap_or("").trim().to_string(),
                    })
                    .collect();
            }
            "CodeBook" => {
                if let Some(codes) = part.child("Codes") {
                    q.codes = read_codes(codes);
                }
            }
            "Variables" => {
                q.variables = part
                    .children("Variable")
                    .map(|v| Variable {
                        guid: attr_guid(v, "guid"),
                        name: v.attr("name").unwrap_or("").trim().to_string(),
                    })
                    .collect();
            }
            "Cases" => q.cases = part.children("Case").map(read_case).collect(),
            "Sources" => {
                let mut media = 0;
                for s in &part.children {
                    match s.name.as_str() {
                        "TextSource" => q.sources.push(read_source(s)?),
                        other => {
                            match other {
                                "PDFSource" => unread.add("PDF sources (thematic reads text sources)"),
                                "PictureSource" => unread.add("picture sources"),
                                "AudioSource" => unread.add("audio sources"),
                                "VideoSource" => unread.add("video sources"),
                                other => unread.add(&format!("<{other}> sources")),
                            }
                            media += media_codings(s);
                        }
                    }
                }
                for _ in 0..media {
                    unread.add("codings in picture, PDF, audio and video sources");
                }
            }
            "Notes" => {
                q.notes = part
                    .children("Note")
                    .map(|n| Note {
                        guid: attr_guid(n, "guid"),
                        name: n.attr("name").unwrap_or("").trim().to_string(),
                        text: text_ref(n),
                        line: n.line,
                    })
                    .collect();
            }
            "Links" => {
                q.links = part
                    .children("Link")
                    .map(|l| Link {
                        origin: attr_guid(l, "originGUID"),
                        target: attr_guid(l, "targetGUID"),
                        note_refs: note_refs(l),
                    })
                    .collect();
            }
            "Sets" => {
                for _ in part.children("Set") {
                    unread.add("sets (thematic groups codes by theme and category)");
                }
            }
            "Graphs" => {
                for _ in part.children("Graph") {
                    unread.add("graphs");
                }
            }
            _ => {}
        }
    }
    q.unread = unread.0;
    Ok(q)
}

/// Reads a `.qdc` `<CodeBook>`: its codes, and what it holds that thematic does not keep.
pub fn read_codebook(root: &Element) -> Qde {
    let mut unread = Unread::default();
    for _ in root.child("Sets").into_iter().flat_map(|s| s.children("Set")) {
        unread.add("sets (thematic groups codes by theme and category)");
    }
    Qde {
        origin: root.attr("origin").unwrap_or("").trim().to_string(),
        codes: root.child("Codes").map(read_codes).unwrap_or_default(),
        unread: unread.0,
        ..Qde::default()
    }
}

#[derive(Default)]
struct Unread(Vec<(String, usize)>);

impl Unread {
    fn add(&mut self, what: &str) {
        match self.0.iter_mut().find(|(w, _)| w == what) {
            Some((_, n)) => *n += 1,
            None => self.0.push((what.to_string(), 1)),
        }
    }
}

/// The distinct codings of a source thematic does not read, so the summary can say they were
/// left out. ATLAS.ti writes a PDF passage twice, as a `PDFSelection` and as a
/// `PlainTextSelection` of the PDF's text with the same GUID, each with its own `Coding`: a
/// selection's code counts once.
fn media_codings(source: &Element) -> usize {
    fn walk(e: &Element, selection: &str, out: &mut HashSet<(String, String)>) {
        let selection = match e.attr("guid") {
            Some(g) if e.name.ends_with("Selection") => guid(g),
            _ => selection.to_string(),
        };
        for c in e.children("Coding") {
            out.insert((selection.clone(), read_coding(c).code));
        }
        for child in &e.children {
            walk(child, &selection, out);
        }
    }
    let mut out = HashSet::new();
    walk(source, "", &mut out);
    out.len()
}

fn read_codes(codes: &Element) -> Vec<Code> {
    codes.children("Code").map(read_code).collect()
}

fn read_code(c: &Element) -> Code {
    // portableqda writes the description as an attribute.
    let description = match c.child("Description") {
        Some(d) => d.text.clone(),
        None => c.attr("description").unwrap_or("").to_string(),
    };
    Code {
        guid: attr_guid(c, "guid"),
        name: c.attr("name").unwrap_or("").trim().to_string(),
        codable: c
            .attr("isCodable")
            .is_none_or(|v| matches!(v.trim(), "true" | "1")),
        description,
        note_refs: note_refs(c),
        children: c.children("Code").map(read_code).collect(),
        line: c.line,
    }
}

fn read_case(c: &Element) -> Case {
    Case {
        guid: attr_guid(c, "guid"),
        name: c.attr("name").unwrap_or("").trim().to_string(),
        values: c
            .children("VariableValue")
            .map(|v| {
                let var = v.child("VariableRef").map(|r| attr_guid(r, "targetGUID"));
                let value = v
                    .children
                    .iter()
                    .find(|x| x.name.ends_with("Value"))
                    .map(|x| x.text.trim().to_string())
                    .unwrap_or_default();
                (var.unwrap_or_default(), value)
            })
            .collect(),
        sources: c
            .children("SourceRef")
            .map(|s| attr_guid(s, "targetGUID"))
            .collect(),
        line: c.line,
    }
}

fn text_ref(e: &Element) -> TextRef {
    if let Some(content) = e.child("PlainTextContent") {
        return TextRef::Content(content.text.clone());
    }
    match e.attr("plainTextPath") {
        Some(p) if !p.trim().is_empty() => TextRef::Path(p.trim().to_string()),
        _ => TextRef::None,
    }
}

fn read_source(s: &Element) -> Result<Source, Invalid> {
    let mut source = Source {
        guid: attr_guid(s, "guid"),
        name: s.attr("name").unwrap_or("").trim().to_string(),
        text: text_ref(s),
        description: s.child_text("Description").to_string(),
        selections: Vec::new(),
        codings: s.children("Coding").map(read_coding).collect(),
        note_refs: note_refs(s),
        variable_values: s.children("VariableValue").count(),
        line: s.line,
    };
    for sel in s.children("PlainTextSelection") {
        let position = |name: &str| -> Result<i128, Invalid> {
            let raw = sel.attr(name).ok_or_else(|| Invalid {
                line: sel.line,
                message: format!("PlainTextSelection without {name}"),
            })?;
            raw.trim().parse::<i128>().map_err(|_| Invalid {
                line: sel.line,
                message: format!("PlainTextSelection {name} `{raw}` is not a whole number"),
            })
        };
        source.selections.push(Selection {
            guid: attr_guid(sel, "guid"),
            start: position("startPosition")?,
            end: position("endPosition")?,
            name: sel.attr("name").unwrap_or("").to_string(),
            user: sel.attr("creatingUser").map(guid),
            description: sel.child_text("Description").to_string(),
            codings: sel.children("Coding").map(read_coding).collect(),
            note_refs: note_refs(sel),
            line: sel.line,
        });
    }
    Ok(source)
}

fn read_coding(c: &Element) -> Coding {
    Coding {
        code: c
            .child("CodeRef")
            .map(|r| attr_guid(r, "targetGUID"))
            .unwrap_or_default(),
        user: c.attr("creatingUser").map(guid),
        note_refs: note_refs(c),
        line: c.line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refi::xml::parse;

    #[test]
    fn reads_a_small_project() {
        let xml = r#"<Project xmlns="urn:QDA-XML:project:1.0" name="P" origin="NVivo for Windows 12.6">
  <Users><User guid="{AAAAAAAA-0000-0000-0000-000000000001}" name="Ann"/></Users>
  <CodeBook><Codes><Code guid="c1" name="Top" isCodable="false"><Description>d</Description>
    <Code guid="c2" name="Leaf" isCodable="true"/></Code></Codes></CodeBook>
  <Sources>
    <TextSource guid="s1" name="Doc" plainTextPath="internal://s1.txt">
      <PlainTextSelection guid="x" startPosition="3" endPosition="9" creatingUser="aaaaaaaa-0000-0000-0000-000000000001">
        <Coding guid="k"><CodeRef targetGUID="C2"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="p" name="pdf"/>
  </Sources>
  <Sets><Set guid="s" name="S"/></Sets>
</Project>"#;
        let q = read_project(&parse(xml).unwrap()).unwrap();
        assert_eq!(q.users[0].guid, "aaaaaaaa-0000-0000-0000-000000000001");
        assert!(!q.codes[0].codable);
        assert_eq!(q.codes[0].children[0].name, "Leaf");
        let sel = &q.sources[0].selections[0];
        assert_eq!((sel.start, sel.end), (3, 9));
        assert_eq!(sel.codings[0].code, "c2");
        assert_eq!(sel.user.as_deref(), Some("aaaaaaaa-0000-0000-0000-000000000001"));
        assert_eq!(q.sources[0].text, TextRef::Path("internal://s1.txt".into()));
        assert_eq!(q.unread.len(), 2);
    }

    #[test]
    fn bad_positions_are_invalid() {
        let xml = r#"<Project name="P"><Sources><TextSource guid="s"><PlainTextSelection guid="x" startPosition="a" endPosition="2"/></TextSource></Sources></Project>"#;
        let e = read_project(&parse(xml).unwrap()).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("startPosition `a`"));
    }
}
