//! The atomic unary arithmetic primitives: `neg abs signum reciprocal floor ceiling sqrt
//! exp log sin cos tan asin acos atan not null`.
//!
//! Each reaches into lists, dictionaries and tables through `atomic1`; on an atom or a
//! typed vector it reads the underlying values (temporals as their counts), and works in
//! place on a uniquely owned vector whose type the result keeps.

use qport_value::null::{NULL_INT, NULL_LONG, NULL_SHORT};
use qport_value::{Guid, Symbol, Value};

use super::atomic::atomic1;
use super::native::{emit1, emit1_float, float_lanes, kind, long_lanes, nat, same1, Nat, Native};
use super::types::{
    float_to_long, is_floating, is_numeric_like, Conv, BOOL, BYTE, CHAR, DATETIME, FLOAT, GUID,
    INT, LONG, REAL, SHORT, SYMBOL, TIMESTAMP,
};
use crate::error::{QError, QResult};

/// The type `neg` and `abs` give: booleans, bytes and chars become ints.
fn signed_type(t: i8) -> QResult<i8> {
    match t {
        BOOL | BYTE | CHAR => Ok(INT),
        GUID | SYMBOL => Err(QError::type_()),
        other => Ok(other),
    }
}

/// `neg x` (`-x`): the negation; a null is its own negation.
pub fn neg(x: Value) -> QResult {
    atomic1(x, &|x| {
        let t = kind(&x);
        let rt = signed_type(t)?;
        match nat(t) {
            Nat::Long => same1::<i64>(x, rt, i64::wrapping_neg),
            Nat::Int => same1::<i32>(x, rt, i32::wrapping_neg),
            Nat::Short => same1::<i16>(x, rt, i16::wrapping_neg),
            Nat::Float => same1::<f64>(x, rt, |a| -a),
            Nat::Real => same1::<f32>(x, rt, |a| -a),
            _ => {
                let a = long_lanes(&x, Conv::Raw)?;
                Ok(emit1(rt, &a, |v: i64| -(v as i32)))
            }
        }
    })
}

/// `abs x`: the absolute value; a null stays null.
pub fn abs(x: Value) -> QResult {
    atomic1(x, &|x| {
        let t = kind(&x);
        let rt = signed_type(t)?;
        match nat(t) {
            Nat::Long => same1::<i64>(x, rt, i64::wrapping_abs),
            Nat::Int => same1::<i32>(x, rt, i32::wrapping_abs),
            Nat::Short => same1::<i16>(x, rt, i16::wrapping_abs),
            Nat::Float => same1::<f64>(x, rt, f64::abs),
            Nat::Real => same1::<f32>(x, rt, f32::abs),
            _ => {
                let a = long_lanes(&x, Conv::Raw)?;
                Ok(emit1(rt, &a, |v: i64| v as i32))
            }
        }
    })
}

/// `signum x`: -1, 0 or 1 as an int, by the sign of the underlying value; null is -1.
pub fn signum(x: Value) -> QResult {
    atomic1(x, &|x| {
        let t = kind(&x);
        if !is_numeric_like(t) {
            return Err(QError::type_());
        }
        if is_floating(t) {
            let a = float_lanes(&x, Conv::Raw)?;
            return Ok(emit1(INT, &a, |v: f64| {
                if v.is_nan() || v < 0.0 {
                    -1
                } else {
                    i32::from(v > 0.0)
                }
            }));
        }
        let a = long_lanes(&x, Conv::Raw)?;
        Ok(emit1(INT, &a, |v: i64| v.signum() as i32))
    })
}

/// `reciprocal x`: `1%x`, as a float (a timestamp or datetime keeps its type).
pub fn reciprocal(x: Value) -> QResult {
    atomic1(x, &|x| {
        let t = kind(&x);
        if !is_numeric_like(t) {
            return Err(QError::type_());
        }
        let rt = if matches!(t, TIMESTAMP | DATETIME) {
            t
        } else {
            FLOAT
        };
        if nat(t) == Nat::Float {
            return same1::<f64>(x, rt, |a| 1.0 / a);
        }
        let a = float_lanes(&x, Conv::Raw)?;
        Ok(emit1_float(rt, &a, |v| 1.0 / v))
    })
}

/// `floor x`: the greatest whole number not above `x`, as a long for reals and floats;
/// chars and symbols are lower-cased.
pub fn floor(x: Value) -> QResult {
    atomic1(x, &|x| match kind(&x) {
        SHORT | INT | LONG => Ok(x),
        REAL | FLOAT => {
            let a = float_lanes(&x, Conv::Raw)?;
            Ok(emit1(LONG, &a, |v: f64| float_to_long(v.floor())))
        }
        CHAR => same1::<u8>(x, CHAR, |c| c.to_ascii_lowercase()),
        SYMBOL => {
            let a = Symbol::src(&x).ok_or_else(QError::type_)?;
            Ok(emit1(SYMBOL, &a, |s: Symbol| {
                Symbol::new(s.as_bytes().to_ascii_lowercase())
            }))
        }
        _ => Err(QError::type_()),
    })
}

/// `ceiling x`: the least whole number not below `x`, as a long for reals and floats;
/// booleans, bytes and chars as ints.
pub fn ceiling(x: Value) -> QResult {
    atomic1(x, &|x| match kind(&x) {
        SHORT | INT | LONG => Ok(x),
        BOOL | BYTE | CHAR => {
            let a = long_lanes(&x, Conv::Raw)?;
            Ok(emit1(INT, &a, |v: i64| v as i32))
        }
        REAL | FLOAT => {
            let a = float_lanes(&x, Conv::Raw)?;
            Ok(emit1(LONG, &a, |v: f64| float_to_long(v.ceil())))
        }
        _ => Err(QError::type_()),
    })
}

/// A float function of the underlying values (nulls give NaN, so null); a datetime keeps
/// its type where `keep_datetime`.
fn float_fn(x: Value, keep_datetime: bool, f: fn(f64) -> f64) -> QResult {
    atomic1(x, &|x| {
        let t = kind(&x);
        if !is_numeric_like(t) {
            return Err(QError::type_());
        }
        let rt = if keep_datetime && t == DATETIME {
            DATETIME
        } else {
            FLOAT
        };
        if nat(t) == Nat::Float {
            return same1::<f64>(x, rt, f);
        }
        let a = float_lanes(&x, Conv::Raw)?;
        Ok(emit1(rt, &a, f))
    })
}

/// `sqrt x`: the square root, as a float; null for a negative or null `x`.
pub fn sqrt(x: Value) -> QResult {
    float_fn(x, true, f64::sqrt)
}

/// `exp x`: e to the power `x`, as a float.
pub fn exp(x: Value) -> QResult {
    float_fn(x, true, f64::exp)
}

/// `log x`: the natural logarithm, as a float (`-0w` for 0, null for a negative `x`).
pub fn log(x: Value) -> QResult {
    float_fn(x, true, f64::ln)
}

/// `sin x`.
pub fn sin(x: Value) -> QResult {
    float_fn(x, false, f64::sin)
}

/// `cos x`.
pub fn cos(x: Value) -> QResult {
    float_fn(x, false, f64::cos)
}

/// `tan x`.
pub fn tan(x: Value) -> QResult {
    float_fn(x, false, f64::tan)
}

/// `asin x`.
pub fn asin(x: Value) -> QResult {
    float_fn(x, false, f64::asin)
}

/// `acos x`.
pub fn acos(x: Value) -> QResult {
    float_fn(x, false, f64::acos)
}

/// `atan x`.
pub fn atan(x: Value) -> QResult {
    float_fn(x, false, f64::atan)
}

/// A boolean of each item of a simple argument whose items are `T`.
fn flags<T: Native>(x: &Value, f: impl Fn(T) -> bool) -> QResult {
    let a = T::src(x).ok_or_else(QError::type_)?;
    Ok(emit1(BOOL, &a, f))
}

/// `not x`: whether the underlying value is zero (a null or an infinity never is).
pub fn not(x: Value) -> QResult {
    atomic1(x, &|x| match nat(kind(&x)) {
        Nat::Bool => same1::<bool>(x, BOOL, |a| !a),
        Nat::Byte => flags::<u8>(&x, |a| a == 0),
        Nat::Short => flags::<i16>(&x, |a| a == 0),
        Nat::Int => flags::<i32>(&x, |a| a == 0),
        Nat::Long => flags::<i64>(&x, |a| a == 0),
        Nat::Real => flags::<f32>(&x, |a| a == 0.0),
        Nat::Float => flags::<f64>(&x, |a| a == 0.0),
        Nat::Guid => flags::<Guid>(&x, |g| g == Guid::default()),
        Nat::Sym => Err(QError::type_()),
    })
}

/// `null x` (`^x`): whether each item is its type's null (booleans and bytes never are;
/// the char null is a blank).
pub fn null(x: Value) -> QResult {
    atomic1(x, &|x| match kind(&x) {
        BOOL => flags::<bool>(&x, |_| false),
        BYTE => flags::<u8>(&x, |_| false),
        CHAR => flags::<u8>(&x, |c| c == b' '),
        SYMBOL => flags::<Symbol>(&x, |s| s.is_empty()),
        t => match nat(t) {
            Nat::Short => flags::<i16>(&x, |a| a == NULL_SHORT),
            Nat::Int => flags::<i32>(&x, |a| a == NULL_INT),
            Nat::Long => flags::<i64>(&x, |a| a == NULL_LONG),
            Nat::Real => flags::<f32>(&x, f32::is_nan),
            Nat::Float => flags::<f64>(&x, f64::is_nan),
            Nat::Guid => flags::<Guid>(&x, |g| g == Guid::default()),
            _ => Err(QError::type_()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, q_err};

    #[test]
    fn neg_abs_signum() {
        check("neg -1 0 1 2", "1 0 -1 -2");
        check("neg 01001b", "0 -1 0 0 -1i");
        check("neg (0W;-0w;0N)", "(-0W;0w;0N)");
        check("neg 2000.01.01 2012.01.01", "2000.01.01 1988.01.01");
        check("neg (5 2; 3; -8 0 2)", "(-5 -2;-3;8 0 -2)");
        check("-3 4 5", "-3 4 5");
        check("abs -1.0", "1f");
        check("abs 10 -43 0N", "10 43 0N");
        check("abs 1999.01.01", "2000.12.31");
        check("abs(10;20 -30)", "(10;20 30)");
        check("abs -3h", "3h");
        check("signum -2 0 1 3", "-1 0 1 1i");
        check(
            "signum (0n;0N;0Nt;0Nd;0Nz;0Nu;0Nv;0Nm;0Nh;0Nj;0Ne)",
            "-1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1i",
        );
        check("signum 1999.12.31", "-1i");
        check("signum(10;-20 30)", "(1i;-1 1i)");
        check("signum `a`b!(10 -21 3;4 5 -6)", "`a`b!(1 -1 1i;1 1 -1i)");
        assert_eq!(q_err("neg `a"), "type");
    }

    #[test]
    fn reciprocal_floor_ceiling() {
        check("reciprocal 0 0w 0n 3 10", "0w 0 0n 0.3333333 0.1");
        check("reciprocal 1b", "1f");
        check(
            "reciprocal (12;13 14)",
            "(0.08333333;0.07692308 0.07142857)",
        );
        check("floor -2.1 0 2.1", "-3 0 2");
        check("floor(1.2;3.4 5.6)", "(1;3 5)");
        check("floor`a`b!(1.2;3.4 5.6)", "`a`b!(1;3 5)");
        check("floor flip`a`b!(1.2 3.4;5.6 7.8)", "flip `a`b!(1 3;5 7)");
        check("floor 0n 0w -0w 2.5e", "0N 0W -0W 2");
        check("floor 3i", "3i");
        check("floor \"aBc\"", "\"abc\"");
        check("floor `AbC", "`abc");
        check("ceiling -2.1 0 2.1", "-2 0 3");
        check("ceiling 01b", "0 1i");
        check("ceiling(1.2;3.4 5.6)", "(2;4 6)");
        assert_eq!(q_err("floor 2000.01.01"), "type");
        assert_eq!(q_err("floor 01b"), "type");
        assert_eq!(q_err("ceiling `a"), "type");
    }

    #[test]
    fn float_functions() {
        check("sqrt -1 0n 0 25 50", "0n 0n 0 5 7.071068");
        check("sqrt 12:00:00.000000000", "6572671f");
        check("sqrt 0Wh", "181.0166");
        check("sqrt 101b", "1 0 1f");
        check("sqrt (10;20 30)", "(3.162278;4.472136 5.477226)");
        check("exp 1", "2.718282");
        check("exp -4.2 0 0.1 0n 0w", "0.01499558 1 1.105171 0n 0w");
        check("exp 00:00:00 00:00:12 12:00:00", "1 162754.8 0w");
        check("exp(1;2 3)", "(2.718282;7.389056 20.08554)");
        check("log 1", "0f");
        check("log -2 0n 0 0.1 1 42", "0n 0n -0w -2.302585 0 3.73767");
        check("log exp 42", "42f");
        check("cos 0.2", "0.9800666");
        check("acos -0.4", "1.982313");
        check("acos (.2;.3 .4)", "(1.369438;1.266104 1.159279)");
        check("tan 0 0.5 1 2", "0 0.5463025 1.557408 -2.18504");
        check("atan 0.5", "0.4636476");
        check("sin 0", "0f");
        check("asin 1", "1.570796");
        assert_eq!(q_err("sqrt `a"), "type");
    }

    #[test]
    fn not_and_null() {
        check("not -1 0 1 2", "0100b");
        check("not \"abc\\000\"", "0001b");
        check("not 2000.01.01 2020.06.30", "10b");
        check("not 00:00:00", "1b");
        check("not 12:00:00.000000000", "0b");
        check("not (0W;-0w;0N)", "000b");
        check("not `a`b!(-1 0 2;\"abc\\000\")", "`a`b!(010b;0001b)");
        check("null 0 0n 0w 1 0n", "01001b");
        check("null`", "1b");
        check("null \" a\"", "10b");
        check("null 0Nd 2000.01.01", "10b");
        check("null 101b", "000b");
        check("null (1;0N;`)", "011b");
        assert_eq!(q_err("not `a"), "type");
    }
}
