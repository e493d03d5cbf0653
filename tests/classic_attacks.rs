#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Hostile inputs against the classic itsdangerous formats and Flask's
//! session cookie: forgeries, MAC-before-decode, timestamp and `max_age`
//! extremes, zlib streams, the tagged-JSON decoder, and what Python itself
//! writes that we read differently (each such case is a README row).
//!
//! Tokens marked "Python" were made by itsdangerous 2.2.0 (CPython 3.11,
//! interop/.venv-classic) with its clock at Unix 1700000000.5.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::json;
use timed_jws::compat::flask::{self, SessionSerializer};
use timed_jws::compat::itsdangerous::{
    BadDataClass, ClassicLimits, Digest, ItsDangerousVersion, LoadError, Serializer, Signer,
    TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer,
};
use timed_jws::ErrorKind;

const KEY: &str = "secret-key-A";

fn outcome(e: &LoadError) -> (BadDataClass, ErrorKind, Option<&str>) {
    (e.itsdangerous_class(), e.kind(), e.itsdangerous_message())
}

/// A token over `segment` (the part before the timestamp) signed with
/// `KEY`, as a serializer with these settings would sign it.
fn sign_timed_segment(segment: &[u8], now: i64) -> String {
    // A TimestampSigner with the serializer salt signs exactly what
    // URLSafeTimedSerializer signs: segment ‖ "." ‖ ts.
    let s = TimestampSigner::builder(KEY)
        .salt("itsdangerous")
        .build()
        .unwrap();
    String::from_utf8(s.sign_at(segment, now).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------
// Forgeries: nothing is accepted without the MAC of a configured key
// ---------------------------------------------------------------------------

#[test]
fn forged_truncated_empty_or_foreign_signatures_are_bad_signatures() {
    let s = Signer::builder(KEY).build().unwrap();
    let good = String::from_utf8(s.sign("hello")).unwrap();
    let (value, sig) = good.rsplit_once('.').unwrap();
    let other_salt = Signer::builder(KEY).salt("other").build().unwrap();
    let sha256 = Signer::builder(KEY).digest(Digest::Sha256).build().unwrap();
    let old_key = Signer::builder("old-key").build().unwrap();
    for forged in [
        format!("{value}."),              // empty signature
        format!("{value}.{}", &sig[..8]), // truncated MAC
        format!("{value}.{sig}AAAA"),     // extended MAC
        String::from_utf8(other_salt.sign(value)).unwrap(),
        String::from_utf8(sha256.sign(value)).unwrap(),
        String::from_utf8(old_key.sign(value)).unwrap(),
        format!("hellO.{sig}"),
    ] {
        // (A non-canonical signature, e.g. `sig[..10]`, is `malformed`.)
        let e = s.unsign(&forged).unwrap_err();
        let quoted = format!(
            "Signature b'{}' does not match",
            forged.rsplit_once('.').unwrap().1
        );
        assert_eq!(
            outcome(&e),
            (
                BadDataClass::BadSignature,
                ErrorKind::InvalidSignature,
                Some(quoted.as_str())
            ),
            "{forged}"
        );
        assert_eq!(e.value(), None, "nothing unauthenticated is carried");
    }
}

#[test]
fn rotation_accepts_listed_keys_only_and_expiry_under_an_old_key_is_final() {
    let old = TimestampSigner::builder("old-key").build().unwrap();
    let token = old.sign_at("v", 1_700_000_000).unwrap();
    let rotated = TimestampSigner::builder("new-key")
        .fallback_secrets(["older-key", "old-key"])
        .build()
        .unwrap();
    assert_eq!(
        rotated
            .unsign_with_timestamp_at(&token, Some(10), 1_700_000_010)
            .unwrap(),
        (b"v".to_vec(), 1_700_000_000)
    );
    let e = rotated
        .unsign_at(&token, Some(10), 1_700_000_011)
        .unwrap_err();
    assert_eq!(
        outcome(&e),
        (
            BadDataClass::SignatureExpired,
            ErrorKind::Expired,
            Some("Signature age 11 > 10 seconds")
        )
    );
    let dropped = TimestampSigner::builder("new-key")
        .fallback_secrets(["older-key"])
        .build()
        .unwrap();
    let e = dropped
        .unsign_at(&token, Some(10), 1_700_000_011)
        .unwrap_err();
    assert_eq!(
        (e.itsdangerous_class(), e.kind()),
        (BadDataClass::BadTimeSignature, ErrorKind::InvalidSignature)
    );
    // 0.24 and 1.1 take one key, as Python (a list is a TypeError there).
    for v in [ItsDangerousVersion::V1, ItsDangerousVersion::V0_24] {
        let e = TimestampSigner::builder("new-key")
            .version(v)
            .fallback_secrets(["old-key"])
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidKey);
    }
}

#[test]
fn zlib_bomb_behind_a_bad_mac_is_refused_before_inflating() {
    // 64 MiB of zeros compress to ~64 KiB; under a bad MAC the error must be
    // the signature's, not the inflate limit's (MAC first).
    let bomb = {
        use std::io::Write as _;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(b"\"").unwrap();
        z.write_all(&vec![b'0'; 64 << 20]).unwrap();
        z.write_all(b"\"").unwrap();
        z.finish().unwrap()
    };
    let segment = format!(".{}", URL_SAFE_NO_PAD.encode(&bomb));
    let token = sign_timed_segment(segment.as_bytes(), 1_700_000_000);
    let s = URLSafeTimedSerializer::builder(KEY).build().unwrap();
    let (good_prefix, _) = token.rsplit_once('.').unwrap();
    let forged = format!("{good_prefix}.AAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let e = s.loads_at(&forged, None, 1_700_000_000).unwrap_err();
    assert_eq!(
        (e.itsdangerous_class(), e.kind()),
        (BadDataClass::BadTimeSignature, ErrorKind::InvalidSignature)
    );
    // loads_unsafe decodes the unverified payload only within the limit.
    assert_eq!(
        s.loads_unsafe_at(&forged, None, 1_700_000_000).unwrap(),
        (false, None)
    );
    // With the right MAC it is the inflate limit, class BadPayload.
    let e = s.loads_at(&token, None, 1_700_000_000).unwrap_err();
    assert_eq!(
        (e.itsdangerous_class(), e.kind()),
        (BadDataClass::BadPayload, ErrorKind::ResourceLimit)
    );
}

#[test]
fn many_empty_deflate_blocks_inflate_to_nothing_and_fail_as_json() {
    // zlib header, 30,000 empty non-final stored blocks, a final empty one,
    // Adler-32 of nothing: 150 KB of input, 0 bytes of output.
    let mut z = vec![0x78, 0x01];
    for _ in 0..30_000 {
        z.extend_from_slice(&[0x00, 0x00, 0x00, 0xff, 0xff]);
    }
    z.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01]);
    let segment = format!(".{}", URL_SAFE_NO_PAD.encode(&z));
    let token = sign_timed_segment(segment.as_bytes(), 1_700_000_000);
    let s = URLSafeTimedSerializer::builder(KEY).build().unwrap();
    let e = s.loads_at(&token, None, 1_700_000_000).unwrap_err();
    assert_eq!(
        outcome(&e),
        (
            BadDataClass::BadPayload,
            ErrorKind::Malformed,
            Some("Could not load the payload because an exception occurred on unserializing the data.")
        )
    );
    // The same stream with a trailing byte: refused as data after the stream.
    let mut trailing = z.clone();
    trailing.push(0);
    let segment = format!(".{}", URL_SAFE_NO_PAD.encode(&trailing));
    let token = sign_timed_segment(segment.as_bytes(), 1_700_000_000);
    let e = s.loads_at(&token, None, 1_700_000_000).unwrap_err();
    assert_eq!(
        outcome(&e),
        (
            BadDataClass::BadPayload,
            ErrorKind::Malformed,
            Some("Could not zlib decompress the payload before decoding the payload")
        )
    );
}

// ---------------------------------------------------------------------------
// Timestamps and max_age at the ends of their ranges
// ---------------------------------------------------------------------------

#[test]
fn max_age_and_clock_extremes_give_exact_outcomes() {
    let s = TimestampSigner::builder(KEY).build().unwrap();
    // Python: b'hi.ZVPxAA.sfq6H2vkKVMcmY_H0aV9Euleymw'.
    let token = "hi.ZVPxAA.sfq6H2vkKVMcmY_H0aV9Euleymw";
    assert_eq!(s.sign_at("hi", 1_700_000_000).unwrap(), token.as_bytes());
    let ok = |max_age, now| s.unsign_with_timestamp_at(token, max_age, now);
    assert_eq!(ok(Some(i64::MAX), i64::MAX).unwrap().1, 1_700_000_000);
    assert_eq!(ok(None, i64::MIN).unwrap().1, 1_700_000_000);
    let e = ok(Some(i64::MIN), 1_700_000_000).unwrap_err();
    assert_eq!(
        outcome(&e),
        (
            BadDataClass::SignatureExpired,
            ErrorKind::Expired,
            Some("Signature age 0 > -9223372036854775808 seconds")
        )
    );
    // Python 2.2: "Signature age 0 > -5 seconds".
    assert_eq!(
        ok(Some(-5), 1_700_000_000)
            .unwrap_err()
            .itsdangerous_message(),
        Some("Signature age 0 > -5 seconds")
    );
    let e = ok(Some(0), i64::MIN).unwrap_err();
    assert_eq!(
        outcome(&e),
        (
            BadDataClass::SignatureExpired,
            ErrorKind::NotYetValid,
            Some("Signature age -9223372038554775808 < 0 seconds")
        )
    );
    assert_eq!(e.issued_at().map(|d| d.secs()), Some(1_700_000_000));
    let e = ok(Some(i64::MAX), i64::MIN).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotYetValid);
    // 1.1 has no lower bound.
    let v1 = TimestampSigner::builder(KEY)
        .version(ItsDangerousVersion::V1)
        .build()
        .unwrap();
    assert_eq!(
        v1.unsign_with_timestamp_at(token, Some(0), i64::MIN)
            .unwrap()
            .1,
        1_700_000_000
    );
    // Signing clocks outside the range are refused, never wrapped.
    for now in [i64::MIN, -1, i64::MAX] {
        assert_eq!(
            s.sign_at("hi", now).unwrap_err().kind(),
            ErrorKind::InvalidClaim
        );
    }
}

#[test]
fn signed_timestamps_python_cannot_date_are_malformed_not_leaks() {
    // Python: Signer(KEY).sign(b"hello.__________8"): a TimestampSigner
    // token (shared default salt) with timestamp 2^64-1. Python 2.2 leaks
    // OverflowError; a 9-byte one is "Malformed timestamp".
    let ts = TimestampSigner::builder(KEY).build().unwrap();
    for token in [
        "hello.__________8.YofdaFTBfZa2WGKL9DC1niMRZxM",
        "hello.AP_________8.rCFGSVTsu1JcvVYn5Ufny8lLqsU",
    ] {
        let e = ts.unsign_at(token, Some(5), 1_700_000_000).unwrap_err();
        assert_eq!(
            outcome(&e),
            (
                BadDataClass::BadTimeSignature,
                ErrorKind::Malformed,
                Some("Malformed timestamp")
            ),
            "{token}"
        );
        assert_eq!(e.value(), Some(&b"hello"[..]));
    }
}

// ---------------------------------------------------------------------------
// Payloads Python writes and reads that we read differently (README rows)
// ---------------------------------------------------------------------------

#[test]
fn difference_python_big_integers_read_as_the_nearest_f64() {
    // Python: URLSafeTimedSerializer(KEY).dumps({"id": 2**64, "id2": 2**64 + 1}).
    let token = ".eJyrVspMUbIytDAxMTM3MTEwNzY3sDQ1NTQzNNMByhhhlTKvBQBTGgwe.ZVPxAA.Qhmaq8j_KrurJM-BvDKR1zQlFUo";
    let s = URLSafeTimedSerializer::builder(KEY).build().unwrap();
    let payload = s.loads_at(token, Some(0), 1_700_000_000).unwrap();
    // Python reads two different integers; serde_json's Value, one float.
    assert_eq!(
        payload,
        json!({"id": 1.8446744073709552e19, "id2": 1.8446744073709552e19})
    );
    assert_eq!(payload["id"], payload["id2"]);
    // The verified JSON text keeps them exact.
    let (text, ts) = s.loads_raw_at(token, Some(0), 1_700_000_000).unwrap();
    assert_eq!(
        (text.as_slice(), ts),
        (
            &br#"{"id":18446744073709551616,"id2":18446744073709551617}"#[..],
            1_700_000_000
        )
    );
}

#[test]
fn difference_python_lone_surrogate_escape_is_bad_payload() {
    // Python: Serializer(KEY).dumps({"a": "\ud800"}), which Python loads.
    let token = r#"{"a": "\ud800"}.v-xPfDjL-l27qBA6amUZkjQIX3s"#;
    let s = Serializer::builder(KEY).build().unwrap();
    let e = s.loads(token).unwrap_err();
    assert_eq!(
        outcome(&e),
        (
            BadDataClass::BadPayload,
            ErrorKind::Malformed,
            Some("Could not load the payload because an exception occurred on unserializing the data.")
        )
    );
    assert_eq!(s.loads_raw(token).unwrap(), br#"{"a": "\ud800"}"#);
}

// ---------------------------------------------------------------------------
// Flask's tagged JSON
// ---------------------------------------------------------------------------

#[test]
fn flask_tagged_json_hostile_shapes_are_refused_with_a_kind() {
    let deep = format!(
        "{}1{}",
        r#"{" di":{" t__":"#.repeat(5000),
        "}}".repeat(5000)
    );
    assert_eq!(
        flask::decode(deep.as_bytes()).unwrap_err().kind(),
        ErrorKind::ResourceLimit
    );
    for bad in [
        r#"{"d":{" d":"Wed, 29 Feb 2023 00:00:00 GMT"}}"#, // no such day
        r#"{"d":{" d":"Tue, 14 Nov 2023 24:00:00 GMT"}}"#, // hour 24
        r#"{"d":{" d":"Tue, 14 Nov 2023 22:13:2\u00e9GMT"}}"#, // multibyte inside
        r#"{"d":{" d":"Mon, 01 Jan 0000 00:00:00 GMT"}}"#, // year 0
        r#"{"d":{" d":1700000000}}"#,
        r#"{"b":{" b":"not base64!"}}"#,
        r#"{"u":{" u":"12345678-1234-5678-1234-567812345678"}}"#,
        r#"{"x":{" di":{" t":1}}}"#,
        r#"{"x":{" di":{" x__":1}}}"#,
        r#"{"n":18446744073709551616}"#,
        r#"{"n":NaN}"#,
        r#"[1]"#,
    ] {
        let e = flask::decode(bad.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Malformed, "{bad}");
    }
    // A validly signed cookie holding such JSON is BadPayload (Flask: 500).
    let sessions = SessionSerializer::builder("dev-secret").build().unwrap();
    let inner = URLSafeTimedSerializer::builder("dev-secret")
        .salt("cookie-session")
        .key_derivation(timed_jws::compat::itsdangerous::KeyDerivation::Hmac)
        .build()
        .unwrap();
    let cookie = inner
        .dumps_raw_at(
            r#"{"d":{" d":"Wed, 29 Feb 2023 00:00:00 GMT"}}"#,
            1_700_000_000,
        )
        .unwrap();
    let e = sessions.loads_at(&cookie, 1_700_000_000).unwrap_err();
    assert_eq!(
        (e.itsdangerous_class(), e.kind()),
        (BadDataClass::BadPayload, ErrorKind::Malformed)
    );
    assert_eq!(
        sessions
            .open_session_at(Some(&cookie), 1_700_000_000)
            .unwrap_err()
            .kind(),
        ErrorKind::Malformed
    );
}

#[test]
fn secrets_never_appear_in_debug_or_errors() {
    let secret = "hunter2-classic-secret";
    let limits = ClassicLimits::DEFAULT;
    let s = URLSafeSerializer::builder(secret)
        .fallback_secrets(["hunter2-old"])
        .limits(limits)
        .build()
        .unwrap();
    let f = SessionSerializer::builder(secret).fallback_secret_keys(["hunter2-old"]);
    let e = s.loads("e30.AAAA").unwrap_err();
    let text = format!("{s:?} {f:?} {:?} {e:?} {e}", f.clone().build().unwrap());
    assert!(!text.contains("hunter2"), "{text}");
}
