//! `--compat itsdangerous[-0.24]`: placeholder until the compat layer lands.

use crate::{SignArgs, UsageError, Verdict, VerifyArgs};

pub(crate) fn sign(_v024: bool, _a: &SignArgs, _payload: &str) -> Result<String, UsageError> {
    Err(UsageError("--compat is not yet supported".into()))
}

pub(crate) fn verify(_v024: bool, _a: &VerifyArgs, _token: &str) -> Result<Verdict, UsageError> {
    Err(UsageError("--compat is not yet supported".into()))
}
