//! Where a selection lands in its text: at its positions counted in the unit its tool's
//! origin implies, unless the selection carries its own text and that text is elsewhere.
//!
//! QualCoder and ATLAS.ti write the selected text in `PlainTextSelection@name` (ATLAS.ti cut
//! to 100 characters and `…`). A tool does not always count in the unit its name implies:
//! QualCoder's coding view stores UTF-16 positions while its import and the standard count
//! code points, so after an emoji a passage would land one character off. When the text at
//! the origin's positions is not the selection's own text, the positions are counted in every
//! other plausible unit (code points, UTF-16 code units, UTF-8 bytes, CRLF counted once or
//! twice) and the one that finds it is used. A selection whose text is at none of them is
//! not placed at all: importing it shifted would quote the wrong words.

use super::names::one_line;
use super::offsets::{SourceText, Unit};
use std::ops::Range;

/// Where a selection lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// A byte range of the text, found in this unit.
    At(Range<usize>, Unit),
    /// The selection carries its text and no unit's positions find it.
    Nowhere,
}

/// What a selection's name says about its text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Claim {
    /// The whole text (white space collapsed).
    Whole(String),
    /// The text starts so (ATLAS.ti's names end in `…` when they are cut).
    Start(String),
}

impl Claim {
    fn of(name: &str) -> Option<Claim> {
        let flat = one_line(name);
        if flat.is_empty() {
            return None;
        }
        match flat.strip_suffix('\u{2026}') {
            Some(start) if !start.trim().is_empty() => Some(Claim::Start(start.trim_end().to_string())),
            Some(_) => None,
            None => Some(Claim::Whole(flat)),
        }
    }

    fn holds_for(&self, passage: &str) -> bool {
        let flat = one_line(passage);
        match self {
            Claim::Whole(t) => flat == *t,
            Claim::Start(t) => flat.starts_with(t.as_str()),
        }
    }

    /// Whether the name is the selection's text at all, not a label such as qc's `line:6`
    /// or a quotation an analyst renamed: its words are in the document, and a whole text is
    /// not far shorter than the selection (a position counts at most 4 bytes of a character).
    fn is_text(&self, document: &str, units: i128) -> bool {
        match self {
            Claim::Whole(t) => document.contains(t.as_str()) && (t.chars().count() as i128) * 4 >= units,
            Claim::Start(t) => document.contains(t.as_str()),
        }
    }
}

/// Places the selections of one source.
pub struct Placer<'a> {
    text: &'a SourceText,
    /// The text counted in other units, made when first needed.
    others: Vec<SourceText>,
    /// The text with white space collapsed, made when first needed.
    flat: Option<String>,
}

impl<'a> Placer<'a> {
    pub fn new(text: &'a SourceText) -> Placer<'a> {
        Placer {
            text,
            others: Vec::new(),
            flat: None,
        }
    }

    /// Places the selection `start..end` named `name`. An error is the origin's unit's
    /// complaint about positions outside the text, for a selection that carries no text.
    pub fn place(&mut self, start: i128, end: i128, name: &str) -> Result<Placed, String> {
        let origin = self.text.range(start, end);
        let Some(claim) = Claim::of(name) else {
            return origin.map(|r| Placed::At(r, self.text.unit));
        };
        if let Ok(r) = &origin {
            if claim.holds_for(&self.text.text[r.clone()]) {
                return Ok(Placed::At(r.clone(), self.text.unit));
            }
        }
        let crlf = self.text.has_crlf();
        for unit in Unit::ALL {
            if unit == self.text.unit || (unit.crlf_once() && !crlf) {
                continue;
            }
            let t = match self.others.iter().position(|t| t.unit == unit) {
                Some(i) => &self.others[i],
                None => {
                    self.others.push(self.text.in_unit(unit));
                    self.others.last().expect("just pushed")
                }
            };
            if let Ok(r) = t.range(start, end) {
                if claim.holds_for(&t.text[r.clone()]) {
                    return Ok(Placed::At(r, unit));
                }
            }
        }
        let flat = self.flat.get_or_insert_with(|| one_line(&self.text.text));
        if claim.is_text(flat, end - start) {
            return Ok(Placed::Nowhere);
        }
        origin.map(|r| Placed::At(r, self.text.unit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(raw: &str, unit: Unit, start: i128, end: i128, name: &str) -> Result<Placed, String> {
        let t = SourceText::new(raw, unit, false);
        let placed = Placer::new(&t).place(start, end, name);
        placed.map(|p| match p {
            Placed::At(r, u) => {
                assert!(!t.text[r.clone()].is_empty());
                Placed::At(r, u)
            }
            other => other,
        })
    }

    #[test]
    fn qualcoder_utf16_positions_are_found_by_their_text() {
        let raw = "I 😀 it. Keeping the cost down.";
        // QualCoder's coding view: UTF-16 units, so "Keeping" starts at 9, not 8.
        let p = place(raw, Unit::CodePoint, 9, 31, "Keeping the cost down.").unwrap();
        assert_eq!(p, Placed::At(11..raw.len(), Unit::Utf16));
        // Without a name the origin's unit stands.
        let p = place(raw, Unit::CodePoint, 9, 30, "").unwrap();
        assert_eq!(p, Placed::At(12..raw.len(), Unit::CodePoint));
    }

    #[test]
    fn crlf_counted_once_and_atlas_ti_cut_names() {
        let raw = "ab\r\ncd\r\nef gh";
        let p = place(raw, Unit::CodePoint, 6, 11, "ef gh").unwrap();
        assert_eq!(p, Placed::At(6..11, Unit::CodePointLf));
        let p = place(raw, Unit::CodePoint, 8, 13, "ef…").unwrap();
        assert_eq!(p, Placed::At(6..11, Unit::CodePoint));
    }

    #[test]
    fn text_at_no_positions_is_not_placed_and_labels_are_not_text() {
        let raw = "one two three four five six";
        assert_eq!(
            place(raw, Unit::CodePoint, 0, 3, "five six").unwrap(),
            Placed::Nowhere
        );
        // qc's labels are not in the text; a renamed quotation is far shorter than its passage.
        assert!(matches!(
            place(raw, Unit::CodePoint, 0, 3, "line:6"),
            Ok(Placed::At(_, Unit::CodePoint))
        ));
        assert!(matches!(
            place(raw, Unit::CodePoint, 0, 27, "six"),
            Ok(Placed::At(_, Unit::CodePoint))
        ));
        // Outside the text in every unit, with text that is nowhere: listed, not refused.
        assert_eq!(
            place(raw, Unit::CodePoint, 20, 40, "five six").unwrap(),
            Placed::Nowhere
        );
        assert!(place(raw, Unit::CodePoint, 20, 99, "").is_err());
    }
}
