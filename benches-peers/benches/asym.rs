//! RS256 verify and ES256 / EdDSA sign and verify+decode: timed-jws's JWT
//! API against jsonwebtoken 12 (`rust_crypto` backend) and against the
//! signature operation alone (ring), with the benchmark claims.
//!
//! Keys are the fixed OpenSSL test keys in `tests/data/keys/`,
//! parsed once outside the timed loop. Groups and ids (read by `table.py`):
//! `<alg>-<op>/{floor: ring_sign|ring_verify, timed_jws_jwt, jsonwebtoken}`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use timed_jws_benches_peers::{Claims, NOW};

macro_rules! key_file {
    ($name:literal) => {
        include_str!(concat!("../../tests/data/keys/", $name))
    };
}

/// One algorithm's keys for both libraries and a token signed by timed-jws.
struct AsymFixture {
    name: &'static str,
    claims: Claims,
    tj_sign_key: timed_jws::Key,
    tj_verify_key: timed_jws::Key,
    validation: timed_jws::Validation,
    now: timed_jws::NumericDate,
    token: String,
    jwt_header: jsonwebtoken::Header,
    jwt_enc: jsonwebtoken::EncodingKey,
    jwt_dec: jsonwebtoken::DecodingKey,
    jwt_validation: jsonwebtoken::Validation,
}

impl AsymFixture {
    #[allow(clippy::expect_used)]
    fn new(name: &'static str, private_pem: &str, public_pem: &str) -> Self {
        use jsonwebtoken::{Algorithm as J, DecodingKey as D, EncodingKey as E};
        use timed_jws::Algorithm as T;
        let (talg, jalg) = match name {
            "rs256" => (T::RS256, J::RS256),
            "es256" => (T::ES256, J::ES256),
            _ => (T::EdDSA, J::EdDSA),
        };
        let (jwt_enc, jwt_dec) = match name {
            "rs256" => (
                E::from_rsa_pem(private_pem.as_bytes()).expect("rsa enc"),
                D::from_rsa_pem(public_pem.as_bytes()).expect("rsa dec"),
            ),
            "es256" => (
                E::from_ec_pem(private_pem.as_bytes()).expect("ec enc"),
                D::from_ec_pem(public_pem.as_bytes()).expect("ec dec"),
            ),
            _ => (
                E::from_ed_pem(private_pem.as_bytes()).expect("ed enc"),
                D::from_ed_pem(public_pem.as_bytes()).expect("ed dec"),
            ),
        };
        let tj_sign_key = timed_jws::Key::from_pem(talg, private_pem).expect("private key");
        let tj_verify_key = timed_jws::Key::from_pem(talg, public_pem).expect("public key");
        let claims = Claims::sample();
        let token = timed_jws::jwt::encode(&timed_jws::Header::default(), &claims, &tj_sign_key)
            .expect("sign");
        let fx = AsymFixture {
            name,
            claims,
            tj_sign_key,
            tj_verify_key,
            validation: timed_jws::Validation::new(),
            now: timed_jws::NumericDate::from_secs(NOW),
            token,
            jwt_header: jsonwebtoken::Header::new(jalg),
            jwt_enc,
            jwt_dec,
            jwt_validation: jsonwebtoken::Validation::new(jalg),
        };
        // Both libraries accept each other's tokens before anything is timed.
        assert_eq!(fx.tj_decode(&fx.token).expect("timed-jws"), fx.claims);
        assert_eq!(fx.jwt_decode(&fx.token).expect("jsonwebtoken"), fx.claims);
        let theirs = fx.jwt_encode().expect("jsonwebtoken sign");
        assert_eq!(fx.tj_decode(&theirs).expect("timed-jws"), fx.claims);
        let ours = fx.tj_encode().expect("timed-jws sign");
        assert_eq!(fx.jwt_decode(&ours).expect("jsonwebtoken"), fx.claims);
        fx
    }

    fn tj_encode(&self) -> Result<String, timed_jws::Error> {
        timed_jws::jwt::encode(
            &timed_jws::Header::default(),
            &self.claims,
            &self.tj_sign_key,
        )
    }

    fn tj_decode(&self, token: &str) -> Result<Claims, timed_jws::Error> {
        timed_jws::jwt::decode_at::<Claims>(token, &self.tj_verify_key, &self.validation, self.now)
            .map(timed_jws::Jwt::into_claims)
    }

    fn jwt_encode(&self) -> jsonwebtoken::errors::Result<String> {
        jsonwebtoken::encode(&self.jwt_header, &self.claims, &self.jwt_enc)
    }

    fn jwt_decode(&self, token: &str) -> jsonwebtoken::errors::Result<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.jwt_dec, &self.jwt_validation).map(|d| d.claims)
    }
}

#[allow(clippy::expect_used)]
fn bench(c: &mut Criterion) {
    let fixtures = [
        AsymFixture::new(
            "rs256",
            key_file!("rsa2048-pkcs8.pem"),
            key_file!("rsa2048-spki.pem"),
        ),
        AsymFixture::new(
            "es256",
            key_file!("p256-pkcs8.pem"),
            key_file!("p256-spki.pem"),
        ),
        AsymFixture::new(
            "eddsa",
            key_file!("ed25519-pkcs8v1.pem"),
            key_file!("ed25519-spki.pem"),
        ),
    ];
    for fx in &fixtures {
        let (input, sig) = fx.token.rsplit_once('.').expect("three segments");
        let sig = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, sig)
            .expect("signature");
        if fx.name != "rs256" {
            let mut g = c.benchmark_group(format!("{}-sign", fx.name));
            g.bench_function("floor: ring_sign", |b| {
                b.iter(|| fx.tj_sign_key.sign(black_box(input.as_bytes())))
            });
            g.bench_function("timed_jws_jwt", |b| b.iter(|| black_box(fx).tj_encode()));
            g.bench_function("jsonwebtoken", |b| b.iter(|| black_box(fx).jwt_encode()));
            g.finish();
        }
        let mut g = c.benchmark_group(format!("{}-verify", fx.name));
        g.bench_function("floor: ring_verify", |b| {
            b.iter(|| {
                fx.tj_verify_key
                    .verify(black_box(input.as_bytes()), black_box(&sig))
            })
        });
        g.bench_function("timed_jws_jwt", |b| {
            b.iter(|| black_box(fx).tj_decode(black_box(&fx.token)))
        });
        g.bench_function("jsonwebtoken", |b| {
            b.iter(|| black_box(fx).jwt_decode(black_box(&fx.token)))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
