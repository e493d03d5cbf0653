//! JSON Web Tokens (RFC 7519): a JWS (RFC 7515, compact serialization)
//! whose payload is a JWT Claims Set, validated by a [`crate::Validation`] policy.
//!
//! ```
//! use timed_jws::{jwt, Claims, Header, Key, Algorithm, NumericDate, Validation};
//!
//! #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
//! struct Custom { role: String }
//!
//! let key = Key::hmac(Algorithm::HS256, b"an example key of at least 32 bytes!")?;
//! let now = NumericDate::from_secs(1_700_000_000);
//! let claims = Claims::new(Custom { role: "admin".into() })
//!     .subject("alice")
//!     .expires_at(NumericDate::from_secs(1_700_000_600));
//! let token = jwt::encode(&Header::default(), &claims, &key)?;
//!
//! let decoded = jwt::decode_at::<Custom>(&token, &key, &Validation::new(), now)?;
//! assert_eq!(decoded.claims().role, "admin");
//! assert_eq!(decoded.registered().sub.as_deref(), Some("alice"));
//! assert_eq!(decoded.header().typ.as_deref(), Some("JWT"));
//! # Ok::<(), timed_jws::Error>(())
//! ```

//!
//! The files, read top-down: `claims` (the registered claims and their
//! strict reader), `validation` (the policy), `token` (the decoded [`Jwt`]
//! and [`KeySource`]), this file (`encode` and `decode`), and `serializer`
//! ([`crate::JwtSerializer`], built on them).

pub(crate) mod claims;
pub(crate) mod serializer;
pub(crate) mod token;
pub(crate) mod validation;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::alg::Algorithm;
use crate::error::{Error, Part};
use crate::jws::compact::{decode_segment, split};
use crate::jws::header::{Header, Route};
use crate::jws::sign::sign_with_typ;
use crate::jws::verify::{decode_header_bytes, verify_segments};
use crate::jwt::claims::{parse_registered, RegisteredClaims};
use crate::jwt::token::{Jwt, KeySource};
use crate::jwt::validation::Validation;
use crate::key::Key;
use crate::limits::{check_json_depth, Limits};
use crate::time::NumericDate;

/// Signs `claims` as a JWT (compact JWS) with `key`.
///
/// `header` supplies the JWS Protected Header: pass `&Header::default()` for
/// the defaults. An empty `alg` becomes the key's algorithm (any other `alg`
/// must be the key's); an absent `typ` becomes `"JWT"` (RFC 7519 §5.1); an
/// absent `kid` becomes the key's `kid`, if it has one.
///
/// `claims` must serialise to a JSON object whose registered claims have
/// their RFC 7519 types (NumericDates as numbers, `aud` a string or array
/// of strings) and that does not repeat a registered claim name: the
/// written claims set is read back by the same reader [`decode_at`] uses,
/// so a token this crate would refuse to decode is never produced.
///
/// # Errors
///
/// [`Error::Malformed`] (part Payload) when `claims` does not serialise to a
/// JSON object or repeats a registered claim name; [`Error::InvalidClaim`]
/// for a registered claim of the wrong type; [`Error::AlgorithmNotAllowed`]
/// when the header names another algorithm than the key's;
/// [`Error::InvalidHeader`] for duplicate header members.
pub fn encode<C: Serialize + ?Sized>(
    header: &Header,
    claims: &C,
    key: &Key,
) -> Result<String, Error> {
    let payload = serde_json::to_string(claims)
        .map_err(|_| Error::malformed(Part::Payload, "claims set is not a JSON object"))?;
    parse_registered(&payload, &[])?;
    let typ = header.typ.as_deref().unwrap_or("JWT");
    sign_with_typ(header, Some(typ), payload.as_bytes(), key)
}

/// Verifies and validates a JWT at the current system time; see
/// [`decode_at`].
///
/// # Errors
///
/// As [`decode_at`].
pub fn decode<'k, T: DeserializeOwned>(
    token: &str,
    keys: impl Into<KeySource<'k>>,
    validation: &Validation,
) -> Result<Jwt<T>, Error> {
    decode_at(token, keys, validation, NumericDate::now())
}

/// Verifies and validates a JWT at `now`, and deserialises its claims set as
/// `T`.
///
/// Order of checks (the first failure is returned):
///
/// 1. the token's size, exactly three segments, the header segment's size
///    (`resource_limit`, `malformed`);
/// 2. the key and the signature. With one [`Key`]: the signature over the
///    JWS Signing Input, on bytes, before anything is parsed (`malformed`
///    for bad base64url, `invalid_signature` whatever the header says),
///    then the JWS Protected Header (a JSON object with a string `alg` and
///    no repeated member: `resource_limit`, `malformed`, `invalid_header`)
///    whose `alg` must be the key's and allowed by the policy
///    (`algorithm_not_allowed`; `none` never is). With a [`crate::KeySet`]:
///    the header's `alg` and `kid` first, since `kid` chooses the key (the
///    header within the limits, one JSON object, `alg` and `kid` strings,
///    not repeated: `resource_limit`, `malformed`, `invalid_header`); its
///    `alg` allowed by the policy; the signature's base64url; the key
///    (`unknown_key`, `algorithm_not_allowed`); the signature; then the
///    whole header, as with one key;
/// 3. `crit` (every extension is refused) and the expected `typ`
///    (`invalid_header`);
/// 4. the claims set: nesting depth (`resource_limit`), UTF-8, one JSON
///    object that does not repeat a registered claim name (`malformed`,
///    part Payload), registered claims of the right types (`invalid_claim`);
/// 5. the [`crate::Validation`] claim checks (`expired` and the others);
/// 6. deserialising `T` from the same text (`malformed`, part Payload, when
///    the claims do not fit `T`), last: `T`'s deserialiser never runs on a
///    token that failed a check. Other repeated names are left to `T`'s
///    deserialiser: serde's derive rejects a repeated declared field, a map
///    keeps the last value (both allowed by RFC 7519 §4).
///
/// # Errors
///
/// Every [`crate::ErrorKind`] except `invalid_key`, as listed above.
pub fn decode_at<'k, T: DeserializeOwned>(
    token: &str,
    keys: impl Into<KeySource<'k>>,
    validation: &Validation,
    now: NumericDate,
) -> Result<Jwt<T>, Error> {
    let limits = validation.limits();
    let seg = split(token, limits)?;
    let header = match keys.into() {
        KeySource::Key(key) => {
            let header = verify_segments(&seg, key, limits)?;
            validation.check_algorithm(key.algorithm())?;
            header
        }
        KeySource::Set(set) => {
            // Only `alg` and `kid` are read before the signature; the whole
            // header is parsed once, after it verified.
            let bytes = decode_header_bytes(seg.header, limits)?;
            let route = Route::from_json_bytes(&bytes)?;
            let alg: Algorithm = route.alg.parse()?;
            validation.check_algorithm(alg)?;
            let signature = decode_segment(seg.signature, Part::Signature)?;
            let input = seg.signing_input.as_bytes();
            set.verify_token(route.kid.as_deref(), alg, input, &signature, limits)?;
            Header::from_json_bytes(&bytes)?
        }
    };
    validation.check_header(&header)?;
    let payload = decode_segment(seg.payload, Part::Payload)?;
    let text = claims_text(&payload, limits)?;
    let registered = parse_registered(text, validation.required_claims())?;
    validation.check_claims(&registered, now)?;
    let claims = deserialize_claims(text)?;
    Ok(Jwt {
        header,
        registered: registered.into_registered(),
        claims,
    })
}

/// Verifies and validates a JWT at the current system time and returns
/// only its claims set as `T`; see [`decode_claims_at`].
///
/// # Errors
///
/// As [`decode_at`].
pub fn decode_claims<'k, T: DeserializeOwned>(
    token: &str,
    keys: impl Into<KeySource<'k>>,
    validation: &Validation,
) -> Result<T, Error> {
    decode_claims_at(token, keys, validation, NumericDate::now())
}

/// [`decode_at`] for callers that need only the claims set: the same
/// checks in the same order with the same errors, returning `T` alone.
///
/// ```
/// use timed_jws::{jwt, Algorithm, Claims, Header, Key, NumericDate, Validation};
///
/// #[derive(serde::Deserialize)]
/// struct Session {
///     sub: String,
///     exp: i64,
/// }
///
/// let key = Key::hmac(Algorithm::HS256, b"0123456789abcdef0123456789abcdef")?;
/// let claims = Claims::new(()).subject("alice").expires_at(NumericDate::from_secs(2_000));
/// let token = jwt::encode(&Header::default(), &claims, &key)?;
/// let now = NumericDate::from_secs(1_000);
/// let s: Session = jwt::decode_claims_at(&token, &key, &Validation::new(), now)?;
/// assert_eq!((s.sub.as_str(), s.exp), ("alice", 2_000));
/// # Ok::<(), timed_jws::Error>(())
/// ```
///
/// # Errors
///
/// As [`decode_at`].
pub fn decode_claims_at<'k, T: DeserializeOwned>(
    token: &str,
    keys: impl Into<KeySource<'k>>,
    validation: &Validation,
    now: NumericDate,
) -> Result<T, Error> {
    decode_at(token, keys, validation, now).map(Jwt::into_claims)
}

/// The claims set's text: its nesting depth first (before any parsing),
/// then UTF-8.
fn claims_text<'p>(payload: &'p [u8], limits: &Limits) -> Result<&'p str, Error> {
    check_json_depth(payload, limits.max_json_depth)?;
    std::str::from_utf8(payload)
        .map_err(|_| Error::malformed(Part::Payload, "claims set is not UTF-8"))
}

/// The caller's type, read once from the whole claims set.
fn deserialize_claims<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|_| {
        Error::malformed(
            Part::Payload,
            "claims set does not match the requested type",
        )
    })
}

/// The claims of a token whose signature is **not** verified; see
/// [`crate::dangerous::decode_claims_unverified`].
pub(crate) fn claims_unverified<T: DeserializeOwned>(
    payload: &[u8],
    limits: &Limits,
) -> Result<(RegisteredClaims, T), Error> {
    let text = claims_text(payload, limits)?;
    let registered = parse_registered(text, &[])?;
    let claims = deserialize_claims(text)?;
    Ok((registered.into_registered(), claims))
}
