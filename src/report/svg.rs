//! Charts for the report, written as SVG by hand: a heat map of theme × group (share of each
//! group's participants coded) and grouped bars of references per theme by group. Colours are
//! colour-blind safe (viridis for the heat map, Okabe–Ito for the groups); every value is also
//! printed as text, so the charts read in black and white.

use std::fmt::Write as _;

pub mod cooccur;
pub mod map;
pub mod over;
pub mod ratings;
pub mod saturation;

/// Okabe–Ito, without black and yellow (too light on white).
pub(crate) const GROUP_COLOURS: [&str; 6] =
    ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"];

/// Viridis at 0, .25, .5, .75, 1.
const VIRIDIS: [(u8, u8, u8); 5] = [
    (68, 1, 84),
    (59, 82, 139),
    (33, 145, 140),
    (94, 201, 98),
    (253, 231, 37),
];

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn viridis(x: f64) -> (u8, u8, u8) {
    let x = x.clamp(0.0, 1.0) * 4.0;
    let i = (x.floor() as usize).min(3);
    let t = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * t).round() as u8;
    (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// Text colour that reads on a fill.
fn ink((r, g, b): (u8, u8, u8)) -> &'static str {
    let l = 0.2126 * r as f64 + 0.7152 * g as f64 + 0.0722 * b as f64;
    if l > 140.0 {
        "#000000"
    } else {
        "#FFFFFF"
    }
}

/// Approximate width of a label in pixels at 13px.
fn text_width(s: &str) -> usize {
    s.chars().count() * 7 + 8
}

/// The start of a chart: the `<svg>` element, its title for screen readers, a white
/// background and the title printed at the top.
fn open(width: usize, height: usize, id: &str, title: &str) -> String {
    let title = escape(title);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title" font-family="Helvetica, Arial, sans-serif" font-size="13"><title id="{id}-title">{title}</title><rect width="{width}" height="{height}" fill="#FFFFFF"/><text x="10" y="22" font-size="15" font-weight="bold">{title}</text>"##
    )
}

/// Heat map: one row per theme, one column per group; cells show n/N and the share.
pub fn heatmap(title: &str, rows: &[String], groups: &[String], cells: &[Vec<(usize, usize)>]) -> String {
    let label_w = rows
        .iter()
        .map(|r| text_width(r))
        .max()
        .unwrap_or(80)
        .clamp(80, 320);
    let cell_w = groups
        .iter()
        .map(|g| text_width(g))
        .max()
        .unwrap_or(90)
        .clamp(90, 170);
    let (cell_h, top) = (34, 64);
    let width = label_w + cell_w * groups.len() + 20;
    let height = top + cell_h * rows.len() + 70;
    let mut s = open(width, height, "heatmap", title);
    for (g, group) in groups.iter().enumerate() {
        let x = label_w + g * cell_w + cell_w / 2;
        let _ = write!(
            s,
            r##"<text x="{x}" y="{}" text-anchor="middle" font-weight="bold">{}</text>"##,
            top - 10,
            escape(group)
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let y = top + r * cell_h;
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end">{}</text>"##,
            label_w - 8,
            y + cell_h / 2 + 5,
            escape(row)
        );
        for (g, &(n, of)) in cells[r].iter().enumerate() {
            let share = if of == 0 { 0.0 } else { n as f64 / of as f64 };
            let fill = viridis(share);
            let x = label_w + g * cell_w;
            let _ = write!(
                s,
                r##"<rect x="{x}" y="{y}" width="{}" height="{}" fill="{}" stroke="#FFFFFF" stroke-width="2"><title>{}: {} — {n}/{of}</title></rect>"##,
                cell_w,
                cell_h,
                hex(fill),
                escape(row),
                escape(&groups[g])
            );
            let _ = write!(
                s,
                r##"<text x="{}" y="{}" text-anchor="middle" fill="{}">{n}/{of} ({:.0}%)</text>"##,
                x + cell_w / 2,
                y + cell_h / 2 + 5,
                ink(fill),
                share * 100.0
            );
        }
    }
    // Legend: the colour scale from 0 % to 100 %.
    let ly = top + cell_h * rows.len() + 24;
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" text-anchor="end">share of the group's participants</text>"##,
        label_w - 8,
        ly + 13
    );
    let steps = 10;
    let lw = (cell_w * groups.len().max(2)).min(360);
    for i in 0..steps {
        let x = label_w + i * lw / steps;
        let _ = write!(
            s,
            r##"<rect x="{x}" y="{ly}" width="{}" height="16" fill="{}"/>"##,
            lw / steps + 1,
            hex(viridis(i as f64 / (steps - 1) as f64))
        );
    }
    for (frac, label) in [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")] {
        let x = label_w + (frac * lw as f64) as usize;
        let _ = write!(
            s,
            r##"<text x="{x}" y="{}" text-anchor="middle">{label}</text>"##,
            ly + 32
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Grouped horizontal bars: references per row by group, with a legend.
pub fn grouped_bars(title: &str, rows: &[String], groups: &[String], values: &[Vec<usize>]) -> String {
    let label_w = rows
        .iter()
        .map(|r| text_width(r))
        .max()
        .unwrap_or(80)
        .clamp(80, 320);
    let plot_w = 420;
    let bar_h = 14;
    let row_h = bar_h * groups.len() + 14;
    let top = 40 + 22 * groups.len().div_ceil(3);
    let width = label_w + plot_w + 60;
    let height = top + row_h * rows.len() + 10;
    let max = values.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut s = open(width, height, "bars", title);
    for (g, group) in groups.iter().enumerate() {
        let x = 10 + (g % 3) * 220;
        let y = 34 + (g / 3) * 22;
        let colour = GROUP_COLOURS[g % GROUP_COLOURS.len()];
        let _ = write!(
            s,
            r##"<rect x="{x}" y="{y}" width="14" height="14" fill="{colour}"/>"##
        );
        let _ = write!(
            s,
            r##"<text x="{}" y="{}">{}</text>"##,
            x + 20,
            y + 12,
            escape(group)
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let y0 = top + r * row_h;
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end">{}</text>"##,
            label_w - 8,
            y0 + (bar_h * groups.len()) / 2 + 5,
            escape(row)
        );
        for (g, &v) in values[r].iter().enumerate() {
            let y = y0 + g * bar_h;
            let w = v * plot_w / max;
            let colour = GROUP_COLOURS[g % GROUP_COLOURS.len()];
            let _ = write!(
                s,
                r##"<rect x="{label_w}" y="{y}" width="{w}" height="{}" fill="{colour}"><title>{}: {} — {v}</title></rect>"##,
                bar_h - 2,
                escape(row),
                escape(&groups[g])
            );
            let _ = write!(
                s,
                r##"<text x="{}" y="{}" font-size="11">{v}</text>"##,
                label_w + w + 4,
                y + bar_h - 3
            );
        }
    }
    let _ = write!(
        s,
        r##"<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{}" stroke="#333333"/>"##,
        height - 10
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_values_printed() {
        let svg = heatmap("T", &["<script>".into()], &["a&b".into()], &[vec![(1, 4)]]);
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("a&amp;b"));
        assert!(svg.contains("1/4 (25%)"));
        let svg = grouped_bars("T", &["x".into()], &["g1".into(), "g2".into()], &[vec![3, 0]]);
        assert!(svg.contains(">3</text>") && svg.contains(">0</text>"));
    }

    #[test]
    fn viridis_ends() {
        assert_eq!(hex(viridis(0.0)), "#440154");
        assert_eq!(hex(viridis(1.0)), "#FDE725");
        assert_eq!(ink(viridis(0.0)), "#FFFFFF");
        assert_eq!(ink(viridis(1.0)), "#000000");
    }
}
