//! Coded extracts for review (Braun & Clarke's phase 4): every passage coded at a node, in
//! document order, with who said it, who coded it and the codes it carries. Boolean retrieval
//! on overlapping passages: `all_of` keeps the text coded with every one of several codes (the
//! overlap of their passages), `not` drops passages that overlap one coded with another code.

use crate::codebook::CodeIdx;
use crate::coding::{CodedSegment, CoderIdx};
use crate::participants::ParticipantIdx;
use crate::project::Project;
use std::ops::Range;

/// The node an extract is listed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    /// `code`, `category`, `theme` or `all-of`.
    pub level: &'static str,
    /// The node's place in the code tree, for grouping: theme and category names.
    pub theme: Option<String>,
    pub category: Option<String>,
    /// The codes whose passages the node holds (for `all-of`: each of them).
    pub codes: Vec<CodeIdx>,
}

/// What to retrieve.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The nodes to list; ignored when `all_of` is set.
    pub nodes: Vec<Node>,
    /// Passages coded with every one of these codes.
    pub all_of: Vec<CodeIdx>,
    /// Drop passages that overlap a passage coded with any of these.
    pub not: Vec<CodeIdx>,
    /// Only these coders' coding (default: the analysis coders).
    pub coders: Option<Vec<CoderIdx>>,
    pub documents: Vec<usize>,
    pub participants: Vec<ParticipantIdx>,
    /// Group ids.
    pub groups: Vec<String>,
    /// `--where`: a passage stays when one of its speakers (or, with none, its document)
    /// passes every condition.
    pub conditions: Vec<super::breakdown::Where>,
}

/// One extract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extract {
    /// Index into the query's nodes (or 0 for `all-of`).
    pub node: usize,
    pub document: usize,
    pub bytes: Range<usize>,
    /// Unicode scalar values of the document's text.
    pub chars: Range<usize>,
    /// 1-based line of the document's text where the extract starts.
    pub line: usize,
    /// Who speaks in it (the interviewer counts for no one).
    pub participants: Vec<ParticipantIdx>,
    pub coders: Vec<CoderIdx>,
    /// Every code on the passage(s).
    pub codes: Vec<CodeIdx>,
    pub memo: String,
}

/// The nodes of the code tree for a selection, each with its place in the tree.
pub fn code_node(project: &Project, code: CodeIdx) -> Node {
    let book = &project.codebook;
    let c = &book.codes[code];
    Node {
        name: c.id.clone(),
        level: "code",
        theme: c.theme.map(|t| book.themes[t].name.clone()),
        category: c.category.map(|k| book.categories[k].name.clone()),
        codes: vec![code],
    }
}

pub fn category_node(project: &Project, category: usize) -> Node {
    let book = &project.codebook;
    let k = &book.categories[category];
    Node {
        name: k.name.clone(),
        level: "category",
        theme: k.theme.map(|t| book.themes[t].name.clone()),
        category: None,
        codes: (0..book.codes.len())
            .filter(|&c| book.codes[c].category == Some(category))
            .collect(),
    }
}

pub fn theme_node(project: &Project, theme: usize) -> Node {
    let book = &project.codebook;
    Node {
        name: book.themes[theme].name.clone(),
        level: "theme",
        theme: None,
        category: None,
        codes: (0..book.codes.len())
            .filter(|&c| book.codes[c].theme == Some(theme))
            .collect(),
    }
}

/// The node of an `all_of` query: "a & b".
pub fn all_of_node(project: &Project, codes: &[CodeIdx]) -> Node {
    Node {
        name: codes
            .iter()
            .map(|&c| project.codebook.codes[c].id.as_str())
            .collect::<Vec<_>>()
            .join(" & "),
        level: "all-of",
        theme: None,
        category: None,
        codes: codes.to_vec(),
    }
}

/// The extracts a query retrieves, per node in the query's order, each node's in document
/// order.
pub fn retrieve(project: &Project, query: &Query) -> Vec<Extract> {
    let segments: Vec<&CodedSegment> = match &query.coders {
        Some(coders) => project
            .segments
            .iter()
            .filter(|s| coders.contains(&(s.coder as usize)))
            .collect(),
        None => project.findings().collect(),
    };
    let mut out: Vec<Extract> = if query.all_of.is_empty() {
        query
            .nodes
            .iter()
            .enumerate()
            .flat_map(|(n, node)| {
                segments
                    .iter()
                    .filter(|s| s.codes.iter().any(|c| node.codes.contains(c)))
                    .map(move |s| from_segment(project, n, s))
            })
            .collect()
    } else {
        overlaps(project, &segments, &query.all_of)
    };
    if !query.not.is_empty() {
        let excluded: Vec<(usize, Range<usize>)> = segments
            .iter()
            .filter(|s| s.codes.iter().any(|c| query.not.contains(c)))
            .map(|s| (s.document as usize, s.bytes.range()))
            .collect();
        out.retain(|e| {
            !excluded
                .iter()
                .any(|(d, r)| *d == e.document && r.start < e.bytes.end && e.bytes.start < r.end)
        });
    }
    let people = &project.participants;
    out.retain(|e| super::breakdown::passes(project, &query.conditions, &e.participants, e.document));
    out.retain(|e| {
        (query.documents.is_empty() || query.documents.contains(&e.document))
            && (query.participants.is_empty()
                || e.participants.iter().any(|p| query.participants.contains(p)))
            && (query.groups.is_empty()
                || e.participants
                    .iter()
                    .any(|&p| query.groups.iter().any(|g| *g == people.get(p).group)))
    });
    out.sort_by(|a, b| {
        (
            a.node,
            &project.documents[a.document].id,
            a.bytes.start,
            a.bytes.end,
            &a.coders,
        )
            .cmp(&(
                b.node,
                &project.documents[b.document].id,
                b.bytes.start,
                b.bytes.end,
                &b.coders,
            ))
    });
    out
}

fn from_segment(project: &Project, node: usize, s: &CodedSegment) -> Extract {
    let doc = &project.documents[s.document as usize];
    Extract {
        node,
        document: s.document as usize,
        bytes: s.bytes.range(),
        chars: s.chars.range(),
        line: crate::config::line_of(&doc.text, s.bytes.start()),
        participants: s.participants.to_vec(),
        coders: vec![s.coder as usize],
        codes: s.codes.to_vec(),
        memo: s.memo().to_string(),
    }
}

/// The text coded with every one of `codes`: the overlaps of their passages, document by
/// document. Passages of different coders overlap too.
fn overlaps(project: &Project, segments: &[&CodedSegment], codes: &[CodeIdx]) -> Vec<Extract> {
    let with = |code: CodeIdx| -> Vec<Extract> {
        segments
            .iter()
            .filter(|s| s.codes.contains(&code))
            .map(|s| from_segment(project, 0, s))
            .collect()
    };
    let mut regions = with(codes[0]);
    for &code in &codes[1..] {
        // The other code's passages by document, and where each overlap is in `next`: linear
        // in the passages, not their product.
        let mut others: std::collections::HashMap<usize, Vec<Extract>> = Default::default();
        for o in with(code) {
            others.entry(o.document).or_default().push(o);
        }
        let mut next: Vec<Extract> = Vec::new();
        let mut at: std::collections::HashMap<(usize, usize, usize), usize> = Default::default();
        for r in &regions {
            for o in others.get(&r.document).into_iter().flatten() {
                let (start, end) = (r.bytes.start.max(o.bytes.start), r.bytes.end.min(o.bytes.end));
                if start >= end {
                    continue;
                }
                let mut merged = union(r, o);
                merged.bytes = start..end;
                match at.get(&(r.document, start, end)) {
                    Some(&n) => next[n] = union(&next[n], &merged),
                    None => {
                        at.insert((r.document, start, end), next.len());
                        next.push(merged);
                    }
                }
            }
        }
        regions = next;
    }
    for r in &mut regions {
        let doc = &project.documents[r.document];
        let start = doc.char_at(r.bytes.start);
        r.chars = start..start + doc.text[r.bytes.clone()].chars().count();
        r.line = crate::config::line_of(&doc.text, r.bytes.start);
        let turns = doc.turns_overlapping(&r.bytes);
        let mut people: Vec<ParticipantIdx> =
            doc.turns[turns].iter().filter_map(|t| t.participant()).collect();
        people.sort_unstable();
        people.dedup();
        r.participants = people;
    }
    regions
}

/// Two extracts' coders, codes and memos together (the first one's range).
fn union(a: &Extract, b: &Extract) -> Extract {
    let merge = |x: &[usize], y: &[usize]| {
        let mut v: Vec<usize> = x.iter().chain(y).copied().collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let memo = match (a.memo.as_str(), b.memo.as_str()) {
        ("", m) | (m, "") => m.to_string(),
        (x, y) if x == y => x.to_string(),
        (x, y) => format!("{x} | {y}"),
    };
    Extract {
        coders: merge(&a.coders, &b.coders),
        codes: merge(&a.codes, &b.codes),
        participants: merge(&a.participants, &b.participants),
        memo,
        ..a.clone()
    }
}

/// Up to `n` words of `text` before `at` and after `end` (byte offsets), as byte offsets:
/// where the context starts and ends.
pub fn context(text: &str, bytes: &Range<usize>, n: usize) -> Range<usize> {
    if n == 0 {
        return bytes.clone();
    }
    let start = reach(text[..bytes.start].char_indices().rev(), n, bytes.start, |i, _| i);
    let end = reach(text[bytes.end..].char_indices(), n, bytes.end, |i, c| {
        bytes.end + i + c.len_utf8()
    });
    start..end
}

/// Walks `chars` away from a passage (whose edge is at `from`) over up to `n` words; returns
/// the offset past the last of them, as `edge` gives it for a character of a word.
fn reach(
    chars: impl Iterator<Item = (usize, char)>,
    n: usize,
    from: usize,
    edge: impl Fn(usize, char) -> usize,
) -> usize {
    let (mut at, mut words, mut in_word) = (from, 0, false);
    for (i, c) in chars {
        if !c.is_whitespace() {
            in_word = true;
            at = edge(i, c);
        } else if in_word {
            words += 1;
            if words == n {
                break;
            }
            in_word = false;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_takes_whole_words_and_stops_at_the_edges() {
        let text = "one two  three four five";
        let at = text.find("three").unwrap();
        let r = at..at + 5;
        assert_eq!(&text[context(text, &r, 1)], "two  three four");
        assert_eq!(&text[context(text, &r, 2)], "one two  three four five");
        assert_eq!(&text[context(text, &r, 9)], "one two  three four five");
        assert_eq!(&text[context(text, &r, 0)], "three");
        // A passage that starts mid-word takes the rest of the word as context.
        let r = 1..3;
        assert_eq!(&text[context(text, &r, 1)], "one two");
    }
}
