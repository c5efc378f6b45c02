//! The interpreter: evaluates parse trees against its names.
//!
//! A tree is evaluated as q evaluates it: a symbol is a name to look up, a general list of
//! two or more items is an application (arguments right to left, then the function), a
//! one-item list is its item unevaluated (a quoted constant), anything else is itself.
//! Some heads are forms rather than functions and see their arguments unevaluated:
//! assignment (`:`, `::`, `+:`), `$[c;a;b]`, `if`, `do`, `while`, signal (`'`), return.
//!
//! Application, iterators and amend live in `crate::apply`, `crate::iterate` and
//! `crate::amend`; this file holds the state and the walk.

use std::sync::Arc;

use qport_value::{Function, Lambda, Symbol, Value, Vector};
use rustc_hash::FxHashMap;

use crate::error::{QError, QResult};
use crate::parser::{parse_lambda, parse_statements, LambdaBody};
use crate::verbs;

/// How far evaluation may nest (lambda calls and tree depth) before `'stack`.
pub const MAX_DEPTH: usize = 2_000;

/// Why evaluation stopped early: an error, or `:x` returning from a lambda.
#[derive(Debug)]
pub enum Interrupt {
    Error(QError),
    Return(Value),
}

impl From<QError> for Interrupt {
    fn from(error: QError) -> Interrupt {
        Interrupt::Error(error)
    }
}

/// What evaluation returns inside the engine.
pub type Eval<T = Value> = Result<T, Interrupt>;

/// The interpreter's state: global names, the lambda calls in progress, and what it has
/// printed (`show`, `0N!`, `-1`) that the console has not yet written.
pub struct Interpreter {
    globals: FxHashMap<Symbol, Value>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) depth: usize,
    /// The namespace `\d` set: names assigned at the top level go into it.
    pub(crate) namespace: Symbol,
    /// Text printed by q code, for the console to write out (stdout).
    pub output: Vec<u8>,
    /// Text printed to standard error (`-2`).
    pub error_output: Vec<u8>,
}

/// One lambda call in progress: its parameters and locals, and the lambda (`.z.s`).
pub(crate) struct Frame {
    /// Shared with the compiled lambda: a call copies no names.
    pub names: Arc<[Symbol]>,
    pub values: Vec<Option<Value>>,
    pub this: Value,
}

/// A lambda as the interpreter runs it: parsed once and kept in the lambda's slot.
#[derive(Debug)]
pub struct CompiledLambda {
    pub body: Result<LambdaBody, QError>,
    /// Parameters, then every other name assigned with `:` in the body (locals).
    pub names: Arc<[Symbol]>,
}

impl Default for Interpreter {
    fn default() -> Interpreter {
        Interpreter::new()
    }
}

impl Interpreter {
    pub fn new() -> Interpreter {
        Interpreter {
            globals: FxHashMap::default(),
            frames: Vec::new(),
            depth: 0,
            namespace: Symbol::empty(),
            output: Vec::new(),
            error_output: Vec::new(),
        }
    }

    /// Evaluates q text as the console does: every statement in turn; the value of the
    /// last, or `None` when there is nothing to show (it is empty, or an assignment).
    pub fn run(&mut self, text: &[u8]) -> QResult<Option<Value>> {
        let statements = parse_statements(text, self.namespace)?;
        let mut shown = None;
        for statement in &statements {
            shown = match statement {
                None => None,
                Some(tree) => {
                    let value = self.eval_top(tree)?;
                    (!is_assignment(tree)).then_some(value)
                }
            };
        }
        Ok(shown)
    }

    /// Evaluates one parse tree at the top level: a `:x` there simply gives x.
    pub fn eval_top(&mut self, tree: &Value) -> QResult {
        match self.eval(tree) {
            Ok(v) | Err(Interrupt::Return(v)) => Ok(v),
            Err(Interrupt::Error(e)) => Err(e),
        }
    }

    /// The value of a global, if set.
    pub fn global(&self, name: Symbol) -> Option<&Value> {
        self.globals.get(&name)
    }

    /// Every global's name.
    pub(crate) fn global_names(&self) -> impl Iterator<Item = Symbol> + '_ {
        self.globals.keys().copied()
    }

    /// Sets a global.
    pub fn set_global(&mut self, name: Symbol, value: Value) {
        self.globals.insert(name, value);
    }

    pub(crate) fn enter(&mut self) -> Eval<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(QError::stack().into());
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Evaluates a parse tree.
    pub fn eval(&mut self, tree: &Value) -> Eval {
        match tree {
            Value::Symbol(name) => self.lookup(*name),
            Value::List(items) => match items.len() {
                0 => Ok(tree.clone()),
                1 => Ok(items[0].clone()),
                _ => {
                    self.enter()?;
                    let result = self.eval_node(items);
                    self.leave();
                    result
                }
            },
            Value::SymbolVector(symbols) if symbols.len() == 1 => Ok(Value::Symbol(symbols[0])),
            _ => Ok(tree.clone()),
        }
    }

    /// An application node, or one of the forms.
    fn eval_node(&mut self, node: &Vector<Value>) -> Eval {
        let head = &node[0];
        let args = &node[1..];
        match head {
            Value::Function(Function::BinaryPrimitive(0)) => {
                return match args {
                    [target, value] => {
                        let value = self.eval(value)?;
                        self.assign(target, None, value, false)
                    }
                    [value] => Err(Interrupt::Return(self.eval(value)?)),
                    _ => Err(QError::rank().into()),
                };
            }
            Value::Function(Function::UnaryPrimitive(0)) => {
                return match args {
                    [target, value] => {
                        let value = self.eval(value)?;
                        self.assign(target, None, value, true)
                    }
                    [value] => self.eval(value),
                    _ => Err(QError::rank().into()),
                };
            }
            Value::Function(Function::UnaryPrimitive(i))
                if args.len() == 2 && (*i as usize) < 20 =>
            {
                let value = self.eval(&args[1])?;
                return self.assign(&args[0], Some(*i), value, false);
            }
            Value::Function(Function::BinaryPrimitive(11)) if args.len() >= 3 => {
                return self.cond(args);
            }
            Value::Function(Function::Iterator(0)) if args.len() == 1 => {
                // `'x`: a symbol or string signals, another atom is 'stype; a function
                // or a list (indexed item by item) is derived: `f'`.
                let x = self.eval(&args[0])?;
                return match x {
                    Value::Symbol(_) | Value::CharVector(_) => Err(signal(&x).into()),
                    x if x.is_atom() => Err(QError::new("stype").into()),
                    x => Ok(crate::iterate::derive(0, x)),
                };
            }
            Value::Symbol(word) => match word.as_bytes() {
                b"if" => return self.if_(args),
                b"do" => return self.do_(args),
                b"while" => return self.while_(args),
                _ => {}
            },
            _ => {}
        }
        // Arguments right to left, then the function.
        let mut values = Vec::with_capacity(args.len());
        for arg in args.iter().rev() {
            values.push(if *arg == crate::parser::ELIDED {
                crate::parser::ELIDED
            } else {
                self.eval(arg)?
            });
        }
        values.reverse();
        let f = self.eval(head)?;
        self.apply(&f, values)
    }

    /// `$[c;a;b;...]`: the first true condition's branch, evaluated; the last item when
    /// none is true (with an even count, `::`).
    fn cond(&mut self, args: &[Value]) -> Eval {
        let mut i = 0;
        while i + 1 < args.len() {
            let c = self.eval(&args[i])?;
            if is_true(&c)? {
                return self.eval(&args[i + 1]);
            }
            i += 2;
        }
        match args.get(i) {
            Some(last) => self.eval(last),
            None => Ok(Value::IDENTITY),
        }
    }

    fn if_(&mut self, args: &[Value]) -> Eval {
        let [condition, body @ ..] = args else {
            return Err(QError::rank().into());
        };
        if is_true(&self.eval(condition)?)? {
            self.run_body(body)?;
        }
        Ok(Value::IDENTITY)
    }

    fn do_(&mut self, args: &[Value]) -> Eval {
        let [count, body @ ..] = args else {
            return Err(QError::rank().into());
        };
        let n = match self.eval(count)? {
            Value::Long(n) => n,
            Value::Int(n) => i64::from(n),
            Value::Short(n) => i64::from(n),
            _ => return Err(QError::type_().into()),
        };
        for _ in 0..n.max(0) {
            self.run_body(body)?;
        }
        Ok(Value::IDENTITY)
    }

    fn while_(&mut self, args: &[Value]) -> Eval {
        let [condition, body @ ..] = args else {
            return Err(QError::rank().into());
        };
        while is_true(&self.eval(condition)?)? {
            self.run_body(body)?;
        }
        Ok(Value::IDENTITY)
    }

    /// The statements of an `if`, `do` or `while`, in order; their values are dropped.
    fn run_body(&mut self, body: &[Value]) -> Eval<()> {
        for statement in body {
            self.eval(statement)?;
        }
        Ok(())
    }

    /// The value of a name: a local of the running lambda, else a global (relative to
    /// the lambda's namespace or `\d`'s, then absolute), else a dotted path into one.
    pub(crate) fn lookup(&mut self, name: Symbol) -> Eval {
        if let Some(frame) = self.frames.last() {
            if let Some(i) = frame.names.iter().position(|n| *n == name) {
                return match &frame.values[i] {
                    Some(v) => Ok(v.clone()),
                    None => Err(QError::new(name.to_str_lossy()).into()),
                };
            }
        }
        if name.as_bytes() == b".z.s" {
            if let Some(frame) = self.frames.last() {
                return Ok(frame.this.clone());
            }
        }
        if name.as_bytes() == b".q" {
            return Ok(verbs::keyword_dictionary());
        }
        if let Some(v) = self.globals.get(&self.qualified(name)) {
            return Ok(v.clone());
        }
        if let Some(v) = self.globals.get(&name) {
            return Ok(v.clone());
        }
        // `d.k`: the dictionary (or table) d indexed by `k.
        let text = name.as_bytes();
        if let Some(dot) = text.iter().rposition(|&c| c == b'.').filter(|&d| d > 0) {
            let base = Symbol::new(&text[..dot]);
            let key = Value::Symbol(Symbol::new(&text[dot + 1..]));
            if let Ok(container) = self.lookup(base) {
                return crate::verbs::list::index(container, key).map_err(Interrupt::from);
            }
        }
        Err(QError::new(name.to_str_lossy()).into())
    }

    /// A top-level name in the current namespace (`\d .ns`): `x` is `.ns.x`.
    fn qualified(&self, name: Symbol) -> Symbol {
        let ns = match self.frames.last() {
            Some(frame) => match &frame.this {
                Value::Function(Function::Lambda(l)) => l.context,
                _ => self.namespace,
            },
            None => self.namespace,
        };
        if ns.is_empty() || name.as_bytes().first() == Some(&b'.') {
            return name;
        }
        let mut full = ns.as_bytes().to_vec();
        full.push(b'.');
        full.extend_from_slice(name.as_bytes());
        Symbol::new(full)
    }

    /// Assigns `value` to `target` (a name, or a name indexed: `a[i]`, `a[i;j]`), through
    /// binary primitive `op` when compound (`+:`); `global` for `::`.
    pub(crate) fn assign(
        &mut self,
        target: &Value,
        op: Option<u8>,
        value: Value,
        global: bool,
    ) -> Eval {
        match target {
            Value::Symbol(name) => {
                let value = match op {
                    Some(op) => {
                        let old = self.lookup(*name)?;
                        let old_type = old.type_number();
                        let join = verbs::JOIN_INDEX;
                        // Appending a vector to a list of vectors of its type adds one
                        // item (the list keeps its rank): `s:enlist 1 2 3; s,:4 5 6`.
                        let value = match &old {
                            Value::List(items)
                                if op == join
                                    && value.type_number() > 0
                                    && !items.is_empty()
                                    && items
                                        .iter()
                                        .all(|i| i.type_number() == value.type_number()) =>
                            {
                                crate::items::enlist(value)
                            }
                            _ => value,
                        };
                        let new = self.apply_binary(op, old, value)?;
                        // Appending to a typed vector keeps its type or fails: `s,:5f`
                        // on longs is 'type, not a general list.
                        if op == join && old_type > 0 && new.type_number() != old_type {
                            return Err(QError::type_().into());
                        }
                        new
                    }
                    None => value,
                };
                self.store(*name, value.clone(), global)?;
                Ok(value)
            }
            Value::List(node) if node.len() >= 2 => {
                let Value::Symbol(name) = &node[0] else {
                    return Err(QError::new("assign").into());
                };
                let mut indexes = Vec::with_capacity(node.len() - 1);
                for i in node[1..].iter() {
                    indexes.push(self.eval(i)?);
                }
                let old = self.lookup(*name)?;
                let op = op.map(|i| Value::Function(Function::BinaryPrimitive(i)));
                let new =
                    crate::amend::amend_at_depth(self, old, &indexes, op.as_ref(), value.clone())?;
                self.store(*name, new, global)?;
                Ok(value)
            }
            _ => Err(QError::new("assign").into()),
        }
    }

    /// Stores a name: a local when a lambda is running and the name is one of its locals
    /// (unless `global`), otherwise a global.
    fn store(&mut self, name: Symbol, value: Value, global: bool) -> Eval<()> {
        if verbs::keyword(&name.to_str_lossy()).is_some() {
            return Err(QError::new("assign").into());
        }
        if let Some(frame) = self.frames.last_mut() {
            if let Some(i) = frame.names.iter().position(|n| *n == name) {
                if !global || frame.values[i].is_some() {
                    frame.values[i] = Some(value);
                    return Ok(());
                }
            }
        }
        let name = self.qualified(name);
        self.globals.insert(name, value);
        Ok(())
    }

    /// A lambda's compiled form, parsed on first use and kept in the lambda.
    pub(crate) fn compiled(lambda: &Lambda) -> Arc<CompiledLambda> {
        let any = lambda.compiled.get_or_init(|| {
            let body = parse_lambda(&lambda.source, lambda.context);
            let names = match &body {
                Ok(body) => {
                    let mut names = body.params.clone();
                    for statement in body.statements.iter().flatten() {
                        collect_locals(statement, &mut names);
                    }
                    names
                }
                Err(_) => Vec::new(),
            };
            Arc::new(CompiledLambda {
                body,
                names: Arc::from(names),
            })
        });
        match any.clone().downcast::<CompiledLambda>() {
            Ok(compiled) => compiled,
            Err(_) => Arc::new(CompiledLambda {
                body: Err(QError::new("lambda")),
                names: Arc::from(Vec::new()),
            }),
        }
    }

    /// Runs a lambda with its arguments (as many as its parameters).
    pub(crate) fn call_lambda(
        &mut self,
        this: &Value,
        compiled: &CompiledLambda,
        args: Vec<Value>,
    ) -> Eval {
        let body = compiled
            .body
            .as_ref()
            .map_err(|e| Interrupt::Error(e.clone()))?;
        let mut values: Vec<Option<Value>> = args.into_iter().map(Some).collect();
        values.resize(compiled.names.len(), None);
        self.enter()?;
        self.frames.push(Frame {
            names: compiled.names.clone(),
            values,
            this: this.clone(),
        });
        let mut result = Ok(Value::IDENTITY);
        for statement in &body.statements {
            result = match statement {
                Some(tree) => self.eval(tree),
                None => Ok(Value::IDENTITY),
            };
            if result.is_err() {
                break;
            }
        }
        self.frames.pop();
        self.leave();
        match result {
            Err(Interrupt::Return(v)) => Ok(v),
            other => other,
        }
    }
}

/// Whether a statement assigns (the console shows nothing for it).
fn is_assignment(tree: &Value) -> bool {
    let Value::List(node) = tree else {
        return false;
    };
    if node.len() != 3 {
        return false;
    }
    match &node[0] {
        Value::Function(Function::BinaryPrimitive(0)) => true,
        Value::Function(Function::UnaryPrimitive(i)) => (*i as usize) < 20,
        _ => false,
    }
}

/// Names a lambda body assigns with `:` (its locals). Nested lambdas are constants in
/// the tree, so their assignments are not seen.
fn collect_locals(tree: &Value, names: &mut Vec<Symbol>) {
    let Value::List(node) = tree else {
        return;
    };
    if let [Value::Function(Function::BinaryPrimitive(0)), Value::Symbol(name), _] = node.as_slice()
    {
        if !names.contains(name) {
            names.push(*name);
        }
    }
    for item in node.iter() {
        collect_locals(item, names);
    }
}

/// Whether a condition holds: a nonzero atom.
pub(crate) fn is_true(x: &Value) -> QResult<bool> {
    Ok(match x {
        Value::Bool(b) => *b,
        Value::Byte(n) | Value::Char(n) => *n != 0,
        Value::Short(n) => *n != 0,
        Value::Int(n)
        | Value::Month(n)
        | Value::Date(n)
        | Value::Minute(n)
        | Value::Second(n)
        | Value::Time(n) => *n != 0,
        Value::Long(n) | Value::Timestamp(n) | Value::Timespan(n) => *n != 0,
        Value::Real(f) => *f != 0.0,
        Value::Float(f) | Value::Datetime(f) => *f != 0.0,
        Value::Guid(g) => g.0 != [0; 16],
        Value::Symbol(_) => return Err(QError::type_()),
        _ => return Err(QError::type_()),
    })
}

/// The error `'x` signals: a symbol's or a string's text.
pub(crate) fn signal(x: &Value) -> QError {
    match x {
        Value::Symbol(s) => QError::new(s.to_str_lossy()),
        Value::CharVector(text) => QError::new(String::from_utf8_lossy(text)),
        Value::Char(c) => QError::new((*c as char).to_string()),
        _ => QError::new("type"),
    }
}
