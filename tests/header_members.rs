//! JWS Protected Headers with as many members as fit in
//! `Limits::max_header_len`: every distinct member is read (a forged one is
//! `invalid_signature`), and one repeated name among them is `malformed`
//! (RFC 7515 §5.2 lets a recipient reject repeated names) on every path that
//! reads the header. How long that takes is measured in
//! `benches-peers` (rows `forged ...`), not here.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use timed_jws::{
    dangerous, jws, jwt, Algorithm, Error, ErrorKind, Header, Key, KeySet, Limits, NumericDate,
    Part, Validation,
};

type Map = serde_json::Map<String, Value>;

const MAX: usize = Limits::DEFAULT.max_header_len;
const NOW: NumericDate = NumericDate::from_secs(1_000);
const CLAIMS: &[u8] = br#"{"exp":2000}"#;

const REPEATED: Error = Error::Malformed {
    part: Part::Header,
    reason: "duplicate header member",
};

fn key(byte: u8) -> Key {
    Key::hmac(Algorithm::HS256, &[byte; 32])
        .unwrap()
        .with_kid("k1")
}

/// `BASE64URL(header) "." BASE64URL(CLAIMS) "." BASE64URL(MAC)` over
/// exactly these header bytes.
fn token(header: &str, key: &Key) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(CLAIMS)
    );
    let mac = key.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac))
}

/// Member names in order of length: `""`, then every one-byte name JSON
/// allows unescaped (0x20 to 0x7f but `"` and `\`), then pairs of those.
/// None is `alg` or `kid`.
fn shortest_names() -> impl Iterator<Item = String> {
    let one: Vec<char> = (0x20u8..=0x7f)
        .filter(|b| !matches!(b, b'"' | b'\\'))
        .map(char::from)
        .collect();
    let two: Vec<String> = one
        .iter()
        .flat_map(|a| one.iter().map(move |b| format!("{a}{b}")))
        .collect();
    std::iter::once(String::new())
        .chain(one.into_iter().map(String::from))
        .chain(two)
}

const PREFIX: &str = r#"{"alg":"HS256","kid":"k1""#;

/// `PREFIX`, then `,"name":0` for each name, then spaces up to exactly
/// `len` bytes, then `}`.
fn header(names: &[String], len: usize) -> String {
    let mut json = PREFIX.to_owned();
    for n in names {
        json.push_str(&format!(r#","{n}":0"#));
    }
    assert!(json.len() < len, "{} members do not fit", names.len());
    json.push_str(&" ".repeat(len - 1 - json.len()));
    json.push('}');
    json
}

/// The most distinct members that fit in a header of exactly `MAX` bytes
/// after `PREFIX`: the shortest names, each with the shortest value.
fn fullest_names() -> Vec<String> {
    let mut used = PREFIX.len() + 1; // and the closing brace
    let mut names = Vec::new();
    for n in shortest_names() {
        let cost = n.len() + 5; // ,"n":0
        if used + cost > MAX {
            break;
        }
        used += cost;
        names.push(n);
    }
    // Not even the shortest name left (two bytes) would fit.
    assert!(MAX - used < 7, "{} bytes left", MAX - used);
    names
}

fn extra_names(h: &Header) -> Vec<&str> {
    h.extra.iter().map(|(k, _)| k.as_str()).collect()
}

#[test]
fn fullest_header_at_the_limit_is_read_in_full() {
    let names = fullest_names();
    let json = header(&names, MAX);
    assert_eq!(json.len(), MAX);
    let k = key(1);
    let t = token(&json, &k);

    let v = jws::verify(&t, &k, &Limits::DEFAULT).unwrap();
    assert_eq!(v.header().alg, "HS256");
    assert_eq!(v.header().kid.as_deref(), Some("k1"));
    assert_eq!(extra_names(v.header()), names);
    assert!(v.header().extra.iter().all(|(_, v)| *v == 0));
    assert_eq!(v.payload(), CLAIMS);

    let set = KeySet::new().with_key(key(1)).unwrap();
    let validation = Validation::new();
    for decoded in [
        jwt::decode_at::<Map>(&t, &k, &validation, NOW).unwrap(),
        jwt::decode_at::<Map>(&t, &set, &validation, NOW).unwrap(),
    ] {
        assert_eq!(extra_names(decoded.header()), names);
        assert_eq!(decoded.registered().exp, Some(NumericDate::from_secs(2000)));
    }
    let unverified = dangerous::decode_header_unverified(&t).unwrap();
    assert_eq!(extra_names(&unverified), names);

    // One byte more is over the limit.
    let over = token(&header(&names, MAX + 1), &k);
    assert_eq!(
        jws::verify(&over, &k, &Limits::DEFAULT).unwrap_err().kind(),
        ErrorKind::ResourceLimit
    );
}

#[test]
fn forged_fullest_header_is_an_invalid_signature() {
    let t = token(&header(&fullest_names(), MAX), &key(2));
    let k = key(1);
    let set = KeySet::new().with_key(key(1)).unwrap();
    let validation = Validation::new();
    assert_eq!(
        jws::verify(&t, &k, &Limits::DEFAULT),
        Err(Error::InvalidSignature)
    );
    assert_eq!(
        jwt::decode_at::<Map>(&t, &k, &validation, NOW).unwrap_err(),
        Error::InvalidSignature
    );
    assert_eq!(
        jwt::decode_at::<Map>(&t, &set, &validation, NOW).unwrap_err(),
        Error::InvalidSignature
    );
}

#[test]
fn one_repeated_member_among_many_is_malformed() {
    let names = fullest_names();
    let last = names.len() - 1;
    let k = key(1);
    let set = KeySet::new().with_key(key(1)).unwrap();
    let validation = Validation::new();
    // The last member repeats the first, one in the middle, the one just
    // before it, or a registered member; and the second member repeats the
    // first.
    let mut cases = Vec::new();
    for repeated in [&names[0], &names[last / 2], &names[last - 1], "alg", "kid"] {
        let mut n = names.clone();
        n[last] = repeated.to_owned();
        cases.push(n);
    }
    let mut n = names.clone();
    n[1] = n[0].clone();
    cases.push(n);
    for n in cases {
        let json = header(&n, MAX);
        assert_eq!(json.len(), MAX);
        let t = token(&json, &k);
        let what = (&n[1], &n[last]);
        assert_eq!(
            Header::from_json_bytes(json.as_bytes()),
            Err(REPEATED),
            "{what:?}"
        );
        assert_eq!(
            jws::verify(&t, &k, &Limits::DEFAULT),
            Err(REPEATED),
            "{what:?}"
        );
        assert_eq!(
            jwt::decode_at::<Map>(&t, &k, &validation, NOW).unwrap_err(),
            REPEATED,
            "{what:?}"
        );
        assert_eq!(
            jwt::decode_at::<Map>(&t, &set, &validation, NOW).unwrap_err(),
            REPEATED,
            "{what:?}"
        );
        assert_eq!(
            dangerous::decode_header_unverified(&t),
            Err(REPEATED),
            "{what:?}"
        );
    }
}
