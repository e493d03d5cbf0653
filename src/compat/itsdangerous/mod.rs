//! Python itsdangerous's token formats, read and written byte for byte, for
//! itsdangerous 0.24, 1.1 and 2.x ([`ItsDangerousVersion`]).
//!
//! | itsdangerous class | here | token |
//! |---|---|---|
//! | `Signer` | [`Signer`] | `value.sig` |
//! | `TimestampSigner` | [`TimestampSigner`] | `value.ts.sig` |
//! | `Serializer` | [`Serializer`] | `{"json": "text"}.sig` |
//! | `TimedSerializer` | [`TimedSerializer`] | `{"json": "text"}.ts.sig` |
//! | `URLSafeSerializer` | [`URLSafeSerializer`] | `b64u(json).sig`, or `.b64u(zlib(json)).sig` |
//! | `URLSafeTimedSerializer` | [`URLSafeTimedSerializer`] | `b64u(json).ts.sig`, or `.b64u(zlib(json)).ts.sig` |
//! | `JSONWebSignatureSerializer` (0.24 to 2.0) | [`JsonWebSignatureSerializer`] | compact JWS |
//! | `TimedJSONWebSignatureSerializer` (0.24 to 2.0) | [`TimedJsonWebSignatureSerializer`] | compact JWS with `iat`, `exp` |
//!
//! `URLSafeTimedSerializer` is what most Python services use today:
//! password-reset and e-mail links, Flask-WTF's CSRF tokens, Flask-Security's
//! links, and Flask's session cookie (with a tagged JSON payload: a caller that
//! writes and reads its own JSON text uses `dumps_raw_at` / `loads_raw_at`).
//!
//! Every class is made by a builder with the secret and itsdangerous's
//! constructor settings: [`version`](ClassicBuilder::version), salt (each
//! class's default, [`DEFAULT_SIGNER_SALT`] or [`DEFAULT_SERIALIZER_SALT`]; an
//! empty salt is a salt), [`KeyDerivation`] (`django-concat` by default),
//! [`Digest`] (SHA-1 by default), separator, older secrets that still verify
//! (key rotation, 2.x), fallback signers, [`ClassicLimits`]. Every call that
//! reads or writes a timestamp has an `_at` variant taking the clock.
//!
//! ```
//! use timed_jws::compat::itsdangerous::URLSafeTimedSerializer;
//!
//! // A Flask-WTF CSRF token (generate_csrf() of Flask-WTF 1.3.0 with
//! // SECRET_KEY "dev-secret", itsdangerous 2.2.0, at Unix 1700000000).
//! let token = "IjY0MTczMTRjNzYxYTBiZDhmMTcwZDA4NmQzYzNhYzA5ZDRhM2JjZDUi.ZVPxAA.fWfWyrZEoTcT6p1IruSHLUph1Ws";
//! let s = URLSafeTimedSerializer::builder("dev-secret").salt("wtf-csrf-token").build()?;
//!
//! // WTF_CSRF_TIME_LIMIT is 3600 seconds; age == max_age is still valid.
//! let (payload, signed_at) = s.loads_with_timestamp_at(token, Some(3600), 1_700_003_600)?;
//! assert_eq!(payload, "6417314c761a0bd8f170d086d3c3ac09d4a3bcd5");
//! assert_eq!(signed_at, 1_700_000_000);
//!
//! // One second later: what a Python caller catches as SignatureExpired.
//! let err = s.loads_at(token, Some(3600), 1_700_003_601).unwrap_err();
//! assert_eq!(err.itsdangerous_class().as_str(), "SignatureExpired");
//! assert_eq!(err.kind().as_str(), "expired");
//! assert_eq!(err.itsdangerous_message(), Some("Signature age 3601 > 3600 seconds"));
//!
//! // Writing reproduces itsdangerous's bytes for the same clock.
//! assert_eq!(s.dumps_at(&payload, 1_700_000_000)?, token);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Classic formats: verification order (as itsdangerous)
//!
//! 1. The token is longer than `max_token_len`: `BadSignature` (kind
//!    `resource_limit`).
//! 2. No separator: `BadSignature` (kind `malformed`).
//! 3. Split at the **last** separator; the signature must be strict base64url
//!    (else kind `malformed`) and the HMAC of one secret over everything before
//!    it must match (`ring::hmac::verify`, newest secret first; else kind
//!    `invalid_signature`). A `TimestampSigner` reports this as
//!    `BadTimeSignature` when a timestamp segment is left, `BadSignature`
//!    otherwise.
//! 4. Timed classes: split the signed value at its last separator (none:
//!    `BadTimeSignature`, kind `missing_claim`, "timestamp missing"); the
//!    timestamp must be strict base64url of at most 8 bytes with no leading
//!    zero byte and at most [`MAX_TIMESTAMP`] (else `BadTimeSignature`, kind
//!    `malformed`, "Malformed timestamp"). Only with a `max_age`: an age
//!    `now - timestamp` above `max_age` is `SignatureExpired` (kind
//!    `expired`); under 2.x a negative age too (kind `not_yet_valid`).
//! 5. Serializers: with fallback signers, steps 2 to 4 run for each signer in
//!    turn until one succeeds; `SignatureExpired` stops the search, otherwise
//!    the last signer's error is reported (1.1's default SHA-512 fallback
//!    included).
//! 6. Serializers: the payload (`BadPayload`, not a `BadSignature`): the
//!    URL-safe classes strip one leading `.` (compressed), decode strict
//!    base64url and inflate the zlib stream into at most `max_payload_len`
//!    bytes (kind `resource_limit` beyond it, `malformed` for a broken stream
//!    or data after it); then strict UTF-8 and JSON within `max_json_depth`
//!    (kind `malformed`, or `resource_limit` for the depth).
//!
//! The signature is checked before anything in the payload is decoded, so
//! only a holder of the key reaches step 6. Errors after the MAC carry what
//! itsdangerous's exception carried ([`LoadError::value`],
//! [`LoadError::payload`], [`LoadError::issued_at`]); nothing unauthenticated
//! is carried. `loads_unsafe` is the one unverified read.
//!
//! Where itsdangerous accepts malformed input (lenient base64 in any segment,
//! empty-by-junk or padded timestamps, more than 8 timestamp bytes under 0.24,
//! timestamps whose date Python cannot build, data after the zlib stream,
//! `NaN` literals, and so the cross-class readings these allow), this module
//! rejects it with the nearest itsdangerous class; the list, with the reasons,
//! is in the crate README under "Differences from itsdangerous".
//!
//! ## JWS serializers
//!
//! Tokens of Python itsdangerous's `JSONWebSignatureSerializer` and
//! `TimedJSONWebSignatureSerializer`, read and written byte for byte.
//!
//! itsdangerous shipped these two serializers from 0.24 until 2.0 (they were
//! removed in 2.1); many services still hold their tokens (password-reset
//! links, e-mail confirmation links, API tokens). A token is a compact JWS:
//!
//! ```text
//! b64u(json(header)) "." b64u(json(payload)) "." b64u(HMAC(key, first two parts))
//! ```
//!
//! with the header `{<caller fields>, "alg": A, "iat": now, "exp": now + expires_in}`
//! (the untimed serializer writes only the caller fields and `alg`), and the
//! HMAC key `SHA-1(salt || "signer" || secret)` when a salt is set, the secret
//! itself otherwise.
//!
//! ```
//! use timed_jws::compat::itsdangerous::{ItsDangerousVersion, TimedJsonWebSignatureSerializer};
//!
//! // The token itsdangerous 0.24 made with secret `sekrit` at 1443104423.
//! let token = "eyJhbGciOiJIUzI1NiIsImV4cCI6MTQ0MzEwODAyMywiaWF0IjoxNDQzMTA0NDIzfQ\
//!              .eyJpZCI6ImZvb2JhciJ9.eCD3zKK1lYT8cZ9w8g0YVpaF-1rR-k6UNCYq9dHmvGo";
//! let s = TimedJsonWebSignatureSerializer::builder(b"sekrit")
//!     .version(ItsDangerousVersion::V0_24)
//!     .build()?;
//! assert_eq!(s.loads_at(token, 1443108023)?, serde_json::json!({"id": "foobar"}));
//!
//! let err = s.loads_at(token, 1443108024).unwrap_err();
//! assert_eq!(err.itsdangerous_class().as_str(), "SignatureExpired");
//! assert_eq!(err.kind().as_str(), "expired");
//! assert_eq!(err.payload(), Some(&serde_json::json!({"id": "foobar"})));
//!
//! // Writing reproduces itsdangerous's bytes for the same clock.
//! assert_eq!(
//!     s.dumps_at(&serde_json::json!({"id": "foobar"}), 1443104423)?,
//!     "eyJhbGciOiJIUzI1NiIsImlhdCI6MTQ0MzEwNDQyMywiZXhwIjoxNDQzMTA4MDIzfQ\
//!      .eyJpZCI6ImZvb2JhciJ9.3PJRMKsfCGVAf4hMqNm9GmcnQAw1p7Eg58wpXFEgs-c"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//!
//! ### JWS: verification order (as itsdangerous)
//!
//! 1. No `.` in the token: [`BadDataClass::BadSignature`] (kind `malformed`).
//! 2. Split at the **last** dot; check the MAC over everything before it with
//!    the configured algorithm and key, in constant time (`ring`). With `none`
//!    the signature segment must be empty. Mismatch: `BadSignature`.
//! 3. Split the signed part at the first dot (none: `BadPayload`).
//! 4. Header base64: `BadHeader`; payload base64: `BadPayload`; header JSON or
//!    not an object: `BadHeader`; payload JSON: `BadPayload`.
//! 5. Header `alg` differs from the configured one: `BadHeader` (kind
//!    `algorithm_not_allowed`).
//! 6. Timed serializer only, from the **header** `exp`: missing:
//!    `BadSignature` (kind `missing_claim`); not a usable number: `BadHeader`
//!    in 1.x, `BadSignature` in 0.24 (kind `invalid_claim`); `exp < now`:
//!    `SignatureExpired` (kind `expired`). `exp == now` is valid. `iat`,
//!    `nbf`, `crit`, `typ` and `kid` are never checked.
//!
//! Where itsdangerous is lenient with malformed input (lenient base64, NaN,
//! numeric strings or booleans as `exp`, ...) this module rejects it with the
//! nearest itsdangerous class; the list is in the crate README under
//! "Differences from itsdangerous".
//!

use std::fmt;

use serde_json::Value;

use crate::error::{Error, ErrorKind};
use crate::time::NumericDate;

mod jws;
mod serializer;
mod signer;
mod zlib;

pub use self::jws::*;
pub use self::serializer::{
    Serializer, SerializerClass, TimedSerializer, URLSafeSerializer, URLSafeTimedSerializer,
};
pub use self::signer::{
    ClassicBuilder, ClassicLimits, Digest, KeyDerivation, Signer, SignerOptions, TimestampSigner,
    DEFAULT_SERIALIZER_SALT, DEFAULT_SIGNER_SALT, EPOCH_0_24, MAX_TIMESTAMP,
};

/// Which itsdangerous release line to reproduce.
///
/// Every format of this module takes one (default: the current line,
/// [`V2`](ItsDangerousVersion::V2)).
///
/// For the JWS serializers (removed from itsdangerous in 2.1) `V1` and `V2`
/// behave the same:
///
/// | | default algorithm | JSON text | `exp` that is not a positive number |
/// |---|---|---|---|
/// | `V1`, `V2` (1.x, 2.0) | HS512 | raw UTF-8 (`ensure_ascii=False`) | `BadHeader`, only when negative after truncation |
/// | `V0_24` | HS256 | ASCII, `\uXXXX` escapes | `BadSignature` ("expiry date is not an IntDate"), also for `0` |
///
/// For the classic formats ([`Signer`], [`TimestampSigner`], [`Serializer`],
/// [`TimedSerializer`], [`URLSafeSerializer`], [`URLSafeTimedSerializer`]):
///
/// | | timestamp epoch | future timestamp with `max_age` | URL-safe JSON | default fallback signer | list of secrets |
/// |---|---|---|---|---|---|
/// | `V0_24` | 2011-01-01 (Unix 1293840000) | accepted | ASCII, `\uXXXX` escapes | none | no |
/// | `V1` (1.1.0) | Unix | accepted | raw UTF-8 | HMAC-SHA-512, `django-concat` | no |
/// | `V2` (2.0 to 2.2) | Unix | `SignatureExpired` | raw UTF-8 | none | yes (rotation) |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ItsDangerousVersion {
    /// itsdangerous 2.x (2.0 to 2.2), the default. For the JWS serializers
    /// (2.0 only), the same as [`V1`](Self::V1).
    #[default]
    V2,
    /// itsdangerous 1.x (1.1.0).
    V1,
    /// itsdangerous 0.24.
    V0_24,
}

/// A point in time given to the `*_at` methods, read as whole seconds since
/// the Unix epoch, truncated towards zero as itsdangerous's
/// `int(time.time())`.
pub trait UnixTime {
    /// Whole seconds since 1970-01-01T00:00:00Z, truncated towards zero.
    fn unix_seconds(self) -> i64;
}

impl UnixTime for i64 {
    fn unix_seconds(self) -> i64 {
        self
    }
}

impl UnixTime for NumericDate {
    fn unix_seconds(self) -> i64 {
        trunc_secs(self)
    }
}

impl UnixTime for time::OffsetDateTime {
    fn unix_seconds(self) -> i64 {
        trunc_secs(NumericDate::from(self))
    }
}

/// Python's `int(x)` of a NumericDate: truncation towards zero.
pub(crate) fn trunc_secs(d: NumericDate) -> i64 {
    if d.secs() < 0 && d.subsec_nanos() > 0 {
        d.secs().saturating_add(1)
    } else {
        d.secs()
    }
}

/// The itsdangerous exception class a caller of Python's `loads` would have
/// caught.
///
/// The hierarchy: `BadData` > `BadSignature` > (`BadTimeSignature` >
/// `SignatureExpired`), `BadHeader`; `BadData` > `BadPayload`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BadDataClass {
    /// `BadSignature`: the MAC does not match, the token has no separator,
    /// or (JWS) the header has no `exp` (and, in 0.24, an unusable `exp`).
    BadSignature,
    /// `BadTimeSignature` (a `BadSignature`): a `TimestampSigner` token whose
    /// MAC does not match, or whose timestamp is missing or malformed.
    BadTimeSignature,
    /// `BadHeader`: the header is not base64/JSON/an object, its `alg` differs,
    /// or (1.x) its `exp` is not a usable number.
    BadHeader,
    /// `BadPayload` (not a `BadSignature`): the payload is not base64, zlib
    /// or JSON (after a good MAC).
    BadPayload,
    /// `SignatureExpired` (a `BadTimeSignature`): the header `exp` is before
    /// now (JWS), or the timestamp is older than `max_age` (or, 2.x, in the
    /// future).
    SignatureExpired,
}

impl BadDataClass {
    /// The Python class name, e.g. `"SignatureExpired"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            BadDataClass::BadSignature => "BadSignature",
            BadDataClass::BadTimeSignature => "BadTimeSignature",
            BadDataClass::BadHeader => "BadHeader",
            BadDataClass::BadPayload => "BadPayload",
            BadDataClass::SignatureExpired => "SignatureExpired",
        }
    }

    /// Whether Python's `except BadSignature:` catches this class (every
    /// class but `BadPayload`).
    pub const fn is_bad_signature(self) -> bool {
        !matches!(self, BadDataClass::BadPayload)
    }

    /// Whether Python's `except BadTimeSignature:` catches this class
    /// (`BadTimeSignature` and `SignatureExpired`).
    pub const fn is_bad_time_signature(self) -> bool {
        matches!(
            self,
            BadDataClass::BadTimeSignature | BadDataClass::SignatureExpired
        )
    }
}

impl fmt::Display for BadDataClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why `loads` refused a token: a crate [`Error`] (for its stable
/// [`ErrorKind`]), the itsdangerous class, and what itsdangerous's exception
/// carried.
///
/// The payload, header and signed value are only carried when the MAC was
/// good (they are authenticated), as itsdangerous did for `SignatureExpired`,
/// for "Missing expiry date", for "Algorithm mismatch", for a header that is
/// not a JSON object (JWS), and for "timestamp missing" and "Malformed
/// timestamp" (classic formats). The message ([`Display`](fmt::Display)) is
/// lower-case and never contains key material.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    error: Error,
    class: BadDataClass,
    carried: Option<Box<Carried>>,
}

/// What itsdangerous's exception carried (boxed: usually absent).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Carried {
    pub(crate) payload: Option<Value>,
    pub(crate) header: Option<Value>,
    pub(crate) issued_at: Option<NumericDate>,
    /// Classic formats: the authenticated signed value (Python's `payload`
    /// attribute, bytes).
    pub(crate) value: Option<Vec<u8>>,
    /// Classic formats: the text of the itsdangerous exception.
    pub(crate) message: Option<String>,
}

impl LoadError {
    pub(crate) fn new(class: BadDataClass, error: Error) -> Self {
        LoadError {
            error,
            class,
            carried: None,
        }
    }

    pub(crate) fn carried_mut(&mut self) -> &mut Carried {
        self.carried.get_or_insert_with(Box::default)
    }

    pub(crate) fn with_payload(mut self, payload: &Value) -> Self {
        self.carried_mut().payload = Some(payload.clone());
        self
    }

    pub(crate) fn with_header(mut self, header: Value) -> Self {
        self.carried_mut().header = Some(header);
        self
    }

    pub(crate) fn with_issued_at(mut self, issued_at: Option<NumericDate>) -> Self {
        self.carried_mut().issued_at = issued_at;
        self
    }

    pub(crate) fn with_value(mut self, value: &[u8]) -> Self {
        self.carried_mut().value = Some(value.to_vec());
        self
    }

    pub(crate) fn with_message(mut self, message: String) -> Self {
        self.carried_mut().message = Some(message);
        self
    }

    /// The stable kind of the error (see [`ErrorKind::as_str`]).
    pub fn kind(&self) -> ErrorKind {
        self.error.kind()
    }

    /// The crate error.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The crate error, by value.
    pub fn into_error(self) -> Error {
        self.error
    }

    /// The itsdangerous exception class this corresponds to.
    pub fn itsdangerous_class(&self) -> BadDataClass {
        self.class
    }

    /// The authenticated payload, when the MAC was good and the payload could
    /// be decoded: JWS `SignatureExpired`, "Missing expiry date", "Algorithm
    /// mismatch", "Expiry date is not an IntDate"; for the classic
    /// serializers, `SignatureExpired` (decoded within the
    /// [`ClassicLimits`], else `None`).
    pub fn payload(&self) -> Option<&Value> {
        self.carried.as_ref()?.payload.as_ref()
    }

    /// Classic formats: the authenticated signed value itsdangerous carried
    /// as the exception's `payload` attribute (bytes), when the MAC was good:
    /// `SignatureExpired`, "timestamp missing", "Malformed timestamp". For a
    /// signer it is the signed value without the timestamp; for a serializer
    /// the payload segment as signed (base64url and maybe compressed for the
    /// URL-safe classes). `None` after a MAC mismatch: nothing unauthenticated
    /// is carried.
    pub fn value(&self) -> Option<&[u8]> {
        self.carried.as_ref()?.value.as_deref()
    }

    /// Classic formats: the text of the exception itsdangerous raised for the
    /// version in use, e.g. `Signature age 18 > 0 seconds`, `No b'.' found in
    /// value` or `Malformed timestamp`; for a stricter rejection (see the
    /// README's "Differences from itsdangerous"), the text of the nearest
    /// itsdangerous outcome. `None` for the JWS serializers and for resource
    /// limits (itsdangerous has none). A signature quoted in the text is cut
    /// to its first 256 bytes.
    pub fn itsdangerous_message(&self) -> Option<&str> {
        self.carried.as_ref()?.message.as_deref()
    }

    /// The authenticated header, when itsdangerous carried it ("Algorithm
    /// mismatch", "Header payload is not a JSON object").
    pub fn header(&self) -> Option<&Value> {
        self.carried.as_ref()?.header.as_ref()
    }

    /// For `SignatureExpired`: JWS, the header `iat` truncated to whole
    /// seconds, as itsdangerous's `get_issue_date` read it (`None` when absent
    /// or not a JSON number); classic formats, the token's timestamp as Unix
    /// seconds (itsdangerous's `date_signed`; under 0.24 its 2011-based count
    /// plus 1293840000).
    pub fn issued_at(&self) -> Option<NumericDate> {
        self.carried.as_ref()?.issued_at
    }

    /// For `SignatureExpired`: itsdangerous's `date_signed` as a UTC
    /// date-time ([`issued_at`](Self::issued_at)); `None` when absent, not a
    /// JSON number, or out of range.
    pub fn date_signed(&self) -> Option<time::OffsetDateTime> {
        self.issued_at().and_then(NumericDate::to_offset_date_time)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        e.error
    }
}
