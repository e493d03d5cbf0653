//! Tampering with a compact token: every mutant of a valid token must be
//! rejected. Reusable over any compact token (RFC, itsdangerous and peer
//! vectors): include with `#[path = "common/tamper.rs"] mod tamper;`.

#![allow(dead_code)]

/// The base64url alphabet (RFC 4648 §5).
pub const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The next character of the base64url alphabet after `c` (cyclic); for a
/// character outside the alphabet, `A`.
pub fn next_b64url(c: u8) -> u8 {
    match B64URL.iter().position(|&x| x == c) {
        Some(i) => B64URL[(i + 1) % 64],
        None => b'A',
    }
}

/// Every mutant of `token`, with a description, none equal to `token`:
///
/// * each character of each segment replaced by the next base64url character;
/// * each segment with padding or a non-base64url character appended (`=`,
///   `==`, `+`, `/`, space, newline, `%3D`) and each segment emptied;
/// * every permutation of the segments other than the identity;
/// * every proper prefix (truncation at every position);
/// * each segment duplicated in place (four segments), the header or payload
///   standing in for another segment (`h.h.s`, `p.p.s`, `h.p.h`, `h.p.p`);
/// * a fourth segment appended (empty or `AAAA`), a leading `.` and a
///   leading space.
///
/// Mutants that happen to equal the token are left out; duplicates are kept
/// once.
pub fn mutants(token: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let segs: Vec<&str> = token.split('.').collect();
    let names = ["header", "payload", "signature"];
    let seg_name = |i: usize| names.get(i).copied().unwrap_or("extra");
    let join = |parts: &[&str]| parts.join(".");

    // Character flips inside each segment.
    for (i, seg) in segs.iter().enumerate() {
        for (j, &c) in seg.as_bytes().iter().enumerate() {
            let mut b = seg.as_bytes().to_vec();
            b[j] = next_b64url(c);
            let Ok(flipped) = String::from_utf8(b) else {
                continue;
            };
            let mut parts = segs.clone();
            parts[i] = &flipped;
            out.push((
                join(&parts),
                format!(
                    "{} byte {j}: {:?} -> {:?}",
                    seg_name(i),
                    c as char,
                    next_b64url(c) as char
                ),
            ));
        }
        for extra in ["=", "==", "+", "/", " ", "\n", "%3D"] {
            let grown = format!("{seg}{extra}");
            let mut parts = segs.clone();
            parts[i] = &grown;
            out.push((
                join(&parts),
                format!("{} with {extra:?} appended", seg_name(i)),
            ));
        }
        let mut parts = segs.clone();
        parts[i] = "";
        out.push((join(&parts), format!("{} emptied", seg_name(i))));
    }

    // Segment permutations (for a three-segment token).
    if let [h, p, s] = segs[..] {
        for (order, parts) in [
            ("h.s.p", [h, s, p]),
            ("p.h.s", [p, h, s]),
            ("p.s.h", [p, s, h]),
            ("s.h.p", [s, h, p]),
            ("s.p.h", [s, p, h]),
            ("h.h.s", [h, h, s]),
            ("p.p.s", [p, p, s]),
            ("h.p.h", [h, p, h]),
            ("h.p.p", [h, p, p]),
        ] {
            out.push((join(&parts), format!("segments as {order}")));
        }
    }

    // Truncation at every position.
    for n in 0..token.len() {
        if let Some(prefix) = token.get(..n) {
            out.push((prefix.to_owned(), format!("truncated to {n} bytes")));
        }
    }

    // Duplicated segments and a fourth segment.
    for i in 0..segs.len() {
        let mut parts = segs.clone();
        parts.insert(i, segs[i]);
        out.push((join(&parts), format!("{} duplicated", seg_name(i))));
    }
    out.push((format!("{token}."), "empty fourth segment".to_owned()));
    out.push((format!("{token}.AAAA"), "fourth segment AAAA".to_owned()));
    out.push((format!(".{token}"), "leading dot".to_owned()));
    out.push((format!(" {token}"), "leading space".to_owned()));

    let mut seen = std::collections::HashSet::new();
    out.retain(|(m, _)| m != token && seen.insert(m.clone()));
    out
}
