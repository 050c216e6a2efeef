//! The loaded analysis folder: one model of participants, documents, codebook and coded
//! segments. Loading is the only place that reads the folder; everything else works on this.

use crate::codebook::Codebook;
use crate::coding::{self, CodedSegment, CoderIdx, Sheet};
use crate::config::{Config, CONFIG_FILE};
use crate::corpus::{self, Document, Speakers};
use crate::diagnostics::Diagnostics;
use crate::documents::DocumentAttributes;
use crate::participants::{Attribution, Participants};
use crate::redact::Redactions;
use crate::text::CsvTable;
use anyhow::{bail, Result};
use compact_str::CompactString;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    pub participants: Participants,
    /// Documents sorted by id.
    pub documents: Vec<Document>,
    pub codebook: Codebook,
    /// Coders, one per sheet, sorted (a coder is a sheet's file stem).
    pub coders: Vec<String>,
    pub sheets: Vec<Sheet>,
    /// Coded segments sorted by document, position and coder.
    pub segments: Vec<CodedSegment>,
    /// The analyst's triangulation verdicts, from `triangulation.csv`.
    pub verdicts: Vec<AnalystVerdict>,
    /// Identifying terms to replace in everything that leaves the tool.
    pub redactions: Redactions,
    /// The names people are known by (aliases other than their label), replaced inside quotes
    /// unless `[report] redact_names = false`.
    pub names: Redactions,
    /// The coders whose coding makes the findings (`[coding] analysis`, else every coder),
    /// sorted. The other sheets are for agreement only.
    pub analysis: Vec<CoderIdx>,
    /// `[report] attribution`, resolved.
    pub attribution: Attribution,
    /// Each survey's `attribution` (in `[surveys]` name order), resolved; `None`: the report's.
    pub survey_attributions: Vec<Option<Attribution>>,
    /// Each survey's columns and respondents (in `[surveys]` name order).
    pub surveys: Vec<corpus::survey::SurveyTable>,
    /// The documents' attributes (`documents.csv` and front matter), `source` among them.
    pub document_attributes: DocumentAttributes,
    /// `[report] attribution_document`, resolved.
    pub document_attribution: crate::documents::DocumentAttribution,
    /// Ratings such as a maturity matrix (`ratings.csv`), checked against `[ratings]`.
    pub ratings: Vec<crate::ratings::Rating>,
}

/// A triangulation verdict (Farmer et al.): the model holds the analyst's, the analysis
/// computes its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Agreement,
    Partial,
    Silence,
    Dissonance,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Agreement => "agreement",
            Verdict::Partial => "partial",
            Verdict::Silence => "silence",
            Verdict::Dissonance => "dissonance",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        match s.trim().to_lowercase().replace(' ', "-").as_str() {
            "agreement" => Some(Verdict::Agreement),
            "partial" | "partial-agreement" => Some(Verdict::Partial),
            "silence" => Some(Verdict::Silence),
            "dissonance" => Some(Verdict::Dissonance),
            _ => None,
        }
    }
}

/// A row of `triangulation.csv`: the analyst's verdict on a theme, category or code, in one
/// comparison (`by`: `group` unless the row says).
#[derive(Debug, Clone, PartialEq)]
pub struct AnalystVerdict {
    pub row: String,
    /// The comparison it belongs to, as `--by` names it (`group`, `site`, `site,wave`).
    pub by: String,
    pub verdict: Verdict,
    pub note: String,
    pub line: usize,
}

/// The project folder: `dir` when given, else the nearest folder upwards from the current
/// one that holds `thematic.toml`, else the current folder.
pub fn find_root(dir: Option<&Path>) -> Result<PathBuf> {
    if let Some(d) = dir {
        if !d.is_dir() {
            bail!("project folder {} does not exist", d.display());
        }
        return Ok(d.to_path_buf());
    }
    let cwd = std::env::current_dir()?;
    Ok(cwd
        .ancestors()
        .find(|a| a.join(CONFIG_FILE).is_file())
        .unwrap_or(&cwd)
        .to_path_buf())
}

/// Whether `root` looks like an analysis folder: it holds `thematic.toml`, `participants.csv`,
/// `transcripts/` or `coding/`. Commands refuse other folders rather than write into them.
pub fn is_analysis_folder(root: &Path) -> bool {
    root.join(CONFIG_FILE).is_file()
        || root.join("participants.csv").is_file()
        || root.join("transcripts").is_dir()
        || root.join("coding").is_dir()
}

impl Project {
    /// Loads the analysis folder at `root`. Problems in any file are collected in the returned
    /// diagnostics and loading goes on with what could be read.
    pub fn load(root: &Path) -> Result<(Project, Diagnostics)> {
        Project::load_with(root, false)
    }

    /// [`Project::load`], reusing what an earlier command read from the same files: the
    /// documents, the codebook, the coding sheets and their anchored segments are kept in
    /// `.thematic/` under a key made from every input file's size and modification time.
    /// The result is the same as without the cache (`THEMATIC_CACHE=off` turns it off).
    pub fn load_cached(root: &Path) -> Result<(Project, Diagnostics)> {
        Project::load_with(root, crate::cache::enabled())
    }

    fn load_with(root: &Path, use_cache: bool) -> Result<(Project, Diagnostics)> {
        if !root.is_dir() {
            bail!("project folder {} does not exist", root.display());
        }
        crate::progress::trace("load: start");
        let mut diags = Diagnostics::default();
        let config_text = read_text(root, CONFIG_FILE, false, &mut diags).unwrap_or_default();
        let mut config = Config::parse(&config_text, CONFIG_FILE, &mut diags);
        config.check_links(root, &config_text, CONFIG_FILE, &mut diags);
        let group_ids: Vec<String> = config.groups.iter().map(|(g, _)| g.clone()).collect();
        // Questions' labels name the values of the answers' `question` attribute in outputs.
        for survey in config.surveys.values() {
            let labels = config.labels.entry("question".into()).or_default();
            for (q, label) in &survey.labels {
                labels.entry(q.clone()).or_insert_with(|| label.clone());
            }
        }
        // documents.csv's `turns` decides how transcripts are split, so it is read first.
        let documents_file = config.corpus.documents.clone();
        let documents_table = read_text(root, &documents_file, false, &mut diags)
            .and_then(|text| crate::documents::read_table(&text, &documents_file, &mut diags));
        let turns = crate::documents::Turns::read(documents_table.as_ref(), &documents_file, &mut diags);
        // Two layers, each kept in `.thematic/` under a key of the files it reads: the corpus
        // (transcripts, survey answers and respondents), then the coding (codebook, sheets and
        // their anchored segments), whose key includes the corpus's. A changed sheet reads the
        // sheets again, not every transcript.
        let corpus_key = use_cache.then(|| corpus_key(root, &config, &turns));
        let corpus = match corpus_key
            .and_then(|(k, _)| crate::cache::read_value::<CorpusRead>(root, CORPUS_CACHE, k).map(|c| (k, c)))
        {
            Some((k, mut corpus)) => {
                // The texts stay on disk until something reads one.
                CachedTexts::new(root, k, &config, &group_ids, &turns).keep_apart(&mut corpus.documents);
                corpus
            }
            None => {
                let mut corpus = CorpusRead::from_files(root, &config, &group_ids, &turns);
                // Only inputs that have settled are worth a cache entry (see `Stamp::settled`).
                if let Some((k, true)) = corpus_key {
                    let texts = corpus.documents.iter().map(|d| &*d.text);
                    crate::cache::write_texts(root, TEXTS_CACHE, k, texts);
                    crate::cache::write_value(root, CORPUS_CACHE, k, &corpus);
                    // The texts just written are read from there from now on, as after a
                    // cache hit: a million answers are not held while the sheets anchor.
                    let source = CachedTexts::new(root, k, &config, &group_ids, &turns);
                    if crate::cache::TextsFile::open(root, TEXTS_CACHE, k, corpus.documents.len()).is_some() {
                        source.keep_apart(&mut corpus.documents);
                    }
                }
                corpus
            }
        };
        crate::progress::trace("load: corpus");
        // The codebook's and the sheets' bytes make the coding's key, so a sheet just written
        // (by `autocode`, `code` or the browser) is read from the cache by the next command,
        // not anchored again. Looking it up reads the sheets a megabyte at a time (a sheet of a
        // million suggestions is not held for it); on a miss the key is made again from the
        // very bytes parsed, and a sheet that changed while it was read is not cached.
        let codebook_text = read_text(root, &config.codebook.path, true, &mut diags);
        let listed = coding::SheetFiles::list(root, &config.coding.sheets, &mut diags);
        let cached = corpus_key.and_then(|k| {
            let mut h = coding_hasher(&config, k.0, codebook_text.as_deref());
            listed.feed_from_disk(&mut h)?;
            crate::cache::read_value::<CodingRead>(root, CODING_CACHE, h.finish())
        });
        let coding = match cached {
            Some(coding) => coding,
            None => {
                let sheet_files = listed.load(&mut diags);
                let mut key = coding_hasher(&config, corpus_key.map_or(0, |k| k.0), codebook_text.as_deref());
                let (coding, whole) =
                    CodingRead::from_files(&config, codebook_text, sheet_files, &corpus, &mut key);
                if let (Some((_, true)), true) = (corpus_key, whole) {
                    crate::cache::write_value(root, CODING_CACHE, key.finish(), &coding);
                }
                coding
            }
        };
        crate::progress::trace("load: coding");
        let CorpusRead {
            participants,
            surveys,
            documents,
            unreadable: _,
            problems,
        } = corpus;
        diags.extend(problems);
        let CodingRead {
            codebook,
            sheets,
            segments,
            problems,
        } = coding;
        diags.extend(problems);
        let coders: Vec<String> = sheets.iter().map(|s| s.coder.clone()).collect();
        let analysis = match &config.coding.analysis {
            None => default_analysis(&sheets),
            Some(names) => {
                let line = crate::config::find_line(&config_text, Some("coding"), "analysis");
                resolve_coders(names, &coders).unwrap_or_else(|e| {
                    diags.error(CONFIG_FILE, line, format!("[coding] analysis: {e}"));
                    default_analysis(&sheets)
                })
            }
        };
        let names = Redactions::names(
            &known_names(&participants, &documents),
            &config.report.name_replacement,
        );
        let document_attributes = DocumentAttributes::build(
            documents_table.as_ref(),
            &turns,
            &documents_file,
            &documents,
            &participants,
            &mut diags,
        );
        let attribution = Attribution::parse(
            &config.report.attribution,
            &participants,
            &document_attributes.names,
        )
        .unwrap_or_else(|e| {
            let line = crate::config::find_line(&config_text, Some("report"), "attribution");
            diags.error(CONFIG_FILE, line, format!("[report] attribution: {e}"));
            Attribution::default()
        });
        let survey_attributions = config
            .surveys
            .iter()
            .map(|(name, survey)| {
                let template = survey.attribution.as_deref()?;
                Attribution::parse(template, &participants, &document_attributes.names)
                    .map_err(|e| {
                        let line = crate::config::find_line(
                            &config_text,
                            Some(&format!("surveys.{name}")),
                            "attribution",
                        );
                        diags.error(CONFIG_FILE, line, format!("[surveys.{name}] attribution: {e}"));
                    })
                    .ok()
            })
            .collect();
        // `[report] compare` and `over`, and `[triangulation] by`, name attributes.
        let mut attributes: Vec<String> = ["group", "participant", "document"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        attributes.extend(participants.attributes.iter().cloned());
        attributes.extend(document_attributes.names.iter().cloned());
        let named = config
            .report
            .compare
            .iter()
            .flat_map(|c| c.split(',').map(|k| ("report", "compare", k.trim().to_string())))
            .chain(
                config
                    .report
                    .over
                    .iter()
                    .map(|o| ("report", "over", o.trim().to_string())),
            )
            .chain(
                config
                    .triangulation
                    .by
                    .split(',')
                    .map(|k| ("triangulation", "by", k.trim().to_string())),
            );
        for (section, setting, name) in named {
            if !attributes.contains(&name) {
                diags.error(
                    CONFIG_FILE,
                    crate::config::find_line(&config_text, Some(section), setting),
                    format!(
                        "[{section}] {setting} names `{name}`, which is no attribute (use one of {}){}",
                        attributes.join(", "),
                        crate::diagnostics::did_you_mean(&name, attributes.iter().map(String::as_str))
                    ),
                );
            }
        }
        for attribute in config.labels.keys() {
            if !participants.has_attribute(attribute) && !document_attributes.has(attribute) {
                let mut known: Vec<&str> = participants.attributes.iter().map(String::as_str).collect();
                known.extend(document_attributes.names.iter().map(String::as_str));
                diags.warning(
                    CONFIG_FILE,
                    crate::config::find_line(&config_text, None, &format!("labels.{attribute}")),
                    format!(
                        "[labels.{attribute}] names no attribute{}: its labels are not used",
                        crate::diagnostics::did_you_mean(attribute, known.into_iter())
                    ),
                );
            }
        }
        let document_attribution = crate::documents::DocumentAttribution::parse(
            &config.report.attribution_document,
            &document_attributes.names,
        )
        .unwrap_or_else(|e| {
            let line = crate::config::find_line(&config_text, Some("report"), "attribution_document");
            diags.error(CONFIG_FILE, line, format!("[report] attribution_document: {e}"));
            crate::documents::DocumentAttribution::default()
        });
        let ratings_file = config.ratings.path.clone();
        let ratings = match read_text(root, &ratings_file, false, &mut diags) {
            Some(text) => {
                let dimensions: Vec<String> =
                    config.ratings.dimensions.iter().map(|(d, _)| d.clone()).collect();
                let scale = (config.ratings.scale[0], config.ratings.scale[1]);
                crate::ratings::parse(&text, &ratings_file, scale, &dimensions, &mut diags)
            }
            None => Vec::new(),
        };
        let redactions_file = config.report.redactions.clone();
        let redactions = match read_text(root, &redactions_file, false, &mut diags) {
            Some(text) => Redactions::parse(&text, &redactions_file, &mut diags),
            None => Redactions::default(),
        };
        let verdicts_file = config.triangulation.overrides.clone();
        let verdicts = match read_text(root, &verdicts_file, false, &mut diags) {
            Some(text) => read_verdicts(&text, &verdicts_file, &codebook, &attributes, &mut diags),
            None => Vec::new(),
        };
        let project = Project {
            root: root.to_path_buf(),
            config,
            participants,
            documents,
            codebook,
            coders,
            sheets,
            segments,
            verdicts,
            redactions,
            names,
            analysis,
            attribution,
            survey_attributions,
            surveys,
            document_attributes,
            document_attribution,
            ratings,
        };
        crate::progress::trace("load: done");
        Ok((project, diags))
    }

    /// Redaction terms still found in the last written report (`report/report.md`), as
    /// problems of that file.
    pub fn check_written_report(&self, diags: &mut Diagnostics) {
        let file = format!("{}/report.md", self.config.report.out.trim_end_matches('/'));
        let Ok(text) = std::fs::read_to_string(self.root.join(&file)) else {
            return;
        };
        for (term, line) in self.redactions.found_in(&text) {
            diags.error(
                &file,
                Some(line),
                format!("redaction term `{term}` is in the written report (run `thematic report` again)"),
            );
        }
        // With `redact_names = false` names are left in quotes: flag each one found.
        if !self.config.report.redact_names {
            for (name, line) in self.names.found_in(&text) {
                diags.warning(
                    &file,
                    Some(line),
                    format!("`{name}`, a name a participant is known by, is in the written report ([report] redact_names = false)"),
                );
            }
        }
    }

    /// The coded segments of document `d`, every coder's (segments are sorted by document).
    pub fn segments_of(&self, d: usize) -> &[CodedSegment] {
        let from = self.segments.partition_point(|s| (s.document as usize) < d);
        let to = from + self.segments[from..].partition_point(|s| (s.document as usize) == d);
        &self.segments[from..to]
    }

    /// A segment's quote as its sheet's row has it: the text it anchors to, unless the row
    /// wrote it otherwise (other spaces or quotation marks; empty for a whole answer).
    pub fn quote_of<'a>(&'a self, s: &'a CodedSegment) -> &'a str {
        match s.quote() {
            Some(q) => q,
            None => &self.documents[s.document as usize].text[s.bytes.range()],
        }
    }

    /// The coded segments the findings rest on: those of the analysis coders.
    pub fn findings(&self) -> impl Iterator<Item = &CodedSegment> + '_ {
        self.segments
            .iter()
            .filter(|s| self.analysis.binary_search(&(s.coder as usize)).is_ok())
    }

    /// Makes the findings rest on `names` for this run (`--coders A,B`).
    pub fn set_analysis(&mut self, names: &[String]) -> Result<()> {
        self.analysis = resolve_coders(names, &self.coders).map_err(|e| anyhow::anyhow!("--coders: {e}"))?;
        Ok(())
    }

    /// The names of the coders whose coding makes the findings.
    pub fn analysis_coders(&self) -> Vec<&str> {
        self.analysis.iter().map(|&c| self.coders[c].as_str()).collect()
    }

    /// The coders whose sheets are for agreement only.
    pub fn agreement_only(&self) -> Vec<&str> {
        (0..self.coders.len())
            .filter(|c| self.analysis.binary_search(c).is_err())
            .map(|c| self.coders[c].as_str())
            .collect()
    }

    /// The rules a quote passes through: redaction terms, then the names people are known by
    /// (unless `[report] redact_names = false`).
    pub fn quote_rules(&self) -> Vec<&Redactions> {
        let mut rules = vec![&self.redactions];
        if self.config.report.redact_names {
            rules.push(&self.names);
        }
        rules
    }

    /// How a quote by participant `p` from `document` is attributed: `[report] attribution`,
    /// or the respondent's survey's own.
    pub fn attribute(&self, p: crate::participants::ParticipantIdx, document: usize) -> String {
        let person = self.participants.get(p);
        let template = person
            .survey
            .and_then(|s| self.survey_attributions.get(s as usize))
            .and_then(Option::as_ref)
            .unwrap_or(&self.attribution);
        let value = |a: &str| {
            self.document_attributes
                .get(document, a)
                .unwrap_or("")
                .to_string()
        };
        template.render(person, &|g| self.config.group_label(g).to_string(), &value)
    }

    /// The text of a quote as it may leave the tool.
    pub fn redact_quote(&self, text: &str) -> String {
        self.redact_quote_around(text, 0..0).0
    }

    /// [`Project::redact_quote`] of a passage with context around it (`passage` a byte range
    /// of `text`); a term across the passage's edge is replaced whole.
    pub fn redact_quote_around(
        &self,
        text: &str,
        passage: std::ops::Range<usize>,
    ) -> (String, std::ops::Range<usize>) {
        crate::redact::apply_all_around(&self.quote_rules(), text, passage)
    }

    pub fn document(&self, id: &str) -> Option<usize> {
        corpus::position(&self.documents, id)
    }

    pub fn coder(&self, name: &str) -> Option<usize> {
        self.coders.iter().position(|c| c == name)
    }

    /// A document by id, or an error naming the nearest one: what a command line gives.
    pub fn document_named(&self, id: &str) -> Result<usize> {
        if let Some(d) = self.document(id) {
            return Ok(d);
        }
        // A survey answer's id (`NAME/<respondent>/<question>`) that names no document: the
        // answer is blank, or the respondent is not in the survey.
        let mut parts = id.splitn(3, '/');
        if let (Some(name), Some(respondent), Some(question)) = (parts.next(), parts.next(), parts.next()) {
            if let Some(survey) = self.config.surveys.get(name) {
                if survey.questions.iter().any(|q| q == question) {
                    let known = self.participants.by_id(&format!("{name}/{respondent}")).is_some()
                        || self.participants.by_id(respondent).is_some();
                    if known {
                        bail!(
                            "the answer `{id}` is blank in {}: there is nothing to code",
                            survey.path
                        );
                    }
                    bail!(
                        "there is no respondent `{respondent}` in {} (survey `{name}`)",
                        survey.path
                    );
                }
            }
        }
        bail!(
            "unknown document `{id}`{}",
            crate::diagnostics::did_you_mean(id, self.documents.iter().map(|d| d.id.as_str()))
        )
    }

    /// A coder (sheet) by name, or an error listing the sheets there are.
    pub fn coder_named(&self, name: &str) -> Result<CoderIdx> {
        coder_index(&self.coders, name).map_err(anyhow::Error::msg)
    }

    /// A code by id, or an error naming the nearest one.
    pub fn code_named(&self, id: &str) -> Result<crate::codebook::CodeIdx> {
        self.codebook.code(id).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown code `{id}`{}",
                crate::diagnostics::did_you_mean(id, self.codebook.codes.iter().map(|c| c.id.as_str()))
            )
        })
    }
}

/// A coder's index among the sheets' coders, or a message listing them.
fn coder_index(coders: &[String], name: &str) -> std::result::Result<CoderIdx, String> {
    coders.iter().position(|c| c == name).ok_or_else(|| {
        format!(
            "no coding sheet for coder `{name}` (sheets: {}){}",
            if coders.is_empty() {
                "none".to_string()
            } else {
                coders.join(", ")
            },
            crate::diagnostics::did_you_mean(name, coders.iter().map(String::as_str))
        )
    })
}

/// Whose coding counts when `[coding] analysis` does not say: every sheet but those of
/// suggestions (`autocode`).
fn default_analysis(sheets: &[Sheet]) -> Vec<CoderIdx> {
    (0..sheets.len()).filter(|&c| !sheets[c].suggestions).collect()
}

/// Coder names (sheet stems) as indices, sorted; an unknown name is an error naming the
/// sheets there are.
fn resolve_coders(names: &[String], coders: &[String]) -> std::result::Result<Vec<CoderIdx>, String> {
    if names.is_empty() {
        return Err(
            "names no coder: list the sheets whose coding makes the findings, such as [\"amira\"]".into(),
        );
    }
    let mut out = names
        .iter()
        .map(|name| coder_index(coders, name))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The names people are known by, other than the label their quotes carry: aliases (full
/// names, first names in a focus group) and the labels of documents' `speakers:` maps (`Sue`
/// in `speakers: Sue = ASH-FG1`). Labels with a digit (`Speaker 2`, `P4`) and one-letter
/// aliases are left out: they are placeholders and abbreviations, not names.
fn known_names(participants: &Participants, documents: &[Document]) -> Vec<String> {
    let is_name = |name: &str, label: &str, id: &str| {
        let key = crate::text::label_key(name);
        name.chars().count() >= 2
            && !name.chars().any(|c| c.is_ascii_digit())
            && key != crate::text::label_key(label)
            && key != crate::text::label_key(id)
    };
    let mut names = Vec::new();
    for p in &participants.list {
        names.extend(p.aliases.iter().filter(|a| is_name(a, &p.label, &p.id)).cloned());
    }
    for doc in documents {
        let Some(map) = doc.meta("speakers") else {
            continue;
        };
        for (label, target) in map.split(';').filter_map(|e| e.split_once('=')) {
            let (label, target) = (label.trim(), target.trim());
            if let Some(p) = participants.by_id(target).map(|i| participants.get(i)) {
                if is_name(label, &p.label, &p.id) {
                    names.push(label.to_string());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The corpus as the cache keeps it: the people (participants.csv's and the surveys'
/// respondents), the documents read from the transcripts and survey answers (their texts kept
/// apart, in [`TEXTS_CACHE`]), the transcripts that could not be read, and the problems found.
#[derive(serde::Serialize, serde::Deserialize)]
struct CorpusRead {
    participants: Participants,
    surveys: Vec<corpus::survey::SurveyTable>,
    #[serde(deserialize_with = "crate::cache::exact_vec")]
    documents: Vec<Document>,
    unreadable: Vec<String>,
    problems: Diagnostics,
}

/// The coding as the cache keeps it: the codebook (with the unsorted codes the sheets added),
/// the sheets, their anchored segments, and the problems found on the way.
#[derive(serde::Serialize, serde::Deserialize)]
struct CodingRead {
    codebook: Codebook,
    sheets: Vec<Sheet>,
    #[serde(deserialize_with = "crate::cache::exact_vec")]
    segments: Vec<CodedSegment>,
    problems: Diagnostics,
}

const CORPUS_CACHE: &str = "corpus.bin";
const CODING_CACHE: &str = "coding.bin";
const TEXTS_CACHE: &str = "texts.bin";

/// The layout of [`CorpusRead`] and [`CodingRead`] in the cache. Bump it whenever a type kept
/// there changes (a test fails until it is: `the_cached_layout_is_what_cache_format_says`).
const CACHE_FORMAT: u64 = 7;

/// The documents' texts from the cache, or, should that file have gone or been damaged since
/// the load, from the transcripts and surveys again (they have not changed: the key says so).
struct CachedTexts {
    root: std::path::PathBuf,
    key: u64,
    config: Config,
    group_ids: Vec<String>,
    turns: crate::documents::Turns,
    /// How many documents were loaded: the texts are theirs, in the same order.
    count: usize,
}

impl CachedTexts {
    fn new(
        root: &Path,
        key: u64,
        config: &Config,
        group_ids: &[String],
        turns: &crate::documents::Turns,
    ) -> CachedTexts {
        CachedTexts {
            root: root.to_path_buf(),
            key,
            config: config.clone(),
            group_ids: group_ids.to_vec(),
            turns: turns.clone(),
            count: 0,
        }
    }

    /// Makes the documents' texts these, read when first used (the texts in memory go).
    fn keep_apart(mut self, documents: &mut [Document]) {
        self.count = documents.len();
        let store = corpus::text::TextStore::new(Box::new(self), documents.len());
        for (i, d) in documents.iter_mut().enumerate() {
            d.text = corpus::text::Text::stored(store.clone(), i);
        }
    }
}

impl corpus::text::TextSource for CachedTexts {
    fn file(&self) -> Option<crate::cache::TextsFile> {
        crate::cache::TextsFile::open(&self.root, TEXTS_CACHE, self.key, self.count)
    }

    fn texts(&self) -> corpus::text::Texts {
        // Read again as the load read them (the key says the files are the same, so the
        // documents come in the same order); the problems were reported then.
        let corpus = CorpusRead::from_files(&self.root, &self.config, &self.group_ids, &self.turns);
        let mut texts = corpus::text::Texts::of(corpus.documents.iter().map(|d| &*d.text));
        texts.resize(self.count);
        crate::cache::write_texts(
            &self.root,
            TEXTS_CACHE,
            self.key,
            (0..texts.len()).map(|i| texts.get(i)),
        );
        texts
    }
}

impl CorpusRead {
    /// Reads `participants.csv`, the surveys (their respondents join the participants) and the
    /// transcripts.
    fn from_files(
        root: &Path,
        config: &Config,
        group_ids: &[String],
        turns: &crate::documents::Turns,
    ) -> CorpusRead {
        let mut diags = Diagnostics::default();
        let file = &config.corpus.participants;
        // A folder of surveys alone needs no participants.csv: its respondents are its people.
        let required = config.surveys.is_empty() || root.join(file).exists();
        let mut participants = match read_text(root, file, required, &mut diags) {
            Some(text) => Participants::parse(&text, file, group_ids, &mut diags),
            None => Participants::parse("id,group\n", file, group_ids, &mut diags),
        };
        let (answers, surveys) =
            corpus::survey::read_surveys(root, &config.surveys, group_ids, &mut participants, &mut diags);
        let (mut documents, unreadable) = load_documents(root, config, &participants, turns, &mut diags);
        if !answers.is_empty() {
            with_answers(&mut documents, answers, &mut diags);
        }
        CorpusRead {
            participants,
            surveys,
            documents,
            unreadable,
            problems: diags,
        }
    }
}

impl CodingRead {
    fn from_files(
        config: &Config,
        codebook: Option<String>,
        sheets: coding::SheetFiles,
        corpus: &CorpusRead,
        key: &mut crate::cache::Hasher,
    ) -> (CodingRead, bool) {
        let mut diags = Diagnostics::default();
        let mut codebook = match codebook {
            Some(text) => Codebook::parse(&text, &config.codebook.path, &mut diags),
            None => Codebook::default(),
        };
        let mut anchoring = coding::Anchoring::new(&corpus.documents, &corpus.unreadable, sheets.most_rows());
        let (sheets, whole) = sheets.parse_each(&mut diags, key, |sheet, file, row, diags| {
            anchoring.row(sheet, file, row, &mut codebook, diags)
        });
        let segments = anchoring.finish(&mut diags);
        let coding = CodingRead {
            codebook,
            sheets,
            segments,
            problems: diags,
        };
        (coding, whole)
    }
}

/// Adds survey answers to the transcripts' documents, keeping them sorted by id; an answer
/// whose id a transcript has already is an error, and is left out.
fn with_answers(documents: &mut Vec<Document>, answers: Vec<Document>, diags: &mut Diagnostics) {
    if documents.is_empty() {
        // A folder of surveys alone: the answers are the documents (a million of them are not
        // copied into a list of their own).
        *documents = answers;
        documents.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        return;
    }
    let transcripts: std::collections::HashMap<CompactString, CompactString> =
        documents.iter().map(|d| (d.id.clone(), d.path.clone())).collect();
    documents.reserve(answers.len());
    for answer in answers {
        match transcripts.get(&answer.id) {
            Some(path) => diags.error(
                &answer.path,
                answer.turns.first().map(|t| t.line as usize),
                format!(
                    "the answer `{}` has the id of the transcript {path}: rename the transcript or the survey",
                    answer.id
                ),
            ),
            None => documents.push(answer),
        }
    }
    // Ids are unique: an answer with a transcript's id was left out.
    documents.sort_unstable_by(|a, b| a.id.cmp(&b.id));
}

/// Hashes the stamps (path, size, modification time) of `files` and of every file under
/// `dirs`; and says whether every one of them has settled.
fn stamps_key(root: &Path, h: &mut crate::cache::Hasher, files: &[&str], dirs: &[&str]) -> bool {
    use crate::cache::{stamps_under, Stamp};
    let mut stamps = std::collections::BTreeMap::new();
    for file in files {
        if let Some(s) = Stamp::of(&root.join(file)) {
            stamps.insert(file.to_string(), s);
        }
    }
    for dir in dirs {
        stamps_under(root, dir, &mut stamps);
    }
    for (path, s) in &stamps {
        h.str(path).number(s.size).bytes(&s.modified.to_le_bytes());
    }
    stamps.values().all(Stamp::settled)
}

/// The cache key of [`CorpusRead`]: the settings, participants, transcripts and surveys, and
/// `documents.csv`'s `turns` (not the whole file: its attributes are read after); and whether
/// every file it stands for has settled.
fn corpus_key(root: &Path, config: &Config, turns: &crate::documents::Turns) -> (u64, bool) {
    let mut h = crate::cache::Hasher::default();
    h.str("corpus")
        .number(CACHE_FORMAT)
        .str(&config.corpus.transcripts);
    let mut files = vec![CONFIG_FILE, config.corpus.participants.as_str()];
    files.extend(config.surveys.values().map(|s| s.path.as_str()));
    let settled = stamps_key(root, &mut h, &files, &[&config.corpus.transcripts]);
    for (id, split) in turns.iter() {
        h.str(id).number(split as u64);
    }
    (h.finish(), settled)
}

/// The cache key of [`CodingRead`], before the sheets are fed to it: the corpus's key and
/// the codebook's contents. The sheets' contents follow ([`coding::SheetFiles::feed`]); they
/// need not settle: on a miss the key is made of the very bytes parsed.
fn coding_hasher(config: &Config, corpus: u64, codebook: Option<&str>) -> crate::cache::Hasher {
    let mut h = crate::cache::Hasher::default();
    h.str("coding")
        .number(CACHE_FORMAT)
        .number(corpus)
        .str(&config.coding.sheets)
        .str(&config.codebook.path);
    match codebook {
        Some(text) => h.number(1).str(text),
        None => h.number(0),
    };
    h
}

/// Files of the analysis folder larger than this count by their stamps in [`inputs_version`].
const BY_STAMP: u64 = 8 << 20;

/// A number that changes when a file of the analysis folder changes, cheap enough to ask for
/// every second or two (the browser workspace does), and whether it can be trusted to stand for
/// the files' contents. Transcripts count by their stamps (size and modification time), which
/// is settled only once the newest is a little old (see [`crate::cache::Stamp::settled`]);
/// every other file (settings, participants, codebook, sheets, surveys...) counts by its bytes,
/// so a sheet written twice within one tick of the clock still shows, unless it is over
/// [`BY_STAMP`] bytes: a million-answer survey is not read at every poll.
pub fn inputs_version(root: &Path) -> (u64, bool) {
    use crate::cache::{Hasher, Stamp};
    use rayon::prelude::*;
    let mut diags = Diagnostics::default();
    let config_text = read_text(root, CONFIG_FILE, false, &mut diags).unwrap_or_default();
    let mut config = Config::parse(&config_text, CONFIG_FILE, &mut diags);
    config.check_links(root, &config_text, CONFIG_FILE, &mut diags);
    let transcripts = root.join(&config.corpus.transcripts);
    let mut files = crate::fsutil::list_files(root, root).files;
    files.sort();
    let parts: Vec<(String, u64, bool)> = files
        .par_iter()
        .filter_map(|path| {
            let stamp = Stamp::of(path)?;
            let rel = corpus::rel(root, path);
            // Transcripts, and files too large to read at every poll (a survey of a million
            // answers, its autocode sheet), count by their stamps: writing one takes longer
            // than a tick of the clock.
            if path.starts_with(&transcripts) || stamp.size > BY_STAMP {
                let h = Hasher::default()
                    .number(stamp.size)
                    .bytes(&stamp.modified.to_le_bytes())
                    .finish();
                Some((rel, h, stamp.settled()))
            } else {
                let bytes = std::fs::read(path).ok()?;
                Some((rel, u64::from(crc32fast::hash(&bytes)), true))
            }
        })
        .collect();
    let mut h = Hasher::default();
    let mut settled = true;
    for (rel, part, s) in &parts {
        h.str(rel).number(*part);
        settled &= s;
    }
    (h.finish(), settled)
}

/// Reads a UTF-8 file of the project. A missing file is an error when `required`; a symbolic
/// link that leads outside the folder is an error and is not followed.
fn read_text(root: &Path, file: &str, required: bool, diags: &mut Diagnostics) -> Option<String> {
    if file != CONFIG_FILE && crate::fsutil::reported_outside(root, file, diags) {
        return None;
    }
    match std::fs::read(root.join(file)) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Some(s.trim_start_matches('\u{feff}').to_string()),
            Err(_) => {
                diags.error(file, None, "not UTF-8: save it as UTF-8");
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if required {
                diags.error(file, None, "file not found");
            }
            None
        }
        Err(e) => {
            diags.error(file, None, format!("cannot read: {e}"));
            None
        }
    }
}

/// Reads every transcript in parallel. Returns the documents and the ids of files that could
/// not be read.
fn load_documents(
    root: &Path,
    config: &Config,
    participants: &Participants,
    turns: &crate::documents::Turns,
    diags: &mut Diagnostics,
) -> (Vec<Document>, Vec<String>) {
    // A folder of surveys alone needs no transcripts folder.
    let files = if !config.surveys.is_empty() && !root.join(&config.corpus.transcripts).exists() {
        Vec::new()
    } else {
        corpus::list_transcripts(root, &config.corpus.transcripts, diags)
    };
    let speakers = Speakers::new(participants, &config.corpus);
    let results: Vec<(String, Option<Document>, Diagnostics)> = files
        .into_par_iter()
        .map(|(id, path, format)| {
            let mut d = Diagnostics::default();
            let doc = crate::diagnostics::read_bytes(&root.join(&path), &path, &mut d).and_then(|bytes| {
                let split = turns.get(&id);
                corpus::read_document(id.clone(), path, format, bytes, &speakers, split, &mut d)
            });
            (id, doc, d)
        })
        .collect();
    let mut documents = Vec::with_capacity(results.len());
    let mut unreadable = Vec::new();
    for (id, doc, d) in results {
        diags.extend(d);
        match doc {
            Some(doc) => documents.push(doc),
            None => unreadable.push(id),
        }
    }
    corpus::warn_unlabelled(&documents, participants, diags);
    (documents, unreadable)
}

/// Reads `triangulation.csv`; each row must name a theme, category or code.
fn read_verdicts(
    text: &str,
    file: &str,
    codebook: &Codebook,
    attributes: &[String],
    diags: &mut Diagnostics,
) -> Vec<AnalystVerdict> {
    let Some(table) = CsvTable::parse(text, file, &["row", "verdict"], diags) else {
        return Vec::new();
    };
    let (row_col, verdict_col, note_col, by_col) = (
        table.column("row").unwrap_or(0),
        table.column("verdict").unwrap_or(1),
        table.column("note"),
        table.column("by"),
    );
    let names: Vec<&str> = codebook
        .themes
        .iter()
        .map(|t| t.name.as_str())
        .chain(codebook.categories.iter().map(|c| c.name.as_str()))
        .chain(codebook.codes.iter().map(|c| c.id.as_str()))
        .collect();
    let mut out: Vec<AnalystVerdict> = Vec::new();
    for r in &table.rows {
        let row = r.fields[row_col].trim().to_string();
        let raw = r.fields[verdict_col].trim();
        if !names.contains(&row.as_str()) {
            diags.error(
                file,
                Some(r.line),
                format!(
                    "`{row}` is no theme, category or code of the codebook{}",
                    crate::diagnostics::did_you_mean(&row, names.iter().copied())
                ),
            );
            continue;
        }
        let Some(verdict) = Verdict::parse(raw) else {
            diags.error(
                file,
                Some(r.line),
                format!("verdict `{raw}` is not agreement, partial, silence or dissonance"),
            );
            continue;
        };
        let by: String = match by_col.map(|c| r.fields[c].trim()).filter(|b| !b.is_empty()) {
            None => "group".into(),
            Some(b) => b.split(',').map(str::trim).collect::<Vec<_>>().join(","),
        };
        if let Some(bad) = by.split(',').find(|k| !attributes.contains(&k.to_string())) {
            diags.error(
                file,
                Some(r.line),
                format!(
                    "`by` names `{bad}`, which is no attribute (use one of {}){}",
                    attributes.join(", "),
                    crate::diagnostics::did_you_mean(bad, attributes.iter().map(String::as_str))
                ),
            );
            continue;
        }
        if let Some(first) = out.iter().find(|v| v.row == row && v.by == by) {
            diags.error(
                file,
                Some(r.line),
                format!(
                    "a second verdict for `{row}` by {by} (first on line {})",
                    first.line
                ),
            );
            continue;
        }
        let note = note_col
            .map(|c| r.fields[c].trim().to_string())
            .unwrap_or_default();
        out.push(AnalystVerdict {
            row,
            by,
            verdict,
            note,
            line: r.line,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{text::Text, Format, Speaker, Turn};

    /// One of each type the cache keeps, built field by field: a new field does not compile
    /// until it is added here, and a changed type changes the bytes below.
    fn sample() -> (CorpusRead, CodingRead) {
        let mut problems = Diagnostics::default();
        problems.warning("a.csv", Some(2), "w");
        let mut d = Diagnostics::default();
        let codebook = Codebook::parse("# T\n## C\n- `a` — A.\n  - polarity: positive\n", "c.md", &mut d);
        let mut participants = Participants::parse(
            "id,group,label,aliases,site\nP1,partner,Partner 1,Jo,north\n",
            "participants.csv",
            &[],
            &mut d,
        );
        participants.add_respondent(crate::participants::Participant {
            id: "staff/7".into(),
            group: "nurse".into(),
            label: "Respondent 7".into(),
            aliases: Vec::new(),
            quotable: false,
            attributes: crate::participants::Values::of(["south"]),
            line: 3,
            survey: Some(0),
        });
        let corpus = CorpusRead {
            participants,
            surveys: vec![corpus::survey::SurveyTable {
                name: "staff".into(),
                questions: vec!["q1".into()],
                attributes: vec![("site".into(), 0)],
                respondents: vec![("7".into(), 1)],
            }],
            unreadable: vec!["gone".into()],
            problems: problems.clone(),
            documents: vec![Document {
                id: "D".into(),
                path: "transcripts/D.txt".into(),
                format: Format::Text,
                encoding: corpus::decode::Encoding::Utf8,
                text: Text::from("R: hi".to_string()),
                chars: 5,
                meta: Box::new([("wave".into(), "1".into())]),
                front_matter: 1,
                participant: Some(0),
                plain: false,
                turns: smallvec::smallvec![Turn {
                    label: "R".into(),
                    speaker: Speaker::Participant(0),
                    time: Some("00:01".into()),
                    line: 1,
                    bytes: (3..5).into(),
                    chars: (3..5).into(),
                }],
            }],
        };
        let coding = CodingRead {
            codebook,
            sheets: vec![Sheet {
                coder: "x".into(),
                path: "coding/x.csv".into(),
                format: crate::coding::SheetFormat::Xlsx,
                suggestions: false,
            }],
            segments: vec![CodedSegment {
                document: 0,
                bytes: (3..5).into(),
                chars: (3..5).into(),
                turns: (0..1).into(),
                participants: smallvec::smallvec![0],
                codes: smallvec::smallvec![0],
                coder: 0,
                notes: crate::coding::Notes::of("", Some("'hi".into())),
                exemplar: false,
                quotable: true,
                polarity: Some(crate::codebook::Polarity::Negative),
                line: 2,
                occurrence: Some(1),
            }],
            problems,
        };
        (corpus, coding)
    }

    #[test]
    fn the_cached_layout_is_what_cache_format_says() {
        let (corpus, coding) = sample();
        let (a, b) = (
            postcard::to_stdvec(&corpus).unwrap(),
            postcard::to_stdvec(&coding).unwrap(),
        );
        let layout = crate::cache::Hasher::default().bytes(&a).bytes(&b).finish();
        // When this fails, a type the cache keeps has changed: bump CACHE_FORMAT, then put the
        // new layout here, so that no cache written by an older build is read as this one.
        assert_eq!(
            (CACHE_FORMAT, layout),
            (7, 0x248c3a25dfc66a11),
            "layout {layout:#x}"
        );
        let back: CorpusRead = postcard::from_bytes(&a).unwrap();
        assert_eq!(&*back.documents[0].text, "", "texts are kept apart");
        let people = &back.participants;
        assert_eq!(
            (
                people.by_id("P1"),
                people.by_speaker("jo"),
                people.by_id("staff/7")
            ),
            (Some(0), Some(0), Some(1)),
            "the people's indexes are made again"
        );
        assert_eq!(
            people.by_speaker("Respondent 7"),
            None,
            "respondents are no speaker labels"
        );
        let back: CodingRead = postcard::from_bytes(&b).unwrap();
        assert_eq!(
            back.codebook.code("a"),
            Some(0),
            "the codebook's index is made again"
        );
    }
}
