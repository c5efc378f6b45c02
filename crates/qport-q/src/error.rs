//! `QError`: a q error, carrying q's own text (`type`, `length`, `rank`, a user's `'oops`).

use std::fmt;
use std::sync::Arc;

/// An error as q signals it: the console prints `'text`, a client receives `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QError {
    text: Arc<str>,
}

/// What every engine operation returns.
pub type QResult<T = qport_value::Value> = Result<T, QError>;

impl QError {
    pub fn new(text: impl AsRef<str>) -> QError {
        QError {
            text: Arc::from(text.as_ref()),
        }
    }

    /// q's text, without the leading tick.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Arguments of a type the operation does not take.
    pub fn type_() -> QError {
        QError::new("type")
    }

    /// Arguments whose lengths do not conform.
    pub fn length() -> QError {
        QError::new("length")
    }

    /// A function applied to more arguments than it takes.
    pub fn rank() -> QError {
        QError::new("rank")
    }

    /// A value outside what the operation accepts (a negative `til`, say).
    pub fn domain() -> QError {
        QError::new("domain")
    }

    /// An index outside a list where q does not answer with a null.
    pub fn index() -> QError {
        QError::new("index")
    }

    /// Not yet implemented here.
    pub fn nyi() -> QError {
        QError::new("nyi")
    }

    /// Text that does not parse.
    pub fn parse() -> QError {
        QError::new("parse")
    }

    /// Nesting too deep to evaluate on the stack.
    pub fn stack() -> QError {
        QError::new("stack")
    }
}

impl fmt::Display for QError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}", self.text)
    }
}

impl std::error::Error for QError {}
