//! Serialization: `Value` → message bytes, for a given capability.
//!
//! Two passes: `encoded_len` walks the value once to size the message exactly and to check
//! that the capability can carry every part (so a failure allocates nothing); `Writer` then
//! fills a buffer of exactly that size. Output is always little-endian.

use qport_value::null::{NULL_FLOAT_BITS, NULL_REAL_BITS};
use qport_value::{type_number as t, Function, Table, Value};

use crate::capability::Capability;
use crate::error::WireError;
use crate::header::{Compression, Header, MessageKind, HEADER_LEN, MAX_MESSAGE_LEN};
use crate::primitive::{needs_swap, Primitive};

/// Values nested deeper than this are refused rather than risking the stack.
const MAX_ENCODE_DEPTH: usize = 4096;

/// A whole message: header and `value`, for a peer with capability `capability`.
pub fn encode_message(
    value: &Value,
    kind: MessageKind,
    capability: Capability,
) -> Result<Vec<u8>, WireError> {
    let payload = encoded_len(value, capability, kind)?;
    let length = HEADER_LEN as u64 + payload;
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
    let length_usize = usize::try_from(length).map_err(|_| WireError::Limit {
        what: "message length",
        size: length,
        max: usize::MAX as u64,
    })?;
    let header = Header {
        big_endian: false,
        kind,
        compression: Compression::None,
        length,
    };
    // Zeroed memory of this size comes straight from the allocator (calloc), so sizing
    // exactly up front costs no extra pass.
    let mut writer = Writer {
        buf: vec![0u8; length_usize],
        pos: 0,
    };
    writer.put(&header.to_bytes());
    writer.value(value);
    debug_assert_eq!(writer.pos, length_usize);
    Ok(writer.buf)
}

/// The encoded size of `value` (no header), checking it can travel at `capability`.
pub fn encoded_len(
    value: &Value,
    capability: Capability,
    kind: MessageKind,
) -> Result<u64, WireError> {
    if let Value::Error(text) = value {
        if kind != MessageKind::Response {
            return Err(WireError::NotSerializable(
                "an error travels only as a response",
            ));
        }
        return Ok(1 + error_text(text).len() as u64 + 1);
    }
    Sizer {
        capability,
        depth: 0,
    }
    .len(value)
}

/// Error text is written as a C string: it ends at a NUL, if it holds one.
fn error_text(text: &str) -> &[u8] {
    let bytes = text.as_bytes();
    &bytes[..bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len())]
}

struct Sizer {
    capability: Capability,
    depth: usize,
}

impl Sizer {
    fn len(&mut self, value: &Value) -> Result<u64, WireError> {
        self.check_type(value.type_number())?;
        let n = |count: usize, width: u64| -> Result<u64, WireError> {
            Ok(self.vector_prefix_len(count)? + count as u64 * width)
        };
        Ok(match value {
            Value::Bool(_) | Value::Byte(_) | Value::Char(_) => 2,
            Value::Short(_) => 3,
            Value::Int(_) | Value::Real(_) | Value::Month(_) | Value::Date(_) => 5,
            Value::Minute(_) | Value::Second(_) | Value::Time(_) => 5,
            Value::Long(_) | Value::Float(_) | Value::Timestamp(_) => 9,
            Value::Datetime(_) | Value::Timespan(_) => 9,
            Value::Guid(_) => 17,
            Value::Symbol(s) => 1 + s.len() as u64 + 1,
            Value::BoolVector(v) => n(v.len(), 1)?,
            Value::ByteVector(v) | Value::CharVector(v) => n(v.len(), 1)?,
            Value::GuidVector(v) => n(v.len(), 16)?,
            Value::ShortVector(v) => n(v.len(), 2)?,
            Value::IntVector(v) | Value::MonthVector(v) | Value::DateVector(v) => n(v.len(), 4)?,
            Value::MinuteVector(v) | Value::SecondVector(v) | Value::TimeVector(v) => {
                n(v.len(), 4)?
            }
            Value::RealVector(v) => n(v.len(), 4)?,
            Value::LongVector(v) | Value::TimestampVector(v) | Value::TimespanVector(v) => {
                n(v.len(), 8)?
            }
            Value::FloatVector(v) | Value::DatetimeVector(v) => n(v.len(), 8)?,
            Value::SymbolVector(v) => {
                n(v.len(), 1)? + v.iter().map(|s| s.len() as u64).sum::<u64>()
            }
            Value::List(items) => {
                let mut total = self.vector_prefix_len(items.len())?;
                self.enter()?;
                for item in items.iter() {
                    total += self.len(item)?;
                }
                self.depth -= 1;
                total
            }
            Value::Dict(dict) => {
                self.enter()?;
                let total = 1 + self.len(&dict.keys)? + self.len(&dict.values)?;
                self.depth -= 1;
                total
            }
            Value::Table(table) => {
                self.enter()?;
                let total = self.table_len(table)?;
                self.depth -= 1;
                total
            }
            Value::KeyedTable(keyed) => {
                self.enter()?;
                let total = 1 + self.table_len(&keyed.key)? + self.table_len(&keyed.value)?;
                self.depth -= 1;
                total
            }
            Value::Function(function) => {
                self.enter()?;
                let total = self.function_len(function)?;
                self.depth -= 1;
                total
            }
            Value::Error(_) => {
                return Err(WireError::NotSerializable(
                    "an error travels only as the whole payload of a response",
                ))
            }
        })
    }

    fn check_type(&self, type_number: i8) -> Result<(), WireError> {
        let carried = match type_number.unsigned_abs() as i8 {
            t::TIMESTAMP | t::TIMESPAN => self.capability.carries_nanosecond_types(),
            t::GUID => self.capability.carries_guid(),
            _ => true,
        };
        if carried || type_number == t::ERROR {
            Ok(())
        } else {
            Err(WireError::CapabilityType {
                type_number,
                capability: self.capability.byte(),
            })
        }
    }

    fn enter(&mut self) -> Result<(), WireError> {
        self.depth += 1;
        if self.depth > MAX_ENCODE_DEPTH {
            return Err(WireError::TooDeep(MAX_ENCODE_DEPTH));
        }
        Ok(())
    }

    /// Type, attribute and count: 6 bytes, or 14 with the 8-byte count of capability 6.
    fn vector_prefix_len(&self, count: usize) -> Result<u64, WireError> {
        if count as u64 > i32::MAX as u64 && !self.capability.carries_long_vectors() {
            return Err(WireError::CapabilityLimit {
                what: "a vector of more than 2147483647 items",
                capability: self.capability.byte(),
            });
        }
        Ok(if count as u64 > u64::from(u32::MAX) {
            10
        } else {
            6
        })
    }

    fn table_len(&mut self, table: &Table) -> Result<u64, WireError> {
        // 98, attribute, 99, the names, then a general list of the columns.
        let names = Value::SymbolVector(table.names().clone());
        let mut total = 3 + self.len(&names)? + self.vector_prefix_len(table.columns().len())?;
        for column in table.columns() {
            total += self.len(column)?;
        }
        Ok(total)
    }

    fn function_len(&mut self, function: &Function) -> Result<u64, WireError> {
        Ok(match function {
            Function::Lambda(lambda) => {
                // 100, context as a C string, then the source as a char vector.
                2 + lambda.context.len() as u64 + 6 + lambda.source.len() as u64
            }
            Function::UnaryPrimitive(_) | Function::BinaryPrimitive(_) | Function::Iterator(_) => 2,
            Function::Projection(items) | Function::Composition(items) => {
                if items.is_empty() || items.len() > i32::MAX as usize {
                    return Err(WireError::NotSerializable(
                        "a projection or composition with no function",
                    ));
                }
                let mut total = 5;
                for item in items.iter() {
                    total += self.len(item)?;
                }
                total
            }
            Function::Derived(_, operand) => 1 + self.len(operand)?,
        })
    }
}

/// Fills a buffer sized by `encoded_len`; it cannot fail.
struct Writer {
    buf: Vec<u8>,
    pos: usize,
}

impl Writer {
    fn put(&mut self, bytes: &[u8]) {
        self.buf[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
        self.pos += bytes.len();
    }

    fn byte(&mut self, byte: u8) {
        self.buf[self.pos] = byte;
        self.pos += 1;
    }

    fn items<T: Primitive>(&mut self, items: &[T]) {
        if needs_swap(false) {
            for &item in items {
                self.put(bytemuck::bytes_of(&item.swap_bytes()));
            }
        } else {
            self.put(bytemuck::cast_slice(items));
        }
    }

    fn c_string(&mut self, text: &[u8]) {
        self.put(text);
        self.byte(0);
    }

    fn vector_prefix(&mut self, type_number: i8, attribute: u8, count: usize) {
        self.byte(type_number as u8);
        if count as u64 > u64::from(u32::MAX) {
            self.byte(attribute | 0x80);
            self.put(&(count as u64).to_le_bytes());
        } else {
            self.byte(attribute);
            self.put(&(count as u32).to_le_bytes());
        }
    }

    fn value(&mut self, value: &Value) {
        let type_number = value.type_number();
        match value {
            Value::Bool(b) => self.put(&[type_number as u8, u8::from(*b)]),
            Value::Byte(x) | Value::Char(x) => self.put(&[type_number as u8, *x]),
            Value::Guid(g) => {
                self.byte(type_number as u8);
                self.put(&g.0);
            }
            Value::Short(x) => self.atom(type_number, &x.to_le_bytes()),
            Value::Int(x)
            | Value::Month(x)
            | Value::Date(x)
            | Value::Minute(x)
            | Value::Second(x)
            | Value::Time(x) => self.atom(type_number, &x.to_le_bytes()),
            Value::Long(x) | Value::Timestamp(x) | Value::Timespan(x) => {
                self.atom(type_number, &x.to_le_bytes())
            }
            Value::Real(x) => self.atom(type_number, &real_bits(*x).to_le_bytes()),
            Value::Float(x) | Value::Datetime(x) => {
                self.atom(type_number, &float_bits(*x).to_le_bytes())
            }
            Value::Symbol(s) => {
                self.byte(type_number as u8);
                self.c_string(s.as_bytes());
            }
            Value::BoolVector(v) => {
                self.vector_prefix(type_number, v.attribute() as u8, v.len());
                self.put(bytemuck::cast_slice(v.as_slice()));
            }
            Value::GuidVector(v) => {
                self.vector_prefix(type_number, v.attribute() as u8, v.len());
                self.items(v.as_slice());
            }
            Value::ByteVector(v) | Value::CharVector(v) => {
                self.vector_prefix(type_number, v.attribute() as u8, v.len());
                self.put(v.as_slice());
            }
            Value::ShortVector(v) => {
                self.vector_prefix(type_number, v.attribute() as u8, v.len());
                self.items(v.as_slice());
            }
            Value::IntVector(v)
            | Value::MonthVector(v)
            | Value::DateVector(v)
            | Value::MinuteVector(v)
            | Value::SecondVector(v)
            | Value::TimeVector(v) => {
                self.vector_prefix(type_number, v.attribute() as u8, v.len());
                self.items(v.as_slice());
            }
            Value::LongVector(v) | Value::TimestampVector(v) | Value::TimespanVector(v) => {
                self.vector_prefix(type_number, v.attribute() as u8, v.len());
                self.items(v.as_slice());
            }
            Value::RealVector(v) => {
                self.vector_prefix(type_number, v.attribute() as u8, v.len());
                let out = &mut self.buf[self.pos..self.pos + v.len() * 4];
                for (slot, &x) in out.chunks_exact_mut(4).zip(v.iter()) {
                    slot.copy_from_slice(&real_bits(x).to_le_bytes());
                }
                self.pos += v.len() * 4;
            }
            Value::FloatVector(v) | Value::DatetimeVector(v) => {
                self.vector_prefix(type_number, v.attribute() as u8, v.len());
                let out = &mut self.buf[self.pos..self.pos + v.len() * 8];
                for (slot, &x) in out.chunks_exact_mut(8).zip(v.iter()) {
                    slot.copy_from_slice(&float_bits(x).to_le_bytes());
                }
                self.pos += v.len() * 8;
            }
            Value::SymbolVector(v) => {
                self.vector_prefix(type_number, v.attribute() as u8, v.len());
                for s in v.iter() {
                    self.c_string(s.as_bytes());
                }
            }
            Value::List(items) => {
                self.vector_prefix(type_number, items.attribute() as u8, items.len());
                for item in items.iter() {
                    self.value(item);
                }
            }
            Value::Dict(dict) => {
                self.byte(type_number as u8);
                self.value(&dict.keys);
                self.value(&dict.values);
            }
            Value::Table(table) => self.table(table),
            Value::KeyedTable(keyed) => {
                self.byte(type_number as u8);
                self.table(&keyed.key);
                self.table(&keyed.value);
            }
            Value::Function(function) => self.function(function),
            Value::Error(text) => {
                self.byte(t::ERROR as u8);
                self.c_string(error_text(text));
            }
        }
    }

    fn atom(&mut self, type_number: i8, bytes: &[u8]) {
        self.byte(type_number as u8);
        self.put(bytes);
    }

    fn table(&mut self, table: &Table) {
        self.put(&[t::TABLE as u8, table.attribute as u8, t::DICTIONARY as u8]);
        let names = table.names();
        self.vector_prefix(t::SYMBOL, names.attribute() as u8, names.len());
        for name in names.iter() {
            self.c_string(name.as_bytes());
        }
        self.vector_prefix(t::GENERAL_LIST, 0, table.columns().len());
        for column in table.columns() {
            self.value(column);
        }
    }

    fn function(&mut self, function: &Function) {
        self.byte(function.type_number() as u8);
        match function {
            Function::Lambda(lambda) => {
                self.c_string(lambda.context.as_bytes());
                self.vector_prefix(t::CHAR, 0, lambda.source.len());
                self.put(&lambda.source);
            }
            Function::UnaryPrimitive(index)
            | Function::BinaryPrimitive(index)
            | Function::Iterator(index) => self.byte(*index),
            Function::Projection(items) | Function::Composition(items) => {
                self.put(&(items.len() as u32).to_le_bytes());
                for item in items.iter() {
                    self.value(item);
                }
            }
            Function::Derived(_, operand) => self.value(operand),
        }
    }
}

/// Every NaN leaves as kdb+'s float null bit pattern.
fn float_bits(x: f64) -> u64 {
    if x.is_nan() {
        NULL_FLOAT_BITS
    } else {
        x.to_bits()
    }
}

fn real_bits(x: f32) -> u32 {
    if x.is_nan() {
        NULL_REAL_BITS
    } else {
        x.to_bits()
    }
}
