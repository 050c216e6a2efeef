//! Document attributes: `documents.csv` (`document`, then any columns such as `source`,
//! `wave`, `site`, `case`, `date`, `team`) and the same keys in a document's front matter. A
//! key set in both places to different values is an error.
//!
//! `source` is always an attribute: from `documents.csv` or the front matter (`type:` is read as
//! `source:`), else `interview` for a document with one or two participants, `focus group` for
//! one with three or more, and `document` for one with none (field notes, minutes, papers).

use crate::corpus::Document;
use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::participants::Participants;
use crate::text::CsvTable;
use std::collections::{BTreeMap, HashMap};

/// The file's name when `[corpus] documents` does not say.
pub const FILE: &str = "documents.csv";

/// Front-matter keys that are settings of the document, not attributes.
const SETTINGS: [&str; 3] = ["participant", "speakers", "turns"];

/// The settings `documents.csv` may also give: how the transcript is read. (`participant` and
/// `speakers` stay in the front matter: they name people in the text beside them.)
const CSV_SETTINGS: [&str; 1] = ["turns"];

/// Reads `documents.csv`'s table (its problems reported once): the settings are read from it
/// before the transcripts ([`Turns::read`]), the attributes after ([`DocumentAttributes::build`]).
pub fn read_table(text: &str, file: &str, diags: &mut Diagnostics) -> Option<CsvTable> {
    CsvTable::parse(text, file, &["document"], diags)
}

/// `turns` from `documents.csv`, per document id: `false` reads the transcript as plain text,
/// as `turns: false` in its front matter does. Read before the transcripts are split into
/// turns, since it decides how they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Turns(BTreeMap<String, (bool, usize)>);

impl Turns {
    /// The `turns` column (when there is one); a value other than `true` or `false` is an
    /// error naming its line, and the document is read as it would be without it.
    pub fn read(table: Option<&CsvTable>, file: &str, diags: &mut Diagnostics) -> Turns {
        let mut turns = BTreeMap::new();
        let Some(table) = table else {
            return Turns(turns);
        };
        let (Some(doc_col), Some(col)) = (
            table.column("document"),
            table.headers.iter().position(|h| attribute_name(h) == "turns"),
        ) else {
            return Turns(turns);
        };
        for row in &table.rows {
            let (id, value) = (row.fields[doc_col].trim(), row.fields[col].trim());
            if value.is_empty() {
                continue;
            }
            match crate::corpus::turns_setting(value) {
                // A second row for a document is an error reported with the attributes; the
                // first one counts.
                Some(v) => {
                    turns.entry(id.to_string()).or_insert((v, row.line));
                }
                None => diags.error(
                    file,
                    Some(row.line),
                    format!(
                        "`turns` of `{id}` is `{value}`: write true or false (false reads the document as plain text, `Label:` lines and all)"
                    ),
                ),
            }
        }
        Turns(turns)
    }

    /// Whether `documents.csv` splits document `id` into turns (`Some(false)`: plain text).
    pub fn get(&self, id: &str) -> Option<bool> {
        self.0.get(id).map(|&(v, _)| v)
    }

    /// A document whose front matter sets `turns` otherwise is an error, as for attributes.
    fn check_front_matter(&self, doc: &Document, file: &str, diags: &mut Diagnostics) {
        let front = doc.meta[..doc.front_matter as usize]
            .iter()
            .find(|(k, _)| k == "turns")
            .and_then(|(_, v)| crate::corpus::turns_setting(v));
        if let (Some(&(csv, line)), Some(front)) = (self.0.get(doc.id.as_str()), front) {
            if csv != front {
                diags.error(
                    file,
                    Some(line),
                    format!(
                        "`turns` of `{}` is `{csv}` here but `{front}` in its front matter ({}): keep one",
                        doc.id, doc.path
                    ),
                );
            }
        }
    }

    /// Every setting, by document id, for the cache key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, bool)> {
        self.0.iter().map(|(id, &(v, _))| (id.as_str(), v))
    }
}

/// The attributes of every document.
#[derive(Debug, Clone, Default)]
pub struct DocumentAttributes {
    /// Attribute names: `source` first, then `documents.csv`'s columns, then front-matter keys
    /// in alphabetical order.
    pub names: Vec<String>,
    /// Each value once, the empty value (unset) first: a million survey answers share a few.
    pool: Vec<String>,
    /// `ids[document * names.len() + attribute]`: the value's place in `pool`.
    ids: Vec<u32>,
}

/// [`DocumentAttributes`]' values as they are set.
struct Values {
    width: usize,
    pool: Vec<String>,
    seen: HashMap<String, u32>,
    ids: Vec<u32>,
}

impl Values {
    fn new(documents: usize, width: usize) -> Values {
        Values {
            width,
            pool: vec![String::new()],
            seen: HashMap::from([(String::new(), 0)]),
            ids: vec![0; documents * width],
        }
    }

    fn get(&self, d: usize, a: usize) -> &str {
        &self.pool[self.ids[d * self.width + a] as usize]
    }

    fn set(&mut self, d: usize, a: usize, value: &str) {
        let id = match self.seen.get(value) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.pool.len()).expect("fewer than 4 billion values");
                self.pool.push(value.to_string());
                self.seen.insert(value.to_string(), id);
                id
            }
        };
        self.ids[d * self.width + a] = id;
    }
}

impl DocumentAttributes {
    /// Reads `documents.csv` (when there is one: `table` is its table, `turns` the settings
    /// read from it) and the front matter of `documents`, in the same order as they are.
    pub fn build(
        table: Option<&CsvTable>,
        turns: &Turns,
        file: &str,
        documents: &[Document],
        participants: &Participants,
        diags: &mut Diagnostics,
    ) -> DocumentAttributes {
        let mut names: Vec<String> = vec!["source".into()];
        // From documents.csv: (document, attribute) → (value, line).
        let from_csv = match table {
            Some(table) => csv_values(table, file, documents, &mut names, diags),
            None => HashMap::new(),
        };
        // Front-matter keys, in alphabetical order after the CSV's columns.
        let mut front_keys: Vec<String> = documents
            .iter()
            .flat_map(|d| {
                d.meta[..d.front_matter as usize]
                    .iter()
                    .map(|(k, _)| attribute_name(k))
            })
            .filter(|k| !SETTINGS.contains(&k.as_str()))
            .collect();
        // Survey answers say which survey and question they answer.
        let answers = documents
            .iter()
            .any(|d| d.format == crate::corpus::Format::Survey);
        if answers {
            front_keys.extend(["question".to_string(), "survey".to_string()]);
        }
        front_keys.sort();
        front_keys.dedup();
        for k in front_keys {
            if !names.contains(&k) {
                names.push(k);
            }
        }
        let mut values = Values::new(documents.len(), names.len());
        for (d, doc) in documents.iter().enumerate() {
            turns.check_front_matter(doc, file, diags);
            for (key, value) in &doc.meta[..doc.front_matter as usize] {
                let name = attribute_name(key);
                let Some(a) = names.iter().position(|n| *n == name) else {
                    continue;
                };
                let value = value.trim();
                if let Some((csv_value, line)) = from_csv.get(&(d, name.clone())) {
                    if csv_value != value {
                        diags.error(
                            file,
                            Some(*line),
                            format!(
                                "`{name}` of `{}` is `{csv_value}` here but `{value}` in its front matter ({}): keep one",
                                doc.id, doc.path
                            ),
                        );
                    }
                }
                values.set(d, a, value);
            }
            for (a, name) in names.iter().enumerate() {
                if let Some((v, _)) = from_csv.get(&(d, name.clone())) {
                    values.set(d, a, v);
                }
            }
            if doc.format == crate::corpus::Format::Survey {
                let (survey, question) = crate::corpus::survey::survey_and_question(&doc.id);
                for (name, value) in [("question", question), ("survey", survey)] {
                    if let Some(a) = names.iter().position(|n| n == name) {
                        if values.get(d, a).is_empty() {
                            values.set(d, a, value);
                        }
                    }
                }
                if values.get(d, 0).is_empty() {
                    values.set(d, 0, crate::corpus::survey::SOURCE);
                }
            }
            if values.get(d, 0).is_empty() {
                let source = match doc.participants().len() {
                    0 => "document",
                    1 | 2 => "interview",
                    _ => "focus group",
                };
                values.set(d, 0, source);
            }
        }
        for name in &names {
            if participants.has_attribute(name) && name != "source" {
                diags.warning(
                    file,
                    None,
                    format!(
                        "`{name}` is both a participants.csv column and a document attribute: `--by {name}` and `--where {name}=...` use the documents' values"
                    ),
                );
            }
        }
        DocumentAttributes {
            names,
            pool: values.pool,
            ids: values.ids,
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// A document's value of attribute `a` (an index into `names`); empty where unset.
    pub fn value(&self, document: usize, a: usize) -> &str {
        if a >= self.names.len() {
            return "";
        }
        self.ids
            .get(document * self.names.len() + a)
            .map_or("", |&id| self.pool[id as usize].as_str())
    }

    /// A document's value of an attribute by name.
    pub fn get(&self, document: usize, name: &str) -> Option<&str> {
        self.position(name).map(|a| self.value(document, a))
    }
}

/// `documents.csv`'s attribute values: (document, attribute) → (value, line); its columns are
/// added to `names`.
fn csv_values(
    table: &CsvTable,
    file: &str,
    documents: &[Document],
    names: &mut Vec<String>,
    diags: &mut Diagnostics,
) -> HashMap<(usize, String), (String, usize)> {
    let mut from_csv = HashMap::new();
    let doc_col = table.column("document").unwrap_or(0);
    let columns: Vec<(usize, String)> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(i, h)| *i != doc_col && !h.is_empty())
        .map(|(i, h)| (i, attribute_name(h)))
        .collect();
    for (_, name) in &columns {
        if CSV_SETTINGS.contains(&name.as_str()) {
            continue;
        }
        if SETTINGS.contains(&name.as_str()) {
            diags.error(
                file,
                Some(1),
                format!("`{name}` is a setting of a document's front matter, not an attribute: set it there"),
            );
        } else if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for row in &table.rows {
        let id = row.fields[doc_col].trim();
        let Some(d) = crate::corpus::position(documents, id) else {
            diags.error(
                file,
                Some(row.line),
                format!(
                    "no document `{id}` in the transcripts folder{}",
                    did_you_mean(id, documents.iter().map(|d| d.id.as_str()))
                ),
            );
            continue;
        };
        if let Some(first) = seen.insert(d, row.line) {
            diags.error(
                file,
                Some(row.line),
                format!("a second row for `{id}` (first on line {first})"),
            );
            continue;
        }
        for (c, name) in &columns {
            let value = row.fields[*c].trim();
            if !value.is_empty() && !SETTINGS.contains(&name.as_str()) {
                from_csv.insert((d, name.clone()), (value.to_string(), row.line));
            }
        }
    }
    from_csv
}

/// How a quote from a document nobody speaks in is attributed: `[report]
/// attribution_document`, such as `({source}, {team}, {date})`: `{document}` (its id) and any
/// document attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentAttribution {
    /// Text, and placeholders (`Some(name)`).
    parts: Vec<(String, Option<String>)>,
}

impl DocumentAttribution {
    pub fn parse(template: &str, names: &[String]) -> Result<DocumentAttribution, String> {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                return Err(format!("`{template}` has a `{{` with no closing `}}`"));
            };
            let name = rest[open + 1..open + close].trim();
            if name != "document" && !names.iter().any(|n| n == name) {
                let mut known = vec!["document"];
                known.extend(names.iter().map(String::as_str));
                return Err(crate::participants::unknown_placeholder(name, &known));
            }
            parts.push((rest[..open].to_string(), Some(name.to_string())));
            rest = &rest[open + close + 1..];
        }
        parts.push((rest.to_string(), None));
        Ok(DocumentAttribution { parts })
    }

    /// The attribution of a quote from document `id`; `value` gives its attributes.
    pub fn render(&self, id: &str, value: &dyn Fn(&str) -> String) -> String {
        let mut out = String::new();
        for (text, name) in &self.parts {
            out.push_str(text);
            match name.as_deref() {
                Some("document") => out.push_str(id),
                Some(n) => out.push_str(&value(n)),
                None => {}
            }
        }
        out
    }
}

impl Default for DocumentAttribution {
    fn default() -> Self {
        DocumentAttribution {
            parts: vec![("(".into(), Some("source".into())), (")".into(), None)],
        }
    }
}

/// An attribute's name as keys are compared: lower case, `type` read as `source`.
fn attribute_name(key: &str) -> String {
    let k = key.trim().to_lowercase();
    if k == "type" {
        "source".into()
    } else {
        k
    }
}
