//! The JWS Compact Serialization (RFC 7515 §7.1) taken apart:
//!
//! ```text
//! BASE64URL(UTF8(JWS Protected Header)) "." BASE64URL(JWS Payload) "." BASE64URL(JWS Signature)
//! ```
//!
//! The token's size and the header segment's size are checked before
//! anything is decoded.

use crate::b64;
use crate::error::{Error, Limit, Part};
use crate::limits::Limits;

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
