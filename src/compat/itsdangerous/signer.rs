//! itsdangerous's `Signer` and `TimestampSigner`, and the signing core every
//! classic serializer is built on.
//!
//! ```text
//! Signer          : value ‖ sep ‖ b64u(HMAC(key, value))
//! TimestampSigner : value ‖ sep ‖ b64u(ts) ‖ sep ‖ b64u(HMAC(key, value ‖ sep ‖ b64u(ts)))
//! ```
//!
//! `b64u` is base64url without padding; `ts` the clock in whole seconds as
//! the shortest big-endian bytes (0 is no bytes at all), counted from the
//! Unix epoch, or from 2011-01-01T00:00:00Z under itsdangerous 0.24. The key
//! is derived from the secret and the salt (see [`KeyDerivation`]).

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use ring::{digest, hmac};

use super::{BadDataClass, ItsDangerousVersion, LoadError, UnixTime};
use crate::b64;
use crate::error::{Error, Limit, Part};
use crate::time::NumericDate;

/// The salt of `Signer` and `TimestampSigner` when none is given:
/// `itsdangerous.Signer`. It is also the salt a Python serializer given
/// `salt=None` ends up using.
pub const DEFAULT_SIGNER_SALT: &str = "itsdangerous.Signer";

/// The salt of the serializers when none is given: `itsdangerous`.
pub const DEFAULT_SERIALIZER_SALT: &str = "itsdangerous";

/// itsdangerous 0.24's timestamp epoch, 2011-01-01T00:00:00Z, in Unix
/// seconds.
pub const EPOCH_0_24: i64 = 1_293_840_000;

/// The last Unix second a timestamp may name: 9999-12-31T23:59:59Z, the end
/// of Python's `datetime` range. Later timestamps are refused when read
/// (Python leaks `OverflowError`/`ValueError` building their date) and never
/// written.
pub const MAX_TIMESTAMP: i64 = 253_402_300_799;

/// The bytes of Python's `_base64_alphabet`: a separator occurring in it is
/// refused (itsdangerous 1.1 and 2.x's check).
const BASE64_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=";

/// The longest signature quoted in an itsdangerous message (bytes).
const MAX_QUOTED_SIGNATURE: usize = 256;

/// The hash function of a signer (itsdangerous's `digest_method`): used both
/// to derive the key and for the HMAC.
///
/// Names as in `hashlib`: `sha1` (the default), `sha256`, `sha384`,
/// `sha512`. Python also accepts `md5` and `sha224`; `ring` has neither, so
/// they are not available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Digest {
    /// SHA-1 (itsdangerous's default; HMAC-SHA-1 through ring's
    /// `HMAC_SHA1_FOR_LEGACY_USE_ONLY`). A MAC is 20 bytes.
    #[default]
    Sha1,
    /// SHA-256: a MAC is 32 bytes.
    Sha256,
    /// SHA-384: a MAC is 48 bytes.
    Sha384,
    /// SHA-512: a MAC is 64 bytes.
    Sha512,
}

impl Digest {
    /// Every digest, in declaration order.
    pub const ALL: [Digest; 4] = [Digest::Sha1, Digest::Sha256, Digest::Sha384, Digest::Sha512];

    /// The `hashlib` name: `sha1`, `sha256`, `sha384` or `sha512`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Digest::Sha1 => "sha1",
            Digest::Sha256 => "sha256",
            Digest::Sha384 => "sha384",
            Digest::Sha512 => "sha512",
        }
    }

    /// The length of the digest and of a MAC, in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            Digest::Sha1 => 20,
            Digest::Sha256 => 32,
            Digest::Sha384 => 48,
            Digest::Sha512 => 64,
        }
    }

    fn digest_algorithm(self) -> &'static digest::Algorithm {
        match self {
            Digest::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Digest::Sha256 => &digest::SHA256,
            Digest::Sha384 => &digest::SHA384,
            Digest::Sha512 => &digest::SHA512,
        }
    }

    fn hmac_algorithm(self) -> hmac::Algorithm {
        match self {
            Digest::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Digest::Sha256 => hmac::HMAC_SHA256,
            Digest::Sha384 => hmac::HMAC_SHA384,
            Digest::Sha512 => hmac::HMAC_SHA512,
        }
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Digest {
    type Err = ();

    /// Parses a name of [`Digest::as_str`].
    fn from_str(s: &str) -> Result<Self, ()> {
        Digest::ALL.into_iter().find(|d| d.as_str() == s).ok_or(())
    }
}

/// How the HMAC key is derived from the secret and the salt
/// (itsdangerous's `key_derivation`). `H` is the signer's [`Digest`].
///
/// | name | key |
/// |---|---|
/// | `django-concat` (default) | `H(salt ‖ "signer" ‖ secret)` |
/// | `concat` | `H(salt ‖ secret)` |
/// | `hmac` | `HMAC-H(key = secret, message = salt)` (Flask's session cookie) |
/// | `none` | the secret itself; the salt is ignored, so such tokens are valid for every salt |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum KeyDerivation {
    /// `H(salt ‖ "signer" ‖ secret)`, the default.
    #[default]
    DjangoConcat,
    /// `H(salt ‖ secret)`.
    Concat,
    /// `HMAC-H(secret, salt)`.
    Hmac,
    /// The secret itself (the salt is ignored).
    None,
}

impl KeyDerivation {
    /// Every key derivation, in declaration order.
    pub const ALL: [KeyDerivation; 4] = [
        KeyDerivation::DjangoConcat,
        KeyDerivation::Concat,
        KeyDerivation::Hmac,
        KeyDerivation::None,
    ];

    /// itsdangerous's name: `django-concat`, `concat`, `hmac` or `none`.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyDerivation::DjangoConcat => "django-concat",
            KeyDerivation::Concat => "concat",
            KeyDerivation::Hmac => "hmac",
            KeyDerivation::None => "none",
        }
    }

    /// The HMAC key for `secret` and `salt`.
    fn derive(self, digest: Digest, secret: &[u8], salt: &[u8]) -> hmac::Key {
        let alg = digest.hmac_algorithm();
        let hash = |parts: &[&[u8]]| {
            let mut ctx = digest::Context::new(digest.digest_algorithm());
            for part in parts {
                ctx.update(part);
            }
            ctx.finish()
        };
        match self {
            KeyDerivation::DjangoConcat => {
                hmac::Key::new(alg, hash(&[salt, b"signer", secret]).as_ref())
            }
            KeyDerivation::Concat => hmac::Key::new(alg, hash(&[salt, secret]).as_ref()),
            KeyDerivation::Hmac => {
                let derived = hmac::sign(&hmac::Key::new(alg, secret), salt);
                hmac::Key::new(alg, derived.as_ref())
            }
            KeyDerivation::None => hmac::Key::new(alg, secret),
        }
    }
}

impl fmt::Display for KeyDerivation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KeyDerivation {
    type Err = ();

    /// Parses a name of [`KeyDerivation::as_str`].
    fn from_str(s: &str) -> Result<Self, ()> {
        KeyDerivation::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

/// The signer settings itsdangerous passes as `signer_kwargs`: key
/// derivation, digest and separator. The default is itsdangerous's:
/// `django-concat`, SHA-1, `.`.
///
/// It is also the shape of an entry of a serializer's
/// [`fallback_signers`](ClassicBuilder::fallback_signers): as in Python, such
/// an entry **replaces** the serializer's settings (what it does not set is
/// the default, not the serializer's value).
///
/// ```
/// use timed_jws::compat::itsdangerous::{Digest, KeyDerivation, SignerOptions};
///
/// let sha512 = SignerOptions::new().digest(Digest::Sha512);
/// assert_eq!(sha512.key_derivation, KeyDerivation::DjangoConcat);
/// assert_eq!(sha512.separator, ".");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignerOptions {
    /// The key derivation (default `django-concat`).
    pub key_derivation: KeyDerivation,
    /// The digest, for the key derivation and the HMAC (default SHA-1).
    pub digest: Digest,
    /// The separator (default `.`), written as its UTF-8 bytes. `build`
    /// refuses one whose bytes occur in `A–Z a–z 0–9 - _ =` (the empty one
    /// included), as itsdangerous 1.1 and 2.x do.
    pub separator: String,
}

impl Default for SignerOptions {
    fn default() -> Self {
        SignerOptions {
            key_derivation: KeyDerivation::default(),
            digest: Digest::default(),
            separator: ".".to_owned(),
        }
    }
}

impl SignerOptions {
    /// itsdangerous's defaults: `django-concat`, SHA-1, `.`.
    pub fn new() -> Self {
        SignerOptions::default()
    }

    /// Sets the key derivation.
    pub fn key_derivation(mut self, key_derivation: KeyDerivation) -> Self {
        self.key_derivation = key_derivation;
        self
    }

    /// Sets the digest.
    pub fn digest(mut self, digest: Digest) -> Self {
        self.digest = digest;
        self
    }

    /// Sets the separator.
    pub fn separator(mut self, separator: impl Into<String>) -> Self {
        self.separator = separator.into();
        self
    }

    /// itsdangerous 1.1 and 2.x's check: the separator must not occur in the
    /// base64 alphabet (applied to every version here).
    fn check(&self) -> Result<(), Error> {
        if find_last(BASE64_ALPHABET, self.separator.as_bytes()).is_some()
            || self.separator.is_empty()
        {
            return Err(Error::InvalidKey {
                reason: "the separator occurs in the base64 alphabet (A-Z a-z 0-9 - _ =)",
            });
        }
        Ok(())
    }
}

/// Bounds on what the classic formats read, checked before the work they
/// bound. itsdangerous has none: a 1.4 KB token can inflate to 1 MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassicLimits {
    /// Maximum length of a token, in bytes (default 256 KiB).
    pub max_token_len: usize,
    /// Maximum length of a serializer's payload, in bytes: the JSON text
    /// after base64 decoding and zlib inflation (default 1 MiB =
    /// 1,048,576 bytes). Inflation stops with `resource_limit` as soon as
    /// the output would pass it.
    pub max_payload_len: usize,
    /// Maximum nesting depth of JSON arrays and objects in a payload
    /// (default 64).
    pub max_json_depth: usize,
}

impl ClassicLimits {
    /// The default limits: 256 KiB tokens, 1 MiB payloads, depth 64.
    pub const DEFAULT: ClassicLimits = ClassicLimits {
        max_token_len: 256 * 1024,
        max_payload_len: 1024 * 1024,
        max_json_depth: 64,
    };
}

impl Default for ClassicLimits {
    fn default() -> Self {
        ClassicLimits::DEFAULT
    }
}

/// Builds a [`Signer`], [`TimestampSigner`] or one of the four classic
/// serializers (made by their `builder` functions).
///
/// Settings and defaults, as itsdangerous's constructors: [`version`]
/// 2.x; the class's salt ([`DEFAULT_SIGNER_SALT`] for the signers,
/// [`DEFAULT_SERIALIZER_SALT`] for the serializers); `django-concat`; SHA-1;
/// separator `.`; no fallback secrets; for serializers under 1.1 the
/// SHA-512 fallback signer, otherwise none; [`ClassicLimits::DEFAULT`].
///
/// `Debug` never shows the secrets or the salt.
///
/// [`version`]: ClassicBuilder::version
#[derive(Clone)]
pub struct ClassicBuilder<S> {
    secret: Vec<u8>,
    fallback_secrets: Vec<Vec<u8>>,
    version: ItsDangerousVersion,
    salt: Option<Vec<u8>>,
    signer: SignerOptions,
    fallback_signers: Option<Vec<SignerOptions>>,
    sort_keys: bool,
    limits: ClassicLimits,
    target: PhantomData<fn() -> S>,
}

impl<S> fmt::Debug for ClassicBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClassicBuilder")
            .field("version", &self.version)
            .field("salted", &self.salt.is_some())
            .field("signer", &self.signer)
            .field("fallback_secrets", &self.fallback_secrets.len())
            .field("fallback_signers", &self.fallback_signers)
            .field("sort_keys", &self.sort_keys)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl<S> ClassicBuilder<S> {
    pub(super) fn new(secret: &[u8]) -> Self {
        ClassicBuilder {
            secret: secret.to_vec(),
            fallback_secrets: Vec::new(),
            version: ItsDangerousVersion::default(),
            salt: None,
            signer: SignerOptions::default(),
            fallback_signers: None,
            sort_keys: false,
            limits: ClassicLimits::DEFAULT,
            target: PhantomData,
        }
    }

    /// The itsdangerous release line to reproduce (default 2.x): it fixes
    /// the timestamp epoch, the future-timestamp check, the URL-safe JSON
    /// escaping, the default fallback signer and whether secrets rotate (see
    /// [`ItsDangerousVersion`]).
    pub fn version(mut self, version: ItsDangerousVersion) -> Self {
        self.version = version;
        self
    }

    /// The salt (default: the class's). An empty salt is a salt, not the
    /// default. Python's serializer `salt=None` is
    /// `.salt(DEFAULT_SIGNER_SALT)`.
    pub fn salt(mut self, salt: impl AsRef<[u8]>) -> Self {
        self.salt = Some(salt.as_ref().to_vec());
        self
    }

    /// The key derivation (default `django-concat`).
    pub fn key_derivation(mut self, key_derivation: KeyDerivation) -> Self {
        self.signer.key_derivation = key_derivation;
        self
    }

    /// The digest, used for the key derivation and the HMAC (default SHA-1).
    pub fn digest(mut self, digest: Digest) -> Self {
        self.signer.digest = digest;
        self
    }

    /// The separator (default `.`); see [`SignerOptions::separator`].
    pub fn separator(mut self, separator: impl Into<String>) -> Self {
        self.signer.separator = separator.into();
        self
    }

    /// Key derivation, digest and separator at once.
    pub fn signer_options(mut self, options: SignerOptions) -> Self {
        self.signer = options;
        self
    }

    /// Older secrets that still verify (key rotation, itsdangerous 2.x
    /// only): the builder's secret signs, and verification tries it first,
    /// then these in the order given.
    ///
    /// Python's `secret_key=[k1, k2, k3]` (oldest first, the last signs) is
    /// `builder(k3).fallback_secrets([k2, k1])`; Flask's `SECRET_KEY` with
    /// `SECRET_KEY_FALLBACKS` is `builder(SECRET_KEY).fallback_secrets(SECRET_KEY_FALLBACKS)`.
    /// `build` refuses fallback secrets for 0.24 and 1.1, which take one key.
    pub fn fallback_secrets<I, K>(mut self, secrets: I) -> Self
    where
        I: IntoIterator<Item = K>,
        K: AsRef<[u8]>,
    {
        self.fallback_secrets = secrets.into_iter().map(|k| k.as_ref().to_vec()).collect();
        self
    }

    /// Resource limits for reading (token length, payload length after
    /// inflation, JSON depth).
    pub fn limits(mut self, limits: ClassicLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The checks `build` makes for every class; the signing cores,
    /// newest secret first.
    fn signer_core(&self, salt: &[u8], options: &SignerOptions) -> Result<SignerCore, Error> {
        options.check()?;
        if !self.fallback_secrets.is_empty() && self.version != ItsDangerousVersion::V2 {
            return Err(Error::InvalidKey {
                reason: "a list of secret keys (fallback secrets) needs itsdangerous 2.x",
            });
        }
        let keys = std::iter::once(&self.secret)
            .chain(&self.fallback_secrets)
            .map(|secret| options.key_derivation.derive(options.digest, secret, salt))
            .collect();
        Ok(SignerCore {
            keys,
            sep: options.separator.as_bytes().to_vec(),
            version: self.version,
        })
    }

    fn salt_or<'a>(&'a self, default: &'a str) -> &'a [u8] {
        self.salt.as_deref().unwrap_or(default.as_bytes())
    }

    /// The cores a serializer tries in order: its own signer, then the
    /// fallback signers (explicit, or 1.1's default SHA-512 one).
    pub(super) fn serializer_cores(&self) -> Result<Vec<SignerCore>, Error> {
        let salt = self.salt_or(DEFAULT_SERIALIZER_SALT);
        let fallbacks = match (&self.fallback_signers, self.version) {
            (Some(list), ItsDangerousVersion::V0_24) if !list.is_empty() => {
                return Err(Error::InvalidKey {
                    reason: "fallback signers need itsdangerous 1.1 or 2.x",
                })
            }
            (Some(list), _) => list.clone(),
            (None, ItsDangerousVersion::V1) => vec![SignerOptions::new().digest(Digest::Sha512)],
            (None, _) => Vec::new(),
        };
        std::iter::once(&self.signer)
            .chain(&fallbacks)
            .map(|options| self.signer_core(salt, options))
            .collect()
    }

    pub(super) fn get_version(&self) -> ItsDangerousVersion {
        self.version
    }

    pub(super) fn get_limits(&self) -> ClassicLimits {
        self.limits
    }

    pub(super) fn get_sort_keys(&self) -> bool {
        self.sort_keys
    }

    pub(super) fn set_fallback_signers(&mut self, signers: Vec<SignerOptions>) {
        self.fallback_signers = Some(signers);
    }

    pub(super) fn set_sort_keys(&mut self, sort_keys: bool) {
        self.sort_keys = sort_keys;
    }
}

impl ClassicBuilder<Signer> {
    /// Makes the signer.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the separator occurs in the base64
    /// alphabet (or is empty), or when fallback secrets are given for a
    /// version other than 2.x.
    pub fn build(self) -> Result<Signer, Error> {
        let core = self.signer_core(self.salt_or(DEFAULT_SIGNER_SALT), &self.signer)?;
        Ok(Signer {
            core,
            limits: self.limits,
        })
    }
}

impl ClassicBuilder<TimestampSigner> {
    /// Makes the signer.
    ///
    /// # Errors
    ///
    /// As for [`Signer`]'s builder.
    pub fn build(self) -> Result<TimestampSigner, Error> {
        let core = self.signer_core(self.salt_or(DEFAULT_SIGNER_SALT), &self.signer)?;
        Ok(TimestampSigner {
            core,
            limits: self.limits,
        })
    }
}

/// The first byte offset of the last occurrence of `needle` in `haystack`
/// (as Python's `rsplit(sep, 1)` finds it). Linear in `haystack` for a
/// fixed needle.
fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let n = needle.len();
    if n == 0 || haystack.len() < n {
        return None;
    }
    (0..=haystack.len() - n)
        .rev()
        .find(|&i| haystack.get(i..i + n) == Some(needle))
}

/// `s.rsplit(sep, 1)`: the parts before and after the last separator.
pub(super) fn rsplit<'a>(s: &'a [u8], sep: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
    let i = find_last(s, sep)?;
    Some((s.get(..i)?, s.get(i.checked_add(sep.len())?..)?))
}

/// Python's `repr(bytes)`: `b'...'`, or `b"..."` when the bytes hold a `'`
/// and no `"`.
pub(super) fn py_bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(char::from(quote));
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if b == quote => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(char::from(quote));
    out
}

/// Python 3's `repr(str)` for a separator (itsdangerous 0.24 quotes its
/// text separator): control characters are escaped, others kept.
fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if c == quote => {
                out.push('\\');
                out.push(c);
            }
            _ if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            _ => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A failed verification: the error, and the bytes itsdangerous's exception
/// would have carried as `payload` even when they are not authenticated
/// (used only by the serializers' `loads_unsafe`).
pub(super) struct Failure<'a> {
    pub(super) error: LoadError,
    pub(super) unverified: Option<&'a [u8]>,
}

impl Failure<'_> {
    fn new(error: LoadError) -> Self {
        Failure {
            error,
            unverified: None,
        }
    }
}

/// A signature that was not accepted.
enum Unsigned<'a> {
    /// The token has no separator.
    NoSeparator,
    /// The signature segment is not strict base64url, or no key's MAC
    /// matches it.
    Mismatch {
        value: &'a [u8],
        signature: &'a [u8],
        malformed: bool,
    },
}

/// What `Signer` and `TimestampSigner` share: the derived keys (newest
/// first), the separator, the version.
#[derive(Clone)]
pub(super) struct SignerCore {
    keys: Vec<hmac::Key>,
    sep: Vec<u8>,
    version: ItsDangerousVersion,
}

impl SignerCore {
    /// Appends `sep ‖ b64u(HMAC(newest key, signed))` to `out`, where
    /// `signed` is all of `out`.
    pub(super) fn append_signature(&self, out: &mut Vec<u8>) {
        let tag = match self.keys.first() {
            Some(key) => hmac::sign(key, out),
            // `build` always makes one key; sign with none is impossible.
            None => return,
        };
        out.extend_from_slice(&self.sep);
        b64::encode_append(tag.as_ref(), out);
    }

    /// `value ‖ sep ‖ b64u(ts)`: the timestamped value, not yet signed.
    pub(super) fn append_timestamp(&self, out: &mut Vec<u8>, now: i64) -> Result<(), Error> {
        let ts = self.timestamp_at(now)?;
        out.extend_from_slice(&self.sep);
        let bytes = ts.to_be_bytes();
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        b64::encode_append(bytes.get(first..).unwrap_or_default(), out);
        Ok(())
    }

    /// The timestamp written at Unix time `now`: `now`, or `now - 1293840000`
    /// under 0.24.
    fn timestamp_at(&self, now: i64) -> Result<u64, Error> {
        if now > MAX_TIMESTAMP {
            return Err(Error::invalid_claim(
                "timestamp",
                "the clock is after 9999-12-31T23:59:59Z",
            ));
        }
        let epoch = self.epoch();
        now.checked_sub(epoch)
            .and_then(|ts| u64::try_from(ts).ok())
            .ok_or_else(|| {
                Error::invalid_claim(
                    "timestamp",
                    if epoch == 0 {
                        "the clock is before 1970-01-01T00:00:00Z"
                    } else {
                        "the clock is before itsdangerous 0.24's epoch, 2011-01-01T00:00:00Z"
                    },
                )
            })
    }

    fn epoch(&self) -> i64 {
        if self.version == ItsDangerousVersion::V0_24 {
            EPOCH_0_24
        } else {
            0
        }
    }

    /// The text of itsdangerous's "No separator found" exception.
    fn no_separator_message(&self) -> String {
        match self.version {
            ItsDangerousVersion::V0_24 => {
                let sep = String::from_utf8_lossy(&self.sep);
                format!("No {} found in value", py_str_repr(&sep))
            }
            _ => format!("No {} found in value", py_bytes_repr(&self.sep)),
        }
    }

    /// `Signer.unsign`: the value before the last separator, when a key's
    /// MAC over it matches the strict base64url signature after it.
    fn unsign<'a>(&self, token: &'a [u8]) -> Result<&'a [u8], Unsigned<'a>> {
        let Some((value, signature)) = rsplit(token, &self.sep) else {
            return Err(Unsigned::NoSeparator);
        };
        let Ok(tag) = b64::decode(signature) else {
            return Err(Unsigned::Mismatch {
                value,
                signature,
                malformed: true,
            });
        };
        if self
            .keys
            .iter()
            .any(|key| hmac::verify(key, value, &tag).is_ok())
        {
            Ok(value)
        } else {
            Err(Unsigned::Mismatch {
                value,
                signature,
                malformed: false,
            })
        }
    }

    /// The error of a signature that was not accepted, as class `class`.
    fn rejected(&self, class: BadDataClass, failure: &Unsigned<'_>) -> LoadError {
        match failure {
            Unsigned::NoSeparator => LoadError::new(
                BadDataClass::BadSignature,
                Error::malformed(Part::Token, "no separator found in the token"),
            )
            .with_message(self.no_separator_message()),
            Unsigned::Mismatch {
                signature,
                malformed,
                ..
            } => {
                let error = if *malformed {
                    Error::malformed(Part::Signature, "invalid base64url")
                } else {
                    Error::InvalidSignature
                };
                let quoted = signature.get(..MAX_QUOTED_SIGNATURE).unwrap_or(signature);
                LoadError::new(class, error).with_message(format!(
                    "Signature {} does not match",
                    py_bytes_repr(quoted)
                ))
            }
        }
    }

    /// `Signer.unsign` with itsdangerous's errors.
    pub(super) fn unsign_plain<'a>(&self, token: &'a [u8]) -> Result<&'a [u8], Failure<'a>> {
        self.unsign(token).map_err(|failure| Failure {
            error: self.rejected(BadDataClass::BadSignature, &failure),
            unverified: match failure {
                Unsigned::NoSeparator => None,
                Unsigned::Mismatch { value, .. } => Some(value),
            },
        })
    }

    /// `TimestampSigner.unsign(token, max_age, return_timestamp=True)` at
    /// Unix time `now`: the value and its timestamp in Unix seconds.
    pub(super) fn unsign_timed<'a>(
        &self,
        token: &'a [u8],
        max_age: Option<i64>,
        now: i64,
    ) -> Result<(&'a [u8], i64), Failure<'a>> {
        use BadDataClass::{BadSignature, BadTimeSignature, SignatureExpired};
        let signed = match self.unsign(token) {
            Ok(signed) => signed,
            Err(failure @ Unsigned::NoSeparator) => {
                return Err(Failure::new(self.rejected(BadSignature, &failure)))
            }
            Err(failure @ Unsigned::Mismatch { value, .. }) => {
                // A timestamp segment left: BadTimeSignature, else the
                // signer's BadSignature (both carry the unverified value).
                return Err(match rsplit(value, &self.sep) {
                    None => Failure {
                        error: self.rejected(BadSignature, &failure),
                        unverified: Some(value),
                    },
                    Some((value, ts)) => {
                        let mut error = self.rejected(BadTimeSignature, &failure);
                        if self.version == ItsDangerousVersion::V2 && self.too_late(ts) {
                            // 2.x fails to build the date and says so.
                            error = error.with_message("Malformed timestamp".to_owned());
                        }
                        Failure {
                            error,
                            unverified: Some(value),
                        }
                    }
                });
            }
        };
        let Some((value, ts)) = rsplit(signed, &self.sep) else {
            return Err(Failure {
                error: LoadError::new(BadTimeSignature, Error::missing_claim("timestamp"))
                    .with_value(signed)
                    .with_message("timestamp missing".to_owned()),
                unverified: Some(signed),
            });
        };
        let malformed = |reason: &'static str| Failure {
            error: LoadError::new(BadTimeSignature, Error::malformed(Part::Token, reason))
                .with_value(value)
                .with_message("Malformed timestamp".to_owned()),
            unverified: Some(value),
        };
        let ts = decode_timestamp(ts).map_err(malformed)?;
        let unix = i64::try_from(ts)
            .ok()
            .and_then(|ts| ts.checked_add(self.epoch()))
            .filter(|&unix| unix <= MAX_TIMESTAMP)
            .ok_or_else(|| malformed("timestamp after 9999-12-31T23:59:59Z"))?;
        if let Some(max_age) = max_age {
            let age = i128::from(now) - i128::from(unix);
            let expired = |error: Error, message: String| Failure {
                error: LoadError::new(SignatureExpired, error)
                    .with_value(value)
                    .with_issued_at(Some(NumericDate::from_secs(unix)))
                    .with_message(message),
                unverified: Some(value),
            };
            if age > i128::from(max_age) {
                return Err(expired(
                    Error::Expired {
                        exp: unix.saturating_add(max_age),
                        now,
                    },
                    format!("Signature age {age} > {max_age} seconds"),
                ));
            }
            if age < 0 && self.version == ItsDangerousVersion::V2 {
                return Err(expired(
                    Error::NotYetValid { nbf: unix, now },
                    format!("Signature age {age} < 0 seconds"),
                ));
            }
        }
        Ok((value, unix))
    }

    /// Whether a timestamp segment decodes to a date 2.x cannot build.
    fn too_late(&self, ts: &[u8]) -> bool {
        decode_timestamp(ts).is_ok_and(|ts| ts > MAX_TIMESTAMP as u64)
    }
}

/// A timestamp segment: strict base64url of at most 8 bytes, big-endian,
/// with no leading zero byte (the one encoding itsdangerous writes; zero is
/// the empty segment).
fn decode_timestamp(segment: &[u8]) -> Result<u64, &'static str> {
    if segment.len() > 11 {
        return Err("timestamp longer than 8 bytes");
    }
    let bytes = b64::decode(segment).map_err(|()| "timestamp is not base64url")?;
    if bytes.len() > 8 {
        return Err("timestamp longer than 8 bytes");
    }
    if bytes.first() == Some(&0) {
        return Err("timestamp has a leading zero byte");
    }
    Ok(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// itsdangerous's `Signer`: `value ‖ sep ‖ b64u(HMAC(key, value))`.
///
/// ```
/// use timed_jws::compat::itsdangerous::Signer;
///
/// let s = Signer::builder("secret-key-A").build()?;
/// let token = s.sign("hello world");
/// assert_eq!(token, b"hello world.9NR5LjwWZE1Y3Z-UoWTf3LPOVEM");
/// assert_eq!(s.unsign(&token)?, b"hello world");
///
/// let err = s.unsign("hello worlX.9NR5LjwWZE1Y3Z-UoWTf3LPOVEM").unwrap_err();
/// assert_eq!(err.itsdangerous_class().as_str(), "BadSignature");
/// assert_eq!(err.kind().as_str(), "invalid_signature");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    core: SignerCore,
    limits: ClassicLimits,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("version", &self.core.version)
            .field("keys", &self.core.keys.len())
            .finish_non_exhaustive()
    }
}

fn check_token_len(token: &[u8], limits: &ClassicLimits) -> Result<(), LoadError> {
    if token.len() > limits.max_token_len {
        return Err(LoadError::new(
            BadDataClass::BadSignature,
            Error::ResourceLimit {
                limit: Limit::MaxTokenLen,
                max: limits.max_token_len,
            },
        ));
    }
    Ok(())
}

pub(super) fn check_token_len_failure<'a>(
    token: &[u8],
    limits: &ClassicLimits,
) -> Result<(), Failure<'a>> {
    check_token_len(token, limits).map_err(Failure::new)
}

impl Signer {
    /// A builder with the secret key (any length, even empty, as
    /// itsdangerous accepts; never printed).
    pub fn builder(secret: impl AsRef<[u8]>) -> ClassicBuilder<Signer> {
        ClassicBuilder::new(secret.as_ref())
    }

    /// The itsdangerous version reproduced.
    pub fn version(&self) -> ItsDangerousVersion {
        self.core.version
    }

    /// `sign(value)`: `value ‖ sep ‖ b64u(HMAC(key, value))`, signed with
    /// the newest secret. The value may hold anything, the separator
    /// included.
    pub fn sign(&self, value: impl AsRef<[u8]>) -> Vec<u8> {
        let mut out = value.as_ref().to_vec();
        self.core.append_signature(&mut out);
        out
    }

    /// `get_signature(value)`: the base64url MAC of `value` with the newest
    /// secret.
    pub fn get_signature(&self, value: impl AsRef<[u8]>) -> String {
        let mut out = Vec::new();
        out.extend_from_slice(value.as_ref());
        let start = out.len().saturating_add(self.core.sep.len());
        self.core.append_signature(&mut out);
        String::from_utf8_lossy(out.get(start..).unwrap_or_default()).into_owned()
    }

    /// `unsign(signed)`: the value, when the MAC after the last separator
    /// matches one of the secrets (constant-time comparison through
    /// `ring::hmac::verify`, newest secret first).
    ///
    /// # Errors
    ///
    /// `BadSignature`: kind `malformed` when there is no separator or the
    /// signature is not strict base64url, `invalid_signature` when no
    /// secret's MAC matches; `resource_limit` for a token longer than
    /// `max_token_len`.
    pub fn unsign(&self, signed: impl AsRef<[u8]>) -> Result<Vec<u8>, LoadError> {
        let signed = signed.as_ref();
        check_token_len(signed, &self.limits)?;
        self.core
            .unsign_plain(signed)
            .map(<[u8]>::to_vec)
            .map_err(|f| f.error)
    }

    /// `validate(signed)`: whether [`unsign`](Self::unsign) succeeds.
    pub fn validate(&self, signed: impl AsRef<[u8]>) -> bool {
        self.unsign(signed).is_ok()
    }
}

/// itsdangerous's `TimestampSigner`:
/// `value ‖ sep ‖ b64u(ts) ‖ sep ‖ b64u(HMAC(key, value ‖ sep ‖ b64u(ts)))`.
///
/// The expiry check runs only when a `max_age` is given (as in Python):
/// `now - timestamp > max_age` is `SignatureExpired`, so `age == max_age`
/// is still valid; under 2.x a timestamp in the future is
/// `SignatureExpired` too.
///
/// ```
/// use timed_jws::compat::itsdangerous::TimestampSigner;
///
/// let s = TimestampSigner::builder("secret-key-A").build()?;
/// let token = s.sign_at("hello world", 1_700_000_000)?;
/// assert_eq!(token, b"hello world.ZVPxAA.NVq8qlR1RUx5cBfu42eKdSOPb48");
/// let (value, timestamp) = s.unsign_with_timestamp_at(&token, Some(60), 1_700_000_060)?;
/// assert_eq!((value.as_slice(), timestamp), (&b"hello world"[..], 1_700_000_000));
///
/// let err = s.unsign_at(&token, Some(60), 1_700_000_061).unwrap_err();
/// assert_eq!(err.itsdangerous_class().as_str(), "SignatureExpired");
/// assert_eq!(err.itsdangerous_message(), Some("Signature age 61 > 60 seconds"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TimestampSigner {
    core: SignerCore,
    limits: ClassicLimits,
}

impl fmt::Debug for TimestampSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimestampSigner")
            .field("version", &self.core.version)
            .field("keys", &self.core.keys.len())
            .finish_non_exhaustive()
    }
}

impl TimestampSigner {
    /// A builder with the secret key (any length, even empty, as
    /// itsdangerous accepts; never printed).
    pub fn builder(secret: impl AsRef<[u8]>) -> ClassicBuilder<TimestampSigner> {
        ClassicBuilder::new(secret.as_ref())
    }

    /// The itsdangerous version reproduced.
    pub fn version(&self) -> ItsDangerousVersion {
        self.core.version
    }

    /// Signs `value` at the current time (see [`sign_at`](Self::sign_at)).
    ///
    /// # Errors
    ///
    /// As [`sign_at`](Self::sign_at).
    pub fn sign(&self, value: impl AsRef<[u8]>) -> Result<Vec<u8>, Error> {
        self.sign_at(value, NumericDate::now())
    }

    /// `sign(value)` with the clock at `now` (truncated to whole seconds):
    /// the timestamp is `now` (0.24: `now - 1293840000`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidClaim`] (claim `timestamp`) when `now` is before the
    /// version's epoch (1970, or 2011 for 0.24: Python fails there too) or
    /// after [`MAX_TIMESTAMP`].
    pub fn sign_at(&self, value: impl AsRef<[u8]>, now: impl UnixTime) -> Result<Vec<u8>, Error> {
        let mut out = value.as_ref().to_vec();
        self.core.append_timestamp(&mut out, now.unix_seconds())?;
        self.core.append_signature(&mut out);
        Ok(out)
    }

    /// Verifies at the current time (see [`unsign_at`](Self::unsign_at)).
    ///
    /// # Errors
    ///
    /// As [`unsign_at`](Self::unsign_at).
    pub fn unsign(
        &self,
        signed: impl AsRef<[u8]>,
        max_age: Option<i64>,
    ) -> Result<Vec<u8>, LoadError> {
        self.unsign_at(signed, max_age, NumericDate::now())
    }

    /// `unsign(signed, max_age)` with the clock at `now` (truncated to whole
    /// seconds): the value without its timestamp. `max_age` is in seconds;
    /// without it no age check is made.
    ///
    /// # Errors
    ///
    /// In itsdangerous's order: no separator (`BadSignature`, kind
    /// `malformed`); MAC mismatch or a signature that is not strict
    /// base64url (`BadTimeSignature` when a timestamp segment is left,
    /// otherwise `BadSignature`; kind `invalid_signature` or `malformed`);
    /// no timestamp (`BadTimeSignature`, kind `missing_claim`); a timestamp
    /// that is not strict base64url of at most 8 bytes without a leading
    /// zero byte, or after [`MAX_TIMESTAMP`] (`BadTimeSignature`, kind
    /// `malformed`); with `max_age`, `now - timestamp > max_age`
    /// (`SignatureExpired`, kind `expired`) or, 2.x, a timestamp after `now`
    /// (`SignatureExpired`, kind `not_yet_valid`). The errors after the MAC
    /// check carry the value ([`LoadError::value`]) and `SignatureExpired`
    /// the timestamp ([`LoadError::issued_at`]).
    pub fn unsign_at(
        &self,
        signed: impl AsRef<[u8]>,
        max_age: Option<i64>,
        now: impl UnixTime,
    ) -> Result<Vec<u8>, LoadError> {
        Ok(self.unsign_with_timestamp_at(signed, max_age, now)?.0)
    }

    /// Like [`unsign`](Self::unsign), also returning the timestamp.
    ///
    /// # Errors
    ///
    /// As [`unsign_at`](Self::unsign_at).
    pub fn unsign_with_timestamp(
        &self,
        signed: impl AsRef<[u8]>,
        max_age: Option<i64>,
    ) -> Result<(Vec<u8>, i64), LoadError> {
        self.unsign_with_timestamp_at(signed, max_age, NumericDate::now())
    }

    /// `unsign(signed, max_age, return_timestamp=True)` at `now`: the value
    /// and the time it was signed, in Unix seconds (itsdangerous's
    /// `datetime`; under 0.24 the 2011-based count plus 1293840000).
    ///
    /// # Errors
    ///
    /// As [`unsign_at`](Self::unsign_at).
    pub fn unsign_with_timestamp_at(
        &self,
        signed: impl AsRef<[u8]>,
        max_age: Option<i64>,
        now: impl UnixTime,
    ) -> Result<(Vec<u8>, i64), LoadError> {
        let signed = signed.as_ref();
        check_token_len(signed, &self.limits)?;
        self.core
            .unsign_timed(signed, max_age, now.unix_seconds())
            .map(|(value, ts)| (value.to_vec(), ts))
            .map_err(|f| f.error)
    }

    /// `validate(signed, max_age)` at `now`: whether
    /// [`unsign_at`](Self::unsign_at) succeeds.
    pub fn validate_at(
        &self,
        signed: impl AsRef<[u8]>,
        max_age: Option<i64>,
        now: impl UnixTime,
    ) -> bool {
        self.unsign_at(signed, max_age, now).is_ok()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_of_the_spec() {
        // itsdangerous-classic.md §2, secret `secret-key-A`, salt
        // `itsdangerous.Signer`: the HMAC over "" with each derived key
        // equals the HMAC with the key bytes given there.
        let check = |kd: KeyDerivation, salt: &[u8], key_hex: &str| {
            let key_bytes: Vec<u8> = (0..key_hex.len() / 2)
                .map(|i| u8::from_str_radix(&key_hex[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            let derived = kd.derive(Digest::Sha1, b"secret-key-A", salt);
            let expected = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &key_bytes);
            assert_eq!(
                hmac::sign(&derived, b"x").as_ref(),
                hmac::sign(&expected, b"x").as_ref(),
                "{kd}"
            );
        };
        check(
            KeyDerivation::DjangoConcat,
            b"itsdangerous.Signer",
            "bd4c06a82dd709cb12f45b26c1af4e4613a3d680",
        );
        check(
            KeyDerivation::DjangoConcat,
            b"itsdangerous",
            "6b4d4fa583e14acc6555fb7eb225ca0201aaebbe",
        );
        // Flask's session key: HMAC-SHA1("dev-secret", "cookie-session").
        let flask = KeyDerivation::Hmac.derive(Digest::Sha1, b"dev-secret", b"cookie-session");
        let expected = hmac::Key::new(
            hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            &[
                0x48, 0xa4, 0xb4, 0x23, 0xf2, 0xa3, 0x88, 0x3c, 0x61, 0x40, 0x6a, 0x9f, 0x20, 0xd4,
                0x7e, 0xcf, 0x46, 0x8f, 0x34, 0x9d,
            ],
        );
        assert_eq!(
            hmac::sign(&flask, b"x").as_ref(),
            hmac::sign(&expected, b"x").as_ref()
        );
    }

    #[test]
    fn names_round_trip() {
        for d in Digest::ALL {
            assert_eq!(d.as_str().parse::<Digest>(), Ok(d));
            assert_eq!(d.output_len(), d.digest_algorithm().output_len());
        }
        for k in KeyDerivation::ALL {
            assert_eq!(k.as_str().parse::<KeyDerivation>(), Ok(k));
        }
        assert_eq!("md5".parse::<Digest>(), Err(()));
        assert_eq!("sha224".parse::<Digest>(), Err(()));
        assert_eq!("django_concat".parse::<KeyDerivation>(), Err(()));
    }

    #[test]
    fn separator_check_is_a_substring_test() {
        for bad in ["", "=", "a", "ab", "-_", "XYZ", "9-"] {
            assert_eq!(
                Signer::builder("k")
                    .separator(bad)
                    .build()
                    .unwrap_err()
                    .kind(),
                crate::ErrorKind::InvalidKey,
                "{bad:?}"
            );
        }
        for good in [":", "|", "~", "::", "a.", "xz", "é", "ba"] {
            assert!(
                Signer::builder("k").separator(good).build().is_ok(),
                "{good:?}"
            );
        }
    }

    #[test]
    fn rsplit_is_pythons() {
        assert_eq!(rsplit(b"a:::sig", b"::"), Some((&b"a:"[..], &b"sig"[..])));
        assert_eq!(rsplit(b"a.b.c", b"."), Some((&b"a.b"[..], &b"c"[..])));
        assert_eq!(rsplit(b".", b"."), Some((&b""[..], &b""[..])));
        assert_eq!(rsplit(b"abc", b"."), None);
        assert_eq!(rsplit(b"", b"."), None);
        assert_eq!(rsplit(b":", b"::"), None);
    }

    #[test]
    fn timestamps() {
        assert_eq!(decode_timestamp(b""), Ok(0));
        assert_eq!(decode_timestamp(b"ZVPxAA"), Ok(1_700_000_000));
        assert_eq!(decode_timestamp(b"AQAAAAA"), Ok(1 << 32));
        assert_eq!(decode_timestamp(b"__________8"), Ok(u64::MAX));
        for bad in [
            &b"AAAA"[..],
            b"AGVT8QA",
            b"ZVPxAA==",
            b"!!",
            b"A",
            b"AAAAAABlU_EA",
        ] {
            assert!(decode_timestamp(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn python_reprs() {
        assert_eq!(py_bytes_repr(b"ab\n\\'\x00\xff"), r#"b"ab\n\\'\x00\xff""#);
        assert_eq!(py_bytes_repr(b"x'\"y"), r#"b'x\'"y'"#);
        assert_eq!(py_bytes_repr(b""), "b''");
        assert_eq!(py_str_repr("."), "'.'");
        assert_eq!(py_str_repr("é\t"), "'é\\t'");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let b = Signer::builder("hunter2-secret")
            .salt("pepper-salt")
            .fallback_secrets(["old-hunter2"]);
        let s = b.clone().build().unwrap();
        let t = TimestampSigner::builder("hunter2-secret").build().unwrap();
        let text = format!("{b:?} {s:?} {t:?} {b:#?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("pepper"), "{text}");
        assert!(!text.contains("104, 117"), "{text}");
    }
}
