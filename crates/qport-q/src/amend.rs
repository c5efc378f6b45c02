//! Amend: `x[i]:y`, `x[i;j]:y`, `x[i]+:y`, `@[x;i;f]`, `@[x;i;f;y]`, `.[x;i;f;y]`.
//!
//! The list is rebuilt with the items at the indexes replaced, by `y` (assignment) or by
//! `f` of the old item (and `y`). A typed vector stays typed: an item of another type is
//! `'type`. A dictionary gains keys it did not have. `x` given as a symbol names a global,
//! which is amended in place; the symbol is the result.

use std::sync::Arc;

use qport_value::{Dict, Function, Value};

use crate::error::QError;
use crate::eval::{Eval, Interpreter};
use crate::items::{count, from_items, item, to_items};
use crate::parser::ELIDED;

/// `:` as the function of an amend: replace the item.
fn is_assign(f: &Value) -> bool {
    matches!(f, Value::Function(Function::BinaryPrimitive(0)))
}

/// `@[x;i;f]` and `@[x;i;f;y]`.
pub(crate) fn amend(
    interp: &mut Interpreter,
    x: Value,
    i: &Value,
    rest: &[Value],
    f: &Value,
    y: Option<Value>,
) -> Eval {
    if let Value::Symbol(name) = &x {
        let current = interp.lookup(*name)?;
        let new = amend(interp, current, i, rest, f, y)?;
        interp.set_global(*name, new);
        return Ok(x);
    }
    let mut path = vec![i.clone()];
    path.extend_from_slice(rest);
    apply_at(interp, x, &path, f, y.as_ref())
}

/// `.[x;i;f]` and `.[x;i;f;y]`: `i` is a path, one index per level.
pub(crate) fn amend_path(
    interp: &mut Interpreter,
    x: Value,
    path: &[Value],
    f: &Value,
    y: Option<Value>,
) -> Eval {
    if let Value::Symbol(name) = &x {
        let current = interp.lookup(*name)?;
        let new = amend_path(interp, current, path, f, y)?;
        interp.set_global(*name, new);
        return Ok(x);
    }
    apply_at(interp, x, path, f, y.as_ref())
}

/// `x[i;j...]:y` and `x[i;j...] op: y`.
pub(crate) fn amend_at_depth(
    interp: &mut Interpreter,
    x: Value,
    indexes: &[Value],
    op: Option<&Value>,
    y: Value,
) -> Eval {
    let assign = Value::Function(Function::BinaryPrimitive(0));
    apply_at(interp, x, indexes, op.unwrap_or(&assign), Some(&y))
}

/// Replaces the items of `x` at `path` by `f` of them (and of `y`).
fn apply_at(
    interp: &mut Interpreter,
    x: Value,
    path: &[Value],
    f: &Value,
    y: Option<&Value>,
) -> Eval {
    let Some((i, rest)) = path.split_first() else {
        return new_item(interp, x, f, y);
    };
    if let Value::Dict(d) = &x {
        return amend_dict(interp, d, i, rest, f, y);
    }
    let n = count(&x);
    let positions: Vec<usize> = if *i == ELIDED || *i == Value::IDENTITY {
        (0..n).collect()
    } else {
        positions(i, n)?
    };
    let many = !i.is_atom();
    if many && !positions.is_empty() {
        if let Some(y) = y {
            if !y.is_atom() && count(y) != positions.len() && rest.is_empty() {
                return Err(QError::length().into());
            }
        }
    }
    let mut items = to_items(&x);
    for (k, &p) in positions.iter().enumerate() {
        let yk = match y {
            Some(y) if many && !y.is_atom() => Some(item(y, k)),
            Some(y) => Some(y.clone()),
            None => None,
        };
        let old = items[p].clone();
        items[p] = apply_at(interp, old, rest, f, yk.as_ref())?;
    }
    rebuild(&x, items)
}

/// The new item for one place: `y`, or `f[old]`, or `f[old;y]`.
fn new_item(interp: &mut Interpreter, old: Value, f: &Value, y: Option<&Value>) -> Eval {
    match y {
        Some(y) if is_assign(f) => Ok(y.clone()),
        Some(y) => interp.apply(f, vec![old, y.clone()]),
        None => interp.apply(f, vec![old]),
    }
}

/// The list `x` with its items replaced: the same type for a typed vector (an item of
/// another type is `'type`), a general list otherwise.
fn rebuild(x: &Value, items: Vec<Value>) -> Eval {
    let t = x.type_number();
    if t > 0 {
        if items.iter().any(|i| i.type_number() != -t) {
            return Err(QError::type_().into());
        }
        return Ok(from_items(items));
    }
    Ok(Value::List(qport_value::Vector::from(items)))
}

/// Indexes as positions in a list of `n` items; past the end is `'index`. `::` in the
/// index is every position; a list inside it, each of its positions.
fn positions(i: &Value, n: usize) -> Result<Vec<usize>, QError> {
    let mut out = Vec::new();
    if *i == Value::IDENTITY {
        return Ok((0..n).collect());
    }
    for k in 0..count(i) {
        let index = item(i, k);
        if index == Value::IDENTITY || (!index.is_atom() && i.type_number() == 0) {
            out.extend(positions(&index, n)?);
            continue;
        }
        let p = match index {
            Value::Long(p) => p,
            Value::Int(p) => i64::from(p),
            Value::Short(p) => i64::from(p),
            _ => return Err(QError::type_()),
        };
        if p < 0 || p as usize >= n {
            return Err(QError::length());
        }
        out.push(p as usize);
    }
    Ok(out)
}

/// A dictionary amended at keys: existing keys change, new keys are added at the end.
fn amend_dict(
    interp: &mut Interpreter,
    d: &Dict,
    i: &Value,
    rest: &[Value],
    f: &Value,
    y: Option<&Value>,
) -> Eval {
    let mut keys = to_items(&d.keys);
    let mut values = to_items(&d.values);
    let wanted = if i.is_atom() {
        vec![i.clone()]
    } else {
        to_items(i)
    };
    for (k, key) in wanted.iter().enumerate() {
        let yk = match y {
            Some(y) if !i.is_atom() && !y.is_atom() => Some(item(y, k)),
            Some(y) => Some(y.clone()),
            None => None,
        };
        let at = keys.iter().position(|existing| existing == key);
        let old = match at {
            Some(p) => values[p].clone(),
            None => crate::items::null_of(values.first().map_or(0, |v| v.type_number())),
        };
        let new = apply_at(interp, old, rest, f, yk.as_ref())?;
        match at {
            Some(p) => values[p] = new,
            None => {
                keys.push(key.clone());
                values.push(new);
            }
        }
    }
    let values = if d.values.type_number() > 0
        && values
            .iter()
            .all(|v| v.type_number() == -d.values.type_number())
    {
        from_items(values)
    } else {
        Value::List(qport_value::Vector::from(values))
    };
    let dict = Dict::new(from_items(keys), values).map_err(|_| QError::length())?;
    Ok(Value::Dict(Arc::new(dict.sorted(d.sorted))))
}
