//! Every message in `data/ipc-vectors.json` (bytes that KX's own serializer wrote or
//! accepted): decoding gives the value the vector names, and encoding that value gives the
//! exact bytes wherever the vector is canonical.

use std::collections::BTreeMap;

use qport_value::null::*;
use qport_value::temporal::{date_from_ymd, month_from_ym, NANOS_PER_DAY, NANOS_PER_SECOND};
use qport_value::{Adverb, Attribute, Function, Symbol, Table, Value, Vector};
use qport_wire::{
    compress_message, decode_message, encode_message, Capability, DecodeLimits, MessageKind,
    WireError,
};
use serde_json::Value as Json;

fn vectors() -> Json {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ipc-vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors file")).expect("json")
}

fn bytes(hex_text: &str) -> Vec<u8> {
    hex::decode(hex_text).expect("hex")
}

fn sym(text: &str) -> Symbol {
    Symbol::new(text)
}

fn syms(texts: &[&str]) -> Vector<Symbol> {
    texts.iter().map(|t| sym(t)).collect()
}

fn with_attr<T>(items: Vec<T>, attribute: Attribute) -> Vector<T> {
    Vector::with_attribute(items, attribute)
}

fn table(names: &[&str], columns: Vec<Value>) -> Table {
    Table::new(syms(names), columns).expect("table")
}

fn timestamp(y: i32, m: u32, d: u32, hh: i64, mm: i64, ss: i64, nanos: i64) -> i64 {
    i64::from(date_from_ymd(y, m, d)) * NANOS_PER_DAY
        + (hh * 3600 + mm * 60 + ss) * NANOS_PER_SECOND
        + nanos
}

fn derived(adverb: Adverb) -> Value {
    Value::Function(Function::Derived(
        adverb,
        Value::Function(Function::BinaryPrimitive(1)).into(),
    ))
}

/// The value each vector describes, built by hand.
fn expected(name: &str) -> Value {
    use Value::*;
    let plus = Function(qport_value::Function::BinaryPrimitive(1));
    match name {
        "bool_true" => Bool(true),
        "bool_false" => Bool(false),
        "guid" => Guid(qport_value::Guid::parse("0a369037-75d3-b24d-6721-5a1d44d4bed5").unwrap()),
        "guid_null" => Guid(NULL_GUID),
        "byte" => Byte(0x2a),
        "short" => Short(42),
        "short_null" => Short(NULL_SHORT),
        "short_inf" => Short(INF_SHORT),
        "short_neginf" => Short(-INF_SHORT),
        "int" => Int(42),
        "int_null" => Int(NULL_INT),
        "int_inf" => Int(INF_INT),
        "int_neginf" => Int(-INF_INT),
        "long" => Long(42),
        "long_null" => Long(NULL_LONG),
        "long_inf" => Long(INF_LONG),
        "long_neginf" => Long(-INF_LONG),
        "real" => Real(1.5),
        "real_null" => Real(NULL_REAL),
        "real_inf" => Real(INF_REAL),
        "real_neginf" => Real(-INF_REAL),
        "float" => Float(1.5),
        "float_null" => Float(NULL_FLOAT),
        "float_inf" => Float(INF_FLOAT),
        "float_neginf" => Float(-INF_FLOAT),
        "char" => Char(b'a'),
        "char_null" => Char(NULL_CHAR),
        "symbol" => Value::symbol("abc"),
        "symbol_empty" => Symbol(qport_value::Symbol::empty()),
        "symbol_utf8" => Value::symbol("\u{4f60}"),
        "timestamp" => Timestamp(timestamp(2014, 6, 23, 11, 34, 39, 412_547_000)),
        "timestamp_before_epoch" => Timestamp(-1),
        "timestamp_null" => Timestamp(NULL_LONG),
        "timestamp_inf" => Timestamp(INF_LONG),
        "month" => Month(month_from_ym(2014, 1)),
        "month_before_epoch" => Month(month_from_ym(1995, 1)),
        "month_null" => Month(NULL_INT),
        "date" => Date(date_from_ymd(2014, 1, 1)),
        "date_before_epoch" => Date(date_from_ymd(1995, 1, 1)),
        "date_null" => Date(NULL_INT),
        "date_inf" => Date(INF_INT),
        "datetime_null" => Datetime(NULL_FLOAT),
        "datetime_inf" => Datetime(INF_FLOAT),
        "datetime" => Datetime(0.5),
        "timespan" => Timespan(60 * NANOS_PER_SECOND),
        "timespan_null" => Timespan(NULL_LONG),
        "minute" => Minute(1),
        "minute_null" => Minute(NULL_INT),
        "second" => Second(1),
        "second_null" => Second(NULL_INT),
        "time" => Time(1),
        "time_null" => Time(NULL_INT),
        "identity" => Value::IDENTITY,
        "vec_bool" => Value::from(vec![true, false, true]),
        "vec_guid" => Value::from(vec![qport_value::Guid::parse(
            "00000000-0000-0000-0000-000000000001",
        )
        .unwrap()]),
        "vec_byte" => ByteVector(vec![0, 1, 2].into()),
        "vec_short" => Value::from(vec![1i16, NULL_SHORT, 3]),
        "vec_int" => Value::from(vec![1i32, NULL_INT, 3]),
        "vec_long" => Value::from(vec![1i64, 2, 3]),
        "vec_long_empty" => Value::from(Vec::<i64>::new()),
        "vec_real" => Value::from(vec![1f32, 2., 3.]),
        "vec_float" => Value::from(vec![1f64, 2., 3.]),
        "string" => Value::string("hello"),
        "string_empty" => Value::string(""),
        "vec_symbol" => Value::symbols(["a", "bc"]),
        "vec_symbol_empty" => SymbolVector(Vector::default()),
        "vec_timestamp" => {
            TimestampVector(vec![timestamp(2014, 6, 23, 11, 34, 39, 412_547_000)].into())
        }
        "vec_month" => MonthVector(vec![month_from_ym(2014, 1), month_from_ym(1995, 1)].into()),
        "vec_date" => DateVector(vec![date_from_ymd(2014, 1, 1), date_from_ymd(1995, 1, 1)].into()),
        "vec_timespan" => TimespanVector(vec![60 * NANOS_PER_SECOND].into()),
        "vec_minute" => MinuteVector(vec![1, 2].into()),
        "vec_second" => SecondVector(vec![1, 2].into()),
        "vec_time" => TimeVector(vec![1, 2].into()),
        "general_list" => Value::list([Long(1), Value::symbol("a"), Char(b'b')]),
        "general_list_strings" => Value::list([Value::string("ab"), Char(b'c')]),
        "general_list_empty" => Value::list([]),
        "dict_sym_generic" => Value::dict(
            qport_value::Dict::new(
                Value::symbols(["a", "b"]),
                Value::list([Value::from(vec![1i64, 2]), Value::from(vec![3i64, 4])]),
            )
            .unwrap(),
        ),
        "table" => Value::table(table(
            &["a", "b"],
            vec![Value::from(vec![1i64, 2]), Value::from(vec![1.5f64, 2.5])],
        )),
        "keyed_table" => Value::keyed_table(
            qport_value::KeyedTable::new(
                table(&["k"], vec![Value::from(vec![1i64, 2])]),
                table(&["v"], vec![Value::symbols(["x", "y"])]),
            )
            .unwrap(),
        ),
        "int_vector_docs" => Value::from(vec![1i32]),
        "byte_vector_docs" => ByteVector(vec![0, 1, 2, 3, 4].into()),
        "dict_docs" => Value::dict(
            qport_value::Dict::new(Value::symbols(["a", "b"]), Value::from(vec![2i32, 3])).unwrap(),
        ),
        "sorted_dict_docs" => Value::dict(
            qport_value::Dict::new(
                SymbolVector(with_attr(vec![sym("a"), sym("b")], Attribute::Sorted)),
                Value::from(vec![2i32, 3]),
            )
            .unwrap()
            .sorted(true),
        ),
        "table_docs" => Value::table(table(
            &["a", "b"],
            vec![Value::from(vec![2i32]), Value::from(vec![3i32])],
        )),
        "sorted_table_docs" => Value::table(
            table(
                &["a", "b"],
                vec![
                    IntVector(with_attr(vec![2], Attribute::Parted)),
                    Value::from(vec![3i32]),
                ],
            )
            .with_attribute(Attribute::Sorted),
        ),
        "keyed_table_docs" | "sorted_keyed_table_docs" => {
            let sorted = name.starts_with("sorted");
            let key = table(&["a"], vec![Value::from(vec![2i32])]);
            let key = if sorted {
                key.with_attribute(Attribute::Sorted)
            } else {
                key
            };
            Value::keyed_table(
                qport_value::KeyedTable::new(key, table(&["b"], vec![Value::from(vec![3i32])]))
                    .unwrap()
                    .sorted(sorted),
            )
        }
        "vec_int_attr_s" => IntVector(with_attr(vec![1, 2, 3], Attribute::Sorted)),
        "vec_int_attr_u" => IntVector(with_attr(vec![1, 2, 3], Attribute::Unique)),
        "vec_int_attr_p" => IntVector(with_attr(vec![1, 1, 3], Attribute::Parted)),
        "vec_int_attr_g" => IntVector(with_attr(vec![3, 1, 3], Attribute::Grouped)),
        "dict_empty" => {
            Value::dict(qport_value::Dict::new(Value::list([]), Value::list([])).unwrap())
        }
        "dict_sym_long" => Value::dict(
            qport_value::Dict::new(Value::symbols(["a", "b"]), Value::from(vec![1i64, 2])).unwrap(),
        ),
        "unary_primitive_idx1" => Function(qport_value::Function::UnaryPrimitive(1)),
        "binary_primitive_idx1" => plus,
        "iterator_idx0" => Function(qport_value::Function::Iterator(0)),
        "projection_2" => Function(qport_value::Function::Projection(
            vec![plus, Long(1)].into(),
        )),
        "composition_2" => Function(qport_value::Function::Composition(
            vec![Function(qport_value::Function::UnaryPrimitive(2)), plus].into(),
        )),
        "each_106" => derived(Adverb::Each),
        "over_107" => derived(Adverb::Over),
        "scan_108" => derived(Adverb::Scan),
        "prior_109" => derived(Adverb::EachPrior),
        "each_right_110" => derived(Adverb::EachRight),
        "each_left_111" => derived(Adverb::EachLeft),
        "lambda_docs" => Function(qport_value::Function::lambda(
            qport_value::Symbol::empty(),
            "{x+y}",
        )),
        "lambda_ctx_docs" => Function(qport_value::Function::lambda(sym("d"), "{x+y}")),
        "sync_query_1p1" => Value::string("1+1"),
        "response_long_2" => Long(2),
        "error_type" => Value::error("type"),
        "compressed_til_1000" | "compressed_til_1000_flag2_layout" => {
            Value::from((0..1000i64).collect::<Vec<_>>())
        }
        "compressed_2000_true" => Value::from(vec![true; 2000]),
        "compressed_10000_bytes_cycle" => ByteVector((0..10000).map(|i| (i % 7) as u8).collect()),
        "big_endian_long_vector" => Value::from(vec![1i64, 2, 3]),
        "long_count_form_small" => ByteVector(vec![9, 8, 7].into()),
        other => panic!("no expected value written for vector {other}"),
    }
}

fn decode(hex_text: &str) -> qport_wire::Message {
    decode_message(&bytes(hex_text), &DecodeLimits::DEFAULT).expect("decodes")
}

/// What qport sends for a value: NaNs in kdb+'s 0xFFF8…/0xFFC0… form.
fn canonical_hex(name: &str, hex_text: &str) -> String {
    match name {
        "real_null" => hex_text.replace("0000c07f", "0000c0ff"),
        "float_null" | "datetime_null" => hex_text.replace("000000000000f87f", "000000000000f8ff"),
        _ => hex_text.to_string(),
    }
}

#[test]
fn all_116_vectors_decode_to_their_values_and_encode_to_their_bytes() {
    let all = vectors();
    let vectors = all["vectors"].as_object().unwrap();
    assert_eq!(vectors.len(), 116);
    let mut checked = BTreeMap::new();
    for (name, vector) in vectors {
        let hex_text = vector["hex"].as_str().unwrap();
        let message = bytes(hex_text);
        if name == "incompressible_3000_random_bytes" {
            assert_eq!(
                compress_message(&message),
                None,
                "{name} must stay uncompressed"
            );
            let decoded = decode(hex_text);
            assert_eq!(decoded.value.count(), 3000);
            checked.insert(name.clone(), "not compressed");
            continue;
        }
        let decoded = decode(hex_text);
        let value = expected(name);
        assert_eq!(
            decoded.value, value,
            "vector {name} decodes to the value it names"
        );
        let kind = decoded.kind;
        let encoded = encode_message(&value, kind, Capability::MAX).expect("encodes");
        let what = if let Some(plain) = vector.get("uncompressed_hex") {
            // Compression must reproduce KX-accepted bytes exactly from the plain message.
            assert_eq!(
                hex::encode(&encoded),
                plain.as_str().unwrap(),
                "{name} plain bytes"
            );
            let compressed = compress_message(&encoded).expect("compressible");
            assert_eq!(hex::encode(compressed), hex_text, "{name} compressed bytes");
            "decoded, encoded and compressed byte-exact"
        } else if let Some(reserialized) = vector.get("kx_d9_reserializes_as") {
            assert_eq!(
                hex::encode(&encoded),
                reserialized.as_str().unwrap(),
                "{name}"
            );
            "decoded; encoded as KX re-serializes it"
        } else if name == "compressed_til_1000_flag2_layout" {
            "decoded (flag-2 layout)"
        } else {
            assert_eq!(
                hex::encode(&encoded),
                canonical_hex(name, hex_text),
                "{name} encodes to its bytes"
            );
            "decoded and encoded byte-exact"
        };
        checked.insert(name.clone(), what);
    }
    assert_eq!(checked.len(), 116);
}

#[test]
fn compressing_til_1000_gives_kdbs_3276_bytes() {
    let til: Value = (0..1000i64).collect::<Vec<_>>().into();
    assert_eq!(qport_wire::serialize(&til).unwrap().len(), 8014);
    assert_eq!(qport_wire::compress(&til).unwrap().len(), 3276);
    let back = qport_wire::deserialize(&qport_wire::compress(&til).unwrap()).unwrap();
    assert_eq!(back, til);
}

#[test]
fn capability_modes_refuse_what_they_cannot_carry_as_kx_does() {
    let all = vectors();
    let modes = all["b9_capability_modes"].as_object().unwrap();
    // The values come from the capability-6 bytes of each mode's table.
    let six = &modes["6"];
    for (mode, cases) in modes {
        let capability = Capability::new(mode.parse().unwrap());
        for (case, outcome) in cases.as_object().unwrap() {
            let value = decode(six[case].as_str().unwrap()).value;
            let result = encode_message(&value, MessageKind::Async, capability);
            let outcome = outcome.as_str().unwrap();
            if outcome.starts_with("ERROR") {
                let err = result.expect_err(&format!("mode {mode} refuses {case}"));
                assert_eq!(err.q_text(), "type", "mode {mode} {case}");
            } else {
                assert_eq!(hex::encode(result.unwrap()), outcome, "mode {mode} {case}");
            }
        }
    }
}

#[test]
fn rejects_what_kx_d9_rejects() {
    let all = vectors();
    let rejects = all["kx_d9_rejects"].as_object().unwrap();
    assert_eq!(rejects.len(), 3);
    let expect = |name: &str| match name {
        "bool_value_2" => WireError::BadBoolean(2),
        "enum_type_20" => WireError::Enumeration(20),
        "foreign_112" => WireError::Foreign,
        other => panic!("unexpected reject case {other}"),
    };
    for (name, case) in rejects {
        let message = bytes(case["hex"].as_str().unwrap());
        assert_eq!(
            decode_message(&message, &DecodeLimits::DEFAULT),
            Err(expect(name)),
            "{name}"
        );
    }
}

#[test]
fn large_message_heads_match_kx() {
    let all = vectors();
    let large = &all["large_message_observations"];
    // The count encodings KX wrote under capability 6 for 2^31+5 and 2^32+5 items.
    let head = |key: &str| bytes(large[key].as_str().unwrap());
    let short_form = head("byte_vector_2147483653_items_mode6_head");
    assert_eq!(&short_form[8..14], &[0x04, 0x00, 0x05, 0x00, 0x00, 0x80]);
    let long_form = head("byte_vector_4294967301_items_mode6_head");
    assert_eq!(&long_form[8..18], &[0x04, 0x80, 0x05, 0, 0, 0, 1, 0, 0, 0]);
    let header = qport_wire::Header::parse(long_form[..8].try_into().unwrap()).unwrap();
    assert_eq!(header.length, 4_294_967_301 + 8 + 10);
}
