//! Keys: [`Key`] (HMAC secrets here; asymmetric keys from DER and PEM
//! through `asym`, which `ring` checks) and [`KeySet`] (`set`: several keys
//! told apart by `kid`). A key is made for exactly one algorithm, and its
//! `Debug` output never shows key material. JWKs are read in `crate::jwk`.

pub(crate) mod asym;
mod der;
pub(crate) mod set;

use std::fmt;

use serde_json::{Map, Value};

use crate::alg::Algorithm;
use crate::b64;
use crate::error::Error;
use crate::key::asym::AsymKey;

/// A signing and/or verification key, bound to one [`Algorithm`] and
/// optionally named by a `kid` (RFC 7515 §4.1.4).
///
/// All cryptography goes through `ring`; HMAC tags are compared in constant
/// time by `ring::hmac::verify`.
///
/// ```
/// use timed_jws::{Algorithm, Key};
///
/// let key = Key::hmac(Algorithm::HS256, &[7u8; 32])?.with_kid("2026-11");
/// assert_eq!(key.algorithm(), Algorithm::HS256);
/// assert_eq!(format!("{key:?}"), r#"Key { alg: HS256, kid: Some("2026-11"), kind: "oct" }"#);
/// # Ok::<(), timed_jws::Error>(())
/// ```
#[derive(Clone)]
pub struct Key {
    alg: Algorithm,
    kid: Option<String>,
    material: Material,
}

#[derive(Clone)]
enum Material {
    Hmac(ring::hmac::Key),
    Asym(AsymKey),
}

impl Key {
    /// An HMAC key for `alg` (HS256, HS384 or HS512).
    ///
    /// `secret` must be at least as long as the hash output (32, 48 or 64
    /// bytes), as RFC 7518 §3.2 requires. For secrets shared with systems
    /// that used shorter ones, see [`Key::hmac_allow_short_secret`].
    ///
    /// A secret that looks like a public key (PEM text or an OpenSSH public
    /// key line, see [`Key::hmac_allow_short_secret`]) is refused: using a
    /// verifier's public key as an HMAC secret is the RS256/HS256 key
    /// confusion attack (RFC 8725 §2.1).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when `secret` is empty, shorter than the hash
    /// output, or looks like a PEM or SSH public key;
    /// [`Error::AlgorithmNotAllowed`] when `alg` is not an HMAC algorithm.
    pub fn hmac(alg: Algorithm, secret: &[u8]) -> Result<Self, Error> {
        let min = alg
            .hmac_output_len()
            .ok_or_else(|| Error::alg_not_allowed(alg.as_str()))?;
        check_hmac_secret(secret)?;
        if secret.len() < min {
            return Err(Error::InvalidKey {
                reason: "HMAC key is shorter than the hash output (RFC 7518 section 3.2)",
            });
        }
        Ok(Key::hmac_unchecked(alg, secret))
    }

    /// An HMAC key for `alg` that accepts secrets shorter than RFC 7518
    /// §3.2 requires: the one opt-out for legacy secrets. Empty secrets are
    /// still refused, and so are secrets that look like a public key, as in
    /// [`Key::hmac`]: after optional leading ASCII whitespace, text starting
    /// with `ssh-rsa `, `ssh-dss `, `ssh-ed25519 ` or `ecdsa-sha2-` (OpenSSH
    /// public key lines), or containing `-----BEGIN` anywhere (PEM, RFC 7468,
    /// including `openssl` output with attribute lines before the block).
    ///
    /// ```
    /// use timed_jws::{Algorithm, ErrorKind, Key};
    ///
    /// let pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA...\n-----END PUBLIC KEY-----\n";
    /// let err = Key::hmac_allow_short_secret(Algorithm::HS256, pem.as_bytes()).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidKey);
    /// assert!(Key::hmac_allow_short_secret(Algorithm::HS256, b"sekrit").is_ok());
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when `secret` is empty or looks like a PEM or
    /// SSH public key; [`Error::AlgorithmNotAllowed`] when `alg` is not an
    /// HMAC algorithm.
    pub fn hmac_allow_short_secret(alg: Algorithm, secret: &[u8]) -> Result<Self, Error> {
        if alg.hmac_output_len().is_none() {
            return Err(Error::alg_not_allowed(alg.as_str()));
        }
        check_hmac_secret(secret)?;
        Ok(Key::hmac_unchecked(alg, secret))
    }

    /// Any secret, even empty or PEM-looking: only for the itsdangerous
    /// compatibility layer, which must reproduce what itsdangerous did.
    pub(crate) fn hmac_unchecked(alg: Algorithm, secret: &[u8]) -> Self {
        Key {
            alg,
            kid: None,
            material: Material::Hmac(ring::hmac::Key::new(alg.ring_hmac(), secret)),
        }
    }

    /// An asymmetric key; the constructors of `AsymKey` check that the
    /// material fits `alg`.
    pub(crate) fn from_asym(alg: Algorithm, material: AsymKey) -> Self {
        Key {
            alg,
            kid: None,
            material: Material::Asym(material),
        }
    }

    /// The asymmetric material, if this is not an HMAC key.
    pub(crate) fn asym(&self) -> Option<&AsymKey> {
        match &self.material {
            Material::Hmac(_) => None,
            Material::Asym(a) => Some(a),
        }
    }

    // -- Asymmetric keys (RFC 7518 §3.3 to §3.5, RFC 8037), through
    // `asym`.

    /// A private key for `alg` from an unencrypted PKCS#8 `PrivateKeyInfo`
    /// (RFC 5208 §5, or RFC 5958 v2 with the public key) in DER.
    ///
    /// RSA keys need 2048 to 4096 bits (ring's range for private keys;
    /// RFC 7518 §3.3 requires at least 2048); EC keys must be on the curve
    /// `alg` names (P-256 for ES256, P-384 for ES384); Ed25519 keys are for
    /// EdDSA.
    ///
    /// # Errors
    ///
    /// [`Error::AlgorithmNotAllowed`] when the key type does not fit `alg`
    /// (for example an RSA key for HS256 or a P-384 key for ES256),
    /// [`Error::UnsupportedAlgorithm`] for a P-521 key,
    /// [`Error::InvalidKey`] when the DER or the key is malformed or too
    /// short.
    pub fn from_pkcs8_der(alg: Algorithm, der: &[u8]) -> Result<Key, Error> {
        Ok(Key::from_asym(alg, AsymKey::from_pkcs8_der(alg, der)?))
    }

    /// A public (verify-only) key for `alg` from a `SubjectPublicKeyInfo`
    /// (RFC 5280 §4.1.2.7) in DER, the `PUBLIC KEY` PEM block's contents.
    ///
    /// # Errors
    ///
    /// As [`Key::from_pkcs8_der`]; RSA moduli must have 2048 to 8192 bits,
    /// EC points must be uncompressed and on the curve.
    pub fn from_spki_der(alg: Algorithm, der: &[u8]) -> Result<Key, Error> {
        Ok(Key::from_asym(alg, AsymKey::from_spki_der(alg, der)?))
    }

    /// A key for `alg` from PEM text (RFC 7468): the first key block among
    /// `PRIVATE KEY` (PKCS#8), `PUBLIC KEY` (SubjectPublicKeyInfo),
    /// `RSA PRIVATE KEY` (PKCS#1 RSAPrivateKey), `RSA PUBLIC KEY` (PKCS#1
    /// RSAPublicKey) and `EC PRIVATE KEY` (RFC 5915, with its public key).
    /// `EC PARAMETERS` blocks are skipped. At most 65 536 bytes of text are
    /// read. Parsing uses the `pem` crate.
    ///
    /// ```
    /// use timed_jws::{Algorithm, ErrorKind, Key};
    ///
    /// let pem = "-----BEGIN PUBLIC KEY-----\n\
    ///     MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n\
    ///     -----END PUBLIC KEY-----\n";
    /// let key = Key::from_pem(Algorithm::EdDSA, pem)?;
    /// assert_eq!(format!("{key:?}"), r#"Key { alg: EdDSA, kid: None, kind: "OKP public" }"#);
    /// // The key type fixes the algorithm family.
    /// let err = Key::from_pem(Algorithm::HS256, pem).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::AlgorithmNotAllowed);
    /// # Ok::<(), timed_jws::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for malformed PEM, encrypted keys, unknown
    /// block labels, text over the size limit, or more than one key block;
    /// otherwise as [`Key::from_pkcs8_der`] and [`Key::from_spki_der`].
    pub fn from_pem(alg: Algorithm, pem_text: &str) -> Result<Key, Error> {
        Ok(Key::from_asym(alg, AsymKey::from_pem(alg, pem_text)?))
    }

    /// Whether this key can sign: an HMAC key or an asymmetric private key.
    pub fn can_sign(&self) -> bool {
        self.asym().map_or(true, AsymKey::is_private)
    }

    /// This key as a JWK (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2) with
    /// `kty`, `alg`, `kid` (when set) and the key members; the private
    /// members (`d`) only when `include_private` is true and the key has
    /// them. Members are base64url without padding; EC coordinates and `d`
    /// have the curve's full length (32 or 48 bytes).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for HMAC keys (their secret is not kept after
    /// construction) and for RSA private keys with `include_private` (ring
    /// does not expose their private components); RSA private keys export
    /// their public members.
    pub fn to_jwk_json(&self, include_private: bool) -> Result<Value, Error> {
        let asym = self.asym().ok_or(Error::InvalidKey {
            reason: "HMAC secrets are not kept by the key and cannot be exported",
        })?;
        let mut out = Map::new();
        asym.jwk_members(include_private, &mut out)?;
        out.insert(
            "alg".to_owned(),
            Value::String(self.algorithm().as_str().to_owned()),
        );
        if let Some(kid) = self.kid() {
            out.insert("kid".to_owned(), Value::String(kid.to_owned()));
        }
        Ok(Value::Object(out))
    }

    // -- Key generation (ring, `SystemRandom`): PKCS#8 documents to load with
    // `Key::from_pkcs8_der` or store as PEM.

    /// A new random key for `alg` as unencrypted PKCS#8 v2 DER (RFC 5958),
    /// generated by `ring` with `SystemRandom`: ES256 (P-256), ES384 (P-384) or
    /// EdDSA (Ed25519). Load it with [`Key::from_pkcs8_der`]; wrap it in PEM
    /// with [`Key::pkcs8_to_pem`].
    ///
    /// # Errors
    ///
    /// [`Error::AlgorithmNotAllowed`] for HMAC and RSA algorithms (ring cannot
    /// generate RSA keys; make HMAC secrets from 32 to 64 random bytes);
    /// [`Error::InvalidKey`] when the system has no randomness.
    pub fn generate_pkcs8(alg: Algorithm) -> Result<Vec<u8>, Error> {
        asym::generate_pkcs8(alg)
    }

    /// A new Ed25519 key (EdDSA, RFC 8037) as PKCS#8 v2 DER; see
    /// [`Key::generate_pkcs8`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the system has no randomness.
    pub fn generate_ed25519_pkcs8() -> Result<Vec<u8>, Error> {
        asym::generate_pkcs8(Algorithm::EdDSA)
    }

    /// A new ECDSA key for `alg` (ES256 or ES384) as PKCS#8 v2 DER; see
    /// [`Key::generate_pkcs8`].
    ///
    /// # Errors
    ///
    /// [`Error::AlgorithmNotAllowed`] when `alg` is not ES256 or ES384;
    /// [`Error::InvalidKey`] when the system has no randomness.
    pub fn generate_ec_pkcs8(alg: Algorithm) -> Result<Vec<u8>, Error> {
        if !asym::is_ecdsa(alg) {
            return Err(Error::alg_not_allowed(alg.as_str()));
        }
        asym::generate_pkcs8(alg)
    }

    /// PKCS#8 DER as a `PRIVATE KEY` PEM block (RFC 7468 §10), lines of 64
    /// characters ending in `\n`.
    pub fn pkcs8_to_pem(der: &[u8]) -> String {
        asym::pkcs8_to_pem(der)
    }

    /// This key with a `kid` (RFC 7515 §4.1.4): written into the header of
    /// tokens it signs, and used to pick it from a key set.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The algorithm this key is bound to.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key's `kid`, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The JWK `kty` of this key (RFC 7518 §6.1): `"oct"` for HMAC,
    /// `"RSA"`, `"EC"` or `"OKP"` (RFC 8037).
    pub fn kty(&self) -> &'static str {
        match &self.material {
            Material::Hmac(_) => "oct",
            Material::Asym(a) => a.kty(),
        }
    }

    /// What `Debug` shows as `kind`: `"oct"`, or the `kty` with
    /// `public`/`private`, e.g. `"RSA public"`.
    fn kind(&self) -> &'static str {
        match &self.material {
            Material::Hmac(_) => "oct",
            Material::Asym(a) => a.kind(),
        }
    }

    /// Signs `out` (the JWS Signing Input), then appends `"."` and the
    /// base64url signature to it: the HMAC tag goes from ring's stack value
    /// straight into `out`.
    pub(crate) fn append_signature_b64(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        match &self.material {
            Material::Hmac(k) => {
                let tag = ring::hmac::sign(k, out);
                out.push(b'.');
                b64::encode_append(tag.as_ref(), out);
            }
            Material::Asym(a) => {
                let sig = a.sign(out)?;
                out.push(b'.');
                b64::encode_append(&sig, out);
            }
        }
        Ok(())
    }

    /// The raw signature over `signing_input`: the HMAC tag, the RSA
    /// signature (as long as the modulus), the ECDSA `R || S` (64 or 96
    /// bytes, RFC 7518 §3.4) or the 64-byte Ed25519 signature. ECDSA and
    /// RSASSA-PSS draw randomness from `ring::rand::SystemRandom`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the key cannot sign (a public key).
    pub fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        match &self.material {
            Material::Hmac(k) => Ok(ring::hmac::sign(k, signing_input).as_ref().to_vec()),
            Material::Asym(a) => a.sign(signing_input),
        }
    }

    /// Checks `signature` over `signing_input`, in constant time for HMAC.
    /// ECDSA signatures must be the fixed-length `R || S` form; DER is
    /// rejected.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSignature`] when it does not match.
    pub fn verify(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), Error> {
        match &self.material {
            Material::Hmac(k) => {
                ring::hmac::verify(k, signing_input, signature).map_err(|_| Error::InvalidSignature)
            }
            Material::Asym(a) => a.verify(signing_input, signature),
        }
    }

    /// Checks that this key is bound to `alg` (the header's algorithm),
    /// then the signature: the one check for a key chosen before the
    /// signature is verified (JWT decoding, key sets).
    pub(crate) fn verify_as(
        &self,
        alg: Algorithm,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        if self.alg != alg {
            return Err(Error::alg_not_allowed(alg.as_str()));
        }
        self.verify(signing_input, signature)
    }
}

/// The checks every HMAC secret passes except in the itsdangerous layer:
/// not empty, and not a public key in disguise (key confusion).
fn check_hmac_secret(secret: &[u8]) -> Result<(), Error> {
    if secret.is_empty() {
        return Err(Error::InvalidKey {
            reason: "HMAC key is empty",
        });
    }
    if looks_like_public_key(secret) {
        return Err(Error::InvalidKey {
            reason: "HMAC key looks like a PEM or SSH public key (key confusion)",
        });
    }
    Ok(())
}

/// Whether `secret` is PEM text or an OpenSSH public key line.
fn looks_like_public_key(secret: &[u8]) -> bool {
    const SSH_PREFIXES: [&[u8]; 4] = [b"ssh-rsa ", b"ssh-dss ", b"ssh-ed25519 ", b"ecdsa-sha2-"];
    const PEM_MARKER: &[u8] = b"-----BEGIN";
    let start = secret
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(secret.len());
    let (_, text) = secret.split_at(start);
    SSH_PREFIXES.iter().any(|p| text.starts_with(p))
        || text.windows(PEM_MARKER.len()).any(|w| w == PEM_MARKER)
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("kind", &self.kind())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn hmac_key_length_policy() {
        for (alg, n) in [
            (Algorithm::HS256, 32),
            (Algorithm::HS384, 48),
            (Algorithm::HS512, 64),
        ] {
            assert_eq!(
                Key::hmac(alg, &vec![1; n - 1]).unwrap_err().kind(),
                ErrorKind::InvalidKey
            );
            assert!(Key::hmac(alg, &vec![1; n]).is_ok());
            assert_eq!(
                Key::hmac_allow_short_secret(alg, b"").unwrap_err().kind(),
                ErrorKind::InvalidKey
            );
            assert_eq!(
                Key::hmac_allow_short_secret(alg, b"sekrit")
                    .unwrap()
                    .algorithm(),
                alg
            );
        }
    }

    #[test]
    fn public_key_looking_secrets_refused() {
        let refused = [
            &b"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu60L75Ag2OSh\n-----END PUBLIC KEY-----\n"[..],
            b"-----BEGIN RSA PUBLIC KEY-----",
            b"\n  -----BEGIN CERTIFICATE-----",
            b"Bag Attributes\n    friendlyName: x\n-----BEGIN CERTIFICATE-----\nMII",
            b"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host",
            b"ssh-dss AAAAB3NzaC1kc3MAAACBAP user@host",
            b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq user@host",
            b"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI user@host",
            b"\tecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAI",
        ];
        let reason = "HMAC key looks like a PEM or SSH public key (key confusion)";
        for secret in refused {
            for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
                let padded = [secret, &[b' '; 64][..]].concat();
                assert_eq!(
                    Key::hmac(alg, &padded).unwrap_err(),
                    Error::InvalidKey { reason },
                    "{}",
                    String::from_utf8_lossy(secret)
                );
                assert_eq!(
                    Key::hmac_allow_short_secret(alg, secret).unwrap_err(),
                    Error::InvalidKey { reason }
                );
            }
            // The itsdangerous layer must take any secret.
            let key = Key::hmac_unchecked(Algorithm::HS256, secret);
            let tag = key.sign(b"m").unwrap();
            assert_eq!(
                tag,
                ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret), b"m")
                    .as_ref()
            );
        }
        // Near misses are ordinary secrets.
        let accepted = [
            &b"ssh-rsa-but-no-space-so-a-plain-secret-of-40-bytes!"[..],
            b"----BEGIN with four dashes, a plain secret of 40 bytes",
            b"x ssh-ed25519 AAAA: not at the start, a plain secret",
            b"-----END PUBLIC KEY----- alone is no PEM block start",
        ];
        for secret in accepted {
            assert_eq!(
                Key::hmac(Algorithm::HS256, secret).unwrap().algorithm(),
                Algorithm::HS256,
                "{}",
                String::from_utf8_lossy(secret)
            );
        }
    }

    #[test]
    fn debug_never_prints_secret() {
        let key = Key::hmac_allow_short_secret(Algorithm::HS256, b"super-secret-value").unwrap();
        let s = format!("{key:?} {key:#?}");
        assert!(!s.contains("super"), "{s}");
        assert_eq!(
            format!("{key:?}"),
            r#"Key { alg: HS256, kid: None, kind: "oct" }"#
        );
    }

    #[test]
    fn rfc4231_case_2_hmac_sha256() {
        // RFC 4231 §4.3 test case 2.
        let key = Key::hmac_unchecked(Algorithm::HS256, b"Jefe");
        let tag = key.sign(b"what do ya want for nothing?").unwrap();
        let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(key.verify(b"what do ya want for nothing?", &tag), Ok(()));
        assert_eq!(
            key.verify(b"what do ya want for nothing!", &tag),
            Err(Error::InvalidSignature)
        );
    }
}
