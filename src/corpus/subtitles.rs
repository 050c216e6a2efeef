//! WebVTT (`.vtt`, as Teams and Zoom write it) and SubRip (`.srt`) transcripts.
//!
//! Speakers come from `<v Name>` voice tags or a `Name:` prefix; consecutive cues of one
//! speaker make one turn, timed by its first cue. The document's text is the transcript
//! written out as `Label: words` paragraphs, without cue times.

use super::turns::{label_line, looks_like_speaker, RawTurn};

/// A turn with its words, before it is written out as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpokenTurn {
    pub label: Option<String>,
    pub time: Option<String>,
    pub line: usize,
    pub words: String,
}

/// Reads the cues of a `.vtt` or `.srt` file and merges them into turns.
pub fn parse(text: &str, is_known: &dyn Fn(&str) -> bool) -> Vec<SpokenTurn> {
    let mut turns: Vec<SpokenTurn> = Vec::new();
    let mut line_no = 0;
    let mut block: Vec<(usize, &str)> = Vec::new();
    let flush = |block: &mut Vec<(usize, &str)>, turns: &mut Vec<SpokenTurn>| {
        if let Some(cue) = cue(block, is_known) {
            match turns.last_mut() {
                Some(last) if cue.label == last.label || cue.label.is_none() => {
                    if !cue.words.is_empty() {
                        if !last.words.is_empty() {
                            last.words.push(' ');
                        }
                        last.words.push_str(&cue.words);
                    }
                }
                _ => turns.push(cue),
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
    turns
}

/// One block: optional identifier, a timing line with `-->`, then the cue's text.
fn cue(block: &[(usize, &str)], is_known: &dyn Fn(&str) -> bool) -> Option<SpokenTurn> {
    let timing = block.iter().position(|(_, l)| l.contains("-->"))?;
    let (line, timing_line) = block[timing];
    let time = timing_line.split("-->").next().map(|t| t.trim().to_string());
    let payload: Vec<&str> = block[timing + 1..].iter().map(|(_, l)| l.trim()).collect();
    let mut raw = payload.join(" ");
    let mut label = None;
    if let Some(voice) = raw.strip_prefix("<v") {
        if let Some(close) = voice.find('>') {
            let name = voice[..close].trim_start_matches(|c: char| c != ' ' && c != '\t');
            label = Some(decode_entities(name.trim()));
            raw = voice[close + 1..].to_string();
        }
    }
    let mut words = decode_entities(&strip_tags(&raw));
    if label.is_none() {
        if let Some(found) = label_line(&words) {
            if is_known(found.label) || looks_like_speaker(found.label) {
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
        let turns = parse(vtt, &known);
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
    fn prefixed_speakers_and_srt() {
        let srt = "1\n00:00:01,000 --> 00:00:04,200\nInterviewer: Hello, thanks.\n\n2\n00:00:04,400 --> 00:00:08,000\nService user 7: That's fine.\n\n3\n00:00:08,000 --> 00:00:09,000\nService user 7: Really.\n\n4\n00:00:09,000 --> 00:00:10,000\nNo label here.\n";
        let turns = parse(srt, &known);
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[1].label.as_deref(), Some("Service user 7"));
        assert_eq!(turns[1].words, "That's fine. Really. No label here.");
        assert_eq!(turns[0].time.as_deref(), Some("00:00:01,000"));
    }

    #[test]
    fn malformed_cues_are_skipped() {
        assert!(parse("WEBVTT\n\nno timing line\n\n", &known).is_empty());
        assert!(parse("", &known).is_empty());
        assert_eq!(strip_tags("a <b unclosed"), "a <b unclosed");
    }
}
