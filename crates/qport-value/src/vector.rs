//! `Vector<T>`: a typed, contiguous, reference-counted array with a kdb+ attribute.
//!
//! Items are a plain `Vec<T>` behind an `Arc`, so cloning a vector is a reference-count
//! bump and mutation copies only when the items are shared (copy-on-write), as kdb+'s
//! reference counting does.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::types::Attribute;

#[derive(Clone, PartialEq)]
pub struct Vector<T> {
    items: Arc<Vec<T>>,
    attribute: Attribute,
}

impl<T> Vector<T> {
    pub fn new(items: Vec<T>) -> Vector<T> {
        Vector::with_attribute(items, Attribute::None)
    }

    pub fn with_attribute(items: Vec<T>, attribute: Attribute) -> Vector<T> {
        Vector {
            items: Arc::new(items),
            attribute,
        }
    }

    pub fn attribute(&self) -> Attribute {
        self.attribute
    }

    /// Sets the attribute without checking it holds; the q engine checks `s#`, `u#`, ... .
    pub fn set_attribute(&mut self, attribute: Attribute) {
        self.attribute = attribute;
    }

    pub fn as_slice(&self) -> &[T] {
        &self.items
    }

    /// Whether another value shares these items (a write would copy them).
    pub fn is_shared(&self) -> bool {
        Arc::strong_count(&self.items) > 1
    }
}

impl<T: Clone> Vector<T> {
    /// The items for writing: copied first if shared. The attribute is left as it was;
    /// callers that break its invariant clear it.
    pub fn make_mut(&mut self) -> &mut Vec<T> {
        Arc::make_mut(&mut self.items)
    }

    /// The items, copied only if shared.
    pub fn into_vec(self) -> Vec<T> {
        Arc::try_unwrap(self.items).unwrap_or_else(|shared| (*shared).clone())
    }
}

impl<T> Deref for Vector<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T> Default for Vector<T> {
    fn default() -> Vector<T> {
        Vector::new(Vec::new())
    }
}

impl<T> From<Vec<T>> for Vector<T> {
    fn from(items: Vec<T>) -> Vector<T> {
        Vector::new(items)
    }
}

impl<T> FromIterator<T> for Vector<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Vector<T> {
        Vector::new(iter.into_iter().collect())
    }
}

impl<T: fmt::Debug> fmt::Debug for Vector<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.attribute != Attribute::None {
            write!(f, "{}#", self.attribute.letter())?;
        }
        f.debug_list().entries(self.items.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_shares_and_write_copies() {
        let a = Vector::new(vec![1i64, 2, 3]);
        let mut b = a.clone();
        assert!(a.is_shared());
        b.make_mut().push(4);
        assert_eq!(a.as_slice(), &[1, 2, 3]);
        assert_eq!(b.as_slice(), &[1, 2, 3, 4]);
        assert!(!a.is_shared());
    }

    #[test]
    fn unshared_write_does_not_copy() {
        let mut a = Vector::new(vec![1i64, 2, 3]);
        let before = a.as_slice().as_ptr();
        a.make_mut()[0] = 9;
        assert_eq!(a.as_slice().as_ptr(), before);
    }
}
