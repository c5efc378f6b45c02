//! Keywords q itself defines in q (as kdb+ does in its `q.k`): each is a lambda, made once
//! from its source text and applied like any other.

use std::sync::OnceLock;

use qport_value::{Function, Symbol, Value};

/// Name and source of each keyword defined in q.
const DEFINITIONS: &[(&str, &str)] = &[
    // Shift by x places: nulls come in where items run out.
    ("xprev", "{y til[count y]-x}"),
    // x buckets of (near) equal size, by rank.
    (
        "xrank",
        "{$[0h>type y;'`rank;floor x*iasc[iasc y]%count y]}",
    ),
];

/// The lambda a keyword defined in q names.
pub fn defined(name: &str) -> Option<Value> {
    static LAMBDAS: OnceLock<Vec<(&'static str, Value)>> = OnceLock::new();
    let lambdas = LAMBDAS.get_or_init(|| {
        DEFINITIONS
            .iter()
            .map(|(name, source)| {
                let lambda = Function::lambda(Symbol::new(".q"), source.as_bytes());
                (*name, Value::Function(lambda))
            })
            .collect()
    });
    lambdas
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| f.clone())
}
