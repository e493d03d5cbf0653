//! Python itsdangerous's token formats, read and written byte for byte.
//!
//! The JWS serializers (`JSONWebSignatureSerializer`,
//! `TimedJSONWebSignatureSerializer`, itsdangerous 0.24 to 2.0) live in
//! `jws.rs`; everything is re-exported here, so the public paths are those of
//! this module.
//!
//! See [`TimedJsonWebSignatureSerializer`] for the JWS format, its
//! verification order and an example.

mod jws;

pub use self::jws::*;
