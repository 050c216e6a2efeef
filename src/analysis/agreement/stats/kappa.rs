//! Cohen's kappa for two coders, and Landis & Koch's bands for reading it.

use super::{checked_weight, coder_count, Unit};
use std::collections::BTreeMap;
use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
