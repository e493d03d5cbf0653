//! The JWS Protected Headers this crate writes for a key, prepared once per
//! key: their exact base64url segments and parsed [`Header`]s.
//!
//! Verification compares a token's header segment with these before
//! decoding it: base64url is strict (one encoding per byte string) and every
//! entry was produced by running the strict parser ([`Header::from_json_bytes`])
//! on exactly the bytes the segment encodes, so a match yields the same
//! `Header` the strict path would, without decoding or allocating. Signing
//! with one of these headers starts the token with the prepared segment.

use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use crate::alg::Algorithm;
use crate::b64;
use crate::header::Header;
use crate::jws::{Limits, Segments};
use crate::scan;

/// One prepared header.
#[derive(Debug)]
struct Entry {
    /// `BASE64URL(UTF8(header JSON))`.
    segment: String,
    /// Length of the header JSON, in bytes (checked against
    /// `Limits::max_header_len` as the strict path does).
    json_len: usize,
    /// The header as the strict parser reads it.
    header: HeaderRef,
    /// Its `alg` (the key's algorithm).
    alg: Algorithm,
    /// Written by [`Header::to_json_bytes`] (so `jws::sign` would write the
    /// same bytes for this header).
    ours: bool,
}

/// The prepared headers of one key.
#[derive(Debug)]
pub(crate) struct KnownHeaders {
    entries: Vec<Entry>,
}

impl KnownHeaders {
    /// For a key of algorithm `alg` with key ID `kid`: `{"alg"}` and
    /// `{"alg","typ":"JWT"}` as this crate writes them, and
    /// `{"typ":"JWT","alg"}` (the member order of several other libraries),
    /// each with the key's `kid` (if any) and without.
    pub(crate) fn new(alg: Algorithm, kid: Option<&str>) -> Self {
        let mut entries = Vec::with_capacity(6);
        let kids = [kid, None];
        for kid in kids.iter().take(if kid.is_some() { 2 } else { 1 }) {
            for typ in [Some("JWT"), None] {
                let mut h = Header::new(alg);
                h.typ = typ.map(str::to_owned);
                h.kid = kid.map(str::to_owned);
                if let Ok(json) = h.to_json_bytes() {
                    entries.extend(Entry::parse(json, true, alg));
                }
            }
            // `{"typ":"JWT","alg":..,"kid":..}`, built from serde_json strings.
            let mut json = String::from(r#"{"typ":"JWT","alg":"#);
            json.push_str(&quote(alg.as_str()));
            if let Some(k) = kid {
                json.push_str(r#","kid":"#);
                json.push_str(&quote(k));
            }
            json.push('}');
            entries.extend(Entry::parse(json.into_bytes(), false, alg));
        }
        KnownHeaders { entries }
    }

    /// The parsed header and its `alg` for a token's header `segment`, if
    /// it is one of the prepared ones and within `limits` (an entry is one
    /// flat JSON object: nesting depth 1).
    pub(crate) fn lookup(&self, segment: &str, limits: &Limits) -> Option<(&HeaderRef, Algorithm)> {
        let e = self.entries.iter().find(|e| e.segment == segment)?;
        (e.json_len <= limits.max_header_len && limits.max_json_depth >= 1)
            .then_some((&e.header, e.alg))
    }

    /// The token's segments, parsed header and its `alg` when `token` starts with one
    /// of the prepared header segments and a dot, within `limits`. The
    /// signature is taken after the last dot (checked first at the position
    /// where a tag of `tag_len` bytes would start). Like
    /// [`crate::jws::split_ends`], the payload may still contain dots, which
    /// strict base64url decoding rejects later; `None` leaves the token to
    /// the other splitters.
    #[inline(always)]
    pub(crate) fn split<'t>(
        &self,
        token: &'t str,
        tag_len: Option<usize>,
        limits: &Limits,
    ) -> Option<(Segments<'t>, &HeaderRef, Algorithm)> {
        if token.len() > limits.max_token_len || limits.max_json_depth < 1 {
            return None;
        }
        let bytes = token.as_bytes();
        let e = self.entries.iter().find(|e| {
            bytes.starts_with(e.segment.as_bytes()) && bytes.get(e.segment.len()) == Some(&b'.')
        })?;
        if e.json_len > limits.max_header_len {
            return None;
        }
        let first = e.segment.len();
        let expected = tag_len.map(|n| bytes.len().saturating_sub(b64::encoded_len(n) + 1));
        let last = match expected {
            Some(i) if i > first && bytes.get(i) == Some(&b'.') => i,
            _ => scan::rfind_byte(bytes, b'.')?,
        };
        if last <= first {
            return None;
        }
        // Sliced here rather than through `jws::segments_at`: the header
        // size was checked above on the JSON length, and this is the hot
        // path (the shared helper costs about 45 instructions more).
        let seg = Segments {
            header: token.get(..first)?,
            payload: token.get(first + 1..last)?,
            signature: token.get(last + 1..)?,
            signing_input: token.get(..last)?,
        };
        Some((seg, &e.header, e.alg))
    }

    /// The prepared segment `jws::sign` would write for a header with
    /// exactly these members (`alg` being the key's), if there is one.
    pub(crate) fn sign_segment(&self, typ: Option<&str>, kid: Option<&str>) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.ours && e.header.typ.as_deref() == typ && e.header.kid.as_deref() == kid)
            .map(|e| e.segment.as_str())
    }
}

impl Entry {
    fn parse(json: Vec<u8>, ours: bool, alg: Algorithm) -> Option<Entry> {
        let header = Header::from_json_bytes(&json).ok()?;
        // The process-wide copy when it is the same header (no `kid`), so a
        // `Jwt` can hold it without touching a reference count.
        let header = match plain_header(alg, header.typ.is_some()) {
            Some(h) if *h == header => HeaderRef::Static(h),
            _ => HeaderRef::Shared(Arc::new(header)),
        };
        Some(Entry {
            segment: b64::encode(&json),
            json_len: json.len(),
            header,
            alg,
            ours,
        })
    }
}

/// A parsed JWS Protected Header held by a verified token: one of the
/// process-wide headers without `kid` ([`plain_header`]), or shared with a
/// key's prepared headers or owned.
#[derive(Clone, Debug)]
pub(crate) enum HeaderRef {
    Static(&'static Header),
    Shared(Arc<Header>),
}

impl HeaderRef {
    /// The header by value (cloned unless this was its only holder).
    pub(crate) fn into_header(self) -> Header {
        match self {
            HeaderRef::Static(h) => h.clone(),
            HeaderRef::Shared(h) => Arc::unwrap_or_clone(h),
        }
    }
}

impl Deref for HeaderRef {
    type Target = Header;

    fn deref(&self) -> &Header {
        match self {
            HeaderRef::Static(h) => h,
            HeaderRef::Shared(h) => h,
        }
    }
}

/// `{"alg":alg,"typ":"JWT"}` (`typ` true) or `{"alg":alg}` as the strict
/// parser reads them, built once per process for every algorithm.
fn plain_header(alg: Algorithm, typ: bool) -> Option<&'static Header> {
    static PLAIN: OnceLock<Vec<[Option<Header>; 2]>> = OnceLock::new();
    let table = PLAIN.get_or_init(|| {
        Algorithm::ALL
            .iter()
            .map(|&a| {
                [true, false].map(|typ| {
                    let mut h = Header::new(a);
                    h.typ = typ.then(|| "JWT".to_owned());
                    Header::from_json_bytes(&h.to_json_bytes().ok()?).ok()
                })
            })
            .collect()
    });
    let i = Algorithm::ALL.iter().position(|&a| a == alg)?;
    table.get(i)?.get(usize::from(!typ))?.as_ref()
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every prepared header is the strict parse of its segment; the ones
    /// without `kid` are the process-wide copies, the ones with it are not.
    #[test]
    fn prepared_headers_equal_strict_parse() {
        for &alg in Algorithm::ALL {
            for kid in [None, Some("k1")] {
                let known = KnownHeaders::new(alg, kid);
                assert_eq!(known.entries.len(), if kid.is_some() { 6 } else { 3 });
                for e in &known.entries {
                    let json = b64::decode(e.segment.as_bytes()).unwrap();
                    assert_eq!(*e.header, Header::from_json_bytes(&json).unwrap());
                    let is_static = matches!(e.header, HeaderRef::Static(_));
                    assert_eq!(is_static, e.header.kid.is_none(), "{alg:?} {}", e.segment);
                    let limits = Limits::default();
                    let (found, found_alg) = known.lookup(&e.segment, &limits).unwrap();
                    assert_eq!(**found, *e.header);
                    assert_eq!((found_alg, e.header.algorithm().unwrap()), (alg, alg));
                }
            }
        }
        let plain = plain_header(Algorithm::HS256, true).unwrap();
        assert_eq!(plain.alg, "HS256");
        assert_eq!(plain.typ.as_deref(), Some("JWT"));
        assert_eq!(plain_header(Algorithm::HS256, false).unwrap().typ, None);
    }
}
