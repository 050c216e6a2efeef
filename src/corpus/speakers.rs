//! Speakers: whom each turn's label names. The corpus's labels (participants' ids, labels and
//! aliases, the interviewer, generic and unidentified labels of `[corpus]`), then a
//! document's own `speakers:` map; a label that names no one is reported with a hint that
//! fits it, and its turn counts for no one.

use super::turns::RawTurn;
use super::{count_chars, Document, FrontMatter, Speaker, Turn};
use crate::config::CorpusSettings;
use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::participants::Participants;
use crate::text::label_key;
use std::collections::HashSet;

/// Resolves speaker labels for one corpus.
pub struct Speakers<'a> {
    pub(super) participants: &'a Participants,
    interviewer: HashSet<String>,
    generic: HashSet<String>,
    unidentified: HashSet<String>,
    headers: HashSet<String>,
}

impl<'a> Speakers<'a> {
    pub fn new(participants: &'a Participants, settings: &CorpusSettings) -> Speakers<'a> {
        let keys = |labels: &[String]| labels.iter().map(|l| label_key(l)).collect();
        Speakers {
            participants,
            interviewer: keys(&settings.interviewer),
            generic: keys(&settings.generic),
            unidentified: keys(&settings.unidentified),
            headers: keys(&settings.headers),
        }
    }

    pub fn is_known(&self, label: &str) -> bool {
        let key = label_key(label);
        self.interviewer.contains(&key)
            || self.generic.contains(&key)
            || self.participants.by_speaker(label).is_some()
            || self.is_unidentified(label)
    }

    /// A label of `[corpus] unidentified`, with or without a number after it.
    pub fn is_unidentified(&self, label: &str) -> bool {
        let key = label_key(label);
        let base = key.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end();
        self.unidentified.contains(&key) || (base.len() < key.len() && self.unidentified.contains(base))
    }

    /// A key of `[corpus] headers` (`Date`, `Location`).
    pub fn is_header(&self, label: &str) -> bool {
        self.headers.contains(&label_key(label))
    }
}

/// A document's own labels, from front matter `speakers: Sue = ASH-FG1; Tom = ASH-FG2`: label
/// keys and whom they name in this document only.
pub(super) type SpeakerMap = Vec<(String, Speaker)>;

/// Reads front matter `speakers: Sue = ASH-FG1; Tom = ASH-FG2`. A label may also name the
/// interviewer (`Speaker 1 = Interviewer`) or a voice nobody could name.
pub(super) fn speaker_map(
    front: &FrontMatter,
    path: &str,
    speakers: &Speakers,
    diags: &mut Diagnostics,
) -> SpeakerMap {
    let mut map = SpeakerMap::new();
    let Some(value) = front.pairs.iter().find(|(k, _)| k == "speakers").map(|(_, v)| v) else {
        return map;
    };
    let line = front.line("speakers");
    let participants = speakers.participants;
    for entry in value.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let Some((label, target)) = entry.split_once('=').map(|(l, t)| (l.trim(), t.trim())) else {
            diags.error(
                path,
                line,
                format!("front matter `speakers:` entry `{entry}` should be `Label = participant id` (entries are `;`-separated)"),
            );
            continue;
        };
        let key = label_key(label);
        let speaker = if let Some(p) = participants.by_id(target) {
            Speaker::participant(p)
        } else if speakers.interviewer.contains(&label_key(target)) {
            Speaker::Interviewer
        } else if speakers.is_unidentified(target) {
            Speaker::Unidentified
        } else {
            let ids = participants.list.iter().map(|p| p.id.as_str());
            diags.error(
                path,
                line,
                format!(
                    "front matter `speakers:` maps `{label}` to `{target}`, who is not in participants.csv{}",
                    did_you_mean(target, ids)
                ),
            );
            Speaker::Unknown
        };
        if label.is_empty() || map.iter().any(|(k, _)| *k == key) {
            diags.error(
                path,
                line,
                format!("front matter `speakers:` has label `{label}` more than once, or empty"),
            );
            continue;
        }
        map.push((key, speaker));
    }
    map
}

/// What resolves a document's labels: the corpus's speakers and the document's own map.
pub(super) struct DocLabels<'a> {
    pub speakers: &'a Speakers<'a>,
    pub map: &'a SpeakerMap,
}

pub(super) fn resolve_turns(
    doc: &mut Document,
    raw: Vec<RawTurn>,
    labels: &DocLabels,
    diags: &mut Diagnostics,
) {
    let mut reported: HashSet<String> = HashSet::new();
    let mut chars = 0;
    let mut bytes = 0;
    // Unknown labels above the first known speaker may be header lines the settings miss.
    let first_known = raw
        .iter()
        .filter_map(|t| t.label.as_deref().map(|l| (t.line, l)))
        .find(|(_, l)| labels.map.iter().any(|(k, _)| *k == label_key(l)) || labels.speakers.is_known(l))
        .map_or(usize::MAX, |(line, _)| line);
    for t in raw {
        chars += count_chars(&doc.text[bytes..t.words.start]);
        let label = t.label.unwrap_or_default();
        let speaker = if label.is_empty() {
            match doc.participant {
                Some(p) => Speaker::participant(p),
                None => {
                    // Plain text on purpose (`turns: false`: field notes, minutes, papers) counts
                    // for its document's attributes, as it should; elsewhere it may be a slip.
                    if !doc.plain {
                        diags.warning(
                            &doc.path,
                            None,
                            "no speaker labels and no participant: the text counts for no participant, only for the document's attributes (add front matter `participant: ID` or name the file after a participant id; `turns: false` if it is field notes or a document)",
                        );
                    }
                    Speaker::Unknown
                }
            }
        } else {
            let at_top = t.line < first_known;
            resolve(&label, doc, labels, t.line, at_top, &mut reported, diags)
        };
        let start_char = chars;
        let len = count_chars(&doc.text[t.words.clone()]);
        chars += len;
        bytes = t.words.end;
        doc.turns.push(Turn {
            label: label.into(),
            speaker,
            time: t.time.map(String::into_boxed_str),
            line: super::to_u32(t.line),
            bytes: t.words.into(),
            chars: (start_char..start_char + len).into(),
        });
    }
}

fn resolve(
    label: &str,
    doc: &Document,
    labels: &DocLabels,
    line: usize,
    at_top: bool,
    reported: &mut HashSet<String>,
    diags: &mut Diagnostics,
) -> Speaker {
    let speakers = labels.speakers;
    let key = label_key(label);
    if let Some((_, speaker)) = labels.map.iter().find(|(k, _)| *k == key) {
        return *speaker;
    }
    if speakers.interviewer.contains(&key) {
        return Speaker::Interviewer;
    }
    if let Some(p) = speakers.participants.by_speaker(label) {
        return Speaker::participant(p);
    }
    if speakers.generic.contains(&key) {
        if let Some(p) = doc.participant {
            return Speaker::participant(p);
        }
        if reported.insert(key) {
            diags.error(
                &doc.path,
                Some(line),
                format!(
                    "speaker `{label}` is a generic label but the document has no participant (add front matter `participant: ID` or name the file after the participant id)"
                ),
            );
        }
        return Speaker::Unknown;
    }
    if speakers.is_unidentified(label) {
        return Speaker::Unidentified;
    }
    if reported.insert(key) {
        diags.error(&doc.path, Some(line), unknown_speaker(label, speakers, at_top));
    }
    Speaker::Unknown
}

/// The message for a label that maps to no one, with the hint that fits it.
fn unknown_speaker(label: &str, speakers: &Speakers, at_top: bool) -> String {
    let key = label_key(label);
    let letters = key.trim_end_matches(|c: char| c.is_ascii_digit());
    let numbered = letters.len() < key.len() && letters.trim_end().chars().all(|c| c.is_alphabetic());
    if speakers.is_header(label) {
        return format!(
            "`{label}` is a header key, but header lines are metadata only above the first turn: here it starts a turn by no one (move it to the top, or write it in brackets: `[{label}: ...]`)"
        );
    }
    if numbered {
        return format!(
            "speaker `{label}` maps to no participant (say who it is for this document in its front matter: `speakers: {label} = ID`; or add it to [corpus] unidentified in thematic.toml if nobody knows)"
        );
    }
    let mut message = format!(
        "speaker `{label}` maps to no participant (add it to participants.csv as an id, label or alias, or to [corpus] interviewer in thematic.toml)"
    );
    if at_top {
        message.push_str(&format!(
            "; if it is a header line, not speech, add `{label}` to [corpus] headers in thematic.toml"
        ));
    }
    message
}
