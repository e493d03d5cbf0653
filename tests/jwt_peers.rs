#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! HS256/HS384/HS512 tokens made by PyJWT 2.15.1 and jwcrypto 1.6.1 from
//! tests/data/peers/spec.json, validated at their `validation_time`.

use serde_json::{Map, Value};
use timed_jws::JwkLoader;
use timed_jws::{jwt, Algorithm, Audience, ErrorKind, KeySet, NumericDate, Validation};

const TOKENS: &str = include_str!("data/peers/pyjwt-jwcrypto.json");
const SPEC: &str = include_str!("data/peers/spec.json");

fn hs_tokens() -> Vec<Value> {
    let file: Value = serde_json::from_str(TOKENS).unwrap();
    file["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["alg"].as_str().unwrap().starts_with("HS"))
        .cloned()
        .collect()
}

/// A validation policy accepting the token's own audience, if any.
fn policy_for(claims: &Value) -> Validation {
    let mut v = Validation::new();
    match &claims["aud"] {
        Value::String(a) => v = v.audience(a.clone()),
        Value::Array(a) => v = v.audience(a[0].as_str().unwrap()),
        _ => {}
    }
    v
}

#[test]
fn peer_hs_tokens_validate_at_validation_time() {
    let spec: Value = serde_json::from_str(SPEC).unwrap();
    let mut counts = (0, 0, 0);
    for t in hs_tokens() {
        let name = t["name"].as_str().unwrap();
        let alg: Algorithm = t["alg"].as_str().unwrap().parse().unwrap();
        // The token's key as given in spec.json.
        let spec_token = spec["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == t["spec"])
            .unwrap();
        let jwk = &spec["keys"][spec_token["key"].as_str().unwrap()];
        assert_eq!(jwk, &t["jwk"], "{name}");
        let key = JwkLoader::new()
            .default_algorithm(alg)
            .key(&jwk.to_string())
            .unwrap();
        let now = NumericDate::from_secs(t["validation_time"].as_i64().unwrap());
        let claims = &t["claims"];
        let policy = policy_for(claims);
        let result =
            jwt::decode_at::<Map<String, Value>>(t["token"].as_str().unwrap(), &key, &policy, now);
        match t["expected_at_validation_time"].as_str().unwrap() {
            "valid" => {
                let decoded = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(&Value::Object(decoded.claims().clone()), claims, "{name}");
                let header: Value =
                    serde_json::from_str(t["header_json"].as_str().unwrap()).unwrap();
                assert_eq!(decoded.header().alg, header["alg"], "{name}");
                assert_eq!(
                    decoded.header().kid.as_deref(),
                    header["kid"].as_str(),
                    "{name}"
                );
                assert_eq!(
                    decoded.header().typ.as_deref(),
                    header["typ"].as_str(),
                    "{name}"
                );
                assert_eq!(
                    decoded.registered().exp,
                    Some(NumericDate::from_secs(claims["exp"].as_i64().unwrap())),
                    "{name}"
                );
                counts.0 += 1;
            }
            "expired" => {
                assert_eq!(result.unwrap_err().kind(), ErrorKind::Expired, "{name}");
                counts.1 += 1;
            }
            "not_yet_valid" => {
                assert_eq!(result.unwrap_err().kind(), ErrorKind::NotYetValid, "{name}");
                counts.2 += 1;
            }
            other => panic!("{name}: unexpected outcome {other}"),
        }
    }
    assert_eq!(counts, (18, 2, 2));
}

/// The same tokens through a key set loaded from every key of spec.json
/// (`oct`, RSA, EC and OKP), routed by `kid` or, for tokens without `kid`,
/// by trying the keys of the header's algorithm.
#[test]
fn peer_hs_tokens_through_a_key_set() {
    let spec: Value = serde_json::from_str(SPEC).unwrap();
    // spec.json's oct and RSA JWKs carry no alg; add the one their kid
    // names (EC and OKP keys take their curve's).
    let keys: Vec<Value> = spec["keys"]
        .as_object()
        .unwrap()
        .values()
        .map(|k| {
            let mut k = k.clone();
            if k["kty"] == "oct" {
                let alg = match k["kid"].as_str().unwrap() {
                    "hs256-key-1" => "HS256",
                    "hs384-key-1" => "HS384",
                    "hs512-key-1" => "HS512",
                    other => panic!("unexpected kid {other}"),
                };
                k["alg"] = alg.into();
            } else if k["kty"] == "RSA" {
                k["alg"] = "RS256".into();
            }
            k
        })
        .collect();
    assert!(keys.len() > 3, "spec.json also has RSA/EC/OKP keys");
    let set_json = serde_json::json!({ "keys": keys });
    let set = JwkLoader::new().key_set(&set_json.to_string()).unwrap();
    let mut kids: Vec<_> = set
        .iter()
        .map(|k| (k.kid().unwrap(), k.algorithm()))
        .collect();
    kids.sort();
    assert_eq!(
        kids,
        [
            ("hs256-key-1", Algorithm::HS256),
            ("hs384-key-1", Algorithm::HS384),
            ("hs512-key-1", Algorithm::HS512),
            ("peer-p384-v1", Algorithm::ES384),
            ("rfc7515-a2-rsa", Algorithm::RS256),
            ("rfc7515-a3-p256", Algorithm::ES256),
            ("rfc8037-a1-ed25519", Algorithm::EdDSA),
        ]
    );
    let mut ok = 0;
    for t in hs_tokens() {
        if t["expected_at_validation_time"] != "valid" {
            continue;
        }
        let name = t["name"].as_str().unwrap();
        let now = NumericDate::from_secs(t["validation_time"].as_i64().unwrap());
        let token = t["token"].as_str().unwrap();
        let policy = policy_for(&t["claims"]);
        if name.starts_with("hs512-kid-special-chars") {
            // The header's kid names no key of the set (the key's own kid is
            // hs512-key-1): routing by kid refuses it ...
            assert_eq!(
                jwt::decode_at::<Value>(token, &set, &policy, now).unwrap_err(),
                timed_jws::Error::UnknownKey {
                    kid: Some("key/with+special=chars&\u{fc}".into())
                }
            );
            // ... and a set that knows the key under that kid accepts it.
            let key = JwkLoader::new()
                .default_algorithm(Algorithm::HS512)
                .key(&t["jwk"].to_string())
                .unwrap()
                .with_kid("key/with+special=chars&\u{fc}");
            let set2 = KeySet::new().with_key(key).unwrap();
            let d = jwt::decode_at::<Map<String, Value>>(token, &set2, &policy, now).unwrap();
            assert_eq!(&Value::Object(d.claims().clone()), &t["claims"], "{name}");
            ok += 1;
            continue;
        }
        let decoded = jwt::decode_at::<Map<String, Value>>(token, &set, &policy, now)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            &Value::Object(decoded.claims().clone()),
            &t["claims"],
            "{name}"
        );
        if name.starts_with("hs256-aud-array") {
            assert_eq!(
                decoded.registered().aud,
                Some(Audience::Many(vec!["svc-a".into(), "svc-b".into()]))
            );
        }
        ok += 1;
    }
    assert_eq!(ok, 18);
}

/// Typed claims: the RFC 9068-style access token into a user struct.
#[test]
fn typed_access_token() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Access {
        client_id: String,
        scope: String,
        sub: String,
    }
    let t = hs_tokens()
        .into_iter()
        .find(|t| t["name"] == "hs384-at+jwt-access-token--pyjwt")
        .unwrap();
    let key = JwkLoader::new()
        .default_algorithm(Algorithm::HS384)
        .key(&t["jwk"].to_string())
        .unwrap();
    let policy = Validation::new()
        .audience("https://rs.example.com")
        .issuer("https://as.example.com")
        .typ("at+jwt")
        .with_algorithms([Algorithm::HS384]);
    let now = NumericDate::from_secs(1_800_000_000);
    let d = jwt::decode_at::<Access>(t["token"].as_str().unwrap(), &key, &policy, now).unwrap();
    assert_eq!(
        *d.claims(),
        Access {
            client_id: "s6BhdRkqt3".into(),
            scope: "openid profile read:messages".into(),
            sub: "5ba552d67".into()
        }
    );
    assert_eq!(
        d.registered().jti.as_deref(),
        Some("dbe39bf3a3ba4238a513f51d6e1691c4")
    );
    // The wrong typ, issuer or algorithm policy is refused.
    let kind = |v: Validation| {
        jwt::decode_at::<Access>(t["token"].as_str().unwrap(), &key, &v, now)
            .unwrap_err()
            .kind()
    };
    assert_eq!(
        kind(
            Validation::new()
                .audience("https://rs.example.com")
                .typ("JWT")
        ),
        ErrorKind::InvalidHeader
    );
    assert_eq!(
        kind(
            Validation::new()
                .audience("https://rs.example.com")
                .issuer("x")
        ),
        ErrorKind::InvalidClaim
    );
    assert_eq!(
        kind(
            Validation::new()
                .audience("https://rs.example.com")
                .with_algorithms([Algorithm::HS256])
        ),
        ErrorKind::AlgorithmNotAllowed
    );
}
