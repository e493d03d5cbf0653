//! The itsdangerous inflate limit is enforced before allocation: the
//! largest single heap request made while reading a zlib-compressed classic
//! payload is measured by a counting global allocator (per thread, so
//! parallel tests do not disturb each other).

// The one unsafe code of the repository: a `GlobalAlloc` that forwards to
// `System` and records the largest request.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// The largest single allocation (or reallocation) request, in bytes.
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn bump(size: usize) {
    // `try_with`: no count while the thread is being torn down.
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

/// The largest single allocation `f` made on this thread, in bytes.
fn largest_allocation<R>(f: impl FnOnce() -> R) -> (usize, R) {
    LARGEST.with(|c| c.set(0));
    let r = f();
    (LARGEST.with(Cell::get), r)
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
