//! The q language, embedded: text in, q values and console text out.
//!
//! Modules, in the order a line of q passes through them:
//! - [`lexer`]: text → tokens (strands gathered, the minus rule, comments);
//!   [`literal`]: number, boolean, byte and temporal literals → values.
//! - [`parser`]: tokens → parse trees, which are q values (as q's `parse` returns).
//! - [`eval`]: the interpreter: names and namespaces, lambdas, control words,
//!   assignment; `apply`: functions applied (projections, primitives, traps, `value`),
//!   `iterate`: the iterators, `amend`: `x[i]:y` and `@[x;i;f;y]`; [`system`]: `\P`,
//!   `\c`, `\t`, `\l` and the other system commands, and q scripts.
//! - [`verbs`]: the verb table and the primitives, one family per file.
//! - [`items`]: a value as a sequence of items (count, index, build back).
//! - [`mod@format`]: console text exactly as q prints it (`show`, `.Q.s`, `-3!`, `\P`, `\c`).
//! - [`console`]: a line in, the console's text out.
//! - [`error`]: `QError`, with q's own error text.

mod amend;
mod apply;
pub mod console;
pub mod error;
pub mod eval;
pub mod format;
pub mod items;
mod iterate;
pub mod lexer;
pub mod literal;
pub mod parser;
pub mod system;
#[cfg(test)]
mod testing;
pub mod verbs;

pub use console::{Console, Reply};
pub use error::{QError, QResult};
pub use eval::Interpreter;
