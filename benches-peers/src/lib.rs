//! Shared fixtures for the timed-jws benchmarks (`benches/hs.rs`) and the
//! allocation counter (`src/bin/allocs.rs`).
//!
//! Every measured operation works on the same JWT: the JWS Protected Header
//! `{"alg":"HS256","typ":"JWT"}` (or HS512) and the claims
//! `{"sub":"1234567890","name":"John Doe","admin":true,"iat":IAT,"exp":EXP}`,
//! signed by timed-jws. [`Fixture::new`] checks once, before any timing, that
//! every library accepts that token and decodes the same claims, so no row
//! measures an error path.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// The fixed "now" of the benchmarks, in seconds since the epoch
/// (2023-11-14T22:13:20Z); it is the token's `iat`.
pub const NOW: i64 = 1_700_000_000;

/// The token's `exp`, in seconds since the epoch (2100-01-01T00:00:00Z):
/// far enough in the future that the peers, which read the system clock,
/// never see the token expire.
pub const EXP: i64 = 4_102_444_800;

/// The benchmark claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// `sub`.
    pub sub: String,
    /// A private claim.
    pub name: String,
    /// A private claim.
    pub admin: bool,
    /// `iat`, seconds since the epoch.
    pub iat: i64,
    /// `exp`, seconds since the epoch.
    pub exp: i64,
}

impl Claims {
    /// The benchmark's claims value.
    pub fn sample() -> Self {
        Claims {
            sub: "1234567890".to_owned(),
            name: "John Doe".to_owned(),
            admin: true,
            iat: NOW,
            exp: EXP,
        }
    }
}

/// The least a reader of the JWS Protected Header can do with serde_json:
/// `alg` and `typ` borrowed, nothing checked, nothing allocated. Used by the
/// `bound: header_read` row, a lower bound on the header parse that any
/// verifier needs beyond the floors.
#[derive(Debug, Deserialize)]
pub struct BoundHeader<'a> {
    /// `alg`.
    pub alg: &'a str,
    /// `typ`.
    pub typ: Option<&'a str>,
}

/// The least a reader of the registered claims can do with serde_json:
/// the string claims borrowed, the NumericDates as `f64`, every other
/// member skipped; no duplicate or type checks beyond serde's, nothing
/// allocated. Used by the `bound: registered_read` row, a lower bound on
/// the separate registered-claims pass that issue 12 prescribes before
/// `T` is deserialised.
#[derive(Debug, Deserialize)]
pub struct BoundRegistered<'a> {
    /// `iss`.
    pub iss: Option<&'a str>,
    /// `sub`.
    pub sub: Option<&'a str>,
    /// `aud` (only its syntax is checked).
    pub aud: Option<serde::de::IgnoredAny>,
    /// `exp`.
    pub exp: Option<f64>,
    /// `nbf`.
    pub nbf: Option<f64>,
    /// `iat`.
    pub iat: Option<f64>,
    /// `jti`.
    pub jti: Option<&'a str>,
}

/// The custom (non-registered) part of the claims, for jwt-simple, which
/// keeps `sub`, `iat` and `exp` in its own `JWTClaims` fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomClaims {
    /// A private claim.
    pub name: String,
    /// A private claim.
    pub admin: bool,
}

/// Which HMAC algorithm a fixture uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hs {
    /// HMAC-SHA-256, 32-byte key.
    Hs256,
    /// HMAC-SHA-512, 64-byte key.
    Hs512,
}

impl Hs {
    /// Lower-case name, used in benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Hs::Hs256 => "hs256",
            Hs::Hs512 => "hs512",
        }
    }
}

/// Everything a benchmark row needs, prepared outside the timed loop.
pub struct Fixture {
    /// Which algorithm.
    pub hs: Hs,
    /// The claims value.
    pub claims: Claims,
    /// The secret (32 bytes for HS256, 64 for HS512).
    pub secret: Vec<u8>,
    /// The compact token, signed by timed-jws.
    pub token: String,
    /// Its JWS Signing Input (`header "." payload`).
    pub signing_input: Vec<u8>,
    /// The three encoded segments.
    pub segments: [String; 3],
    /// Decoded JWS Protected Header bytes.
    pub header_json: Vec<u8>,
    /// Decoded payload bytes (the claims JSON).
    pub payload_json: Vec<u8>,
    /// Decoded signature (the HMAC tag).
    pub tag: Vec<u8>,
    /// ring's key.
    pub ring_key: ring::hmac::Key,
    /// timed-jws's key.
    pub tj_key: timed_jws::Key,
    /// timed-jws's header (`alg` and `typ: "JWT"`).
    pub tj_header: timed_jws::Header,
    /// jsonwebtoken's header.
    pub jwt_header: jsonwebtoken::Header,
    /// jsonwebtoken's encoding key.
    pub jwt_enc: jsonwebtoken::EncodingKey,
    /// jsonwebtoken's decoding key.
    pub jwt_dec: jsonwebtoken::DecodingKey,
    /// jsonwebtoken's validation (`exp` required and checked, 60 s leeway).
    pub jwt_validation: jsonwebtoken::Validation,
    /// timed-jws's JWT validation (defaults: `exp` required, no leeway).
    pub tj_validation: timed_jws::Validation,
    /// [`NOW`] as a NumericDate.
    pub tj_now: timed_jws::NumericDate,
    /// itsdangerous's `TimedJSONWebSignatureSerializer` (same secret and
    /// algorithm, no salt, default `expires_in` of 3600 s).
    pub its: timed_jws::compat::itsdangerous::TimedJsonWebSignatureSerializer,
    /// `its.dumps_at(&claims, NOW)`.
    pub its_token: String,
}

impl Fixture {
    /// Builds the fixture and checks, once, that every library accepts the
    /// token and decodes the same claims.
    ///
    /// # Panics
    ///
    /// When any library rejects the token: the benchmark would then measure
    /// an error path.
    #[allow(clippy::expect_used)]
    pub fn new(hs: Hs) -> Self {
        let (tj_alg, jwt_alg, ring_alg, len) = match hs {
            Hs::Hs256 => (
                timed_jws::Algorithm::HS256,
                jsonwebtoken::Algorithm::HS256,
                ring::hmac::HMAC_SHA256,
                32,
            ),
            Hs::Hs512 => (
                timed_jws::Algorithm::HS512,
                jsonwebtoken::Algorithm::HS512,
                ring::hmac::HMAC_SHA512,
                64,
            ),
        };
        let secret: Vec<u8> = (0..len)
            .map(|i| (i as u8).wrapping_mul(37) ^ 0x5c)
            .collect();
        let claims = Claims::sample();
        let tj_key = timed_jws::Key::hmac(tj_alg, &secret).expect("timed-jws key");
        let mut tj_header = timed_jws::Header::new(tj_alg);
        tj_header.typ = Some("JWT".to_owned());
        let payload = serde_json::to_vec(&claims).expect("claims serialise");
        let token = timed_jws::jws::sign(&tj_header, &payload, &tj_key).expect("timed-jws sign");

        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let segments = [
            parts[0].to_owned(),
            parts[1].to_owned(),
            parts[2].to_owned(),
        ];
        let signing_input = format!("{}.{}", parts[0], parts[1]).into_bytes();
        let header_json = URL_SAFE_NO_PAD.decode(parts[0]).expect("header b64");
        let payload_json = URL_SAFE_NO_PAD.decode(parts[1]).expect("payload b64");
        let tag = URL_SAFE_NO_PAD.decode(parts[2]).expect("signature b64");
        let ring_key = ring::hmac::Key::new(ring_alg, &secret);
        ring::hmac::verify(&ring_key, &signing_input, &tag).expect("ring verify");

        let jwt_header = jsonwebtoken::Header::new(jwt_alg);
        let jwt_enc = jsonwebtoken::EncodingKey::from_secret(&secret).expect("jsonwebtoken key");
        let jwt_dec = jsonwebtoken::DecodingKey::from_secret(&secret).expect("jsonwebtoken key");
        let jwt_validation = jsonwebtoken::Validation::new(jwt_alg);
        let tj_validation = timed_jws::Validation::new();
        let tj_now = timed_jws::NumericDate::from_secs(NOW);
        let its =
            timed_jws::compat::itsdangerous::TimedJsonWebSignatureSerializer::builder(&secret)
                .algorithm(tj_alg)
                .build()
                .expect("itsdangerous serializer");
        let its_token = its.dumps_at(&claims, NOW).expect("itsdangerous dumps");

        let fx = Fixture {
            hs,
            claims,
            secret,
            token,
            signing_input,
            segments,
            header_json,
            payload_json,
            tag,
            ring_key,
            tj_key,
            tj_header,
            jwt_header,
            jwt_enc,
            jwt_dec,
            jwt_validation,
            tj_validation,
            tj_now,
            its,
            its_token,
        };
        fx.self_check();
        fx
    }

    #[allow(clippy::expect_used)]
    fn self_check(&self) {
        assert_eq!(
            self.header_json,
            format!(
                r#"{{"alg":"{}","typ":"JWT"}}"#,
                self.hs.name().to_uppercase()
            )
            .into_bytes()
        );
        assert_eq!(
            self.payload_json,
            format!(
                r#"{{"sub":"1234567890","name":"John Doe","admin":true,"iat":{NOW},"exp":{EXP}}}"#
            )
            .into_bytes()
        );
        assert_eq!(self.tj_verify_decode().expect("timed-jws"), self.claims);
        let h: BoundHeader = serde_json::from_slice(&self.header_json).expect("bound header");
        assert_eq!((h.alg, h.typ), (self.hs_alg_name(), Some("JWT")));
        let r: BoundRegistered =
            serde_json::from_slice(&self.payload_json).expect("bound registered claims");
        assert_eq!(
            (r.sub, r.iat, r.exp),
            (Some("1234567890"), Some(NOW as f64), Some(EXP as f64))
        );
        assert_eq!(self.jwt_decode().expect("jsonwebtoken"), self.claims);
        assert_eq!(self.tj_jwt_decode().expect("timed-jws jwt"), self.claims);
        assert_eq!(
            self.tj_jwt_decode_claims().expect("timed-jws jwt claims"),
            self.claims
        );
        assert_eq!(
            self.tj_jwt_encode().expect("timed-jws jwt encode"),
            self.token
        );
        assert_eq!(self.its_loads().expect("itsdangerous loads"), self.claims);
        assert_eq!(
            self.its_dumps().expect("itsdangerous dumps"),
            self.its_token
        );
        let tj_token = self.tj_sign().expect("timed-jws sign");
        assert_eq!(tj_token, self.token);
        let jwt_token = self.jwt_encode().expect("jsonwebtoken encode");
        assert_eq!(
            self.jwt_decode_token(&jwt_token).expect("round trip"),
            self.claims
        );
        if self.hs == Hs::Hs256 {
            let js = JwtSimple::new(&self.secret);
            let c = js.verify(&self.token).expect("jwt-simple verify");
            assert_eq!(c.subject.as_deref(), Some("1234567890"));
            assert_eq!(c.custom, js.custom);
            let t = js.sign().expect("jwt-simple sign");
            assert_eq!(
                js.verify(&t).expect("jwt-simple round trip").custom,
                js.custom
            );
        }
    }

    /// timed-jws today: `jws::sign` of the serde_json-serialised claims.
    pub fn tj_sign(&self) -> Result<String, Box<dyn std::error::Error>> {
        let payload = serde_json::to_vec(&self.claims)?;
        Ok(timed_jws::jws::sign(
            &self.tj_header,
            &payload,
            &self.tj_key,
        )?)
    }

    /// timed-jws today: `jws::verify`, then serde_json into [`Claims`]
    /// (what the JWT API will do, before its claim checks).
    pub fn tj_verify_decode(&self) -> Result<Claims, Box<dyn std::error::Error>> {
        let v = timed_jws::jws::verify(&self.token, &self.tj_key, &timed_jws::Limits::DEFAULT)?;
        Ok(serde_json::from_slice(v.payload())?)
    }

    /// The JWS `alg` name of the fixture's algorithm.
    pub fn hs_alg_name(&self) -> &'static str {
        match self.hs {
            Hs::Hs256 => "HS256",
            Hs::Hs512 => "HS512",
        }
    }

    /// timed-jws's JWT API: `jwt::encode` with the default header (the key's
    /// `alg`, `typ: "JWT"`).
    pub fn tj_jwt_encode(&self) -> Result<String, timed_jws::Error> {
        timed_jws::jwt::encode(&timed_jws::Header::default(), &self.claims, &self.tj_key)
    }

    /// timed-jws's JWT API: `jwt::decode_at` into [`Claims`] with the default
    /// [`timed_jws::Validation`] at [`NOW`].
    pub fn tj_jwt_decode(&self) -> Result<Claims, timed_jws::Error> {
        timed_jws::jwt::decode_at::<Claims>(
            &self.token,
            &self.tj_key,
            &self.tj_validation,
            self.tj_now,
        )
        .map(timed_jws::Jwt::into_claims)
    }

    /// timed-jws's claims-only JWT API: `jwt::decode_claims_at` into
    /// [`Claims`] (same key, validation and now as [`Fixture::tj_jwt_decode`]).
    pub fn tj_jwt_decode_claims(&self) -> Result<Claims, timed_jws::Error> {
        timed_jws::jwt::decode_claims_at::<Claims>(
            &self.token,
            &self.tj_key,
            &self.tj_validation,
            self.tj_now,
        )
    }

    /// itsdangerous `TimedJSONWebSignatureSerializer.dumps` at [`NOW`].
    pub fn its_dumps(&self) -> Result<String, timed_jws::Error> {
        self.its.dumps_at(&self.claims, NOW)
    }

    /// itsdangerous `TimedJSONWebSignatureSerializer.loads` into [`Claims`] at [`NOW`].
    pub fn its_loads(&self) -> Result<Claims, timed_jws::compat::itsdangerous::LoadError> {
        self.its.loads_as_at(&self.its_token, NOW)
    }

    /// jsonwebtoken: `encode` with the prepared key and header.
    pub fn jwt_encode(&self) -> jsonwebtoken::errors::Result<String> {
        jsonwebtoken::encode(&self.jwt_header, &self.claims, &self.jwt_enc)
    }

    /// jsonwebtoken: `decode` + validate the benchmark token.
    pub fn jwt_decode(&self) -> jsonwebtoken::errors::Result<Claims> {
        self.jwt_decode_token(&self.token)
    }

    fn jwt_decode_token(&self, token: &str) -> jsonwebtoken::errors::Result<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.jwt_dec, &self.jwt_validation).map(|d| d.claims)
    }
}

/// The reused stack buffers of the `b64_decode` floor.
pub struct DecodeBuffers {
    header: [u8; 256],
    payload: [u8; 256],
    signature: [u8; 128],
}

impl Default for DecodeBuffers {
    fn default() -> Self {
        DecodeBuffers {
            header: [0; 256],
            payload: [0; 256],
            signature: [0; 128],
        }
    }
}

/// The three decoded lengths of the `b64_decode` floor.
pub type DecodedLens = [Result<usize, base64::DecodeSliceError>; 3];

impl Fixture {
    /// The `b64_decode` floor: base64url decode of the three segments into
    /// `bufs` (no allocation).
    pub fn floor_b64_decode(&self, bufs: &mut DecodeBuffers) -> DecodedLens {
        let [sh, sp, ss] = std::hint::black_box(&self.segments);
        let nh = URL_SAFE_NO_PAD.decode_slice(sh, &mut bufs.header);
        let np = URL_SAFE_NO_PAD.decode_slice(sp, &mut bufs.payload);
        let ns = URL_SAFE_NO_PAD.decode_slice(ss, &mut bufs.signature);
        std::hint::black_box((&bufs.header, &bufs.payload, &bufs.signature));
        [nh, np, ns]
    }

    /// The `b64_encode` floor: base64url encode of header JSON, claims JSON
    /// and tag into `out` (cleared first; reused, so no allocation).
    pub fn floor_b64_encode(&self, out: &mut String) {
        use std::hint::black_box;
        out.clear();
        URL_SAFE_NO_PAD.encode_string(black_box(&self.header_json), out);
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(black_box(&self.payload_json), out);
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(black_box(&self.tag), out);
        black_box(&*out);
    }
}

/// jwt-simple's HS256 key and claims, prepared outside the loop.
pub struct JwtSimple {
    /// The key.
    pub key: jwt_simple::prelude::HS256Key,
    /// The custom claims (cloned into each token it signs).
    pub custom: CustomClaims,
}

impl JwtSimple {
    /// A key over `secret`.
    pub fn new(secret: &[u8]) -> Self {
        JwtSimple {
            key: jwt_simple::prelude::HS256Key::from_bytes(secret),
            custom: CustomClaims {
                name: "John Doe".to_owned(),
                admin: true,
            },
        }
    }

    /// `authenticate` the benchmark claims (`iat` = [`NOW`], `exp` = [`EXP`]).
    pub fn sign(&self) -> Result<String, jwt_simple::Error> {
        use jwt_simple::prelude::*;
        let claims = JWTClaims {
            issued_at: Some(UnixTimeStamp::from_secs(NOW as u64)),
            expires_at: Some(UnixTimeStamp::from_secs(EXP as u64)),
            invalid_before: None,
            issuer: None,
            subject: Some("1234567890".to_owned()),
            audiences: None,
            jwt_id: None,
            nonce: None,
            custom: self.custom.clone(),
        };
        self.key.authenticate(claims)
    }

    /// `verify_token` into the custom claims, default options.
    pub fn verify(
        &self,
        token: &str,
    ) -> Result<jwt_simple::prelude::JWTClaims<CustomClaims>, jwt_simple::Error> {
        use jwt_simple::prelude::*;
        self.key.verify_token::<CustomClaims>(token, None)
    }
}

/// Forged tokens (bad MAC) for the rows on rejecting an attacker's JWS
/// Protected Header: the benchmark claims under three headers, each with
/// `alg` HS256, `typ` JWT and `kid` `k1`, MACed with another secret than
/// the verifier's:
///
/// * `normal`: `{"alg":"HS256","typ":"JWT","kid":"k1"}` (39 bytes);
/// * `one_member`: exactly `max_header_len` (8 192) bytes, the rest one
///   string member `"pad":"xxx..."` (same size as `many_members`, few
///   members);
/// * `many_members`: exactly 8 192 bytes, the rest as many distinct members
///   as fit (`"":0`, then every one-byte name, then two-byte names, each
///   with value `0`; 1 181 members in all), padded with spaces.
///
/// Two verifiers reject them: `jwt::decode_at` with the one key (the MAC is
/// checked on bytes first) and with a one-key [`timed_jws::KeySet`] (the
/// header is parsed first to route by `kid`, as for any key set).
pub struct Forged {
    /// The verifier's key (HS256, `kid` `k1`).
    pub key: timed_jws::Key,
    /// A key set holding only `key`.
    pub set: timed_jws::KeySet,
    /// Default validation.
    pub validation: timed_jws::Validation,
    /// [`NOW`].
    pub now: timed_jws::NumericDate,
    /// Forged token with the normal header.
    pub normal: String,
    /// Forged token with the 8 KiB one-member header.
    pub one_member: String,
    /// Forged token with the 8 KiB many-member header.
    pub many_members: String,
    /// Number of members of the `many_members` header.
    pub members: usize,
}

/// `max_header_len`'s default, in bytes.
const MAX_HEADER: usize = timed_jws::Limits::DEFAULT.max_header_len;

/// The headers' common first members.
const FORGED_PREFIX: &str = r#"{"alg":"HS256","typ":"JWT","kid":"k1""#;

/// The most distinct members that fit after [`FORGED_PREFIX`] in
/// [`MAX_HEADER`] bytes; returns the header JSON and its member count.
fn many_member_header() -> (String, usize) {
    let one: Vec<char> = (0x20u8..=0x7f)
        .filter(|b| !matches!(b, b'"' | b'\\'))
        .map(char::from)
        .collect();
    let two = one
        .iter()
        .flat_map(|a| one.iter().map(move |b| format!("{a}{b}")));
    let names = std::iter::once(String::new())
        .chain(one.iter().map(|c| c.to_string()))
        .chain(two);
    let mut json = FORGED_PREFIX.to_owned();
    let mut members = 3;
    for n in names {
        let member = format!(r#","{n}":0"#);
        if json.len() + member.len() + 1 > MAX_HEADER {
            break;
        }
        json.push_str(&member);
        members += 1;
    }
    json.push_str(&" ".repeat(MAX_HEADER - 1 - json.len()));
    json.push('}');
    (json, members)
}

impl Forged {
    /// Builds the tokens and checks, once, that both verifiers reject each
    /// as `invalid_signature` and would accept it with the right MAC.
    ///
    /// # Panics
    ///
    /// When a check fails.
    #[allow(clippy::expect_used)]
    pub fn new() -> Self {
        let secret = |b: u8| [b; 32];
        let hs = |b: u8| {
            timed_jws::Key::hmac(timed_jws::Algorithm::HS256, &secret(b))
                .expect("key")
                .with_kid("k1")
        };
        let key = hs(1);
        let forger = hs(2);
        let set = timed_jws::KeySet::new()
            .with_key(key.clone())
            .expect("key set");
        let payload = serde_json::to_vec(&Claims::sample()).expect("claims");
        let sign = |header: &str, k: &timed_jws::Key| {
            let input = format!(
                "{}.{}",
                URL_SAFE_NO_PAD.encode(header),
                URL_SAFE_NO_PAD.encode(&payload)
            );
            let mac = k.sign(input.as_bytes()).expect("mac");
            format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac))
        };
        let normal = format!("{FORGED_PREFIX}}}");
        let pad = MAX_HEADER - FORGED_PREFIX.len() - r#","pad":""}"#.len();
        let one_member = format!(r#"{FORGED_PREFIX},"pad":"{}"}}"#, "x".repeat(pad));
        let (many_members, members) = many_member_header();
        assert_eq!(one_member.len(), MAX_HEADER);
        assert_eq!(many_members.len(), MAX_HEADER);
        let fx = Forged {
            normal: sign(&normal, &forger),
            one_member: sign(&one_member, &forger),
            many_members: sign(&many_members, &forger),
            key,
            set,
            validation: timed_jws::Validation::new(),
            now: timed_jws::NumericDate::from_secs(NOW),
            members,
        };
        for (header, token) in [
            (&normal, &fx.normal),
            (&one_member, &fx.one_member),
            (&many_members, &fx.many_members),
        ] {
            let h = timed_jws::dangerous::decode_header_unverified(token).expect("header");
            assert_eq!(h.kid.as_deref(), Some("k1"));
            for r in [fx.one_key(token), fx.key_set(token)] {
                assert_eq!(r.expect_err("forged"), timed_jws::Error::InvalidSignature);
            }
            let genuine = sign(header, &fx.key);
            let ok = fx.one_key(&genuine).expect("genuine, one key");
            assert_eq!(ok.header(), &h);
            assert_eq!(fx.key_set(&genuine).expect("genuine, key set"), ok);
        }
        let h = timed_jws::dangerous::decode_header_unverified(&fx.many_members).expect("header");
        assert_eq!(h.extra.len() + 3, members);
        fx
    }

    /// `jwt::decode_at` with the one key.
    pub fn one_key(&self, token: &str) -> Result<timed_jws::Jwt<Claims>, timed_jws::Error> {
        timed_jws::jwt::decode_at(token, &self.key, &self.validation, self.now)
    }

    /// `jwt::decode_at` with the key set (routed by `kid`).
    pub fn key_set(&self, token: &str) -> Result<timed_jws::Jwt<Claims>, timed_jws::Error> {
        timed_jws::jwt::decode_at(token, &self.set, &self.validation, self.now)
    }
}

impl Default for Forged {
    fn default() -> Self {
        Forged::new()
    }
}
