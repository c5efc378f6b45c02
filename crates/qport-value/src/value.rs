//! `Value`: one kdb+ object of any type.
//!
//! Atoms are held inline; everything with items is reference-counted (`Vector`, `Arc`),
//! so cloning any value is cheap. Equality is structural: same type, same attribute, same items, where two
//! NaNs (float nulls) are equal.

use std::sync::Arc;

use crate::dict::Dict;
use crate::function::Function;
use crate::guid::Guid;
use crate::symbol::Symbol;
use crate::table::{KeyedTable, Table};
use crate::types::{type_number as t, Attribute};
use crate::vector::Vector;

#[derive(Clone, Debug)]
pub enum Value {
    // Atoms: type -1 .. -19.
    Bool(bool),
    Guid(Guid),
    Byte(u8),
    Short(i16),
    Int(i32),
    Long(i64),
    Real(f32),
    Float(f64),
    Char(u8),
    Symbol(Symbol),
    Timestamp(i64),
    Month(i32),
    Date(i32),
    Datetime(f64),
    Timespan(i64),
    Minute(i32),
    Second(i32),
    Time(i32),
    // Vectors: type 1 .. 19.
    BoolVector(Vector<bool>),
    GuidVector(Vector<Guid>),
    ByteVector(Vector<u8>),
    ShortVector(Vector<i16>),
    IntVector(Vector<i32>),
    LongVector(Vector<i64>),
    RealVector(Vector<f32>),
    FloatVector(Vector<f64>),
    CharVector(Vector<u8>),
    SymbolVector(Vector<Symbol>),
    TimestampVector(Vector<i64>),
    MonthVector(Vector<i32>),
    DateVector(Vector<i32>),
    DatetimeVector(Vector<f64>),
    TimespanVector(Vector<i64>),
    MinuteVector(Vector<i32>),
    SecondVector(Vector<i32>),
    TimeVector(Vector<i32>),
    /// 0: a general list of any values.
    List(Vector<Value>),
    /// 99, or 127 when sorted.
    Dict(Arc<Dict>),
    /// 98.
    Table(Arc<Table>),
    /// 99 (127 when sorted): a dictionary from a key table to a value table.
    KeyedTable(Arc<KeyedTable>),
    /// 100 .. 111.
    Function(Function),
    /// -128: an error, with q's text (`type`, `length`, ...). Travels only as a whole reply.
    Error(Arc<str>),
}

/// Calls `$body` with `$v` bound to the items of whichever vector variant `$value` is,
/// or evaluates `$other` for a value that is not a typed vector.
#[macro_export]
macro_rules! with_vector {
    ($value:expr, $v:ident => $body:expr, _ => $other:expr) => {
        match $value {
            $crate::Value::BoolVector($v) => $body,
            $crate::Value::GuidVector($v) => $body,
            $crate::Value::ByteVector($v) => $body,
            $crate::Value::ShortVector($v) => $body,
            $crate::Value::IntVector($v) => $body,
            $crate::Value::LongVector($v) => $body,
            $crate::Value::RealVector($v) => $body,
            $crate::Value::FloatVector($v) => $body,
            $crate::Value::CharVector($v) => $body,
            $crate::Value::SymbolVector($v) => $body,
            $crate::Value::TimestampVector($v) => $body,
            $crate::Value::MonthVector($v) => $body,
            $crate::Value::DateVector($v) => $body,
            $crate::Value::DatetimeVector($v) => $body,
            $crate::Value::TimespanVector($v) => $body,
            $crate::Value::MinuteVector($v) => $body,
            $crate::Value::SecondVector($v) => $body,
            $crate::Value::TimeVector($v) => $body,
            $crate::Value::List($v) => $body,
            _ => $other,
        }
    };
}

impl Value {
    /// `(::)`, the generic null (unary primitive 0).
    pub const IDENTITY: Value = Value::Function(Function::UnaryPrimitive(0));

    /// kdb+'s type number, as q's `type` returns it.
    #[inline]
    pub fn type_number(&self) -> i8 {
        match self {
            Value::Bool(_) => -t::BOOLEAN,
            Value::Guid(_) => -t::GUID,
            Value::Byte(_) => -t::BYTE,
            Value::Short(_) => -t::SHORT,
            Value::Int(_) => -t::INT,
            Value::Long(_) => -t::LONG,
            Value::Real(_) => -t::REAL,
            Value::Float(_) => -t::FLOAT,
            Value::Char(_) => -t::CHAR,
            Value::Symbol(_) => -t::SYMBOL,
            Value::Timestamp(_) => -t::TIMESTAMP,
            Value::Month(_) => -t::MONTH,
            Value::Date(_) => -t::DATE,
            Value::Datetime(_) => -t::DATETIME,
            Value::Timespan(_) => -t::TIMESPAN,
            Value::Minute(_) => -t::MINUTE,
            Value::Second(_) => -t::SECOND,
            Value::Time(_) => -t::TIME,
            Value::BoolVector(_) => t::BOOLEAN,
            Value::GuidVector(_) => t::GUID,
            Value::ByteVector(_) => t::BYTE,
            Value::ShortVector(_) => t::SHORT,
            Value::IntVector(_) => t::INT,
            Value::LongVector(_) => t::LONG,
            Value::RealVector(_) => t::REAL,
            Value::FloatVector(_) => t::FLOAT,
            Value::CharVector(_) => t::CHAR,
            Value::SymbolVector(_) => t::SYMBOL,
            Value::TimestampVector(_) => t::TIMESTAMP,
            Value::MonthVector(_) => t::MONTH,
            Value::DateVector(_) => t::DATE,
            Value::DatetimeVector(_) => t::DATETIME,
            Value::TimespanVector(_) => t::TIMESPAN,
            Value::MinuteVector(_) => t::MINUTE,
            Value::SecondVector(_) => t::SECOND,
            Value::TimeVector(_) => t::TIME,
            Value::List(_) => t::GENERAL_LIST,
            Value::Dict(dict) if dict.sorted => t::SORTED_DICTIONARY,
            Value::Dict(_) => t::DICTIONARY,
            Value::Table(_) => t::TABLE,
            Value::KeyedTable(keyed) if keyed.sorted => t::SORTED_DICTIONARY,
            Value::KeyedTable(_) => t::DICTIONARY,
            Value::Function(function) => function.type_number(),
            Value::Error(_) => t::ERROR,
        }
    }

    /// Whether this is an atom (negative type).
    #[inline]
    pub fn is_atom(&self) -> bool {
        (-19..0).contains(&self.type_number())
    }

    /// q's `count`: items of a list, keys of a dictionary, rows of a table; 1 for an atom.
    #[inline]
    pub fn count(&self) -> usize {
        match self {
            Value::Dict(dict) => dict.keys.count(),
            Value::Table(table) => table.row_count(),
            Value::KeyedTable(keyed) => keyed.key.row_count(),
            other => with_vector!(other, v => v.len(), _ => 1),
        }
    }

    /// The attribute of a vector, list or table; none for anything else.
    #[inline]
    pub fn attribute(&self) -> Attribute {
        match self {
            Value::Table(table) => table.attribute,
            other => with_vector!(other, v => v.attribute(), _ => Attribute::None),
        }
    }

    /// Starts loading a vector's memory into cache (see [`Vector::prefetch`]); nothing
    /// for other values.
    #[inline]
    pub fn prefetch(&self) {
        with_vector!(self, v => v.prefetch(), _ => ())
    }

    /// A string (char vector).
    pub fn string(text: impl Into<Vec<u8>>) -> Value {
        Value::CharVector(Vector::new(text.into()))
    }

    pub fn symbol(text: impl AsRef<[u8]>) -> Value {
        Value::Symbol(Symbol::new(text))
    }

    pub fn symbols<S: AsRef<[u8]>>(texts: impl IntoIterator<Item = S>) -> Value {
        Value::SymbolVector(texts.into_iter().map(Symbol::new).collect())
    }

    pub fn list(items: impl IntoIterator<Item = Value>) -> Value {
        Value::List(items.into_iter().collect())
    }

    /// An error with q's text, e.g. `Value::error("type")`.
    pub fn error(text: &str) -> Value {
        Value::Error(Arc::from(text))
    }

    pub fn dict(dict: Dict) -> Value {
        Value::Dict(Arc::new(dict))
    }

    pub fn table(table: Table) -> Value {
        Value::Table(Arc::new(table))
    }

    pub fn keyed_table(keyed: KeyedTable) -> Value {
        Value::KeyedTable(Arc::new(keyed))
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Bool(a), Bool(b)) => a == b,
            (Guid(a), Guid(b)) => a == b,
            (Byte(a), Byte(b)) | (Char(a), Char(b)) => a == b,
            (Short(a), Short(b)) => a == b,
            (Int(a), Int(b))
            | (Month(a), Month(b))
            | (Date(a), Date(b))
            | (Minute(a), Minute(b))
            | (Second(a), Second(b))
            | (Time(a), Time(b)) => a == b,
            (Long(a), Long(b)) | (Timestamp(a), Timestamp(b)) | (Timespan(a), Timespan(b)) => {
                a == b
            }
            (Real(a), Real(b)) => same_real(*a, *b),
            (Float(a), Float(b)) | (Datetime(a), Datetime(b)) => same_float(*a, *b),
            (Symbol(a), Symbol(b)) => a == b,
            (BoolVector(a), BoolVector(b)) => a == b,
            (GuidVector(a), GuidVector(b)) => a == b,
            (ByteVector(a), ByteVector(b)) | (CharVector(a), CharVector(b)) => a == b,
            (ShortVector(a), ShortVector(b)) => a == b,
            (IntVector(a), IntVector(b))
            | (MonthVector(a), MonthVector(b))
            | (DateVector(a), DateVector(b))
            | (MinuteVector(a), MinuteVector(b))
            | (SecondVector(a), SecondVector(b))
            | (TimeVector(a), TimeVector(b)) => a == b,
            (LongVector(a), LongVector(b))
            | (TimestampVector(a), TimestampVector(b))
            | (TimespanVector(a), TimespanVector(b)) => a == b,
            (RealVector(a), RealVector(b)) => {
                a.attribute() == b.attribute()
                    && a.len() == b.len()
                    && a.iter().zip(b.iter()).all(|(x, y)| same_real(*x, *y))
            }
            (FloatVector(a), FloatVector(b)) | (DatetimeVector(a), DatetimeVector(b)) => {
                a.attribute() == b.attribute()
                    && a.len() == b.len()
                    && a.iter().zip(b.iter()).all(|(x, y)| same_float(*x, *y))
            }
            (SymbolVector(a), SymbolVector(b)) => a == b,
            (List(a), List(b)) => a == b,
            (Dict(a), Dict(b)) => a == b,
            (Table(a), Table(b)) => a == b,
            (KeyedTable(a), KeyedTable(b)) => a == b,
            (Function(a), Function(b)) => a == b,
            (Error(a), Error(b)) => a == b,
            _ => false,
        }
    }
}

fn same_float(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

fn same_real(a: f32, b: f32) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

macro_rules! from_native {
    ($($native:ty => $atom:ident, $vector:ident;)*) => {$(
        impl From<$native> for Value {
            fn from(item: $native) -> Value {
                Value::$atom(item)
            }
        }
        impl From<Vec<$native>> for Value {
            fn from(items: Vec<$native>) -> Value {
                Value::$vector(Vector::new(items))
            }
        }
    )*};
}

from_native! {
    bool => Bool, BoolVector;
    Guid => Guid, GuidVector;
    i16 => Short, ShortVector;
    i32 => Int, IntVector;
    i64 => Long, LongVector;
    f32 => Real, RealVector;
    f64 => Float, FloatVector;
    Symbol => Symbol, SymbolVector;
}

impl From<&str> for Value {
    /// A string (char vector), as q reads `"text"`.
    fn from(text: &str) -> Value {
        Value::string(text)
    }
}

impl From<Function> for Value {
    fn from(function: Function) -> Value {
        Value::Function(function)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_numbers_are_kdbs() {
        assert_eq!(Value::Long(1).type_number(), -7);
        assert_eq!(Value::from(vec![1i64]).type_number(), 7);
        assert_eq!(Value::string("ab").type_number(), 10);
        assert_eq!(Value::list([]).type_number(), 0);
        assert_eq!(Value::IDENTITY.type_number(), 101);
        assert_eq!(Value::error("type").type_number(), -128);
    }

    #[test]
    fn nan_nulls_are_equal_and_attributes_count() {
        assert_eq!(Value::Float(f64::NAN), Value::Float(-f64::NAN));
        assert_ne!(Value::Float(1.0), Value::Datetime(1.0));
        let plain = Value::from(vec![1i32, 2]);
        let sorted = Value::IntVector(Vector::with_attribute(vec![1, 2], Attribute::Sorted));
        assert_ne!(plain, sorted);
    }

    #[test]
    fn value_is_three_words() {
        assert!(std::mem::size_of::<Value>() <= 24);
    }
}
