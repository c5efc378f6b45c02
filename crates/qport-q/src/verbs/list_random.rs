//! Roll, Deal and Permute: `x?y` with an integer atom on the left (`?` with a list on the
//! left is Find). Random items of a list, or random values of an atom's type below it.
//!
//! As in kdb+, one process-wide generator starts from a constant seed, so a script's
//! random data is the same every run; [`seed`] and [`set_seed`] are `\S`. The sequence
//! itself is this generator's (splitmix64), not kdb+'s.

use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashSet;

use qport_value::{Guid, Symbol, Value, Vector};

use super::list_index::{gather, long_of};
use crate::error::{QError, QResult};
use crate::items::{count, is_list};

/// kdb+'s seed at start-up.
const INITIAL_SEED: i64 = -314159;

/// splitmix64's step.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The generator's state: splitmix64 only adds a constant to it, so one atomic add per
/// draw keeps it consistent across threads.
static STATE: AtomicU64 = AtomicU64::new(INITIAL_SEED as u64);

/// `\S`: the current seed.
pub fn seed() -> i64 {
    STATE.load(Ordering::Relaxed) as i64
}

/// `\S n`: restarts the generator from seed `n`.
pub fn set_seed(n: i64) {
    STATE.store(n as u64, Ordering::Relaxed);
}

/// The next 64 random bits (splitmix64).
fn next() -> u64 {
    let mut z = STATE
        .fetch_add(GAMMA, Ordering::Relaxed)
        .wrapping_add(GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform integer below `n` (n > 0), without modulo bias.
fn below(n: u64) -> u64 {
    let zone = u64::MAX - u64::MAX % n;
    loop {
        let r = next();
        if r < zone {
            return r % n;
        }
    }
}

/// A uniform float in [0, 1).
fn unit() -> f64 {
    (next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `k` distinct integers below `n` (k <= n), in random order.
fn distinct_below(k: usize, n: u64) -> Vec<u64> {
    if n <= (1 << 24) || (k as u64) > n / 4 {
        // Partial Fisher-Yates over 0..n.
        let mut all: Vec<u64> = (0..n).collect();
        for i in 0..k {
            let j = i + below(n - i as u64) as usize;
            all.swap(i, j);
        }
        all.truncate(k);
        return all;
    }
    let mut seen = FxHashSet::default();
    let mut out = Vec::with_capacity(k);
    while out.len() < k {
        let r = below(n);
        if seen.insert(r) {
            out.push(r);
        }
    }
    out
}

/// `x?y` for an integer atom `x`: see the module comment.
pub fn roll(x: &Value, y: Value) -> QResult {
    let n = long_of(x).ok_or_else(QError::type_)?;
    if is_list(&y) {
        return from_list(n, &y);
    }
    if !y.is_atom() {
        return Err(QError::type_());
    }
    if n == i64::MIN {
        // Permute: `0N?n` is `til n` in random order.
        let m = long_of(&y).filter(|&m| m >= 0).ok_or_else(QError::type_)?;
        super::list_index::checked_size(m as u64)?;
        let idx = distinct_below(m as usize, m as u64);
        return Ok(Value::LongVector(
            idx.into_iter().map(|i| i as i64).collect(),
        ));
    }
    let deal = n < 0;
    let k = super::list_index::checked_size(n.unsigned_abs())?;
    match y {
        Value::Long(m) | Value::Timestamp(m) | Value::Timespan(m) => {
            let v = integers(k, m, deal)?;
            Ok(match y {
                Value::Timestamp(_) => Value::TimestampVector(v.into()),
                Value::Timespan(_) => Value::TimespanVector(v.into()),
                _ => Value::LongVector(v.into()),
            })
        }
        Value::Int(m)
        | Value::Month(m)
        | Value::Date(m)
        | Value::Minute(m)
        | Value::Second(m)
        | Value::Time(m) => {
            let v: Vec<i32> = if m == 0 {
                no_deal(deal)?;
                (0..k).map(|_| next() as i32).collect()
            } else {
                integers(k, i64::from(m), deal)?
                    .into_iter()
                    .map(|e| e as i32)
                    .collect()
            };
            Ok(match y {
                Value::Month(_) => Value::MonthVector(v.into()),
                Value::Date(_) => Value::DateVector(v.into()),
                Value::Minute(_) => Value::MinuteVector(v.into()),
                Value::Second(_) => Value::SecondVector(v.into()),
                Value::Time(_) => Value::TimeVector(v.into()),
                _ => Value::IntVector(v.into()),
            })
        }
        Value::Short(m) => {
            let v = integers(k, i64::from(m), deal)?;
            Ok(Value::ShortVector(
                v.into_iter().map(|e| e as i16).collect(),
            ))
        }
        Value::Float(m) | Value::Datetime(m) => {
            no_deal(deal)?;
            let v: Vector<f64> = (0..k).map(|_| unit() * m).collect();
            Ok(match y {
                Value::Datetime(_) => Value::DatetimeVector(v),
                _ => Value::FloatVector(v),
            })
        }
        Value::Real(m) => {
            no_deal(deal)?;
            Ok(Value::RealVector(
                (0..k).map(|_| (unit() * f64::from(m)) as f32).collect(),
            ))
        }
        Value::Bool(_) => {
            no_deal(deal)?;
            Ok(Value::BoolVector(
                (0..k).map(|_| next() >> 63 == 1).collect(),
            ))
        }
        Value::Byte(m) => {
            no_deal(deal)?;
            let range = if m == 0 { 256 } else { u64::from(m) };
            Ok(Value::ByteVector(
                (0..k).map(|_| below(range) as u8).collect(),
            ))
        }
        Value::Char(_) => {
            no_deal(deal)?;
            Ok(Value::CharVector(
                (0..k).map(|_| b'a' + below(26) as u8).collect(),
            ))
        }
        Value::Guid(_) => {
            let mut out = Vec::with_capacity(k);
            for _ in 0..k {
                let mut bytes = [0u8; 16];
                bytes[..8].copy_from_slice(&next().to_le_bytes());
                bytes[8..].copy_from_slice(&next().to_le_bytes());
                out.push(Guid(bytes));
            }
            Ok(Value::GuidVector(out.into()))
        }
        Value::Symbol(s) => symbols(k, s, deal),
        _ => Err(QError::type_()),
    }
}

/// Only Roll generates values of this type.
fn no_deal(deal: bool) -> QResult<()> {
    if deal {
        Err(QError::type_())
    } else {
        Ok(())
    }
}

/// `k` integers below `m` (any long for 0), distinct when dealing.
fn integers(k: usize, m: i64, deal: bool) -> QResult<Vec<i64>> {
    if m == 0 {
        return Ok((0..k).map(|_| next() as i64).collect());
    }
    if m < 0 {
        return Err(QError::domain());
    }
    if deal {
        if k as u64 > m as u64 {
            return Err(QError::length());
        }
        return Ok(distinct_below(k, m as u64)
            .into_iter()
            .map(|e| e as i64)
            .collect());
    }
    Ok((0..k).map(|_| below(m as u64) as i64).collect())
}

/// `` k?`n ``: symbols of `n` letters from `a` to `p`.
fn symbols(k: usize, s: Symbol, deal: bool) -> QResult {
    let width: u32 = std::str::from_utf8(s.as_bytes())
        .ok()
        .and_then(|t| t.parse().ok())
        .filter(|w| (1..=8).contains(w))
        .ok_or_else(QError::type_)?;
    let spell = |mut r: u64| {
        let mut text = vec![0u8; width as usize];
        for c in text.iter_mut().rev() {
            *c = b'a' + (r % 16) as u8;
            r /= 16;
        }
        Symbol::new(text)
    };
    let space = 16u64.pow(width);
    let codes: Vec<u64> = if deal {
        if k as u64 > space {
            return Err(QError::length());
        }
        distinct_below(k, space)
    } else {
        (0..k).map(|_| below(space)).collect()
    };
    Ok(Value::SymbolVector(codes.into_iter().map(spell).collect()))
}

/// Random items of a list: independently (Roll), from distinct positions (Deal), or all
/// of them in random order (Permute, `0N?y`).
fn from_list(n: i64, y: &Value) -> QResult {
    let len = count(y);
    let idx: Vec<usize> = if n == i64::MIN {
        distinct_below(len, len as u64)
            .into_iter()
            .map(|i| i as usize)
            .collect()
    } else if n < 0 {
        let k = n.unsigned_abs() as usize;
        if k > len {
            return Err(QError::length());
        }
        distinct_below(k, len as u64)
            .into_iter()
            .map(|i| i as usize)
            .collect()
    } else {
        if len == 0 && n > 0 {
            return Err(QError::length());
        }
        (0..super::list_index::checked_size(n as u64)?)
            .map(|_| below(len as u64) as usize)
            .collect()
    };
    gather(y, &idx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verbs::list::list_match::same;
    use crate::verbs::list::list_testkit::{check, fails, q};
    use std::sync::Mutex;

    /// The generator is process-wide: tests that draw from it take turns.
    static TURN: Mutex<()> = Mutex::new(());

    #[test]
    fn roll_stays_in_range() {
        let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        let Value::LongVector(v) = q("1000?5") else {
            panic!()
        };
        assert!(v.iter().all(|&e| (0..5).contains(&e)));
        assert!((0..5).all(|k| v.contains(&k)));
        let Value::FloatVector(f) = q("100?4.5") else {
            panic!()
        };
        assert!(f.iter().all(|&e| (0.0..4.5).contains(&e)));
        check("count 7?`a`b`c", "7");
        check("type 3?2000.01m", "13h");
        check("type 3?1i", "6h");
        check("count 30?\" \"", "30");
        check("type 20?0b", "1h");
        check("type 16?0x0", "4h");
        let guids = roll(&Value::Long(2), Value::Guid(Guid([0; 16])));
        assert!(matches!(guids, Ok(Value::GuidVector(g)) if g.len() == 2 && g[0] != g[1]));
        let Value::SymbolVector(s) = q("10?`3") else {
            panic!()
        };
        assert!(s
            .iter()
            .all(|e| e.len() == 3 && e.as_bytes().iter().all(|c| (b'a'..=b'p').contains(c))));
    }

    #[test]
    fn deal_and_permute_are_distinct() {
        let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        check("asc -10?10", "til 10");
        check("asc 0N?10", "til 10");
        check("asc 0N?5 4 2", "2 4 5");
        check("count distinct -5?20", "5");
        check("count distinct -3?`the`quick`brown`fox", "3");
        check("count distinct -5?`4", "5");
        fails("-11?10", "length");
        fails("-5?`a`b", "length");
        fails("-3?1.5", "type");
        let before = seed();
        let a = q("5?100");
        set_seed(before);
        let b = q("5?100");
        assert!(same(&a, &b));
    }
}
