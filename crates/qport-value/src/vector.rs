//! `Vector<T>`: a typed, contiguous, reference-counted array with a kdb+ attribute.
//!
//! As a kdb+ object does, one allocation holds a small header (reference count, length,
//! capacity) followed by the items, so a vector costs one `malloc` whatever its size, and
//! a handle is one pointer (plus the attribute). Cloning bumps the count; writing copies
//! the items first when they are shared (copy-on-write) and grows in place when not.
//!
//! The unsafe code is confined to this file. Its invariants: `header` points to a live
//! allocation of `layout(cap)` whose first `len` items are initialized; the count is the
//! number of handles; only a unique handle (count 1) writes.

use std::alloc::{self, Layout};
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::ptr::{self, NonNull};
use std::sync::atomic::{fence, AtomicUsize, Ordering};

use crate::types::Attribute;

/// Copies `n` bytes. Up to 16 bytes (most strings) take two overlapping fixed-size moves
/// each way instead of a call to `memcpy`.
///
/// # Safety
/// As `ptr::copy_nonoverlapping`: `n` bytes readable at `src`, writable at `dst`, apart.
#[inline(always)]
unsafe fn copy_bytes(src: *const u8, dst: *mut u8, n: usize) {
    // SAFETY: per the caller; for 8 <= n <= 16 the 8-byte moves at 0 and n - 8 stay within
    // the n bytes and cover them all, as do the 4-byte moves for 4 <= n < 8.
    unsafe {
        if (8..=16).contains(&n) {
            let head = src.cast::<u64>().read_unaligned();
            let tail = src.add(n - 8).cast::<u64>().read_unaligned();
            dst.cast::<u64>().write_unaligned(head);
            dst.add(n - 8).cast::<u64>().write_unaligned(tail);
        } else if (4..8).contains(&n) {
            let head = src.cast::<u32>().read_unaligned();
            let tail = src.add(n - 4).cast::<u32>().read_unaligned();
            dst.cast::<u32>().write_unaligned(head);
            dst.add(n - 4).cast::<u32>().write_unaligned(tail);
        } else {
            ptr::copy_nonoverlapping(src, dst, n);
        }
    }
}

#[repr(C)]
struct Header {
    refs: AtomicUsize,
    len: usize,
    cap: usize,
}

pub struct Vector<T> {
    header: NonNull<Header>,
    attribute: Attribute,
    _items: PhantomData<T>,
}

// SAFETY: a Vector shares its items between threads as `Arc<[T]>` does, so it is Send and
// Sync exactly when T is both.
unsafe impl<T: Send + Sync> Send for Vector<T> {}
unsafe impl<T: Send + Sync> Sync for Vector<T> {}

/// Counts beyond this abort, as `Arc` does: only leaked clones could get there.
const MAX_REFS: usize = isize::MAX as usize;

impl<T> Vector<T> {
    /// The allocation for `cap` items, and where the items start in it.
    fn layout(cap: usize) -> (Layout, usize) {
        let items = Layout::array::<T>(cap).expect("vector capacity overflow");
        let (layout, offset) = Layout::new::<Header>()
            .extend(items)
            .expect("vector capacity overflow");
        (layout.pad_to_align(), offset)
    }

    /// An empty vector with room for `cap` items.
    pub fn with_capacity(cap: usize) -> Vector<T> {
        Self::allocate(cap, false)
    }

    /// An empty vector with room for `cap` items, from fresh or zeroed memory.
    fn allocate(cap: usize, zeroed: bool) -> Vector<T> {
        let (layout, _) = Self::layout(cap);
        // SAFETY: the layout is never zero-sized (it holds the header).
        let raw = unsafe {
            if zeroed {
                alloc::alloc_zeroed(layout)
            } else {
                alloc::alloc(layout)
            }
        }
        .cast::<Header>();
        let Some(header) = NonNull::new(raw) else {
            alloc::handle_alloc_error(layout)
        };
        // SAFETY: fresh allocation, sized and aligned for a Header at its start.
        unsafe {
            header.as_ptr().write(Header {
                refs: AtomicUsize::new(1),
                len: 0,
                cap,
            })
        };
        Vector {
            header,
            attribute: Attribute::None,
            _items: PhantomData,
        }
    }

    pub fn new(items: Vec<T>) -> Vector<T> {
        Vector::with_attribute(items, Attribute::None)
    }

    /// The items of `items`, moved (not cloned) into one allocation.
    pub fn with_attribute(mut items: Vec<T>, attribute: Attribute) -> Vector<T> {
        let mut vector = Vector::with_capacity(items.len());
        // SAFETY: the new vector has room for `items.len()` items; they are moved by a
        // bitwise copy and the Vec forgets them (set_len(0)) so they are not dropped twice.
        unsafe {
            ptr::copy_nonoverlapping(items.as_ptr(), vector.items_ptr(), items.len());
            vector.header_mut().len = items.len();
            items.set_len(0);
        }
        vector.attribute = attribute;
        vector
    }

    #[inline]
    fn header(&self) -> &Header {
        // SAFETY: the header lives as long as any handle.
        unsafe { self.header.as_ref() }
    }

    /// The header, for writing. Callers hold the only handle.
    unsafe fn header_mut(&mut self) -> &mut Header {
        // SAFETY: per the caller, no other handle can read it meanwhile.
        unsafe { self.header.as_mut() }
    }

    #[inline]
    fn items_ptr(&self) -> *mut T {
        let offset = Self::layout(0).1;
        // SAFETY: the items start `offset` bytes into the allocation.
        unsafe { self.header.as_ptr().cast::<u8>().add(offset).cast::<T>() }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.header().len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    pub fn capacity(&self) -> usize {
        self.header().cap
    }

    #[inline]
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: the first `len` items are initialized and live while `self` is borrowed.
        unsafe { std::slice::from_raw_parts(self.items_ptr(), self.len()) }
    }

    pub fn attribute(&self) -> Attribute {
        self.attribute
    }

    /// Asks the CPU to start loading this vector's header and first items, without
    /// waiting. A walk over a list of small vectors (a string column) calls it a few items
    /// ahead, so each item's memory is in cache when it is reached.
    #[inline]
    pub fn prefetch(&self) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is only a hint; it never faults, whatever the address.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>(self.header.as_ptr().cast::<i8>());
        }
    }

    /// Sets the attribute without checking it holds; the q engine checks `s#`, `u#`, ... .
    pub fn set_attribute(&mut self, attribute: Attribute) {
        self.attribute = attribute;
    }

    /// Whether another handle shares these items (a write would copy them).
    #[inline]
    pub fn is_shared(&self) -> bool {
        self.header().refs.load(Ordering::Acquire) > 1
    }

    /// Appends to a vector known to be unique, growing it if full.
    #[inline]
    fn push_unique(&mut self, item: T) {
        debug_assert!(!self.is_shared());
        if self.len() == self.capacity() {
            self.grow_unique(self.len() + 1);
        }
        // SAFETY: unique, and there is room at index `len`, which is then counted.
        unsafe {
            self.items_ptr().add(self.len()).write(item);
            self.header_mut().len += 1;
        }
    }

    /// Grows a unique vector's allocation to hold at least `min_cap` items.
    fn grow_unique(&mut self, min_cap: usize) {
        let cap = self.capacity();
        if min_cap <= cap {
            return;
        }
        let new_cap = min_cap.max(cap.saturating_mul(2)).max(4);
        let (old_layout, _) = Self::layout(cap);
        let (new_layout, _) = Self::layout(new_cap);
        // SAFETY: the allocation was made with `old_layout`, and the new layout has the
        // same alignment (that of Header and T, whatever the capacity).
        let raw =
            unsafe { alloc::realloc(self.header.as_ptr().cast(), old_layout, new_layout.size()) };
        let Some(header) = NonNull::new(raw.cast::<Header>()) else {
            alloc::handle_alloc_error(new_layout)
        };
        self.header = header;
        // SAFETY: still the only handle.
        unsafe { self.header_mut().cap = new_cap };
    }
}

impl<T: Clone> Vector<T> {
    /// A vector of clones of `items`.
    pub fn from_slice(items: &[T]) -> Vector<T> {
        let mut vector = Vector::with_capacity(items.len());
        for item in items {
            vector.push_unique(item.clone());
        }
        vector
    }

    /// Makes this handle the only one, copying the items if they are shared.
    #[inline]
    fn make_unique(&mut self) {
        if self.is_shared() {
            let mut copy = Vector::from_slice(self.as_slice());
            copy.attribute = self.attribute;
            *self = copy;
        }
    }

    /// The items for writing: copied first if shared. The attribute is left as it was;
    /// callers that break its invariant clear it.
    pub fn make_mut(&mut self) -> &mut [T] {
        self.make_unique();
        // SAFETY: unique, so no other handle sees the items while they are borrowed.
        unsafe { std::slice::from_raw_parts_mut(self.items_ptr(), self.len()) }
    }

    #[inline]
    pub fn push(&mut self, item: T) {
        self.make_unique();
        self.push_unique(item);
    }

    pub fn extend_from_slice(&mut self, items: &[T]) {
        self.reserve(items.len());
        for item in items {
            self.push_unique(item.clone());
        }
    }

    /// Room for `additional` more items without reallocating.
    pub fn reserve(&mut self, additional: usize) {
        self.make_unique();
        let needed = self
            .len()
            .checked_add(additional)
            .expect("vector capacity overflow");
        self.grow_unique(needed);
    }

    /// Keeps the first `len` items.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        self.make_unique();
        let old_len = self.len();
        // SAFETY: unique; the length shrinks first, so a panicking drop cannot lead to a
        // second drop of the same items.
        unsafe {
            self.header_mut().len = len;
            let tail = std::slice::from_raw_parts_mut(self.items_ptr().add(len), old_len - len);
            ptr::drop_in_place(tail);
        }
    }

    /// The items as a `Vec`, moved out if unshared, cloned if shared.
    pub fn into_vec(mut self) -> Vec<T> {
        if self.is_shared() {
            return self.as_slice().to_vec();
        }
        let len = self.len();
        let mut items = Vec::with_capacity(len);
        // SAFETY: unique; the items move bitwise into the Vec and this vector forgets them
        // (len 0) before it is dropped.
        unsafe {
            ptr::copy_nonoverlapping(self.items_ptr(), items.as_mut_ptr(), len);
            items.set_len(len);
            self.header_mut().len = 0;
        }
        items
    }
}

impl<T: bytemuck::Pod> Vector<T> {
    /// Items from their bytes in this host's byte order; the byte count must be a
    /// multiple of the item size. One copy, straight into the new allocation.
    pub fn from_native_bytes(bytes: &[u8]) -> Vector<T> {
        let width = std::mem::size_of::<T>();
        assert!(
            width > 0 && bytes.len() % width == 0,
            "bytes are not whole items"
        );
        let count = bytes.len() / width;
        let mut vector = Vector::<T>::with_capacity(count);
        // SAFETY: room for `count` items was allocated; T is plain data, so any bytes are
        // a valid T; all `count` items are written before they are counted.
        unsafe {
            copy_bytes(bytes.as_ptr(), vector.items_ptr().cast::<u8>(), bytes.len());
            vector.header_mut().len = count;
        }
        vector
    }
}

impl<T: bytemuck::Pod> Vector<T> {
    /// `count` items whose bytes are all zero, to be filled in place.
    pub fn zeroed(count: usize) -> Vector<T> {
        let mut vector = Vector::<T>::allocate(count, true);
        // SAFETY: room for `count` items; all their bytes are zero, a valid T (plain data).
        unsafe { vector.header_mut().len = count };
        vector
    }

    /// The room after the items, as bytes to be written in place: a socket read can fill
    /// a vector made `with_capacity` directly, with nothing zeroed or copied. Empty when
    /// shared, since the room is then not this handle's alone.
    pub fn spare_bytes_mut(&mut self) -> &mut [std::mem::MaybeUninit<u8>] {
        if self.is_shared() {
            return &mut [];
        }
        let spare = (self.capacity() - self.len()) * std::mem::size_of::<T>();
        // SAFETY: unique, and the room from item `len` to `cap` is in the allocation;
        // `MaybeUninit` bytes need no initialization.
        unsafe { std::slice::from_raw_parts_mut(self.items_ptr().add(self.len()).cast(), spare) }
    }

    /// Counts `n` more items, whose bytes were written through `spare_bytes_mut`.
    ///
    /// # Safety
    /// The handle is unique, `len() + n <= capacity()`, and the first
    /// `n * size_of::<T>()` bytes of `spare_bytes_mut()` have been written.
    pub unsafe fn assume_written(&mut self, n: usize) {
        debug_assert!(!self.is_shared() && self.len() + n <= self.capacity());
        // SAFETY: per the caller (unique; the new items are initialized plain data).
        unsafe { self.header_mut().len += n };
    }

    /// The items as bytes, to fill in place (copied first if shared, as `make_mut`).
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        bytemuck::cast_slice_mut(self.make_mut())
    }

    /// The most scratch bytes `from_bytes_in_place` can put before the items: the room
    /// the header takes, which is written only after `fill` returns.
    pub const MAX_LEAD: usize = std::mem::size_of::<Header>();

    /// `count` items whose bytes `fill` writes in place, into uninitialized memory that
    /// starts `lead` bytes (at most `MAX_LEAD`) before the first item. The lead is scratch
    /// that becomes the header: a decoder that produces the items after a few bytes of
    /// its own (a decompressor whose output starts with the message header and the
    /// vector's prefix) can run straight into the items, with nothing copied afterwards
    /// and nothing zeroed first. An error from `fill` frees the memory and is returned.
    ///
    /// # Safety
    /// `fill` returns `Ok` only once it has written every byte of its slice from `lead` on.
    pub unsafe fn from_bytes_in_place<E>(
        count: usize,
        lead: usize,
        fill: impl FnOnce(&mut [std::mem::MaybeUninit<u8>]) -> Result<(), E>,
    ) -> Result<Vector<T>, E> {
        let (layout, offset) = Self::layout(count);
        assert!(lead <= offset && lead <= Self::MAX_LEAD, "lead too long");
        // SAFETY: the layout is never zero-sized (it holds the header).
        let raw = unsafe { alloc::alloc(layout) };
        let Some(header) = NonNull::new(raw.cast::<Header>()) else {
            alloc::handle_alloc_error(layout)
        };
        let bytes = lead + count * std::mem::size_of::<T>();
        // SAFETY: the items end the allocation, and `lead <= offset` bytes before them are
        // in it too (the header's room); nothing reads the header until it is written below.
        // A panic in `fill` leaks the memory, which is safe.
        let region =
            unsafe { std::slice::from_raw_parts_mut(raw.add(offset - lead).cast(), bytes) };
        match fill(region) {
            Ok(()) => {
                // SAFETY: as in `allocate`; and per the caller every item byte is written,
                // so all `count` items are initialized plain data.
                unsafe {
                    header.as_ptr().write(Header {
                        refs: AtomicUsize::new(1),
                        len: count,
                        cap: count,
                    })
                };
                Ok(Vector {
                    header,
                    attribute: Attribute::None,
                    _items: PhantomData,
                })
            }
            Err(error) => {
                // SAFETY: allocated just above with this layout; no handle was made.
                unsafe { alloc::dealloc(raw, layout) };
                Err(error)
            }
        }
    }
}

impl<T> Clone for Vector<T> {
    fn clone(&self) -> Vector<T> {
        // Relaxed suffices to take a new reference from an existing one, as in `Arc`.
        if self.header().refs.fetch_add(1, Ordering::Relaxed) > MAX_REFS {
            std::process::abort();
        }
        Vector {
            header: self.header,
            attribute: self.attribute,
            _items: PhantomData,
        }
    }
}

impl<T> Drop for Vector<T> {
    fn drop(&mut self) {
        let refs = &self.header().refs;
        // A count of 1 seen by a handle means no other handle exists to race with, so the
        // usual case (a unique vector) frees without a locked read-modify-write; the
        // Acquire load orders every other handle's earlier release, as the fence does.
        if refs.load(Ordering::Acquire) != 1 {
            if refs.fetch_sub(1, Ordering::Release) != 1 {
                return;
            }
            // Every other handle's writes happen before the items are dropped (as in `Arc`).
            fence(Ordering::Acquire);
        }
        let (layout, _) = Self::layout(self.capacity());
        // SAFETY: this was the last handle: drop the initialized items, then free the
        // allocation with the layout it was made with.
        unsafe {
            let items = std::slice::from_raw_parts_mut(self.items_ptr(), self.len());
            ptr::drop_in_place(items);
            alloc::dealloc(self.header.as_ptr().cast(), layout);
        }
    }
}

impl<T> Deref for Vector<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: PartialEq> PartialEq for Vector<T> {
    fn eq(&self, other: &Vector<T>) -> bool {
        self.attribute == other.attribute && self.as_slice() == other.as_slice()
    }
}

impl<T> Default for Vector<T> {
    fn default() -> Vector<T> {
        Vector::with_capacity(0)
    }
}

impl<T> From<Vec<T>> for Vector<T> {
    fn from(items: Vec<T>) -> Vector<T> {
        Vector::new(items)
    }
}

impl<T> FromIterator<T> for Vector<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Vector<T> {
        let iter = iter.into_iter();
        let mut vector = Vector::with_capacity(iter.size_hint().0);
        for item in iter {
            vector.push_unique(item);
        }
        vector
    }
}

impl<T: fmt::Debug> fmt::Debug for Vector<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.attribute != Attribute::None {
            write!(f, "{}#", self.attribute.letter())?;
        }
        f.debug_list().entries(self.as_slice()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn clone_shares_and_write_copies() {
        let a = Vector::new(vec![1i64, 2, 3]);
        let mut b = a.clone();
        assert!(a.is_shared());
        b.push(4);
        assert_eq!(a.as_slice(), &[1, 2, 3]);
        assert_eq!(b.as_slice(), &[1, 2, 3, 4]);
        assert!(!a.is_shared());
    }

    #[test]
    fn unshared_write_does_not_copy() {
        let mut a = Vector::new(vec![1i64, 2, 3]);
        let before = a.as_slice().as_ptr();
        a.make_mut()[0] = 9;
        assert_eq!(a.as_slice().as_ptr(), before);
        assert_eq!(a.as_slice(), &[9, 2, 3]);
    }

    #[test]
    fn grows_and_truncates() {
        let mut v: Vector<String> = Vector::default();
        for i in 0..1000 {
            v.push(i.to_string());
        }
        assert_eq!(v.len(), 1000);
        assert_eq!(v[999], "999");
        v.truncate(10);
        assert_eq!(v.len(), 10);
        v.extend_from_slice(&["x".to_string()]);
        assert_eq!(v.last().map(String::as_str), Some("x"));
        assert_eq!(v.clone().into_vec().len(), 11);
    }

    #[test]
    fn drops_every_item_exactly_once() {
        let token = Arc::new(());
        {
            let v: Vector<Arc<()>> = (0..100).map(|_| token.clone()).collect();
            let mut w = v.clone();
            w.push(token.clone()); // copies: 100 more
            assert_eq!(Arc::strong_count(&token), 1 + 100 + 101);
            w.truncate(50);
            assert_eq!(Arc::strong_count(&token), 1 + 100 + 50);
            let moved = w.into_vec();
            assert_eq!(Arc::strong_count(&token), 1 + 100 + 50);
            drop(moved);
        }
        assert_eq!(Arc::strong_count(&token), 1);
    }

    #[test]
    fn built_in_place_with_a_lead_before_the_items() {
        use std::mem::MaybeUninit;
        for lead in [0, 5, Vector::<i64>::MAX_LEAD] {
            // SAFETY: the closure writes every byte of its slice.
            let v = unsafe {
                Vector::<i64>::from_bytes_in_place(3, lead, |out: &mut [MaybeUninit<u8>]| {
                    assert_eq!(out.len(), lead + 24);
                    // The lead is scratch: written, then overwritten by the header.
                    out[..lead].fill(MaybeUninit::new(0xAB));
                    for (i, byte) in out[lead..].iter_mut().enumerate() {
                        *byte = MaybeUninit::new(if i % 8 == 0 { (i / 8) as u8 + 1 } else { 0 });
                    }
                    Ok::<(), ()>(())
                })
            }
            .unwrap();
            assert_eq!(v.as_slice(), &[1, 2, 3]);
            assert!(!v.is_shared());
            let mut w = v.clone();
            w.push(4);
            assert_eq!((v.len(), w.as_slice()), (3, &[1i64, 2, 3, 4][..]));
        }
        // SAFETY: Err, so nothing is claimed written.
        let failed = unsafe {
            Vector::<f64>::from_bytes_in_place(1000, 8, |_: &mut [MaybeUninit<u8>]| Err("bad"))
        };
        assert_eq!(failed.err(), Some("bad"));
    }

    #[test]
    fn zeroed_vectors_are_zero_and_fill_in_place() {
        for n in [0usize, 1, 7, 1000, 300_000] {
            let mut v = Vector::<f64>::zeroed(n);
            assert_eq!(v.len(), n);
            assert!(v.iter().all(|x| *x == 0.0));
            let bytes = v.as_bytes_mut();
            assert_eq!(bytes.len(), n * 8);
            if n > 0 {
                bytes[..8].copy_from_slice(&1.5f64.to_ne_bytes());
                assert_eq!(v[0], 1.5);
            }
        }
        // A shared vector is copied before its bytes are handed out.
        let mut a = Vector::<i32>::zeroed(4);
        let b = a.clone();
        a.as_bytes_mut()[0] = 1;
        assert_eq!((a[0], b[0]), (1, 0));
    }

    #[test]
    fn spare_bytes_are_written_in_place_and_then_counted() {
        let mut v = Vector::<i32>::with_capacity(3);
        v.push(7);
        let spare = v.spare_bytes_mut();
        assert_eq!(spare.len(), 8);
        for (byte, value) in spare.iter_mut().zip(8i32.to_ne_bytes()) {
            byte.write(value);
        }
        // SAFETY: unique, room for one more, and its 4 bytes were written just above.
        unsafe { v.assume_written(1) };
        assert_eq!(v.as_slice(), &[7, 8]);
        assert_eq!(v.spare_bytes_mut().len(), 4);
        // A shared vector offers no room to write.
        let shared = v.clone();
        assert!(v.spare_bytes_mut().is_empty());
        drop(shared);
    }

    #[test]
    fn from_native_bytes_copies_every_length_exactly() {
        let source: Vec<u8> = (1..=40).collect();
        for n in 0..=40 {
            let v = Vector::<u8>::from_native_bytes(&source[..n]);
            assert_eq!(v.as_slice(), &source[..n], "{n} bytes");
        }
    }

    #[test]
    fn from_native_bytes_reads_items() {
        let v = Vector::<i32>::from_native_bytes(&[1, 0, 0, 0, 2, 0, 0, 0]);
        assert_eq!(v.as_slice(), &[i32::from_le(1), i32::from_le(2)]);
        let empty = Vector::<f64>::from_native_bytes(&[]);
        assert!(empty.is_empty());
    }

    #[test]
    fn shared_across_threads() {
        let v: Vector<i64> = (0..10_000).collect();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let v = v.clone();
                std::thread::spawn(move || v.iter().sum::<i64>())
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), 49_995_000);
        }
        assert!(!v.is_shared());
    }

    #[test]
    fn handle_is_two_words() {
        assert_eq!(std::mem::size_of::<Vector<u8>>(), 16);
    }
}
