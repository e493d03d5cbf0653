#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Flask's session JSON (`TaggedJSONSerializer`), `compat::flask`.
//!
//! * Every case of tests/data/itsdangerous-classic/flask-session.json (made by
//!   Flask 3.1.3, 2.0.3 and 1.1.4, see the README there): the session as set
//!   encodes to the exact `session_json`, and `session_json` decodes to the
//!   session the app read back.
//! * Each tag's edge cases. The expected bytes of the `flask_*` tests were
//!   produced by Flask 3.1.3's own `TaggedJSONSerializer` (inside an app
//!   context, so with its JSON provider's `sort_keys` and `ensure_ascii`) with
//!   tests/data/itsdangerous-classic/flask-tag-edge-cases.py.
//! * The inputs Flask reads leniently and this crate refuses, each with its
//!   exact error (the "Differences from Flask" table of the module docs).

use std::collections::BTreeMap;

use serde_json::{json, Value};
use time::{OffsetDateTime, UtcOffset};
use timed_jws::compat::flask::{
    self, decode, decode_with_limits, encode, format_http_date, parse_http_date, Session,
    TaggedValue, Uuid,
};
use timed_jws::{Error, ErrorKind, Limits, Part};

#[path = "common/flask_vectors.rs"]
mod flask_vectors;

use flask_vectors::{cases, iso_datetime, session_as_set, typed_session};

#[test]
fn vectors_encode_byte_for_byte() {
    let cases = cases();
    assert_eq!(cases.len(), 19);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let expected = case["session_json"].as_str().unwrap();
        let got = encode(&session_as_set(case)).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), expected, "{name}");
    }
}

#[test]
fn vectors_decode_to_what_flask_read_back() {
    for case in &cases() {
        let name = case["name"].as_str().unwrap();
        let stored = case["session_json"].as_str().unwrap();
        let session = decode(stored.as_bytes()).unwrap();
        assert_eq!(session, typed_session(&case["expected_decoded"]), "{name}");
        // Every check that read the session saw the same data.
        for check in case["checks"].as_array().unwrap() {
            if check["session_seen"] != json!({}) {
                assert_eq!(session, typed_session(&check["session_seen"]), "{name}");
            }
        }
        // Read back and written again: the same bytes.
        assert_eq!(encode(&session).unwrap(), stored.as_bytes(), "{name}");
        // The tagged JSON as stored, and back.
        let tagged = flask::to_tagged_json(&session).unwrap();
        assert_eq!(
            tagged,
            serde_json::from_str::<Value>(stored).unwrap(),
            "{name}"
        );
        assert_eq!(flask::from_tagged_json(tagged).unwrap(), session, "{name}");
    }
}

#[test]
fn vector_lossy_values_come_back_as_strings() {
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "lossy_date_and_decimal")
        .unwrap();
    let session = decode(case["session_json"].as_str().unwrap().as_bytes()).unwrap();
    assert_eq!(
        session["day"],
        TaggedValue::from("Tue, 02 Jan 2024 00:00:00 GMT")
    );
    assert_eq!(session["price"], TaggedValue::from("1.10"));
}

// ---------------------------------------------------------------------------
// Edge cases whose bytes Flask 3.1.3 produced
// ---------------------------------------------------------------------------

fn obj<const N: usize>(entries: [(&str, TaggedValue); N]) -> TaggedValue {
    TaggedValue::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

fn session<const N: usize>(entries: [(&str, TaggedValue); N]) -> Session {
    entries
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

fn int(n: i64) -> TaggedValue {
    TaggedValue::from(n)
}

/// `encode(value) == stored` and `decode(stored) == value`.
fn both_ways(value: &Session, stored: &str) {
    assert_eq!(String::from_utf8(encode(value).unwrap()).unwrap(), stored);
    assert_eq!(&decode(stored.as_bytes()).unwrap(), value);
}

#[test]
fn flask_di_nesting() {
    // {" di": {" t": (1,)}}: both dicts are one-key dicts keyed by a tag.
    both_ways(
        &session([(" di", obj([(" t", TaggedValue::Tuple(vec![int(1)]))]))]),
        r#"{" di":{" di__":{" di":{" t__":{" t":[1]}}}}}"#,
    );
    // {"x": {" di": " di"}}
    both_ways(
        &session([("x", obj([(" di", " di".into())]))]),
        r#"{"x":{" di":{" di__":" di"}}}"#,
    );
    // {" t": [1]} at the top level.
    both_ways(
        &session([(" t", TaggedValue::Array(vec![int(1)]))]),
        r#"{" di":{" t__":[1]}}"#,
    );
    // " t__" is not a tag name: a plain dict.
    both_ways(
        &session([(" t__", TaggedValue::Bytes(b"a".to_vec()))]),
        r#"{" t__":{" b":"YQ=="}}"#,
    );
    // Two keys, both tag names: a plain dict, the values tagged.
    both_ways(
        &session([
            (" t", TaggedValue::Tuple(vec![int(1)])),
            (" b", TaggedValue::Bytes(b"x".to_vec())),
        ]),
        r#"{" b":{" b":"eA=="}," t":{" t":[1]}}"#,
    );
}

#[test]
fn flask_bytes_padding() {
    both_ways(
        &session([
            ("e", TaggedValue::Bytes(vec![])),
            ("a", TaggedValue::Bytes(b"a".to_vec())),
            ("ab", TaggedValue::Bytes(b"ab".to_vec())),
            ("abc", TaggedValue::Bytes(b"abc".to_vec())),
            ("alpha", TaggedValue::Bytes(vec![0xfb, 0xff])),
        ]),
        r#"{"a":{" b":"YQ=="},"ab":{" b":"YWI="},"abc":{" b":"YWJj"},"alpha":{" b":"+/8="},"e":{" b":""}}"#,
    );
}

#[test]
fn flask_uuid_written_lower_case() {
    let upper: Uuid = "ABCDEFAB-1234-5678-9ABC-DEF012345678".parse().unwrap();
    both_ways(
        &session([("u", TaggedValue::Uuid(upper))]),
        r#"{"u":{" u":"abcdefab123456789abcdef012345678"}}"#,
    );
    assert_eq!(upper.to_string(), "abcdefab-1234-5678-9abc-def012345678");
    assert_eq!(upper.simple(), "abcdefab123456789abcdef012345678");
    assert_eq!(
        "abcdefab123456789abcdef012345678".parse::<Uuid>().unwrap(),
        upper
    );
    assert_eq!(
        Uuid::from_bytes(*upper.as_bytes()),
        upper,
        "bytes round trip"
    );
    assert_eq!(
        upper.as_bytes(),
        &[
            0xab, 0xcd, 0xef, 0xab, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34,
            0x56, 0x78
        ]
    );
    assert_eq!(
        format!("{upper:?}"),
        "Uuid(abcdefab-1234-5678-9abc-def012345678)"
    );
    for bad in [
        "abcdefab-1234-5678-9abc-def01234567",
        "abcdefab1234-5678-9abc-def0123456789",
        "{abcdefab-1234-5678-9abc-def012345678}",
        "abcdefab123456789abcdef01234567g",
        "",
    ] {
        assert_eq!(
            bad.parse::<Uuid>().unwrap_err().to_string(),
            "malformed payload: not a UUID",
            "{bad}"
        );
    }
}

#[test]
fn flask_datetime_utc_whole_seconds() {
    let stored = r#"{"d":{" d":"Tue, 14 Nov 2023 22:13:20 GMT"}}"#;
    let whole = iso_datetime("2023-11-14T22:13:20");
    // Microseconds are lost; an offset is converted to UTC.
    for written in [
        iso_datetime("2023-11-14T22:13:20.999999"),
        iso_datetime("2023-11-15T00:13:20+02:00"),
        whole,
    ] {
        let s = session([("d", TaggedValue::DateTime(written))]);
        assert_eq!(String::from_utf8(encode(&s).unwrap()).unwrap(), stored);
    }
    let back = decode(stored.as_bytes()).unwrap();
    assert_eq!(back["d"], TaggedValue::DateTime(whole));
    match back["d"] {
        TaggedValue::DateTime(dt) => {
            assert_eq!(dt.offset(), UtcOffset::UTC);
            assert_eq!(dt.unix_timestamp(), 1_700_000_000);
        }
        _ => unreachable!(),
    }
    // Before 1970 the sub-second part is dropped from the clock reading
    // (23:59:59.5 is written 23:59:59), as Python's fields.
    both_ways(
        &session([(
            "d",
            TaggedValue::DateTime(iso_datetime("1969-12-31T23:59:59")),
        )]),
        r#"{"d":{" d":"Wed, 31 Dec 1969 23:59:59 GMT"}}"#,
    );
    let half = session([(
        "d",
        TaggedValue::DateTime(iso_datetime("1969-12-31T23:59:59.500000")),
    )]);
    assert_eq!(
        String::from_utf8(encode(&half).unwrap()).unwrap(),
        r#"{"d":{" d":"Wed, 31 Dec 1969 23:59:59 GMT"}}"#
    );
    // The first and last years Flask reads back unchanged.
    both_ways(
        &session([(
            "d",
            TaggedValue::DateTime(iso_datetime("0100-01-01T00:00:00")),
        )]),
        r#"{"d":{" d":"Fri, 01 Jan 0100 00:00:00 GMT"}}"#,
    );
    both_ways(
        &session([(
            "d",
            TaggedValue::DateTime(iso_datetime("9999-12-31T23:59:59")),
        )]),
        r#"{"d":{" d":"Fri, 31 Dec 9999 23:59:59 GMT"}}"#,
    );
}

#[test]
fn datetime_years_flask_cannot_read_back_are_refused_when_writing() {
    for text in ["0099-12-31T23:59:59", "0001-01-01T00:00:00"] {
        let s = session([("d", TaggedValue::DateTime(iso_datetime(text)))]);
        let err = encode(&s).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed);
        assert_eq!(
            err.to_string(),
            "malformed payload: datetime year outside 100..=9999"
        );
    }
    // 9999-12-31T23:00:00-01:00 is year 10000 in UTC.
    let late = iso_datetime("9999-12-31T23:00:00-01:00");
    assert_eq!(
        format_http_date(late).unwrap_err().to_string(),
        "malformed payload: datetime year outside 100..=9999"
    );
}

#[test]
fn http_date_helpers() {
    let t = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    assert_eq!(
        format_http_date(t).unwrap(),
        "Tue, 14 Nov 2023 22:13:20 GMT"
    );
    assert_eq!(parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT").unwrap(), t);
    assert_eq!(
        parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT").unwrap(),
        iso_datetime("2024-02-29T12:00:00")
    );
}

#[test]
fn flask_markup_and_strings_escaped_as_ascii() {
    both_ways(
        &session([("m", TaggedValue::Markup("<i>é😀</i>".into()))]),
        r#"{"m":{" m":"<i>\u00e9\ud83d\ude00</i>"}}"#,
    );
    both_ways(
        &session([("s", "a\"b\\c\n\t\u{0}\u{7f}/</script>".into())]),
        r#"{"s":"a\"b\\c\n\t\u0000\u007f/</script>"}"#,
    );
}

#[test]
fn flask_keys_sorted_by_code_point() {
    // U+FF61 sorts before U+10000 by code point (not by UTF-16 units).
    both_ways(
        &session([
            ("\u{ff61}", int(1)),
            ("\u{10000}", int(2)),
            ("z", int(3)),
            ("é", int(4)),
            ("Z", int(5)),
        ]),
        r#"{"Z":5,"z":3,"\u00e9":4,"\uff61":1,"\ud800\udc00":2}"#,
    );
}

#[test]
fn flask_numbers() {
    let floats = [1e16, 0.1, -0.0, 1.0, 1.5e-7, 123_456_789.123, 1e22]
        .map(|x| TaggedValue::Number(serde_json::Number::from_f64(x).unwrap()));
    both_ways(
        &session([("f", TaggedValue::Array(floats.to_vec()))]),
        r#"{"f":[1e+16,0.1,-0.0,1.0,1.5e-07,123456789.123,1e+22]}"#,
    );
    both_ways(
        &session([(
            "i",
            TaggedValue::Array(vec![u64::MAX.into(), i64::MIN.into(), int(0)]),
        )]),
        r#"{"i":[18446744073709551615,-9223372036854775808,0]}"#,
    );
}

#[test]
fn flask_lossy_date_written_as_plain_string() {
    let day = format_http_date(iso_datetime("2024-01-02T00:00:00")).unwrap();
    both_ways(
        &session([("day", day.into())]),
        r#"{"day":"Tue, 02 Jan 2024 00:00:00 GMT"}"#,
    );
}

// ---------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------

#[test]
fn plain_json_values_are_not_untagged() {
    // From<Value> is Python data: a {" t": 1} dict stays a dict.
    let v = TaggedValue::from(json!({" t": 1, "list": [null, true, "x", 1.5]}));
    assert_eq!(
        v,
        obj([
            (" t", int(1)),
            (
                "list",
                TaggedValue::Array(vec![
                    TaggedValue::Null,
                    true.into(),
                    "x".into(),
                    TaggedValue::Number(serde_json::Number::from_f64(1.5).unwrap()),
                ])
            ),
        ])
    );
    // ... while from_tagged_json reads tags.
    assert_eq!(
        TaggedValue::from_tagged_json(json!({" t": [1]})).unwrap(),
        TaggedValue::Tuple(vec![int(1)])
    );
    assert_eq!(
        TaggedValue::from(json!({" t": 1}))
            .to_tagged_json()
            .unwrap(),
        json!({" di": {" t__": 1}})
    );
    assert_eq!(
        TaggedValue::Bytes(b"hi".to_vec()).to_tagged_json().unwrap(),
        json!({" b": "aGk="})
    );
}

#[test]
fn from_tagged_json_applies_the_same_rules() {
    assert_eq!(
        flask::from_tagged_json(json!({"u": {" u": "ABCDEFAB123456789ABCDEF012345678"}}))
            .unwrap_err()
            .to_string(),
        "malformed payload: ' u' (UUID) value is not 32 lower-case hex digits"
    );
    assert_eq!(
        flask::from_tagged_json(json!({" t": [1]}))
            .unwrap_err()
            .to_string(),
        "malformed payload: session is not a JSON object"
    );
    assert_eq!(
        flask::from_tagged_json(json!({" di": {" t__": [1]}})).unwrap(),
        session([(" t", TaggedValue::Array(vec![int(1)]))])
    );
}

// ---------------------------------------------------------------------------
// What Flask reads leniently and this crate refuses
// ---------------------------------------------------------------------------

fn refused(stored: &str) -> String {
    let err = decode(stored.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Malformed, "{stored}");
    match &err {
        Error::Malformed { part, .. } => assert_eq!(*part, Part::Payload),
        other => panic!("{other:?}"),
    }
    err.to_string()
}

const BAD_BYTES: &str = "malformed payload: ' b' (bytes) value is not standard base64 with padding";
const BAD_UUID: &str = "malformed payload: ' u' (UUID) value is not 32 lower-case hex digits";
const BAD_DATE: &str = "malformed payload: ' d' (datetime) value is not an HTTP date Flask writes";
const BAD_DICT: &str =
    "malformed payload: ' di' value is not a one-key object whose key is a tag name and '__'";
const NOT_STRING: &str = "malformed payload: tagged value is not a string";

#[test]
fn difference_bytes_strict_base64() {
    // Flask: "YQ" raises binascii.Error; junk is skipped by b64decode.
    for bad in ["YQ", "YR==", "Y Q==", "YQ==\\n", "-_8=", "YQ=a", "YQ==YQ=="] {
        assert_eq!(
            refused(&format!(r#"{{"b":{{" b":"{bad}"}}}}"#)),
            BAD_BYTES,
            "{bad}"
        );
    }
    assert_eq!(refused(r#"{"b":{" b":1}}"#), NOT_STRING);
}

#[test]
fn difference_uuid_only_32_lower_case_hex() {
    for bad in [
        "ABCDEFAB123456789ABCDEF012345678",
        "abcdefab-1234-5678-9abc-def012345678",
        "abcdefab123456789abcdef01234567",
        "urn:uuid:abcdefab123456789abcdef012345678",
        "abcdefab123456789abcdef01234567g",
    ] {
        assert_eq!(
            refused(&format!(r#"{{"u":{{" u":"{bad}"}}}}"#)),
            BAD_UUID,
            "{bad}"
        );
    }
    assert_eq!(refused(r#"{"u":{" u":null}}"#), NOT_STRING);
}

#[test]
fn difference_datetime_only_what_flask_writes() {
    for bad in [
        "Mon, 14 Nov 2023 22:13:20 GMT", // wrong day name (Flask ignores it)
        "garbage",                       // Flask: None
        "Fri, 01 Jan 0099 00:00:00 GMT", // Flask: 1999
        "Tue, 14 Nov 2023 22:13:20 UTC",
        "Tue, 14 Nov 2023 22:13:20 +0000",
        "Tue, 14 Nov 2023 24:00:00 GMT",
        "Tue, 14 Nov 2023 22:13:60 GMT",
        "Fri, 30 Feb 2024 00:00:00 GMT",
        "Tue, 14 nov 2023 22:13:20 GMT",
        "Tue, 14 Nov 2023 22:13:20 GMT ",
        "Tue,  14 Nov 2023 22:13:20 GMT",
        "Tue, 14 Nov +023 22:13:20 GMT",
        "Tuesday, 14-Nov-23 22:13:20 GMT",
        "",
    ] {
        assert_eq!(
            refused(&format!(r#"{{"d":{{" d":"{bad}"}}}}"#)),
            BAD_DATE,
            "{bad}"
        );
        assert_eq!(
            parse_http_date(bad).unwrap_err().to_string(),
            BAD_DATE,
            "{bad}"
        );
    }
    assert_eq!(refused(r#"{"d":{" d":1700000000}}"#), NOT_STRING);
}

#[test]
fn difference_tuple_and_markup_types() {
    assert_eq!(
        refused(r#"{"t":{" t":"ab"}}"#),
        "malformed payload: ' t' (tuple) value is not an array"
    );
    assert_eq!(refused(r#"{"m":{" m":1}}"#), NOT_STRING);
    assert_eq!(refused(r#"{"m":{" m":["<b>"]}}"#), NOT_STRING);
}

#[test]
fn difference_di_only_what_flask_writes() {
    for bad in [
        r#"{" di":{"x__":1}}"#,           // Flask: {"x": 1}
        r#"{" di":{" t":[1]}}"#,          // inner is a tuple by then (Flask: TypeError)
        r#"{" di":{" t__":1,"a":2}}"#,    // Flask keeps the first key only
        r#"{" di":{}}"#,                  // Flask: StopIteration
        r#"{" di":1}"#,                   // Flask: TypeError
        r#"{" di":{" t_":1}}"#,           // Flask: {" ": 1}
        r#"{"k":{" di":{" di":" di"}}}"#, // inner key lacks "__"
    ] {
        assert_eq!(refused(bad), BAD_DICT, "{bad}");
    }
}

#[test]
fn difference_top_level_must_be_an_object() {
    for bad in [
        r#"{" t":[1]}"#,
        "[]",
        "1",
        r#""x""#,
        "null",
        r#"{" b":"YQ=="}"#,
    ] {
        assert_eq!(
            refused(bad),
            "malformed payload: session is not a JSON object",
            "{bad}"
        );
    }
}

#[test]
fn difference_integers_beyond_64_bits_refused() {
    for bad in [
        r#"{"n":18446744073709551616}"#,
        r#"{"n":-9223372036854775809}"#,
        r#"{"n":[1,100000000000000000000000000000]}"#,
    ] {
        assert_eq!(
            refused(bad),
            "malformed payload: integer outside the 64-bit range",
            "{bad}"
        );
    }
    // A digit run inside a string is not a number.
    assert_eq!(
        decode(br#"{"n":"100000000000000000000000000000"}"#).unwrap()["n"],
        "100000000000000000000000000000".into()
    );
    // Floats of any magnitude within the float range are fine.
    assert_eq!(
        encode(&decode(br#"{"n":1e300}"#).unwrap()).unwrap(),
        br#"{"n":1e+300}"#
    );
}

#[test]
fn difference_non_json_numbers_and_lone_surrogates_refused() {
    for bad in [
        r#"{"n":NaN}"#,
        r#"{"n":Infinity}"#,
        r#"{"n":-Infinity}"#,
        r#"{"n":1e400}"#,
        r#"{"s":"\ud800"}"#,
        r#"{"s":"\udc00x"}"#,
        "{} x",
        "",
        "{\"a\":1,}",
    ] {
        assert_eq!(
            refused(bad),
            "malformed payload: session is not valid JSON",
            "{bad}"
        );
    }
}

#[test]
fn difference_negative_zero_integer_reads_as_float() {
    // Python reads `-0` as the int 0 (and writes "0"); serde_json reads a
    // float. Flask never writes `-0`.
    let s = decode(br#"{"n":-0}"#).unwrap();
    assert_eq!(
        s["n"],
        TaggedValue::Number(serde_json::Number::from_f64(-0.0).unwrap())
    );
    assert_eq!(encode(&s).unwrap(), br#"{"n":-0.0}"#);
}

#[test]
fn repeated_keys_keep_the_last_as_flask() {
    assert_eq!(
        decode(br#"{"a":1,"a":2}"#).unwrap(),
        session([("a", int(2))])
    );
    // After the repeat, the object has one key: a tag.
    assert_eq!(
        decode(br#"{"k":{" t":[1]," t":[2]}}"#).unwrap(),
        session([("k", TaggedValue::Tuple(vec![int(2)]))])
    );
}

#[test]
fn whitespace_between_tokens_is_json() {
    // Not what Flask writes, but JSON: read, and written back compactly.
    let s = decode(b" { \"a\" : { \" t\" : [ 1 , 2 ] } } \n").unwrap();
    assert_eq!(encode(&s).unwrap(), br#"{"a":{" t":[1,2]}}"#);
}

// ---------------------------------------------------------------------------
// Bounds
// ---------------------------------------------------------------------------

#[test]
fn depth_limit_checked_before_parsing() {
    // Default: 64 levels of the tagged JSON as stored.
    let at_limit = format!(
        "{}{}",
        "{\"a\":".repeat(64),
        "1".to_owned() + &"}".repeat(64)
    );
    assert!(decode(at_limit.as_bytes()).is_ok());
    let over = format!(
        "{}{}",
        "{\"a\":".repeat(65),
        "1".to_owned() + &"}".repeat(65)
    );
    let err = decode(over.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResourceLimit);
    assert_eq!(
        err,
        Error::ResourceLimit {
            limit: timed_jws::Limit::MaxJsonDepth,
            max: 64
        }
    );
    // A tuple is two levels as stored.
    let mut limits = Limits::default();
    limits.max_json_depth = 2;
    assert_eq!(
        decode_with_limits(br#"{"t":{" t":[]}}"#, &limits).unwrap_err(),
        Error::ResourceLimit {
            limit: timed_jws::Limit::MaxJsonDepth,
            max: 2
        }
    );
    limits.max_json_depth = 3;
    assert_eq!(
        decode_with_limits(br#"{"t":{" t":[]}}"#, &limits).unwrap(),
        session([("t", TaggedValue::Tuple(vec![]))])
    );
    // Unbalanced brackets far beyond the limit fail fast on depth.
    let deep = "[".repeat(100_000);
    assert_eq!(
        decode(deep.as_bytes()).unwrap_err().kind(),
        ErrorKind::ResourceLimit
    );
}

#[test]
fn empty_session() {
    both_ways(&BTreeMap::new(), "{}");
}
