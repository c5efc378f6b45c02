//! q's sort order, and the primitives built on it: `asc desc iasc idesc rank bin binr
//! within`.
//!
//! Within a type: nulls first, then by value (symbols by their text, chars and booleans
//! by code, temporals by their count, floats with -0 equal to 0). A general list sorts
//! its atoms by type first (booleans, then shorts, ints, longs, ... by type number), atoms
//! before lists, lists lexicographically. Grades are stable: equal items keep their
//! order, for `idesc` too.
//!
//! Typed vectors sort and grade through the kernels of `list_sort`.

use std::cmp::Ordering;
use std::sync::Arc;

use qport_value::{Attribute, Table, Value, Vector};

use super::list_index::{gather, value_error};
pub(crate) use super::list_sort::{float_key, Sortable};
use crate::error::{QError, QResult};
use crate::items::{count, from_items, is_list, item, to_items};

/// Compares two atoms of one type by q's order.
fn cmp_same_atoms(a: &Value, b: &Value) -> Ordering {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match (a, b) {
                $((Value::$atom(x), Value::$atom(y)) => x.sort_key().cmp(&y.sort_key()),)*
                _ => Ordering::Equal,
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// q's order over any two values (see the module comment).
pub(crate) fn cmp_values(a: &Value, b: &Value) -> Ordering {
    let (ta, tb) = (a.type_number(), b.type_number());
    match (a.is_atom(), b.is_atom()) {
        (true, true) if ta == tb => cmp_same_atoms(a, b),
        (true, true) => ta.unsigned_abs().cmp(&tb.unsigned_abs()),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) if is_list(a) && is_list(b) => cmp_lists(a, b),
        (false, false) => ta.cmp(&tb),
    }
}

/// Lists compare item by item, a prefix first.
fn cmp_lists(a: &Value, b: &Value) -> Ordering {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match (a, b) {
                $((Value::$vector(x), Value::$vector(y)) => {
                    return x.iter().map(|e| e.sort_key()).cmp(y.iter().map(|e| e.sort_key()));
                })*
                _ => {}
            }
        };
    }
    crate::for_each_simple_type!(typed);
    let (n, m) = (count(a), count(b));
    for i in 0..n.min(m) {
        let o = cmp_values(&item(a, i), &item(b, i));
        if o != Ordering::Equal {
            return o;
        }
    }
    n.cmp(&m)
}

/// The stable grade of a list, dictionary (by value), table or keyed table (by rows).
pub(crate) fn grade(x: &Value, descending: bool) -> QResult<Vec<usize>> {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(v) => Ok(<$item as Sortable>::grade(v.as_slice(), descending)),)*
                Value::List(v) => {
                    let mut idx: Vec<usize> = (0..v.len()).collect();
                    if descending {
                        idx.sort_by(|&i, &j| cmp_values(&v[j], &v[i]));
                    } else {
                        idx.sort_by(|&i, &j| cmp_values(&v[i], &v[j]));
                    }
                    Ok(idx)
                }
                Value::Dict(d) => grade(&d.values, descending),
                Value::Table(t) => grade_rows(t, descending),
                Value::KeyedTable(k) => grade_rows(&k.value, descending),
                x if x.is_atom() => Err(QError::rank()),
                _ => Err(QError::type_()),
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// Grades rows by every column, first column first: stable grades from the last column
/// to the first, each of the column in the order so far.
fn grade_rows(t: &Table, descending: bool) -> QResult<Vec<usize>> {
    let mut idx: Vec<usize> = (0..t.row_count()).collect();
    for column in t.columns().iter().rev() {
        let ordered = gather(column, &idx)?;
        let g = grade(&ordered, descending)?;
        idx = g.into_iter().map(|k| idx[k]).collect();
    }
    Ok(idx)
}

/// A grade as q's long vector.
fn longs(idx: Vec<usize>) -> Value {
    Value::LongVector(idx.into_iter().map(|i| i as i64).collect())
}

/// `iasc x`: the indexes that sort `x` ascending (stable); a dictionary's keys so.
pub fn iasc(x: Value) -> QResult {
    igrade(x, false)
}

/// `idesc x`: the indexes that sort `x` descending (stable).
pub fn idesc(x: Value) -> QResult {
    igrade(x, true)
}

fn igrade(x: Value, descending: bool) -> QResult {
    let g = grade(&x, descending)?;
    match &x {
        Value::Dict(d) => gather(&d.keys, &g),
        Value::KeyedTable(k) => gather(&Value::table(k.key.clone()), &g),
        _ => Ok(longs(g)),
    }
}

/// `rank x`: the position each item takes in the sorted list (`iasc iasc x`).
pub fn rank(x: Value) -> QResult {
    let g = grade(&x, false)?;
    let mut r = vec![0i64; g.len()];
    for (pos, &i) in g.iter().enumerate() {
        r[i] = pos as i64;
    }
    Ok(Value::LongVector(Vector::from(r)))
}

/// A typed vector's items sorted in place (copied first only if shared); descending by
/// reversing, as equal typed items cannot be told apart.
fn sort_typed<T: Sortable>(mut v: Vector<T>, descending: bool, attribute: Attribute) -> Vector<T> {
    let items = v.make_mut();
    T::sort(items);
    if descending {
        items.reverse();
    }
    v.set_attribute(attribute);
    v
}

/// `asc x`: sorted ascending, with the sorted attribute; a dictionary by value, a table
/// by rows (its first column then sorted, or parted when there are more).
pub fn asc(x: Value) -> QResult {
    sort(x, false)
}

/// `desc x`: sorted descending (stable among equals, no attribute).
pub fn desc(x: Value) -> QResult {
    sort(x, true)
}

fn sort(x: Value, descending: bool) -> QResult {
    let attribute = if descending {
        Attribute::None
    } else {
        Attribute::Sorted
    };
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(v) => return Ok(Value::$vector(sort_typed(v, descending, attribute))),)*
                x => x,
            }
        };
    }
    let x = crate::for_each_simple_type!(typed);
    let g = grade(&x, descending)?;
    let sorted = gather(&x, &g)?;
    Ok(match sorted {
        Value::Table(t) if !descending => Value::Table(Arc::new(mark_first_column(&t)?)),
        other if !descending => with_attribute(other, Attribute::Sorted),
        other => other,
    })
}

/// A list with an attribute set (anything else unchanged).
fn with_attribute(x: Value, attribute: Attribute) -> Value {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(mut v) => {
                    v.set_attribute(attribute);
                    Value::$vector(v)
                })*
                Value::List(mut v) => {
                    v.set_attribute(attribute);
                    Value::List(v)
                }
                other => other,
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// A table sorted by rows: its first column is sorted if it is the only one, otherwise
/// parted.
fn mark_first_column(t: &Table) -> QResult<Table> {
    let mut columns = t.columns().to_vec();
    let attribute = if columns.len() == 1 {
        Attribute::Sorted
    } else {
        Attribute::Parted
    };
    if let Some(first) = columns.first_mut() {
        *first = with_attribute(first.clone(), attribute);
    }
    Table::new(t.names().clone(), columns).map_err(value_error)
}

/// A number as q compares across numeric types.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Num {
    I(i64),
    F(f64),
}

impl Num {
    /// As a float; an integer null is a float null.
    pub(crate) fn float(self) -> f64 {
        match self {
            Num::I(i64::MIN) => f64::NAN,
            Num::I(n) => n as f64,
            Num::F(f) => f,
        }
    }
}

/// A numeric atom (boolean, byte, short, int, long, real, float) as a number; integer
/// nulls as the long null.
pub(crate) fn num_of(x: &Value) -> Option<Num> {
    Some(match x {
        Value::Real(f) => Num::F(f64::from(*f)),
        Value::Float(f) => Num::F(*f),
        x => Num::I(super::list_index::long_of(x)?),
    })
}

/// Compares two atoms as q's `<` and `>` do: one type by its order, numbers across types
/// by value (nulls lowest); other mixes are `'type`.
fn cmp_atoms(a: &Value, b: &Value) -> QResult<Ordering> {
    if a.type_number() == b.type_number() {
        return Ok(cmp_same_atoms(a, b));
    }
    match (num_of(a), num_of(b)) {
        (Some(Num::I(p)), Some(Num::I(q))) => Ok(p.cmp(&q)),
        (Some(p), Some(q)) => Ok(float_key(p.float()).cmp(&float_key(q.float()))),
        _ => Err(QError::type_()),
    }
}

/// `x within (lo;hi)`: whether `lo <= x <= hi`, atom by atom (atomic in all three).
pub fn within(x: Value, y: Value) -> QResult {
    if y.is_atom() || !is_list(&y) {
        return Err(QError::type_());
    }
    if count(&y) != 2 {
        return Err(QError::length());
    }
    within3(&x, &item(&y, 0), &item(&y, 1))
}

fn within3(x: &Value, lo: &Value, hi: &Value) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match (x, lo, hi) {
                $((Value::$vector(v), Value::$atom(l), Value::$atom(h)) => {
                    let (l, h) = (l.sort_key(), h.sort_key());
                    return Ok(Value::BoolVector(
                        v.iter().map(|e| { let k = e.sort_key(); l <= k && k <= h }).collect(),
                    ));
                })*
                _ => {}
            }
        };
    }
    crate::for_each_simple_type!(typed);
    if x.is_atom() && lo.is_atom() && hi.is_atom() {
        let inside =
            cmp_atoms(lo, x)? != Ordering::Greater && cmp_atoms(x, hi)? != Ordering::Greater;
        return Ok(Value::Bool(inside));
    }
    let mut n = None;
    for part in [x, lo, hi] {
        if !part.is_atom() {
            if !is_list(part) {
                return Err(QError::type_());
            }
            match n {
                Some(n) if n != count(part) => return Err(QError::length()),
                _ => n = Some(count(part)),
            }
        }
    }
    let at = |v: &Value, i: usize| if v.is_atom() { v.clone() } else { item(v, i) };
    let out = (0..n.unwrap_or(0))
        .map(|i| within3(&at(x, i), &at(lo, i), &at(hi, i)))
        .collect::<QResult<Vec<_>>>()?;
    Ok(match out.is_empty() {
        true => Value::BoolVector(Vector::default()),
        false => from_items(out),
    })
}

/// `x bin y`: for a sorted `x`, the index of the last item `<=` y (-1 when none); each
/// item of a list `y`.
pub fn bin(x: Value, y: Value) -> QResult {
    search(x, y, false)
}

/// `x binr y`: the index of the first item `>=` y (`count x` when none).
pub fn binr(x: Value, y: Value) -> QResult {
    search(x, y, true)
}

/// Binary search of one key in sorted keys.
#[inline]
fn locate<S: Ord>(keys: impl Fn(usize) -> S, n: usize, y: &S, right: bool) -> i64 {
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let k = keys(mid);
        let go_right = if right { k < *y } else { k <= *y };
        if go_right {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if right {
        lo as i64
    } else {
        lo as i64 - 1
    }
}

fn search(x: Value, y: Value, right: bool) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match (&x, &y) {
                $(
                    (Value::$vector(v), Value::$atom(e)) => {
                        let s = v.as_slice();
                        return Ok(Value::Long(locate(|i| s[i].sort_key(), s.len(), &e.sort_key(), right)));
                    }
                    (Value::$vector(v), Value::$vector(w)) => {
                        let s = v.as_slice();
                        return Ok(Value::LongVector(
                            w.iter().map(|e| locate(|i| s[i].sort_key(), s.len(), &e.sort_key(), right)).collect(),
                        ));
                    }
                )*
                _ => {}
            }
        };
    }
    crate::for_each_simple_type!(typed);
    match &x {
        Value::Dict(d) => {
            let p = search(d.values.clone(), y, right)?;
            super::list_index::index(d.keys.clone(), p)
        }
        Value::List(items) => {
            // Rank-sensitive as Find: look for objects as deep as x's items.
            let target = super::list_search::depth(&x).saturating_sub(1);
            search_general(items, target, &y, right)
        }
        x if is_list(x) => match &y {
            Value::List(items) => {
                let out = items
                    .iter()
                    .map(|e| search(x.clone(), e.clone(), right))
                    .collect::<QResult<Vec<_>>>()?;
                Ok(from_items(out))
            }
            _ => Err(QError::type_()),
        },
        _ => Err(QError::type_()),
    }
}

fn search_general(items: &[Value], target: usize, y: &Value, right: bool) -> QResult {
    if super::list_search::depth(y) <= target {
        let n = items.len();
        let (mut lo, mut hi) = (0usize, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let o = cmp_values(&items[mid], y);
            let go_right = if right {
                o == Ordering::Less
            } else {
                o != Ordering::Greater
            };
            if go_right {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return Ok(Value::Long(if right { lo as i64 } else { lo as i64 - 1 }));
    }
    let out = to_items(y)
        .iter()
        .map(|e| search_general(items, target, e, right))
        .collect::<QResult<Vec<_>>>()?;
    Ok(match y {
        Value::List(_) => from_items(out),
        _ => Value::LongVector(
            out.iter()
                .map(|v| if let Value::Long(p) = v { *p } else { -1 })
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verbs::list::list_testkit::{check, fails, q};

    #[test]
    fn asc_sorts_and_marks_sorted() {
        check("asc 2 1 3 4 2 1 2", "1 1 2 2 2 3 4");
        assert_eq!(q("asc 2 1 3").attribute(), Attribute::Sorted);
        assert_eq!(q("desc 2 1 3").attribute(), Attribute::None);
        check("asc `b`a`c`a", "`a`a`b`c");
        check("asc `abc`ab`b`", "``ab`abc`b");
        check("asc \"hello\"", "\"ehllo\"");
        check("asc 3 0n 1 -0w 2", "0n -0w 1 2 3");
        check("asc 3 0N 1 -0W", "0N -0W 1 3");
        check("asc 101b", "011b");
        check("asc 2000.01.02 2000.01.01", "2000.01.01 2000.01.02");
        check("asc 0x0300ff", "0x0003ff");
        check("asc `long$()", "`long$()");
        fails("asc 7", "rank");
    }

    #[test]
    fn mixed_lists_sort_within_type() {
        check(
            "asc (1;1b;\"b\";2000.01.01;\"a\";0)",
            "(1b;0;1;\"a\";\"b\";2000.01.01)",
        );
        check("asc(2f;3;4i;5h)", "(5h;4i;3;2f)");
        check(
            "desc (1;1b;\"b\";2009.01.01;\"a\";0)",
            "(2009.01.01;\"b\";\"a\";1;0;1b)",
        );
        check(
            "asc (\"abc\";\"ab\";(),\"b\";\"\")",
            "(\"\";\"ab\";\"abc\";(),\"b\")",
        );
        check("asc (3 1;1 2 3;1 2)", "(1 2;1 2 3;3 1)");
    }

    #[test]
    fn desc_and_grades_are_stable() {
        check("desc 2 1 3 4 2 1 2", "4 3 2 2 2 1 1");
        check("idesc 2 1 3 4 2 1 2", "3 2 0 4 6 1 5");
        check("iasc 2 1 3 4 2 1 2", "1 5 0 4 6 2 3");
        check("L:2 1 3 4 2 1 2; L iasc L", "1 1 2 2 2 3 4");
        check("iasc `a`c`b!1 2 3", "`a`c`b");
        check("idesc `a`c`b!1 2 3", "`b`c`a");
        check("iasc `b`a`c`a", "1 3 0 2");
        check("idesc `b`a`c`a", "2 0 1 3");
        check("iasc \"hello\"", "1 0 2 3 4");
        check("idesc \"hello\"", "4 2 3 0 1");
        check("iasc 1.5 -0.5 0n 1.5", "2 1 0 3");
        check("iasc 010b", "0 2 1");
        check("idesc 010b", "1 0 2");
        check("<:3 1 2", "1 2 0");
        check(">:3 1 2", "0 2 1");
        fails("iasc 7", "rank");
    }

    #[test]
    fn rank_is_the_grade_of_the_grade() {
        check("rank 2 7 3 2 5", "0 4 2 1 3");
        check("iasc iasc 2 7 3 2 5", "0 4 2 1 3");
        check("iasc idesc 2 7 3 2 5", "3 0 2 4 1");
        check("rank `c`a`b", "2 0 1");
    }

    #[test]
    fn dictionaries_and_tables_sort() {
        check("asc `a`b`c!2 1 3", "`b`a`c!1 2 3");
        check("desc `a`b`c!2 1 3", "`c`a`b!3 2 1");
        check("asc flip `a`b!(3 4 1;`a`d`s)", "flip `a`b!(1 3 4;`s`a`d)");
        check("desc flip `a`b!(4 4 1;`a`d`s)", "flip `a`b!(4 4 1;`d`a`s)");
        let t = q("asc flip `a`b!(3 4 1;`a`d`s)");
        let Value::Table(t) = t else { panic!() };
        assert_eq!(t.columns()[0].attribute(), Attribute::Parted);
        let t = q("asc flip enlist[`a]!enlist 3 4 1");
        let Value::Table(t) = t else { panic!() };
        assert_eq!(t.columns()[0].attribute(), Attribute::Sorted);
        check("iasc flip `a`b!(1 1 0;`b`a`c)", "2 1 0");
    }

    #[test]
    fn binary_search() {
        check("0 2 4 6 8 10 bin 5", "2");
        check("0 2 4 6 8 10 bin -10 0 4 5 6 20", "-1 0 2 2 3 5");
        check("0 1 1 2 bin 0 1 2", "0 2 3");
        check("0 1 1 2 binr 0 1 2", "0 1 3");
        check("1 2 3 3 4 bin 2 3", "1 3");
        check("(`a`b`c!0 2 4) bin -1 3", "``b");
        check(
            "(\"apple\";\"banana\";\"coffee\") bin (\"anise\";\"berry\";\"curry\")",
            "-1 1 2",
        );
        check("`a`c`e bin `d", "1");
        check("1.0 2.0 bin 1.5", "0");
        check("0 2 4 binr 5", "3");
        fails("0 2 4 bin 1.5", "type");
    }

    #[test]
    fn within_ranges() {
        check("1 3 10 6 4 within 2 6", "01011b");
        check("\"acyxmpu\" within \"br\"", "0100110b");
        check("5 within (1 2 6;3 5 7)", "010b");
        check("2 5 6 within (1 2 6;3 5 7)", "111b");
        check(
            "(1 3 10 6 4;\"acyxmpu\") within ((2;\"b\");(6;\"r\"))",
            "(01011b;0100110b)",
        );
        check("1.5 within 1 2", "1b");
        check("`ccc within `c`d", "1b");
        check("`dd`ccc within `c`d", "01b");
        check("0N within 1 2", "0b");
        fails("1 2 within 1 2 3", "length");
        fails("`a within 1 2", "type");
    }

    #[test]
    fn float_keys_keep_order() {
        let xs = [
            f64::NEG_INFINITY,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            3.0,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(float_key(w[0]) <= float_key(w[1]), "{w:?}");
        }
        assert!(float_key(f64::NAN) < float_key(f64::NEG_INFINITY));
        assert_eq!(float_key(-0.0), float_key(0.0));
    }
}
