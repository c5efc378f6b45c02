//! Tables at the console: a header of column names, a line of dashes as wide as a row,
//! then one line per row, every column left-aligned and padded to its widest cell.
//! A keyed table (and a dictionary with a table on either side) is its key part, `| `,
//! then its value part, the dashes split the same way (`k| v` / `-| -`).

use qport_value::{Table, Value};

use super::list::{column_cells, column_lines, join_padded};
use super::Style;

/// One side of a table display: a header line, its width, and the row lines.
pub struct Block {
    header: Vec<u8>,
    width: usize,
    rows: Vec<Vec<u8>>,
}

impl Block {
    /// The columns of a table.
    pub fn of_table(t: &Table, style: Style) -> Block {
        // Columns past the console width are cut anyway; each takes at least one byte.
        let shown = t.columns().len().min(style.cols);
        let names: Vec<Vec<u8>> = t
            .names()
            .iter()
            .take(shown)
            .map(|n| n.as_bytes().to_vec())
            .collect();
        let cells: Vec<Vec<Vec<u8>>> = t.columns()[..shown]
            .iter()
            .map(|c| column_cells(c, style))
            .collect();
        let widths: Vec<usize> = names
            .iter()
            .zip(&cells)
            .map(|(name, column)| {
                column
                    .iter()
                    .map(Vec::len)
                    .max()
                    .unwrap_or(0)
                    .max(name.len())
            })
            .collect();
        let row_count = cells.first().map_or(0, Vec::len);
        let rows = (0..row_count)
            .map(|r| {
                let row: Vec<Vec<u8>> = cells.iter().map(|c| c[r].clone()).collect();
                join_padded(&row, &widths)
            })
            .collect();
        Block {
            header: join_padded(&names, &widths),
            width: widths.iter().sum::<usize>() + widths.len().saturating_sub(1),
            rows,
        }
    }

    /// A list beside a table, as one column without a name.
    pub fn of_column(x: &Value, style: Style) -> Block {
        let rows = column_lines(x, style);
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        Block {
            header: Vec::new(),
            width,
            rows,
        }
    }
}

/// A table: header, dashes, rows.
pub fn table_lines(t: &Table, style: Style) -> Vec<Vec<u8>> {
    let block = Block::of_table(t, style);
    let mut lines = Vec::with_capacity(block.rows.len() + 2);
    lines.push(block.header);
    lines.push(vec![b'-'; block.width]);
    lines.extend(block.rows);
    lines
}

/// A key part and a value part side by side, split by `| `.
pub fn keyed_lines(key: Block, value: Block) -> Vec<Vec<u8>> {
    let join = |left: &[u8], right: &[u8]| {
        let mut line = Vec::with_capacity(key.width + 2 + right.len());
        line.extend_from_slice(left);
        line.resize(key.width.max(left.len()), b' ');
        line.extend_from_slice(b"| ");
        line.extend_from_slice(right);
        line
    };
    let mut lines = Vec::with_capacity(key.rows.len() + 2);
    lines.push(join(&key.header, &value.header));
    lines.push(join(&vec![b'-'; key.width], &vec![b'-'; value.width]));
    for (k, v) in key.rows.iter().zip(&value.rows) {
        lines.push(join(k, v));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use qport_value::null::{NULL_INT, NULL_LONG};
    use qport_value::{Symbol, Vector};

    const STYLE: Style = Style::Q_DEFAULT;

    fn table(names: &[&str], columns: Vec<Value>) -> Table {
        Table::new(names.iter().map(Symbol::new).collect(), columns).unwrap()
    }

    fn text(lines: Vec<Vec<u8>>) -> Vec<String> {
        lines
            .into_iter()
            .map(|l| String::from_utf8(l).unwrap().trim_end().to_string())
            .collect()
    }

    #[test]
    fn a_table_pads_every_column_to_its_widest_cell() {
        let t = table(
            &["c1", "c2", "c3", "c4"],
            vec![
                Value::symbols(["a", "b"]),
                Value::from(vec![10i64, 20]),
                Value::from(vec![1.1f64, 3.14158]),
                Value::symbols(["cow", "sheep"]),
            ],
        );
        assert_eq!(
            text(table_lines(&t, STYLE)),
            [
                "c1 c2 c3      c4",
                "-------------------",
                "a  10 1.1     cow",
                "b  20 3.14158 sheep"
            ]
        );
    }

    #[test]
    fn cells_of_nested_columns_use_the_one_line_form() {
        let t = table(
            &["a", "b"],
            vec![
                Value::from(vec![1i64, 2]),
                Value::list([Value::string("Greetings"), Value::string("Earthlings")]),
            ],
        );
        assert_eq!(
            text(table_lines(&t, STYLE)),
            [
                "a b",
                "--------------",
                "1 \"Greetings\"",
                "2 \"Earthlings\""
            ]
        );
        let t = table(
            &["s", "p"],
            vec![
                Value::symbols(["a", "b"]),
                Value::list([Value::from(vec![2i64]), Value::from(vec![5i64, 7, 11])]),
            ],
        );
        assert_eq!(
            text(table_lines(&t, STYLE)),
            ["s p", "--------", "a ,2", "b 5 7 11"]
        );
    }

    #[test]
    fn nulls_are_blank_cells_and_an_empty_table_is_its_header() {
        let t = table(&["a"], vec![Value::from(vec![1i64, NULL_LONG, 3])]);
        assert_eq!(text(table_lines(&t, STYLE)), ["a", "-", "1", "", "3"]);
        let t = table(
            &["a", "b"],
            vec![
                Value::from(Vec::<i64>::new()),
                Value::from(Vec::<i64>::new()),
            ],
        );
        assert_eq!(text(table_lines(&t, STYLE)), ["a b", "---"]);
    }

    #[test]
    fn keyed_tables_split_key_and_value() {
        let key = table(&["a"], vec![Value::from(vec![1i64, 2])]);
        let value = table(
            &["b", "c"],
            vec![
                Value::symbols(["", "z"]),
                Value::from(vec![1i64, NULL_LONG]),
            ],
        );
        let lines = keyed_lines(Block::of_table(&key, STYLE), Block::of_table(&value, STYLE));
        assert_eq!(text(lines), ["a| b c", "-| ---", "1|   1", "2| z"]);
        let key = table(
            &["name", "city"],
            vec![
                Value::symbols(["Tom", "Jo"]),
                Value::symbols(["NYC", "Lagos"]),
            ],
        );
        let value = table(&["eye"], vec![Value::symbols(["green", "blue"])]);
        let lines = keyed_lines(Block::of_table(&key, STYLE), Block::of_table(&value, STYLE));
        assert_eq!(
            text(lines),
            [
                "name city | eye",
                "----------| -----",
                "Tom  NYC  | green",
                "Jo   Lagos| blue"
            ]
        );
    }

    #[test]
    fn a_list_beside_a_table_is_an_unnamed_column() {
        let key = Value::symbols(["a", "b"]);
        let value = table(
            &["c2"],
            vec![Value::list([
                Value::from(vec![10i64, 40, 40]),
                Value::from(vec![20i64]),
            ])],
        );
        let lines = keyed_lines(
            Block::of_column(&key, STYLE),
            Block::of_table(&value, STYLE),
        );
        assert_eq!(
            text(lines),
            [" | c2", "-| --------", "a| 10 40 40", "b| ,20"]
        );
        let key = table(&["one"], vec![Value::symbols(["a", "b"])]);
        let value = Value::list([Value::from(vec![10i64, 40, 40]), Value::from(vec![20i64])]);
        let lines = keyed_lines(
            Block::of_table(&key, STYLE),
            Block::of_column(&value, STYLE),
        );
        assert_eq!(
            text(lines),
            ["one|", "---| --------", "a  | 10 40 40", "b  | ,20"]
        );
        let dates = Value::DateVector(Vector::from(vec![3653, NULL_INT]));
        let value = table(&["t"], vec![Value::from(vec![100i64, 100])]);
        let lines = keyed_lines(
            Block::of_column(&dates, STYLE),
            Block::of_table(&value, STYLE),
        );
        assert_eq!(
            text(lines),
            [
                "          | t",
                "----------| ---",
                "2010.01.01| 100",
                "          | 100"
            ]
        );
    }
}
