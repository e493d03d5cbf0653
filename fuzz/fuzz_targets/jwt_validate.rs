//! JWT decoding and claims validation (`jwt::decode_at`, `Validation`,
//! RFC 7519 §4.1 and §7.2) under a fixed HS256 key, with the validation
//! time, leeway and policy taken from the input.
//!
//! Input: `flags`, 8 bytes little-endian `now` (seconds, `i64`), 8 bytes
//! little-endian leeway (seconds, `u64`), 8 bytes little-endian maximum age
//! (seconds, `u64`), then `rest`. `flags` bits: 0 `allow_missing_exp`;
//! 1 `reject_future_iat`; 2 `max_age`; 3 audience `"fuzz-aud"`; 4-5 allowed
//! algorithms (key decides, HS256, HS384, HS256 + HS512); 6 for the signed
//! claims set, `now` is its `exp` (bit 7 clear) or `nbf` (bit 7 set) in whole
//! seconds plus the low byte of `now` as an `i8` (so the fuzzer reaches the
//! `now == exp + leeway` boundaries).
//!
//! `rest` is used twice: as a token, and, when serde_json reads it as a
//! JSON object, as a claims set signed with `jwt::encode` (so mutations get
//! past the MAC into the claims logic).
//!
//! Invariants besides "no panic":
//! * every rejection has a documented kind;
//! * an accepted token satisfies the policy, recomputed here in `i128`
//!   nanoseconds: `now < exp + leeway` (and `exp` present unless allowed
//!   missing), `now >= nbf - leeway`, `iat <= now` when future `iat` is
//!   rejected, `now - iat <= max_age`, the `aud` rule; its registered claims
//!   are the claims set's members read as NumericDates/strings;
//! * `encode` refuses a claims set exactly when a registered claim has the
//!   wrong type (`invalid_claim`), and `decode_at` of what it signed gives
//!   exactly the outcome the policy predicts, in the documented order;
//! * for both tokens, `decode_claims_at` returns exactly `decode_at`'s
//!   claims or the same `Error` (kind, part and reason), and so does the
//!   strict reference, `decode_at` with a one-key `KeySet` (strict split,
//!   header first), unless the header names a `kid` (which a key set routes
//!   on and a single key ignores).
//!
//! `rest` is also signed as raw claims set bytes (JSON or not) and read with
//! a claims type that drops every member value's deserialiser error
//! ([`Lenient`]): the three paths agree, and an accepted claims set is one
//! JSON value within the nesting limit (the single pass may not be fooled
//! by a type that drops errors).
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};
use timed_jws::{
    dangerous, jws, jwt, Algorithm, Audience, Error, ErrorKind, Header, Key, KeySet, NumericDate,
    Validation,
};

/// A claims set read leniently: every member value that does not read as
/// JSON becomes `None` (the deserialiser's error is dropped, as a
/// `deserialize_with` helper returning `Ok(None)` on error does).
#[derive(Debug, PartialEq)]
struct Lenient(Vec<(String, Option<Value>)>);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Loose(Option<Value>);
        impl<'de> Deserialize<'de> for Loose {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Loose(Value::deserialize(d).ok()))
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lenient;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lenient, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    let Loose(v) = map.next_value()?;
                    out.push((k, v));
                }
                Ok(Lenient(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Nesting depth of a JSON text (brackets outside strings).
fn depth(text: &str) -> usize {
    let (mut d, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                d += 1;
                max = max.max(d);
            }
            b']' | b'}' => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

const KEY: &[u8; 32] = b"timed-jws fuzz key, 32 bytes!!!!";
const AUD: &str = "fuzz-aud";
const NANOS: i128 = 1_000_000_000;

const KINDS: [ErrorKind; 10] = [
    ErrorKind::ResourceLimit,
    ErrorKind::Malformed,
    ErrorKind::InvalidSignature,
    ErrorKind::AlgorithmNotAllowed,
    ErrorKind::InvalidHeader,
    ErrorKind::Expired,
    ErrorKind::NotYetValid,
    ErrorKind::MissingClaim,
    ErrorKind::InvalidClaim,
    ErrorKind::InvalidAudience,
];

struct Policy {
    now: i128,
    leeway: i128,
    allow_missing_exp: bool,
    reject_future_iat: bool,
    max_age: Option<i128>,
    audience: bool,
    /// The policy refuses HS256, the key's algorithm.
    refuses_hs256: bool,
}

fn nanos(d: NumericDate) -> i128 {
    i128::from(d.secs()) * NANOS + i128::from(d.subsec_nanos())
}

/// A registered NumericDate claim: `None` absent, `Some(Err)` wrong type or
/// out of range.
fn date(m: &Map<String, Value>, name: &str) -> Option<Result<NumericDate, ()>> {
    m.get(name)
        .map(|v| NumericDate::from_json(v, name).map_err(|_| ()))
}

fn string_ok(m: &Map<String, Value>, name: &str) -> bool {
    m.get(name).is_none_or(Value::is_string)
}

fn aud_ok(m: &Map<String, Value>) -> bool {
    match m.get("aud") {
        None | Some(Value::String(_)) => true,
        Some(Value::Array(a)) => a.iter().all(Value::is_string),
        Some(_) => false,
    }
}

/// Whether the registered claims of `m` have their RFC 7519 types.
fn types_ok(m: &Map<String, Value>) -> bool {
    ["exp", "nbf", "iat"]
        .iter()
        .all(|c| !matches!(date(m, c), Some(Err(()))))
        && ["iss", "sub", "jti"].iter().all(|c| string_ok(m, c))
        && aud_ok(m)
}

/// The outcome of the claim checks for a well-typed claims set.
fn expected(p: &Policy, m: &Map<String, Value>) -> Result<(), ErrorKind> {
    let get = |name| date(m, name).and_then(Result::ok).map(nanos);
    let (exp, nbf, iat) = (get("exp"), get("nbf"), get("iat"));
    if exp.is_none() && !p.allow_missing_exp {
        return Err(ErrorKind::MissingClaim);
    }
    if let Some(exp) = exp {
        if p.now >= exp + p.leeway {
            return Err(ErrorKind::Expired);
        }
    }
    if let Some(nbf) = nbf {
        if p.now < nbf - p.leeway {
            return Err(ErrorKind::NotYetValid);
        }
    }
    if p.reject_future_iat {
        if let Some(iat) = iat {
            if iat > p.now {
                return Err(ErrorKind::NotYetValid);
            }
        }
    }
    if let Some(max_age) = p.max_age {
        let iat = iat.ok_or(ErrorKind::MissingClaim)?;
        if p.now - iat > max_age {
            return Err(ErrorKind::InvalidClaim);
        }
    }
    match (m.get("aud"), p.audience) {
        (None, false) => {}
        (Some(_), false) => return Err(ErrorKind::InvalidAudience),
        (None, true) => return Err(ErrorKind::MissingClaim),
        (Some(Value::String(a)), true) => {
            if a != AUD {
                return Err(ErrorKind::InvalidAudience);
            }
        }
        (Some(Value::Array(a)), true) => {
            if !a.iter().any(|x| x.as_str() == Some(AUD)) {
                return Err(ErrorKind::InvalidAudience);
            }
        }
        (Some(_), true) => return Err(ErrorKind::InvalidClaim),
    }
    Ok(())
}

/// Checks an accepted token against the policy and its claims set.
fn check_accepted(p: &Policy, t: &jwt::Jwt<Map<String, Value>>) {
    let m = t.claims();
    let r = t.registered();
    assert!(!p.refuses_hs256, "accepted an algorithm the policy refuses");
    assert_eq!(t.header().alg, "HS256");
    // The registered claims are the claims set's members.
    for (got, name) in [(r.exp, "exp"), (r.nbf, "nbf"), (r.iat, "iat")] {
        assert_eq!(got.map(Ok), date(m, name), "{name}");
    }
    for (got, name) in [(&r.iss, "iss"), (&r.sub, "sub"), (&r.jti, "jti")] {
        assert_eq!(
            got.as_deref(),
            m.get(name).map(|v| v.as_str().expect("string"))
        );
    }
    match (&r.aud, m.get("aud")) {
        (None, None) => {}
        (Some(Audience::One(a)), Some(Value::String(b))) => assert_eq!(a, b),
        (Some(Audience::Many(a)), Some(Value::Array(b))) => {
            let b: Vec<&str> = b.iter().map(|v| v.as_str().expect("string")).collect();
            assert_eq!(a, &b);
        }
        (a, b) => panic!("aud {a:?} vs {b:?}"),
    }
    assert_eq!(expected(p, m), Ok(()), "accepted against the policy: {m:?}");
}

/// `decode_at` with `key`, after checking that `decode_claims_at` and the
/// strict reference give the same outcome.
fn decode_checked(
    token: &str,
    key: &Key,
    set: &KeySet,
    v: &Validation,
    at: NumericDate,
) -> Result<jwt::Jwt<Map<String, Value>>, Error> {
    let full = jwt::decode_at::<Map<String, Value>>(token, key, v, at);
    let only = jwt::decode_claims_at::<Map<String, Value>>(token, key, v, at);
    match (&full, &only) {
        (Ok(f), Ok(o)) => assert_eq!(f.claims(), o, "claims differ"),
        (Err(f), Err(o)) => assert_eq!(f, o, "errors differ"),
        _ => panic!("decode_at {full:?} vs decode_claims_at {only:?}"),
    }
    let routed_by_kid =
        matches!(dangerous::decode_header_unverified(token), Ok(h) if h.kid.is_some());
    if !routed_by_kid {
        let strict = jwt::decode_at::<Map<String, Value>>(token, set, v, at);
        match (&full, &strict) {
            (Ok(f), Ok(s)) => {
                assert_eq!(f.header(), s.header());
                assert_eq!(f.registered(), s.registered());
                assert_eq!(f.claims(), s.claims());
            }
            (Err(f), Err(s)) => assert_eq!(f, s, "single key vs strict reference"),
            _ => panic!("single key {full:?} vs strict reference {strict:?}"),
        }
    }
    full
}

fn make_policy(flags: u8, now: i64, leeway: u64, max_age: u64) -> (Validation, Policy) {
    let mut v = Validation::new().leeway(leeway);
    if flags & 1 != 0 {
        v = v.allow_missing_exp();
    }
    if flags & 2 != 0 {
        v = v.reject_future_iat();
    }
    if flags & 4 != 0 {
        v = v.max_age(max_age);
    }
    if flags & 8 != 0 {
        v = v.audience(AUD);
    }
    v = match (flags >> 4) & 3 {
        0 => v,
        1 => v.algorithms([Algorithm::HS256]),
        2 => v.algorithms([Algorithm::HS384]),
        _ => v.algorithms([Algorithm::HS256, Algorithm::HS512]),
    };
    let policy = Policy {
        now: i128::from(now) * NANOS,
        leeway: i128::from(leeway) * NANOS,
        allow_missing_exp: flags & 1 != 0,
        reject_future_iat: flags & 2 != 0,
        max_age: (flags & 4 != 0).then(|| i128::from(max_age) * NANOS),
        audience: flags & 8 != 0,
        refuses_hs256: (flags >> 4) & 3 == 2,
    };
    (v, policy)
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Some((now, rest)) = rest.split_first_chunk::<8>() else {
        return;
    };
    let Some((leeway, rest)) = rest.split_first_chunk::<8>() else {
        return;
    };
    let Some((max_age, rest)) = rest.split_first_chunk::<8>() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let now = i64::from_le_bytes(*now);
    let leeway = u64::from_le_bytes(*leeway);
    let max_age = u64::from_le_bytes(*max_age);

    let (v, policy) = make_policy(flags, now, leeway, max_age);
    let key = Key::hmac(Algorithm::HS256, KEY).expect("32-byte key");
    let set = KeySet::new().with_key(key.clone()).expect("one key");
    let at = NumericDate::from_secs(now);
    let now_low = now as u8 as i8;

    // 1. The input as a token.
    match decode_checked(text, &key, &set, &v, at) {
        Err(e) => assert!(KINDS.contains(&e.kind()), "{e:?}"),
        Ok(t) => check_accepted(&policy, &t),
    }

    // 2. The raw input signed as a claims set, read by a claims type that
    // drops errors.
    if let Ok(token) = jws::sign(&Header::new(Algorithm::HS256), text.as_bytes(), &key) {
        let full = jwt::decode_at::<Lenient>(&token, &key, &v, at).map(jwt::Jwt::into_claims);
        let only = jwt::decode_claims_at::<Lenient>(&token, &key, &v, at);
        let strict = jwt::decode_at::<Lenient>(&token, &set, &v, at).map(jwt::Jwt::into_claims);
        assert_eq!(full, only, "lenient: decode_at vs decode_claims_at");
        assert_eq!(full, strict, "lenient: single key vs strict reference");
        if full.is_ok() {
            assert!(
                serde_json::from_str::<IgnoredAny>(text).is_ok(),
                "lenient: accepted a claims set that is not JSON: {text:?}"
            );
            assert!(
                depth(text) <= v.limits().max_json_depth,
                "lenient: too deep"
            );
        }
    }

    // 3. The input as a claims set, signed.
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let token = jwt::encode(&Header::default(), &map, &key);
    // What the token carries: the map as serde_json writes it, read back.
    let written: Map<String, Value> =
        serde_json::from_slice(&serde_json::to_vec(&map).expect("a Map serialises"))
            .expect("serde_json reads what it wrote");
    let token = match token {
        Err(e) => {
            assert!(
                !types_ok(&written),
                "encode refused well-typed claims: {e:?}"
            );
            assert_eq!(e.kind(), ErrorKind::InvalidClaim, "{e:?}");
            return;
        }
        Ok(t) => {
            assert!(
                types_ok(&written),
                "encode accepted ill-typed claims: {written:?}"
            );
            t
        }
    };
    let payload = token.split('.').nth(1).expect("three segments");
    let payload = URL_SAFE_NO_PAD.decode(payload).expect("base64url payload");
    let signed: Map<String, Value> =
        serde_json::from_slice(&payload).expect("the payload is a JSON object");
    let (v, policy, at) = match signed.get(if flags & 0x80 == 0 { "exp" } else { "nbf" }) {
        Some(d) if flags & 0x40 != 0 => {
            let d = NumericDate::from_json(d, "exp").expect("encode checked it");
            let now = d.secs().saturating_add(i64::from(now_low));
            let (v, p) = make_policy(flags, now, leeway, max_age);
            (v, p, NumericDate::from_secs(now))
        }
        _ => (v, policy, at),
    };
    let want = if policy.refuses_hs256 {
        Err(ErrorKind::AlgorithmNotAllowed)
    } else {
        expected(&policy, &signed)
    };
    let got = decode_checked(&token, &key, &set, &v, at);
    assert_eq!(
        got.as_ref().map(|_| ()).map_err(|e| e.kind()),
        want,
        "{got:?} for {signed:?}"
    );
    if let Ok(t) = got {
        check_accepted(&policy, &t);
        assert_eq!(t.claims(), &signed);
        assert_eq!(t.header().typ.as_deref(), Some("JWT"));
    }
});
