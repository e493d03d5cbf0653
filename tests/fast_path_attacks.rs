//! Attacks on the single-key fast paths of `jwt::decode_at` /
//! `jwt::decode_claims_at` (segments found from the ends or after a prepared
//! header segment, the tag looked for where the key's HMAC tag would start,
//! the claims text decoded on the stack) and on `jwt::encode`'s per-thread
//! claims buffer.
//!
//! The strict reference is `jwt::decode_at` with a one-key [`KeySet`]: it
//! takes the strict splitter (exactly two dots, counted) and reads the
//! header first. For every token here, `decode_at`, `decode_claims_at` and
//! that reference must give the same `Ok` value or the same `Error`; the
//! focused tests also assert the exact outcome.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};
use timed_jws::{
    dangerous, jws, jwt, Algorithm, Error, ErrorKind, Header, Key, KeySet, Limits, NumericDate,
    Part, RegisteredClaims, Validation,
};

#[path = "common/attack.rs"]
mod attack;
use attack::{b64, hs, pem_key, signed, NOW};

type Map = serde_json::Map<String, Value>;

const THREE: Error = Error::Malformed {
    part: Part::Token,
    reason: "a compact JWS has exactly three segments",
};

/// Every kind of key the fast paths see: HMAC with and without `kid`
/// (process-wide and shared prepared headers), and the asymmetric
/// algorithms (no tag-length guess).
fn all_keys() -> Vec<Key> {
    vec![
        hs(Algorithm::HS256, None),
        hs(Algorithm::HS256, Some("k1")),
        hs(Algorithm::HS384, None),
        hs(Algorithm::HS384, Some("k1")),
        hs(Algorithm::HS512, None),
        hs(Algorithm::HS512, Some("k1")),
        pem_key(Algorithm::RS256, "rsa2048-pkcs1.pem"),
        pem_key(Algorithm::ES256, "p256-pkcs8.pem").with_kid("ec"),
        pem_key(Algorithm::EdDSA, "ed25519-pkcs8v1.pem"),
    ]
}

/// The JSON of every header the key has prepared (see `known.rs`): this
/// crate's `{"alg"[,"typ"][,"kid"]}` and `{"typ":"JWT","alg"[,"kid"]}`,
/// with the key's `kid` and without.
fn prepared_jsons(key: &Key) -> Vec<Vec<u8>> {
    let alg = key.algorithm();
    let mut kids = vec![None];
    if let Some(k) = key.kid() {
        kids.insert(0, Some(k.to_owned()));
    }
    let mut out = Vec::new();
    for kid in kids {
        for typ in [Some("JWT"), None] {
            let mut h = Header::new(alg);
            h.typ = typ.map(str::to_owned);
            h.kid.clone_from(&kid);
            out.push(h.to_json_bytes().unwrap());
        }
        let mut j = format!(r#"{{"typ":"JWT","alg":"{}""#, alg.as_str());
        if let Some(k) = &kid {
            j.push_str(&format!(r#","kid":{}"#, serde_json::to_string(k).unwrap()));
        }
        j.push('}');
        out.push(j.into_bytes());
    }
    out
}

fn claims() -> Value {
    json!({"sub": "alice", "exp": 2_000, "role": "admin"})
}

fn payload() -> String {
    b64(&serde_json::to_vec(&claims()).unwrap())
}

/// A typed claims set (the single pass forwards `exp` and `sub`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Session {
    sub: String,
    exp: i64,
    role: Option<String>,
}

type Outcome = Result<(Header, RegisteredClaims, Map), Error>;

/// `decode_at`'s outcome for `token`, after asserting that
/// `decode_claims_at` (map and typed) agrees with it and that the strict
/// reference (a one-key `KeySet`) does too whenever the token's `kid` does
/// not make the key set differ from a single key.
fn run(token: &str, key: &Key, v: &Validation) -> Outcome {
    let full: Outcome = jwt::decode_at::<Map>(token, key, v, NOW).map(parts);
    let only = jwt::decode_claims_at::<Map>(token, key, v, NOW);
    assert_eq!(
        only,
        full.clone().map(|(_, _, c)| c),
        "decode_claims_at vs decode_at: {token:?}"
    );
    let typed = jwt::decode_at::<Session>(token, key, v, NOW).map(|j| j.into_claims());
    let typed_only = jwt::decode_claims_at::<Session>(token, key, v, NOW);
    assert_eq!(typed_only, typed, "typed: {token:?}");
    let foreign_kid = matches!(
        dangerous::decode_header_unverified(token),
        Ok(Header { kid: Some(ref k), .. }) if Some(k.as_str()) != key.kid()
    );
    if !foreign_kid {
        let set = KeySet::new().with_key(key.clone()).unwrap();
        let strict: Outcome = jwt::decode_at::<Map>(token, &set, v, NOW).map(parts);
        assert_eq!(full, strict, "single key vs strict reference: {token:?}");
    }
    full
}

fn parts(j: timed_jws::Jwt<Map>) -> (Header, RegisteredClaims, Map) {
    j.into_parts()
}

fn kind_part(e: &Error) -> (ErrorKind, Option<Part>) {
    match e {
        Error::Malformed { part, .. } => (ErrorKind::Malformed, Some(*part)),
        other => (other.kind(), None),
    }
}

fn header_of(json: &[u8]) -> Header {
    Header::from_json_bytes(json).unwrap()
}

fn ok_claims() -> Map {
    claims().as_object().unwrap().clone()
}

/// The expected `Ok` for a token with header JSON `json` and [`claims`].
fn accepted(json: &[u8]) -> Outcome {
    let registered = RegisteredClaims {
        sub: Some("alice".to_owned()),
        exp: Some(NumericDate::from_secs(2_000)),
        ..RegisteredClaims::default()
    };
    Ok((header_of(json), registered, ok_claims()))
}

#[test]
fn every_prepared_header_is_accepted_exactly() {
    for key in all_keys() {
        for json in prepared_jsons(&key) {
            let token = signed(&format!("{}.{}", b64(&json), payload()), &key);
            assert_eq!(
                run(&token, &key, &Validation::new()),
                accepted(&json),
                "{:?} {}",
                key.algorithm(),
                String::from_utf8_lossy(&json)
            );
        }
    }
}

/// A header segment that starts with a prepared segment but is longer: the
/// prepared header must not be used. With trailing JSON whitespace it is
/// a valid header (the same members); with other bytes it is malformed.
#[test]
fn prepared_segment_as_strict_prefix_of_the_header_segment() {
    for key in all_keys() {
        for json in prepared_jsons(&key) {
            let prepared = b64(&json);
            for ws in [&b" "[..], b"\n", b"\t\r", b"   "] {
                let longer = [&json[..], ws].concat();
                let segment = b64(&longer);
                if json.len() % 3 == 0 {
                    assert!(segment.starts_with(&prepared));
                }
                let token = signed(&format!("{segment}.{}", payload()), &key);
                assert_eq!(
                    run(&token, &key, &Validation::new()),
                    accepted(&json),
                    "{token}"
                );
            }
            for suffix in ["A", "AA", "AAA", "AAAA", "_w", "Zm9v", "é", "®", "=", "+/"] {
                let token = signed(&format!("{prepared}{suffix}.{}", payload()), &key);
                let err = run(&token, &key, &Validation::new()).unwrap_err();
                assert_eq!(
                    kind_part(&err),
                    (ErrorKind::Malformed, Some(Part::Header)),
                    "{token}: {err:?}"
                );
                // Not signed: the header is still checked first.
                let unsigned = format!("{prepared}{suffix}.{}.{}", payload(), b64(&[0; 32]));
                assert_eq!(run(&unsigned, &key, &Validation::new()), Err(err));
            }
        }
    }
}

/// Four or more segments whose last one is the key's valid signature over
/// everything before it: only the segment count is wrong.
#[test]
fn extra_segments_with_a_valid_signature() {
    for key in all_keys() {
        for json in prepared_jsons(&key) {
            let h = b64(&json);
            let p = payload();
            for input in [
                format!("{h}.{p}.e30"),
                format!("{h}.{p}."),
                format!("{h}..{p}"),
                format!("{h}.{p}.{p}.{p}"),
                format!("{h}.{p}.{}", b64(&[0; 32])),
                format!("{h}.{p}.{}", b64(&[0; 64])),
                format!(".{h}.{p}"),
                format!("{h}.{p}.{h}.{p}"),
            ] {
                let token = signed(&input, &key);
                assert_eq!(run(&token, &key, &Validation::new()), Err(THREE), "{token}");
            }
            let good = signed(&format!("{h}.{p}"), &key);
            for token in [
                format!("{good}."),
                format!("{good}.."),
                format!(".{good}"),
                format!("{good}.{}", good.rsplit('.').next().unwrap()),
                good.replacen('.', "..", 1),
            ] {
                assert_eq!(run(&token, &key, &Validation::new()), Err(THREE), "{token}");
            }
        }
    }
}

/// A dot exactly where the key's HMAC tag would start, with other dots
/// after it (inside the tag) or only one dot in the whole token.
#[test]
fn dot_where_the_tag_would_start() {
    for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        for key in [hs(alg, None), hs(alg, Some("k1"))] {
            let tag_chars = b64(&vec![0; alg.hmac_output_len().unwrap()]).len();
            for json in prepared_jsons(&key) {
                let h = b64(&json);
                let good = signed(&format!("{h}.{}", payload()), &key);
                let tag_at = good.len() - tag_chars;
                assert_eq!(&good[tag_at - 1..tag_at], ".");
                // A dot inside the tag: three dots in all.
                for i in [0, 1, tag_chars / 2, tag_chars - 1] {
                    let mut t = good.clone().into_bytes();
                    t[tag_at + i] = b'.';
                    let t = String::from_utf8(t).unwrap();
                    assert_eq!(run(&t, &key, &Validation::new()), Err(THREE), "{t}");
                }
                // The header followed by exactly a tag: one dot, at the tag
                // position.
                let tag = &good[tag_at..];
                let t = format!("{h}.{tag}");
                assert_eq!(run(&t, &key, &Validation::new()), Err(THREE), "{t}");
                // A payload exactly one tag long and a dot before the tag
                // position too.
                let t = format!("{h}.{tag}.{tag}");
                assert_eq!(
                    run(&t, &key, &Validation::new()),
                    Err(Error::InvalidSignature),
                    "{t}"
                );
                // A signature one character shorter or longer than the tag,
                // or of other lengths: the guessed position is not the dot.
                let h_p = &good[..tag_at - 1];
                for sig in [
                    good[tag_at..good.len() - 1].to_owned(),
                    format!("{}A", &good[tag_at..]),
                    format!("{}AAAA", &good[tag_at..]),
                    b64(&vec![0; tag_chars * 3 / 4 - 1]),
                    b64(&vec![0; tag_chars * 3 / 4 + 1]),
                    b64(&[0; 256]),
                ] {
                    let t = format!("{h_p}.{sig}");
                    let got = run(&t, &key, &Validation::new());
                    // Independent strict decoder: valid base64url of the
                    // wrong tag is a failed MAC, anything else malformed.
                    if URL_SAFE_NO_PAD.decode(&sig).is_ok() {
                        assert_eq!(got, Err(Error::InvalidSignature), "{t}");
                    } else {
                        let err = got.unwrap_err();
                        assert_eq!(
                            kind_part(&err),
                            (ErrorKind::Malformed, Some(Part::Signature)),
                            "{t}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn empty_segments() {
    for key in all_keys() {
        let h = b64(&prepared_jsons(&key)[0]);
        let p = payload();
        let v = Validation::new();
        for t in ["", ".", "...", "....", "a", "a.b"] {
            assert_eq!(run(t, &key, &v), Err(THREE), "{t:?}");
        }
        for t in [
            format!("{h}."),
            h.clone(),
            format!("{h}.{p}"),
            format!("{h}..."),
        ] {
            assert_eq!(run(&t, &key, &v), Err(THREE), "{t:?}");
        }
        // Empty header segment.
        for t in [
            "..".to_owned(),
            format!(".{p}.sig"),
            signed(&format!(".{p}"), &key),
        ] {
            let err = run(&t, &key, &v).unwrap_err();
            assert_eq!(
                kind_part(&err),
                (ErrorKind::Malformed, Some(Part::Header)),
                "{t}"
            );
        }
        // Empty signature: the check fails; nothing else is wrong.
        assert_eq!(
            run(&format!("{h}.."), &key, &v),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            run(&format!("{h}.{p}."), &key, &v),
            Err(Error::InvalidSignature)
        );
        // Empty payload, correctly signed: the claims set is not JSON.
        let err = run(&signed(&format!("{h}."), &key), &key, &v).unwrap_err();
        assert_eq!(kind_part(&err), (ErrorKind::Malformed, Some(Part::Payload)));
    }
}

fn with_limits(f: impl FnOnce(&mut Limits)) -> Validation {
    let mut l = Limits::default();
    f(&mut l);
    Validation::new().with_limits(l)
}

#[test]
fn token_length_limit_exactly_and_one_over() {
    for key in all_keys() {
        for json in prepared_jsons(&key) {
            let good = signed(&format!("{}.{}", b64(&json), payload()), &key);
            let n = good.len();
            let at = with_limits(|l| l.max_token_len = n);
            assert_eq!(run(&good, &key, &at), accepted(&json));
            let under = with_limits(|l| l.max_token_len = n - 1);
            let over_limit = Error::ResourceLimit {
                limit: "max_token_len",
                max: n - 1,
            };
            assert_eq!(run(&good, &key, &under), Err(over_limit.clone()));
            // The size limit comes before the segment count and the header.
            let four = signed(&format!("{}.{}.e30", b64(&json), payload()), &key);
            let at4 = with_limits(|l| l.max_token_len = four.len());
            assert_eq!(run(&four, &key, &at4), Err(THREE));
            let under4 = with_limits(|l| l.max_token_len = four.len() - 1);
            assert_eq!(
                run(&four, &key, &under4),
                Err(Error::ResourceLimit {
                    limit: "max_token_len",
                    max: four.len() - 1
                })
            );
            let bad_header = format!("!{good}");
            let at_bad = with_limits(|l| l.max_token_len = n);
            assert_eq!(
                run(&bad_header, &key, &at_bad),
                Err(Error::ResourceLimit {
                    limit: "max_token_len",
                    max: n
                })
            );
        }
    }
}

#[test]
fn header_length_limit_on_prepared_headers() {
    for key in all_keys() {
        for json in prepared_jsons(&key) {
            let good = signed(&format!("{}.{}", b64(&json), payload()), &key);
            let forged = format!("{}.{}.{}", b64(&json), payload(), b64(&[1; 32]));
            let j = json.len();
            let at = with_limits(|l| l.max_header_len = j);
            assert_eq!(run(&good, &key, &at), accepted(&json));
            assert_eq!(run(&forged, &key, &at), Err(Error::InvalidSignature));
            for max in [j - 1, j / 2, 1, 0] {
                let under = with_limits(|l| l.max_header_len = max);
                let want = Err(Error::ResourceLimit {
                    limit: "max_header_len",
                    max,
                });
                assert_eq!(run(&good, &key, &under), want, "{max}");
                // Before the signature is looked at.
                assert_eq!(run(&forged, &key, &under), want, "{max}");
                let four = signed(&format!("{}.{}.e30", b64(&json), payload()), &key);
                assert_eq!(run(&four, &key, &under), Err(THREE));
            }
        }
    }
}

#[test]
fn json_depth_limits_zero_and_one() {
    let depth = |max: usize| Error::ResourceLimit {
        limit: "max_json_depth",
        max,
    };
    for key in all_keys() {
        for json in prepared_jsons(&key) {
            let h = b64(&json);
            let good = signed(&format!("{h}.{}", payload()), &key);
            let forged = format!("{h}.{}.{}", payload(), b64(&[1; 32]));
            let zero = with_limits(|l| l.max_json_depth = 0);
            assert_eq!(run(&good, &key, &zero), Err(depth(0)));
            assert_eq!(run(&forged, &key, &zero), Err(depth(0)));
            // The header's depth is checked before the payload is even
            // decoded: a payload that is empty, not base64url or not JSON
            // does not change the error.
            for p in ["", "!!", "eA", "e30"] {
                let t = signed(&format!("{h}.{p}"), &key);
                assert_eq!(run(&t, &key, &zero), Err(depth(0)), "{t}");
            }
            let one = with_limits(|l| l.max_json_depth = 1);
            assert_eq!(run(&good, &key, &one), accepted(&json));
            let nested = b64(br#"{"sub":"alice","exp":2000,"role":["admin"]}"#);
            let t = signed(&format!("{h}.{nested}"), &key);
            assert_eq!(run(&t, &key, &one), Err(depth(1)));
            let t = signed(&format!("{h}.{nested}.e30"), &key);
            assert_eq!(run(&t, &key, &one), Err(THREE));
        }
    }
}

/// Short payloads (within `2 * max_json_depth + 1` bytes, where the depth
/// check was once deferred) that nest too deep but are not JSON, not
/// UTF-8, or fail a claim check must get the depth error first; at the
/// boundary lengths the valid ones are accepted.
#[test]
fn short_payloads_keep_the_depth_error_first() {
    let depth = |max: usize| {
        Err(Error::ResourceLimit {
            limit: "max_json_depth",
            max,
        })
    };
    let not_json = Err(Error::Malformed {
        part: Part::Payload,
        reason: "claims set is not a JSON object",
    });
    for key in all_keys() {
        let h = b64(&Header::new(key.algorithm()).to_json_bytes().unwrap());
        let tok = |p: &[u8]| signed(&format!("{h}.{}", b64(p)), &key);
        for max in [1usize, 2, 3, 5] {
            let v = with_limits(|l| l.max_json_depth = max);
            let over = max + 1;
            // `max + 1` openings: within the length bound, never JSON.
            let open = "[".repeat(over);
            assert_eq!(run(&tok(open.as_bytes()), &key, &v), depth(max));
            // Not UTF-8 after the brackets.
            let mut bad = open.clone().into_bytes();
            bad.push(0xff);
            assert_eq!(run(&tok(&bad), &key, &v), depth(max));
            // Too deep and long enough to be JSON: an expired claims set
            // (the single pass reads it, the claim check fails).
            let nested = format!(
                r#"{{"exp":1,"x":{}0{}}}"#,
                "[".repeat(over - 1),
                "]".repeat(over - 1)
            );
            assert_eq!(run(&tok(nested.as_bytes()), &key, &v), depth(max));
            // Exactly at the limit, the same claims set is refused for its
            // `exp` alone.
            let at = format!(
                r#"{{"exp":1,"x":{}0{}}}"#,
                "[".repeat(max - 1),
                "]".repeat(max - 1)
            );
            assert_eq!(
                run(&tok(at.as_bytes()), &key, &v).map_err(|e| e.kind()),
                Err(ErrorKind::Expired)
            );
            // Valid, at the limit, and accepted.
            let ok = format!(
                r#"{{"exp":2000,"x":{}0{}}}"#,
                "[".repeat(max - 1),
                "]".repeat(max - 1)
            );
            let got = run(&tok(ok.as_bytes()), &key, &v).map(|(_, _, c)| Value::Object(c));
            assert_eq!(got, Ok(serde_json::from_str::<Value>(&ok).unwrap()));
        }
        // Two bytes: `[[` with a limit of 1 (n / 2 = 1 is within it).
        let one = with_limits(|l| l.max_json_depth = 1);
        assert_eq!(run(&tok(b"[["), &key, &one), depth(1));
        assert_eq!(run(&tok(b"[]"), &key, &one), not_json);
    }
}

/// `kid`s that need escaping or contain brackets, an empty `kid`, and one
/// too long for the default header limit.
#[test]
fn unusual_kids() {
    for kid in ["é\"\\{[}]", "", "k\u{1}", "a.b", "😀", "[[[[[[[[{{{{{{{{"] {
        let key = hs(Algorithm::HS256, Some(kid));
        for json in prepared_jsons(&key) {
            let good = signed(&format!("{}.{}", b64(&json), payload()), &key);
            assert_eq!(
                run(&good, &key, &Validation::new()),
                accepted(&json),
                "{kid}"
            );
            let one = with_limits(|l| l.max_json_depth = 1);
            assert_eq!(run(&good, &key, &one), accepted(&json), "{kid}");
            let zero = with_limits(|l| l.max_json_depth = 0);
            assert_eq!(
                run(&good, &key, &zero),
                Err(Error::ResourceLimit {
                    limit: "max_json_depth",
                    max: 0
                })
            );
        }
    }
    let long = "k".repeat(9000);
    let key = hs(Algorithm::HS256, Some(&long));
    let token = jwt::encode(&Header::default(), &claims(), &key).unwrap();
    assert_eq!(
        run(&token, &key, &Validation::new()),
        Err(Error::ResourceLimit {
            limit: "max_header_len",
            max: 8192
        })
    );
    let roomy = with_limits(|l| l.max_header_len = 9100);
    let json = token
        .split('.')
        .next()
        .map(|s| URL_SAFE_NO_PAD.decode(s).unwrap());
    assert_eq!(run(&token, &key, &roomy), accepted(&json.unwrap()));
}

/// Multi-byte UTF-8 (including U+00AE, whose second byte is 0x2E | 0x80)
/// in every segment and at the position where the tag would start.
#[test]
fn non_ascii_bytes_in_every_segment() {
    let chars = ["é", "®", "€", "😀", "\u{7f}", "\u{80}", "\u{2e80}"];
    for key in all_keys() {
        let v = Validation::new();
        let h = b64(&prepared_jsons(&key)[0]);
        let p = payload();
        let good = signed(&format!("{h}.{p}"), &key);
        let sig = good.rsplit('.').next().unwrap().to_owned();
        for c in chars {
            for t in [
                signed(&format!("{c}{h}.{p}"), &key),
                signed(&format!("{h}{c}.{p}"), &key),
                format!("{c}.{p}.{sig}"),
            ] {
                let err = run(&t, &key, &v).unwrap_err();
                assert_eq!(
                    kind_part(&err),
                    (ErrorKind::Malformed, Some(Part::Header)),
                    "{t}"
                );
            }
            for t in [
                signed(&format!("{h}.{c}{p}"), &key),
                signed(&format!("{h}.{p}{c}"), &key),
                signed(&format!("{h}.{c}"), &key),
            ] {
                let err = run(&t, &key, &v).unwrap_err();
                assert_eq!(
                    kind_part(&err),
                    (ErrorKind::Malformed, Some(Part::Payload)),
                    "{t}"
                );
                // The same payload not signed: the signature fails first.
                let forged = format!("{}.{sig}", &t[..t.rfind('.').unwrap()]);
                assert_eq!(
                    run(&forged, &key, &v),
                    Err(Error::InvalidSignature),
                    "{forged}"
                );
            }
            for t in [
                format!("{h}.{p}.{c}{sig}"),
                format!("{h}.{p}.{sig}{c}"),
                format!("{h}.{p}.{c}"),
            ] {
                let err = run(&t, &key, &v).unwrap_err();
                assert_eq!(
                    kind_part(&err),
                    (ErrorKind::Malformed, Some(Part::Signature)),
                    "{t}"
                );
            }
            // Each byte of the character at the guessed tag position (and
            // around it): no slicing inside the character.
            for pad in 0..4 {
                for tail in [43usize, 64, 86] {
                    let junk = format!("{}{c}{}", "A".repeat(pad), "A".repeat(tail));
                    let t = format!("{h}.{p}.{junk}");
                    let err = run(&t, &key, &v).unwrap_err();
                    assert_eq!(
                        kind_part(&err),
                        (ErrorKind::Malformed, Some(Part::Signature)),
                        "{t}"
                    );
                    let t = format!("{h}.{p}{junk}");
                    assert_eq!(run(&t, &key, &v), Err(THREE), "{t}");
                    let t = signed(&format!("{h}.{p}{junk}"), &key);
                    let err = run(&t, &key, &v).unwrap_err();
                    assert_eq!(
                        kind_part(&err),
                        (ErrorKind::Malformed, Some(Part::Payload)),
                        "{t}"
                    );
                }
            }
            for t in [
                format!("{c}.{c}.{c}"),
                format!("{c}{c}.{c}{c}.{c}{c}"),
                c.to_owned(),
            ] {
                let err = run(&t, &key, &v).unwrap_err();
                let want = if t.matches('.').count() == 2 {
                    Some(Part::Header)
                } else {
                    Some(Part::Token)
                };
                assert_eq!(kind_part(&err), (ErrorKind::Malformed, want), "{t}");
            }
        }
    }
}

/// A key of one algorithm against tokens of another: `alg` decides before
/// the signature, whatever the tag length guess.
#[test]
fn other_algorithms_and_key_confusion() {
    let keys = all_keys();
    for signer in &keys {
        let token = jwt::encode(&Header::default(), &claims(), signer).unwrap();
        for verifier in &keys {
            let got = run(&token, verifier, &Validation::new());
            let same = signer.algorithm() == verifier.algorithm();
            if same {
                // The same algorithm: `all_keys` uses one secret per HMAC
                // algorithm, and a single key ignores `kid`.
                let json = URL_SAFE_NO_PAD
                    .decode(token.split('.').next().unwrap())
                    .unwrap();
                assert_eq!(got, accepted(&json), "{token}");
            } else {
                assert_eq!(
                    got,
                    Err(Error::AlgorithmNotAllowed {
                        alg: signer.algorithm().as_str().to_owned()
                    }),
                    "{:?} token, {:?} key",
                    signer.algorithm(),
                    verifier.algorithm()
                );
            }
        }
    }
    // `none`, with an empty signature and with a copied tag.
    for key in &keys {
        for sig in ["", "AAAA"] {
            let t = format!("{}.{}.{sig}", b64(br#"{"alg":"none"}"#), payload());
            let err = run(&t, key, &Validation::new()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AlgorithmNotAllowed, "{t}");
        }
    }
}

/// The order of the checks around a failed signature: the header's `alg`
/// against the policy, then the signature's base64url, then the key's
/// algorithm, then the signature itself.
#[test]
fn policy_and_alg_before_the_signature() {
    let not_allowed = |alg: &str| {
        Err(Error::AlgorithmNotAllowed {
            alg: alg.to_owned(),
        })
    };
    let bad_b64 = (ErrorKind::Malformed, Some(Part::Signature));
    for key in [hs(Algorithm::HS256, None), hs(Algorithm::HS256, Some("k1"))] {
        let only_512 = Validation::new().algorithms([Algorithm::HS512]);
        for json in prepared_jsons(&key) {
            let h = b64(&json);
            let p = payload();
            let good = signed(&format!("{h}.{p}"), &key);
            assert_eq!(run(&good, &key, &only_512), not_allowed("HS256"));
            for sig in ["!!", "A", "", "AAAA"] {
                let t = format!("{h}.{p}.{sig}");
                assert_eq!(run(&t, &key, &only_512), not_allowed("HS256"), "{t}");
            }
            let four = signed(&format!("{h}.{p}.e30"), &key);
            assert_eq!(run(&four, &key, &only_512), Err(THREE));
        }
        let h512 = b64(br#"{"alg":"HS512","typ":"JWT"}"#);
        let p = payload();
        let v = Validation::new();
        let t = format!("{h512}.{p}.!!");
        assert_eq!(kind_part(&run(&t, &key, &v).unwrap_err()), bad_b64);
        let t = format!("{h512}.{p}.{}", b64(&[0; 64]));
        assert_eq!(run(&t, &key, &v), not_allowed("HS512"));
        // Correctly MACed by this HS256 key, but the header says HS512.
        let t = signed(&format!("{h512}.{p}"), &key);
        assert_eq!(run(&t, &key, &v), not_allowed("HS512"));
        assert_eq!(run(&t, &key, &only_512), not_allowed("HS512"));
        for sig in ["!!", ""] {
            let t = format!("{}.{p}.{sig}", b64(br#"{"alg":"none"}"#));
            let err = run(&t, &key, &v).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AlgorithmNotAllowed, "{t}");
        }
    }
}

/// `crit` and an expected `typ` on an otherwise prepared-looking header.
#[test]
fn crit_and_typ_after_the_signature() {
    let key = hs(Algorithm::HS256, None);
    let t = signed(
        &format!(
            "{}.{}",
            b64(br#"{"alg":"HS256","crit":["exp"],"exp":1}"#),
            payload()
        ),
        &key,
    );
    assert_eq!(
        run(&t, &key, &Validation::new()).unwrap_err().kind(),
        ErrorKind::InvalidHeader
    );
    let plain = signed(
        &format!("{}.{}", b64(br#"{"alg":"HS256"}"#), payload()),
        &key,
    );
    assert_eq!(
        run(&plain, &key, &Validation::new().typ("JWT")),
        Err(Error::InvalidHeader {
            reason: "missing typ"
        })
    );
    let four = signed(
        &format!("{}.{}.e30", b64(br#"{"alg":"HS256"}"#), payload()),
        &key,
    );
    assert_eq!(run(&four, &key, &Validation::new().typ("JWT")), Err(THREE));
}

/// Claims texts around the 1024-byte stack buffer, with non-ASCII text
/// straddling its end, for every key.
#[test]
fn claims_around_the_stack_buffer() {
    for key in all_keys() {
        for len in (1000..1030).chain([1365, 1366, 4096]) {
            let mut c = claims();
            let pad = len - serde_json::to_vec(&c).unwrap().len() - 10;
            c["pad"] = Value::from("é".repeat(pad / 2) + &"x".repeat(pad % 2));
            let token = jwt::encode(&Header::default(), &c, &key).unwrap();
            let got = run(&token, &key, &Validation::new()).unwrap();
            assert_eq!(Value::Object(got.2), c);
        }
    }
}

// ---------------------------------------------------------------------------
// Differential property: random tokens assembled from pieces.
// ---------------------------------------------------------------------------

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(".".to_owned()),
        Just("..".to_owned()),
        Just("A".to_owned()),
        Just("e30".to_owned()),
        Just("é".to_owned()),
        Just("®".to_owned()),
        Just("=".to_owned()),
        "[A-Za-z0-9_-]{0,6}",
        Just(payload()),
        Just(b64(br#"{"sub":"a","exp":2000}"#)),
        Just(b64(br#"{"exp":10}"#)),
        Just(b64(b"[1]")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]
    /// Tokens made of a prepared (or almost prepared) header, arbitrary
    /// middle pieces and a valid signature over everything before the last
    /// dot, or arbitrary tails: `decode_at`, `decode_claims_at` and the
    /// strict reference agree exactly.
    #[test]
    fn assembled_tokens_agree_with_strict_reference(
        which_key in 0usize..6,
        which_header in 0usize..6,
        header_suffix in prop_oneof![Just(String::new()), piece()],
        middle in prop::collection::vec(piece(), 0..5),
        sign in any::<bool>(),
        tail in prop_oneof![Just(String::new()), piece()],
        limit in 0u8..6,
    ) {
        let key = &all_keys()[which_key];
        let jsons = prepared_jsons(key);
        let h = b64(&jsons[which_header % jsons.len()]);
        let mut input = format!("{h}{header_suffix}");
        for m in &middle {
            input.push_str(m);
        }
        let mut token = if sign {
            signed(&input, key)
        } else {
            format!("{input}.{}", b64(&[7; 32]))
        };
        token.push_str(&tail);
        let v = match limit {
            0 => Validation::new(),
            1 => with_limits(|l| l.max_json_depth = 0),
            2 => with_limits(|l| l.max_json_depth = 1),
            3 => with_limits(|l| l.max_header_len = 20),
            4 => with_limits(|l| l.max_token_len = token.len()),
            _ => with_limits(|l| l.max_token_len = token.len().saturating_sub(1)),
        };
        let got = run(&token, key, &v);
        let dots = token.matches('.').count();
        if dots != 2 && limit != 5 {
            prop_assert_eq!(got, Err(THREE));
        }
    }
}

// ---------------------------------------------------------------------------
// encode: the per-thread claims buffer.
// ---------------------------------------------------------------------------

/// What `encode` must produce: `jws::sign` of `serde_json::to_vec`, with
/// `typ: "JWT"`.
fn expected_token<C: Serialize + ?Sized>(claims: &C, key: &Key) -> String {
    token_for_json(&serde_json::to_vec(claims).unwrap(), key)
}

/// `jws::sign` of exactly `json` under `{"alg", "typ":"JWT"}` (and the
/// key's `kid`).
fn token_for_json(json: &[u8], key: &Key) -> String {
    let mut h = Header::new(key.algorithm());
    h.typ = Some("JWT".to_owned());
    jws::sign(&h, json, key).unwrap()
}

/// Claims whose serialisation signs `depth` nested tokens with `encode`.
struct Nested<'k> {
    key: &'k Key,
    depth: usize,
    pad: usize,
}

impl Serialize for Nested<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap};
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("pad", &"p".repeat(self.pad))?;
        if self.depth > 0 {
            let inner = Nested {
                key: self.key,
                depth: self.depth - 1,
                pad: self.pad * 2 + 1,
            };
            let t = jwt::encode(&Header::default(), &inner, self.key).map_err(S::Error::custom)?;
            m.serialize_entry("inner", &t)?;
        }
        m.serialize_entry("exp", &2_000)?;
        m.end()
    }
}

/// The JSON text `Nested` writes (members in that order), built without
/// `encode`.
fn nested_json(key: &Key, depth: usize, pad: usize) -> Vec<u8> {
    let mut out = format!(r#"{{"pad":"{}""#, "p".repeat(pad));
    if depth > 0 {
        let inner = nested_json(key, depth - 1, pad * 2 + 1);
        out.push_str(&format!(r#","inner":"{}""#, token_for_json(&inner, key)));
    }
    out.push_str(r#","exp":2000}"#);
    out.into_bytes()
}

#[test]
fn encode_nested_inside_serialize() {
    let key = hs(Algorithm::HS256, Some("k1"));
    for depth in 0..4 {
        for pad in [0, 100, 3000, 5000] {
            let got = jwt::encode(
                &Header::default(),
                &Nested {
                    key: &key,
                    depth,
                    pad,
                },
                &key,
            )
            .unwrap();
            assert_eq!(
                got,
                token_for_json(&nested_json(&key, depth, pad), &key),
                "{depth} {pad}"
            );
        }
    }
}

/// Claims that write `len` bytes of a member, then fail (or panic).
struct Failing {
    len: usize,
    panic: bool,
}

impl Serialize for Failing {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap};
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("sub", &"s".repeat(self.len))?;
        assert!(!self.panic, "claims panicked on purpose");
        Err(S::Error::custom("claims failed on purpose"))
    }
}

#[test]
fn encode_after_failing_and_panicking_claims() {
    let key = hs(Algorithm::HS256, None);
    let small = json!({"sub": "y", "exp": 5});
    for len in [0, 10, 4000, 5000, 100_000] {
        assert_eq!(
            jwt::encode(&Header::default(), &Failing { len, panic: false }, &key),
            Err(Error::Malformed {
                part: Part::Payload,
                reason: "claims set is not a JSON object"
            })
        );
        assert_eq!(
            jwt::encode(&Header::default(), &small, &key).unwrap(),
            expected_token(&small, &key)
        );
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            jwt::encode(&Header::default(), &Failing { len, panic: true }, &key)
        }));
        assert!(caught.is_err());
        assert_eq!(
            jwt::encode(&Header::default(), &small, &key).unwrap(),
            expected_token(&small, &key)
        );
    }
    // A claims set that is not an object, and one with an ill-typed
    // registered claim, leave nothing behind either.
    assert_eq!(
        jwt::encode(&Header::default(), &json!([1, 2, 3]), &key).unwrap_err(),
        Error::Malformed {
            part: Part::Payload,
            reason: "claims set is not a JSON object"
        }
    );
    assert_eq!(
        jwt::encode(&Header::default(), &json!({"exp": "soon"}), &key)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidClaim
    );
    assert_eq!(
        jwt::encode(&Header::default(), &small, &key).unwrap(),
        expected_token(&small, &key)
    );
}

#[test]
fn encode_huge_then_small() {
    let key = hs(Algorithm::HS512, Some("k"));
    let small = json!({"sub": "y", "exp": 5});
    for len in [4000, 4080, 4095, 4096, 4097, 8192, 100_000, 1_000_000, 3, 0] {
        let big = json!({"sub": "x".repeat(len), "exp": 7});
        assert_eq!(
            jwt::encode(&Header::default(), &big, &key).unwrap(),
            expected_token(&big, &key),
            "{len}"
        );
        assert_eq!(
            jwt::encode(&Header::default(), &small, &key).unwrap(),
            expected_token(&small, &key)
        );
    }
}

#[test]
fn encode_from_many_threads() {
    let keys = [hs(Algorithm::HS256, None), hs(Algorithm::HS384, Some("k1"))];
    std::thread::scope(|scope| {
        for t in 0..8usize {
            let keys = &keys;
            scope.spawn(move || {
                for i in 0..150usize {
                    let key = &keys[(t + i) % 2];
                    let len = (t * 997 + i * 131) % 6000;
                    let c =
                        json!({"sub": format!("t{t}-i{i}"), "exp": 2_000, "pad": "q".repeat(len)});
                    let token = jwt::encode(&Header::default(), &c, key).unwrap();
                    assert!(token == expected_token(&c, key), "thread {t} iteration {i}");
                    let back: Map =
                        jwt::decode_claims_at(&token, key, &Validation::new(), NOW).unwrap();
                    assert_eq!(Value::Object(back), c);
                    if i % 25 == 0 {
                        let n = Nested {
                            key,
                            depth: 2,
                            pad: len,
                        };
                        assert_eq!(
                            jwt::encode(&Header::default(), &n, key).unwrap(),
                            token_for_json(&nested_json(key, 2, len), key)
                        );
                    }
                }
            });
        }
    });
}

#[test]
fn encode_with_asymmetric_keys() {
    for key in all_keys() {
        let c = claims();
        let token = jwt::encode(&Header::default(), &c, &key).unwrap();
        let want = expected_token(&c, &key);
        if key.algorithm() == Algorithm::ES256 {
            // ECDSA signatures are randomised: the signing input is exact.
            assert_eq!(
                token.rsplit_once('.').unwrap().0,
                want.rsplit_once('.').unwrap().0
            );
        } else {
            assert_eq!(token, want, "{:?}", key.algorithm());
        }
        let json = URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap();
        assert_eq!(run(&token, &key, &Validation::new()), accepted(&json));
    }
}
