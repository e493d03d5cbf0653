//! The tamper pass: every valid token of the RFC, itsdangerous and peer
//! vectors is accepted as given, and every mutant of it (each character of
//! each segment changed, padding and foreign characters appended, segments
//! swapped, emptied, duplicated, truncated at every position, a fourth
//! segment added) is rejected with a stable kind from an explicit set.
//!
//! RFC example values © IETF Trust (RFC 7515, RFC 7519, RFC 7520, RFC 7797,
//! RFC 8037); see tests/data/jose/README.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/tamper.rs"]
mod tamper;

use serde_json::Value;
use timed_jws::compat::itsdangerous::{
    ItsDangerousVersion, JsonWebSignatureSerializer, SerializerBuilder,
    TimedJsonWebSignatureSerializer,
};
use timed_jws::{jws, Algorithm, ErrorKind, JwkLoader, Key, Limits};

fn load(path: &str) -> Value {
    let full = format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(full).unwrap()).unwrap()
}

/// Kinds a mutant of a correctly signed token may be rejected with.
const TAMPER_KINDS: &[ErrorKind] = &[
    ErrorKind::Malformed,
    ErrorKind::InvalidSignature,
    ErrorKind::AlgorithmNotAllowed,
    ErrorKind::InvalidHeader,
];

/// Runs the tamper pass over `token` with `check` (which verifies one
/// token); returns the number of mutants checked.
fn tamper_pass(name: &str, token: &str, check: impl Fn(&str) -> Result<(), ErrorKind>) -> usize {
    assert_eq!(
        check(token),
        Ok(()),
        "{name}: the untouched token must verify"
    );
    let mutants = tamper::mutants(token);
    assert!(mutants.len() > token.len(), "{name}: too few mutants");
    for (mutant, what) in &mutants {
        match check(mutant) {
            Ok(()) => panic!("{name}: mutant accepted ({what}): {mutant}"),
            Err(kind) => assert!(
                TAMPER_KINDS.contains(&kind),
                "{name}: mutant ({what}) rejected with unexpected kind {kind}"
            ),
        }
    }
    mutants.len()
}

fn key_from_jwk(jwk: &Value, alg: Algorithm) -> Key {
    JwkLoader::new()
        .default_algorithm(alg)
        .key(&jwk.to_string())
        .unwrap()
}

#[test]
fn tamper_rfc_vectors() {
    let mut tokens = 0;
    let mut mutants = 0;
    for e in load("jose/rfc-vectors.json").as_array().unwrap() {
        let compact = matches!(e.get("serialization"), None | Some(Value::Null))
            || e["serialization"] == "compact";
        if e["expected"] != "valid" || e["ring_supported"] == false || !compact {
            continue;
        }
        let token = e["token"].as_str().unwrap();
        if token.contains("..") {
            continue; // detached content (RFC 7515 Appendix F): not a compact token by itself
        }
        let alg: Algorithm = e["alg"].as_str().unwrap().parse().unwrap();
        let key = key_from_jwk(&e["jwk"], alg);
        let name = e["name"].as_str().unwrap();
        mutants += tamper_pass(name, token, |t| {
            jws::verify(t, &key, &Limits::default())
                .map(|_| ())
                .map_err(|e| e.kind())
        });
        tokens += 1;
    }
    // A.1, A.2, A.3, RFC 7519 §3.1, RFC 7520 §4.1, 4.2, 4.4, RFC 8037 A.4, RFC 7797 §4.1.
    assert_eq!(tokens, 9);
    assert!(mutants > 9 * 100, "{mutants}");
}

#[test]
fn tamper_peer_tokens() {
    let peers = load("peers/pyjwt-jwcrypto.json");
    let mut tokens = 0;
    for t in peers["tokens"].as_array().unwrap() {
        let token = t["token"].as_str().unwrap();
        let alg: Algorithm = t["alg"].as_str().unwrap().parse().unwrap();
        let key = key_from_jwk(&t["jwk_public"], alg);
        // Signature-level check: the claims of some tokens are deliberately
        // expired or not yet valid; tampering must break the signature.
        tamper_pass(t["name"].as_str().unwrap(), token, |m| {
            jws::verify(m, &key, &Limits::default())
                .map(|_| ())
                .map_err(|e| e.kind())
        });
        tokens += 1;
    }
    assert_eq!(tokens, 32);
}

/// Version, algorithm and salt of a signing.json entry, for either serializer.
fn configure<S>(
    b: SerializerBuilder<S>,
    version: ItsDangerousVersion,
    alg: &str,
    salt: Option<&str>,
) -> SerializerBuilder<S> {
    let b = b.version(version);
    let b = if alg == "none" {
        b.algorithm_none_insecure()
    } else {
        b.algorithm(alg.parse().unwrap())
    };
    match salt {
        Some(s) => b.salt(s.as_bytes()),
        None => b,
    }
}

/// Verifies one token, giving the error kind on rejection.
type Checker = Box<dyn Fn(&str) -> Result<(), ErrorKind>>;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn tamper_itsdangerous_tokens() {
    let mut tokens = 0;
    for e in load("itsdangerous/signing.json").as_array().unwrap() {
        if e["loads_at_now"] != "ok" {
            continue;
        }
        let name = e["name"].as_str().unwrap();
        let token = e["token"].as_str().unwrap();
        let secret = hex(e["secret_key_hex"].as_str().unwrap());
        let version = if e["version"] == "0.24" {
            ItsDangerousVersion::V0_24
        } else {
            ItsDangerousVersion::V1
        };
        let alg = e["algorithm"].as_str().unwrap();
        let salt = e["salt"].as_str();
        let check: Checker = if e["serializer"] == "TimedJSONWebSignatureSerializer" {
            let s = configure(
                TimedJsonWebSignatureSerializer::builder(&secret),
                version,
                alg,
                salt,
            )
            .build()
            .unwrap();
            let now = e["now"].as_i64().unwrap();
            Box::new(move |t| s.loads_at(t, now).map(|_| ()).map_err(|e| e.kind()))
        } else {
            let s = configure(
                JsonWebSignatureSerializer::builder(&secret),
                version,
                alg,
                salt,
            )
            .build()
            .unwrap();
            Box::new(move |t| s.loads(t).map(|_| ()).map_err(|e| e.kind()))
        };
        if alg == "none" {
            // An unsigned token has nothing to protect it: only check that
            // the serializer that explicitly allows `none` reads it, and that
            // appending a signature is refused.
            assert_eq!(check(token), Ok(()), "{name}");
            assert_eq!(
                check(&format!("{token}AAAA")),
                Err(ErrorKind::InvalidSignature),
                "{name}"
            );
            continue;
        }
        tamper_pass(name, token, check);
        tokens += 1;
    }
    assert_eq!(tokens, 52);
}
