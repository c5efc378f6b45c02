//! A value as a sequence of items: how many, the one at an index, all of them, and a list
//! built back from items (uniform atoms become a typed vector, as in q).
//!
//! Every verb that works item by item goes through these, so the rule that `(1;2)` is the
//! long vector `1 2` lives in one place.

use qport_value::null::*;
use qport_value::{Symbol, Value, Vector};

/// Calls `$m!` with one `(Atom, Vector, item type)` row per simple (typed) type.
#[macro_export]
macro_rules! for_each_simple_type {
    ($m:ident) => {
        $m! {
            (Bool, BoolVector, bool),
            (Guid, GuidVector, qport_value::Guid),
            (Byte, ByteVector, u8),
            (Short, ShortVector, i16),
            (Int, IntVector, i32),
            (Long, LongVector, i64),
            (Real, RealVector, f32),
            (Float, FloatVector, f64),
            (Char, CharVector, u8),
            (Symbol, SymbolVector, qport_value::Symbol),
            (Timestamp, TimestampVector, i64),
            (Month, MonthVector, i32),
            (Date, DateVector, i32),
            (Datetime, DatetimeVector, f64),
            (Timespan, TimespanVector, i64),
            (Minute, MinuteVector, i32),
            (Second, SecondVector, i32),
            (Time, TimeVector, i32)
        }
    };
}

/// q's `count`: items of a list, keys of a dictionary, rows of a table; 1 for an atom.
pub fn count(x: &Value) -> usize {
    match x {
        Value::Dict(d) => count(&d.keys),
        Value::Table(t) => t.row_count(),
        Value::KeyedTable(k) => k.key.row_count(),
        x if x.is_atom() => 1,
        Value::Function(_) | Value::Error(_) => 1,
        x => x.count(),
    }
}

/// Whether `x` is a list (typed vector or general list) rather than an atom, dictionary,
/// table or function.
pub fn is_list(x: &Value) -> bool {
    (0..=19).contains(&x.type_number())
}

/// The null atom of atom type `type_number` (negative), or of the items of vector type
/// `type_number`; the generic null for anything else.
pub fn null_of(type_number: i8) -> Value {
    match type_number.unsigned_abs() {
        1 => Value::Bool(false),
        2 => Value::Guid(NULL_GUID),
        4 => Value::Byte(0),
        5 => Value::Short(NULL_SHORT),
        6 => Value::Int(NULL_INT),
        7 => Value::Long(NULL_LONG),
        8 => Value::Real(NULL_REAL),
        9 => Value::Float(NULL_FLOAT),
        10 => Value::Char(NULL_CHAR),
        11 => Value::Symbol(Symbol::empty()),
        12 => Value::Timestamp(NULL_LONG),
        13 => Value::Month(NULL_INT),
        14 => Value::Date(NULL_INT),
        15 => Value::Datetime(NULL_FLOAT),
        16 => Value::Timespan(NULL_LONG),
        17 => Value::Minute(NULL_INT),
        18 => Value::Second(NULL_INT),
        19 => Value::Time(NULL_INT),
        _ => Value::IDENTITY,
    }
}

/// An empty list of vector type `type_number` (0 for the general list `()`).
pub fn empty_of(type_number: i8) -> Value {
    macro_rules! empty {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match null_of(type_number) {
                $(Value::$atom(_) if type_number != 0 => Value::$vector(Vector::from(Vec::<$item>::new())),)*
                _ => Value::List(Vector::from(Vec::new())),
            }
        };
    }
    for_each_simple_type!(empty)
}

/// Item `i` of a list (an atom for a typed vector), or the null q gives for an index past
/// the end: the items' null for a typed vector, the first item's for a general list.
pub fn item(x: &Value, i: usize) -> Value {
    macro_rules! item {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(v) => match v.get(i) {
                    Some(&e) => Value::$atom(e),
                    None => null_of(x.type_number()),
                },)*
                Value::List(v) => match v.get(i) {
                    Some(e) => e.clone(),
                    None => prototype_null(v.first()),
                },
                other => other.clone(),
            }
        };
    }
    for_each_simple_type!(item)
}

/// What indexing past the end of a general list gives: the null of its first item's
/// type, or an empty list.
fn prototype_null(first: Option<&Value>) -> Value {
    match first {
        Some(first) if first.is_atom() => null_of(first.type_number()),
        Some(first) if is_list(first) => empty_of(first.type_number()),
        _ => Value::List(Vector::from(Vec::new())),
    }
}

/// Every item of `x`, each as a value (one item for an atom).
pub fn to_items(x: &Value) -> Vec<Value> {
    macro_rules! items {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(v) => v.iter().map(|&e| Value::$atom(e)).collect(),)*
                Value::List(v) => v.to_vec(),
                other => vec![other.clone()],
            }
        };
    }
    for_each_simple_type!(items)
}

/// A list of `items`: a typed vector when every item is an atom of the same type (as q
/// collapses `(1;2)` to `1 2`), otherwise a general list.
pub fn from_items(items: Vec<Value>) -> Value {
    let Some(first) = items.first() else {
        return Value::List(Vector::from(items));
    };
    let t = first.type_number();
    if !(-19..=-1).contains(&t) || items.iter().any(|x| x.type_number() != t) {
        return Value::List(Vector::from(items));
    }
    macro_rules! collapse {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match first {
                $(Value::$atom(_) => Value::$vector(Vector::from(
                    items
                        .iter()
                        .map(|x| match x {
                            Value::$atom(e) => *e,
                            _ => unreachable!("all items have the first one's type"),
                        })
                        .collect::<Vec<$item>>(),
                )),)*
                _ => Value::List(Vector::from(items)),
            }
        };
    }
    for_each_simple_type!(collapse)
}

/// A one-item list of `x`: q's `enlist`.
pub fn enlist(x: Value) -> Value {
    match x {
        x if x.is_atom() => from_items(vec![x]),
        x => Value::List(Vector::from(vec![x])),
    }
}
