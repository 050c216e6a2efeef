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

/// Words that make a label with lower-case words read as prose (`So the thing is`,
/// `Note to self`) rather than a speaker (`Male voice`, `Unknown speaker`, `Support worker`).
const PROSE_WORDS: &[&str] = &[
    "a",
    "about",
    "actually",
    "all",
    "also",
    "an",
    "and",
    "anyway",
    "are",
    "as",
    "at",
    "basically",
    "be",
    "because",
    "been",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "for",
    "from",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "his",
    "how",
    "i",
    "if",
    "in",
    "is",
    "it",
    "its",
    "just",
    "like",
    "me",
    "mean",
    "my",
    "no",
    "not",
    "now",
    "of",
    "ok",
    "okay",
    "on",
    "one",
    "or",
    "our",
    "really",
    "right",
    "said",
    "say",
    "says",
    "she",
    "should",
    "so",
    "some",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "to",
    "very",
    "was",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "would",
    "yes",
    "you",
    "your",
];

/// Whether an unknown label looks like a speaker: one to four words, the first capitalised,
/// each starting with a capital or a digit (`Partner 7i`, `Dr Nadia Rahman`, `LRs 4`); or
/// two or three words with lower-case ones after the first (`Male voice`, `Unknown speaker`)
/// when none of them is a word of prose (`So the thing is`, `Note to self`).
pub fn looks_like_speaker(label: &str) -> bool {
    let words: Vec<&str> = label.split_whitespace().collect();
    let shaped = !words.is_empty()
        && words.len() <= 4
        && words[0].starts_with(|c: char| c.is_uppercase())
        && label.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '.' | '\'' | '\u{2019}' | '-' | '_' | '(' | ')' | '&')
        });
    if !shaped {
        return false;
    }
    if !has_lower_case_words(label) {
        return true;
    }
    words.len() <= 3
        && words
            .iter()
            .all(|w| !PROSE_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Whether a label has words after the first that start in lower case (`Male voice`): such
/// labels start turns only in documents that have other labels.
pub fn has_lower_case_words(label: &str) -> bool {
    label
        .split_whitespace()
        .skip(1)
        .any(|w| !w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || c == '('))
}

/// A line that is only a speaker and a time, the words following on the next lines, as
/// Teams, Otter and Zoom export transcripts: `Jane Smith   0:03` (Teams .docx, Otter .txt),
/// `Jane Smith  00:01:12.340`, `[00:01:12] Jane Smith` (Teams .txt), `[Jane Smith] 14:03:21`
/// (Zoom's saved captions). Returns the label and the time.
pub fn heading_line(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_end();
    if line.is_empty() || line.starts_with(char::is_whitespace) || line.contains(": ") || line.ends_with(':')
    {
        return None;
    }
    let (label, time) = if let Some(inner) = line.strip_prefix('[') {
        let close = inner.find(']')?;
        let (first, rest) = (&inner[..close], inner[close + 1..].trim());
        if is_time(first) {
            (rest, first)
        } else {
            (first.trim(), rest)
        }
    } else {
        let (split, space) = line.char_indices().rev().find(|(_, c)| c.is_whitespace())?;
        (line[..split].trim_end(), &line[split + space.len_utf8()..])
    };
    (!label.is_empty() && label.len() <= 48 && is_time(time)).then_some((label, time))
}

/// The lines that close a transcript and are nobody's words: Otter's `Transcribed by
/// https://otter.ai` and Teams' `Jane Smith stopped transcription`.
fn is_footer(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    (l.starts_with("transcribed by ") && l.contains("otter.ai")) || l.ends_with(" stopped transcription")
}

/// Splits a text into speaker turns. `is_known` says whether a label names a known speaker
/// (participant, interviewer or generic label). Known labels always start turns. Unknown
/// labels that look like speakers start turns too when the document has known labels, or
/// when one of them comes back at least twice; otherwise the body is one unlabelled turn.
pub fn split_turns(text: &str, body_start: usize, is_known: &dyn Fn(&str) -> bool) -> Vec<RawTurn> {
    split(text, body_start, is_known, &|_| false).turns
}

/// A text's turns and the header lines above them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    pub turns: Vec<RawTurn>,
    /// `Key: value` lines with a header key before the first turn: key, value, 1-based line.
    pub headers: Vec<(String, String, usize)>,
}

/// How a turn's label was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `Label: words`.
    Colon,
    /// `Label  0:03` above the words.
    Heading,
    /// `Key: value` with a header key.
    Header,
}

struct Start<'a> {
    line_no: usize,
    line_start: usize,
    label: &'a str,
    time: Option<&'a str>,
    /// A header line's value.
    value: &'a str,
    /// Byte offset in the text where the words start.
    words_at: usize,
    known: bool,
    kind: Kind,
}

/// Splits a text into turns as [`split_turns`] does, and also reads the layout of Teams,
/// Otter and Zoom exports (a speaker-and-time line above the words: [`heading_line`]) and
/// the header lines at the top (`is_header` says whether a label is a header key such as
/// `Date` or `Location`): those are metadata, not speech.
pub fn split(
    text: &str,
    body_start: usize,
    is_known: &dyn Fn(&str) -> bool,
    is_header: &dyn Fn(&str) -> bool,
) -> Split {
    let first_line = crate::config::line_of(text, body_start);
    let lines: Vec<(usize, &str)> = {
        let mut offset = body_start;
        text[body_start..]
            .split('\n')
            .map(|l| {
                let at = offset;
                offset += l.len() + 1;
                (at, l)
            })
            .collect()
    };
    let mut starts: Vec<Start> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (line_start, line) = lines[i];
        let line_no = first_line + i;
        let next_start = |n: usize| lines.get(n).map_or(text.len(), |l| l.0);
        if let Some((label, time)) = heading_line(line) {
            let known = is_known(label);
            let kind = if !known && is_header(label) {
                Some(Kind::Header)
            } else if known || (looks_like_speaker(label) && !has_lower_case_words(label)) {
                Some(Kind::Heading)
            } else {
                None
            };
            if let Some(kind) = kind {
                starts.push(Start {
                    line_no,
                    line_start,
                    label,
                    time: Some(time),
                    value: time,
                    words_at: next_start(i + 1),
                    known,
                    kind,
                });
            }
        } else if let Some(found) = label_line(line) {
            let known = is_known(found.label);
            let kind = if !known && is_header(found.label) {
                Some(Kind::Header)
            } else if known || looks_like_speaker(found.label) {
                Some(Kind::Colon)
            } else {
                None
            };
            if let Some(kind) = kind {
                starts.push(Start {
                    line_no,
                    line_start,
                    label: found.label,
                    time: found.time,
                    value: line[found.words_at..].trim(),
                    words_at: line_start + found.words_at,
                    known,
                    kind,
                });
            }
        } else if let Some(j) = (i + 1..lines.len()).find(|&j| !lines[j].1.trim().is_empty()) {
            // Teams .docx also writes the name and the time as paragraphs of their own.
            let below = lines[j].1.trim();
            let label = line.trim_end();
            let known = !label.is_empty() && is_known(label);
            if is_time(below)
                && !line.starts_with(char::is_whitespace)
                && (known
                    || (looks_like_speaker(label) && !has_lower_case_words(label) && !label.ends_with('.')))
            {
                starts.push(Start {
                    line_no,
                    line_start,
                    label,
                    time: Some(below),
                    value: below,
                    words_at: next_start(j + 1),
                    known,
                    kind: Kind::Heading,
                });
                i = j;
            }
        }
        i += 1;
    }
    let headings = starts.iter().filter(|s| s.kind == Kind::Heading).count();
    let recurs = |s: &Start| {
        s.kind == Kind::Colon
            && !has_lower_case_words(s.label)
            && starts
                .iter()
                .filter(|o| o.kind == Kind::Colon && o.label == s.label)
                .count()
                > 1
    };
    let labelled = starts.iter().any(|s| s.known || recurs(s)) || headings >= 2;
    // Header lines above the first turn are metadata; below it they are labels like others.
    let first_turn = starts
        .iter()
        .position(|s| s.kind != Kind::Header && (s.known || labelled));
    let mut headers = Vec::new();
    let mut body = body_start;
    let mut kept: Vec<Start> = Vec::new();
    for (n, s) in starts.into_iter().enumerate() {
        if s.kind == Kind::Header && first_turn.is_none_or(|f| n < f) {
            let leading = text[body..s.line_start].trim().is_empty();
            if first_turn.is_some() || leading {
                headers.push((s.label.to_string(), s.value.to_string(), s.line_no));
                if leading {
                    body = s.line_start
                        + text[s.line_start..]
                            .find('\n')
                            .map_or(text.len() - s.line_start, |e| e + 1);
                }
            }
            continue;
        }
        if s.known || labelled {
            kept.push(s);
        }
    }
    let mut turns = Vec::with_capacity(kept.len().max(1));
    if kept.is_empty() {
        let words = without_footer(text, trim_range(text, body..text.len()));
        if !words.is_empty() {
            turns.push(RawTurn {
                label: None,
                time: None,
                line: crate::config::line_of(text, words.start),
                words,
            });
        }
        return Split { turns, headers };
    }
    for (i, s) in kept.iter().enumerate() {
        let end = kept.get(i + 1).map_or(text.len(), |n| n.line_start);
        let mut words = trim_range(text, s.words_at.min(end)..end);
        if i + 1 == kept.len() {
            words = without_footer(text, words);
        }
        turns.push(RawTurn {
            label: Some(s.label.to_string()),
            time: s.time.map(str::to_string),
            line: s.line_no,
            words,
        });
    }
    Split { turns, headers }
}

/// The range without a closing footer line ([`is_footer`]) at its end.
fn without_footer(text: &str, words: Range<usize>) -> Range<usize> {
    let s = &text[words.clone()];
    let last = s.rfind('\n').map_or(0, |n| n + 1);
    if is_footer(&s[last..]) {
        trim_range(text, words.start..words.start + last)
    } else {
        words
    }
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

    #[test]
    fn a_heading_split_at_a_wide_space_is_cut_on_a_char_boundary() {
        // Found by the `transcript` fuzz target: U+2028 and U+00A0 are several bytes long.
        assert_eq!(
            heading_line("Jane Smith\u{2028}00:01:12"),
            Some(("Jane Smith", "00:01:12"))
        );
        assert_eq!(
            heading_line("Jane Smith\u{a0}00:01:12"),
            Some(("Jane Smith", "00:01:12"))
        );
        assert_eq!(heading_line("Jane\u{a0}\u{2028}x"), None);
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
    fn header(l: &str) -> bool {
        ["date", "location", "note", "interview with", "duration"].contains(&l.to_lowercase().as_str())
    }

    fn labels_and_words<'a>(text: &'a str, split: &Split) -> Vec<(Option<String>, Option<String>, &'a str)> {
        split
            .turns
            .iter()
            .map(|t| (t.label.clone(), t.time.clone(), &text[t.words.clone()]))
            .collect()
    }

    #[test]
    fn short_labels_with_lower_case_words() {
        assert!(looks_like_speaker("Male voice"));
        assert!(looks_like_speaker("Unknown speaker"));
        assert!(!looks_like_speaker("Note to self"));
        assert!(!looks_like_speaker("So basically"));
        assert!(!looks_like_speaker("Male voice over there"));
    }

    #[test]
    fn heading_lines() {
        assert_eq!(heading_line("Jane Smith   0:03"), Some(("Jane Smith", "0:03")));
        assert_eq!(heading_line("Speaker 1  1:02:03"), Some(("Speaker 1", "1:02:03")));
        assert_eq!(
            heading_line("Jane Smith  00:01:12.340"),
            Some(("Jane Smith", "00:01:12.340"))
        );
        assert_eq!(
            heading_line("[00:01:12] Jane Smith"),
            Some(("Jane Smith", "00:01:12"))
        );
        assert_eq!(
            heading_line("[Jane Smith] 14:03:21"),
            Some(("Jane Smith", "14:03:21"))
        );
        assert_eq!(heading_line("Interviewer: at 10:30"), None);
        assert_eq!(heading_line("[00:01:12] Jane Smith: hi"), None);
        assert_eq!(heading_line("  Jane 0:03"), None);
        assert_eq!(heading_line("0:03"), None);
    }

    #[test]
    fn otter_layout_turns_exclude_the_heading_and_footer() {
        let text = "Jane Smith  0:03\nThanks for talking to me.\n\nSpeaker 1  0:09\nNo problem.\nReally.\n\nTranscribed by https://otter.ai\n";
        let split = split(text, 0, &known, &header);
        assert_eq!(
            labels_and_words(text, &split),
            [
                (
                    Some("Jane Smith".into()),
                    Some("0:03".into()),
                    "Thanks for talking to me."
                ),
                (
                    Some("Speaker 1".into()),
                    Some("0:09".into()),
                    "No problem.\nReally."
                ),
            ]
        );
        assert_eq!(split.turns[1].line, 4);
    }

    #[test]
    fn teams_name_and_time_paragraphs() {
        let text = "Meeting Transcript\n\nInterviewer\n\n0:03\n\nHello there.\n\nJane Smith\n\n1:02:03\n\nHi.\n\nJane Smith stopped transcription\n";
        let split = split(text, 0, &known, &header);
        assert_eq!(
            labels_and_words(text, &split),
            [
                (Some("Interviewer".into()), Some("0:03".into()), "Hello there."),
                (Some("Jane Smith".into()), Some("1:02:03".into()), "Hi."),
            ]
        );
    }

    #[test]
    fn header_lines_above_the_first_turn_are_metadata() {
        let text = "Date: 3 May 2025\nInterview with: R\nLocation: Eastgate hub\n\nInterviewer: Hi.\nNote: not a header here\n";
        let split = split(text, 0, &known, &header);
        assert_eq!(
            split.headers,
            [
                ("Date".into(), "3 May 2025".into(), 1),
                ("Interview with".into(), "R".into(), 2),
                ("Location".into(), "Eastgate hub".into(), 3)
            ]
        );
        let labels: Vec<_> = split.turns.iter().map(|t| t.label.clone().unwrap()).collect();
        assert_eq!(labels, ["Interviewer", "Note"]);
        let text = "Date: 3 May\n\nMy own notes.\nMore.\n";
        let split = super::split(text, 0, &known, &header);
        assert_eq!(split.headers.len(), 1);
        assert_eq!(&text[split.turns[0].words.clone()], "My own notes.\nMore.");
    }

    #[test]
    fn lower_case_labels_count_only_beside_other_labels() {
        let text = "Interviewer: Who?\nMale voice: me\nR: So the thing is: no.\n";
        let split = split(text, 0, &known, &header);
        let labels: Vec<_> = split.turns.iter().map(|t| t.label.clone().unwrap()).collect();
        assert_eq!(labels, ["Interviewer", "Male voice", "R"]);
        let text = "Male voice: me\nMale voice: again\n";
        assert_eq!(super::split(text, 0, &known, &header).turns[0].label, None);
    }
}
