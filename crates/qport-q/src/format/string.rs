//! q's `string`: an atom's text as a char vector, the text a table cell shows (`string 42`
//! is `"42"`, `` string `abc `` is `"abc"`, `string 2.5` follows `\P`, a null is `""`);
//! atomic, so a list gives a list of strings (a string's chars each become one), and a
//! dictionary or table keeps its shape with its values turned to strings. A function
//! gives its display text.

use qport_value::{Dict, KeyedTable, Table, Value, ValueError, Vector};

use super::atom::{write_item, Form};
use super::kform;
use crate::error::{QError, QResult};
use crate::items::{count, item};

/// `string x`, at the current `\P` precision.
pub fn string(x: Value) -> QResult {
    string_at(&x, super::precision())
}

fn string_at(x: &Value, precision: usize) -> QResult {
    Ok(match x {
        Value::List(items) => Value::List(
            items
                .iter()
                .map(|x| string_at(x, precision))
                .collect::<QResult<Vector<Value>>>()?,
        ),
        Value::Dict(d) => {
            Value::dict(Dict::new(d.keys.clone(), string_at(&d.values, precision)?).map_err(shape)?)
        }
        Value::Table(t) => Value::table(table_at(t, precision)?),
        Value::KeyedTable(k) => Value::keyed_table(
            KeyedTable::new(k.key.clone(), table_at(&k.value, precision)?).map_err(shape)?,
        ),
        Value::Function(_) => Value::string(kform::text(x, precision, usize::MAX)),
        Value::Error(_) => return Err(QError::type_()),
        x if x.is_atom() => Value::string(cell(x, precision)),
        x => Value::List(
            (0..count(x))
                .map(|i| Value::string(cell(&item(x, i), precision)))
                .collect(),
        ),
    })
}

fn cell(x: &Value, precision: usize) -> Vec<u8> {
    let mut out = Vec::new();
    write_item(x, Form::Cell, precision, &mut out);
    out
}

fn table_at(t: &Table, precision: usize) -> QResult<Table> {
    let columns = t
        .columns()
        .iter()
        .map(|c| string_at(c, precision))
        .collect::<QResult<Vec<Value>>>()?;
    Table::new(t.names().clone(), columns).map_err(shape)
}

fn shape(e: ValueError) -> QError {
    QError::new(e.q_text())
}

#[cfg(test)]
mod tests {
    use super::*;
    use qport_value::null::{NULL_INT, NULL_LONG};
    use qport_value::{Function, Symbol};

    fn s(x: Value) -> Value {
        string_at(&x, 7).unwrap()
    }

    fn strings(texts: &[&str]) -> Value {
        Value::list(texts.iter().map(|t| Value::string(*t)))
    }

    #[test]
    fn atoms_become_their_text() {
        assert_eq!(s(Value::Long(42)), Value::string("42"));
        assert_eq!(s(Value::Long(2)), Value::string("2"));
        assert_eq!(s(Value::symbol("ibm")), Value::string("ibm"));
        assert_eq!(s(Value::Float(1.0)), Value::string("1"));
        assert_eq!(s(Value::Float(1.1)), Value::string("1.1"));
        assert_eq!(s(Value::Float(1.23456789)), Value::string("1.234568"));
        assert_eq!(s(Value::Bool(true)), Value::string("1"));
        assert_eq!(s(Value::Char(b'a')), Value::string("a"));
        assert_eq!(s(Value::Date(0)), Value::string("2000.01.01"));
        assert_eq!(s(Value::Int(7)), Value::string("7"));
        assert_eq!(s(Value::Long(NULL_LONG)), Value::string(""));
        assert_eq!(s(Value::Date(NULL_INT)), Value::string(""));
        assert_eq!(s(Value::Symbol(Symbol::empty())), Value::string(""));
    }

    #[test]
    fn lists_become_lists_of_strings() {
        assert_eq!(
            s(Value::from(vec![192i64, 168, 1, 23])),
            strings(&["192", "168", "1", "23"])
        );
        assert_eq!(s(Value::string("cat")), strings(&["c", "a", "t"]));
        assert_eq!(
            s(Value::list([
                Value::from(vec![2i64, 3]),
                Value::string("abc")
            ])),
            Value::list([strings(&["2", "3"]), strings(&["a", "b", "c"])])
        );
        assert_eq!(s(Value::from(Vec::<i64>::new())), Value::list([]));
    }

    #[test]
    fn dictionaries_and_tables_keep_their_shape() {
        let d = Dict::new(Value::symbols(["a", "b"]), Value::from(vec![2002i64, 2004])).unwrap();
        let expected = Dict::new(Value::symbols(["a", "b"]), strings(&["2002", "2004"])).unwrap();
        assert_eq!(s(Value::dict(d)), Value::dict(expected));
        let names: Vector<Symbol> = ["a", "b"].iter().map(Symbol::new).collect();
        let t = Table::new(
            names.clone(),
            vec![Value::from(vec![1i64, 2]), Value::symbols(["ibm", "goog"])],
        )
        .unwrap();
        let expected =
            Table::new(names, vec![strings(&["1", "2"]), strings(&["ibm", "goog"])]).unwrap();
        assert_eq!(s(Value::table(t)), Value::table(expected));
    }

    #[test]
    fn functions_become_their_display_text() {
        let f = Value::Function(Function::lambda(Symbol::empty(), "{x*x}"));
        assert_eq!(s(f), Value::string("{x*x}"));
    }
}
