//! The one-line (k) form of any value, as `-3!`, `.Q.s1` and `0N!` write it, and as the
//! console writes items nested in lists, dictionaries and tables:
//! `(1;`a;"abc")`, `,1 2`, `` `a`b!1 2 ``, `+`a`b!(1 2;3 4)` for a table,
//! `(+(,`k)!,1 2)!+(,`v)!,3 4` for a keyed table.

use qport_value::{Attribute, Dict, KeyedTable, Table, Value};

use super::atom::write_atom;
use super::function::write_function;
use super::vector::write_vector;
use crate::items::is_list;

/// Writes `x` in one line; stops adding items once `out` is longer than `cap`
/// (`usize::MAX` for the whole text).
pub fn write(x: &Value, precision: usize, out: &mut Vec<u8>, cap: usize) {
    match x {
        Value::List(items) => write_list(items, precision, out, cap),
        Value::Dict(d) => write_dict(d, precision, out, cap),
        Value::Table(t) => write_table(t, precision, out, cap),
        Value::KeyedTable(k) => write_keyed(k, precision, out, cap),
        Value::Function(f) => write_function(f, precision, out, cap),
        Value::Error(text) => {
            out.push(b'\'');
            out.extend_from_slice(text.as_bytes());
        }
        x if x.is_atom() => write_atom(x, precision, out),
        x => write_vector(x, precision, out, cap),
    }
}

/// The one-line form as a new buffer.
pub fn text(x: &Value, precision: usize, cap: usize) -> Vec<u8> {
    let mut out = Vec::new();
    write(x, precision, &mut out, cap);
    out
}

fn write_list(items: &[Value], precision: usize, out: &mut Vec<u8>, cap: usize) {
    match items {
        [] => out.extend_from_slice(b"()"),
        [only] => {
            out.push(b',');
            write(only, precision, out, cap);
        }
        items => {
            out.push(b'(');
            for (i, x) in items.iter().enumerate() {
                if out.len() > cap {
                    return;
                }
                if i > 0 {
                    out.push(b';');
                }
                write(x, precision, out, cap);
            }
            out.push(b')');
        }
    }
}

/// `keys!values`; the keys in parentheses unless their text is a single noun, since
/// q reads `,`a!1` as `,(`a!1)`.
fn write_dict(d: &Dict, precision: usize, out: &mut Vec<u8>, cap: usize) {
    if d.sorted && d.keys.attribute() != Attribute::Sorted {
        out.extend_from_slice(b"`s#");
    }
    write_left(&d.keys, precision, out, cap);
    out.push(b'!');
    write(&d.values, precision, out, cap);
}

/// The left argument of `!`: parenthesized unless it is a plain vector or a list of
/// several items, whose text cannot take `!` into itself.
fn write_left(x: &Value, precision: usize, out: &mut Vec<u8>, cap: usize) {
    let plain = match x {
        Value::List(items) => items.len() != 1,
        Value::CharVector(v) => v.len() != 1 && x.attribute() == Attribute::None,
        x if is_list(x) => x.count() > 1 && x.attribute() == Attribute::None,
        _ => false,
    };
    if !plain {
        out.push(b'(');
    }
    write(x, precision, out, cap);
    if !plain {
        out.push(b')');
    }
}

/// `+names!columns`: a table is the flip of its column dictionary.
fn write_table(t: &Table, precision: usize, out: &mut Vec<u8>, cap: usize) {
    if t.attribute != Attribute::None {
        out.push(b'`');
        out.extend_from_slice(t.attribute.letter().as_bytes());
        out.push(b'#');
    }
    out.push(b'+');
    let names = Value::SymbolVector(t.names().clone());
    write_left(&names, precision, out, cap);
    out.push(b'!');
    write_list(t.columns(), precision, out, cap);
}

fn write_keyed(k: &KeyedTable, precision: usize, out: &mut Vec<u8>, cap: usize) {
    if k.sorted && k.key.attribute == Attribute::None {
        out.extend_from_slice(b"`s#");
    }
    out.push(b'(');
    write_table(&k.key, precision, out, cap);
    out.extend_from_slice(b")!");
    write_table(&k.value, precision, out, cap);
}

#[cfg(test)]
mod tests {
    use super::*;
    use qport_value::{Symbol, Vector};

    fn k(x: &Value) -> String {
        String::from_utf8(text(x, 7, usize::MAX)).unwrap()
    }

    fn table(names: &[&str], columns: Vec<Value>) -> Table {
        Table::new(names.iter().map(Symbol::new).collect(), columns).unwrap()
    }

    #[test]
    fn general_lists() {
        let x = Value::list([Value::Long(1), Value::symbol("a"), Value::string("abc")]);
        assert_eq!(k(&x), "(1;`a;\"abc\")");
        assert_eq!(k(&Value::list([])), "()");
        assert_eq!(k(&Value::list([Value::from(vec![1i64, 2])])), ",1 2");
        let nested = Value::list([
            Value::from(vec![5i32, 6]),
            Value::list([Value::string("hello,world"), Value::string("1")]),
        ]);
        assert_eq!(k(&nested), "(5 6i;(\"hello,world\";,\"1\"))");
        let deep = Value::list([Value::from(vec![-10i16, -10]), Value::Short(-7)]);
        assert_eq!(k(&deep), "(-10 -10h;-7h)");
    }

    #[test]
    fn dictionaries() {
        let d =
            Value::dict(Dict::new(Value::symbols(["a", "b"]), Value::from(vec![1i64, 2])).unwrap());
        assert_eq!(k(&d), "`a`b!1 2");
        let one = Value::dict(Dict::new(Value::symbols(["a"]), Value::from(vec![1i64])).unwrap());
        assert_eq!(k(&one), "(,`a)!,1");
        let empty = Value::dict(Dict::new(Value::list([]), Value::list([])).unwrap());
        assert_eq!(k(&empty), "()!()");
        let mixed = Value::dict(
            Dict::new(
                Value::symbols(["", "when"]),
                Value::list([Value::IDENTITY, Value::Long(4)]),
            )
            .unwrap(),
        );
        assert_eq!(k(&mixed), "``when!(::;4)");
    }

    #[test]
    fn tables_and_keyed_tables() {
        let t = table(
            &["a", "b"],
            vec![Value::from(vec![1i64, 2]), Value::from(vec![3i64, 4])],
        );
        assert_eq!(k(&Value::table(t)), "+`a`b!(1 2;3 4)");
        let key = table(&["k"], vec![Value::from(vec![1i64, 2])]);
        let value = table(&["v"], vec![Value::from(vec![3i64, 4])]);
        let kt = Value::keyed_table(KeyedTable::new(key, value).unwrap());
        assert_eq!(k(&kt), "(+(,`k)!,1 2)!+(,`v)!,3 4");
        let sorted_col = Value::SymbolVector(Vector::with_attribute(
            vec![
                Symbol::new("blue"),
                Symbol::new("green"),
                Symbol::new("red"),
            ],
            Attribute::Sorted,
        ));
        let key = table(&["color"], vec![sorted_col]).with_attribute(Attribute::Sorted);
        let value = table(&["qty"], vec![Value::from(vec![900i64, 1000, 1200])]);
        let kt = Value::keyed_table(KeyedTable::new(key, value).unwrap());
        assert_eq!(
            k(&kt),
            "(`s#+(,`color)!,`s#`blue`green`red)!+(,`qty)!,900 1000 1200"
        );
        let empty = table(
            &["a", "b"],
            vec![
                Value::from(Vec::<i64>::new()),
                Value::symbols(Vec::<&str>::new()),
            ],
        );
        assert_eq!(k(&Value::table(empty)), "+`a`b!(`long$();`symbol$())");
    }

    #[test]
    fn functions_and_strings_nested_in_lists() {
        let plus = Value::Function(qport_value::Function::BinaryPrimitive(1));
        let projection = Value::Function(qport_value::Function::Projection(
            vec![plus, Value::string("ssd")].into(),
        ));
        let x = Value::list([projection, Value::string("bsd")]);
        assert_eq!(k(&x), "(+[\"ssd\"];\"bsd\")");
        let x = Value::list([
            Value::symbols(["a", "b"]),
            Value::list([Value::string("hello,world"), Value::string("1")]),
        ]);
        assert_eq!(k(&x), "(`a`b;(\"hello,world\";,\"1\"))");
    }

    #[test]
    fn a_capped_list_stops_early() {
        let x = Value::list((0..100_000i64).map(Value::Long));
        let out = text(&x, 7, 80);
        assert!(out.len() > 80 && out.len() < 100);
        assert!(out.starts_with(b"(0;1;2;"));
    }

    #[test]
    fn atoms_and_nulls() {
        assert_eq!(k(&Value::Long(1)), "1");
        assert_eq!(k(&Value::IDENTITY), "::");
        assert_eq!(k(&Value::error("type")), "'type");
    }
}
