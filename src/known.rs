//! The JWS Protected Headers this crate writes for a key, prepared once per
//! key: their exact base64url segments and parsed [`Header`]s.
//!
//! Verification compares a token's header segment with these before
//! decoding it: base64url is strict (one encoding per byte string) and every
//! entry was produced by running the strict parser ([`Header::from_json_bytes`])
//! on exactly the bytes the segment encodes, so a match yields the same
//! `Header` the strict path would, without decoding or allocating. Signing
//! with one of these headers starts the token with the prepared segment.

use std::sync::Arc;

use crate::alg::Algorithm;
use crate::b64;
use crate::header::Header;
use crate::jws::Limits;

/// One prepared header.
#[derive(Debug)]
struct Entry {
    /// `BASE64URL(UTF8(header JSON))`.
    segment: String,
    /// Length of the header JSON, in bytes (checked against
    /// `Limits::max_header_len` as the strict path does).
    json_len: usize,
    /// The header as the strict parser reads it.
    header: Arc<Header>,
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
                    entries.extend(Entry::parse(json, true));
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
            entries.extend(Entry::parse(json.into_bytes(), false));
        }
        KnownHeaders { entries }
    }

    /// The parsed header for a token's header `segment`, if it is one of
    /// the prepared ones and within `limits` (an entry is one flat JSON
    /// object: nesting depth 1).
    pub(crate) fn lookup(&self, segment: &str, limits: &Limits) -> Option<&Arc<Header>> {
        let e = self.entries.iter().find(|e| e.segment == segment)?;
        (e.json_len <= limits.max_header_len && limits.max_json_depth >= 1).then_some(&e.header)
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
    fn parse(json: Vec<u8>, ours: bool) -> Option<Entry> {
        let header = Header::from_json_bytes(&json).ok()?;
        Some(Entry {
            segment: b64::encode(&json),
            json_len: json.len(),
            header: Arc::new(header),
            ours,
        })
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
