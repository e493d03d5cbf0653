//! Python itsdangerous's token formats, read and written byte for byte.
//!
//! The JWS serializers (`JSONWebSignatureSerializer`,
//! `TimedJSONWebSignatureSerializer`, itsdangerous 0.24 to 2.0) live in
//! `jws.rs`; everything is re-exported here, so the public paths are those of
//! this module. The version, the exception classes, the error and the clock
//! are shared by every format and defined here.
//!
//! See [`TimedJsonWebSignatureSerializer`] for the JWS format, its
//! verification order and an example.

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
