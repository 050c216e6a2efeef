//! Writing data into Markdown safely: transcript text is data, never markup.

/// Escapes text so that Markdown renders it as the same characters: every ASCII punctuation
/// character that can start markup is backslash-escaped, and `<`, `>`, `&` can never become
/// HTML.
pub fn text(s: &str) -> String {
    let mut out = inline(s);
    // A line may not start as a list item or numbered item.
    if out.starts_with(['-', '+']) {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

/// [`text`] for a place that is never the start of a line, such as a table cell: the same
/// escapes, without those that stop a line reading as a list item (`2.5`, `+1` stay as they are).
pub fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!' | '{' | '}'
            | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Codebook prose keeps its Markdown emphasis and lists, but can never be raw HTML, a link or
/// an image (report.html promises that nothing is fetched and nothing leads away): `<`, `>`,
/// `&`, `[` and `]` outside code spans are backslash-escaped, so links and images show as the
/// text they were typed as. A backtick starts a code span only when a run of as many
/// backticks closes it, as in CommonMark; a lone one is escaped, so it cannot switch the
/// escaping off for the rest of the text.
pub fn prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        match c {
            '\\' => {
                // An escape the author typed stays one (`\*`); a backslash before anything
                // else is a character of its own.
                let escaped = rest[1..].chars().next().filter(char::is_ascii_punctuation);
                let len = 1 + escaped.map_or(0, char::len_utf8);
                out.push_str(&rest[..len]);
                rest = &rest[len..];
            }
            '`' => {
                let run = rest.len() - rest.trim_start_matches('`').len();
                match closing_run(&rest[run..], run) {
                    Some(end) => {
                        let span = run + end + run;
                        out.push_str(&rest[..span]);
                        rest = &rest[span..];
                    }
                    None => {
                        out.push_str(&"\\`".repeat(run));
                        rest = &rest[run..];
                    }
                }
            }
            _ => {
                if matches!(c, '<' | '>' | '&' | '[' | ']') {
                    out.push('\\');
                }
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// Where a run of exactly `n` backticks starts in `s`, closing a code span.
fn closing_run(s: &str, n: usize) -> Option<usize> {
    let mut at = 0;
    while let Some(i) = s[at..].find('`') {
        let start = at + i;
        let run = s[start..].len() - s[start..].trim_start_matches('`').len();
        if run == n {
            return Some(start);
        }
        at = start + run;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            text("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(text("**bold** [x](y) a|b"), "\\*\\*bold\\*\\* \\[x\\](y) a\\|b");
        assert_eq!(text("- item"), "\\- item");
        assert_eq!(text("1. item"), "1\\. item");
        assert_eq!(text("It's 5.5 \"fine\""), "It's 5.5 \"fine\"");
        assert_eq!(
            prose("*ok* <img src=x> & `<b>`"),
            "*ok* \\<img src=x\\> \\& `<b>`"
        );
    }

    #[test]
    fn prose_shows_links_and_images_as_text_and_a_lone_backtick_escapes_nothing_away() {
        assert_eq!(
            prose("![](https://x/p.png) [a](https://x) \\[b\\]"),
            "!\\[\\](https://x/p.png) \\[a\\](https://x) \\[b\\]"
        );
        assert_eq!(prose("one ` tick <b>"), "one \\` tick \\<b\\>");
        assert_eq!(prose("``a ` b`` <i>"), "``a ` b`` \\<i\\>");
        assert_eq!(prose("`a`` <i>"), "\\`a\\`\\` \\<i\\>");
        assert_eq!(prose("back\\slash é"), "back\\slash é");
    }
}
