//! The search index in `.thematic/index`: one tantivy document per speaker turn, with its
//! words (stemmed, with positions, and lower-cased for prefixes), who speaks it, and the coded
//! passages that fall in it.
//!
//! The index is never trusted blindly. `.thematic/search.json` records the stamps (size and
//! modification time) of every input file, a content fingerprint of every document, the
//! index's own files and sizes, and the format and language. A query whose inputs carry the
//! recorded stamps uses the index as it is; otherwise the project is loaded and only the
//! documents whose fingerprint changed are re-indexed. An index from another version, with a
//! file missing or of the wrong size, or that fails to open, is deleted and built anew.

use super::analyzer::{Analyzers, RAW, STEMMED};
use crate::cache::{self, Hasher, Lock, Stamp};
use crate::config::{Config, CONFIG_FILE};
use crate::corpus::{Document, Speaker};
use crate::project::Project;
use crate::text::label_key;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

/// Bumped whenever the schema or what goes into it changes.
const FORMAT: u32 = 2;
const MANIFEST: &str = "search.json";
/// What a search reads first: the format and a hash of the inputs' stamps (the full
/// manifest is read only when the index has to be brought up to date).
const STAMP: &str = "search.stamp";
/// The names to redact and the index's files, beside the stamp.
const NAMES: &str = "search-names.json";
const FILES: &str = "search-files.json";
const INDEX: &str = "index";

/// The fields of a turn.
#[derive(Clone, Copy)]
pub struct Fields {
    pub document: Field,
    pub turn: Field,
    pub line: Field,
    pub start: Field,
    pub text: Field,
    pub raw: Field,
    pub participant: Field,
    pub participant_keys: Field,
    pub label: Field,
    pub group: Field,
    pub group_keys: Field,
    pub speaker: Field,
    pub code: Field,
    pub segments: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(STEMMED)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let raw = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(RAW)
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        // Fast fields too: autocode resolves a million hits to (document, turn) without
        // reading each stored document.
        document: b.add_text_field("document", STRING | STORED | FAST),
        turn: b.add_u64_field("turn", STORED | FAST),
        line: b.add_u64_field("line", STORED),
        start: b.add_u64_field("start", STORED),
        text: b.add_text_field("text", stemmed),
        raw: b.add_text_field("raw", raw),
        participant: b.add_text_field("participant", STORED),
        participant_keys: b.add_text_field("participant_keys", STRING),
        label: b.add_text_field("label", STORED),
        group: b.add_text_field("group", STORED),
        group_keys: b.add_text_field("group_keys", STRING),
        speaker: b.add_text_field("speaker", STORED),
        code: b.add_text_field("code", STRING),
        segments: b.add_text_field("segments", STORED),
    };
    (b.build(), fields)
}

/// What `.thematic/search.json` records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    thematic: String,
    language: String,
    /// Input files and their stamps.
    inputs: BTreeMap<String, Stamp>,
    /// Content hashes of the inputs, for files whose stamps change but not their bytes.
    hashes: BTreeMap<String, u64>,
    /// Document id → fingerprint of what was indexed for it.
    documents: BTreeMap<compact_str::CompactString, u64>,
    /// The names people are known by (aliases, speaker-map names), for redaction.
    names: Vec<String>,
    /// The index's files and their sizes after the last write.
    files: BTreeMap<String, u64>,
}

/// A coded passage inside a turn, as stored with it: byte range in the turn's words, coder,
/// code ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coded(pub usize, pub usize, pub String, pub Vec<String>);

/// An open, up-to-date index.
pub struct Open {
    pub index: Index,
    pub fields: Fields,
    pub analyzers: Analyzers,
    /// The names people are known by, when the index was written.
    pub names: Vec<String>,
    /// What the update did: documents indexed anew and removed (`None`: nothing to do).
    pub updated: Option<(usize, usize)>,
    /// Held while the index is read.
    _lock: Lock,
}

/// The inputs a search index depends on, with their stamps.
fn inputs(root: &Path, config: &Config) -> BTreeMap<String, Stamp> {
    let mut out = BTreeMap::new();
    for file in [CONFIG_FILE, config.corpus.participants.as_str()] {
        if let Some(s) = Stamp::of(&root.join(file)) {
            out.insert(file.to_string(), s);
        }
    }
    cache::stamps_under(root, &config.corpus.transcripts, &mut out);
    cache::stamps_under(root, &config.coding.sheets, &mut out);
    out
}

/// The quick check: format, version, language and a hash of every input's stamp.
fn stamp_line(language: &str, inputs: &BTreeMap<String, Stamp>) -> String {
    let mut h = Hasher::default();
    for (path, s) in inputs {
        h.str(path).number(s.size).bytes(&s.modified.to_le_bytes());
    }
    format!(
        "{FORMAT} {} {language} {:016x}\n",
        env!("CARGO_PKG_VERSION"),
        h.finish()
    )
}

fn read_manifest(dir: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    serde_json::from_str(&text).ok()
}

/// The index's files (not tantivy's lock files) and their sizes.
fn index_files(dir: &Path) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if let Ok(m) = e.metadata() {
                out.insert(name, m.len());
            }
        }
    }
    out
}

/// Whether the recorded manifest describes these inputs and an intact index of this format.
fn fresh(m: &Manifest, language: &str, inputs: &BTreeMap<String, Stamp>, index_dir: &Path) -> bool {
    m.format == FORMAT
        && m.thematic == env!("CARGO_PKG_VERSION")
        && m.language == language
        && &m.inputs == inputs
        && !m.files.is_empty()
        && index_files(index_dir) == m.files
}

fn register(index: &Index, analyzers: &Analyzers) {
    index.tokenizers().register(STEMMED, analyzers.stemmed.clone());
    index.tokenizers().register(RAW, analyzers.raw.clone());
}

/// Opens the project's search index, bringing it up to date first when its inputs changed
/// (from `project` when the caller has loaded it, else by loading it). `progress` shows the
/// documents being indexed.
pub fn open(
    root: &Path,
    config: &Config,
    project: Option<&Project>,
    progress: &crate::progress::Bar,
) -> Result<Open> {
    let dir = cache::dir(root)?;
    let index_dir = dir.join(INDEX);
    let language = config.search.language.clone();
    let analyzers = Analyzers::new(&language);
    {
        let lock = Lock::shared(&dir)?;
        let stamp = std::fs::read_to_string(dir.join(STAMP)).unwrap_or_default();
        if !stamp.is_empty() && stamp == stamp_line(&language, &inputs(root, config)) {
            let names = std::fs::read_to_string(dir.join(NAMES))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok());
            let files = std::fs::read_to_string(dir.join(FILES))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok());
            if let (Some(names), Some(files)) = (names, files) {
                if index_files(&index_dir) == files {
                    if let Ok(index) = Index::open_in_dir(&index_dir) {
                        register(&index, &analyzers);
                        return Ok(Open {
                            fields: schema().1,
                            index,
                            analyzers,
                            names,
                            updated: None,
                            _lock: lock,
                        });
                    }
                }
            }
        }
    }
    let lock = Lock::exclusive(&dir)?;
    let (names, updated) = update(root, config, project, &dir, &language, &analyzers, progress)?;
    drop(lock);
    let lock = Lock::shared(&dir)?;
    let index = Index::open_in_dir(&index_dir).context("cannot open the search index just written")?;
    register(&index, &analyzers);
    Ok(Open {
        fields: schema().1,
        index,
        analyzers,
        names,
        updated: Some(updated),
        _lock: lock,
    })
}

/// Loads the project and re-indexes the documents whose fingerprint changed. Returns the
/// names to redact and (documents indexed, documents removed).
fn update(
    root: &Path,
    config: &Config,
    loaded: Option<&Project>,
    dir: &Path,
    language: &str,
    analyzers: &Analyzers,
    progress: &crate::progress::Bar,
) -> Result<(Vec<String>, (usize, usize))> {
    let index_dir = dir.join(INDEX);
    // Stamps taken before reading: a file changed while we read is seen as changed next time.
    let stamps = inputs(root, config);
    let mut old = read_manifest(dir).unwrap_or_default();
    if let Some(m) = Some(&old).filter(|m| fresh(m, language, &stamps, &index_dir)) {
        // Up to date: another command updated it while this one waited, or only the
        // quick-check files were missing.
        if std::fs::read_to_string(dir.join(STAMP)).ok() != Some(stamp_line(language, &stamps)) {
            write_manifest(dir, m)?;
        }
        return Ok((m.names.clone(), (0, 0)));
    }
    crate::progress::trace("index: manifest read");
    let hashes = content_hashes(root, &stamps);
    crate::progress::trace("index: hashes");
    let same_files = old.inputs.keys().eq(stamps.keys());
    if same_files
        && hashes == old.hashes
        && fresh(
            &Manifest {
                inputs: stamps.clone(),
                ..old.clone()
            },
            language,
            &stamps,
            &index_dir,
        )
    {
        // Only the stamps moved (a checkout, `touch`): the contents are what was indexed.
        let manifest = Manifest {
            inputs: stamps,
            ..old
        };
        crate::fsutil::write_atomic(&dir.join(MANIFEST), serde_json::to_string(&manifest)?.as_bytes())?;
        return Ok((manifest.names, (0, 0)));
    }
    let owned;
    let project = match loaded {
        Some(p) => p,
        None => {
            owned = Project::load_cached(root)?.0;
            &owned
        }
    };
    // Texts are read a run at a time and let go: a million answers are not all held.
    let mut reader = crate::corpus::text::Reader::default();
    // Each document's fingerprint, by its index (a map by id is made for the manifest once the
    // index is written: held while tantivy works, it was 40 MB at a million answers).
    let fingerprints: Vec<u64> = project
        .documents
        .iter()
        .enumerate()
        .map(|(d, doc)| fingerprint(project, d, doc, doc.text.read(&mut reader)))
        .collect();
    crate::progress::trace("index: fingerprints");
    let (schema, fields) = schema();
    let compatible = old.format == FORMAT
        && old.thematic == env!("CARGO_PKG_VERSION")
        && old.language == language
        && !old.files.is_empty()
        && index_files(&index_dir) == old.files;
    let existing = if compatible {
        Index::open_in_dir(&index_dir)
            .ok()
            .filter(|i| i.schema() == schema)
    } else {
        None
    };
    let (index, previous) = match existing {
        Some(index) => (index, std::mem::take(&mut old.documents)),
        None => {
            if index_dir.exists() {
                std::fs::remove_dir_all(&index_dir)
                    .with_context(|| format!("cannot remove the old search index {}", index_dir.display()))?;
            }
            std::fs::create_dir_all(&index_dir)
                .with_context(|| format!("cannot create {}", index_dir.display()))?;
            // Small store blocks: a search reads a few hundred turns, each from its own block.
            let settings = tantivy::IndexSettings {
                docstore_blocksize: 4096,
                ..Default::default()
            };
            let index = Index::builder()
                .schema(schema)
                .settings(settings)
                .create_in_dir(&index_dir)?;
            (index, BTreeMap::new())
        }
    };
    register(&index, analyzers);
    let changed: Vec<usize> = project
        .documents
        .iter()
        .enumerate()
        .filter(|(d, doc)| previous.get(doc.id.as_str()) != Some(&fingerprints[*d]))
        .map(|(d, _)| d)
        .collect();
    let removed: Vec<&compact_str::CompactString> = previous
        .keys()
        .filter(|id| crate::corpus::position(&project.documents, id).is_none())
        .collect();
    let threads = if changed.len() > 64 { 2 } else { 1 };
    // 16 MB per thread (tantivy's least is 15): at a million answers, 32 MB per thread built
    // the index no faster and peaked 40 MB higher.
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, 16_000_000 * threads)
        .context("cannot write the search index")?;
    // Only what the index holds is deleted: each delete is kept in memory until the commit
    // (about a kilobyte each), so a first build of a million answers deletes nothing.
    for id in removed.iter().map(|id| id.as_str()).chain(
        changed
            .iter()
            .map(|&d| project.documents[d].id.as_str())
            .filter(|id| previous.contains_key(*id)),
    ) {
        writer.delete_term(Term::from_field_text(fields.document, id));
    }
    progress.start(changed.len() as u64);
    for &d in &changed {
        let text = project.documents[d].text.read(&mut reader);
        add_document(&mut writer, &fields, project, d, text)?;
        progress.inc();
    }
    crate::progress::trace("index: added");
    writer.commit().context("cannot write the search index")?;
    crate::progress::trace("index: committed");
    writer
        .wait_merging_threads()
        .context("cannot write the search index")?;
    let manifest = Manifest {
        format: FORMAT,
        thematic: env!("CARGO_PKG_VERSION").to_string(),
        language: language.to_string(),
        inputs: settled(stamps),
        hashes,
        documents: project
            .documents
            .iter()
            .zip(fingerprints)
            .map(|(doc, f)| (doc.id.clone(), f))
            .collect(),
        names: project.names.terms.clone(),
        files: index_files(&index_dir),
    };
    crate::progress::trace("index: merged");
    write_manifest(dir, &manifest)?;
    crate::progress::trace("index: manifest written");
    Ok((manifest.names, (changed.len(), removed.len())))
}

/// The stamps to record: a stamp that has not settled is recorded as one no file has, so the
/// next search looks at that file's contents again (see `Stamp::settled`).
fn settled(stamps: BTreeMap<String, Stamp>) -> BTreeMap<String, Stamp> {
    stamps
        .into_iter()
        .map(|(path, s)| {
            let s = if s.settled() {
                s
            } else {
                Stamp {
                    size: s.size,
                    modified: 0,
                }
            };
            (path, s)
        })
        .collect()
}

/// Writes the manifest, then the quick-check files (the stamp last: until it is written, a
/// search brings the index up to date again rather than trust it).
fn write_manifest(dir: &Path, m: &Manifest) -> Result<()> {
    let _ = std::fs::remove_file(dir.join(STAMP));
    crate::fsutil::write_atomic(&dir.join(MANIFEST), serde_json::to_string(m)?.as_bytes())?;
    crate::fsutil::write_atomic(&dir.join(NAMES), serde_json::to_string(&m.names)?.as_bytes())?;
    crate::fsutil::write_atomic(&dir.join(FILES), serde_json::to_string(&m.files)?.as_bytes())?;
    crate::fsutil::write_atomic(&dir.join(STAMP), stamp_line(&m.language, &m.inputs).as_bytes())?;
    Ok(())
}

/// The content hash of every input file.
fn content_hashes(root: &Path, stamps: &BTreeMap<String, Stamp>) -> BTreeMap<String, u64> {
    stamps
        .keys()
        .filter_map(|file| {
            let bytes = std::fs::read(root.join(file)).ok()?;
            Some((file.clone(), Hasher::default().bytes(&bytes).finish()))
        })
        .collect()
}

/// What was indexed for a document: its text, turns, speakers and coded passages.
fn fingerprint(project: &Project, d: usize, doc: &Document, text: &str) -> u64 {
    let mut h = Hasher::default();
    h.number(u64::from(FORMAT)).str(&doc.id).str(text);
    for t in &doc.turns {
        h.number(t.bytes.start() as u64)
            .number(t.bytes.end() as u64)
            .str(&t.label);
        match t.speaker {
            Speaker::Participant(p) => {
                let p = project.participants.get(p as usize);
                h.str("p").str(&p.id).str(&p.label).str(&p.group);
                for a in &p.aliases {
                    h.str(a);
                }
                h.str(project.config.group_label(&p.group));
            }
            other => {
                h.str(speaker_kind(other));
            }
        }
    }
    for s in project.segments_of(d) {
        h.str(&project.coders[s.coder as usize])
            .number(s.bytes.start() as u64)
            .number(s.bytes.end() as u64);
        for &c in &s.codes {
            h.str(&project.codebook.codes[c].id);
        }
    }
    h.finish()
}

pub fn speaker_kind(s: Speaker) -> &'static str {
    match s {
        Speaker::Participant(_) => "participant",
        Speaker::Interviewer => "interviewer",
        Speaker::Unidentified => "unidentified",
        Speaker::Unknown => "unknown",
    }
}

fn add_document(writer: &mut IndexWriter, f: &Fields, project: &Project, d: usize, text: &str) -> Result<()> {
    let doc = &project.documents[d];
    let segments = project.segments_of(d);
    for (i, t) in doc.turns.iter().enumerate() {
        let words = &text[t.bytes.range()];
        if words.is_empty() {
            continue;
        }
        let mut td = TantivyDocument::default();
        td.add_text(f.document, &doc.id);
        td.add_u64(f.turn, i as u64);
        td.add_u64(f.line, crate::config::line_of(text, t.bytes.start()) as u64);
        td.add_u64(f.start, t.chars.start() as u64);
        td.add_text(f.text, words);
        td.add_text(f.raw, words);
        td.add_text(f.speaker, speaker_kind(t.speaker));
        let who = t
            .participant()
            .or(if t.label.is_empty() { doc.participant } else { None });
        match who {
            Some(p) => {
                let p = project.participants.get(p);
                td.add_text(f.participant, &p.id);
                td.add_text(f.label, &p.label);
                td.add_text(f.group, &p.group);
                for key in p.names() {
                    td.add_text(f.participant_keys, label_key(key));
                }
                td.add_text(f.group_keys, label_key(&p.group));
                td.add_text(f.group_keys, label_key(project.config.group_label(&p.group)));
            }
            None => td.add_text(f.label, &t.label),
        }
        let mut coded = Vec::new();
        let mut codes: Vec<&str> = Vec::new();
        for s in segments
            .iter()
            .filter(|s| s.bytes.start() < t.bytes.end() && t.bytes.start() < s.bytes.end())
        {
            let start = s.bytes.start().max(t.bytes.start()) - t.bytes.start();
            let end = s.bytes.end().min(t.bytes.end()) - t.bytes.start();
            let ids: Vec<String> = s
                .codes
                .iter()
                .map(|&c| project.codebook.codes[c].id.clone())
                .collect();
            for id in &s.codes {
                codes.push(&project.codebook.codes[*id].id);
            }
            coded.push(Coded(start, end, project.coders[s.coder as usize].clone(), ids));
        }
        codes.sort_unstable();
        codes.dedup();
        for c in codes {
            td.add_text(f.code, c);
        }
        td.add_text(f.segments, serde_json::to_string(&coded)?);
        writer.add_document(td)?;
    }
    Ok(())
}

/// Deletes the index (after it failed to read): the next search builds it anew.
pub fn discard(root: &Path) -> Result<()> {
    let dir = root.join(cache::DIR);
    let _lock = Lock::exclusive(&cache::dir(root)?)?;
    let _ = std::fs::remove_file(dir.join(STAMP));
    let _ = std::fs::remove_file(dir.join(MANIFEST));
    let index_dir: PathBuf = dir.join(INDEX);
    if index_dir.exists() {
        std::fs::remove_dir_all(&index_dir)
            .with_context(|| format!("cannot remove {}", index_dir.display()))?;
    }
    Ok(())
}
