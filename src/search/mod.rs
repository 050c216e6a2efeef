//! Full-text search of the speaker turns, on a tantivy index kept in `.thematic/`, with
//! keyword-in-context. The query language is in [`query`]; words are cut and stemmed by
//! [`analyzer`]; [`index`] builds the index and keeps it in step with the files.

pub mod analyzer;
pub mod autocode;
pub mod index;
pub mod query;

use crate::config::Config;
use analyzer::{Analyzers, Pattern};
use anyhow::{bail, Result};
use index::{Coded, Fields, Open};
use query::{Expr, Field as QField};
use rayon::prelude::*;
use std::ops::Range;
use std::path::Path;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{AllQuery, BooleanQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

/// What to search for, with the filters given as flags.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub query: String,
    pub groups: Vec<String>,
    pub participants: Vec<String>,
    pub documents: Vec<String>,
    /// Only text coded with this code (by the coders whose coding makes the findings).
    pub codes: Vec<String>,
    /// Only text nobody has coded.
    pub uncoded: bool,
    /// Words of context each side.
    pub context: usize,
}

/// One hit: where, who, and the words around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub document: String,
    pub line: usize,
    /// Unicode scalar values of the document's text.
    pub start: usize,
    pub end: usize,
    /// The participant's id, when a participant speaks.
    pub participant: String,
    /// The participant's label, or the label as written for anyone else.
    pub label: String,
    pub group: String,
    /// `participant`, `interviewer`, `unidentified` or `unknown`.
    pub speaker: String,
    pub left: String,
    pub matched: String,
    pub right: String,
    /// Codes on passages overlapping the hit.
    pub codes: Vec<String>,
    /// The turn's words and the hit's byte range in them, for redaction.
    turn_text: String,
    bytes: Range<usize>,
    context: Range<usize>,
}

/// The outcome of a search.
pub struct Results {
    pub hits: Vec<Hit>,
    /// Turns that matched.
    pub turns: usize,
    /// The names people are known by, for redaction.
    pub names: Vec<String>,
    /// (documents indexed, documents removed) when the index was brought up to date.
    pub updated: Option<(usize, usize)>,
}

/// Runs a search on the project at `root`.
pub fn search(
    root: &Path,
    config: &Config,
    request: &Request,
    progress: &crate::progress::Bar,
) -> Result<Results> {
    let expr = query::parse(&request.query)?;
    let open = index::open(root, config, None, progress)?;
    match run(&open, config, request, &expr) {
        Ok(r) => Ok(r),
        Err(_) => {
            // A damaged index reads as an error: build it anew once and try again.
            drop(open);
            index::discard(root)?;
            let open = index::open(root, config, None, progress)?;
            run(&open, config, request, &expr)
        }
    }
}

fn run(open: &Open, config: &Config, request: &Request, expr: &Expr) -> Result<Results> {
    let mut analyzers = open.analyzers.clone();
    let f = &open.fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, compile(expr, f, &mut analyzers)?)];
    let any_of = |field: tantivy::schema::Field, values: Vec<String>| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            values
                .into_iter()
                .map(|v| (Occur::Should, term_query(field, &v)))
                .collect(),
        ))
    };
    if !request.groups.is_empty() {
        clauses.push((
            Occur::Must,
            any_of(
                f.group_keys,
                request.groups.iter().map(|g| crate::text::label_key(g)).collect(),
            ),
        ));
    }
    if !request.participants.is_empty() {
        clauses.push((
            Occur::Must,
            any_of(
                f.participant_keys,
                request
                    .participants
                    .iter()
                    .map(|p| crate::text::label_key(p))
                    .collect(),
            ),
        ));
    }
    if !request.documents.is_empty() {
        clauses.push((Occur::Must, any_of(f.document, request.documents.clone())));
    }
    if !request.codes.is_empty() {
        clauses.push((Occur::Must, any_of(f.code, request.codes.clone())));
    }
    let query = BooleanQuery::new(clauses);
    let reader = open.index.reader()?;
    let searcher = reader.searcher();
    // In store order, so that neighbouring turns come from the same decompressed block.
    let found = searcher.search(&query, &InOrder)?;
    let patterns: Vec<Pattern> = expr
        .positive_leaves()
        .into_iter()
        .filter_map(|leaf| Pattern::of(leaf, &mut analyzers))
        .collect();
    let mut required: Vec<String> = request.codes.clone();
    required.extend(expr.required_codes().into_iter().map(str::to_string));
    let job = TurnJob {
        fields: f,
        patterns: &patterns,
        required: &required,
        analysis: config.coding.analysis.as_deref(),
        request,
    };
    // Reading the turns and finding the words in them is most of a search: two halves at once.
    let chunk = found.len().div_ceil(rayon::current_num_threads().max(1)).max(64);
    let per_chunk: Vec<Result<Vec<TurnHits>>> = found
        .par_chunks(chunk)
        .map(|addresses| {
            let mut analyzers = open.analyzers.clone();
            addresses
                .iter()
                .map(|&address| {
                    let doc: TantivyDocument = searcher.doc(address)?;
                    let id = text(&doc, f.document).to_string();
                    let turn = doc.get_first(f.turn).and_then(|v| v.as_u64()).unwrap_or(0);
                    let hits = job.hits(&id, &doc, &mut analyzers);
                    Ok((id, turn, hits))
                })
                .collect()
        })
        .collect();
    let mut turns: Vec<TurnHits> = Vec::with_capacity(found.len());
    for chunk in per_chunk {
        turns.extend(chunk?);
    }
    turns.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let matched = turns.len();
    let hits: Vec<Hit> = turns.into_iter().flat_map(|(_, _, hits)| hits).collect();
    Ok(Results {
        hits,
        turns: matched,
        names: open.names.clone(),
        updated: open.updated,
    })
}

/// A matched turn's hits: (document id, turn, hits).
type TurnHits = (String, u64, Vec<Hit>);

/// What each matched turn is searched for.
struct TurnJob<'a> {
    fields: &'a Fields,
    patterns: &'a [Pattern],
    /// Codes every hit must fall on.
    required: &'a [String],
    /// The coders whose coding counts (`None`: every coder).
    analysis: Option<&'a [String]>,
    request: &'a Request,
}

impl TurnJob<'_> {
    fn hits(&self, id: &str, doc: &TantivyDocument, analyzers: &mut Analyzers) -> Vec<Hit> {
        let f = self.fields;
        let counts = |coder: &str| self.analysis.is_none_or(|a| a.iter().any(|x| x == coder));
        let words = text(doc, f.text);
        let coded: Vec<Coded> = serde_json::from_str(text(doc, f.segments)).unwrap_or_default();
        let ranges = if self.patterns.is_empty() {
            // Only fields matched: the whole turn is the hit.
            std::iter::once(0..words.len()).collect()
        } else {
            analyzer::matches(self.patterns, words, &analyzers.tokens(words))
        };
        let line = doc.get_first(f.line).and_then(|v| v.as_u64()).unwrap_or(1) as usize;
        let start = doc.get_first(f.start).and_then(|v| v.as_u64()).unwrap_or(0) as usize;
        let mut hits = Vec::new();
        for r in ranges {
            let overlapping = |c: &&Coded| c.0 < r.end && r.start < c.1;
            if self.request.uncoded && coded.iter().any(|c| overlapping(&c)) {
                continue;
            }
            if !self.required.iter().all(|code| {
                coded
                    .iter()
                    .filter(overlapping)
                    .any(|c| counts(&c.2) && c.3.iter().any(|x| x == code))
            }) {
                continue;
            }
            let mut codes: Vec<String> = coded
                .iter()
                .filter(overlapping)
                .filter(|c| counts(&c.2))
                .flat_map(|c| c.3.iter().cloned())
                .collect();
            codes.sort();
            codes.dedup();
            let context = crate::analysis::extracts::context(words, &r, self.request.context);
            let hit_start = start + words[..r.start].chars().count();
            hits.push(Hit {
                document: id.to_string(),
                line: line + words[..r.start].matches('\n').count(),
                start: hit_start,
                end: hit_start + words[r.clone()].chars().count(),
                participant: text(doc, f.participant).to_string(),
                label: text(doc, f.label).to_string(),
                group: text(doc, f.group).to_string(),
                speaker: text(doc, f.speaker).to_string(),
                left: words[context.start..r.start].to_string(),
                matched: words[r.clone()].to_string(),
                right: words[r.end..context.end].to_string(),
                codes,
                turn_text: words.to_string(),
                bytes: r,
                context,
            });
        }
        hits
    }
}

impl Hit {
    /// Whether the turn goes on before the left context (and after the right one).
    pub fn cut(&self) -> (bool, bool) {
        let before = self.turn_text[..self.context.start].trim();
        let after = self.turn_text[self.context.end..].trim();
        (!before.is_empty(), !after.is_empty())
    }

    /// The hit's words and label as they may leave the tool, through `rules` in turn.
    pub fn redact(&mut self, rules: &[&crate::redact::Redactions]) {
        let window = &self.turn_text[self.context.clone()];
        let passage = self.bytes.start - self.context.start..self.bytes.end - self.context.start;
        let (window, passage) = crate::redact::apply_all_around(rules, window, passage);
        self.label = crate::redact::apply_all_around(rules, &self.label, 0..0).0;
        self.left = window[..passage.start].to_string();
        self.matched = window[passage.clone()].to_string();
        self.right = window[passage.end..].to_string();
    }
}

/// The turns (document id, turn index) a query matches, in the index's own order; every turn
/// when `expr` is `None`.
pub fn each_turn_matching(open: &Open, expr: Option<&Expr>, mut each: impl FnMut(&str, usize)) -> Result<()> {
    let mut analyzers = open.analyzers.clone();
    let query: Box<dyn Query> = match expr {
        Some(e) => compile(e, &open.fields, &mut analyzers)?,
        None => Box::new(AllQuery),
    };
    let reader = open.index.reader()?;
    let searcher = reader.searcher();
    let found = searcher.search(&query, &InOrder)?;
    // Document and turn from the fast fields, segment by segment (reading each hit's stored
    // document was a quarter of autocode's time at a million answers), handed on as found: a
    // million hits are not made a million strings.
    let mut name = String::new();
    for run in found.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
        let segment = searcher.segment_reader(run[0].segment_ord);
        let fast = segment.fast_fields();
        let turns = fast.u64("turn")?;
        let Some(documents) = fast.str("document")? else {
            continue;
        };
        for address in run {
            let turn = turns.first(address.doc_id).unwrap_or(0);
            name.clear();
            if let Some(ord) = documents.ords().first(address.doc_id) {
                documents.ord_to_str(ord, &mut name)?;
            }
            each(&name, turn as usize);
        }
    }
    Ok(())
}

/// Collects the addresses of the matching documents in index order (segment, then document):
/// a list, where tantivy's `DocSetCollector` makes a hash set of them to be sorted after.
struct InOrder;

struct SegmentHits {
    segment: tantivy::SegmentOrdinal,
    docs: Vec<tantivy::DocId>,
}

impl Collector for InOrder {
    type Fruit = Vec<tantivy::DocAddress>;
    type Child = SegmentHits;

    fn for_segment(
        &self,
        segment: tantivy::SegmentOrdinal,
        _reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentHits> {
        Ok(SegmentHits {
            segment,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, mut segments: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        segments.sort_by_key(|s| s.first().map(|a| a.segment_ord));
        Ok(segments.concat())
    }
}

impl SegmentCollector for SegmentHits {
    type Fruit = Vec<tantivy::DocAddress>;

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        self.docs.push(doc);
    }

    fn harvest(self) -> Self::Fruit {
        let mut docs = self.docs;
        docs.sort_unstable();
        docs.into_iter()
            .map(|d| tantivy::DocAddress::new(self.segment, d))
            .collect()
    }
}

fn text(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

fn term_query(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// The tantivy query of a parsed query.
fn compile(expr: &Expr, f: &Fields, analyzers: &mut Analyzers) -> Result<Box<dyn Query>> {
    Ok(match expr {
        Expr::Word(_) | Expr::Phrase(_) => {
            let stems = match Pattern::of(expr, analyzers) {
                Some(Pattern::Stems(s)) => s,
                _ => {
                    let (Expr::Word(w) | Expr::Phrase(w)) = expr else {
                        unreachable!()
                    };
                    bail!("`{w}` has no letters or digits to search for")
                }
            };
            if stems.len() == 1 {
                Box::new(TermQuery::new(
                    Term::from_field_text(f.text, &stems[0]),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new(
                    stems.iter().map(|s| Term::from_field_text(f.text, s)).collect(),
                ))
            }
        }
        Expr::Prefix(p) => {
            let words = analyzers.words(p);
            if words.len() != 1 {
                bail!("`{p}*`: a prefix must be one word, such as refer*");
            }
            Box::new(RegexQuery::from_pattern(
                &format!("{}.*", regex::escape(&words[0])),
                f.raw,
            )?)
        }
        Expr::Field(field, value) => match field {
            QField::Group => term_query(f.group_keys, &crate::text::label_key(value)),
            QField::Participant => term_query(f.participant_keys, &crate::text::label_key(value)),
            QField::Document => term_query(f.document, value),
            QField::Code => term_query(f.code, value),
        },
        Expr::And(xs) => boolean(xs.iter().map(|x| (Occur::Must, x)), f, analyzers)?,
        Expr::Or(xs) => boolean(xs.iter().map(|x| (Occur::Should, x)), f, analyzers)?,
        Expr::Not(x) => boolean(std::iter::once((Occur::MustNot, x.as_ref())), f, analyzers)?,
    })
}

/// A boolean query; `NOT x` and `x AND NOT y` work on their own (a query of only exclusions
/// matches everything else).
fn boolean<'a>(
    parts: impl Iterator<Item = (Occur, &'a Expr)>,
    f: &Fields,
    analyzers: &mut Analyzers,
) -> Result<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (occur, x) in parts {
        match (occur, x) {
            // `a AND NOT b`: NOT inside AND excludes.
            (Occur::Must, Expr::Not(inner)) => clauses.push((Occur::MustNot, compile(inner, f, analyzers)?)),
            _ => clauses.push((occur, compile(x, f, analyzers)?)),
        }
    }
    if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}
