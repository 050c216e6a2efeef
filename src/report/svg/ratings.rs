//! Ratings over time for one case: each dimension's score (the raters' mean) at each wave, a
//! line per dimension on the declared scale, every score printed beside its point.

use super::{escape, open, text_width, GROUP_COLOURS};
use std::fmt::Write as _;

/// `scores[dimension][wave]`; `scale` is (lowest, highest).
pub fn case_chart(
    title: &str,
    dimensions: &[String],
    waves: &[String],
    scores: &[Vec<Option<f64>>],
    scale: (f64, f64),
) -> String {
    let legend = dimensions.iter().map(|d| text_width(d)).max().unwrap_or(0) + 30;
    let plot = 120 * waves.len().max(2);
    let (width, height) = (60 + plot + legend, 260usize);
    let (left, right, top, bottom) = (50usize, 50 + plot - 40, 45usize, 220usize);
    let mut s = open(width, height, "ratings", title);
    let (lo, hi) = scale;
    let y = |v: f64| bottom as f64 - (v - lo) / (hi - lo) * (bottom - top) as f64;
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#767676"/><line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#767676"/><text x="{}" y="{:.1}" font-size="10" text-anchor="end">{}</text><text x="{}" y="{:.1}" font-size="10" text-anchor="end">{}</text>"##,
        left - 4,
        y(hi) + 4.0,
        number(hi),
        left - 4,
        y(lo),
        number(lo)
    );
    let step = if waves.len() > 1 {
        (right - left) as f64 / (waves.len() - 1) as f64
    } else {
        0.0
    };
    let x = |k: usize| left as f64 + step * k as f64 + if waves.len() > 1 { 0.0 } else { 20.0 };
    for (k, wave) in waves.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{}</text>"##,
            x(k),
            bottom + 16,
            escape(wave)
        );
    }
    for (d, dimension) in dimensions.iter().enumerate() {
        let colour = GROUP_COLOURS[d % GROUP_COLOURS.len()];
        let mut points = Vec::new();
        for (k, score) in scores[d].iter().enumerate() {
            let Some(v) = score else { continue };
            let (px, py) = (x(k), y(*v));
            points.push(format!("{px:.1},{py:.1}"));
            let _ = write!(
                s,
                r##"<circle cx="{px:.1}" cy="{py:.1}" r="3.5" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="10">{}</text>"##,
                px + 5.0,
                py - 5.0,
                number(*v)
            );
        }
        if points.len() > 1 {
            let _ = write!(
                s,
                r##"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"##,
                points.join(" ")
            );
        }
        let ly = top + 18 * d;
        let _ = write!(
            s,
            r##"<rect x="{}" y="{}" width="12" height="12" fill="{colour}"/><text x="{}" y="{}">{}</text>"##,
            right + 30,
            ly,
            right + 48,
            ly + 11,
            escape(dimension)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// A score as printed: whole numbers without decimals, others to one or two places.
fn number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dimension_is_a_line_with_its_scores_printed() {
        let svg = case_chart(
            "Ratings: <Ashvale>",
            &["Leadership".into(), "Shared vision".into()],
            &["1".into(), "2".into(), "3".into()],
            &[
                vec![Some(2.0), Some(3.5), Some(4.0)],
                vec![Some(1.0), None, Some(2.0)],
            ],
            (1.0, 5.0),
        );
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 5);
        assert!(svg.contains(">3.5</text>") && svg.contains(">Shared vision</text>"));
        assert!(svg.contains("Ratings: &lt;Ashvale&gt;"));
    }
}
