//! JSON Web Tokens (RFC 7519): a JWS (RFC 7515, compact serialization)
//! whose payload is a JWT Claims Set, validated by a [`Validation`] policy.
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

use std::cell::Cell;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::alg::Algorithm;
use crate::claims::{
    deserialize_with_registered_into, parse_registered, scan_registered, write_checked, Claim,
    ClaimsCheck, ParsedClaims, RegisteredClaims,
};
use crate::error::{Error, Part};
use crate::header::Header;
use crate::jws::{self, Limits};
use crate::key::Key;
use crate::keyset::KeySet;
use crate::known::HeaderRef;
use crate::time::NumericDate;
use crate::validation::Validation;

/// Where [`decode`] finds the verification key: one [`Key`] or a
/// [`KeySet`]. Both `&Key` and `&KeySet` convert into it, so `decode` takes
/// either.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum KeySource<'a> {
    /// One key: the header's `alg` must be its algorithm; `kid` is not
    /// consulted.
    Key(&'a Key),
    /// A key set: the key is chosen by `kid` (see [`KeySet`]).
    Set(&'a KeySet),
}

impl<'a> From<&'a Key> for KeySource<'a> {
    fn from(k: &'a Key) -> Self {
        KeySource::Key(k)
    }
}

impl<'a> From<&'a KeySet> for KeySource<'a> {
    fn from(k: &'a KeySet) -> Self {
        KeySource::Set(k)
    }
}

/// A verified and validated JWT: its JWS Protected Header, its registered
/// claims, and the claims set deserialised as `T`.
///
/// `T` is deserialised from the whole claims set, so it sees registered
/// claims too when it declares them; the default `T`, a JSON map, holds
/// every member.
pub struct Jwt<T = serde_json::Map<String, serde_json::Value>> {
    /// Process-wide or shared with the key's prepared headers when the
    /// token used one of them (see [`crate::known`]).
    header: HeaderRef,
    /// The claims set text; the registered claims are read from it on
    /// first use of [`Jwt::registered`] (it was fully checked by `decode`).
    text: String,
    /// Boxed: read only on demand, and it keeps `Jwt` small to move.
    registered: OnceLock<Box<RegisteredClaims>>,
    claims: T,
}

impl<T> Jwt<T> {
    /// The JWS Protected Header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The registered claims (RFC 7519 §4.1) found in the claims set.
    pub fn registered(&self) -> &RegisteredClaims {
        self.registered.get_or_init(|| {
            // `decode` read this text successfully before returning the
            // `Jwt`, so this reading succeeds the same way.
            Box::new(
                parse_registered(&self.text, &[])
                    .map(ParsedClaims::into_registered)
                    .unwrap_or_default(),
            )
        })
    }

    /// The claims set as `T`.
    pub fn claims(&self) -> &T {
        &self.claims
    }

    /// The claims set as `T`, by value.
    #[inline]
    pub fn into_claims(self) -> T {
        self.claims
    }

    /// Header, registered claims and `T`, by value.
    pub fn into_parts(self) -> (Header, RegisteredClaims, T) {
        let registered = self.registered().clone();
        (self.header.into_header(), registered, self.claims)
    }
}

impl<T: Clone> Clone for Jwt<T> {
    fn clone(&self) -> Self {
        Jwt {
            header: self.header.clone(),
            text: self.text.clone(),
            registered: self.registered.clone(),
            claims: self.claims.clone(),
        }
    }
}

impl<T: PartialEq> PartialEq for Jwt<T> {
    fn eq(&self, other: &Self) -> bool {
        *self.header == *other.header
            && self.registered() == other.registered()
            && self.claims == other.claims
    }
}

impl<T: fmt::Debug> fmt::Debug for Jwt<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwt")
            .field("header", &self.header)
            .field("registered", self.registered())
            .field("claims", &self.claims)
            .finish()
    }
}

/// Signs `claims` as a JWT (compact JWS) with `key`.
///
/// `header` supplies the JWS Protected Header: pass `&Header::default()` for
/// the defaults. An empty `alg` becomes the key's algorithm (any other `alg`
/// must be the key's); an absent `typ` becomes `"JWT"` (RFC 7519 §5.1); an
/// absent `kid` becomes the key's `kid`, if it has one.
///
/// `claims` must serialise to a JSON object whose registered claims have
/// their RFC 7519 types (NumericDates as numbers, `aud` a string or array
/// of strings) and that does not repeat a registered claim name: a token
/// this crate would refuse to decode is never produced.
///
/// # Errors
///
/// [`Error::Malformed`] (part Payload) when `claims` does not serialise to a
/// JSON object or repeats a registered claim name; [`Error::InvalidClaim`] for a registered
/// claim of the wrong type; [`Error::AlgorithmNotAllowed`] when the header
/// names another algorithm than the key's; [`Error::InvalidHeader`] for
/// duplicate header members.
pub fn encode<C: Serialize + ?Sized>(
    header: &Header,
    claims: &C,
    key: &Key,
) -> Result<String, Error> {
    // The claims JSON is written into a per-thread buffer that is reused
    // (no allocation besides the token's); a nested call finds it taken and
    // starts an empty one.
    let mut scratch = CLAIMS_SCRATCH.try_with(Cell::take).unwrap_or_default();
    scratch.clear();
    let result = encode_with(header, claims, key, &mut scratch);
    if scratch.capacity() <= CLAIMS_SCRATCH_KEEP {
        scratch.clear();
        let _ = CLAIMS_SCRATCH.try_with(|c| c.set(scratch));
    }
    result
}

/// Largest claims buffer, in bytes of capacity, that [`encode`] keeps for
/// the thread's next call.
const CLAIMS_SCRATCH_KEEP: usize = 4096;

thread_local! {
    static CLAIMS_SCRATCH: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// [`encode`] with `payload` as the buffer for the claims JSON.
fn encode_with<C: Serialize + ?Sized>(
    header: &Header,
    claims: &C,
    key: &Key,
    payload: &mut Vec<u8>,
) -> Result<String, Error> {
    let mut check = ClaimsCheck::default();
    write_checked(claims, &mut check, payload)
        .map_err(|_| Error::malformed(Part::Payload, "claims set is not a JSON object"))?;
    // `check` watched serde_json write the text; when it is sure, the full
    // reader accepts the text. Otherwise the text is read as before.
    if !check.sure() {
        check_written_claims(payload)?;
    }
    if let Some(segment) = jws::prepared_header_segment(header, Some("JWT"), key) {
        return jws::sign_with_header_segment(segment, payload, key);
    }
    if header.typ.is_some() {
        jws::sign(header, payload, key)
    } else {
        let mut h = header.clone();
        h.typ = Some("JWT".to_owned());
        jws::sign(&h, payload, key)
    }
}

/// The claims check of [`encode`] by the readers: serde_json wrote
/// `payload`, so it is valid JSON and the byte scan, when it succeeds, reads
/// it as the full reader would.
fn check_written_claims(payload: &[u8]) -> Result<(), Error> {
    let text = std::str::from_utf8(payload)
        .map_err(|_| Error::malformed(Part::Payload, "claims set is not UTF-8"))?;
    if scan_registered(text, &[]).is_none() {
        parse_registered(text, &[])?;
    }
    Ok(())
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
/// 1. size limits, then exactly three strict base64url segments
///    (`resource_limit`, `malformed`);
/// 2. the JWS Protected Header: a JSON object with a string `alg`, no
///    duplicate members (`malformed`, `invalid_header`); `alg` must be an
///    implemented algorithm (`none` never is), allowed by the policy and the
///    algorithm of the verifying key (`algorithm_not_allowed`); for a key
///    set, the key is chosen by `kid` (`unknown_key`);
/// 3. the signature over the JWS Signing Input, constant time
///    (`invalid_signature`);
/// 4. `crit` (every extension is refused) and the expected `typ`
///    (`invalid_header`);
/// 5. the claims set: nesting depth (`resource_limit`), UTF-8, one JSON
///    object that does not repeat a registered claim name (`malformed`,
///    part Payload), registered claims of the right types (`invalid_claim`);
/// 6. the [`Validation`] claim checks;
/// 7. deserialising `T` from the same text (`malformed`, part Payload, when
///    the claims do not fit `T`). Other repeated names are left to `T`'s
///    deserialiser: serde's derive rejects a repeated declared field, a map
///    keeps the last value (both allowed by RFC 7519 §4).
///
/// Nothing but the header is parsed before the signature is verified. With
/// a single [`Key`], the signature is checked first (on bytes, with the
/// key's algorithm) and the header is read only afterwards; the error
/// returned is still the first failing check in the order above.
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
    verify_then(token, keys.into(), validation, |seg, header| {
        // Steps 4 to 7, the claims text decoded straight into the `String`
        // the `Jwt` keeps.
        validation.check_header(&header)?;
        let payload = jws::decode_segment(seg.payload, Part::Payload)?;
        let text = match String::from_utf8(payload) {
            Ok(text) => text,
            Err(e) => return Err(not_utf8_after_depth(e.as_bytes(), validation)),
        };
        let claims = read_and_check(&text, validation, now)?;
        Ok(Jwt {
            header,
            text,
            registered: OnceLock::new(),
            claims,
        })
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
/// No [`Jwt`] is built, so the claims text is not kept (a claims set of up
/// to 1024 bytes is decoded on the stack): the only allocations are those
/// of `T` itself.
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
    verify_then(token, keys.into(), validation, |seg, header| {
        read_payload(seg, &header, validation, now)
    })
}

/// Steps 1 to 3 of [`decode_at`], then `finish` with the segments and the
/// verified header.
#[inline(always)]
fn verify_then<R>(
    token: &str,
    keys: KeySource<'_>,
    validation: &Validation,
    finish: impl FnOnce(&jws::Segments<'_>, HeaderRef) -> Result<R, Error>,
) -> Result<R, Error> {
    let limits = validation.limits();
    match keys {
        KeySource::Key(key) => {
            // The segments are found from the ends (first and last dot);
            // a token with more dots fails a later check (its payload is not
            // base64url), and every error is replaced by the strict split's
            // when that one fails, so errors keep the documented order.
            let strict = |e: Error| jws::split(token, limits).err().unwrap_or(e);
            let tag_len = key.algorithm().hmac_output_len();
            let (seg, known) = match key.known_headers().split(token, tag_len, limits) {
                Some((seg, header, alg)) => (seg, Some((header, alg))),
                None => (jws::split_ends(token, limits).map_err(strict)?, None),
            };
            verify_with_key(&seg, known, key, validation)
                .and_then(|header| finish(&seg, header))
                .map_err(strict)
        }
        KeySource::Set(set) => {
            let seg = jws::split(token, limits)?;
            let header = jws::decode_header_segment(seg.header, limits)?;
            let alg = header.algorithm()?;
            validation.check_algorithm(alg)?;
            let signature = jws::decode_segment(seg.signature, Part::Signature)?;
            let input = seg.signing_input.as_bytes();
            set.verify_token(&header, alg, input, &signature, limits)?;
            finish(&seg, HeaderRef::Shared(Arc::new(header)))
        }
    }
}

/// Steps 2 and 3 of [`decode_at`] with one key. The signature is checked
/// first, on bytes, with the key's own algorithm; the header is read only
/// for a token that passed. A failure is reported by `ordered_failure`,
/// which repeats the checks in the documented order, so the error is the
/// same as if the header had been read first.
#[inline(always)]
fn verify_with_key(
    seg: &jws::Segments<'_>,
    known: Option<(&HeaderRef, Algorithm)>,
    key: &Key,
    validation: &Validation,
) -> Result<HeaderRef, Error> {
    let limits = validation.limits();
    if let Err(e) = jws::verify_signature(key, seg.signing_input, seg.signature) {
        return Err(ordered_failure(seg, key, validation, e));
    }
    let (header, alg) = match known.or_else(|| key.known_headers().lookup(seg.header, limits)) {
        Some((h, alg)) => (h.clone(), alg),
        None => {
            let h = jws::decode_header_segment(seg.header, limits)?;
            let alg = h.algorithm()?;
            (HeaderRef::Shared(Arc::new(h)), alg)
        }
    };
    validation.check_algorithm(alg)?;
    if alg != key.algorithm() {
        return Err(Error::alg_not_allowed(alg.as_str()));
    }
    Ok(header)
}

/// Bytes of claims set that [`read_payload`] decodes on the stack.
const PAYLOAD_STACK: usize = 1024;

/// Steps 4 to 7 of [`decode_at`] for [`decode_claims_at`]: the header
/// checks, then the payload decoded (on the stack when it is short), its
/// depth and UTF-8, and the claims.
fn read_payload<T: DeserializeOwned>(
    seg: &jws::Segments<'_>,
    header: &Header,
    validation: &Validation,
    now: NumericDate,
) -> Result<T, Error> {
    validation.check_header(header)?;
    let mut stack = [0u8; PAYLOAD_STACK];
    let heap;
    let payload = match jws::decode_segment_to(seg.payload, &mut stack, Part::Payload)? {
        Some(n) => stack.get(..n).unwrap_or_default(),
        None => {
            heap = jws::decode_segment(seg.payload, Part::Payload)?;
            heap.as_slice()
        }
    };
    let text =
        std::str::from_utf8(payload).map_err(|_| not_utf8_after_depth(payload, validation))?;
    read_and_check(text, validation, now)
}

/// The error for a claims set that is not UTF-8: the depth limit comes
/// first in the documented order.
fn not_utf8_after_depth(payload: &[u8], validation: &Validation) -> Error {
    let max = validation.limits().max_json_depth;
    match jws::check_json_depth(payload, max, Part::Payload) {
        Err(e) => e,
        Ok(()) => Error::malformed(Part::Payload, "claims set is not UTF-8"),
    }
}

/// Steps 5 to 7 of [`decode_at`] on the claims set text (already checked
/// to be UTF-8; no other check was made).
///
/// The depth limit comes first, but a text of `n` bytes that is one JSON
/// value nests at most `n / 2` deep (each level takes an opening and a
/// closing bracket). A sure result of the single pass below shows that:
/// serde_json read the whole text, no error came back through the pass at
/// any depth (a claims type that drops an error, such as a lenient field,
/// makes the pass unsure), every value was read (an empty value is not
/// JSON), no string was read as bytes and no panic was caught by the
/// claims type inside the pass. So when `n / 2` is within the limit the
/// depth scan runs only if that pass is not used, and then before
/// anything else.
///
/// First one pass that deserialises `T` and captures the registered claims
/// on the way ([`deserialize_with_registered_into`]); its result is used only
/// when it is sure (the text is one JSON object whose registered claims
/// have their types and are not repeated, and `T` deserialised from it),
/// and the claim checks pass. Any other case repeats steps 5 to 7 with the
/// full reader, so errors and their order are those of the full reader.
#[inline(always)]
fn read_and_check<T: DeserializeOwned>(
    text: &str,
    validation: &Validation,
    now: NumericDate,
) -> Result<T, Error> {
    let max_depth = validation.limits().max_json_depth;
    let check_depth = || jws::check_json_depth(text.as_bytes(), max_depth, Part::Payload);
    let deferred = text.len() / 2 <= max_depth;
    if !deferred {
        check_depth()?;
    }
    let mut parsed = ParsedClaims::default();
    if let Some(claims) =
        deserialize_with_registered_into::<T>(text, validation.required_claims(), &mut parsed)
    {
        if validation.check_claims(&parsed, now).is_ok() {
            return Ok(claims);
        }
    }
    if deferred {
        check_depth()?;
    }
    let parsed = parse_registered(text, validation.required_claims())?;
    validation.check_claims(&parsed, now)?;
    deserialize_custom(text)
}

/// The error of a single-key token whose signature check failed, found by
/// running steps 2 and 3 of [`decode_at`] in order: header, algorithm
/// policy, the signature's base64url, the key's algorithm, then the
/// signature error itself.
fn ordered_failure(
    seg: &jws::Segments<'_>,
    key: &Key,
    validation: &Validation,
    signature_error: Error,
) -> Error {
    let check = || -> Result<(), Error> {
        let header = jws::decode_header_segment(seg.header, validation.limits())?;
        let alg = header.algorithm()?;
        validation.check_algorithm(alg)?;
        jws::decode_segment(seg.signature, Part::Signature)?;
        if alg != key.algorithm() {
            return Err(Error::alg_not_allowed(alg.as_str()));
        }
        Ok(())
    };
    check().err().unwrap_or(signature_error)
}

/// Depth limit, UTF-8, then the registered-claims pass.
fn read_claims<'p>(
    payload: &'p [u8],
    limits: &Limits,
    required: &[Claim],
) -> Result<(&'p str, ParsedClaims<'p>), Error> {
    jws::check_json_depth(payload, limits.max_json_depth, Part::Payload)?;
    let text = std::str::from_utf8(payload)
        .map_err(|_| Error::malformed(Part::Payload, "claims set is not UTF-8"))?;
    Ok((text, parse_registered(text, required)?))
}

fn deserialize_custom<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
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
    let (text, parsed) = read_claims(payload, limits, &[])?;
    let custom = deserialize_custom(text)?;
    Ok((parsed.into_registered(), custom))
}

#[cfg(test)]
mod scratch_tests {
    use super::*;
    use crate::Algorithm;

    /// Claims whose serialisation itself signs a token with `encode` (the
    /// per-thread buffer is then in use).
    struct Nested<'k>(&'k Key);

    impl Serialize for Nested<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{Error as _, SerializeMap};
            let inner = encode(&Header::default(), &serde_json::json!({"n": 1}), self.0)
                .map_err(S::Error::custom)?;
            let mut m = s.serialize_map(Some(1))?;
            m.serialize_entry("inner", &inner)?;
            m.end()
        }
    }

    fn expected<C: Serialize>(claims: &C, key: &Key) -> String {
        let json = serde_json::to_vec(claims).unwrap();
        let mut h = Header::new(key.algorithm());
        h.typ = Some("JWT".to_owned());
        jws::sign(&h, &json, key).unwrap()
    }

    /// `encode` gives the same bytes as `jws::sign` of `serde_json::to_vec`
    /// when called inside a serialisation, after claims larger than the
    /// kept buffer, and for small claims again afterwards.
    #[test]
    fn reused_claims_buffer_gives_exact_tokens() {
        let key = Key::hmac(Algorithm::HS256, &[3; 32]).unwrap();
        let inner = encode(&Header::default(), &serde_json::json!({"n": 1}), &key).unwrap();
        assert_eq!(inner, expected(&serde_json::json!({"n": 1}), &key));
        let outer = encode(&Header::default(), &Nested(&key), &key).unwrap();
        assert_eq!(outer, expected(&serde_json::json!({"inner": inner}), &key));
        let big = serde_json::json!({"sub": "x".repeat(3 * CLAIMS_SCRATCH_KEEP)});
        assert_eq!(
            encode(&Header::default(), &big, &key).unwrap(),
            expected(&big, &key)
        );
        let small = serde_json::json!({"sub": "y", "exp": 5});
        for _ in 0..3 {
            assert_eq!(
                encode(&Header::default(), &small, &key).unwrap(),
                expected(&small, &key)
            );
        }
    }
}

#[cfg(test)]
mod claims_only_tests {
    use super::*;
    use crate::Algorithm;

    type Map = serde_json::Map<String, serde_json::Value>;

    /// Around the 1024-byte stack buffer for the claims text, and far above
    /// it, `decode_claims_at` returns the claims `decode_at` returns.
    #[test]
    fn stack_and_heap_payloads_agree() {
        let key = Key::hmac(Algorithm::HS256, &[5; 32]).unwrap();
        let v = Validation::new();
        let now = NumericDate::from_secs(10);
        for len in (990..1040).chain([4000, 20_000]) {
            let claims = serde_json::json!({"exp": 20, "pad": "p".repeat(len)});
            let token = encode(&Header::default(), &claims, &key).unwrap();
            let full = decode_at::<Map>(&token, &key, &v, now).unwrap();
            let only = decode_claims_at::<Map>(&token, &key, &v, now).unwrap();
            assert_eq!(&only, full.claims());
            assert_eq!(serde_json::Value::Object(only), claims);
        }
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use crate::Algorithm;
    use proptest::prelude::*;

    type Map = serde_json::Map<String, serde_json::Value>;

    /// The decode order before the single-key fast paths: header first,
    /// full claims reader, header always parsed.
    fn reference<T: DeserializeOwned>(
        token: &str,
        key: &Key,
        validation: &Validation,
        now: NumericDate,
    ) -> Result<(Header, RegisteredClaims, T), Error> {
        let limits = validation.limits();
        let seg = jws::split(token, limits)?;
        let header = jws::decode_header_segment(seg.header, limits)?;
        let alg = header.algorithm()?;
        validation.check_algorithm(alg)?;
        let signature = jws::decode_segment(seg.signature, Part::Signature)?;
        key.verify_as(alg, seg.signing_input.as_bytes(), &signature)?;
        validation.check_header(&header)?;
        let payload = jws::decode_segment(seg.payload, Part::Payload)?;
        let (text, parsed) = read_claims(&payload, limits, validation.required_claims())?;
        validation.check_claims(&parsed, now)?;
        let claims = deserialize_custom(text)?;
        Ok((header, parsed.into_registered(), claims))
    }

    fn header_json() -> impl Strategy<Value = String> {
        let member = prop_oneof![
            Just(r#""alg":"HS256""#),
            Just(r#""alg":"HS512""#),
            Just(r#""alg":"none""#),
            Just(r#""alg":"RS256""#),
            Just(r#""alg":1"#),
            Just(r#""typ":"JWT""#),
            Just(r#""typ":"at+jwt""#),
            Just(r#""kid":"k1""#),
            Just(r#""kid":"k2""#),
            Just(r#""crit":["b64"]"#),
            Just(r#""b64":false"#),
            Just(r#""x":[[[[1]]]]"#),
        ];
        prop_oneof![
            // The headers the key has prepared, exactly.
            Just(r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#.to_owned()),
            Just(r#"{"alg":"HS256","typ":"JWT"}"#.to_owned()),
            Just(r#"{"alg":"HS256","kid":"k1"}"#.to_owned()),
            Just(r#"{"alg":"HS256"}"#.to_owned()),
            Just(r#"{"typ":"JWT","alg":"HS256","kid":"k1"}"#.to_owned()),
            Just(r#"{"typ":"JWT","alg":"HS256"}"#.to_owned()),
            prop::collection::vec(member, 0..5).prop_map(|m| format!("{{{}}}", m.join(","))),
            Just("[1]".to_owned()),
        ]
    }

    fn payload_json() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(r#"{"sub":"a","exp":2000,"role":"x"}"#),
            Just(r#"{"sub":"a","exp":1000}"#),
            Just(r#"{"sub":"a"}"#),
            Just(r#"{"sub":1,"exp":2000}"#),
            Just(r#"{"exp":2000,"exp":3000}"#),
            Just(r#"{"exp":2000.5,"aud":["a","b"],"iss":"i\"s"}"#),
            Just(r#"{"exp":2000,"x":}"#),
            Just(r#"[]"#),
            Just(r#"["a",2000]"#),
            Just(r#"{"role":"r","exp":2000,"role":"s"}"#),
            Just(r#"{"\u0065xp":1000,"role":"r"}"#),
            Just(r#"{"e\"xp":"x","role":{"exp":"n"},"exp":2000}"#),
            Just(r#"{"role":"r","exp":null}"#),
            Just(r#"{"role":"r","aud":["a"],"exp":1e3}"#),
            Just(r#"{"role":1,"exp":2000}"#),
            Just(r#"{"exp":2000,"role":"r"} x"#),
        ]
        .prop_map(str::to_owned)
    }

    /// `encode`'s claims check before the serialiser-side check: the byte
    /// scan, then the full reader.
    fn reference_claims_check<C: Serialize + ?Sized>(claims: &C) -> Result<Vec<u8>, Error> {
        let payload = serde_json::to_vec(claims)
            .map_err(|_| Error::malformed(Part::Payload, "claims set is not a JSON object"))?;
        check_written_claims(&payload)?;
        Ok(payload)
    }

    /// `check` as `encode` uses it: the same bytes as `serde_json::to_vec`,
    /// and the readers run when the check is unsure.
    fn checked<C: Serialize + ?Sized>(claims: &C) -> Result<(Vec<u8>, bool), Error> {
        let mut check = crate::claims::ClaimsCheck::default();
        let payload = crate::claims::to_vec_checked(claims, &mut check)
            .map_err(|_| Error::malformed(Part::Payload, "claims set is not a JSON object"))?;
        let sure = check.sure();
        if !sure {
            check_written_claims(&payload)?;
        }
        Ok((payload, sure))
    }

    fn claim_name() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("exp"),
            Just("nbf"),
            Just("iat"),
            Just("iss"),
            Just("sub"),
            Just("jti"),
            Just("aud"),
            Just("ex"),
            Just("expx"),
            Just("e\"xp"),
            Just("\u{1}aud"),
            Just("role"),
        ]
        .prop_map(str::to_owned)
    }

    fn claim_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::{json, Value};
        let leaf = prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            Just(json!(1.5)),
            Just(json!(3.0)),
            Just(json!(-0.0)),
            Just(json!(1e300)),
            Just(json!(true)),
            Just(Value::Null),
            "[a-z\"\\\u{1}é]{0,4}".prop_map(Value::from),
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
                prop::collection::btree_map(claim_name(), inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// A typed claims set that declares `exp` (so the single pass must
    /// capture and forward it) and ignores every other registered claim.
    #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
    struct Role {
        role: String,
        exp: Option<i64>,
    }

    #[derive(serde::Serialize)]
    struct Odd {
        exp: f32,
        nbf: i128,
        iat: u8,
    }

    #[derive(serde::Serialize)]
    struct Bytes {
        #[serde(serialize_with = "as_bytes")]
        aud: Vec<u8>,
    }

    fn as_bytes<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    #[test]
    fn serialiser_check_agrees_on_odd_writers() {
        let odd = Odd {
            exp: 1.0,
            nbf: 5,
            iat: 7,
        };
        assert_eq!(
            checked(&odd).unwrap(),
            (br#"{"exp":1.0,"nbf":5,"iat":7}"#.to_vec(), false)
        );
        assert_eq!(
            reference_claims_check(&odd).unwrap(),
            br#"{"exp":1.0,"nbf":5,"iat":7}"#.to_vec()
        );
        let bytes = Bytes { aud: vec![1, 2] };
        assert_eq!(
            checked(&bytes).unwrap_err(),
            Error::invalid_claim("aud", "aud must be a string or an array of strings")
        );
        assert_eq!(
            checked(&bytes),
            reference_claims_check(&bytes).map(|b| (b, false))
        );
        let int_keys: std::collections::BTreeMap<i64, i64> = [(1, 2)].into();
        assert_eq!(checked(&int_keys).unwrap(), (br#"{"1":2}"#.to_vec(), false));
        let mut custom = Map::new();
        custom.insert("exp".into(), 1.into());
        let dup = crate::Claims::new(custom).expires_at(NumericDate::from_secs(2));
        assert_eq!(
            checked(&dup).unwrap_err(),
            Error::malformed(Part::Payload, "claims set repeats a registered claim name")
        );
        let plain = crate::Claims::new(Map::new())
            .subject("a")
            .audience("b")
            .expires_at(NumericDate::from_secs(2))
            .issued_at(NumericDate::from_secs(-1));
        assert_eq!(
            checked(&plain).unwrap(),
            (br#"{"sub":"a","aud":"b","exp":2,"iat":-1}"#.to_vec(), true)
        );
        assert_eq!(
            checked(&"x").unwrap_err(),
            Error::malformed(Part::Payload, "claims set is not a JSON object")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// `encode`'s check made while serde_json writes the claims returns
        /// exactly what the readers return (bytes, `Ok` or `Error`), on
        /// arbitrary JSON values and on `Claims` whose custom claims may
        /// repeat a registered name.
        #[test]
        fn serialiser_check_agrees_with_readers(
            value in claim_value(),
            registered in prop::collection::vec((0u8..7, any::<i64>()), 0..4),
            custom in prop::collection::btree_map(claim_name(), claim_value(), 0..4),
        ) {
            prop_assert_eq!(
                checked(&value).map(|(b, _)| b),
                reference_claims_check(&value)
            );
            let mut c = crate::Claims::new(custom.into_iter().collect::<Map>());
            for (which, v) in registered {
                let d = NumericDate::from_secs(v);
                c = match which {
                    0 => c.expires_at(d),
                    1 => c.not_before(d),
                    2 => c.issued_at(d),
                    3 => c.issuer(v.to_string()),
                    4 => c.subject("s\"é"),
                    5 => c.jwt_id(""),
                    _ => c.audience(vec!["a".to_owned()]),
                };
            }
            prop_assert_eq!(checked(&c).map(|(b, _)| b), reference_claims_check(&c));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// `decode_at` with one key (MAC first, prepared headers, byte scan
        /// of the claims) returns exactly what the header-first reference
        /// order returns, on many headers, payloads, signatures and policies.
        #[test]
        fn single_key_fast_paths_agree_with_reference(
            header in header_json(),
            payload in payload_json(),
            signature in 0u8..6,
            policy in 0u8..4,
            depth in prop_oneof![Just(0usize), Just(1), Just(64)],
            header_len in prop_oneof![Just(8usize), Just(8192)],
        ) {
            let key = Key::hmac(Algorithm::HS256, &[7; 32]).unwrap().with_kid("k1");
            let other = Key::hmac(Algorithm::HS256, &[8; 32]).unwrap();
            let mut token = match signature {
                0 | 1 => jws::sign_raw(header.as_bytes(), payload.as_bytes(), &key).unwrap(),
                _ => jws::sign_raw(header.as_bytes(), payload.as_bytes(), &other).unwrap(),
            };
            if signature == 1 {
                token.push('A'); // no longer valid base64url of a tag
            }
            if signature == 3 {
                token.push('=');
            }
            if signature >= 4 {
                // Four or five segments whose last one is the key's valid
                // MAC over everything before it: only the segment count is
                // wrong.
                let input = format!(
                    "{}.{}{}",
                    crate::b64::encode(header.as_bytes()),
                    crate::b64::encode(payload.as_bytes()),
                    if signature == 4 { ".e30" } else { ".e30.e30" },
                );
                let tag = key.sign(input.as_bytes()).unwrap();
                token = format!("{input}.{}", crate::b64::encode(&tag));
            }
            let limits = Limits {
                max_json_depth: depth,
                max_header_len: header_len,
                ..Limits::default()
            };
            let mut v = match policy {
                0 => Validation::new(),
                1 => Validation::new().typ("JWT"),
                2 => Validation::new().algorithms([Algorithm::HS512]),
                _ => Validation::new().require("role"),
            };
            v = v.with_limits(limits);
            let now = NumericDate::from_secs(1500);
            let fast = decode_at::<Map>(&token, &key, &v, now)
                .map(|j| (j.header().clone(), j.registered().clone(), j.claims().clone()));
            prop_assert_eq!(fast, reference(&token, &key, &v, now));
            let typed = decode_at::<Role>(&token, &key, &v, now)
                .map(|j| (j.header().clone(), j.registered().clone(), j.claims().clone()));
            prop_assert_eq!(typed, reference(&token, &key, &v, now));
            // The claims-only entry point: the same outcome, claims alone.
            prop_assert_eq!(
                decode_claims_at::<Map>(&token, &key, &v, now),
                reference::<Map>(&token, &key, &v, now).map(|(_, _, c)| c)
            );
            prop_assert_eq!(
                decode_claims_at::<Role>(&token, &key, &v, now),
                reference::<Role>(&token, &key, &v, now).map(|(_, _, c)| c)
            );
        }
    }
}
