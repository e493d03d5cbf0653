//! The order of checks of `jwt::decode_at` (README "Order of checks"):
//! tokens that fail two checks at once get the error of the first, with one
//! key (signature first, nothing parsed before it) and with a key set (the
//! header first, since its `kid` chooses the key); and a header naming
//! another algorithm is refused whoever signed it (with one key, a forged
//! one is `invalid_signature`: its header is never read).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use timed_jws::{jwt, Algorithm, Error, ErrorKind, Key, KeySet, Limit, Limits, NumericDate, Part};
use timed_jws::{Jwt, Validation};

const NOW: NumericDate = NumericDate::from_secs(1_000);

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn hs256() -> Key {
    Key::hmac(Algorithm::HS256, &[0x5a; 32]).unwrap()
}

/// A key from `tests/data/keys/<name>`.
fn pem_key(alg: Algorithm, name: &str) -> Key {
    let path = format!("{}/tests/data/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    Key::from_pem(alg, &std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `header.payload` signed by `key` over exactly those bytes.
fn signed(header: &[u8], payload: &[u8], key: &Key) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let sig = key.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64(&sig))
}

/// `header.payload` with a signature that does not verify.
fn forged(header: &[u8], payload: &[u8]) -> String {
    format!("{}.{}.{}", b64(header), b64(payload), b64(&[7; 32]))
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct NeedsRole {
    role: String,
}

fn malformed(part: Part, reason: &'static str) -> Error {
    Error::Malformed { part, reason }
}

fn not_allowed(alg: &str) -> Error {
    Error::AlgorithmNotAllowed { alg: alg.into() }
}

const HS256: &[u8] = br#"{"alg":"HS256"}"#;
const CLAIMS: &[u8] = br#"{"exp":2000,"role":"r"}"#;

/// One row: a token, a policy, and the errors with one key and with a
/// one-key `KeySet`.
struct Row {
    what: &'static str,
    token: String,
    validation: Validation,
    one_key: Error,
    key_set: Error,
}

fn row(what: &'static str, token: String, validation: Validation, both: Error) -> Row {
    Row {
        what,
        token,
        validation,
        one_key: both.clone(),
        key_set: both,
    }
}

#[test]
fn first_failing_check_wins() {
    let key = hs256();
    let v = Validation::new();
    let only_hs512 = Validation::new().with_algorithms([Algorithm::HS512]);
    let deep = format!("{{\"exp\":2000,\"x\":{}}}", "[".repeat(70)).into_bytes();
    let mut deep_not_utf8 = deep.clone();
    deep_not_utf8.push(0xff);
    let mut small = Limits::default();
    small.max_token_len = 20;
    let rows = [
        // 1. Size and segments, before anything else.
        row(
            "too long, also not three segments",
            "a.b.c.d.e.f.g.h.i.j.k.l".into(),
            Validation::new().with_limits(small),
            Error::ResourceLimit {
                limit: Limit::MaxTokenLen,
                max: 20,
            },
        ),
        row(
            "four segments, the last a valid signature over the rest",
            {
                let input = format!("{}.{}.e30", b64(HS256), b64(CLAIMS));
                format!("{input}.{}", b64(&key.sign(input.as_bytes()).unwrap()))
            },
            v.clone(),
            malformed(Part::Token, "a compact JWS has exactly three segments"),
        ),
        row(
            "header segment longer than max_header_len allows, forged",
            forged(&[b' '; 9000], CLAIMS),
            v.clone(),
            Error::ResourceLimit {
                limit: Limit::MaxHeaderLen,
                max: 8192,
            },
        ),
        // 2. The signature, then the header; a key set reads the header
        //    first.
        Row {
            what: "signature not base64url, header not JSON",
            token: format!("{}.{}.!!", b64(b"{"), b64(CLAIMS)),
            validation: v.clone(),
            one_key: malformed(Part::Signature, "invalid base64url"),
            key_set: malformed(Part::Header, "header is not valid JSON"),
        },
        Row {
            what: "forged, header not JSON",
            token: forged(b"{", CLAIMS),
            validation: v.clone(),
            one_key: Error::InvalidSignature,
            key_set: malformed(Part::Header, "header is not valid JSON"),
        },
        Row {
            what: "forged, header naming another algorithm",
            token: forged(br#"{"alg":"HS512"}"#, CLAIMS),
            validation: v.clone(),
            one_key: Error::InvalidSignature,
            key_set: not_allowed("HS512"),
        },
        Row {
            what: "forged, the key's algorithm refused by the policy",
            token: forged(HS256, CLAIMS),
            validation: only_hs512.clone(),
            one_key: Error::InvalidSignature,
            key_set: not_allowed("HS256"),
        },
        row(
            "signed, the key's algorithm refused by the policy",
            signed(HS256, CLAIMS, &key),
            only_hs512,
            not_allowed("HS256"),
        ),
        row(
            "signed, header repeating alg",
            signed(br#"{"alg":"HS256","alg":"HS256"}"#, CLAIMS, &key),
            v.clone(),
            malformed(Part::Header, "duplicate header member"),
        ),
        // 3. crit and typ, before the claims set is decoded.
        row(
            "signed, crit, payload not base64url",
            {
                let input = format!("{}.!!", b64(br#"{"alg":"HS256","crit":["x"],"x":1}"#));
                format!("{input}.{}", b64(&key.sign(input.as_bytes()).unwrap()))
            },
            v.clone(),
            Error::InvalidHeader {
                reason: "crit lists an extension that is not understood",
            },
        ),
        row(
            "signed, typ missing, claims too deep",
            signed(HS256, &deep, &key),
            Validation::new().typ("JWT"),
            Error::InvalidHeader {
                reason: "missing typ",
            },
        ),
        // 4. The claims set: depth, UTF-8, the registered claims.
        row(
            "too deep and not UTF-8",
            signed(HS256, &deep_not_utf8, &key),
            v.clone(),
            Error::ResourceLimit {
                limit: Limit::MaxJsonDepth,
                max: 64,
            },
        ),
        row(
            "not UTF-8",
            signed(HS256, b"{\"exp\":2000,\"a\":\"\xff\"}", &key),
            v.clone(),
            malformed(Part::Payload, "claims set is not UTF-8"),
        ),
        row(
            "exp repeated, the first one expired",
            signed(HS256, br#"{"exp":1,"exp":2000}"#, &key),
            v.clone(),
            malformed(Part::Payload, "claims set repeats a registered claim name"),
        ),
        row(
            "exp a string, and no role for T",
            signed(HS256, br#"{"exp":"2000"}"#, &key),
            v.clone(),
            Error::InvalidClaim {
                claim: "exp".into(),
                reason: "NumericDate is not a JSON number",
            },
        ),
        // 5. The claim checks, then 6. T.
        row(
            "expired, and no role for T",
            signed(HS256, br#"{"exp":999}"#, &key),
            v.clone(),
            Error::Expired {
                exp: 999,
                now: 1000,
            },
        ),
        row(
            "valid, no role for T",
            signed(HS256, br#"{"exp":2000}"#, &key),
            v.clone(),
            malformed(
                Part::Payload,
                "claims set does not match the requested type",
            ),
        ),
    ];
    let set = KeySet::new().with_key(key.clone()).unwrap();
    for r in rows {
        let one = jwt::decode_at::<NeedsRole>(&r.token, &key, &r.validation, NOW);
        assert_eq!(
            one.map(Jwt::into_claims),
            Err(r.one_key),
            "one key: {}",
            r.what
        );
        let via_set = jwt::decode_at::<NeedsRole>(&r.token, &set, &r.validation, NOW);
        assert_eq!(
            via_set.map(Jwt::into_claims),
            Err(r.key_set),
            "key set: {}",
            r.what
        );
    }
    // And the token that passes every check.
    let ok = signed(HS256, CLAIMS, &key);
    assert_eq!(
        jwt::decode_claims_at::<NeedsRole>(&ok, &key, &v, NOW),
        Ok(NeedsRole { role: "r".into() })
    );
}

/// One key of every algorithm.
fn every_algorithm() -> Vec<Key> {
    Algorithm::ALL
        .iter()
        .map(|&alg| match alg {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
                let len = alg.hmac_output_len().unwrap();
                Key::hmac(alg, &vec![0x5a; len]).unwrap()
            }
            Algorithm::ES256 => pem_key(alg, "p256-pkcs8.pem"),
            Algorithm::ES384 => pem_key(alg, "p384-pkcs8.pem"),
            Algorithm::EdDSA => pem_key(alg, "ed25519-pkcs8v1.pem"),
            _ => pem_key(alg, "rsa2048-pkcs1.pem"),
        })
        .collect()
}

/// A header naming another algorithm (or `none`, or a name in the wrong
/// case) is refused, whether the verifying key itself signed it (the
/// signature verifies) or not (key confusion, RFC 8725 §2.1), with one key
/// and with a key set, whatever the policy allows. With one key the
/// signature is checked first: a token it did not sign is
/// `invalid_signature`, its header unread; a key set reads `alg` first.
#[test]
fn header_naming_another_algorithm_is_refused() {
    let claims = br#"{"exp":2000}"#;
    for key in every_algorithm() {
        let alg = key.algorithm();
        let set = KeySet::new().with_key(key.clone()).unwrap();
        let decode = |token: &str, v: &Validation| {
            let one = jwt::decode_at::<Value>(token, &key, v, NOW).map(Jwt::into_claims);
            let via_set = jwt::decode_at::<Value>(token, &set, v, NOW).map(Jwt::into_claims);
            (one, via_set)
        };
        for other in Algorithm::ALL.iter().filter(|&&a| a != alg) {
            let header = format!(r#"{{"alg":"{}","typ":"JWT"}}"#, other.as_str());
            let want = Err(not_allowed(other.as_str()));
            for v in [
                Validation::new(),
                Validation::new().with_algorithms([alg, *other]),
            ] {
                let t = signed(header.as_bytes(), claims, &key);
                assert_eq!(decode(&t, &v), (want.clone(), want.clone()), "{header}");
                let t = forged(header.as_bytes(), claims);
                assert_eq!(
                    decode(&t, &v),
                    (Err(Error::InvalidSignature), want.clone()),
                    "{header}"
                );
            }
        }
        let lower = alg.as_str().to_lowercase();
        for name in ["none", "None", lower.as_str(), ""] {
            let header = format!(r#"{{"alg":"{name}"}}"#);
            for (t, signed_by_key) in [
                (signed(header.as_bytes(), claims, &key), true),
                (forged(header.as_bytes(), claims), false),
                (
                    format!("{}.{}.", b64(header.as_bytes()), b64(claims)),
                    false,
                ),
            ] {
                let (one, via_set) = decode(&t, &Validation::new());
                let want_one = if signed_by_key {
                    Err(not_allowed(name))
                } else {
                    Err(Error::InvalidSignature)
                };
                assert_eq!(one, want_one, "{t}");
                // The key set parses the name first: `none` is refused
                // with its reason.
                assert_eq!(
                    via_set.map_err(|e| e.kind()),
                    Err(ErrorKind::AlgorithmNotAllowed),
                    "{t}"
                );
            }
        }
        // The key's own algorithm, signed: accepted.
        let t = signed(
            format!(r#"{{"alg":"{}"}}"#, alg.as_str()).as_bytes(),
            claims,
            &key,
        );
        let want = Ok(serde_json::json!({"exp": 2000}));
        assert_eq!(decode(&t, &Validation::new()), (want.clone(), want));
    }
}
