//! Autocoding: the codebook's `search:` (the query language of [`super::query`]) and `regex:`
//! rules applied to the participants' words, as suggestions at a chosen unit (sentence, turn
//! or the matched words), and how well each rule agrees with the human coding.
//!
//! A rule is evaluated on each unit as a whole: `a AND NOT b` suggests a sentence with `a` and
//! without `b`. The index finds the turns worth looking at (the rule without its exclusions);
//! each candidate turn is then read word by word.

use super::analyzer::{self, Analyzers, Pattern};
use super::query::{self, Expr, Field as QField};
use crate::codebook::CodeIdx;
use crate::corpus::{to_u32, Document, Speaker};
use crate::project::Project;
use crate::text::label_key;
use anyhow::{bail, Result};
use regex::Regex;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// The unit a suggestion codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Unit {
    /// The sentence the rule matches.
    Sentence,
    /// The whole speaker turn.
    Turn,
    /// Only the matched words.
    Match,
}

/// A code's rule, ready to apply.
#[derive(Debug, Clone)]
pub struct Rule {
    pub code: CodeIdx,
    pub query: Option<Expr>,
    pub regex: Option<Regex>,
    /// The rule as the sheet's `rule` column records it.
    pub text: String,
}

impl Rule {
    /// The codebook rules of `codes` (every code with a rule when `None`).
    pub fn from_codebook(project: &Project, codes: Option<&[CodeIdx]>) -> Result<Vec<Rule>> {
        let mut out = Vec::new();
        for (i, code) in project.codebook.codes.iter().enumerate() {
            if codes.is_some_and(|cs| !cs.contains(&i)) || (code.search.is_none() && code.regex.is_none()) {
                continue;
            }
            let query = match &code.search {
                Some(q) => Some(query::parse(q).map_err(|e| {
                    anyhow::anyhow!(
                        "{}:{}: invalid `search:` for `{}`: {e}",
                        project.config.codebook.path,
                        code.line,
                        code.id
                    )
                })?),
                None => None,
            };
            let regex = match &code.regex {
                Some(r) => Some(Regex::new(r)?),
                None => None,
            };
            let mut text = Vec::new();
            if let Some(q) = &code.search {
                text.push(format!("search: {q}"));
            }
            if let Some(r) = &code.regex {
                text.push(format!("regex: {r}"));
            }
            out.push(Rule {
                code: i,
                query,
                regex,
                text: text.join("; "),
            });
        }
        Ok(out)
    }

    /// An ad-hoc rule (`--query Q --code C`).
    pub fn ad_hoc(code: CodeIdx, q: &str) -> Result<Rule> {
        Ok(Rule {
            code,
            query: Some(query::parse(q)?),
            regex: None,
            text: format!("query: {q}"),
        })
    }
}

/// A suggested passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub document: u32,
    pub bytes: crate::corpus::Span,
    /// Index into the rules.
    pub rule: u32,
}

/// How a rule's suggestions compare with the human coding of its code, at the unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub rule: usize,
    pub suggested: usize,
    /// Units (or, for `match`, passages) the human coders coded with the code.
    pub human: usize,
    /// Suggestions that fall on human coding of the code.
    pub correct: usize,
    /// Human units (passages) that a suggestion falls on.
    pub found: usize,
}

impl Score {
    pub fn precision(&self) -> Option<f64> {
        (self.suggested > 0).then(|| self.correct as f64 / self.suggested as f64)
    }

    pub fn recall(&self) -> Option<f64> {
        (self.human > 0).then(|| self.found as f64 / self.human as f64)
    }
}

/// Whether a turn's words are a participant's (the interviewer, unidentified and unknown
/// voices are never autocoded).
fn spoken_by_participant(doc: &Document, turn: usize) -> bool {
    let t = &doc.turns[turn];
    match t.speaker {
        Speaker::Participant(_) => true,
        _ => t.label.is_empty() && doc.participant.is_some(),
    }
}

/// The sentences of a text as byte ranges, white space trimmed (the same boundaries as the
/// agreement's sentence units).
fn sentences(text: &str) -> Vec<Range<usize>> {
    text.split_sentence_bound_indices()
        .filter_map(|(at, s)| {
            let lead = s.len() - s.trim_start().len();
            let t = s.trim();
            (!t.is_empty()).then(|| at + lead..at + lead + t.len())
        })
        .collect()
}

/// A compiled query: patterns at the leaves.
enum Node {
    Pattern(Pattern),
    Field(QField, String),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Nothing,
}

fn compile(expr: &Expr, analyzers: &mut Analyzers) -> Node {
    match expr {
        Expr::Word(_) | Expr::Phrase(_) | Expr::Prefix(_) => match Pattern::of(expr, analyzers) {
            Some(p) => Node::Pattern(p),
            None => Node::Nothing,
        },
        Expr::Field(f, v) => Node::Field(*f, v.clone()),
        Expr::And(xs) => Node::And(xs.iter().map(|x| compile(x, analyzers)).collect()),
        Expr::Or(xs) => Node::Or(xs.iter().map(|x| compile(x, analyzers)).collect()),
        Expr::Not(x) => Node::Not(Box::new(compile(x, analyzers))),
    }
}

/// What a unit offers a query: its words and who, where and how it is coded.
struct UnitView<'a> {
    /// The turn's words and the unit's tokens in them.
    text: &'a str,
    tokens: &'a [analyzer::Token],
    project: &'a Project,
    document: usize,
    participant: Option<usize>,
    /// Codes (ids) of human coding overlapping the unit.
    codes: &'a HashSet<&'a str>,
}

fn eval(node: &Node, u: &UnitView) -> bool {
    match node {
        Node::Pattern(p) => {
            let mut found = Vec::new();
            p.find(u.text, u.tokens, &mut found);
            !found.is_empty()
        }
        Node::Field(f, v) => {
            let key = label_key(v);
            let person = u.participant.map(|p| u.project.participants.get(p));
            match f {
                QField::Document => u.project.documents[u.document].id == *v,
                QField::Code => u.codes.contains(v.as_str()),
                QField::Participant => person.is_some_and(|p| p.names().any(|n| label_key(n) == key)),
                QField::Group => person.is_some_and(|p| {
                    label_key(&p.group) == key || label_key(u.project.config.group_label(&p.group)) == key
                }),
            }
        }
        Node::And(xs) => xs.iter().all(|x| eval(x, u)),
        Node::Or(xs) => xs.iter().any(|x| eval(x, u)),
        Node::Not(x) => !eval(x, u),
        Node::Nothing => false,
    }
}

/// The query without its exclusions: what a matching unit's turn must contain (`None`: any
/// turn may hold a match, as for `NOT x`).
fn without_exclusions(expr: &Expr) -> Option<Expr> {
    match expr {
        Expr::Not(_) => None,
        Expr::And(xs) => {
            let kept: Vec<Expr> = xs.iter().filter_map(without_exclusions).collect();
            match kept.len() {
                0 => None,
                1 => kept.into_iter().next(),
                _ => Some(Expr::And(kept)),
            }
        }
        Expr::Or(xs) => {
            let kept: Option<Vec<Expr>> = xs.iter().map(without_exclusions).collect();
            kept.map(Expr::Or)
        }
        other => Some(other.clone()),
    }
}

/// The human coding the suggestions are measured against: the findings' coders, without
/// suggestion sheets.
fn human_segments(project: &Project) -> impl Iterator<Item = &crate::coding::CodedSegment> {
    project
        .findings()
        .filter(|s| !project.sheets[s.coder as usize].suggestions)
}

/// Hands on the (document, turn) pairs a query may match; every turn for `None`.
pub type Candidates<'a> = dyn FnMut(&Option<Expr>, &mut dyn FnMut(usize, usize)) -> Result<()> + 'a;

/// Human codes on passages of each (document, turn).
type CodedTurns<'a> = HashMap<(usize, usize), Vec<(Range<usize>, &'a str)>>;

/// Applies the rules. `candidates` gives, for a rule's query without its exclusions, the
/// (document, turn) pairs that may match (from the search index).
pub fn suggest(
    project: &Project,
    rules: &[Rule],
    unit: Unit,
    analyzers: &mut Analyzers,
    candidates: &mut Candidates,
    progress: &crate::progress::Bar,
) -> Result<Vec<Suggestion>> {
    use rayon::prelude::*;
    // Human codes per turn, for `code:` fields.
    let mut coded: CodedTurns = HashMap::new();
    for s in human_segments(project) {
        for t in s.turns.range() {
            for &c in &s.codes {
                coded
                    .entry((s.document as usize, t))
                    .or_default()
                    .push((s.bytes.range(), project.codebook.codes[c].id.as_str()));
            }
        }
    }
    // Each rule compiled once, and the turns its words may be in, from the index.
    let compiled: Vec<Option<(Node, Vec<Pattern>)>> = rules
        .iter()
        .map(|rule| {
            rule.query.as_ref().map(|expr| {
                let positive = expr
                    .positive_leaves()
                    .into_iter()
                    .filter_map(|l| Pattern::of(l, analyzers))
                    .collect();
                (compile(expr, analyzers), positive)
            })
        })
        .collect();
    // Each (document, turn, rule) a rule's query may match, sorted, so a turn's rules lie
    // together: 12 bytes each, where a map of a million candidate turns took 50 MB.
    let mut hits: Vec<(u32, u32, u32)> = Vec::new();
    for (r, rule) in rules.iter().enumerate() {
        if let Some(expr) = &rule.query {
            candidates(&without_exclusions(expr), &mut |d, t| {
                hits.push((to_u32(d), to_u32(t), to_u32(r)));
            })?;
        }
    }
    hits.par_sort_unstable();
    hits.dedup();
    let regexes: Vec<(usize, &Regex)> = rules
        .iter()
        .enumerate()
        .filter_map(|(r, rule)| rule.regex.as_ref().map(|re| (r, re)))
        .collect();
    // Where the run of hits of the turn of hit `i` ends.
    let run_end = |i: usize| {
        let turn = (hits[i].0, hits[i].1);
        i + hits[i..].partition_point(|h| (h.0, h.1) == turn)
    };
    // Every participant turn a rule may match, read once: its words cut into tokens and
    // sentences once, whatever the number of rules. Each is (document, turn, and where its
    // rules' hits start and end in `hits`).
    let mut turns: Vec<[u32; 4]> = Vec::new();
    let mut i = 0;
    if regexes.is_empty() {
        // Only the turns the index found.
        while i < hits.len() {
            let end = run_end(i);
            let (d, t) = (hits[i].0 as usize, hits[i].1 as usize);
            if project
                .documents
                .get(d)
                .is_some_and(|doc| t < doc.turns.len() && spoken_by_participant(doc, t))
            {
                turns.push([hits[i].0, hits[i].1, to_u32(i), to_u32(end)]);
            }
            i = end;
        }
    } else {
        for (d, doc) in project.documents.iter().enumerate() {
            for t in 0..doc.turns.len() {
                let here = (to_u32(d), to_u32(t));
                while i < hits.len() && (hits[i].0, hits[i].1) < here {
                    i += 1;
                }
                let end = if i < hits.len() && (hits[i].0, hits[i].1) == here {
                    run_end(i)
                } else {
                    i
                };
                if spoken_by_participant(doc, t) {
                    turns.push([here.0, here.1, to_u32(i), to_u32(end)]);
                }
                i = end;
            }
        }
    }
    progress.start(turns.len() as u64);
    let base_analyzers = analyzers.clone();
    let chunk = turns
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 8)
        .max(256);
    let found: Vec<Vec<[u32; 4]>> = turns
        .par_chunks(chunk)
        .map(|chunk| {
            let mut analyzers = base_analyzers.clone();
            let mut out = Vec::new();
            // The chunk's texts are read in order and let go (see `Reader`).
            let mut reader = crate::corpus::text::Reader::default();
            for &[d, t, from, to] in chunk {
                let (d, t) = (d as usize, t as usize);
                let query_rules = &hits[from as usize..to as usize];
                let doc = &project.documents[d];
                let turn = &doc.turns[t];
                let base = turn.bytes.start();
                let words = &doc.text.read(&mut reader)[turn.bytes.range()];
                let units: Vec<Range<usize>> = match unit {
                    Unit::Sentence => sentences(words),
                    Unit::Turn | Unit::Match => std::iter::once(0..words.len()).collect(),
                };
                if !query_rules.is_empty() {
                    let tokens = analyzers.tokens(words);
                    let participant = turn.participant().or(doc.participant);
                    for u in &units {
                        let codes: HashSet<&str> = coded
                            .get(&(d, t))
                            .map(|v| {
                                v.iter()
                                    .filter(|(b, _)| b.start < base + u.end && base + u.start < b.end)
                                    .map(|(_, c)| *c)
                                    .collect()
                            })
                            .unwrap_or_default();
                        let first = tokens.partition_point(|tk| tk.bytes.start < u.start);
                        let last = tokens.partition_point(|tk| tk.bytes.end <= u.end);
                        let in_unit = &tokens[first..last.max(first)];
                        let view = UnitView {
                            text: words,
                            tokens: in_unit,
                            project,
                            document: d,
                            participant,
                            codes: &codes,
                        };
                        for r in query_rules.iter().map(|h| h.2 as usize) {
                            let Some((node, positive)) = &compiled[r] else {
                                continue;
                            };
                            if !eval(node, &view) {
                                continue;
                            }
                            match unit {
                                Unit::Match => {
                                    for s in analyzer::matches(positive, words, in_unit) {
                                        out.push([
                                            to_u32(d),
                                            to_u32(base + s.start),
                                            to_u32(base + s.end),
                                            to_u32(r),
                                        ]);
                                    }
                                }
                                _ => out.push([
                                    to_u32(d),
                                    to_u32(base + u.start),
                                    to_u32(base + u.end),
                                    to_u32(r),
                                ]),
                            }
                        }
                    }
                }
                for &(r, re) in &regexes {
                    let found: Vec<Range<usize>> = re
                        .find_iter(words)
                        .filter(|m| !m.is_empty())
                        .map(|m| m.range())
                        .collect();
                    if found.is_empty() {
                        continue;
                    }
                    let spans: Vec<Range<usize>> = match unit {
                        Unit::Match => found,
                        _ => units
                            .iter()
                            .filter(|s| found.iter().any(|m| m.start < s.end && s.start < m.end))
                            .cloned()
                            .collect(),
                    };
                    for s in spans {
                        out.push([to_u32(d), to_u32(base + s.start), to_u32(base + s.end), to_u32(r)]);
                    }
                }
                progress.inc();
            }
            out
        })
        .collect();
    progress.finish();
    // (document, start, end, rule): sorted and without repeats.
    let mut out: Vec<[u32; 4]> = Vec::with_capacity(found.iter().map(Vec::len).sum());
    for chunk in found {
        out.extend(chunk);
    }
    out.par_sort_unstable();
    out.dedup();
    Ok(out
        .into_iter()
        .map(|[document, start, end, rule]| Suggestion {
            document,
            bytes: (start as usize..end as usize).into(),
            rule,
        })
        .collect())
}

/// Passages sorted by (document, start), asked whether any of them overlaps a range: a binary
/// search for the last that starts before the range ends, and the furthest any passage of the
/// document reaches up to there.
struct Overlapping {
    spans: Vec<(usize, Range<usize>)>,
    /// The furthest end among the spans of the same document up to each one.
    reach: Vec<usize>,
}

impl Overlapping {
    fn new(mut spans: Vec<(usize, Range<usize>)>) -> Overlapping {
        spans.sort_by_key(|(d, b)| (*d, b.start, b.end));
        let mut reach = Vec::with_capacity(spans.len());
        for (i, (d, b)) in spans.iter().enumerate() {
            let before = (i > 0 && spans[i - 1].0 == *d).then(|| reach[i - 1]);
            reach.push(before.map_or(b.end, |r: usize| r.max(b.end)));
        }
        Overlapping { spans, reach }
    }

    /// Whether a span of document `d` overlaps `range` (shares at least one byte with it).
    fn any(&self, d: usize, range: &Range<usize>) -> bool {
        let first = self.spans.partition_point(|(sd, _)| *sd < d);
        let end = self
            .spans
            .partition_point(|(sd, b)| (*sd, b.start) < (d, range.end));
        end > first && self.reach[end - 1] > range.start
    }
}

/// Precision and recall of each rule against the human coding of its code.
pub fn score(project: &Project, rules: &[Rule], suggestions: &[Suggestion], unit: Unit) -> Vec<Score> {
    // Sentences of a turn, cut once whatever the number of rules.
    let mut cut: HashMap<(usize, usize), Vec<Range<usize>>> = HashMap::new();
    rules
        .iter()
        .enumerate()
        .map(|(r, rule)| {
            let mine: Vec<&Suggestion> = suggestions.iter().filter(|s| s.rule as usize == r).collect();
            // Human passages of the code, by document.
            let mut human: Vec<(usize, Range<usize>)> = human_segments(project)
                .filter(|s| s.codes.contains(&rule.code))
                .map(|s| (s.document as usize, s.bytes.range()))
                .collect();
            human.sort_by_key(|(d, b)| (*d, b.start, b.end));
            human.dedup();
            match unit {
                Unit::Match => {
                    // Each side looked up in the other by binary search (comparing every
                    // suggestion with every passage was quadratic: a million by thousands).
                    let theirs = Overlapping::new(human.clone());
                    let ours = Overlapping::new(
                        mine.iter()
                            .map(|s| (s.document as usize, s.bytes.range()))
                            .collect(),
                    );
                    let correct = mine
                        .iter()
                        .filter(|s| theirs.any(s.document as usize, &s.bytes.range()))
                        .count();
                    let found = human.iter().filter(|(d, b)| ours.any(*d, b)).count();
                    Score {
                        rule: r,
                        suggested: mine.len(),
                        human: human.len(),
                        correct,
                        found,
                    }
                }
                Unit::Sentence | Unit::Turn => {
                    // The units the human coding falls on, in participants' turns.
                    let mut units: BTreeSet<(usize, usize, usize)> = BTreeSet::new();
                    for (d, b) in &human {
                        let doc = &project.documents[*d];
                        for t in doc.turns_overlapping(b) {
                            if !spoken_by_participant(doc, t) {
                                continue;
                            }
                            let turn = &doc.turns[t];
                            let base = turn.bytes.start();
                            let spans = match unit {
                                Unit::Sentence => cut
                                    .entry((*d, t))
                                    .or_insert_with(|| sentences(&doc.text[turn.bytes.range()]))
                                    .clone(),
                                _ => std::iter::once(0..turn.bytes.len()).collect(),
                            };
                            for s in spans {
                                if base + s.start < b.end && b.start < base + s.end {
                                    units.insert((*d, base + s.start, base + s.end));
                                }
                            }
                        }
                    }
                    let suggested: BTreeSet<(usize, usize, usize)> = mine
                        .iter()
                        .map(|s| (s.document as usize, s.bytes.start(), s.bytes.end()))
                        .collect();
                    let both = suggested.intersection(&units).count();
                    Score {
                        rule: r,
                        suggested: suggested.len(),
                        human: units.len(),
                        correct: both,
                        found: both,
                    }
                }
            }
        })
        .collect()
}

/// Refuses a query that could code everything: a rule must name some words.
pub fn check_rule(rule: &Rule) -> Result<()> {
    if let Some(q) = &rule.query {
        if q.positive_leaves().is_empty() && rule.regex.is_none() {
            bail!("the rule `{}` names no words to look for", rule.text);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_spans_are_found_as_comparing_each_with_each_finds_them() {
        // A fixed pseudo-random set of spans in three documents, some empty, some nested.
        let mut lcg = crate::testing::Lcg(7);
        let mut next = |n: u64| lcg.below(n) as usize;
        let mut spans = Vec::new();
        for _ in 0..300 {
            let (d, start) = (next(3), next(500));
            spans.push((d, start..start + next(40)));
        }
        let index = Overlapping::new(spans.clone());
        let mut seen = [0; 2];
        for _ in 0..2000 {
            let (d, start) = (next(4), next(540));
            let range = start..start + next(30);
            let each_with_each = spans
                .iter()
                .any(|(sd, b)| *sd == d && b.start < range.end && range.start < b.end);
            assert_eq!(index.any(d, &range), each_with_each, "{d} {range:?}");
            seen[usize::from(each_with_each)] += 1;
        }
        assert!(
            seen[0] > 100 && seen[1] > 100,
            "both answers are asked for: {seen:?}"
        );
    }

    #[test]
    fn exclusions_are_dropped_for_candidates_only() {
        let q = query::parse("a AND NOT b").unwrap();
        assert_eq!(without_exclusions(&q), Some(Expr::Word("a".into())));
        assert_eq!(without_exclusions(&query::parse("NOT b").unwrap()), None);
        assert_eq!(without_exclusions(&query::parse("a OR NOT b").unwrap()), None);
        let q = query::parse("(a b) OR c").unwrap();
        assert_eq!(without_exclusions(&q), Some(q.clone()));
    }

    #[test]
    fn sentences_are_trimmed_byte_ranges() {
        let text = "One thing. Another thing!  Third";
        let s: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(s, ["One thing.", "Another thing!", "Third"]);
    }
}
