//! Choosing the quotes that back each subtheme, and cutting long ones.
//!
//! The rule, in order:
//! 1. Candidates are the coded passages of the analysis coders with a code of the subtheme,
//!    each clipped to the one participant turn it overlaps most (a quote is attributed to one
//!    person; the interviewer's words are never quoted). The same passage coded twice is one
//!    candidate. Participants and rows marked `quotable = no` are never candidates, nor is any
//!    passage overlapping such a row.
//! 2. Exemplars (`exemplar = yes` in a sheet) come first, in document order.
//! 3. Then, one at a time, the candidate that best spreads the evidence: from the group with
//!    the fewest quotes so far in this subtheme (ties: report order of groups); from a
//!    participant not yet quoted in this subtheme; of at least eight words; from the
//!    participant with the fewest quotes so far in the whole report; earliest in document
//!    order.
//! 4. A passage over the length limit is cut after its last whole sentence that fits (or,
//!    when even the first sentence is too long, at the last word that fits) and ends in " …".

use crate::codebook::CodeIdx;
use crate::corpus::Speaker;
use crate::participants::ParticipantIdx;
use crate::project::Project;
use std::collections::HashMap;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// A quote chosen for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub document: usize,
    /// The passage's bytes in the document's text (before any cut).
    pub bytes: Range<usize>,
    /// Who said it; `None` for a document nobody speaks in (field notes, minutes), whose
    /// quotes are attributed to the document.
    pub participant: Option<ParticipantIdx>,
    pub exemplar: bool,
    /// The words quoted: verbatim, white space runs made single spaces, cut if too long.
    pub text: String,
    pub cut: bool,
}

#[derive(Debug, Clone)]
struct Candidate {
    document: usize,
    bytes: Range<usize>,
    participant: Option<ParticipantIdx>,
    group: usize,
    exemplar: bool,
    words: usize,
}

/// Candidates for a node: passages with any code for which `in_node` is true.
fn candidates(project: &Project, in_node: &dyn Fn(CodeIdx) -> bool) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let groups = &project.participants.groups;
    // Passages a row marks `quotable = no` are never quoted, whoever else coded them.
    let withheld: Vec<(usize, Range<usize>)> = project
        .segments
        .iter()
        .filter(|s| !s.quotable)
        .map(|s| (s.document, s.bytes.clone()))
        .collect();
    for seg in project.findings() {
        if !seg.codes.iter().any(|&c| in_node(c)) {
            continue;
        }
        let doc = &project.documents[seg.document];
        // A document nobody speaks in (field notes, minutes) is quoted as the document.
        let no_one = doc.participants().is_empty();
        let best = doc.turns[seg.turns.clone()]
            .iter()
            .filter_map(|t| {
                let p = match t.speaker {
                    Speaker::Participant(p) if project.participants.get(p).quotable => Some(p),
                    Speaker::Unknown if no_one => None,
                    _ => return None,
                };
                let start = seg.bytes.start.max(t.bytes.start);
                let end = seg.bytes.end.min(t.bytes.end);
                (start < end).then_some((end - start, start..end, p))
            })
            .max_by_key(|(len, r, _)| (*len, std::cmp::Reverse(r.start)));
        let Some((_, bytes, participant)) = best else {
            continue;
        };
        let trimmed = crate::corpus::turns::trim_range(&doc.text, bytes);
        if trimmed.is_empty() {
            continue;
        }
        let overlaps = |(d, r): &(usize, Range<usize>)| {
            *d == seg.document && r.start < trimmed.end && trimmed.start < r.end
        };
        if withheld.iter().any(overlaps) {
            continue;
        }
        if let Some(c) = out
            .iter_mut()
            .find(|c| c.document == seg.document && c.bytes == trimmed)
        {
            c.exemplar |= seg.exemplar;
            continue;
        }
        // Documents come after every group when evidence is spread.
        let group = match participant {
            Some(p) => {
                let group_id = &project.participants.get(p).group;
                groups
                    .iter()
                    .position(|g| g == group_id)
                    .unwrap_or(usize::MAX - 1)
            }
            None => usize::MAX,
        };
        out.push(Candidate {
            document: seg.document,
            words: doc.text[trimmed.clone()].split_whitespace().count(),
            bytes: trimmed,
            participant,
            group,
            exemplar: seg.exemplar,
        });
    }
    out.sort_by_key(|c| {
        (
            project.documents[c.document].id.clone(),
            c.bytes.start,
            c.bytes.end,
        )
    });
    out
}

/// Chooses up to `n` quotes for a node. `used` counts quotes per participant (or document,
/// `None`) over the whole
/// report and is updated.
pub fn choose(
    project: &Project,
    in_node: &dyn Fn(CodeIdx) -> bool,
    n: usize,
    max_chars: usize,
    used: &mut HashMap<Option<ParticipantIdx>, usize>,
) -> Vec<Quote> {
    let mut pool = candidates(project, in_node);
    let mut chosen: Vec<Candidate> = Vec::new();
    while chosen.len() < n && !pool.is_empty() {
        let per_group = |g: usize| chosen.iter().filter(|c| c.group == g).count();
        let quoted_here = |p: Option<ParticipantIdx>| chosen.iter().any(|c| c.participant == p);
        let pick = pool
            .iter()
            .enumerate()
            .min_by_key(|(i, c)| {
                (
                    !c.exemplar,
                    per_group(c.group),
                    c.group,
                    quoted_here(c.participant),
                    c.words < 8,
                    used.get(&c.participant).copied().unwrap_or(0),
                    *i,
                )
            })
            .map(|(i, _)| i)
            .expect("the pool is not empty");
        let c = pool.remove(pick);
        *used.entry(c.participant).or_default() += 1;
        chosen.push(c);
    }
    chosen
        .into_iter()
        .map(|c| {
            let raw = &project.documents[c.document].text[c.bytes.clone()];
            let (text, cut) = cut(raw, max_chars);
            Quote {
                document: c.document,
                bytes: c.bytes,
                participant: c.participant,
                exemplar: c.exemplar,
                text,
                cut,
            }
        })
        .collect()
}

/// The passage with white space runs as single spaces, cut at a sentence boundary (else a
/// word boundary) when longer than `max` characters.
pub fn cut(passage: &str, max: usize) -> (String, bool) {
    let flat = passage.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return (flat, false);
    }
    let mut kept = String::new();
    for sentence in flat.split_sentence_bounds() {
        if kept.chars().count() + sentence.trim_end().chars().count() > max {
            break;
        }
        kept.push_str(sentence);
    }
    let mut kept = kept.trim_end().to_string();
    if kept.is_empty() {
        let mut words = String::new();
        for w in flat.split(' ') {
            if words.chars().count() + w.chars().count() + 1 > max {
                break;
            }
            if !words.is_empty() {
                words.push(' ');
            }
            words.push_str(w);
        }
        kept = words;
    }
    (format!("{kept} …"), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passages_are_kept_whole() {
        assert_eq!(cut("We  share\nvalues.", 100), ("We share values.".into(), false));
    }

    #[test]
    fn long_passages_are_cut_at_sentences_then_words() {
        let p = "First sentence here. Second one is longer than that. Third.";
        assert_eq!(cut(p, 40), ("First sentence here. …".into(), true));
        assert_eq!(
            cut(p, 56),
            (
                "First sentence here. Second one is longer than that. …".into(),
                true
            )
        );
        assert_eq!(
            cut("One very long sentence without any stop", 20),
            ("One very long …".into(), true)
        );
    }
}
