//! The crate's one error type and its stable kinds.

use std::fmt;

/// Which part of a compact token a [`Error::Malformed`] refers to.
///
/// The JWS Compact Serialization (RFC 7515 §7.1) has three parts:
/// `BASE64URL(JWS Protected Header) "." BASE64URL(JWS Payload) "." BASE64URL(JWS Signature)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Part {
    /// The token as a whole (segment count, characters, size).
    Token,
    /// The JWS Protected Header (first segment).
    Header,
    /// The JWS Payload (second segment).
    Payload,
    /// The JWS Signature (third segment).
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Token => "token",
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        })
    }
}

/// Every way an operation of this crate can fail.
///
/// Match on [`Error::kind`] for a stable, coarse classification (its
/// [`ErrorKind::as_str`] codes never change); the variants carry detail for
/// logs and may gain fields or siblings in minor releases.
///
/// Messages are lower-case and never contain key material.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not a well-formed compact JWS or its JSON is not
    /// acceptable (bad base64url, wrong number of segments, invalid JSON or
    /// UTF-8, repeated member names in the header, a claims set that is not
    /// a JSON object, ...).
    #[error("malformed {part}: {reason}")]
    Malformed {
        /// The part of the token that is malformed.
        part: Part,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The signature or MAC does not match the JWS Signing Input.
    #[error("invalid signature")]
    InvalidSignature,
    /// The `alg` of the token is not allowed for the key or by the
    /// validation policy (including `none`, and an algorithm family that does
    /// not match the key type).
    #[error("algorithm not allowed: {alg}")]
    AlgorithmNotAllowed {
        /// The algorithm name as found (at most 64 bytes are kept).
        alg: String,
    },
    /// A registered algorithm this crate refuses by design: `none` (RFC 8725
    /// §3.1) or one `ring` does not implement, such as `ES512` (P-521). Its
    /// kind is [`ErrorKind::AlgorithmNotAllowed`].
    #[error("algorithm not allowed: {alg} ({reason})")]
    UnsupportedAlgorithm {
        /// The algorithm or curve name as found (at most 64 bytes are kept).
        alg: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// The JWS Protected Header is well-formed JSON but not acceptable
    /// (missing `alg`, unknown `crit` extension, unexpected `typ`, a member of
    /// the wrong type; when signing, a header that repeats a member).
    #[error("invalid header: {reason}")]
    InvalidHeader {
        /// What is wrong with the header.
        reason: &'static str,
    },
    /// No configured key matches the token's `kid` (or the token has no
    /// `kid` and the key set requires one).
    #[error("unknown key{}", kid.as_deref().map(|k| format!(" (kid {k:?})")).unwrap_or_default())]
    UnknownKey {
        /// The `kid` named by the token, if any (at most 64 bytes are kept).
        kid: Option<String>,
    },
    /// Key material was refused (empty, shorter than RFC 7518 requires,
    /// malformed JWK, wrong type for the algorithm).
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// Why the key was refused.
        reason: &'static str,
    },
    /// The token expired: `exp` is in the past, per the policy in use.
    #[error("token expired at {exp} (now {now})")]
    Expired {
        /// The `exp` NumericDate, seconds since the Unix epoch.
        exp: i64,
        /// The validation time, seconds since the Unix epoch.
        now: i64,
    },
    /// The token is not valid yet (`nbf`, or `iat` in the future when that
    /// check is enabled).
    #[error("token not valid before {nbf} (now {now})")]
    NotYetValid {
        /// The NumericDate before which the token is not valid.
        nbf: i64,
        /// The validation time, seconds since the Unix epoch.
        now: i64,
    },
    /// A required claim (or, for itsdangerous, the header `exp`) is absent.
    #[error("missing claim: {claim}")]
    MissingClaim {
        /// The claim name.
        claim: String,
    },
    /// A claim is present but unusable: a NumericDate that is not a usable
    /// JSON number, a wrong issuer or subject, a token too old.
    #[error("invalid claim {claim}: {reason}")]
    InvalidClaim {
        /// The claim name.
        claim: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The `aud` claim does not name an accepted audience (or is present when
    /// no audience is configured).
    #[error("invalid audience: {reason}")]
    InvalidAudience {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A configured resource limit was exceeded, checked before the work it
    /// bounds (see [`crate::Limits`]).
    #[error("resource limit exceeded: {limit} (maximum {max})")]
    ResourceLimit {
        /// Which limit.
        limit: Limit,
        /// The configured maximum.
        max: usize,
    },
}

/// Which field of [`crate::Limits`] an [`Error::ResourceLimit`] names.
///
/// `Display` (and [`Limit::as_str`]) gives the field's name, e.g.
/// `max_token_len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// `Limits::max_token_len`: the whole compact token, in bytes.
    MaxTokenLen,
    /// `Limits::max_header_len`: the decoded JWS Protected Header, in bytes.
    MaxHeaderLen,
    /// `Limits::max_json_depth`: nesting of JSON arrays and objects.
    MaxJsonDepth,
    /// `Limits::max_keys_tried`: keys of a key set tried for one token.
    MaxKeysTried,
    /// `ClassicLimits::max_payload_len` (itsdangerous classic formats): the
    /// payload after base64 decoding and zlib inflation, in bytes.
    MaxPayloadLen,
}

impl Limit {
    /// The name of the limits field, e.g. `"max_json_depth"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Limit::MaxTokenLen => "max_token_len",
            Limit::MaxHeaderLen => "max_header_len",
            Limit::MaxJsonDepth => "max_json_depth",
            Limit::MaxKeysTried => "max_keys_tried",
            Limit::MaxPayloadLen => "max_payload_len",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable classification of an [`Error`].
///
/// The snake_case codes returned by [`ErrorKind::as_str`] are part of the
/// public contract (the CLI prints them; tests outside the crate match on
/// them) and never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `malformed`
    Malformed,
    /// `invalid_signature`
    InvalidSignature,
    /// `algorithm_not_allowed`
    AlgorithmNotAllowed,
    /// `invalid_header`
    InvalidHeader,
    /// `unknown_key`
    UnknownKey,
    /// `invalid_key`
    InvalidKey,
    /// `expired`
    Expired,
    /// `not_yet_valid`
    NotYetValid,
    /// `missing_claim`
    MissingClaim,
    /// `invalid_claim`
    InvalidClaim,
    /// `invalid_audience`
    InvalidAudience,
    /// `resource_limit`
    ResourceLimit,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 12] = [
        ErrorKind::Malformed,
        ErrorKind::InvalidSignature,
        ErrorKind::AlgorithmNotAllowed,
        ErrorKind::InvalidHeader,
        ErrorKind::UnknownKey,
        ErrorKind::InvalidKey,
        ErrorKind::Expired,
        ErrorKind::NotYetValid,
        ErrorKind::MissingClaim,
        ErrorKind::InvalidClaim,
        ErrorKind::InvalidAudience,
        ErrorKind::ResourceLimit,
    ];

    /// The stable snake_case code, e.g. `"invalid_signature"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Malformed => "malformed",
            ErrorKind::InvalidSignature => "invalid_signature",
            ErrorKind::AlgorithmNotAllowed => "algorithm_not_allowed",
            ErrorKind::InvalidHeader => "invalid_header",
            ErrorKind::UnknownKey => "unknown_key",
            ErrorKind::InvalidKey => "invalid_key",
            ErrorKind::Expired => "expired",
            ErrorKind::NotYetValid => "not_yet_valid",
            ErrorKind::MissingClaim => "missing_claim",
            ErrorKind::InvalidClaim => "invalid_claim",
            ErrorKind::InvalidAudience => "invalid_audience",
            ErrorKind::ResourceLimit => "resource_limit",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ErrorKind {
    type Err = ();

    /// Parses a code produced by [`ErrorKind::as_str`].
    fn from_str(s: &str) -> Result<Self, ()> {
        ErrorKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

impl Error {
    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Malformed { .. } => ErrorKind::Malformed,
            Error::InvalidSignature => ErrorKind::InvalidSignature,
            Error::AlgorithmNotAllowed { .. } | Error::UnsupportedAlgorithm { .. } => {
                ErrorKind::AlgorithmNotAllowed
            }
            Error::InvalidHeader { .. } => ErrorKind::InvalidHeader,
            Error::UnknownKey { .. } => ErrorKind::UnknownKey,
            Error::InvalidKey { .. } => ErrorKind::InvalidKey,
            Error::Expired { .. } => ErrorKind::Expired,
            Error::NotYetValid { .. } => ErrorKind::NotYetValid,
            Error::MissingClaim { .. } => ErrorKind::MissingClaim,
            Error::InvalidClaim { .. } => ErrorKind::InvalidClaim,
            Error::InvalidAudience { .. } => ErrorKind::InvalidAudience,
            Error::ResourceLimit { .. } => ErrorKind::ResourceLimit,
        }
    }

    pub(crate) fn malformed(part: Part, reason: &'static str) -> Self {
        Error::Malformed { part, reason }
    }

    pub(crate) fn alg_not_allowed(alg: &str) -> Self {
        Error::AlgorithmNotAllowed { alg: truncate(alg) }
    }

    pub(crate) fn invalid_claim(claim: &str, reason: &'static str) -> Self {
        Error::InvalidClaim {
            claim: truncate(claim),
            reason,
        }
    }

    pub(crate) fn missing_claim(claim: &str) -> Self {
        Error::MissingClaim {
            claim: truncate(claim),
        }
    }
}

/// Keeps attacker-controlled strings in errors short (at most 64 bytes, cut
/// at a character boundary).
pub(crate) fn truncate(s: &str) -> String {
    const MAX: usize = 64;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default().to_owned()
}

/// A specialised `Result` for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes_are_stable() {
        let codes: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            codes,
            [
                "malformed",
                "invalid_signature",
                "algorithm_not_allowed",
                "invalid_header",
                "unknown_key",
                "invalid_key",
                "expired",
                "not_yet_valid",
                "missing_claim",
                "invalid_claim",
                "invalid_audience",
                "resource_limit"
            ]
        );
        for k in ErrorKind::ALL {
            assert_eq!(k.as_str().parse::<ErrorKind>(), Ok(k));
        }
    }

    #[test]
    fn limit_names_are_the_limits_fields() {
        let e = Error::ResourceLimit {
            limit: Limit::MaxJsonDepth,
            max: 64,
        };
        assert_eq!(
            e.to_string(),
            "resource limit exceeded: max_json_depth (maximum 64)"
        );
        assert_eq!(Limit::MaxTokenLen.as_str(), "max_token_len");
        assert_eq!(Limit::MaxHeaderLen.to_string(), "max_header_len");
        assert_eq!(Limit::MaxKeysTried.as_str(), "max_keys_tried");
    }

    #[test]
    fn truncate_keeps_char_boundaries() {
        let s = "é".repeat(40); // 80 bytes
        let t = truncate(&s);
        assert_eq!(t.len(), 64);
        assert_eq!(t, "é".repeat(32));
        assert_eq!(truncate("abc"), "abc");
    }
}
