//! Test support for the list primitives: a small evaluator of q text that applies the
//! list family's own functions (found by name through `monad_for`/`dyad_for`), so tests
//! read as q (`check("2#1 2 3", "1 2")`) before the verb table is wired.
//!
//! It knows constants, names assigned earlier in the same text, `enlist`/`(a;b)`,
//! indexing, `each`, and the list family's verbs; anything else is `'nyi`.

use qport_value::{Function, Symbol, Value};
use rustc_hash::FxHashMap;

use crate::error::{QError, QResult};
use crate::items::{from_items, to_items};
use crate::parser::parse_statements;
use crate::verbs::list::list_match::same;
use crate::verbs::list::{dyad_for, enlist_value, index, monad_for};
use crate::verbs::VERBS;

struct Env {
    names: FxHashMap<Symbol, Value>,
}

impl Env {
    fn eval(&mut self, tree: &Value) -> QResult {
        match tree {
            Value::Symbol(name) => self
                .names
                .get(name)
                .cloned()
                .ok_or_else(|| QError::new(name.to_str_lossy())),
            Value::SymbolVector(s) if s.len() == 1 => Ok(Value::Symbol(s[0])),
            Value::List(items) if items.is_empty() => Ok(tree.clone()),
            Value::List(items) if items.len() == 1 => Ok(items[0].clone()),
            Value::List(items) => self.node(&items[0], &items[1..]),
            _ => Ok(tree.clone()),
        }
    }

    fn node(&mut self, head: &Value, args: &[Value]) -> QResult {
        if let (Value::Function(Function::BinaryPrimitive(0)), [Value::Symbol(name), e]) =
            (head, args)
        {
            let v = self.eval(e)?;
            self.names.insert(*name, v.clone());
            return Ok(v);
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args.iter().rev() {
            values.push(self.eval(a)?);
        }
        values.reverse();
        let f = self.eval(head)?;
        apply(&f, values)
    }
}

fn apply(f: &Value, args: Vec<Value>) -> QResult {
    match f {
        Value::Function(Function::UnaryPrimitive(i)) => {
            let name = VERBS[*i as usize].name;
            if name == "enlist" {
                return Ok(match <[Value; 1]>::try_from(args) {
                    Ok([x]) => enlist_value(x),
                    Err(args) => from_items(args),
                });
            }
            let m = monad_for(name).ok_or_else(QError::nyi)?;
            let [x] = <[Value; 1]>::try_from(args).map_err(|_| QError::rank())?;
            m(x)
        }
        Value::Function(Function::BinaryPrimitive(i)) => {
            let name = VERBS[*i as usize].name;
            let [x, y] = <[Value; 2]>::try_from(args).map_err(|_| QError::rank())?;
            if name == "~" {
                return Ok(Value::Bool(same(&x, &y)));
            }
            if name == "$" {
                return empty_cast(&x, &y);
            }
            if name == "each" {
                if let Value::Dict(d) = &y {
                    let out = to_items(&d.values)
                        .into_iter()
                        .map(|e| apply(&x, vec![e]))
                        .collect::<QResult<Vec<_>>>()?;
                    return crate::verbs::list::dict(d.keys.clone(), from_items(out));
                }
                let out = to_items(&y)
                    .into_iter()
                    .map(|e| apply(&x, vec![e]))
                    .collect::<QResult<Vec<_>>>()?;
                return Ok(from_items(out));
            }
            let d = dyad_for(name).ok_or_else(QError::nyi)?;
            d(x, y)
        }
        Value::Function(_) => Err(QError::nyi()),
        x => {
            let mut v = x.clone();
            for i in args {
                v = index(v, i)?;
            }
            Ok(v)
        }
    }
}

/// `` `long$() ``: the typed empty lists tests are written with.
fn empty_cast(t: &Value, x: &Value) -> QResult {
    let Value::Symbol(name) = t else {
        return Err(QError::nyi());
    };
    if !matches!(x, Value::List(v) if v.is_empty()) {
        return Err(QError::nyi());
    }
    let names = [
        "",
        "boolean",
        "guid",
        "",
        "byte",
        "short",
        "int",
        "long",
        "real",
        "float",
        "char",
        "symbol",
        "timestamp",
        "month",
        "date",
        "datetime",
        "timespan",
        "minute",
        "second",
        "time",
    ];
    let t = names
        .iter()
        .position(|n| !n.is_empty() && n.as_bytes() == name.as_bytes())
        .ok_or_else(QError::nyi)?;
    Ok(crate::items::empty_of(t as i8))
}

/// Evaluates q text (statements separated by `;`), giving the last statement's value.
pub(crate) fn eval(text: &str) -> QResult {
    let mut env = Env {
        names: FxHashMap::default(),
    };
    let mut last = Value::IDENTITY;
    for statement in parse_statements(text.as_bytes(), Symbol::empty())?
        .into_iter()
        .flatten()
    {
        last = env.eval(&statement)?;
    }
    Ok(last)
}

/// The value of q text, which must evaluate.
pub(crate) fn q(text: &str) -> Value {
    match eval(text) {
        Ok(v) => v,
        Err(e) => panic!("{text}: {e}"),
    }
}

/// `input` evaluates to a value matching `expected`'s (types exact, attributes ignored).
pub(crate) fn check(input: &str, expected: &str) {
    let got = q(input);
    let want = q(expected);
    assert!(
        same(&got, &want),
        "{input}\n  got:  {got:?}\n  want: {want:?}"
    );
}

/// `input` signals q's error `text`.
pub(crate) fn fails(input: &str, text: &str) {
    match eval(input) {
        Ok(v) => panic!("{input}: expected '{text}, got {v:?}"),
        Err(e) => assert_eq!(e.text(), text, "{input}"),
    }
}
