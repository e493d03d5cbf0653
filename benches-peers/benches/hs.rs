//! HS256/HS512 JWT sign and verify+decode: timed-jws against its floors
//! (ring, base64, serde_json doing only the unavoidable work) and the peer
//! crates jsonwebtoken and jwt-simple. All rows use one token and one claims
//! value (see `timed_jws_benches_peers::Fixture`).
//!
//! Groups and ids (read by `table.py`):
//! * `<alg>-floor/<part>`: the floors. Verify floor sum = `hmac_verify` +
//!   `b64_decode` + `json_parse`; sign floor sum = `json_serialize` +
//!   `b64_encode` + `hmac_sign`. (HS512 reuses the HS256 JSON floors: same
//!   claims.)
//! * `<alg>-sign/<library>` and `<alg>-verify/<library>`.
//! * `hs256-part/<step>`: diagnostic steps of timed-jws's verify path.
//! * `hs256-forged/<verifier>_<header>`: forged tokens (bad MAC) rejected by
//!   `jwt::decode_at` with one key or a key set, the header normal, 8 KiB
//!   with one long member, or 8 KiB with the most distinct members (see
//!   `timed_jws_benches_peers::Forged`).

use std::hint::black_box;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use timed_jws_benches_peers::{Claims, DecodeBuffers, Fixture, Forged, Hs, JwtSimple};

/// The floors: the work any HS JWT library must do, with reused buffers.
fn floors(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group(format!("{}-floor", fx.hs.name()));

    g.bench_function("hmac_sign", |b| {
        b.iter(|| ring::hmac::sign(&fx.ring_key, black_box(&fx.signing_input)))
    });
    g.bench_function("hmac_verify", |b| {
        b.iter(|| {
            ring::hmac::verify(
                &fx.ring_key,
                black_box(&fx.signing_input),
                black_box(&fx.tag),
            )
        })
    });
    // Decode of the three segments into stack buffers (no allocation).
    g.bench_function("b64_decode", |b| {
        let mut bufs = DecodeBuffers::default();
        b.iter(|| fx.floor_b64_decode(&mut bufs))
    });
    // Encode of header, payload and tag into one reused String.
    g.bench_function("b64_encode", |b| {
        let mut out = String::with_capacity(512);
        b.iter(|| fx.floor_b64_encode(&mut out))
    });
    if fx.hs == Hs::Hs256 {
        g.bench_function("json_parse", |b| {
            b.iter(|| serde_json::from_slice::<Claims>(black_box(&fx.payload_json)))
        });
        g.bench_function("json_serialize", |b| {
            let mut out = Vec::with_capacity(256);
            b.iter(|| {
                out.clear();
                let r = serde_json::to_writer(&mut out, black_box(&fx.claims));
                black_box(&out);
                r
            })
        });
    }
    g.finish();
}

/// Diagnostic parts of timed-jws's verify path (HS256 only), to show where
/// its time goes beyond the floors.
fn parts(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group(format!("{}-part", fx.hs.name()));
    // `jws::verify` alone: no claims parsing.
    g.bench_function("timed_jws_jws_verify", |b| {
        b.iter(|| {
            timed_jws::jws::verify(
                black_box(&fx.token),
                &fx.tj_key,
                &timed_jws::Limits::DEFAULT,
            )
        })
    });
    // The header into `Header` (member Vec, owned Strings, serde_json::Value).
    g.bench_function("timed_jws_header_parse", |b| {
        b.iter(|| timed_jws::Header::from_json_bytes(black_box(&fx.header_json)))
    });
    // What a header parse needs at least: borrowed `alg`/`typ`, no allocation.
    g.bench_function("header_parse_borrowed", |b| {
        b.iter(|| serde_json::from_slice::<BorrowedHeader>(black_box(&fx.header_json)))
    });
    // The three segments decoded into fresh Vecs (three allocations).
    g.bench_function("b64_decode_vec", |b| {
        b.iter(|| {
            let [sh, sp, ss] = black_box(&fx.segments);
            (
                URL_SAFE_NO_PAD.decode(sh),
                URL_SAFE_NO_PAD.decode(sp),
                URL_SAFE_NO_PAD.decode(ss),
            )
        })
    });
    g.finish();
}

/// Forged tokens rejected by their header's size and member count.
fn forged(c: &mut Criterion) {
    let f = Forged::new();
    let mut g = c.benchmark_group("hs256-forged");
    for (name, token) in [
        ("normal_header", &f.normal),
        ("8k_one_member", &f.one_member),
        ("8k_many_members", &f.many_members),
    ] {
        g.bench_function(format!("one_key_{name}"), |b| {
            b.iter(|| f.one_key(black_box(token)))
        });
        g.bench_function(format!("key_set_{name}"), |b| {
            b.iter(|| f.key_set(black_box(token)))
        });
    }
    g.finish();
}

/// A JWS Protected Header parsed without allocation.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct BorrowedHeader<'a> {
    #[serde(borrow)]
    alg: &'a str,
    #[serde(borrow)]
    typ: Option<&'a str>,
}

/// Which operation a group measures.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    /// Claims value to compact token.
    Sign,
    /// Compact token to claims value (signature, header and claim checks).
    Verify,
}

type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// timed-jws today: `jws::sign`/`jws::verify` plus serde_json.
fn timed_jws_jws_rows(g: &mut Group, op: Op, fx: &Fixture) {
    match op {
        Op::Sign => g.bench_function("timed_jws_jws", |b| b.iter(|| black_box(fx).tj_sign())),
        Op::Verify => g.bench_function("timed_jws_jws", |b| {
            b.iter(|| black_box(fx).tj_verify_decode())
        }),
    };
}

/// timed-jws's JWT API (`jwt::encode` / `jwt::decode_at::<Claims>`, key and
/// `Validation` prepared outside the loop, fixed now) and the itsdangerous
/// `TimedJSONWebSignatureSerializer` (`dumps_at` / `loads_as_at::<Claims>`;
/// its tokens carry `iat`/`exp` in the header, so they are slightly longer).
fn timed_jws_jwt_rows(g: &mut Group, op: Op, fx: &Fixture) {
    match op {
        Op::Sign => {
            g.bench_function("timed_jws_jwt", |b| {
                b.iter(|| black_box(fx).tj_jwt_encode())
            });
            g.bench_function("timed_jws_itsdangerous", |b| {
                b.iter(|| black_box(fx).its_dumps())
            });
        }
        Op::Verify => {
            g.bench_function("timed_jws_jwt", |b| {
                b.iter(|| black_box(fx).tj_jwt_decode())
            });
            g.bench_function("timed_jws_jwt_claims", |b| {
                b.iter(|| black_box(fx).tj_jwt_decode_claims())
            });
            g.bench_function("timed_jws_itsdangerous", |b| {
                b.iter(|| black_box(fx).its_loads())
            });
        }
    }
}

/// jsonwebtoken: prepared EncodingKey/DecodingKey/Validation.
fn jsonwebtoken_rows(g: &mut Group, op: Op, fx: &Fixture) {
    match op {
        Op::Sign => g.bench_function("jsonwebtoken", |b| b.iter(|| black_box(fx).jwt_encode())),
        Op::Verify => g.bench_function("jsonwebtoken", |b| b.iter(|| black_box(fx).jwt_decode())),
    };
}

/// jwt-simple (HS256 only): `authenticate` and `verify_token`.
fn jwt_simple_rows(g: &mut Group, op: Op, fx: &Fixture) {
    if fx.hs != Hs::Hs256 {
        return;
    }
    let js = JwtSimple::new(&fx.secret);
    match op {
        Op::Sign => g.bench_function("jwt_simple", |b| b.iter(|| black_box(&js).sign())),
        Op::Verify => g.bench_function("jwt_simple", |b| {
            b.iter(|| black_box(&js).verify(black_box(&fx.token)))
        }),
    };
}

fn bench(c: &mut Criterion) {
    for hs in [Hs::Hs256, Hs::Hs512] {
        let fx = Fixture::new(hs);
        floors(c, &fx);
        if hs == Hs::Hs256 {
            parts(c, &fx);
        }
        for (op, name) in [(Op::Sign, "sign"), (Op::Verify, "verify")] {
            let mut g = c.benchmark_group(format!("{}-{name}", hs.name()));
            timed_jws_jws_rows(&mut g, op, &fx);
            timed_jws_jwt_rows(&mut g, op, &fx);
            jsonwebtoken_rows(&mut g, op, &fx);
            jwt_simple_rows(&mut g, op, &fx);
            g.finish();
        }
    }
    forged(c);
}

criterion_group!(benches, bench);
criterion_main!(benches);
