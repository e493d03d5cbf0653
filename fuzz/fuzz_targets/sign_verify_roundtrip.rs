//! Sign an arbitrary header and payload with a fixed key, verify the token,
//! and require the exact header and payload back. This exercises the code
//! behind the MAC check that byte-level fuzzing of `verify` cannot reach.
//!
//! The header is built from the input: optional `typ`, `cty`, `kid`, `alg`
//! left empty or set, up to 8 `extra` members with arbitrary names and JSON
//! values (nested at most 4 deep), and an optional `crit` naming some of
//! them. The expected outcome is computed independently:
//! * duplicate or registered `extra` names: `sign` fails with `invalid_header`;
//! * a header longer than `max_header_len` or a token longer than
//!   `max_token_len`: `resource_limit`;
//! * `crit` rules broken: `invalid_header`;
//! * otherwise verification returns the header (with `alg` filled in) and the
//!   payload exactly, floating-point members included (the crate enables
//!   serde_json's `float_roundtrip`; without it this target found members
//!   coming back 1-2 units in the last place away, see fuzz/README.md).
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Number, Value};
use timed_jws::{jws, Algorithm, ErrorKind, Header, Key, Limits};

const KEY: &[u8; 32] = b"timed-jws fuzz key, 32 bytes!!!!";
const MEMBER_NAMES: [&str; 10] = [
    "alg", "typ", "cty", "kid", "crit", "exp", "iat", "jku", "b64", "x",
];

fn name(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    // Half the time a name from a small set, so collisions with registered
    // names and duplicates actually happen.
    if u.arbitrary::<bool>()? {
        Ok((*u.choose(&MEMBER_NAMES)?).to_owned())
    } else {
        String::arbitrary(u)
    }
}

fn value(u: &mut Unstructured<'_>, depth: u32) -> arbitrary::Result<Value> {
    let max = if depth >= 4 { 5 } else { 7 };
    Ok(match u.int_in_range(0..=max)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => Value::from(u.arbitrary::<u64>()?),
        4 => Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        5 => Value::String(u.arbitrary()?),
        6 => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(value(u, depth + 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let n = u.int_in_range(0..=4)?;
            let mut m = Map::new();
            for _ in 0..n {
                m.insert(name(u)?, value(u, depth + 1)?);
            }
            Value::Object(m)
        }
    })
}

struct Case {
    header: Header,
    payload: Vec<u8>,
}

fn case(u: &mut Unstructured<'_>) -> arbitrary::Result<Case> {
    let mut header = Header::new(Algorithm::HS256);
    if u.arbitrary::<bool>()? {
        header.alg.clear();
    }
    header.typ = u.arbitrary()?;
    header.cty = u.arbitrary()?;
    header.kid = u.arbitrary()?;
    let n = u.int_in_range(0..=8)?;
    for _ in 0..n {
        let k = name(u)?;
        let v = value(u, 1)?;
        header.extra.push((k, v));
    }
    if u.arbitrary::<bool>()? {
        let mut crit = Vec::new();
        for (k, _) in &header.extra {
            if u.arbitrary::<bool>()? {
                crit.push(k.clone());
            }
        }
        if u.arbitrary::<bool>()? {
            crit.push(name(u)?);
        }
        header.crit = Some(crit);
    }
    let payload = u.bytes(u.len())?.to_vec();
    Ok(Case { header, payload })
}

/// Largest difference, in units in the last place, accepted between an
/// `f64` header member as signed and as decoded: none, since the crate
/// enables serde_json's `float_roundtrip` (without it, up to 2 ULP were
/// measured; see fuzz/README.md, finding 2).
const MAX_ULPS: u64 = 0;

/// JSON equality where two `f64` numbers of the same sign may differ by up to
/// `MAX_ULPS` units in the last place (and nothing else may differ).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => x == y || x.to_bits().abs_diff(y.to_bits()) <= MAX_ULPS,
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, a), (kb, b))| ka == kb && same_value(a, b))
        }
        _ => a == b,
    }
}

fn same_header(a: &Header, b: &Header) -> bool {
    a.alg == b.alg
        && a.typ == b.typ
        && a.cty == b.cty
        && a.kid == b.kid
        && a.crit == b.crit
        && a.extra.len() == b.extra.len()
        && a.extra
            .iter()
            .zip(&b.extra)
            .all(|((ka, a), (kb, b))| ka == kb && same_value(a, b))
}

fn has_bad_extra_names(h: &Header) -> bool {
    h.extra.iter().enumerate().any(|(i, (k, _))| {
        matches!(k.as_str(), "alg" | "typ" | "cty" | "kid" | "crit")
            || h.extra.iter().skip(i + 1).any(|(k2, _)| k2 == k)
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(Case { header, payload }) = case(&mut u) else {
        return;
    };
    let key = Key::hmac(Algorithm::HS256, KEY).expect("32-byte HS256 key");
    let limits = Limits::default();

    let token = match jws::sign(&header, &payload, &key) {
        Ok(t) => {
            assert!(!has_bad_extra_names(&header));
            t
        }
        Err(e) => {
            assert!(has_bad_extra_names(&header), "sign failed: {e:?}");
            assert_eq!(e.kind(), ErrorKind::InvalidHeader);
            return;
        }
    };
    let mut expected = header.clone();
    if expected.alg.is_empty() {
        expected.alg = "HS256".to_owned();
    }
    let json = expected
        .to_json_bytes()
        .expect("signable header serialises");

    let understood: Vec<&str> = expected.crit.iter().flatten().map(String::as_str).collect();
    let result = jws::verify_with(&token, &key, &limits, &understood);

    if token.len() > limits.max_token_len || json.len() > limits.max_header_len {
        assert_eq!(
            result.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::ResourceLimit)
        );
        return;
    }
    // An empty `crit` is refused by the decoder, whatever `understood` says.
    let crit_ok = expected.crit.as_ref().map_or(true, |c| !c.is_empty())
        && expected.check_crit(&understood).is_ok();
    if !crit_ok {
        assert_eq!(
            result.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::InvalidHeader)
        );
        return;
    }
    let verified = match result {
        Ok(v) => v,
        Err(e) => panic!("valid token rejected: {e:?}\ntoken: {token}"),
    };
    assert_eq!(verified.payload(), payload.as_slice());
    assert!(
        same_header(verified.header(), &expected),
        "{:?} != {expected:?}\ntoken: {token}",
        verified.header()
    );
    // And without `crit` understanding, a token with `crit` is refused.
    if expected.crit.is_some() {
        assert_eq!(
            jws::verify(&token, &key, &limits)
                .map(|_| ())
                .map_err(|e| e.kind()),
            Err(ErrorKind::InvalidHeader)
        );
    }
});
