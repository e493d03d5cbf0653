//! JWS algorithms (RFC 7518 §3.1).

use std::fmt;
use std::str::FromStr;

use crate::error::{truncate, Error};

/// A JWS `alg` value (RFC 7518 §3.1) this crate implements.
///
/// Names are case-sensitive, as RFC 7515 §4.1.1 requires. `none` is not an
/// `Algorithm`: unsecured JWS is never accepted by the standard API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC using SHA-256 (RFC 7518 §3.2); 32-byte tag.
    HS256,
    /// HMAC using SHA-384 (RFC 7518 §3.2); 48-byte tag.
    HS384,
    /// HMAC using SHA-512 (RFC 7518 §3.2); 64-byte tag.
    HS512,
    /// RSASSA-PKCS1-v1_5 using SHA-256 (RFC 7518 §3.3); RSA key of at least
    /// 2048 bits, signature as long as the modulus.
    RS256,
    /// RSASSA-PKCS1-v1_5 using SHA-384 (RFC 7518 §3.3).
    RS384,
    /// RSASSA-PKCS1-v1_5 using SHA-512 (RFC 7518 §3.3).
    RS512,
    /// RSASSA-PSS using SHA-256, MGF1 with SHA-256 and a 32-byte salt
    /// (RFC 7518 §3.5); signing is randomized.
    PS256,
    /// RSASSA-PSS using SHA-384, MGF1 with SHA-384 and a 48-byte salt
    /// (RFC 7518 §3.5).
    PS384,
    /// RSASSA-PSS using SHA-512, MGF1 with SHA-512 and a 64-byte salt
    /// (RFC 7518 §3.5).
    PS512,
    /// ECDSA using P-256 and SHA-256 (RFC 7518 §3.4); the signature is the
    /// 64-byte `R || S`, never DER.
    ES256,
    /// ECDSA using P-384 and SHA-384 (RFC 7518 §3.4); 96-byte `R || S`.
    ES384,
    /// EdDSA with Ed25519 (RFC 8037 §3.1); 64-byte signature.
    EdDSA,
}

/// The broad family of an algorithm; the key type fixes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AlgorithmFamily {
    /// HMAC with a shared secret (`kty: "oct"`).
    Hmac,
    /// RSA signatures, PKCS#1 v1.5 or PSS (`kty: "RSA"`).
    Rsa,
    /// ECDSA on a NIST curve (`kty: "EC"`).
    Ec,
    /// EdDSA on an octet key pair curve (`kty: "OKP"`, RFC 8037).
    Okp,
}

impl Algorithm {
    /// Every algorithm, in a stable order.
    pub const ALL: &'static [Algorithm] = &[
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::EdDSA,
    ];

    /// The RFC 7518 name, e.g. `"HS256"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::EdDSA => "EdDSA",
        }
    }

    /// The algorithm family, which fixes the key type.
    pub const fn family(self) -> AlgorithmFamily {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => AlgorithmFamily::Hmac,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => AlgorithmFamily::Rsa,
            Algorithm::ES256 | Algorithm::ES384 => AlgorithmFamily::Ec,
            Algorithm::EdDSA => AlgorithmFamily::Okp,
        }
    }

    /// For HMAC algorithms, the hash output length in bytes (32, 48 or 64):
    /// both the tag length and the minimum key length of RFC 7518 §3.2.
    pub const fn hmac_output_len(self) -> Option<usize> {
        match self {
            Algorithm::HS256 => Some(32),
            Algorithm::HS384 => Some(48),
            Algorithm::HS512 => Some(64),
            _ => None,
        }
    }

    /// The ring HMAC algorithm; SHA-256 for non-HMAC algorithms, which no
    /// caller passes (HMAC keys are only built for HMAC algorithms).
    pub(crate) fn ring_hmac(self) -> ring::hmac::Algorithm {
        match self {
            Algorithm::HS384 => ring::hmac::HMAC_SHA384,
            Algorithm::HS512 => ring::hmac::HMAC_SHA512,
            _ => ring::hmac::HMAC_SHA256,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    /// Parses an RFC 7518 name, case-sensitively.
    ///
    /// # Errors
    ///
    /// [`Error::UnsupportedAlgorithm`] (kind `algorithm_not_allowed`) for
    /// `none` (RFC 8725 §3.1: unsecured JWS is never accepted) and for
    /// registered algorithms `ring` does not implement (`ES512`, P-521);
    /// [`Error::AlgorithmNotAllowed`] for any other name.
    fn from_str(s: &str) -> Result<Self, Error> {
        if let Some(a) = Algorithm::ALL.iter().copied().find(|a| a.as_str() == s) {
            return Ok(a);
        }
        Err(match unsupported_reason(s) {
            Some(reason) => Error::UnsupportedAlgorithm {
                alg: truncate(s),
                reason,
            },
            None => Error::alg_not_allowed(s),
        })
    }
}

/// Why a registered JWS `alg` name (RFC 7518 §3.1) is refused, for the names
/// this crate knows but does not implement.
pub(crate) fn unsupported_reason(name: &str) -> Option<&'static str> {
    match name {
        "none" => Some("unsecured JWS (alg none) is never accepted (RFC 8725 section 3.1)"),
        "ES512" => Some("ES512 (ECDSA P-521) is not supported by ring"),
        "ES256K" => Some("ES256K (secp256k1) is not supported by ring"),
        _ => None,
    }
}

impl serde::Serialize for Algorithm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Algorithm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse()
            .map_err(|_| serde::de::Error::custom("unsupported algorithm"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for a in Algorithm::ALL {
            assert_eq!(a.as_str().parse::<Algorithm>(), Ok(*a));
        }
        assert_eq!(
            "hs256".parse::<Algorithm>().map_err(|e| e.kind()),
            Err(ErrorKind::AlgorithmNotAllowed)
        );
        assert_eq!(
            "none".parse::<Algorithm>().map_err(|e| e.kind()),
            Err(ErrorKind::AlgorithmNotAllowed)
        );
    }
}
