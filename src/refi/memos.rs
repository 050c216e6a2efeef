//! Memos that belong to no coded passage: `memos/<name>.md` in the analysis folder.
//!
//! A memo on a coded passage goes in the coding sheet's `memo` column. Everything else a
//! project holds as notes or descriptions (the project's own notes, memos on codes, on
//! documents, on passages nobody coded, free-standing notes) becomes one Markdown file in
//! `memos/`, starting with what it is about. On export each file becomes a project note, and
//! importing that gives the same file back. thematic's other commands do not read `memos/`.

use super::names::{file_safe, Unique};
use super::qde::Qde;
use super::tree::Plan;
use anyhow::{Context, Result};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The folder memos live in.
pub const DIR: &str = "memos";

/// The memo of a passage nobody coded.
#[derive(Debug, Clone)]
pub struct Passage {
    pub document: String,
    pub excerpt: String,
    pub texts: Vec<String>,
}

struct Files {
    unique: Unique,
    out: Vec<(String, String)>,
}

impl Files {
    fn add(&mut self, name: &str, about: Option<String>, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let name = self.unique.take(&file_safe(name, false, "memo"));
        let body = match about {
            Some(about) => format!("{about}\n\n{text}\n"),
            None => format!("{text}\n"),
        };
        self.out.push((name, body));
    }
}

/// The memo files an import writes: (file stem, text). `consumed` holds the notes already
/// kept as row memos; every other note with text is written once.
pub fn imported(
    q: &Qde,
    doc_ids: &HashMap<String, String>,
    notes: &HashMap<String, (String, String)>,
    links: &HashMap<String, Vec<String>>,
    consumed: &mut HashSet<String>,
    passages: &[Passage],
    plan: &Plan,
) -> Vec<(String, String)> {
    let mut files = Files {
        unique: Unique::files(),
        out: Vec::new(),
    };
    let mut note = |guid: &str, files: &mut Files, fallback: &str, about: Option<String>| {
        if !consumed.insert(guid.to_string()) {
            return;
        }
        if let Some((name, text)) = notes.get(guid) {
            let name = if name.is_empty() { fallback } else { name.as_str() };
            files.add(name, about, text);
        }
    };
    files.add("project", Some("About the project.".into()), &q.description);
    for n in &q.note_refs {
        note(n, &mut files, "project", None);
    }
    let mut code_notes = Vec::new();
    collect_code_notes(&q.codes, &mut code_notes);
    for (code, refs) in code_notes {
        let about = match plan.ids.get(&code) {
            Some(id) => format!("About code `{id}`."),
            None => "About a theme or category of the codebook.".to_string(),
        };
        for n in refs {
            note(&n, &mut files, "code", Some(about.clone()));
        }
    }
    for s in &q.sources {
        let Some(doc) = doc_ids.get(&s.guid) else {
            continue;
        };
        let about = format!("About document `{doc}`.");
        files.add(doc, Some(about.clone()), &s.description);
        for n in s.note_refs.iter().chain(links.get(&s.guid).into_iter().flatten()) {
            note(n, &mut files, doc, Some(about.clone()));
        }
    }
    for p in passages {
        let about = format!("About document `{}`, the passage \"{}\".", p.document, p.excerpt);
        files.add(
            &format!("{}-passage", p.document),
            Some(about),
            &p.texts.join("\n\n"),
        );
    }
    for n in &q.notes {
        note(&n.guid, &mut files, "memo", None);
    }
    files.out
}

fn collect_code_notes(codes: &[super::qde::Code], out: &mut Vec<(String, Vec<String>)>) {
    for c in codes {
        if !c.note_refs.is_empty() {
            out.push((c.guid.clone(), c.note_refs.clone()));
        }
        collect_code_notes(&c.children, out);
    }
}

/// The memo files of an analysis folder, sorted by name: (file stem, text).
pub fn read(root: &Path) -> Result<Vec<(String, String)>> {
    let dir = root.join(DIR);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| !e.eq_ignore_ascii_case("md")) || !path.is_file() {
            continue;
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem.starts_with('.') {
            continue;
        }
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{}: not UTF-8", path.display()))?;
        let text =
            crate::corpus::decode::normalize_line_ends(text.trim_start_matches('\u{feff}').to_string());
        out.push((stem, text.trim().to_string()));
    }
    out.sort();
    Ok(out)
}
