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

use crate::error::Error;
use crate::{ErrorKind, NumericDate};

mod jws;

pub use self::jws::*;

/// Which itsdangerous release line to reproduce.
///
/// | | default algorithm | JSON text | `exp` that is not a positive number |
/// |---|---|---|---|
/// | [`V1`](ItsDangerousVersion::V1) (1.x, 2.0) | HS512 | raw UTF-8 (`ensure_ascii=False`) | `BadHeader`, only when negative after truncation |
/// | [`V0_24`](ItsDangerousVersion::V0_24) | HS256 | ASCII, `\uXXXX` escapes | `BadSignature` ("expiry date is not an IntDate"), also for `0` |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ItsDangerousVersion {
    /// itsdangerous 1.x and 2.0 (the default).
    #[default]
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
    /// `BadSignature`: the MAC does not match, the token has no `.`, or the
    /// header has no `exp` (and, in 0.24, an unusable `exp`).
    BadSignature,
    /// `BadHeader`: the header is not base64/JSON/an object, its `alg` differs,
    /// or (1.x) its `exp` is not a usable number.
    BadHeader,
    /// `BadPayload`: the payload is not base64 or JSON (after a good MAC).
    BadPayload,
    /// `SignatureExpired`: the header `exp` is before now.
    SignatureExpired,
}

impl BadDataClass {
    /// The Python class name, e.g. `"SignatureExpired"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            BadDataClass::BadSignature => "BadSignature",
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
/// The payload and header are only carried when the MAC was good (they are
/// authenticated), as itsdangerous did for `SignatureExpired`, for "Missing
/// expiry date", for "Algorithm mismatch" and for a header that is not a JSON
/// object. The message is lower-case and never contains key material.
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
    /// be decoded (`SignatureExpired`, "Missing expiry date", "Algorithm
    /// mismatch", "Expiry date is not an IntDate").
    pub fn payload(&self) -> Option<&Value> {
        self.carried.as_ref()?.payload.as_ref()
    }

    /// The authenticated header, when itsdangerous carried it ("Algorithm
    /// mismatch", "Header payload is not a JSON object").
    pub fn header(&self) -> Option<&Value> {
        self.carried.as_ref()?.header.as_ref()
    }

    /// For `SignatureExpired`: the header `iat` truncated to whole seconds,
    /// as itsdangerous's `get_issue_date` read it; `None` when absent or not
    /// a JSON number.
    pub fn issued_at(&self) -> Option<NumericDate> {
        self.carried.as_ref()?.issued_at
    }

    /// For `SignatureExpired`: itsdangerous's `date_signed`, the header `iat`
    /// as a UTC date-time; `None` when absent, not a JSON number, or out of
    /// range.
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
