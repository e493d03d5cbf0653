//! itsdangerous-compatible verification (`compat::itsdangerous`) of
//! arbitrary tokens with arbitrary secrets and salts.
//!
//! PENDING: written against the expected API (see pending/README.md); not
//! registered in fuzz/Cargo.toml until `compat::itsdangerous` lands.
//!
//! Input: `secret 0x00 salt 0x00 token` (an empty salt means "no salt",
//! the class default); the validation time is fixed at 1443104423, the
//! `now` of the itsdangerous vectors. Invariants: no panic; rejections have a
//! kind from the itsdangerous mapping in the vectors README; an accepted
//! token is a three-segment token whose header has `alg` and a numeric
//! `exp` not before `now`, and re-verifies identically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use timed_jws::compat::itsdangerous::TimedSerializer;
use timed_jws::{ErrorKind, NumericDate};

const NOW: i64 = 1_443_104_423;

const KINDS: [ErrorKind; 8] = [
    ErrorKind::Malformed,
    ErrorKind::InvalidSignature,
    ErrorKind::AlgorithmNotAllowed,
    ErrorKind::InvalidHeader,
    ErrorKind::InvalidClaim,
    ErrorKind::MissingClaim,
    ErrorKind::Expired,
    ErrorKind::ResourceLimit,
];

fuzz_target!(|data: &[u8]| {
    let mut it = data.splitn(3, |&b| b == 0);
    let (Some(secret), Some(salt), Some(token)) = (it.next(), it.next(), it.next()) else {
        return;
    };
    let Ok(token) = std::str::from_utf8(token) else {
        return;
    };
    let salt = if salt.is_empty() { None } else { Some(salt) };
    let serializer = TimedSerializer::new(secret, salt);
    let now = NumericDate::from_secs(NOW);
    match serializer.loads_at(token, now) {
        Err(e) => assert!(KINDS.contains(&e.kind()), "{e:?}"),
        Ok(loaded) => {
            assert_eq!(token.split('.').count(), 3);
            let exp = loaded
                .header()
                .get("exp")
                .expect("an accepted itsdangerous token has exp");
            let exp = NumericDate::from_json_saturating(&exp, "exp").expect("numeric exp");
            assert!(exp >= now, "accepted an expired token: {exp:?}");
            let again = serializer.loads_at(token, now).expect("deterministic");
            assert_eq!(again.payload(), loaded.payload());
        }
    }
});
