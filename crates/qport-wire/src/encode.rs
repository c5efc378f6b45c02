//! Serialization: `Value` → message bytes, for a given capability.
//!
//! One walk over the value writes into a `Sink`: a `Vec<u8>` for a message, or a
//! `Counter` that only adds up lengths (for [`encoded_len`]), so both apply the same
//! capability rules. The buffer is reserved from a cheap size estimate (exact for typed
//! vectors) and the header's length is filled in at the end. Output is little-endian.

use qport_value::null::{NULL_FLOAT_BITS, NULL_REAL_BITS};
use qport_value::{type_number as t, Attribute, Function, Symbol, Table, Value};

use crate::capability::Capability;
use crate::error::WireError;
use crate::header::{Compression, Header, MessageKind, HEADER_LEN, MAX_MESSAGE_LEN};
use crate::primitive::{item_width, needs_swap, Primitive};

/// Values nested deeper than this are refused rather than risking the stack.
const MAX_ENCODE_DEPTH: usize = 4096;

/// How many items ahead a list walk prefetches (about one cache miss's worth of work).
const PREFETCH_DISTANCE: usize = 8;

/// A whole message: header and `value`, for a peer with capability `capability`.
pub fn encode_message(
    value: &Value,
    kind: MessageKind,
    capability: Capability,
) -> Result<Vec<u8>, WireError> {
    let mut buf = Vec::with_capacity(HEADER_LEN + size_hint(value));
    buf.extend_from_slice(&[0; HEADER_LEN]);
    let mut writer = Writer::new(buf, capability);
    writer.payload(value, kind)?;
    let mut buf = writer.sink;
    let length = buf.len() as u64;
    check_message_length(length, capability)?;
    let header = Header {
        big_endian: false,
        kind,
        compression: Compression::None,
        length,
    };
    buf[..HEADER_LEN].copy_from_slice(&header.to_bytes());
    Ok(buf)
}

/// The encoded size of `value` (no header), checking it can travel at `capability`.
pub fn encoded_len(
    value: &Value,
    capability: Capability,
    kind: MessageKind,
) -> Result<u64, WireError> {
    let mut writer = Writer::new(Counter(0), capability);
    writer.payload(value, kind)?;
    Ok(writer.sink.0)
}

fn check_message_length(length: u64, capability: Capability) -> Result<(), WireError> {
    // Below capability 5 the length field is a signed 32-bit count, so 2 GB is the most.
    if length > i32::MAX as u64 && !capability.carries_large_messages() {
        return Err(WireError::CapabilityLimit {
            what: "a message over 2 GB",
            capability: capability.byte(),
        });
    }
    if length > MAX_MESSAGE_LEN {
        return Err(WireError::Limit {
            what: "message length",
            size: length,
            max: MAX_MESSAGE_LEN,
        });
    }
    Ok(())
}

/// A cheap guess at the encoded size: exact for atoms and typed vectors, a per-item
/// estimate for lists, so that big messages are written without regrowing.
fn size_hint(value: &Value) -> usize {
    match value {
        Value::List(items) => 6 + items.len() * 16,
        Value::SymbolVector(v) => 6 + v.len() * 8,
        Value::Dict(dict) => 1 + size_hint(&dict.keys) + size_hint(&dict.values),
        Value::Table(table) => table_size_hint(table),
        Value::KeyedTable(keyed) => 1 + table_size_hint(&keyed.key) + table_size_hint(&keyed.value),
        Value::Function(_) | Value::Error(_) | Value::Symbol(_) => 64,
        other => {
            let width = item_width(other.type_number().unsigned_abs() as i8).unwrap_or(8);
            if other.is_atom() {
                1 + width
            } else {
                6 + other.count() * width
            }
        }
    }
}

fn table_size_hint(table: &Table) -> usize {
    let names = 6 + table.names().len() * 8;
    3 + names + 6 + table.columns().iter().map(size_hint).sum::<usize>()
}

/// Where encoded bytes go.
trait Sink {
    /// Bytes of any length, usually long: vectors' items, lambda sources.
    fn put(&mut self, bytes: &[u8]);
    /// A few bytes of a length fixed at compile time (prefixes, atoms): written with
    /// fixed-size moves, not a call to `memcpy`.
    fn put_array<const N: usize>(&mut self, bytes: [u8; N]);
    /// Bytes of any length, often short: strings, symbols, small vectors.
    fn put_text(&mut self, bytes: &[u8]);
    fn put_byte(&mut self, byte: u8);
    fn put_items<T: Primitive>(&mut self, items: &[T]);
    /// Floats, with every NaN as kdb+'s null bit pattern.
    fn put_floats(&mut self, items: &[f64]);
    fn put_reals(&mut self, items: &[f32]);
    /// The buffer itself, when this sink is one: a list's atoms and typed vectors are then
    /// written by [`leaf_run`].
    fn as_vec(&mut self) -> Option<&mut Vec<u8>> {
        None
    }
}

/// Each append goes through a [`Cursor`] made for it: once inlined, that is a capacity
/// check, the writes and the new length.
impl Sink for Vec<u8> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        Cursor::append(self, |cursor| cursor.put(bytes));
    }

    #[inline(always)]
    fn put_array<const N: usize>(&mut self, bytes: [u8; N]) {
        Cursor::append(self, |cursor| cursor.put_array(bytes));
    }

    #[inline(always)]
    fn put_text(&mut self, bytes: &[u8]) {
        Cursor::append(self, |cursor| cursor.put_text(bytes));
    }

    #[inline(always)]
    fn put_byte(&mut self, byte: u8) {
        Cursor::append(self, |cursor| cursor.put_byte(byte));
    }

    #[inline(always)]
    fn put_items<T: Primitive>(&mut self, items: &[T]) {
        Cursor::append(self, |cursor| cursor.put_items(items));
    }

    fn put_floats(&mut self, items: &[f64]) {
        Cursor::append(self, |cursor| cursor.put_floats(items));
    }

    fn put_reals(&mut self, items: &[f32]) {
        Cursor::append(self, |cursor| cursor.put_reals(items));
    }

    #[inline(always)]
    fn as_vec(&mut self) -> Option<&mut Vec<u8>> {
        Some(self)
    }
}

/// The longest byte string written with fixed-size moves (see [`copy_short`]).
const SHORT_MAX: usize = 32;

/// Copies up to 32 bytes to `dst` with fixed-size moves: most strings, symbols and small
/// vectors are this short, and a variable-length copy is a call to `memcpy` each time
/// (half the time of a string column before this).
///
/// # Safety
/// `dst` must be valid for `bytes.len()` writes and not overlap `bytes`.
#[inline(always)]
unsafe fn copy_short(bytes: &[u8], dst: *mut u8) {
    let n = bytes.len();
    debug_assert!(n <= SHORT_MAX);
    let src = bytes.as_ptr();
    // SAFETY: each branch writes two moves of width w at 0 and n - w, with w <= n < 2w
    // (or, under 4, the bytes at 0, n / 2 and n - 1): they stay within both and cover all
    // n bytes; the caller vouches for `dst`.
    unsafe {
        if n >= 16 {
            let head = src.cast::<[u8; 16]>().read_unaligned();
            let tail = src.add(n - 16).cast::<[u8; 16]>().read_unaligned();
            dst.cast::<[u8; 16]>().write_unaligned(head);
            dst.add(n - 16).cast::<[u8; 16]>().write_unaligned(tail);
        } else if n >= 8 {
            let head = src.cast::<u64>().read_unaligned();
            let tail = src.add(n - 8).cast::<u64>().read_unaligned();
            dst.cast::<u64>().write_unaligned(head);
            dst.add(n - 8).cast::<u64>().write_unaligned(tail);
        } else if n >= 4 {
            let head = src.cast::<u32>().read_unaligned();
            let tail = src.add(n - 4).cast::<u32>().read_unaligned();
            dst.cast::<u32>().write_unaligned(head);
            dst.add(n - 4).cast::<u32>().write_unaligned(tail);
        } else if n > 0 {
            *dst = *src;
            *dst.add(n / 2) = *src.add(n / 2);
            *dst.add(n - 1) = *src.add(n - 1);
        }
    }
}

/// Items of a list are usually separate allocations: loading the one a few places ahead
/// overlaps its cache miss with the work on this one.
#[inline(always)]
fn prefetch_ahead(items: &[Value], i: usize) {
    if let Some(ahead) = items.get(i + PREFETCH_DISTANCE) {
        ahead.prefetch();
    }
}

/// Writes the items of a general list from the start of `items` up to the first list,
/// dictionary, table or function (the rest of the list, if none), and says how many.
///
/// Most lists are of atoms and small vectors; writing those through a [`Cursor`] on the
/// stack keeps the buffer's end and capacity in registers, rather than storing and
/// reloading them through the `Vec` for every few bytes.
#[inline(never)]
fn leaf_run(
    buf: &mut Vec<u8>,
    items: &[Value],
    capability: Capability,
) -> Result<usize, WireError> {
    let mut writer = Writer::new(Cursor::new(buf), capability);
    // Items with one PREFETCH_DISTANCE places ahead (no bounds check), then the last few.
    let prefetched = items.len().saturating_sub(PREFETCH_DISTANCE);
    let ahead = items.get(PREFETCH_DISTANCE..).unwrap_or_default();
    let mut written = 0;
    'run: {
        for (item, ahead) in items[..prefetched].iter().zip(ahead) {
            if is_compound(item) {
                break 'run;
            }
            ahead.prefetch();
            writer.leaf(item)?;
            written += 1;
        }
        for item in &items[prefetched..] {
            if is_compound(item) {
                break 'run;
            }
            writer.leaf(item)?;
            written += 1;
        }
    }
    writer.sink.finish();
    Ok(written)
}

/// Values that [`Writer::compound`] writes.
#[inline(always)]
fn is_compound(value: &Value) -> bool {
    matches!(
        value,
        Value::List(_)
            | Value::Dict(_)
            | Value::Table(_)
            | Value::KeyedTable(_)
            | Value::Function(_)
    )
}

/// The spare end of a `Vec<u8>`, with its address and capacity held in locals: appends
/// check room against them and grow the `Vec` only on the rare call to [`grow`].
/// Nothing is counted in the `Vec`'s length until [`Cursor::finish`].
struct Cursor<'a> {
    buf: &'a mut Vec<u8>,
    start: *mut u8,
    len: usize,
    capacity: usize,
}

impl<'a> Cursor<'a> {
    #[inline(always)]
    fn new(buf: &'a mut Vec<u8>) -> Cursor<'a> {
        Cursor {
            start: buf.as_mut_ptr(),
            len: buf.len(),
            capacity: buf.capacity(),
            buf,
        }
    }

    /// Counts what was written in the `Vec`.
    #[inline(always)]
    fn finish(self) {
        // SAFETY: every byte up to `len` was written by this cursor's appends (or was
        // already counted), within the capacity `room` obtained.
        unsafe { self.buf.set_len(self.len) };
    }

    /// Runs `write` on a cursor at the end of `buf`, then counts what it wrote.
    #[inline(always)]
    fn append(buf: &mut Vec<u8>, write: impl FnOnce(&mut Cursor<'_>)) {
        let mut cursor = Cursor::new(buf);
        write(&mut cursor);
        cursor.finish();
    }

    /// Appends `map` of each item, with one check of room for all of them.
    #[inline(always)]
    fn put_mapped<T: Copy, B: bytemuck::Pod>(&mut self, items: &[T], map: impl Fn(T) -> B) {
        let width = std::mem::size_of::<B>();
        let dst = self.room(items.len() * width);
        for (i, &item) in items.iter().enumerate() {
            // SAFETY: `room` made space for `items.len() * width` bytes at `dst`, and item
            // i is written at `i * width` inside it; unaligned writes need no alignment.
            unsafe { dst.add(i * width).cast::<B>().write_unaligned(map(item)) };
        }
        self.len += items.len() * width;
    }

    /// Makes sure `n` more bytes fit, and says where they go.
    #[inline(always)]
    fn room(&mut self, n: usize) -> *mut u8 {
        if self.capacity - self.len < n {
            (self.start, self.capacity) = grow(self.buf, self.len, n);
        }
        // SAFETY: `len` is within the allocation of `capacity` bytes at `start`.
        unsafe { self.start.add(self.len) }
    }
}

/// Reserves `n` bytes past the first `len` of `buf` (which are all written); returns the
/// new address and capacity.
#[cold]
#[inline(never)]
fn grow(buf: &mut Vec<u8>, len: usize, n: usize) -> (*mut u8, usize) {
    // SAFETY: the caller wrote all `len` bytes, within the capacity it had.
    unsafe { buf.set_len(len) };
    buf.reserve(n);
    (buf.as_mut_ptr(), buf.capacity())
}

impl Sink for Cursor<'_> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        let dst = self.room(bytes.len());
        // SAFETY: `room` made space for `bytes.len()` bytes at `dst`; a `Vec`'s spare
        // capacity never overlaps a borrowed slice.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len()) };
        self.len += bytes.len();
    }

    #[inline(always)]
    fn put_array<const N: usize>(&mut self, bytes: [u8; N]) {
        let dst = self.room(N);
        // SAFETY: `room` made space for N bytes at `dst`.
        unsafe { dst.cast::<[u8; N]>().write_unaligned(bytes) };
        self.len += N;
    }

    #[inline(always)]
    fn put_text(&mut self, bytes: &[u8]) {
        if bytes.len() <= SHORT_MAX {
            let dst = self.room(bytes.len());
            // SAFETY: `room` made space for `bytes.len()` bytes at `dst`.
            unsafe { copy_short(bytes, dst) };
            self.len += bytes.len();
        } else {
            self.put(bytes);
        }
    }

    #[inline(always)]
    fn put_byte(&mut self, byte: u8) {
        self.put_array([byte]);
    }

    #[inline(always)]
    fn put_items<T: Primitive>(&mut self, items: &[T]) {
        if needs_swap(false) {
            for &item in items {
                self.put(bytemuck::bytes_of(&item.swap_bytes()));
            }
        } else {
            self.put_text(bytemuck::cast_slice(items));
        }
    }

    #[inline(always)]
    fn put_floats(&mut self, items: &[f64]) {
        self.put_mapped(items, |x| float_bits(x).to_le());
    }

    #[inline(always)]
    fn put_reals(&mut self, items: &[f32]) {
        self.put_mapped(items, |x| real_bits(x).to_le());
    }
}

/// A sink that only counts.
struct Counter(u64);

impl Sink for Counter {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len() as u64;
    }

    fn put_array<const N: usize>(&mut self, _: [u8; N]) {
        self.0 += N as u64;
    }

    fn put_text(&mut self, bytes: &[u8]) {
        self.0 += bytes.len() as u64;
    }

    fn put_byte(&mut self, _: u8) {
        self.0 += 1;
    }

    fn put_items<T: Primitive>(&mut self, items: &[T]) {
        self.0 += std::mem::size_of_val(items) as u64;
    }

    fn put_floats(&mut self, items: &[f64]) {
        self.0 += items.len() as u64 * 8;
    }

    fn put_reals(&mut self, items: &[f32]) {
        self.0 += items.len() as u64 * 4;
    }
}

struct Writer<S: Sink> {
    sink: S,
    capability: Capability,
    depth: usize,
}

impl<S: Sink> Writer<S> {
    fn new(sink: S, capability: Capability) -> Writer<S> {
        Writer {
            sink,
            capability,
            depth: 0,
        }
    }

    /// A message's payload: any value, or an error as the whole of a response.
    fn payload(&mut self, value: &Value, kind: MessageKind) -> Result<(), WireError> {
        match value {
            Value::Error(text) if kind == MessageKind::Response => {
                self.sink.put_byte(t::ERROR as u8);
                self.c_string(error_text(text));
                Ok(())
            }
            Value::Error(_) => Err(WireError::NotSerializable(
                "an error travels only as a response",
            )),
            value => self.value(value),
        }
    }

    /// Any value: lists, dictionaries, tables and functions through [`Writer::compound`],
    /// the rest through [`Writer::leaf`].
    #[inline(always)]
    fn value(&mut self, value: &Value) -> Result<(), WireError> {
        if is_compound(value) {
            self.compound(value)
        } else {
            self.leaf(value)
        }
    }

    /// An atom or a typed vector. Inlined into the loops that call it (a general list's
    /// items), so a list of small items costs no call per item. It makes no call that is
    /// given the writer either, so that [`leaf_run`]'s writer stays in registers.
    #[inline(always)]
    fn leaf(&mut self, value: &Value) -> Result<(), WireError> {
        match value {
            Value::Bool(b) => self.sink.put_array([-t::BOOLEAN as u8, u8::from(*b)]),
            Value::Guid(g) => {
                self.require(self.capability.carries_guid(), -t::GUID)?;
                self.sink.put_byte(-t::GUID as u8);
                self.sink.put_array(g.0);
            }
            Value::Byte(x) => self.sink.put_array([-t::BYTE as u8, *x]),
            Value::Short(x) => self.atom(-t::SHORT, x.to_le_bytes()),
            Value::Int(x) => self.atom(-t::INT, x.to_le_bytes()),
            Value::Long(x) => self.atom(-t::LONG, x.to_le_bytes()),
            Value::Real(x) => self.atom(-t::REAL, real_bits(*x).to_le_bytes()),
            Value::Float(x) => self.atom(-t::FLOAT, float_bits(*x).to_le_bytes()),
            Value::Char(x) => self.sink.put_array([-t::CHAR as u8, *x]),
            Value::Symbol(s) => {
                self.sink.put_byte(-t::SYMBOL as u8);
                self.sink.put_text(s.as_bytes_with_nul());
            }
            Value::Timestamp(x) => {
                self.require_nanosecond_types(-t::TIMESTAMP)?;
                self.atom(-t::TIMESTAMP, x.to_le_bytes());
            }
            Value::Month(x) => self.atom(-t::MONTH, x.to_le_bytes()),
            Value::Date(x) => self.atom(-t::DATE, x.to_le_bytes()),
            Value::Datetime(x) => self.atom(-t::DATETIME, float_bits(*x).to_le_bytes()),
            Value::Timespan(x) => {
                self.require_nanosecond_types(-t::TIMESPAN)?;
                self.atom(-t::TIMESPAN, x.to_le_bytes());
            }
            Value::Minute(x) => self.atom(-t::MINUTE, x.to_le_bytes()),
            Value::Second(x) => self.atom(-t::SECOND, x.to_le_bytes()),
            Value::Time(x) => self.atom(-t::TIME, x.to_le_bytes()),
            Value::BoolVector(v) => {
                self.vector_prefix(t::BOOLEAN, v.attribute(), v.len())?;
                self.sink.put(bytemuck::cast_slice(v.as_slice()));
            }
            Value::GuidVector(v) => {
                self.require(self.capability.carries_guid(), t::GUID)?;
                self.vector_prefix(t::GUID, v.attribute(), v.len())?;
                self.sink.put_items(v.as_slice());
            }
            Value::ByteVector(v) => {
                self.vector_prefix(t::BYTE, v.attribute(), v.len())?;
                self.sink.put(v.as_slice());
            }
            Value::ShortVector(v) => {
                self.vector_prefix(t::SHORT, v.attribute(), v.len())?;
                self.sink.put_items(v.as_slice());
            }
            Value::IntVector(v) => self.items(t::INT, v.attribute(), v.as_slice())?,
            Value::LongVector(v) => self.items(t::LONG, v.attribute(), v.as_slice())?,
            Value::RealVector(v) => {
                self.vector_prefix(t::REAL, v.attribute(), v.len())?;
                self.sink.put_reals(v.as_slice());
            }
            Value::FloatVector(v) => {
                self.vector_prefix(t::FLOAT, v.attribute(), v.len())?;
                self.sink.put_floats(v.as_slice());
            }
            Value::CharVector(v) => {
                self.vector_prefix(t::CHAR, v.attribute(), v.len())?;
                self.sink.put_text(v.as_slice());
            }
            Value::SymbolVector(v) => self.symbols(v.attribute(), v.as_slice())?,
            Value::TimestampVector(v) => {
                self.require_nanosecond_types(t::TIMESTAMP)?;
                self.items(t::TIMESTAMP, v.attribute(), v.as_slice())?;
            }
            Value::MonthVector(v) => self.items(t::MONTH, v.attribute(), v.as_slice())?,
            Value::DateVector(v) => self.items(t::DATE, v.attribute(), v.as_slice())?,
            Value::DatetimeVector(v) => {
                self.vector_prefix(t::DATETIME, v.attribute(), v.len())?;
                self.sink.put_floats(v.as_slice());
            }
            Value::TimespanVector(v) => {
                self.require_nanosecond_types(t::TIMESPAN)?;
                self.items(t::TIMESPAN, v.attribute(), v.as_slice())?;
            }
            Value::MinuteVector(v) => self.items(t::MINUTE, v.attribute(), v.as_slice())?,
            Value::SecondVector(v) => self.items(t::SECOND, v.attribute(), v.as_slice())?,
            Value::TimeVector(v) => self.items(t::TIME, v.attribute(), v.as_slice())?,
            Value::List(_)
            | Value::Dict(_)
            | Value::Table(_)
            | Value::KeyedTable(_)
            | Value::Function(_) => {
                return Err(WireError::NotSerializable(
                    "a list, dictionary, table or function is not an atom or typed vector",
                ))
            }
            Value::Error(_) => {
                return Err(WireError::NotSerializable(
                    "an error travels only as the whole payload of a response",
                ))
            }
        }
        Ok(())
    }

    /// Lists, dictionaries, tables and functions: values that hold other values.
    #[inline(never)]
    fn compound(&mut self, value: &Value) -> Result<(), WireError> {
        match value {
            Value::List(items) => {
                self.vector_prefix(t::GENERAL_LIST, items.attribute(), items.len())?;
                self.enter()?;
                let items = items.as_slice();
                let mut i = 0;
                while i < items.len() {
                    if let Some(buf) = self.sink.as_vec() {
                        i += leaf_run(buf, &items[i..], self.capability)?;
                    }
                    if let Some(item) = items.get(i) {
                        prefetch_ahead(items, i);
                        self.value(item)?;
                        i += 1;
                    }
                }
                self.depth -= 1;
            }
            Value::Dict(dict) => {
                let type_number = if dict.sorted {
                    t::SORTED_DICTIONARY
                } else {
                    t::DICTIONARY
                };
                self.sink.put_byte(type_number as u8);
                self.enter()?;
                self.value(&dict.keys)?;
                self.value(&dict.values)?;
                self.depth -= 1;
            }
            Value::Table(table) => self.table(table)?,
            Value::KeyedTable(keyed) => {
                let type_number = if keyed.sorted {
                    t::SORTED_DICTIONARY
                } else {
                    t::DICTIONARY
                };
                self.sink.put_byte(type_number as u8);
                self.table(&keyed.key)?;
                self.table(&keyed.value)?;
            }
            Value::Function(function) => self.function(function)?,
            _ => {
                return Err(WireError::NotSerializable(
                    "not a list, dictionary, table or function",
                ))
            }
        }
        Ok(())
    }

    #[inline]
    fn atom<const N: usize>(&mut self, type_number: i8, bytes: [u8; N]) {
        self.sink.put_byte(type_number as u8);
        self.sink.put_array(bytes);
    }

    #[inline(always)]
    fn items<T: Primitive>(
        &mut self,
        type_number: i8,
        attribute: Attribute,
        items: &[T],
    ) -> Result<(), WireError> {
        self.vector_prefix(type_number, attribute, items.len())?;
        self.sink.put_items(items);
        Ok(())
    }

    #[inline(always)]
    fn symbols(&mut self, attribute: Attribute, symbols: &[Symbol]) -> Result<(), WireError> {
        self.vector_prefix(t::SYMBOL, attribute, symbols.len())?;
        for symbol in symbols {
            self.sink.put_text(symbol.as_bytes_with_nul());
        }
        Ok(())
    }

    fn c_string(&mut self, text: &[u8]) {
        self.sink.put(text);
        self.sink.put_byte(0);
    }

    #[inline(always)]
    fn require(&self, carried: bool, type_number: i8) -> Result<(), WireError> {
        if carried {
            Ok(())
        } else {
            Err(WireError::CapabilityType {
                type_number,
                capability: self.capability.byte(),
            })
        }
    }

    #[inline(always)]
    fn require_nanosecond_types(&self, type_number: i8) -> Result<(), WireError> {
        self.require(self.capability.carries_nanosecond_types(), type_number)
    }

    fn enter(&mut self) -> Result<(), WireError> {
        self.depth += 1;
        if self.depth > MAX_ENCODE_DEPTH {
            return Err(WireError::TooDeep(MAX_ENCODE_DEPTH));
        }
        Ok(())
    }

    /// Type, attribute and count: a 4-byte count (unsigned, so up to 2^32 − 1 under
    /// capability 6), or the 0x80 attribute flag and an 8-byte count beyond that.
    #[inline(always)]
    fn vector_prefix(
        &mut self,
        type_number: i8,
        attribute: Attribute,
        count: usize,
    ) -> Result<(), WireError> {
        if count > i32::MAX as usize {
            let (bytes, len) = long_vector_prefix(self.capability, type_number, attribute, count)?;
            self.sink.put(&bytes[..len]);
            return Ok(());
        }
        let [a, b, c, d] = (count as u32).to_le_bytes();
        self.sink
            .put_array([type_number as u8, attribute as u8, a, b, c, d]);
        Ok(())
    }

    /// 98, attribute, 99, the column names, then a general list of the columns.
    fn table(&mut self, table: &Table) -> Result<(), WireError> {
        self.sink
            .put_array([t::TABLE as u8, table.attribute as u8, t::DICTIONARY as u8]);
        self.enter()?;
        self.symbols(table.names().attribute(), table.names())?;
        self.vector_prefix(t::GENERAL_LIST, Attribute::None, table.columns().len())?;
        for column in table.columns() {
            self.value(column)?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn function(&mut self, function: &Function) -> Result<(), WireError> {
        self.sink.put_byte(function.type_number() as u8);
        self.enter()?;
        match function {
            Function::Lambda(lambda) => {
                // The context as a C string, then the source as a char vector.
                self.sink.put(lambda.context.as_bytes_with_nul());
                self.vector_prefix(t::CHAR, Attribute::None, lambda.source.len())?;
                self.sink.put(&lambda.source);
            }
            Function::UnaryPrimitive(index)
            | Function::BinaryPrimitive(index)
            | Function::Iterator(index) => self.sink.put_byte(*index),
            Function::Projection(items) | Function::Composition(items) => {
                if items.is_empty() || items.len() > i32::MAX as usize {
                    return Err(WireError::NotSerializable(
                        "a projection or composition needs a function and at most 2^31-1 items",
                    ));
                }
                self.sink.put_array((items.len() as u32).to_le_bytes());
                for item in items.iter() {
                    self.value(item)?;
                }
            }
            Function::Derived(_, operand) => self.value(operand)?,
        }
        self.depth -= 1;
        Ok(())
    }
}

/// The prefix of a vector of more than 2^31 − 1 items (capability 6 only), and its length.
/// It takes no writer, so that a writer held in registers stays there.
#[cold]
fn long_vector_prefix(
    capability: Capability,
    type_number: i8,
    attribute: Attribute,
    count: usize,
) -> Result<([u8; 10], usize), WireError> {
    if !capability.carries_long_vectors() {
        return Err(WireError::CapabilityLimit {
            what: "a vector of more than 2147483647 items",
            capability: capability.byte(),
        });
    }
    let mut bytes = [0; 10];
    bytes[0] = type_number as u8;
    bytes[1] = attribute as u8;
    let count = count as u64;
    if count > u64::from(u32::MAX) {
        bytes[1] |= 0x80;
        bytes[2..].copy_from_slice(&count.to_le_bytes());
        Ok((bytes, 10))
    } else {
        bytes[2..6].copy_from_slice(&(count as u32).to_le_bytes());
        Ok((bytes, 6))
    }
}

/// Error text is written as a C string: it ends at a NUL, if it holds one.
fn error_text(text: &str) -> &[u8] {
    let bytes = text.as_bytes();
    &bytes[..bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len())]
}

/// Every NaN leaves as kdb+'s float null bit pattern.
#[inline]
fn float_bits(x: f64) -> u64 {
    if x.is_nan() {
        NULL_FLOAT_BITS
    } else {
        x.to_bits()
    }
}

#[inline]
fn real_bits(x: f32) -> u32 {
    if x.is_nan() {
        NULL_REAL_BITS
    } else {
        x.to_bits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length across the fixed-size move widths (and past them, to `memcpy`): the
    /// bytes land exactly after what was there, and nothing beyond them is counted.
    #[test]
    fn short_and_long_byte_strings_append_exactly() {
        let source: Vec<u8> = (0..=255).collect();
        for n in 0..=SHORT_MAX + 8 {
            for offset in [0, 1, 7] {
                let mut sink = vec![0xEEu8; offset];
                sink.put_text(&source[3..3 + n]);
                assert_eq!(sink.len(), offset + n);
                assert!(sink[..offset].iter().all(|&b| b == 0xEE));
                assert_eq!(
                    &sink[offset..],
                    &source[3..3 + n],
                    "{n} bytes after {offset}"
                );
            }
        }
    }

    /// A general list written the slow way: each item alone, into a sink of its own.
    fn list_item_by_item(items: &[Value], capability: Capability) -> Vec<u8> {
        let mut expected = vec![0u8, 0];
        expected.extend_from_slice(&(items.len() as u32).to_le_bytes());
        for item in items {
            let mut writer = Writer::new(Vec::new(), capability);
            writer.value(item).unwrap();
            expected.extend_from_slice(&writer.sink);
        }
        expected
    }

    /// Runs of atoms and typed vectors (written by `leaf_run`) broken by lists,
    /// dictionaries and functions, with strings long enough to outgrow the size estimate
    /// inside a run, and runs shorter and longer than the prefetch distance.
    #[test]
    fn lists_with_leaf_runs_between_compound_items_encode_as_item_by_item() {
        let long_text = vec![b'x'; 300];
        let leaves = |n: usize, seed: usize| -> Vec<Value> {
            (0..n)
                .map(|i| match (i + seed) % 7 {
                    0 => Value::Long(i as i64),
                    1 => Value::Float(f64::NAN),
                    2 => Value::symbol(format!("s{i}")),
                    3 => Value::string(&long_text[..(i * 37) % 300]),
                    4 => Value::from(vec![i as i64; i % 9]),
                    5 => Value::Guid(qport_value::Guid([i as u8; 16])),
                    _ => Value::from(vec![1.5f64, f64::NAN, -0.0]),
                })
                .collect()
        };
        for run in [0, 1, 7, 8, 9, 40] {
            let mut items = leaves(run, 0);
            items.push(Value::list(leaves(run, 3)));
            items.extend(leaves(run, 1));
            items.push(Value::IDENTITY);
            items.extend(leaves(run, 2));
            let value = Value::list(items.clone());
            let message = encode_message(&value, MessageKind::Async, Capability::MAX).unwrap();
            assert_eq!(
                &message[HEADER_LEN..],
                &list_item_by_item(&items, Capability::MAX)[..],
                "runs of {run}"
            );
            let counted = encoded_len(&value, Capability::MAX, MessageKind::Async).unwrap();
            assert_eq!(counted, (message.len() - HEADER_LEN) as u64);
        }
    }

    /// An item the peer cannot take, in the middle of a run, refuses the whole message.
    #[test]
    fn a_refused_item_inside_a_leaf_run_refuses_the_message() {
        let mut items: Vec<Value> = (0..20).map(Value::Long).collect();
        items[13] = Value::Guid(qport_value::Guid([7; 16]));
        let refused = encode_message(&Value::list(items), MessageKind::Async, Capability::V2_6);
        assert!(matches!(
            refused,
            Err(WireError::CapabilityType {
                type_number: -2,
                capability: 1
            })
        ));
    }

    #[test]
    fn small_vectors_encode_item_by_item() {
        for n in 0..=6i64 {
            let items: Vec<i64> = (0..n).map(|i| i * 0x0102_0304_0506 - 7).collect();
            let message = encode_message(
                &Value::from(items.clone()),
                MessageKind::Async,
                Capability::MAX,
            )
            .unwrap();
            let mut expected = vec![7u8, 0];
            expected.extend_from_slice(&(n as u32).to_le_bytes());
            for item in items {
                expected.extend_from_slice(&item.to_le_bytes());
            }
            assert_eq!(&message[HEADER_LEN..], &expected[..]);
        }
    }
}
