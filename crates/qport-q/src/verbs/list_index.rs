//! Indexing (`x[i]`, `x i`, `x@i`) and the gathers the other list primitives build on.
//!
//! A list indexed by an atom gives an item, by a vector a list of items, by a general list
//! a result of the index's shape; an index outside the list gives the null of the list's
//! items (a general list's: its first item's). Dictionaries index by key, tables by row
//! number or column name, keyed tables by key.

use std::borrow::Cow;
use std::sync::Arc;

use qport_value::null::*;
use qport_value::{Dict, KeyedTable, Symbol, Table, Value, Vector};

use crate::error::{QError, QResult};
use crate::items::{count, empty_of, from_items, is_list, item};

/// The null item of a vector variant, by its atom name.
macro_rules! null_item {
    (Bool) => {
        false
    };
    (Guid) => {
        NULL_GUID
    };
    (Byte) => {
        0u8
    };
    (Short) => {
        NULL_SHORT
    };
    (Int) => {
        NULL_INT
    };
    (Long) => {
        NULL_LONG
    };
    (Real) => {
        NULL_REAL
    };
    (Float) => {
        NULL_FLOAT
    };
    (Char) => {
        NULL_CHAR
    };
    (Symbol) => {
        Symbol::empty()
    };
    (Timestamp) => {
        NULL_LONG
    };
    (Month) => {
        NULL_INT
    };
    (Date) => {
        NULL_INT
    };
    (Datetime) => {
        NULL_FLOAT
    };
    (Timespan) => {
        NULL_LONG
    };
    (Minute) => {
        NULL_INT
    };
    (Second) => {
        NULL_INT
    };
    (Time) => {
        NULL_INT
    };
}
pub(crate) use null_item;

/// An integral atom (boolean, byte, short, int, long) as a long; a null stays null.
pub(crate) fn long_of(x: &Value) -> Option<i64> {
    Some(match x {
        Value::Long(n) => *n,
        Value::Int(n) if *n == NULL_INT => NULL_LONG,
        Value::Int(n) => i64::from(*n),
        Value::Short(n) if *n == NULL_SHORT => NULL_LONG,
        Value::Short(n) => i64::from(*n),
        Value::Byte(n) => i64::from(*n),
        Value::Bool(b) => i64::from(*b),
        _ => return None,
    })
}

/// An integral vector's items as longs (borrowed for a long vector); nulls stay null.
pub(crate) fn longs_of(x: &Value) -> Option<Cow<'_, [i64]>> {
    Some(match x {
        Value::LongVector(v) => Cow::Borrowed(v.as_slice()),
        Value::IntVector(v) => Cow::Owned(
            v.iter()
                .map(|&n| {
                    if n == NULL_INT {
                        NULL_LONG
                    } else {
                        i64::from(n)
                    }
                })
                .collect(),
        ),
        Value::ShortVector(v) => Cow::Owned(
            v.iter()
                .map(|&n| {
                    if n == NULL_SHORT {
                        NULL_LONG
                    } else {
                        i64::from(n)
                    }
                })
                .collect(),
        ),
        Value::ByteVector(v) => Cow::Owned(v.iter().map(|&n| i64::from(n)).collect()),
        Value::BoolVector(v) => Cow::Owned(v.iter().map(|&b| i64::from(b)).collect()),
        _ => return None,
    })
}

/// The most items a list built from a count may have: past it q says `'wsfull` here,
/// where an allocation would abort the process.
const MAX_ITEMS: u64 = 1 << 37;

/// A count of items to build, checked against [`MAX_ITEMS`].
pub(crate) fn checked_size(n: u64) -> QResult<usize> {
    if n > MAX_ITEMS {
        return Err(QError::new("wsfull"));
    }
    Ok(n as usize)
}

/// A q error from parts that do not fit (a dictionary or table being built).
pub(crate) fn value_error(e: qport_value::ValueError) -> QError {
    QError::new(e.q_text())
}

/// `keys!values`, checked.
pub(crate) fn make_dict(keys: Value, values: Value) -> QResult {
    Ok(Value::dict(Dict::new(keys, values).map_err(value_error)?))
}

/// A table from column names and columns, checked.
pub(crate) fn make_table(names: Vector<Symbol>, columns: Vec<Value>) -> QResult {
    Ok(Value::table(
        Table::new(names, columns).map_err(value_error)?,
    ))
}

/// The table with the same columns as `t`, each replaced by `f` of it.
pub(crate) fn map_columns(t: &Table, f: impl FnMut(&Value) -> QResult) -> QResult<Table> {
    let columns = t.columns().iter().map(f).collect::<QResult<Vec<_>>>()?;
    Table::new(t.names().clone(), columns).map_err(value_error)
}

/// Items of `x` at positions all known to be inside it: a list of the same type; rows of
/// a table; entries of a dictionary or keyed table.
pub(crate) fn gather(x: &Value, idx: &[usize]) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(v) => {
                    let s = v.as_slice();
                    Value::$vector(Vector::from(idx.iter().map(|&i| s[i]).collect::<Vec<$item>>()))
                })*
                Value::List(v) => from_items(idx.iter().map(|&i| v[i].clone()).collect()),
                Value::Table(t) => Value::Table(Arc::new(gather_rows(t, idx)?)),
                Value::Dict(d) => make_dict(gather(&d.keys, idx)?, gather(&d.values, idx)?)?,
                Value::KeyedTable(k) => Value::keyed_table(
                    KeyedTable::new(gather_rows(&k.key, idx)?, gather_rows(&k.value, idx)?)
                        .map_err(value_error)?,
                ),
                _ => return Err(QError::type_()),
            }
        };
    }
    Ok(crate::for_each_simple_type!(typed))
}

/// Rows of a table at in-range positions.
pub(crate) fn gather_rows(t: &Table, idx: &[usize]) -> QResult<Table> {
    map_columns(t, |c| gather(c, idx))
}

/// Items of `x` at `idx`, where an index outside the list (or a null) gives the null of
/// its items: typed, in one pass over the slice.
pub(crate) fn gather_or_null(x: &Value, idx: &[i64]) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(v) => {
                    let s = v.as_slice();
                    let null: $item = null_item!($atom);
                    Value::$vector(Vector::from(
                        idx.iter()
                            .map(|&i| if (i as u64) < s.len() as u64 { s[i as usize] } else { null })
                            .collect::<Vec<$item>>(),
                    ))
                })*
                Value::List(v) => from_items(
                    idx.iter()
                        .map(|&i| match usize::try_from(i).ok().and_then(|i| v.get(i)) {
                            Some(e) => e.clone(),
                            None => item(x, usize::MAX),
                        })
                        .collect(),
                ),
                Value::Table(t) => Value::Table(Arc::new(map_columns(t, |c| gather_or_null(c, idx))?)),
                Value::Dict(d) => make_dict(gather_or_null(&d.keys, idx)?, gather_or_null(&d.values, idx)?)?,
                Value::KeyedTable(k) => Value::keyed_table(
                    KeyedTable::new(
                        map_columns(&k.key, |c| gather_or_null(c, idx))?,
                        map_columns(&k.value, |c| gather_or_null(c, idx))?,
                    )
                    .map_err(value_error)?,
                ),
                _ => return Err(QError::type_()),
            }
        };
    }
    Ok(crate::for_each_simple_type!(typed))
}

/// Item `p` of a list, or its null when `p` is outside it.
pub(crate) fn item_or_null(x: &Value, p: i64) -> Value {
    match usize::try_from(p) {
        Ok(p) if p < count(x) => item(x, p),
        _ => item(x, usize::MAX),
    }
}

/// Row `p` of a table as a dictionary of column names to items (nulls outside it).
pub(crate) fn table_row(t: &Table, p: i64) -> QResult {
    let values = t.columns().iter().map(|c| item_or_null(c, p)).collect();
    make_dict(Value::SymbolVector(t.names().clone()), from_items(values))
}

/// q indexing, `x[i]`: see the module comment.
pub fn index(x: Value, i: Value) -> QResult {
    // An atom has no items, not even all of them (`3[::]` is `'type`).
    if i == Value::IDENTITY && !x.is_atom() {
        return Ok(x);
    }
    match &x {
        Value::Dict(d) => index_dict(d, &i),
        Value::Table(t) => index_table(t, &i),
        Value::KeyedTable(k) => index_keyed(k, &i),
        x if is_list(x) => index_list(x, &i),
        _ => Err(QError::type_()),
    }
}

/// A list indexed by positions.
fn index_list(x: &Value, i: &Value) -> QResult {
    if let Some(p) = long_of(i) {
        return Ok(item_or_null(x, p));
    }
    if let Some(idx) = longs_of(i) {
        return gather_or_null(x, &idx);
    }
    match i {
        Value::List(items) if items.is_empty() => gather(x, &[]),
        Value::List(items) => {
            let out = items
                .iter()
                .map(|i| index_list(x, i))
                .collect::<QResult<Vec<_>>>()?;
            Ok(from_items(out))
        }
        Value::Dict(d) => make_dict(d.keys.clone(), index_list(x, &d.values)?),
        _ => Err(QError::type_()),
    }
}

/// A dictionary indexed by key: the values at the keys' positions (Find's shape).
fn index_dict(d: &Dict, i: &Value) -> QResult {
    // A general list of keys into simple keys: each item in turn, giving i's shape.
    if let (Value::List(items), false) = (i, matches!(d.keys, Value::List(_))) {
        let out = items
            .iter()
            .map(|k| index_dict(d, k))
            .collect::<QResult<Vec<_>>>()?;
        return Ok(from_items(out));
    }
    // A sorted dictionary is a step function: the entry of the last key not above i.
    let positions = if d.sorted {
        super::list_order::bin(d.keys.clone(), i.clone())?
    } else {
        super::list_search::find(d.keys.clone(), i.clone())?
    };
    index(d.values.clone(), positions)
}

/// A table indexed by row number (a row dictionary, or a table of rows) or by column
/// name (a column, or a list of columns).
fn index_table(t: &Table, i: &Value) -> QResult {
    match i {
        Value::Symbol(name) => column(t, *name),
        Value::SymbolVector(names) => {
            let columns = names
                .iter()
                .map(|n| column(t, *n))
                .collect::<QResult<Vec<_>>>()?;
            Ok(Value::List(Vector::from(columns)))
        }
        Value::List(items) => {
            let out = items
                .iter()
                .map(|i| index_table(t, i))
                .collect::<QResult<Vec<_>>>()?;
            Ok(from_items(out))
        }
        i => {
            if let Some(p) = long_of(i) {
                return table_row(t, p);
            }
            match longs_of(i) {
                Some(idx) => Ok(Value::Table(Arc::new(map_columns(t, |c| {
                    gather_or_null(c, &idx)
                })?))),
                None => Err(QError::type_()),
            }
        }
    }
}

/// A table's column by name; q signals the name when there is none.
pub(crate) fn column(t: &Table, name: Symbol) -> QResult {
    t.column(name)
        .cloned()
        .ok_or_else(|| QError::new(name.to_str_lossy()))
}

/// A keyed table indexed by key: a row of the value table (a dictionary), or a table of
/// rows for a list of keys; nulls for a key not there.
fn index_keyed(k: &KeyedTable, i: &Value) -> QResult {
    let positions = super::list_search::find_key(&k.key, i)?;
    match positions {
        Value::Long(p) => table_row(&k.value, p),
        positions => match longs_of(&positions) {
            Some(idx) => Ok(Value::Table(Arc::new(map_columns(&k.value, |c| {
                gather_or_null(c, &idx)
            })?))),
            None => Err(QError::type_()),
        },
    }
}

/// Items at positions `from..from+n` of a list (rows of a table), all in range.
pub(crate) fn slice(x: &Value, from: usize, n: usize) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(v) => Value::$vector(Vector::from_slice(&v[from..from + n])),)*
                Value::List(v) => from_items(v[from..from + n].to_vec()),
                _ => {
                    let idx: Vec<usize> = (from..from + n).collect();
                    return gather(x, &idx);
                }
            }
        };
    }
    Ok(crate::for_each_simple_type!(typed))
}

/// The empty list of `x`'s type (no rows of a table, no entries of a dictionary).
pub(crate) fn empty_like(x: &Value) -> QResult {
    if is_list(x) {
        return Ok(empty_of(x.type_number()));
    }
    gather(x, &[])
}

#[cfg(test)]
mod tests {
    use crate::verbs::list::list_testkit::{check, fails};

    #[test]
    fn lists_by_atoms_and_vectors() {
        check("\"abcdef\"[1 4 3]", "\"bed\"");
        check("\"abcdef\" 1 4 3", "\"bed\"");
        check("10 20 30[1]", "20");
        check("10 20 30[1i]", "20");
        check("10 20 30[1 1h]", "20 20");
        check("10 20 30[01b]", "10 20");
        check("(til 5) 99", "0N");
        check("10 20 30[-1]", "0N");
        check("10 20 30[0N]", "0N");
        check("1.5 2.5[3]", "0n");
        check("`a`b[2]", "`");
        check("\"ab\"[5]", "\" \"");
        check("2000.01.01 2000.01.02[7]", "0Nd");
        check("10 20 30[2 5]", "30 0N");
        check("10 20 30[()]", "`long$()");
    }

    #[test]
    fn nested_indexes_give_the_index_shape() {
        check("10 20 30[(0 1;2)]", "(10 20;30)");
        check("10 20 30[(0 1;(2;0 0))]", "(10 20;(30;10 10))");
        check(
            "m:(\"abc\";\"def\";\"ghi\";\"jkl\"); m[3 1]",
            "(\"jkl\";\"def\")",
        );
    }

    #[test]
    fn general_lists_null_by_first_item() {
        check("(1 2;\"abc\";`ibm)[5]", "`long$()");
        check("(1;`a)[5]", "0N");
        check("(1;`a)[0 1]", "(1;`a)");
        check("(1;`a;2)[0 2]", "1 2");
    }

    #[test]
    fn non_integer_indexes_are_type_errors() {
        fails("10 20 30[1.0]", "type");
        fails("10 20 30[`a]", "type");
        fails("10 20 30[\"a\"]", "type");
        fails("3[0]", "type");
        assert_eq!(
            super::index(qport_value::Value::Long(3), qport_value::Value::IDENTITY),
            Err(crate::error::QError::type_())
        );
    }

    #[test]
    fn dictionaries_by_key() {
        check(
            "d:`cat`cow`dog`sheep!`chat`vache`chien`mouton; d[`cow`sheep]",
            "`vache`mouton",
        );
        check("d:`a`b`c!1.414214 2.718282 3.141593; d`x", "0n");
        check("d:`a`b!(1 2;3 4); d`a", "1 2");
        check("d:`a`b!(1 2;3 4); d`z", "`long$()");
        check("d:(\"ab\";\"cd\")!1 2; d \"cd\"", "2");
        check("d:`a`b`c!1 2 3; d(`a`b;`c)", "(1 2;3)");
        fails("d:`a`b!1 2; d 1", "type");
    }

    #[test]
    fn tables_by_row_and_column() {
        check("t:flip `a`b!(1 2 3;`x`y`z); t 1", "`a`b!(2;`y)");
        check("t:flip `a`b!(1 2 3;`x`y`z); t 5", "`a`b!(0N;`)");
        check("t:flip `a`b!(1 2 3;`x`y`z); t`b", "`x`y`z");
        check("t:flip `a`b!(1 2 3;`x`y`z); t 2 0", "flip `a`b!(3 1;`z`x)");
        check("t:flip `a`b!(1 2 3;`x`y`z); t`b`a", "(`x`y`z;1 2 3)");
        fails("t:flip `a`b!(1 2 3;`x`y`z); t`c", "c");
    }

    #[test]
    fn keyed_tables_by_key() {
        check(
            "kt:(flip enlist[`k]!enlist `a`b`c)!flip `v`w!(1 2 3;\"xyz\"); kt`b",
            "`v`w!(2;\"y\")",
        );
        check(
            "kt:(flip enlist[`k]!enlist `a`b`c)!flip `v`w!(1 2 3;\"xyz\"); kt`q",
            "`v`w!(0N;\" \")",
        );
        check(
            "kt:(flip `n`c!(`Tom`Jo`Tom;`NYC`LA`Lagos))!flip `e`s!(`green`blue`brown;`m`f`m); kt`Tom`Lagos",
            "`e`s!`brown`m",
        );
        check(
            "kt:(flip `n`c!(`Tom`Jo`Tom;`NYC`LA`Lagos))!flip `e`s!(`green`blue`brown;`m`f`m); kt`Jack`London",
            "`e`s!``",
        );
    }
}
