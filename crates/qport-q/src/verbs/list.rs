//! List primitives: `til count first last # _ , ? reverse distinct where group ...`, and
//! indexing (`x[i]`, `x i`, `x@i`).
//!
//! This file holds the family's entry points and the small shape primitives; the rest
//! live beside it, one concept a file:
//! - `list_index`: indexing and the typed gathers everything else builds on;
//! - `list_match`: exact equality and hashing of values (Find, Distinct, Group, In);
//! - `list_order`: q's sort order, `asc desc iasc idesc rank bin binr within`, over the
//!   typed sort kernels of `list_sort`;
//! - `list_search`: `? distinct group in except inter union differ`; `list_random`: `?`
//!   with a count on the left (roll, deal, permute);
//! - `list_take`: `# _ cut sublist rotate`; `list_attr`: `` `s# `` and the other
//!   attributes (Take with an attribute's name); `list_join`: `, raze cross`;
//! - `list_dict`: `! flip key value`, and `enlist` of a dictionary;
//! - `list_shift`: `fills prev next`; `list_text`: `lower upper trim ltrim rtrim`.
//!
//! [`monad_for`] and [`dyad_for`] name every function here by the glyph or keyword it
//! implements.

#[path = "list_attr.rs"]
pub mod list_attr;
#[path = "list_dict.rs"]
pub mod list_dict;
#[path = "list_index.rs"]
pub mod list_index;
#[path = "list_join.rs"]
pub mod list_join;
#[path = "list_match.rs"]
pub mod list_match;
#[path = "list_order.rs"]
pub mod list_order;
#[path = "list_random.rs"]
pub mod list_random;
#[path = "list_search.rs"]
pub mod list_search;
#[path = "list_shift.rs"]
pub mod list_shift;
#[path = "list_sort.rs"]
pub mod list_sort;
#[path = "list_take.rs"]
pub mod list_take;
#[cfg(test)]
#[path = "list_testkit.rs"]
pub(crate) mod list_testkit;
#[path = "list_text.rs"]
pub mod list_text;

use qport_value::{Attribute, Value, Vector};

pub use list_dict::{dict, flip, key, value_of_dict};
pub use list_index::index;
pub use list_join::{cross, join, raze};
pub use list_order::{asc, bin, binr, desc, iasc, idesc, rank, within};
pub use list_random::{seed, set_seed};
pub use list_search::{differ, distinct, except, find, group, in_, inter, union};
pub use list_shift::{fills, next, prev};
pub use list_take::{cut, drop, rotate, sublist, take};
pub use list_text::{lower, ltrim, rtrim, trim, upper};

use crate::error::{QError, QResult};
use crate::items::{count as count_of, is_list, item};
use crate::verbs::{Dyad, Monad};
use list_index::{gather, long_of, table_row};

/// `enlist` of a dictionary: a one-row table (when its keys are symbols); anything else
/// as [`crate::items::enlist`].
pub fn enlist_value(x: Value) -> Value {
    match list_dict::row_table(&x) {
        Some(table) => table,
        None => crate::items::enlist(x),
    }
}

/// The list function a unary glyph or keyword names (`#` count, `&` where, ...).
pub fn monad_for(name: &str) -> Option<Monad> {
    Some(match name {
        "til" => til,
        "count" | "#" => count,
        "first" | "*" => first,
        "last" => last,
        "reverse" | "|" => reverse,
        "distinct" | "?" => distinct,
        "where" | "&" => where_,
        "group" | "=" => group,
        "raze" => raze,
        "flip" | "+" => flip,
        "key" | "!" => key,
        "value" => value_of_dict,
        "type" | "@" => type_,
        "asc" => asc,
        "desc" => desc,
        "iasc" | "<" => iasc,
        "idesc" | ">" => idesc,
        "rank" => rank,
        "fills" => fills,
        "differ" => differ,
        "prev" => prev,
        "next" => next,
        "lower" => lower,
        "upper" => upper,
        "trim" => trim,
        "ltrim" => ltrim,
        "rtrim" => rtrim,
        "," => enlist_monad,
        _ => return None,
    })
}

/// The list function a binary glyph or keyword names (`#` take, `?` find, ...).
pub fn dyad_for(name: &str) -> Option<Dyad> {
    Some(match name {
        "#" => take,
        "_" => drop,
        "," => join,
        "?" => find,
        "!" => dict,
        "@" => index,
        "rotate" => rotate,
        "except" => except,
        "inter" => inter,
        "union" => union,
        "in" => in_,
        "within" => within,
        "cross" => cross,
        "sublist" => sublist,
        "bin" => bin,
        "binr" => binr,
        "cut" => cut,
        _ => return None,
    })
}

/// `,x` (unary `,`): `enlist`.
fn enlist_monad(x: Value) -> QResult {
    Ok(enlist_value(x))
}

/// `til n`: the longs `0 .. n-1`.
pub fn til(x: Value) -> QResult {
    if !x.is_atom() {
        return Err(QError::type_());
    }
    let n = long_of(&x).ok_or_else(QError::type_)?;
    if n < 0 {
        return Err(QError::domain());
    }
    list_index::checked_size(n as u64)?;
    Ok(Value::LongVector((0..n).collect()))
}

/// `count x`: items of a list, entries of a dictionary, rows of a table; 1 for an atom.
pub fn count(x: Value) -> QResult {
    Ok(Value::Long(count_of(&x) as i64))
}

/// `type x`: kdb+'s type number, as a short.
pub fn type_(x: Value) -> QResult {
    Ok(Value::Short(i16::from(x.type_number())))
}

/// `first x`: the first item (its type's null when empty); a dictionary's first value,
/// a table's first row; an atom itself.
pub fn first(x: Value) -> QResult {
    end_item(x, false)
}

/// `last x`: as `first`, from the end.
pub fn last(x: Value) -> QResult {
    end_item(x, true)
}

fn end_item(x: Value, from_end: bool) -> QResult {
    let n = count_of(&x);
    let p = if from_end {
        n.checked_sub(1)
    } else {
        (n > 0).then_some(0)
    };
    match &x {
        Value::Dict(d) => end_item(d.values.clone(), from_end),
        Value::KeyedTable(k) => table_row(&k.value, p.map_or(-1, |p| p as i64)),
        Value::Table(t) => table_row(t, p.map_or(-1, |p| p as i64)),
        // `first ()` is the generic null.
        Value::List(v) if v.is_empty() => Ok(Value::IDENTITY),
        x if is_list(x) => Ok(item(x, p.unwrap_or(usize::MAX))),
        x => Ok(x.clone()),
    }
}

/// `reverse x`: items (entries, rows) in reverse order; an atom itself.
pub fn reverse(x: Value) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                // In place when the list is held nowhere else.
                $(Value::$vector(mut v) => {
                    v.make_mut().reverse();
                    v.set_attribute(Attribute::None);
                    Value::$vector(v)
                })*
                Value::List(mut v) => {
                    v.make_mut().reverse();
                    v.set_attribute(Attribute::None);
                    Value::List(v)
                }
                x @ (Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_)) => {
                    let idx: Vec<usize> = (0..count_of(&x)).rev().collect();
                    gather(&x, &idx)?
                }
                x => x,
            }
        };
    }
    Ok(crate::for_each_simple_type!(typed))
}

/// `where x`: the indexes of the 1s of a boolean list; each index repeated as many times
/// as a count says; for a dictionary, its keys so repeated.
pub fn where_(x: Value) -> QResult {
    match &x {
        Value::BoolVector(v) => {
            let mut out = Vec::with_capacity(v.iter().filter(|&&b| b).count());
            out.extend(
                v.iter()
                    .enumerate()
                    .filter_map(|(i, &b)| b.then_some(i as i64)),
            );
            Ok(Value::LongVector(Vector::from(out)))
        }
        Value::Dict(d) => {
            let positions = where_(d.values.clone())?;
            index(d.keys.clone(), positions)
        }
        x if x.is_atom() => {
            let n = long_of(x).ok_or_else(QError::type_)?;
            if n < 0 {
                return Err(QError::domain());
            }
            let n = list_index::checked_size(n as u64)?;
            Ok(Value::LongVector(Vector::from(vec![0i64; n])))
        }
        x => {
            let counts = list_index::longs_of(x).ok_or_else(QError::type_)?;
            if counts.iter().any(|&n| n < 0) {
                return Err(QError::domain());
            }
            let total = counts.iter().fold(0u64, |a, &n| a.saturating_add(n as u64));
            let mut out = Vec::with_capacity(list_index::checked_size(total)?);
            for (i, &n) in counts.iter().enumerate() {
                out.extend(std::iter::repeat_n(i as i64, n as usize));
            }
            Ok(Value::LongVector(Vector::from(out)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::list_testkit::{check, fails};

    #[test]
    fn til_makes_longs() {
        check("til 0", "`long$()");
        check("til 1b", "enlist 0");
        check("til 5", "0 1 2 3 4");
        check("til 3i", "0 1 2");
        fails("til 5f", "type");
        fails("til -1", "domain");
        fails("til 1 2", "type");
        fails("til 1000000000000000", "wsfull");
        fails("where 1000000000000000", "wsfull");
    }

    #[test]
    fn count_of_everything() {
        check("count 0", "1");
        check("count \"zero\"", "4");
        check("count (2;3 5;\"eight\")", "3");
        check("count `a`b`c!2 3 5", "3");
        check(
            "count flip `city`country!(`London`Paris`Berlin;`England`France`Germany)",
            "3",
        );
        check("count each (2;3 5;\"eight\")", "1 2 5");
        check("#:1 2 3", "3");
    }

    #[test]
    fn type_numbers() {
        check("type 1", "-7h");
        check("type 1 2", "7h");
        check("type (1;`a)", "0h");
        check("type `a`b!1 2", "99h");
        check("type flip `a`b!(1 2;3 4)", "98h");
        check("type each (1;1 2;\"a\";`a`b)", "-7 7 -10 11h");
    }

    #[test]
    fn first_and_last() {
        check("first 1 2 3 4 5", "1");
        check("first 42", "42");
        check("first each (1 2 3;4 5;6 7 8 9;0)", "1 4 6 0");
        check("first `a`b`c!(1 2;3 4 5;\"hello\")", "1 2");
        check("first `long$()", "0N");
        check("first 0#`", "`");
        check("last til 10", "9");
        check("last `a`b`c!1 2 3", "3");
        check("last 42", "42");
        check("last \"\"", "\" \"");
        check("first enlist 10", "10");
        check("first first enlist enlist 10", "10");
        check("first flip `a`b!(1 2;`x`y)", "`a`b!(1;`x)");
        check("last flip `a`b!(1 2;`x`y)", "`a`b!(2;`y)");
        check("*:`a`b", "`a");
    }

    #[test]
    fn reverse_items_entries_rows() {
        check("reverse 1 2 3 4", "4 3 2 1");
        check("reverse \"abc\"", "\"cba\"");
        check("reverse (1;`a;\"b\")", "(\"b\";`a;1)");
        check("reverse `a`b!(1 2 3;\"xyz\")", "`b`a!(\"xyz\";1 2 3)");
        check("reverse each `a`b!(1 2 3;\"xyz\")", "`a`b!(3 2 1;\"zyx\")");
        check(
            "reverse flip `a`b!(1 2 3;\"xyz\")",
            "flip `a`b!(3 2 1;\"zyx\")",
        );
        check("reverse 5", "5");
        check("|:til 3", "2 1 0");
    }

    #[test]
    fn where_indexes_and_counts() {
        check("where 2 3 0 1", "0 0 1 1 1 3");
        check("where 0 1 1 0 1", "1 2 4");
        check("where 01101b", "1 2 4");
        check("where `amr`ibm`msft!2 3 1", "`amr`amr`ibm`ibm`ibm`msft");
        check("where 0 1 2 3!2 3 0 1", "0 0 1 1 1 3");
        check("where `a`b`c`d!1011b", "`a`c`d");
        check("where 1b", "enlist 0");
        check("where 0b", "`long$()");
        check("where 3", "0 0 0");
        check("where 2 1h", "0 0 1");
        fails("where 1 -1", "domain");
        fails("where 1.5 2", "type");
        fails("where `a", "type");
    }
}
