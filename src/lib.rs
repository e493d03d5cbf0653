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
//! * Keys: [`Key`] (HMAC secrets, PKCS#8 / SubjectPublicKeyInfo DER, PEM,
//!   key generation), [`JwkLoader`] (JWK).
//! * Reading and writing Python itsdangerous tokens:
//!   [`compat::itsdangerous::URLSafeTimedSerializer`] (and the other classic
//!   classes: `Signer`, `TimestampSigner`, `Serializer`, ...) or
//!   [`compat::itsdangerous::TimedJsonWebSignatureSerializer`].
//! * Signing arbitrary payloads: [`jws::sign`] / [`jws::verify`].
//! * Routing before verification (reading `kid`): [`dangerous`].
//! * Reading and writing Flask session cookies:
//!   [`compat::flask::SessionSerializer`].
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

// The layout, read top-down; every module uses only modules above it.
//
// * `error`, `limits`, `alg`, `time`, `b64`, `json`: the vocabulary
//   (errors and their kinds, resource limits, algorithm names,
//   NumericDates, strict base64url, borrowed readers of JSON members).
// * `key`: `Key` (HMAC secrets; asymmetric keys in `key::asym`) and
//   `KeySet` (`key::set`).
// * `jwk`: JSON Web Keys and JWK Sets into keys (`JwkLoader`).
// * `jws`: the JWS compact serialization: `jws::compact`, `jws::header`,
//   `jws::sign`, `jws::verify`.
// * `jwt`: JWTs on top of `jws`: `jwt::claims`, `jwt::validation`,
//   `jwt::token`, encode and decode in `jwt`, and `jwt::serializer`.
// * `dangerous`: reading tokens without verifying them.
// * `compat`: Python itsdangerous's serializers.
//
// Types are exported here, at the root; the modules `jws`, `jwt` and
// `dangerous` export the operations (verbs), `compat` keeps itsdangerous's
// names. Every public item has exactly one path.

mod alg;
mod b64;
mod error;
mod json;
mod jwk;
mod key;
mod limits;
mod time;

pub mod compat;
pub mod dangerous;
pub mod jws;
pub mod jwt;

pub use crate::alg::{Algorithm, AlgorithmFamily};
pub use crate::error::{Error, ErrorKind, Limit, Part, Result};
pub use crate::jwk::JwkLoader;
pub use crate::jws::header::Header;
pub use crate::jws::verify::Verified;
pub use crate::jwt::claims::{Audience, Claim, Claims, RegisteredClaims};
pub use crate::jwt::serializer::JwtSerializer;
pub use crate::jwt::token::{Jwt, KeySource};
pub use crate::jwt::validation::Validation;
pub use crate::key::set::KeySet;
pub use crate::key::Key;
pub use crate::limits::Limits;
pub use crate::time::NumericDate;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
