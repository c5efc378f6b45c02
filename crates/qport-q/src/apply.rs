//! Application: a function (or a list, dictionary or handle, which apply as indexing or
//! output) given its arguments.
//!
//! Too few arguments, or an elided one, make a projection; too many are `'rank`. The
//! primitives that need the interpreter (`value`, `@` and `.` with a function, the
//! iterator keywords, `show`, the traps and amends) are handled here by their row; the
//! rest go to the verb table.

use std::sync::Arc;

use qport_value::{Function, Value, Vector};

use crate::error::QError;
use crate::eval::{Eval, Interpreter, Interrupt};
use crate::items::{count, from_items, item, to_items};
use crate::parser::ELIDED;
use crate::verbs::{self, VerbKind, VERBS};

impl Interpreter {
    /// Applies `f` to `args`.
    pub fn apply(&mut self, f: &Value, args: Vec<Value>) -> Eval {
        if args.contains(&ELIDED)
            && is_function(f)
            && !matches!(f, Value::Function(Function::Projection(_)))
        {
            let variadic = matches!(
                f,
                Value::Function(Function::Derived(..))
                    | Value::Function(Function::UnaryPrimitive(verbs::ENLIST_INDEX))
            );
            if !variadic && args.len() > crate::iterate::rank(f).max(1) {
                return Err(QError::rank().into());
            }
            return Ok(projection(f, args));
        }
        match f {
            Value::Function(function) => self.apply_function(f, function, args),
            Value::Symbol(name) if !name.is_empty() => {
                let f = self.lookup(*name)?;
                self.apply(&f, args)
            }
            Value::Long(handle) => self.write_handle(*handle, args),
            Value::Int(handle) => self.write_handle(i64::from(*handle), args),
            _ => self.index_at_depth(f.clone(), &args),
        }
    }

    fn apply_function(&mut self, f: &Value, function: &Function, args: Vec<Value>) -> Eval {
        match function {
            Function::Lambda(lambda) => {
                let compiled = Interpreter::compiled(lambda);
                let rank = match &compiled.body {
                    Ok(body) => body.params.len(),
                    Err(e) => return Err(e.clone().into()),
                };
                if args.len() < rank {
                    return Ok(projection(f, args));
                }
                if args.len() > rank {
                    return Err(QError::rank().into());
                }
                self.call_lambda(f, &compiled, args)
            }
            Function::UnaryPrimitive(i) => {
                if *i == verbs::ENLIST_INDEX {
                    return Ok(enlist_all(args));
                }
                if args.len() == 2 {
                    if let Some(derived) = derived_form(*i) {
                        return self.apply(&derived, args);
                    }
                }
                match <[Value; 1]>::try_from(args) {
                    Ok([x]) => self.apply_unary(*i, x),
                    Err(_) => Err(QError::rank().into()),
                }
            }
            Function::BinaryPrimitive(i) => match <[Value; 2]>::try_from(args) {
                Ok([x, y]) => self.apply_binary(*i, x, y),
                Err(args) if args.len() == 1 => Ok(projection(f, args)),
                Err(args) => self.apply_many(*i, args),
            },
            Function::Projection(parts) => {
                let (g, fixed) = parts.split_first().ok_or_else(QError::type_)?;
                let mut merged = Vec::with_capacity(fixed.len() + args.len());
                let mut supplied = args.into_iter();
                for a in fixed.iter() {
                    if *a == ELIDED {
                        merged.push(supplied.next().unwrap_or(ELIDED));
                    } else {
                        merged.push(a.clone());
                    }
                }
                merged.extend(supplied);
                let g = g.clone();
                self.apply(&g, merged)
            }
            Function::Composition(parts) => {
                let (last, rest) = parts.split_last().ok_or_else(QError::type_)?;
                let mut value = self.apply(last, args)?;
                for g in rest.iter().rev() {
                    value = self.apply(g, vec![value])?;
                }
                Ok(value)
            }
            Function::Iterator(i) => match <[Value; 1]>::try_from(args) {
                Ok([operand]) => Ok(crate::iterate::derive(*i, operand)),
                // '[f;g;...]: f composed with g ...
                Err(args) if *i == 0 => Ok(Value::Function(Function::Composition(Arc::from(args)))),
                Err(_) => Err(QError::rank().into()),
            },
            Function::Derived(adverb, g) => crate::iterate::apply_derived(self, *adverb, g, args),
        }
    }

    /// A primitive's unary form.
    pub(crate) fn apply_unary(&mut self, i: u8, x: Value) -> Eval {
        if i == 0 {
            // `::` applied: the identity.
            return Ok(x);
        }
        let verb = VERBS.get(i as usize).ok_or_else(QError::nyi)?;
        match verb.name {
            "." | "value" => return self.value(x),
            "eval" => return self.eval(&x),
            "parse" => {
                let text = text_of(&x)?;
                return Ok(crate::parser::parse(&text)?);
            }
            "show" => {
                let text = crate::format::console(&x);
                self.output.extend_from_slice(text.as_bytes());
                self.output.push(b'\n');
                return Ok(Value::IDENTITY);
            }
            "get" => return self.value(x),
            ".Q.s" => return Ok(crate::format::console_text(&x)),
            ".Q.s1" => {
                return Ok(Value::CharVector(Vector::from(
                    crate::format::one_line(&x).into_bytes(),
                )))
            }
            "system" => {
                let text = text_of(&x)?;
                return self.system(&String::from_utf8_lossy(&text));
            }
            _ => {}
        }
        match verbs::monad(i) {
            Some(monad) => Ok(monad(x)?),
            None if verb.kind == VerbKind::BinaryKeyword => {
                Ok(projection(&verbs::function_of(i), vec![x]))
            }
            None => Err(QError::nyi().into()),
        }
    }

    /// A primitive's binary form.
    pub(crate) fn apply_binary(&mut self, i: u8, x: Value, y: Value) -> Eval {
        let verb = VERBS.get(i as usize).ok_or_else(QError::nyi)?;
        match verb.name {
            "@" => {
                return if is_function(&x) {
                    self.apply(&x, vec![y])
                } else {
                    self.index_at_depth(x, &[y])
                }
            }
            "." => {
                let args = to_items(&y);
                return if is_function(&x) {
                    self.apply(&x, args)
                } else {
                    self.index_at_depth(x, &args)
                };
            }
            "!" => {
                if let Value::Long(n) = x {
                    if n < 0 {
                        return self.internal(n, y);
                    }
                }
            }
            "each" | "peach" => return crate::iterate::apply_derived_value(self, 0, x, vec![y]),
            "over" => return crate::iterate::apply_derived_value(self, 1, x, vec![y]),
            "scan" => return crate::iterate::apply_derived_value(self, 2, x, vec![y]),
            "prior" => return crate::iterate::apply_derived_value(self, 3, x, vec![y]),
            _ => {}
        }
        match verbs::dyad(i) {
            Some(dyad) => Ok(dyad(x, y)?),
            None => match verbs::defined::defined(verb.name) {
                Some(lambda) => self.apply(&lambda, vec![x, y]),
                None => Err(QError::nyi().into()),
            },
        }
    }

    /// Primitives given three or four arguments: amend and trap (`@`, `.`), the vector
    /// conditional `?[c;a;b]`.
    fn apply_many(&mut self, i: u8, args: Vec<Value>) -> Eval {
        match (VERBS.get(i as usize).map(|v| v.name), args.as_slice()) {
            (Some("@"), [f, x, handler]) if is_function(f) => {
                let (f, x, handler) = (f.clone(), x.clone(), handler.clone());
                self.trap(|interp| interp.apply(&f, vec![x]), handler)
            }
            (Some("."), [f, x, handler]) if is_function(f) => {
                let (f, handler) = (f.clone(), handler.clone());
                let args = to_items(x);
                self.trap(|interp| interp.apply(&f, args), handler)
            }
            (Some("@"), [x, i, f]) => crate::amend::amend(self, x.clone(), i, &[], f, None),
            (Some("@"), [x, i, f, y]) => {
                crate::amend::amend(self, x.clone(), i, &[], f, Some(y.clone()))
            }
            (Some("."), [x, i, f]) => {
                let path = to_items(i);
                crate::amend::amend_path(self, x.clone(), &path, f, None)
            }
            (Some("."), [x, i, f, y]) => {
                let path = to_items(i);
                crate::amend::amend_path(self, x.clone(), &path, f, Some(y.clone()))
            }
            (Some("?"), [c, a, b]) => Ok(vector_conditional(c, a, b)?),
            _ => Err(QError::rank().into()),
        }
    }

    /// Runs `body`; on an error, applies `handler` to its text (or gives `handler` itself
    /// when it is not a function).
    fn trap(&mut self, body: impl FnOnce(&mut Interpreter) -> Eval, handler: Value) -> Eval {
        let depth = self.depth;
        let frames = self.frames.len();
        match body(self) {
            Err(Interrupt::Error(e)) => {
                self.depth = depth;
                self.frames.truncate(frames);
                let text = Value::CharVector(Vector::from(e.text().as_bytes().to_vec()));
                if is_function(&handler) {
                    self.apply(&handler, vec![text])
                } else {
                    Ok(handler)
                }
            }
            other => other,
        }
    }

    /// q's `value`: a string evaluated, a name's value, a parse tree evaluated, a
    /// dictionary's values, a projection's parts.
    pub(crate) fn value(&mut self, x: Value) -> Eval {
        match &x {
            Value::CharVector(_) | Value::Char(_) => {
                let text = text_of(&x)?;
                let statements = crate::parser::parse_statements(&text, self.namespace)?;
                let mut last = Value::IDENTITY;
                for statement in statements {
                    last = match statement {
                        Some(tree) => self.eval(&tree)?,
                        None => Value::IDENTITY,
                    };
                }
                Ok(last)
            }
            Value::Symbol(name) => self.lookup(*name),
            // One level only, unlike `eval`: the first item (a function, or a name or
            // string that gives one) applied to the other items as they are.
            Value::List(items) if items.len() > 1 => {
                let f = match &items[0] {
                    Value::Symbol(name) => self.lookup(*name)?,
                    head @ (Value::CharVector(_) | Value::Char(_)) => self.value(head.clone())?,
                    head => head.clone(),
                };
                self.apply(&f, items[1..].to_vec())
            }
            Value::Dict(_) | Value::KeyedTable(_) => Ok(crate::verbs::list::value_of_dict(x)?),
            Value::Function(Function::Projection(parts)) => {
                Ok(Value::List(Vector::from(parts.to_vec())))
            }
            Value::Function(Function::Composition(parts)) => {
                Ok(Value::List(Vector::from(parts.to_vec())))
            }
            Value::Function(Function::Derived(_, g)) => Ok((**g).clone()),
            // A lambda's parts: code (none: it is interpreted), parameters, locals,
            // namespace, source text.
            Value::Function(Function::Lambda(lambda)) => {
                let compiled = Interpreter::compiled(lambda);
                let params = match &compiled.body {
                    Ok(body) => body.params.clone(),
                    Err(e) => return Err(e.clone().into()),
                };
                let locals = compiled.names[params.len()..].to_vec();
                Ok(Value::List(Vector::from(vec![
                    Value::ByteVector(Vector::from(Vec::new())),
                    Value::SymbolVector(Vector::from(params)),
                    Value::SymbolVector(Vector::from(locals)),
                    Value::SymbolVector(Vector::from(vec![lambda.context])),
                    Value::CharVector(Vector::from(lambda.source.clone())),
                ])))
            }
            _ => Ok(x),
        }
    }

    /// `n!x` for a negative n: kdb+'s internal functions.
    fn internal(&mut self, n: i64, x: Value) -> Eval {
        match n {
            -3 => Ok(Value::CharVector(Vector::from(
                crate::format::one_line(&x).into_bytes(),
            ))),
            -8 => qport_wire::serialize(&x)
                .map(|b| Value::ByteVector(Vector::from(b)))
                .map_err(|e| QError::new(e.q_text()).into()),
            -9 => match &x {
                Value::ByteVector(bytes) => {
                    qport_wire::deserialize(bytes).map_err(|e| QError::new(e.q_text()).into())
                }
                _ => Err(QError::type_().into()),
            },
            -18 => qport_wire::compress(&x)
                .map(|b| Value::ByteVector(Vector::from(b)))
                .map_err(|e| QError::new(e.q_text()).into()),
            i64::MIN => {
                // 0N!x: print x's one-line form and give x.
                let text = crate::format::one_line(&x);
                self.output.extend_from_slice(text.as_bytes());
                self.output.push(b'\n');
                Ok(x)
            }
            _ => Err(QError::nyi().into()),
        }
    }

    /// A handle applied to text: 1 and -1 write to standard output (-1 adds a line
    /// break), 2 and -2 to standard error. Gives the handle.
    fn write_handle(&mut self, handle: i64, args: Vec<Value>) -> Eval {
        let [text] = <[Value; 1]>::try_from(args).map_err(|_| QError::rank())?;
        if handle == 0 {
            // Handle 0 is this process: text sent to it is evaluated.
            return self.value(text);
        }
        let lines: Vec<Vec<u8>> = match &text {
            Value::CharVector(t) => vec![t.to_vec()],
            Value::Char(c) => vec![vec![*c]],
            Value::List(items) => items
                .iter()
                .map(|i| text_of(i).map_err(Interrupt::from))
                .collect::<Eval<_>>()?,
            _ => return Err(QError::type_().into()),
        };
        let out = match handle {
            1 | -1 => &mut self.output,
            0 => return Err(QError::type_().into()),
            2 | -2 => &mut self.error_output,
            _ => return Err(QError::type_().into()),
        };
        let many = matches!(text, Value::List(_));
        for line in lines {
            out.extend_from_slice(&line);
            if handle < 0 || many {
                out.push(b'\n');
            }
        }
        Ok(Value::Long(handle))
    }

    /// Indexing at depth: `x[i]`, `x[i;j]` (each item of `x[i]` indexed by `j`), with an
    /// elided index taking every item at its level.
    pub(crate) fn index_at_depth(&mut self, x: Value, indexes: &[Value]) -> Eval {
        let Some((first, rest)) = indexes.split_first() else {
            return Ok(x);
        };
        if is_function(&x) {
            return self.apply(&x, indexes.to_vec());
        }
        let picked = if *first == ELIDED {
            x
        } else {
            crate::verbs::list::index(x, first.clone())?
        };
        if rest.is_empty() {
            return Ok(picked);
        }
        if *first == ELIDED || *first == Value::IDENTITY || !first.is_atom() {
            let mut out = Vec::with_capacity(count(&picked));
            for i in 0..count(&picked) {
                out.push(self.index_at_depth(item(&picked, i), rest)?);
            }
            Ok(from_items(out))
        } else {
            self.index_at_depth(picked, rest)
        }
    }
}

/// Whether `x` applies as a function (rather than indexing as a list).
pub(crate) fn is_function(x: &Value) -> bool {
    matches!(x, Value::Function(_))
}

/// `f` with some arguments fixed: elided ones and those missing at the end stay open.
pub(crate) fn projection(f: &Value, args: Vec<Value>) -> Value {
    let mut parts = Vec::with_capacity(args.len() + 1);
    parts.push(f.clone());
    parts.extend(args);
    Value::Function(Function::Projection(Arc::from(parts)))
}

/// The keywords q defines as derived functions, which also take a seed: `sums[10;x]` is
/// `10+\x`, `deltas[10;x]` is `10-':x`.
fn derived_form(i: u8) -> Option<Value> {
    let (iterator, glyph) = match VERBS.get(i as usize)?.name {
        "sums" => (2, "+"),
        "prds" => (2, "*"),
        "maxs" => (2, "|"),
        "mins" => (2, "&"),
        "deltas" => (3, "-"),
        "ratios" => (3, "%"),
        _ => return None,
    };
    let operand = Value::Function(Function::BinaryPrimitive(verbs::glyph_index(glyph)?));
    Some(crate::iterate::derive(iterator, operand))
}

/// `enlist[a;b;...]`: a list of the arguments.
fn enlist_all(args: Vec<Value>) -> Value {
    if args.len() == 1 {
        let x = args.into_iter().next().unwrap_or(Value::IDENTITY);
        return match x {
            Value::Dict(_) => crate::verbs::list::enlist_value(x),
            x => crate::items::enlist(x),
        };
    }
    from_items(args)
}

/// The bytes of a string (or char) argument.
pub(crate) fn text_of(x: &Value) -> Result<Vec<u8>, QError> {
    match x {
        Value::CharVector(t) => Ok(t.to_vec()),
        Value::Char(c) => Ok(vec![*c]),
        _ => Err(QError::type_()),
    }
}

/// `?[c;a;b]`: items of `a` where `c` is true, of `b` elsewhere (atoms extend).
fn vector_conditional(c: &Value, a: &Value, b: &Value) -> Result<Value, QError> {
    let Value::BoolVector(flags) = c else {
        return Err(QError::type_());
    };
    let n = flags.len();
    for side in [a, b] {
        if !side.is_atom() && count(side) != n {
            return Err(QError::length());
        }
    }
    let pick = |side: &Value, i: usize| {
        if side.is_atom() {
            side.clone()
        } else {
            item(side, i)
        }
    };
    let out: Vec<Value> = (0..n)
        .map(|i| if flags[i] { pick(a, i) } else { pick(b, i) })
        .collect();
    Ok(from_items(out))
}
