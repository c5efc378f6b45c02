//! Set Attribute, `` `s#x `` `` `u#x `` `` `p#x `` `` `g#x `` (and `` `#x `` to remove
//! one): the form of Take whose left is an attribute's name. Each is checked as kdb+
//! checks it (`s-fail`, `u-fail`, `p-fail`); `s#` on a dictionary makes it a sorted
//! dictionary, which indexes as a step function.

use std::cmp::Ordering;
use std::sync::Arc;

use qport_value::{Attribute, Symbol, Value};

use super::list_order::{cmp_values, Sortable};
use super::list_search::ids_of;
use crate::error::{QError, QResult};
use crate::items::{count, is_list};

/// The attribute an attribute name stands for (`` ` `` for none).
pub(crate) fn attribute_named(name: Symbol) -> Option<Attribute> {
    Some(match name.as_bytes() {
        b"" => Attribute::None,
        b"s" => Attribute::Sorted,
        b"u" => Attribute::Unique,
        b"p" => Attribute::Parted,
        b"g" => Attribute::Grouped,
        _ => return None,
    })
}

/// Whether a list's items are in ascending order (by q's sort order).
fn ascending(x: &Value) -> QResult<bool> {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(v) => Ok(v.windows(2).all(|w| w[0].sort_key() <= w[1].sort_key())),)*
                Value::List(v) => Ok(v.windows(2).all(|w| cmp_values(&w[0], &w[1]) != Ordering::Greater)),
                _ => Err(QError::type_()),
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// Whether a list's items are all different.
fn unique(x: &Value) -> QResult<bool> {
    Ok(ids_of(x)?.firsts.len() == count(x))
}

/// Whether equal items of a list are all next to each other.
fn parted(x: &Value) -> QResult<bool> {
    let ids = ids_of(x)?.ids;
    // Ids are numbered by first occurrence: parted means each run starts a new id.
    let mut runs = 0u32;
    for (i, &id) in ids.iter().enumerate() {
        if i == 0 || ids[i - 1] != id {
            if id != runs {
                return Ok(false);
            }
            runs += 1;
        }
    }
    Ok(true)
}

/// `` `a#x ``: `x` with attribute `a`, after checking that it holds.
pub(crate) fn set_attribute(attribute: Attribute, x: Value) -> QResult {
    let holds = match attribute {
        Attribute::None | Attribute::Grouped => true,
        Attribute::Sorted => match &x {
            Value::Dict(d) => ascending(&d.keys)?,
            Value::KeyedTable(_) => true,
            x => ascending(x)?,
        },
        Attribute::Unique => unique(&x)?,
        Attribute::Parted => parted(&x)?,
    };
    if !holds {
        return Err(QError::new(format!("{}-fail", attribute.letter())));
    }
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(mut v) => {
                    v.set_attribute(attribute);
                    Ok(Value::$vector(v))
                })*
                Value::List(mut v) => {
                    v.set_attribute(attribute);
                    Ok(Value::List(v))
                }
                Value::Dict(d) if matches!(attribute, Attribute::Sorted | Attribute::None) => {
                    let sorted = attribute == Attribute::Sorted;
                    let keys = if is_list(&d.keys) {
                        set_attribute(attribute, d.keys.clone())?
                    } else {
                        d.keys.clone()
                    };
                    let mut d = (*d).clone();
                    d.keys = keys;
                    Ok(Value::Dict(Arc::new(d.sorted(sorted))))
                }
                Value::KeyedTable(k) if matches!(attribute, Attribute::Sorted | Attribute::None) => {
                    Ok(Value::KeyedTable(Arc::new((*k).clone().sorted(attribute == Attribute::Sorted))))
                }
                Value::Table(t) => Ok(Value::Table(Arc::new((*t).clone().with_attribute(attribute)))),
                _ => Err(QError::type_()),
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verbs::list::list_testkit::{check, fails, q};

    #[test]
    fn attributes_are_checked_and_set() {
        assert_eq!(q("`s#1 2 2 3").attribute(), Attribute::Sorted);
        assert_eq!(q("`u#`b`a").attribute(), Attribute::Unique);
        assert_eq!(q("`p#1 1 3 2 2").attribute(), Attribute::Parted);
        assert_eq!(q("`g#3 1 3").attribute(), Attribute::Grouped);
        assert_eq!(q("`#`s#1 2").attribute(), Attribute::None);
        fails("`s#3 2 1", "s-fail");
        fails("`u#1 2 1", "u-fail");
        fails("`p#1 2 1", "p-fail");
        check("`s#1 2 3", "1 2 3");
    }

    #[test]
    fn sorted_dictionaries_index_as_step_functions() {
        let d = "d:`cat`cow`dog`sheep!`chat`vache`chien`mouton";
        check(&format!("{d};ds:`s#d;ds~d"), "1b");
        check(
            &format!("{d};ds:`s#d;ds `sheep`snake`cat`ant"),
            "`mouton`mouton`chat`",
        );
        check(&format!("{d};ds:`s#d;type ds"), "127h");
        check("(`s#1 5 10!`a`b`c) 7", "`b");
        fails("`s#`b`a!1 2", "s-fail");
    }
}
