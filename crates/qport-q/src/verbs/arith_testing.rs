//! Test support for the arithmetic, comparison and math verbs: a small evaluator of q
//! parse trees that applies this family's functions by name, so tests read as q
//! (`check("2+3 4", "5 6")`), and a comparison that allows for the seven significant
//! digits q's console shows of a float.
//!
//! Only what the tests need: literals, application of primitives, `x:y` assignment and
//! names, `enlist`, `!` (dictionary, keyed table), `flip` (dictionary to table), `til`,
//! `#` (take, of a long count), `type`, `count`.

use std::collections::HashMap;

use qport_value::{Function, KeyedTable, Symbol, Value};

use super::atomic::{make_dict, make_table};
use crate::error::{QError, QResult};
use crate::items::{count, enlist, from_items, to_items};
use crate::verbs::{arith, compare, math, VERBS};

type Dyad = fn(Value, Value) -> QResult;
type Monad = fn(Value) -> QResult;

fn dyad(name: &str) -> Option<Dyad> {
    use arith::*;
    use compare::*;
    use math::*;
    Some(match name {
        "+" => add,
        "-" => subtract,
        "*" => multiply,
        "%" => divide,
        "&" | "and" => min2,
        "|" | "or" => max2,
        "^" => fill,
        "=" => equal,
        "<>" => not_equal,
        "<" => less,
        ">" => greater,
        "<=" => less_equal,
        ">=" => greater_equal,
        "~" => match_,
        "div" => div,
        "mod" => mod_,
        "xexp" => xexp,
        "xlog" => xlog,
        "xbar" => xbar,
        "wsum" => wsum,
        "wavg" => wavg,
        "cor" => cor,
        "cov" => cov,
        "mavg" => mavg,
        "msum" => msum,
        "mmin" => mmin,
        "mmax" => mmax,
        "mcount" => mcount,
        "mdev" => mdev,
        "ema" => ema,
        _ => return None,
    })
}

fn monad(name: &str) -> Option<Monad> {
    use arith::*;
    use math::*;
    Some(match name {
        "-" | "neg" => neg,
        "abs" => abs,
        "signum" => signum,
        "reciprocal" => reciprocal,
        "floor" => floor,
        "ceiling" => ceiling,
        "sqrt" => sqrt,
        "exp" => exp,
        "log" => log,
        "sin" => sin,
        "cos" => cos,
        "tan" => tan,
        "asin" => asin,
        "acos" => acos,
        "atan" => atan,
        "~" | "not" => not,
        "^" | "null" => null,
        "sum" => sum,
        "prd" => prd,
        "min" => min,
        "max" => max,
        "avg" => avg,
        "sums" => sums,
        "prds" => prds,
        "mins" => mins,
        "maxs" => maxs,
        "avgs" => avgs,
        "deltas" => deltas,
        "ratios" => ratios,
        "med" => med,
        "var" => var,
        "dev" => dev,
        "sdev" => sdev,
        "svar" => svar,
        "all" => all,
        "any" => any,
        _ => return None,
    })
}

#[derive(Default)]
struct Harness {
    names: HashMap<Symbol, Value>,
}

impl Harness {
    fn eval(&mut self, tree: &Value) -> QResult {
        match tree {
            Value::Symbol(name) => self
                .names
                .get(name)
                .cloned()
                .ok_or_else(|| QError::new(name.to_str_lossy())),
            // A quoted symbol is enlisted in a parse tree, so that it is not a name.
            Value::SymbolVector(v) if v.len() == 1 => Ok(Value::Symbol(v[0])),
            Value::List(items) => match items.first() {
                Some(Value::Function(f)) => {
                    if let (Function::BinaryPrimitive(0), Some(Value::Symbol(name))) =
                        (f, items.get(1))
                    {
                        let value = self.eval(&items[2])?;
                        self.names.insert(*name, value.clone());
                        return Ok(value);
                    }
                    // q evaluates arguments right to left.
                    let mut args = Vec::with_capacity(items.len() - 1);
                    for a in items[1..].iter().rev() {
                        args.push(self.eval(a)?);
                    }
                    args.reverse();
                    apply(f, args)
                }
                Some(only) if items.len() == 1 => Ok(only.clone()),
                None => Ok(tree.clone()),
                _ => Err(QError::nyi()),
            },
            other => Ok(other.clone()),
        }
    }
}

fn apply(f: &Function, args: Vec<Value>) -> QResult {
    let (index, unary) = match f {
        Function::UnaryPrimitive(i) => (*i, true),
        Function::BinaryPrimitive(i) => (*i, false),
        _ => return Err(QError::nyi()),
    };
    let name = VERBS[index as usize].name;
    let mut args = args.into_iter();
    match (name, args.len()) {
        ("enlist", 1) => Ok(enlist(args.next().unwrap_or_default_value())),
        ("enlist", _) => Ok(from_items(args.collect())),
        ("til", 1) => match args.next() {
            Some(Value::Long(n)) => Ok(Value::from((0..n).collect::<Vec<i64>>())),
            _ => Err(QError::type_()),
        },
        ("type", 1) => Ok(Value::Short(i16::from(
            args.next().unwrap_or_default_value().type_number(),
        ))),
        ("count", 1) => Ok(Value::Long(
            count(&args.next().unwrap_or_default_value()) as i64
        )),
        ("flip", 1) | ("+", 1) if unary => flip(args.next().unwrap_or_default_value()),
        ("#", 2) => {
            let (n, x) = (
                args.next().unwrap_or_default_value(),
                args.next().unwrap_or_default_value(),
            );
            let Value::Long(n) = n else {
                return Err(QError::type_());
            };
            let items = to_items(&x);
            let taken: Vec<Value> = (0..n as usize)
                .map(|i| items[i % items.len()].clone())
                .collect();
            Ok(match taken.is_empty() {
                true => crate::items::empty_of(x.type_number().abs()),
                false => from_items(taken),
            })
        }
        ("!", 2) => {
            let (k, v) = (
                args.next().unwrap_or_default_value(),
                args.next().unwrap_or_default_value(),
            );
            match (k, v) {
                (Value::Table(k), Value::Table(v)) => KeyedTable::new((*k).clone(), (*v).clone())
                    .map(Value::keyed_table)
                    .map_err(|e| QError::new(e.q_text())),
                (k, v) => make_dict(k, v),
            }
        }
        (name, 1) => match monad(name) {
            Some(m) => m(args.next().unwrap_or_default_value()),
            None => Err(QError::nyi()),
        },
        (name, 2) => match dyad(name) {
            Some(d) => d(
                args.next().unwrap_or_default_value(),
                args.next().unwrap_or_default_value(),
            ),
            None => Err(QError::nyi()),
        },
        _ => Err(QError::rank()),
    }
}

trait OrIdentity {
    fn unwrap_or_default_value(self) -> Value;
}

impl OrIdentity for Option<Value> {
    fn unwrap_or_default_value(self) -> Value {
        self.unwrap_or(Value::IDENTITY)
    }
}

fn flip(x: Value) -> QResult {
    match x {
        Value::Dict(d) => match &d.keys {
            Value::SymbolVector(names) => make_table(names.clone(), to_items(&d.values)),
            _ => Err(QError::type_()),
        },
        _ => Err(QError::nyi()),
    }
}

/// The value of q expression `text`.
pub(crate) fn q(text: &str) -> QResult {
    let tree = crate::parser::parse(text.as_bytes())?;
    Harness::default().eval(&tree)
}

/// The error text q expression `text` signals (panics if it does not).
pub(crate) fn q_err(text: &str) -> String {
    match q(text) {
        Ok(v) => panic!("{text} gave {v:?}, not an error"),
        Err(e) => e.text().to_string(),
    }
}

/// Asserts that `text` evaluates to the value of `expected`, of the same type, floats
/// equal to the seven significant digits the console shows.
pub(crate) fn check(text: &str, expected: &str) {
    let got = q(text).unwrap_or_else(|e| panic!("{text}: '{}", e.text()));
    let want = q(expected).unwrap_or_else(|e| panic!("expected {expected}: '{}", e.text()));
    assert!(close(&got, &want), "{text}\n got {got:?}\nwant {want:?}");
}

fn close_float(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= 5e-7 * a.abs().max(b.abs())
}

/// Equality with room for the console's float rounding.
pub(crate) fn close(a: &Value, b: &Value) -> bool {
    if a.type_number() != b.type_number() {
        return false;
    }
    fn floats(v: &Value) -> Option<Vec<f64>> {
        match v {
            Value::Float(x) | Value::Datetime(x) => Some(vec![*x]),
            Value::Real(x) => Some(vec![f64::from(*x)]),
            Value::FloatVector(x) | Value::DatetimeVector(x) => Some(x.to_vec()),
            Value::RealVector(x) => Some(x.iter().map(|&e| f64::from(e)).collect()),
            _ => None,
        }
    }
    if let (Some(x), Some(y)) = (floats(a), floats(b)) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| close_float(*p, *q));
    }
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| close(p, q))
        }
        (Value::Dict(x), Value::Dict(y)) => close(&x.keys, &y.keys) && close(&x.values, &y.values),
        (Value::Table(x), Value::Table(y)) => {
            x.names() == y.names()
                && x.columns().len() == y.columns().len()
                && x.columns()
                    .iter()
                    .zip(y.columns())
                    .all(|(p, q)| close(p, q))
        }
        (Value::KeyedTable(x), Value::KeyedTable(y)) => {
            close(&Value::table(x.key.clone()), &Value::table(y.key.clone()))
                && close(
                    &Value::table(x.value.clone()),
                    &Value::table(y.value.clone()),
                )
        }
        _ => strip(a) == strip(b),
    }
}

/// A vector without its attribute, for comparing items only.
fn strip(v: &Value) -> Value {
    let mut v = v.clone();
    qport_value::with_vector!(&mut v, items => items.set_attribute(qport_value::Attribute::None), _ => ());
    v
}
