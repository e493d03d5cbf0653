#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Every `mode: "jwt"` case of tests/data/faults/cases.json, table-driven.
//!
//! The verifier is configured from the case the way an application would
//! configure this crate; nothing is special-cased by case id. The cases
//! where the crate takes the documented `acceptable_alternative`, and those
//! where it returns an acceptable kind other than the preferred one, are
//! pinned below so a policy change cannot go unnoticed.

use serde_json::{Map, Value};
use timed_jws::JwkLoader;
use timed_jws::{jwt, KeySource};
use timed_jws::{
    Algorithm, AlgorithmFamily, Error, ErrorKind, Key, KeySet, NumericDate, Validation,
};

const CASES: &str = include_str!("data/faults/cases.json");

/// Cases where the crate's result is the case's `acceptable_alternative`.
/// C063 (exp = i64::MAX with leeway 60): NumericDates span the whole i64
/// range of seconds and time arithmetic is exact (i128), so exp + leeway
/// does not overflow and the token is simply valid for a very long time.
const TAKES_ALTERNATIVE: &[&str] = &["C063"];

/// Rejections with an acceptable kind that is not the preferred
/// `expected_error_kind`, with the kind returned.
const OTHER_ACCEPTABLE_KIND: &[(&str, &str)] = &[
    // alg none / None with an empty signature: with one key the MAC is
    // checked first, and a forged token is invalid_signature whatever its
    // header says (the header is never parsed for it).
    ("C004", "invalid_signature"),
    ("C005", "invalid_signature"),
    // The verifier holds only the RSA public key, bound to RS256 (the PEM is
    // never an HMAC secret): the HMAC tag is not a valid RS256 signature,
    // checked before the header is read. The preferred invalid_key is what
    // configuring the PEM text as an HMAC secret returns; see
    // `c012_pem_text_is_never_an_hmac_secret`.
    ("C012", "invalid_signature"),
    // A negative NumericDate is an ordinary (past) date: expired.
    ("C071", "expired"),
    // An aud that is not a string or an array of strings is a registered
    // claim of the wrong type: invalid_claim, like every other such claim.
    ("C086", "invalid_claim"),
];

/// The verifier's key material: one key, or a key set.
enum Keys {
    One(Key),
    Set(KeySet),
}

/// Configures a verifier from the case and decodes its token.
fn run(case: &Value) -> Result<Map<String, Value>, Error> {
    // 1. The policy's algorithms: names the crate does not implement cannot
    //    be configured.
    let algs: Vec<Algorithm> = case["algorithm_allowed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().parse::<Algorithm>())
        .collect::<Result<_, _>>()?;
    let options = case["options"].as_object().unwrap();
    let mut validation = Validation::new()
        .with_algorithms(algs.iter().copied())
        .with_leeway(case["leeway"].as_u64().unwrap());
    if let Some(aud) = options.get("audience") {
        validation = validation.audience(aud.as_str().unwrap());
    }
    // 2. The keys.
    let keys = if let Some(vk) = options.get("verification_key") {
        match vk["type"].as_str().unwrap() {
            "ec_p256_public_jwk" => Keys::One(JwkLoader::new().key(&vk["jwk"].to_string())?),
            "rsa_public_key_pem" => {
                // A key for each allowed algorithm the key type fits (RS256
                // here); an RSA key is never an HMAC secret.
                let pem = vk["pem"].as_str().unwrap();
                let mut keys = algs
                    .iter()
                    .filter(|a| a.family() == AlgorithmFamily::Rsa)
                    .map(|a| Key::from_pem(*a, pem))
                    .collect::<Result<Vec<_>, _>>()?;
                if keys.len() == 1 {
                    Keys::One(keys.remove(0))
                } else {
                    let mut set = KeySet::new();
                    for k in keys {
                        set.add_verify_only(k)?;
                    }
                    Keys::Set(set)
                }
            }
            other => panic!("no way to give this crate a {other}"),
        }
    } else if let Some(by_kid) = options.get("keys_by_kid") {
        let mut set = KeySet::new();
        for (kid, secret) in by_kid.as_object().unwrap() {
            for alg in &algs {
                set.add(Key::hmac(*alg, secret.as_str().unwrap().as_bytes())?.with_kid(kid))?;
            }
        }
        Keys::Set(set)
    } else {
        let secret = case["secret"].as_str().unwrap().as_bytes();
        if let [alg] = algs.as_slice() {
            Keys::One(Key::hmac(*alg, secret)?)
        } else {
            let mut set = KeySet::new();
            for alg in &algs {
                set.add(Key::hmac(*alg, secret)?)?;
            }
            Keys::Set(set)
        }
    };
    let source: KeySource<'_> = match &keys {
        Keys::One(k) => k.into(),
        Keys::Set(s) => s.into(),
    };
    let now = NumericDate::from_secs(case["now"].as_i64().unwrap());
    let token = case["token"].as_str().unwrap();
    jwt::decode_at::<Map<String, Value>>(token, source, &validation, now)
        .map(timed_jws::Jwt::into_claims)
}

/// Whether `result` is the outcome described by `spec` (the case itself or
/// its alternative).
fn matches(spec: &Value, result: &Result<Map<String, Value>, Error>) -> bool {
    match (spec["expected"].as_str().unwrap(), result) {
        ("accept", Ok(claims)) => match spec.get("expected_payload") {
            Some(Value::Object(p)) => p == claims,
            _ => true,
        },
        ("reject", Err(e)) => {
            let kinds: Vec<&str> = match spec.get("acceptable_error_kinds") {
                Some(Value::Array(k)) => k.iter().map(|k| k.as_str().unwrap()).collect(),
                _ => vec![spec["expected_error_kind"].as_str().unwrap()],
            };
            kinds.contains(&e.kind().as_str())
        }
        _ => false,
    }
}

#[test]
fn jwt_fault_cases() {
    let cases: Vec<Value> = serde_json::from_str(CASES).unwrap();
    let mut ran = 0;
    let mut alternatives = Vec::new();
    let mut other_kinds = Vec::new();
    let mut failures = Vec::new();
    for case in cases.iter().filter(|c| c["mode"] == "jwt") {
        let id = case["id"].as_str().unwrap();
        let result = run(case);
        ran += 1;
        if matches(case, &result) {
            if let (Err(e), Some(pref)) = (&result, case["expected_error_kind"].as_str()) {
                if e.kind().as_str() != pref {
                    other_kinds.push((id, e.kind().as_str()));
                }
            }
        } else if case
            .get("acceptable_alternative")
            .is_some_and(|alt| alt.is_object() && matches(alt, &result))
        {
            alternatives.push(id);
        } else {
            failures.push(format!("{id}: {:?} -> {result:?}", case["description"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(ran, 47);
    assert_eq!(alternatives, TAKES_ALTERNATIVE);
    assert_eq!(other_kinds, OTHER_ACCEPTABLE_KIND);
}

/// The itsdangerous-mode cases are left to the compatibility layer; this
/// pins their ids so the split stays explicit.
#[test]
fn itsdangerous_cases_are_listed() {
    let cases: Vec<Value> = serde_json::from_str(CASES).unwrap();
    let ids: Vec<&str> = cases
        .iter()
        .filter(|c| c["mode"] == "itsdangerous")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "C101", "C104", "C105", "C108", "C109", "C110", "C114", "C118", "C119", "C120", "C121",
            "C124", "C125", "C126", "C128", "C129", "C131"
        ]
    );
}

/// Exact kinds for a few representative classes, independent of the
/// acceptable sets.
#[test]
fn representative_kinds() {
    let cases: Vec<Value> = serde_json::from_str(CASES).unwrap();
    let kind = |id: &str| {
        let case = cases.iter().find(|c| c["id"] == id).unwrap();
        run(case).unwrap_err().kind()
    };
    assert_eq!(kind("C004"), ErrorKind::InvalidSignature); // alg none, no MAC
    assert_eq!(kind("C007"), ErrorKind::AlgorithmNotAllowed); // none + valid MAC
    assert_eq!(kind("C011"), ErrorKind::InvalidSignature); // HS512 tag under HS256
    assert_eq!(kind("C012"), ErrorKind::InvalidSignature); // HS256 vs RSA key
    assert_eq!(kind("C013"), ErrorKind::InvalidSignature); // ES256 r = s = 0
    assert_eq!(kind("C040"), ErrorKind::Malformed); // duplicate exp via escape
    assert_eq!(kind("C048"), ErrorKind::InvalidHeader); // crit
    assert_eq!(kind("C051"), ErrorKind::UnknownKey); // kid path traversal
    assert_eq!(kind("C056"), ErrorKind::Expired); // exp == now
    assert_eq!(kind("C067"), ErrorKind::NotYetValid); // fractional nbf
    assert_eq!(kind("C077"), ErrorKind::InvalidClaim); // exp null
    assert_eq!(kind("C089"), ErrorKind::InvalidAudience); // aud, none configured
    assert_eq!(kind("C090"), ErrorKind::InvalidKey); // empty secret
    assert_eq!(kind("C093"), ErrorKind::ResourceLimit); // 5000 nested arrays
}

/// C012 the other way round: a verifier that tries to use the RSA public
/// key's PEM text as the HS256 secret is refused when the key is made
/// (invalid_key, the case's preferred kind), with or without the
/// short-secret opt-out. The token really is MACed with that text, so the
/// refused key would have accepted it.
#[test]
fn c012_pem_text_is_never_an_hmac_secret() {
    let cases: Vec<Value> = serde_json::from_str(CASES).unwrap();
    let case = cases.iter().find(|c| c["id"] == "C012").unwrap();
    let pem = case["options"]["verification_key"]["pem"].as_str().unwrap();
    let reason = "HMAC key looks like a PEM or SSH public key (key confusion)";
    assert_eq!(
        Key::hmac(Algorithm::HS256, pem.as_bytes()).unwrap_err(),
        Error::InvalidKey { reason }
    );
    assert_eq!(
        Key::hmac_allow_short_secret(Algorithm::HS256, pem.as_bytes()).unwrap_err(),
        Error::InvalidKey { reason }
    );
    let token = case["token"].as_str().unwrap();
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, sig).unwrap();
    let mac = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, pem.as_bytes());
    assert_eq!(ring::hmac::verify(&mac, input.as_bytes(), &sig), Ok(()));
    // The RSA key itself refuses the token: not an RS256 signature.
    let rsa = Key::from_pem(Algorithm::RS256, pem).unwrap();
    assert_eq!(
        jwt::decode_at::<Value>(
            token,
            &rsa,
            &Validation::new(),
            NumericDate::from_secs(1_700_000_000)
        )
        .unwrap_err(),
        Error::InvalidSignature
    );
}
