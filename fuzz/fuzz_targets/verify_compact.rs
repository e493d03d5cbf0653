//! Arbitrary bytes as a compact JWS: `jws::verify` with a fixed HS256 key,
//! and `dangerous::decode_unverified`.
//!
//! Invariants checked besides "no panic":
//! * every rejection has a kind `verify` documents;
//! * a verified token also decodes unverified, to the same header and payload;
//! * whatever decodes re-encodes to the exact segments it came from (strict,
//!   canonical base64url: one accepted encoding per byte string).
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use timed_jws::{dangerous, jws, Algorithm, ErrorKind, Key, Limits};

/// The key used by `fuzz/seed.sh` to sign some seeds, so that mutations of
/// those seeds start from tokens that pass the MAC.
const KEY: &[u8; 32] = b"timed-jws fuzz key, 32 bytes!!!!";

const VERIFY_KINDS: [ErrorKind; 5] = [
    ErrorKind::ResourceLimit,
    ErrorKind::Malformed,
    ErrorKind::InvalidSignature,
    ErrorKind::InvalidHeader,
    ErrorKind::AlgorithmNotAllowed,
];

const DECODE_KINDS: [ErrorKind; 3] = [
    ErrorKind::ResourceLimit,
    ErrorKind::Malformed,
    ErrorKind::InvalidHeader,
];

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(key) = Key::hmac(Algorithm::HS256, KEY) else {
        return;
    };
    let limits = Limits::default();

    let verified = jws::verify(token, &key, &limits);
    if let Err(e) = &verified {
        assert!(VERIFY_KINDS.contains(&e.kind()), "verify: {e:?}");
    }
    let unverified = dangerous::decode_unverified(token, &limits);
    if let Err(e) = &unverified {
        assert!(DECODE_KINDS.contains(&e.kind()), "decode_unverified: {e:?}");
    }
    let header_only = dangerous::decode_header_unverified(token);

    if let Ok(v) = &verified {
        let u = unverified.as_ref().expect("verified but not decodable");
        assert_eq!(v.header(), &u.header);
        assert_eq!(v.payload(), u.payload.as_slice());
        assert_eq!(v.header().alg, "HS256");
    }
    if let Ok(u) = &unverified {
        assert_eq!(header_only.as_ref().ok(), Some(&u.header));
        let mut parts = token.split('.');
        let (h, p, s) = (parts.next(), parts.next(), parts.next());
        assert_eq!(parts.next(), None);
        assert_eq!(p, Some(URL_SAFE_NO_PAD.encode(&u.payload).as_str()));
        let h = h.expect("three segments");
        let s = s.expect("three segments");
        let header_bytes = URL_SAFE_NO_PAD.decode(h).expect("header decoded once");
        assert_eq!(URL_SAFE_NO_PAD.encode(&header_bytes), h);
        let sig = URL_SAFE_NO_PAD.decode(s).expect("signature decoded once");
        assert_eq!(URL_SAFE_NO_PAD.encode(&sig), s);
    }
});
