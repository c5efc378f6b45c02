//! Errors from building a value whose parts do not fit together.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// Parts that must have the same count do not (q's `'length`).
    Length { expected: usize, found: usize },
    /// A part is of the wrong kind, e.g. a table column that is an atom (q's `'type`).
    Type(&'static str),
}

impl ValueError {
    /// q's own text for this error.
    pub fn q_text(&self) -> &'static str {
        match self {
            ValueError::Length { .. } => "length",
            ValueError::Type(_) => "type",
        }
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueError::Length { expected, found } => {
                write!(f, "length: expected {expected} items, found {found}")
            }
            ValueError::Type(what) => write!(f, "type: {what}"),
        }
    }
}

impl std::error::Error for ValueError {}
