//! The co-occurrence heat map: one row and one column per node, the lower triangle filled with
//! each pair's c-coefficient (viridis, 0 to 1) and the value and n12 printed in every cell; the
//! diagonal shows each node's own units.

use super::{escape, hex, ink, open, text_width, viridis};
use std::fmt::Write as _;

/// One cell of the lower triangle: the pair's units together and its c-coefficient.
#[derive(Debug, Clone, Copy)]
pub struct HeatCell {
    pub n_ab: usize,
    pub c: Option<f64>,
}

/// `cells[r][k]` for `k < r` is the pair of nodes `r` and `k`; `counts[r]` is node `r`'s units.
pub fn heatmap(
    title: &str,
    names: &[String],
    counts: &[usize],
    cells: &[Vec<HeatCell>],
    note: &str,
) -> String {
    let label_w = names
        .iter()
        .map(|n| text_width(n))
        .max()
        .unwrap_or(80)
        .clamp(80, 320);
    let (cell_w, cell_h) = (64, 30);
    // Column labels are written at 45°: their height is about their width × sin 45°.
    let head = (label_w as f64 * 0.72) as usize + 20;
    let top = 40 + head;
    let width = label_w + cell_w * names.len().max(1) + label_w / 2 + 20;
    let height = top + cell_h * names.len() + 90;
    let mut s = open(width, height, "cooccur", title);
    for (k, name) in names.iter().enumerate() {
        let x = label_w + k * cell_w + cell_w / 2;
        let _ = write!(
            s,
            r##"<text x="{x}" y="{}" transform="rotate(-45 {x} {})">{}</text>"##,
            top - 6,
            top - 6,
            escape(name)
        );
    }
    for (r, name) in names.iter().enumerate() {
        let y = top + r * cell_h;
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end">{}</text>"##,
            label_w - 8,
            y + cell_h / 2 + 5,
            escape(name)
        );
        let x = label_w + r * cell_w;
        let _ = write!(
            s,
            r##"<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="#E6E6E6" stroke="#FFFFFF" stroke-width="2"><title>{}: {} units</title></rect><text x="{}" y="{}" text-anchor="middle" font-size="11">n={}</text>"##,
            escape(name),
            counts[r],
            x + cell_w / 2,
            y + cell_h / 2 + 4,
            counts[r]
        );
        for (k, cell) in cells[r].iter().enumerate().take(r) {
            let x = label_w + k * cell_w;
            let (fill, value) = match cell.c {
                Some(c) => (viridis(c), format!("{c:.2}")),
                None => ((255, 255, 255), "–".to_string()),
            };
            let _ = write!(
                s,
                r##"<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{}" stroke="#FFFFFF" stroke-width="2"><title>{} × {}: c = {value}, together in {} units</title></rect>"##,
                hex(fill),
                escape(name),
                escape(&names[k]),
                cell.n_ab
            );
            let _ = write!(
                s,
                r##"<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{value} ({})</text>"##,
                x + cell_w / 2,
                y + cell_h / 2 + 4,
                ink(fill),
                cell.n_ab
            );
        }
    }
    // Legend: the colour scale of c from 0 to 1, and the note.
    let ly = top + cell_h * names.len() + 20;
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" text-anchor="end">c-coefficient (units together)</text>"##,
        label_w - 8,
        ly + 13
    );
    let steps = 10;
    let lw = 300;
    for i in 0..steps {
        let _ = write!(
            s,
            r##"<rect x="{}" y="{ly}" width="{}" height="16" fill="{}"/>"##,
            label_w + i * lw / steps,
            lw / steps + 1,
            hex(viridis(i as f64 / (steps - 1) as f64))
        );
    }
    for (frac, label) in [(0.0, "0"), (0.5, "0.5"), (1.0, "1")] {
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="middle">{label}</text>"##,
            label_w + (frac * lw as f64) as usize,
            ly + 32
        );
    }
    let _ = write!(
        s,
        r##"<text x="10" y="{}" font-size="12">{}</text>"##,
        ly + 56,
        escape(note)
    );
    s.push_str("</svg>\n");
    s
}

/// The heat map over the nodes that are in at least one unit.
pub fn figure(co: &crate::analysis::cooccur::Cooccurrence, note: &str) -> String {
    let shown: Vec<usize> = (0..co.nodes.names.len()).filter(|&n| co.counts[n] > 0).collect();
    let names: Vec<String> = shown.iter().map(|&n| co.nodes.names[n].clone()).collect();
    let counts: Vec<usize> = shown.iter().map(|&n| co.counts[n]).collect();
    let cells: Vec<Vec<HeatCell>> = shown
        .iter()
        .enumerate()
        .map(|(r, &x)| {
            shown[..r]
                .iter()
                .map(|&y| {
                    let p = co.pair(x, y).expect("every pair is counted");
                    HeatCell {
                        n_ab: p.n_ab,
                        c: p.c(),
                    }
                })
                .collect()
        })
        .collect();
    let title = format!(
        "Co-occurrence of {}s by {}: c-coefficient (units together)",
        co.nodes.level.as_str(),
        co.unit.as_str()
    );
    heatmap(&title, &names, &counts, &cells, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_printed_and_labels_escaped() {
        let names = vec!["a<b".to_string(), "c&d".to_string(), "e".to_string()];
        let cells = vec![
            vec![],
            vec![HeatCell {
                n_ab: 1,
                c: Some(0.25),
            }],
            vec![
                HeatCell {
                    n_ab: 0,
                    c: Some(0.0),
                },
                HeatCell { n_ab: 0, c: None },
            ],
        ];
        let svg = heatmap("T", &names, &[2, 3, 0], &cells, "note <x>");
        assert!(svg.contains("a&lt;b") && svg.contains("c&amp;d") && !svg.contains("a<b"));
        assert!(svg.contains(">0.25 (1)</text>"));
        assert!(svg.contains(">0.00 (0)</text>"));
        assert!(svg.contains(">– (0)</text>"));
        assert!(svg.contains(">n=3</text>"));
        assert!(svg.contains("note &lt;x&gt;"));
        assert_eq!(svg, heatmap("T", &names, &[2, 3, 0], &cells, "note <x>"));
    }
}
