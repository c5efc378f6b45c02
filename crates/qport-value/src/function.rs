//! Function values (types 100–111): lambdas, primitives, iterators, projections,
//! compositions and the functions iterators derive.

use std::any::Any;
use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::symbol::Symbol;
use crate::types::type_number;
use crate::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum Function {
    /// 100: a lambda, kept as the context it was defined in and its source text.
    Lambda(Arc<Lambda>),
    /// 101: a unary primitive by index; index 0 is `::`, the generic null.
    UnaryPrimitive(u8),
    /// 102: a binary primitive (operator) by index; 0..19 are ``:+-*%&|^=<>$,#_~!?@.``.
    BinaryPrimitive(u8),
    /// 103: an iterator by index.
    Iterator(u8),
    /// 104: a function and the arguments supplied to it so far.
    Projection(Arc<[Value]>),
    /// 105: functions composed, applied last to first.
    Composition(Arc<[Value]>),
    /// 106–111: the function an iterator derives from its operand.
    Derived(Adverb, Arc<Value>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// The namespace it was defined in; empty for the root.
    pub context: Symbol,
    /// The source text, braces included.
    pub source: Vec<u8>,
    /// What an engine made of the source (its parse), kept with the lambda so it is
    /// parsed once however often it is called. Not part of the value: equality, display
    /// and the wire see only the context and the source.
    pub compiled: Compiled,
}

/// A slot an engine fills once with its own form of a lambda.
#[derive(Clone, Default)]
pub struct Compiled(OnceLock<Arc<dyn Any + Send + Sync>>);

impl Compiled {
    /// The engine's form, made by `make` on first use.
    pub fn get_or_init(
        &self,
        make: impl FnOnce() -> Arc<dyn Any + Send + Sync>,
    ) -> &Arc<dyn Any + Send + Sync> {
        self.0.get_or_init(make)
    }
}

impl PartialEq for Compiled {
    fn eq(&self, _: &Compiled) -> bool {
        true
    }
}

impl fmt::Debug for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Compiled"
        } else {
            "NotCompiled"
        })
    }
}

/// The iterator that derived a function, by its kdb+ type number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i8)]
pub enum Adverb {
    Each = type_number::EACH,
    Over = type_number::OVER,
    Scan = type_number::SCAN,
    EachPrior = type_number::EACH_PRIOR,
    EachRight = type_number::EACH_RIGHT,
    EachLeft = type_number::EACH_LEFT,
}

impl Adverb {
    pub fn from_type_number(number: i8) -> Option<Adverb> {
        Some(match number {
            type_number::EACH => Adverb::Each,
            type_number::OVER => Adverb::Over,
            type_number::SCAN => Adverb::Scan,
            type_number::EACH_PRIOR => Adverb::EachPrior,
            type_number::EACH_RIGHT => Adverb::EachRight,
            type_number::EACH_LEFT => Adverb::EachLeft,
            _ => return None,
        })
    }

    /// The glyph q writes after the operand.
    pub fn glyph(self) -> &'static str {
        match self {
            Adverb::Each => "'",
            Adverb::Over => "/",
            Adverb::Scan => "\\",
            Adverb::EachPrior => "':",
            Adverb::EachRight => "/:",
            Adverb::EachLeft => "\\:",
        }
    }
}

impl Function {
    #[inline]
    pub fn type_number(&self) -> i8 {
        match self {
            Function::Lambda(_) => type_number::LAMBDA,
            Function::UnaryPrimitive(_) => type_number::UNARY_PRIMITIVE,
            Function::BinaryPrimitive(_) => type_number::BINARY_PRIMITIVE,
            Function::Iterator(_) => type_number::ITERATOR,
            Function::Projection(_) => type_number::PROJECTION,
            Function::Composition(_) => type_number::COMPOSITION,
            Function::Derived(adverb, _) => *adverb as i8,
        }
    }

    pub fn lambda(context: Symbol, source: impl Into<Vec<u8>>) -> Function {
        Function::Lambda(Arc::new(Lambda {
            context,
            source: source.into(),
            compiled: Compiled::default(),
        }))
    }
}
