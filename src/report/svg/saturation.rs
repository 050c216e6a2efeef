//! The saturation curve: new codes per document in interview order (bars, the base shaded
//! apart), the cumulative unique codes (a line), and below it each run's new-information ratio
//! against the threshold (dashed), the saturation point marked. Every value is printed.

use super::{escape, open};
use std::fmt::Write as _;

/// Okabe–Ito blue for the bars, vermillion for the ratios, grey for the base.
const BAR: &str = "#0072B2";
const BASE: &str = "#999999";
const RATIO: &str = "#D55E00";

/// What the curve shows.
pub struct Curve<'a> {
    pub title: &'a str,
    pub documents: &'a [String],
    pub new_per_document: &'a [usize],
    pub cumulative: &'a [usize],
    pub base: usize,
    /// For each run: the position (0-based) of its last document and its ratio.
    pub runs: &'a [(usize, Option<f64>)],
    pub threshold: f64,
    /// The run at or below the threshold, as an index into `runs`.
    pub saturation: Option<usize>,
    pub statement: &'a str,
}

/// The curve of an assessment: the documents in order (`names`), the parameters it was made
/// with, and its sentence for the methods section.
pub fn of_assessment(
    a: &crate::analysis::saturation::Assessment,
    names: &[String],
    params: crate::analysis::saturation::Params,
    statement: &str,
) -> String {
    let runs: Vec<(usize, Option<f64>)> = a.runs.iter().map(|r| (r.last, r.ratio)).collect();
    curve(&Curve {
        title: &format!(
            "Saturation: base {}, runs of {}, threshold {}",
            params.base,
            params.run,
            crate::analysis::saturation::percent(params.threshold)
        ),
        documents: names,
        new_per_document: &a.new_per_document,
        cumulative: &a.cumulative,
        base: params.base,
        runs: &runs,
        threshold: params.threshold,
        saturation: a.saturation,
        statement,
    })
}

pub fn curve(c: &Curve) -> String {
    let n = c.documents.len().max(1);
    let step = 44;
    let left = 60;
    let plot_w = step * n;
    let (top, h1) = (50, 180);
    let gap = 120;
    let top2 = top + h1 + gap;
    let h2 = 140;
    let width = left + plot_w + 80;
    let height = top2 + h2 + 110;
    let mut s = open(width.max(520), height, "saturation", c.title);
    let max = c.cumulative.iter().copied().max().unwrap_or(0).max(1);
    let y1 = |v: usize| top + h1 - v * h1 / max;
    let x = |i: usize| left + i * step + step / 2;
    // Axes.
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="#333333"/><text x="{left}" y="{}" font-size="11">codes</text>"##,
        top + h1,
        left + plot_w,
        top + h1,
        top - 8
    );
    for (i, doc) in c.documents.iter().enumerate() {
        let v = c.new_per_document[i];
        let fill = if i < c.base { BASE } else { BAR };
        // The value inside the bar when it fits (the cumulative line's labels sit above).
        let (label_y, label_fill) = if top + h1 - y1(v) >= 18 {
            (top + h1 - 5, "#FFFFFF")
        } else {
            (y1(v) - 4, "#000000")
        };
        let _ = write!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"><title>{}: {v} new codes</title></rect><text x="{}" y="{label_y}" text-anchor="middle" font-size="11" fill="{label_fill}">{v}</text>"##,
            x(i) - step / 2 + 6,
            y1(v),
            step - 12,
            top + h1 - y1(v),
            escape(doc),
            x(i),
        );
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end" font-size="11" transform="rotate(-45 {} {})">{}</text>"##,
            x(i),
            top + h1 + 14,
            x(i),
            top + h1 + 14,
            escape(doc)
        );
    }
    // The cumulative line, with its values above the points.
    let points: Vec<String> = c
        .cumulative
        .iter()
        .enumerate()
        .map(|(i, &v)| format!("{},{}", x(i), y1(v)))
        .collect();
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#000000" stroke-width="1.5"/>"##,
        points.join(" ")
    );
    for (i, &v) in c.cumulative.iter().enumerate() {
        let _ = write!(
            s,
            r##"<circle cx="{}" cy="{}" r="3" fill="#000000"/><text x="{}" y="{}" font-size="10" text-anchor="start">{v}</text>"##,
            x(i),
            y1(v),
            x(i) + 4,
            y1(v) - 5
        );
    }
    let _ = write!(
        s,
        r##"<rect x="{left}" y="{}" width="12" height="12" fill="{BASE}"/><text x="{}" y="{}" font-size="11">base</text><rect x="{}" y="{}" width="12" height="12" fill="{BAR}"/><text x="{}" y="{}" font-size="11">new codes</text><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#000000" stroke-width="1.5"/><text x="{}" y="{}" font-size="11">unique codes so far</text>"##,
        top + h1 + 66,
        left + 16,
        top + h1 + 76,
        left + 60,
        top + h1 + 66,
        left + 76,
        top + h1 + 76,
        left + 150,
        top + h1 + 72,
        left + 170,
        top + h1 + 72,
        left + 176,
        top + h1 + 76
    );
    // The ratios: at the last document of each run, on a scale from 0 to the largest ratio.
    let rmax = c
        .runs
        .iter()
        .filter_map(|r| r.1)
        .fold(c.threshold, f64::max)
        .max(0.01);
    let y2 = |r: f64| top2 + h2 - (r / rmax * (h2 - 24) as f64).round() as usize;
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="#333333"/><text x="{left}" y="{}" font-size="11">new information per run (share of the base)</text>"##,
        top2 + h2,
        left + plot_w,
        top2 + h2,
        top2 - 8
    );
    let ty = y2(c.threshold);
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{ty}" x2="{}" y2="{ty}" stroke="#333333" stroke-dasharray="5 4"/><text x="{}" y="{}" font-size="11">threshold {}</text>"##,
        left + plot_w,
        left + plot_w + 4,
        ty + 4,
        crate::analysis::saturation::percent(c.threshold)
    );
    let mut last: Option<(usize, usize)> = None;
    for (k, &(end, ratio)) in c.runs.iter().enumerate() {
        let Some(r) = ratio else { continue };
        let (px, py) = (x(end), y2(r));
        if let Some((lx, ly)) = last {
            let _ = write!(
                s,
                r##"<line x1="{lx}" y1="{ly}" x2="{px}" y2="{py}" stroke="{RATIO}" stroke-width="1.5"/>"##
            );
        }
        last = Some((px, py));
        let marked = c.saturation == Some(k);
        let _ = write!(
            s,
            r##"<circle cx="{px}" cy="{py}" r="{}" fill="{RATIO}"{}/><text x="{px}" y="{}" font-size="10" text-anchor="middle">{}</text>"##,
            if marked { 6 } else { 3 },
            if marked {
                r##" stroke="#000000" stroke-width="2""##
            } else {
                ""
            },
            py - 8,
            crate::analysis::saturation::percent(r)
        );
        if marked {
            let _ = write!(
                s,
                r##"<text x="{px}" y="{}" font-size="11" text-anchor="middle" font-weight="bold">saturation</text>"##,
                top2 + h2 + 16
            );
        }
    }
    // The statement, wrapped to the chart's width.
    let per_line = (width.max(520) - 20) / 7;
    for (k, line) in wrap(c.statement, per_line).iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="10" y="{}" font-size="12">{}</text>"##,
            top2 + h2 + 44 + k * 16,
            escape(line)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Words into lines of at most `width` characters (a longer word has a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_at_words() {
        assert_eq!(wrap("aa bb cc dd", 5), vec!["aa bb", "cc dd"]);
        assert_eq!(wrap("abcdefg h", 3), vec!["abcdefg", "h"]);
    }
}
