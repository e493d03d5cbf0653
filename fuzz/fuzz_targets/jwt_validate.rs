//! JWT decoding and claims validation (`jwt::decode_at`, `Validation`,
//! RFC 7519 §4.1 and §7.2) under a fixed HS256 key, with the validation
//! time, leeway and policy taken from the input, compared with a reference
//! written here: the README's order of checks on `serde_json::Value`s, with
//! the MAC recomputed and compared as bytes.
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
//! `rest` is used three times: as a token; signed as raw claims set bytes
//! (JSON or not), read as a map and by a claims type that drops every member
//! value's deserialiser error ([`Lenient`]); and, when serde_json reads it as
//! a JSON object, as claims given to `jwt::encode`.
//!
//! Invariants besides "no panic":
//! * `decode_at` gives the reference's outcome: the same error kind, or the
//!   same claims (`serde_json::from_str::<T>` of the claims set), header
//!   `alg` and registered claims; `decode_claims_at` and a one-key `KeySet`
//!   accept exactly the same tokens with the same claims;
//! * an accepted claims set is one JSON value within the nesting limit, and
//!   satisfies the policy recomputed in `i128` nanoseconds;
//! * `encode` refuses a claims set exactly when a registered claim has the
//!   wrong type (`invalid_claim`), and `decode_at` of what it signed gives
//!   exactly the outcome the policy predicts.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use timed_jws::{
    jws, jwt, Algorithm, Audience, ErrorKind, Header, Jwt, Key, KeySet, Limits, NumericDate,
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

/// A JSON object's members in order, duplicates kept; the values of names
/// not in `read` are skipped (any JSON value), the others read as `Value`s
/// (every value when `read` is `None`).
struct Members {
    read: Option<&'static [&'static str]>,
    members: Vec<(String, Option<Value>)>,
}

impl<'de> serde::de::DeserializeSeed<'de> for &mut Members {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut Members {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key::<String>()? {
            if self.read.is_none_or(|names| names.contains(&k.as_str())) {
                let v = map.next_value::<Value>()?;
                self.members.push((k, Some(v)));
            } else {
                map.next_value::<IgnoredAny>()?;
                self.members.push((k, None));
            }
        }
        Ok(())
    }
}

/// Reads `text` as one JSON object (trailing whitespace only).
fn members(
    text: &[u8],
    read: Option<&'static [&'static str]>,
) -> Option<Vec<(String, Option<Value>)>> {
    let mut m = Members {
        read,
        members: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_slice(text);
    serde::de::DeserializeSeed::deserialize(&mut m, &mut de).ok()?;
    de.end().ok()?;
    Some(m.members)
}

fn repeats_a_name(members: &[(String, Option<Value>)]) -> bool {
    let mut names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

/// Nesting depth of a JSON text (brackets outside strings).
fn depth(text: &[u8]) -> usize {
    let (mut d, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in text {
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

/// The reference's outcome: the claims set text, or the acceptable kinds.
type Outcome = Result<String, &'static [ErrorKind]>;

const REGISTERED: &[&str] = &["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];
const HEADER_STRINGS: &[&str] = &["alg", "typ", "cty", "kid", "crit"];

/// `jwt::decode_at` with one HS256 key and default limits as the README
/// specifies it, up to (not including) reading the claims type.
fn reference(token: &str, p: &Policy) -> Outcome {
    use ErrorKind::*;
    let limits = Limits::DEFAULT;
    // 1. Size, three segments, the header segment's size.
    if token.len() > limits.max_token_len {
        return Err(&[ResourceLimit]);
    }
    let parts: Vec<&str> = token.split('.').collect();
    let [h, c, s] = parts[..] else {
        return Err(&[Malformed]);
    };
    if h.len() > limits.max_header_len * 4 / 3 + 3 {
        return Err(&[ResourceLimit]);
    }
    // 2. The signature (strict base64url), compared as bytes with the
    //    recomputed MAC, before the header is read: a forged token is
    //    `invalid_signature` whatever its header says.
    let key = Key::hmac(Algorithm::HS256, KEY).expect("32-byte key");
    let input = &token[..h.len() + 1 + c.len()];
    let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| &[Malformed][..])?;
    if sig != key.sign(input.as_bytes()).expect("HMAC") {
        return Err(&[InvalidSignature]);
    }
    // 3. The header; 4. `crit` (nothing is understood).
    let (alg, crit) = header_alg_and_crit(h, &limits)?;
    if alg != "HS256" || p.refuses_hs256 {
        return Err(&[AlgorithmNotAllowed]);
    }
    if crit {
        return Err(&[InvalidHeader]);
    }
    // 5. The claims set: depth, UTF-8, one JSON object, registered claims
    //    not repeated and of their types.
    let payload = URL_SAFE_NO_PAD.decode(c).map_err(|_| &[Malformed][..])?;
    if depth(&payload) > limits.max_json_depth {
        return Err(&[ResourceLimit]);
    }
    let text = String::from_utf8(payload).map_err(|_| &[Malformed][..])?;
    if serde_json::from_str::<IgnoredAny>(&text).is_err() {
        return Err(&[Malformed]);
    }
    // A registered value that is JSON but not a `Value` (a number beyond
    // the float range, a lone surrogate escape): unusable either way, as
    // JSON the claims reader refuses or as a claim of the wrong type.
    let m = members(text.as_bytes(), Some(REGISTERED)).ok_or(&[Malformed, InvalidClaim][..])?;
    let registered: Vec<(String, Option<Value>)> =
        m.into_iter().filter(|(_, v)| v.is_some()).collect();
    if repeats_a_name(&registered) {
        return Err(&[Malformed]);
    }
    let registered: Map<String, Value> = registered
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    if !types_ok(&registered) {
        return Err(&[InvalidClaim]);
    }
    // 6. The claim checks.
    expected(p, &registered).map_err(kind_slice)?;
    Ok(text)
}

/// The JWS Protected Header's `alg` and whether it has `crit`, or the
/// header's error kind.
fn header_alg_and_crit(
    segment: &str,
    limits: &Limits,
) -> Result<(String, bool), &'static [ErrorKind]> {
    use ErrorKind::*;
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| &[Malformed][..])?;
    if bytes.len() > limits.max_header_len || depth(&bytes) > limits.max_json_depth {
        return Err(&[ResourceLimit]);
    }
    // Every member read as a `Value` (the header is parsed whole).
    let all = members(&bytes, None).ok_or(&[Malformed][..])?;
    if repeats_a_name(&all) {
        return Err(&[Malformed]);
    }
    let get = |name: &str| {
        all.iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_ref())
    };
    for name in HEADER_STRINGS.iter().filter(|n| **n != "crit") {
        if get(name).is_some_and(|v| !v.is_string()) {
            return Err(&[InvalidHeader]);
        }
    }
    let crit = match get("crit") {
        None => false,
        Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_string) => true,
        Some(_) => return Err(&[InvalidHeader]),
    };
    match get("alg") {
        Some(Value::String(alg)) => Ok((alg.clone(), crit)),
        _ => Err(&[InvalidHeader]),
    }
}

fn kind_slice(k: ErrorKind) -> &'static [ErrorKind] {
    use ErrorKind::*;
    match k {
        Expired => &[Expired],
        NotYetValid => &[NotYetValid],
        MissingClaim => &[MissingClaim],
        InvalidClaim => &[InvalidClaim],
        InvalidAudience => &[InvalidAudience],
        AlgorithmNotAllowed => &[AlgorithmNotAllowed],
        _ => &[Malformed],
    }
}

/// `decode_at` against the reference for the claims type `T`, and
/// `decode_claims_at` and a one-key `KeySet` against `decode_at`; the
/// accepted token, if any.
fn check<T: DeserializeOwned + PartialEq + std::fmt::Debug>(
    token: &str,
    v: &Validation,
    p: &Policy,
    at: NumericDate,
) -> Result<Jwt<T>, timed_jws::Error> {
    let key = Key::hmac(Algorithm::HS256, KEY).expect("32-byte key");
    let got = jwt::decode_at::<T>(token, &key, v, at);
    let want = reference(token, p).and_then(|text| {
        serde_json::from_str::<T>(&text)
            .map(|claims| (text, claims))
            .map_err(|_| &[ErrorKind::Malformed][..])
    });
    match (&got, &want) {
        (Ok(j), Ok((text, claims))) => {
            assert_eq!(j.claims(), claims, "claims");
            assert_eq!(j.header().alg, "HS256");
            assert!(
                serde_json::from_str::<IgnoredAny>(text).is_ok(),
                "not JSON: {text:?}"
            );
            assert!(
                depth(text.as_bytes()) <= v.limits().max_json_depth,
                "too deep"
            );
            // The registered members (other members may hold JSON that a
            // `Value` cannot, e.g. `1e400`, which a lenient `T` skips).
            let m: Map<String, Value> = members(text.as_bytes(), Some(REGISTERED))
                .expect("the reference read it")
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect();
            check_registered(j.registered(), &m);
            assert_eq!(
                expected(p, &m),
                Ok(()),
                "accepted against the policy: {m:?}"
            );
        }
        (Err(e), Err(kinds)) => assert!(kinds.contains(&e.kind()), "{e:?}, reference {kinds:?}"),
        _ => panic!("decode_at {got:?} vs reference {want:?} for {token:?}"),
    }
    let only = jwt::decode_claims_at::<T>(token, &key, v, at);
    let set = KeySet::new().with_key(key.clone()).expect("one key");
    let via_set = jwt::decode_at::<T>(token, &set, v, at);
    match (&got, only) {
        (Ok(j), Ok(o)) => assert_eq!(j.claims(), &o),
        (Err(e), Err(o)) => assert_eq!(e, &o, "decode_claims_at"),
        (g, o) => panic!("decode_at {g:?}, decode_claims_at {o:?}"),
    }
    match (&got, via_set) {
        // The set's one key has no `kid`: a token naming one is routed to
        // no key (unknown_key), whatever else it holds.
        (_, Err(timed_jws::Error::UnknownKey { kid: Some(_) })) => {}
        (Ok(j), Ok(s)) => {
            assert_eq!(j.claims(), s.claims());
            assert_eq!(j.registered(), s.registered());
        }
        (Err(_), Err(_)) => {}
        (g, s) => panic!("decode_at {g:?}, key set {s:?}"),
    }
    got
}

/// `Jwt::registered` holds the claims set's registered members.
fn check_registered(r: &timed_jws::RegisteredClaims, m: &Map<String, Value>) {
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
}

fn make_policy(flags: u8, now: i64, leeway: u64, max_age: u64) -> (Validation, Policy) {
    let mut v = Validation::new().with_leeway(leeway);
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
        1 => v.with_algorithms([Algorithm::HS256]),
        2 => v.with_algorithms([Algorithm::HS384]),
        _ => v.with_algorithms([Algorithm::HS256, Algorithm::HS512]),
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
    let at = NumericDate::from_secs(now);
    let now_low = now as u8 as i8;

    // 1. The input as a token.
    let _ = check::<Map<String, Value>>(text, &v, &policy, at);

    // 2. The raw input signed as a claims set, read as a map and by a
    //    claims type that drops errors.
    if let Ok(token) = jws::sign(&Header::new(Algorithm::HS256), text.as_bytes(), &key) {
        let _ = check::<Map<String, Value>>(&token, &v, &policy, at);
        let _ = check::<Lenient>(&token, &v, &policy, at);
    }

    // 3. The input as a claims set, signed by `encode`.
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
    let got = check::<Map<String, Value>>(&token, &v, &policy, at);
    assert_eq!(
        got.as_ref().map(|_| ()).map_err(|e| e.kind()),
        want,
        "{got:?} for {signed:?}"
    );
    if let Ok(t) = got {
        assert_eq!(t.claims(), &signed);
        assert_eq!(t.header().typ.as_deref(), Some("JWT"));
    }
});
