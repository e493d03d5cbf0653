//! Adversarial inputs against the compact JWS layer (`jws::verify`,
//! `dangerous`, `Header`, `Limits`, `NumericDate`): tampering, hostile JSON,
//! encodings, sizes and nesting, and regressions found by fuzzing
//! (`fuzz/README.md`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/tamper.rs"]
mod tamper;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use timed_jws::{
    dangerous, jws, Algorithm, Error, ErrorKind, Header, Key, Limit, Limits, NumericDate, Part,
};

const SECRET: &[u8; 32] = b"adversarial-test-secret-32-bytes";

fn key() -> Key {
    Key::hmac(Algorithm::HS256, SECRET).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A token with exactly these header and payload bytes and a correct HS256
/// MAC, computed here independently of the crate (ring directly).
fn mac_token(header: &[u8], payload: &[u8]) -> String {
    let signing_input = format!("{}.{}", b64(header), b64(payload));
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET);
    let tag = ring::hmac::sign(&k, signing_input.as_bytes());
    format!("{signing_input}.{}", b64(tag.as_ref()))
}

fn verify_kind(token: &str) -> Result<(), ErrorKind> {
    jws::verify(token, &key(), &Limits::default())
        .map(|_| ())
        .map_err(|e| e.kind())
}

fn is_strict_b64url(s: &str) -> bool {
    URL_SAFE_NO_PAD
        .decode(s)
        .is_ok_and(|b| URL_SAFE_NO_PAD.encode(b) == s)
}

/// The kind `jws::verify` must give a tampered token, from the documented
/// order of checks: segment count, then the signature segment's base64url,
/// then the MAC over the JWS Signing Input, before any header or payload is
/// read: a broken header or payload, or a header naming another `alg`,
/// under a wrong MAC is `invalid_signature`.
fn expected_kind(mutant: &str) -> ErrorKind {
    let segs: Vec<&str> = mutant.split('.').collect();
    if segs.len() != 3 || !is_strict_b64url(segs[2]) {
        return ErrorKind::Malformed;
    }
    ErrorKind::InvalidSignature
}

fn assert_all_mutants_rejected(token: &str) -> usize {
    assert_eq!(verify_kind(token), Ok(()), "the original must verify");
    let mutants = tamper::mutants(token);
    for (m, what) in &mutants {
        let got = verify_kind(m);
        let want = expected_kind(m);
        assert!(
            [ErrorKind::Malformed, ErrorKind::InvalidSignature].contains(&want),
            "{what}"
        );
        assert_eq!(
            got,
            Err(want),
            "mutant not rejected as expected: {what}: {m:?}"
        );
    }
    mutants.len()
}

// ---------------------------------------------------------------- tampering

#[test]
fn tamper_every_mutant_of_a_signed_token_is_rejected() {
    let mut header = Header::new(Algorithm::HS256);
    header.typ = Some("JWT".into());
    header.kid = Some("k1".into());
    let token = jws::sign(&header, br#"{"sub":"alice","exp":1700000000}"#, &key()).unwrap();
    let n = assert_all_mutants_rejected(&token);
    let segs: Vec<&str> = token.split('.').collect();
    let flips: usize = segs.iter().map(|s| s.len()).sum();
    // flips + 7 appended characters and 1 emptying per segment + 9 orders
    // + every proper prefix + 3 duplications + 4 framing mutants, less one:
    // the emptied signature is also the prefix ending at the second dot.
    assert_eq!(n, flips + 3 * 8 + 9 + token.len() + 3 + 4 - 1);
}

#[test]
fn tamper_short_segments() {
    // Empty payload: the payload segment is empty, so truncations and
    // emptying collapse onto each other.
    let token = jws::sign(&Header::new(Algorithm::HS256), b"", &key()).unwrap();
    assert_eq!(token.split('.').nth(1), Some(""));
    assert!(assert_all_mutants_rejected(&token) > token.len());
    // A one-byte payload whose segment has non-zero trailing bits.
    let token = jws::sign(&Header::new(Algorithm::HS256), b"\xff", &key()).unwrap();
    assert_eq!(token.split('.').nth(1), Some("_w"));
    assert!(assert_all_mutants_rejected(&token) > token.len());
}

#[test]
fn tamper_non_canonical_trailing_bits_are_malformed_not_a_second_encoding() {
    // "_w" and "_x" decode to the same byte under lenient decoders; the
    // strict decoder accepts only the canonical one.
    let token = jws::sign(&Header::new(Algorithm::HS256), b"\xff", &key()).unwrap();
    let sig = token.rsplit('.').next().unwrap();
    let last = sig.as_bytes()[sig.len() - 1];
    // A 32-byte MAC is 43 characters: the last carries 2 unused bits.
    assert_eq!(sig.len(), 43);
    let mut alt = sig.as_bytes().to_vec();
    alt[sig.len() - 1] =
        tamper::B64URL[tamper::B64URL.iter().position(|&c| c == last).unwrap() ^ 1];
    let alt_token = format!(
        "{}.{}",
        token.rsplit_once('.').unwrap().0,
        String::from_utf8(alt).unwrap()
    );
    assert_eq!(verify_kind(&alt_token), Err(ErrorKind::Malformed));
}

#[test]
fn alg_none_and_alg_confusion() {
    // An unsigned `none` token: the empty signature fails the MAC, which is
    // checked before the header is read.
    let none = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(b"{}"));
    assert_eq!(verify_kind(&none), Err(ErrorKind::InvalidSignature));
    // Correctly MACed under our key but naming another algorithm.
    for alg in ["none", "HS384", "hs256", "HS256 ", "RS256", ""] {
        let h = format!(r#"{{"alg":"{alg}"}}"#);
        let t = mac_token(h.as_bytes(), b"{}");
        assert_eq!(
            jws::verify(&t, &key(), &Limits::default()).unwrap_err(),
            Error::AlgorithmNotAllowed { alg: alg.into() },
            "{alg:?}"
        );
    }
}

// ---------------------------------------------------------------- hostile JSON

fn header_err(header: &[u8]) -> Error {
    jws::verify(&mac_token(header, b"{}"), &key(), &Limits::default()).unwrap_err()
}

fn assert_malformed_header(header: &[u8]) {
    match header_err(header) {
        Error::Malformed {
            part: Part::Header, ..
        } => {}
        e => panic!("{:?}: {e:?}", String::from_utf8_lossy(header)),
    }
    // The unverified reader agrees.
    let t = mac_token(header, b"{}");
    assert!(matches!(
        dangerous::decode_header_unverified(&t),
        Err(Error::Malformed {
            part: Part::Header,
            ..
        })
    ));
}

#[test]
fn duplicate_header_members_are_malformed() {
    for h in [
        &br#"{"alg":"HS256","alg":"HS256"}"#[..],
        br#"{"alg":"HS256","alg":"none"}"#,
        br#"{"alg":"HS256","kid":"a","kid":"b"}"#,
        br#"{"alg":"HS256","x":1,"x":1}"#,
        br#"{"alg":"HS256","crit":["x"],"x":1,"crit":["x"]}"#,
        // The same name spelled with an escape is the same member.
        br#"{"alg":"HS256","\u0061lg":"HS256"}"#,
        br#"{"alg":"HS256","x":1,"\u0078":2}"#,
    ] {
        assert_eq!(
            header_err(h),
            Error::Malformed {
                part: Part::Header,
                reason: "duplicate header member"
            },
            "{}",
            String::from_utf8_lossy(h)
        );
    }
}

#[test]
fn nan_and_infinity_literals_are_malformed() {
    for h in [
        &br#"{"alg":"HS256","x":NaN}"#[..],
        br#"{"alg":"HS256","x":Infinity}"#,
        br#"{"alg":"HS256","x":-Infinity}"#,
        br#"{"alg":"HS256","x":nan}"#,
        // Out of f64 range: serde_json refuses rather than reading infinity.
        br#"{"alg":"HS256","x":1e400}"#,
        br#"{"alg":"HS256","x":-1e400}"#,
    ] {
        assert_malformed_header(h);
    }
}

#[test]
fn lone_surrogate_escapes() {
    // serde_json refuses an escape that encodes half of a UTF-16 surrogate
    // pair when producing a Rust `String` (which must be valid UTF-8), in
    // values and in member names alike; a complete pair is one character.
    for h in [
        &br#"{"alg":"HS256","kid":"\ud800"}"#[..],
        br#"{"alg":"HS256","kid":"\udc00"}"#,
        br#"{"alg":"HS256","kid":"\ud800x"}"#,
        br#"{"alg":"HS256","kid":"\ud800\u0041"}"#,
        br#"{"alg":"HS256","kid":"\udc00\ud800"}"#,
        br#"{"alg":"HS256","\ud800":1}"#,
        br#"{"alg":"HS256","x":["\ud800"]}"#,
    ] {
        assert_malformed_header(h);
    }
    let t = mac_token(br#"{"alg":"HS256","kid":"\ud83d\ude00"}"#, b"{}");
    let v = jws::verify(&t, &key(), &Limits::default()).unwrap();
    assert_eq!(v.header().kid.as_deref(), Some("\u{1F600}"));
}

#[test]
fn overlong_and_invalid_utf8() {
    // 0xC0 0xAF is an overlong encoding of '/'; 0xED 0xA0 0x80 a surrogate
    // encoded directly; 0xFF never occurs in UTF-8.
    for bad in [&b"\xc0\xaf"[..], b"\xed\xa0\x80", b"\xff", b"\xe2\x82"] {
        let mut h = br#"{"alg":"HS256","kid":""#.to_vec();
        h.extend_from_slice(bad);
        h.extend_from_slice(br#""}"#);
        assert_malformed_header(&h);
        // In a member name too.
        let mut h = br#"{"alg":"HS256",""#.to_vec();
        h.extend_from_slice(bad);
        h.extend_from_slice(br#"":1}"#);
        assert_malformed_header(&h);
    }
    // The JWS Payload is arbitrary octets (RFC 7515 §2): `jws::verify`
    // returns them unparsed and unchanged; a JSON reader of the payload
    // (the JWT claims layer) must refuse them.
    let payload = b"{\"sub\":\"\xc0\xaf\"}";
    let t = mac_token(br#"{"alg":"HS256"}"#, payload);
    let v = jws::verify(&t, &key(), &Limits::default()).unwrap();
    assert_eq!(v.payload(), payload);
    assert!(serde_json::from_slice::<Value>(v.payload())
        .unwrap_err()
        .is_syntax());
}

#[test]
fn header_must_be_one_json_object() {
    for h in [
        &b""[..],
        b"null",
        b"[]",
        br#""alg""#,
        br#"{"alg":"HS256"} {}"#,
        br#"{"alg":"HS256"},"#,
        b"\xef\xbb\xbf{\"alg\":\"HS256\"}", // byte order mark
        br#"{"alg":"HS256",}"#,
        br#"{'alg':'HS256'}"#,
        br#"{"alg":"HS256"/*c*/}"#,
    ] {
        assert_malformed_header(h);
    }
    // Whitespace around the object is JSON and accepted (RFC 7515 A.1 has
    // CR LF inside its header); the MAC covers the bytes as sent.
    let t = mac_token(b" {\"alg\":\"HS256\"}\r\n", b"{}");
    assert_eq!(verify_kind(&t), Ok(()));
}

// ---------------------------------------------------------------- sizes and nesting

#[test]
fn one_megabyte_payload() {
    let payload = vec![b'a'; 1024 * 1024];
    let token = jws::sign(&Header::new(Algorithm::HS256), &payload, &key()).unwrap();
    assert_eq!(
        jws::verify(&token, &key(), &Limits::default()).unwrap_err(),
        Error::ResourceLimit {
            limit: Limit::MaxTokenLen,
            max: 256 * 1024
        }
    );
    assert_eq!(
        dangerous::decode_unverified(&token, &Limits::default()).unwrap_err(),
        Error::ResourceLimit {
            limit: Limit::MaxTokenLen,
            max: 256 * 1024
        }
    );
    assert_eq!(
        dangerous::decode_header_unverified(&token).unwrap_err(),
        Error::ResourceLimit {
            limit: Limit::MaxTokenLen,
            max: 256 * 1024
        }
    );
    let mut limits = Limits::default();
    limits.max_token_len = 2 * 1024 * 1024;
    let v = jws::verify(&token, &key(), &limits).unwrap();
    assert_eq!(v.payload(), payload.as_slice());
}

fn nested_header(depth: usize) -> Vec<u8> {
    // The header object itself is one level.
    let inner = depth - 1;
    format!(
        r#"{{"alg":"HS256","x":{}{}}}"#,
        "[".repeat(inner),
        "]".repeat(inner)
    )
    .into_bytes()
}

#[test]
fn deep_nesting_is_a_resource_limit() {
    let limits = Limits::default();
    assert_eq!(limits.max_json_depth, 64);
    let ok = mac_token(&nested_header(64), b"{}");
    assert_eq!(verify_kind(&ok), Ok(()));
    for depth in [65, 1000, 100_000] {
        let t = mac_token(&nested_header(depth), b"{}");
        if t.len() > limits.max_token_len {
            continue;
        }
        let e = jws::verify(&t, &key(), &limits).unwrap_err();
        if depth == 65 {
            assert_eq!(
                e,
                Error::ResourceLimit {
                    limit: Limit::MaxJsonDepth,
                    max: 64
                }
            );
        } else {
            // Deeper headers are also longer than max_header_len.
            assert_eq!(e.kind(), ErrorKind::ResourceLimit);
        }
    }
    // Objects count like arrays; brackets inside strings (with escaped
    // quotes and backslashes) do not count.
    let mut h = String::from(r#"{"alg":"HS256","s":"\\\"[[[[[[[[[[","x":"#);
    h.push_str(&r#"{"a":"#.repeat(63));
    h.push('1');
    h.push_str(&"}".repeat(63));
    h.push('}');
    assert_eq!(verify_kind(&mac_token(h.as_bytes(), b"{}")), Ok(()));
    let h65 = h
        .replacen(r#""x":"#, r#""x":{"a":"#, 1)
        .replacen('1', "1}", 1);
    assert_eq!(
        verify_kind(&mac_token(h65.as_bytes(), b"{}")),
        Err(ErrorKind::ResourceLimit)
    );
}

#[test]
fn raised_depth_limit_is_still_bounded_by_serde_json() {
    // With max_json_depth raised, serde_json's own recursion limit (128)
    // still stops the parser: the header is then malformed, never a stack
    // overflow.
    let mut limits = Limits::default();
    limits.max_json_depth = 10_000;
    let t = mac_token(&nested_header(1000), b"{}");
    assert!(matches!(
        jws::verify(&t, &key(), &limits).unwrap_err(),
        Error::Malformed {
            part: Part::Header,
            ..
        }
    ));
}

#[test]
fn payload_nesting_is_not_parsed_by_the_jws_layer() {
    // `jws::verify` returns the payload unparsed, so deep nesting there is
    // the claims layer's concern (its depth check runs before it parses).
    let payload = "[".repeat(100_000);
    let t = mac_token(br#"{"alg":"HS256"}"#, payload.as_bytes());
    let v = jws::verify(&t, &key(), &Limits::default()).unwrap();
    assert_eq!(v.payload(), payload.as_bytes());
}

fn token_with_header_len(n: usize) -> String {
    let base = br#"{"alg":"HS256","p":""}"#;
    let mut h = base[..base.len() - 2].to_vec();
    h.extend(std::iter::repeat(b'x').take(n - base.len()));
    h.extend_from_slice(br#""}"#);
    assert_eq!(h.len(), n);
    mac_token(&h, b"{}")
}

#[test]
fn limit_max_token_len_exact_and_one_over() {
    let token = jws::sign(&Header::new(Algorithm::HS256), b"{}", &key()).unwrap();
    let mut limits = Limits::default();
    limits.max_token_len = token.len();
    assert_eq!(
        jws::verify(&token, &key(), &limits).unwrap().payload(),
        b"{}"
    );
    assert_eq!(
        dangerous::decode_unverified(&token, &limits)
            .unwrap()
            .payload,
        b"{}"
    );
    limits.max_token_len = token.len() - 1;
    let want = Error::ResourceLimit {
        limit: Limit::MaxTokenLen,
        max: token.len() - 1,
    };
    assert_eq!(jws::verify(&token, &key(), &limits).unwrap_err(), want);
    assert_eq!(
        dangerous::decode_unverified(&token, &limits).unwrap_err(),
        want
    );
    // The size check comes first: even garbage of that size is refused as too long.
    let garbage = "!".repeat(token.len());
    assert_eq!(jws::verify(&garbage, &key(), &limits).unwrap_err(), want);
}

#[test]
fn limit_max_header_len_exact_and_one_over() {
    for n in [100, 101, 102, 8192] {
        let t = token_with_header_len(n);
        let mut limits = Limits::default();
        limits.max_header_len = n;
        assert_eq!(jws::verify(&t, &key(), &limits).map(|_| ()), Ok(()), "{n}");
        let u = dangerous::decode_unverified(&t, &limits).unwrap();
        assert_eq!(
            (u.header.alg.as_str(), u.payload.as_slice()),
            ("HS256", &b"{}"[..])
        );
        limits.max_header_len = n - 1;
        let want = Error::ResourceLimit {
            limit: Limit::MaxHeaderLen,
            max: n - 1,
        };
        assert_eq!(jws::verify(&t, &key(), &limits).unwrap_err(), want, "{n}");
        assert_eq!(dangerous::decode_unverified(&t, &limits).unwrap_err(), want);
    }
    // The default: 8192 bytes pass, 8193 do not.
    assert_eq!(verify_kind(&token_with_header_len(8192)), Ok(()));
    assert_eq!(
        jws::verify(&token_with_header_len(8193), &key(), &Limits::default()).unwrap_err(),
        Error::ResourceLimit {
            limit: Limit::MaxHeaderLen,
            max: 8192
        }
    );
    assert_eq!(
        dangerous::decode_header_unverified(&token_with_header_len(8193)).unwrap_err(),
        Error::ResourceLimit {
            limit: Limit::MaxHeaderLen,
            max: 8192
        }
    );
}

#[test]
fn limit_max_json_depth_exact_and_one_over() {
    for depth in [1, 2, 10, 64] {
        let t = mac_token(&nested_header(depth.max(2)), b"{}");
        let d = depth.max(2);
        let mut limits = Limits::default();
        limits.max_json_depth = d;
        assert_eq!(jws::verify(&t, &key(), &limits).map(|_| ()), Ok(()), "{d}");
        limits.max_json_depth = d - 1;
        let want = Error::ResourceLimit {
            limit: Limit::MaxJsonDepth,
            max: d - 1,
        };
        assert_eq!(jws::verify(&t, &key(), &limits).unwrap_err(), want);
        assert_eq!(dangerous::decode_unverified(&t, &limits).unwrap_err(), want);
    }
    // A flat header is depth 1.
    let t = mac_token(br#"{"alg":"HS256"}"#, b"{}");
    let mut limits = Limits::default();
    limits.max_json_depth = 1;
    assert_eq!(
        jws::verify(&t, &key(), &limits).unwrap().header().alg,
        "HS256"
    );
    limits.max_json_depth = 0;
    assert_eq!(
        jws::verify(&t, &key(), &limits).unwrap_err(),
        Error::ResourceLimit {
            limit: Limit::MaxJsonDepth,
            max: 0
        }
    );
}

// ---------------------------------------------------------------- fuzz regressions

#[test]
fn fuzz_regression_tiny_negative_numeric_date_is_just_below_zero() {
    // Found by fuzz target `numeric_date`: -1e-300 lies in (-1, 0); its
    // floor is -1 and its fraction rounds up to 1.0 in f64, which used to be
    // read as 0 ns, giving -1.0 s and breaking the order of dates
    // (-7.1e-15 < -2.4e-300 but their dates compared the other way).
    let d = NumericDate::from_json(&json!(-1e-300), "exp").unwrap();
    assert_eq!((d.secs(), d.subsec_nanos()), (-1, 999_999_999));
    let a = NumericDate::from_json(&json!(-7.105428552067658e-15), "exp").unwrap();
    let b = NumericDate::from_json(&json!(-2.3534373649821834e-300), "exp").unwrap();
    assert_eq!((a.secs(), a.subsec_nanos()), (-1, 999_999_999));
    assert!(a <= b);
    assert!(b < NumericDate::from_secs(0));
    assert!(NumericDate::from_secs(-1) < b);
    assert_eq!(
        NumericDate::from_json_saturating(&json!(-1e-300), "exp").unwrap(),
        d
    );
}

#[test]
fn fuzz_regression_header_float_members_round_trip_exactly() {
    // Found by fuzz target `sign_verify_roundtrip`: without serde_json's
    // `float_roundtrip` feature, a float member read back could differ from
    // the one signed by up to 2 units in the last place. The crate enables
    // the feature, so what was signed is what is read.
    for signed in [
        -1.3063817456012227e86,
        -1.5493636814809941e231,
        1700000000.5,
    ] {
        let mut header = Header::new(Algorithm::HS256);
        header.extra.push(("x".into(), json!(signed)));
        let token = jws::sign(&header, b"", &key()).unwrap();
        let v = jws::verify(&token, &key(), &Limits::default()).unwrap();
        let got = v.header().get("x").unwrap().as_f64().unwrap();
        assert_eq!(got.to_bits(), f64::to_bits(signed), "{signed:e}");
    }
}
