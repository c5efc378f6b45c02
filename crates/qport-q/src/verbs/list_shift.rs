//! Items moved along a list: `fills` (nulls replaced by the last non-null before them),
//! `prev` and `next` (each item's neighbour, the list's null at the open end).
//!
//! A dictionary applies to its values, a table to each column.

use std::sync::Arc;

use qport_value::null::*;
use qport_value::{Symbol, Value, Vector};

use super::list_index::{make_dict, map_columns, null_item};
use super::list_match::Key;
use crate::error::{QError, QResult};
use crate::items::{from_items, item};

/// Applies `f` to a dictionary's values or each column of a table; `None` for a list.
fn through(x: &Value, f: fn(Value) -> QResult) -> Option<QResult> {
    match x {
        Value::Dict(d) => Some(f(d.values.clone()).and_then(|v| make_dict(d.keys.clone(), v))),
        Value::Table(t) => {
            Some(map_columns(t, |c| f(c.clone())).map(|t| Value::Table(Arc::new(t))))
        }
        _ => None,
    }
}

/// Replaces each null with the last non-null before it.
fn fill_forward<T: Key>(s: &mut [T], null: T) {
    let null = null.key();
    let mut last: Option<T> = None;
    for e in s.iter_mut() {
        if e.key() == null {
            if let Some(l) = last {
                *e = l;
            }
        } else {
            last = Some(*e);
        }
    }
}

/// `fills x`: each null replaced by the nearest non-null before it (leading nulls stay).
pub fn fills(x: Value) -> QResult {
    if let Some(r) = through(&x, fills) {
        return r;
    }
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            // Booleans have no null: their arm comes first and shadows the generic one.
            #[allow(unreachable_patterns)]
            match x {
                Value::BoolVector(v) => Ok(Value::BoolVector(v)),
                $(Value::$vector(mut v) => {
                    v.set_attribute(qport_value::Attribute::None);
                    fill_forward(v.make_mut(), null_item!($atom));
                    Ok(Value::$vector(v))
                })*
                Value::List(v) => {
                    let mut items = v.to_vec();
                    let mut last: Option<Value> = None;
                    for e in items.iter_mut() {
                        if e.is_atom() && is_null_atom(e) {
                            if let Some(l) = &last {
                                *e = l.clone();
                            }
                        } else {
                            last = Some(e.clone());
                        }
                    }
                    Ok(from_items(items))
                }
                x => Ok(x),
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// Whether an atom is its type's null.
fn is_null_atom(x: &Value) -> bool {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            // Booleans have no null: their arm shadows the generic one.
            #[allow(unreachable_patterns)]
            match x {
                Value::Bool(_) => false,
                $(Value::$atom(e) => e.key() == null_item!($atom).key(),)*
                _ => false,
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// Items shifted one place: `prev` toward the back (the null enters at the front),
/// `next` toward the front (the null enters at the back).
fn shift(x: Value, toward_back: bool) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match &x {
                $(Value::$vector(v) => {
                    let s = v.as_slice();
                    let null: $item = null_item!($atom);
                    let mut out: Vec<$item> = Vec::with_capacity(s.len());
                    if !s.is_empty() {
                        if toward_back {
                            out.push(null);
                            out.extend_from_slice(&s[..s.len() - 1]);
                        } else {
                            out.extend_from_slice(&s[1..]);
                            out.push(null);
                        }
                    }
                    Ok(Value::$vector(Vector::from(out)))
                })*
                Value::List(v) => {
                    if v.is_empty() {
                        return Ok(x.clone());
                    }
                    let null = item(&x, usize::MAX);
                    let mut out = Vec::with_capacity(v.len());
                    if toward_back {
                        out.push(null);
                        out.extend_from_slice(&v[..v.len() - 1]);
                    } else {
                        out.extend_from_slice(&v[1..]);
                        out.push(null);
                    }
                    Ok(Value::List(Vector::from(out)))
                }
                _ => Err(QError::rank()),
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// `prev x`: each item's predecessor; the first is the list's null.
pub fn prev(x: Value) -> QResult {
    if let Some(r) = through(&x, prev) {
        return r;
    }
    shift(x, true)
}

/// `next x`: each item's successor; the last is the list's null.
pub fn next(x: Value) -> QResult {
    if let Some(r) = through(&x, next) {
        return r;
    }
    shift(x, false)
}

#[cfg(test)]
mod tests {
    use crate::verbs::list::list_testkit::check;

    #[test]
    fn fills_forward() {
        check("fills 0N 2 3 0N 0N 7 0N", "0N 2 3 3 3 7 7");
        check("fills 0n 1.5 0n", "0n 1.5 1.5");
        check("fills `a``b``", "`a`a`b`b`b");
        check("fills \"a  b \"", "\"aaabb\"");
        check("fills 1 0N 2i", "1 1 2i");
        check("fills 010b", "010b");
        check("fills (1;0N;`a;`)", "(1;1;`a;`a)");
        check("fills `a`b!0N 1", "`a`b!0N 1");
        check("fills `a`b`c!1 0N 2", "`a`b`c!1 1 2");
        check(
            "fills flip `a`b!(1 0N 3;0n 2 0n)",
            "flip `a`b!(1 1 3;0n 2 2f)",
        );
    }

    #[test]
    fn prev_and_next() {
        check("next 2 3 5 7 11", "3 5 7 11 0N");
        check("prev 2 3 5 7 11", "0N 2 3 5 7");
        check("next (1 2;\"abc\";`ibm)", "(\"abc\";`ibm;`long$())");
        check("prev (1 2;\"abc\";`ibm)", "(`long$();1 2;\"abc\")");
        check("prev \"abcde\"", "\" abcd\"");
        check("next `a`b", "`b`");
        check("prev `long$()", "`long$()");
        check("prev flip `a`b!(1 2;`x`y)", "flip `a`b!(0N 1;``x)");
    }
}
