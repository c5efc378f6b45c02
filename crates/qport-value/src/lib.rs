//! The kdb+ value model: what every other qport crate computes on, sends and receives.
//!
//! Modules:
//! - [`types`]: kdb+ type numbers and vector attributes (`s#`, `u#`, `p#`, `g#`).
//! - [`null`]: null and infinity sentinels, as kdb+ defines them per type.
//! - [`temporal`]: the 2000.01.01 epoch and calendar conversions of the temporal types.
//! - [`symbol`]: interned symbols, and a per-run cache in front of the pool for decoders;
//!   [`guid`]: the 16-byte guid.
//! - [`vector`]: `Vector<T>`, a typed contiguous array with an attribute in one reference-
//!   counted allocation (as a kdb+ object), copied on write.
//! - [`value`]: `Value`, one enum over every atom, vector, list, dictionary, table, keyed
//!   table, function and error; [`dict`], [`table`], [`function`] hold the compound parts.
//! - [`error`]: `ValueError`, for parts that do not fit together (q's `length`, `type`).
//!
//! Data flows one way: decoders and the q engine build `Value`s from these parts; nothing
//! here knows about sockets, bytes on the wire, or q syntax.

pub mod dict;
pub mod error;
pub mod function;
pub mod guid;
pub mod null;
pub mod symbol;
pub mod table;
pub mod temporal;
pub mod types;
pub mod value;
pub mod vector;

pub use dict::Dict;
pub use error::ValueError;
pub use function::{Adverb, Function, Lambda};
pub use guid::Guid;
pub use symbol::{Symbol, SymbolCache};
pub use table::{KeyedTable, Table};
pub use types::{type_number, Attribute};
pub use value::Value;
pub use vector::Vector;
