//! List primitives: `til count first last # _ , ? reverse distinct where group ...`, and
//! indexing (`x[i]`, `x i`, `x@i`).

use qport_value::Value;

use crate::error::{QError, QResult};
use crate::items::{count, from_items, item};

/// `x[i]`: an item, or items at a list of indexes (a dictionary by key).
pub fn index(x: Value, i: Value) -> QResult {
    match &i {
        Value::Long(p) => {
            if *p < 0 || *p as usize >= count(&x) {
                return Ok(item(&x, usize::MAX));
            }
            Ok(item(&x, *p as usize))
        }
        i if !i.is_atom() => {
            let mut out = Vec::with_capacity(count(i));
            for k in 0..count(i) {
                out.push(index(x.clone(), item(i, k))?);
            }
            Ok(from_items(out))
        }
        _ => Err(QError::type_()),
    }
}

/// `enlist` of a dictionary: a one-row table.
pub fn enlist_value(x: Value) -> Value {
    crate::items::enlist(x)
}
