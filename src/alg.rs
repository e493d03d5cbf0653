//! JWS algorithms (RFC 7518 §3.1).

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

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
}

/// The broad family of an algorithm; the key type fixes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AlgorithmFamily {
    /// HMAC with a shared secret (`kty: "oct"`).
    Hmac,
}

impl Algorithm {
    /// Every algorithm, in a stable order.
    pub const ALL: &'static [Algorithm] = &[Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];

    /// The RFC 7518 name, e.g. `"HS256"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
        }
    }

    /// The algorithm family, which fixes the key type.
    pub const fn family(self) -> AlgorithmFamily {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => AlgorithmFamily::Hmac,
        }
    }

    /// For HMAC algorithms, the hash output length in bytes (32, 48 or 64):
    /// both the tag length and the minimum key length of RFC 7518 §3.2.
    pub const fn hmac_output_len(self) -> Option<usize> {
        match self {
            Algorithm::HS256 => Some(32),
            Algorithm::HS384 => Some(48),
            Algorithm::HS512 => Some(64),
        }
    }

    pub(crate) fn ring_hmac(self) -> ring::hmac::Algorithm {
        match self {
            Algorithm::HS256 => ring::hmac::HMAC_SHA256,
            Algorithm::HS384 => ring::hmac::HMAC_SHA384,
            Algorithm::HS512 => ring::hmac::HMAC_SHA512,
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
    /// [`Error::AlgorithmNotAllowed`] for any other name, including `none`
    /// and names of algorithms this crate does not implement.
    fn from_str(s: &str) -> Result<Self, Error> {
        Algorithm::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| Error::alg_not_allowed(s))
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
