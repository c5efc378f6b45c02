//! Arbitrary text as q source: the lexer and parser must never panic, hang or overflow
//! the stack (nesting past the limit is the error `nesting`), and whatever parses must
//! parse the same way twice. Lambdas found in the trees are parsed too, as a call would.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qport_q::parser::{parse_lambda, parse_statements};
use qport_value::{Function, Symbol, Value};

fuzz_target!(|data: &[u8]| {
    let first = parse_statements(data, Symbol::empty());
    let again = parse_statements(data, Symbol::empty());
    assert_eq!(first, again, "parsing is not deterministic");
    if let Ok(statements) = first {
        for tree in statements.iter().flatten() {
            parse_lambdas(tree, 0);
        }
    }
});

/// Parses every lambda in a tree (bodies are parsed only when called).
fn parse_lambdas(tree: &Value, depth: usize) {
    if depth > 64 {
        return;
    }
    match tree {
        Value::Function(Function::Lambda(lambda)) => {
            if let Ok(body) = parse_lambda(&lambda.source, lambda.context) {
                for statement in body.statements.iter().flatten() {
                    parse_lambdas(statement, depth + 1);
                }
            }
        }
        Value::List(items) => {
            for item in items.iter() {
                parse_lambdas(item, depth + 1);
            }
        }
        _ => {}
    }
}
