//! Receiving a big vector straight into its storage.
//!
//! Most large messages are one simple vector (a column, prices, a blob). For those the
//! I/O layer need not buffer the message and then copy it into a `Vector`: after the
//! header and the vector's 6-byte prefix it allocates the vector and reads the rest of
//! the socket into the items' bytes. That halves the memory traffic and the peak memory
//! of the receive. Anything else (a symbol or boolean vector, a long count, compression,
//! a length that does not match) is left to the ordinary decoder.
//!
//! A compressed message holding such a vector is likewise decompressed straight into the
//! vector's storage (`decompress_vector`) rather than into a buffer that is then copied.

use std::mem::MaybeUninit;

use qport_value::{type_number as t, Attribute, Guid, Value, Vector};

use crate::compress::CompressedMessage;
use crate::error::WireError;
use crate::header::{Compression, Header, MessageKind, HEADER_LEN};
use crate::message::Message;
use crate::primitive::Primitive;

/// The bytes `DirectVector::for_message` looks at: the header, type, attribute, count.
pub const DIRECT_HEAD_LEN: usize = HEADER_LEN + 6;

/// Below this a message is cheaper to buffer whole than to set up a direct receive.
pub const DIRECT_MIN_LEN: u64 = 1 << 20;

/// A simple vector being received in place: fill `unfilled()` with the bytes that
/// follow the head, then `finish()`.
pub struct DirectVector {
    kind: MessageKind,
    big_endian: bool,
    type_number: i8,
    items: Items,
    filled: usize,
}

/// The storage, by item type; the type number says which q type it becomes.
enum Items {
    Byte(Vector<u8>),
    Short(Vector<i16>),
    Int(Vector<i32>),
    Long(Vector<i64>),
    Real(Vector<f32>),
    Float(Vector<f64>),
    Guid(Vector<Guid>),
}

/// What a vector's 6-byte prefix says, where the message is that vector and nothing else.
struct VectorShape {
    type_number: i8,
    attribute: Attribute,
    count: usize,
}

impl VectorShape {
    /// The shape of the body `prefix` starts, when it is one vector of fixed-width items
    /// with a 4-byte count whose items fill a message of `length` bytes exactly (so
    /// nothing is left to validate but the attribute).
    fn of(prefix: &[u8; 6], big_endian: bool, length: u64) -> Option<VectorShape> {
        let type_number = prefix[0] as i8;
        let attribute = Attribute::from_byte(prefix[1])?;
        let count: [u8; 4] = prefix[2..].try_into().ok()?;
        let count = if big_endian {
            u32::from_be_bytes(count)
        } else {
            u32::from_le_bytes(count)
        } as u64;
        let width: u64 = match type_number {
            t::BYTE | t::CHAR => 1,
            t::SHORT => 2,
            t::INT | t::MONTH | t::DATE | t::MINUTE | t::SECOND | t::TIME | t::REAL => 4,
            t::LONG | t::TIMESTAMP | t::TIMESPAN | t::FLOAT | t::DATETIME => 8,
            t::GUID => 16,
            _ => return None,
        };
        if count.checked_mul(width)? + DIRECT_HEAD_LEN as u64 != length {
            return None;
        }
        Some(VectorShape {
            type_number,
            attribute,
            count: usize::try_from(count).ok()?,
        })
    }

    /// The storage for these items, made by `make` for the item type.
    fn items<E>(&self, make: impl ItemsMaker<E>) -> Result<Items, E> {
        let n = self.count;
        Ok(match self.type_number {
            t::BYTE | t::CHAR => Items::Byte(make.make(n)?),
            t::SHORT => Items::Short(make.make(n)?),
            t::REAL => Items::Real(make.make(n)?),
            t::FLOAT | t::DATETIME => Items::Float(make.make(n)?),
            t::GUID => Items::Guid(make.make(n)?),
            t::LONG | t::TIMESTAMP | t::TIMESPAN => Items::Long(make.make(n)?),
            _ => Items::Int(make.make(n)?),
        })
    }
}

/// Makes a vector of `count` items of any fixed-width item type (a generic closure).
trait ItemsMaker<E> {
    fn make<T: bytemuck::Pod>(&self, count: usize) -> Result<Vector<T>, E>;
}

/// Room for the items, to be read into: nothing is zeroed first, since the reads write
/// every byte before the items are counted (`finish`).
struct Unwritten;

impl ItemsMaker<()> for Unwritten {
    fn make<T: bytemuck::Pod>(&self, count: usize) -> Result<Vector<T>, ()> {
        Ok(Vector::with_capacity(count))
    }
}

/// Storage written by decompressing a message whose body is the vector: the stream's
/// output runs from the message header's place, `DIRECT_HEAD_LEN` bytes before the items,
/// so the items come straight out of the decompressor.
struct Decompressed<'m, 'a>(&'m CompressedMessage<'a>);

impl ItemsMaker<WireError> for Decompressed<'_, '_> {
    fn make<T: bytemuck::Pod>(&self, count: usize) -> Result<Vector<T>, WireError> {
        // SAFETY: `expand_into` returns Ok only once it has written every byte after the
        // first 8 of its output, which here are the prefix and then every item byte.
        unsafe {
            Vector::from_bytes_in_place(count, DIRECT_HEAD_LEN, |out: &mut [MaybeUninit<u8>]| {
                self.0.expand_into(out)
            })
        }
    }
}

/// The value of a compressed message whose body is one simple vector of at least
/// `DIRECT_MIN_LEN` bytes, decompressed straight into the vector's storage; `Ok(None)`
/// when the message is anything else (the caller then decompresses it as usual).
/// Errors are those decompressing the message would give.
pub(crate) fn decompress_vector(
    message: &[u8],
    max_len: u64,
) -> Result<Option<Message>, WireError> {
    let compressed = CompressedMessage::parse(message, max_len)?;
    if (compressed.total as u64) < DIRECT_MIN_LEN {
        return Ok(None);
    }
    let header = compressed.header;
    let prefix = compressed.first_bytes::<6>()?;
    let Some(shape) = VectorShape::of(&prefix, header.big_endian, compressed.total as u64) else {
        return Ok(None);
    };
    let mut items = shape.items(Decompressed(&compressed))?;
    items.set_attribute(shape.attribute);
    Ok(Some(Message {
        kind: header.kind,
        value: items.into_value(shape.type_number, header.big_endian),
    }))
}

impl DirectVector {
    /// A direct receive for the message whose first bytes are `head`: `Some` when it is
    /// uncompressed, its body is one vector of fixed-width items with a 4-byte count,
    /// and those items fill the message exactly (so nothing is left to validate but the
    /// attribute). Nothing is allocated for a message longer than `max_len`.
    pub fn for_message(head: &[u8; DIRECT_HEAD_LEN], max_len: u64) -> Option<DirectVector> {
        let header = Header::parse(head[..HEADER_LEN].try_into().ok()?).ok()?;
        if header.compression != Compression::None || header.length > max_len {
            return None;
        }
        let prefix: &[u8; 6] = head[HEADER_LEN..].try_into().ok()?;
        let shape = VectorShape::of(prefix, header.big_endian, header.length)?;
        let mut items = shape.items(Unwritten).ok()?;
        items.set_attribute(shape.attribute);
        Some(DirectVector {
            kind: header.kind,
            big_endian: header.big_endian,
            type_number: shape.type_number,
            items,
            filled: 0,
        })
    }

    /// The bytes still to come, to be read into (uninitialized memory: a read into it
    /// goes through an API that takes such memory, as tokio's `ReadBuf` does).
    pub fn unfilled(&mut self) -> &mut [MaybeUninit<u8>] {
        let filled = self.filled;
        &mut self.items.spare_bytes_mut()[filled..]
    }

    /// Counts `n` more bytes as written into `unfilled()`; they must have been.
    pub fn advance(&mut self, n: usize) {
        self.filled = (self.filled + n).min(self.total());
    }

    /// Copies in bytes that were already read (those that came with the head); returns
    /// how many were taken.
    pub fn fill_from(&mut self, bytes: &[u8]) -> usize {
        let unfilled = self.unfilled();
        let n = unfilled.len().min(bytes.len());
        // SAFETY: `n` bytes fit both slices, which cannot overlap (one is this vector's
        // own room).
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), unfilled.as_mut_ptr().cast(), n) };
        self.advance(n);
        n
    }

    pub fn is_complete(&self) -> bool {
        self.filled == self.total()
    }

    /// The message, once complete (items of a big-endian message are put in native
    /// order). `None` if called early.
    pub fn finish(self) -> Option<Message> {
        if !self.is_complete() {
            return None;
        }
        let mut items = self.items;
        // SAFETY: complete, so every byte of the room was written (`advance` counts only
        // what was); the vector was made with exactly the room its items need.
        unsafe { items.assume_all_written() };
        Some(Message {
            kind: self.kind,
            value: items.into_value(self.type_number, self.big_endian),
        })
    }

    fn total(&self) -> usize {
        self.items.byte_len()
    }
}

impl Items {
    /// The q value of type `type_number` these items make (items of a big-endian message
    /// are put in native order).
    fn into_value(self, type_number: i8, big_endian: bool) -> Value {
        let swap = big_endian;
        match self {
            Items::Byte(v) => match type_number {
                t::CHAR => Value::CharVector(v),
                _ => Value::ByteVector(v),
            },
            Items::Short(v) => Value::ShortVector(in_order(v, swap)),
            Items::Real(v) => Value::RealVector(in_order(v, swap)),
            Items::Guid(v) => Value::GuidVector(v),
            Items::Float(v) => match type_number {
                t::DATETIME => Value::DatetimeVector(in_order(v, swap)),
                _ => Value::FloatVector(in_order(v, swap)),
            },
            Items::Long(v) => {
                let v = in_order(v, swap);
                match type_number {
                    t::TIMESTAMP => Value::TimestampVector(v),
                    t::TIMESPAN => Value::TimespanVector(v),
                    _ => Value::LongVector(v),
                }
            }
            Items::Int(v) => {
                let v = in_order(v, swap);
                match type_number {
                    t::MONTH => Value::MonthVector(v),
                    t::DATE => Value::DateVector(v),
                    t::MINUTE => Value::MinuteVector(v),
                    t::SECOND => Value::SecondVector(v),
                    t::TIME => Value::TimeVector(v),
                    _ => Value::IntVector(v),
                }
            }
        }
    }

    /// The bytes the items take once all are written.
    fn byte_len(&self) -> usize {
        match self {
            Items::Byte(v) => v.capacity(),
            Items::Short(v) => v.capacity() * 2,
            Items::Int(v) => v.capacity() * 4,
            Items::Real(v) => v.capacity() * 4,
            Items::Long(v) => v.capacity() * 8,
            Items::Float(v) => v.capacity() * 8,
            Items::Guid(v) => v.capacity() * 16,
        }
    }

    /// The room still to write: all of it until `assume_all_written`.
    fn spare_bytes_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        match self {
            Items::Byte(v) => v.spare_bytes_mut(),
            Items::Short(v) => v.spare_bytes_mut(),
            Items::Int(v) => v.spare_bytes_mut(),
            Items::Real(v) => v.spare_bytes_mut(),
            Items::Long(v) => v.spare_bytes_mut(),
            Items::Float(v) => v.spare_bytes_mut(),
            Items::Guid(v) => v.spare_bytes_mut(),
        }
    }

    /// Counts every item of the room as written.
    ///
    /// # Safety
    /// Every byte of the room has been written, and nothing was counted before.
    unsafe fn assume_all_written(&mut self) {
        // SAFETY: per the caller; each vector is unique (made here, never cloned).
        unsafe {
            match self {
                Items::Byte(v) => v.assume_written(v.capacity()),
                Items::Short(v) => v.assume_written(v.capacity()),
                Items::Int(v) => v.assume_written(v.capacity()),
                Items::Real(v) => v.assume_written(v.capacity()),
                Items::Long(v) => v.assume_written(v.capacity()),
                Items::Float(v) => v.assume_written(v.capacity()),
                Items::Guid(v) => v.assume_written(v.capacity()),
            }
        }
    }

    fn set_attribute(&mut self, attribute: Attribute) {
        match self {
            Items::Byte(v) => v.set_attribute(attribute),
            Items::Short(v) => v.set_attribute(attribute),
            Items::Int(v) => v.set_attribute(attribute),
            Items::Real(v) => v.set_attribute(attribute),
            Items::Long(v) => v.set_attribute(attribute),
            Items::Float(v) => v.set_attribute(attribute),
            Items::Guid(v) => v.set_attribute(attribute),
        }
    }
}

/// Items in native order: a big-endian message's are swapped in place.
fn in_order<T: Primitive>(mut items: Vector<T>, swap: bool) -> Vector<T> {
    if swap {
        for item in items.make_mut() {
            *item = item.swap_bytes();
        }
    }
    items
}
