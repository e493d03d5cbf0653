#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Key sets: rotation, kid routing, tokens without kid, JWK / JWK Set
//! loading and its errors.

use serde_json::{json, Value};
use timed_jws::JwkLoader;
use timed_jws::{
    jwt, Algorithm, Error, ErrorKind, Header, JwtSerializer, Key, KeySet, Limit, Limits,
    NumericDate, Validation,
};

const NOW: i64 = 1_700_000_000;

fn hs256(byte: u8, kid: &str) -> Key {
    Key::hmac(Algorithm::HS256, &[byte; 32])
        .unwrap()
        .with_kid(kid)
}

fn claims() -> Value {
    json!({ "sub": "alice", "exp": NOW + 600 })
}

fn check(token: &str, keys: &KeySet) -> Result<Value, Error> {
    jwt::decode_at::<Value>(token, keys, &Validation::new(), NumericDate::from_secs(NOW))
        .map(timed_jws::Jwt::into_claims)
}

fn sign_with(keys: &KeySet) -> String {
    jwt::encode(&Header::default(), &claims(), keys.signing_key().unwrap()).unwrap()
}

#[test]
fn rotation_sign_new_verify_both_retire_old() {
    let mut keys = KeySet::new().with_key(hs256(1, "2025-01")).unwrap();
    let old_token = sign_with(&keys);
    assert_eq!(
        timed_jws::dangerous::decode_header_unverified(&old_token)
            .unwrap()
            .kid
            .as_deref(),
        Some("2025-01")
    );
    keys.rotate(hs256(2, "2025-07")).unwrap();
    let new_token = sign_with(&keys);
    assert_eq!(
        timed_jws::dangerous::decode_header_unverified(&new_token)
            .unwrap()
            .kid
            .as_deref(),
        Some("2025-07")
    );
    assert_eq!(check(&old_token, &keys).unwrap(), claims());
    assert_eq!(check(&new_token, &keys).unwrap(), claims());
    // Retiring is one line.
    keys.retire("2025-01");
    assert_eq!(
        check(&old_token, &keys),
        Err(Error::UnknownKey {
            kid: Some("2025-01".into())
        })
    );
    assert_eq!(check(&new_token, &keys).unwrap(), claims());
}

#[test]
fn rotation_through_the_serializer() {
    let mut keys = KeySet::new().with_key(hs256(1, "a")).unwrap();
    let s = JwtSerializer::with_key_set(keys.clone(), 60).unwrap();
    let now = NumericDate::from_secs(NOW);
    let t1 = s.encode_at(&json!({"n": 1}), now).unwrap();
    keys.rotate(hs256(2, "b")).unwrap();
    let s = JwtSerializer::with_key_set(keys.clone(), 60).unwrap();
    let t2 = s.encode_at(&json!({"n": 2}), now).unwrap();
    assert_eq!(
        s.decode_at::<Value>(&t2, now)
            .unwrap()
            .header()
            .kid
            .as_deref(),
        Some("b")
    );
    assert_eq!(s.decode_claims_at::<Value>(&t1, now).unwrap()["n"], 1);
    keys.retire("a");
    let s = JwtSerializer::with_key_set(keys.clone(), 60).unwrap();
    assert_eq!(
        s.decode_claims_at::<Value>(&t1, now).unwrap_err().kind(),
        ErrorKind::UnknownKey
    );
    assert_eq!(s.decode_claims_at::<Value>(&t2, now).unwrap()["n"], 2);
    // A set without a signing key cannot make a serializer.
    keys.retire("b");
    assert_eq!(
        JwtSerializer::with_key_set(keys, 60).unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
}

#[test]
fn kid_routes_to_exactly_one_key() {
    let keys = KeySet::new()
        .with_key(hs256(1, "k1"))
        .unwrap()
        .with_key(hs256(2, "k2"))
        .unwrap()
        .with_key(
            Key::hmac(Algorithm::HS384, &[3; 48])
                .unwrap()
                .with_kid("k3"),
        )
        .unwrap();
    // Signed by k1's secret but naming k2: k1 is not tried.
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some("k2".into());
    let forged = jwt::encode(&h, &claims(), &hs256(1, "ignored")).unwrap();
    assert_eq!(check(&forged, &keys), Err(Error::InvalidSignature));
    // Naming k2 and signed by it.
    let good = jwt::encode(&h, &claims(), &hs256(2, "ignored")).unwrap();
    assert_eq!(check(&good, &keys).unwrap(), claims());
    // Naming an HS384 key with alg HS256.
    h.kid = Some("k3".into());
    let t = jwt::encode(&h, &claims(), &hs256(3, "ignored")).unwrap();
    assert_eq!(
        check(&t, &keys),
        Err(Error::AlgorithmNotAllowed {
            alg: "HS256".into()
        })
    );
    // kid compared exactly.
    h.kid = Some("K1".into());
    let t = jwt::encode(&h, &claims(), &hs256(1, "ignored")).unwrap();
    assert_eq!(
        check(&t, &keys),
        Err(Error::UnknownKey {
            kid: Some("K1".into())
        })
    );
}

#[test]
fn tokens_without_kid() {
    let no_kid = |byte: u8| {
        jwt::encode(
            &Header::default(),
            &claims(),
            &Key::hmac(Algorithm::HS256, &[byte; 32]).unwrap(),
        )
        .unwrap()
    };
    let keys = KeySet::new()
        .with_key(hs256(1, "k1"))
        .unwrap()
        .with_key(hs256(2, "k2"))
        .unwrap();
    // Every HS256 key is tried.
    assert_eq!(check(&no_kid(1), &keys).unwrap(), claims());
    assert_eq!(check(&no_kid(2), &keys).unwrap(), claims());
    assert_eq!(check(&no_kid(9), &keys), Err(Error::InvalidSignature));
    // Refused when the set requires kid.
    let strict = keys.clone().require_kid(true);
    assert_eq!(
        check(&no_kid(1), &strict),
        Err(Error::UnknownKey { kid: None })
    );
    // No key for the header's algorithm.
    let t = jwt::encode(
        &Header::default(),
        &claims(),
        &Key::hmac(Algorithm::HS512, &[1; 64]).unwrap(),
    )
    .unwrap();
    assert_eq!(
        check(&t, &keys).unwrap_err().kind(),
        ErrorKind::AlgorithmNotAllowed
    );
    // More candidates than Limits::max_keys_tried: nothing is tried.
    let mut many = KeySet::new();
    for i in 0..=Limits::DEFAULT.max_keys_tried {
        many.add(hs256(i as u8 + 1, &format!("k{i}"))).unwrap();
    }
    assert_eq!(
        check(&no_kid(1), &many),
        Err(Error::ResourceLimit {
            limit: Limit::MaxKeysTried,
            max: 8
        })
    );
    many.retire("k8");
    assert_eq!(check(&no_kid(8), &many).unwrap(), claims());
}

const K32: &str = "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg";

#[test]
fn jwk_set_loading() {
    let set = JwkLoader::new().key_set(&format!(
        r#"{{"keys":[
            {{"kty":"RSA","kid":"rsa","use":"enc","alg":"RSA-OAEP","n":"AQAB","e":"AQAB"}},
            {{"kty":"oct","kid":"v","alg":"HS256","key_ops":["verify"],"k":"{K32}"}},
            {{"kty":"oct","kid":"s","alg":"HS256","use":"sig","k":"{K32}"}},
            {{"kty":"oct","kid":"e","alg":"HS256","use":"enc","k":"{K32}"}},
            {{"kty":"OKP","kid":"ed","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},
            {{"kty":"EC","kid":"p521","crv":"P-521","x":"AA","y":"AA"}},
            {{"kty":"EC","kid":"es512","alg":"ES512","crv":"P-521","x":"AA","y":"AA"}},
            {{"kty":"oct","kid":"dir","alg":"dir","k":"{K32}"}},
            {{"kty":"PQC","kid":"pqc"}}
        ]}}"#
    ))
    .unwrap();
    let kids: Vec<_> = set
        .iter()
        .map(|k| (k.kid().unwrap(), k.algorithm()))
        .collect();
    assert_eq!(
        kids,
        [
            ("v", Algorithm::HS256),
            ("s", Algorithm::HS256),
            ("ed", Algorithm::EdDSA)
        ]
    );
    // The verify-only key and the public key never sign.
    assert_eq!(set.current().and_then(Key::kid), Some("s"));
    // A single JWK is a set of one.
    let one = JwkLoader::new()
        .key_set(&format!(
            r#"{{"kty":"oct","alg":"HS384","k":"{}"}}"#,
            "A".repeat(64)
        ))
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one.current().map(Key::algorithm), Some(Algorithm::HS384));
    // Short secrets only with the opt-out.
    let short = r#"{"kty":"oct","alg":"HS256","k":"c2VrcmV0"}"#;
    assert_eq!(
        JwkLoader::new().key(short).unwrap_err(),
        Error::InvalidKey {
            reason: "HMAC key is shorter than the hash output (RFC 7518 section 3.2)"
        }
    );
    assert_eq!(
        JwkLoader::new()
            .allow_short_secret()
            .key(short)
            .unwrap()
            .algorithm(),
        Algorithm::HS256
    );
    // A JWK without alg takes the loader's default.
    let no_alg = format!(r#"{{"kty":"oct","k":"{K32}"}}"#);
    assert_eq!(
        JwkLoader::new()
            .default_algorithm(Algorithm::HS256)
            .key(&no_alg)
            .unwrap()
            .algorithm(),
        Algorithm::HS256
    );
}

#[test]
fn jwk_errors_are_invalid_key() {
    let k = K32;
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "JWK Set is not a JSON object"),
        ("[]".into(), "JWK Set is not a JSON object"),
        (r#"{"keys":{}}"#.into(), "JWK Set keys must be an array"),
        (r#"{"keys":[1]}"#.into(), "JWK is not a JSON object"),
        (r#"{"keys":[]}"#.into(), "JWK Set has no usable key"),
        (
            r#"{"keys":[{"kty":"EC","crv":"P-521"},{"kty":"oct","alg":"A128KW","k":"AA"}]}"#
                .into(),
            "JWK Set has no usable key",
        ),
        (
            r#"{"keys":[{"kty":"EC","crv":"P-256"}]}"#.into(),
            "an EC JWK needs x",
        ),
        (r#"{"keys":[{"k":"AAAA"}]}"#.into(), "JWK has no kty"),
        (r#"{"keys":[{"kty":7}]}"#.into(), "kty must be a string"),
        (r#"{"kty":"PQC"}"#.into(), "unsupported kty"),
        (
            r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#.into(),
            "the JWK has no alg and none was given",
        ),
        (
            r#"{"kty":"RSA","alg":"RS256","n":"AQAB","e":"AQAB"}"#.into(),
            "RSA modulus shorter than 2048 bits (RFC 7518 section 3.3)",
        ),
        (
            r#"{"kty":"RSA","alg":"ES256","n":"AQAB","e":"AQAB"}"#.into(),
            "alg does not fit the key type",
        ),
        (r#"{"kty":"EC"}"#.into(), "an EC JWK needs crv"),
        (r#"{"kty":"OKP"}"#.into(), "an OKP JWK needs crv"),
        (
            r#"{"kty":"OKP","crv":"Ed448","x":"AA"}"#.into(),
            "Ed448 is not supported by ring",
        ),
        (
            r#"{"kty":"oct","alg":"HS256"}"#.into(),
            "a required JWK key member is missing",
        ),
        (
            r#"{"kty":"oct","alg":"HS256","k":5}"#.into(),
            "a JWK key member is not a string",
        ),
        (
            format!(r#"{{"kty":"oct","alg":"HS256","k":"{k}="}}"#),
            "a JWK key member is not base64url without padding",
        ),
        (
            format!(
                r#"{{"kty":"oct","alg":"HS256","k":"{}"}}"#,
                k.replace('-', "+")
            ),
            "a JWK key member is not base64url without padding",
        ),
        (
            r#"{"kty":"oct","alg":"HS256","k":""}"#.into(),
            "HMAC key is empty",
        ),
        (
            // base64url("-----BEGIN PUBLIC KEY-----\nMIIB...")
            r#"{"kty":"oct","alg":"HS256","k":"LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUlJQklqQU5CZ2txaGtpRzl3MEJBUUVGQUFPQ0FROEFNSUlC"}"#.into(),
            "HMAC key looks like a PEM or SSH public key (key confusion)",
        ),
        (
            format!(r#"{{"kty":"oct","alg":"RS256","k":"{k}"}}"#),
            "alg does not fit the key type",
        ),
        (
            format!(r#"{{"kty":"oct","alg":"none","k":"{k}"}}"#),
            "unsupported alg",
        ),
        (
            format!(r#"{{"kty":"oct","alg":"hs256","k":"{k}"}}"#),
            "unsupported alg",
        ),
        (
            format!(r#"{{"kty":"oct","alg":256,"k":"{k}"}}"#),
            "alg must be a string",
        ),
        (
            format!(r#"{{"kty":"oct","k":"{k}"}}"#),
            "the JWK has no alg and none was given",
        ),
        (
            format!(r#"{{"kty":"oct","alg":"HS256","kid":1,"k":"{k}"}}"#),
            "kid must be a string",
        ),
        (
            format!(r#"{{"kty":"oct","alg":"HS256","use":1,"k":"{k}"}}"#),
            "use must be a string",
        ),
        (
            format!(r#"{{"kty":"oct","alg":"HS256","key_ops":"sign","k":"{k}"}}"#),
            "key_ops must be an array of strings",
        ),
        (
            format!(r#"{{"kty":"oct","alg":"HS256","key_ops":[1],"k":"{k}"}}"#),
            "key_ops must be an array of strings",
        ),
        (
            format!(
                r#"{{"keys":[{{"kty":"oct","alg":"HS256","kid":"a","k":"{k}"}},{{"kty":"oct","alg":"HS256","kid":"a","k":"{k}"}}]}}"#
            ),
            "duplicate kid in key set",
        ),
        (
            // A bad oct key refuses the whole set even next to good keys.
            format!(
                r#"{{"keys":[{{"kty":"oct","alg":"HS256","kid":"a","k":"{k}"}},{{"kty":"oct","alg":"HS256","kid":"b","k":"c2VrcmV0"}}]}}"#
            ),
            "HMAC key is shorter than the hash output (RFC 7518 section 3.2)",
        ),
    ];
    for (json, reason) in &cases {
        assert_eq!(
            JwkLoader::new().key_set(json).unwrap_err(),
            Error::InvalidKey { reason },
            "{json}"
        );
    }
    // A single JWK refused for usage is an error too (not skipped).
    assert_eq!(
        JwkLoader::new()
            .key(&format!(
                r#"{{"kty":"oct","alg":"HS256","use":"enc","k":"{k}"}}"#
            ))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidKey
    );
    assert_eq!(
        JwkLoader::new().key("[1]").unwrap_err(),
        Error::InvalidKey {
            reason: "JWK is not a JSON object"
        }
    );
}
