//! Import: a REFI-QDA project (or codebook) made into an analysis folder, in memory.
//!
//! Nothing is written here: the result is the list of files, which the command writes only
//! once everything has been read and checked. A selection whose positions lie outside its
//! text refuses the whole import (the project is not what it claims to be); things thematic
//! cannot hold (pictures, sets, empty selections...) are left out and listed in the summary.

use super::archive::{Container, Limits};
use super::offsets::Unit;
use super::people::{add_speakers, participants_csv, people, People};
use super::qde::{self, Qde};
use super::sheets::{coding_sheets, Inputs};
use super::sources::{link_notes, read_notes, read_sources, Doc};
use super::summary::Summary;
use super::tree::{plan, render, unfold};
use super::{memos, settings, xml};
use anyhow::{anyhow, bail, Result};
use std::collections::{HashMap, HashSet};

/// An analysis folder built in memory.
#[derive(Debug, Default)]
pub struct Folder {
    /// Folders to create even when empty.
    pub dirs: Vec<String>,
    /// Files by path relative to the folder, `/`-separated.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Reads the XML of a project or codebook file into its root element; errors name the file
/// and line.
pub fn read_xml(bytes: &[u8], file: &str) -> Result<xml::Element> {
    read_xml_within(bytes, file, &Limits::default())
}

/// [`read_xml`] within the XML tree budget of `limits`.
fn read_xml_within(bytes: &[u8], file: &str, limits: &Limits) -> Result<xml::Element> {
    let text = match bytes {
        [0xFF, 0xFE, rest @ ..] => encoding_rs::UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .map(|c| c.into_owned()),
        [0xFE, 0xFF, rest @ ..] => encoding_rs::UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .map(|c| c.into_owned()),
        _ => std::str::from_utf8(bytes).ok().map(str::to_string),
    }
    .ok_or_else(|| anyhow!("{file}: not UTF-8 (or UTF-16) text"))?;
    xml::parse_within(&text, limits.max_xml_tree).map_err(|e| match e.line {
        Some(line) => anyhow!("{file}:{line}: {}", e.message),
        None => anyhow!("{file}: {}", e.message),
    })
}

/// Imports the project in `container` into a folder.
pub fn project(container: &mut Container) -> Result<(Folder, Summary)> {
    let qde_file = format!("{}: {}", container.file, container.qde_name);
    let root = read_xml_within(&container.read_qde()?, &qde_file, &container.limits())?;
    match root.name.as_str() {
        "Project" => {}
        "CodeBook" => bail!("{qde_file} is a codebook: use `thematic import qdc`"),
        other => bail!("{qde_file}: the root element is <{other}>, not a REFI-QDA <Project>"),
    }
    let q = qde::read_project(&root).map_err(|e| anyhow!("{qde_file}:{}: {}", e.line, e.message))?;
    unique_guids(&q, &qde_file)?;
    let unit = Unit::for_origin(&q.origin);
    let mut summary = start_summary(&q, &container.file, unit);
    let notes = read_notes(&q, container, &qde_file, &mut summary)?;
    let docs = read_sources(&q, container, unit, &qde_file, &mut summary)?;
    let coded: HashSet<String> = q
        .sources
        .iter()
        .flat_map(|s| {
            s.codings
                .iter()
                .chain(s.selections.iter().flat_map(|x| x.codings.iter()))
        })
        .map(|c| c.code.clone())
        .filter(|c| !c.is_empty())
        .collect();
    let tree = unfold(&q.codes, &coded).map_err(|e| anyhow!("{qde_file}:{}: {}", e.line, e.message))?;
    let plan = plan(&tree).map_err(|e| anyhow!("{qde_file}:{}: {}", e.line, e.message))?;
    summary.themes = plan.themes.len();
    summary.categories = plan.categories();
    summary.codes = plan.codes();
    let kept: Vec<(String, String)> = docs.iter().map(|d| (d.guid.clone(), d.name.clone())).collect();
    let mut who = people(&q, &kept);
    summary.sources = docs.len();
    summary.participants_from_cases = who.from_cases;
    let texts = document_texts(&docs, &who);
    let speakers = add_speakers(&mut who, &texts);
    summary.participants = who.people.len();
    note_people(&mut summary, &who, &speakers, texts.len());
    let mut folder = Folder {
        dirs: vec!["transcripts".into(), "coding".into()],
        files: Vec::new(),
    };
    let links = link_notes(&q);
    let inputs = Inputs {
        q: &q,
        docs: &docs,
        texts: &texts,
        plan: &plan,
        notes: &notes,
        links: &links,
    };
    let mut sheets = coding_sheets(&inputs, &mut summary);
    let saved = settings::read(&q, &notes, &mut summary.notes);
    if let Some(s) = &saved {
        sheets.consumed.insert(s.guid.clone());
    }
    let doc_ids = docs_ids(&docs, &who);
    let memo_files = memos::imported(
        &q,
        &doc_ids,
        &notes,
        &links,
        &mut sheets.consumed,
        &sheets.passages,
        &plan,
    );
    summary.memos = memo_files.len();

    folder.files.push((
        crate::config::CONFIG_FILE.into(),
        config_file(&q, &who, saved.as_ref()),
    ));
    folder
        .files
        .push(("participants.csv".into(), participants_csv(&who)));
    folder
        .files
        .push(("codebook.md".into(), render(&plan).into_bytes()));
    for (id, text) in &texts {
        folder
            .files
            .push((format!("transcripts/{id}.txt"), text.clone().into_bytes()));
    }
    for (coder, csv) in sheets.files {
        summary.sheets.push(format!("coding/{coder}.csv"));
        folder.files.push((format!("coding/{coder}.csv"), csv));
    }
    if !memo_files.is_empty() {
        folder.dirs.push("memos".into());
    }
    for (name, text) in memo_files {
        folder.files.push((format!("memos/{name}.md"), text.into_bytes()));
    }
    Ok((folder, summary))
}

/// Imports a `.qdc` codebook: the text of codebook.md.
pub fn codebook(bytes: &[u8], file: &str) -> Result<(String, Summary)> {
    let root = read_xml(bytes, file)?;
    match root.name.as_str() {
        "CodeBook" => {}
        "Project" => bail!("{file} is a whole project: use `thematic import qdpx`"),
        other => bail!("{file}: the root element is <{other}>, not a REFI-QDA <CodeBook>"),
    }
    let q = qde::read_codebook(&root);
    unique_code_guids(&q.codes, file)?;
    let tree = unfold(&q.codes, &HashSet::new()).map_err(|e| anyhow!("{file}:{}: {}", e.line, e.message))?;
    let plan = plan(&tree).map_err(|e| anyhow!("{file}:{}: {}", e.line, e.message))?;
    let mut summary = Summary {
        file: file.to_string(),
        origin: q.origin.clone(),
        codes_total: count_codes(&q.codes),
        themes: plan.themes.len(),
        categories: plan.categories(),
        codes: plan.codes(),
        ..Summary::default()
    };
    for (what, n) in &q.unread {
        summary.skip_many(what.clone(), *n);
    }
    Ok((render(&plan), summary))
}

/// Refuses a project where two text sources share a GUID (or have none), or two codes share
/// one: codings are tied to sources and codes by GUID, so importing them would silently merge
/// two transcripts into one, or give one code's codings to the other.
fn unique_guids(q: &Qde, qde_file: &str) -> Result<()> {
    let mut sources: HashMap<&str, &qde::Source> = HashMap::new();
    for s in &q.sources {
        if let Some(first) = sources.insert(s.guid.as_str(), s) {
            let what = if s.guid.is_empty() {
                format!(
                    "TextSource `{}` and TextSource `{}` (line {}) have no GUID",
                    s.name, first.name, first.line
                )
            } else {
                format!(
                    "TextSource `{}` has the GUID of TextSource `{}` (line {}), {}",
                    s.name, first.name, first.line, s.guid
                )
            };
            bail!("{qde_file}:{}: {what}: their codings cannot be told apart, nothing was imported (give each source its own GUID)", s.line);
        }
    }
    unique_code_guids(&q.codes, qde_file)
}

/// Refuses a code tree (of a project or a codebook) where two codes share a GUID: codings,
/// and codebooks exchanged back and forth, tie codes by GUID.
fn unique_code_guids(tree: &[qde::Code], file: &str) -> Result<()> {
    let mut codes: HashMap<&str, &qde::Code> = HashMap::new();
    // In document order (several codes may share a line), so the message names the first
    // code as first.
    let mut stack: Vec<&qde::Code> = tree.iter().rev().collect();
    let mut all = Vec::new();
    while let Some(c) = stack.pop() {
        all.push(c);
        stack.extend(c.children.iter().rev());
    }
    all.sort_by_key(|c| c.line);
    for c in all.into_iter().filter(|c| !c.guid.is_empty()) {
        if let Some(first) = codes.insert(c.guid.as_str(), c) {
            bail!(
                "{file}:{}: Code `{}` has the GUID of Code `{}` (line {}), {}: the two cannot be told apart, nothing was imported (give each code its own GUID)",
                c.line,
                c.name,
                first.name,
                first.line,
                c.guid
            );
        }
    }
    Ok(())
}

/// The counts read from the project, before anything is imported.
fn start_summary(q: &Qde, file: &str, unit: Unit) -> Summary {
    let codings =
        |s: &qde::Source| s.codings.len() + s.selections.iter().map(|x| x.codings.len()).sum::<usize>();
    let mut summary = Summary {
        file: file.to_string(),
        origin: q.origin.clone(),
        unit: unit.describe().to_string(),
        sources_total: q.sources.len(),
        codes_total: count_codes(&q.codes),
        codings_total: q.sources.iter().map(codings).sum(),
        users: q.users.len(),
        cases: q.cases.len(),
        ..Summary::default()
    };
    for (what, n) in &q.unread {
        summary.skip_many(what.clone(), *n);
    }
    summary
}

/// Each document's id and text as thematic will read it: front matter naming its
/// participant when the file name does not, then the source's text.
fn document_texts(docs: &[Doc], who: &People) -> Vec<(String, String)> {
    docs.iter()
        .map(|d| {
            let name = &who.docs[&d.guid];
            let front = name
                .front_matter
                .as_ref()
                .map(|p| format!("---\nparticipant: {p}\n---\n"))
                .unwrap_or_default();
            (name.id.clone(), front + &d.text)
        })
        .collect()
}

/// What the user should know about who is who.
fn note_people(summary: &mut Summary, who: &People, speakers: &[String], texts: usize) {
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if !who.shared_sources.is_empty() {
        summary.notes.push(format!(
            "{} source{} belong to several cases ({}): their speakers are found from the speaker labels in the text",
            who.shared_sources.len(),
            s(who.shared_sources.len()),
            who.shared_sources.join(", ")
        ));
    }
    if !speakers.is_empty() {
        let shown: Vec<String> = speakers.iter().take(8).map(|l| format!("`{l}`")).collect();
        summary.notes.push(format!(
            "{} speaker label{} in the text{} matched no case and became participant{} of group `speaker` ({}{}): check they are people",
            speakers.len(),
            s(speakers.len()),
            s(texts),
            s(speakers.len()),
            shown.join(", "),
            if speakers.len() > shown.len() { ", ..." } else { "" }
        ));
    }
}

fn count_codes(codes: &[qde::Code]) -> usize {
    codes.iter().map(|c| 1 + count_codes(&c.children)).sum()
}

fn docs_ids(docs: &[Doc], who: &People) -> HashMap<String, String> {
    docs.iter()
        .map(|d| (d.guid.clone(), who.docs[&d.guid].id.clone()))
        .collect()
}

/// thematic.toml: the project's title, approach and groups.
fn config_file(q: &Qde, who: &People, saved: Option<&settings::Saved>) -> Vec<u8> {
    let mut groups: Vec<&str> = Vec::new();
    for p in &who.people {
        if !groups.contains(&p.group.as_str()) {
            groups.push(&p.group);
        }
    }
    settings::imported_toml(q, &groups, saved)
}
