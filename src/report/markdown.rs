//! Writing data into Markdown safely: transcript text is data, never markup.

/// Escapes text so that Markdown renders it as the same characters: every ASCII punctuation
/// character that can start markup is backslash-escaped, and `<`, `>`, `&` can never become
/// HTML.
pub fn text(s: &str) -> String {
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

/// Codebook prose keeps its Markdown (emphasis, links, lists) but can never be raw HTML:
/// `<`, `>` and `&` outside code spans are backslash-escaped (inside them they are shown as
/// typed anyway).
pub fn prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    for c in s.chars() {
        if c == '`' {
            in_code = !in_code;
        }
        if !in_code && matches!(c, '<' | '>' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
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
}
