//! The sources of a project read for import: each text decoded, its selections converted to
//! byte ranges of the text thematic will keep (and checked to lie inside it), and the notes
//! that memos come from.

use super::archive::{is_external, Container};
use super::offsets::{SourceText, Unit};
use super::placing::{Placed, Placer};
use super::qde::{self, Qde, TextRef};
use super::summary::Summary;
use anyhow::{anyhow, Result};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// A source kept for import: its text and its selections as byte ranges of that text.
pub struct Doc {
    pub guid: String,
    pub name: String,
    pub text: String,
    pub spans: Vec<Span>,
}

pub struct Span {
    pub range: Range<usize>,
    pub guid: String,
    pub user: Option<String>,
    pub description: String,
    pub note_refs: Vec<String>,
    pub codings: Vec<qde::Coding>,
}

/// The text of every note that has one: GUID → (name, text).
pub fn read_notes(
    q: &Qde,
    container: &mut Container,
    qde_file: &str,
    summary: &mut Summary,
) -> Result<HashMap<String, (String, String)>> {
    let mut out = HashMap::new();
    for n in &q.notes {
        let label = if n.name.is_empty() {
            n.guid.clone()
        } else {
            format!("`{}`", n.name)
        };
        match read_text(&n.text, container)
            .map_err(|e| anyhow!("{qde_file}:{}: Note {label}: {e:#}", n.line))?
        {
            Ok(bytes) => match SourceText::decode(&bytes, Unit::CodePoint) {
                Ok(t) => {
                    out.insert(n.guid.clone(), (n.name.clone(), t.text.trim().to_string()));
                }
                Err(why) => summary.skip(format!("notes whose text is unreadable ({why})"), label),
            },
            Err(why) => summary.skip(format!("notes {why}"), label),
        }
    }
    Ok(out)
}

/// A text's bytes, or why it cannot be had (`Ok(Err(reason))`).
fn read_text(text: &TextRef, container: &mut Container) -> Result<std::result::Result<Vec<u8>, String>> {
    Ok(match text {
        TextRef::Content(t) => Ok(t.clone().into_bytes()),
        TextRef::None => Err("with no text".to_string()),
        TextRef::Path(p) if is_external(p) => {
            Err("whose text is outside the project (external files are never read)".to_string())
        }
        TextRef::Path(p) => match container.read_source(p)? {
            Some(bytes) => Ok(bytes),
            None if container.is_archive() => Err("whose text file is missing from the archive".to_string()),
            None => Err("whose text file is not in a sources/ folder beside the .qde".to_string()),
        },
    })
}

pub fn read_sources(
    q: &Qde,
    container: &mut Container,
    unit: Unit,
    qde_file: &str,
    summary: &mut Summary,
) -> Result<Vec<Doc>> {
    let mut docs = Vec::new();
    let mut counted_otherwise: Vec<(Unit, String)> = Vec::new();
    for s in &q.sources {
        let name = source_name(s);
        let codings = s.codings.len() + s.selections.iter().map(|x| x.codings.len()).sum::<usize>();
        let memos = s
            .selections
            .iter()
            .filter(|x| !x.description.trim().is_empty() || !x.note_refs.is_empty())
            .count();
        let skip = |reason: String, summary: &mut Summary| {
            summary.skip(format!("sources {reason}"), format!("`{name}`"));
            if codings > 0 {
                summary.skip_some(
                    format!("codings in sources {reason}"),
                    format!("{codings} in `{name}`"),
                    codings,
                );
            }
            if memos > 0 {
                summary.skip_some(
                    format!("memos on passages of sources {reason}"),
                    format!("{memos} in `{name}`"),
                    memos,
                );
            }
        };
        let bytes = match read_text(&s.text, container)
            .map_err(|e| anyhow!("{qde_file}:{}: TextSource `{name}`: {e:#}", s.line))?
        {
            Ok(b) => b,
            Err(why) => {
                skip(why, summary);
                continue;
            }
        };
        let text = match SourceText::decode(&bytes, unit) {
            Ok(t) => t,
            Err(why) => {
                skip(format!("whose text is unreadable ({why})"), summary);
                continue;
            }
        };
        if text.windows_1252 {
            summary
                .notes
                .push(format!("source `{name}` is not UTF-8: read as Windows-1252"));
        }
        if text.text.trim().is_empty() {
            skip("whose text is empty".into(), summary);
            continue;
        }
        let mut spans = Vec::new();
        let mut placer = Placer::new(&text);
        for sel in &s.selections {
            let placed = placer.place(sel.start, sel.end, &sel.name).map_err(|why| {
                anyhow!(
                    "{qde_file}:{}: PlainTextSelection {} of source `{name}`: {why}; the project does not match its sources, nothing was imported",
                    sel.line,
                    sel.guid
                )
            })?;
            let range = match placed {
                Placed::At(range, found) => {
                    if found != unit {
                        counted_otherwise.push((found, name.clone()));
                    }
                    range
                }
                Placed::Nowhere => {
                    summary.skip(
                        "selections whose own text (their `name`) is at none of their positions, in any unit (their codings are left out, not imported shifted)",
                        format!("`{name}` {}..{} \"{}\"", sel.start, sel.end, crate::text::excerpt(&sel.name, 40)),
                    );
                    continue;
                }
            };
            spans.push(Span {
                range,
                guid: sel.guid.clone(),
                user: sel.user.clone(),
                description: sel.description.trim().to_string(),
                note_refs: sel.note_refs.clone(),
                codings: sel.codings.clone(),
            });
        }
        if !s.codings.is_empty() {
            spans.push(Span {
                range: 0..text.text.len(),
                guid: s.guid.clone(),
                user: None,
                description: String::new(),
                note_refs: Vec::new(),
                codings: s.codings.clone(),
            });
        }
        if s.variable_values > 0 {
            summary.skip(
                "document variables (thematic keeps attributes per participant)",
                format!("`{name}`"),
            );
        }
        docs.push(Doc {
            guid: s.guid.clone(),
            name,
            text: text.text,
            spans,
        });
    }
    note_units(summary, unit, &counted_otherwise);
    Ok(docs)
}

/// Says which selections counted in another unit than the origin implies, by unit.
fn note_units(summary: &mut Summary, origin: Unit, counted: &[(Unit, String)]) {
    for unit in Unit::ALL {
        let mut sources: Vec<&str> = Vec::new();
        let mut n = 0;
        for (_, source) in counted.iter().filter(|(u, _)| *u == unit) {
            n += 1;
            if !sources.contains(&source.as_str()) {
                sources.push(source);
            }
        }
        if n == 0 {
            continue;
        }
        let shown: Vec<String> = sources.iter().take(5).map(|s| format!("`{s}`")).collect();
        summary.notes.push(format!(
            "{n} selection{} in {}{} count{} {}, not {} as the origin implies: {} own text (`name`) is there",
            if n == 1 { "" } else { "s" },
            shown.join(", "),
            if sources.len() > shown.len() { ", ..." } else { "" },
            if n == 1 { "s" } else { "" },
            unit.describe(),
            origin.describe(),
            if n == 1 { "its" } else { "their" },
        ));
    }
}

/// A source's name: its `name`, else the stem of its text file, else its GUID.
fn source_name(s: &qde::Source) -> String {
    if !s.name.trim().is_empty() {
        return s.name.trim().to_string();
    }
    if let TextRef::Path(p) = &s.text {
        let file = p.rsplit(['/', '\\']).next().unwrap_or(p);
        let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        if !stem.is_empty() {
            return stem.to_string();
        }
    }
    s.guid.clone()
}

/// Notes linked to selections or sources (NVivo writes annotations as Note + Link):
/// selection or source GUID → note GUIDs.
pub fn link_notes(q: &Qde) -> HashMap<String, Vec<String>> {
    let notes: HashSet<&str> = q.notes.iter().map(|n| n.guid.as_str()).collect();
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for l in &q.links {
        let (other, note) = if notes.contains(l.target.as_str()) {
            (&l.origin, &l.target)
        } else if notes.contains(l.origin.as_str()) {
            (&l.target, &l.origin)
        } else {
            continue;
        };
        out.entry(other.clone()).or_default().push(note.clone());
        out.entry(other.clone())
            .or_default()
            .extend(l.note_refs.iter().cloned());
    }
    out
}
