//! The verb table: every primitive (glyph or keyword) with its unary and binary forms.
//!
//! One row per primitive drives the parser (which names are keywords, and which of those
//! sit between two arguments), application, and how a primitive displays. Function values
//! refer to rows by index: `Function::UnaryPrimitive(i)` is row i's unary form,
//! `Function::BinaryPrimitive(i)` its binary form. Rows 0–19 are kdb+'s glyphs in kdb+'s
//! order, so those indexes mean the same on the wire.
//!
//! Families, one file each:
//! - [`arith`]: `+ - * % & |` and `neg abs div mod xexp ...`, with atomic extension and
//!   kdb+'s type promotion; [`compare`]: `= < > <= >= <> ~`; [`math`]: aggregations and
//!   the numeric library (`sum avg sums deltas sqrt ...`).
//! - [`list`]: `til count first # _ , ? reverse distinct where group ...` and indexing.
//! - [`cast`]: `$` (cast, tok, pad); `string` is with the formatter.
//! - [`defined`]: keywords defined in q itself (`xprev`, `xrank`); [`io`]: `1:` on
//!   bytes and files.
//!
//! Rows whose behaviour needs the interpreter (`each`, `over`, `value`, `@` and `.`
//! applying functions, ...) have no function here: the evaluator handles them by index.

pub mod arith;
pub mod cast;
pub mod compare;
pub mod defined;
pub mod io;
pub mod list;
pub mod math;

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use qport_value::{Function, Value};

use crate::error::QResult;

/// A primitive's unary form.
pub type Monad = fn(Value) -> QResult;
/// A primitive's binary form.
pub type Dyad = fn(Value, Value) -> QResult;

/// One primitive.
pub struct Verb {
    /// The glyph or keyword it is written as.
    pub name: &'static str,
    /// How it is written and used.
    pub kind: VerbKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerbKind {
    /// A glyph: binary between nouns, unary (`-x`, `-:`) before one.
    Glyph,
    /// A keyword taking one argument, written before it (`til 5`).
    UnaryKeyword,
    /// A keyword written between two arguments (`7 mod 3`).
    BinaryKeyword,
}

/// A keyword as the parser sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    Unary(u8),
    Binary(u8),
}

/// The row of `enlist`, which takes any number of arguments (`(a;b)` is `enlist[a;b]`).
pub const ENLIST_INDEX: u8 = 23;

/// The index of the elided-argument marker (`f[;1]`); no row.
pub const ELIDED_INDEX: u8 = 0xFF;

const fn glyph(name: &'static str) -> Verb {
    Verb {
        name,
        kind: VerbKind::Glyph,
    }
}

const fn unary(name: &'static str) -> Verb {
    Verb {
        name,
        kind: VerbKind::UnaryKeyword,
    }
}

const fn binary(name: &'static str) -> Verb {
    Verb {
        name,
        kind: VerbKind::BinaryKeyword,
    }
}

/// Every primitive, by index.
pub static VERBS: &[Verb] = &[
    // 0–19: kdb+'s glyphs, in kdb+'s order.
    glyph(":"),
    glyph("+"),
    glyph("-"),
    glyph("*"),
    glyph("%"),
    glyph("&"),
    glyph("|"),
    glyph("^"),
    glyph("="),
    glyph("<"),
    glyph(">"),
    glyph("$"),
    glyph(","),
    glyph("#"),
    glyph("_"),
    glyph("~"),
    glyph("!"),
    glyph("?"),
    glyph("@"),
    glyph("."),
    // 20–22: two-character comparisons.
    glyph("<="),
    glyph(">="),
    glyph("<>"),
    // 23 on: keywords.
    unary("enlist"),
    unary("til"),
    unary("count"),
    unary("first"),
    unary("last"),
    unary("neg"),
    unary("abs"),
    unary("not"),
    unary("null"),
    unary("reciprocal"),
    unary("floor"),
    unary("ceiling"),
    unary("signum"),
    unary("sqrt"),
    unary("exp"),
    unary("log"),
    unary("sin"),
    unary("cos"),
    unary("tan"),
    unary("asin"),
    unary("acos"),
    unary("atan"),
    unary("sum"),
    unary("prd"),
    unary("min"),
    unary("max"),
    unary("avg"),
    unary("sums"),
    unary("prds"),
    unary("mins"),
    unary("maxs"),
    unary("avgs"),
    unary("deltas"),
    unary("ratios"),
    unary("med"),
    unary("var"),
    unary("dev"),
    unary("sdev"),
    unary("svar"),
    unary("all"),
    unary("any"),
    unary("distinct"),
    unary("where"),
    unary("group"),
    unary("asc"),
    unary("desc"),
    unary("iasc"),
    unary("idesc"),
    unary("reverse"),
    unary("raze"),
    unary("flip"),
    unary("key"),
    unary("value"),
    unary("type"),
    unary("string"),
    unary("fills"),
    unary("differ"),
    unary("prev"),
    unary("next"),
    unary("rank"),
    unary("lower"),
    unary("upper"),
    unary("trim"),
    unary("ltrim"),
    unary("rtrim"),
    unary("show"),
    unary("parse"),
    unary("eval"),
    unary("get"),
    unary("system"),
    unary(".Q.s"),
    unary(".Q.s1"),
    binary("and"),
    binary("or"),
    binary("div"),
    binary("mod"),
    binary("xexp"),
    binary("xlog"),
    binary("in"),
    binary("within"),
    binary("except"),
    binary("inter"),
    binary("union"),
    binary("rotate"),
    binary("cross"),
    binary("sublist"),
    binary("bin"),
    binary("binr"),
    binary("wsum"),
    binary("wavg"),
    binary("cor"),
    binary("scov"),
    binary("cov"),
    binary("each"),
    binary("over"),
    binary("scan"),
    binary("prior"),
    binary("peach"),
    binary("xbar"),
    binary("mavg"),
    binary("msum"),
    binary("mmin"),
    binary("mmax"),
    binary("mcount"),
    binary("mdev"),
    binary("ema"),
    binary("like"),
    binary("ss"),
    binary("vs"),
    binary("sv"),
    binary("cut"),
    binary("xprev"),
    binary("xrank"),
    glyph("0:"),
    glyph("1:"),
    glyph("2:"),
];

/// Each row's functions, found once by name in the families (a table of function
/// pointers, so applying a primitive costs an index, not a name lookup).
struct Resolved {
    monad: Option<Monad>,
    dyad: Option<Dyad>,
}

fn resolved() -> &'static [Resolved] {
    static RESOLVED: OnceLock<Vec<Resolved>> = OnceLock::new();
    RESOLVED.get_or_init(|| {
        VERBS
            .iter()
            .map(|verb| Resolved {
                monad: match verb.kind {
                    VerbKind::BinaryKeyword => None,
                    _ => monad_named(verb.name),
                },
                dyad: match verb.kind {
                    VerbKind::UnaryKeyword => None,
                    _ => dyad_named(verb.name),
                },
            })
            .collect()
    })
}

/// Row `i`'s unary form, where a family implements it.
pub fn monad(i: u8) -> Option<Monad> {
    resolved().get(i as usize)?.monad
}

/// Row `i`'s binary form, where a family implements it.
pub fn dyad(i: u8) -> Option<Dyad> {
    resolved().get(i as usize)?.dyad
}

/// The unary form of a glyph or keyword, from the family that implements it.
fn monad_named(name: &str) -> Option<Monad> {
    list::monad_for(name).or_else(|| family_monad(name))
}

fn family_monad(name: &str) -> Option<Monad> {
    Some(match name {
        "$" | "string" => crate::format::string,
        "-" | "neg" => arith::neg,
        "%" | "reciprocal" => arith::reciprocal,
        "^" | "null" => arith::null,
        "_" | "floor" => arith::floor,
        "~" | "not" => arith::not,
        "abs" => arith::abs,
        "signum" => arith::signum,
        "ceiling" => arith::ceiling,
        "sqrt" => arith::sqrt,
        "exp" => arith::exp,
        "log" => arith::log,
        "sin" => arith::sin,
        "cos" => arith::cos,
        "tan" => arith::tan,
        "asin" => arith::asin,
        "acos" => arith::acos,
        "atan" => arith::atan,
        "sum" => math::sum,
        "prd" => math::prd,
        "min" => math::min,
        "max" => math::max,
        "avg" => math::avg,
        "all" => math::all,
        "any" => math::any,
        "sums" => math::sums,
        "prds" => math::prds,
        "mins" => math::mins,
        "maxs" => math::maxs,
        "avgs" => math::avgs,
        "deltas" => math::deltas,
        "ratios" => math::ratios,
        "med" => math::med,
        "var" => math::var,
        "dev" => math::dev,
        "sdev" => math::sdev,
        "svar" => math::svar,
        _ => return None,
    })
}

/// The binary form of a glyph or keyword, from the family that implements it.
fn dyad_named(name: &str) -> Option<Dyad> {
    list::dyad_for(name).or_else(|| family_dyad(name))
}

fn family_dyad(name: &str) -> Option<Dyad> {
    Some(match name {
        ":" => right,
        "$" => cast::cast,
        "1:" => io::read_binary,
        "+" => arith::add,
        "-" => arith::subtract,
        "*" => arith::multiply,
        "%" => arith::divide,
        "&" | "and" => arith::min2,
        "|" | "or" => arith::max2,
        "^" => arith::fill,
        "div" => arith::div,
        "mod" => arith::mod_,
        "xexp" => arith::xexp,
        "xlog" => arith::xlog,
        "xbar" => arith::xbar,
        "=" => compare::equal,
        "<>" => compare::not_equal,
        "<" => compare::less,
        ">" => compare::greater,
        "<=" => compare::less_equal,
        ">=" => compare::greater_equal,
        "~" => compare::match_,
        "wsum" => math::wsum,
        "wavg" => math::wavg,
        "cor" => math::cor,
        "cov" => math::cov,
        "scov" => math::scov,
        "mavg" => math::mavg,
        "msum" => math::msum,
        "mmin" => math::mmin,
        "mmax" => math::mmax,
        "mcount" => math::mcount,
        "mdev" => math::mdev,
        "ema" => math::ema,
        _ => return None,
    })
}

/// `:` as a function of two arguments gives the second (`(:)[1;2]` is 2).
fn right(_: Value, y: Value) -> QResult {
    Ok(y)
}

/// The row of `,` (kdb+'s glyph order).
pub const JOIN_INDEX: u8 = 12;

/// Row indexes by name.
type RowsByName = FxHashMap<&'static str, u8>;

/// Rows by name, glyphs and keywords apart, made once: the parser looks up every name
/// and glyph it reads, and assignment checks every name it stores.
fn rows_by_name() -> &'static (RowsByName, RowsByName) {
    static ROWS: OnceLock<(RowsByName, RowsByName)> = OnceLock::new();
    ROWS.get_or_init(|| {
        let (mut glyphs, mut keywords) = (FxHashMap::default(), FxHashMap::default());
        for (i, verb) in VERBS.iter().enumerate() {
            let rows = match verb.kind {
                VerbKind::Glyph => &mut glyphs,
                _ => &mut keywords,
            };
            rows.entry(verb.name).or_insert(i as u8);
        }
        (glyphs, keywords)
    })
}

/// The row of a glyph.
pub fn glyph_index(glyph: &str) -> Option<u8> {
    rows_by_name().0.get(glyph).copied()
}

/// The row of a keyword, and how it is used.
pub fn keyword(name: &str) -> Option<Keyword> {
    let index = *rows_by_name().1.get(name)?;
    Some(match VERBS[index as usize].kind {
        VerbKind::BinaryKeyword => Keyword::Binary(index),
        _ => Keyword::Unary(index),
    })
}

/// The index of an iterator glyph: `'` 0, `/` 1, `\` 2, `':` 3, `/:` 4, `\:` 5.
pub fn iterator_index(glyph: &str) -> Option<u8> {
    ["'", "/", "\\", "':", "/:", "\\:"]
        .iter()
        .position(|g| *g == glyph)
        .map(|i| i as u8)
}

/// The glyph of an iterator index.
pub fn iterator_glyph(index: u8) -> &'static str {
    ["'", "/", "\\", "':", "/:", "\\:"]
        .get(index as usize)
        .copied()
        .unwrap_or("'")
}

/// How q displays a primitive function: a binary glyph as itself (`+`), a unary glyph
/// with a colon (`-:`), a keyword by name; `::` for the generic null.
pub fn primitive_name(function: &Function) -> Option<String> {
    match function {
        Function::UnaryPrimitive(0) => Some("::".into()),
        Function::UnaryPrimitive(ELIDED_INDEX) => Some(String::new()),
        Function::UnaryPrimitive(i) => {
            let verb = VERBS.get(*i as usize)?;
            Some(match verb.kind {
                VerbKind::Glyph => format!("{}:", verb.name),
                _ => k_form(verb.name).unwrap_or(verb.name).to_string(),
            })
        }
        Function::BinaryPrimitive(i) => Some(VERBS.get(*i as usize)?.name.to_string()),
        Function::Iterator(i) => Some(iterator_glyph(*i).to_string()),
        _ => None,
    }
}

/// How q displays the keywords that are k primitives: `type` is `@:`, `sums` is `+\`.
fn k_form(keyword: &str) -> Option<&'static str> {
    Some(match keyword {
        "flip" => "+:",
        "neg" => "-:",
        "first" => "*:",
        "reciprocal" => "%:",
        "where" => "&:",
        "reverse" => "|:",
        "null" => "^:",
        "group" => "=:",
        "iasc" => "<:",
        "idesc" => ">:",
        "string" => "$:",
        "count" => "#:",
        "floor" => "_:",
        "not" => "~:",
        "key" => "!:",
        "distinct" => "?:",
        "type" => "@:",
        "value" => ".:",
        "sums" => "+\\",
        "prds" => "*\\",
        "maxs" => "|\\",
        "mins" => "&\\",
        "deltas" => "-':",
        _ => return None,
    })
}

/// `.q`: every keyword and the function it names.
pub fn keyword_dictionary() -> Value {
    let (names, functions): (Vec<_>, Vec<_>) = VERBS
        .iter()
        .enumerate()
        .filter(|(_, v)| v.kind != VerbKind::Glyph && !v.name.starts_with('.'))
        .map(|(i, v)| (qport_value::Symbol::new(v.name), function_of(i as u8)))
        .unzip();
    match qport_value::Dict::new(
        Value::SymbolVector(qport_value::Vector::from(names)),
        Value::List(qport_value::Vector::from(functions)),
    ) {
        Ok(d) => Value::Dict(std::sync::Arc::new(d)),
        Err(_) => Value::IDENTITY,
    }
}

/// The function value a keyword or glyph names, as written alone.
pub fn function_of(index: u8) -> Value {
    match VERBS[index as usize].kind {
        VerbKind::UnaryKeyword => Value::Function(Function::UnaryPrimitive(index)),
        _ => Value::Function(Function::BinaryPrimitive(index)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rows_are_where_the_table_has_them() {
        assert_eq!(glyph_index(","), Some(JOIN_INDEX));
        assert_eq!(keyword("enlist"), Some(Keyword::Unary(ENLIST_INDEX)));
        assert_eq!(
            keyword("mod").map(|k| matches!(k, Keyword::Binary(_))),
            Some(true)
        );
        assert_eq!(glyph_index("til"), None);
    }
}
