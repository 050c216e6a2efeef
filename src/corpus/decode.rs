//! Turning a transcript's bytes into text: UTF-8 (a BOM is dropped), UTF-16 with a BOM or,
//! without one, recognised from its NUL bytes; else Windows-1252. Line ends become LF;
//! nothing else changes.

/// How a file's bytes were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// UTF-16 without a byte-order mark, recognised from its NUL bytes (read with a warning).
    Utf16LeNoBom,
    Utf16BeNoBom,
    /// Not valid UTF-8 and no BOM: read as Windows-1252, with a warning.
    Windows1252,
}

/// Decodes a file's bytes and makes every line end LF. Errors say why the bytes are not text.
pub fn decode(bytes: Vec<u8>) -> Result<(String, Encoding), String> {
    let (text, encoding) = decode_raw(bytes)?;
    Ok((normalize_line_ends(text), encoding))
}

pub fn decode_raw(bytes: Vec<u8>) -> Result<(String, Encoding), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec())
            .map(|s| (s, Encoding::Utf8Bom))
            .map_err(|e| {
                format!(
                    "invalid UTF-8 after a UTF-8 byte-order mark (at byte {})",
                    e.utf8_error().valid_up_to() + 3
                )
            });
    }
    for (bom, encoding, label) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, Encoding::Utf16Le),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, Encoding::Utf16Be),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|s| (s.into_owned(), label))
                .ok_or_else(|| format!("invalid {} text after its byte-order mark", encoding.name()));
        }
    }
    if let Some(found) = utf16_without_bom(&bytes) {
        return Ok(found);
    }
    match String::from_utf8(bytes) {
        Ok(s) if s.contains('\0') => {
            Err("not text: it holds NUL bytes (a binary file, or UTF-16 without a byte-order mark)".into())
        }
        Ok(s) => Ok((s, Encoding::Utf8)),
        Err(e) => {
            let bytes = e.into_bytes();
            if bytes.contains(&0) {
                return Err(
                    "not text: it holds NUL bytes (a binary file, or UTF-16 without a byte-order mark)"
                        .into(),
                );
            }
            let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
            Ok((s.into_owned(), Encoding::Windows1252))
        }
    }
}

/// What a look through a file found: it is UTF-8 without NUL bytes (so it reads as its bytes
/// say, with no decoding), this long, with this many lines.
#[derive(Debug, Clone)]
pub struct Plain {
    pub len: u64,
    pub lines: usize,
    pub bom: bool,
    /// Its start (up to a megabyte, the byte-order mark left out): where its header is, which
    /// says the delimiter.
    pub head: String,
}

/// CSV sheets and surveys over this many bytes are read from the file as they are parsed rather
/// than held whole (`THEMATIC_STREAM_OVER`, when set, is the number: the tests read small files
/// so).
pub fn stream_over() -> u64 {
    std::env::var("THEMATIC_STREAM_OVER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16 << 20)
}

/// Reads `path` a megabyte at a time: [`Plain`] when it is UTF-8 without NUL bytes or a UTF-16
/// byte-order mark, else `None` (it is read whole and decoded).
pub fn plain_utf8(path: &std::path::Path) -> Option<Plain> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut buffer = vec![0u8; 1 << 20];
    let (mut len, mut lines, mut carry) = (0u64, 0usize, 0usize);
    let mut head: Option<String> = None;
    let mut bom = false;
    loop {
        let n = file.read(&mut buffer[carry..]).ok()?;
        if n == 0 {
            let head = head.unwrap_or_default();
            return (carry == 0).then_some(Plain {
                len,
                lines,
                bom,
                head,
            });
        }
        let piece = &buffer[..carry + n];
        if head.is_none()
            && (piece.starts_with(b"\xFF\xFE")
                || piece.starts_with(b"\xFE\xFF")
                || piece.starts_with(b"PK\x03\x04"))
        {
            return None;
        }
        // A character cut at the piece's end is carried to the next.
        let valid = match std::str::from_utf8(piece) {
            Ok(_) => piece.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => return None,
        };
        if head.is_none() {
            let text = std::str::from_utf8(&piece[..valid]).ok()?;
            bom = text.starts_with('\u{feff}');
            head = Some(text.trim_start_matches('\u{feff}').to_string());
        }
        if memchr::memchr(0, &piece[..valid]).is_some() {
            return None;
        }
        lines += memchr::memchr_iter(b'\n', &piece[..valid]).count();
        len += valid as u64;
        buffer.copy_within(valid..carry + n, 0);
        carry = carry + n - valid;
    }
}

/// A reader of text whose CRLF and lone CR line ends come out as LF, as [`decode`] makes them:
/// a file read a piece at a time reads as the file decoded whole.
pub struct LineEndsLf<R> {
    inner: R,
    /// Bytes read and not yet given, LF line ends made.
    ready: Vec<u8>,
    at: usize,
    /// A CR at the end of the last piece read, whose LF (if any) is in the next.
    held_cr: bool,
}

impl<R> LineEndsLf<R> {
    pub fn new(inner: R) -> LineEndsLf<R> {
        LineEndsLf {
            inner,
            ready: Vec::new(),
            at: 0,
            held_cr: false,
        }
    }
}

impl<R: std::io::Read> std::io::Read for LineEndsLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.ready.len() {
            let mut piece = [0u8; 64 << 10];
            let n = self.inner.read(&mut piece)?;
            self.ready.clear();
            self.at = 0;
            if n == 0 {
                if std::mem::take(&mut self.held_cr) {
                    self.ready.push(b'\n');
                    break;
                }
                return Ok(0);
            }
            let mut bytes = &piece[..n];
            if std::mem::take(&mut self.held_cr) {
                self.ready.push(b'\n');
                if bytes[0] == b'\n' {
                    bytes = &bytes[1..];
                }
            }
            let mut rest = bytes;
            while let Some(i) = memchr::memchr(b'\r', rest) {
                self.ready.extend_from_slice(&rest[..i]);
                match rest.get(i + 1) {
                    Some(b'\n') => {
                        self.ready.push(b'\n');
                        rest = &rest[i + 2..];
                    }
                    Some(_) => {
                        self.ready.push(b'\n');
                        rest = &rest[i + 1..];
                    }
                    None => {
                        self.held_cr = true;
                        rest = &[];
                    }
                }
            }
            self.ready.extend_from_slice(rest);
        }
        let n = buf.len().min(self.ready.len() - self.at);
        buf[..n].copy_from_slice(&self.ready[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// UTF-16 text without a byte-order mark: mostly Latin text has a NUL byte in every other
/// place (the high byte of each code unit), on odd places for little-endian and on even
/// places for big-endian. Accepted only when it decodes to text without control characters.
fn utf16_without_bom(bytes: &[u8]) -> Option<(String, Encoding)> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.len() / 2;
    let zeros = |parity: usize| bytes.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zeros(0), zeros(1));
    let (encoding, label) = if odd * 10 >= units * 3 && even * 20 <= units {
        (encoding_rs::UTF_16LE, Encoding::Utf16LeNoBom)
    } else if even * 10 >= units * 3 && odd * 20 <= units {
        (encoding_rs::UTF_16BE, Encoding::Utf16BeNoBom)
    } else {
        return None;
    };
    let text = encoding.decode_without_bom_handling_and_without_replacement(bytes)?;
    let is_text = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    is_text.then(|| (text.into_owned(), label))
}

/// CRLF and lone CR become LF.
pub fn normalize_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out its bytes one or two at a time: a CR at the end of a piece, its LF in the next.
    struct Trickle<'a>(&'a [u8], bool);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 = !self.1;
            let n = (1 + usize::from(self.1)).min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn line_ends_made_lf_as_read_are_those_of_the_text_whole() {
        for text in [
            "a\r\nb\rc\n",
            "\r",
            "\r\r\n\n\r",
            "x\r",
            "no line ends",
            "",
            "é\r\né\r",
        ] {
            for trickle in [false, true] {
                let mut out = Vec::new();
                let mut reader: Box<dyn std::io::Read> = if trickle {
                    Box::new(LineEndsLf::new(Trickle(text.as_bytes(), false)))
                } else {
                    Box::new(LineEndsLf::new(text.as_bytes()))
                };
                std::io::Read::read_to_end(&mut reader, &mut out).unwrap();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    normalize_line_ends(text.to_string()),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode(b"caf\xC3\xA9".to_vec()).unwrap(),
            ("café".into(), Encoding::Utf8)
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFcaf\xC3\xA9".to_vec()).unwrap(),
            ("café".into(), Encoding::Utf8Bom)
        );
    }

    #[test]
    fn utf16_with_bom() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("hé\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(le).unwrap(), ("hé\n".into(), Encoding::Utf16Le));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("hé".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(decode(be).unwrap(), ("hé".into(), Encoding::Utf16Be));
        assert!(decode(vec![0xFF, 0xFE, 0x00, 0xD8]).is_err(), "lone surrogate");
    }

    #[test]
    fn utf16_without_bom_is_recognised_from_its_nul_bytes() {
        let le: Vec<u8> = "Interviewer: Hi\r\nR: Hé\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(
            decode(le).unwrap(),
            ("Interviewer: Hi\nR: Hé\n".into(), Encoding::Utf16LeNoBom)
        );
        let be: Vec<u8> = "R: fine".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(be).unwrap(), ("R: fine".into(), Encoding::Utf16BeNoBom));
        assert!(
            decode(vec![0, 159, 146, 150, 0, 1]).is_err(),
            "binary, not UTF-16"
        );
        assert!(decode(b"a\0b".to_vec()).is_err(), "NUL in UTF-8");
    }

    #[test]
    fn windows_1252_fallback_and_binary() {
        assert_eq!(
            decode(b"it\x92s \x93fine\x94 \xA35".to_vec()).unwrap(),
            (
                "it\u{2019}s \u{201C}fine\u{201D} £5".into(),
                Encoding::Windows1252
            )
        );
        assert!(decode(b"\x00\x01\xFF\x00".to_vec()).is_err());
    }

    #[test]
    fn line_ends_become_lf() {
        assert_eq!(decode(b"a\r\nb\rc\n".to_vec()).unwrap().0, "a\nb\nc\n");
    }
}
