//! `thematic.toml`: the project's settings. Every key is optional; an unknown key is an
//! error that names it and the nearest known key.

use crate::diagnostics::{did_you_mean, Diagnostics};
use serde::Deserialize;

/// The file name that marks an analysis folder.
pub const CONFIG_FILE: &str = "thematic.toml";

/// The keys each section accepts. `None` means the section takes any key (its keys are data,
/// as group ids are). A new setting is one more name here and one more field below.
const SCHEMA: &[(&str, Option<&[&str]>)] = &[
    ("project", Some(&["title", "approach", "authors", "date"])),
    ("groups", None),
    (
        "corpus",
        Some(&[
            "transcripts",
            "participants",
            "documents",
            "interviewer",
            "generic",
            "headers",
            "unidentified",
        ]),
    ),
    ("codebook", Some(&["path"])),
    ("coding", Some(&["sheets", "analysis"])),
    (
        "report",
        Some(&[
            "out",
            "quotes_per_subtheme",
            "attribution",
            "redactions",
            "quote_max_chars",
            "redact_names",
            "name_replacement",
            "compare",
            "over",
            "attribution_document",
            "max_quote_share",
            "template",
            "where",
        ]),
    ),
    (
        "triangulation",
        Some(&["by", "level", "prominence_ratio", "overrides"]),
    ),
    ("search", Some(&["language"])),
    ("labels", None),
    ("ratings", Some(&["path", "scale", "dimensions"])),
    ("surveys", None),
];

/// The keys a `[surveys.NAME]` table accepts.
const SURVEY_KEYS: &[&str] = &["path", "id", "group", "questions", "labels", "attribution"];

/// Which kind of thematic analysis the team is doing (Braun & Clarke's typology).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Approach {
    Reflexive,
    #[default]
    Codebook,
    CodingReliability,
}

impl Approach {
    pub fn as_str(self) -> &'static str {
        match self {
            Approach::Reflexive => "reflexive",
            Approach::Codebook => "codebook",
            Approach::CodingReliability => "coding-reliability",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct ProjectSettings {
    pub title: Option<String>,
    pub approach: Approach,
    /// Who wrote the report, for its title block.
    pub authors: Vec<String>,
    /// The report's date as the analyst writes it (a setting, so two runs give the same bytes).
    pub date: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CorpusSettings {
    pub transcripts: String,
    pub participants: String,
    /// Document attributes: `document` then any columns (`documents.csv`, optional).
    pub documents: String,
    /// Speaker labels that are the interviewer or facilitator, never a participant.
    pub interviewer: Vec<String>,
    /// Speaker labels that mean "this document's participant" in one-to-one interviews.
    pub generic: Vec<String>,
    /// Keys of the `Key: value` lines at the top of a transcript that are metadata, not
    /// speech (`Date:`, `Location:`); matched ignoring case and extra spaces.
    pub headers: Vec<String>,
    /// Speaker labels for voices nobody could name (`Unknown speaker`, `Male voice`): their
    /// turns count for no one. Matched ignoring case, with or without a number after
    /// (`Unknown speaker 2`).
    pub unidentified: Vec<String>,
}

/// The default `[corpus] headers`: what transcribers and meeting tools write above an
/// interview.
pub const DEFAULT_HEADERS: &[&str] = &[
    "Date",
    "Time",
    "Duration",
    "Location",
    "Venue",
    "Site",
    "Setting",
    "Note",
    "Notes",
    "Title",
    "Project",
    "Interview",
    "Interview with",
    "Interviewer name",
    "Interviewee name",
    "Participants",
    "Present",
    "Attendees",
    "Transcribed by",
    "Transcriber",
    "Recording",
    "Audio file",
    "File",
    "Language",
];

/// The default `[corpus] unidentified`: the labels transcribers and transcription tools give
/// voices they cannot name.
pub const DEFAULT_UNIDENTIFIED: &[&str] = &[
    "Unknown",
    "Unknown speaker",
    "Unidentified",
    "Unidentified speaker",
    "Unidentified participant",
    "Unidentified male",
    "Unidentified female",
    "Male voice",
    "Female voice",
    "Voice",
    "Inaudible",
    "Crosstalk",
    "Multiple speakers",
    "Several",
    "All",
];

impl Default for CorpusSettings {
    fn default() -> Self {
        let strings = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        CorpusSettings {
            transcripts: "transcripts".into(),
            participants: "participants.csv".into(),
            documents: crate::documents::FILE.into(),
            interviewer: strings(&["Interviewer", "I", "Int", "Facilitator", "Moderator"]),
            generic: strings(&["P", "R", "Participant", "Respondent", "Interviewee"]),
            headers: strings(DEFAULT_HEADERS),
            unidentified: strings(DEFAULT_UNIDENTIFIED),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CodebookSettings {
    pub path: String,
}

impl Default for CodebookSettings {
    fn default() -> Self {
        CodebookSettings {
            path: "codebook.md".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CodingSettings {
    pub sheets: String,
    /// The coders (sheet stems) whose coding makes the findings; `None`: every sheet. The
    /// other sheets are for agreement only.
    pub analysis: Option<Vec<String>>,
}

impl Default for CodingSettings {
    fn default() -> Self {
        CodingSettings {
            sheets: "coding".into(),
            analysis: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ReportSettings {
    pub out: String,
    pub quotes_per_subtheme: usize,
    /// Quotes longer than this (in characters) are cut at a sentence boundary with "…".
    pub quote_max_chars: usize,
    pub attribution: String,
    /// How a quote from a document nobody speaks in is attributed (`{source}`, `{document}`,
    /// any document attribute).
    pub attribution_document: String,
    pub redactions: String,
    /// Replace the names people are known by (aliases, speaker-map names) inside quotes.
    pub redact_names: bool,
    /// What those names become.
    pub name_replacement: String,
    /// The comparisons the report triangulates, each as `--by` names it (`group`, `site`,
    /// `site,wave`); `group` is the report's first section.
    pub compare: Vec<String>,
    /// An ordered attribute (such as `wave`) for a change-over-time section.
    pub over: Option<String>,
    /// The most of the report's quotes one participant supplies while others are available.
    pub max_quote_share: f64,
    /// The analyst's report template (a path inside the project), else the built-in one.
    pub template: Option<String>,
    /// Only this evidence counts and is quoted: `KEY=VALUE` or `KEY!=VALUE`, as `--where`.
    #[serde(rename = "where")]
    pub r#where: Vec<String>,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            out: "report".into(),
            quotes_per_subtheme: 3,
            quote_max_chars: 400,
            attribution: "({label})".into(),
            attribution_document: "({source})".into(),
            redactions: "redactions.csv".into(),
            redact_names: true,
            name_replacement: "[name]".into(),
            compare: vec!["group".into()],
            over: None,
            max_quote_share: 0.15,
            template: None,
            r#where: Vec::new(),
        }
    }
}

/// The whole of `thematic.toml`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct Config {
    pub project: ProjectSettings,
    /// Stakeholder groups, id and label, in report order.
    #[serde(deserialize_with = "ordered_pairs")]
    pub groups: Vec<(String, String)>,
    pub corpus: CorpusSettings,
    pub codebook: CodebookSettings,
    pub coding: CodingSettings,
    pub report: ReportSettings,
    pub triangulation: TriangulationSettings,
    pub search: SearchSettings,
    pub ratings: RatingsSettings,
    /// Labels for attribute values, per attribute: `[labels.site] ASH = "Ashvale"`.
    pub labels: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Survey files, by name: `[surveys.staff]`.
    pub surveys: std::collections::BTreeMap<String, SurveySettings>,
}

/// A survey file read as sources: one participant per respondent, one document per non-empty
/// answer.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(default)]
pub struct SurveySettings {
    /// The `.csv` or `.xlsx` file, inside the project folder.
    pub path: String,
    /// The column that identifies a respondent.
    pub id: String,
    /// The column that gives the stakeholder group (none: the survey's name is the group).
    pub group: Option<String>,
    /// The free-text columns; every other column is an attribute of the respondent.
    pub questions: Vec<String>,
    /// How questions are named in outputs: column = label.
    pub labels: std::collections::BTreeMap<String, String>,
    /// How quotes from this survey are attributed (default: `[report] attribution`).
    pub attribution: Option<String>,
}

/// Ratings beside the themes (a maturity matrix): `ratings.csv` on a declared scale.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RatingsSettings {
    pub path: String,
    /// The lowest and highest score.
    pub scale: Vec<f64>,
    /// The dimensions, id = label, in order (any dimension when none are declared).
    #[serde(deserialize_with = "ordered_pairs")]
    pub dimensions: Vec<(String, String)>,
}

impl Default for RatingsSettings {
    fn default() -> Self {
        RatingsSettings {
            path: "ratings.csv".into(),
            scale: vec![1.0, 5.0],
            dimensions: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SearchSettings {
    /// The language words are stemmed in (`none`: no stemming).
    pub language: String,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            language: "english".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct TriangulationSettings {
    /// `group` or a participant attribute.
    pub by: String,
    /// `theme`, `category` or `code`.
    pub level: String,
    /// Prominence differs strongly when one group's share of participants is under this
    /// fraction of another's.
    pub prominence_ratio: f64,
    /// The analyst's verdicts: `row,verdict,note`.
    pub overrides: String,
}

impl Default for TriangulationSettings {
    fn default() -> Self {
        TriangulationSettings {
            by: "group".into(),
            level: "theme".into(),
            prominence_ratio: 0.5,
            overrides: "triangulation.csv".into(),
        }
    }
}

fn ordered_pairs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    let table = toml::Table::deserialize(d)?;
    table
        .into_iter()
        .map(|(k, v)| match v {
            toml::Value::String(s) => Ok((k, s)),
            other => Err(serde::de::Error::custom(format!(
                "group `{k}` should be a label in quotes, not {}",
                other.type_str()
            ))),
        })
        .collect()
}

impl Config {
    /// Parses the text of `thematic.toml`. Problems go to `diags` (under `file`); whatever
    /// cannot be read falls back to the defaults.
    pub fn parse(text: &str, file: &str, diags: &mut Diagnostics) -> Config {
        let table: toml::Table = match toml::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                diags.error(
                    file,
                    span_line(text, e.span()),
                    plain_words(text, e.span(), e.message()),
                );
                return Config::default();
            }
        };
        check_keys(&table, text, file, diags);
        match toml::from_str::<Config>(text) {
            Ok(mut c) => {
                c.check_values(text, file, diags);
                c
            }
            Err(e) => {
                diags.error(
                    file,
                    span_line(text, e.span()),
                    format!(
                        "{} (every setting is left at its default until this is fixed)",
                        plain_words(text, e.span(), e.message())
                    ),
                );
                Config::default()
            }
        }
    }

    /// The settings that name a file or folder of the project: section, key, the value and its
    /// default.
    fn paths_mut(&mut self) -> [(&'static str, &'static str, &mut String, String); 9] {
        let (corpus, report) = (CorpusSettings::default(), ReportSettings::default());
        [
            (
                "corpus",
                "transcripts",
                &mut self.corpus.transcripts,
                corpus.transcripts,
            ),
            (
                "corpus",
                "participants",
                &mut self.corpus.participants,
                corpus.participants,
            ),
            (
                "corpus",
                "documents",
                &mut self.corpus.documents,
                corpus.documents,
            ),
            (
                "codebook",
                "path",
                &mut self.codebook.path,
                CodebookSettings::default().path,
            ),
            (
                "coding",
                "sheets",
                &mut self.coding.sheets,
                CodingSettings::default().sheets,
            ),
            ("report", "out", &mut self.report.out, report.out),
            (
                "report",
                "redactions",
                &mut self.report.redactions,
                report.redactions,
            ),
            (
                "triangulation",
                "overrides",
                &mut self.triangulation.overrides,
                TriangulationSettings::default().overrides,
            ),
            (
                "ratings",
                "path",
                &mut self.ratings.path,
                RatingsSettings::default().path,
            ),
        ]
    }

    /// A path set in `thematic.toml` that leads outside the folder holding it, through a
    /// symbolic link, is an error (on its line) and falls back to its default: the link is not
    /// followed. (One that leads outside as written is found by [`Config::parse`].) A default
    /// path that is such a link is reported by whatever reads it, naming the path.
    pub fn check_links(&mut self, root: &std::path::Path, text: &str, file: &str, diags: &mut Diagnostics) {
        for (section, key, value, default) in self.paths_mut() {
            let Some(line) = find_line(text, Some(section), key) else {
                continue;
            };
            if let Some(real) = crate::fsutil::link_outside(root, value) {
                diags.error(
                    file,
                    Some(line),
                    format!(
                        "[{section}] {key} = \"{value}\" leads outside the project folder through a symbolic link (to {}): not followed; paths in thematic.toml stay inside the folder that holds it",
                        real.display()
                    ),
                );
                *value = default;
            }
        }
        self.surveys.retain(|name, survey| {
            let Some(real) = crate::fsutil::link_outside(root, &survey.path) else {
                return true;
            };
            diags.error(
                file,
                find_line(text, Some(&format!("surveys.{name}")), "path"),
                format!(
                    "[surveys.{name}] path = \"{}\" leads outside the project folder through a symbolic link (to {}): not followed; paths in thematic.toml stay inside the folder that holds it",
                    survey.path,
                    real.display()
                ),
            );
            false
        });
    }

    /// A survey needs a name usable in document ids, a path inside the folder to a `.csv` or
    /// `.xlsx` file, an id column and at least one question; one that lacks any is an error
    /// and is not read.
    fn check_surveys(&mut self, text: &str, file: &str, diags: &mut Diagnostics) {
        self.surveys.retain(|name, survey| {
            let section = format!("surveys.{name}");
            let line = |key: &str| find_line(text, Some(&section), key).or_else(|| find_line(text, None, &section));
            let problem = if !crate::text::is_code_id(name) || name.contains('/') {
                Some((line("path"), format!("[surveys.{name}]: a survey's name is part of its documents' ids: use letters, digits, `-` and `_` only")))
            } else if survey.path.trim().is_empty() {
                Some((line("path"), format!("[surveys.{name}] has no path: set path = \"surveys/{name}.csv\" (a .csv or .xlsx file)")))
            } else if crate::fsutil::escapes(&survey.path) {
                Some((line("path"), format!("[surveys.{name}] path = \"{}\" leads outside the project folder: paths in thematic.toml stay inside the folder that holds it", survey.path)))
            } else if !survey.path.to_lowercase().ends_with(".csv") && !survey.path.to_lowercase().ends_with(".xlsx") {
                Some((line("path"), format!("[surveys.{name}] path = \"{}\": a survey is a .csv or .xlsx file", survey.path)))
            } else if survey.id.trim().is_empty() {
                Some((line("id"), format!("[surveys.{name}] has no id: name the column that identifies a respondent, such as id = \"respondent\"")))
            } else if survey.questions.is_empty() {
                Some((line("questions"), format!("[surveys.{name}] has no questions: list the free-text columns, such as questions = [\"q1\", \"q2\"]")))
            } else {
                None
            };
            match problem {
                Some((line, message)) => {
                    diags.error(file, line, message);
                    false
                }
                None => true,
            }
        });
    }

    /// Values that parse but make no sense are errors, and fall back to their defaults.
    fn check_values(&mut self, text: &str, file: &str, diags: &mut Diagnostics) {
        for (section, key, value, default) in self.paths_mut() {
            if crate::fsutil::escapes(value) {
                diags.error(
                    file,
                    find_line(text, Some(section), key),
                    format!(
                        "[{section}] {key} = \"{value}\" leads outside the project folder: paths in thematic.toml stay inside the folder that holds it (a path given on the command line, such as `report --out`, may point anywhere)"
                    ),
                );
                *value = default;
            }
        }
        self.check_surveys(text, file, diags);
        let t = &mut self.triangulation;
        if !(t.prominence_ratio > 0.0 && t.prominence_ratio <= 1.0) {
            diags.error(
                file,
                find_line(text, Some("triangulation"), "prominence_ratio"),
                format!(
                    "prominence_ratio = {} must be above 0 and at most 1",
                    t.prominence_ratio
                ),
            );
            t.prominence_ratio = TriangulationSettings::default().prominence_ratio;
        }
        if !["theme", "category", "code"].contains(&t.level.as_str()) {
            diags.error(
                file,
                find_line(text, Some("triangulation"), "level"),
                format!(
                    "[triangulation] level = \"{}\" is not theme, category or code",
                    t.level
                ),
            );
            t.level = TriangulationSettings::default().level;
        }
        let language = self.search.language.to_lowercase();
        if crate::search::analyzer::LANGUAGES.contains(&language.as_str()) {
            self.search.language = language;
        } else {
            diags.error(
                file,
                find_line(text, Some("search"), "language"),
                format!(
                    "[search] language = \"{}\" is not one of {}{}",
                    self.search.language,
                    crate::search::analyzer::LANGUAGES.join(", "),
                    did_you_mean(&language, crate::search::analyzer::LANGUAGES.iter().copied())
                ),
            );
            self.search.language = SearchSettings::default().language;
        }
        if self.ratings.scale.len() != 2 || self.ratings.scale[0] >= self.ratings.scale[1] {
            diags.error(
                file,
                find_line(text, Some("ratings"), "scale"),
                "[ratings] scale should be the lowest and the highest score, such as [1, 5]",
            );
            self.ratings.scale = RatingsSettings::default().scale;
        }
        if !(self.report.max_quote_share > 0.0 && self.report.max_quote_share <= 1.0) {
            diags.error(
                file,
                find_line(text, Some("report"), "max_quote_share"),
                format!(
                    "max_quote_share = {} must be above 0 and at most 1 (0.15: no one supplies more than 15% of the quotes while others can)",
                    self.report.max_quote_share
                ),
            );
            self.report.max_quote_share = ReportSettings::default().max_quote_share;
        }
        let r = &mut self.report;
        if r.quotes_per_subtheme == 0 || r.quote_max_chars < 40 {
            diags.error(
                file,
                find_line(
                    text,
                    Some("report"),
                    if r.quotes_per_subtheme == 0 {
                        "quotes_per_subtheme"
                    } else {
                        "quote_max_chars"
                    },
                ),
                "quotes_per_subtheme must be at least 1 and quote_max_chars at least 40",
            );
            *r = ReportSettings {
                out: r.out.clone(),
                attribution: r.attribution.clone(),
                attribution_document: r.attribution_document.clone(),
                redactions: r.redactions.clone(),
                redact_names: r.redact_names,
                name_replacement: r.name_replacement.clone(),
                compare: r.compare.clone(),
                over: r.over.clone(),
                max_quote_share: r.max_quote_share,
                template: r.template.clone(),
                r#where: r.r#where.clone(),
                ..ReportSettings::default()
            };
        }
    }

    /// The label of a group, or the id itself when `[groups]` does not name it.
    pub fn group_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.groups
            .iter()
            .find(|(g, _)| g == id)
            .map(|(_, label)| label.as_str())
            .unwrap_or(id)
    }
}

fn check_keys(table: &toml::Table, text: &str, file: &str, diags: &mut Diagnostics) {
    let sections: Vec<&str> = SCHEMA.iter().map(|(s, _)| *s).collect();
    for (section, value) in table {
        let Some((_, keys)) = SCHEMA.iter().find(|(s, _)| s == section) else {
            let line = find_line(text, None, section);
            diags.error(
                file,
                line,
                format!(
                    "unknown section `{section}`{}",
                    did_you_mean(section, sections.iter().copied())
                ),
            );
            continue;
        };
        if section == "surveys" {
            check_survey_keys(value, text, file, diags);
            continue;
        }
        let (Some(keys), toml::Value::Table(inner)) = (keys, value) else {
            continue;
        };
        for key in inner.keys() {
            if !keys.contains(&key.as_str()) {
                diags.error(
                    file,
                    find_line(text, Some(section), key),
                    format!(
                        "unknown key `{section}.{key}`{}",
                        did_you_mean(key, keys.iter().copied())
                    ),
                );
            }
        }
    }
}

/// Each `[surveys.NAME]` is a table of known keys.
fn check_survey_keys(value: &toml::Value, text: &str, file: &str, diags: &mut Diagnostics) {
    let toml::Value::Table(surveys) = value else {
        return;
    };
    for (name, survey) in surveys {
        let section = format!("surveys.{name}");
        let toml::Value::Table(keys) = survey else {
            diags.error(
                file,
                find_line(text, None, &section),
                format!("[surveys] {name} should be a table: [surveys.{name}] with path, id and questions"),
            );
            continue;
        };
        for key in keys.keys() {
            if !SURVEY_KEYS.contains(&key.as_str()) {
                diags.error(
                    file,
                    find_line(text, Some(&section), key),
                    format!(
                        "unknown key `{section}.{key}`{}",
                        did_you_mean(key, SURVEY_KEYS.iter().copied())
                    ),
                );
            }
        }
    }
}

/// A TOML or type error in the user's words: the key it is about, and what its value should
/// be (`quotes_per_subtheme = "three": should be a whole number`), not serde's type names.
fn plain_words(text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> String {
    let message = message.trim();
    let should = [
        (
            "expected usize",
            "should be a whole number (0 or more), without quotes",
        ),
        (
            "expected u64",
            "should be a whole number (0 or more), without quotes",
        ),
        ("expected f64", "should be a number, without quotes"),
        ("expected a boolean", "should be true or false, without quotes"),
        ("expected a string", "should be text in double quotes"),
        (
            "expected a sequence",
            "should be a list in square brackets, such as [\"a\", \"b\"]",
        ),
        ("expected a map", "should be a table"),
    ]
    .iter()
    .find(|(k, _)| message.ends_with(k))
    .map(|(_, v)| v.to_string());
    let plain = match (should, message.strip_prefix("unknown variant ")) {
        (Some(s), _) => s,
        (None, Some(rest)) => match rest.split_once(", expected one of ") {
            Some((value, options)) => format!("{value} is not one of {}", options.replace('`', "")),
            None => message.to_string(),
        },
        (None, None) => message.to_string(),
    };
    // The setting the span is in, as written on its line.
    let setting = span.and_then(|s| {
        let start = text[..s.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
        let line = text[start..].lines().next()?;
        line.contains('=').then(|| line.trim().to_string())
    });
    match setting {
        Some(setting) if plain != message => format!("{setting}: {plain}"),
        _ => plain,
    }
}

/// The 1-based line of a byte span's start.
fn span_line(text: &str, span: Option<std::ops::Range<usize>>) -> Option<usize> {
    span.map(|s| line_of(text, s.start))
}

/// The 1-based line holding byte `offset`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count() + 1
}

/// The line where `key` is set (inside `[section]` when given), or where `[key]` opens.
pub fn find_line(text: &str, section: Option<&str>, key: &str) -> Option<usize> {
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            let name = name.trim().to_string();
            if section.is_none() && name == key {
                return Some(i + 1);
            }
            current = Some(name);
            continue;
        }
        let in_section = current.as_deref() == section;
        let sets_key = t
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if sets_key && (in_section || section.is_none()) {
            return Some(i + 1);
        }
        if let Some(section) = section {
            // Dotted keys at top level: `report.out = ...`
            if current.is_none() && t.starts_with(&format!("{section}.{key}")) {
                return Some(i + 1);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Config, Vec<String>) {
        let mut d = Diagnostics::default();
        let c = Config::parse(text, "thematic.toml", &mut d);
        (c, d.sorted().iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn empty_file_gives_defaults() {
        let (c, problems) = parse("");
        assert!(problems.is_empty());
        assert_eq!(c.report.quotes_per_subtheme, 3);
        assert_eq!(c.project.approach, Approach::Codebook);
        assert!(c.corpus.interviewer.contains(&"Interviewer".to_string()));
    }

    #[test]
    fn groups_keep_their_order() {
        let (c, _) = parse("[groups]\nstaff = \"Staff\"\npartner = \"Partners\"\nalpha = \"A\"\n");
        let ids: Vec<&str> = c.groups.iter().map(|(g, _)| g.as_str()).collect();
        assert_eq!(ids, ["staff", "partner", "alpha"]);
        assert_eq!(c.group_label("partner"), "Partners");
        assert_eq!(c.group_label("other"), "other");
    }

    #[test]
    fn unknown_key_names_line_and_nearest_key() {
        let (_, problems) = parse("[project]\ntitle = \"x\"\n\n[report]\nquotes_per_subtheem = 2\n");
        assert_eq!(
            problems,
            ["error: thematic.toml:5: unknown key `report.quotes_per_subtheem` (did you mean `quotes_per_subtheme`?)"]
        );
    }

    #[test]
    fn nonsense_values_are_errors() {
        let (c, problems) = parse("[triangulation]\nprominence_ratio = 1.5\nlevel = \"sentence\"\n");
        assert_eq!(
            problems,
            [
                "error: thematic.toml:2: prominence_ratio = 1.5 must be above 0 and at most 1",
                "error: thematic.toml:3: [triangulation] level = \"sentence\" is not theme, category or code",
            ]
        );
        assert_eq!(c.triangulation.prominence_ratio, 0.5);
        let (_, problems) = parse("[report]\nquotes_per_subtheme = 0\n");
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn unknown_section_is_an_error() {
        let (_, problems) = parse("[reprot]\nout = \"r\"\n");
        assert_eq!(
            problems,
            ["error: thematic.toml:1: unknown section `reprot` (did you mean `report`?)"]
        );
    }

    #[test]
    fn bad_values_and_syntax_are_errors_with_lines() {
        let (_, problems) = parse("[project]\napproach = \"vibes\"\n");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("error: thematic.toml:2: "),
            "{problems:?}"
        );
        let (_, problems) = parse("[project\n");
        assert!(
            problems[0].starts_with("error: thematic.toml:1: "),
            "{problems:?}"
        );
        let (_, problems) = parse("[report]\nquotes_per_subtheme = \"three\"\n");
        assert_eq!(
            problems,
            ["error: thematic.toml:2: quotes_per_subtheme = \"three\": should be a whole number (0 or more), without quotes (every setting is left at its default until this is fixed)"]
        );
        let (_, problems) = parse("[project]\napproach = \"vibes\"\n");
        assert_eq!(
            problems,
            ["error: thematic.toml:2: approach = \"vibes\": `vibes` is not one of reflexive, codebook, coding-reliability (every setting is left at its default until this is fixed)"]
        );
        let (_, problems) = parse("[coding]\nanalysis = \"amira\"\n");
        assert!(
            problems[0].contains("analysis = \"amira\": should be a list in square brackets"),
            "{problems:?}"
        );
        let (_, problems) = parse("[groups]\nstaff = 3\n");
        assert!(problems[0].contains("group `staff`"), "{problems:?}");
    }

    #[test]
    fn paths_that_lead_outside_the_folder_are_errors_and_fall_back() {
        let (c, problems) = parse("[report]\nout = \"../../elsewhere\"\nredactions = \"/etc/passwd\"\n\n[coding]\nsheets = \"a/../../b\"\n");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0]
                .starts_with("error: thematic.toml:2: [report] out = \"../../elsewhere\" leads outside"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("error: thematic.toml:3: "),
            "{problems:?}"
        );
        assert!(
            problems[2].starts_with("error: thematic.toml:6: "),
            "{problems:?}"
        );
        assert_eq!(
            (c.report.out.as_str(), c.report.redactions.as_str()),
            ("report", "redactions.csv")
        );
        assert_eq!(c.coding.sheets, "coding");
        let (c, problems) = parse("[report]\nout = \"build/../report-2\"\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.report.out, "build/../report-2");
    }

    #[cfg(unix)]
    #[test]
    fn a_path_setting_through_a_link_out_of_the_folder_is_not_followed() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("p");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(outer.path().join("secret"), "secret words").unwrap();
        std::os::unix::fs::symlink(outer.path().join("secret"), root.join("r.csv")).unwrap();
        let text = "[report]\nredactions = \"r.csv\"\n";
        let mut d = Diagnostics::default();
        let mut c = Config::parse(text, "thematic.toml", &mut d);
        c.check_links(&root, text, "thematic.toml", &mut d);
        let problems: Vec<String> = d.sorted().iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("error: thematic.toml:2: [report] redactions = \"r.csv\" leads outside the project folder through a symbolic link"), "{problems:?}");
        assert!(!problems[0].contains("secret words"));
        assert_eq!(c.report.redactions, "redactions.csv");
    }
}
