#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! RFC 7515 Appendix A.1 (= RFC 7519 §3.1) and RFC 7520 §4.4 HS256 vectors,
//! and every invalid variant derived from them, from
//! tests/data/jose/rfc-vectors.json.
//!
//! Example values © IETF Trust (RFC 7515, RFC 7519, RFC 7520); cookbook data
//! from github.com/ietf-jose/cookbook (Unlicense); see
//! tests/data/jose/README.md.

use serde_json::{json, Map, Value};
use timed_jws::JwkLoader;
use timed_jws::{
    jws, jwt, Algorithm, Error, ErrorKind, Key, Limits, NumericDate, Part, Validation,
};

const VECTORS: &str = include_str!("data/jose/rfc-vectors.json");

const A1: &str = "rfc7515-A.1-HS256";
const JWT_3_1: &str = "rfc7519-3.1-example-jwt-HS256";
const C_4_4: &str = "rfc7520-4.4-HS256-hmac-sha2-integrity-protection-compact";

/// One second before the A.1 token's `exp` (1300819380).
const BEFORE_EXP: i64 = 1_300_819_379;

fn vectors() -> Vec<Value> {
    serde_json::from_str(VECTORS).unwrap()
}

fn find<'a>(all: &'a [Value], name: &str) -> &'a Value {
    all.iter().find(|v| v["name"] == name).unwrap()
}

/// The A.1 JWK has no `alg`; the vector says HS256.
fn key_of(v: &Value) -> Key {
    let alg: Algorithm = v["alg"].as_str().unwrap().parse().unwrap();
    JwkLoader::new()
        .default_algorithm(alg)
        .key(&v["jwk"].to_string())
        .unwrap()
}

fn decode_map(token: &str, key: &Key, now: i64) -> Result<Map<String, Value>, Error> {
    jwt::decode_at::<Map<String, Value>>(
        token,
        key,
        &Validation::new(),
        NumericDate::from_secs(now),
    )
    .map(timed_jws::Jwt::into_claims)
}

#[test]
fn rfc7515_a1_and_rfc7519_3_1_verify_before_exp() {
    let all = vectors();
    for name in [A1, JWT_3_1] {
        let v = find(&all, name);
        let key = key_of(v);
        let token = v["token"].as_str().unwrap();
        let decoded = jwt::decode_at::<Map<String, Value>>(
            token,
            &key,
            &Validation::new(),
            NumericDate::from_secs(BEFORE_EXP),
        )
        .unwrap();
        let expected: Value = serde_json::from_str(v["payload_text"].as_str().unwrap()).unwrap();
        assert_eq!(Value::Object(decoded.claims().clone()), expected);
        assert_eq!(
            *decoded.claims(),
            *json!({"iss": "joe", "exp": 1300819380, "http://example.com/is_root": true})
                .as_object()
                .unwrap()
        );
        assert_eq!(decoded.registered().iss.as_deref(), Some("joe"));
        assert_eq!(
            decoded.registered().exp,
            Some(NumericDate::from_secs(1_300_819_380))
        );
        assert_eq!(decoded.header().typ.as_deref(), Some("JWT"));
        assert_eq!(decoded.header().alg, "HS256");
        // At exp itself the token has expired (RFC 7519 §4.1.4).
        assert_eq!(
            decode_map(token, &key, 1_300_819_380).unwrap_err(),
            Error::Expired {
                exp: 1_300_819_380,
                now: 1_300_819_380
            }
        );
        // With 1 s of leeway it is still valid at exp, not at exp + 1.
        let lenient = Validation::new().with_leeway(1);
        assert!(jwt::decode_at::<Value>(
            token,
            &key,
            &lenient,
            NumericDate::from_secs(1_300_819_380)
        )
        .is_ok());
        assert_eq!(
            jwt::decode_at::<Value>(token, &key, &lenient, NumericDate::from_secs(1_300_819_381))
                .unwrap_err()
                .kind(),
            ErrorKind::Expired
        );
    }
}

#[test]
fn rfc7520_4_4_verifies_with_kid_routing() {
    let all = vectors();
    let v = find(&all, C_4_4);
    let token = v["token"].as_str().unwrap();
    let payload = v["payload_text"].as_str().unwrap().as_bytes();
    // As a JWS, with the single JWK (alg HS256, use sig, kid given).
    let key = JwkLoader::new().key(&v["jwk"].to_string()).unwrap();
    assert_eq!(key.kid(), Some("018c0ae5-4d9b-471b-bfd6-eef314bc7037"));
    let verified = jws::verify(token, &key, &Limits::default()).unwrap();
    assert_eq!(verified.payload(), payload);
    assert_eq!(
        verified.header().kid.as_deref(),
        Some("018c0ae5-4d9b-471b-bfd6-eef314bc7037")
    );
    // Through a key set chosen by kid, among other keys.
    let mut set = JwkLoader::new()
        .key_set(&format!(r#"{{"keys":[{}]}}"#, v["jwk"]))
        .unwrap();
    set.add(
        Key::hmac(Algorithm::HS256, &[9; 32])
            .unwrap()
            .with_kid("other"),
    )
    .unwrap();
    // The payload is text, not a claims set: the MAC verifies, then the
    // claims set is refused as malformed.
    let e = jwt::decode_at::<Value>(token, &set, &Validation::new(), NumericDate::from_secs(0))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Malformed {
                part: Part::Payload,
                ..
            }
        ),
        "{e:?}"
    );
    let e = jwt::decode_at::<Value>(token, &key, &Validation::new(), NumericDate::from_secs(0))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Malformed {
                part: Part::Payload,
                ..
            }
        ),
        "{e:?}"
    );
}

/// The kinds each mutation class must produce: with one key, and with a
/// key set.
fn expected_kinds(mutation: &str) -> (ErrorKind, ErrorKind) {
    use ErrorKind::{AlgorithmNotAllowed, InvalidHeader, InvalidSignature};
    const CLASSES: &[(&str, ErrorKind, ErrorKind)] = &[
        ("signature byte 0 XOR", InvalidSignature, InvalidSignature),
        // The header's alg is not the key's. One key checks the MAC first
        // (it fails: the header changed) and never reads the header; a key
        // set reads `alg` first and refuses it.
        (
            "protected header re-encoded with alg=HS384",
            InvalidSignature,
            AlgorithmNotAllowed,
        ),
        ("payload:", InvalidSignature, InvalidSignature),
        (
            "protected header alg=none",
            InvalidSignature,
            AlgorithmNotAllowed,
        ),
        (
            "last signature byte removed",
            InvalidSignature,
            InvalidSignature,
        ),
        ("jwk.k byte 0 XOR", InvalidSignature, InvalidSignature),
        ("header re-encoded with crit=", InvalidHeader, InvalidHeader),
    ];
    CLASSES
        .iter()
        .find(|(prefix, _, _)| mutation.starts_with(prefix))
        .map(|(_, one, set)| (*one, *set))
        .unwrap_or_else(|| panic!("unclassified mutation {mutation:?}"))
}

#[test]
fn every_derived_hs_variant_is_rejected_with_its_kind() {
    let all = vectors();
    let mut count = 0;
    for v in all
        .iter()
        .filter(|v| [A1, JWT_3_1, C_4_4].contains(&v["derived_from"].as_str().unwrap_or("")))
    {
        assert_eq!(v["expected"], "invalid");
        let name = v["name"].as_str().unwrap();
        let token = v["token"].as_str().unwrap();
        let (want, want_set) = expected_kinds(v["mutation"].as_str().unwrap());
        let key = key_of(v);
        // With one key, before exp.
        let got = decode_map(token, &key, BEFORE_EXP).unwrap_err().kind();
        assert_eq!(got, want, "{name}");
        // Through a key set made from the variant's JWK.
        let alg: Algorithm = v["alg"].as_str().unwrap().parse().unwrap();
        let set = JwkLoader::new()
            .default_algorithm(alg)
            .key_set(&v["jwk"].to_string())
            .unwrap();
        let got = jwt::decode_at::<Value>(
            token,
            &set,
            &Validation::new(),
            NumericDate::from_secs(BEFORE_EXP),
        )
        .unwrap_err()
        .kind();
        assert_eq!(got, want_set, "{name} (key set)");
        count += 1;
    }
    // A.1: 6 mutations + unknown crit; RFC 7519 §3.1: 6; RFC 7520 §4.4: 6.
    assert_eq!(count, 19);
}
