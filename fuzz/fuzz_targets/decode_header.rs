//! Arbitrary bytes through `dangerous::decode_header_unverified`, both as a
//! whole token and as the JSON of a header wrapped into a token.
//!
//! Invariants: rejections have a documented kind; an accepted header
//! re-serialises (`Header::to_json_bytes`) to JSON that parses back to the
//! same registered members and the same member names in the same order.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use timed_jws::{dangerous, ErrorKind, Header};

const KINDS: [ErrorKind; 3] = [
    ErrorKind::ResourceLimit,
    ErrorKind::Malformed,
    ErrorKind::InvalidHeader,
];

fn check(token: &str) {
    match dangerous::decode_header_unverified(token) {
        Err(e) => assert!(KINDS.contains(&e.kind()), "{e:?}"),
        Ok(h) => {
            let json = h.to_json_bytes().expect("a decoded header re-serialises");
            let back = Header::from_json_bytes(&json).expect("re-serialised header decodes");
            assert_eq!(back.alg, h.alg);
            assert_eq!(back.typ, h.typ);
            assert_eq!(back.cty, h.cty);
            assert_eq!(back.kid, h.kid);
            assert_eq!(back.crit, h.crit);
            let names = |x: &Header| x.extra.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
            assert_eq!(names(&back), names(&h));
            for (name, _) in &h.extra {
                assert!(h.get(name).is_some());
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        check(token);
    }
    // The same bytes as the decoded JWS Protected Header.
    let mut token = URL_SAFE_NO_PAD.encode(data);
    token.push_str(".e30.");
    check(&token);
});
