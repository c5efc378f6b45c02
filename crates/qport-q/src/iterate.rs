//! The iterators: each (`'`), over (`/`), scan (`\`), each-prior (`':`), each-right
//! (`/:`), each-left (`\:`), and the keywords `each over scan prior peach`.
//!
//! Over and scan read their operand's rank: a unary operand converges, repeats n times
//! (`n f/x`) or while a condition holds (`c f/x`); a binary one reduces, from the first
//! item or from a seed.

use std::sync::Arc;

use qport_value::{Adverb, Function, Value};

use crate::error::QError;
use crate::eval::{Eval, Interpreter};
use crate::items::{count, from_items, item, null_of};
use crate::parser::ELIDED;
use crate::verbs::{VerbKind, VERBS};

/// The function iterator `index` derives from `operand`.
pub(crate) fn derive(index: u8, operand: Value) -> Value {
    match Adverb::from_type_number(qport_value::type_number::EACH + index as i8) {
        Some(adverb) => Value::Function(Function::Derived(adverb, Arc::new(operand))),
        None => Value::IDENTITY,
    }
}

/// Applies the function iterator `index` derives from `f` to `args` (the iterator
/// keywords: `f each x` is `f'[x]`).
pub(crate) fn apply_derived_value(
    interp: &mut Interpreter,
    index: u8,
    f: Value,
    args: Vec<Value>,
) -> Eval {
    let adverb = Adverb::from_type_number(qport_value::type_number::EACH + index as i8)
        .ok_or_else(QError::nyi)?;
    apply_derived(interp, adverb, &f, args)
}

/// How many arguments a function takes (a list or dictionary indexes with one).
pub(crate) fn rank(f: &Value) -> usize {
    match f {
        Value::Function(function) => match function {
            Function::Lambda(lambda) => match &Interpreter::compiled(lambda).body {
                Ok(body) => body.params.len(),
                Err(_) => 1,
            },
            Function::UnaryPrimitive(i) => match VERBS.get(*i as usize).map(|v| v.kind) {
                Some(VerbKind::BinaryKeyword) => 2,
                _ => 1,
            },
            Function::BinaryPrimitive(i) => match VERBS.get(*i as usize).map(|v| v.kind) {
                Some(VerbKind::UnaryKeyword) => 1,
                _ => 2,
            },
            Function::Projection(parts) => {
                let fixed = parts[1..].iter().filter(|a| **a != ELIDED).count();
                rank(&parts[0]).saturating_sub(fixed).max(1)
            }
            Function::Composition(parts) => parts.last().map(rank).unwrap_or(1),
            // '[;] composes two functions.
            Function::Iterator(0) => 2,
            Function::Iterator(_) => 1,
            Function::Derived(adverb, g) => match adverb {
                Adverb::Each => rank(g),
                // A derived over or scan applied to one argument reduces: as the
                // operand of another over it is unary (`(,/) over x` converges).
                Adverb::Over | Adverb::Scan => 1,
                _ => 2,
            },
        },
        _ => 1,
    }
}

/// Applies a derived function.
pub(crate) fn apply_derived(
    interp: &mut Interpreter,
    adverb: Adverb,
    f: &Value,
    args: Vec<Value>,
) -> Eval {
    match (adverb, args.len()) {
        (Adverb::Each, 1) => {
            let x = &args[0];
            if let Value::Dict(d) = x {
                let values = each(interp, f, &d.values)?;
                return Ok(Value::Dict(Arc::new(
                    qport_value::Dict::new(d.keys.clone(), values).map_err(|_| QError::length())?,
                )));
            }
            if x.is_atom() {
                return interp.apply(f, vec![x.clone()]);
            }
            each(interp, f, x)
        }
        (Adverb::Each, _) if is_int_vector(f) => case(f, &args),
        (Adverb::Each, _) => each_many(interp, f, &args),
        (Adverb::EachLeft, 2) => {
            let (x, y) = (&args[0], &args[1]);
            if x.is_atom() {
                return interp.apply(f, vec![x.clone(), y.clone()]);
            }
            let mut out = Vec::with_capacity(count(x));
            for i in 0..count(x) {
                out.push(interp.apply(f, vec![item(x, i), y.clone()])?);
            }
            Ok(from_items(out))
        }
        (Adverb::EachRight, 2) => {
            let (x, y) = (&args[0], &args[1]);
            if y.is_atom() {
                return interp.apply(f, vec![x.clone(), y.clone()]);
            }
            let mut out = Vec::with_capacity(count(y));
            for i in 0..count(y) {
                out.push(interp.apply(f, vec![x.clone(), item(y, i)])?);
            }
            Ok(from_items(out))
        }
        (Adverb::EachPrior, 1) => each_prior(interp, f, None, &args[0]),
        (Adverb::EachPrior, 2) => each_prior(interp, f, Some(&args[0]), &args[1]),
        (Adverb::Over, _) | (Adverb::Scan, _) => over_scan(interp, f, adverb == Adverb::Scan, args),
        _ => Err(QError::rank().into()),
    }
}

/// Whether `x` is a vector of integers (the selector of a case).
fn is_int_vector(x: &Value) -> bool {
    matches!(
        x,
        Value::LongVector(_) | Value::IntVector(_) | Value::ShortVector(_) | Value::BoolVector(_)
    )
}

/// Case, `i'[a;b;...]`: item k of the result is item k of the argument `i[k]` picks
/// (an atom argument stands for every item).
fn case(selector: &Value, choices: &[Value]) -> Eval {
    let n = count(selector);
    for c in choices.iter().filter(|c| !c.is_atom()) {
        if count(c) != n {
            return Err(QError::length().into());
        }
    }
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let pick = match item(selector, k) {
            Value::Long(p) => p,
            Value::Int(p) => i64::from(p),
            Value::Short(p) => i64::from(p),
            Value::Bool(b) => i64::from(b),
            _ => return Err(QError::type_().into()),
        };
        let choice = usize::try_from(pick)
            .ok()
            .and_then(|p| choices.get(p))
            .ok_or_else(QError::index)?;
        out.push(if choice.is_atom() {
            choice.clone()
        } else {
            item(choice, k)
        });
    }
    Ok(from_items(out))
}

/// `f'x`: f applied to each item of a list.
fn each(interp: &mut Interpreter, f: &Value, x: &Value) -> Eval {
    let n = count(x);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(interp.apply(f, vec![item(x, i)])?);
    }
    Ok(from_items(out))
}

/// `x f' y` (and more arguments): f applied to items at the same index; atoms extend.
fn each_many(interp: &mut Interpreter, f: &Value, args: &[Value]) -> Eval {
    let mut n = None;
    for a in args.iter().filter(|a| !a.is_atom()) {
        let c = count(a);
        match n {
            None => n = Some(c),
            Some(m) if m != c => return Err(QError::length().into()),
            _ => {}
        }
    }
    let Some(n) = n else {
        return interp.apply(f, args.to_vec());
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let row: Vec<Value> = args
            .iter()
            .map(|a| if a.is_atom() { a.clone() } else { item(a, i) })
            .collect();
        out.push(interp.apply(f, row)?);
    }
    Ok(from_items(out))
}

/// `f':x` and `seed f':x`: f of each item and the one before it. Without a seed the first
/// item is paired with arithmetic's identity (so `-':` and `%':` give it back) or, for
/// other functions, with a null of the list's type.
fn each_prior(interp: &mut Interpreter, f: &Value, seed: Option<&Value>, x: &Value) -> Eval {
    let n = count(x);
    if x.is_atom() {
        let prior = seed.cloned().unwrap_or_else(|| first_prior(f, x));
        return interp.apply(f, vec![x.clone(), prior]);
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let prior = if i == 0 {
            seed.cloned().unwrap_or_else(|| first_prior(f, x))
        } else {
            item(x, i - 1)
        };
        out.push(interp.apply(f, vec![item(x, i), prior])?);
    }
    Ok(from_items(out))
}

/// What the first item is paired with by `f':x`.
fn first_prior(f: &Value, x: &Value) -> Value {
    match f {
        Value::Function(Function::BinaryPrimitive(1 | 2)) => Value::Long(0),
        Value::Function(Function::BinaryPrimitive(3 | 4)) => Value::Long(1),
        _ => null_of(item(x, 0).type_number()),
    }
}

/// Over (`/`) and scan (`\`) in all their forms.
fn over_scan(interp: &mut Interpreter, f: &Value, scan: bool, args: Vec<Value>) -> Eval {
    let unary = rank(f) == 1;
    match (unary, args.len()) {
        (true, 1) => converge(interp, f, scan, args[0].clone()),
        (true, 2) => {
            let (control, x) = (&args[0], args[1].clone());
            match control {
                Value::Long(_) | Value::Int(_) | Value::Short(_) => {
                    let n = match control {
                        Value::Long(n) => *n,
                        Value::Int(n) => i64::from(*n),
                        Value::Short(n) => i64::from(*n),
                        _ => 0,
                    };
                    repeat(interp, f, scan, n.max(0), x)
                }
                c if crate::apply::is_function(c) => while_(interp, f, scan, c, x),
                _ => Err(QError::type_().into()),
            }
        }
        (false, 1) => {
            let x = &args[0];
            if x.is_atom() {
                return Ok(x.clone());
            }
            let n = count(x);
            if n == 0 {
                return Ok(empty_reduction(f, x));
            }
            reduce(interp, f, scan, item(x, 0), x, 1)
        }
        (false, 2) => {
            let (seed, x) = (args[0].clone(), &args[1]);
            if x.is_atom() {
                return interp.apply(f, vec![seed, x.clone()]);
            }
            reduce(interp, f, scan, seed, x, 0)
        }
        (false, _) => {
            // f/[x;y;z]: the first argument is the seed, the rest are walked together.
            let seed = args[0].clone();
            let lists = &args[1..];
            let n = lists
                .iter()
                .filter(|a| !a.is_atom())
                .map(count)
                .max()
                .unwrap_or(1);
            let mut acc = seed;
            let mut out = Vec::new();
            for i in 0..n {
                let mut row = vec![acc.clone()];
                row.extend(
                    lists
                        .iter()
                        .map(|a| if a.is_atom() { a.clone() } else { item(a, i) }),
                );
                acc = interp.apply(f, row)?;
                if scan {
                    out.push(acc.clone());
                }
            }
            Ok(if scan { from_items(out) } else { acc })
        }
        (true, _) => Err(QError::rank().into()),
    }
}

/// Folds f over the items of x from index `start`, beginning with `acc`.
fn reduce(
    interp: &mut Interpreter,
    f: &Value,
    scan: bool,
    mut acc: Value,
    x: &Value,
    start: usize,
) -> Eval {
    let n = count(x);
    let mut out = Vec::with_capacity(if scan { n } else { 0 });
    if scan && start == 1 {
        out.push(acc.clone());
    }
    for i in start..n {
        acc = interp.apply(f, vec![acc, item(x, i)])?;
        if scan {
            out.push(acc.clone());
        }
    }
    Ok(if scan { from_items(out) } else { acc })
}

/// What reducing an empty list gives: the identity of the primitive where it has one.
fn empty_reduction(f: &Value, x: &Value) -> Value {
    match f {
        Value::Function(Function::BinaryPrimitive(1 | 2)) => Value::Long(0),
        Value::Function(Function::BinaryPrimitive(3)) => Value::Long(1),
        _ => x.clone(),
    }
}

/// `f/x` for a unary f: apply until the result stops changing (or returns to x).
fn converge(interp: &mut Interpreter, f: &Value, scan: bool, x: Value) -> Eval {
    let mut out = vec![x.clone()];
    let mut current = x.clone();
    loop {
        let next = interp.apply(f, vec![current.clone()])?;
        if next == current || next == x {
            break;
        }
        if scan {
            out.push(next.clone());
        }
        current = next;
    }
    Ok(if scan { from_items(out) } else { current })
}

/// `n f/x`: apply n times.
fn repeat(interp: &mut Interpreter, f: &Value, scan: bool, n: i64, x: Value) -> Eval {
    let mut out = vec![x.clone()];
    let mut current = x;
    for _ in 0..n {
        current = interp.apply(f, vec![current])?;
        if scan {
            out.push(current.clone());
        }
    }
    Ok(if scan { from_items(out) } else { current })
}

/// `c f/x`: apply while `c` of the result holds.
fn while_(interp: &mut Interpreter, f: &Value, scan: bool, c: &Value, x: Value) -> Eval {
    let mut out = vec![x.clone()];
    let mut current = x;
    while crate::eval::is_true(&interp.apply(c, vec![current.clone()])?)? {
        current = interp.apply(f, vec![current])?;
        if scan {
            out.push(current.clone());
        }
    }
    Ok(if scan { from_items(out) } else { current })
}
