//! Tests of `$` as a whole: kdb+'s documented examples (the ref pages on cast, tok and
//! pad, and the corpus), with arguments and expected values written as q literals and
//! read by the interpreter.

use super::*;
use crate::eval::Interpreter;
use qport_value::null::*;

/// The value of q text (literals only: no other verb is needed to read them).
fn q(text: &str) -> Value {
    match Interpreter::new().run(text.as_bytes()) {
        Ok(Some(v)) => v,
        other => panic!("{text}: {other:?}"),
    }
}

/// `x$y` gives `expected`.
#[track_caller]
fn check(x: &str, y: &str, expected: &str) {
    assert_eq!(cast(q(x), q(y)), Ok(q(expected)), "{x}${y}");
}

/// `x$y` gives `expected`, a value no literal writes.
#[track_caller]
fn check_value(x: &str, y: &str, expected: Value) {
    assert_eq!(cast(q(x), q(y)), Ok(expected), "{x}${y}");
}

/// `x$y` signals `error`.
#[track_caller]
fn fails(x: &str, y: &str, error: &str) {
    assert_eq!(cast(q(x), q(y)), Err(QError::new(error)), "{x}${y}");
}

fn dict(keys: &str, values: &str) -> Value {
    Value::dict(Dict::new(q(keys), q(values)).expect("a dictionary"))
}

#[test]
fn cast_by_letter_name_and_short() {
    check("\"i\"", "10", "10i");
    check("(`int;\"i\";6h)", "10", "10 10 10i");
    check("`int", "(6.1 6.6;-6.1 -6.6)", "(6 7i;-6 -7i)");
    check("1h", "(1 0 2;-1 0 -2)", "(101b;101b)");
    check("`long", "1.5 2.5 -1.5 -2.5 0.4999", "2 3 -2 -3 0");
    check("\"j\"", "8 16 32 1024f", "8 16 32 1024");
    check("`short", "1b", "1h");
    check("\"e\"", "1 2i", "1 2e");
    check("`float", "0N 0W", "0n 9.223372036854775807e18");
    check("9h", "2.5e", "2.5");
    check("`int", "0N 0W -0W", "0N 0W -0Wi");
    check("`int", "0n 0w -0w", "0N 0W -0Wi");
    check("\"h\"", "0Ni", "0Nh");
    check("`long", "0Ni 0Nh", "0N 0N");
}

#[test]
fn infinities_widen_to_plain_numbers() {
    check("`float", "0Wh", "32767f");
    check("`long", "0Wi", "2147483647");
    check("`float", "0Ni", "0n");
}

#[test]
fn booleans() {
    let chars = "\" abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789\"";
    let ones = format!("{}b", "1".repeat(64));
    check("\"b\"", chars, &ones);
    check("`boolean", "0 1 2 -1", "0111b");
    check("`boolean", "0n 0 0.1", "101b");
    check("\"b\"", "\"\\000\"", "0b");
}

#[test]
fn bytes_and_chars() {
    check("\"x\"", "3 4 5", "0x030405");
    check("\"x\"", "\"abc\"", "0x616263");
    // Longs above 0Wi give 0xff, as kdb+ documents.
    check(
        "\"x\"",
        "2147483645 2147483646 2147483647 2147483648 2147483649",
        "0xfdfeffffff",
    );
    check("`char", "50 43 51", "\"2+3\"");
    check("\"c\"", "0", "\"\\000\"");
    check("10h", "0x68656c6c6f", "\"hello\"");
    check("`float", "\"AC\"", "65 67f");
    check("`long", "\"a\"", "97");
    check("`int", "\"abc\"", "97 98 99i");
    check("`byte", "256 -1", "0x00ff");
}

#[test]
fn identity() {
    check("(\"*\";0h)", "1", "1 1");
    check("\"*\"", "\"2012-02-02\"", "\"2012-02-02\"");
    check("0h", "(1;`a)", "(1;`a)");
    check("`long", "1 2", "1 2");
}

#[test]
fn numbers_to_temporals_and_back() {
    check(
        "12 13 14 15 16 17 18 19h",
        "42",
        "(2000.01.01D00:00:00.000000042;2003.07m;2000.02.12;2000.02.12T00:00:00.000;\
         0D00:00:00.000000042;00:42;00:00:42;00:00:00.042)",
    );
    check(
        "(12h;\"m\";`date)",
        "42",
        "(2000.01.01D00:00:00.000000042;2003.07m;2000.02.12)",
    );
    check(
        "(12h;\"m\";`date)",
        "42 43 44",
        "(2000.01.01D00:00:00.000000042;2003.08m;2000.02.14)",
    );
    check(
        "(12h;13 14h)",
        "(42;42 42)",
        "(2000.01.01D00:00:00.000000042;(2003.07m;2000.02.12))",
    );
    check("\"j\"", "1999.01.01 2000.12.31", "-365 365");
    check("\"i\"", "2010.01.01 2005.01.01", "3653 1827i");
    check("`int", "2000.02.01", "31i");
    check("`float", "2000.01.02", "1f");
    check("`long", "(12:00;12:00:00)", "720 43200");
    check("`long", "0D12:00:00.000000000", "43200000000000");
    check("`long", "0Nd", "0N");
    check("`date", "0N", "0Nd");
    check("`timestamp", "0Ni", "0Np");
    check("`datetime", "1.5", "2000.01.02T12:00:00.000");
    check("`float", "2000.01.02T12:00:00.000", "1.5");
    fails("`date", "\"a\"", "type");
    fails("`char", "2000.01.01", "type");
}

#[test]
fn between_temporals() {
    check("`date", "2015.10.28D03:55:58", "2015.10.28");
    check("`date", "1999.12.31D23:00:00", "1999.12.31");
    check("`time", "1999.12.31D23:00:00", "23:00:00.000");
    check("`time", "2015.10.28D03:55:58.6542", "03:55:58.654");
    check("`minute", "2015.10.28D03:55:58", "03:55");
    check("`second", "2015.10.28D03:55:58", "03:55:58");
    check("`timespan", "2015.10.28D03:55:58", "0D03:55:58");
    check("`timestamp", "2015.10.28", "2015.10.28D00:00:00.000000000");
    check("`timestamp", "1666.09.02", "-0Wp");
    check("`timestamp", "0Nd 0Wd", "0N 0Wp");
    check("`month", "2019.11.19", "2019.11m");
    check("`date", "2019.10m", "2019.10.01");
    check("`date", "2017.08.23T23:50:12.000", "2017.08.23");
    check("`datetime", "2015.10.28", "2015.10.28T00:00:00.000");
    check(
        "`timestamp",
        "2000.01.01T12:00:00.001",
        "2000.01.01D12:00:00.001000000",
    );
    check("`time", "2000.01.01T12:00:00.001", "12:00:00.001");
    check("`second", "00:01:30.999", "00:01:30");
    check("`minute", "00:01:59", "00:01");
    check("`time", "12:30", "12:30:00.000");
    check("`timespan", "00:00:01.500", "0D00:00:01.500000000");
    check("`second", "0D01:00:00", "01:00:00");
    check("`time", "0Nu 0Wu", "0N 0Wt");
    fails("`time", "2000.01.01", "type");
    fails("`minute", "2000.01m", "type");
    fails("`date", "12:00", "type");
    fails("`timestamp", "0D12:00:00", "type");
}

#[test]
fn temporal_parts() {
    check("`hh`uu`ss", "03:55:58.11", "3 55 58i");
    check(
        "`year`dd`mm`hh`uu`ss",
        "2015.10.28D03:55:58",
        "2015 28 10 3 55 58i",
    );
    check("`year", "2015.10.28 2016.02.29", "2015 2016i");
    check("`mm", "2015.10m", "10i");
    check(
        "`week",
        "2015.10.28 2015.10.26 2015.11.01",
        "2015.10.26 2015.10.26 2015.10.26",
    );
    check("`hh", "0Nt", "0Ni");
    check("`int`hh`mm`ss", "03:30:00.000", "12600000 3 30 0i");
    check("`dd", "(2015.10.28;2015.10.29T12:00:00.000)", "28 29i");
    fails("`dd", "2015.10m", "type");
    fails("`hh", "2015.10.28", "type");
    fails("`year", "12:00", "type");
    fails("`year", "2015", "type");
}

#[test]
fn symbols_from_strings() {
    check("`", "\"hello\"", "`hello");
    check("`", "\"   IBM   \"", "`IBM");
    check_value("`", "(\"ab*c\";\"abcc\")", Value::symbols(["ab*c", "abcc"]));
    check_value("`", "()", empty_of(11));
    check("`", "\"\"", "`");
    check("`symbol", "\"abc\"", "`abc");
    check("\"s\"", "\"a\"", "`a");
    check("`symbol", "`a`b", "`a`b");
    check("`", "`a", "`a");
    fails("`", "1", "type");
    fails("`symbol", "1", "type");
    fails("`int", "`a", "type");
}

#[test]
fn typed_empties() {
    check_value("`float", "()", empty_of(9));
    check_value("`long", "()", empty_of(7));
    check_value("\"I\"", "()", empty_of(6));
    check_value("`year", "()", empty_of(6));
}

#[test]
fn general_lists_cast_item_by_item() {
    check("`int", "(1;2.5)", "1 3i");
    check("`float", "(1 2;3i)", "(1 2f;3f)");
    check(
        "9h",
        "(\"quick\";\"brown\";\"fox\")",
        "(113 117 105 99 107f;98 114 111 119 110f;102 111 120f)",
    );
}

#[test]
fn dictionaries_and_tables_cast_by_value() {
    let noon = dict(
        "`minutes`seconds`nanoseconds",
        "(12:00;12:00:00;0D12:00:00.000000000)",
    );
    let expected = dict("`minutes`seconds`nanoseconds", "720 43200 43200000000000");
    assert_eq!(cast(q("\"j\""), noon), Ok(expected));
    let names = Vector::from(vec![Symbol::new("a"), Symbol::new("b")]);
    let table = Table::new(names.clone(), vec![q("1 2"), q("1.5 2.5")]).expect("a table");
    let floats = Table::new(names, vec![q("1 2f"), q("1.5 2.5")]).expect("a table");
    assert_eq!(
        cast(q("`float"), Value::table(table)),
        Ok(Value::table(floats))
    );
}

#[test]
fn tok() {
    check("\"E\"", "\"3.14\"", "3.14e");
    check("-8h", "\"3.14\"", "3.14e");
    check("\"F\"", "\"1.5\"", "1.5");
    check("\"J\"", "\"42\"", "42");
    check("\"I\"", "\"42\"", "42i");
    check("\"D\"", "\"2000-12-12\"", "2000.12.12");
    check("\"D\"", "\"2024.01.15\"", "2024.01.15");
    check("\"D\"", "\"06/01/2010\"", "2010.06.01");
    check("\"U\"", "\"12:13:14\"", "12:13");
    check("\"T\"", "\"123456789\"", "12:34:56.789");
    check(
        "\"P\"",
        "\"2015-10-28D03:55:58.6542\"",
        "2015.10.28D03:55:58.654200000",
    );
    check("\"H\"", "\"32768\"", "0Nh");
    check("\"I\"", "\"2147483648\"", "0Ni");
    check("\"D\"", "\"2147483648\"", "0Nd");
    check("\"BXH\"", "(\"42\";\"42\";\"42\")", "(0b;0x42;42h)");
    check(
        "(\"B\";\"XHI\")",
        "(\"42\";(\"42\";\"42\";\"42\"))",
        "(0b;(0x42;42h;42i))",
    );
    check("\"B\"", "\"   Y  \"", "1b");
    check("\"B\"", "(\" Y \";\"    N \")", "10b");
    check("\"S\"", "\"hello\"", "`hello");
    check("-11h", "\"hello\"", "`hello");
    check("\"I\"", "\"192.168.1.34\"", "-1062731486i");
    check("\"I\"", "\"104.130.139.23\"", "1753385751i");
    check("\"N\"", "\"123456123987654\"", "0D12:34:56.123987654");
    check("\"T\"", "\"123456123987654\"", "12:34:56.123");
    check("\"P\"", "\"10129708800\"", "2290.12.31D00:00:00.000000000");
    check("\"P\"", "\"00000000000\"", "1970.01.01D00:00:00.000000000");
    check(
        "\"P\"",
        "\"10129708800.123456789\"",
        "2290.12.31D00:00:00.123456789",
    );
    check(
        "\"P\"",
        "\"00000000000.123456789\"",
        "1970.01.01D00:00:00.123456789",
    );
    check(
        "\"P\"",
        "\"20191122-11:11:11.123\"",
        "2019.11.22D11:11:11.123000000",
    );
    check(
        "\"Z\"",
        "\"20191122-11:11:11.123\"",
        "2019.11.22T11:11:11.123",
    );
    check("\"D\"", "\"3001.01.01\"", "3001.01.01");
    check("\"J\"", "(\"1\";\"x\";\"\")", "1 0N 0N");
    check("\"F\"", "\"x\"", "0n");
    check("\"M\"", "\"2015.10\"", "2015.10m");
    check("\"V\"", "\"12:13:14\"", "12:13:14");
    check("\"*\"", "\"2012-02-02\"", "\"2012-02-02\"");
    check("\"C\"", "\"a\"", "\"a\"");
}

#[test]
fn tok_of_each_character() {
    // `"B"$'"   Y  "`: tok applies to chars as one-character strings.
    let spaced = q("\"   Y  \"");
    let each: Vec<Value> = to_items(&spaced)
        .into_iter()
        .map(|c| cast(q("\"B\""), c))
        .collect::<QResult<_>>()
        .expect("booleans");
    assert_eq!(from_items(each), q("000100b"));
}

#[test]
fn tok_guids() {
    let mapped = "00000000-0000-0000-0000-ffffc0000201";
    let g = |text: &str| match cast(q("\"G\""), Value::string(text)) {
        Ok(Value::Guid(g)) => g.to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(g("192.0.2.1"), mapped);
    assert_eq!(g("::FFFF:192.0.2.1"), mapped);
    assert_eq!(g("::FFFF:c000:201"), mapped);
    assert_eq!(
        g("2001:0DB8:85A3::8A2E:0370:7334"),
        "20010db8-85a3-0000-0000-8a2e03707334"
    );
    assert_eq!(
        g("8c680a01-5a49-5aab-5a65-d4bfddb6a661"),
        "8c680a01-5a49-5aab-5a65-d4bfddb6a661"
    );
    assert_eq!(cast(q("\"G\""), q("\"\"")), Ok(Value::Guid(NULL_GUID)));
}

#[test]
fn tok_refuses_what_is_not_text() {
    fails("\"I\"", "42", "type");
    fails("\"S\"", "1 2", "type");
    fails("-6h", "2000.01.01", "type");
}

#[test]
fn pad() {
    check("9", "\"foo\"", "\"foo      \"");
    check("-9", "\"foo\"", "\"      foo\"");
    check("2", "\"foo\"", "\"fo\"");
    check("5i", "\"ab\"", "\"ab   \"");
    check(
        "9",
        "(\"The\";(\"fox\";(\"jumps\";\"over\"));(\"the\";\"dog\"))",
        "(\"The      \";(\"fox      \";(\"jumps    \";\"over     \"));\
         (\"the      \";\"dog      \"))",
    );
    check(
        "9",
        "(\"quick\";\"brown\";\"fox\")",
        "(\"quick    \";\"brown    \";\"fox      \")",
    );
    check("10", "\"take me\"", "\"take me   \"");
    let padded = dict("`a`b`c", "(\"    quick\";\"    brown\";\"      fox\")");
    assert_eq!(
        cast(q("-9"), dict("`a`b`c", "(\"quick\";\"brown\";\"fox\")")),
        Ok(padded)
    );
    fails("5", "1 2", "type");
    fails("5", "`abc", "type");
}

#[test]
fn matrix_product() {
    check("1 2 3.", "1 2 3.", "14f");
    check("(1 1.;1 0.)", "(1 1.;1 0.)", "(2 1.;1 1.)");
    fails("1 2 3.", "1 2.", "length");
    fails("1 2 3.", "1 2 3", "type");
}

#[test]
fn refusals() {
    fails("\"ij\"", "1 2 3", "length");
    fails("\"q\"", "1", "type");
    fails("3h", "1", "type");
    fails("20h", "1", "type");
    fails("-3h", "\"1\"", "type");
    fails("\"g\"", "1", "type");
    fails("`guid", "\"a\"", "type");
    fails("1.5", "1", "type");
    fails("`long", "{x}", "type");
    // A name that is no type is an enumeration's domain; undefined here.
    fails("`sym", "`a", "sym");
}

#[test]
fn cast_names() {
    assert!(is_cast_name(b"int"));
    assert!(is_cast_name(b""));
    assert!(is_cast_name(b"year"));
    assert!(is_cast_name(b"week"));
    assert!(!is_cast_name(b"sym"));
}
