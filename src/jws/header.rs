//! The JWS Protected Header (RFC 7515 §4).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde_json::Value;

use crate::alg::Algorithm;
use crate::error::{Error, Part};
use crate::json::{drain_map, Name, Str};

/// A JWS Protected Header (RFC 7515 §4): the registered members this crate
/// interprets, plus every other member kept in its original order.
///
/// Decoding is strict: the header must be a JSON object with a string `alg`,
/// no duplicate member names (RFC 7515 §5.2 allows rejecting them), and
/// `typ`, `cty`, `kid` strings and `crit` a non-empty array of strings when
/// present. Decoding never re-serialises: the JWS Signing Input is always
/// the bytes as received.
#[derive(Clone, PartialEq, Default)]
pub struct Header {
    /// `alg` (RFC 7515 §4.1.1): the algorithm name exactly as written; it may
    /// name an algorithm this crate does not implement, or `none`.
    pub alg: String,
    /// `typ` (RFC 7515 §4.1.9), e.g. `"JWT"`.
    pub typ: Option<String>,
    /// `cty` (RFC 7515 §4.1.10).
    pub cty: Option<String>,
    /// `kid` (RFC 7515 §4.1.4): which key signed the token.
    pub kid: Option<String>,
    /// `crit` (RFC 7515 §4.1.11): extensions the recipient must understand.
    pub crit: Option<Vec<String>>,
    /// Every other member, in the order of the encoded header.
    pub extra: Vec<(String, Value)>,
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Header")
            .field("alg", &self.alg)
            .field("typ", &self.typ)
            .field("cty", &self.cty)
            .field("kid", &self.kid)
            .field("crit", &self.crit)
            .field("extra", &self.extra)
            .finish()
    }
}

impl Header {
    /// A header with only `alg` set.
    pub fn new(alg: Algorithm) -> Self {
        Header {
            alg: alg.as_str().to_owned(),
            ..Header::default()
        }
    }

    /// The `alg` as an [`Algorithm`] this crate implements.
    ///
    /// # Errors
    ///
    /// [`Error::AlgorithmNotAllowed`] for `none` and unknown names.
    pub fn algorithm(&self) -> Result<Algorithm, Error> {
        self.alg.parse()
    }

    /// The `alg`, exactly as written, must be `alg` (the key's algorithm).
    pub(crate) fn expect_alg(&self, alg: Algorithm) -> Result<(), Error> {
        if self.alg != alg.as_str() {
            return Err(Error::alg_not_allowed(&self.alg));
        }
        Ok(())
    }

    /// Looks up any member by name, registered or not, as JSON.
    pub fn get(&self, name: &str) -> Option<Value> {
        match name {
            "alg" => Some(Value::String(self.alg.clone())),
            "typ" => self.typ.clone().map(Value::String),
            "cty" => self.cty.clone().map(Value::String),
            "kid" => self.kid.clone().map(Value::String),
            "crit" => self
                .crit
                .as_ref()
                .map(|c| Value::Array(c.iter().cloned().map(Value::String).collect())),
            _ => self
                .extra
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
        }
    }

    /// Decodes a header from its JSON bytes (already base64url-decoded), in
    /// one pass: the registered members into their fields, every other
    /// member into `extra`.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] (part [`Part::Header`]) when the bytes are not a
    /// UTF-8 JSON object or repeat a member name; [`Error::InvalidHeader`]
    /// when a member is missing or of the wrong type (the first in document
    /// order).
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut read = Read::default();
        // The visitor fills `read` in place rather than returning it
        // through serde's `Result`s (a large value moved at every layer).
        read_json(bytes, HeaderVisitor { out: &mut read })?;
        // Registered names are counted as they are read; the other names
        // are sorted when there are two or more.
        if read.repeated || (read.header.extra.len() > 1 && has_repeated(read.header.extra_names()))
        {
            // RFC 7515 §5.2 lets a recipient reject repeated names; the
            // JSON is then not a usable header at all (RFC 7493 §2.3).
            return Err(Error::malformed(Part::Header, "duplicate header member"));
        }
        if let Some(reason) = read.problem {
            return Err(Error::InvalidHeader { reason });
        }
        if !read.has_alg {
            return Err(Error::InvalidHeader {
                reason: "missing alg",
            });
        }
        Ok(read.header)
    }

    fn extra_names(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|(k, _)| k.as_str())
    }

    /// The JSON text of this header: `alg`, `typ`, `cty`, `kid`, `crit`
    /// (those present), then the other members in order.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeader`] when an extra member repeats a registered
    /// name or another extra member.
    pub fn to_json_bytes(&self) -> Result<Vec<u8>, Error> {
        Written::of(self).to_json_bytes()
    }

    /// Checks `crit` (RFC 7515 §4.1.11): every listed extension must be one
    /// the caller understands (`understood`), must not be a header parameter
    /// name defined by RFC 7515/7518, and must be present in the header.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeader`] when any rule is broken.
    pub fn check_crit(&self, understood: &[&str]) -> Result<(), Error> {
        let Some(crit) = &self.crit else {
            return Ok(());
        };
        let present: HashSet<&str> = self.extra_names().collect();
        for name in crit {
            if REGISTERED.contains(&name.as_str()) {
                return Err(Error::InvalidHeader {
                    reason: "crit lists a registered header parameter",
                });
            }
            if !understood.contains(&name.as_str()) {
                return Err(Error::InvalidHeader {
                    reason: "crit lists an extension that is not understood",
                });
            }
            if !present.contains(name.as_str()) {
                return Err(Error::InvalidHeader {
                    reason: "crit lists a member that is absent",
                });
            }
        }
        Ok(())
    }
}

/// Header parameter names registered by RFC 7515 §4.1 and RFC 7518 §4.
const REGISTERED: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "epk",
    "apu", "apv", "iv", "tag", "p2s", "p2c", "enc", "zip",
];

/// Whether any name occurs twice: the names sorted (O(n log n) comparisons
/// in the worst case, whatever names an attacker chooses), then each
/// compared with the next.
fn has_repeated<'a>(names: impl Iterator<Item = &'a str>) -> bool {
    let mut sorted: Vec<&str> = names.collect();
    sorted.sort_unstable();
    sorted
        .windows(2)
        .any(|pair| matches!(pair, [a, b] if a == b))
}

/// Parses `bytes` as one JSON value with `visitor` (which must expect an
/// object): UTF-8 checked once for the whole text (RFC 7515 §4: the header
/// is UTF-8), then parsed as text, so no string is checked again.
fn read_json<'de, V: Visitor<'de>>(bytes: &'de [u8], visitor: V) -> Result<V::Value, Error> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::malformed(Part::Header, "header is not UTF-8"))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde::Deserializer::deserialize_map(&mut de, visitor)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| {
            if e.is_data() {
                Error::malformed(Part::Header, "header is not a JSON object")
            } else {
                Error::malformed(Part::Header, "header is not valid JSON")
            }
        })?;
    Ok(value)
}

/// Bit of each registered header parameter this crate reads, to count
/// repeats as they are read.
fn registered_bit(name: &str) -> u8 {
    match name {
        "alg" => 1,
        "typ" => 2,
        "cty" => 4,
        "kid" => 8,
        "crit" => 16,
        _ => 0,
    }
}

/// What one pass over a header's members found: the header, whether a
/// registered name was repeated, the first member of the wrong type.
#[derive(Default)]
struct Read {
    header: Header,
    has_alg: bool,
    repeated: bool,
    problem: Option<&'static str>,
}

struct HeaderVisitor<'r> {
    out: &'r mut Read,
}

impl<'de> Visitor<'de> for HeaderVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Read {
            header: h,
            has_alg,
            repeated,
            problem,
        } = self.out;
        let mut seen = 0u8;
        while let Some(Name(name)) = map.next_key::<Name<'de>>()? {
            let bit = registered_bit(&name);
            *repeated |= seen & bit != 0;
            seen |= bit;
            let (slot, reason) = match bit {
                0 => {
                    let value = map.next_value::<Value>()?;
                    h.extra.push((name.into_owned(), value));
                    continue;
                }
                16 => {
                    match map.next_value::<Crit>()?.0 {
                        Ok(names) => h.crit = Some(names),
                        Err(reason) => {
                            problem.get_or_insert(reason);
                        }
                    }
                    continue;
                }
                1 => (&mut h.alg, "alg must be a string"),
                2 => (
                    h.typ.get_or_insert_with(String::new),
                    "typ must be a string",
                ),
                4 => (
                    h.cty.get_or_insert_with(String::new),
                    "cty must be a string",
                ),
                _ => (
                    h.kid.get_or_insert_with(String::new),
                    "kid must be a string",
                ),
            };
            match map.next_value::<Str<'de>>()?.0 {
                Some(value) => *slot = value.into_owned(),
                None => {
                    problem.get_or_insert(reason);
                }
            }
        }
        *has_alg = seen & 1 != 0;
        Ok(())
    }
}

/// A `crit` value: a non-empty array of strings, or why it is not one.
struct Crit(Result<Vec<String>, &'static str>);

impl<'de> Deserialize<'de> for Crit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        const NOT_STRINGS: &str = "crit must be an array of strings";
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Crit;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Crit, A::Error> {
                let mut names = Vec::new();
                let mut all_strings = true;
                while let Some(Str(item)) = seq.next_element::<Str<'de>>()? {
                    match item {
                        Some(s) if all_strings => names.push(s.into_owned()),
                        _ => all_strings = false,
                    }
                }
                Ok(Crit(match (all_strings, names.is_empty()) {
                    (false, _) => Err(NOT_STRINGS),
                    (true, true) => Err("crit must not be empty"),
                    (true, false) => Ok(names),
                }))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Crit, E> {
                Ok(Crit(Err(NOT_STRINGS)))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Crit, E> {
                Ok(Crit(Err(NOT_STRINGS)))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Crit, E> {
                Ok(Crit(Err(NOT_STRINGS)))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Crit, E> {
                Ok(Crit(Err(NOT_STRINGS)))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Crit, E> {
                Ok(Crit(Err(NOT_STRINGS)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Crit, E> {
                Ok(Crit(Err(NOT_STRINGS)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Crit, A::Error> {
                drain_map(map)?;
                Ok(Crit(Err(NOT_STRINGS)))
            }
        }
        d.deserialize_any(V)
    }
}

/// The members of a JWS Protected Header that choose the key of a
/// [`crate::KeySet`]: `alg` and `kid`, borrowed from the header's JSON.
/// Every other member is skipped unread (it is read once, by
/// [`Header::from_json_bytes`], after the signature verified).
#[derive(Debug)]
pub(crate) struct Route<'a> {
    pub(crate) alg: Cow<'a, str>,
    pub(crate) kid: Option<Cow<'a, str>>,
}

impl<'a> Route<'a> {
    /// Reads `alg` and `kid` from the header's JSON bytes.
    ///
    /// Errors: [`Error::Malformed`] (part [`Part::Header`]) when the bytes
    /// are not one JSON object or repeat `alg` or `kid`;
    /// [`Error::InvalidHeader`] when `alg` is missing or `alg` or `kid` is
    /// not a string.
    pub(crate) fn from_json_bytes(bytes: &'a [u8]) -> Result<Self, Error> {
        let (alg, kid, repeated) = read_json(bytes, RouteVisitor)?;
        if repeated {
            return Err(Error::malformed(Part::Header, "duplicate header member"));
        }
        let alg = alg.ok_or(Error::InvalidHeader {
            reason: "missing alg",
        })?;
        let string = |v: Str<'a>, reason| v.0.ok_or(Error::InvalidHeader { reason });
        let (alg, kid) = match (string(alg, "alg must be a string"), kid) {
            (Ok(alg), None) => (alg, None),
            (Ok(alg), Some(kid)) => (alg, Some(string(kid, "kid must be a string")?)),
            (Err(e), _) => return Err(e),
        };
        Ok(Route { alg, kid })
    }
}

struct RouteVisitor;

impl<'de> Visitor<'de> for RouteVisitor {
    /// `alg`, `kid`, and whether either was repeated.
    type Value = (Option<Str<'de>>, Option<Str<'de>>, bool);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut alg, mut kid, mut repeated) = (None, None, false);
        while let Some(Name(name)) = map.next_key::<Name<'de>>()? {
            let slot = match name.as_ref() {
                "alg" => &mut alg,
                "kid" => &mut kid,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let value = map.next_value::<Str<'de>>()?;
            repeated |= slot.replace(value).is_some();
        }
        Ok((alg, kid, repeated))
    }
}

impl serde::Serialize for Header {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Written::of(self).serialize(s)
    }
}

/// A header as it is written: `alg`, `typ` and `kid` as given (a signer
/// fills in the defaults without copying the header), the other members
/// from `header`.
pub(crate) struct Written<'a> {
    pub(crate) header: &'a Header,
    pub(crate) alg: &'a str,
    pub(crate) typ: Option<&'a str>,
    pub(crate) kid: Option<&'a str>,
}

impl<'a> Written<'a> {
    /// `header` exactly as it is.
    pub(crate) fn of(header: &'a Header) -> Self {
        Written {
            header,
            alg: &header.alg,
            typ: header.typ.as_deref(),
            kid: header.kid.as_deref(),
        }
    }

    /// The JSON text: `alg`, `typ`, `cty`, `kid`, `crit` (those present),
    /// then the other members in order.
    ///
    /// Errors: [`Error::InvalidHeader`] when an extra member repeats a
    /// registered name or another extra member.
    pub(crate) fn to_json_bytes(&self) -> Result<Vec<u8>, Error> {
        let extra = &self.header.extra;
        if extra.iter().any(|(k, _)| registered_bit(k) != 0)
            || (extra.len() > 1 && has_repeated(self.header.extra_names()))
        {
            return Err(Error::InvalidHeader {
                reason: "duplicate header member",
            });
        }
        serde_json::to_vec(self).map_err(|_| Error::InvalidHeader {
            reason: "header cannot be serialised",
        })
    }
}

impl serde::Serialize for Written<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let h = self.header;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("alg", self.alg)?;
        if let Some(v) = self.typ {
            m.serialize_entry("typ", v)?;
        }
        if let Some(v) = &h.cty {
            m.serialize_entry("cty", v)?;
        }
        if let Some(v) = self.kid {
            m.serialize_entry("kid", v)?;
        }
        if let Some(v) = &h.crit {
            m.serialize_entry("crit", v)?;
        }
        for (k, v) in &h.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn keeps_member_order() {
        let h = Header::from_json_bytes(br#"{"z":1,"alg":"HS256","a":[2],"kid":"k1","m":null}"#)
            .unwrap();
        assert_eq!(h.alg, "HS256");
        assert_eq!(h.kid.as_deref(), Some("k1"));
        let names: Vec<&str> = h.extra.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["z", "a", "m"]);
        assert_eq!(
            String::from_utf8(h.to_json_bytes().unwrap()).unwrap(),
            r#"{"alg":"HS256","kid":"k1","z":1,"a":[2],"m":null}"#
        );
    }

    #[test]
    fn strict_decoding() {
        let kind = |s: &str| Header::from_json_bytes(s.as_bytes()).unwrap_err().kind();
        assert_eq!(
            kind(r#"{"alg":"HS256","alg":"none"}"#),
            ErrorKind::Malformed
        );
        assert_eq!(kind(r#"{"typ":"JWT"}"#), ErrorKind::InvalidHeader);
        assert_eq!(kind(r#"{"alg":1}"#), ErrorKind::InvalidHeader);
        assert_eq!(
            kind(r#"{"alg":"HS256","crit":[]}"#),
            ErrorKind::InvalidHeader
        );
        assert_eq!(kind(r#"["alg"]"#), ErrorKind::Malformed);
        assert_eq!(kind(r#"{"alg":"HS256""#), ErrorKind::Malformed);
        assert_eq!(kind("{\"alg\":\"\u{0}\"}"), ErrorKind::Malformed);
        // Not UTF-8, inside a string or outside one.
        for bytes in [&b"{\"alg\":\"HS256\xff\"}"[..], b"{\"alg\":\"HS256\"}\xc3"] {
            assert_eq!(
                Header::from_json_bytes(bytes),
                Err(Error::malformed(Part::Header, "header is not UTF-8"))
            );
        }
    }

    /// Writing refuses an extra member that repeats another (anywhere
    /// among many) or a registered name, and writes many distinct ones.
    #[test]
    fn writing_refuses_repeated_members() {
        let mut h = Header::new(Algorithm::HS256);
        h.extra = (0..2000)
            .map(|i| (format!("m{i}"), Value::from(i)))
            .collect();
        let json = h.to_json_bytes().unwrap();
        assert_eq!(Header::from_json_bytes(&json).unwrap(), h);
        let refused = Error::InvalidHeader {
            reason: "duplicate header member",
        };
        let mut repeated = h.clone();
        repeated.extra.push(("m1000".to_owned(), Value::Null));
        assert_eq!(repeated.to_json_bytes(), Err(refused.clone()));
        let mut registered = h.clone();
        registered.extra.push(("kid".to_owned(), Value::Null));
        assert_eq!(registered.to_json_bytes(), Err(refused));
    }

    #[test]
    fn crit_rules() {
        let h = Header::from_json_bytes(br#"{"alg":"HS256","crit":["exp"],"exp":1}"#).unwrap();
        assert_eq!(
            h.check_crit(&[]).unwrap_err().kind(),
            ErrorKind::InvalidHeader
        );
        assert_eq!(h.check_crit(&["exp"]), Ok(()));
        let h = Header::from_json_bytes(br#"{"alg":"HS256","crit":["kid"],"kid":"a"}"#).unwrap();
        assert_eq!(
            h.check_crit(&["kid"]).unwrap_err().kind(),
            ErrorKind::InvalidHeader
        );
        let h = Header::from_json_bytes(br#"{"alg":"HS256","crit":["x"]}"#).unwrap();
        assert_eq!(
            h.check_crit(&["x"]).unwrap_err().kind(),
            ErrorKind::InvalidHeader
        );
    }
}
