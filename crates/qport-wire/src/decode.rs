//! Deserialization: message bytes → `Value`, strictly.
//!
//! Every count is checked against the bytes actually left before anything is allocated;
//! nesting is capped; booleans must be 0 or 1; enumerations, foreign objects and unknown
//! types are refused. Either byte order is read.

use qport_value::{
    type_number as t, Adverb, Attribute, Dict, Function, Guid, KeyedTable, Symbol, SymbolCache,
    Table, Value, ValueError, Vector,
};

use crate::error::WireError;
use crate::primitive::{item_width, needs_swap, Primitive};

/// Items preallocated for a general list before any of them is read; a list longer than
/// this grows as its items prove to be there.
const LIST_PREALLOCATION: usize = 1 << 16;

/// Reads one value from `body` (a message without its header) and requires that it uses
/// every byte. `allow_error` admits an error (-128) as the whole value, as in a response.
pub(crate) fn decode_body(
    body: &[u8],
    big_endian: bool,
    max_depth: usize,
    allow_error: bool,
) -> Result<Value, WireError> {
    let mut reader = Reader {
        bytes: body,
        pos: 0,
        swap: needs_swap(big_endian),
        big_endian,
        depth: 0,
        max_depth,
        symbols: SymbolCache::new(),
    };
    let value = if allow_error && body.first() == Some(&(t::ERROR as u8)) {
        reader.pos = 1;
        let text = reader.c_string()?;
        Value::Error(String::from_utf8_lossy(text).into())
    } else {
        reader.value()?
    };
    match body.len() - reader.pos {
        0 => Ok(value),
        extra => Err(WireError::TrailingBytes(extra)),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Whether multi-byte items need swapping on this host.
    swap: bool,
    big_endian: bool,
    depth: usize,
    max_depth: usize,
    symbols: SymbolCache,
}

impl<'a> Reader<'a> {
    #[inline(always)]
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    #[inline(always)]
    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if n > self.remaining() {
            return Err(WireError::Truncated {
                offset: self.pos,
                needed: (n - self.remaining()) as u64,
            });
        }
        let bytes = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    #[inline(always)]
    fn array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    #[inline(always)]
    fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.array::<1>()?[0])
    }

    #[inline(always)]
    fn i16(&mut self) -> Result<i16, WireError> {
        let b = self.array()?;
        Ok(if self.big_endian {
            i16::from_be_bytes(b)
        } else {
            i16::from_le_bytes(b)
        })
    }

    #[inline(always)]
    fn i32(&mut self) -> Result<i32, WireError> {
        let b = self.array()?;
        Ok(if self.big_endian {
            i32::from_be_bytes(b)
        } else {
            i32::from_le_bytes(b)
        })
    }

    #[inline(always)]
    fn u32(&mut self) -> Result<u32, WireError> {
        Ok(self.i32()? as u32)
    }

    #[inline(always)]
    fn i64(&mut self) -> Result<i64, WireError> {
        let b = self.array()?;
        Ok(if self.big_endian {
            i64::from_be_bytes(b)
        } else {
            i64::from_le_bytes(b)
        })
    }

    fn f32(&mut self) -> Result<f32, WireError> {
        Ok(f32::from_bits(self.i32()? as u32))
    }

    fn f64(&mut self) -> Result<f64, WireError> {
        Ok(f64::from_bits(self.i64()? as u64))
    }

    /// When the next NUL is among the next 8 bytes (most symbols are short): those 8
    /// bytes as a little-endian word, and where the NUL is among them.
    #[inline(always)]
    fn nul_in_next_word(&self) -> Option<(u64, usize)> {
        let head = self.bytes.get(self.pos..self.pos + 8)?;
        let word = u64::from_le_bytes(head.try_into().unwrap_or_default());
        let zeros = word.wrapping_sub(0x0101_0101_0101_0101) & !word & 0x8080_8080_8080_8080;
        // The lowest flagged byte is the first NUL (a borrow can only flag bytes above it).
        (zeros != 0).then(|| (word, (zeros.trailing_zeros() / 8) as usize))
    }

    /// Bytes up to the next NUL, which is consumed.
    #[inline]
    fn c_string(&mut self) -> Result<&'a [u8], WireError> {
        let rest = &self.bytes[self.pos..];
        let end = match self.nul_in_next_word() {
            Some((_, end)) => end,
            None => memchr::memchr(0, rest).ok_or(WireError::Truncated {
                offset: self.bytes.len(),
                needed: 1,
            })?,
        };
        self.pos += end + 1;
        Ok(&rest[..end])
    }

    fn enter(&mut self) -> Result<(), WireError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(WireError::TooDeep(self.max_depth));
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Value, WireError> {
        let type_number = self.u8()? as i8;
        Ok(match type_number {
            -1 => Value::Bool(self.boolean()?),
            -2 => Value::Guid(Guid(self.array()?)),
            -4 => Value::Byte(self.u8()?),
            -5 => Value::Short(self.i16()?),
            -6 => Value::Int(self.i32()?),
            -7 => Value::Long(self.i64()?),
            -8 => Value::Real(self.f32()?),
            -9 => Value::Float(self.f64()?),
            -10 => Value::Char(self.u8()?),
            -11 => Value::Symbol(self.symbol()?),
            -12 => Value::Timestamp(self.i64()?),
            -13 => Value::Month(self.i32()?),
            -14 => Value::Date(self.i32()?),
            -15 => Value::Datetime(self.f64()?),
            -16 => Value::Timespan(self.i64()?),
            -17 => Value::Minute(self.i32()?),
            -18 => Value::Second(self.i32()?),
            -19 => Value::Time(self.i32()?),
            0 => self.general_list()?,
            1..=19 => self.vector(type_number)?,
            t::TABLE => Value::table(self.table_body()?),
            t::DICTIONARY | t::SORTED_DICTIONARY => {
                self.dictionary(type_number == t::SORTED_DICTIONARY)?
            }
            t::LAMBDA..=t::EACH_LEFT => Value::Function(self.function(type_number)?),
            20..=76 => return Err(WireError::Enumeration(type_number)),
            112 => return Err(WireError::Foreign),
            other => return Err(WireError::UnknownType(other)),
        })
    }

    fn boolean(&mut self) -> Result<bool, WireError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(WireError::BadBoolean(other)),
        }
    }

    /// Attribute and count of a vector or list, with the count bounded by `min_item_len`
    /// bytes per item against what is left.
    #[inline(always)]
    fn vector_prefix(&mut self, min_item_len: usize) -> Result<(Attribute, usize), WireError> {
        let attribute_byte = self.u8()?;
        let long_count = attribute_byte & 0x80 != 0;
        let attribute = Attribute::from_byte(attribute_byte & 0x7f)
            .ok_or(WireError::BadAttribute(attribute_byte))?;
        // A 4-byte count is unsigned (capability 6 writes counts up to 2^32 − 1 in it);
        // the 0x80 flag marks an 8-byte count.
        let count = if long_count {
            self.i64()? as u64
        } else {
            u64::from(self.u32()?)
        };
        let needed = count.saturating_mul(min_item_len as u64);
        if needed > self.remaining() as u64 {
            return Err(WireError::Truncated {
                offset: self.pos,
                needed: needed - self.remaining() as u64,
            });
        }
        Ok((attribute, count as usize))
    }

    #[inline(always)]
    fn items<T: Primitive>(
        &mut self,
        count: usize,
        attribute: Attribute,
    ) -> Result<Vector<T>, WireError> {
        let bytes = self.take(count * std::mem::size_of::<T>())?;
        let mut items = Vector::<T>::from_native_bytes(bytes);
        if self.swap {
            for item in items.make_mut() {
                *item = item.swap_bytes();
            }
        }
        items.set_attribute(attribute);
        Ok(items)
    }

    #[inline]
    fn symbol(&mut self) -> Result<Symbol, WireError> {
        // A short symbol is looked up by the word its NUL was found in.
        if let Some((word, len)) = self.nul_in_next_word() {
            self.pos += len + 1;
            return Ok(self.symbols.intern_word(word & ((1u64 << (8 * len)) - 1)));
        }
        let text = self.c_string()?;
        Ok(self.symbols.intern(text))
    }

    fn vector(&mut self, type_number: i8) -> Result<Value, WireError> {
        let width = item_width(type_number).ok_or(WireError::UnknownType(type_number))?;
        let (attribute, count) = self.vector_prefix(width)?;
        macro_rules! typed {
            ($variant:ident) => {
                Value::$variant(self.items(count, attribute)?)
            };
        }
        Ok(match type_number {
            t::BOOLEAN => {
                let bytes = self.take(count)?;
                if let Some(&bad) = bytes.iter().find(|&&b| b > 1) {
                    return Err(WireError::BadBoolean(bad));
                }
                let mut items: Vector<bool> = bytes.iter().map(|&b| b == 1).collect();
                items.set_attribute(attribute);
                Value::BoolVector(items)
            }
            t::GUID => typed!(GuidVector),
            t::BYTE => typed!(ByteVector),
            t::SHORT => typed!(ShortVector),
            t::INT => typed!(IntVector),
            t::LONG => typed!(LongVector),
            t::REAL => typed!(RealVector),
            t::FLOAT => typed!(FloatVector),
            t::CHAR => typed!(CharVector),
            t::SYMBOL => {
                let mut symbols = self.symbols(count)?;
                symbols.set_attribute(attribute);
                Value::SymbolVector(symbols)
            }
            t::TIMESTAMP => typed!(TimestampVector),
            t::MONTH => typed!(MonthVector),
            t::DATE => typed!(DateVector),
            t::DATETIME => typed!(DatetimeVector),
            t::TIMESPAN => typed!(TimespanVector),
            t::MINUTE => typed!(MinuteVector),
            t::SECOND => typed!(SecondVector),
            _ => typed!(TimeVector),
        })
    }

    fn symbols(&mut self, count: usize) -> Result<Vector<Symbol>, WireError> {
        let mut symbols = Vector::with_capacity(count);
        for _ in 0..count {
            symbols.push(self.symbol()?);
        }
        Ok(symbols)
    }

    fn general_list(&mut self) -> Result<Value, WireError> {
        // Every value takes at least 2 bytes: its type and one more.
        let (attribute, count) = self.vector_prefix(2)?;
        self.enter()?;
        let mut items = Vector::with_capacity(count.min(LIST_PREALLOCATION));
        for _ in 0..count {
            // Strings are the usual items of a general list (a string column): read here,
            // the value is built in place rather than returned through `value`.
            let item = if self.bytes.get(self.pos) == Some(&(t::CHAR as u8)) {
                self.pos += 1;
                let (attribute, count) = self.vector_prefix(1)?;
                Value::CharVector(self.items(count, attribute)?)
            } else {
                self.value()?
            };
            items.push(item);
        }
        self.depth -= 1;
        items.set_attribute(attribute);
        Ok(Value::List(items))
    }

    fn dictionary(&mut self, sorted: bool) -> Result<Value, WireError> {
        self.enter()?;
        let keys = self.value()?;
        let values = self.value()?;
        self.depth -= 1;
        Ok(match (keys, values) {
            (Value::Table(key), Value::Table(value)) => {
                let keyed = KeyedTable::new(unshare(key), unshare(value)).map_err(malformed)?;
                Value::keyed_table(keyed.sorted(sorted))
            }
            (keys, values) => {
                Value::dict(Dict::new(keys, values).map_err(malformed)?.sorted(sorted))
            }
        })
    }

    /// After the 98 type byte: attribute, then a dictionary of names to columns.
    fn table_body(&mut self) -> Result<Table, WireError> {
        let attribute_byte = self.u8()?;
        let attribute =
            Attribute::from_byte(attribute_byte).ok_or(WireError::BadAttribute(attribute_byte))?;
        if self.u8()? != t::DICTIONARY as u8 {
            return Err(WireError::Malformed(
                "a table must hold a column dictionary",
            ));
        }
        self.enter()?;
        let names = self.value()?;
        let columns = self.value()?;
        self.depth -= 1;
        let (Value::SymbolVector(names), Value::List(columns)) = (names, columns) else {
            return Err(WireError::Malformed(
                "a table's dictionary must map a symbol vector to a general list",
            ));
        };
        let table = Table::new(names, columns.into_vec()).map_err(malformed)?;
        Ok(table.with_attribute(attribute))
    }

    fn function(&mut self, type_number: i8) -> Result<Function, WireError> {
        self.enter()?;
        let function = match type_number {
            t::LAMBDA => {
                let context = self.symbol()?;
                match self.value()? {
                    Value::CharVector(source) => Function::lambda(context, source.into_vec()),
                    _ => return Err(WireError::Malformed("a lambda's source must be a string")),
                }
            }
            t::UNARY_PRIMITIVE => Function::UnaryPrimitive(self.u8()?),
            t::BINARY_PRIMITIVE => Function::BinaryPrimitive(self.u8()?),
            t::ITERATOR => Function::Iterator(self.u8()?),
            t::PROJECTION | t::COMPOSITION => {
                let count = self.u32()? as usize;
                if count == 0 {
                    return Err(WireError::Malformed(
                        "a projection or composition with no function",
                    ));
                }
                if count > self.remaining() / 2 {
                    return Err(WireError::Truncated {
                        offset: self.pos,
                        needed: (count * 2 - self.remaining()) as u64,
                    });
                }
                let items = (0..count)
                    .map(|_| self.value())
                    .collect::<Result<Vec<_>, _>>()?;
                if type_number == t::PROJECTION {
                    Function::Projection(items.into())
                } else {
                    Function::Composition(items.into())
                }
            }
            _ => {
                let adverb = Adverb::from_type_number(type_number)
                    .ok_or(WireError::UnknownType(type_number))?;
                Function::Derived(adverb, self.value()?.into())
            }
        };
        self.depth -= 1;
        Ok(function)
    }
}

fn unshare(table: std::sync::Arc<Table>) -> Table {
    std::sync::Arc::try_unwrap(table).unwrap_or_else(|shared| (*shared).clone())
}

fn malformed(error: ValueError) -> WireError {
    WireError::Malformed(match error {
        ValueError::Length { .. } => "parts of a dictionary or table differ in length",
        ValueError::Type(what) => what,
    })
}
