//! Attacks on the claim behind the single pass of `jwt::decode_at` /
//! `jwt::decode_claims_at` (`claims::deserialize_with_registered_into`):
//! "when the pass is sure, serde_json read the whole claims set as ONE JSON
//! value, even when the claims type `T` drops errors". On that claim the
//! claims depth scan is skipped for a claims set of `n` bytes with
//! `n / 2 <= max_json_depth`, and the pass's result is returned without
//! the reference readers.
//!
//! Every token is decoded by three paths (`decode_at` and
//! `decode_claims_at` with one `Key`, `decode_at` with a one-key `KeySet`)
//! and compared with the documented order run on the claims alone by
//! `dangerous::decode_claims_unverified` (depth limit, UTF-8, the
//! registered-claims reader, the `exp` check, then `T`), and with the
//! exact expected result; an accepted token's `Jwt::registered()` must
//! equal the registered claims of that documented reader.
//!
//! Found on f506cb3 (each fixed by the `src/claims.rs` commit following
//! the test that shows it):
//!
//! 1. A value that `T` never reads. serde_json's `MapAccess::next_value`
//!    eats the `:` and hands the deserializer to `T`'s seed; a seed that
//!    does not call it (a `deserialize_with` that returns a default, an
//!    `Option`-like visitor whose `visit_some` ignores its deserializer, an
//!    element or newtype variant never read, an enum visitor that reads
//!    the variant's name only, after which serde_json has eaten the colon)
//!    reads nothing, and nothing fails when the value is empty: `{"a":}`,
//!    `{"l":[,1]}`, `{"v":{"A":}}`, `{"e":{"U":}}` were accepted (no error
//!    ever came back, so no watch fired), and `Jwt::registered()` of such
//!    a token reported no claims at all although the validation had used
//!    them.
//! 2. A string read as bytes. serde_json's `deserialize_bytes` /
//!    `deserialize_byte_buf` (`std::ffi::CString` uses them) read a string
//!    without refusing raw control characters, which JSON forbids
//!    (RFC 8259 §7): `{"a":"<TAB>"}` was accepted for a `T` with a
//!    `CString` member.
//! 3. A panic caught inside the claims type (`catch_unwind` around a
//!    member's deserialiser, `resume_unwind` so no hook runs): the unwind
//!    skips every watch between the panic and the catch, and serde_json
//!    goes on from inside the value: `{"a":[[[1}` was accepted, nesting
//!    deeper than half its length, so the deferred depth scan was
//!    bypassed (`max_json_depth` 8, a 16-byte claims set nesting 10 deep).
//!
//! The rest pins the watches added by f506cb3: one claims type per watch
//! that drops exactly the error only that watch sees, each making
//! serde_json accept a claims set that is not JSON. Some watches cannot be
//! singled out, because another check always sees the same case first:
//! the three registered-claim slot reads and the registered `next_value`
//! (a failed read captures nothing, and an uncaptured registered value
//! makes the pass unsure), `deserialize_newtype_struct` and
//! `newtype_variant_seed` (serde_json adds no error of its own there; the
//! inner deserializer's watch sees them), `deserialize_ignored_any` and
//! `deserialize_unit_struct` (serde_json fails before any visit, so the
//! seed read nothing), the `visit_unit` after a captured registered value
//! (an error of `T`'s own visitor, after serde_json read the whole value),
//! and the key side of the key/value alternation (serde_json finds no
//! comma after a key read twice).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::ffi::CString;
use std::fmt::{self, Debug};

use serde::de::{
    DeserializeOwned, EnumAccess, Error as _, IgnoredAny, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use timed_jws::{
    dangerous, jwt, Algorithm, Error, Jwt, Key, KeySet, NumericDate, RegisteredClaims, Validation,
};

type Map = serde_json::Map<String, Value>;

#[path = "common/attack.rs"]
mod attack;
use attack::{policy, token, NOT_JSON, NOT_T, NOW};

/// The key of every token here: HS256 without `kid`.
fn key() -> Key {
    attack::hs(Algorithm::HS256, None)
}

/// The three decode paths on `text`, asserted equal to each other and to
/// the documented order; the common outcome. For an accepted token,
/// `Jwt::registered()` must equal the registered claims the documented
/// reader gives (those the validation is specified to use).
fn decode3<T: DeserializeOwned + PartialEq + Debug>(
    text: &str,
    v: &Validation,
) -> Result<T, Error> {
    let key = key();
    let t = token(text.as_bytes(), &key);
    let full = jwt::decode_at::<T>(&t, &key, v, NOW);
    let registered = full.as_ref().ok().map(|j| j.registered().clone());
    let full = full.map(Jwt::into_claims);
    let only = jwt::decode_claims_at::<T>(&t, &key, v, NOW);
    let set = KeySet::new().with_key(key.clone()).unwrap();
    let strict = jwt::decode_at::<T>(&t, &set, v, NOW).map(Jwt::into_claims);
    assert_eq!(full, only, "decode_at vs decode_claims_at: {text:?}");
    assert_eq!(full, strict, "one key vs one-key KeySet: {text:?}");
    // The documented order on the claims set alone: step 5 (depth, UTF-8,
    // the registered-claims reader), step 6 (the only claim check of `v`
    // is `exp`, no leeway), step 7 (`T`).
    let step5 = dangerous::decode_claims_unverified::<IgnoredAny>(&t, v.limits());
    let (claims, want) = match step5 {
        Err(e) => (Err(e), None),
        Ok((_, registered, _)) if registered.exp.is_some_and(|exp| exp <= NOW) => {
            let exp = registered.exp.unwrap().secs();
            (Err(Error::Expired { exp, now: 1_000 }), None)
        }
        Ok((_, registered, _)) => match dangerous::decode_claims_unverified::<T>(&t, v.limits()) {
            Ok((_, _, claims)) => (Ok(claims), Some(registered)),
            Err(e) => (Err(e), None),
        },
    };
    assert_eq!(full, claims, "documented: {text:?}");
    assert_eq!(registered, want, "Jwt::registered: {text:?}");
    full
}

// ---------------------------------------------------------------------------
// 1. A value never read.
// ---------------------------------------------------------------------------

/// Ignores its deserializer entirely (a "skip this member" helper).
fn never_read<'de, D: Deserializer<'de>>(_: D) -> Result<(), D::Error> {
    Ok(())
}

/// A claims type with a member whose value is never read.
#[derive(Debug, PartialEq, Deserialize)]
struct Skips {
    #[serde(default, deserialize_with = "never_read")]
    a: (),
    b: Option<i64>,
    exp: Option<i64>,
    sub: Option<String>,
}

/// An `Option`-like value whose `visit_some` does not read the value.
#[derive(Debug, PartialEq, Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Present;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("anything")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Present, E> {
                Ok(Present(false))
            }
            fn visit_some<D: Deserializer<'de>>(self, _: D) -> Result<Present, D::Error> {
                Ok(Present(true))
            }
        }
        d.deserialize_option(V)
    }
}

#[derive(Debug, PartialEq, Deserialize)]
struct HasPresent {
    #[serde(default)]
    a: Present,
    b: Option<i64>,
}

/// A value whose deserialiser never looks at the deserializer.
#[derive(Debug, PartialEq, Default)]
struct Nothing;

impl<'de> Deserialize<'de> for Nothing {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Ok(Nothing)
    }
}

#[derive(Debug, PartialEq, Deserialize)]
struct InTuple {
    l: (Nothing, i64),
}

#[derive(Debug, PartialEq, Deserialize)]
enum HoldsNothing {
    A(Nothing),
}

#[derive(Debug, PartialEq, Deserialize)]
struct InVariant {
    v: HoldsNothing,
}

/// An enum visitor that reads the variant name only.
#[derive(Debug, PartialEq, Default)]
struct TagOnly(String);

impl<'de> Deserialize<'de> for TagOnly {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagOnly;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an enum")
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<TagOnly, A::Error> {
                let (name, _) = data.variant::<String>()?;
                Ok(TagOnly(name))
            }
        }
        d.deserialize_enum("TagOnly", &["U"], V)
    }
}

#[derive(Debug, PartialEq, Deserialize)]
struct HasTag {
    e: TagOnly,
    b: Option<i64>,
}

/// A member whose value is empty (`{"a":}`, `{"a":,...}`) is not JSON
/// (RFC 8259 §4: a member is a name, a colon and a value). serde_json
/// reads it for a claims type that never reads that value, and no error
/// comes back through the pass; the documented order refuses it
/// (`malformed`), and so must the single pass.
#[test]
fn value_never_read_cannot_make_an_empty_member_acceptable() {
    let v = policy(64);
    for text in [
        r#"{"a":}"#,
        r#"{"a": ,"b":1}"#,
        r#"{"b":1,"a":}"#,
        r#"{"sub":"alice","a":,"exp":2000}"#,
    ] {
        assert!(serde_json::from_str::<Skips>(text).is_ok(), "{text}");
        assert_eq!(decode3::<Skips>(text, &v), Err(NOT_JSON), "{text}");
    }
    // With the member absent, or the documented order's own outcome.
    assert_eq!(
        decode3::<Skips>(r#"{"b":1,"sub":"alice","exp":2000}"#, &v),
        Ok(Skips {
            a: (),
            b: Some(1),
            exp: Some(2000),
            sub: Some("alice".into())
        })
    );
    assert_eq!(decode3::<Skips>(r#"{"a":1}"#, &v), Err(NOT_T));
    // `visit_some` that does not read: the same, one level in.
    for text in [r#"{"a":}"#, r#"{"a":,"b":1}"#] {
        assert!(serde_json::from_str::<HasPresent>(text).is_ok(), "{text}");
        assert_eq!(decode3::<HasPresent>(text, &v), Err(NOT_JSON), "{text}");
    }
    assert_eq!(
        decode3::<HasPresent>(r#"{"a":null,"b":1}"#, &v),
        Ok(HasPresent {
            a: Present(false),
            b: Some(1)
        })
    );
    // An element and a newtype variant never read.
    let text = r#"{"l":[,7]}"#;
    assert_eq!(
        serde_json::from_str::<InTuple>(text).unwrap(),
        InTuple { l: (Nothing, 7) }
    );
    assert_eq!(decode3::<InTuple>(text, &v), Err(NOT_JSON));
    let text = r#"{"v":{"A":}}"#;
    assert!(serde_json::from_str::<InVariant>(text).is_ok());
    assert_eq!(decode3::<InVariant>(text, &v), Err(NOT_JSON));
    // An enum visitor that reads the variant's name only: serde_json has
    // eaten the colon after it.
    for text in [r#"{"e":{"U":}}"#, r#"{"e":{"U": },"b":1}"#] {
        assert_eq!(
            serde_json::from_str::<HasTag>(text).unwrap().e,
            TagOnly("U".into())
        );
        assert_eq!(decode3::<HasTag>(text, &v), Err(NOT_JSON), "{text}");
    }
    assert_eq!(
        decode3::<HasTag>(r#"{"e":"U","b":1}"#, &v),
        Ok(HasTag {
            e: TagOnly("U".into()),
            b: Some(1)
        })
    );
    assert_eq!(decode3::<HasTag>(r#"{"e":{"U":1}}"#, &v), Err(NOT_T));
}

/// The validation and `Jwt::registered()` see the same registered claims:
/// the claims set `{"sub":"alice","exp":2000,"a":}` was accepted for
/// `Skips` with `sub` checked to be `alice`, and `registered()` (which
/// reads the text again) then reported no `sub` and no `exp`.
#[test]
fn registered_claims_are_the_validated_ones() {
    let key = key();
    let v = Validation::new().subject("alice");
    let bad = token(br#"{"sub":"alice","exp":2000,"a":}"#, &key);
    assert_eq!(
        jwt::decode_at::<Skips>(&bad, &key, &v, NOW).map(|j| j.registered().clone()),
        Err(NOT_JSON)
    );
    let good = token(br#"{"sub":"alice","exp":2000,"b":3}"#, &key);
    let j = jwt::decode_at::<Skips>(&good, &key, &v, NOW).unwrap();
    assert_eq!(
        j.registered(),
        &RegisteredClaims {
            sub: Some("alice".into()),
            exp: Some(NumericDate::from_secs(2000)),
            ..RegisteredClaims::default()
        }
    );
    assert_eq!(j.claims().b, Some(3));
    // `exp` expired and `sub` wrong are found on the same text.
    let expired = token(br#"{"sub":"alice","exp":999,"b":3}"#, &key);
    assert_eq!(
        jwt::decode_at::<Skips>(&expired, &key, &v, NOW).map(|j| j.into_claims()),
        Err(Error::Expired {
            exp: 999,
            now: 1_000,
        })
    );
}

// ---------------------------------------------------------------------------
// 2. Strings read as bytes.
// ---------------------------------------------------------------------------

#[derive(Debug, PartialEq, Deserialize)]
struct WithCString {
    a: Option<CString>,
    exp: Option<i64>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct CStringKeys {
    m: BTreeMap<CString, i64>,
}

/// A raw control character inside a string is not JSON (RFC 8259 §7).
/// serde_json's byte-string reader (used by `CString`) accepts it, the
/// documented order refuses it (`malformed`).
#[test]
fn raw_control_characters_in_byte_strings_are_not_json() {
    let v = policy(64);
    for text in [
        "{\"a\":\"x\ty\"}",
        "{\"exp\":2000,\"a\":\"\n\"}",
        "{\"a\":\"\u{1}\u{1f}\"}",
        // With an escape the bytes are copied (`visit_bytes`).
        "{\"a\":\"\\u0041\t\"}",
    ] {
        assert!(
            serde_json::from_str::<WithCString>(text).is_ok(),
            "{text:?}"
        );
        assert_eq!(decode3::<WithCString>(text, &v), Err(NOT_JSON), "{text:?}");
    }
    let text = "{\"m\":{\"\r\":1}}";
    assert!(serde_json::from_str::<CStringKeys>(text).is_ok());
    assert_eq!(decode3::<CStringKeys>(text, &v), Err(NOT_JSON));
    // Escaped, they are JSON: the same values as serde_json's.
    let text = r#"{"a":"x\ty\u0001","exp":2000}"#;
    assert_eq!(
        decode3::<WithCString>(text, &v),
        Ok(WithCString {
            a: Some(CString::new("x\ty\u{1}").unwrap()),
            exp: Some(2000)
        })
    );
    let text = r#"{"m":{"\r":1,"b":2}}"#;
    assert_eq!(
        decode3::<CStringKeys>(text, &v),
        Ok(serde_json::from_str(text).unwrap())
    );
    // A lone surrogate escape is JSON; the byte reader keeps it (WTF-8),
    // as serde_json does.
    let text = r#"{"a":"\ud800"}"#;
    assert_eq!(
        decode3::<WithCString>(text, &v),
        Ok(serde_json::from_str(text).unwrap())
    );
    assert_eq!(decode3::<WithCString>(r#"{"a":"\u0000"}"#, &v), Err(NOT_T));
}

// ---------------------------------------------------------------------------
// 3. One claims type per watch: each drops an error only that watch sees.
// ---------------------------------------------------------------------------

/// A member read leniently: an error is dropped and the default kept.
fn lenient<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(T::deserialize(d).unwrap_or_default())
}

#[derive(Debug, PartialEq, Default, Deserialize)]
struct Unit;

#[derive(Debug, PartialEq, Default, Deserialize)]
struct Pair(i64, i64);

#[derive(Debug, PartialEq, Default, Deserialize)]
struct OneField {
    x: i64,
}

#[derive(Debug, PartialEq, Default, Deserialize)]
struct Newtype(i64);

#[derive(Debug, PartialEq, Deserialize)]
enum Variant {
    V(i64),
}

impl Default for Variant {
    fn default() -> Self {
        Variant::V(0)
    }
}

/// Reads the first member of a map (`deserialize_map`), then stops.
#[derive(Debug, PartialEq, Default)]
struct FirstEntry(Option<String>);

/// Reads the first element of a sequence (`deserialize_seq`), then stops.
#[derive(Debug, PartialEq, Default)]
struct FirstElement(Option<i64>);

impl<'de> Deserialize<'de> for FirstEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FirstEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FirstEntry, A::Error> {
                let entry = map.next_entry::<String, IgnoredAny>()?;
                Ok(FirstEntry(entry.map(|(k, _)| k)))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for FirstElement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FirstElement;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FirstElement, A::Error> {
                Ok(FirstElement(seq.next_element()?))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Every lenient member kind, each read through a different deserializer
/// method: `i64` (`deserialize_i64`), `IgnoredAny`
/// (`deserialize_ignored_any`), a unit struct, a one-element tuple, a tuple
/// struct, a struct (read from an array), a newtype struct, an enum, and
/// a map and a sequence read in part (the error then comes after a visit,
/// from serde_json's end of the map or sequence).
#[derive(Debug, PartialEq, Deserialize)]
struct LenientAll {
    #[serde(default, deserialize_with = "lenient")]
    int: i64,
    #[serde(default, deserialize_with = "lenient")]
    any: IgnoredAny,
    #[serde(default, deserialize_with = "lenient")]
    unit: Unit,
    #[serde(default, deserialize_with = "lenient")]
    tuple: (i64,),
    #[serde(default, deserialize_with = "lenient")]
    pair: Pair,
    #[serde(default, deserialize_with = "lenient")]
    strukt: OneField,
    #[serde(default, deserialize_with = "lenient")]
    newtype: Newtype,
    #[serde(default, deserialize_with = "lenient")]
    variant: Variant,
    #[serde(default, deserialize_with = "lenient")]
    first: FirstEntry,
    #[serde(default, deserialize_with = "lenient")]
    first_element: FirstElement,
    b: Option<i64>,
    exp: Option<i64>,
}

/// Non-JSON claims sets that serde_json reads for [`LenientAll`], each by
/// dropping an error of exactly one deserializer method (the rest of the
/// text then parses on from where serde_json stopped).
const LENIENT_TEXTS: &[&str] = &[
    // `deserialize_i64`: `1.` stops at the `}`.
    r#"{"int":1.}"#,
    // `deserialize_ignored_any`: `nu}` is eaten, the next `}` closes.
    r#"{"any":nu}}"#,
    // `deserialize_unit_struct`: the same.
    r#"{"unit":nu}}"#,
    // `deserialize_tuple`: one element read, the extra `,` eaten.
    r#"{"tuple":[1,,"b":2}"#,
    // `deserialize_tuple_struct`.
    r#"{"pair":[1,2,,"b":2}"#,
    // `deserialize_struct` from an array.
    r#"{"strukt":[1,,"b":2,"exp":2000}"#,
    // `deserialize_enum`: the variant's closing brace is missing.
    r#"{"variant":{"V":1,"b":2}"#,
    // `deserialize_map`: one member read, the closing brace is missing.
    r#"{"first":{"x":1,"b":2}"#,
    // `deserialize_seq`: one element read, the extra `,` eaten.
    r#"{"first_element":[1,,"b":2}"#,
];

#[test]
fn lenient_members_of_every_method_cannot_make_non_json_acceptable() {
    let v = policy(64);
    for text in LENIENT_TEXTS {
        assert!(serde_json::from_str::<LenientAll>(text).is_ok(), "{text}");
        assert_eq!(decode3::<LenientAll>(text, &v), Err(NOT_JSON), "{text}");
    }
    // The newtype struct's own method adds no error of its own: its value
    // is read through an inner deserializer, watched there.
    let text = r#"{"newtype":1.}"#;
    assert!(serde_json::from_str::<LenientAll>(text).is_ok());
    assert_eq!(decode3::<LenientAll>(text, &v), Err(NOT_JSON));
    // Valid JSON: serde_json's value, lenient drops included.
    let text = r#"{"int":"x","any":[1],"unit":null,"tuple":[1],"pair":[1,2],"strukt":{"x":3},"newtype":4,"variant":{"V":5},"first":{"y":[]},"first_element":[7],"b":6,"exp":2000}"#;
    assert_eq!(
        decode3::<LenientAll>(text, &v),
        Ok(LenientAll {
            int: 0,
            any: IgnoredAny,
            unit: Unit,
            tuple: (1,),
            pair: Pair(1, 2),
            strukt: OneField { x: 3 },
            newtype: Newtype(4),
            variant: Variant::V(5),
            first: FirstEntry(Some("y".into())),
            first_element: FirstElement(Some(7)),
            b: Some(6),
            exp: Some(2000),
        })
    );
}

/// A map visitor that retries after an error from `next_key` or
/// `next_value` (at most a few times), keeping what it could read.
#[derive(Debug, PartialEq, Default)]
struct Tolerant(Vec<(String, Option<i64>)>);

struct TolerantVisitor;

impl<'de> Visitor<'de> for TolerantVisitor {
    type Value = Tolerant;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tolerant, A::Error> {
        let mut out = Vec::new();
        for _ in 0..8 {
            match map.next_key::<String>() {
                Ok(Some(k)) => out.push((k, map.next_value::<i64>().ok())),
                Ok(None) => return Ok(Tolerant(out)),
                Err(_) => {}
            }
        }
        Err(A::Error::custom("too many errors"))
    }
}

impl<'de> Deserialize<'de> for Tolerant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(TolerantVisitor)
    }
}

/// A sequence visitor that retries after an error from `next_element`.
#[derive(Debug, PartialEq, Default)]
struct TolerantSeq(Vec<i64>);

impl<'de> Deserialize<'de> for TolerantSeq {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TolerantSeq;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TolerantSeq, A::Error> {
                let mut out = Vec::new();
                for _ in 0..8 {
                    match seq.next_element::<i64>() {
                        Ok(Some(x)) => out.push(x),
                        Ok(None) => return Ok(TolerantSeq(out)),
                        Err(_) => {}
                    }
                }
                Err(A::Error::custom("too many errors"))
            }
        }
        d.deserialize_seq(V)
    }
}

#[derive(Debug, PartialEq, Deserialize)]
struct Nested {
    m: Tolerant,
    b: Option<i64>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct NestedSeq {
    s: TolerantSeq,
}

/// `next_key` / `next_value` / `next_element` errors dropped by the map
/// or sequence visitor itself (the value-level watch sees nothing).
#[test]
fn tolerant_maps_and_sequences_cannot_make_non_json_acceptable() {
    let v = policy(64);
    // The claims set's own map: a trailing comma (`next_key` of the top
    // map), a member with no colon or value (`next_value`).
    for (text, read) in [
        (r#"{"x":1,}"#, vec![("x", Some(1))]),
        (r#"{"x"}"#, vec![("x", None)]),
    ] {
        let want: Vec<_> = read.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
        assert_eq!(serde_json::from_str::<Tolerant>(text).unwrap().0, want);
        assert_eq!(decode3::<Tolerant>(text, &v), Err(NOT_JSON), "{text}");
    }
    // A nested map.
    for text in [r#"{"m":{"x":1,},"b":2}"#, r#"{"m":{"x"},"b":2}"#] {
        assert!(serde_json::from_str::<Nested>(text).is_ok(), "{text}");
        assert_eq!(decode3::<Nested>(text, &v), Err(NOT_JSON), "{text}");
    }
    // A nested sequence: a trailing comma (`next_element`).
    let text = r#"{"s":[1,]}"#;
    assert_eq!(
        serde_json::from_str::<NestedSeq>(text).unwrap(),
        NestedSeq {
            s: TolerantSeq(vec![1])
        }
    );
    assert_eq!(decode3::<NestedSeq>(text, &v), Err(NOT_JSON));
    // Valid JSON is read as serde_json reads it.
    let text = r#"{"m":{"x":1,"y":"z"},"b":2,"s":[1,2]}"#;
    assert_eq!(
        decode3::<Nested>(text, &v),
        Ok(Nested {
            m: Tolerant(vec![("x".into(), Some(1)), ("y".into(), None)]),
            b: Some(2)
        })
    );
    assert_eq!(
        decode3::<NestedSeq>(text, &v),
        Ok(NestedSeq {
            s: TolerantSeq(vec![1, 2])
        })
    );
    assert_eq!(
        decode3::<Tolerant>(r#"{"x":1,"y":"z"}"#, &v),
        Ok(Tolerant(vec![("x".into(), Some(1)), ("y".into(), None)]))
    );
}

/// How [`Dropping`] reads the variant.
#[derive(Clone, Copy)]
enum How {
    Unit,
    Newtype,
    Tuple,
    Struct,
}

/// An enum visitor that drops the error of `variant_seed` or of the
/// variant access it then makes (chosen by the variant name `how` maps).
#[derive(Debug, PartialEq, Default)]
struct Dropping(String);

impl<'de> Deserialize<'de> for Dropping {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct First;
        impl<'de> Visitor<'de> for First {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence or map")
            }
            // Reads one element or member, then stops.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                seq.next_element::<IgnoredAny>().map(drop)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                map.next_entry::<IgnoredAny, IgnoredAny>().map(drop)
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Dropping;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an enum")
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Dropping, A::Error> {
                let (name, variant) = match data.variant::<String>() {
                    Ok(x) => x,
                    Err(_) => return Ok(Dropping("variant_seed".into())),
                };
                let how = match name.as_str() {
                    "U" => How::Unit,
                    "N" => How::Newtype,
                    "T" => How::Tuple,
                    _ => How::Struct,
                };
                let ok = match how {
                    How::Unit => variant.unit_variant().is_ok(),
                    How::Newtype => variant.newtype_variant::<i64>().is_ok(),
                    How::Tuple => variant.tuple_variant(1, First).is_ok(),
                    How::Struct => variant.struct_variant(&["x"], First).is_ok(),
                };
                Ok(Dropping(format!("{name}:{ok}")))
            }
        }
        d.deserialize_enum("Dropping", &["U", "N", "T", "S"], V)
    }
}

#[derive(Debug, PartialEq, Deserialize)]
struct InEnum {
    e: Dropping,
}

/// Errors of the enum and variant accesses dropped by the enum visitor:
/// the enum's closing brace is then found where serde_json stopped.
#[test]
fn enum_visitors_dropping_errors_cannot_make_non_json_acceptable() {
    let v = policy(64);
    for (text, read) in [
        // `variant_seed`: no colon after the variant name.
        (r#"{"e":{"U"}}"#, "variant_seed"),
        // `unit_variant`: `nu}` eaten.
        (r#"{"e":{"U":nu}}}"#, "U:false"),
        // `newtype_variant_seed`: `1.` stops at the `}`.
        (r#"{"e":{"N":1.}}"#, "N:false"),
        // `tuple_variant`: one element read, `,` eaten.
        (r#"{"e":{"T":[1,}}"#, "T:false"),
        // `struct_variant` from an array: the same.
        (r#"{"e":{"S":[1,}}"#, "S:false"),
    ] {
        assert_eq!(
            serde_json::from_str::<InEnum>(text).unwrap().e,
            Dropping(read.into()),
            "{text}"
        );
        assert_eq!(decode3::<InEnum>(text, &v), Err(NOT_JSON), "{text}");
    }
    // Valid JSON.
    for (text, read) in [
        (r#"{"e":{"U":null}}"#, "U:true"),
        (r#"{"e":{"N":1}}"#, "N:true"),
        (r#"{"e":{"T":[1]}}"#, "T:true"),
        (r#"{"e":{"S":{"x":1}}}"#, "S:true"),
        (r#"{"e":"U"}"#, "U:true"),
    ] {
        assert_eq!(
            decode3::<InEnum>(text, &v),
            Ok(InEnum {
                e: Dropping(read.into())
            }),
            "{text}"
        );
    }
}

// ---------------------------------------------------------------------------
// 4. The map protocol.
// ---------------------------------------------------------------------------

/// Reads a value before any key, then the rest as pairs (breaking the
/// `MapAccess` protocol).
#[derive(Debug, PartialEq, Default)]
struct ValueFirst(i64, Vec<String>);

impl<'de> Deserialize<'de> for ValueFirst {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ValueFirst;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ValueFirst, A::Error> {
                let first = map.next_value::<i64>()?;
                let mut keys = Vec::new();
                while let Some((k, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(ValueFirst(first, keys))
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads each member's value twice.
#[derive(Debug, PartialEq, Default)]
struct Twice(Vec<(String, i64)>);

impl<'de> Deserialize<'de> for Twice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Twice;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Twice, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    let _ = map.next_value::<i64>()?;
                    out.push((k, map.next_value::<i64>()?));
                }
                Ok(Twice(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads two keys in a row, then values.
#[derive(Debug, PartialEq, Default)]
struct KeysTwice(Vec<String>);

impl<'de> Deserialize<'de> for KeysTwice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeysTwice;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeysTwice, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    out.push(k);
                    if let Some(k) = map.next_key::<String>()? {
                        out.push(k);
                    }
                    map.next_value::<IgnoredAny>()?;
                }
                Ok(KeysTwice(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Debug, PartialEq, Deserialize)]
struct NestedProtocol {
    #[serde(default)]
    f: Option<ValueFirst>,
    #[serde(default)]
    t: Option<Twice>,
    #[serde(default)]
    k: Option<KeysTwice>,
}

/// Keys and values must alternate: serde_json reads `{:1}` as a value
/// with no key, `{"a":1:2}` as one member with two values and
/// `{"a""b":1}`... not at all (its `next_key` finds no comma), at the top
/// and nested.
#[test]
fn keys_and_values_must_alternate() {
    let v = policy(64);
    let text = "{:1}";
    assert_eq!(
        serde_json::from_str::<ValueFirst>(text).unwrap(),
        ValueFirst(1, Vec::new())
    );
    assert_eq!(decode3::<ValueFirst>(text, &v), Err(NOT_JSON));
    let text = r#"{"x":1:2}"#;
    assert_eq!(
        serde_json::from_str::<Twice>(text).unwrap(),
        Twice(vec![("x".into(), 2)])
    );
    assert_eq!(decode3::<Twice>(text, &v), Err(NOT_JSON));
    for text in [r#"{"f":{:1}}"#, r#"{"t":{"x":1:2}}"#] {
        assert!(
            serde_json::from_str::<NestedProtocol>(text).is_ok(),
            "{text}"
        );
        assert_eq!(decode3::<NestedProtocol>(text, &v), Err(NOT_JSON), "{text}");
    }
    // Two keys in a row make serde_json fail on valid JSON: the type's
    // own error, as serde_json gives it.
    let text = r#"{"k":{"x":1,"y":2}}"#;
    assert!(serde_json::from_str::<NestedProtocol>(text).is_err());
    assert_eq!(decode3::<NestedProtocol>(text, &v), Err(NOT_T));
    assert_eq!(decode3::<KeysTwice>(r#"{"x":1}"#, &v), Err(NOT_T));
    assert_eq!(decode3::<KeysTwice>("{}", &v), Ok(KeysTwice(Vec::new())));
}

// ---------------------------------------------------------------------------
// 5. Depth: accepted claims sets nest at most n / 2 deep.
// ---------------------------------------------------------------------------

/// Every kind of non-JSON text above, padded with openings so that it
/// would nest deeper than `max` within `2 * max + 1` bytes if serde_json
/// stopped inside them: each is refused with the depth error or as not
/// JSON, exactly as the documented order says.
#[test]
fn non_json_texts_never_pass_the_depth_limit() {
    for max in [8usize, 16, 32] {
        let v = policy(max);
        let depth = Error::ResourceLimit {
            limit: "max_json_depth",
            max,
        };
        for n in [2 * max, 2 * max + 1] {
            // Openings inside a member whose value is never read: serde_json
            // stops at the first `[` (no comma), so nothing is accepted.
            let text = format!("{{\"a\":{}}}", "[".repeat(n - 6));
            assert_eq!(text.len(), n);
            assert_eq!(decode3::<Skips>(&text, &v), Err(depth.clone()));
            assert_eq!(decode3::<WithCString>(&text, &v), Err(depth.clone()));
            assert_eq!(decode3::<LenientAll>(&text, &v), Err(depth.clone()));
            // Inside a raw control-character string the brackets do not
            // count: not JSON, as documented.
            let text = format!("{{\"a\":\"\t{}\"}}", "[".repeat(n - 9));
            assert_eq!(text.len(), n);
            assert_eq!(decode3::<WithCString>(&text, &v), Err(NOT_JSON));
        }
    }
}

// ---------------------------------------------------------------------------
// 6. A panic caught inside the claims type.
// ---------------------------------------------------------------------------

/// Nested arrays of numbers; unwinds (without the panic hook) at the first
/// number, leaving serde_json inside every array it entered.
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
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bomb, A::Error> {
                while seq.next_element::<Bomb>()?.is_some() {}
                Ok(Bomb)
            }
        }
        d.deserialize_any(V)
    }
}

/// A member read under `catch_unwind`: a panic of its deserialiser is
/// dropped like an error.
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

/// A claims type that catches a panic of its own deserialiser leaves
/// serde_json wherever it was, with no error returned through the pass:
/// `{"a":[[[1}` nests deeper than half its length. The documented order
/// refuses it with the depth error (or as not JSON within the limit).
#[test]
fn caught_panic_cannot_hide_non_json_or_depth() {
    let v = policy(64);
    for text in [r#"{"a":[1,"b":2}"#, r#"{"a":[[[1}"#] {
        assert!(serde_json::from_str::<Catches>(text).is_ok(), "{text}");
        assert_eq!(decode3::<Catches>(text, &v), Err(NOT_JSON), "{text}");
    }
    let depth = |max| Error::ResourceLimit {
        limit: "max_json_depth",
        max,
    };
    for max in [8usize, 16, 64] {
        let v = policy(max);
        for n in [2 * max, 2 * max + 1] {
            let text = format!("{{\"a\":{}1}}", "[".repeat(n - 7));
            assert_eq!(text.len(), n);
            assert!(serde_json::from_str::<Catches>(&text).is_ok());
            assert_eq!(decode3::<Catches>(&text, &v), Err(depth(max)), "{text}");
        }
    }
    // Valid JSON without a number: read as serde_json reads it.
    assert_eq!(
        decode3::<Catches>(r#"{"a":[[],[[]]],"b":2}"#, &v),
        Ok(Catches {
            a: true,
            b: Some(2)
        })
    );
    // With a number, serde_json itself then fails on valid JSON (it was
    // left inside the arrays): the type's own error.
    let text = r#"{"a":[[1]],"b":2}"#;
    assert!(serde_json::from_str::<Catches>(text).is_err());
    assert_eq!(decode3::<Catches>(text, &v), Err(NOT_T));
}

// ---------------------------------------------------------------------------
// 7. Random edits of a claims set, every adversarial type.
// ---------------------------------------------------------------------------

/// Members for every adversarial type above.
const BASE: &str = r#"{"sub":"s","exp":2000,"a":[[1],{"x":"y"}],"int":3,"tuple":[1],"pair":[1,2],"strukt":[4],"variant":{"V":5},"e":{"U":null},"m":{"x":1},"s":[1,2],"l":[7],"v":{"A":null},"b":1}"#;

fn all_types(text: &str) {
    let v = policy(8);
    decode3::<Map>(text, &v).ok();
    decode3::<Skips>(text, &v).ok();
    decode3::<HasPresent>(text, &v).ok();
    decode3::<InTuple>(text, &v).ok();
    decode3::<InVariant>(text, &v).ok();
    decode3::<HasTag>(text, &v).ok();
    decode3::<WithCString>(text, &v).ok();
    decode3::<LenientAll>(text, &v).ok();
    decode3::<Tolerant>(text, &v).ok();
    decode3::<Nested>(text, &v).ok();
    decode3::<NestedSeq>(text, &v).ok();
    decode3::<InEnum>(text, &v).ok();
    decode3::<Catches>(text, &v).ok();
    decode3::<NestedProtocol>(text, &v).ok();
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    /// Up to four edits (delete a byte, or insert one of the structural
    /// bytes, a raw tab, `n`, `1`) of [`BASE`] with one member dropped:
    /// every decode path gives the documented outcome for every type
    /// (asserted inside `decode3`).
    #[test]
    fn edited_claims_sets_agree_with_the_documented_order(
        drop_member in 0usize..16,
        edits in proptest::collection::vec(
            (0usize..200, proptest::sample::select(vec![
                None, Some(b','), Some(b':'), Some(b'['), Some(b']'), Some(b'{'),
                Some(b'}'), Some(b'"'), Some(b'\t'), Some(b'n'), Some(b'1'),
            ])),
            0..5,
        ),
    ) {
        let mut members: Vec<&str> = Vec::new();
        let body = &BASE[1..BASE.len() - 1];
        // Split at top-level commas (the base's nested commas are inside
        // brackets).
        let (mut depth, mut start) = (0i32, 0usize);
        for (i, c) in body.char_indices() {
            match c {
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    members.push(&body[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        members.push(&body[start..]);
        if drop_member < members.len() {
            members.remove(drop_member);
        }
        let mut text = format!("{{{}}}", members.join(",")).into_bytes();
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
        all_types(std::str::from_utf8(&text).unwrap());
    }
}
