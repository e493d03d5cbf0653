//! Flask's session cookie: [`SessionSerializer`] reads and writes the
//! `session` cookie of Flask's `SecureCookieSessionInterface` byte for byte,
//! and [`encode`] / [`decode`] are its payload codec, the
//! `TaggedJSONSerializer` text.
//!
//! ## Reading a Flask session cookie
//!
//! The cookie is an itsdangerous `URLSafeTimedSerializer` token (salt
//! `cookie-session`, key derivation `hmac`, SHA-1) signed with the app's
//! `SECRET_KEY`, checked against `PERMANENT_SESSION_LIFETIME`:
//!
//! ```
//! use timed_jws::compat::flask::{SessionSerializer, TaggedValue};
//!
//! // The app's SECRET_KEY (and SECRET_KEY_FALLBACKS, if any).
//! let sessions = SessionSerializer::builder("dev-secret").build()?;
//!
//! // The value of the `session` cookie Flask set after `session["user_id"] = 42`.
//! let cookie = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM";
//!
//! // `loads` uses the system clock; `loads_at` takes the clock (Unix seconds).
//! let session = sessions.loads_at(cookie, 1_700_000_000)?;
//! assert_eq!(session["user_id"], TaggedValue::from(42u64));
//!
//! // 31 days later (Flask's default PERMANENT_SESSION_LIFETIME) plus one
//! // second the cookie has expired: Flask would start an empty session.
//! let err = sessions.loads_at(cookie, 1_702_678_401).unwrap_err();
//! assert_eq!(err.kind().as_str(), "expired");
//! assert!(err.itsdangerous_class().is_bad_signature());
//!
//! // Writing: the cookie Flask itself sets for this session at that time.
//! assert_eq!(sessions.dumps_at(&session, 1_700_000_000)?, cookie);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The session JSON
//!
//! A Flask session is a Python `dict`. Before signing, Flask tags the values
//! JSON cannot hold and writes compact JSON (`separators=(",", ":")`) with
//! its JSON provider's defaults `sort_keys=True` and `ensure_ascii=True`, the
//! same in Flask 1.1, 2.0 and 3.1.
//!
//! | Python value | [`TaggedValue`] | stored as |
//! |---|---|---|
//! | one-key `dict` whose key is a tag below | [`Object`](TaggedValue::Object) | `{" di": {"<key>__": <value>}}` |
//! | other `dict` | [`Object`](TaggedValue::Object) | an object, keys sorted |
//! | `tuple` | [`Tuple`](TaggedValue::Tuple) | `{" t": [<items>]}` |
//! | `list` | [`Array`](TaggedValue::Array) | an array |
//! | `bytes` | [`Bytes`](TaggedValue::Bytes) | `{" b": "<standard base64 with padding>"}` |
//! | `Markup` (anything with `__html__`) | [`Markup`](TaggedValue::Markup) | `{" m": "<its HTML>"}` |
//! | `uuid.UUID` | [`Uuid`](TaggedValue::Uuid) | `{" u": "<32 lower-case hex digits>"}` |
//! | `datetime` | [`DateTime`](TaggedValue::DateTime) | `{" d": "Tue, 14 Nov 2023 22:13:20 GMT"}` (UTC, whole seconds) |
//! | `str`, `int`, `float`, `bool`, `None` | [`String`](TaggedValue::String), [`Number`](TaggedValue::Number), [`Bool`](TaggedValue::Bool), [`Null`](TaggedValue::Null) | themselves |
//!
//! Values inside containers are tagged too; tags are checked in Flask's order
//! (` di`, plain dicts, ` t`, lists, ` b`, ` m`, ` u`, ` d`). Keys are sorted
//! by code point (`Alpha` < `_under` < `beta`), so a [`Session`] is a
//! `BTreeMap`: its order is the order Flask writes and reads back. Every
//! character outside printable ASCII is written as `\uXXXX` (lower-case hex,
//! astral characters as a surrogate pair) and floats as Python's
//! `repr(float)`. A `datetime.date` or `Decimal` has no tag: Flask stores
//! them as plain strings (`"Tue, 02 Jan 2024 00:00:00 GMT"`, `"1.10"`), and
//! they come back as [`String`](TaggedValue::String)s
//! ([`format_http_date`] gives a date's text).
//!
//! Reading parses the JSON and then turns every one-key object whose key is a
//! tag back into its type, from the inside out, as Flask's `loads`; ` di`
//! drops the `__` suffix of its key.
//!
//! ```
//! use timed_jws::compat::flask::{self, TaggedValue, Uuid};
//!
//! // What Flask stored after `session["user_id"] = 42`, `flash("Hello <world>")`
//! // and `session["id"] = UUID("12345678-1234-5678-1234-567812345678")`.
//! let stored = br#"{"_flashes":[{" t":["message","Hello <world>"]}],"id":{" u":"12345678123456781234567812345678"},"user_id":42}"#;
//! let session = flask::decode(stored)?;
//! assert_eq!(session["user_id"], TaggedValue::from(42u64));
//! assert_eq!(
//!     session["_flashes"],
//!     TaggedValue::Array(vec![TaggedValue::Tuple(vec![
//!         "message".into(),
//!         "Hello <world>".into(),
//!     ])])
//! );
//! assert_eq!(
//!     session["id"],
//!     TaggedValue::Uuid("12345678-1234-5678-1234-567812345678".parse::<Uuid>()?)
//! );
//!
//! // Writing gives Flask's bytes back.
//! assert_eq!(flask::encode(&session)?, stored);
//!
//! // The tagged JSON as stored in the cookie, e.g. for printing.
//! assert_eq!(flask::to_tagged_json(&session)?["id"], serde_json::json!({" u": "12345678123456781234567812345678"}));
//! # Ok::<(), timed_jws::Error>(())
//! ```
//!
//! ## Bounds
//!
//! [`decode_with_limits`] refuses nesting deeper than
//! [`Limits::max_json_depth`] (64 by default; the tagged JSON as stored is
//! counted, so `{" t": [...]}` is two levels) with
//! [`ErrorKind::ResourceLimit`](crate::ErrorKind::ResourceLimit), before
//! parsing; serde_json's own limit of 128 levels applies above that. Time and
//! memory are linear in the input length; the length itself is bounded by
//! the caller (the cookie's token length and inflate limits).
//!
//! ## Differences from Flask
//!
//! Everything Flask writes is read back to the same value, and written back
//! to the same bytes. Input Flask would never write is refused with
//! [`ErrorKind::Malformed`](crate::ErrorKind::Malformed) (part
//! [`Part::Payload`]) where Flask is lenient:
//!
//! | input | Flask | here |
//! |---|---|---|
//! | ` b` not canonical standard base64 with padding | decoded leniently (junk skipped) or `binascii.Error` | refused |
//! | ` u` other than 32 lower-case hex digits (upper case, hyphens, braces, `urn:uuid:`) | accepted by `UUID()` | refused |
//! | ` d` other than `Www, DD Mmm YYYY HH:MM:SS GMT` with the right weekday, or a year before 100 | parsed leniently, or `None` when unparsable; years 0-99 read as 19xx/20xx | refused |
//! | ` t` not an array, ` m` not a string | converted (`tuple("ab")`, `Markup(1)`) | refused |
//! | ` di` not a one-key object whose key is a tag name followed by `__` | first key with 2 characters dropped, or a Python error | refused |
//! | the top level not an object (after untagging) | HTTP 500 | refused |
//! | an integer outside the `i64`/`u64` range | Python `int` | refused (serde_json would read it as a float, and writing it back would change its type) |
//! | `NaN`, `Infinity`, a number beyond the float range, a lone surrogate escape | accepted | refused: not JSON, or not a Rust string |
//! | the integer `-0` | `0` | read as the float `-0.0` (serde_json); Python never writes `-0` |
//! | a repeated key | the last one wins | the last one wins (as Flask) |
//!
//! Writing refuses a [`DateTime`](TaggedValue::DateTime) before year 100 or
//! after 9999 (Python's `datetime` ends at 9999, and Flask reads years 0-99
//! back as 19xx/20xx).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::itsdangerous::{
    BadDataClass, ClassicLimits, Digest, ItsDangerousVersion, KeyDerivation, LoadError,
    URLSafeTimedSerializer, UnixTime,
};
use super::pyjson::{self, Profile};
use crate::error::{Error, Part};
use crate::limits::{check_json_depth, Limits};
use crate::time::NumericDate;

/// A Flask session: the top-level `dict`, keys in the sorted order Flask
/// writes.
pub type Session = BTreeMap<String, TaggedValue>;

/// One value of a Flask session, with the types Flask's
/// `TaggedJSONSerializer` adds to JSON.
///
/// Build plain JSON data with [`From<serde_json::Value>`] (no tag is
/// interpreted: a `{" t": 1}` object stays a dict), strings and integers with
/// `.into()`, and the tagged types with their variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaggedValue {
    /// `None` / `null`.
    Null,
    /// `bool`.
    Bool(bool),
    /// `int` (within `i64`/`u64`) or `float` (finite).
    Number(Number),
    /// `str`.
    String(String),
    /// `list`.
    Array(Vec<TaggedValue>),
    /// `dict`, keys sorted by code point. A one-key dict whose key is a tag
    /// name (`" t"`, `" di"`, ...) is stored under ` di`.
    Object(BTreeMap<String, TaggedValue>),
    /// `tuple`, tag ` t`.
    Tuple(Vec<TaggedValue>),
    /// `bytes`, tag ` b` (standard base64 with padding).
    Bytes(Vec<u8>),
    /// `datetime`, tag ` d`: an HTTP date in UTC with whole seconds. Writing
    /// converts to UTC and drops the sub-second part, as Flask drops
    /// microseconds; reading gives UTC (Flask 2.0 and later give an aware UTC
    /// `datetime`, 1.1 a naive one).
    DateTime(OffsetDateTime),
    /// `uuid.UUID`, tag ` u` (32 lower-case hex digits).
    Uuid(Uuid),
    /// `markupsafe.Markup` (anything with `__html__`), tag ` m`: the HTML
    /// string as is.
    Markup(String),
}

impl From<Value> for TaggedValue {
    /// Plain JSON data as a session value; no tag is interpreted (see
    /// [`TaggedValue::from_tagged_json`] for that).
    fn from(value: Value) -> Self {
        match value {
            Value::Null => TaggedValue::Null,
            Value::Bool(b) => TaggedValue::Bool(b),
            Value::Number(n) => TaggedValue::Number(n),
            Value::String(s) => TaggedValue::String(s),
            Value::Array(items) => TaggedValue::Array(items.into_iter().map(Self::from).collect()),
            Value::Object(map) => {
                TaggedValue::Object(map.into_iter().map(|(k, v)| (k, Self::from(v))).collect())
            }
        }
    }
}

impl From<&str> for TaggedValue {
    fn from(s: &str) -> Self {
        TaggedValue::String(s.to_owned())
    }
}

impl From<String> for TaggedValue {
    fn from(s: String) -> Self {
        TaggedValue::String(s)
    }
}

impl From<bool> for TaggedValue {
    fn from(b: bool) -> Self {
        TaggedValue::Bool(b)
    }
}

impl From<i64> for TaggedValue {
    fn from(n: i64) -> Self {
        TaggedValue::Number(n.into())
    }
}

impl From<u64> for TaggedValue {
    fn from(n: u64) -> Self {
        TaggedValue::Number(n.into())
    }
}

impl TaggedValue {
    /// The value as stored in the cookie: tagged JSON, e.g. `{" t": [1, "a"]}`
    /// for a tuple.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Malformed`](crate::ErrorKind::Malformed) for a
    /// [`DateTime`](TaggedValue::DateTime) outside years 100 to 9999 (UTC).
    pub fn to_tagged_json(&self) -> Result<Value, Error> {
        Ok(match self {
            TaggedValue::Null => Value::Null,
            TaggedValue::Bool(b) => Value::Bool(*b),
            TaggedValue::Number(n) => Value::Number(n.clone()),
            TaggedValue::String(s) => Value::String(s.clone()),
            TaggedValue::Array(items) => Value::Array(tag_all(items)?),
            TaggedValue::Object(map) => tag_object(map)?,
            TaggedValue::Tuple(items) => tagged(TAG_TUPLE, Value::Array(tag_all(items)?)),
            TaggedValue::Bytes(bytes) => tagged(TAG_BYTES, Value::String(STANDARD.encode(bytes))),
            TaggedValue::Markup(html) => tagged(TAG_MARKUP, Value::String(html.clone())),
            TaggedValue::Uuid(uuid) => tagged(TAG_UUID, Value::String(uuid.simple())),
            TaggedValue::DateTime(dt) => {
                tagged(TAG_DATETIME, Value::String(format_http_date(*dt)?))
            }
        })
    }

    /// Reads a value stored as tagged JSON, turning every one-key object
    /// whose key is a tag into its type, from the inside out.
    ///
    /// No depth limit applies here: the [`Value`] was built by the caller
    /// (serde_json's parser stops at 128 levels).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Malformed`](crate::ErrorKind::Malformed) (part
    /// [`Part::Payload`]) for a tagged value Flask would not write (see the
    /// [module documentation](self)).
    pub fn from_tagged_json(value: Value) -> Result<TaggedValue, Error> {
        let why = Cell::new(None);
        Untag { why: &why }
            .deserialize(value)
            .map_err(|_| malformed(why.get().unwrap_or(NOT_JSON)))
    }
}

/// Writes a session as Flask does: the exact bytes `TaggedJSONSerializer`
/// gives to itsdangerous (tagged, compact separators, keys sorted, non-ASCII
/// escaped, floats as Python's `repr`).
///
/// # Errors
///
/// [`ErrorKind::Malformed`](crate::ErrorKind::Malformed) for a
/// [`DateTime`](TaggedValue::DateTime) outside years 100 to 9999 (UTC).
pub fn encode(session: &Session) -> Result<Vec<u8>, Error> {
    let tagged = tag_object(session)?;
    pyjson::to_vec(&tagged, Profile::Ascii).map_err(|e| malformed(e.reason()))
}

/// Reads the session JSON Flask wrote (the payload of the cookie), with
/// [`Limits::default`].
///
/// # Errors
///
/// See [`decode_with_limits`].
pub fn decode(json: &[u8]) -> Result<Session, Error> {
    decode_with_limits(json, &Limits::DEFAULT)
}

/// Reads the session JSON Flask wrote (the payload of the cookie): parse,
/// then untag from the inside out.
///
/// # Errors
///
/// * [`ErrorKind::ResourceLimit`](crate::ErrorKind::ResourceLimit)
///   (`max_json_depth`) when the JSON nests deeper than
///   `limits.max_json_depth`, checked before parsing.
/// * [`ErrorKind::Malformed`](crate::ErrorKind::Malformed) (part
///   [`Part::Payload`]) when the text is not JSON, is not an object, holds an
///   integer beyond 64 bits, or holds a tagged value Flask would not write
///   (see the [module documentation](self)).
pub fn decode_with_limits(json: &[u8], limits: &Limits) -> Result<Session, Error> {
    check_json_depth(json, limits.max_json_depth)?;
    check_integers(json)?;
    let why = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(json);
    let value = Untag { why: &why }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|_| malformed(why.get().unwrap_or(NOT_JSON)))?;
    into_session(value)
}

/// A session as stored in the cookie: the tagged JSON object (see
/// [`TaggedValue::to_tagged_json`]). Printing it with Python's formatting
/// gives [`encode`]'s bytes.
///
/// # Errors
///
/// As [`encode`].
pub fn to_tagged_json(session: &Session) -> Result<Value, Error> {
    tag_object(session)
}

/// Reads a session from its tagged JSON (see
/// [`TaggedValue::from_tagged_json`]).
///
/// # Errors
///
/// As [`TaggedValue::from_tagged_json`], and
/// [`ErrorKind::Malformed`](crate::ErrorKind::Malformed) when the value is not
/// an object after untagging.
pub fn from_tagged_json(value: Value) -> Result<Session, Error> {
    into_session(TaggedValue::from_tagged_json(value)?)
}

// ---------------------------------------------------------------------------
// The session cookie
// ---------------------------------------------------------------------------

/// The salt of Flask's session cookie (`SecureCookieSessionInterface.salt`).
pub const SESSION_SALT: &str = "cookie-session";

/// Flask's default `PERMANENT_SESSION_LIFETIME`: 31 days, in seconds
/// (2,678,400).
pub const PERMANENT_SESSION_LIFETIME: i64 = 31 * 24 * 60 * 60;

/// The text of itsdangerous's `BadPayload` when the session JSON does not
/// load (Flask's serializer fails inside itsdangerous's `load_payload`).
const BAD_SESSION_JSON: &str =
    "Could not load the payload because an exception occurred on unserializing the data.";

/// Builds a [`SessionSerializer`]: the app's `SECRET_KEY` and, optionally,
/// `SECRET_KEY_FALLBACKS`, `PERMANENT_SESSION_LIFETIME`, the itsdangerous
/// version and the read limits.
///
/// `Debug` never shows the secrets.
#[derive(Clone)]
pub struct SessionSerializerBuilder {
    secret_key: Vec<u8>,
    fallbacks: Vec<Vec<u8>>,
    lifetime: i64,
    version: ItsDangerousVersion,
    limits: ClassicLimits,
}

impl fmt::Debug for SessionSerializerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionSerializerBuilder")
            .field("fallbacks", &self.fallbacks.len())
            .field("lifetime", &self.lifetime)
            .field("version", &self.version)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl SessionSerializerBuilder {
    /// `SECRET_KEY_FALLBACKS` (Flask 3.1 and later): older keys that still
    /// verify cookies, tried in the order given after `SECRET_KEY`;
    /// `SECRET_KEY` alone signs. Needs itsdangerous 2.x (the default
    /// version): `build` refuses fallbacks for 0.24 and 1.1.
    pub fn fallback_secret_keys<I, K>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = K>,
        K: AsRef<[u8]>,
    {
        self.fallbacks = keys.into_iter().map(|k| k.as_ref().to_vec()).collect();
        self
    }

    /// `PERMANENT_SESSION_LIFETIME` in seconds (default
    /// [`PERMANENT_SESSION_LIFETIME`], 31 days). Flask checks **every**
    /// cookie against it, permanent session or not: a cookie is valid while
    /// `now - signed <= lifetime`.
    pub fn permanent_session_lifetime(mut self, seconds: i64) -> Self {
        self.lifetime = seconds;
        self
    }

    /// The itsdangerous version under the Flask app (default 2.x, the one
    /// of Flask 2.0 and later). 2.x drops cookies signed in the future; 1.1
    /// (Flask 1.1) accepts them, and also accepts cookies signed with
    /// `django-concat` and SHA-512 (itsdangerous 1.1's default fallback
    /// signer).
    pub fn version(mut self, version: ItsDangerousVersion) -> Self {
        self.version = version;
        self
    }

    /// Read limits: cookie length, session JSON length once inflated, JSON
    /// depth (default [`ClassicLimits::DEFAULT`]: 256 KiB, 1 MiB, 64).
    pub fn limits(mut self, limits: ClassicLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Makes the serializer.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when fallback keys are given for a version
    /// other than 2.x.
    pub fn build(self) -> Result<SessionSerializer, Error> {
        let inner = URLSafeTimedSerializer::builder(&self.secret_key)
            .version(self.version)
            .salt(SESSION_SALT)
            .key_derivation(KeyDerivation::Hmac)
            .digest(Digest::Sha1)
            .fallback_secrets(&self.fallbacks)
            .limits(self.limits)
            .build()?;
        let mut json_limits = Limits::DEFAULT;
        json_limits.max_json_depth = self.limits.max_json_depth;
        Ok(SessionSerializer {
            inner,
            lifetime: self.lifetime,
            json_limits,
        })
    }
}

/// Flask's session cookie (`SecureCookieSessionInterface`), read and written
/// byte for byte: an itsdangerous `URLSafeTimedSerializer` token with the
/// salt `cookie-session`, key derivation `hmac` and SHA-1 over the session
/// JSON [`encode`] writes (tagged, keys sorted, compact, ASCII), compressed
/// with zlib behind a leading `.` when that saves at least 2 bytes.
///
/// * Keys: `SECRET_KEY` signs; it and `SECRET_KEY_FALLBACKS`
///   ([`fallback_secret_keys`](SessionSerializerBuilder::fallback_secret_keys))
///   verify.
/// * Age: every cookie, permanent session or not, is checked against
///   `PERMANENT_SESSION_LIFETIME` (default 31 days, 2,678,400 s): valid
///   while `now - signed <= lifetime`; with itsdangerous 2.x (Flask 2.0 and
///   later) a cookie signed after `now` is rejected too.
/// * Bounds: the cookie, the inflated JSON and its depth are bounded by the
///   [`ClassicLimits`] (256 KiB, 1 MiB, 64 by default); inflation stops at
///   the limit (Flask has none).
///
/// What Flask does with a cookie the `loads` methods refuse:
///
/// | error | Flask |
/// |---|---|
/// | class [`BadSignature`](BadDataClass::BadSignature), [`BadTimeSignature`](BadDataClass::BadTimeSignature) or [`SignatureExpired`](BadDataClass::SignatureExpired) (kinds `malformed`, `invalid_signature`, `missing_claim`, `expired`, `not_yet_valid`) | the request gets a new, **empty** session (no error) |
/// | class [`BadPayload`](BadDataClass::BadPayload) (kind `malformed` or `resource_limit`): validly signed, but the payload is not base64url, zlib or session JSON | the exception escapes: HTTP 500 |
///
/// So `err.itsdangerous_class().is_bad_signature()` is "Flask would start
/// an empty session", and [`open_session_at`](Self::open_session_at) does
/// just that. A cookie longer than `max_token_len` is refused with
/// `resource_limit` and class `BadSignature`.
///
/// See the [module documentation](self) for an example.
#[derive(Clone)]
pub struct SessionSerializer {
    inner: URLSafeTimedSerializer,
    lifetime: i64,
    json_limits: Limits,
}

impl fmt::Debug for SessionSerializer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionSerializer")
            .field("inner", &self.inner)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

impl SessionSerializer {
    /// A builder with the app's `SECRET_KEY` (never printed).
    pub fn builder(secret_key: impl AsRef<[u8]>) -> SessionSerializerBuilder {
        SessionSerializerBuilder {
            secret_key: secret_key.as_ref().to_vec(),
            fallbacks: Vec::new(),
            lifetime: PERMANENT_SESSION_LIFETIME,
            version: ItsDangerousVersion::default(),
            limits: ClassicLimits::DEFAULT,
        }
    }

    /// The `max_age` every cookie is checked against
    /// (`PERMANENT_SESSION_LIFETIME`), in seconds.
    pub fn max_age(&self) -> i64 {
        self.lifetime
    }

    /// The cookie for `session` at the current time (see
    /// [`dumps_at`](Self::dumps_at)).
    ///
    /// # Errors
    ///
    /// As [`dumps_at`](Self::dumps_at).
    pub fn dumps(&self, session: &Session) -> Result<String, Error> {
        self.dumps_at(session, NumericDate::now())
    }

    /// The cookie value Flask sets for `session` when its clock reads `now`
    /// (Unix seconds, truncated): [`encode`]'s JSON, base64url (compressed
    /// when that saves 2 bytes), timestamped and signed with `SECRET_KEY`.
    /// Attributes such as `Expires` (`now` + lifetime for a permanent
    /// session) are the caller's. Flask sets no cookie for an empty session;
    /// this writes one (`e30...`) if asked.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Malformed`](crate::ErrorKind::Malformed) for a
    /// [`DateTime`](TaggedValue::DateTime) outside years 100 to 9999;
    /// [`ErrorKind::InvalidClaim`](crate::ErrorKind::InvalidClaim) (claim
    /// `timestamp`) for a clock before the version's epoch or after
    /// 9999-12-31.
    pub fn dumps_at(&self, session: &Session, now: impl UnixTime) -> Result<String, Error> {
        let json = encode(session)?;
        // `encode` writes ASCII only.
        let text =
            std::str::from_utf8(&json).map_err(|_| malformed("session JSON is not ASCII"))?;
        self.inner.dumps_raw_at(text, now)
    }

    /// Flask's `open_session` at the current time (see
    /// [`open_session_at`](Self::open_session_at)).
    ///
    /// # Errors
    ///
    /// As [`open_session_at`](Self::open_session_at).
    pub fn open_session(&self, cookie: Option<&str>) -> Result<Session, LoadError> {
        self.open_session_at(cookie, NumericDate::now())
    }

    /// The session a Flask app sees for a request whose `session` cookie is
    /// `cookie` (`None`: no cookie) when the clock reads `now`, as Flask's
    /// `SecureCookieSessionInterface.open_session`: an **empty** session when
    /// there is no cookie or [`loads_at`](Self::loads_at) fails with a
    /// signature error (any `BadSignature` class: expired, another key,
    /// tampered, malformed, longer than `max_token_len`).
    ///
    /// # Errors
    ///
    /// Only `BadPayload` (kinds `malformed`, `resource_limit`): the cookie is
    /// validly signed but its payload is not a session (Flask lets the
    /// exception escape: HTTP 500).
    pub fn open_session_at(
        &self,
        cookie: Option<&str>,
        now: impl UnixTime,
    ) -> Result<Session, LoadError> {
        let Some(cookie) = cookie else {
            return Ok(Session::new());
        };
        match self.loads_at(cookie, now) {
            Err(e) if e.itsdangerous_class().is_bad_signature() => Ok(Session::new()),
            other => other,
        }
    }

    /// Reads a cookie at the current time (see [`loads_at`](Self::loads_at)).
    ///
    /// # Errors
    ///
    /// As [`loads_at`](Self::loads_at).
    pub fn loads(&self, cookie: impl AsRef<[u8]>) -> Result<Session, LoadError> {
        self.loads_at(cookie, NumericDate::now())
    }

    /// The session in `cookie` (the value of Flask's `session` cookie) when
    /// the clock reads `now` (Unix seconds, truncated).
    ///
    /// # Errors
    ///
    /// The signature errors (each one means an empty session in Flask):
    /// class `BadSignature`/`BadTimeSignature` with kind `malformed` (no
    /// separator, a segment that is not strict base64url, a malformed
    /// timestamp), `invalid_signature` (no key's MAC matches) or
    /// `missing_claim` (no timestamp); class `SignatureExpired` with kind
    /// `expired` (`now - signed > lifetime`) or, itsdangerous 2.x,
    /// `not_yet_valid` (signed after `now`), whose
    /// [`payload`](LoadError::payload) is the session's tagged JSON and
    /// [`issued_at`](LoadError::issued_at) the signing time. Then class
    /// `BadPayload` (HTTP 500 in Flask): kind `malformed` when the payload
    /// is not base64url or zlib or not session JSON ([`decode`]'s errors),
    /// `resource_limit` beyond the [`ClassicLimits`]. A cookie longer than
    /// `max_token_len`: `resource_limit`, class `BadSignature`.
    pub fn loads_at(
        &self,
        cookie: impl AsRef<[u8]>,
        now: impl UnixTime,
    ) -> Result<Session, LoadError> {
        Ok(self.loads_with_timestamp_at(cookie, now)?.0)
    }

    /// Like [`loads`](Self::loads), also returning when the cookie was
    /// signed.
    ///
    /// # Errors
    ///
    /// As [`loads_at`](Self::loads_at).
    pub fn loads_with_timestamp(
        &self,
        cookie: impl AsRef<[u8]>,
    ) -> Result<(Session, i64), LoadError> {
        self.loads_with_timestamp_at(cookie, NumericDate::now())
    }

    /// Like [`loads_at`](Self::loads_at), also returning when the cookie was
    /// signed, in Unix seconds.
    ///
    /// # Errors
    ///
    /// As [`loads_at`](Self::loads_at).
    pub fn loads_with_timestamp_at(
        &self,
        cookie: impl AsRef<[u8]>,
        now: impl UnixTime,
    ) -> Result<(Session, i64), LoadError> {
        let (json, signed) = self.inner.loads_raw_at(cookie, Some(self.lifetime), now)?;
        let session = decode_with_limits(&json, &self.json_limits).map_err(|error| {
            let message =
                (error.kind() == crate::ErrorKind::Malformed).then(|| BAD_SESSION_JSON.to_owned());
            let e = LoadError::new(BadDataClass::BadPayload, error);
            match message {
                Some(m) => e.with_message(m),
                None => e,
            }
        })?;
        Ok((session, signed))
    }
}

// ---------------------------------------------------------------------------
// Tagging (writing)
// ---------------------------------------------------------------------------

/// `dict` whose only key is a tag name.
const TAG_DICT: &str = " di";
/// `tuple`.
const TAG_TUPLE: &str = " t";
/// `bytes`.
const TAG_BYTES: &str = " b";
/// `Markup`.
const TAG_MARKUP: &str = " m";
/// `UUID`.
const TAG_UUID: &str = " u";
/// `datetime`.
const TAG_DATETIME: &str = " d";

/// Whether `key` is the name of one of Flask's default tags.
fn is_tag(key: &str) -> bool {
    matches!(
        key,
        TAG_DICT | TAG_TUPLE | TAG_BYTES | TAG_MARKUP | TAG_UUID | TAG_DATETIME
    )
}

/// `{tag: value}`.
fn tagged(tag: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(tag.to_owned(), value);
    Value::Object(map)
}

/// Tags every item of a list or tuple.
fn tag_all(items: &[TaggedValue]) -> Result<Vec<Value>, Error> {
    items.iter().map(TaggedValue::to_tagged_json).collect()
}

/// Tags a dict: ` di` when its only key is a tag name, otherwise its values.
///
/// Entries are inserted in the map's sorted order, so the result iterates
/// sorted whether or not serde_json keeps insertion order.
fn tag_object(map: &BTreeMap<String, TaggedValue>) -> Result<Value, Error> {
    if let (1, Some((key, value))) = (map.len(), map.iter().next()) {
        if is_tag(key) {
            let inner = tagged(&format!("{key}__"), value.to_tagged_json()?);
            return Ok(tagged(TAG_DICT, inner));
        }
    }
    let mut out = Map::new();
    for (key, value) in map {
        out.insert(key.clone(), value.to_tagged_json()?);
    }
    Ok(Value::Object(out))
}

// ---------------------------------------------------------------------------
// Untagging (reading)
// ---------------------------------------------------------------------------

/// The reason given when serde_json refused the text.
const NOT_JSON: &str = "session is not valid JSON";

/// A `malformed` payload error.
fn malformed(reason: &'static str) -> Error {
    Error::malformed(Part::Payload, reason)
}

/// The top-level value must be an object.
fn into_session(value: TaggedValue) -> Result<Session, Error> {
    match value {
        TaggedValue::Object(map) => Ok(map),
        _ => Err(malformed("session is not a JSON object")),
    }
}

/// Refuses integers outside the `i64`/`u64` range, which serde_json would
/// silently read as floats. One pass over the bytes, skipping strings.
fn check_integers(json: &[u8]) -> Result<(), Error> {
    let mut i = 0usize;
    while let Some(&b) = json.get(i) {
        match b {
            b'"' => {
                // Skip the string, honouring escapes.
                i += 1;
                while let Some(&c) = json.get(i) {
                    i += if c == b'\\' { 2 } else { 1 };
                    if c == b'"' {
                        break;
                    }
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = json.get(i) {
                    i += 1;
                }
                let token = json.get(start..i).unwrap_or_default();
                let digits = token.strip_prefix(b"-").unwrap_or(token);
                // Only a syntactically plain integer is judged here; anything
                // else is left to the parser.
                if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
                    let text = std::str::from_utf8(token).unwrap_or_default();
                    if text.parse::<i64>().is_err() && text.parse::<u64>().is_err() {
                        return Err(malformed("integer outside the 64-bit range"));
                    }
                }
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Builds a [`TaggedValue`] from JSON, untagging each object once its members
/// are read (so from the inside out, as Flask's `_untag_scan`). On a tag
/// error it records the reason in `why`, since serde's errors carry text
/// only.
#[derive(Clone, Copy)]
struct Untag<'a> {
    why: &'a Cell<Option<&'static str>>,
}

impl Untag<'_> {
    fn fail<E: de::Error>(self, reason: &'static str) -> E {
        self.why.set(Some(reason));
        E::custom(reason)
    }

    /// Flask's `untag`: a one-key object whose key is a tag becomes its type.
    fn untag<E: de::Error>(self, mut map: BTreeMap<String, TaggedValue>) -> Result<TaggedValue, E> {
        let is_tagged = map.len() == 1 && map.keys().next().is_some_and(|k| is_tag(k));
        if !is_tagged {
            return Ok(TaggedValue::Object(map));
        }
        let Some((tag, value)) = map.pop_first() else {
            return Ok(TaggedValue::Object(map));
        };
        match (tag.as_str(), value) {
            (TAG_TUPLE, TaggedValue::Array(items)) => Ok(TaggedValue::Tuple(items)),
            (TAG_BYTES, TaggedValue::String(text)) => STANDARD
                .decode(text)
                .map(TaggedValue::Bytes)
                .map_err(|_| self.fail(BAD_BYTES)),
            (TAG_MARKUP, TaggedValue::String(html)) => Ok(TaggedValue::Markup(html)),
            (TAG_UUID, TaggedValue::String(text)) => Uuid::from_simple_lower(&text)
                .map(TaggedValue::Uuid)
                .ok_or_else(|| self.fail(BAD_UUID)),
            (TAG_DATETIME, TaggedValue::String(text)) => parse_http_date(&text)
                .map(TaggedValue::DateTime)
                .map_err(|_| self.fail(BAD_DATETIME)),
            (TAG_DICT, TaggedValue::Object(mut inner)) => {
                // `{"<tag>__": value}` becomes `{"<tag>": value}`.
                let entry = match (inner.len(), inner.pop_first()) {
                    (1, Some((suffixed, value))) => suffixed
                        .strip_suffix("__")
                        .filter(|key| is_tag(key))
                        .map(|key| (key.to_owned(), value)),
                    _ => None,
                };
                entry
                    .map(|entry| TaggedValue::Object(BTreeMap::from([entry])))
                    .ok_or_else(|| self.fail(BAD_DICT))
            }
            (TAG_TUPLE, _) => Err(self.fail("' t' (tuple) value is not an array")),
            (TAG_DICT, _) => Err(self.fail(BAD_DICT)),
            _ => Err(self.fail("tagged value is not a string")),
        }
    }
}

/// Reason for a bad ` b` value.
const BAD_BYTES: &str = "' b' (bytes) value is not standard base64 with padding";
/// Reason for a bad ` u` value.
const BAD_UUID: &str = "' u' (UUID) value is not 32 lower-case hex digits";
/// Reason for a bad ` d` value.
const BAD_DATETIME: &str = "' d' (datetime) value is not an HTTP date Flask writes";
/// Reason for a bad ` di` value.
const BAD_DICT: &str = "' di' value is not a one-key object whose key is a tag name and '__'";

impl<'de> DeserializeSeed<'de> for Untag<'_> {
    type Value = TaggedValue;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<TaggedValue, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Untag<'_> {
    type Value = TaggedValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<TaggedValue, E> {
        Ok(TaggedValue::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<TaggedValue, E> {
        Ok(TaggedValue::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<TaggedValue, E> {
        Ok(TaggedValue::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<TaggedValue, E> {
        Ok(TaggedValue::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<TaggedValue, E> {
        Number::from_f64(v)
            .map(TaggedValue::Number)
            .ok_or_else(|| self.fail("non-finite number"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<TaggedValue, E> {
        Ok(TaggedValue::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<TaggedValue, E> {
        Ok(TaggedValue::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TaggedValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(TaggedValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<TaggedValue, A::Error> {
        let mut map = BTreeMap::new();
        while let Some(key) = access.next_key::<String>()? {
            // A repeated key replaces the earlier value, as in Python.
            let value = access.next_value_seed(self)?;
            map.insert(key, value);
        }
        self.untag(map)
    }
}

// ---------------------------------------------------------------------------
// UUID
// ---------------------------------------------------------------------------

/// A UUID as its 16 bytes (Python's `uuid.UUID`), for the ` u` tag.
///
/// [`Display`](fmt::Display) writes the hyphenated lower-case form
/// (Python's `str(uuid)`), [`Uuid::simple`] the 32 hex digits Flask stores
/// (Python's `uuid.hex`). Convert to and from other UUID types through
/// [`Uuid::from_bytes`] and [`Uuid::as_bytes`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid([u8; 16]);

impl Uuid {
    /// The UUID with these bytes (big-endian, as Python's `UUID(bytes=...)`).
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Uuid(bytes)
    }

    /// Its 16 bytes.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The 32 lower-case hex digits Flask stores (Python's `uuid.hex`).
    pub fn simple(&self) -> String {
        let mut out = String::with_capacity(32);
        for b in self.0 {
            push_hex(&mut out, b);
        }
        out
    }

    /// Parses exactly 32 lower-case hex digits (what Flask writes).
    fn from_simple_lower(text: &str) -> Option<Self> {
        if text.len() != 32 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        Self::from_hex_digits(text.as_bytes())
    }

    /// 32 hex digits (either case) to bytes.
    fn from_hex_digits(digits: &[u8]) -> Option<Self> {
        let mut bytes = [0u8; 16];
        if digits.len() != 32 {
            return None;
        }
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            let text = std::str::from_utf8(pair).ok()?;
            *byte = u8::from_str_radix(text, 16).ok()?;
        }
        Some(Uuid(bytes))
    }
}

/// Appends the two lower-case hex digits of `b`.
fn push_hex(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for nibble in [b >> 4, b & 0x0F] {
        out.push(char::from(
            HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
        ));
    }
}

impl fmt::Display for Uuid {
    /// `12345678-1234-5678-1234-567812345678` (Python's `str(uuid)`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(36);
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            push_hex(&mut out, *b);
        }
        f.write_str(&out)
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uuid({self})")
    }
}

impl FromStr for Uuid {
    type Err = Error;

    /// Parses the hyphenated form (`12345678-1234-5678-1234-567812345678`) or
    /// 32 hex digits, in either case.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Malformed`](crate::ErrorKind::Malformed) for anything
    /// else.
    fn from_str(s: &str) -> Result<Self, Error> {
        let hyphens_ok = s.len() == 36
            && s.bytes()
                .enumerate()
                .all(|(i, b)| matches!(i, 8 | 13 | 18 | 23) == (b == b'-'));
        let digits: Vec<u8> = if hyphens_ok {
            s.bytes().filter(|&b| b != b'-').collect()
        } else {
            s.as_bytes().to_vec()
        };
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return Err(malformed("not a UUID"));
        }
        Uuid::from_hex_digits(&digits).ok_or_else(|| malformed("not a UUID"))
    }
}

// ---------------------------------------------------------------------------
// HTTP dates
// ---------------------------------------------------------------------------

/// Day names as `email.utils.format_datetime` writes them, Monday first.
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/// Month names, January first.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// The years Flask writes and reads back unchanged.
const YEARS: std::ops::RangeInclusive<i32> = 100..=9999;

/// The HTTP date Flask stores for a `datetime` (werkzeug's `http_date`):
/// `Tue, 14 Nov 2023 22:13:20 GMT`, in UTC, the sub-second part dropped. A
/// `datetime.date` is written the same way at midnight.
///
/// ```
/// use timed_jws::compat::flask::format_http_date;
///
/// let t = time::OffsetDateTime::from_unix_timestamp(1_700_000_000)?;
/// assert_eq!(format_http_date(t)?, "Tue, 14 Nov 2023 22:13:20 GMT");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::Malformed`](crate::ErrorKind::Malformed) when the year in UTC
/// is before 100 or after 9999.
pub fn format_http_date(dt: OffsetDateTime) -> Result<String, Error> {
    let out_of_range = || malformed("datetime year outside 100..=9999");
    // Through the Unix timestamp: converting to UTC cannot overflow here.
    let utc =
        OffsetDateTime::from_unix_timestamp(dt.unix_timestamp()).map_err(|_| out_of_range())?;
    if !YEARS.contains(&utc.year()) {
        return Err(out_of_range());
    }
    let day_name = DAYS
        .get(usize::from(utc.weekday().number_days_from_monday()))
        .copied()
        .unwrap_or_default();
    let month_name = MONTHS
        .get(usize::from(u8::from(utc.month())).saturating_sub(1))
        .copied()
        .unwrap_or_default();
    Ok(format!(
        "{day_name}, {:02} {month_name} {:04} {:02}:{:02}:{:02} GMT",
        utc.day(),
        utc.year(),
        utc.hour(),
        utc.minute(),
        utc.second()
    ))
}

/// Reads an HTTP date exactly as [`format_http_date`] writes it (UTC).
///
/// # Errors
///
/// [`ErrorKind::Malformed`](crate::ErrorKind::Malformed) for any other
/// layout, a wrong day name, an impossible date or time, or a year before
/// 100.
pub fn parse_http_date(text: &str) -> Result<OffsetDateTime, Error> {
    let bad = || malformed(BAD_DATETIME);
    let b = text.as_bytes();
    // "Www, DD Mmm YYYY HH:MM:SS GMT"
    if b.len() != 29
        || b.get(3..5) != Some(b", ".as_slice())
        || b.get(7) != Some(&b' ')
        || b.get(11) != Some(&b' ')
        || b.get(16) != Some(&b' ')
        || b.get(19) != Some(&b':')
        || b.get(22) != Some(&b':')
        || b.get(25..) != Some(b" GMT".as_slice())
    {
        return Err(bad());
    }
    let field = |range: std::ops::Range<usize>| text.get(range).ok_or_else(bad);
    let number = |range: std::ops::Range<usize>| -> Result<u16, Error> {
        let digits = field(range)?;
        if !digits.bytes().all(|d| d.is_ascii_digit()) {
            return Err(bad());
        }
        digits.parse().map_err(|_| bad())
    };
    let month_name = field(8..11)?;
    let month_index = MONTHS
        .iter()
        .position(|m| *m == month_name)
        .ok_or_else(bad)?;
    let month =
        Month::try_from(u8::try_from(month_index + 1).map_err(|_| bad())?).map_err(|_| bad())?;
    let year = i32::from(number(12..16)?);
    if !YEARS.contains(&year) {
        return Err(bad());
    }
    let day = u8::try_from(number(5..7)?).map_err(|_| bad())?;
    let date = Date::from_calendar_date(year, month, day).map_err(|_| bad())?;
    let day_name = DAYS
        .get(usize::from(date.weekday().number_days_from_monday()))
        .copied()
        .unwrap_or_default();
    if field(0..3)? != day_name {
        return Err(bad());
    }
    let hms = |range| u8::try_from(number(range)?).map_err(|_| bad());
    let time = Time::from_hms(hms(17..19)?, hms(20..22)?, hms(23..25)?).map_err(|_| bad())?;
    Ok(PrimitiveDateTime::new(date, time).assume_utc())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn check_integers_skips_strings_and_floats() {
        assert_eq!(check_integers(br#"{"a":"99999999999999999999"}"#), Ok(()));
        assert_eq!(check_integers(br#"{"a\"":"\\","b":1e30,"c":-1.5}"#), Ok(()));
        assert_eq!(
            check_integers(b"[18446744073709551615,-9223372036854775808]"),
            Ok(())
        );
        assert_eq!(
            check_integers(b"[18446744073709551616]"),
            Err(malformed("integer outside the 64-bit range"))
        );
        assert_eq!(
            check_integers(b"[-9223372036854775809]"),
            Err(malformed("integer outside the 64-bit range"))
        );
        // An unterminated string or a lone '-' is left to the parser.
        assert_eq!(check_integers(b"\"abc\\"), Ok(()));
        assert_eq!(check_integers(b"[-]"), Ok(()));
    }
}
