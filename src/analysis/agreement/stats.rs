//! Inter-coder agreement statistics: pure functions over plain data (std only, no I/O).
//!
//! Two kinds of data:
//!
//! - **Reliability data** ([`Unit`]): units (characters, sentences, turns, segments), each with one
//!   value per coder (`None` = the coder gave no value) and a weight, the number of identical units
//!   the row stands for, so that a run of characters coded the same way is one row. Every statistic
//!   on weighted rows equals the statistic on the rows expanded one unit per weight (for integer
//!   weights the results are bit-for-bit identical). On it: [`percent_agreement`],
//!   [`cohen_kappa`] and [`krippendorff_alpha_nominal`].
//! - **A unitized continuum** ([`CodedSegment`], [`Unitizing`]): a text of `length` characters in
//!   which each coder marked segments `[start, end)` and gave each a category. On it:
//!   Krippendorff's unitizing alphas uα, |uα and cuα (Krippendorff, Mathet, Bouvry & Widlöcher 2016;
//!   Krippendorff 2019, section 12.6) and ATLAS.ti's α-binary, cu-α and Cu-α built from them
//!   ([`atlas_alpha_binary`], [`atlas_cu_alpha`], [`atlas_global_cu_alpha`]).
//!
//! A statistic that is undefined (no variation to compare against, nothing pairable, fewer than
//! two coders) is `None`, never 0 or 1.
//!
//! References:
//! - Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
//!   Psychological Measurement* 20(1), 37–46.
//! - Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*. Annenberg School for
//!   Communication, University of Pennsylvania.
//! - Krippendorff, K., Mathet, Y., Bouvry, S. & Widlöcher, A. (2016). On the reliability of
//!   unitizing textual continua: Further developments. *Quality & Quantity* 50, 2347–2364.
//! - Krippendorff, K. (2019). *Content Analysis: An Introduction to Its Methodology* (4th ed.),
//!   section 12.6 "Unitizing continua". Sage.
//! - Landis, J. R. & Koch, G. G. (1977). The measurement of observer agreement for categorical
//!   data. *Biometrics* 33(1), 159–174.
//! - ATLAS.ti Scientific Software Development GmbH, *Inter-coder Agreement Analysis* (manual,
//!   ATLAS.ti 8/9, "Krippendorff's family of alpha coefficients").

use std::collections::BTreeMap;
use std::fmt;

// ---------------------------------------------------------------------------------------------
// Reliability data
// ---------------------------------------------------------------------------------------------

/// One row of reliability data: the value each coder gave to a unit and how many identical units
/// the row stands for.
///
/// `values[i]` is coder `i`'s value (`None`: coder `i` gave none, i.e. missing). Rows may be of
/// different lengths: the number of coders of a data set is the length of its longest row, and
/// the positions a shorter row lacks are missing. `weight` must be finite and non-negative (a
/// row of weight 0 counts for nothing); the functions panic otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub values: Vec<Option<u32>>,
    pub weight: f64,
}

impl Unit {
    /// A row standing for one unit.
    pub fn new(values: Vec<Option<u32>>) -> Unit {
        Unit { values, weight: 1.0 }
    }

    /// A row standing for `weight` identical units (e.g. a run of `weight` characters coded the
    /// same way by every coder).
    pub fn weighted(values: Vec<Option<u32>>, weight: f64) -> Unit {
        Unit { values, weight }
    }
}

/// The number of coders of the data: the length of the longest row.
pub fn coder_count(units: &[Unit]) -> usize {
    units.iter().map(|u| u.values.len()).max().unwrap_or(0)
}

fn checked_weight(u: &Unit) -> f64 {
    assert!(
        u.weight.is_finite() && u.weight >= 0.0,
        "reliability data: a unit's weight must be finite and non-negative, got {}",
        u.weight
    );
    u.weight
}

/// Percent agreement: the share of pairable units on which all the coders who coded the unit
/// gave the same value.
///
/// A unit is *pairable* when at least two coders gave it a value; units with fewer values (one
/// coder, or none) are left out of numerator and denominator alike. A pairable unit *agrees* when
/// all its non-missing values are equal: with more than two coders this is unanimity among those
/// who coded it (not the mean pairwise agreement), and a coder's missing value neither breaks nor
/// makes agreement. Weighted:
///
/// ```text
/// PA = Σ_u w_u·[u pairable and all its values equal] / Σ_u w_u·[u pairable]
/// ```
///
/// For two coders without missing values this is the plain share of units where both give the
/// same value (ATLAS.ti manual, "Percent agreement": agreements / units; NVivo's coding
/// comparison "agreement" on characters). `None` when no unit is pairable.
pub fn percent_agreement(units: &[Unit]) -> Option<f64> {
    let mut agree = 0.0;
    let mut pairable = 0.0;
    for u in units {
        let w = checked_weight(u);
        let mut present = u.values.iter().flatten();
        let Some(first) = present.next() else { continue };
        let mut n = 1usize;
        let mut same = true;
        for v in present {
            n += 1;
            same &= v == first;
        }
        if n >= 2 {
            pairable += w;
            if same {
                agree += w;
            }
        }
    }
    (pairable > 0.0).then(|| agree / pairable)
}

/// Cohen's kappa for exactly two coders (Cohen 1960):
///
/// ```text
/// κ = (p_o − p_e) / (1 − p_e),   p_o = Σ_c p_cc,   p_e = Σ_c p_c· p_·c
/// ```
///
/// where `p_ck` is the (weighted) share of units coder 1 gave `c` and coder 2 gave `k`, and
/// `p_c·`, `p_·c` are each coder's own marginal shares. Units where either coder's value is
/// missing are dropped. It is computed in the algebraically identical form
/// `κ = 1 − q_o / q_e` with the disagreements summed directly, `q_o = Σ_{c≠k} p_ck = 1 − p_o` and
/// `q_e = Σ_c p_c· Σ_{k≠c} p_·k = 1 − p_e`, which avoids the cancellation in `1 − p_e`; this is
/// scikit-learn's `cohen_kappa_score` (unweighted).
///
/// `None` when the data do not have exactly two coders ([`coder_count`] ≠ 2), when no unit has
/// both values, or when `p_e = 1` (both coders used one and the same value throughout: no
/// variation), never 0 or 1.
pub fn cohen_kappa(units: &[Unit]) -> Option<f64> {
    if coder_count(units) != 2 {
        return None;
    }
    let mut index = BTreeMap::new();
    let mut cells: Vec<(usize, usize, f64)> = Vec::new();
    for u in units {
        let w = checked_weight(u);
        let (Some(Some(a)), Some(Some(b))) = (u.values.first(), u.values.get(1)) else {
            continue;
        };
        let n = index.len();
        let a = *index.entry(*a).or_insert(n);
        let n = index.len();
        let b = *index.entry(*b).or_insert(n);
        cells.push((a, b, w));
    }
    let v = index.len();
    let mut table = vec![0.0; v * v];
    for (a, b, w) in cells {
        table[a * v + b] += w;
    }
    let total: f64 = table.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut disagree = 0.0;
    let mut first = vec![0.0; v];
    let mut second = vec![0.0; v];
    for c in 0..v {
        for k in 0..v {
            let x = table[c * v + k];
            first[c] += x;
            second[k] += x;
            if c != k {
                disagree += x;
            }
        }
    }
    let q_o = disagree / total;
    let mut q_e = 0.0;
    for (c, first_c) in first.iter().enumerate() {
        let others: f64 = second
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != c)
            .map(|(_, x)| x)
            .sum();
        q_e += (first_c / total) * (others / total);
    }
    (q_e > 0.0).then(|| 1.0 - q_o / q_e)
}

/// Krippendorff's alpha, nominal metric, for any number of coders with missing values allowed
/// (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", section C; Krippendorff
/// 2019, section 12.3), through the coincidence matrix:
///
/// ```text
/// o_ck = Σ_u w_u · #{ordered pairs (i, j), i ≠ j, of u's values with v_i = c, v_j = k} / (m_u − 1)
/// n_c  = Σ_k o_ck,   n = Σ_c n_c
/// α    = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k
/// ```
///
/// `m_u` is the number of values unit `u` received; units with `m_u < 2` are not pairable and
/// drop out (they add nothing to `o`). `Σ_{c≠k} n_c n_k` is summed directly as
/// `Σ_c n_c · Σ_{k≠c} n_k`. This is the `krippendorff` Python package's
/// `alpha(reliability_data, level_of_measurement="nominal")`.
///
/// `None` when nothing is pairable or when the pairable values are all one value (no variation:
/// `Σ_{c≠k} n_c n_k = 0`), never 0 or 1.
pub fn krippendorff_alpha_nominal(units: &[Unit]) -> Option<f64> {
    let m = coder_count(units);
    if m < 2 {
        return None;
    }
    let mut index = BTreeMap::new();
    for u in units {
        for v in u.values.iter().flatten() {
            let n = index.len();
            index.entry(*v).or_insert(n);
        }
    }
    let v = index.len();
    // Unnormalized pair counts, one matrix per number of values in a unit (2..=m), so that each
    // is a sum of weight × integer and is divided by (m_u − 1) only once: integer weights then
    // give exactly the same sums as the expanded units.
    let mut by_size = vec![vec![0.0; v * v]; m + 1];
    let mut counts = vec![0usize; v];
    let mut seen: Vec<usize> = Vec::new();
    for u in units {
        let w = checked_weight(u);
        seen.clear();
        let mut m_u = 0usize;
        for x in u.values.iter().flatten() {
            let c = index[x];
            if counts[c] == 0 {
                seen.push(c);
            }
            counts[c] += 1;
            m_u += 1;
        }
        if m_u >= 2 {
            let mat = &mut by_size[m_u];
            for &c in &seen {
                for &k in &seen {
                    let pairs = if c == k {
                        counts[c] * (counts[c] - 1)
                    } else {
                        counts[c] * counts[k]
                    };
                    if pairs > 0 {
                        mat[c * v + k] += w * pairs as f64;
                    }
                }
            }
        }
        for &c in &seen {
            counts[c] = 0;
        }
    }
    let mut o = vec![0.0; v * v];
    for (m_u, mat) in by_size.iter().enumerate().skip(2) {
        let d = (m_u - 1) as f64;
        for (cell, x) in o.iter_mut().zip(mat) {
            *cell += x / d;
        }
    }
    let n_c: Vec<f64> = (0..v).map(|c| o[c * v..(c + 1) * v].iter().sum()).collect();
    let n: f64 = n_c.iter().sum();
    if n <= 0.0 {
        return None;
    }
    let mut observed = 0.0;
    let mut expected = 0.0;
    for c in 0..v {
        let mut others = 0.0;
        for k in 0..v {
            if k != c {
                observed += o[c * v + k];
                others += n_c[k];
            }
        }
        expected += n_c[c] * others;
    }
    (expected > 0.0).then(|| 1.0 - (n - 1.0) * observed / expected)
}

// ---------------------------------------------------------------------------------------------
// Unitized continua
// ---------------------------------------------------------------------------------------------

/// A stretch of the continuum that one coder marked and gave a category.
///
/// Positions are 0-based character offsets (for `thematic`, Unicode scalar values of the
/// document text), `start` inclusive and `end` exclusive: the segment covers `end − start`
/// characters. `coder` is the coder's index, `0..coders`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodedSegment {
    pub coder: usize,
    pub start: u64,
    pub end: u64,
    pub category: u32,
}

/// Why segments cannot be read as unitizations of the continuum. `segment`, `first` and `second`
/// are indices into the slice given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitizingError {
    /// The segment's coder is not below the number of coders.
    CoderOutOfRange {
        segment: usize,
        coder: usize,
        coders: usize,
    },
    /// The segment is empty (`end <= start`).
    EmptySegment { segment: usize },
    /// The segment ends past the end of the continuum.
    PastEnd { segment: usize, end: u64, length: u64 },
    /// Two segments of the same coder overlap: a coder's segments must not overlap (Krippendorff's
    /// unitizing alphas take each coder's segments and the gaps between them as a partition of
    /// the continuum). Merge them, or compare the categories that overlap separately.
    Overlap {
        coder: usize,
        first: usize,
        second: usize,
    },
    /// `(coders − 1) · coders · length` does not fit in 64 bits.
    TooLong,
}

impl fmt::Display for UnitizingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitizingError::CoderOutOfRange {
                segment,
                coder,
                coders,
            } => {
                write!(
                    f,
                    "segment {segment}: coder {coder} is not one of the {coders} coders"
                )
            }
            UnitizingError::EmptySegment { segment } => write!(f, "segment {segment} is empty"),
            UnitizingError::PastEnd { segment, end, length } => {
                write!(
                    f,
                    "segment {segment} ends at {end}, past the end of the text ({length})"
                )
            }
            UnitizingError::Overlap { coder, first, second } => {
                write!(f, "segments {first} and {second} of coder {coder} overlap")
            }
            UnitizingError::TooLong => write!(f, "the continuum is too long for the unitizing alphas"),
        }
    }
}

impl std::error::Error for UnitizingError {}

/// Coincidences of a unitized continuum, from which Krippendorff's unitizing alphas are read.
///
/// Each coder's segments and the gaps between them partition the continuum `[0, length)`; a gap
/// has the value ∅ ("irrelevant matter"). With `m` coders and `M = m − 1`, following
/// Krippendorff et al. (2016, eqs. 1–4; Krippendorff 2019, eqs. 32–33):
///
/// ```text
/// observed   l_ck = (1/M) Σ_i Σ_{j≠i} Σ_g Σ_h |S_ig(c) ∩ S_jh(k)|         l_·· = m·L
/// expected   e_ck = l_·· (l_c· l_·k − [c = k] Σ_{i,g valued c} ℓ²_ig) / (l_··² − S)
///            S    = Σ_i Σ_g (ℓ_ig if S_ig is a gap, ℓ²_ig if it is a unit)
/// ```
///
/// where `S_ig(c)` is coder `i`'s `g`-th section (unit or gap) valued `c` and `ℓ_ig` its length:
/// a unit pairs with itself as a whole (`ℓ²`), a gap as `ℓ` single characters (gaps have no
/// identified structure). Adjacent units of one coder stay distinct units even with the same
/// category. Since the gap term is linear, several documents can be laid end to end (offset each
/// document's positions by the lengths of those before it) and give the same figures as one
/// continuum made of separate sections.
///
/// The sums are kept as exact integers, scaled by `M` (`O_ck = M·l_ck`), and each alpha is
/// evaluated from exact integer differences, so there is no cancellation.
#[derive(Debug, Clone)]
pub struct Unitizing {
    /// Number of values: index 0 is the gap ∅, `1..v` the categories in increasing order.
    v: usize,
    categories: Vec<u32>,
    /// `M · l_ck`, row-major `v × v`.
    observed: Vec<u128>,
    /// `M² · S`: the self-pairing correction of uα, scaled.
    unit_self: u128,
    /// `Σ_i Σ_g P_ig²` over units, where `P_ig = M·ℓ*_ig` is the total length of unit `g` of coder
    /// `i` that intersects other coders' units (the correction of cuα, scaled by `M²`).
    cu_self: u128,
}

#[derive(Debug, Clone, Copy)]
struct Section {
    start: u64,
    end: u64,
    /// 0 = gap, else 1 + index of the category.
    value: usize,
}

impl Unitizing {
    /// Reads the segments of `coders` coders over a continuum of `length` characters.
    ///
    /// A coder with no segment left one gap over the whole continuum. Fewer than two coders is
    /// allowed (every alpha is then `None`). Errors: a coder index out of range, an empty
    /// segment, a segment ending past `length`, two segments of one coder that overlap.
    pub fn new(length: u64, coders: usize, segments: &[CodedSegment]) -> Result<Unitizing, UnitizingError> {
        let m = coders as u128;
        let scale = m.saturating_sub(1);
        if scale * m * u128::from(length) > u128::from(u64::MAX) {
            return Err(UnitizingError::TooLong);
        }
        let mut categories: Vec<u32> = segments.iter().map(|s| s.category).collect();
        categories.sort_unstable();
        categories.dedup();
        let v = categories.len() + 1;

        let mut per_coder: Vec<Vec<(CodedSegment, usize)>> = vec![Vec::new(); coders];
        for (i, s) in segments.iter().enumerate() {
            if s.coder >= coders {
                return Err(UnitizingError::CoderOutOfRange {
                    segment: i,
                    coder: s.coder,
                    coders,
                });
            }
            if s.end <= s.start {
                return Err(UnitizingError::EmptySegment { segment: i });
            }
            if s.end > length {
                return Err(UnitizingError::PastEnd {
                    segment: i,
                    end: s.end,
                    length,
                });
            }
            per_coder[s.coder].push((*s, i));
        }

        let mut partitions: Vec<Vec<Section>> = Vec::with_capacity(coders);
        let mut unit_self: u128 = 0;
        for (coder, segs) in per_coder.iter_mut().enumerate() {
            segs.sort_by_key(|(s, i)| (s.start, *i));
            let mut sections = Vec::with_capacity(2 * segs.len() + 1);
            let mut cursor = 0u64;
            let mut previous: Option<usize> = None;
            for (s, i) in segs.iter() {
                if s.start < cursor {
                    return Err(UnitizingError::Overlap {
                        coder,
                        first: previous.expect("a segment before"),
                        second: *i,
                    });
                }
                if s.start > cursor {
                    sections.push(Section {
                        start: cursor,
                        end: s.start,
                        value: 0,
                    });
                }
                let value = 1 + categories.binary_search(&s.category).expect("a known category");
                sections.push(Section {
                    start: s.start,
                    end: s.end,
                    value,
                });
                cursor = s.end;
                previous = Some(*i);
            }
            if cursor < length {
                sections.push(Section {
                    start: cursor,
                    end: length,
                    value: 0,
                });
            }
            for s in &sections {
                let len = u128::from(s.end - s.start);
                unit_self += if s.value == 0 { len } else { len * len };
            }
            partitions.push(sections);
        }

        let mut observed = vec![0u128; v * v];
        let mut pairable: Vec<Vec<u128>> = partitions.iter().map(|p| vec![0; p.len()]).collect();
        for i in 0..coders {
            for j in i + 1..coders {
                let (pi, pj) = (&partitions[i], &partitions[j]);
                let (mut a, mut b) = (0, 0);
                while a < pi.len() && b < pj.len() {
                    let (g, h) = (pi[a], pj[b]);
                    let overlap = u128::from(g.end.min(h.end) - g.start.max(h.start));
                    observed[g.value * v + h.value] += overlap;
                    observed[h.value * v + g.value] += overlap;
                    if g.value != 0 && h.value != 0 {
                        pairable[i][a] += overlap;
                        pairable[j][b] += overlap;
                    }
                    match g.end.cmp(&h.end) {
                        std::cmp::Ordering::Less => a += 1,
                        std::cmp::Ordering::Greater => b += 1,
                        std::cmp::Ordering::Equal => {
                            a += 1;
                            b += 1;
                        }
                    }
                }
            }
        }
        let cu_self = pairable.iter().flatten().map(|p| p * p).sum();
        Ok(Unitizing {
            v,
            categories,
            observed,
            unit_self: scale * scale * unit_self,
            cu_self,
        })
    }

    /// The categories met, in increasing order (the values other than the gap ∅).
    pub fn categories(&self) -> &[u32] {
        &self.categories
    }

    fn o(&self, c: usize, k: usize) -> u128 {
        self.observed[c * self.v + k]
    }

    fn row(&self, c: usize, from: usize) -> u128 {
        (from..self.v).map(|k| self.o(c, k)).sum()
    }

    /// Krippendorff's uα (nominal): agreement on both the unitizing (where units are, what is a
    /// gap) and the categories, over the whole continuum, gaps included (Krippendorff et al.
    /// 2016, section 5.1, eq. 5a; Krippendorff 2019, eq. 34):
    ///
    /// ```text
    /// uα = 1 − (l_·· − Σ_c l_cc) / (l_·· − Σ_c e_cc)
    ///    = 1 − (l_·· − Σ_c l_cc)(l_··² − S) / (l_·· (l_··² − Σ_c l_c·²))
    /// ```
    ///
    /// (the second line follows from `e_ck` of [`Unitizing`]; `c` runs over ∅ and the
    /// categories). `None` with fewer than two coders, an empty continuum, or a single value
    /// throughout (everything a gap, or everything one category).
    pub fn u_alpha(&self) -> Option<f64> {
        let t: u128 = self.observed.iter().sum();
        let diag: u128 = (0..self.v).map(|c| self.o(c, c)).sum();
        let rows2: u128 = (0..self.v).map(|c| self.row(c, 0).pow(2)).sum();
        ratio_alpha(t - diag, t * t - self.unit_self, t, t * t - rows2)
    }

    /// Krippendorff's |uα ("binary"): agreement on what is relevant (inside any unit, whatever
    /// its category) versus irrelevant (gap), from the uα coincidences with all categories
    /// merged into one (Krippendorff et al. 2016, section 5.2, eq. 6; Krippendorff 2019, eq. 35):
    ///
    /// ```text
    /// |uα = 1 − (l_∅· − l_∅∅) / (e_∅· − e_∅∅)
    ///     = 1 − (l_∅· − l_∅∅)(l_··² − S) / (l_·· · l_∅· · (l_·· − l_∅·))
    /// ```
    ///
    /// The expected coincidences are those of uα, with each unit paired with itself as a unit of
    /// its own category (adjacent units of different categories are not merged). `None` with
    /// fewer than two coders or when nothing, or everything, is coded by every coder.
    pub fn binary_u_alpha(&self) -> Option<f64> {
        let t: u128 = self.observed.iter().sum();
        let gap = self.row(0, 0);
        let gap_gap = self.o(0, 0);
        let num = (gap - gap_gap) as f64 * (t * t - self.unit_self) as f64;
        let den = t as f64 * gap as f64 * (t - gap) as f64;
        (den > 0.0).then(|| 1.0 - num / den)
    }

    /// Krippendorff's cuα (nominal): agreement on the categories where units of different coders
    /// intersect, ignoring the unitizing (Krippendorff et al. 2016, section 5.3, eqs. 10–11;
    /// Krippendorff 2019, eqs. 36–37). The coincidences are those of uα without the gap row and
    /// column, `l*_ck = l_ck` for categories `c, k`; the expected coincidences pair each unit
    /// with itself through its *pairable length* `ℓ*_ig`, the part of it that meets other coders'
    /// units, averaged over the other coders, which is exactly what the unit adds to `l*_c·`:
    ///
    /// ```text
    /// ℓ*_ig = (1/M) Σ_{j≠i} Σ_{h unit} |S_ig ∩ S_jh|,      S* = Σ_i Σ_{g unit} ℓ*²_ig
    /// e*_ck = (l*_c· l*_·k − [c = k] Σ_{i,g valued c} ℓ*²_ig) / (l*_·· − S*/l*_··)
    /// cuα   = 1 − (l*_·· − Σ_c l*_cc) / (l*_·· − Σ_c e*_cc)
    ///       = 1 − (l*_·· − Σ_c l*_cc)(l*_··² − S*) / (l*_·· (l*_··² − Σ_c l*_c·²))
    /// ```
    ///
    /// With all units of length 1 and two coders it is the nominal alpha of the characters coded
    /// by both. `None` with fewer than two coders, when no units of different coders intersect,
    /// or when the intersecting units all carry one category.
    pub fn cu_alpha(&self) -> Option<f64> {
        let t: u128 = (1..self.v).map(|c| self.row(c, 1)).sum();
        let diag: u128 = (1..self.v).map(|c| self.o(c, c)).sum();
        let rows2: u128 = (1..self.v).map(|c| self.row(c, 1).pow(2)).sum();
        ratio_alpha(t - diag, t * t - self.cu_self, t, t * t - rows2)
    }
}

/// `1 − (a·b)/(c·d)` from exact integer factors; `None` when `c·d = 0`.
fn ratio_alpha(a: u128, b: u128, c: u128, d: u128) -> Option<f64> {
    let den = c as f64 * d as f64;
    (den > 0.0).then(|| 1.0 - (a as f64 * b as f64) / den)
}

/// ATLAS.ti's **α-binary** for one semantic domain (or one code): Krippendorff's |uα
/// ([`Unitizing::binary_u_alpha`]) over the segments coded with the domain's codes, each keeping
/// its code as category. It measures whether the coders agree on what is relevant to the domain
/// (coded with any of its codes) and what is not, all text counting, coded and uncoded
/// (ATLAS.ti manual, "Krippendorff's family of alpha coefficients"; Krippendorff et al. 2016,
/// section 5.2). Pass only the domain's segments; for one code's α-binary, only that code's.
///
/// ATLAS.ti also prints a global α-binary over all domains; how it pools the domains is not
/// published, and it is not computed here.
pub fn atlas_alpha_binary(
    length: u64,
    coders: usize,
    domain_segments: &[CodedSegment],
) -> Result<Option<f64>, UnitizingError> {
    Ok(Unitizing::new(length, coders, domain_segments)?.binary_u_alpha())
}

/// ATLAS.ti's **cu-α** for one semantic domain: Krippendorff's cuα ([`Unitizing::cu_alpha`])
/// over the segments coded with the domain's codes, the code as category. It measures whether
/// the coders agree on which code of the domain applies where their segments overlap, leaving
/// aside where they put the segments (ATLAS.ti manual; Krippendorff et al. 2016, section 5.3).
/// `None` (undefined) when the domain's overlapping segments carry a single code, e.g. a domain
/// of one code.
pub fn atlas_cu_alpha(
    length: u64,
    coders: usize,
    domain_segments: &[CodedSegment],
) -> Result<Option<f64>, UnitizingError> {
    Ok(Unitizing::new(length, coders, domain_segments)?.cu_alpha())
}

/// ATLAS.ti's **Cu-α** (capital C): Krippendorff's cuα over all the segments with the semantic
/// domain as category (`domain_of(code)`), i.e. whether the coders agree on which domain applies
/// where their segments overlap, across all domains (ATLAS.ti manual: the global coefficient over
/// the semantic domains; González-Prieto, Pérez, Díaz & López-Fernández, "Reliability in software
/// engineering qualitative research through inter-coder agreement: a guide using Krippendorff's α
/// & Atlas.ti", arXiv:2008.00977, which reads Cu-α as cuα with the semantic domains as labels).
/// This reading is ours from those texts: ATLAS.ti does not publish its formula.
///
/// The unitizing alphas need each coder's segments not to overlap, so this fails with
/// [`UnitizingError::Overlap`] when a coder applied codes of two domains to overlapping text
/// (ATLAS.ti's multi-valued coding); adjacent segments that map to one domain stay separate units.
pub fn atlas_global_cu_alpha(
    length: u64,
    coders: usize,
    segments: &[CodedSegment],
    domain_of: impl Fn(u32) -> u32,
) -> Result<Option<f64>, UnitizingError> {
    let by_domain: Vec<CodedSegment> = segments
        .iter()
        .map(|s| CodedSegment {
            category: domain_of(s.category),
            ..*s
        })
        .collect();
    Ok(Unitizing::new(length, coders, &by_domain)?.cu_alpha())
}

// ---------------------------------------------------------------------------------------------
// Interpretation
// ---------------------------------------------------------------------------------------------

/// Landis & Koch's (1977, p. 165) benchmarks for kappa.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KappaBand {
    /// below 0.00
    Poor,
    /// 0.00–0.20
    Slight,
    /// 0.21–0.40
    Fair,
    /// 0.41–0.60
    Moderate,
    /// 0.61–0.80
    Substantial,
    /// 0.81–1.00
    AlmostPerfect,
}

impl KappaBand {
    /// Landis & Koch's word: `poor`, `slight`, `fair`, `moderate`, `substantial`, `almost perfect`.
    pub fn label(self) -> &'static str {
        match self {
            KappaBand::Poor => "poor",
            KappaBand::Slight => "slight",
            KappaBand::Fair => "fair",
            KappaBand::Moderate => "moderate",
            KappaBand::Substantial => "substantial",
            KappaBand::AlmostPerfect => "almost perfect",
        }
    }
}

impl fmt::Display for KappaBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The Landis & Koch (1977) band of a kappa: < 0 poor, 0–.20 slight, .21–.40 fair,
/// .41–.60 moderate, .61–.80 substantial, .81–1 almost perfect.
///
/// The bands are given to two decimals, so kappa is placed as it reads rounded to two decimals
/// (0.204 is slight, 0.205 fair, −0.004 slight). Panics on NaN.
pub fn kappa_band(kappa: f64) -> KappaBand {
    assert!(!kappa.is_nan(), "kappa_band: kappa is NaN");
    let hundredths = (kappa * 100.0).round();
    if hundredths < 0.0 {
        KappaBand::Poor
    } else if hundredths <= 20.0 {
        KappaBand::Slight
    } else if hundredths <= 40.0 {
        KappaBand::Fair
    } else if hundredths <= 60.0 {
        KappaBand::Moderate
    } else if hundredths <= 80.0 {
        KappaBand::Substantial
    } else {
        KappaBand::AlmostPerfect
    }
}

/// Krippendorff's standards for alpha (Krippendorff 2019, section 12.7; 2011).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlphaBand {
    /// α < .667: data to be discarded.
    Unacceptable,
    /// .667 ≤ α < .800: only for tentative conclusions.
    Tentative,
    /// α ≥ .800: reliable.
    Reliable,
}

impl AlphaBand {
    /// `reliable`, `tentative` or `unacceptable`.
    pub fn label(self) -> &'static str {
        match self {
            AlphaBand::Unacceptable => "unacceptable",
            AlphaBand::Tentative => "tentative",
            AlphaBand::Reliable => "reliable",
        }
    }
}

impl fmt::Display for AlphaBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Krippendorff's band of an alpha: ≥ .800 reliable, ≥ .667 tentative, below unacceptable.
///
/// Alpha is placed as it reads rounded to three decimals, the precision Krippendorff reports and
/// states the limits in (so 2/3 = 0.6667 reads .667, tentative). Panics on NaN.
pub fn alpha_band(alpha: f64) -> AlphaBand {
    assert!(!alpha.is_nan(), "alpha_band: alpha is NaN");
    let thousandths = (alpha * 1000.0).round();
    if thousandths >= 800.0 {
        AlphaBand::Reliable
    } else if thousandths >= 667.0 {
        AlphaBand::Tentative
    } else {
        AlphaBand::Unacceptable
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: Option<f64>, expected: f64, tolerance: f64) {
        let a = actual.unwrap_or_else(|| panic!("expected {expected}, got None"));
        assert!(
            (a - expected).abs() <= tolerance,
            "expected {expected} ± {tolerance}, got {a}"
        );
    }

    /// Two coders' binary codings written as strings of 0/1, one unit per character.
    fn binary(first: &str, second: &str) -> Vec<Unit> {
        first
            .chars()
            .zip(second.chars())
            .map(|(a, b)| Unit::new(vec![a.to_digit(10), b.to_digit(10)]))
            .collect()
    }

    /// Columns (one slice per coder) to rows.
    fn rows(coders: &[&[Option<u32>]]) -> Vec<Unit> {
        let n = coders[0].len();
        (0..n)
            .map(|u| Unit::new(coders.iter().map(|c| c[u]).collect()))
            .collect()
    }

    #[test]
    fn atlas_manual_example() {
        // ATLAS.ti manual, "Methods for testing ICA": 10 segments, code applies (1) or not (0).
        let units = binary("1100000000", "0110010100");
        close(percent_agreement(&units), 0.60, 1e-12);
        // p_o = .6, p_e = .2·.4 + .8·.6 = .56: κ = .04/.44 = 1/11.
        close(cohen_kappa(&units), 0.091, 1e-3);
        close(cohen_kappa(&units), 1.0 / 11.0, 1e-12);
        // n_0 = 14, n_1 = 6, o_01 = o_10 = 4: α = 1 − 19·8/(2·14·6) = 2/21.
        close(krippendorff_alpha_nominal(&units), 0.095, 1e-3);
        close(krippendorff_alpha_nominal(&units), 2.0 / 21.0, 1e-12);
    }

    #[test]
    fn krippendorff_2011_example() {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders,
        // 12 units, missing values; nominal α = .743 (exactly 113/152, n = 40).
        let n = None;
        let (a, b, c, d) = (
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                n,
                n,
                n,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                n,
                Some(3),
            ],
            [
                n,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                n,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                n,
            ],
        );
        let units = rows(&[&a, &b, &c, &d]);
        close(krippendorff_alpha_nominal(&units), 0.743, 1e-3);
        close(krippendorff_alpha_nominal(&units), 113.0 / 152.0, 1e-12);
        // 11 pairable units (the last has one value); unanimous: 1, 3, 4, 5, 7, 9, 10, 11.
        close(percent_agreement(&units), 8.0 / 11.0, 1e-12);
        assert_eq!(cohen_kappa(&units), None, "kappa is for two coders");
    }

    #[test]
    #[allow(clippy::approx_constant)] // 0.318 is NVivo's kappa, not 1/π
    fn nvivo_coding_comparison_weighted() {
        // NVivo's coding comparison on characters: 1,000 characters, 50 coded by both coders,
        // 100 by the first only, 50 by the second only, 800 by neither.
        let units = vec![
            Unit::weighted(vec![Some(1), Some(1)], 50.0),
            Unit::weighted(vec![Some(1), Some(0)], 100.0),
            Unit::weighted(vec![Some(0), Some(1)], 50.0),
            Unit::weighted(vec![Some(0), Some(0)], 800.0),
        ];
        close(percent_agreement(&units), 0.85, 1e-12);
        // p_e = .15·.10 + .85·.90 = .78: κ = (.85 − .78)/(1 − .78) = 7/22.
        close(cohen_kappa(&units), 0.318, 1e-3);
        close(cohen_kappa(&units), 7.0 / 22.0, 1e-12);
        // n_1 = 250, n_0 = 1750, o_01 = o_10 = 150: α = 1 − 1999·300/(2·250·1750).
        close(
            krippendorff_alpha_nominal(&units),
            1.0 - 1999.0 * 300.0 / 875_000.0,
            1e-12,
        );
    }

    #[test]
    fn undefined_statistics_are_none() {
        // All units one value: agreement is perfect, chance-corrected statistics undefined.
        let same = binary("1111", "1111");
        assert_eq!(percent_agreement(&same), Some(1.0));
        assert_eq!(cohen_kappa(&same), None);
        assert_eq!(krippendorff_alpha_nominal(&same), None);
        let zeros = vec![Unit::weighted(vec![Some(0), Some(0)], 1000.0)];
        assert_eq!(cohen_kappa(&zeros), None);
        assert_eq!(krippendorff_alpha_nominal(&zeros), None);

        // A single coder.
        let single: Vec<Unit> = (0..5).map(|i| Unit::new(vec![Some(i % 2)])).collect();
        assert_eq!(percent_agreement(&single), None);
        assert_eq!(cohen_kappa(&single), None);
        assert_eq!(krippendorff_alpha_nominal(&single), None);

        // No pairable unit: never two values on one unit.
        let n = None;
        let lonely = rows(&[&[Some(1), n, Some(2)], &[n, Some(2), n]]);
        assert_eq!(percent_agreement(&lonely), None);
        assert_eq!(cohen_kappa(&lonely), None);
        assert_eq!(krippendorff_alpha_nominal(&lonely), None);

        // No data at all.
        assert_eq!(percent_agreement(&[]), None);
        assert_eq!(cohen_kappa(&[]), None);
        assert_eq!(krippendorff_alpha_nominal(&[]), None);

        // One value among the pairable units, another only in an unpairable unit.
        let one_pairable = rows(&[&[Some(1), Some(1), Some(2)], &[Some(1), Some(1), n]]);
        assert_eq!(krippendorff_alpha_nominal(&one_pairable), None);
        assert_eq!(cohen_kappa(&one_pairable), None);
    }

    #[test]
    fn kappa_of_opposite_constant_coders_is_zero_not_undefined() {
        // p_o = 0 and p_e = 0: defined, κ = 0.
        let units = binary("1111", "0000");
        assert_eq!(cohen_kappa(&units), Some(0.0));
    }

    #[test]
    fn kappa_drops_units_with_a_missing_value() {
        let n = None;
        let with_missing = rows(&[
            &[Some(1), Some(1), n, Some(0), Some(2)],
            &[Some(1), Some(0), Some(1), Some(0), n],
        ]);
        let complete = rows(&[&[Some(1), Some(1), Some(0)], &[Some(1), Some(0), Some(0)]]);
        assert_eq!(cohen_kappa(&with_missing), cohen_kappa(&complete));
        assert_eq!(percent_agreement(&with_missing), percent_agreement(&complete));
        // p_o = 2/3, p_e = 2/3·1/3 + 1/3·2/3 = 4/9: κ = (2/9)/(5/9) = 0.4.
        close(cohen_kappa(&complete), 0.4, 1e-12);
    }

    #[test]
    fn weighted_rows_equal_expanded_units() {
        // Deterministic pseudo-random rows of 3 coders with repeats and missing values.
        let mut state = 12345u64;
        let mut next = |k: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % k
        };
        let mut weighted = Vec::new();
        let mut expanded = Vec::new();
        let mut weighted2 = Vec::new();
        let mut expanded2 = Vec::new();
        for _ in 0..40 {
            let values: Vec<Option<u32>> = (0..3)
                .map(|_| if next(5) == 0 { None } else { Some(next(3) as u32) })
                .collect();
            let w = 1 + next(7);
            weighted.push(Unit::weighted(values.clone(), w as f64));
            weighted2.push(Unit::weighted(values[..2].to_vec(), w as f64));
            for _ in 0..w {
                expanded.push(Unit::new(values.clone()));
                expanded2.push(Unit::new(values[..2].to_vec()));
            }
        }
        assert_eq!(percent_agreement(&weighted), percent_agreement(&expanded));
        assert_eq!(
            krippendorff_alpha_nominal(&weighted),
            krippendorff_alpha_nominal(&expanded)
        );
        assert_eq!(percent_agreement(&weighted2), percent_agreement(&expanded2));
        assert_eq!(cohen_kappa(&weighted2), cohen_kappa(&expanded2));
        assert_eq!(
            krippendorff_alpha_nominal(&weighted2),
            krippendorff_alpha_nominal(&expanded2)
        );
        assert!(krippendorff_alpha_nominal(&weighted).is_some());
        assert!(cohen_kappa(&weighted2).is_some());

        // The NVivo example expanded to 1,000 characters.
        let mut chars = Vec::new();
        for (a, b, w) in [(1, 1, 50), (1, 0, 100), (0, 1, 50), (0, 0, 800)] {
            chars.extend((0..w).map(|_| Unit::new(vec![Some(a), Some(b)])));
        }
        let rows = vec![
            Unit::weighted(vec![Some(1), Some(1)], 50.0),
            Unit::weighted(vec![Some(1), Some(0)], 100.0),
            Unit::weighted(vec![Some(0), Some(1)], 50.0),
            Unit::weighted(vec![Some(0), Some(0)], 800.0),
        ];
        assert_eq!(cohen_kappa(&rows), cohen_kappa(&chars));
        assert_eq!(
            krippendorff_alpha_nominal(&rows),
            krippendorff_alpha_nominal(&chars)
        );
        assert_eq!(percent_agreement(&rows), percent_agreement(&chars));

        // Zero-weight rows count for nothing.
        let mut with_zero = rows.clone();
        with_zero.push(Unit::weighted(vec![Some(7), Some(8)], 0.0));
        assert_eq!(cohen_kappa(&with_zero), cohen_kappa(&rows));
    }

    #[test]
    #[should_panic(expected = "weight")]
    fn negative_weight_panics() {
        let _ = percent_agreement(&[Unit::weighted(vec![Some(1), Some(1)], -1.0)]);
    }

    #[test]
    fn percent_agreement_with_more_coders_is_unanimity_among_those_who_coded() {
        let n = None;
        let units = rows(&[
            &[Some(1), Some(1), Some(2), n],
            &[Some(1), n, Some(2), Some(3)],
            &[Some(1), Some(1), Some(3), n],
        ]);
        // Unit 1 unanimous, unit 2 unanimous among two, unit 3 not, unit 4 not pairable.
        close(percent_agreement(&units), 2.0 / 3.0, 1e-12);
    }

    // -- Unitizing -----------------------------------------------------------------------------

    fn seg(coder: usize, first: u64, last: u64, category: u32) -> CodedSegment {
        // 1-based inclusive positions, as printed in the literature.
        CodedSegment {
            coder,
            start: first - 1,
            end: last,
            category,
        }
    }

    /// Krippendorff (2019), Figure 12.11 (the worked example of section 12.6): three observers,
    /// a continuum of 60 characters.
    fn book_example() -> Vec<CodedSegment> {
        vec![
            seg(0, 1, 7, 1),
            seg(0, 8, 13, 2),
            seg(0, 31, 32, 5),
            seg(0, 33, 37, 6),
            seg(0, 38, 44, 6),
            seg(0, 45, 60, 7),
            seg(1, 1, 7, 1),
            seg(1, 8, 13, 3),
            seg(1, 14, 21, 5),
            seg(1, 33, 44, 6),
            seg(2, 1, 7, 1),
            seg(2, 8, 13, 4),
            seg(2, 14, 21, 5),
            seg(2, 33, 37, 6),
            seg(2, 38, 41, 6),
            seg(2, 42, 44, 6),
        ]
    }

    #[test]
    fn unitizing_book_example() {
        let u = Unitizing::new(60, 3, &book_example()).unwrap();
        // Published: uα = .510, |uα = .413, cuα = .724.
        close(u.u_alpha(), 0.510, 1e-3);
        close(u.binary_u_alpha(), 0.413, 1e-3);
        close(u.cu_alpha(), 0.724, 1e-3);
        // Exact values of the formulas (computed with rational arithmetic): l_·· = 180,
        // S = 982; l*_·· = 83, Σ l*_cc = 65, S* = 555.
        close(u.u_alpha(), 16349.0 / 32058.0, 1e-12);
        close(u.binary_u_alpha(), 144038.0 / 348255.0, 1e-12);
        close(u.cu_alpha(), 24944.0 / 34445.0, 1e-12);
        assert_eq!(u.categories(), &[1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn unitizing_hand_example() {
        // L = 10, coder 0 codes [2,5), coder 1 codes [3,6), same category. M = 1.
        // Gaps: coder 0 [0,2) [5,10), coder 1 [0,3) [6,10). Observed (both directions):
        // O_∅∅ = 2·(2 + 4) = 12, O_aa = 2·2 = 4, O_a∅ = O_∅a = 2; T = 20; R_∅ = 14, R_a = 6.
        // S = (2 + 5) + (3 + 4) + 9 + 9 = 32.
        // uα = 1 − (20 − 16)(400 − 32)/(20·(400 − 196 − 36)) = 1 − 1472/3360 = 59/105.
        let segs = [
            CodedSegment {
                coder: 0,
                start: 2,
                end: 5,
                category: 9,
            },
            CodedSegment {
                coder: 1,
                start: 3,
                end: 6,
                category: 9,
            },
        ];
        let u = Unitizing::new(10, 2, &segs).unwrap();
        close(u.u_alpha(), 59.0 / 105.0, 1e-12);
        // One category: |uα = 1 − (14 − 12)(368)/(20·14·6) = 59/105 too.
        close(u.binary_u_alpha(), 59.0 / 105.0, 1e-12);
        // cuα: one category among the intersecting units: undefined.
        assert_eq!(u.cu_alpha(), None);
        assert_eq!(
            atlas_alpha_binary(10, 2, &segs),
            Ok(Some(u.binary_u_alpha().unwrap()))
        );
        assert_eq!(atlas_cu_alpha(10, 2, &segs), Ok(None));
    }

    #[test]
    fn unitizing_cu_hand_example() {
        // Two coders over [0,10): coder 0 a[0,4) b[4,8); coder 1 a[0,6) b[6,10). M = 1.
        // Valued intersections (both directions): aa 2·4, ab 2·2 (coder 0's b[4,6) with coder 1's
        // a), bb 2·2: O*_aa = 8, O*_ab = O*_ba = 2, O*_bb = 4; T* = 16, R*_a = 10, R*_b = 6.
        // Pairable lengths: coder 0 a 4, b 4; coder 1 a 6, b 2: Q = 16 + 16 + 36 + 4 = 72.
        // cuα = 1 − (16 − 12)(256 − 72)/(16·(256 − 136)) = 1 − 736/1920 = 37/60.
        let segs = [
            CodedSegment {
                coder: 0,
                start: 0,
                end: 4,
                category: 1,
            },
            CodedSegment {
                coder: 0,
                start: 4,
                end: 8,
                category: 2,
            },
            CodedSegment {
                coder: 1,
                start: 0,
                end: 6,
                category: 1,
            },
            CodedSegment {
                coder: 1,
                start: 6,
                end: 10,
                category: 2,
            },
        ];
        let u = Unitizing::new(10, 2, &segs).unwrap();
        close(u.cu_alpha(), 37.0 / 60.0, 1e-12);
        // The gap of coder 0, [8,10), meets coder 1's b: O_∅b = O_b∅ = 2, everything else as
        // above: T = 20, Σ O_cc = 12, R_∅ = 2, R_a = 10, R_b = 8; S = 2 + 16 + 16 + 36 + 16 = 86.
        // uα = 1 − (20 − 12)(400 − 86)/(20·(400 − 4 − 100 − 64)) = 1 − 2512/4640 = 133/290.
        close(u.u_alpha(), 133.0 / 290.0, 1e-12);
        // |uα = 1 − (2 − 0)(314)/(20·2·18) = 1 − 628/720 = 23/180.
        close(u.binary_u_alpha(), 23.0 / 180.0, 1e-12);
    }

    #[test]
    fn unitizing_with_unit_length_one_is_the_nominal_alpha_of_the_characters() {
        // Every coded character its own unit: uα is Krippendorff's nominal alpha of the characters
        // with "not coded" as one more value, |uα that of coded / not coded, and with two coders
        // cuα that of the characters both coded.
        let codes: [&[u32]; 3] = [
            &[0, 1, 1, 2, 0, 2, 2, 0, 1, 0, 0, 2],
            &[0, 1, 2, 2, 0, 2, 0, 0, 1, 1, 0, 2],
            &[1, 1, 2, 2, 0, 2, 2, 0, 1, 0, 2, 2],
        ];
        for m in [2usize, 3] {
            let mut segs = Vec::new();
            for (coder, row) in codes.iter().enumerate().take(m) {
                for (p, &c) in row.iter().enumerate() {
                    if c != 0 {
                        segs.push(CodedSegment {
                            coder,
                            start: p as u64,
                            end: p as u64 + 1,
                            category: c,
                        });
                    }
                }
            }
            let u = Unitizing::new(12, m, &segs).unwrap();
            let chars: Vec<Unit> = (0..12)
                .map(|p| Unit::new(codes.iter().take(m).map(|r| Some(r[p])).collect()))
                .collect();
            close(u.u_alpha(), krippendorff_alpha_nominal(&chars).unwrap(), 1e-12);
            let coded: Vec<Unit> = (0..12)
                .map(|p| Unit::new(codes.iter().take(m).map(|r| Some(u32::from(r[p] != 0))).collect()))
                .collect();
            close(
                u.binary_u_alpha(),
                krippendorff_alpha_nominal(&coded).unwrap(),
                1e-12,
            );
            if m == 2 {
                let both: Vec<Unit> = (0..12)
                    .map(|p| {
                        Unit::new(
                            codes
                                .iter()
                                .take(m)
                                .map(|r| (r[p] != 0).then_some(r[p]))
                                .collect(),
                        )
                    })
                    .collect();
                close(u.cu_alpha(), krippendorff_alpha_nominal(&both).unwrap(), 1e-12);
            }
        }
    }

    #[test]
    fn unitizing_identical_coders_agree_perfectly() {
        let segs: Vec<CodedSegment> = (0..3)
            .flat_map(|coder| {
                [
                    CodedSegment {
                        coder,
                        start: 5,
                        end: 20,
                        category: 1,
                    },
                    CodedSegment {
                        coder,
                        start: 20,
                        end: 30,
                        category: 2,
                    },
                    CodedSegment {
                        coder,
                        start: 40,
                        end: 41,
                        category: 1,
                    },
                ]
            })
            .collect();
        let u = Unitizing::new(50, 3, &segs).unwrap();
        assert_eq!(u.u_alpha(), Some(1.0));
        assert_eq!(u.binary_u_alpha(), Some(1.0));
        assert_eq!(u.cu_alpha(), Some(1.0));
    }

    #[test]
    fn unitizing_undefined_cases() {
        // One coder.
        let one = Unitizing::new(
            10,
            1,
            &[CodedSegment {
                coder: 0,
                start: 1,
                end: 4,
                category: 1,
            }],
        )
        .unwrap();
        assert_eq!(
            (one.u_alpha(), one.binary_u_alpha(), one.cu_alpha()),
            (None, None, None)
        );
        // Nothing coded: all gap.
        let none = Unitizing::new(10, 2, &[]).unwrap();
        assert_eq!(
            (none.u_alpha(), none.binary_u_alpha(), none.cu_alpha()),
            (None, None, None)
        );
        // Everything coded with one category by both.
        let all: Vec<CodedSegment> = (0..2)
            .map(|coder| CodedSegment {
                coder,
                start: 0,
                end: 10,
                category: 3,
            })
            .collect();
        let all = Unitizing::new(10, 2, &all).unwrap();
        assert_eq!(
            (all.u_alpha(), all.binary_u_alpha(), all.cu_alpha()),
            (None, None, None)
        );
        // Units that never meet: cuα has nothing to compare.
        let apart = [
            CodedSegment {
                coder: 0,
                start: 0,
                end: 3,
                category: 1,
            },
            CodedSegment {
                coder: 1,
                start: 5,
                end: 8,
                category: 2,
            },
        ];
        let apart = Unitizing::new(10, 2, &apart).unwrap();
        assert_eq!(apart.cu_alpha(), None);
        assert!(apart.u_alpha().is_some() && apart.binary_u_alpha().is_some());
        // Empty continuum.
        let empty = Unitizing::new(0, 2, &[]).unwrap();
        assert_eq!(
            (empty.u_alpha(), empty.binary_u_alpha(), empty.cu_alpha()),
            (None, None, None)
        );
    }

    #[test]
    fn unitizing_rejects_malformed_segments() {
        let s = |coder, start, end| CodedSegment {
            coder,
            start,
            end,
            category: 1,
        };
        assert_eq!(
            Unitizing::new(10, 2, &[s(2, 0, 1)]).unwrap_err(),
            UnitizingError::CoderOutOfRange {
                segment: 0,
                coder: 2,
                coders: 2
            }
        );
        assert_eq!(
            Unitizing::new(10, 2, &[s(0, 3, 3)]).unwrap_err(),
            UnitizingError::EmptySegment { segment: 0 }
        );
        assert_eq!(
            Unitizing::new(10, 2, &[s(0, 3, 11)]).unwrap_err(),
            UnitizingError::PastEnd {
                segment: 0,
                end: 11,
                length: 10
            }
        );
        assert_eq!(
            Unitizing::new(10, 2, &[s(0, 5, 8), s(1, 0, 2), s(0, 2, 6)]).unwrap_err(),
            UnitizingError::Overlap {
                coder: 0,
                first: 2,
                second: 0
            }
        );
        assert_eq!(
            Unitizing::new(u64::MAX, 3, &[]).unwrap_err(),
            UnitizingError::TooLong
        );
        // Adjacent segments are fine.
        assert!(Unitizing::new(10, 2, &[s(0, 2, 5), s(0, 5, 8)]).is_ok());
        assert!(!UnitizingError::Overlap {
            coder: 0,
            first: 2,
            second: 0
        }
        .to_string()
        .is_empty());
    }

    #[test]
    fn documents_laid_end_to_end_equal_one_continuum() {
        // Splitting a gap in two (as at a document boundary) changes nothing: gaps count linearly.
        let segs = book_example();
        let whole = Unitizing::new(60, 3, &segs).unwrap();
        let mut shifted = segs.clone();
        // Insert 15 uncoded characters at position 25 (inside everyone's gap 21..30).
        for s in &mut shifted {
            if s.start >= 25 {
                s.start += 15;
                s.end += 15;
            }
        }
        let longer = Unitizing::new(75, 3, &shifted).unwrap();
        assert_eq!(whole.cu_alpha(), longer.cu_alpha());
        assert!(
            longer.u_alpha() != whole.u_alpha(),
            "more agreed-on gap raises uα"
        );
    }

    #[test]
    fn atlas_coefficients_by_domain() {
        // Codes 10, 11 form domain 1; codes 20, 21 domain 2. Two coders over 40 characters.
        let s = |coder, start, end, category| CodedSegment {
            coder,
            start,
            end,
            category,
        };
        let segs = [
            s(0, 0, 5, 10),
            s(0, 10, 15, 20),
            s(0, 20, 30, 11),
            s(1, 1, 5, 10),
            s(1, 10, 16, 21),
            s(1, 22, 28, 10),
            s(1, 32, 36, 20),
        ];
        let domain = |code: u32| code / 10;
        let of_domain = |d: u32| -> Vec<CodedSegment> {
            segs.iter().copied().filter(|x| domain(x.category) == d).collect()
        };
        for d in [1, 2] {
            let u = Unitizing::new(40, 2, &of_domain(d)).unwrap();
            assert_eq!(
                atlas_alpha_binary(40, 2, &of_domain(d)).unwrap(),
                u.binary_u_alpha()
            );
            assert_eq!(atlas_cu_alpha(40, 2, &of_domain(d)).unwrap(), u.cu_alpha());
        }
        let mapped: Vec<CodedSegment> = segs
            .iter()
            .map(|x| CodedSegment {
                category: domain(x.category),
                ..*x
            })
            .collect();
        let global = atlas_global_cu_alpha(40, 2, &segs, domain).unwrap();
        assert_eq!(global, Unitizing::new(40, 2, &mapped).unwrap().cu_alpha());
        // Domains agree everywhere the coders' segments meet: Cu-α = 1, while within domain 1
        // the codes disagree on [22,28) (11 vs 10).
        assert_eq!(global, Some(1.0));
        assert!(atlas_cu_alpha(40, 2, &of_domain(1)).unwrap().unwrap() < 1.0);
        // Multi-valued coding across domains cannot be read as one unitization.
        let multi = [s(0, 0, 10, 10), s(0, 5, 8, 20), s(1, 0, 10, 10)];
        assert!(matches!(
            atlas_global_cu_alpha(40, 2, &multi, domain),
            Err(UnitizingError::Overlap { .. })
        ));
    }

    // -- Bands ---------------------------------------------------------------------------------

    #[test]
    fn kappa_bands() {
        let cases = [
            (-0.30, KappaBand::Poor),
            (-0.006, KappaBand::Poor),
            (-0.004, KappaBand::Slight),
            (0.0, KappaBand::Slight),
            (0.20, KappaBand::Slight),
            (0.204, KappaBand::Slight),
            (0.21, KappaBand::Fair),
            (0.40, KappaBand::Fair),
            (0.41, KappaBand::Moderate),
            (0.60, KappaBand::Moderate),
            (0.61, KappaBand::Substantial),
            (0.80, KappaBand::Substantial),
            (0.81, KappaBand::AlmostPerfect),
            (1.0, KappaBand::AlmostPerfect),
        ];
        for (k, band) in cases {
            assert_eq!(kappa_band(k), band, "kappa {k}");
        }
        assert_eq!(kappa_band(1.0 / 11.0).label(), "slight");
        assert_eq!(kappa_band(7.0 / 22.0).to_string(), "fair");
        assert_eq!(KappaBand::AlmostPerfect.label(), "almost perfect");
    }

    #[test]
    fn alpha_bands() {
        let cases = [
            (1.0, AlphaBand::Reliable),
            (0.800, AlphaBand::Reliable),
            (0.7996, AlphaBand::Reliable),
            (0.7994, AlphaBand::Tentative),
            (0.667, AlphaBand::Tentative),
            (2.0 / 3.0, AlphaBand::Tentative),
            (0.666, AlphaBand::Unacceptable),
            (0.095, AlphaBand::Unacceptable),
            (-0.5, AlphaBand::Unacceptable),
        ];
        for (a, band) in cases {
            assert_eq!(alpha_band(a), band, "alpha {a}");
        }
        assert_eq!(alpha_band(113.0 / 152.0).to_string(), "tentative");
    }
}
