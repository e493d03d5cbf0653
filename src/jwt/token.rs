//! A decoded JWT ([`Jwt`]) and where its verification key comes from
//! ([`KeySource`]).

use crate::jws::header::Header;
use crate::jwt::claims::RegisteredClaims;
use crate::key::set::KeySet;
use crate::key::Key;

/// Where [`crate::jwt::decode`] finds the verification key: one [`Key`] or a
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
#[derive(Debug, Clone, PartialEq)]
pub struct Jwt<T = serde_json::Map<String, serde_json::Value>> {
    pub(crate) header: Header,
    pub(crate) registered: RegisteredClaims,
    pub(crate) claims: T,
}

impl<T> Jwt<T> {
    /// The JWS Protected Header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The registered claims (RFC 7519 §4.1) found in the claims set: the
    /// ones the validation used.
    pub fn registered(&self) -> &RegisteredClaims {
        &self.registered
    }

    /// The claims set as `T`.
    pub fn claims(&self) -> &T {
        &self.claims
    }

    /// The claims set as `T`, by value.
    pub fn into_claims(self) -> T {
        self.claims
    }

    /// Header, registered claims and `T`, by value.
    pub fn into_parts(self) -> (Header, RegisteredClaims, T) {
        (self.header, self.registered, self.claims)
    }
}
