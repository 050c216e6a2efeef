//! The query language of `search`, `autocode` and the codebook's `search:` rules.
//!
//! ```text
//! referral                 a word, stemmed: also finds "referrals", "referred"
//! "shared values"          an exact phrase (each word stemmed, in this order)
//! refer*                   words starting with "refer" (not stemmed)
//! a AND b, a b             both (AND is the default)
//! a OR b                   either
//! NOT a, -a                without
//! (a OR b) AND c           grouping
//! group:partner            a field: group (id or label), participant (id, label or alias),
//!                          document (id), code (a code id: text coded with it)
//! ```
//! Operators are upper case; words are matched ignoring case, with typographic and straight
//! apostrophes alike.

use std::fmt;

/// The fields a query may filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Group,
    Participant,
    Document,
    Code,
}

impl Field {
    fn parse(s: &str) -> Option<Field> {
        match s.to_ascii_lowercase().as_str() {
            "group" => Some(Field::Group),
            "participant" => Some(Field::Participant),
            "document" => Some(Field::Document),
            "code" => Some(Field::Code),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Field::Group => "group",
            Field::Participant => "participant",
            Field::Document => "document",
            Field::Code => "code",
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A word as typed (analysed when matched).
    Word(String),
    /// An exact phrase as typed.
    Phrase(String),
    /// Words starting with this (lower-cased, not stemmed).
    Prefix(String),
    Field(Field, String),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

/// A query that cannot be read, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

fn error(message: impl Into<String>) -> QueryError {
    QueryError {
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    /// `-` before a term.
    Minus,
    Word(String),
    Phrase(String),
    Field(Field, String),
}

fn tokens(input: &str) -> Result<Vec<Token>, QueryError> {
    // Control characters are no words anyone types, and would play on a terminal when the
    // query is echoed: refused, named by their code point (tabs and line ends are spaces).
    if let Some((at, c)) = input
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !c.is_whitespace())
    {
        return Err(error(format!(
            "the query holds a control character (U+{:04X}) at character {}: type words, phrases and operators only",
            c as u32,
            at + 1
        )));
    }
    let mut out = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        match c {
            '(' => {
                chars.next();
                out.push(Token::Open);
            }
            ')' => {
                chars.next();
                out.push(Token::Close);
            }
            '"' | '\u{201C}' | '\u{201D}' => {
                chars.next();
                let (text, closed) = quoted(&mut chars);
                if !closed {
                    return Err(error(format!(
                        "the phrase opened at character {} has no closing quote",
                        i + 1
                    )));
                }
                out.push(Token::Phrase(text));
            }
            '-' => {
                // `-word` excludes; a lone dash is nothing.
                chars.next();
                match chars.peek() {
                    Some(&(_, n)) if !n.is_whitespace() => out.push(Token::Minus),
                    _ => {}
                }
            }
            _ => {
                let mut word = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' {
                        break;
                    }
                    if matches!(c, '"' | '\u{201C}' | '\u{201D}') && word.ends_with(':') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                let field = word
                    .split_once(':')
                    .and_then(|(f, v)| Field::parse(f).map(|f| (f, v.to_string())));
                match field {
                    Some((f, v)) if v.is_empty() => {
                        // `field:"quoted value"`
                        match chars.peek() {
                            Some(&(_, '"' | '\u{201C}' | '\u{201D}')) => {
                                chars.next();
                                let (text, closed) = quoted(&mut chars);
                                if !closed {
                                    return Err(error(format!(
                                        "the value of `{}:` has no closing quote",
                                        f.name()
                                    )));
                                }
                                out.push(Token::Field(f, text));
                            }
                            _ => {
                                return Err(error(format!(
                                    "`{}:` needs a value, such as {}:partner",
                                    f.name(),
                                    f.name()
                                )))
                            }
                        }
                    }
                    Some((f, v)) => out.push(Token::Field(f, v)),
                    None => out.push(match word.as_str() {
                        "AND" | "&&" => Token::And,
                        "OR" | "||" => Token::Or,
                        "NOT" => Token::Not,
                        _ => Token::Word(word),
                    }),
                }
            }
        }
    }
    Ok(out)
}

fn quoted(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> (String, bool) {
    let mut text = String::new();
    for (_, c) in chars.by_ref() {
        if matches!(c, '"' | '\u{201C}' | '\u{201D}') {
            return (text, true);
        }
        text.push(c);
    }
    (text, false)
}

/// Parses a query.
pub fn parse(input: &str) -> Result<Expr, QueryError> {
    let tokens = tokens(input)?;
    if tokens.is_empty() {
        return Err(error("the query is empty"));
    }
    let mut p = Parser { tokens, at: 0 };
    let expr = p.or()?;
    match p.tokens.get(p.at) {
        None => Ok(expr),
        Some(Token::Close) => Err(error("a `)` has no matching `(`")),
        Some(t) => Err(error(format!("unexpected {}", describe(t)))),
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

fn describe(t: &Token) -> String {
    match t {
        Token::Open => "`(`".into(),
        Token::Close => "`)`".into(),
        Token::And => "AND".into(),
        Token::Or => "OR".into(),
        Token::Not => "NOT".into(),
        Token::Minus => "`-`".into(),
        Token::Word(w) => format!("`{w}`"),
        Token::Phrase(p) => format!("\"{p}\""),
        Token::Field(f, v) => format!("`{}:{v}`", f.name()),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut parts = vec![self.unary()?];
        loop {
            match self.peek() {
                Some(Token::And) => {
                    self.at += 1;
                    parts.push(self.unary()?);
                }
                Some(Token::Or | Token::Close) | None => break,
                Some(_) => parts.push(self.unary()?),
            }
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        match self.peek() {
            Some(Token::Not | Token::Minus) => {
                self.at += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            _ => self.atom(),
        }
    }

    fn atom(&mut self) -> Result<Expr, QueryError> {
        let Some(t) = self.tokens.get(self.at).cloned() else {
            return Err(error("the query ends where a word was expected"));
        };
        self.at += 1;
        match t {
            Token::Open => {
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err(error("a `(` has no matching `)`"));
                }
                self.at += 1;
                Ok(inner)
            }
            Token::Word(w) => Ok(match w.strip_suffix('*') {
                Some(prefix) if !prefix.is_empty() && !prefix.contains('*') => {
                    Expr::Prefix(prefix.to_lowercase())
                }
                _ if w.contains('*') => {
                    return Err(error(format!("`{w}`: a `*` may only end a word, as in refer*")))
                }
                _ => Expr::Word(w),
            }),
            Token::Phrase(p) => Ok(Expr::Phrase(p)),
            Token::Field(f, v) => Ok(Expr::Field(f, v)),
            t => Err(error(format!(
                "unexpected {} where a word was expected",
                describe(&t)
            ))),
        }
    }
}

impl Expr {
    /// The leaves that can match text (not under a NOT): what keyword-in-context highlights.
    pub fn positive_leaves(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        self.collect_positive(&mut out);
        out
    }

    fn collect_positive<'a>(&'a self, out: &mut Vec<&'a Expr>) {
        match self {
            Expr::Word(_) | Expr::Phrase(_) | Expr::Prefix(_) => out.push(self),
            Expr::Field(..) | Expr::Not(_) => {}
            Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| x.collect_positive(out)),
        }
    }

    /// The `code:` filters every match must satisfy: those joined to the whole query by AND.
    pub fn required_codes(&self) -> Vec<&str> {
        match self {
            Expr::Field(Field::Code, c) => vec![c.as_str()],
            Expr::And(xs) => xs
                .iter()
                .filter_map(|x| match x {
                    Expr::Field(Field::Code, c) => Some(c.as_str()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Expr::*;

    fn w(s: &str) -> Expr {
        Word(s.into())
    }

    #[test]
    fn words_phrases_operators_and_grouping() {
        assert_eq!(parse("referral").unwrap(), w("referral"));
        assert_eq!(parse("a b").unwrap(), And(vec![w("a"), w("b")]));
        assert_eq!(
            parse("a AND b OR c").unwrap(),
            Or(vec![And(vec![w("a"), w("b")]), w("c")])
        );
        assert_eq!(
            parse("a (b OR c)").unwrap(),
            And(vec![w("a"), Or(vec![w("b"), w("c")])])
        );
        assert_eq!(
            parse("\"shared values\" -ethos NOT x").unwrap(),
            And(vec![
                Phrase("shared values".into()),
                Not(Box::new(w("ethos"))),
                Not(Box::new(w("x")))
            ])
        );
        assert_eq!(parse("Refer*").unwrap(), Prefix("refer".into()));
        assert_eq!(
            parse("“typographic quotes”").unwrap(),
            Phrase("typographic quotes".into())
        );
        assert_eq!(parse("don’t").unwrap(), w("don’t"));
        assert_eq!(
            parse("and or").unwrap(),
            And(vec![w("and"), w("or")]),
            "lower case is a word"
        );
        assert_eq!(parse("well-being").unwrap(), w("well-being"));
    }

    #[test]
    fn fields_inside_the_query() {
        assert_eq!(
            parse("trust group:partner participant:\"Partner 7i\" code:lost-referrals").unwrap(),
            And(vec![
                w("trust"),
                Field(super::Field::Group, "partner".into()),
                Field(super::Field::Participant, "Partner 7i".into()),
                Field(super::Field::Code, "lost-referrals".into()),
            ])
        );
        assert_eq!(parse("ratio:2").unwrap(), w("ratio:2"), "not a field: a word");
        let q = parse("a code:x (code:y OR b)").unwrap();
        assert_eq!(q.required_codes(), ["x"]);
        assert_eq!(q.positive_leaves(), [&w("a"), &w("b")]);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = |q: &str| parse(q).unwrap_err().to_string();
        assert_eq!(e(""), "the query is empty");
        assert_eq!(e("(a OR b"), "a `(` has no matching `)`");
        assert_eq!(e("a)"), "a `)` has no matching `(`");
        assert_eq!(
            e("\"open phrase"),
            "the phrase opened at character 1 has no closing quote"
        );
        assert_eq!(e("a OR"), "the query ends where a word was expected");
        assert_eq!(e("re*fer"), "`re*fer`: a `*` may only end a word, as in refer*");
        assert_eq!(e("group:"), "`group:` needs a value, such as group:partner");
        assert_eq!(e("AND a"), "unexpected AND where a word was expected");
        assert_eq!(
            e("\u{1}\u{7f}\u{1b}[2J"),
            "the query holds a control character (U+0001) at character 1: type words, phrases and operators only"
        );
        assert!(e("trust \u{9b}31m").contains("(U+009B) at character 7"));
        assert_eq!(
            parse("a\tb\n").unwrap(),
            And(vec![w("a"), w("b")]),
            "tabs and line ends are spaces"
        );
    }
}
