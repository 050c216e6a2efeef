//! `participants.csv`: who is who. Each participant has an id, a stakeholder group, a label
//! for attributing quotes, aliases (other speaker labels for the same person) and any number
//! of attributes (site, level, wave...) for cross-tabulation.

use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::text::{label_key, CsvTable};
use compact_str::CompactString;
use std::collections::HashMap;
use std::hash::BuildHasher;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Participant {
    /// (Short strings are kept inline: a survey's respondent takes few allocations.)
    pub id: CompactString,
    pub group: CompactString,
    /// How quotes are attributed, e.g. `Partner 7i`.
    pub label: CompactString,
    pub aliases: Vec<String>,
    /// `quotable = no`: consented to be interviewed, not to be quoted. Counted, never quoted.
    pub quotable: bool,
    /// Values of the attribute columns, in the order of [`Participants::attributes`].
    pub attributes: Values,
    pub line: u32,
    /// The survey (index into `[surveys]`, in name order) this respondent comes from; `None`
    /// for the people of participants.csv.
    pub survey: Option<u32>,
}

/// A participant's attribute values, in one allocation: each value's length (LEB128) and
/// then its bytes. A survey's million respondents with three short values each take a small
/// buffer apiece, not three strings' room. `values[i]` is value `i` (empty past the last).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Values(Box<[u8]>);

impl Values {
    /// The values, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let mut rest: &[u8] = &self.0;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let (mut len, mut shift, mut at) = (0usize, 0, 0);
            while let Some(&b) = rest.get(at) {
                len |= usize::from(b & 0x7f) << shift;
                shift += 7;
                at += 1;
                if b & 0x80 == 0 {
                    break;
                }
            }
            let end = (at + len).min(rest.len());
            let value = std::str::from_utf8(&rest[at..end]).unwrap_or("");
            rest = &rest[end..];
            Some(value)
        })
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Value `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.iter().nth(i)
    }

    /// Makes value `i` `value` (adding empty values before it as needed).
    pub fn set(&mut self, i: usize, value: &str) {
        let mut all: Vec<&str> = self.iter().collect();
        if all.len() <= i {
            all.resize(i + 1, "");
        }
        all[i] = value;
        *self = Values::of(all);
    }

    /// Makes the number of values `n`, with empty values at the end or the last ones left out.
    pub fn resize(&mut self, n: usize) {
        let mut all: Vec<&str> = self.iter().collect();
        all.resize(n, "");
        *self = Values::of(all);
    }

    pub fn of<'a>(values: impl IntoIterator<Item = &'a str>) -> Values {
        let mut out = Vec::new();
        for v in values {
            let mut len = v.len();
            loop {
                let b = (len & 0x7f) as u8;
                len >>= 7;
                if len == 0 {
                    out.push(b);
                    break;
                }
                out.push(b | 0x80);
            }
            out.extend_from_slice(v.as_bytes());
        }
        Values(out.into_boxed_slice())
    }
}

impl std::ops::Index<usize> for Values {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        self.get(i).unwrap_or("")
    }
}

impl std::fmt::Debug for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Written and read as a list of strings (as a `Vec<String>` is).
impl serde::Serialize for Values {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for v in self.iter() {
            seq.serialize_element(v)?;
        }
        seq.end()
    }
}

impl<'de> serde::Deserialize<'de> for Values {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Values, D::Error> {
        let all = Vec::<CompactString>::deserialize(d)?;
        Ok(Values::of(all.iter().map(CompactString::as_str)))
    }
}

impl Participant {
    /// The names a speaker label may give: id, label and aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [self.id.as_str(), self.label.as_str()]
            .into_iter()
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// Index of a participant in [`Participants::list`].
pub type ParticipantIdx = usize;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(into = "Stored", from = "Stored")]
pub struct Participants {
    pub list: Vec<Participant>,
    /// Names of the attribute columns (every column but id, group, label, aliases).
    pub attributes: Vec<String>,
    /// Group ids in report order: those of `[groups]` first, then any others as they appear.
    pub groups: Vec<String>,
    by_id: IdIndex,
    by_name: HashMap<String, ParticipantIdx>,
}

/// Participants by id: their indexes in a hash table hashed by the id each points at, 4 bytes
/// a participant (a map keeping a copy of each id took 17 MB for a survey's 370,000
/// respondents).
#[derive(Debug, Clone, Default)]
struct IdIndex {
    table: hashbrown::HashTable<u32>,
    state: std::hash::RandomState,
}

impl IdIndex {
    fn get(&self, list: &[Participant], id: &str) -> Option<ParticipantIdx> {
        let hash = self.state.hash_one(id);
        self.table
            .find(hash, |&i| list[i as usize].id == id)
            .map(|&i| i as ParticipantIdx)
    }

    /// Indexes `list[idx]`, unless its id is indexed already (the first keeps it).
    fn add(&mut self, list: &[Participant], idx: ParticipantIdx) {
        let id = list[idx].id.as_str();
        if self.get(list, id).is_some() {
            return;
        }
        let state = &self.state;
        self.table
            .insert_unique(state.hash_one(id), crate::corpus::to_u32(idx), |&i| {
                state.hash_one(list[i as usize].id.as_str())
            });
    }
}

/// Participants as the cache keeps them: without the indexes, which are made again on reading
/// (a hash map's order would make the cache's bytes differ from run to run).
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    #[serde(deserialize_with = "crate::cache::exact_vec")]
    list: Vec<Participant>,
    attributes: Vec<String>,
    groups: Vec<String>,
}

impl From<Participants> for Stored {
    fn from(p: Participants) -> Stored {
        Stored {
            list: p.list,
            attributes: p.attributes,
            groups: p.groups,
        }
    }
}

impl From<Stored> for Participants {
    fn from(s: Stored) -> Participants {
        let mut p = Participants {
            list: s.list,
            attributes: s.attributes,
            groups: s.groups,
            ..Participants::default()
        };
        for (idx, person) in p.list.iter().enumerate() {
            p.by_id.add(&p.list, idx);
            // Respondents are no speaker labels (see `add_respondent`); of two people with one
            // name, the first keeps it, as when the file was read.
            if person.survey.is_none() {
                for name in person.names() {
                    p.by_name.entry(label_key(name)).or_insert(idx);
                }
            }
        }
        p
    }
}

const FIXED: [&str; 5] = ["id", "group", "label", "aliases", "quotable"];

impl Participants {
    /// Reads `participants.csv`. `groups` are the ids declared in `thematic.toml`; when there
    /// are any, a participant in another group is an error.
    pub fn parse(text: &str, file: &str, groups: &[String], diags: &mut Diagnostics) -> Participants {
        let mut p = Participants {
            groups: groups.to_vec(),
            ..Participants::default()
        };
        let Some(table) = CsvTable::parse(text, file, &["id", "group"], diags) else {
            return p;
        };
        let col = |name: &str| table.column(name);
        let (id_col, group_col) = (col("id").unwrap_or(0), col("group").unwrap_or(1));
        let (label_col, alias_col, quotable_col) = (col("label"), col("aliases"), col("quotable"));
        let attr_cols: Vec<usize> = (0..table.headers.len())
            .filter(|&i| !FIXED.contains(&table.headers[i].as_str()))
            .collect();
        p.attributes = attr_cols.iter().map(|&i| table.headers[i].clone()).collect();
        for row in &table.rows {
            let field = |i: usize| row.fields[i].trim();
            let id = field(id_col);
            let group = field(group_col);
            if id.is_empty() {
                diags.error(file, Some(row.line), "empty participant id");
                continue;
            }
            if let Some(first) = p.by_id.get(&p.list, id) {
                diags.error(
                    file,
                    Some(row.line),
                    format!(
                        "duplicate participant id `{id}` (first on line {})",
                        p.list[first].line
                    ),
                );
                continue;
            }
            if group.is_empty() {
                diags.error(file, Some(row.line), format!("participant `{id}` has no group"));
            } else if !groups.is_empty() && !groups.iter().any(|g| g == group) {
                diags.error(
                    file,
                    Some(row.line),
                    format!(
                        "unknown group `{group}` for `{id}`: thematic.toml [groups] has {}{}",
                        groups.join(", "),
                        did_you_mean(group, groups.iter().map(String::as_str))
                    ),
                );
            } else if !p.groups.iter().any(|g| g == group) {
                p.groups.push(group.to_string());
            }
            let label = label_col.map(field).filter(|l| !l.is_empty()).unwrap_or(id);
            let aliases: Vec<String> = alias_col
                .map(|c| {
                    field(c)
                        .split(';')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let quotable = match quotable_col.map(field) {
                None => true,
                Some(v) => match crate::text::yes_no(v) {
                    Some(b) => b,
                    None => {
                        diags.error(
                            file,
                            Some(row.line),
                            format!("quotable `{v}` for `{id}` is not yes or no (empty means yes)"),
                        );
                        // Fail closed: a participant whose consent is unclear is not quoted.
                        false
                    }
                },
            };
            let idx = p.list.len();
            p.list.push(Participant {
                id: id.into(),
                group: group.into(),
                label: label.into(),
                aliases,
                quotable,
                attributes: Values::of(attr_cols.iter().map(|&c| field(c))),
                line: crate::corpus::to_u32(row.line),
                survey: None,
            });
            p.by_id.add(&p.list, idx);
        }
        p.index_names(file, diags);
        p
    }

    /// Every id, label and alias becomes a speaker name; one name may not mean two people.
    fn index_names(&mut self, file: &str, diags: &mut Diagnostics) {
        for (idx, person) in self.list.iter().enumerate() {
            for name in person.names() {
                match self.by_name.get(&label_key(name)) {
                    Some(&other) if other != idx => diags.error(
                        file,
                        Some(person.line as usize),
                        format!(
                            "`{name}` names both `{}` and `{}`: speaker labels must be unique",
                            self.list[other].id, person.id
                        ),
                    ),
                    _ => {
                        self.by_name.insert(label_key(name), idx);
                    }
                }
            }
        }
    }

    /// The index of attribute column `name`, added (empty for everyone so far) when there is
    /// none: a survey's columns are attributes of its respondents.
    pub fn attribute_column(&mut self, name: &str) -> usize {
        if let Some(i) = self.attributes.iter().position(|a| a == name) {
            return i;
        }
        self.attributes.push(name.to_string());
        for p in &mut self.list {
            let n = p.attributes.len();
            p.attributes.resize(n + 1);
        }
        self.attributes.len() - 1
    }

    /// Adds a survey respondent (whose id is new: the caller checks). Respondents are no
    /// speaker labels: they speak in their own answers only.
    pub fn add_respondent(&mut self, mut person: Participant) -> ParticipantIdx {
        person.attributes.resize(self.attributes.len());
        if !self.groups.iter().any(|g| *g == person.group) && !person.group.is_empty() {
            self.groups.push(person.group.to_string());
        }
        let idx = self.list.len();
        self.list.push(person);
        self.by_id.add(&self.list, idx);
        idx
    }

    /// Sets an attribute of a participant.
    pub fn set_attribute(&mut self, idx: ParticipantIdx, column: usize, value: &str) {
        self.list[idx].attributes.set(column, value);
    }

    pub fn by_id(&self, id: &str) -> Option<ParticipantIdx> {
        self.by_id.get(&self.list, id)
    }

    /// The participant a speaker label names, through id, label or alias.
    pub fn by_speaker(&self, label: &str) -> Option<ParticipantIdx> {
        self.by_name.get(&label_key(label)).copied()
    }

    pub fn get(&self, idx: ParticipantIdx) -> &Participant {
        &self.list[idx]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The value of attribute `name` for a participant; `group`, `id` and `label` work too.
    pub fn attribute(&self, idx: ParticipantIdx, name: &str) -> Option<&str> {
        let p = &self.list[idx];
        match name {
            "group" => Some(&p.group),
            "id" | "participant" => Some(&p.id),
            "label" => Some(&p.label),
            _ => self
                .attributes
                .iter()
                .position(|a| a == name)
                .map(|i| &p.attributes[i]),
        }
    }

    pub fn has_attribute(&self, name: &str) -> bool {
        matches!(name, "group" | "id" | "participant" | "label") || self.attributes.iter().any(|a| a == name)
    }
}

/// How a quote is attributed: `[report] attribution`, such as `({label})`, resolved when the
/// folder loads so an unknown placeholder is a `check` error, not a literal in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Label,
    Id,
    /// The group's label from `[groups]`.
    Group,
    /// A participants.csv column.
    Attribute(usize),
    /// A document attribute (`source`, `wave`...): the quoted document's value.
    Document(String),
}

impl Default for Attribution {
    fn default() -> Self {
        Attribution {
            parts: vec![Part::Text("(".into()), Part::Label, Part::Text(")".into())],
        }
    }
}

impl Attribution {
    /// Reads a template: `{label}`, `{id}`, `{group}`, any participants.csv column name and any
    /// document attribute (`documents`: their names).
    pub fn parse(
        template: &str,
        participants: &Participants,
        documents: &[String],
    ) -> Result<Attribution, String> {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(format!("`{template}` has a `{{` with no closing `}}`"));
            };
            let name = rest[open + 1..open + close].trim();
            parts.push(match name {
                "label" => Part::Label,
                "id" => Part::Id,
                "group" => Part::Group,
                _ => match participants.attributes.iter().position(|a| a == name) {
                    Some(i) => Part::Attribute(i),
                    None if documents.iter().any(|d| d == name) => Part::Document(name.to_string()),
                    None => {
                        let mut known = vec!["label", "id", "group"];
                        known.extend(participants.attributes.iter().map(String::as_str));
                        known.extend(documents.iter().map(String::as_str));
                        return Err(unknown_placeholder(name, &known));
                    }
                },
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Attribution { parts })
    }

    /// The attribution of a quote by `p`; `group_label` gives a group id's label, `document`
    /// the quoted document's value of an attribute.
    pub fn render(
        &self,
        p: &Participant,
        group_label: &dyn Fn(&str) -> String,
        document: &dyn Fn(&str) -> String,
    ) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Label => out.push_str(&p.label),
                Part::Id => out.push_str(&p.id),
                Part::Group => out.push_str(&group_label(&p.group)),
                Part::Attribute(i) => out.push_str(&p.attributes[*i]),
                Part::Document(name) => out.push_str(&document(name)),
            }
        }
        out
    }
}

/// The error for a `{name}` an attribution template does not know, listing the ones it does.
pub fn unknown_placeholder(name: &str, known: &[&str]) -> String {
    format!(
        "unknown placeholder `{{{name}}}`: use {}{}",
        known
            .iter()
            .map(|k| format!("{{{k}}}"))
            .collect::<Vec<_>>()
            .join(", "),
        did_you_mean(name, known.iter().copied())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_are_kept_packed_and_read_back_as_written() {
        let long = "é".repeat(100); // 200 bytes: a length of two bytes
        let mut v = Values::of(["North", "", &long, "25-34"]);
        assert_eq!(
            v.iter().collect::<Vec<_>>(),
            ["North", "", long.as_str(), "25-34"]
        );
        assert_eq!(
            (v.len(), &v[0], &v[1], &v[3], &v[9]),
            (4, "North", "", "25-34", "")
        );
        v.set(1, "nurse");
        v.set(5, "late");
        assert_eq!(
            v.iter().collect::<Vec<_>>(),
            ["North", "nurse", long.as_str(), "25-34", "", "late"]
        );
        v.resize(2);
        assert_eq!(v.iter().collect::<Vec<_>>(), ["North", "nurse"]);
        assert!(Values::default().is_empty() && !v.is_empty());
        // The cache keeps them as it kept a list of strings.
        let as_list = postcard::to_stdvec(&vec!["North".to_string(), "nurse".to_string()]).unwrap();
        assert_eq!(postcard::to_stdvec(&v).unwrap(), as_list);
        assert_eq!(postcard::from_bytes::<Values>(&as_list).unwrap(), v);
        assert_eq!(format!("{v:?}"), r#"["North", "nurse"]"#);
    }

    fn parse(text: &str, groups: &[&str]) -> (Participants, Vec<String>) {
        let mut d = Diagnostics::default();
        let groups: Vec<String> = groups.iter().map(|s| s.to_string()).collect();
        let p = Participants::parse(text, "participants.csv", &groups, &mut d);
        (p, d.sorted().iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn reads_ids_labels_aliases_and_attributes() {
        let (p, problems) = parse(
            "id,group,label,aliases,site\nP07i,partner,Partner 7i,Jo Smith; Jo,North\nS1,staff,,,South\n",
            &[],
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(p.len(), 2);
        assert_eq!(p.by_speaker("jo smith"), Some(0));
        assert_eq!(p.by_speaker("Partner  7i"), Some(0));
        assert_eq!(p.by_speaker("S1"), Some(1));
        assert_eq!(p.get(1).label, "S1");
        assert_eq!(p.attribute(0, "site"), Some("North"));
        assert_eq!(p.attribute(1, "group"), Some("staff"));
        assert_eq!(p.groups, ["partner", "staff"]);
    }

    #[test]
    fn duplicate_ids_unknown_groups_and_clashing_names_are_errors() {
        let (p, problems) = parse(
            "id,group,label\nA,staff,Alex\nA,staff,\nB,stafff,\nC,staff,Alex\n",
            &["staff", "partner"],
        );
        assert_eq!(p.len(), 3);
        assert_eq!(
            problems,
            [
                "error: participants.csv:3: duplicate participant id `A` (first on line 2)",
                "error: participants.csv:4: unknown group `stafff` for `B`: thematic.toml [groups] has staff, partner (did you mean `staff`?)",
                "error: participants.csv:5: `Alex` names both `A` and `C`: speaker labels must be unique",
            ]
        );
    }

    #[test]
    fn attribution_placeholders_are_resolved_or_refused() {
        let (p, _) = parse("id,group,label,site\nP7,partner,Partner 7i,North\n", &[]);
        let docs = ["source".to_string(), "wave".to_string()];
        let a = Attribution::parse("({label}, {site}; {group}, {wave})", &p, &docs).unwrap();
        let group = |g: &str| g.to_uppercase();
        let document = |a: &str| format!("<{a}>");
        assert_eq!(
            a.render(p.get(0), &group, &document),
            "(Partner 7i, North; PARTNER, <wave>)"
        );
        assert_eq!(
            Attribution::parse("({lable})", &p, &docs).unwrap_err(),
            "unknown placeholder `{lable}`: use {label}, {id}, {group}, {site}, {source}, {wave} (did you mean `label`?)"
        );
        assert!(Attribution::parse("({label", &p, &docs).is_err());
        assert_eq!(
            Attribution::default(),
            Attribution::parse("({label})", &p, &docs).unwrap()
        );
    }

    #[test]
    fn quotable_column_reads_yes_and_no_and_fails_closed() {
        let (p, problems) = parse("id,group,quotable\nA,staff,no\nB,staff,\nC,staff,maybe\n", &[]);
        let q: Vec<bool> = p.list.iter().map(|x| x.quotable).collect();
        assert_eq!(q, [false, true, false]);
        assert_eq!(
            problems,
            ["error: participants.csv:4: quotable `maybe` for `C` is not yes or no (empty means yes)"]
        );
    }

    #[test]
    fn missing_columns_give_no_participants() {
        let (p, problems) = parse("name,group\nA,staff\n", &[]);
        assert!(p.is_empty());
        assert_eq!(problems.len(), 1);
    }
}
