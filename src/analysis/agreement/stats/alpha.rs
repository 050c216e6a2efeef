//! Krippendorff's alpha (nominal) on reliability data, and Krippendorff's bands for reading it.

use super::{checked_weight, coder_count, Unit};
use std::collections::BTreeMap;
use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;

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
