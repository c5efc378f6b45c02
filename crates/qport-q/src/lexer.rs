//! Text → tokens: literals (with number, symbol and temporal strands gathered into one
//! token), names, verbs, iterators, brackets and separators.
//!
//! Two of q's rules are decided here because they depend on spacing: the minus rule (`2 -1`
//! is a two-item vector, `2-1` a subtraction, `x -1` an index) and comments (`/` starts one
//! at the start of a line or after whitespace, `x/y` is an iterator).

use crate::error::{QError, QResult};

#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    /// Number, boolean, byte or temporal literals separated only by spaces: one strand.
    Numbers(Vec<String>),
    /// A string: its bytes, escapes resolved.
    Chars(Vec<u8>),
    /// `` `a`b ``: one or more symbols written together.
    Symbols(Vec<Vec<u8>>),
    /// A name, dots included (`x`, `.z.s`, `a.b`).
    Name(String),
    /// A primitive glyph: `+`, `<=`, `::`, `0:` ...
    Verb(String),
    /// A glyph immediately followed by `:` (`+:`): compound assignment after a noun, the
    /// glyph's unary form otherwise.
    VerbColon(String),
    /// An iterator: `'`, `/`, `\`, `':`, `/:`, `\:`.
    Adverb(String),
    /// `{`, with the byte offset it starts at (a lambda keeps its source text).
    LeftBrace(usize),
    /// `}`, with the byte offset just past it.
    RightBrace(usize),
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    /// `;` or a line break between expressions.
    Separator,
}

impl Token {
    /// Whether this token ends a noun, so that a following `-` is a minus, and a following
    /// `[` indexes it.
    fn ends_noun(&self) -> bool {
        matches!(
            self,
            Token::Numbers(_)
                | Token::Chars(_)
                | Token::Symbols(_)
                | Token::Name(_)
                | Token::RightParen
                | Token::RightBracket
                | Token::RightBrace(_)
        )
    }
}

/// A token and where it starts in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Lexeme {
    pub token: Token,
    pub offset: usize,
}

const GLYPHS: &[u8] = b":+-*%&|^=<>$,#_~!?@.";

/// Splits `text` into tokens. Line breaks become separators; the caller has already
/// joined continuation lines (those starting with whitespace) where q script rules apply.
pub fn tokenize(text: &[u8]) -> QResult<Vec<Lexeme>> {
    let text = &*without_no_break_spaces(text);
    let mut lexer = Lexer {
        text,
        pos: 0,
        out: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.out)
}

struct Lexer<'a> {
    text: &'a [u8],
    pos: usize,
    out: Vec<Lexeme>,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.text.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn prev_byte(&self) -> u8 {
        if self.pos == 0 {
            b'\n'
        } else {
            self.text[self.pos - 1]
        }
    }

    fn push(&mut self, token: Token, offset: usize) {
        self.out.push(Lexeme { token, offset });
    }

    fn last_ends_noun(&self) -> bool {
        self.out.last().is_some_and(|l| l.token.ends_noun())
    }

    fn run(&mut self) -> QResult<()> {
        while self.pos < self.text.len() {
            let c = self.peek(0);
            let start = self.pos;
            match c {
                b'\n' | b'\r' | b';' => {
                    self.pos += 1;
                    if c != b'\r' {
                        self.push(Token::Separator, start);
                    }
                }
                b' ' | b'\t' => {
                    self.pos += 1;
                    // A `/` after whitespace starts a comment running to the end of the line.
                    if self.peek(0) == b'/' {
                        self.skip_line();
                    }
                }
                b'/' if self.prev_byte() == b'\n' => self.skip_line(),
                b'"' => self.string()?,
                b'`' => self.symbols(),
                b'(' => self.single(Token::LeftParen),
                b')' => self.single(Token::RightParen),
                b'[' => self.single(Token::LeftBracket),
                b']' => self.single(Token::RightBracket),
                b'{' => self.single(Token::LeftBrace(start)),
                b'}' => self.single(Token::RightBrace(start + 1)),
                b'\'' | b'/' | b'\\' => {
                    self.pos += 1;
                    let mut glyph = (c as char).to_string();
                    if self.peek(0) == b':' {
                        self.pos += 1;
                        glyph.push(':');
                    }
                    self.push(Token::Adverb(glyph), start);
                }
                // `0:` `1:` `2:` are verbs (not the start of a time like `12:30`).
                b'0'..=b'2'
                    if self.peek(1) == b':'
                        && !(self.peek(2).is_ascii_digit() && self.peek(3).is_ascii_digit()) =>
                {
                    self.pos += 2;
                    self.push(Token::Verb(format!("{}:", c as char)), start);
                }
                b'0'..=b'9' => self.numbers(),
                b'.' if self.peek(1).is_ascii_digit() && !self.last_ends_noun_tight() => {
                    self.numbers()
                }
                b'-' if self.starts_negative_number() => self.numbers(),
                c if c.is_ascii_alphabetic()
                    || (c == b'.' && self.peek(1).is_ascii_alphabetic()) =>
                {
                    self.name()
                }
                c if GLYPHS.contains(&c) => self.verb(),
                _ => return Err(QError::new("char")),
            }
        }
        Ok(())
    }

    /// Whether the last token ends a noun with no space before the current position.
    fn last_ends_noun_tight(&self) -> bool {
        self.last_ends_noun() && !matches!(self.prev_byte(), b' ' | b'\t')
    }

    fn single(&mut self, token: Token) {
        let start = self.pos;
        self.pos += 1;
        self.push(token, start);
    }

    fn skip_line(&mut self) {
        while self.pos < self.text.len() && self.text[self.pos] != b'\n' {
            self.pos += 1;
        }
    }

    /// The minus rule: `-` starts a negative number when a digit (or `.digit`) follows it
    /// and it does not follow a noun directly (`x-1`, `2-1`, `)-1` subtract; `x -1` and
    /// `2 -1` do not).
    fn starts_negative_number(&self) -> bool {
        let digit_follows = self.peek(1).is_ascii_digit()
            || (self.peek(1) == b'.' && self.peek(2).is_ascii_digit());
        digit_follows && !self.last_ends_noun_tight()
    }

    fn string(&mut self) -> QResult<()> {
        let start = self.pos;
        self.pos += 1;
        let mut bytes = Vec::new();
        loop {
            let Some(&c) = self.text.get(self.pos) else {
                return Err(QError::new("\""));
            };
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.text.get(self.pos) else {
                        return Err(QError::new("\""));
                    };
                    self.pos += 1;
                    match e {
                        b'n' => bytes.push(b'\n'),
                        b't' => bytes.push(b'\t'),
                        b'r' => bytes.push(b'\r'),
                        b'"' => bytes.push(b'"'),
                        b'\\' => bytes.push(b'\\'),
                        b'0'..=b'7' => {
                            let digits = &self.text[self.pos - 1..];
                            let n = digits
                                .iter()
                                .take(3)
                                .take_while(|d| (b'0'..=b'7').contains(d))
                                .count();
                            let value = digits[..n]
                                .iter()
                                .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                            bytes.push(value as u8);
                            self.pos += n - 1;
                        }
                        other => bytes.push(other),
                    }
                }
                c => bytes.push(c),
            }
        }
        self.push(Token::Chars(bytes), start);
        Ok(())
    }

    fn symbols(&mut self) {
        let start = self.pos;
        let mut symbols = Vec::new();
        while self.peek(0) == b'`' {
            self.pos += 1;
            let from = self.pos;
            while is_symbol_byte(self.peek(0), self.pos == from) {
                self.pos += 1;
            }
            symbols.push(self.text[from..self.pos].to_vec());
        }
        self.push(Token::Symbols(symbols), start);
    }

    fn name(&mut self) {
        let start = self.pos;
        while self.peek(0).is_ascii_alphanumeric()
            || self.peek(0) == b'_'
            || (self.peek(0) == b'.' && self.peek(1).is_ascii_alphanumeric())
        {
            self.pos += 1;
        }
        let name = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
        self.push(Token::Name(name), start);
    }

    fn verb(&mut self) {
        let start = self.pos;
        let c = self.peek(0);
        self.pos += 1;
        let mut glyph = (c as char).to_string();
        let next = self.peek(0);
        match (c, next) {
            (b'<', b'=') | (b'>', b'=') | (b'<', b'>') => {
                glyph.push(next as char);
                self.pos += 1;
            }
            (b':', b':') => {
                glyph.push(':');
                self.pos += 1;
            }
            (_, b':') if c != b':' => {
                self.pos += 1;
                self.push(Token::VerbColon(glyph), start);
                return;
            }
            _ => {}
        }
        self.push(Token::Verb(glyph), start);
    }

    /// A strand of literals: words made of the characters numbers, booleans, bytes and
    /// temporal values are written with, separated by single spaces, each starting with a
    /// digit (or `-digit`, `.digit`).
    fn numbers(&mut self) {
        let start = self.pos;
        let mut words = Vec::new();
        loop {
            let from = self.pos;
            if self.peek(0) == b'-' {
                self.pos += 1;
            }
            let digits_from = self.pos;
            while is_literal_byte(self.peek(0)) {
                self.pos += 1;
                // A signed exponent: `1e-13`, `3e+11` (digits, `e`, a sign, a digit).
                let word = &self.text[digits_from..self.pos];
                if word.last() == Some(&b'e')
                    && word[..word.len() - 1]
                        .iter()
                        .all(|c| c.is_ascii_digit() || *c == b'.')
                    && matches!(self.peek(0), b'-' | b'+')
                    && self.peek(1).is_ascii_digit()
                {
                    self.pos += 1;
                }
            }
            words.push(String::from_utf8_lossy(&self.text[from..self.pos]).into_owned());
            // Another literal after spaces continues the strand.
            let mut look = self.pos;
            while matches!(self.text.get(look), Some(b' ') | Some(b'\t')) {
                look += 1;
            }
            if look == self.pos {
                break;
            }
            let next = self.text.get(look).copied().unwrap_or(0);
            let after = self.text.get(look + 1).copied().unwrap_or(0);
            let continues = next.is_ascii_digit()
                || (next == b'-' && (after.is_ascii_digit() || after == b'.'))
                || (next == b'.' && after.is_ascii_digit());
            if !continues {
                break;
            }
            self.pos = look;
        }
        self.push(Token::Numbers(words), start);
    }
}

/// The text with each no-break space (UTF-8 `C2 A0`, which text copied from web pages
/// has) as two spaces: the same length, so offsets into the text still hold.
pub fn without_no_break_spaces(text: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if !text.windows(2).any(|w| w == [0xC2, 0xA0]) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = text.to_vec();
    for i in 0..out.len().saturating_sub(1) {
        if out[i] == 0xC2 && out[i + 1] == 0xA0 {
            out[i] = b' ';
            out[i + 1] = b' ';
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Characters inside a numeric, boolean, byte or temporal literal.
fn is_literal_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b':'
}

/// Characters of a symbol literal: letters, digits, `.`, `_`, and `:` and `/` (file and
/// connection handles such as `` `:host:5000 `` and `` `:dir/file ``).
fn is_symbol_byte(c: u8, first: bool) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b':' || (c == b'/' && !first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Token> {
        tokenize(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|l| l.token)
            .collect()
    }

    fn nums(words: &[&str]) -> Token {
        Token::Numbers(words.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn the_minus_rule() {
        assert_eq!(tokens("2 -1"), vec![nums(&["2", "-1"])]);
        assert_eq!(
            tokens("2-1"),
            vec![nums(&["2"]), Token::Verb("-".into()), nums(&["1"])]
        );
        assert_eq!(tokens("x -1"), vec![Token::Name("x".into()), nums(&["-1"])]);
        assert_eq!(
            tokens("x-1"),
            vec![
                Token::Name("x".into()),
                Token::Verb("-".into()),
                nums(&["1"])
            ]
        );
        assert_eq!(
            tokens("2 - 1"),
            vec![nums(&["2"]), Token::Verb("-".into()), nums(&["1"])]
        );
        assert_eq!(tokens("-1 2"), vec![nums(&["-1", "2"])]);
    }

    #[test]
    fn comments_need_space_or_line_start() {
        assert_eq!(tokens("1 /a comment"), vec![nums(&["1"])]);
        assert_eq!(tokens("/ all comment"), vec![]);
        assert_eq!(
            tokens("+/x"),
            vec![
                Token::Verb("+".into()),
                Token::Adverb("/".into()),
                Token::Name("x".into())
            ]
        );
    }

    #[test]
    fn strings_symbols_and_verbs() {
        assert_eq!(
            tokens(r#""a\"b\n""#),
            vec![Token::Chars(b"a\"b\n".to_vec())]
        );
        assert_eq!(
            tokens("`a`b.c`"),
            vec![Token::Symbols(vec![b"a".to_vec(), b"b.c".to_vec(), vec![]])]
        );
        assert_eq!(
            tokens("a+:1"),
            vec![
                Token::Name("a".into()),
                Token::VerbColon("+".into()),
                nums(&["1"])
            ]
        );
        assert_eq!(
            tokens("x<=y"),
            vec![
                Token::Name("x".into()),
                Token::Verb("<=".into()),
                Token::Name("y".into())
            ]
        );
        assert_eq!(tokens(".z.s"), vec![Token::Name(".z.s".into())]);
        assert_eq!(
            tokens("2024.01.15D10:30"),
            vec![nums(&["2024.01.15D10:30"])]
        );
        assert_eq!(tokens("1e-13 3e+11"), vec![nums(&["1e-13", "3e+11"])]);
        assert_eq!(
            tokens("1e-x"),
            vec![
                nums(&["1e"]),
                Token::Verb("-".into()),
                Token::Name("x".into())
            ]
        );
    }
}
