//! RFC example tokens for the asymmetric algorithms, with their derived
//! invalid variants (tests/data/jose/rfc-vectors.json).
//!
//! Example values from RFC 7515 Appendix A, RFC 7520 §4 and RFC 8037
//! Appendix A: Copyright (c) IETF Trust and the persons identified as the
//! document authors. All rights reserved.
//!
//! Keys are built from each entry's JWK through
//! `asym::key_from_jwk_members`, the function the JWK Set layer calls.
//! HMAC entries (covered by the JWT tests) and JSON serializations (this
//! crate implements the compact serialization only) are counted, not run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use timed_jws::{jws, Algorithm, Error, ErrorKind, JwkLoader, Key, Limits};

fn vectors() -> Vec<Value> {
    let path = format!(
        "{}/tests/data/jose/rfc-vectors.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The test-only JWK adapter: a JWK JSON object as `(kty, members)`.
fn key_from_jwk(jwk: &Value, alg: Option<Algorithm>) -> Result<Key, Error> {
    let members = jwk.as_object().expect("a JWK is a JSON object");
    let kty = members["kty"].as_str().unwrap();
    JwkLoader::new().key_from_members(kty, members, alg)
}

/// The error kind a derived invalid entry must produce, by its mutation.
/// Every one changes the JWS Signing Input or the signature, and one key
/// checks the signature before the header is read, so a header naming
/// another algorithm (or `none`) is `invalid_signature` too.
fn expected_kind(mutation: &str) -> ErrorKind {
    if mutation.starts_with("signature byte 0 XOR")
        || mutation.starts_with("payload: first ASCII letter")
        || mutation == "last signature byte removed"
        || mutation.starts_with("protected header re-encoded with alg=")
        || mutation == "protected header alg=none, signature removed"
        || mutation.starts_with("alg=HS256, HMAC keyed with the verifier's public key")
    {
        ErrorKind::InvalidSignature
    } else {
        panic!("no expectation for mutation {mutation:?}")
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    valid_verified: usize,
    resign_exact: usize,
    invalid_rejected: usize,
    es512_refused: usize,
    none_refused: usize,
    hs_skipped: usize,
    json_serialization_skipped: usize,
}

#[test]
fn rfc_compact_vectors() {
    let all = vectors();
    // The RFC 7515 A.2 RSA key: the verifier's key for the `none` entries,
    // which carry no key of their own.
    let a2 = all
        .iter()
        .find(|e| e["name"] == "rfc7515-A.2-RS256")
        .unwrap();
    let rsa_verifier = key_from_jwk(&a2["jwk_public"], Some(Algorithm::RS256)).unwrap();

    let mut c = Counts::default();
    for e in &all {
        let name = e["name"].as_str().unwrap();
        let Some(alg_name) = e["alg"].as_str() else {
            c.json_serialization_skipped += 1; // general JSON, several algs
            continue;
        };
        let Some(token) = e["token"].as_str() else {
            c.json_serialization_skipped += 1;
            continue;
        };
        if alg_name.starts_with("HS") {
            c.hs_skipped += 1;
            continue;
        }
        let valid = match e["expected"].as_str().unwrap() {
            "valid" => true,
            "invalid" => false,
            other => panic!("{name}: {other}"),
        };

        if alg_name == "none" {
            let err = alg_name.parse::<Algorithm>().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AlgorithmNotAllowed, "{name}");
            assert_eq!(
                jws::verify(token, &rsa_verifier, &Limits::default()).unwrap_err(),
                Error::InvalidSignature,
                "{name}"
            );
            c.none_refused += 1;
            continue;
        }
        if alg_name == "ES512" {
            assert_ne!(e["ring_supported"], Value::Bool(true), "{name}");
            let err = alg_name.parse::<Algorithm>().unwrap_err();
            assert!(err.to_string().contains("P-521"), "{err}");
            assert_eq!(err.kind(), ErrorKind::AlgorithmNotAllowed);
            // A P-521 JWK is refused whatever algorithm is asked for.
            let err = key_from_jwk(&e["jwk_public"], None).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AlgorithmNotAllowed, "{name}");
            assert!(err.to_string().contains("not supported by ring"), "{err}");
            c.es512_refused += 1;
            continue;
        }

        let alg: Algorithm = alg_name.parse().unwrap();
        let public = key_from_jwk(&e["jwk_public"], Some(alg)).unwrap();
        assert!(!public.can_sign(), "{name}");
        let private = key_from_jwk(&e["jwk"], Some(alg)).unwrap();
        assert!(private.can_sign(), "{name}");

        if valid {
            assert_ne!(e["ring_supported"], Value::Bool(false), "{name}");
            let payload = URL_SAFE_NO_PAD
                .decode(e["payload_b64"].as_str().unwrap())
                .unwrap();
            assert_eq!(payload, e["payload_text"].as_str().unwrap().as_bytes());
            for key in [&public, &private] {
                let v = jws::verify(token, key, &Limits::default()).unwrap();
                assert_eq!(v.payload(), payload, "{name}");
                assert_eq!(v.header().alg, alg_name);
            }
            // Deterministic algorithms re-sign to the same signature.
            let deterministic = e["verification"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v.as_str().unwrap().starts_with("exact-resign-match"));
            if deterministic {
                let (input, sig) = token.rsplit_once('.').unwrap();
                let resigned = URL_SAFE_NO_PAD.encode(private.sign(input.as_bytes()).unwrap());
                assert_eq!(resigned, sig, "{name}");
                c.resign_exact += 1;
            }
            c.valid_verified += 1;
        } else {
            let want = expected_kind(e["mutation"].as_str().unwrap());
            for key in [&public, &private] {
                let got = jws::verify(token, key, &Limits::default()).unwrap_err();
                assert_eq!(got.kind(), want, "{name}: {got}");
            }
            c.invalid_rejected += 1;
        }
    }
    println!("{c:?}");
    assert_eq!(
        c,
        Counts {
            valid_verified: 5, // RS256 x2, PS384, ES256, EdDSA
            resign_exact: 3,   // RS256 x2, EdDSA
            invalid_rejected: 30,
            es512_refused: 14,
            none_refused: 3,
            hs_skipped: 45,
            json_serialization_skipped: 72,
        }
    );
    assert_eq!(all.len(), 169);
}

/// The key-confusion entries (CVE-2015-9235 class): an RSA, EC or OKP key
/// checks the HMAC tag as its own signature, before the header is read, so
/// they are `invalid_signature`.
#[test]
fn rfc_key_confusion_entries_are_invalid_signature() {
    let mut n = 0;
    for e in vectors() {
        let Some(m) = e["mutation"].as_str() else {
            continue;
        };
        let Some(alg) = e["alg"].as_str() else {
            continue;
        };
        if !m.starts_with("alg=HS256, HMAC keyed") || alg == "ES512" {
            continue;
        }
        let key = key_from_jwk(&e["jwk_public"], Some(alg.parse().unwrap())).unwrap();
        assert_eq!(
            jws::verify(e["token"].as_str().unwrap(), &key, &Limits::default()).unwrap_err(),
            Error::InvalidSignature
        );
        n += 1;
    }
    assert_eq!(n, 5);
}
