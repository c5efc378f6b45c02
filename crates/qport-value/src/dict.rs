//! Dictionaries (type 99; 127 when sorted): a key list and a value list of equal count.

use crate::error::ValueError;
use crate::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct Dict {
    pub keys: Value,
    pub values: Value,
    /// `s#` on a dictionary: its keys are sorted (type 127).
    pub sorted: bool,
}

impl Dict {
    /// A dictionary; keys and values must be lists (or tables) of the same count.
    pub fn new(keys: Value, values: Value) -> Result<Dict, ValueError> {
        for part in [&keys, &values] {
            if !is_list_like(part) {
                return Err(ValueError::Type("dictionary keys and values must be lists"));
            }
        }
        if matches!((&keys, &values), (Value::Table(_), Value::Table(_))) {
            // One thing, one representation: that is a KeyedTable.
            return Err(ValueError::Type(
                "a dictionary of two tables is a keyed table",
            ));
        }
        if keys.count() != values.count() {
            return Err(ValueError::Length {
                expected: keys.count(),
                found: values.count(),
            });
        }
        Ok(Dict {
            keys,
            values,
            sorted: false,
        })
    }

    pub fn sorted(mut self, sorted: bool) -> Dict {
        self.sorted = sorted;
        self
    }

    pub fn len(&self) -> usize {
        self.keys.count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Lists, vectors and tables can be the keys or values of a dictionary.
pub(crate) fn is_list_like(value: &Value) -> bool {
    (0..=19).contains(&value.type_number()) || matches!(value, Value::Table(_))
}
