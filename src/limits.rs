//! Resource limits ([`Limits`]), each checked before the work it bounds,
//! and the JSON nesting scan that enforces `max_json_depth` before any
//! parser runs.

use crate::error::{Error, Limit};

/// Resource limits applied while verifying or decoding, each checked before
/// the work it bounds. Exceeding one is [`Error::ResourceLimit`].
///
/// | limit | default | bounds |
/// |---|---|---|
/// | `max_token_len` | 262 144 bytes (256 KiB) | the whole compact token, before splitting |
/// | `max_header_len` | 8 192 bytes | the decoded JWS Protected Header: its segment's length before decoding, its bytes before parsing |
/// | `max_json_depth` | 64 | nesting of arrays/objects in header and payload, before parsing |
/// | `max_keys_tried` | 8 | keys of a key set tried for a token without `kid` |
///
/// ```
/// let mut limits = timed_jws::Limits::default();
/// limits.max_token_len = 4096;
/// assert_eq!(limits.max_header_len, 8192);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Maximum length of a compact token, in bytes.
    pub max_token_len: usize,
    /// Maximum length of the decoded JWS Protected Header, in bytes.
    pub max_header_len: usize,
    /// Maximum nesting depth of JSON arrays and objects.
    pub max_json_depth: usize,
    /// Maximum number of keys tried for one token.
    pub max_keys_tried: usize,
}

impl Limits {
    /// The default limits (see the table above).
    pub const DEFAULT: Limits = Limits {
        max_token_len: 256 * 1024,
        max_header_len: 8 * 1024,
        max_json_depth: 64,
        max_keys_tried: 8,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Rejects JSON nested deeper than `max` arrays/objects, before any parser
/// runs: `resource_limit` ([`Limit::MaxJsonDepth`]).
///
/// The nesting depth can never exceed the number of `[` and `{` bytes in
/// the text (some may sit inside strings), so when that count is within
/// `max` the text passes without a closer look. Otherwise the bytes are
/// scanned without parsing (strings skipped, escapes honoured). Either way
/// one or two linear passes, no allocation.
pub(crate) fn check_json_depth(json: &[u8], max: usize) -> Result<(), Error> {
    let openers = json.iter().filter(|&&b| b == b'[' || b == b'{').count();
    if openers <= max {
        return Ok(());
    }
    let mut depth = 0usize;
    let mut bytes = json.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'"' => skip_string(&mut bytes),
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Err(Error::ResourceLimit {
                        limit: Limit::MaxJsonDepth,
                        max,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Advances `bytes` past the end of a string whose opening quote was just
/// read: past the next `"` that is not escaped by a `\`.
fn skip_string(bytes: &mut std::slice::Iter<'_, u8>) {
    while let Some(&b) = bytes.next() {
        match b {
            b'"' => return,
            b'\\' => {
                bytes.next();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn depth_scan() {
        assert_eq!(check_json_depth(b"[[[]]]", 3), Ok(()));
        assert_eq!(
            check_json_depth(b"[[[[]]]]", 3).unwrap_err().kind(),
            ErrorKind::ResourceLimit
        );
        assert_eq!(check_json_depth(br#"["[[[[\"[["]"#, 1), Ok(()));
        // Within the limit by the count of `[`/`{` alone (no scan), and by
        // the scan when the count is over it: brackets in strings do not nest.
        assert_eq!(check_json_depth(br#"["{{{"]"#, 4), Ok(()));
        assert_eq!(check_json_depth(br#"["{{{"]"#, 1), Ok(()));
        assert_eq!(
            check_json_depth(br#"[["{{{"]]"#, 1).unwrap_err().kind(),
            ErrorKind::ResourceLimit
        );
        // More openings than the limit, but never that deep at once.
        assert_eq!(check_json_depth(b"[][][][][]", 1), Ok(()));
        assert_eq!(
            check_json_depth(b"{}", 0).unwrap_err().kind(),
            ErrorKind::ResourceLimit
        );
    }
}
