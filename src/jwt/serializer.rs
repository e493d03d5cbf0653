//! A JWT serializer configured once with a key and a lifetime: the
//! idiomatic face of itsdangerous's `TimedJSONWebSignatureSerializer`, with
//! standard claims (RFC 7519) instead of itsdangerous's header `iat`/`exp`.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Error;
use crate::jws::header::Header;
use crate::jwt::claims::Claim;
use crate::jwt::token::{Jwt, KeySource};
use crate::jwt::validation::Validation;
use crate::jwt::{decode_at, encode};
use crate::key::set::KeySet;
use crate::key::Key;
use crate::time::NumericDate;

#[derive(Debug, Clone)]
enum Keys {
    One(Key),
    Set(KeySet),
}

/// Makes and checks expiring JWTs with one configuration.
///
/// [`JwtSerializer::encode`] writes the caller's claims plus `iss` and `aud`
/// (when configured), `iat` (now) and `exp` (now + `expires_in` seconds),
/// and signs with the key (or the key set's current key, whose `kid` goes
/// into the header). [`JwtSerializer::decode`] verifies and validates with
/// the policy derived from the same configuration: `exp` and `iat` required,
/// `iss` and `aud` required and checked when configured, leeway as set
/// (default 0).
///
/// Differences from itsdangerous's `TimedJSONWebSignatureSerializer`: the
/// lifetime claims are standard payload claims (not header members), the
/// default algorithm is the key's (HS256/384/512, not always HS512), there
/// is no salt (use distinct keys per purpose, or an audience), and the
/// tokens are ordinary JWTs any RFC 7519 library can verify.
///
/// ```
/// use timed_jws::{Algorithm, Key, JwtSerializer, NumericDate};
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// struct Reset { user_id: u64 }
///
/// let key = Key::hmac(Algorithm::HS256, b"an example key of at least 32 bytes!")?;
/// let s = JwtSerializer::new(key, 3600).issuer("https://app.example");
/// let t0 = NumericDate::from_secs(1_700_000_000);
/// let token = s.encode_at(&Reset { user_id: 42 }, t0)?;
/// let later = t0.saturating_add_secs(3599);
/// assert_eq!(s.decode_claims_at::<Reset>(&token, later)?, Reset { user_id: 42 });
/// assert_eq!(
///     s.decode_claims_at::<Reset>(&token, t0.saturating_add_secs(3600)).unwrap_err().kind(),
///     timed_jws::ErrorKind::Expired
/// );
/// # Ok::<(), timed_jws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct JwtSerializer {
    keys: Keys,
    expires_in: u64,
    issuer: Option<String>,
    audience: Option<String>,
    validation: Validation,
}

/// The claims `encode` adds, written before the caller's.
#[derive(Serialize)]
struct Stamped<'a, C: ?Sized> {
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<&'a str>,
    iat: NumericDate,
    exp: NumericDate,
    #[serde(flatten)]
    claims: &'a C,
}

impl JwtSerializer {
    /// A serializer signing with `key`, tokens valid for `expires_in`
    /// seconds after they are made.
    pub fn new(key: Key, expires_in: u64) -> Self {
        Self::build(Keys::One(key), expires_in)
    }

    /// A serializer signing with the current key of `keys` and verifying
    /// with any key of the set (chosen by `kid`), for key rotation.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the set has no current signing key.
    pub fn with_key_set(keys: KeySet, expires_in: u64) -> Result<Self, Error> {
        keys.signing_key()?;
        Ok(Self::build(Keys::Set(keys), expires_in))
    }

    fn build(keys: Keys, expires_in: u64) -> Self {
        JwtSerializer {
            keys,
            expires_in,
            issuer: None,
            audience: None,
            validation: Validation::new().require(Claim::Iat),
        }
    }

    /// Writes `iss` into every token and accepts only tokens with this
    /// issuer.
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        let iss = iss.into();
        self.validation = self.validation.issuer(iss.clone());
        self.issuer = Some(iss);
        self
    }

    /// Writes `aud` into every token and accepts only tokens for this
    /// audience.
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        let aud = aud.into();
        self.validation = self.validation.audience(aud.clone());
        self.audience = Some(aud);
        self
    }

    /// Clock-skew allowance in seconds for `exp` and `nbf` when decoding
    /// (read it back with `validation().leeway()`).
    pub fn with_leeway(mut self, secs: u64) -> Self {
        self.validation = self.validation.with_leeway(secs);
        self
    }

    /// The lifetime of new tokens, in seconds.
    pub fn expires_in(&self) -> u64 {
        self.expires_in
    }

    /// The validation policy `decode` applies.
    pub fn validation(&self) -> &Validation {
        &self.validation
    }

    /// The key set, when configured with one (to rotate or retire keys,
    /// rebuild the serializer or keep the set elsewhere).
    pub fn key_set(&self) -> Option<&KeySet> {
        match &self.keys {
            Keys::Set(s) => Some(s),
            Keys::One(_) => None,
        }
    }

    /// Signs `claims` (a type serialising to a JSON object) with `iat` and
    /// `exp` set from the system clock; see [`JwtSerializer::encode_at`].
    ///
    /// # Errors
    ///
    /// As [`JwtSerializer::encode_at`].
    pub fn encode<C: Serialize + ?Sized>(&self, claims: &C) -> Result<String, Error> {
        self.encode_at(claims, NumericDate::now())
    }

    /// Signs `claims` with `iat = now` and `exp = now + expires_in`, plus
    /// `iss`/`aud` when configured.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidClaim`] (`exp`) when `now + expires_in` is beyond the
    /// NumericDate range; [`Error::Malformed`] (part Payload) when `claims`
    /// is not a JSON object or already has one of the names the serializer
    /// writes; [`Error::InvalidKey`] when a key set has no signing key.
    pub fn encode_at<C: Serialize + ?Sized>(
        &self,
        claims: &C,
        now: NumericDate,
    ) -> Result<String, Error> {
        let exp = i64::try_from(self.expires_in)
            .ok()
            .and_then(|secs| now.checked_add_secs(secs))
            .ok_or_else(|| Error::invalid_claim("exp", "NumericDate out of range"))?;
        let stamped = Stamped {
            iss: self.issuer.as_deref(),
            aud: self.audience.as_deref(),
            iat: now,
            exp,
            claims,
        };
        let key = match &self.keys {
            Keys::One(k) => k,
            Keys::Set(s) => s.signing_key()?,
        };
        encode(&Header::default(), &stamped, key)
    }

    /// Verifies and validates `token` at the system time; see
    /// [`JwtSerializer::decode_at`].
    ///
    /// # Errors
    ///
    /// As [`crate::jwt::decode_at`].
    pub fn decode<T: DeserializeOwned>(&self, token: &str) -> Result<Jwt<T>, Error> {
        self.decode_at(token, NumericDate::now())
    }

    /// Verifies and validates `token` at `now` with this serializer's policy
    /// and returns its header, registered claims and claims set as `T`
    /// ([`crate::jwt::decode_at`] with the serializer's keys and policy).
    ///
    /// # Errors
    ///
    /// As [`crate::jwt::decode_at`].
    pub fn decode_at<T: DeserializeOwned>(
        &self,
        token: &str,
        now: NumericDate,
    ) -> Result<Jwt<T>, Error> {
        let keys: KeySource<'_> = match &self.keys {
            Keys::One(k) => k.into(),
            Keys::Set(s) => s.into(),
        };
        decode_at(token, keys, &self.validation, now)
    }

    /// Verifies and validates `token` at the system time and returns its
    /// claims set as `T`; see [`JwtSerializer::decode_claims_at`].
    ///
    /// # Errors
    ///
    /// As [`crate::jwt::decode_at`].
    pub fn decode_claims<T: DeserializeOwned>(&self, token: &str) -> Result<T, Error> {
        self.decode_claims_at(token, NumericDate::now())
    }

    /// [`JwtSerializer::decode_at`] returning only the claims set as `T`.
    ///
    /// # Errors
    ///
    /// As [`crate::jwt::decode_at`].
    pub fn decode_claims_at<T: DeserializeOwned>(
        &self,
        token: &str,
        now: NumericDate,
    ) -> Result<T, Error> {
        self.decode_at(token, now).map(Jwt::into_claims)
    }
}
