//! Heap allocations per operation on the benchmark token, counted by a
//! global allocator. Prints one tab-separated line per operation:
//! `id <TAB> allocations per op <TAB> bytes allocated per op`
//! (a `realloc` counts as one allocation of its new size).
//!
//! Run with `cargo run --release --bin allocs`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use timed_jws_benches_peers::{Claims, Fixture, Hs, JwtSimple};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to `System`; the counters are
// plain atomics and never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size as u64, Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const ROUNDS: u64 = 1000;

/// Runs `f` once to warm up (lazy statics), then `ROUNDS` times, and prints
/// the mean allocations and bytes per call.
fn count<R>(id: &str, mut f: impl FnMut() -> R) {
    black_box(f());
    let (a0, b0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    for _ in 0..ROUNDS {
        black_box(f());
    }
    let (a1, b1) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    let allocs = (a1 - a0) as f64 / ROUNDS as f64;
    let bytes = (b1 - b0) as f64 / ROUNDS as f64;
    println!("{id}\t{allocs}\t{bytes}");
}

fn main() {
    println!("id\tallocs_per_op\tbytes_per_op");
    for hs in [Hs::Hs256, Hs::Hs512] {
        let fx = Fixture::new(hs);
        let n = hs.name();
        if hs == Hs::Hs256 {
            count(&format!("{n}-floor/b64_decode_vec"), || {
                let [h, p, s] = &fx.segments;
                (
                    URL_SAFE_NO_PAD.decode(h),
                    URL_SAFE_NO_PAD.decode(p),
                    URL_SAFE_NO_PAD.decode(s),
                )
            });
            count(&format!("{n}-floor/json_parse"), || {
                serde_json::from_slice::<Claims>(&fx.payload_json)
            });
            count(&format!("{n}-floor/json_serialize_vec"), || {
                serde_json::to_vec(&fx.claims)
            });
            count(&format!("{n}-part/timed_jws_header_parse"), || {
                timed_jws::Header::from_json_bytes(&fx.header_json)
            });
            count(&format!("{n}-part/timed_jws_jws_verify"), || {
                timed_jws::jws::verify(&fx.token, &fx.tj_key, &timed_jws::Limits::DEFAULT)
            });
        }
        count(&format!("{n}-verify/timed_jws_jws"), || {
            fx.tj_verify_decode().map_err(|e| e.to_string())
        });
        count(&format!("{n}-verify/timed_jws_jwt"), || fx.tj_jwt_decode());
        count(&format!("{n}-verify/timed_jws_jwt_claims"), || {
            fx.tj_jwt_decode_claims()
        });
        count(&format!("{n}-sign/timed_jws_jwt"), || fx.tj_jwt_encode());
        count(&format!("{n}-verify/timed_jws_itsdangerous"), || {
            fx.its_loads()
        });
        count(&format!("{n}-sign/timed_jws_itsdangerous"), || {
            fx.its_dumps()
        });
        count(&format!("{n}-verify/jsonwebtoken"), || fx.jwt_decode());
        count(&format!("{n}-sign/timed_jws_jws"), || {
            fx.tj_sign().map_err(|e| e.to_string())
        });
        count(&format!("{n}-sign/jsonwebtoken"), || fx.jwt_encode());
        if hs == Hs::Hs256 {
            let js = JwtSimple::new(&fx.secret);
            count(&format!("{n}-verify/jwt_simple"), || js.verify(&fx.token));
            count(&format!("{n}-sign/jwt_simple"), || js.sign());
        }
    }
}
