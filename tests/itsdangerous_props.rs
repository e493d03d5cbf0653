#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Properties of the itsdangerous serializers: round trips for arbitrary JSON
//! payloads and settings, every single-byte change rejected, arbitrary input
//! rejected with a stable kind and no panic.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use timed_jws::compat::itsdangerous::{
    BadDataClass, ItsDangerousVersion, JsonWebSignatureSerializer, TimedJsonWebSignatureSerializer,
};
use timed_jws::{Algorithm, ErrorKind};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Value::Number(Number::from_f64(f).unwrap())),
        any::<String>().prop_map(Value::String),
        "[a-zé中😀\\\\\"\u{0}-\u{1f}\u{7f}\u{2028}]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

#[derive(Debug, Clone, Copy)]
enum Alg {
    Hmac(Algorithm),
    None,
}

fn alg() -> impl Strategy<Value = Alg> {
    prop_oneof![
        Just(Alg::Hmac(Algorithm::HS256)),
        Just(Alg::Hmac(Algorithm::HS384)),
        Just(Alg::Hmac(Algorithm::HS512)),
        Just(Alg::None),
    ]
}

fn hmac_alg() -> impl Strategy<Value = Algorithm> {
    prop::sample::select(Algorithm::ALL.to_vec())
}

fn version() -> impl Strategy<Value = ItsDangerousVersion> {
    prop_oneof![
        Just(ItsDangerousVersion::V1),
        Just(ItsDangerousVersion::V0_24)
    ]
}

#[derive(Debug, Clone)]
struct Settings {
    secret: Vec<u8>,
    alg: Option<Alg>,
    version: ItsDangerousVersion,
    salt: Option<Vec<u8>>,
    expires_in: Result<i64, f64>,
    now: i64,
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        prop::collection::vec(any::<u8>(), 0..80),
        prop::option::of(alg()),
        version(),
        prop::option::of(prop::collection::vec(any::<u8>(), 0..20)),
        prop_oneof![
            (0i64..10_000_000).prop_map(Ok),
            (0.0f64..10_000_000.0).prop_map(Err)
        ],
        0i64..5_000_000_000,
    )
        .prop_map(|(secret, alg, version, salt, expires_in, now)| Settings {
            secret,
            alg,
            version,
            salt,
            expires_in,
            now,
        })
}

macro_rules! apply {
    ($b:expr, $s:expr) => {{
        let s = $s;
        let mut b = $b.version(s.version);
        match s.alg {
            Some(Alg::Hmac(a)) => b = b.algorithm(a),
            Some(Alg::None) => b = b.algorithm_none_insecure(),
            None => {}
        }
        if let Some(salt) = &s.salt {
            b = b.salt(salt);
        }
        b
    }};
}

fn timed(s: &Settings) -> TimedJsonWebSignatureSerializer {
    let b = apply!(TimedJsonWebSignatureSerializer::builder(&s.secret), s);
    match s.expires_in {
        Ok(i) => b.expires_in(i),
        Err(f) => b.expires_in(f),
    }
    .build()
    .unwrap()
}

fn untimed(s: &Settings) -> JsonWebSignatureSerializer {
    apply!(JsonWebSignatureSerializer::builder(&s.secret), s)
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn dumps_then_loads_returns_the_payload(payload in json_value(), s in settings()) {
        let t = timed(&s);
        let token = t.dumps_at(&payload, s.now).unwrap();
        // Valid from iat up to and including exp (exp >= now here).
        prop_assert_eq!(t.loads_at(&token, s.now).unwrap(), payload.clone());
        let (p2, header) = t.loads_with_header_at(&token, s.now).unwrap();
        prop_assert_eq!(&p2, &payload);
        prop_assert_eq!(header.get("iat"), Some(&Value::from(s.now)));
        prop_assert_eq!(header["alg"].as_str(), Some(t.algorithm_name()));
        // The JSON-text path writes the same bytes for text we wrote.
        let text = serde_json::to_string(&payload).unwrap();
        let via_text = t.dumps_json_at(&text, s.now).unwrap();
        prop_assert_eq!(t.loads_at(&via_text, s.now).unwrap(), payload.clone());

        let u = untimed(&s);
        let token = u.dumps(&payload).unwrap();
        prop_assert_eq!(u.loads(&token).unwrap(), payload.clone());
        prop_assert_eq!(u.loads_unverified(&token).unwrap(), (true, payload));
    }

    #[test]
    fn any_single_byte_change_is_rejected(
        payload in json_value(),
        s in settings(),
        alg in hmac_alg(),
        at in any::<prop::sample::Index>(),
        replacement in 0x20u8..0x7f,
    ) {
        let s = Settings { alg: Some(Alg::Hmac(alg)), ..s };
        let t = timed(&s);
        let token = t.dumps_at(&payload, s.now).unwrap();
        let mut bytes = token.clone().into_bytes();
        let i = at.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        let mutated = String::from_utf8(bytes).unwrap();
        let err = t.loads_at(&mutated, s.now).expect_err("a mutated token was accepted");
        prop_assert_eq!(err.itsdangerous_class(), BadDataClass::BadSignature);
        prop_assert!(
            matches!(err.kind(), ErrorKind::InvalidSignature | ErrorKind::Malformed),
            "{:?}", err
        );
        prop_assert_eq!(err.payload(), None);
        // Dropping the last byte or appending one is rejected too.
        prop_assert!(t.loads_at(&token[..token.len() - 1], s.now).is_err());
        let appended = format!("{token}{}", char::from(replacement));
        prop_assert!(t.loads_at(&appended, s.now).is_err());
    }

    #[test]
    fn arbitrary_input_is_rejected_with_a_stable_kind(
        input in prop_oneof![
            any::<String>(),
            "[A-Za-z0-9_=+/. -]{0,120}",
            "eyJ[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,90}",
        ],
        s in settings(),
        alg in hmac_alg(),
        now in any::<i64>(),
    ) {
        let hmac = Settings { alg: Some(Alg::Hmac(alg)), ..s.clone() };
        let err = timed(&hmac).loads_at(&input, now).expect_err("random input accepted");
        prop_assert_eq!(err.itsdangerous_class(), BadDataClass::BadSignature);
        prop_assert!(matches!(err.kind(), ErrorKind::InvalidSignature | ErrorKind::Malformed));
        prop_assert_eq!(err.kind().as_str().parse::<ErrorKind>(), Ok(err.kind()));
        prop_assert!(!err.to_string().is_empty());
        let _ = timed(&hmac).loads_unverified_at(&input, now);

        // Unsigned serializers parse everything: any outcome, never a panic,
        // and a kind from the stable list.
        let none = Settings { alg: Some(Alg::None), ..s };
        for result in [
            timed(&none).loads_at(&input, now).map(|_| ()),
            untimed(&none).loads(&input).map(|_| ()),
        ] {
            if let Err(e) = result {
                prop_assert!(ErrorKind::ALL.contains(&e.kind()));
                prop_assert_eq!(e.kind().as_str().parse::<ErrorKind>(), Ok(e.kind()));
            }
        }
    }
}
