#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The itsdangerous classic-format vectors (tests/data/itsdangerous-classic/,
//! see its README):
//!
//! * every signing.json token reproduced byte for byte from its inputs and
//!   clock (the few that cannot be are asserted as such: MD5, and Python 2's
//!   hash-ordered dict);
//! * every verify.json case given, for each of itsdangerous 0.24, 1.1.0 and
//!   2.2.0, that version's outcome (class, message, payload, timestamp,
//!   the authenticated exception attributes, `loads_unsafe`), or a stricter
//!   rejection listed in `DIFFERENCES` (each a row of the README's
//!   "Differences from itsdangerous").

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::value::RawValue;
use serde_json::Value;
use timed_jws::compat::itsdangerous::{
    BadDataClass, ClassicBuilder, ClassicLimits, Digest, ItsDangerousVersion, KeyDerivation,
    LoadError, Serializer, SerializerClass, Signer, SignerOptions, TimedSerializer,
    TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer, DEFAULT_SIGNER_SALT,
};
use timed_jws::{Error, ErrorKind};

const SIGNING: &str = include_str!("data/itsdangerous-classic/signing.json");
const VERIFY: &str = include_str!("data/itsdangerous-classic/verify.json");

use ItsDangerousVersion::{V0_24, V1, V2};

const VERSIONS: [(ItsDangerousVersion, &str); 3] = [
    (V0_24, "expected_0_24"),
    (V1, "expected_1_1"),
    (V2, "expected_2_2"),
];

// ---------------------------------------------------------------------------
// Reading the vector files
// ---------------------------------------------------------------------------

/// One vector: its members parsed, and their raw JSON text (to feed a
/// payload with its key order and big integers intact).
struct Case {
    v: Value,
    raw: HashMap<String, String>,
}

impl Case {
    fn name(&self) -> &str {
        self.v["name"].as_str().unwrap()
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.v.get(key).and_then(Value::as_str)
    }
}

fn cases(text: &str) -> Vec<Case> {
    let raws: Vec<HashMap<String, Box<RawValue>>> = serde_json::from_str(text).unwrap();
    raws.into_iter()
        .map(|m| {
            let raw: HashMap<String, String> = m
                .iter()
                .map(|(k, v)| (k.clone(), v.get().to_owned()))
                .collect();
            let v = Value::Object(
                m.into_iter()
                    .map(|(k, v)| (k, serde_json::from_str(v.get()).unwrap()))
                    .collect(),
            );
            Case { v, raw }
        })
        .collect()
}

fn hex(s: &str) -> Vec<u8> {
    assert_eq!(s.len() % 2, 0);
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn version_of(v: &str) -> ItsDangerousVersion {
    match v {
        "0.24" => V0_24,
        "1.1.0" => V1,
        "2.2.0" => V2,
        other => panic!("unknown version {other}"),
    }
}

// ---------------------------------------------------------------------------
// Building the class a vector names
// ---------------------------------------------------------------------------

enum Any {
    Signer(Signer),
    TimestampSigner(TimestampSigner),
    Serializer(Serializer),
    TimedSerializer(TimedSerializer),
    UrlSafe(URLSafeSerializer),
    UrlSafeTimed(URLSafeTimedSerializer),
}

/// The secrets of a vector: Python's list is oldest first and the last
/// signs, so the last is the builder's secret and the others, newest first,
/// its fallback secrets.
fn secrets(c: &Case) -> (Vec<u8>, Vec<Vec<u8>>) {
    match &c.v["secret_key_hex"] {
        Value::String(s) => (hex(s), Vec::new()),
        Value::Array(list) => {
            let mut keys: Vec<Vec<u8>> = list.iter().map(|k| hex(k.as_str().unwrap())).collect();
            let newest = keys.pop().unwrap();
            keys.reverse();
            (newest, keys)
        }
        other => panic!("secret_key_hex {other}"),
    }
}

fn digest_of(name: &str) -> Digest {
    name.parse()
        .unwrap_or_else(|()| panic!("digest {name} not supported"))
}

fn configure<S>(c: &Case, version: ItsDangerousVersion, b: ClassicBuilder<S>) -> ClassicBuilder<S> {
    let (_, fallbacks) = secrets(c);
    let mut b = b.version(version);
    if !fallbacks.is_empty() {
        b = b.fallback_secrets(fallbacks);
    }
    if c.v["salt_passed_as_none"] == Value::Bool(true) {
        b = b.salt(DEFAULT_SIGNER_SALT);
    } else if let Some(salt) = c.str("salt") {
        b = b.salt(salt);
    }
    if let Some(kd) = c.str("key_derivation") {
        b = b.key_derivation(kd.parse::<KeyDerivation>().unwrap());
    }
    if let Some(d) = c.str("digest") {
        b = b.digest(digest_of(d));
    }
    if let Some(sep) = c.str("sep") {
        b = b.separator(sep);
    }
    b
}

fn configure_serializer<S: SerializerClass>(
    c: &Case,
    version: ItsDangerousVersion,
    b: ClassicBuilder<S>,
) -> ClassicBuilder<S> {
    let mut b = configure(c, version, b);
    if let Some(list) = c.v.get("fallback_signers").and_then(Value::as_array) {
        b = b.fallback_signers(list.iter().map(|f| {
            let mut o = SignerOptions::new();
            if let Some(d) = f.get("digest").and_then(Value::as_str) {
                o = o.digest(digest_of(d));
            }
            o
        }));
    }
    if c.v["serializer_kwargs"]["sort_keys"] == Value::Bool(true) {
        b = b.sort_keys(true);
    }
    b
}

fn build(c: &Case, version: ItsDangerousVersion, limits: ClassicLimits) -> Result<Any, Error> {
    let (secret, _) = secrets(c);
    Ok(match c.str("class").unwrap() {
        "Signer" => Any::Signer(
            configure(c, version, Signer::builder(&secret))
                .limits(limits)
                .build()?,
        ),
        "TimestampSigner" => Any::TimestampSigner(
            configure(c, version, TimestampSigner::builder(&secret))
                .limits(limits)
                .build()?,
        ),
        "Serializer" => Any::Serializer(
            configure_serializer(c, version, Serializer::builder(&secret))
                .limits(limits)
                .build()?,
        ),
        "TimedSerializer" => Any::TimedSerializer(
            configure_serializer(c, version, TimedSerializer::builder(&secret))
                .limits(limits)
                .build()?,
        ),
        "URLSafeSerializer" => Any::UrlSafe(
            configure_serializer(c, version, URLSafeSerializer::builder(&secret))
                .limits(limits)
                .build()?,
        ),
        "URLSafeTimedSerializer" => Any::UrlSafeTimed(
            configure_serializer(c, version, URLSafeTimedSerializer::builder(&secret))
                .limits(limits)
                .build()?,
        ),
        other => panic!("class {other}"),
    })
}

// ---------------------------------------------------------------------------
// Signing vectors
// ---------------------------------------------------------------------------

/// Signing vectors whose feature this crate does not have, asserted as such.
const UNSUPPORTED_SIGNING: &[(&str, &str)] = &[(
    "digest_md5_signer_2_2",
    "MD5: ring has no MD5 (Digest offers sha1, sha256, sha384, sha512)",
)];

/// Tokens made by Python 2, whose dicts have hash order: the JSON text's
/// key order is not the order of `payload_json`. Signing the vector's
/// `json_text` reproduces the token; signing `payload_json` gives another
/// (equally valid) token.
const PY2_HASH_ORDER: &[&str] = &["py27_dict_hash_order_urlsafe_timed_0_24"];

/// Signs the vector's input with `json` as the payload JSON text (`raw`:
/// as is; otherwise re-emitted by the serializer).
fn sign(c: &Case, s: &Any, json: &str, raw: bool) -> Vec<u8> {
    let now = c.v["now"].as_i64();
    let value = || hex(c.str("value_hex").unwrap());
    match s {
        Any::Signer(s) => s.sign(value()),
        Any::TimestampSigner(s) => s.sign_at(value(), now.unwrap()).unwrap(),
        Any::Serializer(s) if raw => s.dumps_raw(json).unwrap().into_bytes(),
        Any::Serializer(s) => s.dumps_json(json).unwrap().into_bytes(),
        Any::UrlSafe(s) if raw => s.dumps_raw(json).unwrap().into_bytes(),
        Any::UrlSafe(s) => s.dumps_json(json).unwrap().into_bytes(),
        Any::TimedSerializer(s) if raw => s.dumps_raw_at(json, now.unwrap()).unwrap().into_bytes(),
        Any::TimedSerializer(s) => s.dumps_json_at(json, now.unwrap()).unwrap().into_bytes(),
        Any::UrlSafeTimed(s) if raw => s.dumps_raw_at(json, now.unwrap()).unwrap().into_bytes(),
        Any::UrlSafeTimed(s) => s.dumps_json_at(json, now.unwrap()).unwrap().into_bytes(),
    }
}

/// The verified JSON text of one of our serializer tokens.
fn json_text_of(s: &Any, token: &[u8], now: i64) -> Vec<u8> {
    match s {
        Any::Serializer(s) => s.loads_raw(token).unwrap(),
        Any::UrlSafe(s) => s.loads_raw(token).unwrap(),
        Any::TimedSerializer(s) => s.loads_raw_at(token, None, now).unwrap().0,
        Any::UrlSafeTimed(s) => s.loads_raw_at(token, None, now).unwrap().0,
        _ => unreachable!(),
    }
}

#[test]
fn signing_vectors_reproduced_byte_for_byte() {
    let all = cases(SIGNING);
    assert_eq!(all.len(), 88);
    let mut reproduced = 0;
    for c in &all {
        let name = c.name();
        if let Some((_, why)) = UNSUPPORTED_SIGNING.iter().find(|(n, _)| *n == name) {
            assert_eq!(c.str("digest"), Some("md5"), "{name}: {why}");
            assert_eq!("md5".parse::<Digest>(), Err(()), "{name}: {why}");
            continue;
        }
        let version = version_of(c.str("version").unwrap());
        let s = build(c, version, ClassicLimits::DEFAULT)
            .unwrap_or_else(|e| panic!("{name}: build: {e}"));
        let expected = match c.str("token") {
            Some(t) => t.as_bytes().to_vec(),
            None => hex(c.str("token_hex").unwrap()),
        };
        if let Some(preset) = c.str("preset_token_from_package") {
            assert_eq!(
                preset.as_bytes(),
                expected,
                "{name}: made by the package itself"
            );
        }
        let payload = c.raw.get("payload_json").map(String::as_str);
        let ours = sign(c, &s, payload.unwrap_or(""), false);
        if PY2_HASH_ORDER.contains(&name) {
            assert_ne!(ours, expected, "{name}: Python 2 hash order");
            let json_text = c.str("json_text").unwrap();
            assert_eq!(
                sign(c, &s, json_text, true),
                expected,
                "{name}: from json_text"
            );
            reproduced += 1;
            continue;
        }
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&expected),
            "{name}"
        );
        reproduced += 1;
        // The intermediate values: the signed value, the JSON text, the
        // compressed bytes.
        let signed_value = c.str("signed_value").unwrap();
        let signed_value = if c.v["signed_value_is_hex"] == Value::Bool(true) {
            hex(signed_value)
        } else {
            signed_value.as_bytes().to_vec()
        };
        assert!(ours.starts_with(&signed_value), "{name}: signed value");
        if let Some(json_text) = c.str("json_text") {
            let now = c.v["now"].as_i64().unwrap_or(0);
            assert_eq!(
                String::from_utf8(json_text_of(&s, &ours, now)).unwrap(),
                json_text,
                "{name}: json_text"
            );
            let segment = c.str("payload_segment").unwrap();
            assert!(
                ours.starts_with(segment.as_bytes()),
                "{name}: payload segment"
            );
            assert_eq!(
                c.v["compressed"],
                Value::Bool(segment.starts_with('.')),
                "{name}"
            );
            if let Some(zlib_hex) = c.str("zlib_hex") {
                assert_eq!(
                    URL_SAFE_NO_PAD.decode(&segment[1..]).unwrap(),
                    hex(zlib_hex),
                    "{name}: zlib bytes"
                );
            }
        }
        if let Some(ts) = c.str("timestamp_b64") {
            let sep = c.str("effective_sep").unwrap();
            assert!(
                signed_value.ends_with(format!("{sep}{ts}").as_bytes()),
                "{name}: timestamp segment"
            );
        }
    }
    assert_eq!(reproduced, 87);
}

/// Signing payloads given as Rust values (not JSON text) gives the same
/// bytes for payloads whose key order a `serde_json::Value` keeps (sorted
/// or single-key objects).
#[test]
fn signing_from_values() {
    let s = URLSafeTimedSerializer::builder("secret-key-A")
        .version(V0_24)
        .build()
        .unwrap();
    assert_eq!(
        s.dumps_at(&serde_json::json!({"id": "foobar", "n": 42}), 1_700_000_000)
            .unwrap(),
        "eyJpZCI6ImZvb2JhciIsIm4iOjQyfQ.GDWCgA.MMu-grt_P4dhd1SZZTzgAJVVWbg"
    );
    #[derive(serde::Serialize)]
    struct P {
        id: &'static str,
        n: u32,
    }
    let s = Serializer::builder("secret-key-A").build().unwrap();
    assert_eq!(
        s.dumps(&P {
            id: "foobar",
            n: 42
        })
        .unwrap(),
        r#"{"id": "foobar", "n": 42}.iFr7jwndNRfWOBtxaK7y-cL5DP0"#
    );
    let s = TimedSerializer::builder("sekrit")
        .version(V0_24)
        .build()
        .unwrap();
    assert_eq!(
        s.dumps_at(&serde_json::json!({"id": "foobar"}), 1443104048)
            .unwrap(),
        r#"{"id": "foobar"}.COWWsA.dect1vZLaDdgFQUA1G_iTpPY3Hg"#
    );
}

// ---------------------------------------------------------------------------
// Verification vectors
// ---------------------------------------------------------------------------

/// What our call returned.
#[derive(Debug)]
enum Ours {
    /// The builder refused the configuration.
    Unsupported(Error),
    Ok {
        payload: Option<Value>,
        value: Option<Vec<u8>>,
        timestamp: Option<i64>,
        unsafe_: Option<Result<(bool, Option<Value>), LoadError>>,
    },
    Err {
        error: LoadError,
        unsafe_: Option<Result<(bool, Option<Value>), LoadError>>,
    },
}

/// `max_age` as whole seconds: a float `max_age` M behaves as floor(M)
/// (the age is an integer), listed in `MESSAGE_DIFFERENCES` for its text.
fn max_age_of(c: &Case) -> Option<i64> {
    match &c.v["max_age"] {
        Value::Null => None,
        n => Some(n.as_f64().unwrap().floor() as i64),
    }
}

fn run(c: &Case, version: ItsDangerousVersion, limits: ClassicLimits) -> Ours {
    let s = match build(c, version, limits) {
        Ok(s) => s,
        Err(e) => return Ours::Unsupported(e),
    };
    let token = c.str("token").unwrap().as_bytes();
    let now = c.v["now"].as_i64().unwrap_or(1_700_000_000);
    let max_age = max_age_of(c);
    let (result, unsafe_) = match &s {
        Any::Signer(s) => (s.unsign(token).map(|v| (None, Some(v), None)), None),
        Any::TimestampSigner(s) => (
            s.unsign_with_timestamp_at(token, max_age, now)
                .map(|(v, ts)| (None, Some(v), Some(ts))),
            None,
        ),
        Any::Serializer(s) => (
            s.loads(token).map(|p| (Some(p), None, None)),
            Some(s.loads_unsafe(token)),
        ),
        Any::UrlSafe(s) => (
            s.loads(token).map(|p| (Some(p), None, None)),
            Some(s.loads_unsafe(token)),
        ),
        Any::TimedSerializer(s) => (
            s.loads_with_timestamp_at(token, max_age, now)
                .map(|(p, ts)| (Some(p), None, Some(ts))),
            Some(s.loads_unsafe_at(token, max_age, now)),
        ),
        Any::UrlSafeTimed(s) => (
            s.loads_with_timestamp_at(token, max_age, now)
                .map(|(p, ts)| (Some(p), None, Some(ts))),
            Some(s.loads_unsafe_at(token, max_age, now)),
        ),
    };
    match result {
        Ok((payload, value, timestamp)) => Ours::Ok {
            payload,
            value,
            timestamp,
            unsafe_,
        },
        Err(error) => Ours::Err { error, unsafe_ },
    }
}

/// Our outcome where it differs from itsdangerous's (README, "Differences
/// from itsdangerous"): (case, versions, our class, our kind).
type Difference = (
    &'static str,
    &'static [ItsDangerousVersion],
    BadDataClass,
    ErrorKind,
);

const ALL: &[ItsDangerousVersion] = &[V0_24, V1, V2];

const DIFFERENCES: &[Difference] = {
    use BadDataClass::*;
    use ErrorKind as K;
    &[
        // Lenient base64 in the signature segment: strict base64url here.
        ("sig_one_pad", ALL, BadSignature, K::Malformed),
        ("sig_two_pads", ALL, BadSignature, K::Malformed),
        (
            "sig_junk_after_closing_pad",
            ALL,
            BadSignature,
            K::Malformed,
        ),
        ("sig_standard_alphabet", ALL, BadSignature, K::Malformed),
        (
            "sig_noncanonical_last_char",
            ALL,
            BadSignature,
            K::Malformed,
        ),
        ("sig_two_inner_junk_chars", ALL, BadSignature, K::Malformed),
        ("sig_non_ascii_inner_char", ALL, BadSignature, K::Malformed),
        ("sig_trailing_two_newlines", ALL, BadSignature, K::Malformed),
        // Lenient base64 in the timestamp segment.
        ("timestamp_padded", ALL, BadTimeSignature, K::Malformed),
        // A timestamp that decodes to no bytes only through junk is not 0.
        (
            "timestamp_all_junk_reads_as_zero",
            ALL,
            BadTimeSignature,
            K::Malformed,
        ),
        // A timestamp with leading zero bytes (only `Signer` tokens over a
        // value ending in `.AAAA` have one: §11.1's cross-class acceptance).
        (
            "signer_token_with_dot_to_timestamp_signer",
            ALL,
            BadTimeSignature,
            K::Malformed,
        ),
        // More than 8 timestamp bytes (0.24 reads any length).
        (
            "timestamp_nine_bytes",
            &[V0_24],
            BadTimeSignature,
            K::Malformed,
        ),
        // Timestamps after 9999-12-31: Python leaks OverflowError.
        ("timestamp_2_pow_63", ALL, BadTimeSignature, K::Malformed),
        (
            "urlsafe_compressed_to_urlsafe_timed",
            &[V0_24],
            BadTimeSignature,
            K::Malformed,
        ),
        // Lenient base64 in the payload segment; the `.` before the
        // timestamp skipped by it (§11.1).
        (
            "payload_segment_with_padding",
            ALL,
            BadPayload,
            K::Malformed,
        ),
        (
            "urlsafe_timed_compressed_len_mod4_2_to_urlsafe",
            ALL,
            BadPayload,
            K::Malformed,
        ),
        // Data after the end of the zlib stream.
        (
            "zlib_trailing_garbage_ignored",
            ALL,
            BadPayload,
            K::Malformed,
        ),
        // NaN and Infinity are not JSON.
        (
            "payload_nan_infinity_literals",
            ALL,
            BadPayload,
            K::Malformed,
        ),
        // The inflate limit (ClassicLimits::max_payload_len, 1 MiB; this
        // payload is 1 MiB + 2 bytes).
        ("zlib_1mib_expansion", ALL, BadPayload, K::ResourceLimit),
    ]
};

/// Cases whose outcome is itsdangerous's but whose exception text is not:
/// (case, versions, our text).
const MESSAGE_DIFFERENCES: &[(&str, &[ItsDangerousVersion], &str)] = &[
    // max_age is whole seconds here: 3600.5 behaves as 3600.
    (
        "max_age_float_just_over",
        &[V1, V2],
        "Signature age 3601 > 3600 seconds",
    ),
    // A URLSafeTimedSerializer token read by URLSafeSerializer: the payload
    // segment holds the `.` before the timestamp; Python's lenient base64
    // skips it and the JSON step fails, the strict one fails first.
    (
        "urlsafe_timed_plain_to_urlsafe",
        ALL,
        "Could not base64 decode the payload because of an exception",
    ),
];

fn difference(name: &str, version: ItsDangerousVersion) -> Option<(BadDataClass, ErrorKind)> {
    DIFFERENCES
        .iter()
        .find(|(n, v, _, _)| *n == name && v.contains(&version))
        .map(|&(_, _, class, kind)| (class, kind))
}

fn class_of(name: &str) -> BadDataClass {
    match name {
        "BadSignature" => BadDataClass::BadSignature,
        "BadTimeSignature" => BadDataClass::BadTimeSignature,
        "SignatureExpired" => BadDataClass::SignatureExpired,
        "BadPayload" => BadDataClass::BadPayload,
        other => panic!("class {other}"),
    }
}

/// The kind we report for an itsdangerous rejection, from its text.
fn expected_kind(c: &Case, message: &str) -> ErrorKind {
    if message.starts_with("No ") && message.ends_with(" found in value") {
        ErrorKind::Malformed
    } else if message.starts_with("Signature b") && message.ends_with(" does not match") {
        // A signature segment that is not strict base64url is malformed,
        // the others do not match.
        let token = c.str("token").unwrap();
        let sep = c.str("effective_sep").unwrap();
        let sig = token.rsplit_once(sep).unwrap().1;
        if URL_SAFE_NO_PAD.decode(sig).is_ok() {
            ErrorKind::InvalidSignature
        } else {
            ErrorKind::Malformed
        }
    } else if message == "timestamp missing" {
        ErrorKind::MissingClaim
    } else if message == "Malformed timestamp" || message.starts_with("Could not ") {
        ErrorKind::Malformed
    } else if message.starts_with("Signature age ") && message.ends_with(" < 0 seconds") {
        ErrorKind::NotYetValid
    } else if message.starts_with("Signature age ") {
        ErrorKind::Expired
    } else {
        panic!("unknown message {message}")
    }
}

/// Python's JSON value from the vector notation (`$float` for NaN and
/// infinities, `$summary` for the 1 MiB string).
fn py_eq(ours: &Value, py: &Value) -> bool {
    ours == py
}

/// Checks `loads_unsafe` against Python's.
fn check_unsafe(
    c: &Case,
    version: ItsDangerousVersion,
    ours: &Option<Result<(bool, Option<Value>), LoadError>>,
    py: &Value,
) {
    let name = c.name();
    let Some(ours) = ours else {
        assert!(py.is_null(), "{name} {version:?}: loads_unsafe");
        return;
    };
    match py {
        Value::Array(pair) => {
            let (ok, payload) = ours
                .as_ref()
                .unwrap_or_else(|e| panic!("{name} {version:?}: loads_unsafe raised {e:?}"));
            assert_eq!(
                Value::Bool(*ok),
                pair[0],
                "{name} {version:?}: loads_unsafe"
            );
            match (payload, &pair[1]) {
                (None, Value::Null) => {}
                (Some(p), py) => assert!(py_eq(p, py), "{name} {version:?}: {p} vs {py}"),
                (None, py) => panic!("{name} {version:?}: loads_unsafe payload None, Python {py}"),
            }
        }
        Value::Object(raises) => {
            let e = ours
                .as_ref()
                .err()
                .unwrap_or_else(|| panic!("{name} {version:?}: loads_unsafe should raise"));
            assert_eq!(
                e.itsdangerous_class().as_str(),
                raises["raises"].as_str().unwrap(),
                "{name} {version:?}"
            );
        }
        other => panic!("{name}: loads_unsafe {other}"),
    }
}

/// Compares our outcome with Python's for one version; returns whether it
/// is a listed difference.
fn check_case(c: &Case, version: ItsDangerousVersion, key: &str) -> bool {
    let name = c.name();
    let py = &c.v[key];
    let result = py["result"].as_str().unwrap();
    let ours = run(c, version, ClassicLimits::DEFAULT);
    if result == "unsupported" {
        match ours {
            Ours::Unsupported(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidKey, "{name} {version:?}");
                return false;
            }
            other => panic!("{name} {version:?}: Python lacks the feature, we gave {other:?}"),
        }
    }
    if let Some((class, kind)) = difference(name, version) {
        let Ours::Err { error, .. } = &ours else {
            panic!("{name} {version:?}: listed difference, but we accepted: {ours:?}");
        };
        assert_eq!(
            (error.itsdangerous_class(), error.kind()),
            (class, kind),
            "{name} {version:?}: {error}"
        );
        // A real difference: Python accepted, leaked, or gave another class
        // or kind.
        let python_same = result != "ok"
            && py["python_leak"] != Value::Bool(true)
            && class_of(result) == class
            && expected_kind(c, py["message"].as_str().unwrap()) == kind;
        assert!(!python_same, "{name} {version:?}: not a difference");
        return true;
    }
    match (result, &ours) {
        (
            "ok",
            Ours::Ok {
                payload,
                value,
                timestamp,
                unsafe_,
            },
        ) => {
            if let Some(p) = py.get("payload") {
                assert!(
                    py_eq(payload.as_ref().unwrap(), p),
                    "{name} {version:?}: payload"
                );
            }
            if let Some(v) = py.get("value") {
                assert_eq!(
                    value.as_deref(),
                    Some(v["text"].as_str().unwrap().as_bytes()),
                    "{name} {version:?}: value"
                );
            }
            match py.get("timestamp") {
                Some(Value::Object(ts)) => {
                    assert_eq!(*timestamp, ts["unix"].as_i64(), "{name} {version:?}")
                }
                _ => assert_eq!(*timestamp, None, "{name} {version:?}"),
            }
            check_unsafe(
                c,
                version,
                unsafe_,
                py.get("loads_unsafe").unwrap_or(&Value::Null),
            );
        }
        (_, Ours::Err { error, unsafe_ }) if result != "ok" => {
            let message = py["message"].as_str().unwrap();
            assert_eq!(
                error.itsdangerous_class(),
                class_of(result),
                "{name} {version:?}: {error}"
            );
            assert_eq!(
                error.kind(),
                expected_kind(c, message),
                "{name} {version:?}"
            );
            let our_message = MESSAGE_DIFFERENCES
                .iter()
                .find(|(n, v, _)| *n == name && v.contains(&version))
                .map_or(message, |(_, _, m)| m);
            assert_eq!(
                error.itsdangerous_message(),
                Some(our_message),
                "{name} {version:?}"
            );
            // What the exception carried: only what the MAC authenticated.
            let authenticated = !matches!(
                error.kind(),
                ErrorKind::InvalidSignature | ErrorKind::Malformed
            ) || message == "Malformed timestamp";
            let py_payload = py.get("exc_payload").and_then(|p| p.get("text"));
            if authenticated && error.itsdangerous_class() != BadDataClass::BadPayload {
                assert_eq!(
                    error.value(),
                    py_payload.map(|p| p.as_str().unwrap().as_bytes()),
                    "{name} {version:?}: payload attribute"
                );
            } else {
                assert_eq!(error.value(), None, "{name} {version:?}: unauthenticated");
            }
            if error.itsdangerous_class() == BadDataClass::SignatureExpired {
                assert_eq!(
                    error.issued_at().map(|d| d.secs()),
                    py["exc_date_signed"]["unix"].as_i64(),
                    "{name} {version:?}: date_signed"
                );
                // The payload, decoded as loads_unsafe decodes it.
                if let Some(Value::Array(pair)) = py.get("loads_unsafe") {
                    assert!(
                        py_eq(error.payload().unwrap(), &pair[1]),
                        "{name} {version:?}: expired payload"
                    );
                }
            } else {
                assert_eq!(error.issued_at(), None, "{name} {version:?}: date_signed");
            }
            check_unsafe(
                c,
                version,
                unsafe_,
                py.get("loads_unsafe").unwrap_or(&Value::Null),
            );
        }
        _ => panic!("{name} {version:?}: Python {result}, we {ours:?}"),
    }
    false
}

#[test]
fn verify_vectors_every_version() {
    let all = cases(VERIFY);
    assert_eq!(all.len(), 99);
    let mut checked = 0;
    let mut differing = 0;
    let mut failures = Vec::new();
    for c in &all {
        for (version, key) in VERSIONS {
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                check_case(c, version, key)
            })) {
                Ok(true) => differing += 1,
                Ok(false) => {}
                Err(e) => failures.push(
                    e.downcast_ref::<String>()
                        .cloned()
                        .unwrap_or_else(|| format!("{} {version:?}", c.name())),
                ),
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(checked, 297);
    let listed: usize = DIFFERENCES.iter().map(|d| d.1.len()).sum();
    assert_eq!(differing, listed, "every listed difference was met");
}

#[test]
fn every_listed_difference_names_a_vector() {
    let all = cases(VERIFY);
    for (name, ..) in DIFFERENCES {
        assert!(all.iter().any(|c| c.name() == *name), "{name}");
    }
    for (name, ..) in MESSAGE_DIFFERENCES {
        assert!(all.iter().any(|c| c.name() == *name), "{name}");
    }
}

fn verify_case(name: &str) -> Case {
    cases(VERIFY)
        .into_iter()
        .find(|c| c.name() == name)
        .unwrap()
}

// ---------------------------------------------------------------------------
// The seed token
// ---------------------------------------------------------------------------

const SEED: &str = r#"{"id": "foobar"}.COWWsA.dect1vZLaDdgFQUA1G_iTpPY3Hg"#;

fn seed(version: ItsDangerousVersion) -> TimedSerializer {
    TimedSerializer::builder("sekrit")
        .version(version)
        .build()
        .unwrap()
}

#[test]
fn seed_token_0_24_valid_18_seconds_later_with_max_age_3600() {
    let s = seed(V0_24);
    let (payload, ts) = s
        .loads_with_timestamp_at(SEED, Some(3600), 1443104066)
        .unwrap();
    assert_eq!(payload, serde_json::json!({"id": "foobar"}));
    assert_eq!(ts, 1443104048);
    // Without max_age no age check at all.
    assert_eq!(
        s.loads_with_timestamp_at(SEED, None, 1_900_000_000)
            .unwrap()
            .1,
        1443104048
    );
}

#[test]
fn seed_token_0_24_expired_with_max_age_0() {
    let e = seed(V0_24).loads_at(SEED, Some(0), 1443104066).unwrap_err();
    assert_eq!(e.itsdangerous_class(), BadDataClass::SignatureExpired);
    assert_eq!(e.kind(), ErrorKind::Expired);
    assert_eq!(
        e.itsdangerous_message(),
        Some("Signature age 18 > 0 seconds")
    );
    assert_eq!(e.payload(), Some(&serde_json::json!({"id": "foobar"})));
    assert_eq!(e.value(), Some(&br#"{"id": "foobar"}"#[..]));
    assert_eq!(e.issued_at().map(|d| d.secs()), Some(1443104048));
    assert_eq!(
        e.date_signed().unwrap().to_string(),
        "2015-09-24 14:14:08.0 +00:00:00"
    );
}

#[test]
fn seed_token_0_24_last_valid_second_for_max_age_3600() {
    let s = seed(V0_24);
    assert_eq!(
        s.loads_at(SEED, Some(3600), 1443107648).unwrap(),
        serde_json::json!({"id": "foobar"})
    );
    let e = s.loads_at(SEED, Some(3600), 1443107649).unwrap_err();
    assert_eq!(e.itsdangerous_class(), BadDataClass::SignatureExpired);
    assert_eq!(
        e.itsdangerous_message(),
        Some("Signature age 3601 > 3600 seconds")
    );
    // 0.24 has no lower bound.
    assert!(s.loads_at(SEED, Some(3600), 0).is_ok());
}

#[test]
fn seed_token_read_by_1_1_and_2_x_is_from_1974() {
    for version in [V1, V2] {
        let s = seed(version);
        assert_eq!(
            s.loads_with_timestamp_at(SEED, None, 1_700_000_000)
                .unwrap()
                .1,
            149264048
        );
        let e = s.loads_at(SEED, Some(3600), 1443104066).unwrap_err();
        assert_eq!(
            e.itsdangerous_message(),
            Some("Signature age 1293840018 > 3600 seconds")
        );
        assert!(s.loads_at(SEED, Some(3600), 149267648).is_ok());
    }
    // Only 2.x rejects a reading before the timestamp.
    let e = seed(V2).loads_at(SEED, Some(3600), 149264047).unwrap_err();
    assert_eq!(
        (e.itsdangerous_class(), e.kind()),
        (BadDataClass::SignatureExpired, ErrorKind::NotYetValid)
    );
    assert_eq!(
        e.itsdangerous_message(),
        Some("Signature age -1 < 0 seconds")
    );
    assert!(seed(V1).loads_at(SEED, Some(3600), 149264047).is_ok());
}

// ---------------------------------------------------------------------------
// The inflate limit
// ---------------------------------------------------------------------------

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn limits(max_payload_len: usize) -> ClassicLimits {
    ClassicLimits {
        max_payload_len,
        ..ClassicLimits::DEFAULT
    }
}

#[test]
fn difference_zlib_1mib_expansion_refused_by_the_payload_limit() {
    let c = verify_case("zlib_1mib_expansion");
    let token = c.str("token").unwrap();
    assert_eq!(token.len(), 1426);
    let build = |max| {
        URLSafeTimedSerializer::builder(hex(c.str("secret_key_hex").unwrap()))
            .limits(limits(max))
            .build()
            .unwrap()
    };
    // Default: 1 MiB; the JSON text is 1 MiB + 2 bytes.
    assert_eq!(ClassicLimits::DEFAULT.max_payload_len, 1_048_576);
    for max in [
        ClassicLimits::DEFAULT.max_payload_len,
        1_048_577,
        64 * 1024,
        0,
    ] {
        let e = build(max)
            .loads_at(token, Some(3600), 1_700_000_000)
            .unwrap_err();
        assert_eq!(
            (e.itsdangerous_class(), e.kind()),
            (BadDataClass::BadPayload, ErrorKind::ResourceLimit),
            "{max}"
        );
        assert_eq!(e.itsdangerous_message(), None);
        // Python raises BadPayload from loads_unsafe for a valid signature.
        let e = build(max)
            .loads_unsafe_at(token, Some(3600), 1_700_000_000)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ResourceLimit);
    }
    // Exactly the length: accepted, the bytes of the vector.
    let (json, ts) = build(1_048_578)
        .loads_raw_at(token, Some(3600), 1_700_000_000)
        .unwrap();
    assert_eq!((json.len(), ts), (1_048_578, 1_700_000_000));
    assert_eq!(
        sha256_hex(&json),
        c.v["expected_2_2"]["loads_unsafe"][1]["$summary"]["sha256"]
    );
    let payload = build(1_048_578)
        .loads_at(token, Some(3600), 1_700_000_000)
        .unwrap();
    assert_eq!(payload.as_str().unwrap().len(), 1_048_576);
}

#[test]
fn difference_loads_unsafe_inflates_within_the_limit_only() {
    // itsdangerous's loads_unsafe inflates a bad signature's payload with
    // no limit; ours decodes it within max_payload_len or gives None.
    let c = verify_case("zlib_1mib_expansion");
    let token = c.str("token").unwrap();
    let (signed, _) = token.rsplit_once('.').unwrap();
    let forged = format!("{signed}.AAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let build = |max| {
        URLSafeTimedSerializer::builder(hex(c.str("secret_key_hex").unwrap()))
            .limits(limits(max))
            .build()
            .unwrap()
    };
    let e = build(ClassicLimits::DEFAULT.max_payload_len)
        .loads_at(&forged, Some(3600), 1_700_000_000)
        .unwrap_err();
    assert_eq!(
        (e.itsdangerous_class(), e.kind()),
        (BadDataClass::BadTimeSignature, ErrorKind::InvalidSignature)
    );
    assert_eq!(
        build(ClassicLimits::DEFAULT.max_payload_len)
            .loads_unsafe_at(&forged, Some(3600), 1_700_000_000)
            .unwrap(),
        (false, None)
    );
    let (ok, payload) = build(1_048_578)
        .loads_unsafe_at(&forged, Some(3600), 1_700_000_000)
        .unwrap();
    assert!(!ok);
    assert_eq!(payload.unwrap().as_str().unwrap().len(), 1_048_576);
}

#[test]
fn token_length_limit() {
    let s = URLSafeSerializer::builder("k")
        .limits(ClassicLimits {
            max_token_len: 40,
            ..ClassicLimits::DEFAULT
        })
        .build()
        .unwrap();
    let token = s.dumps(&"x".repeat(3)).unwrap();
    assert_eq!(s.loads(&token).unwrap(), serde_json::json!("xxx"));
    let long = s.dumps(&"y".repeat(40)).unwrap();
    for e in [
        s.loads(&long).unwrap_err(),
        s.loads_unsafe(&long).unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::ResourceLimit);
    }
    let signer = Signer::builder("k")
        .limits(ClassicLimits {
            max_token_len: 10,
            ..ClassicLimits::DEFAULT
        })
        .build()
        .unwrap();
    assert_eq!(
        signer.unsign(signer.sign("a")).unwrap_err().kind(),
        ErrorKind::ResourceLimit
    );
}

// ---------------------------------------------------------------------------
// Differences not reachable through a vector, and configuration
// ---------------------------------------------------------------------------

#[test]
fn difference_separator_check_applies_to_0_24() {
    // 0.24 accepts any separator, even ones that break its own tokens.
    for sep in ["", "a", "=", "-_"] {
        for version in [V0_24, V1, V2] {
            let e = URLSafeTimedSerializer::builder("k")
                .version(version)
                .separator(sep)
                .build()
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidKey, "{sep:?} {version:?}");
        }
    }
    // A fallback signer's separator is checked too.
    let e = URLSafeSerializer::builder("k")
        .fallback_signers([SignerOptions::new().separator("x")])
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidKey);
}

#[test]
fn difference_timestamp_beyond_year_9999_without_max_age() {
    // Python accepts it when neither max_age nor return_timestamp asks for
    // its date; its date cannot be built, so it is refused here.
    let value = format!(
        "hello world.{}",
        URL_SAFE_NO_PAD.encode([0x10, 0, 0, 0, 0, 0])
    );
    let token = Signer::builder("secret-key-A")
        .build()
        .unwrap()
        .sign(&value);
    let s = TimestampSigner::builder("secret-key-A").build().unwrap();
    let e = s.unsign_at(&token, None, 1_700_000_000).unwrap_err();
    assert_eq!(
        (e.itsdangerous_class(), e.kind()),
        (BadDataClass::BadTimeSignature, ErrorKind::Malformed)
    );
    assert_eq!(e.itsdangerous_message(), Some("Malformed timestamp"));
    assert_eq!(e.value(), Some(&b"hello world"[..]));
    // The last second of 9999 is fine.
    let ok = format!(
        "hello world.{}",
        URL_SAFE_NO_PAD.encode(&253_402_300_799u64.to_be_bytes()[3..])
    );
    let token = Signer::builder("secret-key-A").build().unwrap().sign(&ok);
    assert_eq!(
        s.unsign_with_timestamp_at(&token, None, 0).unwrap().1,
        253_402_300_799
    );
}

#[test]
fn signing_clock_out_of_range() {
    let s = TimestampSigner::builder("secret-key-A")
        .version(V0_24)
        .build()
        .unwrap();
    // 0.24: AssertionError before 2011; at 2011-01-01 the timestamp is 0,
    // an empty segment (signing vector ts_at_2011_epoch_empty_segment_0_24).
    assert_eq!(
        s.sign_at("v", 1_293_839_999).unwrap_err().kind(),
        ErrorKind::InvalidClaim
    );
    assert_eq!(
        s.sign_at("hello world", 1_293_840_000).unwrap(),
        b"hello world..avL51hScKkKJEHTxe3CfPizctU8"
    );
    let s = TimestampSigner::builder("k").build().unwrap();
    assert_eq!(
        s.sign_at("v", -1).unwrap_err().kind(),
        ErrorKind::InvalidClaim
    );
    assert_eq!(
        s.sign_at("v", 253_402_300_800).unwrap_err().kind(),
        ErrorKind::InvalidClaim
    );
    assert!(s.sign_at("v", 253_402_300_799).is_ok());
}

#[test]
fn difference_dumps_refuses_what_is_not_json() {
    let s = URLSafeSerializer::builder("k").build().unwrap();
    // Python writes NaN and Infinity.
    assert_eq!(s.dumps(&f64::NAN).unwrap_err().kind(), ErrorKind::Malformed);
    assert_eq!(
        s.dumps_json("[NaN]").unwrap_err().kind(),
        ErrorKind::Malformed
    );
    // A lone surrogate: 1.1/2.x URL-safe fail (UnicodeEncodeError), the
    // ASCII classes write `\ud800`.
    let plain = Serializer::builder("k").build().unwrap();
    for e in [
        s.dumps_json(r#""\ud800""#).unwrap_err(),
        plain.dumps_json(r#""\ud800""#).unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::Malformed);
    }
    // Repeated member names: Python signs the last value.
    assert_eq!(
        s.dumps_json(r#"{"a":1,"a":2}"#).unwrap_err().kind(),
        ErrorKind::Malformed
    );
}

#[test]
fn rotation_newest_signs_all_verify() {
    let old = URLSafeTimedSerializer::builder("old").build().unwrap();
    let new = URLSafeTimedSerializer::builder("new").build().unwrap();
    let both = URLSafeTimedSerializer::builder("new")
        .fallback_secrets(["old"])
        .build()
        .unwrap();
    let payload = serde_json::json!({"user": 1});
    let t_old = old.dumps_at(&payload, 1_700_000_000).unwrap();
    let t_new = new.dumps_at(&payload, 1_700_000_000).unwrap();
    assert_eq!(both.dumps_at(&payload, 1_700_000_000).unwrap(), t_new);
    for t in [&t_old, &t_new] {
        assert_eq!(both.loads_at(t, Some(60), 1_700_000_060).unwrap(), payload);
    }
    let e = new.loads_at(&t_old, Some(60), 1_700_000_000).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidSignature);
    // SignatureExpired from the old key is final.
    let e = both.loads_at(&t_old, Some(60), 1_700_000_061).unwrap_err();
    assert_eq!(e.itsdangerous_class(), BadDataClass::SignatureExpired);
    // 0.24 and 1.1 take one key.
    for version in [V0_24, V1] {
        let e = URLSafeTimedSerializer::builder("new")
            .version(version)
            .fallback_secrets(["old"])
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidKey);
        let e = TimestampSigner::builder("new")
            .version(version)
            .fallback_secrets(["old"])
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidKey);
    }
}

#[test]
fn flask_like_raw_json_round_trip() {
    // What the Flask session layer does: its own sorted, tagged JSON text,
    // salt cookie-session, hmac key derivation, SHA-1.
    let s = URLSafeTimedSerializer::builder("dev-secret")
        .salt("cookie-session")
        .key_derivation(KeyDerivation::Hmac)
        .digest(Digest::Sha1)
        .build()
        .unwrap();
    let token = s.dumps_raw_at(r#"{"user_id":42}"#, 1_700_000_000).unwrap();
    // itsdangerous-classic.md §8: the cookie for session["user_id"] = 42.
    assert_eq!(
        token,
        "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM"
    );
    let (json, ts) = s
        .loads_raw_at(&token, Some(2_678_400), 1_702_678_400)
        .unwrap();
    assert_eq!(
        (json.as_slice(), ts),
        (&br#"{"user_id":42}"#[..], 1_700_000_000)
    );
    let e = s
        .loads_raw_at(&token, Some(2_678_400), 1_702_678_401)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Expired);
    let e = s
        .loads_raw_at(&token, Some(2_678_400), 1_699_999_999)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotYetValid);
}

#[test]
fn loads_as_typed() {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct P {
        id: String,
        n: u32,
    }
    let s = URLSafeSerializer::builder("secret-key-A").build().unwrap();
    let token = "eyJpZCI6ImZvb2JhciIsIm4iOjQyfQ.-dmZsFQdANRBjDxv_zuM2kLt-Dg";
    assert_eq!(
        s.loads_as::<P>(token).unwrap(),
        P {
            id: "foobar".into(),
            n: 42
        }
    );
    let e = s.loads_as::<Vec<u8>>(token).unwrap_err();
    assert_eq!(
        (e.itsdangerous_class(), e.kind()),
        (BadDataClass::BadPayload, ErrorKind::Malformed)
    );
    assert_eq!(
        e.payload(),
        Some(&serde_json::json!({"id": "foobar", "n": 42}))
    );
}

#[test]
fn compression_threshold_and_version_escaping() {
    // 13-byte JSON compresses to 12: not kept; 14 to 12: kept.
    let s = URLSafeSerializer::builder("secret-key-A").build().unwrap();
    assert!(!s.dumps(&"a".repeat(11)).unwrap().starts_with('.'));
    assert!(s.dumps(&"a".repeat(12)).unwrap().starts_with('.'));
    // Plain serializers never compress.
    let plain = Serializer::builder("secret-key-A").build().unwrap();
    assert!(plain.dumps(&"a".repeat(1000)).unwrap().starts_with("\"aaa"));
    // 0.24 escapes non-ASCII in URL-safe JSON, 1.1 and 2.x do not.
    let text = |version| {
        let s = URLSafeSerializer::builder("k")
            .version(version)
            .build()
            .unwrap();
        String::from_utf8(s.loads_raw(s.dumps(&"é").unwrap()).unwrap()).unwrap()
    };
    assert_eq!(text(V0_24), r#""\u00e9""#);
    assert_eq!(text(V1), "\"é\"");
    assert_eq!(text(V2), "\"é\"");
}
