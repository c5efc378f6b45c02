//! Atomic extension: how a primitive defined on atoms and typed vectors reaches into
//! general lists (item by item, recursively), dictionaries (the values, keys kept; two
//! dictionaries over the union of their keys), tables (column by column) and keyed
//! tables (the value table; two keyed tables row by matching key).
//!
//! Also the shapes the aggregates and uniform functions share: an aggregate of a
//! dictionary is that of its values, of a table a dictionary of one per column; a uniform
//! function keeps a dictionary's keys and a table's columns.

use std::sync::Arc;

use qport_value::{Dict, KeyedTable, Symbol, Table, Value, Vector};

use super::native::is_simple;
use crate::error::{QError, QResult};
use crate::items::{count, from_items, item, to_items};

/// A primitive's definition on two simple arguments.
pub(crate) type Kernel2<'a> = &'a dyn Fn(Value, Value) -> QResult;
/// A primitive's definition on one simple argument.
pub(crate) type Kernel1<'a> = &'a dyn Fn(Value) -> QResult;

/// A dictionary from parts, with q's error for parts that do not fit.
pub(crate) fn make_dict(keys: Value, values: Value) -> QResult {
    Dict::new(keys, values)
        .map(Value::dict)
        .map_err(|e| QError::new(e.q_text()))
}

/// A table from column names and columns.
pub(crate) fn make_table(names: Vector<Symbol>, columns: Vec<Value>) -> QResult {
    Table::new(names, columns)
        .map(Value::table)
        .map_err(|e| QError::new(e.q_text()))
}

/// A table's columns as a dictionary (q's `flip`).
fn columns_dict(t: &Table) -> QResult {
    make_dict(
        Value::SymbolVector(t.names().clone()),
        Value::List(t.columns().iter().cloned().collect()),
    )
}

/// A dictionary of symbols to equal-length lists as a table.
fn dict_table(d: &Dict) -> QResult {
    let Value::SymbolVector(names) = &d.keys else {
        return Err(QError::type_());
    };
    make_table(names.clone(), to_items(&d.values))
}

/// `k` applied with atomic extension to `x` and `y`.
pub(crate) fn atomic2(x: Value, y: Value, k: Kernel2<'_>) -> QResult {
    if is_simple(&x) && is_simple(&y) {
        return k(x, y);
    }
    match (&x, &y) {
        (Value::KeyedTable(a), Value::KeyedTable(b)) => keyed_both(a, b, k),
        (Value::KeyedTable(a), _) => {
            let value = atomic2(Value::Table(Arc::new(a.value.clone())), y, k)?;
            rekey(a, value)
        }
        (_, Value::KeyedTable(b)) => {
            let value = atomic2(x, Value::Table(Arc::new(b.value.clone())), k)?;
            rekey(b, value)
        }
        (Value::Table(a), Value::Table(b)) => {
            let d = atomic2(columns_dict(a)?, columns_dict(b)?, k)?;
            match &d {
                Value::Dict(d) => dict_table(d),
                _ => Err(QError::type_()),
            }
        }
        (Value::Table(_), Value::Dict(_)) | (Value::Dict(_), Value::Table(_)) => Err(QError::nyi()),
        (Value::Table(a), _) => {
            let columns = a
                .columns()
                .iter()
                .map(|c| atomic2(c.clone(), y.clone(), k))
                .collect::<QResult<Vec<_>>>()?;
            make_table(a.names().clone(), columns)
        }
        (_, Value::Table(b)) => {
            let columns = b
                .columns()
                .iter()
                .map(|c| atomic2(x.clone(), c.clone(), k))
                .collect::<QResult<Vec<_>>>()?;
            make_table(b.names().clone(), columns)
        }
        (Value::Dict(a), Value::Dict(b)) => dict_both(a, b, k),
        (Value::Dict(a), _) => make_dict(a.keys.clone(), atomic2(a.values.clone(), y, k)?),
        (_, Value::Dict(b)) => make_dict(b.keys.clone(), atomic2(x, b.values.clone(), k)?),
        (Value::List(_), _) | (_, Value::List(_)) => list2(x, y, k),
        _ => Err(QError::type_()),
    }
}

/// Item by item, when one argument is a general list.
fn list2(x: Value, y: Value, k: Kernel2<'_>) -> QResult {
    let (xl, yl) = (!x.is_atom(), !y.is_atom());
    let n = match (xl, yl) {
        (true, true) if count(&x) != count(&y) => return Err(QError::length()),
        (true, _) => count(&x),
        _ => count(&y),
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let a = if xl { item(&x, i) } else { x.clone() };
        let b = if yl { item(&y, i) } else { y.clone() };
        out.push(atomic2(a, b, k)?);
    }
    Ok(from_items(out))
}

/// Two dictionaries: the operation where a key is in both, the value of whichever has it
/// elsewhere (`y`'s new keys after `x`'s, as an upsert).
fn dict_both(a: &Dict, b: &Dict, k: Kernel2<'_>) -> QResult {
    let (ak, bk) = (to_items(&a.keys), to_items(&b.keys));
    let mut values = to_items(&a.values);
    let b_values = to_items(&b.values);
    let mut keys = ak.clone();
    for (j, key) in bk.iter().enumerate() {
        match ak
            .iter()
            .position(|k2| crate::verbs::compare::match_values(k2, key))
        {
            Some(i) => values[i] = atomic2(values[i].clone(), b_values[j].clone(), k)?,
            None => {
                keys.push(key.clone());
                values.push(b_values[j].clone());
            }
        }
    }
    make_dict(from_items(keys), from_items(values))
}

/// A keyed table with a new value table.
fn rekey(kt: &KeyedTable, value: Value) -> QResult {
    match value {
        Value::Table(v) => KeyedTable::new(kt.key.clone(), (*v).clone())
            .map(Value::keyed_table)
            .map_err(|e| QError::new(e.q_text())),
        _ => Err(QError::type_()),
    }
}

/// One row of a table, as the items of each column.
fn row(t: &Table, i: usize) -> Vec<Value> {
    t.columns().iter().map(|c| item(c, i)).collect()
}

/// Two keyed tables: rows of `b` whose key is in `a` combine with that row, the others
/// are appended (upsert semantics). Their value columns must be the same.
fn keyed_both(a: &KeyedTable, b: &KeyedTable, k: Kernel2<'_>) -> QResult {
    if a.key == b.key {
        let value = atomic2(
            Value::Table(Arc::new(a.value.clone())),
            Value::Table(Arc::new(b.value.clone())),
            k,
        )?;
        return rekey(a, value);
    }
    if a.value.names() != b.value.names() || a.key.names() != b.key.names() {
        return Err(QError::nyi());
    }
    let mut keys: Vec<Vec<Value>> = (0..a.key.row_count()).map(|i| row(&a.key, i)).collect();
    let mut values: Vec<Vec<Value>> = (0..a.value.row_count()).map(|i| row(&a.value, i)).collect();
    let original = keys.len();
    for j in 0..b.key.row_count() {
        let key = row(&b.key, j);
        let found = keys[..original].iter().position(|r| {
            r.iter()
                .zip(key.iter())
                .all(|(p, q)| crate::verbs::compare::match_values(p, q))
        });
        let incoming = row(&b.value, j);
        match found {
            Some(i) => {
                let combined = values[i]
                    .iter()
                    .zip(incoming)
                    .map(|(p, q)| atomic2(p.clone(), q, k))
                    .collect::<QResult<Vec<_>>>()?;
                values[i] = combined;
            }
            None => {
                keys.push(key);
                values.push(incoming);
            }
        }
    }
    let key = rows_table(a.key.names(), &keys)?;
    let value = rows_table(a.value.names(), &values)?;
    match (key, value) {
        (Value::Table(key), Value::Table(value)) => {
            KeyedTable::new((*key).clone(), (*value).clone())
                .map(Value::keyed_table)
                .map_err(|e| QError::new(e.q_text()))
        }
        _ => Err(QError::type_()),
    }
}

/// A table built from rows.
fn rows_table(names: &Vector<Symbol>, rows: &[Vec<Value>]) -> QResult {
    let columns = (0..names.len())
        .map(|c| from_items(rows.iter().map(|r| r[c].clone()).collect()))
        .collect();
    make_table(names.clone(), columns)
}

/// `k` applied with atomic extension to one argument.
pub(crate) fn atomic1(x: Value, k: Kernel1<'_>) -> QResult {
    match x {
        x if is_simple(&x) => k(x),
        Value::List(items) => {
            let out = items
                .iter()
                .map(|v| atomic1(v.clone(), k))
                .collect::<QResult<Vec<_>>>()?;
            Ok(from_items(out))
        }
        other => each_part(other, &|v| atomic1(v, k)),
    }
}

/// A uniform function (one result item per argument item): a dictionary's values with
/// its keys kept, a table's columns, a keyed table's value columns; anything else to `k`.
pub(crate) fn uniform1(x: Value, k: Kernel1<'_>) -> QResult {
    match x {
        Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_) => each_part(x, k),
        other => k(other),
    }
}

/// `k` on a dictionary's values, on each column of a table, on each value column of a
/// keyed table.
fn each_part(x: Value, k: Kernel1<'_>) -> QResult {
    match x {
        Value::Dict(d) => make_dict(d.keys.clone(), k(d.values.clone())?),
        Value::Table(t) => {
            let columns = t
                .columns()
                .iter()
                .map(|c| k(c.clone()))
                .collect::<QResult<Vec<_>>>()?;
            make_table(t.names().clone(), columns)
        }
        Value::KeyedTable(kt) => {
            let value = each_part(Value::Table(Arc::new(kt.value.clone())), k)?;
            rekey(&kt, value)
        }
        _ => Err(QError::type_()),
    }
}

/// An aggregate: of a dictionary its values, of a table a dictionary of column names to
/// the aggregate of each column (a keyed table: of its value columns).
pub(crate) fn aggregate1(x: Value, k: Kernel1<'_>) -> QResult {
    match x {
        Value::Dict(d) => k(d.values.clone()),
        Value::Table(t) => {
            let results = t
                .columns()
                .iter()
                .map(|c| k(c.clone()))
                .collect::<QResult<Vec<_>>>()?;
            make_dict(Value::SymbolVector(t.names().clone()), from_items(results))
        }
        Value::KeyedTable(kt) => aggregate1(Value::Table(Arc::new(kt.value.clone())), k),
        other => k(other),
    }
}

/// A uniform binary function of a parameter `x` and data `y`: a dictionary's values with
/// its keys kept, a table's columns, a keyed table's value columns.
pub(crate) fn uniform2(x: Value, y: Value, k: Kernel2<'_>) -> QResult {
    match y {
        Value::Dict(_) | Value::Table(_) | Value::KeyedTable(_) => {
            each_part(y, &|v| k(x.clone(), v))
        }
        other => k(x, other),
    }
}
