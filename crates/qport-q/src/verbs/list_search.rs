//! Search and set primitives: Find (`?`), `distinct`, `group`, `in`, `except`, `inter`,
//! `union`, `differ`.
//!
//! All compare exactly (see `list_match`). Typed vectors are hashed by their items'
//! machine words; general lists by whole values. Find is rank-sensitive, as kdb+'s is:
//! in a list whose items have rank r it looks for objects of rank r, mapping over the
//! items of anything deeper.

use rustc_hash::FxHashMap;

use qport_value::{Table, Value, Vector};

use super::list_index::{gather, make_dict, make_table};
use super::list_match::{same, ByValue, Key};
use super::list_order::{num_of, Num};
use crate::error::{QError, QResult};
use crate::items::{count, from_items, is_list, item, to_items};

/// Below this many comparisons a linear scan beats building a hash map.
const LINEAR_LIMIT: u64 = 512;

/// The nesting depth Find reads: 0 for an atom (or a dictionary, table, function), 1 for
/// a vector, and for a general list 1 more than its first item's.
pub(crate) fn depth(x: &Value) -> usize {
    match x {
        Value::List(v) => 1 + v.first().map_or(0, depth),
        x if is_list(x) => 1,
        _ => 0,
    }
}

/// `x?y`: the index of the first occurrence of `y` in `x` (`count x` when absent); for a
/// list `y`, of each item (see the module comment). A dictionary gives the key of the
/// first value found, a table the index of a record (dictionary or list) or of each row of
/// a table. With an integer atom on the left, `?` is Roll/Deal (see `list_random`).
pub fn find(x: Value, y: Value) -> QResult {
    match &x {
        Value::Dict(d) => {
            let positions = find(d.values.clone(), y)?;
            super::list_index::index(d.keys.clone(), positions)
        }
        Value::Table(t) => find_rows(t, &y),
        Value::KeyedTable(k) => {
            let positions = find_rows(&k.value, &y)?;
            super::list_index::index(Value::table(k.key.clone()), positions)
        }
        Value::List(items) => {
            let target = depth(&x).saturating_sub(1);
            let mut index = GeneralIndex::new(items);
            index.find(target, &y)
        }
        x if is_list(x) => find_typed(x, &y),
        // An integer on the left: Roll, Deal, Permute.
        x if super::list_index::long_of(x).is_some() => super::list_random::roll(x, y),
        _ => Err(QError::type_()),
    }
}

/// Whether `x` is an integer atom or vector (short, int or long).
fn is_integer(x: &Value) -> bool {
    matches!(x.type_number().abs(), 5..=7)
}

/// First positions of a typed vector's items, for many lookups.
fn first_positions<T: Key>(s: &[T]) -> FxHashMap<T::K, usize> {
    let mut map = FxHashMap::with_capacity_and_hasher(s.len().min(1 << 16), Default::default());
    for (i, e) in s.iter().enumerate() {
        map.entry(e.key()).or_insert(i);
    }
    map
}

/// Positions in `x` of each item of `y`, `x.len()` for one not there.
fn positions_typed<T: Key>(x: &[T], y: &[T]) -> Vec<i64> {
    let n = x.len();
    if (n as u64) * (y.len() as u64) <= LINEAR_LIMIT || y.len() == 1 {
        return y
            .iter()
            .map(|e| {
                let k = e.key();
                x.iter().position(|a| a.key() == k).unwrap_or(n) as i64
            })
            .collect();
    }
    let map = first_positions(x);
    y.iter()
        .map(|e| *map.get(&e.key()).unwrap_or(&n) as i64)
        .collect()
}

/// Find in a typed vector: an atom of its type, a vector of its type (each item), or a
/// general list (each item; an atom there is not found, as in kdb+).
fn find_typed(x: &Value, y: &Value) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match (x, y) {
                $(
                    (Value::$vector(v), Value::$atom(e)) => {
                        let k = e.key();
                        let p = v.iter().position(|a| a.key() == k).unwrap_or(v.len());
                        Ok(Value::Long(p as i64))
                    }
                    (Value::$vector(v), Value::$vector(w)) => {
                        Ok(Value::LongVector(Vector::from(positions_typed(v, w))))
                    }
                )*
                // Numbers of another numeric type are looked for as the list's type:
                    // `1 1 2i?2` is 2.
                // An integer atom of another integer type is looked for by value:
                // `(sums flags)?2` (sums of booleans are ints) finds the 2.
                (_, y) if is_integer(x) && y.is_atom() && is_integer(y) => {
                    let value = match y {
                        Value::Long(v) => Some(*v),
                        Value::Int(v) => Some(i64::from(*v)),
                        Value::Short(v) => Some(i64::from(*v)),
                        Value::Byte(v) => Some(i64::from(*v)),
                        Value::Bool(v) => Some(i64::from(*v)),
                        _ => None,
                    };
                    let n = count(x);
                    let at = (0..n)
                        .find(|&k| super::list_index::long_of(&crate::items::item(x, k)) == value)
                        .unwrap_or(n);
                    Ok(Value::Long(at as i64))
                }
                (_, Value::List(items)) => {
                    let out = items
                        .iter()
                        .map(|e| if e.is_atom() { Ok(Value::Long(count(x) as i64)) } else { find_typed(x, e) })
                        .collect::<QResult<Vec<_>>>()?;
                    Ok(from_items(out))
                }
                _ => Err(QError::type_()),
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// A general list searched by whole values: linearly when small, else through a hash
/// map of first positions built on the first lookup.
#[allow(clippy::mutable_key_type)]
struct GeneralIndex<'a> {
    items: &'a [Value],
    map: Option<FxHashMap<ByValue<'a>, usize>>,
}

impl<'a> GeneralIndex<'a> {
    fn new(items: &'a [Value]) -> GeneralIndex<'a> {
        GeneralIndex { items, map: None }
    }

    // Values hash by their items; the interior mutability clippy sees is reference
    // counts, which hashing never reads.
    #[allow(clippy::mutable_key_type)]
    fn position(&mut self, y: &Value) -> usize {
        let n = self.items.len();
        if n <= 16 {
            return self.items.iter().position(|e| same(e, y)).unwrap_or(n);
        }
        let items = self.items;
        let map = self.map.get_or_insert_with(|| {
            let mut map = FxHashMap::with_capacity_and_hasher(n, Default::default());
            for (i, e) in items.iter().enumerate() {
                map.entry(ByValue(e)).or_insert(i);
            }
            map
        });
        *map.get(&ByValue(y)).unwrap_or(&n)
    }

    /// Find of `y`, looking for objects of depth `target`.
    fn find(&mut self, target: usize, y: &Value) -> QResult {
        let d = depth(y);
        if d == target {
            return Ok(Value::Long(self.position(y) as i64));
        }
        if d < target {
            return Ok(Value::Long(self.items.len() as i64));
        }
        let out = to_items(y)
            .iter()
            .map(|e| self.find(target, e))
            .collect::<QResult<Vec<_>>>()?;
        Ok(match y {
            // A vector's items are atoms: the positions are a long vector even when empty.
            Value::List(_) => from_items(out),
            _ => Value::LongVector(
                out.iter()
                    .map(|v| match v {
                        Value::Long(p) => *p,
                        _ => self.items.len() as i64,
                    })
                    .collect(),
            ),
        })
    }
}

/// Group ids of a list's items (or a table's rows): equal items share an id, ids numbered
/// by first occurrence; and the position of each id's first occurrence.
pub(crate) struct Ids {
    pub ids: Vec<u32>,
    pub firsts: Vec<usize>,
}

fn ids_typed<T: Key>(s: &[T]) -> Ids {
    let mut map: FxHashMap<T::K, u32> =
        FxHashMap::with_capacity_and_hasher(s.len().min(1 << 16), Default::default());
    let mut ids = Vec::with_capacity(s.len());
    let mut firsts = Vec::new();
    for (i, e) in s.iter().enumerate() {
        let next = firsts.len() as u32;
        let id = *map.entry(e.key()).or_insert(next);
        if id == next {
            firsts.push(i);
        }
        ids.push(id);
    }
    Ids { ids, firsts }
}

/// [`Ids`] of a list, or of a table's rows (each column's ids combined in turn).
// Values hash by their items, never by the reference counts clippy sees as mutable.
#[allow(clippy::mutable_key_type)]
pub(crate) fn ids_of(x: &Value) -> QResult<Ids> {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match x {
                $(Value::$vector(v) => Ok(ids_typed(v.as_slice())),)*
                Value::List(v) => {
                    let mut map: FxHashMap<ByValue<'_>, u32> =
                        FxHashMap::with_capacity_and_hasher(v.len(), Default::default());
                    let mut ids = Vec::with_capacity(v.len());
                    let mut firsts = Vec::new();
                    for (i, e) in v.iter().enumerate() {
                        let next = firsts.len() as u32;
                        let id = *map.entry(ByValue(e)).or_insert(next);
                        if id == next {
                            firsts.push(i);
                        }
                        ids.push(id);
                    }
                    Ok(Ids { ids, firsts })
                }
                Value::Table(t) => row_ids(t),
                Value::KeyedTable(k) => row_ids(&k.key),
                Value::Dict(d) => ids_of(&d.values),
                _ => Err(QError::type_()),
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// Ids of a table's rows.
fn row_ids(t: &Table) -> QResult<Ids> {
    let n = t.row_count();
    let mut combined: Vec<u32> = vec![0; n];
    for column in t.columns() {
        let c = ids_of(column)?;
        let pairs: Vec<u64> = combined
            .iter()
            .zip(&c.ids)
            .map(|(&a, &b)| (u64::from(a) << 32) | u64::from(b))
            .collect();
        combined = ids_typed(&pairs).ids;
    }
    let mut firsts = Vec::new();
    let mut seen = vec![false; n];
    for (i, &id) in combined.iter().enumerate() {
        if !seen[id as usize] {
            seen[id as usize] = true;
            firsts.push(i);
        }
    }
    Ok(Ids {
        ids: combined,
        firsts,
    })
}

/// Find of records in a table: a dictionary or a list of column values gives one index,
/// a table an index per row.
fn find_rows(t: &Table, y: &Value) -> QResult {
    let n = t.row_count();
    let record: Vec<Value> = match y {
        Value::Table(r) => return find_table_rows(t, r),
        Value::Dict(d) => {
            let keys = to_items(&d.keys);
            t.names()
                .iter()
                .map(|name| {
                    let k = Value::Symbol(*name);
                    keys.iter()
                        .position(|e| same(e, &k))
                        .map(|p| item(&d.values, p))
                        .ok_or_else(QError::length)
                })
                .collect::<QResult<_>>()?
        }
        y if is_list(y) => to_items(y),
        _ => return Err(QError::type_()),
    };
    if record.len() != t.columns().len() {
        return Err(QError::length());
    }
    let p = (0..n)
        .find(|&i| {
            t.columns()
                .iter()
                .zip(&record)
                .all(|(c, v)| same(&item(c, i), v))
        })
        .unwrap_or(n);
    Ok(Value::Long(p as i64))
}

/// The position in `t` of each row of `r` (columns matched by name).
fn find_table_rows(t: &Table, r: &Table) -> QResult {
    let n = t.row_count();
    let mut columns = Vec::with_capacity(t.columns().len());
    for (name, c) in t.names().iter().zip(t.columns()) {
        let other = r.column(*name).ok_or_else(QError::length)?;
        columns.push(super::list_join::join(c.clone(), other.clone())?);
    }
    let both = make_table(t.names().clone(), columns)?;
    let Value::Table(both) = both else {
        return Err(QError::type_());
    };
    let ids = row_ids(&both)?;
    let mut first = vec![n; ids.firsts.len()];
    for (i, &id) in ids.ids[..n].iter().enumerate() {
        if first[id as usize] == n {
            first[id as usize] = i;
        }
    }
    Ok(Value::LongVector(
        ids.ids[n..]
            .iter()
            .map(|&id| first[id as usize] as i64)
            .collect(),
    ))
}

/// Positions of keys in a keyed table's key: a record (dictionary, or one value per key
/// column) gives one, a table or a list of keys gives one per key.
pub(crate) fn find_key(key: &Table, i: &Value) -> QResult {
    if matches!(i, Value::Dict(_) | Value::Table(_)) {
        return find_rows(key, i);
    }
    if let [column] = key.columns() {
        return find(column.clone(), i.clone());
    }
    let items = to_items(i);
    if items.iter().all(Value::is_atom) {
        return find_rows(key, i);
    }
    // One list of values per key column: the keys are its rows.
    let keys = make_table(key.names().clone(), items)?;
    find(Value::table(key.clone()), keys)
}

/// `x in y`: whether `x` is an item of `y` (for a vector `y`, each atom of `x`).
pub fn in_(x: Value, y: Value) -> QResult {
    match &y {
        Value::Dict(d) => return in_(x, d.values.clone()),
        Value::Table(t) => {
            let n = t.row_count() as i64;
            return Ok(below(&find_rows(t, &x)?, n));
        }
        _ => {}
    }
    // An atom or one-item y also compares across numeric types, as kdb+'s fast path does.
    if y.is_atom() || (is_list(&y) && !matches!(y, Value::List(_)) && count(&y) == 1) {
        let single = item(&y, 0);
        return in_atom(&x, &single);
    }
    let n = count(&y) as i64;
    Ok(below(&find(y, x)?, n))
}

/// Each atom of `x` compared with the atom `y`.
fn in_atom(x: &Value, y: &Value) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match (x, y) {
                $((Value::$vector(v), Value::$atom(e)) => {
                    let k = e.key();
                    return Ok(Value::BoolVector(v.iter().map(|a| a.key() == k).collect()));
                })*
                _ => {}
            }
        };
    }
    crate::for_each_simple_type!(typed);
    if x.is_atom() {
        return Ok(Value::Bool(atoms_equal(x, y)));
    }
    match x {
        Value::List(items) => {
            let out = items
                .iter()
                .map(|e| in_atom(e, y))
                .collect::<QResult<Vec<_>>>()?;
            Ok(from_items(out))
        }
        x if is_list(x) => Ok(Value::BoolVector(
            to_items(x).iter().map(|e| atoms_equal(e, y)).collect(),
        )),
        _ => Err(QError::type_()),
    }
}

/// Two atoms equal: exactly for one type, by value across numeric types; atoms of
/// unrelated types are not equal.
fn atoms_equal(a: &Value, b: &Value) -> bool {
    if a.type_number() == b.type_number() {
        return same(a, b);
    }
    match (num_of(a), num_of(b)) {
        (Some(Num::I(p)), Some(Num::I(q))) => p == q,
        (Some(p), Some(q)) => {
            let (p, q) = (p.float(), q.float());
            p == q || (p.is_nan() && q.is_nan())
        }
        _ => false,
    }
}

/// Positions from Find turned into flags: found (below `n`) or not, in the same shape.
fn below(positions: &Value, n: i64) -> Value {
    match positions {
        Value::Long(p) => Value::Bool(*p < n),
        Value::LongVector(v) => Value::BoolVector(v.iter().map(|&p| p < n).collect()),
        Value::List(items) => from_items(items.iter().map(|e| below(e, n)).collect()),
        other => other.clone(),
    }
}

/// `distinct x`: the unique items of a list (rows of a table), in order of first
/// occurrence.
pub fn distinct(x: Value) -> QResult {
    match &x {
        Value::Dict(d) => distinct(d.values.clone()),
        x if x.is_atom() => Err(QError::type_()),
        x => {
            let ids = ids_of(x)?;
            gather(x, &ids.firsts)
        }
    }
}

/// `group x`: a dictionary from each distinct item to the indexes where it occurs; for a
/// dictionary, from each distinct value to its keys.
pub fn group(x: Value) -> QResult {
    if let Value::Dict(d) = &x {
        let g = group(d.values.clone())?;
        let Value::Dict(g) = g else {
            return Err(QError::type_());
        };
        let keys = to_items(&g.values)
            .into_iter()
            .map(|idx| super::list_index::index(d.keys.clone(), idx))
            .collect::<QResult<Vec<_>>>()?;
        return make_dict(g.keys.clone(), Value::List(Vector::from(keys)));
    }
    if x.is_atom() || matches!(x, Value::KeyedTable(_) | Value::Function(_)) {
        return Err(QError::type_());
    }
    let ids = ids_of(&x)?;
    let mut buckets: Vec<Vec<i64>> = vec![Vec::new(); ids.firsts.len()];
    for (i, &id) in ids.ids.iter().enumerate() {
        buckets[id as usize].push(i as i64);
    }
    let values: Vec<Value> = buckets
        .into_iter()
        .map(|b| Value::LongVector(Vector::from(b)))
        .collect();
    make_dict(gather(&x, &ids.firsts)?, Value::List(Vector::from(values)))
}

/// Positions of `x`'s items kept where `keep` is true of "is in y".
fn select_by_membership(x: Value, y: Value, keep: bool) -> QResult {
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            match (&x, &y) {
                $((Value::$vector(v), Value::$vector(w)) => {
                    let set: rustc_hash::FxHashSet<_> = w.iter().map(|e| e.key()).collect();
                    let out: Vec<$item> = v.iter().copied().filter(|e| set.contains(&e.key()) == keep).collect();
                    return Ok(Value::$vector(Vector::from(out)));
                })*
                _ => {}
            }
        };
    }
    crate::for_each_simple_type!(typed);
    if let (Value::Dict(a), Value::Dict(b)) = (&x, &y) {
        return select_by_membership(a.values.clone(), b.values.clone(), keep);
    }
    let x = if x.is_atom() {
        crate::items::enlist(x)
    } else {
        x
    };
    let flags = in_(x.clone(), y)?;
    let idx: Vec<usize> = match &flags {
        Value::BoolVector(f) => f
            .iter()
            .enumerate()
            .filter_map(|(i, &b)| (b == keep).then_some(i))
            .collect(),
        // x matched as a whole: kdb+'s `x@where b` takes its first item, or nothing.
        Value::Bool(b) if *b == keep => vec![0],
        Value::Bool(_) => Vec::new(),
        _ => return Err(QError::type_()),
    };
    gather(&x, &idx)
}

/// `x except y`: the items of `x` that are not items of `y`.
pub fn except(x: Value, y: Value) -> QResult {
    select_by_membership(x, y, false)
}

/// `x inter y`: the items of `x` that are also items of `y`.
pub fn inter(x: Value, y: Value) -> QResult {
    select_by_membership(x, y, true)
}

/// `x union y`: the distinct items of `x,y`.
pub fn union(x: Value, y: Value) -> QResult {
    distinct(super::list_join::join(x, y)?)
}

/// `differ x`: whether each item differs from the one before (the first always does).
pub fn differ(x: Value) -> QResult {
    fn flags<T: Key>(s: &[T]) -> Value {
        let mut out = Vec::with_capacity(s.len());
        if let Some(first) = s.first() {
            out.push(true);
            let mut prev = first.key();
            for e in &s[1..] {
                let k = e.key();
                out.push(k != prev);
                prev = k;
            }
        }
        Value::BoolVector(Vector::from(out))
    }
    fn float_flags(s: impl ExactSizeIterator<Item = f64>) -> Value {
        let mut out = Vec::with_capacity(s.len());
        let mut prev = None;
        for e in s {
            out.push(prev.is_none_or(|p| !tolerant_eq(p, e)));
            prev = Some(e);
        }
        Value::BoolVector(Vector::from(out))
    }
    macro_rules! typed {
        ($(($atom:ident, $vector:ident, $item:ty)),*) => {
            // Floats compare as Match does, within comparison tolerance; their arms
            // shadow the generic ones.
            #[allow(unreachable_patterns)]
            match &x {
                Value::FloatVector(v) | Value::DatetimeVector(v) => Ok(float_flags(v.iter().copied())),
                Value::RealVector(v) => Ok(float_flags(v.iter().map(|&e| f64::from(e)))),
                $(Value::$vector(v) => Ok(flags(v.as_slice())),)*
                Value::List(v) => {
                    let mut out = Vec::with_capacity(v.len());
                    for (i, e) in v.iter().enumerate() {
                        out.push(i == 0 || !same(e, &v[i - 1]));
                    }
                    Ok(Value::BoolVector(Vector::from(out)))
                }
                Value::Table(_) | Value::KeyedTable(_) => Ok(flags(&ids_of(&x)?.ids)),
                Value::Dict(d) => differ(d.values.clone()),
                _ => Ok(Value::Bool(true)),
            }
        };
    }
    crate::for_each_simple_type!(typed)
}

/// q's tolerant float equality (Match, `=`): equal within a relative 2^-43; nulls equal
/// each other only.
fn tolerant_eq(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a == b {
        return true;
    }
    if a.is_infinite() || b.is_infinite() {
        return false;
    }
    const TOLERANCE: f64 = 1.0 / (1u64 << 43) as f64;
    (a - b).abs() <= TOLERANCE * a.abs().max(b.abs())
}

#[cfg(test)]
mod tests {
    use crate::verbs::list::list_testkit::{check, fails};

    #[test]
    fn find_in_vectors() {
        check("w:10 -8 3 5 -1 2 3; w?-8", "1");
        check("w:10 -8 3 5 -1 2 3; w?3", "2");
        check("w:10 -8 3 5 -1 2 3; w?17", "7");
        check("\"abcde\"?\"d\"", "3");
        check("\"abcde\"?\"dez\"", "3 4 5");
        check("1 2 3 3 4?2 3", "1 2");
        check("`a`b`c?`c`a`z", "2 0 3");
        check("1.5 0n 2.5?0n", "1");
        check("(til 100)?99 5 100", "99 5 100");
        check(
            "b:\"apple: banana: cherry\"; (b?\":\") _ b",
            "\": banana: cherry\"",
        );
        fails("1 2 3?1.0", "type");
        fails("1 2 3?`a", "type");
        fails("1 2 3?1 2i", "type");
    }

    #[test]
    fn find_is_rank_sensitive() {
        check(
            "w:10 -8 3 5 -1 2 3; rt:(10 5 -1;-8;3 17); w?rt",
            "(0 3 4;7;2 7)",
        );
        check(
            "w:10 -8 3 5 -1 2 3; rt:(10 5 -1;-8;3 17); w w?rt",
            "(10 5 -1;0N;3 0N)",
        );
        check("u:(\"abcde\";10 2 -6;(2 3;`ab)); u?10 2 -6", "1");
        check("u:(\"abcde\";10 2 -6;(2 3;`ab)); u?\"abcde\"", "0");
        check("u:(\"abcde\";10 2 -6;(2 3;`ab)); u?(2 3;`ab)", "3 3");
        check("(1;`a;\"b\")?`a", "1");
        check("(1;`a;\"b\")?`a`z", "1 3");
        check("(\"ab\";\"cd\")?(\"cd\";\"ab\";\"x\")", "1 0 2");
    }

    #[test]
    fn find_in_dictionaries_and_tables() {
        check("(`a`b`c!1 2 3)?2", "`b");
        check("(`a`b`c!1 2 3)?5", "`");
        check(
            "t:flip `s`p`q!(`s1`s1`s2;`p1`p4`p5;100 200 450); t?(`s1;`p4;200)",
            "1",
        );
        check(
            "t:flip `s`p`q!(`s1`s1`s2;`p1`p4`p5;100 200 450); t?`s`p`q!(`s2;`p5;450)",
            "2",
        );
        check(
            "t:flip `s`p`q!(`s1`s1`s2;`p1`p4`p5;100 200 450); t?(`s9;`p4;200)",
            "3",
        );
        check(
            "t:flip `a`b!(1 2 3;`x`y`z); t?flip `a`b!(3 1 9;`z`x`x)",
            "2 0 3",
        );
    }

    #[test]
    fn in_membership() {
        check("\"x\" in \"a\"", "0b");
        check("\"x\" in \"acdexyz\"", "1b");
        check("\"wx\" in \"acdexyz\"", "01b");
        check(
            "(\"abc\";(\"def\";\"ghi\");\"jkl\") in \"bed\"",
            "(010b;(110b;000b);000b)",
        );
        check("\"wx\" in (\"acdexyz\";\"abcd\";\"wx\")", "1b");
        check("(\"ab\";\"cd\") in ((\"ab\";\"cd\");0 1 2)", "1b");
        check("1 3 7 6 4 in 5 4 1 6", "10011b");
        check("1 2 in (9;(1 2;3 4))", "00b");
        check("1 2 in (1 2;9)", "1b");
        check("1 2 in ((1 2;3 4);9)", "0b");
        check("(1 2;3 4) in ((1 2;3 4);9)", "1b");
        check("1 2. in 2", "01b");
        check("1 2. in 1#2", "01b");
        fails("1 2. in 0#2", "type");
        fails("1 2. in 2#2", "type");
        check("3 in (1 2;3)", "0b");
        check("3 in (3;1 2)", "1b");
        check("`b in `a`b!`a`b", "1b");
    }

    #[test]
    fn distinct_items_and_rows() {
        check("distinct 2 3 7 3 5 3", "2 3 7 5");
        check("distinct \"mississippi\"", "\"misp\"");
        check("distinct `a`b`a", "`a`b");
        check("distinct (1;`a;1;\"x\";`a)", "(1;`a;\"x\")");
        check("distinct (1 2;3;1 2)", "(1 2;3)");
        check("distinct (1;`a;1)", "(1;`a)");
        check("distinct 0n 1 0n", "0n 1");
        check(
            "distinct flip `a`b`c!(1 2 1;2 3 2;\"aba\")",
            "flip `a`b`c!(1 2;2 3;\"ab\")",
        );
        check("distinct `long$()", "`long$()");
        check("?:1 1 2", "1 2");
    }

    #[test]
    fn group_items() {
        check(
            "group \"mississippi\"",
            "\"misp\"!(enlist 0;1 4 7 10;2 3 5 6;8 9)",
        );
        check("count each group 1 1 1 5 5 3", "1 5 3!3 2 1");
        check("group `a`b`c!1 2 1", "1 2!(`a`c;enlist `b)");
        check("group 1.5 1.5", "enlist[1.5]!enlist 0 1");
        fails("group 5", "type");
    }

    #[test]
    fn except_inter_union() {
        check("1 2 3 except 2", "1 3");
        check("1 2 3 4 1 3 except 2 3", "1 4 1");
        check("\"hello\" except \"l\"", "\"heo\"");
        check("(1;`a;2) except `a", "1 2");
        check("1 3 4 2 inter 2 3 5 7 11", "3 2");
        check("1 2 3 1 4 inter 4 1 4", "1 1 4");
        check(
            "(`a`b!(1 2 3;`x`y`z)) inter `a`b`c!(1 2 3;2 3 5;`x`y`z)",
            "(1 2 3;`x`y`z)",
        );
        check(
            "(flip `a`b!(`x`y`z`t;10 20 30 40)) inter flip `a`b!(`y`t`x;50 40 10)",
            "flip `a`b!(`x`t;10 40)",
        );
        check("1 2 3 3 6 union 2 4 6 8", "1 2 3 6 4 8");
        check(
            "(flip `x`y!(2 3 5;\"abc\")) union flip `x`y!(2 4;\"ad\")",
            "flip `x`y!(2 3 5 4;\"abcd\")",
        );
    }

    #[test]
    fn differ_flags_changes() {
        check("differ`IBM`IBM`MSFT`CSCO`CSCO", "10110b");
        check("differ 1 3 3 4 5 6 6", "1101110b");
        check("differ (7;`a;`a;09:34)", "1101b");
        check("differ 96.100000000000009 96.099999999999994", "10b");
        check("differ `long$()", "`boolean$()");
        check("differ flip `a`b!(1 1 2;`x`x`x)", "101b");
    }
}
