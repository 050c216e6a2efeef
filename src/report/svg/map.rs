//! The thematic map as a figure: a layered tree laid out here, deterministically, left to
//! right (themes, then categories, then codes), each code on a row of its own and every parent
//! centred on its children, so no two labels can meet; co-occurrence links as arcs to the right
//! of the codes, listed with their values below. Also the same map as Mermaid text, which
//! GitHub renders.

use super::{escape, open, text_width, GROUP_COLOURS};
use crate::analysis::map::{Colour, MapNode, ThematicMap, Tone};
use crate::analysis::nodes::Level;
use std::fmt::Write as _;

const ROW: f64 = 24.0;
const CATEGORY_GAP: f64 = 8.0;
const THEME_GAP: f64 = 16.0;
const TOP: f64 = 96.0;
const LEFT: f64 = 16.0;

/// A node placed on the page: circle centre and radius, and its label's box.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub label: String,
    pub level: Level,
    pub tone: Tone,
    pub x: f64,
    pub y: f64,
    pub r: f64,
    /// The label's box: left, top, right, bottom (text at 12px, 7px a character).
    pub label_box: (f64, f64, f64, f64),
    /// The index of the parent in the layout, and for codes their index in the map's codes.
    pub parent: Option<usize>,
    pub code: Option<usize>,
}

/// The layout of a map: every node placed, the right edge of the code labels and the height.
#[derive(Debug, Clone)]
pub struct Layout {
    pub nodes: Vec<Placed>,
    pub labels_end: f64,
    pub bottom: f64,
}

/// The label of a node: its name and value.
pub fn label(node: &MapNode) -> String {
    format!("{} ({})", node.name, node.value)
}

fn label_width(s: &str) -> f64 {
    text_width(s) as f64
}

fn radius(level: Level, value: usize, max: usize) -> f64 {
    let (lo, hi) = match level {
        Level::Theme => (6.0, 14.0),
        Level::Category => (5.0, 11.0),
        Level::Code => (3.0, 9.0),
    };
    let share = if max == 0 {
        0.0
    } else {
        (value as f64 / max as f64).sqrt()
    };
    lo + (hi - lo) * share
}

fn depth(level: Level) -> usize {
    match level {
        Level::Theme => 0,
        Level::Category => 1,
        Level::Code => 2,
    }
}

/// Lays the map out: leaves one row each, parents centred on their children.
pub fn layout(map: &ThematicMap) -> Layout {
    // The widest label and largest value of each column.
    let mut widest = [0.0f64; 3];
    let mut max = [0usize; 3];
    fn walk(n: &MapNode, f: &mut dyn FnMut(&MapNode)) {
        f(n);
        for c in &n.children {
            walk(c, f);
        }
    }
    for t in &map.themes {
        walk(t, &mut |n| {
            let d = depth(n.level);
            widest[d] = widest[d].max(label_width(&label(n)));
            max[d] = max[d].max(n.value);
        });
    }
    // Column centres: each column starts after the widest label of the one before.
    let mut column = [0.0f64; 3];
    column[0] = LEFT + 14.0;
    column[1] = column[0] + 14.0 + 6.0 + widest[0] + 30.0 + 11.0;
    column[2] = column[1] + 11.0 + 6.0 + widest[1] + 30.0 + 9.0;
    let mut nodes: Vec<Placed> = Vec::new();
    let mut y = TOP;
    fn place(
        n: &MapNode,
        parent: Option<usize>,
        y: &mut f64,
        nodes: &mut Vec<Placed>,
        column: &[f64; 3],
        max: &[usize; 3],
    ) -> f64 {
        let me = nodes.len();
        let d = depth(n.level);
        let r = radius(n.level, n.value, max[d]);
        nodes.push(Placed {
            label: label(n),
            level: n.level,
            tone: n.tone,
            x: column[d],
            y: 0.0,
            r,
            label_box: (0.0, 0.0, 0.0, 0.0),
            parent,
            code: n.code,
        });
        let cy = if n.children.is_empty() {
            let cy = *y;
            *y += ROW;
            cy
        } else {
            let mut first = None;
            let mut last = 0.0;
            for (i, c) in n.children.iter().enumerate() {
                // A category after a sibling leaves a gap, so categories stand apart.
                if i > 0 && c.level == Level::Category {
                    *y += CATEGORY_GAP;
                }
                let cy = place(c, Some(me), y, nodes, column, max);
                first.get_or_insert(cy);
                last = cy;
            }
            (first.unwrap_or(last) + last) / 2.0
        };
        let x = column[d];
        let w = label_width(&nodes[me].label);
        nodes[me].y = cy;
        nodes[me].label_box = (x + r + 6.0, cy - 12.0, x + r + 6.0 + w, cy + 4.0);
        cy
    }
    for (i, t) in map.themes.iter().enumerate() {
        if i > 0 {
            y += THEME_GAP;
        }
        place(t, None, &mut y, &mut nodes, &column, &max);
    }
    let labels_end = nodes.iter().map(|n| n.label_box.2).fold(column[2], f64::max);
    Layout {
        nodes,
        labels_end,
        bottom: y,
    }
}

const POSITIVE: &str = "#009E73";
const NEGATIVE: &str = "#D55E00";
const BALANCED: &str = "#F0E442";
const NONE: &str = "#FFFFFF";
const SHARED: &str = "#999999";

fn fill(tone: Tone) -> &'static str {
    match tone {
        Tone::Positive => POSITIVE,
        Tone::Negative => NEGATIVE,
        Tone::Balanced => BALANCED,
        Tone::None => NONE,
        Tone::Group(g) => GROUP_COLOURS[g % GROUP_COLOURS.len()],
        Tone::Shared => SHARED,
    }
}

/// The legend's entries for the map's colouring.
fn legend(map: &ThematicMap, group_label: &dyn Fn(&str) -> String) -> Vec<(&'static str, String)> {
    match map.colour {
        Colour::Lean => vec![
            (POSITIVE, "leans positive".into()),
            (NEGATIVE, "leans negative".into()),
            (BALANCED, "balanced".into()),
            (NONE, "no polarity".into()),
        ],
        Colour::Group => {
            let mut v: Vec<(&'static str, String)> = map
                .groups
                .iter()
                .enumerate()
                .map(|(g, id)| {
                    (
                        GROUP_COLOURS[g % GROUP_COLOURS.len()],
                        format!("most prominent: {}", group_label(id)),
                    )
                })
                .collect();
            v.push((SHARED, "shared by groups".into()));
            v.push((NONE, "nobody coded".into()));
            v
        }
    }
}

/// The map as SVG.
pub fn svg(map: &ThematicMap, title: &str, group_label: &dyn Fn(&str) -> String) -> String {
    let lay = layout(map);
    let code_y: Vec<Option<f64>> = (0..map.codes.len())
        .map(|c| lay.nodes.iter().find(|n| n.code == Some(c)).map(|n| n.y))
        .collect();
    let arcs_x = lay.labels_end + 16.0;
    let span = map
        .links
        .iter()
        .filter_map(|l| Some((code_y[l.a]? - code_y[l.b]?).abs()))
        .fold(0.0, f64::max);
    let arc_reach = if map.links.is_empty() {
        0.0
    } else {
        30.0 + span * 0.25
    };
    let links_h = if map.links.is_empty() {
        0.0
    } else {
        24.0 + 16.0 * map.links.len() as f64
    };
    let width = (arcs_x + arc_reach + 20.0).max(640.0).ceil() as usize;
    let height = (lay.bottom + 30.0 + links_h).ceil() as usize;
    let mut s = open(width, height, "map", title);
    let size_word = match map.size {
        crate::analysis::map::Size::References => "references",
        crate::analysis::map::Size::Participants => "participants",
    };
    let _ = write!(
        s,
        r##"<text x="10" y="42" font-size="12">Circles sized by {size_word} (the number in brackets); links: codes whose passages co-occur, c ≥ {}.</text>"##,
        map.threshold
    );
    let mut lx = 10.0;
    for (colour, text) in legend(map, group_label) {
        let _ = write!(
            s,
            r##"<circle cx="{}" cy="62" r="6" fill="{colour}" stroke="#333333"/><text x="{}" y="66" font-size="12">{}</text>"##,
            lx + 6.0,
            lx + 16.0,
            escape(&text)
        );
        lx += 16.0 + label_width(&text) + 12.0;
    }
    // Edges first, under the circles: from the end of the parent's label to the child.
    for n in &lay.nodes {
        if let Some(p) = n.parent {
            let p = &lay.nodes[p];
            let _ = write!(
                s,
                r##"<path d="M{:.1} {:.1} C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}" fill="none" stroke="#AAAAAA"/>"##,
                p.label_box.2 + 2.0,
                p.y,
                p.label_box.2 + 16.0,
                p.y,
                n.x - n.r - 16.0,
                n.y,
                n.x - n.r,
                n.y
            );
        }
    }
    for l in &map.links {
        let (Some(ya), Some(yb)) = (code_y[l.a], code_y[l.b]) else {
            continue;
        };
        let reach = 30.0 + (ya - yb).abs() * 0.25;
        let _ = write!(
            s,
            r##"<path d="M{arcs_x:.1} {ya:.1} C{:.1} {ya:.1} {:.1} {yb:.1} {arcs_x:.1} {yb:.1}" fill="none" stroke="#CC79A7" stroke-width="{:.1}" stroke-opacity="0.8"><title>{} — {}: c = {:.2}</title></path>"##,
            arcs_x + reach,
            arcs_x + reach,
            1.0 + 4.0 * l.c,
            escape(&map.codes[l.a]),
            escape(&map.codes[l.b]),
            l.c
        );
    }
    for n in &lay.nodes {
        let weight = match n.level {
            Level::Theme => r#" font-weight="bold""#,
            _ => "",
        };
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{:.1}" fill="{}" stroke="#333333"/><text x="{:.1}" y="{:.1}" font-size="12"{weight}>{}</text>"##,
            n.x,
            n.y,
            n.r,
            fill(n.tone),
            n.label_box.0,
            n.y + 4.0,
            escape(&n.label)
        );
    }
    if !map.links.is_empty() {
        let y0 = lay.bottom + 20.0;
        let _ = write!(
            s,
            r##"<text x="10" y="{y0:.1}" font-size="12" font-weight="bold">Links (c-coefficient, passages)</text>"##
        );
        for (i, l) in map.links.iter().enumerate() {
            let _ = write!(
                s,
                r##"<text x="10" y="{:.1}" font-size="12">{} — {}: {:.2}</text>"##,
                y0 + 16.0 * (i + 1) as f64,
                escape(&map.codes[l.a]),
                escape(&map.codes[l.b]),
                l.c
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Text inside a Mermaid label: Mermaid's entity codes for what would end or mark up the label.
pub fn mermaid_escape(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        match ch {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The map as a Mermaid flowchart (left to right): themes as stadiums, categories as boxes,
/// codes as rounded boxes, links as dotted lines labelled with their c-coefficient.
pub fn mermaid(map: &ThematicMap) -> String {
    let lay = layout(map);
    let mut s = String::from("flowchart LR\n");
    let id = |i: usize, n: &Placed| match n.level {
        Level::Theme => format!("t{i}"),
        Level::Category => format!("g{i}"),
        Level::Code => format!("k{i}"),
    };
    for (i, n) in lay.nodes.iter().enumerate() {
        let text = mermaid_escape(&n.label);
        let _ = match n.level {
            Level::Theme => writeln!(s, "  {}([\"{text}\"])", id(i, n)),
            Level::Category => writeln!(s, "  {}[\"{text}\"]", id(i, n)),
            Level::Code => writeln!(s, "  {}(\"{text}\")", id(i, n)),
        };
    }
    for (i, n) in lay.nodes.iter().enumerate() {
        if let Some(p) = n.parent {
            let _ = writeln!(s, "  {} --- {}", id(p, &lay.nodes[p]), id(i, n));
        }
    }
    let of_code = |c: usize| lay.nodes.iter().position(|n| n.code == Some(c));
    for l in &map.links {
        if let (Some(a), Some(b)) = (of_code(l.a), of_code(l.b)) {
            let _ = writeln!(
                s,
                "  {} -.-|\"{:.2}\"| {}",
                id(a, &lay.nodes[a]),
                l.c,
                id(b, &lay.nodes[b])
            );
        }
    }
    let classes = [
        (Tone::Positive, "positive", POSITIVE),
        (Tone::Negative, "negative", NEGATIVE),
        (Tone::Balanced, "balanced", BALANCED),
        (Tone::None, "none", NONE),
        (Tone::Shared, "shared", SHARED),
    ];
    let mut used: Vec<(String, &str)> = Vec::new();
    for (i, n) in lay.nodes.iter().enumerate() {
        let (class, colour) = match n.tone {
            Tone::Group(g) => (format!("group{g}"), GROUP_COLOURS[g % GROUP_COLOURS.len()]),
            tone => {
                let (_, name, colour) = classes
                    .iter()
                    .find(|(t, _, _)| *t == tone)
                    .expect("every tone has a class");
                (name.to_string(), *colour)
            }
        };
        if !used.iter().any(|(c, _)| *c == class) {
            used.push((class.clone(), colour));
        }
        let _ = writeln!(s, "  class {} {class}", id(i, n));
    }
    for (class, colour) in used {
        let ink = match colour {
            POSITIVE | NEGATIVE | "#0072B2" | "#CC79A7" => "#FFFFFF",
            _ => "#000000",
        };
        let _ = writeln!(s, "  classDef {class} fill:{colour},color:{ink},stroke:#333333");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::map::{Link, Size};

    fn code(name: String, value: usize, code: usize) -> MapNode {
        MapNode {
            name,
            level: Level::Code,
            value,
            tone: Tone::None,
            children: Vec::new(),
            code: Some(code),
        }
    }

    /// 6 themes × 2 categories × 5 codes = 60 codes, long and short names, some values large.
    pub fn sixty() -> ThematicMap {
        let mut codes = Vec::new();
        let mut themes = Vec::new();
        for t in 0..6 {
            let mut cats = Vec::new();
            for k in 0..2 {
                let mut children = Vec::new();
                for c in 0..5 {
                    let i = codes.len();
                    let name = format!("code-{t}-{k}-{c}{}", "-long".repeat(i % 4));
                    codes.push(name.clone());
                    children.push(code(name, (i * 7) % 23, i));
                }
                cats.push(MapNode {
                    name: format!("Category {t}.{k} <with & marks>"),
                    level: Level::Category,
                    value: 10 + t + k,
                    tone: Tone::Positive,
                    children,
                    code: None,
                });
            }
            themes.push(MapNode {
                name: format!("Theme {t}"),
                level: Level::Theme,
                value: 40 + t,
                tone: Tone::Negative,
                children: cats,
                code: None,
            });
        }
        ThematicMap {
            size: Size::References,
            colour: Colour::Lean,
            groups: vec!["staff".into()],
            themes,
            codes,
            links: vec![Link { a: 0, b: 59, c: 0.5 }, Link { a: 3, b: 4, c: 0.31 }],
            threshold: 0.3,
        }
    }

    fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
        a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
    }

    fn circle_box(n: &Placed) -> (f64, f64, f64, f64) {
        (n.x - n.r, n.y - n.r, n.x + n.r, n.y + n.r)
    }

    #[test]
    fn sixty_codes_no_label_meets_another_label_or_circle() {
        let lay = layout(&sixty());
        assert_eq!(lay.nodes.len(), 6 + 12 + 60);
        for (i, a) in lay.nodes.iter().enumerate() {
            for (j, b) in lay.nodes.iter().enumerate() {
                if i == j {
                    continue;
                }
                assert!(
                    !overlap(a.label_box, b.label_box),
                    "labels {} and {} overlap",
                    a.label,
                    b.label
                );
                assert!(
                    !overlap(a.label_box, circle_box(b)),
                    "label {} meets circle {}",
                    a.label,
                    b.label
                );
                if i < j {
                    assert!(
                        !overlap(circle_box(a), circle_box(b)),
                        "circles {} and {} meet",
                        a.label,
                        b.label
                    );
                }
            }
        }
    }

    #[test]
    fn parents_sit_between_their_children_and_left_of_them() {
        let lay = layout(&sixty());
        for (i, n) in lay.nodes.iter().enumerate() {
            let kids: Vec<&Placed> = lay.nodes.iter().filter(|c| c.parent == Some(i)).collect();
            if kids.is_empty() {
                continue;
            }
            let lo = kids.iter().map(|c| c.y).fold(f64::MAX, f64::min);
            let hi = kids.iter().map(|c| c.y).fold(f64::MIN, f64::max);
            assert!((n.y - (lo + hi) / 2.0).abs() < 1e-9);
            assert!(kids.iter().all(|c| c.x - c.r > n.label_box.2 + 20.0));
        }
    }

    #[test]
    fn svg_escapes_and_is_deterministic_and_mermaid_too() {
        let map = sixty();
        let svg = svg(&map, "Map", &|g| g.to_string());
        assert!(svg.contains("Category 0.0 &lt;with &amp; marks&gt; (10)"));
        assert!(!svg.contains("<with"));
        assert!(svg.contains("code-0-0-0 — code-5-1-4-long-long-long: 0.50"));
        assert_eq!(svg, super::svg(&map, "Map", &|g| g.to_string()));
        let m = mermaid(&map);
        assert!(m.starts_with("flowchart LR\n"));
        assert!(m.contains("[\"Category 0.0 #lt;with #amp; marks#gt; (10)\"]"));
        assert!(m.contains("-.-|\"0.50\"|"));
        assert_eq!(m.matches(" --- ").count(), 12 + 60);
        assert_eq!(mermaid_escape("a\"b#c`"), "a#quot;b#35;c#96;");
    }
}
