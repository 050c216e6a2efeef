//! Krippendorff's unitizing alphas on a unitized continuum, and ATLAS.ti's α-binary, cu-α and
//! Cu-α built from them.

use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::super::tests::close;
    use super::super::*;

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
}
