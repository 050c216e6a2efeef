//! Inter-coder agreement: which units each coder coded with each code, and the statistics
//! over them ([`stats`]).
//!
//! Units:
//! - `char`: every character of every compared document is coded or not with each code, by
//!   each coder (NVivo's coding comparison). Runs of characters coded alike are one weighted
//!   row, so nothing is expanded per character.
//! - `sentence` and `turn`: a unit counts as coded with a code when a segment of the coder with
//!   that code overlaps it.
//! - `segment` (two coders): two coders' segments with a code match when they overlap by at
//!   least `overlap` of the longer one (MAXQDA's segment comparison); each matched pair is one
//!   unit coded by both, each unmatched segment a unit coded by one coder only.
//!
//! ATLAS.ti's alpha-binary, cu-alpha and Cu-alpha are computed on the character continuum of
//! the compared documents laid end to end, with the codebook's categories as semantic domains.

pub mod stats;

use crate::codebook::CodeIdx;
use crate::coding::CoderIdx;
use crate::output::{Cell, Table};
use crate::project::Project;
use clap::ValueEnum;
use rayon::prelude::*;
use stats::Unit;
use std::collections::BTreeMap;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum UnitKind {
    #[default]
    Char,
    Sentence,
    Turn,
    Segment,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Char => "char",
            UnitKind::Sentence => "sentence",
            UnitKind::Turn => "turn",
            UnitKind::Segment => "segment",
        }
    }
}

/// What to compare.
#[derive(Debug, Clone)]
pub struct Options {
    pub coders: Vec<CoderIdx>,
    /// Documents to compare; `None`: those every compared coder coded.
    pub documents: Option<Vec<usize>>,
    /// Codes to compare; `None`: every code a compared coder used on a compared document.
    pub codes: Option<Vec<CodeIdx>>,
    pub unit: UnitKind,
    /// For `segment` units: the share of the longer segment two segments must overlap by.
    pub overlap: f64,
}

/// Which rows a figure is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Code(CodeIdx),
    /// A codebook category, as ATLAS.ti's semantic domain.
    Domain(usize),
    /// Pooled over all compared codes.
    All,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub scope: Scope,
    /// Units compared (characters for `char`).
    pub units: f64,
    pub percent_agreement: Option<f64>,
    pub cohen_kappa: Option<f64>,
    pub krippendorff_alpha: Option<f64>,
    pub alpha_binary: Option<f64>,
    pub cu_alpha: Option<f64>,
    /// Cu-alpha, over all domains (on the pooled row).
    pub cu_alpha_global: Option<f64>,
}

/// A passage the coders coded differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub code: CodeIdx,
    pub document: usize,
    pub chars: Range<usize>,
    pub coded_by: Vec<CoderIdx>,
    pub not_by: Vec<CoderIdx>,
}

#[derive(Debug, Clone)]
pub struct Agreement {
    pub unit: UnitKind,
    pub coders: Vec<CoderIdx>,
    pub documents: Vec<usize>,
    pub rows: Vec<Figures>,
    pub disagreements: Vec<Disagreement>,
    /// Why an ATLAS.ti coefficient could not be computed, where it could not.
    pub notes: Vec<String>,
}

fn number(x: Option<f64>) -> Cell {
    x.map_or(Cell::Null, Cell::Float)
}

impl Agreement {
    /// Tidy records, one per code, domain and the pooled row: `unit,code,coders,
    /// percent_agreement,cohen_kappa,krippendorff_alpha,alpha_binary,cu_alpha,cu_alpha_global,
    /// scope,units,kappa_band,alpha_band`.
    pub fn table(&self, project: &Project) -> Table {
        let a = self;
        let names: Vec<&str> = a.coders.iter().map(|&c| project.coders[c].as_str()).collect();
        let coders = names.join(";");
        let coders = coders.as_str();
        let mut t = Table::new(&[
            "unit",
            "code",
            "coders",
            "percent_agreement",
            "cohen_kappa",
            "krippendorff_alpha",
            "alpha_binary",
            "cu_alpha",
            "cu_alpha_global",
            "scope",
            "units",
            "kappa_band",
            "alpha_band",
        ]);
        for f in &a.rows {
            let (code, scope) = match &f.scope {
                Scope::Code(c) => (project.codebook.codes[*c].id.clone(), "code"),
                Scope::Domain(d) => (project.codebook.categories[*d].name.clone(), "domain"),
                Scope::All => ("*".to_string(), "all"),
            };
            t.push(vec![
                a.unit.as_str().into(),
                project.redactions.apply(&code).into(),
                coders.into(),
                number(f.percent_agreement),
                number(f.cohen_kappa),
                number(f.krippendorff_alpha),
                number(f.alpha_binary),
                number(f.cu_alpha),
                number(f.cu_alpha_global),
                scope.into(),
                Cell::Float(f.units),
                f.cohen_kappa
                    .map_or(Cell::Null, |k| stats::kappa_band(k).label().into()),
                f.krippendorff_alpha
                    .map_or(Cell::Null, |x| stats::alpha_band(x).label().into()),
            ]);
        }
        t
    }
}

/// The documents each coder coded.
pub fn documents_coded_by(project: &Project, coder: CoderIdx) -> Vec<usize> {
    let mut docs: Vec<usize> = project
        .segments
        .iter()
        .filter(|s| (s.coder as usize) == coder)
        .map(|s| s.document as usize)
        .collect();
    docs.sort_unstable();
    docs.dedup();
    docs
}

/// Sorted, merged character intervals per (code, document, coder).
type Intervals = BTreeMap<(CodeIdx, usize, CoderIdx), Vec<Range<usize>>>;

/// Computes agreement. `opts.coders` must hold at least two coders (the caller checks).
pub fn compare(project: &Project, opts: &Options) -> Agreement {
    let documents = opts.documents.clone().unwrap_or_else(|| {
        let mut shared = documents_coded_by(project, opts.coders[0]);
        for &c in &opts.coders[1..] {
            let theirs = documents_coded_by(project, c);
            shared.retain(|d| theirs.contains(d));
        }
        shared
    });
    let in_docs = |d: usize| documents.binary_search(&d).is_ok();
    let position = |c: CoderIdx| opts.coders.iter().position(|&x| x == c);
    let segments: Vec<&crate::coding::CodedSegment> = project
        .segments
        .iter()
        .filter(|s| in_docs(s.document as usize) && position(s.coder as usize).is_some())
        .collect();
    let codes: Vec<CodeIdx> = match &opts.codes {
        Some(c) => c.clone(),
        None => {
            let mut used: Vec<CodeIdx> = segments.iter().flat_map(|s| s.codes.iter().copied()).collect();
            used.sort_unstable();
            used.dedup();
            used
        }
    };
    let mut raw: Intervals = BTreeMap::new();
    for s in &segments {
        let k = position(s.coder as usize).expect("filtered above");
        for &code in &s.codes {
            raw.entry((code, s.document as usize, k))
                .or_default()
                .push(s.chars.range());
        }
    }
    let intervals: Intervals = raw
        .iter()
        .map(|(key, list)| (*key, merge(list.clone())))
        .collect();
    let m = opts.coders.len();
    let mut rows = Vec::new();
    let mut pooled: Vec<Unit> = Vec::new();
    let mut disagreements = Vec::new();
    // Sentence and turn units of each compared document, found once.
    let blocks: Vec<Vec<Range<usize>>> = match opts.unit {
        UnitKind::Sentence | UnitKind::Turn => documents
            .par_iter()
            .map(|&d| {
                let doc = &project.documents[d];
                match opts.unit {
                    UnitKind::Turn => doc.turns.iter().map(|t| t.chars.range()).collect(),
                    _ => (0..doc.turns.len()).flat_map(|t| doc.sentences(t)).collect(),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    for &code in &codes {
        let units = match opts.unit {
            UnitKind::Char => char_units(project, &documents, &intervals, code, m, &mut disagreements),
            UnitKind::Sentence | UnitKind::Turn => {
                block_units(&documents, &blocks, &intervals, code, m, &mut disagreements)
            }
            UnitKind::Segment => segment_units(&raw, &documents, code, opts.overlap, &mut disagreements),
        };
        let mut f = figures(Scope::Code(code), &units);
        let atlas = atlas_segments(project, &documents, &intervals, &[code]);
        f.alpha_binary = stats::atlas_alpha_binary(atlas.0, m, &atlas.1).ok().flatten();
        rows.push(f);
        pooled.extend(units);
    }
    // Semantic domains: the codebook's categories holding compared codes.
    let mut notes = Vec::new();
    let book = &project.codebook;
    let mut domains: Vec<usize> = codes.iter().filter_map(|&c| book.codes[c].category).collect();
    domains.sort_unstable();
    domains.dedup();
    let mut overlapping = Vec::new();
    for d in domains {
        let members: Vec<CodeIdx> = codes
            .iter()
            .copied()
            .filter(|&c| book.codes[c].category == Some(d))
            .collect();
        let (length, segs) = atlas_segments(project, &documents, &intervals, &members);
        let mut f = empty(Scope::Domain(d));
        match stats::Unitizing::new(length, m, &segs) {
            Ok(u) => {
                f.alpha_binary = u.binary_u_alpha();
                f.cu_alpha = u.cu_alpha();
            }
            Err(_) => overlapping.push(book.categories[d].name.clone()),
        }
        rows.push(f);
    }
    if !overlapping.is_empty() {
        notes.push(format!(
            "alpha-binary and cu-alpha are undefined for {} where a coder applied two of the domain's codes to overlapping text (ATLAS.ti's coefficients need the codes of a semantic domain to be mutually exclusive)",
            overlapping.join("; ")
        ));
    }
    let mut all = figures(Scope::All, &pooled);
    let (length, segs) = atlas_segments(project, &documents, &intervals, &codes);
    let domain_of = |c: u32| book.codes[c as usize].category.map_or(u32::MAX - c, |d| d as u32);
    match stats::atlas_global_cu_alpha(length, m, &segs, domain_of) {
        Ok(v) => all.cu_alpha_global = v,
        Err(_) => notes.push(
            "Cu-alpha is undefined: a coder applied codes of two semantic domains to overlapping text (it needs each coder's codings to be mutually exclusive across domains)".to_string(),
        ),
    }
    rows.push(all);
    disagreements.sort_by_key(|d| (d.code, d.document, d.chars.start, d.chars.end));
    Agreement {
        unit: opts.unit,
        coders: opts.coders.clone(),
        documents,
        rows,
        disagreements,
        notes,
    }
}

fn empty(scope: Scope) -> Figures {
    Figures {
        scope,
        units: 0.0,
        percent_agreement: None,
        cohen_kappa: None,
        krippendorff_alpha: None,
        alpha_binary: None,
        cu_alpha: None,
        cu_alpha_global: None,
    }
}

fn figures(scope: Scope, units: &[Unit]) -> Figures {
    Figures {
        units: units.iter().map(|u| u.weight).sum(),
        percent_agreement: stats::percent_agreement(units),
        cohen_kappa: stats::cohen_kappa(units),
        krippendorff_alpha: stats::krippendorff_alpha_nominal(units),
        ..empty(scope)
    }
}

fn merge(mut list: Vec<Range<usize>>) -> Vec<Range<usize>> {
    list.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(list.len());
    for r in list {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

fn coded(list: Option<&Vec<Range<usize>>>, unit: &Range<usize>) -> bool {
    let Some(list) = list else { return false };
    let i = list.partition_point(|r| r.end <= unit.start);
    list.get(i).is_some_and(|r| r.start < unit.end)
}

/// Which of the compared coders coded a unit: bit `k` for coder `k`, for any number of
/// coders (a `u64` held 63 at most). One word orders as the `u64` did.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Mask(Vec<u64>);

impl Mask {
    fn none(m: usize) -> Mask {
        Mask(vec![0; m.div_ceil(64).max(1)])
    }

    fn of(m: usize, coded: impl Fn(usize) -> bool) -> Mask {
        let mut mask = Mask::none(m);
        for k in (0..m).filter(|&k| coded(k)) {
            mask.set(k, true);
        }
        mask
    }

    fn set(&mut self, k: usize, on: bool) {
        if on {
            self.0[k / 64] |= 1 << (k % 64);
        } else {
            self.0[k / 64] &= !(1 << (k % 64));
        }
    }

    fn has(&self, k: usize) -> bool {
        self.0[k / 64] >> (k % 64) & 1 == 1
    }

    fn is_none(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    /// Some coders coded it and some did not.
    fn is_mixed(&self, m: usize) -> bool {
        !self.is_none() && (0..m).any(|k| !self.has(k))
    }
}

/// A unit's values: 1 for each coder who coded it, 0 otherwise.
fn unit_of(mask: &Mask, m: usize, weight: f64) -> Unit {
    Unit::weighted((0..m).map(|k| Some(mask.has(k) as u32)).collect(), weight)
}

fn record(
    out: &mut Vec<Disagreement>,
    code: CodeIdx,
    document: usize,
    chars: Range<usize>,
    mask: &Mask,
    m: usize,
) {
    let coded_by: Vec<CoderIdx> = (0..m).filter(|&k| mask.has(k)).collect();
    let not_by: Vec<CoderIdx> = (0..m).filter(|&k| !mask.has(k)).collect();
    out.push(Disagreement {
        code,
        document,
        chars,
        coded_by,
        not_by,
    });
}

fn char_units(
    project: &Project,
    documents: &[usize],
    intervals: &Intervals,
    code: CodeIdx,
    m: usize,
    disagreements: &mut Vec<Disagreement>,
) -> Vec<Unit> {
    let mut weights: BTreeMap<Mask, f64> = BTreeMap::new();
    for &d in documents {
        // Sweep the boundaries of every coder's intervals.
        let mut events: Vec<(usize, i8, usize)> = Vec::new();
        for k in 0..m {
            for r in intervals.get(&(code, d, k)).into_iter().flatten() {
                events.push((r.start, 1, k));
                events.push((r.end, -1, k));
            }
        }
        events.sort_unstable();
        let mut mask = Mask::none(m);
        let mut at = 0;
        let mut covered = 0;
        let mut run: Option<(usize, Mask)> = None;
        for (pos, kind, k) in events {
            if pos > at && !mask.is_none() {
                *weights.entry(mask.clone()).or_default() += (pos - at) as f64;
                covered += pos - at;
            }
            // Disagreement runs: maximal stretches with one mixed mask.
            if pos > at {
                run = match run {
                    Some((start, rm)) if rm == mask => Some((start, rm)),
                    Some((start, rm)) => {
                        if rm.is_mixed(m) {
                            record(disagreements, code, d, start..at, &rm, m);
                        }
                        Some((at, mask.clone()))
                    }
                    None => Some((at, mask.clone())),
                };
            }
            at = pos;
            mask.set(k, kind > 0);
        }
        if let Some((start, rm)) = run {
            if rm.is_mixed(m) && at > start {
                record(disagreements, code, d, start..at, &rm, m);
            }
        }
        let chars = project.documents[d].chars as usize;
        *weights.entry(Mask::none(m)).or_default() += chars.saturating_sub(covered) as f64;
    }
    weights
        .into_iter()
        .filter(|(_, w)| *w > 0.0)
        .map(|(mask, w)| unit_of(&mask, m, w))
        .collect()
}

fn block_units(
    documents: &[usize],
    blocks: &[Vec<Range<usize>>],
    intervals: &Intervals,
    code: CodeIdx,
    m: usize,
    disagreements: &mut Vec<Disagreement>,
) -> Vec<Unit> {
    let mut weights: BTreeMap<Mask, f64> = BTreeMap::new();
    for (&d, units) in documents.iter().zip(blocks) {
        let lists: Vec<Option<&Vec<Range<usize>>>> = (0..m).map(|k| intervals.get(&(code, d, k))).collect();
        if lists.iter().all(Option::is_none) {
            // Nobody coded this document with the code: every unit is uncoded by all.
            *weights.entry(Mask::none(m)).or_default() += units.len() as f64;
            continue;
        }
        for unit in units {
            let mask = Mask::of(m, |k| coded(lists[k], unit));
            if mask.is_mixed(m) {
                record(disagreements, code, d, unit.clone(), &mask, m);
            }
            *weights.entry(mask).or_default() += 1.0;
        }
    }
    weights
        .into_iter()
        .map(|(mask, w)| unit_of(&mask, m, w))
        .collect()
}

fn segment_units(
    raw: &Intervals,
    documents: &[usize],
    code: CodeIdx,
    overlap: f64,
    disagreements: &mut Vec<Disagreement>,
) -> Vec<Unit> {
    let mut units = Vec::new();
    for &d in documents {
        let of = |k: usize| -> Vec<Range<usize>> {
            let mut v = raw.get(&(code, d, k)).cloned().unwrap_or_default();
            v.sort_by_key(|r| (r.start, r.end));
            v.dedup();
            v
        };
        let (a, b) = (of(0), of(1));
        let mut b_used = vec![false; b.len()];
        for ra in &a {
            let matched = b.iter().enumerate().position(|(j, rb)| {
                let shared = ra.end.min(rb.end).saturating_sub(ra.start.max(rb.start));
                let longer = ra.len().max(rb.len());
                !b_used[j] && longer > 0 && shared as f64 >= overlap * longer as f64
            });
            match matched {
                Some(j) => {
                    b_used[j] = true;
                    units.push(unit_of(&Mask::of(2, |_| true), 2, 1.0));
                }
                None => {
                    let first = Mask::of(2, |k| k == 0);
                    units.push(unit_of(&first, 2, 1.0));
                    record(disagreements, code, d, ra.clone(), &first, 2);
                }
            }
        }
        for (rb, _) in b.iter().zip(&b_used).filter(|(_, used)| !**used) {
            let second = Mask::of(2, |k| k == 1);
            units.push(unit_of(&second, 2, 1.0));
            record(disagreements, code, d, rb.clone(), &second, 2);
        }
    }
    units
}

/// The coders' segments for `codes` on the compared documents laid end to end, each code's
/// index as its category; and the continuum's length.
fn atlas_segments(
    project: &Project,
    documents: &[usize],
    intervals: &Intervals,
    codes: &[CodeIdx],
) -> (u64, Vec<stats::CodedSegment>) {
    let mut offsets = std::collections::HashMap::with_capacity(documents.len());
    let mut length = 0u64;
    for &d in documents {
        offsets.insert(d, length);
        length += project.documents[d].chars as u64;
    }
    let mut out = Vec::new();
    for ((code, doc, k), list) in intervals {
        let Some(offset) = offsets.get(doc).filter(|_| codes.contains(code)) else {
            continue;
        };
        out.extend(list.iter().map(|r| stats::CodedSegment {
            coder: *k,
            start: offset + r.start as u64,
            end: offset + r.end as u64,
            category: *code as u32,
        }));
    }
    (length, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_hold_any_number_of_coders_and_order_as_one_word_did() {
        let m = 130;
        let mask = Mask::of(m, |k| k == 0 || k == 64 || k == 129);
        assert!(mask.has(64) && mask.has(129) && !mask.has(63));
        assert!(mask.is_mixed(m));
        assert!(!Mask::of(m, |_| true).is_mixed(m) && !Mask::none(m).is_mixed(m));
        let a = Mask::of(3, |k| k == 1);
        let b = Mask::of(3, |k| k == 0 || k == 1);
        assert!(a < b, "2 < 3 as u64 masks");
    }

    #[test]
    fn intervals_merge_and_lookup() {
        let m = merge(vec![5..8, 0..2, 1..3, 8..9]);
        assert_eq!(m, [0..3, 5..9]);
        assert!(coded(Some(&m), &(2..4)));
        assert!(!coded(Some(&m), &(3..5)));
        assert!(coded(Some(&m), &(8..20)));
        assert!(!coded(None, &(0..1)));
    }
}
