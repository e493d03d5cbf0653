//! Tokens made by PyJWT 2.15.1 and jwcrypto 1.6.1
//! (tests/data/peers/pyjwt-jwcrypto.json, inputs in spec.json) verify
//! with `jws::verify` for RS256, PS256, ES256, ES384 and EdDSA, with keys
//! from the public JWK and from the private JWK of spec.json. HMAC tokens
//! are the JWT tests' business and are counted only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use serde_json::Value;
use timed_jws::{jws, Algorithm, ErrorKind, JwkLoader, Key, Limits};

fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/peers/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn key_from_jwk(jwk: &Value, alg: Option<Algorithm>) -> Result<Key, timed_jws::Error> {
    let members = jwk.as_object().unwrap();
    JwkLoader::new().key_from_members(members["kty"].as_str().unwrap(), members, alg)
}

#[test]
fn pyjwt_and_jwcrypto_asymmetric_tokens_verify() {
    let spec = load("spec.json");
    let peers = load("pyjwt-jwcrypto.json");
    let now = peers["validation_time"].as_i64().unwrap();
    assert_eq!(now, spec["validation_time"].as_i64().unwrap());

    let mut per_alg: BTreeMap<String, usize> = BTreeMap::new();
    let mut hs_skipped = 0;
    let mut es512_refused = 0;
    for t in peers["tokens"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        let alg_name = t["alg"].as_str().unwrap();
        let token = t["token"].as_str().unwrap();
        if alg_name.starts_with("HS") {
            hs_skipped += 1;
            continue;
        }
        if alg_name == "ES512" {
            let err = key_from_jwk(&t["jwk_public"], None).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AlgorithmNotAllowed, "{name}");
            es512_refused += 1;
            continue;
        }
        assert_eq!(t["expected_at_validation_time"], "valid", "{name}");
        let alg: Algorithm = alg_name.parse().unwrap();
        let spec_name = t["spec"].as_str().unwrap();
        let spec_token = spec["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == spec_name)
            .unwrap();
        let private_jwk = &spec["keys"][spec_token["key"].as_str().unwrap()];
        let public = key_from_jwk(&t["jwk_public"], Some(alg)).unwrap();
        let private = key_from_jwk(private_jwk, Some(alg)).unwrap();
        assert_eq!(public.kid(), t["header"]["kid"].as_str(), "{name}");

        for key in [&public, &private] {
            let v = jws::verify(token, key, &Limits::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(v.payload(), t["claims_json"].as_str().unwrap().as_bytes());
            let claims: Value = serde_json::from_slice(v.payload()).unwrap();
            assert_eq!(claims, t["claims"], "{name}");
            // Valid at validation_time: not expired, not before nbf/iat.
            assert!(claims["exp"].as_i64().unwrap() > now, "{name}");
            assert!(claims["iat"].as_i64().unwrap() <= now, "{name}");
            assert_eq!(v.header().alg, alg_name);
            assert_eq!(v.header().kid.as_deref(), t["header"]["kid"].as_str());
        }
        // Deterministic peers (RS256, EdDSA) reproduce byte for byte.
        if t["deterministic_signature"] == Value::Bool(true) {
            let (input, sig) = token.rsplit_once('.').unwrap();
            let mine = private.sign(input.as_bytes()).unwrap();
            let theirs = jws_sig_bytes(sig);
            assert_eq!(mine, theirs, "{name}");
        }
        // The same key bound to another algorithm of its family refuses it:
        // its own algorithm checks the signature first.
        let sibling = match alg {
            Algorithm::RS256 => Some(Algorithm::PS256),
            Algorithm::PS256 => Some(Algorithm::RS256),
            _ => None,
        };
        if let Some(other) = sibling {
            let k = key_from_jwk(&t["jwk_public"], Some(other)).unwrap();
            assert_eq!(
                jws::verify(token, &k, &Limits::default())
                    .unwrap_err()
                    .kind(),
                ErrorKind::InvalidSignature
            );
        }
        *per_alg.entry(alg_name.to_owned()).or_default() += 1;
    }
    println!("verified {per_alg:?}, HMAC skipped {hs_skipped}, ES512 refused {es512_refused}");
    let expected: BTreeMap<String, usize> = ["EdDSA", "ES256", "ES384", "PS256", "RS256"]
        .into_iter()
        .map(|a| (a.to_owned(), 2))
        .collect();
    assert_eq!(per_alg, expected);
    assert_eq!(hs_skipped, 22);
    assert_eq!(es512_refused, 0, "the peer file has no ES512 tokens");
}

fn jws_sig_bytes(b64: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(b64)
        .unwrap()
}
