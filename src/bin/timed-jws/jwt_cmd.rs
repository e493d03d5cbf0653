//! Standard JWT mode (RFC 7519): claims in the payload, validated by
//! `timed_jws::Validation`, keys from a secret, a JWK, a JWK Set or PEM.

use serde_json::{Map, Value};
use timed_jws::{jwt, Algorithm, Error, Header, JwkLoader, Key, KeySet, NumericDate, Validation};

use crate::{
    KeyArgs, KeyFormat, KeygenArgs, SecretArgs, SignArgs, UsageError, Verdict, VerifyArgs,
};

/// The verifying or signing key material named on the command line.
enum Keys {
    One(Key),
    Set(KeySet),
}

fn parse_alg(name: &str) -> Result<Algorithm, UsageError> {
    name.parse::<Algorithm>().map_err(|e| match e {
        Error::UnsupportedAlgorithm { .. } => UsageError(format!("--alg {name}: {e}")),
        _ => {
            let known: Vec<&str> = Algorithm::ALL.iter().map(|a| a.as_str()).collect();
            UsageError(format!(
                "--alg {name}: unknown algorithm (names are case-sensitive): expected one of {}",
                known.join(", ")
            ))
        }
    })
}

fn read_text(path: &std::path::Path, what: &str) -> Result<String, UsageError> {
    std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("cannot read {what} {}: {e}", path.display())))
}

/// The JSON object in a key file, when it is one (for hints after an error).
fn json_object(text: &str) -> Option<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// The key of `--jwk PATH` whose file holds `text`; a JWK Set there gets a
/// hint to use `--jwks`.
fn load_jwk(loader: &JwkLoader, path: &std::path::Path, text: &str) -> Result<Key, UsageError> {
    loader.key(text).map_err(|e| match json_object(text) {
        Some(m) if m.contains_key("keys") => UsageError(format!(
            "--jwk {p} holds a JWK Set (an object with \"keys\"), not one JWK: use --jwks {p}",
            p = path.display()
        )),
        _ => UsageError(e.to_string()),
    })
}

/// Builds the key(s) from `--secret*`, `--jwk`, `--jwks` or `--key-pem`.
///
/// `algs` are the algorithms named with `--alg` (sign: at most one).
fn load_keys(k: &KeyArgs, algs: &[Algorithm], allow_short: bool) -> Result<Keys, UsageError> {
    let given = [
        k.secret.is_given(),
        k.jwk.is_some(),
        k.jwks.is_some(),
        k.key_pem.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(UsageError(format!(
            "give exactly one key: {}, --jwk, --jwks or --key-pem",
            SecretArgs::NAMES
        )));
    }
    let mut loader = JwkLoader::new();
    if allow_short {
        loader = loader.allow_short_secret();
    }
    if let [alg] = algs {
        loader = loader.default_algorithm(*alg);
    }
    if let Some(path) = &k.jwk {
        let key = load_jwk(&loader, path, &read_text(path, "--jwk")?)?;
        return Ok(Keys::One(with_kid(key, k.kid.as_deref())));
    }
    if let Some(path) = &k.jwks {
        return Ok(Keys::Set(loader.key_set(&read_text(path, "--jwks")?)?));
    }
    if let Some(path) = &k.key_pem {
        let [alg] = algs else {
            return Err(UsageError("--key-pem needs exactly one --alg".into()));
        };
        let key = Key::from_pem(*alg, &read_text(path, "--key-pem")?)?;
        return Ok(Keys::One(with_kid(key, k.kid.as_deref())));
    }
    let secret = k
        .secret
        .read()?
        .ok_or_else(|| UsageError("no key given".into()))?;
    let make = |alg: Algorithm| -> Result<Key, UsageError> {
        if alg.hmac_output_len().is_none() {
            return Err(UsageError(format!(
                "--alg {alg} uses a key pair, not a secret: give --jwk, --jwks or --key-pem"
            )));
        }
        let key = if allow_short {
            Key::hmac_allow_short_secret(alg, &secret)?
        } else {
            Key::hmac(alg, &secret).map_err(|e| match e {
                Error::InvalidKey { .. } if secret.len() < alg.hmac_output_len().unwrap_or(0) => {
                    UsageError(format!(
                        "{e}; use a random key (`timed-jws keygen --alg {alg}`) or, for a legacy secret, --allow-short-secret"
                    ))
                }
                other => UsageError(other.to_string()),
            })?
        };
        Ok(with_kid(key, k.kid.as_deref()))
    };
    match algs {
        [] => Ok(Keys::One(make(Algorithm::HS256)?)),
        [alg] => Ok(Keys::One(make(*alg)?)),
        several => {
            let mut set = KeySet::new();
            for alg in several {
                set.add(make(*alg)?)?;
            }
            Ok(Keys::Set(set))
        }
    }
}

fn with_kid(key: Key, kid: Option<&str>) -> Key {
    match kid {
        Some(kid) => key.with_kid(kid),
        None => key,
    }
}

fn now(k: &KeyArgs) -> NumericDate {
    k.now.map_or_else(NumericDate::now, NumericDate::from_secs)
}

pub(crate) fn sign(a: &SignArgs, payload: &str) -> Result<String, UsageError> {
    let algs = match &a.alg {
        Some(name) => vec![parse_alg(name)?],
        None => vec![],
    };
    let key = match load_keys(&a.key, &algs, a.allow_short_secret)? {
        Keys::One(key) => key,
        Keys::Set(set) => match &a.key.kid {
            Some(kid) => set
                .get(kid)
                .cloned()
                .ok_or_else(|| UsageError(format!("--kid {kid}: no such key in --jwks")))?,
            None => set.signing_key()?.clone(),
        },
    };
    if let [alg] = algs.as_slice() {
        if key.algorithm() != *alg {
            return Err(UsageError(format!(
                "--alg {alg} does not match the key's algorithm {}",
                key.algorithm()
            )));
        }
    }
    let mut claims: Map<String, Value> = match serde_json::from_str(payload) {
        Ok(Value::Object(m)) => m,
        Ok(_) => {
            return Err(UsageError(
                "a JWT claims set must be a JSON object (RFC 7519 §4)".into(),
            ))
        }
        Err(e) => return Err(UsageError(format!("the payload is not JSON: {e}"))),
    };
    let now = now(&a.key);
    let expires_in = match &a.expires_in {
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| UsageError(format!("--expires-in {text}: expected whole seconds")))?,
        ),
        None if claims.contains_key("exp") => None,
        None => Some(3600),
    };
    if !claims.contains_key("iat") || a.key.now.is_some() {
        claims.insert("iat".into(), Value::from(now.secs()));
    }
    if let Some(secs) = expires_in {
        let exp = now
            .checked_add_secs(secs)
            .ok_or_else(|| UsageError("--now + --expires-in overflows".into()))?;
        claims.insert("exp".into(), Value::from(exp.secs()));
    }
    if let Some(iss) = &a.issuer {
        claims.insert("iss".into(), Value::from(iss.as_str()));
    }
    if let Some(sub) = &a.subject {
        claims.insert("sub".into(), Value::from(sub.as_str()));
    }
    match a.audience.as_slice() {
        [] => {}
        [one] => {
            claims.insert("aud".into(), Value::from(one.as_str()));
        }
        many => {
            claims.insert("aud".into(), Value::from(many.to_vec()));
        }
    }
    let header = match &a.header {
        Some(json) => header_from_json(json)?,
        None => Header::default(),
    };
    Ok(jwt::encode(&header, &claims, &key)?)
}

/// `--header`: extra JWS Protected Header members.
fn header_from_json(json: &str) -> Result<Header, UsageError> {
    let members: Map<String, Value> = serde_json::from_str(json)
        .map_err(|e| UsageError(format!("--header is not a JSON object: {e}")))?;
    let mut h = Header::default();
    for (name, value) in members {
        let text = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| UsageError(format!("--header: {name} must be a string")))
        };
        match name.as_str() {
            "alg" => h.alg = text()?,
            "typ" => h.typ = Some(text()?),
            "cty" => h.cty = Some(text()?),
            "kid" => h.kid = Some(text()?),
            "crit" => {
                return Err(UsageError(
                    "--header: crit is not supported (this crate understands no extensions)".into(),
                ))
            }
            _ => h.extra.push((name, value)),
        }
    }
    Ok(h)
}

pub(crate) fn verify(a: &VerifyArgs, token: &str) -> Result<Verdict, UsageError> {
    let algs = a
        .alg
        .iter()
        .map(|n| parse_alg(n))
        .collect::<Result<Vec<_>, _>>()?;
    let keys = match (load_keys(&a.key, &algs, a.allow_short_secret)?, &a.key.kid) {
        (keys, None) => keys,
        // --kid on verify: only tokens naming this kid, verified with the
        // key of that kid.
        (Keys::One(key), Some(_)) => Keys::Set(KeySet::new().with_key(key)?.require_kid(true)),
        (Keys::Set(set), Some(kid)) => {
            let key = set
                .get(kid)
                .cloned()
                .ok_or_else(|| UsageError(format!("--kid {kid}: no such key in --jwks")))?;
            Keys::Set(KeySet::new().with_key(key)?.require_kid(true))
        }
    };
    let mut v = Validation::new();
    // Before --require, so that `--require exp` still wins.
    if a.allow_missing_exp {
        v = v.allow_missing_exp();
    }
    if !algs.is_empty() {
        v = v.with_algorithms(algs.iter().copied());
    }
    if let Some(l) = a.leeway {
        v = v.with_leeway(l);
    }
    for aud in &a.audience {
        v = v.audience(aud.as_str());
    }
    for iss in &a.issuer {
        v = v.issuer(iss.as_str());
    }
    if let Some(sub) = &a.subject {
        v = v.subject(sub.as_str());
    }
    for claim in &a.require {
        v = v.require(claim.as_str());
    }
    let now = now(&a.key);
    let result = match &keys {
        Keys::One(k) => jwt::decode_at::<Map<String, Value>>(token, k, &v, now),
        Keys::Set(s) => jwt::decode_at::<Map<String, Value>>(token, s, &v, now),
    };
    Ok(match result {
        Ok(t) => {
            let (header, _, claims) = t.into_parts();
            Verdict::valid(
                Some(serde_json::to_value(&header).unwrap_or(Value::Null)),
                &Value::Object(claims),
                None,
            )
        }
        Err(error) => Verdict::Rejected {
            error,
            itsdangerous: None,
            message: None,
        },
    })
}

pub(crate) fn keygen(
    alg: &str,
    format: Option<KeyFormat>,
    kid: Option<&str>,
) -> Result<String, UsageError> {
    let alg = parse_alg(alg)?;
    if let Some(len) = alg.hmac_output_len() {
        let mut secret = vec![0u8; len];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut secret)
            .map_err(|_| UsageError("no system randomness".into()))?;
        let k = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &secret);
        return match format.unwrap_or(KeyFormat::Base64url) {
            KeyFormat::Base64url => Ok(k),
            KeyFormat::Jwk => {
                let mut jwk = Map::new();
                jwk.insert("kty".into(), "oct".into());
                jwk.insert("alg".into(), alg.as_str().into());
                if let Some(kid) = kid {
                    jwk.insert("kid".into(), kid.into());
                }
                jwk.insert("k".into(), k.into());
                Ok(Value::Object(jwk).to_string())
            }
            KeyFormat::Pem => Err(UsageError(
                "--format pem is for asymmetric keys; HMAC secrets print as base64url or jwk"
                    .into(),
            )),
        };
    }
    if matches!(alg.family(), timed_jws::AlgorithmFamily::Rsa) {
        return Err(UsageError(format!(
            "keygen cannot make RSA keys (ring does not generate them): use e.g. `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem` and --key-pem key.pem --alg {alg}"
        )));
    }
    let der = Key::generate_pkcs8(alg)?;
    match format.unwrap_or(KeyFormat::Jwk) {
        KeyFormat::Pem => Ok(Key::pkcs8_to_pem(&der).trim_end().to_owned()),
        KeyFormat::Jwk => {
            let key = with_kid(Key::from_pkcs8_der(alg, &der)?, kid);
            Ok(key.to_jwk_json(true)?.to_string())
        }
        KeyFormat::Base64url => Err(UsageError(
            "--format base64url is for HMAC secrets; use jwk or pem".into(),
        )),
    }
}

/// `keygen --public`: the public JWK of `--jwk`/`--key-pem`, or the public
/// JWK Set of `--jwks` (HMAC keys left out, with a note), as JSON text.
pub(crate) fn public_jwk(a: &KeygenArgs) -> Result<String, UsageError> {
    if !matches!(a.format, None | Some(KeyFormat::Jwk)) {
        return Err(UsageError(
            "--public prints a JWK (a JWK Set for --jwks): drop --format".into(),
        ));
    }
    let no_public_part = |alg: Algorithm| {
        UsageError(format!(
            "{alg} is an HMAC algorithm: a shared secret has no public part to publish \
             (whoever can verify can also sign); give the secret only to the parties that verify"
        ))
    };
    let alg = a.alg.as_deref().map(parse_alg).transpose()?;
    if let Some(alg) = alg.filter(|a| a.hmac_output_len().is_some()) {
        return Err(no_public_part(alg));
    }
    // The secret of an `oct` JWK is never used here: its length does not
    // matter, only that it has no public part.
    let mut loader = JwkLoader::new().allow_short_secret();
    if let Some(alg) = alg {
        loader = loader.default_algorithm(alg);
    }
    let key = if let Some(path) = &a.from.jwk {
        let text = read_text(path, "--jwk")?;
        if json_object(&text).is_some_and(|m| m.get("kty") == Some(&Value::from("oct"))) {
            return Err(UsageError(format!(
                "--jwk {}: an `oct` JWK is a shared HMAC secret, which has no public part to publish",
                path.display()
            )));
        }
        load_jwk(&loader, path, &text)?
    } else if let Some(path) = &a.from.key_pem {
        let alg = alg.ok_or_else(|| {
            UsageError("--key-pem needs --alg (a PEM key does not name its algorithm)".into())
        })?;
        Key::from_pem(alg, &read_text(path, "--key-pem")?)?
    } else if let Some(path) = &a.from.jwks {
        if a.kid.is_some() {
            return Err(UsageError(
                "--kid is not used with --jwks: the keys keep their own `kid`s".into(),
            ));
        }
        let set = loader.key_set(&read_text(path, "--jwks")?)?;
        let mut keys = Vec::new();
        for key in set.iter() {
            if key.algorithm().hmac_output_len().is_some() {
                eprintln!(
                    "timed-jws: note: left out the {} key{}: a shared HMAC secret has no public part",
                    key.algorithm(),
                    key.kid().map(|k| format!(" {k:?}")).unwrap_or_default()
                );
                continue;
            }
            keys.push(key.to_jwk_json(false)?);
        }
        if keys.is_empty() {
            return Err(UsageError(format!(
                "--jwks {}: no asymmetric key: a shared HMAC secret has no public part to publish",
                path.display()
            )));
        }
        let mut out = Map::new();
        out.insert("keys".into(), Value::Array(keys));
        return Ok(Value::Object(out).to_string());
    } else {
        return Err(UsageError(
            "--public prints the public part of an existing key: give --jwk, --jwks or --key-pem \
             (e.g. `timed-jws keygen --alg ES256 --kid k1 > private.jwk`, then \
             `timed-jws keygen --public --jwk private.jwk`)"
                .into(),
        ));
    };
    if key.algorithm().hmac_output_len().is_some() {
        return Err(no_public_part(key.algorithm()));
    }
    Ok(with_kid(key, a.kid.as_deref())
        .to_jwk_json(false)?
        .to_string())
}
