//! JSON Web Keys (RFC 7517) and JWK Sets: `kty` `"oct"` (RFC 7518 §6.4),
//! `"RSA"` (§6.3), `"EC"` (§6.2, P-256 and P-384) and `"OKP"` (RFC 8037,
//! Ed25519).
//!
//! [`JwkLoader`] applies the JWK-level rules (`kty`, `kid`, `use`,
//! `key_ops`, `alg`) the same way for every key type, then builds the key
//! from its members (`key_from_jwk`, the one path every JWK takes, also for
//! [`JwkLoader::key_from_members`]), so a JWK gives the same key whichever
//! way it is loaded. JWKs are parsed here only; the key material is checked
//! by the constructors of `crate::key::asym` (through `ring`) and
//! [`Key::hmac`].

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::alg::{Algorithm, AlgorithmFamily};
use crate::b64;
use crate::error::Error;
use crate::key::asym::{check_type, invalid, unsupported, AsymKey, Curve, KeyType};
use crate::key::set::KeySet;
use crate::key::Key;
use crate::limits::check_json_depth;

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
/// use timed_jws::{Algorithm, JwkLoader};
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

    /// The key of a JWK's members (RFC 7517 §4), a JSON object the caller
    /// has parsed, with the given `kty`, without the JWK-level rules of
    /// [`JwkLoader`] (`use`, `key_ops` and the type of `kid` are not looked
    /// at, and errors keep their kind): `"RSA"` (`n`, `e`, and for a private
    /// key all of `d`, `p`, `q`, `dp`, `dq`, `qi`; RFC 7518 §6.3), `"EC"`
    /// (`crv` P-256 or P-384, `x`, `y`, optional `d`; RFC 7518 §6.2), `"OKP"`
    /// (`crv` Ed25519, `x`, optional `d`; RFC 8037 §2) or `"oct"` (`k`,
    /// RFC 7518 §6.4, through [`Key::hmac`]).
    ///
    /// The algorithm is `alg` when given, else the JWK's own `alg` member,
    /// else the curve's (ES256, ES384, EdDSA); RSA and `oct` keys need one of
    /// the first two. When both `alg` and the member are present they must
    /// agree. A string `kid` member becomes the key's `kid`. Other members
    /// (`use`, `key_ops`, `x5c`, ...) are left to the caller.
    ///
    /// Secrets shorter than RFC 7518 §3.2 requires are accepted only with
    /// [`JwkLoader::allow_short_secret`]; [`JwkLoader::default_algorithm`]
    /// is not used (pass `alg`).
    ///
    /// # Errors
    ///
    /// [`Error::AlgorithmNotAllowed`] when the key type or curve does not fit
    /// the algorithm; [`Error::UnsupportedAlgorithm`] for `crv: "P-521"` and an
    /// unsupported `alg` member; [`Error::InvalidKey`] for missing, malformed
    /// or inconsistent members, multi-prime RSA (`oth`), or RSA moduli below
    /// 2048 bits.
    pub fn key_from_members(
        &self,
        kty: &str,
        members: &Map<String, Value>,
        alg: Option<Algorithm>,
    ) -> Result<Key, Error> {
        key_from_jwk(kty, members, alg, self.allow_short_secret)
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
        let key = key_from_jwk(kty, jwk, alg, self.allow_short_secret).map_err(|e| match e {
            Error::InvalidKey { reason } => Refusal::Invalid(reason),
            Error::UnsupportedAlgorithm { reason, .. } => Refusal::Skip(reason),
            _ => Refusal::Invalid("alg does not fit the key type"),
        })?;
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
    let mut seen = HashSet::with_capacity(ops.len());
    for op in ops {
        let Value::String(op) = op else {
            return Err(Refusal::Invalid("key_ops must be an array of strings"));
        };
        if !seen.insert(op.as_str()) {
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
    check_json_depth(json.as_bytes(), 16).map_err(|_| Error::InvalidKey { reason })?;
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Error::InvalidKey { reason }),
    }
}

/// Reads a base64url JWK member; `None` when absent.
fn jwk_bytes(members: &Map<String, Value>, name: &str) -> Result<Option<Vec<u8>>, Error> {
    match members.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => b64::decode(s.as_bytes())
            .map(Some)
            .map_err(|()| invalid("a JWK key member is not base64url without padding")),
        Some(_) => Err(invalid("a JWK key member is not a string")),
    }
}

fn jwk_required(members: &Map<String, Value>, name: &str) -> Result<Vec<u8>, Error> {
    jwk_bytes(members, name)?.ok_or_else(|| invalid("a required JWK key member is missing"))
}

fn jwk_fixed(
    members: &Map<String, Value>,
    name: &str,
    len: usize,
) -> Result<Option<Vec<u8>>, Error> {
    match jwk_bytes(members, name)? {
        Some(v) if v.len() != len => Err(invalid(
            "a JWK coordinate or private key does not have the curve's length",
        )),
        other => Ok(other),
    }
}

/// The key of a JWK's members (see [`JwkLoader::key_from_members`]), with
/// `oct` secrets shorter than RFC 7518 §3.2 requires accepted when
/// `allow_short_secret` is true (through [`Key::hmac_allow_short_secret`]):
/// the one path every JWK takes.
fn key_from_jwk(
    kty: &str,
    members: &Map<String, Value>,
    alg: Option<Algorithm>,
    allow_short_secret: bool,
) -> Result<Key, Error> {
    let member_alg = match members.get("alg") {
        None => None,
        Some(Value::String(s)) => Some(s.parse::<Algorithm>()?),
        Some(_) => return Err(invalid("JWK alg member is not a string")),
    };
    if let (Some(a), Some(m)) = (alg, member_alg) {
        if a != m {
            return Err(Error::alg_not_allowed(m.as_str()));
        }
    }
    let explicit = alg.or(member_alg);
    let crv = match members.get("crv") {
        None => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(invalid("JWK crv member is not a string")),
    };
    let need_alg = || explicit.ok_or_else(|| invalid("the JWK has no alg and none was given"));
    let (alg, material) = match kty {
        "RSA" => {
            let alg = need_alg()?;
            check_type(alg, KeyType::Rsa)?;
            let n = jwk_required(members, "n")?;
            let e = jwk_required(members, "e")?;
            if members.contains_key("oth") {
                return Err(invalid("multi-prime RSA keys (oth) are not supported"));
            }
            let private = ["d", "p", "q", "dp", "dq", "qi"]
                .into_iter()
                .map(|m| jwk_bytes(members, m))
                .collect::<Result<Vec<_>, _>>()?;
            let material = match private.as_slice() {
                [None, None, None, None, None, None] => AsymKey::rsa_public(alg, &n, &e)?,
                [Some(d), Some(p), Some(q), Some(dp), Some(dq), Some(qi)] => {
                    AsymKey::rsa_private_components(alg, &n, &e, [d, p, q, dp, dq, qi])?
                }
                _ => {
                    return Err(invalid(
                        "an RSA private JWK needs all of d, p, q, dp, dq and qi",
                    ))
                }
            };
            (alg, material)
        }
        "EC" => {
            let ty = match crv {
                Some("P-256") => KeyType::Ec(Curve::P256),
                Some("P-384") => KeyType::Ec(Curve::P384),
                Some("P-521") => return Err(unsupported("ES512")),
                Some(_) => return Err(invalid("unsupported EC crv (expected P-256 or P-384)")),
                None => return Err(invalid("an EC JWK needs crv")),
            };
            let KeyType::Ec(curve) = ty else {
                return Err(invalid("an EC JWK needs crv"));
            };
            let alg = explicit.unwrap_or(curve.algorithm());
            check_type(alg, ty)?;
            let len = curve.field_len();
            let x = jwk_fixed(members, "x", len)?.ok_or_else(|| invalid("an EC JWK needs x"))?;
            let y = jwk_fixed(members, "y", len)?.ok_or_else(|| invalid("an EC JWK needs y"))?;
            let mut point = Vec::with_capacity(1 + 2 * len);
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let material = match jwk_fixed(members, "d", len)? {
                None => AsymKey::ec_public(curve, &point)?,
                Some(d) => AsymKey::ec_private(curve, &d, &point)?,
            };
            (alg, material)
        }
        "OKP" => {
            match crv {
                Some("Ed25519") => {}
                Some("Ed448") => {
                    return Err(Error::UnsupportedAlgorithm {
                        alg: "Ed448".to_owned(),
                        reason: "Ed448 is not supported by ring",
                    })
                }
                Some(_) => return Err(invalid("unsupported OKP crv (expected Ed25519)")),
                None => return Err(invalid("an OKP JWK needs crv")),
            }
            let alg = explicit.unwrap_or(Algorithm::EdDSA);
            check_type(alg, KeyType::Ed25519)?;
            let x = jwk_fixed(members, "x", 32)?.ok_or_else(|| invalid("an OKP JWK needs x"))?;
            let material = match jwk_fixed(members, "d", 32)? {
                None => AsymKey::okp_public(&x)?,
                Some(d) => AsymKey::okp_private(&d, &x)?,
            };
            (alg, material)
        }
        "oct" => {
            let alg = need_alg()?;
            let k = jwk_required(members, "k")?;
            let key = if allow_short_secret {
                Key::hmac_allow_short_secret(alg, &k)?
            } else {
                Key::hmac(alg, &k)?
            };
            return Ok(with_jwk_kid(key, members));
        }
        _ => return Err(invalid("unsupported JWK kty")),
    };
    Ok(with_jwk_kid(Key::from_asym(alg, material), members))
}

fn with_jwk_kid(key: Key, members: &Map<String, Value>) -> Key {
    match members.get("kid") {
        Some(Value::String(kid)) => key.with_kid(kid.as_str()),
        _ => key,
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
        // A repeat among many distinct values, after them.
        let many: Vec<String> = (0..3000).map(|i| format!("\"op{i}\"")).collect();
        assert_eq!(
            reason(&format!(
                r#"{{"kty":"oct","key_ops":["sign",{},"sign"],"k":"{K64}"}}"#,
                many.join(",")
            )),
            "key_ops has duplicate values"
        );
        assert_eq!(
            reason(&format!(r#"{{"kty":"oct","use":"enc","k":"{K64}"}}"#)),
            "JWK use is not sig"
        );
    }
}
