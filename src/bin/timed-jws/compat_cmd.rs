//! `--compat itsdangerous[-0.24]`: itsdangerous's TimedJSONWebSignatureSerializer.

use serde_json::Value;
use timed_jws::compat::itsdangerous::{
    ExpiresIn, ItsDangerousVersion, SerializerBuilder, TimedJsonWebSignatureSerializer,
};
use timed_jws::{Algorithm, NumericDate};

use crate::{KeyArgs, SignArgs, UsageError, Verdict, VerifyArgs};

fn builder(
    v024: bool,
    key: &KeyArgs,
    alg: Option<&str>,
) -> Result<SerializerBuilder<TimedJsonWebSignatureSerializer>, UsageError> {
    if key.jwk.is_some() || key.jwks.is_some() || key.kid.is_some() {
        return Err(UsageError(format!(
            "--jwk, --jwks and --kid are not used with --compat: give {}",
            crate::SecretArgs::NAMES
        )));
    }
    let secret = key
        .secret
        .read()?
        .ok_or_else(|| UsageError(format!("--compat needs {}", crate::SecretArgs::NAMES)))?;
    let version = if v024 {
        ItsDangerousVersion::V0_24
    } else {
        ItsDangerousVersion::V1
    };
    let mut b = TimedJsonWebSignatureSerializer::builder(secret).version(version);
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

pub(crate) fn sign(v024: bool, a: &SignArgs, payload: &str) -> Result<String, UsageError> {
    if a.issuer.is_some() || !a.audience.is_empty() || a.subject.is_some() {
        return Err(UsageError(
            "--issuer, --audience and --subject are standard-JWT options, not used with --compat"
                .into(),
        ));
    }
    let mut b = builder(v024, &a.key, a.alg.as_deref())?;
    if let Some(e) = &a.expires_in {
        b = b.expires_in(parse_expires_in(e)?);
    }
    if let Some(h) = &a.header {
        b = b.header_fields_json(h.as_str());
    }
    let s = b.build()?;
    Ok(s.dumps_json_at(payload, now(&a.key))?)
}

pub(crate) fn verify(v024: bool, a: &VerifyArgs, token: &str) -> Result<Verdict, UsageError> {
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
    if a.alg.len() > 1 {
        return Err(UsageError(
            "--compat verifies with exactly one algorithm: give --alg once".into(),
        ));
    }
    let s = builder(v024, &a.key, a.alg.first().map(String::as_str))?.build()?;
    Ok(match s.loads_with_header_at(token, now(&a.key)) {
        Ok((payload, header)) => Verdict::Valid {
            header: Value::Object(header),
            payload,
        },
        Err(e) => Verdict::Rejected {
            itsdangerous: Some(e.itsdangerous_class().as_str()),
            error: e.into_error(),
        },
    })
}
