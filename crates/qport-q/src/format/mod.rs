//! Console text exactly as q prints it: `show`, the console's display of a value, `.Q.s`,
//! the one-line form of `-3!`, `.Q.s1` and `0N!`, and `string`; with `\P` (float
//! precision) and `\c` (console size) as process-wide settings, as in kdb+.
//!
//! Files, from the parts up:
//! - `float`, `temporal`: numbers and dates as text; `atom`: an atom in its three
//!   forms (alone, as a vector item, as a cell); `vector`: typed vectors in one line.
//! - `kform`: the one-line form of any value; `function`: functions within it.
//! - `list`: general lists at the console (one item per line, or a matrix);
//!   `dict`: dictionaries; `table`: tables and keyed tables.
//! - `clip`: cutting the text to `\c`; [`string`]: q's `string`.
//!
//! Text is built as bytes, as q's is: strings and symbols may hold any bytes, and widths
//! are counted in bytes.

mod atom;
mod clip;
mod dict;
mod float;
mod function;
mod kform;
mod list;
mod string;
mod table;
mod temporal;
mod vector;

use std::sync::atomic::{AtomicUsize, Ordering};

use qport_value::{Value, Vector};

pub use string::string;

static PRECISION: AtomicUsize = AtomicUsize::new(Style::Q_DEFAULT.precision);
static ROWS: AtomicUsize = AtomicUsize::new(Style::Q_DEFAULT.rows);
static COLS: AtomicUsize = AtomicUsize::new(Style::Q_DEFAULT.cols);

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

/// The settings one display is made with, read once so that the parts agree.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    /// `\P` as set (0 means 17 digits).
    pub precision: usize,
    pub rows: usize,
    pub cols: usize,
}

impl Style {
    /// q's settings at start-up: `\P 7`, `\c 25 80`.
    pub(crate) const Q_DEFAULT: Style = Style {
        precision: 7,
        rows: 25,
        cols: 80,
    };

    fn current() -> Style {
        let (rows, cols) = console_size();
        Style {
            precision: precision(),
            rows,
            cols,
        }
    }

    /// How many items of a list (rows of a table) are worth formatting: the console
    /// shows fewer lines than this, and the rest are cut.
    pub fn max_items(self) -> usize {
        self.rows
    }
}

/// What the console prints for `x` (lines joined by `\n`, no final line break), clipped
/// to the console size; nothing for the generic null `::`.
pub fn console(x: &Value) -> String {
    String::from_utf8_lossy(&console_bytes(x, Style::current())).into_owned()
}

/// The one-line form (`-3!x`, `.Q.s1 x`, `0N!x`).
pub fn one_line(x: &Value) -> String {
    String::from_utf8_lossy(&kform::text(x, precision(), usize::MAX)).into_owned()
}

/// `.Q.s x`: the console text as a string, each line ending in `"\n"`; `""` for `::`.
pub fn console_text(x: &Value) -> Value {
    let mut text = console_bytes(x, Style::current());
    if *x != Value::IDENTITY {
        text.push(b'\n');
    }
    Value::CharVector(Vector::from(text))
}

fn console_bytes(x: &Value, style: Style) -> Vec<u8> {
    if *x == Value::IDENTITY {
        return Vec::new();
    }
    let lines = clip::clip(lines(x, style), style.rows, style.cols);
    lines.join(&b'\n')
}

/// The console's lines for `x`, before clipping.
fn lines(x: &Value, style: Style) -> Vec<Vec<u8>> {
    match x {
        Value::List(items) => list::list_lines(items, style),
        Value::Dict(d) => dict::dict_lines(d, style),
        Value::Table(t) => table::table_lines(t, style),
        Value::KeyedTable(k) => table::keyed_lines(
            table::Block::of_table(&k.key, style),
            table::Block::of_table(&k.value, style),
        ),
        // A lambda keeps the line breaks of its source.
        x => kform::text(x, style.precision, style.cols)
            .split(|&c| c == b'\n')
            .map(<[u8]>::to_vec)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qport_value::{Dict, Function, KeyedTable, Symbol, Table};

    const DEFAULT: Style = Style::Q_DEFAULT;

    fn show(x: &Value) -> String {
        show_with(x, DEFAULT)
    }

    /// As the corpus compares: trailing blanks removed from every line.
    fn show_with(x: &Value, style: Style) -> String {
        let text = String::from_utf8(console_bytes(x, style)).unwrap();
        text.lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn table(names: &[&str], columns: Vec<Value>) -> Table {
        Table::new(names.iter().map(Symbol::new).collect(), columns).unwrap()
    }

    #[test]
    fn atoms_vectors_and_the_generic_null() {
        assert_eq!(show(&Value::Long(42)), "42");
        assert_eq!(show(&Value::Float(2.0)), "2f");
        assert_eq!(show(&Value::from(vec![1i64, 2, 3])), "1 2 3");
        assert_eq!(show(&Value::from(vec![1i64])), ",1");
        assert_eq!(show(&Value::string("abc")), "\"abc\"");
        assert_eq!(show(&Value::IDENTITY), "");
        assert_eq!(show(&Value::list([])), "()");
        assert_eq!(show(&Value::list([Value::IDENTITY])), "::");
    }

    #[test]
    fn precision_follows_backslash_p() {
        let x = Value::Float(std::f64::consts::PI);
        assert_eq!(
            show_with(
                &x,
                Style {
                    precision: 3,
                    ..DEFAULT
                }
            ),
            "3.14"
        );
        assert_eq!(
            show_with(
                &x,
                Style {
                    precision: 0,
                    ..DEFAULT
                }
            ),
            "3.1415926535897931"
        );
        assert_eq!(show(&x), "3.141593");
    }

    #[test]
    fn long_vectors_are_cut_at_the_console_width() {
        let x = Value::from((1..=100i64).collect::<Vec<_>>());
        let text = show(&x);
        assert_eq!(text.len(), 79);
        assert_eq!(
            text,
            "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29.."
        );
    }

    #[test]
    fn tall_output_is_cut_at_the_console_height() {
        let rows: Vec<Value> = (20..30i64)
            .map(|n| Value::from((0..n).collect::<Vec<_>>()))
            .collect();
        let text = show_with(
            &Value::list(rows),
            Style {
                rows: 10,
                cols: 10,
                ..DEFAULT
            },
        );
        let expected = ["0 1 2 3.."; 7].join("\n") + "\n..";
        assert_eq!(text, expected);
        let t = table(&["a"], vec![Value::from((0..100i64).collect::<Vec<_>>())]);
        let text = show(&Value::table(t));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 23);
        assert_eq!(lines[..3], ["a", "--", "0"]);
        assert_eq!(lines[21], "19");
        assert_eq!(lines[22], "..");
    }

    #[test]
    fn dictionaries_tables_and_keyed_tables() {
        let d = Dict::new(
            Value::symbols(["a", "b", "c"]),
            Value::from(vec![1i64, 2, 3]),
        )
        .unwrap();
        assert_eq!(show(&Value::dict(d)), "a| 1\nb| 2\nc| 3");
        let t = table(
            &["a", "b"],
            vec![Value::from(vec![1i64, 2]), Value::symbols(["x", "y"])],
        );
        assert_eq!(show(&Value::table(t)), "a b\n---\n1 x\n2 y");
        let kt = KeyedTable::new(
            table(&["h"], vec![Value::from(vec![1i64, 2, 3])]),
            table(&["m"], vec![Value::from(vec![4i64, 5, 6])]),
        )
        .unwrap();
        let kt = Value::keyed_table(kt);
        assert_eq!(show(&kt), "h| m\n-| -\n1| 4\n2| 5\n3| 6");
        let text = console_bytes(&kt, DEFAULT);
        assert_eq!(text, b"h| m\n-| -\n1| 4\n2| 5\n3| 6");
    }

    #[test]
    fn tall_dictionaries_and_wide_matrices_are_clipped() {
        let keys: Vec<String> = (0..30).map(|i| format!("k{i}")).collect();
        let d = Dict::new(
            Value::symbols(&keys),
            Value::from((0..30i64).collect::<Vec<_>>()),
        )
        .unwrap();
        let text = show(&Value::dict(d));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 23);
        assert_eq!(lines[0], "k0 | 0");
        assert_eq!(lines[21], "k21| 21");
        assert_eq!(lines[22], "..");
        let row = |s: &str| Value::symbols(vec![s; 20]);
        let x = Value::list([row("1"), row("fizz"), row("fizzbuzz")]);
        let text = show(&x);
        assert_eq!(
            text.lines().next().unwrap(),
            "1        1        1        1        1        1        1        1        1    .."
        );
        assert_eq!(
            text.lines().nth(2).unwrap(),
            "fizzbuzz fizzbuzz fizzbuzz fizzbuzz fizzbuzz fizzbuzz fizzbuzz fizzbuzz fizzb.."
        );
    }

    #[test]
    fn multi_line_lambdas_keep_their_lines() {
        let f = Value::Function(Function::lambda(Symbol::empty(), "{x+\n y}"));
        assert_eq!(show(&f), "{x+\n y}");
    }

    #[test]
    fn console_text_ends_in_a_line_break() {
        assert_eq!(console_text(&Value::IDENTITY), Value::string(""));
        let text = console_text(&Value::from(vec![1i64, 2]));
        assert_eq!(text, Value::string("1 2\n"));
    }
}
