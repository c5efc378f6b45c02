//! Sort kernels for typed vectors: each item type's order as a key (`Sortable`), stable
//! grades and in-place sorts.
//!
//! Booleans, bytes and chars grade by counting. Integers, temporals, floats (through an
//! order-preserving integer image) and symbols (through the rank of their text among the
//! distinct symbols) grade by an LSD radix sort on 8-bit digits, skipping digits every key
//! shares; short inputs and guids sort (key, index) pairs instead. Every grade is stable:
//! equal items keep their order, descending grades too.

use rustc_hash::FxHashMap;

use qport_value::{Guid, Symbol};

/// Below this many items a comparison sort beats the radix passes.
const RADIX_MIN: usize = 256;

/// An item of a typed vector as a totally ordered key.
pub(crate) trait Sortable: Copy {
    type S: Ord + Copy;
    fn sort_key(self) -> Self::S;

    /// The stable ascending (or descending) grade of `s`.
    fn grade(s: &[Self], descending: bool) -> Vec<usize> {
        grade_by_key(s.iter().map(|e| e.sort_key()), descending)
    }

    /// Sorts `s` ascending in place.
    fn sort(s: &mut [Self]) {
        s.sort_unstable_by_key(|e| e.sort_key());
    }
}

/// Grades keys by sorting (key, index) pairs: ties fall back to the index, so the
/// unstable sort is stable in effect.
fn grade_by_key<S: Ord + Copy>(keys: impl Iterator<Item = S>, descending: bool) -> Vec<usize> {
    let mut pairs: Vec<(S, usize)> = keys.enumerate().map(|(i, k)| (k, i)).collect();
    if descending {
        pairs.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    } else {
        pairs.sort_unstable();
    }
    pairs.into_iter().map(|(_, i)| i).collect()
}

/// A counting-sort grade for keys of at most 256 values: one pass to count, one to place.
fn grade_small(keys: impl Iterator<Item = u8> + Clone, n: usize, descending: bool) -> Vec<usize> {
    let mut counts = [0usize; 256];
    for k in keys.clone() {
        counts[k as usize] += 1;
    }
    let mut start = [0usize; 256];
    let mut acc = 0;
    let mut place = |k: usize| {
        start[k] = acc;
        acc += counts[k];
    };
    if descending {
        (0..256).rev().for_each(&mut place);
    } else {
        (0..256).for_each(&mut place);
    }
    let mut out = vec![0; n];
    for (i, k) in keys.enumerate() {
        out[start[k as usize]] = i;
        start[k as usize] += 1;
    }
    out
}

/// Per-digit counts of 8-bit digits of every key, in one pass.
fn digit_counts(keys: &[u64]) -> Box<[[usize; 256]; 8]> {
    let mut counts = Box::new([[0usize; 256]; 8]);
    for &k in keys {
        for (d, c) in counts.iter_mut().enumerate() {
            c[((k >> (8 * d)) & 0xFF) as usize] += 1;
        }
    }
    counts
}

/// The stable grade of unsigned keys by LSD radix sort; keys are inverted for a
/// descending grade (which keeps equal keys in index order).
fn radix_grade(mut keys: Vec<u64>, descending: bool) -> Vec<usize> {
    let n = keys.len();
    if descending {
        keys.iter_mut().for_each(|k| *k = !*k);
    }
    let counts = digit_counts(&keys);
    let mut idx: Vec<usize> = (0..n).collect();
    let mut keys_out = vec![0u64; n];
    let mut idx_out = vec![0usize; n];
    for (d, c) in counts.iter().enumerate() {
        if c.contains(&n) {
            // Every key has the same digit here: the pass would change nothing.
            continue;
        }
        let mut start = bucket_starts(c);
        for (&k, &i) in keys.iter().zip(&idx) {
            let b = ((k >> (8 * d)) & 0xFF) as usize;
            keys_out[start[b]] = k;
            idx_out[start[b]] = i;
            start[b] += 1;
        }
        std::mem::swap(&mut keys, &mut keys_out);
        std::mem::swap(&mut idx, &mut idx_out);
    }
    idx
}

/// Where each digit's bucket starts in a pass's output: the running sum of the counts.
fn bucket_starts(counts: &[usize; 256]) -> [usize; 256] {
    let mut start = [0usize; 256];
    let mut acc = 0;
    for (s, &m) in start.iter_mut().zip(counts.iter()) {
        *s = acc;
        acc += m;
    }
    start
}

/// Sorts unsigned keys ascending by LSD radix sort.
fn radix_sort(keys: &mut Vec<u64>) {
    let n = keys.len();
    let counts = digit_counts(keys);
    let mut out = vec![0u64; n];
    for (d, c) in counts.iter().enumerate() {
        if c.contains(&n) {
            continue;
        }
        let mut start = bucket_starts(c);
        for &k in keys.iter() {
            let b = ((k >> (8 * d)) & 0xFF) as usize;
            out[start[b]] = k;
            start[b] += 1;
        }
        std::mem::swap(keys, &mut out);
    }
}

/// Signed integers: the sign bit flipped makes them order as unsigned.
macro_rules! integer_sortable {
    ($($t:ty => $u:ty),*) => {$(
        impl Sortable for $t {
            type S = $t;
            #[inline(always)]
            fn sort_key(self) -> $t {
                self
            }
            fn grade(s: &[$t], descending: bool) -> Vec<usize> {
                if s.len() < RADIX_MIN {
                    return grade_by_key(s.iter().copied(), descending);
                }
                let keys = s.iter().map(|&e| u64::from((e as $u) ^ (1 << (<$u>::BITS - 1)))).collect();
                radix_grade(keys, descending)
            }
            fn sort(s: &mut [$t]) {
                if s.len() < RADIX_MIN {
                    s.sort_unstable();
                    return;
                }
                let mut keys: Vec<u64> =
                    s.iter().map(|&e| u64::from((e as $u) ^ (1 << (<$u>::BITS - 1)))).collect();
                radix_sort(&mut keys);
                for (e, k) in s.iter_mut().zip(keys) {
                    *e = ((k as $u) ^ (1 << (<$u>::BITS - 1))) as $t;
                }
            }
        }
    )*};
}
integer_sortable!(i16 => u16, i32 => u32, i64 => u64);

impl Sortable for Guid {
    type S = Guid;
    #[inline(always)]
    fn sort_key(self) -> Guid {
        self
    }
}

impl Sortable for u8 {
    type S = u8;
    #[inline(always)]
    fn sort_key(self) -> u8 {
        self
    }
    fn grade(s: &[u8], descending: bool) -> Vec<usize> {
        grade_small(s.iter().copied(), s.len(), descending)
    }
    fn sort(s: &mut [u8]) {
        let mut counts = [0usize; 256];
        for &e in s.iter() {
            counts[e as usize] += 1;
        }
        let mut at = 0;
        for (b, &m) in counts.iter().enumerate() {
            s[at..at + m].fill(b as u8);
            at += m;
        }
    }
}

impl Sortable for bool {
    type S = bool;
    #[inline(always)]
    fn sort_key(self) -> bool {
        self
    }
    fn grade(s: &[bool], descending: bool) -> Vec<usize> {
        grade_small(s.iter().map(|&b| u8::from(b)), s.len(), descending)
    }
    fn sort(s: &mut [bool]) {
        let falses = s.iter().filter(|&&b| !b).count();
        s[..falses].fill(false);
        s[falses..].fill(true);
    }
}

/// A float as an integer in the same order: NaN (the null) lowest, -0 equal to 0.
#[inline(always)]
pub(crate) fn float_key(x: f64) -> i64 {
    if x.is_nan() {
        return i64::MIN;
    }
    let bits = (x + 0.0).to_bits() as i64;
    // Negative floats order backwards as integers: flip all but the sign bit.
    bits ^ ((bits >> 63) & i64::MAX)
}

/// The radix grade of floats, through their integer images.
fn float_grade(keys: impl Iterator<Item = i64>, n: usize, descending: bool) -> Vec<usize> {
    if n < RADIX_MIN {
        return grade_by_key(keys, descending);
    }
    radix_grade(keys.map(|k| (k as u64) ^ (1 << 63)).collect(), descending)
}

impl Sortable for f64 {
    type S = i64;
    #[inline(always)]
    fn sort_key(self) -> i64 {
        float_key(self)
    }
    fn grade(s: &[f64], descending: bool) -> Vec<usize> {
        float_grade(s.iter().map(|&e| float_key(e)), s.len(), descending)
    }
}

impl Sortable for f32 {
    type S = i64;
    #[inline(always)]
    fn sort_key(self) -> i64 {
        float_key(f64::from(self))
    }
    fn grade(s: &[f32], descending: bool) -> Vec<usize> {
        float_grade(
            s.iter().map(|&e| float_key(f64::from(e))),
            s.len(),
            descending,
        )
    }
}

impl Sortable for Symbol {
    type S = Symbol;
    #[inline(always)]
    fn sort_key(self) -> Symbol {
        self
    }
    /// Sorts the distinct symbols by text once, then grades their ranks: a symbol column
    /// has few distinct values, and ranks compare (and radix-sort) as integers.
    fn grade(s: &[Symbol], descending: bool) -> Vec<usize> {
        let mut ids: FxHashMap<Symbol, u32> = FxHashMap::default();
        let mut distinct = Vec::new();
        let mut id_of = Vec::with_capacity(s.len());
        for &e in s {
            let id = *ids.entry(e).or_insert_with(|| {
                distinct.push(e);
                (distinct.len() - 1) as u32
            });
            id_of.push(id);
        }
        let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| distinct[a as usize].cmp(&distinct[b as usize]));
        let mut rank = vec![0u32; distinct.len()];
        for (r, &id) in order.iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        let ranks = id_of.iter().map(|&id| rank[id as usize]);
        if s.len() < RADIX_MIN {
            return grade_by_key(ranks, descending);
        }
        radix_grade(ranks.map(u64::from).collect(), descending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator for test data.
    fn numbers(n: usize, seed: u64) -> Vec<i64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 2001) as i64 - 1000
            })
            .collect()
    }

    #[test]
    fn radix_grades_match_a_stable_comparison_sort() {
        for n in [0, 5, 300, 5000] {
            let v = numbers(n, 88172645463325252);
            for descending in [false, true] {
                let mut want: Vec<usize> = (0..n).collect();
                if descending {
                    want.sort_by(|&a, &b| v[b].cmp(&v[a]));
                } else {
                    want.sort_by_key(|&a| v[a]);
                }
                assert_eq!(i64::grade(&v, descending), want, "n {n} desc {descending}");
                let w: Vec<i32> = v.iter().map(|&e| e as i32).collect();
                assert_eq!(i32::grade(&w, descending), want);
                let f: Vec<f64> = v.iter().map(|&e| e as f64 / 7.0).collect();
                assert_eq!(f64::grade(&f, descending), want);
            }
        }
    }

    #[test]
    fn radix_sorts_integers_with_nulls_and_extremes() {
        let mut v = numbers(1000, 7);
        v.extend([i64::MIN, i64::MAX, i64::MIN + 1, 0]);
        let mut want = v.clone();
        want.sort_unstable();
        i64::sort(&mut v);
        assert_eq!(v, want);
        let mut h: Vec<i16> = (0..600).map(|i| (i * 97 % 601 - 300) as i16).collect();
        h.push(i16::MIN);
        let mut want = h.clone();
        want.sort_unstable();
        i16::sort(&mut h);
        assert_eq!(h, want);
    }

    #[test]
    fn counting_sorts() {
        let mut b = vec![true, false, true, false];
        bool::sort(&mut b);
        assert_eq!(b, [false, false, true, true]);
        let mut c = b"hello".to_vec();
        u8::sort(&mut c);
        assert_eq!(c, b"ehllo");
        assert_eq!(u8::grade(b"hello", true), [4, 2, 3, 0, 1]);
    }

    #[test]
    fn symbols_grade_by_text() {
        let s: Vec<Symbol> = (0..700)
            .map(|i| Symbol::new(format!("s{}", (i * 37) % 100)))
            .collect();
        let mut want: Vec<usize> = (0..s.len()).collect();
        want.sort_by(|&a, &b| s[a].as_bytes().cmp(s[b].as_bytes()));
        assert_eq!(Symbol::grade(&s, false), want);
    }
}
