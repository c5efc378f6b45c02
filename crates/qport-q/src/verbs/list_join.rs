//! Join (`,`), `raze` and `cross`: lists end to end, dictionaries merged (the right one
//! wins), tables stacked by rows, keyed tables upserted by key.
//!
//! Two vectors (or atoms) of one type join into a vector of that type; anything else
//! joins into a general list, as in kdb+ (no promotion: `1 2,3.0` is mixed).

use qport_value::{Dict, KeyedTable, Symbol, Table, Value, Vector};

use super::list_index::{gather, longs_of, make_dict, make_table, value_error};
use crate::error::{QError, QResult};
use crate::items::{count, enlist, from_items, is_list, item, to_items};

/// Whether `x` is the empty general list `()`, which joins as nothing.
fn is_empty_general(x: &Value) -> bool {
    matches!(x, Value::List(v) if v.is_empty())
}

/// `x,y`: see the module comment.
pub fn join(x: Value, y: Value) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match (x, y) {
                $(
                    (Value::$vector(mut v), Value::$vector(w)) => {
                        v.set_attribute(qport_value::Attribute::None);
                        v.extend_from_slice(&w);
                        Ok(Value::$vector(v))
                    }
                    (Value::$vector(mut v), Value::$atom(e)) => {
                        v.set_attribute(qport_value::Attribute::None);
                        v.push(e);
                        Ok(Value::$vector(v))
                    }
                    (Value::$atom(e), Value::$vector(w)) => {
                        let mut out: Vec<$item> = Vec::with_capacity(w.len() + 1);
                        out.push(e);
                        out.extend_from_slice(&w);
                        Ok(Value::$vector(Vector::from(out)))
                    }
                    (Value::$atom(a), Value::$atom(b)) => Ok(Value::$vector(Vector::from(vec![a, b]))),
                )*
                (x, y) => join_other(x, y),
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// Join of anything but two simple values of one type.
fn join_other(x: Value, y: Value) -> QResult {
    match (&x, &y) {
        (Value::Dict(a), Value::Dict(b)) => merge_dicts(a, b),
        (Value::Table(a), Value::Table(b)) => stack_tables(a, b),
        (Value::Table(a), y) if is_list(y) || matches!(y, Value::Dict(_)) => {
            let row = record_table(a, y)?;
            stack_tables(a, &row)
        }
        (Value::KeyedTable(a), Value::KeyedTable(b)) => upsert_keyed(a, b),
        (Value::KeyedTable(a), Value::List(_)) => {
            let rows = rows_as_keyed(a, &y)?;
            upsert_keyed(a, &rows)
        }
        (Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_), _)
        | (_, Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_)) => Err(QError::type_()),
        _ if is_empty_general(&x) => Ok(as_list(y)),
        _ if is_empty_general(&y) => Ok(as_list(x)),
        _ => Ok(join_general(x, y)),
    }
}

/// Lists (or atoms) of different types end to end, as a general list. `x` is taken by
/// value: when it is a general list held nowhere else, `y`'s items are appended in place.
fn join_general(x: Value, y: Value) -> Value {
    let mut v = match x {
        Value::List(v) => v,
        x => Vector::from(to_items(&x)),
    };
    v.set_attribute(qport_value::Attribute::None);
    if is_list(&y) {
        v.extend_from_slice(&to_items(&y));
    } else {
        v.push(y);
    }
    Value::List(v)
}

/// A list as itself, anything else enlisted.
fn as_list(x: Value) -> Value {
    if is_list(&x) {
        x
    } else {
        enlist(x)
    }
}

/// `a,b` of dictionaries: `a`'s entries, those with `b`'s keys replaced, then `b`'s new
/// entries.
fn merge_dicts(a: &Dict, b: &Dict) -> QResult {
    let n = a.len() as i64;
    let positions = super::list_search::find(a.keys.clone(), b.keys.clone())?;
    let positions = longs_of(&positions).ok_or_else(QError::type_)?;
    let mut values = to_items(&a.values);
    let mut new = Vec::new();
    for (j, &p) in positions.iter().enumerate() {
        if p < n {
            values[p as usize] = item(&b.values, j);
        } else {
            new.push(j);
        }
    }
    let keys = join(a.keys.clone(), gather(&b.keys, &new)?)?;
    values.extend(new.iter().map(|&j| item(&b.values, j)));
    let values = match (&a.values, from_items(values)) {
        // Keep a general list general when a's values were (lists of lists stay so).
        (Value::List(_), Value::List(v)) => Value::List(v),
        (_, v) => v,
    };
    make_dict(keys, values)
}

/// Tables with the same columns, one's rows after the other's.
fn stack_tables(a: &Table, b: &Table) -> QResult {
    if a.columns().len() != b.columns().len() {
        return Err(QError::new("mismatch"));
    }
    let mut columns = Vec::with_capacity(a.columns().len());
    for (name, c) in a.names().iter().zip(a.columns()) {
        let other = b.column(*name).ok_or_else(|| QError::new("mismatch"))?;
        columns.push(join(c.clone(), other.clone())?);
    }
    make_table(a.names().clone(), columns)
}

/// A record (dictionary of column values, or list of them in column order) as a one-row
/// table with `t`'s columns.
fn record_table(t: &Table, record: &Value) -> QResult<Table> {
    let values: Vec<Value> = match record {
        Value::Dict(d) => t
            .names()
            .iter()
            .map(|name| {
                let keys = to_items(&d.keys);
                keys.iter()
                    .position(|k| *k == Value::Symbol(*name))
                    .map(|p| item(&d.values, p))
                    .ok_or_else(|| QError::new("mismatch"))
            })
            .collect::<QResult<_>>()?,
        record => to_items(record),
    };
    if values.len() != t.columns().len() {
        return Err(QError::length());
    }
    // A list of row lists (`t,(7 8;9 10)`): each item a column of several rows.
    let columns = values
        .into_iter()
        .map(|v| if is_list(&v) { v } else { enlist(v) })
        .collect();
    Table::new(t.names().clone(), columns).map_err(value_error)
}

/// A list of rows `(key...;value...)` for a keyed table, as a keyed table.
fn rows_as_keyed(k: &KeyedTable, rows: &Value) -> QResult<KeyedTable> {
    let rows = to_items(rows);
    let nk = k.key.columns().len();
    let width = nk + k.value.columns().len();
    // One row (all atoms), or a list of rows.
    let rows: Vec<Vec<Value>> = if rows.iter().all(Value::is_atom) {
        vec![rows]
    } else {
        rows.iter().map(to_items).collect()
    };
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); width];
    for row in &rows {
        if row.len() != width {
            return Err(QError::length());
        }
        for (c, v) in row.iter().enumerate() {
            columns[c].push(v.clone());
        }
    }
    let mut columns = columns.into_iter().map(from_items);
    let key = Table::new(k.key.names().clone(), columns.by_ref().take(nk).collect())
        .map_err(value_error)?;
    let value = Table::new(k.value.names().clone(), columns.collect()).map_err(value_error)?;
    KeyedTable::new(key, value).map_err(value_error)
}

/// `a,b` of keyed tables: rows of `b` whose keys are in `a` replace those columns of
/// `a`'s rows; the others are appended (their missing columns null).
fn upsert_keyed(a: &KeyedTable, b: &KeyedTable) -> QResult {
    let n = a.key.row_count() as i64;
    let positions =
        super::list_search::find(Value::table(a.key.clone()), Value::table(b.key.clone()))?;
    let positions = longs_of(&positions).ok_or_else(QError::type_)?;
    let new: Vec<usize> = (0..positions.len())
        .filter(|&j| positions[j] >= n)
        .collect();
    let key = stack_tables(&a.key, &gather_table(&b.key, &new)?)?;
    let mut columns = Vec::with_capacity(a.value.columns().len());
    for (name, c) in a.value.names().iter().zip(a.value.columns()) {
        let mut items = to_items(c);
        let from = b.value.column(*name);
        for (j, &p) in positions.iter().enumerate() {
            let v = match from {
                Some(col) => item(col, j),
                None if p < n => continue,
                None => item(c, usize::MAX),
            };
            if p < n {
                items[p as usize] = v;
            } else {
                items.push(v);
            }
        }
        columns.push(match (c, from_items(items)) {
            (Value::List(_), Value::List(v)) => Value::List(v),
            (_, v) => v,
        });
    }
    let value = Table::new(a.value.names().clone(), columns).map_err(value_error)?;
    let Value::Table(key) = key else {
        return Err(QError::type_());
    };
    Ok(Value::keyed_table(
        KeyedTable::new((*key).clone(), value).map_err(value_error)?,
    ))
}

/// Rows of a table as a table.
fn gather_table(t: &Table, idx: &[usize]) -> QResult<Table> {
    super::list_index::gather_rows(t, idx)
}

/// `raze x`: the items of `x` joined (one level flattened); an atom enlisted; a
/// dictionary's values razed.
pub fn raze(x: Value) -> QResult {
    match x {
        Value::Dict(d) => raze(d.values.clone()),
        Value::List(items) => raze_items(items),
        x if x.is_atom() => Ok(enlist(x)),
        x => Ok(x),
    }
}

/// Joins a general list's items: typed when they are all of one simple type.
fn raze_items(items: Vector<Value>) -> QResult {
    let parts: Vec<&Value> = items.iter().filter(|e| !is_empty_general(e)).collect();
    let Some(first) = parts.first() else {
        return Ok(Value::List(Vector::default()));
    };
    let t = first.type_number().unsigned_abs();
    let simple = (1..=19).contains(&t)
        && parts
            .iter()
            .all(|e| e.type_number().unsigned_abs() == t && (e.is_atom() || is_list(e)));
    if simple {
        macro_rules! typed {
            ($(($atom:ident, $vector:ident, $item:ty)),*) => {
                match first {
                    $(Value::$atom(_) | Value::$vector(_) => {
                        let total: usize = parts.iter().map(|e| count(e)).sum();
                        let mut out: Vec<$item> = Vec::with_capacity(total);
                        for e in &parts {
                            match e {
                                Value::$vector(v) => out.extend_from_slice(v),
                                Value::$atom(a) => out.push(*a),
                                _ => return Err(QError::type_()),
                            }
                        }
                        return Ok(Value::$vector(Vector::from(out)));
                    })*
                    _ => {}
                }
            };
        }
        crate::for_each_simple_type!(typed);
    }
    if parts
        .iter()
        .any(|e| matches!(e, Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_)))
    {
        let mut acc = parts[0].clone();
        for e in &parts[1..] {
            acc = join(acc, (*e).clone())?;
        }
        return Ok(acc);
    }
    let mut out = Vec::with_capacity(parts.len());
    for e in parts {
        if is_list(e) {
            out.extend(to_items(e));
        } else {
            out.push(e.clone());
        }
    }
    Ok(Value::List(Vector::from(out)))
}

/// `x cross y`: every item of `x` joined with every item of `y` (x's items varying
/// slowest); for tables, every row of one with every row of the other.
pub fn cross(x: Value, y: Value) -> QResult {
    if let (Value::Table(a), Value::Table(b)) = (&x, &y) {
        return cross_tables(a, b);
    }
    if matches!(x, Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_))
        || matches!(y, Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_))
    {
        return Err(QError::type_());
    }
    let x = as_list(x);
    let y = as_list(y);
    let (n, m) = (count(&x), count(&y));
    let mut out = Vec::with_capacity(n * m);
    for i in 0..n {
        let a = item(&x, i);
        for j in 0..m {
            out.push(join(a.clone(), item(&y, j))?);
        }
    }
    Ok(from_items(out))
}

/// Every row of `a` with every row of `b`: `a`'s columns each row repeated, `b`'s tiled.
fn cross_tables(a: &Table, b: &Table) -> QResult {
    let (n, m) = (a.row_count(), b.row_count());
    let repeat: Vec<usize> = (0..n * m).map(|k| k / m.max(1)).collect();
    let tile: Vec<usize> = (0..n * m).map(|k| k % m.max(1)).collect();
    let mut names: Vec<Symbol> = a.names().to_vec();
    let mut columns = a
        .columns()
        .iter()
        .map(|c| gather(c, &repeat))
        .collect::<QResult<Vec<_>>>()?;
    for (name, c) in b.names().iter().zip(b.columns()) {
        if !names.contains(name) {
            names.push(*name);
            columns.push(gather(c, &tile)?);
        }
    }
    make_table(Vector::from(names), columns)
}

#[cfg(test)]
mod tests {
    use crate::verbs::list::list_testkit::{check, fails};

    #[test]
    fn join_lists_and_atoms() {
        check("1 2 3,4", "1 2 3 4");
        check("1 2,3 4", "1 2 3 4");
        check("1,2", "1 2");
        check("\"ab\",\"c\"", "\"abc\"");
        check("`a,`b`c", "`a`b`c");
        check("(0;1 2.5;01b),(`a;\"abc\")", "(0;1 2.5;01b;`a;\"abc\")");
        check("1 2.4 5,-7.9 10", "1 2.4 5 -7.9 10");
        check("1 2.4 5,-7.9", "1 2.4 5 -7.9");
        check("1 2.4 5, -7.9 10e", "(1f;2.4;5f;-7.9e;10e)");
        check("1 2,3.0", "(1;2;3f)");
        check("(),5", "enlist 5");
        check("(),1 2", "1 2");
        check("1 2,()", "1 2");
        check("(enlist 1 2 3),4 5 6", "(1 2 3;4;5;6)");
        check("(enlist 1 2 3),enlist 4 5 6", "(1 2 3;4 5 6)");
        check("(1;`a),2", "(1;`a;2)");
        check("`a,1", "(`a;1)");
    }

    #[test]
    fn join_dictionaries_and_tables() {
        check("(`a`b`c!1 2 3),`c`d!4 5", "`a`b`c`d!1 2 4 5");
        check("(`a`b!1 2),`a`b!3 4", "`a`b!3 4");
        fails("10,`a`b!(1 2;3 5)", "type");
        check(
            "(flip `a`b!(1 2 3;`a`b`c)),flip `a`b!(10 11;`d`e)",
            "flip `a`b!(1 2 3 10 11;`a`b`c`d`e)",
        );
        check("(flip `a`b!(1 2;3 4)),`a`b!5 6", "flip `a`b!(1 2 5;3 4 6)");
        check("(flip `a`b!(1 2;3 4)),5 6", "flip `a`b!(1 2 5;3 4 6)");
        check(
            "(flip `a`b!(1 2;3 4)),(7 8;9 10)",
            "flip `a`b!(1 2 7 8;3 4 9 10)",
        );
        fails("(flip `a`b!(1 2;3 4)),flip `a`c!(1 2;3 4)", "mismatch");
    }

    #[test]
    fn join_keyed_tables_upserts() {
        check(
            "t:(flip enlist[`k]!enlist `a`b)!flip `a`b!(1 2;3 4); t,((`c;5;6);(`d;7;8))",
            "(flip enlist[`k]!enlist `a`b`c`d)!flip `a`b!(1 2 5 7;3 4 6 8)",
        );
        check(
            "t:(flip enlist[`k]!enlist `a`b`c)!flip `a`b!(1 2 5;3 4 6); t,(flip enlist[`k]!enlist `c`f)!flip enlist[`a]!enlist 10 12",
            "(flip enlist[`k]!enlist `a`b`c`f)!flip `a`b!(1 2 10 12;3 4 6 0N)",
        );
    }

    #[test]
    fn raze_one_level() {
        check("raze (1 2;3 4 5)", "1 2 3 4 5");
        check("raze (1 2;(3 4;5 6);7;8)", "(1;2;3 4;5 6;7;8)");
        check("raze 42", "enlist 42");
        check("raze `q`w`e!(1 2;3 4;5 6)", "1 2 3 4 5 6");
        check("raze (\"ab\";\"c\";\"\")", "\"abc\"");
        check("raze (1 2;3)", "1 2 3");
        check("raze (1 2;`a)", "(1;2;`a)");
        check("raze ()", "()");
        check("raze ((1 2;3);(4 5;6))", "(1 2;3;4 5;6)");
        check("raze (`a`b!1 2;`c`d!3 4)", "`a`b`c`d!1 2 3 4");
        fails("raze (10;`a`b!(1 2;3 5))", "type");
    }

    #[test]
    fn cross_pairs() {
        check("1 2 3 cross 10 20", "(1 10;1 20;2 10;2 20;3 10;3 20)");
        check(
            "(1 2;3 4) cross (5 6;7 8)",
            "(1 2 5 6;1 2 7 8;3 4 5 6;3 4 7 8)",
        );
        check("2 3 cross 10", "(2 10;3 10)");
        check(
            "(2 10;3 10) cross \"ab\"",
            "((2;10;\"a\");(2;10;\"b\");(3;10;\"a\");(3;10;\"b\"))",
        );
        check(
            "(flip enlist[`s]!enlist `IBM`MSFT) cross flip enlist[`v]!enlist 1 2",
            "flip `s`v!(`IBM`IBM`MSFT`MSFT;1 2 1 2)",
        );
    }
}
