//! `.docx` transcripts: the paragraphs of `word/document.xml`, then read as plain text.

use crate::unzip::{read_entry, Limits};
use quick_xml::events::Event;

/// The document's paragraphs as text, one paragraph a line, empty paragraphs left out.
pub fn paragraphs(bytes: &[u8]) -> Result<Vec<String>, String> {
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(
            "an old Word .doc file, not a .docx (a zip archive): save it again from Word as .docx".into(),
        );
    }
    if !bytes.starts_with(b"PK") {
        return Err(
            "not a .docx file (not a Word document / zip archive): save it again from Word as .docx".into(),
        );
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| {
        "not a readable .docx: the zip archive is damaged or cut short; save it again from Word as .docx"
            .to_string()
    })?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|_| "not a Word document: it has no word/document.xml".to_string())?;
    // The limits a `.qdpx` has: a zip bomb is refused before it is expanded.
    let sizes = (entry.size(), entry.compressed_size());
    let bytes = read_entry(entry, "word/document.xml", sizes, 0, &Limits::docx())?;
    let xml = String::from_utf8(bytes)
        .map_err(|_| "word/document.xml is not UTF-8: save it again from Word as .docx".to_string())?;
    parse_document_xml(&xml)
}

fn parse_document_xml(xml: &str) -> Result<Vec<String>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_text = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "malformed word/document.xml at byte {}: {e}",
                reader.error_position()
            )
        })?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == "t" => in_text = true,
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let p = current.trim_end().to_string();
                    if !p.trim().is_empty() {
                        out.push(p);
                    }
                    current.clear();
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => current.push('\t'),
                "br" | "cr" => current.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => current.push_str(&t.xml10_content()),
            Event::CData(t) if in_text => current.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                let name = r.into_inner();
                let entity = format!("&{name};");
                match quick_xml::escape::unescape(&entity) {
                    Ok(s) => current.push_str(&s),
                    Err(_) => return Err(format!("unknown entity {entity} in word/document.xml")),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_tabs_breaks_and_entities() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>Interviewer: Fish &amp; chips?</w:t></w:r></w:p>
<w:p></w:p>
<w:p><w:r><w:t xml:space="preserve">R: Yes </w:t></w:r><w:r><w:tab/><w:t>please</w:t><w:br/><w:t>&#8217;ta</w:t></w:r></w:p>
</w:body></w:document>"#;
        assert_eq!(
            parse_document_xml(xml).unwrap(),
            ["Interviewer: Fish & chips?", "R: Yes \tplease\n\u{2019}ta"]
        );
    }

    #[test]
    fn not_a_docx_is_an_error() {
        assert!(paragraphs(b"plain text")
            .unwrap_err()
            .starts_with("not a .docx file (not a Word document / zip archive)"));
        assert!(paragraphs(b"PK\x03\x04 broken")
            .unwrap_err()
            .starts_with("not a readable .docx: the zip archive is damaged"));
        assert!(paragraphs(b"\xD0\xCF\x11\xE0\xA1")
            .unwrap_err()
            .contains(".doc file"));
        assert!(parse_document_xml("<w:p><w:t>x</w:p></w:t>")
            .unwrap_err()
            .contains("malformed"));
    }
}
