//! `report.docx`: the report's Markdown as a Word document, written as OOXML with the `zip`
//! crate: headings (Word's Heading styles, so the navigation pane and the table of contents
//! find them), paragraphs with emphasis, tables with a repeated header row, block quotes in
//! Word's Quote style with their attribution, the figures as PNG (rasterised from the SVGs by
//! resvg with the bundled DejaVu Sans, so every machine draws the same pixels) and a table of
//! contents field that Word and LibreOffice fill in.
//!
//! Same input, same bytes: every zip entry has the same fixed time, ids are counters, and the
//! creation date comes from the settings.
//!
//! Why not a crate such as docx-rs: its zip entries carry the clock unless patched, it brings
//! an image decoder and a second zip version, and what the report needs (about ten element
//! kinds) is small enough to write here and keep deterministic.

use comrak::nodes::{AstNode, ListType, NodeValue, TableAlignment};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

/// The font the figures are drawn with: DejaVu Sans (Bitstream Vera licence,
/// `assets/fonts/DejaVuSans-LICENSE.txt`), bundled so the PNGs do not depend on the machine's
/// fonts.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The widest a figure is shown: the text width of an A4 page with 2.5 cm margins (EMU).
const MAX_WIDTH_EMU: u64 = 5_760_000;
/// EMU per CSS pixel (96 per inch).
const EMU_PER_PX: u64 = 9_525;

/// The document's metadata.
pub struct Meta<'a> {
    pub title: &'a str,
    pub authors: &'a [String],
    /// `YYYY-MM-DD`.
    pub created: (u16, u8, u8),
}

/// A figure rasterised: its PNG and its size in CSS pixels.
struct Png {
    bytes: Vec<u8>,
    width: u32,
    height: u32,
}

/// Rasterises an SVG at twice its size (crisp in print), with the bundled font.
fn rasterise(svg: &str) -> Result<Png, String> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options {
        font_family: "DejaVu Sans".into(),
        ..usvg::Options::default()
    };
    {
        let fonts = options.fontdb_mut();
        fonts.load_font_data(FONT.to_vec());
        fonts.set_sans_serif_family("DejaVu Sans");
        fonts.set_serif_family("DejaVu Sans");
    }
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    let (width, height) = (size.width().ceil() as u32, size.height().ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(width * 2, height * 2)
        .ok_or_else(|| format!("a figure of {width} × {height} pixels cannot be drawn"))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(2.0, 2.0),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap.encode_png().map_err(|e| e.to_string())?;
    Ok(Png { bytes, width, height })
}

/// Writes the document. `figures` are the SVGs by the path the Markdown's images name.
pub fn document(meta: &Meta, markdown: &str, figures: &BTreeMap<String, String>) -> Result<Vec<u8>, String> {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, markdown, &options);
    // The contents, filled in already (without page numbers) so a reader that does not
    // update fields still sees them: the level-2 and level-3 headings.
    let contents: Vec<(u8, String)> = root
        .descendants()
        .filter_map(|n| match &n.data().value {
            NodeValue::Heading(h) if (2..=3).contains(&h.level) => Some((h.level, n.collect_text())),
            _ => None,
        })
        .collect();
    let mut w = Writer {
        body: String::new(),
        images: Vec::new(),
        figures,
        contents,
        toc_written: false,
        drawing_id: 0,
    };
    for node in root.children() {
        w.block(node, None)?;
    }
    if !w.toc_written {
        w.toc();
    }
    let body = std::mem::take(&mut w.body);
    package(meta, &body, &w.images)
}

struct Writer<'f> {
    body: String,
    /// PNGs in the order placed: `word/media/imageN.png`, relationship `rIdImageN`.
    images: Vec<Vec<u8>>,
    figures: &'f BTreeMap<String, String>,
    contents: Vec<(u8, String)>,
    toc_written: bool,
    drawing_id: usize,
}

impl Writer<'_> {
    fn block<'a>(&mut self, node: &'a AstNode<'a>, style: Option<&str>) -> Result<(), String> {
        let value = node.data().value.clone();
        match value {
            NodeValue::Heading(h) => {
                // The contents come after the title block, before the first section.
                if h.level >= 2 && !self.toc_written {
                    self.toc();
                }
                let style = match h.level {
                    1 => "Title",
                    2 => "Heading1",
                    3 => "Heading2",
                    _ => "Heading3",
                };
                self.paragraph(node, style, "")?;
            }
            NodeValue::Paragraph => {
                let children: Vec<_> = node.children().collect();
                let image = match children.as_slice() {
                    [only] => match &only.data().value {
                        NodeValue::Image(link) => Some(link.url.clone()),
                        _ => None,
                    },
                    _ => None,
                };
                match image
                    .as_ref()
                    .and_then(|url| self.figures.get(url.as_str()).map(|svg| (url, svg)))
                {
                    Some((_, svg)) => {
                        let alt = children[0].collect_text();
                        let svg = svg.clone();
                        self.figure(&svg, &alt)?;
                    }
                    None => self.paragraph(node, style.unwrap_or("Normal"), "")?,
                }
            }
            NodeValue::BlockQuote => {
                for child in node.children() {
                    self.block(child, Some("Quote"))?;
                }
            }
            NodeValue::List(list) => {
                for (number, item) in (list.start..).zip(node.children()) {
                    for (i, child) in item.children().enumerate() {
                        let prefix = match (i, list.list_type) {
                            (0, ListType::Bullet) => "•\t".to_string(),
                            (0, ListType::Ordered) => format!("{number}.\t"),
                            _ => String::new(),
                        };
                        if matches!(child.data().value, NodeValue::Paragraph) {
                            self.paragraph(child, "ListParagraph", &prefix)?;
                        } else {
                            self.block(child, Some("ListParagraph"))?;
                        }
                    }
                }
            }
            NodeValue::Table(table) => self.table(node, &table.alignments)?,
            NodeValue::CodeBlock(code) => {
                for line in code.literal.lines() {
                    let _ = write!(
                        self.body,
                        r#"<w:p><w:pPr><w:pStyle w:val="Code"/></w:pPr>{}</w:p>"#,
                        run(line, &Format::default())
                    );
                }
            }
            NodeValue::ThematicBreak => {
                self.body.push_str(r#"<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="999999"/></w:pBdr></w:pPr></w:p>"#);
            }
            _ => {
                for child in node.children() {
                    self.block(child, style)?;
                }
            }
        }
        Ok(())
    }

    /// A paragraph of inline content in a style, with text before it (a list marker).
    fn paragraph<'a>(&mut self, node: &'a AstNode<'a>, style: &str, prefix: &str) -> Result<(), String> {
        let mut runs = String::new();
        if !prefix.is_empty() {
            runs.push_str(&run(prefix, &Format::default()));
        }
        for child in node.children() {
            inline(child, &Format::default(), &mut runs);
        }
        let keep = if style.starts_with("Heading") || style == "Title" {
            "<w:keepNext/>"
        } else {
            ""
        };
        let _ = write!(
            self.body,
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}</w:pPr>{runs}</w:p>"#
        );
        Ok(())
    }

    /// The table of contents: a TOC field over the heading levels, its result the headings as
    /// they are now; Word asks to update it (with page numbers) when the document opens.
    fn toc(&mut self) {
        self.toc_written = true;
        self.body.push_str(
            r#"<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t>Contents</w:t></w:r></w:p>"#,
        );
        let begin = r#"<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-2" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>"#;
        let end = r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
        let entries = if self.contents.is_empty() {
            vec![(2, "Update the field to show the contents.".to_string())]
        } else {
            self.contents.clone()
        };
        let last = entries.len() - 1;
        for (i, (level, text)) in entries.iter().enumerate() {
            let _ = write!(
                self.body,
                r#"<w:p><w:pPr><w:pStyle w:val="TOC{}"/></w:pPr>{}{}{}</w:p>"#,
                level - 1,
                if i == 0 { begin } else { "" },
                run(text, &Format::default()),
                if i == last { end } else { "" }
            );
        }
    }

    /// A figure: its PNG inline at its size (scaled to the page width), the alt text as the
    /// picture's description and as a caption below.
    fn figure(&mut self, svg: &str, alt: &str) -> Result<(), String> {
        let png = rasterise(svg)?;
        self.images.push(png.bytes);
        let n = self.images.len();
        self.drawing_id += 1;
        let id = self.drawing_id;
        let mut cx = u64::from(png.width) * EMU_PER_PX;
        let mut cy = u64::from(png.height) * EMU_PER_PX;
        if cx > MAX_WIDTH_EMU {
            cy = cy * MAX_WIDTH_EMU / cx;
            cx = MAX_WIDTH_EMU;
        }
        let alt = xml(alt);
        let _ = write!(
            self.body,
            r#"<w:p><w:pPr><w:pStyle w:val="Figure"/><w:keepNext/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{id}" name="Figure {id}" descr="{alt}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{id}" name="image{n}.png" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImage{n}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr><w:r><w:t xml:space="preserve">{alt}</w:t></w:r></w:p>"#
        );
        Ok(())
    }

    fn table<'a>(&mut self, node: &'a AstNode<'a>, alignments: &[TableAlignment]) -> Result<(), String> {
        let columns = alignments.len().max(1);
        let width = 9000 / columns;
        let _ = write!(
            self.body,
            r#"<w:tbl><w:tblPr><w:tblStyle w:val="ReportTable"/><w:tblW w:w="5000" w:type="pct"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{}</w:tblGrid>"#,
            format!(r#"<w:gridCol w:w="{width}"/>"#).repeat(columns)
        );
        for (r, row) in node.children().enumerate() {
            let header = r == 0;
            self.body.push_str("<w:tr>");
            if header {
                self.body
                    .push_str("<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
            } else {
                self.body.push_str("<w:trPr><w:cantSplit/></w:trPr>");
            }
            for (c, cell) in row.children().enumerate() {
                let mut runs = String::new();
                let format = Format {
                    bold: header,
                    ..Format::default()
                };
                for child in cell.children() {
                    inline(child, &format, &mut runs);
                }
                let jc = match alignments.get(c) {
                    Some(TableAlignment::Right) => r#"<w:jc w:val="right"/>"#,
                    Some(TableAlignment::Center) => r#"<w:jc w:val="center"/>"#,
                    _ => "",
                };
                let _ = write!(
                    self.body,
                    r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/>{jc}</w:pPr>{runs}</w:p></w:tc>"#
                );
            }
            self.body.push_str("</w:tr>");
        }
        self.body.push_str("</w:tbl><w:p/>");
        Ok(())
    }
}

#[derive(Debug, Clone, Default)]
struct Format {
    bold: bool,
    italic: bool,
    code: bool,
}

/// Inline content as runs: text, emphasis, strong, code; links and images as their text
/// (the report links nowhere).
fn inline<'a>(node: &'a AstNode<'a>, format: &Format, out: &mut String) {
    let value = node.data().value.clone();
    match value {
        NodeValue::Text(t) => out.push_str(&run(&t, format)),
        NodeValue::Code(c) => out.push_str(&run(
            &c.literal,
            &Format {
                code: true,
                ..format.clone()
            },
        )),
        NodeValue::SoftBreak => out.push_str(&run(" ", format)),
        NodeValue::LineBreak => out.push_str("<w:r><w:br/></w:r>"),
        NodeValue::HtmlInline(h) => out.push_str(&run(&h, format)),
        NodeValue::Emph => {
            let f = Format {
                italic: true,
                ..format.clone()
            };
            for child in node.children() {
                inline(child, &f, out);
            }
        }
        NodeValue::Strong => {
            let f = Format {
                bold: true,
                ..format.clone()
            };
            for child in node.children() {
                inline(child, &f, out);
            }
        }
        _ => {
            for child in node.children() {
                inline(child, format, out);
            }
        }
    }
}

fn run(text: &str, format: &Format) -> String {
    let mut props = String::new();
    if format.bold {
        props.push_str("<w:b/>");
    }
    if format.italic {
        props.push_str("<w:i/>");
    }
    if format.code {
        props.push_str(r#"<w:rStyle w:val="CodeChar"/>"#);
    }
    let props = if props.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{}</w:rPr>", order_run_properties(&props))
    };
    let mut out = String::new();
    // A tab in the text (list markers) is Word's tab element.
    for (i, part) in text.split('\t').enumerate() {
        if i > 0 {
            let _ = write!(out, "<w:r>{props}<w:tab/></w:r>");
        }
        if !part.is_empty() {
            let _ = write!(
                out,
                r#"<w:r>{props}<w:t xml:space="preserve">{}</w:t></w:r>"#,
                xml(part)
            );
        }
    }
    out
}

/// `w:rStyle` before `w:b` and `w:i`, as the schema orders them.
fn order_run_properties(props: &str) -> String {
    match props.find("<w:rStyle") {
        Some(at) => {
            let end = at + props[at..].find("/>").map_or(0, |e| e + 2);
            format!("{}{}{}", &props[at..end], &props[..at], &props[end..])
        }
        None => props.to_string(),
    }
}

/// Text as XML character data: escaped, without the control characters XML 1.0 forbids.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

const NAMESPACES: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;

/// The package: content types, relationships, the document, styles, settings, properties and
/// the images, in a fixed order with a fixed time.
fn package(meta: &Meta, body: &str, images: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let image_types = if images.is_empty() {
        ""
    } else {
        r#"<Default Extension="png" ContentType="image/png"/>"#
    };
    parts.push((
        "[Content_Types].xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>{image_types}<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#
        )
        .into_bytes(),
    ));
    parts.push((
        "_rels/.rels".into(),
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#
            .to_vec(),
    ));
    let (y, m, d) = meta.created;
    parts.push((
        "docProps/core.xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{y:04}-{m:02}-{d:02}T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{y:04}-{m:02}-{d:02}T00:00:00Z</dcterms:modified></cp:coreProperties>"#,
            xml(meta.title),
            xml(&meta.authors.join("; "))
        )
        .into_bytes(),
    ));
    parts.push((
        "docProps/app.xml".into(),
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>thematic</Application></Properties>"#
            .to_vec(),
    ));
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    );
    for n in 1..=images.len() {
        let _ = write!(
            rels,
            r#"<Relationship Id="rIdImage{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image{n}.png"/>"#
        );
    }
    rels.push_str("</Relationships>");
    parts.push(("word/_rels/document.xml.rels".into(), rels.into_bytes()));
    parts.push((
        "word/document.xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {NAMESPACES}><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>"#
        )
        .into_bytes(),
    ));
    parts.push(("word/styles.xml".into(), STYLES.as_bytes().to_vec()));
    parts.push(("word/settings.xml".into(), SETTINGS.as_bytes().to_vec()));
    for (i, png) in images.iter().enumerate() {
        parts.push((format!("word/media/image{}.png", i + 1), png.clone()));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in parts {
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

/// The schema orders the settings: `defaultTabStop` before `updateFields` before `compat`.
const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="425"/><w:updateFields w:val="true"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Georgia" w:hAnsi="Georgia" w:eastAsia="Georgia" w:cs="Georgia"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:b/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="480" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:b/><w:color w:val="0072B2"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:b/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:b/><w:color w:val="333333"/><w:sz w:val="23"/><w:szCs w:val="23"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:b/><w:sz w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:spacing w:after="60"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:spacing w:after="60"/><w:ind w:left="284"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:pBdr><w:left w:val="single" w:sz="24" w:space="8" w:color="0072B2"/></w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="F7F9FB"/><w:spacing w:before="120" w:after="120"/><w:ind w:left="567" w:right="284"/></w:pPr><w:rPr><w:i/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="80"/><w:ind w:left="425" w:hanging="425"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Figure"><w:name w:val="Figure"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="240" w:after="60"/><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/><w:jc w:val="center"/></w:pPr><w:rPr><w:i/><w:color w:val="444444"/><w:sz w:val="18"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Code"><w:name w:val="Code"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/><w:sz w:val="19"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="CodeChar"><w:name w:val="Code Char"/><w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/><w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="ReportTable"><w:name w:val="Report Table"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="BBBBBB"/><w:left w:val="single" w:sz="4" w:space="0" w:color="BBBBBB"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="BBBBBB"/><w:right w:val="single" w:sz="4" w:space="0" w:color="BBBBBB"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="BBBBBB"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="BBBBBB"/></w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(xml("a <b> & \"c\"\u{1}"), "a &lt;b&gt; &amp; &quot;c&quot;");
        assert_eq!(
            run("x\ty", &Format::default()),
            r#"<w:r><w:t xml:space="preserve">x</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t xml:space="preserve">y</w:t></w:r>"#
        );
        assert_eq!(
            order_run_properties(r#"<w:b/><w:rStyle w:val="CodeChar"/>"#),
            r#"<w:rStyle w:val="CodeChar"/><w:b/>"#
        );
    }

    #[test]
    fn the_same_markdown_gives_the_same_bytes_with_headings_quotes_tables_and_figures() {
        let md = "# T\n\nBy A\n\n## One\n\n> We share \\<values\\>. (Staff 1)\n\n| a | b |\n|---|---:|\n| x | 1 |\n\n![Chart](figures/c.svg)\n";
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 50\" width=\"100\" height=\"50\"><rect width=\"100\" height=\"50\" fill=\"#0072B2\"/><text x=\"5\" y=\"30\" font-family=\"Helvetica, Arial, sans-serif\">Hi</text></svg>";
        let figures = BTreeMap::from([("figures/c.svg".to_string(), svg.to_string())]);
        let meta = Meta {
            title: "T",
            authors: &["A".to_string()],
            created: (2000, 1, 1),
        };
        let a = document(&meta, md, &figures).unwrap();
        let b = document(&meta, md, &figures).unwrap();
        assert_eq!(a, b);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        let mut doc = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut doc).unwrap();
        assert!(doc.contains(r#"<w:pStyle w:val="Title"/>"#));
        assert!(doc.contains(r#"<w:pStyle w:val="Heading1"/>"#));
        assert!(doc.contains(r#"<w:pStyle w:val="Quote"/></w:pPr><w:r><w:t xml:space="preserve">We share &lt;values&gt;. (Staff 1)</w:t></w:r>"#), "{doc}");
        assert!(doc.contains("<w:tblHeader/>"));
        assert!(doc.contains(r#"r:embed="rIdImage1""#));
        assert!(doc.contains(" TOC "));
        // The contents come before the first section.
        assert!(doc.find(" TOC ").unwrap() < doc.find("Heading1").unwrap());
        let png = zip.by_name("word/media/image1.png").unwrap().size();
        assert!(png > 100);
    }
}
