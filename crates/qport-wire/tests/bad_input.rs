//! Malformed input: one test per way a message can be wrong. Each must be refused with an
//! error (never a panic, never a huge allocation), and with q's text where it matters.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

use qport_value::{Adverb, Dict, Function, KeyedTable, Symbol, Table, Value, Vector};
use qport_wire::{
    compress_message, decode_message, decompress_message, encode_message, Capability, DecodeLimits,
    MessageKind, WireError, HEADER_LEN, MAX_MESSAGE_LEN,
};

// ---------------------------------------------------------------------------------------
// Allocation tracking: the largest single allocation this thread made during a call.
// ---------------------------------------------------------------------------------------

struct TrackingAllocator;

thread_local! {
    static LARGEST_ALLOCATION: Cell<usize> = const { Cell::new(0) };
}

fn note_allocation(size: usize) {
    // `try_with`: the slot may already be gone while a thread shuts down.
    let _ = LARGEST_ALLOCATION.try_with(|largest| largest.set(largest.get().max(size)));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the only addition is
// recording the requested size in a thread-local that needs no allocation itself.
unsafe impl GlobalAlloc for TrackingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation(new_size);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: TrackingAllocator = TrackingAllocator;

/// Runs `f` and returns its result with the largest single allocation it made.
fn largest_allocation_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    LARGEST_ALLOCATION.with(|largest| largest.set(0));
    let result = f();
    (result, LARGEST_ALLOCATION.with(Cell::get))
}

/// Far below any of the sizes the malformed messages claim.
const SMALL_ALLOCATION: usize = 1 << 20;

#[test]
fn allocation_tracker_sees_large_allocations() {
    // The checks below mean something only if the tracker does see big buffers.
    let (buffer, largest) = largest_allocation_during(|| vec![0u8; 4 * SMALL_ALLOCATION]);
    assert!(largest >= 4 * SMALL_ALLOCATION);
    drop(buffer);
    let ((), largest) = largest_allocation_during(|| ());
    assert_eq!(largest, 0);
    // A decoder that trusted a vector's count would show up: a real 2 MiB message.
    let big = encode_message(
        &Value::ByteVector(Vector::new(vec![7u8; 2 * SMALL_ALLOCATION])),
        MessageKind::Sync,
        Capability::MAX,
    )
    .unwrap();
    let (decoded, largest) = largest_allocation_during(|| decode(&big));
    assert!(decoded.is_ok());
    assert!(largest >= 2 * SMALL_ALLOCATION);
}

// ---------------------------------------------------------------------------------------
// Message helpers
// ---------------------------------------------------------------------------------------

/// A little-endian uncompressed message of `kind` around `body`.
fn message_of(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut message = vec![1, kind, 0, 0];
    message.extend_from_slice(&((HEADER_LEN + body.len()) as u32).to_le_bytes());
    message.extend_from_slice(body);
    message
}

/// An async message around `body`.
fn message(body: &[u8]) -> Vec<u8> {
    message_of(0, body)
}

fn decode(message: &[u8]) -> Result<Value, WireError> {
    decode_message(message, &DecodeLimits::DEFAULT).map(|m| m.value)
}

/// Decodes with default limits, expecting a refusal made without any large allocation.
fn refused(message: &[u8]) -> WireError {
    let (result, largest) = largest_allocation_during(|| decode(message));
    let err = result.expect_err("malformed message must be refused");
    assert!(
        largest < SMALL_ALLOCATION,
        "refusing {err} allocated {largest} bytes at once"
    );
    err
}

/// A compressed (flag 1) little-endian async message: declared uncompressed length
/// `total`, then `stream`.
fn compressed(total: u32, stream: &[u8]) -> Vec<u8> {
    let mut message = vec![1, 0, 1, 0];
    message.extend_from_slice(&((HEADER_LEN + 4 + stream.len()) as u32).to_le_bytes());
    message.extend_from_slice(&total.to_le_bytes());
    message.extend_from_slice(stream);
    message
}

/// The same with flag 2: an 8-byte uncompressed length.
fn compressed64(total: u64, stream: &[u8]) -> Vec<u8> {
    let mut message = vec![1, 0, 2, 0];
    message.extend_from_slice(&((HEADER_LEN + 8 + stream.len()) as u32).to_le_bytes());
    message.extend_from_slice(&total.to_le_bytes());
    message.extend_from_slice(stream);
    message
}

fn le32(x: u32) -> [u8; 4] {
    x.to_le_bytes()
}

fn le64(x: u64) -> [u8; 8] {
    x.to_le_bytes()
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn syms(names: &[&str]) -> Vector<Symbol> {
    names.iter().map(Symbol::new).collect()
}

// ---------------------------------------------------------------------------------------
// Truncation and lengths
// ---------------------------------------------------------------------------------------

fn assorted_valid_messages() -> Vec<Vec<u8>> {
    let table = Table::new(
        syms(&["a", "b"]),
        vec![
            Value::from(vec![1i64, 2]),
            Value::list([Value::string("x"), Value::string("yz")]),
        ],
    )
    .unwrap();
    let key = Table::new(syms(&["k"]), vec![Value::symbols(["p", "q"])]).unwrap();
    let lambda = Value::from(Function::lambda(Symbol::new("ctx"), "{x+y}"));
    let values = [
        Value::Long(42),
        Value::symbol("abc"),
        Value::from(vec![1i64, 2, 3]),
        Value::from(vec![1.5f64, f64::NAN]),
        Value::symbols(["a", "", "bcd"]),
        Value::list([
            Value::Int(1),
            Value::string("hi"),
            Value::from(vec![true, false]),
            Value::Guid(qport_value::Guid([7; 16])),
        ]),
        Value::dict(Dict::new(Value::symbols(["a", "b"]), Value::from(vec![2i32, 3])).unwrap()),
        Value::table(table.clone()),
        Value::keyed_table(KeyedTable::new(key, table).unwrap()),
        lambda.clone(),
        Value::from(Function::Projection(
            vec![lambda.clone(), Value::Long(3)].into(),
        )),
        Value::from(Function::Derived(Adverb::Over, Arc::new(lambda))),
    ];
    let mut messages: Vec<Vec<u8>> = values
        .iter()
        .map(|v| encode_message(v, MessageKind::Sync, Capability::MAX).unwrap())
        .collect();
    messages.push(
        encode_message(
            &Value::error("type"),
            MessageKind::Response,
            Capability::MAX,
        )
        .unwrap(),
    );
    // A compressed message: -18! of til 1000.
    let til: Value = (0..1000i64).collect::<Vec<_>>().into();
    messages.push(qport_wire::compress(&til).unwrap());
    assert_eq!(messages.last().unwrap()[2], 1, "til 1000 compresses");
    messages
}

#[test]
fn rejects_every_truncation_of_a_valid_message() {
    for full in assorted_valid_messages() {
        decode(&full).expect("the whole message is valid");
        for cut in 0..full.len() {
            let prefix = &full[..cut];
            assert!(
                decode(prefix).is_err(),
                "prefix of {cut} bytes of {full:02x?}"
            );
            if cut >= HEADER_LEN {
                // The same prefix with a header that agrees with its length: the body
                // itself ends early.
                let mut patched = prefix.to_vec();
                patched[3] = 0;
                patched[4..8].copy_from_slice(&le32(cut as u32));
                let err = decode(&patched).expect_err("truncated body must be refused");
                assert_eq!(err.q_text(), "badmsg", "{err} for a {cut}-byte prefix");
            }
        }
    }
}

#[test]
fn rejects_header_length_other_than_the_actual_length() {
    let good = message(&[0xf9, 1, 0, 0, 0, 0, 0, 0, 0]);
    decode(&good).unwrap();
    for claimed in [16u32, 18, 9, 1000] {
        let mut bad = good.clone();
        bad[4..8].copy_from_slice(&le32(claimed));
        assert_eq!(
            refused(&bad),
            WireError::LengthMismatch {
                header: u64::from(claimed),
                actual: 17
            }
        );
    }
    // Bytes after the declared end.
    let mut longer = good.clone();
    longer.push(0);
    assert_eq!(
        refused(&longer),
        WireError::LengthMismatch {
            header: 17,
            actual: 18
        }
    );
    // The byte-3 extension counts: 2^32 + 17 is not 17.
    let mut extended = good.clone();
    extended[3] = 1;
    let limits = DecodeLimits::DEFAULT.with_max_message_bytes(MAX_MESSAGE_LEN);
    assert_eq!(
        decode_message(&extended, &limits),
        Err(WireError::LengthMismatch {
            header: (1 << 32) + 17,
            actual: 17
        })
    );
}

#[test]
fn rejects_header_length_too_small_to_hold_a_value() {
    let just_header = [1, 0, 0, 0, 8, 0, 0, 0];
    assert_eq!(refused(&just_header).q_text(), "badmsg");
    for short in 0..HEADER_LEN {
        let err = refused(&[1, 0, 0, 0, 9, 0, 0, 0][..short]);
        assert!(matches!(err, WireError::Truncated { .. }), "{err}");
    }
    // A compressed message needs its size field and a control byte.
    let no_stream = [1, 0, 1, 0, 12, 0, 0, 0, 20, 0, 0, 0];
    assert_eq!(refused(&no_stream).q_text(), "badmsg");
}

#[test]
fn rejects_message_longer_than_max_message_bytes_with_limit() {
    // The header claims 2 GiB; only 9 bytes are here. The limit is checked first.
    let claim = [1, 0, 0, 0, 0, 0, 0, 0x80, 0xf9];
    let err = refused(&claim);
    assert_eq!(
        err,
        WireError::Limit {
            what: "message length",
            size: 1 << 31,
            max: 1 << 30
        }
    );
    assert_eq!(err.q_text(), "limit");
    // 1 TB through the byte-3 extension.
    let err = refused(&[1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf9]);
    assert_eq!(err.q_text(), "limit");
    // A real message just over a lowered limit; at the limit it decodes.
    let bytes = encode_message(
        &Value::ByteVector(Vector::new(vec![0u8; 100])),
        MessageKind::Sync,
        Capability::MAX,
    )
    .unwrap();
    let len = bytes.len() as u64;
    let tight = DecodeLimits::DEFAULT.with_max_message_bytes(len - 1);
    assert_eq!(
        decode_message(&bytes, &tight).unwrap_err().q_text(),
        "limit"
    );
    let exact = DecodeLimits::DEFAULT.with_max_message_bytes(len);
    assert!(decode_message(&bytes, &exact).is_ok());
}

#[test]
fn rejects_endianness_byte_other_than_0_or_1() {
    for byte in [2u8, 3, 0x80, 0xff] {
        let mut bad = message(&[0xff, 1]);
        bad[0] = byte;
        assert_eq!(refused(&bad), WireError::BadEndianness(byte));
    }
}

#[test]
fn rejects_message_kind_byte_other_than_0_1_or_2() {
    for byte in [3u8, 4, 0x80, 0xff] {
        assert_eq!(
            refused(&message_of(byte, &[0xff, 1])),
            WireError::BadMessageKind(byte)
        );
    }
}

#[test]
fn rejects_compression_byte_other_than_0_1_or_2() {
    for byte in [3u8, 4, 0x80, 0xff] {
        let mut bad = message(&[0xff, 1]);
        bad[2] = byte;
        assert_eq!(refused(&bad), WireError::BadCompressionFlag(byte));
    }
}

// ---------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------

#[test]
fn rejects_unknown_type_bytes() {
    // 3 is the unused vector type; 77..97 are storage forms; 113..126 are unassigned;
    // negative types other than -1..-19 (and -128 outside a response) are not atoms.
    for type_byte in [
        3i8, 77, 80, 96, 97, 113, 120, 126, -3, -20, -21, -77, -100, -127,
    ] {
        let body = [type_byte as u8, 0, 1, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            refused(&message(&body)),
            WireError::UnknownType(type_byte),
            "type {type_byte}"
        );
    }
}

#[test]
fn rejects_enumerations_20_to_76() {
    for type_byte in 20i8..=76 {
        // An enumeration vector of one item, as kdb+ would lay it out in memory.
        let body = [type_byte as u8, 0, 1, 0, 0, 0, 0, 0, 0, 0];
        let err = refused(&message(&body));
        assert_eq!(err, WireError::Enumeration(type_byte));
        assert_eq!(err.q_text(), "badmsg");
    }
    // Also nested inside a list.
    let nested = cat(&[&[0, 0], &le32(1), &[20, 0], &le32(0)]);
    assert_eq!(refused(&message(&nested)), WireError::Enumeration(20));
}

#[test]
fn rejects_foreign_112() {
    assert_eq!(refused(&message(&[112])), WireError::Foreign);
    assert_eq!(refused(&message(&[112, 0, 0, 0, 0])), WireError::Foreign);
    let in_projection = cat(&[&[0x68], &le32(2), &[0x66, 1], &[112, 0]]);
    assert_eq!(refused(&message(&in_projection)), WireError::Foreign);
}

#[test]
fn rejects_boolean_atom_byte_other_than_0_or_1() {
    assert_eq!(decode(&message(&[0xff, 0])), Ok(Value::Bool(false)));
    assert_eq!(decode(&message(&[0xff, 1])), Ok(Value::Bool(true)));
    for byte in [2u8, 3, 0x80, 0xff] {
        assert_eq!(
            refused(&message(&[0xff, byte])),
            WireError::BadBoolean(byte)
        );
    }
}

#[test]
fn rejects_boolean_vector_byte_other_than_0_or_1() {
    let good = cat(&[&[1, 0], &le32(3), &[1, 0, 1]]);
    assert_eq!(
        decode(&message(&good)),
        Ok(Value::from(vec![true, false, true]))
    );
    for byte in [2u8, 0xff] {
        let bad = cat(&[&[1, 0], &le32(3), &[1, 0, byte]]);
        assert_eq!(refused(&message(&bad)), WireError::BadBoolean(byte));
    }
}

#[test]
fn rejects_attribute_byte_5_and_0x85() {
    for attribute in [5u8, 0x85, 0x7f, 0xff] {
        let int_vector = cat(&[&[6, attribute], &le32(1), &le32(7)]);
        let symbol_vector = cat(&[&[11, attribute], &le32(1), b"a\0"]);
        let bool_vector = cat(&[&[1, attribute], &le32(1), &[1]]);
        let list = cat(&[&[0, attribute], &le32(1), &[0xff, 1]]);
        for body in [int_vector, symbol_vector, bool_vector, list] {
            assert_eq!(
                refused(&message(&body)),
                WireError::BadAttribute(attribute),
                "{body:02x?}"
            );
        }
    }
    // A table's attribute byte has no long-count flag: 5 and 0x85 are both refused.
    for attribute in [5u8, 0x85, 0x81] {
        let table = cat(&[
            &[0x62, attribute, 0x63, 11, 0],
            &le32(1),
            b"a\0",
            &[0, 0],
            &le32(1),
            &[7, 0],
            &le32(0),
        ]);
        assert_eq!(
            refused(&message(&table)),
            WireError::BadAttribute(attribute)
        );
    }
}

// ---------------------------------------------------------------------------------------
// Counts that the bytes cannot back
// ---------------------------------------------------------------------------------------

#[test]
fn rejects_vector_count_far_beyond_the_bytes_present_without_allocating() {
    let cases: Vec<Vec<u8>> = vec![
        // A long vector claiming 2^40 items in the 8-byte count form.
        cat(&[&[7, 0x80], &le64(1 << 40), &[0; 16]]),
        // ... and u64::MAX items.
        cat(&[&[7, 0x80], &le64(u64::MAX), &[0; 16]]),
        // 0xFFFFFFFF items in the 4-byte form.
        cat(&[&[7, 0], &le32(u32::MAX), &[0; 16]]),
        cat(&[&[4, 0], &le32(u32::MAX), &[0; 16]]),
        cat(&[&[1, 0], &le32(u32::MAX), &[0; 16]]),
        cat(&[&[10, 0], &le32(u32::MAX), b"abc"]),
        cat(&[&[11, 0], &le32(u32::MAX), b"a\0b\0"]),
        cat(&[&[2, 0x80], &le64(1 << 62), &[0; 32]]),
        // One item more than the bytes hold.
        cat(&[&[6, 0], &le32(3), &le32(1), &le32(2)]),
    ];
    for body in cases {
        let err = refused(&message(&body));
        assert!(
            matches!(err, WireError::Truncated { .. }),
            "{err} for {body:02x?}"
        );
        assert_eq!(err.q_text(), "badmsg");
    }
}

#[test]
fn rejects_symbol_without_terminating_nul() {
    let atom = cat(&[&[0xf5], b"abc"]);
    let vector = cat(&[&[11, 0], &le32(2), b"a\0bc"]);
    let lambda_context = cat(&[&[0x64], b"ctx"]);
    let table_names = cat(&[&[0x62, 0, 0x63, 11, 0], &le32(1), b"a"]);
    for body in [atom, vector, lambda_context, table_names] {
        let err = refused(&message(&body));
        assert!(
            matches!(err, WireError::Truncated { .. }),
            "{err} for {body:02x?}"
        );
    }
    // An error text needs its NUL too.
    let err = refused(&message_of(2, b"\x80type"));
    assert!(matches!(err, WireError::Truncated { .. }), "{err}");
}

#[test]
fn rejects_general_list_with_huge_count_without_allocating() {
    for body in [
        cat(&[&[0, 0], &le32(u32::MAX), &[0xff, 1, 0xff, 0]]),
        cat(&[&[0, 0x80], &le64(1 << 40), &[0xff, 1, 0xff, 0]]),
        cat(&[&[0, 0x80], &le64(u64::MAX), &[0xff, 1]]),
        // Every item needs at least 2 bytes: 3 items cannot fit in 5.
        cat(&[&[0, 0], &le32(3), &[0xff, 1, 0xff, 0, 0xff]]),
    ] {
        let err = refused(&message(&body));
        assert!(
            matches!(err, WireError::Truncated { .. }),
            "{err} for {body:02x?}"
        );
    }
}

#[test]
fn rejects_projection_or_composition_with_huge_count_without_allocating() {
    for type_byte in [0x68u8, 0x69] {
        let body = cat(&[&[type_byte], &le32(u32::MAX), &[0x66, 1, 0xf9]]);
        let err = refused(&message(&body));
        assert!(matches!(err, WireError::Truncated { .. }), "{err}");
    }
}

// ---------------------------------------------------------------------------------------
// Nesting
// ---------------------------------------------------------------------------------------

/// `levels` nested one-item general lists (`enlist enlist ... 42`).
fn nested_lists(levels: usize) -> Vec<u8> {
    let mut body = Vec::new();
    for _ in 0..levels {
        body.extend_from_slice(&[0, 0, 1, 0, 0, 0]);
    }
    body.extend_from_slice(&[0xf9, 42, 0, 0, 0, 0, 0, 0, 0]);
    message(&body)
}

fn unwrap_lists(mut value: Value, levels: usize) -> Value {
    for level in 0..levels {
        let Value::List(items) = value else {
            panic!("level {level} is not a list")
        };
        assert_eq!(items.len(), 1);
        value = items[0].clone();
    }
    value
}

#[test]
fn rejects_nesting_deeper_than_max_depth_with_limit() {
    let deep = nested_lists(200);
    let err = refused(&deep);
    assert_eq!(err, WireError::TooDeep(128));
    assert_eq!(err.q_text(), "limit");
    // The limit is exact: 128 levels decode, 129 do not.
    let at_limit = decode(&nested_lists(128)).unwrap();
    assert_eq!(unwrap_lists(at_limit, 128), Value::Long(42));
    assert_eq!(refused(&nested_lists(129)), WireError::TooDeep(128));
    // Functions count as levels too: 200 nested each-derivations.
    let mut derived = vec![0x6a; 200];
    derived.extend_from_slice(&[0x66, 1]);
    assert_eq!(refused(&message(&derived)).q_text(), "limit");
}

#[test]
fn decodes_200_nested_levels_when_max_depth_allows() {
    let deep = nested_lists(200);
    let limits = DecodeLimits::DEFAULT.with_max_depth(300);
    let value = decode_message(&deep, &limits).unwrap().value;
    assert_eq!(unwrap_lists(value.clone(), 200), Value::Long(42));
    // And it encodes back to the same bytes.
    assert_eq!(
        encode_message(&value, MessageKind::Async, Capability::MAX).unwrap(),
        deep
    );
}

// ---------------------------------------------------------------------------------------
// Structure
// ---------------------------------------------------------------------------------------

#[test]
fn rejects_trailing_bytes_after_the_value() {
    assert_eq!(
        refused(&message(&[0xf9, 1, 0, 0, 0, 0, 0, 0, 0, 0])),
        WireError::TrailingBytes(1)
    );
    assert_eq!(
        refused(&message(&[0xff, 1, 0xff, 1])),
        WireError::TrailingBytes(2)
    );
    // An error response with something after its text.
    assert_eq!(
        refused(&message_of(2, b"\x80type\0\0")),
        WireError::TrailingBytes(1)
    );
}

#[test]
fn rejects_error_in_async_or_sync_message() {
    let error = b"\x80type\0";
    assert_eq!(
        decode(&message_of(2, error)),
        Ok(Value::error("type")),
        "a response may be an error"
    );
    for kind in [0u8, 1] {
        assert_eq!(
            refused(&message_of(kind, error)),
            WireError::UnknownType(-128)
        );
    }
}

#[test]
fn rejects_error_nested_inside_a_list_even_in_a_response() {
    let in_list = cat(&[&[0, 0], &le32(1), b"\x80type\0"]);
    let in_dict = cat(&[
        &[0x63, 11, 0],
        &le32(1),
        b"a\0",
        &[0, 0],
        &le32(1),
        b"\x80x\0",
    ]);
    for body in [in_list, in_dict] {
        for kind in [0u8, 1, 2] {
            assert_eq!(
                refused(&message_of(kind, &body)),
                WireError::UnknownType(-128)
            );
        }
    }
}

/// `62 00 63 <names> <columns>`.
fn table_body(names: &[u8], columns: &[u8]) -> Vec<u8> {
    cat(&[&[0x62, 0, 0x63], names, columns])
}

fn symbol_vector(names: &[&str]) -> Vec<u8> {
    let mut bytes = cat(&[&[11, 0], &le32(names.len() as u32)]);
    for name in names {
        bytes.extend_from_slice(name.as_bytes());
        bytes.push(0);
    }
    bytes
}

fn long_vector(items: &[i64]) -> Vec<u8> {
    let mut bytes = cat(&[&[7, 0], &le32(items.len() as u32)]);
    for item in items {
        bytes.extend_from_slice(&item.to_le_bytes());
    }
    bytes
}

fn general_list(items: &[&[u8]]) -> Vec<u8> {
    let mut bytes = cat(&[&[0, 0], &le32(items.len() as u32)]);
    for item in items {
        bytes.extend_from_slice(item);
    }
    bytes
}

#[test]
fn rejects_table_whose_keys_are_not_a_symbol_vector() {
    let columns = general_list(&[&long_vector(&[1])]);
    let good = table_body(&symbol_vector(&["a"]), &columns);
    assert!(decode(&message(&good)).is_ok());
    let int_names = cat(&[&[6, 0], &le32(1), &le32(1)]);
    let list_of_symbols = general_list(&[b"\xf5a\0"]);
    let symbol_atom = b"\xf5a\0".to_vec();
    for names in [int_names, list_of_symbols, symbol_atom] {
        let err = refused(&message(&table_body(&names, &columns)));
        assert!(matches!(err, WireError::Malformed(_)), "{err}");
    }
}

#[test]
fn rejects_table_whose_columns_are_not_a_general_list() {
    let err = refused(&message(&table_body(
        &symbol_vector(&["a"]),
        &long_vector(&[1]),
    )));
    assert!(matches!(err, WireError::Malformed(_)), "{err}");
}

#[test]
fn rejects_table_without_a_column_dictionary() {
    // 98 must be followed by its attribute and then 99 (not 127, not a list).
    for inner in [0x7fu8, 0x00, 0x62] {
        let mut body = table_body(&symbol_vector(&["a"]), &general_list(&[&long_vector(&[1])]));
        body[2] = inner;
        let err = refused(&message(&body));
        assert!(matches!(err, WireError::Malformed(_)), "{err}");
    }
}

#[test]
fn rejects_table_with_columns_of_different_lengths() {
    let body = table_body(
        &symbol_vector(&["a", "b"]),
        &general_list(&[&long_vector(&[1, 2]), &long_vector(&[3])]),
    );
    let err = refused(&message(&body));
    assert!(matches!(err, WireError::Malformed(_)), "{err}");
}

#[test]
fn rejects_table_with_names_and_columns_of_different_counts() {
    let body = table_body(
        &symbol_vector(&["a", "b"]),
        &general_list(&[&long_vector(&[1, 2])]),
    );
    let err = refused(&message(&body));
    assert!(matches!(err, WireError::Malformed(_)), "{err}");
}

#[test]
fn rejects_table_with_an_atom_column() {
    let body = table_body(&symbol_vector(&["a"]), &general_list(&[&[0xf9; 9]]));
    let err = refused(&message(&body));
    assert!(matches!(err, WireError::Malformed(_)), "{err}");
}

#[test]
fn rejects_dictionary_whose_keys_and_values_differ_in_count() {
    for type_byte in [0x63u8, 0x7f] {
        let body = cat(&[
            &[type_byte],
            &symbol_vector(&["a", "b"]),
            &long_vector(&[1]),
        ]);
        let err = refused(&message(&body));
        assert!(matches!(err, WireError::Malformed(_)), "{err}");
    }
    // A keyed table whose key and value tables differ in rows.
    let key = table_body(
        &symbol_vector(&["k"]),
        &general_list(&[&long_vector(&[1, 2])]),
    );
    let value = table_body(&symbol_vector(&["v"]), &general_list(&[&long_vector(&[1])]));
    let err = refused(&message(&cat(&[&[0x63], &key, &value])));
    assert!(matches!(err, WireError::Malformed(_)), "{err}");
}

#[test]
fn rejects_dictionary_of_atoms() {
    let body = cat(&[&[0x63], b"\xf5a\0", &[0xf9; 9]]);
    let err = refused(&message(&body));
    assert!(matches!(err, WireError::Malformed(_)), "{err}");
}

#[test]
fn rejects_lambda_whose_source_is_not_a_char_vector() {
    let good = cat(&[&[0x64, 0, 10, 0], &le32(5), b"{x+y}"]);
    assert!(decode(&message(&good)).is_ok());
    for source in [
        long_vector(&[1]),
        b"\xf6a".to_vec(),
        general_list(&[]),
        symbol_vector(&["x"]),
        cat(&[&[4, 0], &le32(1), b"x"]),
    ] {
        let body = cat(&[&[0x64, 0], &source]);
        let err = refused(&message(&body));
        assert!(matches!(err, WireError::Malformed(_)), "{err}");
    }
}

#[test]
fn rejects_projection_or_composition_with_count_0() {
    for type_byte in [0x68u8, 0x69] {
        let err = refused(&message(&cat(&[&[type_byte], &le32(0)])));
        assert!(matches!(err, WireError::Malformed(_)), "{err}");
        // Bytes after the count do not make it valid.
        let err = refused(&message(&cat(&[&[type_byte], &le32(0), &[0x66, 1]])));
        assert!(matches!(err, WireError::Malformed(_)), "{err}");
    }
}

// ---------------------------------------------------------------------------------------
// Compressed messages
// ---------------------------------------------------------------------------------------

#[test]
fn accepts_a_minimal_hand_built_compressed_message() {
    // The control for the corruptions below: two literals `ff 01` decompress to `1b`.
    assert_eq!(
        decode(&compressed(10, &[0x00, 0xff, 0x01])),
        Ok(Value::Bool(true))
    );
}

#[test]
fn rejects_compressed_reference_to_an_empty_slot() {
    // First item a back-reference, with nothing in the table yet.
    let err = refused(&compressed(20, &[0x01, 0x00, 0x00]));
    assert_eq!(
        err,
        WireError::CorruptCompression("reference to an empty slot")
    );
    // After two literals only slot 'a'^'b' is filled; any other slot is still empty.
    let slot = b'a' ^ b'b';
    let err = refused(&compressed(30, &[0x04, b'a', b'b', slot ^ 1, 0]));
    assert_eq!(
        err,
        WireError::CorruptCompression("reference to an empty slot")
    );
}

#[test]
fn rejects_compressed_reference_that_copies_past_the_declared_length() {
    let slot = b'a' ^ b'b';
    // Two literals, then a reference copying 2 + 255 bytes from position 8.
    let stream = [0x04, b'a', b'b', slot, 255];
    // Declared 8 + 2 + 257 bytes: it fits exactly and repeats "ab".
    let fitting = decompress_message(&compressed(267, &stream), u64::MAX).unwrap();
    assert_eq!(fitting.len(), 267);
    assert!(fitting[8..].chunks(2).all(|c| c == b"ab" || c == b"a"));
    // One byte less: the reference would write past the end.
    for total in [266u32, 20, 11] {
        assert_eq!(
            refused(&compressed(total, &stream)),
            WireError::CorruptCompression("reference copies past the end"),
            "declared {total}"
        );
    }
}

#[test]
fn rejects_compressed_stream_that_ends_early() {
    let ran_out = WireError::CorruptCompression("stream ends before the declared length");
    // Three literals for a declared 100 bytes.
    assert_eq!(
        refused(&compressed(100, &[0x00, b'a', b'b', b'c'])),
        ran_out
    );
    // A reference missing its length byte.
    assert_eq!(
        refused(&compressed(100, &[0x04, b'a', b'b', b'a' ^ b'b'])),
        ran_out
    );
    // A group that ends where the next control byte should be.
    let mut full_group = vec![0x00];
    full_group.extend_from_slice(b"abcdefgh");
    assert_eq!(refused(&compressed(100, &full_group)), ran_out);
    // Cutting the last byte of a real compressed message (and fixing its header).
    let til: Value = (0..1000i64).collect::<Vec<_>>().into();
    let mut real = qport_wire::compress(&til).unwrap();
    real.pop();
    let len = real.len() as u32;
    real[4..8].copy_from_slice(&le32(len));
    assert_eq!(refused(&real), ran_out);
}

#[test]
fn rejects_declared_uncompressed_length_below_10() {
    for total in [0u32, 1, 8, 9] {
        let err = refused(&compressed(total, &[0x00, 0xff, 0x01]));
        assert_eq!(
            err,
            WireError::CorruptCompression("uncompressed length too small"),
            "declared {total}"
        );
    }
    let err = refused(&compressed64(9, &[0x00, 0xff, 0x01]));
    assert_eq!(
        err,
        WireError::CorruptCompression("uncompressed length too small")
    );
}

#[test]
fn rejects_declared_uncompressed_length_over_the_limit() {
    // 4 GiB - 1 declared, over the default 1 GiB: refused before allocating.
    let err = refused(&compressed(u32::MAX, &[0x00, 0xff, 0x01]));
    assert_eq!(err.q_text(), "limit");
    assert!(matches!(err, WireError::Limit { .. }), "{err}");
    // Flag 2 with an 8-byte length of 2^50.
    let err = refused(&compressed64(1 << 50, &[0x00, 0xff, 0x01]));
    assert_eq!(err.q_text(), "limit");
    // decompress_message's own limit: 1001 declared, 1000 allowed.
    let stream = vec![0u8; 64];
    let (result, largest) =
        largest_allocation_during(|| decompress_message(&compressed(1001, &stream), 1000));
    assert_eq!(result.unwrap_err().q_text(), "limit");
    assert!(largest < SMALL_ALLOCATION);
}

#[test]
fn rejects_declared_length_over_257_times_the_stream() {
    let too_big = WireError::CorruptCompression("declared length exceeds what the data can hold");
    let stream = [0x04, b'a', b'b', b'a' ^ b'b'];
    // 4 stream bytes can produce at most 4 × 257 bytes after the header.
    assert_eq!(refused(&compressed(8 + 4 * 257 + 1, &stream)), too_big);
    // 512 MiB declared (within the default limit) from a 4-byte stream: refused before
    // the buffer is allocated.
    assert_eq!(refused(&compressed(1 << 29, &stream)), too_big);
    assert_eq!(refused(&compressed64(1 << 29, &stream)), too_big);
    // At exactly 257 × the stream this check passes; the stream then runs out instead.
    assert_eq!(
        refused(&compressed(8 + 4 * 257, &stream)),
        WireError::CorruptCompression("stream ends before the declared length")
    );
}

#[test]
fn rejects_compressed_message_whose_header_length_is_wrong() {
    let mut message = compressed(10, &[0x00, 0xff, 0x01]);
    message.push(0);
    assert!(matches!(
        refused(&message),
        WireError::LengthMismatch { .. }
    ));
    assert!(matches!(
        decompress_message(&message, u64::MAX),
        Err(WireError::LengthMismatch { .. })
    ));
}

#[test]
fn rejects_decompressing_a_message_that_is_not_compressed() {
    let plain = message(&[0xff, 1]);
    assert_eq!(
        decompress_message(&plain, u64::MAX),
        Err(WireError::Malformed("message is not compressed"))
    );
    // And compressing an already compressed (or inconsistent) message does nothing.
    let til: Value = (0..1000i64).collect::<Vec<_>>().into();
    let already = qport_wire::compress(&til).unwrap();
    assert_eq!(compress_message(&already), None);
}

#[test]
fn rejects_compressed_body_that_decompresses_to_a_bad_value() {
    // Decompresses to `ff 02`: a boolean 2.
    assert_eq!(
        refused(&compressed(10, &[0x00, 0xff, 0x02])),
        WireError::BadBoolean(2)
    );
    // Decompresses to `ff 01 00`: trailing byte.
    assert_eq!(
        refused(&compressed(11, &[0x00, 0xff, 0x01, 0x00])),
        WireError::TrailingBytes(1)
    );
}

// ---------------------------------------------------------------------------------------
// Serializing
// ---------------------------------------------------------------------------------------

#[test]
fn refuses_to_serialize_an_error_nested_in_a_list() {
    let nested = [
        Value::list([Value::Long(1), Value::error("type")]),
        Value::dict(
            Dict::new(Value::symbols(["a"]), Value::list([Value::error("length")])).unwrap(),
        ),
        Value::table(Table::new(syms(&["a"]), vec![Value::list([Value::error("x")])]).unwrap()),
        Value::from(Function::Projection(
            vec![Value::from(Function::BinaryPrimitive(1)), Value::error("x")].into(),
        )),
        Value::from(Function::Derived(
            Adverb::Each,
            Arc::new(Value::list([Value::error("x")])),
        )),
    ];
    for value in &nested {
        for kind in [MessageKind::Async, MessageKind::Sync, MessageKind::Response] {
            for capability in [0u8, 3, 6] {
                let (result, largest) = largest_allocation_during(|| {
                    encode_message(value, kind, Capability::new(capability))
                });
                let err = result.expect_err("a nested error cannot be serialized");
                assert_eq!(err.q_text(), "type", "{value:?} as {kind:?}");
                assert!(largest < SMALL_ALLOCATION);
            }
        }
        assert_eq!(qport_wire::serialize(value).unwrap_err().q_text(), "type");
    }
}

#[test]
fn refuses_to_serialize_an_error_outside_a_response() {
    for kind in [MessageKind::Async, MessageKind::Sync] {
        let err = encode_message(&Value::error("type"), kind, Capability::MAX).unwrap_err();
        assert_eq!(err.q_text(), "type");
    }
}

#[test]
fn refuses_to_serialize_a_projection_or_composition_of_nothing() {
    for function in [
        Function::Projection(Vec::new().into()),
        Function::Composition(Vec::new().into()),
    ] {
        let err =
            encode_message(&Value::from(function), MessageKind::Sync, Capability::MAX).unwrap_err();
        assert_eq!(err.q_text(), "type");
    }
}
