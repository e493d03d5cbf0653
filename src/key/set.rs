//! Key sets and key rotation: several keys told apart by `kid`
//! (RFC 7515 §4.1.4).

use crate::alg::Algorithm;
use crate::error::{truncate, Error, Limit};
use crate::key::Key;
use crate::limits::Limits;

/// A set of keys, each named by a `kid`, with one current signing key.
///
/// * **Signing** uses the current key and writes its `kid` into the header.
///   The first key added that may sign becomes current;
///   [`KeySet::rotate`] adds a key and makes it current.
/// * **Verifying** a token with a `kid` uses the key of that `kid` and no
///   other; no such key is `unknown_key`, and a key bound to another
///   algorithm than the header's `alg` is `algorithm_not_allowed`.
/// * **Tokens without `kid`**: by default every key whose algorithm is the
///   header's `alg` is tried, current key first then in insertion order. No
///   such key is `algorithm_not_allowed`; more such keys than
///   [`Limits::max_keys_tried`] is `resource_limit` (nothing is tried); none
///   verifying is `invalid_signature`. With [`KeySet::require_kid`], tokens
///   without `kid` are refused (`unknown_key`).
/// * **Retiring** a key is one line: [`KeySet::retire`]. Tokens it signed then
///   fail with `unknown_key`.
///
/// `kid` values are compared exactly (RFC 7515 §4.1.4: case-sensitive
/// strings); two keys may not share a `kid`.
///
/// ```
/// use timed_jws::{Algorithm, Key, KeySet};
///
/// let mut keys = KeySet::new();
/// keys.add(Key::hmac(Algorithm::HS256, &[1; 32])?.with_kid("2025-01"))?;
/// keys.rotate(Key::hmac(Algorithm::HS256, &[2; 32])?.with_kid("2025-07"))?;
/// assert_eq!(keys.current().and_then(|k| k.kid()), Some("2025-07"));
/// keys.retire("2025-01");
/// assert_eq!(keys.len(), 1);
/// # Ok::<(), timed_jws::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    entries: Vec<Entry>,
    current: Option<usize>,
    require_kid: bool,
}

#[derive(Debug, Clone)]
struct Entry {
    key: Key,
    can_sign: bool,
}

impl KeySet {
    /// An empty key set.
    pub fn new() -> Self {
        KeySet::default()
    }

    /// Adds a key that may sign and verify. It becomes the current signing
    /// key when there is none.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when another key has the same `kid`.
    pub fn add(&mut self, key: Key) -> Result<(), Error> {
        self.push(key, true)
    }

    /// Builder form of [`KeySet::add`].
    ///
    /// # Errors
    ///
    /// As [`KeySet::add`].
    pub fn with_key(mut self, key: Key) -> Result<Self, Error> {
        self.add(key)?;
        Ok(self)
    }

    /// Adds a key used only to verify (for example one whose JWK `key_ops`
    /// is `["verify"]`); it never becomes the signing key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when another key has the same `kid`.
    pub fn add_verify_only(&mut self, key: Key) -> Result<(), Error> {
        self.push(key, false)
    }

    pub(crate) fn push(&mut self, key: Key, can_sign: bool) -> Result<(), Error> {
        if let Some(kid) = key.kid() {
            if self.get(kid).is_some() {
                return Err(Error::InvalidKey {
                    reason: "duplicate kid in key set",
                });
            }
        }
        self.entries.push(Entry { key, can_sign });
        if can_sign && self.current.is_none() {
            self.current = Some(self.entries.len() - 1);
        }
        Ok(())
    }

    /// Adds `key` and makes it the current signing key; the previous keys
    /// stay available for verification until retired.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when another key has the same `kid`.
    pub fn rotate(&mut self, key: Key) -> Result<(), Error> {
        self.push(key, true)?;
        self.current = Some(self.entries.len() - 1);
        Ok(())
    }

    /// Makes the key named `kid` the current signing key.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownKey`] when no key has that `kid`;
    /// [`Error::InvalidKey`] when that key is verify-only.
    pub fn set_current(&mut self, kid: &str) -> Result<(), Error> {
        let i = self.position(kid).ok_or_else(|| Error::UnknownKey {
            kid: Some(truncate(kid)),
        })?;
        if !self.entries.get(i).is_some_and(|e| e.can_sign) {
            return Err(Error::InvalidKey {
                reason: "key is verify-only",
            });
        }
        self.current = Some(i);
        Ok(())
    }

    /// Removes the key named `kid` and returns it (`None` when absent).
    /// Retiring the current key leaves the set without a signing key until
    /// [`KeySet::set_current`] or [`KeySet::rotate`].
    pub fn retire(&mut self, kid: &str) -> Option<Key> {
        let i = self.position(kid)?;
        let entry = self.entries.remove(i);
        self.current = match self.current {
            Some(c) if c == i => None,
            Some(c) if c > i => Some(c - 1),
            other => other,
        };
        Some(entry.key)
    }

    /// Refuses tokens without `kid` (`unknown_key`) instead of trying the
    /// keys of the header's algorithm.
    pub fn require_kid(mut self, require: bool) -> Self {
        self.require_kid = require;
        self
    }

    /// The current signing key, if any.
    pub fn current(&self) -> Option<&Key> {
        self.current
            .and_then(|i| self.entries.get(i))
            .map(|e| &e.key)
    }

    /// The current signing key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the set has none (empty, verify-only keys,
    /// or the current key was retired).
    pub fn signing_key(&self) -> Result<&Key, Error> {
        self.current().ok_or(Error::InvalidKey {
            reason: "key set has no current signing key",
        })
    }

    /// The key named `kid`, if any.
    pub fn get(&self, kid: &str) -> Option<&Key> {
        self.position(kid)
            .and_then(|i| self.entries.get(i))
            .map(|e| &e.key)
    }

    fn position(&self, kid: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.key.kid() == Some(kid))
    }

    /// Every key, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Key> {
        self.entries.iter().map(|e| &e.key)
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set has no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Picks the key for a token whose header names `kid` and `alg`, and
    /// checks the signature with it (see the type documentation for the
    /// rules).
    pub(crate) fn verify_token(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
        signing_input: &[u8],
        signature: &[u8],
        limits: &Limits,
    ) -> Result<(), Error> {
        if let Some(kid) = kid {
            let key = self.get(kid).ok_or_else(|| Error::UnknownKey {
                kid: Some(truncate(kid)),
            })?;
            return key.verify_as(alg, signing_input, signature);
        }
        if self.require_kid {
            return Err(Error::UnknownKey { kid: None });
        }
        let current = self.current.and_then(|i| self.entries.get(i));
        let others = self
            .entries
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != self.current)
            .map(|(_, e)| e);
        let mut candidates = current
            .into_iter()
            .chain(others)
            .filter(|e| e.key.algorithm() == alg);
        let count = candidates.clone().count();
        if count == 0 {
            return Err(Error::alg_not_allowed(alg.as_str()));
        }
        if count > limits.max_keys_tried {
            return Err(Error::ResourceLimit {
                limit: Limit::MaxKeysTried,
                max: limits.max_keys_tried,
            });
        }
        if candidates.any(|e| e.key.verify(signing_input, signature).is_ok()) {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn k(byte: u8, kid: &str) -> Key {
        Key::hmac(Algorithm::HS256, &[byte; 32])
            .unwrap()
            .with_kid(kid)
    }

    #[test]
    fn current_tracking() {
        let mut s = KeySet::new();
        assert_eq!(s.signing_key().unwrap_err().kind(), ErrorKind::InvalidKey);
        s.add_verify_only(k(0, "v")).unwrap();
        assert!(s.current().is_none());
        assert_eq!(
            s.set_current("v").unwrap_err().kind(),
            ErrorKind::InvalidKey
        );
        s.add(k(1, "a")).unwrap();
        s.add(k(2, "b")).unwrap();
        assert_eq!(s.current().and_then(Key::kid), Some("a"));
        assert_eq!(s.add(k(3, "a")).unwrap_err().kind(), ErrorKind::InvalidKey);
        s.set_current("b").unwrap();
        assert!(s.retire("a").is_some());
        assert_eq!(s.current().and_then(Key::kid), Some("b"));
        assert!(s.retire("b").is_some());
        assert!(s.current().is_none());
        assert!(s.retire("b").is_none());
        assert_eq!(
            s.set_current("zz").unwrap_err().kind(),
            ErrorKind::UnknownKey
        );
        assert_eq!(s.len(), 1);
    }
}
