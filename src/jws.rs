//! The JWS Compact Serialization (RFC 7515 §7.1): sign and verify.
//!
//! ```text
//! BASE64URL(UTF8(JWS Protected Header)) "." BASE64URL(JWS Payload) "." BASE64URL(JWS Signature)
//! ```
//!
//! Verification order is part of the security contract: size limits first,
//! then structure (exactly three strict base64url segments), then the
//! signature over the JWS Signing Input with the one configured key (constant
//! time for HMAC), and only then is any JSON parsed.

use crate::b64;
use crate::error::{Error, Limit, Part};
use crate::header::Header;
use crate::key::Key;

/// Resource limits applied while verifying or decoding, each checked before
/// the work it bounds. Exceeding one is [`Error::ResourceLimit`].
///
/// | limit | default | bounds |
/// |---|---|---|
/// | `max_token_len` | 262 144 bytes (256 KiB) | the whole compact token, before splitting |
/// | `max_header_len` | 8 192 bytes | the decoded JWS Protected Header: its segment's length before decoding, its bytes before parsing |
/// | `max_json_depth` | 64 | nesting of arrays/objects in header and payload, before parsing |
/// | `max_keys_tried` | 8 | keys of a key set tried for a token without `kid` |
///
/// ```
/// let mut limits = timed_jws::Limits::default();
/// limits.max_token_len = 4096;
/// assert_eq!(limits.max_header_len, 8192);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Maximum length of a compact token, in bytes.
    pub max_token_len: usize,
    /// Maximum length of the decoded JWS Protected Header, in bytes.
    pub max_header_len: usize,
    /// Maximum nesting depth of JSON arrays and objects.
    pub max_json_depth: usize,
    /// Maximum number of keys tried for one token.
    pub max_keys_tried: usize,
}

impl Limits {
    /// The default limits (see the table above).
    pub const DEFAULT: Limits = Limits {
        max_token_len: 256 * 1024,
        max_header_len: 8 * 1024,
        max_json_depth: 64,
        max_keys_tried: 8,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

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

/// The three segments of a compact JWS, still encoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segments<'a> {
    pub(crate) header: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
    /// `header "." payload`: the JWS Signing Input (RFC 7515 §2).
    pub(crate) signing_input: &'a str,
}

/// Checks the token size (`limits.max_token_len`), splits the token into
/// exactly three segments, and checks the header segment's size
/// (`limits.max_header_len`, as base64url) before anything is decoded.
pub(crate) fn split<'a>(token: &'a str, limits: &Limits) -> Result<Segments<'a>, Error> {
    if token.len() > limits.max_token_len {
        return Err(Error::ResourceLimit {
            limit: Limit::MaxTokenLen,
            max: limits.max_token_len,
        });
    }
    let not_three = || Error::malformed(Part::Token, "a compact JWS has exactly three segments");
    let (signing_input, signature) = token.rsplit_once('.').ok_or_else(not_three)?;
    let (header, payload) = signing_input.split_once('.').ok_or_else(not_three)?;
    if payload.contains('.') {
        return Err(not_three());
    }
    // base64url of n bytes has ceil(4n/3) characters.
    if header.len() > limits.max_header_len.saturating_mul(4) / 3 + 3 {
        return Err(Error::ResourceLimit {
            limit: Limit::MaxHeaderLen,
            max: limits.max_header_len,
        });
    }
    Ok(Segments {
        header,
        payload,
        signature,
        signing_input,
    })
}

/// Decodes one segment with strict base64url.
pub(crate) fn decode_segment(text: &str, part: Part) -> Result<Vec<u8>, Error> {
    b64::decode(text.as_bytes()).map_err(|()| Error::malformed(part, "invalid base64url"))
}

/// Rejects JSON nested deeper than `max` arrays/objects, scanning bytes
/// without parsing (strings are skipped, escapes honoured). One pass, no
/// allocation: the work is linear in the input.
pub(crate) fn check_json_depth(json: &[u8], max: usize, part: Part) -> Result<(), Error> {
    let _ = part;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Err(Error::ResourceLimit {
                        limit: Limit::MaxJsonDepth,
                        max,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Signs `payload` under `header` with `key`, producing a compact JWS.
///
/// The header's `alg` must be the key's algorithm (an empty `alg` is filled
/// in), and when the key has a `kid` and the header none, the key's `kid` is
/// written.
///
/// ```
/// use timed_jws::{jws, Algorithm, Header, Key, Limits};
///
/// let key = Key::hmac(Algorithm::HS256, b"an example key of at least 32 bytes!")?;
/// let token = jws::sign(&Header::new(Algorithm::HS256), b"hello", &key)?;
/// let verified = jws::verify(&token, &key, &Limits::default())?;
/// assert_eq!(verified.payload(), b"hello");
/// # Ok::<(), timed_jws::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::AlgorithmNotAllowed`] when the header names another algorithm;
/// [`Error::InvalidHeader`] when the header has duplicate members;
/// [`Error::InvalidKey`] when the key cannot sign.
pub fn sign(header: &Header, payload: &[u8], key: &Key) -> Result<String, Error> {
    let json = if header.alg.is_empty() || (header.kid.is_none() && key.kid().is_some()) {
        let mut h = header.clone();
        if h.alg.is_empty() {
            key.algorithm().as_str().clone_into(&mut h.alg);
        }
        if h.kid.is_none() {
            h.kid = key.kid().map(str::to_owned);
        }
        check_alg(&h, key)?;
        h.to_json_bytes()?
    } else {
        check_alg(header, key)?;
        header.to_json_bytes()?
    };
    sign_raw(&json, payload, key)
}

/// The header's `alg` must be the key's algorithm, exactly as written.
fn check_alg(header: &Header, key: &Key) -> Result<(), Error> {
    if header.alg != key.algorithm().as_str() {
        return Err(Error::alg_not_allowed(&header.alg));
    }
    Ok(())
}

/// Signs exact header and payload bytes (no re-serialisation).
pub(crate) fn sign_raw(header_json: &[u8], payload: &[u8], key: &Key) -> Result<String, Error> {
    let mut out = Vec::with_capacity(
        b64::encoded_len(header_json.len()) + b64::encoded_len(payload.len()) + 96,
    );
    b64::encode_append(header_json, &mut out);
    out.push(b'.');
    b64::encode_append(payload, &mut out);
    key.append_signature_b64(&mut out)?;
    String::from_utf8(out).map_err(|_| Error::malformed(Part::Token, "token is not ASCII"))
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
/// verified, with one exception that only chooses the error: when the
/// signature does not verify and the header names another `alg` than the
/// key's, the error is [`Error::AlgorithmNotAllowed`] (key confusion,
/// `alg: "none"`); the header is then read within the limits and nothing
/// from it is trusted.
///
/// The JWS Payload is any sequence of octets (RFC 7515 §2), so it is
/// returned as bytes, unparsed and not subject to `limits.max_json_depth`:
/// the layers that parse it as JSON ([`crate::jwt`],
/// [`crate::compat::itsdangerous`]) check its depth before parsing.
///
/// # Errors
///
/// [`Error::ResourceLimit`] (token or header segment size),
/// [`Error::Malformed`], [`Error::InvalidSignature`] (or
/// [`Error::AlgorithmNotAllowed`] as above), then for the header
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
    if let Err(e) = verify_signature(seg, key) {
        // The unauthenticated header only chooses the error: a header
        // naming another algorithm is reported as such.
        let other_alg = decode_header_segment(seg.header, limits)
            .ok()
            .and_then(|h| check_alg(&h, key).err());
        return Err(other_alg.unwrap_or(e));
    }
    let header = decode_header_segment(seg.header, limits)?;
    check_alg(&header, key)?;
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
    let bytes = decode_segment(text, Part::Header)?;
    if bytes.len() > limits.max_header_len {
        return Err(Error::ResourceLimit {
            limit: Limit::MaxHeaderLen,
            max: limits.max_header_len,
        });
    }
    check_json_depth(&bytes, limits.max_json_depth, Part::Header)?;
    Header::from_json_bytes(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Algorithm, ErrorKind};

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

    #[test]
    fn depth_scan() {
        assert_eq!(check_json_depth(b"[[[]]]", 3, Part::Payload), Ok(()));
        assert_eq!(
            check_json_depth(b"[[[[]]]]", 3, Part::Payload)
                .unwrap_err()
                .kind(),
            ErrorKind::ResourceLimit
        );
        assert_eq!(
            check_json_depth(br#"["[[[[\"[["]"#, 1, Part::Payload),
            Ok(())
        );
        // More openings than the limit, but never that deep at once.
        assert_eq!(check_json_depth(b"[][][][][]", 1, Part::Payload), Ok(()));
        assert_eq!(
            check_json_depth(b"{}", 0, Part::Payload)
                .unwrap_err()
                .kind(),
            ErrorKind::ResourceLimit
        );
    }
}
