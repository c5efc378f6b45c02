//! Interned symbols (type 11).
//!
//! Like kdb+'s symbol pool, every distinct symbol text is stored once for the life of the
//! process, so a `Symbol` is a pointer: equality and hashing are by address, cloning is a
//! copy, and ordering is by the bytes (q sorts symbols lexicographically). The pool never
//! shrinks, as in kdb+.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard, OnceLock};

use rustc_hash::FxHashMap;

/// An interned symbol. Its bytes are usually UTF-8, but q allows any bytes but NUL.
///
/// The pool stores each text followed by a NUL, as kdb+ does, so a serializer writes a
/// symbol with one copy; the slice held here includes that NUL.
#[derive(Clone, Copy)]
pub struct Symbol(&'static [u8]);

/// Text (without its NUL) to symbol.
type Pool = FxHashMap<&'static [u8], Symbol>;

fn pool() -> &'static Mutex<Pool> {
    static POOL: OnceLock<Mutex<Pool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut pool = Pool::default();
        pool.insert(b"".as_slice(), Symbol(b"\0"));
        Mutex::new(pool)
    })
}

fn lock_pool() -> MutexGuard<'static, Pool> {
    // A panic while holding the lock cannot leave the set half-updated, so poison is ignored.
    pool()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn intern_locked(pool: &mut Pool, text: &[u8]) -> Symbol {
    if let Some(&symbol) = pool.get(text) {
        return symbol;
    }
    let mut with_nul = Vec::with_capacity(text.len() + 1);
    with_nul.extend_from_slice(text);
    with_nul.push(0);
    let stored: &'static [u8] = Box::leak(with_nul.into_boxed_slice());
    let symbol = Symbol(stored);
    pool.insert(&stored[..text.len()], symbol);
    symbol
}

impl Symbol {
    /// Interns `text` and returns its symbol. Symbols are C strings in kdb+, so the
    /// text ends at its first NUL byte, if it has one.
    pub fn new(text: impl AsRef<[u8]>) -> Symbol {
        let text = text.as_ref();
        let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
        intern_locked(&mut lock_pool(), &text[..end])
    }

    /// The empty symbol `` ` ``, the symbol null.
    pub fn empty() -> Symbol {
        Symbol::new(b"")
    }

    #[inline]
    pub fn as_bytes(&self) -> &'static [u8] {
        &self.0[..self.0.len() - 1]
    }

    /// The text and its terminating NUL, as the IPC format writes a symbol.
    #[inline]
    pub fn as_bytes_with_nul(&self) -> &'static [u8] {
        self.0
    }

    /// The text, with invalid UTF-8 replaced.
    pub fn to_str_lossy(&self) -> Cow<'static, str> {
        String::from_utf8_lossy(self.as_bytes())
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The length of the text, without its NUL.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len() - 1
    }
}

/// A small direct-mapped cache in front of the pool, for one decoder or parser run: a
/// repeated symbol (the usual case in a symbol column) is found without taking the pool's
/// lock or probing its table.
#[derive(Default)]
pub struct SymbolCache {
    slots: Vec<Symbol>,
    /// Symbols of at most 7 bytes, keyed by their text as a word (see
    /// [`SymbolCache::intern_word`]): a hit is one comparison of two words.
    short: Vec<(u64, Symbol)>,
}

impl SymbolCache {
    const SLOTS: usize = 1024;

    pub fn new() -> SymbolCache {
        SymbolCache::default()
    }

    /// Interns `text`, which must hold no NUL byte.
    #[inline]
    pub fn intern(&mut self, text: &[u8]) -> Symbol {
        debug_assert!(!text.contains(&0));
        if self.slots.is_empty() {
            // Allocated on first use, so a message without symbols pays nothing.
            self.slots = vec![Symbol::empty(); Self::SLOTS];
        }
        let slot = &mut self.slots[slot_of(text)];
        if !same_bytes(slot.as_bytes(), text) {
            *slot = intern_locked(&mut lock_pool(), text);
        }
        *slot
    }

    /// Interns a symbol of at most 7 bytes given as a little-endian word: its bytes in the
    /// low bytes and zero above them. A decoder that has just read 8 bytes to find the
    /// symbol's NUL has that word already, so a repeated symbol costs no byte loop.
    #[inline]
    pub fn intern_word(&mut self, word: u64) -> Symbol {
        debug_assert!(word >> 56 == 0, "a short symbol has at most 7 bytes");
        if self.short.is_empty() {
            // An empty slot holds the empty symbol, whose word (0) is its true key.
            self.short = vec![(0, Symbol::empty()); Self::SLOTS];
        }
        let index = (word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - 10)) as usize;
        let slot = &mut self.short[index & (Self::SLOTS - 1)];
        if slot.0 != word {
            // No byte of a symbol is NUL, so its length is the count of non-zero bytes.
            let len = (64 - word.leading_zeros() as usize).div_ceil(8);
            let bytes = word.to_le_bytes();
            *slot = (word, intern_locked(&mut lock_pool(), &bytes[..len]));
        }
        slot.1
    }
}

/// A slot index from the first and last 8 bytes and the length.
#[inline]
fn slot_of(text: &[u8]) -> usize {
    let head = word(&text[..text.len().min(8)]);
    let tail = word(&text[text.len().saturating_sub(8)..]);
    let mixed =
        (head ^ tail.rotate_left(29) ^ text.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (64 - 10)) as usize & (SymbolCache::SLOTS - 1)
}

/// Up to 8 bytes as a word; a shift loop, since a short variable-length copy would be a
/// library call.
#[inline]
fn word(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .take(8)
        .enumerate()
        .fold(0, |w, (i, &b)| w | u64::from(b) << (8 * i))
}

/// Byte equality without a library call: symbols are short.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl PartialEq for Symbol {
    fn eq(&self, other: &Symbol) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Symbol {}

impl Hash for Symbol {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(self.0, state)
    }
}

impl Ord for Symbol {
    fn cmp(&self, other: &Symbol) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Symbol) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Default for Symbol {
    fn default() -> Symbol {
        Symbol::empty()
    }
}

impl From<&str> for Symbol {
    fn from(text: &str) -> Symbol {
        Symbol::new(text)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str_lossy())
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}", self.to_str_lossy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_gives_the_same_symbol() {
        let a = Symbol::new("trade");
        let b = Symbol::new(String::from("trade"));
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_bytes(), b.as_bytes()));
        assert_eq!(a.as_bytes_with_nul(), b"trade\0");
        assert_eq!(Symbol::empty().as_bytes_with_nul(), b"\0");
        assert_ne!(a, Symbol::new("quote"));
    }

    #[test]
    fn orders_by_bytes_not_by_address() {
        let z = Symbol::new("zz-order");
        let a = Symbol::new("aa-order");
        assert!(a < z);
        assert!(Symbol::empty() < a);
    }

    #[test]
    fn text_ends_at_nul_as_in_kdb() {
        assert_eq!(Symbol::new(b"ab\0cd"), Symbol::new("ab"));
    }

    #[test]
    fn cache_gives_the_pooled_symbol() {
        let mut cache = SymbolCache::new();
        for _ in 0..3 {
            for text in ["a", "", "a-rather-longer-symbol-name", "b", "IBM.N"] {
                assert_eq!(cache.intern(text.as_bytes()), Symbol::new(text));
            }
        }
    }

    #[test]
    fn word_cache_gives_the_pooled_symbol() {
        let mut cache = SymbolCache::new();
        for _ in 0..3 {
            for text in ["", "a", "IBM", "ABCDEFG", "\x01\x02", "\u{ff}\u{fe}"] {
                let mut bytes = [0u8; 8];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                let word = u64::from_le_bytes(bytes);
                assert_eq!(cache.intern_word(word), Symbol::new(text), "{text:?}");
            }
        }
    }

    #[test]
    fn empty_symbol_is_unique() {
        assert_eq!(Symbol::empty(), Symbol::new(""));
        assert_eq!(Symbol::empty(), SymbolCache::new().intern(b""));
    }
}
