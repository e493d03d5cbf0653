//! Attacks on three verify-path changes of `jwt::decode_at` /
//! `jwt::decode_claims_at`:
//!
//! 1. the claims set's nesting-depth check (`Limits::max_json_depth`)
//!    skipped for short claims sets that the single pass reads (unsound: a
//!    claims type that drops a deserialiser error lets the pass succeed on
//!    unclosed brackets; see `lenient_field_cannot_hide_a_too_deep_claims_set`);
//! 2. prepared JWS Protected Headers carrying their `Algorithm` (no `alg`
//!    string parse);
//! 3. the single pass making every check before the value is moved.
//!
//! Three decode paths are compared on every token: `decode_at` and
//! `decode_claims_at` with one `Key`, and `decode_at` with a one-key
//! `KeySet` (the strict splitter, header read first). Since all three share
//! the claims reader, the claims outcome is also compared with the
//! documented order as `dangerous::decode_claims_unverified` runs it (depth
//! limit, UTF-8, the registered-claims reader, then `T`), for tokens whose
//! header, signature and claim checks pass, and with an independent depth
//! count written here.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Debug;

use proptest::prelude::*;
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use timed_jws::{
    dangerous, jwt, Algorithm, Error, Header, Jwt, Key, KeySet, NumericDate, Part,
    RegisteredClaims, Validation,
};

type Map = serde_json::Map<String, Value>;

#[path = "common/attack.rs"]
mod attack;
use attack::{
    b64, decode3, depth_error, hs, pem_key, policy, signed, token, NOT_JSON, NOT_OBJECT, NOT_T,
    NOT_UTF8, NOW,
};

/// One key of every algorithm, with and without `kid`.
fn every_algorithm() -> Vec<Key> {
    let mut keys = Vec::new();
    for alg in Algorithm::ALL {
        let key = match alg {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => hs(*alg, None),
            Algorithm::ES256 => pem_key(*alg, "p256-pkcs8.pem"),
            Algorithm::ES384 => pem_key(*alg, "p384-pkcs8.pem"),
            Algorithm::EdDSA => pem_key(*alg, "ed25519-pkcs8v1.pem"),
            _ => pem_key(*alg, "rsa2048-pkcs1.pem"),
        };
        keys.push(key.clone().with_kid(format!("kid-{}", alg.as_str())));
        keys.push(key);
    }
    keys
}

/// The documented order on the claims set alone: depth limit, UTF-8, the
/// registered-claims reader, then `T` (for tokens whose header, signature
/// and claim checks pass).
fn documented<T: DeserializeOwned>(token: &str, v: &Validation) -> Result<T, Error> {
    dangerous::decode_claims_unverified::<T>(token, v.limits()).map(|(_, _, c)| c)
}

/// Nesting depth as the RFC-agnostic byte scan counts it (brackets outside
/// strings, escapes honoured), written independently of the crate.
fn depth_of(json: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in json {
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

// ---------------------------------------------------------------------------
// Claims types.
// ---------------------------------------------------------------------------

/// A field read leniently: a value that does not fit is dropped
/// (`deserialize_with` returning `Ok(None)` on error), a common pattern.
/// serde_json may then have stopped anywhere inside the value.
#[derive(Debug, PartialEq, Deserialize)]
struct Lenient {
    #[serde(default, deserialize_with = "lenient")]
    a: Option<Vec<Value>>,
    exp: Option<i64>,
}

fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Value>>, D::Error> {
    Ok(Option::<Vec<Value>>::deserialize(d).ok().flatten())
}

/// The lenient field one level down.
#[derive(Debug, PartialEq, Deserialize)]
struct Outer {
    inner: Lenient,
    exp: Option<i64>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Typed {
    exp: Option<i64>,
    a: Option<Value>,
    s: Option<String>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Flat {
    exp: Option<i64>,
    #[serde(flatten)]
    rest: Map,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Strict {
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    a: Option<Value>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum Either {
    A { a: Vec<Value> },
    Other(Map),
}

/// Externally tagged: a claims set of one member named `a`.
#[derive(Debug, PartialEq, Deserialize)]
enum Tagged {
    #[serde(rename = "a")]
    A(Value),
}

/// Internally tagged by a custom claim.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(tag = "a")]
enum Internal {
    #[serde(rename = "x")]
    X { exp: Option<i64> },
}

/// Reads the first member only, then returns (serde_json then finds the
/// rest of the object unread).
#[derive(Debug, PartialEq)]
struct FirstOnly(Option<String>);

impl<'de> Deserialize<'de> for FirstOnly {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FirstOnly;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FirstOnly, A::Error> {
                let key = map.next_key::<String>()?;
                if key.is_some() {
                    map.next_value::<IgnoredAny>()?;
                }
                Ok(FirstOnly(key))
            }
        }
        d.deserialize_map(V)
    }
}

/// The lenient type inside a sequence.
#[derive(Debug, PartialEq, Deserialize)]
struct InList {
    list: Vec<Lenient>,
    exp: Option<i64>,
}

/// The lenient type inside an enum's struct variant.
#[derive(Debug, PartialEq, Deserialize)]
enum Choice {
    L(Lenient),
}

#[derive(Debug, PartialEq, Deserialize)]
struct InEnum {
    v: Choice,
}

/// Reads the first member's value twice (breaking the `MapAccess`
/// protocol): the second value is kept.
#[derive(Debug, PartialEq)]
struct TwoValues(i64);

impl<'de> Deserialize<'de> for TwoValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TwoValues;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TwoValues, A::Error> {
                let _ = map.next_key::<String>()?;
                let _ = map.next_value::<i64>()?;
                let second = map.next_value::<i64>()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TwoValues(second))
            }
        }
        d.deserialize_map(V)
    }
}

/// Never looks at the deserializer.
#[derive(Debug, PartialEq)]
struct Nothing;

impl<'de> Deserialize<'de> for Nothing {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Ok(Nothing)
    }
}

// ---------------------------------------------------------------------------
// 1. The deferred depth check.
// ---------------------------------------------------------------------------

/// `{"a":` then `k` openings then `}`: not JSON, nests `k + 1` deep, yet a
/// claims type with a lenient field reads it: serde_json enters every `[`,
/// fails at the `}`, the field's deserialiser drops the error, and the
/// object is then closed by that `}`. The single pass succeeding therefore
/// does not mean the text was JSON, and a text of `2 * max` or
/// `2 * max + 1` bytes may nest far deeper than `max`: the depth limit must
/// still refuse it first, for every claims type.
#[test]
fn lenient_field_cannot_hide_a_too_deep_claims_set() {
    let key = hs(Algorithm::HS256, None);
    for max in [8usize, 16, 32, 64] {
        let v = policy(max);
        for n in [2 * max, 2 * max + 1] {
            let text = format!("{{\"a\":{}}}", "[".repeat(n - 6));
            assert_eq!((text.len(), depth_of(text.as_bytes())), (n, n - 5));
            // What serde_json gives this type on its own: accepted.
            assert_eq!(
                serde_json::from_str::<Lenient>(&text).unwrap(),
                Lenient { a: None, exp: None }
            );
            let t = token(text.as_bytes(), &key);
            assert_eq!(decode3::<Lenient>(&t, &key, &v), Err(depth_error(max)));
            assert_eq!(documented::<Lenient>(&t, &v), Err(depth_error(max)));
            assert_eq!(decode3::<Map>(&t, &key, &v), Err(depth_error(max)));
            if max < 16 {
                continue;
            }
            // The same one level down.
            let text = format!("{{\"inner\":{{\"a\":{}}}}}", "[".repeat(n - 16));
            assert_eq!(
                serde_json::from_str::<Outer>(&text).unwrap(),
                Outer {
                    inner: Lenient { a: None, exp: None },
                    exp: None
                }
            );
            let t = token(text.as_bytes(), &key);
            assert!(depth_of(text.as_bytes()) > max);
            assert_eq!(decode3::<Outer>(&t, &key, &v), Err(depth_error(max)));
        }
    }
    // The default policy and limits (`exp` required, depth 64): 111
    // openings in 128 bytes.
    let v = Validation::new();
    let text = format!("{{\"exp\":2000,\"a\":{}}}", "[".repeat(111));
    assert_eq!(text.len(), 128);
    let t = token(text.as_bytes(), &key);
    assert_eq!(decode3::<Lenient>(&t, &key, &v), Err(depth_error(64)));
    // Within the limit, the lenient type reads the same claims set shape
    // (valid JSON this time) as serde_json does.
    let ok = format!(
        "{{\"exp\":2000,\"a\":{}{}}}",
        "[".repeat(63),
        "]".repeat(63)
    );
    let t = token(ok.as_bytes(), &key);
    assert_eq!(
        decode3::<Lenient>(&t, &key, &v),
        Ok(serde_json::from_str(&ok).unwrap())
    );
}

/// A claims type that drops a deserialiser error, at the top level or
/// nested in a struct, a sequence or an enum, cannot make a claims set that
/// is not JSON acceptable: the documented order refuses it at step 5
/// (`malformed`), although `serde_json::from_str` alone would accept it.
/// (Before the single pass watched every error returned through it, at
/// every depth, it accepted these.)
#[test]
fn lenient_field_cannot_make_non_json_acceptable() {
    let key = hs(Algorithm::HS256, None);
    let v = policy(64);
    for text in [r#"{"a":[1,}"#, r#"{"a":[}"#, r#"{"exp":2000,"a":[[}"#] {
        let t = token(text.as_bytes(), &key);
        assert_eq!(documented::<Lenient>(&t, &v), Err(NOT_JSON));
        assert_eq!(decode3::<Lenient>(&t, &key, &v), Err(NOT_JSON));
        assert!(serde_json::from_str::<Lenient>(text).is_ok(), "{text}");
    }
    for text in [r#"{"inner":{"a":[1,}}"#, r#"{"exp":2000,"inner":{"a":[}}"#] {
        let t = token(text.as_bytes(), &key);
        assert_eq!(decode3::<Outer>(&t, &key, &v), Err(NOT_JSON), "{text}");
        assert!(serde_json::from_str::<Outer>(text).is_ok(), "{text}");
    }
    for text in [
        r#"{"list":[{"a":[}]}"#,
        r#"{"list":[{"a":[1,}],"exp":2000}"#,
    ] {
        let t = token(text.as_bytes(), &key);
        assert_eq!(decode3::<InList>(&t, &key, &v), Err(NOT_JSON), "{text}");
        assert!(serde_json::from_str::<InList>(text).is_ok(), "{text}");
    }
    let text = r#"{"v":{"L":{"a":[}}}"#;
    let t = token(text.as_bytes(), &key);
    assert_eq!(decode3::<InEnum>(&t, &key, &v), Err(NOT_JSON));
    assert!(serde_json::from_str::<InEnum>(text).is_ok());
    // Valid JSON around the same types is accepted, with the claims
    // serde_json gives.
    let text = r#"{"list":[{"a":[1]}],"exp":2000,"v":{"L":{"a":[]}}}"#;
    let t = token(text.as_bytes(), &key);
    assert_eq!(
        decode3::<InList>(&t, &key, &v),
        Ok(serde_json::from_str(text).unwrap())
    );
    assert_eq!(
        decode3::<InEnum>(&t, &key, &v),
        Ok(serde_json::from_str(text).unwrap())
    );
}

/// A claims type that breaks the map protocol by reading a value twice
/// (serde_json then reads `{"exp":1:5000}` as one member with two values)
/// gets the documented result: `malformed`, not a token whose `exp`
/// differs between the validation and `Jwt::registered`.
#[test]
fn value_read_twice_cannot_make_non_json_acceptable() {
    let key = hs(Algorithm::HS256, None);
    let v = policy(64);
    let text = r#"{"exp":1:5000}"#;
    assert_eq!(serde_json::from_str::<TwoValues>(text).unwrap().0, 5000);
    let t = token(text.as_bytes(), &key);
    assert_eq!(decode3::<TwoValues>(&t, &key, &v), Err(NOT_JSON));
    // On valid JSON the type gets the usual serde_json error.
    let t = token(br#"{"exp":2000}"#, &key);
    assert_eq!(
        decode3::<TwoValues>(&t, &key, &v),
        Err(Error::Malformed {
            part: Part::Payload,
            reason: "claims set does not match the requested type",
        })
    );
}

/// Every claims type on one payload: the three paths agree, and agree with
/// the documented order; a payload nesting deeper than `max` gets the depth
/// error. Returns the map outcome.
fn every_type(payload: &[u8], max: usize) -> Result<Map, Error> {
    let key = hs(Algorithm::HS256, Some("k"));
    let v = policy(max);
    let t = token(payload, &key);
    fn same<T: DeserializeOwned + PartialEq + Debug>(t: &str, key: &Key, v: &Validation) {
        assert_eq!(decode3::<T>(t, key, v), documented::<T>(t, v), "{t}");
    }
    same::<Value>(&t, &key, &v);
    same::<Typed>(&t, &key, &v);
    same::<Flat>(&t, &key, &v);
    same::<Strict>(&t, &key, &v);
    same::<Either>(&t, &key, &v);
    same::<Tagged>(&t, &key, &v);
    same::<Internal>(&t, &key, &v);
    same::<FirstOnly>(&t, &key, &v);
    same::<Nothing>(&t, &key, &v);
    same::<IgnoredAny>(&t, &key, &v);
    same::<std::collections::BTreeMap<String, IgnoredAny>>(&t, &key, &v);
    let map = decode3::<Map>(&t, &key, &v);
    assert_eq!(map, documented::<Map>(&t, &v));
    if max >= 1 && depth_of(payload) > max {
        assert_eq!(
            map,
            Err(depth_error(max)),
            "{}",
            String::from_utf8_lossy(payload)
        );
        assert_eq!(decode3::<Lenient>(&t, &key, &v), Err(depth_error(max)));
    }
    map
}

/// `{<pad>"":` + `d - 1` nested arrays around `0` + `}`, padded with
/// spaces after the `{` to `len` bytes when it is shorter.
fn object_of_depth(d: usize, len: usize) -> String {
    let core = 2 * d + 4;
    let pad = " ".repeat(len.saturating_sub(core));
    format!("{{{pad}\"\":{}0{}}}", "[".repeat(d - 1), "]".repeat(d - 1))
}

/// Claims sets of depth `max` and `max + 1`, valid or not, at and around
/// the lengths `2 * max` and `2 * max + 1` where the depth check was
/// skipped, for `max` 0 to 6 and 64.
#[test]
fn depth_at_the_boundary_lengths() {
    for max in (0usize..=6).chain([64]) {
        let lens: Vec<usize> = (0..=4).map(|i| (2 * max + i).saturating_sub(1)).collect();
        for &len in &lens {
            for d in [max.max(1), max + 1] {
                let text = object_of_depth(d, len);
                let got = every_type(text.as_bytes(), max);
                if max == 0 {
                    // The header (depth 1) is refused first.
                    assert_eq!(got, Err(depth_error(0)));
                } else if d > max {
                    assert_eq!(got, Err(depth_error(max)), "{text}");
                } else {
                    assert_eq!(got, Ok(serde_json::from_str(&text).unwrap()));
                }
            }
            if max == 0 {
                continue;
            }
            let pad = |s: String| {
                let n = len.saturating_sub(s.len());
                format!("{s}{}", " ".repeat(n))
            };
            let over = max + 1;
            // Not JSON, nesting `max + 1` deep in `len` bytes when it fits.
            for text in [
                pad("[".repeat(over)),
                pad("{".repeat(over)),
                pad(format!("{{\"a\":{}", "[".repeat(max))),
                pad(format!("{{\"a\":{}}}", "[".repeat(max))),
                pad(format!("{}{}", "[".repeat(over), "]".repeat(max))),
            ] {
                assert!(depth_of(text.as_bytes()) > max, "{text}");
                assert_eq!(
                    every_type(text.as_bytes(), max),
                    Err(depth_error(max)),
                    "{text}"
                );
            }
            // Brackets inside strings do not count; escapes are honoured
            // (an escaped quote stays inside, an escaped backslash does not
            // hide the closing quote).
            let in_string = pad(format!("{{\"a\":\"{}\"}}", "[".repeat(over)));
            assert_eq!(
                every_type(in_string.as_bytes(), max),
                Ok(serde_json::from_str(&in_string).unwrap())
            );
            let escaped = pad(format!("{{\"a\":\"\\\"{}\"}}", "[".repeat(over)));
            assert_eq!(
                every_type(escaped.as_bytes(), max),
                Ok(serde_json::from_str(&escaped).unwrap())
            );
            let after_backslash = pad(format!("{{\"a\":\"\\\\\"{}", "[".repeat(over)));
            assert_eq!(
                every_type(after_backslash.as_bytes(), max),
                Err(depth_error(max))
            );
            // Not UTF-8: the depth error first, then the UTF-8 error.
            let mut bad = "[".repeat(over).into_bytes();
            bad.push(0xff);
            assert_eq!(every_type(&bad, max), Err(depth_error(max)));
            let mut bad = b"{\"a\":1}".to_vec();
            bad.insert(6, 0xff);
            assert_eq!(every_type(&bad, max), Err(NOT_UTF8));
            // CESU-8 of a lone surrogate, after brackets nesting too deep.
            let mut cesu = "{".repeat(over).into_bytes();
            cesu.extend_from_slice(&[0xed, 0xa0, 0x80]);
            assert_eq!(every_type(&cesu, max), Err(depth_error(max)));
            // A BOM before a valid claims set: not JSON (RFC 8259 §8.1).
            let bom = format!("\u{feff}{}", object_of_depth(max, len));
            assert_eq!(every_type(bom.as_bytes(), max), Err(NOT_JSON));
        }
    }
}

/// Edge texts: empty, whitespace, trailing data, escapes, lone surrogate
/// escapes, duplicates, non-objects, for `max` 1, 2 and 64 (the depth
/// error first whenever the text nests deeper).
#[test]
fn edge_claims_sets_agree_with_the_documented_order() {
    let ok = |j: &str| Ok::<Map, Error>(serde_json::from_str(j).unwrap());
    let repeats = Error::Malformed {
        part: Part::Payload,
        reason: "claims set repeats a registered claim name",
    };
    let exp_type = Error::InvalidClaim {
        claim: "exp".to_owned(),
        reason: "NumericDate is not a JSON number",
    };
    let cases: Vec<(&str, Result<Map, Error>)> = vec![
        ("", Err(NOT_JSON)),
        ("  ", Err(NOT_JSON)),
        ("{}", ok("{}")),
        ("{} ", ok("{}")),
        ("{\"a\":1}\n\t\r ", ok(r#"{"a":1}"#)),
        ("{}x", Err(NOT_JSON)),
        ("{}{}", Err(NOT_JSON)),
        ("{}]", Err(NOT_JSON)),
        ("[]", Err(NOT_OBJECT)),
        ("null", Err(NOT_OBJECT)),
        ("1", Err(NOT_OBJECT)),
        (r#""{}""#, Err(NOT_OBJECT)),
        (r#"{"a":1,"a":[2]}"#, ok(r#"{"a":[2]}"#)),
        (r#"{"\u0061":"\u005b"}"#, ok(r#"{"a":"["}"#)),
        // Read past by the registered-claims reader, refused by the map.
        (r#"{"s":"\ud800"}"#, Err(NOT_T)),
        (r#"{"a":"\ud800\udc00"}"#, ok("{\"a\":\"\u{10000}\"}")),
        (r#"{"exp":2000,"exp":2000}"#, Err(repeats)),
        (r#"{"exp":"2000"}"#, Err(exp_type)),
        (r#"{"a":[1,]}"#, Err(NOT_JSON)),
        (
            r#"{"a":"[[","b":{"c":"]]"}}"#,
            ok(r#"{"a":"[[","b":{"c":"]]"}}"#),
        ),
    ];
    for max in [1usize, 2, 64] {
        for (text, want) in &cases {
            let got = every_type(text.as_bytes(), max);
            if depth_of(text.as_bytes()) > max {
                assert_eq!(got, Err(depth_error(max)), "{text}");
            } else {
                assert_eq!(&got, want, "{text}");
            }
        }
    }
    // The type-dependent outcomes, exactly.
    let key = hs(Algorithm::HS256, None);
    let v = policy(64);
    let t = token(br#"{"a":1,"b":2}"#, &key);
    assert_eq!(decode3::<FirstOnly>(&t, &key, &v), Err(NOT_T));
    assert_eq!(decode3::<Strict>(&t, &key, &v), Err(NOT_T));
    let t = token(b"", &key);
    assert_eq!(decode3::<Nothing>(&t, &key, &v), Err(NOT_JSON));
    let t = token(b"{}", &key);
    assert_eq!(decode3::<Nothing>(&t, &key, &v), Err(NOT_T));
    assert_eq!(decode3::<FirstOnly>(&t, &key, &v), Ok(FirstOnly(None)));
    let t = token(br#"{"s":"\ud800"}"#, &key);
    assert_eq!(decode3::<Typed>(&t, &key, &v), Err(NOT_T));
    let t = token(br#"{"a":[1]}"#, &key);
    assert_eq!(
        decode3::<Tagged>(&t, &key, &v),
        Ok(Tagged::A(Value::from(vec![1])))
    );
    assert_eq!(decode3::<Internal>(&t, &key, &v), Err(NOT_T));
    let t = token(br#"{"exp":5000,"a":"x"}"#, &key);
    assert_eq!(
        decode3::<Internal>(&t, &key, &v),
        Ok(Internal::X { exp: Some(5000) })
    );
    assert_eq!(decode3::<Tagged>(&t, &key, &v), Err(NOT_T));
    // No depth limit at all: the registered-claims reader skips any depth,
    // and serde_json's own recursion limit (128) then refuses the map.
    let v_max = policy(usize::MAX);
    for (d, want) in [(100usize, true), (200, false)] {
        let text = object_of_depth(d, 0);
        let t = token(text.as_bytes(), &key);
        let got = decode3::<Map>(&t, &key, &v_max);
        if want {
            assert_eq!(got, Ok(serde_json::from_str(&text).unwrap()));
        } else {
            assert_eq!(got, Err(NOT_T));
        }
        assert_eq!(
            decode3::<Lenient>(&t, &key, &v_max),
            documented::<Lenient>(&t, &v_max)
        );
    }
    let t = token(br#"{"exp":2000,"exp":2000}"#, &key);
    assert_eq!(
        decode3::<Map>(&t, &key, &v),
        Err(Error::Malformed {
            part: Part::Payload,
            reason: "claims set repeats a registered claim name"
        })
    );
}

// ---------------------------------------------------------------------------
// 2. Prepared headers carry their algorithm.
// ---------------------------------------------------------------------------

type Outcome = Result<(Header, RegisteredClaims, Map), Error>;

fn outcome3(token: &str, key: &Key, v: &Validation) -> Outcome {
    let full: Outcome = jwt::decode_at::<Map>(token, key, v, NOW).map(Jwt::into_parts);
    let only = jwt::decode_claims_at::<Map>(token, key, v, NOW);
    assert_eq!(only, full.clone().map(|(_, _, c)| c), "{token}");
    let set = KeySet::new().with_key(key.clone()).unwrap();
    let strict: Outcome = jwt::decode_at::<Map>(token, &set, v, NOW).map(Jwt::into_parts);
    assert_eq!(full, strict, "one key vs one-key KeySet: {token}");
    full
}

/// The header JSONs the key has prepared: `{"alg"[,"typ"][,"kid"]}` as this
/// crate writes them and `{"typ":"JWT","alg"[,"kid"]}`.
fn prepared_jsons(key: &Key) -> Vec<Vec<u8>> {
    let alg = key.algorithm();
    let mut out = Vec::new();
    let kids: Vec<Option<&str>> = match key.kid() {
        Some(k) => vec![Some(k), None],
        None => vec![None],
    };
    for kid in kids {
        for typ in [Some("JWT"), None] {
            let mut h = Header::new(alg);
            h.typ = typ.map(str::to_owned);
            h.kid = kid.map(str::to_owned);
            out.push(h.to_json_bytes().unwrap());
        }
        // The member order of several other libraries, written by hand.
        let j = match kid {
            Some(k) => format!(
                r#"{{"typ":"JWT","alg":"{}","kid":{}}}"#,
                alg.as_str(),
                serde_json::to_string(k).unwrap()
            ),
            None => format!(r#"{{"typ":"JWT","alg":"{}"}}"#, alg.as_str()),
        };
        out.push(j.into_bytes());
    }
    out
}

/// For a key of every algorithm and each of its prepared headers: with the
/// algorithm allowed the token is accepted with the header the strict
/// parser reads; with a policy that leaves it out the error names it; with
/// the header segment found after the split (payload holding a dot) or a
/// wrong signature, the outcome is the strict one.
#[test]
fn prepared_header_algorithm_is_the_parsed_one() {
    let claims = br#"{"sub":"s","exp":2000}"#;
    for a in Algorithm::ALL {
        assert_eq!(a.as_str().parse::<Algorithm>(), Ok(*a));
    }
    let registered = RegisteredClaims {
        sub: Some("s".to_owned()),
        exp: Some(NumericDate::from_secs(2000)),
        ..RegisteredClaims::default()
    };
    let want_claims: Map = serde_json::from_slice(claims).unwrap();
    for key in every_algorithm() {
        let alg = key.algorithm();
        let other = if alg == Algorithm::HS256 {
            Algorithm::HS384
        } else {
            Algorithm::HS256
        };
        let jsons = prepared_jsons(&key);
        assert_eq!(jsons.len(), if key.kid().is_some() { 6 } else { 3 });
        for json in jsons {
            let header = Header::from_json_bytes(&json).unwrap();
            assert_eq!(header.algorithm(), Ok(alg));
            let h = b64(&json);
            let good = signed(&format!("{h}.{}", b64(claims)), &key);
            let accepted = Ok((header.clone(), registered.clone(), want_claims.clone()));
            for v in [
                Validation::new(),
                Validation::new().algorithms([alg]),
                Validation::new().algorithms([other, alg]),
            ] {
                assert_eq!(outcome3(&good, &key, &v), accepted);
            }
            let refused = Err(Error::AlgorithmNotAllowed {
                alg: alg.as_str().to_owned(),
            });
            let narrow = Validation::new().algorithms([other]);
            assert_eq!(outcome3(&good, &key, &narrow), refused);
            // A wrong signature: the policy error still comes first.
            let forged = format!("{h}.{}.{}", b64(claims), b64(&[1; 64]));
            assert_eq!(outcome3(&forged, &key, &narrow), refused);
            assert_eq!(
                outcome3(&forged, &key, &Validation::new()),
                Err(Error::InvalidSignature)
            );
            // A dot in the payload: the header is found by `lookup` after
            // the signature check, and the payload fails base64url... but
            // only after the segment count.
            let dotted = signed(&format!("{h}.{}.e30", b64(claims)), &key);
            assert_eq!(
                outcome3(&dotted, &key, &narrow),
                Err(Error::Malformed {
                    part: Part::Token,
                    reason: "a compact JWS has exactly three segments"
                })
            );
        }
        // The same key under another `kid` (new prepared headers): the old
        // `kid` header is no longer prepared and is read by the parser.
        if key.kid().is_some() {
            let renamed = key.clone().with_kid("renamed");
            let mut h = Header::new(alg);
            h.kid = Some("renamed".to_owned());
            let json = h.to_json_bytes().unwrap();
            let t = signed(&format!("{}.{}", b64(&json), b64(claims)), &renamed);
            assert_eq!(
                outcome3(&t, &renamed, &Validation::new()),
                Ok((h, registered.clone(), want_claims.clone()))
            );
            assert_eq!(
                outcome3(&t, &renamed, &Validation::new().algorithms([other])),
                Err(Error::AlgorithmNotAllowed {
                    alg: alg.as_str().to_owned()
                })
            );
        }
    }
}

/// A header naming another algorithm (or `none`, or a name in the wrong
/// case), signed or MACed by the verifying key itself with its own
/// algorithm: the signature verifies, and the header's `alg` must still be
/// refused (key confusion, RFC 8725 §2.1) by every path.
#[test]
fn foreign_alg_header_signed_by_the_key_itself() {
    let claims = b64(br#"{"exp":2000}"#);
    for key in every_algorithm().into_iter().step_by(2) {
        let alg = key.algorithm();
        for other in Algorithm::ALL.iter().filter(|&&a| a != alg) {
            let json = format!(r#"{{"alg":"{}","typ":"JWT"}}"#, other.as_str());
            let t = signed(&format!("{}.{claims}", b64(json.as_bytes())), &key);
            let refused = Err(Error::AlgorithmNotAllowed {
                alg: other.as_str().to_owned(),
            });
            assert_eq!(outcome3(&t, &key, &Validation::new()), refused, "{json}");
            let both = Validation::new().algorithms([alg, *other]);
            assert_eq!(outcome3(&t, &key, &both), refused, "{json}");
        }
        let lower = alg.as_str().to_lowercase();
        for name in ["none", "None", lower.as_str(), ""] {
            let json = format!(r#"{{"alg":"{name}"}}"#);
            let t = signed(&format!("{}.{claims}", b64(json.as_bytes())), &key);
            let want = if name == "none" {
                Error::UnsupportedAlgorithm {
                    alg: "none".to_owned(),
                    reason: "unsecured JWS (alg none) is never accepted (RFC 8725 section 3.1)",
                }
            } else {
                Error::AlgorithmNotAllowed {
                    alg: name.to_owned(),
                }
            };
            assert_eq!(outcome3(&t, &key, &Validation::new()), Err(want), "{json}");
        }
    }
}

// ---------------------------------------------------------------------------
// Differential property: generated claims sets around the depth limit.
// ---------------------------------------------------------------------------

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_owned()),
        Just("-0.5e1".to_owned()),
        Just("1e400".to_owned()),
        Just("null".to_owned()),
        Just("{}".to_owned()),
        Just("[]".to_owned()),
        Just(r#""s""#.to_owned()),
        Just(r#""[{""#.to_owned()),
        Just(r#""\"[""#.to_owned()),
        Just(r#""\\""#.to_owned()),
        Just(r#""\ud800""#.to_owned()),
        Just(r#""\u005b\u007b""#.to_owned()),
        Just(String::new()),
        Just("[".to_owned()),
        Just("x".to_owned()),
    ]
}

/// A claims set text: optional BOM or whitespace, optional registered
/// members, a member nesting `levels` (arrays or objects) around a leaf,
/// some closings possibly dropped or doubled, trailing data, and optional
/// padding to a chosen length.
#[allow(clippy::too_many_arguments)]
fn claims_text(
    prefix: &str,
    exp: u8,
    name: &str,
    levels: &[bool],
    leaf: &str,
    closings_dropped: usize,
    trailing: &str,
    pad_to: usize,
) -> Vec<u8> {
    let mut body = String::new();
    match exp {
        1 => body.push_str(r#""exp":2000,"#),
        2 => body.push_str(r#""exp":"x","#),
        3 => body.push_str(r#""exp":2000,"exp":2000,"#),
        4 => body.push_str(r#""sub":"[[[","#),
        _ => {}
    }
    body.push_str(name);
    body.push(':');
    for &array in levels {
        body.push_str(if array { "[" } else { r#"{"k":"# });
    }
    body.push_str(leaf);
    let closes: Vec<char> = levels
        .iter()
        .rev()
        .map(|&array| if array { ']' } else { '}' })
        .collect();
    let keep = closes.len().saturating_sub(closings_dropped);
    body.extend(closes.iter().take(keep));
    let mut text = format!("{prefix}{{");
    let tail = format!("{body}}}{trailing}");
    let n = text.len() + tail.len();
    text.push_str(&" ".repeat(pad_to.saturating_sub(n)));
    text.push_str(&tail);
    text.into_bytes()
}

fn check_types(payload: &[u8], max: usize) -> Result<(), TestCaseError> {
    let key = hs(Algorithm::HS256, None);
    let v = policy(max);
    let t = token(payload, &key);
    fn same<T: DeserializeOwned + PartialEq + Debug>(
        t: &str,
        key: &Key,
        v: &Validation,
    ) -> Result<(), TestCaseError> {
        prop_assert_eq!(decode3::<T>(t, key, v), documented::<T>(t, v));
        Ok(())
    }
    same::<Map>(&t, &key, &v)?;
    same::<Value>(&t, &key, &v)?;
    same::<Typed>(&t, &key, &v)?;
    same::<Flat>(&t, &key, &v)?;
    same::<Strict>(&t, &key, &v)?;
    same::<Either>(&t, &key, &v)?;
    same::<Tagged>(&t, &key, &v)?;
    same::<Internal>(&t, &key, &v)?;
    same::<FirstOnly>(&t, &key, &v)?;
    same::<IgnoredAny>(&t, &key, &v)?;
    let deep = depth_of(payload) > max;
    if max >= 1 && deep {
        prop_assert_eq!(decode3::<Map>(&t, &key, &v), Err(depth_error(max)));
    }
    // The lenient type: the depth error always comes first; on JSON texts
    // it also agrees with the documented order (on other texts it does not
    // yet, see `lenient_field_cannot_make_non_json_acceptable`).
    let lenient = decode3::<Lenient>(&t, &key, &v);
    let json = serde_json::from_slice::<IgnoredAny>(payload).is_ok();
    if deep || json || max == 0 {
        prop_assert_eq!(lenient, documented::<Lenient>(&t, &v));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(800))]
    /// Generated claims sets near the depth limit and the `2 * max + 1`
    /// length bound: the three paths agree with each other and with the
    /// documented order for every claims type, and too deep means the
    /// depth error.
    #[test]
    fn generated_claims_sets_agree_with_the_documented_order(
        max in prop_oneof![0usize..=6, Just(8usize), Just(64)],
        prefix in prop_oneof![3 => Just(""), 1 => Just(" "), 1 => Just("\u{feff}")],
        exp in prop_oneof![3 => Just(0u8), 1 => 1u8..5],
        name in prop_oneof![Just(r#""a""#), Just(r#""\u0061""#), Just(r#""s""#), Just(r#""[""#)],
        extra_levels in 0usize..3,
        shallower in 0usize..3,
        arrays in prop_oneof![
            Just(vec![true; 80]),
            prop::collection::vec(prop::bool::weighted(0.9), 80),
            prop::collection::vec(any::<bool>(), 80),
        ],
        leaf in leaf(),
        closings_dropped in prop_oneof![2 => Just(0usize), 1 => 1usize..3, 1 => Just(usize::MAX)],
        trailing in prop_oneof![
            5 => Just(""), 1 => Just(" "), 1 => Just("x"), 1 => Just("]"), 1 => Just("}"), 1 => Just("{}"),
        ],
        pad_from in 0usize..4,
        corrupt in prop_oneof![3 => Just(None), 1 => (0usize..200, prop_oneof![Just(vec![0xffu8]), Just(vec![0xed, 0xa0, 0x80])]).prop_map(Some)],
    ) {
        let levels = (max + extra_levels).saturating_sub(shallower).min(arrays.len());
        let pad_to = (2 * max + pad_from).saturating_sub(1);
        let mut text = claims_text(
            prefix, exp, name, &arrays[..levels], &leaf, closings_dropped, trailing, pad_to,
        );
        if let Some((at, bytes)) = corrupt {
            let at = at % (text.len() + 1);
            text.splice(at..at, bytes);
        }
        check_types(&text, max)?;
    }
}
