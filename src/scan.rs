//! Byte searches on the verification hot path: counting and locating the
//! segment separators of a compact JWS (RFC 7515 §7.1) and counting JSON
//! opening brackets for the nesting limit.
//!
//! Plain safe Rust written so the compiler can process several bytes per
//! step: counts run over 32-byte chunks (vectorised), searches test 8 bytes
//! at a time in a `u64` ("SWAR"). Each function equals its obvious
//! byte-at-a-time definition; the tests check that on arbitrary input.

/// Bytes per counting step (the sum of one chunk fits in a `u8`).
const LANES: usize = 32;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The number of bytes of `hay` for which `hit` holds: 32 bytes per step
/// (vectorised), then 8 per step with `word_hits` (the hits of one
/// little-endian word, marked by [`eq_mask`]-style 0x80 bits), then bytes.
#[inline(always)]
fn count_where(
    hay: &[u8],
    hit: impl Fn(u8) -> bool + Copy,
    word_hits: impl Fn(u64) -> u64,
) -> usize {
    // Per-lane counters, added to `n` before any of them can overflow.
    let mut lanes = [0u8; LANES];
    let mut n = 0usize;
    let mut pending = 0u8;
    let chunks = hay.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (lane, &b) in lanes.iter_mut().zip(chunk) {
            *lane += u8::from(hit(b));
        }
        pending += 1;
        if pending == u8::MAX {
            n += lanes.iter().map(|&c| usize::from(c)).sum::<usize>();
            lanes = [0u8; LANES];
            pending = 0;
        }
    }
    n += lanes.iter().map(|&c| usize::from(c)).sum::<usize>();
    let words = tail.chunks_exact(8);
    let bytes = words.remainder();
    for word in words {
        if let Ok(w) = word.try_into() {
            n += word_hits(u64::from_le_bytes(w)).count_ones() as usize;
        }
    }
    n + bytes.iter().filter(|&&b| hit(b)).count()
}

/// The number of bytes of `hay` equal to `needle`.
pub(crate) fn count_byte(hay: &[u8], needle: u8) -> usize {
    count_where(hay, |b| b == needle, |w| eq_mask(w, needle))
}

/// The number of `[` and `{` bytes in `json` (an upper bound of its
/// nesting depth).
pub(crate) fn count_openings(json: &[u8]) -> usize {
    // `[` is 0x5B and `{` is 0x7B; no other byte becomes 0x7B when bit 0x20
    // is set.
    count_where(
        json,
        |b| b | 0x20 == b'{',
        |w| eq_mask(w | (LO * 0x20), b'{'),
    )
}

/// 0x80 in exactly the bytes of `word` that equal `needle`, 0 elsewhere.
/// Exact per byte: no carry crosses a byte boundary.
#[inline(always)]
fn eq_mask(word: u64, needle: u8) -> u64 {
    let x = word ^ (LO * u64::from(needle));
    // Bit 7 of each byte of `nonzero` is set iff that byte of `x` is not 0.
    let nonzero = ((x & !HI).wrapping_add(!HI)) | x;
    !nonzero & HI
}

/// The index of the first byte of `hay` equal to `needle`.
pub(crate) fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    find_where(hay, |b| b == needle, |w| eq_mask(w, needle))
}

/// The index of the first byte of `hay` equal to `x` or to `y`.
pub(crate) fn find_either(hay: &[u8], x: u8, y: u8) -> Option<usize> {
    find_where(hay, |b| b == x || b == y, |w| eq_mask(w, x) | eq_mask(w, y))
}

/// The index of the first byte for which `hit` holds, 8 bytes per step with
/// `word_hits` (the hits of one little-endian word as 0x80 bits, exact per
/// byte like [`eq_mask`]).
#[inline(always)]
fn find_where(
    hay: &[u8],
    hit: impl Fn(u8) -> bool,
    word_hits: impl Fn(u64) -> u64,
) -> Option<usize> {
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0usize;
    for chunk in &mut chunks {
        let mask = word_hits(u64::from_le_bytes(chunk.try_into().ok()?));
        if mask != 0 {
            return Some(base + (mask.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    let tail = chunks.remainder();
    tail.iter().position(|&b| hit(b)).map(|i| base + i)
}

/// The index of the last byte of `hay` equal to `needle`.
pub(crate) fn rfind_byte(hay: &[u8], needle: u8) -> Option<usize> {
    let mut chunks = hay.rchunks_exact(8);
    let mut end = hay.len();
    for chunk in &mut chunks {
        let mask = eq_mask(u64::from_le_bytes(chunk.try_into().ok()?), needle);
        if mask != 0 {
            // Byte j (little-endian) of the chunk is hay[end - 8 + j].
            return Some(end - 8 + 7 - (mask.leading_zeros() / 8) as usize);
        }
        end -= 8;
    }
    chunks.remainder().iter().rposition(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        let t = b"eyJhbGciOiJIUzI1NiJ9.e30.c2ln";
        assert_eq!(count_byte(t, b'.'), 2);
        assert_eq!(find_byte(t, b'.'), Some(20));
        assert_eq!(rfind_byte(t, b'.'), Some(24));
        assert_eq!(find_byte(b"", b'.'), None);
        assert_eq!(rfind_byte(b"abc", b'.'), None);
        // Bytes with the high bit set and 0xAE (0x2E | 0x80) are not dots.
        assert_eq!(
            find_byte(b"\xae\xff\x80\x2d\x2f\x00\xaeabc.", b'.'),
            Some(10)
        );
        assert_eq!(
            rfind_byte(b".\xae\xff\x80\x2d\x2f\x00\xaeabc", b'.'),
            Some(0)
        );
        assert_eq!(count_openings(b"[{\"a\":[1]}]{"), 4);
        assert_eq!(count_openings(b"\x5b\x7b\xdb\xfb\x1b\x3b"), 2);
    }

    proptest! {
        #[test]
        fn agree_with_bytewise(hay in proptest::collection::vec(
            prop_oneof![Just(b'.'), Just(b'['), Just(b'{'), Just(0xAEu8), Just(0xDBu8), any::<u8>()],
            0..200,
        ), needle in prop_oneof![Just(b'.'), any::<u8>()]) {
            prop_assert_eq!(count_byte(&hay, needle), hay.iter().filter(|&&b| b == needle).count());
            prop_assert_eq!(find_byte(&hay, needle), hay.iter().position(|&b| b == needle));
            prop_assert_eq!(rfind_byte(&hay, needle), hay.iter().rposition(|&b| b == needle));
            prop_assert_eq!(
                find_either(&hay, needle, b'{'),
                hay.iter().position(|&b| b == needle || b == b'{')
            );
            prop_assert_eq!(
                count_openings(&hay),
                hay.iter().filter(|&&b| b == b'[' || b == b'{').count()
            );
        }
    }
}
