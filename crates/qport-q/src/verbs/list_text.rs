//! Case and trimming: `lower`, `upper` (chars and symbols, ASCII letters only, as kdb+),
//! `trim`, `ltrim`, `rtrim` (leading and trailing nulls of a simple list: blanks of a
//! string).

use std::sync::Arc;

use qport_value::null::*;
use qport_value::{Symbol, Table, Value, Vector};

use super::list_index::{make_dict, null_item, value_error};
use super::list_match::Key;
use crate::error::{QError, QResult};
use crate::items::from_items;

fn map_case(x: Value, f: fn(u8) -> u8) -> QResult {
    match x {
        Value::Char(c) => Ok(Value::Char(f(c))),
        Value::CharVector(mut v) => {
            for c in v.make_mut() {
                *c = f(*c);
            }
            Ok(Value::CharVector(v))
        }
        Value::Symbol(s) => Ok(Value::Symbol(map_symbol(s, f))),
        Value::SymbolVector(v) => Ok(Value::SymbolVector(
            v.iter().map(|&s| map_symbol(s, f)).collect(),
        )),
        Value::List(v) => {
            let out = v
                .iter()
                .map(|e| map_case(e.clone(), f))
                .collect::<QResult<Vec<_>>>()?;
            Ok(Value::List(Vector::from(out)))
        }
        Value::Dict(d) => make_dict(d.keys.clone(), map_case(d.values.clone(), f)?),
        Value::Table(t) => {
            let columns = t
                .columns()
                .iter()
                .map(|c| map_case(c.clone(), f))
                .collect::<QResult<Vec<_>>>()?;
            Ok(Value::Table(Arc::new(
                Table::new(t.names().clone(), columns).map_err(value_error)?,
            )))
        }
        _ => Err(QError::type_()),
    }
}

fn map_symbol(s: Symbol, f: fn(u8) -> u8) -> Symbol {
    let bytes = s.as_bytes();
    if bytes.iter().all(|&c| f(c) == c) {
        return s;
    }
    Symbol::new(bytes.iter().map(|&c| f(c)).collect::<Vec<u8>>())
}

/// `lower x`: chars and symbols in lower case.
pub fn lower(x: Value) -> QResult {
    map_case(x, |c| c.to_ascii_lowercase())
}

/// `upper x`: chars and symbols in upper case.
pub fn upper(x: Value) -> QResult {
    map_case(x, |c| c.to_ascii_uppercase())
}

/// Which ends to trim.
#[derive(Clone, Copy)]
struct Ends {
    front: bool,
    back: bool,
}

/// The range of `s` without leading and trailing nulls.
fn kept<T: Key>(s: &[T], null: T, ends: Ends) -> (usize, usize) {
    let null = null.key();
    let mut from = 0;
    let mut to = s.len();
    if ends.front {
        while from < to && s[from].key() == null {
            from += 1;
        }
    }
    if ends.back {
        while to > from && s[to - 1].key() == null {
            to -= 1;
        }
    }
    (from, to)
}

/// Trims a simple list; recurses into a general list's items, a dictionary's values and a
/// table's general columns; leaves atoms as they are.
fn trim_ends(x: Value, ends: Ends) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            // Booleans have no null: their arm shadows the generic one.
            #[allow(unreachable_patterns)]
            match x {
                Value::BoolVector(v) => Ok(Value::BoolVector(v)),
                $(Value::$vector(v) => {
                    let (from, to) = kept(v.as_slice(), null_item!($atom), ends);
                    if from == 0 && to == v.len() {
                        return Ok(Value::$vector(v));
                    }
                    Ok(Value::$vector(Vector::from_slice(&v[from..to])))
                })*
                Value::List(v) => Ok(Value::List(
                    v.iter().map(|e| trim_ends(e.clone(), ends)).collect::<QResult<Vector<_>>>()?,
                )),
                Value::Dict(d) => {
                    let values = match &d.values {
                        Value::List(_) => trim_ends(d.values.clone(), ends)?,
                        other => other.clone(),
                    };
                    make_dict(d.keys.clone(), values)
                }
                Value::Table(t) => {
                    let columns = t
                        .columns()
                        .iter()
                        .map(|c| match c {
                            Value::List(items) => Ok(from_items(
                                items.iter().map(|e| trim_ends(e.clone(), ends)).collect::<QResult<Vec<_>>>()?,
                            )),
                            other => Ok(other.clone()),
                        })
                        .collect::<QResult<Vec<_>>>()?;
                    Ok(Value::Table(Arc::new(
                        Table::new(t.names().clone(), columns).map_err(value_error)?,
                    )))
                }
                x => Ok(x),
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// `trim x`: without leading or trailing blanks (nulls).
pub fn trim(x: Value) -> QResult {
    trim_ends(
        x,
        Ends {
            front: true,
            back: true,
        },
    )
}

/// `ltrim x`: without leading blanks (nulls).
pub fn ltrim(x: Value) -> QResult {
    trim_ends(
        x,
        Ends {
            front: true,
            back: false,
        },
    )
}

/// `rtrim x`: without trailing blanks (nulls).
pub fn rtrim(x: Value) -> QResult {
    trim_ends(
        x,
        Ends {
            front: false,
            back: true,
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::verbs::list::list_testkit::{check, fails};

    #[test]
    fn case() {
        check("lower\"IBM\"", "\"ibm\"");
        check("lower`IBM", "`ibm");
        check("upper\"ibm\"", "\"IBM\"");
        check("upper`ibm`msft", "`IBM`MSFT");
        check("upper \"a\"", "\"A\"");
        check(
            "upper(`The;(`quick`brown;(`fox;`jumps`over));`a;`lazy`dog)",
            "(`THE;(`QUICK`BROWN;(`FOX;`JUMPS`OVER));`A;`LAZY`DOG)",
        );
        check("lower `A`B!(\"X\";`Y)", "`A`B!(\"x\";`y)");
        fails("lower 1 2", "type");
    }

    #[test]
    fn trims() {
        check("trim \"   IBM   \"", "\"IBM\"");
        check("ltrim\"   IBM   \"", "\"IBM   \"");
        check("rtrim\"   IBM   \"", "\"   IBM\"");
        check("trim 0N 0N 1 2 3 0N 0N  4 5 0N 0N", "1 2 3 0N 0N 4 5");
        check("trim\"a\"", "\"a\"");
        check("trim 42", "42");
        check("trim \"   \"", "\"\"");
        check(
            "trim((\"fox\";(\"jumps \";\"over   \"));(\"a\";\"dog \"))",
            "((\"fox\";(\"jumps\";\"over\"));(\"a\";\"dog\"))",
        );
        check(
            "ltrim`a`b!((\"fox\";(\"jumps \";\"over   \"));(\"a\";\"dog \"))",
            "`a`b!((\"fox\";(\"jumps \";\"over   \"));(\"a\";\"dog \"))",
        );
        check(
            "rtrim flip `a`b!((\"fox\";(\"jumps \";\"over   \"));(\"a\";\"dog \"))",
            "flip `a`b!((\"fox\";(\"jumps\";\"over\"));(\"a\";\"dog\"))",
        );
    }
}
