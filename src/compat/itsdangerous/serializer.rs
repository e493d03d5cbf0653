//! itsdangerous's `Serializer`, `TimedSerializer`, `URLSafeSerializer` and
//! `URLSafeTimedSerializer`: a JSON payload signed by a [`Signer`] or a
//! [`TimestampSigner`].
//!
//! ```text
//! Serializer            : json ‖ sep ‖ sig                  (Signer format)
//! TimedSerializer       : json ‖ sep ‖ ts ‖ sep ‖ sig       (TimestampSigner format)
//! URLSafeSerializer     : seg(json) ‖ sep ‖ sig
//! URLSafeTimedSerializer: seg(json) ‖ sep ‖ ts ‖ sep ‖ sig
//!
//! seg(j) = b64u(j)                when zlib does not save at least 2 bytes
//!        = "." ‖ b64u(zlib(j))    when len(zlib(j)) < len(j) - 1
//! ```
//!
//! The JSON text is Python's `json.dumps`: `Serializer` and
//! `TimedSerializer` write its defaults (separators `", "` and `": "`,
//! non-ASCII as `\uXXXX`), the URL-safe classes compact separators `,` `:`
//! with raw UTF-8 (1.1 and 2.x) or `\uXXXX` escapes (0.24). Floats are
//! written as Python's `repr`, keys in the caller's order.
//!
//! [`Signer`]: super::Signer
//! [`TimestampSigner`]: super::TimestampSigner

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::signer::{check_token_len_failure, ClassicBuilder, Failure, SignerCore};
use super::zlib::{self, InflateError};
use super::{BadDataClass, ClassicLimits, ItsDangerousVersion, LoadError, SignerOptions, UnixTime};
use crate::b64;
use crate::compat::pyjson::{self, Profile, Style};
use crate::error::{Error, ErrorKind, Limit, Part};
use crate::limits::check_json_depth;
use crate::time::NumericDate;

mod sealed {
    pub trait Sealed {}
}

/// The four classic serializer classes (sealed): the builder methods that
/// only serializers have ([`fallback_signers`](ClassicBuilder::fallback_signers),
/// [`sort_keys`](ClassicBuilder::sort_keys)) are available for them.
pub trait SerializerClass: sealed::Sealed {}

impl<S: SerializerClass> ClassicBuilder<S> {
    /// Signers tried after the serializer's own when its signature does not
    /// verify (itsdangerous 1.1 and 2.x's `fallback_signers`): each entry
    /// **replaces** the key derivation, digest and separator (the salt and
    /// the secrets stay). A token is accepted by the first signer that
    /// verifies it; a `SignatureExpired` or `BadPayload` stops the search;
    /// when all fail, the last signer's error is reported, as in Python.
    ///
    /// Default: none, except for 1.1 whose default is one SHA-512 signer
    /// (`SignerOptions::new().digest(Digest::Sha512)`; so a 1.1 serializer
    /// also accepts tokens signed with SHA-512 and `django-concat`, and
    /// reports that signer's error). An empty list turns it off. `build`
    /// refuses a non-empty list for 0.24, which has no fallback signers.
    pub fn fallback_signers(mut self, signers: impl IntoIterator<Item = SignerOptions>) -> Self {
        self.set_fallback_signers(signers.into_iter().collect());
        self
    }

    /// Writes JSON object members sorted by name (Python's
    /// `serializer_kwargs={"sort_keys": True}`); default off (the caller's
    /// order). Reading is unaffected.
    pub fn sort_keys(mut self, sort_keys: bool) -> Self {
        self.set_sort_keys(sort_keys);
        self
    }
}

/// How the payload segment is made from the JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// The JSON text itself (`Serializer`, `TimedSerializer`).
    Plain,
    /// base64url, zlib-compressed when that saves at least 2 bytes.
    UrlSafe,
}

/// What the four serializers share.
#[derive(Clone)]
struct Core {
    /// The serializer's signer, then its fallback signers.
    signers: Vec<SignerCore>,
    encoding: Encoding,
    style: Style,
    version: ItsDangerousVersion,
    limits: ClassicLimits,
}

/// The clock and `max_age` of a timed read.
#[derive(Clone, Copy)]
struct Clock {
    max_age: Option<i64>,
    now: i64,
}

fn payload_error(message: String, error: Error) -> LoadError {
    LoadError::new(BadDataClass::BadPayload, error).with_message(message)
}

impl Core {
    fn new<S>(builder: &ClassicBuilder<S>, encoding: Encoding) -> Result<Core, Error> {
        let version = builder.get_version();
        let profile = match (encoding, version) {
            (Encoding::UrlSafe, ItsDangerousVersion::V1 | ItsDangerousVersion::V2) => Profile::Utf8,
            _ => Profile::Ascii,
        };
        Ok(Core {
            signers: builder.serializer_cores()?,
            encoding,
            style: Style {
                profile,
                spaced: encoding == Encoding::Plain,
                sort_keys: builder.get_sort_keys(),
            },
            version,
            limits: builder.get_limits(),
        })
    }

    fn fmt_fields(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("version", &self.version)
            .field("signers", &self.signers.len())
            .field("sort_keys", &self.style.sort_keys)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }

    // -- writing ------------------------------------------------------------

    /// Python's `json.dumps` of `obj` with this serializer's options.
    fn json_of<T: Serialize + ?Sized>(&self, obj: &T) -> Result<Vec<u8>, Error> {
        let compact = pyjson::to_vec(obj, Profile::Utf8)
            .map_err(|e| Error::malformed(Part::Payload, e.reason()))?;
        self.json_of_text(&compact)
    }

    /// JSON text re-emitted with this serializer's options.
    fn json_of_text(&self, text: &[u8]) -> Result<Vec<u8>, Error> {
        pyjson::rewrite_styled(text, self.style, self.limits.max_json_depth)
            .map_err(|e| Error::malformed(Part::Payload, e.reason()))
    }

    /// The payload segment of `json`: the text itself, or (URL-safe)
    /// base64url, compressed with a leading `.` when that saves 2 bytes.
    fn segment(&self, json: &[u8]) -> Result<Vec<u8>, Error> {
        match self.encoding {
            Encoding::Plain => Ok(json.to_vec()),
            Encoding::UrlSafe => {
                let compressed = zlib::compress(json)
                    .ok_or_else(|| Error::malformed(Part::Payload, "zlib compression failed"))?;
                let mut out = Vec::with_capacity(json.len() / 3 * 4 + 64);
                if compressed.len() < json.len().saturating_sub(1) {
                    out.push(b'.');
                    b64::encode_append(&compressed, &mut out);
                } else {
                    b64::encode_append(json, &mut out);
                }
                Ok(out)
            }
        }
    }

    /// Signs `json` as its token, with a timestamp when `now` is given.
    fn sign(&self, json: &[u8], now: Option<i64>) -> Result<String, Error> {
        let Some(signer) = self.signers.first() else {
            return Err(Error::InvalidKey {
                reason: "no signer configured",
            });
        };
        let mut out = self.segment(json)?;
        if let Some(now) = now {
            signer.append_timestamp(&mut out, now)?;
        }
        signer.append_signature(&mut out);
        String::from_utf8(out)
            .map_err(|_| Error::malformed(Part::Payload, "JSON text is not UTF-8"))
    }

    // -- reading ------------------------------------------------------------

    /// The signature checks: the payload segment (and timestamp) of the
    /// first signer that verifies `token`, else the last signer's error
    /// (`SignatureExpired` is final). `SignatureExpired` gets its payload
    /// decoded when possible.
    fn open<'a>(
        &self,
        token: &'a [u8],
        clock: Option<Clock>,
    ) -> Result<(&'a [u8], Option<i64>), Failure<'a>> {
        check_token_len_failure(token, &self.limits)?;
        let mut last = None;
        for signer in &self.signers {
            let result = match clock {
                Some(c) => signer
                    .unsign_timed(token, c.max_age, c.now)
                    .map(|(segment, ts)| (segment, Some(ts))),
                None => signer.unsign_plain(token).map(|segment| (segment, None)),
            };
            match result {
                Ok(opened) => return Ok(opened),
                Err(mut failure)
                    if failure.error.itsdangerous_class() == BadDataClass::SignatureExpired =>
                {
                    if let Some(payload) = failure.unverified.and_then(|s| self.decode(s).ok()) {
                        failure.error = failure.error.with_payload(&payload);
                    }
                    return Err(failure);
                }
                Err(failure) => last = Some(failure),
            }
        }
        Err(last.unwrap_or(Failure {
            error: LoadError::new(
                BadDataClass::BadSignature,
                Error::InvalidKey {
                    reason: "no signer configured",
                },
            ),
            unverified: None,
        }))
    }

    /// `load_payload` up to the JSON step: the JSON text of a payload
    /// segment (base64url-decoded and inflated for the URL-safe classes),
    /// at most `max_payload_len` bytes.
    fn json_text(&self, segment: &[u8]) -> Result<Vec<u8>, LoadError> {
        let max = self.limits.max_payload_len;
        let too_long = || {
            LoadError::new(
                BadDataClass::BadPayload,
                Error::ResourceLimit {
                    limit: Limit::MaxPayloadLen,
                    max,
                },
            )
        };
        let json = match self.encoding {
            Encoding::Plain => segment.to_vec(),
            Encoding::UrlSafe => {
                let (compressed, b64_text) = match segment.split_first() {
                    Some((b'.', rest)) => (true, rest),
                    _ => (false, segment),
                };
                let data = b64::decode(b64_text).map_err(|()| {
                    payload_error(
                        "Could not base64 decode the payload because of an exception".to_owned(),
                        Error::malformed(Part::Payload, "invalid base64url"),
                    )
                })?;
                if compressed {
                    zlib::inflate_bounded(&data, max).map_err(|e| match e {
                        InflateError::TooLarge => too_long(),
                        InflateError::Corrupt | InflateError::TrailingData => payload_error(
                            "Could not zlib decompress the payload before decoding the payload"
                                .to_owned(),
                            Error::malformed(
                                Part::Payload,
                                if e == InflateError::Corrupt {
                                    "invalid zlib stream"
                                } else {
                                    "data after the end of the zlib stream"
                                },
                            ),
                        ),
                    })?
                } else {
                    data
                }
            }
        };
        if json.len() > max {
            return Err(too_long());
        }
        Ok(json)
    }

    /// The JSON step: strict UTF-8, at most `max_json_depth` deep, then
    /// `serde_json` (a repeated member name keeps the last value, as
    /// Python's `json.loads`).
    fn parse(&self, json: &[u8]) -> Result<Value, LoadError> {
        let message = if self.version == ItsDangerousVersion::V0_24 {
            "Could not load the payload because an exception occurred on unserializing the data"
        } else {
            "Could not load the payload because an exception occurred on unserializing the data."
        };
        check_json_depth(json, self.limits.max_json_depth)
            .map_err(|e| LoadError::new(BadDataClass::BadPayload, e))?;
        let text = std::str::from_utf8(json).map_err(|_| {
            payload_error(
                message.to_owned(),
                Error::malformed(Part::Payload, "payload is not UTF-8"),
            )
        })?;
        serde_json::from_str(text).map_err(|_| {
            payload_error(
                message.to_owned(),
                Error::malformed(Part::Payload, "payload is not valid JSON"),
            )
        })
    }

    /// `load_payload`: segment to JSON value.
    fn decode(&self, segment: &[u8]) -> Result<Value, LoadError> {
        self.parse(&self.json_text(segment)?)
    }

    /// The verified JSON text and timestamp.
    fn load_text(
        &self,
        token: &[u8],
        clock: Option<Clock>,
    ) -> Result<(Vec<u8>, Option<i64>), LoadError> {
        let (segment, ts) = self.open(token, clock).map_err(|f| f.error)?;
        Ok((self.json_text(segment)?, ts))
    }

    /// The verified payload and timestamp.
    fn load(&self, token: &[u8], clock: Option<Clock>) -> Result<(Value, Option<i64>), LoadError> {
        let (json, ts) = self.load_text(token, clock)?;
        Ok((self.parse(&json)?, ts))
    }

    /// The verified payload as `T`.
    fn load_as<T: DeserializeOwned>(
        &self,
        token: &[u8],
        clock: Option<Clock>,
    ) -> Result<(T, Option<i64>), LoadError> {
        let (value, ts) = self.load(token, clock)?;
        let typed = T::deserialize(&value).map_err(|_| {
            LoadError::new(
                BadDataClass::BadPayload,
                Error::malformed(Part::Payload, "payload does not match the requested type"),
            )
            .with_payload(&value)
        })?;
        Ok((typed, ts))
    }

    /// `loads_unsafe`: `(true, payload)`, or `(false, payload decoded
    /// without any check)` for a signature failure, `None` when there is
    /// nothing to decode or it does not decode within the limits.
    fn load_unsafe(
        &self,
        token: &[u8],
        clock: Option<Clock>,
    ) -> Result<(bool, Option<Value>), LoadError> {
        let failure = match self.open(token, clock) {
            Ok((segment, _)) => return Ok((true, Some(self.decode(segment)?))),
            Err(failure) => failure,
        };
        if failure.error.itsdangerous_class() == BadDataClass::BadPayload
            || failure.error.kind() == ErrorKind::ResourceLimit
        {
            return Err(failure.error);
        }
        Ok((
            false,
            failure
                .unverified
                .and_then(|segment| self.decode(segment).ok()),
        ))
    }
}

/// What every classic serializer has: `Debug` without secrets, its
/// builder's `build`, `builder` and `version`.
macro_rules! common_api {
    ($ty:ident) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.core.fmt_fields(stringify!($ty), f)
            }
        }

        impl sealed::Sealed for $ty {}
        impl SerializerClass for $ty {}

        impl ClassicBuilder<$ty> {
            /// Makes the serializer.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidKey`] when a separator (its own or a fallback
            /// signer's) occurs in the base64 alphabet or is empty, when
            /// fallback secrets are given for 0.24 or 1.1, or fallback
            /// signers for 0.24.
            pub fn build(self) -> Result<$ty, Error> {
                Ok($ty {
                    core: Core::new(&self, $ty::ENCODING)?,
                })
            }
        }

        impl $ty {
            /// A builder with the secret key (any length, even empty, as
            /// itsdangerous accepts; never printed).
            pub fn builder(secret: impl AsRef<[u8]>) -> ClassicBuilder<$ty> {
                ClassicBuilder::new(secret.as_ref())
            }

            /// The itsdangerous version reproduced.
            pub fn version(&self) -> ItsDangerousVersion {
                self.core.version
            }
        }
    };
}

/// The methods of the untimed serializers.
macro_rules! untimed_api {
    ($ty:ident) => {
        common_api!($ty);

        impl $ty {
            /// `dumps(obj)`: signs `obj` (any JSON value) as Python's `json.dumps`
            /// writes it for this class and version. Struct fields are written
            /// in declaration order, maps in iteration order (a
            /// `serde_json::Value` object in sorted order: use
            /// [`dumps_json`](Self::dumps_json) to keep another order).
            ///
            /// # Errors
            ///
            /// [`Error::Malformed`] (part payload) when `obj` cannot be written
            /// as JSON (NaN or infinite floats, non-string map keys), repeats
            /// a member name, or nests deeper than `max_json_depth`.
            pub fn dumps<T: Serialize + ?Sized>(&self, obj: &T) -> Result<String, Error> {
                self.core.sign(&self.core.json_of(obj)?, None)
            }

            /// Signs a payload given as JSON text, re-emitted as Python would
            /// write it (key order and big integers kept; separators,
            /// escaping and `sort_keys` of this serializer).
            ///
            /// # Errors
            ///
            /// [`Error::Malformed`] (part payload) when the text is not strict
            /// JSON, repeats a member name, or nests deeper than
            /// `max_json_depth`.
            pub fn dumps_json(&self, json_text: &str) -> Result<String, Error> {
                self.core
                    .sign(&self.core.json_of_text(json_text.as_bytes())?, None)
            }

            /// Signs `json_text` **as is**, for a caller that writes the JSON
            /// itself (Flask's tagged session JSON): no check that it is
            /// JSON; the URL-safe classes base64url-encode it and compress
            /// it by the usual rule.
            ///
            /// # Errors
            ///
            /// [`Error::Malformed`] only if zlib fails (it does not for
            /// in-memory data).
            pub fn dumps_raw(&self, json_text: &str) -> Result<String, Error> {
                self.core.sign(json_text.as_bytes(), None)
            }

            /// `loads(token)`: the payload, when the MAC of one of the signers
            /// matches (constant-time comparison through `ring::hmac::verify`)
            /// and the payload decodes.
            ///
            /// # Errors
            ///
            /// `BadSignature` (kind `malformed`: no separator, signature not
            /// strict base64url; `invalid_signature`: no MAC matches);
            /// `BadPayload` (kind `malformed`: payload not strict base64url,
            /// not a complete zlib stream or followed by data, not UTF-8,
            /// not JSON; `resource_limit`: longer than `max_payload_len` once
            /// inflated, deeper than `max_json_depth`); `resource_limit` for a
            /// token longer than `max_token_len`. With fallback signers the
            /// last signer's signature error is reported.
            pub fn loads(&self, token: impl AsRef<[u8]>) -> Result<Value, LoadError> {
                Ok(self.core.load(token.as_ref(), None)?.0)
            }

            /// Like [`loads`](Self::loads), deserializing the payload into `T`.
            ///
            /// # Errors
            ///
            /// As [`loads`](Self::loads), and `BadPayload` (kind `malformed`,
            /// the payload carried) when the payload does not fit `T`.
            pub fn loads_as<T: DeserializeOwned>(
                &self,
                token: impl AsRef<[u8]>,
            ) -> Result<T, LoadError> {
                Ok(self.core.load_as(token.as_ref(), None)?.0)
            }

            /// Like [`loads`](Self::loads), returning the verified JSON text
            /// (bytes, base64url-decoded and inflated, at most
            /// `max_payload_len`) without parsing it: for a caller that reads
            /// the JSON itself (Flask's tagged session JSON).
            ///
            /// # Errors
            ///
            /// As [`loads`](Self::loads), without the JSON step's errors.
            pub fn loads_raw(&self, token: impl AsRef<[u8]>) -> Result<Vec<u8>, LoadError> {
                Ok(self.core.load_text(token.as_ref(), None)?.0)
            }

            /// **Unverified**: itsdangerous's `loads_unsafe(token)`. Returns
            /// `(true, Some(payload))` when [`loads`](Self::loads) succeeds;
            /// after a signature failure `(false, payload)` with the payload
            /// segment itsdangerous's exception carried decoded **without
            /// any check** (never trust it), or `None` when there is none or
            /// it does not decode within the limits.
            ///
            /// # Errors
            ///
            /// As in Python, the errors of a token whose signature verifies
            /// but whose payload does not decode (`BadPayload`); also
            /// `resource_limit` for a token longer than `max_token_len`.
            pub fn loads_unsafe(
                &self,
                token: impl AsRef<[u8]>,
            ) -> Result<(bool, Option<Value>), LoadError> {
                self.core.load_unsafe(token.as_ref(), None)
            }
        }
    };
}

/// The methods of the timed serializers.
macro_rules! timed_api {
    ($ty:ident) => {
        common_api!($ty);

        impl $ty {
            /// Signs `obj` at the current time (see [`dumps_at`](Self::dumps_at)).
            ///
            /// # Errors
            ///
            /// As [`dumps_at`](Self::dumps_at).
            pub fn dumps<T: Serialize + ?Sized>(&self, obj: &T) -> Result<String, Error> {
                self.dumps_at(obj, NumericDate::now())
            }

            /// `dumps(obj)` with the clock at `now` (truncated to whole
            /// seconds): `obj` (any JSON value) as Python's `json.dumps` writes
            /// it for this class and version, timestamped `now` (0.24:
            /// `now - 1293840000`). Struct fields are written in declaration
            /// order, maps in iteration order (a `serde_json::Value` object in
            /// sorted order: use [`dumps_json_at`](Self::dumps_json_at) to
            /// keep another order).
            ///
            /// # Errors
            ///
            /// [`Error::Malformed`] (part payload) when `obj` cannot be written
            /// as JSON (NaN or infinite floats, non-string map keys), repeats
            /// a member name, or nests deeper than `max_json_depth`;
            /// [`Error::InvalidClaim`] (claim `timestamp`) when `now` is before
            /// the version's epoch (1970, or 2011 for 0.24) or after
            /// [`MAX_TIMESTAMP`](super::MAX_TIMESTAMP).
            pub fn dumps_at<T: Serialize + ?Sized>(
                &self,
                obj: &T,
                now: impl UnixTime,
            ) -> Result<String, Error> {
                self.core
                    .sign(&self.core.json_of(obj)?, Some(now.unix_seconds()))
            }

            /// Signs JSON text at the current time (see
            /// [`dumps_json_at`](Self::dumps_json_at)).
            ///
            /// # Errors
            ///
            /// As [`dumps_json_at`](Self::dumps_json_at).
            pub fn dumps_json(&self, json_text: &str) -> Result<String, Error> {
                self.dumps_json_at(json_text, NumericDate::now())
            }

            /// Signs a payload given as JSON text at `now`, re-emitted as
            /// Python would write it (key order and big integers kept;
            /// separators, escaping and `sort_keys` of this serializer).
            ///
            /// # Errors
            ///
            /// [`Error::Malformed`] (part payload) when the text is not strict
            /// JSON, repeats a member name, or nests deeper than
            /// `max_json_depth`; the clock errors of [`dumps_at`](Self::dumps_at).
            pub fn dumps_json_at(
                &self,
                json_text: &str,
                now: impl UnixTime,
            ) -> Result<String, Error> {
                self.core.sign(
                    &self.core.json_of_text(json_text.as_bytes())?,
                    Some(now.unix_seconds()),
                )
            }

            /// Signs `json_text` as is at the current time (see
            /// [`dumps_raw_at`](Self::dumps_raw_at)).
            ///
            /// # Errors
            ///
            /// As [`dumps_raw_at`](Self::dumps_raw_at).
            pub fn dumps_raw(&self, json_text: &str) -> Result<String, Error> {
                self.dumps_raw_at(json_text, NumericDate::now())
            }

            /// Signs `json_text` **as is** at `now`, for a caller that writes
            /// the JSON itself (Flask's tagged, sorted, ASCII session JSON): no
            /// check that it is JSON; the URL-safe class base64url-encodes it
            /// and compresses it by the usual rule.
            ///
            /// # Errors
            ///
            /// The clock errors of [`dumps_at`](Self::dumps_at).
            pub fn dumps_raw_at(
                &self,
                json_text: &str,
                now: impl UnixTime,
            ) -> Result<String, Error> {
                self.core
                    .sign(json_text.as_bytes(), Some(now.unix_seconds()))
            }

            /// Verifies at the current time (see [`loads_at`](Self::loads_at)).
            ///
            /// # Errors
            ///
            /// As [`loads_at`](Self::loads_at).
            pub fn loads(
                &self,
                token: impl AsRef<[u8]>,
                max_age: Option<i64>,
            ) -> Result<Value, LoadError> {
                self.loads_at(token, max_age, NumericDate::now())
            }

            /// `loads(token, max_age)` with the clock at `now` (truncated to
            /// whole seconds): the payload. `max_age` is in seconds; without
            /// it no age check is made. `age == max_age` is still valid.
            ///
            /// # Errors
            ///
            /// In itsdangerous's order: no separator (`BadSignature`, kind
            /// `malformed`); MAC mismatch or a signature that is not strict
            /// base64url (`BadTimeSignature`, or `BadSignature` when no
            /// timestamp segment is left; kind `invalid_signature` or
            /// `malformed`); no timestamp (`BadTimeSignature`, kind
            /// `missing_claim`); a malformed timestamp (`BadTimeSignature`,
            /// kind `malformed`); with `max_age`, an age above it
            /// (`SignatureExpired`, kind `expired`) or, 2.x, a timestamp after
            /// `now` (`SignatureExpired`, kind `not_yet_valid`), carrying the
            /// payload, the signed value and the timestamp; then the payload
            /// errors: `BadPayload` (kind `malformed`: not strict base64url,
            /// not a complete zlib stream or followed by data, not UTF-8, not
            /// JSON; `resource_limit`: longer than `max_payload_len` once
            /// inflated, deeper than `max_json_depth`); `resource_limit` for a
            /// token longer than `max_token_len`. With fallback signers the
            /// last signer's signature error is reported
            /// (`SignatureExpired` stops the search).
            pub fn loads_at(
                &self,
                token: impl AsRef<[u8]>,
                max_age: Option<i64>,
                now: impl UnixTime,
            ) -> Result<Value, LoadError> {
                Ok(self.loads_with_timestamp_at(token, max_age, now)?.0)
            }

            /// Like [`loads`](Self::loads), also returning the timestamp.
            ///
            /// # Errors
            ///
            /// As [`loads_at`](Self::loads_at).
            pub fn loads_with_timestamp(
                &self,
                token: impl AsRef<[u8]>,
                max_age: Option<i64>,
            ) -> Result<(Value, i64), LoadError> {
                self.loads_with_timestamp_at(token, max_age, NumericDate::now())
            }

            /// `loads(token, max_age, return_timestamp=True)` at `now`: the
            /// payload and the time it was signed, in Unix seconds
            /// (itsdangerous's `datetime`; under 0.24 the 2011-based count plus
            /// 1293840000).
            ///
            /// # Errors
            ///
            /// As [`loads_at`](Self::loads_at).
            pub fn loads_with_timestamp_at(
                &self,
                token: impl AsRef<[u8]>,
                max_age: Option<i64>,
                now: impl UnixTime,
            ) -> Result<(Value, i64), LoadError> {
                let clock = Clock {
                    max_age,
                    now: now.unix_seconds(),
                };
                let (value, ts) = self.core.load(token.as_ref(), Some(clock))?;
                Ok((value, ts.unwrap_or_default()))
            }

            /// Like [`loads_at`](Self::loads_at), deserializing the payload
            /// into `T`.
            ///
            /// # Errors
            ///
            /// As [`loads_at`](Self::loads_at), and `BadPayload` (kind
            /// `malformed`, the payload carried) when the payload does not fit
            /// `T`.
            pub fn loads_as_at<T: DeserializeOwned>(
                &self,
                token: impl AsRef<[u8]>,
                max_age: Option<i64>,
                now: impl UnixTime,
            ) -> Result<T, LoadError> {
                let clock = Clock {
                    max_age,
                    now: now.unix_seconds(),
                };
                Ok(self.core.load_as(token.as_ref(), Some(clock))?.0)
            }

            /// Like [`loads_with_timestamp_at`](Self::loads_with_timestamp_at),
            /// returning the verified JSON text (bytes, base64url-decoded and
            /// inflated, at most `max_payload_len`) without parsing it: for a
            /// caller that reads the JSON itself (Flask's tagged session
            /// JSON).
            ///
            /// # Errors
            ///
            /// As [`loads_at`](Self::loads_at), without the JSON step's errors.
            pub fn loads_raw_at(
                &self,
                token: impl AsRef<[u8]>,
                max_age: Option<i64>,
                now: impl UnixTime,
            ) -> Result<(Vec<u8>, i64), LoadError> {
                let clock = Clock {
                    max_age,
                    now: now.unix_seconds(),
                };
                let (json, ts) = self.core.load_text(token.as_ref(), Some(clock))?;
                Ok((json, ts.unwrap_or_default()))
            }

            /// **Unverified**, at the current time: see
            /// [`loads_unsafe_at`](Self::loads_unsafe_at).
            ///
            /// # Errors
            ///
            /// As [`loads_unsafe_at`](Self::loads_unsafe_at).
            pub fn loads_unsafe(
                &self,
                token: impl AsRef<[u8]>,
                max_age: Option<i64>,
            ) -> Result<(bool, Option<Value>), LoadError> {
                self.loads_unsafe_at(token, max_age, NumericDate::now())
            }

            /// **Unverified**: itsdangerous's `loads_unsafe(token, max_age)`
            /// at `now`. Returns `(true, Some(payload))` when
            /// [`loads_at`](Self::loads_at) succeeds; after a signature or
            /// expiry failure `(false, payload)` with the payload segment
            /// itsdangerous's exception carried decoded **without any
            /// check** (never trust it: use it to debug, or to find whom to
            /// send a new link), or `None` when there is none or it does not
            /// decode within the limits (inflation stays bounded by
            /// `max_payload_len`).
            ///
            /// # Errors
            ///
            /// As in Python, the errors of a token whose signature verifies
            /// but whose payload does not decode (`BadPayload`); also
            /// `resource_limit` for a token longer than `max_token_len`.
            pub fn loads_unsafe_at(
                &self,
                token: impl AsRef<[u8]>,
                max_age: Option<i64>,
                now: impl UnixTime,
            ) -> Result<(bool, Option<Value>), LoadError> {
                let clock = Clock {
                    max_age,
                    now: now.unix_seconds(),
                };
                self.core.load_unsafe(token.as_ref(), Some(clock))
            }
        }
    };
}

/// itsdangerous's `Serializer`: `json ‖ sep ‖ sig`, the JSON text as
/// Python's `json.dumps` writes it by default (`", "`, `": "`, ASCII), signed
/// by a [`Signer`](super::Signer) with the salt `itsdangerous`.
///
/// ```
/// use timed_jws::compat::itsdangerous::Serializer;
///
/// let s = Serializer::builder("secret-key-A").build()?;
/// let token = s.dumps_json(r#"{"id": "foobar", "n": 42}"#)?;
/// assert_eq!(token, r#"{"id": "foobar", "n": 42}.iFr7jwndNRfWOBtxaK7y-cL5DP0"#);
/// assert_eq!(s.loads(&token)?, serde_json::json!({"id": "foobar", "n": 42}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Serializer {
    core: Core,
}

impl Serializer {
    const ENCODING: Encoding = Encoding::Plain;
}

untimed_api!(Serializer);

/// itsdangerous's `URLSafeSerializer`: `seg(json) ‖ sep ‖ sig`, the
/// compact JSON base64url-encoded (zlib-compressed behind a `.` when that
/// saves at least 2 bytes), signed with the salt `itsdangerous`.
///
/// ```
/// use timed_jws::compat::itsdangerous::URLSafeSerializer;
///
/// let s = URLSafeSerializer::builder("secret-key-A").build()?;
/// let token = s.dumps(&serde_json::json!({"id": "foobar", "n": 42}))?;
/// assert_eq!(token, "eyJpZCI6ImZvb2JhciIsIm4iOjQyfQ.-dmZsFQdANRBjDxv_zuM2kLt-Dg");
/// assert_eq!(s.loads(&token)?, serde_json::json!({"id": "foobar", "n": 42}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
#[allow(clippy::upper_case_acronyms)]
pub struct URLSafeSerializer {
    core: Core,
}

impl URLSafeSerializer {
    const ENCODING: Encoding = Encoding::UrlSafe;
}

untimed_api!(URLSafeSerializer);

/// itsdangerous's `TimedSerializer`: `json ‖ sep ‖ ts ‖ sep ‖ sig`, the
/// JSON text as Python's `json.dumps` writes it by default, signed by a
/// [`TimestampSigner`](super::TimestampSigner) with the salt
/// `itsdangerous`.
///
/// The project's seed token, made by itsdangerous 0.24 in 2015:
///
/// ```
/// use timed_jws::compat::itsdangerous::{ItsDangerousVersion, TimedSerializer};
///
/// let s = TimedSerializer::builder("sekrit").version(ItsDangerousVersion::V0_24).build()?;
/// let token = r#"{"id": "foobar"}.COWWsA.dect1vZLaDdgFQUA1G_iTpPY3Hg"#;
/// let (payload, signed_at) = s.loads_with_timestamp_at(token, Some(3600), 1443104066)?;
/// assert_eq!(payload, serde_json::json!({"id": "foobar"}));
/// assert_eq!(signed_at, 1443104048);
///
/// let err = s.loads_at(token, Some(0), 1443104066).unwrap_err();
/// assert_eq!(err.itsdangerous_class().as_str(), "SignatureExpired");
/// assert_eq!(err.itsdangerous_message(), Some("Signature age 18 > 0 seconds"));
/// assert_eq!(err.payload(), Some(&serde_json::json!({"id": "foobar"})));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TimedSerializer {
    core: Core,
}

impl TimedSerializer {
    const ENCODING: Encoding = Encoding::Plain;
}

timed_api!(TimedSerializer);

/// itsdangerous's `URLSafeTimedSerializer`: `seg(json) ‖ sep ‖ ts ‖ sep ‖
/// sig`, the compact JSON base64url-encoded (zlib-compressed behind a `.`
/// when that saves at least 2 bytes), timestamped and signed with the salt
/// `itsdangerous`. Flask-WTF's CSRF tokens, Flask-Security's links and
/// Flask's session cookie are such tokens.
///
/// ```
/// use timed_jws::compat::itsdangerous::URLSafeTimedSerializer;
///
/// let s = URLSafeTimedSerializer::builder("secret-key-A").salt("reset-salt").build()?;
/// let token = s.dumps_at(&serde_json::json!({"user": 42}), 1_700_000_000)?;
/// assert_eq!(s.loads_at(&token, Some(3600), 1_700_003_600)?, serde_json::json!({"user": 42}));
/// let err = s.loads_at(&token, Some(3600), 1_700_003_601).unwrap_err();
/// assert_eq!(err.kind().as_str(), "expired");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
#[allow(clippy::upper_case_acronyms)]
pub struct URLSafeTimedSerializer {
    core: Core,
}

impl URLSafeTimedSerializer {
    const ENCODING: Encoding = Encoding::UrlSafe;
}

timed_api!(URLSafeTimedSerializer);
