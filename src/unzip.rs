//! Reading entries of untrusted zip archives (`.qdpx` projects and `.docx` transcripts) within
//! limits: a cap on the compression ratio, the size each entry declares checked against what
//! it holds, and a budget for everything read, so a zip bomb stops before it is expanded.

use std::io::Read;

/// How much may be read, and how compressed an entry may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Total bytes decompressed (or read from a folder) for one import or one document.
    pub max_total: u64,
    /// Largest uncompressed:compressed ratio for an entry bigger than `ratio_floor` bytes.
    pub max_ratio: u64,
    pub ratio_floor: u64,
    /// Most entries an archive may list.
    pub max_entries: usize,
    /// Most memory the element tree of a project's XML may take (estimated as it is built):
    /// tiny elements cost far more as a tree than as bytes.
    pub max_xml_tree: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_total: 512 << 20,
            max_ratio: 100,
            ratio_floor: 1 << 20,
            max_entries: 100_000,
            max_xml_tree: 1 << 30,
        }
    }
}

impl Limits {
    /// A `.docx` transcript: the same ratio limit as a project, and at most 256 MiB of XML.
    pub fn docx() -> Limits {
        Limits {
            max_total: 256 << 20,
            ..Limits::default()
        }
    }

    /// Refuses an entry that would expand more than the ratio allows (from its header).
    pub fn check_ratio(&self, name: &str, declared: u64, compressed: u64) -> Result<(), String> {
        let compressed = compressed.max(1);
        if declared > self.ratio_floor && declared / compressed > self.max_ratio {
            return Err(format!(
                "refusing entry `{name}`: it expands {}-fold ({declared} bytes from {compressed}), more than the {}-fold allowed (a zip bomb?)",
                declared / compressed,
                self.max_ratio
            ));
        }
        Ok(())
    }
}

/// Reads a whole entry that declares `declared` bytes from `compressed`, when `read_so_far`
/// bytes have been read already: refused before decompressing when the ratio or the budget
/// says no, and as soon as it holds more than it declared.
pub fn read_entry(
    entry: impl Read,
    name: &str,
    sizes: (u64, u64),
    read_so_far: u64,
    limits: &Limits,
) -> Result<Vec<u8>, String> {
    read_entry_with(entry, name, sizes, read_so_far, limits, |_| Ok(()))
}

/// [`read_entry`], showing `inspect` each piece as it is decompressed: an error from it stops
/// the decompression there (so a budget on what the bytes hold, not only on how many there
/// are, stops a bomb early).
pub fn read_entry_with(
    entry: impl Read,
    name: &str,
    (declared, compressed): (u64, u64),
    read_so_far: u64,
    limits: &Limits,
    mut inspect: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<Vec<u8>, String> {
    limits.check_ratio(name, declared, compressed)?;
    let budget = limits.max_total.saturating_sub(read_so_far);
    if declared > budget {
        return Err(format!(
            "refusing entry `{name}`: reading its {declared} bytes would pass the {}-byte limit on what one import reads",
            limits.max_total
        ));
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    let mut entry = entry.take(declared + 1);
    let mut piece = vec![0u8; 1 << 16];
    loop {
        let n = match entry.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("cannot decompress entry `{name}`: {e}")),
        };
        inspect(&piece[..n])?;
        bytes.extend_from_slice(&piece[..n]);
    }
    if bytes.len() as u64 > declared {
        return Err(format!(
            "refusing entry `{name}`: it holds more data than its header declares"
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_budget_and_declared_size_are_enforced() {
        let limits = Limits {
            max_total: 100,
            ratio_floor: 10,
            max_ratio: 5,
            ..Limits::default()
        };
        assert!(limits.check_ratio("a", 50, 20).is_ok());
        let e = limits.check_ratio("a", 60, 10).unwrap_err();
        assert!(e.contains("6-fold") && e.contains("5-fold allowed"), "{e}");
        assert_eq!(read_entry(&b"abc"[..], "a", (3, 3), 0, &limits).unwrap(), b"abc");
        let e = read_entry(&b"abc"[..], "a", (3, 3), 99, &limits).unwrap_err();
        assert!(e.contains("100-byte limit"), "{e}");
        let e = read_entry(&b"abcd"[..], "a", (3, 3), 0, &limits).unwrap_err();
        assert!(e.contains("more data than its header declares"), "{e}");
    }

    #[test]
    fn inspection_stops_the_reading_where_it_says_no() {
        let big = vec![b'x'; 300_000];
        let mut seen = 0;
        let e = read_entry_with(
            &big[..],
            "a",
            (300_000, 300_000),
            0,
            &Limits::default(),
            |piece| {
                seen += piece.len();
                if seen > 100_000 {
                    Err("too much".into())
                } else {
                    Ok(())
                }
            },
        )
        .unwrap_err();
        assert_eq!(e, "too much");
        assert!(seen < 200_000, "{seen}");
        let bytes = read_entry_with(&big[..], "a", (300_000, 300_000), 0, &Limits::default(), |_| {
            Ok(())
        })
        .unwrap();
        assert_eq!(bytes, big);
    }
}
