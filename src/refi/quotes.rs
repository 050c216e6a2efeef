//! Coded selections written as coding-sheet rows: the exact text of the selection as the
//! quote, with `occurrence` where the same text occurs more than once, checked with the same
//! matcher `thematic check` uses so that every row anchors on the passage it came from.

use crate::coding::anchor::{Normalized, Pattern};
use crate::output::spreadsheet_text;
use std::ops::Range;

/// A row of a coding sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub document: String,
    pub quote: String,
    pub codes: Vec<String>,
    pub memo: String,
    pub occurrence: Option<usize>,
}

/// The range without the white space at its ends (quotes are matched trimmed).
pub fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start().len();
    let body = s.trim();
    range.start + lead..range.start + lead + body.len()
}

/// The quote (and occurrence) that finds exactly `range` of `text`, or why there is none.
pub fn quote_for(
    text: &str,
    normalized: &Normalized,
    range: Range<usize>,
) -> Result<(String, Option<usize>), String> {
    let exact = &text[range.clone()];
    let quote = match Pattern::new(exact) {
        Ok(Pattern::Exact(_)) => exact.to_string(),
        // The passage itself holds ` … ` or ` ... `: write it as `start … end`.
        _ => {
            let flat = Normalized::new(exact).text;
            let marks: Vec<(usize, usize)> = flat
                .match_indices(" \u{2026} ")
                .chain(flat.match_indices(" ... "))
                .map(|(i, m)| (i, i + m.len()))
                .collect();
            let first = marks.iter().map(|m| m.0).min().unwrap_or(0);
            let last = marks.iter().map(|m| m.1).max().unwrap_or(flat.len());
            let (start, end) = (flat[..first].trim(), flat[last..].trim());
            if start.is_empty() || end.is_empty() {
                return Err("cannot be quoted (an ellipsis at one end)".into());
            }
            format!("{start} \u{2026} {end}")
        }
    };
    let pattern = Pattern::new(&quote).map_err(|e| format!("cannot be quoted ({e})"))?;
    let found = pattern.find_all(&normalized.text);
    let at = found
        .iter()
        .position(|r| normalized.original(text, r.clone()) == range)
        .ok_or("cannot be quoted so that the quote finds this passage")?;
    Ok((quote, (found.len() > 1).then_some(at + 1)))
}

/// The coding sheet: `document,quote,codes,memo`, and `occurrence` when a row needs it.
pub fn sheet_csv(rows: &[Row]) -> Vec<u8> {
    let with_occurrence = rows.iter().any(|r| r.occurrence.is_some());
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header = vec!["document", "quote", "codes", "memo"];
    if with_occurrence {
        header.push("occurrence");
    }
    w.write_record(&header).expect("writing to memory");
    for r in rows {
        let codes = r.codes.join(";");
        let occurrence = r.occurrence.map(|n| n.to_string()).unwrap_or_default();
        // People open coding sheets in spreadsheets: a quote or memo that starts like a
        // formula gets the `'` that keeps it text (the quote matcher looks past it).
        let (quote, memo) = (spreadsheet_text(&r.quote), spreadsheet_text(&r.memo));
        let mut record = vec![r.document.as_str(), &quote, codes.as_str(), &memo];
        if with_occurrence {
            record.push(&occurrence);
        }
        w.write_record(&record).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(text: &str, find: &str, nth: usize) -> (String, Option<usize>) {
        let start = text.match_indices(find).nth(nth).unwrap().0;
        let n = Normalized::new(text);
        quote_for(text, &n, start..start + find.len()).unwrap()
    }

    #[test]
    fn repeated_passages_get_an_occurrence() {
        let text = "Trust matters. We said trust matters. Trust matters.";
        assert_eq!(
            quote(text, "Trust matters.", 0),
            ("Trust matters.".into(), Some(1))
        );
        assert_eq!(
            quote(text, "Trust matters.", 1),
            ("Trust matters.".into(), Some(2))
        );
        assert_eq!(quote(text, "We said", 0), ("We said".into(), None));
    }

    #[test]
    fn passages_with_an_ellipsis_become_spans() {
        let text = "Well ... I think so ... yes. Other words.";
        let (q, occ) = quote(text, "Well ... I think so ... yes.", 0);
        assert_eq!(q, "Well \u{2026} yes.");
        assert_eq!(occ, None);
    }

    #[test]
    fn trimming_and_csv() {
        assert_eq!(trim("  ab c \n", 0..8), 2..6);
        let rows = vec![Row {
            document: "D".into(),
            quote: "a, \"b\"\nc".into(),
            codes: vec!["x".into(), "y".into()],
            memo: String::new(),
            occurrence: Some(2),
        }];
        assert_eq!(
            String::from_utf8(sheet_csv(&rows)).unwrap(),
            "document,quote,codes,memo,occurrence\nD,\"a, \"\"b\"\"\nc\",x;y,,2\n"
        );
    }
}
