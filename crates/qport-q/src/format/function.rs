//! Functions as q writes them: a lambda as its source text; a primitive by glyph or name
//! (`+`, `-:`, `like`); a projection as the function then its arguments in brackets, an
//! elided one left empty (`{x+y}[1]`, `+[;1]`); a derived function as its operand then
//! the iterator (`+/`, `{x}'`); a composition as its parts one after another (`$["b"]~~':`).

use qport_value::{Function, Value};

use super::kform::write;
use crate::verbs::{primitive_name, ELIDED_INDEX};

pub fn write_function(f: &Function, precision: usize, out: &mut Vec<u8>, cap: usize) {
    match f {
        Function::Lambda(lambda) => out.extend_from_slice(&lambda.source),
        Function::Projection(parts) => {
            let Some((head, args)) = parts.split_first() else {
                return;
            };
            write(head, precision, out, cap);
            out.push(b'[');
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push(b';');
                }
                if !is_elided(arg) {
                    write(arg, precision, out, cap);
                }
            }
            out.push(b']');
        }
        Function::Composition(parts) => {
            for (i, part) in parts.iter().enumerate() {
                let start = out.len();
                write(part, precision, out, cap);
                // A unary glyph composed before another function drops its colon, as
                // k writes it (`~~':` is not composed with match-each-prior).
                let written = &out[start..];
                if i + 1 < parts.len()
                    && matches!(part, Value::Function(Function::UnaryPrimitive(p)) if *p != 0)
                    && written.len() == 2
                    && written[1] == b':'
                {
                    out.pop();
                }
            }
        }
        Function::Derived(adverb, operand) => {
            write(operand, precision, out, cap);
            out.extend_from_slice(adverb.glyph().as_bytes());
        }
        primitive => {
            if let Some(name) = primitive_name(primitive) {
                out.extend_from_slice(name.as_bytes());
            }
        }
    }
}

/// The marker an elided argument (`f[;1]`) leaves in a projection.
fn is_elided(x: &Value) -> bool {
    matches!(x, Value::Function(Function::UnaryPrimitive(ELIDED_INDEX)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verbs::glyph_index;
    use qport_value::{Adverb, Symbol};
    use std::sync::Arc;

    fn k(f: Function) -> String {
        let mut out = Vec::new();
        write_function(&f, 7, &mut out, usize::MAX);
        String::from_utf8(out).unwrap()
    }

    fn lambda(source: &str) -> Value {
        Value::Function(Function::lambda(Symbol::empty(), source))
    }

    fn binary(glyph: &str) -> Value {
        Value::Function(Function::BinaryPrimitive(glyph_index(glyph).unwrap()))
    }

    const ELIDED: Value = Value::Function(Function::UnaryPrimitive(ELIDED_INDEX));

    #[test]
    fn lambdas_show_their_source() {
        assert_eq!(k(Function::lambda(Symbol::empty(), "{x*x}")), "{x*x}");
        assert_eq!(
            k(Function::lambda(Symbol::empty(), "{[s;ivl] s+ivl}")),
            "{[s;ivl] s+ivl}"
        );
    }

    #[test]
    fn primitives_and_iterators() {
        assert_eq!(k(Function::BinaryPrimitive(1)), "+");
        assert_eq!(k(Function::UnaryPrimitive(2)), "-:");
        assert_eq!(k(Function::UnaryPrimitive(0)), "::");
        assert_eq!(k(Function::Iterator(1)), "/");
    }

    #[test]
    fn projections() {
        let p = Function::Projection(Arc::from(vec![lambda("{x+y}"), Value::Long(1)]));
        assert_eq!(k(p), "{x+y}[1]");
        let p = Function::Projection(Arc::from(vec![binary("+"), ELIDED, Value::Long(1)]));
        assert_eq!(k(p), "+[;1]");
        let p = Function::Projection(Arc::from(vec![binary("+"), Value::string("ssd")]));
        assert_eq!(k(p), "+[\"ssd\"]");
        let p = Function::Projection(Arc::from(vec![
            lambda("{x+y+z}"),
            ELIDED,
            Value::from(vec![1i64, 2]),
            ELIDED,
        ]));
        assert_eq!(k(p), "{x+y+z}[;1 2;]");
    }

    #[test]
    fn derived_and_composed() {
        let over = Function::Derived(Adverb::Over, Arc::new(binary("+")));
        assert_eq!(k(over), "+/");
        let each = Function::Derived(Adverb::Each, Arc::new(lambda("{x}")));
        assert_eq!(k(each), "{x}'");
        let each_right = Function::Derived(Adverb::EachRight, Arc::new(binary(",")));
        assert_eq!(k(each_right), ",/:");
        let prior = Function::Derived(Adverb::EachPrior, Arc::new(binary("-")));
        assert_eq!(k(prior), "-':");
        let cast_b = Value::Function(Function::Projection(Arc::from(vec![
            binary("$"),
            Value::Char(b'b'),
        ])));
        let composed = Function::Composition(Arc::from(vec![lambda("{2*x}"), cast_b]));
        assert_eq!(k(composed), "{2*x}$[\"b\"]");
        let not = Value::Function(Function::UnaryPrimitive(glyph_index("~").unwrap()));
        let match_prior =
            Value::Function(Function::Derived(Adverb::EachPrior, Arc::new(binary("~"))));
        let differ = Function::Composition(Arc::from(vec![not, match_prior]));
        assert_eq!(k(differ), "~~':");
    }
}
