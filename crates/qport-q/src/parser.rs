//! Tokens → parse trees, which are q values, as q's `parse` returns them.
//!
//! - A name is a symbol atom: `` `x ``.
//! - A constant is itself (`1 2 3`, `"abc"`, a lambda); a quoted symbol is enlisted, so it
//!   is not taken for a name: `` `a `` is `,`a`, `` `a`b `` is `enlist `a`b`.
//! - An application is a general list: the function, then the arguments. `x+y` is
//!   `(+;`x;`y)`, `f x` is `(`f;`x)`, `f[x;]` is `(`f;`x;<elided>)`, `-x` is `(-:;`x)`,
//!   `(a;b)` is `(enlist;`a;`b)`.
//! - Assignment is `(:;`a;e)`, global `(::;`a;e)`, compound `(+:;`a;e)`, indexed
//!   `(:;(`a;i);e)`; return is `(:;e)`; signal is `(';e)`.
//!
//! q reads right to left with no precedence: a noun then a verb takes everything to the
//! verb's right as its right argument, nouns side by side apply the left to the right.

use std::sync::Arc;

use qport_value::{Function, Symbol, Value, Vector};

use crate::error::{QError, QResult};
use crate::items::enlist;
use crate::lexer::{tokenize, without_no_break_spaces, Lexeme, Token};
use crate::literal::strand;
use crate::verbs::{self, iterator_index};

/// Brackets, parentheses and braces nested deeper than this are a parse error, not a
/// stack overflow.
pub const MAX_NESTING: usize = 256;

/// Items (nouns and verbs) in one expression past this are a parse error: each verb nests
/// the tree one level deeper, and a tree is walked (evaluated, compared, dropped)
/// recursively.
pub const MAX_ITEMS: usize = 2_048;

/// The parse tree of an argument left out (`f[;1]`, `+[2;]`): it makes a projection.
pub const ELIDED: Value = Value::Function(Function::UnaryPrimitive(verbs::ELIDED_INDEX));

/// Parses `text` as statements separated by `;` or line breaks; an empty statement is
/// `None` (a line ending in `;` shows nothing). `context` is the namespace lambdas are
/// defined in.
pub fn parse_statements(text: &[u8], context: Symbol) -> QResult<Vec<Option<Value>>> {
    let text = &*without_no_break_spaces(text);
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        text,
        tokens,
        pos: 0,
        depth: 0,
        context,
    };
    let statements = parser.statements()?;
    if let Some(left) = parser.tokens.get(parser.pos) {
        return Err(unexpected(&left.token));
    }
    Ok(statements)
}

/// The error for a token where it cannot stand: q names the token (`')`, `']`).
fn unexpected(token: &Token) -> QError {
    QError::new(match token {
        Token::RightParen => ")",
        Token::RightBracket => "]",
        Token::RightBrace(_) => "}",
        Token::LeftBracket => "[",
        Token::LeftParen => "(",
        Token::LeftBrace(_) => "{",
        Token::Separator => ";",
        Token::Verb(g) | Token::VerbColon(g) | Token::Adverb(g) => g,
        Token::Name(n) => n,
        _ => "parse",
    })
}

/// One expression's tree, as q's `parse` gives it (several statements: the last).
pub fn parse(text: &[u8]) -> QResult<Value> {
    let statements = parse_statements(text, Symbol::empty())?;
    Ok(statements
        .into_iter()
        .last()
        .flatten()
        .unwrap_or(Value::IDENTITY))
}

/// A parsed lambda: its parameters and body statements.
#[derive(Debug)]
pub struct LambdaBody {
    pub params: Vec<Symbol>,
    /// Statements; `None` for an empty one (a body ending in `;` returns `::`).
    pub statements: Vec<Option<Value>>,
}

/// Parses a lambda's source text (braces included).
pub fn parse_lambda(source: &[u8], context: Symbol) -> QResult<LambdaBody> {
    parse_lambda_at(source, context, 0)
}

/// `parse_lambda` for a lambda written `depth` levels deep (counted against
/// `MAX_NESTING`, as brackets are).
fn parse_lambda_at(source: &[u8], context: Symbol, depth: usize) -> QResult<LambdaBody> {
    let inner = source
        .strip_prefix(b"{")
        .and_then(|s| s.strip_suffix(b"}"))
        .ok_or_else(QError::parse)?;
    let tokens = tokenize(inner)?;
    let mut parser = Parser {
        text: inner,
        tokens,
        pos: 0,
        depth,
        context,
    };
    let explicit = if parser.peek() == Some(&Token::LeftBracket) {
        parser.pos += 1;
        let mut params = Vec::new();
        loop {
            match parser.next() {
                Some(Token::Name(name)) => params.push(Symbol::new(name)),
                Some(Token::RightBracket) if params.is_empty() => break,
                _ => return Err(QError::parse()),
            }
            match parser.next() {
                Some(Token::Separator) => continue,
                Some(Token::RightBracket) => break,
                _ => return Err(QError::parse()),
            }
        }
        Some(params)
    } else {
        None
    };
    let statements = parser.statements()?;
    if let Some(left) = parser.tokens.get(parser.pos) {
        return Err(unexpected(&left.token));
    }
    let params = match explicit {
        Some(params) => {
            if params.len() > 8 {
                return Err(QError::new("params"));
            }
            params
        }
        None => implicit_params(&parser.tokens),
    };
    Ok(LambdaBody { params, statements })
}

/// `x`, `y`, `z` as a lambda without a parameter list uses them: the highest of them
/// that appears (outside nested lambdas) sets how many; `x` at least.
fn implicit_params(tokens: &[Lexeme]) -> Vec<Symbol> {
    let mut depth = 0usize;
    let mut highest = 1;
    for lexeme in tokens {
        match &lexeme.token {
            Token::LeftBrace(_) => depth += 1,
            Token::RightBrace(_) => depth = depth.saturating_sub(1),
            Token::Name(name) if depth == 0 => match name.as_str() {
                "y" => highest = highest.max(2),
                "z" => highest = highest.max(3),
                _ => {}
            },
            _ => {}
        }
    }
    ["x", "y", "z"][..highest].iter().map(Symbol::new).collect()
}

/// One piece of an expression before the right-to-left combination.
#[derive(Clone, Debug)]
enum Item {
    Noun(Value),
    /// A verb: its value taking two arguments, and its unary form (the same value for a
    /// derived function or a binary keyword).
    Verb {
        dyadic: Value,
        monadic: Value,
    },
    /// `+:` and the like: compound assignment after a noun, the unary form otherwise.
    VerbColon(u8),
    /// `::`: global assignment after a noun, the generic null otherwise.
    DoubleColon,
    /// `'` with nothing before it: signal.
    Signal,
}

struct Parser<'a> {
    text: &'a [u8],
    tokens: Vec<Lexeme>,
    pos: usize,
    depth: usize,
    context: Symbol,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|l| &l.token)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).map(|l| l.token.clone());
        self.pos += 1;
        token
    }

    fn enter(&mut self) -> QResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(QError::new("nesting"));
        }
        Ok(())
    }

    /// Statements up to a closing token or the end (not consumed).
    fn statements(&mut self) -> QResult<Vec<Option<Value>>> {
        let mut statements = vec![self.expression()?];
        while self.peek() == Some(&Token::Separator) {
            self.pos += 1;
            statements.push(self.expression()?);
        }
        Ok(statements)
    }

    /// One expression, up to a separator or closing token; `None` if empty.
    fn expression(&mut self) -> QResult<Option<Value>> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None
                | Some(Token::Separator)
                | Some(Token::RightParen)
                | Some(Token::RightBracket)
                | Some(Token::RightBrace(_)) => break,
                _ => {
                    if items.len() == MAX_ITEMS {
                        return Err(QError::new("nesting"));
                    }
                    items.push(self.item()?)
                }
            }
        }
        combine(items)
    }

    /// A primary with its postfix brackets and iterators.
    fn item(&mut self) -> QResult<Item> {
        let token = self.next().ok_or_else(QError::parse)?;
        let mut item = match token {
            Token::Numbers(words) => Item::Noun(strand(&words)?),
            Token::Chars(bytes) => Item::Noun(match bytes.as_slice() {
                [c] => Value::Char(*c),
                _ => Value::CharVector(Vector::from(bytes)),
            }),
            Token::Symbols(symbols) => {
                let symbols: Vec<Symbol> = symbols.iter().map(Symbol::new).collect();
                Item::Noun(if symbols.len() == 1 {
                    Value::SymbolVector(Vector::from(symbols))
                } else {
                    enlist(Value::SymbolVector(Vector::from(symbols)))
                })
            }
            Token::Name(name) => name_item(&name),
            Token::Verb(glyph) => match glyph.as_str() {
                "::" => Item::DoubleColon,
                glyph => {
                    let index = verbs::glyph_index(glyph).ok_or_else(QError::parse)?;
                    let dyadic = Value::Function(Function::BinaryPrimitive(index));
                    // `:x` is a return, `(:;x)`: the colon has no unary form of its own.
                    let monadic = if index == 0 {
                        dyadic.clone()
                    } else {
                        Value::Function(Function::UnaryPrimitive(index))
                    };
                    Item::Verb { dyadic, monadic }
                }
            },
            Token::VerbColon(glyph) => {
                Item::VerbColon(verbs::glyph_index(&glyph).ok_or_else(QError::parse)?)
            }
            Token::Adverb(glyph) if glyph == "'" => {
                if self.peek() == Some(&Token::LeftBracket) {
                    // '[f] is f' and '[f;g;...] composes f, g, ...
                    self.pos += 1;
                    let args = self.bracket_args()?;
                    let head = Value::Function(Function::Iterator(0));
                    let derived = apply_node(head, args);
                    Item::Verb {
                        dyadic: derived.clone(),
                        monadic: derived,
                    }
                } else {
                    Item::Signal
                }
            }
            Token::Adverb(_) => return Err(QError::parse()),
            Token::LeftParen => {
                self.enter()?;
                let statements = self.statements()?;
                match self.next() {
                    Some(Token::RightParen) => {}
                    Some(other) => return Err(unexpected(&other)),
                    None => return Err(QError::parse()),
                }
                self.depth -= 1;
                Item::Noun(paren(statements))
            }
            Token::LeftBrace(start) => Item::Noun(self.lambda(start)?),
            other @ (Token::LeftBracket
            | Token::RightParen
            | Token::RightBracket
            | Token::RightBrace(_)
            | Token::Separator) => return Err(unexpected(&other)),
        };
        // Postfix: brackets apply, iterators derive.
        loop {
            match self.peek() {
                Some(Token::LeftBracket) => {
                    self.pos += 1;
                    let args = self.bracket_args()?;
                    let head = match item {
                        Item::Noun(n) => n,
                        Item::Verb { dyadic, .. } => dyadic,
                        Item::VerbColon(i) => Value::Function(Function::UnaryPrimitive(i)),
                        Item::DoubleColon => Value::IDENTITY,
                        Item::Signal => return Err(QError::parse()),
                    };
                    item = Item::Noun(apply_node(head, args));
                }
                Some(Token::Adverb(glyph)) => {
                    let index = iterator_index(glyph).ok_or_else(QError::parse)?;
                    self.pos += 1;
                    let operand = match item {
                        Item::Noun(n) => n,
                        Item::Verb { dyadic, .. } => dyadic,
                        Item::VerbColon(i) => Value::Function(Function::UnaryPrimitive(i)),
                        Item::DoubleColon => Value::IDENTITY,
                        Item::Signal => return Err(QError::parse()),
                    };
                    let derived = derive(index, operand);
                    item = Item::Verb {
                        dyadic: derived.clone(),
                        monadic: derived,
                    };
                }
                _ => break,
            }
        }
        Ok(item)
    }

    /// Arguments inside `[...]` (the `[` consumed); an empty one is elided.
    fn bracket_args(&mut self) -> QResult<Vec<Value>> {
        self.enter()?;
        let statements = self.statements()?;
        match self.next() {
            Some(Token::RightBracket) => {}
            Some(other) => return Err(unexpected(&other)),
            None => return Err(QError::parse()),
        }
        self.depth -= 1;
        Ok(statements
            .into_iter()
            .map(|s| s.unwrap_or(ELIDED))
            .collect())
    }

    /// A lambda from `{` at `start` to its matching `}`: its source text, kept whole.
    fn lambda(&mut self, start: usize) -> QResult<Value> {
        let mut depth = 1;
        while depth > 0 {
            match self.next() {
                Some(Token::LeftBrace(_)) => depth += 1,
                Some(Token::RightBrace(end)) => {
                    depth -= 1;
                    if depth == 0 {
                        let source = &self.text[start..end];
                        // Checked now, as q does, so a syntax error shows where the lambda
                        // is written, not when it is first called.
                        self.enter()?;
                        parse_lambda_at(source, self.context, self.depth)?;
                        self.depth -= 1;
                        return Ok(Value::Function(Function::lambda(self.context, source)));
                    }
                }
                Some(_) => {}
                None => return Err(QError::parse()),
            }
        }
        Err(QError::parse())
    }
}

/// A name: a keyword's function, or a symbol to look up.
fn name_item(name: &str) -> Item {
    match verbs::keyword(name) {
        Some(verbs::Keyword::Binary(index)) => {
            let f = Value::Function(Function::BinaryPrimitive(index));
            Item::Verb {
                dyadic: f.clone(),
                monadic: f,
            }
        }
        Some(verbs::Keyword::Unary(index)) => {
            Item::Noun(Value::Function(Function::UnaryPrimitive(index)))
        }
        None => Item::Noun(Value::Symbol(Symbol::new(name))),
    }
}

/// What `(...)` holds: `()` the empty list, `(e)` the expression, `(a;b)` `enlist[a;b]`.
fn paren(statements: Vec<Option<Value>>) -> Value {
    match statements.as_slice() {
        [None] => Value::List(Vector::from(Vec::new())),
        [Some(e)] => e.clone(),
        _ => {
            let mut node = vec![Value::Function(Function::UnaryPrimitive(
                verbs::ENLIST_INDEX,
            ))];
            node.extend(statements.into_iter().map(|s| s.unwrap_or(ELIDED)));
            Value::List(Vector::from(node))
        }
    }
}

/// `(head; args...)`; `f[]` is `f` applied to `::`.
fn apply_node(head: Value, mut args: Vec<Value>) -> Value {
    if args.len() == 1 && args[0] == ELIDED {
        args[0] = Value::IDENTITY;
    }
    let mut node = Vec::with_capacity(args.len() + 1);
    node.push(head);
    node.extend(args);
    Value::List(Vector::from(node))
}

/// An iterator applied to its operand: the derived function itself when the operand is
/// a function constant, otherwise a node that derives it at run time.
fn derive(index: u8, operand: Value) -> Value {
    let adverb =
        qport_value::Adverb::from_type_number(qport_value::type_number::EACH + index as i8);
    match (&operand, adverb) {
        (Value::Function(_), Some(adverb)) => {
            Value::Function(Function::Derived(adverb, Arc::new(operand)))
        }
        _ => Value::List(Vector::from(vec![
            Value::Function(Function::Iterator(index)),
            operand,
        ])),
    }
}

/// Combines an expression's items right to left.
///
/// A verb missing its right argument leaves the expression open: a function (`2+`,
/// `count each`, a bare `+`). What stands to the left of an open function composes with
/// it rather than taking it as an argument: `sum s@` is sum of `s@`, `0|+` is `0|` of
/// `+` (`'[f;g]`, a composition).
fn combine(items: Vec<Item>) -> QResult<Option<Value>> {
    let mut right: Option<Value> = None;
    let mut open = false;
    let mut i = items.len();
    let node = |parts: Vec<Value>| Value::List(Vector::from(parts));
    let compose = |f: Value, g: Value| node(vec![Value::Function(Function::Iterator(0)), f, g]);
    let assigns = |v: &Value| matches!(v, Value::Function(Function::BinaryPrimitive(0)));
    while i > 0 {
        i -= 1;
        let left_noun = match i.checked_sub(1).map(|j| &items[j]) {
            Some(Item::Noun(n)) => Some(n.clone()),
            _ => None,
        };
        right = Some(match &items[i] {
            Item::Noun(n) => match right {
                Some(r) if open => compose(n.clone(), r),
                Some(r) => node(vec![n.clone(), r]),
                None => n.clone(),
            },
            Item::Verb { dyadic, monadic } => match (left_noun, right) {
                (Some(l), Some(r)) if open && !assigns(dyadic) => {
                    i -= 1;
                    compose(node(vec![dyadic.clone(), l]), r)
                }
                (Some(l), Some(r)) => {
                    i -= 1;
                    open = false;
                    node(vec![dyadic.clone(), l, r])
                }
                (Some(l), None) => {
                    i -= 1;
                    open = true;
                    node(vec![dyadic.clone(), l])
                }
                (None, Some(r)) => {
                    open = false;
                    // q has no prefix forms of its glyphs (k's `-x`, `,x`, `$x`): they
                    // are written with a colon (`-:x`) or by keyword (`neg x`).
                    if let Value::Function(Function::UnaryPrimitive(g)) = monadic {
                        if let Some(verb) = verbs::VERBS.get(*g as usize) {
                            if verb.kind == verbs::VerbKind::Glyph {
                                return Err(QError::new(verb.name));
                            }
                        }
                    }
                    node(vec![monadic.clone(), r])
                }
                (None, None) => {
                    open = true;
                    dyadic.clone()
                }
            },
            Item::VerbColon(index) => {
                open = false;
                let unary = Value::Function(Function::UnaryPrimitive(*index));
                match (left_noun, right) {
                    (Some(l), Some(r)) => {
                        i -= 1;
                        node(vec![unary, l, r])
                    }
                    (None, Some(r)) => node(vec![unary, r]),
                    (None, None) => unary,
                    (Some(_), None) => return Err(QError::parse()),
                }
            }
            Item::DoubleColon => {
                open = false;
                match (left_noun, right) {
                    (Some(l), Some(r)) => {
                        i -= 1;
                        node(vec![Value::IDENTITY, l, r])
                    }
                    (None, None) => Value::IDENTITY,
                    (None, Some(r)) => node(vec![Value::IDENTITY, r]),
                    // `x ::` is the identity applied to x: x.
                    (Some(l), None) => {
                        i -= 1;
                        node(vec![Value::IDENTITY, l])
                    }
                }
            }
            Item::Signal => {
                open = false;
                match right {
                    Some(r) => node(vec![Value::Function(Function::Iterator(0)), r]),
                    None => return Err(QError::parse()),
                }
            }
        });
    }
    Ok(right)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::one_line;

    fn tree(text: &str) -> String {
        one_line(&parse(text.as_bytes()).unwrap())
    }

    fn error(text: &str) -> String {
        parse_statements(text.as_bytes(), Symbol::empty())
            .unwrap_err()
            .text()
            .to_string()
    }

    #[test]
    fn trees_are_q_values_as_parse_gives_them() {
        assert_eq!(tree("x+1"), "(+;`x;1)");
        assert_eq!(tree("f x"), "(`f;`x)");
        assert_eq!(tree("a:1 2"), "(:;`a;1 2)");
        assert_eq!(tree("`a"), ",`a");
        assert_eq!(tree("-:x"), "(-:;`x)");
        assert_eq!(tree("neg x"), "(-:;`x)");
        assert_eq!(tree("f[x;]"), "(`f;`x;)");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = |open: &str, close: &str| open.repeat(10_000) + "1" + &close.repeat(10_000);
        assert_eq!(error(&deep("(", ")")), "nesting");
        assert_eq!(error(&deep("f[", "]")), "nesting");
        assert_eq!(error(&deep("{", "}")), "nesting");
        let long = vec!["1"; 5_000].join("+");
        assert_eq!(error(&long), "nesting");
        assert!(parse(vec!["1"; 1_000].join("+").as_bytes()).is_ok());
    }

    #[test]
    fn a_stray_token_is_named_in_the_error() {
        assert_eq!(error("1+)"), ")");
        assert_eq!(error("f[1)"), ")");
        assert_eq!(error("{)}"), ")");
        assert_eq!(error("(1;2]"), "]");
        // No prefix forms of glyphs in q.
        assert_eq!(error("$42"), "$");
        assert_eq!(error("+d"), "+");
        assert_eq!(error("x,,1"), ",");
    }
}
