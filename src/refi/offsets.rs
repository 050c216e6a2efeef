//! A source's text as thematic keeps it (UTF-8, LF line ends, no byte-order mark), and the
//! conversion of the positions a tool wrote into byte offsets of that text.
//!
//! The standard counts Unicode code points, but real tools do not all do so (see
//! `../shared/refi-qda/README.md`): NVivo counts UTF-16 code units on the text as stored (an
//! emoji counts 2, CRLF counts 2), ATLAS.ti writes CRLF but counts a line break once, Taguette
//! counts UTF-8 bytes. The unit is picked from `Project@origin`; the byte-order mark never
//! counts.

use std::ops::Range;

/// What a tool's positions count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Utf16,
    CodePoint,
    /// Code points, with CRLF counted once.
    CodePointLf,
    Utf8Byte,
    /// UTF-16 code units, with CRLF counted once.
    Utf16Lf,
    /// UTF-8 bytes, with CRLF counted once.
    Utf8ByteLf,
}

impl Unit {
    /// The unit a tool uses, from `Project@origin`.
    pub fn for_origin(origin: &str) -> Unit {
        let o = origin.to_lowercase();
        if o.contains("nvivo") {
            Unit::Utf16
        } else if o.contains("atlas") {
            Unit::CodePointLf
        } else if o.contains("taguette") {
            Unit::Utf8Byte
        } else {
            Unit::CodePoint
        }
    }

    /// Every unit a tool has been seen to count in, the standard's first: the ones a
    /// selection that carries its text is tried in when the origin's unit does not find it.
    pub const ALL: [Unit; 6] = [
        Unit::CodePoint,
        Unit::Utf16,
        Unit::Utf8Byte,
        Unit::CodePointLf,
        Unit::Utf16Lf,
        Unit::Utf8ByteLf,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Unit::Utf16 => "UTF-16 code units",
            Unit::CodePoint => "code points",
            Unit::CodePointLf => "code points, CRLF counted once",
            Unit::Utf8Byte => "UTF-8 bytes",
            Unit::Utf16Lf => "UTF-16 code units, CRLF counted once",
            Unit::Utf8ByteLf => "UTF-8 bytes, CRLF counted once",
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Unit::Utf16 | Unit::Utf16Lf => c.len_utf16(),
            Unit::CodePoint | Unit::CodePointLf => 1,
            Unit::Utf8Byte | Unit::Utf8ByteLf => c.len_utf8(),
        }
    }

    /// Whether CRLF counts once.
    pub fn crlf_once(self) -> bool {
        matches!(self, Unit::CodePointLf | Unit::Utf16Lf | Unit::Utf8ByteLf)
    }
}

/// Set on a map entry for a position inside a character (or between CR and LF).
const MID: u32 = 1 << 31;

/// A source's text and the map from the tool's positions to byte offsets in it.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub text: String,
    /// For each position the tool can name, the byte offset in `text` (with [`MID`] set when
    /// the position falls inside a character).
    map: Vec<u32>,
    pub unit: Unit,
    /// Set when the bytes were not UTF-8 and were read as Windows-1252.
    pub windows_1252: bool,
    /// The text as the tool stored it (without a byte-order mark), to count it in another
    /// unit.
    raw: String,
}

impl SourceText {
    /// Decodes a source file (UTF-8, or UTF-16 with a byte-order mark, else Windows-1252) and
    /// builds the position map.
    pub fn decode(bytes: &[u8], unit: Unit) -> Result<SourceText, String> {
        let (raw, windows_1252) = decode(bytes)?;
        if raw.len() >= (MID as usize) / 2 {
            return Err("the text is too long".into());
        }
        Ok(SourceText::new(
            raw.trim_start_matches('\u{feff}'),
            unit,
            windows_1252,
        ))
    }

    /// Builds the text and the map from text as the tool stored it.
    pub fn new(raw: &str, unit: Unit, windows_1252: bool) -> SourceText {
        let mut text = String::with_capacity(raw.len());
        let mut map: Vec<u32> = Vec::with_capacity(raw.len() + 1);
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            let at = text.len() as u32;
            if c == '\r' {
                text.push('\n');
                map.push(at);
                if chars.peek() == Some(&'\n') {
                    chars.next();
                    if !unit.crlf_once() {
                        map.push(at | MID);
                    }
                }
                continue;
            }
            text.push(c);
            map.push(at);
            for _ in 1..unit.width(c) {
                map.push(at | MID);
            }
        }
        map.push(text.len() as u32);
        SourceText {
            text,
            map,
            unit,
            windows_1252,
            raw: raw.to_string(),
        }
    }

    /// The same text, its positions counted in another unit.
    pub fn in_unit(&self, unit: Unit) -> SourceText {
        SourceText::new(&self.raw, unit, self.windows_1252)
    }

    /// Whether the text as stored has CRLF line ends (where counting them once or twice
    /// differs).
    pub fn has_crlf(&self) -> bool {
        self.raw.contains("\r\n")
    }

    /// How many positions the text has in the tool's unit.
    pub fn units(&self) -> usize {
        self.map.len() - 1
    }

    /// The byte range of `text` that a selection `start..end` (in the tool's unit) covers. A
    /// position inside a character widens the range to the whole character.
    pub fn range(&self, start: i128, end: i128) -> Result<Range<usize>, String> {
        let units = self.units() as i128;
        if start < 0 || end > units || start > end {
            return Err(format!(
                "positions {start}..{end} lie outside its text, which has {} {}",
                units,
                self.unit.describe()
            ));
        }
        let floor = |p: i128| (self.map[p as usize] & !MID) as usize;
        let s = floor(start);
        let e = {
            let v = self.map[end as usize];
            let f = (v & !MID) as usize;
            if v & MID != 0 {
                f + self.text[f..].chars().next().map_or(0, char::len_utf8)
            } else {
                f
            }
        };
        Ok(s..e.max(s))
    }
}

fn decode(bytes: &[u8]) -> Result<(String, bool), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec())
            .map(|s| (s, false))
            .map_err(|_| "invalid UTF-8 after a UTF-8 byte-order mark".to_string());
    }
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|s| (s.into_owned(), false))
                .ok_or_else(|| format!("invalid {} text", encoding.name()));
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), false)),
        Err(_) if bytes.contains(&0) => Err("not text: it holds NUL bytes".into()),
        Err(_) => Ok((
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            true,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(t: &SourceText, s: i128, e: i128) -> &str {
        &t.text[t.range(s, e).unwrap()]
    }

    #[test]
    fn nvivo_counts_utf16_units_and_crlf_as_two() {
        let bytes = "\u{feff}a😀b\r\nc😡d".as_bytes();
        let t = SourceText::decode(bytes, Unit::Utf16).unwrap();
        assert_eq!(t.text, "a😀b\nc😡d");
        assert_eq!(t.units(), 10);
        assert_eq!(cut(&t, 0, 4), "a😀b");
        assert_eq!(cut(&t, 6, 10), "c😡d");
        assert_eq!(cut(&t, 7, 9), "😡");
        // Inside a surrogate pair: widened to the whole character.
        assert_eq!(cut(&t, 2, 3), "😀");
    }

    #[test]
    fn atlas_counts_crlf_once_and_others_count_code_points() {
        let t = SourceText::decode(b"ab\r\ncd", Unit::CodePointLf).unwrap();
        assert_eq!(t.units(), 5);
        assert_eq!(cut(&t, 3, 5), "cd");
        let t = SourceText::decode("ab\r\nc😀".as_bytes(), Unit::CodePoint).unwrap();
        assert_eq!(t.units(), 6);
        assert_eq!(cut(&t, 4, 6), "c😀");
        let t = SourceText::decode("é😀x".as_bytes(), Unit::Utf8Byte).unwrap();
        assert_eq!(cut(&t, 2, 7), "😀x");
        let t = SourceText::decode("😀\r\nab".as_bytes(), Unit::CodePoint).unwrap();
        assert_eq!(cut(&t.in_unit(Unit::Utf16Lf), 3, 5), "ab");
        assert_eq!(cut(&t.in_unit(Unit::Utf8ByteLf), 5, 7), "ab");
        assert!(t.has_crlf());
    }

    #[test]
    fn positions_outside_the_text_are_refused() {
        let t = SourceText::decode(b"abc", Unit::CodePoint).unwrap();
        assert!(t
            .range(0, 4)
            .unwrap_err()
            .contains("outside its text, which has 3 code points"));
        assert!(t.range(-1, 2).is_err());
        assert!(t.range(2, 1).is_err());
        assert_eq!(t.range(3, 3).unwrap(), 3..3);
    }

    #[test]
    fn encodings() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("hé".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(SourceText::decode(&le, Unit::CodePoint).unwrap().text, "hé");
        let t = SourceText::decode(b"caf\xe9", Unit::CodePoint).unwrap();
        assert!(t.windows_1252);
        assert_eq!(t.text, "café");
    }
}
