//! What counts are broken down by (`--by`) and filtered on (`--where`): participant attributes
//! (group, id, any `participants.csv` column) and document attributes (id, `source`, any
//! `documents.csv` column or front-matter key) alike, one or two at once (`--by site,wave`).
//!
//! Evidence is attributed through *units*: each speaker of a passage, in the passage's
//! document; a passage nobody speaks in (field notes, minutes) is one unit with no participant.
//! A unit's value under the breakdown comes from its participant's attributes and its
//! document's attributes. So counted by a document attribute, a participant counts under each
//! value of the documents they speak in, and a value's N is the participants who speak in
//! documents with that value; evidence with no participant counts (references, documents) for
//! its document's attributes only. A blank value is `(none)`, in every command.

use crate::coding::CodedSegment;
use crate::project::Project;
use anyhow::{bail, Result};
use std::collections::{HashMap, HashSet};

/// One attribute a breakdown or filter reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    All,
    Group,
    Participant,
    Document,
    /// A `participants.csv` column.
    ParticipantAttribute(String),
    /// A document attribute (`source`, a `documents.csv` column, a front-matter key).
    DocumentAttribute(String),
}

/// The blank value's name.
pub const NONE: &str = "(none)";

impl Key {
    /// Reads an attribute name; an unknown one is an error naming those there are.
    pub fn parse(s: &str, project: &Project) -> Result<Key> {
        let s = s.trim();
        Ok(match s {
            "all" => Key::All,
            "group" => Key::Group,
            "participant" => Key::Participant,
            "document" => Key::Document,
            // A name both kinds have is the documents' (check warns about it).
            a if project.document_attributes.has(a) => Key::DocumentAttribute(a.to_string()),
            a if project.participants.attributes.iter().any(|x| x == a) => {
                Key::ParticipantAttribute(a.to_string())
            }
            other => {
                let known = known(project);
                bail!(
                    "no attribute `{other}`: use one of {}{}",
                    known.join(", "),
                    crate::diagnostics::did_you_mean(other, known.iter().map(String::as_str))
                )
            }
        })
    }

    pub fn name(&self) -> &str {
        match self {
            Key::All => "all",
            Key::Group => "group",
            Key::Participant => "participant",
            Key::Document => "document",
            Key::ParticipantAttribute(a) | Key::DocumentAttribute(a) => a,
        }
    }

    /// Whether the key reads a participant (not a document).
    fn of_participants(&self) -> bool {
        matches!(self, Key::Group | Key::Participant | Key::ParticipantAttribute(_))
    }

    /// The key's value for a unit; `None` where the unit has no participant to ask.
    fn value<'a>(&self, project: &'a Project, p: Option<usize>, d: Option<usize>) -> Option<&'a str> {
        let people = &project.participants;
        let blank = |v: &'a str| if v.trim().is_empty() { NONE } else { v };
        match self {
            Key::All => Some("all"),
            // A participant whose group `[groups]` does not declare (an error `check`
            // reports) is in no group's counts.
            Key::Group => p.and_then(|p| {
                let g = &people.get(p).group;
                let declared =
                    project.config.groups.is_empty() || project.config.groups.iter().any(|(id, _)| id == g);
                declared.then(|| blank(g))
            }),
            Key::Participant => p.map(|p| people.get(p).id.as_str()),
            Key::ParticipantAttribute(a) => p.map(|p| blank(people.attribute(p, a).unwrap_or(""))),
            Key::Document => d.map(|d| project.documents[d].id.as_str()),
            Key::DocumentAttribute(a) => {
                d.map(|d| blank(project.document_attributes.get(d, a).unwrap_or("")))
            }
        }
    }
}

/// How a value of the breakdown reads for people: group labels from `[groups]`, other
/// attributes' from `[labels.ATTR]`, each part of a crossed value in turn.
pub fn label(project: &Project, by: &By, value: &str) -> String {
    let parts: Vec<&str> = if by.keys.len() > 1 {
        value.split(" / ").collect()
    } else {
        vec![value]
    };
    parts
        .iter()
        .zip(&by.keys)
        .map(|(v, k)| match k {
            Key::Group => project.config.group_label(v).to_string(),
            k => project
                .config
                .labels
                .get(k.name())
                .and_then(|l| l.get(*v))
                .cloned()
                .unwrap_or_else(|| v.to_string()),
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Every attribute name `--by` and `--where` take.
pub fn known(project: &Project) -> Vec<String> {
    let mut known: Vec<String> = ["group", "participant", "document"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    known.extend(project.participants.attributes.iter().cloned());
    for a in &project.document_attributes.names {
        if !known.contains(a) {
            known.push(a.clone());
        }
    }
    known
}

/// What the counts are broken down by: one key, or two crossed (`site,wave`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct By {
    pub keys: Vec<Key>,
}

impl By {
    pub fn all() -> By {
        By { keys: vec![Key::All] }
    }

    pub fn group() -> By {
        By {
            keys: vec![Key::Group],
        }
    }

    /// `--by`: one attribute or two, comma-separated.
    pub fn parse(s: &str, project: &Project) -> Result<By> {
        let keys = s
            .split(',')
            .filter(|k| !k.trim().is_empty())
            .map(|k| Key::parse(k, project))
            .collect::<Result<Vec<_>>>()?;
        match keys.len() {
            0 => bail!("--by needs an attribute, such as --by group"),
            1 | 2 => Ok(By { keys }),
            _ => bail!("--by crosses two attributes at most (such as --by site,wave)"),
        }
    }

    /// `group`, `site,wave`.
    pub fn name(&self) -> String {
        self.keys.iter().map(Key::name).collect::<Vec<_>>().join(",")
    }

    pub fn is(&self, key: &Key) -> bool {
        self.keys.len() == 1 && self.keys[0] == *key
    }

    /// Whether every key reads a participant: then a value's N is every participant with it,
    /// whether or not they speak in a document.
    pub fn of_participants(&self) -> bool {
        self.keys.iter().all(Key::of_participants)
    }
}

/// `--where KEY=VALUE` or `KEY!=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Where {
    pub key: Key,
    pub value: String,
    pub negate: bool,
}

impl Where {
    pub fn parse(s: &str, project: &Project) -> Result<Where> {
        let (key, value, negate) = match s.split_once("!=") {
            Some((k, v)) => (k, v, true),
            None => match s.split_once('=') {
                Some((k, v)) => (k, v, false),
                None => {
                    bail!("--where `{s}`: write KEY=VALUE or KEY!=VALUE, such as --where level=strategic")
                }
            },
        };
        let key = Key::parse(key, project)?;
        if key == Key::All {
            bail!("--where `{s}`: `all` is not an attribute");
        }
        Ok(Where {
            key,
            value: value.trim().to_string(),
            negate,
        })
    }

    /// The condition as typed: `key=value` or `key!=value`.
    pub fn text(&self) -> String {
        format!(
            "{}{}{}",
            self.key.name(),
            if self.negate { "!=" } else { "=" },
            self.value
        )
    }

    /// Whether a unit passes; a unit the key cannot ask (no participant) does not.
    pub fn passes(&self, project: &Project, p: Option<usize>, d: Option<usize>) -> bool {
        match self.key.value(project, p, d) {
            Some(v) => (v == self.value || (v == NONE && self.value.is_empty())) != self.negate,
            None => false,
        }
    }
}

/// Whether evidence, a passage in `document` that `participants` speak in, passes `--where`:
/// one of its units (each speaker, or the document alone when nobody speaks) passes every
/// condition. With no conditions everything does.
pub fn passes(project: &Project, filters: &[Where], participants: &[usize], document: usize) -> bool {
    filters.is_empty()
        || Breakdown::units(participants)
            .into_iter()
            .any(|p| filters.iter().all(|f| f.passes(project, p, Some(document))))
}

/// The coded segments that make the findings and pass `filters`, for the analyses that count
/// passages rather than people (co-occurrence, saturation, leans).
pub fn findings<'a>(
    project: &'a Project,
    filters: &'a [Where],
) -> impl Iterator<Item = &'a CodedSegment> + 'a {
    project
        .findings()
        .filter(move |s| passes(project, filters, &s.participants, s.document as usize))
}

/// A unit's value of each key of a breakdown.
type Values<'a> = smallvec::SmallVec<[&'a str; 2]>;

/// A breakdown resolved against a project: its values, in order, and each unit's value.
#[derive(Debug, Clone)]
pub struct Breakdown {
    pub by: By,
    /// The values (for two keys, `a / b`), in report order.
    pub values: Vec<String>,
    /// For each value, the participants it counts out of (N).
    pub population: Vec<HashSet<usize>>,
    filters: Vec<Where>,
    /// Each value's place in `values`: a survey broken down by respondent has as many values
    /// as units, so looking one up must not walk them all.
    index: std::collections::HashMap<String, usize>,
}

impl Breakdown {
    pub fn new(project: &Project, by: &By, filters: &[Where]) -> Breakdown {
        let mut b = Breakdown {
            by: by.clone(),
            values: Vec::new(),
            population: Vec::new(),
            filters: filters.to_vec(),
            index: Default::default(),
        };
        // Every unit there is: participants in the documents they speak in, documents with no
        // participant, and (for breakdowns by participants alone) participants as they are.
        // Each unit is kept as its combination of values, each combination once: a million
        // answers have a few.
        let mut ids: HashMap<Values, usize> = HashMap::new();
        let mut combos: Vec<Values> = Vec::new();
        // (combination, participant) of each unit with a participant: who each value counts.
        let mut raw: Vec<(usize, usize)> = Vec::with_capacity(project.documents.len());
        let mut add = |p: Option<usize>, d: Option<usize>| {
            if !b.passes(project, p, d) {
                return;
            }
            let Some(values) = b.key_values(project, p, d) else {
                return;
            };
            let id = *ids.entry(values).or_insert_with_key(|v| {
                combos.push(v.clone());
                combos.len() - 1
            });
            if let Some(p) = p {
                raw.push((id, p));
            }
        };
        for (d, doc) in project.documents.iter().enumerate() {
            let people = doc.participants();
            if people.is_empty() {
                add(None, Some(d));
            }
            for p in people {
                add(Some(p), Some(d));
            }
        }
        if by.of_participants() && filters.iter().all(|f| f.key.of_participants()) {
            for p in 0..project.participants.len() {
                add(Some(p), None);
            }
        }
        drop(ids);
        // Values in order: groups in report order, ids as listed, other values sorted.
        let mut sorted: Vec<Vec<String>> = combos
            .iter()
            .map(|c| c.iter().map(|v| v.to_string()).collect())
            .collect();
        sorted.sort_by_cached_key(|vals| -> Vec<(usize, String)> {
            by.keys
                .iter()
                .zip(vals)
                .map(|(k, v)| order(project, k, v))
                .collect()
        });
        if by.is(&Key::Group) {
            // Every declared group is a column, coded or not.
            for g in &project.participants.groups {
                if !sorted.iter().any(|c| c[0] == *g) {
                    sorted.push(vec![g.clone()]);
                }
            }
            sorted.sort_by_key(|c| order(project, &Key::Group, &c[0]));
        }
        b.values = sorted.iter().map(|c| c.join(" / ")).collect();
        for (i, v) in b.values.iter().enumerate() {
            b.index.entry(v.clone()).or_insert(i);
        }
        let place: Vec<Option<usize>> = combos.iter().map(|c| b.index_of(c)).collect();
        b.population = vec![HashSet::new(); b.values.len()];
        for (id, p) in raw {
            if let Some(i) = place[id] {
                b.population[i].insert(p);
            }
        }
        b
    }

    /// The place in `values` of a combination of values.
    fn index_of(&self, values: &[&str]) -> Option<usize> {
        match values {
            [one] => self.index.get(*one).copied(),
            _ => self.index.get(&values.join(" / ")).copied(),
        }
    }

    fn passes(&self, project: &Project, p: Option<usize>, d: Option<usize>) -> bool {
        self.filters.iter().all(|f| f.passes(project, p, d))
    }

    fn key_values<'a>(&self, project: &'a Project, p: Option<usize>, d: Option<usize>) -> Option<Values<'a>> {
        self.by.keys.iter().map(|k| k.value(project, p, d)).collect()
    }

    /// The value (an index into `values`) of a unit that passes the filters.
    pub fn value(&self, project: &Project, p: Option<usize>, d: usize) -> Option<usize> {
        if !self.passes(project, p, Some(d)) {
            return None;
        }
        self.index_of(&self.key_values(project, p, Some(d))?)
    }

    /// The units of a coded passage: each of its speakers, or the document alone.
    pub fn units(participants: &[usize]) -> Vec<Option<usize>> {
        if participants.is_empty() {
            vec![None]
        } else {
            participants.iter().map(|&p| Some(p)).collect()
        }
    }
}

/// A value's place in report order: groups as `[groups]` lists them, participants and
/// documents as listed, anything else by its text (then `(none)` last).
fn order(project: &Project, key: &Key, value: &str) -> (usize, String) {
    let at = match key {
        Key::Group => project.participants.groups.iter().position(|g| g == value),
        Key::Participant => project.participants.by_id(value),
        Key::Document => project.document(value),
        _ => None,
    };
    match at {
        Some(i) => (i, String::new()),
        None if value == NONE => (usize::MAX, String::new()),
        None => (usize::MAX - 1, value.to_string()),
    }
}
