//! itsdangerous's `JSONWebSignatureSerializer` and
//! `TimedJSONWebSignatureSerializer` (0.24 to 2.0); documented in the parent
//! module.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{trunc_secs, BadDataClass, ItsDangerousVersion, LoadError, UnixTime};
use crate::alg::Algorithm;
use crate::b64;
use crate::compat::pyjson::{self, Profile};
use crate::error::{Error, Limit, Part};
use crate::jws::sign::sign_raw;
use crate::key::Key;
use crate::limits::{check_json_depth, Limits};
use crate::time::NumericDate;

impl ItsDangerousVersion {
    /// The JWS algorithm the version uses when none is given: HS512 for 1.x
    /// and 2.0, HS256 for 0.24.
    pub const fn default_algorithm(self) -> Algorithm {
        match self {
            ItsDangerousVersion::V1 | ItsDangerousVersion::V2 => Algorithm::HS512,
            ItsDangerousVersion::V0_24 => Algorithm::HS256,
        }
    }

    fn profile(self) -> Profile {
        match self {
            ItsDangerousVersion::V1 | ItsDangerousVersion::V2 => Profile::Utf8,
            ItsDangerousVersion::V0_24 => Profile::Ascii,
        }
    }

    /// The class itsdangerous raised for "Expiry date is not an IntDate".
    fn not_int_date_class(self) -> BadDataClass {
        match self {
            ItsDangerousVersion::V1 | ItsDangerousVersion::V2 => BadDataClass::BadHeader,
            ItsDangerousVersion::V0_24 => BadDataClass::BadSignature,
        }
    }
}

/// The signature algorithm of a serializer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SigAlg {
    Hmac(Algorithm),
    None,
}

impl SigAlg {
    fn name(self) -> &'static str {
        match self {
            SigAlg::Hmac(a) => a.as_str(),
            SigAlg::None => "none",
        }
    }
}

/// The lifetime of tokens made by a [`TimedJsonWebSignatureSerializer`]:
/// `exp = iat + expires_in`, in seconds.
///
/// As in Python, an integer gives an integer `exp` and a float a float `exp`
/// (`1.5` at 1700000000 gives `"exp":1700000001.5`). `0` and negative values
/// are allowed (the token is valid only at `iat`, or already expired).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExpiresIn {
    /// Whole seconds.
    Secs(i64),
    /// Seconds as a float; must be finite.
    Float(f64),
}

impl Default for ExpiresIn {
    /// 3600 seconds, itsdangerous's default.
    fn default() -> Self {
        ExpiresIn::Secs(3600)
    }
}

impl From<i64> for ExpiresIn {
    fn from(secs: i64) -> Self {
        ExpiresIn::Secs(secs)
    }
}

impl From<i32> for ExpiresIn {
    fn from(secs: i32) -> Self {
        ExpiresIn::Secs(i64::from(secs))
    }
}

impl From<u32> for ExpiresIn {
    fn from(secs: u32) -> Self {
        ExpiresIn::Secs(i64::from(secs))
    }
}

impl From<f64> for ExpiresIn {
    fn from(secs: f64) -> Self {
        ExpiresIn::Float(secs)
    }
}

/// Caller header fields as given to the builder.
#[derive(Clone)]
enum HeaderFields {
    None,
    Json(String),
    Pairs(Vec<(String, Value)>),
}

/// Builds a [`JsonWebSignatureSerializer`] or a
/// [`TimedJsonWebSignatureSerializer`] (made by their `builder` functions).
///
/// Settings and defaults: [`version`](Self::version) 2.x (the same as 1.x
/// for JWS); the version's
/// default algorithm (HS512 for 1.x, HS256 for 0.24); no salt; for the timed
/// serializer `expires_in` 3600 seconds; no extra header fields;
/// [`Limits::default`].
#[derive(Clone)]
pub struct SerializerBuilder<S> {
    secret: Vec<u8>,
    version: ItsDangerousVersion,
    alg: Option<SigAlg>,
    salt: Option<Vec<u8>>,
    expires_in: ExpiresIn,
    header_fields: HeaderFields,
    limits: Limits,
    target: PhantomData<fn() -> S>,
}

impl<S> fmt::Debug for SerializerBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SerializerBuilder")
            .field("version", &self.version)
            .field("alg", &self.alg.map(SigAlg::name))
            .field("salted", &self.salt.is_some())
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

impl<S> SerializerBuilder<S> {
    fn new(secret: &[u8]) -> Self {
        SerializerBuilder {
            secret: secret.to_vec(),
            version: ItsDangerousVersion::default(),
            alg: None,
            salt: None,
            expires_in: ExpiresIn::default(),
            header_fields: HeaderFields::None,
            limits: Limits::default(),
            target: PhantomData,
        }
    }

    /// The itsdangerous release line to reproduce (default 2.x, which for
    /// the JWS serializers is the same as 1.x): it fixes
    /// the default algorithm, the JSON escaping, and how an unusable `exp` is
    /// classified.
    pub fn version(mut self, version: ItsDangerousVersion) -> Self {
        self.version = version;
        self
    }

    /// The HMAC algorithm (itsdangerous's `algorithm_name` `HS256`, `HS384`
    /// or `HS512`); default: the version's.
    pub fn algorithm(mut self, alg: Algorithm) -> Self {
        self.alg = Some(SigAlg::Hmac(alg));
        self
    }

    /// **Insecure**: itsdangerous's `algorithm_name="none"`. Tokens are not
    /// signed (the signature segment is empty) and anyone can forge them;
    /// `loads` accepts only tokens with an empty signature and header
    /// `"alg":"none"`. Only for reading legacy data.
    pub fn algorithm_none_insecure(mut self) -> Self {
        self.alg = Some(SigAlg::None);
        self
    }

    /// A salt (itsdangerous's `salt`): the HMAC key becomes
    /// `SHA-1(salt || b"signer" || secret)` (20 bytes) for every algorithm.
    /// An empty salt is a salt (`SHA-1(b"signer" || secret)`), not "no salt".
    pub fn salt(mut self, salt: impl AsRef<[u8]>) -> Self {
        self.salt = Some(salt.as_ref().to_vec());
        self
    }

    /// Extra header fields from a JSON object text, written first and in
    /// the text's order, values re-emitted as Python would (big integers
    /// kept). A field named `alg`, `iat` or `exp` keeps its position but gets
    /// the serializer's value. Checked by `build`.
    pub fn header_fields_json(mut self, json_object: impl Into<String>) -> Self {
        self.header_fields = HeaderFields::Json(json_object.into());
        self
    }

    /// Extra header fields as name/value pairs, written first and in this
    /// order (objects nested in a `serde_json::Value` are written with sorted
    /// keys; use [`header_fields_json`](Self::header_fields_json) to keep
    /// another order). Names must be distinct (checked by `build`).
    pub fn header_fields<I, K>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        self.header_fields =
            HeaderFields::Pairs(fields.into_iter().map(|(k, v)| (k.into(), v)).collect());
        self
    }

    /// Resource limits for `loads` (token length, header length, JSON
    /// nesting depth); the defaults accept tokens up to 256 KiB.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    fn build_core(self) -> Result<(Core, ExpiresIn), Error> {
        let version = self.version;
        let alg = self
            .alg
            .unwrap_or(SigAlg::Hmac(version.default_algorithm()));
        let key = match alg {
            SigAlg::Hmac(a) => Some(match &self.salt {
                None => Key::hmac_unchecked(a, &self.secret),
                Some(salt) => {
                    let mut ctx =
                        ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
                    ctx.update(salt);
                    ctx.update(b"signer");
                    ctx.update(&self.secret);
                    Key::hmac_unchecked(a, ctx.finish().as_ref())
                }
            }),
            SigAlg::None => None,
        };
        let profile = version.profile();
        let header_members = match &self.header_fields {
            HeaderFields::None => Vec::new(),
            HeaderFields::Json(text) => {
                pyjson::rewrite_object_members(text.as_bytes(), profile, self.limits.max_json_depth)
                    .map_err(|e| Error::InvalidHeader { reason: e.reason() })?
            }
            HeaderFields::Pairs(pairs) => {
                let mut out: Vec<(String, Vec<u8>)> = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    if out.iter().any(|(k2, _)| k2 == k) {
                        return Err(Error::InvalidHeader {
                            reason: "duplicate header field",
                        });
                    }
                    let json = pyjson::to_vec(v, profile)
                        .map_err(|e| Error::InvalidHeader { reason: e.reason() })?;
                    out.push((k.clone(), json));
                }
                out
            }
        };
        if let ExpiresIn::Float(x) = self.expires_in {
            if !x.is_finite() {
                return Err(Error::invalid_claim(
                    "exp",
                    "expires_in is not a finite number",
                ));
            }
        }
        Ok((
            Core {
                version,
                alg,
                key,
                header_members,
                limits: self.limits,
            },
            self.expires_in,
        ))
    }
}

impl SerializerBuilder<JsonWebSignatureSerializer> {
    /// Makes the serializer.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeader`] when the header fields are not a JSON object
    /// (strict JSON, no duplicate names, at most `max_json_depth` deep) or
    /// cannot be written as JSON (NaN, infinity).
    pub fn build(self) -> Result<JsonWebSignatureSerializer, Error> {
        let (core, _) = self.build_core()?;
        Ok(JsonWebSignatureSerializer { core })
    }
}

impl SerializerBuilder<TimedJsonWebSignatureSerializer> {
    /// The token lifetime in seconds (default 3600): an integer
    /// (`.expires_in(600)`) gives an integer `exp`, a float
    /// (`.expires_in(1.5)`) a float `exp`, as in Python.
    pub fn expires_in(mut self, expires_in: impl Into<ExpiresIn>) -> Self {
        self.expires_in = expires_in.into();
        self
    }

    /// Makes the serializer.
    ///
    /// # Errors
    ///
    /// As for the untimed builder, and [`Error::InvalidClaim`] (claim `exp`)
    /// when a float `expires_in` is NaN or infinite.
    pub fn build(self) -> Result<TimedJsonWebSignatureSerializer, Error> {
        let (core, expires_in) = self.build_core()?;
        Ok(TimedJsonWebSignatureSerializer { core, expires_in })
    }
}

/// What both serializers share.
#[derive(Clone)]
struct Core {
    version: ItsDangerousVersion,
    alg: SigAlg,
    key: Option<Key>,
    header_members: Vec<(String, Vec<u8>)>,
    limits: Limits,
}

/// A token's authenticated parts.
struct Decoded {
    header: Map<String, Value>,
    payload: Value,
}

fn set_member(members: &mut Vec<(String, Vec<u8>)>, name: &str, value: Vec<u8>) {
    match members.iter_mut().find(|(k, _)| k == name) {
        Some(slot) => slot.1 = value,
        None => members.push((name.to_owned(), value)),
    }
}

fn payload_error(e: &pyjson::PyJsonError) -> Error {
    Error::malformed(Part::Payload, e.reason())
}

impl Core {
    fn fmt_fields(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self
            .header_members
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        f.debug_struct(name)
            .field("version", &self.version)
            .field("alg", &self.alg.name())
            .field("header_fields", &names)
            .finish_non_exhaustive()
    }

    /// The header JSON: caller fields, then `alg` (and `iat`, `exp`).
    fn header_json(&self, times: Option<(i64, ExpiresIn)>) -> Result<Vec<u8>, Error> {
        let profile = self.version.profile();
        let mut members = self.header_members.clone();
        let mut alg = Vec::new();
        pyjson::write_escaped_str(&mut alg, self.alg.name(), profile);
        set_member(&mut members, "alg", alg);
        if let Some((iat, expires_in)) = times {
            set_member(&mut members, "iat", iat.to_string().into_bytes());
            let exp = match expires_in {
                ExpiresIn::Secs(d) => iat
                    .checked_add(d)
                    .ok_or_else(|| Error::invalid_claim("exp", "iat + expires_in overflows"))?
                    .to_string()
                    .into_bytes(),
                ExpiresIn::Float(d) => {
                    // Python: int + float is a float addition.
                    let mut out = Vec::with_capacity(24);
                    pyjson::format_py_float(iat as f64 + d, &mut out)
                        .map_err(|_| Error::invalid_claim("exp", "exp is not a finite number"))?;
                    out
                }
            };
            set_member(&mut members, "exp", exp);
        }
        let mut out = Vec::with_capacity(64);
        out.push(b'{');
        for (i, (k, v)) in members.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            pyjson::write_escaped_str(&mut out, k, profile);
            out.push(b':');
            out.extend_from_slice(v);
        }
        out.push(b'}');
        Ok(out)
    }

    fn sign(&self, header_json: &[u8], payload_json: &[u8]) -> Result<String, Error> {
        match &self.key {
            Some(key) => sign_raw(header_json, payload_json, key),
            None => {
                let mut out =
                    String::with_capacity((header_json.len() + payload_json.len()) * 4 / 3 + 8);
                b64::encode_into(header_json, &mut out);
                out.push('.');
                b64::encode_into(payload_json, &mut out);
                out.push('.');
                Ok(out)
            }
        }
    }

    fn dumps_value<T: Serialize + ?Sized>(
        &self,
        payload: &T,
        times: Option<(i64, ExpiresIn)>,
    ) -> Result<String, Error> {
        let payload_json =
            pyjson::to_vec(payload, self.version.profile()).map_err(|e| payload_error(&e))?;
        self.sign(&self.header_json(times)?, &payload_json)
    }

    fn dumps_text(&self, json: &str, times: Option<(i64, ExpiresIn)>) -> Result<String, Error> {
        let payload_json = pyjson::rewrite(
            json.as_bytes(),
            self.version.profile(),
            self.limits.max_json_depth,
        )
        .map_err(|e| payload_error(&e))?;
        self.sign(&self.header_json(times)?, &payload_json)
    }

    fn check_len(&self, token: &str) -> Result<(), LoadError> {
        if token.len() > self.limits.max_token_len {
            return Err(LoadError::new(
                BadDataClass::BadSignature,
                Error::ResourceLimit {
                    limit: Limit::MaxTokenLen,
                    max: self.limits.max_token_len,
                },
            ));
        }
        Ok(())
    }

    /// Steps 1 to 5 of the verification order.
    fn load(&self, token: &str) -> Result<Decoded, LoadError> {
        let (header, payload_bytes) = self.open(token)?;
        let payload = self.parse_payload(&payload_bytes)?;
        let header = self
            .check_alg(header)
            .map_err(|e| e.with_payload(&payload))?;
        Ok(Decoded { header, payload })
    }

    /// [`load`](Self::load) (and, with `now`, the `exp` check of step 6),
    /// deserializing the payload into `T` straight from its JSON text.
    ///
    /// The errors and their order are those of `load` then [`typed`]: the
    /// payload is only parsed into a `Value` when a check fails (to carry it,
    /// or to report invalid JSON before the header errors, as `load` does) or
    /// when it does not deserialize into `T` directly.
    fn load_as<T: DeserializeOwned>(&self, token: &str, now: Option<i64>) -> Result<T, LoadError> {
        let (header, payload_bytes) = self.open(token)?;
        let checked = self.check_alg(header).and_then(|mut header| match now {
            Some(now) => check_exp(self.version, &mut header, now),
            None => Ok(()),
        });
        if let Err(e) = checked {
            let payload = self.parse_payload(&payload_bytes)?;
            return Err(e.with_payload(&payload));
        }
        check_json_depth(&payload_bytes, self.limits.max_json_depth)
            .map_err(|e| LoadError::new(BadDataClass::BadPayload, e))?;
        // `from_str` after a UTF-8 check: serde_json does not check the
        // UTF-8 of strings that `T` skips when reading from a byte slice.
        if let Ok(text) = std::str::from_utf8(&payload_bytes) {
            if let Ok(value) = serde_json::from_str(text) {
                return Ok(value);
            }
        }
        // Invalid JSON, or JSON that fits `T` only after the `Value` step
        // (a repeated member name keeps the last value there).
        typed(self.parse_payload(&payload_bytes)?)
    }

    /// Steps 1 to 4: the MAC, the segments and the header; returns the
    /// header object and the (not yet parsed) payload JSON bytes.
    fn open(&self, token: &str) -> Result<(Map<String, Value>, Vec<u8>), LoadError> {
        use BadDataClass::{BadHeader, BadPayload, BadSignature};
        self.check_len(token)?;
        let Some((signed, signature)) = token.rsplit_once('.') else {
            return Err(LoadError::new(
                BadSignature,
                Error::malformed(Part::Token, "no '.' found in the token"),
            ));
        };
        match &self.key {
            Some(key) => {
                let sig = b64::decode(signature.as_bytes()).map_err(|()| {
                    LoadError::new(
                        BadSignature,
                        Error::malformed(Part::Signature, "invalid base64url"),
                    )
                })?;
                key.verify(signed.as_bytes(), &sig)
                    .map_err(|e| LoadError::new(BadSignature, e))?;
            }
            None => {
                if !signature.is_empty() {
                    return Err(LoadError::new(BadSignature, Error::InvalidSignature));
                }
            }
        }
        let Some((header_b64, payload_b64)) = signed.split_once('.') else {
            return Err(LoadError::new(
                BadPayload,
                Error::malformed(Part::Payload, "no '.' found in the signed part"),
            ));
        };
        let header_bytes = b64::decode(header_b64.as_bytes()).map_err(|()| {
            LoadError::new(
                BadHeader,
                Error::malformed(Part::Header, "invalid base64url"),
            )
        })?;
        let payload_bytes = b64::decode(payload_b64.as_bytes()).map_err(|()| {
            LoadError::new(
                BadPayload,
                Error::malformed(Part::Payload, "invalid base64url"),
            )
        })?;
        let header = self.parse_header(&header_bytes)?;
        Ok((header, payload_bytes))
    }

    /// Step 5: the header `alg` must name this serializer's algorithm (the
    /// error carries the header; the caller adds the payload).
    fn check_alg(&self, header: Map<String, Value>) -> Result<Map<String, Value>, LoadError> {
        let alg = self.alg.name();
        match header.get("alg") {
            Some(Value::String(found)) if found == alg => Ok(header),
            other => {
                let found = match other {
                    Some(Value::String(s)) => s.as_str(),
                    _ => "",
                };
                let e = Error::alg_not_allowed(found);
                Err(LoadError::new(BadDataClass::BadHeader, e).with_header(Value::Object(header)))
            }
        }
    }

    fn parse_header(&self, bytes: &[u8]) -> Result<Map<String, Value>, LoadError> {
        let bad = |e: Error| LoadError::new(BadDataClass::BadHeader, e);
        if bytes.len() > self.limits.max_header_len {
            return Err(bad(Error::ResourceLimit {
                limit: Limit::MaxHeaderLen,
                max: self.limits.max_header_len,
            }));
        }
        check_json_depth(bytes, self.limits.max_json_depth).map_err(bad)?;
        let duplicate = Cell::new(false);
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let err = match UniqueObject(&duplicate)
            .deserialize(&mut de)
            .and_then(|map| de.end().map(|()| map))
        {
            Ok(map) => return Ok(map),
            Err(_) if duplicate.get() => {
                return Err(bad(Error::malformed(
                    Part::Header,
                    "duplicate header member",
                )))
            }
            Err(e) => e,
        };
        let err = if err.is_data() {
            match serde_json::from_slice::<Value>(bytes) {
                // Valid JSON, but not an object: itsdangerous carried it.
                Ok(other) => {
                    return Err(bad(Error::malformed(
                        Part::Header,
                        "header is not a JSON object",
                    ))
                    .with_header(other))
                }
                Err(e) => e,
            }
        } else {
            err
        };
        if is_out_of_range(&err) {
            // Python reads it as infinity; 1.x then failed with
            // OverflowError when it was `exp`.
            Err(bad(Error::invalid_claim("header", OUT_OF_RANGE)))
        } else {
            Err(bad(Error::malformed(
                Part::Header,
                "header is not valid JSON",
            )))
        }
    }

    fn parse_payload(&self, bytes: &[u8]) -> Result<Value, LoadError> {
        let bad = |e: Error| LoadError::new(BadDataClass::BadPayload, e);
        check_json_depth(bytes, self.limits.max_json_depth).map_err(bad)?;
        serde_json::from_slice(bytes)
            .map_err(|_| bad(Error::malformed(Part::Payload, "payload is not valid JSON")))
    }

    /// The payload segment decoded without any check of the signature.
    fn unverified_payload(&self, token: &str) -> Result<Value, LoadError> {
        self.check_len(token)?;
        let Some((signed, _)) = token.rsplit_once('.') else {
            return Err(LoadError::new(
                BadDataClass::BadSignature,
                Error::malformed(Part::Token, "no '.' found in the token"),
            ));
        };
        let Some((_, payload_b64)) = signed.split_once('.') else {
            return Err(LoadError::new(
                BadDataClass::BadPayload,
                Error::malformed(Part::Payload, "no '.' found in the signed part"),
            ));
        };
        let bytes = b64::decode(payload_b64.as_bytes()).map_err(|()| {
            LoadError::new(
                BadDataClass::BadPayload,
                Error::malformed(Part::Payload, "invalid base64url"),
            )
        })?;
        self.parse_payload(&bytes)
    }
}

/// The reason for a header number whose value overflows `f64`.
const OUT_OF_RANGE: &str = "number out of the range of a 64-bit float";

/// Whether serde_json refused a number beyond the `f64` range (`1e400`).
///
/// serde_json exposes no error code, only its message, which is
/// "number out of range" since 1.0; the `exp_inf_via_1e400` test pins it.
fn is_out_of_range(e: &serde_json::Error) -> bool {
    e.is_syntax() && e.to_string().starts_with("number out of range")
}

/// Reads a JSON object into a `Map`, refusing a repeated member name (RFC
/// 7515 §5.2 lets a JWS reader reject them): it sets the flag and fails.
struct UniqueObject<'a>(&'a Cell<bool>);

impl<'de> DeserializeSeed<'de> for UniqueObject<'_> {
    type Value = Map<String, Value>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for UniqueObject<'_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(name) = access.next_key::<String>()? {
            let value = access.next_value::<Value>()?;
            if map.insert(name, value).is_some() {
                self.0.set(true);
                return Err(serde::de::Error::custom("duplicate header member"));
            }
        }
        Ok(map)
    }
}

fn typed<T: DeserializeOwned>(payload: Value) -> Result<T, LoadError> {
    T::deserialize(&payload).map_err(|_| {
        LoadError::new(
            BadDataClass::BadPayload,
            Error::malformed(Part::Payload, "payload does not match the requested type"),
        )
        .with_payload(&payload)
    })
}

/// itsdangerous's `get_issue_date`: `int(header["iat"])` when it is a number.
fn issue_date(header: &Map<String, Value>) -> Option<NumericDate> {
    let iat = header.get("iat")?;
    if let Some(i) = iat.as_i64() {
        return Some(NumericDate::from_secs(i));
    }
    let f = iat.as_f64()?;
    if iat.is_u64() {
        return None;
    }
    NumericDate::from_f64(f, "iat")
        .ok()
        .map(|d| NumericDate::from_secs(trunc_secs(d)))
}

/// Step 6: the header `exp` of the timed serializer.
///
/// The errors carry no payload: the caller adds it.
fn check_exp(
    version: ItsDangerousVersion,
    header: &mut Map<String, Value>,
    now: i64,
) -> Result<(), LoadError> {
    let Some(exp) = header.get("exp") else {
        return Err(LoadError::new(
            BadDataClass::BadSignature,
            Error::missing_claim("exp"),
        ));
    };
    let not_int_date = |reason: &'static str| {
        LoadError::new(
            version.not_int_date_class(),
            Error::invalid_claim("exp", reason),
        )
    };
    let date = match exp {
        Value::Number(_) => NumericDate::from_json_saturating(exp, "exp")
            .map_err(|_| not_int_date("expiry date is not a finite number"))?,
        _ => return Err(not_int_date("expiry date is not a JSON number")),
    };
    let expired = match version {
        ItsDangerousVersion::V1 | ItsDangerousVersion::V2 => {
            // int(exp), then `< 0` is an error and `< now` expired.
            let t = trunc_secs(date);
            if t < 0 {
                return Err(not_int_date("expiry date is negative"));
            }
            if exp.is_f64() && date != NumericDate::MAX && date != NumericDate::MIN {
                // itsdangerous 1.x returns the header with `exp` as an int.
                header.insert("exp".to_owned(), Value::from(t));
            }
            (t < now).then_some(t)
        }
        ItsDangerousVersion::V0_24 => {
            if date <= NumericDate::from_secs(0) {
                return Err(not_int_date("expiry date is not positive"));
            }
            (date < NumericDate::from_secs(now)).then_some(date.secs())
        }
    };
    if let Some(exp) = expired {
        return Err(
            LoadError::new(BadDataClass::SignatureExpired, Error::Expired { exp, now })
                .with_issued_at(issue_date(header)),
        );
    }
    Ok(())
}

/// itsdangerous's `JSONWebSignatureSerializer`: a signed JWS without expiry.
///
/// Tokens carry the header `{<caller fields>, "alg": A}`; `loads` checks the
/// MAC and `alg` only (a header `exp` is just data).
///
/// ```
/// use timed_jws::compat::itsdangerous::{ItsDangerousVersion, JsonWebSignatureSerializer};
///
/// let s = JsonWebSignatureSerializer::builder(b"sekrit")
///     .version(ItsDangerousVersion::V0_24)
///     .build()?;
/// let token = s.dumps_json(r#"{"id": "foobar"}"#)?;
/// assert_eq!(token, "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6ImZvb2JhciJ9._rOVhkIRzXscLJoU8hI_fAUF1_7M3JrGYq9T9liKqFs");
/// assert_eq!(s.loads(&token)?, serde_json::json!({"id": "foobar"}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct JsonWebSignatureSerializer {
    core: Core,
}

impl fmt::Debug for JsonWebSignatureSerializer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.fmt_fields("JsonWebSignatureSerializer", f)
    }
}

/// itsdangerous's `TimedJSONWebSignatureSerializer`: a signed JWS whose
/// header carries `iat` and `exp`.
///
/// ```
/// use timed_jws::compat::itsdangerous::TimedJsonWebSignatureSerializer;
///
/// let s = TimedJsonWebSignatureSerializer::builder(b"secret-key")
///     .salt("password-reset")
///     .expires_in(600)
///     .build()?;
/// let token = s.dumps_at(&serde_json::json!({"user": 42}), 1_700_000_000)?;
/// assert_eq!(s.loads_at(&token, 1_700_000_600)?, serde_json::json!({"user": 42}));
/// let err = s.loads_at(&token, 1_700_000_601).unwrap_err();
/// assert_eq!(err.kind().as_str(), "expired");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TimedJsonWebSignatureSerializer {
    core: Core,
    expires_in: ExpiresIn,
}

impl fmt::Debug for TimedJsonWebSignatureSerializer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.fmt_fields("TimedJsonWebSignatureSerializer", f)
    }
}

impl JsonWebSignatureSerializer {
    /// A builder with the secret key (any length, even empty, as
    /// itsdangerous accepted; the key is never printed).
    pub fn builder(secret: impl AsRef<[u8]>) -> SerializerBuilder<Self> {
        SerializerBuilder::new(secret.as_ref())
    }

    /// The itsdangerous version reproduced.
    pub fn version(&self) -> ItsDangerousVersion {
        self.core.version
    }

    /// The `alg` written and required: `HS256`, `HS384`, `HS512` or `none`.
    pub fn algorithm_name(&self) -> &'static str {
        self.core.alg.name()
    }

    /// Signs `payload` (any JSON value) as itsdangerous's `dumps`. Struct
    /// fields are written in declaration order and maps in iteration order
    /// (a `serde_json::Value` object in sorted order: use
    /// [`dumps_json`](Self::dumps_json) to keep another order).
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] (part payload) when `payload` cannot be written
    /// as JSON (NaN or infinite floats, non-string map keys).
    pub fn dumps<T: Serialize + ?Sized>(&self, payload: &T) -> Result<String, Error> {
        self.core.dumps_value(payload, None)
    }

    /// Signs a payload given as JSON text, re-emitted as Python would write
    /// it (key order and big integers kept, strings escaped per version).
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] (part payload) when the text is not strict JSON,
    /// repeats a member name in an object, or nests deeper than
    /// `max_json_depth`.
    pub fn dumps_json(&self, payload_json: &str) -> Result<String, Error> {
        self.core.dumps_text(payload_json, None)
    }

    /// Verifies `token` and returns its payload (itsdangerous's `loads`).
    ///
    /// # Errors
    ///
    /// A [`LoadError`] with the itsdangerous class, in the order of the
    /// [module documentation](crate::compat::itsdangerous#jws-verification-order-as-itsdangerous)
    /// (steps 1 to 5).
    pub fn loads(&self, token: &str) -> Result<Value, LoadError> {
        Ok(self.core.load(token)?.payload)
    }

    /// Like [`loads`](Self::loads), also returning the header
    /// (`return_header=True`).
    ///
    /// # Errors
    ///
    /// As [`loads`](Self::loads).
    pub fn loads_with_header(&self, token: &str) -> Result<(Value, Map<String, Value>), LoadError> {
        let d = self.core.load(token)?;
        Ok((d.payload, d.header))
    }

    /// Like [`loads`](Self::loads), deserializing the payload into `T`.
    ///
    /// # Errors
    ///
    /// As [`loads`](Self::loads), and `BadPayload` (kind `malformed`) when the
    /// payload does not fit `T`.
    pub fn loads_as<T: DeserializeOwned>(&self, token: &str) -> Result<T, LoadError> {
        self.core.load_as(token, None)
    }

    /// **Unverified**: the `loads_unsafe` use case. Returns `(true,
    /// payload)` when [`loads`](Self::loads) succeeds, otherwise `(false,
    /// payload)` with the payload decoded **without any check**: never trust
    /// it (use it to debug, or to find the account to which to send a new
    /// link).
    ///
    /// # Errors
    ///
    /// When the payload cannot be decoded: no `.` (`BadSignature`), payload
    /// base64 or JSON (`BadPayload`), or a resource limit.
    pub fn loads_unverified(&self, token: &str) -> Result<(bool, Value), LoadError> {
        match self.loads(token) {
            Ok(p) => Ok((true, p)),
            Err(_) => Ok((false, self.core.unverified_payload(token)?)),
        }
    }
}

impl TimedJsonWebSignatureSerializer {
    /// A builder with the secret key (any length, even empty, as
    /// itsdangerous accepted; the key is never printed).
    pub fn builder(secret: impl AsRef<[u8]>) -> SerializerBuilder<Self> {
        SerializerBuilder::new(secret.as_ref())
    }

    /// The itsdangerous version reproduced.
    pub fn version(&self) -> ItsDangerousVersion {
        self.core.version
    }

    /// The `alg` written and required: `HS256`, `HS384`, `HS512` or `none`.
    pub fn algorithm_name(&self) -> &'static str {
        self.core.alg.name()
    }

    /// The token lifetime.
    pub fn expires_in(&self) -> ExpiresIn {
        self.expires_in
    }

    /// Signs `payload` at the current time (see [`dumps_at`](Self::dumps_at)).
    ///
    /// # Errors
    ///
    /// As [`dumps_at`](Self::dumps_at).
    pub fn dumps<T: Serialize + ?Sized>(&self, payload: &T) -> Result<String, Error> {
        self.dumps_at(payload, NumericDate::now())
    }

    /// Signs `payload` (any JSON value) as itsdangerous's `dumps` with the
    /// clock at `now` (truncated to whole seconds): `iat = now`,
    /// `exp = now + expires_in`. Struct fields are written in declaration
    /// order and maps in iteration order (a `serde_json::Value` object in
    /// sorted order: use [`dumps_json_at`](Self::dumps_json_at) to keep
    /// another order).
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] (part payload) when `payload` cannot be written
    /// as JSON; [`Error::InvalidClaim`] (claim `exp`) when `now +
    /// expires_in` overflows.
    pub fn dumps_at<T: Serialize + ?Sized>(
        &self,
        payload: &T,
        now: impl UnixTime,
    ) -> Result<String, Error> {
        self.core
            .dumps_value(payload, Some((now.unix_seconds(), self.expires_in)))
    }

    /// Signs JSON text at the current time (see
    /// [`dumps_json_at`](Self::dumps_json_at)).
    ///
    /// # Errors
    ///
    /// As [`dumps_json_at`](Self::dumps_json_at).
    pub fn dumps_json(&self, payload_json: &str) -> Result<String, Error> {
        self.dumps_json_at(payload_json, NumericDate::now())
    }

    /// Signs a payload given as JSON text at `now`, re-emitted as Python
    /// would write it (key order and big integers kept, strings escaped per
    /// version).
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] (part payload) when the text is not strict JSON,
    /// repeats a member name in an object, or nests deeper than
    /// `max_json_depth`; [`Error::InvalidClaim`] (claim `exp`) when `now + expires_in`
    /// overflows.
    pub fn dumps_json_at(&self, payload_json: &str, now: impl UnixTime) -> Result<String, Error> {
        self.core
            .dumps_text(payload_json, Some((now.unix_seconds(), self.expires_in)))
    }

    /// Verifies `token` at the current time (see [`loads_at`](Self::loads_at)).
    ///
    /// # Errors
    ///
    /// As [`loads_at`](Self::loads_at).
    pub fn loads(&self, token: &str) -> Result<Value, LoadError> {
        self.loads_at(token, NumericDate::now())
    }

    /// Verifies `token` with the clock at `now` (truncated to whole seconds)
    /// and returns its payload (itsdangerous's `loads`).
    ///
    /// # Errors
    ///
    /// A [`LoadError`] with the itsdangerous class, in the order of the
    /// [module documentation](crate::compat::itsdangerous#jws-verification-order-as-itsdangerous);
    /// `SignatureExpired` carries the payload and
    /// `date_signed`.
    pub fn loads_at(&self, token: &str, now: impl UnixTime) -> Result<Value, LoadError> {
        Ok(self.load_at(token, now.unix_seconds())?.payload)
    }

    /// Like [`loads`](Self::loads), also returning the header.
    ///
    /// # Errors
    ///
    /// As [`loads_at`](Self::loads_at).
    pub fn loads_with_header(&self, token: &str) -> Result<(Value, Map<String, Value>), LoadError> {
        self.loads_with_header_at(token, NumericDate::now())
    }

    /// Like [`loads_at`](Self::loads_at), also returning the header
    /// (`return_header=True`). With 1.x, a float `exp` is returned truncated
    /// to an integer, as itsdangerous 1.x did.
    ///
    /// # Errors
    ///
    /// As [`loads_at`](Self::loads_at).
    pub fn loads_with_header_at(
        &self,
        token: &str,
        now: impl UnixTime,
    ) -> Result<(Value, Map<String, Value>), LoadError> {
        let d = self.load_at(token, now.unix_seconds())?;
        Ok((d.payload, d.header))
    }

    /// Like [`loads`](Self::loads), deserializing the payload into `T`.
    ///
    /// # Errors
    ///
    /// As [`loads_as_at`](Self::loads_as_at).
    pub fn loads_as<T: DeserializeOwned>(&self, token: &str) -> Result<T, LoadError> {
        self.loads_as_at(token, NumericDate::now())
    }

    /// Like [`loads_at`](Self::loads_at), deserializing the payload into `T`.
    ///
    /// # Errors
    ///
    /// As [`loads_at`](Self::loads_at), and `BadPayload` (kind `malformed`)
    /// when the payload does not fit `T`.
    pub fn loads_as_at<T: DeserializeOwned>(
        &self,
        token: &str,
        now: impl UnixTime,
    ) -> Result<T, LoadError> {
        self.core.load_as(token, Some(now.unix_seconds()))
    }

    /// **Unverified**, at the current time: see
    /// [`loads_unverified_at`](Self::loads_unverified_at).
    ///
    /// # Errors
    ///
    /// As [`loads_unverified_at`](Self::loads_unverified_at).
    pub fn loads_unverified(&self, token: &str) -> Result<(bool, Value), LoadError> {
        self.loads_unverified_at(token, NumericDate::now())
    }

    /// **Unverified**: the `loads_unsafe` use case. Returns `(true,
    /// payload)` when [`loads_at`](Self::loads_at) succeeds, otherwise
    /// `(false, payload)` with the payload decoded **without any check** of
    /// signature or expiry: never trust it.
    ///
    /// # Errors
    ///
    /// When the payload cannot be decoded: no `.` (`BadSignature`), payload
    /// base64 or JSON (`BadPayload`), or a resource limit.
    pub fn loads_unverified_at(
        &self,
        token: &str,
        now: impl UnixTime,
    ) -> Result<(bool, Value), LoadError> {
        match self.loads_at(token, now) {
            Ok(p) => Ok((true, p)),
            Err(_) => Ok((false, self.core.unverified_payload(token)?)),
        }
    }

    fn load_at(&self, token: &str, now: i64) -> Result<Decoded, LoadError> {
        let mut d = self.core.load(token)?;
        check_exp(self.core.version, &mut d.header, now).map_err(|e| e.with_payload(&d.payload))?;
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use serde_json::json;

    #[test]
    fn salted_key_is_sha1_of_salt_signer_secret() {
        // signing.json "salt_custom_hs256": hmac_key_hex
        // 935dc2815bd060f610f7307f5c9145b02ed66fe9 is for salt "itsdangerous".
        let s = TimedJsonWebSignatureSerializer::builder(b"sekrit")
            .algorithm(Algorithm::HS256)
            .salt("itsdangerous")
            .build()
            .unwrap();
        let token = s.dumps_at(&json!({"id": "foobar"}), 1_700_000_000).unwrap();
        let key_bytes = [
            0x93, 0x5d, 0xc2, 0x81, 0x5b, 0xd0, 0x60, 0xf6, 0x10, 0xf7, 0x30, 0x7f, 0x5c, 0x91,
            0x45, 0xb0, 0x2e, 0xd6, 0x6f, 0xe9,
        ];
        let key = Key::hmac_unchecked(Algorithm::HS256, &key_bytes);
        let (signed, sig) = token.rsplit_once('.').unwrap();
        assert_eq!(
            key.verify(signed.as_bytes(), &b64::decode(sig.as_bytes()).unwrap()),
            Ok(())
        );
    }

    #[test]
    fn trunc_is_towards_zero() {
        let d = NumericDate::from_f64(-0.5, "x").unwrap();
        assert_eq!(trunc_secs(d), 0);
        let d = NumericDate::from_f64(-1.5, "x").unwrap();
        assert_eq!(trunc_secs(d), -1);
        assert_eq!(trunc_secs(NumericDate::from_f64(2.9, "x").unwrap()), 2);
    }

    fn signed(s: &TimedJsonWebSignatureSerializer, header: &str, payload: &str) -> String {
        s.core.sign(header.as_bytes(), payload.as_bytes()).unwrap()
    }

    /// Class, kind, carried payload, carried header.
    type Outcome = (BadDataClass, ErrorKind, Option<Value>, Option<Value>);

    fn outcome(e: &LoadError) -> Outcome {
        (
            e.itsdangerous_class(),
            e.kind(),
            e.payload().cloned(),
            e.header().cloned(),
        )
    }

    #[test]
    fn loads_as_has_the_errors_of_loads_in_the_same_order() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct A {
            a: u32,
        }
        use BadDataClass::{BadHeader, BadPayload, SignatureExpired};
        let s = TimedJsonWebSignatureSerializer::builder(b"k")
            .algorithm(Algorithm::HS256)
            .build()
            .unwrap();
        let now = 1_700_000_000;
        let good = r#"{"alg":"HS256","exp":1800000000}"#;
        // A repeated payload member keeps the last value, as in `loads`.
        let t = signed(&s, good, r#"{"a":1,"a":2}"#);
        assert_eq!(s.loads_as_at::<A>(&t, now), Ok(A { a: 2 }));
        let cases: [(&str, &str, Outcome); 7] = [
            // Invalid payload JSON is reported before the alg mismatch.
            (
                r#"{"alg":"HS512","exp":1800000000}"#,
                r#"{"a":"#,
                (BadPayload, ErrorKind::Malformed, None, None),
            ),
            (
                r#"{"alg":"HS512","exp":1800000000}"#,
                r#"{"a":1}"#,
                (
                    BadHeader,
                    ErrorKind::AlgorithmNotAllowed,
                    Some(json!({"a": 1})),
                    Some(json!({"alg": "HS512", "exp": 1_800_000_000})),
                ),
            ),
            (
                r#"{"alg":"HS256","exp":1600000000}"#,
                r#"{"a":1}"#,
                (
                    SignatureExpired,
                    ErrorKind::Expired,
                    Some(json!({"a": 1})),
                    None,
                ),
            ),
            (
                good,
                r#"{"a":"x"}"#,
                (
                    BadPayload,
                    ErrorKind::Malformed,
                    Some(json!({"a": "x"})),
                    None,
                ),
            ),
            (
                r#"{"alg":"HS256","exp":1800000000,"exp":1}"#,
                r#"{"a":1}"#,
                (BadHeader, ErrorKind::Malformed, None, None),
            ),
            (
                "[1e400]",
                r#"{"a":1}"#,
                (BadHeader, ErrorKind::InvalidClaim, None, None),
            ),
            (
                "[1]",
                r#"{"a":1}"#,
                (BadHeader, ErrorKind::Malformed, None, Some(json!([1]))),
            ),
        ];
        for (header, payload, want) in cases {
            let t = signed(&s, header, payload);
            let typed = s.loads_as_at::<A>(&t, now).unwrap_err();
            assert_eq!(outcome(&typed), want, "{header} {payload}");
            if payload != r#"{"a":"x"}"# {
                // The same error as `loads` (which accepts `{"a":"x"}`).
                assert_eq!(
                    s.loads_at(&t, now).unwrap_err(),
                    typed,
                    "{header} {payload}"
                );
            }
        }
    }

    #[test]
    fn serde_json_reading_differences() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct A {
            a: u32,
        }
        let s = TimedJsonWebSignatureSerializer::builder(b"k")
            .algorithm(Algorithm::HS256)
            .build()
            .unwrap();
        let now = 1_700_000_000;
        let good = r#"{"alg":"HS256","exp":1800000000}"#;
        // `-0` is read as the float -0.0 (Python: the int 0).
        let p = s.loads_at(&signed(&s, good, "[-0]"), now).unwrap();
        assert_eq!(p[0].as_f64().map(f64::to_bits), Some((-0.0f64).to_bits()));
        // Repeated names inside a nested header value keep the last.
        let t = signed(
            &s,
            r#"{"alg":"HS256","exp":1800000000,"x":{"b":1,"b":2}}"#,
            "1",
        );
        assert_eq!(
            s.loads_with_header_at(&t, now).unwrap().1["x"],
            json!({"b": 2})
        );
        // Content that `T` skips is not checked beyond JSON syntax by
        // `loads_as`; `loads` refuses it.
        for payload in [r#"{"a":1,"b":"\ud800"}"#, r#"{"a":1,"b":1e400}"#] {
            let t = signed(&s, good, payload);
            assert_eq!(s.loads_as_at::<A>(&t, now), Ok(A { a: 1 }), "{payload}");
            let e = s.loads_at(&t, now).unwrap_err();
            assert_eq!(
                outcome(&e),
                (BadDataClass::BadPayload, ErrorKind::Malformed, None, None)
            );
        }
        // Invalid UTF-8 is refused by both, even in a skipped string.
        let t = s
            .core
            .sign(good.as_bytes(), b"{\"a\":1,\"b\":\"\xff\"}")
            .unwrap();
        for e in [
            s.loads_as_at::<A>(&t, now).unwrap_err(),
            s.loads_at(&t, now).unwrap_err(),
        ] {
            assert_eq!(
                outcome(&e),
                (BadDataClass::BadPayload, ErrorKind::Malformed, None, None)
            );
        }
    }

    #[test]
    fn debug_never_shows_secret() {
        let b = TimedJsonWebSignatureSerializer::builder(b"hunter2-secret").salt("pepper-salt");
        let s = b.clone().build().unwrap();
        let text = format!("{b:?} {s:?} {b:#?} {s:#?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("pepper"), "{text}");
        assert!(!text.contains("104, 117"), "{text}");
    }
}
