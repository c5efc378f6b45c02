//! Comparison: `= <> < > <= >=`, `~` (match), and q's sort order of two atoms.
//!
//! The six comparisons are atomic and compare underlying values across numeric types
//! (`1=1h`, `"a"<98`); a null equals any null and is less than every other value (even
//! `-0w`); floats compare with kdb+'s comparison tolerance, 2^-43 relative; a point in
//! time compared with a time of day is reduced to its time of day. Symbols compare by
//! their text, guids by their bytes; either against anything else is `'type`.

use std::cmp::Ordering;

use qport_value::{Guid, Symbol, Value};

use super::arith::atomic::atomic2;
use super::arith::native::{
    conform, emit2, float_lanes, float_lanes_lazy, kind, long_lanes, nat, FloatLanes, Nat, Native,
    Src,
};
use super::arith::order_plan;
use super::arith::types::{is_floating, is_temporal, Conv, BOOL, DATETIME, GUID, SYMBOL};
use crate::error::{QError, QResult};
use crate::items::{count, item};

/// kdb+'s comparison tolerance: two floats are equal when they differ by at most this
/// fraction of the larger magnitude.
const TOLERANCE: f64 = 1.0 / 8_796_093_022_208.0;

/// Tolerant float equality: nulls equal each other only; an infinity equals only itself.
#[inline]
pub(crate) fn tol_eq(a: f64, b: f64) -> bool {
    if a == b {
        return true;
    }
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return false;
    }
    (a - b).abs() <= TOLERANCE * a.abs().max(b.abs())
}

/// Tolerant float less-than: a null is less than any non-null.
#[inline]
pub(crate) fn tol_lt(a: f64, b: f64) -> bool {
    if a.is_nan() {
        return !b.is_nan();
    }
    if b.is_nan() {
        return false;
    }
    a < b && !tol_eq(a, b)
}

/// Which comparison.
#[derive(Clone, Copy)]
enum Rel {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// The flags of relation `rel` item by item, given equality and less-than on the items.
fn relate<T: Copy>(
    rel: Rel,
    a: &Src<'_, T>,
    b: &Src<'_, T>,
    eq: impl Fn(T, T) -> bool + Copy,
    lt: impl Fn(T, T) -> bool + Copy,
) -> Value {
    match rel {
        Rel::Eq => emit2(BOOL, a, b, eq),
        Rel::Ne => emit2(BOOL, a, b, move |p, q| !eq(p, q)),
        Rel::Lt => emit2(BOOL, a, b, lt),
        Rel::Gt => emit2(BOOL, a, b, move |p, q| lt(q, p)),
        Rel::Le => emit2(BOOL, a, b, move |p, q| !lt(q, p)),
        Rel::Ge => emit2(BOOL, a, b, move |p, q| !lt(p, q)),
    }
}

/// The flags of relation `rel` between arguments of two item types, each widened to a
/// float by `fa`/`fb` and compared with tolerance.
fn relate_mixed<A: Copy, B: Copy>(
    rel: Rel,
    a: &Src<'_, A>,
    b: &Src<'_, B>,
    fa: impl Fn(A) -> f64 + Copy,
    fb: impl Fn(B) -> f64 + Copy,
) -> Value {
    let (eq, lt) = (
        move |p: A, q: B| tol_eq(fa(p), fb(q)),
        move |p: A, q: B| tol_lt(fa(p), fb(q)),
    );
    let gt = move |p: A, q: B| tol_lt(fb(q), fa(p));
    match rel {
        Rel::Eq => emit2(BOOL, a, b, eq),
        Rel::Ne => emit2(BOOL, a, b, move |p, q| !eq(p, q)),
        Rel::Lt => emit2(BOOL, a, b, lt),
        Rel::Gt => emit2(BOOL, a, b, gt),
        Rel::Le => emit2(BOOL, a, b, move |p, q| !gt(p, q)),
        Rel::Ge => emit2(BOOL, a, b, move |p, q| !lt(p, q)),
    }
}

/// Items of one whole-number type, compared as they are (the null is the type's least
/// value, so it is below every other value and equal only to itself).
fn relate_native<T: Native + PartialOrd>(rel: Rel, x: &Value, y: &Value) -> QResult {
    match (T::src(x), T::src(y)) {
        (Some(a), Some(b)) => Ok(relate(rel, &a, &b, |p, q| p == q, |p, q| p < q)),
        _ => Err(QError::type_()),
    }
}

/// A comparison of two simple arguments.
fn compare_simple(x: Value, y: Value, rel: Rel) -> QResult {
    let (xt, yt) = (kind(&x), kind(&y));
    if xt == SYMBOL || yt == SYMBOL || xt == GUID || yt == GUID {
        if xt != yt {
            return Err(QError::type_());
        }
        conform(&x, &y)?;
        return if xt == SYMBOL {
            let (a, b) = (Symbol::src(&x), Symbol::src(&y));
            match (a, b) {
                (Some(a), Some(b)) => Ok(relate(
                    rel,
                    &a,
                    &b,
                    |p, q| p == q,
                    |p, q| p.as_bytes() < q.as_bytes(),
                )),
                _ => Err(QError::type_()),
            }
        } else {
            relate_native::<Guid>(rel, &x, &y)
        };
    }
    let (rt, cx, cy) = order_plan(xt, yt)?;
    conform(&x, &y)?;
    if cx == Conv::Raw && cy == Conv::Raw && nat(xt) == nat(yt) {
        match nat(xt) {
            Nat::Bool => return relate_native::<bool>(rel, &x, &y),
            Nat::Byte => return relate_native::<u8>(rel, &x, &y),
            Nat::Short => return relate_native::<i16>(rel, &x, &y),
            Nat::Int => return relate_native::<i32>(rel, &x, &y),
            Nat::Long => return relate_native::<i64>(rel, &x, &y),
            Nat::Float => {
                if let (Some(a), Some(b)) = (f64::src(&x), f64::src(&y)) {
                    return Ok(relate(rel, &a, &b, tol_eq, tol_lt));
                }
            }
            _ => {}
        }
    }
    let float_domain = if is_temporal(xt) && is_temporal(yt) {
        rt == DATETIME
    } else {
        is_floating(xt) || is_floating(yt)
    };
    if !float_domain {
        let (a, b) = (long_lanes(&x, cx)?, long_lanes(&y, cy)?);
        return Ok(relate(rel, &a, &b, |p, q| p == q, |p, q| p < q));
    }
    // A long side stays in place and is widened item by item.
    use super::arith::native::nullable_float as wide;
    let (a, b) = (float_lanes_lazy(&x, cx)?, float_lanes_lazy(&y, cy)?);
    Ok(match (a, b) {
        (FloatLanes::Float(a), FloatLanes::Float(b)) => relate(rel, &a, &b, tol_eq, tol_lt),
        (FloatLanes::Long(a), FloatLanes::Float(b)) => relate_mixed(rel, &a, &b, wide, |q| q),
        (FloatLanes::Float(a), FloatLanes::Long(b)) => relate_mixed(rel, &a, &b, |p| p, wide),
        (FloatLanes::Long(a), FloatLanes::Long(b)) => relate_mixed(rel, &a, &b, wide, wide),
    })
}

/// `x=y`: equal.
pub fn equal(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| compare_simple(x, y, Rel::Eq))
}

/// `x<>y`: not equal.
pub fn not_equal(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| compare_simple(x, y, Rel::Ne))
}

/// `x<y`: less than.
pub fn less(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| compare_simple(x, y, Rel::Lt))
}

/// `x>y`: greater than.
pub fn greater(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| compare_simple(x, y, Rel::Gt))
}

/// `x<=y`: up to.
pub fn less_equal(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| compare_simple(x, y, Rel::Le))
}

/// `x>=y`: at least.
pub fn greater_equal(x: Value, y: Value) -> QResult {
    atomic2(x, y, &|x, y| compare_simple(x, y, Rel::Ge))
}

/// `x~y`: match, a boolean atom: the same type and the same items (floats tolerantly,
/// attributes ignored).
pub fn match_(x: Value, y: Value) -> QResult {
    Ok(Value::Bool(match_values(&x, &y)))
}

/// Whether two values match, as `~` decides.
pub(crate) fn match_values(a: &Value, b: &Value) -> bool {
    use Value::*;
    fn floats(p: &[f64], q: &[f64]) -> bool {
        p.len() == q.len() && p.iter().zip(q).all(|(a, b)| tol_eq(*a, *b))
    }
    macro_rules! same_items {
        ($($vector:ident),*) => {
            match (a, b) {
                $(($vector(p), $vector(q)) => return p.as_slice() == q.as_slice(),)*
                _ => {}
            }
        };
    }
    match (a, b) {
        (Float(p), Float(q)) | (Datetime(p), Datetime(q)) => return tol_eq(*p, *q),
        (Real(p), Real(q)) => return tol_eq(f64::from(*p), f64::from(*q)),
        (FloatVector(p), FloatVector(q)) | (DatetimeVector(p), DatetimeVector(q)) => {
            return floats(p, q)
        }
        (RealVector(p), RealVector(q)) => {
            return p.len() == q.len()
                && p.iter()
                    .zip(q.iter())
                    .all(|(a, b)| tol_eq(f64::from(*a), f64::from(*b)))
        }
        (List(p), List(q)) => {
            return p.len() == q.len() && p.iter().zip(q.iter()).all(|(a, b)| match_values(a, b))
        }
        (Dict(p), Dict(q)) => {
            return match_values(&p.keys, &q.keys) && match_values(&p.values, &q.values)
        }
        (Table(p), Table(q)) => {
            return p.names().as_slice() == q.names().as_slice()
                && p.columns().len() == q.columns().len()
                && p.columns()
                    .iter()
                    .zip(q.columns())
                    .all(|(a, b)| match_values(a, b))
        }
        (KeyedTable(p), KeyedTable(q)) => {
            return match_values(&Value::table(p.key.clone()), &Value::table(q.key.clone()))
                && match_values(
                    &Value::table(p.value.clone()),
                    &Value::table(q.value.clone()),
                )
        }
        _ => {}
    }
    if a.type_number() != b.type_number() {
        return false;
    }
    same_items!(
        BoolVector,
        GuidVector,
        ByteVector,
        ShortVector,
        IntVector,
        LongVector,
        CharVector,
        SymbolVector,
        TimestampVector,
        MonthVector,
        DateVector,
        TimespanVector,
        MinuteVector,
        SecondVector,
        TimeVector
    );
    a == b
}

/// The order of two floats in a sort: nulls first, then by value (no tolerance).
fn float_order(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// q's sort order of two atoms of the same type: nulls first (a whole-number null is its
/// type's least value), floats by value with NaN first, symbols by their text, chars and
/// bytes unsigned, guids by their bytes. Atoms of different types are ordered by
/// underlying value where both are numbers, else by type; lists item by item.
pub fn compare_atoms(a: &Value, b: &Value) -> Ordering {
    use Value::*;
    match (a, b) {
        (Bool(p), Bool(q)) => p.cmp(q),
        (Guid(p), Guid(q)) => p.cmp(q),
        (Byte(p), Byte(q)) | (Char(p), Char(q)) => p.cmp(q),
        (Short(p), Short(q)) => p.cmp(q),
        (Int(p), Int(q))
        | (Month(p), Month(q))
        | (Date(p), Date(q))
        | (Minute(p), Minute(q))
        | (Second(p), Second(q))
        | (Time(p), Time(q)) => p.cmp(q),
        (Long(p), Long(q)) | (Timestamp(p), Timestamp(q)) | (Timespan(p), Timespan(q)) => p.cmp(q),
        (Real(p), Real(q)) => float_order(f64::from(*p), f64::from(*q)),
        (Float(p), Float(q)) | (Datetime(p), Datetime(q)) => float_order(*p, *q),
        (Symbol(p), Symbol(q)) => p.as_bytes().cmp(q.as_bytes()),
        _ => compare_values(a, b),
    }
}

/// An order on any two values: atoms as [`compare_atoms`] (numbers of different types by
/// underlying value), lists item by item and then by count, anything else by type.
pub(crate) fn compare_values(a: &Value, b: &Value) -> Ordering {
    if a.is_atom() && b.is_atom() {
        if a.type_number() == b.type_number() {
            return compare_atoms(a, b);
        }
        let numeric = |v: &Value| !matches!(kind(v), SYMBOL | GUID);
        if numeric(a) && numeric(b) {
            if let (Ok(Src::Atom(p)), Ok(Src::Atom(q))) =
                (float_lanes(a, Conv::Raw), float_lanes(b, Conv::Raw))
            {
                return float_order(p, q);
            }
        }
        return a.type_number().cmp(&b.type_number());
    }
    let list = |v: &Value| (0..=19).contains(&v.type_number());
    if list(a) && list(b) {
        let (n, m) = (count(a), count(b));
        for i in 0..n.min(m) {
            let o = compare_values(&item(a, i), &item(b, i));
            if o != Ordering::Equal {
                return o;
            }
        }
        return n.cmp(&m);
    }
    a.type_number().cmp(&b.type_number())
}

#[cfg(test)]
mod tests {
    use super::super::arith::testing::{check, q, q_err};
    use super::*;

    #[test]
    fn equal_across_types() {
        check("\"hello\" = \"world\"", "00010b");
        check("1=1h", "1b");
        check("1=1.0", "1b");
        check("5h>4h", "1b");
        check("0x05<4", "0b");
        check("0>(1i;-2;0h;1b;0N;-0W)", "010011b");
        check("5>=(`a`b!4 6)", "`a`b!10b");
        check("(3;\"a\")=(2 3 4;\"abc\")", "(010b;100b)");
        check("(3;\"a\")<>(2 3 4;\"abc\")", "(101b;011b)");
        check(
            "\"Many hands make light work.\"=\"a\"",
            "010000100000100000000000000b",
        );
        check("\"0\" < (\"4\"; \"f\"; \"F\"; 4)", "1110b");
        check("\"alpha\" > \"omega\"", "00110b");
        check("`alpha > `omega", "0b");
        check("`a`b`c=`b", "010b");
        check("`abc<`abd", "1b");
        check("5 < 1 2 3 4 5 6 7 8", "00000111b");
        check("\"f\" < (\"abc\";\"def\";\"gh\")", "(000b;000b;11b)");
        check("1 4 7 < (1 2 3;4 5 6;7 8)", "(011b;011b;01b)");
        check(
            "(1;2 3 4;(5 6 7;8)) < (1 2 3;4 5 6;7 8)",
            "(011b;111b;(110b;0b))",
        );
        check("(10;20 30)<(50 -20;5)", "(10b;00b)");
        // The reference shows 000b for the char row, at odds with its own `<=` (111b) and
        // `=` (100b) of the same arguments; "a"<"b" is true.
        check("(3;\"a\")<(2 3 4;\"abc\")", "(001b;011b)");
        check("(3;\"a\")<=(2 3 4;\"abc\")", "(011b;111b)");
        check(".5 < sin 1 2 3 4 5 6 7", "1100001b");
        assert_eq!(q_err("`a=1"), "type");
        assert_eq!(q_err("`a=\"a\""), "type");
        assert_eq!(q_err("1 2 3=1 2"), "length");
    }

    #[test]
    fn nulls_and_infinities() {
        check("(0Nh;0Ni;0N;0Ne;0n)=0N", "11111b");
        check("(0Nh;0Ni;0N;0Ne;0n)=0n", "11111b");
        check("0n=0n", "1b");
        check("(0Nh;0Ni;0N;0Ne;0n) < neg (0Wh;0Wi;0W;0We;0w)", "11111b");
        check("0Wh<0Wi", "1b");
        check("0Wi<0W", "1b");
        check("0W<0We", "1b");
        check("0w>=0We", "1b");
        check("-0We>=-0w", "1b");
        check("0N<-0W", "1b");
        check("0w=0w", "1b");
        check("0w=1e308", "0b");
        check("` < `a", "1b");
    }

    #[test]
    fn tolerance() {
        check("(1 + 0.0000000000001) = 1", "1b");
        check("96.100000000000009 = 96.099999999999994", "1b");
        check("96.099999999999994=96.10000000001", "1b");
        check("96.099999999999994=96.10000000002", "0b");
        check("1e12=1e12-1", "0b");
        check("1e13=1e13-1", "1b");
        check("1f>1f-10 xexp -13", "0b");
        check("1f<1f+10 xexp -13", "0b");
        check("1f<=1f-10 xexp -13", "1b");
        check("1.0=(1%7)+(1%7)+(1%7)+(1%7)+(1%7)+(1%7)+(1%7)", "1b");
        check("0=10 xexp -300", "0b");
    }

    #[test]
    fn temporal_comparisons() {
        check("2000.01.01D12:00 > 2000.01.01", "1b");
        check("2000.01.01 = 2000.01.01D00:00", "1b");
        check("2000.01m < 2000.01.02", "1b");
        check("2000.02m = 2000.02.01", "1b");
        check("2000.01.02D09:29:15 = 09:29", "1b");
        check(
            "(2000.01.02D09:15:37;2000.01.02D09:29:01;2000.01.02D09:30:01) < 09:29",
            "100b",
        );
        check("(0D09:15:37;0D09:29:00;0D09:29:01) = 09:29", "010b");
        check("2000.01.01T12:00:00.000 = 12:00:00", "1b");
        check("2000.01.02 = 2000.01.02T00:00:00.000", "1b");
        check("12:00 < 12:00:01", "1b");
        check("12:00 = 12:00:00.000", "1b");
        check("2000.01.01 < 1", "1b");
        assert_eq!(q_err("2000.01m < 2000.01.01T00:00:00.000"), "type");
        assert_eq!(q_err("2000.01.01 < 12:00"), "type");
    }

    #[test]
    fn dictionaries_and_tables() {
        let d = "(`a`b!(10 -21 3;4 5 -6))";
        check(&format!("{d}<=5"), "`a`b!(011b;111b)");
        check(&format!("(flip {d})<5"), "flip `a`b!(011b;101b)");
        check(
            &format!("((flip enlist[`k]!enlist `abc`def`ghi)!flip {d})<5"),
            "(flip enlist[`k]!enlist `abc`def`ghi)!flip `a`b!(011b;101b)",
        );
    }

    #[test]
    fn mixed_long_and_float() {
        check("0 1 2 3 < 1.5", "1100b");
        check("1.5 >= 0 1 2 3", "1100b");
        check("0 1 0N = 0 1 0n", "111b");
        check("0N < 0w", "1b");
        check("1 2 3 <> 1 2.5 3", "010b");
    }

    #[test]
    fn matching() {
        check("(1 2 3+4 5 6)~4 5 6+1 2 3", "1b");
        check("(1 2 3-4 5 6)~4 5 6-1 2 3", "0b");
        check("1 2 3 ~`a`b", "0b");
        check("1~1h", "0b");
        check("1~1i", "0b");
        check("3~3.0", "0b");
        check("1f~1f-10 xexp -13", "1b");
        check("0n~0n", "1b");
        check("(1;`a;\"b\")~(1;`a;\"b\")", "1b");
        check("(1;`a;\"b\")~(1;`a;\"c\")", "0b");
        check("(`a`b!1 2)~`a`b!1 2", "1b");
        check("(`a`b!1 2)~`a`b!1 3", "0b");
        check("(flip `a`b!(1 2;3 4))~flip `a`b!(1 2;3 4)", "1b");
        check("\"abc\"~\"abc\"", "1b");
        check("`a~`a", "1b");
        check("(enlist 1)~enlist 1", "1b");
        check("1~enlist 1", "0b");
        let sorted = {
            let mut v = qport_value::Vector::from(vec![1i64, 2, 3]);
            v.set_attribute(qport_value::Attribute::Sorted);
            Value::LongVector(v)
        };
        assert_eq!(
            match_(q("1 2 3").unwrap(), sorted).unwrap(),
            Value::Bool(true)
        );
    }

    #[test]
    fn sort_order_of_atoms() {
        use std::cmp::Ordering::*;
        let o = |a: &str, b: &str| compare_atoms(&q(a).unwrap(), &q(b).unwrap());
        assert_eq!(o("0N", "-0W"), Less);
        assert_eq!(o("0n", "-0w"), Less);
        assert_eq!(o("0n", "0n"), Equal);
        assert_eq!(o("1.5", "0n"), Greater);
        assert_eq!(o("`a", "`b"), Less);
        assert_eq!(o("`", "`a"), Less);
        assert_eq!(o("`ab", "`a"), Greater);
        assert_eq!(o("\"a\"", "\"B\""), Greater);
        assert_eq!(o("0b", "1b"), Less);
        assert_eq!(o("2000.01.01", "1999.12.31"), Greater);
        assert_eq!(o("0Nd", "1999.12.31"), Less);
        assert_eq!(o("0x80", "0x7f"), Greater);
        assert_eq!(o("1", "2.5"), Less);
        assert_eq!(
            compare_values(&q("1 2").unwrap(), &q("1 2 3").unwrap()),
            Less
        );
        assert_eq!(
            compare_values(&q("4 5").unwrap(), &q("10 2").unwrap()),
            Less
        );
    }
}
