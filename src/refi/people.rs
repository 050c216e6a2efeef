//! Who is who on import: participants from Cases and Variables (or one per source when the
//! project has no cases), and the name each source's transcript gets so that thematic knows
//! whose interview it is.
//!
//! - A Case becomes a participant. Variables named `id`, `group`, `label` or `aliases` fill
//!   those columns of participants.csv; every other Variable becomes an attribute column. The
//!   id defaults to the case's name made file-safe, the group to `case`, the label to the
//!   case's name.
//! - A source that belongs to exactly one case, the only source of that case, is written as
//!   `transcripts/<participant id>.txt`; a case with several sources gets front matter
//!   (`participant: ID`) in each; a source of several cases or none is named after itself and
//!   its speakers are found from the speaker labels in its text.
//! - Without any cases, each source is one participant of group `source`.

use super::names::{file_safe, Unique};
use super::qde::Qde;
use crate::config::CorpusSettings;
use crate::corpus::turns::{front_matter, split_turns};
use crate::corpus::Speakers;
use crate::diagnostics::Diagnostics;
use crate::participants::Participants;
use crate::text::label_key;
use std::collections::HashMap;
use std::collections::HashSet;

/// The fixed columns of participants.csv that a Variable of the same name fills.
const FIXED: [&str; 4] = ["id", "group", "label", "aliases"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub group: String,
    pub label: String,
    pub aliases: String,
    pub attributes: Vec<String>,
}

/// How each kept source is named and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocName {
    pub id: String,
    /// The participant to name in front matter (when the file name does not say it).
    pub front_matter: Option<String>,
}

#[derive(Debug, Default)]
pub struct People {
    pub people: Vec<Person>,
    pub attributes: Vec<String>,
    /// Whether participants came from cases (else one per source).
    pub from_cases: bool,
    /// Source GUID → its document's name.
    pub docs: HashMap<String, DocName>,
    /// Sources that belong to several cases: their speakers come from their text.
    pub shared_sources: Vec<String>,
}

/// Works out participants and document names. `kept` lists the GUIDs and names of the
/// sources that will be written, in order.
pub fn people(q: &Qde, kept: &[(String, String)]) -> People {
    let mut out = People::default();
    let mut file_names = Unique::files();
    if q.cases.is_empty() {
        for (guid, name) in kept {
            let id = file_names.take(&file_safe(name, false, "source"));
            out.people.push(Person {
                id: id.clone(),
                group: "source".into(),
                label: if name.trim().is_empty() {
                    id.clone()
                } else {
                    name.clone()
                },
                ..Person::default()
            });
            out.docs.insert(
                guid.clone(),
                DocName {
                    id,
                    front_matter: None,
                },
            );
        }
        unclash_labels(&mut out.people);
        return out;
    }
    out.from_cases = true;
    let var_names: HashMap<&str, &str> = q
        .variables
        .iter()
        .map(|v| (v.guid.as_str(), v.name.as_str()))
        .collect();
    let mut columns = Unique::default();
    for f in FIXED {
        columns.take(f);
    }
    // Attribute columns: every variable but the fixed ones, in the project's order.
    let mut attribute_of: HashMap<&str, usize> = HashMap::new();
    for (i, v) in q.variables.iter().enumerate() {
        if FIXED.contains(&v.name.to_lowercase().as_str()) {
            continue;
        }
        let name = if v.name.trim().is_empty() {
            format!("variable-{}", i + 1)
        } else {
            v.name.trim().to_string()
        };
        attribute_of.insert(v.guid.as_str(), out.attributes.len());
        out.attributes.push(columns.take(&name));
    }
    let source_names: HashMap<&str, &str> = kept.iter().map(|(g, n)| (g.as_str(), n.as_str())).collect();
    let mut ids = Unique::files();
    for (n, case) in q.cases.iter().enumerate() {
        let mut person = Person {
            attributes: vec![String::new(); out.attributes.len()],
            ..Person::default()
        };
        let mut wanted_id = String::new();
        for (var, value) in &case.values {
            match var_names.get(var.as_str()).map(|n| n.to_lowercase()).as_deref() {
                Some("id") => wanted_id = value.clone(),
                Some("group") => person.group = value.clone(),
                Some("label") => person.label = value.clone(),
                Some("aliases") => person.aliases = value.clone(),
                _ => {
                    if let Some(&col) = attribute_of.get(var.as_str()) {
                        person.attributes[col] = value.clone();
                    }
                }
            }
        }
        // MAXQDA keeps a document's variables in an unnamed case of that one document.
        let name = match (case.name.trim(), case.sources.as_slice()) {
            ("", [only]) => source_names.get(only.as_str()).copied().unwrap_or(""),
            (name, _) => name,
        };
        let fallback = format!("case-{}", n + 1);
        let base = if wanted_id.trim().is_empty() {
            file_safe(name, false, &fallback)
        } else {
            file_safe(&wanted_id, false, &fallback)
        };
        person.id = ids.take(&base);
        if person.group.trim().is_empty() {
            person.group = "case".into();
        }
        if person.label.trim().is_empty() {
            person.label = if name.is_empty() {
                person.id.clone()
            } else {
                name.to_string()
            };
        }
        out.people.push(person);
    }
    unclash_labels(&mut out.people);
    // Which cases each kept source belongs to.
    let kept_set: HashMap<&str, usize> = kept
        .iter()
        .enumerate()
        .map(|(i, (g, _))| (g.as_str(), i))
        .collect();
    let mut cases_of: Vec<Vec<usize>> = vec![Vec::new(); kept.len()];
    let mut sources_of: Vec<usize> = vec![0; q.cases.len()];
    for (c, case) in q.cases.iter().enumerate() {
        let mut seen = Vec::new();
        for s in &case.sources {
            if let Some(&i) = kept_set.get(s.as_str()) {
                if !seen.contains(&i) {
                    seen.push(i);
                    cases_of[i].push(c);
                    sources_of[c] += 1;
                }
            }
        }
    }
    // Documents named after their participant first, so they get exactly that name.
    for (i, (guid, _)) in kept.iter().enumerate() {
        if let [c] = cases_of[i].as_slice() {
            if sources_of[*c] == 1 {
                let id = file_names.take(&out.people[*c].id);
                out.docs.insert(
                    guid.clone(),
                    DocName {
                        id,
                        front_matter: None,
                    },
                );
            }
        }
    }
    for (i, (guid, name)) in kept.iter().enumerate() {
        if out.docs.contains_key(guid) {
            continue;
        }
        let id = file_names.take(&file_safe(name, false, "source"));
        let front_matter = match cases_of[i].as_slice() {
            [c] => Some(out.people[*c].id.clone()),
            [] => None,
            _ => {
                out.shared_sources.push(id.clone());
                None
            }
        };
        out.docs.insert(guid.clone(), DocName { id, front_matter });
    }
    out
}

/// thematic refuses a speaker name that means two people: a label another participant has
/// as id or label gets the id added (`Alex (Alex-2)`).
fn unclash_labels(people: &mut [Person]) {
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        owner.insert(label_key(&p.id), i);
    }
    for (i, person) in people.iter_mut().enumerate() {
        let key = label_key(&person.label);
        match owner.get(&key) {
            Some(&o) if o != i => {
                let label = format!("{} ({})", person.label, person.id);
                owner.insert(label_key(&label), i);
                person.label = label;
            }
            _ => {
                owner.insert(key, i);
            }
        }
    }
}

/// Speaker labels in the texts (`Name: words` at the start of a line) that no participant
/// answers to become participants of group `speaker`, so that every turn has a speaker.
/// Returns the labels added. Knowing a label can make more lines count as turns, so this
/// repeats until nothing new turns up.
pub fn add_speakers(p: &mut People, texts: &[(String, String)]) -> Vec<String> {
    let settings = CorpusSettings::default();
    let mut added = Vec::new();
    for _ in 0..8 {
        let csv = String::from_utf8(participants_csv(p)).expect("CSV of UTF-8 fields");
        let participants = Participants::parse(&csv, "participants.csv", &[], &mut Diagnostics::default());
        let speakers = Speakers::new(&participants, &settings);
        let mut seen = HashSet::new();
        let mut new = Vec::new();
        for (_, text) in texts {
            let (_, body) = front_matter(text);
            for turn in split_turns(text, body, &|l| speakers.is_known(l)) {
                if let Some(label) = turn.label {
                    if !speakers.is_known(&label) && seen.insert(label_key(&label)) {
                        new.push(label);
                    }
                }
            }
        }
        if new.is_empty() {
            break;
        }
        let mut ids = Unique::files();
        for x in &p.people {
            ids.take(&x.id);
        }
        for label in new {
            p.people.push(Person {
                id: ids.take(&file_safe(&label, false, "speaker")),
                group: "speaker".into(),
                label: label.clone(),
                aliases: String::new(),
                attributes: vec![String::new(); p.attributes.len()],
            });
            added.push(label);
        }
        unclash_labels(&mut p.people);
    }
    added
}

/// participants.csv for these people.
pub fn participants_csv(p: &People) -> Vec<u8> {
    let with_aliases = p.people.iter().any(|x| !x.aliases.trim().is_empty());
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header: Vec<&str> = vec!["id", "group", "label"];
    if with_aliases {
        header.push("aliases");
    }
    header.extend(p.attributes.iter().map(String::as_str));
    w.write_record(&header).expect("writing to memory");
    for x in &p.people {
        let mut row: Vec<&str> = vec![&x.id, &x.group, &x.label];
        if with_aliases {
            row.push(&x.aliases);
        }
        row.extend(x.attributes.iter().map(String::as_str));
        let row: Vec<String> = row
            .iter()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refi::qde::{Case, Variable};

    fn case(guid: &str, name: &str, values: &[(&str, &str)], sources: &[&str]) -> Case {
        Case {
            guid: guid.into(),
            name: name.into(),
            values: values
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            sources: sources.iter().map(|s| s.to_string()).collect(),
            line: 1,
        }
    }

    #[test]
    fn one_participant_per_source_without_cases() {
        let kept = vec![
            ("s1".to_string(), "Interview 1".to_string()),
            ("s2".into(), "interview 1".into()),
        ];
        let p = people(&Qde::default(), &kept);
        assert!(!p.from_cases);
        assert_eq!(p.people[1].id, "interview-1-2");
        // "interview 1" would name both participants.
        assert_eq!(p.people[1].label, "interview 1 (interview-1-2)");
        assert_eq!(p.docs["s2"].id, "interview-1-2");
        assert_eq!(String::from_utf8(participants_csv(&p)).unwrap(), "id,group,label\nInterview-1,source,Interview 1\ninterview-1-2,source,interview 1 (interview-1-2)\n");
    }

    #[test]
    fn cases_variables_and_document_names() {
        let q = Qde {
            variables: vec![
                Variable {
                    guid: "vg".into(),
                    name: "Group".into(),
                },
                Variable {
                    guid: "vs".into(),
                    name: "site".into(),
                },
            ],
            cases: vec![
                case("c1", "Partner 7i", &[("vg", "partner"), ("vs", "North")], &["s1"]),
                case("c2", "Staff 2", &[], &["s2", "s3", "s4"]),
                case("c3", "Staff 3", &[], &["s4"]),
            ],
            ..Qde::default()
        };
        let kept: Vec<(String, String)> = ["s1", "s2", "s3", "s4"]
            .iter()
            .map(|s| (s.to_string(), format!("Doc {s}")))
            .collect();
        let p = people(&q, &kept);
        assert_eq!(p.attributes, ["site"]);
        assert_eq!(
            p.people[0],
            Person {
                id: "Partner-7i".into(),
                group: "partner".into(),
                label: "Partner 7i".into(),
                aliases: String::new(),
                attributes: vec!["North".into()]
            }
        );
        assert_eq!(p.people[1].group, "case");
        assert_eq!(
            p.docs["s1"],
            DocName {
                id: "Partner-7i".into(),
                front_matter: None
            }
        );
        assert_eq!(
            p.docs["s2"],
            DocName {
                id: "Doc-s2".into(),
                front_matter: Some("Staff-2".into())
            }
        );
        assert_eq!(p.docs["s4"].front_matter, None);
        assert_eq!(p.shared_sources, ["Doc-s4"]);
    }

    #[test]
    fn an_unnamed_case_of_one_document_is_named_after_it() {
        let q = Qde {
            cases: vec![case("c1", "", &[], &["s1"])],
            ..Qde::default()
        };
        let p = people(&q, &[("s1".to_string(), "Interview Anna".to_string())]);
        assert_eq!(
            (p.people[0].id.as_str(), p.people[0].label.as_str()),
            ("Interview-Anna", "Interview Anna")
        );
        assert_eq!(p.docs["s1"].id, "Interview-Anna");
    }
}
