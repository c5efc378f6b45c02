//! Equality and hashing of q values as Find, Distinct, Group, In and Differ compare them:
//! exact (no comparison tolerance), attributes ignored, a float null equal to any other.
//!
//! Typed items compare through `Key`, a plain hashable image of the item (floats as
//! normalized bits), so the typed fast paths hash and compare machine words; whole values
//! go through [`same`] and `ByValue`.

use std::hash::{Hash, Hasher};

use qport_value::{Guid, Symbol, Table, Value};

/// An item of a typed vector as a hashable, exactly comparable word.
pub(crate) trait Key: Copy {
    type K: Hash + Eq + Copy + Ord;
    fn key(self) -> Self::K;
}

macro_rules! identity_key {
    ($($t:ty),*) => {$(
        impl Key for $t {
            type K = $t;
            #[inline(always)]
            fn key(self) -> $t {
                self
            }
        }
    )*};
}
identity_key!(bool, u8, i16, i32, i64, u32, u64, Guid);

impl Key for Symbol {
    /// Symbols are interned: the address is the identity (ordering is not used for them).
    type K = usize;
    #[inline(always)]
    fn key(self) -> usize {
        self.as_bytes_with_nul().as_ptr() as usize
    }
}

impl Key for f64 {
    type K = u64;
    /// Every NaN is one null, and -0 is 0, as q's Find sees them.
    #[inline(always)]
    fn key(self) -> u64 {
        if self.is_nan() {
            u64::MAX
        } else {
            (self + 0.0).to_bits()
        }
    }
}

impl Key for f32 {
    type K = u32;
    #[inline(always)]
    fn key(self) -> u32 {
        if self.is_nan() {
            u32::MAX
        } else {
            (self + 0.0).to_bits()
        }
    }
}

/// q's Match (`~`) without tolerance: same type, same shape, same items.
pub fn same(a: &Value, b: &Value) -> bool {
    macro_rules! simple {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match (a, b) {
                $(
                    (Value::$atom(x), Value::$atom(y)) => x.key() == y.key(),
                    (Value::$vector(x), Value::$vector(y)) => {
                        x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| p.key() == q.key())
                    }
                )*
                (Value::List(x), Value::List(y)) => {
                    x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q))
                }
                (Value::Dict(x), Value::Dict(y)) => {
                    same(&x.keys, &y.keys) && same(&x.values, &y.values)
                }
                (Value::Table(x), Value::Table(y)) => same_table(x, y),
                (Value::KeyedTable(x), Value::KeyedTable(y)) => {
                    same_table(&x.key, &y.key) && same_table(&x.value, &y.value)
                }
                _ => a == b,
            }
        };
    }
    crate::for_each_simple_type!(simple)
}

/// Tables match when their column names and columns do.
fn same_table(x: &Table, y: &Table) -> bool {
    x.names().as_slice() == y.names().as_slice()
        && x.columns().iter().zip(y.columns()).all(|(p, q)| same(p, q))
}

/// Feeds `x`'s type and items to `state`, consistently with [`same`].
pub fn hash_value<H: Hasher>(x: &Value, state: &mut H) {
    macro_rules! simple {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(
                    Value::$atom(e) => e.key().hash(state),
                    Value::$vector(v) => {
                        v.len().hash(state);
                        for e in v.iter() {
                            e.key().hash(state);
                        }
                    }
                )*
                Value::List(v) => {
                    v.len().hash(state);
                    for e in v.iter() {
                        hash_value(e, state);
                    }
                }
                Value::Dict(d) => {
                    hash_value(&d.keys, state);
                    hash_value(&d.values, state);
                }
                Value::Table(t) => {
                    for c in t.columns() {
                        hash_value(c, state);
                    }
                }
                Value::KeyedTable(k) => {
                    for c in k.key.columns().iter().chain(k.value.columns()) {
                        hash_value(c, state);
                    }
                }
                // Functions and errors are rare as keys: equal ones share a bucket.
                _ => {}
            }
        };
    }
    x.type_number().hash(state);
    crate::for_each_simple_type!(simple)
}

/// A value as a hash-map key, equal by [`same`].
#[derive(Clone, Copy)]
pub(crate) struct ByValue<'a>(pub &'a Value);

impl Hash for ByValue<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_value(self.0, state)
    }
}

impl PartialEq for ByValue<'_> {
    fn eq(&self, other: &ByValue<'_>) -> bool {
        same(self.0, other.0)
    }
}

impl Eq for ByValue<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verbs::list::list_testkit::q;
    use qport_value::{Attribute, Vector};

    #[test]
    fn match_is_exact_and_ignores_attributes() {
        assert!(same(&q("1 2 3"), &q("1 2 3")));
        let sorted = Value::LongVector(Vector::with_attribute(vec![1, 2, 3], Attribute::Sorted));
        assert!(same(&sorted, &q("1 2 3")));
        assert!(!same(&q("1 2 3"), &q("1 2 3i")));
        assert!(same(&q("0n"), &q("0n")));
        assert!(same(&q("0 -0f"), &q("0 0f")));
        assert!(!same(&q("1"), &q("enlist 1")));
        assert!(same(&q("(1 2;\"ab\")"), &q("(1 2;\"ab\")")));
        assert!(!same(&q("(1 2;\"ab\")"), &q("(1 2;\"abc\")")));
        assert!(same(&q("`a`b!1 2"), &q("`a`b!1 2")));
        assert!(!same(&q("`a`b!1 2"), &q("`a`c!1 2")));
    }

    #[test]
    fn equal_values_hash_equally() {
        use std::collections::hash_map::DefaultHasher;
        let h = |v: &Value| {
            let mut s = DefaultHasher::new();
            hash_value(v, &mut s);
            s.finish()
        };
        let sorted = Value::LongVector(Vector::with_attribute(vec![1, 2], Attribute::Sorted));
        assert_eq!(h(&sorted), h(&q("1 2")));
        assert_eq!(h(&q("(0n;`a)")), h(&q("(0n;`a)")));
        assert_ne!(h(&q("1 2")), h(&q("1 2i")));
    }
}
