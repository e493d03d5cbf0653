//! Hostile claims types through the public API.
//!
//! A claims type `T` is the caller's code: it may drop deserialiser errors
//! (a lenient `deserialize_with`), never read a value, retry after an
//! error, break the `MapAccess` protocol, read strings as bytes or catch
//! its own panics. serde_json then accepts, for such a `T`, texts that are
//! not JSON. `jwt::decode_at` reads the claims set with its own strict
//! reader before `T` runs, so for every claims type the outcome is either
//! a rejection or exactly what `serde_json::from_str::<T>` gives on a text
//! that is one JSON object within the depth limit. Each row below pins the
//! exact outcome; [`decode`] checks that invariant on every call.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::ffi::CString;
use std::fmt::{self, Debug};

use serde::de::{DeserializeOwned, EnumAccess, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use timed_jws::{
    jws, jwt, Algorithm, Error, Header, Key, KeySet, Limit, Limits, NumericDate, Part,
};
use timed_jws::{Jwt, Validation};

type Map = serde_json::Map<String, Value>;

const NOW: NumericDate = NumericDate::from_secs(1_000);

const NOT_JSON: Error = Error::Malformed {
    part: Part::Payload,
    reason: "claims set is not valid JSON",
};

const NOT_T: Error = Error::Malformed {
    part: Part::Payload,
    reason: "claims set does not match the requested type",
};

fn depth_error(max: usize) -> Error {
    Error::ResourceLimit {
        limit: Limit::MaxJsonDepth,
        max,
    }
}

fn key() -> Key {
    Key::hmac(Algorithm::HS256, &[0x5a; 32]).unwrap()
}

/// `exp` optional, nesting limit `max`.
fn policy(max: usize) -> Validation {
    let mut limits = Limits::default();
    limits.max_json_depth = max;
    Validation::new().allow_missing_exp().with_limits(limits)
}

/// Nesting depth of `text` (brackets outside strings, escapes honoured),
/// counted independently of the crate.
fn depth_of(text: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// `text` as the claims set of an HS256 token, decoded as `T` with a
/// nesting limit of `max`: with one key, with a one-key `KeySet` (header
/// first) and claims only, which must agree. An accepted claims set must
/// be one JSON value within the limit, and `T` must be what serde_json
/// gives for it.
fn decode_with<T: DeserializeOwned + PartialEq + Debug>(
    text: &[u8],
    max: usize,
) -> Result<T, Error> {
    let key = key();
    let v = policy(max);
    let token = jws::sign(&Header::new(Algorithm::HS256), text, &key).unwrap();
    let got = jwt::decode_at::<T>(&token, &key, &v, NOW).map(Jwt::into_claims);
    let set = KeySet::new().with_key(key.clone()).unwrap();
    let via_set = jwt::decode_at::<T>(&token, &set, &v, NOW).map(Jwt::into_claims);
    assert_eq!(got, via_set, "one key vs key set: {text:?}");
    let only = jwt::decode_claims_at::<T>(&token, &key, &v, NOW);
    assert_eq!(got, only, "decode_at vs decode_claims_at: {text:?}");
    if let Ok(claims) = &got {
        let text = std::str::from_utf8(text).unwrap();
        assert!(serde_json::from_str::<IgnoredAny>(text).is_ok(), "{text}");
        assert!(depth_of(text.as_bytes()) <= max, "{text}");
        assert_eq!(claims, &serde_json::from_str::<T>(text).unwrap(), "{text}");
    }
    got
}

fn decode<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> Result<T, Error> {
    decode_with(text.as_bytes(), 64)
}

/// `text` is not JSON, serde_json alone reads it as a `T`, and the token is
/// refused as not JSON.
fn not_json<T: DeserializeOwned + PartialEq + Debug>(text: &str) {
    assert!(
        serde_json::from_str::<T>(text).is_ok(),
        "serde_json: {text}"
    );
    assert_eq!(decode::<T>(text), Err(NOT_JSON), "{text}");
}

// ---------------------------------------------------------------------------
// The claims types.
// ---------------------------------------------------------------------------

/// Drops a member's deserialiser error and keeps the default.
fn lenient<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(T::deserialize(d).unwrap_or_default())
}

/// Never looks at its deserializer.
fn never_read<'de, D: Deserializer<'de>>(_: D) -> Result<(), D::Error> {
    Ok(())
}

#[derive(Debug, PartialEq, Deserialize)]
struct Lenient {
    #[serde(default, deserialize_with = "lenient")]
    a: Vec<Value>,
    #[serde(default, deserialize_with = "lenient")]
    n: i64,
    exp: Option<i64>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct LenientInside {
    list: Vec<Lenient>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Skips {
    #[serde(default, deserialize_with = "never_read")]
    a: (),
    sub: Option<String>,
}

/// An enum visitor that reads the variant's name only.
#[derive(Debug, PartialEq)]
struct NameOnly(String);

impl<'de> Deserialize<'de> for NameOnly {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NameOnly;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an enum")
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<NameOnly, A::Error> {
                Ok(NameOnly(data.variant::<String>()?.0))
            }
        }
        d.deserialize_enum("NameOnly", &["U"], V)
    }
}

#[derive(Debug, PartialEq, Deserialize)]
struct HasNameOnly {
    e: NameOnly,
}

/// A map visitor that goes on after errors from `next_key` and
/// `next_value`, or reads a value twice when `twice` is set.
#[derive(Debug, PartialEq)]
struct Tolerant(Vec<(String, Option<i64>)>);

impl<'de> Deserialize<'de> for Tolerant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Tolerant;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tolerant, A::Error> {
                let mut out = Vec::new();
                for _ in 0..8 {
                    match map.next_key::<String>() {
                        Ok(Some(k)) if k == "twice" => {
                            let _ = map.next_value::<i64>()?;
                            out.push((k, Some(map.next_value::<i64>()?)));
                        }
                        Ok(Some(k)) => out.push((k, map.next_value::<i64>().ok())),
                        Ok(None) => return Ok(Tolerant(out)),
                        Err(_) => {}
                    }
                }
                Err(serde::de::Error::custom("too many errors"))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Debug, PartialEq, Deserialize)]
struct Bytes {
    a: Option<CString>,
}

/// Nested arrays; unwinds (without the panic hook) at the first number,
/// leaving serde_json inside every array it entered.
#[derive(Debug, PartialEq)]
struct Bomb;

impl<'de> Deserialize<'de> for Bomb {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Bomb;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("nested arrays")
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Bomb, E> {
                std::panic::resume_unwind(Box::new("bomb"))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Bomb, A::Error> {
                while seq.next_element::<Bomb>()?.is_some() {}
                Ok(Bomb)
            }
        }
        d.deserialize_any(V)
    }
}

/// A member read under `catch_unwind`: a panic is dropped like an error.
fn catching<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Bomb::deserialize(d)));
    Ok(matches!(r, Ok(Ok(Bomb))))
}

#[derive(Debug, PartialEq, Deserialize)]
struct Catches {
    #[serde(default, deserialize_with = "catching")]
    a: bool,
    b: Option<i64>,
}

/// Ordinary serde shapes, for the rows on valid JSON.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Strict {
    exp: Option<i64>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Flat {
    exp: Option<i64>,
    #[serde(flatten)]
    rest: Map,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(tag = "kind")]
enum Internal {
    #[serde(rename = "x")]
    X { exp: Option<i64> },
}

// ---------------------------------------------------------------------------
// The table.
// ---------------------------------------------------------------------------

/// Each hostile type with the texts serde_json wrongly reads for it: all
/// refused as not JSON.
#[test]
fn hostile_types_never_make_non_json_acceptable() {
    // A lenient member: serde_json stops inside the value, the error is
    // dropped, and the object is closed by a later brace.
    not_json::<Lenient>(r#"{"a":[1,}"#);
    not_json::<Lenient>(r#"{"a":[}"#);
    not_json::<Lenient>(r#"{"n":1.}"#);
    not_json::<Lenient>(r#"{"exp":2000,"a":[[}"#);
    not_json::<LenientInside>(r#"{"list":[{"a":[}]}"#);
    // A value never read: an empty member value.
    not_json::<Skips>(r#"{"a":}"#);
    not_json::<Skips>(r#"{"sub":"alice","a":,"exp":2000}"#);
    // An enum read by its variant name only (serde_json has eaten the
    // colon after it).
    not_json::<HasNameOnly>(r#"{"e":{"U":}}"#);
    // A map visitor going on after errors, or reading a value twice.
    not_json::<Tolerant>(r#"{"x":1,}"#);
    not_json::<Tolerant>(r#"{"x"}"#);
    not_json::<Tolerant>(r#"{"twice":1:2}"#);
    // serde_json's byte-string reader accepts raw control characters.
    not_json::<Bytes>("{\"a\":\"x\ty\"}");
    not_json::<Bytes>("{\"a\":\"\\u0041\n\"}");
    // A panic caught inside the type leaves serde_json inside the value.
    not_json::<Catches>(r#"{"a":[1,"b":2}"#);
    not_json::<Catches>(r#"{"a":[[[1}"#);
}

/// On valid JSON every type gets exactly serde_json's result, including
/// its own errors.
#[test]
fn hostile_and_ordinary_types_read_valid_json_as_serde_json_does() {
    assert_eq!(
        decode::<Lenient>(r#"{"a":"x","n":"y","exp":2000}"#),
        Ok(Lenient {
            a: Vec::new(),
            n: 0,
            exp: Some(2000)
        })
    );
    // A present member that is never read leaves serde_json before its
    // value: serde_json's own error on valid JSON.
    assert_eq!(
        decode::<Skips>(r#"{"sub":"alice"}"#),
        Ok(Skips {
            a: (),
            sub: Some("alice".into())
        })
    );
    assert_eq!(decode::<Skips>(r#"{"a":1,"sub":"alice"}"#), Err(NOT_T));
    assert_eq!(
        decode::<HasNameOnly>(r#"{"e":"U"}"#),
        Ok(HasNameOnly {
            e: NameOnly("U".into())
        })
    );
    assert_eq!(decode::<HasNameOnly>(r#"{"e":{"U":1}}"#), Err(NOT_T));
    assert_eq!(
        decode::<Tolerant>(r#"{"x":1,"y":"z"}"#),
        Ok(Tolerant(vec![("x".into(), Some(1)), ("y".into(), None)]))
    );
    assert_eq!(
        decode::<Bytes>(r#"{"a":"x\ty\u0001"}"#),
        Ok(Bytes {
            a: Some(CString::new("x\ty\u{1}").unwrap())
        })
    );
    assert_eq!(decode::<Bytes>(r#"{"a":"\u0000"}"#), Err(NOT_T));
    assert_eq!(
        decode::<Catches>(r#"{"a":[[],[[]]],"b":2}"#),
        Ok(Catches {
            a: true,
            b: Some(2)
        })
    );
    // With a number the caught panic leaves serde_json inside the arrays:
    // serde_json's own error on valid JSON.
    assert_eq!(decode::<Catches>(r#"{"a":[[1]],"b":2}"#), Err(NOT_T));
    assert_eq!(
        decode::<Strict>(r#"{"exp":2000}"#),
        Ok(Strict { exp: Some(2000) })
    );
    assert_eq!(decode::<Strict>(r#"{"exp":2000,"x":1}"#), Err(NOT_T));
    let flat = decode::<Flat>(r#"{"exp":2000,"x":[1]}"#).unwrap();
    assert_eq!(
        (flat.exp, flat.rest["x"].clone()),
        (Some(2000), Value::from(vec![1]))
    );
    assert_eq!(
        decode::<Internal>(r#"{"kind":"x","exp":2000}"#),
        Ok(Internal::X { exp: Some(2000) })
    );
    assert_eq!(decode::<Internal>(r#"{"kind":"y"}"#), Err(NOT_T));
    assert_eq!(decode::<IgnoredAny>(r#"{"a":[{}]}"#), Ok(IgnoredAny));
    // Repeated custom names are left to `T`: a map keeps the last value,
    // a derived struct refuses a repeated field.
    assert_eq!(
        decode::<Map>(r#"{"a":1,"a":[2]}"#),
        Ok(serde_json::from_str(r#"{"a":[2]}"#).unwrap())
    );
    assert_eq!(decode::<Lenient>(r#"{"n":1,"n":2}"#), Err(NOT_T));
}

/// `T` never runs on a claims set that fails a check: an expired token is
/// `expired` even for a type that would refuse it, and for a type that
/// panics on any number.
#[test]
fn claims_type_runs_last() {
    let expired = r#"{"exp":999,"a":[[1]],"b":"not a number"}"#;
    let want = Error::Expired {
        exp: 999,
        now: 1_000,
    };
    assert_eq!(decode::<Catches>(expired), Err(want.clone()));
    assert_eq!(decode::<Strict>(expired), Err(want));
    // A registered claim of the wrong type is refused before `T` too.
    let bad_exp = r#"{"exp":"2000","a":[[1]]}"#;
    let want = Error::InvalidClaim {
        claim: "exp".into(),
        reason: "NumericDate is not a JSON number",
    };
    assert_eq!(decode::<Catches>(bad_exp), Err(want.clone()));
    assert_eq!(decode::<Map>(bad_exp), Err(want));
}

// ---------------------------------------------------------------------------
// The nesting limit, for every type.
// ---------------------------------------------------------------------------

/// Every type on one text (each call checks the invariant); the map's
/// outcome.
fn every_type(text: &[u8], max: usize) -> Result<Map, Error> {
    let map = decode_with::<Map>(text, max);
    for other in [
        decode_with::<Lenient>(text, max).map(drop),
        decode_with::<Skips>(text, max).map(drop),
        decode_with::<Tolerant>(text, max).map(drop),
        decode_with::<Catches>(text, max).map(drop),
        decode_with::<IgnoredAny>(text, max).map(drop),
    ] {
        // A failure before `T` runs is the same for every type.
        if let Err(e) = &map {
            if *e != NOT_T {
                assert_eq!(other.as_ref(), Err(e), "{text:?}");
            }
        }
    }
    map
}

/// The depth limit is checked before the claims set is parsed, whatever
/// the type: texts nesting one level too deep (JSON or not, UTF-8 or not)
/// get the depth error; brackets inside strings do not count.
#[test]
fn depth_limit_comes_first_for_every_type() {
    for max in [1usize, 2, 3, 8, 64] {
        let over = max + 1;
        let nested = |d: usize| format!("{{\"x\":{}0{}}}", "[".repeat(d - 1), "]".repeat(d - 1));
        assert_eq!(
            every_type(nested(max).as_bytes(), max),
            Ok(serde_json::from_str(&nested(max)).unwrap())
        );
        let mut too_deep = vec![
            nested(over),
            "[".repeat(over),
            format!("{{\"a\":{}}}", "[".repeat(max)),
            format!("{{\"a\":{}1}}", "[".repeat(max)),
            format!(
                "{{\"exp\":1,\"x\":{}0{}}}",
                "[".repeat(max),
                "]".repeat(max)
            ),
            format!("{{\"a\":\"\\\\\"{}", "[".repeat(over)),
        ]
        .into_iter()
        .map(String::into_bytes)
        .collect::<Vec<_>>();
        let mut not_utf8 = "[".repeat(over).into_bytes();
        not_utf8.push(0xff);
        too_deep.push(not_utf8);
        for text in too_deep {
            assert!(depth_of(&text) > max);
            assert_eq!(every_type(&text, max), Err(depth_error(max)), "{text:?}");
        }
        for text in [
            format!("{{\"a\":\"{}\"}}", "[".repeat(over)),
            format!("{{\"a\":\"\\\"{}\"}}", "[".repeat(over)),
        ] {
            assert_eq!(
                every_type(text.as_bytes(), max),
                Ok(serde_json::from_str(&text).unwrap())
            );
        }
    }
    // With the limit raised past serde_json's own recursion limit (128),
    // serde_json refuses what the limit lets through.
    let deep = format!("{{\"x\":{}{}}}", "[".repeat(200), "]".repeat(200));
    assert_eq!(
        decode_with::<Map>(deep.as_bytes(), usize::MAX)
            .unwrap_err()
            .kind(),
        timed_jws::ErrorKind::Malformed
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// Up to four byte edits of a claims set that every type above reads:
    /// each type either refuses the token or reads it as serde_json does
    /// (asserted inside `decode_with`).
    #[test]
    fn edited_claims_sets_are_refused_or_read_as_serde_json_reads_them(
        edits in proptest::collection::vec(
            (0usize..120, proptest::sample::select(vec![
                None, Some(b','), Some(b':'), Some(b'['), Some(b']'), Some(b'{'),
                Some(b'}'), Some(b'"'), Some(b'\t'), Some(b'1'),
            ])),
            0..5,
        ),
    ) {
        let mut text = br#"{"sub":"s","exp":2000,"a":[[],[1]],"n":3,"x":{"y":"z"},"b":1}"#.to_vec();
        for (at, byte) in edits {
            let at = at % (text.len() + 1);
            match byte {
                None if at < text.len() => {
                    text.remove(at);
                }
                None => {}
                Some(b) => text.insert(at, b),
            }
        }
        let _ = every_type(&text, 4);
        let _ = decode_with::<Bytes>(&text, 4);
        let _ = decode_with::<HasNameOnly>(&text, 4);
    }
}
