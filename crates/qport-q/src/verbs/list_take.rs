//! Take (`#`), Drop and Cut (`_`), and the keywords `cut`, `sublist`, `rotate`: items
//! from the front or back of a list (cyclically for Take), reshaping, named entries of a
//! dictionary or columns of a table, and cutting a list into pieces. Take with an
//! attribute's name on the left sets the attribute (see `list_attr`).

use qport_value::{KeyedTable, Table, Value, Vector};

use super::list_index::{
    empty_like, gather, gather_or_null, index, long_of, longs_of, make_dict, map_columns, slice,
    value_error,
};
use crate::error::{QError, QResult};
use crate::items::{count, enlist, is_list, item, to_items};

/// An integer count (short, int or long atom); a null is the long null.
fn count_arg(x: &Value) -> Option<i64> {
    match x {
        Value::Short(_) | Value::Int(_) | Value::Long(_) => long_of(x),
        _ => None,
    }
}

/// Whether `x` can be taken from or dropped from by count: a list, dictionary or table.
fn countable(x: &Value) -> bool {
    is_list(x) || matches!(x, Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_))
}

/// `n` items of `x` starting at item `start`, wrapping around to the front.
fn cycle(x: &Value, start: usize, n: usize) -> QResult {
    let len = count(x);
    if len == 0 {
        // Nothing to repeat: the list's null, n times (`5#()` is five empty lists).
        let null = item(x, usize::MAX);
        return Ok(crate::items::from_items(vec![null; n]));
    }
    if start + n <= len {
        return slice(x, start, n);
    }
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(v) => {
                    let s = v.as_slice();
                    let mut out: Vec<$item> = Vec::with_capacity(n);
                    out.extend_from_slice(&s[start..]);
                    while out.len() + len <= n {
                        out.extend_from_slice(s);
                    }
                    let rest = n - out.len();
                    out.extend_from_slice(&s[..rest]);
                    Ok(Value::$vector(Vector::from(out)))
                })*
                _ => {
                    let idx: Vec<usize> = (0..n).map(|i| (start + i) % len).collect();
                    gather(x, &idx)
                }
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// `n#y` for a count `n`: the first `n` items (the last `-n` for negative n), cycling
/// through `y` when it is shorter; an atom repeated.
fn take_count(n: i64, y: &Value) -> QResult {
    if n == i64::MIN {
        return Ok(if countable(y) {
            y.clone()
        } else {
            enlist(y.clone())
        });
    }
    let source = if countable(y) {
        y.clone()
    } else {
        enlist(y.clone())
    };
    let len = count(&source);
    let k = super::list_index::checked_size(n.unsigned_abs())?;
    let start = if n >= 0 || len == 0 {
        0
    } else {
        (len as i64 - (k % len) as i64).rem_euclid(len as i64) as usize
    };
    cycle(&source, start, k)
}

/// `x#y`: see the module comment; `x` a count, a list of counts (a shape), keys of a
/// dictionary, column names of a table, or a table of keys of a keyed table.
pub fn take(x: Value, y: Value) -> QResult {
    if let Some(n) = count_arg(&x) {
        return take_count(n, &y);
    }
    if let Value::Symbol(name) = &x {
        if let Some(attribute) = super::list_attr::attribute_named(*name) {
            return super::list_attr::set_attribute(attribute, y);
        }
    }
    match (&x, &y) {
        (Value::Symbol(_) | Value::SymbolVector(_), Value::Table(t)) => take_columns(&x, t),
        (_, Value::Dict(_)) if !x.is_atom() || matches!(x, Value::Symbol(_)) => {
            let keys = if x.is_atom() {
                enlist(x.clone())
            } else {
                x.clone()
            };
            let values = index(y.clone(), keys.clone())?;
            make_dict(keys, values)
        }
        (Value::Table(keys), Value::KeyedTable(k)) => take_keyed(keys, k),
        _ => match longs_of(&x) {
            Some(shape) if !matches!(x, Value::BoolVector(_)) => reshape(&shape, &y),
            _ => Err(QError::type_()),
        },
    }
}

/// Columns of a table by name, as a table.
fn take_columns(names: &Value, t: &Table) -> QResult {
    let names = match names {
        Value::Symbol(s) => Vector::from(vec![*s]),
        Value::SymbolVector(v) => v.clone(),
        _ => return Err(QError::type_()),
    };
    let columns = names
        .iter()
        .map(|n| super::list_index::column(t, *n))
        .collect::<QResult<Vec<_>>>()?;
    super::list_index::make_table(names, columns)
}

/// Rows of a keyed table for a table of keys: the keys given, with their rows (nulls for
/// keys not there).
fn take_keyed(keys: &Table, k: &KeyedTable) -> QResult {
    let positions = super::list_search::find_key(&k.key, &Value::table(keys.clone()))?;
    let idx = longs_of(&positions).ok_or_else(QError::type_)?;
    let value = map_columns(&k.value, |c| gather_or_null(c, &idx))?;
    Ok(Value::keyed_table(
        KeyedTable::new(keys.clone(), value).map_err(value_error)?,
    ))
}

/// `shape#y`: a matrix (or higher-dimensional array) filled from `y` cyclically. With two
/// counts, a null makes that dimension as large as the items allow.
fn reshape(shape: &[i64], y: &Value) -> QResult {
    let source = if is_list(y) {
        y.clone()
    } else if y.is_atom() {
        enlist(y.clone())
    } else {
        return Err(QError::type_());
    };
    let n = count(&source);
    match *shape {
        [] => Err(QError::length()),
        [k] => take_count(k, &source),
        [rows, cols] if rows == i64::MIN && cols == i64::MIN => Err(QError::domain()),
        [rows, cols] if rows < 0 && rows != i64::MIN || cols < 0 && cols != i64::MIN => {
            Err(QError::domain())
        }
        [rows, cols] if rows == i64::MIN => {
            // As many rows of `cols` as there are items; the last may be short.
            if cols == 0 {
                return Err(QError::domain());
            }
            let cols = cols as usize;
            let pieces = (0..n.div_ceil(cols))
                .map(|r| slice(&source, r * cols, cols.min(n - r * cols)))
                .collect::<QResult<Vec<_>>>()?;
            Ok(Value::List(Vector::from(pieces)))
        }
        [rows, cols] if cols == i64::MIN => {
            // `rows` rows of equal length; the last takes what is left over.
            let rows = rows as usize;
            if rows == 0 {
                return Ok(Value::List(Vector::default()));
            }
            let width = n / rows;
            let pieces = (0..rows)
                .map(|r| {
                    let len = if r + 1 == rows { n - r * width } else { width };
                    slice(&source, r * width, len)
                })
                .collect::<QResult<Vec<_>>>()?;
            Ok(Value::List(Vector::from(pieces)))
        }
        _ => {
            let last = shape.len() - 1;
            if shape.iter().any(|&d| d < 0) || shape[..last].contains(&0) && shape.len() > 2 {
                return Err(QError::domain());
            }
            let total = shape.iter().fold(1u64, |a, &d| a.saturating_mul(d as u64));
            super::list_index::checked_size(total)?;
            let dims: Vec<usize> = shape.iter().map(|&d| d as usize).collect();
            let width = dims[last];
            let rows: usize = dims[..last].iter().product();
            let flat = cycle(&source, 0, rows * width)?;
            let mut level = (0..rows)
                .map(|r| slice(&flat, r * width, width))
                .collect::<QResult<Vec<_>>>()?;
            for &d in dims[..last].iter().skip(1).rev() {
                level = level
                    .chunks(d)
                    .map(|c| Value::List(Vector::from(c.to_vec())))
                    .collect();
            }
            Ok(Value::List(Vector::from(level)))
        }
    }
}

/// `x _ y`: drop a count of items (entries, rows) from the front or back; remove an item
/// by index, or an entry by key; remove keys from a dictionary or columns from a table;
/// cut a list at indexes.
pub fn drop(x: Value, y: Value) -> QResult {
    if let Some(n) = count_arg(&x) {
        if countable(&y) {
            return drop_count(n, &y);
        }
    }
    match (&x, &y) {
        (Value::Dict(_), k) if !k.is_atom() => Err(QError::type_()),
        (Value::Dict(d), k) => remove_keys(d, &enlist(k.clone())),
        (Value::Table(_), _) => Err(QError::type_()),
        (Value::SymbolVector(names), Value::Table(t)) => drop_columns(names, t),
        (_, Value::Table(_)) if !x.is_atom() => cut_at(&x, &y),
        (k, Value::Dict(d)) => {
            let keys = if k.is_atom() {
                enlist(k.clone())
            } else {
                k.clone()
            };
            remove_keys(d, &keys)
        }
        (x, i) if is_list(x) && i.is_atom() => {
            let p = long_of(i).ok_or_else(QError::type_)?;
            let keep: Vec<usize> = (0..count(x)).filter(|&k| k as i64 != p).collect();
            gather(x, &keep)
        }
        (x, y) if is_list(x) && countable(y) => cut_at(x, y),
        _ => Err(QError::type_()),
    }
}

/// Drops `n` items from the front (the back for negative n).
fn drop_count(n: i64, y: &Value) -> QResult {
    let len = count(y);
    let k = (n.unsigned_abs() as usize).min(len);
    if n >= 0 {
        slice(y, k, len - k)
    } else {
        slice(y, 0, len - k)
    }
}

/// A dictionary without the entries for `keys`.
fn remove_keys(d: &qport_value::Dict, keys: &Value) -> QResult {
    let keep: Vec<usize> = match super::list_search::in_(d.keys.clone(), keys.clone())? {
        Value::BoolVector(found) => (0..found.len()).filter(|&i| !found[i]).collect(),
        // Keys of a nesting In does not map over: compare each key whole.
        _ => {
            let gone = to_items(keys);
            (0..d.len())
                .filter(|&i| {
                    let k = item(&d.keys, i);
                    !gone.iter().any(|g| super::list_match::same(&k, g))
                })
                .collect()
        }
    };
    make_dict(gather(&d.keys, &keep)?, gather(&d.values, &keep)?)
}

/// A table without the named columns.
fn drop_columns(names: &Vector<qport_value::Symbol>, t: &Table) -> QResult {
    let mut kept_names = Vec::new();
    let mut kept = Vec::new();
    for (n, c) in t.names().iter().zip(t.columns()) {
        if !names.contains(n) {
            kept_names.push(*n);
            kept.push(c.clone());
        }
    }
    super::list_index::make_table(Vector::from(kept_names), kept)
}

/// The cut operator: `y` in pieces starting at each index of `x` (non-decreasing, within
/// `y`), each running to the next index.
fn cut_at(x: &Value, y: &Value) -> QResult {
    let at = longs_of(x).ok_or_else(QError::type_)?;
    let len = count(y) as i64;
    if at.windows(2).any(|w| w[0] > w[1]) || at.iter().any(|&i| i < 0 || i > len) {
        return Err(QError::domain());
    }
    let pieces = at
        .iter()
        .enumerate()
        .map(|(k, &from)| {
            let to = at.get(k + 1).copied().unwrap_or(len);
            slice(y, from as usize, (to - from) as usize)
        })
        .collect::<QResult<Vec<_>>>()?;
    Ok(Value::List(Vector::from(pieces)))
}

/// `x cut y`: for a count `x`, `y` in pieces of `x` items (the last may be shorter);
/// otherwise as the cut operator.
pub fn cut(x: Value, y: Value) -> QResult {
    match count_arg(&x) {
        Some(n) => {
            if n <= 0 {
                return Err(QError::domain());
            }
            if !countable(&y) {
                return Err(QError::type_());
            }
            let len = count(&y);
            let n = n as usize;
            let pieces = (0..len.div_ceil(n))
                .map(|k| slice(&y, k * n, n.min(len - k * n)))
                .collect::<QResult<Vec<_>>>()?;
            Ok(Value::List(Vector::from(pieces)))
        }
        None => drop(x, y),
    }
}

/// `x sublist y`: up to `x` items from the front (from the back for negative `x`), or,
/// for a pair `(i;n)`, up to `n` items from item `i`; never more than there are.
pub fn sublist(x: Value, y: Value) -> QResult {
    if !countable(&y) {
        return Err(QError::type_());
    }
    let len = count(&y);
    if let Some(n) = count_arg(&x) {
        let k = (n.unsigned_abs() as usize).min(len);
        return if n >= 0 {
            slice(&y, 0, k)
        } else {
            slice(&y, len - k, k)
        };
    }
    match longs_of(&x).as_deref() {
        Some(&[from, n]) => {
            let from = (from.max(0) as usize).min(len);
            let n = (n.max(0) as usize).min(len - from);
            slice(&y, from, n)
        }
        Some(_) => Err(QError::length()),
        None => Err(QError::type_()),
    }
}

/// `x rotate y`: the items of `y` shifted `x` places to the left (right for negative x),
/// those leaving one end coming back at the other.
pub fn rotate(x: Value, y: Value) -> QResult {
    let n = count_arg(&x).ok_or_else(QError::type_)?;
    if !countable(&y) {
        return Err(QError::type_());
    }
    let len = count(&y);
    if len == 0 {
        return empty_like(&y);
    }
    let start = n.rem_euclid(len as i64) as usize;
    cycle(&y, start, len)
}

#[cfg(test)]
mod tests {
    use crate::verbs::list::list_testkit::{check, fails};

    #[test]
    fn take_from_front_and_back() {
        check("5#0 1 2 3 4 5 6 7 8", "0 1 2 3 4");
        check("-5#0 1 2 3 4 5 6 7 8", "4 5 6 7 8");
        check(
            "5#`Arthur`Steve`Dennis",
            "`Arthur`Steve`Dennis`Arthur`Steve",
        );
        check(
            "-5#`Arthur`Steve`Dennis",
            "`Steve`Dennis`Arthur`Steve`Dennis",
        );
        check("3#9", "9 9 9");
        check("2#`a", "`a`a");
        check("10#\"take me\"", "\"take metak\"");
        check("0#1 2 3", "`long$()");
        check("0#`", "`symbol$()");
        check("3#0#0", "0N 0N 0N");
        check("2#\"\"", "\"  \"");
        check("2#()", "(();())");
        check("7#1 2", "1 2 1 2 1 2 1");
        check("-7#1 2", "2 1 2 1 2 1 2");
        check("-3#(1;`a)", "(`a;1;`a)");
        check("2h#1 2 3", "1 2");
        check("3#(1 2;3 4)", "(1 2;3 4;1 2)");
    }

    #[test]
    fn take_reshapes() {
        check("2 5#\"!\"", "(\"!!!!!\";\"!!!!!\")");
        check("2 3#til 6", "(0 1 2;3 4 5)");
        check(
            "2 4#`Arthur`Steve`Dennis",
            "(`Arthur`Steve`Dennis`Arthur;`Steve`Dennis`Arthur`Steve)",
        );
        check(
            "2 3 4#\"a\"",
            "((\"aaaa\";\"aaaa\";\"aaaa\");(\"aaaa\";\"aaaa\";\"aaaa\"))",
        );
        check("2 2 3#til 5", "((0 1 2;3 4 0);(1 2 3;4 0 1))");
        check("1 2 0#\"a\"", "enlist(\"\";\"\")");
        check("0N 3#til 10", "(0 1 2;3 4 5;6 7 8;enlist 9)");
        check("enlist[2]#til 10", "0 1");
        check("3 0N#til 10", "(0 1 2;3 4 5;6 7 8 9)");
        check("4 0N#til 9", "(0 1;2 3;4 5;6 7 8)");
        check("2 0N#0#0", "(`long$();`long$())");
        check(
            "(10 0N)#(),10",
            "(`long$();`long$();`long$();`long$();`long$();`long$();`long$();`long$();`long$();enlist 10)",
        );
        fails("1 0 2#1 2", "domain");
        fails("2 3 0N#1 2", "domain");
        fails("0N 2 1#1 2", "domain");
        fails("-1 2 3#1 2", "domain");
    }

    #[test]
    fn take_dictionaries_and_tables() {
        check("d:`a`b`c!1 2 3; 2#d", "`a`b!1 2");
        check("d:`a`b`c!1 2 3; -2#d", "`b`c!2 3");
        check("d:`a`b`c!1 2 3; `a`b#d", "`a`b!1 2");
        check("d:`a`b`c!1 2 3; enlist[`a]#d", "enlist[`a]!enlist 1");
        check("d:`a`b`c!1 2 3; `c`z#d", "`c`z!3 0N");
        check(
            "t:flip `name`iq`age!(`Dent`Beeblebrox`Prefect;98 42 126;20 22 25); 2#t",
            "flip `name`iq`age!(`Dent`Beeblebrox;98 42;20 22)",
        );
        check(
            "t:flip `name`iq`age!(`Dent`Beeblebrox`Prefect;98 42 126;20 22 25); -2#t",
            "flip `name`iq`age!(`Beeblebrox`Prefect;42 126;22 25)",
        );
        check(
            "t:flip `name`iq`age!(`Dent`Beeblebrox`Prefect;98 42 126;20 22 25); `name`age#t",
            "flip `name`age!(`Dent`Beeblebrox`Prefect;20 22 25)",
        );
        check(
            "s:(flip enlist[`s]!enlist `s1`s2`s3)!flip `name`city!(`smith`jones`blake;`london`paris`paris); (flip enlist[`s]!enlist `s1`s2)#s",
            "(flip enlist[`s]!enlist `s1`s2)!flip `name`city!(`smith`jones;`london`paris)",
        );
        fails("1.5#1 2", "type");
        fails("1000000000000000#1", "wsfull");
        fails("100000 100000 100000#1", "wsfull");
    }

    #[test]
    fn drop_counts() {
        check("5_0 1 2 3 4 5 6 7 8", "5 6 7 8");
        check("-5_0 1 2 3 4 5 6 7 8", "0 1 2 3");
        check("10_1 2 3", "`long$()");
        check("-10_\"abc\"", "\"\"");
        check("1 _ `a`b`c!1 2 3", "`b`c!2 3");
        check("d:100 200!`a`b; 1 _ d", "enlist[200]!enlist `b");
        check("d:100 200!`a`b; 100 _ d", "(`long$())!`symbol$()");
        check(
            "-2 _ flip `a`b!(1 2 3;\"xyz\")",
            "flip `a`b!(enlist 1;enlist \"x\")",
        );
    }

    #[test]
    fn drop_items_keys_columns() {
        check("0 1 2 3 4 5 6 7 8_5", "0 1 2 3 4 6 7 8");
        check("(`a`b`c!1 2 3)_`a", "`b`c!2 3");
        check("`a _ `a`b`c!1 2 3", "`b`c!2 3");
        check("`a`b _ `a`b`c!1 2 3", "enlist[`c]!enlist 3");
        fails("(`a`b`c!1 2 3) _ `a`b", "type");
        check("d:100 200!`a`b; d _ 1", "100 200!`a`b");
        check("d:100 200!`a`b; d _ 100", "enlist[200]!enlist `b");
        check("d:100 200!`a`b; enlist[1] _ d", "100 200!`a`b");
        check("d:100 200!`a`b; enlist[100] _ d", "enlist[200]!enlist `b");
        check(
            "t:flip `a`b`c!(1 2 3;4 5 6;`d`e`f); `a`b _ t",
            "flip enlist[`c]!enlist `d`e`f",
        );
        fails("t:flip `a`b`c!(1 2 3;4 5 6;`d`e`f); t _ `a`b", "type");
        fails("t:flip `a`b`c!(1 2 3;4 5 6;`d`e`f); `a _ t", "type");
        fails("t:flip `a`b`c!(1 2 3;4 5 6;`d`e`f); t _ `a", "type");
    }

    #[test]
    fn cut_operator_and_keyword() {
        check("2 4 9 _ til 10", "(2 3;4 5 6 7 8;enlist 9)");
        check("2 4 4 9 _ til 10", "(2 3;`long$();4 5 6 7 8;enlist 9)");
        check("0 4 5 _ til 7", "(0 1 2 3;enlist 4;5 6)");
        check("0 2 _ \"abcde\"", "(\"ab\";\"cde\")");
        check(
            "t:flip `a`b!(til 5;`a`b`c`d`e); (0 3 _ t) 1",
            "flip `a`b!(3 4;`d`e)",
        );
        check("4 cut til 10", "(0 1 2 3;4 5 6 7;8 9)");
        check("2 cut \"abcde\"", "(\"ab\";\"cd\";enlist \"e\")");
        check("0 2 cut til 4", "(0 1;2 3)");
        fails("3 1 _ til 5", "domain");
        fails("0 9 _ til 5", "domain");
    }

    #[test]
    fn sublist_never_cycles() {
        check("p:2 3 5 7 11; 3 sublist p", "2 3 5");
        check("p:2 3 5 7 11; 10 sublist p", "2 3 5 7 11");
        check("p:2 3 5 7 11; -2 sublist p", "7 11");
        check("p:2 3 5 7 11; 1 2 sublist p", "3 5");
        check("p:2 3 5 7 11; 3 10 sublist p", "7 11");
        check("p:2 3 5 7 11; 9 2 sublist p", "`long$()");
        check(
            "2 sublist `a`b`c!(1 2 3;\"xyz\";2 3 5)",
            "`a`b!(1 2 3;\"xyz\")",
        );
        check(
            "-2 sublist flip `a`b!(1 2 3;\"xyz\")",
            "flip `a`b!(2 3;\"yz\")",
        );
    }

    #[test]
    fn rotate_shifts() {
        check("2 rotate 2 3 5 7 11", "5 7 11 2 3");
        check("-2 rotate 2 3 5 7 11", "7 11 2 3 5");
        check("2 rotate 1 2 3 4 5 6 7", "3 4 5 6 7 1 2");
        check("12 rotate 1 2 3 4 5", "3 4 5 1 2");
        check(
            "1 rotate flip `a`b!(1 2 3;\"xyz\")",
            "flip `a`b!(2 3 1;\"yzx\")",
        );
        check("1 rotate (1;`a;\"c\")", "(`a;\"c\";1)");
        check("3 rotate `long$()", "`long$()");
    }
}
