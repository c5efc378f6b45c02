//! Dictionaries and tables as shapes: Dict (`!`), `flip`, `key`, `value` of a dictionary,
//! and `enlist` of a dictionary (a one-row table).

use qport_value::{KeyedTable, Symbol, Table, Value, Vector};

use super::list_index::{long_of, make_dict, make_table, value_error};
use crate::error::{QError, QResult};
use crate::items::{count, enlist, from_items, is_list, item};

/// `x!y`: a dictionary of keys `x` and values `y` (lists of one count); `n!t` a keyed
/// table of `t` with its first `n` columns as the key (`0!` unkeys); a table of keys and a
/// table of values make a keyed table.
pub fn dict(x: Value, y: Value) -> QResult {
    match (&x, &y) {
        (Value::Table(k), Value::Table(v)) => Ok(Value::keyed_table(
            KeyedTable::new((**k).clone(), (**v).clone()).map_err(value_error)?,
        )),
        (n, Value::Table(t)) if n.is_atom() => {
            let n = key_count(n)?;
            key_table(t, n)
        }
        (n, Value::KeyedTable(k)) if n.is_atom() => {
            let n = key_count(n)?;
            let whole = unkey(k)?;
            key_table(&whole, n)
        }
        (x, y) if x.is_atom() && y.is_atom() => Err(QError::type_()),
        (x, y) if x.is_atom() || y.is_atom() => Err(QError::length()),
        _ => make_dict(x, y),
    }
}

/// The count in `n!table`.
fn key_count(n: &Value) -> QResult<usize> {
    match long_of(n) {
        Some(n) if n >= 0 => Ok(n as usize),
        Some(_) => Err(QError::length()),
        None => Err(QError::type_()),
    }
}

/// A keyed table's key and value columns side by side, as one table.
fn unkey(k: &KeyedTable) -> QResult<Table> {
    let mut names = k.key.names().to_vec();
    names.extend_from_slice(k.value.names());
    let mut columns = k.key.columns().to_vec();
    columns.extend_from_slice(k.value.columns());
    Table::new(Vector::from(names), columns).map_err(value_error)
}

/// `t` keyed on its first `n` columns (the plain table for 0).
fn key_table(t: &Table, n: usize) -> QResult {
    if n == 0 {
        return Ok(Value::table(t.clone()));
    }
    let width = t.columns().len();
    if n >= width {
        return Err(QError::length());
    }
    let part = |from: usize, to: usize| {
        Table::new(
            Vector::from(t.names()[from..to].to_vec()),
            t.columns()[from..to].to_vec(),
        )
        .map_err(value_error)
    };
    Ok(Value::keyed_table(
        KeyedTable::new(part(0, n)?, part(n, width)?).map_err(value_error)?,
    ))
}

/// `flip x`: a dictionary of symbols to equal-count lists (atoms stretched) as a table; a
/// table as such a dictionary; a list of equal-count lists transposed.
pub fn flip(x: Value) -> QResult {
    match &x {
        Value::Dict(d) => {
            let Value::SymbolVector(names) = &d.keys else {
                return Err(QError::type_());
            };
            let values = crate::items::to_items(&d.values);
            let rows = common_count(&values)?;
            let columns = values
                .into_iter()
                .map(|v| stretch(v, rows))
                .collect::<QResult<Vec<_>>>()?;
            make_table(names.clone(), columns)
        }
        Value::Table(t) => make_dict(
            Value::SymbolVector(t.names().clone()),
            Value::List(Vector::from(t.columns().to_vec())),
        ),
        Value::List(items) => {
            if items.is_empty() {
                return Ok(x.clone());
            }
            let rows = common_count(items)?;
            let out: Vec<Value> = (0..rows)
                .map(|r| {
                    from_items(
                        items
                            .iter()
                            .map(|e| if e.is_atom() { e.clone() } else { item(e, r) })
                            .collect(),
                    )
                })
                .collect();
            Ok(Value::List(Vector::from(out)))
        }
        _ => Err(QError::rank()),
    }
}

/// The one count of the lists among `values` (atoms go along with any); `'length` when
/// they differ, `'rank` when there are none.
fn common_count(values: &[Value]) -> QResult<usize> {
    let mut rows = None;
    for v in values {
        if v.is_atom() {
            continue;
        }
        if !is_list(v) {
            return Err(QError::type_());
        }
        match rows {
            Some(n) if n != count(v) => return Err(QError::length()),
            _ => rows = Some(count(v)),
        }
    }
    rows.ok_or_else(QError::rank)
}

/// A column of `rows` items: a list as it is, an atom repeated.
fn stretch(v: Value, rows: usize) -> QResult {
    if v.is_atom() {
        return super::list_take::take(Value::Long(rows as i64), v);
    }
    Ok(v)
}

/// `key x`: a dictionary's keys, a keyed table's key table; `key n` is `til n`; a
/// vector's type name.
pub fn key(x: Value) -> QResult {
    match &x {
        Value::Dict(d) => Ok(d.keys.clone()),
        Value::KeyedTable(k) => Ok(Value::table(k.key.clone())),
        x if x.is_atom() && long_of(x).is_some() => super::til(x.clone()),
        x if is_list(x) && !matches!(x, Value::List(_)) => {
            Ok(Value::Symbol(Symbol::new(type_name(x.type_number()))))
        }
        _ => Err(QError::type_()),
    }
}

/// The name `key` gives a vector's type.
fn type_name(t: i8) -> &'static str {
    match t {
        1 => "boolean",
        2 => "guid",
        4 => "byte",
        5 => "short",
        6 => "int",
        7 => "long",
        8 => "real",
        9 => "float",
        10 => "char",
        11 => "symbol",
        12 => "timestamp",
        13 => "month",
        14 => "date",
        15 => "datetime",
        16 => "timespan",
        17 => "minute",
        18 => "second",
        19 => "time",
        _ => "",
    }
}

/// `value x` of a dictionary: its values (a keyed table's value table); anything else
/// as it is.
pub fn value_of_dict(x: Value) -> QResult {
    Ok(match x {
        Value::Dict(d) => d.values.clone(),
        Value::KeyedTable(k) => Value::table(k.value.clone()),
        x => x,
    })
}

/// `enlist` of a dictionary with symbol keys: the one-row table of its entries.
pub(crate) fn row_table(x: &Value) -> Option<Value> {
    let Value::Dict(d) = x else {
        return None;
    };
    let Value::SymbolVector(names) = &d.keys else {
        return None;
    };
    let columns = crate::items::to_items(&d.values)
        .into_iter()
        .map(enlist)
        .collect();
    make_table(names.clone(), columns).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verbs::list::list_testkit::{check, fails, q};

    #[test]
    fn dictionaries_from_keys_and_values() {
        let d = q("`a`b`c!1 2 3");
        let Value::Dict(d) = d else { panic!() };
        assert_eq!(d.keys, Value::symbols(["a", "b", "c"]));
        assert_eq!(d.values, q("1 2 3"));
        check("count `a`b!(1 2;\"xyz\")", "2");
        fails("`a`b!1 2 3", "length");
        fails("`a`b!1", "length");
        fails("`a!1", "type");
        check("type 2 1 4!64 69 23", "99h");
    }

    #[test]
    fn keyed_tables_from_counts_and_tables() {
        let t = "t:flip `name`city`eye!(`Tom`Jo`Tom;`NYC`LA`Lagos;`green`blue`brown)";
        let kt = q(&format!("{t}; 2!t"));
        let Value::KeyedTable(k) = &kt else { panic!() };
        assert_eq!(k.key.names().len(), 2);
        assert_eq!(k.value.names().len(), 1);
        check(&format!("{t}; 2!t"), &format!("{t}; (`name`city#t)!`eye#t"));
        check(&format!("{t}; 0!2!t"), &format!("{t}; t"));
        check(&format!("{t}; 0!t"), &format!("{t}; t"));
        fails(&format!("{t}; 3!t"), "length");
    }

    #[test]
    fn flip_transposes() {
        check("flip (1 2 3;4 5 6)", "(1 4;2 5;3 6)");
        check("flip (1 2;3)", "(1 3;2 3)");
        check("flip (\"ab\";\"cd\")", "(\"ac\";\"bd\")");
        check(
            "flip `sym`price`size!(`IBM`MSFT;10.2 23.45;100 100)",
            "flip `sym`price`size!(`IBM`MSFT;10.2 23.45;100 100)",
        );
        check("D:`a`b!(1 2;3 4); D~flip flip D", "1b");
        check("flip flip `a`b!(1 2;`x`y)", "`a`b!(1 2;`x`y)");
        check("flip `a`b!(1 2;5)", "flip `a`b!(1 2;5 5)");
        check("count flip `a`b!(1 2 3;4 5 6)", "3");
        fails("flip (1 2;3 4 5)", "length");
        fails("flip `a`b!(1 2;3 4 5)", "length");
        fails("flip 1 2 3", "rank");
        fails("flip 1 2!(3 4;5 6)", "type");
    }

    #[test]
    fn key_and_value() {
        check("key `q`w`e!(1 2;3 4;5 6)", "`q`w`e");
        check("key (enlist `a)!enlist 1", "enlist `a");
        check("key 10", "til 10");
        check("key \"abc\"", "`char");
        check("key 101b", "`boolean");
        check("key 0#5", "`long");
        check(
            "key (flip enlist[`s]!enlist `q`w`e)!flip `g`h!(1 2 3;4 5 6)",
            "flip enlist[`s]!enlist `q`w`e",
        );
        check("value `a`b!1 2", "1 2");
        check(
            "value (flip enlist[`s]!enlist `q`w)!flip `g`h!(1 2;4 5)",
            "flip `g`h!(1 2;4 5)",
        );
        check("!:3", "0 1 2");
        fails("key 1.5", "type");
    }

    #[test]
    fn enlist_of_a_dictionary_is_a_table() {
        check(
            "enlist `a`b`c!(1;2 3;4)",
            "flip `a`b`c!(enlist 1;enlist 2 3;enlist 4)",
        );
        check("type enlist 1 2!3 4", "0h");
        check("count enlist 1 2!3 4", "1");
        check("enlist 5", "enlist 5");
        check(",:`a", "enlist `a");
    }
}
