//! Tables (type 98) and keyed tables (a dictionary from a key table to a value table).
//!
//! A table is a list of column names and a list of equal-length columns, as kdb+ stores
//! it (a flipped column dictionary).

use crate::error::ValueError;
use crate::symbol::Symbol;
use crate::types::Attribute;
use crate::value::Value;
use crate::vector::Vector;

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    names: Vector<Symbol>,
    columns: Vec<Value>,
    /// `s#` on a table (its first column then carries `p#`).
    pub attribute: Attribute,
}

impl Table {
    /// A table from names and columns; each column must be a list, all of one count.
    pub fn new(names: Vector<Symbol>, columns: Vec<Value>) -> Result<Table, ValueError> {
        if names.len() != columns.len() {
            return Err(ValueError::Length {
                expected: names.len(),
                found: columns.len(),
            });
        }
        let rows = columns.first().map_or(0, Value::count);
        for column in &columns {
            if !(0..=19).contains(&column.type_number()) {
                return Err(ValueError::Type("a table column must be a list"));
            }
            if column.count() != rows {
                return Err(ValueError::Length {
                    expected: rows,
                    found: column.count(),
                });
            }
        }
        Ok(Table {
            names,
            columns,
            attribute: Attribute::None,
        })
    }

    pub fn with_attribute(mut self, attribute: Attribute) -> Table {
        self.attribute = attribute;
        self
    }

    pub fn names(&self) -> &Vector<Symbol> {
        &self.names
    }

    pub fn columns(&self) -> &[Value] {
        &self.columns
    }

    /// The column called `name`, if there is one.
    pub fn column(&self, name: Symbol) -> Option<&Value> {
        self.names
            .iter()
            .position(|&n| n == name)
            .map(|i| &self.columns[i])
    }

    pub fn row_count(&self) -> usize {
        self.columns.first().map_or(0, Value::count)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyedTable {
    pub key: Table,
    pub value: Table,
    /// `s#` on the keyed table (type 127).
    pub sorted: bool,
}

impl KeyedTable {
    /// A keyed table; key and value tables must have the same number of rows.
    pub fn new(key: Table, value: Table) -> Result<KeyedTable, ValueError> {
        if key.row_count() != value.row_count() {
            return Err(ValueError::Length {
                expected: key.row_count(),
                found: value.row_count(),
            });
        }
        Ok(KeyedTable {
            key,
            value,
            sorted: false,
        })
    }

    pub fn sorted(mut self, sorted: bool) -> KeyedTable {
        self.sorted = sorted;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_columns_of_different_lengths() {
        let names = Vector::from(vec![Symbol::new("a"), Symbol::new("b")]);
        let err = Table::new(
            names,
            vec![Value::from(vec![1i64, 2]), Value::from(vec![1.5f64])],
        );
        assert_eq!(err.unwrap_err().q_text(), "length");
    }

    #[test]
    fn rejects_an_atom_column() {
        let err = Table::new(Vector::from(vec![Symbol::new("a")]), vec![Value::Long(1)]);
        assert_eq!(err.unwrap_err().q_text(), "type");
    }
}
