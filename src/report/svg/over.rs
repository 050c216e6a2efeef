//! Small multiples of change over time: one small chart per node, the share of participants
//! coded at each value (wave) as a line with its points, every value printed.

use super::{escape, open, GROUP_COLOURS};
use std::fmt::Write as _;

/// `shares[node][value]`: participants coded and participants at the value.
pub fn small_multiples(
    title: &str,
    nodes: &[String],
    values: &[String],
    shares: &[Vec<(usize, usize)>],
) -> String {
    let (w, h) = (260usize, 150usize);
    let columns = 3usize.min(nodes.len().max(1));
    let rows = nodes.len().div_ceil(columns);
    let (width, height) = (columns * w + 20, rows * h + 50);
    let mut s = open(width, height, "over", title);
    for (i, node) in nodes.iter().enumerate() {
        let (x0, y0) = (10 + (i % columns) * w, 40 + (i / columns) * h);
        let (left, right, top, bottom) = (x0 + 30, x0 + w - 20, y0 + 30, y0 + h - 30);
        let _ = write!(
            s,
            r##"<text x="{x0}" y="{}" font-weight="bold">{}</text><line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#767676"/><line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#767676"/><text x="{}" y="{}" font-size="10" text-anchor="end">100%</text><text x="{}" y="{}" font-size="10" text-anchor="end">0%</text>"##,
            y0 + 14,
            escape(node),
            left - 3,
            top + 4,
            left - 3,
            bottom
        );
        let step = if values.len() > 1 {
            (right - left) as f64 / (values.len() - 1) as f64
        } else {
            0.0
        };
        let mut points = Vec::new();
        for (k, value) in values.iter().enumerate() {
            let (n, of) = shares[i][k];
            let share = if of == 0 { 0.0 } else { n as f64 / of as f64 };
            let x = left as f64 + step * k as f64;
            let y = bottom as f64 - share * (bottom - top) as f64;
            points.push(format!("{x:.1},{y:.1}"));
            let _ = write!(
                s,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{}"/><text x="{x:.1}" y="{:.1}" font-size="10" text-anchor="middle">{n}/{of}</text><text x="{x:.1}" y="{}" font-size="10" text-anchor="middle">{}</text>"##,
                GROUP_COLOURS[0],
                y - 7.0,
                bottom + 14,
                escape(value)
            );
        }
        let _ = write!(
            s,
            r##"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"##,
            points.join(" "),
            GROUP_COLOURS[0]
        );
    }
    s.push_str("</svg>\n");
    s
}
