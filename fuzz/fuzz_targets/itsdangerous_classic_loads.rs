//! The classic itsdangerous formats' verify path: `Signer`,
//! `TimestampSigner` and the four serializers, with a fixed key.
//!
//! Input: `ctl`, `skew` (an `i8`), 8-byte little-endian `now`, then the
//! body. Signed material is signed at `now` and read at `now + skew`.
//!
//! * `ctl` bits 0-1: version (0, 3: 2.x; 1: 1.1; 2: 0.24); bits 2-4: class
//!   (Signer, TimestampSigner, Serializer, TimedSerializer,
//!   URLSafeSerializer, URLSafeTimedSerializer; 6 and 7 wrap); bits 5-6:
//!   `max_age` (none, 0, 3600, -1); bit 7: the body is a token (clear) or
//!   material signed with the fuzz key first (set).
//! * Signed material: the signers sign the body itself; the serializers
//!   sign, with a `Signer`/`TimestampSigner` of their own salt, a payload
//!   segment made of the body: the raw text (plain serializers), or for the
//!   URL-safe ones a flag byte then data: `.` + base64url(data) (the data as
//!   a zlib stream: the inflate limit) when the flag is odd, base64url(data)
//!   otherwise.
//!
//! Checks: only the documented (class, kind) pairs; `loads` is
//! deterministic; what an error carries is authenticated; `loads_unsafe`
//! agrees with `loads`; a payload read is at most `max_payload_len` bytes of
//! JSON text; signed material comes back as signed, or expired exactly as
//! the version's `max_age` rule says for an age of `skew` seconds.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use timed_jws::compat::itsdangerous::{
    BadDataClass, ClassicLimits, ItsDangerousVersion, LoadError, Serializer, Signer,
    TimedSerializer, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer,
    DEFAULT_SERIALIZER_SALT, MAX_TIMESTAMP,
};
use timed_jws::{Error, ErrorKind, Part};

const SECRET: &[u8] = b"timed-jws fuzz key, 32 bytes!!!!";
/// Small, so the fuzzer reaches it with short inputs.
const MAX_PAYLOAD: usize = 4096;

fn limits() -> ClassicLimits {
    ClassicLimits {
        max_payload_len: MAX_PAYLOAD,
        ..ClassicLimits::DEFAULT
    }
}

/// The documented (class, kind) pairs, and what an error may carry.
fn check_error(e: &LoadError, version: ItsDangerousVersion, timed: bool, serializer: bool) {
    use BadDataClass::{BadPayload, BadSignature, BadTimeSignature, SignatureExpired};
    use ErrorKind as K;
    let class = e.itsdangerous_class();
    let kind = e.kind();
    let allowed = match (class, kind) {
        (BadSignature, K::Malformed | K::InvalidSignature | K::ResourceLimit) => true,
        (BadTimeSignature, K::Malformed | K::InvalidSignature | K::MissingClaim) => timed,
        (SignatureExpired, K::Expired) => timed,
        (SignatureExpired, K::NotYetValid) => timed && version == ItsDangerousVersion::V2,
        (BadPayload, K::Malformed | K::ResourceLimit) => serializer,
        _ => false,
    };
    assert!(allowed, "{class:?} / {kind:?}: {e:?}");
    assert_eq!(
        e.itsdangerous_message().is_none(),
        kind == K::ResourceLimit,
        "{e:?}"
    );
    // Only what the MAC authenticated is carried: the timestamp errors
    // (a malformed timestamp is a `Part::Token` error of BadTimeSignature;
    // a malformed signature is `Part::Signature`).
    let authenticated = match kind {
        K::MissingClaim | K::Expired | K::NotYetValid => true,
        K::Malformed => {
            class == BadTimeSignature
                && matches!(
                    e.error(),
                    Error::Malformed {
                        part: Part::Token,
                        ..
                    }
                )
        }
        _ => false,
    };
    if !authenticated {
        assert_eq!(e.value(), None, "{e:?}");
        assert_eq!(e.payload(), None, "{e:?}");
    } else {
        assert!(e.value().is_some(), "{e:?}");
    }
    assert_eq!(
        e.issued_at().is_some(),
        class == SignatureExpired,
        "{e:?}"
    );
    if let Some(ts) = e.issued_at() {
        assert!((0..=MAX_TIMESTAMP).contains(&ts.secs()), "{e:?}");
    }
    if e.payload().is_some() {
        assert_eq!(class, SignatureExpired, "{e:?}");
    }
}

/// A serializer's `loads` (and `loads_unsafe`, `loads_raw`) of `token`.
fn check_serializer(
    loads: Result<(Value, Option<i64>), LoadError>,
    again: Result<(Value, Option<i64>), LoadError>,
    unsafe_: Result<(bool, Option<Value>), LoadError>,
    raw: Result<Vec<u8>, LoadError>,
    version: ItsDangerousVersion,
    timed: bool,
) -> Option<Value> {
    assert_eq!(loads, again, "loads is not deterministic");
    match loads {
        Ok((payload, ts)) => {
            assert_eq!(ts.is_some(), timed);
            assert_eq!(unsafe_, Ok((true, Some(payload.clone()))));
            let raw = raw.expect("loads_raw refused what loads accepted");
            assert!(raw.len() <= MAX_PAYLOAD, "{} bytes", raw.len());
            assert_eq!(serde_json::from_slice::<Value>(&raw).ok(), Some(payload.clone()));
            Some(payload)
        }
        Err(e) => {
            check_error(&e, version, timed, true);
            if e.itsdangerous_class() == BadDataClass::BadPayload {
                // Python raises BadPayload from loads_unsafe too.
                assert_eq!(unsafe_.as_ref().err(), Some(&e));
            } else if e.kind() == ErrorKind::ResourceLimit {
                assert_eq!(unsafe_.as_ref().err().map(LoadError::kind), Some(e.kind()));
            } else {
                let (ok, _) = unsafe_.expect("loads_unsafe raised after a signature error");
                assert!(!ok);
            }
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&[ctl, skew], rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let Some((now, body)) = rest.split_first_chunk::<8>() else {
        return;
    };
    let now = i64::from_le_bytes(*now);
    let skew = i64::from(skew as i8);
    let version = match ctl & 3 {
        1 => ItsDangerousVersion::V1,
        2 => ItsDangerousVersion::V0_24,
        _ => ItsDangerousVersion::V2,
    };
    let class = (ctl >> 2) & 7;
    let max_age = [None, Some(0), Some(3600), Some(-1)][usize::from((ctl >> 5) & 3)];
    let sign_first = ctl & 0x80 != 0;
    let epoch = if version == ItsDangerousVersion::V0_24 {
        1_293_840_000
    } else {
        0
    };
    let clock_ok = (epoch..=MAX_TIMESTAMP).contains(&now);
    // Signed material is read at `read_at`, `skew` seconds after signing.
    let Some(read_at) = now.checked_add(skew) else {
        return;
    };
    // The outcome the version's rule gives an age of `skew`.
    let expected_age_error = match max_age {
        Some(m) if skew > m => Some(ErrorKind::Expired),
        Some(_) if skew < 0 && version == ItsDangerousVersion::V2 => Some(ErrorKind::NotYetValid),
        _ => None,
    };

    match class % 6 {
        // Signer
        0 => {
            let s = Signer::builder(SECRET)
                .version(version)
                .limits(limits())
                .build()
                .unwrap();
            let token = if sign_first { s.sign(body) } else { body.to_vec() };
            let r = s.unsign(&token);
            assert_eq!(r, s.unsign(&token), "unsign is not deterministic");
            match &r {
                Ok(v) => assert!(token.starts_with(v)),
                Err(e) => check_error(e, version, false, false),
            }
            if sign_first && token.len() <= ClassicLimits::DEFAULT.max_token_len {
                assert_eq!(r.as_deref(), Ok(body));
            }
        }
        // TimestampSigner
        1 => {
            let s = TimestampSigner::builder(SECRET)
                .version(version)
                .limits(limits())
                .build()
                .unwrap();
            let token = if sign_first {
                match s.sign_at(body, now) {
                    Ok(t) => {
                        assert!(clock_ok, "signed at {now}");
                        t
                    }
                    Err(e) => {
                        assert!(!clock_ok, "{e:?} at {now}");
                        assert_eq!(e.kind(), ErrorKind::InvalidClaim);
                        return;
                    }
                }
            } else {
                body.to_vec()
            };
            let r = s.unsign_with_timestamp_at(&token, max_age, read_at);
            assert_eq!(
                r,
                s.unsign_with_timestamp_at(&token, max_age, read_at),
                "unsign is not deterministic"
            );
            match &r {
                Ok((v, ts)) => {
                    assert!(token.starts_with(v));
                    assert!((0..=MAX_TIMESTAMP).contains(ts));
                    if let Some(max_age) = max_age {
                        assert!(i128::from(read_at) - i128::from(*ts) <= i128::from(max_age));
                        if version == ItsDangerousVersion::V2 {
                            assert!(*ts <= read_at);
                        }
                    }
                }
                Err(e) => check_error(e, version, true, false),
            }
            if sign_first && token.len() <= ClassicLimits::DEFAULT.max_token_len {
                match expected_age_error {
                    Some(kind) => {
                        let e = r.unwrap_err();
                        assert_eq!(e.kind(), kind);
                        assert_eq!(e.value(), Some(body));
                        assert_eq!(e.issued_at().map(|d| d.secs()), Some(now));
                    }
                    None => assert_eq!(r, Ok((body.to_vec(), now))),
                }
            }
        }
        // The serializers.
        c => {
            let timed = c == 3 || c == 5;
            let url_safe = c >= 4;
            let token = if sign_first {
                let mut segment = Vec::new();
                if url_safe {
                    let Some((flag, data)) = body.split_first() else {
                        return;
                    };
                    if flag & 1 == 1 {
                        segment.push(b'.');
                    }
                    segment.extend_from_slice(URL_SAFE_NO_PAD.encode(data).as_bytes());
                } else {
                    segment.extend_from_slice(body);
                }
                if timed {
                    match TimestampSigner::builder(SECRET)
                        .version(version)
                        .salt(DEFAULT_SERIALIZER_SALT)
                        .build()
                        .unwrap()
                        .sign_at(&segment, now)
                    {
                        Ok(t) => t,
                        Err(e) => {
                            assert!(!clock_ok, "{e:?} at {now}");
                            return;
                        }
                    }
                } else {
                    Signer::builder(SECRET)
                        .version(version)
                        .salt(DEFAULT_SERIALIZER_SALT)
                        .build()
                        .unwrap()
                        .sign(&segment)
                }
            } else {
                body.to_vec()
            };
            macro_rules! untimed {
                ($ty:ident) => {{
                    let s = $ty::builder(SECRET)
                        .version(version)
                        .limits(limits())
                        .build()
                        .unwrap();
                    check_serializer(
                        s.loads(&token).map(|p| (p, None)),
                        s.loads(&token).map(|p| (p, None)),
                        s.loads_unsafe(&token),
                        s.loads_raw(&token),
                        version,
                        false,
                    )
                }};
            }
            macro_rules! timed {
                ($ty:ident) => {{
                    let s = $ty::builder(SECRET)
                        .version(version)
                        .limits(limits())
                        .build()
                        .unwrap();
                    check_serializer(
                        s.loads_with_timestamp_at(&token, max_age, read_at)
                            .map(|(p, ts)| (p, Some(ts))),
                        s.loads_with_timestamp_at(&token, max_age, read_at)
                            .map(|(p, ts)| (p, Some(ts))),
                        s.loads_unsafe_at(&token, max_age, read_at),
                        s.loads_raw_at(&token, max_age, read_at).map(|(raw, _)| raw),
                        version,
                        true,
                    )
                }};
            }
            let loaded = match c {
                2 => untimed!(Serializer),
                3 => timed!(TimedSerializer),
                4 => untimed!(URLSafeSerializer),
                _ => timed!(URLSafeTimedSerializer),
            };
            // Signed plain JSON text within the limits comes back, unless
            // its age is out of `max_age`.
            if sign_first && !url_safe {
                if let Ok(want) = serde_json::from_slice::<Value>(body) {
                    let deep = body.iter().filter(|&&b| b == b'[' || b == b'{').count() > 64;
                    if body.len() <= MAX_PAYLOAD && !deep {
                        if timed && expected_age_error.is_some() {
                            assert_eq!(loaded, None);
                        } else {
                            assert_eq!(loaded, Some(want));
                        }
                    }
                }
            }
        }
    }
});
