//! Reading tokens **without verifying them**.
//!
//! Nothing returned here is authenticated: anyone can write any header and
//! payload. Use it to route (read `kid` to pick a key, read `iss` to pick a
//! tenant) or to debug, never to decide anything. The resource limits still
//! apply.

use crate::error::{Error, Part};
use crate::jws::compact::{decode_segment, split};
use crate::jws::header::Header;
use crate::jws::verify::decode_header_segment;
use crate::jwt::claims::RegisteredClaims;
use crate::jwt::claims_unverified;
use crate::limits::Limits;

/// An unverified token's parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Unverified {
    /// The JWS Protected Header, as the token claims it.
    pub header: Header,
    /// The JWS Payload bytes, as the token claims them.
    pub payload: Vec<u8>,
}

/// Decodes only the JWS Protected Header of a compact token, without
/// verifying anything (for example to read `kid`).
///
/// ```
/// let token = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.e30.c2ln";
/// let header = timed_jws::dangerous::decode_header_unverified(token)?;
/// assert_eq!(header.kid.as_deref(), Some("k1"));
/// # Ok::<(), timed_jws::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::ResourceLimit`], [`Error::Malformed`] or
/// [`Error::InvalidHeader`] as for verification.
pub fn decode_header_unverified(token: &str) -> Result<Header, Error> {
    let seg = split(token, &Limits::DEFAULT)?;
    decode_header_segment(seg.header, &Limits::DEFAULT)
}

/// Decodes header and payload of a compact token without verifying the
/// signature (the signature segment must still be valid base64url).
///
/// # Errors
///
/// [`Error::ResourceLimit`], [`Error::Malformed`] or
/// [`Error::InvalidHeader`].
pub fn decode_unverified(token: &str, limits: &Limits) -> Result<Unverified, Error> {
    let seg = split(token, limits)?;
    let header = decode_header_segment(seg.header, limits)?;
    decode_segment(seg.signature, Part::Signature)?;
    let payload = decode_segment(seg.payload, Part::Payload)?;
    Ok(Unverified { header, payload })
}

/// Decodes header and claims set of a JWT without verifying the signature
/// or validating any claim (for example to read `iss` and pick a tenant's
/// key). The claims set must still be a well-formed JSON object
/// (RFC 7519 §7.2 step 10) with registered claims of the right types, and
/// the signature segment must be valid base64url.
///
/// ```
/// use timed_jws::dangerous::decode_claims_unverified;
/// use timed_jws::Limits;
///
/// let token = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ0ZW5hbnQtNyJ9.c2ln";
/// let (header, registered, _all) = decode_claims_unverified::<serde_json::Value>(token, &Limits::default())?;
/// assert_eq!(header.alg, "HS256");
/// assert_eq!(registered.iss.as_deref(), Some("tenant-7"));
/// # Ok::<(), timed_jws::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::ResourceLimit`], [`Error::Malformed`],
/// [`Error::InvalidHeader`] or [`Error::InvalidClaim`].
pub fn decode_claims_unverified<T: serde::de::DeserializeOwned>(
    token: &str,
    limits: &Limits,
) -> Result<(Header, RegisteredClaims, T), Error> {
    let u = decode_unverified(token, limits)?;
    let (registered, custom) = claims_unverified(&u.payload, limits)?;
    Ok((u.header, registered, custom))
}
