//! `--compat itsdangerous* --format timed-jws|jws`: itsdangerous's
//! TimedJSONWebSignatureSerializer and JSONWebSignatureSerializer.

use serde_json::Value;
use timed_jws::compat::itsdangerous::{
    ExpiresIn, ItsDangerousVersion, JsonWebSignatureSerializer, SerializerBuilder,
    TimedJsonWebSignatureSerializer,
};
use timed_jws::{Algorithm, NumericDate};

use crate::{not_applicable, Format, KeyArgs, SignArgs, UsageError, Verdict, VerifyArgs};

fn builder<S>(
    version: ItsDangerousVersion,
    key: &KeyArgs,
    alg: Option<&str>,
    make: fn(Vec<u8>) -> SerializerBuilder<S>,
) -> Result<SerializerBuilder<S>, UsageError> {
    if key.jwk.is_some() || key.jwks.is_some() || key.kid.is_some() {
        return Err(UsageError(format!(
            "--jwk, --jwks and --kid are not used with --compat: give {}",
            crate::SecretArgs::NAMES
        )));
    }
    let format = key.format.unwrap_or_default();
    not_applicable(
        &[
            ("--key-derivation", key.key_derivation.is_some()),
            ("--digest", key.digest.is_some()),
        ],
        &format!(
            "--format {} (itsdangerous's JWS serializers)",
            format.name()
        ),
    )?;
    let secret = key
        .secret
        .read()?
        .ok_or_else(|| UsageError(format!("--compat needs {}", crate::SecretArgs::NAMES)))?;
    let mut b = make(secret).version(version);
    if let Some(alg) = alg {
        let alg: Algorithm = alg
            .parse()
            .map_err(|_| UsageError(format!("--alg {alg}: expected HS256, HS384 or HS512")))?;
        if alg.hmac_output_len().is_none() {
            return Err(UsageError(format!(
                "--alg {alg}: itsdangerous tokens use HS256, HS384 or HS512"
            )));
        }
        b = b.algorithm(alg);
    }
    if let Some(salt) = &key.salt {
        b = b.salt(salt.as_bytes());
    }
    Ok(b)
}

fn now(key: &KeyArgs) -> NumericDate {
    key.now
        .map_or_else(NumericDate::now, NumericDate::from_secs)
}

fn parse_expires_in(text: &str) -> Result<ExpiresIn, UsageError> {
    if let Ok(i) = text.parse::<i64>() {
        return Ok(ExpiresIn::from(i));
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(ExpiresIn::from(f)),
        _ => Err(UsageError(format!(
            "--expires-in {text}: expected a number of seconds"
        ))),
    }
}

pub(crate) fn sign(
    version: ItsDangerousVersion,
    format: Format,
    a: &SignArgs,
    payload: &str,
) -> Result<String, UsageError> {
    if a.issuer.is_some() || !a.audience.is_empty() || a.subject.is_some() {
        return Err(UsageError(
            "--issuer, --audience and --subject are standard-JWT options, not used with --compat"
                .into(),
        ));
    }
    not_applicable(
        &[("--allow-short-secret", a.allow_short_secret)],
        "--compat (itsdangerous accepts any secret)",
    )?;
    let alg = a.alg.as_deref();
    if format == Format::Jws {
        not_applicable(
            &[
                ("--expires-in", a.expires_in.is_some()),
                ("--now", a.key.now.is_some()),
            ],
            "--format jws (its tokens do not expire)",
        )?;
        let mut b = builder(version, &a.key, alg, JsonWebSignatureSerializer::builder)?;
        if let Some(h) = &a.header {
            b = b.header_fields_json(h.as_str());
        }
        return Ok(b.build()?.dumps_json(payload)?);
    }
    let mut b = builder(
        version,
        &a.key,
        alg,
        TimedJsonWebSignatureSerializer::builder,
    )?;
    if let Some(e) = &a.expires_in {
        b = b.expires_in(parse_expires_in(e)?);
    }
    if let Some(h) = &a.header {
        b = b.header_fields_json(h.as_str());
    }
    let s = b.build()?;
    Ok(s.dumps_json_at(payload, now(&a.key))?)
}

pub(crate) fn verify(
    version: ItsDangerousVersion,
    format: Format,
    a: &VerifyArgs,
    token: &str,
) -> Result<Verdict, UsageError> {
    if a.leeway.is_some()
        || !a.audience.is_empty()
        || !a.issuer.is_empty()
        || a.subject.is_some()
        || !a.require.is_empty()
        || a.allow_missing_exp
    {
        return Err(UsageError(
            "--leeway, --audience, --issuer, --subject, --require and --allow-missing-exp are standard-JWT options: itsdangerous checks only the header exp".into(),
        ));
    }
    not_applicable(
        &[
            ("--allow-short-secret", a.allow_short_secret),
            ("--max-age", a.max_age.is_some()),
            ("--fallback-secret-file", !a.fallback_secret_file.is_empty()),
            ("--now", format == Format::Jws && a.key.now.is_some()),
        ],
        &format!(
            "--format {} (itsdangerous's JWS serializers check the header exp and one secret)",
            format.name()
        ),
    )?;
    if a.alg.len() > 1 {
        return Err(UsageError(
            "--compat verifies with exactly one algorithm: give --alg once".into(),
        ));
    }
    let alg = a.alg.first().map(String::as_str);
    let result = if format == Format::Jws {
        builder(version, &a.key, alg, JsonWebSignatureSerializer::builder)?
            .build()?
            .loads_with_header(token)
    } else {
        builder(
            version,
            &a.key,
            alg,
            TimedJsonWebSignatureSerializer::builder,
        )?
        .build()?
        .loads_with_header_at(token, now(&a.key))
    };
    Ok(match result {
        Ok((payload, header)) => Verdict::valid(Some(Value::Object(header)), &payload, None),
        Err(e) => Verdict::Rejected {
            itsdangerous: Some(e.itsdangerous_class().as_str()),
            message: None,
            error: e.into_error(),
        },
    })
}
