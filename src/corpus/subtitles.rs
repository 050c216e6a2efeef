//! WebVTT (`.vtt`, as Teams and Zoom write it) and SubRip (`.srt`) transcripts.
//!
//! Speakers come from `<v Name>` voice tags or a `Name:` prefix; consecutive cues of one
//! speaker make one turn, timed by its first cue. The document's text is the transcript
//! written out as `Label: words` paragraphs, without cue times.

use super::turns::{has_lower_case_words, label_line, looks_like_speaker, RawTurn};
use crate::diagnostics::Severity;

/// A turn with its words, before it is written out as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpokenTurn {
    pub label: Option<String>,
    pub time: Option<String>,
    pub line: usize,
    pub words: String,
}

/// A cue that could not be read, or not all of it: its line, why, and how bad.
pub type CueProblem = (usize, String, Severity);

/// Front matter of a `.vtt`: the `key: value` lines of a `NOTE` block before the first cue
/// (WebVTT's comments), e.g. `NOTE` then `participant: SU08` and `speakers: Speaker 1 = I`.
/// Returns the pairs (keys lower-cased) with their 1-based lines.
pub fn front_matter(text: &str) -> Vec<(String, String, usize)> {
    let mut pairs = Vec::new();
    let mut in_note = false;
    for (i, line) in text.split('\n').enumerate() {
        let t = line.trim();
        if t.contains("-->") {
            break;
        }
        if t.is_empty() {
            in_note = false;
        } else if t == "NOTE" || t.starts_with("NOTE ") || t.starts_with("NOTE\t") {
            in_note = true;
            if let Some((k, v)) = t[4..].trim().split_once(':') {
                pairs.push((k.trim().to_lowercase(), v.trim().to_string(), i + 1));
            }
        } else if in_note {
            if let Some((k, v)) = t.split_once(':') {
                pairs.push((k.trim().to_lowercase(), v.trim().to_string(), i + 1));
            }
        }
    }
    pairs
}

/// Reads the cues of a `.vtt` or `.srt` file and merges them into turns. A block with text
/// but no timing line is not a cue: it is left out and returned as a problem.
pub fn parse(text: &str, is_known: &dyn Fn(&str) -> bool) -> (Vec<SpokenTurn>, Vec<CueProblem>) {
    let mut turns: Vec<SpokenTurn> = Vec::new();
    let mut problems = Vec::new();
    let mut line_no = 0;
    let mut block: Vec<(usize, &str)> = Vec::new();
    let mut flush = |block: &mut Vec<(usize, &str)>, turns: &mut Vec<SpokenTurn>| {
        match cue(block, is_known, &mut problems) {
            Some(cue) => match turns.last_mut() {
                Some(last) if cue.label == last.label || cue.label.is_none() => {
                    if !cue.words.is_empty() {
                        if !last.words.is_empty() {
                            last.words.push(' ');
                        }
                        last.words.push_str(&cue.words);
                    }
                }
                _ => turns.push(cue),
            },
            None => {
                if let Some(problem) = not_a_cue(block) {
                    problems.push(problem);
                }
            }
        }
        block.clear();
    };
    for line in text.split('\n') {
        line_no += 1;
        if line.trim().is_empty() {
            flush(&mut block, &mut turns);
        } else {
            block.push((line_no, line));
        }
    }
    flush(&mut block, &mut turns);
    turns.retain(|t| !t.words.is_empty());
    (turns, problems)
}

/// Why a block without a timing line is a problem; `None` for the blocks that are not cues
/// by design (the `WEBVTT` header, `NOTE`, `STYLE` and `REGION` blocks, a lone cue number).
fn not_a_cue(block: &[(usize, &str)]) -> Option<CueProblem> {
    let &(line, first) = block.first()?;
    let first = first.trim().trim_start_matches('\u{feff}');
    let by_design = ["WEBVTT", "NOTE", "STYLE", "REGION"]
        .iter()
        .any(|k| first == *k || first.starts_with(&format!("{k} ")) || first.starts_with(&format!("{k}\t")));
    if by_design || (block.len() == 1 && first.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let words: Vec<&str> = block.iter().map(|(_, l)| l.trim()).collect();
    Some((
        line,
        format!(
            "a cue without a timing line (`00:00:01,000 --> 00:00:04,000`): its text is left out: \"{}\"",
            crate::text::excerpt(&words.join(" "), 60)
        ),
        Severity::Warning,
    ))
}

/// One block: optional identifier, a timing line with `-->`, then the cue's text. A cue
/// time out of range and a voice tag never closed are added to `problems`.
fn cue(
    block: &[(usize, &str)],
    is_known: &dyn Fn(&str) -> bool,
    problems: &mut Vec<CueProblem>,
) -> Option<SpokenTurn> {
    let timing = block.iter().position(|(_, l)| l.contains("-->"))?;
    let (line, timing_line) = block[timing];
    let (start, end) = timing_line.split_once("-->")?;
    // The end time may be followed by cue settings (`align:start position:10%`).
    for t in [start.trim(), end.split_whitespace().next().unwrap_or("")] {
        if let Some(why) = cue_time_problem(t) {
            problems.push((line, why, Severity::Warning));
        }
    }
    let time = Some(start.trim().to_string());
    let payload: Vec<&str> = block[timing + 1..].iter().map(|(_, l)| l.trim()).collect();
    let mut raw = payload.join(" ");
    let mut label = None;
    if let Some(voice) = raw.strip_prefix("<v") {
        match voice.find('>') {
            Some(close) => {
                let name = voice[..close].trim_start_matches(|c: char| c != ' ' && c != '\t');
                label = Some(decode_entities(name.trim()));
                raw = voice[close + 1..].to_string();
            }
            // The speaker's name cannot be told from the words: the cue would go to no one,
            // or into the turn before it.
            None => problems.push((
                block[timing + 1].0,
                format!(
                    "the voice tag `{}` is never closed with `>`: its speaker cannot be told from the words (write <v Name>words)",
                    crate::text::excerpt(&raw.chars().take(80).collect::<String>(), 40)
                ),
                Severity::Error,
            )),
        }
    }
    let mut words = decode_entities(&strip_tags(&raw));
    if label.is_none() {
        if let Some(found) = label_line(&words) {
            // A cue is too short to tell `Male voice:` from prose by its neighbours: unknown
            // labels with lower-case words stay text.
            let name_like = looks_like_speaker(found.label) && !has_lower_case_words(found.label);
            if is_known(found.label) || name_like {
                label = Some(found.label.to_string());
                words = words[found.words_at..].to_string();
            }
        }
    }
    Some(SpokenTurn {
        label: label.filter(|l| !l.is_empty()),
        time,
        line,
        words: words.split_whitespace().collect::<Vec<_>>().join(" "),
    })
}

/// Why a cue time (`00:01:02.500`, `01:02.500`, SubRip's `00:01:02,500`) cannot be read as
/// one, if it cannot: minutes and seconds run from 00 to 59; hours may be any number.
fn cue_time_problem(t: &str) -> Option<String> {
    let (main, fraction) = match t.split_once(['.', ',']) {
        Some((m, f)) => (m, Some(f)),
        None => (t, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = main.split(':').collect();
    if !(2..=3).contains(&parts.len()) || !parts.iter().all(|p| digits(p)) || !fraction.is_none_or(digits) {
        return Some(format!(
            "`{}` is not a cue time (such as 00:01:02.500): the cue's time is not known",
            crate::text::excerpt(&t.chars().take(40).collect::<String>(), 30)
        ));
    }
    let n = parts.len();
    [("minutes", parts[n - 2]), ("seconds", parts[n - 1])]
        .into_iter()
        .find(|(_, p)| p.len() > 2 || p.parse::<u8>().is_ok_and(|v| v > 59))
        .map(|(what, _)| {
            format!("cue time `{t}`: its {what} run from 00 to 59 (hours come first: 01:39:00.000)")
        })
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Writes turns out as the document's text, one `Label: words` paragraph per turn, and
/// returns the text with each turn's position in it.
pub fn write_out(turns: Vec<SpokenTurn>) -> (String, Vec<RawTurn>) {
    let mut text = String::new();
    let mut raw = Vec::with_capacity(turns.len());
    for t in turns {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        if let Some(label) = &t.label {
            text.push_str(label);
            text.push_str(": ");
        }
        let start = text.len();
        text.push_str(&t.words);
        raw.push(RawTurn {
            label: t.label,
            time: t.time,
            line: t.line,
            words: start..text.len(),
        });
    }
    if !text.is_empty() {
        text.push('\n');
    }
    (text, raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(l: &str) -> bool {
        l == "Interviewer" || l == "Service user 7"
    }

    #[test]
    fn vtt_voices_merge_consecutive_cues() {
        let vtt = "WEBVTT\n\nNOTE a comment\n\n1\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>Hello &amp; welcome.</v>\n\n00:00:03.500 --> 00:00:06.000\n<v.loud Gareth Lowe>Thanks.</v>\n\n00:00:06.000 --> 00:00:09.000\n<v Gareth Lowe>It's <i>great</i>\nto be here.</v>\n";
        let (turns, problems) = parse(vtt, &known);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].words, "Hello & welcome.");
        assert_eq!(turns[1].label.as_deref(), Some("Gareth Lowe"));
        assert_eq!(turns[1].words, "Thanks. It's great to be here.");
        assert_eq!(turns[1].time.as_deref(), Some("00:00:03.500"));
        assert_eq!(turns[1].line, 9);
        let (text, raw) = write_out(turns);
        assert_eq!(
            text,
            "Interviewer: Hello & welcome.\n\nGareth Lowe: Thanks. It's great to be here.\n"
        );
        assert_eq!(&text[raw[1].words.clone()], "Thanks. It's great to be here.");
    }

    #[test]
    fn note_block_is_front_matter() {
        let vtt = "WEBVTT\n\nNOTE\nparticipant: SU08\nspeakers: Speaker 1 = Interviewer\n\n00:00:01.000 --> 00:00:02.000\nNOTE: not front matter\n";
        assert_eq!(
            front_matter(vtt),
            [
                ("participant".into(), "SU08".into(), 4),
                ("speakers".into(), "Speaker 1 = Interviewer".into(), 5)
            ]
        );
    }

    #[test]
    fn prefixed_speakers_and_srt() {
        let srt = "1\n00:00:01,000 --> 00:00:04,200\nInterviewer: Hello, thanks.\n\n2\n00:00:04,400 --> 00:00:08,000\nService user 7: That's fine.\n\n3\n00:00:08,000 --> 00:00:09,000\nService user 7: Really.\n\n4\n00:00:09,000 --> 00:00:10,000\nNo label here.\n";
        let (turns, _) = parse(srt, &known);
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[1].label.as_deref(), Some("Service user 7"));
        assert_eq!(turns[1].words, "That's fine. Really. No label here.");
        assert_eq!(turns[0].time.as_deref(), Some("00:00:01,000"));
    }

    #[test]
    fn malformed_cues_are_left_out_and_reported() {
        let (turns, problems) = parse("WEBVTT\n\nno timing line\n\n", &known);
        assert!(turns.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 3);
        assert!(problems[0].1.contains("\"no timing line\""), "{problems:?}");
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:02,000 -> 00:00:03,000\nLost words.\n";
        let (turns, problems) = parse(srt, &known);
        assert_eq!(turns.len(), 1);
        assert_eq!(problems[0].0, 5);
        assert!(parse("", &known).0.is_empty());
        let (turns, _) = parse(
            "1\n00:00:01,000 --> 00:00:02,000\nGood morning everyone: hi.\n",
            &known,
        );
        assert_eq!(turns[0].label, None);
        assert_eq!(strip_tags("a <b unclosed"), "a <b unclosed");
    }

    #[test]
    fn cue_times_out_of_range_are_reported_on_their_line() {
        let vtt = "WEBVTT\n\n00:99:01.000 --> 00:00:02.000\nHi.\n\n99:00.000 --> 99:01.000 align:start\nMore.\n\n01:00:00.000 --> 123:59:59.999\nFine.\n";
        let (turns, problems) = parse(vtt, &known);
        assert_eq!(turns.len(), 1, "the words are kept");
        let lines: Vec<(usize, Severity)> = problems.iter().map(|p| (p.0, p.2)).collect();
        assert_eq!(
            lines,
            [
                (3, Severity::Warning),
                (6, Severity::Warning),
                (6, Severity::Warning)
            ]
        );
        assert!(
            problems[0]
                .1
                .contains("`00:99:01.000`: its minutes run from 00 to 59"),
            "{problems:?}"
        );
        assert!(problems[1].1.contains("`99:00.000`"), "{problems:?}");
        assert!(cue_time_problem("00:00:60,000").is_some());
        assert!(cue_time_problem("0:00:01,5").is_none());
        assert!(cue_time_problem("00:0x:01.000").is_some());
        assert!(cue_time_problem(&"9".repeat(50)).is_some());
    }

    #[test]
    fn an_unclosed_voice_tag_is_an_error_on_its_line() {
        let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Service user 1 Trust takes time.\n";
        let (_, problems) = parse(vtt, &known);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].0, problems[0].2), (4, Severity::Error));
        assert!(
            problems[0]
                .1
                .contains("`<v Service user 1 Trust takes time.` is never closed"),
            "{problems:?}"
        );
    }
}
