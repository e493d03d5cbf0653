#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Flask's session cookie, `compat::flask::SessionSerializer`.
//!
//! * Every case of tests/data/itsdangerous-classic/flask-session.json (cookies
//!   made by Flask 3.1.3, 2.0.3 and 1.1.4 through the test client at a fixed
//!   clock, see the README there): the cookie made byte for byte from the
//!   session as set, the clock and `SECRET_KEY`; and every entry of its
//!   `checks` (cookie + clock, and for the rotation checks the app's keys):
//!   the session the app saw, or, where the app saw `{}` (an empty session),
//!   the exact error kind and itsdangerous class.
//! * What the vectors do not cover: BadPayload (validly signed, bad payload),
//!   the inflate bound, itsdangerous 1.1's SHA-512 fallback signer, the
//!   version checks, the timestamp returned, `Debug`.

#[path = "common/flask_vectors.rs"]
mod flask_vectors;

use flask_vectors::{cases, session_as_set, typed_session};
use serde_json::{json, Value};
use timed_jws::compat::flask::{
    self, Session, SessionSerializer, TaggedValue, PERMANENT_SESSION_LIFETIME, SESSION_SALT,
};
use timed_jws::compat::itsdangerous::{
    BadDataClass, ClassicLimits, Digest, ItsDangerousVersion, KeyDerivation, URLSafeTimedSerializer,
};
use timed_jws::ErrorKind;

/// The itsdangerous version under the Flask of a case.
fn version_of(case: &Value) -> ItsDangerousVersion {
    match case["itsdangerous_version"].as_str().unwrap() {
        "2.2.0" | "2.0.1" => ItsDangerousVersion::V2,
        "1.1.0" => ItsDangerousVersion::V1,
        other => panic!("itsdangerous {other}"),
    }
}

/// The app of a case: its SECRET_KEY, SECRET_KEY_FALLBACKS (where set),
/// PERMANENT_SESSION_LIFETIME and itsdangerous version; a check may name
/// other keys (`app_secret_key`, `app_secret_key_fallbacks`).
fn app(case: &Value, check: Option<&Value>) -> SessionSerializer {
    let (key, fallbacks) = match check {
        Some(c) if c.get("app_secret_key").is_some() => {
            (&c["app_secret_key"], &c["app_secret_key_fallbacks"])
        }
        _ => (&case["secret_key"], &case["secret_key_fallbacks"]),
    };
    let fallbacks: Vec<&str> = fallbacks
        .as_array()
        .map(|a| a.iter().map(|k| k.as_str().unwrap()).collect())
        .unwrap_or_default();
    assert_eq!(
        case["max_age_on_read"], case["permanent_session_lifetime_s"],
        "Flask reads with max_age = PERMANENT_SESSION_LIFETIME"
    );
    SessionSerializer::builder(key.as_str().unwrap())
        .fallback_secret_keys(fallbacks)
        .permanent_session_lifetime(case["permanent_session_lifetime_s"].as_i64().unwrap())
        .version(version_of(case))
        .build()
        .unwrap()
}

#[test]
fn vectors_cookie_byte_for_byte() {
    let cases = cases();
    assert_eq!(cases.len(), 19);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        assert_eq!(
            (
                case["salt"].as_str(),
                case["key_derivation"].as_str(),
                case["digest"].as_str()
            ),
            (Some(SESSION_SALT), Some("hmac"), Some("sha1")),
            "{name}"
        );
        let now = case["now"].as_i64().unwrap();
        let cookie = app(case, None)
            .dumps_at(&session_as_set(case), now)
            .unwrap();
        assert_eq!(cookie, case["cookie"].as_str().unwrap(), "{name}");
        assert_eq!(
            cookie.starts_with('.'),
            case["compressed"].as_bool().unwrap(),
            "{name}"
        );
        assert_eq!(
            case["set_cookie"]
                .as_str()
                .unwrap()
                .strip_prefix("session=")
                .and_then(|c| c.split(';').next()),
            Some(cookie.as_str()),
            "{name}"
        );
    }
}

/// The error the app's read gives where Flask saw an empty session: its
/// kind and itsdangerous class, by the check's description.
fn expected_rejection(case: &Value, what: &str) -> (ErrorKind, BadDataClass) {
    match what {
        "age == max_age + 1 (session dropped)" => {
            (ErrorKind::Expired, BadDataClass::SignatureExpired)
        }
        // itsdangerous >= 2.0: "Signature age -1 < 0 seconds". (1.1 accepts
        // it: its check saw the session.)
        "clock 1 s before the signing time (negative age)" => {
            assert_eq!(version_of(case), ItsDangerousVersion::V2);
            (ErrorKind::NotYetValid, BadDataClass::SignatureExpired)
        }
        "app with the new key only" => {
            (ErrorKind::InvalidSignature, BadDataClass::BadTimeSignature)
        }
        // The last of the 27 characters of a SHA-1 MAC carries 4 data bits
        // and 2 unused ones: `o` -> `5` sets an unused bit, so the segment
        // is not canonical base64url (itsdangerous decodes it leniently and
        // finds a mismatch; both drop the session).
        "tampered cookie (last signature character changed)" => {
            (ErrorKind::Malformed, BadDataClass::BadTimeSignature)
        }
        other => panic!("no expected rejection for {other:?}"),
    }
}

#[test]
fn vectors_every_check() {
    let mut checked = 0;
    let mut rejected = 0;
    for case in &cases() {
        let name = case["name"].as_str().unwrap();
        let signed_at = case["now"].as_i64().unwrap();
        for check in case["checks"].as_array().unwrap() {
            let what = check["what"].as_str().unwrap();
            let cookie = check["cookie"].as_str().unwrap();
            let now = check["now"].as_i64().unwrap();
            let app = app(case, Some(check));
            // Flask's open_session: the session the app saw, `{}` included.
            assert_eq!(
                app.open_session_at(Some(cookie), now).unwrap(),
                typed_session(&check["session_seen"]),
                "{name}: {what}"
            );
            let got = app.loads_with_timestamp_at(cookie, now);
            if check["session_seen"] == json!({}) {
                let err = got.expect_err(&format!("{name}: {what}"));
                let (kind, class) = expected_rejection(case, what);
                assert_eq!(
                    (err.kind(), err.itsdangerous_class()),
                    (kind, class),
                    "{name}: {what}"
                );
                // Flask gives an empty session for every one of these.
                assert!(err.itsdangerous_class().is_bad_signature(), "{name}");
                rejected += 1;
            } else {
                let (session, ts) = got.unwrap_or_else(|e| panic!("{name}: {what}: {e}"));
                assert_eq!(
                    session,
                    typed_session(&check["session_seen"]),
                    "{name}: {what}"
                );
                assert_eq!(ts, signed_at, "{name}: {what}");
            }
            checked += 1;
        }
    }
    // 19 cases x 4 clocks plus the 3 rotation and tamper checks; rejected:
    // age + 1 (19), 1 s early (18: not under Flask 1.1), the new key alone
    // and the tampered cookie.
    assert_eq!((checked, rejected), (79, 39));
}

fn user_42() -> Session {
    Session::from([("user_id".to_owned(), TaggedValue::from(42u64))])
}

const USER_42_COOKIE: &str = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM";

#[test]
fn expired_error_carries_the_tagged_json_and_the_signing_time() {
    let s = SessionSerializer::builder("dev-secret").build().unwrap();
    assert_eq!(s.max_age(), 2_678_400);
    assert_eq!(PERMANENT_SESSION_LIFETIME, 2_678_400);
    let err = s.loads_at(USER_42_COOKIE, 1_702_678_401).unwrap_err();
    assert_eq!(
        err.itsdangerous_message(),
        Some("Signature age 2678401 > 2678400 seconds")
    );
    assert_eq!(err.payload(), Some(&json!({"user_id": 42})));
    assert_eq!(err.issued_at().unwrap().secs(), 1_700_000_000);
}

#[test]
fn rotation_secret_key_signs_fallbacks_verify() {
    // SECRET_KEY = dev-secret signs even with fallbacks configured: the
    // cookie is the one an app with dev-secret alone writes.
    let rotated = SessionSerializer::builder("dev-secret")
        .fallback_secret_keys(["old-dev-secret"])
        .build()
        .unwrap();
    assert_eq!(
        rotated.dumps_at(&user_42(), 1_700_000_000).unwrap(),
        USER_42_COOKIE
    );
    // A cookie of the old key (the vector secret_key_fallbacks) and one of
    // the new key both read; a third key does not.
    let old_cookie = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.MrsMwW9gKB-4-70kfislyLLktXo";
    for cookie in [USER_42_COOKIE, old_cookie] {
        assert_eq!(rotated.loads_at(cookie, 1_700_000_000).unwrap(), user_42());
    }
    let other = SessionSerializer::builder("other-secret")
        .fallback_secret_keys(["old-dev-secret"])
        .build()
        .unwrap();
    assert_eq!(
        other
            .loads_at(USER_42_COOKIE, 1_700_000_000)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
    // Fallback keys need itsdangerous 2.x (Flask 3.1).
    for v in [ItsDangerousVersion::V1, ItsDangerousVersion::V0_24] {
        let err = SessionSerializer::builder("dev-secret")
            .fallback_secret_keys(["old-dev-secret"])
            .version(v)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidKey);
    }
}

/// An itsdangerous serializer with Flask's session settings, to sign
/// payloads Flask would never write.
fn flask_signer(secret: &str) -> URLSafeTimedSerializer {
    URLSafeTimedSerializer::builder(secret)
        .salt(SESSION_SALT)
        .key_derivation(KeyDerivation::Hmac)
        .digest(Digest::Sha1)
        .build()
        .unwrap()
}

#[test]
fn validly_signed_bad_payload_is_bad_payload() {
    let s = SessionSerializer::builder("dev-secret").build().unwrap();
    let signer = flask_signer("dev-secret");
    // The signer itself makes the user_id_42 cookie: same settings.
    assert_eq!(
        signer
            .dumps_raw_at(r#"{"user_id":42}"#, 1_700_000_000)
            .unwrap(),
        USER_42_COOKIE
    );
    let message =
        "Could not load the payload because an exception occurred on unserializing the data.";
    for json in [
        "not json",
        "[1,2]",
        r#"{"id":{" u":"not-a-uuid"}}"#,
        r#"{"n":99999999999999999999}"#,
    ] {
        let cookie = signer.dumps_raw_at(json, 1_700_000_000).unwrap();
        let err = s.loads_at(&cookie, 1_700_000_000).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed, "{json}");
        assert_eq!(err.itsdangerous_class(), BadDataClass::BadPayload, "{json}");
        // Flask lets BadPayload escape (HTTP 500): not a BadSignature.
        assert!(!err.itsdangerous_class().is_bad_signature());
        assert_eq!(err.itsdangerous_message(), Some(message), "{json}");
        assert_eq!(
            s.open_session_at(Some(&cookie), 1_700_000_000)
                .unwrap_err()
                .itsdangerous_class(),
            BadDataClass::BadPayload
        );
    }
    // A payload that is not base64url.
    let mut cookie = signer.dumps_raw_at("{}", 1_700_000_000).unwrap();
    cookie.insert(0, '!');
    let resigned = {
        // Re-sign the altered payload segment with a TimestampSigner of the
        // same key, so that only the payload is wrong.
        let value = cookie.rsplitn(3, '.').nth(2).unwrap().to_owned();
        let ts = timed_jws::compat::itsdangerous::TimestampSigner::builder("dev-secret")
            .salt(SESSION_SALT)
            .key_derivation(KeyDerivation::Hmac)
            .build()
            .unwrap();
        String::from_utf8(ts.sign_at(value, 1_700_000_000).unwrap()).unwrap()
    };
    let err = s.loads_at(&resigned, 1_700_000_000).unwrap_err();
    assert_eq!(
        (err.kind(), err.itsdangerous_class()),
        (ErrorKind::Malformed, BadDataClass::BadPayload)
    );
    assert_eq!(
        err.itsdangerous_message(),
        Some("Could not base64 decode the payload because of an exception")
    );
}

#[test]
fn inflate_is_bounded_by_max_payload_len() {
    // 20,000 bytes of session JSON compress to a cookie of a few hundred.
    let big = Session::from([("pad".to_owned(), TaggedValue::from("a".repeat(20_000)))]);
    let writer = SessionSerializer::builder("dev-secret").build().unwrap();
    let cookie = writer.dumps_at(&big, 1_700_000_000).unwrap();
    assert!(cookie.starts_with('.') && cookie.len() < 400, "{cookie}");
    assert_eq!(writer.loads_at(&cookie, 1_700_000_000).unwrap(), big);
    let limits = ClassicLimits {
        max_payload_len: 10_000,
        ..ClassicLimits::DEFAULT
    };
    let bounded = SessionSerializer::builder("dev-secret")
        .limits(limits)
        .build()
        .unwrap();
    let err = bounded.loads_at(&cookie, 1_700_000_000).unwrap_err();
    assert_eq!(
        (err.kind(), err.itsdangerous_class()),
        (ErrorKind::ResourceLimit, BadDataClass::BadPayload)
    );
    // The JSON depth bound applies to the session JSON too.
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(70), "]".repeat(70));
    let cookie = flask_signer("dev-secret")
        .dumps_raw_at(&deep, 1_700_000_000)
        .unwrap();
    let err = writer.loads_at(&cookie, 1_700_000_000).unwrap_err();
    assert_eq!(
        (err.kind(), err.itsdangerous_class()),
        (ErrorKind::ResourceLimit, BadDataClass::BadPayload)
    );
}

#[test]
fn itsdangerous_1_1_reads_future_and_sha512_cookies() {
    // itsdangerous-classic.md §6 (confirmed with a Flask 1.1.4 app): 1.1's
    // default fallback signer, django-concat with SHA-512, also verifies.
    let sha512 = URLSafeTimedSerializer::builder("dev-secret")
        .salt(SESSION_SALT)
        .digest(Digest::Sha512)
        .build()
        .unwrap()
        .dumps_raw_at(r#"{"user_id":42}"#, 1_700_000_000)
        .unwrap();
    let v1 = SessionSerializer::builder("dev-secret")
        .version(ItsDangerousVersion::V1)
        .build()
        .unwrap();
    assert_eq!(v1.loads_at(&sha512, 1_700_000_000).unwrap(), user_42());
    let v2 = SessionSerializer::builder("dev-secret").build().unwrap();
    let err = v2.loads_at(&sha512, 1_700_000_000).unwrap_err();
    assert_eq!(
        (err.kind(), err.itsdangerous_class()),
        (ErrorKind::InvalidSignature, BadDataClass::BadTimeSignature)
    );
    // A cookie signed a day in the future: 1.1 reads it, 2.x drops it.
    assert_eq!(
        v1.loads_at(USER_42_COOKIE, 1_700_000_000 - 86_400).unwrap(),
        user_42()
    );
    assert_eq!(
        v2.loads_at(USER_42_COOKIE, 1_700_000_000 - 86_400)
            .unwrap_err()
            .itsdangerous_message(),
        Some("Signature age -86400 < 0 seconds")
    );
}

#[test]
fn short_lifetime_and_timestamps() {
    let s = SessionSerializer::builder("dev-secret")
        .permanent_session_lifetime(300)
        .build()
        .unwrap();
    assert_eq!(s.max_age(), 300);
    let cookie = s.dumps_at(&user_42(), 1_700_000_000).unwrap();
    assert_eq!(cookie, USER_42_COOKIE);
    assert_eq!(
        s.loads_with_timestamp_at(&cookie, 1_700_000_300).unwrap(),
        (user_42(), 1_700_000_000)
    );
    assert_eq!(
        s.loads_at(&cookie, 1_700_000_301).unwrap_err().kind(),
        ErrorKind::Expired
    );
    // The session JSON written is flask::encode's.
    assert_eq!(flask::encode(&user_42()).unwrap(), br#"{"user_id":42}"#);
}

#[test]
fn open_session_without_a_cookie_or_at_the_real_time() {
    let s = SessionSerializer::builder("dev-secret").build().unwrap();
    assert_eq!(
        s.open_session_at(None, 1_700_000_000).unwrap(),
        Session::new()
    );
    assert_eq!(
        s.open_session_at(Some("garbage"), 1_700_000_000).unwrap(),
        Session::new()
    );
    // The system clock is past 2023-12-15: the 2023 cookie has expired.
    assert_eq!(
        s.open_session(Some(USER_42_COOKIE)).unwrap(),
        Session::new()
    );
    assert_eq!(
        s.loads(USER_42_COOKIE).unwrap_err().kind(),
        ErrorKind::Expired
    );
    // A cookie made now reads back now.
    let fresh = s.dumps(&user_42()).unwrap();
    assert_eq!(s.open_session(Some(&fresh)).unwrap(), user_42());
    let (session, signed) = s.loads_with_timestamp(&fresh).unwrap();
    assert_eq!(session, user_42());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((now - 5..=now).contains(&signed), "{signed} vs {now}");
}

#[test]
fn debug_never_shows_secrets() {
    let b = SessionSerializer::builder("hunter2-secret").fallback_secret_keys(["old-hunter2"]);
    let s = b.clone().build().unwrap();
    let text = format!("{b:?} {s:?} {b:#?} {s:#?}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(!text.contains("104, 117"), "{text}");
}
