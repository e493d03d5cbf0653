//! Helpers shared by the attack tests on the verify fast paths
//! (`fast_path_attacks`, `depth_and_header_attacks`,
//! `single_pass_watch_attacks`): keys, tokens signed over exact bytes, the
//! three decode paths compared, and the documented payload errors. Include
//! with `#[path = "common/attack.rs"] mod attack;`.

#![allow(dead_code, clippy::unwrap_used)]

use std::fmt::Debug;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use timed_jws::{
    jwt, Algorithm, Error, Header, Jwt, Key, KeySet, Limits, NumericDate, Part, Validation,
};

/// The validation time of every attack test.
pub const NOW: NumericDate = NumericDate::from_secs(1_000);

pub const NOT_JSON: Error = Error::Malformed {
    part: Part::Payload,
    reason: "claims set is not valid JSON",
};

pub const NOT_OBJECT: Error = Error::Malformed {
    part: Part::Payload,
    reason: "claims set is not a JSON object",
};

pub const NOT_UTF8: Error = Error::Malformed {
    part: Part::Payload,
    reason: "claims set is not UTF-8",
};

pub const NOT_T: Error = Error::Malformed {
    part: Part::Payload,
    reason: "claims set does not match the requested type",
};

pub fn depth_error(max: usize) -> Error {
    Error::ResourceLimit {
        limit: "max_json_depth",
        max,
    }
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// An HMAC key of `alg` (secret of the hash output's length), with `kid`.
pub fn hs(alg: Algorithm, kid: Option<&str>) -> Key {
    let len = alg.hmac_output_len().unwrap();
    let key = Key::hmac(alg, &vec![0x5a; len]).unwrap();
    match kid {
        Some(k) => key.with_kid(k),
        None => key,
    }
}

/// A key from `tests/data/keys/<name>`.
pub fn pem_key(alg: Algorithm, name: &str) -> Key {
    let path = format!("{}/tests/data/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    Key::from_pem(alg, &std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `signing_input "." BASE64URL(signature)` with `key`'s signature over
/// exactly `signing_input`, whatever it contains.
pub fn signed(signing_input: &str, key: &Key) -> String {
    format!(
        "{signing_input}.{}",
        b64(&key.sign(signing_input.as_bytes()).unwrap())
    )
}

/// A token with this crate's `{"alg","typ":"JWT"[,"kid"]}` header (one of
/// the key's prepared headers) and exactly `payload` as claims set bytes.
pub fn token(payload: &[u8], key: &Key) -> String {
    let mut h = Header::new(key.algorithm());
    h.typ = Some("JWT".to_owned());
    h.kid = key.kid().map(str::to_owned);
    signed(
        &format!("{}.{}", b64(&h.to_json_bytes().unwrap()), b64(payload)),
        key,
    )
}

/// `exp` optional (leeway 0), nesting limit `max`.
pub fn policy(max: usize) -> Validation {
    let mut limits = Limits::default();
    limits.max_json_depth = max;
    Validation::new().allow_missing_exp().with_limits(limits)
}

/// The three decode paths on `token` (`decode_at` and `decode_claims_at`
/// with `key`, `decode_at` with a one-key `KeySet`), asserted equal; the
/// common outcome.
pub fn decode3<T: DeserializeOwned + PartialEq + Debug>(
    token: &str,
    key: &Key,
    v: &Validation,
) -> Result<T, Error> {
    let full = jwt::decode_at::<T>(token, key, v, NOW).map(Jwt::into_claims);
    let only = jwt::decode_claims_at::<T>(token, key, v, NOW);
    let set = KeySet::new().with_key(key.clone()).unwrap();
    let strict = jwt::decode_at::<T>(token, &set, v, NOW).map(Jwt::into_claims);
    assert_eq!(full, only, "decode_at vs decode_claims_at: {token}");
    assert_eq!(full, strict, "one key vs one-key KeySet: {token}");
    full
}
