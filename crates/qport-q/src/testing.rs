//! Test support: q text evaluated by the real interpreter, so the verb families' unit
//! tests read as q (`check("2#1 2 3", "1 2")`) and go through parsing and dispatch.

use qport_value::{Symbol, Value};

use crate::error::QResult;
use crate::eval::Interpreter;
use crate::parser::parse_statements;

/// Evaluates q text (statements separated by `;`) in a fresh interpreter; the last
/// statement's value.
pub(crate) fn eval(text: &str) -> QResult {
    let mut interp = Interpreter::new();
    let mut last = Value::IDENTITY;
    for statement in parse_statements(text.as_bytes(), Symbol::empty())?
        .into_iter()
        .flatten()
    {
        last = interp.eval_top(&statement)?;
    }
    Ok(last)
}
