#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! encode / decode, typed and map claims, the policy's claim checks, the
//! serializer, and unverified claim access. Expected token bytes were
//! computed independently (Python hmac + base64).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use timed_jws::dangerous::decode_claims_unverified;
use timed_jws::{
    jwt, Algorithm, Audience, Claim, Claims, Error, ErrorKind, Header, JwtSerializer, Key, Limit,
    Limits, NumericDate, Part, RegisteredClaims, Validation,
};

fn key() -> Key {
    Key::hmac(Algorithm::HS256, &[0x5a; 32]).unwrap()
}

const NOW: i64 = 1_700_000_000;

fn now() -> NumericDate {
    NumericDate::from_secs(NOW)
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Role {
    role: String,
}

#[test]
fn encode_exact_bytes_and_typed_decode() {
    let claims = Claims::new(Role {
        role: "admin".into(),
    })
    .subject("alice")
    .expires_at(NumericDate::from_secs(1_700_000_600));
    let token = jwt::encode(&Header::default(), &claims, &key()).unwrap();
    assert_eq!(
        token,
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTcwMDAwMDYwMCwicm9sZSI6ImFkbWluIn0.-Yg7nHC2Q65wH9s1GeyOVJ5mjICrL9r6cW_iLb3U3HI"
    );
    let d = jwt::decode_at::<Role>(&token, &key(), &Validation::new(), now()).unwrap();
    assert_eq!(
        *d.claims(),
        Role {
            role: "admin".into()
        }
    );
    assert_eq!(
        *d.registered(),
        RegisteredClaims {
            sub: Some("alice".into()),
            exp: Some(NumericDate::from_secs(1_700_000_600)),
            ..RegisteredClaims::default()
        }
    );
    assert_eq!(d.header().typ.as_deref(), Some("JWT"));
    // The default T is the whole claims set as a map.
    let d =
        jwt::decode_at::<Map<String, Value>>(&token, &key(), &Validation::new(), now()).unwrap();
    assert_eq!(
        Value::Object(d.into_claims()),
        json!({"sub": "alice", "exp": 1700000600, "role": "admin"})
    );
}

#[test]
fn header_defaults_and_overrides() {
    let c = json!({"exp": NOW + 1});
    // kid from the key; typ kept when given; alg must be the key's.
    let k = key().with_kid("k-1");
    let h = Header {
        typ: Some("at+jwt".into()),
        ..Header::default()
    };
    let t = jwt::encode(&h, &c, &k).unwrap();
    let d = jwt::decode_at::<Value>(&t, &k, &Validation::new().typ("AT+JWT"), now()).unwrap();
    assert_eq!(d.header().kid.as_deref(), Some("k-1"));
    assert_eq!(d.header().typ.as_deref(), Some("at+jwt"));
    assert_eq!(
        jwt::encode(&Header::new(Algorithm::HS512), &c, &key()).unwrap_err(),
        Error::AlgorithmNotAllowed {
            alg: "HS512".into()
        }
    );
    // Expected typ but none in the token.
    let plain = timed_jws::jws::sign(
        &Header::new(Algorithm::HS256),
        br#"{"exp":1700000001}"#,
        &key(),
    )
    .unwrap();
    assert_eq!(
        jwt::decode_at::<Value>(&plain, &key(), &Validation::new().typ("JWT"), now()).unwrap_err(),
        Error::InvalidHeader {
            reason: "missing typ"
        }
    );
    assert!(jwt::decode_at::<Value>(&plain, &key(), &Validation::new(), now()).is_ok());
}

#[test]
fn encode_refuses_what_decode_would_refuse() {
    let k = key();
    let h = Header::default();
    let malformed = |e: Error| {
        matches!(
            e,
            Error::Malformed {
                part: Part::Payload,
                ..
            }
        )
    };
    assert!(malformed(jwt::encode(&h, &json!([1, 2]), &k).unwrap_err()));
    assert!(malformed(jwt::encode(&h, &"text", &k).unwrap_err()));
    // A custom struct repeating a registered claim set in Claims.
    #[derive(Serialize)]
    struct HasExp {
        exp: i64,
    }
    let dup = Claims::new(HasExp { exp: 5 }).expires_at(NumericDate::from_secs(6));
    assert!(malformed(jwt::encode(&h, &dup, &k).unwrap_err()));
    assert_eq!(
        jwt::encode(&h, &json!({"aud": 5}), &k).unwrap_err(),
        Error::InvalidClaim {
            claim: "aud".into(),
            reason: "aud must be a string or an array of strings"
        }
    );
}

#[test]
fn decode_errors_in_order() {
    let k = key();
    let v = Validation::new();
    let t = jwt::encode(&Header::default(), &json!({"exp": NOW + 5, "n": 1}), &k).unwrap();
    // The claims do not fit the requested type.
    #[derive(Deserialize, Debug)]
    struct NeedsName {
        #[allow(dead_code)]
        name: String,
    }
    assert_eq!(
        jwt::decode_at::<NeedsName>(&t, &k, &v, now()).unwrap_err(),
        Error::Malformed {
            part: Part::Payload,
            reason: "claims set does not match the requested type"
        }
    );
    // The policy refuses the key's own algorithm.
    assert_eq!(
        jwt::decode_at::<Value>(
            &t,
            &k,
            &v.clone().with_algorithms([Algorithm::HS384]),
            now()
        )
        .unwrap_err()
        .kind(),
        ErrorKind::AlgorithmNotAllowed
    );
    // Another key of the same algorithm.
    let other = Key::hmac(Algorithm::HS256, &[1; 32]).unwrap();
    assert_eq!(
        jwt::decode_at::<Value>(&t, &other, &v, now()).unwrap_err(),
        Error::InvalidSignature
    );
    // A valid MAC over a non-UTF-8 claims set.
    let bad =
        timed_jws::jws::sign(&Header::new(Algorithm::HS256), b"{\"a\":\"\xff\"}", &k).unwrap();
    assert_eq!(
        jwt::decode_at::<Value>(&bad, &k, &v, now()).unwrap_err(),
        Error::Malformed {
            part: Part::Payload,
            reason: "claims set is not UTF-8"
        }
    );
    // Depth limit on the claims set.
    let deep = format!(
        "{{\"exp\":{},\"x\":{}{}}}",
        NOW + 5,
        "[".repeat(10),
        "]".repeat(10)
    );
    let deep = timed_jws::jws::sign(&Header::new(Algorithm::HS256), deep.as_bytes(), &k).unwrap();
    let mut limits = Limits::default();
    limits.max_json_depth = 5;
    assert_eq!(
        jwt::decode_at::<Value>(&deep, &k, &v.clone().with_limits(limits), now()).unwrap_err(),
        Error::ResourceLimit {
            limit: Limit::MaxJsonDepth,
            max: 5
        }
    );
    assert!(jwt::decode_at::<Value>(&deep, &k, &v, now()).is_ok());
}

#[test]
fn required_custom_and_registered_claims() {
    let k = key();
    let t = jwt::encode(
        &Header::default(),
        &json!({"exp": NOW + 5, "tenant": "t1", "jti": "j"}),
        &k,
    )
    .unwrap();
    let v = Validation::new().require("tenant").require(Claim::Jti);
    assert!(jwt::decode_at::<Value>(&t, &k, &v, now()).is_ok());
    assert_eq!(
        jwt::decode_at::<Value>(
            &t,
            &k,
            &v.clone().require(Claim::Custom("org".into())),
            now()
        )
        .unwrap_err(),
        Error::MissingClaim {
            claim: "org".into()
        }
    );
    assert_eq!(
        jwt::decode_at::<Value>(&t, &k, &v.require(Claim::Nbf), now()).unwrap_err(),
        Error::MissingClaim {
            claim: "nbf".into()
        }
    );
    // exp optional only when asked.
    let no_exp = jwt::encode(&Header::default(), &json!({"sub": "s"}), &k).unwrap();
    assert_eq!(
        jwt::decode_at::<Value>(&no_exp, &k, &Validation::new(), now()).unwrap_err(),
        Error::MissingClaim {
            claim: "exp".into()
        }
    );
    assert!(
        jwt::decode_at::<Value>(&no_exp, &k, &Validation::new().allow_missing_exp(), now()).is_ok()
    );
}

#[test]
fn audience_forms_are_kept() {
    let k = key();
    for aud in [json!("a"), json!(["a"]), json!(["b", "a"])] {
        let t = jwt::encode(&Header::default(), &json!({"exp": NOW + 5, "aud": aud}), &k).unwrap();
        let d = jwt::decode_at::<Value>(&t, &k, &Validation::new().audience("a"), now()).unwrap();
        let expected = match &aud {
            Value::String(s) => Audience::One(s.clone()),
            Value::Array(a) => {
                Audience::Many(a.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
            }
            _ => unreachable!(),
        };
        assert_eq!(d.registered().aud.as_ref(), Some(&expected));
        // Re-encoding the registered claims writes the same form.
        assert_eq!(serde_json::to_value(d.registered()).unwrap()["aud"], aud);
        // No audience configured: a token with aud is refused.
        assert_eq!(
            jwt::decode_at::<Value>(&t, &k, &Validation::new(), now())
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidAudience
        );
    }
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Reset {
    user_id: u64,
}

#[test]
fn serializer_encodes_and_decodes() {
    let s = JwtSerializer::new(key(), 3600)
        .issuer("https://app.example")
        .audience("api");
    let t = s.encode_at(&Reset { user_id: 42 }, now()).unwrap();
    assert_eq!(
        t,
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2FwcC5leGFtcGxlIiwiYXVkIjoiYXBpIiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDAsInVzZXJfaWQiOjQyfQ.mtz7xyhTLsy5hshlUHckoNVJrYnPlc2OUgUSnxtamFo"
    );
    let at = |secs: i64| s.decode_claims_at::<Reset>(&t, NumericDate::from_secs(secs));
    assert_eq!(at(NOW).unwrap(), Reset { user_id: 42 });
    assert_eq!(at(NOW + 3599).unwrap(), Reset { user_id: 42 });
    assert_eq!(
        at(NOW + 3600).unwrap_err(),
        Error::Expired {
            exp: NOW + 3600,
            now: NOW + 3600
        }
    );
    let lenient = s.clone().with_leeway(10);
    assert!(lenient
        .decode_claims_at::<Reset>(&t, NumericDate::from_secs(NOW + 3609))
        .is_ok());
    // Another issuer's or audience's serializer refuses it.
    let other_iss = JwtSerializer::new(key(), 3600)
        .issuer("https://other.example")
        .audience("api");
    assert_eq!(
        other_iss
            .decode_claims_at::<Reset>(&t, now())
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidClaim
    );
    let other_aud = JwtSerializer::new(key(), 3600)
        .issuer("https://app.example")
        .audience("web");
    assert_eq!(
        other_aud
            .decode_claims_at::<Reset>(&t, now())
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidAudience
    );
    // A plain serializer refuses a token with aud (none configured) and
    // tokens without iat.
    let plain = JwtSerializer::new(key(), 3600);
    assert_eq!(
        plain
            .decode_claims_at::<Reset>(&t, now())
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidAudience
    );
    let no_iat = jwt::encode(
        &Header::default(),
        &json!({"exp": NOW + 5, "user_id": 1}),
        &key(),
    )
    .unwrap();
    assert_eq!(
        plain.decode_claims_at::<Reset>(&no_iat, now()).unwrap_err(),
        Error::MissingClaim {
            claim: "iat".into()
        }
    );
    // Claims that collide with the serializer's own, or are not an object.
    assert_eq!(
        plain
            .encode_at(&json!({"exp": 1}), now())
            .unwrap_err()
            .kind(),
        ErrorKind::Malformed
    );
    assert_eq!(
        plain.encode_at(&[1, 2], now()).unwrap_err().kind(),
        ErrorKind::Malformed
    );
    // exp beyond the NumericDate range.
    assert_eq!(
        JwtSerializer::new(key(), u64::MAX)
            .encode_at(&Reset { user_id: 1 }, now())
            .unwrap_err(),
        Error::InvalidClaim {
            claim: "exp".into(),
            reason: "NumericDate out of range"
        }
    );
    // With the system clock.
    let fresh = plain.encode(&Reset { user_id: 7 }).unwrap();
    assert_eq!(
        plain.decode_claims::<Reset>(&fresh).unwrap(),
        Reset { user_id: 7 }
    );
    let full = plain
        .decode_at::<Reset>(&fresh, NumericDate::now())
        .unwrap();
    let r = full.registered();
    assert_eq!(r.exp.unwrap().secs() - r.iat.unwrap().secs(), 3600);
}

#[test]
fn decode_with_system_clock() {
    let k = key();
    let far = jwt::encode(&Header::default(), &json!({"exp": i64::MAX}), &k).unwrap();
    assert!(jwt::decode::<Value>(&far, &k, &Validation::new()).is_ok());
    let past = jwt::encode(&Header::default(), &json!({"exp": 1}), &k).unwrap();
    assert_eq!(
        jwt::decode::<Value>(&past, &k, &Validation::new())
            .unwrap_err()
            .kind(),
        ErrorKind::Expired
    );
}

#[test]
fn unverified_claims_for_routing() {
    let t = jwt::encode(
        &Header::default(),
        &json!({"iss": "tenant-7", "exp": NOW, "x": 1}),
        &key().with_kid("k9"),
    )
    .unwrap();
    // No key needed; nothing is checked, not even exp.
    let (h, r, all) =
        decode_claims_unverified::<Map<String, Value>>(&t, &Limits::default()).unwrap();
    assert_eq!(h.kid.as_deref(), Some("k9"));
    assert_eq!(r.iss.as_deref(), Some("tenant-7"));
    assert_eq!(all["x"], 1);
    // Structure is still enforced.
    let bad = timed_jws::jws::sign(&Header::new(Algorithm::HS256), b"[1]", &key()).unwrap();
    assert_eq!(
        decode_claims_unverified::<Value>(&bad, &Limits::default())
            .unwrap_err()
            .kind(),
        ErrorKind::Malformed
    );
}
