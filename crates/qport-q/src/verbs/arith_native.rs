//! Typed access to simple values (atoms and typed vectors) for the numeric primitives:
//! the Rust item type behind each kdb+ type, an argument as an atom or a slice, its
//! values converted into the lanes an operation computes in (whole numbers as `i64`,
//! floating point as `f64`), and the loops that build a result from one or two arguments.
//!
//! The loops are written so that the compiler can vectorise them: one pass over slices,
//! one closure per item, the result written into a vector allocated once.

use std::borrow::Cow;

use qport_value::null::*;
use qport_value::{Attribute, Guid, Symbol, Value, Vector};

use super::types::{
    convert_float, convert_float_to_int, convert_int, float_to_long, Conv, BOOL, BYTE, CHAR, DATE,
    DATETIME, FLOAT, GUID, INT, LONG, MINUTE, MONTH, REAL, SECOND, SHORT, SYMBOL, TIME, TIMESPAN,
    TIMESTAMP,
};
use crate::error::{QError, QResult};

/// One argument: an atom, or the items of a vector (borrowed, or converted into a new
/// buffer).
pub(crate) enum Src<'a, T: Clone> {
    Atom(T),
    Many(Cow<'a, [T]>),
}

/// The Rust item type of a kdb+ type: several kdb+ types share one (long, timestamp and
/// timespan are all `i64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Nat {
    Bool,
    Guid,
    Byte,
    Short,
    Int,
    Long,
    Real,
    Float,
    Sym,
}

/// The item type of positive type number `t`.
pub(crate) fn nat(t: i8) -> Nat {
    match t {
        BOOL => Nat::Bool,
        GUID => Nat::Guid,
        BYTE | CHAR => Nat::Byte,
        SHORT => Nat::Short,
        INT | MONTH | DATE | MINUTE | SECOND | TIME => Nat::Int,
        REAL => Nat::Real,
        FLOAT | DATETIME => Nat::Float,
        SYMBOL => Nat::Sym,
        _ => Nat::Long,
    }
}

/// The positive type number of an atom or vector.
#[inline]
pub(crate) fn kind(v: &Value) -> i8 {
    v.type_number().abs()
}

/// Whether `v` is an atom or a typed vector (not a general list, dictionary, table ...).
#[inline]
pub(crate) fn is_simple(v: &Value) -> bool {
    let t = v.type_number();
    (-19..=19).contains(&t) && t != 0
}

/// `'length` unless the two arguments conform: an atom goes with anything, two lists
/// must have the same count.
pub(crate) fn conform(x: &Value, y: &Value) -> QResult<()> {
    if !x.is_atom() && !y.is_atom() && x.count() != y.count() {
        return Err(QError::length());
    }
    Ok(())
}

/// A Rust item type that holds the values of one or more kdb+ types.
pub(crate) trait Native: Copy + 'static {
    /// The atom, when `v` is an atom of one of this item type's kdb+ types.
    fn atom(v: &Value) -> Option<Self>;
    /// The items, when `v` is a vector of one of this item type's kdb+ types.
    fn slice(v: &Value) -> Option<&[Self]>;
    /// The vector itself, taken out of `v` (or `v` back when it is not one).
    fn take(v: Value) -> Result<Vector<Self>, Value>;
    /// An atom of positive type number `t`.
    fn atom_value(x: Self, t: i8) -> Value;
    /// A vector of positive type number `t`.
    fn vector_value(v: Vector<Self>, t: i8) -> Value;
    /// A new vector of `n` items, written by `fill`.
    fn build(n: usize, fill: impl FnOnce(&mut [Self])) -> Vector<Self>;

    /// The argument as an atom or a borrowed slice.
    fn src(v: &Value) -> Option<Src<'_, Self>> {
        match Self::atom(v) {
            Some(a) => Some(Src::Atom(a)),
            None => Self::slice(v).map(|s| Src::Many(Cow::Borrowed(s))),
        }
    }
}

macro_rules! native {
    ($item:ty, $build:ident, ($t0:pat, $atom0:ident, $vec0:ident) $(, ($t:pat, $atom:ident, $vec:ident))*) => {
        impl Native for $item {
            #[inline]
            fn atom(v: &Value) -> Option<$item> {
                match v {
                    Value::$atom0(a) $(| Value::$atom(a))* => Some(*a),
                    _ => None,
                }
            }
            #[inline]
            fn slice(v: &Value) -> Option<&[$item]> {
                match v {
                    Value::$vec0(a) $(| Value::$vec(a))* => Some(a.as_slice()),
                    _ => None,
                }
            }
            fn take(v: Value) -> Result<Vector<$item>, Value> {
                match v {
                    Value::$vec0(a) $(| Value::$vec(a))* => Ok(a),
                    other => Err(other),
                }
            }
            fn atom_value(x: $item, t: i8) -> Value {
                match t {
                    $t0 => Value::$atom0(x),
                    $($t => Value::$atom(x),)*
                    _ => Value::$atom0(x),
                }
            }
            fn vector_value(v: Vector<$item>, t: i8) -> Value {
                match t {
                    $t0 => Value::$vec0(v),
                    $($t => Value::$vec(v),)*
                    _ => Value::$vec0(v),
                }
            }
            #[inline]
            fn build(n: usize, fill: impl FnOnce(&mut [$item])) -> Vector<$item> {
                $build!($item, n, fill)
            }
        }
    };
}

/// Plain-data items: zeroed memory, filled in place (no second copy).
macro_rules! pod_build {
    ($item:ty, $n:expr, $fill:expr) => {{
        let mut v = Vector::<$item>::zeroed($n);
        $fill(v.make_mut());
        v
    }};
}

/// Other items: built in a `Vec`, then moved into a vector.
macro_rules! vec_build {
    ($item:ty, $n:expr, $fill:expr) => {{
        let mut items = vec![<$item>::default(); $n];
        $fill(&mut items);
        Vector::from(items)
    }};
}

native!(bool, vec_build, (BOOL, Bool, BoolVector));
native!(Guid, pod_build, (GUID, Guid, GuidVector));
native!(
    u8,
    pod_build,
    (BYTE, Byte, ByteVector),
    (CHAR, Char, CharVector)
);
native!(i16, pod_build, (SHORT, Short, ShortVector));
native!(
    i32,
    pod_build,
    (INT, Int, IntVector),
    (MONTH, Month, MonthVector),
    (DATE, Date, DateVector),
    (MINUTE, Minute, MinuteVector),
    (SECOND, Second, SecondVector),
    (TIME, Time, TimeVector)
);
native!(
    i64,
    pod_build,
    (LONG, Long, LongVector),
    (TIMESTAMP, Timestamp, TimestampVector),
    (TIMESPAN, Timespan, TimespanVector)
);
native!(f32, pod_build, (REAL, Real, RealVector));
native!(
    f64,
    pod_build,
    (FLOAT, Float, FloatVector),
    (DATETIME, Datetime, DatetimeVector)
);

impl Native for Symbol {
    fn atom(v: &Value) -> Option<Symbol> {
        match v {
            Value::Symbol(s) => Some(*s),
            _ => None,
        }
    }
    fn slice(v: &Value) -> Option<&[Symbol]> {
        match v {
            Value::SymbolVector(s) => Some(s.as_slice()),
            _ => None,
        }
    }
    fn take(v: Value) -> Result<Vector<Symbol>, Value> {
        match v {
            Value::SymbolVector(s) => Ok(s),
            other => Err(other),
        }
    }
    fn atom_value(x: Symbol, _: i8) -> Value {
        Value::Symbol(x)
    }
    fn vector_value(v: Vector<Symbol>, _: i8) -> Value {
        Value::SymbolVector(v)
    }
    fn build(n: usize, fill: impl FnOnce(&mut [Symbol])) -> Vector<Symbol> {
        let mut items = vec![Symbol::empty(); n];
        fill(&mut items);
        Vector::from(items)
    }
}

/// A numeric item: its null, its infinities, and its value as a long or a float.
pub(crate) trait Elem: Native {
    fn is_null(self) -> bool;
    /// The underlying value as a long (the long null for null; floats rounded).
    fn long(self) -> i64;
    /// The underlying value as a float (NaN for null).
    fn float(self) -> f64;
    /// +1 or -1 for this type's positive or negative infinity, 0 otherwise.
    fn infinity(self) -> i8;

    /// The value in whole-number lanes, converted: nulls stay null and an infinity stays
    /// infinite when the units change.
    #[inline]
    fn conv_long(self, conv: Conv) -> i64 {
        if self.is_null() {
            return NULL_LONG;
        }
        if conv == Conv::Raw {
            return self.long();
        }
        match self.infinity() {
            1 => INF_LONG,
            -1 => -INF_LONG,
            _ => convert_int(conv, self.long()),
        }
    }

    /// The value in float lanes, converted.
    #[inline]
    fn conv_float(self, conv: Conv) -> f64 {
        convert_float(conv, self.float())
    }
}

macro_rules! int_elem {
    ($item:ty, $null:expr, $inf:expr) => {
        impl Elem for $item {
            #[inline]
            fn is_null(self) -> bool {
                self == $null
            }
            #[inline]
            fn long(self) -> i64 {
                if self == $null {
                    NULL_LONG
                } else {
                    i64::from(self)
                }
            }
            #[inline]
            fn float(self) -> f64 {
                if self == $null {
                    f64::NAN
                } else {
                    self as f64
                }
            }
            #[inline]
            fn infinity(self) -> i8 {
                if self == $inf {
                    1
                } else if self == -$inf {
                    -1
                } else {
                    0
                }
            }
        }
    };
}

int_elem!(i16, NULL_SHORT, INF_SHORT);
int_elem!(i32, NULL_INT, INF_INT);
int_elem!(i64, NULL_LONG, INF_LONG);

/// Booleans and bytes (and chars, whose arithmetic uses the code) have no null.
macro_rules! plain_elem {
    ($item:ty) => {
        impl Elem for $item {
            #[inline]
            fn is_null(self) -> bool {
                false
            }
            #[inline]
            fn long(self) -> i64 {
                i64::from(self)
            }
            #[inline]
            fn float(self) -> f64 {
                i64::from(self) as f64
            }
            #[inline]
            fn infinity(self) -> i8 {
                0
            }
        }
    };
}

plain_elem!(bool);
plain_elem!(u8);

macro_rules! float_elem {
    ($item:ty) => {
        impl Elem for $item {
            #[inline]
            fn is_null(self) -> bool {
                self.is_nan()
            }
            #[inline]
            fn long(self) -> i64 {
                float_to_long(f64::from(self))
            }
            #[inline]
            fn float(self) -> f64 {
                f64::from(self)
            }
            #[inline]
            fn infinity(self) -> i8 {
                if self == <$item>::INFINITY {
                    1
                } else if self == <$item>::NEG_INFINITY {
                    -1
                } else {
                    0
                }
            }
            #[inline]
            fn conv_long(self, conv: Conv) -> i64 {
                let v = f64::from(self);
                if v.is_nan() {
                    NULL_LONG
                } else if v.is_infinite() {
                    if v > 0.0 {
                        INF_LONG
                    } else {
                        -INF_LONG
                    }
                } else {
                    convert_float_to_int(conv, v)
                }
            }
        }
    };
}

float_elem!(f32);
float_elem!(f64);

/// Calls `$go::<T>($x, ...)` for the numeric item type of `$x`, or gives `$none`.
macro_rules! with_elem {
    ($x:expr, $go:ident ( $($arg:expr),* ), $none:expr) => {
        match nat(kind($x)) {
            Nat::Bool => $go::<bool>($x $(, $arg)*),
            Nat::Byte => $go::<u8>($x $(, $arg)*),
            Nat::Short => $go::<i16>($x $(, $arg)*),
            Nat::Int => $go::<i32>($x $(, $arg)*),
            Nat::Long => $go::<i64>($x $(, $arg)*),
            Nat::Real => $go::<f32>($x $(, $arg)*),
            Nat::Float => $go::<f64>($x $(, $arg)*),
            Nat::Guid | Nat::Sym => $none,
        }
    };
}
pub(crate) use with_elem;

/// The argument's values as longs, converted by `conv` (borrowed when they already are).
pub(crate) fn long_lanes(x: &Value, conv: Conv) -> QResult<Src<'_, i64>> {
    if conv == Conv::Raw {
        if let Some(s) = i64::src(x) {
            return Ok(s);
        }
    }
    fn go<T: Elem>(x: &Value, conv: Conv) -> QResult<Src<'_, i64>> {
        if let Some(a) = T::atom(x) {
            return Ok(Src::Atom(a.conv_long(conv)));
        }
        let s = T::slice(x).ok_or_else(QError::type_)?;
        let items: Vec<i64> = if conv == Conv::Raw {
            s.iter().map(|e| e.long()).collect()
        } else {
            s.iter().map(|e| e.conv_long(conv)).collect()
        };
        Ok(Src::Many(Cow::Owned(items)))
    }
    with_elem!(x, go(conv), Err(QError::type_()))
}

/// The argument's values as floats, converted by `conv` (borrowed when they already are).
pub(crate) fn float_lanes(x: &Value, conv: Conv) -> QResult<Src<'_, f64>> {
    if conv == Conv::Raw {
        if let Some(s) = f64::src(x) {
            return Ok(s);
        }
    }
    fn go<T: Elem>(x: &Value, conv: Conv) -> QResult<Src<'_, f64>> {
        if let Some(a) = T::atom(x) {
            return Ok(Src::Atom(a.conv_float(conv)));
        }
        let s = T::slice(x).ok_or_else(QError::type_)?;
        let items: Vec<f64> = if conv == Conv::Raw {
            s.iter().map(|e| e.float()).collect()
        } else {
            s.iter().map(|e| e.conv_float(conv)).collect()
        };
        Ok(Src::Many(Cow::Owned(items)))
    }
    with_elem!(x, go(conv), Err(QError::type_()))
}

/// The result of applying `f` item by item to one argument: an atom for an atom, else a
/// vector of type `rt`.
#[inline]
pub(crate) fn emit1<A: Clone + Copy, R: Native>(
    rt: i8,
    a: &Src<'_, A>,
    f: impl Fn(A) -> R,
) -> Value {
    match a {
        Src::Atom(p) => R::atom_value(f(*p), rt),
        Src::Many(ps) => R::vector_value(
            R::build(ps.len(), |out| {
                for (o, &p) in out.iter_mut().zip(ps.iter()) {
                    *o = f(p);
                }
            }),
            rt,
        ),
    }
}

/// The result of applying `f` to conforming arguments item by item (an atom pairs with
/// every item): an atom for two atoms, else a vector of type `rt`.
#[inline]
pub(crate) fn emit2<A: Clone + Copy, B: Clone + Copy, R: Native>(
    rt: i8,
    a: &Src<'_, A>,
    b: &Src<'_, B>,
    f: impl Fn(A, B) -> R,
) -> Value {
    let vector = |n: usize, fill: &dyn Fn(&mut [R])| R::vector_value(R::build(n, fill), rt);
    match (a, b) {
        (Src::Atom(p), Src::Atom(q)) => R::atom_value(f(*p, *q), rt),
        (Src::Atom(p), Src::Many(qs)) => vector(qs.len(), &|out| {
            for (o, &q) in out.iter_mut().zip(qs.iter()) {
                *o = f(*p, q);
            }
        }),
        (Src::Many(ps), Src::Atom(q)) => vector(ps.len(), &|out| {
            for (o, &p) in out.iter_mut().zip(ps.iter()) {
                *o = f(p, *q);
            }
        }),
        (Src::Many(ps), Src::Many(qs)) => vector(ps.len(), &|out| {
            for ((o, &p), &q) in out.iter_mut().zip(ps.iter()).zip(qs.iter()) {
                *o = f(p, q);
            }
        }),
    }
}

/// `f` item by item over two arguments whose items (and the result's) are all `T`: a
/// uniquely owned vector argument is updated in place, saving an allocation.
pub(crate) fn same2<T: Native>(x: Value, y: Value, rt: i8, f: impl Fn(T, T) -> T) -> QResult {
    let (xt, yt) = (x.type_number(), y.type_number());
    let x = match T::take(x) {
        Ok(mut v) if !v.is_shared() => match T::src(&y) {
            Some(b) => {
                let s = v.make_mut();
                match b {
                    Src::Atom(q) => s.iter_mut().for_each(|p| *p = f(*p, q)),
                    Src::Many(qs) => {
                        for (p, &q) in s.iter_mut().zip(qs.iter()) {
                            *p = f(*p, q);
                        }
                    }
                }
                v.set_attribute(Attribute::None);
                return Ok(T::vector_value(v, rt));
            }
            None => T::vector_value(v, xt),
        },
        Ok(v) => T::vector_value(v, xt),
        Err(x) => x,
    };
    let y = match (T::atom(&x), T::take(y)) {
        (Some(p), Ok(mut v)) if !v.is_shared() => {
            v.make_mut().iter_mut().for_each(|q| *q = f(p, *q));
            v.set_attribute(Attribute::None);
            return Ok(T::vector_value(v, rt));
        }
        (_, Ok(v)) => T::vector_value(v, yt),
        (_, Err(y)) => y,
    };
    match (T::src(&x), T::src(&y)) {
        (Some(a), Some(b)) => Ok(emit2(rt, &a, &b, f)),
        _ => Err(QError::type_()),
    }
}

/// `f` item by item over one argument whose items (and the result's) are `T`, in place
/// when the argument is a uniquely owned vector.
pub(crate) fn same1<T: Native>(x: Value, rt: i8, f: impl Fn(T) -> T) -> QResult {
    if let Some(a) = T::atom(&x) {
        return Ok(T::atom_value(f(a), rt));
    }
    match T::take(x) {
        Ok(mut v) => {
            if v.is_shared() {
                let out = T::build(v.len(), |out| {
                    for (o, &p) in out.iter_mut().zip(v.iter()) {
                        *o = f(p);
                    }
                });
                return Ok(T::vector_value(out, rt));
            }
            v.make_mut().iter_mut().for_each(|p| *p = f(*p));
            v.set_attribute(Attribute::None);
            Ok(T::vector_value(v, rt))
        }
        Err(_) => Err(QError::type_()),
    }
}

/// A long narrowed to a short: null stays null, else the low 16 bits.
#[inline]
pub(crate) fn long_to_short(v: i64) -> i16 {
    if v == NULL_LONG {
        NULL_SHORT
    } else {
        v as i16
    }
}

/// The result of whole-number lanes as type `rt` (long lanes narrowed to its items).
pub(crate) fn emit2_long(
    rt: i8,
    a: &Src<'_, i64>,
    b: &Src<'_, i64>,
    f: impl Fn(i64, i64) -> i64,
) -> Value {
    match nat(rt) {
        Nat::Int => emit2(rt, a, b, |p, q| super::types::long_to_int(f(p, q))),
        Nat::Short => emit2(rt, a, b, |p, q| long_to_short(f(p, q))),
        Nat::Byte => emit2(rt, a, b, |p, q| f(p, q) as u8),
        Nat::Bool => emit2(rt, a, b, |p, q| f(p, q) != 0),
        Nat::Real => emit2(rt, a, b, |p, q| nullable_float(f(p, q)) as f32),
        Nat::Float => emit2(rt, a, b, |p, q| nullable_float(f(p, q))),
        _ => emit2(rt, a, b, f),
    }
}

/// The result of float lanes as type `rt` (a real narrows; a whole-number type rounds).
pub(crate) fn emit2_float<A: Copy, B: Copy>(
    rt: i8,
    a: &Src<'_, A>,
    b: &Src<'_, B>,
    f: impl Fn(A, B) -> f64,
) -> Value {
    match nat(rt) {
        Nat::Real => emit2(rt, a, b, |p, q| f(p, q) as f32),
        Nat::Float => emit2(rt, a, b, f),
        Nat::Long => emit2(rt, a, b, |p, q| float_to_long(f(p, q))),
        Nat::Int => emit2(rt, a, b, |p, q| {
            super::types::long_to_int(float_to_long(f(p, q)))
        }),
        Nat::Short => emit2(rt, a, b, |p, q| long_to_short(float_to_long(f(p, q)))),
        Nat::Byte => emit2(rt, a, b, |p, q| float_to_long(f(p, q)) as u8),
        _ => emit2(rt, a, b, |p, q| f(p, q) != 0.0),
    }
}

/// A long as a float: the null as NaN.
#[inline]
pub(crate) fn nullable_float(v: i64) -> f64 {
    if v == NULL_LONG {
        f64::NAN
    } else {
        v as f64
    }
}

/// The result of float lanes for one argument as type `rt` (a real narrows; a
/// whole-number type rounds).
pub(crate) fn emit1_float(rt: i8, a: &Src<'_, f64>, f: impl Fn(f64) -> f64) -> Value {
    match nat(rt) {
        Nat::Real => emit1(rt, a, |p| f(p) as f32),
        Nat::Float => emit1(rt, a, f),
        Nat::Int => emit1(rt, a, |p| super::types::long_to_int(float_to_long(f(p)))),
        _ => emit1(rt, a, |p| float_to_long(f(p))),
    }
}

/// The result of long lanes for one argument as type `rt` (narrowed to its items).
pub(crate) fn emit1_long(rt: i8, a: &Src<'_, i64>, f: impl Fn(i64) -> i64) -> Value {
    match nat(rt) {
        Nat::Int => emit1(rt, a, |p| super::types::long_to_int(f(p))),
        Nat::Short => emit1(rt, a, |p| long_to_short(f(p))),
        Nat::Byte => emit1(rt, a, |p| f(p) as u8),
        Nat::Bool => emit1(rt, a, |p| f(p) != 0),
        Nat::Real => emit1(rt, a, |p| nullable_float(f(p)) as f32),
        Nat::Float => emit1(rt, a, |p| nullable_float(f(p))),
        _ => emit1(rt, a, f),
    }
}

/// An argument in float lanes: longs are kept as they are (borrowed) and widened item by
/// item inside the loop, so a long vector meeting a float is not first copied.
pub(crate) enum FloatLanes<'a> {
    Long(Src<'a, i64>),
    Float(Src<'a, f64>),
}

/// The argument in float lanes, converted by `conv`.
pub(crate) fn float_lanes_lazy(x: &Value, conv: Conv) -> QResult<FloatLanes<'_>> {
    if conv == Conv::Raw {
        if let Some(s) = i64::src(x) {
            return Ok(FloatLanes::Long(s));
        }
    }
    float_lanes(x, conv).map(FloatLanes::Float)
}

/// `f` over two arguments in float lanes, as type `rt` (see [`emit2_float`]).
pub(crate) fn emit2_float_lazy(
    rt: i8,
    a: &FloatLanes<'_>,
    b: &FloatLanes<'_>,
    f: impl Fn(f64, f64) -> f64,
) -> Value {
    use FloatLanes::{Float, Long};
    match (a, b) {
        (Float(a), Float(b)) => emit2_float(rt, a, b, f),
        (Long(a), Float(b)) => emit2_float(rt, a, b, |p: i64, q| f(nullable_float(p), q)),
        (Float(a), Long(b)) => emit2_float(rt, a, b, |p, q: i64| f(p, nullable_float(q))),
        (Long(a), Long(b)) => emit2_float(rt, a, b, |p: i64, q: i64| {
            f(nullable_float(p), nullable_float(q))
        }),
    }
}
