//! Property tests: every kind of value survives encode → decode at every capability that
//! can carry it, is refused by the ones that cannot, and compression is lossless.

use std::cell::Cell;
use std::sync::Arc;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::{Config, TestRunner};
use qport_value::null::{NULL_FLOAT_BITS, NULL_REAL_BITS};
use qport_value::{
    Adverb, Attribute, Dict, Function, Guid, KeyedTable, Symbol, Table, Value, Vector,
};
use qport_wire::{
    compress_message, decode_message, decompress_message, deserialize, encode_message, encoded_len,
    Capability, Compression, DecodeLimits, Header, MessageKind, HEADER_LEN,
};

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

fn attribute() -> impl Strategy<Value = Attribute> + Clone {
    prop_oneof![
        Just(Attribute::None),
        Just(Attribute::Sorted),
        Just(Attribute::Unique),
        Just(Attribute::Parted),
        Just(Attribute::Grouped),
    ]
}

fn kind() -> impl Strategy<Value = MessageKind> {
    prop_oneof![
        Just(MessageKind::Async),
        Just(MessageKind::Sync),
        Just(MessageKind::Response),
    ]
}

/// Integers with their nulls and infinities (min, max, -max) mixed in often.
fn short() -> impl Strategy<Value = i16> + Clone {
    prop_oneof![
        3 => any::<i16>(),
        1 => Just(i16::MIN),
        1 => Just(i16::MAX),
        1 => Just(-i16::MAX),
        1 => Just(0),
    ]
}

fn int() -> impl Strategy<Value = i32> + Clone {
    prop_oneof![
        3 => any::<i32>(),
        1 => Just(i32::MIN),
        1 => Just(i32::MAX),
        1 => Just(-i32::MAX),
        1 => Just(0),
    ]
}

fn long() -> impl Strategy<Value = i64> + Clone {
    prop_oneof![
        3 => any::<i64>(),
        1 => Just(i64::MIN),
        1 => Just(i64::MAX),
        1 => Just(-i64::MAX),
        1 => Just(0),
    ]
}

/// Any f64 (every class, NaNs with any payload), with NaN, ±inf, ±0.0 mixed in often.
fn float() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![
        4 => any::<f64>(),
        2 => any::<u64>().prop_map(f64::from_bits),
        1 => Just(f64::NAN),
        1 => Just(-f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(-0.0),
        1 => Just(0.0),
    ]
}

fn real() -> impl Strategy<Value = f32> + Clone {
    prop_oneof![
        4 => any::<f32>(),
        2 => any::<u32>().prop_map(f32::from_bits),
        1 => Just(f32::NAN),
        1 => Just(-f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
        1 => Just(-0.0f32),
        1 => Just(0.0f32),
    ]
}

fn guid() -> impl Strategy<Value = Guid> + Clone {
    prop_oneof![
        4 => any::<[u8; 16]>().prop_map(Guid),
        1 => Just(Guid([0; 16])),
    ]
}

/// Symbols of arbitrary bytes without NUL (q's symbols are C strings), empty included.
fn symbol() -> impl Strategy<Value = Symbol> + Clone {
    vec(1u8..=255, 0..8).prop_map(Symbol::new)
}

fn atom() -> BoxedStrategy<Value> {
    Union::new(vec![
        any::<bool>().prop_map(Value::Bool).boxed(),
        guid().prop_map(Value::Guid).boxed(),
        any::<u8>().prop_map(Value::Byte).boxed(),
        short().prop_map(Value::Short).boxed(),
        int().prop_map(Value::Int).boxed(),
        long().prop_map(Value::Long).boxed(),
        real().prop_map(Value::Real).boxed(),
        float().prop_map(Value::Float).boxed(),
        any::<u8>().prop_map(Value::Char).boxed(),
        symbol().prop_map(Value::Symbol).boxed(),
        long().prop_map(Value::Timestamp).boxed(),
        int().prop_map(Value::Month).boxed(),
        int().prop_map(Value::Date).boxed(),
        float().prop_map(Value::Datetime).boxed(),
        long().prop_map(Value::Timespan).boxed(),
        int().prop_map(Value::Minute).boxed(),
        int().prop_map(Value::Second).boxed(),
        int().prop_map(Value::Time).boxed(),
    ])
    .boxed()
}

/// A typed vector of exactly `len` items, of any of the 18 vector types, any attribute.
fn vector_of_len(len: usize) -> BoxedStrategy<Value> {
    macro_rules! typed {
        ($variant:ident, $item:expr) => {
            (vec($item, len), attribute())
                .prop_map(|(items, a)| Value::$variant(Vector::with_attribute(items, a)))
                .boxed()
        };
    }
    Union::new(vec![
        typed!(BoolVector, any::<bool>()),
        typed!(GuidVector, guid()),
        typed!(ByteVector, any::<u8>()),
        typed!(ShortVector, short()),
        typed!(IntVector, int()),
        typed!(LongVector, long()),
        typed!(RealVector, real()),
        typed!(FloatVector, float()),
        typed!(CharVector, any::<u8>()),
        typed!(SymbolVector, symbol()),
        typed!(TimestampVector, long()),
        typed!(MonthVector, int()),
        typed!(DateVector, int()),
        typed!(DatetimeVector, float()),
        typed!(TimespanVector, long()),
        typed!(MinuteVector, int()),
        typed!(SecondVector, int()),
        typed!(TimeVector, int()),
    ])
    .boxed()
}

fn vector() -> BoxedStrategy<Value> {
    (0usize..12).prop_flat_map(vector_of_len).boxed()
}

fn string() -> impl Strategy<Value = Value> + Clone {
    vec(any::<u8>(), 0..6).prop_map(Value::string)
}

/// A table column of `rows` items: a typed vector or a general list of strings.
fn column_of_len(rows: usize) -> BoxedStrategy<Value> {
    prop_oneof![
        3 => vector_of_len(rows),
        1 => vec(string(), rows).prop_map(Value::list),
    ]
    .boxed()
}

fn table_with_rows(rows: usize) -> BoxedStrategy<Value> {
    (1usize..=4)
        .prop_flat_map(move |columns| {
            (
                vec(symbol(), columns),
                attribute(),
                vec(column_of_len(rows), columns),
                prop_oneof![Just(Attribute::None), Just(Attribute::Sorted)],
            )
        })
        .prop_map(|(names, names_attribute, columns, table_attribute)| {
            let names = Vector::with_attribute(names, names_attribute);
            let table = Table::new(names, columns).expect("columns of one length");
            Value::table(table.with_attribute(table_attribute))
        })
        .boxed()
}

fn table() -> BoxedStrategy<Value> {
    (0usize..6).prop_flat_map(table_with_rows).boxed()
}

fn keyed_table() -> BoxedStrategy<Value> {
    (0usize..6)
        .prop_flat_map(|rows| (table_with_rows(rows), table_with_rows(rows), any::<bool>()))
        .prop_map(|(key, value, sorted)| {
            let (Value::Table(key), Value::Table(value)) = (key, value) else {
                unreachable!("table_with_rows makes tables")
            };
            let keyed = KeyedTable::new((*key).clone(), (*value).clone()).expect("same rows");
            Value::keyed_table(keyed.sorted(sorted))
        })
        .boxed()
}

fn list_of_len(inner: BoxedStrategy<Value>, len: usize) -> BoxedStrategy<Value> {
    (vec(inner, len), attribute())
        .prop_map(|(items, a)| Value::List(Vector::with_attribute(items, a)))
        .boxed()
}

/// A dictionary's key or value side with `len` items: a vector, a general list or a table.
fn dict_side(inner: BoxedStrategy<Value>, len: usize) -> BoxedStrategy<Value> {
    prop_oneof![
        3 => vector_of_len(len),
        2 => list_of_len(inner, len),
        1 => table_with_rows(len),
    ]
    .boxed()
}

fn dict(inner: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    (0usize..6)
        .prop_flat_map(move |len| {
            (
                dict_side(inner.clone(), len),
                dict_side(inner.clone(), len),
                any::<bool>(),
            )
        })
        // Two tables make a keyed table, which has its own strategy.
        .prop_filter_map("two tables are a keyed table", |(keys, values, sorted)| {
            Dict::new(keys, values)
                .ok()
                .map(|d| Value::dict(d.sorted(sorted)))
        })
        .boxed()
}

fn adverb() -> impl Strategy<Value = Adverb> {
    prop_oneof![
        Just(Adverb::Each),
        Just(Adverb::Over),
        Just(Adverb::Scan),
        Just(Adverb::EachPrior),
        Just(Adverb::EachRight),
        Just(Adverb::EachLeft),
    ]
}

/// Functions without function operands: lambdas, primitives and iterators.
fn simple_function() -> BoxedStrategy<Value> {
    prop_oneof![
        (symbol(), vec(any::<u8>(), 0..24))
            .prop_map(|(context, source)| Value::from(Function::lambda(context, source))),
        any::<u8>().prop_map(|i| Value::from(Function::UnaryPrimitive(i))),
        any::<u8>().prop_map(|i| Value::from(Function::BinaryPrimitive(i))),
        any::<u8>().prop_map(|i| Value::from(Function::Iterator(i))),
    ]
    .boxed()
}

fn compound_function(inner: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    prop_oneof![
        vec(inner.clone(), 1..=3).prop_map(|items| Value::from(Function::Projection(items.into()))),
        vec(inner.clone(), 1..=3)
            .prop_map(|items| Value::from(Function::Composition(items.into()))),
        (adverb(), inner).prop_map(|(a, v)| Value::from(Function::Derived(a, Arc::new(v)))),
    ]
    .boxed()
}

/// Any value of any type, nested a few levels.
fn value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        4 => atom(),
        4 => vector(),
        1 => table(),
        1 => keyed_table(),
        1 => simple_function(),
    ];
    let nested = leaf.clone().prop_recursive(3, 48, 4, |inner| {
        prop_oneof![
            3 => (0usize..5).prop_flat_map({
                let inner = inner.clone();
                move |len| list_of_len(inner.clone(), len)
            }),
            2 => dict(inner.clone()),
            2 => compound_function(inner),
        ]
    });
    // Plain atoms and vectors at the top often too, not only inside compounds.
    prop_oneof![1 => leaf, 2 => nested].boxed()
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The lowest capability that can carry `value`: 3 with a guid anywhere in it, 1 with a
/// timestamp or timespan, else 0.
fn min_capability(value: &Value) -> u8 {
    let table = |t: &Table| t.columns().iter().map(min_capability).max().unwrap_or(0);
    match value {
        Value::Guid(_) | Value::GuidVector(_) => 3,
        Value::Timestamp(_)
        | Value::Timespan(_)
        | Value::TimestampVector(_)
        | Value::TimespanVector(_) => 1,
        Value::List(items) => items.iter().map(min_capability).max().unwrap_or(0),
        Value::Dict(d) => min_capability(&d.keys).max(min_capability(&d.values)),
        Value::Table(t) => table(t),
        Value::KeyedTable(k) => table(&k.key).max(table(&k.value)),
        Value::Function(Function::Projection(items) | Function::Composition(items)) => {
            items.iter().map(min_capability).max().unwrap_or(0)
        }
        Value::Function(Function::Derived(_, operand)) => min_capability(operand),
        _ => 0,
    }
}

fn contains_guid(value: &Value) -> bool {
    min_capability(value) >= 3
}

fn header_of(message: &[u8]) -> Header {
    Header::parse(message[..HEADER_LEN].try_into().unwrap()).expect("valid header")
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every capability that can carry a value roundtrips it with the same bytes and an
    /// exact length; every capability that cannot refuses it with `'type`.
    #[test]
    fn encode_then_decode_is_identity_at_every_capable_capability(v in value(), kind in kind()) {
        let needed = min_capability(&v);
        let mut canonical: Option<Vec<u8>> = None;
        for c in 0..=6u8 {
            let capability = Capability::new(c);
            let result = encode_message(&v, kind, capability);
            if c < needed {
                let err = result.expect_err("capability too low must refuse");
                prop_assert_eq!(err.q_text(), "type", "capability {} needs {}", c, needed);
                if contains_guid(&v) {
                    prop_assert!(c < 3);
                } else {
                    prop_assert_eq!(c, 0);
                }
                let err = encoded_len(&v, capability, kind).expect_err("sizer refuses too");
                prop_assert_eq!(err.q_text(), "type");
                continue;
            }
            let bytes = result.expect("capability can carry the value");
            let payload = encoded_len(&v, capability, kind).expect("sizes");
            prop_assert_eq!(bytes.len() as u64, payload + HEADER_LEN as u64);
            let header = header_of(&bytes);
            prop_assert_eq!(header.length, bytes.len() as u64);
            prop_assert_eq!(header.kind, kind);
            prop_assert_eq!(header.compression, Compression::None);
            prop_assert!(!header.big_endian);
            prop_assert_eq!(bytes[3], 0);

            let message = decode_message(&bytes, &DecodeLimits::DEFAULT).expect("decodes");
            prop_assert_eq!(message.kind, kind);
            prop_assert_eq!(&message.value, &v);

            // Small values encode the same at every capability, and re-encoding what was
            // decoded gives the same bytes (the encoding is canonical).
            let again = encode_message(&message.value, kind, capability).expect("re-encodes");
            prop_assert_eq!(&again, &bytes);
            match &canonical {
                None => canonical = Some(bytes),
                Some(first) => prop_assert_eq!(first, &bytes),
            }
        }
        // Handshake bytes above 6 mean the highest capability.
        let above = encode_message(&v, kind, Capability::new(255)).expect("max carries all");
        prop_assert_eq!(Some(above), canonical);
    }

    /// Beyond NaN == NaN: non-NaN floats keep their exact bits (-0.0 stays -0.0), and every
    /// NaN is sent as kdb+'s null pattern.
    #[test]
    fn float_bits_survive_and_nans_become_kdb_nulls(
        floats in vec(float(), 0..40),
        reals in vec(real(), 0..40),
        f in float(),
        r in real(),
    ) {
        let same_f64 = |a: f64, b: f64| {
            if a.is_nan() { b.to_bits() == NULL_FLOAT_BITS } else { a.to_bits() == b.to_bits() }
        };
        let same_f32 = |a: f32, b: f32| {
            if a.is_nan() { b.to_bits() == NULL_REAL_BITS } else { a.to_bits() == b.to_bits() }
        };
        let roundtrip = |v: &Value| {
            let bytes = encode_message(v, MessageKind::Async, Capability::MAX).unwrap();
            decode_message(&bytes, &DecodeLimits::DEFAULT).unwrap().value
        };
        for v in [
            Value::FloatVector(Vector::new(floats.clone())),
            Value::DatetimeVector(Vector::new(floats.clone())),
        ] {
            let (Value::FloatVector(back) | Value::DatetimeVector(back)) = roundtrip(&v) else {
                panic!("float vector decoded as another type");
            };
            prop_assert_eq!(back.len(), floats.len());
            for (&a, &b) in floats.iter().zip(back.iter()) {
                prop_assert!(same_f64(a, b), "{:#x} came back as {:#x}", a.to_bits(), b.to_bits());
            }
        }
        let Value::RealVector(back) = roundtrip(&Value::RealVector(Vector::new(reals.clone())))
        else {
            panic!("real vector decoded as another type");
        };
        prop_assert_eq!(back.len(), reals.len());
        for (&a, &b) in reals.iter().zip(back.iter()) {
            prop_assert!(same_f32(a, b), "{:#x} came back as {:#x}", a.to_bits(), b.to_bits());
        }
        let Value::Float(back) = roundtrip(&Value::Float(f)) else { panic!("float atom") };
        prop_assert!(same_f64(f, back));
        let Value::Datetime(back) = roundtrip(&Value::Datetime(f)) else { panic!("datetime") };
        prop_assert!(same_f64(f, back));
        let Value::Real(back) = roundtrip(&Value::Real(r)) else { panic!("real atom") };
        prop_assert!(same_f32(r, back));
    }

    /// An error travels as the whole payload of a response, and only there.
    #[test]
    fn error_responses_roundtrip_and_other_kinds_refuse_them(text in "[^\u{0}]{0,30}") {
        let error = Value::error(&text);
        let bytes = encode_message(&error, MessageKind::Response, Capability::MAX).unwrap();
        prop_assert_eq!(bytes.len(), HEADER_LEN + 1 + text.len() + 1);
        prop_assert_eq!(bytes[HEADER_LEN], 0x80);
        prop_assert_eq!(
            encoded_len(&error, Capability::MAX, MessageKind::Response).unwrap() + 8,
            bytes.len() as u64
        );
        let message = decode_message(&bytes, &DecodeLimits::DEFAULT).unwrap();
        prop_assert_eq!(message.kind, MessageKind::Response);
        prop_assert_eq!(message.value, error.clone());
        for kind in [MessageKind::Async, MessageKind::Sync] {
            let err = encode_message(&error, kind, Capability::MAX).unwrap_err();
            prop_assert_eq!(err.q_text(), "type");
            // The same bytes relabelled as this kind are refused by the decoder.
            let mut relabelled = bytes.clone();
            relabelled[1] = kind as u8;
            prop_assert!(decode_message(&relabelled, &DecodeLimits::DEFAULT).is_err());
        }
    }

    /// -18! then -9!: a value repeated until its message is well over 2000 bytes comes back
    /// whole, whether or not it compressed.
    #[test]
    fn compressed_serialized_values_deserialize_to_themselves(
        v in value(),
        copies in 1usize..80,
    ) {
        let list = Value::list(std::iter::repeat_n(v, copies));
        let compressed = qport_wire::compress(&list).unwrap();
        let plain = qport_wire::serialize(&list).unwrap();
        if compressed[2] == 1 {
            prop_assert!(plain.len() > 2000);
            prop_assert!(compressed.len() <= plain.len() / 2);
            prop_assert_eq!(decompress_message(&compressed, u64::MAX).unwrap(), plain);
        } else {
            prop_assert_eq!(&compressed, &plain);
        }
        prop_assert_eq!(deserialize(&compressed).unwrap(), list);
    }
}

/// Message payloads that compress often: random bytes mixed with runs and repeats.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    let chunk = prop_oneof![
        // Random bytes, sometimes enough to make the message incompressible.
        3 => vec(any::<u8>(), 0..1500),
        // A run of one byte.
        2 => (any::<u8>(), 1usize..2000).prop_map(|(b, n)| vec![b; n]),
        // A short pattern repeated.
        2 => (vec(any::<u8>(), 1..12), 1usize..300).prop_map(|(p, n)| p.repeat(n)),
        // Small integers as 8-byte longs, like a serialized `til n`.
        1 => (any::<u16>(), 1usize..400).prop_map(|(start, n)| {
            (0..n as u64).flat_map(|i| (u64::from(start) + i).to_le_bytes()).collect()
        }),
    ];
    vec(chunk, 0..24).prop_map(|chunks| {
        let mut bytes = chunks.concat();
        bytes.truncate(20_000);
        bytes
    })
}

/// compress → decompress is the identity on any valid uncompressed message, in either byte
/// order and of any kind, and the output is never more than half the input. Run through a
/// runner by hand to count how often compression happened, so the property is not vacuous.
#[test]
fn compress_then_decompress_is_identity_on_arbitrary_messages() {
    let mut runner = TestRunner::new(Config {
        cases: 384,
        ..Config::default()
    });
    let compressed_count = Cell::new(0usize);
    let over_threshold = Cell::new(0usize);
    let strategy = (payload(), any::<bool>(), 0u8..3);
    runner
        .run(&strategy, |(body, big_endian, kind)| {
            let length = (HEADER_LEN + body.len()) as u32;
            let mut message = vec![u8::from(!big_endian), kind, 0, 0];
            message.extend_from_slice(&if big_endian {
                length.to_be_bytes()
            } else {
                length.to_le_bytes()
            });
            message.extend_from_slice(&body);
            if message.len() > 2000 {
                over_threshold.set(over_threshold.get() + 1);
            } else {
                prop_assert_eq!(
                    compress_message(&message),
                    None,
                    "kdb+ leaves <= 2000 bytes alone"
                );
            }
            match compress_message(&message) {
                // Not compressible to within half (or short): sent as it is.
                None => {}
                Some(c) => {
                    compressed_count.set(compressed_count.get() + 1);
                    prop_assert!(message.len() > 2000, "kdb+ leaves <= 2000 bytes alone");
                    // kdb+'s compressor stops once it cannot stay within half: the output
                    // is at most N/2 (integer division), so strictly under half for odd N.
                    prop_assert!(c.len() <= message.len() / 2);
                    prop_assert_eq!(c[0], message[0]);
                    prop_assert_eq!(c[1], message[1]);
                    prop_assert_eq!(c[2], 1);
                    let header = header_of(&c);
                    prop_assert_eq!(header.length, c.len() as u64);
                    prop_assert_eq!(header.big_endian, big_endian);
                    let back = decompress_message(&c, u64::MAX).expect("decompresses");
                    prop_assert_eq!(back, message);
                }
            }
            Ok(())
        })
        .unwrap();
    let (compressed, over) = (compressed_count.get(), over_threshold.get());
    // The payloads are built to be compressible: most messages over 2000 bytes compress.
    assert!(
        compressed * 2 > over,
        "only {compressed} of {over} messages over 2000 bytes compressed"
    );
}

// ---------------------------------------------------------------------------------------
// Big-endian messages, built by hand
// ---------------------------------------------------------------------------------------

/// Writes numbers in one byte order.
struct Builder {
    big_endian: bool,
    bytes: Vec<u8>,
}

impl Builder {
    fn new(big_endian: bool) -> Builder {
        Builder {
            big_endian,
            bytes: Vec::new(),
        }
    }
    fn raw(&mut self, bytes: &[u8]) -> &mut Builder {
        self.bytes.extend_from_slice(bytes);
        self
    }
    fn i16(&mut self, x: i16) -> &mut Builder {
        let b = if self.big_endian {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        };
        self.raw(&b)
    }
    fn i32(&mut self, x: i32) -> &mut Builder {
        let b = if self.big_endian {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        };
        self.raw(&b)
    }
    fn i64(&mut self, x: i64) -> &mut Builder {
        let b = if self.big_endian {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        };
        self.raw(&b)
    }
    fn f64(&mut self, x: f64) -> &mut Builder {
        self.i64(x.to_bits() as i64)
    }
    /// The whole message: header (kind 0, uncompressed) then the body built so far.
    fn message(&self) -> Vec<u8> {
        let length = (HEADER_LEN + self.bytes.len()) as u32;
        let mut message = vec![u8::from(!self.big_endian), 0, 0, 0];
        message.extend_from_slice(&if self.big_endian {
            length.to_be_bytes()
        } else {
            length.to_le_bytes()
        });
        message.extend_from_slice(&self.bytes);
        message
    }
}

/// Builds the same body in both byte orders; the little-endian one must be exactly what
/// the encoder writes, and the big-endian one must decode to the same value.
fn check_both_orders(expected: Value, build: impl Fn(&mut Builder)) {
    let mut little = Builder::new(false);
    build(&mut little);
    let mut big = Builder::new(true);
    build(&mut big);
    let (little, big) = (little.message(), big.message());
    assert_ne!(little, big, "the test body must contain multi-byte numbers");
    assert_eq!(
        little,
        encode_message(&expected, MessageKind::Async, Capability::MAX).unwrap(),
        "hand-built little-endian bytes are the encoder's"
    );
    let from_little = decode_message(&little, &DecodeLimits::DEFAULT).unwrap();
    let from_big = decode_message(&big, &DecodeLimits::DEFAULT).unwrap();
    assert_eq!(from_little.value, expected);
    assert_eq!(from_big.value, expected, "big-endian twin");
}

#[test]
fn big_endian_int_atom_decodes_like_its_little_endian_twin() {
    check_both_orders(Value::Int(-123_456_789), |b| {
        b.raw(&[0xfa]).i32(-123_456_789);
    });
}

#[test]
fn big_endian_long_vector_decodes_like_its_little_endian_twin() {
    let items = vec![0i64, 1, -1, i64::MIN, i64::MAX, 0x0102_0304_0506_0708];
    let expected = Value::LongVector(Vector::with_attribute(items.clone(), Attribute::Unique));
    check_both_orders(expected, |b| {
        b.raw(&[0x07, 0x02]).i32(items.len() as i32);
        for &x in &items {
            b.i64(x);
        }
    });
}

#[test]
fn big_endian_float_vector_decodes_like_its_little_endian_twin() {
    let items = vec![
        1.5f64,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e-310,
        f64::NAN,
    ];
    let expected = Value::from(items.clone());
    check_both_orders(expected, |b| {
        b.raw(&[0x09, 0x00]).i32(items.len() as i32);
        for &x in &items {
            // NaN goes out as kdb+'s null bits, as the encoder writes it.
            let x = if x.is_nan() {
                f64::from_bits(NULL_FLOAT_BITS)
            } else {
                x
            };
            b.f64(x);
        }
    });
    // -0.0 keeps its sign through the big-endian path.
    let mut big = Builder::new(true);
    big.raw(&[0xf7]).f64(-0.0);
    let Value::Float(x) = decode_message(&big.message(), &DecodeLimits::DEFAULT)
        .unwrap()
        .value
    else {
        panic!("float atom expected");
    };
    assert_eq!(x.to_bits(), (-0.0f64).to_bits());
}

#[test]
fn big_endian_symbol_vector_decodes_like_its_little_endian_twin() {
    let expected = Value::symbols(["", "trade", "quote", "\u{e9}t\u{e9}"]);
    check_both_orders(expected, |b| {
        b.raw(&[0x0b, 0x00]).i32(4);
        b.raw(b"\0trade\0quote\0\xc3\xa9t\xc3\xa9\0");
    });
}

#[test]
fn big_endian_general_list_decodes_like_its_little_endian_twin() {
    let guid = Guid::parse("0a369037-75d3-b24d-6721-5a1d44d4bed5").unwrap();
    let expected = Value::list([
        Value::Int(7),
        Value::Short(-2),
        Value::from(vec![3i64, -4]),
        Value::symbol("ab"),
        Value::Guid(guid),
        Value::dict(Dict::new(Value::symbols(["a"]), Value::from(vec![2.5f64])).unwrap()),
        Value::list([Value::from(vec![9i32]), Value::Timestamp(1 << 40)]),
    ]);
    check_both_orders(expected, |b| {
        b.raw(&[0x00, 0x00]).i32(7);
        b.raw(&[0xfa]).i32(7);
        b.raw(&[0xfb]).i16(-2);
        b.raw(&[0x07, 0x00]).i32(2).i64(3).i64(-4);
        b.raw(b"\xf5ab\0");
        // Guid bytes are never swapped.
        b.raw(&[0xfe]).raw(&guid.0);
        b.raw(&[0x63, 0x0b, 0x00]).i32(1).raw(b"a\0");
        b.raw(&[0x09, 0x00]).i32(1).f64(2.5);
        b.raw(&[0x00, 0x00]).i32(2);
        b.raw(&[0x06, 0x00]).i32(1).i32(9);
        b.raw(&[0xf4]).i64(1 << 40);
    });
}

#[test]
fn big_endian_message_compresses_and_decompresses_in_its_own_order() {
    // A big-endian long vector of repeating values: compressible, and the compressed header
    // keeps the byte order for its lengths.
    let items: Vec<i64> = (0..1000).map(|i| i % 10 - 5).collect();
    let mut big = Builder::new(true);
    big.raw(&[0x07, 0x00]).i32(1000);
    for &x in &items {
        big.i64(x);
    }
    let message = big.message();
    let compressed = compress_message(&message).expect("compressible");
    assert_eq!(compressed[0], 0);
    assert_eq!(
        u32::from_be_bytes(compressed[4..8].try_into().unwrap()) as usize,
        compressed.len()
    );
    assert_eq!(
        u32::from_be_bytes(compressed[8..12].try_into().unwrap()) as usize,
        message.len()
    );
    assert_eq!(decompress_message(&compressed, u64::MAX).unwrap(), message);
    assert_eq!(
        decode_message(&compressed, &DecodeLimits::DEFAULT)
            .unwrap()
            .value,
        Value::from(items)
    );
}

/// kdb+'s compressor (javakdb `compress()`: an output buffer of `N/2` bytes and the
/// give-up test `d > e-17` at each group start) can end at exactly half: when the last
/// group starts at the last moment and fills all 17 bytes. So the size bound is
/// `<= N/2`, not `< N/2`; this message (found by search) lands on it.
#[test]
fn compressed_output_can_be_exactly_half_as_in_kdb() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut body: Vec<u8> = (0..1411)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    body.extend(std::iter::repeat_n(0x5a, 1813));
    let n = HEADER_LEN + body.len();
    let mut message = vec![1, 0, 0, 0];
    message.extend_from_slice(&(n as u32).to_le_bytes());
    message.extend_from_slice(&body);
    let c = compress_message(&message).expect("compresses");
    assert_eq!((n, c.len()), (3232, 1616));
    assert_eq!(decompress_message(&c, u64::MAX).unwrap(), message);
}
