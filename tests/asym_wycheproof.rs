//! Project Wycheproof vectors (Apache-2.0, see tests/data/wycheproof/) run
//! table-driven against `Key::verify`: `valid` must be accepted, `invalid`
//! rejected with `invalid_signature`, `acceptable` may go either way.
//!
//! Keys come from each group's `publicKeyDer` (SubjectPublicKeyInfo) through
//! `Key::from_spki_der`; HMAC keys through `Key::hmac_allow_short_secret`.
//! JWS uses full-length HMAC tags (RFC 7518 §3.2), so every test of a group
//! whose `tagSize` is shorter than the hash must be rejected, including the
//! ones Wycheproof marks `valid` for truncated-MAC APIs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use timed_jws::{Algorithm, Error, ErrorKind, Key};

fn load(name: &str) -> Value {
    let path = format!(
        "{}/tests/data/wycheproof/testvectors_v1/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    assert_eq!(s.len() % 2, 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Outcomes of one file: how many `valid`, `invalid`, `acceptable` cases
/// ran, and how many `acceptable` ones were accepted.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    valid: usize,
    invalid: usize,
    acceptable: usize,
    acceptable_accepted: usize,
}

/// Runs a signature file: one key per group from `publicKeyDer`.
fn run_signature_file(name: &str, alg: Algorithm) -> Counts {
    let file = load(name);
    let mut counts = Counts::default();
    let mut total = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let der = hex(group["publicKeyDer"].as_str().unwrap());
        let key = Key::from_spki_der(alg, &der)
            .unwrap_or_else(|e| panic!("{name}: group key refused: {e}"));
        assert!(!key.can_sign());
        for t in group["tests"].as_array().unwrap() {
            total += 1;
            let id = t["tcId"].as_u64().unwrap();
            let msg = hex(t["msg"].as_str().unwrap());
            let sig = hex(t["sig"].as_str().unwrap());
            let got = key.verify(&msg, &sig);
            match t["result"].as_str().unwrap() {
                "valid" => {
                    counts.valid += 1;
                    assert_eq!(got, Ok(()), "{name} tcId {id} valid: {}", t["comment"]);
                }
                "invalid" => {
                    counts.invalid += 1;
                    assert_eq!(
                        got,
                        Err(Error::InvalidSignature),
                        "{name} tcId {id} invalid: {} {}",
                        t["comment"],
                        t["flags"]
                    );
                }
                "acceptable" => {
                    counts.acceptable += 1;
                    match got {
                        Ok(()) => counts.acceptable_accepted += 1,
                        Err(e) => assert_eq!(e, Error::InvalidSignature),
                    }
                }
                other => panic!("{name}: unknown result {other}"),
            }
        }
    }
    assert_eq!(total, file["numberOfTests"].as_u64().unwrap() as usize);
    println!("{name}: {counts:?}");
    counts
}

fn expect(name: &str, alg: Algorithm, valid: usize, invalid: usize, acceptable: usize) -> Counts {
    let c = run_signature_file(name, alg);
    assert_eq!(
        (c.valid, c.invalid, c.acceptable),
        (valid, invalid, acceptable),
        "{name}"
    );
    c
}

#[test]
fn ecdsa_p256_sha256_p1363() {
    expect(
        "ecdsa_secp256r1_sha256_p1363_test.json",
        Algorithm::ES256,
        173,
        89,
        0,
    );
}

#[test]
fn ecdsa_p384_sha384_p1363() {
    expect(
        "ecdsa_secp384r1_sha384_p1363_test.json",
        Algorithm::ES384,
        193,
        87,
        0,
    );
}

#[test]
fn ed25519() {
    expect("ed25519_test.json", Algorithm::EdDSA, 88, 63, 0);
}

#[test]
fn rsa_pkcs1_2048_sha256() {
    let c = expect(
        "rsa_signature_2048_sha256_test.json",
        Algorithm::RS256,
        9,
        249,
        1,
    );
    // tcId 8, "Missing NULL in the ASN encoding": ring requires the NULL.
    assert_eq!(c.acceptable_accepted, 0);
}

#[test]
fn rsa_pkcs1_2048_sha384() {
    let c = expect(
        "rsa_signature_2048_sha384_test.json",
        Algorithm::RS384,
        7,
        250,
        1,
    );
    assert_eq!(c.acceptable_accepted, 0);
}

#[test]
fn rsa_pkcs1_2048_sha512() {
    let c = expect(
        "rsa_signature_2048_sha512_test.json",
        Algorithm::RS512,
        8,
        250,
        1,
    );
    assert_eq!(c.acceptable_accepted, 0);
}

#[test]
fn rsa_pss_2048_sha256_mgf1_32() {
    expect(
        "rsa_pss_2048_sha256_mgf1_32_test.json",
        Algorithm::PS256,
        63,
        45,
        0,
    );
}

#[test]
fn rsa_pss_2048_sha384_mgf1_48() {
    expect(
        "rsa_pss_2048_sha384_mgf1_48_test.json",
        Algorithm::PS384,
        95,
        46,
        0,
    );
}

#[test]
fn rsa_pss_4096_sha512_mgf1_64() {
    expect(
        "rsa_pss_4096_sha512_mgf1_64_test.json",
        Algorithm::PS512,
        132,
        47,
        0,
    );
}

/// A PSS key must not verify PKCS#1 v1.5 signatures and vice versa: the
/// first valid PKCS#1 v1.5 SHA-256 signature, checked with the same key
/// bound to PS256, is rejected.
#[test]
fn rsa_padding_is_fixed_by_the_algorithm() {
    let file = load("rsa_signature_2048_sha256_test.json");
    let group = &file["testGroups"][0];
    let der = hex(group["publicKeyDer"].as_str().unwrap());
    let t = &group["tests"][0];
    assert_eq!(t["result"], "valid");
    let (msg, sig) = (
        hex(t["msg"].as_str().unwrap()),
        hex(t["sig"].as_str().unwrap()),
    );
    let rs = Key::from_spki_der(Algorithm::RS256, &der).unwrap();
    let ps = Key::from_spki_der(Algorithm::PS256, &der).unwrap();
    assert_eq!(rs.verify(&msg, &sig), Ok(()));
    assert_eq!(ps.verify(&msg, &sig), Err(Error::InvalidSignature));
    assert_eq!(
        Key::from_spki_der(Algorithm::ES256, &der)
            .unwrap_err()
            .kind(),
        ErrorKind::AlgorithmNotAllowed
    );
}

#[derive(Debug, Default, PartialEq, Eq)]
struct MacCounts {
    /// Full-length tags, `valid`: accepted.
    valid: usize,
    /// Full-length tags, `invalid`: rejected.
    invalid: usize,
    /// Truncated tags (any result): rejected, JWS uses the full tag.
    truncated_rejected: usize,
    /// Of `valid`, keys shorter than the hash output, which `Key::hmac`
    /// refuses (RFC 7518 §3.2) and only the legacy opt-out accepts.
    short_key: usize,
}

fn run_mac_file(name: &str, alg: Algorithm) -> MacCounts {
    let file = load(name);
    let hash_bits = alg.hmac_output_len().unwrap() * 8;
    let mut c = MacCounts::default();
    let mut total = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let tag_bits = group["tagSize"].as_u64().unwrap() as usize;
        for t in group["tests"].as_array().unwrap() {
            total += 1;
            let id = t["tcId"].as_u64().unwrap();
            let secret = hex(t["key"].as_str().unwrap());
            let msg = hex(t["msg"].as_str().unwrap());
            let tag = hex(t["tag"].as_str().unwrap());
            let key = Key::hmac_allow_short_secret(alg, &secret).unwrap();
            let got = key.verify(&msg, &tag);
            if tag_bits < hash_bits {
                assert_eq!(got, Err(Error::InvalidSignature), "{name} tcId {id}");
                c.truncated_rejected += 1;
                continue;
            }
            match t["result"].as_str().unwrap() {
                "valid" => {
                    c.valid += 1;
                    assert_eq!(got, Ok(()), "{name} tcId {id}");
                    assert_eq!(key.sign(&msg).unwrap(), tag, "{name} tcId {id}");
                    if secret.len() * 8 < hash_bits {
                        c.short_key += 1;
                        assert_eq!(
                            Key::hmac(alg, &secret).unwrap_err().kind(),
                            ErrorKind::InvalidKey
                        );
                    } else {
                        assert_eq!(Key::hmac(alg, &secret).unwrap().verify(&msg, &tag), Ok(()));
                    }
                }
                "invalid" => {
                    c.invalid += 1;
                    assert_eq!(got, Err(Error::InvalidSignature), "{name} tcId {id}");
                }
                other => panic!("{name}: unexpected result {other}"),
            }
        }
    }
    assert_eq!(total, file["numberOfTests"].as_u64().unwrap() as usize);
    println!("{name}: {c:?}");
    c
}

#[test]
fn hmac_sha256() {
    assert_eq!(
        run_mac_file("hmac_sha256_test.json", Algorithm::HS256),
        MacCounts {
            valid: 33,
            invalid: 54,
            truncated_rejected: 87,
            short_key: 3
        }
    );
}

#[test]
fn hmac_sha384() {
    assert_eq!(
        run_mac_file("hmac_sha384_test.json", Algorithm::HS384),
        MacCounts {
            valid: 33,
            invalid: 54,
            truncated_rejected: 87,
            short_key: 3
        }
    );
}

#[test]
fn hmac_sha512() {
    assert_eq!(
        run_mac_file("hmac_sha512_test.json", Algorithm::HS512),
        MacCounts {
            valid: 33,
            invalid: 54,
            truncated_rejected: 87,
            short_key: 3
        }
    );
}
