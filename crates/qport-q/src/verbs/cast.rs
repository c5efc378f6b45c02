//! q's binary `$`: cast, tok and pad (and the float matrix product), chosen by the left
//! argument.
//!
//! - a lower-case type letter, a type name symbol or a positive short: cast
//!   (`"i"$1.5`, `` `date$p ``, `6h$x`); `` `year`mm`dd`week`hh`uu`ss `` take a part of
//!   a temporal;
//! - an upper-case letter, a negative short or the empty symbol: tok, text read as a
//!   value (`"I"$"42"`, `` `$"abc" ``);
//! - `"*"` or `0h`: the right argument unchanged;
//! - an int or long: pad (`5$"abc"`);
//! - a float vector or matrix: the matrix product;
//! - a list of any of these: each item with the matching item of the right argument (or
//!   with all of it, when that is not a list).
//!
//! Cast is atomic: typed vectors become typed vectors, general lists are cast item by
//! item, dictionaries by value and tables by column. Tok and pad stop at strings.
//!
//! A symbol that names no type is an enumeration (`` `sym$`a`b ``), which needs the
//! variable it names: the interpreter resolves that before coming here, and what reaches
//! this module is an undefined name (q's `'name`).

#[path = "cast_mmu.rs"]
mod mmu;
#[path = "cast_number.rs"]
mod number;
#[path = "cast_pad.rs"]
mod pad;
#[path = "cast_temporal.rs"]
mod temporal;
#[path = "cast_tok.rs"]
mod tok;

use qport_value::{Dict, KeyedTable, Symbol, Table, Value, Vector};

use crate::error::{QError, QResult};
use crate::items::{count, empty_of, enlist, from_items, is_list, item, to_items};

use temporal::Part;

/// What the left argument of `$` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spec {
    /// `"*"`, `0h`: `y` itself.
    Identity,
    /// A cast to vector type 1–19.
    Cast(i8),
    /// Tok to vector type 1–19.
    Tok(i8),
    /// A part of a temporal.
    Part(Part),
}

/// q's `x$y`: cast, tok, pad or matrix product, by the type of `x`.
pub fn cast(x: Value, y: Value) -> QResult {
    match &x {
        Value::Long(n) => pad::pad(*n, y),
        Value::Int(n) => pad::pad(i64::from(*n), y),
        x if mmu::is_matrix_operand(x) => mmu::mmu(x, &y),
        x if x.is_atom() => apply(spec(x)?, y),
        x if is_list(x) => each_left(x, y),
        _ => Err(QError::type_()),
    }
}

/// Whether a symbol left of `$` names a type or a part (else it is an enumeration's
/// domain): `boolean` … `time`, `year`, `mm`, `dd`, `week`, `hh`, `uu`, `ss`, and the
/// empty symbol (tok to symbol).
pub fn is_cast_name(name: &[u8]) -> bool {
    name.is_empty() || type_named(name).is_some() || Part::named(name).is_some()
}

/// A list left of `$`: each of its items with the matching item of `y`, or with `y`
/// whole when `y` is an atom, dictionary or table.
fn each_left(x: &Value, y: Value) -> QResult {
    let specs = to_items(x);
    let out = if is_list(&y) {
        if count(&y) != specs.len() {
            return Err(QError::length());
        }
        specs
            .into_iter()
            .enumerate()
            .map(|(i, s)| cast(s, item(&y, i)))
            .collect::<QResult<Vec<_>>>()?
    } else {
        specs
            .into_iter()
            .map(|s| cast(s, y.clone()))
            .collect::<QResult<Vec<_>>>()?
    };
    Ok(from_items(out))
}

/// The vector type a type name denotes.
fn type_named(name: &[u8]) -> Option<i8> {
    Some(match name {
        b"boolean" => 1,
        b"guid" => 2,
        b"byte" => 4,
        b"short" => 5,
        b"int" => 6,
        b"long" => 7,
        b"real" => 8,
        b"float" => 9,
        b"char" => 10,
        b"symbol" => 11,
        b"timestamp" => 12,
        b"month" => 13,
        b"date" => 14,
        b"datetime" => 15,
        b"timespan" => 16,
        b"minute" => 17,
        b"second" => 18,
        b"time" => 19,
        _ => return None,
    })
}

/// The vector type a type letter denotes (`b` 1 … `t` 19).
fn type_of_letter(letter: u8) -> Option<i8> {
    b"bg xhijefcspmdznuvt"
        .iter()
        .position(|&c| c == letter && c != b' ')
        .map(|i| i as i8 + 1)
}

/// What an atom left of `$` asks for.
fn spec(x: &Value) -> QResult<Spec> {
    match x {
        Value::Symbol(s) if s.is_empty() => Ok(Spec::Tok(11)),
        Value::Symbol(s) => {
            let name = s.as_bytes();
            if let Some(t) = type_named(name) {
                Ok(Spec::Cast(t))
            } else if let Some(p) = Part::named(name) {
                Ok(Spec::Part(p))
            } else {
                // An enumeration whose domain is not defined.
                Err(QError::new(s.to_str_lossy()))
            }
        }
        Value::Char(b'*') => Ok(Spec::Identity),
        Value::Char(c) => {
            if let Some(t) = type_of_letter(*c) {
                Ok(Spec::Cast(t))
            } else if let Some(t) = type_of_letter(c.to_ascii_lowercase()) {
                Ok(Spec::Tok(t))
            } else {
                Err(QError::type_())
            }
        }
        Value::Short(0) => Ok(Spec::Identity),
        Value::Short(h) if (1..=19).contains(h) && *h != 3 => Ok(Spec::Cast(*h as i8)),
        Value::Short(h) if (-19..=-1).contains(h) && *h != -3 => Ok(Spec::Tok(-*h as i8)),
        _ => Err(QError::type_()),
    }
}

fn apply(spec: Spec, y: Value) -> QResult {
    match spec {
        Spec::Identity => Ok(y),
        Spec::Cast(t) => cast_to(t, y),
        Spec::Tok(t) => tok_to(t, y),
        Spec::Part(p) => part_of(p, y),
    }
}

/// `f` applied to the values of a dictionary, the columns of a table, or the value
/// columns of a keyed table.
pub(crate) fn over_values(y: Value, f: &dyn Fn(Value) -> QResult) -> QResult {
    match y {
        Value::Dict(d) => Ok(Value::dict(Dict {
            keys: d.keys.clone(),
            values: f(d.values.clone())?,
            sorted: d.sorted,
        })),
        Value::Table(t) => Ok(Value::table(over_columns(&t, f)?)),
        Value::KeyedTable(k) => {
            let value = over_columns(&k.value, f)?;
            let keyed = KeyedTable::new(k.key.clone(), value)
                .map_err(|e| QError::new(e.q_text()))?
                .sorted(k.sorted);
            Ok(Value::keyed_table(keyed))
        }
        _ => Err(QError::type_()),
    }
}

fn over_columns(t: &Table, f: &dyn Fn(Value) -> QResult) -> QResult<Table> {
    let columns = t
        .columns()
        .iter()
        .map(|c| f(c.clone()))
        .collect::<QResult<Vec<_>>>()?;
    Table::new(t.names().clone(), columns)
        .map(|table| table.with_attribute(t.attribute))
        .map_err(|e| QError::new(e.q_text()))
}

fn is_keyed(y: &Value) -> bool {
    matches!(y, Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_))
}

/// A general list's items each through `f`: a typed vector when they come back uniform
/// atoms; an empty list becomes an empty list of type `t`.
fn over_items(t: i8, items: &Vector<Value>, f: &dyn Fn(Value) -> QResult) -> QResult {
    if items.is_empty() {
        return Ok(empty_of(t));
    }
    let out = items
        .iter()
        .map(|v| f(v.clone()))
        .collect::<QResult<Vec<_>>>()?;
    Ok(from_items(out))
}

/// An atom as a one-item vector through `f`, and back to an atom.
fn via_vector(y: Value, f: impl FnOnce(&Value) -> QResult) -> QResult {
    Ok(item(&f(&enlist(y))?, 0))
}

/// Cast to vector type `t`, atomically.
fn cast_to(t: i8, y: Value) -> QResult {
    match y {
        y if is_keyed(&y) => over_values(y, &|v| cast_to(t, v)),
        Value::List(items) => over_items(t, &items, &|v| cast_to(t, v)),
        // A string is one symbol, as with tok.
        Value::CharVector(s) if t == 11 => Ok(tok::tok(11, &s)),
        y if y.is_atom() => via_vector(y, |v| cast_vector(t, v)),
        y if is_list(&y) => cast_vector(t, &y),
        _ => Err(QError::type_()),
    }
}

/// A typed vector cast to vector type `t`.
fn cast_vector(t: i8, y: &Value) -> QResult {
    let source = y.type_number();
    if source == t {
        return Ok(y.clone());
    }
    let numeric = |s: i8| matches!(s, 1 | 4..=9);
    let temporal = |s: i8| (12..=19).contains(&s);
    let converted = match t {
        // Chars to symbols one by one (a whole string went to tok before).
        11 => match y {
            Value::CharVector(s) => Some(Value::SymbolVector(
                s.iter().map(|&c| Symbol::new([c])).collect(),
            )),
            _ => None,
        },
        1 | 4..=9 if numeric(source) || temporal(source) || source == 10 => number::by_number(t, y),
        10 if numeric(source) => number::by_number(t, y),
        12..=19 if temporal(source) => temporal::between(t, y)?,
        12..=19 if numeric(source) => number::by_number(t, y),
        _ => None,
    };
    converted.ok_or_else(QError::type_)
}

/// Tok to vector type `t`: each string in `y` read as an atom.
fn tok_to(t: i8, y: Value) -> QResult {
    match y {
        Value::CharVector(s) => Ok(tok::tok(t, &s)),
        Value::Char(c) => Ok(tok::tok(t, &[c])),
        // Symbols are already symbols.
        y @ (Value::Symbol(_) | Value::SymbolVector(_)) if t == 11 => Ok(y),
        Value::List(items) => over_items(t, &items, &|v| tok_to(t, v)),
        y if is_keyed(&y) => over_values(y, &|v| tok_to(t, v)),
        _ => Err(QError::type_()),
    }
}

/// A part of each temporal in `y`.
fn part_of(p: Part, y: Value) -> QResult {
    match y {
        y if is_keyed(&y) => over_values(y, &|v| part_of(p, v)),
        Value::List(items) => {
            let t = if p == Part::Week { 14 } else { 6 };
            over_items(t, &items, &|v| part_of(p, v))
        }
        y if y.is_atom() => via_vector(y, |v| temporal::part(p, v)),
        y if is_list(&y) => temporal::part(p, &y),
        _ => Err(QError::type_()),
    }
}

#[cfg(test)]
#[path = "cast_tests.rs"]
mod tests;
