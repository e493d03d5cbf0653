//! itsdangerous-compatible tokens (`compat::itsdangerous`): `loads` of
//! arbitrary tokens, and a `dumps_json_at` -> `loads_at` round trip of the
//! input read as JSON text (so mutations get past the MAC).
//!
//! Input: `ctl`, 8 bytes little-endian `now` (seconds), then
//! `secret 0x00 salt 0x00 rest`; `rest` is the token and also the JSON text.
//! `ctl` bits: 0 version (0: 1.x, 1: 0.24); 1-2 algorithm (HS256, HS384,
//! HS512, `none`); 3 salt set even when empty (otherwise an empty salt field
//! means no salt); 4 the untimed serializer for the arbitrary token; 5-7 the
//! `expires_in` of the round trip (3600, 0, -1, 0.5, -0.5, i64::MAX, 1e19,
//! -3600).
//!
//! Invariants besides "no panic":
//! * every rejection has a kind from the documented set, and its
//!   itsdangerous class is one the module documentation pairs with that kind
//!   (README "Differences from itsdangerous", `src/compat/itsdangerous.rs`);
//!   authenticated payloads are carried exactly when documented, and equal
//!   the unverified reading of the token;
//! * an accepted token has the configured `alg` and, for the timed
//!   serializer, a numeric header `exp` not before `now`; `loads` twice
//!   gives the same result, and `loads_with_header_at` the same payload;
//! * round trip: when serde_json reads `rest` as JSON, the token made by
//!   `dumps_json_at` loads back (at the same `now`) to an equal value, or is
//!   rejected exactly as the `exp` rules say (expired, unusable `exp`);
//!   floats may move by a few ULP when serde_json's own reading is off
//!   (fuzz/README.md, finding 2), and `-0` is Python's integer `0`;
//!   `dumps_json_at` refuses (`malformed`) exactly the texts with a repeated
//!   member name or nested deeper than 64.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use timed_jws::compat::itsdangerous::{
    BadDataClass, ItsDangerousVersion, JsonWebSignatureSerializer, LoadError, SerializerBuilder,
    TimedJsonWebSignatureSerializer,
};
use timed_jws::{Algorithm, ErrorKind, NumericDate};

/// Default `Limits::max_json_depth`.
const MAX_DEPTH: usize = 64;

/// Whether the documentation pairs `kind` with `class` (for `version`).
fn class_allowed(kind: ErrorKind, class: BadDataClass, version: ItsDangerousVersion) -> bool {
    use BadDataClass::{BadHeader, BadPayload, BadSignature, SignatureExpired};
    use ErrorKind as K;
    match kind {
        // No `.` / signature base64: BadSignature; header/payload base64 or
        // JSON: BadHeader / BadPayload.
        K::Malformed => matches!(class, BadSignature | BadHeader | BadPayload),
        K::InvalidSignature => class == BadSignature,
        // Token length: BadSignature; header length: BadHeader; JSON depth:
        // BadHeader or BadPayload.
        K::ResourceLimit => matches!(class, BadSignature | BadHeader | BadPayload),
        K::AlgorithmNotAllowed => class == BadHeader,
        // Duplicate header members.
        K::InvalidHeader => class == BadHeader,
        // Missing `exp`.
        K::MissingClaim => class == BadSignature,
        // A header number beyond f64: BadHeader; unusable `exp`: BadHeader in
        // 1.x, BadSignature in 0.24.
        K::InvalidClaim => {
            class == BadHeader || (class == BadSignature && version == ItsDangerousVersion::V0_24)
        }
        K::Expired => class == SignatureExpired,
        _ => false,
    }
}

fn check_error(
    e: &LoadError,
    version: ItsDangerousVersion,
    timed: bool,
    unverified: Option<&Value>,
) {
    let kind = e.kind();
    let class = e.itsdangerous_class();
    assert!(
        class_allowed(kind, class, version),
        "{kind:?} as {class:?}: {e:?}"
    );
    if !timed {
        assert!(
            !matches!(kind, ErrorKind::Expired | ErrorKind::MissingClaim),
            "untimed serializer checked exp: {e:?}"
        );
    }
    match kind {
        // Authenticated, so carried.
        ErrorKind::Expired | ErrorKind::MissingClaim | ErrorKind::AlgorithmNotAllowed => {
            let p = e.payload().expect("authenticated payload carried");
            assert_eq!(
                Some(p),
                unverified,
                "carried payload differs from the token's"
            );
        }
        // Never anything unauthenticated, nor a payload that did not parse.
        ErrorKind::Malformed
        | ErrorKind::InvalidSignature
        | ErrorKind::ResourceLimit
        | ErrorKind::InvalidHeader => assert_eq!(e.payload(), None, "{e:?}"),
        _ => {
            if let Some(p) = e.payload() {
                assert_eq!(
                    Some(p),
                    unverified,
                    "carried payload differs from the token's"
                );
            }
        }
    }
}

fn configure<S>(b: SerializerBuilder<S>, ctl: u8, salt: &[u8]) -> SerializerBuilder<S> {
    let version = if ctl & 1 == 0 {
        ItsDangerousVersion::V1
    } else {
        ItsDangerousVersion::V0_24
    };
    let b = b.version(version);
    let b = match (ctl >> 1) & 3 {
        0 => b.algorithm(Algorithm::HS256),
        1 => b.algorithm(Algorithm::HS384),
        2 => b.algorithm(Algorithm::HS512),
        _ => b.algorithm_none_insecure(),
    };
    if ctl & 8 != 0 || !salt.is_empty() {
        b.salt(salt)
    } else {
        b
    }
}

/// `(expires_in as passed, exp as itsdangerous computes it)`.
enum Expiry {
    Secs(i64),
    Float(f64),
}

fn expiry(ctl: u8) -> Expiry {
    match ctl >> 5 {
        0 => Expiry::Secs(3600),
        1 => Expiry::Secs(0),
        2 => Expiry::Secs(-1),
        3 => Expiry::Float(0.5),
        4 => Expiry::Float(-0.5),
        5 => Expiry::Secs(i64::MAX),
        6 => Expiry::Float(1e19),
        _ => Expiry::Secs(-3600),
    }
}

/// Whether JSON text repeats a member name in some object: `dumps_json`
/// refuses it (strict JSON, documented on `pyjson::rewrite`), where Python's
/// `json.loads` keeps the last value.
struct HasDuplicate(bool);

impl<'de> serde::Deserialize<'de> for HasDuplicate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = HasDuplicate;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<HasDuplicate, E> {
                Ok(HasDuplicate(false))
            }
            fn visit_i64<E>(self, _: i64) -> Result<HasDuplicate, E> {
                Ok(HasDuplicate(false))
            }
            fn visit_u64<E>(self, _: u64) -> Result<HasDuplicate, E> {
                Ok(HasDuplicate(false))
            }
            fn visit_f64<E>(self, _: f64) -> Result<HasDuplicate, E> {
                Ok(HasDuplicate(false))
            }
            fn visit_str<E>(self, _: &str) -> Result<HasDuplicate, E> {
                Ok(HasDuplicate(false))
            }
            fn visit_unit<E>(self) -> Result<HasDuplicate, E> {
                Ok(HasDuplicate(false))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<HasDuplicate, A::Error> {
                let mut dup = false;
                while let Some(HasDuplicate(d)) = seq.next_element()? {
                    dup |= d;
                }
                Ok(HasDuplicate(dup))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<HasDuplicate, A::Error> {
                let mut dup = false;
                let mut names = std::collections::HashSet::new();
                while let Some((k, HasDuplicate(d))) = map.next_entry::<String, HasDuplicate>()? {
                    dup |= d || !names.insert(k);
                }
                Ok(HasDuplicate(dup))
            }
        }
        d.deserialize_any(V)
    }
}

/// Nesting depth of arrays and objects (a scalar is 0).
fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn ulps(a: f64, b: f64) -> u64 {
    let key = |x: f64| {
        let bits = x.to_bits() as i64;
        if bits < 0 {
            i64::MIN - bits
        } else {
            bits
        }
    };
    key(a).abs_diff(key(b))
}

/// `loaded` (what loads returned) equals `want` (serde_json's reading).
fn same(loaded: &Value, want: &Value) -> bool {
    match (loaded, want) {
        (Value::Number(a), Value::Number(b)) => {
            if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
                return x == y;
            }
            if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
                return x == y;
            }
            if a.is_f64() != b.is_f64() {
                // `-0` is an integer for Python (and so for the text we sign);
                // serde_json reads it as the float -0.0.
                return b.as_f64() == Some(-0.0) && a.as_u64() == Some(0);
            }
            match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x == y || ulps(x, y) <= 4,
                _ => false,
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => loaded == want,
    }
}

/// The outcome of loading a token made at `now` with `expiry`:
/// `Ok(())` or the expected (class, kind).
fn expected_exp(
    version: ItsDangerousVersion,
    now: i64,
    expiry: &Expiry,
) -> Option<Result<(), (BadDataClass, ErrorKind)>> {
    let not_int_date = match version {
        ItsDangerousVersion::V1 => BadDataClass::BadHeader,
        _ => BadDataClass::BadSignature,
    };
    let bad = Err((not_int_date, ErrorKind::InvalidClaim));
    let expired = Err((BadDataClass::SignatureExpired, ErrorKind::Expired));
    Some(match *expiry {
        // `None`: dumps itself fails (exp overflows).
        Expiry::Secs(d) => {
            let exp = now.checked_add(d)?;
            match version {
                ItsDangerousVersion::V1 if exp < 0 => bad,
                ItsDangerousVersion::V0_24 if exp <= 0 => bad,
                _ if exp < now => expired,
                _ => Ok(()),
            }
        }
        Expiry::Float(d) => {
            let exp = now as f64 + d;
            match version {
                ItsDangerousVersion::V1 => {
                    // int(exp): truncation (saturating beyond i64).
                    let t = exp as i64;
                    if t < 0 {
                        bad
                    } else if t < now {
                        expired
                    } else {
                        Ok(())
                    }
                }
                _ => {
                    let floor = exp.floor();
                    let before_now = if floor >= 9_223_372_036_854_775_808.0 {
                        false
                    } else if floor < -9_223_372_036_854_775_808.0 {
                        true
                    } else {
                        (floor as i64) < now
                    };
                    if exp <= 0.0 {
                        bad
                    } else if before_now {
                        expired
                    } else {
                        Ok(())
                    }
                }
            }
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    let Some((now, rest)) = rest.split_first_chunk::<8>() else {
        return;
    };
    let now = i64::from_le_bytes(*now);
    let mut it = rest.splitn(3, |&b| b == 0);
    let (Some(secret), Some(salt), Some(rest)) = (it.next(), it.next(), it.next()) else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let version = if ctl & 1 == 0 {
        ItsDangerousVersion::V1
    } else {
        ItsDangerousVersion::V0_24
    };
    let alg_name = ["HS256", "HS384", "HS512", "none"][usize::from((ctl >> 1) & 3)];
    let expiry = expiry(ctl);
    let builder = configure(TimedJsonWebSignatureSerializer::builder(secret), ctl, salt);
    let builder = match expiry {
        Expiry::Secs(d) => builder.expires_in(d),
        Expiry::Float(d) => builder.expires_in(d),
    };
    let timed = builder
        .build()
        .expect("no header fields, finite expires_in");

    // 1. The input as a token.
    if ctl & 16 == 0 {
        let first = timed.loads_at(text, now);
        assert_eq!(
            first,
            timed.loads_at(text, now),
            "loads is not deterministic"
        );
        let with_header = timed.loads_with_header_at(text, now);
        let unverified = timed.loads_unverified_at(text, now);
        match &first {
            Err(e) => {
                assert_eq!(with_header.as_ref().err(), Some(e));
                let u = match &unverified {
                    Ok((ok, p)) => {
                        assert!(!ok);
                        Some(p)
                    }
                    Err(_) => None,
                };
                check_error(e, version, true, u);
            }
            Ok(payload) => {
                let (p, header) = with_header.expect("loads accepted it");
                assert_eq!(&p, payload);
                assert_eq!(unverified, Ok((true, payload.clone())));
                assert_eq!(header.get("alg"), Some(&Value::from(alg_name)));
                let exp = header.get("exp").expect("accepted without exp");
                assert!(exp.is_number(), "exp {exp}");
                let exp = NumericDate::from_json_saturating(exp, "exp").expect("numeric exp");
                assert!(
                    exp >= NumericDate::from_secs(now),
                    "expired: {exp:?} at {now}"
                );
                if alg_name == "none" {
                    assert!(text.ends_with('.'), "none with a signature");
                }
            }
        }
    } else {
        let s = configure(JsonWebSignatureSerializer::builder(secret), ctl, salt)
            .build()
            .expect("no header fields");
        let first = s.loads(text);
        assert_eq!(first, s.loads(text), "loads is not deterministic");
        match &first {
            Err(e) => {
                let u = s.loads_unverified(text).ok().map(|(_, p)| p);
                check_error(e, version, false, u.as_ref());
            }
            Ok(payload) => {
                let (p, header) = s.loads_with_header(text).expect("loads accepted it");
                assert_eq!(&p, payload);
                assert_eq!(header.get("alg"), Some(&Value::from(alg_name)));
            }
        }
    }

    // 2. The input as JSON text: dumps then loads.
    let Ok(want) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let token = timed.dumps_json_at(text, now);
    let dup = serde_json::from_str::<HasDuplicate>(text).is_ok_and(|d| d.0);
    if dup || depth(&want) > MAX_DEPTH {
        let e = token.expect_err("dumps_json accepted duplicate names or too deep JSON");
        assert_eq!(e.kind(), ErrorKind::Malformed, "{e:?}");
        return;
    }
    let Some(expect) = expected_exp(version, now, &expiry) else {
        let e = token.expect_err("dumps_json_at accepted an exp that overflows");
        assert_eq!(e.kind(), ErrorKind::InvalidClaim, "{e:?}");
        return;
    };
    let token = match token {
        Ok(t) => t,
        Err(e) => panic!("dumps_json_at refused JSON serde_json reads: {e:?}"),
    };
    match (timed.loads_at(&token, now), expect) {
        (Ok(got), Ok(())) => {
            assert!(same(&got, &want), "round trip: {got} != {want}");
        }
        (Err(e), Err((class, kind))) => {
            assert_eq!((e.itsdangerous_class(), e.kind()), (class, kind), "{e:?}");
            let got = e.payload().expect("authenticated payload carried");
            assert!(same(got, &want), "round trip: {got} != {want}");
        }
        (got, expect) => panic!("round trip at {now}: got {got:?}, expected {expect:?}"),
    }
});
