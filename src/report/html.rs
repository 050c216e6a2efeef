//! The report as one self-contained HTML page: the Markdown rendered by comrak (raw HTML in
//! it is never passed through), the figures inlined as SVG, styles inline, nothing fetched; a
//! table of contents links to every section and subsection by its heading's anchor.

/// Renders the report's Markdown into a page, replacing each `![...](path)` image whose path
/// is in `figures` with the SVG itself.
pub fn page(title: &str, markdown: &str, figures: &[(&str, &str)]) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.render.r#unsafe = false;
    // Each heading gets an id from its text (`#findings`), as GitHub's are made.
    options.extension.header_id_prefix = Some(String::new());
    let mut body = comrak::markdown_to_html(markdown, &options);
    let toc = contents(markdown, &options);
    if let Some(at) = body.find("<h2").filter(|_| !toc.is_empty()) {
        body.insert_str(at, &toc);
    }
    for (path, svg) in figures {
        // comrak writes `<img src="PATH" alt="ALT" />`, inside a paragraph of its own.
        let start_tag = format!("<img src=\"{path}\"");
        while let Some(at) = body.find(&start_tag) {
            let end = body[at..].find("/>").map_or(body.len(), |e| at + e + 2);
            let figure = format!("<figure>{}</figure>", svg.trim_end());
            body.replace_range(at..end, &figure);
        }
    }
    // Any other image (one the analyst's template points at) is not fetched: its alt text
    // stands in its place.
    while let Some(at) = body.find("<img ") {
        let end = body[at..].find("/>").map_or(body.len(), |e| at + e + 2);
        let tag = &body[at..end];
        let alt = tag
            .find("alt=\"")
            .and_then(|a| tag[a + 5..].find('"').map(|e| tag[a + 5..a + 5 + e].to_string()))
            .unwrap_or_default();
        body.replace_range(
            at..end,
            &format!("<span class=\"image-not-shown\">[image: {alt}]</span>"),
        );
    }
    let body = body
        .replace("<p><figure>", "<figure>")
        .replace("</figure></p>", "</figure>");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        super::svg::escape(title)
    )
}

/// The table of contents: the level-2 and level-3 headings, linked by the ids comrak gives
/// them (the same anchorizer over every heading in order, so repeated names get the same
/// `-1`, `-2`).
fn contents(markdown: &str, options: &comrak::Options) -> String {
    use comrak::nodes::NodeValue;
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, markdown, options);
    let mut anchors = comrak::Anchorizer::new();
    let mut items: Vec<(u8, String, String)> = Vec::new();
    for node in root.descendants() {
        let level = match &node.data().value {
            NodeValue::Heading(h) => h.level,
            _ => continue,
        };
        let text = node.collect_text();
        let id = anchors.anchorize(&text);
        if (2..=3).contains(&level) {
            items.push((level, id, text));
        }
    }
    if items.len() < 2 {
        return String::new();
    }
    let mut out = String::from(
        "<nav class=\"contents\" aria-label=\"Contents\">\n<p><strong>Contents</strong></p>\n<ul>\n",
    );
    for (level, id, text) in items {
        out.push_str(&format!(
            "<li class=\"level-{level}\"><a href=\"#{}\">{}</a></li>\n",
            super::svg::escape(&id),
            super::svg::escape(&text)
        ));
    }
    out.push_str("</ul>\n</nav>\n");
    out
}

const STYLE: &str = r#"body { margin: 0; background: #fff; color: #1a1a1a; font: 16px/1.55 Georgia, "Times New Roman", serif; }
main { max-width: 48rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1, h2, h3, h4 { font-family: Helvetica, Arial, sans-serif; line-height: 1.25; }
h1 { font-size: 1.9rem; margin-top: 1.5rem; }
h2 { font-size: 1.45rem; margin-top: 2.5rem; border-bottom: 2px solid #0072B2; padding-bottom: .2rem; }
h3 { font-size: 1.2rem; margin-top: 2rem; }
h4 { font-size: 1.05rem; margin-top: 1.5rem; color: #333; }
table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; font: 14px/1.4 Helvetica, Arial, sans-serif; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .35rem .6rem; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
blockquote { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid #0072B2; background: #f7f9fb; }
blockquote p { margin: 0; }
figure { margin: 1.5rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
code { font-size: .9em; background: #f2f2f2; padding: 0 .2em; }
nav.contents { font: 14px/1.5 Helvetica, Arial, sans-serif; border: 1px solid #ccc; padding: .5rem 1rem; margin: 1.5rem 0; }
nav.contents ul { list-style: none; margin: 0; padding: 0; }
nav.contents li.level-3 { padding-left: 1.25rem; }
a.anchor { text-decoration: none; }
h2:hover a.anchor::after, h3:hover a.anchor::after, h4:hover a.anchor::after { content: " #"; color: #767676; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  blockquote, figure, tr { break-inside: avoid; }
  table { display: table; overflow: visible; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_inlined_and_html_is_not_passed_through() {
        let html = page(
            "A <b>title</b>",
            "# T\n\n<script>alert(1)</script>\n\n![Chart](figures/a.svg)\n",
            &[("figures/a.svg", "<svg><text>hi</text></svg>\n")],
        );
        assert!(
            html.contains("<figure><svg><text>hi</text></svg></figure>"),
            "{html}"
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("<title>A &lt;b&gt;title&lt;/b&gt;</title>"));
        assert!(!html.contains("src="));
    }

    #[test]
    fn the_contents_link_to_each_section_by_its_anchor() {
        let html = page(
            "T",
            "# T\n\n## Summary\n\n## Findings <b>\n\n### 1. Trust\n\n#### 1.1 Deep\n\n## Summary\n",
            &[],
        );
        assert!(
            html.contains("<li class=\"level-2\"><a href=\"#summary\">Summary</a></li>"),
            "{html}"
        );
        assert!(
            html.contains("<li class=\"level-3\"><a href=\"#1-trust\">1. Trust</a></li>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"#summary-1\">Summary</a>"), "{html}");
        assert!(html.contains("id=\"summary-1\""), "{html}");
        assert!(!html.contains("#### "), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        // The contents come before the first section.
        assert!(html.find("<nav").unwrap() < html.find("<h2").unwrap(), "{html}");
    }
}
