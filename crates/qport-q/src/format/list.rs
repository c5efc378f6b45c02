//! General lists at the console, and lists shown as a column of a dictionary.
//!
//! A general list shows one item per line in its one-line form, unless its items are
//! lists of one count (but not all strings, all boolean or all byte vectors): then it
//! shows as a matrix, one row per item, the cells left-aligned in columns one space
//! apart. A row that is a simple vector shows its items as cells (`a b` for `` `a`b ``,
//! nulls blank); a row that is a general list shows each item in one-line form.

use qport_value::Value;

use super::atom::{write_item, Form};
use super::kform;
use super::Style;
use crate::items::{count, is_list, item};

/// The console lines of a general list (`()` when it is empty).
pub fn list_lines(items: &[Value], style: Style) -> Vec<Vec<u8>> {
    if items.is_empty() {
        return vec![b"()".to_vec()];
    }
    item_lines(items, style)
}

/// One line per item of a list shown as a column (a dictionary's keys or values): a
/// simple vector's items as cells, a general list's as [`list_lines`] shows them.
pub fn column_lines(x: &Value, style: Style) -> Vec<Vec<u8>> {
    match x {
        Value::List(items) => item_lines(items, style),
        x if is_list(x) => cells(x, style),
        x => vec![kform::text(x, style.precision, style.cols)],
    }
}

/// The cells of a table column: a simple vector's items as cells, a general list's items
/// each in one-line form.
pub fn column_cells(x: &Value, style: Style) -> Vec<Vec<u8>> {
    match x {
        Value::List(items) => items
            .iter()
            .take(style.max_items())
            .map(|x| kform::text(x, style.precision, style.cols))
            .collect(),
        x => cells(x, style),
    }
}

/// A simple vector's first items, each as a cell.
fn cells(x: &Value, style: Style) -> Vec<Vec<u8>> {
    (0..count(x).min(style.max_items()))
        .map(|i| {
            let mut out = Vec::new();
            write_item(&item(x, i), Form::Cell, style.precision, &mut out);
            out
        })
        .collect()
}

fn item_lines(items: &[Value], style: Style) -> Vec<Vec<u8>> {
    let shown = &items[..items.len().min(style.max_items())];
    if is_matrix(items) {
        matrix_rows(shown, style)
    } else {
        shown
            .iter()
            .map(|x| kform::text(x, style.precision, style.cols))
            .collect()
    }
}

/// Whether q shows these items as a matrix: all lists of one count, unless all are
/// strings, all boolean vectors or all byte vectors, which keep their one-line form
/// (`"abc"`, `101b`, `0x0102`) one per line.
fn is_matrix(items: &[Value]) -> bool {
    let Some(first) = items.first() else {
        return false;
    };
    let n = count(first);
    let t = first.type_number();
    let same_kind = items.iter().all(|x| x.type_number() == t);
    is_list(first)
        && !(same_kind && matches!(t, 1 | 4 | 10))
        && items.iter().all(|x| is_list(x) && count(x) == n)
}

fn matrix_rows(rows: &[Value], style: Style) -> Vec<Vec<u8>> {
    // Columns past the console width are cut anyway; each takes at least two bytes.
    let columns = rows.first().map_or(0, count).min(style.cols);
    let cells: Vec<Vec<Vec<u8>>> = rows
        .iter()
        .map(|row| {
            (0..columns)
                .map(|c| {
                    let x = item(row, c);
                    match row {
                        Value::List(_) => kform::text(&x, style.precision, style.cols),
                        _ => {
                            let mut out = Vec::new();
                            write_item(&x, Form::Cell, style.precision, &mut out);
                            out
                        }
                    }
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..columns)
        .map(|c| cells.iter().map(|row| row[c].len()).max().unwrap_or(0))
        .collect();
    cells.iter().map(|row| join_padded(row, &widths)).collect()
}

/// Cells padded to their column widths, one space apart (the last padded too, as q does).
pub fn join_padded(cells: &[Vec<u8>], widths: &[usize]) -> Vec<u8> {
    let mut line = Vec::with_capacity(widths.iter().sum::<usize>() + widths.len());
    for (i, (cell, &width)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push(b' ');
        }
        line.extend_from_slice(cell);
        line.resize(line.len() + width.saturating_sub(cell.len()), b' ');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use qport_value::null::NULL_LONG;

    const STYLE: Style = Style::Q_DEFAULT;

    fn show(items: Vec<Value>) -> Vec<String> {
        list_lines(&items, STYLE)
            .into_iter()
            .map(|l| String::from_utf8(l).unwrap().trim_end().to_string())
            .collect()
    }

    #[test]
    fn items_of_different_shapes_go_one_per_line() {
        let x = vec![Value::Long(1), Value::symbol("a"), Value::string("abc")];
        assert_eq!(show(x), ["1", "`a", "\"abc\""]);
        let x = vec![
            Value::from(vec![-5i64, -2]),
            Value::Long(-3),
            Value::from(vec![8i64, 0, -2]),
        ];
        assert_eq!(show(x), ["-5 -2", "-3", "8 0 -2"]);
        assert_eq!(show(vec![]), ["()"]);
    }

    #[test]
    fn strings_and_bit_vectors_are_not_split_into_a_matrix() {
        let x = vec![Value::string("abc"), Value::string("def")];
        assert_eq!(show(x), ["\"abc\"", "\"def\""]);
        let x = vec![
            Value::from(vec![true, false, true]),
            Value::from(vec![true, true, false]),
        ];
        assert_eq!(show(x), ["101b", "110b"]);
    }

    #[test]
    fn lists_of_equal_count_form_a_matrix() {
        let x = vec![Value::from(vec![3i64, 2]), Value::from(vec![-4i64, -6])];
        assert_eq!(show(x), ["3  2", "-4 -6"]);
        let x = vec![
            Value::symbols(["Jack", "Jill", "Janet"]),
            Value::symbols(["brown", "black", "fair"]),
            Value::symbols(["blue", "green", "hazel"]),
            Value::from(vec![12i64, 9, 14]),
        ];
        assert_eq!(
            show(x),
            [
                "Jack  Jill  Janet",
                "brown black fair",
                "blue  green hazel",
                "12    9     14"
            ]
        );
        let x = vec![
            Value::from(vec![1.0f64, 2.5]),
            Value::from(vec![NULL_LONG, 3]),
        ];
        assert_eq!(show(x), ["1 2.5", "  3"]);
    }

    #[test]
    fn matrix_rows_that_are_general_lists_keep_one_line_cells() {
        let x = vec![
            Value::list([Value::from(vec![7i64, 8]), Value::from(vec![9i64, 10, 11])]),
            Value::list([Value::Long(13), Value::from(vec![15i64, 16])]),
        ];
        assert_eq!(show(x), ["7 8 9 10 11", "13  15 16"]);
        let x = vec![
            Value::from(vec![false, true, true]),
            Value::list([
                Value::Bool(true),
                Value::from(vec![true, false]),
                Value::Bool(false),
            ]),
        ];
        assert_eq!(show(x), ["0  1   1", "1b 10b 0b"]);
        let x = vec![
            Value::list([Value::string("Now"), Value::string("is")]),
            Value::list([Value::string("for"), Value::string("all")]),
        ];
        assert_eq!(show(x), ["\"Now\" \"is\"", "\"for\" \"all\""]);
        let x = vec![
            Value::list([Value::symbol("Nikhil"), Value::Long(192)]),
            Value::list([Value::symbol("Akash"), Value::Long(38)]),
        ];
        assert_eq!(show(x), ["`Nikhil 192", "`Akash  38"]);
    }

    #[test]
    fn one_vector_in_a_list_is_a_one_row_matrix() {
        assert_eq!(show(vec![Value::from(vec![1i64, 2, 3])]), ["1 2 3"]);
        assert_eq!(show(vec![Value::IDENTITY]), ["::"]);
    }

    #[test]
    fn a_column_of_a_simple_vector_is_its_cells() {
        let lines = column_lines(&Value::symbols(["x", "", "yy"]), STYLE);
        assert_eq!(lines, [b"x".to_vec(), b"".to_vec(), b"yy".to_vec()]);
    }
}
