//! # timed-jws
//!
//! Signed, expiring tokens: JSON Web Signatures in the compact form
//! (RFC 7515) and JSON Web Tokens (RFC 7519), with equivalents of Python
//! itsdangerous's serializers (`URLSafeTimedSerializer` and the other
//! classic classes, and `TimedJSONWebSignatureSerializer`) that read and
//! write their tokens byte for byte.
//!
//! ## Quick start: a compact JWS
//!
//! ```
//! use timed_jws::{jws, Algorithm, Header, Key, Limits};
//!
//! let key = Key::hmac(Algorithm::HS256, b"a shared secret of at least 32 bytes")?;
//! let token = jws::sign(&Header::new(Algorithm::HS256), br#"{"sub":"alice"}"#, &key)?;
//! let verified = jws::verify(&token, &key, &Limits::default())?;
//! assert_eq!(verified.payload(), br#"{"sub":"alice"}"#);
//! # Ok::<(), timed_jws::Error>(())
//! ```
//!
//! ## Where to start
//!
//! * Issuing and checking JWTs: [`jwt::encode`] / [`jwt::decode_at`] (or
//!   [`jwt::decode_claims_at`] when only the claims are needed) with a
//!   [`Validation`] policy, or [`JwtSerializer`] for the `expires_in` use
//!   case (reset links, e-mail confirmation, sessions); [`KeySet`] and
//!   [`JwkLoader`] for `kid` routing, rotation and JWK Sets.
//! * Reading and writing Python itsdangerous tokens:
//!   [`compat::itsdangerous::URLSafeTimedSerializer`] (and the other classic
//!   classes: `Signer`, `TimestampSigner`, `Serializer`, ...) or
//!   [`compat::itsdangerous::TimedJsonWebSignatureSerializer`].
//! * Signing arbitrary payloads: [`jws::sign`] / [`jws::verify`].
//! * Routing before verification (reading `kid`): [`dangerous`].
//!
//! ## Security notes
//!
//! * The key fixes the algorithm: a token whose header names another `alg`
//!   is rejected; `none` is never accepted by the standard API.
//! * With one key, the MAC is checked (constant time, `ring::hmac::verify`)
//!   before any JSON is parsed.
//! * Every input is bounded ([`Limits`]); no input panics.
//! * `Debug` of keys never shows key material.

#![forbid(unsafe_code)]

pub mod alg;
pub mod asym;
pub mod claims;
pub mod compat;
pub mod dangerous;
pub mod error;
pub mod header;
pub mod jwk;
pub mod jws;
pub mod jwt;
pub mod key;
pub mod keyset;
pub mod serializer;
pub mod time;
pub mod validation;

mod b64;
mod known;
mod scan;

pub use crate::alg::{Algorithm, AlgorithmFamily};
pub use crate::claims::{Audience, Claim, Claims, RegisteredClaims};
pub use crate::error::{Error, ErrorKind, Part, Result};
pub use crate::header::Header;
pub use crate::jwk::JwkLoader;
pub use crate::jws::{Limits, Verified};
pub use crate::jwt::{Jwt, KeySource};
pub use crate::key::Key;
pub use crate::keyset::KeySet;
pub use crate::serializer::JwtSerializer;
pub use crate::time::NumericDate;
pub use crate::validation::Validation;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
