//! Asymmetric keys through `ring`: RSA (RS256/384/512 and PS256/384/512,
//! RFC 7518 §3.3 and §3.5), ECDSA on P-256 and P-384 (ES256, ES384, RFC 7518
//! §3.4) and Ed25519 (EdDSA, RFC 8037).
//!
//! Keys come from PKCS#8 or SubjectPublicKeyInfo DER, from PEM, or (in
//! `jwk`) from JWK members (RFC 7517, RFC 7518 §6, RFC 8037 §2). The key type fixes the
//! algorithm family: an RSA key is never an HMAC secret, an ES256 key is a
//! P-256 key, and so on; every mismatch is `algorithm_not_allowed`.
//!
//! Signing with ECDSA and RSASSA-PSS is randomized: each signature draws
//! fresh randomness from the operating system through
//! `ring::rand::SystemRandom`, created for each call. RSASSA-PKCS1-v1_5 and
//! Ed25519 signatures are deterministic.
//!
//! ```
//! use timed_jws::{jws, Algorithm, Header, Key, Limits};
//!
//! let pkcs8 = Key::generate_ec_pkcs8(Algorithm::ES256)?;
//! let key = Key::from_pkcs8_der(Algorithm::ES256, &pkcs8)?.with_kid("ec-1");
//! let token = jws::sign(&Header::new(Algorithm::ES256), b"hello", &key)?;
//! // Verifiers only need the public JWK.
//! let public = key.to_jwk_json(false)?;
//! assert_eq!(public["kty"], "EC");
//! assert!(public.get("d").is_none());
//! assert_eq!(jws::verify(&token, &key, &Limits::default())?.payload(), b"hello");
//! # Ok::<(), timed_jws::Error>(())
//! ```

use std::sync::Arc;

use ring::rand::SystemRandom;
use ring::signature::{self, KeyPair as _};
use serde_json::{Map, Value};

use crate::alg::{unsupported_reason, Algorithm, AlgorithmFamily};
use crate::b64;
use crate::error::Error;

use super::der::{self, Reader};

/// The largest PEM text accepted, in bytes (64 KiB).
const MAX_PEM_LEN: usize = 64 * 1024;
/// RSA moduli below this many bits are refused (RFC 7518 §3.3).
const RSA_MIN_BITS: usize = 2048;
/// The largest RSA modulus `ring` verifies with, in bits.
const RSA_MAX_BITS: usize = 8192;

const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

/// Asymmetric key material, public or private. `Debug` is deliberately not
/// implemented: nothing here may be printed.
#[derive(Clone)]
pub(crate) enum AsymKey {
    RsaPublic {
        n: Vec<u8>,
        e: Vec<u8>,
        params: &'static signature::RsaParameters,
    },
    RsaPrivate {
        pair: Arc<signature::RsaKeyPair>,
        params: &'static signature::RsaParameters,
        encoding: &'static dyn signature::RsaEncoding,
    },
    EcPublic {
        curve: Curve,
        point: Vec<u8>,
    },
    EcPrivate {
        curve: Curve,
        pair: Arc<signature::EcdsaKeyPair>,
        /// The private scalar, kept only for JWK export.
        d: Vec<u8>,
    },
    OkpPublic {
        x: Vec<u8>,
    },
    OkpPrivate {
        pair: Arc<signature::Ed25519KeyPair>,
        /// The 32-byte seed, kept only for JWK export.
        seed: Vec<u8>,
    },
}

/// The ECDSA curves `ring` implements.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
}

impl Curve {
    pub(crate) fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }

    fn jwk_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }

    pub(crate) fn algorithm(self) -> Algorithm {
        match self {
            Curve::P256 => Algorithm::ES256,
            Curve::P384 => Algorithm::ES384,
        }
    }

    fn signing(self) -> &'static signature::EcdsaSigningAlgorithm {
        match self {
            Curve::P256 => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            Curve::P384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        }
    }

    /// Fixed-length `R || S` verification (RFC 7518 §3.4); DER is refused.
    fn verification(self) -> &'static signature::EcdsaVerificationAlgorithm {
        match self {
            Curve::P256 => &signature::ECDSA_P256_SHA256_FIXED,
            Curve::P384 => &signature::ECDSA_P384_SHA384_FIXED,
        }
    }

    fn agreement(self) -> &'static ring::agreement::Algorithm {
        match self {
            Curve::P256 => &ring::agreement::ECDH_P256,
            Curve::P384 => &ring::agreement::ECDH_P384,
        }
    }

    fn from_alg(alg: Algorithm) -> Option<Curve> {
        match alg {
            Algorithm::ES256 => Some(Curve::P256),
            Algorithm::ES384 => Some(Curve::P384),
            _ => None,
        }
    }
}

/// What an AlgorithmIdentifier (or a JWK `kty`/`crv`) says the key is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyType {
    Rsa,
    Ec(Curve),
    Ed25519,
}

pub(crate) fn invalid(reason: &'static str) -> Error {
    Error::InvalidKey { reason }
}

pub(crate) fn unsupported(name: &'static str) -> Error {
    Error::UnsupportedAlgorithm {
        alg: name.to_owned(),
        reason: unsupported_reason(name).unwrap_or("not supported by ring"),
    }
}

/// The key type must be what `alg` needs (RFC 7518 §3.1: the key type fixes
/// the algorithm family, and ES256/ES384 fix the curve).
pub(crate) fn check_type(alg: Algorithm, ty: KeyType) -> Result<(), Error> {
    let ok = match ty {
        KeyType::Rsa => alg.family() == AlgorithmFamily::Rsa,
        KeyType::Ec(c) => Curve::from_alg(alg) == Some(c),
        KeyType::Ed25519 => alg == Algorithm::EdDSA,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::alg_not_allowed(alg.as_str()))
    }
}

fn rsa_params(alg: Algorithm) -> Option<&'static signature::RsaParameters> {
    Some(match alg {
        Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
        Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
        Algorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
        _ => return None,
    })
}

fn rsa_encoding(alg: Algorithm) -> Option<&'static dyn signature::RsaEncoding> {
    Some(match alg {
        Algorithm::RS256 => &signature::RSA_PKCS1_SHA256,
        Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
        Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
        Algorithm::PS256 => &signature::RSA_PSS_SHA256,
        Algorithm::PS384 => &signature::RSA_PSS_SHA384,
        Algorithm::PS512 => &signature::RSA_PSS_SHA512,
        _ => return None,
    })
}

/// Bit length of a big-endian magnitude without leading zero bytes.
fn bit_len(n: &[u8]) -> usize {
    match n.first() {
        None => 0,
        Some(&b) => n.len() * 8 - b.leading_zeros() as usize,
    }
}

pub(crate) fn strip_zeros(mut v: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = v {
        v = rest;
    }
    v
}

fn check_rsa_public(n: &[u8], e: &[u8]) -> Result<(), Error> {
    let bits = bit_len(n);
    if bits < RSA_MIN_BITS {
        return Err(invalid(
            "RSA modulus shorter than 2048 bits (RFC 7518 section 3.3)",
        ));
    }
    if bits > RSA_MAX_BITS {
        return Err(invalid("RSA modulus longer than 8192 bits"));
    }
    // ring accepts odd public exponents from 3 to 2^33 - 1.
    if e.is_empty() || e.len() > 5 || e.last().is_some_and(|b| b & 1 == 0) || e == [1] {
        return Err(invalid("RSA public exponent out of range"));
    }
    Ok(())
}

impl AsymKey {
    pub(crate) fn rsa_public(alg: Algorithm, n: &[u8], e: &[u8]) -> Result<AsymKey, Error> {
        let params = rsa_params(alg).ok_or_else(|| Error::alg_not_allowed(alg.as_str()))?;
        let (n, e) = (strip_zeros(n), strip_zeros(e));
        check_rsa_public(n, e)?;
        Ok(AsymKey::RsaPublic {
            n: n.to_vec(),
            e: e.to_vec(),
            params,
        })
    }

    pub(crate) fn rsa_private(
        alg: Algorithm,
        pair: signature::RsaKeyPair,
    ) -> Result<AsymKey, Error> {
        let (params, encoding) = rsa_params(alg)
            .zip(rsa_encoding(alg))
            .ok_or_else(|| Error::alg_not_allowed(alg.as_str()))?;
        let (n, e) = parse_rsa_public_key(pair.public().as_ref())?;
        check_rsa_public(n, e)?;
        Ok(AsymKey::RsaPrivate {
            pair: Arc::new(pair),
            params,
            encoding,
        })
    }

    /// An RSA private key from its JWK members (RFC 7518 §6.3.2), each a
    /// big-endian unsigned integer: `n`, `e`, then `d`, `p`, `q`, `dp`,
    /// `dq`, `qi`.
    pub(crate) fn rsa_private_components(
        alg: Algorithm,
        n: &[u8],
        e: &[u8],
        [d, p, q, dp, dq, qi]: [&[u8]; 6],
    ) -> Result<AsymKey, Error> {
        let components = ring::rsa::KeyPairComponents {
            public_key: ring::rsa::PublicKeyComponents {
                n: strip_zeros(n),
                e: strip_zeros(e),
            },
            d,
            p,
            q,
            dP: dp,
            dQ: dq,
            qInv: qi,
        };
        let pair = signature::RsaKeyPair::from_components(&components)
            .map_err(|_| invalid("RSA private key rejected by ring"))?;
        AsymKey::rsa_private(alg, pair)
    }

    pub(crate) fn ec_public(curve: Curve, point: &[u8]) -> Result<AsymKey, Error> {
        if point.len() != 1 + 2 * curve.field_len() || point.first() != Some(&4) {
            return Err(invalid("EC public key is not an uncompressed point"));
        }
        // ring checks a peer's point fully (on the curve, not the identity)
        // before an ECDH agreement; use that to refuse bad points now rather
        // than at every verification.
        let rng = SystemRandom::new();
        let ours = ring::agreement::EphemeralPrivateKey::generate(curve.agreement(), &rng)
            .map_err(|_| invalid("no randomness for the EC point check"))?;
        let peer = ring::agreement::UnparsedPublicKey::new(curve.agreement(), point);
        ring::agreement::agree_ephemeral(ours, &peer, |_| ())
            .map_err(|_| invalid("EC public key is not a point on the curve"))?;
        Ok(AsymKey::EcPublic {
            curve,
            point: point.to_vec(),
        })
    }

    pub(crate) fn ec_private(curve: Curve, d: &[u8], point: &[u8]) -> Result<AsymKey, Error> {
        let rng = SystemRandom::new();
        let pair = signature::EcdsaKeyPair::from_private_key_and_public_key(
            curve.signing(),
            d,
            point,
            &rng,
        )
        .map_err(|_| invalid("EC private key rejected (or does not match x, y)"))?;
        Ok(AsymKey::EcPrivate {
            curve,
            pair: Arc::new(pair),
            d: d.to_vec(),
        })
    }

    pub(crate) fn okp_public(x: &[u8]) -> Result<AsymKey, Error> {
        if x.len() != 32 {
            return Err(invalid("Ed25519 public key is not 32 bytes"));
        }
        Ok(AsymKey::OkpPublic { x: x.to_vec() })
    }

    pub(crate) fn okp_private(seed: &[u8], x: &[u8]) -> Result<AsymKey, Error> {
        let pair = signature::Ed25519KeyPair::from_seed_and_public_key(seed, x)
            .map_err(|_| invalid("Ed25519 private key rejected (or does not match x)"))?;
        Ok(AsymKey::OkpPrivate {
            pair: Arc::new(pair),
            seed: seed.to_vec(),
        })
    }

    /// The JWK `kty`.
    pub(crate) fn kty(&self) -> &'static str {
        match self {
            AsymKey::RsaPublic { .. } | AsymKey::RsaPrivate { .. } => "RSA",
            AsymKey::EcPublic { .. } | AsymKey::EcPrivate { .. } => "EC",
            AsymKey::OkpPublic { .. } | AsymKey::OkpPrivate { .. } => "OKP",
        }
    }

    /// `kty` and whether the private part is present, for `Debug`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            AsymKey::RsaPublic { .. } => "RSA public",
            AsymKey::RsaPrivate { .. } => "RSA private",
            AsymKey::EcPublic { .. } => "EC public",
            AsymKey::EcPrivate { .. } => "EC private",
            AsymKey::OkpPublic { .. } => "OKP public",
            AsymKey::OkpPrivate { .. } => "OKP private",
        }
    }

    pub(crate) fn is_private(&self) -> bool {
        matches!(
            self,
            AsymKey::RsaPrivate { .. } | AsymKey::EcPrivate { .. } | AsymKey::OkpPrivate { .. }
        )
    }

    /// The signature over `msg`.
    pub(crate) fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, Error> {
        let rng = SystemRandom::new();
        match self {
            AsymKey::RsaPrivate { pair, encoding, .. } => {
                let mut sig = vec![0; pair.public().modulus_len()];
                pair.sign(*encoding, &rng, msg, &mut sig)
                    .map_err(|_| invalid("RSA signing failed"))?;
                Ok(sig)
            }
            AsymKey::EcPrivate { pair, .. } => pair
                .sign(&rng, msg)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| invalid("ECDSA signing failed")),
            AsymKey::OkpPrivate { pair, .. } => Ok(pair.sign(msg).as_ref().to_vec()),
            AsymKey::RsaPublic { .. } | AsymKey::EcPublic { .. } | AsymKey::OkpPublic { .. } => {
                Err(invalid("a public key cannot sign"))
            }
        }
    }

    /// Checks `sig` over `msg`.
    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        let result = match self {
            AsymKey::RsaPublic { n, e, params } => {
                signature::RsaPublicKeyComponents { n, e }.verify(params, msg, sig)
            }
            AsymKey::RsaPrivate { pair, params, .. } => {
                signature::UnparsedPublicKey::new(*params, pair.public().as_ref()).verify(msg, sig)
            }
            AsymKey::EcPublic { curve, point } => {
                signature::UnparsedPublicKey::new(curve.verification(), point).verify(msg, sig)
            }
            AsymKey::EcPrivate { curve, pair, .. } => {
                signature::UnparsedPublicKey::new(curve.verification(), pair.public_key().as_ref())
                    .verify(msg, sig)
            }
            AsymKey::OkpPublic { x } => {
                signature::UnparsedPublicKey::new(&signature::ED25519, x).verify(msg, sig)
            }
            AsymKey::OkpPrivate { pair, .. } => {
                signature::UnparsedPublicKey::new(&signature::ED25519, pair.public_key().as_ref())
                    .verify(msg, sig)
            }
        };
        result.map_err(|_| Error::InvalidSignature)
    }

    /// The JWK members of this key (RFC 7518 §6, RFC 8037 §2).
    pub(crate) fn jwk_members(
        &self,
        include_private: bool,
        out: &mut Map<String, Value>,
    ) -> Result<(), Error> {
        let mut put = |k: &str, v: &[u8]| {
            out.insert(k.to_owned(), Value::String(b64::encode(v)));
        };
        match self {
            AsymKey::RsaPublic { n, e, .. } => {
                put("n", n);
                put("e", e);
            }
            AsymKey::RsaPrivate { pair, .. } => {
                if include_private {
                    return Err(invalid(
                        "exporting RSA private keys as JWK is not supported (ring keeps them opaque)",
                    ));
                }
                let (n, e) = parse_rsa_public_key(pair.public().as_ref())?;
                put("n", n);
                put("e", e);
            }
            AsymKey::EcPublic { curve, point } => ec_point_members(*curve, point, &mut put),
            AsymKey::EcPrivate { curve, pair, d } => {
                ec_point_members(*curve, pair.public_key().as_ref(), &mut put);
                if include_private {
                    let mut padded = vec![0; curve.field_len().saturating_sub(d.len())];
                    padded.extend_from_slice(d);
                    put("d", &padded);
                }
            }
            AsymKey::OkpPublic { x } => put("x", x),
            AsymKey::OkpPrivate { pair, seed } => {
                put("x", pair.public_key().as_ref());
                if include_private {
                    put("d", seed);
                }
            }
        }
        let (crv, kty) = match self {
            AsymKey::EcPublic { curve, .. } | AsymKey::EcPrivate { curve, .. } => {
                (Some(curve.jwk_name()), "EC")
            }
            AsymKey::OkpPublic { .. } | AsymKey::OkpPrivate { .. } => (Some("Ed25519"), "OKP"),
            _ => (None, "RSA"),
        };
        out.insert("kty".to_owned(), Value::String(kty.to_owned()));
        if let Some(crv) = crv {
            out.insert("crv".to_owned(), Value::String(crv.to_owned()));
        }
        Ok(())
    }
}

fn ec_point_members(curve: Curve, point: &[u8], put: &mut impl FnMut(&str, &[u8])) {
    let len = curve.field_len();
    if let Some(xy) = point.get(1..) {
        let (x, y) = xy.split_at(len.min(xy.len()));
        put("x", x);
        put("y", y);
    }
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`
/// (RFC 8017 §A.1.1); returns `(n, e)`.
fn parse_rsa_public_key(der: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    let parse = || -> Result<(&[u8], &[u8]), ()> {
        let mut outer = Reader::new(der);
        let mut seq = outer.sequence()?;
        outer.finish()?;
        let n = seq.positive_integer()?;
        let e = seq.positive_integer()?;
        seq.finish()?;
        Ok((n, e))
    };
    parse().map_err(|()| invalid("malformed RSAPublicKey DER"))
}

/// Reads an AlgorithmIdentifier (RFC 5280 §4.1.1.2) of a key container.
fn parse_key_algorithm(mut alg_id: Reader<'_>) -> Result<KeyType, Error> {
    let oid = alg_id
        .expect(der::OID)
        .map_err(|()| invalid("malformed AlgorithmIdentifier"))?;
    let ty = if oid == OID_RSA_ENCRYPTION {
        // parameters: NULL, or absent.
        KeyType::Rsa
    } else if oid == OID_EC_PUBLIC_KEY {
        let curve = alg_id
            .expect(der::OID)
            .map_err(|()| invalid("EC key without a named curve"))?;
        parse_curve_oid(curve)?
    } else if oid == OID_ED25519 {
        KeyType::Ed25519
    } else {
        return Err(invalid(
            "unsupported key algorithm (expected RSA, EC P-256/P-384 or Ed25519)",
        ));
    };
    match alg_id.peek_tag() {
        None => Ok(ty),
        Some(0x05) if ty == KeyType::Rsa => {
            let null = alg_id
                .expect(0x05)
                .map_err(|()| invalid("malformed AlgorithmIdentifier"))?;
            if null.is_empty() && alg_id.is_empty() {
                Ok(ty)
            } else {
                Err(invalid("malformed AlgorithmIdentifier"))
            }
        }
        Some(_) => Err(invalid("malformed AlgorithmIdentifier")),
    }
}

fn parse_curve_oid(oid: &[u8]) -> Result<KeyType, Error> {
    if oid == OID_P256 {
        Ok(KeyType::Ec(Curve::P256))
    } else if oid == OID_P384 {
        Ok(KeyType::Ec(Curve::P384))
    } else if oid == OID_P521 {
        Err(unsupported("ES512"))
    } else {
        Err(invalid("unsupported EC curve (expected P-256 or P-384)"))
    }
}

/// PrivateKeyInfo / OneAsymmetricKey (RFC 5208 §5, RFC 5958 §2): the key
/// type and the contents of the `privateKey` OCTET STRING.
fn parse_pkcs8(der: &[u8]) -> Result<(KeyType, &[u8]), Error> {
    let malformed = |()| invalid("malformed PKCS#8 PrivateKeyInfo");
    let mut outer = Reader::new(der);
    let mut info = outer.sequence().map_err(malformed)?;
    outer.finish().map_err(malformed)?;
    let version = info.small_integer().map_err(malformed)?;
    if version > 1 {
        return Err(invalid("unsupported PKCS#8 version"));
    }
    let alg_id = info.sequence().map_err(malformed)?;
    let ty = parse_key_algorithm(alg_id)?;
    let private_key = info.expect(der::OCTET_STRING).map_err(malformed)?;
    Ok((ty, private_key))
}

/// The parts of an `ECPrivateKey` (RFC 5915 §3).
struct EcPrivateKeyParts<'a> {
    d: &'a [u8],
    /// The named curve OID from `parameters`, when present.
    curve: Option<&'a [u8]>,
    /// The uncompressed public point from `publicKey`, when present.
    public: Option<&'a [u8]>,
}

fn parse_ec_private_key(der: &[u8]) -> Result<EcPrivateKeyParts<'_>, Error> {
    let parse = || -> Result<EcPrivateKeyParts<'_>, ()> {
        let mut outer = Reader::new(der);
        let mut seq = outer.sequence()?;
        outer.finish()?;
        if seq.small_integer()? != 1 {
            return Err(());
        }
        let d = seq.expect(der::OCTET_STRING)?;
        let mut curve = None;
        let mut public = None;
        if seq.peek_tag() == Some(0xa0) {
            let mut params = Reader::new(seq.expect(0xa0)?);
            curve = Some(params.expect(der::OID)?);
            params.finish()?;
        }
        if seq.peek_tag() == Some(0xa1) {
            let mut wrapped = Reader::new(seq.expect(0xa1)?);
            public = Some(wrapped.bit_string_bytes()?);
            wrapped.finish()?;
        }
        seq.finish()?;
        Ok(EcPrivateKeyParts { d, curve, public })
    };
    parse().map_err(|()| invalid("malformed ECPrivateKey"))
}

fn family_must_be_asym(alg: Algorithm) -> Result<(), Error> {
    if alg.family() == AlgorithmFamily::Hmac {
        return Err(Error::alg_not_allowed(alg.as_str()));
    }
    Ok(())
}

impl AsymKey {
    /// The key of an unencrypted PKCS#8 `PrivateKeyInfo` in DER, for `alg`;
    /// see `Key::from_pkcs8_der`.
    pub(crate) fn from_pkcs8_der(alg: Algorithm, der: &[u8]) -> Result<AsymKey, Error> {
        family_must_be_asym(alg)?;
        let (ty, private_key) = parse_pkcs8(der)?;
        check_type(alg, ty)?;
        let material = match ty {
            KeyType::Rsa => {
                let pair = signature::RsaKeyPair::from_pkcs8(der)
                    .map_err(|_| invalid("RSA private key rejected by ring"))?;
                AsymKey::rsa_private(alg, pair)?
            }
            KeyType::Ec(curve) => {
                let rng = SystemRandom::new();
                let pair = signature::EcdsaKeyPair::from_pkcs8(curve.signing(), der, &rng)
                    .map_err(|_| invalid("EC private key rejected by ring"))?;
                let parts = parse_ec_private_key(private_key)?;
                AsymKey::EcPrivate {
                    curve,
                    pair: Arc::new(pair),
                    d: parts.d.to_vec(),
                }
            }
            KeyType::Ed25519 => {
                let pair = signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                    .map_err(|_| invalid("Ed25519 private key rejected by ring"))?;
                let seed = Reader::new(private_key)
                    .expect(der::OCTET_STRING)
                    .map_err(|()| invalid("malformed Ed25519 private key"))?;
                AsymKey::OkpPrivate {
                    pair: Arc::new(pair),
                    seed: seed.to_vec(),
                }
            }
        };
        Ok(material)
    }

    /// The key of a `SubjectPublicKeyInfo` in DER, for `alg`; see
    /// `Key::from_spki_der`.
    pub(crate) fn from_spki_der(alg: Algorithm, der: &[u8]) -> Result<AsymKey, Error> {
        family_must_be_asym(alg)?;
        let malformed = |()| invalid("malformed SubjectPublicKeyInfo");
        let mut outer = Reader::new(der);
        let mut spki = outer.sequence().map_err(malformed)?;
        outer.finish().map_err(malformed)?;
        let ty = parse_key_algorithm(spki.sequence().map_err(malformed)?)?;
        let key_bytes = spki.bit_string_bytes().map_err(malformed)?;
        spki.finish().map_err(malformed)?;
        check_type(alg, ty)?;
        let material = match ty {
            KeyType::Rsa => {
                let (n, e) = parse_rsa_public_key(key_bytes)?;
                AsymKey::rsa_public(alg, n, e)?
            }
            KeyType::Ec(curve) => AsymKey::ec_public(curve, key_bytes)?,
            KeyType::Ed25519 => AsymKey::okp_public(key_bytes)?,
        };
        Ok(material)
    }

    /// The key of the one key block of PEM text, for `alg`; see
    /// `Key::from_pem`.
    pub(crate) fn from_pem(alg: Algorithm, pem_text: &str) -> Result<AsymKey, Error> {
        family_must_be_asym(alg)?;
        if pem_text.len() > MAX_PEM_LEN {
            return Err(invalid("PEM text longer than 65536 bytes"));
        }
        let blocks = pem::parse_many(pem_text).map_err(|_| invalid("malformed PEM"))?;
        let mut keys = blocks.iter().filter(|b| b.tag() != "EC PARAMETERS");
        let block = keys
            .next()
            .ok_or_else(|| invalid("no PEM key block found"))?;
        if keys.next().is_some() {
            return Err(invalid("more than one key in the PEM text"));
        }
        let der = block.contents();
        match block.tag() {
            "PRIVATE KEY" => AsymKey::from_pkcs8_der(alg, der),
            "PUBLIC KEY" => AsymKey::from_spki_der(alg, der),
            "RSA PRIVATE KEY" => {
                check_type(alg, KeyType::Rsa)?;
                let pair = signature::RsaKeyPair::from_der(der)
                    .map_err(|_| invalid("RSA private key rejected by ring"))?;
                AsymKey::rsa_private(alg, pair)
            }
            "RSA PUBLIC KEY" => {
                check_type(alg, KeyType::Rsa)?;
                let (n, e) = parse_rsa_public_key(der)?;
                AsymKey::rsa_public(alg, n, e)
            }
            "EC PRIVATE KEY" => {
                let EcPrivateKeyParts {
                    d,
                    curve: curve_oid,
                    public,
                } = parse_ec_private_key(der)?;
                let ty = match curve_oid {
                    Some(oid) => parse_curve_oid(oid)?,
                    None => KeyType::Ec(
                        Curve::from_alg(alg).ok_or_else(|| Error::alg_not_allowed(alg.as_str()))?,
                    ),
                };
                check_type(alg, ty)?;
                let KeyType::Ec(curve) = ty else {
                    return Err(Error::alg_not_allowed(alg.as_str()));
                };
                let public = public.ok_or_else(|| {
                    invalid("EC PRIVATE KEY without its public key: convert it to PKCS#8")
                })?;
                AsymKey::ec_private(curve, d, public)
            }
            "ENCRYPTED PRIVATE KEY" => Err(invalid("encrypted private keys are not supported")),
            _ => Err(invalid("unsupported PEM block label")),
        }
    }
}

/// A new random key for `alg` (ES256, ES384 or EdDSA) as PKCS#8 v2 DER;
/// see `Key::generate_pkcs8`.
pub(crate) fn generate_pkcs8(alg: Algorithm) -> Result<Vec<u8>, Error> {
    let rng = SystemRandom::new();
    let doc = match alg {
        Algorithm::EdDSA => signature::Ed25519KeyPair::generate_pkcs8(&rng),
        _ => {
            let curve = Curve::from_alg(alg).ok_or_else(|| Error::alg_not_allowed(alg.as_str()))?;
            signature::EcdsaKeyPair::generate_pkcs8(curve.signing(), &rng)
        }
    };
    doc.map(|d| d.as_ref().to_vec())
        .map_err(|_| invalid("key generation failed (no system randomness)"))
}

/// Whether `alg` is an ECDSA algorithm this crate implements.
pub(crate) fn is_ecdsa(alg: Algorithm) -> bool {
    Curve::from_alg(alg).is_some()
}

/// PKCS#8 DER as a `PRIVATE KEY` PEM block; see `Key::pkcs8_to_pem`.
pub(crate) fn pkcs8_to_pem(der: &[u8]) -> String {
    let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
    pem::encode_config(&pem::Pem::new("PRIVATE KEY", der), config)
}
