//! zlib streams as itsdangerous's URL-safe serializers write and read them:
//! `zlib.compress(json)` at the default level 6 (zlib header, 32 KiB
//! window), and an inflate **bounded** by a caller limit (Python's
//! `zlib.decompress` has none).
//!
//! Both go through `flate2` with the C zlib backend (built from the sources
//! shipped in `libz-sys`): its level-6 output is byte for byte the one
//! CPython's zlib 1.2.13 writes, which the compressed signing vectors pin.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The compression level of Python's `zlib.compress` default
/// (`Z_DEFAULT_COMPRESSION`, which zlib maps to 6).
const LEVEL: u32 = 6;

/// Output grows by at most this much (or doubles) per step while inflating.
const INFLATE_STEP: usize = 64 * 1024;

/// Why a zlib stream was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// Not a complete zlib stream (bad header, bad data, bad checksum,
    /// truncated).
    Corrupt,
    /// Bytes follow the end of the zlib stream (Python ignores them).
    TrailingData,
    /// The inflated data would be longer than the limit.
    TooLarge,
}

/// `zlib.compress(data)` (level 6); `None` only if zlib reports an error,
/// which it does not for in-memory input.
pub(crate) fn compress(data: &[u8]) -> Option<Vec<u8>> {
    let mut c = Compress::new(Compression::new(LEVEL), true);
    // zlib's bound for one-shot compression: the input plus a small
    // overhead; the loop below grows the buffer if it was not enough.
    let mut out = Vec::with_capacity(data.len().saturating_add(data.len() / 1000 + 64));
    loop {
        let consumed = usize::try_from(c.total_in()).ok()?;
        let rest = data.get(consumed..)?;
        match c.compress_vec(rest, &mut out, FlushCompress::Finish).ok()? {
            Status::StreamEnd => return Some(out),
            Status::Ok | Status::BufError => {
                if out.len() == out.capacity() {
                    out.reserve(out.capacity().max(64));
                }
            }
        }
    }
}

/// Inflates a complete zlib stream (`zlib.decompress(data)`) into at most
/// `max_len` bytes.
///
/// The output buffer starts small and grows (doubling, at most 64 KiB per
/// step) only while the stream still produces data, and never beyond
/// `max_len + 1` bytes: a stream that would inflate further is refused with
/// [`InflateError::TooLarge`] once that one extra byte is produced, before
/// any larger allocation. Work is linear in the output produced.
///
/// # Errors
///
/// [`InflateError::Corrupt`] for anything zlib refuses or a truncated
/// stream, [`InflateError::TrailingData`] when bytes follow the stream's
/// end, [`InflateError::TooLarge`] beyond `max_len`.
pub(crate) fn inflate_bounded(data: &[u8], max_len: usize) -> Result<Vec<u8>, InflateError> {
    let hard_cap = max_len.saturating_add(1);
    let mut d = Decompress::new(true);
    let first = data.len().saturating_mul(4).clamp(64, INFLATE_STEP);
    let mut out = Vec::with_capacity(first.min(hard_cap));
    loop {
        if out.len() > max_len {
            return Err(InflateError::TooLarge);
        }
        if out.len() == out.capacity() {
            let grow = out.capacity().clamp(64, INFLATE_STEP);
            let room = grow.min(hard_cap - out.len());
            out.reserve_exact(room);
        }
        let consumed = usize::try_from(d.total_in()).map_err(|_| InflateError::Corrupt)?;
        let rest = data.get(consumed..).ok_or(InflateError::Corrupt)?;
        let (in_before, out_before) = (d.total_in(), d.total_out());
        let status = d
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|_| InflateError::Corrupt)?;
        if out.len() > max_len {
            return Err(InflateError::TooLarge);
        }
        match status {
            Status::StreamEnd => {
                let consumed = usize::try_from(d.total_in()).map_err(|_| InflateError::Corrupt)?;
                return if consumed == data.len() {
                    Ok(out)
                } else {
                    Err(InflateError::TrailingData)
                };
            }
            Status::Ok | Status::BufError => {
                let progressed = d.total_in() != in_before || d.total_out() != out_before;
                if !progressed && out.len() < out.capacity() {
                    // Room to write and nothing consumed or produced: the
                    // input ended before the stream did.
                    return Err(InflateError::Corrupt);
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn compress_is_python_zlib_level_6() {
        // zlib.compress(b'"aaaaaaaaaaaa"') on CPython 3.11 (zlib 1.2.13),
        // the signing vector compress_threshold_compressed_urlsafe_2_2.
        assert_eq!(
            compress(b"\"aaaaaaaaaaaa\"").unwrap(),
            [0x78, 0x9c, 0x53, 0x4a, 0x44, 0x02, 0x4a, 0x00, 0x24, 0x26, 0x04, 0xd1]
        );
        assert_eq!(
            compress(b"").unwrap(),
            [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
        );
    }

    #[test]
    fn inflate_round_trip_and_exact_limit() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let z = compress(&data).unwrap();
        assert_eq!(inflate_bounded(&z, data.len()).unwrap(), data);
        assert_eq!(
            inflate_bounded(&z, data.len() - 1),
            Err(InflateError::TooLarge)
        );
        assert_eq!(inflate_bounded(&compress(b"").unwrap(), 0).unwrap(), b"");
    }

    #[test]
    fn inflate_refuses_bad_streams() {
        let z = compress(b"{\"id\":\"foobar\"}").unwrap();
        let mut trailing = z.clone();
        trailing.extend_from_slice(b"junk");
        assert_eq!(
            inflate_bounded(&trailing, 1000),
            Err(InflateError::TrailingData)
        );
        for cut in 0..z.len() {
            assert_eq!(
                inflate_bounded(&z[..cut], 1000),
                Err(InflateError::Corrupt),
                "cut at {cut}"
            );
        }
        let mut bad_sum = z.clone();
        *bad_sum.last_mut().unwrap() ^= 1;
        assert_eq!(inflate_bounded(&bad_sum, 1000), Err(InflateError::Corrupt));
        assert_eq!(
            inflate_bounded(b"this is not zlib", 1000),
            Err(InflateError::Corrupt)
        );
    }
}
