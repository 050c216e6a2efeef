//! Choosing the quotes that back each subtheme, and cutting long ones.
//!
//! The rule, in order:
//! 1. Candidates are the coded passages of the analysis coders with a code of the subtheme,
//!    each clipped to the one participant turn it overlaps most (a quote is attributed to one
//!    person; the interviewer's words are never quoted). The same passage coded twice is one
//!    candidate. Participants and rows marked `quotable = no` are never candidates, nor is any
//!    passage overlapping such a row.
//! 2. Exemplars (`exemplar = yes` in a sheet) come first, in document order.
//! 3. No passage is quoted twice in a report, nor one overlapping a passage already quoted.
//! 4. Then, one at a time, the candidate that best spreads the evidence: from a participant
//!    under `max_quote_share` of the report's quotes (others past it only when no one else is
//!    left); of at least eight words (group balance is a preference, not a reason to print a
//!    weak fragment); from the group with the fewest quotes so far in this subtheme (ties:
//!    report order of groups, documents nobody speaks in last); from a participant not yet
//!    quoted in this subtheme; from the participant with the fewest quotes so far in the whole
//!    report; earliest in document order.
//! 5. A passage that starts inside a sentence begins with "… ". A passage over the length limit is cut after its last whole sentence that fits (or,
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
    let mut withheld: HashMap<usize, Vec<Range<usize>>> = HashMap::new();
    for s in project.segments.iter().filter(|s| !s.quotable) {
        withheld
            .entry(s.document as usize)
            .or_default()
            .push(s.bytes.range());
    }
    // Where each passage is in `out`: one candidate however many rows code it.
    let mut seen: HashMap<(usize, usize, usize), usize> = HashMap::new();
    for seg in project.findings() {
        if !seg.codes.iter().any(|&c| in_node(c)) {
            continue;
        }
        let doc = &project.documents[seg.document as usize];
        // A document nobody speaks in (field notes, minutes) is quoted as the document.
        let no_one = doc.participants().is_empty();
        let best = doc.turns[seg.turns.range()]
            .iter()
            .filter_map(|t| {
                let p = match t.speaker {
                    Speaker::Participant(p) if project.participants.get(p as usize).quotable => {
                        Some(p as usize)
                    }
                    Speaker::Unknown if no_one => None,
                    _ => return None,
                };
                let start = seg.bytes.start().max(t.bytes.start());
                let end = seg.bytes.end().min(t.bytes.end());
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
        let overlaps = |r: &Range<usize>| r.start < trimmed.end && trimmed.start < r.end;
        if withheld
            .get(&(seg.document as usize))
            .is_some_and(|w| w.iter().any(overlaps))
        {
            continue;
        }
        let key = (seg.document as usize, trimmed.start, trimmed.end);
        if let Some(&c) = seen.get(&key) {
            out[c].exemplar |= seg.exemplar;
            continue;
        }
        seen.insert(key, out.len());
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
            document: seg.document as usize,
            words: doc.text[trimmed.clone()].split_whitespace().count(),
            bytes: trimmed,
            participant,
            group,
            exemplar: seg.exemplar,
        });
    }
    // Documents are sorted by id: their order is the ids'.
    out.sort_by_key(|c| (c.document, c.bytes.start, c.bytes.end));
    out
}

/// What the quotes of one report have used so far: quotes per participant (or document,
/// `None`), the passages quoted, and how many quotes one participant may supply while others
/// are available.
pub struct Ledger {
    used: HashMap<Option<ParticipantIdx>, usize>,
    quoted: Vec<(usize, Range<usize>)>,
    cap: usize,
}

impl Ledger {
    /// `cap`: the most quotes one participant supplies while others are available.
    pub fn new(cap: usize) -> Ledger {
        Ledger {
            used: HashMap::new(),
            quoted: Vec::new(),
            cap: cap.max(1),
        }
    }

    fn used(&self, p: Option<ParticipantIdx>) -> usize {
        self.used.get(&p).copied().unwrap_or(0)
    }
}

/// Chooses up to `n` quotes for a node, by the rule in this module's documentation; the
/// ledger keeps what the whole report has quoted.
pub fn choose(
    project: &Project,
    in_node: &dyn Fn(CodeIdx) -> bool,
    filters: &[crate::analysis::breakdown::Where],
    n: usize,
    max_chars: usize,
    ledger: &mut Ledger,
) -> Vec<Quote> {
    // No passage is quoted twice in a report, nor one that overlaps a quoted one.
    // `--where`: a quote's speaker (or, with none, its document) passes every condition.
    let mut pool: Vec<Candidate> = candidates(project, in_node)
        .into_iter()
        .filter(|c| {
            filters
                .iter()
                .all(|f| f.passes(project, c.participant, Some(c.document)))
        })
        .filter(|c| {
            !ledger
                .quoted
                .iter()
                .any(|(d, r)| *d == c.document && r.start < c.bytes.end && c.bytes.start < r.end)
        })
        .collect();
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
                    // A participant past the share cap only when no one else is left.
                    c.participant.is_some() && ledger.used(c.participant) >= ledger.cap,
                    // Group balance is a preference, not a reason to print a weak fragment.
                    c.words < 8,
                    per_group(c.group),
                    c.group,
                    quoted_here(c.participant),
                    ledger.used(c.participant),
                    *i,
                )
            })
            .map(|(i, _)| i)
            .expect("the pool is not empty");
        let c = pool.remove(pick);
        *ledger.used.entry(c.participant).or_default() += 1;
        ledger.quoted.push((c.document, c.bytes.clone()));
        chosen.push(c);
    }
    chosen
        .into_iter()
        .map(|c| {
            let doc = &project.documents[c.document];
            let raw = &doc.text[c.bytes.clone()];
            let (text, cut) = cut(raw, max_chars);
            // A passage that starts inside a sentence says so.
            let turn = doc.turns_overlapping(&c.bytes).start;
            let before = doc.turns.get(turn).map_or("", |t| {
                &doc.text[t.bytes.start().min(c.bytes.start)..c.bytes.start]
            });
            let mid_sentence =
                before.trim_end().chars().last().is_some_and(|ch| {
                    !matches!(ch, '.' | '?' | '!' | '…' | ':' | ';' | '"' | '\u{201D}' | ')')
                });
            let text = if mid_sentence { format!("… {text}") } else { text };
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
