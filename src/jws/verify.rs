//! Verification of a compact JWS with one key (RFC 7515 §5.2): the
//! signature over the JWS Signing Input with the key (constant time for
//! HMAC) before any JSON is parsed, then the header.

use crate::error::{Error, Limit, Part};
use crate::jws::compact::{decode_segment, split, Segments};
use crate::jws::header::Header;
use crate::key::Key;
use crate::limits::{check_json_depth, Limits};

/// A token whose signature was checked with the caller's key.
///
/// Only verifying functions create it.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    header: Header,
    payload: Vec<u8>,
}

impl Verified {
    /// The JWS Protected Header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The JWS Payload bytes (base64url-decoded).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// Both parts, by value.
    pub fn into_parts(self) -> (Header, Vec<u8>) {
        (self.header, self.payload)
    }
}

/// Verifies a compact JWS (RFC 7515 §5.2) with one key and returns its
/// header and payload.
///
/// Order: `limits.max_token_len`; exactly three segments, the header
/// segment within `limits.max_header_len`; the signature over the JWS
/// Signing Input (strict base64url, then constant time for HMAC); the
/// header (within `limits.max_header_len` and `limits.max_json_depth`, a
/// JSON object with `alg` equal to the key's algorithm, no unknown `crit`);
/// the payload's base64url. Nothing is parsed before the signature is
/// verified: a token whose signature does not verify is
/// [`Error::InvalidSignature`] whatever its header says (`alg: "none"`,
/// another algorithm), so a forged header costs no parsing at all.
///
/// The JWS Payload is any sequence of octets (RFC 7515 §2), so it is
/// returned as bytes, unparsed and not subject to `limits.max_json_depth`:
/// the layers that parse it as JSON ([`crate::jwt`],
/// [`crate::compat::itsdangerous`]) check its depth before parsing.
///
/// # Errors
///
/// [`Error::ResourceLimit`] (token or header segment size),
/// [`Error::Malformed`], [`Error::InvalidSignature`], then for the header
/// [`Error::ResourceLimit`], [`Error::Malformed`],
/// [`Error::InvalidHeader`], [`Error::AlgorithmNotAllowed`], then for the
/// payload [`Error::Malformed`], in that order of checking.
pub fn verify(token: &str, key: &Key, limits: &Limits) -> Result<Verified, Error> {
    verify_with(token, key, limits, &[])
}

/// Like [`verify`], accepting the `crit` extensions named in `understood`.
///
/// # Errors
///
/// As [`verify`].
pub fn verify_with(
    token: &str,
    key: &Key,
    limits: &Limits,
    understood_crit: &[&str],
) -> Result<Verified, Error> {
    let seg = split(token, limits)?;
    let header = verify_segments(&seg, key, limits)?;
    header.check_crit(understood_crit)?;
    let payload = decode_segment(seg.payload, Part::Payload)?;
    Ok(Verified { header, payload })
}

/// The steps [`verify`] and [`crate::jwt::decode_at`] share for one key:
/// the signature over the JWS Signing Input, then the header, whose `alg`
/// must be the key's algorithm. Returns the verified header.
pub(crate) fn verify_segments(
    seg: &Segments<'_>,
    key: &Key,
    limits: &Limits,
) -> Result<Header, Error> {
    verify_signature(seg, key)?;
    let header = decode_header_segment(seg.header, limits)?;
    header.expect_alg(key.algorithm())?;
    Ok(header)
}

/// Decodes the signature segment (strict base64url; `malformed`, part
/// Signature) and checks it over the JWS Signing Input with `key`
/// (constant time for HMAC).
pub(crate) fn verify_signature(seg: &Segments<'_>, key: &Key) -> Result<(), Error> {
    let signature = decode_segment(seg.signature, Part::Signature)?;
    key.verify(seg.signing_input.as_bytes(), &signature)
}

/// Decodes and parses the header segment, within the limits.
pub(crate) fn decode_header_segment(text: &str, limits: &Limits) -> Result<Header, Error> {
    Header::from_json_bytes(&decode_header_bytes(text, limits)?)
}

/// Decodes the header segment and checks the decoded bytes against
/// `limits.max_header_len` and `limits.max_json_depth`, before any parsing.
pub(crate) fn decode_header_bytes(text: &str, limits: &Limits) -> Result<Vec<u8>, Error> {
    let bytes = decode_segment(text, Part::Header)?;
    if bytes.len() > limits.max_header_len {
        return Err(Error::ResourceLimit {
            limit: Limit::MaxHeaderLen,
            max: limits.max_header_len,
        });
    }
    check_json_depth(&bytes, limits.max_json_depth)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::Algorithm;
    use crate::error::ErrorKind;
    use crate::jws::sign::{sign, sign_raw};

    fn key() -> Key {
        Key::hmac(Algorithm::HS256, &[0x42; 32]).unwrap()
    }

    #[test]
    fn round_trip_exact_bytes() {
        let token = sign(&Header::new(Algorithm::HS256), b"{}", &key()).unwrap();
        let mut parts = token.split('.');
        assert_eq!(parts.next(), Some("eyJhbGciOiJIUzI1NiJ9"));
        assert_eq!(parts.next(), Some("e30"));
        let v = verify(&token, &key(), &Limits::default()).unwrap();
        assert_eq!(v.payload(), b"{}");
        assert_eq!(v.header().alg, "HS256");
    }

    #[test]
    fn structure_errors() {
        let token = sign(&Header::new(Algorithm::HS256), b"{}", &key()).unwrap();
        let kind = |t: &str| verify(t, &key(), &Limits::default()).unwrap_err().kind();
        assert_eq!(kind("abc"), ErrorKind::Malformed);
        assert_eq!(kind(&format!("{token}.")), ErrorKind::Malformed);
        assert_eq!(kind(&format!("{token}=")), ErrorKind::Malformed);
        assert_eq!(
            kind(&token.replace("e30", "e31")),
            ErrorKind::InvalidSignature
        );
        let limits = Limits {
            max_token_len: token.len() - 1,
            ..Limits::default()
        };
        assert_eq!(
            verify(&token, &key(), &limits).unwrap_err(),
            Error::ResourceLimit {
                limit: Limit::MaxTokenLen,
                max: token.len() - 1
            }
        );
    }

    #[test]
    fn header_alg_must_match_key() {
        let other = Key::hmac(Algorithm::HS384, &[0x42; 48]).unwrap();
        assert_eq!(
            sign(&Header::new(Algorithm::HS256), b"x", &other)
                .unwrap_err()
                .kind(),
            ErrorKind::AlgorithmNotAllowed
        );
        // A correctly MACed token whose header lies about alg.
        let mut h = Header::new(Algorithm::HS256);
        h.alg = "HS512".into();
        let t = sign_raw(&h.to_json_bytes().unwrap(), b"x", &key()).unwrap();
        assert_eq!(
            verify(&t, &key(), &Limits::default()).unwrap_err(),
            Error::AlgorithmNotAllowed {
                alg: "HS512".into()
            }
        );
    }

    #[test]
    fn unknown_crit_rejected_after_mac() {
        let t = sign_raw(
            br#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
            b"x",
            &key(),
        )
        .unwrap();
        assert_eq!(
            verify(&t, &key(), &Limits::default()).unwrap_err().kind(),
            ErrorKind::InvalidHeader
        );
    }

    #[test]
    fn verify_returns_opaque_payload_bytes() {
        // RFC 7515: the payload is octets; brackets in it are not nesting.
        let deep = [&[b'['; 65][..], b"\xff\x00"].concat();
        let t = sign(&Header::new(Algorithm::HS256), &deep, &key()).unwrap();
        assert_eq!(
            verify(&t, &key(), &Limits::default()).unwrap().payload(),
            &deep[..]
        );
        let other = Key::hmac(Algorithm::HS256, &[0x43; 32]).unwrap();
        assert_eq!(
            verify(&t, &other, &Limits::default()).unwrap_err(),
            Error::InvalidSignature
        );
    }
}
