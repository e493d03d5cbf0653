//! Keys. A key is made for exactly one algorithm, and its `Debug` output
//! never shows key material.

use std::fmt;

use crate::alg::Algorithm;
use crate::error::Error;

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
    Asym(crate::asym::AsymKey),
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

    /// An asymmetric key; the constructors in `asym` check that the material
    /// fits `alg`.
    pub(crate) fn from_asym(alg: Algorithm, material: crate::asym::AsymKey) -> Self {
        Key {
            alg,
            kid: None,
            material: Material::Asym(material),
        }
    }

    /// The asymmetric material, if this is not an HMAC key.
    pub(crate) fn asym(&self) -> Option<&crate::asym::AsymKey> {
        match &self.material {
            Material::Hmac(_) => None,
            Material::Asym(a) => Some(a),
        }
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
                crate::b64::encode_append(tag.as_ref(), out);
            }
            Material::Asym(a) => {
                let sig = a.sign(out)?;
                out.push(b'.');
                crate::b64::encode_append(&sig, out);
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
    use crate::ErrorKind;

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
