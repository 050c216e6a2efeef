//! Speaker turns in plain text (`.txt`, `.md`, and `.docx` once read as text).
//!
//! A turn starts with a label and a colon at the start of a line (`Interviewer:`,
//! `LRs 4:`, `**Partner 7i:**`), optionally after a timestamp (`[00:12:31]`, `00:12:31`),
//! and runs until the next turn. Front matter (`---` ... `---`) gives the document's
//! settings, such as `participant: LRs04`.

use std::ops::Range;

/// A turn as found in the text, before its speaker is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTurn {
    /// The speaker label as written, or `None` for a document without labels.
    pub label: Option<String>,
    pub time: Option<String>,
    /// 1-based line where the turn starts.
    pub line: usize,
    /// Byte range of the turn's words (label and timestamp excluded, white space trimmed).
    pub words: Range<usize>,
}

/// A label found at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelLine<'a> {
    pub time: Option<&'a str>,
    pub label: &'a str,
    /// Byte offset in the line where the words start.
    pub words_at: usize,
}

/// Front matter: `key: value` lines between `---` fences at the very top.
/// Returns the pairs and the byte offset where the body starts.
pub fn front_matter(text: &str) -> (Vec<(String, String)>, usize) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (Vec::new(), 0);
    };
    let mut pairs = Vec::new();
    let mut offset = 4;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        let t = line.trim();
        if t == "---" || t == "..." {
            return (pairs, offset);
        }
        if let Some((k, v)) = t.split_once(':') {
            let v = v.trim().trim_matches('"').trim_matches('\'');
            pairs.push((k.trim().to_lowercase(), v.to_string()));
        }
    }
    // No closing fence: not front matter after all.
    (Vec::new(), 0)
}

/// A timestamp such as `00:12:31`, `12:31`, `0:12:31.500` or `00:12:31,500`.
pub fn is_time(s: &str) -> bool {
    let main = s.split(['.', ',']).next().unwrap_or("");
    let parts: Vec<&str> = main.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && s[main.len()..].bytes().skip(1).all(|b| b.is_ascii_digit())
}

/// Reads an optional timestamp and a speaker label from the start of a line.
pub fn label_line(line: &str) -> Option<LabelLine<'_>> {
    let mut at = 0;
    let mut time = None;
    if let Some(inner) = line.strip_prefix('[') {
        if let Some(close) = inner.find(']') {
            if is_time(&inner[..close]) {
                time = Some(&inner[..close]);
                at = close + 2;
            }
        }
    } else if line.starts_with(|c: char| c.is_ascii_digit()) {
        let end = line.find(char::is_whitespace).unwrap_or(line.len());
        if is_time(&line[..end]) {
            time = Some(&line[..end]);
            at = end;
        }
    }
    let rest = &line[at..];
    let skipped = rest.len() - rest.trim_start().len();
    if time.is_some() {
        at += skipped;
    } else if skipped > 0 {
        return None;
    }
    let rest = &line[at..];
    let (label, after) = if let Some(bold) = rest.strip_prefix("**") {
        let close = bold.find("**")?;
        let inner = &bold[..close];
        let after = &bold[close + 2..];
        if let Some(label) = inner.strip_suffix(':') {
            (label, at + 2 + close + 2)
        } else if after.starts_with(':') {
            (inner, at + 2 + close + 3)
        } else {
            return None;
        }
    } else {
        let colon = rest.find(':')?;
        (&rest[..colon], at + colon + 1)
    };
    let label = label.trim();
    if label.is_empty() || label.len() > 48 || label.contains(['*', '[', ']', '<', '>', '"', '|', '#']) {
        return None;
    }
    // The colon must end the label: `10:30` or `http://` are not speakers.
    match line[after..].chars().next() {
        None | Some(' ') | Some('\t') => {}
        _ => return None,
    }
    let words_at = after + (line[after..].len() - line[after..].trim_start().len());
    Some(LabelLine {
        time,
        label,
        words_at,
    })
}

/// Whether an unknown label looks like a speaker: one to four words, the first capitalised,
/// each starting with a capital or a digit (`Partner 7i`, `Dr Nadia Rahman`, `LRs 4`).
pub fn looks_like_speaker(label: &str) -> bool {
    let words: Vec<&str> = label.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && words[0].starts_with(|c: char| c.is_uppercase())
        && words
            .iter()
            .all(|w| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || c == '('))
        && label.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '.' | '\'' | '\u{2019}' | '-' | '_' | '(' | ')' | '&')
        })
}

/// Splits a text into speaker turns. `is_known` says whether a label names a known speaker
/// (participant, interviewer or generic label). Known labels always start turns. Unknown
/// labels that look like speakers start turns too when the document has known labels, or
/// when one of them comes back at least twice; otherwise the body is one unlabelled turn.
pub fn split_turns(text: &str, body_start: usize, is_known: &dyn Fn(&str) -> bool) -> Vec<RawTurn> {
    struct Start<'a> {
        line_no: usize,
        line_start: usize,
        found: LabelLine<'a>,
        known: bool,
    }
    let first_line = crate::config::line_of(text, body_start);
    let mut starts: Vec<Start> = Vec::new();
    let mut offset = body_start;
    for (i, line) in text[body_start..].split('\n').enumerate() {
        if let Some(found) = label_line(line) {
            let known = is_known(found.label);
            if known || looks_like_speaker(found.label) {
                starts.push(Start {
                    line_no: first_line + i,
                    line_start: offset,
                    found,
                    known,
                });
            }
        }
        offset += line.len() + 1;
    }
    let any_known = starts.iter().any(|s| s.known);
    if !any_known {
        let recurs = starts
            .iter()
            .enumerate()
            .any(|(i, s)| starts[..i].iter().any(|o| o.found.label == s.found.label));
        if !recurs {
            starts.clear();
        }
    }
    if starts.is_empty() {
        let words = trim_range(text, body_start..text.len());
        if words.is_empty() {
            return Vec::new();
        }
        return vec![RawTurn {
            label: None,
            time: None,
            line: crate::config::line_of(text, words.start),
            words,
        }];
    }
    let mut turns = Vec::with_capacity(starts.len());
    for (i, s) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(text.len(), |n| n.line_start);
        let words = trim_range(text, s.line_start + s.found.words_at..end);
        turns.push(RawTurn {
            label: Some(s.found.label.to_string()),
            time: s.found.time.map(str::to_string),
            line: s.line_no,
            words,
        });
    }
    turns
}

/// The range without white space at either end (an empty range at `range.start` if blank).
pub fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    range.start + lead..range.start + lead + trimmed.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(l: &str) -> bool {
        ["Interviewer", "R", "Partner 7i"].contains(&l)
    }

    fn words<'a>(text: &'a str, turns: &[RawTurn]) -> Vec<(Option<&'a str>, &'a str)> {
        turns
            .iter()
            .map(|t| {
                let label = t
                    .label
                    .as_deref()
                    .map(|l| &text[text.find(l).unwrap()..][..l.len()]);
                (label, &text[t.words.clone()])
            })
            .collect()
    }

    #[test]
    fn labels_timestamps_and_bold() {
        assert_eq!(label_line("Interviewer: hi").unwrap().label, "Interviewer");
        let l = label_line("[00:12:31] LRs 4: so").unwrap();
        assert_eq!((l.time, l.label, l.words_at), (Some("00:12:31"), "LRs 4", 18));
        let l = label_line("00:12:31 Partner 7i: yes").unwrap();
        assert_eq!((l.time, l.label), (Some("00:12:31"), "Partner 7i"));
        assert_eq!(label_line("**Partner 7i:** well").unwrap().label, "Partner 7i");
        assert_eq!(label_line("**Partner 7i**: well").unwrap().label, "Partner 7i");
        assert_eq!(label_line("**Partner 7i**: well").unwrap().words_at, 16);
        assert_eq!(label_line("R:").unwrap().words_at, 2);
        assert!(label_line("at 10:30 we met").is_none());
        assert!(label_line("see http://x").is_none());
        assert!(label_line(" Indented: no").is_none());
        assert!(label_line("**bold** text: no").is_none());
    }

    #[test]
    fn speaker_shape() {
        assert!(looks_like_speaker("Dr Nadia Rahman"));
        assert!(looks_like_speaker("LRs 4"));
        assert!(!looks_like_speaker("So the thing is"));
        assert!(!looks_like_speaker("What I would say to anyone here"));
    }

    #[test]
    fn front_matter_pairs() {
        let (pairs, body) = front_matter("---\nparticipant: LRs04\ntype: \"interview\"\n---\nR: hi\n");
        assert_eq!(
            pairs,
            [
                ("participant".into(), "LRs04".into()),
                ("type".into(), "interview".into())
            ]
        );
        assert_eq!(body, 45);
        assert_eq!(front_matter("--- not\n").1, 0);
        assert_eq!(front_matter("---\nopen: never closed\n").1, 0);
    }

    #[test]
    fn turns_run_over_lines_and_keep_times() {
        let text = "# Title\n\n[00:00:05] Interviewer: Hello\nthere.\n\n[00:00:09] R: Well:\nfine.\n";
        let turns = split_turns(text, 0, &known);
        assert_eq!(
            words(text, &turns),
            [
                (Some("Interviewer"), "Hello\nthere."),
                (Some("R"), "Well:\nfine.")
            ]
        );
        assert_eq!(turns[1].time.as_deref(), Some("00:00:09"));
        assert_eq!(turns[1].line, 6);
    }

    #[test]
    fn unknown_speakers_count_when_the_document_has_known_ones() {
        let text = "Interviewer: Who?\nMystery Person: me\n";
        let turns = split_turns(text, 0, &known);
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[1].label.as_deref(), Some("Mystery Person"));
    }

    #[test]
    fn a_document_without_labels_is_one_turn() {
        let text = "Notes: the meeting went well.\nEveryone came.\n";
        let turns = split_turns(text, 0, &known);
        assert_eq!(turns.len(), 1);
        assert_eq!(turns[0].label, None);
        assert_eq!(&text[turns[0].words.clone()], text.trim());
        assert!(split_turns("  \n", 0, &known).is_empty());
    }

    #[test]
    fn recurring_unknown_labels_are_speakers() {
        let text = "Ann: hi\nBob: hello\nAnn: bye\n";
        assert_eq!(split_turns(text, 0, &known).len(), 3);
    }
}
