#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! JWK Sets mixing `oct`, RSA, EC and OKP keys (RFC 7517 §5): keys picked
//! by `kid`, `use: "enc"` keys skipped, and the algorithm bound to each key.
//! Tokens are the PyJWT 2.15.1 / jwcrypto 1.6.1 ones of
//! tests/data/peers/pyjwt-jwcrypto.json, keys the public JWKs stored
//! with them and the private JWKs of spec.json.

use serde_json::{json, Map, Value};
use timed_jws::jwt;
use timed_jws::JwkLoader;
use timed_jws::{Algorithm, Claims, Error, ErrorKind, Header, Key, NumericDate, Validation};

const PEERS: &str = include_str!("data/peers/pyjwt-jwcrypto.json");
const SPEC: &str = include_str!("data/peers/spec.json");

fn peers() -> Value {
    serde_json::from_str(PEERS).unwrap()
}

fn spec() -> Value {
    serde_json::from_str(SPEC).unwrap()
}

/// The stored public JWK of the first token of `alg`.
fn public_jwk(alg: &str) -> Value {
    peers()["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["alg"] == alg)
        .unwrap()["jwk_public"]
        .clone()
}

/// Every peer token of the asymmetric algorithms in the mixed set.
fn asym_tokens() -> Vec<Value> {
    peers()["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            matches!(
                t["alg"].as_str(),
                Some("RS256" | "ES256" | "ES384" | "EdDSA")
            )
        })
        .cloned()
        .collect()
}

/// A mixed JWK Set: one `oct` key, the RSA (bound to RS256), P-256, P-384
/// and Ed25519 public keys, and two encryption keys that must be skipped.
fn mixed_set_json() -> String {
    let mut rsa = public_jwk("RS256");
    rsa["alg"] = "RS256".into();
    let mut hs = spec()["keys"]["hs256"].clone();
    hs["alg"] = "HS256".into();
    let mut rsa_enc = public_jwk("RS256");
    rsa_enc["kid"] = "rsa-enc".into();
    rsa_enc["use"] = "enc".into();
    rsa_enc["alg"] = "RSA-OAEP-256".into();
    let mut ec_enc = public_jwk("ES256");
    ec_enc["kid"] = "ec-enc".into();
    ec_enc["use"] = "enc".into();
    json!({ "keys": [
        hs,
        rsa_enc,
        rsa,
        public_jwk("ES256"),
        ec_enc,
        public_jwk("ES384"),
        public_jwk("EdDSA"),
    ]})
    .to_string()
}

fn now() -> NumericDate {
    NumericDate::from_secs(peers()["validation_time"].as_i64().unwrap())
}

/// The policy for a peer token: every algorithm of the set, and the
/// audience when the token has one.
fn policy(claims: &Value) -> Validation {
    let v = Validation::new().with_algorithms([
        Algorithm::HS256,
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::EdDSA,
    ]);
    match claims["aud"].as_str() {
        Some(aud) => v.audience(aud),
        None => v,
    }
}

#[test]
fn mixed_set_loads_every_kty_and_skips_enc_keys() {
    let set = JwkLoader::new().key_set(&mixed_set_json()).unwrap();
    let keys: Vec<_> = set
        .iter()
        .map(|k| (k.kid().unwrap(), k.kty(), k.algorithm(), k.can_sign()))
        .collect();
    assert_eq!(
        keys,
        [
            ("hs256-key-1", "oct", Algorithm::HS256, true),
            ("rfc7515-a2-rsa", "RSA", Algorithm::RS256, false),
            ("rfc7515-a3-p256", "EC", Algorithm::ES256, false),
            ("peer-p384-v1", "EC", Algorithm::ES384, false),
            ("rfc8037-a1-ed25519", "OKP", Algorithm::EdDSA, false),
        ]
    );
    // Only the secret can sign: it is the current key.
    assert_eq!(set.current().and_then(Key::kid), Some("hs256-key-1"));
}

#[test]
fn peer_tokens_verify_by_kid_in_a_mixed_set() {
    let set = JwkLoader::new().key_set(&mixed_set_json()).unwrap();
    let mut per_alg = std::collections::BTreeMap::new();
    for t in asym_tokens() {
        let name = t["name"].as_str().unwrap();
        let token = t["token"].as_str().unwrap();
        let d = jwt::decode_at::<Map<String, Value>>(token, &set, &policy(&t["claims"]), now())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(Value::Object(d.claims().clone()), t["claims"], "{name}");
        assert_eq!(d.header().kid.as_deref(), t["header"]["kid"].as_str());
        assert_eq!(d.header().alg, t["alg"].as_str().unwrap());
        *per_alg
            .entry(t["alg"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    // Two peers (PyJWT, jwcrypto) for each algorithm.
    assert_eq!(
        per_alg.into_iter().collect::<Vec<_>>(),
        [
            ("ES256".to_owned(), 2),
            ("ES384".to_owned(), 2),
            ("EdDSA".to_owned(), 2),
            ("RS256".to_owned(), 2)
        ]
    );
}

#[test]
fn a_key_only_verifies_its_own_algorithm() {
    let set = JwkLoader::new().key_set(&mixed_set_json()).unwrap();
    // PS256 tokens name the RSA key, which the set binds to RS256.
    let ps: Vec<Value> = peers()["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["alg"] == "PS256")
        .cloned()
        .collect();
    assert_eq!(ps.len(), 2);
    for t in &ps {
        let token = t["token"].as_str().unwrap();
        assert_eq!(
            jwt::decode_at::<Value>(token, &set, &policy(&t["claims"]), now()).unwrap_err(),
            Error::AlgorithmNotAllowed {
                alg: "PS256".into()
            }
        );
    }
    // An HS256 token naming the RSA key's kid (the key confusion shape):
    // correctly MACed with some secret, refused before any MAC is computed.
    let attacker = Key::hmac(Algorithm::HS256, &[0x5a; 32])
        .unwrap()
        .with_kid("rfc7515-a2-rsa");
    let claims = Claims::new(json!({"role": "admin"}))
        .subject("mallory")
        .expires_at(NumericDate::from_secs(4_102_444_800));
    let forged = jwt::encode(&Header::default(), &claims, &attacker).unwrap();
    assert_eq!(
        jwt::decode_at::<Value>(&forged, &set, &policy(&Value::Null), now()).unwrap_err(),
        Error::AlgorithmNotAllowed {
            alg: "HS256".into()
        }
    );
    // The same token under the oct key's kid reaches the MAC check and fails it.
    let other = Key::hmac(Algorithm::HS256, &[0x5a; 32])
        .unwrap()
        .with_kid("hs256-key-1");
    let forged = jwt::encode(&Header::default(), &claims, &other).unwrap();
    assert_eq!(
        jwt::decode_at::<Value>(&forged, &set, &policy(&Value::Null), now()).unwrap_err(),
        Error::InvalidSignature
    );
    // A kid of a skipped encryption key is unknown.
    let enc = Key::hmac(Algorithm::HS256, &[0x5a; 32])
        .unwrap()
        .with_kid("rsa-enc");
    let forged = jwt::encode(&Header::default(), &claims, &enc).unwrap();
    assert_eq!(
        jwt::decode_at::<Value>(&forged, &set, &policy(&Value::Null), now()).unwrap_err(),
        Error::UnknownKey {
            kid: Some("rsa-enc".into())
        }
    );
}

#[test]
fn private_jwks_sign_and_public_jwks_verify() {
    // The private JWKs of spec.json (no alg: RSA takes the loader's
    // default, EC and OKP their curve's; the oct keys are left out).
    let s = spec();
    let private: Vec<Value> = ["ed25519", "p256", "rsa"]
        .iter()
        .map(|k| s["keys"][*k].clone())
        .collect();
    let signing = JwkLoader::new()
        .default_algorithm(Algorithm::RS256)
        .key_set(&json!({ "keys": private }).to_string())
        .unwrap();
    let algs: Vec<_> = signing
        .iter()
        .map(|k| (k.kid().unwrap(), k.algorithm(), k.can_sign()))
        .collect();
    assert_eq!(
        algs,
        [
            ("rfc8037-a1-ed25519", Algorithm::EdDSA, true),
            ("rfc7515-a3-p256", Algorithm::ES256, true),
            ("rfc7515-a2-rsa", Algorithm::RS256, true),
        ]
    );
    let verifying = JwkLoader::new().key_set(&mixed_set_json()).unwrap();
    let claims = Claims::new(json!({"n": 1}))
        .subject("rotated")
        .expires_at(NumericDate::from_secs(4_102_444_800));
    for kid in ["rfc8037-a1-ed25519", "rfc7515-a3-p256", "rfc7515-a2-rsa"] {
        let key = signing.get(kid).unwrap();
        let token = jwt::encode(&Header::default(), &claims, key).unwrap();
        let d = jwt::decode_at::<Value>(&token, &verifying, &policy(&Value::Null), now()).unwrap();
        assert_eq!(d.header().kid.as_deref(), Some(kid));
        assert_eq!(
            d.claims(),
            &json!({"n": 1, "sub": "rotated", "exp": 4_102_444_800_i64})
        );
    }
    // The public set cannot sign with a public key.
    assert_eq!(verifying.signing_key().unwrap().kty(), "oct");
}

#[test]
fn default_algorithm_only_applies_where_it_fits() {
    let s = spec();
    let no_alg = json!({ "keys": [
        s["keys"]["hs256"].clone(),
        public_jwk("ES256"),
        public_jwk("EdDSA"),
    ]})
    .to_string();
    // HS256 is the default for the oct key; the EC and OKP keys keep their
    // curve's algorithm.
    let set = JwkLoader::new()
        .default_algorithm(Algorithm::HS256)
        .key_set(&no_alg)
        .unwrap();
    let algs: Vec<_> = set.iter().map(Key::algorithm).collect();
    assert_eq!(algs, [Algorithm::HS256, Algorithm::ES256, Algorithm::EdDSA]);
    // An RSA default does not fit the oct key, which then has no alg.
    assert_eq!(
        JwkLoader::new()
            .default_algorithm(Algorithm::RS256)
            .key_set(&no_alg)
            .unwrap_err(),
        Error::InvalidKey {
            reason: "the JWK has no alg and none was given"
        }
    );
    // An EC key whose alg names the other curve is a mistake, not a skip.
    let mut wrong = public_jwk("ES256");
    wrong["alg"] = "ES384".into();
    assert_eq!(
        JwkLoader::new().key(&wrong.to_string()).unwrap_err(),
        Error::InvalidKey {
            reason: "alg does not fit the key type"
        }
    );
    // key_ops without sign makes a private key verify-only.
    let mut ed = s["keys"]["ed25519"].clone();
    ed["key_ops"] = json!(["verify"]);
    let set = JwkLoader::new()
        .key_set(&json!({ "keys": [ed] }).to_string())
        .unwrap();
    assert_eq!(set.len(), 1);
    assert_eq!(set.signing_key().unwrap_err().kind(), ErrorKind::InvalidKey);
}
