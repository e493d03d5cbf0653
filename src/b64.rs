//! Strict base64url without padding (RFC 7515 §2, RFC 4648 §5).
//!
//! Decoding rejects `=`, the `+` `/` alphabet, whitespace, any other byte
//! outside the base64url alphabet, impossible lengths (4n + 1) and
//! non-canonical trailing bits, so every byte string has exactly one
//! accepted encoding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Appends the base64url encoding (no padding) of `bytes` to `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Characters of the base64url encoding (no padding) of `n` bytes.
pub(crate) fn encoded_len(n: usize) -> usize {
    n / 3 * 4 + [0, 2, 3].get(n % 3).copied().unwrap_or(0)
}

/// Appends the base64url encoding (no padding) of `bytes` to `out`,
/// encoding in place (no intermediate buffer).
pub(crate) fn encode_append(bytes: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start.saturating_add(encoded_len(bytes.len())), 0);
    match out
        .get_mut(start..)
        .map(|dst| URL_SAFE_NO_PAD.encode_slice(bytes, dst))
    {
        Some(Ok(written)) => out.truncate(start + written),
        _ => {
            out.truncate(start);
            out.extend_from_slice(encode(bytes).as_bytes());
        }
    }
}

/// The base64url encoding (no padding) of `bytes`.
pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes strict base64url, appending to `out`.
pub(crate) fn decode_into(text: &[u8], out: &mut Vec<u8>) -> Result<(), ()> {
    URL_SAFE_NO_PAD.decode_vec(text, out).map_err(|_| ())
}

/// Decodes strict base64url.
pub(crate) fn decode(text: &[u8]) -> Result<Vec<u8>, ()> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    decode_into(text, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decoding() {
        assert_eq!(decode(b"e30").unwrap(), b"{}");
        assert_eq!(decode(b"").unwrap(), b"");
        assert_eq!(encode(b"\xfb\xff"), "-_8");
        for n in 0..70 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let mut out = b"x.".to_vec();
            encode_append(&bytes, &mut out);
            assert_eq!(out, format!("x.{}", encode(&bytes)).into_bytes());
        }
        assert_eq!(decode(b"-_8").unwrap(), b"\xfb\xff");
        for bad in [
            &b"e30="[..],
            b"+/8",
            b"e3 0",
            b"e30\n",
            b"A",
            b"e31", // non-canonical trailing bits
            b"e3.0",
        ] {
            assert_eq!(decode(bad), Err(()), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
