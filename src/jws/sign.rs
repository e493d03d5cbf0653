//! Signing: a JWS Protected Header and a payload into a compact JWS.

use crate::b64;
use crate::error::{Error, Part};
use crate::jws::header::{Header, Written};
use crate::key::Key;

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
    sign_with_typ(header, header.typ.as_deref(), payload, key)
}

/// [`sign`] writing `typ` as the header's `typ`.
pub(crate) fn sign_with_typ(
    header: &Header,
    typ: Option<&str>,
    payload: &[u8],
    key: &Key,
) -> Result<String, Error> {
    let alg = if header.alg.is_empty() {
        key.algorithm().as_str()
    } else {
        &header.alg
    };
    if alg != key.algorithm().as_str() {
        return Err(Error::alg_not_allowed(alg));
    }
    let written = Written {
        header,
        alg,
        typ,
        kid: header.kid.as_deref().or(key.kid()),
    };
    sign_raw(&written.to_json_bytes()?, payload, key)
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
