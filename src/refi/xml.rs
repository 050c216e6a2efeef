//! Reading and writing the XML of `project.qde` and `.qdc` files.
//!
//! Reading builds a small tree of elements named by their local names, so that the namespaces
//! tools write (`urn:QDA-XML:project:1.0`, `urn:QDA-XML:codebook:0:4`, prefixes or none) do not
//! matter. The reader is deliberately strict about what an untrusted file may contain: a
//! `<!DOCTYPE>` (and so any entity definition) is refused outright, only the five predefined
//! entities and character references are resolved, nothing is ever fetched, and nesting depth
//! is capped. Writing is plain string building with escaping.

use quick_xml::events::Event;
use quick_xml::XmlVersion;

/// Elements may nest at most this deep (a REFI-QDA code tree is rarely deeper than ten).
const MAX_DEPTH: usize = 256;

/// An element: its local name, attributes (local names, values unescaped), child elements,
/// its own text (the concatenation of its direct text content) and the line it starts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
    pub line: usize,
}

impl Element {
    /// The value of an attribute, by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child element of this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child element of this name.
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child element of this name, or "".
    pub fn child_text(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.as_str())
    }
}

/// Why an XML document could not be read: the message and the line, when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub line: Option<usize>,
    pub message: String,
}

/// Parses a whole document into its root element, within the default tree budget.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    parse_within(text, crate::unzip::Limits::default().max_xml_tree)
}

/// What an element costs in memory beyond its own bytes of text: the struct, its place in its
/// parent's list (which grows by doubling) and the allocation of its name.
const ELEMENT_COST: u64 = 2 * std::mem::size_of::<Element>() as u64 + 32;
/// What an attribute costs beyond its bytes: its pair, its place in the list, two allocations.
const ATTRIBUTE_COST: u64 = 2 * std::mem::size_of::<(String, String)>() as u64 + 64;

/// Counts the elements of an XML document as its bytes stream in (from an archive being
/// decompressed), to refuse early one whose tree could never fit the budget of
/// [`parse_within`]: every element costs at least `ELEMENT_COST` there. An element is counted
/// at each `<` followed by a name's first character (not `</`, `<?` or `<!`), a count that a
/// `<` inside a comment or CDATA section can only raise by what it holds; UTF-16 text is not
/// counted (its parse is still within the budget).
#[derive(Debug)]
pub struct ElementCount {
    budget: u64,
    elements: u64,
    /// Line ends before the current piece.
    lines: usize,
    /// The last piece ended with `<`.
    open: bool,
}

impl ElementCount {
    pub fn new(budget: u64) -> ElementCount {
        ElementCount {
            budget,
            elements: 0,
            lines: 0,
            open: false,
        }
    }

    /// Takes the next piece of the document; refuses it, at the line of the element that
    /// passes the budget, when the elements so far already cost more.
    pub fn feed(&mut self, piece: &[u8]) -> Result<(), XmlError> {
        let starts_name = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80;
        if self.open && piece.first().is_some_and(|&b| starts_name(b)) {
            self.one_more(piece, 0)?;
        }
        for at in memchr::memchr_iter(b'<', piece) {
            if piece.get(at + 1).is_some_and(|&b| starts_name(b)) {
                self.one_more(piece, at)?;
            }
        }
        self.open = piece.last() == Some(&b'<');
        self.lines += memchr::memchr_iter(b'\n', piece).count();
        Ok(())
    }

    /// Counts the element starting at `at` in `piece`.
    fn one_more(&mut self, piece: &[u8], at: usize) -> Result<(), XmlError> {
        self.elements += 1;
        if self.elements.saturating_mul(ELEMENT_COST) <= self.budget {
            return Ok(());
        }
        Err(XmlError {
            line: Some(self.lines + 1 + memchr::memchr_iter(b'\n', &piece[..at]).count()),
            message: format!(
                "the XML would take more than {} MiB of memory as a tree ({} elements so far): thematic stops here rather than exhaust memory",
                self.budget >> 20,
                self.elements
            ),
        })
    }
}

/// Parses a whole document into its root element, refusing it once the tree would take more
/// than `budget` bytes of memory (estimated as it is built): a document of tiny elements
/// costs many times its size as a tree.
pub fn parse_within(text: &str, budget: u64) -> Result<Element, XmlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.starts_with('\u{feff}') {
        return Err(XmlError {
            line: Some(1),
            message: "not well-formed XML: a second byte-order mark at the start".into(),
        });
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let mut lines = LineCounter::default();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut cost: u64 = 0;
    let mut elements: u64 = 0;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| XmlError {
            line: Some(lines.line_at(text, reader.error_position() as usize)),
            message: format!("not well-formed XML: {e}"),
        })?;
        let error = |message: String, lines: &mut LineCounter| XmlError {
            line: Some(lines.line_at(text, at)),
            message,
        };
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                if root.is_some() {
                    return Err(error("content after the root element".into(), &mut lines));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        format!("elements nest deeper than {MAX_DEPTH} levels"),
                        &mut lines,
                    ));
                }
                let line = lines.line_at(text, at);
                let mut element = Element {
                    name: e.local_name().as_ref().to_string(),
                    line,
                    ..Element::default()
                };
                for a in e.attributes() {
                    let a = a.map_err(|err| error(format!("bad attribute: {err}"), &mut lines))?;
                    let key = a.key.as_ref();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        continue;
                    }
                    let value = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|err| error(entity_message(&err.to_string()), &mut lines))?;
                    element
                        .attrs
                        .push((a.key.local_name().as_ref().to_string(), value.into_owned()));
                }
                elements += 1;
                cost += ELEMENT_COST
                    + element.name.len() as u64
                    + element
                        .attrs
                        .iter()
                        .map(|(k, v)| ATTRIBUTE_COST + (k.len() + v.len()) as u64)
                        .sum::<u64>();
                if cost > budget {
                    return Err(error(
                        format!(
                            "the XML would take more than {} MiB of memory as a tree ({elements} elements so far): thematic stops here rather than exhaust memory",
                            budget >> 20
                        ),
                        &mut lines,
                    ));
                }
                if empty {
                    close(element, &mut stack, &mut root);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let element = stack.pop().expect("the reader checks that end tags match");
                close(element, &mut stack, &mut root);
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let content = t.xml10_content();
                    cost += content.len() as u64;
                    top.text.push_str(&content);
                } else if !t.trim().is_empty() {
                    return Err(error("text outside the root element".into(), &mut lines));
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    let content = c.xml10_content();
                    cost += content.len() as u64;
                    top.text.push_str(&content);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(error(
                                entity_message(&format!("unknown entity `&{};`", &*r)),
                                &mut lines,
                            ))
                        }
                    },
                    Err(e) => return Err(error(format!("bad character reference: {e}"), &mut lines)),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::DocType(_) => {
                return Err(error(
                    "a <!DOCTYPE> declaration is not allowed: thematic does not read DTDs or expand entities"
                        .into(),
                    &mut lines,
                ))
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(XmlError {
            line: None,
            message: "the document ends inside an element".into(),
        });
    }
    root.ok_or(XmlError {
        line: None,
        message: "no root element".into(),
    })
}

fn entity_message(detail: &str) -> String {
    format!("{detail}: only the predefined XML entities and character references are read (entities are never expanded)")
}

fn close(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

/// Counts lines incrementally: positions only move forward while reading.
#[derive(Default)]
struct LineCounter {
    pos: usize,
    line: usize,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, pos: usize) -> usize {
        // The reader's positions are bytes; one inside a character (a byte-order mark or
        // other text it skipped) counts as the character's start.
        let mut pos = pos.min(text.len());
        while !text.is_char_boundary(pos) {
            pos -= 1;
        }
        if pos < self.pos {
            return 1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..pos]).count();
        }
        self.line += memchr::memchr_iter(b'\n', &text.as_bytes()[self.pos..pos]).count();
        self.pos = pos;
        // Events start after leading white space; point at the line of the `<`.
        let lead = text[pos..].len() - text[pos..].trim_start().len();
        self.line + 1 + memchr::memchr_iter(b'\n', &text.as_bytes()[pos..pos + lead]).count()
    }
}

/// Text content escaped for an element. Characters XML 1.0 cannot hold are dropped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// An attribute value escaped for double quotes; line breaks and tabs as character
/// references so that they survive attribute-value normalisation.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Writes indented XML: one element per line, text kept exactly.
#[derive(Default)]
pub struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"),
            depth: 0,
        }
    }

    fn open_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&escape_attr(v));
            self.out.push('"');
        }
    }

    /// `<name attrs>` on its own line; children follow until [`Writer::end`].
    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.open_tag(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    pub fn end(&mut self, name: &str) {
        self.depth -= 1;
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name attrs />`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.open_tag(name, attrs);
        self.out.push_str(" />\n");
    }

    /// `<name>text</name>`.
    pub fn text(&mut self, name: &str, text: &str) {
        self.open_tag(name, &[]);
        self.out.push('>');
        self.out.push_str(&escape_text(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_counted_as_they_stream_in_refuse_only_what_the_tree_would() {
        let budget = 1000 * ELEMENT_COST;
        let doc = |n: usize| {
            format!(
                "<?xml version=\"1.0\"?>\n<!-- <c> -->\n<p>\n{}</p>\n",
                "<a x=\"1\"></a>".repeat(n)
            )
        };
        // In pieces of every size, across which a `<` and its name may be split.
        for size in [1, 7, 4096] {
            let mut fits = ElementCount::new(budget);
            for piece in doc(990).as_bytes().chunks(size) {
                fits.feed(piece).unwrap();
            }
            let mut count = ElementCount::new(budget);
            let e = doc(2000)
                .as_bytes()
                .chunks(size)
                .try_for_each(|piece| count.feed(piece))
                .unwrap_err();
            assert_eq!(e.line, Some(4), "{e:?}");
            assert!(e.message.contains("(1001 elements so far)"), "{e:?}");
        }
        assert!(
            parse_within(&doc(990), budget).is_err(),
            "the tree refuses what the count lets by"
        );
        assert!(parse_within(&doc(2000), budget).is_err());
    }

    #[test]
    fn local_names_attributes_and_text() {
        let doc = "<?xml version=\"1.0\"?>\n<q:Project xmlns:q=\"urn:QDA-XML:project:1.0\" name=\"A &amp; B\" note=\"x&#10;y\">\n  <q:Description>1 &lt; 2 &#x1F600; <![CDATA[<raw>]]></q:Description>\n  <Code guid=\"g\"/>\n</q:Project>";
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "Project");
        assert_eq!(root.attr("name"), Some("A & B"));
        assert_eq!(root.attr("note"), Some("x\ny"));
        assert_eq!(root.child_text("Description"), "1 < 2 😀 <raw>");
        assert_eq!(root.child("Code").unwrap().line, 4);
        assert_eq!(root.line, 2);
    }

    #[test]
    fn dtds_and_unknown_entities_are_refused() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><Project>&lol2;</Project>";
        let e = parse(bomb).unwrap_err();
        assert!(e.message.contains("DOCTYPE"), "{e:?}");
        let e = parse("<Project>&ext;</Project>").unwrap_err();
        assert!(e.message.contains("unknown entity `&ext;`"), "{e:?}");
        let e = parse("<Project name=\"&ext;\"/>").unwrap_err();
        assert!(e.message.contains("entities"), "{e:?}");
    }

    #[test]
    fn malformed_and_deep_documents_are_refused() {
        assert!(parse("<Project><Code></Project>").is_err());
        assert!(parse("").is_err());
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).unwrap_err().message.contains("deeper"));
    }

    #[test]
    fn positions_inside_a_character_do_not_panic_the_line_counter() {
        let text = "\u{feff}<a>\n\u{feff}</a>";
        let mut lines = LineCounter::default();
        assert_eq!(lines.line_at(text, 1), 1);
        assert_eq!(lines.line_at(text, 9), 2);
        assert_eq!(lines.line_at(text, 2), 1);
        let e = parse("\u{feff}\u{feff}<a/>").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(parse("\u{feff}<a/>").is_ok());
    }

    #[test]
    fn a_tree_past_its_memory_budget_is_refused() {
        let doc = format!("<Project>\n{}</Project>", "<a b=\"c\"/>".repeat(1000));
        assert_eq!(parse(&doc).unwrap().children.len(), 1000);
        let e = parse_within(&doc, 100 * (ELEMENT_COST + ATTRIBUTE_COST)).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("memory"), "{e:?}");
    }

    #[test]
    fn written_xml_reads_back() {
        let mut w = Writer::new();
        w.start("Project", &[("name", "a \"b\" <c>\nd\te")]);
        w.text("Description", "x & y < z\n\u{1}ok\r");
        w.empty("User", &[("guid", "g")]);
        w.end("Project");
        let xml = w.finish();
        let root = parse(&xml).unwrap();
        assert_eq!(root.attr("name"), Some("a \"b\" <c>\nd\te"));
        assert_eq!(root.child_text("Description"), "x & y < z\nok\r");
    }
}
