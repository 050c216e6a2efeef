//! The settings of `thematic.toml` that REFI-QDA has no element for: the project's title
//! (beside `Project@name`), its `approach` and the labels of its `[groups]`.
//!
//! Export writes them as a project note named [`NOTE_NAME`] whose text is a small
//! `thematic.toml` (other tools show it as one more memo or journal); import reads that note
//! back into `thematic.toml` and does not write it to `memos/`. A project without the note
//! gets its title from `Project@name` and one group per distinct group of its participants,
//! labelled with its id.

use super::qde::Qde;
use crate::config::{Approach, Config};
use crate::diagnostics::{Diagnostics, Severity};

/// The name of the note that carries the settings.
pub const NOTE_NAME: &str = "thematic.toml";

/// The text of the settings note for a project's configuration: only what differs from the
/// defaults, so a project with no settings round-trips to one with none.
pub fn note_text(config: &Config) -> String {
    let mut s = String::from(
        "# thematic settings that REFI-QDA has no place for; `thematic import` reads them back.\n",
    );
    let title = config.project.title.as_deref().filter(|t| !t.trim().is_empty());
    let approach = config.project.approach;
    if title.is_some() || approach != Approach::default() {
        s.push_str("\n[project]\n");
        if let Some(t) = title {
            s.push_str(&format!(
                "title = {}\n",
                toml::Value::String(t.trim().to_string())
            ));
        }
        if approach != Approach::default() {
            s.push_str(&format!("approach = \"{}\"\n", approach.as_str()));
        }
    }
    push_groups(
        &mut s,
        config.groups.iter().map(|(g, l)| (g.as_str(), l.as_str())),
    );
    s
}

/// Settings read back from the note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saved {
    /// The note's GUID, so it is not written again as a memo.
    pub guid: String,
    pub has_title: bool,
    pub approach: Approach,
    pub groups: Vec<(String, String)>,
}

/// Finds the settings note among the project's notes (GUID → (name, text)) and reads it.
/// A note of that name that is not valid settings is left as an ordinary memo, with the
/// reason in `problems`.
pub fn read(
    q: &Qde,
    notes: &std::collections::HashMap<String, (String, String)>,
    problems: &mut Vec<String>,
) -> Option<Saved> {
    // The project's own notes first, then any note of that name.
    let candidates = q
        .note_refs
        .iter()
        .chain(q.notes.iter().map(|n| &n.guid))
        .filter(|g| notes.get(*g).is_some_and(|(name, _)| name == NOTE_NAME));
    for guid in candidates {
        let text = &notes[guid].1;
        let mut diags = Diagnostics::default();
        let config = Config::parse(text, NOTE_NAME, &mut diags);
        if diags.errors() > 0 {
            let why: Vec<String> = diags
                .sorted()
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .map(|p| p.to_string())
                .collect();
            problems.push(format!(
                "the note `{NOTE_NAME}` does not hold readable settings, so it was kept as a memo: {}",
                why.join("; ")
            ));
            continue;
        }
        return Some(Saved {
            guid: guid.clone(),
            has_title: config.project.title.is_some(),
            approach: config.project.approach,
            groups: config.groups,
        });
    }
    None
}

/// `thematic.toml` for an imported project: the title from `Project@name`, the approach and
/// group labels from the settings note when there is one, and every group participants are
/// in (those the note does not name labelled with their id).
pub fn imported_toml(q: &Qde, used_groups: &[&str], saved: Option<&Saved>) -> Vec<u8> {
    let mut s = String::from("# thematic settings: every key is optional. See the README for all of them.\n");
    let title = match q.name.trim() {
        "" => "Imported project",
        name => name,
    };
    let with_title = saved.is_none_or(|s| s.has_title);
    let approach = saved.map(|s| s.approach).unwrap_or_default();
    if with_title || approach != Approach::default() {
        s.push_str("\n[project]\n");
        if with_title {
            s.push_str(&format!("title = {}\n", toml::Value::String(title.to_string())));
        }
        if approach != Approach::default() {
            s.push_str(&format!("approach = \"{}\"\n", approach.as_str()));
        }
    }
    let mut groups: Vec<(&str, &str)> = saved
        .map(|s| s.groups.iter().map(|(g, l)| (g.as_str(), l.as_str())).collect())
        .unwrap_or_default();
    for g in used_groups {
        if !groups.iter().any(|(id, _)| id == g) {
            groups.push((g, g));
        }
    }
    push_groups(&mut s, groups.into_iter());
    s.into_bytes()
}

fn push_groups<'a>(s: &mut String, groups: impl Iterator<Item = (&'a str, &'a str)>) {
    let mut first = true;
    for (g, label) in groups {
        if first {
            s.push_str("\n[groups]\n");
            first = false;
        }
        let bare = !g.is_empty()
            && g.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let key = if bare {
            g.to_string()
        } else {
            toml::Value::String(g.to_string()).to_string()
        };
        s.push_str(&format!("{key} = {}\n", toml::Value::String(label.to_string())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_note_reads_back_what_it_was_written_from() {
        let text = "[project]\ntitle = \"Life Rooms\"\napproach = \"reflexive\"\n\n[groups]\nstaff = \"Harbour staff\"\n\"service user\" = \"Service users\"\n";
        let config = Config::parse(text, "thematic.toml", &mut Diagnostics::default());
        let note = note_text(&config);
        let q = Qde {
            name: "Life Rooms".into(),
            note_refs: vec!["n".into()],
            ..Qde::default()
        };
        let notes = HashMap::from([("n".to_string(), (NOTE_NAME.to_string(), note))]);
        let saved = read(&q, &notes, &mut Vec::new()).unwrap();
        assert_eq!(saved.approach, Approach::Reflexive);
        let back = imported_toml(&q, &["staff", "speaker"], Some(&saved));
        let back = String::from_utf8(back).unwrap();
        let again = Config::parse(&back, "thematic.toml", &mut Diagnostics::default());
        assert_eq!(again.project.title.as_deref(), Some("Life Rooms"));
        assert_eq!(again.project.approach, Approach::Reflexive);
        assert_eq!(
            again.groups,
            [
                ("staff".to_string(), "Harbour staff".to_string()),
                ("service user".into(), "Service users".into()),
                ("speaker".into(), "speaker".into())
            ]
        );
    }

    #[test]
    fn a_note_that_is_not_settings_stays_a_memo() {
        let q = Qde {
            note_refs: vec!["n".into()],
            ..Qde::default()
        };
        let notes = HashMap::from([(
            "n".to_string(),
            (
                NOTE_NAME.to_string(),
                "[project]\napproach = \"vibes\"\n".to_string(),
            ),
        )]);
        let mut problems = Vec::new();
        assert_eq!(read(&q, &notes, &mut problems), None);
        assert!(problems[0].contains("`vibes` is not one of"), "{problems:?}");
    }
}
