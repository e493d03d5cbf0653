//! Runs one HS256 operation on the benchmark token N times, for
//! instruction counting under `valgrind --tool=callgrind`:
//! `icount <floor|tj_jwt|tj_jwt_claims|jsonwebtoken|floor_sign|tj_jwt_sign|jsonwebtoken_sign|none> N`,
//! or `forged_<key|set>_<normal|one|many>` for the forged-token rows
//! (`Forged`: one key or key set; normal, 8 KiB one-member or 8 KiB
//! many-member header). Run each mode with two
//! values of N and divide the difference in instructions by the difference
//! in N to get instructions per call without the set-up cost.

use std::hint::black_box;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use timed_jws_benches_peers::{Claims, Fixture, Forged, Hs};

#[allow(clippy::expect_used)]
fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let n: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let fx = Fixture::new(Hs::Hs256);
    let forged = Forged::new();
    let forged_token = |header: &str| match header {
        "normal" => &forged.normal,
        "one" => &forged.one_member,
        _ => &forged.many_members,
    };
    for _ in 0..n {
        match mode.as_str() {
            "floor" => {
                let [h, p, s] = &fx.segments;
                let mut hb = [0u8; 64];
                let mut pb = [0u8; 256];
                let mut sb = [0u8; 64];
                let _ = black_box(URL_SAFE_NO_PAD.decode_slice(h, &mut hb));
                let pl = URL_SAFE_NO_PAD.decode_slice(p, &mut pb).expect("b64");
                let sl = URL_SAFE_NO_PAD.decode_slice(s, &mut sb).expect("b64");
                black_box(
                    ring::hmac::verify(
                        &fx.ring_key,
                        black_box(&fx.signing_input),
                        sb.get(..sl).expect("len"),
                    )
                    .is_ok(),
                );
                black_box(serde_json::from_slice::<Claims>(pb.get(..pl).expect("len")).ok());
            }
            "tj_jwt" => {
                black_box(fx.tj_jwt_decode().ok());
            }
            "tj_jwt_claims" => {
                black_box(fx.tj_jwt_decode_claims().ok());
            }
            "jsonwebtoken" => {
                black_box(fx.jwt_decode().ok());
            }
            "floor_sign" => {
                // serde_json serialize + base64url encode of header, claims
                // and tag + HMAC sign: the sign floor of BENCHMARKS.md.
                let mut json = Vec::with_capacity(128);
                serde_json::to_writer(&mut json, black_box(&fx.claims)).expect("json");
                let mut out = String::with_capacity(256);
                URL_SAFE_NO_PAD.encode_string(black_box(&fx.header_json), &mut out);
                out.push('.');
                URL_SAFE_NO_PAD.encode_string(&json, &mut out);
                let tag = ring::hmac::sign(&fx.ring_key, out.as_bytes());
                out.push('.');
                URL_SAFE_NO_PAD.encode_string(tag.as_ref(), &mut out);
                black_box(out);
            }
            "tj_jwt_sign" => {
                black_box(fx.tj_jwt_encode().ok());
            }
            "jsonwebtoken_sign" => {
                black_box(fx.jwt_encode().ok());
            }
            m if m.starts_with("forged_key_") => {
                let t = forged_token(m.trim_start_matches("forged_key_"));
                black_box(forged.one_key(black_box(t)).err());
            }
            m if m.starts_with("forged_set_") => {
                let t = forged_token(m.trim_start_matches("forged_set_"));
                black_box(forged.key_set(black_box(t)).err());
            }
            _ => {}
        }
    }
}
