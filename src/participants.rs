//! `participants.csv`: who is who. Each participant has an id, a stakeholder group, a label
//! for attributing quotes, aliases (other speaker labels for the same person) and any number
//! of attributes (site, level, wave...) for cross-tabulation.

use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::text::{label_key, CsvTable};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Participant {
    pub id: String,
    pub group: String,
    /// How quotes are attributed, e.g. `Partner 7i`.
    pub label: String,
    pub aliases: Vec<String>,
    /// Values of the attribute columns, in the order of [`Participants::attributes`].
    pub attributes: Vec<String>,
    pub line: usize,
}

/// Index of a participant in [`Participants::list`].
pub type ParticipantIdx = usize;

#[derive(Debug, Clone, Default)]
pub struct Participants {
    pub list: Vec<Participant>,
    /// Names of the attribute columns (every column but id, group, label, aliases).
    pub attributes: Vec<String>,
    /// Group ids in report order: those of `[groups]` first, then any others as they appear.
    pub groups: Vec<String>,
    by_id: HashMap<String, ParticipantIdx>,
    by_name: HashMap<String, ParticipantIdx>,
}

const FIXED: [&str; 4] = ["id", "group", "label", "aliases"];

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
        let (label_col, alias_col) = (col("label"), col("aliases"));
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
            if let Some(&first) = p.by_id.get(id) {
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
            let idx = p.list.len();
            p.by_id.insert(id.to_string(), idx);
            p.list.push(Participant {
                id: id.to_string(),
                group: group.to_string(),
                label: label.to_string(),
                aliases,
                attributes: attr_cols.iter().map(|&c| field(c).to_string()).collect(),
                line: row.line,
            });
        }
        p.index_names(file, diags);
        p
    }

    /// Every id, label and alias becomes a speaker name; one name may not mean two people.
    fn index_names(&mut self, file: &str, diags: &mut Diagnostics) {
        for (idx, person) in self.list.iter().enumerate() {
            let names = std::iter::once(&person.id)
                .chain(std::iter::once(&person.label))
                .chain(&person.aliases);
            for name in names {
                match self.by_name.get(&label_key(name)) {
                    Some(&other) if other != idx => diags.error(
                        file,
                        Some(person.line),
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

    pub fn by_id(&self, id: &str) -> Option<ParticipantIdx> {
        self.by_id.get(id).copied()
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
                .map(|i| p.attributes[i].as_str()),
        }
    }

    pub fn has_attribute(&self, name: &str) -> bool {
        matches!(name, "group" | "id" | "participant" | "label") || self.attributes.iter().any(|a| a == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn missing_columns_give_no_participants() {
        let (p, problems) = parse("name,group\nA,staff\n", &[]);
        assert!(p.is_empty());
        assert_eq!(problems.len(), 1);
    }
}
