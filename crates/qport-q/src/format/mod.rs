//! Console text exactly as q prints it: `show`, the console's display of a value, `.Q.s`,
//! and the one-line form of `-3!`, `.Q.s1` and `0N!`; with `\P` (float precision) and
//! `\c` (console size) as process-wide settings, as in kdb+.

use std::sync::atomic::{AtomicUsize, Ordering};

use qport_value::Value;

static PRECISION: AtomicUsize = AtomicUsize::new(7);
static ROWS: AtomicUsize = AtomicUsize::new(25);
static COLS: AtomicUsize = AtomicUsize::new(80);

/// `\P`: significant digits for floats (0 means 17).
pub fn precision() -> usize {
    PRECISION.load(Ordering::Relaxed)
}

pub fn set_precision(p: usize) {
    PRECISION.store(p, Ordering::Relaxed);
}

/// `\c`: console rows and columns.
pub fn console_size() -> (usize, usize) {
    (ROWS.load(Ordering::Relaxed), COLS.load(Ordering::Relaxed))
}

pub fn set_console_size(rows: usize, cols: usize) {
    ROWS.store(rows, Ordering::Relaxed);
    COLS.store(cols, Ordering::Relaxed);
}

/// What the console prints for `x` (lines joined by `\n`, no final line break), clipped
/// to the console size.
pub fn console(x: &Value) -> String {
    one_line(x)
}

/// The one-line form (`-3!x`, `.Q.s1 x`, `0N!x`).
pub fn one_line(x: &Value) -> String {
    format!("{x:?}")
}
