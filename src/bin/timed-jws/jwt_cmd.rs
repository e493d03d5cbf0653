//! Standard JWT mode: placeholder until the JWT layer lands.

use crate::{SignArgs, UsageError, Verdict, VerifyArgs};

pub(crate) fn sign(_a: &SignArgs, _payload: &str) -> Result<String, UsageError> {
    Err(UsageError(
        "standard JWT signing is not yet supported".into(),
    ))
}

pub(crate) fn verify(_a: &VerifyArgs, _token: &str) -> Result<Verdict, UsageError> {
    Err(UsageError(
        "standard JWT verification is not yet supported".into(),
    ))
}

pub(crate) fn keygen(_alg: &str, _jwk: bool, _kid: Option<&str>) -> Result<String, UsageError> {
    Err(UsageError("keygen is not yet supported".into()))
}
