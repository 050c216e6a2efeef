//! Code suggestions learnt from the analyst's coding (`thematic suggest`).
//!
//! The units are the turns people speak (an interviewer's turns aside): a survey answer is one
//! such turn. A unit is coded with a code when one of the analysis coders' passages with that
//! code overlaps it. The examples are the units the analysts have read: those of documents
//! they coded something in (a turn of a coded interview left uncoded is an example of "not C";
//! a survey answer nobody has coded yet is no example either way, only a candidate). Per code,
//! trained on those examples, a multinomial naive Bayes classifier over word unigrams and
//! bigrams (lower-cased words of two or more letters or digits, as scikit-learn's
//! `CountVectorizer(ngram_range=(1, 2))` reads them; Laplace smoothing, `alpha = 1`, class
//! priors from the data, as `MultinomialNB()`) scores each unit with the probability that the
//! code applies. The same model is checked against scikit-learn in the tests.
//!
//! Before anything is suggested, each code's model is judged by k-fold cross-validation on the
//! human coding: every example is scored by a model trained without its fold, and a score at or
//! above the threshold counts as a suggestion. Precision, recall and F1 of those out-of-fold
//! suggestions are what the analyst sees, and a code is suggested only when its precision
//! reaches the minimum asked for. The folds come from a seeded shuffle, so a run is the same
//! every time.
//!
//! Cost: one pass over the units' words to count them per fold, then per code a pass over the
//! positive units' words and one over every unit's words (each a lookup in a dense table): linear
//! in the words times the codes.

use crate::codebook::CodeIdx;
use crate::corpus::Speaker;
use crate::project::Project;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One unit: a turn of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub document: usize,
    pub turn: usize,
}

#[derive(Debug, Clone)]
pub struct Params {
    pub folds: usize,
    pub seed: u64,
    /// Codes with fewer coded units than this are not learnt.
    pub min_examples: usize,
    /// Codes whose cross-validated precision is below this are not suggested.
    pub min_precision: f64,
    /// A unit is suggested when its score reaches this.
    pub threshold: f64,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            folds: 5,
            seed: 12,
            min_examples: 10,
            min_precision: 0.8,
            threshold: 0.5,
        }
    }
}

/// What was learnt for one code.
#[derive(Debug, Clone)]
pub struct CodeResult {
    pub code: CodeIdx,
    /// Units coded with it.
    pub positives: usize,
    /// Cross-validated figures; `None` when the code has too few examples to learn.
    pub cv: Option<Validation>,
    /// Uncoded units whose score reaches the threshold, with their score (best first), when
    /// the code is suggested at all.
    pub suggestions: Vec<(usize, f64)>,
}

#[derive(Debug, Clone)]
pub struct Validation {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    /// Each reviewed unit's out-of-fold score (0 for the others).
    pub scores: Vec<f64>,
}

impl Validation {
    /// `None` when nothing reached the threshold (no suggestion to be right or wrong about).
    pub fn precision(&self) -> Option<f64> {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    pub fn recall(&self) -> Option<f64> {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    pub fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        Some(if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) })
    }

    /// Whether suggestions of this code are right often enough.
    pub fn passes(&self, min_precision: f64) -> bool {
        self.precision().is_some_and(|p| p >= min_precision)
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Everything `suggest` learnt: the units, their folds, and one result per code.
#[derive(Debug)]
pub struct Suggestions {
    pub units: Vec<Unit>,
    /// Each unit's fold; `None` for a unit of a document no analyst has coded in, which is no
    /// example either way and is only scored.
    pub fold: Vec<Option<usize>>,
    /// Per unit, the codes it is coded with (sorted).
    pub labels: Vec<Vec<CodeIdx>>,
    pub codes: Vec<CodeResult>,
}

/// The units of the project: every turn not the interviewer's, with words in it.
pub fn units(project: &Project) -> Vec<Unit> {
    let mut out = Vec::new();
    for (d, doc) in project.documents.iter().enumerate() {
        for (t, turn) in doc.turns.iter().enumerate() {
            if turn.speaker == Speaker::Interviewer || turn.bytes.is_empty() {
                continue;
            }
            out.push(Unit { document: d, turn: t });
        }
    }
    out
}

/// The unit's words, as written.
pub fn unit_text(project: &Project, unit: Unit) -> &str {
    let doc = &project.documents[unit.document];
    &doc.text[doc.turns[unit.turn].bytes.range()]
}

static TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\w\w+\b").expect("a valid pattern"));

/// Word unigrams and bigrams, as scikit-learn's `CountVectorizer(ngram_range=(1, 2))` makes them.
pub fn terms(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = TOKEN.find_iter(&lower).map(|m| m.as_str()).collect();
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    out.extend(words.windows(2).map(|w| format!("{} {}", w[0], w[1])));
    out
}

/// The fold of each of `n` units: a seeded shuffle dealt round the folds.
pub fn folds(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed;
    // Fisher–Yates with SplitMix64.
    for i in (1..n).rev() {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let j = (z % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut fold = vec![0; n];
    for (rank, &unit) in order.iter().enumerate() {
        fold[unit] = rank % k;
    }
    fold
}

/// Units as sparse term counts over one vocabulary.
struct Counts {
    /// Per unit, (term, count) sorted by term.
    units: Vec<Vec<(u32, u32)>>,
    terms: usize,
}

fn count(texts: &[&str]) -> Counts {
    let mut vocabulary: HashMap<String, u32> = HashMap::new();
    let mut units = Vec::with_capacity(texts.len());
    for text in texts {
        let mut ids: Vec<u32> = terms(text)
            .into_iter()
            .map(|t| {
                let next = vocabulary.len() as u32;
                *vocabulary.entry(t).or_insert(next)
            })
            .collect();
        ids.sort_unstable();
        let mut row: Vec<(u32, u32)> = Vec::new();
        for id in ids {
            match row.last_mut() {
                Some((last, n)) if *last == id => *n += 1,
                _ => row.push((id, 1)),
            }
        }
        units.push(row);
    }
    Counts {
        units,
        terms: vocabulary.len(),
    }
}

/// A trained naive Bayes model's parts that do not depend on the code: the training set's term
/// totals, its vocabulary (terms seen in training) and each term's log(total + alpha).
struct Training {
    /// Which units train (the others are scored).
    trains: Vec<bool>,
    totals: Vec<u64>,
    vocabulary: usize,
    log_total: Vec<f64>,
    words: u64,
}

const ALPHA: f64 = 1.0;

impl Training {
    fn new(counts: &Counts, trains: Vec<bool>) -> Training {
        let mut totals = vec![0u64; counts.terms];
        for (row, _) in counts.units.iter().zip(&trains).filter(|(_, &t)| t) {
            for &(t, n) in row {
                totals[t as usize] += n as u64;
            }
        }
        let vocabulary = totals.iter().filter(|&&n| n > 0).count();
        let log_total = totals.iter().map(|&n| (n as f64 + ALPHA).ln()).collect();
        let words = totals.iter().sum();
        Training {
            trains,
            totals,
            vocabulary,
            log_total,
            words,
        }
    }

    /// The probability that the code whose units are `positive` applies, for each unit of
    /// `scored`.
    fn score(
        &self,
        counts: &Counts,
        positive: &[bool],
        scored: impl Iterator<Item = usize>,
        delta: &mut Delta,
    ) -> Vec<(usize, f64)> {
        let n1 = positive
            .iter()
            .zip(&self.trains)
            .filter(|(&p, &t)| p && t)
            .count();
        let n = self.trains.iter().filter(|&&t| t).count();
        let n0 = n - n1;
        if n1 == 0 || n0 == 0 {
            let p = if n1 == 0 { 0.0 } else { 1.0 };
            return scored.map(|u| (u, p)).collect();
        }
        // Per term, the positive units' count.
        delta.touched.clear();
        for (u, row) in counts.units.iter().enumerate() {
            if !(self.trains[u] && positive[u]) {
                continue;
            }
            for &(t, c) in row {
                let t = t as usize;
                if delta.positive[t] == 0 {
                    delta.touched.push(t);
                }
                delta.positive[t] += c as u64;
            }
        }
        let words1: u64 = delta.touched.iter().map(|&t| delta.positive[t]).sum();
        let words0 = self.words - words1;
        let v = self.vocabulary as f64;
        let (norm1, norm0) = ((words1 as f64 + ALPHA * v).ln(), (words0 as f64 + ALPHA * v).ln());
        let (prior1, prior0) = ((n1 as f64 / n as f64).ln(), (n0 as f64 / n as f64).ln());
        let log_alpha = ALPHA.ln();
        for &t in &delta.touched {
            let fc1 = delta.positive[t] as f64;
            let fc0 = (self.totals[t] - delta.positive[t]) as f64;
            delta.d1[t] = (fc1 + ALPHA).ln() - log_alpha;
            delta.d0[t] = (fc0 + ALPHA).ln() - self.log_total[t];
        }
        let out = scored
            .map(|u| {
                let (mut words, mut base0, mut s1, mut s0) = (0.0, 0.0, 0.0, 0.0);
                for &(t, c) in &counts.units[u] {
                    let t = t as usize;
                    if self.totals[t] == 0 {
                        continue;
                    }
                    let c = c as f64;
                    words += c;
                    base0 += c * self.log_total[t];
                    s1 += c * delta.d1[t];
                    s0 += c * delta.d0[t];
                }
                let jll1 = prior1 + words * log_alpha + s1 - words * norm1;
                let jll0 = prior0 + base0 + s0 - words * norm0;
                (u, 1.0 / (1.0 + (jll0 - jll1).exp()))
            })
            .collect();
        for &t in &delta.touched {
            delta.positive[t] = 0;
            delta.d1[t] = 0.0;
            delta.d0[t] = 0.0;
        }
        out
    }
}

/// Per-term scratch tables, reset after each code.
struct Delta {
    positive: Vec<u64>,
    d1: Vec<f64>,
    d0: Vec<f64>,
    touched: Vec<usize>,
}

/// Learns each code from the analysis coders' coding, cross-validates it, and lists the
/// suggestions for the codes that pass.
pub fn suggest(project: &Project, params: &Params) -> Suggestions {
    let units = units(project);
    let index: HashMap<(usize, usize), usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| ((u.document, u.turn), i))
        .collect();
    let mut labels: Vec<Vec<CodeIdx>> = vec![Vec::new(); units.len()];
    // What the analysts have read: the units of documents they coded something in. Only
    // those are evidence either way; an answer nobody has coded yet is no example of "not C".
    let mut coded_documents = vec![false; project.documents.len()];
    for s in project.findings() {
        coded_documents[s.document as usize] = true;
        for turn in s.turns.range() {
            if let Some(&u) = index.get(&(s.document as usize, turn)) {
                labels[u].extend(s.codes.iter().copied());
            }
        }
    }
    for l in &mut labels {
        l.sort_unstable();
        l.dedup();
    }
    let texts: Vec<&str> = units.iter().map(|&u| unit_text(project, u)).collect();
    let counts = count(&texts);
    let k = params.folds.max(2);
    // The folds deal out the examples; the other units are in no fold.
    let reviewed_units: Vec<usize> = (0..units.len())
        .filter(|&u| coded_documents[units[u].document])
        .collect();
    let mut fold: Vec<Option<usize>> = vec![None; units.len()];
    for (&u, f) in reviewed_units
        .iter()
        .zip(folds(reviewed_units.len(), k, params.seed))
    {
        fold[u] = Some(f);
    }
    let mut delta = Delta {
        positive: vec![0; counts.terms],
        d1: vec![0.0; counts.terms],
        d0: vec![0.0; counts.terms],
        touched: Vec::new(),
    };
    let trainings: Vec<Training> = (0..k)
        .map(|f| Training::new(&counts, fold.iter().map(|&g| g.is_some_and(|g| g != f)).collect()))
        .collect();
    let everything = Training::new(&counts, fold.iter().map(Option::is_some).collect());
    let mut codes = Vec::new();
    for code in 0..project.codebook.codes.len() {
        let positive: Vec<bool> = labels.iter().map(|l| l.binary_search(&code).is_ok()).collect();
        let positives = positive.iter().filter(|&&p| p).count();
        if positives == 0 {
            continue;
        }
        if positives < params.min_examples {
            codes.push(CodeResult {
                code,
                positives,
                cv: None,
                suggestions: Vec::new(),
            });
            continue;
        }
        let mut scores = vec![0.0; units.len()];
        for (f, training) in trainings.iter().enumerate() {
            let held_out = (0..units.len()).filter(|&u| fold[u] == Some(f));
            for (u, p) in training.score(&counts, &positive, held_out, &mut delta) {
                scores[u] = p;
            }
        }
        let (mut tp, mut fp, mut fneg) = (0, 0, 0);
        for (u, &p) in scores.iter().enumerate().filter(|&(u, _)| fold[u].is_some()) {
            match (p >= params.threshold, positive[u]) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fneg += 1,
                (false, false) => {}
            }
        }
        let cv = Validation {
            true_positives: tp,
            false_positives: fp,
            false_negatives: fneg,
            scores,
        };
        let mut suggestions = Vec::new();
        if cv.passes(params.min_precision) {
            // The model that suggests trains on every unit, and scores those not coded with
            // the code.
            let uncoded = (0..units.len()).filter(|&u| !positive[u]);
            suggestions = everything
                .score(&counts, &positive, uncoded, &mut delta)
                .into_iter()
                .filter(|&(_, p)| p >= params.threshold)
                .collect();
            suggestions.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        codes.push(CodeResult {
            code,
            positives,
            cv: Some(cv),
            suggestions,
        });
    }
    Suggestions {
        units,
        fold,
        labels,
        codes,
    }
}
