//! Dictionaries at the console: one line per entry, `key| value`, the keys padded to the
//! widest. Keys and values each show as a column: a simple vector's items as cells
//! (`a| x`), a general list's items in one-line form (`` b| `x ``, `c| ,50`), or aligned
//! as a matrix when they are lists of one count. A table on either side makes it show as
//! a keyed table does.

use qport_value::{Dict, Value};

use super::kform;
use super::list::column_lines;
use super::table::{keyed_lines, Block};
use super::Style;

pub fn dict_lines(d: &Dict, style: Style) -> Vec<Vec<u8>> {
    let block = |x: &Value| match x {
        Value::Table(t) => Block::of_table(t, style),
        x => Block::of_column(x, style),
    };
    if matches!(d.keys, Value::Table(_)) || matches!(d.values, Value::Table(_)) {
        return keyed_lines(block(&d.keys), block(&d.values));
    }
    if d.is_empty() {
        let mut out = Vec::new();
        kform::write(
            &Value::dict(d.clone()),
            style.precision,
            &mut out,
            style.cols,
        );
        return vec![out];
    }
    let keys = column_lines(&d.keys, style);
    let values = column_lines(&d.values, style);
    let width = keys.iter().map(Vec::len).max().unwrap_or(0);
    keys.into_iter()
        .zip(values)
        .map(|(mut line, value)| {
            line.resize(width, b' ');
            line.extend_from_slice(b"| ");
            line.extend_from_slice(&value);
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use qport_value::null::NULL_INT;
    use qport_value::{Symbol, Table, Vector};

    const STYLE: Style = Style::Q_DEFAULT;

    fn show(keys: Value, values: Value) -> Vec<String> {
        dict_lines(&Dict::new(keys, values).unwrap(), STYLE)
            .into_iter()
            .map(|l| String::from_utf8(l).unwrap().trim_end().to_string())
            .collect()
    }

    #[test]
    fn keys_are_padded_and_simple_values_are_cells() {
        assert_eq!(
            show(
                Value::symbols(["tom", "dick", "harry"]),
                Value::from(vec![1040i64, 59, 27])
            ),
            ["tom  | 1040", "dick | 59", "harry| 27"]
        );
        assert_eq!(
            show(Value::symbols(["a", "b"]), Value::symbols(["x", "y"])),
            ["a| x", "b| y"]
        );
        assert_eq!(
            show(Value::symbols(["eye", "sex"]), Value::symbols(["", ""])),
            ["eye|", "sex|"]
        );
    }

    #[test]
    fn general_values_use_the_one_line_form() {
        assert_eq!(
            show(
                Value::symbols(["name", "dob", "sex"]),
                Value::list([
                    Value::Symbol(Symbol::empty()),
                    Value::Date(NULL_INT),
                    Value::Symbol(Symbol::empty()),
                ])
            ),
            ["name| `", "dob | 0Nd", "sex | `"]
        );
        assert_eq!(
            show(
                Value::symbols(["a", "b", "c", "x"]),
                Value::list([
                    Value::Long(1),
                    Value::from(vec![2i64, 3]),
                    Value::Long(4),
                    Value::Long(5),
                ])
            ),
            ["a| 1", "b| 2 3", "c| 4", "x| 5"]
        );
        assert_eq!(
            show(
                Value::symbols(["", "VERBOSE"]),
                Value::list([Value::IDENTITY, Value::Long(1)])
            ),
            ["       | ::", "VERBOSE| 1"]
        );
        assert_eq!(
            show(
                Value::list([Value::string("john"), Value::string("johnny")]),
                Value::from(vec![4i64, 4])
            ),
            ["\"john\"  | 4", "\"johnny\"| 4"]
        );
    }

    #[test]
    fn values_of_one_count_align_as_a_matrix() {
        assert_eq!(
            show(
                Value::symbols(["a", "b"]),
                Value::list([
                    Value::from(vec![0i64, 1]),
                    Value::list([Value::string("hello"), Value::string("world")]),
                ])
            ),
            ["a| 0       1", "b| \"hello\" \"world\""]
        );
        assert_eq!(
            show(
                Value::symbols(["name", "dob", "sex"]),
                Value::list([
                    Value::symbols(["jack", "jill", "john"]),
                    Value::DateVector(Vector::from(vec![-6317, -5658, -3333])),
                    Value::symbols(["m", "f", "m"]),
                ])
            ),
            [
                "name| jack       jill       john",
                "dob | 1982.09.15 1984.07.05 1990.11.16",
                "sex | m          f          m"
            ]
        );
        assert_eq!(
            show(Value::symbols(["t"]), Value::list([Value::list([])])),
            ["t|"]
        );
    }

    #[test]
    fn a_table_of_values_shows_as_a_keyed_table() {
        let t = Table::new(
            Vector::from(vec![Symbol::new("m2"), Symbol::new("s3")]),
            vec![
                Value::from(vec![40i64, 20]),
                Value::from(vec![8.64159f64, 2.2]),
            ],
        )
        .unwrap();
        assert_eq!(
            show(Value::symbols(["a", "b"]), Value::table(t)),
            [" | m2 s3", "-| ----------", "a| 40 8.64159", "b| 20 2.2"]
        );
    }

    #[test]
    fn an_empty_dictionary_shows_its_one_line_form() {
        assert_eq!(show(Value::list([]), Value::list([])), ["()!()"]);
    }
}
