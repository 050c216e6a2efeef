//! The corpus: transcripts read into documents made of speaker turns and sentences.
//!
//! Positions are counted in Unicode scalar values of a document's text. Turns also keep
//! byte ranges, which is what string slicing needs.

pub mod decode;
pub mod docx;
mod speakers;
pub mod subtitles;
pub mod survey;
pub mod text;
pub mod turns;

use crate::diagnostics::{did_you_mean, Diagnostics, Severity};
use crate::participants::{ParticipantIdx, Participants};
use crate::text::label_key;
use compact_str::CompactString;
use decode::Encoding;
use smallvec::SmallVec;
pub use speakers::Speakers;
use speakers::{resolve_turns, speaker_map, DocLabels};
use std::ops::Range;
use std::path::Path;
use turns::RawTurn;
use unicode_segmentation::UnicodeSegmentation;

/// The transcript formats `thematic` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Text,
    Markdown,
    WebVtt,
    SubRip,
    Docx,
    /// An answer in a survey file (`[surveys]`): the cell's text, one turn.
    Survey,
}

impl Format {
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "vtt" => Some(Format::WebVtt),
            "srt" => Some(Format::SubRip),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Markdown => "md",
            Format::WebVtt => "vtt",
            Format::SubRip => "srt",
            Format::Docx => "docx",
            Format::Survey => "survey",
        }
    }
}

/// A range of positions in a document's text, in bytes or in characters, kept in 32 bits each
/// end: a text is under 4 GiB (a bigger file is refused when read), and a million answers'
/// turns and coded passages take half the room `Range<usize>` would. It reads and writes as
/// a range does (`{"start": 3, "end": 9}`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    start: u32,
    end: u32,
}

/// The longest text a document may have: positions are kept in 32 bits (see [`Span`]).
pub const MAX_TEXT: usize = u32::MAX as usize;

impl Span {
    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The range, to slice a text with.
    pub fn range(self) -> Range<usize> {
        self.start()..self.end()
    }

    pub fn len(self) -> usize {
        self.end().saturating_sub(self.start())
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }
}

impl From<Range<usize>> for Span {
    /// Positions past [`MAX_TEXT`] (which no text read has) are kept as `MAX_TEXT`.
    fn from(r: Range<usize>) -> Span {
        Span {
            start: to_u32(r.start),
            end: to_u32(r.end),
        }
    }
}

/// Who speaks a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Speaker {
    /// A participant (their [`ParticipantIdx`], kept in 32 bits: see [`Speaker::participant`]).
    Participant(u32),
    Interviewer,
    /// A voice nobody could name (`[corpus] unidentified`, such as `Unknown speaker`): the
    /// turn counts for no one, and that is not a problem.
    Unidentified,
    /// A label that maps to no one (reported by `check`).
    Unknown,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Turn {
    /// The label as written (`R`, `Partner 7i`, `Dana Whitlock`); empty for an unlabelled
    /// document.
    pub label: Box<str>,
    pub speaker: Speaker,
    pub time: Option<Box<str>>,
    /// 1-based line in the file (for `.vtt`/`.srt`, the cue's timing line).
    pub line: u32,
    /// The turn's words, as bytes and as characters of the document's text.
    pub bytes: Span,
    pub chars: Span,
}

/// A line number, index or count kept in 32 bits (a text under 4 GiB has fewer lines; a
/// project has fewer documents and sheets). Past `u32::MAX`, which none reaches, it stays there.
pub fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Speaker {
    /// Participant `p` speaking. (There are fewer than 2^32 participants: a people file or
    /// survey that big could not be read.)
    pub fn participant(p: ParticipantIdx) -> Speaker {
        Speaker::Participant(to_u32(p))
    }
}

impl Turn {
    pub fn participant(&self) -> Option<ParticipantIdx> {
        match self.speaker {
            Speaker::Participant(p) => Some(p as ParticipantIdx),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// The path under `transcripts/` without the extension, `/`-separated. (Short strings are
    /// kept inline: a survey answer's id and path take no allocation of their own.)
    pub id: CompactString,
    /// The path relative to the project folder, for messages.
    pub path: CompactString,
    pub format: Format,
    pub encoding: Encoding,
    /// The text positions count in: the file's text for `.txt`/`.md`, the transcript written
    /// out for `.vtt`, `.srt` and `.docx`. The cache keeps it apart (see [`text`]).
    #[serde(skip)]
    pub text: text::Text,
    /// Length of `text` in characters.
    pub chars: u32,
    /// Front matter, keys lower-cased, then the header lines' `Key: value` pairs whose key the
    /// front matter does not set.
    pub meta: Box<[(String, String)]>,
    /// How many of `meta`'s pairs come from the front matter: those are document attributes.
    pub front_matter: u32,
    /// The document's participant in a one-to-one interview.
    pub participant: Option<ParticipantIdx>,
    /// Read as plain text (`turns = false` in its front matter or `documents.csv`): `Label:`
    /// lines stay text, and no speaker labels is what was meant.
    pub plain: bool,
    /// A survey answer's one turn is kept in place.
    pub turns: SmallVec<[Turn; 1]>,
}

impl Document {
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The participants who speak in this document, in order of first turn.
    pub fn participants(&self) -> Vec<ParticipantIdx> {
        let mut seen = Vec::new();
        for p in self.turns.iter().filter_map(Turn::participant) {
            if !seen.contains(&p) {
                seen.push(p);
            }
        }
        if seen.is_empty() {
            seen.extend(self.participant);
        }
        seen
    }

    /// Indices of the turns that overlap a byte range.
    pub fn turns_overlapping(&self, bytes: &Range<usize>) -> Range<usize> {
        let first = self.turns.partition_point(|t| t.bytes.end() <= bytes.start);
        let last = self.turns.partition_point(|t| t.bytes.start() < bytes.end);
        first..last.max(first)
    }

    /// The sentences of a turn (unicode-segmentation's sentence boundaries), as character
    /// ranges of the document's text. Computed on demand: only some analyses need them.
    pub fn sentences(&self, turn: usize) -> Vec<Range<usize>> {
        let t = &self.turns[turn];
        sentences(&self.text[t.bytes.range()], t.chars.start())
    }

    /// The character offset of a byte offset (which must lie on a character boundary).
    pub fn char_at(&self, byte: usize) -> usize {
        self.char_at_in(&self.text, byte)
    }

    /// [`Document::char_at`] in the document's text read already.
    pub fn char_at_in(&self, text: &str, byte: usize) -> usize {
        // Start from the nearest turn before `byte`, whose offsets are known.
        let i = self.turns.partition_point(|t| t.bytes.start() <= byte);
        match i.checked_sub(1).map(|i| &self.turns[i]) {
            Some(t) => t.chars.start() + count_chars(&text[t.bytes.start()..byte]),
            None => count_chars(&text[..byte]),
        }
    }
}

/// The place of document `id` among documents sorted by id (as a load leaves them): a binary
/// search, where a map of a million ids would take 50 MB.
pub fn position(documents: &[Document], id: &str) -> Option<usize> {
    documents.binary_search_by(|d| d.id.as_str().cmp(id)).ok()
}

fn count_chars(s: &str) -> usize {
    s.chars().count()
}

/// Front matter as read: pairs with keys lower-cased, and the line of each.
struct FrontMatter {
    pairs: Vec<(String, String)>,
    lines: Vec<usize>,
}

impl FrontMatter {
    fn of_text(text: &str) -> (FrontMatter, usize) {
        let (pairs, body) = turns::front_matter(text);
        let mut lines = Vec::with_capacity(pairs.len());
        let mut from = 0;
        for (key, _) in &pairs {
            let found = text[..body]
                .split('\n')
                .enumerate()
                .skip(from)
                .find(|(_, l)| l.trim_start().to_lowercase().starts_with(&format!("{key}:")))
                .map_or(from, |(i, _)| i);
            lines.push(found + 1);
            from = found + 1;
        }
        (FrontMatter { pairs, lines }, body)
    }

    fn line(&self, key: &str) -> Option<usize> {
        self.pairs
            .iter()
            .position(|(k, _)| k == key)
            .map(|i| self.lines[i])
    }
}

/// The value of a `turns` setting: `true` (split the text into speaker turns, the default) or
/// `false` (plain text); `None` for anything else.
pub fn turns_setting(value: &str) -> Option<bool> {
    match value.trim() {
        v if v.eq_ignore_ascii_case("true") => Some(true),
        v if v.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// Reads one transcript file. Returns `None` (with the reason in `diags`) when the file
/// cannot be a document. `turns` is `documents.csv`'s setting for it, which the front matter's
/// `turns:` gives otherwise (the two disagreeing is reported with the document attributes).
pub fn read_document(
    id: String,
    path: String,
    format: Format,
    bytes: Vec<u8>,
    speakers: &Speakers,
    turns: Option<bool>,
    diags: &mut Diagnostics,
) -> Option<Document> {
    let (text, encoding) = match format {
        Format::Docx => match docx::paragraphs(&bytes) {
            Ok(p) => (decode::normalize_line_ends(p.join("\n\n")) + "\n", Encoding::Utf8),
            Err(e) => {
                diags.error(&path, None, e);
                return None;
            }
        },
        _ => match decode::decode(bytes) {
            Ok(t) => t,
            Err(e) => {
                diags.error(&path, None, format!("undecodable transcript: {e}"));
                return None;
            }
        },
    };
    match encoding {
        Encoding::Windows1252 => diags.warning(
            &path,
            None,
            "not UTF-8: read as Windows-1252 (save it as UTF-8 to be sure)",
        ),
        Encoding::Utf16LeNoBom | Encoding::Utf16BeNoBom => diags.warning(
            &path,
            None,
            format!(
                "UTF-16{} without a byte-order mark: read as UTF-16 from its NUL bytes (save it as UTF-8 to be sure)",
                if encoding == Encoding::Utf16LeNoBom { "LE" } else { "BE" }
            ),
        ),
        _ => {}
    }
    if text.len() > MAX_TEXT {
        diags.error(
            &path,
            None,
            format!(
                "the transcript is {} MB: over 4 GiB of text is more than one document can hold; split it",
                text.len() / 1_000_000
            ),
        );
        return None;
    }
    let subtitles = matches!(format, Format::WebVtt | Format::SubRip);
    let (front, body) = if subtitles {
        let found = match format {
            Format::WebVtt => subtitles::front_matter(&text),
            _ => Vec::new(),
        };
        let lines = found.iter().map(|(_, _, l)| *l).collect();
        let pairs = found.into_iter().map(|(k, v, _)| (k, v)).collect();
        (FrontMatter { pairs, lines }, 0)
    } else {
        let (front, body) = FrontMatter::of_text(&text);
        if body == 0 && text.starts_with("---\n") {
            diags.error(
                &path,
                Some(1),
                "front matter opened with `---` here is never closed by a `---` line, so its lines are read as speech (close it, or remove this line)",
            );
        }
        (front, body)
    };
    let front_turns = front.pairs.iter().find(|(k, _)| k == "turns").and_then(|(_, v)| {
        let setting = turns_setting(v);
        if setting.is_none() {
            diags.error(
                &path,
                front.line("turns"),
                format!("front matter `turns: {v}`: write true or false (false reads the document as plain text, `Label:` lines and all)"),
            );
        }
        setting
    });
    let plain = !subtitles && turns.or(front_turns) == Some(false);
    let map = speaker_map(&front, &path, speakers, diags);
    let known = |l: &str| map.iter().any(|(k, _)| *k == label_key(l)) || speakers.is_known(l);
    let (text, split) = if subtitles {
        let (spoken, problems) = subtitles::parse(&text, &known);
        for (line, problem, severity) in problems {
            match severity {
                Severity::Error => diags.error(&path, Some(line), problem),
                Severity::Warning => diags.warning(&path, Some(line), problem),
            }
        }
        let (text, turns) = subtitles::write_out(spoken);
        let split = turns::Split {
            turns,
            headers: Vec::new(),
        };
        (text, split)
    } else if plain {
        let words = turns::trim_range(&text, body..text.len());
        let turns = if words.is_empty() {
            Vec::new()
        } else {
            vec![RawTurn {
                label: None,
                time: None,
                line: crate::config::line_of(&text, words.start),
                words,
            }]
        };
        let split = turns::Split {
            turns,
            headers: Vec::new(),
        };
        (text, split)
    } else {
        let split = turns::split(&text, body, &known, &|l| speakers.is_header(l));
        (text, split)
    };
    if split.turns.is_empty() {
        diags.error(&path, None, "empty transcript: no text to code");
        return None;
    }
    let mut meta = front.pairs.clone();
    let front_matter = meta.len();
    for (key, value, _) in &split.headers {
        let key = label_key(key);
        if !meta.iter().any(|(k, _)| *k == key) {
            meta.push((key, value.clone()));
        }
    }
    let mut doc = Document {
        chars: 0,
        participant: None,
        plain,
        turns: SmallVec::with_capacity(split.turns.len()),
        id: id.into(),
        path: path.into(),
        format,
        encoding,
        text: text.into(),
        meta: meta.into_boxed_slice(),
        front_matter: to_u32(front_matter),
    };
    doc.participant = document_participant(&doc, front.line("participant"), speakers.participants, diags);
    let labels = DocLabels { speakers, map: &map };
    resolve_turns(&mut doc, split.turns, &labels, diags);
    doc.chars = to_u32(match doc.turns.last() {
        Some(t) => t.chars.end() + count_chars(&doc.text[t.bytes.end()..]),
        None => count_chars(&doc.text),
    });
    Some(doc)
}

/// Front matter `participant:`, else the file stem when it is a participant id.
fn document_participant(
    doc: &Document,
    line: Option<usize>,
    participants: &Participants,
    diags: &mut Diagnostics,
) -> Option<ParticipantIdx> {
    if let Some(id) = doc.meta("participant") {
        let found = participants.by_id(id);
        if found.is_none() {
            let ids = participants.list.iter().map(|p| p.id.as_str());
            diags.error(
                &doc.path,
                line.or(Some(2)),
                format!(
                    "front matter names participant `{id}`, who is not in participants.csv{}",
                    did_you_mean(id, ids)
                ),
            );
        }
        return found;
    }
    let stem = doc.id.rsplit('/').next().unwrap_or(&doc.id);
    participants.by_id(stem)
}

/// Documents read as one unlabelled turn in a project whose other documents have speaker
/// labels: likely a layout the reader missed (an export from a tool, other labels), whose
/// every word would be credited to the document's participant. Warned, with what to do.
pub fn warn_unlabelled(documents: &[Document], participants: &Participants, diags: &mut Diagnostics) {
    if !documents
        .iter()
        .any(|d| d.turns.iter().any(|t| !t.label.is_empty()))
    {
        return;
    }
    for doc in documents {
        let [turn] = doc.turns.as_slice() else {
            continue;
        };
        let Some(p) = turn.participant() else {
            continue;
        };
        if !turn.label.is_empty() || doc.plain {
            continue;
        }
        let paragraphs = doc.text[turn.bytes.range()]
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .count();
        if paragraphs < 2 {
            continue;
        }
        diags.warning(
            &doc.path,
            Some(turn.line as usize),
            format!(
                "no speaker labels found: the whole text ({paragraphs} paragraphs) counts as {}'s words; if it is a Teams/Otter export or uses other labels, give each turn a label (`Name:` at the start of a line, or `Name  0:03` on a line above the words); if it is one person's text, add front matter `turns: false`",
                participants.get(p).id
            ),
        );
    }
}

/// Sentence ranges (in characters of the document) of a turn's words.
fn sentences(words: &str, char_base: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut chars = char_base;
    for sentence in words.split_sentence_bounds() {
        let len = count_chars(sentence);
        let trimmed = sentence.trim_end();
        if !trimmed.is_empty() {
            let lead = count_chars(&sentence[..sentence.len() - sentence.trim_start().len()]);
            let trimmed_len = count_chars(trimmed.trim_start());
            out.push(chars + lead..chars + lead + trimmed_len);
        }
        chars += len;
    }
    out
}

/// Lists the transcript files under `dir`: (document id, relative path, format), sorted by
/// id. Files of other kinds are reported as warnings; duplicate ids as errors.
pub fn list_transcripts(root: &Path, dir: &str, diags: &mut Diagnostics) -> Vec<(String, String, Format)> {
    let base = root.join(dir);
    let mut found = Vec::new();
    if crate::fsutil::reported_outside(root, dir, diags) {
        return found;
    }
    if !base.is_dir() {
        diags.error(dir, None, "transcripts folder not found");
        return found;
    }
    let listing = crate::fsutil::list_files(root, &base);
    for (path, problem) in &listing.left_out {
        diags.warning(&rel(root, path), None, problem.clone());
    }
    for path in listing.files {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(format) = Format::from_extension(&ext) else {
            diags.warning(
                &rel(root, &path),
                None,
                "not a transcript format (.txt, .md, .vtt, .srt, .docx): ignored",
            );
            continue;
        };
        let under = rel(&base, &path);
        let id = under
            .strip_suffix(&format!(".{ext}"))
            .unwrap_or(&under)
            .to_string();
        found.push((id, rel(root, &path), format));
    }
    found.sort();
    let mut unique: Vec<(String, String, Format)> = Vec::with_capacity(found.len());
    for f in found {
        match unique.last() {
            Some(prev) if prev.0 == f.0 => diags.error(
                &f.1,
                None,
                format!("document id `{}` is also {}: rename one of them", f.0, prev.1),
            ),
            _ => unique.push(f),
        }
    }
    unique
}

/// `path` relative to `base`, with `/` separators.
pub fn rel(base: &Path, path: &Path) -> String {
    let r = path.strip_prefix(base).unwrap_or(path);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn people() -> Participants {
        let mut d = Diagnostics::default();
        Participants::parse(
            "id,group,label,aliases\nLRs04,staff,LRs 4,\nP7,partner,Partner 7i,Gareth Lowe\nP8,partner,Partner 8,\n",
            "participants.csv",
            &[],
            &mut d,
        )
    }

    fn read(id: &str, format: Format, bytes: &[u8]) -> (Option<Document>, Vec<String>) {
        let p = people();
        let config = Config::default();
        let speakers = Speakers::new(&p, &config.corpus);
        let mut d = Diagnostics::default();
        let doc = read_document(
            id.into(),
            format!("transcripts/{id}"),
            format,
            bytes.to_vec(),
            &speakers,
            None,
            &mut d,
        );
        (doc, d.sorted().iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn one_to_one_interview_with_generic_label() {
        let (doc, problems) = read(
            "LRs04",
            Format::Text,
            "Interviewer: Why?\nR: Because it works. It really does.\n".as_bytes(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let doc = doc.unwrap();
        assert_eq!(doc.participant, Some(0));
        assert_eq!(doc.turns[0].speaker, Speaker::Interviewer);
        assert_eq!(doc.turns[1].speaker, Speaker::Participant(0));
        assert_eq!(doc.turns[1].chars.range(), 21..54);
        let sentences: Vec<String> = doc
            .sentences(1)
            .iter()
            .map(|r| doc.text.chars().skip(r.start).take(r.len()).collect())
            .collect();
        assert_eq!(sentences, ["Because it works.", "It really does."]);
        assert_eq!(doc.chars as usize, doc.text.chars().count());
    }

    #[test]
    fn char_positions_count_scalar_values() {
        let (doc, _) = read(
            "LRs04",
            Format::Text,
            "Interviewer: Café? 😀\nR: Oui — très.\n".as_bytes(),
        );
        let doc = doc.unwrap();
        let t = &doc.turns[1];
        let chars: String = doc
            .text
            .chars()
            .skip(t.chars.start())
            .take(t.chars.len())
            .collect();
        assert_eq!(chars, &doc.text[t.bytes.range()]);
        assert_eq!(doc.char_at(t.bytes.start()), t.chars.start());
        assert_eq!(doc.char_at(doc.text.len()), doc.chars as usize);
    }

    #[test]
    fn focus_group_maps_aliases_and_reports_unknown_speakers() {
        let text = "---\ntype: focus group\n---\nFacilitator: Hello all.\nGareth Lowe: Hi.\nPartner 8: Hello.\nMystery Guest: Who am I?\nMystery Guest: Again.\n";
        let (doc, problems) = read("fg", Format::Markdown, text.as_bytes());
        let doc = doc.unwrap();
        assert_eq!(doc.participant, None);
        assert_eq!(doc.participants(), [1, 2]);
        assert_eq!(
            problems,
            ["error: transcripts/fg:7: speaker `Mystery Guest` maps to no participant (add it to participants.csv as an id, label or alias, or to [corpus] interviewer in thematic.toml)"]
        );
    }

    #[test]
    fn generic_label_without_participant_is_an_error() {
        let (_, problems) = read("unknown-file", Format::Text, b"Interviewer: Hi\nR: Hello\n");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("generic label"), "{problems:?}");
    }

    #[test]
    fn front_matter_participant_must_exist() {
        let (doc, problems) = read("x", Format::Markdown, b"---\nparticipant: P77\n---\nR: hi\n");
        assert!(doc.is_some());
        assert!(
            problems.iter().any(|p| p.contains("participant `P77`")),
            "{problems:?}"
        );
    }

    #[test]
    fn front_matter_never_closed_is_an_error_on_its_first_line() {
        let (doc, problems) = read("LRs04", Format::Markdown, b"---\nparticipant: LRs04\n\nR: hi\n");
        assert!(doc.is_some(), "read as speech");
        assert!(
            problems[0].starts_with(
                "error: transcripts/LRs04:1: front matter opened with `---` here is never closed"
            ),
            "{problems:?}"
        );
        let (_, problems) = read("LRs04", Format::Markdown, b"---\n---\nR: hi\n");
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn empty_and_undecodable_transcripts() {
        let (doc, problems) = read("LRs04", Format::Text, b"\n  \n");
        assert!(doc.is_none());
        assert_eq!(
            problems,
            ["error: transcripts/LRs04: empty transcript: no text to code"]
        );
        let (doc, problems) = read("LRs04", Format::Text, b"\x00\x01\x02\xff");
        assert!(doc.is_none());
        assert!(problems[0].contains("undecodable"));
    }

    #[test]
    fn unlabelled_document_is_one_turn_by_its_participant() {
        let (doc, problems) = read("P8", Format::Text, b"Field notes from the visit.\nAll good.\n");
        assert!(problems.is_empty());
        let doc = doc.unwrap();
        assert_eq!(doc.turns.len(), 1);
        assert_eq!(doc.turns[0].speaker, Speaker::Participant(2));
    }

    #[test]
    fn vtt_text_is_written_out() {
        let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>Hi.</v>\n\n00:00:02.000 --> 00:00:03.000\n<v Gareth Lowe>Hello.</v>\n";
        let (doc, problems) = read("P7", Format::WebVtt, vtt.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        let doc = doc.unwrap();
        assert_eq!(doc.text, "Interviewer: Hi.\n\nGareth Lowe: Hello.\n");
        assert_eq!(doc.turns[1].speaker, Speaker::Participant(1));
        assert_eq!(doc.turns[1].time.as_deref(), Some("00:00:02.000"));
    }
}
