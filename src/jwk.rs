//! JSON Web Keys (RFC 7517) and JWK Sets: `kty` `"oct"` (RFC 7518 §6.4),
//! `"RSA"` (§6.3), `"EC"` (§6.2, P-256 and P-384) and `"OKP"` (RFC 8037,
//! Ed25519).
//!
//! [`JwkLoader`] applies the JWK-level rules (`kty`, `kid`, `use`,
//! `key_ops`, `alg`) the same way for every key type, then builds the key
//! from its members through [`crate::asym::key_from_jwk_members`]'s code
//! path, so a JWK gives the same key whichever way it is loaded.

use serde_json::{Map, Value};

use crate::alg::{Algorithm, AlgorithmFamily};
use crate::error::Error;
use crate::key::Key;
use crate::keyset::KeySet;

/// Options for turning JWKs into keys.
///
/// The rules, for one JWK (RFC 7517 §4):
///
/// * `kty` (RFC 7517 §4.1) is required: `"oct"`, `"RSA"`, `"EC"` or
///   `"OKP"`; any other is "unsupported kty".
/// * `kid` (RFC 7517 §4.5), when present, must be a string; it becomes the
///   key's `kid`.
/// * `use` (RFC 7517 §4.2), when present, must be `"sig"`.
/// * `key_ops` (RFC 7517 §4.3), when present, must be an array of distinct
///   strings that contains `"sign"` or `"verify"`; a key without `"sign"`
///   is verify-only in a key set. When both `use` and `key_ops` are present
///   they must agree (no operation other than `sign`/`verify`).
/// * `alg` (RFC 7517 §4.4), when present, must be a string naming an
///   implemented JWS algorithm that fits the key type (`HS*` for `oct`,
///   `RS*`/`PS*` for `RSA`, `ES256` for P-256, `ES384` for P-384, `EdDSA`
///   for Ed25519), and binds the key to it. When absent, an `EC` or `OKP`
///   key takes its curve's algorithm; an `oct` or `RSA` key takes the
///   loader's [`JwkLoader::default_algorithm`] when that fits its type, and
///   is refused otherwise.
/// * The key members: `k` for `oct` (strict base64url, at least as long as
///   RFC 7518 §3.2 requires unless [`JwkLoader::allow_short_secret`] is
///   used, never empty, never PEM or SSH public key text); `n`, `e` (and
///   all of `d`, `p`, `q`, `dp`, `dq`, `qi` for a private key) for `RSA`,
///   with a modulus of at least 2048 bits; `crv`, `x`, `y` (and `d`) for
///   `EC`; `crv`, `x` (and `d`) for `OKP`. Public `RSA`/`EC`/`OKP` keys
///   can only verify.
/// * Other members (`x5c`, `x5t`, ...) are ignored.
///
/// Every violation is [`Error::InvalidKey`].
///
/// In a JWK Set (`{"keys": [...]}`, RFC 7517 §5), JWKs this crate does not
/// understand are skipped, as RFC 7517 §5 asks: an unsupported `kty`, `use`
/// other than `"sig"`, `key_ops` allowing neither `sign` nor `verify`, an
/// `alg` that is not an implemented JWS algorithm (such as `RSA-OAEP` or
/// `ES512`), or an unsupported curve (P-521, Ed448). Any other violation
/// refuses the whole set, and so does a set left with no key. Keys are
/// picked by `kid` when verifying; the first key that may sign (a secret or
/// private key whose `key_ops`, if any, include `sign`) becomes the
/// current signing key.
///
/// ```
/// use timed_jws::jwk::JwkLoader;
/// use timed_jws::Algorithm;
///
/// let set = r#"{"keys":[
///   {"kty":"oct","kid":"a","alg":"HS256","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"},
///   {"kty":"EC","kid":"ec","crv":"P-256",
///    "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
///   {"kty":"RSA","kid":"enc","use":"enc","alg":"RSA-OAEP","n":"AQAB","e":"AQAB"}
/// ]}"#;
/// let keys = JwkLoader::new().key_set(set)?;
/// assert_eq!(keys.len(), 2);
/// assert_eq!(keys.get("a").map(|k| k.algorithm()), Some(Algorithm::HS256));
/// assert_eq!(keys.get("ec").map(|k| k.algorithm()), Some(Algorithm::ES256));
/// assert!(keys.get("enc").is_none());
/// # Ok::<(), timed_jws::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JwkLoader {
    default_alg: Option<Algorithm>,
    allow_short_secret: bool,
}

/// One parsed JWK: the key and whether it may sign.
struct Loaded {
    key: Key,
    can_sign: bool,
}

/// Why a JWK was not turned into a key.
enum Refusal {
    /// Not for this crate (unsupported `kty`, `alg` or curve, not a
    /// signature key): skipped inside a set.
    Skip(&'static str),
    /// A mistake: refuses a set too.
    Invalid(&'static str),
}

impl JwkLoader {
    /// The default loader: `alg` required in each `oct` and `RSA` JWK (`EC`
    /// and `OKP` keys default to their curve's algorithm), RFC 7518 §3.2
    /// key lengths enforced.
    pub fn new() -> Self {
        JwkLoader::default()
    }

    /// The algorithm for `oct` or `RSA` JWKs without `alg` whose key type
    /// fits it (an HMAC algorithm for `oct`, `RS*`/`PS*` for `RSA`; RFC 7517
    /// §4.4 makes `alg` optional, and RFC 7515 Appendix A.1's key, for
    /// example, has none). JWKs of the other types are unaffected.
    pub fn default_algorithm(mut self, alg: Algorithm) -> Self {
        self.default_alg = Some(alg);
        self
    }

    /// Accepts `oct` secrets shorter than RFC 7518 §3.2 requires (as
    /// [`Key::hmac_allow_short_secret`]); empty secrets are still refused.
    pub fn allow_short_secret(mut self) -> Self {
        self.allow_short_secret = true;
        self
    }

    /// One JWK (a JSON object) as a [`Key`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for every rule of [`JwkLoader`], including
    /// "unsupported kty" and keys whose `use`/`key_ops` forbid signatures.
    pub fn key(&self, jwk_json: &str) -> Result<Key, Error> {
        let value = parse_object(jwk_json, "JWK is not a JSON object")?;
        match self.load(&value) {
            Ok(l) => Ok(l.key),
            Err(Refusal::Skip(reason) | Refusal::Invalid(reason)) => {
                Err(Error::InvalidKey { reason })
            }
        }
    }

    /// A JWK Set (`{"keys": [...]}`) or a single JWK as a [`KeySet`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the JSON is not a JWK Set or JWK, when a
    /// JWK breaks a rule other than the skipped ones, when two keys share a
    /// `kid`, or when no usable key remains.
    pub fn key_set(&self, json: &str) -> Result<KeySet, Error> {
        let value = parse_object(json, "JWK Set is not a JSON object")?;
        let mut set = KeySet::new();
        if !value.contains_key("keys") {
            // A single JWK.
            let l = self.load(&value).map_err(
                |(Refusal::Skip(reason) | Refusal::Invalid(reason))| Error::InvalidKey { reason },
            )?;
            set.push(l.key, l.can_sign)?;
            return Ok(set);
        }
        let Some(Value::Array(keys)) = value.get("keys") else {
            return Err(Error::InvalidKey {
                reason: "JWK Set keys must be an array",
            });
        };
        for jwk in keys {
            let Value::Object(jwk) = jwk else {
                return Err(Error::InvalidKey {
                    reason: "JWK is not a JSON object",
                });
            };
            match self.load(jwk) {
                Ok(l) => set.push(l.key, l.can_sign)?,
                Err(Refusal::Skip(_)) => {}
                Err(Refusal::Invalid(reason)) => return Err(Error::InvalidKey { reason }),
            }
        }
        if set.is_empty() {
            return Err(Error::InvalidKey {
                reason: "JWK Set has no usable key",
            });
        }
        Ok(set)
    }

    fn load(&self, jwk: &Map<String, Value>) -> Result<Loaded, Refusal> {
        let kty = match jwk.get("kty") {
            Some(Value::String(s)) => s.as_str(),
            Some(_) => return Err(Refusal::Invalid("kty must be a string")),
            None => return Err(Refusal::Invalid("JWK has no kty")),
        };
        let family = match kty {
            "oct" => AlgorithmFamily::Hmac,
            "RSA" => AlgorithmFamily::Rsa,
            "EC" => AlgorithmFamily::Ec,
            "OKP" => AlgorithmFamily::Okp,
            _ => return Err(Refusal::Skip("unsupported kty")),
        };
        if !matches!(jwk.get("kid"), None | Some(Value::String(_))) {
            return Err(Refusal::Invalid("kid must be a string"));
        }
        let may_sign = usage(jwk)?;
        let alg = match jwk.get("alg") {
            Some(Value::String(a)) => match a.parse::<Algorithm>() {
                Ok(alg) => Some(alg),
                Err(_) => return Err(Refusal::Skip("unsupported alg")),
            },
            Some(_) => return Err(Refusal::Invalid("alg must be a string")),
            // EC and OKP keys take their curve's algorithm.
            None => self.default_alg.filter(|a| {
                a.family() == family
                    && matches!(family, AlgorithmFamily::Hmac | AlgorithmFamily::Rsa)
            }),
        };
        let key = crate::asym::key_from_jwk(kty, jwk, alg, self.allow_short_secret).map_err(
            |e| match e {
                Error::InvalidKey { reason } => Refusal::Invalid(reason),
                Error::UnsupportedAlgorithm { reason, .. } => Refusal::Skip(reason),
                _ => Refusal::Invalid("alg does not fit the key type"),
            },
        )?;
        let can_sign = may_sign && key.can_sign();
        Ok(Loaded { key, can_sign })
    }
}

/// Reads `use` and `key_ops`; returns whether the key may sign.
fn usage(jwk: &Map<String, Value>) -> Result<bool, Refusal> {
    let use_sig = match jwk.get("use") {
        Some(Value::String(u)) if u == "sig" => Some(true),
        Some(Value::String(_)) => return Err(Refusal::Skip("JWK use is not sig")),
        Some(_) => return Err(Refusal::Invalid("use must be a string")),
        None => None,
    };
    let Some(ops) = jwk.get("key_ops") else {
        return Ok(true);
    };
    let Value::Array(ops) = ops else {
        return Err(Refusal::Invalid("key_ops must be an array of strings"));
    };
    let mut sign = false;
    let mut verify = false;
    let mut other = false;
    for (i, op) in ops.iter().enumerate() {
        let Value::String(op) = op else {
            return Err(Refusal::Invalid("key_ops must be an array of strings"));
        };
        if ops.iter().skip(i + 1).any(|o| o.as_str() == Some(op)) {
            return Err(Refusal::Invalid("key_ops has duplicate values"));
        }
        match op.as_str() {
            "sign" => sign = true,
            "verify" => verify = true,
            _ => other = true,
        }
    }
    if use_sig.is_some() && other {
        return Err(Refusal::Invalid("use and key_ops disagree"));
    }
    if !sign && !verify {
        return Err(Refusal::Skip("key_ops allow neither sign nor verify"));
    }
    Ok(sign)
}

fn parse_object(json: &str, reason: &'static str) -> Result<Map<String, Value>, Error> {
    crate::jws::check_json_depth(json.as_bytes(), 16, crate::Part::Token)
        .map_err(|_| Error::InvalidKey { reason })?;
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Error::InvalidKey { reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K64: &str =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

    #[test]
    fn usage_rules() {
        let l = JwkLoader::new().default_algorithm(Algorithm::HS256);
        let set = l
            .key_set(&format!(
                r#"{{"keys":[{{"kty":"oct","kid":"v","key_ops":["verify"],"k":"{K64}"}},
                   {{"kty":"oct","kid":"e","use":"enc","k":"{K64}"}},
                   {{"kty":"oct","kid":"s","use":"sig","key_ops":["sign","verify"],"k":"{K64}"}}]}}"#
            ))
            .unwrap();
        assert_eq!(set.len(), 2);
        assert_eq!(set.current().and_then(Key::kid), Some("s"));
        let reason = |j: &str| match l.key(j) {
            Err(Error::InvalidKey { reason }) => reason,
            other => panic!("{j}: {other:?}"),
        };
        assert_eq!(
            reason(&format!(
                r#"{{"kty":"oct","use":"sig","key_ops":["encrypt","sign"],"k":"{K64}"}}"#
            )),
            "use and key_ops disagree"
        );
        assert_eq!(
            reason(&format!(
                r#"{{"kty":"oct","key_ops":["sign","sign"],"k":"{K64}"}}"#
            )),
            "key_ops has duplicate values"
        );
        assert_eq!(
            reason(&format!(r#"{{"kty":"oct","use":"enc","k":"{K64}"}}"#)),
            "JWK use is not sig"
        );
    }
}
