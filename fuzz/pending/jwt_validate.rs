//! JWT claims validation (RFC 7519 §4.1) of arbitrary tokens under a fixed
//! HS256 key, at a validation time taken from the input.
//!
//! PENDING: written against the expected API (see pending/README.md); not
//! registered in fuzz/Cargo.toml until the `jwt` module lands.
//!
//! Input: 8 bytes little-endian `now` (seconds), then the token. Seeds
//! (`fuzz/seed.sh`) re-sign the fault-case tokens with the fuzz key so the
//! fuzzer starts behind a valid MAC. Invariants: no panic; rejections have a
//! documented kind; accepted claims are a JSON object whose `exp` (if any)
//! is after `now` and whose `nbf` (if any) is not after `now` (leeway 0).
#![no_main]

use libfuzzer_sys::fuzz_target;
use timed_jws::jwt::{self, Validation};
use timed_jws::{Algorithm, ErrorKind, Key, NumericDate};

const KEY: &[u8; 32] = b"timed-jws fuzz key, 32 bytes!!!!";

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

fuzz_target!(|data: &[u8]| {
    let Some((now, token)) = data.split_first_chunk::<8>() else {
        return;
    };
    let Ok(token) = std::str::from_utf8(token) else {
        return;
    };
    let now = NumericDate::from_secs(i64::from_le_bytes(*now));
    let key = Key::hmac(Algorithm::HS256, KEY).expect("32-byte key");
    let validation = Validation::new(Algorithm::HS256).at(now).leeway(0);
    match jwt::decode(token, &key, &validation) {
        Err(e) => assert!(KINDS.contains(&e.kind()), "{e:?}"),
        Ok(data) => {
            let claims = data.claims();
            let obj = claims.as_object().expect("claims are a JSON object");
            if let Some(exp) = obj.get("exp") {
                let exp = NumericDate::from_json(exp, "exp").expect("validated exp");
                assert!(now < exp, "accepted expired: {exp:?} at {now:?}");
            }
            if let Some(nbf) = obj.get("nbf") {
                let nbf = NumericDate::from_json(nbf, "nbf").expect("validated nbf");
                assert!(nbf <= now, "accepted before nbf: {nbf:?} at {now:?}");
            }
        }
    }
});
