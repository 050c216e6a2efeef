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
//!
//! One file per statistic family: percent agreement and the reliability data here, Cohen's kappa
//! in `kappa.rs`, Krippendorff's alpha in `alpha.rs`, the unitizing alphas and ATLAS.ti's
//! coefficients in `unitizing.rs`; each family's interpretation bands beside it.

mod alpha;
mod kappa;
mod unitizing;

pub use alpha::{alpha_band, krippendorff_alpha_nominal, AlphaBand};
pub use kappa::{cohen_kappa, kappa_band, KappaBand};
pub use unitizing::{
    atlas_alpha_binary, atlas_cu_alpha, atlas_global_cu_alpha, CodedSegment, Unitizing, UnitizingError,
};

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

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// `actual` is defined and within `tolerance` of `expected`.
    pub(in crate::analysis::agreement::stats) fn close(actual: Option<f64>, expected: f64, tolerance: f64) {
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
        let mut lcg = crate::testing::Lcg(12345);
        let mut next = |k: u64| lcg.below(k);
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
}
