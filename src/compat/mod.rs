//! Compatibility layers that read and write the token formats of other
//! libraries byte for byte.
//!
//! * [`itsdangerous`]: Python itsdangerous 0.24, 1.1 and 2.x: `Signer`,
//!   `TimestampSigner`, `Serializer`, `TimedSerializer`, `URLSafeSerializer`,
//!   `URLSafeTimedSerializer`, and the JWS serializers
//!   `JSONWebSignatureSerializer` and `TimedJSONWebSignatureSerializer`
//!   (0.24 to 2.0).
//! * [`flask`]: Flask's session cookie ([`flask::SessionSerializer`]) and its
//!   tagged session JSON.

pub mod flask;
pub mod itsdangerous;

// The Python-compatible JSON writer; some of its helpers are only used by its
// own tests.
#[allow(dead_code)]
mod pyjson;
