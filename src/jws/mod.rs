//! JSON Web Signatures in the compact serialization (RFC 7515 §7.1):
//! [`sign`] and [`verify`].
//!
//! ```text
//! BASE64URL(UTF8(JWS Protected Header)) "." BASE64URL(JWS Payload) "." BASE64URL(JWS Signature)
//! ```
//!
//! Verification order is part of the security contract: size limits first,
//! then structure (exactly three segments), then the signature over the JWS
//! Signing Input with the one configured key (constant time for HMAC), and
//! only then is any JSON parsed.
//!
//! The files, read top-down: `compact` takes a token apart, `header` is the
//! JWS Protected Header ([`crate::Header`]), `sign` and `verify` are the two
//! operations.

pub(crate) mod compact;
pub(crate) mod header;
pub(crate) mod sign;
pub(crate) mod verify;

pub use self::sign::sign;
pub use self::verify::{verify, verify_with};
