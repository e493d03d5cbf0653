//! `--compat itsdangerous* --format signer|timestamp-signer|serializer|
//! timed-serializer|url-safe|url-safe-timed|flask-session`: itsdangerous's
//! classic formats and Flask's session cookie.

use timed_jws::compat::flask::{self, SessionSerializer, PERMANENT_SESSION_LIFETIME};
use timed_jws::compat::itsdangerous::{
    ClassicBuilder, Digest, ItsDangerousVersion, KeyDerivation, LoadError, Serializer, Signer,
    TimedSerializer, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer,
};
use timed_jws::NumericDate;

use crate::{
    not_applicable, DigestArg, Format, KeyArgs, KeyDerivationArg, SecretArgs, SignArgs, UsageError,
    Verdict, VerifyArgs,
};

impl From<KeyDerivationArg> for KeyDerivation {
    fn from(k: KeyDerivationArg) -> Self {
        match k {
            KeyDerivationArg::DjangoConcat => KeyDerivation::DjangoConcat,
            KeyDerivationArg::Concat => KeyDerivation::Concat,
            KeyDerivationArg::Hmac => KeyDerivation::Hmac,
            KeyDerivationArg::None => KeyDerivation::None,
        }
    }
}

impl From<DigestArg> for Digest {
    fn from(d: DigestArg) -> Self {
        match d {
            DigestArg::Sha1 => Digest::Sha1,
            DigestArg::Sha256 => Digest::Sha256,
            DigestArg::Sha384 => Digest::Sha384,
            DigestArg::Sha512 => Digest::Sha512,
        }
    }
}

/// What the classic formats are told, `--format NAME` in messages.
fn what(format: Format) -> String {
    format!("--format {}", format.name())
}

/// The key options every classic format refuses, and those it takes
/// depending on the format.
fn check_key_options(format: Format, key: &KeyArgs) -> Result<(), UsageError> {
    not_applicable(
        &[
            ("--jwk", key.jwk.is_some()),
            ("--jwks", key.jwks.is_some()),
            ("--key-pem", key.key_pem.is_some()),
            ("--kid", key.kid.is_some()),
            ("--now", !format.is_timed() && key.now.is_some()),
        ],
        &what(format),
    )?;
    if format == Format::FlaskSession {
        not_applicable(
            &[
                ("--salt", key.salt.is_some()),
                ("--key-derivation", key.key_derivation.is_some()),
                ("--digest", key.digest.is_some()),
            ],
            "--format flask-session (Flask's cookie uses the salt cookie-session, hmac and sha1)",
        )?;
    }
    Ok(())
}

fn secret(key: &KeyArgs) -> Result<Vec<u8>, UsageError> {
    key.secret
        .read()?
        .ok_or_else(|| UsageError(format!("--compat needs {}", SecretArgs::NAMES)))
}

/// The raw bytes of each --fallback-secret-file.
fn fallback_secrets(paths: &[std::path::PathBuf]) -> Result<Vec<Vec<u8>>, UsageError> {
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| {
                UsageError(format!(
                    "cannot read --fallback-secret-file {}: {e}",
                    p.display()
                ))
            })?;
            if bytes.ends_with(b"\n") {
                eprintln!(
                    "timed-jws: note: {} ends with a newline, which is part of the secret (raw bytes)",
                    p.display()
                );
            }
            Ok(bytes)
        })
        .collect()
}

/// The settings every classic builder takes from the command line.
fn configure<S>(
    b: ClassicBuilder<S>,
    version: ItsDangerousVersion,
    key: &KeyArgs,
    fallbacks: &[Vec<u8>],
) -> ClassicBuilder<S> {
    let mut b = b.version(version).fallback_secrets(fallbacks);
    if let Some(salt) = &key.salt {
        b = b.salt(salt.as_bytes());
    }
    if let Some(kd) = key.key_derivation {
        b = b.key_derivation(kd.into());
    }
    if let Some(d) = key.digest {
        b = b.digest(d.into());
    }
    b
}

fn now(key: &KeyArgs) -> NumericDate {
    key.now
        .map_or_else(NumericDate::now, NumericDate::from_secs)
}

/// A signed value, which the CLI got as text and so is UTF-8.
fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

pub(crate) fn sign(
    version: ItsDangerousVersion,
    format: Format,
    a: &SignArgs,
    value: &str,
) -> Result<String, UsageError> {
    not_applicable(
        &[
            ("--alg", a.alg.is_some()),
            ("--expires-in", a.expires_in.is_some()),
            ("--header", a.header.is_some()),
            ("--issuer", a.issuer.is_some()),
            ("--audience", !a.audience.is_empty()),
            ("--subject", a.subject.is_some()),
            ("--allow-short-secret", a.allow_short_secret),
        ],
        &what(format),
    )?;
    let k = &a.key;
    check_key_options(format, k)?;
    let secret = secret(k)?;
    Ok(match format {
        Format::Signer => {
            let s = configure(Signer::builder(secret), version, k, &[]).build()?;
            text(s.sign(value))
        }
        Format::TimestampSigner => {
            let s = configure(TimestampSigner::builder(secret), version, k, &[]).build()?;
            text(s.sign_at(value, now(k))?)
        }
        Format::Serializer => configure(Serializer::builder(secret), version, k, &[])
            .build()?
            .dumps_json(value)?,
        Format::UrlSafe => configure(URLSafeSerializer::builder(secret), version, k, &[])
            .build()?
            .dumps_json(value)?,
        Format::TimedSerializer => configure(TimedSerializer::builder(secret), version, k, &[])
            .build()?
            .dumps_json_at(value, now(k))?,
        Format::UrlSafeTimed => configure(URLSafeTimedSerializer::builder(secret), version, k, &[])
            .build()?
            .dumps_json_at(value, now(k))?,
        Format::FlaskSession => {
            // The session's tagged JSON, as the cookie stores it.
            let session = flask::decode(value.as_bytes()).map_err(|e| {
                UsageError(format!(
                    "the session is not a JSON object of Flask's tagged JSON: {e}"
                ))
            })?;
            SessionSerializer::builder(secret)
                .version(version)
                .build()?
                .dumps_at(&session, now(k))?
        }
        Format::TimedJws | Format::Jws => {
            return Err(UsageError(format!("{} is a JWS format", what(format))))
        }
    })
}

fn rejected(e: LoadError) -> Verdict {
    Verdict::Rejected {
        itsdangerous: Some(e.itsdangerous_class().as_str()),
        message: e.itsdangerous_message().map(str::to_owned),
        error: e.into_error(),
    }
}

/// A signer's value: a JSON string in `--output json`, the text itself in
/// text output.
fn signed_text(value: Vec<u8>, timestamp: Option<i64>) -> Verdict {
    let value = text(value);
    Verdict::Valid {
        header: None,
        payload: serde_json::to_string(&value).unwrap_or_default(),
        text: Some(value),
        timestamp,
    }
}

pub(crate) fn verify(
    version: ItsDangerousVersion,
    format: Format,
    a: &VerifyArgs,
    token: &str,
) -> Result<Verdict, UsageError> {
    not_applicable(
        &[
            ("--alg", !a.alg.is_empty()),
            ("--leeway", a.leeway.is_some()),
            ("--audience", !a.audience.is_empty()),
            ("--issuer", !a.issuer.is_empty()),
            ("--subject", a.subject.is_some()),
            ("--require", !a.require.is_empty()),
            ("--allow-short-secret", a.allow_short_secret),
            ("--allow-missing-exp", a.allow_missing_exp),
            ("--max-age", !format.is_timed() && a.max_age.is_some()),
        ],
        &what(format),
    )?;
    let k = &a.key;
    check_key_options(format, k)?;
    let secret = secret(k)?;
    let fallbacks = fallback_secrets(&a.fallback_secret_file)?;
    let max_age = a.max_age;
    Ok(match format {
        Format::Signer => {
            let s = configure(Signer::builder(secret), version, k, &fallbacks).build()?;
            s.unsign(token)
                .map_or_else(rejected, |v| signed_text(v, None))
        }
        Format::TimestampSigner => {
            let s = configure(TimestampSigner::builder(secret), version, k, &fallbacks).build()?;
            s.unsign_with_timestamp_at(token, max_age, now(k))
                .map_or_else(rejected, |(v, ts)| signed_text(v, Some(ts)))
        }
        Format::Serializer => configure(Serializer::builder(secret), version, k, &fallbacks)
            .build()?
            .loads(token)
            .map_or_else(rejected, |p| Verdict::valid(None, &p, None)),
        Format::UrlSafe => configure(URLSafeSerializer::builder(secret), version, k, &fallbacks)
            .build()?
            .loads(token)
            .map_or_else(rejected, |p| Verdict::valid(None, &p, None)),
        Format::TimedSerializer => {
            configure(TimedSerializer::builder(secret), version, k, &fallbacks)
                .build()?
                .loads_with_timestamp_at(token, max_age, now(k))
                .map_or_else(rejected, |(p, ts)| Verdict::valid(None, &p, Some(ts)))
        }
        Format::UrlSafeTimed => configure(
            URLSafeTimedSerializer::builder(secret),
            version,
            k,
            &fallbacks,
        )
        .build()?
        .loads_with_timestamp_at(token, max_age, now(k))
        .map_or_else(rejected, |(p, ts)| Verdict::valid(None, &p, Some(ts))),
        Format::FlaskSession => {
            let s = SessionSerializer::builder(secret)
                .version(version)
                .fallback_secret_keys(&fallbacks)
                .permanent_session_lifetime(max_age.unwrap_or(PERMANENT_SESSION_LIFETIME))
                .build()?;
            match s.loads_with_timestamp_at(token, now(k)) {
                // The session's tagged JSON as the cookie stores it (what
                // Flask writes for this session: sorted, compact, ASCII).
                Ok((session, ts)) => Verdict::Valid {
                    header: None,
                    payload: text(flask::encode(&session)?),
                    text: None,
                    timestamp: Some(ts),
                },
                Err(e) => rejected(e),
            }
        }
        Format::TimedJws | Format::Jws => {
            return Err(UsageError(format!("{} is a JWS format", what(format))))
        }
    })
}
