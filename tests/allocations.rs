//! Heap allocations per HS256 sign and verify, counted by a counting global
//! allocator (per thread, so parallel tests do not disturb each other).
//!
//! The token and claims are those of `benches-peers` (BENCHMARKS.md): a
//! struct with two `String`s and three scalars. The goal of issue 6: a
//! verify allocates only what the caller's struct owns, plus at most one
//! scratch buffer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// The one unsafe code of the repository: a `GlobalAlloc` that forwards to
// `System` and counts.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use timed_jws::{jwt, Algorithm, Header, Key, NumericDate, Validation};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    /// The largest single allocation (or reallocation) request, in bytes.
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn bump(size: usize) {
    // `try_with`: no count while the thread is being torn down.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
    let _ = LARGEST.try_with(|c| c.set(c.get().max(size)));
}

// SAFETY: every method forwards to `System` unchanged; the counter is a
// const-initialised thread-local `Cell` (no allocation, no destructor).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump(new_size);
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = f();
    (ALLOCATIONS.with(Cell::get) - before, r)
}

/// The largest single allocation `f` made on this thread, in bytes.
fn largest_allocation<R>(f: impl FnOnce() -> R) -> (usize, R) {
    LARGEST.with(|c| c.set(0));
    let r = f();
    (LARGEST.with(Cell::get), r)
}

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Claims {
    sub: String,
    name: String,
    admin: bool,
    iat: i64,
    exp: i64,
}

fn sample() -> Claims {
    Claims {
        sub: "1234567890".into(),
        name: "John Doe".into(),
        admin: true,
        iat: 1_700_000_000,
        exp: 4_102_444_800,
    }
}

#[test]
fn allocations_per_hs256_sign_and_verify() {
    let key = Key::hmac(Algorithm::HS256, &[7u8; 32]).unwrap();
    let v = Validation::new();
    let now = NumericDate::from_secs(1_700_000_000);
    let claims = sample();
    // First calls prepare the key's headers and the thread's buffers.
    let token = jwt::encode(&Header::default(), &claims, &key).unwrap();
    jwt::decode_at::<Claims>(&token, &key, &v, now).unwrap();

    // Sign: the token only (the claims JSON goes to a reused buffer).
    let (n, again) = allocations(|| jwt::encode(&Header::default(), &claims, &key).unwrap());
    assert_eq!(again, token);
    assert_eq!(n, 1, "allocations per jwt::encode");

    // Claims only: exactly the two `String`s of `Claims`.
    let (n, got) = allocations(|| jwt::decode_claims_at::<Claims>(&token, &key, &v, now).unwrap());
    assert_eq!(got, claims);
    assert_eq!(n, 2, "allocations per jwt::decode_claims_at");

    // `Jwt`: the two `String`s plus the kept claims text (the one scratch
    // buffer, read by `Jwt::registered` on demand).
    let (n, jwt) = allocations(|| jwt::decode_at::<Claims>(&token, &key, &v, now).unwrap());
    assert_eq!(jwt.claims(), &claims);
    assert_eq!(n, 3, "allocations per jwt::decode_at");
    assert_eq!(jwt.registered().sub.as_deref(), Some("1234567890"));
}

/// The itsdangerous inflate limit holds before allocation: a 2 KB token
/// whose payload inflates to 2 MB, read with `max_payload_len` 64 KiB, never
/// asks for a buffer larger than the limit plus the one byte that shows it
/// is exceeded (zlib's own state, 32 KiB window included, is smaller).
#[test]
fn itsdangerous_inflate_allocates_at_most_the_limit() {
    use timed_jws::compat::itsdangerous::{ClassicLimits, URLSafeTimedSerializer};
    let writer = URLSafeTimedSerializer::builder("k").build().unwrap();
    let token = writer
        .dumps_at(&"0".repeat(2_000_000), 1_700_000_000)
        .unwrap();
    assert!(
        token.len() < 4096 && token.starts_with('.'),
        "{}",
        token.len()
    );
    let limit = 64 * 1024;
    let reader = URLSafeTimedSerializer::builder("k")
        .limits(ClassicLimits {
            max_payload_len: limit,
            ..ClassicLimits::DEFAULT
        })
        .build()
        .unwrap();
    let (largest, e) = largest_allocation(|| reader.loads_at(&token, None, 1_700_000_000));
    assert_eq!(e.unwrap_err().kind(), timed_jws::ErrorKind::ResourceLimit);
    assert!(largest <= limit + 1, "largest allocation {largest} bytes");
    let (largest, e) = largest_allocation(|| reader.loads_unsafe_at(&token, None, 1_700_000_000));
    assert_eq!(e.unwrap_err().kind(), timed_jws::ErrorKind::ResourceLimit);
    assert!(largest <= limit + 1, "largest allocation {largest} bytes");
    // The writer's default limit (1 MiB) refuses it too.
    let (largest, e) = largest_allocation(|| writer.loads_at(&token, None, 1_700_000_000));
    assert_eq!(e.unwrap_err().kind(), timed_jws::ErrorKind::ResourceLimit);
    assert!(
        largest <= (1 << 20) + 1,
        "largest allocation {largest} bytes"
    );
}
